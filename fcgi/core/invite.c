/* The invitation: a single-use set-password link (only its hash stored, the
 * token itself sealed in the outbox row until the mailer sends it) and the
 * outbox row, written in the caller's transaction. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "invite.h"
#include "xml.h"

enum db_result invite_enqueue(struct db *db, const struct conf *conf, const struct db_tenant *t,
			      unsigned user_id, const char *company, const char *email)
{
	unsigned char raw[AUTH_TOKEN_BYTES], hash[32], sealed[AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD];
	char token[AUTH_COOKIE_LEN + 1], buf[700], subject[1001];
	xmlDocPtr d = NULL;
	xmlChar *payload = NULL;
	int plen = 0;
	uint64_t mail_id = 0;
	enum db_result rc = DB_ERR;
	xmlNodePtr m;

	auth_token_new(raw, token);
	auth_token_hash(raw, hash);
	if (auth_seal((const unsigned char *)token, AUTH_COOKIE_LEN, sealed, sizeof sealed) != 0)
		goto out;
	if ((rc = db_token_new(db, t->id, user_id, "set_password", hash,
			       conf->mail.invite_valid_days * 24 * 60)) != DB_OK)
		goto out;
	rc = DB_ERR;
	if ((d = xml_doc("mail")) == NULL)
		goto out;
	m = xmlDocGetRootElement(d);
	xml_attr(m, "kind", "invitation");
	xml_text_el(m, "tenant-name", t->company);
	xml_text_el(m, "company", company);
	xml_text_el(m, "login", email);
	snprintf(buf, sizeof buf, "%s/portal/%s/", conf->web.base_url, t->slug);
	xml_text_el(m, "direct-link", buf);
	snprintf(buf, sizeof buf, "%s/portal/%s/set-password?token=", conf->web.base_url,
		 t->slug);
	xml_text_el(m, "link-base", buf);
	snprintf(buf, sizeof buf, "%u", conf->mail.invite_valid_days);
	xml_text_el(m, "valid-days", buf);
	if (xml_serialise(d, &payload, &plen) != 0)
		goto out;
	snprintf(subject, sizeof subject, "Your access to the %s client portal", t->company);
	if ((rc = db_outbox_enqueue(db, t->id, "invitation", email, subject,
				    (const char *)payload, sealed, sizeof sealed, &mail_id)) != DB_OK)
		goto out;
	rc = db_portal_user_invite(db, t->id, user_id, "queued", mail_id);
out:
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(token, sizeof token);
	sodium_memzero(sealed, sizeof sealed);
	xmlFree(payload);
	xmlFreeDoc(d);
	return rc;
}

enum db_result invite_enqueue_reset(struct db *db, const struct conf *conf,
				    const struct db_tenant *t, unsigned user_id, const char *email)
{
	unsigned char raw[AUTH_TOKEN_BYTES], hash[32], sealed[AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD];
	char token[AUTH_COOKIE_LEN + 1], buf[700], subject[1001];
	xmlDocPtr d = NULL;
	xmlChar *payload = NULL;
	int plen = 0;
	enum db_result rc = DB_ERR;
	xmlNodePtr m;

	auth_token_new(raw, token);
	auth_token_hash(raw, hash);
	if (auth_seal((const unsigned char *)token, AUTH_COOKIE_LEN, sealed, sizeof sealed) != 0)
		goto out;
	if ((rc = db_token_new(db, t->id, user_id, "reset_password", hash,
			       conf->mail.reset_valid_minutes)) != DB_OK)
		goto out;
	rc = DB_ERR;
	if ((d = xml_doc("mail")) == NULL)
		goto out;
	m = xmlDocGetRootElement(d);
	xml_attr(m, "kind", "reset");
	xml_text_el(m, "tenant-name", t->company);
	xml_text_el(m, "login", email);
	snprintf(buf, sizeof buf, "%s/portal/%s/", conf->web.base_url, t->slug);
	xml_text_el(m, "direct-link", buf);
	snprintf(buf, sizeof buf, "%s/portal/%s/reset?token=", conf->web.base_url, t->slug);
	xml_text_el(m, "link-base", buf);
	snprintf(buf, sizeof buf, "%u", conf->mail.reset_valid_minutes);
	xml_text_el(m, "valid-minutes", buf);
	if (xml_serialise(d, &payload, &plen) != 0)
		goto out;
	snprintf(subject, sizeof subject, "Reset your %s client portal password", t->company);
	rc = db_outbox_enqueue(db, t->id, "reset", email, subject, (const char *)payload, sealed,
			       sizeof sealed, NULL);
out:
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(token, sizeof token);
	sodium_memzero(sealed, sizeof sealed);
	xmlFree(payload);
	xmlFreeDoc(d);
	return rc;
}

enum db_result invite_enqueue_lockout(struct db *db, const struct conf *conf,
				      const struct db_tenant *t, const char *email,
				      long long minutes)
{
	char buf[700], subject[1001];
	xmlDocPtr d = NULL;
	xmlChar *payload = NULL;
	int plen = 0;
	enum db_result rc = DB_ERR;
	xmlNodePtr m;

	if ((d = xml_doc("mail")) == NULL)
		goto out;
	m = xmlDocGetRootElement(d);
	xml_attr(m, "kind", "lockout");
	xml_text_el(m, "tenant-name", t->company);
	xml_text_el(m, "login", email);
	snprintf(buf, sizeof buf, "%s/portal/%s/", conf->web.base_url, t->slug);
	xml_text_el(m, "direct-link", buf);
	snprintf(buf, sizeof buf, "%s/portal/%s/forgot", conf->web.base_url, t->slug);
	xml_text_el(m, "forgot-link", buf);
	snprintf(buf, sizeof buf, "%lld", minutes < 1 ? 1 : minutes);
	xml_text_el(m, "minutes", buf);
	if (xml_serialise(d, &payload, &plen) != 0)
		goto out;
	snprintf(subject, sizeof subject, "Sign-in to the %s client portal paused", t->company);
	rc = db_outbox_enqueue(db, t->id, "lockout", email, subject, (const char *)payload, NULL, 0,
			       NULL);
out:
	xmlFree(payload);
	xmlFreeDoc(d);
	return rc;
}
