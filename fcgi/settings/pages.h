/* The settings responder's pages (listed in pages.def), and what several
 * of them share. */
#ifndef GH_SETTINGS_PAGES_H
#define GH_SETTINGS_PAGES_H

#include "http.h"
#include "invite.h"
#include "list.h"

/* The route table (main.c, from pages.def) and the responder: its name,
 * its sign-in rules (session.c). */
extern const struct page *const settings_pages[];
extern const struct responder settings_responder;

/* One extern per line of pages.def. */
#define PAGE(file, symbol) extern const struct page symbol;
#include "pages.def"
#undef PAGE

/* The largest count the menu shows as a number ("Inbox (99+)" past it). */
#define SETTINGS_MENU_COUNT_MAX 99u

/* Starts an office session of user id of tenant_id at stage: a new token,
 * its row and the cookie (10 minutes until the session is signed in).  A
 * token that knew less (a sign-in's earlier stage) is never promoted: the
 * caller ends that session. */
enum db_result settings_session_start(struct http *h, unsigned tenant_id, unsigned id,
				      enum sign_in stage);

/* The permission groups a portal user may be put in (not the system
 * group) as <group id selected> under parent: selected's selected, or
 * with selected 0 the default group. */
enum db_result settings_group_options(struct http *h, xmlNodePtr parent, unsigned selected);
/* The tenant's group id for a portal user into g: DB_NOTFOUND for another
 * tenant's and for the system group too. */
enum db_result settings_group_chosen(struct http *h, unsigned id, struct db_group *g);

/* j zeroed, then who starts or runs a job (sql/030): the tenant, the
 * signed-in office user, the request's address and id. */
void settings_job_actor(const struct http *h, struct db_job *j);

/* <user id self><email/><first/><last/></user> under parent: an office
 * user as a confirmation names them (self: the signed-in user). */
xmlNodePtr settings_office_user_xml(struct http *h, xmlNodePtr parent,
				    const struct db_office_user *u);

/* <session id created last-seen ip user-agent current?/> under ctx (an
 * xmlNodePtr): an office session as the account and sessions pages list
 * them (a db_session_fn). */
int settings_session_xml(void *ctx, const struct db_session_row *r);

/* The Portal Access list's view (list engine fields and the status filter),
 * which the pages that leave it (the delete confirmation) carry along and
 * link back with: the first PORTAL_ACCESS_NVIEW fields of their query. */
#define PORTAL_ACCESS_VIEW_FIELDS                                                                  \
	LIST_QUERY_FIELDS, {"status", val_line, 16, 0, "Status"},                                  \
	{                                                                                          \
		"invitation", val_line, 16, 0, "Invitation"                                        \
	}
#define PORTAL_ACCESS_NVIEW (LIST_NQUERY + 2)
/* Reads the view from v[0..PORTAL_ACCESS_NVIEW); NULL or a message for a 400. */
const char *portal_access_view(const struct val_value *v, struct list_view *lv);
/* The view's fields (tab's first PORTAL_ACCESS_NVIEW, values v) as <keep
 * name value> under page: the hidden inputs of a page that leaves the
 * list and comes back to it. */
void portal_access_keep(xmlNodePtr page, const struct val_field *tab, const struct val_value *v);
/* A page of the view lv (its status and invitation filters included) to
 * fn: what the list shows, and what a bulk action walks. */
enum db_result portal_access_fetch(struct http *h, struct list_view *lv, db_portal_user_fn fn,
				   void *ctx, struct list_fetched *f);
/* "/settings/client/portal-access?<the view, page included>[&extra]" into out. */
void portal_access_href(char *out, size_t sz, const struct list_view *lv, const char *extra);

#endif
