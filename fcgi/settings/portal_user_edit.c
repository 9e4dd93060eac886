/* /settings/client/portal-access/edit: add (no id) or edit (?id=N) a portal
 * user.  The login email changes only when the office edits it: choosing a
 * company never replaces it.  Adding, a new user's email starts as the
 * chosen company's primary email (with JavaScript, while the field holds
 * nothing typed); the "Use company email" button (prefill=1) is the
 * explicit choice, and re-renders the form without saving.  The sites the
 * user may see (TrackTik: all, or chosen ones Yes/No) are offered for the
 * chosen company, adding as editing: "Choose company" (choose=1)
 * re-renders the form with that company's sites, saving nothing, and the
 * choice is checked and saved in the user's transaction. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "xml.h"

enum { Q_ID, Q_CUSTOMER, Q_DONE };
/* The notices a redirect back here asks for (?done=), in DONE_ order. */
enum {
	DONE_RESENT,
	DONE_OFF,
	DONE_MFA_ON,
	DONE_MFA_OFF,
	DONE_MFA_RESET,
	DONE_UNLOCKED,
	DONE_VIEWED
};
VAL_CHOICE(done_choice, "Unknown notice.", "resent", "off", "mfa-on", "mfa-off", "mfa-reset",
	   "unlocked", "viewed")
enum { STATUS_ACTIVE, STATUS_REVOKED };
VAL_CHOICE(status_choice, "Choose Active or Revoke Access.", "active", "revoked")
VAL_CHOICE(from_choice, "From is customer.", "customer")
enum { SITES_ALL, SITES_CHOSEN };
VAL_CHOICE(sites_choice, "Choose all sites or the chosen ones.", "all", "chosen")

static const struct val_field query[] = {
	[Q_ID] = {"id", val_id, 10, 0, "Portal user"},
	[Q_CUSTOMER] = {"customer", val_id, 10, 0, "Company"},
	[Q_DONE] = {"done", done_choice, 10, 0, "Done"},
};

enum {
	F_ID,
	F_CUSTOMER,
	F_EMAIL,
	F_PASSWORD,
	F_PREFILL,
	F_GROUP,
	F_STATUS,
	F_REPORTS,
	F_SITES,
	F_SITE,
	F_CHOOSE,
	F_FROM
};
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, 0, "Portal user"},
	[F_CUSTOMER] = {"customer", val_id, 10, VAL_REQUIRED, "Company"},
	[F_EMAIL] = {"email", val_email, 254, 0, "Email"},
	[F_PASSWORD] = {"password", val_password, 1024, VAL_SECRET, "Initial password"},
	[F_PREFILL] = {"prefill", val_bool, 1, 0, "Use company email"},
	[F_GROUP] = {"group", val_id, 10, 0, "Permission group"},
	[F_STATUS] = {"status", status_choice, 8, 0, "Status"},
	[F_REPORTS] = {"email_reports", val_bool, 1, 0, "Email me reports"},
	[F_SITES] = {"sites", sites_choice, 8, 0, "Sites"},
	[F_SITE] = {"site", val_id, 10, VAL_MULTI, "Sites"},
	[F_CHOOSE] = {"choose", val_bool, 1, 0, "Choose company"},
	/* The customer's page's Revoke / Restore: only the status changes
	 * (its form carries no reports checkbox), and back there. */
	[F_FROM] = {"from", from_choice, 8, 0, "From"},
};

/* A re-render asked for by a button, saving nothing. */
static int asked(const struct http *h, size_t f)
{
	return h->method == HTTP_POST && h->f[f].st == VAL_OK && h->f[f].num;
}

/* The in-form actions (http.h): "Use company email" and, without
 * JavaScript, "Choose company"; the form comes back with everything typed,
 * the password included. */
static int pue_action(const struct http *h)
{
	return asked(h, F_PREFILL) || asked(h, F_CHOOSE);
}

struct site_pick {
	xmlNodePtr parent;
	unsigned ids[100];
	size_t n;
};

/* The customer's sites, ticked when granted. */
static int add_site_pick(void *ctx, const struct db_site *st)
{
	struct site_pick *p = ctx;
	xmlNodePtr e = xml_text_el(p->parent, "site", st->name);
	xml_attr_int(e, "id", st->id);
	if (st->parent_id)
		xml_attr_int(e, "parent", st->parent_id);
	for (size_t i = 0; i < p->n; i++)
		if (p->ids[i] == st->id)
			xml_attr(e, "granted", "1");
	return 0;
}

struct options {
	xmlNodePtr parent;
	unsigned selected;
	int found; /* selected is one of the tenant's customers */
	char selected_email[255];
};

static int add_option(void *ctx, const struct db_customer *c)
{
	struct options *o = ctx;
	xmlNodePtr n = xml_text_el(o->parent, "customer", c->name);
	xml_attr_int(n, "id", c->id);
	xml_attr(n, "email", c->email);
	if (c->id == o->selected) {
		xml_attr(n, "selected", "1");
		o->found = 1;
		snprintf(o->selected_email, sizeof o->selected_email, "%s", c->email);
	}
	return 0;
}

/* The chosen company's sites, ticked as posted (a re-render), as saved (the
 * user's own company), or none ticked and "all" (a company just chosen). */
static enum page_result sites_xml(struct http *h, xmlNodePtr page, unsigned id,
				  const struct db_portal_user *u, unsigned customer)
{
	struct site_pick sp;
	enum db_result rc;
	int all = 1;

	memset(&sp, 0, sizeof sp);
	if (h->method == HTTP_POST && h->f[F_SITES].st == VAL_OK) {
		all = h->f[F_SITES].num != SITES_CHOSEN;
		/* As posted, also when the choice was refused (the field is
		 * then marked invalid, its values kept). */
		for (size_t i = 0;
		     h->f[F_SITE].nums != NULL && i < h->f[F_SITE].nnums && sp.n < 100; i++)
			sp.ids[sp.n++] = (unsigned)h->f[F_SITE].nums[i];
	} else if (id && customer == u->customer_id) {
		if ((rc = db_user_sites(h->db, id, sp.ids, 100, &sp.n)) != DB_OK ||
		    (rc = db_user_all_sites(h->db, h->sess.tenant_id, id, &all)) != DB_OK)
			return http_db_fail(rc);
	}
	sp.parent = xml_el(page, "sites");
	xml_attr_bool(sp.parent, "all", all);
	xml_attr_int(sp.parent, "customer", customer);
	if ((rc = db_sites(h->db, h->sess.tenant_id, customer, add_site_pick, &sp)) != DB_OK)
		return http_db_fail(rc);
	return PAGE_OK;
}

/* The notice a redirect back here asks for (?done=). */
static void done_notice(struct http *h)
{
	static const char *const said[] = {
		[DONE_RESENT] = "A new invitation is on its way; earlier links no longer work.",
		[DONE_OFF] = "The client portal is disabled: no invitation was sent.",
		[DONE_MFA_ON] = "This user must now use two-step verification: they set it up at "
				"their next sign-in.",
		[DONE_MFA_OFF] = "Two-step verification is no longer required for this user.",
		[DONE_MFA_RESET] = "Two-step verification is reset: the user's authenticator and "
				   "recovery codes no longer work, and their sessions have ended.",
		[DONE_UNLOCKED] = "Sign-in is unlocked for this user.",
		[DONE_VIEWED] = "You have left the portal view of this client.",
	};
	long long d = h->q[Q_DONE].num;

	if (h->method == HTTP_GET && h->q[Q_DONE].st == VAL_OK)
		http_notice(h, d == DONE_OFF ? "error" : "success", said[d]);
}

/* The group choice, the access status and "email me reports". */
static enum page_result access_xml(struct http *h, xmlNodePtr page, xmlNodePtr n, unsigned id)
{
	unsigned group = 0;
	int active = 1, reports = 0;
	enum db_result rc;

	if (id && (rc = db_portal_access_get(h->db, h->sess.tenant_id, id, &group, &active,
					     &reports)) != DB_OK)
		return http_db_fail(rc);
	if (h->method == HTTP_POST)
		reports = h->f[F_REPORTS].st == VAL_OK && h->f[F_REPORTS].num;
	xml_attr_bool(n, "email-reports", reports);
	if (h->method == HTTP_POST && h->f[F_GROUP].st == VAL_OK)
		group = (unsigned)h->f[F_GROUP].num;
	if (id)
		xml_attr(n, "access", active ? "active" : "revoked");
	/* The user's group (or, for a new user, the default) selected. */
	if ((rc = settings_group_options(h, xml_el(page, "groups"), group)) != DB_OK)
		return http_db_fail(rc);
	return PAGE_OK;
}

/* Sign-in security: MFA and the sign-in throttle's lock. */
static enum page_result security_xml(struct http *h, xmlNodePtr n, unsigned id)
{
	char key[64];
	int req = 0, en = 0;
	long long locked = 0;
	unsigned fails = 0;
	enum db_result rc;
	xmlNodePtr sec;

	if ((rc = db_mfa_state(h->db, DB_PORTAL, h->sess.tenant_id, id, &req, &en)) != DB_OK)
		return http_db_fail(rc);
	auth_portal_account(id, h->sess.tenant_id, "", key, sizeof key);
	if (auth_throttle_state(h->db, key, &locked, &fails) != AUTH_OK)
		return PAGE_UNAVAILABLE;
	sec = xml_el(n, "security");
	xml_attr_bool(sec, "mfa-required", req);
	xml_attr_bool(sec, "mfa-enabled", en);
	xml_attr_int(sec, "locked-seconds", (int)locked);
	xml_attr_int(sec, "failures", (int)fails);
	return PAGE_OK;
}

/* One invitation of the ledger: <invitation state queued expires sent?
 * bounced? accepted? email><answer/>?</invitation>. */
static int add_invitation(void *ctx, const struct db_invitation *i)
{
	xmlNodePtr e = xml_el(ctx, "invitation");

	xml_attr(e, "state", i->state);
	xml_attr(e, "email", i->email);
	xml_attr(e, "queued", i->queued);
	xml_attr(e, "expires", i->expires);
	if (i->sent[0])
		xml_attr(e, "sent", i->sent);
	if (i->bounced[0])
		xml_attr(e, "bounced", i->bounced);
	if (i->accepted[0])
		xml_attr(e, "accepted", i->accepted);
	if (i->reminders > 0) {
		xml_attr_int(e, "reminders", i->reminders);
		xml_attr(e, "reminded", i->reminded);
	}
	if (i->answer[0])
		xml_text_el(e, "answer", i->answer);
	return 0;
}

static enum page_result pe_get(struct http *h, xmlNodePtr root)
{
	const struct val_value *idv = h->method == HTTP_GET ? &h->q[Q_ID] : &h->f[F_ID];
	const struct val_value *cv = h->method == HTTP_GET ? &h->q[Q_CUSTOMER] : &h->f[F_CUSTOMER];
	unsigned id = idv->st == VAL_OK ? (unsigned)idv->num : 0;
	struct db_portal_user u;
	struct options o;
	enum db_result rc;
	enum page_result pr;
	xmlNodePtr page, n;
	int from_company;

	memset(&u, 0, sizeof u);
	memset(&o, 0, sizeof o);
	o.selected = cv->st == VAL_OK ? (unsigned)cv->num : 0;
	if (id && (rc = db_portal_user_get(h->db, h->sess.tenant_id, id, &u)) != DB_OK)
		return http_db_fail(rc);
	if (id && o.selected == 0)
		o.selected = u.customer_id;
	page = xml_el(root, "portal-user-edit");
	xml_attr_bool(page, "editable", h->sess.settings >= DB_PERM_EDIT);
	xml_attr_bool(page, "portal-enabled", h->sess.tenant.portal_enabled);
	o.parent = xml_el(page, "customers");
	if ((rc = db_customers_all(h->db, h->sess.tenant_id, add_option, &o)) != DB_OK)
		return http_db_fail(rc);
	n = xml_el(page, "user");
	if (id) {
		xml_attr_int(n, "id", u.id);
		xml_attr(n, "status", u.status);
	}
	/* A new user's email starts as the chosen company's primary email; a
	 * saved login stays as it is unless the office asks for the company's
	 * ("Use company email"), and "Choose company" fills in only an empty
	 * field of a new user. */
	from_company = asked(h, F_PREFILL) ||
		       (!id && asked(h, F_CHOOSE) && h->f[F_EMAIL].st == VAL_ABSENT);
	if (from_company)
		xml_attr(n, "email-from-company", "1");
	xml_text_el(n, "email", from_company || !id ? o.selected_email : u.email);
	xml_text_el(n, "last-sign-in", u.last_sign_in);
	if (id && (rc = db_invitations(h->db, h->sess.tenant_id, id, add_invitation,
				       xml_el(n, "invitations"))) != DB_OK)
		return http_db_fail(rc);
	if ((pr = access_xml(h, page, n, id)) != PAGE_OK)
		return pr;
	/* TrackTik: every site of the chosen company, or the granted ones;
	 * none until a company is chosen (adding). */
	if (o.found && (pr = sites_xml(h, page, id, &u, o.selected)) != PAGE_OK)
		return pr;
	if (id && (pr = security_xml(h, n, id)) != PAGE_OK)
		return pr;
	done_notice(h);
	return PAGE_OK;
}

/* The permission group (TrackTik: one must be chosen; a new user without
 * one gets the default) and, when editing, the status: revoking ends the
 * user's sessions at once (a trigger), restoring needs no new invitation. */
static enum page_result save_access(struct http *h, unsigned id, int editing, const char *email,
				    enum db_result *rc)
{
	unsigned gid = 0;
	int active = 1, reports = 0, now;
	struct db_group g;

	if ((*rc = db_portal_access_get(h->db, h->sess.tenant_id, id, &gid, &active, &reports)) !=
	    DB_OK)
		return PAGE_OK;
	if (h->f[F_GROUP].st == VAL_OK) {
		*rc = settings_group_chosen(h, (unsigned)h->f[F_GROUP].num, &g);
		if (*rc == DB_NOTFOUND)
			return http_field_error(h, F_GROUP,
						"Choose one of your permission groups.");
		if (*rc != DB_OK)
			return PAGE_OK;
		gid = g.id;
	}
	if (gid == 0)
		return http_field_error(h, F_GROUP, "Choose a permission group.");
	if (editing && h->f[F_STATUS].st == VAL_OK) {
		now = h->f[F_STATUS].num == STATUS_ACTIVE;
		if (active != now &&
		    (*rc = http_audit(h, active ? "portal_user.revoke" : "portal_user.restore",
				      email, active ? "active" : "revoked",
				      active ? "revoked" : "active")) != DB_OK)
			return PAGE_OK;
		active = now;
	}
	/* The form always carries the checkbox: absent means off (the
	 * customer's page's status buttons leave it as it is). */
	if (h->f[F_FROM].st != VAL_OK)
		reports = h->f[F_REPORTS].st == VAL_OK && h->f[F_REPORTS].num;
	*rc = db_portal_access_set(h->db, h->sess.tenant_id, id, gid, active, reports);
	return PAGE_OK;
}

/* TrackTik: all sites, or the granted ones of the user's own customer
 * (another's, or another tenant's, are refused), adding as editing. */
static enum page_result save_sites(struct http *h, unsigned id, enum db_result *rc)
{
	unsigned ids[100];
	size_t n = 0, added = 0;
	int all = h->f[F_SITES].num != SITES_CHOSEN;

	if (h->f[F_SITES].st != VAL_OK)
		return PAGE_OK;
	for (size_t i = 0; h->f[F_SITE].st == VAL_OK && i < h->f[F_SITE].nnums && n < 100; i++)
		ids[n++] = (unsigned)h->f[F_SITE].nums[i];
	if ((*rc = db_user_sites_set(h->db, h->sess.tenant_id, id, all, ids, n, &added)) == DB_OK &&
	    !all && added != n)
		return http_field_error(h, F_SITE, "Choose among this customer's sites.");
	return PAGE_OK;
}

/* The user's row: an edit (a password set by the office ends the user's
 * sessions and any reset link, as a reset by the user does), or a new user
 * (invited at once while the portal is on: otherwise the row says "Not
 * invited" and Resend works once it is on). */
static enum db_result save_user(struct http *h, const struct db_customer *c, unsigned *id,
				int editing, const char *hash, char *before, size_t beforesz,
				int *invited)
{
	const char *email = h->f[F_EMAIL].str;
	struct db_portal_user old;
	enum db_result rc;

	if (!editing) {
		rc = db_portal_user_add(h->db, h->sess.tenant_id, c->id, c->name, email, hash, id);
		if (rc == DB_OK && h->sess.tenant.portal_enabled) {
			rc = invite_enqueue(h->db, h->conf, &h->sess.tenant, *id, c->name, email);
			*invited = 1;
		}
		return rc;
	}
	if ((rc = db_portal_user_get(h->db, h->sess.tenant_id, *id, &old)) != DB_OK)
		return rc;
	snprintf(before, beforesz, "%s <%s>", old.company, old.email);
	rc = db_portal_user_update(h->db, h->sess.tenant_id, *id, c->id, c->name, email);
	if (rc == DB_OK && hash != NULL &&
	    (rc = db_portal_user_set_password(h->db, h->sess.tenant_id, *id, hash)) == DB_OK &&
	    (rc = db_token_kill(h->db, *id, "reset_password")) == DB_OK)
		rc = db_session_delete_portal_user(h->db, *id);
	return rc;
}

/* Saves the user, its group, status and sites in the core's transaction
 * (.txn): a refusal after the first write rolls all of it back. */
static enum page_result pe_post(struct http *h)
{
	int editing = h->f[F_ID].st == VAL_OK, invited = 0;
	unsigned id = editing ? (unsigned)h->f[F_ID].num : 0;
	const char *pw = h->f[F_PASSWORD].st == VAL_OK ? h->f[F_PASSWORD].str : NULL;
	const char *email = h->f[F_EMAIL].str;
	char hash[AUTH_HASH_LEN], target[300], before[300] = "";
	struct db_customer c;
	enum page_result r = PAGE_OK;
	enum db_result rc;
	enum auth_result arc;

	if (email == NULL)
		return http_field_error(h, F_EMAIL, "Enter the login email.");
	/* Hashed before the first write: no row lock is held for its 60 ms. */
	if (pw != NULL && (arc = auth_password_hash(pw, hash)) != AUTH_OK) {
		h->retry_after = 2;
		http_notice(h, "error", "The service is busy. Please try again in a moment.");
		return arc == AUTH_BUSY ? PAGE_BUSY : PAGE_ERROR;
	}
	rc = db_customer_get(h->db, h->sess.tenant_id, (unsigned)h->f[F_CUSTOMER].num, &c);
	if (rc == DB_NOTFOUND)
		r = http_field_error(h, F_CUSTOMER, "Choose one of your customers.");
	else if (rc == DB_OK)
		rc = save_user(h, &c, &id, editing, pw ? hash : NULL, before, sizeof before,
			       &invited);
	if (r == PAGE_OK && rc == DB_DUP)
		r = http_field_error(h, F_EMAIL,
				     "This email already has portal access with your "
				     "company.");
	if (r == PAGE_OK && rc == DB_OK &&
	    (r = save_access(h, id, editing, email, &rc)) == PAGE_OK && rc == DB_OK &&
	    (r = save_sites(h, id, &rc)) == PAGE_OK && rc == DB_OK) {
		snprintf(target, sizeof target, "%s <%s>%s%s", c.name, email,
			 pw ? " (password set)" : "",
			 h->f[F_SITES].st != VAL_OK          ? ""
			 : h->f[F_SITES].num == SITES_CHOSEN ? " (chosen sites)"
							     : " (all sites)");
		rc = http_audit(h, editing ? "portal_user.update" : "portal_user.add", target,
				editing ? before : NULL, target);
	}
	sodium_memzero(hash, sizeof hash);
	if (r != PAGE_OK)
		return r;
	if (editing && h->f[F_FROM].st == VAL_OK)
		return http_done(
			h, rc,
			http_text(h, "/settings/customers/edit?id=%u&done=user_saved", c.id));
	return http_done(h, rc,
			 editing   ? "/settings/client/portal-access?done=saved"
			 : invited ? "/settings/client/portal-access?done=invited"
				   : "/settings/client/portal-access?done=added");
}

const struct page page_portal_user_edit = {
	.path = "/settings/client/portal-access/edit",
	.name = "portal-user-edit",
	.title = "Portal User",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_VIEW,
	.need_edit = DB_PERM_EDIT,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = pe_get,
	.action = pue_action,
	.post = pe_post,
	.txn = 1, /* the core begins, commits or rolls back */
};
