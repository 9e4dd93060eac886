/* The mail suite: the test stack's gatehouse-mailer and SMTP sink, for real.
 * Mail is queued through the C API, as the settings responder queues it
 * (conf_load of the stack's gatehouse.ini, auth_seal'ed token,
 * db_outbox_enqueue), and looked for where the sink stores it (STATE/mail/new).
 *   a  an invitation arrives: To, Subject (RFC 2047, checked by Python's email
 *      package too), text and HTML parts with the set-password link; the row is
 *      'sent' with its secret gone; the portal user's invite_state is 'sent'
 *   d  a 5xx bounce fails the row at once; the portal user shows 'bounced'
 *   e  a 4xx is retried with back-off, never failed
 *   -  an unknown kind fails at once with a clear last_error
 *   b  SMTP down: the row waits with attempts and last_error; SMTP back:
 *      delivered exactly once
 *   c  two mailers, 500 mails: each delivered exactly once, in bounded time
 *   f  SIGTERM: an idle mailer exits 0 within 1 s; a busy one finishes its
 *      message, exits 0, and nothing is lost or sent twice
 * The mail goes out for a tenant of this test's own (gatehouse-ctl tenant
 * create, and a customer Cool Air), never the demo's.
 * Env (set by tests/run): GH_TEST_STATE, GH_TEST_PORT, GH_BUILDDIR, GH_SRCDIR. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "auth.h"
#include "conf.h"
#include "db.h"
#include "http/client.h"
#include "mail.h"
#include "lib/testonly.h"
#include "tap.h"
#include "xml.h"

#define BATCH 500
#define BATCH_SECS 120.0
#define LINK_BASE_FMT "http://127.0.0.1:%s/portal/%s/set-password?token="
#define TENANT_NAME "Mail Field Services"

static struct conf conf;
static struct db *db;
static char state[1024], maildir[1100], ini[1100], link_base[200];
static unsigned tenant;
static char slug[64], direct_link[128]; /* this run's tenant */
static unsigned tag;                    /* makes this run's addresses unique */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void nap(int ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

/* The whole file (NUL-terminated); the caller frees it. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (p = malloc((size_t)n + 1)) != NULL) {
		if (fread(p, 1, (size_t)n, f) != (size_t)n) {
			free(p);
			p = NULL;
		} else {
			p[n] = '\0';
			if (len)
				*len = (size_t)n;
		}
	}
	fclose(f);
	return p;
}

/* The unfolded value of header name in the header block of raw ("" and 0
 * when absent); raw_out, if set, gets the value as it stands (folded). */
static int header(const char *raw, const char *name, char *out, size_t sz, char *raw_out,
		  size_t rsz)
{
	size_t nl = strlen(name);

	out[0] = '\0';
	for (const char *p = raw; *p && !(p[0] == '\r' && p[1] == '\n');) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			size_t o = 0, r = 0;
			p += nl + 1;
			while (*p == ' ')
				p++;
			while (*p) {
				if (p[0] == '\r' && p[1] == '\n' && p[2] != ' ' && p[2] != '\t')
					break;
				if (raw_out && r + 1 < rsz)
					raw_out[r++] = *p;
				if (*p != '\r' && *p != '\n' && o + 1 < sz)
					out[o++] = *p;
				p++;
			}
			out[o] = '\0';
			if (raw_out)
				raw_out[r] = '\0';
			return 1;
		}
		if ((p = strstr(p, "\r\n")) == NULL)
			break;
		p += 2;
	}
	return 0;
}

/* ---- the maildir ---- */

struct found {
	int n;           /* files whose To matched */
	char path[1300]; /* the last of them */
	char (*to)[256]; /* with cap: every match's To and Message-ID */
	char (*id)[MAIL_ID_MAX];
	int cap;
};

/* Scans maildir/new for messages to addr (prefix: To starts with addr). */
static void scan(const char *addr, int prefix, struct found *f)
{
	DIR *d = opendir(maildir);
	struct dirent *e;
	char path[1300], to[256], id[MAIL_ID_MAX];

	f->n = 0;
	f->path[0] = '\0';
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		FILE *fp;
		char head[8192];
		size_t n;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", maildir, e->d_name);
		if ((fp = fopen(path, "rb")) == NULL)
			continue;
		n = fread(head, 1, sizeof head - 1, fp);
		fclose(fp);
		head[n] = '\0';
		if (!header(head, "To", to, sizeof to, NULL, 0))
			continue;
		if (prefix ? strncmp(to, addr, strlen(addr)) != 0 : strcmp(to, addr) != 0)
			continue;
		header(head, "Message-ID", id, sizeof id, NULL, 0);
		if (f->n < f->cap) {
			snprintf(f->to[f->n], sizeof f->to[0], "%s", to);
			snprintf(f->id[f->n], sizeof f->id[0], "%s", id);
		}
		snprintf(f->path, sizeof f->path, "%s", path);
		f->n++;
	}
	closedir(d);
}

static int count_to(const char *addr)
{
	struct found f = {0};
	scan(addr, 0, &f);
	return f.n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Distinct strings among n rows of width w (sorts them). */
static int distinct(void *rows, int n, size_t w)
{
	int k = n > 0;
	qsort(rows, (size_t)n, w, cmp_str);
	for (int i = 1; i < n; i++)
		k += strcmp((char *)rows + (size_t)i * w, (char *)rows + (size_t)(i - 1) * w) != 0;
	return k;
}

/* ---- the outbox ---- */

/* Queues a mail; tok (if not NULL) gets the one-time token sealed into it.
 * Returns the row id, 0 on failure. */
static uint64_t enqueue(const char *kind, const char *to, const char *tenant_name,
			const char *subject, char tok[AUTH_COOKIE_LEN + 1])
{
	unsigned char raw[AUTH_TOKEN_BYTES], sealed[AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD];
	char cookie[AUTH_COOKIE_LEN + 1], days[16], msgid[MAIL_ID_MAX];
	xmlDocPtr d = xml_doc("mail");
	xmlNodePtr r = xmlDocGetRootElement(d);
	xmlChar *payload = NULL;
	int plen = 0;
	uint64_t id = 0;

	auth_token_new(raw, cookie);
	snprintf(days, sizeof days, "%u", conf.mail.invite_valid_days);
	xml_attr(r, "kind", kind);
	xml_text_el(r, "tenant-name", tenant_name);
	xml_text_el(r, "company", "Cool Air");
	xml_text_el(r, "login", to);
	xml_text_el(r, "direct-link", direct_link);
	xml_text_el(r, "link-base", link_base);
	xml_text_el(r, "valid-days", days);
	if (xml_serialise(d, &payload, &plen) != 0 ||
	    auth_seal((unsigned char *)cookie, AUTH_COOKIE_LEN, sealed, sizeof sealed) != 0 ||
	    mail_message_id(conf.mail.from_address, msgid, sizeof msgid) != 0 ||
	    db_outbox_enqueue(db, tenant, kind, to, subject, (char *)payload, sealed, sizeof sealed,
			      msgid, &id) != DB_OK)
		id = 0;
	if (tok)
		memcpy(tok, cookie, sizeof cookie);
	xmlFree(payload);
	xmlFreeDoc(d);
	return id;
}

/* "status|attempts|secret is null|last_error" of a row; the caller frees it. */
static char *row(uint64_t id)
{
	return sql1("SELECT CONCAT(status, '|', attempts, '|', secret IS NULL, '|', last_error) "
		    "FROM mail_outbox WHERE id = %llu",
		    (unsigned long long)id);
}

static int row_is(uint64_t id, const char *prefix)
{
	char *r = row(id);
	int ok = r != NULL && strncmp(r, prefix, strlen(prefix)) == 0;
	free(r);
	return ok;
}

/* Waits up to secs for the row to start with prefix. */
static int wait_row(uint64_t id, const char *prefix, double secs)
{
	for (double end = now() + secs; now() < end; nap(100))
		if (row_is(id, prefix))
			return 1;
	return row_is(id, prefix);
}

static int wait_file(const char *to, int n, double secs)
{
	for (double end = now() + secs; now() < end; nap(100))
		if (count_to(to) >= n)
			return 1;
	return count_to(to) >= n;
}

/* A portal user of this run's tenant whose latest invitation is mail_id. */
static int portal_user(const char *email, uint64_t mail_id)
{
	char *r = sql1("INSERT INTO portal_users (tenant_id, customer_id, email, invite_state, "
		       "invite_mail_id) SELECT %u, id, '%s', 'queued', %llu FROM customers "
		       "WHERE tenant_id = %u AND name = 'Cool Air'; SELECT ROW_COUNT()",
		       tenant, email, (unsigned long long)mail_id, tenant);
	int ok = r != NULL && strcmp(r, "1") == 0;
	if (!ok)
		diag("portal user insert: %s", r ? r : "(null)");
	free(r);
	return ok;
}

/* The portal user's invite_state; the caller frees it. */
static char *invite_state(const char *email)
{
	return sql1("SELECT invite_state FROM portal_users WHERE tenant_id = %u AND email = '%s'",
		    tenant, email);
}

/* Queues an invitation for a new portal user in one transaction, so the
 * mailer cannot see the mail before the user points at it. */
static uint64_t invite(const char *email, char tok[AUTH_COOKIE_LEN + 1])
{
	uint64_t id;

	if (db_begin(db) != DB_OK)
		return 0;
	id = enqueue("invitation", email, TENANT_NAME, "Your client portal access", tok);
	if (id == 0 || !portal_user(email, id) || db_commit(db) != DB_OK) {
		db_rollback(db);
		return 0;
	}
	return id;
}

/* ---- mailers of our own ---- */

static pid_t mailer_spawn_ini(const char *logname, const char *cfg)
{
	char bin[1100], log[1200];
	pid_t pid;

	snprintf(bin, sizeof bin, "%s/gatehouse-mailer", env_or("GH_BUILDDIR", "."));
	snprintf(log, sizeof log, "%s/log/%s", state, logname);
	if ((pid = fork()) == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(bin, "gatehouse-mailer", "-c", cfg, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static pid_t mailer_spawn(const char *logname)
{
	return mailer_spawn_ini(logname, ini);
}

/* Waits until the log says the mailer is delivering. */
static int mailer_ready(const char *logname)
{
	char log[1200];
	snprintf(log, sizeof log, "%s/log/%s", state, logname);
	for (double end = now() + 20; now() < end; nap(50)) {
		char *t = slurp(log, NULL);
		int ok = t && strstr(t, "delivering to") != NULL;
		free(t);
		if (ok)
			return 1;
	}
	return 0;
}

/* SIGTERM, then waits up to secs; returns the exit status (-1: still
 * running, then killed; -2: died of a signal) and the time it took. */
static int mailer_stop(pid_t pid, double secs, double *took)
{
	double start = now();
	int st = 0;

	kill(pid, SIGTERM);
	while (now() < start + secs) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid) {
			*took = now() - start;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -2;
		}
		nap(10);
	}
	*took = now() - start;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static int log_count(const char *logname, const char *needle)
{
	char log[1200];
	int n = 0;
	snprintf(log, sizeof log, "%s/log/%s", state, logname);
	char *t = slurp(log, NULL);
	for (const char *p = t; p && (p = strstr(p, needle)) != NULL; p++)
		n++;
	free(t);
	return n;
}

/* ---- the parts of a stored message ---- */

/* The decoded body of the part whose Content-Type starts with ctype;
 * the caller frees it. */
static char *part(const char *msg, const char *boundary, const char *ctype)
{
	char delim[128], v[256], cte[64];
	const char *p, *end;

	snprintf(delim, sizeof delim, "\r\n--%s\r\n", boundary);
	for (p = strstr(msg, delim); p != NULL; p = end) {
		const char *body;
		p += strlen(delim);
		if ((end = strstr(p, delim)) == NULL) {
			snprintf(delim, sizeof delim, "\r\n--%s--", boundary);
			if ((end = strstr(p, delim)) == NULL)
				return NULL;
		}
		if ((body = strstr(p, "\r\n\r\n")) == NULL || body > end)
			return NULL;
		header(p, "Content-Type", v, sizeof v, NULL, 0);
		header(p, "Content-Transfer-Encoding", cte, sizeof cte, NULL, 0);
		if (strncmp(v, ctype, strlen(ctype)) != 0)
			continue;
		body += 4;
		if (strcmp(cte, "quoted-printable") == 0)
			return mail_qp_decode(body, (size_t)(end - body), NULL);
		if (strcmp(cte, "base64") == 0)
			return (char *)mail_b64_decode(body, (size_t)(end - body), NULL);
		return NULL;
	}
	return NULL;
}

static int lines_ok(const char *s, size_t len)
{
	size_t cur = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
			i++;
			cur = 0;
		} else if (s[i] == '\r' || s[i] == '\n' || ++cur > 998)
			return 0;
	}
	return 1;
}

/* Python's email package as a second opinion on the whole message: no
 * defects, multipart/alternative with a text and an HTML body, the Subject
 * decodes to subject, both bodies hold link. */
static int python_agrees(const char *path, const char *subject, const char *link)
{
	static const char script[] =
		"import email, sys\n"
		"from email import policy\n"
		"m = email.message_from_binary_file(open(sys.argv[1], 'rb'), "
		"policy=policy.default)\n"
		"t, h = m.get_body(('plain',)), m.get_body(('html',))\n"
		"bad = [p.defects for p in m.walk() if p.defects]\n"
		"ok = (not bad and m.get_content_type() == 'multipart/alternative' and\n"
		"      str(m['subject']) == sys.argv[2] and t is not None and h is not None "
		"and\n"
		"      sys.argv[3] in t.get_content() and sys.argv[3] in h.get_content())\n"
		"print('# python:', repr(str(m['subject'])), bad)\n"
		"sys.exit(0 if ok else 1)\n";
	char tmp[] = "/tmp/gh-mail-check-XXXXXX";
	int fd = mkstemp(tmp), rc;
	FILE *f;

	if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
		return 0;
	fputs(script, f);
	fclose(f);
	rc = shell("/usr/bin/python3 '%s' '%s' '%s' '%s'", tmp, path, subject, link);
	unlink(tmp);
	return rc == 0;
}

/* ---- the cases ---- */

static void case_invitation(void)
{
	/* Long and non-ASCII: the Subject needs several encoded-words. */
	const char *tname = "Caf\xc3\xa9 Z\xc3\xbcrich \xc3\x96lservice GmbH & S\xc3\xb6hne";
	char subject[300], to[128], tok[AUTH_COOKIE_LEN + 1], link[300], v[1024], rawv[1024];
	char boundary[128], *msg = NULL, *text = NULL, *html = NULL, *r, *mid;
	struct found f = {0};
	size_t len = 0;
	uint64_t id;

	snprintf(subject, sizeof subject, "%s: your client portal access", tname);
	snprintf(to, sizeof to, "franco-%u@coolair.example.com", tag);
	if (db_begin(db) != DB_OK) {
		ok(0, "a: begin");
		return;
	}
	id = enqueue("invitation", to, tname, subject, tok);
	ok(id != 0 && portal_user(to, id) && db_commit(db) == DB_OK,
	   "a: an invitation is queued for a new portal user");
	snprintf(link, sizeof link, "%s%s", link_base, tok);

	ok(wait_file(to, 1, 15), "a: the invitation arrives in the maildir");
	ok(wait_row(id, "sent|1|1|", 5), "a: the row is 'sent' after one attempt, its secret NULL");
	scan(to, 0, &f);
	is_int(f.n, 1, "a: exactly one message to the recipient");
	if (f.n < 1 || (msg = slurp(f.path, &len)) == NULL)
		goto out;
	ok(lines_ok(msg, len), "a: CRLF line ends only, every line <= 998 characters");
	header(msg, "To", v, sizeof v, NULL, 0);
	is_str(v, to, "a: To");
	ok(header(msg, "Subject", v, sizeof v, rawv, sizeof rawv) &&
		   strncmp(rawv, "=?UTF-8?B?", 10) == 0,
	   "a: the Subject is RFC 2047-encoded");
	{
		int words = 0, longest = 0;
		for (const char *p = rawv; (p = strstr(p, "=?UTF-8?B?")) != NULL;) {
			const char *q = strstr(p + 10, "?=");
			if (q == NULL)
				break;
			words++;
			if (q + 2 - p > longest)
				longest = (int)(q + 2 - p);
			p = q + 2;
		}
		ok(words >= 2 && longest <= 75,
		   "a: folded into %d encoded-words, the longest %d characters (<= 75)", words,
		   longest);
	}
	ok(python_agrees(f.path, subject, link),
	   "a: Python's email package parses it without defects, Subject and links as "
	   "sent");
	header(msg, "From", v, sizeof v, NULL, 0);
	is_str(v, "Gatehouse <no-reply@gatehouse.test>", "a: From");
	ok(header(msg, "Date", v, sizeof v, NULL, 0) && strstr(v, " +0000") != NULL, "a: Date");
	ok(header(msg, "MIME-Version", v, sizeof v, NULL, 0) && strcmp(v, "1.0") == 0,
	   "a: MIME-Version");
	header(msg, "Message-ID", v, sizeof v, NULL, 0);
	mid = sql1("SELECT message_id FROM mail_outbox WHERE id = %llu", (unsigned long long)id);
	ok(mid != NULL && strcmp(v, mid) == 0 && strstr(v, "@gatehouse.test>") != NULL,
	   "a: the Message-ID is the one recorded on the row (%s)", v);
	free(mid);
	header(msg, "Content-Type", v, sizeof v, NULL, 0);
	const char *bq = strstr(v, "boundary=\"");
	ok(strncmp(v, "multipart/alternative;", 22) == 0 && bq != NULL,
	   "a: multipart/alternative with a boundary");
	snprintf(boundary, sizeof boundary, "%.*s", bq ? (int)strcspn(bq + 10, "\"") : 0,
		 bq ? bq + 10 : "");
	text = part(msg, boundary, "text/plain; charset=UTF-8");
	html = part(msg, boundary, "text/html; charset=UTF-8");
	ok(text != NULL, "a: a text/plain UTF-8 part");
	ok(html != NULL, "a: a text/html UTF-8 part");
	ok(text && strstr(text, link) != NULL,
	   "a: the text holds the set-password link with the token");
	{
		char href[400];
		snprintf(href, sizeof href, "href=\"%s\"", link);
		ok(html && strstr(html, href) != NULL, "a: the HTML links to it");
	}
	ok(text &&
		   strstr(text,
			  "Caf\xc3\xa9 Z\xc3\xbcrich \xc3\x96lservice GmbH & S\xc3\xb6hne has "
			  "given you access to its client portal") != NULL &&
		   strstr(text, "valid for 7 days") != NULL,
	   "a: the text names the tenant and the link's lifetime");
	r = invite_state(to);
	is_str(r, "sent", "a: the portal user's invite_state is 'sent'");
	free(r);
	ok(log_count("mailer.log", tok) == 0 && log_count("smtp-sink.log", tok) == 0,
	   "a: the token is in no log");
out:
	free(text);
	free(html);
	free(msg);
}

static void case_bounce(void)
{
	char to[128], *r;
	uint64_t id;

	snprintf(to, sizeof to, "bounce-%u@coolair.example.com", tag);
	ok((id = invite(to, NULL)) != 0, "d: an invitation to a bouncing address is queued");
	ok(wait_row(id, "failed|1|1|", 10), "d: a 5xx fails the row at once, secret NULL");
	r = row(id);
	ok(r && strstr(r, "550") != NULL, "d: last_error has the server's 550 (%s)", r ? r : "");
	free(r);
	r = invite_state(to);
	is_str(r, "bounced", "d: the portal user's invite_state is 'bounced'");
	free(r);
	is_int(count_to(to), 0, "d: nothing was stored for it");
}

static void case_tempfail(void)
{
	char to[128], *r;
	uint64_t id;
	double t1, t2;
	int first, second;

	snprintf(to, sizeof to, "tempfail-%u@coolair.example.com", tag);
	ok((id = enqueue("invitation", to, TENANT_NAME, "Portal", NULL)) != 0,
	   "e: a mail to an address that answers 4xx is queued");
	first = wait_row(id, "queued|1|0|", 5);
	t1 = now();
	ok(first, "e: the first 4xx keeps it queued (secret kept)");
	/* retry_base_secs = 2: the second attempt comes 2 s after the first. */
	second = wait_row(id, "queued|2|0|", 10);
	t2 = now();
	ok(second, "e: it is retried");
	ok(second && t2 - t1 > 1.5, "e: after the back-off (%.1f s later)", t2 - t1);
	r = row(id);
	ok(r && strstr(r, "451") != NULL, "e: last_error has the server's 451 (%s)", r ? r : "");
	free(r);
	r = sql1("SELECT TIMESTAMPDIFF(MICROSECOND, NOW(6), next_attempt_at) > 2500000 FROM "
		 "mail_outbox WHERE id = %llu",
		 (unsigned long long)id);
	ok(r && strcmp(r, "1") == 0, "e: the next try is further away (4 s after the second)");
	free(r);
	ok(row_is(id, "queued|"), "e: not failed");
	/* Leave nothing retrying behind. */
	free(sql1("UPDATE mail_outbox SET status = 'failed' WHERE id = %llu",
		  (unsigned long long)id));
}

static void case_unknown_kind(void)
{
	char to[128], *r;
	uint64_t id;

	snprintf(to, sizeof to, "kind-%u@coolair.example.com", tag);
	id = enqueue("no-such-kind", to, TENANT_NAME, "Portal", NULL);
	ok(wait_row(id, "failed|1|1|", 10), "-: an unknown kind fails at once");
	r = row(id);
	ok(r && strstr(r, "unknown mail kind 'no-such-kind'") != NULL, "-: and says why (%s)",
	   r ? r : "");
	free(r);
	ok(log_count("mailer.log", "unknown mail kind 'no-such-kind'") >= 1,
	   "-: the mailer logged it and kept running");
}

static void case_smtp_down(void)
{
	char to[128], v[256], *r, *mid;
	struct found f = {0};
	uint64_t id;
	char *msg;

	snprintf(to, sizeof to, "down-%u@coolair.example.com", tag);
	ok(shell("GH_BUILDDIR='%s' '%s/scripts/gh-stack' sink-stop --state '%s' >/dev/null",
		 env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."), state) == 0,
	   "b: gh-stack sink-stop");
	id = enqueue("invitation", to, TENANT_NAME, "Portal", NULL);
	ok(id != 0, "b: a mail is queued while SMTP is down");
	for (double end = now() + 10; now() < end && row_is(id, "queued|0|"); nap(100))
		;
	r = row(id);
	ok(r && strncmp(r, "queued|", 7) == 0 && strncmp(r, "queued|0|", 9) != 0 &&
		   strlen(r) > strlen("queued|1|0|"),
	   "b: it stays queued with attempts > 0 and last_error set (%s)", r ? r : "");
	free(r);
	nap(500);
	is_int(count_to(to), 0, "b: nothing delivered meanwhile");
	ok(shell("GH_BUILDDIR='%s' '%s/scripts/gh-stack' sink-start --state '%s' "
		 ">/dev/null",
		 env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."), state) == 0,
	   "b: gh-stack sink-start");
	ok(wait_file(to, 1, 60), "b: delivered once SMTP is back");
	ok(wait_row(id, "sent|", 5), "b: the row is 'sent'");
	nap(1000);
	scan(to, 0, &f);
	is_int(f.n, 1, "b: exactly once");
	msg = f.n ? slurp(f.path, NULL) : NULL;
	header(msg ? msg : "", "Message-ID", v, sizeof v, NULL, 0);
	mid = sql1("SELECT message_id FROM mail_outbox WHERE id = %llu", (unsigned long long)id);
	ok(mid && v[0] && strcmp(mid, v) == 0, "b: with the Message-ID on the row");
	free(mid);
	free(msg);
}

/* Queues n invitations to PREFIX-i@... in one transaction. */
static int batch(const char *prefix, int n)
{
	char to[128];
	int k = 0;

	if (db_begin(db) != DB_OK)
		return 0;
	for (int i = 0; i < n; i++) {
		snprintf(to, sizeof to, "%s%03d@coolair.example.com", prefix, i);
		k += enqueue("invitation", to, TENANT_NAME, "Your client portal access", NULL) != 0;
	}
	if (db_commit(db) != DB_OK)
		return 0;
	return k;
}

static void case_two_mailers(pid_t *second)
{
	char prefix[64], *r;
	struct found f = {0};
	double t0, took;
	int sent2, stored = 0;

	snprintf(prefix, sizeof prefix, "c%u-", tag);
	*second = mailer_spawn("mailer2.log");
	ok(*second > 0 && mailer_ready("mailer2.log"),
	   "c: a second mailer runs beside the stack's");
	t0 = now();
	is_int(batch(prefix, BATCH), BATCH, "c: 500 invitations queued at once");
	f.cap = BATCH + 50;
	f.to = calloc((size_t)f.cap, sizeof *f.to);
	f.id = calloc((size_t)f.cap, sizeof *f.id);
	for (double end = t0 + BATCH_SECS; now() < end; nap(250)) {
		scan(prefix, 1, &f);
		if (f.n >= BATCH)
			break;
	}
	took = now() - t0;
	ok(f.n >= BATCH, "c: all delivered within %.0f s (%.1f s)", BATCH_SECS, took);
	r = sql1("SELECT COUNT(*) FROM mail_outbox WHERE to_addr LIKE '%s%%' AND status "
		 "= 'sent'",
		 prefix);
	for (double end = now() + 10; r && atoi(r) < BATCH && now() < end; nap(200)) {
		free(r);
		r = sql1("SELECT COUNT(*) FROM mail_outbox WHERE to_addr LIKE '%s%%' AND "
			 "status = 'sent'",
			 prefix);
	}
	is_int(r ? atoi(r) : -1, BATCH, "c: all 500 rows are 'sent'");
	free(r);
	nap(1500); /* a second delivery would show up now */
	scan(prefix, 1, &f);
	is_int(f.n, BATCH, "c: 500 files, not one more");
	stored = f.n < f.cap ? f.n : f.cap;
	is_int(distinct(f.to, stored, sizeof f.to[0]), BATCH, "c: each recipient exactly once");
	is_int(distinct(f.id, stored, sizeof f.id[0]), BATCH, "c: 500 distinct Message-IDs");
	r = sql1("SELECT COUNT(DISTINCT message_id) FROM mail_outbox WHERE to_addr LIKE "
		 "'%s%%'",
		 prefix);
	is_int(r ? atoi(r) : -1, BATCH, "c: 500 distinct Message-IDs recorded");
	free(r);
	sent2 = log_count("mailer2.log", " sent as ");
	ok(sent2 > 0 && sent2 < BATCH, "c: both mailers took part (the second sent %d)", sent2);
	free(f.to);
	free(f.id);
}

/* The pid in state/rel (a gh-stack pid file); -1 when there is none. */
static pid_t pid_file(const char *rel)
{
	char path[1400], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", state, rel);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	return atoi(buf) > 0 ? (pid_t)atoi(buf) : -1;
}

static void case_sigterm(pid_t second)
{
	char prefix[64], *r;
	struct found f = {0};
	double took = 0;
	int rc;
	pid_t third;

	/* Idle: the second mailer has nothing left to do. */
	rc = second > 0 ? mailer_stop(second, 5, &took) : -1;
	is_int(rc, 0, "f: an idle mailer exits 0 on SIGTERM");
	ok(rc == 0 && took < 1.0, "f: ... within 1 s (%.3f s)", took);
	ok(log_count("mailer2.log", "stopped") == 1, "f: ... and says so");

	/* Busy: stopped while it sends.  The stack's mailer is paused
	 * meanwhile: running, it could take all 100 before the third one
	 * polls (it did, once in a full run). */
	snprintf(prefix, sizeof prefix, "f%u-", tag);
	pid_t stack_mailer = pid_file("run/mailer.pid");
	ok(stack_mailer > 0 && kill(stack_mailer, SIGSTOP) == 0, "f: the stack's mailer paused");
	third = mailer_spawn("mailer3.log");
	ok(third > 0 && mailer_ready("mailer3.log"), "f: a third mailer runs");
	is_int(batch(prefix, 100), 100, "f: 100 more invitations queued");
	for (double end = now() + 20; now() < end && log_count("mailer3.log", " sent as ") < 3;
	     nap(5))
		;
	rc = mailer_stop(third, 10, &took);
	is_int(rc, 0, "f: a busy mailer exits 0 on SIGTERM");
	ok(took < 2.0, "f: ... promptly (%.3f s)", took);
	int sent3 = log_count("mailer3.log", " sent as ");
	ok(stack_mailer > 0 && kill(stack_mailer, SIGCONT) == 0, "f: the stack's mailer resumed");
	ok(sent3 >= 3 && sent3 < 100, "f: it had sent %d of them, the stack's mailer does the rest",
	   sent3);
	for (double end = now() + 60; now() < end; nap(250)) {
		scan(prefix, 1, &f);
		if (f.n >= 100)
			break;
	}
	nap(1000);
	scan(prefix, 1, &f);
	is_int(f.n, 100, "f: all 100 delivered, none twice");
	r = sql1("SELECT COUNT(*) FROM mail_outbox WHERE to_addr LIKE '%s%%' AND status "
		 "= 'sent'",
		 prefix);
	is_int(r ? atoi(r) : -1, 100, "f: all 100 rows 'sent'");
	free(r);
}

/* The stack's gatehouse.ini with "[mail] lease_secs = secs" written to
 * path: a killed mailer's claim then runs out within the test. */
static int ini_with_lease(const char *path, unsigned secs)
{
	size_t len = 0;
	char *t = slurp(ini, &len), *m;
	FILE *f;
	int rc = -1;

	if (t == NULL || (m = strstr(t, "\n[mail]\n")) == NULL || (f = fopen(path, "w")) == NULL)
		goto out;
	m += strlen("\n[mail]\n");
	fwrite(t, 1, (size_t)(m - t), f);
	fprintf(f, "lease_secs = %u\n", secs);
	fputs(m, f);
	rc = fclose(f) == 0 ? 0 : -1;
out:
	free(t);
	return rc;
}

/* g: a mailer SIGKILLed at random points, 20 times, while it works through
 * 500 mails; the stack's mailer is paused meanwhile, so the killed one
 * does the work.  Nothing may be lost; a message the server accepted just
 * before a kill may arrive twice, but only with the same Message-ID. */
static void case_kill(void)
{
	char prefix[64], kini[1300], *r;
	struct found f = {0};
	int kills = 0, dup_recipients = 0, extra = 0, same_id = 1, missing = 0;
	pid_t pid, stack_mailer = pid_file("run/mailer.pid");

	snprintf(prefix, sizeof prefix, "g%u-", tag);
	snprintf(kini, sizeof kini, "%s/mailer-kill.ini", state);
	ok(ini_with_lease(kini, 2) == 0, "g: a config with a 2 s lease");
	ok(stack_mailer > 0 && kill(stack_mailer, SIGSTOP) == 0, "g: the stack's mailer paused");
	is_int(batch(prefix, BATCH), BATCH, "g: 500 invitations queued");
	srand((unsigned)tag);
	for (int i = 0; i < 20; i++) {
		int st;
		if ((pid = mailer_spawn_ini("mailer-kill.log", kini)) <= 0)
			break;
		/* Mostly mid-send (a message takes about a millisecond), now
		 * and then at start-up. */
		if (i % 5 != 4)
			mailer_ready("mailer-kill.log");
		nap(rand() % 250);
		if (kill(pid, SIGKILL) == 0)
			kills++;
		waitpid(pid, &st, 0);
	}
	is_int(kills, 20, "g: 20 mailers killed with SIGKILL at random points");
	pid = mailer_spawn_ini("mailer-kill.log", kini);
	ok(pid > 0 && mailer_ready("mailer-kill.log"), "g: a last mailer finishes the work");
	r = NULL;
	for (double end = now() + BATCH_SECS; now() < end; nap(250)) {
		free(r);
		r = sql1("SELECT COUNT(*) FROM mail_outbox WHERE to_addr LIKE '%s%%' AND status "
			 "= 'sent'",
			 prefix);
		if (r && atoi(r) >= BATCH)
			break;
	}
	is_int(r ? atoi(r) : -1, BATCH, "g: all 500 rows 'sent'");
	free(r);
	nap(1500);
	f.cap = 2 * BATCH;
	f.to = calloc((size_t)f.cap, sizeof *f.to);
	f.id = calloc((size_t)f.cap, sizeof *f.id);
	scan(prefix, 1, &f);
	/* Group the files by recipient: each recipient's files must all carry
	 * the Message-ID of its row. */
	for (int i = 0; i < BATCH; i++) {
		char to[128], *mid;
		int n = 0;
		snprintf(to, sizeof to, "%s%03d@coolair.example.com", prefix, i);
		mid = sql1("SELECT message_id FROM mail_outbox WHERE to_addr = '%s'", to);
		for (int k = 0; k < f.n && k < f.cap; k++)
			if (strcmp(f.to[k], to) == 0) {
				n++;
				if (mid == NULL || strcmp(f.id[k], mid) != 0)
					same_id = 0;
			}
		missing += n == 0;
		dup_recipients += n > 1;
		extra += n > 1 ? n - 1 : 0;
		free(mid);
	}
	is_int(missing, 0, "g: 0 lost: every one of the 500 arrived");
	ok(same_id,
	   "g: every copy carries its row's Message-ID (duplicates: %d extra copies "
	   "of %d messages)",
	   extra, dup_recipients);
	diag("g: %d SIGKILLs, %d messages delivered twice or more (%d extra copies), all with "
	     "the same Message-ID: %s",
	     kills, dup_recipients, extra, same_id ? "yes" : "NO");
	is_int(f.n, BATCH + extra, "g: the files are the 500 plus exactly those copies");
	ok(pid > 0 && kill(pid, SIGTERM) == 0 && waitpid(pid, NULL, 0) == pid,
	   "g: the last mailer stopped");
	ok(stack_mailer > 0 && kill(stack_mailer, SIGCONT) == 0, "g: the stack's mailer resumed");
	free(f.to);
	free(f.id);
}

int main(void)
{
	char err[512], dir[1200];
	struct db_tenant t;
	pid_t second = -1;

	snprintf(state, sizeof state, "%s", env_or("GH_TEST_STATE", "tests/out/stack"));
	snprintf(ini, sizeof ini, "%s/gatehouse.ini", state);
	snprintf(maildir, sizeof maildir, "%s/mail/new", state);
	tag = (unsigned)getpid() ^ (unsigned)time(NULL);
	snprintf(slug, sizeof slug, "mail-%u", tag % 100000000u);
	snprintf(link_base, sizeof link_base, LINK_BASE_FMT, env_or("GH_TEST_PORT", "18080"), slug);
	snprintf(direct_link, sizeof direct_link, "http://127.0.0.1/portal/%s/", slug);
	signal(SIGPIPE, SIG_IGN);

	if (!ok(conf_load(ini, &conf, err, sizeof err) == 0, "the stack's gatehouse.ini loads")) {
		diag("%s", err);
		return done_testing();
	}
	if (mysql_library_init(0, NULL, NULL) != 0 || !ok(auth_init(&conf) == 0, "auth_init") ||
	    !ok((db = db_open(&conf, DB_ROLE_PORTAL, 0, 0)) != NULL,
		"the stack's database opens") ||
	    !ok(shell("'%s/gatehouse-ctl' -c '%s' tenant create %s '" TENANT_NAME "' >/dev/null",
		      env_or("GH_BUILDDIR", "."), ini, slug) == 0 &&
			db_tenant_by_slug(db, slug, &t) == DB_OK,
		"a tenant of this test's own (%s)", slug))
		return done_testing();
	tenant = t.id;
	{
		char *n = sql1("INSERT INTO customers (tenant_id, name) VALUES (%u, 'Cool Air'); "
			       "SELECT COUNT(*) FROM customers WHERE tenant_id = %u",
			       tenant, tenant);
		ok(n && strcmp(n, "1") == 0, "its customer Cool Air");
		free(n);
	}
	ok(access(maildir, W_OK) == 0 && conf.mail.retry_base_secs == 2,
	   "the stack has a maildir and the dev [mail] settings");
	/* Old messages only slow the scans down. */
	snprintf(dir, sizeof dir, "%s", maildir);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.') {
			char p[1500];
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);

	case_invitation();
	case_bounce();
	case_tempfail();
	case_unknown_kind();
	case_smtp_down();
	case_two_mailers(&second);
	case_sigterm(second);
	case_kill();

	db_close(db);
	auth_free();
	mysql_library_end();
	return done_testing();
}
