// Gatehouse browser test: issue 12's portal-user items in Chromium.
//   1  a revoked user shows "Revoked" in Portal Access, and the filter bar's
//      status select finds it;
//   2  changing the company on a user's edit page leaves the login email
//      alone (app.js fills nothing in), "Use company email" fills it only
//      when clicked, and saving keeps the login;
//   5  adding a user with two chosen sites ("Choose company" shows Cool
//      Air's sites on the add form) grants exactly those: the edit page
//      shows them ticked.
//
// Env: GH_TEST_PORT  port of the stack's nginx on 127.0.0.1 (required)
//      GH_TEST_STATE the stack's state dir (gh-stack sql, for clean-up)
//      GH_SRCDIR     source dir (scripts/gh-stack)
//      GH_BUILDDIR   screenshots go to $GH_BUILDDIR/tests/out/portal-users-*.png
//
// Uses the demo tenant's customers (Cool Air with Cool Air Campus and its
// sub-sites Warehouse A, Warehouse B and Showroom; ABM Apartments) and adds
// its own portal users, users-<stamp>-*@coolair.example.com, deleted at the
// end, so it can run any number of times on one stack.
import { ctx, ok, must, note, run, navigateBy, text, watchPage, launchChromium } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const PORT = process.env.GH_TEST_PORT;
const STATE = process.env.GH_TEST_STATE || '';
const SRCDIR = process.env.GH_SRCDIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BUILDDIR = process.env.GH_BUILDDIR || process.cwd();
const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 60000);
const BASE = `http://127.0.0.1:${PORT}`;
const LIST = '/settings/client/portal-access';
const EDIT = '/settings/client/portal-access/edit';
const PASSWORD = 'gatehouse-demo';
const STAMP = `${Date.now()}${String(process.pid % 1000).padStart(3, '0')}`;
const REVOKED = `users-${STAMP}-revoked@coolair.example.com`;
const MOVED = `users-${STAMP}-moved@coolair.example.com`;
const SITES = `users-${STAMP}-sites@coolair.example.com`;
const USER_PASSWORD = `Gh-users-${STAMP.slice(-6)}-Heron!`;
const shot = (name) => path.join(BUILDDIR, 'tests', 'out', `${name}.png`);

function sql(statement) {
  return execFileSync(path.join(SRCDIR, 'scripts', 'gh-stack'),
    ['sql', statement, '--state', STATE, '--', '-N', '-B'], { encoding: 'utf8' }).trim();
}

// Adds a portal user of company through the add form (JavaScript on).
async function addUser(page, company, email) {
  await page.goto(`${BASE}${EDIT}`, { waitUntil: 'load' });
  await page.locator('#customer').selectOption({ label: company });
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(USER_PASSWORD);
  await navigateBy(page, () => page.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click());
  const notice = await text(page.locator('.notice-success'));
  must(/^Portal user added/.test(notice), `${email} is added`,
    `notice "${notice}", errors "${await text(page.locator('.notice-error, .field-error'))}"`);
  return sql(`SELECT id FROM portal_users WHERE email = '${email}'`);
}

async function main() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  fs.mkdirSync(path.join(BUILDDIR, 'tests', 'out'), { recursive: true });
  note(`users users-${STAMP}-*@coolair.example.com`);
  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  const watched = { consoleErrors: [], badResponses: [], expected: [] };
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10000);
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
  const page = await context.newPage();
  watchPage(page, watched);
  try {
    ctx.step = 'sign in';
    await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
    await page.locator('#email').fill('admin@demo.test');
    await page.locator('#password').fill(PASSWORD);
    await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
    must(new URL(page.url()).pathname === '/settings/', 'admin@demo.test signs in', `url ${page.url()}`);
    await revokedFlow(page);
    await companyFlow(page);
    await sitesFlow(page);
  } finally {
    ctx.step = 'clean up';
    try {
      sql(`DELETE FROM portal_users WHERE email IN ('${REVOKED}', '${MOVED}', '${SITES}')`);
    } catch (e) { note(`clean-up: ${e.message}`); }
  }
  ctx.step = 'console';
  ok(watched.consoleErrors.length === 0, 'no console errors and no CSP violations', watched.consoleErrors.join('\n'));
  ok(watched.badResponses.length === 0, 'every stylesheet and script loaded', watched.badResponses.join('\n'));
  await context.close();
}

// 1. Revoked shows Revoked; the status filter finds it.
async function revokedFlow(page) {
  ctx.step = 'add and revoke a user';
  const id = await addUser(page, 'Cool Air', REVOKED);
  await page.goto(`${BASE}${EDIT}?id=${id}`, { waitUntil: 'load' });
  await page.locator('#status').selectOption('revoked');
  await navigateBy(page, () => page.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click());
  must(sql(`SELECT status FROM portal_users WHERE id = ${id}`) === 'revoked', 'the user is revoked on the edit page');

  ctx.step = 'the list shows Revoked';
  await page.goto(`${BASE}${LIST}`, { waitUntil: 'load' });
  await page.locator('#list-q').fill(REVOKED);
  await navigateBy(page, () => page.locator('form.filter-bar').getByRole('button', { name: 'Filter' }).click());
  let rows = page.locator('table.data-table tbody tr:not(.list-empty)');
  let badge = await text(rows.first().locator('.badge'));
  ok(await rows.count() === 1 && badge === 'Revoked', 'the revoked user\'s row says "Revoked" (not "Active")',
    `rows ${await rows.count()}, badge "${badge}"`);

  ctx.step = 'filter by status';
  await page.locator('#list-q').fill('');
  await page.locator('#list-status').selectOption({ label: 'Revoked' });
  await navigateBy(page, () => page.locator('form.filter-bar').getByRole('button', { name: 'Filter' }).click());
  const url = new URL(page.url());
  const emails = (await page.locator('table.data-table tbody td.cell-email').allTextContents()).map((s) => s.trim());
  const badges = [...new Set((await page.locator('table.data-table tbody .badge').allTextContents()).map((s) => s.trim()))];
  ok(url.searchParams.get('status') === 'revoked' && emails.includes(REVOKED) &&
     badges.length === 1 && badges[0] === 'Revoked',
    'Status: Revoked in the filter bar lists the user, and only revoked users',
    `url ${page.url()}, emails ${emails.join(', ')}, badges ${badges.join(', ')}`);
  ok(await page.locator('#list-status').inputValue() === 'revoked', 'the select shows the status filtered by');
  await page.screenshot({ path: shot('portal-users-revoked'), fullPage: true });

  ctx.step = 'the filter is kept when sorting';
  await navigateBy(page, () => page.locator('thead a.sort-link', { hasText: 'Email' }).click());
  const sorted = new URL(page.url());
  ok(sorted.searchParams.get('status') === 'revoked' && sorted.searchParams.get('sort') === 'email' &&
     (await page.locator('table.data-table tbody td.cell-email').allTextContents()).map((s) => s.trim()).includes(REVOKED),
    'sorting by Email keeps the status filter', `url ${page.url()}`);
}

// 2. Changing the company leaves the login email.
async function companyFlow(page) {
  ctx.step = 'change the company of a user';
  const id = await addUser(page, 'Cool Air', MOVED);
  await page.goto(`${BASE}${EDIT}?id=${id}`, { waitUntil: 'load' });
  const email = page.locator('#email');
  await page.locator('#customer').selectOption({ label: 'ABM Apartments' });
  const after = await email.inputValue();
  ok(after === MOVED, 'choosing ABM Apartments leaves the email field as it was', `email field "${after}"`);
  const button = page.getByRole('button', { name: 'Use company email' });
  must(await button.isVisible(), 'a "Use company email" button is offered (an explicit choice)');
  await button.click();
  const asked = await email.inputValue();
  const company = sql(`SELECT primary_email FROM customers WHERE name = 'ABM Apartments' AND tenant_id = (SELECT id FROM tenants WHERE slug = 'demo')`);
  ok(asked === company && new URL(page.url()).pathname === EDIT,
    'clicking it puts the company\'s email in the field at once (nothing saved yet)', `email field "${asked}", want "${company}"`);
  await email.fill(MOVED);
  await navigateBy(page, () => page.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click());
  const saved = sql(`SELECT CONCAT(email, '|', company_name) FROM portal_users WHERE id = ${id}`);
  ok(saved === `${MOVED}|ABM Apartments`, 'saved: the company is ABM Apartments, the login email unchanged', `row "${saved}"`);
  await page.goto(`${BASE}${EDIT}?id=${id}`, { waitUntil: 'load' });
  ok(await email.inputValue() === MOVED, 'the edit page shows the same login');
}

// 5. Adding with two chosen sites grants exactly those.
async function sitesFlow(page) {
  ctx.step = 'add a user with chosen sites';
  await page.goto(`${BASE}${EDIT}`, { waitUntil: 'load' });
  await page.locator('#customer').selectOption({ label: 'Cool Air' });
  await navigateBy(page, () => page.getByRole('button', { name: 'Choose company' }).click());
  const fieldset = page.locator('fieldset', { hasText: 'Sites this user may see' });
  const offered = (await fieldset.locator('label.check-sub').allTextContents()).map((s) => s.replace(/[↳\s]+/g, ' ').trim());
  must(offered.includes('Warehouse A') && offered.includes('Warehouse B') && offered.includes('Showroom'),
    '"Choose company" shows Cool Air\'s sites on the add form', `sites: ${offered.join(', ')}`);
  await page.locator('#email').fill(SITES);
  await page.locator('#password').fill(USER_PASSWORD);
  await fieldset.locator('input[name="sites"][value="chosen"]').check();
  for (const name of ['Warehouse A', 'Showroom']) {
    await fieldset.locator('label.check-sub', { hasText: name }).locator('input[type="checkbox"]').check();
  }
  await page.screenshot({ path: shot('portal-users-add-sites'), fullPage: true });
  await navigateBy(page, () => page.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click());
  const notice = await text(page.locator('.notice-success'));
  must(/^Portal user added/.test(notice), 'saved with two chosen sites',
    `notice "${notice}", errors "${await text(page.locator('.notice-error, .field-error'))}"`);

  ctx.step = 'the edit page shows exactly those';
  const id = sql(`SELECT id FROM portal_users WHERE email = '${SITES}'`);
  await page.goto(`${BASE}${EDIT}?id=${id}`, { waitUntil: 'load' });
  const ticked = [];
  for (const label of await fieldset.locator('label.check-sub').all()) {
    if (await label.locator('input').isChecked()) ticked.push((await label.textContent()).replace(/[↳\s]+/g, ' ').trim());
  }
  ok(ticked.sort().join(', ') === 'Showroom, Warehouse A' &&
     await fieldset.locator('input[name="sites"][value="chosen"]').isChecked(),
    'the user\'s edit page: "Only these", Warehouse A and Showroom ticked, nothing else', `ticked: ${ticked.join(', ')}`);

  ctx.step = 'another company chosen: its sites are not these';
  await page.locator('#customer').selectOption({ label: 'ABM Apartments' });
  const stale = await fieldset.locator('.sites-stale').isVisible();
  const disabled = await fieldset.locator('input[name="site"]').first().isDisabled();
  ok(stale && disabled, 'choosing another company marks the shown sites as the old company\'s (disabled)',
    `note shown ${stale}, inputs disabled ${disabled}`);
}

run(main, LIMIT_MS);
