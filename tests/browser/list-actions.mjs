// Gatehouse browser test: what a list's actions say and keep (issue 12.19),
// with JavaScript off, as some office browsers run.
//  - Portal Access, filtered to this run's three users: "Select all on this
//    page" ticks every row; Delete selected shows the three; Cancel returns
//    to the same filtered list; deleting them says "3 portal users
//    deleted." and still shows the filter.
//  - The same with JavaScript on: the header checkbox selects every row.
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
const STAMP = `${Date.now()}${String(process.pid % 1000).padStart(3, '0')}`;
const PREFIX = `listact-${STAMP}`;
const shot = (name) => path.join(BUILDDIR, 'tests', 'out', `${name}.png`);

function sql(statement) {
  return execFileSync(path.join(SRCDIR, 'scripts', 'gh-stack'),
    ['sql', statement, '--state', STATE, '--', '-N', '-B'], { encoding: 'utf8' }).trim();
}

function addUsers(tag, n) {
  for (let i = 1; i <= n; i++) {
    sql('INSERT INTO portal_users (tenant_id, customer_id, company_name, email) ' +
      `SELECT t.id, c.id, c.name, '${PREFIX}-${tag}${i}@abm.example.com' FROM tenants t ` +
      "JOIN customers c ON c.tenant_id = t.id AND c.name = 'ABM Apartments' WHERE t.slug = 'demo'");
  }
}

async function signIn(page) {
  await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  await page.locator('#email').fill('admin@demo.test');
  await page.locator('#password').fill('gatehouse-demo');
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

async function main() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  fs.mkdirSync(path.join(BUILDDIR, 'tests', 'out'), { recursive: true });
  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  const watched = { consoleErrors: [], badResponses: [], expected: [] };
  const nojs = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  const js = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  nojs.setDefaultTimeout(10000);
  js.setDefaultTimeout(10000);
  const a = await nojs.newPage();
  const b = await js.newPage();
  watchPage(a, watched);
  watchPage(b, watched);
  try {
    addUsers('a', 3);
    addUsers('b', 2);
    await withoutScript(a);
    await withScript(b);
  } finally {
    ctx.step = 'clean up';
    try { sql(`DELETE FROM portal_users WHERE email LIKE '${PREFIX}-%'`); } catch (e) { note(`clean-up: ${e.message}`); }
  }
  ctx.step = 'console';
  ok(watched.consoleErrors.length === 0, 'no console errors and no CSP violations', watched.consoleErrors.join('\n'));
  ok(watched.badResponses.length === 0, 'every stylesheet and script loaded', watched.badResponses.join('\n'));
  await nojs.close();
  await js.close();
}

async function withoutScript(page) {
  ctx.step = 'no JS: the filtered list';
  await signIn(page);
  const filter = `${PREFIX}-a`;
  await page.goto(`${BASE}/settings/client/portal-access?q=${filter}&sort=email`, { waitUntil: 'load' });
  const rows = page.locator('tbody input[name="id"]');
  must(await rows.count() === 3, 'the filter shows this run\'s three users', `${await rows.count()} rows`);
  ok(await page.locator('tbody input[name="id"]:checked').count() === 0, 'none ticked at first');

  ctx.step = 'no JS: select all on this page';
  await navigateBy(page, () => page.getByRole('button', { name: 'Select all on this page' }).click());
  ok(await page.locator('tbody input[name="id"]:checked').count() === 3,
    '"Select all on this page" (a button, no JavaScript) ticks every row');
  ok(new URL(page.url()).searchParams.get('q') === filter, '... and keeps the filter', page.url());

  ctx.step = 'no JS: delete, then cancel';
  await page.locator('summary', { hasText: 'Actions' }).click();
  await navigateBy(page, () => page.getByRole('button', { name: 'Delete selected' }).click());
  const listed = await page.locator('.delete-list li').count();
  ok(listed === 3, 'the confirmation lists the three', `${listed} listed`);
  await page.screenshot({ path: shot('portal-access-delete-confirm'), fullPage: true });
  await navigateBy(page, () => page.getByRole('link', { name: 'Cancel' }).click());
  const back = new URL(page.url());
  ok(back.pathname === '/settings/client/portal-access' && back.searchParams.get('q') === filter &&
    back.searchParams.get('sort') === 'email', 'Cancel returns to the same filtered, sorted list', page.url());
  ok(await page.locator('tbody input[name="id"]').count() === 3, 'nothing was deleted');

  ctx.step = 'no JS: delete them';
  await navigateBy(page, () => page.getByRole('button', { name: 'Select all on this page' }).click());
  await page.locator('summary', { hasText: 'Actions' }).click();
  await navigateBy(page, () => page.getByRole('button', { name: 'Delete selected' }).click());
  await navigateBy(page, () => page.getByRole('button', { name: 'Delete', exact: true }).click());
  const notice = await text(page.locator('.notice-success'));
  ok(notice === '3 portal users deleted.', 'the notice counts: "3 portal users deleted."', `notice "${notice}"`);
  ok(new URL(page.url()).searchParams.get('q') === filter, 'the list after it keeps the filter', page.url());
  ok(sql(`SELECT COUNT(*) FROM portal_users WHERE email LIKE '${PREFIX}-a%'`) === '0', 'the three are gone');
}

async function withScript(page) {
  ctx.step = 'JS: the header checkbox';
  await signIn(page);
  await page.goto(`${BASE}/settings/client/portal-access?q=${PREFIX}-b`, { waitUntil: 'load' });
  ok(!(await page.getByRole('button', { name: 'Select all on this page' }).isVisible()),
    'with JavaScript the button gives way to the header checkbox');
  await page.locator('thead input.select-all').check();
  ok(await page.locator('tbody input[name="id"]:checked').count() === 2, 'the header checkbox ticks both rows');
  await page.locator('summary', { hasText: 'Actions' }).click();
  await navigateBy(page, () => page.getByRole('button', { name: 'Delete selected' }).click());
  await navigateBy(page, () => page.getByRole('button', { name: 'Delete', exact: true }).click());
  const notice = await text(page.locator('.notice-success'));
  ok(notice === '2 portal users deleted.', 'with JavaScript too: "2 portal users deleted."', `notice "${notice}"`);
}

run(main, LIMIT_MS);
