// Gatehouse browser test: Settings > Integrations > API keys (issue 14),
// with JavaScript off and on, in a tenant of this test's own (gatehouse-ctl
// tenant create and its Super Admin).  The Super Admin finds the page in
// the menu, makes a key with two scopes: the key is shown once, in full, and
// not on the next visit; the list shows it active with its scopes; Roll
// shows a new key of the same id; Change sets its rate limit on a form of
// its own; Revoke asks first, Cancel keeps it, and
// the confirmed revocation lists it as revoked with no more actions.
//
// Env: GH_TEST_PORT, GH_TEST_STATE, GH_SRCDIR, GH_BUILDDIR (see run.sh).
import { ctx, ok, must, run, navigateBy, text, watchPage, launchChromium } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const PORT = process.env.GH_TEST_PORT;
const STATE = process.env.GH_TEST_STATE || '';
const BUILDDIR = process.env.GH_BUILDDIR || process.cwd();
const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 60000);
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'gatehouse-demo';
const STAMP = `${Date.now()}${process.pid % 1000}`;
const SLUG = `keys-${STAMP}`;
const ADMIN = `admin@${SLUG}.test`;
const KEY_RE = /^ghk_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$/;
const shot = (name) => path.join(BUILDDIR, 'tests', 'out', `${name}.png`);

function makeTenant() {
  const ctl = path.join(BUILDDIR, 'gatehouse-ctl');
  const ini = path.join(STATE, 'gatehouse.ini');
  execFileSync(ctl, ['-c', ini, 'tenant', 'create', SLUG, 'Keys Field Services'], { encoding: 'utf8' });
  execFileSync(ctl, ['-c', ini, 'user', 'create', '--tenant', SLUG, '--email', ADMIN, '--super-admin'],
    { input: `${PASSWORD}\n`, encoding: 'utf8' });
}

async function keys(page, js) {
  const label = js ? 'with JavaScript' : 'without JavaScript';
  ctx.step = `api keys ${label}: sign in`;
  await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  await page.locator('#email').fill(ADMIN);
  await page.locator('#password').fill(PASSWORD);
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
  const link = page.locator('nav.sidenav').getByRole('link', { name: 'API keys', exact: true });
  must((await link.count()) === 1, `${label}: a Super Admin has "API keys" in the menu`);
  await navigateBy(page, () => link.click());

  ctx.step = `api keys ${label}: create`;
  const name = `Accounting ${js ? 'js' : 'nojs'}`;
  await page.locator('#name').fill(name);
  await page.getByLabel('Portal users', { exact: true }).check();
  await page.getByLabel('Changes', { exact: true }).check();
  await navigateBy(page, () => page.getByRole('button', { name: 'Create key' }).click());
  const key = await text(page.locator('#new-key'));
  ok(KEY_RE.test(key), `${label}: the new key is shown in full`, key.slice(0, 21));
  ok(/shown only this once/.test(await text(page.locator('.notice-success'))), `${label}: it says it is shown once`);
  ok((await page.locator('#name').inputValue()) === '', `${label}: the form is empty again`);
  await page.screenshot({ path: shot(`api-keys-created-${js ? 'js' : 'nojs'}`), fullPage: true });
  const id = key.slice(4, 20);
  const row = page.locator('tbody tr', { hasText: name });
  ok((await row.count()) === 1 && /active/.test(await text(row.locator('.status'))) &&
     /portal users/.test(await text(row)) && /changes/.test(await text(row)),
    `${label}: listed, active, with its scopes`);

  await page.goto(`${BASE}/settings/api-keys`, { waitUntil: 'load' });
  ok((await page.locator('#new-key').count()) === 0 && !(await page.content()).includes(key.slice(21)),
    `${label}: on the next visit the key is not shown, nor its secret anywhere`);

  ctx.step = `api keys ${label}: rate limit`;
  ok(/10\/s, bursts of 50/.test(await text(row)), `${label}: listed with the default rate limit`);
  await navigateBy(page, () => row.getByRole('link', { name: 'Change' }).click());
  must((await text(page.locator('main h1'))) === 'Rate limit', `${label}: Change opens the rate limit's form`);
  ok((await page.getByLabel('Requests a second').inputValue()) === '10' &&
     (await page.getByLabel('Burst').inputValue()) === '50', `${label}: it holds the key's figures`);
  await page.getByLabel('Requests a second').fill('3');
  await page.getByLabel('Burst').fill('5');
  await navigateBy(page, () => page.getByRole('button', { name: 'Save' }).click());
  ok(/Rate limit saved/.test(await text(page.locator('.notice-success'))), `${label}: saved, with a notice`);
  ok(/3\/s, bursts of 5/.test(await text(page.locator('tbody tr', { hasText: name }))),
    `${label}: listed with its new rate limit`);

  ctx.step = `api keys ${label}: roll`;
  await page.locator(`#grace-${id}`).selectOption('2');
  await navigateBy(page, () => row.getByRole('button', { name: 'Roll' }).click());
  const rolled = await text(page.locator('#new-key'));
  ok(KEY_RE.test(rolled) && rolled !== key && rolled.slice(4, 20) === id,
    `${label}: Roll shows a new key of the same id`);
  ok(/works 2 more days/.test(await text(page.locator('.notice-success'))), `${label}: the old key works 2 more days`);

  ctx.step = `api keys ${label}: revoke`;
  await navigateBy(page, () => page.locator('tbody tr', { hasText: name }).getByRole('link', { name: 'Revoke' }).click());
  must((await text(page.locator('main h1'))) === 'Revoke this key?', `${label}: Revoke asks first`);
  await navigateBy(page, () => page.getByRole('link', { name: 'Cancel' }).click());
  ok(/active/.test(await text(page.locator('tbody tr', { hasText: name }).locator('.status'))),
    `${label}: Cancel keeps it active`);
  await navigateBy(page, () => page.locator('tbody tr', { hasText: name }).getByRole('link', { name: 'Revoke' }).click());
  await navigateBy(page, () => page.getByRole('button', { name: 'Revoke' }).click());
  ok(/Key revoked/.test(await text(page.locator('.notice-success'))), `${label}: revoked, with a notice`);
  const gone = page.locator('tbody tr', { hasText: name });
  ok(/revoked/.test(await text(gone.locator('.status'))) && (await gone.getByRole('button', { name: 'Roll' }).count()) === 0,
    `${label}: listed as revoked, with nothing more to do`);
}

async function main() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  fs.mkdirSync(path.join(BUILDDIR, 'tests', 'out'), { recursive: true });
  ctx.step = 'a tenant of its own';
  makeTenant();
  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  const watched = { consoleErrors: [], badResponses: [], expected: [] };
  for (const js of [false, true]) {
    const c = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: js });
    c.setDefaultTimeout(10000);
    const page = await c.newPage();
    watchPage(page, watched);
    await keys(page, js);
    await c.close();
  }
  ok(watched.consoleErrors.length === 0, 'no console errors', watched.consoleErrors.join('; '));
}

run(main, LIMIT_MS);
