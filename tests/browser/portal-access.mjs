// Gatehouse browser test: Portal Access.  Adds a portal user for Cool Air,
// finds the invitation in the stack's SMTP sink, sets the password through
// the link, resends the invitation and deletes the user with confirmation.
// Drives the system Chromium (/usr/bin/chromium) through playwright-core
// against a running stack and prints TAP.
//
// Env: GH_TEST_PORT  port of the stack's nginx on 127.0.0.1 (required)
//      GH_TEST_STATE the stack's state dir (required: mail lands in
//                    $GH_TEST_STATE/mail/new, one message per file)
//      GH_BUILDDIR   screenshots go to $GH_BUILDDIR/tests/out/portal-access.png
//                    and set-password.png
//      GH_BROWSER_TIMEOUT_MS  overall limit (default 60000)
//
// Each run adds (and deletes again) its own user, browser-<timestamp>@coolair.example.com,
// and puts the portal switch back as it found it, so it can run any number
// of times on one stack.
import { ctx, ok, note, must, run, navigateBy, text, watchPage, launchChromium } from './lib.mjs';
import { MAILDIR, MAIL_WAIT_MS, mailsTo, waitForMail } from './mail.mjs';
import fs from 'node:fs';
import path from 'node:path';

const PORT = process.env.GH_TEST_PORT;
const BUILDDIR = process.env.GH_BUILDDIR || process.cwd();
const LIMIT_MS = Number(process.env.GH_BROWSER_TIMEOUT_MS || 60000);
const BASE = `http://127.0.0.1:${PORT}`;
const SETTINGS_PATH = '/settings/client/portal-access-settings';
const LIST_PATH = '/settings/client/portal-access';
const EDIT_PATH = '/settings/client/portal-access/edit';
const DELETE_PATH = '/settings/client/portal-access/delete';
const SET_PASSWORD_PATH = '/portal/demo/set-password';
const PASSWORD = 'gatehouse-demo';
const TENANT_NAME = 'Demo Field Services';
const COMPANY = 'Cool Air';
const COMPANY_EMAIL = 'service@coolair.example.com';
const STAMP = `${Date.now()}${String(process.pid % 1000).padStart(3, '0')}`;
const USER_EMAIL = `browser-${STAMP}@coolair.example.com`;
const NEW_PASSWORD = `Gh-browser-${STAMP.slice(-6)}-Kestrel!`;
const LINK_RE = new RegExp(`http://127\\.0\\.0\\.1:${PORT}/portal/demo/set-password\\?token=([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])`);
const SHOT_LIST = path.join(BUILDDIR, 'tests', 'out', 'portal-access.png');
const SHOT_SP = path.join(BUILDDIR, 'tests', 'out', 'set-password.png');


function linkOf(mail) {
  const textPart = mail.parts.find((p) => p.type === 'text/plain');
  const m = textPart ? LINK_RE.exec(textPart.text) : null;
  return m ? { url: m[0], token: m[1] } : null;
}

async function menuLink(page, name, wantPath, wantH1) {
  ctx.step = `open ${name} from the menu`;
  const link = page.locator('nav.sidenav').getByRole('link', { name, exact: true });
  must((await link.count()) === 1, `the menu has a "${name}" link`);
  await navigateBy(page, () => link.click());
  const url = new URL(page.url());
  const h1 = await text(page.locator('main h1'));
  const current = await page.locator('nav.sidenav a[aria-current="page"]').count();
  must(url.pathname === wantPath && h1 === wantH1 && current === 1,
    `the menu link "${name}" opens ${wantPath}`,
    `url ${page.url()}, h1 "${h1}", aria-current links ${current}`);
}

// The list filtered by q; returns the table's body rows.
async function filterList(page, q) {
  await page.locator('#list-q').fill(q);
  await navigateBy(page, () => page.locator('form.filter-bar').getByRole('button', { name: 'Filter' }).click());
  return page.locator('table.data-table tbody tr');
}

// ------------------------------------------------------------------ test
async function main() {
  if (!PORT || !/^[0-9]+$/.test(PORT)) throw new Error('GH_TEST_PORT is not set');
  fs.mkdirSync(path.dirname(SHOT_LIST), { recursive: true });
  note(`user ${USER_EMAIL}`);

  ctx.step = 'launch Chromium';
  ctx.browser = await launchChromium();
  note(`Chromium ${ctx.browser.version()}, stack ${BASE}`);
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10000);

  // Report CSP violations as console errors too (init scripts are not subject to CSP).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });

  // Documents that answer 4xx on purpose: [path, status] while expected.
  const watched = { consoleErrors: [], badResponses: [], expected: [] };
  const { consoleErrors, badResponses, expected } = watched;
  const watch = (p) => watchPage(p, watched);
  const page = await context.newPage();
  watch(page);

  // 1. Sign in.
  ctx.step = 'sign in as admin@demo.test';
  await page.goto(`${BASE}/settings/login`, { waitUntil: 'load' });
  await page.locator('#email').fill('admin@demo.test');
  await page.locator('#password').fill(PASSWORD);
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
  must(new URL(page.url()).pathname === '/settings/',
    'admin@demo.test signs in and lands on /settings/', `url ${page.url()}`);

  // 2. The portal must be on (invitations are not sent while it is off).
  await menuLink(page, 'Portal Access Settings', SETTINGS_PATH, 'Client Portal Access Settings');
  ctx.step = 'switch the portal on';
  const sw = page.locator('#enabled');
  const initialEnabled = await sw.isChecked();
  note(`starting state: portal ${initialEnabled ? 'on' : 'off'}`);
  let restoreNeeded = false;
  if (!initialEnabled) {
    await sw.check();
    await navigateBy(page, () => page.getByRole('button', { name: 'Save' }).click());
    restoreNeeded = true;
  }
  const onNotice = await text(page.locator('.notice-success'));
  must(await sw.isChecked() && (initialEnabled || onNotice === 'Settings saved.'),
    initialEnabled ? 'the Client Portal is already on' : 'switching the Client Portal on and saving shows "Settings saved."',
    `switch ${await sw.isChecked()}, notice "${onNotice}", errors "${await text(page.locator('.notice-error'))}"`);

  try {
    await portalUserFlow(page, context, watch, expected);
  } finally {
    // Put the switch back as it was found (also after a failure).
    if (restoreNeeded) {
      ctx.step = 'restore the portal switch';
      await page.goto(`${BASE}${SETTINGS_PATH}`, { waitUntil: 'load' });
      await page.locator('#enabled').setChecked(false);
      await navigateBy(page, () => page.getByRole('button', { name: 'Save' }).click());
      const notice = await text(page.locator('.notice-success'));
      ok(notice === 'Settings saved.' && !(await page.locator('#enabled').isChecked()),
        'the starting state is restored (portal off)',
        `notice "${notice}", switch ${await page.locator('#enabled').isChecked()}`);
    }
  }

  ctx.step = 'console';
  ok(consoleErrors.length === 0, 'no console errors and no CSP violations', consoleErrors.join('\n'));
  ok(badResponses.length === 0, 'every stylesheet and script loaded', badResponses.join('\n'));

  ctx.step = 'close';
  await context.close();
}

async function portalUserFlow(page, context, watch, expected) {
  // 3. Portal Access from the menu.
  await menuLink(page, 'Portal Access', LIST_PATH, 'Portal Access');

  // 4. Actions -> Add New Portal User.
  ctx.step = 'add a portal user';
  await page.locator('details.menu > summary', { hasText: 'Actions' }).click();
  const add = page.locator('details.menu').getByRole('link', { name: 'Add New Portal User' });
  await navigateBy(page, () => add.click());
  let h1 = await text(page.locator('main h1'));
  must(new URL(page.url()).pathname === EDIT_PATH && h1 === 'Add Portal User',
    'Actions > "Add New Portal User" opens the add form', `url ${page.url()}, h1 "${h1}"`);

  // 5. Choosing Cool Air fills in its primary email at once (app.js).
  ctx.step = 'choose the company';
  const emailField = page.locator('#email');
  await emailField.fill('');
  await page.locator('#customer').selectOption({ label: COMPANY });
  const filled = await emailField.inputValue(); // read at once: no waiting
  const prefillHidden = await page.getByRole('button', { name: 'Use company email' }).isHidden();
  ok(filled === COMPANY_EMAIL && prefillHidden,
    `choosing "${COMPANY}" fills the email field with ${COMPANY_EMAIL} at once ("Use company email" hidden)`,
    `email field "${filled}", "Use company email" hidden ${prefillHidden}`);

  // 6. A unique address, Save.
  ctx.step = 'save the new portal user';
  await emailField.fill(USER_EMAIL);
  const before = new Set(mailsTo(USER_EMAIL).map((m) => m.file));
  await navigateBy(page, () => page.locator('form.edit-form').getByRole('button', { name: 'Save', exact: true }).click());
  let notice = await text(page.locator('.notice-success'));
  must(new URL(page.url()).pathname === LIST_PATH && notice === 'Portal user added and invited.',
    'saving lands on the list with "Portal user added and invited."',
    `url ${page.url()}, notice "${notice}", errors "${await text(page.locator('.notice-error, .field-error, .error'))}"`);

  // 7. The new row, found with the filter.
  ctx.step = 'filter the list by the address';
  let rows = await filterList(page, USER_EMAIL);
  const rowCount = await rows.count();
  const row = rows.first();
  const rowEmail = await text(row.locator('td.cell-email'));
  const rowCompany = await text(row.locator('td').nth(1));
  const rowStatus = await text(row.locator('.badge'));
  must(rowCount === 1 && rowEmail === USER_EMAIL && rowCompany === COMPANY && rowStatus === 'Invited',
    `filtering by the address shows one row: ${COMPANY}, the address, status "Invited"`,
    `rows ${rowCount}, company "${rowCompany}", email "${rowEmail}", status "${rowStatus}"`);
  ctx.step = 'screenshot of the list';
  await page.screenshot({ path: SHOT_LIST, fullPage: true });
  ok(fs.statSync(SHOT_LIST).size > 1000, `full-page screenshot of the list written to ${SHOT_LIST}`);

  // 8. The invitation in the sink.
  ctx.step = 'wait for the invitation mail';
  must(MAILDIR !== '' && fs.existsSync(MAILDIR), `the SMTP sink's maildir exists (${MAILDIR || 'GH_TEST_STATE not set'})`);
  const first = await waitForMail(USER_EMAIL, before);
  must(first.length === 1, `one invitation addressed to ${USER_EMAIL} arrives in the sink within ${MAIL_WAIT_MS / 1000} s`,
    `${first.length} message(s): ${first.map((m) => m.file).join(', ')}`);
  const invite = first[0];
  note(`mail ${path.basename(invite.file)}: Subject "${invite.subject}"`);
  const types = invite.parts.map((p) => p.type);
  const link1 = linkOf(invite);
  const htmlPart = invite.parts.find((p) => p.type === 'text/html');
  ok(invite.subject.includes(TENANT_NAME) && /^multipart\/alternative/i.test(invite.type)
      && types.includes('text/plain') && types.includes('text/html'),
    `the invitation's Subject names "${TENANT_NAME}" and it has a text and an HTML part`,
    `Subject "${invite.subject}", Content-Type "${invite.type}", parts ${JSON.stringify(types)}`);
  must(link1 !== null && htmlPart && htmlPart.text.includes(link1.url.replace(/&/g, '&amp;')),
    'the text part holds the set-password link (token of 43 characters), the HTML part the same link',
    `text part:\n${(invite.parts.find((p) => p.type === 'text/plain') || { text: '(none)' }).text}`);

  // 9. Set the password through the link, in a new page.
  ctx.step = 'open the set-password link';
  const sp = await context.newPage();
  watch(sp);
  const spRes = await sp.goto(link1.url, { waitUntil: 'load' });
  h1 = await text(sp.locator('h1'));
  const forEmail = await text(sp.locator('main strong, .auth-card strong'));
  must(spRes && spRes.status() === 200 && h1 === 'Choose your password' && forEmail === USER_EMAIL,
    'the link opens "Choose your password" for the new user',
    `status ${spRes && spRes.status()}, h1 "${h1}", for "${forEmail}"`);
  ctx.step = 'screenshot of the set-password page';
  await sp.screenshot({ path: SHOT_SP, fullPage: true });
  ok(fs.statSync(SHOT_SP).size > 1000, `full-page screenshot of the set-password page written to ${SHOT_SP}`);
  ctx.step = 'set the password';
  await sp.locator('#password').fill(NEW_PASSWORD);
  await sp.locator('#confirm').fill(NEW_PASSWORD);
  await navigateBy(sp, () => sp.getByRole('button', { name: 'Set password' }).click());
  h1 = await text(sp.locator('h1'));
  must(h1 === 'Your password is set',
    'typing the new password twice and submitting shows "Your password is set"',
    `url ${sp.url()}, h1 "${h1}", errors "${await text(sp.locator('.notice-error, .field-error'))}"`);

  // 10. The link works once.
  ctx.step = 'open the used link again';
  expected.push([SET_PASSWORD_PATH, 410]);
  const againRes = await sp.goto(link1.url, { waitUntil: 'load' });
  h1 = await text(sp.locator('h1'));
  const offer = await sp.getByRole('button', { name: 'Send me a new link' }).count();
  ok(againRes && againRes.status() === 410 && h1 === 'This link has expired' && offer === 1,
    'the used link answers 410 "This link has expired" and offers "Send me a new link"',
    `status ${againRes && againRes.status()}, h1 "${h1}", buttons ${offer}`);
  await sp.close();

  // 11. Back in settings: the row is Active; resend.
  ctx.step = 'open the user from the list';
  await page.goto(`${BASE}${LIST_PATH}`, { waitUntil: 'load' });
  rows = await filterList(page, USER_EMAIL);
  const rowLink = rows.first().locator('td.cell-email a');
  must((await rowLink.count()) === 1, 'the filtered list still has the user');
  await navigateBy(page, () => rowLink.click());
  h1 = await text(page.locator('main h1'));
  const status = await text(page.locator('section.side-card .badge'));
  const shownEmail = await page.locator('#email').inputValue();
  must(new URL(page.url()).pathname === EDIT_PATH && h1 === 'Edit Portal User'
      && shownEmail === USER_EMAIL && status === 'Active',
    'clicking the row opens "Edit Portal User" with status "Active"',
    `url ${page.url()}, h1 "${h1}", email "${shownEmail}", status "${status}"`);
  const userId = new URL(page.url()).searchParams.get('id');

  ctx.step = 'resend the invitation';
  const seen = new Set(mailsTo(USER_EMAIL).map((m) => m.file));
  await navigateBy(page, () => page.getByRole('button', { name: 'Resend Invitation Email' }).click());
  notice = await text(page.locator('.notice-success'));
  ok(notice === 'A new invitation is on its way; earlier links no longer work.',
    '"Resend Invitation Email" confirms that a new invitation is on its way',
    `url ${page.url()}, notice "${notice}", errors "${await text(page.locator('.notice-error'))}"`);
  ctx.step = 'wait for the second mail';
  const second = await waitForMail(USER_EMAIL, seen);
  const link2 = second.length === 1 ? linkOf(second[0]) : null;
  ok(link2 !== null && link2.token !== link1.token,
    'a second invitation arrives with a different token',
    `${second.length} new message(s)${link2 ? `, token ${link2.token === link1.token ? 'the same' : 'differs'}` : ', no link found'}`);

  // 12. Delete with confirmation: tick the row, Actions > Delete.
  ctx.step = 'select the user for deletion';
  await page.goto(`${BASE}${LIST_PATH}`, { waitUntil: 'load' });
  rows = await filterList(page, USER_EMAIL);
  const box = rows.first().locator('input[type=checkbox][name=id]');
  must((await box.count()) === 1 && (await box.getAttribute('value')) === userId,
    'the filtered row has a checkbox for the user', `checkbox value ${await box.getAttribute('value').catch(() => null)}, user ${userId}`);
  await box.check();
  await page.locator('details.menu > summary', { hasText: 'Actions' }).click();
  const del = page.locator('details.menu').getByRole('button', { name: 'Delete selected' });
  must(await del.isEnabled(), 'with the row ticked, Actions > "Delete selected" is enabled');
  await navigateBy(page, () => del.click());
  h1 = await text(page.locator('main h1'));
  const listed = await page.locator('ul.delete-list li').count();
  const delEmail = await text(page.locator('ul.delete-list .delete-email'));
  const delCompany = await text(page.locator('ul.delete-list .delete-company'));
  must(new URL(page.url()).pathname === DELETE_PATH && h1 === 'Delete 1 portal user?'
      && listed === 1 && delEmail === USER_EMAIL && delCompany === COMPANY,
    'the confirmation page asks "Delete 1 portal user?" and names the address',
    `url ${page.url()}, h1 "${h1}", listed ${listed}, "${delCompany}" "${delEmail}"`);

  ctx.step = 'confirm the deletion';
  await navigateBy(page, () => page.locator('form.confirm-delete').getByRole('button', { name: 'Delete', exact: true }).click());
  notice = await text(page.locator('.notice-success'));
  ok(new URL(page.url()).pathname === LIST_PATH && /deleted/i.test(notice),
    'confirming lands on the list with the "deleted" notice',
    `url ${page.url()}, notice "${notice}"`);
  rows = await filterList(page, USER_EMAIL);
  const left = await page.locator('table.data-table tbody tr:not(.list-empty)').count();
  const empty = await text(page.locator('table.data-table tbody tr.list-empty'));
  ok(left === 0 && empty === 'No match for the filter.',
    'the filter for the address now shows no rows', `rows ${left}, empty row "${empty}"`);
}

await run(main, LIMIT_MS);
