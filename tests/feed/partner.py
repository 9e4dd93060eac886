#!/usr/bin/python3
"""A partner client of the Gatehouse feed (gatehouse-feed, /feed/<slug>/...),
and, run as a script, a TAP test of it against a running stack.

The library half (imported by replica.py): the stack's settings from the
environment, SQL as the admin (one-shot and a persistent session), a fresh
tenant with a Super Admin and an API key, a feed client that retries 429 and
503 as Retry-After says, follows <next> and validates EVERY document it reads
against its XSD with xmllint, the canonical form of each resource (one tuple
per (resource, id)) from the feed's XML and, the same way, from SQL, and a
settings-pages client (sign-in, CSRF, forms).

The test half: its own tenant with data from SQL and from the real settings
forms, a snapshot of every document with limit=2 (paging), compared field by
field with the database; no password hash or MFA secret in any document; then
a few changes, replayed from the snapshot's changes-cursor, and compared again.

Environment: GH_TEST_PORT (18080), GH_TEST_STATE (tests/out/stack),
GH_BUILDDIR and GH_SRCDIR (the repository root)."""
import collections, configparser, http.client, os, random, re, subprocess, sys
import tempfile, threading, time, urllib.error, urllib.parse, urllib.request
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PORT = int(os.environ.get('GH_TEST_PORT', '18080'))
BASE = f'http://127.0.0.1:{PORT}'
SRCDIR = os.environ.get('GH_SRCDIR', ROOT)
BUILDDIR = os.environ.get('GH_BUILDDIR', ROOT)
STATE = os.environ.get('GH_TEST_STATE', 'tests/out/stack')
if not os.path.isabs(STATE):  # relative to the current directory if there, else the repo
    STATE = os.path.abspath(STATE) if os.path.isdir(STATE) else os.path.join(ROOT, STATE)
ADMIN_INI = os.path.join(STATE, 'gatehouse-admin.ini')
XSD_DIR = os.path.join(SRCDIR, 'xslt', 'feed', 'v1')
PASSWORD = 'correct-horse-battery-9'
SCOPES = 'portal_users,customers,sites,groups,office_users,records,changes'


class Tap:
    """TAP on stdout; thread-safe, the plan printed last."""
    def __init__(self):
        self.n, self.failed, self.lock = 0, 0, threading.Lock()

    def ok(self, cond, desc, *diag):
        with self.lock:
            self.n += 1
            self.failed += not cond
            print(f"{'ok' if cond else 'not ok'} {self.n} - {desc}", flush=True)
            for d in diag if not cond else ():
                self.diag(d)
        return cond

    def diag(self, msg):
        for line in str(msg).splitlines() or ['']:
            print(f'# {line}', flush=True)

    def done(self):
        print(f'1..{self.n}', flush=True)
        return 1 if self.failed or not self.n else 0


# ------------------------------------------------------------------ SQL
def mariadb_cmd():
    # As gh-stack's mariadb_client does: the unix socket, root; here read
    # from the admin config so a socket moved under /tmp is found too.
    c = configparser.ConfigParser(inline_comment_prefixes=(';',))
    c.read(ADMIN_INI)
    d = c['database']
    cmd = ['mariadb', '--no-defaults', '-S', d.get('socket'), '-u', d.get('user', 'root')]
    if d.get('password', '').strip():
        cmd.append('-p' + d.get('password').strip())
    return cmd + [d.get('name', 'gatehouse'), '-N', '-B']


def unesc(v):  # the batch mode's escapes (\t \n \\ \0) undone
    return re.sub(r'\\(.)', lambda m: {'t': '\t', 'n': '\n', '0': '\0'}.get(m[1], m[1]), v)


def qs(s):  # an SQL string literal
    return "'" + str(s).replace('\\', '\\\\').replace("'", "''") + "'"


class SqlError(Exception):
    pass


class Sql:
    """One persistent mariadb client: statements on its stdin, each followed
    by a marker SELECT so we know where its answer ends (and can hold a
    transaction open between calls).  --force: an error is reported, not
    fatal; stderr is merged so the error comes in order."""
    def __init__(self):
        self.p = subprocess.Popen(mariadb_cmd() + ['-n', '--force'], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  bufsize=1, errors='replace')
        self.n = 0

    def q(self, stmt):
        self.n += 1
        mark = f'@@done-{self.n}@@'
        self.p.stdin.write(stmt.strip().rstrip(';') + f";\nSELECT '{mark}';\n")
        self.p.stdin.flush()
        rows, err = [], None
        for line in self.p.stdout:
            line = line.rstrip('\n')
            if line == mark:
                break
            if line.startswith('ERROR ') and err is None:
                err = line
            rows.append([unesc(v) for v in line.split('\t')])
        else:
            raise SqlError('mariadb client ended')
        if err:
            raise SqlError(err)
        return rows

    def one(self, stmt):
        r = self.q(stmt)
        return r[0][0] if r else None

    def txn(self, stmts):
        """BEGIN, the statements, COMMIT; on any error ROLLBACK and re-raise
        (a deadlock already rolled back: the rest must not run autocommit)."""
        try:
            self.q('BEGIN')
            for s in stmts:
                self.q(s)
            self.q('COMMIT')
        except SqlError:
            self.q('ROLLBACK')
            raise

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def sql(stmt):
    """One-shot statements; the rows as lists of strings."""
    r = subprocess.run(mariadb_cmd(), input=stmt, capture_output=True, text=True)
    if r.returncode:
        raise SqlError(r.stderr.strip())
    return [[unesc(v) for v in line.split('\t')] for line in r.stdout.splitlines()]


# ------------------------------------------------------------ the tenant
def ctl(*args, stdin=None):
    r = subprocess.run([os.path.join(BUILDDIR, 'gatehouse-ctl'), '-c', ADMIN_INI, *args],
                       input=stdin, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f'gatehouse-ctl {" ".join(args)}: {r.stderr.strip()}')
    return r.stdout


def make_tenant(prefix):
    """A tenant of our own (unique slug), its Super Admin and a key with every
    scope, the key's rate limit raised so the test never waits on 429."""
    slug = f'{prefix}-{int(time.time())}-{os.getpid()}'
    ctl('tenant', 'create', slug, f'Feed Test {slug}')
    email = f'admin@{slug}.test'
    ctl('user', 'create', '--tenant', slug, '--email', email, '--super-admin',
        '--first', 'Ada', '--last', 'Admin', stdin=PASSWORD + '\n')
    out = ctl('key', 'create', '--tenant', slug, '--name', 'feed-test', '--scopes', SCOPES)
    key = re.search(r'^key:\s+(ghk_\S+)', out, re.M)[1]
    sql(f"UPDATE api_keys SET rate_per_s = 1000, burst = 1000, rate_tokens = 1000 "
        f"WHERE key_id = {qs(key[4:20])}")
    tid = int(sql(f'SELECT id FROM tenants WHERE slug = {qs(slug)}')[0][0])
    return {'slug': slug, 'tid': tid, 'key': key, 'email': email}


# --------------------------------------------------------- the feed client
def xsd_check(text, name):
    """xmllint --schema <name>.xsd on the document: None, or the complaint."""
    with tempfile.NamedTemporaryFile('w', suffix='.xml', encoding='utf-8') as f:
        f.write(text)
        f.flush()
        r = subprocess.run(['xmllint', '--noout', '--schema',
                            os.path.join(XSD_DIR, name + '.xsd'), f.name],
                           capture_output=True, text=True)
    return None if r.returncode == 0 else (r.stderr.strip() or 'xmllint failed')[:600]


class FeedError(Exception):
    def __init__(self, status, text):
        super().__init__(f'HTTP {status}: {text[:300]}')
        self.status, self.text = status, text


class Feed:
    """GETs with the key; 429/503 waited out as Retry-After says; every
    document, errors included, validated against its root's schema."""
    def __init__(self, slug, key):
        self.slug, self.key = slug, key
        self.status = collections.Counter()   # every HTTP status seen
        self.docs = self.valid = 0             # documents read, and valid ones
        self.problems = []                     # invalid or truncated documents
        self.watch = []                        # strings that must never appear
        self.leaks = []
        self.waited = 0.0                      # seconds spent on Retry-After

    def fetch(self, path, expect=200):
        url = BASE + (path if path.startswith('/') else f'/feed/{self.slug}/{path}')
        for _ in range(100):
            req = urllib.request.Request(url, headers={'Authorization': f'Bearer {self.key}'})
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    status, body, hdrs = r.status, r.read(), r.headers
            except urllib.error.HTTPError as e:
                status, body, hdrs = e.code, e.read(), e.headers
            self.status[status] += 1
            text = body.decode('utf-8', 'replace')
            root = self.check(text, url, status)
            if status in (429, 503) and expect not in (429, 503):
                wait = min(float(hdrs.get('Retry-After') or 1), 10)
                self.waited += wait
                time.sleep(wait)
                continue
            if root is None:  # not well-formed (an unfinished page): read it again
                time.sleep(0.2)
                continue
            if status != expect:
                raise FeedError(status, text)
            return root
        raise FeedError(status, 'gave up retrying ' + url)

    def check(self, text, url, status):
        self.docs += 1
        for w in self.watch:
            if w in text:
                self.leaks.append(f'{w!r} in {url}')
        try:
            root = ET.fromstring(text)
        except ET.ParseError as e:
            self.problems.append(f'{url} (HTTP {status}): not well-formed: {e}: ...{text[-200:]}')
            return None
        bad = xsd_check(text, root.tag)
        if bad:
            self.problems.append(f'{url} (HTTP {status}): {bad}')
        else:
            self.valid += 1
        return root

    def snapshot(self, doc, limit):
        """Every page of a snapshot: (elements, changes-cursor, pages, cursors
        that differed from page 1's)."""
        root = self.fetch(f'{doc}?limit={limit}')
        cursor, els, pages, odd = root.get('changes-cursor'), [], 0, []
        while True:
            pages += 1
            els += [e for e in root if e.tag != 'next']
            if root.get('changes-cursor') != cursor:
                odd.append(root.get('changes-cursor'))
            nxt = root.find('next')
            if nxt is None:
                return els, cursor, pages, odd
            root = self.fetch(nxt.get('href'))


# Each resource: its attributes, its child elements' texts, and its nested
# lists (tag: attributes, texts; '.' is the element's own text).  A missing
# attribute or element is '' (the feed leaves out empty optional ones).
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
PLURAL = {'portal-user': 'portal-users', 'customer': 'customers', 'group': 'groups',
          'office-user': 'office-users'}
KINDS = ['invoices', 'estimates', 'jobs', 'documents', 'equipment']


def _text(el, name):
    c = el if name == '.' else el.find(name)
    return '' if c is None or c.text is None else c.text


def canon(el):
    """A resource element as a tuple; nested lists sorted (order is not the
    contract)."""
    attrs, texts, nested = SPEC[el.tag]
    return (tuple(el.get(a, '') for a in attrs) + tuple(_text(el, t) for t in texts) +
            tuple(tuple(sorted(tuple(c.get(a, '') for a in na) + tuple(_text(c, t) for t in nt)
                               for c in el.findall(tag))) for tag, (na, nt) in nested.items()))


def apply_changes(replica, root, want, last_seq=0):
    """One page of /changes into the replica (upsert the state shown; delete
    on a delete or when no state is shown).  Returns (next after, more,
    changes applied, last seq, complaints about order or shape)."""
    applied, bad = 0, []
    for ch in root.findall('change'):
        seq, res, rid = int(ch.get('seq')), ch.get('resource'), int(ch.get('id'))
        if seq <= last_seq:
            bad.append(f'seq {seq} after {last_seq}')
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


# ------------------------------------------------- the same, from the database
T = "'%Y-%m-%dT%H:%i:%sZ'"


def _b(col):
    return f"IF({col}, 'true', 'false')"


def _f(col):
    return f"COALESCE(DATE_FORMAT({col}, {T}), '')"


# Per resource: the main query (id first, then SPEC's attributes and texts in
# order) and one query per nested list (owner id first).  Mapped from
# fcgi/core/db/stmt_feed.h and fcgi/feed/docs.c.
DBQ = {
    'portal-user': (f"SELECT id, customer_id, COALESCE(group_id, ''), status, invite_state, "
                    f"{_b('password_hash IS NOT NULL')}, {_b('mfa_required')}, "
                    f"{_b('mfa_secret IS NOT NULL')}, {_b('all_sites')}, {_b('email_reports')}, "
                    f"email, company_name, {_f('locked_until')}, COALESCE(time_zone, ''), "
                    f"{_f('created_at')} FROM portal_users WHERE tenant_id = {{t}}",
                    ["SELECT s.portal_user_id, s.site_id FROM portal_user_sites s JOIN portal_users"
                     " u ON u.id = s.portal_user_id WHERE u.tenant_id = {t}"]),
    'customer': (f"SELECT id, name, primary_email, phone, street, city, state, zip, "
                 f"{_f('created_at')} FROM customers WHERE tenant_id = {{t}}",
                 ["SELECT customer_id, id, COALESCE(portal_user_id, ''), name, email, phone "
                  "FROM customer_contacts WHERE tenant_id = {t}",
                  "SELECT customer_id, id, COALESCE(parent_id, ''), name, address FROM sites "
                  "WHERE tenant_id = {t}"]),
    'group': (f"SELECT id, {_b('is_system')}, {_b('is_default')}, {_b('require_mfa')}, name, "
              f"perms FROM portal_groups WHERE tenant_id = {{t}}", []),
    'office-user': (f"SELECT id, role, {_b('active')}, {_b('mfa_required')}, "
                    f"{_b('mfa_secret IS NOT NULL')}, email, first_name, last_name, phone, "
                    f"COALESCE(time_zone, ''), {_f('created_at')} FROM office_users "
                    f"WHERE tenant_id = {{t}}",
                    ["SELECT m.user_id, m.module, m.level FROM office_user_perms m JOIN "
                     "office_users u ON u.id = m.user_id WHERE u.tenant_id = {t}"]),
    'record': (f"SELECT id, kind, customer_id, COALESCE(site_id, ''), {_b('public')}, ref, "
               f"title, detail, DATE_FORMAT(rec_date, '%Y-%m-%d'), COALESCE(amount_cents, ''), "
               f"status, changed_by, {_f('changed_at')} FROM customer_records "
               f"WHERE tenant_id = {{t}}", []),
}


def db_state(tid, resources, run=sql):
    """{(resource, id): canonical tuple} as the database says now."""
    out = {}
    for res in resources:
        main, nested = DBQ[res]
        kids = [collections.defaultdict(list) for _ in nested]
        for k, q in zip(kids, nested):
            for row in run(q.format(t=tid)):
                k[int(row[0])].append(tuple(row[1:]))
        for row in run(main.format(t=tid)):
            rid, vals = int(row[0]), tuple(row[1:])
            if res == 'group':  # the SET column: one <permission> each
                vals = vals[:-1] + (tuple(sorted((p,) for p in vals[-1].split(',') if p)),)
            out[(res, rid)] = vals + tuple(tuple(sorted(k[rid])) for k in kids)
    return out


def diff(replica, db, res, limit=8):
    """The differences of one resource: [] when equal."""
    a = {k: v for k, v in replica.items() if k[0] == res}
    b = {k: v for k, v in db.items() if k[0] == res}
    out = [f'{k}: feed {a.get(k, "(absent)")} != db {b.get(k, "(absent)")}'
           for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    return out[:limit] + ([f'... {len(out) - limit} more'] if len(out) > limit else [])


# ------------------------------------------------------- the settings pages
class Office:
    """An office user's browser, minus the browser: cookies by hand (they are
    Secure, which http.cookiejar keeps from plain http), XML answers, 503
    retried after Retry-After."""
    def __init__(self):
        self.cookies, self.csrf, self.status = {}, None, collections.Counter()

    def req(self, method, path, fields=None):
        body = urllib.parse.urlencode(fields, doseq=True) if fields is not None else None
        for _ in range(30):
            hdrs = {'Accept': 'application/xml'}
            if self.cookies:
                hdrs['Cookie'] = '; '.join(f'{k}={v}' for k, v in self.cookies.items())
            if body is not None:
                hdrs['Content-Type'] = 'application/x-www-form-urlencoded'
            c = http.client.HTTPConnection('127.0.0.1', PORT, timeout=60)
            c.request(method, path, body=body, headers=hdrs)
            r = c.getresponse()
            data = r.read().decode('utf-8', 'replace')
            c.close()
            for sc in r.headers.get_all('Set-Cookie') or []:
                name, _, val = sc.split(';')[0].partition('=')
                self.cookies[name] = val
                if not val:
                    del self.cookies[name]
            self.status[r.status] += 1
            if r.status != 503:
                return r.status, r.getheader('Location') or '', data
            time.sleep(min(float(r.getheader('Retry-After') or 1), 10))
        return r.status, '', data

    def xml(self, path):
        st, _, data = self.req('GET', path)
        if st != 200:
            raise RuntimeError(f'GET {path}: {st}')
        return ET.fromstring(data)

    def login(self, email, password=PASSWORD):
        pre = self.xml('/settings/login').find('login').get('csrf')
        st, loc, _ = self.req('POST', '/settings/login',
                              {'csrf': pre, 'email': email, 'password': password})
        if st != 303:
            raise RuntimeError(f'sign-in as {email}: {st}')
        self.csrf = self.xml('/settings/').find('session').get('csrf')
        return loc

    def post(self, path, fields):
        """A form sent with the session's CSRF token: (status, Location)."""
        st, loc, _ = self.req('POST', path, dict(fields, csrf=self.csrf))
        return st, loc


# ------------------------------------------------------------ the test
def seed(s, tid, tag):
    """Customers with contacts, sites (one a sub-site), portal users (one
    with chosen sites, one with a marker password hash and MFA secret),
    a group and records of every kind.  Returns the markers."""
    pw_mark, mfa_mark = f'$argon2id$v=19$marker-{tag}', f'MFA-SECRET-marker-{tag}'
    names = ["O'Brien & Sons <HQ>", 'Zürich Heating AG', 'Cool Air', 'Acme "Quoted"', 'Plain']
    g = int(s.one(f"INSERT INTO portal_groups (tenant_id, name, perms, require_mfa) VALUES "
                  f"({tid}, 'Feed Group', 'invoices_view,sites_view', 1) RETURNING id"))
    for i, name in enumerate(names):
        c = int(s.one(f"INSERT INTO customers (tenant_id, name, primary_email, phone, street, city,"
                      f" state, zip) VALUES ({tid}, {qs(name)}, 'c{i}@example.com', '555-010{i}', "
                      f"'{i} Main St', 'Springfield', 'IL', '6270{i}') RETURNING id"))
        site = int(s.one(f"INSERT INTO sites (tenant_id, customer_id, name, address) VALUES "
                         f"({tid}, {c}, 'HQ {i}', '{i} Main St') RETURNING id"))
        s.q(f"INSERT INTO sites (tenant_id, customer_id, parent_id, name) VALUES "
            f"({tid}, {c}, {site}, 'Annex {i}')")
        u = int(s.one(f"INSERT INTO portal_users (tenant_id, customer_id, company_name, email, "
                      f"all_sites, group_id, time_zone) VALUES ({tid}, {c}, {qs(name)}, "
                      f"'pu{i}@example.com', {i % 2}, {g if i == 1 else 'NULL'}, "
                      f"{qs('Europe/Zurich') if i == 1 else 'NULL'}) RETURNING id"))
        if i % 2 == 0:
            s.q(f"INSERT INTO portal_user_sites (portal_user_id, site_id) VALUES ({u}, {site})")
        s.q(f"INSERT INTO customer_contacts (tenant_id, customer_id, name, email, phone, "
            f"portal_user_id) VALUES ({tid}, {c}, 'Pat {i}', 'pu{i}@example.com', '', {u}), "
            f"({tid}, {c}, 'Desk {i}', '', '555-0199', NULL)")
        if i == 2:
            s.q(f"UPDATE portal_users SET password_hash = {qs(pw_mark)}, mfa_secret = "
                f"{qs(mfa_mark)}, locked_until = NOW() + INTERVAL 1 HOUR WHERE id = {u}")
        for j, kind in enumerate(['invoice', 'estimate', 'job', 'document', 'equipment'][:i + 1]):
            s.q(f"INSERT INTO customer_records (tenant_id, customer_id, site_id, kind, ref, title, "
                f"detail, rec_date, amount_cents, status, changed_by, changed_at) VALUES ({tid}, "
                f"{c}, {site if j % 2 else 'NULL'}, '{kind}', 'R-{i}-{j}', 'Title <{j}>', "
                f"'Detail & more', '2026-0{j + 1}-1{i}', {1000 * j if j < 2 else 'NULL'}, "
                f"{qs('open' if kind == 'invoice' else '')}, '', NULL)")
    return [pw_mark, mfa_mark, '$argon2']


def snapshot_all(tap, feed, replica, limit):
    """Every document, all pages; returns the first snapshot's cursor."""
    first = None
    for doc in ['groups', 'customers', 'portal-users', 'office-users'] + \
               [f'records/{k}' for k in KINDS]:
        els, cursor, pages, odd = feed.snapshot(doc, limit)
        first = first or cursor
        tap.ok(not odd, f'{doc}: {len(els)} in {pages} page(s), every page with page 1\'s '
               f'changes-cursor', *odd)
        for e in els:
            replica[(e.tag, int(e.get('id')))] = canon(e)
    return first


def follow(feed, replica, after, want, limit=2):
    """/changes from after until more="false" with nothing new."""
    applied, last, bad = 0, 0, []
    while True:
        root = feed.fetch(f'changes?after={after}&limit={limit}')
        after, more, n, last, b = apply_changes(replica, root, want, last)
        applied, bad = applied + n, bad + b
        if not more and not root.findall('change'):
            return after, applied, bad


def compare(tap, replica, tid, resources, what):
    db = db_state(tid, resources)
    for res in resources:
        n = sum(1 for k in db if k[0] == res)
        tap.ok(not diff(replica, db, res), f'{what}: {res} equals the database ({n} rows)',
               *diff(replica, db, res))


def main():
    tap, t0 = Tap(), time.time()
    t = make_tenant('feedp')
    tid, tag = t['tid'], f'{os.getpid()}{random.randint(0, 9999)}'
    tap.diag(f'tenant {t["slug"]} (id {tid})')
    s = Sql()
    feed = Feed(t['slug'], t['key'])
    feed.watch = seed(s, tid, tag)

    # One customer, its contact and its site through the real forms.
    office = Office()
    office.login(t['email'])
    st, loc = office.post('/settings/customers/edit', {
        'name': 'Form & Co <Ltd>', 'email': 'form@example.com', 'phone': '555-0111',
        'street': '1 Form Way', 'city': 'Formtown', 'state': 'CA', 'zip': '90210'})
    tap.ok(st == 303, 'a customer added through the settings form', f'{st} {loc}')
    fc = s.one(f"SELECT id FROM customers WHERE tenant_id = {tid} AND name = 'Form & Co <Ltd>'")
    st2, _ = office.post('/settings/customers/contacts', {
        'customer': fc, 'name': 'Form Contact', 'email': 'fc@example.com', 'phone': '1'})
    st3, _ = office.post('/settings/customers/sites', {'customer': fc, 'name': 'Form Site'})
    tap.ok(st2 == 303 and st3 == 303, 'its contact and site through the forms', f'{st2} {st3}')

    replica = {}
    cursor = snapshot_all(tap, feed, replica, 2)
    every = list(SPEC)
    multi = sum(1 for k in replica if k[0] == 'customer') > 2
    tap.ok(multi, 'more customers than one page holds (paging exercised)')
    compare(tap, replica, tid, every, 'snapshot')

    # Changes after the snapshot: edits, a delete that unlinks a contact
    # (its customer changes), a site delete that takes a grant, a new group,
    # a record moved; replayed from the snapshot's cursor.
    u = s.one(f'SELECT MIN(id) FROM portal_users WHERE tenant_id = {tid}')
    site = s.one(f'SELECT MIN(site_id) FROM portal_user_sites s JOIN portal_users u '
                 f'ON u.id = s.portal_user_id WHERE u.tenant_id = {tid}')
    s.txn([f"UPDATE customers SET name = 'Renamed & Co' WHERE id = {fc}",
           f"DELETE FROM portal_users WHERE id = {u}",
           f"DELETE FROM sites WHERE id = {site}",
           f"INSERT INTO portal_groups (tenant_id, name) VALUES ({tid}, 'Later Group')",
           f"UPDATE customer_records SET title = 'Moved', site_id = NULL WHERE tenant_id = {tid}"
           f" ORDER BY id LIMIT 1",
           f"UPDATE office_users SET phone = '555-0999' WHERE tenant_id = {tid}"])
    s.q(f"BEGIN; UPDATE customers SET name = 'ROLLED-BACK-{tag}' WHERE id = {fc}; ROLLBACK")
    feed.watch.append(f'ROLLED-BACK-{tag}')
    _, applied, bad = follow(feed, replica, cursor, set(SPEC))
    tap.ok(not bad, f'changes in seq order, each holding its own resource ({applied} applied)',
           *bad[:8])
    compare(tap, replica, tid, every, 'snapshot + changes')

    # Errors are documents too (error.xsd), and refuse what they should.
    for path, want in [(f'changes?after=AAAA&limit=2', 400), ('changes?limit=5000', 400),
                       ('records/nothing', 400), ('nothing', 404)]:
        try:
            feed.fetch(path, expect=want)
            tap.ok(True, f'GET {path}: {want}')
        except FeedError as e:
            tap.ok(False, f'GET {path}: {want}', str(e))
    anon = Feed(t['slug'], 'ghk_not-a-key')
    try:
        anon.fetch('customers', expect=401)
        tap.ok(not anon.problems, 'a wrong key: 401, a valid error document', *anon.problems)
    except FeedError as e:
        tap.ok(False, 'a wrong key: 401', str(e))

    tap.ok(feed.docs > 0 and not feed.problems,
           f'every document valid against its schema ({feed.valid}/{feed.docs})',
           *feed.problems[:8])
    tap.ok(not feed.leaks, 'no password hash, MFA secret or rolled-back write in any document',
           *feed.leaks[:8])
    bad5 = {k: v for k, v in feed.status.items() if k >= 500 and k != 503}
    tap.ok(not bad5, 'no 5xx but 503 from the feed', str(bad5))
    tap.diag(f'feed statuses {dict(feed.status)}, waited {feed.waited:.1f}s on Retry-After; '
             f'settings statuses {dict(office.status)}; {time.time() - t0:.1f}s')
    s.close()
    return tap.done()


if __name__ == '__main__':
    sys.exit(main())
