/* The portal responder's pages (/portal/<tenant-slug>/...), one file each. */
#ifndef GH_PORTAL_PAGES_H
#define GH_PORTAL_PAGES_H

#include "http.h"

extern const struct page page_set_password;
extern const struct page page_request_link;

/* The tenant of the request's slug into t; PAGE_NOT_FOUND for an unknown
 * slug (set_password.c). */
enum page_result portal_tenant(struct http *h, struct db_tenant *t);

#endif
