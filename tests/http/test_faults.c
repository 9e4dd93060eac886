/* Faults, for real, against the test stack: a read-only database, a table
 * locked by another session while writers queue up, responders killed with
 * SIGKILL (the dev stack's supervisor restarts them; nginx answers 503 with
 * Retry-After meanwhile, never a bare 502), one address holding more
 * connections than it may, and HTTPS (Strict-Transport-Security there,
 * never over plain http).  Each check here failed on the code before the
 * fix it guards.  This file makes its own tenant and users. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "common.h"

static char slug[64], admin[128], slug2[64], admin2[128];

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void setup(void)
{
	const char *b = env_or("GH_BUILDDIR", ".");
	unsigned tag = (unsigned)getpid() ^ (unsigned)time(NULL);

	snprintf(slug, sizeof slug, "faults-%u", tag % 1000000u);
	snprintf(admin, sizeof admin, "admin-%u@faults.test", tag % 1000000u);
	ok(shell("'%s/gatehouse-ctl' -c '%s' tenant create %s 'Fault Field Services' >/dev/null", b,
		 ini, slug) == 0,
	   "a tenant of this test's own");
	ok(shell("echo '" PW "' | '%s/gatehouse-ctl' -c '%s' user create --tenant %s --email %s "
		 "--super-admin >/dev/null",
		 b, ini, slug, admin) == 0,
	   "its Super Admin");
	snprintf(slug2, sizeof slug2, "faults2-%u", tag % 1000000u);
	snprintf(admin2, sizeof admin2, "admin-%u@faults2.test", tag % 1000000u);
	ok(shell("'%s/gatehouse-ctl' -c '%s' tenant create %s 'Other Field Services' >/dev/null &&"
		 "echo '" PW "' | '%s/gatehouse-ctl' -c '%s' user create --tenant %s --email %s "
		 "--super-admin >/dev/null",
		 b, ini, slug2, b, ini, slug2, admin2) == 0,
	   "a second tenant and its Super Admin (another company, for isolation)");
}

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

static char *gh_stack(const char *args)
{
	char cmd[2048], *out = calloc(1, 8192);
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof cmd, "GH_BUILDDIR='%s' '%s/scripts/gh-stack' %s --state '%s' 2>&1",
		 env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."), args, state);
	if (out != NULL && (p = popen(cmd, "r")) != NULL) {
		n = fread(out, 1, 8191, p);
		out[n] = '\0';
		pclose(p);
	}
	return out;
}

/* ---- 8: Strict-Transport-Security over HTTPS only ---- */

static size_t keep_headers(char *d, size_t sz, size_t n, void *u)
{
	char *h = u;
	size_t have = strlen(h), add = sz * n;
	if (have + add < 8192) {
		memcpy(h + have, d, add);
		h[have + add] = '\0';
	}
	return sz * n;
}

static size_t drop(char *d, size_t sz, size_t n, void *u)
{
	(void)d;
	(void)u;
	return sz * n;
}

/* The headers of GET url (verified against the stack's own certificate). */
static long headers_of(const char *url, char hdr[8192])
{
	CURL *c = curl_easy_init();
	char ca[1100];
	long st = 0;

	hdr[0] = '\0';
	snprintf(ca, sizeof ca, "%s/tls/cert.pem", state);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, keep_headers);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, drop);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	curl_easy_cleanup(c);
	return st;
}

static void test_hsts(void)
{
	char url[256], hdr[8192];
	int port = atoi(env_or("GH_TEST_PORT", "18080"));

	snprintf(url, sizeof url, "https://127.0.0.1:%d/settings/login", port + 3);
	ok(headers_of(url, hdr) == 200, "the login page over HTTPS (certificate verified)");
	ok(strcasestr(hdr, "\nStrict-Transport-Security: max-age=31536000\r\n") != NULL,
	   "over HTTPS: Strict-Transport-Security: max-age=31536000");
	snprintf(url, sizeof url, "https://127.0.0.1:%d/portal/%s/", port + 3, slug);
	ok(headers_of(url, hdr) == 200 && strcasestr(hdr, "\nStrict-Transport-Security:") != NULL,
	   "the portal's pages too");
	snprintf(url, sizeof url, "%s/settings/login", base);
	ok(headers_of(url, hdr) == 200 && strcasestr(hdr, "Strict-Transport-Security") == NULL,
	   "over plain http: no Strict-Transport-Security");
}

/* ---- 10: a read-only database is "try again later", not a failure ---- */

static void test_read_only(void)
{
	struct hc *h = client(), *other = client();
	struct hc_resp r;
	char b[64], fields[256], *v;
	long st;

	ok(hc_login(h, admin, PW) == 303, "signed in before the database turns read-only");
	free(sql1("SET GLOBAL read_only = 1"));
	v = sql1("SELECT @@GLOBAL.read_only");
	ok(v && strcmp(v, "1") == 0, "MariaDB is read-only (SET GLOBAL read_only = 1)");
	free(v);
	hc_get(h, "/settings/customers", &r);
	ok(r.status == 200, "reading pages still works (%ld)", r.status);
	hc_resp_free(&r);
	snprintf(fields, sizeof fields, "name=Read+Only+Co+%d", (int)getpid());
	st = post_form(h, "/settings/customers", "/settings/customers/edit", fields, NULL, NULL, 0);
	ok(st == 503, "a save answers 503 (%ld), not 500", st);
	{
		char csrf[65], body[512];
		hc_csrf(h, "/settings/customers", csrf);
		snprintf(body, sizeof body, "csrf=%s&%s", csrf, fields);
		hc_req(h, "POST", "/settings/customers/edit", "application/x-www-form-urlencoded",
		       body, NULL, &r);
		ok(r.status == 503 && hc_header(&r, "Retry-After", b, sizeof b) && atoi(b) > 0 &&
			   strstr(r.body, "try again") != NULL,
		   "... as a page that says to try again, with Retry-After: %s", b);
		hc_resp_free(&r);
	}
	v = sql1("SELECT COUNT(*) FROM customers WHERE name = 'Read Only Co %d'", (int)getpid());
	ok(v && strcmp(v, "0") == 0, "nothing was written");
	free(v);
	st = hc_login(other, admin, PW);
	ok(st == 503, "a sign-in (it writes a session) answers 503 too (%ld)", st);
	free(sql1("SET GLOBAL read_only = 0"));
	st = post_form(h, "/settings/customers", "/settings/customers/edit", fields, NULL, NULL, 0);
	ok(st == 303, "writable again: the same save succeeds (%ld)", st);
	ok(hc_login(other, admin, PW) == 303, "and so does the sign-in");
	hc_free(h);
	hc_free(other);
}

/* ---- 11: a table locked elsewhere: writers get 503 fast, reads flow ---- */

#define WRITERS 12
#define LOCK_SECS 12

static void test_lock(void)
{
	struct hc *h = client(), *reader = client(), *mine = client();
	CURLM *m = curl_multi_init();
	CURL *es[WRITERS];
	char bodies[WRITERS][256], cookie[256], url[256], csrf[65], cmd[1400];
	double t0, done_at[WRITERS], probe_max = 0, last_probe = 0;
	long codes[WRITERS];
	int running = 0, probes = 0, probes_ok = 0, n503 = 0, fast = 0, mine_clear = 0;
	pid_t locker;

	ok(hc_login(h, admin, PW) == 303 && hc_login(mine, admin, PW) == 303 &&
		   hc_login(reader, admin2, PW) == 303,
	   "two sessions of the company signed in, one of another company");
	hc_csrf(h, "/settings/customers", csrf);
	/* Another session holds the customers table for LOCK_SECS. */
	snprintf(cmd, sizeof cmd,
		 "GH_BUILDDIR='%s' '%s/scripts/gh-stack' sql 'LOCK TABLES customers WRITE; "
		 "SELECT SLEEP(%d); UNLOCK TABLES' --state '%s' >/dev/null 2>&1",
		 env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."), LOCK_SECS, state);
	if ((locker = fork()) == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	usleep(700000);
	snprintf(cookie, sizeof cookie, "gh_office=%s", hc_cookie(h, "gh_office"));
	snprintf(url, sizeof url, "%s/settings/customers/edit", base);
	t0 = now();
	for (int i = 0; i < WRITERS; i++) {
		snprintf(bodies[i], sizeof bodies[i], "csrf=%s&name=Locked+Co+%d+%d", csrf,
			 (int)getpid(), i);
		es[i] = curl_easy_init();
		curl_easy_setopt(es[i], CURLOPT_URL, url);
		curl_easy_setopt(es[i], CURLOPT_POSTFIELDS, bodies[i]);
		curl_easy_setopt(es[i], CURLOPT_COOKIE, cookie);
		curl_easy_setopt(es[i], CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(es[i], CURLOPT_WRITEFUNCTION, drop);
		curl_easy_setopt(es[i], CURLOPT_PRIVATE, (void *)(long)i);
		curl_multi_add_handle(m, es[i]);
		codes[i] = 0;
		done_at[i] = 0;
	}
	do {
		CURLMsg *msg;
		int left;
		curl_multi_perform(m, &running);
		curl_multi_poll(m, NULL, 0, 20, NULL);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			long i = 0;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&i);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &codes[i]);
			done_at[i] = now() - t0;
		}
		/* A page that does not read the locked table, twice a second. */
		if (now() - last_probe > 0.5 && now() - t0 < LOCK_SECS - 2) {
			struct hc_resp r;
			double p0 = now();
			last_probe = p0;
			probes++;
			if (hc_get(reader, "/settings/office-users", &r) == 0 && r.status == 200)
				probes_ok++;
			if (now() - p0 > probe_max)
				probe_max = now() - p0;
			hc_resp_free(&r);
			/* The company's own other page: it may be at its share
			 * of the threads (its writers hold them), which is said
			 * at once. */
			p0 = now();
			if (hc_get(mine, "/settings/office-users", &r) == 0 &&
			    (r.status == 200 ||
			     (r.status == 503 &&
			      strstr(r.body, "Too many requests of this company") &&
			      hc_header(&r, "Retry-After", cmd, sizeof cmd))) &&
			    now() - p0 < 1.0)
				mine_clear++;
			hc_resp_free(&r);
		}
	} while (running > 0);
	for (int i = 0; i < WRITERS; i++) {
		n503 += codes[i] == 503;
		fast += done_at[i] > 0 && done_at[i] < LOCK_SECS - 3;
		curl_multi_remove_handle(m, es[i]);
		curl_easy_cleanup(es[i]);
	}
	curl_multi_cleanup(m);
	ok(n503 == WRITERS, "%d writers blocked by the lock: all answered 503 (%d)", WRITERS, n503);
	ok(fast == WRITERS,
	   "... each within the statement bound, long before the lock ended "
	   "(%d of %d before %d s)",
	   fast, WRITERS, LOCK_SECS - 3);
	ok(probes >= 6 && probes_ok == probes,
	   "another company's page kept answering meanwhile (%d of %d probes 200)", probes_ok,
	   probes);
	ok(mine_clear == probes,
	   "the company's own other page answered at once: 200, or 503 'Too many requests of this "
	   "company' with Retry-After (%d of %d)",
	   mine_clear, probes);
	ok(probe_max < 4.5, "... waiting at most one lock-wait bound for a thread (slowest %.2f s)",
	   probe_max);
	waitpid(locker, NULL, 0);
	char *v = sql1("SELECT COUNT(*) FROM customers WHERE name LIKE 'Locked Co %d %%'",
		       (int)getpid());
	ok(v && strcmp(v, "0") == 0, "none of the refused saves was written");
	free(v);
	ok(post_form(h, "/settings/customers", "/settings/customers/edit", "name=After+The+Lock",
		     NULL, NULL, 0) == 303,
	   "the lock gone, a save succeeds");
	hc_free(h);
	hc_free(reader);
	hc_free(mine);
}

/* ---- 12, 14: supervision and nginx's page while a responder is down ---- */

/* Waits up to secs for name's pid file to name a live process other than
 * old; returns it (0 if none came). */
static pid_t new_pid(const char *name, pid_t old, double secs)
{
	for (double end = now() + secs; now() < end; usleep(100000)) {
		pid_t p = pid_in(name);
		if (p > 0 && p != old && kill(p, 0) == 0)
			return p;
	}
	return 0;
}

static void test_supervised(void)
{
	struct hc *h = client();
	struct hc_resp r;
	char b[64], *st;
	pid_t old, p;
	long code = 0;

	st = gh_stack("status");
	ok(st && strstr(st, "portal:    running (pid") != NULL,
	   "gh-stack status lists the portal responder");
	ok(st && strstr(st, "settings:  running (pid") != NULL && strstr(st, "mailer:    running"),
	   "... beside settings and the mailer");
	free(st);

	old = pid_in("settings");
	ok(old > 0 && kill(old, SIGKILL) == 0, "the settings responder killed with SIGKILL");
	usleep(150000);
	hc_get(h, "/settings/login", &r);
	ok(r.status == 503, "while it is down nginx answers 503 (%ld), not 502", r.status);
	ok(hc_header(&r, "Retry-After", b, sizeof b) && atoi(b) > 0, "... with Retry-After: %s", b);
	ok(r.body && strstr(r.body, "Try again in a moment") != NULL &&
		   hc_header(&r, "Cache-Control", b, sizeof b) && strstr(b, "no-store"),
	   "... and a page saying to try again in a moment (not cached)");
	hc_resp_free(&r);
	p = new_pid("settings", old, 10);
	ok(p > 0, "the supervisor started it again (pid %d)", (int)p);
	for (double end = now() + 10; now() < end; usleep(100000)) {
		hc_get(h, "/settings/login", &r);
		code = r.status;
		hc_resp_free(&r);
		if (code == 200)
			break;
	}
	ok(code == 200, "and it serves again");

	old = pid_in("portal");
	ok(old > 0 && kill(old, SIGKILL) == 0, "the portal responder killed with SIGKILL");
	usleep(150000);
	snprintf(b, sizeof b, "/portal/%s/", slug);
	hc_get(h, b, &r);
	ok(r.status == 503 && hc_header(&r, "Retry-After", b, sizeof b),
	   "the portal's address answers 503 with Retry-After meanwhile (%ld)", r.status);
	hc_resp_free(&r);
	ok(new_pid("portal", old, 10) > 0, "the portal responder is back");

	old = pid_in("mailer");
	ok(old > 0 && kill(old, SIGKILL) == 0, "the mailer killed with SIGKILL");
	ok(new_pid("mailer", old, 10) > 0, "the mailer is back");

	/* A clean stop is not a crash: nothing restarts it (systemd's
	 * Restart=on-failure), and status says so. */
	old = pid_in("portal");
	for (double end = now() + 10; old > 0 && now() < end && kill(old, 0) != 0; usleep(50000))
		old = pid_in("portal");
	ok(old > 0 && kill(old, SIGTERM) == 0, "the portal responder stopped with SIGTERM");
	for (double end = now() + 10; now() < end && kill(old, 0) == 0; usleep(50000))
		;
	usleep(2500000);
	st = gh_stack("status");
	ok(st && strstr(st, "portal:    not running") != NULL,
	   "a clean stop is not restarted, and status says so");
	free(st);
	snprintf(b, sizeof b, "up --port %s", env_or("GH_TEST_PORT", "18080"));
	st = gh_stack(b);
	ok(st && strstr(st, "portal: not running") == NULL && strstr(st, "portal:    not") == NULL,
	   "gh-stack up brings it back without a stray status line");
	free(st);
	snprintf(b, sizeof b, "/portal/%s/", slug);
	hc_get(h, b, &r);
	ok(r.status == 200, "the portal serves again");
	hc_resp_free(&r);
	hc_free(h);
}

/* ---- 16: one address may hold only so many connections ---- */

static int slow_conn(int port, const char *src)
{
	struct sockaddr_in a = {.sin_family = AF_INET}, l = {.sin_family = AF_INET};
	static const char req[] = "POST /settings/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				  "Content-Type: application/x-www-form-urlencoded\r\n"
				  "Content-Length: 1000\r\n\r\ncsrf=";
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, src, &l.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	a.sin_port = htons((unsigned short)port);
	if (bind(fd, (struct sockaddr *)&l, sizeof l) != 0 ||
	    connect(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_conn_limit(void)
{
	int fds[120], n = 0, port = atoi(env_or("GH_TEST_PORT", "18080"));
	struct hc *same = client(), *other = client();
	struct hc_resp r;
	char b[64];

	/* 110 connections from 127.0.0.9 whose bodies never come. */
	for (int i = 0; i < 110; i++)
		if ((fds[n] = slow_conn(port, "127.0.0.9")) >= 0)
			n++;
	ok(n == 110, "110 slow connections from one address (%d)", n);
	usleep(300000);
	snprintf(same->source, sizeof same->source, "127.0.0.9");
	snprintf(other->source, sizeof other->source, "127.0.0.10");
	hc_get(same, "/settings/login", &r);
	ok(r.status == 503 && hc_header(&r, "Retry-After", b, sizeof b),
	   "one more from that address: 503 with Retry-After (%ld)", r.status);
	hc_resp_free(&r);
	hc_get(other, "/settings/login", &r);
	ok(r.status == 200, "another address is served (%ld)", r.status);
	hc_resp_free(&r);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	usleep(300000);
	hc_get(same, "/settings/login", &r);
	ok(r.status == 200, "once they are gone, that address is served again (%ld)", r.status);
	hc_resp_free(&r);
	hc_free(same);
	hc_free(other);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	xmlInitParser();
	test_env();
	throttle_reset();
	setup();

	test_hsts();
	test_read_only();
	test_lock();
	test_conn_limit();
	test_supervised();

	xmlCleanupParser();
	curl_global_cleanup();
	return done_testing();
}
