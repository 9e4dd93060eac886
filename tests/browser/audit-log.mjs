// Gatehouse browser test: Settings > Security > Audit log (issue 15), with
// JavaScript off and on, in a company of this test's own (gatehouse-ctl
// tenant create, its Super Admin).  A failed sign-in, then the sign-in: the
// Super Admin finds "Audit log" in the menu, the newest entry is their own
// sign-in, the failure below it; filtering by kind narrows the table;
// an actor's name filters by that actor; the export links of the view
// download CSV and XML of the same entries; a 390-wide screen keeps the
// table in its scroller.  And Your account > Where you are signed in: this
// browser marked; "Sign out other sessions" ends the other one, and the
// audit log says so.  And "View as this client" from a portal user's page:
// the portal with a banner naming the viewer, a change refused (403,
// read-only), "End the view" back to the user's page.  And a bounce: an
// invitation to the reserved bounce.invalid refused by the dev SMTP sink,
// seen in the user's invitation ledger with the server's answer and on
// the Portal Access row.
//
// Env: GH_TEST_PORT, GH_TEST_STATE, GH_SRCDIR, GH_BUILDDIR (see run.sh).
import { ctx, ok, must, run, navigateBy, text, watchPage, launchChromium } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const PORT = process.env.GH_TEST_PORT;
const STATE = process.env.GH_TEST_STATE || '';
const BUILDDIR = process.env.GH_BUILDDIR || process.cwd();
const SRCDIR = process.env.GH_SRCDIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 60000);
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'gatehouse-demo';
const STAMP = `${Date.now()}${process.pid % 1000}`;
const SLUG = `auditlog-${STAMP}`;
const ADMIN = `admin@${SLUG}.test`;
const shot = (name) => path.join(BUILDDIR, 'tests', 'out', `${name}.png`);

function makeTenant() {
  const ctl = path.join(BUILDDIR, 'gatehouse-ctl');
  const ini = path.join(STATE, 'gatehouse.ini');
  execFileSync(ctl, ['-c', ini, 'tenant', 'create', SLUG, 'Audit Field Services'], { encoding: 'utf8' });
  execFileSync(ctl, ['-c', ini, 'user', 'create', '--tenant', SLUG, '--email', ADMIN, '--super-admin'],
    { input: `${PASSWORD}\n`, encoding: 'utf8' });
}

function sql(statement) {
  return execFileSync(path.join(SRCDIR, 'scripts', 'gh-stack'),
    ['sql', statement, '--state', STATE, '--', '-N', '-B'], { encoding: 'utf8' }).trim();
}

// A customer and its portal user, with the portal on: someone to view as.
function makeClient() {
  sql(`UPDATE tenants SET portal_enabled = 1 WHERE slug = '${SLUG}'`);
  sql("INSERT INTO customers (tenant_id, name, primary_email) SELECT id, 'Harbor View', " +
    `'board@harbor.example' FROM tenants WHERE slug = '${SLUG}'`);
  sql('INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT t.id, c.id, ' +
    `c.name, 'manager@harbor.example' FROM tenants t JOIN customers c ON c.tenant_id = t.id WHERE t.slug = '${SLUG}'`);
  return sql(`SELECT pu.id FROM portal_users pu JOIN tenants t ON t.id = pu.tenant_id WHERE t.slug = '${SLUG}'`);
}

async function viewAs(page, id) {
  ctx.step = 'view as this client';
  await page.goto(`${BASE}/settings/client/portal-access/edit?id=${id}`, { waitUntil: 'load' });
  await navigateBy(page, () => page.getByRole('button', { name: 'View as this client' }).click());
  const banner = page.locator('.view-as-banner');
  must((await banner.count()) === 1, 'view as: the portal opens with a banner');
  const said = await text(banner);
  ok(said.includes('Viewing as manager@harbor.example') && said.includes(`by ${ADMIN}`) && /Ends at/.test(said),
    'view as: the banner names the client, the viewer and the end', said);
  await page.screenshot({ path: shot('portal-view-as'), fullPage: true });
  await page.goto(`${BASE}/portal/${SLUG}/account`, { waitUntil: 'load' });
  await navigateBy(page, () => page.getByRole('button', { name: /Save/ }).first().click());
  ok(/read-only/.test(await text(page.locator('main'))), 'view as: a change is refused as read-only');
  await page.goto(`${BASE}/portal/${SLUG}/home`, { waitUntil: 'load' });
  await navigateBy(page, () => page.getByRole('button', { name: 'End the view' }).click());
  ok(page.url().includes(`/settings/client/portal-access/edit?id=${id}`) &&
     /left the portal view/.test(await text(page.locator('.notice-success'))),
    'view as: "End the view" leads back to the user\'s page');
}

async function bounce(page) {
  ctx.step = 'a bounced invitation';
  sql('INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT t.id, c.id, ' +
    `c.name, 'nobody@bounce.invalid' FROM tenants t JOIN customers c ON c.tenant_id = t.id WHERE t.slug = '${SLUG}'`);
  const id = sql("SELECT id FROM portal_users WHERE email = 'nobody@bounce.invalid' AND tenant_id = " +
    `(SELECT id FROM tenants WHERE slug = '${SLUG}')`);
  await page.goto(`${BASE}/settings/client/portal-access/edit?id=${id}`, { waitUntil: 'load' });
  await navigateBy(page, () => page.getByRole('button', { name: 'Resend Invitation Email' }).click());
  let ledger = '';
  for (let i = 0; i < 40 && !/Bounced/.test(ledger); i++) {
    await page.waitForTimeout(250);
    await page.reload({ waitUntil: 'load' });
    ledger = await text(page.locator('.invitation-ledger'));
  }
  ok(/Bounced/.test(ledger) && /550 5\.1\.1/.test(ledger),
    'bounce: the ledger says Bounced, with the mail server\'s answer', ledger);
  await page.goto(`${BASE}/settings/client/portal-access`, { waitUntil: 'load' });
  const row = page.locator('tbody tr', { hasText: 'nobody@bounce.invalid' });
  ok(/invitation bounced/.test(await text(row)), 'bounce: the Portal Access row says so too');
}

async function signIn(page, password) {
  await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  await page.locator('#email').fill(ADMIN);
  await page.locator('#password').fill(password);
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

async function audit(page, js) {
  const label = js ? 'with JavaScript' : 'without JavaScript';
  ctx.step = `audit log ${label}: sign in`;
  await signIn(page, 'not-the-password');
  await signIn(page, PASSWORD);
  const link = page.locator('nav.sidenav').getByRole('link', { name: 'Audit log', exact: true });
  must((await link.count()) === 1, `${label}: a Super Admin has "Audit log" in the menu`);
  await navigateBy(page, () => link.click());
  must((await text(page.locator('main h1'))) === 'Audit log', `${label}: the audit log opens`);

  ctx.step = `audit log ${label}: the newest entries`;
  const rows = page.locator('table.audit-table tbody tr');
  const first = await text(rows.nth(0));
  ok(first.includes('office_user.sign_in') && !first.includes('sign_in_failed') && first.includes(ADMIN),
    `${label}: the newest entry is this sign-in, by this admin`, first);
  const all = await text(page.locator('table.audit-table tbody'));
  ok(/office_user\.sign_in_failed/.test(all) && /wrong password/.test(all),
    `${label}: the failed sign-in is there too, with its reason`);
  if (!js) await page.screenshot({ path: shot('audit-log'), fullPage: true });

  ctx.step = `audit log ${label}: filter`;
  await page.locator('#category').selectOption('office_user');
  await page.locator('#action').fill('office_user.sign_in_failed');
  await navigateBy(page, () => page.getByRole('button', { name: 'Filter' }).click());
  const filtered = page.locator('table.audit-table tbody tr');
  const n = await filtered.count();
  let allFailed = n > 0;
  for (let i = 0; i < n; i++) allFailed &&= /office_user\.sign_in_failed/.test(await text(filtered.nth(i)));
  ok(allFailed, `${label}: filtered by kind and action: only failed sign-ins (${n})`);
  ok(/^\d+ entr(y|ies)$/.test(await text(page.locator('.pager-range'))), `${label}: counted`);

  ctx.step = `audit log ${label}: export`;
  const csvHref = await page.getByRole('link', { name: 'CSV' }).getAttribute('href');
  ok(/as=csv/.test(csvHref) && /action=office_user.sign_in_failed/.test(csvHref),
    `${label}: the CSV link exports this view`, csvHref);
  const csv = await page.request.get(`${BASE}${csvHref}`);
  const body = await csv.text();
  ok(csv.status() === 200 && /attachment/.test(csv.headers()['content-disposition'] || '') &&
     body.split('\r\n').filter((l) => l.includes('office_user.sign_in_failed')).length === n,
    `${label}: the CSV download holds the same ${n} entries`);
  const xmlHref = await page.getByRole('link', { name: 'XML' }).getAttribute('href');
  const xml = await page.request.get(`${BASE}${xmlHref}`);
  ok(xml.status() === 200 && (await xml.text()).split('<entry ').length - 1 === n,
    `${label}: the XML download too`);

  ctx.step = `audit log ${label}: the actor's entries`;
  await navigateBy(page, () => page.getByRole('link', { name: 'Clear filter' }).click());
  await navigateBy(page, () => rows.nth(0).getByTitle("Only this actor's entries").click());
  const mine = page.locator('table.audit-table tbody tr');
  let allMine = (await mine.count()) > 0;
  for (let i = 0; i < await mine.count(); i++) allMine &&= (await text(mine.nth(i))).includes(ADMIN);
  ok(allMine && (await page.locator('#actor').inputValue()) === ADMIN,
    `${label}: the actor's name filters by that actor`);

  ctx.step = `account ${label}: sessions`;
  const other = await page.context().browser().newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, PASSWORD);
  await page.goto(`${BASE}/settings/account`, { waitUntil: 'load' });
  const sess = page.locator('table.sessions tbody tr');
  ok((await sess.count()) >= 2 && (await page.locator('table.sessions .badge', { hasText: 'This browser' }).count()) === 1,
    `${label}: Your account lists the sessions, this browser marked`);
  if (!js) await page.screenshot({ path: shot('office-account-sessions'), fullPage: true });
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign out other sessions' }).click());
  ok(/other sessions are signed out/.test(await text(page.locator('.notice-success'))) &&
     (await page.locator('table.sessions tbody tr').count()) === 1,
    `${label}: "Sign out other sessions" leaves this one only`);
  await otherPage.goto(`${BASE}/settings/`, { waitUntil: 'load' });
  ok(/\/settings\/login/.test(otherPage.url()), `${label}: the other browser is signed out`);
  await other.close();
  await page.goto(`${BASE}/settings/audit-log?action=office_user.sessions_ended`, { waitUntil: 'load' });
  ok((await page.locator('table.audit-table tbody tr').count()) >= 1, `${label}: the audit log has it`);
}

async function narrow(browser) {
  ctx.step = 'audit log at 390 px';
  const c = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await c.newPage();
  await signIn(page, PASSWORD);
  await page.goto(`${BASE}/settings/audit-log`, { waitUntil: 'load' });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  ok(wide <= 390, `390 px: the page does not scroll sideways (${wide} px); the table scrolls in its own box`);
  await page.screenshot({ path: shot('audit-log-390'), fullPage: true });
  await c.close();
}

async function main() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  fs.mkdirSync(path.join(BUILDDIR, 'tests', 'out'), { recursive: true });
  ctx.step = 'a company of its own';
  makeTenant();
  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  // The wrong password's answer is a 401 page, on purpose.
  const watched = { consoleErrors: [], badResponses: [], expected: [['/settings/login', 401],
    [`/portal/${SLUG}/account/time-zone`, 403]] };
  for (const js of [false, true]) {
    const c = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: js });
    c.setDefaultTimeout(10000);
    const page = await c.newPage();
    watchPage(page, watched);
    await audit(page, js);
    await c.close();
  }
  await narrow(ctx.browser);
  {
    const id = makeClient();
    const c = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
    c.setDefaultTimeout(10000);
    const page = await c.newPage();
    watchPage(page, watched);
    await signIn(page, PASSWORD);
    await viewAs(page, id);
    await bounce(page);
    await c.close();
  }
  ok(watched.consoleErrors.length === 0, 'no console errors', watched.consoleErrors.join('; '));
}

run(main, LIMIT_MS);
