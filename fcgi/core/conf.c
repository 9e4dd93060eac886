#include "config.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

struct loadctx {
	struct conf *c;
	char *err;
	size_t errsz;
	int failed;
};

static int set_str(char *dst, size_t dstsz, const char *v)
{
	if (strlen(v) >= dstsz)
		return 0;
	memcpy(dst, v, strlen(v) + 1);
	return 1;
}

static int set_uint(unsigned *dst, const char *v, unsigned lo, unsigned hi)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < lo || n > hi)
		return 0;
	*dst = (unsigned)n;
	return 1;
}

static int set_size(size_t *dst, const char *v, unsigned lo, unsigned hi)
{
	unsigned u;
	if (!set_uint(&u, v, lo, hi))
		return 0;
	*dst = u;
	return 1;
}

#define IS(s, k) (strcmp(sec, s) == 0 && strcmp(name, k) == 0)

static int handler(void *user, const char *sec, const char *name, const char *v)
{
	struct loadctx *l = user;
	struct conf *c = l->c;
	int ok;

	if (IS("database", "host"))
		ok = set_str(c->db.host, sizeof c->db.host, v);
	else if (IS("database", "port"))
		ok = set_uint(&c->db.port, v, 1, 65535);
	else if (IS("database", "socket"))
		ok = set_str(c->db.socket, sizeof c->db.socket, v);
	else if (IS("database", "user"))
		ok = set_str(c->db.user, sizeof c->db.user, v);
	else if (IS("database", "password"))
		ok = set_str(c->db.password, sizeof c->db.password, v);
	else if (IS("database", "name"))
		ok = set_str(c->db.name, sizeof c->db.name, v);
	else if (IS("database", "lock_wait_secs"))
		ok = set_uint(&c->db.lock_wait_secs, v, 1, 3600);
	else if (IS("database", "statement_secs"))
		ok = set_uint(&c->db.statement_secs, v, 0, 3600);
	else if (IS("web", "base_url"))
		ok = set_str(c->web.base_url, sizeof c->web.base_url, v) &&
		     (strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0) &&
		     v[strlen(v) - 1] != '/';
	else if (IS("web", "xslt_dir"))
		ok = set_str(c->web.xslt_dir, sizeof c->web.xslt_dir, v);
	else if (IS("web", "render_cache_kb"))
		ok = set_uint(&c->web.render_cache_kb, v, 0, 1024 * 1024);
	else if (IS("security", "secrets_key_file"))
		ok = set_str(c->sec.key_file, sizeof c->sec.key_file, v);
	else if (IS("security", "hash_concurrency"))
		ok = set_uint(&c->sec.hash_concurrency, v, 1, 64);
	else if (IS("security", "hash_queue"))
		ok = set_uint(&c->sec.hash_queue, v, 0, 4096);
	else if (IS("security", "session_idle_minutes"))
		ok = set_uint(&c->sec.session_idle_min, v, 1, 7 * 24 * 60);
	else if (IS("security", "session_absolute_hours"))
		ok = set_uint(&c->sec.session_abs_hours, v, 1, 24 * 30);
	else if (IS("security", "cookie_secure")) {
		unsigned b = 1;
		ok = set_uint(&b, v, 0, 1);
		c->sec.cookie_secure = (int)b;
	} else if (IS("security", "hsts_max_age"))
		ok = set_uint(&c->sec.hsts_max_age, v, 0, 2 * 365 * 24 * 3600); else if (IS("limits", "body_max"))
		ok = set_size(&c->lim.body_max, v, 1024, 16u << 20);
	else if (IS("limits", "fields_max"))
		ok = set_size(&c->lim.fields_max, v, 1, 10000);
	else if (IS("limits", "field_max"))
		ok = set_size(&c->lim.field_max, v, 64, 1u << 20);
	else if (IS("mail", "smtp_url"))
		ok = set_str(c->mail.smtp_url, sizeof c->mail.smtp_url, v) &&
		     (strncmp(v, "smtp://", 7) == 0 || strncmp(v, "smtps://", 8) == 0);
	else if (IS("mail", "smtp_user"))
		ok = set_str(c->mail.smtp_user, sizeof c->mail.smtp_user, v);
	else if (IS("mail", "smtp_password"))
		ok = set_str(c->mail.smtp_password, sizeof c->mail.smtp_password, v);
	else if (IS("mail", "from_address"))
		ok = set_str(c->mail.from_address, sizeof c->mail.from_address, v) &&
		     strchr(v, '@') != NULL && strpbrk(v, " <>\r\n\"") == NULL;
	else if (IS("mail", "from_name"))
		ok = set_str(c->mail.from_name, sizeof c->mail.from_name, v) &&
		     strpbrk(v, "\r\n") == NULL;
	else if (IS("mail", "invite_valid_days"))
		ok = set_uint(&c->mail.invite_valid_days, v, 1, 90);
	else if (IS("mail", "reset_valid_minutes"))
		ok = set_uint(&c->mail.reset_valid_minutes, v, 5, 1440);
	else if (IS("mail", "retry_hours"))
		ok = set_uint(&c->mail.retry_hours, v, 1, 24 * 14);
	else if (IS("mail", "retry_base_secs"))
		ok = set_uint(&c->mail.retry_base_secs, v, 1, 3600);
	else if (IS("mail", "poll_ms"))
		ok = set_uint(&c->mail.poll_ms, v, 10, 60000);
	else if (IS("mail", "lease_secs"))
		ok = set_uint(&c->mail.lease_secs, v, 2, 3600);
	else if (IS("oauth", "google_client_id"))
		ok = set_str(c->oauth.google_client_id, sizeof c->oauth.google_client_id, v);
	else if (IS("oauth", "google_client_secret"))
		ok = set_str(c->oauth.google_client_secret, sizeof c->oauth.google_client_secret, v);
	else if (IS("oauth", "microsoft_client_id"))
		ok = set_str(c->oauth.microsoft_client_id, sizeof c->oauth.microsoft_client_id, v);
	else if (IS("oauth", "microsoft_client_secret"))
		ok = set_str(c->oauth.microsoft_client_secret, sizeof c->oauth.microsoft_client_secret,
			     v);
	else if (IS("settings", "listen"))
		ok = set_str(c->settings.listen, sizeof c->settings.listen, v);
	else if (IS("settings", "threads"))
		ok = set_uint(&c->settings.threads, v, 1, 1024);
	else if (IS("portal", "listen"))
		ok = set_str(c->portal.listen, sizeof c->portal.listen, v);
	else if (IS("portal", "threads"))
		ok = set_uint(&c->portal.threads, v, 1, 1024);
	else {
		/* An unknown key is a typo that would silently keep a default.
		 * inih reports the first failing line, so keep the first message. */
		if (!l->failed)
			snprintf(l->err, l->errsz, "unknown key [%s] %s", sec, name);
		l->failed = 1;
		return 0;
	}
	if (!ok && !l->failed) {
		snprintf(l->err, l->errsz, "bad value for [%s] %s", sec, name);
		l->failed = 1;
	}
	return ok;
}

int conf_load(const char *path, struct conf *c, char *err, size_t errsz)
{
	struct loadctx l = {c, err, errsz, 0};
	int rc;

	memset(c, 0, sizeof *c);
	c->db.port = 3306;
	c->db.lock_wait_secs = 3;
	c->db.statement_secs = 5;
	snprintf(c->db.user, sizeof c->db.user, "%s", "gatehouse");
	snprintf(c->db.name, sizeof c->db.name, "%s", "gatehouse");
	snprintf(c->web.base_url, sizeof c->web.base_url, "%s", "http://127.0.0.1:8080");
	snprintf(c->web.xslt_dir, sizeof c->web.xslt_dir, "%s", "xslt");
	c->web.render_cache_kb = 16384;
	c->sec.hash_concurrency = 2;
	c->sec.hash_queue = 4;
	c->sec.session_idle_min = 60;
	c->sec.session_abs_hours = 12;
	c->sec.cookie_secure = 1;
	c->sec.hsts_max_age = 31536000;
	c->lim.body_max = 65536;
	c->lim.fields_max = 64;
	c->lim.field_max = 8192;
	c->settings.threads = 8;
	c->portal.threads = 8;
	snprintf(c->mail.smtp_url, sizeof c->mail.smtp_url, "%s", "smtp://127.0.0.1:25");
	snprintf(c->mail.from_address, sizeof c->mail.from_address, "%s", "no-reply@gatehouse.invalid");
	snprintf(c->mail.from_name, sizeof c->mail.from_name, "%s", "Gatehouse");
	c->mail.invite_valid_days = 7;
	c->mail.reset_valid_minutes = 60;
	c->mail.retry_hours = 24;
	c->mail.retry_base_secs = 30;
	c->mail.poll_ms = 500;
	c->mail.lease_secs = 120;

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
	if (c->sec.key_file[0] == '\0') {
		snprintf(err, errsz, "%s: [security] secrets_key_file is required", path);
		return -1;
	}
	return 0;
}
