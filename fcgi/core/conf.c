#include "config.h"

#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

/* Every key the config file may hold, once: where it goes, its type, its
 * bounds and its default.  The loader, the defaults and the docs test
 * (conf_key()) all read this table; an unknown key is an error, since a
 * typo would otherwise keep a default without a word. */
enum kind { K_STR, K_UINT, K_SIZE, K_BOOL };
enum check { C_NONE, C_HTTP_URL, C_SMTP_URL, C_ADDRESS, C_ONE_LINE };

struct key {
	const char *section, *name;
	enum kind kind;
	size_t off, size; /* into struct conf; size: the buffer's (K_STR) */
	unsigned lo, hi;  /* K_UINT, K_SIZE */
	const char *dflt; /* NULL: empty / 0 */
	enum check check;
};

#define STR(sec, key, field, d, chk)                                                               \
	{                                                                                          \
		sec, key, K_STR, offsetof(struct conf, field), sizeof(((struct conf *)0)->field),  \
			0, 0, d, chk                                                               \
	}
#define UINT(sec, key, field, lo, hi, d)                                                           \
	{                                                                                          \
		sec, key, K_UINT, offsetof(struct conf, field), 0, lo, hi, d, C_NONE               \
	}
#define SIZE(sec, key, field, lo, hi, d)                                                           \
	{                                                                                          \
		sec, key, K_SIZE, offsetof(struct conf, field), 0, lo, hi, d, C_NONE               \
	}
#define BOOL(sec, key, field, d)                                                                   \
	{                                                                                          \
		sec, key, K_BOOL, offsetof(struct conf, field), 0, 0, 1, d, C_NONE                 \
	}

static const struct key keys[] = {
	STR("database", "host", db.host, NULL, C_NONE),
	UINT("database", "port", db.port, 1, 65535, "3306"),
	STR("database", "socket", db.socket, NULL, C_NONE),
	STR("database", "user", db.user, "gatehouse", C_NONE),
	STR("database", "password", db.password, NULL, C_NONE),
	STR("database", "name", db.name, "gatehouse", C_NONE),
	UINT("database", "lock_wait_secs", db.lock_wait_secs, 1, 3600, "3"),
	UINT("database", "statement_secs", db.statement_secs, 0, 3600, "5"),
	STR("database", "failover", db.failover, NULL, C_NONE),
	UINT("database", "sync_wait", db.sync_wait, 0, 15, "0"),
	STR("web", "base_url", web.base_url, "http://127.0.0.1:8080", C_HTTP_URL),
	STR("web", "xslt_dir", web.xslt_dir, "xslt", C_NONE),
	UINT("web", "render_cache_kb", web.render_cache_kb, 0, 1024 * 1024, "65536"),
	UINT("web", "view_cache_kb", web.view_cache_kb, 0, 1024 * 1024, "8192"),
	UINT("web", "cache_tenant_share", web.cache_tenant_share, 1, 100, "25"),
	STR("security", "secrets_key_file", sec.key_file, NULL, C_NONE),
	UINT("security", "hash_concurrency", sec.hash_concurrency, 1, 64, "2"),
	UINT("security", "hash_queue", sec.hash_queue, 0, 4096, "4"),
	UINT("security", "session_idle_minutes", sec.session_idle_min, 1, 7 * 24 * 60, "60"),
	UINT("security", "session_absolute_hours", sec.session_abs_hours, 1, 24 * 30, "12"),
	BOOL("security", "cookie_secure", sec.cookie_secure, "1"),
	UINT("security", "hsts_max_age", sec.hsts_max_age, 0, 2 * 365 * 24 * 3600, "31536000"),
	SIZE("limits", "body_max", lim.body_max, 1024, 16u << 20, "65536"),
	SIZE("limits", "fields_max", lim.fields_max, 1, 10000, "64"),
	SIZE("limits", "field_max", lim.field_max, 64, 1u << 20, "8192"),
	STR("mail", "smtp_url", mail.smtp_url, "smtp://127.0.0.1:25", C_SMTP_URL),
	STR("mail", "smtp_user", mail.smtp_user, NULL, C_NONE),
	STR("mail", "smtp_password", mail.smtp_password, NULL, C_NONE),
	STR("mail", "from_address", mail.from_address, "no-reply@gatehouse.invalid", C_ADDRESS),
	STR("mail", "from_name", mail.from_name, "Gatehouse", C_ONE_LINE),
	UINT("mail", "invite_valid_days", mail.invite_valid_days, 1, 90, "7"),
	UINT("mail", "reset_valid_minutes", mail.reset_valid_minutes, 5, 1440, "60"),
	UINT("mail", "retry_hours", mail.retry_hours, 1, 24 * 14, "24"),
	UINT("mail", "retry_base_secs", mail.retry_base_secs, 1, 3600, "30"),
	UINT("mail", "poll_ms", mail.poll_ms, 10, 60000, "500"),
	UINT("mail", "lease_secs", mail.lease_secs, 2, 3600, "120"),
	UINT("webhooks", "poll_ms", hooks.poll_ms, 10, 60000, "500"),
	UINT("webhooks", "lease_secs", hooks.lease_secs, 5, 3600, "60"),
	UINT("webhooks", "retry_base_secs", hooks.retry_base_secs, 1, 3600, "5"),
	UINT("webhooks", "give_up_hours", hooks.give_up_hours, 1, 24 * 30, "72"),
	UINT("webhooks", "timeout_secs", hooks.timeout_secs, 1, 60, "10"),
	BOOL("webhooks", "allow_private", hooks.allow_private, "0"),
	UINT("jobs", "poll_ms", jobs.poll_ms, 10, 60000, "500"),
	UINT("jobs", "lease_secs", jobs.lease_secs, 2, 3600, "10"),
	UINT("jobs", "import_max_bytes", jobs.max_bytes, 1024, 16000000, "4194304"),
	UINT("jobs", "import_max_rows", jobs.max_rows, 1, 100000, "10000"),
	STR("oauth", "google_client_id", oauth.google_client_id, NULL, C_NONE),
	STR("oauth", "google_client_secret", oauth.google_client_secret, NULL, C_NONE),
	STR("oauth", "microsoft_client_id", oauth.microsoft_client_id, NULL, C_NONE),
	STR("oauth", "microsoft_client_secret", oauth.microsoft_client_secret, NULL, C_NONE),
	STR("settings", "listen", settings.listen, NULL, C_NONE),
	UINT("settings", "threads", settings.threads, 1, 1024, "8"),
	UINT("settings", "tenant_share", settings.tenant_share, 1, 100, "50"),
	UINT("settings", "tenant_wait_ms", settings.tenant_wait_ms, 0, 5000, "200"),
	UINT("settings", "memory_mb", settings.memory_mb, 16, 1024 * 1024, "160"),
	STR("portal", "listen", portal.listen, NULL, C_NONE),
	UINT("portal", "threads", portal.threads, 1, 1024, "8"),
	UINT("portal", "tenant_share", portal.tenant_share, 1, 100, "50"),
	UINT("portal", "tenant_wait_ms", portal.tenant_wait_ms, 0, 5000, "200"),
	UINT("portal", "memory_mb", portal.memory_mb, 16, 1024 * 1024, "160"),
	UINT("audit", "retain_days", audit.retain_days, 1, 36500, "400"),
	UINT("portal", "remind_days", invite.remind_days, 0, 365, "3"),
	UINT("portal", "remind_before_days", invite.remind_before_days, 0, 365, "1"),
	UINT("people", "restore_days", people.restore_days, 1, 3650, "30"),
	UINT("portal", "dormant_days", people.portal_dormant_days, 0, 3650, "0"),
	UINT("office", "dormant_days", people.office_dormant_days, 0, 3650, "0"),
	STR("feed", "listen", feed.listen, NULL, C_NONE),
	UINT("feed", "threads", feed.threads, 1, 1024, "8"),
	UINT("feed", "tenant_share", feed.tenant_share, 1, 100, "50"),
	UINT("feed", "tenant_wait_ms", feed.tenant_wait_ms, 0, 5000, "200"),
	UINT("feed", "memory_mb", feed.memory_mb, 16, 1024 * 1024, "160"),
};

#define NKEYS (sizeof keys / sizeof keys[0])

int conf_key(size_t i, const char **section, const char **name)
{
	if (i >= NKEYS)
		return -1;
	*section = keys[i].section;
	*name = keys[i].name;
	return 0;
}

static int checked(enum check chk, const char *v)
{
	switch (chk) {
	case C_HTTP_URL:
		return (strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0) &&
		       v[strlen(v) - 1] != '/';
	case C_SMTP_URL: return strncmp(v, "smtp://", 7) == 0 || strncmp(v, "smtps://", 8) == 0;
	case C_ADDRESS: return strchr(v, '@') != NULL && strpbrk(v, " <>\r\n\"") == NULL;
	case C_ONE_LINE: return strpbrk(v, "\r\n") == NULL;
	default: return 1;
	}
}

/* Sets key k of c from text v; 0 if v is not a good value for it. */
static int set(struct conf *c, const struct key *k, const char *v)
{
	char *p = (char *)c + k->off, *end;
	unsigned long n;

	if (k->kind == K_STR) {
		if (strlen(v) >= k->size || !checked(k->check, v))
			return 0;
		memcpy(p, v, strlen(v) + 1);
		return 1;
	}
	n = strtoul(v, &end, 10);
	if (*v == '\0' || *v == '-' || *end != '\0' || n < k->lo || n > k->hi)
		return 0;
	if (k->kind == K_SIZE)
		*(size_t *)(void *)p = n;
	else if (k->kind == K_BOOL)
		*(int *)(void *)p = (int)n;
	else
		*(unsigned *)(void *)p = (unsigned)n;
	return 1;
}

/* One item of [database] failover, n bytes at p: "unix:/path" or
 * "HOST:PORT" ("[v6]:PORT" too) into *sv; 0 if it is neither. */
static int failover_item(const char *p, size_t n, struct conf_db_server *sv)
{
	const char *host = p, *colon, *close;
	size_t hlen, plen;
	char port[8], *end;
	unsigned long v;

	memset(sv, 0, sizeof *sv);
	if (n > 5 && strncmp(p, "unix:", 5) == 0) {
		if (p[5] != '/' || n - 5 >= sizeof sv->socket)
			return 0;
		memcpy(sv->socket, p + 5, n - 5);
		return 1;
	}
	if (p[0] == '[') { /* an IPv6 address: its colons are its own */
		if ((close = memchr(p, ']', n)) == NULL)
			return 0;
		host = p + 1;
		hlen = (size_t)(close - host);
		colon = close + 1;
	} else {
		if ((colon = memchr(p, ':', n)) == NULL)
			return 0;
		hlen = (size_t)(colon - p);
	}
	if (colon >= p + n || *colon != ':')
		return 0;
	plen = (size_t)(p + n - colon - 1);
	if (hlen == 0 || hlen >= sizeof sv->host || plen == 0 || plen >= sizeof port)
		return 0;
	memcpy(port, colon + 1, plen);
	port[plen] = '\0';
	v = strtoul(port, &end, 10);
	if (port[0] < '0' || port[0] > '9' || *end != '\0' || v < 1 || v > 65535)
		return 0;
	memcpy(sv->host, host, hlen);
	sv->port = (unsigned)v;
	return 1;
}

/* [database] failover, separated by spaces or commas, parsed once into
 * c->db.servers; 0, or -1 with the item refused named in err. */
static int failover_parse(struct conf *c, const char *path, char *err, size_t errsz)
{
	const char *p = c->db.failover, *sep = " ,\t";

	c->db.nservers = 0;
	for (p += strspn(p, sep); *p != '\0'; p += strspn(p, sep)) {
		size_t n = strcspn(p, sep);
		if (c->db.nservers == CONF_DB_FAILOVER_MAX) {
			snprintf(err, errsz, "%s: [database] failover: more than %d servers", path,
				 CONF_DB_FAILOVER_MAX);
			return -1;
		}
		if (!failover_item(p, n, &c->db.servers[c->db.nservers])) {
			snprintf(err, errsz,
				 "%s: [database] failover: '%.*s' is neither unix:/path/to/socket "
				 "nor HOST:PORT",
				 path, (int)(n > 200 ? 200 : n), p);
			return -1;
		}
		c->db.nservers++;
		p += n;
	}
	return 0;
}

struct loadctx {
	struct conf *c;
	char *err;
	size_t errsz;
	int failed;
};

static int handler(void *user, const char *sec, const char *name, const char *v)
{
	struct loadctx *l = user;

	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(sec, keys[i].section) != 0 || strcmp(name, keys[i].name) != 0)
			continue;
		if (set(l->c, &keys[i], v))
			return 1;
		/* inih reports the first failing line: keep its message. */
		if (!l->failed)
			snprintf(l->err, l->errsz, "bad value for [%s] %s", sec, name);
		l->failed = 1;
		return 0;
	}
	if (!l->failed)
		snprintf(l->err, l->errsz, "unknown key [%s] %s", sec, name);
	l->failed = 1;
	return 0;
}

int conf_load(const char *path, struct conf *c, char *err, size_t errsz)
{
	struct loadctx l = {c, err, errsz, 0};
	int rc;

	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].dflt != NULL && !set(c, &keys[i], keys[i].dflt)) {
			/* A default the table itself refuses: a bug, caught by
			 * the unit test. */
			snprintf(err, errsz, "bad default for [%s] %s", keys[i].section,
				 keys[i].name);
			return -1;
		}
	rc = ini_parse(path, handler, &l);
	if (rc < 0) {
		snprintf(err, errsz, "%s: cannot open", path);
		return -1;
	}
	if (rc > 0) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s:%d: %s", path, rc, l.failed ? err : "syntax error");
		snprintf(err, errsz, "%s", msg);
		return -1;
	}
	if (failover_parse(c, path, err, errsz) != 0)
		return -1;
	if (c->sec.key_file[0] == '\0') {
		snprintf(err, errsz, "%s: [security] secrets_key_file is required", path);
		return -1;
	}
	return 0;
}
