// Shared by the browser tests: the stack's SMTP sink (a maildir, one message
// per file in $GH_TEST_STATE/mail/new) read and decoded.
import fs from 'node:fs';
import path from 'node:path';

const STATE = process.env.GH_TEST_STATE || '';
const MAILDIR = STATE ? path.join(STATE, 'mail', 'new') : '';
export const MAIL_WAIT_MS = 10000;
export { MAILDIR };

// The sink's messages: RFC 5322, CRLF, multipart/alternative with a
// quoted-printable (or base64) text and HTML part.

function qpDecode(s) {
  const soft = s.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(body, cte) {
  const enc = (cte || '').trim().toLowerCase();
  if (enc === 'quoted-printable') return qpDecode(body);
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

// RFC 2047 encoded words (a long or non-ASCII subject).
function decodeWords(v) {
  return v.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=(\s+(?==\?))?/g, (all, cs, enc, text) => {
    if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    return qpDecode(text.replace(/_/g, ' '));
  });
}

// Header block -> { name(lowercase): value } (first occurrence, unfolded).
function parseHeaders(block) {
  const out = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
    if (m && !(m[1].toLowerCase() in out)) out[m[1].toLowerCase()] = m[2].trim();
  }
  return out;
}

function splitMessage(raw) {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { headers: parseHeaders(raw), body: '' };
  return { headers: parseHeaders(raw.slice(0, m.index)), body: raw.slice(m.index + m[0].length) };
}

export function parseMail(file) {
  const raw = fs.readFileSync(file, 'latin1');
  const { headers, body } = splitMessage(raw);
  const mail = {
    file,
    to: headers.to || '',
    subject: decodeWords(headers.subject || ''),
    type: headers['content-type'] || '',
    parts: [],
  };
  const bm = /boundary="?([^";]+)"?/i.exec(mail.type);
  if (/^multipart\//i.test(mail.type) && bm) {
    const chunks = body.split(`--${bm[1]}`);
    for (const chunk of chunks.slice(1)) {
      if (chunk.startsWith('--')) break; // the closing delimiter
      const part = splitMessage(chunk.replace(/^\r?\n/, ''));
      const ptype = (part.headers['content-type'] || 'text/plain').split(';')[0].trim().toLowerCase();
      const raw8 = Buffer.from(part.body, 'latin1').toString('utf8');
      mail.parts.push({ type: ptype, text: decodeBody(raw8, part.headers['content-transfer-encoding']) });
    }
  } else {
    const raw8 = Buffer.from(body, 'latin1').toString('utf8');
    mail.parts.push({ type: mail.type.split(';')[0].trim().toLowerCase() || 'text/plain',
      text: decodeBody(raw8, headers['content-transfer-encoding']) });
  }
  return mail;
}

// Every message in the sink addressed to addr (whose file is not in skip).
export function mailsTo(addr, skip) {
  let names = [];
  try {
    names = fs.readdirSync(MAILDIR);
  } catch {
    return [];
  }
  const out = [];
  for (const name of names.sort()) {
    const file = path.join(MAILDIR, name);
    if (skip && skip.has(file)) continue;
    let m;
    try {
      m = parseMail(file);
    } catch {
      continue; // being written, or not a message
    }
    const to = m.to.toLowerCase();
    if (to === addr || to.includes(`<${addr}>`)) out.push(m);
  }
  return out;
}

export async function waitForMail(addr, skip) {
  const until = Date.now() + MAIL_WAIT_MS;
  for (;;) {
    const found = mailsTo(addr, skip);
    if (found.length > 0 || Date.now() > until) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}

