/* The docs test: the documentation names everything the code serves and
 * accepts, and nothing it does not.
 *
 *   routes  every .path of every struct page in the .c files of
 *           fcgi/settings/ and fcgi/portal/ (a "*" segment is a tenant slug,
 *           written <slug>) is named in docs/contract.md, the page reference;
 *   paths   every /settings/... or /portal/<slug>/... path that README.md or
 *           a Markdown file of docs/ names is one of those routes (query
 *           strings and anchors aside), so a renamed or removed page cannot
 *           stay documented;
 *   keys    every key conf.c accepts (its table, through conf_key()) has a
 *           row in docs/configuration.md under the heading of its section,
 *           and every row there is a key conf.c accepts in that section;
 *   links   every relative Markdown link in README.md and docs/ points at a
 *           file that exists, and at a heading of it when it names one;
 *   man     gatehouse.ini(5), written by make from docs/configuration.md
 *           (scripts/gen-ini-man), names every key conf.c accepts under its
 *           section's heading, with its default, so the installed page
 *           cannot lose a key on the way; gatehouse-ctl(8) names every
 *           command of gatehouse-ctl's usage (fcgi/ctl/ctl.c).
 *
 * Env: GH_SRCDIR (default "."), the source tree; GH_BUILDDIR (default "."),
 * the build tree (man/gatehouse.ini.5).  Prints TAP. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "tap.h"

#define MAX_ROUTES 256
#define ROUTE_MAX 200

static const char *src = ".";
static char routes[MAX_ROUTES][ROUTE_MAX];
static const char *route_file[MAX_ROUTES];
static size_t nroutes;

/* The whole file, NUL-terminated; NULL if unreadable. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

static char *slurp_src(const char *rel)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", src, rel);
	return slurp(path);
}

/* A route as the docs write it: "/portal/(any)/..." gets "<slug>" for its
 * second segment. */
static void docs_form(const char *route, char *out, size_t outsz)
{
	const char *rest;

	if (strncmp(route, "/portal/", 8) == 0 && (rest = strchr(route + 8, '/')) != NULL)
		snprintf(out, outsz, "/portal/<slug>%s", rest);
	else
		snprintf(out, outsz, "%s", route);
}

static void add_route(const char *path, size_t len, const char *file)
{
	char raw[ROUTE_MAX];

	if (len >= sizeof raw || nroutes >= MAX_ROUTES)
		return;
	memcpy(raw, path, len);
	raw[len] = '\0';
	docs_form(raw, routes[nroutes], ROUTE_MAX);
	for (size_t i = 0; i < nroutes; i++)
		if (strcmp(routes[i], routes[nroutes]) == 0)
			return; /* one route, two pages (none today) */
	route_file[nroutes] = strdup(file);
	nroutes++;
}

/* Every `.path = "..."` in the .c files of dir: the pages' routes. */
static size_t scan_pages(const char *dir)
{
	char dpath[4096], rel[4096];
	struct dirent **ents;
	size_t before = nroutes;
	int n;

	snprintf(dpath, sizeof dpath, "%s/%s", src, dir);
	if ((n = scandir(dpath, &ents, NULL, alphasort)) < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t len = strlen(name);
		char *text, *p;

		if (len > 2 && strcmp(name + len - 2, ".c") == 0) {
			snprintf(rel, sizeof rel, "%s/%s", dir, name);
			if ((text = slurp_src(rel)) != NULL) {
				for (p = text; (p = strstr(p, ".path")) != NULL;) {
					char *q = p + 5, *end;
					p = q;
					while (*q == ' ' || *q == '\t')
						q++;
					if (*q++ != '=')
						continue;
					while (*q == ' ' || *q == '\t')
						q++;
					if (*q++ != '"' || (end = strchr(q, '"')) == NULL)
						continue;
					add_route(q, (size_t)(end - q), rel);
				}
				free(text);
			}
		}
		free(ents[i]);
	}
	free(ents);
	return nroutes - before;
}

static int path_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '/' || c == '<' ||
	       c == '>';
}

/* Whether text names route r as a path of its own: not the start of a
 * longer one ("/settings/customers" is not named by
 * "/settings/customers/edit"). */
static int names_route(const char *text, const char *r)
{
	size_t len = strlen(r);

	for (const char *p = text; (p = strstr(p, r)) != NULL; p++) {
		char next = p[len];
		if (!(isalnum((unsigned char)next) || next == '-' || next == '_' || next == '/'))
			return 1;
	}
	return 0;
}

static int is_route(const char *path)
{
	for (size_t i = 0; i < nroutes; i++)
		if (strcmp(routes[i], path) == 0)
			return 1;
	return 0;
}

/* Every /settings/... or /portal/X/... path in text is a route. */
static void check_paths(const char *file, const char *text)
{
	static const char *const prefixes[] = {"/settings/", "/portal/"};
	int named = 0, bad = 0;

	for (size_t k = 0; k < 2; k++) {
		for (const char *p = text; (p = strstr(p, prefixes[k])) != NULL; p++) {
			char tok[ROUTE_MAX], form[ROUTE_MAX];
			size_t n = 0;

			/* Part of a longer path (fcgi/settings/main.c) or a URL
			 * with a host (http://127.0.0.1:8080/settings/): not
			 * a route as the docs write one. */
			if (p > text && (isalnum((unsigned char)p[-1]) || strchr("-_./:", p[-1])))
				continue;
			while (path_char(p[n]) && n + 1 < sizeof tok) {
				tok[n] = p[n];
				n++;
			}
			tok[n] = '\0';
			if (k == 1) {
				/* /portal/ alone (nginx's location) is no page. */
				const char *slash = strchr(tok + 8, '/');
				if (slash == NULL)
					continue;
				docs_form(tok, form, sizeof form);
			} else {
				snprintf(form, sizeof form, "%s", tok);
			}
			named++;
			if (!is_route(form)) {
				bad++;
				ok(0, "%s names %s, which no page serves", file, form);
			}
		}
	}
	if (bad == 0)
		ok(1, "%s: the %d paths it names are routes", file, named);
}

/* The part of text under the heading that holds "[section]", up to the
 * next heading of the same or a higher level; NULL if none. */
static const char *section_of(const char *text, const char *section, size_t *len)
{
	char want[80];
	const char *line = text;

	snprintf(want, sizeof want, "[%s]", section);
	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		size_t level = 0;

		while (level < ll && line[level] == '#')
			level++;
		if (level > 0 && level < ll && line[level] == ' ') {
			const char *hit = strstr(line, want);
			if (hit != NULL && hit < line + ll) {
				const char *body = eol ? eol + 1 : line + ll, *q = body;
				while (*q) {
					const char *e = strchr(q, '\n');
					size_t l2 = 0;
					while (q[l2] == '#')
						l2++;
					if (l2 > 0 && l2 <= level && q[l2] == ' ')
						break;
					q = e ? e + 1 : q + strlen(q);
				}
				*len = (size_t)(q - body);
				return body;
			}
		}
		line = eol ? eol + 1 : line + ll;
	}
	return NULL;
}

/* Whether body[0..len) has a table row whose first cell is `name`. */
static int has_row(const char *body, size_t len, const char *name)
{
	char want[128];
	size_t wl;

	wl = (size_t)snprintf(want, sizeof want, "| `%s` |", name);
	for (const char *p = body; p + wl <= body + len; p++) {
		p = strstr(p, want);
		if (p == NULL || p + wl > body + len)
			return 0;
		if (p == body || p[-1] == '\n')
			return 1;
	}
	return 0;
}

static int conf_has(const char *section, const char *name)
{
	const char *s, *n;
	for (size_t i = 0; conf_key(i, &s, &n) == 0; i++)
		if (strcmp(s, section) == 0 && strcmp(n, name) == 0)
			return 1;
	return 0;
}

/* Every row "| `x` |" under a section's heading is a key of that section. */
static void check_rows(const char *text)
{
	const char *s, *n, *prev = "";

	for (size_t i = 0; conf_key(i, &s, &n) == 0; i++) {
		size_t len;
		const char *body;
		int bad = 0, rows = 0;

		if (strcmp(s, prev) == 0)
			continue;
		prev = s;
		if ((body = section_of(text, s, &len)) == NULL)
			continue; /* reported by the key checks */
		for (const char *p = body; p < body + len;) {
			const char *eol = memchr(p, '\n', (size_t)(body + len - p));
			size_t ll = eol ? (size_t)(eol - p) : (size_t)(body + len - p);
			if (ll > 4 && strncmp(p, "| `", 3) == 0) {
				const char *e = memchr(p + 3, '`', ll - 3);
				char key[128];
				if (e != NULL && (size_t)(e - p - 3) < sizeof key) {
					memcpy(key, p + 3, (size_t)(e - p - 3));
					key[e - p - 3] = '\0';
					rows++;
					if (!conf_has(s, key)) {
						bad++;
						ok(0,
						   "docs/configuration.md [%s] documents "
						   "%s, which "
						   "conf.c refuses there",
						   s, key);
					}
				}
			}
			p = eol ? eol + 1 : body + len;
		}
		if (bad == 0)
			ok(1,
			   "docs/configuration.md [%s]: its %d rows are keys conf.c "
			   "accepts",
			   s, rows);
	}
}

/* Blanks the inside of fenced code blocks (```), newlines kept, so that a
 * shell comment there is not taken for a heading. */
static void blank_fences(char *text)
{
	int in = 0;

	for (char *line = text; *line;) {
		char *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		if (ll >= 3 && strncmp(line, "```", 3) == 0)
			in = !in;
		else if (in)
			memset(line, ' ', ll);
		line = eol ? eol + 1 : line + ll;
	}
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* GitHub's anchor for a heading's text: lowercased, spaces to hyphens,
 * everything but letters, digits, hyphens and underscores dropped. */
static void slug(const char *h, size_t len, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < outsz; i++) {
		unsigned char c = (unsigned char)h[i];
		if (isalnum(c))
			out[o++] = (char)tolower(c);
		else if (c == ' ' || c == '-')
			out[o++] = '-';
		else if (c == '_')
			out[o++] = '_';
	}
	out[o] = '\0';
}

/* Whether the Markdown text has a heading (outside code fences) whose
 * anchor is frag. */
static int has_anchor(const char *text, const char *frag)
{
	int in = 0;

	for (const char *line = text; *line;) {
		const char *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line), lv = 0;
		char a[256];

		if (ll >= 3 && strncmp(line, "```", 3) == 0)
			in = !in;
		while (!in && lv < ll && line[lv] == '#')
			lv++;
		if (lv > 0 && lv < ll && line[lv] == ' ') {
			slug(line + lv + 1, ll - lv - 1, a, sizeof a);
			if (strcmp(a, frag) == 0)
				return 1;
		}
		line = eol ? eol + 1 : line + ll;
	}
	return 0;
}

/* Every relative link target "](x)" in the Markdown file rel (in dir) names
 * a file or directory that exists, and its "#anchor", if any, a heading of
 * that file. */
static void check_links(const char *rel, const char *dir, const char *text)
{
	int n = 0, bad = 0;

	for (const char *p = text; (p = strstr(p, "](")) != NULL; p += 2) {
		const char *e = strchr(p + 2, ')');
		char target[1024], path[4096], *hash, *frag = NULL;
		size_t tl;

		if (e == NULL || (tl = (size_t)(e - p - 2)) == 0 || tl >= sizeof target)
			continue;
		memcpy(target, p + 2, tl);
		target[tl] = '\0';
		if (strstr(target, "://") != NULL || strncmp(target, "mailto:", 7) == 0 ||
		    strchr(target, ' ') != NULL)
			continue;
		if ((hash = strchr(target, '#')) != NULL) {
			*hash = '\0';
			frag = hash + 1;
		}
		n++;
		if (target[0] == '\0') {
			if (frag != NULL && !has_anchor(text, frag)) {
				bad++;
				ok(0, "%s links to #%s, which is no heading of it", rel, frag);
			}
			continue;
		}
		snprintf(path, sizeof path, "%s/%s%s%s", src, dir, *dir ? "/" : "", target);
		if (!exists(path)) {
			bad++;
			ok(0, "%s links to %s, which does not exist", rel, target);
		} else if (frag != NULL) {
			char *t = slurp(path);
			if (t == NULL || !has_anchor(t, frag)) {
				bad++;
				ok(0, "%s links to %s#%s, which is no heading there", rel, target,
				   frag);
			}
			free(t);
		}
	}
	if (bad == 0)
		ok(1, "%s: its %d relative links lead to files and headings that exist", rel, n);
}

/* In the man(7) text of gatehouse.ini(5): the key's entry, "\fBkey\fR
 * (default: ...", between the heading .SS "[section]" and the next
 * heading. */
static int man_has_key(const char *man, const char *section, const char *key)
{
	char head[128], entry[160];
	const char *p, *end, *q;

	snprintf(head, sizeof head, "\n.SS \"[%s]\"\n", section);
	snprintf(entry, sizeof entry, "\n\\fB%s\\fR (default: ", key);
	if ((p = strstr(man, head)) == NULL)
		return 0;
	p += strlen(head);
	end = p + strlen(p);
	if ((q = strstr(p, "\n.SS ")) != NULL && q < end)
		end = q;
	if ((q = strstr(p, "\n.SH ")) != NULL && q < end)
		end = q;
	q = strstr(p - 1, entry);
	return q != NULL && q < end;
}

/* gatehouse-ctl's commands, from the lines of its usage text: each line
 * "  WORD [WORD]..." gives the leading lower-case words ("key create"),
 * checked in the man page's text. */
static void check_ctl_page(const char *ctl, const char *man)
{
	const char *p = strstr(ctl, "commands:\\n\"");
	const char *end = p != NULL ? strstr(p, "stderr);") : NULL;
	int n = 0, bad = 0;

	for (; p != NULL && end != NULL && (p = strstr(p, "\"  ")) != NULL && p < end; p += 3) {
		char cmd[64];
		size_t len = 0;
		const char *q = p + 3;

		if (*q == ' ')
			continue; /* a continuation line */
		while (len + 1 < sizeof cmd && (islower((unsigned char)*q) || *q == '_' ||
						(*q == ' ' && islower((unsigned char)q[1])))) {
			cmd[len++] = *q++;
		}
		cmd[len] = '\0';
		if (len == 0)
			continue;
		n++;
		if (man == NULL || strstr(man, cmd) == NULL) {
			bad++;
			ok(0, "gatehouse-ctl(8) describes the command \"%s\"", cmd);
		}
	}
	ok(n >= 10 && bad == 0,
	   "gatehouse-ctl(8) describes the %d commands of gatehouse-ctl's usage", n);
}

int main(void)
{
	const char *e = getenv("GH_SRCDIR"), *s, *n;
	char *contract, *config, *text;
	size_t nset, nportal;
	struct dirent **ents;
	int nd;

	if (e != NULL && *e)
		src = e;

	/* Routes: the pages' sources. */
	nset = scan_pages("fcgi/settings");
	nportal = scan_pages("fcgi/portal");
	ok(nset >= 10, "fcgi/settings/*.c declare %zu routes", nset);
	ok(nportal >= 10, "fcgi/portal/*.c declare %zu routes", nportal);
	contract = slurp_src("docs/contract.md");
	ok(contract != NULL, "docs/contract.md is there");
	for (size_t i = 0; i < nroutes; i++)
		ok(contract != NULL && names_route(contract, routes[i]),
		   "docs/contract.md names %s (%s)", routes[i], route_file[i]);

	/* Paths the docs name are routes. */
	if ((text = slurp_src("README.md")) != NULL) {
		check_paths("README.md", text);
		check_links("README.md", "", text);
		free(text);
	} else {
		ok(0, "README.md is there");
	}
	{
		char dpath[4096];
		snprintf(dpath, sizeof dpath, "%s/docs", src);
		nd = scandir(dpath, &ents, NULL, alphasort);
	}
	for (int i = 0; i < nd; i++) {
		const char *name = ents[i]->d_name;
		size_t len = strlen(name);
		char rel[512];

		if (len > 3 && strcmp(name + len - 3, ".md") == 0) {
			snprintf(rel, sizeof rel, "docs/%s", name);
			if ((text = slurp_src(rel)) != NULL) {
				/* The recipe for a new page names a page that does
				 * not exist, on purpose. */
				if (strcmp(name, "adding-a-page.md") != 0)
					check_paths(rel, text);
				check_links(rel, "docs", text);
				free(text);
			}
		}
		free(ents[i]);
	}
	if (nd >= 0)
		free(ents);

	/* Config keys: conf.c's own table. */
	config = slurp_src("docs/configuration.md");
	ok(config != NULL, "docs/configuration.md is there");
	if (config != NULL)
		blank_fences(config);
	for (size_t i = 0; conf_key(i, &s, &n) == 0; i++) {
		size_t len = 0;
		const char *body = config ? section_of(config, s, &len) : NULL;
		ok(body != NULL && has_row(body, len, n),
		   "docs/configuration.md documents [%s] %s under its section", s, n);
	}
	if (config != NULL)
		check_rows(config);

	/* The installed page of the keys (built by make). */
	{
		const char *b = getenv("GH_BUILDDIR");
		char mpath[4096];
		char *man;

		snprintf(mpath, sizeof mpath, "%s/man/gatehouse.ini.5", b != NULL && *b ? b : ".");
		man = slurp(mpath);
		ok(man != NULL, "%s is there (make writes it from docs/configuration.md)", mpath);
		for (size_t i = 0; man != NULL && conf_key(i, &s, &n) == 0; i++)
			ok(man_has_key(man, s, n),
			   "gatehouse.ini(5) describes [%s] %s under its section", s, n);
		free(man);
	}
	{
		char *ctl = slurp_src("fcgi/ctl/ctl.c"), *man = slurp_src("man/gatehouse-ctl.8");

		ok(ctl != NULL && man != NULL, "fcgi/ctl/ctl.c and man/gatehouse-ctl.8 are there");
		check_ctl_page(ctl != NULL ? ctl : "", man);
		free(ctl);
		free(man);
	}

	for (size_t i = 0; i < nroutes; i++)
		free((char *)route_file[i]);
	free(contract);
	free(config);
	return done_testing();
}
