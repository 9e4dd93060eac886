/* How a request of the settings responder is signed in: the office
 * session cookie, the MFA stages (nothing but the MFA pages opens until
 * they are passed), the settings levels each page needs, and the envelope
 * every settings page carries (the session and the menu). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "pages.h"
#include "rcache.h"
#include "xml.h"

static enum page_result office_session(struct http *h)
{
	const char *tok = req_pairs_get(&h->cookies, HTTP_COOKIE_OFFICE);
	enum db_result rc;

	snprintf(h->sign_in_form, sizeof h->sign_in_form, "/settings/login");
	if (auth_token_digest(tok, h->token_hash) != 0)
		return PAGE_OK;
	rc = db_session_office(h->db, h->token_hash, h->conf->sec.session_idle_min, &h->sess);
	if (rc == DB_LOST || rc == DB_BUSY || rc == DB_RETRY)
		return PAGE_UNAVAILABLE;
	if (rc != DB_OK)
		return PAGE_OK;
	h->signed_in = 1;
	h->stage = http_sign_in(h->sess.stage);
	h->user_id = h->sess.user_id;
	h->time_zone = h->sess.time_zone[0] ? h->sess.time_zone : h->sess.tenant.time_zone;
	auth_csrf("office", h->token_hash, sizeof h->token_hash, h->csrf);
	/* Touching on every request would make each page view a write. */
	if (h->sess.seen_secs >= 60)
		db_session_touch(h->db, h->sess.id);
	return PAGE_OK;
}

static enum page_result office_admit(struct http *h)
{
	const struct page *p = h->page;
	char next[600];
	int need;

	if (p->auth == PAGE_PUBLIC)
		return PAGE_OK;
	if (!h->signed_in) {
		if (h->method != HTTP_GET || h->want_xml)
			return PAGE_UNAUTHORIZED;
		snprintf(next, sizeof next, "/settings/login?next=%s", h->path);
		return http_redirect(h, next);
	}
	if (p->auth == PAGE_SIGNED_IN && h->stage != SIGN_IN_FULL) {
		/* Past the password, MFA still owed: nothing else opens. */
		if (h->method != HTTP_GET || h->want_xml) {
			h->error_msg = "Finish signing in with your two-step verification code.";
			return PAGE_UNAUTHORIZED;
		}
		return http_redirect(h, h->stage == SIGN_IN_MFA ? "/settings/mfa"
								: "/settings/mfa/enrol");
	}
	need = h->method == HTTP_POST ? p->need_edit : p->need_view;
	if (h->sess.settings >= need)
		return PAGE_OK;
	h->error_msg = h->method == HTTP_POST ? "Your access to settings is view-only."
					      : "You do not have access to this page.";
	return PAGE_FORBIDDEN;
}

static void menu(struct http *h, xmlNodePtr root)
{
	xmlNodePtr m = xml_el(root, "menu"), sec = NULL;
	const char *cur = NULL;
	unsigned n;

	for (const struct page *const *p = h->responder->pages; *p != NULL; p++) {
		const struct page *pg = *p;
		if (pg->menu_section == NULL || h->sess.settings < pg->need_view)
			continue;
		if (cur == NULL || strcmp(cur, pg->menu_section) != 0) {
			sec = xml_el(m, "section");
			xml_attr(sec, "label", pg->menu_section);
			cur = pg->menu_section;
		}
		xmlNodePtr it = xml_el(sec, "item");
		xml_attr(it, "id", pg->name);
		xml_attr(it, "href", pg->path);
		xml_attr(it, "label", pg->title);
		if (pg == h->page)
			xml_attr(it, "current", "1");
		/* A count ("Inbox (3)"): a failed read shows none rather than
		 * failing the page it is the menu of. */
		if (pg->menu_count != NULL && pg->menu_count(h, &n) == DB_OK && n > 0) {
			char c[16];
			snprintf(c, sizeof c, n > SETTINGS_MENU_COUNT_MAX ? "%u+" : "%u",
				 n > SETTINGS_MENU_COUNT_MAX ? SETTINGS_MENU_COUNT_MAX : n);
			xml_attr(it, "count", c);
		}
	}
}

static void office_envelope(struct http *h, xmlNodePtr root)
{
	static const char *const levels[] = {"none", "view", "edit", "super"};
	xmlNodePtr n;

	if (!h->signed_in)
		return;
	n = xml_el(root, "session");
	xml_attr_int(n, "user-id", h->sess.user_id);
	xml_attr(n, "email", h->sess.email);
	xml_attr(n, "first-name", h->sess.first);
	xml_attr(n, "last-name", h->sess.last);
	xml_attr(n, "csrf", h->csrf);
	xml_attr(n, "settings",
		 h->sess.settings >= 0 && h->sess.settings <= 3 ? levels[h->sess.settings]
								: "none");
	xml_attr(n, "tenant-slug", h->sess.tenant.slug);
	xml_attr(n, "tenant-name", h->sess.tenant.company);
	/* No menu while MFA is owed: nothing else opens yet. */
	if (h->stage == SIGN_IN_FULL)
		menu(h, root);
}

/* The session row as read, but for how long ago it was last seen (which
 * no page shows): struct db_session is zeroed before it is read, so its
 * bytes are the same whenever its fields are. */
static void office_session_key(const struct http *h, unsigned char key[32])
{
	struct db_session s;

	memcpy(&s, &h->sess, sizeof s);
	s.seen_secs = 0;
	rcache_sparse_digest(&s, sizeof s, key);
	sodium_memzero(&s, sizeof s);
}

enum db_result settings_session_start(struct http *h, unsigned tenant_id, unsigned id,
				      enum sign_in stage)
{
	long long secs = (long long)h->conf->sec.session_abs_hours * 3600;
	unsigned char hash[32];
	char cookie[AUTH_COOKIE_LEN + 1];
	enum db_result rc;

	auth_token_fresh(cookie, hash);
	rc = db_session_insert(h->db, hash, "office", tenant_id, id, h->conf->sec.session_abs_hours,
			       h->addr, h->ua, http_sign_in_name(stage));
	sodium_memzero(hash, sizeof hash);
	/* Office Users' Last sign-in, and a dormant warning forgotten. */
	if (rc == DB_OK && stage == SIGN_IN_FULL)
		rc = db_office_user_signed_in(h->db, id);
	if (rc == DB_OK)
		http_set_cookie(h, HTTP_COOKIE_OFFICE, cookie, "/settings",
				stage == SIGN_IN_FULL ? secs : 600, "Strict");
	sodium_memzero(cookie, sizeof cookie);
	return rc;
}

const struct responder settings_responder = {
	.name = "gatehouse-settings",
	.kind = SERVER_SETTINGS,
	.db_role = DB_ROLE_SETTINGS,
	.pages = settings_pages,
	.csrf_purpose = "office",
	.pre_samesite = "Strict",
	.session = office_session,
	.admit = office_admit,
	.envelope = office_envelope,
	.session_key = office_session_key,
};
