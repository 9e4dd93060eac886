// Shared by the browser tests: TAP output, a watchdog, the run wrapper,
// page helpers, and the stack a test runs against (its environment, SQL,
// a company of the test's own, the office sign-in).  A test sets ctx.step before each step (named in a
// failure) and ctx.browser once launched (closed however the test ends).
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// The stack under test, from the environment run.sh sets.
export const PORT = process.env.GH_TEST_PORT;
export const STATE = process.env.GH_TEST_STATE || '';
export const BUILDDIR = process.env.GH_BUILDDIR || process.cwd();
export const SRCDIR = process.env.GH_SRCDIR ||
  path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const BASE = `http://127.0.0.1:${PORT}`;
export const PASSWORD = 'gatehouse-demo';
// A stamp for the names a test makes, unique per run.
export const STAMP = `${Date.now()}${String(process.pid % 1000).padStart(3, '0')}`;
// A screenshot's path (tests/out/NAME.png).
export const shot = (name) => path.join(BUILDDIR, 'tests', 'out', `${name}.png`);

// Checks the environment and makes tests/out; throws when GH_TEST_PORT is unset.
export function stackReady() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  fs.mkdirSync(path.join(BUILDDIR, 'tests', 'out'), { recursive: true });
}

// One SQL statement on the stack's database: its rows, tab-separated.
export function sql(statement) {
  return execFileSync(path.join(SRCDIR, 'scripts', 'gh-stack'),
    ['sql', statement, '--state', STATE, '--', '-N', '-B'], { encoding: 'utf8' }).trim();
}

// A company of the test's own (gatehouse-ctl tenant create) with its Super
// Admin (password PASSWORD) and, unless portal is false, the portal on.
export function makeCompany(slug, name, admin, { portal = true } = {}) {
  const ctl = path.join(BUILDDIR, 'gatehouse-ctl');
  const ini = path.join(STATE, 'gatehouse.ini');
  execFileSync(ctl, ['-c', ini, 'tenant', 'create', slug, name], { encoding: 'utf8' });
  execFileSync(ctl, ['-c', ini, 'user', 'create', '--tenant', slug, '--email', admin, '--super-admin'],
    { input: `${PASSWORD}\n`, encoding: 'utf8' });
  if (portal) sql(`UPDATE tenants SET portal_enabled = 1 WHERE slug = '${slug}'`);
}

// Signs in to the settings as email (password PASSWORD).
export async function officeSignIn(page, email) {
  await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

// Debian's Chromium, headless, as every browser test runs it.
export async function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic'],
    timeout: 20000,
  });
}

export const ctx = { n: 0, failed: 0, finished: false, step: 'start', browser: null };

export function ok(cond, desc, diag) {
  ctx.n += 1;
  if (cond) {
    console.log(`ok ${ctx.n} - ${desc}`);
  } else {
    ctx.failed += 1;
    console.log(`not ok ${ctx.n} - ${desc}`);
    if (diag !== undefined) {
      for (const line of String(diag).split('\n')) console.log(`#   ${line}`);
    }
  }
  return cond;
}

export function note(msg) {
  for (const line of String(msg).split('\n')) console.log(`# ${line}`);
}

// A step that must hold for the rest to make sense: throws when it fails
// (the failure is already reported, so run() adds no line).
export class Stop extends Error {}
export function must(cond, desc, diag) {
  if (!ok(cond, desc, diag)) throw new Stop(`stopping after: ${desc}`);
}

function finish(code) {
  if (ctx.finished) return;
  ctx.finished = true;
  console.log(`1..${ctx.n}`);
  process.exitCode = code;
}

// Runs main with an overall limit (a hung browser or server must not hang
// the suite), reports an unexpected exception as one failure, prints the
// plan and closes the browser.
export async function run(main, limitMs) {
  const watchdog = setTimeout(() => {
    ctx.n += 1;
    console.log(`not ok ${ctx.n} - ${ctx.step}: the test did not finish within ${limitMs / 1000} s`);
    finish(1);
    const b = ctx.browser;
    ctx.browser = null;
    Promise.resolve(b && b.close()).catch(() => {}).finally(() => process.exit(1));
    setTimeout(() => process.exit(1), 3000).unref();
  }, limitMs);
  try {
    await main();
    finish(ctx.failed ? 1 : 0);
  } catch (e) {
    if (e instanceof Stop) {
      note(e.message);
      finish(1);
    } else if (!ctx.finished) {
      ctx.n += 1;
      const plain = (t) => String(t).replace(/\x1b\[[0-9;]*m/g, '');
      console.log(`not ok ${ctx.n} - ${ctx.step}: ${plain(e && e.message || e).split('\n')[0]}`);
      for (const line of plain(e && e.stack || e).split('\n').slice(1, 12)) console.log(`#   ${line}`);
      finish(1);
    }
  } finally {
    clearTimeout(watchdog);
    const b = ctx.browser;
    ctx.browser = null;
    if (b) await b.close().catch(() => {});
  }
}

// Click something that submits a form or follows a link and wait until the
// next document has loaded.
export async function navigateBy(page, action) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: 10000 }),
    action(),
  ]);
}

// The text of the first match, whitespace collapsed; '' when nothing matches.
export async function text(locator) {
  const first = locator.first();
  if ((await locator.count()) === 0) return '';
  return ((await first.textContent()) || '').replace(/\s+/g, ' ').trim();
}

// Collects what goes wrong on a page into w.consoleErrors (console errors,
// CSP violations reported by an init script, uncaught exceptions) and
// w.badResponses (sub-resources that failed or answered >= 400).  A console
// error for a document answering a status listed in w.expected ([path,
// status] pairs) is only noted; w.other(path, line), when given, may claim a
// console error (returns true).
export function watchPage(page, w) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location().url || '';
    const line = `${msg.text()} [${where || '?'}] (on ${page.url()})`;
    let p = '';
    try { p = new URL(where).pathname; } catch { /* no URL */ }
    const st = /status of (\d{3})\b/.exec(msg.text());
    if (w.other && w.other(p, line)) return;
    if (st && w.expected.some(([ep, es]) => ep === p && String(es) === st[1])) {
      note(`expected: ${line}`);
    } else {
      w.consoleErrors.push(line);
    }
  });
  page.on('pageerror', (err) => w.consoleErrors.push(`uncaught: ${err.message} (${page.url()})`));
  page.on('requestfailed', (req) => {
    w.badResponses.push(`${req.method()} ${req.url()}: ${req.failure() && req.failure().errorText}`);
  });
  page.on('response', (res) => {
    // Documents are checked per step (some answer 4xx on purpose).
    if (res.request().resourceType() !== 'document' && res.status() >= 400) {
      w.badResponses.push(`${res.request().method()} ${res.url()}: ${res.status()}`);
    }
  });
}
