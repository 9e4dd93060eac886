/* All SQL lives in fcgi/core/db/: one table of prepared statements
 * (stmt.h, with each statement's parameter and column counts, whether it
 * may be retried, and the roles that may run it) and typed wrappers by
 * domain.  One struct db per worker thread (a MariaDB connection is not
 * shared).  A lost connection is reconnected on the next use and every
 * statement is prepared again; a read that had not yet changed anything is
 * retried once. */
#ifndef GH_DB_H
#define GH_DB_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "list.h"

enum db_result {
	DB_OK = 0,
	DB_NOTFOUND, /* no row */
	DB_DUP,      /* unique key violated */
	DB_RETRY,    /* deadlock or lock wait timeout: the transaction was rolled back */
	DB_LOST,     /* connection lost inside a transaction, or cannot connect: 503 */
	DB_BUSY,     /* the server says "not now" (read-only, statement time-out): 503 */
	DB_ERR,      /* anything else: 500, details in the log only */
};

struct db;

#define DB_CLAIM_LEN 16 /* a mailer's or webhook worker's claim token */

/* The list views' page cache (db/listing.c): start-up, before threads,
 * with a budget of bytes (0, or GH_VIEW_CACHE=0 in the environment: off)
 * of which one tenant may hold tenant_percent; -1 when out of memory. */
int db_view_cache_init(size_t budget, unsigned tenant_percent);
void db_view_cache_free(void);
struct tcache_stats;
void db_view_cache_stats(struct tcache_stats *s);

/* The list views (db_customers_view, db_portal_users_view,
 * db_office_users_view; fcgi/core/db/listing.c): lv's page, read by key
 * whatever the list's size, each row to the callback in the walk's order
 * (backwards for LIST_FROM_BEFORE and LIST_FROM_END), what was found into
 * *f (list.h), the cursors of the first and last rows shown into lv->first
 * and lv->last.  DB_NOTFOUND: lv's cursor is not one of this list's (a
 * damaged link: 400). */

/* The process a connection serves: it prepares, and may run, only the
 * statements of its role (a statement of another role is refused with
 * DB_ERR: a programming error).  A process has one; a test may combine. */
enum db_role {
	DB_ROLE_SETTINGS = 1u << 0, /* gatehouse-settings */
	DB_ROLE_PORTAL = 1u << 1,   /* gatehouse-portal */
	DB_ROLE_FEED = 1u << 2,     /* gatehouse-feed */
	DB_ROLE_MAILER = 1u << 3,   /* gatehouse-mailer */
	DB_ROLE_CTL = 1u << 4,      /* gatehouse-ctl, migrations included */
	DB_ROLE_HOOKS = 1u << 5,    /* gatehouse-hooks (webhook deliveries) */
	DB_ROLE_JOBS = 1u << 6,     /* gatehouse-jobs (imports, bulk actions) */
};

#define DB_MULTI_STATEMENTS 0x1u /* ctl only: migrations run whole files */
#define DB_UNBOUNDED 0x2u        /* ctl only: no lock-wait or statement time bound */

/* Connects for a process of role (enum db_role bits) or, if the server is
 * down, returns a handle that connects on first use when lazy is nonzero.
 * Returns NULL only when out of memory or, with lazy == 0, when the first
 * connection fails.  Free with db_close(). */
struct db *db_open(const struct conf *c, unsigned role, unsigned flags, int lazy);
void db_close(struct db *db); /* accepts NULL */
/* Prepares every statement of the role now and checks each one's parameter
 * and column counts against MariaDB's: a start-up check that the schema
 * matches.  DB_ERR names the statement in the log. */
enum db_result db_prepare_all(struct db *db);
const char *db_errmsg(struct db *db);
/* Whether a statement since db_transient_clear() failed with a "try later"
 * error (read-only server, lock or statement time-out, deadlock, lost
 * connection): a request that then fails answers 503, not 500. */
int db_transient(const struct db *db);
void db_transient_clear(struct db *db);
/* Since db_transient_clear(): statements that changed something and
 * stayed (committed, or outside a transaction), housekeeping aside
 * (DB_Q_HOUSEKEEPING: a session's last use, sign-in counters), and the
 * audit entries written.  A request with writes and no audit entry is a
 * change nobody can trace (issue 15): the request log says so. */
void db_request_changes(const struct db *db, unsigned *writes, unsigned *audits);

enum db_result db_begin(struct db *db);
enum db_result db_commit(struct db *db);
/* Harmless when no transaction is open (and with NULL). */
void db_rollback(struct db *db);
/* Whether a transaction is open (begun, not yet committed or rolled back). */
int db_in_txn(const struct db *db);
/* Whether the last failure since db_begin() (or db_deadlock_clear()) was a
 * deadlock (ER_LOCK_DEADLOCK; on Galera also a certification failure, at a
 * statement or at COMMIT): the server rolled the whole transaction back,
 * and it may be run again from its start.  A lock wait timeout is not one:
 * running again would double how long a thread is held. */
int db_deadlocked(const struct db *db);
void db_deadlock_clear(struct db *db);
/* Counts the failure since db_begin() as a deadlock: the caller knows the
 * transaction may have been rolled back by the server (db_clustered). */
void db_deadlock_mark(struct db *db);
/* Whether the connection is to a cluster's node ([database] failover or
 * sync_wait set). */
int db_clustered(const struct db *db);

/* ---- API keys (issue 14; db/apikey.c) ---- */
struct db_apikey {
	char key_id[17], name[101], scopes[120], created_by[256];
	char created_at[24], expires_at[24], last_used_at[24]; /* "" for none */
	char last_used_ip[46], status[8];                      /* active, expired, revoked */
	unsigned rate, burst;                                  /* requests a second, at once */
};
typedef int (*db_apikey_fn)(void *ctx, const struct db_apikey *k);
/* A new key of the tenant: its public id, name, scopes (the SET's names,
 * comma-separated), the secret's stored form, the allow-list, who made it
 * and its expiry ("YYYY-MM-DD HH:MM:SS" or "" for none).  DB_DUP on a
 * key id already taken. */
enum db_result db_apikey_add(struct db *db, unsigned tenant_id, const char *key_id,
			     const char *name, const char *scopes, const unsigned char hash[32],
			     const char *allow, const char *created_by, const char *expires);
/* The tenant's keys, newest first. */
enum db_result db_apikey_list(struct db *db, unsigned tenant_id, db_apikey_fn fn, void *ctx);
/* DB_NOTFOUND unless an unrevoked key of that id is the tenant's. */
enum db_result db_apikey_revoke(struct db *db, unsigned tenant_id, const char *key_id);
/* The key's rate limit: rate requests a second, bursts of burst (both
 * 1..65535, the columns' range).  DB_NOTFOUND as for revoke. */
enum db_result db_apikey_rate(struct db *db, unsigned tenant_id, const char *key_id, unsigned rate,
			      unsigned burst);
/* What the feed needs of a request's key (db_apikey_auth). */
struct db_apikey_auth {
	unsigned id, tenant_id, scopes; /* scopes: enum apikey_scope bits */
	char slug[64], allow[2001];
	unsigned char hash[32], prev[32];
	size_t prev_len; /* 32 while the previous secret's grace lasts, else 0 */
	int dead;        /* revoked or expired */
	unsigned rate;   /* requests a second */
	int used_lately; /* its last use is noted already this minute */
};
/* The key of public id key_id; DB_NOTFOUND when there is none. */
enum db_result db_apikey_auth(struct db *db, const char *key_id, struct db_apikey_auth *out);
/* Takes up to want (at least one) of key id's tokens (its rate limit,
 * shared by every process): DB_OK with *got of them, or DB_NOTFOUND with
 * *wait_us until the next one. */
enum db_result db_apikey_take(struct db *db, unsigned id, unsigned want, unsigned *got,
			      long long *wait_us);
/* Notes a use of key id from addr (at most once a minute). */
enum db_result db_apikey_used(struct db *db, unsigned id, const char *addr);

/* A new secret's stored form for the key; the previous one keeps working
 * for grace_days (0-7; 0: ends now).  DB_NOTFOUND as for revoke. */
enum db_result db_apikey_roll(struct db *db, unsigned tenant_id, const char *key_id,
			      const unsigned char hash[32], unsigned grace_days);

/* ---- the partner feed (issue 14; db/feed.c, sql/022) ---- */
/* The tenant's change log: the last seq handed out, the lowest kept (a
 * cursor below it is gone: 410), and whether committed changes still wait
 * for a seq (db_feed_stamp). */
struct db_feed_head {
	uint64_t seq, floor;
	int pending;
};
enum db_result db_feed_head(struct db *db, unsigned tenant_id, struct db_feed_head *h);
/* Numbers the tenant's committed changes that have no seq yet, in a
 * transaction of its own (sql/022, "Commit order"). */
enum db_result db_feed_stamp(struct db *db, unsigned tenant_id);
/* The resources, as feed_changes.resource numbers them (1-based). */
enum db_feed_resource {
	DB_FEED_PORTAL_USER = 1,
	DB_FEED_CUSTOMER,
	DB_FEED_GROUP,
	DB_FEED_OFFICE_USER,
	DB_FEED_RECORD,
};
enum db_feed_op { DB_FEED_INSERT = 1, DB_FEED_UPDATE, DB_FEED_DELETE };
struct db_feed_change {
	uint64_t seq;
	unsigned resource, id, op; /* enum db_feed_resource, enum db_feed_op */
	char at[24];
};
/* At most limit changes after seq, in seq order, each to fn (nonzero
 * stops with DB_ERR). */
enum db_result db_feed_changes(struct db *db, unsigned tenant_id, uint64_t after, unsigned limit,
			       int (*fn)(void *ctx, const struct db_feed_change *c), void *ctx);

/* A snapshot page's rows (or a change's resource: the page of one after
 * id - 1, whose id the caller checks).  Nested rows (part > 0) follow
 * their resource's row (part 0) and name it in id. */
struct db_feed_portal_user {
	unsigned id, part, customer_id, group_id; /* part 1: a granted site, in customer_id */
	char email[1017], company[801], access[8], invitation[8];
	int password_set, mfa_required, mfa_enrolled, all_sites, email_reports;
	char locked_until[24], time_zone[257], created_at[24];
};
struct db_feed_customer {
	unsigned id, part, rid, link; /* part 1 a contact (link: its portal user), 2 a site (link:
					 its parent) */
	char name[801], email[1201], phone[161]; /* a site's address in email */
	char street[801], city[401], state[401], zip[81], created_at[24];
};
struct db_feed_group {
	unsigned id, part; /* part always 0 */
	char name[401];
	int system, is_default, require_mfa;
	char perms[512];
};
struct db_feed_office_user {
	unsigned id, part; /* part 1: a permission: module in email, level */
	char email[1017], role[40], first_name[401], last_name[401], phone[161];
	int active, mfa_required, mfa_enrolled, level;
	char time_zone[257], created_at[24];
};
struct db_feed_record {
	unsigned id, part, customer_id, site_id; /* part always 0 */
	char kind[40], ref[161], title[801], detail[8001], date[24];
	long long amount_cents;
	int has_amount, public_;
	char status[81], changed_by[1017], changed_at[24];
};
/* A page of resource r (not DB_FEED_RECORD: db_feed_records) after id,
 * each row to fn as the resource's struct above. */
enum db_result db_feed_page(struct db *db, enum db_feed_resource r, unsigned tenant_id,
			    unsigned after, unsigned limit, int (*fn)(void *ctx, const void *row),
			    void *ctx);
/* Records of kind after id; or, with kind NULL, the record id after + 1. */
enum db_result db_feed_records(struct db *db, unsigned tenant_id, const char *kind, unsigned after,
			       unsigned limit, int (*fn)(void *ctx, const void *row), void *ctx);
/* gatehouse-ctl feed purge: numbered changes older than days removed, and
 * each tenant's floor raised past them; *removed, how many. */
enum db_result db_feed_purge(struct db *db, unsigned days, unsigned long long *removed);

/* ---- webhooks (issue 14; db/hooks.c, sql/023) ---- */
struct db_webhook {
	unsigned id;
	char url[8001], events[200], disabled_reason[1201], created_by[1021];
	char created_at[24], failing_since[24]; /* "" for none */
	int enabled;
	long long pending, failed;
};
/* A new endpoint of the tenant (events: the SET's names, comma-separated;
 * sealed: its signing secret, auth_seal'ed); its deliveries start at the
 * change log's head.  *id: the new endpoint's. */
enum db_result db_webhook_add(struct db *db, unsigned tenant_id, const char *url,
			      const char *events, const unsigned char *sealed, size_t sealed_len,
			      const char *created_by, unsigned *id);
enum db_result db_webhook_list(struct db *db, unsigned tenant_id,
			       int (*fn)(void *ctx, const struct db_webhook *w), void *ctx);
/* Enables or disables (with reason) one of the tenant's endpoints, its
 * pending deliveries due now or held (another tenant's id changes
 * nothing). */
enum db_result db_webhook_enable(struct db *db, unsigned tenant_id, unsigned id, int enabled,
				 const char *reason);
enum db_result db_webhook_delete(struct db *db, unsigned tenant_id, unsigned id);
struct db_webhook_delivery {
	uint64_t id, seq;
	unsigned rid, attempts, code;
	char resource[48], op[28], status[40], first_at[24], last_at[24], error[1201];
};
/* The endpoint's last 50 deliveries, newest first. */
enum db_result db_webhook_log(struct db *db, unsigned tenant_id, unsigned id,
			      int (*fn)(void *ctx, const struct db_webhook_delivery *d), void *ctx);

/* gatehouse-hooks: every enabled endpoint's new changes queued as
 * deliveries (each tenant's log numbered first); *queued: how many. */
enum db_result db_hooks_queue(struct db *db, unsigned *queued);
struct db_hook_job {
	uint64_t id, seq;
	unsigned webhook_id, tenant_id, resource, rid, op,
		attempts;   /* attempts: this one included */
	long long age_secs; /* since the first attempt */
	int enabled;
	char at[24], url[8001], slug[64];
	unsigned char sealed[200];
	size_t sealed_len;
};
/* Claims the next due delivery in a transaction of its own, with a lease
 * of lease_secs (then it is due again for anyone).  DB_NOTFOUND: none. */
enum db_result db_hooks_claim(struct db *db, const unsigned char claim[DB_CLAIM_LEN],
			      unsigned lease_secs, struct db_hook_job *j);
/* The outcome, by the claim's holder only (DB_NOTFOUND: no longer ours):
 * delivered with the answer's code; again in secs; failed for good. */
enum db_result db_hooks_done(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
			     unsigned code);
enum db_result db_hooks_retry(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
			      unsigned secs, unsigned code, const char *err);
enum db_result db_hooks_failed(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
			       unsigned code, const char *err);
/* The endpoint's health after an attempt; a failure run of give_up_secs or
 * more disables it: *disabled 1 the one time that happens. */
enum db_result db_hooks_health(struct db *db, unsigned tenant_id, unsigned webhook_id, int ok,
			       unsigned give_up_secs, const char *reason, int *disabled);
/* The tenant's active Super Admins' emails, with the company's name. */
enum db_result db_hooks_admins(struct db *db, unsigned tenant_id,
			       int (*fn)(void *ctx, const char *email, const char *company),
			       void *ctx);

/* Migrations (the ctl tool's fcgi/ctl/migrate.c; role DB_ROLE_CTL with
 * DB_MULTI_STATEMENTS): the schema_version table made if missing, whether a
 * version is recorded, recording one, and a whole file's SQL run as it is
 * (what names it in db_errmsg()). */
enum db_result db_schema_init(struct db *db);
enum db_result db_schema_applied(struct db *db, unsigned version, int *yes);
enum db_result db_schema_record(struct db *db, unsigned version, const char *name);
enum db_result db_exec_script(struct db *db, const char *sql, size_t len, const char *what);

/* ---- typed rows ---- */

/* Text buffers hold a column's characters at 4 bytes each (utf8mb4), plus
 * the NUL: a fetch never truncates. */
struct db_tenant {
	unsigned id;
	char slug[64];
	char company[801];
	char street[801], city[401], state[401], zip[81], country[401];
	int portal_enabled;
	char frame_origins[6001];
	char time_zone[65]; /* IANA name (tz.h); "UTC" until set */
};

struct db_login {
	unsigned id, tenant_id;
	char hash[129];
	int active;
};

enum db_perm { DB_PERM_NONE = 0, DB_PERM_VIEW = 1, DB_PERM_EDIT = 2, DB_PERM_SUPER = 3 };

/* A signed-in office user's session, with the user's tenant: one round trip
 * resolves both, so tenant-scoped pages need no query of their own to know it. */
struct db_session {
	uint64_t id;
	unsigned tenant_id, user_id;
	char email[255], first[401], last[401];
	int settings;        /* enum db_perm */
	long long seen_secs; /* seconds since last_seen_at */
	char stage[8];       /* full; mfa or enrol: the password passed, MFA owed */
	int mfa_required, mfa_enabled;
	struct db_tenant tenant;
	char time_zone[65];  /* the user's own zone; "": the tenant's */
	unsigned inbox_open; /* the tenant's open inbox items (sql/029) */
};

/* Who an audit entry's actor is (sql/024). */
enum db_actor { DB_ACTOR_OFFICE, DB_ACTOR_PORTAL, DB_ACTOR_KEY, DB_ACTOR_SYSTEM };
struct db_audit {
	unsigned tenant_id;
	enum db_actor actor_kind;
	unsigned actor_id;       /* the office or portal user's, or the key's id; 0: unknown */
	const char *actor_email; /* the actor as shown: an email, a key id; "" for the system */
	const char *action;      /* "portal_user.update": kind of target, then what */
	/* What the entry is about, for a link: a kind ("portal_user",
	 * "office_user", "customer", "group", "api_key", "webhook", "tenant";
	 * NULL: none) and its id; target is its name as shown. */
	const char *target_kind;
	unsigned target_id;
	const char *target, *old_value, *new_value; /* never a secret */
	const char *request_id, *ip;
};

/* tenants */
enum db_result db_tenant_by_slug(struct db *db, const char *slug, struct db_tenant *out);
/* The zone (a tz_known() name) dates are shown in. */
enum db_result db_tenant_set_tz(struct db *db, unsigned id, const char *zone);
/* An office or portal user's own zone; "" for the tenant's. */
enum db_result db_office_user_set_tz(struct db *db, unsigned tenant_id, unsigned id,
				     const char *zone);
enum db_result db_portal_user_set_tz(struct db *db, unsigned tenant_id, unsigned id,
				     const char *zone);
enum db_result db_tenant_get(struct db *db, unsigned id, struct db_tenant *out);
/* Locks the row for the rest of the transaction. */
enum db_result db_tenant_get_locked(struct db *db, unsigned id, struct db_tenant *out);
enum db_result db_tenant_insert(struct db *db, const struct db_tenant *t, unsigned *id);
enum db_result db_tenant_set_portal(struct db *db, unsigned id, int enabled, const char *origins);

/* office users */
enum db_result db_office_login(struct db *db, const char *email, struct db_login *out);
enum db_result db_office_insert(struct db *db, unsigned tenant_id, const char *email,
				const char *hash, const char *role, const char *first,
				const char *last, unsigned *id);
enum db_result db_office_set_perm(struct db *db, unsigned user_id, const char *module, int level);
enum db_result db_office_set_active(struct db *db, unsigned user_id, int active);

/* office users (the settings pages; list order: email, first, last, role,
 * status) */
struct db_office_user {
	unsigned id;
	char email[255], first[401], last[401], role[16], phone[161];
	int active, settings;  /* settings: enum db_perm */
	char last_sign_in[24]; /* ISO 8601 UTC, "" if never (sql/027) */
	/* db_office_user_get only: */
	char mobile_provider[129], street[801], city[401], state[401], zip[81], country[401];
	char default_screen[129];
};
typedef int (*db_office_user_fn)(void *ctx, const struct db_office_user *u);
/* One page of the Office Users list (see "The list views" above). */
enum db_result db_office_users_view(struct db *db, unsigned tenant_id, struct list_view *lv,
				    db_office_user_fn fn, void *ctx, struct list_fetched *f);
/* The same filtered by last sign-in: never, or over 90 days ago (sql/027). */
enum db_signin { DB_SIGNIN_ANY = 0, DB_SIGNIN_NEVER, DB_SIGNIN_OLD };
enum db_result db_office_users_view_signin(struct db *db, unsigned tenant_id, struct list_view *lv,
					   enum db_signin signin, db_office_user_fn fn, void *ctx,
					   struct list_fetched *f);
/* DB_NOTFOUND for another tenant's id. */
enum db_result db_office_user_get(struct db *db, unsigned tenant_id, unsigned id,
				  struct db_office_user *out);
/* DB_DUP when the login exists (in any tenant). */
enum db_result db_office_user_add(struct db *db, unsigned tenant_id, const struct db_office_user *u,
				  const char *hash, unsigned *id);
enum db_result db_office_user_update(struct db *db, unsigned tenant_id,
				     const struct db_office_user *u);
enum db_result db_office_user_set_password(struct db *db, unsigned tenant_id, unsigned id,
					   const char *hash);
/* Ends the user's sessions but the one whose token hash is keep (NULL:
 * every one): a changed password, whoever changed it. */
enum db_result db_office_sessions_delete_others(struct db *db, unsigned user_id,
						const unsigned char keep[32]);
/* Office password-reset links ("Forgot password?"): a new one for the user
 * (ending the live ones) valid valid_min minutes; only its hash is kept. */
enum db_result db_office_token_new(struct db *db, unsigned tenant_id, unsigned user_id,
				   const unsigned char hash[32], unsigned valid_min);
struct db_office_token {
	uint64_t id;
	unsigned user_id, tenant_id;
	int live;   /* unused and unexpired */
	int active; /* the user is (deleted users' links go with them) */
	char email[255];
};
/* The link of hash, live or not; DB_NOTFOUND for none. */
enum db_result db_office_token_find(struct db *db, const unsigned char hash[32],
				    struct db_office_token *out);
/* Uses a live link up; DB_NOTFOUND if it was used or expired meanwhile. */
enum db_result db_office_token_use(struct db *db, uint64_t id);
/* Ends the user's live links. */
enum db_result db_office_token_kill(struct db *db, unsigned user_id);
/* Whom a login names, for "Forgot password?"; DB_NOTFOUND for nobody. */
struct db_office_reset {
	unsigned id, tenant_id;
	int active;
	char email[255], company[801];
};
enum db_result db_office_reset_target(struct db *db, const char *email,
				      struct db_office_reset *out);
/* levels[i] = the user's level of module keys[i] (0 when no row). */
enum db_result db_office_user_perms(struct db *db, unsigned user_id, const char *const *keys,
				    size_t n, int *levels);
/* Deletes the user and keeps its login as a tombstone, never to be used
 * again; sessions and permissions go with the row (foreign keys). */
enum db_result db_office_user_delete(struct db *db, unsigned tenant_id, unsigned id,
				     const char *email);
enum db_result db_office_user_set_active(struct db *db, unsigned tenant_id, unsigned id,
					 int active);
/* The tenant's active Super Admins (up to max ids; *n counts them all),
 * locked for the rest of the transaction. */
enum db_result db_office_supers_locked(struct db *db, unsigned tenant_id, unsigned *ids, size_t max,
				       unsigned *n);
enum db_result db_office_login_tombstoned(struct db *db, const char *email, int *yes);

/* an office user's own outgoing mail (the Email tab) */
struct db_office_mail {
	char provider[16]; /* default, smtp, google, office365 */
	char host[1013], security[16], user[1017];
	unsigned port;
	unsigned char password[600]; /* sealed (auth_seal); password_len 0: none */
	size_t password_len;
	char tested_at[24]; /* "" until the first test */
	int test_ok;
	char test_result[1601];
};
enum db_result db_office_mail_get(struct db *db, unsigned tenant_id, unsigned id,
				  struct db_office_mail *m);
/* provider, host, port, security, user (not the password). */
enum db_result db_office_mail_set(struct db *db, unsigned tenant_id, unsigned id,
				  const struct db_office_mail *m);
enum db_result db_office_mail_password(struct db *db, unsigned tenant_id, unsigned id,
				       const unsigned char *sealed, size_t len);
enum db_result db_office_mail_tested(struct db *db, unsigned tenant_id, unsigned id, int ok,
				     const char *result);

/* the tenant's calendars and vehicles, and office users' links to them */
enum db_named_kind { DB_CALENDARS = 0, DB_VEHICLES = 1 };
struct db_named {
	unsigned id;
	char name[401];
};
typedef int (*db_named_fn)(void *ctx, const struct db_named *n);
/* By name. */
enum db_result db_named_list(struct db *db, enum db_named_kind k, unsigned tenant_id,
			     db_named_fn fn, void *ctx);
/* DB_DUP when the tenant has one of that name. */
enum db_result db_named_add(struct db *db, enum db_named_kind k, unsigned tenant_id,
			    const char *name, unsigned *id);
/* Links to it go too (foreign keys); DB_NOTFOUND for another tenant's id. */
enum db_result db_named_delete(struct db *db, enum db_named_kind k, unsigned tenant_id,
			       unsigned id);
/* The user's linked ids (at most max). */
enum db_result db_user_links(struct db *db, enum db_named_kind k, unsigned user_id, unsigned *ids,
			     size_t max, size_t *n);
/* Replaces the user's links; ids of another tenant are skipped, so *added
 * may be less than n. */
enum db_result db_user_links_set(struct db *db, enum db_named_kind k, unsigned tenant_id,
				 unsigned user_id, const unsigned *ids, size_t n, size_t *added);
/* all_vehicles and the notification set ("job_added,customer_added"). */
enum db_result db_office_user_extras(struct db *db, unsigned tenant_id, unsigned id,
				     int *all_vehicles, char *notify, size_t notifysz);
enum db_result db_office_user_set_extras(struct db *db, unsigned tenant_id, unsigned id,
					 int all_vehicles, const char *notify);

/* sessions */
/* An office session (stage full, mfa or enrol: those live 10 minutes). */
enum db_result db_session_insert(struct db *db, const unsigned char hash[32], const char *kind,
				 unsigned tenant_id, unsigned user_id, unsigned abs_hours,
				 const char *ip, const char *ua, const char *stage);
enum db_result db_session_office(struct db *db, const unsigned char hash[32], unsigned idle_min,
				 struct db_session *out);
/* A portal request's session (db/stmt_session.h, SESSION_PORTAL, says
 * when one is valid: its tenant, its portal on, its user active). */
struct db_portal_session {
	uint64_t id;
	unsigned user_id; /* 0: opened by the customer's secure token link */
	unsigned customer_id;
	char stage[8]; /* full, mfa, enrol */
	char email[255], company[801];
	long long seen_secs;
	int mfa_required, mfa_enabled;
	char perms[400];    /* the group's permissions, comma-separated */
	char time_zone[65]; /* the user's own zone; "": the tenant's */
	/* "View as this client": the office user looking (0: none), and
	 * when the view ends. */
	unsigned viewer_id;
	char viewer[255], ends[24];
};
/* A read-only portal session of portal user user_id for office user
 * viewer, for minutes (sql/025); DB_NOTFOUND unless the portal user is
 * the tenant's and active. */
enum db_result db_view_as_start(struct db *db, const unsigned char hash[32], unsigned tenant_id,
				unsigned user_id, unsigned viewer, unsigned minutes, const char *ip,
				const char *ua);
enum db_result db_session_portal(struct db *db, const unsigned char hash[32], unsigned tenant_id,
				 unsigned idle_min, struct db_portal_session *out);
/* A portal session; user_id 0 with customer_id: a token-link session. */
enum db_result db_portal_session_insert(struct db *db, const unsigned char hash[32],
					unsigned tenant_id, unsigned user_id, unsigned customer_id,
					const char *stage, unsigned minutes, const char *ip,
					const char *ua);
struct db_session_row {
	uint64_t id; /* office lists only */
	char created[24], seen[24], ip[181], ua[1021];
	int current;
};
typedef int (*db_session_fn)(void *ctx, const struct db_session_row *r);
/* The user's signed-in sessions, latest first (at most 50); current marks
 * the one whose token hash is given. */
enum db_result db_portal_sessions(struct db *db, unsigned user_id, const unsigned char hash[32],
				  db_session_fn fn, void *ctx);
enum db_result db_portal_sessions_delete_others(struct db *db, unsigned user_id,
						const unsigned char keep[32]);
/* An office user's sessions in the tenant, latest first (at most 50),
 * those still owing an MFA code too; current marks the one of that token
 * hash. */
enum db_result db_office_sessions(struct db *db, unsigned tenant_id, unsigned user_id,
				  const unsigned char current[32], db_session_fn fn, void *ctx);
/* Ends session id of the user; DB_NOTFOUND when the user has none such. */
enum db_result db_office_session_end(struct db *db, unsigned tenant_id, unsigned user_id,
				     uint64_t id);
/* Ends every session of the user but keep's (NULL: every one); *ended
 * counts them. */
enum db_result db_office_sessions_end(struct db *db, unsigned tenant_id, unsigned user_id,
				      const unsigned char keep[32], unsigned long long *ended);
enum db_result db_portal_sessions_delete_customer(struct db *db, unsigned customer_id);
enum db_result db_session_touch(struct db *db, uint64_t id);
enum db_result db_session_delete(struct db *db, const unsigned char hash[32]);
enum db_result db_session_delete_office_user(struct db *db, unsigned user_id);
enum db_result db_session_delete_tenant_portal(struct db *db, unsigned tenant_id);
/* Deletes up to 200 dead sessions and 200 stale throttle rows. */
enum db_result db_purge(struct db *db, unsigned idle_min);

/* login throttles (call inside a transaction) */
struct db_throttle {
	unsigned attempts;
	long long age_secs;    /* since window_start */
	long long locked_secs; /* remaining lock, 0 if none */
};
/* portal_user_id: the portal user whose account the key is (0: none), kept
 * on the row so that sql/016's triggers copy its lock onto the user. */
enum db_result db_throttle_lock(struct db *db, const unsigned char key[32], unsigned portal_user_id,
				struct db_throttle *t);
enum db_result db_throttle_set(struct db *db, const unsigned char key[32], long long age_secs,
			       unsigned attempts, long long lock_secs);
enum db_result db_throttle_clear(struct db *db, const unsigned char key[32]);
enum db_result db_throttle_refund(struct db *db, const unsigned char key[32]);
enum db_result db_throttle_clear_all(struct db *db);
/* The key's state without a lock (display only); zeros when no row. */
enum db_result db_throttle_peek(struct db *db, const unsigned char key[32], struct db_throttle *t);

/* The invitation ledger (db/invitation.c, sql/026). */
struct db_invitation {
	char state[10]; /* queued, invited, bounced, expired, accepted */
	char email[255], queued[24], expires[24], sent[24], bounced[24], accepted[24]; /* "" none */
	char answer[501]; /* a bounce's SMTP answer */
	unsigned reminders;
	char reminded[24]; /* the latest reminder, "" none */
};
/* The latest invitation of each portal user of a customer who has one,
 * by the user's email (state: invited, reminded, expired, bounced,
 * accepted). */
typedef int (*db_user_invitation_fn)(void *ctx, unsigned user_id, const struct db_invitation *i);
enum db_result db_customer_invitations(struct db *db, unsigned tenant_id, unsigned customer_id,
				       db_user_invitation_fn fn, void *ctx);
/* An invitation due a reminder (db_invitations_due). */
struct db_reminder {
	uint64_t id;
	unsigned tenant_id, user_id, reminders;
	char company[801], email[255];
	long long minutes_left; /* its link's */
};
typedef int (*db_reminder_fn)(void *ctx, const struct db_reminder *r);
/* Up to 500 invitations due a reminder (INVITATION_DUE), handed over
 * once all are read (fn may run statements). */
enum db_result db_invitations_due(struct db *db, unsigned remind_days, unsigned before_days,
				  db_reminder_fn fn, void *ctx);
/* Reminder mail mail_id queued for invitation id. */
enum db_result db_invitation_reminded(struct db *db, uint64_t id, uint64_t mail_id);
/* The company's portal users never invited: how many; up to max of their
 * ids. */
enum db_result db_portal_users_not_invited(struct db *db, unsigned tenant_id,
					   unsigned long long *n);
enum db_result db_portal_users_not_invited_ids(struct db *db, unsigned tenant_id, unsigned *ids,
					       size_t max, size_t *n);
/* The company's reminders switch. */
enum db_result db_tenant_reminders(struct db *db, unsigned tenant_id, int *on);
enum db_result db_tenant_set_reminders(struct db *db, unsigned tenant_id, int on);
typedef int (*db_invitation_fn)(void *ctx, const struct db_invitation *i);
/* An invitation queued as mail mail_id to email, its link good for days. */
enum db_result db_invitation_add(struct db *db, unsigned tenant_id, unsigned user_id,
				 uint64_t mail_id, const char *email, unsigned days);
/* The mailer's outcome (answer: a bounce's, NULL when sent). */
enum db_result db_invitation_outcome(struct db *db, uint64_t mail_id, const char *answer);
/* The user's latest invitation taken up (its link set a password). */
enum db_result db_invitation_accepted(struct db *db, unsigned user_id);
/* The user's invitations, the latest first (at most 20). */
enum db_result db_invitations(struct db *db, unsigned tenant_id, unsigned user_id,
			      db_invitation_fn fn, void *ctx);

/* audit (db/audit.c) */
enum db_result db_audit(struct db *db, const struct db_audit *a);
/* "office", "portal", "key" or "system". */
const char *db_actor_name(enum db_actor k);
/* An entry as the audit log shows it (old and new values: up to a TEXT
 * column's 65,535 bytes each, so rows live on the heap). */
struct db_audit_row {
	uint64_t id;
	char when[24]; /* ISO 8601 UTC */
	char actor_kind[8];
	unsigned actor_id;
	char actor[255], action[65], target_kind[25];
	unsigned target_id;
	char target[801], old_value[65536], new_value[65536];
	char ip[46], request_id[17];
	char cursor[24]; /* created_at as YYYYMMDDhhmmssffffff */
};
/* A view of the audit log: each filter "" for none; from and to (UTC,
 * "YYYY-MM-DD HH:MM:SS", "" for none) bound created_at, to excluded. */
struct db_audit_filter {
	const char *actor, *action, *category, *target;
	char from[20], to[20];
};
enum db_audit_dir { DB_AUDIT_OLDER, DB_AUDIT_NEWER };
typedef int (*db_audit_fn)(void *ctx, const struct db_audit_row *r);
/* Up to limit entries of the view from the cursor (time as in
 * db_audit_row.cursor, and id; time "" for the newest end) in direction
 * dir: OLDER newest first, NEWER oldest first (the caller shows them
 * reversed). */
enum db_result db_audit_page(struct db *db, unsigned tenant_id, const struct db_audit_filter *f,
			     enum db_audit_dir dir, const char *cursor_time, uint64_t cursor_id,
			     unsigned limit, db_audit_fn fn, void *ctx);
/* The view's entries, counted no further than 1,001. */
enum db_result db_audit_count(struct db *db, unsigned tenant_id, const struct db_audit_filter *f,
			      unsigned long long *n);
/* The partner feed's page: entries after id after (older than 10 s),
 * oldest first, streamed to fn. */
enum db_result db_audit_feed(struct db *db, unsigned tenant_id, uint64_t after, unsigned limit,
			     db_audit_fn fn, void *ctx);
/* Removes entries older than days, a tenant's at a time in batches of
 * 10,000, each batch in a transaction with an entry of its own
 * (audit.purge, by the system) saying how many went; *removed counts
 * them all (not the purge's own). */
enum db_result db_audit_purge(struct db *db, unsigned days, unsigned long long *removed);

/* customers and portal users (demo data and tests until their pages exist) */
enum db_result db_customer_by_name(struct db *db, unsigned tenant_id, const char *name,
				   unsigned *id);

/* customers */
struct db_customer {
	unsigned id;
	char name[801], email[255], phone[161];
	char street[801], city[401], state[401], zip[81];
	unsigned portal_users;
};
typedef int (*db_customer_fn)(void *ctx, const struct db_customer *c);
/* One page of the Customers list (see "The list views" above). */
enum db_result db_customers_view(struct db *db, unsigned tenant_id, struct list_view *lv,
				 db_customer_fn fn, void *ctx, struct list_fetched *f);
/* Every customer of the tenant by name (the drop-down). */
enum db_result db_customers_all(struct db *db, unsigned tenant_id, db_customer_fn fn, void *ctx);
/* DB_NOTFOUND for another tenant's id: callers answer 404. */
enum db_result db_customer_get(struct db *db, unsigned tenant_id, unsigned id,
			       struct db_customer *out);
enum db_result db_customer_add(struct db *db, unsigned tenant_id, const struct db_customer *c,
			       unsigned *id);
/* Updates the customer and the company name copied onto its portal users;
 * call inside a transaction. */
enum db_result db_customer_update(struct db *db, unsigned tenant_id, const struct db_customer *c);

/* portal users */
struct db_portal_user {
	unsigned id, customer_id;
	char company[801], email[255];
	char status[12];       /* pstatus_key: not_invited, invited, active, revoked, locked */
	int invite_bounced;    /* the latest invitation bounced */
	long long lock_us;     /* how long the sign-in lock still refuses (0: none) */
	char last_sign_in[24]; /* ISO 8601 UTC, "" if never */
};
typedef int (*db_portal_user_fn)(void *ctx, const struct db_portal_user *u);
/* One page of the Portal Access list, filtered by status too (an enum
 * pstatus, or -1 for any) (see "The list views" above). */
enum db_result db_portal_users_view(struct db *db, unsigned tenant_id, struct list_view *lv,
				    int status, db_portal_user_fn fn, void *ctx,
				    struct list_fetched *f);
/* A portal user's invitation state as the list filters by it: the codes
 * of portal_users.inv_state (sql/028). */
enum db_invitation_state {
	DB_INV_NOT_INVITED = 0,
	DB_INV_INVITED,
	DB_INV_REMINDED,
	DB_INV_ACCEPTED,
	DB_INV_BOUNCED,
	DB_INV_EXPIRED,
	DB_INV__COUNT
};
/* The same page filtered by invitation state too (an enum
 * db_invitation_state, or -1 for any): each read in that state's index. */
enum db_result db_portal_users_view_inv(struct db *db, unsigned tenant_id, struct list_view *lv,
					int status, int invitation, db_portal_user_fn fn, void *ctx,
					struct list_fetched *f);
/* What the Portal Access page memo is kept under (sql/033): two versions
 * of tenant_id's list that together move whenever a row's place in it or
 * anything the list shows of a row does. */
enum db_result db_portal_users_shown_version(struct db *db, unsigned tenant_id, uint64_t v[2]);
/* Invitations whose link has ended move to expired (all tenants;
 * gatehouse-ctl invitations remind), each with an audit entry
 * (portal_user.invitation_expired), in a transaction of its own: how many
 * into *n. */
enum db_result db_invitations_expire(struct db *db, unsigned long long *n);
enum db_result db_portal_user_get(struct db *db, unsigned tenant_id, unsigned id,
				  struct db_portal_user *out);
/* hash NULL: no password yet.  DB_DUP when the email is taken in the tenant. */
enum db_result db_portal_user_add(struct db *db, unsigned tenant_id, unsigned customer_id,
				  const char *company, const char *email, const char *hash,
				  unsigned *id);
enum db_result db_portal_user_update(struct db *db, unsigned tenant_id, unsigned id,
				     unsigned customer_id, const char *company, const char *email);
enum db_result db_portal_user_set_password(struct db *db, unsigned tenant_id, unsigned id,
					   const char *hash);
/* state: none, queued, sent, bounced; mail_id 0 for none. */
enum db_result db_portal_user_invite(struct db *db, unsigned tenant_id, unsigned id,
				     const char *state, uint64_t mail_id);
/* Sessions and tokens go with the row (foreign keys cascade). */
enum db_result db_portal_user_delete(struct db *db, unsigned tenant_id, unsigned id,
				     unsigned long long *deleted);

/* one-time tokens: a new one for (user, purpose) kills the older ones */
enum db_result db_token_new(struct db *db, unsigned tenant_id, unsigned user_id,
			    const char *purpose, const unsigned char hash[32], unsigned valid_min);

struct db_token {
	uint64_t id;
	unsigned user_id;
	int live; /* unused and unexpired */
	char email[255], company[801];
};
/* The token of a tenant and purpose, live or not (an expired link still
 * names whom to send a fresh one). */
enum db_result db_token_find(struct db *db, unsigned tenant_id, const char *purpose,
			     const unsigned char hash[32], struct db_token *out);
/* Ends every live token of the user for purpose. */
enum db_result db_token_kill(struct db *db, unsigned user_id, const char *purpose);
/* Uses a live token; DB_NOTFOUND if it was used or expired meanwhile. */
enum db_result db_token_use(struct db *db, uint64_t id);
enum db_result db_session_delete_portal_user(struct db *db, unsigned user_id);

/* portal sign-in and MFA */
struct db_portal_login {
	unsigned id, customer_id;
	char hash[129]; /* "" while no password is set */
	int active;     /* not revoked */
	int mfa_required, mfa_enabled;
	char email[255];
};
enum db_result db_portal_login(struct db *db, unsigned tenant_id, const char *email,
			       struct db_portal_login *out);
enum db_result db_portal_user_signed_in(struct db *db, unsigned id);
/* MFA of a portal user or an office user: the same model in portal_users /
 * portal_mfa_recovery and office_users / office_mfa_recovery. */
enum db_who { DB_PORTAL = 0, DB_OFFICE = 1 };
/* The user's secrets, locked for the rest of the transaction.  The MFA keys
 * are sealed (auth_seal); lengths 0 when absent. */
struct db_mfa_auth {
	char hash[129];
	int mfa_required, active;
	unsigned char mfa_secret[128], mfa_pending[128];
	size_t secret_len, pending_len;
	long long last_step;
	char email[255], company[801];
};
enum db_result db_mfa_auth_locked(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
				  struct db_mfa_auth *out);
enum db_result db_mfa_set_pending(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
				  const unsigned char *sealed, size_t len);
/* Makes the pending key the user's; DB_NOTFOUND if none is pending. */
enum db_result db_mfa_enable(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			     long long step);
/* Records the step of an accepted code; DB_NOTFOUND if that step (or a
 * later one) was already used. */
enum db_result db_mfa_step(struct db *db, enum db_who who, unsigned id, long long step);
/* Removes the key, a pending key and the recovery codes. */
enum db_result db_mfa_reset(struct db *db, enum db_who who, unsigned tenant_id, unsigned id);
enum db_result db_mfa_require(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			      int on);
enum db_result db_mfa_state(struct db *db, enum db_who who, unsigned tenant_id, unsigned id,
			    int *required, int *enabled);
/* Replaces the user's recovery codes with n hashes. */
enum db_result db_mfa_recovery_set(struct db *db, enum db_who who, unsigned id,
				   const unsigned char (*hashes)[32], size_t n);
/* Uses up one recovery code; DB_NOTFOUND if it is not (or no longer) one. */
enum db_result db_mfa_recovery_use(struct db *db, enum db_who who, unsigned id,
				   const unsigned char hash[32]);
enum db_result db_mfa_recovery_count(struct db *db, enum db_who who, unsigned id, unsigned *n);

/* portal permission groups */
struct db_group {
	unsigned id; /* 0: a new one (db_group_save) */
	char name[401];
	int is_system, is_default, require_mfa;
	char perms[400]; /* comma-separated (portal_groups.perms) */
	unsigned members;
	/* What its users see of the granted sites' jobs, estimates and
	 * invoices: 0 all the customer's, 1 only those they are the contact
	 * of (portal_groups.visibility, sql/028). */
	int own_only;
};
typedef int (*db_group_fn)(void *ctx, const struct db_group *g);
/* The system group first, then by name; members counted. */
enum db_result db_groups(struct db *db, unsigned tenant_id, db_group_fn fn, void *ctx);
enum db_result db_group_get(struct db *db, unsigned tenant_id, unsigned id, struct db_group *out);
/* Adds (id 0: id set) or updates; a default group stops the others being
 * one.  DB_DUP for a name the tenant has.  Caller's transaction. */
enum db_result db_group_save(struct db *db, unsigned tenant_id, struct db_group *g);
/* DB_NOTFOUND also for the system group and a group with members. */
enum db_result db_group_delete(struct db *db, unsigned tenant_id, unsigned id);
/* A portal user's group, status (TrackTik: Active / Revoked) and whether
 * report notifications go to their email. */
enum db_result db_portal_access_get(struct db *db, unsigned tenant_id, unsigned id,
				    unsigned *group_id, int *active, int *reports);
enum db_result db_portal_access_set(struct db *db, unsigned tenant_id, unsigned id,
				    unsigned group_id, int active, int reports);

/* customers' contacts */
struct db_contact {
	unsigned id, customer_id; /* customer_id: db_contact_get_locked only */
	char name[801], email[255], phone[161];
	unsigned portal_user_id; /* 0: not a portal user */
	char login[255];         /* the portal user's login, if any */
};
typedef int (*db_contact_fn)(void *ctx, const struct db_contact *c);
enum db_result db_contacts(struct db *db, unsigned tenant_id, unsigned customer_id,
			   db_contact_fn fn, void *ctx);
enum db_result db_contact_add(struct db *db, unsigned tenant_id, unsigned customer_id,
			      const char *name, const char *email, const char *phone);
/* Locked for the rest of the transaction. */
enum db_result db_contact_get_locked(struct db *db, unsigned tenant_id, unsigned id,
				     struct db_contact *out);
/* DB_NOTFOUND when it has a portal user already. */
enum db_result db_contact_link(struct db *db, unsigned tenant_id, unsigned id, unsigned user_id);

/* customers' sites (TrackTik) */
struct db_site {
	unsigned id, parent_id; /* parent 0: a master (top-level) site */
	char name[801], address[1201];
};
typedef int (*db_site_fn)(void *ctx, const struct db_site *s);
/* A customer's sites: each master followed by its sub-sites. */
enum db_result db_sites(struct db *db, unsigned tenant_id, unsigned customer_id, db_site_fn fn,
			void *ctx);
/* The sites a portal session may see (user_id 0: a token session, all). */
enum db_result db_portal_sites(struct db *db, unsigned tenant_id, unsigned customer_id,
			       unsigned user_id, db_site_fn fn, void *ctx);
/* DB_NOTFOUND when parent_id is not a master site of the customer; DB_DUP
 * for a name the customer has. */
enum db_result db_site_add(struct db *db, unsigned tenant_id, unsigned customer_id,
			   unsigned parent_id, const char *name, const char *address);
enum db_result db_user_sites(struct db *db, unsigned user_id, unsigned *ids, size_t max, size_t *n);
enum db_result db_user_all_sites(struct db *db, unsigned tenant_id, unsigned user_id, int *all);
/* all: every site of the customer; else the given ones (of the user's own
 * customer only: *added counts those kept). */
enum db_result db_user_sites_set(struct db *db, unsigned tenant_id, unsigned user_id, int all,
				 const unsigned *ids, size_t n, size_t *added);

/* a customer's portal users, by email: for its own admin (the Colleagues page) and
 * the customer's settings page */
struct db_colleague {
	unsigned id, group_id;
	char email[255], group[401], perms[400];
	int active;            /* not revoked */
	char status[12];       /* pstatus_key */
	char last_sign_in[24]; /* ISO 8601 UTC, "" if never */
	char name[801];        /* of the contact it was enabled from, "" if none */
};
typedef int (*db_colleague_fn)(void *ctx, const struct db_colleague *c);
enum db_result db_colleagues(struct db *db, unsigned tenant_id, unsigned customer_id,
			     db_colleague_fn fn, void *ctx);

/* customers' records: what the client portal shows (invoices, estimates,
 * jobs, documents, equipment; kind is the singular: "invoice", ...) */
struct db_record {
	unsigned id, site_id;   /* site 0: customer-wide */
	long long amount_cents; /* -1: none */
	char ref[161], title[801], detail[8001], date[11], status[81], site[801];
};
typedef int (*db_record_fn)(void *ctx, const struct db_record *r);
/* The records of kind a portal session may see (user_id 0: a token
 * session, all sites), newest first, at most 200; only_id nonzero: just
 * that one (none when it is not visible). */
enum db_result db_portal_records(struct db *db, unsigned tenant_id, unsigned customer_id,
				 unsigned user_id, const char *kind, unsigned only_id,
				 db_record_fn fn, void *ctx);
/* Moves a record of the customer from status from to status to;
 * DB_NOTFOUND when it is not (or no longer) in status from. */
enum db_result db_record_status(struct db *db, unsigned tenant_id, unsigned customer_id,
				unsigned id, const char *kind, const char *from, const char *to,
				const char *by);
struct db_record_new {
	unsigned tenant_id, customer_id, site_id; /* site 0: customer-wide */
	const char *kind, *ref;                   /* ref NULL or "": "REQ-<id>" */
	const char *title, *detail, *date, *status, *by;
	long long amount_cents; /* -1: none */
	int is_public;
	unsigned contact_user_id; /* the portal user it is for; 0: none */
};
enum db_result db_record_add(struct db *db, const struct db_record_new *r, unsigned *id);
/* Whether user_id's group shows them only the records they are the
 * contact of (portal_groups.visibility 'own', sql/028); a user without a
 * group sees all. */
enum db_result db_portal_user_own_only(struct db *db, unsigned tenant_id, unsigned user_id,
				       int *own);
/* Record id's contact: its customer's portal user of that address (none
 * when the customer has no such user). */
enum db_result db_record_set_contact(struct db *db, unsigned tenant_id, unsigned id,
				     const char *email);
enum db_result db_record_count(struct db *db, unsigned tenant_id, unsigned customer_id,
			       unsigned *n);

/* The office's inbox (sql/029): what clients did in the portal, an item
 * each until an office user marks it handled.  kind: "job_request",
 * "invoice_pay", "estimate_approve". */
enum db_result db_inbox_add(struct db *db, unsigned tenant_id, unsigned record_id,
			    unsigned customer_id, unsigned portal_user_id, const char *email,
			    const char *kind);
struct db_inbox_item {
	uint64_t id;
	char when[24]; /* ISO 8601 UTC */
	char kind[20];
	unsigned record_id, customer_id, portal_user_id; /* user 0: deleted since */
	char customer[801], email[255], ref[161], title[801], status[81];
	int handled;
	char handled_at[24], handled_by[255]; /* handled_at: when when open */
	char cursor[24];                      /* created_at as YYYYMMDDhhmmssffffff */
};
/* A view of the inbox: state 0 open, 1 handled, 2 all; kind "" for any. */
struct db_inbox_filter {
	int state;
	const char *kind;
};
typedef int (*db_inbox_fn)(void *ctx, const struct db_inbox_item *r);
/* Up to limit items of the view from the cursor (time as in
 * db_inbox_item.cursor, and id; time "" for the newest end) in direction
 * dir (DB_AUDIT_OLDER newest first, DB_AUDIT_NEWER oldest first). */
enum db_result db_inbox_page(struct db *db, unsigned tenant_id, const struct db_inbox_filter *f,
			     enum db_audit_dir dir, const char *cursor_time, uint64_t cursor_id,
			     unsigned limit, db_inbox_fn fn, void *ctx);
/* The view's items, counted no further than cap. */
enum db_result db_inbox_count(struct db *db, unsigned tenant_id, const struct db_inbox_filter *f,
			      unsigned cap, unsigned *n);
/* One item of the tenant, locked for marking it handled; DB_NOTFOUND for
 * another tenant's id or none. */
enum db_result db_inbox_get(struct db *db, unsigned tenant_id, uint64_t id,
			    struct db_inbox_item *out);
/* Marks an open item handled by office user user_id; DB_NOTFOUND when it
 * is not open (any more). */
enum db_result db_inbox_handle(struct db *db, unsigned tenant_id, uint64_t id, unsigned user_id,
			       const char *email);

/* customers' secure token links */
enum db_result db_customer_token_set(struct db *db, unsigned tenant_id, unsigned id,
				     const unsigned char hash[32], const unsigned char *sealed,
				     size_t len);
/* sealed: the sealed token (len 0: none yet); at: when it was made. */
enum db_result db_customer_token_get(struct db *db, unsigned tenant_id, unsigned id,
				     unsigned char *sealed, size_t sz, size_t *len, char at[24]);
enum db_result db_customer_by_token(struct db *db, unsigned tenant_id, const unsigned char hash[32],
				    unsigned *id, unsigned *portal_users);

/* mail outbox */

struct db_mail {
	uint64_t id;
	unsigned tenant_id, attempts; /* attempts before this claim */
	char kind[129], to[1017], subject[1001];
	char payload[65536];       /* the mail's XML document (TEXT: at most 64 KiB) */
	unsigned char secret[255]; /* sealed one-time token, if any */
	size_t secretlen;
	long long age_secs;   /* since the row was written */
	char message_id[201]; /* given at queue time, the same for every attempt */
};
/* Queues a message; message_id (mail_message_id()) is its Message-ID for
 * every attempt. */
enum db_result db_outbox_enqueue(struct db *db, unsigned tenant_id, const char *kind,
				 const char *to, const char *subject, const char *payload,
				 const unsigned char *secret, size_t secretlen,
				 const char *message_id, uint64_t *id);
/* Claims the next due message in a transaction of its own (committed on
 * DB_OK, so call it outside any transaction): the row gets the claim token
 * and a lease of lease_secs, after which it is due again for anyone.  A row
 * queued without a Message-ID is given message_id.  DB_NOTFOUND when none
 * is due. */
enum db_result db_outbox_claim(struct db *db, const unsigned char claim[DB_CLAIM_LEN],
			       unsigned lease_secs, const char *message_id, struct db_mail *m);
/* The outcome of a claimed message; DB_NOTFOUND when the claim is no longer
 * ours (the lease ran out and another mailer took it). */
enum db_result db_outbox_sent(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN]);
enum db_result db_outbox_retry(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
			       unsigned delay_secs, const char *error);
enum db_result db_outbox_failed(struct db *db, uint64_t id, const unsigned char claim[DB_CLAIM_LEN],
				const char *error);
/* Sets invite_state ('sent', 'bounced') of the user whose latest invitation
 * is mail_id; an older invitation's fate changes nothing. */
enum db_result db_invite_state(struct db *db, uint64_t mail_id, const char *state);

/* Background jobs (sql/030): an import's check and run, a bulk action.
 * Started by a settings page, run by gatehouse-jobs one item at a time. */
struct db_job {
	uint64_t id;
	unsigned tenant_id, office_user_id;
	char actor_email[255], ip[46], request_id[17];
	char kind[8];   /* import, bulk */
	char phase[8];  /* check, run */
	char state[10]; /* queued, running, done, failed */
	char action[17];
	unsigned arg;
	char title[256];
	unsigned total, done;
	char error[501];
	char created[24], started[24], finished[24]; /* ISO 8601 UTC, "" if not yet */
	unsigned claims; /* db_job_claim only: claims since an item was last done */
};
/* j's tenant_id .. title and total (not its other counts and times) and
 * the input; *id set. */
enum db_result db_job_add(struct db *db, const struct db_job *j, const void *input, size_t len,
			  uint64_t *id);
enum db_result db_job_get(struct db *db, unsigned tenant_id, uint64_t id, struct db_job *out);
typedef int (*db_job_fn)(void *ctx, const struct db_job *j);
/* The tenant's newest jobs of kind, newest first. */
enum db_result db_jobs_recent(struct db *db, unsigned tenant_id, const char *kind, unsigned limit,
			      db_job_fn fn, void *ctx);
/* An import whose check is done goes on to run, for the office user of by
 * (its tenant_id, office_user_id, actor_email, ip, request_id); DB_NOTFOUND
 * otherwise. */
enum db_result db_job_run(struct db *db, const struct db_job *by, uint64_t id);
/* The worker's: the oldest job due, leased for lease_secs to token, into
 * *out with its input (at most input_sz bytes) in input; DB_NOTFOUND when
 * none is due. */
enum db_result db_job_claim(struct db *db, unsigned lease_secs, const unsigned char token[16],
			    struct db_job *out, unsigned char *input, size_t input_sz,
			    size_t *input_len);
/* The job's done-th item of its phase done, reported as n (an import's
 * line in the file; a bulk action's done), with its outcome (create,
 * update, skip, error, done), subject and message; the lease renewed.
 * DB_NOTFOUND when the lease is no longer token's (another worker has the
 * job): the caller rolls back.  Inside the item's transaction. */
enum db_result db_job_item(struct db *db, const struct db_job *j, const unsigned char token[16],
			   unsigned lease_secs, unsigned done, unsigned n, const char *outcome,
			   const char *subject, const char *message);
/* The job ends: state done or failed (with error). */
enum db_result db_job_finish(struct db *db, uint64_t id, const unsigned char token[16],
			     const char *state, const char *error);
struct db_job_item {
	unsigned n;
	char outcome[8], subject[255], message[501];
};
typedef int (*db_job_item_fn)(void *ctx, const struct db_job_item *it);
/* Up to 200 items of phase after item n, in order; outcome "" for any. */
enum db_result db_job_items(struct db *db, uint64_t job_id, const char *phase, const char *outcome,
			    unsigned after, db_job_item_fn fn, void *ctx);
/* The items of phase by outcome: create, update, skip, error, done. */
enum db_job_outcome { DB_JOB_CREATE, DB_JOB_UPDATE, DB_JOB_SKIP, DB_JOB_ERROR, DB_JOB_DONE };
#define DB_JOB_NOUTCOMES 5
extern const char *const db_job_outcomes[DB_JOB_NOUTCOMES];
enum db_result db_job_counts(struct db *db, uint64_t job_id, const char *phase,
			     unsigned counts[DB_JOB_NOUTCOMES]);

/* The import's look-ups (pimport.c).  A customer by name: *n how many
 * have it (0, 1, 2 meaning several), the first's id and name. */
enum db_result db_import_customer(struct db *db, unsigned tenant_id, const char *name, unsigned id,
				  unsigned *n, unsigned *out_id, char *out_name, size_t name_sz);
/* 0 in *id: none of that name (the system group is never named). */
enum db_result db_import_group(struct db *db, unsigned tenant_id, const char *name, unsigned *id);
enum db_result db_import_group_default(struct db *db, unsigned tenant_id, unsigned *id);
/* *n: sites of the customer with that name (0, 1, 2 meaning several). */
enum db_result db_import_site(struct db *db, unsigned tenant_id, unsigned customer_id,
			      const char *name, unsigned *n, unsigned *id);
struct db_import_user {
	unsigned id, customer_id, group_id;
	int all_sites;
	char company[801], contact[801];
};
/* The tenant's portal user with that email (locked for the rest of the
 * transaction when lock): DB_NOTFOUND if none. */
enum db_result db_import_user(struct db *db, unsigned tenant_id, const char *email, int lock,
			      struct db_import_user *out);
/* A new portal user of customer_id, in group_id, with all its customer's
 * sites or none yet; no password.  DB_DUP when the email is taken. */
enum db_result db_import_user_add(struct db *db, unsigned tenant_id, unsigned customer_id,
				  const char *company, const char *email, unsigned group_id,
				  int all_sites, unsigned *id);
/* The user's contact on its customer named name (made, or renamed). */
enum db_result db_import_contact(struct db *db, unsigned tenant_id, unsigned customer_id,
				 const char *name, const char *email, unsigned user_id);

/* ---- people who leave (db/people.c, sql/027) ---- */
/* The tombstone of a user about to be deleted (what a restore brings back;
 * never a password or session), in the delete's transaction: the deletes
 * (db_portal_user_delete, db_office_user_delete) call these themselves.
 * DB_NOTFOUND for another tenant's id. */
enum db_result db_portal_tombstone_keep(struct db *db, unsigned tenant_id, unsigned id);
enum db_result db_office_tombstone_keep(struct db *db, unsigned tenant_id, unsigned id);
struct db_tombstone {
	unsigned id, user_id;
	char name[801]; /* portal: the company; office: first and last name */
	char email[255], role[16];
	char deleted_at[24], until[24]; /* ISO 8601 UTC; until: the period's end */
};
typedef int (*db_tombstone_fn)(void *ctx, const struct db_tombstone *t);
/* The tenant's tombstones deleted within days, newest first, at most limit. */
enum db_result db_tombstones(struct db *db, enum db_who who, unsigned tenant_id, unsigned days,
			     unsigned limit, db_tombstone_fn fn, void *ctx);
struct db_restored {
	unsigned user_id, customer_id;
	char name[801], email[255], role[16];
	int within; /* 0: past the period, nothing restored */
	int active; /* 0: it was revoked (deactivated) when deleted, and is again */
};
/* Tombstone id of tenant_id back as a user (its old id, no password, no
 * session; the office login unburned), the tombstone gone; in the
 * caller's transaction.  DB_NOTFOUND: no such tombstone in the tenant;
 * DB_OK with out->within 0: past the period, nothing written; DB_DUP: the
 * login was taken again meanwhile. */
enum db_result db_portal_tombstone_restore(struct db *db, unsigned tenant_id, unsigned id,
					   unsigned days, struct db_restored *out);
enum db_result db_office_tombstone_restore(struct db *db, unsigned tenant_id, unsigned id,
					   unsigned days, struct db_restored *out);
/* A tombstone past the period, or an account gone dormant (with its
 * company's name and slug for the mail). */
struct db_expired {
	unsigned id, tenant_id, user_id;
	char email[255], company[801], slug[64];
};
/* Up to max tombstones deleted more than days ago, oldest first. */
enum db_result db_tombstones_expired(struct db *db, enum db_who who, unsigned days,
				     struct db_expired *out, size_t max, size_t *n);
enum db_result db_tombstone_purge(struct db *db, enum db_who who, unsigned tenant_id, unsigned id);
/* A full office sign-in: last_sign_in_at, and a dormant warning forgotten. */
enum db_result db_office_user_signed_in(struct db *db, unsigned id);
/* Active accounts (of tenant_id; 0: of every tenant) not signed in for
 * days: off 0, not warned yet (days = dormant_days - 7); off 1, warned over
 * a week ago (days = dormant_days). */
enum db_result db_dormant_due(struct db *db, enum db_who who, int off, unsigned days,
			      unsigned tenant_id, struct db_expired *out, size_t max, size_t *n);
/* The warning remembered (DB_NOTFOUND: already warned); the account
 * deactivated (revoked) and its sessions ended (DB_NOTFOUND: not active). */
enum db_result db_dormant_warned(struct db *db, enum db_who who, unsigned id);
enum db_result db_dormant_off(struct db *db, enum db_who who, unsigned id);
/* The tenant's active Super Admins other than id. */
enum db_result db_dormant_other_supers(struct db *db, unsigned tenant_id, unsigned id, unsigned *n);

#endif
