/* The settings responder's pages, one file each. */
#ifndef GH_SETTINGS_PAGES_H
#define GH_SETTINGS_PAGES_H

#include "http.h"

extern const struct page page_login;
extern const struct page page_logout;
extern const struct page page_home;
extern const struct page page_portal_settings;

#endif
