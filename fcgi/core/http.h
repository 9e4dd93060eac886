/* One request: parsed input, session, validated fields, and the response
 * being built.  Pages are declared as struct page (route, fields, needs,
 * handlers); a responder (struct responder) declares its pages and its own
 * sign-in rules; the core (http.c) runs every request through the same
 * named steps and does everything around the handler. */
#ifndef GH_HTTP_H
#define GH_HTTP_H

#include <fcgiapp.h>
#include <libxml/tree.h>

#include "auth.h"
#include "conf.h"
#include "db.h"
#include "req.h"
#include "tz.h"
#include "valid.h"

#define HTTP_GET 0x1u
#define HTTP_POST 0x2u

enum page_result {
	PAGE_OK = 0,       /* render the page (status from h->status, default 200) */
	PAGE_REDIRECT,     /* 303 to h->location */
	PAGE_INVALID,      /* re-render the form: 422 with per-field messages */
	PAGE_BAD_REQUEST,  /* 400 */
	PAGE_UNAUTHORIZED, /* 401 */
	PAGE_FORBIDDEN,    /* 403 */
	PAGE_NOT_FOUND,    /* 404 */
	PAGE_CONFLICT,     /* 409: the change would break a rule (h->error_msg says which) */
	PAGE_THROTTLED,    /* 429; h->retry_after seconds */
	PAGE_BUSY,         /* 503; h->retry_after seconds */
	PAGE_UNAVAILABLE,  /* 503: database unreachable */
	PAGE_ERROR,        /* 500 */
};

/* Who may open a page; what "signed in" means is the responder's
 * (struct responder): an office user of the tenant, or a portal user or
 * token link of the slug's tenant. */
enum page_auth {
	PAGE_PUBLIC = 0, /* anyone; its forms are bound to the pre-session cookie */
	PAGE_STAGE,      /* a session at any sign-in stage (the MFA pages) */
	PAGE_SIGNED_IN,  /* a session that has passed every stage */
};

/* How far a session has come in signing in (sessions.stage). */
enum sign_in {
	SIGN_IN_NONE = 0, /* no session */
	SIGN_IN_ENROL,    /* the password passed; MFA must be set up first */
	SIGN_IN_MFA,      /* the password passed; an MFA code is owed */
	SIGN_IN_FULL,     /* signed in */
};
/* The stage stored as text ("full", "mfa", "enrol"); SIGN_IN_NONE if other. */
enum sign_in http_sign_in(const char *stored);
/* The text stored for a stage. */
const char *http_sign_in_name(enum sign_in s);

struct http;

struct page {
	const char *path; /* exact match; a "*" segment matches a tenant slug */
	const char *name; /* stylesheet, schema and content element */
	const char *title;
	unsigned methods;
	enum page_auth auth;
	int need_view; /* settings level (enum db_perm) to GET (the settings responder) */
	int need_edit; /* settings level to POST */
	const struct val_field *query;
	size_t nquery;
	const struct val_field *form;
	size_t nform;
	/* Fills the page's content under root.  Also called to re-render a
	 * form after an invalid POST (h->form_errors > 0). */
	enum page_result (*get)(struct http *h, xmlNodePtr root);
	/* Applies a valid POST; usually ends in PAGE_REDIRECT. */
	enum page_result (*post)(struct http *h);
	/* Nonzero when a POST is an in-form action (a button such as "Enable
	 * All" that brings the form back changed, saving nothing): the core
	 * then skips post() and re-renders the form (200) with every field as
	 * typed, secrets included, and no field errors, so that nothing typed
	 * is lost (h->carry).  NULL: the page has none. */
	int (*action)(const struct http *h);
	const char *menu_section; /* NULL: not in the menu */
	/* A number the menu shows after the title ("Inbox (3)"), asked for
	 * each time the menu is built, on every page of the responder: best
	 * read with the session, never a statement of its own.  *n 0: none
	 * shown.  NULL: the page has none. */
	enum db_result (*menu_count)(struct http *h, unsigned *n);
	/* A GET's HTML may be kept in the render cache (rcache.h).  Set only
	 * for pages that show no secret (no MFA seed, no one-time password):
	 * a kept page lives in memory until evicted. */
	int memo;
	/* A memo page's answer to a GET, as a function of the session, the
	 * query and what this reads (versions of the data the page shows that
	 * move whenever any of it does): the core reads it before building the
	 * page and, when the render cache holds the answer kept under those,
	 * sends it without building the page (the page memo: one statement
	 * instead of the page's).  Read first, so a change made while the page
	 * is built only makes the kept answer one no request asks for again.
	 * DB_NOTFOUND: this view is not kept so (what it shows moves with time,
	 * or has no version); the page is built as usual.  A page that finds
	 * it shows something time will change calls http_memo_off.  NULL: the
	 * page has none. */
	enum db_result (*memo_version)(struct http *h, uint64_t v[2]);
	/* The POST runs in one transaction the core owns: begun before post(),
	 * committed when it redirects, rolled back otherwise.  The handler
	 * only runs statements: after a deadlock (on Galera also a
	 * certification failure) the core rolls back and calls post() again,
	 * up to 3 times, so it must do nothing outside the transaction that
	 * a second call would repeat. */
	int txn;
	/* get() always redirects or fails: the page has no stylesheet. */
	int redirects_only;
	/* In place of get(): a GET that writes its own answer as it reads it
	 * (an export), headers and body onto h->fr->out, its memory outside
	 * the request pool (pool_pause), setting h->status and h->bytes_out
	 * for the log.  PAGE_OK once answered; any other result, returned
	 * before anything was written, is answered as an error page.  Such a
	 * page has no stylesheet. */
	enum page_result (*stream)(struct http *h);
	/* Nonzero: a POST may also come as multipart/form-data holding one
	 * file of at most this many bytes (a val_file field; its name in
	 * h->upload_name), the whole body at most that plus the limits'
	 * body_max. */
	size_t upload_max;
};

/* Both field tables of a page at once: .query/.nquery, .form/.nform. */
#define PAGE_QUERY(t) .query = (t), .nquery = sizeof(t) / sizeof((t)[0])
#define PAGE_FORM(t) .form = (t), .nform = sizeof(t) / sizeof((t)[0])

/* The steps' answer: go on, or an answer has been sent. */
enum http_step { HTTP_NEXT = 0, HTTP_DONE };

/* A responder: its name, its config section, its route table and how a
 * request of it is signed in.  main.c of each responder fills one and hands
 * it to server_main; the core holds no rule of either product. */
enum server_kind {
	SERVER_SETTINGS,
	SERVER_PORTAL,
	SERVER_FEED
}; /* which [section] of the config */
struct responder {
	const char *name; /* "gatehouse-settings": logs and usage */
	enum server_kind kind;
	unsigned db_role;                /* DB_ROLE_*: the statements it prepares and may run */
	const struct page *const *pages; /* NULL-terminated; menu order is table order */
	/* The MAC purpose of its sessions' CSRF tokens ("office", "portal"). */
	const char *csrf_purpose;
	/* The pre-session cookie's SameSite ("Strict"; "None" where pages are
	 * framed by other sites). */
	const char *pre_samesite;
	/* A public form that comes back without the pre-session cookie (a
	 * browser refusing storage in a third-party frame) is answered with
	 * the form and a note to open it in a tab of its own. */
	int explain_refused_cookie;
	/* Loads the session named by the request's cookie, and whatever else
	 * every page of the responder needs first (the portal: the slug's
	 * tenant); sets h->stage, h->user_id, h->csrf, h->token_hash,
	 * h->time_zone.  PAGE_OK goes on; any other result is the answer
	 * (PAGE_NOT_FOUND, PAGE_UNAVAILABLE; h->error_msg may say why). */
	enum page_result (*session)(struct http *h);
	/* Whether the session may open h->page (its auth, the responder's
	 * levels): PAGE_OK, or the refusal (PAGE_REDIRECT to sign in,
	 * PAGE_UNAUTHORIZED, PAGE_FORBIDDEN; h->error_msg says why). */
	enum page_result (*admit)(struct http *h);
	/* The responder's part of every page's envelope (session, menu). */
	void (*envelope)(struct http *h, xmlNodePtr root);
	/* A digest of everything the session step read that a page may show
	 * or decide by (the page memo's key: struct page .memo_version); NULL:
	 * the responder's pages are not kept so. */
	void (*session_key)(const struct http *h, unsigned char key[32]);
	/* A responder without pages (the feed: XML documents streamed, keys
	 * not sessions) handles each request itself, in place of
	 * http_handle; pages is then NULL. */
	void (*handle)(FCGX_Request *fr, const struct conf *c, struct db *db,
		       const struct responder *r);
	/* The responder's own start-up, before the threads (NULL: none);
	 * nonzero stops the process. */
	int (*init)(const struct conf *c);
};

#define HTTP_MAX_COOKIES 4

struct http {
	FCGX_Request *fr;
	const struct conf *conf;
	struct db *db;
	const struct responder *responder;
	const struct page *page;

	char rid[17];
	char slug[64];         /* the path's "*" segment (a tenant slug), if the route has one */
	char upload_name[256]; /* a multipart POST's file name (page.upload_max), or "" */
	char ua_buf[256];      /* the User-Agent, printable ASCII, at most 255 bytes */
	char path_log[256];    /* the path as logged: control bytes replaced */
	unsigned method;
	const char *path, *addr, *ua;
	struct req_pairs query, form, cookies;
	int want_xml;

	/* The session, as the responder's session step found it. */
	enum sign_in stage;
	unsigned user_id; /* for the log; 0: none */
	unsigned char token_hash[32];
	char csrf[AUTH_CSRF_LEN + 1];
	const char *time_zone;     /* shown dates: the viewer's zone (NULL: none yet) */
	const char *frame_origins; /* who may frame the answer, one per line; NULL: nobody */
	char sign_in_form[96];     /* the responder's sign-in page, named by a 401 */
	/* Office (the settings responder). */
	int signed_in;
	struct db_session sess;
	/* Portal: the slug's tenant, and the portal session if any. */
	int have_tenant, portal_in;
	int cookie_refused; /* a public form came back without the pre-session cookie */
	struct db_tenant tenant;
	struct db_portal_session psess;
	/* The tenant whose share of the threads the request holds (share.h);
	 * 0: none. */
	unsigned share_tenant;

	/* Validated fields, in the order of the page's tables. */
	struct val_value *q, *f;
	size_t form_errors;

	/* State a handler hands from its POST to the re-render of its page
	 * (http_ctx): zeroed, wiped and freed when the request ends. */
	void *ctx;
	size_t ctx_size;
	char *texts[8]; /* http_text's, freed at the end */
	int ntexts;

	/* Response. */
	int status;
	long long retry_after;
	char location[6400]; /* a list view's query fits: its filter encoded, a cursor (list.h) */
	char cookies_out[HTTP_MAX_COOKIES][320];
	int ncookies;
	char notice_kind[4][8];
	char notice_text[4][256];
	int nnotices;
	/* An in-form action's re-render (page.action): <form carry="1">
	 * echoes the secret fields too.  Such an answer is never kept by the
	 * render cache, and its copies of the secrets are wiped when the
	 * request ends. */
	int carry;
	xmlDocPtr doc;
	const char *allow;     /* Allow header for 405 */
	const char *error_msg; /* set by http_bad_request */
	size_t bytes_out;
	const char *cache; /* for the log: "hit" or "miss" (render cache), "page" (memo), "-" */
	/* The page memo's key for this GET (memo_keyed), and whether the page
	 * found it may not be kept under it (http_memo_off). */
	unsigned char memo_key[32];
	int memo_keyed, memo_off;
};

/* The request's own state from a POST to its re-render: size zeroed bytes,
 * the same block for every call of the request (size must not change),
 * wiped (sodium_memzero) and freed by the core when the request ends.  NULL
 * if out of memory. */
void *http_ctx(struct http *h, size_t size);
/* A message made for this request (an error_msg or a field's message that
 * names a value): formatted into memory the request owns, freed when it
 * ends.  A fixed fallback if out of memory. */
const char *http_text(struct http *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The notice a redirect back asks for (?done=, a VAL_CHOICE field): the
 * success notice texts[v->num], on a GET whose field is valid. */
void http_said(struct http *h, const struct val_value *v, const char *const *texts);
/* The zones offered (tz.h) as a <zone> each in a new element name under
 * parent, which is returned: the time-zone choosers.  A chooser's form
 * field is PAGE_TZ_FIELD (empty: the tenant's zone). */
xmlNodePtr page_zones(xmlNodePtr parent, const char *name);
#define PAGE_TZ_FIELD                                                                              \
	{                                                                                          \
		"time_zone", val_tz, TZ_NAME_MAX, 0, "Time zone"                                   \
	}
/* The page being built shows something that time will change (a sign-in
 * lock that ends): its answer is not kept by the page memo. */
void http_memo_off(struct http *h);
/* Adds <notice kind="...">text</notice> to the page. */
void http_notice(struct http *h, const char *kind, const char *text);
/* Queues a Set-Cookie header (value already safe: token alphabet only).
 * samesite "None" (the portal, framed on the tenant's site) also makes the
 * cookie Secure and Partitioned (CHIPS), as third-party frames need. */
void http_set_cookie(struct http *h, const char *name, const char *value, const char *path,
		     long long max_age, const char *samesite);
/* Portal pages: the session cookie's path, "/portal/<slug>/". */
void http_portal_path(const struct http *h, char *out, size_t outsz);
/* A page's stream (struct page .stream): status 200, every answer's
 * headers, ctype, and the body as a download named filename (letters,
 * digits, "-", "_", "." only: it is not escaped). */
void http_stream_start(struct http *h, const char *ctype, const char *filename);
/* Sets h->location to path (a local path); returns PAGE_REDIRECT. */
enum page_result http_redirect(struct http *h, const char *path);
/* The audit entry for a change by the signed-in office user. */
enum db_result http_audit(struct http *h, const char *action, const char *target,
			  const char *old_value, const char *new_value);
/* The same about a target the audit log links to: its kind (struct
 * db_audit) and id. */
enum db_result http_audit_on(struct http *h, const char *action, const char *target_kind,
			     unsigned target_id, const char *target, const char *old_value,
			     const char *new_value);
/* Entry a as its caller filled it (a sign-in, a mailed link: an actor
 * without an office session), with the request's id and address. */
enum db_result http_audit_entry(struct http *h, struct db_audit *a);
/* A session opened and its audit entry a written in one transaction (a
 * sign-in, a token link): open(h, ctx) starts the session and queues its
 * cookie; on any failure nothing is kept, the cookie included.  Run again
 * after a deadlock, up to 3 attempts in all. */
enum db_result http_session_audited(struct http *h,
				    enum db_result (*open)(struct http *h, const void *ctx),
				    const void *ctx, struct db_audit *a);
/* A sign-in's audit detail for the stage it reached: NULL when signed in,
 * else what it still owes ("password; MFA code owed"). */
const char *http_stage_owed(enum sign_in stage);
/* An entry about a user's own account by that user, without a session of
 * its own yet (a sign-in, a mailed link): actor and target are the account
 * (kind DB_ACTOR_OFFICE or DB_ACTOR_PORTAL; user_id 0 when no account
 * matched, email then as typed).  detail: the entry's new value, or NULL. */
enum db_result http_audit_self(struct http *h, unsigned tenant_id, enum db_actor kind,
			       unsigned user_id, const char *email, const char *action,
			       const char *detail);
/* The CSRF token of a form shown before any session: bound to the
 * pre-session cookie, which is set (path cookie_path) when absent. */
void http_pre_csrf(struct http *h, const char *cookie_path, char out[AUTH_CSRF_LEN + 1]);
/* A refused attempt (429): the notice "<what>. Try again in N minutes." and
 * Retry-After from retry seconds. */
enum page_result http_throttled(struct http *h, const char *what, long long retry);
/* A 400 whose error page says msg (a static string). */
enum page_result http_bad_request(struct http *h, const char *msg);
/* Marks form field f (index in the page's form table) invalid with msg and
 * returns PAGE_INVALID: the form comes back with the message. */
enum page_result http_field_error(struct http *h, size_t f, const char *msg);
/* Ends a handler's own transaction (a page without .txn): when rc is DB_OK,
 * commits and redirects to location; otherwise (or when the commit fails)
 * rolls back and maps rc. */
enum page_result http_txn_end(struct http *h, enum db_result rc, const char *location);
/* A page with .txn: DB_OK redirects to location (the core commits), any
 * other result maps to a failure (the core rolls back). */
enum page_result http_done(struct http *h, enum db_result rc, const char *location);
/* Maps a database failure to a page result. */
enum page_result http_db_fail(enum db_result rc);

/* Handles one accepted request end to end (parse, route, session,
 * permission, CSRF, validate, handle, render, log).  Never fails: every
 * problem becomes an error response.  Whatever transaction is still open
 * afterwards is rolled back, so nothing a handler forgot reaches the
 * thread's next request. */
void http_handle(FCGX_Request *fr, const struct conf *c, struct db *db, const struct responder *r);

/* A new request id: 16 hex digits, for the log line and the answer. */
void http_request_id(char out[17]);
/* in (NULL: "") as printable ASCII, others replaced by '?', clipped to
 * sz - 1 bytes: what a log line may carry from a client. */
void http_printable(char *out, size_t sz, const char *in);

/* Cookie names. */
#define HTTP_COOKIE_OFFICE "gh_office"
#define HTTP_COOKIE_PRE "gh_pre"
#define HTTP_COOKIE_PORTAL "gh_portal"

#endif
