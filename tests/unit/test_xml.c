/* Unit tests for fcgi/core/xml.c: escaping, cleaning of bytes XML cannot carry,
 * and serialisation that always parses back to the same values. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "tap.h"
#include "xml.h"

#define FFFD "\xef\xbf\xbd"

#define show(s) tap_show((s), strlen(s))

/* Serialises doc into a NUL-terminated malloc'd string. */
static char *serialise(xmlDocPtr doc)
{
	xmlChar *out = NULL;
	int len = 0;
	char *s;

	if (xml_serialise(doc, &out, &len) != 0 || out == NULL)
		return NULL;
	s = malloc((size_t)len + 1);
	if (s != NULL) {
		memcpy(s, out, (size_t)len);
		s[len] = '\0';
	}
	xmlFree(out);
	return s;
}

static xmlDocPtr reparse(const char *s)
{
	return xmlReadMemory(s, (int)strlen(s), "test.xml", "UTF-8",
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* Text content of the first child element called name of the root. */
static char *child_text(xmlDocPtr d, const char *name)
{
	xmlNodePtr r = xmlDocGetRootElement(d);
	for (xmlNodePtr n = r ? r->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return (char *)xmlNodeGetContent(n);
	return NULL;
}

static char *child_attr(xmlDocPtr d, const char *name, const char *attr)
{
	xmlNodePtr r = xmlDocGetRootElement(d);
	for (xmlNodePtr n = r ? r->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return (char *)xmlGetProp(n, BAD_CAST attr);
	return NULL;
}

/* Builds <page><t v="value">value</t></page>, serialises, re-parses and checks
 * that both come back as want.  Returns the serialised text (caller frees). */
static char *roundtrip(const char *value, const char *want, const char *what)
{
	xmlDocPtr d = xml_doc("page"), p;
	xmlNodePtr t;
	char *s, *got;

	t = xml_text_el(xmlDocGetRootElement(d), "t", value);
	xml_attr(t, "v", value);
	s = serialise(d);
	xmlFreeDoc(d);
	ok(s != NULL, "%s: serialised", what);
	if (s == NULL)
		return NULL;
	p = reparse(s);
	if (!ok(p != NULL, "%s: output parses", what)) {
		diag("  output: %s", show(s));
		return s;
	}
	got = child_text(p, "t");
	if (!ok(got && strcmp(got, want) == 0, "%s: text round-trips", what))
		diag("  got '%s', want '%s'", got ? show(got) : "(null)", show(want));
	xmlFree(got);
	got = child_attr(p, "t", "v");
	if (!ok(got && strcmp(got, want) == 0, "%s: attribute round-trips", what))
		diag("  got '%s', want '%s'", got ? show(got) : "(null)", show(want));
	xmlFree(got);
	xmlFreeDoc(p);
	return s;
}

static void test_escaping(void)
{
	char *s;

	s = roundtrip("<b>x</b> & \"q\" 'a'", "<b>x</b> & \"q\" 'a'", "markup characters");
	if (s) {
		int good = ok(strstr(s, ">&lt;b&gt;x&lt;/b&gt; &amp; \"q\" 'a'</t>") != NULL,
			      "text: < > & escaped");
		good &= ok(strstr(s, "v=\"&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot; 'a'\"") != NULL,
			   "attribute: < > & \" escaped");
		good &= ok(strstr(s, "<b>") == NULL, "no raw markup in the output");
		if (!good)
			diag("  output: %s", show(s));
	}
	free(s);

	s = roundtrip("&amp; &lt; &#60; &#x3c;", "&amp; &lt; &#60; &#x3c;", "entity-like text");
	if (s) {
		ok(strstr(s, ">&amp;amp; &amp;lt; &amp;#60; &amp;#x3c;</t>") != NULL,
		   "text: '&amp;' stays literal (double-escaped)");
		ok(strstr(s, "v=\"&amp;amp; &amp;lt; &amp;#60; &amp;#x3c;\"") != NULL,
		   "attribute: '&amp;' stays literal (double-escaped)");
	}
	free(s);

	s = roundtrip("]]> <![CDATA[ x ]]> <!-- c --> <?pi?>",
		      "]]> <![CDATA[ x ]]> <!-- c --> <?pi?>", "CDATA/comment/PI look-alikes");
	if (s)
		ok(strstr(s, "]]>") == NULL && strstr(s, "<!") == NULL && strstr(s, "<?pi") == NULL,
		   "no ']]>', '<!' or '<?pi' in the output");
	free(s);

	/* Tab, LF and CR survive in text and attributes (no normalisation). */
	s = roundtrip("a\tb\nc\rd\r\ne", "a\tb\nc\rd\r\ne", "tab/LF/CR");
	free(s);

	/* Non-ASCII is written as UTF-8, not as character references. */
	s = roundtrip("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "UTF-8 text");
	if (s)
		ok(strstr(s, ">caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80</t>") != NULL,
		   "UTF-8 written as is");
	free(s);

	/* C1 controls and noncharacters other than U+FFFE/U+FFFF are XML 1.0 Chars. */
	s = roundtrip("\xc2\x80\xc2\x9f\xef\xb7\x90" FFFD, "\xc2\x80\xc2\x9f\xef\xb7\x90" FFFD,
		      "C1 controls and U+FDD0");
	free(s);

	s = roundtrip("", "", "empty string");
	free(s);
}

static void test_clean(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{"", ""},
		{"abc", "abc"},
		{"\t\n\r", "\t\n\r"},
		{"<&>\"'", "<&>\"'"},
		{"\xc3\xa9", "\xc3\xa9"},
		{"\xe2\x82\xac", "\xe2\x82\xac"},
		{"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
		{"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"},
		{FFFD, FFFD},
		{"\xc2\x80", "\xc2\x80"},
		{"\x01", FFFD},
		{"a\x01"
		 "b",
		 "a" FFFD "b"},
		{"\x08\x0b\x0c\x1f", FFFD FFFD FFFD FFFD},
		{"\x7f", FFFD},
		{"\xff", FFFD},
		{"\xfe", FFFD},
		{"a\xff"
		 "b",
		 "a" FFFD "b"},
		{"\x80", FFFD}, /* lone continuation byte */
		{"\xbf\xbf", FFFD FFFD},
		{"x\x80y", "x" FFFD "y"},
		{"\xc3", FFFD}, /* truncated at the end */
		{"\xc3(", FFFD "("},
		{"\xe2\x82", FFFD FFFD},
		{"\xf0\x9f\x98", FFFD FFFD FFFD},
		{"\xc0\xaf", FFFD FFFD}, /* overlong */
		{"\xe0\x80\xaf", FFFD FFFD FFFD},
		{"\xed\xa0\x80", FFFD FFFD FFFD},          /* surrogate */
		{"\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD}, /* past U+10FFFF */
		{"\xef\xbf\xbe", FFFD FFFD FFFD},          /* U+FFFE */
		{"\xef\xbf\xbf", FFFD FFFD FFFD},          /* U+FFFF */
		{"ok\xc3\xa9\x01\xc3\xa9", "ok\xc3\xa9" FFFD "\xc3\xa9"},
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *c = xml_clean(t[i].in);
		if (!ok(c && strcmp(c, t[i].want) == 0, "xml_clean '%s' -> '%s'", show(t[i].in),
			show(t[i].want)))
			diag("  got '%s'", c ? show(c) : "(null)");
		free(c);
		/* And the builder uses it: the document parses, values as cleaned. */
		char name[64];
		snprintf(name, sizeof name, "builder with '%s'", show(t[i].in));
		free(roundtrip(t[i].in, t[i].want, name));
	}

	/* A long dirty string: every byte 0x01..0xff once. */
	char all[256];
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	char *c = xml_clean(all);
	xmlDocPtr d = xml_doc("page"), p;
	xml_text_el(xmlDocGetRootElement(d), "t", all);
	xml_attr(xmlDocGetRootElement(d), "a", all);
	char *s = serialise(d);
	xmlFreeDoc(d);
	p = s ? reparse(s) : NULL;
	ok(p != NULL, "every byte 0x01..0xff: the document still parses");
	if (p) {
		char *got = child_text(p, "t");
		ok(got && c && strcmp(got, c) == 0, "every byte: text equals xml_clean()");
		xmlFree(got);
		got = (char *)xmlGetProp(xmlDocGetRootElement(p), BAD_CAST "a");
		ok(got && c && strcmp(got, c) == 0, "every byte: attribute equals xml_clean()");
		xmlFree(got);
		xmlFreeDoc(p);
	}
	free(s);
	free(c);
}

static void test_builders(void)
{
	xmlDocPtr d = xml_doc("page");
	xmlNodePtr r, n;
	char *s;

	ok(d != NULL, "xml_doc");
	r = xmlDocGetRootElement(d);
	ok(r && strcmp((const char *)r->name, "page") == 0, "xml_doc: root element 'page'");
	n = xml_el(r, "empty");
	ok(n && n->parent == r, "xml_el adds a child");
	n = xml_text_el(r, "none", NULL);
	ok(n != NULL, "xml_text_el with NULL text");
	xml_attr(n, "nul", NULL);
	xml_attr(NULL, "x", "y"); /* no crash */
	n = xml_el(r, "nums");
	xml_attr_int(n, "zero", 0);
	xml_attr_int(n, "neg", -1);
	xml_attr_int(n, "max", LLONG_MAX);
	xml_attr_int(n, "min", LLONG_MIN);
	xml_attr_bool(n, "t", 1);
	xml_attr_bool(n, "t5", 5);
	xml_attr_bool(n, "f", 0);
	s = serialise(d);
	xmlFreeDoc(d);
	ok(s != NULL, "serialised");
	if (s == NULL)
		return;
	ok(strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0,
	   "XML declaration with UTF-8");
	ok(strstr(s, "<empty/>") != NULL, "empty element");
	ok(strstr(s, "<none nul=\"\"/>") != NULL, "NULL text -> empty element, NULL attr -> \"\"");
	ok(strstr(s, "zero=\"0\"") && strstr(s, "neg=\"-1\""), "xml_attr_int 0, -1");
	ok(strstr(s, "max=\"9223372036854775807\"") != NULL, "xml_attr_int LLONG_MAX");
	ok(strstr(s, "min=\"-9223372036854775808\"") != NULL, "xml_attr_int LLONG_MIN");
	ok(strstr(s, "t=\"1\"") && strstr(s, "t5=\"1\"") && strstr(s, "f=\"0\""),
	   "xml_attr_bool -> 1/0");
	xmlDocPtr p = reparse(s);
	ok(p != NULL, "builder output parses");
	xmlFreeDoc(p);
	free(s);
}

int main(void)
{
	xmlInitParser();
	test_escaping();
	test_clean();
	test_builders();
	xmlCleanupParser();
	return done_testing();
}
