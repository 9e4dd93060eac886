/* /settings/office-users/edit: add (no id) or edit (?id=N) an office user
 * (seed 004), one form in three tabs: General (login, password, role, name,
 * phone and mobile provider, address, default login screen), Permissions
 * (Customize: the module matrix and "Enable All"; a preset role: what it
 * grants, read-only; calendars, vehicles, notifications) and Email.  Only
 * Super Admins come here (the page's need_view/need_edit), and even they
 * cannot grant more than they have, change their own role, or demote the
 * last active Super Admin.  "Enable All" and "Show permissions" (the role
 * without JavaScript) are in-form actions: the form comes back with
 * everything typed, the passwords too (http.h, carry), and nothing saved. */
#include "config.h"

#include <pthread.h>

#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "perm.h"
#include "xml.h"

enum { Q_ID, Q_DONE };
/* The notices a redirect back here asks for (?done=). */
enum { DONE_TESTED, DONE_MFA_REQUIRED, DONE_MFA_NOT_REQUIRED, DONE_MFA_RESET };
VAL_CHOICE(done_choice, "Unknown notice.", "tested", "mfa-required", "mfa-not-required",
	   "mfa-reset")
static const char *const said[] = {
	[DONE_TESTED] = NULL, /* the test's own outcome, below */
	[DONE_MFA_REQUIRED] = "Two-step verification is now required: they set it up at their "
			      "next sign-in.",
	[DONE_MFA_NOT_REQUIRED] = "Two-step verification is no longer required.",
	[DONE_MFA_RESET] = "Two-step verification reset: their sessions ended, and they sign in "
			   "with the password alone until they set it up again.",
};

static const struct val_field query[] = {
	[Q_ID] = {"id", val_id, 10, 0, "Office user"},
	/* what the last action on this page did: tested (Send test mail),
	 * mfa-required, mfa-not-required, mfa-reset */
	[Q_DONE] = {"done", done_choice, 20, 0, "Done"},
};

enum {
	F_ID,
	F_EMAIL,
	F_PASSWORD,
	F_ROLE,
	F_FIRST,
	F_LAST,
	F_PHONE,
	F_CARRIER,
	F_STREET,
	F_CITY,
	F_STATE,
	F_ZIP,
	F_COUNTRY,
	F_SCREEN,
	F_ENABLE_ALL,
	F_SHOW_ROLE,
	F_CALENDAR,
	F_VEHICLES,
	F_VEHICLE,
	F_MAIL,
	F_SMTP_HOST,
	F_SMTP_PORT,
	F_SMTP_SECURITY,
	F_SMTP_USER,
	F_SMTP_PASSWORD,
	F_NOTIFY0,              /* one field per notification, in notifications order */
	F_PERM0 = F_NOTIFY0 + 5 /* one field per module, in perm_modules order */
};
#define PERM_FIELD(key, label, kind) {"perm_" #key, val_uint, 1, 0, label},
static const struct val_field form[] = {
	[F_ID] = {"id", val_id, 10, 0, "Office user"},
	[F_EMAIL] = {"email", val_email, 254, VAL_REQUIRED, "Login"},
	[F_PASSWORD] = {"password", val_password, 1024, VAL_SECRET, "Password"},
	[F_ROLE] = {"role", val_line, 16, VAL_REQUIRED, "Role"},
	[F_FIRST] = {"first", val_line, 100, 0, "First name"},
	[F_LAST] = {"last", val_line, 100, 0, "Last name"},
	[F_PHONE] = {"phone", val_line, 40, 0, "Phone"},
	[F_CARRIER] = {"carrier", val_line, 32, 0, "Mobile provider"},
	[F_STREET] = {"street", val_line, 200, VAL_REQUIRED, "Street"},
	[F_CITY] = {"city", val_line, 100, VAL_REQUIRED, "City"},
	[F_STATE] = {"state", val_line, 100, VAL_REQUIRED, "State"},
	[F_ZIP] = {"zip", val_line, 20, VAL_REQUIRED, "ZIP"},
	[F_COUNTRY] = {"country", val_line, 100, VAL_REQUIRED, "Country"},
	[F_SCREEN] = {"screen", val_line, 32, 0, "Default login screen"},
	[F_ENABLE_ALL] = {"enable_all", val_bool, 1, 0, "Enable All"},
	/* without JavaScript: the form again with the chosen role's permissions */
	[F_SHOW_ROLE] = {"show_role", val_bool, 1, 0, "Show permissions"},
	[F_CALENDAR] = {"calendar", val_id, 10, VAL_MULTI, "Calendars"},
	[F_VEHICLES] = {"vehicles", val_line, 8, 0, "Vehicles on the map"},
	[F_VEHICLE] = {"vehicle", val_id, 10, VAL_MULTI, "Vehicles"},
	[F_MAIL] = {"mail", val_line, 16, 0, "Outgoing mail"},
	[F_SMTP_HOST] = {"smtp_host", val_line, 253, 0, "SMTP server"},
	[F_SMTP_PORT] = {"smtp_port", val_uint, 5, 0, "Port"},
	[F_SMTP_SECURITY] = {"smtp_security", val_line, 16, 0, "Security"},
	[F_SMTP_USER] = {"smtp_user", val_line, 254, 0, "SMTP login"},
	[F_SMTP_PASSWORD] = {"smtp_password", val_secret, 256, VAL_SECRET, "SMTP password"},
	[F_NOTIFY0 + 0] = {"notify_job_added", val_bool, 1, 0, "Job Added"},
	[F_NOTIFY0 + 1] = {"notify_inventory_added", val_bool, 1, 0, "Inventory Added"},
	[F_NOTIFY0 + 2] = {"notify_customer_added", val_bool, 1, 0, "Customer Added"},
	[F_NOTIFY0 + 3] = {"notify_equipment_added", val_bool, 1, 0, "Equipment Added"},
	[F_NOTIFY0 + 4] = {"notify_mobile_user", val_bool, 1, 0, "New mobile user"},
	PERM_MODULES(PERM_FIELD)};
#undef PERM_FIELD
#define NFORM (sizeof form / sizeof form[0])

static const struct {
	const char *key, *label;
} roles[] = {
	{"view_only", "View Only"},
	{"edit_view", "Edit & View"},
	{"admin", "Admin"},
	{"customize", "Customize"},
};

/* The preset roles, whose permissions the server derives itself: the
 * page shows what each grants (read-only) and never reads a matrix for them. */
static const char *const presets[3] = {"view_only", "edit_view", "admin"};

static const char *opt(const struct val_value *v);

/* The notifications a user may receive: the SET values of
 * office_users.notifications, in the form's order. */
static const char *const notifications[5] = {"job_added", "inventory_added", "customer_added",
					     "equipment_added", "mobile_user"};

struct pick {
	xmlNodePtr parent;
	const unsigned *ids;
	size_t n;
};

/* A calendar or vehicle as an option, ticked when among the picked ids. */
static int add_pick(void *ctx, const struct db_named *nm)
{
	struct pick *p = ctx;
	xmlNodePtr e = xml_text_el(p->parent, "item", nm->name);
	xml_attr_int(e, "id", nm->id);
	for (size_t i = 0; i < p->n; i++)
		if (p->ids[i] == nm->id)
			xml_attr(e, "selected", "1");
	return 0;
}

/* The posted ids of a VAL_MULTI field, as unsigned. */
static size_t posted_ids(const struct val_value *v, unsigned *ids, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; v->st == VAL_OK && i < v->nnums && n < max; i++)
		ids[n++] = (unsigned)v->nums[i];
	return n;
}

/* The calendars, vehicles and notifications part of the page: from the
 * POST when a form comes back, else the user's (or a new user's: every
 * vehicle, no calendar, no notification). */
static enum page_result add_links(struct http *h, xmlNodePtr page, unsigned id)
{
	unsigned cals[100], vans[100];
	size_t ncal = 0, nvan = 0;
	int all = 1;
	char notify[200] = "";
	enum db_result rc;
	struct pick p;
	xmlNodePtr e;

	if (h->method == HTTP_POST) {
		ncal = posted_ids(&h->f[F_CALENDAR], cals, 100);
		nvan = posted_ids(&h->f[F_VEHICLE], vans, 100);
		all = strcmp(opt(&h->f[F_VEHICLES]), "chosen") != 0;
	} else if (id &&
		   ((rc = db_user_links(h->db, DB_CALENDARS, id, cals, 100, &ncal)) != DB_OK ||
		    (rc = db_user_links(h->db, DB_VEHICLES, id, vans, 100, &nvan)) != DB_OK ||
		    (rc = db_office_user_extras(h->db, h->sess.tenant_id, id, &all, notify,
						sizeof notify)) != DB_OK))
		return http_db_fail(rc);
	p.parent = xml_el(page, "calendars");
	p.ids = cals;
	p.n = ncal;
	if ((rc = db_named_list(h->db, DB_CALENDARS, h->sess.tenant_id, add_pick, &p)) != DB_OK)
		return http_db_fail(rc);
	p.parent = xml_el(page, "vehicles");
	xml_attr_bool(p.parent, "all", all);
	p.ids = vans;
	p.n = nvan;
	if ((rc = db_named_list(h->db, DB_VEHICLES, h->sess.tenant_id, add_pick, &p)) != DB_OK)
		return http_db_fail(rc);
	e = xml_el(page, "notifications");
	for (size_t i = 0; i < 5; i++) {
		const struct val_value *v = &h->f[F_NOTIFY0 + i];
		int on = h->method == HTTP_POST ? v->st == VAL_OK && v->num
						: strstr(notify, notifications[i]) != NULL;
		xmlNodePtr n = xml_text_el(e, "notify", form[F_NOTIFY0 + i].label);
		xml_attr(n, "key", notifications[i]);
		if (on)
			xml_attr(n, "on", "1");
	}
	return PAGE_OK;
}

static const char *opt(const struct val_value *v)
{
	return v->st == VAL_OK ? v->str : "";
}

/* The module keys, for db_office_user_perms. */
static const char *module_keys[sizeof form / sizeof form[0] - F_PERM0];

/* Filled once for all threads (pthread_once): it used to be written by
 * every request, a data race between worker threads. */
static void keys_fill(void)
{
	for (size_t i = 0; i < perm_nmodules; i++)
		module_keys[i] = perm_modules[i].key;
}

static void keys_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, keys_fill);
}

/* Whether a POST carries any module level: the matrix is on the page
 * (enabled) only while the role is Customize. */
static int posted_any_level(const struct http *h)
{
	for (size_t i = 0; i < perm_nmodules; i++)
		if (h->f[F_PERM0 + i].st != VAL_ABSENT)
			return 1;
	return 0;
}

static int flag(const struct val_value *v)
{
	return v->st == VAL_OK && v->num;
}

/* The page's in-form actions (http.h): "Enable All" and, without
 * JavaScript, "Show permissions" for the role chosen. */
static int ou_action(const struct http *h)
{
	return flag(&h->f[F_ENABLE_ALL]) || flag(&h->f[F_SHOW_ROLE]);
}

/* The matrix a POST asks for: the role's, or (Customize) the posted
 * levels; -1 at the first invalid one (its index in *bad). */
static int posted_levels(struct http *h, const char *role, int *levels, size_t *bad)
{
	int custom = strcmp(role, "customize") == 0;
	for (size_t i = 0; i < perm_nmodules; i++) {
		const struct val_value *v = &h->f[F_PERM0 + i];
		levels[i] = custom ? (v->st == VAL_OK ? (int)v->num : 0)
				   : perm_role_level(role, &perm_modules[i]);
		if (!perm_level_valid(&perm_modules[i], levels[i])) {
			*bad = i;
			return -1;
		}
	}
	return 0;
}

static const char *level_name(const struct perm_module *m, int level)
{
	switch (m->kind) {
	case PERM_MAP: return level ? "Map View" : "No Access";
	case PERM_TOGGLE: return level ? "On" : "Off";
	default: break;
	}
	static const char *const names[] = {"No Access", "View", "Edit", "Super Admin"};
	return level >= 0 && level <= 3 ? names[level] : "?";
}

/* The Email tab: the user's own outgoing mail connection (never the
 * password: only whether one is stored), the last test, and which OAuth2
 * providers the operator has configured. */
static enum page_result add_mail(struct http *h, xmlNodePtr page, unsigned id)
{
	struct db_office_mail m;
	enum db_result rc;
	xmlNodePtr n;
	char port[8];

	memset(&m, 0, sizeof m);
	snprintf(m.provider, sizeof m.provider, "default");
	snprintf(m.security, sizeof m.security, "starttls");
	m.port = 587;
	if (id && (rc = db_office_mail_get(h->db, h->sess.tenant_id, id, &m)) != DB_OK)
		return http_db_fail(rc);
	n = xml_el(page, "mail");
	xml_attr(n, "provider", m.provider);
	xml_attr(n, "host", m.host);
	snprintf(port, sizeof port, "%u", m.port);
	xml_attr(n, "port", port);
	xml_attr(n, "security", m.security);
	xml_attr(n, "user", m.user);
	xml_attr_bool(n, "has-password", m.password_len > 0);
	xml_attr_bool(n, "google",
		      h->conf->oauth.google_client_id[0] && h->conf->oauth.google_client_secret[0]);
	xml_attr_bool(n, "office365",
		      h->conf->oauth.microsoft_client_id[0] &&
			      h->conf->oauth.microsoft_client_secret[0]);
	if (m.tested_at[0]) {
		xmlNodePtr t = xml_text_el(n, "last-test", m.test_result);
		xml_attr(t, "at", m.tested_at);
		xml_attr_bool(t, "ok", m.test_ok);
		/* Right after "Send test mail": the outcome at the top of the
		 * page, where it is seen (the side card keeps it too). */
		if (h->method == HTTP_GET && h->q[Q_DONE].st == VAL_OK &&
		    h->q[Q_DONE].num == DONE_TESTED) {
			char msg[256];
			snprintf(msg, sizeof msg, "Test mail: %s", m.test_result);
			http_notice(h, m.test_ok ? "success" : "error", msg);
		}
	}
	sodium_memzero(&m, sizeof m);
	return PAGE_OK;
}

/* The user's fields as XML under page (role: as shown, maybe posted). */
static xmlNodePtr user_xml(xmlNodePtr page, const struct db_office_user *u, const char *role)
{
	xmlNodePtr n = xml_el(page, "user");

	xml_attr(n, "role", role);
	xml_text_el(n, "email", u->email);
	xml_text_el(n, "first", u->first);
	xml_text_el(n, "last", u->last);
	xml_text_el(n, "phone", u->phone);
	xml_text_el(n, "carrier", u->mobile_provider);
	xml_text_el(n, "street", u->street);
	xml_text_el(n, "city", u->city);
	xml_text_el(n, "state", u->state);
	xml_text_el(n, "zip", u->zip);
	xml_text_el(n, "country", u->country);
	xml_text_el(n, "screen", u->default_screen);
	return n;
}

/* The roles, the text-alert carriers and the module matrix (with each
 * preset role's levels, for the read-only summary of a preset). */
static void choices_xml(xmlNodePtr page, const int *levels, const int *mine)
{
	static const char *const kinds[] = {"levels", "map", "toggle", "settings"};
	xmlNodePtr list = xml_el(page, "roles");

	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		xml_attr(xml_text_el(list, "role", roles[i].label), "key", roles[i].key);
	list = xml_el(page, "carriers");
	for (size_t i = 0; i < perm_ncarriers; i++) {
		xmlNodePtr c = xml_text_el(list, "carrier", perm_carriers[i].label);
		xml_attr(c, "key", perm_carriers[i].key);
		xml_attr(c, "gateway", perm_carriers[i].gateway);
	}
	list = xml_el(page, "modules");
	for (size_t i = 0; i < perm_nmodules; i++) {
		const struct perm_module *m = &perm_modules[i];
		xmlNodePtr e = xml_el(list, "module");
		xml_attr(e, "key", m->key);
		xml_attr(e, "label", m->label);
		xml_attr(e, "kind", kinds[m->kind]);
		xml_attr_int(e, "level", levels[i]);
		xml_attr_int(e, "max", mine[i]); /* nobody grants more than they have */
		xml_attr(e, "level-name", level_name(m, levels[i]));
		for (size_t k = 0; k < sizeof presets / sizeof presets[0]; k++) {
			int lv = perm_role_level(presets[k], m);
			xmlNodePtr p = xml_el(e, "preset");
			xml_attr(p, "role", presets[k]);
			xml_attr_int(p, "level", lv);
			xml_attr(p, "level-name", level_name(m, lv));
		}
	}
}

/* A form that came back (an in-form action or an error): the role and
 * levels as posted; "Enable All" gives Customize at every module's
 * highest level. */
static const char *posted_role(struct http *h, const char *role, int *levels)
{
	size_t bad = 0;

	if (h->method != HTTP_POST)
		return role;
	role = opt(&h->f[F_ROLE]);
	if (flag(&h->f[F_ENABLE_ALL])) {
		for (size_t i = 0; i < perm_nmodules; i++)
			levels[i] = perm_enable_all(&perm_modules[i]);
		return "customize";
	}
	/* Customize chosen where the matrix was not on the page (a preset
	 * role's form) starts from the levels the user has. */
	if (!(strcmp(role, "customize") == 0 && !posted_any_level(h)) && perm_role_valid(role) &&
	    posted_levels(h, role, levels, &bad) != 0)
		levels[bad] = 0;
	return role;
}

/* The user to show: saved, or a new one (View Only, settings first); an
 * empty address starts as the company's. */
static enum db_result load_user(struct http *h, unsigned id, struct db_office_user *u, int *levels,
				int *mine)
{
	enum db_result rc;

	memset(u, 0, sizeof *u);
	if (id &&
	    ((rc = db_office_user_get(h->db, h->sess.tenant_id, id, u)) != DB_OK ||
	     (rc = db_office_user_perms(h->db, id, module_keys, perm_nmodules, levels)) != DB_OK))
		return rc;
	if ((rc = db_office_user_perms(h->db, h->sess.user_id, module_keys, perm_nmodules, mine)) !=
	    DB_OK)
		return rc;
	if (!id || !(u->street[0] || u->city[0] || u->state[0] || u->zip[0] || u->country[0])) {
		snprintf(u->street, sizeof u->street, "%s", h->sess.tenant.street);
		snprintf(u->city, sizeof u->city, "%s", h->sess.tenant.city);
		snprintf(u->state, sizeof u->state, "%s", h->sess.tenant.state);
		snprintf(u->zip, sizeof u->zip, "%s", h->sess.tenant.zip);
		snprintf(u->country, sizeof u->country, "%s", h->sess.tenant.country);
	}
	if (!id) {
		snprintf(u->role, sizeof u->role, "view_only");
		snprintf(u->default_screen, sizeof u->default_screen, "settings");
		for (size_t i = 0; i < perm_nmodules; i++)
			levels[i] = perm_role_level("view_only", &perm_modules[i]);
	}
	return DB_OK;
}

static enum page_result ou_get(struct http *h, xmlNodePtr root)
{
	struct db_office_user u;
	int levels[sizeof module_keys / sizeof module_keys[0]],
		mine[sizeof levels / sizeof levels[0]];
	int req = 0, en = 0;
	enum db_result rc;
	enum page_result r;
	const struct val_value *idv = h->method == HTTP_GET ? &h->q[Q_ID] : &h->f[F_ID];
	unsigned id = idv->st == VAL_OK ? (unsigned)idv->num : 0;
	xmlNodePtr page, n;

	keys_init();
	if ((rc = load_user(h, id, &u, levels, mine)) != DB_OK)
		return http_db_fail(rc);
	http_said(h, &h->q[Q_DONE], said);
	page = xml_el(root, "office-user-edit");
	xml_attr_bool(page, "self", id != 0 && id == h->sess.user_id);
	n = user_xml(page, &u, posted_role(h, u.role, levels));
	if (id) {
		xml_attr_int(n, "id", u.id);
		xml_attr(n, "status", u.active ? "active" : "inactive");
		if ((rc = db_mfa_state(h->db, DB_OFFICE, h->sess.tenant_id, id, &req, &en)) !=
		    DB_OK)
			return http_db_fail(rc);
		xml_attr_bool(n, "mfa-required", req);
		xml_attr_bool(n, "mfa-enabled", en);
	}
	choices_xml(page, levels, mine);
	if ((r = add_mail(h, page, id)) != PAGE_OK)
		return r;
	return add_links(h, page, id);
}

/* The index of module key in perm_modules (which has it). */
static size_t perm_index(const char *key)
{
	size_t i = 0;
	while (i + 1 < perm_nmodules && strcmp(perm_modules[i].key, key) != 0)
		i++;
	return i;
}

/* Refuses a change that would leave the tenant without an active Super
 * Admin: call in the transaction, for a user who is one now. */
static enum db_result last_super(struct http *h, unsigned id, int *last)
{
	unsigned ids[2], n = 0;
	enum db_result rc = db_office_supers_locked(h->db, h->sess.tenant_id, ids, 2, &n);
	*last = rc == DB_OK && n <= 1 && (n == 0 || ids[0] == id);
	return rc;
}

/* What a valid POST saves, read from the form by the checks below. */
struct ou_save {
	int editing;
	unsigned id;
	const char *pw, *role, *screen;
	int levels[sizeof module_keys / sizeof module_keys[0]];
	int old[sizeof module_keys / sizeof module_keys[0]];
	unsigned cals[100], vans[100];
	size_t ncal, nvan;
	int all_vans;
	char notify[200];
	struct db_office_mail mail;
	struct db_office_user u;
	char hash[AUTH_HASH_LEN];
};

/* The role, its levels, the password rule, the text alerts and the
 * default screen; PAGE_OK or the field's error. */
static enum page_result check_role(struct http *h, struct ou_save *s)
{
	const struct perm_module *sm;
	size_t bad = 0;

	if (!perm_role_valid(s->role))
		return http_field_error(h, F_ROLE,
					"Choose View Only, Edit & View, Admin or Customize.");
	/* Customize saved where the matrix was not on the page (no JavaScript,
	 * the role changed from a preset): the form comes back with it. */
	if (strcmp(s->role, "customize") == 0 && !posted_any_level(h))
		return http_field_error(h, F_ROLE,
					"Set each module's access under Permissions, "
					"then save.");
	if (posted_levels(h, s->role, s->levels, &bad) != 0)
		return http_field_error(h, F_PERM0 + bad, "Choose one of this module's levels.");
	if (!s->editing && s->pw == NULL)
		return http_field_error(h, F_PASSWORD, "A new office user needs a password.");
	if (h->f[F_CARRIER].st == VAL_OK && perm_carrier(h->f[F_CARRIER].str) == NULL)
		return http_field_error(h, F_CARRIER, "Choose a provider from the list.");
	if (h->f[F_CARRIER].st == VAL_OK && h->f[F_PHONE].st != VAL_OK)
		return http_field_error(h, F_PHONE, "Text alerts need the phone number too.");
	if (*s->screen == '\0')
		s->screen = "settings";
	if ((sm = perm_module(s->screen)) == NULL || sm->kind == PERM_TOGGLE)
		return http_field_error(h, F_SCREEN, "Choose one of the modules.");
	s->ncal = posted_ids(&h->f[F_CALENDAR], s->cals, 100);
	s->nvan = posted_ids(&h->f[F_VEHICLE], s->vans, 100);
	s->all_vans = strcmp(opt(&h->f[F_VEHICLES]), "chosen") != 0;
	if (h->f[F_VEHICLES].st == VAL_OK && s->all_vans &&
	    strcmp(h->f[F_VEHICLES].str, "all") != 0)
		return http_field_error(h, F_VEHICLES, "Choose all vehicles or chosen ones.");
	/* Scheduling work goes on a calendar: editing it needs one.  Viewing
	 * needs none (the user sees the calendars ticked, maybe none), so the
	 * form's defaults (View Only, no calendar) save as shown, also in a
	 * company that has no calendar yet. */
	if (s->levels[perm_index("scheduling")] >= DB_PERM_EDIT && s->ncal == 0)
		return http_field_error(h, F_CALENDAR,
					"Scheduling at Edit needs at least one "
					"calendar to schedule on.");
	for (size_t i = 0, o = 0; i < 5; i++)
		if (h->f[F_NOTIFY0 + i].st == VAL_OK && h->f[F_NOTIFY0 + i].num)
			o += (size_t)snprintf(s->notify + o, sizeof s->notify - o, "%s%s",
					      o ? "," : "", notifications[i]);
	return PAGE_OK;
}

/* The Email tab: the provider, and for SMTP its server; PAGE_OK or the
 * field's error. */
static enum page_result check_mail(struct http *h, struct ou_save *s)
{
	const char *mp = h->f[F_MAIL].st == VAL_OK ? h->f[F_MAIL].str : "default";
	const char *sec =
		h->f[F_SMTP_SECURITY].st == VAL_OK ? h->f[F_SMTP_SECURITY].str : "starttls";
	const char *host = opt(&h->f[F_SMTP_HOST]);
	const struct conf *c = h->conf;

	if (strcmp(mp, "default") && strcmp(mp, "smtp") && strcmp(mp, "google") &&
	    strcmp(mp, "office365"))
		return http_field_error(h, F_MAIL, "Choose one of the mail options.");
	if (strcmp(mp, "google") == 0 &&
	    !(c->oauth.google_client_id[0] && c->oauth.google_client_secret[0]))
		return http_field_error(h, F_MAIL,
					"Google mail needs google_client_id and "
					"google_client_secret in the [oauth] section of "
					"the server's configuration.");
	if (strcmp(mp, "office365") == 0 &&
	    !(c->oauth.microsoft_client_id[0] && c->oauth.microsoft_client_secret[0]))
		return http_field_error(h, F_MAIL,
					"Office 365 mail needs microsoft_client_id "
					"and microsoft_client_secret in the [oauth] "
					"section of the server's configuration.");
	if (strcmp(sec, "starttls") && strcmp(sec, "tls") && strcmp(sec, "none"))
		return http_field_error(h, F_SMTP_SECURITY, "Choose STARTTLS, TLS or none.");
	if (strcmp(mp, "smtp") == 0) {
		if (*host == '\0' ||
		    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789.-") != strlen(host))
			return http_field_error(h, F_SMTP_HOST, "Enter the server's host name.");
		if (h->f[F_SMTP_PORT].st != VAL_OK || h->f[F_SMTP_PORT].num < 1 ||
		    h->f[F_SMTP_PORT].num > 65535)
			return http_field_error(h, F_SMTP_PORT, "Enter a port from 1 to 65535.");
		if (strcmp(sec, "none") == 0 && h->f[F_SMTP_USER].st == VAL_OK)
			return http_field_error(h, F_SMTP_SECURITY,
						"A login needs STARTTLS or TLS: a "
						"password is never sent in clear.");
	}
	memset(&s->mail, 0, sizeof s->mail);
	snprintf(s->mail.provider, sizeof s->mail.provider, "%s", mp);
	snprintf(s->mail.host, sizeof s->mail.host, "%s", host);
	s->mail.port = h->f[F_SMTP_PORT].st == VAL_OK ? (unsigned)h->f[F_SMTP_PORT].num : 587;
	snprintf(s->mail.security, sizeof s->mail.security, "%s", sec);
	snprintf(s->mail.user, sizeof s->mail.user, "%s", opt(&h->f[F_SMTP_USER]));
	return PAGE_OK;
}

/* Nobody grants more than they have; a deleted user's login is burned. */
static enum page_result check_grants(struct http *h, struct ou_save *s)
{
	int mine[sizeof module_keys / sizeof module_keys[0]], tomb = 0;
	enum db_result rc;

	if ((rc = db_office_user_perms(h->db, h->sess.user_id, module_keys, perm_nmodules, mine)) !=
	    DB_OK)
		return http_db_fail(rc);
	for (size_t i = 0; i < perm_nmodules; i++)
		if (s->levels[i] > mine[i])
			return http_field_error(
				h, strcmp(s->role, "customize") == 0 ? F_PERM0 + i : F_ROLE,
				http_text(h,
					  "You cannot grant more than you have yourself (%s: %s).",
					  perm_modules[i].label,
					  level_name(&perm_modules[i], mine[i])));
	if (s->editing)
		return PAGE_OK;
	if ((rc = db_office_login_tombstoned(h->db, h->f[F_EMAIL].str, &tomb)) != DB_OK)
		return http_db_fail(rc);
	if (tomb)
		return http_field_error(h, F_EMAIL,
					"This login belonged to a deleted user and can "
					"never be used again. Choose another.");
	return PAGE_OK;
}

static void fill_user(struct http *h, struct ou_save *s)
{
	struct db_office_user *u = &s->u;

	memset(u, 0, sizeof *u);
	u->id = s->id;
	snprintf(u->email, sizeof u->email, "%s", h->f[F_EMAIL].str);
	snprintf(u->role, sizeof u->role, "%s", s->role);
	snprintf(u->first, sizeof u->first, "%s", opt(&h->f[F_FIRST]));
	snprintf(u->last, sizeof u->last, "%s", opt(&h->f[F_LAST]));
	snprintf(u->phone, sizeof u->phone, "%s", opt(&h->f[F_PHONE]));
	snprintf(u->mobile_provider, sizeof u->mobile_provider, "%s", opt(&h->f[F_CARRIER]));
	snprintf(u->street, sizeof u->street, "%s", h->f[F_STREET].str);
	snprintf(u->city, sizeof u->city, "%s", h->f[F_CITY].str);
	snprintf(u->state, sizeof u->state, "%s", h->f[F_STATE].str);
	snprintf(u->zip, sizeof u->zip, "%s", h->f[F_ZIP].str);
	snprintf(u->country, sizeof u->country, "%s", h->f[F_COUNTRY].str);
	snprintf(u->default_screen, sizeof u->default_screen, "%s", s->screen);
}

/* An edit: the role and levels may change unless it is one's own or the
 * last Super Admin's; a changed password ends the user's other sessions,
 * whoever changes it (all of them when another Super Admin does; all but
 * this one when it is one's own), and any reset link.  oldv gets the
 * audit's "before". */
static enum page_result update_user(struct http *h, struct ou_save *s, char *oldv, size_t oldsz,
				    enum db_result *rc)
{
	struct db_office_user before;
	int changed = 0, last = 0;

	if ((*rc = db_office_user_get(h->db, h->sess.tenant_id, s->id, &before)) != DB_OK ||
	    (*rc = db_office_user_perms(h->db, s->id, module_keys, perm_nmodules, s->old)) != DB_OK)
		return PAGE_OK;
	for (size_t i = 0; i < perm_nmodules; i++)
		changed |= s->old[i] != s->levels[i];
	changed |= strcmp(before.role, s->role) != 0;
	if (changed && s->id == h->sess.user_id)
		return http_field_error(h, F_ROLE,
					"You cannot change your own role or permissions; "
					"another Super Admin can.");
	if (changed && before.active && before.settings >= DB_PERM_SUPER &&
	    s->levels[perm_index("settings")] < DB_PERM_SUPER) {
		if ((*rc = last_super(h, s->id, &last)) != DB_OK)
			return PAGE_OK;
		if (last)
			return http_field_error(h, F_ROLE,
						"This is the last active Super Admin: make "
						"another one first.");
	}
	*rc = db_office_user_update(h->db, h->sess.tenant_id, &s->u);
	if (*rc == DB_OK && s->pw != NULL &&
	    (*rc = db_office_user_set_password(h->db, h->sess.tenant_id, s->id, s->hash)) ==
		    DB_OK &&
	    (*rc = db_office_sessions_delete_others(
		     h->db, s->id, s->id == h->sess.user_id ? h->token_hash : NULL)) == DB_OK)
		*rc = db_office_token_kill(h->db, s->id);
	snprintf(oldv, oldsz, "%s <%s>", before.role, before.email);
	return PAGE_OK;
}

/* The levels, calendars, vehicles, alerts and mail of the saved user. */
static enum page_result save_extras(struct http *h, struct ou_save *s, enum db_result *rc)
{
	unsigned char sealed[256 + AUTH_SEAL_OVERHEAD];
	size_t added = 0, nvan = s->all_vans ? 0 : s->nvan;

	for (size_t i = 0; *rc == DB_OK && i < perm_nmodules; i++)
		*rc = db_office_set_perm(h->db, s->id, perm_modules[i].key, s->levels[i]);
	if (*rc == DB_OK &&
	    (*rc = db_user_links_set(h->db, DB_CALENDARS, h->sess.tenant_id, s->id, s->cals,
				     s->ncal, &added)) == DB_OK &&
	    added != s->ncal)
		return http_field_error(h, F_CALENDAR, "Choose among your company's calendars.");
	if (*rc == DB_OK &&
	    (*rc = db_user_links_set(h->db, DB_VEHICLES, h->sess.tenant_id, s->id,
				     s->all_vans ? NULL : s->vans, nvan, &added)) == DB_OK &&
	    added != nvan)
		return http_field_error(h, F_VEHICLE, "Choose among your company's vehicles.");
	if (*rc == DB_OK)
		*rc = db_office_user_set_extras(h->db, h->sess.tenant_id, s->id, s->all_vans,
						s->notify);
	if (*rc == DB_OK)
		*rc = db_office_mail_set(h->db, h->sess.tenant_id, s->id, &s->mail);
	if (*rc == DB_OK && h->f[F_SMTP_PASSWORD].st == VAL_OK) {
		/* Sealed: the server must be able to log in with it, so a hash
		 * will not do; the secrets key protects it at rest. */
		const char *spw = h->f[F_SMTP_PASSWORD].str;
		size_t len = strlen(spw);
		*rc = auth_seal((const unsigned char *)spw, len, sealed, sizeof sealed) == 0
			      ? db_office_mail_password(h->db, h->sess.tenant_id, s->id, sealed,
							len + AUTH_SEAL_OVERHEAD)
			      : DB_ERR;
		sodium_memzero(sealed, sizeof sealed);
	}
	return PAGE_OK;
}

/* The audit's "after": the role, the login and the levels that changed. */
static void describe(const struct ou_save *s, char *out, size_t sz)
{
	size_t o = (size_t)snprintf(out, sz, "%s <%s>%s;", s->role, s->u.email,
				    s->pw ? " (password set)" : "");
	for (size_t i = 0; i < perm_nmodules && o < sz; i++)
		if (!s->editing || s->old[i] != s->levels[i])
			o += (size_t)snprintf(out + o, sz - o, " %s=%d", perm_modules[i].key,
					      s->levels[i]);
}

/* Checks the form, then saves the user in the core's transaction (.txn):
 * any refusal after the first write rolls all of it back. */
static enum page_result ou_post(struct http *h)
{
	struct ou_save *s = calloc(1, sizeof *s);
	char oldv[600] = "", newv[600];
	enum page_result r = PAGE_ERROR;
	enum db_result rc = DB_OK;
	enum auth_result arc;

	if (s == NULL)
		return PAGE_ERROR;
	keys_init();
	s->editing = h->f[F_ID].st == VAL_OK;
	s->id = s->editing ? (unsigned)h->f[F_ID].num : 0;
	s->pw = h->f[F_PASSWORD].st == VAL_OK ? h->f[F_PASSWORD].str : NULL;
	s->role = h->f[F_ROLE].str;
	s->screen = opt(&h->f[F_SCREEN]);
	if ((r = check_role(h, s)) != PAGE_OK || (r = check_mail(h, s)) != PAGE_OK ||
	    (r = check_grants(h, s)) != PAGE_OK)
		goto out;
	fill_user(h, s);
	/* Hashed before the first write: no row lock is held for its 60 ms. */
	if (s->pw != NULL && (arc = auth_password_hash(s->pw, s->hash)) != AUTH_OK) {
		h->retry_after = 2;
		r = arc == AUTH_BUSY ? PAGE_BUSY : PAGE_ERROR;
		goto out;
	}
	if (s->editing)
		r = update_user(h, s, oldv, sizeof oldv, &rc);
	else
		r = PAGE_OK,
		rc = db_office_user_add(h->db, h->sess.tenant_id, &s->u, s->hash, &s->id);
	if (r != PAGE_OK)
		goto out;
	if (rc == DB_DUP) {
		r = http_field_error(h, F_EMAIL,
				     "This login is already in use. Logins are unique "
				     "across Gatehouse.");
		goto out;
	}
	if ((r = save_extras(h, s, &rc)) != PAGE_OK)
		goto out;
	if (rc == DB_OK) {
		describe(s, newv, sizeof newv);
		rc = http_audit(h, s->editing ? "office_user.update" : "office_user.add",
				s->u.email, s->editing ? oldv : NULL, newv);
	}
	r = http_done(h, rc,
		      s->editing ? "/settings/office-users?done=saved"
				 : "/settings/office-users?done=added");
out:
	sodium_memzero(s, sizeof *s); /* the password's hash */
	free(s);
	return r;
}

const struct page page_office_user_edit = {
	.path = "/settings/office-users/edit",
	.name = "office-user-edit",
	.title = "Office user",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_QUERY(query),
	.form = form,
	.nform = NFORM,
	.get = ou_get,
	.post = ou_post,
	.txn = 1, /* the core begins, commits or rolls back */
	.action = ou_action,
};
