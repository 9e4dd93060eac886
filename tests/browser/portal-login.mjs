// Gatehouse browser test: the client portal's direct link.  Signs in on the
// direct link; signs in inside an iframe of the demo "tenant website" served
// from another site (http://localhost:PORT+1, a listed frame origin); checks
// that an unlisted origin (http://localhost:PORT+2) cannot frame the portal;
// resets the password from the mail in the SMTP sink; enrols MFA with a code
// computed by oathtool and signs in again with the next code.
//
// Env: GH_TEST_PORT  port of the stack's nginx on 127.0.0.1 (required); the
//                    stack serves the demo tenant website on PORT+1 and +2
//      GH_TEST_STATE the stack's state dir (required: mail, gh-stack sql)
//      GH_SRCDIR     source dir (scripts/gh-stack)
//      GH_BUILDDIR   screenshots go to $GH_BUILDDIR/tests/out/portal-*.png
//      GH_BROWSER_TIMEOUT_MS  overall limit (default 90000)
//
// Each run adds its own portal user (login-<stamp>@theloop.example.com, with
// the password of the demo's client@demo.test), sets the demo tenant's
// portal switch and frame origins it needs, and puts them back at the end.
import { ctx, ok, note, must, run, navigateBy, text, watchPage, launchChromium } from './lib.mjs';
import { MAILDIR, MAIL_WAIT_MS, mailsTo, waitForMail } from './mail.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const PORT = process.env.GH_TEST_PORT;
const STATE = process.env.GH_TEST_STATE || '';
const SRCDIR = process.env.GH_SRCDIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BUILDDIR = process.env.GH_BUILDDIR || process.cwd();
const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 90000);
const BASE = `http://127.0.0.1:${PORT}`;
const SITE = `http://localhost:${Number(PORT) + 1}`;
const SITE_UNLISTED = `http://localhost:${Number(PORT) + 2}`;
const PORTAL = '/portal/demo/';
const PASSWORD = 'gatehouse-demo';
const STAMP = `${Date.now()}${String(process.pid % 1000).padStart(3, '0')}`;
const USER_EMAIL = `login-${STAMP}@theloop.example.com`;
const NEW_PASSWORD = `Gh-reset-${STAMP.slice(-6)}-Heron!`;
const RESET_RE = new RegExp(`http://127\\.0\\.0\\.1:${PORT}/portal/demo/reset\\?token=[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`);
const shot = (name) => path.join(BUILDDIR, 'tests', 'out', `${name}.png`);

function sql(statement) {
  return execFileSync(path.join(SRCDIR, 'scripts', 'gh-stack'),
    ['sql', statement, '--state', STATE, '--', '-N', '-B'], { encoding: 'utf8' }).trim();
}

// oathtool (Debian package oathtool) computes the codes, as a phone would.
function oathtool(secret, when) {
  const args = ['--totp', '-b'];
  if (when) args.push('-N', when);
  args.push(secret);
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

async function signIn(page, email, password) {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await navigateBy(page, () => page.getByRole('button', { name: 'Login' }).click());
}

async function main() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  must(STATE !== '' && fs.existsSync(MAILDIR), `the stack's state dir and mail sink exist (${STATE})`);
  fs.mkdirSync(path.join(BUILDDIR, 'tests', 'out'), { recursive: true });
  note(`user ${USER_EMAIL}`);

  ctx.step = 'prepare the demo tenant';
  const before = sql("SELECT CONCAT(portal_enabled, '|', REPLACE(frame_origins, '\\n', '~')) FROM tenants WHERE slug = 'demo'");
  sql(`UPDATE tenants SET portal_enabled = 1, frame_origins = 'http://localhost:${Number(PORT) + 1}' WHERE slug = 'demo'`);
  sql(`INSERT INTO portal_users (tenant_id, customer_id, company_name, email, password_hash, password_set_at)
       SELECT pu.tenant_id, c.id, c.name, '${USER_EMAIL}', pu.password_hash, NOW(6)
       FROM portal_users pu JOIN customers c ON c.tenant_id = pu.tenant_id AND c.name = 'The Loop'
       WHERE pu.email = 'client@demo.test'`);
  must(sql(`SELECT COUNT(*) FROM portal_users WHERE email = '${USER_EMAIL}'`) === '1',
    'a portal user for The Loop with the demo password exists');
  try {
    await flows();
  } finally {
    ctx.step = 'restore the demo tenant';
    const [en, origins] = before.split('|');
    sql(`UPDATE tenants SET portal_enabled = ${Number(en)}, frame_origins = REPLACE('${(origins || '').replace(/'/g, "''")}', '~', '\\n') WHERE slug = 'demo'`);
    sql(`DELETE FROM portal_users WHERE email = '${USER_EMAIL}'`);
  }
}

async function flows() {
  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  note(`Chromium ${ctx.browser.version()}, stack ${BASE}, tenant website ${SITE}`);
  const watched = { consoleErrors: [], badResponses: [], expected: [] };

  // 1. The direct link.
  ctx.step = 'sign in on the direct link';
  let context = await ctx.browser.newContext({ viewport: { width: 1100, height: 800 } });
  context.setDefaultTimeout(10000);
  let page = await context.newPage();
  watchPage(page, watched);
  await page.goto(`${BASE}${PORTAL}`, { waitUntil: 'load' });
  const brand = await text(page.locator('.auth-brand'));
  ok(brand === 'Demo Field Services' && (await page.getByRole('link', { name: 'Forgot password?' }).count()) === 1,
    'the login page names the tenant and offers "Forgot password?"', `brand "${brand}"`);
  watched.expected.push([PORTAL, 401]);
  await signIn(page, USER_EMAIL, 'wrong-password-123');
  const err = await text(page.locator('.notice-error'));
  ok(err === 'The email or password is incorrect.', 'a wrong password: "The email or password is incorrect."', `notice "${err}"`);
  await signIn(page, USER_EMAIL, PASSWORD);
  let h1 = await text(page.locator('main h1'));
  must(new URL(page.url()).pathname === `${PORTAL}home` && h1 === `Welcome, ${USER_EMAIL}`,
    'the right password opens the portal home', `url ${page.url()}, h1 "${h1}"`);
  ok((await text(page.locator('.tenant-name'))) === 'The Loop', "the home names the user's company");
  await page.screenshot({ path: shot('portal-home'), fullPage: true });
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign out' }).click());
  ok((await text(page.locator('.notice-success'))) === 'You have signed out.' &&
     new URL(page.url()).pathname === PORTAL, 'Sign out returns to the login page');
  await context.close();

  // 2. Inside the tenant's website, another site (localhost vs 127.0.0.1).
  ctx.step = 'sign in inside the iframe';
  context = await ctx.browser.newContext({ viewport: { width: 1100, height: 900 } });
  context.setDefaultTimeout(10000);
  page = await context.newPage();
  watchPage(page, watched);
  await page.goto(`${SITE}/`, { waitUntil: 'load' });
  const frame = page.frameLocator('iframe');
  await frame.locator('#email').waitFor();
  await frame.locator('#email').fill(USER_EMAIL);
  await frame.locator('#password').fill(PASSWORD);
  await frame.getByRole('button', { name: 'Login' }).click();
  await frame.locator('main h1', { hasText: 'Welcome' }).waitFor({ timeout: 10000 }).catch(() => {});
  h1 = await text(frame.locator('main h1'));
  const child = page.frames().find((f) => f !== page.mainFrame());
  must(h1 === `Welcome, ${USER_EMAIL}` && child && new URL(child.url()).pathname === `${PORTAL}home`,
    `signing in inside the iframe on ${SITE} opens the portal home there`,
    `frame h1 "${h1}", frame url ${child && child.url()}`);
  await page.screenshot({ path: shot('portal-iframe'), fullPage: true });
  const cookies = await context.cookies();
  const pc = cookies.find((c) => c.name === 'gh_portal');
  ok(pc && pc.secure && pc.sameSite === 'None' && pc.httpOnly,
    'the portal cookie is Secure, HttpOnly, SameSite=None (and Partitioned: see the HTTP tests)',
    JSON.stringify(pc));
  await context.close();

  // 3. An origin not on the list cannot frame the portal.
  ctx.step = 'unlisted origin';
  context = await ctx.browser.newContext();
  context.setDefaultTimeout(10000);
  page = await context.newPage();
  const refused = [];
  page.on('console', (m) => { if (/frame-ancestors/.test(m.text())) refused.push(m.text()); });
  await page.goto(`${SITE_UNLISTED}/`, { waitUntil: 'load' });
  await page.waitForTimeout(500);
  const inner = page.frames().find((f) => f !== page.mainFrame());
  let framed = '';
  try {
    framed = inner ? await inner.evaluate(() => document.body ? document.body.innerText : '') : '';
  } catch {
    framed = '';
  }
  ok(refused.length > 0 && !/Login/.test(framed),
    `${SITE_UNLISTED} (not a listed origin) gets no portal in its iframe: Chromium reports frame-ancestors`,
    `console ${JSON.stringify(refused)}, frame text "${framed.slice(0, 80)}"`);
  await context.close();

  // 4. "Forgot password?" and the mail in the SMTP sink.
  ctx.step = 'reset the password';
  context = await ctx.browser.newContext({ viewport: { width: 1100, height: 800 } });
  context.setDefaultTimeout(10000);
  page = await context.newPage();
  watchPage(page, watched);
  await page.goto(`${BASE}${PORTAL}`, { waitUntil: 'load' });
  await navigateBy(page, () => page.getByRole('link', { name: 'Forgot password?' }).click());
  const seen = new Set(mailsTo(USER_EMAIL).map((m) => m.file));
  await page.locator('#email').fill(USER_EMAIL);
  await navigateBy(page, () => page.getByRole('button', { name: 'Send me a link' }).click());
  h1 = await text(page.locator('main h1'));
  ok(h1 === 'Check your email', 'the form answers "Check your email"', `h1 "${h1}"`);
  const mails = await waitForMail(USER_EMAIL, seen);
  must(mails.length === 1, `one reset mail reaches the sink within ${MAIL_WAIT_MS / 1000} s`, `got ${mails.length}`);
  const textPart = mails[0].parts.find((p) => p.type === 'text/plain');
  const link = textPart ? RESET_RE.exec(textPart.text) : null;
  must(link !== null, 'the mail holds a reset link', textPart ? textPart.text.slice(0, 400) : '(no text part)');
  await page.goto(link[0], { waitUntil: 'load' });
  h1 = await text(page.locator('main h1'));
  ok(h1 === 'Choose a new password', 'the link opens "Choose a new password"', `h1 "${h1}"`);
  await page.locator('#password').fill(NEW_PASSWORD);
  await page.locator('#confirm').fill(NEW_PASSWORD);
  await navigateBy(page, () => page.getByRole('button', { name: 'Set password' }).click());
  ok((await text(page.locator('.notice-success'))) === 'Your password is set. Sign in with it now.',
    'setting it leads to the login page, which says so');
  await signIn(page, USER_EMAIL, NEW_PASSWORD);
  must(new URL(page.url()).pathname === `${PORTAL}home`, 'the new password signs in', `url ${page.url()}`);
  watched.expected.push([new URL(link[0]).pathname, 410]);
  await page.goto(link[0], { waitUntil: 'load' });
  h1 = await text(page.locator('main h1'));
  ok(h1 === 'This link has expired' && (await page.getByRole('link', { name: 'Send me a new link' }).count()) === 1,
    'the used link says it has expired and offers a new one', `h1 "${h1}"`);

  // 5. MFA: enrol with a code computed by oathtool, then sign in with the next code.
  ctx.step = 'enrol MFA';
  await page.goto(`${BASE}${PORTAL}account`, { waitUntil: 'load' });
  await navigateBy(page, () => page.getByRole('link', { name: 'Set up two-step verification' }).click());
  const secret = (await text(page.locator('code.mfa-secret'))).replace(/ /g, '');
  const qr = await page.locator('.qr svg path').getAttribute('d');
  must(/^[A-Z2-7]{32}$/.test(secret) && qr && qr.length > 100,
    'the enrolment page shows a QR code (SVG) and the key as text', `key "${secret}"`);
  await page.screenshot({ path: shot('portal-mfa'), fullPage: true });
  await page.locator('#code').fill(oathtool(secret));
  await navigateBy(page, () => page.getByRole('button', { name: 'Turn on' }).click());
  const codes = await page.locator('.recovery-codes code').allTextContents();
  ok(codes.length === 10 && codes.every((c) => /^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/.test(c)),
    "oathtool's code turns MFA on; ten recovery codes are shown once", codes.join(' '));
  await navigateBy(page, () => page.getByRole('link', { name: 'Continue to the portal' }).click());
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign out' }).click());

  ctx.step = 'sign in with MFA';
  await signIn(page, USER_EMAIL, NEW_PASSWORD);
  h1 = await text(page.locator('main h1'));
  must(new URL(page.url()).pathname === `${PORTAL}mfa` && h1 === 'Two-step verification',
    'with MFA on, the password leads to the code page', `url ${page.url()}, h1 "${h1}"`);
  // The enrolment used this 30 s step: the next one is within the window.
  await page.locator('#code').fill(oathtool(secret, 'now + 30 seconds'));
  await navigateBy(page, () => page.getByRole('button', { name: 'Verify' }).click());
  ok(new URL(page.url()).pathname === `${PORTAL}home`, "the next code from oathtool signs in", `url ${page.url()}`);
  await context.close();

  ctx.step = 'console';
  ok(watched.consoleErrors.length === 0, 'no console errors and no CSP violations', watched.consoleErrors.join('\n'));
  ok(watched.badResponses.length === 0, 'every stylesheet and script loaded', watched.badResponses.join('\n'));
}

run(main, LIMIT_MS);
