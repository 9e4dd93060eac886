#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "req.h"
#include "xml.h"

xmlDocPtr xml_doc(const char *root)
{
	xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr r;

	if (d == NULL)
		return NULL;
	if ((r = xmlNewDocNode(d, NULL, BAD_CAST root, NULL)) == NULL) {
		xmlFreeDoc(d);
		return NULL;
	}
	xmlDocSetRootElement(d, r);
	return d;
}

/* U+FFFD for a character XML 1.0 cannot carry; NULL for one it can. */
static const char *not_xml(unsigned cp)
{
	if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f || cp == 0xfffe ||
	    cp == 0xffff)
		return "\xef\xbf\xbd";
	return NULL;
}

/* Length of the valid XML 1.0 character starting at p (0 if invalid). */
static size_t xml_char_len(const unsigned char *p, size_t left)
{
	unsigned cp;
	size_t n = req_utf8_char(p, left, &cp);

	return n == 0 || not_xml(cp) != NULL ? 0 : n;
}

char *xml_clean(const char *s)
{
	return req_utf8_copy(s, not_xml, NULL);
}

/* Most values are clean; check before copying so the common case allocates
 * nothing. */
static int is_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0;

	/* Plain printable ASCII, the common case, byte by byte; the rest as
	 * UTF-8 characters. */
	while (p[i] >= 0x20 && p[i] < 0x7f)
		i++;
	if (p[i] == '\0')
		return 1;
	len = i + strlen(s + i);
	while (i < len) {
		size_t n = xml_char_len(p + i, len - i);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

xmlNodePtr xml_el(xmlNodePtr parent, const char *name)
{
	return xmlNewChild(parent, NULL, BAD_CAST name, NULL);
}

xmlNodePtr xml_text_el(xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n;
	char *c = NULL;

	if (text == NULL || is_clean(text))
		return xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
	if ((c = xml_clean(text)) == NULL)
		return NULL;
	n = xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST c);
	explicit_bzero(c, strlen(c)); /* a value may be a carried password (http.h) */
	free(c);
	return n;
}

void xml_attr(xmlNodePtr n, const char *name, const char *value)
{
	char *c;

	if (n == NULL)
		return;
	if (value == NULL)
		value = "";
	/* xmlNewProp stores the value as a text node, escaped on output;
	 * xmlNewDocProp would instead interpret entity references. */
	if (is_clean(value)) {
		xmlNewProp(n, BAD_CAST name, BAD_CAST value);
		return;
	}
	if ((c = xml_clean(value)) != NULL) {
		xmlNewProp(n, BAD_CAST name, BAD_CAST c);
		explicit_bzero(c, strlen(c)); /* a value may be a carried password (http.h) */
		free(c);
	}
}

void xml_attr_int(xmlNodePtr n, const char *name, long long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", v);
	xml_attr(n, name, buf);
}

void xml_attr_bool(xmlNodePtr n, const char *name, int v)
{
	xml_attr(n, name, v ? "1" : "0");
}

xmlDocPtr xml_parse(const char *s, size_t len)
{
	if (len > INT_MAX)
		return NULL;
	return xmlReadMemory(s, (int)len, NULL, "UTF-8",
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

int xml_serialise(xmlDocPtr doc, xmlChar **out, int *len)
{
	*out = NULL;
	xmlDocDumpFormatMemoryEnc(doc, out, len, "UTF-8", 0);
	return *out == NULL ? -1 : 0;
}

/* The value to write: value itself when clean, else a cleaned copy in
 * *copy (freed by the caller). */
static const char *w_value(const char *value, char **copy)
{
	*copy = NULL;
	if (value == NULL)
		return "";
	if (is_clean(value))
		return value;
	return (*copy = xml_clean(value)) != NULL ? *copy : "";
}

int xml_w_text(xmlTextWriterPtr w, const char *name, const char *text)
{
	char *copy;
	const char *v = w_value(text, &copy);
	int rc = xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST v);

	free(copy);
	return rc;
}

int xml_w_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *copy;
	const char *v = w_value(value, &copy);
	int rc = xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST v);

	free(copy);
	return rc;
}

/* An attribute whose value is ours and needs no escaping (digits, a
 * fixed word): written raw, sparing the writer's escaping copy (a page of
 * 1,000 feed rows has 10,000 of them). */
static int w_attr_raw(xmlTextWriterPtr w, const char *name, const char *value)
{
	int rc;

	if ((rc = xmlTextWriterStartAttribute(w, BAD_CAST name)) < 0 ||
	    (rc = xmlTextWriterWriteRaw(w, BAD_CAST value)) < 0)
		return rc;
	return xmlTextWriterEndAttribute(w);
}

int xml_w_attr_uint(xmlTextWriterPtr w, const char *name, unsigned long long v)
{
	/* Digits by hand: snprintf was a tenth of a 1,000-row feed page. */
	char buf[24], *p = buf + sizeof buf - 1;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return w_attr_raw(w, name, p);
}

int xml_w_attr_bool(xmlTextWriterPtr w, const char *name, int v)
{
	return w_attr_raw(w, name, v ? "true" : "false");
}
