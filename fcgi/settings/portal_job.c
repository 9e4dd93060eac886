/* Portal Access > Import (issue 15) and the jobs it and the list's bulk
 * actions start (sql/030, run by gatehouse-jobs):
 *  - /settings/client/portal-access/import: upload a CSV file; its shape
 *    (UTF-8, quotes, the header's columns, the limits) is checked at once,
 *    and nothing is kept when it is wrong; otherwise a job checks each line
 *    (the dry run) and the page of the job follows.
 *  - /settings/client/portal-access/job?id=: a job's progress (the page
 *    refreshes itself while it runs, and can be left and revisited), its
 *    counts per outcome and its report; after a dry run, "Import".
 *  - /settings/client/portal-access/job/report?id=: the report as CSV. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "log.h"
#include "pages.h"
#include "pimport.h"
#include "xml.h"

/* The largest request body the page takes; [jobs] import_max_bytes, at
 * most this, is the limit the user is told. */
#define UPLOAD_MAX (16u << 20)
#define REFRESH_SECS 2

/* ---- the upload ---- */

enum { F_FILE };
static const struct val_field upload_form[] = {
	/* Never echoed into the page: the file can be megabytes. */
	[F_FILE] = {"file", val_file, UPLOAD_MAX, VAL_SECRET, "CSV file"},
};

static int recent_row(void *ctx, const struct db_job *j)
{
	xmlNodePtr n = xml_el(ctx, "job");
	xml_attr_int(n, "id", (long long)j->id);
	xml_attr(n, "phase", j->phase);
	xml_attr(n, "state", j->state);
	xml_attr_int(n, "total", j->total);
	xml_attr_int(n, "done", j->done);
	xml_attr(n, "created", j->created);
	xml_text_el(n, "title", j->title);
	xml_text_el(n, "by", j->actor_email);
	return 0;
}

static enum page_result import_get(struct http *h, xmlNodePtr root)
{
	xmlNodePtr page = xml_el(root, "portal-import");
	enum db_result rc;

	xml_attr_int(page, "max-rows", h->conf->jobs.max_rows);
	xml_attr_int(page, "max-bytes", h->conf->jobs.max_bytes);
	xml_attr_bool(page, "portal-enabled", h->sess.tenant.portal_enabled);
	if ((rc = db_jobs_recent(h->db, h->sess.tenant_id, "import", 10, recent_row, page)) !=
	    DB_OK)
		return http_db_fail(rc);
	return PAGE_OK;
}

/* The file as the job will read it, checked: NULL, or what is wrong. */
static const char *file_check(struct http *h, const char *data, size_t len, size_t *rows)
{
	struct csv_table t;
	struct pimport p;
	enum csv_result cr;
	char buf[300];
	const char *bad;

	if (len > h->conf->jobs.max_bytes)
		return http_text(h, "The file is larger than %u KiB: split it.",
				 h->conf->jobs.max_bytes / 1024);
	if ((cr = csv_parse(data, len, h->conf->jobs.max_rows + 1, 2000, &t)) != CSV_OK)
		return http_text(
			h, "%s",
			csv_message(cr, t.err_line, h->conf->jobs.max_rows + 1, buf, sizeof buf));
	memset(&p, 0, sizeof p);
	p.t = &t;
	if ((bad = pimport_header(&p, buf, sizeof buf)) != NULL)
		bad = http_text(h, "%s", bad);
	*rows = t.nrows - 1;
	csv_free(&t);
	return bad;
}

static enum page_result import_post(struct http *h)
{
	const struct val_value *f = &h->f[F_FILE];
	struct db_job j;
	uint64_t id = 0;
	size_t rows = 0;
	char where[80];
	const char *bad;
	enum db_result rc;

	if (f->st != VAL_OK)
		return http_field_error(h, F_FILE, "Choose a CSV file to import.");
	if ((bad = file_check(h, f->raw, (size_t)f->num, &rows)) != NULL)
		return http_field_error(h, F_FILE, bad);
	settings_job_actor(h, &j);
	snprintf(j.kind, sizeof j.kind, "import");
	snprintf(j.title, sizeof j.title, "%s", h->upload_name[0] ? h->upload_name : "upload.csv");
	j.total = (unsigned)rows;
	if ((rc = db_job_add(h->db, &j, f->raw, (size_t)f->num, &id)) == DB_OK)
		rc = http_audit(h, "portal_user.import_check", j.title, NULL,
				http_text(h, "%zu lines", rows));
	snprintf(where, sizeof where, "/settings/client/portal-access/job?id=%llu",
		 (unsigned long long)id);
	return http_done(h, rc, where);
}

const struct page page_portal_import = {
	.path = "/settings/client/portal-access/import",
	.name = "portal-import",
	.title = "Import Portal Users",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	PAGE_FORM(upload_form),
	.get = import_get,
	.post = import_post,
	.txn = 1,
	.upload_max = UPLOAD_MAX,
};

/* ---- a job ---- */

VAL_CHOICE(show_choice, "Show is create, update, skip, error or done.", "create", "update", "skip",
	   "error", "done")
VAL_CHOICE(op_choice, "Unknown action.", "run")
enum { Q_ID, Q_SHOW, Q_AFTER };
static const struct val_field job_query[] = {
	[Q_ID] = {"id", val_id, 20, VAL_REQUIRED, "Job"},
	[Q_SHOW] = {"show", show_choice, 8, 0, "Show"},
	[Q_AFTER] = {"after", val_uint, 10, 0, "After"},
};
enum { J_ID, J_OP };
static const struct val_field job_form[] = {
	[J_ID] = {"id", val_id, 20, VAL_REQUIRED, "Job"},
	[J_OP] = {"op", op_choice, 8, VAL_REQUIRED, "Action"},
};

struct items {
	xmlNodePtr page;
	unsigned n, last;
};

static int item_row(void *ctx, const struct db_job_item *it)
{
	struct items *x = ctx;
	xmlNodePtr n = xml_el(x->page, "item");

	xml_attr_int(n, "n", it->n);
	xml_attr(n, "outcome", it->outcome);
	xml_text_el(n, "subject", it->subject);
	xml_text_el(n, "message", it->message);
	x->n++;
	x->last = it->n;
	return 0;
}

/* The job of the query or form, this tenant's only: DB_NOTFOUND else. */
static enum db_result job_of(struct http *h, long long id, struct db_job *j)
{
	return db_job_get(h->db, h->sess.tenant_id, (uint64_t)id, j);
}

static enum page_result job_get(struct http *h, xmlNodePtr root)
{
	struct db_job j;
	struct items x = {0};
	unsigned counts[DB_JOB_NOUTCOMES];
	const char *show = h->q[Q_SHOW].st == VAL_OK ? db_job_outcomes[h->q[Q_SHOW].num] : "";
	unsigned after = h->q[Q_AFTER].st == VAL_OK ? (unsigned)h->q[Q_AFTER].num : 0;
	enum db_result rc;
	xmlNodePtr page, c;
	int live;

	/* A form without its job (a POST re-rendered) has no page to show. */
	if (h->q[Q_ID].st != VAL_OK)
		return http_bad_request(h, "This link names no job.");
	if ((rc = job_of(h, h->q[Q_ID].num, &j)) != DB_OK)
		return rc == DB_NOTFOUND ? PAGE_NOT_FOUND : http_db_fail(rc);
	if ((rc = db_job_counts(h->db, j.id, j.phase, counts)) != DB_OK)
		return http_db_fail(rc);
	live = strcmp(j.state, "queued") == 0 || strcmp(j.state, "running") == 0;
	page = xml_el(root, "portal-job");
	xml_attr_int(page, "id", (long long)j.id);
	xml_attr(page, "kind", j.kind);
	xml_attr(page, "phase", j.phase);
	xml_attr(page, "state", j.state);
	if (j.action[0] != '\0')
		xml_attr(page, "action", j.action);
	xml_attr_int(page, "total", j.total);
	xml_attr_int(page, "done", j.done);
	xml_attr_int(page, "percent", j.total ? (long long)j.done * 100 / j.total : 100);
	xml_attr(page, "created", j.created);
	if (j.started[0] != '\0')
		xml_attr(page, "started", j.started);
	if (j.finished[0] != '\0')
		xml_attr(page, "finished", j.finished);
	if (live)
		xml_attr_int(page, "refresh", REFRESH_SECS);
	if (show[0] != '\0')
		xml_attr(page, "show", show);
	/* An import's dry run done: it may go on, unless nothing would change. */
	if (strcmp(j.kind, "import") == 0 && strcmp(j.phase, "check") == 0 &&
	    strcmp(j.state, "done") == 0 && counts[DB_JOB_CREATE] + counts[DB_JOB_UPDATE] > 0)
		xml_attr_int(page, "can-run", counts[DB_JOB_CREATE] + counts[DB_JOB_UPDATE]);
	xml_text_el(page, "title", j.title);
	xml_text_el(page, "by", j.actor_email);
	if (j.error[0] != '\0')
		xml_text_el(page, "error", j.error);
	for (int k = 0; k < DB_JOB_NOUTCOMES; k++) {
		if (counts[k] == 0)
			continue;
		c = xml_el(page, "count");
		xml_attr(c, "outcome", db_job_outcomes[k]);
		xml_attr_int(c, "n", counts[k]);
	}
	x.page = page;
	if ((rc = db_job_items(h->db, j.id, j.phase, show, after, item_row, &x)) != DB_OK)
		return http_db_fail(rc);
	if (x.n == 200)
		xml_attr_int(page, "more-after", x.last);
	return PAGE_OK;
}

static enum page_result job_post(struct http *h)
{
	struct db_job j, by;
	char where[80];
	enum db_result rc;

	if ((rc = job_of(h, h->f[J_ID].num, &j)) != DB_OK)
		return rc == DB_NOTFOUND ? PAGE_NOT_FOUND : http_db_fail(rc);
	snprintf(where, sizeof where, "/settings/client/portal-access/job?id=%llu",
		 (unsigned long long)j.id);
	settings_job_actor(h, &by);
	if ((rc = db_job_run(h->db, &by, j.id)) == DB_NOTFOUND) {
		h->error_msg = "This import has run already, or its check is not finished.";
		return PAGE_CONFLICT;
	}
	if (rc == DB_OK)
		rc = http_audit(h, "portal_user.import", j.title, NULL,
				http_text(h, "%u lines", j.total));
	return http_done(h, rc, where);
}

const struct page page_portal_job = {
	.path = "/settings/client/portal-access/job",
	.name = "portal-job",
	.title = "Portal Users Job",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(job_query),
	PAGE_FORM(job_form),
	.get = job_get,
	.post = job_post,
	.txn = 1,
};

/* ---- the report as CSV ---- */

static const struct val_field report_query[] = {
	{"id", val_id, 20, VAL_REQUIRED, "Job"},
};

struct report {
	struct http *h;
	unsigned n, last;
	int failed;
};

static int put(void *ctx, const char *s, size_t n)
{
	struct report *x = ctx;

	if (x->failed || FCGX_PutStr(s, (int)n, x->h->fr->out) != (int)n)
		return x->failed = 1;
	x->h->bytes_out += n;
	return 0;
}

static int report_row(void *ctx, const struct db_job_item *it)
{
	struct report *x = ctx;
	char n[16];

	snprintf(n, sizeof n, "%u", it->n);
	x->n++;
	x->last = it->n;
	return csv_put_field(n, 0, put, x) || csv_put_field(it->subject, 0, put, x) ||
	       csv_put_field(it->outcome, 0, put, x) || csv_put_field(it->message, 1, put, x);
}

static enum page_result report_stream(struct http *h)
{
	static const char head[] = CSV_BOM "line,email,outcome,message\r\n";
	struct report x = {.h = h};
	struct db_job j;
	char name[80];
	enum db_result rc;

	if ((rc = job_of(h, h->q[0].num, &j)) != DB_OK)
		return rc == DB_NOTFOUND ? PAGE_NOT_FOUND : http_db_fail(rc);
	snprintf(name, sizeof name, "%s-%llu-%s.csv",
		 strcmp(j.kind, "import") == 0 ? "import" : "bulk", (unsigned long long)j.id,
		 j.phase);
	http_stream_start(h, "text/csv; charset=utf-8", name);
	put(&x, head, sizeof head - 1);
	do {
		x.n = 0;
		rc = db_job_items(h->db, j.id, j.phase, "", x.last, report_row, &x);
	} while (rc == DB_OK && !x.failed && x.n == 200);
	if (rc != DB_OK)
		log_err("job report stopped: %s", db_errmsg(h->db));
	return PAGE_OK;
}

const struct page page_portal_job_report = {
	.path = "/settings/client/portal-access/job/report",
	.name = "portal-job-report",
	.title = "Job report",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(report_query),
	.stream = report_stream,
};
