/* The client portal's record sections (Invoices, Estimates, Jobs,
 * Documents, Equipment): one engine, one stylesheet ("portal-records"), a
 * table of the sections that differ only in data (sections.c) and jobs.c. */
#ifndef GH_PORTAL_RECORDS_H
#define GH_PORTAL_RECORDS_H

#include "http.h"

struct rec_kind {
	const char *kind;      /* customer_records.kind: "invoice", ... */
	const char *section;   /* URL segment and XML section: "invoices" */
	const char *perm;      /* portal permission to see the section */
	const char *act_perm;  /* permission for the action; NULL: none */
	const char *action;    /* the form's action value: "pay", ... */
	const char *from, *to; /* the status move an action makes (pay, approve) */
};

/* Fills <portal-records> with the records of k the session may see;
 * only_id nonzero: that one record, PAGE_NOT_FOUND when it is another
 * customer's or on a site not granted.  PAGE_FORBIDDEN without k->perm. */
enum page_result records_get(struct http *h, xmlNodePtr root, const struct rec_kind *k,
			     unsigned only_id);

/* A status move (pay, approve) on record id, in one transaction with its
 * audit entry: 403 without k->act_perm, 404 when not visible, 409 when the
 * record is no longer in status k->from.  Redirects to the record. */
enum page_result records_move(struct http *h, const struct rec_kind *k, unsigned id);

/* The sections' shared query (?id=N) and action form (action, id), by
 * index RECORDS_ID / RECORDS_ACTION. */
enum { RECORDS_ID };
extern const struct val_field records_query[];
extern const size_t records_nquery;
enum { RECORDS_ACTION, RECORDS_FORM_ID };
extern const struct val_field records_form[];
extern const size_t records_nform;

/* A section page's handlers: the list or ?id=N, and the action k->action
 * (400 for any other). */
enum page_result records_page_get(struct http *h, xmlNodePtr root, const struct rec_kind *k);
enum page_result records_page_post(struct http *h, const struct rec_kind *k);

/* Whether the session may act: a signed-in user (not a token link) whose
 * group grants k->act_perm. */
int records_may_act(const struct http *h, const struct rec_kind *k);

#endif
