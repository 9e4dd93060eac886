// Gatehouse browser test: the office user form (issue 12, items 3, 4, 20).
//   - The add form's defaults save as shown (View Only, no calendar).
//   - "Enable All" keeps the typed password: with JavaScript it works in the
//     page; without, it is a submit that brings the form back with every
//     typed value, the password included.  So does "Show its permissions".
//   - General / Permissions / Email: ARIA tabs with JavaScript (click, arrow
//     keys, Home / End; after a 422 the tab holding the error opens first);
//     without JavaScript every section is on the page and the tab bar's
//     links work as anchors.  The module matrix shows for Customize only, a
//     read-only summary for a preset role.
//   - At 390x844 the page does not overflow sideways (screenshot kept in
//     tests/out/office-user-edit-390.png).
//
// Env: GH_TEST_PORT  port of the stack's nginx on 127.0.0.1 (required)
//      GH_BUILDDIR   screenshots go to $GH_BUILDDIR/tests/out/
//      GH_BROWSER_TIMEOUT_MS  overall limit (default 90000)
//
// Each run adds (and deletes) its own user, form-<stamp>@office.test.
import { ctx, ok, note, must, run, navigateBy, text, watchPage, launchChromium } from './lib.mjs';
import fs from 'node:fs';
import path from 'node:path';

const PORT = process.env.GH_TEST_PORT;
const BUILDDIR = process.env.GH_BUILDDIR || process.cwd();
const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 90000);
const BASE = `http://127.0.0.1:${PORT}`;
const STAMP = `${Date.now()}${String(process.pid % 1000).padStart(3, '0')}`;
const EMAIL = `form-${STAMP}@office.test`;
const PASSWORD = `Gh-form-${STAMP.slice(-6)}-Heron!`;
const shot = (name) => path.join(BUILDDIR, 'tests', 'out', `${name}.png`);
const EDIT = `${BASE}/settings/office-users/edit`;

async function signIn(page, email, password) {
  await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

async function newPage(watched, options) {
  const context = await ctx.browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  watchPage(page, watched);
  await signIn(page, 'admin@demo.test', 'gatehouse-demo');
  return { context, page };
}

// Which sections the page shows, by id.
async function shown(page) {
  const out = [];
  for (const id of ['general', 'permissions', 'mail-tab']) {
    if (await page.locator(`#${id}`).isVisible()) out.push(id);
  }
  return out.join(' ');
}

async function noOverflow(page) {
  return page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
}

async function main() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  fs.mkdirSync(path.join(BUILDDIR, 'tests', 'out'), { recursive: true });
  note(`user ${EMAIL}`);
  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  const watched = { consoleErrors: [], badResponses: [], expected: [] };

  // 1. With JavaScript: tabs.
  ctx.step = 'tabs';
  const { context, page } = await newPage(watched);
  await page.goto(EDIT, { waitUntil: 'load' });
  const tabs = page.locator('nav.tabs[role="tablist"] [role="tab"]');
  must((await tabs.count()) === 3, 'the section links are ARIA tabs (a tablist of 3)');
  ok((await shown(page)) === 'general' &&
     (await page.locator('#tab-general').getAttribute('aria-selected')) === 'true' &&
     (await page.locator('#general').getAttribute('role')) === 'tabpanel',
    'General shows first, alone, as a tabpanel', await shown(page));
  await page.getByRole('tab', { name: 'Permissions' }).click();
  ok((await shown(page)) === 'permissions' &&
     (await page.locator('#tab-permissions').getAttribute('aria-selected')) === 'true' &&
     new URL(page.url()).hash === '#permissions',
    'a click opens Permissions', `${await shown(page)} ${page.url()}`);
  await page.keyboard.press('ArrowRight');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  ok((await shown(page)) === 'mail-tab' && focused === 'tab-mail-tab', 'ArrowRight: Email, focused',
    `${await shown(page)} focus ${focused}`);
  await page.keyboard.press('ArrowRight');
  ok((await shown(page)) === 'general', 'ArrowRight wraps round to General');
  await page.keyboard.press('ArrowLeft');
  ok((await shown(page)) === 'mail-tab', 'ArrowLeft: back to Email');
  await page.keyboard.press('Home');
  ok((await shown(page)) === 'general', 'Home: General');
  await page.keyboard.press('End');
  ok((await shown(page)) === 'mail-tab', 'End: Email');

  // 2. The role: a preset role's summary, Customize's matrix.
  ctx.step = 'role';
  await page.getByRole('tab', { name: 'General' }).click();
  await page.locator('#role').selectOption('admin');
  await page.getByRole('tab', { name: 'Permissions' }).click();
  ok((await page.locator('.perm-summary[data-role-panel="admin"]').isVisible()) &&
     !(await page.locator('.perm-matrix').isVisible()) && (await page.locator('#perm_settings').isDisabled()),
    'Admin: its read-only summary, no matrix (disabled, never posted)');
  await page.getByRole('tab', { name: 'General' }).click();
  await page.locator('#role').selectOption('customize');
  await page.getByRole('tab', { name: 'Permissions' }).click();
  ok((await page.locator('.perm-matrix').isVisible()) && !(await page.locator('#perm_settings').isDisabled()) &&
     !(await page.locator('.perm-summary[data-role-panel="admin"]').isVisible()),
    'Customize: the matrix, editable');

  // 3. Enable All in the page keeps what was typed.
  ctx.step = 'enable all with JavaScript';
  await page.goto(EDIT, { waitUntil: 'load' });
  await page.locator('#email').fill(EMAIL);
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('tab', { name: 'Permissions' }).click();
  let requests = 0;
  page.on('request', (r) => { if (r.resourceType() === 'document') requests += 1; });
  await page.getByRole('button', { name: 'Enable All' }).click();
  ok(requests === 0 && (await page.locator('#role').inputValue()) === 'customize' &&
     (await page.locator('#perm_settings').inputValue()) === '3' &&
     (await page.locator('#perm_map').inputValue()) === '1' &&
     (await page.locator('#password').inputValue()) === PASSWORD,
    'Enable All (JavaScript): Customize, every module up, nothing sent, the password still typed');

  // 4. A 422 opens the tab holding the error: Scheduling Edit without a calendar.
  ctx.step = '422';
  watched.expected.push(['/settings/office-users/edit', 422]);
  const resp = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click(),
  ]).then(([r]) => r);
  ok(resp && resp.status() === 422 && (await shown(page)) === 'permissions' &&
     (await text(page.locator('#permissions .field-error'))).includes('calendar'),
    'after a 422 the Permissions tab, which holds the error, opens first',
    `${resp && resp.status()} ${await shown(page)}`);

  // 5. The defaults save as shown.
  ctx.step = 'defaults';
  await page.goto(EDIT, { waitUntil: 'load' });
  await page.locator('#email').fill(EMAIL);
  await page.locator('#password').fill(PASSWORD);
  await navigateBy(page, () => page.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click());
  const notice = await text(page.locator('.notice-success'));
  must(new URL(page.url()).pathname === '/settings/office-users' && notice.startsWith('Office user added'),
    'a new user saved with the form\'s defaults (View Only, no calendar) is added',
    `url ${page.url()}, errors "${await text(page.locator('.field-error'))}"`);

  // 6. 390x844: no sideways overflow.
  ctx.step = 'narrow';
  const small = await newPage(watched, { viewport: { width: 390, height: 844 } });
  await small.page.goto(`${BASE}/settings/office-users?q=${encodeURIComponent(EMAIL)}`, { waitUntil: 'load' });
  await navigateBy(small.page, () => small.page.locator('table.data-table tbody a').first().click());
  must((await text(small.page.locator('main h1'))) === 'Edit Office User', 'the new user\'s page opens at 390x844');
  let [sw, iw] = await noOverflow(small.page);
  await small.page.screenshot({ path: shot('office-user-edit-390'), fullPage: true });
  ok(sw <= iw, 'General at 390 px: nothing wider than the screen', `scrollWidth ${sw}, innerWidth ${iw}`);
  const overflow = [];
  await small.page.getByRole('tab', { name: 'Permissions' }).click();
  [sw, iw] = await noOverflow(small.page);
  if (sw > iw) overflow.push(`Permissions: ${sw} > ${iw}`);
  await small.page.getByRole('button', { name: 'Enable All' }).click();
  [sw, iw] = await noOverflow(small.page);
  if (sw > iw) overflow.push(`the matrix: ${sw} > ${iw}`);
  await small.page.screenshot({ path: shot('office-user-edit-390-permissions'), fullPage: true });
  await small.page.getByRole('tab', { name: 'Email' }).click();
  [sw, iw] = await noOverflow(small.page);
  if (sw > iw) overflow.push(`Email: ${sw} > ${iw}`);
  ok(overflow.length === 0, 'Permissions (the matrix too) and Email at 390 px: no overflow either', overflow.join('; '));
  await small.context.close();

  // 7. Without JavaScript.
  ctx.step = 'no JavaScript';
  const plain = await newPage(watched, { javaScriptEnabled: false });
  const p = plain.page;
  await p.goto(EDIT, { waitUntil: 'load' });
  ok((await shown(p)) === 'general permissions mail-tab' &&
     (await p.locator('nav.tabs[role="tablist"]').count()) === 0,
    'without JavaScript every section is on the page (plain links, no tablist)', await shown(p));
  await p.locator('nav.tabs').getByRole('link', { name: 'Email' }).click();
  ok(new URL(p.url()).hash === '#mail-tab' &&
     (await p.locator('#mail-tab').evaluate((el) => el.getBoundingClientRect().top)) < 100,
    'the tab bar\'s links work as anchors (Email scrolled to)');
  await p.locator('#email').fill(`nojs-${EMAIL}`);
  await p.locator('#password').fill(PASSWORD);
  await p.locator('#first').fill('Nojs');
  await p.locator('#smtp_password').fill(`${PASSWORD}-smtp`);
  watched.expected.push(['/settings/office-users/edit', 200]);
  await navigateBy(p, () => p.getByRole('button', { name: 'Enable All' }).click());
  ok((await p.locator('#password').inputValue()) === PASSWORD &&
     (await p.locator('#smtp_password').inputValue()) === `${PASSWORD}-smtp` &&
     (await p.locator('#first').inputValue()) === 'Nojs' &&
     (await p.locator('#email').inputValue()) === `nojs-${EMAIL}` &&
     (await p.locator('#role').inputValue()) === 'customize' &&
     (await p.locator('#perm_settings').inputValue()) === '3' &&
     new URL(p.url()).hash === '#permissions',
    'Enable All (no JavaScript): the form comes back as Customize, every typed value kept, the passwords too');
  await p.locator('#role').selectOption('edit_view');
  await navigateBy(p, () => p.getByRole('button', { name: 'Show its permissions' }).click());
  ok((await p.locator('.perm-summary[data-role-panel="edit_view"]').isVisible()) &&
     !(await p.locator('.perm-matrix').isVisible()) &&
     (await p.locator('#password').inputValue()) === PASSWORD,
    'Show its permissions (no JavaScript): Edit & View\'s summary, the password still there');
  await plain.context.close();

  // Clean up: delete the user added in step 5.
  ctx.step = 'delete';
  await page.goto(`${BASE}/settings/office-users?q=${encodeURIComponent(EMAIL)}`, { waitUntil: 'load' });
  const row = page.locator('table.data-table tbody tr');
  if ((await row.count()) === 1) {
    await row.locator('input[type=checkbox]').check();
    await navigateBy(page, () => page.getByRole('button', { name: 'Delete selected' }).click());
    await navigateBy(page, () => page.getByRole('button', { name: 'Delete', exact: true }).click());
  }
  ok((await text(page.locator('.notice-success'))).startsWith('Office user deleted.'), 'the test user is deleted');
  await context.close();

  ctx.step = 'console';
  ok(watched.consoleErrors.length === 0, 'no console errors and no CSP violations', watched.consoleErrors.join('\n'));
  ok(watched.badResponses.length === 0, 'every stylesheet and script loaded', watched.badResponses.join('\n'));
}

run(main, LIMIT_MS);
