// Gatehouse browser test: the TrackTik flow (issue 6).  An office admin
// gives a Cool Air contact portal access in a permission group, grants two
// of the three sub-sites of Cool Air Campus, and the client, signing in on
// the direct link, sees exactly those two sites and only their invoices;
// the admin revokes the access, the client's open page loses its session
// at once and signing in again is refused with a clear message.
//
// Env: GH_TEST_PORT  port of the stack's nginx on 127.0.0.1 (required)
//      GH_TEST_STATE the stack's state dir (gh-stack sql, for clean-up)
//      GH_SRCDIR     source dir (scripts/gh-stack)
//      GH_BUILDDIR   screenshots go to $GH_BUILDDIR/tests/out/portal-*.png
//
// Uses the demo data of `gatehouse-ctl demo` (Cool Air Campus with
// Warehouse A, Warehouse B and Showroom, an invoice on each sub-site and
// one customer-wide) and adds its own portal user, deleted at the end.
import { ctx, ok, note, must, run, navigateBy, text, watchPage, launchChromium } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const PORT = process.env.GH_TEST_PORT;
const STATE = process.env.GH_TEST_STATE || '';
const SRCDIR = process.env.GH_SRCDIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BUILDDIR = process.env.GH_BUILDDIR || process.cwd();
const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 60000);
const BASE = `http://127.0.0.1:${PORT}`;
const PORTAL = '/portal/demo/';
const PASSWORD = 'gatehouse-demo';
const STAMP = `${Date.now()}${String(process.pid % 1000).padStart(3, '0')}`;
const USER_EMAIL = `sites-${STAMP}@coolair.example.com`;
const USER_PASSWORD = `Gh-sites-${STAMP.slice(-6)}-Osprey!`;
const shot = (name) => path.join(BUILDDIR, 'tests', 'out', `${name}.png`);

function sql(statement) {
  return execFileSync(path.join(SRCDIR, 'scripts', 'gh-stack'),
    ['sql', statement, '--state', STATE, '--', '-N', '-B'], { encoding: 'utf8' }).trim();
}

async function portalSignIn(page, email, password) {
  await page.goto(`${BASE}${PORTAL}`, { waitUntil: 'load' });
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await navigateBy(page, () => page.getByRole('button', { name: 'Login' }).click());
}

async function main() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  fs.mkdirSync(path.join(BUILDDIR, 'tests', 'out'), { recursive: true });
  note(`user ${USER_EMAIL}`);
  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  const watched = { consoleErrors: [], badResponses: [], expected: [] };
  const office = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const client = await ctx.browser.newContext({ viewport: { width: 1100, height: 900 } });
  office.setDefaultTimeout(10000);
  client.setDefaultTimeout(10000);
  const admin = await office.newPage();
  const user = await client.newPage();
  watchPage(admin, watched);
  watchPage(user, watched);
  try {
    await flow(admin, user, watched);
  } finally {
    ctx.step = 'clean up';
    try { sql(`DELETE FROM portal_users WHERE email = '${USER_EMAIL}'`); } catch (e) { note(`clean-up: ${e.message}`); }
  }
  ctx.step = 'console';
  ok(watched.consoleErrors.length === 0, 'no console errors and no CSP violations', watched.consoleErrors.join('\n'));
  ok(watched.badResponses.length === 0, 'every stylesheet and script loaded', watched.badResponses.join('\n'));
  await office.close();
  await client.close();
}

async function flow(admin, user, watched) {
  // 1. The office admin adds the user in a group ("role"), with a password.
  ctx.step = 'office: add the portal user';
  await admin.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  await admin.locator('#email').fill('admin@demo.test');
  await admin.locator('#password').fill(PASSWORD);
  await navigateBy(admin, () => admin.getByRole('button', { name: 'Sign in' }).click());
  await admin.goto(`${BASE}/settings/client/portal-access/edit`, { waitUntil: 'load' });
  await admin.locator('#customer').selectOption({ label: 'Cool Air' });
  await admin.locator('#email').fill(USER_EMAIL);
  await admin.locator('#password').fill(USER_PASSWORD);
  await admin.locator('#group').selectOption({ label: 'Customers' });
  await navigateBy(admin, () => admin.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click());
  const added = await text(admin.locator('.notice-success'));
  must(/^Portal user added/.test(added), 'the admin adds the portal user in the group "Customers"',
    `notice "${added}", errors "${await text(admin.locator('.notice-error, .field-error'))}"`);
  const id = sql(`SELECT id FROM portal_users WHERE email = '${USER_EMAIL}'`);

  // 2. Two of the three sub-sites: Warehouse A and Showroom, not Warehouse B.
  ctx.step = 'office: grant two of three sub-sites';
  await admin.goto(`${BASE}/settings/client/portal-access/edit?id=${id}`, { waitUntil: 'load' });
  const fieldset = admin.locator('fieldset', { hasText: 'Sites this user may see' });
  must(await fieldset.count() === 1, 'the user\'s page offers the customer\'s sites');
  await fieldset.locator('input[name="sites"][value="chosen"]').check();
  for (const name of ['Warehouse A', 'Showroom']) {
    await fieldset.locator('label', { hasText: name }).locator('input[type="checkbox"]').check();
  }
  await admin.screenshot({ path: shot('portal-user-sites'), fullPage: true });
  await navigateBy(admin, () => admin.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click());
  await admin.goto(`${BASE}/settings/client/portal-access/edit?id=${id}`, { waitUntil: 'load' });
  const ticked = [];
  for (const label of await fieldset.locator('label.check-sub').all()) {
    if (await label.locator('input').isChecked()) ticked.push((await label.textContent()).replace(/[↳\s]+/g, ' ').trim());
  }
  ok(ticked.sort().join(', ') === 'Showroom, Warehouse A' &&
     await fieldset.locator('input[name="sites"][value="chosen"]').isChecked(),
    'saved: only these, Warehouse A and Showroom', `ticked: ${ticked.join(', ')}`);

  // 3. The client signs in and sees exactly those.
  ctx.step = 'client: sign in';
  await portalSignIn(user, USER_EMAIL, USER_PASSWORD);
  must(new URL(user.url()).pathname === `${PORTAL}home`, 'the client signs in on the direct link', `url ${user.url()}`);
  await navigateBy(user, () => user.getByRole('link', { name: 'Sites', exact: true }).click());
  const sites = (await user.locator('ul.portal-sites li a').allTextContents()).map((s) => s.trim());
  ok(sites.join(', ') === 'Showroom, Warehouse A', 'Sites lists exactly Showroom and Warehouse A', `sites: ${sites.join(', ')}`);
  await user.goto(`${BASE}${PORTAL}home`, { waitUntil: 'load' });
  await navigateBy(user, () => user.getByRole('link', { name: 'Invoices', exact: true }).click());
  const siteCells = (await user.locator('table.records-invoices tbody tr td:nth-child(3)').allTextContents()).map((s) => s.trim()).sort();
  ok(siteCells.join(', ') === 'Showroom, Warehouse A',
    'Invoices shows only the invoices of those two sites (not Warehouse B, not customer-wide)', `sites: ${siteCells.join(', ')}`);
  await user.screenshot({ path: shot('portal-invoices'), fullPage: true });
  const hidden = sql("SELECT r.id FROM customer_records r JOIN sites s ON s.id = r.site_id WHERE s.name = 'Warehouse B' AND r.kind = 'invoice' LIMIT 1");
  watched.expected.push([`${PORTAL}invoices`, 404]);
  const resp = await user.goto(`${BASE}${PORTAL}invoices?id=${hidden}`, { waitUntil: 'load' });
  ok(resp.status() === 404, 'Warehouse B\'s invoice by its URL: 404', `status ${resp.status()}`);

  // 4. The admin revokes the access.
  ctx.step = 'office: revoke';
  await user.goto(`${BASE}${PORTAL}sites`, { waitUntil: 'load' });
  await admin.goto(`${BASE}/settings/client/portal-access/edit?id=${id}`, { waitUntil: 'load' });
  await admin.locator('#status').selectOption('revoked');
  await navigateBy(admin, () => admin.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click());
  ok(sql(`SELECT status FROM portal_users WHERE id = ${id}`) === 'revoked', 'the admin sets Status to Revoke Access');

  // 5. The client's open page has no session any more; sign-in is refused.
  ctx.step = 'client: after the revocation';
  await user.reload({ waitUntil: 'load' });
  ok(new URL(user.url()).pathname === PORTAL && await user.locator('#password').count() === 1,
    'reloading the client\'s page lands on the sign-in page: the session ended at once', `url ${user.url()}`);
  watched.expected.push([PORTAL, 403]);
  await portalSignIn(user, USER_EMAIL, USER_PASSWORD);
  const refusal = await text(user.locator('.notice-error'));
  ok(new URL(user.url()).pathname === PORTAL && /revoked/i.test(refusal),
    'signing in again is refused: "' + refusal + '"', `url ${user.url()}, notice "${refusal}"`);
  await user.screenshot({ path: shot('portal-revoked'), fullPage: true });
}

run(main, LIMIT_MS);
