/* /portal/<slug>/home: where a signed-in portal user lands.  The sections a
 * user may see come with permission groups (issue 6); until then the page
 * shows who is signed in, for which customer, and the account pages. */
#include "config.h"

#include <string.h>

#include "pages.h"
#include "perm.h"
#include "xml.h"

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
			xml_attr(s, "key", perm_portal[i].key);
			xml_attr(s, "label", perm_portal[i].label);
			if (strcmp(perm_portal[i].key, "sites_view") == 0 ||
			    (strcmp(perm_portal[i].key, "manage_colleagues") == 0 &&
			     h->psess.user_id != 0)) {
				char url[160];
				portal_url(h, perm_portal[i].key[0] == 's' ? "sites" : "colleagues", url,
					   sizeof url);
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
	.auth = PAGE_PORTAL,
	.get = home_get,
};
