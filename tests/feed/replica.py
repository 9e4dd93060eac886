#!/usr/bin/python3
"""The feed's convergence proof (TAP): a partner's replica, built from a
snapshot and the change log while four writers change the tenant, ends equal
to the database, row for row.

The follower snapshots groups, customers and portal users (limit 3: many
pages, read while the writers write), then follows /changes from the first
snapshot's changes-cursor: the state a change shows is upserted; a delete, or
a change without state, deletes.  Meanwhile, for FEED_REPLICA_SECS (60) s:
  1. SQL, short transactions: customers (with a contact and a site) and
     portal users (with a granted site) inserted, updated, deleted;
  2. SQL, a transaction held open 1-3 s while the others commit (a group
     renamed, a customer's street, a new customer, a portal user's settings),
     then committed or, a third of the time, rolled back: a rolled-back write
     carries a marker no feed document may ever show;
  3. the settings forms as the Super Admin: customers added and edited,
     contacts and sites added;
  4. the settings forms: portal users added, edited (group, status, reports,
     sites), deleted; contacts enabled; groups added, edited, deleted.
Then the follower drains the log (more="false", nothing new) and its replica
must equal a fresh SQL read of the same fields (partner.DBQ): portal users
with their sites, customers with contacts and sites (the key has the sites
scope), groups.  Environment: see stack.py, and FEED_REPLICA_SECS."""
import os, random, re, sys, threading, time, traceback
from stack import STATE, Tap, Sql, SqlError, Office, make_tenant, seed
from partner import Feed, canon, apply_changes, db_state, diff

SECS = float(os.environ.get('FEED_REPLICA_SECS', '60'))
WANT = ('portal-user', 'customer', 'group')
PERMS = ['invoices_view', 'invoices_pay', 'estimates_view', 'estimates_approve', 'jobs_view',
         'jobs_request', 'documents_view', 'equipment_view', 'sites_view', 'reports_email',
         'manage_colleagues']
ZONES = ['Europe/Paris', 'America/Chicago', 'Asia/Tokyo', 'UTC']
# What a busy database may answer: a duplicate, a deadlock, a lock wait, a
# foreign key refusing a delete or naming a row just deleted.
EXPECTED_SQL = ('ERROR 1062', 'ERROR 1213', 'ERROR 1205', 'ERROR 1451', 'ERROR 1452')
# Once a bug, now a check: the change log's triggers held feed_changes'
# table-level AUTO-INC lock (INSERT ... SELECT, innodb_autoinc_lock_mode 1)
# while waiting for a row lock; an insert behind them failed with 1467 (a
# 500 from the settings pages).  sql/022 now inserts row by row.
AUTOINC = 'ERROR 1467'
# The writers share the tenant, not what they delete: the SQL writer deletes
# only its own customers ('W1 ...', and their sites) and portal users
# ('w1u-...'); the forms work on the others (a form writing under a customer
# deleted meanwhile answers 500: a settings-page race, not the feed's).
NOT_W1 = "AND name NOT LIKE 'W1 %'"
W1S = "AND customer_id IN (SELECT id FROM customers WHERE name LIKE 'W1 %')"
MINE = ("AND email NOT LIKE 'w1u-%' AND customer_id IN (SELECT id FROM customers WHERE name "
        "NOT LIKE 'W1 %')")


class Writer(threading.Thread):
    """Runs step() until the deadline, counting what the steps did."""
    def __init__(self, name, tid, tag, deadline):
        super().__init__(name=name, daemon=True)
        self.tid, self.tag, self.deadline = tid, tag, deadline
        self.done = self.refused = self.rolled_back = self.autoinc = self.n = self.e5xx = 0
        self.errors = []

    def pick(self, table, where=''):
        """A random row id of ours ('0' if none): looked up with SQL, the
        write then goes the writer's own way."""
        return self.s.one(f'SELECT id FROM {table} WHERE tenant_id = {self.tid} {where} '
                          f'ORDER BY RAND() LIMIT 1') or '0'

    def run(self):
        self.s = Sql()
        try:
            while time.time() < self.deadline:
                self.n += 1
                try:
                    self.step()
                except SqlError as e:
                    if str(e).startswith(EXPECTED_SQL):
                        self.refused += 1
                    elif str(e).startswith(AUTOINC):
                        self.autoinc += 1
                    else:
                        self.errors.append(str(e))
        except Exception:
            self.errors.append(traceback.format_exc())
        finally:
            self.s.close()


class SqlWriter(Writer):
    """1: short transactions, as a DBA's script or another system would."""
    def step(self):
        t, n, tag = self.tid, self.n, self.tag
        a = random.choice(['cust', 'cust', 'edit_cust', 'user', 'user', 'edit_user', 'edit_user',
                           'del_user', 'del_cust', 'link', 'site', 'del_site'])
        c, u = self.pick('customers'), self.pick('portal_users')
        if a == 'cust' or c == '0':
            st = [f"INSERT INTO customers (tenant_id, name, primary_email, city) VALUES ({t}, "
                  f"'W1 {n} & <{tag}>', 'w1-{n}@example.com', 'Köln')", "SET @c = LAST_INSERT_ID()",
                  f"INSERT INTO customer_contacts (tenant_id, customer_id, name, email) VALUES "
                  f"({t}, @c, 'W1 contact {n}', 'w1c-{n}@example.com')",
                  f"INSERT INTO sites (tenant_id, customer_id, name) VALUES ({t}, @c, 'Yard {n}')"]
        elif a == 'edit_cust':
            st = [f"UPDATE customers SET phone = '555-{n:04d}', zip = '{n:05d}' WHERE id = {c}"]
        elif a == 'user' or u == '0':
            all_sites = random.randint(0, 1)
            st = [f"INSERT INTO portal_users (tenant_id, customer_id, company_name, email, "
                  f"all_sites) SELECT {t}, id, name, 'w1u-{n}-{tag}@example.com', {all_sites} "
                  f"FROM customers WHERE id = {c}", "SET @u = LAST_INSERT_ID()",
                  f"INSERT INTO portal_user_sites (portal_user_id, site_id) SELECT @u, id "
                  f"FROM sites WHERE customer_id = {c} AND {1 - all_sites} LIMIT 1"]
        elif a == 'edit_user':
            sets = random.sample([
                "status = IF(status = 'active', 'revoked', 'active')",
                "email_reports = 1 - email_reports", "mfa_required = 1 - mfa_required",
                "all_sites = 1 - all_sites", f"time_zone = '{random.choice(ZONES)}'",
                "password_hash = IF(password_hash IS NULL, '$argon2id$v=19$w1marker', NULL)",
                "locked_until = IF(locked_until IS NULL, NOW() + INTERVAL 1 DAY, NULL)",
                f"group_id = (SELECT id FROM portal_groups WHERE tenant_id = {t} AND "
                f"is_system = 0 ORDER BY RAND() LIMIT 1)"], 2)
            st = [f"UPDATE portal_users SET {', '.join(sets)} WHERE id = {u}"]
        elif a == 'del_user':
            u = self.pick('portal_users', "AND email LIKE 'w1u-%'")
            st = [f"DELETE FROM portal_users WHERE id = {u}"]
        elif a == 'del_cust':
            c = self.pick('customers', "AND name LIKE 'W1 %' AND id NOT IN (SELECT customer_id "
                          "FROM portal_users)")
            st = [f"DELETE FROM customers WHERE id = {c}"]
        elif a == 'link':  # a contact becomes (or stops being) a portal user's
            st = [f"UPDATE customer_contacts SET portal_user_id = IF(portal_user_id IS NULL, "
                  f"{u}, NULL) WHERE tenant_id = {t} AND customer_id = (SELECT customer_id FROM "
                  f"portal_users WHERE id = {u}) ORDER BY RAND() LIMIT 1"]
        elif a == 'site':
            st = [f"INSERT INTO sites (tenant_id, customer_id, parent_id, name, address) SELECT "
                  f"{t}, customer_id, id, 'Sub {n}', '{n} Side St' FROM sites WHERE tenant_id = "
                  f"{t} AND parent_id IS NULL ORDER BY RAND() LIMIT 1"]
        else:  # a site's delete takes its sub-sites, grants and records' site
            st = [f"DELETE FROM sites WHERE id = {self.pick('sites', W1S)}"]
        self.s.txn(st)
        self.done += 1


class HeldWriter(Writer):
    """2: a transaction held open while the others commit; a third rolled
    back, their marker watched for before the write."""
    def __init__(self, *a, feed):
        super().__init__(*a)
        self.feed, self.markers = feed, []

    def step(self):
        back = random.random() < 0.35
        mark = f'{"RB" if back else "HELD"}-{self.n}-{self.tag}'
        if back:
            self.markers.append(mark)
            self.feed.watch.append(mark)
        g, c, u = (self.pick('portal_groups', 'AND is_system = 0'), self.pick('customers'),
                   self.pick('portal_users'))
        st = random.choice([
            [f"UPDATE portal_groups SET name = '{mark}', perms = '{random.choice(PERMS)}' "
             f"WHERE id = {g}"],
            [f"UPDATE customers SET street = '{mark}' WHERE id = {c}"],
            [f"INSERT INTO customers (tenant_id, name) VALUES ({self.tid}, '{mark}')"],
            [f"UPDATE portal_users SET email_reports = 1 - email_reports, time_zone = "
             f"'{random.choice(ZONES)}' WHERE id = {u}",
             f"UPDATE customer_contacts SET phone = '{mark[:40]}' WHERE customer_id = {c}"]])
        try:
            for q in ['BEGIN'] + st:
                self.s.q(q)
            time.sleep(random.uniform(1, 3))
        except SqlError:
            self.s.q('ROLLBACK')
            raise
        self.s.q('ROLLBACK' if back else 'COMMIT')
        self.done += not back
        self.rolled_back += back
        time.sleep(random.uniform(0.1, 0.4))


class FormWriter(Writer):
    """3 and 4: the settings forms, as an office user fills them in."""
    def __init__(self, *a, office, forms):
        super().__init__(*a)
        self.office, self.forms = office, forms

    def step(self):
        getattr(self, random.choice(self.forms))()

    def post(self, path, fields):
        st, loc = self.office.post(path, fields)
        if st in (200, 303):
            self.done += 1
        elif 400 <= st < 500:
            self.refused += 1  # a name taken, a group with members: the form says no
        elif st >= 500:
            self.e5xx += 1  # checked in main, with its cause from the log
        else:
            self.errors.append(f'POST {path} {fields}: {st} {loc}')

    def customer_add(self):
        self.post('/settings/customers/edit', {'name': f'F3 {self.n} "{self.tag}"',
                  'email': f'f3-{self.n}@example.com', 'phone': '555-3333', 'city': 'Montréal'})

    def customer_edit(self):
        c = self.pick('customers', NOT_W1)
        for name, email, street in self.s.q(f'SELECT name, primary_email, street FROM customers '
                                            f'WHERE id = {c}'):
            self.post('/settings/customers/edit', {
                'id': c, 'name': name, 'email': email, 'street': street, 'city': 'Edited',
                'phone': f'555-{self.n:04d}', 'state': 'NY', 'zip': f'{self.n:05d}'})

    def contact_add(self):
        self.post('/settings/customers/contacts', {'customer': self.pick('customers', NOT_W1),
                  'name': f'F3 contact {self.n} & co', 'email': f'f3c-{self.n}@example.com'})

    def site_add(self):
        c = self.pick('customers', NOT_W1)
        parent = self.s.one(f'SELECT MIN(id) FROM sites WHERE customer_id = {c}')
        f = {'customer': c, 'name': f'F3 site {self.n}', 'address': f'{self.n} Form Rd'}
        self.post('/settings/customers/sites',
                  dict(f, parent=parent) if parent != 'NULL' and self.n % 2 else f)

    def group(self):
        return self.pick('portal_groups', 'AND is_system = 0')

    def user_add(self):
        self.post('/settings/client/portal-access/edit', {
            'customer': self.pick('customers', NOT_W1), 'group': self.group(), 'sites': 'all',
            'email': f'f4-{self.n}-{self.tag}@example.com', 'email_reports': '1'})

    def user_edit(self):
        u = self.pick('portal_users', MINE)
        for cust, email in self.s.q(f'SELECT customer_id, email FROM portal_users WHERE id = {u}'):
            sites = [r[0] for r in self.s.q(f'SELECT id FROM sites WHERE customer_id = {cust}')]
            chosen = sites and random.random() < 0.5
            f = {'id': u, 'customer': cust, 'email': email, 'group': self.group(),
                 'status': random.choice(['active', 'revoked']),
                 'sites': 'chosen' if chosen else 'all',
                 'site': random.sample(sites, random.randint(1, len(sites))) if chosen else []}
            self.post('/settings/client/portal-access/edit',
                      dict(f, email_reports='1') if random.random() < 0.5 else f)

    def user_delete(self):
        if int(self.s.one(f'SELECT COUNT(*) FROM portal_users WHERE tenant_id = {self.tid}')) > 5:
            self.post('/settings/client/portal-access/delete',
                      {'id': self.pick('portal_users', MINE)})

    def contact_enable(self):
        ct = self.pick('customer_contacts', "AND portal_user_id IS NULL AND email <> '' AND "
                       f"customer_id IN (SELECT id FROM customers WHERE 1 {NOT_W1})")
        if ct != '0':
            self.post('/settings/customers/contacts/enable', {'contact': ct, 'group': self.group()})

    def group_form(self, gid=None, delete=False):
        f = {'name': f'F4 group {self.n}', **({'require_mfa': '1'} if self.n % 3 else {}),
             **{f'perm_{p}': '1' for p in random.sample(PERMS, random.randint(0, 5))}}
        self.post('/settings/client/portal-groups/edit',
                  dict(f, **({'id': gid} if gid else {}), **({'delete': '1'} if delete else {})))

    def group_add(self):
        self.group_form()

    def group_edit(self):
        self.group_form(self.pick('portal_groups', 'AND is_system = 0 AND is_default = 0'))

    def group_delete(self):
        g = self.pick('portal_groups', 'AND is_system = 0 AND is_default = 0 AND id NOT IN '
                      '(SELECT group_id FROM portal_users WHERE group_id IS NOT NULL)')
        if g != '0':
            self.group_form(g, delete=True)


class Follower(threading.Thread):
    """The partner: the snapshots, then the change log, into self.replica."""
    def __init__(self, feed, writers_done):
        super().__init__(name='follower', daemon=True)
        self.feed, self.writers_done = feed, writers_done
        self.replica, self.bad, self.odd, self.error = {}, [], [], None
        self.after, self.last, self.pages, self.applied, self.snap_rows = None, 0, 0, 0, 0

    def run(self):
        try:
            for doc in ['groups', 'customers', 'portal-users']:
                els, cursor, pages, odd = self.feed.snapshot(doc, 3)
                # The first snapshot's cursor is the oldest: replaying from
                # it repeats states the later snapshots show, which is safe.
                self.after, self.odd = self.after or cursor, self.odd + odd
                self.snap_rows += len(els)
                self.replica.update({(e.tag, int(e.get('id'))): canon(e) for e in els})
            self.drain(until_quiet=False)
        except Exception:
            self.error = traceback.format_exc()

    def drain(self, until_quiet=True):
        """Polls /changes until a page says more="false" and holds nothing,
        read after the writers ended (at once with until_quiet)."""
        while True:
            # Looked at before the fetch: a quiet page read before the
            # writers ended proves nothing about their last commits.
            ended = until_quiet or self.writers_done.is_set()
            root = self.feed.fetch(f'changes?after={self.after}&limit=50')
            self.after, more, n, self.last, b = apply_changes(self.replica, root, WANT,
                                                              self.last)
            self.pages, self.applied, self.bad = self.pages + 1, self.applied + n, self.bad + b
            if not more and not root.findall('change'):
                if ended:
                    return
                time.sleep(0.2)


def log_causes(rids, log='settings.log'):
    """Each failed request's cause, from the responder's log: the last error
    line that names the request (every line a request's thread logs says
    rid=...)."""
    try:
        with open(os.path.join(STATE, 'log', log), encoding='utf-8', errors='replace') as f:
            lines = f.readlines()[-200000:]
    except OSError:
        return {r: '(no log)' for r in rids}
    out, seen = {}, set()
    for line in lines:
        m = re.search(r'\brid=(\w+)', line)
        if m and m[1] in rids:
            seen.add(m[1])
            if ' error ' in line:
                out[m[1]] = line.strip()[25:]
    return {r: out.get(r, '(no error logged)' if r in seen else '(not in the log)')
            for r in rids}


def main():
    tap, t0, s = Tap(), time.time(), Sql()
    t = make_tenant(s, 'feedr')
    tid, tag = t['tid'], f'{os.getpid()}x{random.randint(0, 9999)}'
    tap.diag(f'tenant {t["slug"]} (id {tid}), writers for {SECS:g}s')
    feed, offices = Feed(t['slug'], t['key']), [Office(), Office()]
    feed.watch = seed(s, tid, tag)
    s.q(f"INSERT INTO portal_groups (tenant_id, name, perms) VALUES ({tid}, 'Spare A', ''), "
        f"({tid}, 'Spare B', 'jobs_view')")
    for o in offices:
        o.login(t['email'])

    args, done = (tid, tag, time.time() + SECS), threading.Event()
    writers = [SqlWriter('sql-short', *args), HeldWriter('sql-held', *args, feed=feed),
               FormWriter('forms-customers', *args, office=offices[0],
                          forms=['customer_add', 'customer_edit', 'contact_add', 'site_add']),
               FormWriter('forms-portal', *args, office=offices[1],
                          forms=['user_add', 'user_add', 'user_edit', 'user_edit', 'user_delete',
                                 'contact_enable', 'group_add', 'group_edit', 'group_delete'])]
    for w in writers:
        w.start()
    time.sleep(min(1, SECS / 4))  # the snapshots are read while they write
    follower = Follower(feed, done)
    follower.start()
    for w in writers:
        w.join()
    done.set()
    follower.join(timeout=300)
    tap.ok(not follower.is_alive() and follower.error is None, 'the follower ran to the end',
           follower.error or 'still running after 300 s')

    causes = log_causes([r for o in offices for r in o.failed])
    known = {r: c for r, c in causes.items() if ': 1467 ' in c}
    for w in writers:
        tap.diag(f'{w.name}: {w.done} writes, {w.refused} refused, {w.rolled_back} rolled back,'
                 f' {w.autoinc} failed with 1467, {w.e5xx} answered 5xx, {len(w.errors)} '
                 f'other errors')
        tap.ok(w.done > 0 and not w.errors, f'writer {w.name} did work, with no unexpected '
               f'error', *w.errors[:5])
    held = writers[1]
    tap.ok(held.done > 0 and held.rolled_back > 0, 'held transactions committed and rolled back')

    # The replica against the database, read now that nothing writes.
    db = db_state(s.q, tid, WANT)
    for res in WANT:
        tap.ok(not diff(follower.replica, db, res), f'replica equals the database: {res} '
               f'({sum(1 for k in db if k[0] == res)} rows compared)',
               *diff(follower.replica, db, res))
    if any(diff(follower.replica, db, r) for r in WANT):  # diagnosis: late, or never?
        time.sleep(2)
        follower.drain()
        db = db_state(s.q, tid, WANT)
        tap.diag(f'after one more drain 2 s later, equal: '
                 f'{[r for r in WANT if not diff(follower.replica, db, r)] or "none"}')

    tap.ok(not follower.odd, "every snapshot page kept page 1's changes-cursor", *follower.odd)
    tap.ok(not follower.bad, 'changes in strictly rising seq, each holding its own resource',
           *follower.bad[:8])
    tap.ok(feed.docs and not feed.problems, f'every feed document valid against its schema '
           f'({feed.valid}/{feed.docs}; {follower.pages} changes pages)', *feed.problems[:5])
    leaked = [m for m in held.markers if any(m in str(v) for v in follower.replica.values())]
    in_db = s.one(f"SELECT (SELECT COUNT(*) FROM customers WHERE tenant_id = {tid} AND (name "
                  f"LIKE 'RB-%' OR street LIKE 'RB-%')) + (SELECT COUNT(*) FROM portal_groups "
                  f"WHERE tenant_id = {tid} AND name LIKE 'RB-%')")
    tap.ok(not feed.leaks and not leaked and in_db == '0', f'no rolled-back write '
           f'({len(held.markers)}) nor secret in any document', *(feed.leaks[:5] + leaked[:5]))
    # An open transaction must not hold the feed up (numbering the log once
    # waited on writers' uncommitted rows: 503 after lock_wait_secs).
    tap.ok(not feed.slow, 'no feed answer held up by an open transaction (none over 1 s)',
           *feed.slow[:5])
    bad5 = sorted(k for k in feed.status if k >= 500 and k != 503)
    tap.ok(not bad5, 'no 5xx but 503 (retried) from the feed', bad5)
    other = [f'rid {r}: {c}' for r, c in causes.items() if r not in known]
    tap.ok(not other, 'no 5xx but 503 (retried) from the settings pages, but the known one',
           *other[:8])
    n1467 = sum(w.autoinc for w in writers) + len(known)
    tap.ok(not n1467, f'no write failed on the change log\'s AUTO-INC lock ({n1467}: '
           f'{n1467 - len(known)} SQL, {len(known)} settings 500s)',
           *[f'rid {r}: {c}' for r, c in known.items()][:4])
    tap.diag(f'follower: {follower.snap_rows} snapshot rows, {follower.applied} changes applied '
             f'(last seq {follower.last}) in {follower.pages} pages')
    tap.diag(f'feed statuses {dict(feed.status)}, {feed.waited:.1f}s waited on Retry-After; '
             f'settings statuses {dict(offices[0].status + offices[1].status)}; '
             f'run time {time.time() - t0:.1f}s')
    s.close()
    return tap.done()


if __name__ == '__main__':
    sys.exit(main())
