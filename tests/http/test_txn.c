/* The request core owns transactions (issue 13): a handler that begins a
 * transaction and forgets it cannot hand it to the thread's next request,
 * whose commit would otherwise commit the forgotten writes too.
 *
 * This program is both sides.  Run with "-c CONFIG" it is a responder made
 * of the core and two test pages (never part of the product):
 *   GET /settings/test/<slug>/forget?tag=T  begins, writes an audit row
 *                                           "test.forgotten" T, and returns
 *                                           without commit or rollback;
 *   GET /settings/test/<slug>/commit?tag=T  begins, writes "test.committed"
 *                                           T, commits.
 * Run without arguments it is the test: it stops the stack's settings
 * responder, runs itself as the responder on its socket (two threads, so
 * the forgetful and the committing requests share threads), sends ten of
 * each alternately through nginx, and checks that no forgotten row was
 * committed, every committed one was, and the responder says it rolled the
 * forgotten ones back.  Then the stack is brought back. */
#include "config.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common.h"
#include "http.h"
#include "server.h"

enum { Q_TAG };
static const struct val_field query[] = {
	[Q_TAG] = {"tag", val_line, 40, VAL_REQUIRED, "Tag"},
};

static enum page_result write_row(struct http *h, const char *action, int commit)
{
	struct db_tenant t;
	struct db_audit a;
	enum db_result rc;

	if ((rc = db_tenant_by_slug(h->db, h->slug, &t)) != DB_OK)
		return http_db_fail(rc);
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	a = (struct db_audit){.tenant_id = t.id,
			      .action = action,
			      .target = h->q[Q_TAG].str,
			      .request_id = h->rid,
			      .ip = h->addr};
	if ((rc = db_audit(h->db, &a)) != DB_OK)
		return http_db_fail(rc);
	/* The forgetful page returns with its transaction open. */
	if (commit && (rc = db_commit(h->db)) != DB_OK)
		return http_db_fail(rc);
	return http_redirect(h, "/settings/login");
}

static enum page_result forget_get(struct http *h, xmlNodePtr root)
{
	(void)root;
	return write_row(h, "test.forgotten", 0);
}

static enum page_result commit_get(struct http *h, xmlNodePtr root)
{
	(void)root;
	return write_row(h, "test.committed", 1);
}

static const struct page forget = {
	.path = "/settings/test/*/forget",
	.name = "test",
	.title = "Test",
	.methods = HTTP_GET,
	.auth = PAGE_PUBLIC,
	PAGE_QUERY(query),
	.get = forget_get,
	.redirects_only = 1,
};
static const struct page commit = {
	.path = "/settings/test/*/commit",
	.name = "test",
	.title = "Test",
	.methods = HTTP_GET,
	.auth = PAGE_PUBLIC,
	PAGE_QUERY(query),
	.get = commit_get,
	.redirects_only = 1,
};
static const struct page *const pages[] = {&forget, &commit, NULL};

static enum page_result no_session(struct http *h)
{
	(void)h;
	return PAGE_OK;
}

static const struct responder test_responder = {
	.name = "test-txn-responder",
	.kind = SERVER_SETTINGS,
	/* Its pages read a tenant by slug and write an audit row: the
	 * portal's statements. */
	.db_role = DB_ROLE_PORTAL,
	.pages = pages,
	.csrf_purpose = "test",
	.pre_samesite = "Strict",
	.session = no_session,
	.admit = no_session,
};

/* ---- the test ---- */

static pid_t pid_in(const char *name)
{
	char path[1100];
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/run/%s.pid", state, name);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return (pid_t)pid;
}

/* The stack's gatehouse.ini with two threads and no hash queue, at path. */
static int two_threads(const char *path)
{
	return shell(
		"sed -e 's/^threads *=.*/threads = 2/' -e 's/^hash_queue *=.*/hash_queue = 0/' "
		"-e 's/^hash_concurrency *=.*/hash_concurrency = 1/' '%s' > '%s'",
		ini, path);
}

int main(int argc, char **argv)
{
	struct fx f;
	char *slug = f.slug, cfg[1100], sock[1100], logp[1100], path[300], *v;
	struct hc *h;
	struct hc_resp r;
	pid_t old, child;
	int st = 0, rounds = 10;

	if (argc > 1)
		return server_main(argc, argv, &test_responder);
	curl_global_init(CURL_GLOBAL_ALL);
	test_env();
	ok(fx_make(&f, "txn", "Transaction Field Services", 0) == 0, "a tenant of our own");
	snprintf(cfg, sizeof cfg, "%s/test-txn.ini", state);
	snprintf(sock, sizeof sock, "%s/run/settings.sock", state);
	snprintf(logp, sizeof logp, "%s/log/test-txn.log", state);
	ok(two_threads(cfg) == 0, "a config with two worker threads");
	old = pid_in("settings");
	ok(old > 0 && kill(old, SIGTERM) == 0, "the stack's settings responder stopped");
	for (int i = 0; i < 100 && kill(old, 0) == 0; i++)
		usleep(50000);
	if ((child = fork()) == 0) {
		if (freopen(logp, "w", stderr) == NULL)
			_exit(126);
		execl(argv[0], argv[0], "-c", cfg, (char *)NULL);
		_exit(127);
	}
	struct stat sst;
	for (int i = 0; i < 100 && stat(sock, &sst) != 0; i++)
		usleep(50000);
	h = client();
	int answered = 0;
	for (int i = 0; i < rounds; i++) {
		snprintf(path, sizeof path, "/settings/test/%s/forget?tag=f%d", slug, i);
		answered += hc_get(h, path, &r) == 0 && r.status == 303;
		hc_resp_free(&r);
		snprintf(path, sizeof path, "/settings/test/%s/commit?tag=c%d", slug, i);
		answered += hc_get(h, path, &r) == 0 && r.status == 303;
		hc_resp_free(&r);
	}
	is_int(answered, 2 * rounds, "20 requests, forgetful and committing in turn: all answered");
	v = sql1("SELECT COUNT(*) FROM audit_log a JOIN tenants t ON t.id = a.tenant_id WHERE "
		 "t.slug = '%s' AND a.action = 'test.forgotten'",
		 slug);
	ok(v && strcmp(v, "0") == 0,
	   "no forgotten write was committed by a later request on its thread (%s)", v);
	free(v);
	v = sql1("SELECT COUNT(*) FROM audit_log a JOIN tenants t ON t.id = a.tenant_id WHERE "
		 "t.slug = '%s' AND a.action = 'test.committed'",
		 slug);
	ok(v && atoi(v) == rounds, "every committed write is there (%s)", v);
	free(v);
	kill(child, SIGTERM);
	waitpid(child, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the test responder stopped cleanly");
	ok(shell("grep -c 'a transaction was left open: rolled back' '%s' | grep -qx %d", logp,
		 rounds) == 0,
	   "it logged each forgotten transaction as rolled back");
	ok(shell("GH_BUILDDIR='%s' '%s/scripts/gh-stack' up --port %s --state '%s' >/dev/null 2>&1",
		 env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."),
		 env_or("GH_TEST_PORT", "18080"), state) == 0,
	   "the stack comes back up");
	hc_free(h);
	curl_global_cleanup();
	return done_testing();
}
