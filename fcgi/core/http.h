/* One request: parsed input, session, validated fields, and the response
 * being built.  Pages are declared as struct page (route, fields, needs,
 * handlers); the core does everything around the handler. */
#ifndef GH_HTTP_H
#define GH_HTTP_H

#include <fcgiapp.h>
#include <libxml/tree.h>

#include "auth.h"
#include "conf.h"
#include "db.h"
#include "req.h"
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

enum page_auth {
	PAGE_PUBLIC = 0,
	PAGE_OFFICE,        /* a signed-in office user (settings levels apply) */
	PAGE_OFFICE_STAGE,  /* an office session at any stage (the MFA pages) */
	/* Portal pages (/portal/<slug>/...): the core loads the slug's tenant
	 * (404 if none), frames the page for the tenant's origins only, and
	 * loads the portal session if there is one. */
	PAGE_PORTAL_PUBLIC, /* anyone; forms are bound to the pre-session cookie */
	PAGE_PORTAL_STAGE,  /* a portal session at any stage (the MFA pages) */
	PAGE_PORTAL,        /* a signed-in portal session (stage full) */
};

struct http;

struct page {
	const char *path; /* exact match */
	const char *name; /* stylesheet, schema and content element */
	const char *title;
	unsigned methods;
	enum page_auth auth;
	int need_view; /* settings level (enum db_perm) to GET */
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
	/* A GET's HTML may be kept in the render cache (rcache.h).  Set only
	 * for pages that show no secret (no MFA seed, no one-time password):
	 * a kept page lives in memory until evicted. */
	int memo;
};

#define HTTP_MAX_COOKIES 4

struct http {
	FCGX_Request *fr;
	const struct conf *conf;
	struct db *db;
	const struct page *page;
	const struct page *const *pages; /* the responder's table, for the menu */

	char rid[17];
	char slug[64]; /* the path's "*" segment (a tenant slug), if the route has one */
	char ua_buf[256];   /* the User-Agent, printable ASCII, at most 255 bytes */
	char path_log[256]; /* the path as logged: control bytes replaced */
	unsigned method;
	const char *path, *addr, *ua;
	struct req_pairs query, form, cookies;
	int want_xml;

	/* Portal pages: the slug's tenant, and the portal session if any. */
	int have_tenant, portal_in;
	int cookie_refused; /* a portal form came back without the pre-session cookie */
	void *page_ctx;     /* a page's own state from its POST to its re-render */
	struct db_tenant tenant;
	struct db_portal_session psess;

	/* Session (when signed in). */
	int signed_in;
	struct db_session sess;
	unsigned char token_hash[32];
	char csrf[AUTH_CSRF_LEN + 1];

	/* Validated fields, in the order of the page's tables. */
	struct val_value *q, *f;
	size_t form_errors;

	/* Response. */
	int status;
	long long retry_after;
	char location[2048]; /* a list view's query, its filter encoded, fits */
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
	const char *cache; /* for the log: "hit" or "miss" (render cache), "-" */
};

/* Adds <notice kind="...">text</notice> to the page. */
void http_notice(struct http *h, const char *kind, const char *text);
/* Queues a Set-Cookie header (value already safe: token alphabet only).
 * samesite "None" (the portal, framed on the tenant's site) also makes the
 * cookie Secure and Partitioned (CHIPS), as third-party frames need. */
void http_set_cookie(struct http *h, const char *name, const char *value, const char *path,
		     long long max_age, const char *samesite);
/* Portal pages: the session cookie's path, "/portal/<slug>/". */
void http_portal_path(const struct http *h, char *out, size_t outsz);
/* Sets h->location to path (a local path); returns PAGE_REDIRECT. */
enum page_result http_redirect(struct http *h, const char *path);
/* The audit entry for a change by the signed-in user. */
enum db_result http_audit(struct http *h, const char *action, const char *target,
			  const char *old_value, const char *new_value);
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
/* Ends a handler's transaction: when rc is DB_OK, commits and redirects to
 * location; otherwise (or when the commit fails) rolls back and maps rc. */
enum page_result http_txn_end(struct http *h, enum db_result rc, const char *location);
/* Maps a database failure to a page result. */
enum page_result http_db_fail(enum db_result rc);

/* Handles one accepted request end to end (parse, auth, validate, handler,
 * render, log).  Never fails: every problem becomes an error response. */
void http_handle(FCGX_Request *fr, const struct conf *c, struct db *db,
		 const struct page *const *pages);

/* Cookie names. */
#define HTTP_COOKIE_OFFICE "gh_office"
#define HTTP_COOKIE_PRE "gh_pre"
#define HTTP_COOKIE_PORTAL "gh_portal"

#endif
