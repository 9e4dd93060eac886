/* /settings/api-keys: the tenant's partner API keys (Super Admins only,
 * issue 14).  Create one (name, scopes, optional expiry and address
 * allow-list): the key is shown on the answer to that POST and never
 * again; only its id and the secret's keyed hash are stored (apikey.h).
 * Revoke one: GET ?revoke=ID asks first, its form POSTs op=revoke with
 * confirm=1; a revocation POSTed without it comes back as the question.
 * Roll one (op=roll, grace=0..7 days): a new secret, shown once, while the
 * old one keeps working for the grace period.  Its rate limit (requests a
 * second and burst, 10 and 50 unless the creating form says otherwise):
 * GET ?limit=ID shows its form, which POSTs op=limit. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "apikey.h"
#include "pages.h"
#include "xml.h"

/* A key id as lists show it: 16 characters of lowercase base32. */
static const char *val_key_id(const char *in, size_t len, struct val_value *out)
{
	if (len != APIKEY_ID_LEN || strspn(in, "abcdefghijklmnopqrstuvwxyz234567") != len)
		return "That is not a key id.";
	return val_line(in, len, out);
}

/* A rate or a burst: the columns' range (SMALLINT UNSIGNED), 0 refused. */
static const char *val_rate(const char *in, size_t len, struct val_value *out)
{
	if (val_uint(in, len, out) != NULL || out->num < 1 || out->num > 65535)
		return "Enter a whole number from 1 to 65535.";
	return NULL;
}

enum { Q_DONE, Q_REVOKE, Q_LIMIT };
VAL_CHOICE(done_choice, "Unknown notice.", "revoked", "limited")
static const struct val_field query[] = {
	[Q_DONE] = {"done", done_choice, 10, 0, "Done"},
	[Q_REVOKE] = {"revoke", val_key_id, APIKEY_ID_LEN, 0, "Key"},
	[Q_LIMIT] = {"limit", val_key_id, APIKEY_ID_LEN, 0, "Key"},
};

VAL_CHOICE(op_choice, "Unknown action.", "create", "revoke", "roll", "limit")
enum { OP_CREATE, OP_REVOKE, OP_ROLL, OP_LIMIT };
VAL_CHOICE(grace_choice, "The grace period is 0 to 7 days.", "0", "1", "2", "3", "4", "5", "6", "7")
enum { F_OP, F_NAME, F_EXPIRES, F_ALLOW, F_KEY, F_CONFIRM, F_GRACE, F_RATE, F_BURST, F_SCOPE0 };
static const struct val_field form[] = {
	[F_OP] = {"op", op_choice, 10, VAL_REQUIRED, "Action"},
	[F_NAME] = {"name", val_line, 100, 0, "Name"},
	[F_EXPIRES] = {"expires", val_date, 10, 0, "Expires"},
	[F_ALLOW] = {"allow", val_line, 2000, 0, "Allowed addresses"},
	[F_KEY] = {"key", val_key_id, APIKEY_ID_LEN, 0, "Key"},
	[F_CONFIRM] = {"confirm", val_bool, 1, 0, "Confirm"},
	[F_GRACE] = {"grace", grace_choice, 1, 0, "Old key works for"},
	[F_RATE] = {"rate", val_rate, 5, 0, "Requests a second"},
	[F_BURST] = {"burst", val_rate, 5, 0, "Burst"},
	/* One box a scope, in apikey.h's order. */
	[F_SCOPE0 + 0] = {"scope_portal_users", val_bool, 1, 0, "Portal users"},
	[F_SCOPE0 + 1] = {"scope_customers", val_bool, 1, 0, "Customers and contacts"},
	[F_SCOPE0 + 2] = {"scope_sites", val_bool, 1, 0, "Sites"},
	[F_SCOPE0 + 3] = {"scope_groups", val_bool, 1, 0, "Portal permission groups"},
	[F_SCOPE0 + 4] = {"scope_office_users", val_bool, 1, 0, "Office users"},
	[F_SCOPE0 + 5] = {"scope_records", val_bool, 1, 0, "Records"},
	[F_SCOPE0 + 6] = {"scope_audit", val_bool, 1, 0, "Audit log"},
	[F_SCOPE0 + 7] = {"scope_changes", val_bool, 1, 0, "Changes"},
};

/* What the creating POST hands to its render: the key, shown once (the
 * request's context is wiped when the request ends). */
struct created {
	char key[APIKEY_LEN + 1], id[APIKEY_ID_LEN + 1];
};

struct keys {
	xmlNodePtr parent;
	const char *confirm; /* the key id asked about, or NULL */
	const char *limit;   /* the key whose limit is edited, or NULL */
	int found, limit_found;
};

static int add_key(void *ctx, const struct db_apikey *k)
{
	struct keys *ks = ctx;
	xmlNodePtr e = xml_el(ks->parent, "key");

	xml_attr(e, "id", k->key_id);
	xml_attr(e, "status", k->status);
	xml_attr(e, "created", k->created_at);
	xml_attr_int(e, "rate", (long long)k->rate);
	xml_attr_int(e, "burst", (long long)k->burst);
	if (k->expires_at[0])
		xml_attr(e, "expires", k->expires_at);
	if (k->last_used_at[0])
		xml_attr(e, "last-used", k->last_used_at);
	if (k->last_used_ip[0])
		xml_attr(e, "last-used-from", k->last_used_ip);
	xml_text_el(e, "name", k->name);
	xml_text_el(e, "scopes", k->scopes);
	xml_text_el(e, "created-by", k->created_by);
	if (ks->confirm != NULL && strcmp(ks->confirm, k->key_id) == 0 &&
	    strcmp(k->status, "revoked") != 0) {
		xml_attr(e, "revoke", "1");
		ks->found = 1;
	}
	if (ks->limit != NULL && strcmp(ks->limit, k->key_id) == 0 &&
	    strcmp(k->status, "revoked") != 0) {
		xml_attr(e, "edit-limit", "1");
		ks->limit_found = 1;
	}
	return 0;
}

static enum page_result keys_get(struct http *h, xmlNodePtr root)
{
	static const char *const said[] = {
		"Key revoked: it opens nothing from now on.",
		"Rate limit saved: it holds from the key's next request on.",
	};
	struct created *made = http_ctx(h, sizeof *made);
	struct keys ks = {NULL, NULL, NULL, 0, 0};
	xmlNodePtr page = xml_el(root, "api-keys"), scopes = xml_el(page, "scope-names");
	enum db_result rc;

	for (unsigned i = 0; i < APIKEY_NSCOPES; i++) {
		xmlNodePtr s = xml_text_el(scopes, "scope", form[F_SCOPE0 + i].label);
		xml_attr(s, "name", apikey_scope_name(i));
	}
	ks.parent = page;
	if (h->method == HTTP_GET && h->q[Q_REVOKE].st == VAL_OK)
		ks.confirm = h->q[Q_REVOKE].str;
	else if (h->method == HTTP_POST && h->f[F_OP].num == OP_REVOKE && h->f[F_KEY].st == VAL_OK)
		ks.confirm = h->f[F_KEY].str;
	if (h->method == HTTP_GET && h->q[Q_LIMIT].st == VAL_OK)
		ks.limit = h->q[Q_LIMIT].str;
	else if (h->method == HTTP_POST && h->f[F_OP].num == OP_LIMIT && h->f[F_KEY].st == VAL_OK)
		ks.limit = h->f[F_KEY].str;
	if ((rc = db_apikey_list(h->db, h->sess.tenant_id, add_key, &ks)) != DB_OK)
		return http_db_fail(rc);
	if (ks.confirm != NULL)
		xml_attr_int(page, "confirm", ks.found);
	else if (ks.limit != NULL)
		xml_attr_int(page, "limit", ks.limit_found);
	if (made != NULL && made->key[0] != '\0') {
		xmlNodePtr c = xml_text_el(page, "created", made->key);
		xml_attr(c, "id", made->id);
	}
	if (h->method == HTTP_GET)
		http_said(h, &h->q[Q_DONE], said);
	return PAGE_OK;
}

/* Ends a key's creating or rolling transaction (rc: its statements so
 * far): committed, the page again with the key (the core's re-render of a
 * POST; 201, as something was made) and notice; else nothing kept.  The
 * secret's stored form is wiped either way. */
static enum page_result shown_once(struct http *h, struct created *made, unsigned char *hash,
				   enum db_result rc, const char *notice)
{
	sodium_memzero(hash, APIKEY_HASH_LEN);
	if (rc == DB_OK)
		rc = db_commit(h->db);
	if (rc != DB_OK) {
		db_rollback(h->db);
		sodium_memzero(made, sizeof *made);
		return http_db_fail(rc);
	}
	h->status = 201;
	http_notice(h, "success", notice);
	return PAGE_INVALID;
}

/* A rate field's value, or its default when left empty. */
static unsigned rate_of(const struct http *h, size_t f, unsigned dflt)
{
	return h->f[f].st == VAL_OK ? (unsigned)h->f[f].num : dflt;
}

static enum page_result create(struct http *h)
{
	struct created *made = http_ctx(h, sizeof *made);
	char names[120], allow[2001], until[32] = "", today[11];
	unsigned char hash[APIKEY_HASH_LEN];
	unsigned bits = 0;
	time_t now = time(NULL);
	struct tm tm;
	enum db_result rc;

	if (made == NULL)
		return PAGE_UNAVAILABLE;
	if (h->f[F_NAME].st != VAL_OK || h->f[F_NAME].str[0] == '\0')
		return http_field_error(h, F_NAME,
					"Name the key after the system that will use it.");
	for (unsigned i = 0; i < APIKEY_NSCOPES; i++)
		if (h->f[F_SCOPE0 + i].st == VAL_OK && h->f[F_SCOPE0 + i].num)
			bits |= 1u << i;
	if (bits == 0)
		return http_field_error(h, F_SCOPE0, "Choose what the key may read.");
	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	if (h->f[F_EXPIRES].st == VAL_OK) {
		if (strcmp(h->f[F_EXPIRES].str, today) < 0)
			return http_field_error(h, F_EXPIRES, "That day has passed.");
		snprintf(until, sizeof until, "%s 23:59:59", h->f[F_EXPIRES].str);
	}
	if (apikey_allow_list(h->f[F_ALLOW].st == VAL_OK ? h->f[F_ALLOW].str : "", allow,
			      sizeof allow))
		return http_field_error(h, F_ALLOW,
					"Enter addresses or ranges such as 192.0.2.0/24, separated "
					"by commas.");
	apikey_scopes_format(bits, names, sizeof names);
	apikey_new(made->key, made->id, hash);
	if ((rc = db_begin(h->db)) == DB_OK &&
	    (rc = db_apikey_add(h->db, h->sess.tenant_id, made->id, h->f[F_NAME].str, names, hash,
				allow, h->sess.email, until)) == DB_OK &&
	    (rc = db_apikey_rate(h->db, h->sess.tenant_id, made->id, rate_of(h, F_RATE, 10),
				 rate_of(h, F_BURST, 50))) == DB_OK)
		rc = http_audit(h, "api_key.create", made->id, NULL, names);
	return shown_once(h, made, hash, rc,
			  "Key created. Copy it now: it is shown only this once.");
}

/* A new secret for a key, shown once; the old one works grace days more. */
static enum page_result roll(struct http *h)
{
	struct created *made = http_ctx(h, sizeof *made);
	unsigned grace = h->f[F_GRACE].st == VAL_OK ? (unsigned)h->f[F_GRACE].num : 1;
	unsigned char hash[APIKEY_HASH_LEN];
	enum db_result rc;

	if (made == NULL)
		return PAGE_UNAVAILABLE;
	snprintf(made->id, sizeof made->id, "%s", h->f[F_KEY].str);
	apikey_renew(made->id, made->key, hash);
	if ((rc = db_begin(h->db)) == DB_OK &&
	    (rc = db_apikey_roll(h->db, h->sess.tenant_id, made->id, hash, grace)) == DB_OK)
		rc = http_audit(h, "api_key.roll", made->id, NULL,
				http_text(h, "the old key works %u more days", grace));
	return shown_once(h, made, hash, rc,
			  grace == 0
				  ? "Key rolled: the old key works no more. Copy the new one now."
				  : http_text(h,
					      "Key rolled: the old key works %u more day%s. Copy "
					      "the new one now: it is shown only this once.",
					      grace, grace == 1 ? "" : "s"));
}

/* A key's rate limit: both numbers, held from the key's next request on
 * (its tokens refilled to the new burst). */
static enum page_result limit(struct http *h)
{
	enum db_result rc;

	if (h->f[F_RATE].st != VAL_OK)
		return http_field_error(h, F_RATE,
					"Enter how many requests a second the key may make.");
	if (h->f[F_BURST].st != VAL_OK)
		return http_field_error(h, F_BURST, "Enter how many requests it may make at once.");
	if ((rc = db_begin(h->db)) == DB_OK &&
	    (rc = db_apikey_rate(h->db, h->sess.tenant_id, h->f[F_KEY].str, rate_of(h, F_RATE, 0),
				 rate_of(h, F_BURST, 0))) == DB_OK)
		rc = http_audit(h, "api_key.rate", h->f[F_KEY].str, NULL,
				http_text(h, "%u a second, bursts of %u", rate_of(h, F_RATE, 0),
					  rate_of(h, F_BURST, 0)));
	return http_txn_end(h, rc, "/settings/api-keys?done=limited");
}

static enum page_result keys_post(struct http *h)
{
	enum db_result rc;

	if (h->f[F_OP].num == OP_CREATE)
		return create(h);
	if (h->f[F_KEY].st != VAL_OK)
		return http_bad_request(h, "Which key?");
	if (h->f[F_OP].num == OP_ROLL)
		return roll(h);
	if (h->f[F_OP].num == OP_LIMIT)
		return limit(h);
	if (h->f[F_CONFIRM].st != VAL_OK || !h->f[F_CONFIRM].num) {
		/* Not confirmed: the question, nothing revoked. */
		h->status = 200;
		return PAGE_INVALID;
	}
	if ((rc = db_begin(h->db)) != DB_OK)
		return http_db_fail(rc);
	if ((rc = db_apikey_revoke(h->db, h->sess.tenant_id, h->f[F_KEY].str)) == DB_OK)
		rc = http_audit(h, "api_key.revoke", h->f[F_KEY].str, NULL, NULL);
	return http_txn_end(h, rc, "/settings/api-keys?done=revoked");
}

const struct page page_api_keys = {
	.path = "/settings/api-keys",
	.name = "api-keys",
	.title = "API keys",
	.methods = HTTP_GET | HTTP_POST,
	.auth = PAGE_SIGNED_IN,
	.need_view = DB_PERM_SUPER,
	.need_edit = DB_PERM_SUPER,
	PAGE_QUERY(query),
	PAGE_FORM(form),
	.get = keys_get,
	.post = keys_post,
	.menu_section = "Integrations",
};
