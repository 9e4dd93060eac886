/* The application config file (INI, see docs/contract.md). */
#ifndef GH_CONF_H
#define GH_CONF_H

#include <stddef.h>

#define CONF_DB_FAILOVER_MAX 8 /* [database] failover: at most this many servers */

struct conf {
	struct {
		char host[256], socket[512], user[128], password[256], name[128];
		unsigned port;
		unsigned lock_wait_secs; /* a lock wait ends in an error after this */
		unsigned statement_secs; /* a statement is stopped after this; 0: never */
		unsigned sync_wait;      /* wsrep_sync_wait of each connection; 0: not set */
		/* The other servers tried in order when the primary (host/port
		 * or socket) cannot be connected: the key's text, and its items
		 * as parsed once at load. */
		char failover[1024];
		struct conf_db_server {
			char host[256], socket[512]; /* socket: a unix: item, host "" */
			unsigned port;
		} servers[CONF_DB_FAILOVER_MAX];
		size_t nservers;
	} db;
	struct {
		char base_url[512], xslt_dir[1024];
		unsigned render_cache_kb;    /* rcache.h budget; 0: off */
		unsigned view_cache_kb;      /* the list views' page cache (db.h); 0: off */
		unsigned cache_tenant_share; /* % of each cache one tenant may hold */
	} web;
	struct {
		char key_file[1024];
		unsigned hash_concurrency, hash_queue;
		unsigned session_idle_min, session_abs_hours;
		int cookie_secure;
		unsigned hsts_max_age; /* Strict-Transport-Security over HTTPS; 0: never */
	} sec;
	struct {
		size_t body_max, fields_max, field_max;
	} lim;
	struct {
		char smtp_url[512], smtp_user[256], smtp_password[256];
		char from_address[255], from_name[128];
		unsigned invite_valid_days;
		unsigned reset_valid_minutes; /* a password-reset link's lifetime */
		unsigned retry_hours;         /* temporary failures are retried this long */
		unsigned retry_base_secs;     /* first back-off; doubles per attempt, max 1 h */
		unsigned poll_ms;             /* mailer's look at the outbox when idle */
		unsigned lease_secs; /* a claimed message is another's to send after this */
	} mail;
	/* gatehouse-hooks: webhook deliveries. */
	struct {
		unsigned poll_ms;         /* a look at new changes and due deliveries when idle */
		unsigned lease_secs;      /* a claimed delivery is another's after this */
		unsigned retry_base_secs; /* back-off unit: 1, 60, 360, 1440, 3600, 7200 times it */
		unsigned give_up_hours; /* a delivery, and an endpoint, failing this long: failed */
		unsigned timeout_secs;  /* one POST */
		int allow_private;      /* http:// and private addresses (a dev stack only) */
	} hooks;
	/* gatehouse-jobs: imports and bulk actions (sql/030). */
	struct {
		unsigned poll_ms, lease_secs;
		unsigned max_bytes, max_rows; /* an import's file */
	} jobs;
	/* Invitation reminders (gatehouse-ctl invitations remind; [portal]). */
	struct {
		unsigned remind_days;        /* the first reminder after; 0: none at all */
		unsigned remind_before_days; /* the second this long before the end; 0: none */
	} invite;
	/* The audit trail (issue 15). */
	struct {
		unsigned retain_days; /* entries older go (gatehouse-ctl audit purge) */
	} audit;
	/* People who leave (issue 15): [people] restore_days, [portal] and
	 * [office] dormant_days. */
	struct {
		unsigned restore_days;        /* deleted users restorable this long */
		unsigned portal_dormant_days; /* 0: off */
		unsigned office_dormant_days; /* 0: off */
	} people;
	/* OAuth2 clients for office users' Google and Office 365 mail
	 * (XOAUTH2); empty until the operator registers them. */
	struct {
		char google_client_id[256], google_client_secret[256];
		char microsoft_client_id[256], microsoft_client_secret[256];
	} oauth;
	struct conf_responder {
		char listen[512];
		unsigned threads;        /* requests in flight; idle connections hold none */
		unsigned tenant_share;   /* % of threads one tenant may hold (share.h) */
		unsigned tenant_wait_ms; /* how long a request past its share waits */
		unsigned memory_mb;      /* the RSS the responder comes back to (mem.h) */
	} settings, portal, feed;
};

/* Key i of the table of every key the file may hold (its section and
 * name), for the documentation test; -1 past the last. */
int conf_key(size_t i, const char **section, const char **name);

/* Fills c with defaults, then the file's values.  On failure returns -1 and
 * writes a message naming the line into err. */
int conf_load(const char *path, struct conf *c, char *err, size_t errsz);

#endif
