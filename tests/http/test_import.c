/* Portal Access > Import on the stack (issue 15): the page for each role;
 * files refused at upload with a clear message and nothing kept (not
 * UTF-8, an unclosed quote, an unknown column, no email column, no file,
 * too many lines, too many bytes, CSRF); a file as Excel writes it in many
 * locales (byte order mark, ";", quoted fields with ";" and quotes inside,
 * CRLF) checked line by line (create, update, skip, each kind of error)
 * without a change, then imported: users added with their group, sites
 * and contact, invited, audited as the office user who started it; the
 * same import refused twice; the report as CSV; another company's job
 * 404; and gatehouse-jobs killed (SIGKILL) in the middle of an import of
 * 300 lines: after its restart every line is done exactly once.  The
 * list's bulk actions, run by the same worker: on ticked users (revoke,
 * restore, change group) and on every user a view holds (resend to a
 * filter, delete 300), each user audited, refusals (no action, nobody
 * ticked, another company's user or group, CSRF, View Only). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define IMP "/settings/client/portal-access/import"
#define JOB "/settings/client/portal-access/job"
#define BOUNDARY "gh-test-7f3a"

/* POSTs file (len bytes, named name) to the import page as a browser
 * does (multipart/form-data), with csrf unless NULL: the status, the
 * job's id from the redirect into job (when 303), the answer's XML into
 * *out when asked. */
static long upload(struct hc *h, const char *csrf, const char *name, const char *file, size_t len,
		   char job[24], xmlDocPtr *out)
{
	size_t cap = len + 1024, n = 0;
	char *body = malloc(cap), loc[256], b[256];
	struct hc_resp r;
	long st;

	if (body == NULL)
		abort();
	if (csrf != NULL)
		n += (size_t)snprintf(body + n, cap - n,
				      "--" BOUNDARY "\r\nContent-Disposition: form-data; "
				      "name=\"csrf\"\r\n\r\n%s\r\n",
				      csrf);
	if (file != NULL) {
		n += (size_t)snprintf(body + n, cap - n,
				      "--" BOUNDARY "\r\nContent-Disposition: form-data; "
				      "name=\"file\"; filename=\"%s\"\r\nContent-Type: text/csv"
				      "\r\n\r\n",
				      name);
		memcpy(body + n, file, len);
		n += len;
		n += (size_t)snprintf(body + n, cap - n, "\r\n");
	}
	n += (size_t)snprintf(body + n, cap - n, "--" BOUNDARY "--\r\n");
	body[n] = '\0';
	hc_req(h, "POST", IMP, "multipart/form-data; boundary=" BOUNDARY, body,
	       "Accept: application/xml", &r);
	st = r.status;
	if (out != NULL)
		*out = hc_xml(&r);
	snprintf(loc, sizeof loc, "%s", hc_header(&r, "Location", b, sizeof b) ?: "");
	if (job != NULL)
		snprintf(job, 24, "%s", strstr(loc, "id=") ? strstr(loc, "id=") + 3 : "");
	hc_resp_free(&r);
	free(body);
	return st;
}

static long jobs_of(const struct fx *f)
{
	char *v = sql1("SELECT COUNT(*) FROM jobs WHERE tenant_id = %s", f->tq);
	long n = v ? atol(v) : -1;
	free(v);
	return n;
}

/* The job's page once its state is done or failed (within 60 s): the
 * document (caller frees), NULL if it never ended. */
static xmlDocPtr job_done(struct hc *h, const char *id)
{
	char path[96];

	snprintf(path, sizeof path, JOB "?id=%s", id);
	for (int i = 0; i < 600; i++) {
		struct hc_resp r;
		xmlDocPtr d = NULL;
		char *st;
		if (hc_get_xml(h, path, &r) == 0)
			d = hc_xml(&r);
		hc_resp_free(&r);
		st = d ? xp(d, "string(//portal-job/@state)") : NULL;
		if (st != NULL && (strcmp(st, "done") == 0 || strcmp(st, "failed") == 0)) {
			free(st);
			return d;
		}
		free(st);
		xmlFreeDoc(d);
		usleep(100000);
	}
	return NULL;
}

/* The outcome of the report's line n in d. */
static int line_is(xmlDocPtr d, int n, const char *outcome, const char *msg_part)
{
	char e[160], *o, *m;
	int same;

	snprintf(e, sizeof e, "string(//item[@n='%d']/@outcome)", n);
	o = xp(d, e);
	snprintf(e, sizeof e, "string(//item[@n='%d']/message)", n);
	m = xp(d, e);
	same = strcmp(o, outcome) == 0 && (msg_part == NULL || strstr(m, msg_part) != NULL);
	if (!same)
		diag("line %d: %s \"%s\", want %s \"%s\"", n, o, m, outcome, msg_part ?: "");
	free(o);
	free(m);
	return same;
}

static void test_page(const struct fx *f)
{
	struct hc *h = client();
	xmlDocPtr d;

	hc_login(h, f->admin, PW);
	d = get_xml(h, IMP, 200, "import page: Super Admin");
	ok(d && xp_is(d, "string(//portal-import/@max-rows)", "10000"),
	   "import page: says the limit of 10,000 lines");
	xmlFreeDoc(d);
	hc_free(h);
	h = client();
	hc_login(h, f->viewer, PW);
	ok(get_status(h, IMP) == 403, "import page: a View Only user gets 403");
	ok(get_status(h, JOB "?id=1") == 403, "job page: a View Only user gets 403");
	hc_free(h);
	h = client();
	hc_login(h, f->editor, PW);
	ok(get_status(h, IMP) == 200, "import page: an Edit user gets it");
	hc_free(h);
}

#define TEXT ((size_t)-1) /* refused()'s len for a file that is a string */

/* Refused files (len TEXT: strlen): 422 with the message, and no job kept. */
static void refused(struct hc *h, const struct fx *f, const char *csrf, const char *what,
		    const char *file, size_t len, const char *says)
{
	xmlDocPtr d = NULL;
	long before = jobs_of(f),
	     st = upload(h, csrf, "bad.csv", file, len == TEXT ? strlen(file) : len, NULL, &d);
	char *e = d ? xp(d, "string(//form/field[@name='file']/@error)") : strdup("");

	if (!ok(st == 422 && strstr(e, says) != NULL && jobs_of(f) == before,
		"refused at upload (%s): 422 \"%s\", nothing kept", what, says))
		diag("got %ld \"%s\"", st, e);
	free(e);
	xmlFreeDoc(d);
}

static void test_refused(const struct fx *f)
{
	struct hc *h = client();
	char csrf[65], *big;
	size_t n = 0;

	hc_login(h, f->admin, PW);
	hc_csrf(h, IMP, csrf);
	refused(h, f, csrf, "Latin-1 bytes", "email,company\nj\xf6rg@x.example,Cool Air\n", TEXT,
		"Line 2 is not UTF-8");
	refused(h, f, csrf, "unclosed quote", "email,company\na@x.example,\"Cool Air\nb,c\n", TEXT,
		"Line 2: a quoted field is not closed");
	refused(h, f, csrf, "unknown column", "email,company,shoe size\n", TEXT,
		"\"shoe size\" is not one the import knows");
	refused(h, f, csrf, "no email column", "company,group\nCool Air,x\n", TEXT,
		"with an email column");
	refused(h, f, csrf, "a header only", "email,company\r\n", TEXT, "no portal users");
	refused(h, f, csrf, "empty", "", TEXT, "Choose a CSV file");
	big = malloc(11000 * 40);
	n = (size_t)sprintf(big, "email,company\n");
	for (int i = 0; i < 10001; i++)
		n += (size_t)sprintf(big + n, "u%d@x.example,Cool Air\n", i);
	refused(h, f, csrf, "10,001 lines", big, n, "more than 10000 lines");
	free(big);
	big = malloc(5u << 20);
	memset(big, 'a', 5u << 20);
	memcpy(big, "email,company\n", 14);
	refused(h, f, csrf, "5 MiB", big, 5u << 20, "larger than 4096 KiB");
	free(big);
	ok(upload(h, NULL, "x.csv", "email,company\na@x.example,Cool Air\n", 35, NULL, NULL) == 403,
	   "upload without the CSRF token: 403");
	hc_free(h);
}

/* The file of the test: Excel's CSV UTF-8 in a ";" locale. */
static char *excel_file(const struct fx *f, size_t *len)
{
	char *cool = fx_customer(f, "Cool Air"), *out = malloc(4096);

	*len = (size_t)snprintf(
		out, 4096,
		"\xEF\xBB\xBF"
		"Email;Company;Customer number;First name;Last name;Group;Sites\r\n" /* 1 */
		"ann@import.example;ABM Apartments;;Ann;Lee;;\r\n"                   /* 2 create */
		"office@abm-apartments.example.com;ABM Apartments;;Olga;\"O\"\"Neil; "
		"Jr\";;North Wing|South Wing\r\n"                               /* 3 update */
		"service@coolair.example.com;Cool Air;;;;;\r\n"                 /* 4 skip */
		"dispatch@coolair.example.com;ABM Apartments;;;;;\r\n"          /* 5 error */
		"not-an-email;ABM Apartments;;;;;\r\n"                          /* 6 error */
		"ANN@import.example;ABM Apartments;;;;;\r\n"                    /* 7 error */
		"zed@import.example;Nowhere Inc;;;;;\r\n"                       /* 8 error */
		"yan@import.example;;%s;Yan;Ito;;all\r\n"                       /* 9 create */
		"\r\n"                                                          /* 10 blank */
		"wes@import.example;ABM Apartments;;;;No Such Group;\r\n"       /* 11 error */
		"vic@import.example;ABM Apartments;;;;;Moon Base\r\n"           /* 12 error */
		"\"ted@import.example\";ABM Apartments;;\"Two\nLines\";;;\r\n", /* 13 error */
		cool);
	free(cool);
	return out;
}

static void test_import(const struct fx *f, const struct fx *g)
{
	struct hc *h = client(), *o = client();
	char csrf[65], job[24] = "", path[96], fields[96], *file, *v;
	xmlDocPtr d;
	size_t len;
	long users;

	hc_login(h, f->admin, PW);
	hc_csrf(h, IMP, csrf);
	file = excel_file(f, &len);
	v = sql1("SELECT COUNT(*) FROM portal_users WHERE tenant_id = %s", f->tq);
	users = v ? atol(v) : -1;
	free(v);
	ok(upload(h, csrf, "clients;2026.csv", file, len, job, NULL) == 303 && job[0] != '\0',
	   "a file as Excel writes it: 303 to its job");
	d = job_done(h, job);
	ok(d != NULL && hc_valid(d), "the check ends; its page is schema-valid");
	ok(d && xp_is(d, "string(//portal-job/@phase)", "check") &&
		   xp_is(d, "string(//portal-job/@total)", "11") &&
		   xp_is(d, "string(//portal-job/title)", "clients;2026.csv"),
	   "the check: 11 lines (the blank one not counted), the file's name");
	ok(d && line_is(d, 2, "create", "Would be added and invited") &&
		   line_is(d, 3, "update", "Would change: sites, name") &&
		   line_is(d, 4, "skip", "as the file says") &&
		   line_is(d, 5, "error", "another customer (Cool Air)") &&
		   line_is(d, 6, "error", "email address") &&
		   line_is(d, 7, "error", "on line 2 already") &&
		   line_is(d, 8, "error", "No customer is called \"Nowhere Inc\"") &&
		   line_is(d, 9, "create", NULL) &&
		   line_is(d, 11, "error", "No permission group is called") &&
		   line_is(d, 12, "error", "no site called \"Moon Base\"") &&
		   line_is(d, 13, "error", "The name"),
	   "each line's outcome and reason, by the file's line numbers");
	ok(d && xp_is(d, "string(//count[@outcome='create']/@n)", "2") &&
		   xp_is(d, "string(//count[@outcome='error']/@n)", "7") &&
		   xp_is(d, "string(//portal-job/@can-run)", "3"),
	   "counts: 2 to add, 1 to update, 1 unchanged, 7 errors; 3 can be imported");
	xmlFreeDoc(d);
	v = sql1("SELECT COUNT(*) FROM portal_users WHERE tenant_id = %s", f->tq);
	ok(v && atol(v) == users &&
		   count_is("0",
			    "SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
			    "'portal_user.add'",
			    f->tq),
	   "the check changed nothing");
	free(v);

	/* Another company: 404 for the page, the run and the report. */
	hc_login(o, g->admin, PW);
	snprintf(path, sizeof path, JOB "?id=%s", job);
	ok(get_status(o, path) == 404, "another company's job: 404");
	snprintf(path, sizeof path, JOB "/report?id=%s", job);
	ok(get_status(o, path) == 404, "another company's report: 404");
	snprintf(fields, sizeof fields, "id=%s&op=run", job);
	ok(post_form(o, IMP, JOB, fields, NULL, NULL, 0) == 404, "another company's run: 404");

	ok(post_form(h, IMP, JOB, fields, NULL, NULL, 0) == 303, "Import: 303");
	d = job_done(h, job);
	ok(d && xp_is(d, "string(//portal-job/@phase)", "run") &&
		   xp_is(d, "string(//portal-job/@state)", "done") &&
		   line_is(d, 2, "create", "Added and invited") &&
		   line_is(d, 3, "update", "Changed: sites, name") &&
		   line_is(d, 9, "create", NULL) && line_is(d, 5, "error", NULL),
	   "the import: the same outcomes, done");
	xmlFreeDoc(d);
	ok(count_is("1",
		    "SELECT COUNT(*) FROM portal_users pu JOIN customer_contacts c ON "
		    "c.portal_user_id = pu.id JOIN portal_groups g ON g.id = pu.group_id AND "
		    "g.is_default = 1 WHERE pu.tenant_id = %s AND pu.email = 'ann@import.example' "
		    "AND c.name = 'Ann Lee' AND pu.all_sites = 1 AND pu.password_hash IS NULL",
		    f->tq),
	   "ann: added to ABM with the default group, all sites, contact Ann Lee, no password");
	ok(count_is("1",
		    "SELECT COUNT(*) FROM portal_invitations i JOIN portal_users pu ON pu.id = "
		    "i.portal_user_id WHERE pu.tenant_id = %s AND pu.email = 'ann@import.example'",
		    f->tq),
	   "ann: invited (the ledger has her invitation)");
	ok(count_is("North Wing,South Wing",
		    "SELECT GROUP_CONCAT(s.name ORDER BY s.name) FROM portal_user_sites x JOIN "
		    "sites s ON s.id = x.site_id JOIN portal_users pu ON pu.id = x.portal_user_id "
		    "WHERE pu.tenant_id = %s AND pu.email = 'office@abm-apartments.example.com'",
		    f->tq),
	   "office@abm: now North Wing and South Wing only");
	ok(count_is("Olga O\"Neil; Jr",
		    "SELECT c.name FROM customer_contacts c JOIN portal_users pu ON pu.id = "
		    "c.portal_user_id WHERE pu.tenant_id = %s AND pu.email = "
		    "'office@abm-apartments.example.com'",
		    f->tq),
	   "office@abm: its contact renamed, the quoted \";\" and quote kept");
	ok(count_is("Cool Air",
		    "SELECT company_name FROM portal_users WHERE tenant_id = %s AND "
		    "email = 'yan@import.example'",
		    f->tq),
	   "yan: added to the customer its number names");
	ok(count_is("2",
		    "SELECT COUNT(*) FROM audit_log a WHERE a.tenant_id = %s AND a.action = "
		    "'portal_user.add' AND a.actor_email = (SELECT email FROM office_users WHERE "
		    "id = a.actor_user_id) AND a.new_value LIKE 'imported from clients_2026.csv, "
		    "line "
		    "%%'",
		    f->tq),
	   "two audit entries portal_user.add by the admin, naming the file and line");
	ok(count_is("0",
		    "SELECT COUNT(*) FROM portal_users WHERE tenant_id = %s AND email IN "
		    "('zed@import.example', 'wes@import.example', 'vic@import.example', "
		    "'ted@import.example')",
		    f->tq),
	   "no line with an error was imported");
	ok(post_form(h, IMP, JOB, fields, NULL, NULL, 0) == 409,
	   "the same import again: 409 (it ran already)");

	/* The report. */
	{
		struct hc_resp r;
		char b[128];
		snprintf(path, sizeof path, JOB "/report?id=%s", job);
		hc_get(h, path, &r);
		ok(r.status == 200 &&
			   strstr(hc_header(&r, "Content-Type", b, sizeof b) ?: "", "text/csv") !=
				   NULL &&
			   r.len > 3 &&
			   memcmp(r.body,
				  "\xEF\xBB\xBF"
				  "line,email,outcome,message\r\n",
				  31) == 0 &&
			   strstr(r.body,
				  "\r\n2,ann@import.example,create,Added and invited.\r\n") &&
			   strstr(r.body, "\r\n7,ann@import.example,error,") != NULL,
		   "the report as CSV: BOM, header, a line per line of the file");
		hc_resp_free(&r);
	}
	d = get_xml(h, IMP, 200, "the import page lists the import");
	ok(d && xp_is(d, "string(//job[1]/title)", "clients;2026.csv"), "recent imports: this one");
	xmlFreeDoc(d);
	free(file);
	hc_free(h);
	hc_free(o);
}

/* gatehouse-jobs killed with SIGKILL in the middle of an import: each line
 * done exactly once after its supervisor starts it again. */
static void test_kill(const struct fx *f)
{
	struct hc *h = client(), *ed = client();
	char csrf[65], job[24] = "", fields[64], *file, *v;
	size_t n = 0;
	xmlDocPtr d;
	int seen = 0;

	hc_login(h, f->admin, PW);
	hc_csrf(h, IMP, csrf);
	file = malloc(300 * 64 + 64);
	n = (size_t)sprintf(file, "email,company,name\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(file + n, "kill%03d@import.example,The Loop,Person %d\n", i,
				     i);
	upload(h, csrf, "kill.csv", file, n, job, NULL);
	d = job_done(h, job);
	xmlFreeDoc(d);
	snprintf(fields, sizeof fields, "id=%s&op=run", job);
	/* Imported by another office user than the uploader: the entries are
	 * theirs. */
	hc_login(ed, f->editor, PW);
	post_form(ed, IMP, JOB, fields, NULL, NULL, 0);
	for (int i = 0; i < 300 && !seen; i++) {
		v = sql1("SELECT done FROM jobs WHERE id = %s AND phase = 'run'", job);
		seen = v && atol(v) >= 20;
		free(v);
		if (!seen)
			usleep(20000);
	}
	ok(seen && shell("kill -9 $(cat '%s/run/jobs.pid')", state) == 0,
	   "gatehouse-jobs killed with SIGKILL after 20 lines");
	v = sql1("SELECT done < total FROM jobs WHERE id = %s", job);
	ok(v && strcmp(v, "1") == 0, "... in the middle of the import");
	free(v);
	d = job_done(h, job);
	ok(d && xp_is(d, "string(//count[@outcome='create']/@n)", "300"),
	   "after its restart the import ends: 300 added");
	xmlFreeDoc(d);
	ok(count_is("300",
		    "SELECT COUNT(*) FROM portal_users WHERE tenant_id = %s AND email LIKE "
		    "'kill%%@import.example'",
		    f->tq) &&
		   count_is("300",
			    "SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND action = "
			    "'portal_user.add' AND new_value LIKE 'imported from kill.csv%%'",
			    f->tq) &&
		   count_is("300",
			    "SELECT COUNT(*) FROM job_items WHERE job_id = %s AND phase = "
			    "'run'",
			    job),
	   "each line exactly once: 300 users, 300 audit entries, 300 report lines");
	ok(count_is("300",
		    "SELECT COUNT(*) FROM audit_log a WHERE a.tenant_id = %s AND a.action = "
		    "'portal_user.add' AND a.new_value LIKE 'imported from kill.csv%%' AND "
		    "a.actor_email LIKE 'editor@%%'",
		    f->tq),
	   "the entries name who pressed Import (the editor), not the uploader");
	ok(count_is("0", "SELECT LENGTH(input) FROM jobs WHERE id = %s", job),
	   "once imported, the file is gone from the database (the report stays)");
	hc_free(ed);
	free(file);
	hc_free(h);
}

/* Cells longer than the report's columns, and a long name cut in the
 * middle of its characters: each line reported as an error, the job ends
 * (it used to be taken again for ever, its report line refused). */
static void test_long_cells(const struct fx *f)
{
	struct hc *h = client();
	char csrf[65], job[24] = "", file[4096], email[301], company[501];
	xmlDocPtr d;
	size_t n;

	hc_login(h, f->admin, PW);
	hc_csrf(h, IMP, csrf);
	memset(email, 'a', 290);
	memcpy(email + 290, "@x.example", 11);
	for (n = 0; n + 2 < sizeof company; n += 2)
		memcpy(company + n, "\xc3\x89", 2); /* É, 250 of them */
	company[n] = '\0';
	n = (size_t)snprintf(file, sizeof file, "email,company\n%s,Cool Air\nok@x.example,%s\n",
			     email, company);
	ok(upload(h, csrf, "long.csv", file, n, job, NULL) == 303, "long cells: 303 to the job");
	d = job_done(h, job);
	ok(d && xp_is(d, "string(//portal-job/@state)", "done") &&
		   xp_is(d, "string(//count[@outcome='error']/@n)", "2") &&
		   line_is(d, 2, "error", "at most 254 characters") &&
		   line_is(d, 3, "error", "No customer is called"),
	   "long cells: the check ends, both lines errors with their reasons");
	xmlFreeDoc(d);
	/* A job claimed again and again without an item done (its worker
	 * dying on it each time): ended as failed, not taken for ever. */
	free(sql1("UPDATE jobs SET state = 'queued', done = 0, claims = 6, lease_until = NULL "
		  "WHERE id = %s",
		  job));
	d = job_done(h, job);
	ok(d && xp_is(d, "string(//portal-job/@state)", "failed") &&
		   xp_is(d, "contains(//portal-job/error, 'several tries')", "true"),
	   "a job past its claims without progress ends as failed, saying so");
	xmlFreeDoc(d);
	hc_free(h);
}

#define BULK "/settings/client/portal-access/bulk-action"

/* f's portal user's id (caller frees). */
static char *user_id(const struct fx *f, const char *email)
{
	return sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = '%s'", f->tq,
		    email);
}

/* POSTs a bulk action: the status; the job's id into job on 303. */
static long bulk(struct hc *h, const char *fields, char job[24])
{
	char loc[256];
	long st =
		post_form(h, "/settings/client/portal-access", BULK, fields, NULL, loc, sizeof loc);

	if (job != NULL)
		snprintf(job, 24, "%s", strstr(loc, "id=") ? strstr(loc, "id=") + 3 : "");
	return st;
}

static void test_bulk(const struct fx *f, const struct fx *g)
{
	struct hc *h = client(), *o = client();
	char *a = user_id(f, "service@coolair.example.com");
	char *b = user_id(f, "dispatch@coolair.example.com");
	char *other = user_id(g, "office@abm-apartments.example.com");
	char *grp = (free(sql1("INSERT INTO portal_groups (tenant_id, name, perms) VALUES (%s, "
			       "'Managers', 'jobs_view')",
			       f->tq)),
		     sql1("SELECT id FROM portal_groups WHERE tenant_id = %s AND name = 'Managers'",
			  f->tq));
	char *ogrp = sql1("SELECT id FROM portal_groups WHERE tenant_id = %s AND is_system = 0 "
			  "LIMIT 1",
			  g->tq);
	char path[256], fields[512], job[24] = "";
	xmlDocPtr d;

	hc_login(h, f->admin, PW);
	snprintf(path, sizeof path, BULK "?id=%s&id=%s&q=cool", a, b);
	d = get_xml(h, path, 200, "bulk action: the choices for two ticked users");
	ok(d && xp_is(d, "count(//portal-bulk-action/user)", "2") &&
		   xp_is(d, "string(//portal-bulk-action/@filter)", "cool") &&
		   xp_is(d, "string(//keep[@name='q']/@value)", "cool"),
	   "bulk action: the ticked users and the view ride along");
	xmlFreeDoc(d);
	snprintf(path, sizeof path, BULK "?id=%s", other);
	ok(get_status(h, path) == 404, "bulk action: another company's user: 404");

	snprintf(fields, sizeof fields, "id=%s&id=%s&action=revoke&scope=selected", a, b);
	ok(bulk(h, fields, job) == 303 && job[0], "revoke two ticked users: 303 to the job");
	d = job_done(h, job);
	ok(d && hc_valid(d) && xp_is(d, "string(//portal-job/@kind)", "bulk") &&
		   xp_is(d, "string(//count[@outcome='done']/@n)", "2") &&
		   xp_is(d, "string(//item[@n='1']/message)", "Access revoked."),
	   "the job: 2 done, each reported");
	xmlFreeDoc(d);
	ok(count_is("2",
		    "SELECT COUNT(*) FROM portal_users WHERE tenant_id = %s AND status = "
		    "'revoked' AND email LIKE '%%coolair.example.com'",
		    f->tq) &&
		   count_is(
			   "2",
			   "SELECT COUNT(*) FROM audit_log a WHERE a.tenant_id = %s AND a.action = "
			   "'portal_user.revoke' AND a.actor_email LIKE 'admin@%%' AND "
			   "a.target_kind = 'portal_user'",
			   f->tq),
	   "both revoked, each with its audit entry by the admin");
	snprintf(fields, sizeof fields, "id=%s&id=%s&action=restore&scope=selected", a, b);
	bulk(h, fields, job);
	xmlFreeDoc(job_done(h, job));
	ok(count_is("0",
		    "SELECT COUNT(*) FROM portal_users WHERE tenant_id = %s AND status = "
		    "'revoked'",
		    f->tq),
	   "restore: both have access again");
	snprintf(fields, sizeof fields, "id=%s&action=group&group=%s&scope=selected", a, grp);
	bulk(h, fields, job);
	xmlFreeDoc(job_done(h, job));
	snprintf(path, sizeof path,
		 "SELECT COUNT(*) FROM portal_users WHERE tenant_id = %%s AND id = %s AND "
		 "group_id = %s",
		 a, grp);
	ok(count_is("1", path, f->tq), "change group: the user is in the chosen group");

	snprintf(fields, sizeof fields, "id=%s&action=group&group=%s&scope=selected", a, ogrp);
	ok(bulk(h, fields, NULL) == 422, "change group to another company's group: 422");
	snprintf(fields, sizeof fields, "id=%s&action=group&scope=selected", a);
	ok(bulk(h, fields, NULL) == 422, "change group without a group: 422");
	ok(bulk(h, "action=revoke&scope=selected", NULL) == 422, "nobody ticked: 422");
	snprintf(fields, sizeof fields, "id=%s&scope=selected", a);
	ok(bulk(h, fields, NULL) == 422, "no action: 422");
	snprintf(fields, sizeof fields, "id=%s&action=delete&scope=selected", other);
	ok(bulk(h, fields, NULL) == 404 &&
		   count_is("1",
			    "SELECT COUNT(*) FROM portal_users WHERE tenant_id = %s AND "
			    "email = 'office@abm-apartments.example.com'",
			    g->tq),
	   "delete another company's user: 404, it is still there");
	hc_login(o, f->viewer, PW);
	ok(get_status(o, BULK) == 403, "bulk action: a View Only user gets 403");

	/* Every user the view holds. */
	ok(bulk(h, "q=coolair&action=resend&scope=all", job) == 303, "resend to a filter: 303");
	d = job_done(h, job);
	ok(d && xp_is(d, "string(//portal-job/@total)", "2") &&
		   xp_is(d, "string(//count[@outcome='done']/@n)", "2"),
	   "resend to every user the filter holds: 2 invited");
	xmlFreeDoc(d);
	ok(count_is("2",
		    "SELECT COUNT(*) FROM portal_invitations i JOIN portal_users pu ON pu.id = "
		    "i.portal_user_id WHERE pu.tenant_id = %s AND pu.email LIKE "
		    "'%%coolair.example.com'",
		    f->tq),
	   "... each has an invitation");
	ok(bulk(h, "q=kill&action=delete&scope=all", job) == 303, "delete a view of 300: 303");
	d = job_done(h, job);
	ok(d && xp_is(d, "string(//portal-job/@total)", "300") &&
		   xp_is(d, "string(//count[@outcome='done']/@n)", "300") &&
		   xp_is(d, "string(//portal-job/@more-after)", "200"),
	   "the job deleted 300; its report pages by 200");
	xmlFreeDoc(d);
	ok(count_is("0",
		    "SELECT COUNT(*) FROM portal_users WHERE tenant_id = %s AND email LIKE "
		    "'kill%%'",
		    f->tq) &&
		   count_is("300",
			    "SELECT COUNT(*) FROM audit_log WHERE tenant_id = %s AND "
			    "action = 'portal_user.delete'",
			    f->tq),
	   "300 gone, 300 audit entries");
	ok(bulk(h, "q=nobody-matches-this&action=revoke&scope=all", NULL) == 422,
	   "a view that holds nobody: 422");
	free(a);
	free(b);
	free(other);
	free(grp);
	free(ogrp);
	hc_free(h);
	hc_free(o);
}

int main(void)
{
	struct fx f, g;

	test_env();
	if (!ok(fx_make(&f, "import", "Import Field Services",
			FX_STAFF | FX_CUSTOMERS | FX_RECORDS | FX_PORTAL_ON) == 0 &&
			fx_make(&g, "import-other", "Other Import Services", FX_CUSTOMERS) == 0,
		"two companies of this test's own"))
		return done_testing();
	test_page(&f);
	test_refused(&f);
	test_import(&f, &g);
	test_kill(&f);
	test_long_cells(&f);
	test_bulk(&f, &g);
	return done_testing();
}
