// Gatehouse browser test: the customer's page lists its portal users
// (issue 15) in Chromium.
//   - each user of the customer with its status and invitation state
//     (Invited, with when it was sent, and a bounced one with the mail
//     server's answer), its email linking to the user's page;
//   - "Revoke access" on a row: back on the customer's page with a notice,
//     the row Revoked, offering "Restore access";
//   - "Delete" on a row: the confirmation, then back on the customer's
//     page with the row gone;
//   - Portal Access's filter by invitation state finds the bounced one.
// In a company of the test's own (a customer Summit Offices), so it can
// run any number of times on one stack and leaves the demo alone.
//
// Env: GH_TEST_PORT  port of the stack's nginx on 127.0.0.1 (required)
//      GH_TEST_STATE the stack's state dir (gh-stack sql, gatehouse-ctl)
//      GH_SRCDIR     source dir (scripts/gh-stack)
//      GH_BUILDDIR   screenshots go to $GH_BUILDDIR/tests/out/customer-portal-users-*.png
import {
  ctx, ok, must, note, run, navigateBy, text, watchPage, launchChromium, BASE, STAMP, shot, sql,
  stackReady, makeCompany, officeSignIn,
} from './lib.mjs';

const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 60000);
const EDIT = '/settings/client/portal-access/edit';
const SLUG = `cpu-${STAMP}`;
const ADMIN = `admin@${SLUG}.test`;
const KEPT = `cpu-${STAMP}-kept@summit.example.com`;
const BOUNCED = `cpu-${STAMP}-bounced@summit.example.com`;
const GONE = `cpu-${STAMP}-gone@summit.example.com`;

async function addUser(page, email) {
  await page.goto(`${BASE}${EDIT}`, { waitUntil: 'load' });
  await page.locator('#customer').selectOption({ label: 'Summit Offices' });
  await page.locator('#email').fill(email);
  await navigateBy(page, () => page.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click());
  const notice = await text(page.locator('.notice-success'));
  must(/^Portal user added/.test(notice), `${email} is added`,
    `notice "${notice}", errors "${await text(page.locator('.notice-error, .field-error'))}"`);
  return sql(`SELECT id FROM portal_users WHERE email = '${email}'`);
}

// The row of a user on the customer's page.
function row(page, email) {
  return page.locator('table.customer-portal-users tbody tr', { has: page.locator(`td.cell-email a:text-is("${email}")`) });
}

async function main() {
  stackReady();
  note(`company ${SLUG}, users cpu-${STAMP}-*@summit.example.com`);
  ctx.step = 'a company of its own';
  makeCompany(SLUG, 'Summit Services', ADMIN);
  sql("INSERT INTO customers (tenant_id, name, primary_email) SELECT id, 'Summit Offices', " +
    `'admin@summitoffices.example.com' FROM tenants WHERE slug = '${SLUG}'`);
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
  ctx.step = 'sign in';
  await officeSignIn(page, ADMIN);
  must(new URL(page.url()).pathname === '/settings/', `${ADMIN} signs in`, `url ${page.url()}`);
  await flow(page);
  ctx.step = 'console';
  ok(watched.consoleErrors.length === 0, 'no console errors and no CSP violations', watched.consoleErrors.join('\n'));
  ok(watched.badResponses.length === 0, 'every stylesheet and script loaded', watched.badResponses.join('\n'));
  await context.close();
}

async function flow(page) {
  ctx.step = 'three users of Summit Offices';
  const kept = await addUser(page, KEPT);
  const bounced = await addUser(page, BOUNCED);
  await addUser(page, GONE);
  // The mailer's outcome, as it would record a bounce (the ledger's
  // triggers keep the user's row).
  sql(`UPDATE portal_invitations SET sent_at = NOW(6), bounced_at = NOW(6), bounce_answer = '550 5.1.1 mailbox unavailable' WHERE portal_user_id = ${bounced}`);
  sql(`UPDATE portal_invitations SET sent_at = COALESCE(sent_at, NOW(6)) WHERE portal_user_id = ${kept}`);
  const cid = sql(`SELECT c.id FROM customers c JOIN tenants t ON t.id = c.tenant_id WHERE t.slug = '${SLUG}' AND c.name = 'Summit Offices'`);

  ctx.step = 'the customer\'s page lists them';
  await page.goto(`${BASE}/settings/customers/edit?id=${cid}`, { waitUntil: 'load' });
  const rows = page.locator('table.customer-portal-users tbody tr');
  ok(await rows.count() >= 3, 'the customer\'s page lists its portal users', `rows ${await rows.count()}`);
  const k = row(page, KEPT);
  const inv = await text(k.locator('td.cell-invitation'));
  ok(/^Invited sent .+, expires .+/.test(inv), 'an invited user: "Invited", when it was sent and when it expires', `"${inv}"`);
  ok(await text(k.locator('.badge').first()) === 'Invited', 'with the status Invited');
  const b = await text(row(page, BOUNCED).locator('td.cell-invitation'));
  ok(/^Bounced .+: 550 5\.1\.1 mailbox unavailable$/.test(b), 'a bounced one: "Bounced" with the server\'s answer', `"${b}"`);
  const href = await k.locator('td.cell-email a').getAttribute('href');
  ok(href === `/settings/client/portal-access/edit?id=${kept}`, 'the email links to the user\'s page', `href ${href}`);
  await page.screenshot({ path: shot('customer-portal-users-list'), fullPage: true });

  ctx.step = 'Portal Access: the invitation filter';
  await page.goto(`${BASE}/settings/client/portal-access`, { waitUntil: 'load' });
  await page.locator('#list-q').fill(`cpu-${STAMP}`);
  await page.locator('#list-invitation').selectOption({ label: 'Bounced' });
  await navigateBy(page, () => page.locator('form.filter-bar').getByRole('button', { name: 'Filter' }).click());
  const found = (await page.locator('table.data-table tbody td.cell-email').allTextContents()).map((s) => s.trim());
  ok(found.length === 1 && found[0] === BOUNCED && new URL(page.url()).searchParams.get('invitation') === 'bounced',
    'Portal Access filtered by invitation state Bounced: the bounced user alone', `rows ${JSON.stringify(found)}, url ${page.url()}`);
  ok(await page.locator('#list-invitation').inputValue() === 'bounced', 'the select shows the filter');
  await page.goto(`${BASE}/settings/customers/edit?id=${cid}`, { waitUntil: 'load' });

  ctx.step = 'revoke access from the customer\'s page';
  await navigateBy(page, () => k.getByRole('button', { name: `Revoke access of ${KEPT}` }).click());
  let url = new URL(page.url());
  ok(url.pathname === '/settings/customers/edit' && url.searchParams.get('id') === cid,
    'Revoke access: back on the customer\'s page', `url ${page.url()}`);
  ok(await text(page.locator('.notice-success')) === 'Portal user saved.', 'with a notice');
  ok(sql(`SELECT status FROM portal_users WHERE id = ${kept}`) === 'revoked', 'the user is revoked');
  const k2 = row(page, KEPT);
  ok(await text(k2.locator('.badge').first()) === 'Revoked' &&
     await k2.getByRole('button', { name: `Restore access of ${KEPT}` }).count() === 1,
    'the row says Revoked and offers Restore access');

  ctx.step = 'restore access';
  await navigateBy(page, () => k2.getByRole('button', { name: `Restore access of ${KEPT}` }).click());
  ok(sql(`SELECT status FROM portal_users WHERE id = ${kept}`) === 'active', 'Restore access: active again');

  ctx.step = 'delete from the customer\'s page';
  await navigateBy(page, () => row(page, GONE).getByRole('link', { name: `Delete ${GONE}` }).click());
  ok(/Delete 1 portal user\?/.test(await text(page.locator('h1'))), 'the confirmation names one user');
  await navigateBy(page, () => page.locator('form.confirm-delete').getByRole('button', { name: 'Delete' }).click());
  url = new URL(page.url());
  ok(url.pathname === '/settings/customers/edit' && url.searchParams.get('id') === cid &&
     await text(page.locator('.notice-success')) === 'Portal user deleted.',
    'Delete: back on the customer\'s page, saying so', `url ${page.url()}`);
  ok(await row(page, GONE).count() === 0 && sql(`SELECT COUNT(*) FROM portal_users WHERE email = '${GONE}'`) === '0',
    'the row is gone, and the user');
  await page.screenshot({ path: shot('customer-portal-users-after'), fullPage: true });
}

run(main, LIMIT_MS);
