/* /settings/client/portal-access-settings (seed 001): the Enable Client
 * Portal switch, the direct link and frame code, the allowed frame origins,
 * and the tenant's time zone (dates on every page are shown in it unless a
 * user chose their own). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"
#include "xml.h"

enum { Q_SAVED, Q_INVITED };
static const struct val_field query[] = {
	[Q_SAVED] = {"saved", val_bool, 1, 0, "Saved"},
	/* back from "invite them all": how many were */
	[Q_INVITED] = {"invited", val_uint, 6, 0, "Invited"},
};

enum { F_ENABLED, F_ORIGINS, F_TZ, F_REMINDERS };
static const struct val_field form[] = {
	[F_ENABLED] = {"enabled", val_bool, 5, 0, "Enable Client Portal"},
	[F_ORIGINS] = {"frame_origins", val_origins, 6000, 0, "Allowed frame origins"},
	/* Absent: kept as it is (forms and scripts from before it existed). */
	[F_TZ] = PAGE_TZ_FIELD,
	/* A checkbox: absent is off. */
	[F_REMINDERS] = {"reminders", val_bool, 1, 0, "Remind invited users"},
};

static enum page_result ps_get(struct http *h, xmlNodePtr root)
{
	struct db_tenant *t = &h->sess.tenant; /* read with the session */
	unsigned long long uninvited = 0;
	char link[700];
	xmlNodePtr ps, fo;
	enum db_result rc;
	int reminders = 1;

	if (h->method == HTTP_GET && h->q[Q_SAVED].st == VAL_OK && h->q[Q_SAVED].num)
		http_notice(h, "success", "Settings saved.");
	if (h->method == HTTP_GET && h->q[Q_INVITED].st == VAL_OK)
		http_notice(h, "success",
			    http_text(h, "%lld invitation%s on the way.", h->q[Q_INVITED].num,
				      h->q[Q_INVITED].num == 1 ? "" : "s"));
	if ((rc = db_tenant_reminders(h->db, t->id, &reminders)) != DB_OK ||
	    (rc = db_portal_users_not_invited(h->db, t->id, &uninvited)) != DB_OK)
		return http_db_fail(rc);
	ps = xml_el(root, "portal-settings");
	xml_attr_bool(ps, "editable", h->sess.settings >= DB_PERM_EDIT);
	xml_attr_bool(ps, "enabled", t->portal_enabled);
	xml_attr_bool(ps, "reminders", reminders);
	/* Portal users never invited: the page offers to invite them all. */
	xml_attr_int(ps, "not-invited", (long long)uninvited);
	xml_text_el(ps, "company-name", t->company);
	snprintf(link, sizeof link, "%s/portal/%s/", h->conf->web.base_url, t->slug);
	xml_text_el(ps, "direct-link", link);
	fo = xml_el(ps, "frame-origins");
	for (char *p = t->frame_origins; *p;) {
		size_t l = strcspn(p, "\n");
		char save = p[l];
		p[l] = '\0';
		xml_text_el(fo, "origin", p);
		p[l] = save;
		p += l + (save == '\n');
	}
	xml_text_el(ps, "time-zone", t->time_zone);
	page_zones(ps, "time-zones");
	return PAGE_OK;
}

/* "enabled=1; reminders=1; frame_origins=a b" — the audit log's
 * before/after text. */
static void describe(char *out, size_t sz, int enabled, int reminders, const char *origins)
{
	size_t n = (size_t)snprintf(out, sz, "enabled=%d; reminders=%d; frame_origins=", enabled,
				    reminders);
	for (size_t i = 0; origins[i] && n + 1 < sz; i++)
		out[n++] = origins[i] == '\n' ? ' ' : origins[i];
	out[n < sz ? n : sz - 1] = '\0';
}

static enum page_result ps_post(struct http *h)
{
	int enabled = h->f[F_ENABLED].st == VAL_OK && h->f[F_ENABLED].num;
	int reminders = h->f[F_REMINDERS].st == VAL_OK && h->f[F_REMINDERS].num, was = 1;
	const char *origins = h->f[F_ORIGINS].st == VAL_OK ? h->f[F_ORIGINS].str : "";
	struct db_tenant t;
	enum db_result rc;
	char before[6100], after[6100];

	/* Lock the tenant row: two admins saving at once serialise, and the
	 * audit's "old value" is the value this save really replaced. */
	if ((rc = db_tenant_get_locked(h->db, h->sess.tenant_id, &t)) != DB_OK)
		goto out;
	if ((rc = db_tenant_set_portal(h->db, t.id, enabled, origins)) != DB_OK ||
	    (rc = db_tenant_reminders(h->db, t.id, &was)) != DB_OK ||
	    (rc = db_tenant_set_reminders(h->db, t.id, reminders)) != DB_OK)
		goto out;
	if (h->f[F_TZ].st == VAL_OK && strcmp(h->f[F_TZ].str, t.time_zone) != 0 &&
	    ((rc = db_tenant_set_tz(h->db, t.id, h->f[F_TZ].str)) != DB_OK ||
	     (rc = http_audit(h, "tenant.time_zone", t.slug, t.time_zone, h->f[F_TZ].str)) !=
		     DB_OK))
		goto out;
	/* Disabling ends every portal session of the tenant at once. */
	if (!enabled && (rc = db_session_delete_tenant_portal(h->db, t.id)) != DB_OK)
		goto out;
	describe(before, sizeof before, t.portal_enabled, was, t.frame_origins);
	describe(after, sizeof after, enabled, reminders, origins);
	rc = http_audit(h, "portal_settings.update", t.slug, before, after);
out:
	return http_done(h, rc, "/settings/client/portal-access-settings?saved=1");
}

const struct page page_portal_settings = {
	.path = "/settings/client/portal-access-settings",
	.name = "portal-access-settings",
	.title = "Portal Access Settings",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = ps_get,
	.post = ps_post,
	.txn = 1, /* the core begins, commits or rolls back */
	.menu_section = "Client",
	.memo = 1, /* the portal's settings: shows no secret */
};
