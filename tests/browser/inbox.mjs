// Gatehouse browser test: the office's inbox (issue 15), in a company of
// this test's own (gatehouse-ctl tenant create, its Super Admin; a
// customer and its portal user in a group that may request service, by
// SQL).  The office sees "Inbox" in the menu with no count; the client
// signs in to the portal and requests service on Jobs / Schedule; the
// office's menu now says "Inbox (1)" on any settings page, the inbox shows
// the request with the client, the time and a link to the customer's page;
// "Mark handled" closes it, the count drops, and the Handled view shows it
// with who handled it.  With JavaScript on; a 390-wide screen keeps the
// table in its scroller.
//
// Env: GH_TEST_PORT, GH_TEST_STATE, GH_SRCDIR, GH_BUILDDIR (see run.sh).
import {
  ctx, ok, must, run, navigateBy, text, watchPage, launchChromium, BASE, PASSWORD, STAMP, shot, sql,
  stackReady, makeCompany, officeSignIn,
} from './lib.mjs';

const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 60000);
const SLUG = `inbox-${STAMP}`;
const ADMIN = `admin@${SLUG}.test`;
const CLIENT = `manager@${SLUG}.example`;

function makeTenant() {
  makeCompany(SLUG, 'Inbox Field Services', ADMIN);
  const t = `(SELECT id FROM tenants WHERE slug = '${SLUG}')`;
  sql(`INSERT INTO customers (tenant_id, name, primary_email) VALUES (${t}, 'Harbor View', 'board@harbor.example')`);
  sql(`INSERT INTO portal_groups (tenant_id, name, perms) VALUES (${t}, 'Service', 'jobs_view,jobs_request')`);
  sql('INSERT INTO portal_users (tenant_id, customer_id, company_name, email, password_hash, password_set_at, group_id) ' +
    `SELECT c.tenant_id, c.id, c.name, '${CLIENT}', (SELECT password_hash FROM office_users WHERE email = '${ADMIN}'), ` +
    `NOW(6), (SELECT id FROM portal_groups WHERE tenant_id = c.tenant_id AND name = 'Service') FROM customers c ` +
    `WHERE c.tenant_id = ${t} AND c.name = 'Harbor View'`);
}

async function portalSignIn(page) {
  await page.goto(`${BASE}/portal/${SLUG}/`, { waitUntil: 'load' });
  await page.locator('#email').fill(CLIENT);
  await page.locator('#password').fill(PASSWORD);
  await navigateBy(page, () => page.getByRole('button', { name: 'Login' }).click());
}

const menuInbox = (page) => page.locator('nav.sidenav a[href="/settings/inbox"]');

async function main() {
  stackReady();
  ctx.step = 'a company of its own';
  makeTenant();
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

  ctx.step = 'the office signs in';
  await officeSignIn(admin, ADMIN);
  must(/\/settings\//.test(admin.url()) && (await menuInbox(admin).count()) === 1,
    'the office signs in; the menu has Inbox', admin.url());
  ok((await text(menuInbox(admin))) === 'Inbox', 'nothing open: the menu says "Inbox", no count',
    await text(menuInbox(admin)));

  ctx.step = 'the client requests service';
  await portalSignIn(user);
  await user.goto(`${BASE}/portal/${SLUG}/jobs`, { waitUntil: 'load' });
  const day = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
  await user.locator('#date').fill(day);
  await user.locator('#description').fill('The lobby heater rattles');
  await navigateBy(user, () => user.getByRole('button', { name: 'Request service' }).click());
  const ref = sql('SELECT r.ref FROM customer_records r JOIN tenants t ON t.id = r.tenant_id ' +
    `WHERE t.slug = '${SLUG}' AND r.kind = 'job'`);
  must(/^REQ-\d+$/.test(ref), `the client's request is made (${ref})`);

  ctx.step = 'the office sees it';
  await admin.goto(`${BASE}/settings/customers`, { waitUntil: 'load' });
  ok((await text(menuInbox(admin))) === 'Inbox (1)', 'any settings page\'s menu now says "Inbox (1)"',
    await text(menuInbox(admin)));
  await navigateBy(admin, () => menuInbox(admin).click());
  must(admin.url().endsWith('/settings/inbox'), 'the menu leads to the inbox');
  const rows = admin.locator('table.inbox-table tbody tr');
  must((await rows.count()) === 1, 'one item in the inbox', await text(admin.locator('main')));
  const row = await text(rows.first());
  ok(row.includes('Harbor View') && row.includes(CLIENT) && row.includes('Service request') &&
     row.includes(ref) && row.includes('Service request'), 'the item names the customer, the client, what and the record', row);
  const when = await text(rows.first().locator('td').nth(1));
  ok(/\d/.test(when), `the item says when (${when})`);
  const href = await rows.first().locator('a.inbox-record').getAttribute('href');
  ok(href && href.startsWith('/settings/customers/edit?id=') && href.endsWith(`record=${ref}`),
    'the record links to the customer\'s page with its ref', href);
  await admin.screenshot({ path: shot('inbox'), fullPage: true });

  ctx.step = 'mark handled';
  await navigateBy(admin, () => rows.first().getByRole('button', { name: 'Mark handled' }).click());
  ok(/Marked handled/.test(await text(admin.locator('.notices'))), 'Mark handled: the notice says so',
    await text(admin.locator('main')));
  ok((await text(menuInbox(admin))) === 'Inbox', 'the count drops: the menu says "Inbox" again',
    await text(menuInbox(admin)));
  ok(/Nothing open/.test(await text(admin.locator('table.inbox-table'))), 'nothing open in the inbox');
  await admin.locator('#state').selectOption('handled');
  await navigateBy(admin, () => admin.getByRole('button', { name: 'Show', exact: true }).click());
  const done = await text(admin.locator('table.inbox-table tbody tr').first());
  ok(done.includes(ref) && done.includes('Handled') && done.includes(`by ${ADMIN}`),
    'the Handled view shows it, with who handled it', done);
  ok(sql("SELECT COUNT(*) FROM audit_log a JOIN tenants t ON t.id = a.tenant_id " +
    `WHERE t.slug = '${SLUG}' AND a.action = 'inbox.handle'`) === '1', 'in the audit log: inbox.handle');

  ctx.step = 'the inbox at 390 px';
  const narrow = await ctx.browser.newContext({ viewport: { width: 390, height: 844 } });
  const small = await narrow.newPage();
  await officeSignIn(small, ADMIN);
  await small.goto(`${BASE}/settings/inbox?state=all`, { waitUntil: 'load' });
  const wide = await small.evaluate(() => document.documentElement.scrollWidth);
  ok(wide <= 390, `390 px: the page does not scroll sideways (${wide} px)`);
  await small.screenshot({ path: shot('inbox-390'), fullPage: true });
  await narrow.close();
  await office.close();
  await client.close();
  ok(watched.consoleErrors.length === 0, 'no console errors', watched.consoleErrors.join('; '));
  ok(watched.badResponses.length === 0, 'no failed sub-resources', watched.badResponses.join('; '));
}

run(main, LIMIT_MS);
