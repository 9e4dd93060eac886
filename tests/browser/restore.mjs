// Gatehouse browser test: people who leave (issue 15), without and with
// JavaScript, in a company of this test's own (gatehouse-ctl tenant create,
// its Super Admin; the portal on, a customer and a portal user who signed
// in once).  On Portal Access the user is ticked and deleted (Actions >
// Delete selected, then the confirmation); Actions > Deleted portal users
// lists them with their company; Restore brings them back: the notice says
// so, Deleted no longer lists them, and Portal Access shows them as
// Invited (a fresh invitation, no password).
//
// Env: GH_TEST_PORT, GH_TEST_STATE, GH_SRCDIR, GH_BUILDDIR (see run.sh).
import {
  ctx, ok, must, run, navigateBy, text, watchPage, launchChromium, BASE, PASSWORD, STAMP, shot, sql,
  stackReady, makeCompany, officeSignIn,
} from './lib.mjs';

const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 60000);
const SLUG = `restore-${STAMP}`;
const ADMIN = `admin@${SLUG}.test`;

function makeTenant() {
  makeCompany(SLUG, 'Restore Field Services', ADMIN);
  sql("INSERT INTO customers (tenant_id, name, primary_email) SELECT id, 'Harbor View', " +
    `'board@harbor.example' FROM tenants WHERE slug = '${SLUG}'`);
}

// A portal user with a password (Active), made anew for each round.
function makeClient(email) {
  sql('INSERT INTO portal_users (tenant_id, customer_id, company_name, email, password_hash, ' +
    'password_set_at) SELECT t.id, c.id, c.name, ' + `'${email}', ` +
    `(SELECT password_hash FROM office_users WHERE email = '${ADMIN}'), NOW(6) FROM tenants t ` +
    `JOIN customers c ON c.tenant_id = t.id WHERE t.slug = '${SLUG}'`);
  return sql(`SELECT pu.id FROM portal_users pu JOIN tenants t ON t.id = pu.tenant_id WHERE t.slug = '${SLUG}' ` +
    `AND pu.email = '${email}'`);
}

async function round(page, js) {
  const label = js ? 'with JavaScript' : 'without JavaScript';
  const email = `manager-${js ? 'js' : 'nojs'}@harbor.example`;
  const id = makeClient(email);
  ctx.step = `${label}: delete`;
  await page.goto(`${BASE}/settings/client/portal-access`, { waitUntil: 'load' });
  const row = page.locator('tr', { has: page.locator(`input[name=id][value="${id}"]`) });
  must((await row.count()) === 1, `${label}: Portal Access lists ${email}`);
  ok(/Active/.test(await text(row)), `${label}: ... as Active`, await text(row));
  await row.locator(`input[name=id][value="${id}"]`).check();
  await page.locator('summary', { hasText: 'Actions' }).click();
  await navigateBy(page, () => page.getByRole('button', { name: 'Delete selected' }).click());
  ok(/\/portal-access\/delete/.test(page.url()) && (await text(page.locator('main'))).includes(email),
    `${label}: the confirmation names the user`);
  await navigateBy(page, () => page.getByRole('button', { name: 'Delete', exact: true }).click());
  ok((await page.locator(`input[name=id][value="${id}"]`).count()) === 0,
    `${label}: the user is gone from Portal Access`);

  ctx.step = `${label}: Deleted`;
  await page.locator('summary', { hasText: 'Actions' }).click();
  await navigateBy(page, () => page.getByRole('link', { name: 'Deleted portal users' }).click());
  ok(page.url().endsWith('/settings/client/portal-access/deleted'), `${label}: Actions > Deleted portal users`);
  const del = page.locator('tr', { hasText: email });
  must((await del.count()) === 1, `${label}: Deleted lists ${email}`);
  ok((await text(del)).includes('Harbor View'), `${label}: ... with its company`, await text(del));
  if (!js) await page.screenshot({ path: shot('portal-deleted'), fullPage: true });

  ctx.step = `${label}: restore`;
  await navigateBy(page, () => del.getByRole('button', { name: `Restore ${email}` }).click());
  ok(/restored/.test(await text(page.locator('.notice-success'))), `${label}: the notice says restored`,
    await text(page.locator('.notice-success')));
  ok((await page.locator('tr', { hasText: email }).count()) === 0, `${label}: Deleted no longer lists it`);
  await page.goto(`${BASE}/settings/client/portal-access`, { waitUntil: 'load' });
  const back = page.locator('tr', { has: page.locator(`input[name=id][value="${id}"]`) });
  must((await back.count()) === 1, `${label}: back on Portal Access under its id`);
  ok(/Invited/.test(await text(back)) && !/Active/.test(await text(back)),
    `${label}: ... as Invited`, await text(back));
}

async function main() {
  stackReady();
  ctx.step = 'a company of its own';
  makeTenant();
  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  const watched = { consoleErrors: [], badResponses: [], expected: [] };
  for (const js of [false, true]) {
    const c = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: js });
    c.setDefaultTimeout(10000);
    const page = await c.newPage();
    watchPage(page, watched);
    await officeSignIn(page, ADMIN);
    await round(page, js);
    await c.close();
  }
  ok(watched.consoleErrors.length === 0, 'no console errors', watched.consoleErrors.join('; '));
  ok(watched.badResponses.length === 0, 'no failed requests', watched.badResponses.join('; '));
}

run(main, LIMIT_MS);
