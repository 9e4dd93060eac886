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

/* The contact (locked), the group and the customer; PAGE_OK, or the
 * refusal (400: not one of the tenant's groups; 409: a portal user
 * already); *rc says whether the database answered. */
static enum page_result load_enable(struct http *h, struct db_contact *ct, struct db_group *g,
				    struct db_customer *c, enum db_result *rc)
{
	if ((*rc = db_contact_get_locked(h->db, h->sess.tenant_id, (unsigned)h->f[E_CONTACT].num,
					 ct)) != DB_OK)
		return PAGE_OK;
	*rc = settings_group_chosen(h, (unsigned)h->f[E_GROUP].num, g);
	if (*rc == DB_NOTFOUND)
		return http_bad_request(h, "Choose one of your permission groups.");
	if (*rc != DB_OK ||
	    (*rc = db_customer_get(h->db, h->sess.tenant_id, ct->customer_id, c)) != DB_OK)
		return PAGE_OK;
	if (ct->portal_user_id) {
		h->error_msg = "This contact is a portal user already.";
		return PAGE_CONFLICT;
	}
	return PAGE_OK;
}

/* The portal user of contact ct, in group g, invited when by mail. */
static enum db_result create_user(struct http *h, const struct db_contact *ct,
				  const struct db_group *g, const struct db_customer *c,
				  const char *login, const char *hash, int by_mail)
{
	unsigned uid = 0;
	enum db_result rc;

	if ((rc = db_portal_user_add(h->db, h->sess.tenant_id, c->id, c->name, login,
				     by_mail ? NULL : hash, &uid)) != DB_OK ||
	    (rc = db_portal_access_set(h->db, h->sess.tenant_id, uid, g->id, 1, 0)) != DB_OK ||
	    (rc = db_mfa_require(h->db, DB_PORTAL, h->sess.tenant_id, uid,
				 h->f[E_MFA].st == VAL_OK && h->f[E_MFA].num)) != DB_OK ||
	    (rc = db_contact_link(h->db, h->sess.tenant_id, ct->id, uid)) != DB_OK)
		return rc;
	if (by_mail && h->sess.tenant.portal_enabled &&
	    (rc = invite_enqueue(h->db, h->conf, &h->sess.tenant, uid, c->name, login)) != DB_OK)
		return rc;
	return http_audit(h, "contact.enable_portal", login, NULL, g->name);
}

/* A contact with an email is invited; one without gets a typed login and a
 * generated password, shown once in this answer (so this page commits its
 * own transaction before it renders; the core rolls back what is left). */
static enum page_result enable_post(struct http *h)
{
	struct enabled *done = http_ctx(h, sizeof *done);
	struct db_contact ct;
	struct db_group g;
	struct db_customer c;
	char hash[AUTH_HASH_LEN] = "", login[255], where[128];
	enum page_result r = PAGE_OK;
	enum db_result rc;
	enum auth_result arc;
	int by_mail;

	if (done == NULL)
		return PAGE_ERROR;
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if ((r = load_enable(h, &ct, &g, &c, &rc)) != PAGE_OK || rc != DB_OK)
		goto out;
	by_mail = ct.email[0] != '\0';
	snprintf(login, sizeof login, "%s",
		 by_mail                      ? ct.email
		 : h->f[E_LOGIN].st == VAL_OK ? h->f[E_LOGIN].str
					      : "");
	if (!by_mail && !login_ok(login)) {
		r = http_bad_request(h, "A contact without an email needs a login: at least 3 of "
					"a-z, 0-9, . _ - @.");
		goto out;
	}
	/* Hashing holds the contact's row lock ~60 ms: acceptable for a rare
	 * office action, and it keeps the steps atomic. */
	if (!by_mail) {
		new_password(done->password);
		if ((arc = auth_password_hash(done->password, hash)) != AUTH_OK) {
			h->retry_after = 2;
			r = arc == AUTH_BUSY ? PAGE_BUSY : PAGE_ERROR;
			goto out;
		}
	}
	if ((rc = create_user(h, &ct, &g, &c, login, hash, by_mail)) == DB_DUP) {
		h->error_msg = "This login has portal access with your company already.";
		r = PAGE_CONFLICT;
		goto out;
	}
	if (rc != DB_OK || (rc = db_commit(h->db)) != DB_OK)
		goto out;
	sodium_memzero(hash, sizeof hash);
	if (by_mail) {
		snprintf(where, sizeof where, "/settings/customers/edit?id=%u&done=enabled", c.id);
		return http_redirect(h, where);
	}
	done->customer_id = c.id;
	snprintf(done->name, sizeof done->name, "%s", ct.name);
	snprintf(done->login, sizeof done->login, "%s", login);
	done->shown = 1; /* the password is shown once, in this answer */
	h->status = 200;
	return PAGE_INVALID;
out:
	db_rollback(h->db);
	sodium_memzero(done, sizeof *done);
	sodium_memzero(hash, sizeof hash);
	return r != PAGE_OK ? r : http_db_fail(rc);
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
