/* Portal users from a CSV file (pimport.h). */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "invite.h"
#include "pimport.h"
#include "valid.h"

#define SITES_MAX 100

/* Each column's header, as compared: lowercase letters and digits only. */
static const struct {
	const char *key;
	enum pimport_col col;
} headers[] = {
	{"email", PI_EMAIL},
	{"login", PI_EMAIL},
	{"emailaddress", PI_EMAIL},
	{"company", PI_COMPANY},
	{"companyname", PI_COMPANY},
	{"customername", PI_COMPANY},
	{"customer", PI_CUSTOMER},
	{"customernumber", PI_CUSTOMER},
	{"customerno", PI_CUSTOMER},
	{"customerid", PI_CUSTOMER},
	{"firstname", PI_FIRST},
	{"lastname", PI_LAST},
	{"name", PI_NAME},
	{"group", PI_GROUP},
	{"permissiongroup", PI_GROUP},
	{"sites", PI_SITES},
	{"site", PI_SITES},
};

static void header_key(const char *s, char *out, size_t sz)
{
	size_t n = 0;

	for (; *s != '\0' && n + 1 < sz; s++)
		if (isalnum((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

const char *pimport_header(struct pimport *p, char *buf, size_t sz)
{
	const struct csv_row *h = &p->t->rows[0];
	char key[64];

	for (int c = 0; c < PI_NCOLS; c++)
		p->col[c] = -1;
	for (size_t i = 0; i < h->n; i++) {
		size_t k;
		header_key(h->f[i], key, sizeof key);
		if (key[0] == '\0')
			continue; /* an empty column, as spreadsheets leave */
		for (k = 0; k < sizeof headers / sizeof headers[0]; k++)
			if (strcmp(key, headers[k].key) == 0)
				break;
		if (k == sizeof headers / sizeof headers[0]) {
			snprintf(buf, sz,
				 "The header's column \"%.60s\" is not one the import knows: use "
				 "email, company or customer, first name, last name, group, sites.",
				 h->f[i]);
			return buf;
		}
		if (p->col[headers[k].col] >= 0) {
			snprintf(buf, sz, "The header names \"%.60s\" twice.", h->f[i]);
			return buf;
		}
		p->col[headers[k].col] = (int)i;
	}
	if (p->col[PI_EMAIL] < 0)
		return "The first line must be the header, with an email column.";
	if (p->col[PI_COMPANY] < 0 && p->col[PI_CUSTOMER] < 0)
		return "The header needs a company or a customer (number) column.";
	if (p->t->nrows < 2)
		return "The file has a header but no portal users.";
	return NULL;
}

/* Row i's field c, trimmed into out (size sz): "" when absent. */
static const char *field(const struct pimport *p, size_t i, enum pimport_col c, char *out,
			 size_t sz)
{
	const struct csv_row *r = &p->t->rows[i];
	const char *s;
	size_t n;

	out[0] = '\0';
	if (p->col[c] < 0 || (size_t)p->col[c] >= r->n)
		return out;
	s = r->f[p->col[c]];
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	snprintf(out, sz, "%.*s", (int)n, s);
	return out;
}

/* The row's email, checked and lowercased into out; NULL or a message. */
static const char *row_email(const struct pimport *p, size_t i, char *out, size_t sz)
{
	char raw[300];
	struct val_value v;
	const char *err;

	field(p, i, PI_EMAIL, raw, sizeof raw);
	if (raw[0] == '\0')
		return "No email.";
	memset(&v, 0, sizeof v);
	if ((err = val_email(raw, strlen(raw), &v)) == NULL)
		snprintf(out, sz, "%s", v.str);
	free(v.str);
	return err;
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

int pimport_prepare(struct pimport *p)
{
	size_t n = p->t->nrows, cap = 16;
	size_t *slot;
	char(*emails)[256];
	int rc = -1;

	while (cap < 2 * n)
		cap *= 2;
	p->first = calloc(n, sizeof *p->first);
	slot = calloc(cap, sizeof *slot); /* row + 1; 0: empty */
	emails = calloc(n, sizeof *emails);
	if (p->first == NULL || slot == NULL || emails == NULL)
		goto out;
	for (size_t i = 1; i < n; i++) {
		p->first[i] = i;
		if (row_email(p, i, emails[i], sizeof emails[i]) != NULL)
			continue;
		for (size_t k = hash(emails[i]) & (cap - 1);; k = (k + 1) & (cap - 1)) {
			if (slot[k] == 0) {
				slot[k] = i + 1;
				break;
			}
			if (strcmp(emails[slot[k] - 1], emails[i]) == 0) {
				p->first[i] = slot[k] - 1;
				break;
			}
		}
	}
	rc = 0;
out:
	free(slot);
	free(emails);
	return rc;
}

void pimport_free(struct pimport *p)
{
	if (p == NULL)
		return;
	free(p->first);
	p->first = NULL;
}

/* What a line asks for, resolved against the tenant's rows. */
struct want {
	char email[255], company[801], name[401];
	unsigned customer_id, group_id; /* group 0: not given */
	int sites_given, all_sites;
	unsigned sites[SITES_MAX];
	size_t nsites;
};

/* The customer of row i (by number, or by exact name): NULL or a message
 * in msg. */
static const char *row_customer(struct pimport *p, size_t i, struct want *w, char *msg, size_t sz,
				enum db_result *rc)
{
	char num[40], name[260];
	unsigned n = 0;

	field(p, i, PI_CUSTOMER, num, sizeof num);
	field(p, i, PI_COMPANY, name, sizeof name);
	if (num[0] != '\0') {
		char *end;
		unsigned long id = strtoul(num, &end, 10);
		if (*end != '\0' || id == 0 || id > 0xffffffffu) {
			snprintf(msg, sz, "The customer number \"%.40s\" is not a number.", num);
			return msg;
		}
		*rc = db_import_customer(p->db, p->tenant->id, NULL, (unsigned)id, &n,
					 &w->customer_id, w->company, sizeof w->company);
		if (*rc == DB_OK && n == 0) {
			snprintf(msg, sz, "No customer has the number %lu.", id);
			return msg;
		}
		return NULL;
	}
	if (name[0] == '\0')
		return "No company or customer number.";
	*rc = db_import_customer(p->db, p->tenant->id, name, 0, &n, &w->customer_id, w->company,
				 sizeof w->company);
	if (*rc == DB_OK && n == 0) {
		snprintf(msg, sz, "No customer is called \"%.200s\".", name);
		return msg;
	}
	if (*rc == DB_OK && n > 1) {
		snprintf(msg, sz,
			 "Several customers are called \"%.200s\": give the customer number "
			 "instead.",
			 name);
		return msg;
	}
	return NULL;
}

/* The contact's name: first and last, or name.  NULL or a message. */
static const char *row_name(const struct pimport *p, size_t i, struct want *w, char *msg, size_t sz)
{
	char first[210], last[210], whole[420];
	struct val_value v;
	const char *err;

	field(p, i, PI_FIRST, first, sizeof first);
	field(p, i, PI_LAST, last, sizeof last);
	field(p, i, PI_NAME, whole, sizeof whole);
	if (whole[0] == '\0')
		snprintf(whole, sizeof whole, "%s%s%s", first, first[0] && last[0] ? " " : "",
			 last);
	if (whole[0] == '\0')
		return NULL;
	memset(&v, 0, sizeof v);
	if (strlen(whole) > 200)
		err = "has at most 200 characters";
	else
		err = val_line(whole, strlen(whole), &v);
	if (err == NULL)
		snprintf(w->name, sizeof w->name, "%s", v.str);
	free(v.str);
	if (err != NULL) {
		snprintf(msg, sz, "The name: %s", err);
		return msg;
	}
	return NULL;
}

/* The group and sites a line names.  NULL or a message. */
static const char *row_access(struct pimport *p, size_t i, struct want *w, char *msg, size_t sz,
			      enum db_result *rc)
{
	char group[410], sites[2000], *s, *next;
	unsigned n;

	if (field(p, i, PI_GROUP, group, sizeof group)[0] != '\0') {
		if ((*rc = db_import_group(p->db, p->tenant->id, group, &w->group_id)) != DB_OK)
			return NULL;
		if (w->group_id == 0) {
			snprintf(msg, sz, "No permission group is called \"%.200s\".", group);
			return msg;
		}
	}
	if (field(p, i, PI_SITES, sites, sizeof sites)[0] == '\0')
		return NULL;
	w->sites_given = 1;
	if (strcasecmp(sites, "all") == 0) {
		w->all_sites = 1;
		return NULL;
	}
	for (s = sites; s != NULL; s = next) {
		char *e;
		if ((next = strchr(s, '|')) != NULL)
			*next++ = '\0';
		while (*s == ' ')
			s++;
		for (e = s + strlen(s); e > s && e[-1] == ' ';)
			*--e = '\0';
		if (*s == '\0')
			continue;
		if (w->nsites == SITES_MAX)
			return "More than 100 sites.";
		if ((*rc = db_import_site(p->db, p->tenant->id, w->customer_id, s, &n,
					  &w->sites[w->nsites])) != DB_OK)
			return NULL;
		if (n != 1) {
			snprintf(msg, sz,
				 n == 0 ? "%.200s has no site called \"%.200s\"."
					: "%.200s has several sites called \"%.200s\".",
				 w->company, s);
			return msg;
		}
		w->nsites++;
	}
	return NULL;
}

/* Whether the user's sites are those w names. */
static enum db_result same_sites(struct pimport *p, const struct db_import_user *u,
				 const struct want *w, int *same)
{
	unsigned have[SITES_MAX + 1];
	size_t n = 0;
	enum db_result rc;

	*same = 0;
	if (w->all_sites || u->all_sites) {
		*same = w->all_sites == u->all_sites;
		return DB_OK;
	}
	if ((rc = db_user_sites(p->db, u->id, have, SITES_MAX + 1, &n)) != DB_OK)
		return rc;
	if (n != w->nsites)
		return DB_OK;
	for (size_t i = 0; i < w->nsites; i++) {
		size_t k;
		for (k = 0; k < n && have[k] != w->sites[i]; k++)
			;
		if (k == n)
			return DB_OK;
	}
	*same = 1;
	return DB_OK;
}

static enum db_result audit(struct pimport *p, const char *action, unsigned user_id,
			    const struct want *w, const char *before, const char *after)
{
	char target[1100];
	struct db_audit a = {
		.tenant_id = p->tenant->id,
		.actor_kind = DB_ACTOR_OFFICE,
		.actor_id = p->job->office_user_id,
		.actor_email = p->job->actor_email,
		.action = action,
		.target_kind = "portal_user",
		.target_id = user_id,
		.target = target,
		.old_value = before,
		.new_value = after,
		.request_id = p->job->request_id,
		.ip = p->job->ip,
	};

	snprintf(target, sizeof target, "%s <%s>", w->company, w->email);
	return db_audit(p->db, &a);
}

/* A new portal user: added, given its group, sites and contact, invited
 * while the portal is on. */
static enum db_result create(struct pimport *p, size_t i, struct want *w, char *msg, size_t sz)
{
	unsigned id = 0;
	size_t added = 0;
	char after[300];
	enum db_result rc;

	int all = !w->sites_given || w->all_sites;

	if ((rc = db_import_user_add(p->db, p->tenant->id, w->customer_id, w->company, w->email,
				     w->group_id, all, &id)) != DB_OK ||
	    (!all && (rc = db_user_sites_set(p->db, p->tenant->id, id, 0, w->sites, w->nsites,
					     &added)) != DB_OK))
		return rc;
	if (w->name[0] != '\0' && (rc = db_import_contact(p->db, p->tenant->id, w->customer_id,
							  w->name, w->email, id)) != DB_OK)
		return rc;
	if (p->tenant->portal_enabled &&
	    (rc = invite_enqueue(p->db, p->conf, p->tenant, id, w->company, w->email)) != DB_OK)
		return rc;
	snprintf(after, sizeof after, "imported from %s, line %zu", p->job->title,
		 p->t->rows[i].line);
	snprintf(msg, sz, "%s",
		 p->tenant->portal_enabled ? "Added and invited."
					   : "Added (not invited: the Client "
					     "Portal is off).");
	return audit(p, "portal_user.add", id, w, NULL, after);
}

/* An existing user of the same customer: what differs, changed. */
static enum db_result update(struct pimport *p, const struct db_import_user *u, struct want *w,
			     int apply, enum db_job_outcome *out, char *msg, size_t sz)
{
	int same = 1, changes = 0, active = 1, reports = 0;
	unsigned gid = 0;
	size_t added = 0;
	char what[100] = "";
	enum db_result rc;

	if (w->sites_given && (rc = same_sites(p, u, w, &same)) != DB_OK)
		return rc;
	changes = (w->group_id != 0 && w->group_id != u->group_id) | (!same) << 1 |
		  (w->name[0] != '\0' && strcmp(w->name, u->contact) != 0) << 2;
	/* What differs, in the report's words: "group, sites, name". */
	snprintf(what, sizeof what, "%s%s%s%s%s", changes & 1 ? "group" : "",
		 (changes & 1) && (changes & 6) ? ", " : "", changes & 2 ? "sites" : "",
		 (changes & 2) && (changes & 4) ? ", " : "", changes & 4 ? "name" : "");
	if (changes == 0) {
		*out = DB_JOB_SKIP;
		snprintf(msg, sz, "Has portal access already, as the file says.");
		return DB_OK;
	}
	*out = DB_JOB_UPDATE;
	snprintf(msg, sz, apply ? "Changed: %s." : "Would change: %s.", what);
	if (!apply)
		return DB_OK;
	if ((changes & 1) && ((rc = db_portal_access_get(p->db, p->tenant->id, u->id, &gid, &active,
							 &reports)) != DB_OK ||
			      (rc = db_portal_access_set(p->db, p->tenant->id, u->id, w->group_id,
							 active, reports)) != DB_OK))
		return rc;
	if ((changes & 2) && (rc = db_user_sites_set(p->db, p->tenant->id, u->id, w->all_sites,
						     w->sites, w->nsites, &added)) != DB_OK)
		return rc;
	if ((changes & 4) && (rc = db_import_contact(p->db, p->tenant->id, w->customer_id, w->name,
						     w->email, u->id)) != DB_OK)
		return rc;
	return audit(p, "portal_user.update", u->id, w, "", msg);
}

enum db_result pimport_row(struct pimport *p, size_t i, int apply, enum db_job_outcome *out,
			   char *subject, size_t subject_sz, char *msg, size_t msg_sz)
{
	struct want w;
	struct db_import_user u;
	enum db_result rc = DB_OK;
	const char *bad;

	memset(&w, 0, sizeof w);
	*out = DB_JOB_ERROR;
	msg[0] = '\0';
	field(p, i, PI_EMAIL, subject, subject_sz);
	if ((bad = row_email(p, i, w.email, sizeof w.email)) != NULL) {
		snprintf(msg, msg_sz, "%s", bad);
		return DB_OK;
	}
	snprintf(subject, subject_sz, "%s", w.email);
	if (p->first[i] != i) {
		snprintf(msg, msg_sz, "The same email is on line %zu already.",
			 p->t->rows[p->first[i]].line);
		return DB_OK;
	}
	if ((bad = row_customer(p, i, &w, msg, msg_sz, &rc)) != NULL || rc != DB_OK ||
	    (bad = row_name(p, i, &w, msg, msg_sz)) != NULL ||
	    (bad = row_access(p, i, &w, msg, msg_sz, &rc)) != NULL || rc != DB_OK) {
		if (bad != NULL && bad != msg)
			snprintf(msg, msg_sz, "%s", bad);
		return rc;
	}
	rc = db_import_user(p->db, p->tenant->id, w.email, apply, &u);
	if (rc == DB_OK) {
		if (u.customer_id != w.customer_id) {
			snprintf(msg, msg_sz,
				 "This email has portal access with another customer "
				 "(%.200s).",
				 u.company);
			return DB_OK;
		}
		return update(p, &u, &w, apply, out, msg, msg_sz);
	}
	if (rc != DB_NOTFOUND)
		return rc;
	*out = DB_JOB_CREATE;
	if (w.group_id == 0 &&
	    (rc = db_import_group_default(p->db, p->tenant->id, &w.group_id)) != DB_OK)
		return rc;
	if (!apply) {
		snprintf(msg, msg_sz, "%s",
			 p->tenant->portal_enabled ? "Would be added and invited."
						   : "Would be added (not invited: the Client "
						     "Portal is off).");
		return DB_OK;
	}
	return create(p, i, &w, msg, msg_sz);
}
