/* A customer's contacts (seed 003): /settings/customers/contacts adds one;
 * /settings/customers/contacts/enable makes one a portal user, in a
 * permission group, with "Require MFA" if asked.  A contact with an email
 * gets that email as login and an invitation (while the portal is on); a
 * contact without one gets the login the office user types and a generated
 * password, shown once on the answer and never mailed or stored in clear. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "invite.h"
#include "pages.h"
#include "xml.h"

enum { A_CUSTOMER, A_NAME, A_EMAIL, A_PHONE };
static const struct val_field add_form[] = {
	[A_CUSTOMER] = {"customer", val_id, 10, VAL_REQUIRED, "Customer"},
	[A_NAME] = {"name", val_line, 200, VAL_REQUIRED, "Name"},
	[A_EMAIL] = {"email", val_email, 254, 0, "Email"},
	[A_PHONE] = {"phone", val_line, 40, 0, "Phone"},
};

static enum page_result add_post(struct http *h)
{
	struct db_customer c;
	char where[128];
	enum db_result rc;
	unsigned cid = (unsigned)h->f[A_CUSTOMER].num;

	snprintf(where, sizeof where, "/settings/customers/edit?id=%u&done=contact", cid);
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if ((rc = db_customer_get(h->db, h->sess.tenant_id, cid, &c)) == DB_OK &&
	    (rc = db_contact_add(h->db, h->sess.tenant_id, cid, h->f[A_NAME].str,
				 h->f[A_EMAIL].st == VAL_OK ? h->f[A_EMAIL].str : "",
				 h->f[A_PHONE].st == VAL_OK ? h->f[A_PHONE].str : "")) == DB_OK)
		rc = http_audit(h, "contact.add", c.name, NULL, h->f[A_NAME].str);
	return http_txn_end(h, rc, where);
}

const struct page page_contact_add = {
	.path = "/settings/customers/contacts",
	.name = "contact-add",
	.title = "Add contact",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	PAGE_FORM(add_form),
	.post = add_post,
};

enum { E_CONTACT, E_GROUP, E_MFA, E_LOGIN };
static const struct val_field enable_form[] = {
	[E_CONTACT] = {"contact", val_id, 10, VAL_REQUIRED, "Contact"},
	[E_GROUP] = {"group", val_id, 10, VAL_REQUIRED, "Permission group"},
	[E_MFA] = {"require_mfa", val_bool, 1, 0, "Require MFA"},
	[E_LOGIN] = {"login", val_line, 254, 0, "Login"},
};

/* What the POST hands to its page: the new user's login and password,
 * shown once (the request's context, wiped when the request ends). */
struct enabled {
	int shown;
	unsigned customer_id;
	char name[801], login[255], password[24];
};

/* A password for a contact without email: 20 characters from an
 * unambiguous alphabet (~100 bits), shown once. */
static void new_password(char out[24])
{
	static const char abc[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char r[20];
	randombytes_buf(r, sizeof r);
	for (size_t i = 0; i < sizeof r; i++)
		out[i] = abc[r[i] % (sizeof abc - 1)];
	out[sizeof r] = '\0';
	sodium_memzero(r, sizeof r);
}

/* A login without an email: lowercase letters, digits and . _ - @. */
static int login_ok(char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	return n >= 3 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-@") == n;
}

static enum page_result enabled_get(struct http *h, xmlNodePtr root)
{
	struct enabled *e = h->ctx;
	xmlNodePtr n;

	if (e == NULL || !e->shown)
		return http_bad_request(h, "Choose a contact and a permission group.");
	n = xml_el(root, "contact-enabled");
	xml_attr_int(n, "customer-id", e->customer_id);
	xml_text_el(n, "name", e->name);
	xml_text_el(n, "login", e->login);
	xml_text_el(n, "password", e->password);
	sodium_memzero(e->password, sizeof e->password);
	return PAGE_OK;
}

static enum page_result enable_post(struct http *h)
{
	struct enabled *done = http_ctx(h, sizeof *done);
	struct db_contact ct;
	struct db_group g;
	struct db_customer c;
	char hash[AUTH_HASH_LEN] = "", login[255], where[128];
	enum db_result rc;
	enum auth_result arc;
	unsigned uid = 0;
	int by_mail;

	if (done == NULL)
		return PAGE_ERROR;
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if ((rc = db_contact_get_locked(h->db, h->sess.tenant_id, (unsigned)h->f[E_CONTACT].num,
					&ct)) != DB_OK)
		goto out;
	rc = db_group_get(h->db, h->sess.tenant_id, (unsigned)h->f[E_GROUP].num, &g);
	if (rc == DB_NOTFOUND || (rc == DB_OK && g.is_system)) {
		db_rollback(h->db);
		return http_bad_request(h, "Choose one of your permission groups.");
	}
	if (rc != DB_OK || (rc = db_customer_get(h->db, h->sess.tenant_id, ct.customer_id, &c)) !=
				   DB_OK)
		goto out;
	if (ct.portal_user_id) {
		db_rollback(h->db);
		h->error_msg = "This contact is a portal user already.";
		return PAGE_CONFLICT;
	}
	by_mail = ct.email[0] != '\0';
	snprintf(login, sizeof login, "%s", by_mail ? ct.email : h->f[E_LOGIN].st == VAL_OK
									? h->f[E_LOGIN].str
									: "");
	if (!by_mail && !login_ok(login)) {
		db_rollback(h->db);
		return http_bad_request(h, "A contact without an email needs a login: at least 3 of "
					   "a-z, 0-9, . _ - @.");
	}
	if (!by_mail) {
		/* Hashing holds the contact's row lock ~60 ms: acceptable for
		 * a rare office action, and it keeps the steps atomic. */
		new_password(done->password);
		if ((arc = auth_password_hash(done->password, hash)) != AUTH_OK) {
			db_rollback(h->db);
			sodium_memzero(done, sizeof *done);
			h->retry_after = 2;
			return arc == AUTH_BUSY ? PAGE_BUSY : PAGE_ERROR;
		}
	}
	rc = db_portal_user_add(h->db, h->sess.tenant_id, c.id, c.name, login, by_mail ? NULL : hash,
				&uid);
	if (rc == DB_DUP) {
		db_rollback(h->db);
		sodium_memzero(done, sizeof *done);
		sodium_memzero(hash, sizeof hash);
		h->error_msg = "This login has portal access with your company already.";
		return PAGE_CONFLICT;
	}
	if (rc != DB_OK || (rc = db_portal_access_set(h->db, h->sess.tenant_id, uid, g.id, 1, 0)) != DB_OK ||
	    (rc = db_mfa_require(h->db, DB_PORTAL, h->sess.tenant_id, uid,
				 h->f[E_MFA].st == VAL_OK && h->f[E_MFA].num)) != DB_OK ||
	    (rc = db_contact_link(h->db, h->sess.tenant_id, ct.id, uid)) != DB_OK)
		goto out;
	if (by_mail && h->sess.tenant.portal_enabled &&
	    (rc = invite_enqueue(h->db, h->conf, &h->sess.tenant, uid, c.name, login)) != DB_OK)
		goto out;
	if ((rc = http_audit(h, "contact.enable_portal", login, NULL, g.name)) != DB_OK)
		goto out;
	if (by_mail) {
		snprintf(where, sizeof where, "/settings/customers/edit?id=%u&done=enabled", c.id);
		sodium_memzero(hash, sizeof hash);
		return http_txn_end(h, rc, where);
	}
	if ((rc = db_commit(h->db)) != DB_OK)
		goto out;
	sodium_memzero(hash, sizeof hash);
	done->customer_id = c.id;
	snprintf(done->name, sizeof done->name, "%s", ct.name);
	snprintf(done->login, sizeof done->login, "%s", login);
	/* The password is shown once, in this answer. */
	done->shown = 1;
	h->status = 200;
	return PAGE_INVALID;
out:
	db_rollback(h->db);
	sodium_memzero(done, sizeof *done);
	sodium_memzero(hash, sizeof hash);
	return http_db_fail(rc);
}

const struct page page_contact_enable = {
	.path = "/settings/customers/contacts/enable",
	.name = "contact-enabled",
	.title = "Portal user created",
	.methods = HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_EDIT,
	.need_edit = DB_PERM_EDIT,
	PAGE_FORM(enable_form),
	.get = enabled_get,
	.post = enable_post,
};
