/* gatehouse-feed: a tenant's data as XML for partner systems, opened by
 * API keys (apikey.h).  feed.c takes a request from the path to the
 * answer's headers; docs.c writes each document as its rows arrive. */
#ifndef GH_FEED_FEED_H
#define GH_FEED_FEED_H

#include <fcgiapp.h>
#include <libxml/xmlwriter.h>
#include <stdint.h>

#include "apikey.h"
#include "conf.h"
#include "cursor.h"
#include "db.h"
#include "req.h"

/* The documents under /feed/<slug>/ (a cursor names one: keep the numbers). */
enum feed_doc {
	FEED_NONE = 0,
	FEED_PORTAL_USERS,
	FEED_CUSTOMERS,
	FEED_GROUPS,
	FEED_OFFICE_USERS,
	FEED_INVOICES,
	FEED_ESTIMATES,
	FEED_JOBS,
	FEED_DOCUMENTS,
	FEED_EQUIPMENT,
	FEED_CHANGES,
	FEED_AUDIT,
	FEED__COUNT
};

struct feed_doc_def {
	const char *path;  /* after /feed/<slug>/ */
	const char *root;  /* the document's element, and its schema's name */
	unsigned scope;    /* the key's scope it needs (enum apikey_scope) */
	unsigned resource; /* enum db_feed_resource; 0: the change log */
	const char *kind;  /* records: customer_records.kind */
};
/* Indexed by enum feed_doc (entry 0 empty). */
extern const struct feed_doc_def feed_docs[FEED__COUNT];

#define FEED_LIMIT_DEFAULT 100
#define FEED_LIMIT_MAX 1000
#define FEED_SCHEMA_VERSION "v1"

/* One request. */
struct feed {
	FCGX_Request *fr;
	const struct conf *conf;
	struct db *db;
	char rid[17], path_log[256], slug[64];
	const char *path, *addr;
	const char *method;
	int head_only; /* HEAD: the headers, no body */
	enum feed_doc doc;
	struct apikey_grant key;
	struct req_pairs query;
	unsigned limit;
	int have_after;
	struct feed_cursor after;
	struct db_feed_head head;
	uint64_t snap; /* the change cursor a snapshot is consistent with */
	char etag[40];
	unsigned share_tenant;

	/* The answer. */
	int status;
	size_t bytes_out;
	xmlTextWriterPtr w;
	int failed;          /* the client went away, or the writer failed */
	unsigned rows;       /* resources written (part-0 rows) */
	unsigned last_id;    /* the last resource's id (a snapshot's next page) */
	uint64_t last_audit; /* the audit document's last entry */
	unsigned open_id;    /* the resource whose element is open, 0: none */
	unsigned res;        /* the resource being written (enum db_feed_resource) */
	unsigned only_id;    /* a change's resource: only this id's rows */
	int found;           /* only_id's resource was written */
};

/* docs.c: the rows of each resource, written as they come (the
 * db_feed_page / db_feed_records callbacks; ctx is the struct feed). */
int feed_row(void *ctx, const void *row);
/* Closes the resource element left open by the last row. */
void feed_close(struct feed *f);
/* The name of resource r (enum db_feed_resource) in the documents:
 * "portal-user", ...; "" for none. */
const char *feed_resource_name(unsigned r);
/* One change: <change seq op resource id at cursor> with the resource's
 * state now (absent for a delete, and when it is gone since: its delete
 * follows); the webhooks' events hold one each.  f->w must be open. */
enum db_result feed_write_change(struct feed *f, const struct db_feed_change *c);
/* The change log's page (FEED_CHANGES), after the document began. */
enum db_result feed_write_changes(struct feed *f);

/* feed.c: the schemas read, before the threads (struct responder's init):
 * 0, or -1 when one cannot be read. */
int feed_init(const struct conf *c);
/* feed.c: one request, start to end (struct responder's handle). */
struct responder;
void feed_handle(FCGX_Request *fr, const struct conf *c, struct db *db, const struct responder *r);

/* feed.c: the answer's start (status 200, the headers, the XML
 * declaration and the root element with its attributes).  -1 if the
 * client is gone. */
int feed_begin(struct feed *f);

#endif
