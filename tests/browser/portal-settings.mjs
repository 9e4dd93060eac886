// Gatehouse browser test: sign-in, Client Portal Access Settings, sign-out,
// read-only view.  Drives the system Chromium (/usr/bin/chromium) through
// playwright-core against a running stack and prints TAP.
//
// Env: GH_TEST_PORT  port of the stack's nginx on 127.0.0.1 (required)
//      GH_BUILDDIR   the screenshot goes to $GH_BUILDDIR/tests/out/portal-settings.png
//      GH_BROWSER_TIMEOUT_MS  overall limit (default 60000)
//
// The test leaves the tenant's portal settings as it found them (switch and
// frame origins), so it can run any number of times on one stack; its
// assertions do not depend on the starting state either.
import { ctx, ok, note, must, run, navigateBy, text, watchPage, launchChromium } from './lib.mjs';
import fs from 'node:fs';
import path from 'node:path';

const PORT = process.env.GH_TEST_PORT;
const BUILDDIR = process.env.GH_BUILDDIR || process.cwd();
const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 60000);
const BASE = `http://127.0.0.1:${PORT}`;
const SETTINGS_PATH = '/settings/client/portal-access-settings';
const PASSWORD = 'gatehouse-demo';
const TENANT_NAME = 'Demo Field Services';
const DIRECT_LINK = `${BASE}/portal/demo/`;
const TEST_ORIGIN = 'https://gh-browser-test.example.com';
const BAD_ORIGIN = 'ftp://x';
const SHOT = path.join(BUILDDIR, 'tests', 'out', 'portal-settings.png');


async function signIn(page, email) {
  ctx.step = `sign in as ${email}`;
  await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

async function signOut(page, who) {
  ctx.step = `sign out (${who})`;
  const button = page.locator('header.site-header form.signout button[type=submit]');
  await navigateBy(page, () => button.click());
  const url = new URL(page.url());
  const h1 = await text(page.locator('h1'));
  ok(url.pathname === '/settings/login' && h1 === 'Sign in',
    `${who}: "Sign out" in the header lands on the sign-in page`,
    `url ${page.url()}, h1 "${h1}"`);
  // The session is really gone: a settings page asks to sign in again.
  const res = await page.goto(`${BASE}${SETTINGS_PATH}`, { waitUntil: 'load' });
  const after = new URL(page.url());
  ok(after.pathname === '/settings/login' && !(await page.locator('header.site-header').count()),
    `${who}: after sign-out the settings page asks to sign in again`,
    `url ${page.url()}, status ${res && res.status()}`);
}

async function openPortalSettingsFromMenu(page, who) {
  ctx.step = `${who}: open Portal Access Settings from the menu`;
  const link = page.locator('nav.sidenav').getByRole('link', { name: 'Portal Access Settings' });
  must((await link.count()) === 1, `${who}: the menu has a "Portal Access Settings" link`);
  await navigateBy(page, () => link.click());
  const url = new URL(page.url());
  const h1 = await text(page.locator('main h1'));
  const current = await page.locator('nav.sidenav a[aria-current="page"]').count();
  must(url.pathname === SETTINGS_PATH && h1 === 'Client Portal Access Settings' && current === 1,
    `${who}: the menu link opens ${SETTINGS_PATH} (marked as the current page)`,
    `url ${page.url()}, h1 "${h1}", aria-current links ${current}`);
}

// Save the form and wait for the result page.
async function save(page) {
  await navigateBy(page, () => page.getByRole('button', { name: 'Save' }).click());
}

function originsList(v) {
  return v.split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
}

// ------------------------------------------------------------------ test
async function main() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  fs.mkdirSync(path.dirname(SHOT), { recursive: true });

  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  note(`Chromium ${ctx.browser.version()}, stack ${BASE}`);
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10000);
  let clipboardGranted = true;
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  } catch (e) {
    clipboardGranted = false;
    note(`clipboard permissions not granted: ${e.message}`);
  }

  // Report CSP violations as console errors too (init scripts are not subject to CSP).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });

  const page = await context.newPage();
  const faviconErrors = [];
  const watch = {
    consoleErrors: [],
    badResponses: [],
    expected: [], // [SETTINGS_PATH, 422] while the deliberately invalid save is on its way
    other: (p, line) => p === '/favicon.ico' && faviconErrors.push(line) > 0, // its own test below
  };
  watchPage(page, watch);
  const { consoleErrors, badResponses } = watch;

  // 1. The sign-in page.
  ctx.step = 'open the sign-in page';
  const loginRes = await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  const loginH1 = await text(page.locator('h1'));
  const styled = await page.evaluate(() => document.styleSheets.length > 0
    && getComputedStyle(document.body).margin !== '8px');
  must(loginRes && loginRes.status() === 200 && loginH1 === 'Sign in'
      && (await page.locator('form[action="/settings/login"] #email').count()) === 1,
    'GET /settings/login shows the sign-in form',
    `status ${loginRes && loginRes.status()}, h1 "${loginH1}"`);
  ok(styled, 'the sign-in page is styled by /static/app.css');

  // 2. Sign in as the super admin and land on the settings home.
  await signIn(page, 'admin@demo.test');
  const homeUrl = new URL(page.url());
  must(homeUrl.pathname === '/settings/',
    'admin@demo.test signs in and lands on /settings/', `url ${page.url()}`);
  ctx.step = 'settings home';
  const tenant = await text(page.locator('header.site-header .tenant-name'));
  const lead = await text(page.locator('main .lead'));
  ok(tenant === TENANT_NAME && lead.includes(TENANT_NAME) && lead.includes('admin@demo.test'),
    `the home page names the tenant "${TENANT_NAME}" and the signed-in user`,
    `header tenant "${tenant}", lead "${lead}"`);

  // 3. Portal Access Settings through the menu.
  await openPortalSettingsFromMenu(page, 'admin');
  const sw = page.locator('#enabled');
  const origins = page.locator('#frame_origins');
  const initialEnabled = await sw.isChecked();
  const initialOrigins = await origins.inputValue();
  note(`starting state: portal ${initialEnabled ? 'on' : 'off'}, frame origins ${JSON.stringify(originsList(initialOrigins))}`);
  ok(await sw.isEditable() && (await page.getByRole('button', { name: 'Save' }).count()) === 1,
    'admin: the Enable Client Portal switch is editable and there is a Save button');

  // 4. Switch on, save.
  ctx.step = 'turn the portal on and save';
  await sw.check();
  await save(page);
  let notice = await text(page.locator('.notice-success'));
  must(notice === 'Settings saved.' && await sw.isChecked(),
    'switching Enable Client Portal on and saving shows "Settings saved." and the switch stays on',
    `success notice "${notice}", errors "${await text(page.locator('.notice-error'))}", url ${page.url()}`);

  // 5. Direct Link and frame code.
  ctx.step = 'read the Direct Link and the frame code';
  const link = await page.locator('#direct-link').inputValue();
  const linkHref = await page.locator('.link-out a').getAttribute('href');
  ok(link === DIRECT_LINK && linkHref === DIRECT_LINK,
    `the Direct Link is ${DIRECT_LINK}`, `field "${link}", link href "${linkHref}"`);
  const code = await page.locator('#frame-code').inputValue();
  ok(code.includes(`<iframe src="${DIRECT_LINK}"`) && /\btitle="[^"]+"/.test(code)
      && !code.includes('<frame ') && code.trim().endsWith('</iframe>'),
    'the frame code is an <iframe> of the Direct Link with a title (no <frame>)', `frame code: ${code}`);

  // 6. Copy button of the Direct Link.
  ctx.step = 'copy the Direct Link';
  const copy = page.locator('button.copy[data-copy="direct-link"]');
  must(await copy.isVisible(), 'the Direct Link "Copy" button is shown (app.js unhid it)');
  if (clipboardGranted) {
    await page.evaluate(() => navigator.clipboard.writeText('(before copy)')).catch(() => {});
  }
  await copy.click();
  await page.waitForFunction(
    () => document.querySelector('button.copy[data-copy="direct-link"]').textContent !== 'Copy',
    null, { timeout: 5000 });
  const label = await text(copy);
  let clip = null;
  if (clipboardGranted) {
    clip = await page.evaluate(() => navigator.clipboard.readText()).catch((e) => `(readText failed: ${e.message})`);
  }
  if (clip !== null) {
    ok(label === 'Copied' && clip === DIRECT_LINK,
      'clicking "Copy" puts the Direct Link on the clipboard and the button says "Copied"',
      `button "${label}", clipboard "${clip}"`);
  } else {
    ok(label === 'Copied', 'clicking "Copy" makes the button say "Copied" (clipboard not readable here)',
      `button "${label}"`);
  }

  // 7. Add a frame origin, save, see it kept.
  ctx.step = 'add a frame origin';
  const withTest = originsList(initialOrigins).filter((o) => o !== TEST_ORIGIN).concat([TEST_ORIGIN]);
  await origins.fill(withTest.join('\n'));
  await save(page);
  notice = await text(page.locator('.notice-success'));
  const savedOrigins = originsList(await origins.inputValue());
  ok(notice === 'Settings saved.' && savedOrigins.includes(TEST_ORIGIN)
      && savedOrigins.length === withTest.length,
    `adding the frame origin ${TEST_ORIGIN} and saving keeps it`,
    `notice "${notice}", origins ${JSON.stringify(savedOrigins)}`);
  ctx.step = 'reload after adding a frame origin';
  await page.goto(`${BASE}${SETTINGS_PATH}`, { waitUntil: 'load' });
  const reloaded = originsList(await origins.inputValue());
  ok(reloaded.includes(TEST_ORIGIN) && await sw.isChecked(),
    'after a reload the frame origin and the switch are still saved',
    `origins ${JSON.stringify(reloaded)}, switch ${await sw.isChecked()}`);

  // 8. A bad origin: field error, entered text kept, nothing saved.
  ctx.step = 'enter a bad origin';
  const entered = `${TEST_ORIGIN}\n${BAD_ORIGIN}`;
  const badRes = page.waitForResponse((r) => r.request().method() === 'POST'
    && new URL(r.url()).pathname === SETTINGS_PATH, { timeout: 10000 });
  await origins.fill(entered);
  watch.expected.push([SETTINGS_PATH, 422]);
  await save(page);
  const bad = await badRes;
  watch.expected.length = 0;
  const fieldError = await text(page.locator('#error-frame_origins'));
  const invalid = await origins.getAttribute('aria-invalid');
  const describedBy = (await origins.getAttribute('aria-describedby')) || '';
  const kept = await origins.inputValue();
  ok(bad.status() === 422 && fieldError !== '' && /line 2/i.test(fieldError)
      && invalid === 'true' && describedBy.split(' ').includes('error-frame_origins'),
    `saving "${BAD_ORIGIN}" answers 422 with a field error on line 2 tied to the textarea`,
    `status ${bad.status()}, error "${fieldError}", aria-invalid ${invalid}, aria-describedby "${describedBy}"`);
  ok(kept === entered && (await page.locator('.notice-success').count()) === 0,
    'the entered text is kept in the textarea and nothing says "saved"',
    `textarea ${JSON.stringify(kept)}`);
  ok(await sw.isChecked(), 'the switch keeps what was submitted (on)');

  // 9. Console errors and CSP violations.
  ctx.step = 'console';
  ok(consoleErrors.length === 0, 'no console errors and no CSP violations', consoleErrors.join('\n'));
  ok(badResponses.length === 0, 'every stylesheet and script loaded', badResponses.join('\n'));
  // Chromium asks for /favicon.ico on its own when a page names no icon; a 404
  // there is a console error on every first page a person opens.
  ok(faviconErrors.length === 0, 'the browser\'s own /favicon.ico request does not fail',
    `${faviconErrors.join('\n')}\n(the pages name no icon: e.g. <link rel="icon" href="data:,"> in layout.xsl, or an nginx location for /favicon.ico)`);

  // 10. Screenshot (the test artefact).
  ctx.step = 'screenshot';
  await page.screenshot({ path: SHOT, fullPage: true });
  ok(fs.statSync(SHOT).size > 1000, `full-page screenshot written to ${SHOT}`);

  // 11. Leave the settings as they were found (the bad POST saved nothing).
  ctx.step = 'restore the starting state';
  await page.goto(`${BASE}${SETTINGS_PATH}`, { waitUntil: 'load' });
  const afterBad = originsList(await origins.inputValue());
  ok(!afterBad.includes(BAD_ORIGIN) && afterBad.includes(TEST_ORIGIN),
    'the refused save changed nothing', `origins ${JSON.stringify(afterBad)}`);
  await sw.setChecked(initialEnabled);
  await origins.fill(initialOrigins);
  await save(page);
  notice = await text(page.locator('.notice-success'));
  const restoredOrigins = originsList(await origins.inputValue());
  ok(notice === 'Settings saved.' && (await sw.isChecked()) === initialEnabled
      && JSON.stringify(restoredOrigins) === JSON.stringify(originsList(initialOrigins)),
    `the starting state is restored (portal ${initialEnabled ? 'on' : 'off'}, ${originsList(initialOrigins).length} frame origin(s))`,
    `notice "${notice}", switch ${await sw.isChecked()}, origins ${JSON.stringify(restoredOrigins)}`);
  if (initialEnabled) {
    ok((await page.locator('#direct-link').inputValue()) === DIRECT_LINK
        && (await page.locator('.note-off').count()) === 0,
      'with the portal on again the page shows the Direct Link');
  } else {
    ok((await page.locator('#direct-link').count()) === 0 && (await page.locator('.note-off').count()) === 1,
      'with the portal off again the page hides the Direct Link and says the portal is off');
  }

  // 12. Sign out.
  await signOut(page, 'admin');

  // 13. The view-only user.
  await signIn(page, 'viewer@demo.test');
  must(new URL(page.url()).pathname === '/settings/',
    'viewer@demo.test signs in and lands on /settings/', `url ${page.url()}`);
  await openPortalSettingsFromMenu(page, 'viewer');
  ctx.step = 'viewer: read-only settings page';
  const vSwitchDisabled = await page.locator('#enabled').isDisabled();
  const vOriginsDisabled = await page.locator('#frame_origins').isDisabled();
  const vSave = await page.getByRole('button', { name: 'Save' }).count();
  const vNote = await text(page.locator('.note-readonly'));
  ok(vSwitchDisabled && vOriginsDisabled && vSave === 0 && /view-only/.test(vNote),
    'viewer: the page is read-only (switch and origins disabled, no Save button, a view-only note)',
    `switch disabled ${vSwitchDisabled}, origins disabled ${vOriginsDisabled}, Save buttons ${vSave}, note "${vNote}"`);
  await signOut(page, 'viewer');

  ctx.step = 'console (viewer)';
  ok(consoleErrors.length === 0 && badResponses.length === 0,
    'still no console errors, CSP violations or failed sub-resources at the end',
    consoleErrors.concat(badResponses).join('\n'));

  ctx.step = 'close';
  await context.close();
}

await run(main, LIMIT_MS);
