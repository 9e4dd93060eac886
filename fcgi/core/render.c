#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxslt/imports.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>
#include <libxslt/extensions.h>
#include <libxml/xpathInternals.h>

#include "log.h"
#include "rcache.h"
#include "render.h"
#include "tz.h"

static struct {
	char name[64];
	xsltStylesheetPtr sheet;
} sheets[RENDER_MAX];
static size_t nsheets;
static xsltSecurityPrefsPtr prefs;

/* gh:local-time(instant, zone): "2026-12-05T21:35:07Z" as "2026-12-05
 * 16:35 EST" in the IANA zone (tz.h); anything that is not an instant comes
 * back as it is.  A pure function of its arguments (the zone files are read
 * once and never change in a process), so pages that use it may still be
 * kept by the render cache: the zone is in the page's document, hence in
 * its key. */
static void local_time(xmlXPathParserContextPtr ctxt, int nargs)
{
	xmlChar *iso, *zone;
	struct tz_local l;
	char out[64];
	time_t t;

	if (nargs != 2) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	zone = xmlXPathPopString(ctxt);
	iso = xmlXPathPopString(ctxt);
	if (iso != NULL && tz_parse_utc((const char *)iso, &t) == 0) {
		tz_convert((const char *)zone, t, &l);
		snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d %s", l.year, l.mon, l.mday,
			 l.hour, l.min, l.abbr);
		xmlXPathReturnString(ctxt, xmlStrdup(BAD_CAST out));
	} else
		xmlXPathReturnString(ctxt, iso != NULL ? xmlStrdup(iso) : xmlStrdup(BAD_CAST ""));
	xmlFree(iso);
	xmlFree(zone);
}

int render_init(const char *dir, const char *const *names)
{
	char path[PATH_MAX];

	xsltRegisterExtModuleFunction(BAD_CAST "local-time", BAD_CAST RENDER_NS, local_time);

	/* Stylesheets may include layout.xsl at compile time; after that,
	 * nothing may read or write a file or reach the network. */
	for (; *names != NULL; names++) {
		xsltStylesheetPtr s;
		if (nsheets == RENDER_MAX || strlen(*names) >= sizeof sheets[0].name) {
			log_err("render: too many stylesheets, or a name too long: %s", *names);
			return -1;
		}
		snprintf(path, sizeof path, "%s/%s.xsl", dir, *names);
		if ((s = xsltParseStylesheetFile(BAD_CAST path)) == NULL) {
			log_err("render: cannot compile %s", path);
			return -1;
		}
		snprintf(sheets[nsheets].name, sizeof sheets[0].name, "%s", *names);
		sheets[nsheets++].sheet = s;
	}
	if ((prefs = xsltNewSecurityPrefs()) == NULL)
		return -1;
	xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(prefs, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid);
	xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
	xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
	xsltSetDefaultSecurityPrefs(prefs);
	return 0;
}

/* ---- HTML serialisation ----
 * libxml2's HTML serialiser (htmlDocContentDumpFormatOutput) cost 30% of a
 * list page's render: it looks every element up in its HTML 4 table by
 * case-insensitive compares and re-escapes URIs.  Ours writes HTML5 for the
 * trees our stylesheets make: void elements without end tags, script and
 * style as raw text, text escaped (& < >), attributes double-quoted (& < > "). */

struct obuf {
	xmlChar *p;
	size_t len, cap;
	int oom;
};

static void ob_add(struct obuf *b, const char *s, size_t n)
{
	if (b->oom || n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		while (cap < b->len + n + 1)
			cap *= 2;
		xmlChar *p = xmlRealloc(b->p, cap);
		if (p == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void ob_str(struct obuf *b, const char *s)
{
	ob_add(b, s, strlen(s));
}

/* s escaped: & < > in text; & < > " in attribute values (< and > need no
 * escape there in HTML5, but older parsers and filters trip on them). */
static void ob_esc(struct obuf *b, const xmlChar *s, int attr)
{
	const char *p = (const char *)s, *run = p;

	for (; *p; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = attr ? "&quot;" : NULL; break;
		}
		if (rep != NULL) {
			ob_add(b, run, (size_t)(p - run));
			ob_str(b, rep);
			run = p + 1;
		}
	}
	ob_add(b, run, (size_t)(p - run));
}

static int name_in(const xmlChar *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp((const char *)name, *list) == 0)
			return 1;
	return 0;
}

static const char *const void_elements[] = {"area",   "base",  "br",    "col",  "embed",
					    "hr",     "img",   "input", "link", "meta",
					    "source", "track", "wbr",   NULL};
static const char *const raw_text_elements[] = {"script", "style", NULL};

static void ob_name(struct obuf *b, xmlNodePtr n)
{
	if (n->ns != NULL && n->ns->prefix != NULL) {
		ob_str(b, (const char *)n->ns->prefix);
		ob_add(b, ":", 1);
	}
	ob_str(b, (const char *)n->name);
}

static void html_node(struct obuf *b, xmlNodePtr n, int raw)
{
	for (; n != NULL; n = n->next) {
		switch (n->type) {
		case XML_ELEMENT_NODE: {
			/* Foreign (SVG) elements keep their namespace declaration. */
			int foreign = n->ns != NULL && n->ns->href != NULL;
			ob_add(b, "<", 1);
			ob_name(b, n);
			for (xmlNsPtr ns = n->nsDef; ns != NULL; ns = ns->next) {
				ob_str(b, ns->prefix ? " xmlns:" : " xmlns");
				if (ns->prefix)
					ob_str(b, (const char *)ns->prefix);
				ob_str(b, "=\"");
				ob_esc(b, ns->href, 1);
				ob_add(b, "\"", 1);
			}
			for (xmlAttrPtr a = n->properties; a != NULL; a = a->next) {
				xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
				ob_add(b, " ", 1);
				if (a->ns != NULL && a->ns->prefix != NULL) {
					ob_str(b, (const char *)a->ns->prefix);
					ob_add(b, ":", 1);
				}
				ob_str(b, (const char *)a->name);
				ob_str(b, "=\"");
				if (v != NULL)
					ob_esc(b, v, 1);
				ob_add(b, "\"", 1);
				xmlFree(v);
			}
			ob_add(b, ">", 1);
			if (!foreign && name_in(n->name, void_elements))
				break;
			html_node(b, n->children, !foreign && name_in(n->name, raw_text_elements));
			ob_str(b, "</");
			ob_name(b, n);
			ob_add(b, ">", 1);
			break;
		}
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content == NULL)
				break;
			if (raw)
				ob_str(b, (const char *)n->content);
			else
				ob_esc(b, n->content, 0);
			break;
		case XML_COMMENT_NODE:
			ob_str(b, "<!--");
			ob_str(b, n->content ? (const char *)n->content : "");
			ob_str(b, "-->");
			break;
		default: break; /* no PIs, entities or DTD nodes in our output */
		}
	}
}

/* The result document as HTML5; *out freed with xmlFree(). */
static int html_dump(xmlDocPtr res, xmlChar **out, int *len)
{
	struct obuf b = {0};

	if (res->intSubset != NULL)
		ob_str(&b, "<!DOCTYPE html>\n");
	for (xmlNodePtr n = res->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE || n->type == XML_COMMENT_NODE) {
			xmlNodePtr next = n->next;
			n->next = NULL; /* one top-level node at a time */
			html_node(&b, n, 0);
			n->next = next;
		}
	if (b.oom || b.p == NULL || b.len > INT_MAX) {
		xmlFree(b.p);
		return -1;
	}
	*out = b.p;
	*len = (int)b.len;
	return 0;
}

int render_html(const char *name, xmlDocPtr doc, xmlChar **out, int *len)
{
	xsltStylesheetPtr s = NULL;
	xsltTransformContextPtr ctx = NULL;
	xmlDocPtr res = NULL;
	int rc = -1;

	*out = NULL;
	for (size_t i = 0; i < nsheets; i++)
		if (strcmp(sheets[i].name, name) == 0)
			s = sheets[i].sheet;
	if (s == NULL) {
		log_err("render: no stylesheet %s", name);
		goto out;
	}
	if ((ctx = xsltNewTransformContext(s, doc)) == NULL)
		goto out;
	xsltSetCtxtSecurityPrefs(prefs, ctx);
	if ((res = xsltApplyStylesheetUser(s, doc, NULL, NULL, NULL, ctx)) == NULL ||
	    ctx->state != XSLT_STATE_OK) {
		log_err("render: %s failed", name);
		goto out;
	}
	/* Pages (method html) through our serialiser; mail text parts
	 * (method text) through libxslt's. */
	const xmlChar *method = NULL;
	XSLT_GET_IMPORT_PTR(method, s, method);
	if (method != NULL && xmlStrEqual(method, BAD_CAST "html")) {
		if (html_dump(res, out, len) != 0)
			goto out;
	} else if (xsltSaveResultToString(out, len, res, s) != 0 || *out == NULL)
		goto out;
	rc = 0;
out:
	xmlFreeDoc(res);
	xsltFreeTransformContext(ctx);
	return rc;
}

int render_page(const char *name, xmlDocPtr doc, xmlChar **out, int *len, int *hit, unsigned tenant)
{
	unsigned char key[RCACHE_KEY_LEN];
	int keyed = rcache_enabled() && rcache_key(name, doc, key) == 0;

	*hit = 0;
	/* Out of memory for the copy: rendering may still succeed. */
	if (keyed && rcache_get(key, out, len) == RCACHE_HIT) {
		*hit = 1;
		return 0;
	}
	if (render_html(name, doc, out, len) != 0)
		return -1;
	if (keyed)
		rcache_put(key, *out, *len, tenant);
	return 0;
}

void render_free(void)
{
	for (size_t i = 0; i < nsheets; i++)
		xsltFreeStylesheet(sheets[i].sheet);
	nsheets = 0;
	xsltSetDefaultSecurityPrefs(NULL);
	xsltFreeSecurityPrefs(prefs);
	prefs = NULL;
	xsltCleanupGlobals();
}
