/* A real InnoDB deadlock whose victim is a POST of a page with .txn (issue
 * 17: on Galera a certification failure is the same error, at a statement
 * or at COMMIT): the core rolls back and runs the handler again, and the
 * POST answers 303, its change saved once with one audit entry.
 *
 * How the deadlock is made: another session (MariaDB root, the mariadb
 * client) first writes thousands of rows, so that InnoDB picks the lighter
 * responder transaction as the victim, then locks the tenant's
 * portal_user_counts row.  The POST edits a portal user's email: its
 * UPDATE locks the user's row, and the trigger that bumps the list's
 * version (sql/014) then waits for the counts row.  Once it waits, the
 * other session asks for the user's row: a cycle, and the POST is the one
 * rolled back.  The responder's log must say it tried again, so this test
 * cannot pass without a real deadlock.  Then a page that runs its own
 * transaction (a contact made a portal user) is the victim the same way:
 * it is not run again, and answers 503 with Retry-After, never 500.  This
 * file makes its own tenants. */
#include "config.h"

#include "common.h"

/* The other session (MariaDB root, the mariadb client, in the background):
 * heavy writes (another tenant's vehicles), the tenant's counts row, a wait
 * until the POST is in the statement that needs it (the process list says
 * "Updating" or "Update" and the statement begins with waits_in), then
 * then (a locking read of the row the POST holds: its output names the row
 * when granted); rolled back.  A user-level lock tells the test when the
 * counts row is held. */
struct other {
	FILE *p;
	char tmp[32], tag[96];
};

static int other_start(struct other *o, const struct fx *f, const char *tenant, const char *filler,
		       const char *waits_in, const char *then)
{
	char cmd[2400], *q, *v;
	FILE *sf;
	int fd, ready = 0;

	memset(o, 0, sizeof *o);
	snprintf(o->tmp, sizeof o->tmp, "/tmp/gh-deadlock-XXXXXX");
	snprintf(o->tag, sizeof o->tag, "gh-deadlock-%s", f->slug);
	q = cat(strdup(""),
		"SET SESSION innodb_lock_wait_timeout = 20;\n"
		"START TRANSACTION;\n"
		"INSERT INTO vehicles (tenant_id, name) SELECT %s, CONCAT('filler-', seq) "
		"FROM seq_1_to_5000;\n"
		"SELECT CONCAT('counts ', n) FROM portal_user_counts WHERE tenant_id = %s "
		"FOR UPDATE;\n"
		"DO GET_LOCK('%s', 0);\n"
		"DELIMITER //\n"
		"BEGIN NOT ATOMIC\n"
		"  DECLARE i INT DEFAULT 0;\n"
		"  WHILE i < 750 AND NOT EXISTS (SELECT 1 FROM information_schema.processlist "
		"WHERE id <> CONNECTION_ID() AND state LIKE 'Updat%%' AND info LIKE '%s%%') DO\n"
		"    DO SLEEP(0.02);\n"
		"    SET i = i + 1;\n"
		"  END WHILE;\n"
		"END//\n"
		"DELIMITER ;\n"
		"%s;\n"
		"ROLLBACK;\n"
		"DO RELEASE_LOCK('%s');\n",
		filler, tenant, o->tag, waits_in, then, o->tag);
	if ((fd = mkstemp(o->tmp)) < 0 || q == NULL || (sf = fdopen(fd, "w")) == NULL) {
		free(q);
		return -1;
	}
	fputs(q, sf);
	fclose(sf);
	free(q);
	snprintf(cmd, sizeof cmd,
		 "GH_BUILDDIR='%s' '%s/scripts/gh-stack' sql --state '%s' -- -N < '%s' 2>&1",
		 env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."), state, o->tmp);
	if ((o->p = popen(cmd, "r")) == NULL)
		return -1;
	/* The counts row is held once the named lock is taken. */
	for (int i = 0; i < 150 && !ready; i++) {
		v = sql1("SELECT IS_USED_LOCK('%s') IS NOT NULL", o->tag);
		ready = v != NULL && strcmp(v, "1") == 0;
		free(v);
		if (!ready)
			usleep(100000);
	}
	return ready ? 0 : -1;
}

/* Waits for the other session to end; its output into out. */
static void other_end(struct other *o, char *out, size_t sz)
{
	char line[512];

	out[0] = '\0';
	while (o->p != NULL && fgets(line, sizeof line, o->p) != NULL)
		if (strlen(out) + strlen(line) < sz)
			strcat(out, line);
	if (o->p != NULL)
		pclose(o->p);
	o->p = NULL;
	unlink(o->tmp);
}

/* Whether the responder's log has line (a fixed string). */
static int logged(const char *name, const char *line)
{
	char path[1100];

	snprintf(path, sizeof path, "%s/log/%s.log", state, name);
	return file_has(path, line);
}

/* Whether InnoDB's latest detected deadlock had text (a fixed string) and
 * rolled back its second transaction (the one that waited last: the POST's,
 * as the other session asks for the POST's row only once the POST waits). */
static int last_deadlock_has(const char *text)
{
	return shell("GH_BUILDDIR='%s' '%s/scripts/gh-stack' sql --state '%s' -- -e "
		     "'SHOW ENGINE INNODB STATUS\\G' 2>/dev/null | sed -n '/LATEST DETECTED "
		     "DEADLOCK/,/^TRANSACTIONS/p' > '%s/deadlock.txt' && grep -qF \"%s\" "
		     "'%s/deadlock.txt' && grep -qF 'WE ROLL BACK TRANSACTION (2)' "
		     "'%s/deadlock.txt'",
		     env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."), state, state, text,
		     state, state) == 0;
}

/* POSTs body to path; the status, and the request id and Retry-After into
 * rid and retry. */
static long post_rid(struct hc *h, const char *path, const char *body, char rid[64], char retry[16])
{
	struct hc_resp r;
	long st = 0;

	rid[0] = retry[0] = '\0';
	if (hc_req(h, "POST", path, "application/x-www-form-urlencoded", body,
		   "Accept: application/xml", &r) == 0) {
		st = r.status;
		hc_header(&r, "X-Request-Id", rid, 64);
		hc_header(&r, "Retry-After", retry, 16);
		hc_resp_free(&r);
	}
	return st;
}

static struct fx f, g;
static char *tid, *gid;

/* A page with .txn (a portal user's edit): its UPDATE holds the user's row,
 * the trigger that bumps the list's version (sql/014) waits for the counts
 * row.  Run again, it answers 303. */
static void test_txn_victim(struct hc *h)
{
	char csrf[65], body[600], want[160], path[160], other[4096], rid[64], retry[16];
	char then[200], *uid, *cid;
	struct other o;
	long st;

	uid = sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = "
		   "'manager@theloop.example.com'",
		   f.tq);
	cid = fx_customer(&f, "The Loop");
	snprintf(path, sizeof path, "/settings/client/portal-access/edit?id=%s", uid ? uid : "0");
	if (!ok(uid && atoi(uid) > 0 && atoi(cid) > 0 && hc_csrf(h, path, csrf) == 0,
		"The Loop's portal user and the edit form's token"))
		goto out;
	snprintf(then, sizeof then,
		 "SELECT CONCAT('granted ', id) FROM portal_users WHERE id = %s FOR UPDATE", uid);
	if (!ok(other_start(&o, &f, tid, gid, "UPDATE portal_user_counts SET version", then) == 0,
		"the other session has written 5000 rows and holds the counts row")) {
		other_end(&o, other, sizeof other);
		goto out;
	}
	snprintf(body, sizeof body, "csrf=%s&id=%s&customer=%s&email=moved%%40theloop.example.com",
		 csrf, uid, cid);
	st = post_rid(h, "/settings/client/portal-access/edit", body, rid, retry);
	other_end(&o, other, sizeof other);

	is_int(st, 303, "the POST the deadlock chose as its victim answers 303, not 503");
	snprintf(want, sizeof want, "granted %s", uid);
	if (!ok(strstr(other, want) != NULL,
		"the other session was not the victim: it was granted the user's row"))
		diag("other session: %s", other);
	snprintf(want, sizeof want, "rid=%s deadlock: tried again (attempt 2)", rid);
	ok(rid[0] != '\0' && logged("settings", want),
	   "the responder's log says the POST was tried again after a deadlock (%s)", want);
	ok(count_is("moved@theloop.example.com", "SELECT email FROM portal_users WHERE id = %s",
		    uid),
	   "the change is saved");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		    "'portal_user.update'",
		    f.tq),
	   "with exactly one audit entry");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM portal_users WHERE email LIKE '%%@theloop.example.com' "
		    "AND tenant_id = %s",
		    f.tq),
	   "and once: the tenant still has one user of The Loop");
	ok(count_is("0", "SELECT COUNT(*) FROM vehicles WHERE tenant_id = %s", gid),
	   "the other session's writes were rolled back");
out:
	free(uid);
	free(cid);
}

/* A page that runs its own transaction (a contact made a portal user): it
 * locks the contact, then inserts the user, whose count trigger waits for
 * the counts row.  Not run again: 503 with Retry-After, never 500, and
 * nothing saved. */
static void test_own_txn_victim(struct hc *h)
{
	char csrf[65], body[600], want[160], other[4096], rid[64], retry[16], then[200];
	char *ct = NULL, *grp = NULL, *cid = fx_customer(&f, "Cool Air");
	struct other o;
	long st;

	free(sql1("INSERT INTO customer_contacts (tenant_id, customer_id, name, email) VALUES "
		  "(%s, %s, 'Dee Lock', 'dee.lock@coolair.example.com')",
		  tid, cid));
	ct = sql1("SELECT id FROM customer_contacts WHERE tenant_id = %s AND name = 'Dee Lock'",
		  tid);
	grp = sql1("SELECT MIN(id) FROM portal_groups WHERE tenant_id = %s AND is_system = 0", tid);
	if (!ok(ct && atoi(ct) > 0 && grp && atoi(grp) > 0 &&
			hc_csrf(h, "/settings/customers", csrf) == 0,
		"a contact of Cool Air, a permission group, a form token"))
		goto out;
	snprintf(then, sizeof then,
		 "SELECT CONCAT('granted ', id) FROM customer_contacts WHERE id = %s FOR UPDATE",
		 ct);
	if (!ok(other_start(&o, &f, tid, gid, "INSERT INTO portal_user_counts", then) == 0,
		"the other session holds the counts row again")) {
		other_end(&o, other, sizeof other);
		goto out;
	}
	snprintf(body, sizeof body, "csrf=%s&contact=%s&group=%s", csrf, ct, grp);
	st = post_rid(h, "/settings/customers/contacts/enable", body, rid, retry);
	other_end(&o, other, sizeof other);

	ok(st == 503 && atoi(retry) > 0,
	   "the deadlock's victim, a page with its own transaction, answers 503 with "
	   "Retry-After (%ld, '%s'), not 500",
	   st, retry);
	snprintf(want, sizeof want, "granted %s", ct);
	if (!ok(strstr(other, want) != NULL, "the other session was granted the contact's row"))
		diag("other session: %s", other);
	snprintf(want, sizeof want, "FROM customer_contacts WHERE id = %s FOR UPDATE", ct);
	ok(last_deadlock_has(want),
	   "InnoDB's latest deadlock was the other session's and the POST's, the POST rolled "
	   "back (SHOW ENGINE INNODB STATUS)");
	snprintf(want, sizeof want, "rid=%s deadlock: tried again", rid);
	ok(rid[0] != '\0' && !logged("settings", want), "such a page is not run again by the core");
	ok(count_is(
		   "0",
		   "SELECT COUNT(*) FROM portal_users WHERE email = 'dee.lock@coolair.example.com' "
		   "AND tenant_id = %s",
		   tid) &&
		   count_is("0",
			    "SELECT COUNT(*) FROM customer_contacts WHERE portal_user_id IS NOT "
			    "NULL "
			    "AND tenant_id = %s",
			    tid),
	   "and nothing of it was saved");
out:
	free(ct);
	free(grp);
	free(cid);
}

int main(void)
{
	struct hc *h;

	test_env();
	h = client();
	if (!ok(fx_make(&f, "dl", "Deadlock Services", FX_CUSTOMERS) == 0 &&
			fx_make(&g, "dlx", "Deadlock Filler", 0) == 0,
		"two tenants of this test's own (the POSTs', and one for the heavy writes)"))
		goto out;
	tid = sql1("SELECT id FROM tenants WHERE slug = '%s'", f.slug);
	gid = sql1("SELECT id FROM tenants WHERE slug = '%s'", g.slug);
	if (!ok(tid && gid && hc_login(h, f.admin, PW) == 303, "the Super Admin signs in"))
		goto out;
	test_txn_victim(h);
	test_own_txn_victim(h);
out:
	free(tid);
	free(gid);
	hc_free(h);
	return done_testing();
}
