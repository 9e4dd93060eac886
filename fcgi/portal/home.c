/* /portal/<slug>/home: where a signed-in portal user lands.  The sections a
 * user may see are what their group grants (a token link: "Non-Portal
 * Users"), each linking to its page. */
#include "config.h"

#include <string.h>

#include "pages.h"
#include "perm.h"
#include "xml.h"

/* The page a permission opens; NULL for those that only allow an action
 * (pay, approve, request) on a section's page, or a mail setting. */
static const char *section_path(const char *key)
{
	static const struct {
		const char *key, *path;
	} map[] = {
		{"invoices_view", "invoices"},
		{"estimates_view", "estimates"},
		{"jobs_view", "jobs"},
		{"documents_view", "documents"},
		{"equipment_view", "equipment"},
		{"sites_view", "sites"},
		{"manage_colleagues", "colleagues"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].key, key) == 0)
			return map[i].path;
	return NULL;
}

static enum page_result home_get(struct http *h, xmlNodePtr root)
{
	xmlNodePtr n = xml_el(root, "portal-home");

	xml_attr(n, "company", h->psess.company);
	xml_attr(n, "email", h->psess.email);
	xml_attr(n, "kind", h->psess.user_id ? "user" : "token");
	/* What the session's group grants (a token link: "Non-Portal
	 * Users"). */
	xmlNodePtr secs = xml_el(n, "sections");
	for (size_t i = 0; i < perm_nportal; i++)
		if (perm_portal_has(h->psess.perms, perm_portal[i].key)) {
			xmlNodePtr s = xml_el(secs, "section");
			const char *path = section_path(perm_portal[i].key);
			xml_attr(s, "key", perm_portal[i].key);
			xml_attr(s, "label", perm_portal[i].label);
			/* Colleagues are for signed-in users, not token links. */
			if (path && (strcmp(path, "colleagues") != 0 || h->psess.user_id != 0)) {
				char url[160];
				portal_url(h, path, url, sizeof url);
				xml_attr(s, "href", url);
			}
		}
	return PAGE_OK;
}

const struct page page_portal_home = {
	.path = "/portal/*/home",
	.name = "portal-home",
	.title = "Client portal",
	.methods = HTTP_GET,
	.auth = PAGE_SIGNED_IN,
	.get = home_get,
	.memo = 1, /* the client's menu: no secret */
};
