/* gatehouse-ctl key create | list | revoke: the shell's side of
 * Settings > Integrations > API keys.  The key's text is printed once, on
 * create; only its id and the secret's keyed hash are stored. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "apikey.h"
#include "auth.h"
#include "key.h"
#include "valid.h"

static void key_usage(void)
{
	fputs("usage: gatehouse-ctl -c CONFIG key create --tenant SLUG --name NAME --scopes LIST\n"
	      "                                  [--expires YYYY-MM-DD] [--allow CIDR,...]\n"
	      "       gatehouse-ctl -c CONFIG key list --tenant SLUG\n"
	      "       gatehouse-ctl -c CONFIG key revoke --tenant SLUG KEY-ID\n"
	      "       gatehouse-ctl -c CONFIG key roll --tenant SLUG [--grace-days 0-7] KEY-ID\n"
	      "       gatehouse-ctl -c CONFIG key rate --tenant SLUG --rate N --burst N KEY-ID\n"
	      "rate: requests a second (default 10), burst: at once (default 50), 1 to 65535\n"
	      "scopes: portal_users customers sites groups office_users records audit changes\n",
	      stderr);
}

static int create(struct db *db, unsigned tenant, const char *name, const char *scopes,
		  const char *expires, const char *allow)
{
	char key[APIKEY_LEN + 1], id[APIKEY_ID_LEN + 1], names[120], until[32] = "", list[2001];
	unsigned char hash[APIKEY_HASH_LEN];
	struct val_value v;
	unsigned bits;
	enum db_result rc;

	if (strlen(name) == 0 || strlen(name) > 100 || val_line(name, strlen(name), &v) != NULL) {
		fprintf(stderr, "gatehouse-ctl: key: a name of 1 to 100 characters, one line\n");
		return 2;
	}
	free(v.str);
	if (apikey_scopes_parse(scopes, &bits) != 0) {
		fprintf(stderr, "gatehouse-ctl: key: unknown or empty scope in '%s'\n", scopes);
		return 2;
	}
	if (expires != NULL) {
		memset(&v, 0, sizeof v);
		if (val_date(expires, strlen(expires), &v) != NULL) {
			fprintf(stderr, "gatehouse-ctl: key: --expires takes YYYY-MM-DD\n");
			return 2;
		}
		free(v.str);
		/* The key works through the day given (UTC). */
		snprintf(until, sizeof until, "%s 23:59:59", expires);
	}
	if (apikey_allow_list(allow, list, sizeof list) != 0) {
		fprintf(stderr, "gatehouse-ctl: key: --allow takes addresses or CIDR ranges, "
				"separated by commas\n");
		return 2;
	}
	apikey_scopes_format(bits, names, sizeof names);
	apikey_new(key, id, hash);
	rc = db_apikey_add(db, tenant, id, name, names, hash, list, "gatehouse-ctl", until);
	sodium_memzero(hash, sizeof hash);
	if (rc != DB_OK) {
		sodium_memzero(key, sizeof key);
		fprintf(stderr, "gatehouse-ctl: key: could not store the key\n");
		return 1;
	}
	printf("key id:  %s\nscopes:  %s\nexpires: %s\nkey:     %s\n"
	       "The key is shown this once: store it in the partner system now.\n",
	       id, names, until[0] ? until : "never", key);
	sodium_memzero(key, sizeof key);
	return 0;
}

/* A new secret for key id; the old one works grace days more. */
static int roll(struct db *db, unsigned tenant, const char *slug, const char *id, unsigned grace)
{
	char key[APIKEY_LEN + 1];
	unsigned char hash[APIKEY_HASH_LEN];
	enum db_result rc;

	if (strlen(id) != APIKEY_ID_LEN) {
		fprintf(stderr, "gatehouse-ctl: key: no active key '%s' in '%s'\n", id, slug);
		return 1;
	}
	apikey_renew(id, key, hash);
	rc = db_apikey_roll(db, tenant, id, hash, grace);
	sodium_memzero(hash, sizeof hash);
	if (rc == DB_OK)
		printf("key id:  %s\nold key: works %u more day%s\nkey:     %s\n"
		       "The key is shown this once: store it in the partner system now.\n",
		       id, grace, grace == 1 ? "" : "s", key);
	else if (rc == DB_NOTFOUND)
		fprintf(stderr, "gatehouse-ctl: key: no active key '%s' in '%s'\n", id, slug);
	sodium_memzero(key, sizeof key);
	return rc == DB_OK ? 0 : 1;
}

/* A number 1..10000, or 0. */
static unsigned rate_arg(const char *s)
{
	struct val_value v;

	memset(&v, 0, sizeof v);
	return val_uint(s, strlen(s), &v) == NULL && v.num >= 1 && v.num <= 65535 ? (unsigned)v.num
										  : 0;
}

static int set_rate(struct db *db, unsigned tenant, const char *slug, const char *id,
		    const char *rate, const char *burst)
{
	unsigned r = rate_arg(rate), b = rate_arg(burst);
	enum db_result rc;

	if (r == 0 || b == 0) {
		fprintf(stderr, "gatehouse-ctl: key: --rate and --burst take 1 to 65535\n");
		return 2;
	}
	if ((rc = db_apikey_rate(db, tenant, id, r, b)) == DB_OK)
		printf("key %s: %u requests a second, bursts of %u\n", id, r, b);
	else if (rc == DB_NOTFOUND)
		fprintf(stderr, "gatehouse-ctl: key: no active key '%s' in '%s'\n", id, slug);
	return rc == DB_OK ? 0 : 1;
}

static int print_key(void *ctx, const struct db_apikey *k)
{
	(void)ctx;
	printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%u/s burst %u\n", k->key_id, k->status, k->name,
	       k->scopes, k->created_at, k->expires_at[0] ? k->expires_at : "never",
	       k->last_used_at[0] ? k->last_used_at : "never",
	       k->last_used_ip[0] ? k->last_used_ip : "-", k->rate, k->burst);
	return 0;
}

int ctl_key(struct db *db, const struct conf *c, int argc, char **argv)
{
	const char *slug = NULL, *name = NULL, *scopes = NULL, *expires = NULL, *allow = "";
	const char *id = NULL, *grace = "1", *rate = NULL, *burst = NULL;
	struct db_tenant t;
	int i;

	if (argc < 1) {
		key_usage();
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--tenant") == 0)
			slug = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--name") == 0)
			name = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--scopes") == 0)
			scopes = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--expires") == 0)
			expires = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--allow") == 0)
			allow = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--grace-days") == 0)
			grace = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--rate") == 0)
			rate = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--burst") == 0)
			burst = argv[++i];
		else if (argv[i][0] != '-' && id == NULL)
			id = argv[i];
		else {
			key_usage();
			return 2;
		}
	}
	if (slug == NULL) {
		key_usage();
		return 2;
	}
	if (db_tenant_by_slug(db, slug, &t) != DB_OK) {
		fprintf(stderr, "gatehouse-ctl: key: no tenant '%s'\n", slug);
		return 1;
	}
	if (strcmp(argv[0], "create") == 0 && name != NULL && scopes != NULL && id == NULL) {
		if (auth_init(c) != 0)
			return 1;
		i = create(db, t.id, name, scopes, expires, allow);
		auth_free();
		return i;
	}
	if (strcmp(argv[0], "list") == 0 && id == NULL && name == NULL)
		return db_apikey_list(db, t.id, print_key, NULL) == DB_OK ? 0 : 1;
	if (strcmp(argv[0], "revoke") == 0 && id != NULL && name == NULL) {
		enum db_result rc = db_apikey_revoke(db, t.id, id);
		if (rc == DB_NOTFOUND)
			fprintf(stderr, "gatehouse-ctl: key: no active key '%s' in '%s'\n", id,
				slug);
		else if (rc == DB_OK)
			printf("key %s revoked\n", id);
		return rc == DB_OK ? 0 : 1;
	}
	if (strcmp(argv[0], "roll") == 0 && id != NULL && name == NULL) {
		if (strlen(grace) != 1 || grace[0] < '0' || grace[0] > '7') {
			fprintf(stderr, "gatehouse-ctl: key: --grace-days takes 0 to 7\n");
			return 2;
		}
		if (auth_init(c) != 0)
			return 1;
		i = roll(db, t.id, slug, id, (unsigned)(grace[0] - '0'));
		auth_free();
		return i;
	}
	if (strcmp(argv[0], "rate") == 0 && id != NULL && rate != NULL && burst != NULL)
		return set_rate(db, t.id, slug, id, rate, burst);
	key_usage();
	return 2;
}
