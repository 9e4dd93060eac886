/* The portal's mail: the invitation (a single-use set-password link), the
 * password reset (a single-use reset link) and the lockout notice; and the
 * office users' password reset.  A link's
 * token is stored only as its hash; the token itself is sealed in the outbox
 * row until the mailer sends it.  Everything is written in the caller's
 * transaction. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "invite.h"
#include "mail.h"
#include "xml.h"

/* A one-time link's token for (user, purpose), valid minutes: its row
 * (killing the older ones) and the sealed token for the outbox row. */
static enum db_result link_token(struct db *db, const struct db_tenant *t, unsigned user_id,
				 const char *purpose, unsigned minutes,
				 unsigned char sealed[AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD])
{
	unsigned char hash[32];

	if (auth_token_sealed(hash, sealed) != 0)
		return DB_ERR;
	return db_token_new(db, t->id, user_id, purpose, hash, minutes);
}

/* The mail document every kind starts with: <mail kind> <tenant-name/>
 * <login/> <direct-link/>, and <link-base> = the portal's rest + "?token="
 * when rest is not NULL.  Returns NULL when out of memory; the caller frees
 * it with xmlFreeDoc. */
static xmlDocPtr mail_doc(const struct conf *conf, const struct db_tenant *t, const char *kind,
			  const char *login, const char *rest)
{
	char buf[700];
	xmlDocPtr d = xml_doc("mail");
	xmlNodePtr m;

	if (d == NULL)
		return NULL;
	m = xmlDocGetRootElement(d);
	xml_attr(m, "kind", kind);
	xml_text_el(m, "tenant-name", t->company);
	xml_text_el(m, "login", login);
	snprintf(buf, sizeof buf, "%s/portal/%s/", conf->web.base_url, t->slug);
	xml_text_el(m, "direct-link", buf);
	if (rest != NULL) {
		snprintf(buf, sizeof buf, "%s/portal/%s/%s?token=", conf->web.base_url, t->slug,
			 rest);
		xml_text_el(m, "link-base", buf);
	}
	return d;
}

/* Serialises d into the outbox (kind, to, subject, optional sealed token),
 * with the Message-ID every attempt to send it will carry. */
static enum db_result enqueue(struct db *db, const struct conf *conf, unsigned tenant_id,
			      xmlDocPtr d, const char *kind, const char *to, const char *subject,
			      const unsigned char *sealed, size_t sealedlen, uint64_t *mail_id)
{
	xmlChar *payload = NULL;
	int plen = 0;
	char msgid[MAIL_ID_MAX];
	enum db_result rc = DB_ERR;

	if (d != NULL && mail_message_id(conf->mail.from_address, msgid, sizeof msgid) == 0 &&
	    xml_serialise(d, &payload, &plen) == 0)
		rc = db_outbox_enqueue(db, tenant_id, kind, to, subject, (const char *)payload,
				       sealed, sealedlen, msgid, mail_id);
	xmlFree(payload);
	return rc;
}

/* An invitation's mail (reminder 0: the first) with a new set-password
 * link good for minutes; the user's state queued; *mail_id its outbox row. */
static enum db_result invitation_mail(struct db *db, const struct conf *conf,
				      const struct db_tenant *t, unsigned user_id,
				      const char *company, const char *email, unsigned minutes,
				      unsigned reminder, uint64_t *mail_id)
{
	unsigned char sealed[AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD];
	char subject[1001], days[16];
	xmlDocPtr d = NULL;
	enum db_result rc;

	if ((rc = link_token(db, t, user_id, "set_password", minutes, sealed)) != DB_OK)
		goto out;
	rc = DB_ERR;
	if ((d = mail_doc(conf, t, "invitation", email, "set-password")) == NULL)
		goto out;
	xml_text_el(xmlDocGetRootElement(d), "company", company);
	/* Whole days, rounded up: a link of 30 hours is "2 days". */
	snprintf(days, sizeof days, "%u", (minutes + 24 * 60 - 1) / (24 * 60));
	xml_text_el(xmlDocGetRootElement(d), "valid-days", days);
	if (reminder > 0) {
		snprintf(days, sizeof days, "%u", reminder);
		xml_text_el(xmlDocGetRootElement(d), "reminder", days);
	}
	snprintf(subject, sizeof subject, "%sYour access to the %s client portal",
		 reminder > 0 ? "Reminder: " : "", t->company);
	if ((rc = enqueue(db, conf, t->id, d, "invitation", email, subject, sealed, sizeof sealed,
			  mail_id)) != DB_OK)
		goto out;
	rc = db_portal_user_invite(db, t->id, user_id, "queued", *mail_id);
out:
	sodium_memzero(sealed, sizeof sealed);
	xmlFreeDoc(d);
	return rc;
}

enum db_result invite_enqueue(struct db *db, const struct conf *conf, const struct db_tenant *t,
			      unsigned user_id, const char *company, const char *email)
{
	uint64_t mail_id = 0;
	enum db_result rc;

	if ((rc = invitation_mail(db, conf, t, user_id, company, email,
				  conf->mail.invite_valid_days * 24 * 60, 0, &mail_id)) == DB_OK)
		rc = db_invitation_add(db, t->id, user_id, mail_id, email,
				       conf->mail.invite_valid_days);
	return rc;
}

enum db_result invite_enqueue_reminder(struct db *db, const struct conf *conf,
				       const struct db_tenant *t, const struct db_reminder *r)
{
	uint64_t mail_id = 0;
	enum db_result rc;

	if (r->minutes_left <= 0)
		return DB_NOTFOUND;
	if ((rc = invitation_mail(db, conf, t, r->user_id, r->company, r->email,
				  (unsigned)r->minutes_left, r->reminders + 1, &mail_id)) == DB_OK)
		rc = db_invitation_reminded(db, r->id, mail_id);
	return rc;
}

enum db_result invite_enqueue_reset(struct db *db, const struct conf *conf,
				    const struct db_tenant *t, unsigned user_id, const char *email)
{
	unsigned char sealed[AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD];
	char subject[1001], minutes[16];
	xmlDocPtr d = NULL;
	enum db_result rc;

	if ((rc = link_token(db, t, user_id, "reset_password", conf->mail.reset_valid_minutes,
			     sealed)) != DB_OK)
		goto out;
	rc = DB_ERR;
	if ((d = mail_doc(conf, t, "reset", email, "reset")) == NULL)
		goto out;
	snprintf(minutes, sizeof minutes, "%u", conf->mail.reset_valid_minutes);
	xml_text_el(xmlDocGetRootElement(d), "valid-minutes", minutes);
	snprintf(subject, sizeof subject, "Reset your %s client portal password", t->company);
	rc = enqueue(db, conf, t->id, d, "reset", email, subject, sealed, sizeof sealed, NULL);
out:
	sodium_memzero(sealed, sizeof sealed);
	xmlFreeDoc(d);
	return rc;
}

enum db_result invite_enqueue_lockout(struct db *db, const struct conf *conf,
				      const struct db_tenant *t, const char *email,
				      long long minutes)
{
	char buf[700], subject[1001];
	xmlDocPtr d = mail_doc(conf, t, "lockout", email, NULL);
	enum db_result rc = DB_ERR;

	if (d != NULL) {
		snprintf(buf, sizeof buf, "%s/portal/%s/forgot", conf->web.base_url, t->slug);
		xml_text_el(xmlDocGetRootElement(d), "forgot-link", buf);
		snprintf(buf, sizeof buf, "%lld", minutes < 1 ? 1 : minutes);
		xml_text_el(xmlDocGetRootElement(d), "minutes", buf);
		snprintf(subject, sizeof subject, "Sign-in to the %s client portal paused",
			 t->company);
		rc = enqueue(db, conf, t->id, d, "lockout", email, subject, NULL, 0, NULL);
	}
	xmlFreeDoc(d);
	return rc;
}

enum db_result invite_enqueue_office_reset(struct db *db, const struct conf *conf,
					   unsigned tenant_id, const char *company,
					   unsigned user_id, const char *email)
{
	unsigned char sealed[AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD], hash[32];
	char buf[700], subject[1001];
	xmlDocPtr d = NULL;
	xmlNodePtr m;
	enum db_result rc = DB_ERR;

	if (auth_token_sealed(hash, sealed) != 0)
		goto out;
	if ((rc = db_office_token_new(db, tenant_id, user_id, hash, INVITE_OFFICE_RESET_MINUTES)) !=
	    DB_OK)
		goto out;
	rc = DB_ERR;
	if ((d = xml_doc("mail")) == NULL)
		goto out;
	m = xmlDocGetRootElement(d);
	xml_attr(m, "kind", "office-reset");
	xml_text_el(m, "tenant-name", company);
	xml_text_el(m, "login", email);
	snprintf(buf, sizeof buf, "%s/settings/login", conf->web.base_url);
	xml_text_el(m, "sign-in-link", buf);
	snprintf(buf, sizeof buf, "%s/settings/reset?token=", conf->web.base_url);
	xml_text_el(m, "link-base", buf);
	snprintf(buf, sizeof buf, "%d", INVITE_OFFICE_RESET_MINUTES);
	xml_text_el(m, "valid-minutes", buf);
	snprintf(subject, sizeof subject, "Reset your %s office password", company);
	rc = enqueue(db, conf, tenant_id, d, "office-reset", email, subject, sealed, sizeof sealed,
		     NULL);
out:
	sodium_memzero(sealed, sizeof sealed);
	sodium_memzero(hash, sizeof hash);
	xmlFreeDoc(d);
	return rc;
}

enum db_result invite_enqueue_webhook_disabled(struct db *db, const struct conf *conf,
					       unsigned tenant_id, const char *company,
					       const char *email, const char *url, unsigned hours,
					       const char *reason)
{
	char buf[700], subject[1001];
	xmlDocPtr d = xml_doc("mail");
	xmlNodePtr m;
	enum db_result rc = DB_ERR;

	if (d == NULL)
		return DB_ERR;
	m = xmlDocGetRootElement(d);
	xml_attr(m, "kind", "webhook-disabled");
	xml_text_el(m, "tenant-name", company);
	xml_text_el(m, "login", email);
	xml_text_el(m, "url", url);
	snprintf(buf, sizeof buf, "%u", hours);
	xml_text_el(m, "hours", buf);
	xml_text_el(m, "reason", reason);
	snprintf(buf, sizeof buf, "%s/settings/webhooks", conf->web.base_url);
	xml_text_el(m, "settings-link", buf);
	snprintf(subject, sizeof subject, "A webhook endpoint of %s was disabled", company);
	rc = enqueue(db, conf, tenant_id, d, "webhook-disabled", email, subject, NULL, 0, NULL);
	xmlFreeDoc(d);
	return rc;
}

enum db_result invite_enqueue_dormant(struct db *db, const struct conf *conf, unsigned tenant_id,
				      const char *company, const char *slug, int office,
				      const char *email, unsigned days)
{
	char buf[700], subject[1001];
	xmlDocPtr d = xml_doc("mail");
	xmlNodePtr m;
	enum db_result rc;

	if (d == NULL)
		return DB_ERR;
	m = xmlDocGetRootElement(d);
	xml_attr(m, "kind", "dormant");
	xml_attr(m, "account", office ? "office" : "portal");
	xml_text_el(m, "tenant-name", company);
	xml_text_el(m, "login", email);
	if (office)
		snprintf(buf, sizeof buf, "%s/settings/login", conf->web.base_url);
	else
		snprintf(buf, sizeof buf, "%s/portal/%s/", conf->web.base_url, slug);
	xml_text_el(m, "sign-in-link", buf);
	snprintf(buf, sizeof buf, "%u", days);
	xml_text_el(m, "days", buf);
	snprintf(subject, sizeof subject, "Your %s %s account will be deactivated in a week",
		 company, office ? "office" : "client portal");
	rc = enqueue(db, conf, tenant_id, d, "dormant", email, subject, NULL, 0, NULL);
	xmlFreeDoc(d);
	return rc;
}
