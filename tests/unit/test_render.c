/* Unit tests for fcgi/core/render.c: the real stylesheets compile and escape
 * what they print; stylesheets cannot read or write files at run time.
 * Env: GH_SRCDIR (default ".") locates xslt/. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "render.h"
#include "tap.h"
#include "xml.h"

#define CSRF "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define REQID "0123456789abcdef"
/* Hostile values: one with both quote kinds, one with double quotes only. */
#define NEXT "/settings/\"'><script>alert(2)</script>"
#define EMAIL "\"><img src=x onerror=alert(3)>"

/* Renders doc with name; returns the HTML (caller frees with xmlFree) or NULL. */
static char *render(const char *name, xmlDocPtr doc, int *rc)
{
	xmlChar *out = NULL;
	int len = 0;

	*rc = render_html(name, doc, &out, &len);
	if (*rc != 0) {
		xmlFree(out);
		return NULL;
	}
	return (char *)out;
}

static xmlDocPtr error_doc(void)
{
	xmlDocPtr d = xml_doc("error");
	xmlNodePtr r = xmlDocGetRootElement(d);

	xml_attr_int(r, "status", 404);
	xml_attr(r, "request-id", REQID);
	xml_text_el(r, "title", "Not found & \"gone\" <b>");
	xml_text_el(r, "message", "The page <x> is missing.");
	return d;
}

static xmlDocPtr login_doc(void)
{
	xmlDocPtr d = xml_doc("page");
	xmlNodePtr r = xmlDocGetRootElement(d), n, f;

	xml_attr(r, "name", "login");
	xml_attr(r, "request-id", REQID);
	xml_attr(r, "base-url", "http://127.0.0.1:8080");
	n = xml_text_el(r, "notice", "<script>alert(1)</script>");
	xml_attr(n, "kind", "error");
	f = xml_el(r, "form");
	n = xml_el(f, "field");
	xml_attr(n, "name", "email");
	xml_attr(n, "value", EMAIL);
	xml_attr(n, "error", "<i>Enter an email address.</i>");
	n = xml_el(r, "login");
	xml_attr(n, "csrf", CSRF);
	xml_attr(n, "next", NEXT);
	return d;
}

/* Parses the HTML as a browser would (libxml2's HTML parser) and checks
 * that the hostile values stayed inside their attribute and text nodes. */
static int count_els(xmlNodePtr n, const char *name)
{
	int c = 0;
	for (; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			c += (strcmp((const char *)n->name, name) == 0) +
			     count_els(n->children, name);
	return c;
}

static xmlNodePtr find_input(xmlNodePtr n, const char *name)
{
	for (; n; n = n->next) {
		xmlNodePtr f;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "input") == 0) {
			xmlChar *v = xmlGetProp(n, BAD_CAST "name");
			int hit = v && strcmp((const char *)v, name) == 0;
			xmlFree(v);
			if (hit)
				return n;
		}
		if ((f = find_input(n->children, name)) != NULL)
			return f;
	}
	return NULL;
}

static int attr_is(xmlNodePtr n, const char *attr, const char *want)
{
	xmlChar *v = n ? xmlGetProp(n, BAD_CAST attr) : NULL;
	int r = v && strcmp((const char *)v, want) == 0;
	if (!r)
		diag("  %s: got '%s', want '%s'", attr, v ? (const char *)v : "(none)", want);
	xmlFree(v);
	return r;
}

static int check_parsed(const char *h)
{
	htmlDocPtr p = htmlReadMemory(h, (int)strlen(h), "login.html", "UTF-8",
				      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	xmlNodePtr root = p ? xmlDocGetRootElement(p) : NULL;
	int good = ok(root != NULL, "the login HTML parses");

	good &= ok(count_els(root, "script") == 1, "exactly one <script> (app.js) after parsing");
	good &= ok(count_els(root, "img") == 0, "no <img> after parsing");
	good &= ok(attr_is(find_input(root, "next"), "value", NEXT),
		   "next (both quote kinds) stays one attribute value");
	good &= ok(attr_is(find_input(root, "email"), "value", EMAIL),
		   "echoed email value stays one attribute value");
	xmlFreeDoc(p);
	return good;
}

static void test_pages(void)
{
	char *h, *h2;
	int rc;
	xmlDocPtr d;

	h = render("no-such-page", (d = error_doc()), &rc);
	ok(rc == -1 && h == NULL, "render_html with an unknown name -> -1");
	xmlFreeDoc(d);

	d = error_doc();
	h = render("error", d, &rc);
	is_int(rc, 0, "render the error page");
	if (h != NULL) {
		int good = ok(strncmp(h, "<!DOCTYPE html>", 15) == 0, "HTML5 doctype");
		good &= ok(
			strstr(h,
			       "<h1 id=\"error-title\">Not found &amp; \"gone\" &lt;b&gt;</h1>") !=
				NULL,
			"the title is escaped in <h1>");
		good &= ok(strstr(h, "<title>Not found &amp; \"gone\" &lt;b&gt; \xc2\xb7 "
				     "Gatehouse</title>") != NULL,
			   "the title is escaped in <title>");
		good &= ok(strstr(h, "The page &lt;x&gt; is missing.") != NULL,
			   "the message is escaped");
		good &= ok(strstr(h, "<b>") == NULL && strstr(h, "<x>") == NULL,
			   "no markup from the document");
		good &= ok(strstr(h, "Error 404") != NULL, "status shown");
		good &= ok(strstr(h, "Reference: " REQID) != NULL, "request id shown");
		h2 = render("error", d, &rc);
		ok(h2 != NULL && strcmp(h, h2) == 0, "rendering twice gives the same page");
		xmlFree(h2);
		if (!good)
			diag("HTML: %s", h);
	}
	xmlFree(h);
	xmlFreeDoc(d);

	d = login_doc();
	h = render("login", d, &rc);
	is_int(rc, 0, "render the login page");
	if (h != NULL) {
		int good = 1;
		good &= ok(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL,
			   "notice text escaped");
		good &= ok(strstr(h, "<script>alert") == NULL, "no injected <script> element");
		good &= ok(strstr(h, "<img") == NULL, "no injected <img> element");
		good &= ok(strstr(h, "&lt;i&gt;Enter an email address.&lt;/i&gt;") != NULL,
			   "field error escaped");
		good &= ok(strstr(h, "aria-invalid=\"true\"") != NULL, "field marked invalid");
		good &= ok(strstr(h, "value=\"" CSRF "\"") != NULL, "csrf token in the form");
		good &= check_parsed(h);
		if (!good)
			diag("HTML: %s", h);
	}
	xmlFree(h);
	xmlFreeDoc(d);
}

/* The stylesheets are shared by all threads. */
struct job {
	const char *ref;
	int mismatches;
};

static void *render_loop(void *arg)
{
	struct job *j = arg;
	for (int i = 0; i < 10; i++) {
		xmlDocPtr d = login_doc();
		int rc;
		char *h = render("login", d, &rc);
		if (h == NULL || strcmp(h, j->ref) != 0)
			j->mismatches++;
		xmlFree(h);
		xmlFreeDoc(d);
	}
	return NULL;
}

static void test_threads(void)
{
	xmlDocPtr d = login_doc();
	int rc, bad = 0, started = 0;
	char *ref = render("login", d, &rc);
	pthread_t th[4];
	struct job j[4];

	xmlFreeDoc(d);
	if (!ok(ref != NULL, "reference render for the thread test"))
		return;
	for (int i = 0; i < 4; i++) {
		j[i] = (struct job){ref, 0};
		if (pthread_create(&th[i], NULL, render_loop, &j[i]) == 0)
			started++;
		else
			break;
	}
	for (int i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		bad += j[i].mismatches;
	}
	ok(started == 4 && bad == 0, "4 threads x 10 renders all give the same page (%d bad)", bad);
	xmlFree(ref);
}

/* ------------------------------------------------------------------ */
/* Stylesheets must not read or write files.                           */

#define MARKER "GH-SECRET-MARKER-7f3a"

static char tmpdir[512];

static int put(const char *name, const char *text)
{
	char p[700];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	if ((f = fopen(p, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int exists(const char *name)
{
	char p[700];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	return stat(p, &st) == 0;
}

static void rm(const char *name)
{
	char p[700];
	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	if (unlink(p) != 0)
		rmdir(p);
}

/* A stylesheet whose template body is body (extra namespace declarations in ns). */
static int put_xsl(const char *name, const char *version, const char *ns, const char *body)
{
	char x[2048];

	snprintf(x, sizeof x,
		 "<?xml version=\"1.0\"?>\n"
		 "<xsl:stylesheet version=\"%s\" "
		 "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" %s>\n"
		 "<xsl:output method=\"html\"/>\n"
		 "<xsl:template match=\"/\"><p>[%s]</p></xsl:template>\n"
		 "</xsl:stylesheet>\n",
		 version, ns, body);
	return put(name, x);
}

static const struct evil {
	const char *name;
	int writes;       /* 0: reads, check MARKER; 1: writes file */
	const char *file; /* the file a write would create */
} evil[] = {
	{"read-relative", 0, NULL},          {"read-absolute", 0, NULL},
	{"read-file-url", 0, NULL},          {"read-passwd", 0, NULL},
	{"write-document", 1, "pwned1.txt"}, {"write-saxon", 1, "pwned2.txt"},
};
#define NEVIL (sizeof evil / sizeof evil[0])

static int make_evil(void)
{
	char body[1024];
	int rc = 0;

	rc |= put("secret.xml", "<secret>" MARKER "</secret>\n");
	rc |= put_xsl("read-relative.xsl", "1.0", "",
		      "<xsl:value-of select=\"document('secret.xml')\"/>");
	snprintf(body, sizeof body, "<xsl:value-of select=\"document('%s/secret.xml')\"/>", tmpdir);
	rc |= put_xsl("read-absolute.xsl", "1.0", "", body);
	snprintf(body, sizeof body, "<xsl:value-of select=\"document('file://%s/secret.xml')\"/>",
		 tmpdir);
	rc |= put_xsl("read-file-url.xsl", "1.0", "", body);
	rc |= put_xsl("read-passwd.xsl", "1.0", "",
		      "<xsl:copy-of select=\"document('/etc/passwd')\"/>");
	snprintf(body, sizeof body,
		 "<xsl:document href=\"%s/pwned1.txt\" method=\"text\">owned</xsl:document>",
		 tmpdir);
	rc |= put_xsl("write-document.xsl", "1.1", "", body);
	snprintf(body, sizeof body,
		 "<saxon:output href=\"%s/pwned2.txt\" method=\"text\">owned</saxon:output>",
		 tmpdir);
	rc |= put_xsl("write-saxon.xsl", "1.0",
		      "xmlns:saxon=\"http://icl.com/saxon\" extension-element-prefixes=\"saxon\"",
		      body);
	return rc;
}

/* Without any security preferences, do the fixtures really read/write?  If
 * not, the refusals checked below would prove nothing. */
static void control_run(void)
{
	for (size_t i = 0; i < NEVIL; i++) {
		char p[700];
		xmlChar *out = NULL;
		int len = 0;
		xsltStylesheetPtr s;
		xmlDocPtr in, res = NULL;

		if (strcmp(evil[i].name, "read-passwd") == 0)
			continue; /* not XML: unreadable even when allowed */
		snprintf(p, sizeof p, "%s/%s.xsl", tmpdir, evil[i].name);
		s = xsltParseStylesheetFile(BAD_CAST p);
		in = xml_doc("page");
		if (s != NULL)
			res = xsltApplyStylesheet(s, in, NULL);
		if (res != NULL)
			xsltSaveResultToString(&out, &len, res, s);
		if (evil[i].writes) {
			ok(exists(evil[i].file), "control: without prefs, %s writes %s",
			   evil[i].name, evil[i].file);
			rm(evil[i].file);
		} else {
			ok(out && strstr((char *)out, MARKER),
			   "control: without prefs, %s reads the file", evil[i].name);
		}
		xmlFree(out);
		xmlFreeDoc(res);
		xmlFreeDoc(in);
		xsltFreeStylesheet(s);
	}
}

static void test_security(void)
{
	const char *base = getenv("TMPDIR");
	const char *names[NEVIL + 1];

	snprintf(tmpdir, sizeof tmpdir, "%s/gh-test-render-XXXXXX", base && *base ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL || make_evil() != 0) {
		ok(0, "temporary stylesheets in %s: %s", tmpdir, strerror(errno));
		return;
	}
	/* render_init compiles first and then installs the preferences as
	 * the default too, and xsltParseStylesheetFile honours the default:
	 * a second render_init in the same process cannot compile anything.
	 * So: render_free (which resets the default), a control run with no
	 * preferences, then a fresh render_init on the evil stylesheets. */
	control_run();

	for (size_t i = 0; i < NEVIL; i++)
		names[i] = evil[i].name;
	names[NEVIL] = NULL;
	if (!ok(render_init(tmpdir, names) == 0, "render_init compiles the evil stylesheets"))
		goto out;
	diag("libxslt errors about refused reads and writes are expected below");
	for (size_t i = 0; i < NEVIL; i++) {
		xmlDocPtr d = xml_doc("page");
		int rc;
		char *h = render(evil[i].name, d, &rc);
		if (evil[i].writes) {
			ok(!exists(evil[i].file), "%s: %s not written", evil[i].name, evil[i].file);
		} else {
			ok(h == NULL || (strstr(h, MARKER) == NULL && strstr(h, "root:") == NULL),
			   "%s: file content not in the output", evil[i].name);
		}
		ok(rc == -1, "%s: the refused access fails the render (rc %d)", evil[i].name, rc);
		xmlFree(h);
		xmlFreeDoc(d);
		if (evil[i].file)
			rm(evil[i].file);
	}
	render_free();
out:
	rm("secret.xml");
	for (size_t i = 0; i < NEVIL; i++) {
		char f[128];
		snprintf(f, sizeof f, "%s.xsl", evil[i].name);
		rm(f);
	}
	if (rmdir(tmpdir) != 0)
		diag("could not remove %s: %s", tmpdir, strerror(errno));
}

/* The HTML5 serialiser (render.c): void elements, raw text, escaping,
 * foreign (SVG) elements, the doctype, and method="text" left to libxslt. */
static void test_html_output(void)
{
	static const char *const names[] = {"ser-html", "ser-text", NULL};
	char x[4096];
	static const char src[] = "<page a=\"x&amp;y &quot;q&quot; &lt;t&gt;\">1 &lt; 2 &amp; 3 "
				  "&gt; 0 \xc3\xa9</page>";
	xmlDocPtr d = xmlReadMemory(src, (int)sizeof src - 1, NULL, NULL, 0);
	int rc;
	char *h;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/gh-test-render-ser-%d", (int)getpid());
	if (!ok(mkdir(tmpdir, 0700) == 0 && d != NULL, "scratch dir and document"))
		return;
	snprintf(x, sizeof x,
		 "<xsl:stylesheet version=\"1.0\" "
		 "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">"
		 "<xsl:output method=\"html\" doctype-system=\"about:legacy-compat\"/>"
		 "<xsl:template match=\"/page\"><html><head><meta charset=\"UTF-8\"/>"
		 "<script src=\"/a.js\" defer=\"defer\"></script><style>a &gt; b {}</style></head>"
		 "<body><p title=\"{@a}\"><xsl:value-of select=\".\"/></p><br/><input name=\"n\" "
		 "value=\"{@a}\"/>"
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><path d=\"M0 "
		 "0h1\"/></svg>"
		 "<textarea></textarea></body></html></xsl:template></xsl:stylesheet>");
	put("ser-html.xsl", x);
	snprintf(x, sizeof x,
		 "<xsl:stylesheet version=\"1.0\" "
		 "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">"
		 "<xsl:output method=\"text\"/><xsl:template match=\"/page\">a &amp; <xsl:value-of "
		 "select=\".\"/></xsl:template>"
		 "</xsl:stylesheet>");
	put("ser-text.xsl", x);
	if (ok(render_init(tmpdir, names) == 0, "render_init on the serialiser's stylesheets")) {
		h = render("ser-html", d, &rc);
		ok(rc == 0 && h != NULL && strncmp(h, "<!DOCTYPE html>\n<html><head>", 28) == 0,
		   "a doctype, then the document");
		ok(h && strstr(h, "<meta charset=\"UTF-8\"><script src=\"/a.js\" "
				  "defer=\"defer\"></script>"),
		   "void elements have no end tag; script keeps its end tag");
		ok(h && strstr(h, "<style>a > b {}</style>"), "style is raw text");
		ok(h && strstr(h, "<p title=\"x&amp;y &quot;q&quot; &lt;t&gt;\">1 &lt; 2 &amp; 3 "
				  "&gt; 0 \xc3\xa9</p>"),
		   "attributes escape & < > \", text escapes & < >, UTF-8 stays as it is");
		ok(h && strstr(h,
			       "<br><input name=\"n\" value=\"x&amp;y &quot;q&quot; &lt;t&gt;\">"),
		   "br and input are void");
		ok(h && strstr(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 "
				  "1\"><path d=\"M0 0h1\"></path></svg>"),
		   "SVG keeps its namespace and its case");
		ok(h && strstr(h, "<textarea></textarea></body></html>"),
		   "an empty textarea is closed");
		htmlDocPtr back = h ? htmlReadMemory(h, (int)strlen(h), "ser.html", "UTF-8",
						     HTML_PARSE_NONET | HTML_PARSE_NOERROR |
							     HTML_PARSE_NOWARNING)
				    : NULL;
		xmlNodePtr root = back ? xmlDocGetRootElement(back) : NULL;
		ok(root && count_els(root, "input") == 1 && count_els(root, "script") == 1 &&
			   attr_is(find_input(root, "n"), "value", "x&y \"q\" <t>"),
		   "libxml2's HTML parser reads it back: the values as they were");
		xmlFreeDoc(back);
		free(h);
		h = render("ser-text", d, &rc);
		ok(rc == 0 && h && strcmp(h, "a & 1 < 2 & 3 > 0 \xc3\xa9") == 0,
		   "method text: plain, unescaped");
		free(h);
	}
	render_free();
	xmlFreeDoc(d);
	rm("ser-html.xsl");
	rm("ser-text.xsl");
	rmdir(tmpdir);
}

int main(void)
{
	static const char *const names[] = {"error",
					    "login",
					    "home",
					    "portal-access-settings",
					    "portal-access",
					    "portal-user-edit",
					    "portal-user-delete",
					    "customers",
					    "customer-edit",
					    NULL};
	const char *src = getenv("GH_SRCDIR");
	char dir[1024];

	xmlInitParser();
	snprintf(dir, sizeof dir, "%s/xslt", src && *src ? src : ".");
	if (ok(render_init(dir, names) == 0, "render_init on %s", dir)) {
		test_pages();
		test_threads();
	}
	render_free();
	test_html_output();
	test_security();
	xmlCleanupParser();
	return done_testing();
}
