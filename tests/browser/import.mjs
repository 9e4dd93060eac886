// Gatehouse browser test: Portal Access > Import and the list's bulk
// actions (issue 15), with JavaScript off and on, in a company of this
// test's own.  From the list's Actions menu to the import page; a file
// that is not UTF-8 refused with the reason on the form; a CSV file (with
// a line in error) checked first: the job page refreshes itself until the
// check is done, shows the counts and each line's outcome, and nothing is
// added yet; "Import" adds the users, who then show on the list.  Then a
// ticked row and "Bulk action…": revoke access, the job's page says it is
// done, the list shows the user Revoked.
//
// Env: GH_TEST_PORT, GH_TEST_STATE, GH_SRCDIR, GH_BUILDDIR (see run.sh).
import {
  ctx, ok, must, run, navigateBy, text, watchPage, launchChromium, BASE, STAMP, shot, sql,
  stackReady, makeCompany, officeSignIn,
} from './lib.mjs';

const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 90000);
const SLUG = `import-${STAMP}`;
const ADMIN = `admin@${SLUG}.test`;

function makeTenant() {
  makeCompany(SLUG, 'Import Field Services', ADMIN);
  sql("INSERT INTO customers (tenant_id, name, primary_email) SELECT id, 'Harbor View', " +
    `'board@harbor.example' FROM tenants WHERE slug = '${SLUG}'`);
  sql("INSERT INTO sites (tenant_id, customer_id, name) SELECT c.tenant_id, c.id, 'Dock A' FROM customers c " +
    `JOIN tenants t ON t.id = c.tenant_id WHERE t.slug = '${SLUG}'`);
}

// The job page refreshes itself while the job runs: its state line, once
// it says want (within 30 s).
async function jobState(page, want) {
  let s = '';
  for (let i = 0; i < 60; i++) {
    try {
      s = await text(page.locator('#job-state'));
    } catch (e) {
      s = ''; // the page was reloading
    }
    if (s.startsWith(want)) return s;
    await page.waitForTimeout(500);
  }
  return s;
}

async function openActions(page) {
  await page.goto(`${BASE}/settings/client/portal-access`, { waitUntil: 'load' });
  await page.locator('details.menu summary').click();
}

async function importFlow(page, js) {
  const label = js ? 'with JavaScript' : 'without JavaScript';
  const tag = js ? 'js' : 'nojs';
  ctx.step = `import ${label}: the page`;
  await openActions(page);
  await navigateBy(page, () => page.getByRole('link', { name: 'Import from a CSV file' }).click());
  must((await text(page.locator('main h1'))) === 'Import portal users', `${label}: the Actions menu leads to the import page`);

  ctx.step = `import ${label}: a file that is not UTF-8`;
  await page.locator('#file').setInputFiles({ name: 'latin1.csv', mimeType: 'text/csv',
    buffer: Buffer.from('email,company\nj\xf6rg@harbor.example,Harbor View\n', 'latin1') });
  await navigateBy(page, () => page.getByRole('button', { name: 'Check file' }).click());
  ok((await text(page.locator('.field-error'))).includes('Line 2 is not UTF-8'),
    `${label}: a Latin-1 file is refused, the form says which line and what to do`);

  ctx.step = `import ${label}: the check`;
  const csv = '\ufeffemail;company;first name;last name;sites\r\n' +
    `ann-${tag}@harbor.example;Harbor View;Ann;Lee;Dock A\r\n` +
    `bob-${tag}@harbor.example;Harbor View;Bob;Ray;\r\n` +
    `eve-${tag}@harbor.example;Nowhere Inc;Eve;Ng;\r\n`;
  await page.locator('#file').setInputFiles({ name: `clients-${tag}.csv`, mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8') });
  await navigateBy(page, () => page.getByRole('button', { name: 'Check file' }).click());
  const checked = await jobState(page, 'Checked');
  must(checked.startsWith('Checked: 3 lines'), `${label}: the job page follows the check to its end`, checked);
  const report = await text(page.locator('table.job-report'));
  ok(report.includes('Would be added and invited') && report.includes('No customer is called "Nowhere Inc"'),
    `${label}: each line's outcome and reason`, report);
  ok(sql(`SELECT COUNT(*) FROM portal_users pu JOIN tenants t ON t.id = pu.tenant_id WHERE t.slug = '${SLUG}' ` +
    `AND pu.email = 'ann-${tag}@harbor.example'`) === '0',
    `${label}: the check adds nobody`);
  if (!js) await page.screenshot({ path: shot('import-check'), fullPage: true });

  ctx.step = `import ${label}: the import`;
  await navigateBy(page, () => page.getByRole('button', { name: 'Import 2 portal users' }).click());
  const done = await jobState(page, 'Done');
  ok(done.startsWith('Done: 3 of 3'), `${label}: the import runs to its end`, done);
  ok((await text(page.locator('.job-counts'))).includes('2 added'), `${label}: 2 added`);
  await page.goto(`${BASE}/settings/client/portal-access?q=${tag}`, { waitUntil: 'load' });
  const rows = await text(page.locator('table tbody'));
  ok(rows.includes(`ann-${tag}@harbor.example`) && rows.includes(`bob-${tag}@harbor.example`) &&
    !rows.includes(`eve-${tag}`), `${label}: the list shows the two imported users`, rows);
}

async function bulkFlow(page, js) {
  const label = js ? 'with JavaScript' : 'without JavaScript';
  const tag = js ? 'js' : 'nojs';
  ctx.step = `bulk ${label}: tick and choose`;
  await page.goto(`${BASE}/settings/client/portal-access?q=bob-${tag}`, { waitUntil: 'load' });
  await page.locator('table tbody input[type=checkbox][name=id]').first().check();
  await page.locator('details.menu summary').click();
  await navigateBy(page, () => page.getByRole('button', { name: 'Bulk action…' }).click());
  must((await text(page.locator('main h1'))) === 'Bulk action', `${label}: Bulk action… opens the choices`);
  ok((await text(page.locator('.delete-list'))).includes(`bob-${tag}@harbor.example`), `${label}: the ticked user is named`);
  await page.getByLabel('Revoke access').check();
  await navigateBy(page, () => page.getByRole('button', { name: 'Start' }).click());
  const done = await jobState(page, 'Done');
  ok(done.startsWith('Done: 1 of 1'), `${label}: the job's page says it is done`, done);
  await page.goto(`${BASE}/settings/client/portal-access?q=bob-${tag}`, { waitUntil: 'load' });
  ok((await text(page.locator('table tbody'))).includes('Revoked'), `${label}: the list shows the user Revoked`);
}

async function main() {
  stackReady();
  ctx.step = 'a company of its own';
  makeTenant();
  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  const watched = { consoleErrors: [], badResponses: [], expected: [['/settings/client/portal-access/import', 422]] };
  for (const js of [false, true]) {
    const c = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: js });
    c.setDefaultTimeout(10000);
    const page = await c.newPage();
    watchPage(page, watched);
    await officeSignIn(page, ADMIN);
    await importFlow(page, js);
    await bulkFlow(page, js);
    await c.close();
  }
  ok(watched.consoleErrors.length === 0, 'no console errors', watched.consoleErrors.join('; '));
}

run(main, LIMIT_MS);
