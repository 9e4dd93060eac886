/* /settings/office-users/sessions?id=N: where an office user of the
 * company is signed in (issue 15), for Super Admins: each session's start,
 * last activity, address and browser; sign one out, or all of them (the
 * Super Admin's own current one kept).  Each audited, about the user. */
#include "config.h"

#include <stdio.h>

#include "pages.h"
#include "xml.h"

enum { Q_ID, Q_DONE };
VAL_CHOICE(done_choice, "Unknown notice.", "session", "all")
static const char *const said[] = {
	"That session is signed out.",
	"Signed out everywhere.",
};
static const struct val_field query[] = {
	[Q_ID] = {"id", val_id, 10, VAL_REQUIRED, "Office user"},
	[Q_DONE] = {"done", done_choice, 8, 0, "Done"},
};

VAL_CHOICE(op_choice, "Unknown action.", "end", "all")
enum { OP_END, OP_ALL };
enum { F_ID, F_OP, F_SESSION };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED, "Office user"},
	[F_OP] = {"op", op_choice, 8, VAL_REQUIRED, "Action"},
	[F_SESSION] = {"session", val_uint, 20, 0, "Session"},
};

static enum page_result sessions_get(struct http *h, xmlNodePtr root)
{
	const struct val_value *v = h->method == HTTP_GET ? &h->q[Q_ID] : &h->f[F_ID];
	unsigned id = (unsigned)v->num;
	struct db_office_user u;
	enum db_result rc;
	xmlNodePtr page, list;

	/* A form that came back without its user has no page to show. */
	if (v->st != VAL_OK)
		return http_bad_request(h, "Which office user?");
	if ((rc = db_office_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK)
		return http_db_fail(rc);
	page = xml_el(root, "office-user-sessions");
	settings_office_user_xml(h, page, &u);
	list = xml_el(page, "sessions");
	if ((rc = db_office_sessions(h->db, h->sess.tenant_id, id, h->token_hash,
				     settings_session_xml, list)) != DB_OK)
		return http_db_fail(rc);
	if (h->method == HTTP_GET)
		http_said(h, &h->q[Q_DONE], said);
	return PAGE_OK;
}

static enum page_result sessions_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num;
	unsigned long long n = 0;
	struct db_office_user u;
	enum db_result rc;
	char where[96];

	if ((rc = db_office_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK)
		return http_db_fail(rc);
	if (h->f[F_OP].num == OP_ALL) {
		snprintf(where, sizeof where, "/settings/office-users/sessions?id=%u&done=all", id);
		if ((rc = db_office_sessions_end(h->db, h->sess.tenant_id, id, h->token_hash,
						 &n)) == DB_OK)
			rc = http_audit_on(h, "office_user.sessions_ended", "office_user", id,
					   u.email, NULL,
					   http_text(h, "%llu sessions signed out", n));
		return http_done(h, rc, where);
	}
	if (h->f[F_SESSION].st != VAL_OK)
		return http_bad_request(h, "Which session?");
	snprintf(where, sizeof where, "/settings/office-users/sessions?id=%u&done=session", id);
	if ((rc = db_office_session_end(h->db, h->sess.tenant_id, id,
					(uint64_t)h->f[F_SESSION].num)) == DB_OK)
		rc = http_audit_on(h, "office_user.session_ended", "office_user", id, u.email, NULL,
				   http_text(h, "session %lld signed out", h->f[F_SESSION].num));
	return http_done(h, rc, where);
}

const struct page page_office_user_sessions = {
	.path = "/settings/office-users/sessions",
	.name = "office-user-sessions",
	.title = "Sessions",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = sessions_get,
	.post = sessions_post,
	.txn = 1,
};
