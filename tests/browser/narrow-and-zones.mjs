// Gatehouse browser test: the client portal on a phone (issue 12.18) and
// dates in the tenant's time zone (12.17).
//  1. On a 390 x 844 screen, client@demo.test signs in; the invoices, sites,
//     home and account pages never scroll sideways, and on invoices every
//     row's Amount, Status and Pay button are on screen (the rows become
//     cards).  Screenshot: tests/out/portal-invoices-390.png.
//  2. In a tenant of this test's own (gatehouse-ctl tenant create, its Super
//     Admin, a customer and a portal user who last signed in at 2026-01-15
//     17:00 UTC), the admin chooses America/Los_Angeles in Portal Access
//     Settings; the Portal Access list then shows that sign-in as
//     2026-01-15 09:00 PST, with the instant in the <time> element's
//     datetime.  The demo is only visited (part 1), never changed.
//
// Env: GH_TEST_PORT, GH_TEST_STATE, GH_SRCDIR, GH_BUILDDIR (see run.sh).
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
const shot = (name) => path.join(BUILDDIR, 'tests', 'out', `${name}.png`);
const STAMP = `${Date.now()}${process.pid % 1000}`;
const ZSLUG = `zones-${STAMP}`;
const ZADMIN = `admin@${ZSLUG}.test`;
const ZCLIENT = `client@${ZSLUG}.example.com`;

function sql(statement) {
  return execFileSync(path.join(SRCDIR, 'scripts', 'gh-stack'),
    ['sql', statement, '--state', STATE, '--', '-N', '-B'], { encoding: 'utf8' }).trim();
}

// How far the page reaches past the viewport's right edge (0: none).
async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function main() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  fs.mkdirSync(path.join(BUILDDIR, 'tests', 'out'), { recursive: true });
  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  const watched = { consoleErrors: [], badResponses: [], expected: [] };
  const phone = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const desk = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  phone.setDefaultTimeout(10000);
  desk.setDefaultTimeout(10000);
  const client = await phone.newPage();
  const admin = await desk.newPage();
  watchPage(client, watched);
  watchPage(admin, watched);
  const officePhone = await phone.newPage();
  watchPage(officePhone, watched);
  await narrow(client);
  await narrowOffice(officePhone);
  await zones(admin);
  ctx.step = 'console';
  ok(watched.consoleErrors.length === 0, 'no console errors and no CSP violations', watched.consoleErrors.join('\n'));
  ok(watched.badResponses.length === 0, 'every stylesheet and script loaded', watched.badResponses.join('\n'));
  await phone.close();
  await desk.close();
}

async function narrow(page) {
  ctx.step = 'phone: sign in';
  // ABM Apartments has open invoices in the demo (`gatehouse-ctl demo`),
  // so a Pay button shows; nothing here changes them.
  await page.goto(`${BASE}${PORTAL}`, { waitUntil: 'load' });
  ok(await overflow(page) <= 0, 'the sign-in page fits a 390 px screen', `overflow ${await overflow(page)} px`);
  await page.locator('#email').fill('client@demo.test');
  await page.locator('#password').fill(PASSWORD);
  await navigateBy(page, () => page.getByRole('button', { name: 'Login' }).click());
  must(new URL(page.url()).pathname === `${PORTAL}home`, 'the client signs in on a phone', `url ${page.url()}`);

  ctx.step = 'phone: invoices';
  await page.goto(`${BASE}${PORTAL}invoices`, { waitUntil: 'load' });
  await page.screenshot({ path: shot('portal-invoices-390'), fullPage: true });
  const over = await overflow(page);
  ok(over <= 0, 'invoices: no sideways scrolling at 390 px', `the page is ${over} px wider than the screen`);
  const rows = await page.locator('table.records-invoices tbody tr').all();
  must(rows.length > 0, `invoices: ${rows.length} rows`);
  let hiddenCells = [];
  for (const [i, row] of rows.entries()) {
    for (const label of ['Amount', 'Status']) {
      const cell = row.locator(`td[data-label="${label}"]`);
      const box = await cell.boundingBox();
      const shown = box && box.x >= 0 && box.x + box.width <= 390 && await cell.isVisible();
      if (!shown) hiddenCells.push(`row ${i + 1} ${label}: ${JSON.stringify(box)}`);
    }
  }
  ok(hiddenCells.length === 0, 'every row\'s Amount and Status are on screen', hiddenCells.join('\n'));
  const pay = page.getByRole('button', { name: /^Pay/ }).first();
  const pbox = await pay.boundingBox();
  ok(await pay.count() === 1 && pbox && pbox.x >= 0 && pbox.x + pbox.width <= 390 && await pay.isVisible(),
    'the Pay button is on screen', JSON.stringify(pbox));
  const label = await page.evaluate(() => {
    const td = document.querySelector('table.records-invoices td[data-label="Amount"]');
    return td ? getComputedStyle(td, '::before').content : '';
  });
  ok(label === '"Amount"', 'each value is shown under its column\'s name', `::before content ${label}`);

  for (const p of ['home', 'sites', 'account', 'jobs', 'documents']) {
    ctx.step = `phone: ${p}`;
    await page.goto(`${BASE}${PORTAL}${p}`, { waitUntil: 'load' });
    const o = await overflow(page);
    ok(o <= 0, `${p}: no sideways scrolling at 390 px`, `${o} px too wide`);
  }
  await page.goto(`${BASE}${PORTAL}account`, { waitUntil: 'load' });
  await page.screenshot({ path: shot('portal-account-390'), fullPage: true });
}

// The settings pages on a phone: lists may scroll inside their own box
// (the key column first), the page itself never sideways.
async function narrowOffice(page) {
  ctx.step = 'phone: office sign-in';
  await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  await page.locator('#email').fill('admin@demo.test');
  await page.locator('#password').fill(PASSWORD);
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
  const id = sql("SELECT c.id FROM customers c JOIN tenants t ON t.id = c.tenant_id WHERE t.slug = 'demo' AND c.name = 'Cool Air'");
  for (const p of ['/settings/', '/settings/client/portal-access', '/settings/client/portal-access-settings',
    '/settings/client/portal-access/edit', '/settings/customers', `/settings/customers/edit?id=${id}`,
    '/settings/office-users', '/settings/office-users/edit', '/settings/client/portal-groups', '/settings/account']) {
    ctx.step = `phone: ${p}`;
    await page.goto(`${BASE}${p}`, { waitUntil: 'load' });
    const o = await overflow(page);
    ok(o <= 0, `${p}: no sideways scrolling at 390 px`, `${o} px too wide`);
  }
  await page.goto(`${BASE}/settings/client/portal-access`, { waitUntil: 'load' });
  await page.screenshot({ path: shot('portal-access-390'), fullPage: true });
}

// A tenant of this test's own: its Super Admin (the demo password), a
// customer and a portal user who last signed in at 2026-01-15 17:00 UTC.
function makeTenant() {
  const ctl = path.join(BUILDDIR, 'gatehouse-ctl');
  const ini = path.join(STATE, 'gatehouse.ini');
  execFileSync(ctl, ['-c', ini, 'tenant', 'create', ZSLUG, 'Zone Field Services'], { encoding: 'utf8' });
  execFileSync(ctl, ['-c', ini, 'user', 'create', '--tenant', ZSLUG, '--email', ZADMIN, '--super-admin'],
    { input: `${PASSWORD}\n`, encoding: 'utf8' });
  sql(`INSERT INTO customers (tenant_id, name) SELECT id, 'Cool Air' FROM tenants WHERE slug = '${ZSLUG}'`);
  sql(`INSERT INTO portal_users (tenant_id, customer_id, company_name, email, last_sign_in_at)
       SELECT c.tenant_id, c.id, c.name, '${ZCLIENT}', '2026-01-15 17:00:00'
       FROM customers c JOIN tenants t ON t.id = c.tenant_id WHERE t.slug = '${ZSLUG}'`);
  return sql(`SELECT COUNT(*) FROM portal_users WHERE email = '${ZCLIENT}'`) === '1';
}

async function zones(page) {
  ctx.step = 'office: the tenant\'s time zone';
  must(makeTenant(), `a tenant of this test's own (${ZSLUG}) with a portal user who signed in at 17:00 UTC`);
  await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  await page.locator('#email').fill(ZADMIN);
  await page.locator('#password').fill(PASSWORD);
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
  await page.goto(`${BASE}/settings/client/portal-access-settings`, { waitUntil: 'load' });
  await page.locator('#time_zone').selectOption('America/Los_Angeles');
  await navigateBy(page, () => page.getByRole('button', { name: 'Save' }).click());
  ok(/Settings saved/.test(await text(page.locator('.notice-success'))), 'the admin saves America/Los_Angeles');
  ok(await page.locator('#time_zone').inputValue() === 'America/Los_Angeles', 'the select shows the saved zone');

  await page.goto(`${BASE}/settings/client/portal-access?q=${encodeURIComponent(ZCLIENT)}`, { waitUntil: 'load' });
  const cell = page.locator('tbody tr', { hasText: ZCLIENT }).locator('time').first();
  const shown = (await cell.textContent() || '').trim();
  const instant = await cell.getAttribute('datetime');
  ok(shown === '2026-01-15 09:00 PST', 'the last sign-in, 17:00 UTC, shows as 09:00 PST', `shown "${shown}"`);
  ok(instant === '2026-01-15T17:00:00Z', 'the <time> element keeps the instant', `datetime ${instant}`);
  await page.screenshot({ path: shot('portal-access-zone'), fullPage: false });
}

run(main, LIMIT_MS);
