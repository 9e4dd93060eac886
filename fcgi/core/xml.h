/* The XML builder.  Text and attribute values go through here only: they are
 * escaped on output by libxml2 and cleaned first, so a byte sequence that is
 * not valid XML (bad UTF-8, control characters) can never make a document
 * unparsable. */
#ifndef GH_XML_H
#define GH_XML_H

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

/* A new document with a root element; freed with xmlFreeDoc(). */
xmlDocPtr xml_doc(const char *root);

/* A child element with no content. */
xmlNodePtr xml_el(xmlNodePtr parent, const char *name);
/* A child element holding text (escaped); text NULL means empty. */
xmlNodePtr xml_text_el(xmlNodePtr parent, const char *name, const char *text);
/* Attributes (escaped). */
void xml_attr(xmlNodePtr n, const char *name, const char *value);
void xml_attr_int(xmlNodePtr n, const char *name, long long v);
void xml_attr_bool(xmlNodePtr n, const char *name, int v);

/* A copy of s in which every character that XML 1.0 cannot carry is replaced
 * by U+FFFD.  Returns NULL on allocation failure; the caller frees it. */
char *xml_clean(const char *s);

/* Parses a whole document held in memory (UTF-8): no network, no DTD
 * loading, no entity expansion, errors not printed.  NULL when it is not
 * well-formed.  Freed with xmlFreeDoc(). */
xmlDocPtr xml_parse(const char *s, size_t len);

/* Serialise doc (UTF-8, with declaration).  *out is freed with xmlFree(). */
int xml_serialise(xmlDocPtr doc, xmlChar **out, int *len);

/* The streaming builder (xmlTextWriter: a document written as it is built,
 * the feed's): text and attribute values cleaned as above, then escaped by
 * libxml2.  Each returns libxml2's answer (< 0: the writer failed, e.g.
 * the client went away). */
int xml_w_text(xmlTextWriterPtr w, const char *name, const char *text);
int xml_w_attr(xmlTextWriterPtr w, const char *name, const char *value);
/* Digits and the words "true"/"false" need no escaping: written raw. */
int xml_w_attr_uint(xmlTextWriterPtr w, const char *name, unsigned long long v);
int xml_w_attr_bool(xmlTextWriterPtr w, const char *name, int v); /* "true" / "false" */

#endif
