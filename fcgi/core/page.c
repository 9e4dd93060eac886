/* The page document: the envelope every page shares (name, base URL, the
 * viewer's time zone, the responder's part: session and menu, or the
 * portal's tenant), then the page's own content, the notices, and after a
 * POST the form as entered. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http_int.h"
#include "xml.h"

static void envelope(struct http *h, xmlNodePtr root)
{
	xml_attr(root, "name", h->page->name);
	/* Stylesheets do not read the request id (the X-Request-Id header
	 * carries it): left out of the HTML's document, it would make every
	 * page's render-cache key unique. */
	if (h->want_xml)
		xml_attr(root, "request-id", h->rid);
	xml_attr(root, "base-url", h->conf->web.base_url);
	if (h->time_zone != NULL)
		xml_attr(root, "tz", h->time_zone);
	if (h->responder->envelope != NULL)
		h->responder->envelope(h, root);
}

/* The notices, ahead of the page's content (first). */
static void notices(struct http *h, xmlNodePtr first)
{
	for (int i = 0; i < h->nnotices; i++) {
		xmlNodePtr n = xmlNewDocNode(h->doc, NULL, BAD_CAST "notice", NULL);
		char *c;
		xml_attr(n, "kind", h->notice_kind[i]);
		xmlAddPrevSibling(first, n);
		if ((c = xml_clean(h->notice_text[i])) != NULL) {
			xmlAddChild(n, xmlNewDocText(h->doc, BAD_CAST c)); /* escaped on output */
			free(c);
		}
	}
}

/* A POST that comes back as a page echoes what was entered: never a
 * secret, except in an in-form action's re-render of the same form
 * (h->carry), which must lose nothing typed and shows no errors. */
static void echo_form(struct http *h, xmlNodePtr first)
{
	xmlNodePtr form = xmlNewDocNode(h->doc, NULL, BAD_CAST "form", NULL);

	xmlAddPrevSibling(first, form);
	if (h->carry)
		xml_attr(form, "carry", "1");
	for (size_t i = 0; i < h->page->nform; i++) {
		const struct val_field *fd = &h->page->form[i];
		xmlNodePtr fe = xml_el(form, "field");
		int hide = (fd->flags & VAL_SECRET) && !h->carry;
		xml_attr(fe, "name", fd->name);
		xml_attr(fe, "value", hide || h->f[i].raw == NULL ? "" : h->f[i].raw);
		if (h->f[i].st == VAL_INVALID && !h->carry)
			xml_attr(fe, "error", h->f[i].error);
	}
}

enum page_result page_build(struct http *h)
{
	xmlNodePtr root, first;
	enum page_result r;

	if ((h->doc = xml_doc("page")) == NULL)
		return PAGE_ERROR;
	root = xmlDocGetRootElement(h->doc);
	envelope(h, root);
	first = xmlGetLastChild(root);
	if ((r = h->page->get(h, root)) != PAGE_OK)
		return r;
	/* The first node the handler added. */
	first = first ? first->next : root->children;
	if (first == NULL)
		first = xml_el(root, h->page->name);
	notices(h, first);
	if (h->method == HTTP_POST && h->page->form != NULL)
		echo_form(h, first);
	return PAGE_OK;
}

void page_wipe_carried(struct http *h)
{
	xmlNodePtr root = h->doc != NULL ? xmlDocGetRootElement(h->doc) : NULL;

	for (xmlNodePtr n = root != NULL ? root->children : NULL; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "form") != 0)
			continue;
		for (xmlNodePtr f = n->children; f != NULL; f = f->next) {
			xmlAttrPtr a = xmlHasProp(f, BAD_CAST "value");
			for (xmlNodePtr t = a != NULL ? a->children : NULL; t != NULL; t = t->next)
				if (t->content != NULL)
					sodium_memzero(t->content, (size_t)xmlStrlen(t->content));
		}
	}
}

xmlNodePtr page_zones(xmlNodePtr parent, const char *name)
{
	xmlNodePtr n = xml_el(parent, name);

	for (size_t i = 0; i < tz_count(); i++)
		xml_text_el(n, "zone", tz_name(i));
	return n;
}
