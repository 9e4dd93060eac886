#!/usr/bin/python3
"""A partner client of the Gatehouse feed (/feed/<slug>/...) and, run as a
script, a TAP test of it against the running stack.

The client (replica.py uses it too): GETs with the API key, 429/503 waited
out as Retry-After says, <next> pages followed, EVERY document validated
against its XSD with xmllint; each resource as one canonical tuple, from the
feed's XML (canon) and, the same way, from SQL (db_state); a replica dict
{(resource, id): tuple} fed by the change log (apply_changes).

The test: a tenant of its own with data from SQL and from the real settings
forms; a snapshot of every document with limit=2 (paging everywhere),
compared field by field with the database; no password hash or MFA secret in
any document; changes after the snapshot's changes-cursor replayed, compared
again; error answers valid too.  Environment: see stack.py."""
import collections, os, random, subprocess, sys, tempfile, time
import urllib.error, urllib.request
import xml.etree.ElementTree as ET

from stack import BASE, SRCDIR, Tap, Sql, make_tenant, Office, seed

XSD_DIR = os.path.join(SRCDIR, 'xslt', 'feed', 'v1')


# --------------------------------------------------------- the feed client
def xsd_check(text, name):
    """xmllint --schema <name>.xsd: None, or its complaint."""
    with tempfile.NamedTemporaryFile('w', suffix='.xml', encoding='utf-8') as f:
        f.write(text)
        f.flush()
        r = subprocess.run(['xmllint', '--noout', '--schema',
                            os.path.join(XSD_DIR, name + '.xsd'), f.name],
                           capture_output=True, text=True)
    return None if r.returncode == 0 else (r.stderr.strip() or 'xmllint failed')[:600]


class FeedError(Exception):
    pass


class Feed:
    """GETs with the key.  Every document, errors included, validated
    against its root's schema and searched for strings that must never
    appear (watch); 429/503 waited out as Retry-After says; a document cut
    short (not well-formed) noted and read again."""
    def __init__(self, slug, key):
        self.slug, self.key, self.status = slug, key, collections.Counter()
        self.docs = self.valid = 0
        self.problems, self.watch, self.leaks, self.slow = [], [], [], []
        self.waited = 0.0  # seconds slept on Retry-After

    def fetch(self, path, expect=200):
        url = BASE + (path if path.startswith('/') else f'/feed/{self.slug}/{path}')
        for _ in range(100):
            req = urllib.request.Request(url, headers={'Authorization': f'Bearer {self.key}'})
            t0 = time.time()
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    status, body, hdrs = r.status, r.read(), r.headers
            except urllib.error.HTTPError as e:
                status, body, hdrs = e.code, e.read(), e.headers
            self.status[status] += 1
            if time.time() - t0 > 1:
                self.slow.append((round(time.time() - t0, 2), url))
            text = body.decode('utf-8', 'replace')
            root = self.check(text, url, status)
            if status in (429, 503) and expect != status:
                wait = min(float(hdrs.get('Retry-After') or 1), 10)
                self.waited += wait
                time.sleep(wait)
            elif root is None:
                time.sleep(0.2)
            elif status != expect:
                raise FeedError(f'{url}: HTTP {status}: {text[:300]}')
            else:
                return root
        raise FeedError(f'{url}: gave up after 100 tries (last: HTTP {status})')

    def check(self, text, url, status):
        self.docs += 1
        self.leaks += [f'{w!r} in {url}' for w in self.watch if w in text]
        try:
            root = ET.fromstring(text)
        except ET.ParseError as e:
            self.problems.append(f'{url} (HTTP {status}): not well-formed: {e}: {text[-200:]}')
            return None
        bad = xsd_check(text, root.tag)
        self.valid += not bad
        self.problems += [f'{url} (HTTP {status}): {bad}'] if bad else []
        return root

    def snapshot(self, doc, limit):
        """All pages: (elements, changes-cursor, pages, the cursors of pages
        that did not keep page 1's)."""
        root = self.fetch(f'{doc}?limit={limit}')
        cursor, els, pages, odd = root.get('changes-cursor'), [], 0, []
        while True:
            pages += 1
            els += [e for e in root if e.tag != 'next']
            odd += [root.get('changes-cursor')] if root.get('changes-cursor') != cursor else []
            nxt = root.find('next')
            if nxt is None:
                return els, cursor, pages, odd
            root = self.fetch(nxt.get('href'))


# Each resource: its attributes, its child elements' texts, its nested lists
# (tag: attributes, texts; '.' the element's own text).  Missing is '' (the
# feed leaves empty optional ones out).  From fcgi/feed/docs.c.
SPEC = {
    'portal-user': (['customer-id', 'group-id', 'access', 'invitation', 'password-set',
                     'mfa-required', 'mfa-enrolled', 'all-sites', 'email-reports'],
                    ['email', 'company', 'locked-until', 'time-zone', 'created-at'],
                    {'site': (['id'], [])}),
    'customer': ([], ['name', 'email', 'phone', 'street', 'city', 'state', 'zip', 'created-at'],
                 {'contact': (['id', 'portal-user-id'], ['name', 'email', 'phone']),
                  'site': (['id', 'parent-id'], ['name', 'address'])}),
    'group': (['system', 'default', 'mfa-required'], ['name'], {'permission': ([], ['.'])}),
    'office-user': (['role', 'active', 'mfa-required', 'mfa-enrolled'],
                    ['email', 'first-name', 'last-name', 'phone', 'time-zone', 'created-at'],
                    {'permission': (['module', 'level'], [])}),
    'record': (['kind', 'customer-id', 'site-id', 'public'],
               ['ref', 'title', 'detail', 'date', 'amount-cents', 'status', 'changed-by',
                'changed-at'], {}),
}
DOCS = ['groups', 'customers', 'portal-users', 'office-users'] + \
    [f'records/{k}' for k in ['invoices', 'estimates', 'jobs', 'documents', 'equipment']]


def _text(el, name):
    c = el if name == '.' else el.find(name)
    return '' if c is None or c.text is None else c.text


def canon(el):
    """A resource element as a tuple, nested lists sorted (their order is not
    the contract)."""
    attrs, texts, nested = SPEC[el.tag]
    return (tuple(el.get(a, '') for a in attrs) + tuple(_text(el, t) for t in texts) +
            tuple(tuple(sorted(tuple(c.get(a, '') for a in na) + tuple(_text(c, t) for t in nt)
                               for c in el.findall(tag))) for tag, (na, nt) in nested.items()))


def apply_changes(replica, root, want, last_seq=0):
    """A /changes page into the replica: the state shown upserted; a delete,
    or a change without state (deleted since), deletes.  Returns (next
    after, more, applied, last seq, complaints about order or shape)."""
    applied, bad = 0, []
    for ch in root.findall('change'):
        seq, res, rid = int(ch.get('seq')), ch.get('resource'), int(ch.get('id'))
        bad += [f'seq {seq} after {last_seq}'] if seq <= last_seq else []
        last_seq = seq
        if res not in want:
            continue
        state = next(iter(ch), None)
        if state is not None and (state.tag != res or int(state.get('id')) != rid):
            bad.append(f'change {seq} ({res} {rid}) holds <{state.tag} id={state.get("id")}>')
        if ch.get('op') == 'delete' or state is None:
            replica.pop((res, rid), None)
        else:
            replica[(res, rid)] = canon(state)
        applied += 1
    nxt = root.find('next')
    return nxt.get('after'), nxt.get('more') == 'true', applied, last_seq, bad


# The same tuples from SQL: per resource, the main query (id, then SPEC's
# attributes and texts in order) and a query per nested list (owner first).
# Mapped from fcgi/core/db/stmt_feed.h and fcgi/feed/docs.c.
def _b(col):
    return f"IF({col}, 'true', 'false')"


def _t(col):
    return f"COALESCE(DATE_FORMAT({col}, '%Y-%m-%dT%H:%i:%sZ'), '')"


DBQ = {
    'portal-user': (f"SELECT id, customer_id, COALESCE(group_id, ''), status, invite_state, "
                    f"{_b('password_hash IS NOT NULL')}, {_b('mfa_required')}, "
                    f"{_b('mfa_secret IS NOT NULL')}, {_b('all_sites')}, {_b('email_reports')}, "
                    f"email, company_name, {_t('locked_until')}, COALESCE(time_zone, ''), "
                    f"{_t('created_at')} FROM portal_users WHERE tenant_id = {{t}}",
                    ["SELECT s.portal_user_id, s.site_id FROM portal_user_sites s JOIN portal_users"
                     " u ON u.id = s.portal_user_id WHERE u.tenant_id = {t}"]),
    'customer': (f"SELECT id, name, primary_email, phone, street, city, state, zip, "
                 f"{_t('created_at')} FROM customers WHERE tenant_id = {{t}}",
                 ["SELECT customer_id, id, COALESCE(portal_user_id, ''), name, email, phone "
                  "FROM customer_contacts WHERE tenant_id = {t}",
                  "SELECT customer_id, id, COALESCE(parent_id, ''), name, address FROM sites "
                  "WHERE tenant_id = {t}"]),
    'group': (f"SELECT id, {_b('is_system')}, {_b('is_default')}, {_b('require_mfa')}, name, "
              f"perms FROM portal_groups WHERE tenant_id = {{t}}", []),
    'office-user': (f"SELECT id, role, {_b('active')}, {_b('mfa_required')}, "
                    f"{_b('mfa_secret IS NOT NULL')}, email, first_name, last_name, phone, "
                    f"COALESCE(time_zone, ''), {_t('created_at')} FROM office_users "
                    f"WHERE tenant_id = {{t}}",
                    ["SELECT m.user_id, m.module, m.level FROM office_user_perms m JOIN "
                     "office_users u ON u.id = m.user_id WHERE u.tenant_id = {t}"]),
    'record': (f"SELECT id, kind, customer_id, COALESCE(site_id, ''), {_b('public')}, ref, "
               f"title, detail, DATE_FORMAT(rec_date, '%Y-%m-%d'), COALESCE(amount_cents, ''), "
               f"status, changed_by, {_t('changed_at')} FROM customer_records "
               f"WHERE tenant_id = {{t}}", []),
}


def db_state(run, tid, resources):
    """{(resource, id): canonical tuple}, as the database says now."""
    out = {}
    for res in resources:
        main, nested = DBQ[res]
        kids = [collections.defaultdict(list) for _ in nested]
        for k, q in zip(kids, nested):
            for row in run(q.format(t=tid)):
                k[int(row[0])].append(tuple(row[1:]))
        for row in run(main.format(t=tid)):
            rid, vals = int(row[0]), tuple(row[1:])
            if res == 'group':  # the SET column: a <permission> each
                vals = vals[:-1] + (tuple(sorted((p,) for p in vals[-1].split(',') if p)),)
            out[(res, rid)] = vals + tuple(tuple(sorted(k[rid])) for k in kids)
    return out


def diff(replica, db, res, limit=8):
    """One resource's differences, [] when equal."""
    keys = sorted({k for k in list(replica) + list(db) if k[0] == res})
    out = [f'{k}: feed {replica.get(k, "(absent)")} != db {db.get(k, "(absent)")}'
           for k in keys if replica.get(k) != db.get(k)]
    return out[:limit] + ([f'... {len(out) - limit} more'] if len(out) > limit else [])



# ------------------------------------------------------------ the test
def follow(feed, replica, after, want, limit=2):
    """/changes from after until more="false" with nothing new."""
    applied, last, bad = 0, 0, []
    while True:
        root = feed.fetch(f'changes?after={after}&limit={limit}')
        after, more, n, last, b = apply_changes(replica, root, want, last)
        applied, bad = applied + n, bad + b
        if not more and not root.findall('change'):
            return applied, bad


def compare(tap, s, replica, tid, what):
    db = db_state(s.q, tid, SPEC)
    for res in SPEC:
        n = sum(1 for k in db if k[0] == res)
        tap.ok(not diff(replica, db, res), f'{what}: {res} equals the database ({n} rows)',
               *diff(replica, db, res))


def main():
    tap, t0, s = Tap(), time.time(), Sql()
    t = make_tenant(s, 'feedp')
    tid, tag = t['tid'], f'{os.getpid()}{random.randint(0, 9999)}'
    tap.diag(f'tenant {t["slug"]} (id {tid})')
    feed, office = Feed(t['slug'], t['key']), Office()
    feed.watch = seed(s, tid, tag)

    # A customer, its contact and its site through the real forms.
    office.login(t['email'])
    st = [office.post('/settings/customers/edit', {
        'name': 'Form & Co <Ltd>', 'email': 'form@example.com', 'phone': '555-0111',
        'street': '1 Form Way', 'city': 'Formtown', 'state': 'CA', 'zip': '90210'})[0]]
    fc = s.one(f"SELECT id FROM customers WHERE tenant_id = {tid} AND name = 'Form & Co <Ltd>'")
    st.append(office.post('/settings/customers/contacts', {
        'customer': fc, 'name': 'Form Contact', 'email': 'fc@example.com', 'phone': '1'})[0])
    st.append(office.post('/settings/customers/sites', {'customer': fc, 'name': 'Form Site'})[0])
    tap.ok(st == [303] * 3, 'a customer, its contact and site added through the forms', st)

    # Every document, limit 2: paging everywhere.
    replica, cursor = {}, None
    for doc in DOCS:
        els, cur, pages, odd = feed.snapshot(doc, 2)
        cursor = cursor or cur
        tap.ok(not odd, f"{doc}: {len(els)} in {pages} page(s), each with page 1's "
               f"changes-cursor", *odd)
        replica.update({(e.tag, int(e.get('id'))): canon(e) for e in els})
    compare(tap, s, replica, tid, 'snapshot')

    # Changes after the snapshot: a portal user deleted (its contact's
    # customer changes), a site deleted (a grant and a record's site go), a
    # group added, a record and an office user edited; one rolled back.
    u = s.one(f'SELECT MIN(id) FROM portal_users WHERE tenant_id = {tid}')
    site = s.one(f'SELECT MIN(site_id) FROM portal_user_sites s JOIN portal_users u '
                 f'ON u.id = s.portal_user_id WHERE u.tenant_id = {tid}')
    s.txn([f"UPDATE customers SET name = 'Renamed & Co' WHERE id = {fc}",
           f"DELETE FROM portal_users WHERE id = {u}", f"DELETE FROM sites WHERE id = {site}",
           f"INSERT INTO portal_groups (tenant_id, name) VALUES ({tid}, 'Later Group')",
           f"UPDATE customer_records SET title = 'Moved', site_id = NULL WHERE tenant_id = "
           f"{tid} ORDER BY id LIMIT 1",
           f"UPDATE office_users SET phone = '555-0999' WHERE tenant_id = {tid}"])
    feed.watch.append(f'ROLLED-BACK-{tag}')
    s.q(f"BEGIN; UPDATE customers SET name = 'ROLLED-BACK-{tag}' WHERE id = {fc}; ROLLBACK")
    applied, bad = follow(feed, replica, cursor, set(SPEC))
    tap.ok(not bad, f'changes in seq order, each holding its own resource ({applied} applied)',
           *bad[:8])
    compare(tap, s, replica, tid, 'snapshot + changes')

    # Errors are documents too (error.xsd).
    for path, want, key in [('changes?after=AAAA', 400, None), ('changes?limit=5000', 400, None),
                            ('records/nothing', 400, None), ('nothing', 404, None),
                            ('customers', 401, 'ghk_not-a-key')]:
        f = Feed(t['slug'], key) if key else feed
        seen = len(f.problems)
        try:
            f.fetch(path, expect=want)
            tap.ok(len(f.problems) == seen, f'GET {path}{" with a wrong key" if key else ""}: '
                   f'{want}, a valid error document', *f.problems[seen:])
        except FeedError as e:
            tap.ok(False, f'GET {path}: {want}', e)

    tap.ok(feed.docs and not feed.problems, f'every document valid against its schema '
           f'({feed.valid}/{feed.docs})', *feed.problems[:8])
    tap.ok(not feed.leaks, 'no password hash, MFA secret or rolled-back write in any document',
           *feed.leaks[:8])
    bad5 = sorted(k for k in feed.status if k >= 500 and k != 503)
    tap.ok(not bad5, 'no 5xx but 503 from the feed', bad5)
    tap.diag(f'feed statuses {dict(feed.status)}, {feed.waited:.1f}s waited on Retry-After; '
             f'settings statuses {dict(office.status)}; {time.time() - t0:.1f}s')
    s.close()
    return tap.done()


if __name__ == '__main__':
    sys.exit(main())

