/* How a request of the portal responder (/portal/<slug>/...) is signed in:
 * every page first loads the slug's tenant (404 for an unknown one) and
 * may be framed by the origins the tenant lists; then the portal session
 * of that tenant, if the cookie names one (a portal user's, or a secure
 * token link's); the MFA stages; and the envelope every portal page
 * carries (the tenant, the direct link, the session). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "xml.h"

static enum page_result portal_session(struct http *h)
{
	const char *tok = req_pairs_get(&h->cookies, HTTP_COOKIE_PORTAL);
	enum db_result rc;

	if ((rc = db_tenant_by_slug(h->db, h->slug, &h->tenant)) != DB_OK) {
		if (rc != DB_NOTFOUND)
			return PAGE_UNAVAILABLE;
		h->error_msg = "There is no client portal at this address.";
		return PAGE_NOT_FOUND;
	}
	h->have_tenant = 1;
	h->frame_origins = h->tenant.frame_origins;
	h->time_zone = h->tenant.time_zone;
	http_portal_path(h, h->sign_in_form, sizeof h->sign_in_form);
	if (auth_token_digest(tok, h->token_hash) != 0)
		return PAGE_OK;
	rc = db_session_portal(h->db, h->token_hash, h->tenant.id, h->conf->sec.session_idle_min,
			       &h->psess);
	if (rc == DB_LOST || rc == DB_BUSY || rc == DB_RETRY)
		return PAGE_UNAVAILABLE;
	if (rc != DB_OK)
		return PAGE_OK;
	h->portal_in = 1;
	h->stage = http_sign_in(h->psess.stage);
	h->user_id = h->psess.user_id;
	if (h->psess.time_zone[0])
		h->time_zone = h->psess.time_zone;
	auth_csrf("portal", h->token_hash, sizeof h->token_hash, h->csrf);
	if (h->psess.seen_secs >= 60)
		db_session_touch(h->db, h->psess.id);
	return PAGE_OK;
}

/* "View as this client" is read-only: no change (every POST but the
 * view's end, the sign-out), and no MFA page (its enrolment makes a key
 * on a GET). */
static enum page_result view_only(struct http *h)
{
	if (h->page == &page_portal_logout ||
	    (h->method != HTTP_POST && h->page->auth != PAGE_STAGE))
		return PAGE_OK;
	h->error_msg = "You are viewing the portal as this client: it is read-only here.";
	return PAGE_FORBIDDEN;
}

static enum page_result portal_admit(struct http *h)
{
	char to[128];

	if (h->portal_in && h->psess.viewer_id != 0 && view_only(h) != PAGE_OK)
		return PAGE_FORBIDDEN;
	if (h->page->auth == PAGE_PUBLIC ||
	    (h->portal_in && (h->page->auth == PAGE_STAGE || h->stage == SIGN_IN_FULL)))
		return PAGE_OK;
	if (h->method != HTTP_GET || h->want_xml) {
		h->error_msg = "Please sign in to the client portal to continue.";
		return PAGE_UNAUTHORIZED;
	}
	http_portal_path(h, to, sizeof to);
	return http_redirect(h, to);
}

static void portal_envelope(struct http *h, xmlNodePtr root)
{
	char link[700];
	xmlNodePtr n;

	n = xml_el(root, "portal");
	xml_attr(n, "slug", h->tenant.slug);
	xml_attr(n, "company-name", h->tenant.company);
	snprintf(link, sizeof link, "%s/portal/%s/", h->conf->web.base_url, h->tenant.slug);
	xml_attr(n, "direct-link", link);
	xml_attr(n, "enabled", h->tenant.portal_enabled ? "1" : "0");
	if (!h->portal_in)
		return;
	n = xml_el(root, "portal-session");
	xml_attr(n, "stage", h->psess.stage);
	xml_attr(n, "email", h->psess.email);
	xml_attr(n, "company", h->psess.company);
	xml_attr(n, "csrf", h->csrf);
	xml_attr(n, "kind", h->psess.user_id ? "user" : "token");
	xml_attr(n, "mfa", h->psess.mfa_enabled ? "1" : "0");
	if (h->psess.viewer_id != 0) {
		xml_attr(n, "viewed-by", h->psess.viewer);
		xml_attr(n, "view-ends", h->psess.ends);
	}
}

const struct responder portal_responder = {
	.name = "gatehouse-portal",
	.kind = SERVER_PORTAL,
	.db_role = DB_ROLE_PORTAL,
	.pages = portal_pages,
	.csrf_purpose = "portal",
	/* The portal may sit in a frame on the tenant's own site. */
	.pre_samesite = "None",
	.explain_refused_cookie = 1,
	.session = portal_session,
	.admit = portal_admit,
	.envelope = portal_envelope,
};
