/* Shared by the HTTP test programs (header-only: each program is one file
 * plus client.c, and TAP's counters live in tap.h's statics): the stack's
 * address, XML fetches checked against their schemas, form posts with the
 * page's CSRF token, and links read from the SMTP sink. */
#ifndef GH_TEST_COMMON_H
#define GH_TEST_COMMON_H

#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "tap.h"

#define PW "gatehouse-demo"

static char base[128];
static const char *state;
static char ini[1024];

__attribute__((unused)) static struct hc *client(void)
{
	return hc_new(base);
}

__attribute__((unused)) static void throttle_reset(void)
{
	shell("'%s/gatehouse-ctl' -c '%s' throttle reset >/dev/null", env_or("GH_BUILDDIR", "."),
	      ini);
}

/* GET path as XML, check status and schema; returns the doc (caller frees). */
__attribute__((unused)) static xmlDocPtr get_xml(struct hc *h, const char *path, long want,
						 const char *what)
{
	struct hc_resp r;
	xmlDocPtr d = NULL;

	if (hc_get_xml(h, path, &r) != 0) {
		ok(0, "%s: request failed", what);
		return NULL;
	}
	d = hc_xml(&r);
	if (!ok(r.status == want && d != NULL && hc_valid(d), "%s: %ld, schema-valid XML", what,
		want))
		diag("got %ld: %.300s", r.status, r.body);
	hc_resp_free(&r);
	return d;
}

__attribute__((unused)) static char *xp(xmlDocPtr d, const char *e)
{
	return hc_xpath(d, e);
}

__attribute__((unused)) static int xp_is(xmlDocPtr d, const char *e, const char *want)
{
	char *v = xp(d, e);
	int same = strcmp(v, want) == 0;
	if (!same)
		diag("%s = '%s', want '%s'", e, v, want);
	free(v);
	return same;
}

/* The list page a link of d's <list> leads to (attr: query-next,
 * query-prev, query, ...; path: the list's path), as get_xml; NULL (and a
 * failed check) when the list has no such link. */
__attribute__((unused)) static xmlDocPtr follow(struct hc *h, xmlDocPtr d, const char *path,
						const char *attr, const char *what)
{
	char e[64], *q, *url;
	xmlDocPtr n;

	snprintf(e, sizeof e, "string(//list/@%s)", attr);
	q = d ? xp(d, e) : NULL;
	if (q == NULL || q[0] == '\0') {
		ok(0, "%s: the list has a %s link", what, attr);
		free(q);
		return NULL;
	}
	if ((url = malloc(strlen(path) + strlen(q) + 2)) == NULL)
		abort();
	sprintf(url, "%s?%s", path, q);
	n = get_xml(h, url, 200, what);
	free(url);
	free(q);
	return n;
}

/* Last, before the plan: none of the program's requests changed the
 * database without an audit entry (issue 15; the responders count both,
 * db_request_changes, and log audit=missing). */
__attribute__((unused)) static void audit_check(void)
{
	static char missing[2048];
	size_t n = hc_requests_noted(), m;

	if (n == 0)
		return; /* no request made: nothing to prove */
	m = hc_audit_missing(missing, sizeof missing);
	if (!ok(m == 0, "audit: none of the %zu requests changed anything without an audit entry",
		n))
		diag("%zu did: %s", m, missing);
}

/* The stack under test, from the environment tests/run sets. */
__attribute__((unused)) static void test_env(void)
{
	tap_before_plan = audit_check;
	snprintf(base, sizeof base, "http://127.0.0.1:%s", env_or("GH_TEST_PORT", "18080"));
	state = env_or("GH_TEST_STATE", "tests/out/stack");
	snprintf(ini, sizeof ini, "%s/gatehouse.ini", state);
}

/* POSTs fields (after csrf from page) to path; returns the status, *out the
 * XML answer (caller frees) when asked. */
__attribute__((unused)) static long post_form(struct hc *h, const char *csrf_page, const char *path,
					      const char *fields, xmlDocPtr *out, char *location,
					      size_t locsz)
{
	char csrf[65], body[8192], b[1024];
	struct hc_resp r;
	long st;

	if (hc_csrf(h, csrf_page, csrf) != 0)
		snprintf(csrf, sizeof csrf, "%064d", 0);
	snprintf(body, sizeof body, "csrf=%s&%s", csrf, fields);
	hc_req(h, "POST", path, "application/x-www-form-urlencoded", body,
	       "Accept: application/xml", &r);
	st = r.status;
	if (out)
		*out = hc_xml(&r);
	if (location)
		snprintf(location, locsz, "%s", hc_header(&r, "Location", b, sizeof b) ?: "");
	hc_resp_free(&r);
	return st;
}

/* The newest message to rcpt in the SMTP sink holding marker followed by a
 * 43-character token, within 15 s: the token into tok. */
__attribute__((unused)) static int mail_link(const char *rcpt, const char *marker, char tok[44])
{
	char cmd[1400], line[4096];
	for (int tries = 0; tries < 75; tries++) {
		snprintf(cmd, sizeof cmd,
			 "grep -l -i 'To: .*%s' '%s/mail/new/'* 2>/dev/null | xargs -r ls -t | "
			 "head -n 1",
			 rcpt, state);
		FILE *p = popen(cmd, "r");
		char path[1024] = "";
		if (p) {
			if (fgets(path, sizeof path, p) == NULL)
				path[0] = '\0';
			pclose(p);
		}
		path[strcspn(path, "\n")] = '\0';
		if (path[0]) {
			FILE *f = fopen(path, "r");
			static char body[1 << 17];
			size_t n = f ? fread(body, 1, sizeof body - 1, f) : 0, o = 0;
			if (f)
				fclose(f);
			body[n] = '\0';
			/* Undo quoted-printable: soft breaks and =3D. */
			for (size_t i = 0; i < n; i++) {
				if (body[i] == '=' && body[i + 1] == '\r' && body[i + 2] == '\n')
					i += 2;
				else if (body[i] == '=' && body[i + 1] == '\n')
					i += 1;
				else if (body[i] == '=' && body[i + 1] == '3' &&
					 body[i + 2] == 'D') {
					line[o < sizeof line - 1 ? o++ : o] = '=';
					i += 2;
				} else if (o < sizeof line - 1)
					line[o++] = body[i];
			}
			line[o] = '\0';
			char *t = strstr(line, marker);
			size_t ml = strlen(marker);
			if (t && strspn(t + ml, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"
						"yz0123456789-_") >= 43) {
				memcpy(tok, t + ml, 43);
				tok[43] = '\0';
				return 0;
			}
		}
		usleep(200000);
	}
	return -1;
}

/* oathtool's code for the base32 key (spaces allowed) at "when" (NULL: now). */
__attribute__((unused)) static int oathtool(const char *key, const char *when, char out[16])
{
	char cmd[300], k[64];
	size_t o = 0;
	for (const char *c = key; *c && o < sizeof k - 1; c++)
		if (*c != ' ')
			k[o++] = *c;
	k[o] = '\0';
	snprintf(cmd, sizeof cmd, "oathtool --totp -b %s%s%s%s", when ? "-N '" : "",
		 when ? when : "", when ? "' " : "", k);
	FILE *p = popen(cmd, "r");
	out[0] = '\0';
	if (p == NULL)
		return -1;
	if (fgets(out, 16, p) == NULL)
		out[0] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
	return strlen(out) == 6 ? 0 : -1;
}

/* ---- tenants of a test's own ----
 *
 * No test uses the demo tenant (one test reads it, to check that
 * `gatehouse-ctl demo` made what the README promises): each test makes the
 * tenants it needs, with slugs and logins of this run, so that a test may
 * change anything in them, never puts anything back, and two runs on one
 * stack (or the files in any order) meet nothing of each other's. */

/* Runs sql (any number of statements, any length) on the test stack as
 * MariaDB root; 0 when every statement succeeded (the mariadb client stops
 * at the first error, which is shown as a diagnostic). */
__attribute__((unused)) static int sql_run(const char *sql)
{
	char tmp[] = "/tmp/gh-sql-XXXXXX", out[] = "/tmp/gh-sql-out-XXXXXX", line[512];
	int fd = mkstemp(tmp), ofd = mkstemp(out), rc = -1;
	FILE *f;

	if (fd < 0 || ofd < 0)
		goto out;
	if ((f = fdopen(fd, "w")) == NULL)
		goto out;
	fd = -1;
	fputs(sql, f);
	fclose(f);
	rc = shell(
		"GH_BUILDDIR='%s' '%s/scripts/gh-stack' sql --state '%s' -- -N < '%s' > '%s' 2>&1",
		env_or("GH_BUILDDIR", "."), env_or("GH_SRCDIR", "."), state, tmp, out);
	if (rc != 0 && (f = fopen(out, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			diag("sql: %.*s", (int)strcspn(line, "\n"), line);
		fclose(f);
	}
out:
	if (fd >= 0)
		close(fd);
	if (ofd >= 0)
		close(ofd);
	unlink(tmp);
	unlink(out);
	return rc;
}

/* printf into a growing string; NULL stays NULL (out of memory). */
__attribute__((unused, format(printf, 2, 3))) static char *cat(char *s, const char *fmt, ...)
{
	va_list ap;
	size_t have = s ? strlen(s) : 0;
	int n;
	char *t;

	if (s == NULL)
		return NULL;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (t = realloc(s, have + (size_t)n + 1)) == NULL) {
		free(s);
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(t + have, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return t;
}

/* An office user of tenant slug made by `gatehouse-ctl user create` with
 * the demo password; role "super" for --super-admin.  0 on success. */
__attribute__((unused)) static int ctl_user(const char *slug, const char *email, const char *role,
					    const char *first, const char *last)
{
	int super = strcmp(role, "super") == 0;
	return shell("echo '" PW
		     "' | '%s/gatehouse-ctl' -c '%s' user create --tenant %s --email %s "
		     "%s%s --first '%s' --last '%s' >/dev/null",
		     env_or("GH_BUILDDIR", "."), ini, slug, email,
		     super ? "--super-admin" : "--role ", super ? "" : role, first, last);
}

/* What a fixture holds besides its tenant and Super Admin. */
enum {
	FX_STAFF = 1,      /* editor, viewer, custom, inactive office users as the demo's */
	FX_CUSTOMERS = 2,  /* the demo's 8 customers, their 5 portal users and client */
	FX_CALENDARS = 4,  /* Delivery Schedule, Service Calendar; Truck 1, Van 2, Truck 3 */
	FX_RECORDS = 8,    /* ABM's and Cool Air's sites and portal records (needs CUSTOMERS) */
	FX_PORTAL_ON = 16, /* the Client Portal switched on (no frame origin) */
	FX_NORTHWIND = 32, /* the demo's second tenant: Northwind Storage, Service Calendar */
	FX_DEMO = FX_STAFF | FX_CUSTOMERS | FX_CALENDARS | FX_RECORDS | FX_PORTAL_ON,
};

/* A tenant made for the calling test, like the demo (`gatehouse-ctl demo`)
 * in the parts asked for, under names of this run. */
struct fx {
	char slug[64], name[128];
	char tq[128];    /* SQL: (SELECT id FROM tenants WHERE slug = '<slug>') */
	char portal[96]; /* its direct link's path: /portal/<slug>/ */
	/* office logins (password PW): <role>@<slug>.test */
	char admin[128], editor[128], viewer[128], custom[128], inactive[128];
	/* the portal login of ABM Apartments (password PW) */
	char client[128];
};

/* path under f's direct link ("home" -> /portal/<slug>/home); four
 * rotating buffers, so a call may hold up to four. */
__attribute__((unused)) static const char *fxp(const struct fx *f, const char *rest)
{
	static char buf[4][600];
	static int k;
	char *b = buf[k++ % 4];
	snprintf(b, sizeof buf[0], "%s%s", f->portal, rest);
	return b;
}

/* The demo's records of one customer (fcgi/ctl/ctl.c, demo_records): a
 * master site with three sub-sites, invoices, estimates, jobs, documents
 * (one private) and equipment spread over them, dated from today. */
static char *fx_records(char *q, const char *customer, const char *master,
			const char *const subs[3], int first, const char *contact)
{
	static const struct {
		const char *kind, *ref, *title, *detail, *status;
		int site; /* -1: customer-wide, 0..2: a sub-site */
		int days;
		long long cents; /* -1: none */
		int pub;
	} recs[] = {
		{"invoice", "INV", "Quarterly maintenance", "", "open", 0, -12, 124000, 1},
		{"invoice", "INV", "Valve repair", "", "paid", 1, -40, 86050, 1},
		{"invoice", "INV", "Gate motor service", "", "open", 2, -5, 31500, 1},
		{"invoice", "INV", "Annual service plan", "", "open", -1, -30, 9900, 1},
		{"estimate", "EST", "Boiler replacement",
		 "Remove the old boiler, fit a condensing unit, flush the system.", "sent", 0, -3,
		 890000, 1},
		{"estimate", "EST", "Lighting retrofit", "LED fittings on all three levels.",
		 "approved", 2, -20, 245000, 1},
		{"job", "JOB", "Quarterly HVAC maintenance", "Filters, belts, refrigerant check.",
		 "scheduled", 0, 14, -1, 1},
		{"job", "JOB", "Leaking valve repair", "Replaced the isolation valve on riser 2.",
		 "completed", 1, -41, -1, 1},
		{"job", "JOB", "Gate motor inspection", "", "scheduled", 2, 7, -1, 1},
		{"document", "DOC", "Service agreement",
		 "The signed service agreement for this year.", "", -1, -60, -1, 1},
		{"document", "DOC", "Inspection report",
		 "Annual fire and safety inspection: no findings.", "", 0, -10, -1, 1},
		{"document", "DOC", "Internal cost sheet", "Office only.", "", 0, -10, -1, 0},
		{"equipment", "SN", "Rooftop unit RTU-1", "", "", 0, -700, -1, 1},
		{"equipment", "SN", "Boiler B-2", "", "", 1, -1500, -1, 1},
		{"equipment", "SN", "Gate motor", "", "", 2, -400, -1, 1},
	};

	q = cat(q,
		"SET @c = (SELECT id FROM customers WHERE tenant_id = @t AND name = '%s');\n"
		"INSERT INTO sites (tenant_id, customer_id, name) VALUES (@t, @c, '%s');\n"
		"SET @m = LAST_INSERT_ID();\n",
		customer, master);
	for (int i = 0; i < 3; i++)
		q = cat(q,
			"INSERT INTO sites (tenant_id, customer_id, parent_id, name) "
			"VALUES (@t, @c, @m, '%s');\n",
			subs[i]);
	for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
		char site[300], cents[32];
		if (recs[i].site < 0)
			snprintf(site, sizeof site, "NULL");
		else
			snprintf(site, sizeof site,
				 "(SELECT id FROM sites WHERE customer_id = @c AND name = '%s')",
				 subs[recs[i].site]);
		if (recs[i].cents < 0)
			snprintf(cents, sizeof cents, "NULL");
		else
			snprintf(cents, sizeof cents, "%lld", recs[i].cents);
		q = cat(q,
			"INSERT INTO customer_records (tenant_id, customer_id, site_id, kind, ref, "
			"title, detail, rec_date, amount_cents, status, public, changed_by, "
			"changed_at, contact_portal_user_id) VALUES (@t, @c, %s, '%s', '%s-%d', "
			"'%s', "
			"'%s', UTC_DATE() + INTERVAL %d DAY, %s, '%s', %d, 'demo', "
			"UTC_TIMESTAMP(), "
			"IF(%d, (SELECT id FROM portal_users WHERE tenant_id = @t AND customer_id "
			"= @c "
			"AND email = '%s'), NULL));\n",
			site, recs[i].kind, recs[i].ref, first + (int)i, recs[i].title,
			recs[i].detail, recs[i].days, cents, recs[i].status, recs[i].pub,
			/* the first invoice, estimate and job: the contact's (as the demo) */
			i == 0 || i == 4 || i == 6, contact);
	}
	return q;
}

/* Makes the tenant "<prefix>-<stamp>" called name with its Super Admin and
 * the parts in what (FX_...).  0 on success; -1 (with a diagnostic) if any
 * step failed. */
__attribute__((unused)) static int fx_make(struct fx *f, const char *prefix, const char *name,
					   unsigned what)
{
	static unsigned seq;
	const char *b = env_or("GH_BUILDDIR", ".");
	char *q = NULL;
	int rc = -1;

	memset(f, 0, sizeof *f);
	snprintf(f->slug, sizeof f->slug, "%s-%08ld%03d-%u", prefix, (long)time(NULL) % 100000000,
		 (int)(getpid() % 1000), ++seq);
	snprintf(f->name, sizeof f->name, "%s", name);
	snprintf(f->tq, sizeof f->tq, "(SELECT id FROM tenants WHERE slug = '%s')", f->slug);
	snprintf(f->portal, sizeof f->portal, "/portal/%s/", f->slug);
	snprintf(f->admin, sizeof f->admin, "admin@%s.test", f->slug);
	snprintf(f->editor, sizeof f->editor, "editor@%s.test", f->slug);
	snprintf(f->viewer, sizeof f->viewer, "viewer@%s.test", f->slug);
	snprintf(f->custom, sizeof f->custom, "custom@%s.test", f->slug);
	snprintf(f->inactive, sizeof f->inactive, "inactive@%s.test", f->slug);
	snprintf(f->client, sizeof f->client, "client@%s.test", f->slug);
	if (shell("'%s/gatehouse-ctl' -c '%s' tenant create %s '%s' >/dev/null", b, ini, f->slug,
		  name) != 0 ||
	    ctl_user(f->slug, f->admin, "super", "Ada", "Admin") != 0) {
		diag("fixture %s: gatehouse-ctl failed", f->slug);
		goto out;
	}
	if ((what & FX_STAFF) &&
	    (ctl_user(f->slug, f->editor, "edit_view", "Eddie", "Editor") != 0 ||
	     ctl_user(f->slug, f->viewer, "view_only", "Vera", "Viewer") != 0 ||
	     ctl_user(f->slug, f->custom, "customize", "Cass", "Custom") != 0 ||
	     ctl_user(f->slug, f->inactive, "view_only", "Ian", "Inactive") != 0 ||
	     shell("'%s/gatehouse-ctl' -c '%s' user deactivate %s >/dev/null", b, ini,
		   f->inactive) != 0)) {
		diag("fixture %s: its office users", f->slug);
		goto out;
	}
	q = cat(strdup(""),
		"SET @t = %s;\n"
		"UPDATE tenants SET street = '100 Example Street', city = 'Springfield', "
		"state = 'Illinois', zip = '62701', country = 'United States', portal_enabled = %d "
		"WHERE id = @t;\n",
		f->tq, (what & FX_PORTAL_ON) != 0);
	if (what & FX_STAFF)
		/* The demo's Customize user: what `gatehouse-ctl demo` grants. */
		q = cat(q,
			"UPDATE office_user_perms p JOIN office_users u ON u.id = p.user_id "
			"SET p.level = CASE p.module WHEN 'scheduling' THEN 1 WHEN 'customer' "
			"THEN 2 WHEN 'map' THEN 1 ELSE 0 END WHERE u.email = '%s';\n",
			f->custom);
	if (what & FX_CUSTOMERS) {
		q = cat(q,
			"INSERT INTO customers (tenant_id, name, primary_email, phone) VALUES "
			"(@t, 'ABM Apartments', 'office@abm-apartments.example.com', '555-0101'), "
			"(@t, 'Cool Air', 'service@coolair.example.com', '555-0102'), "
			"(@t, 'The Loop', 'manager@theloop.example.com', '555-0103'), "
			"(@t, 'Anderson Windows', 'info@andersonwindows.example.com', '555-0104'), "
			"(@t, 'Harbor View Condos', 'board@harborview.example.com', '555-0105'), "
			"(@t, 'Maple Street Dental', 'frontdesk@maplestreetdental.example.com', "
			"'555-0106'), "
			"(@t, 'Riverside Mall', 'facilities@riversidemall.example.com', "
			"'555-0107'), "
			"(@t, 'Summit Offices', 'admin@summitoffices.example.com', '555-0108');\n"
			/* The seed's portal users (no password: Not invited). */
			"INSERT INTO portal_users (tenant_id, customer_id, company_name, email) "
			"SELECT @t, c.id, c.name, p.email FROM customers c JOIN (SELECT 'ABM "
			"Apartments' n, 'office@abm-apartments.example.com' email UNION ALL SELECT "
			"'Cool Air', 'service@coolair.example.com' UNION ALL SELECT 'Cool Air', "
			"'dispatch@coolair.example.com' UNION ALL SELECT 'The Loop', "
			"'manager@theloop.example.com' UNION ALL SELECT 'Anderson Windows', "
			"'info@andersonwindows.example.com') p ON p.n = c.name WHERE c.tenant_id = "
			"@t;\n"
			/* The one who signs in, with the admin's (Argon2id) hash of PW. */
			"INSERT INTO portal_users (tenant_id, customer_id, company_name, email, "
			"password_hash, password_set_at) SELECT @t, c.id, c.name, '%s', "
			"(SELECT password_hash FROM office_users WHERE email = '%s'), NOW(6) FROM "
			"customers c WHERE c.tenant_id = @t AND c.name = 'ABM Apartments';\n",
			f->client, f->admin);
	}
	if (what & FX_CALENDARS)
		q = cat(q,
			"INSERT INTO calendars (tenant_id, name) VALUES (@t, 'Delivery Schedule'), "
			"(@t, 'Service Calendar');\n"
			"INSERT INTO vehicles (tenant_id, name) VALUES (@t, 'Truck 1'), "
			"(@t, 'Van 2'), (@t, 'Truck 3');\n"
			/* Users who schedule get both calendars, as the demo's. */
			"INSERT INTO office_user_calendars (user_id, calendar_id) SELECT u.id, "
			"c.id "
			"FROM office_users u JOIN calendars c ON c.tenant_id = u.tenant_id WHERE "
			"u.tenant_id = @t;\n");
	if (what & FX_RECORDS) {
		static const char *const abm[3] = {"North Wing", "South Wing", "Parking Garage"};
		static const char *const cool[3] = {"Warehouse A", "Warehouse B", "Showroom"};
		q = fx_records(q, "ABM Apartments", "ABM Tower", abm, 1001, f->client);
		q = fx_records(q, "Cool Air", "Cool Air Campus", cool, 2001,
			       "dispatch@coolair.example.com");
	}
	if (what & FX_NORTHWIND)
		q = cat(q, "INSERT INTO customers (tenant_id, name, primary_email, phone) VALUES "
			   "(@t, 'Northwind Storage', 'ops@northwind.example.com', '555-0201');\n"
			   "INSERT INTO calendars (tenant_id, name) VALUES (@t, 'Service "
			   "Calendar');\n");
	if (q == NULL || sql_run(q) != 0) {
		diag("fixture %s: its rows", f->slug);
		goto out;
	}
	rc = 0;
out:
	free(q);
	return rc;
}

/* The id of f's customer called name (caller frees; "0" when none). */
__attribute__((unused)) static char *fx_customer(const struct fx *f, const char *name)
{
	char *v =
		sql1("SELECT id FROM customers WHERE tenant_id = %s AND name = '%s'", f->tq, name);
	if (v == NULL || *v == '\0') {
		free(v);
		v = strdup("0");
	}
	return v;
}

/* A portal user of f's customer (by name) with the password PW; returns its
 * id (caller frees). */
__attribute__((unused)) static char *fx_portal_user(const struct fx *f, const char *email,
						    const char *customer)
{
	free(sql1("INSERT INTO portal_users (tenant_id, customer_id, company_name, email, "
		  "password_hash, password_set_at) SELECT c.tenant_id, c.id, c.name, '%s', "
		  "(SELECT password_hash FROM office_users WHERE email = '%s'), NOW(6) FROM "
		  "customers c WHERE c.tenant_id = %s AND c.name = '%s'",
		  email, f->admin, f->tq, customer));
	return sql1("SELECT id FROM portal_users WHERE tenant_id = %s AND email = '%s'", f->tq,
		    email);
}

/* ---- the portal ---- */

__attribute__((unused)) static void urlenc(const char *in, char *out, size_t sz)
{
	size_t o = 0;
	for (; *in && o + 4 < sz; in++) {
		unsigned char c = (unsigned char)*in;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, sz - o, "%%%02X", c);
	}
	out[o] = '\0';
}

/* Signs in on slug's direct link; returns the status, loc the Location. */
__attribute__((unused)) static long portal_login(struct hc *h, const char *slug, const char *email,
						 const char *pw, char *loc, size_t locsz)
{
	char path[128], fields[600], e[300], p[300];
	snprintf(path, sizeof path, "/portal/%s/", slug);
	urlenc(email, e, sizeof e);
	urlenc(pw, p, sizeof p);
	snprintf(fields, sizeof fields, "email=%s&password=%s", e, p);
	return post_form(h, path, path, fields, NULL, loc, loc ? locsz : 0);
}

__attribute__((unused)) static long status_of(struct hc *h, const char *method, const char *path,
					      const char *body, const char *hdr, char *headers,
					      size_t hsz)
{
	struct hc_resp r;
	long st;
	if (hc_req(h, method, path, body ? "application/x-www-form-urlencoded" : NULL, body, hdr,
		   &r) != 0)
		return -1;
	st = r.status;
	if (headers)
		snprintf(headers, hsz, "%.*s", (int)r.hlen, r.headers ? r.headers : "");
	hc_resp_free(&r);
	return st;
}

__attribute__((unused)) static long get_status(struct hc *h, const char *path)
{
	return status_of(h, "GET", path, NULL, NULL, NULL, 0);
}

/* Whether the first field of query fmt (with arg) is want. */
__attribute__((unused)) static int count_is(const char *want, const char *fmt, const char *arg)
{
	char *v = sql1(fmt, arg);
	int same = v && strcmp(v, want) == 0;
	if (!same)
		diag("count '%s', want '%s'", v ? v : "(null)", want);
	free(v);
	return same;
}

/* ---- the render cache, as a responder's log tells it ---- */

/* GET path as HTML: the body (caller frees) and the X-Request-Id in rid. */
__attribute__((unused)) static char *get_html(struct hc *h, const char *path, char rid[64])
{
	struct hc_resp r;
	char *body = NULL;

	rid[0] = '\0';
	if (hc_get(h, path, &r) != 0)
		return NULL;
	if (r.status == 200 && r.body != NULL)
		body = strdup(r.body);
	hc_header(&r, "X-Request-Id", rid, 64);
	hc_resp_free(&r);
	return body;
}

/* Whether the file at path (a responder's log) has a line with needle (a
 * fixed string). */
__attribute__((unused)) static int file_has(const char *path, const char *needle)
{
	char buf[4096];
	FILE *f;
	int found = 0;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (!found && fgets(buf, sizeof buf, f) != NULL)
		found = strstr(buf, needle) != NULL;
	fclose(f);
	return found;
}

/* The render cache's word on request rid in the responder's log at logp:
 * "hit", "miss", "-" (not a cached page), or "?" when no line names it. */
__attribute__((unused)) static const char *cache_of(const char *logp, const char *rid)
{
	static char v[8];
	char line[1024], want[80];
	FILE *f = fopen(logp, "r");

	snprintf(v, sizeof v, "?");
	snprintf(want, sizeof want, "rid=%s ", rid);
	while (f != NULL && rid[0] != '\0' && fgets(line, sizeof line, f) != NULL) {
		const char *c;
		if (strstr(line, want) != NULL && (c = strstr(line, " cache=")) != NULL)
			sscanf(c + 7, "%7[a-z?-]", v);
	}
	if (f != NULL)
		fclose(f);
	return v;
}

/* GETs path twice; 1 if the second answer came from the render cache (a
 * hit, or for a page with a memo the page memo's: "page") with the bytes
 * of the first (a cache with room keeps a page at once). */
__attribute__((unused)) static int kept(struct hc *h, const char *path, const char *logp)
{
	char rid[64];
	char *first, *second;
	const char *how;
	int yes;

	first = get_html(h, path, rid);
	second = get_html(h, path, rid);
	how = cache_of(logp, rid);
	yes = first != NULL && second != NULL && strcmp(first, second) == 0 &&
	      (strcmp(how, "hit") == 0 || strcmp(how, "page") == 0);
	free(first);
	free(second);
	return yes;
}

/* GET path: 1 when the page shows want (NULL: anything) and not unwanted
 * (NULL: nothing to avoid), and the log says it came as cache (the render
 * cache's "hit" or "miss", the page memo's "page", "-"). */
__attribute__((unused)) static int memo_is(struct hc *h, const char *path, const char *want,
					   const char *unwanted, const char *cache,
					   const char *logp)
{
	char rid[64];
	char *p = get_html(h, path, rid);
	const char *how = cache_of(logp, rid);
	int yes = p != NULL && (want == NULL || strstr(p, want) != NULL) &&
		  (unwanted == NULL || strstr(p, unwanted) == NULL) && strcmp(how, cache) == 0;

	if (!yes)
		diag("cache=%s, want %s", how, cache);
	free(p);
	return yes;
}

/* After a change: the next page shows want (rendered anew, not kept). */
__attribute__((unused)) static int fresh(struct hc *h, const char *path, const char *want,
					 const char *logp)
{
	return memo_is(h, path, want, NULL, "miss", logp);
}

#endif
