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
 * cannot pass without a real deadlock.  This file makes its own tenants. */
#include "config.h"

#include "common.h"

/* The other session's script: heavy writes (another tenant's vehicles),
 * the counts row, a wait until the POST's trigger is updating it (so
 * waiting for it: the process list says so), then the portal user's row;
 * rolled back.  The user-level lock tells the test
 * when the counts row is held. */
static char *script(unsigned tenant, unsigned filler, unsigned user, const char *tag)
{
	return cat(strdup(""),
		   "SET SESSION innodb_lock_wait_timeout = 20;\n"
		   "START TRANSACTION;\n"
		   "INSERT INTO vehicles (tenant_id, name) SELECT %u, CONCAT('filler-', seq) "
		   "FROM seq_1_to_5000;\n"
		   "SELECT CONCAT('counts ', n) FROM portal_user_counts WHERE tenant_id = %u "
		   "FOR UPDATE;\n"
		   "DO GET_LOCK('%s', 0);\n"
		   "DELIMITER //\n"
		   "BEGIN NOT ATOMIC\n"
		   "  DECLARE i INT DEFAULT 0;\n"
		   "  WHILE i < 750 AND NOT EXISTS (SELECT 1 FROM information_schema.processlist "
		   "WHERE id <> CONNECTION_ID() AND state = 'Updating' AND info LIKE "
		   "'UPDATE portal_user_counts SET version%%') DO\n"
		   "    DO SLEEP(0.02);\n"
		   "    SET i = i + 1;\n"
		   "  END WHILE;\n"
		   "END//\n"
		   "DELIMITER ;\n"
		   "SELECT CONCAT('granted ', id) FROM portal_users WHERE id = %u FOR UPDATE;\n"
		   "ROLLBACK;\n"
		   "DO RELEASE_LOCK('%s');\n",
		   filler, tenant, tag, user, tag);
}

/* Whether the responder's log has line (a fixed string). */
static int logged(const char *name, const char *line)
{
	char path[1100], buf[4096];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof path, "%s/log/%s.log", state, name);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (!found && fgets(buf, sizeof buf, f) != NULL)
		found = strstr(buf, line) != NULL;
	fclose(f);
	return found;
}

static void test_post_victim(void)
{
	struct fx f, g;
	struct hc *h = client();
	struct hc_resp r;
	char tag[96], tmp[] = "/tmp/gh-deadlock-XXXXXX", cmd[2400], line[512], rid[64] = "";
	char csrf[65], body[600], want[160], path[160], other[4096] = "";
	char *uid = NULL, *cid = NULL, *tid = NULL, *gid = NULL, *v, *q = NULL;
	FILE *p = NULL, *sf;
	int fd, ready = 0;
	long st = 0;

	if (!ok(fx_make(&f, "dl", "Deadlock Services", FX_CUSTOMERS) == 0 &&
			fx_make(&g, "dlx", "Deadlock Filler", 0) == 0,
		"two tenants of this test's own (the POST's, and one for the heavy writes)"))
		goto out;
	uid = sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = "
		   "'manager@theloop.example.com'",
		   f.tq);
	cid = fx_customer(&f, "The Loop");
	tid = sql1("SELECT id FROM tenants WHERE slug = '%s'", f.slug);
	gid = sql1("SELECT id FROM tenants WHERE slug = '%s'", g.slug);
	if (!ok(uid && atoi(uid) > 0 && atoi(cid) > 0 && tid && gid &&
			hc_login(h, f.admin, PW) == 303,
		"the Super Admin signs in; The Loop's portal user is there"))
		goto out;
	snprintf(path, sizeof path, "/settings/client/portal-access/edit?id=%s", uid);
	if (!ok(hc_csrf(h, path, csrf) == 0, "the edit form's token"))
		goto out;

	snprintf(tag, sizeof tag, "gh-deadlock-%s", f.slug);
	q = script((unsigned)atoi(tid), (unsigned)atoi(gid), (unsigned)atoi(uid), tag);
	if ((fd = mkstemp(tmp)) < 0 || q == NULL || (sf = fdopen(fd, "w")) == NULL) {
		ok(0, "the other session's script is written");
		goto out;
	}
	fputs(q, sf);
	fclose(sf);
	snprintf(cmd, sizeof cmd,
		 "GH_BUILDDIR='%s' '%s/scripts/gh-stack' sql --state '%s' -- -N < '%s' 2>&1",
		 env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."), state, tmp);
	if ((p = popen(cmd, "r")) == NULL) {
		ok(0, "the other session starts");
		goto out;
	}
	/* The other session holds the counts row once its named lock is taken. */
	for (int i = 0; i < 150 && !ready; i++) {
		v = sql1("SELECT IS_USED_LOCK('%s') IS NOT NULL", tag);
		ready = v != NULL && strcmp(v, "1") == 0;
		free(v);
		if (!ready)
			usleep(100000);
	}
	if (!ok(ready, "the other session has written 5000 rows and holds the counts row"))
		goto out;

	snprintf(body, sizeof body, "csrf=%s&id=%s&customer=%s&email=moved%%40theloop.example.com",
		 csrf, uid, cid);
	if (hc_req(h, "POST", "/settings/client/portal-access/edit",
		   "application/x-www-form-urlencoded", body, "Accept: application/xml", &r) == 0) {
		st = r.status;
		hc_header(&r, "X-Request-Id", rid, sizeof rid);
		hc_resp_free(&r);
	}
	while (fgets(line, sizeof line, p) != NULL)
		if (strlen(other) + strlen(line) < sizeof other)
			strcat(other, line);
	pclose(p);
	p = NULL;

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
	snprintf(want, sizeof want, "%s", f.tq);
	ok(count_is("1",
		    "SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
		    "'portal_user.update'",
		    want),
	   "with exactly one audit entry");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM portal_users WHERE email LIKE '%%@theloop.example.com' "
		    "AND tenant_id = %s",
		    want),
	   "and once: the tenant still has one user of The Loop");
	ok(count_is("0", "SELECT COUNT(*) FROM vehicles WHERE tenant_id = %s", gid),
	   "the other session's writes were rolled back");
out:
	if (p != NULL)
		pclose(p);
	unlink(tmp);
	free(q);
	free(uid);
	free(cid);
	free(tid);
	free(gid);
	hc_free(h);
}

int main(void)
{
	test_env();
	test_post_victim();
	return done_testing();
}
