/* What several settings pages share: the permission groups a portal user
 * may be put in, and an office user as a confirmation page names them. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "xml.h"

struct group_opts {
	xmlNodePtr parent;
	unsigned selected;
};

/* Not the system group ("Non-Portal Users"): nobody is put in it by hand. */
static int add_group_opt(void *ctx, const struct db_group *g)
{
	struct group_opts *o = ctx;
	xmlNodePtr n;

	if (g->is_system)
		return 0;
	n = xml_text_el(o->parent, "group", g->name);
	xml_attr_int(n, "id", g->id);
	if (o->selected ? g->id == o->selected : g->is_default)
		xml_attr(n, "selected", "1");
	return 0;
}

enum db_result settings_group_options(struct http *h, xmlNodePtr parent, unsigned selected)
{
	struct group_opts o = {parent, selected};

	return db_groups(h->db, h->sess.tenant_id, add_group_opt, &o);
}

enum db_result settings_group_chosen(struct http *h, unsigned id, struct db_group *g)
{
	enum db_result rc = db_group_get(h->db, h->sess.tenant_id, id, g);

	return rc == DB_OK && g->is_system ? DB_NOTFOUND : rc;
}

void settings_job_actor(const struct http *h, struct db_job *j)
{
	memset(j, 0, sizeof *j);
	j->tenant_id = h->sess.tenant_id;
	j->office_user_id = h->sess.user_id;
	snprintf(j->actor_email, sizeof j->actor_email, "%s", h->sess.email);
	snprintf(j->ip, sizeof j->ip, "%s", h->addr ? h->addr : "");
	snprintf(j->request_id, sizeof j->request_id, "%s", h->rid);
}

xmlNodePtr settings_office_user_xml(struct http *h, xmlNodePtr parent,
				    const struct db_office_user *u)
{
	xmlNodePtr n = xml_el(parent, "user");

	xml_attr_int(n, "id", u->id);
	if (u->id == h->sess.user_id)
		xml_attr(n, "self", "1");
	xml_text_el(n, "email", u->email);
	xml_text_el(n, "first", u->first);
	xml_text_el(n, "last", u->last);
	return n;
}

int settings_session_xml(void *ctx, const struct db_session_row *r)
{
	xmlNodePtr s = xml_el(ctx, "session");

	xml_attr_int(s, "id", (long long)r->id);
	xml_attr(s, "created", r->created);
	xml_attr(s, "last-seen", r->seen);
	xml_attr(s, "ip", r->ip);
	xml_attr(s, "user-agent", r->ua);
	if (r->current)
		xml_attr(s, "current", "1");
	return 0;
}
