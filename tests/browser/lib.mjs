// Shared by the browser tests: TAP output, a watchdog, the run wrapper and
// two page helpers.  A test sets ctx.step before each step (named in a
// failure) and ctx.browser once launched (closed however the test ends).
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
