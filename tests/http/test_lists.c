/* The list engine through the stack (issue 16): what a filter matches, in
 * each list; keyset paging through every page of every sort, both ways,
 * against MariaDB's own order; a page cache that never shows a stale page;
 * a company at its share of the threads refused at once while another
 * company is served; and, on a company of 1,000,000 rows in each list, each
 * list view's statements run under ANALYZE FORMAT=JSON with their real
 * parameters: a filter is answered from an index (the words index for a
 * rare word, the sort's index for a common one, never a scan), a page
 * reads a bounded number of index entries, counts stop at their cap, and
 * the pages show "of more than 10,000". */
#include "config.h"

#include <curl/curl.h>
#include <mysql.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/wait.h>

#include "common.h"
#include "conf.h"
#include "db.h"
#include "db/internal.h"

static struct conf admin;
static MYSQL *my;

#define PA "/settings/client/portal-access"
#define CU "/settings/customers"
#define OU "/settings/office-users"

/* ---- filters: what a word, a part and punctuation match ---- */

static void test_filters(void)
{
	static const struct {
		const char *q, *want; /* want: the logins found, in order, "" none */
		const char *what;
	} cases[] = {
		{"smi", "john.smith,smith.john", "a word's beginning"},
		{"mith", "", "not a word's middle"},
		{"SMITH", "john.smith,smith.john", "case does not count"},
		{"zurich", "zoe", "nor accents (Zürich)"},
		{"john.smith", "john.smith", "words that follow one another"},
		{"john.smith@ac", "john.smith", "... the last a beginning"},
		{"smith@acme", "john.smith", "an email's parts"},
		{"acme-air", "john.smith,smith.john", "a company's words in a row"},
		{"smith@air", "", "but not words that do not follow one another"},
		{"acme john", "john.smith,smith.john", "parts in any order, each matching"},
		{"acme zurich", "", "every part must match"},
		{"...", "john.smith,smith.john,zoe", "punctuation only: every row"},
		{"%", "john.smith,smith.john,zoe", "% is punctuation, not a wildcard"},
		{"sm_th", "", "_ is not a wildcard either"},
	};
	struct fx f;
	struct hc *h = client();
	char *q = NULL, path[512];

	ok(fx_make(&f, "lists", "Lists Field Services", 0) == 0, "filters: a tenant of its own");
	q = cat(strdup(""), "SET @t = %s;\n", f.tq);
	q = cat(q, "INSERT INTO customers (tenant_id, name, primary_email) VALUES "
		   "(@t, 'Acme Air', 'office@acme-air.example'), "
		   "(@t, 'Café Zürich', 'hello@cafe.example');\n");
	q = cat(q, "INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT "
		   "@t, id, name, 'john.smith@acme-air.example' FROM customers WHERE tenant_id "
		   "= @t AND name = 'Acme Air';\n"
		   "INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT "
		   "@t, id, name, 'smith.john@acme-air.example' FROM customers WHERE tenant_id "
		   "= @t AND name = 'Acme Air';\n"
		   "INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT "
		   "@t, id, name, 'zoe@cafe.example' FROM customers WHERE tenant_id = @t AND "
		   "name = 'Café Zürich';\n");
	ok(q && sql_run(q) == 0, "filters: two customers, three portal users");
	free(q);
	ok(hc_login(h, f.admin, PW) == 303, "filters: the admin signs in");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *enc = curl_easy_escape(NULL, cases[i].q, 0), *got = strdup("");
		xmlDocPtr d;
		snprintf(path, sizeof path, PA "?sort=email&q=%s", enc);
		curl_free(enc);
		d = get_xml(h, path, 200, cases[i].what);
		for (int r = 1; d != NULL; r++) {
			char e[80], *v;
			snprintf(e, sizeof e, "substring-before(//rows/user[%d]/email, '@')", r);
			v = xp(d, e);
			if (v[0] == '\0') {
				free(v);
				break;
			}
			got = cat(got, "%s%s", r > 1 ? "," : "", v);
			free(v);
		}
		if (!ok(got && strcmp(got, cases[i].want) == 0, "filter '%s': %s", cases[i].q,
			cases[i].what))
			diag("found '%s', want '%s'", got ? got : "", cases[i].want);
		free(got);
		xmlFreeDoc(d);
	}
	{
		xmlDocPtr d = get_xml(h, CU "?q=zur", 200, "filters: customers by 'zur'");
		ok(d && xp_is(d, "string(//rows/customer/name)", "Café Zürich") &&
			   xp_is(d, "string(//list/@total)", "1"),
		   "customers: 'zur' finds Café Zürich, 1 of 1");
		xmlFreeDoc(d);
		d = get_xml(h, OU "?q=ada%20adm", 200, "filters: office users by 'ada adm'");
		ok(d && xp_is(d, "string(//list/@total)", "1") &&
			   xp_is(d, "string(//rows/user/first)", "Ada"),
		   "office users: 'ada adm' finds Ada Admin by first and last name");
		xmlFreeDoc(d);
		d = get_xml(h, PA "?q=a%20b%20c%20d%20e", 400, "filters: five parts");
		xmlFreeDoc(d);
	}
	hc_free(h);
}

/* ---- paging: every page of every sort, both ways ---- */

/* The rows of list path (sort s, dir) as "k1|k2;..." by following link
 * attr from d until there is none; each page's rows by the XPath of the
 * row's key (rowkey, with %d for the row). */
static char *walk_pages(struct hc *h, const char *path, xmlDocPtr d, const char *attr,
			const char *rowkey, int reverse, int *pages)
{
	char *all = strdup("");

	*pages = 0;
	while (d != NULL) {
		char *page = strdup(""), e[300], *more, *cnt = xp(d, "count(//rows/*)");
		int rows = atoi(cnt);
		free(cnt);
		(*pages)++;
		for (int r = 1; r <= rows; r++) {
			char *v;
			snprintf(e, sizeof e, rowkey, r);
			v = xp(d, e);
			page = cat(page, "%s;", v);
			free(v);
		}
		/* Backwards, each page is shown in order: prepend it. */
		if (reverse) {
			char *t = cat(page, "%s", all);
			free(all);
			all = t;
		} else {
			all = cat(all, "%s", page);
			free(page);
		}
		snprintf(e, sizeof e, "string(//list/@%s)", attr);
		more = xp(d, e);
		if (more[0] == '\0' || *pages > 50) {
			free(more);
			xmlFreeDoc(d);
			break;
		}
		free(more);
		{
			xmlDocPtr n = follow(h, d, path, attr, "paging: a link");
			xmlFreeDoc(d);
			d = n;
		}
	}
	return all;
}

/* keys ("k;k;...") with each key's repeats left out, in order (the
 * caller frees; s is freed). */
static char *dedupe(char *s)
{
	char *out = strdup(""), *save = NULL;

	for (char *k = s ? strtok_r(s, ";", &save) : NULL; k != NULL && out != NULL;
	     k = strtok_r(NULL, ";", &save)) {
		char *probe = cat(cat(strdup(";"), "%s", out), "%s;", "");
		char needle[600];
		snprintf(needle, sizeof needle, ";%s;", k);
		if (probe == NULL || strstr(probe, needle) == NULL)
			out = cat(out, "%s;", k);
		free(probe);
	}
	free(s);
	return out;
}

/* MariaDB's order of the same rows, as walk_pages writes it. */
static char *sql_order(const char *q)
{
	char *v = sql1("SELECT GROUP_CONCAT(k ORDER BY n SEPARATOR ';') FROM (%s) x", q);
	char *s = cat(strdup(""), "%s;", v ? v : "");
	free(v);
	return s;
}

static void test_paging(void)
{
	/* rowkey: a row's sort key in the page, %1$d its number; sql: the same
	 * rows' keys numbered in MariaDB's order (one %s a key column's
	 * direction, then the tenant). */
	static const struct {
		const char *path, *sort, *rowkey, *sql, *what;
		int nkeys;
	} views[] = {
		{PA, "company", "concat(//rows/user[%1$d]/company, '|', //rows/user[%1$d]/email)",
		 "SELECT CONCAT(company_name, '|', email) k, ROW_NUMBER() OVER (ORDER BY "
		 "company_name %s, email %s) n FROM portal_users WHERE tenant_id = %s",
		 "portal access by company", 2},
		{PA, "email", "string(//rows/user[%1$d]/email)",
		 "SELECT email k, ROW_NUMBER() OVER (ORDER BY email %s) n FROM portal_users "
		 "WHERE tenant_id = %s",
		 "portal access by email", 1},
		{CU, "name", "string(//rows/customer[%1$d]/name)",
		 "SELECT name k, ROW_NUMBER() OVER (ORDER BY name %s) n FROM customers WHERE "
		 "tenant_id = %s",
		 "customers by name", 1},
		{CU, "email",
		 "concat(//rows/customer[%1$d]/email, '|', //rows/customer[%1$d]/name)",
		 "SELECT CONCAT(primary_email, '|', name) k, ROW_NUMBER() OVER (ORDER BY "
		 "primary_email %s, name %s) n FROM customers WHERE tenant_id = %s",
		 "customers by email", 2},
		{OU, "last",
		 "concat(//rows/user[%1$d]/last, '|', //rows/user[%1$d]/first, '|', "
		 "//rows/user[%1$d]/email)",
		 "SELECT CONCAT(last_name, '|', first_name, '|', email) k, ROW_NUMBER() OVER "
		 "(ORDER BY last_name %s, first_name %s, email %s) n FROM office_users WHERE "
		 "tenant_id = %s",
		 "office users by last name", 3},
	};
	struct fx f;
	struct hc *h = client();
	char *q;

	ok(fx_make(&f, "lists-paging", "Paging Field Services", 0) == 0,
	   "paging: a tenant of its own");
	/* 57 rows in each list, with equal first keys (three users to a
	 * company, repeated emails and names) so that later keys decide. */
	q = cat(strdup(""),
		"SET @t = %s;\n"
		"INSERT INTO customers (tenant_id, name, primary_email) SELECT @t, "
		"CONCAT('Company ', CHAR(65 + seq MOD 19), seq), CONCAT('c', seq MOD 7, "
		"'@paging.example') FROM seq_1_to_57;\n"
		"INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT "
		"@t, c.id, c.name, CONCAT('u', s.seq, '@paging.example') FROM seq_1_to_57 s JOIN "
		"customers c ON c.tenant_id = @t AND c.name = CONCAT('Company ', CHAR(65 + "
		"(s.seq DIV 3 + 1) MOD 19), s.seq DIV 3 + 1);\n"
		"INSERT INTO office_users (tenant_id, email, password_hash, role, first_name, "
		"last_name) SELECT @t, CONCAT('s', seq, '@%s.test'), 'x', 'view_only', "
		"CONCAT('F', seq MOD 4), CONCAT('L', seq MOD 5) FROM seq_1_to_56;\n",
		f.tq, f.slug);
	ok(q && sql_run(q) == 0, "paging: 57 customers, 57 portal users, 57 office users");
	free(q);
	ok(hc_login(h, f.admin, PW) == 303, "paging: the admin signs in");
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
		for (int desc = 0; desc < 2; desc++) {
			const char *dir = desc ? "DESC" : "ASC";
			char path[300], sq[1200];
			char *want, *fwd, *back;
			int np = 0, nb = 0;
			xmlDocPtr d;

			if (views[i].nkeys == 1)
				snprintf(sq, sizeof sq, views[i].sql, dir, f.tq);
			else if (views[i].nkeys == 2)
				snprintf(sq, sizeof sq, views[i].sql, dir, dir, f.tq);
			else
				snprintf(sq, sizeof sq, views[i].sql, dir, dir, dir, f.tq);
			want = sql_order(sq);
			snprintf(path, sizeof path, "%s?sort=%s&dir=%s&per=10", views[i].path,
				 views[i].sort, desc ? "desc" : "asc");
			d = get_xml(h, path, 200, "paging: the first page");
			fwd = walk_pages(h, views[i].path, d, "query-next", views[i].rowkey, 0,
					 &np);
			snprintf(path + strlen(path), sizeof path - strlen(path), "&end=1");
			d = get_xml(h, path, 200, "paging: the last page");
			back = walk_pages(h, views[i].path, d, "query-prev", views[i].rowkey, 1,
					  &nb);
			/* The first page is always full: walking back, it repeats
			 * the start of the page after it. */
			back = dedupe(back);
			if (!ok(fwd && want && strcmp(fwd, want) == 0,
				"%s %s: Next through %d pages shows every row once, in MariaDB's "
				"order",
				views[i].what, dir, np))
				diag("pages: %.300s\nSQL:   %.300s", fwd ? fwd : "",
				     want ? want : "");
			if (!ok(back && want && strcmp(back, want) == 0,
				"%s %s: Previous from the last page, through %d pages, the same",
				views[i].what, dir, nb))
				diag("pages: %.300s", back ? back : "");
			ok(np == 6 && nb == 6, "%s %s: six pages each way (%d, %d)", views[i].what,
			   dir, np, nb);
			free(want);
			free(fwd);
			free(back);
		}
	hc_free(h);
}

/* ---- the page cache: a kept page is never shown stale ---- */

static void test_cache(void)
{
	struct fx f;
	struct hc *h = client();
	char *q;
	xmlDocPtr d;

	ok(fx_make(&f, "lists-cache", "Cache Field Services", 0) == 0, "cache: a tenant");
	q = cat(strdup(""),
		"SET @t = %s;\n"
		"INSERT INTO customers (tenant_id, name, primary_email) VALUES (@t, 'Quill Works', "
		"'q@one.example');\n"
		"INSERT INTO portal_users (tenant_id, customer_id, company_name, email) SELECT @t, "
		"id, name, CONCAT(x.u, '@one.example') FROM customers JOIN (SELECT 'ann' u UNION "
		"SELECT 'bob') x WHERE tenant_id = @t;\n",
		f.tq);
	ok(q && sql_run(q) == 0, "cache: two users of Quill Works");
	free(q);
	ok(hc_login(h, f.admin, PW) == 303, "cache: the admin signs in");
	d = get_xml(h, PA "?q=quill&sort=email", 200, "cache: 'quill' (kept)");
	ok(d && xp_is(d, "string(//list/@total)", "2"), "cache: two users by 'quill'");
	xmlFreeDoc(d);
	d = get_xml(h, PA "?q=quill&sort=email", 200, "cache: 'quill' again (from the cache)");
	ok(d && xp_is(d, "string(//list/@total)", "2"), "cache: the same page again");
	xmlFreeDoc(d);
	q = cat(strdup(""),
		"UPDATE portal_users SET company_name = 'Zeta Holdings' WHERE tenant_id = %s",
		f.tq);
	ok(q && sql_run(q) == 0, "cache: the company renamed behind the responder's back");
	free(q);
	d = get_xml(h, PA "?q=quill&sort=email", 200, "cache: 'quill' after the rename");
	ok(d && xp_is(d, "string(//list/@total)", "0") && xp_is(d, "count(//rows/user)", "0"),
	   "cache: the renamed rows left the view at once");
	xmlFreeDoc(d);
	d = get_xml(h, PA "?q=zeta&sort=email", 200, "cache: 'zeta'");
	ok(d && xp_is(d, "string(//rows/user[1]/company)", "Zeta Holdings"),
	   "cache: and are found by their new name");
	xmlFreeDoc(d);
	q = cat(strdup(""),
		"UPDATE portal_users SET email = CONCAT('a-', email) WHERE tenant_id = "
		"%s AND company_name = 'Zeta Holdings'",
		f.tq);
	ok(q && sql_run(q) == 0, "cache: their logins changed");
	free(q);
	d = get_xml(h, PA "?q=zeta&sort=email", 200, "cache: 'zeta' after the change");
	q = d ? xp(d, "string(//rows/user[1]/email)") : NULL;
	ok(q && strncmp(q, "a-", 2) == 0, "cache: the page shows the new logins (%s)", q ? q : "");
	free(q);
	xmlFreeDoc(d);
	q = cat(strdup(""),
		"DELETE FROM portal_users WHERE tenant_id = %s AND company_name = "
		"'Zeta Holdings'",
		f.tq);
	ok(q && sql_run(q) == 0, "cache: the rows deleted");
	free(q);
	d = get_xml(h, PA "?q=zeta&sort=email", 200, "cache: 'zeta' after the delete");
	ok(d && xp_is(d, "string(//list/@total)", "0"), "cache: gone at once");
	xmlFreeDoc(d);
	hc_free(h);
}

/* ---- a company at its share of the threads ---- */

struct slow {
	struct hc *h;
	long status;
	int share; /* the answer was the share's 503 */
};

static void *slow_get(void *p)
{
	struct slow *s = p;
	struct hc_resp r;

	if (hc_get_xml(s->h, CU, &r) == 0) {
		s->status = r.status;
		s->share = r.status == 503 && strstr(r.body, "Too many requests of this company");
		hc_resp_free(&r);
	}
	return NULL;
}

static void test_share(void)
{
	struct fx busy, other;
	struct slow w[8];
	pthread_t th[8];
	struct hc *o = client();
	struct hc_resp r;
	double t0;
	int shared = 0, other_ok = 0;
	pid_t locker;
	char cmd[1400];

	ok(fx_make(&busy, "lists-busy", "Busy Field Services", 0) == 0 &&
		   fx_make(&other, "lists-other", "Other Field Services", 0) == 0,
	   "share: two companies");
	for (int i = 0; i < 8; i++) {
		w[i].h = client();
		w[i].status = 0;
		w[i].share = 0;
		ok(hc_login(w[i].h, busy.admin, PW) == 303, "share: the busy company's session %d",
		   i + 1);
	}
	ok(hc_login(o, other.admin, PW) == 303, "share: the other company's admin signs in");
	/* The customers list waits on a lock: each request holds its thread
	 * until the lock wait (3 s) ends. */
	snprintf(cmd, sizeof cmd,
		 "GH_BUILDDIR='%s' '%s/scripts/gh-stack' sql 'LOCK TABLES customers WRITE; "
		 "SELECT SLEEP(6); UNLOCK TABLES' --state '%s' >/dev/null 2>&1",
		 env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."), state);
	if ((locker = fork()) == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	usleep(700000);
	/* The other company was just served: the busy one is not alone
	 * (alone, it could use all threads but one: share.h). */
	if (hc_get_xml(o, OU, &r) == 0)
		hc_resp_free(&r);
	for (int i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, slow_get, &w[i]);
	usleep(500000);
	t0 = (double)time(NULL);
	if (hc_get_xml(o, OU, &r) == 0) {
		other_ok = r.status == 200;
		hc_resp_free(&r);
	}
	ok(other_ok, "share: while the busy company's 8 requests wait on a lock, another "
		     "company's page answers 200");
	(void)t0;
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		shared += w[i].share;
	}
	ok(shared >= 2 && shared <= 4,
	   "share: of the busy company's 8, those past its share (4 of 8 threads) and its "
	   "waiters (2) got 503 'Too many requests of this company' (%d)",
	   shared);
	waitpid(locker, NULL, 0);
	for (int i = 0; i < 8; i++)
		hc_free(w[i].h);
	if (hc_get_xml(o, CU, &r) == 0) {
		ok(r.status == 200, "share: the lock gone, the list answers again");
		hc_resp_free(&r);
	}
	hc_free(o);
}

/* ---- 1,000,000 rows in each list: plans ---- */

enum { P_INT, P_STR, P_NULL };
struct par {
	int t;
	long long i;
	const char *s;
};
#define PI(v)                                                                                      \
	{                                                                                          \
		P_INT, (long long)(v), NULL                                                        \
	}
#define PS(v)                                                                                      \
	{                                                                                          \
		P_STR, 0, (v)                                                                      \
	}
#define PN                                                                                         \
	{                                                                                          \
		P_NULL, 0, NULL                                                                    \
	}

/* Runs sql with params p, the first row's ncols columns into cols (each
 * malloc'd, the caller frees; NULL for SQL NULL).  0 on success. */
static int exec1(const char *sql, const struct par *p, size_t n, char **cols, size_t ncols)
{
	MYSQL_STMT *st = mysql_stmt_init(my);
	MYSQL_BIND b[32], rb[4];
	unsigned long len[4] = {0};
	my_bool nul[4] = {0};
	int rc = -1;

	memset(b, 0, sizeof b);
	memset(rb, 0, sizeof rb);
	for (size_t i = 0; i < ncols; i++)
		cols[i] = NULL;
	if (st == NULL || mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		diag("prepare: %s", st ? mysql_stmt_error(st) : "no memory");
		goto out;
	}
	if (mysql_stmt_param_count(st) != n) {
		diag("%lu parameters, %zu given", mysql_stmt_param_count(st), n);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i].t == P_INT) {
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&p[i].i;
		} else if (p[i].t == P_STR) {
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)p[i].s;
			b[i].buffer_length = strlen(p[i].s);
		} else
			b[i].buffer_type = MYSQL_TYPE_NULL;
	}
	for (size_t i = 0; i < ncols; i++) {
		cols[i] = calloc(1, 1 << 18);
		rb[i].buffer_type = MYSQL_TYPE_STRING;
		rb[i].buffer = cols[i];
		rb[i].buffer_length = (1 << 18) - 1;
		rb[i].length = &len[i];
		rb[i].is_null = &nul[i];
	}
	if (mysql_stmt_bind_param(st, b) != 0 || mysql_stmt_execute(st) != 0 ||
	    mysql_stmt_bind_result(st, rb) != 0) {
		diag("execute: %s", mysql_stmt_error(st));
		goto out;
	}
	if (mysql_stmt_fetch(st) == 0)
		rc = 0;
	while (mysql_stmt_fetch(st) == 0)
		;
out:
	if (st != NULL)
		mysql_stmt_close(st);
	return rc;
}

/* A statement of the table under ANALYZE FORMAT=JSON: its plan as run
 * (the caller frees), NULL on an error. */
static char *analyze(enum db_stmt q, const struct par *p, size_t n)
{
	char *sql = cat(strdup(""), "ANALYZE FORMAT=JSON %s", db_stmts[q].sql), *json = NULL;

	if (n != db_stmts[q].params)
		diag("%s takes %u parameters, %zu given", db_stmts[q].name, db_stmts[q].params, n);
	else if (sql == NULL || exec1(sql, p, n, &json, 1) != 0)
		diag("%s: ANALYZE failed", db_stmts[q].name);
	free(sql);
	return json;
}

struct tab {
	char name[64], access[32], key[96];
	double rows; /* r_rows: entries read per loop */
	int index_only;
};

/* The tables of a plan, derived tables left out (their own tables are
 * listed): the first value of each field after each "table_name". */
static size_t plan_tables(const char *json, struct tab *t, size_t max)
{
	size_t n = 0;
	const char *p = json;

	while (p != NULL && n < max && (p = strstr(p, "\"table_name\": \"")) != NULL) {
		const char *end, *f;
		size_t wl;
		p += 15;
		end = strstr(p, "\"table_name\": \"");
		wl = end ? (size_t)(end - p) : strlen(p);
		memset(&t[n], 0, sizeof t[n]);
		sscanf(p, "%63[^\"]", t[n].name);
		if ((f = strstr(p, "\"access_type\": \"")) != NULL && f < p + wl)
			sscanf(f + 16, "%31[^\"]", t[n].access);
		if ((f = strstr(p, "\"key\": \"")) != NULL && f < p + wl)
			sscanf(f + 8, "%95[^\"]", t[n].key);
		if ((f = strstr(p, "\"r_rows\": ")) != NULL && f < p + wl)
			t[n].rows = atof(f + 10);
		if ((f = strstr(p, "\"using_index\": true")) != NULL && f < p + wl)
			t[n].index_only = 1;
		if (t[n].name[0] != '<')
			n++;
	}
	return n;
}

/* One list at 1,000,000 rows: its statements and what each may read. */
struct big {
	const char *what, *path;
	unsigned list;
	const char *table, *sort_index; /* the list's table alias, sort 0's index */
	enum db_stmt walk, plain, words, count_words;
	unsigned nks;     /* sort 0's V_KSn parameters */
	unsigned nfacet;  /* the words statement's facet parameters (9: none) */
	const char *rare; /* a word on few rows, and how many */
	long long nrare;
	const char *common; /* a word on (nearly) every row */
	int index_only;     /* a plain page is read from the index alone */
};

/* Every real table of plan read through an index, none scanned. */
static int no_scan(const struct tab *t, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].access, "ALL") == 0 || strcmp(t[i].access, "index") == 0 ||
		    t[i].key[0] == '\0') {
			diag("%s: table %s is read by %s", what, t[i].name, t[i].access);
			return 0;
		}
	return n > 0;
}

static const struct tab *tab_named(const struct tab *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

static void big_list(const struct big *b, unsigned tenant, struct hc *h)
{
	struct par p[32];
	struct tab t[8];
	size_t n, np;
	char *json, *cols[2] = {NULL, NULL}, pat[64], phrase[64], path[256];
	long long bits = 0, mask;
	const struct tab *w, *m;
	xmlDocPtr d;

	/* The estimate that picks the plan: the rare word's entries, read
	 * through the words index only as far as they go. */
	snprintf(pat, sizeof pat, "%s%%", b->rare);
	np = 0;
	for (int i = 0; i < 4; i++)
		p[np++] = (struct par)PS(b->rare);
	p[np++] = (struct par)PI(tenant);
	p[np++] = (struct par)PI(b->list);
	p[np++] = (struct par)PS(pat);
	p[np++] = (struct par)PI(3001);
	exec1(db_stmts[DBQ_VIEW_ESTIMATE].sql, p, np, cols, 2);
	ok(cols[0] && atoll(cols[0]) == b->nrare, "%s: the words index holds '%s' %lld times (%s)",
	   b->what, b->rare, b->nrare, cols[0] ? cols[0] : "?");
	free(cols[0]);
	free(cols[1]);
	json = analyze(DBQ_VIEW_ESTIMATE, p, np);
	n = json ? plan_tables(json, t, 8) : 0;
	w = tab_named(t, n, "list_words");
	ok(w && strcmp(w->access, "range") == 0 && strcmp(w->key, "PRIMARY") == 0 &&
		   w->rows <= (double)b->nrare + 1,
	   "%s: the estimate reads a range of the words index, %g entries", b->what,
	   w ? w->rows : -1);
	free(json);

	/* A rare word's page: through the words index, then each row by id. */
	snprintf(phrase, sizeof phrase, "%% %s%%", b->rare);
	np = 0;
	p[np++] = (struct par)PI(tenant);
	p[np++] = (struct par)PS(pat);
	p[np++] = (struct par)PI(tenant);
	for (unsigned i = 0; b->nfacet != 9 && i < b->nfacet; i++)
		p[np++] = (struct par)PI(9);
	for (unsigned i = 0; i < b->nks; i++)
		p[np++] = (struct par)PN;
	p[np++] = (struct par)PS(phrase);
	for (int i = 0; i < 3; i++)
		p[np++] = (struct par)PS("%");
	p[np++] = (struct par)PI(26);
	json = analyze(b->words, p, np);
	n = json ? plan_tables(json, t, 8) : 0;
	w = tab_named(t, n, "w");
	m = tab_named(t, n, b->table);
	ok(no_scan(t, n, b->what) && w && strcmp(w->key, "PRIMARY") == 0 &&
		   w->rows <= (double)b->nrare + 1 && m && strcmp(m->key, "PRIMARY") == 0 &&
		   strcmp(m->access, "eq_ref") == 0,
	   "%s: a filter by '%s' reads %g entries of the words index and each row by id "
	   "(%s %s), no scan",
	   b->what, b->rare, w ? w->rows : -1, m ? m->access : "?", m ? m->key : "?");
	free(json);

	/* A common word: the sort's index walked, rows without the word's
	 * signature bits passed over, the page's rows read and no more. */
	snprintf(pat, sizeof pat, "%s%%", b->common);
	snprintf(phrase, sizeof phrase, "%% %s%%", b->common);
	np = 0;
	for (int i = 0; i < 4; i++)
		p[np++] = (struct par)PS(b->common);
	p[np++] = (struct par)PI(tenant);
	p[np++] = (struct par)PI(b->list);
	p[np++] = (struct par)PS(pat);
	p[np++] = (struct par)PI(3001);
	if (exec1(db_stmts[DBQ_VIEW_ESTIMATE].sql, p, np, cols, 2) == 0 && cols[1])
		bits = atoll(cols[1]);
	ok(cols[0] && atoll(cols[0]) == 3001,
	   "%s: '%s' is common (more than 3,000 entries): the walk leads", b->what, b->common);
	free(cols[0]);
	free(cols[1]);
	mask = bits;
	np = 0;
	p[np++] = (struct par)PI(tenant);
	for (unsigned i = 0; i < b->nks; i++)
		p[np++] = (struct par)PN;
	p[np++] = (struct par)PI(mask);
	p[np++] = (struct par)PI(mask);
	p[np++] = (struct par)PS(phrase);
	for (int i = 0; i < 3; i++)
		p[np++] = (struct par)PS("%");
	p[np++] = (struct par)PI(26);
	json = analyze(b->walk, p, np);
	n = json ? plan_tables(json, t, 8) : 0;
	m = tab_named(t, n, b->table);
	ok(no_scan(t, n, b->what) && m && strcmp(m->key, b->sort_index) == 0 && m->rows <= 100 &&
		   json && strstr(json, "filesort") == NULL,
	   "%s: a filter by '%s' walks %s and reads %g entries for a page of 25, no sort", b->what,
	   b->common, b->sort_index, m ? m->rows : -1);
	free(json);

	/* No filter: the sort's index from the start, the page's entries
	 * (the tenant twice: first for the list's count, V_TOTAL). */
	np = 0;
	p[np++] = (struct par)PI(tenant);
	p[np++] = (struct par)PI(tenant);
	for (unsigned i = 0; i < b->nks; i++)
		p[np++] = (struct par)PN;
	p[np++] = (struct par)PI(26);
	json = analyze(b->plain, p, np);
	n = json ? plan_tables(json, t, 8) : 0;
	m = tab_named(t, n, b->table);
	ok(no_scan(t, n, b->what) && m && strcmp(m->key, b->sort_index) == 0 && m->rows <= 26 &&
		   (!b->index_only || m->index_only),
	   "%s: the first page reads %g entries of %s%s", b->what, m ? m->rows : -1, b->sort_index,
	   b->index_only ? ", the index alone" : "");
	free(json);

	/* A common word's count stops at the cap. */
	np = 0;
	for (unsigned i = 0; b->nfacet != 9 && i < b->nfacet; i++)
		p[np++] = (struct par)PI(9);
	p[np++] = (struct par)PS(phrase);
	for (int i = 0; i < 3; i++)
		p[np++] = (struct par)PS("%");
	p[np++] = (struct par)PI(tenant);
	p[np++] = (struct par)PS(pat);
	p[np++] = (struct par)PI(LIST_COUNT_CAP + 1);
	p[np++] = (struct par)PI(tenant);
	json = analyze(b->count_words, p, np);
	n = json ? plan_tables(json, t, 8) : 0;
	w = tab_named(t, n, "w");
	ok(no_scan(t, n, b->what) && w && w->rows <= LIST_COUNT_CAP + 1,
	   "%s: the count of '%s' reads %g entries of the words index (the cap: 10,001)", b->what,
	   b->common, w ? w->rows : -1);
	free(json);

	/* The pages themselves. */
	snprintf(path, sizeof path, "%s?per=25&q=%s", b->path, b->rare);
	d = get_xml(h, path, 200, "big: a rare word's page");
	{
		char want[32];
		snprintf(want, sizeof want, "%lld", b->nrare);
		ok(d && xp_is(d, "string(//list/@total)", want) &&
			   xp_is(d, "string(//list/@total-more)", ""),
		   "%s: '%s' finds exactly %s of 1,000,000", b->what, b->rare, want);
	}
	xmlFreeDoc(d);
	snprintf(path, sizeof path, "%s?per=25&q=%s", b->path, b->common);
	d = get_xml(h, path, 200, "big: a common word's page");
	ok(d && xp_is(d, "string(//list/@total)", "10000") &&
		   xp_is(d, "string(//list/@total-more)", "1") &&
		   xp_is(d, "string(//list/@shown)", "25"),
	   "%s: '%s' shows 25 'of more than 10,000'", b->what, b->common);
	xmlFreeDoc(d);
	snprintf(path, sizeof path, "%s?per=25&end=1", b->path);
	d = get_xml(h, path, 200, "big: the last page");
	ok(d && xp_is(d, "string(//list/@has-next)", "0") &&
		   xp_is(d, "string(//list/@has-prev)", "1") &&
		   xp_is(d, "string(//list/@shown)", "25"),
	   "%s: the last of 1,000,000 rows' pages, read from the end", b->what);
	xmlFreeDoc(d);
}

/* The Portal Access list's filter by invitation state (sql/028) at
 * 1,000,000 users (none of them invited: "not invited" is every row, the
 * worst case of a state): each page walks the state's index from the
 * cursor, reads the page's entries and no more, from the index alone, with
 * no sort; the status filter beside it is checked in the same index; the
 * count stops at the cap. */
static void big_invitations(unsigned tenant, struct hc *h)
{
	static const struct {
		enum db_stmt q;
		const char *index, *what;
		unsigned nks;
		long long state, status;
		double most;
	} walks[] = {
		{DBQ_PU_PLAIN_INV_CO_ASC, "portal_users_inv_company", "not invited, by company", 4,
		 0, 9, 26},
		{DBQ_PU_PLAIN_INV_CO_DESC, "portal_users_inv_company",
		 "not invited, by company descending", 4, 0, 9, 26},
		{DBQ_PU_PLAIN_INV_EM_ASC, "portal_users_inv_email", "not invited, by email", 2, 0,
		 9, 26},
		/* 7 in 10 of the big tenant's users have a password (Active). */
		{DBQ_PU_PLAIN_INV_CO_ASC, "portal_users_inv_company", "not invited and Active", 4,
		 0, 2, 60},
		{DBQ_PU_PLAIN_INV_CO_ASC, "portal_users_inv_company", "expired (none)", 4, 5, 9, 1},
	};
	struct par p[16];
	struct tab t[8];
	size_t n, np;
	char *json;
	const struct tab *m;
	xmlDocPtr d;

	for (size_t i = 0; i < sizeof walks / sizeof walks[0]; i++) {
		np = 0;
		p[np++] = (struct par)PI(tenant);
		p[np++] = (struct par)PI(walks[i].state);
		p[np++] = (struct par)PI(0);
		for (int k = 0; k < 3; k++)
			p[np++] = (struct par)PI(walks[i].status);
		for (unsigned k = 0; k < walks[i].nks; k++)
			p[np++] = (struct par)PN;
		p[np++] = (struct par)PI(26);
		json = analyze(walks[i].q, p, np);
		n = json ? plan_tables(json, t, 8) : 0;
		m = tab_named(t, n, "pu");
		ok(no_scan(t, n, "invitation") && m && strcmp(m->key, walks[i].index) == 0 &&
			   m->rows <= walks[i].most && m->index_only &&
			   strstr(json, "filesort") == NULL,
		   "invitation filter, %s: a page of 25 reads %g entries of %s, the index alone, "
		   "no "
		   "sort",
		   walks[i].what, m ? m->rows : -1, walks[i].index);
		free(json);
	}
	np = 0;
	p[np++] = (struct par)PI(tenant);
	p[np++] = (struct par)PI(0);
	p[np++] = (struct par)PI(0);
	for (int k = 0; k < 3; k++)
		p[np++] = (struct par)PI(9);
	p[np++] = (struct par)PI(LIST_COUNT_CAP + 1);
	json = analyze(DBQ_PU_COUNT_INV, p, np);
	n = json ? plan_tables(json, t, 8) : 0;
	m = tab_named(t, n, "pu");
	ok(no_scan(t, n, "invitation count") && m &&
		   strcmp(m->key, "portal_users_inv_company") == 0 && m->rows <= LIST_COUNT_CAP + 1,
	   "invitation filter: its count reads %g entries of portal_users_inv_company (the cap: "
	   "10,001)",
	   m ? m->rows : -1);
	free(json);
	d = get_xml(h, PA "?per=25&invitation=not_invited", 200, "big: not invited");
	ok(d && xp_is(d, "string(//list/@shown)", "25") &&
		   xp_is(d, "string(//list/@total-more)", "1") &&
		   xp_is(d, "string(//list/@facet2)", "not_invited"),
	   "invitation filter: not invited shows 25 'of more than 10,000'");
	xmlFreeDoc(d);
	d = get_xml(h, PA "?per=25&invitation=expired", 200, "big: expired");
	ok(d && xp_is(d, "string(//list/@shown)", "0") && xp_is(d, "string(//list/@total)", "0"),
	   "invitation filter: expired, none of them");
	xmlFreeDoc(d);
}

static void test_million(void)
{
	static const struct big lists[] = {
		{"customers", CU, 1, "c", "customers_name_sig", DBQ_CUST_WALK_NAME_ASC,
		 DBQ_CUST_PLAIN_NAME_ASC, DBQ_CUST_WORDS_NAME_ASC, DBQ_CUST_COUNT_WORDS, 2, 9,
		 "zanzibar", 10, "heating", 0},
		{"portal users", PA, 2, "pu", "portal_users_company", DBQ_PU_WALK_CO_ASC,
		 DBQ_PU_PLAIN_WALK_CO_ASC, DBQ_PU_WORDS_CO_ASC, DBQ_PU_COUNT_WORDS, 4, 3,
		 "zanzibar", 20, "heating", 1},
		{"office users", OU, 3, "u", "office_users_tenant_email", DBQ_OU_WALK_EMAIL_ASC,
		 DBQ_OU_PLAIN_EMAIL_ASC, DBQ_OU_WORDS_EMAIL_ASC, DBQ_OU_COUNT_WORDS, 2, 9,
		 "zanzibar", 10, "airey", 0},
	};
	struct fx f;
	struct hc *h = client();
	char *v;
	unsigned tenant = 0;

	/* Made once per stack: the rows are only read, so a later run reuses
	 * a complete one (a run killed while loading leaves it incomplete,
	 * and the next makes another). */
	v = sql1("SELECT t.slug FROM tenants t JOIN customer_counts c ON c.tenant_id = t.id JOIN "
		 "portal_user_counts p ON p.tenant_id = t.id JOIN office_user_counts o ON "
		 "o.tenant_id = t.id WHERE t.slug LIKE 'lists-million-%%' AND c.n = 1000000 AND "
		 "p.n = 1000000 AND o.n = 1000001 LIMIT 1");
	memset(&f, 0, sizeof f);
	if (v != NULL && strncmp(v, "lists-million-", 14) == 0) {
		snprintf(f.slug, sizeof f.slug, "%s", v);
		snprintf(f.admin, sizeof f.admin, "admin@%s.test", v);
		snprintf(f.tq, sizeof f.tq, "(SELECT id FROM tenants WHERE slug = '%s')", v);
		diag("big: %s, made by an earlier run", v);
	} else {
		char *q;
		ok(fx_make(&f, "lists-million", "Million Field Services", 0) == 0,
		   "big: a tenant of its own");
		diag("big: loading 1,000,000 customers, portal users and office users (minutes)");
		q = cat(strdup(""),
			"SET SESSION max_statement_time = 0;\nSET @t = %s;\n"
			"INSERT INTO customers (tenant_id, name, primary_email) SELECT @t, "
			"CONCAT(IF(seq MOD 100000 = 7, 'Zanzibar ', ''), 'Air Heating ', seq), "
			"CONCAT('office', seq, '@dom', seq MOD 997, '.example') FROM "
			"seq_1_to_1000000;\n"
			"INSERT INTO portal_users (tenant_id, customer_id, company_name, email, "
			"password_hash, status) SELECT @t, c.id, c.name, CONCAT(IF(s.seq MOD "
			"100000 = 3, 'zanzibar.', ''), 'user', s.seq, '@dom', s.seq MOD 997, "
			"'.example'), IF(s.seq MOD 10 < 7, 'x', NULL), IF(s.seq MOD 50 = 0, "
			"'revoked', 'active') FROM seq_1_to_1000000 s JOIN customers c ON "
			"c.tenant_id = @t AND c.name = CONCAT(IF(((s.seq - 1) DIV 10 + 1) MOD "
			"100000 = 7, 'Zanzibar ', ''), 'Air Heating ', (s.seq - 1) DIV 10 + 1);\n"
			"INSERT INTO office_users (tenant_id, email, password_hash, role, "
			"first_name, last_name) SELECT @t, CONCAT('staff', seq, '.dom', seq MOD "
			"997, '@%s.test'), 'x', 'view_only', ELT(1 + seq MOD 5, 'Ann', 'Bob', "
			"'Cid', 'Dee', 'Eve'), IF(seq MOD 100000 = 5, 'Zanzibar', 'Airey') FROM "
			"seq_1_to_1000000;\n",
			f.tq, f.slug);
		ok(q && sql_run(q) == 0, "big: 1,000,000 rows in each list, by set-based SQL");
		free(q);
	}
	free(v);
	v = sql1("SELECT id FROM tenants WHERE slug = '%s'", f.slug);
	tenant = v ? (unsigned)atoi(v) : 0;
	free(v);
	ok(tenant > 0 && hc_login(h, f.admin, PW) == 303, "big: its admin signs in");
	for (size_t i = 0; tenant > 0 && i < sizeof lists / sizeof lists[0]; i++)
		big_list(&lists[i], tenant, h);
	if (tenant > 0)
		big_invitations(tenant, h);
	hc_free(h);
}

/* The signature bits a typed word gets (V_WORD_BITS, stmt_list.h) are
 * those sql/019's triggers give the words of a row. */
static void test_signature(void)
{
	static const char *const words[] = {"jonathan", "smithers", "zürich", "aérospatiale",
					    "ÉCOLE",    "rooftop",  "abcd"};
	struct fx f;
	char *q, *v, *cols[2] = {NULL, NULL};
	unsigned long long sig;
	int agree = 1;

	ok(fx_make(&f, "lists-sig", "Signature Field Services", 0) == 0, "signature: a tenant");
	q = cat(strdup(""),
		"INSERT INTO customers (tenant_id, name, primary_email) VALUES (%s, 'Jonathan "
		"Smithers Zürich Aérospatiale École Rooftop', 'abcd@x.example')",
		f.tq);
	ok(q && sql_run(q) == 0, "signature: a customer of those words");
	free(q);
	v = sql1("SELECT word_sig FROM customers WHERE tenant_id = %s", f.tq);
	sig = v ? strtoull(v, NULL, 10) : 0;
	free(v);
	ok(sig != 0, "signature: the row has one (%llu)", sig);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		/* VIEW_ESTIMATE's bits, bound as the responder binds them. */
		struct par p[8] = {PS(words[i]), PS(words[i]), PS(words[i]), PS(words[i]),
				   PI(0),        PI(1),        PS("x"),      PI(1)};
		unsigned long long bits = 0;
		if (exec1(db_stmts[DBQ_VIEW_ESTIMATE].sql, p, 8, cols, 2) == 0 && cols[1])
			bits = strtoull(cols[1], NULL, 10);
		free(cols[0]);
		free(cols[1]);
		if (bits == 0 || (sig & bits) != bits) {
			diag("'%s': bits %llx, the row's signature %llx", words[i], bits, sig);
			agree = 0;
		}
	}
	ok(agree, "signature: each typed word's bits are in the row's signature (accents and "
		  "case too)");
}

static int connect_admin(void)
{
	char path[1100], err[256];

	snprintf(path, sizeof path, "%s/gatehouse-admin.ini", state);
	if (!ok(conf_load(path, &admin, err, sizeof err) == 0, "the admin config loads"))
		return -1;
	my = mysql_init(NULL);
	return ok(my && mysql_real_connect(my, admin.db.host[0] ? admin.db.host : NULL,
					   admin.db.user, admin.db.password, admin.db.name,
					   admin.db.port,
					   admin.db.socket[0] ? admin.db.socket : NULL, 0) != NULL,
		  "connected to MariaDB as its administrator")
		       ? 0
		       : -1;
}

int main(void)
{
	test_env();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	test_filters();
	test_paging();
	test_cache();
	test_share();
	if (connect_admin() == 0) {
		test_signature();
		test_million();
	}
	mysql_close(my);
	curl_global_cleanup();
	return done_testing();
}
