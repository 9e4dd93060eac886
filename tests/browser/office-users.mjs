// Gatehouse browser test: Office Users (seed 004).  A Super Admin adds an
// office user with Customize + "Enable All" (and a calendar, which
// Scheduling needs), the new user signs in and lands on their default login
// screen (Settings); a View Only user sees read-only pages and no Office
// Users entry; the new user is deleted with confirmation.
//
// Env: GH_TEST_PORT  port of the stack's nginx on 127.0.0.1 (required)
//      GH_BUILDDIR   screenshots go to $GH_BUILDDIR/tests/out/office-user-*.png
//      GH_BROWSER_TIMEOUT_MS  overall limit (default 60000)
//
// Each run adds (and deletes) its own user, browser-<stamp>@office.test; a
// deleted login can never be used again, hence the stamp.
import { ctx, ok, note, must, run, navigateBy, text, watchPage, launchChromium } from './lib.mjs';
import fs from 'node:fs';
import path from 'node:path';

const PORT = process.env.GH_TEST_PORT;
const BUILDDIR = process.env.GH_BUILDDIR || process.cwd();
const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 60000);
const BASE = `http://127.0.0.1:${PORT}`;
const STAMP = `${Date.now()}${String(process.pid % 1000).padStart(3, '0')}`;
const EMAIL = `browser-${STAMP}@office.test`;
const PASSWORD = `Gh-office-${STAMP.slice(-6)}-Osprey!`;
const shot = (name) => path.join(BUILDDIR, 'tests', 'out', `${name}.png`);

async function signIn(page, email, password) {
  await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

async function main() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  fs.mkdirSync(path.join(BUILDDIR, 'tests', 'out'), { recursive: true });
  note(`user ${EMAIL}`);
  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  const watched = { consoleErrors: [], badResponses: [], expected: [] };

  // 1. The Super Admin adds the user.
  ctx.step = 'add an office user';
  let context = await ctx.browser.newContext({ viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(10000);
  const admin = await context.newPage();
  watchPage(admin, watched);
  await signIn(admin, 'admin@demo.test', 'gatehouse-demo');
  const menu = admin.locator('nav.sidenav').getByRole('link', { name: 'Office Users', exact: true });
  must((await menu.count()) === 1, 'a Super Admin has "Office Users" in the menu');
  await navigateBy(admin, () => menu.click());
  await navigateBy(admin, () => admin.getByRole('link', { name: 'Add Office User' }).click());
  let h1 = await text(admin.locator('main h1'));
  must(h1 === 'Add Office User', 'the add form opens', `h1 "${h1}"`);
  ok((await admin.locator('#street').inputValue()) === '100 Example Street',
    "the address starts as the company's");
  await admin.locator('#email').fill(EMAIL);
  await admin.locator('#password').fill(PASSWORD);
  await admin.locator('#role').selectOption('customize');
  // With JavaScript, Enable All works in the page: nothing is submitted,
  // so nothing typed can be lost.
  await admin.getByRole('tab', { name: 'Permissions' }).click();
  const before = admin.url();
  await admin.getByRole('button', { name: 'Enable All' }).click();
  const levels = {
    settings: await admin.locator('#perm_settings').inputValue(),
    map: await admin.locator('#perm_map').inputValue(),
    scheduling: await admin.locator('#perm_scheduling').inputValue(),
    reports: await admin.locator('#perm_reports').inputValue(),
    role: await admin.locator('#role').inputValue(),
  };
  ok(levels.settings === '3' && levels.map === '1' && levels.scheduling === '2' && levels.reports === '2' &&
     levels.role === 'customize' && (await admin.locator('#email').inputValue()) === EMAIL &&
     (await admin.locator('#password').inputValue()) === PASSWORD && admin.url() === before,
    'Enable All: Settings Super Admin, Map View, everything else Edit, in the page; the form keeps what was typed',
    JSON.stringify(levels));
  await admin.getByLabel('Delivery Schedule').check();
  await admin.getByRole('tab', { name: 'General' }).click();
  await admin.locator('#screen').selectOption('settings');
  await navigateBy(admin, () => admin.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click());
  const notice = await text(admin.locator('.notice-success'));
  must(new URL(admin.url()).pathname === '/settings/office-users' && notice.startsWith('Office user added'),
    'Save adds the user and returns to the list', `url ${admin.url()}, notice "${notice}", errors "${await text(admin.locator('.field-error'))}"`);
  await admin.locator('#list-q').fill(EMAIL);
  await navigateBy(admin, () => admin.locator('form.filter-bar').getByRole('button', { name: 'Filter' }).click());
  const row = admin.locator('table.data-table tbody tr');
  ok((await row.count()) === 1 && /Customize\s*Super Admin/.test(await text(row)) && /Active/.test(await text(row)),
    'the list shows the user: Customize, Super Admin, Active', await text(row));
  await admin.screenshot({ path: shot('office-users'), fullPage: true });

  // 2. The new user signs in and lands on the default login screen.
  ctx.step = 'sign in as the new user';
  const other = await ctx.browser.newContext({ viewport: { width: 1200, height: 900 } });
  other.setDefaultTimeout(10000);
  const u = await other.newPage();
  watchPage(u, watched);
  await signIn(u, EMAIL, PASSWORD);
  ok(new URL(u.url()).pathname === '/settings/', 'the new user lands on their default login screen (Settings)',
    `url ${u.url()}`);
  ok((await u.locator('nav.sidenav').getByRole('link', { name: 'Office Users', exact: true }).count()) === 1,
    'as a Super Admin they manage office users too');
  await other.close();

  // 3. A View Only user: read-only pages, no Office Users.
  ctx.step = 'view only';
  const vctx = await ctx.browser.newContext({ viewport: { width: 1200, height: 900 } });
  vctx.setDefaultTimeout(10000);
  const v = await vctx.newPage();
  watchPage(v, watched);
  await signIn(v, 'viewer@demo.test', 'gatehouse-demo');
  ok((await v.locator('nav.sidenav').getByRole('link', { name: 'Office Users', exact: true }).count()) === 0,
    'a View Only user has no "Office Users" in the menu');
  await v.goto(`${BASE}/settings/client/portal-access-settings`, { waitUntil: 'load' });
  ok((await text(v.locator('.note-readonly'))) === 'You have view-only access to settings.' &&
     (await v.locator('#enabled').isDisabled()),
    'Portal Access Settings are read-only for them');
  watched.expected.push(['/settings/office-users', 403]);
  const resp = await v.goto(`${BASE}/settings/office-users`, { waitUntil: 'load' });
  ok(resp.status() === 403, 'and /settings/office-users answers 403', `status ${resp.status()}`);
  await v.screenshot({ path: shot('office-user-viewonly'), fullPage: false });
  await vctx.close();

  // 4. Delete with confirmation.
  ctx.step = 'delete the user';
  await row.locator('input[type=checkbox]').check();
  await navigateBy(admin, () => admin.getByRole('button', { name: 'Delete selected' }).click());
  h1 = await text(admin.locator('main h1'));
  ok(h1 === 'Delete 1 office user?' && (await text(admin.locator('.delete-list'))).includes(EMAIL),
    'the confirmation names the user', `h1 "${h1}"`);
  await navigateBy(admin, () => admin.getByRole('button', { name: 'Delete', exact: true }).click());
  ok((await text(admin.locator('.notice-success'))).startsWith('Office user deleted.'), 'deleted: "Office user deleted."');
  await context.close();

  ctx.step = 'console';
  ok(watched.consoleErrors.length === 0, 'no console errors and no CSP violations', watched.consoleErrors.join('\n'));
  ok(watched.badResponses.length === 0, 'every stylesheet and script loaded', watched.badResponses.join('\n'));
}

run(main, LIMIT_MS);
