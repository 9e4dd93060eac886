/* /settings/office-users/test-mail: "Send test mail" through the office
 * user's own SMTP connection (as saved), to the user's own login, with
 * libcurl; the outcome and the server's answer are stored and shown on the
 * user's page ("Last test").  The connection's password never leaves the
 * server; a login is only ever sent over STARTTLS or TLS. */
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mail.h"
#include "pages.h"
#include "smtp.h"

enum { F_ID };
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, VAL_REQUIRED, "Office user"},
};

static const char test_text[] = "This is a test message from Gatehouse.\n\n"
				"Your outgoing mail connection works: mail sent in your name\n"
				"will leave through this server.\n";
/* A constant: no data of any request goes into it. */
static const char test_html[] = "<!DOCTYPE html><html><body><p>This is a test message from "
				"Gatehouse.</p><p>Your outgoing mail connection works: mail "
				"sent in your name will leave through this server.</p>"
				"</body></html>";

static enum page_result test_post(struct http *h)
{
	unsigned id = (unsigned)h->f[F_ID].num;
	struct db_office_user u;
	struct db_office_mail m;
	char url[1100], pw[257] = "", msgid[300], reply[200], err[600], result[400];
	char *raw = NULL, where[128];
	size_t rawlen = 0;
	enum smtp_outcome out = SMTP_TEMP;
	enum db_result rc;
	CURL *c = NULL;

	/* The outcome shows at the top of the user's page (done=tested). */
	snprintf(where, sizeof where, "/settings/office-users/edit?id=%u&done=tested", id);
	if ((rc = db_office_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK ||
	    (rc = db_office_mail_get(h->db, h->sess.tenant_id, id, &m)) != DB_OK)
		return http_db_fail(rc);
	if (strcmp(m.provider, "smtp") != 0) {
		h->error_msg = "Save an \"Other SMTP connection\" for this user first: the test "
			       "uses the saved connection.";
		return PAGE_CONFLICT;
	}
	if (m.password_len > AUTH_SEAL_OVERHEAD &&
	    (m.password_len - AUTH_SEAL_OVERHEAD >= sizeof pw ||
	     auth_open(m.password, m.password_len, (unsigned char *)pw, sizeof pw - 1) != 0)) {
		sodium_memzero(&m, sizeof m);
		return PAGE_ERROR;
	}
	if (m.password_len > AUTH_SEAL_OVERHEAD)
		pw[m.password_len - AUTH_SEAL_OVERHEAD] = '\0';
	snprintf(url, sizeof url, "%s://%s:%u", strcmp(m.security, "tls") == 0 ? "smtps" : "smtp",
		 m.host, m.port);
	struct mail_msg msg = {
		.from_name = "Gatehouse test",
		.from_addr = u.email,
		.to = u.email,
		.subject = "Gatehouse: test of your outgoing mail",
		.message_id = msgid,
		.date = time(NULL),
		.text = test_text,
		.textlen = sizeof test_text - 1,
		.html = test_html,
		.htmllen = sizeof test_html - 1,
	};
	if (mail_message_id(u.email, msgid, sizeof msgid) != 0 ||
	    mail_build(&msg, &raw, &rawlen) != MAIL_OK || (c = curl_easy_init()) == NULL) {
		snprintf(result, sizeof result, "The test message could not be built.");
	} else {
		struct smtp_server srv = {url, m.user, pw, u.email,
					  strcmp(m.security, "starttls") == 0};
		out = smtp_send(c, &srv, u.email, raw, rawlen, reply, sizeof reply, err,
				sizeof err);
		if (out == SMTP_SENT)
			snprintf(result, sizeof result, "Sent to %s. The server answered: %s",
				 u.email, reply[0] ? reply : "(nothing)");
		else
			snprintf(result, sizeof result, "Not sent: %s", err);
	}
	curl_easy_cleanup(c);
	mail_wipe_free(raw, rawlen);
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(&m, sizeof m);
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if ((rc = db_office_mail_tested(h->db, h->sess.tenant_id, id, out == SMTP_SENT, result)) ==
	    DB_OK)
		rc = http_audit(h, "office_user.test_mail", u.email, NULL,
				out == SMTP_SENT ? "sent" : "failed");
	return http_txn_end(h, rc, where);
}

const struct page page_office_user_test_mail = {
	.path = "/settings/office-users/test-mail",
	.name = "office-user-test-mail",
	.title = "Send test mail",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_FORM(form),
	.post = test_post,
};
