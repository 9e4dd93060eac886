/* /portal/<slug>/jobs[?id=N]: the customer's jobs and schedule.  With
 * "Jobs / Schedule: request service" a signed-in user asks for a visit:
 * a job in status "requested" on one of their sites, on a preferred date,
 * that the office then schedules.  Without "Jobs / Schedule: view" 403;
 * another customer's job, or one on a site not granted, 404. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pages.h"
#include "perm.h"
#include "records.h"
#include "xml.h"

static const struct rec_kind kind = {
	.kind = "job",
	.section = "jobs",
	.perm = "jobs_view",
	.act_perm = "jobs_request",
	.action = "request",
};

enum { F_ACTION, F_SITE, F_DATE, F_DESC };
static const struct val_field form[] = {
	[F_ACTION] = {"action", val_line, 16, VAL_REQUIRED, "Action"},
	[F_SITE] = {"site", val_id, 10, 0, "Site"},
	[F_DATE] = {"date", val_date, 10, VAL_REQUIRED, "Preferred date"},
	[F_DESC] = {"description", val_line, 500, VAL_REQUIRED, "What needs doing"},
};

struct site_pick {
	xmlNodePtr parent;
	unsigned want;
	int found;
};

static int add_site(void *p, const struct db_site *s)
{
	struct site_pick *x = p;
	if (x->parent) {
		xmlNodePtr n = xml_text_el(x->parent, "site", s->name);
		xml_attr_int(n, "id", s->id);
		if (s->parent_id)
			xml_attr_int(n, "parent", s->parent_id);
	}
	if (s->id == x->want)
		x->found = 1;
	return 0;
}

/* Whether the session sees every site of its customer (then a request may
 * be customer-wide; otherwise it must name one of the granted sites, or the
 * user could not see their own request). */
static enum db_result all_sites(struct http *h, int *all)
{
	if (h->psess.user_id == 0) {
		*all = 1;
		return DB_OK;
	}
	return db_user_all_sites(h->db, h->tenant.id, h->psess.user_id, all);
}

static enum page_result jobs_get(struct http *h, xmlNodePtr root)
{
	unsigned only = h->q[RECORDS_ID].st == VAL_OK ? (unsigned)h->q[RECORDS_ID].num : 0;
	enum page_result r = records_get(h, root, &kind, only);
	struct site_pick sp = {0};
	enum db_result rc;
	int all;

	if (r != PAGE_OK || only || !records_may_act(h, &kind))
		return r;
	/* The request form: the sites the user may name. */
	xmlNodePtr req = xml_el(xmlGetLastChild(root), "request");
	if ((rc = all_sites(h, &all)) != DB_OK)
		return http_db_fail(rc);
	xml_attr_bool(req, "site-required", !all);
	sp.parent = req;
	if ((rc = db_portal_sites(h->db, h->tenant.id, h->psess.customer_id, h->psess.user_id,
				  add_site, &sp)) != DB_OK)
		return http_db_fail(rc);
	return PAGE_OK;
}

static enum page_result jobs_post(struct http *h)
{
	struct site_pick sp = {0};
	struct db_record_new n = {0};
	enum db_result rc;
	unsigned id = 0;
	char to[200], target[48];
	int all;
	time_t now = time(NULL);
	struct tm tm;
	long long today;

	if (strcmp(h->f[F_ACTION].str, kind.action) != 0)
		return http_bad_request(h, "Unknown action: use request.");
	if (!perm_portal_has(h->psess.perms, kind.perm) || !records_may_act(h, &kind))
		return PAGE_FORBIDDEN;
	gmtime_r(&now, &tm);
	today = (long long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	if (h->f[F_DATE].num < today)
		return http_field_error(h, F_DATE, "Choose today or a later day.");
	if ((rc = all_sites(h, &all)) != DB_OK)
		goto out;
	sp.want = h->f[F_SITE].st == VAL_OK ? (unsigned)h->f[F_SITE].num : 0;
	if (sp.want == 0 && !all)
		return http_field_error(h, F_SITE, "Choose the site the visit is for.");
	if (sp.want) {
		if ((rc = db_portal_sites(h->db, h->tenant.id, h->psess.customer_id,
					  h->psess.user_id, add_site, &sp)) != DB_OK)
			goto out;
		if (!sp.found) {
			return PAGE_NOT_FOUND; /* another customer's site, or one not
						  granted */
		}
	}
	n.tenant_id = h->tenant.id;
	n.customer_id = h->psess.customer_id;
	n.site_id = sp.want;
	n.kind = kind.kind;
	n.title = "Service request";
	n.detail = h->f[F_DESC].str;
	n.date = h->f[F_DATE].str;
	n.status = "requested";
	n.by = h->psess.email;
	/* The requester is the job's contact: what an "own records only"
	 * group shows them (sql/028); a token link has no user (0). */
	n.contact_user_id = h->psess.user_id;
	n.amount_cents = -1;
	n.is_public = 1;
	if ((rc = db_record_add(h->db, &n, &id)) == DB_OK) {
		snprintf(target, sizeof target, "job %u", id);
		rc = portal_audit(h, "portal.job_request", target, NULL, h->f[F_DESC].str);
	}
	/* The office's inbox item (sql/029), in the same transaction. */
	if (rc == DB_OK)
		rc = db_inbox_add(h->db, h->tenant.id, id, h->psess.customer_id, h->psess.user_id,
				  h->psess.email, "job_request");
out:
	snprintf(to, sizeof to, "/portal/%s/jobs?id=%u", h->slug, id);
	return http_done(h, rc, to);
}

const struct page page_portal_jobs = {
	.path = "/portal/*/jobs",
	.name = "portal-records",
	.title = "Jobs / Schedule",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.query = records_query,
	.nquery = 1,
	PAGE_FORM(form),
	.get = jobs_get,
	.post = jobs_post,
	.txn = 1,  /* the core begins, commits or rolls back */
	.memo = 1, /* shows the client's records: no secret */
};
