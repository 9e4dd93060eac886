/* XSLT rendering: every stylesheet compiled once at start-up and shared by
 * all threads; file and network access forbidden to stylesheets. */
#ifndef GH_RENDER_H
#define GH_RENDER_H

/* The namespace of our XSLT extension functions (gh:local-time). */
#define RENDER_NS "urn:gatehouse:xslt"

/* Stylesheets one process compiles at most. */
#define RENDER_MAX 48

#include <libxml/tree.h>

/* Compile dir/<name>.xsl for every name (NULL-terminated list).  Start-up
 * only, before threads: returns -1 with a logged reason. */
int render_init(const char *dir, const char *const *names);

/* Render doc with the stylesheet called name.  *out is freed with xmlFree(). */
int render_html(const char *name, xmlDocPtr doc, xmlChar **out, int *len);

/* render_html through the render cache (rcache.h): for pages whose HTML
 * may be kept (GET, 200, no secret shown), a page of tenant (its share of
 * the cache; 0: none).  *hit tells whether the page came from the cache.
 * *out is freed with xmlFree(). */
int render_page(const char *name, xmlDocPtr doc, xmlChar **out, int *len, int *hit,
		unsigned tenant);

/* Frees the stylesheets; for clean exits under valgrind. */
void render_free(void);

#endif
