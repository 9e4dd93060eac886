/* gatehouse-ctl: migrations, tenants, users, demo data, throttle reset. */
#include "config.h"

#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "conf.h"
#include "db.h"
#include "invite.h"
#include "key.h"
#include "migrate.h"
#include "perm.h"
#include "valid.h"

#define DEMO_PASSWORD "gatehouse-demo"

static void usage(void)
{
	fputs("usage: gatehouse-ctl -c CONFIG COMMAND\n"
	      "commands:\n"
	      "  migrate [--sql-dir DIR]\n"
	      "  tenant create SLUG COMPANY-NAME\n"
	      "  user create --tenant SLUG --email EMAIL (--super-admin | --role ROLE)\n"
	      "              [--first NAME] [--last NAME]     (password read from stdin)\n"
	      "  user activate EMAIL | user deactivate EMAIL\n"
	      "  throttle reset\n"
	      "  key create --tenant SLUG --name NAME --scopes LIST [--expires YYYY-MM-DD]\n"
	      "             [--allow CIDR,...]       (prints the key once)\n"
	      "  key list --tenant SLUG | key revoke --tenant SLUG KEY-ID\n"
	      "  key roll --tenant SLUG [--grace-days 0-7] KEY-ID\n"
	      "  key rate --tenant SLUG --rate N --burst N KEY-ID\n"
	      "  feed purge --days N       (the partner feed's changes older than N days)\n"
	      "  invitations remind        (reminders of invitations not taken up)\n"
	      "  audit purge [--days N]    (audit entries older than N days; default\n"
	      "                            [audit] retain_days)\n"
	      "  people purge              (deleted users past [people] restore_days)\n"
	      "  dormant [--tenant SLUG]   (warn, then deactivate, accounts not signed in\n"
	      "                            for [portal] / [office] dormant_days)\n"
	      "  demo\n"
	      "roles: view_only edit_view admin customize\n",
	      stderr);
}

/* feed purge --days N: the change log's numbered changes older than N
 * days (1..3650) removed; a follower behind them gets 410 and takes a new
 * snapshot. */
static int cmd_feed(struct db *db, int argc, char **argv)
{
	struct val_value v;
	unsigned long long n = 0;

	memset(&v, 0, sizeof v);
	if (argc != 3 || strcmp(argv[0], "purge") != 0 || strcmp(argv[1], "--days") != 0 ||
	    val_uint(argv[2], strlen(argv[2]), &v) != NULL || v.num < 1 || v.num > 3650) {
		usage();
		return 2;
	}
	if (db_feed_purge(db, (unsigned)v.num, &n) != DB_OK) {
		fprintf(stderr, "gatehouse-ctl: feed purge: %s\n", db_errmsg(db));
		return 1;
	}
	printf("feed: %llu change%s older than %lld days removed\n", n, n == 1 ? "" : "s", v.num);
	return 0;
}

/* audit purge [--days N]: the audit log's entries older than N days
 * (1..36500; default [audit] retain_days) removed, each batch with an
 * entry of its own (audit.purge). */
static int cmd_audit(struct db *db, const struct conf *c, int argc, char **argv)
{
	struct val_value v;
	unsigned long long n = 0;
	unsigned days = c->audit.retain_days;

	memset(&v, 0, sizeof v);
	if (argc < 1 || strcmp(argv[0], "purge") != 0 ||
	    (argc != 1 &&
	     (argc != 3 || strcmp(argv[1], "--days") != 0 ||
	      val_uint(argv[2], strlen(argv[2]), &v) != NULL || v.num < 1 || v.num > 36500))) {
		usage();
		return 2;
	}
	if (argc == 3)
		days = (unsigned)v.num;
	if (db_audit_purge(db, days, &n) != DB_OK) {
		fprintf(stderr, "gatehouse-ctl: audit purge: %s\n", db_errmsg(db));
		return 1;
	}
	printf("audit: %llu entr%s older than %u days removed\n", n, n == 1 ? "y" : "ies", days);
	return 0;
}

struct remind {
	struct db *db;
	const struct conf *c;
	unsigned sent, failed;
};

/* One reminder in a transaction of its own, with its audit entry. */
static int remind_one(void *ctx, const struct db_reminder *r)
{
	struct remind *x = ctx;
	struct db_tenant t;
	char what[32];
	enum db_result rc;

	snprintf(what, sizeof what, "reminder %u", r->reminders + 1);
	if ((rc = db_begin(x->db)) == DB_OK &&
	    (rc = db_tenant_get_locked(x->db, r->tenant_id, &t)) == DB_OK &&
	    (rc = invite_enqueue_reminder(x->db, x->c, &t, r)) == DB_OK) {
		struct db_audit a = {
			.tenant_id = r->tenant_id,
			.actor_kind = DB_ACTOR_SYSTEM,
			.actor_email = "",
			.action = "portal_user.invitation_reminded",
			.target_kind = "portal_user",
			.target_id = r->user_id,
			.target = r->email,
			.new_value = what,
		};
		if ((rc = db_audit(x->db, &a)) == DB_OK)
			rc = db_commit(x->db);
	}
	if (rc != DB_OK) {
		db_rollback(x->db);
		fprintf(stderr, "gatehouse-ctl: invitations: %s: %s\n", r->email, db_errmsg(x->db));
		x->failed++;
	} else
		x->sent++;
	return 0;
}

/* invitations remind: every invitation due a reminder ([portal]
 * remind_days, remind_before_days; a company's switch on its Portal Access
 * Settings), each a new link mailed in a transaction of its own; run
 * hourly by gatehouse-invite-remind.timer.  First, the users whose
 * invitation's link has ended are marked expired (sql/028: what the
 * Portal Access list's filter Expired reads), reminders on or off. */
static int cmd_invitations(struct db *db, const struct conf *c, int argc, char **argv)
{
	struct remind x = {db, c, 0, 0};
	unsigned long long expired = 0;
	unsigned before;

	if (argc != 1 || strcmp(argv[0], "remind") != 0) {
		usage();
		return 2;
	}
	if (db_invitations_expire(db, &expired) != DB_OK) {
		fprintf(stderr, "gatehouse-ctl: invitations: %s\n", db_errmsg(db));
		return 1;
	}
	printf("invitations: %llu expired\n", expired);
	if (c->invite.remind_days == 0) {
		printf("invitations: reminders are off ([portal] remind_days = 0)\n");
		return 0;
	}
	if (auth_init(c) != 0)
		return 1;
	/* 0: no second reminder; the statement's window is then empty. */
	before = c->invite.remind_before_days;
	do {
		unsigned was = x.sent;
		if (db_invitations_due(db, c->invite.remind_days, before, remind_one, &x) !=
		    DB_OK) {
			fprintf(stderr, "gatehouse-ctl: invitations: %s\n", db_errmsg(db));
			auth_free();
			return 1;
		}
		if (x.sent == was)
			break; /* what is left failed: the next run tries again */
	} while (1);
	auth_free();
	printf("invitations: %u reminder%s queued, %u failed\n", x.sent, x.sent == 1 ? "" : "s",
	       x.failed);
	return x.failed ? 1 : 0;
}

#define PEOPLE_BATCH 500

/* What a tombstone's purge or a dormant account's step is audited as:
 * about which kind of user, the action, the new value. */
struct people_step {
	enum db_who who;
	const char *action, *what;
};

/* The step's audit entry (actor the system) about e, then the commit of
 * the transaction it ends: 0, or -1 (rolled back, said on stderr). */
static int audited(struct db *db, const struct db_expired *e, const struct people_step *s)
{
	struct db_audit a = {
		.tenant_id = e->tenant_id,
		.actor_kind = DB_ACTOR_SYSTEM,
		.actor_email = "",
		.action = s->action,
		.target_kind = s->who == DB_OFFICE ? "office_user" : "portal_user",
		.target_id = e->user_id,
		.target = e->email,
		.new_value = s->what,
	};
	enum db_result rc = db_audit(db, &a);

	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK) {
		db_rollback(db);
		fprintf(stderr, "gatehouse-ctl: %s %s: %s\n", s->action, e->email, db_errmsg(db));
		return -1;
	}
	return 0;
}

/* people purge: tombstones of deleted portal and office users older than
 * [people] restore_days removed, each audited (portal_user.purge,
 * office_user.purge); an office login stays burned.  Daily by
 * gatehouse-people-purge.timer. */
static int cmd_people(struct db *db, const struct conf *c, int argc, char **argv)
{
	struct db_expired *e;
	unsigned done = 0, failed = 0, days = c->people.restore_days;
	char what[64];

	if (argc != 1 || strcmp(argv[0], "purge") != 0) {
		usage();
		return 2;
	}
	if ((e = calloc(PEOPLE_BATCH, sizeof *e)) == NULL)
		return 1;
	snprintf(what, sizeof what, "deleted over %u days ago: no longer restorable", days);
	for (int w = 0; w < 2; w++) {
		struct people_step s = {w ? DB_OFFICE : DB_PORTAL,
					w ? "office_user.purge" : "portal_user.purge", what};
		size_t n = 0;
		do {
			unsigned before = done;
			if (db_tombstones_expired(db, s.who, days, e, PEOPLE_BATCH, &n) != DB_OK) {
				fprintf(stderr, "gatehouse-ctl: people purge: %s\n", db_errmsg(db));
				failed++;
				break;
			}
			for (size_t i = 0; i < n; i++) {
				if (db_begin(db) != DB_OK ||
				    db_tombstone_purge(db, s.who, e[i].tenant_id, e[i].id) !=
					    DB_OK) {
					db_rollback(db);
					failed++;
				} else if (audited(db, &e[i], &s) == 0)
					done++;
				else
					failed++;
			}
			if (done == before)
				break; /* what is left failed: the next run tries again */
		} while (n == PEOPLE_BATCH);
	}
	free(e);
	printf("people: %u deleted user%s purged, %u failed\n", done, done == 1 ? "" : "s", failed);
	return failed ? 1 : 0;
}

/* One account due step (0 the warning, 1 deactivation), in a transaction
 * of its own with its audit entry: 0 done, 1 left alone (changed
 * meanwhile, or the company's last active Super Admin), -1 failed. */
static int dormant_one(struct db *db, const struct conf *c, const struct people_step *s, int step,
		       unsigned days_idle, const struct db_expired *e)
{
	enum db_result rc = db_begin(db);
	unsigned others = 1, all = 0;

	if (rc == DB_OK && step && s->who == DB_OFFICE &&
	    (rc = db_dormant_other_supers(db, e->tenant_id, e->user_id, &others)) == DB_OK &&
	    others == 0 && (rc = db_dormant_other_supers(db, e->tenant_id, 0, &all)) == DB_OK &&
	    all > 0) {
		/* No other active Super Admin, yet one: this one, who stays. */
		db_rollback(db);
		return 1;
	}
	if (rc == DB_OK)
		rc = step ? db_dormant_off(db, s->who, e->user_id)
			  : db_dormant_warned(db, s->who, e->user_id);
	if (rc == DB_OK && !step)
		rc = invite_enqueue_dormant(db, c, e->tenant_id, e->company, e->slug,
					    s->who == DB_OFFICE, e->email, days_idle);
	if (rc != DB_OK) {
		db_rollback(db);
		if (rc == DB_NOTFOUND)
			return 1; /* warned or deactivated meanwhile */
		fprintf(stderr, "gatehouse-ctl: %s %s: %s\n", s->action, e->email, db_errmsg(db));
		return -1;
	}
	return audited(db, e, s);
}

/* One kind of account (portal, office) through both steps: the warning
 * mail a week before (remembered: never twice; a sign-in forgets it), then
 * deactivation a week after it; a company's last active Super Admin is
 * warned but never deactivated.  Batches until none is left due. */
static void dormant_kind(struct db *db, const struct conf *c, enum db_who who, unsigned days,
			 unsigned tenant_id, unsigned *warned, unsigned *off, unsigned *failed)
{
	struct db_expired *e = calloc(PEOPLE_BATCH, sizeof *e);
	char what[64];
	size_t n = 0;

	if (e == NULL) {
		(*failed)++;
		return;
	}
	snprintf(what, sizeof what, "not signed in for %u days", days);
	for (int step = 0; step < 2; step++) {
		struct people_step s = {who,
					step ? (who == DB_OFFICE ? "office_user.dormant_deactivated"
								 : "portal_user.dormant_revoked")
					     : (who == DB_OFFICE ? "office_user.dormant_warned"
								 : "portal_user.dormant_warned"),
					what};
		unsigned due = step ? days : (days > 7 ? days - 7 : 0), done;
		do {
			done = 0;
			if (db_dormant_due(db, who, step, due, tenant_id, e, PEOPLE_BATCH, &n) !=
			    DB_OK) {
				fprintf(stderr, "gatehouse-ctl: dormant: %s\n", db_errmsg(db));
				(*failed)++;
				break;
			}
			for (size_t i = 0; i < n; i++) {
				int r = dormant_one(db, c, &s, step, due > 0 ? due : days, &e[i]);
				if (r == 0)
					done++;
				else if (r < 0)
					(*failed)++;
			}
			*(step ? off : warned) += done;
		} while (n == PEOPLE_BATCH && done > 0);
	}
	free(e);
}

/* dormant [--tenant SLUG]: [portal] dormant_days and [office] dormant_days
 * (0: off), for every company or one; daily by gatehouse-dormant.timer. */
static int cmd_dormant(struct db *db, const struct conf *c, int argc, char **argv)
{
	unsigned warned = 0, off = 0, failed = 0, tenant_id = 0;
	struct db_tenant t;

	if (argc != 0 && (argc != 2 || strcmp(argv[0], "--tenant") != 0)) {
		usage();
		return 2;
	}
	if (argc == 2) {
		if (db_tenant_by_slug(db, argv[1], &t) != DB_OK) {
			fprintf(stderr, "gatehouse-ctl: no tenant %s\n", argv[1]);
			return 1;
		}
		tenant_id = t.id;
	}
	if (c->people.portal_dormant_days == 0 && c->people.office_dormant_days == 0) {
		printf("dormant: off ([portal] and [office] dormant_days = 0)\n");
		return 0;
	}
	if (c->people.portal_dormant_days > 0)
		dormant_kind(db, c, DB_PORTAL, c->people.portal_dormant_days, tenant_id, &warned,
			     &off, &failed);
	if (c->people.office_dormant_days > 0)
		dormant_kind(db, c, DB_OFFICE, c->people.office_dormant_days, tenant_id, &warned,
			     &off, &failed);
	printf("dormant: %u warned, %u deactivated, %u failed\n", warned, off, failed);
	return failed ? 1 : 0;
}

static int slug_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 63 || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* Creates a tenant unless the slug exists; *id gets its id either way. */
static int ensure_tenant(struct db *db, const char *slug, const char *company, const char *street,
			 const char *city, const char *state, const char *zip, unsigned *id)
{
	struct db_tenant t;
	enum db_result rc = db_tenant_by_slug(db, slug, &t);

	if (rc == DB_OK) {
		*id = t.id;
		return 0;
	}
	if (rc != DB_NOTFOUND)
		return -1;
	memset(&t, 0, sizeof t);
	snprintf(t.slug, sizeof t.slug, "%s", slug);
	snprintf(t.company, sizeof t.company, "%s", company);
	snprintf(t.street, sizeof t.street, "%s", street);
	snprintf(t.city, sizeof t.city, "%s", city);
	snprintf(t.state, sizeof t.state, "%s", state);
	snprintf(t.zip, sizeof t.zip, "%s", zip);
	snprintf(t.country, sizeof t.country, "%s", "United States");
	if (db_tenant_insert(db, &t, id) != DB_OK)
		return -1;
	printf("tenant %s created\n", slug);
	return 0;
}

/* Creates an office user with a preset role in one transaction (user and
 * permission rows together).  Existing users are left alone. */
static int create_user(struct db *db, unsigned tenant, const char *email, const char *pw,
		       const char *role, const char *first, const char *last,
		       const char *const *custom, int quiet_exists)
{
	struct db_login l;
	char hash[AUTH_HASH_LEN];
	unsigned id;
	enum db_result rc = db_office_login(db, email, &l);

	if (rc == DB_OK) {
		if (!quiet_exists)
			fprintf(stderr, "gatehouse-ctl: %s already exists\n", email);
		return quiet_exists ? 0 : 1;
	}
	if (rc != DB_NOTFOUND)
		return -1;
	if (auth_password_hash_direct(pw, hash) != 0)
		return -1;
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_office_insert(db, tenant, email, hash, role, first, last, &id) != DB_OK)
		goto fail;
	for (size_t i = 0; i < perm_nmodules; i++) {
		int lv = perm_role_level(role, &perm_modules[i]);
		/* customize: pairs "module=level" given by the caller */
		for (const char *const *c = custom; c && *c; c++) {
			size_t kl = strcspn(*c, "=");
			if (strlen(perm_modules[i].key) == kl &&
			    strncmp(*c, perm_modules[i].key, kl) == 0)
				lv = atoi(*c + kl + 1);
		}
		if (db_office_set_perm(db, id, perm_modules[i].key, lv) != DB_OK)
			goto fail;
	}
	if (db_commit(db) != DB_OK)
		return -1;
	sodium_memzero(hash, sizeof hash);
	printf("office user %s (%s) created\n", email, role);
	return 0;
fail:
	db_rollback(db);
	sodium_memzero(hash, sizeof hash);
	return -1;
}

static enum db_result add_customer(struct db *db, unsigned tenant, const char *name,
				   const char *email, const char *phone, unsigned *id)
{
	struct db_customer c;

	memset(&c, 0, sizeof c);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.email, sizeof c.email, "%s", email);
	snprintf(c.phone, sizeof c.phone, "%s", phone);
	return db_customer_add(db, tenant, &c, id);
}

struct cal_ids {
	unsigned ids[8];
	size_t n;
};

static int collect_id(void *ctx, const struct db_named *nm)
{
	struct cal_ids *c = ctx;
	if (c->n < 8)
		c->ids[c->n++] = nm->id;
	return 0;
}

struct site_find {
	const char *name;
	unsigned id;
};

static int site_by_name(void *ctx, const struct db_site *st)
{
	struct site_find *f = ctx;
	if (strcmp(st->name, f->name) == 0)
		f->id = st->id;
	return 0;
}

/* The customer's site called name: made (under parent, 0: a master site)
 * when missing; its id into *id. */
static int ensure_site(struct db *db, unsigned tenant, unsigned cid, unsigned parent,
		       const char *name, const char *address, unsigned *id)
{
	struct site_find f = {name, 0};
	enum db_result rc;

	if (db_sites(db, tenant, cid, site_by_name, &f) != DB_OK)
		return 1;
	if (f.id == 0) {
		rc = db_site_add(db, tenant, cid, parent, name, address);
		if ((rc != DB_OK && rc != DB_DUP) ||
		    db_sites(db, tenant, cid, site_by_name, &f) != DB_OK)
			return 1;
	}
	*id = f.id;
	return f.id ? 0 : 1;
}

/* days from today (UTC) as YYYY-MM-DD: demo records stay current. */
static void demo_day(int days, char out[11])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Sites and portal records for one demo customer, once: a master site with
 * three sub-sites, and invoices, estimates, jobs, documents and equipment
 * spread over them (some customer-wide, one private document).  The first
 * invoice, estimate and job name the portal user contact as their contact:
 * what a group with "own records only" shows them (sql/028). */
static int demo_records(struct db *db, unsigned tenant, const char *customer, const char *master,
			const char *const subs[3], int base, const char *contact)
{
	unsigned cid, mid, sid[3], n = 0, id;
	static const struct {
		const char *kind, *ref, *title, *detail, *status;
		int site; /* -1: customer-wide, 0..2: a sub-site, 3: the master site */
		int days;
		long long cents;
		int pub;
	} recs[] = {
		{"invoice", "INV-%d", "Quarterly maintenance", "", "open", 0, -12, 124000, 1},
		{"invoice", "INV-%d", "Valve repair", "", "paid", 1, -40, 86050, 1},
		{"invoice", "INV-%d", "Gate motor service", "", "open", 2, -5, 31500, 1},
		{"invoice", "INV-%d", "Annual service plan", "", "open", -1, -30, 9900, 1},
		{"estimate", "EST-%d", "Boiler replacement",
		 "Remove the old boiler, fit a condensing unit, flush the system.", "sent", 0, -3,
		 890000, 1},
		{"estimate", "EST-%d", "Lighting retrofit", "LED fittings on all three levels.",
		 "approved", 2, -20, 245000, 1},
		{"job", "JOB-%d", "Quarterly HVAC maintenance",
		 "Filters, belts, refrigerant check.", "scheduled", 0, 14, -1, 1},
		{"job", "JOB-%d", "Leaking valve repair",
		 "Replaced the isolation valve on riser 2.", "completed", 1, -41, -1, 1},
		{"job", "JOB-%d", "Gate motor inspection", "", "scheduled", 2, 7, -1, 1},
		{"document", "DOC-%d", "Service agreement",
		 "The signed service agreement for this year.", "", -1, -60, -1, 1},
		{"document", "DOC-%d", "Inspection report",
		 "Annual fire and safety inspection: no findings.", "", 0, -10, -1, 1},
		{"document", "DOC-%d", "Internal cost sheet", "Office only.", "", 0, -10, -1, 0},
		{"equipment", "SN-%d", "Rooftop unit RTU-1", "", "", 0, -700, -1, 1},
		{"equipment", "SN-%d", "Boiler B-2", "", "", 1, -1500, -1, 1},
		{"equipment", "SN-%d", "Gate motor", "", "", 2, -400, -1, 1},
	};

	if (db_customer_by_name(db, tenant, customer, &cid) != DB_OK ||
	    ensure_site(db, tenant, cid, 0, master, "", &mid) != 0)
		return 1;
	for (int i = 0; i < 3; i++)
		if (ensure_site(db, tenant, cid, mid, subs[i], "", &sid[i]) != 0)
			return 1;
	if (db_record_count(db, tenant, cid, &n) != DB_OK)
		return 1;
	for (size_t i = 0; n == 0 && i < sizeof recs / sizeof recs[0]; i++) {
		char ref[32], day[11];
		struct db_record_new r = {0};
		snprintf(ref, sizeof ref, recs[i].ref, base + (int)i);
		demo_day(recs[i].days, day);
		r.tenant_id = tenant;
		r.customer_id = cid;
		r.site_id = recs[i].site < 0 ? 0 : recs[i].site == 3 ? mid : sid[recs[i].site];
		r.kind = recs[i].kind;
		r.ref = ref;
		r.title = recs[i].title;
		r.detail = recs[i].detail;
		r.date = day;
		r.status = recs[i].status;
		r.by = "demo";
		r.amount_cents = recs[i].cents;
		r.is_public = recs[i].pub;
		if (db_record_add(db, &r, &id) != DB_OK)
			return 1;
		if ((i == 0 || i == 4 || i == 6) &&
		    db_record_set_contact(db, tenant, id, contact) != DB_OK)
			return 1;
	}
	return 0;
}

/* The demo tenants and their office users, one of each role and one
 * deactivated; the second tenant's admin. */
static int demo_people(struct db *db, unsigned *demo, unsigned *acme)
{
	static const char *const custom[] = {"scheduling=1", "customer=2", "map=1", "settings=0",
					     NULL};
	struct db_login l;

	if (ensure_tenant(db, "demo", "Demo Field Services", "100 Example Street", "Springfield",
			  "Illinois", "62701", demo) != 0 ||
	    ensure_tenant(db, "acme", "Acme Heating & Cooling", "200 Sample Avenue", "Riverton",
			  "Ohio", "43001", acme) != 0)
		return 1;
	if (create_user(db, *demo, "admin@demo.test", DEMO_PASSWORD, "admin", "Ada", "Admin", NULL,
			1) != 0 ||
	    create_user(db, *demo, "editor@demo.test", DEMO_PASSWORD, "edit_view", "Eddie",
			"Editor", NULL, 1) != 0 ||
	    create_user(db, *demo, "viewer@demo.test", DEMO_PASSWORD, "view_only", "Vera", "Viewer",
			NULL, 1) != 0 ||
	    create_user(db, *demo, "custom@demo.test", DEMO_PASSWORD, "customize", "Cass", "Custom",
			custom, 1) != 0 ||
	    create_user(db, *demo, "inactive@demo.test", DEMO_PASSWORD, "view_only", "Ian",
			"Inactive", NULL, 1) != 0 ||
	    create_user(db, *acme, "admin@acme.test", DEMO_PASSWORD, "admin", "Alex", "Acme", NULL,
			1) != 0)
		return 1;
	return db_office_login(db, "inactive@demo.test", &l) != DB_OK ||
	       db_office_set_active(db, l.id, 0) != DB_OK;
}

/* The seed's customers, and portal users as on the seed's list (mailboxes
 * on reserved domains), one of whom can sign in at once. */
static int demo_customers(struct db *db, unsigned demo)
{
	static const struct {
		const char *name, *email, *phone;
	} customers[] = {
		{"ABM Apartments", "office@abm-apartments.example.com", "555-0101"},
		{"Cool Air", "service@coolair.example.com", "555-0102"},
		{"The Loop", "manager@theloop.example.com", "555-0103"},
		{"Anderson Windows", "info@andersonwindows.example.com", "555-0104"},
		{"Harbor View Condos", "board@harborview.example.com", "555-0105"},
		{"Maple Street Dental", "frontdesk@maplestreetdental.example.com", "555-0106"},
		{"Riverside Mall", "facilities@riversidemall.example.com", "555-0107"},
		{"Summit Offices", "admin@summitoffices.example.com", "555-0108"},
	};
	static const struct {
		const char *customer, *email;
	} portal[] = {
		{"ABM Apartments", "office@abm-apartments.example.com"},
		{"Cool Air", "service@coolair.example.com"},
		{"Cool Air", "dispatch@coolair.example.com"},
		{"The Loop", "manager@theloop.example.com"},
		{"Anderson Windows", "info@andersonwindows.example.com"},
		{"ABM Apartments", "client@demo.test"}, /* the quick start's portal login */
	};
	char hash[AUTH_HASH_LEN];
	enum db_result rc = DB_OK;
	unsigned id, uid;

	for (size_t i = 0; rc == DB_OK && i < sizeof customers / sizeof customers[0]; i++)
		if ((rc = db_customer_by_name(db, demo, customers[i].name, &id)) == DB_NOTFOUND)
			rc = add_customer(db, demo, customers[i].name, customers[i].email,
					  customers[i].phone, &id);
	if (rc != DB_OK || auth_password_hash_direct(DEMO_PASSWORD, hash) != 0)
		return 1;
	for (size_t i = 0; (rc == DB_OK || rc == DB_DUP) && i < sizeof portal / sizeof portal[0];
	     i++) {
		int can_sign_in = strcmp(portal[i].email, "client@demo.test") == 0;
		if ((rc = db_customer_by_name(db, demo, portal[i].customer, &id)) == DB_OK)
			rc = db_portal_user_add(db, demo, id, portal[i].customer, portal[i].email,
						can_sign_in ? hash : NULL, &uid);
	}
	sodium_memzero(hash, sizeof hash);
	return rc != DB_OK && rc != DB_DUP;
}

/* Calendars and vehicles; the users who schedule get the demo calendars
 * (Scheduling needs one). */
static int demo_named(struct db *db, unsigned demo, unsigned acme)
{
	static const char *const cals[] = {"Delivery Schedule", "Service Calendar"};
	static const char *const vans[] = {"Truck 1", "Van 2", "Truck 3"};
	static const char *const schedulers[] = {"admin@demo.test", "editor@demo.test",
						 "viewer@demo.test", "custom@demo.test",
						 "inactive@demo.test"};
	struct cal_ids ci = {0};
	enum db_result rc = DB_OK;

	for (size_t i = 0; (rc == DB_OK || rc == DB_DUP) && i < 2; i++)
		rc = db_named_add(db, DB_CALENDARS, demo, cals[i], NULL);
	for (size_t i = 0; (rc == DB_OK || rc == DB_DUP) && i < 3; i++)
		rc = db_named_add(db, DB_VEHICLES, demo, vans[i], NULL);
	if ((rc != DB_OK && rc != DB_DUP) ||
	    db_named_add(db, DB_CALENDARS, acme, "Service Calendar", NULL) == DB_ERR ||
	    db_named_list(db, DB_CALENDARS, demo, collect_id, &ci) != DB_OK)
		return 1;
	for (size_t i = 0; i < sizeof schedulers / sizeof schedulers[0]; i++) {
		struct db_login who;
		unsigned have[4];
		size_t n = 0, added = 0;
		if (db_office_login(db, schedulers[i], &who) != DB_OK ||
		    db_user_links(db, DB_CALENDARS, who.id, have, 4, &n) != DB_OK)
			return 1;
		sodium_memzero(who.hash, sizeof who.hash);
		if (n == 0 && db_user_links_set(db, DB_CALENDARS, demo, who.id, ci.ids, ci.n,
						&added) != DB_OK)
			return 1;
	}
	return 0;
}

static int cmd_demo(struct db *db)
{
	/* What the client portal shows: ABM Apartments (client@demo.test) and
	 * Cool Air, each with a master site, three sub-sites and records. */
	static const char *const abm[3] = {"North Wing", "South Wing", "Parking Garage"};
	static const char *const cool[3] = {"Warehouse A", "Warehouse B", "Showroom"};
	unsigned demo, acme, id;

	if (demo_people(db, &demo, &acme) != 0 || demo_customers(db, demo) != 0 ||
	    demo_named(db, demo, acme) != 0 ||
	    demo_records(db, demo, "ABM Apartments", "ABM Tower", abm, 1001, "client@demo.test") !=
		    0 ||
	    demo_records(db, demo, "Cool Air", "Cool Air Campus", cool, 2001,
			 "dispatch@coolair.example.com") != 0)
		return 1;
	if (db_customer_by_name(db, acme, "Northwind Storage", &id) == DB_NOTFOUND &&
	    add_customer(db, acme, "Northwind Storage", "ops@northwind.example.com", "555-0201",
			 &id) != DB_OK)
		return 1;
	puts("demo data loaded");
	return 0;
}

static int read_password(char *buf, size_t sz)
{
	if (fgets(buf, (int)sz, stdin) == NULL)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int cmd_user(struct db *db, int argc, char **argv)
{
	const char *tenant = NULL, *email = NULL, *role = NULL, *first = "", *last = "";
	struct val_value ev = {0}, pv = {0};
	struct db_tenant t;
	struct db_login l;
	char pw[VAL_PASSWORD_MAX + 2];
	const char *err;
	int rc = 2;

	if (argc >= 2 && (strcmp(argv[0], "activate") == 0 || strcmp(argv[0], "deactivate") == 0)) {
		int on = strcmp(argv[0], "activate") == 0;
		if (db_office_login(db, argv[1], &l) != DB_OK) {
			fprintf(stderr, "gatehouse-ctl: no user %s\n", argv[1]);
			return 1;
		}
		if (db_begin(db) != DB_OK || db_office_set_active(db, l.id, on) != DB_OK ||
		    (!on && db_session_delete_office_user(db, l.id) != DB_OK) ||
		    db_commit(db) != DB_OK) {
			db_rollback(db);
			return 1;
		}
		printf("%s %s\n", argv[1], on ? "activated" : "deactivated");
		return 0;
	}
	if (argc < 1 || strcmp(argv[0], "create") != 0) {
		usage();
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--super-admin") == 0)
			role = "admin";
		else if (i + 1 < argc && strcmp(argv[i], "--tenant") == 0)
			tenant = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--email") == 0)
			email = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--role") == 0)
			role = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--first") == 0)
			first = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--last") == 0)
			last = argv[++i];
		else {
			usage();
			return 2;
		}
	}
	if (tenant == NULL || email == NULL || role == NULL || !perm_role_valid(role)) {
		usage();
		return 2;
	}
	if ((err = val_email(email, strlen(email), &ev)) != NULL) {
		fprintf(stderr, "gatehouse-ctl: email: %s\n", err);
		goto out;
	}
	if (db_tenant_by_slug(db, tenant, &t) != DB_OK) {
		fprintf(stderr, "gatehouse-ctl: no tenant %s\n", tenant);
		rc = 1;
		goto out;
	}
	/* Never on the command line, where ps would show it. */
	if (read_password(pw, sizeof pw) != 0) {
		fprintf(stderr, "gatehouse-ctl: give the password on standard input\n");
		goto out;
	}
	if ((err = val_password(pw, strlen(pw), &pv)) != NULL) {
		fprintf(stderr, "gatehouse-ctl: password: %s\n", err);
		goto out;
	}
	rc = create_user(db, t.id, ev.str, pv.str, role, first, last, NULL, 0) == 0 ? 0 : 1;
out:
	sodium_memzero(pw, sizeof pw);
	if (pv.str)
		sodium_memzero(pv.str, strlen(pv.str));
	val_values_free(&ev, 1);
	val_values_free(&pv, 1);
	return rc;
}

/* ---- the commands: each (db, config, its arguments) to an exit code ---- */

static int run_migrate(struct db *db, const struct conf *c, int argc, char **argv)
{
	const char *dir = "sql";
	char err[512];
	int i = 0;

	(void)c;
	if (i + 1 < argc && strcmp(argv[i], "--sql-dir") == 0)
		dir = argv[i + 1], i += 2;
	if (i != argc) {
		usage();
		return 2;
	}
	if (ctl_migrate(db, dir, 1, err, sizeof err) == DB_OK)
		return 0;
	fprintf(stderr, "gatehouse-ctl: migrate: %s\n", err);
	return 1;
}

static int run_tenant(struct db *db, const struct conf *c, int argc, char **argv)
{
	unsigned id;

	(void)c;
	if (argc != 3 || strcmp(argv[0], "create") != 0 || !slug_ok(argv[1]) ||
	    strlen(argv[2]) == 0 || strlen(argv[2]) > 200) {
		usage();
		return 2;
	}
	return ensure_tenant(db, argv[1], argv[2], "", "", "", "", &id) == 0 ? 0 : 1;
}

static int run_throttle(struct db *db, const struct conf *c, int argc, char **argv)
{
	(void)c;
	if (argc != 1 || strcmp(argv[0], "reset") != 0) {
		usage();
		return 2;
	}
	return db_throttle_clear_all(db) == DB_OK ? 0 : 1;
}

static int run_user(struct db *db, const struct conf *c, int argc, char **argv)
{
	(void)c;
	return cmd_user(db, argc, argv);
}

static int run_demo(struct db *db, const struct conf *c, int argc, char **argv)
{
	(void)c, (void)argv;
	return argc == 0 ? cmd_demo(db) : 2;
}

static int run_feed(struct db *db, const struct conf *c, int argc, char **argv)
{
	(void)c;
	return cmd_feed(db, argc, argv);
}

static const struct {
	const char *name;
	int (*run)(struct db *db, const struct conf *c, int argc, char **argv);
} commands[] = {
	{"migrate", run_migrate}, {"tenant", run_tenant},     {"user", run_user},
	{"demo", run_demo},       {"throttle", run_throttle}, {"key", ctl_key},
	{"feed", run_feed},       {"audit", cmd_audit},       {"invitations", cmd_invitations},
	{"people", cmd_people},   {"dormant", cmd_dormant},
};

int main(int argc, char **argv)
{
	struct conf c;
	struct db *db = NULL;
	char err[512];
	size_t k = 0;
	int i = 3, rc = 1;

	if (argc >= 4 && strcmp(argv[1], "-c") == 0)
		for (k = 0; k < sizeof commands / sizeof commands[0]; k++)
			if (strcmp(argv[i], commands[k].name) == 0)
				break;
	if (argc < 4 || strcmp(argv[1], "-c") != 0 || k == sizeof commands / sizeof commands[0]) {
		usage();
		return 2;
	}
	if (conf_load(argv[2], &c, err, sizeof err) != 0) {
		fprintf(stderr, "gatehouse-ctl: %s\n", err);
		return 1;
	}
	if (mysql_library_init(0, NULL, NULL) != 0 || sodium_init() < 0)
		return 1;
	if ((db = db_open(&c, DB_ROLE_CTL, DB_MULTI_STATEMENTS | DB_UNBOUNDED, 0)) == NULL)
		fprintf(stderr, "gatehouse-ctl: cannot connect to the database\n");
	else
		rc = commands[k].run(db, &c, argc - i - 1, argv + i + 1);
	db_close(db);
	mysql_library_end();
	return rc;
}
