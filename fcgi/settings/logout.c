/* /settings/logout: ends the session on the server, not just the cookie. */
#include "config.h"

#include "pages.h"

static enum page_result logout_post(struct http *h)
{
	enum db_result rc;

	if ((rc = db_session_delete(h->db, h->token_hash)) != DB_OK ||
	    (rc = http_audit_on(h, "office_user.sign_out", "office_user", h->sess.user_id,
				h->sess.email, NULL, NULL)) != DB_OK)
		return http_db_fail(rc);
	http_set_cookie(h, HTTP_COOKIE_OFFICE, "", "/settings", 0, "Strict");
	return http_redirect(h, "/settings/login");
}

const struct page page_logout = {
	.path = "/settings/logout",
	.name = "logout",
	.title = "Sign out",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_NONE,
	.need_edit = DB_PERM_NONE,
	.post = logout_post,
	.txn = 1,
};
