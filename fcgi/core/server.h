/* The threaded FastCGI responder: a fixed pool of worker threads, each with
 * its own database connection, and a clean stop on SIGTERM/SIGINT. */
#ifndef GH_SERVER_H
#define GH_SERVER_H

#include "http.h"

/* Runs the responder described by argv ("-c CONFIG") with the page table
 * (NULL-terminated) and stylesheet names.  Returns the process exit code. */
enum server_kind { SERVER_SETTINGS, SERVER_PORTAL }; /* which [section] of the config */
int server_main(int argc, char **argv, const char *name, enum server_kind kind,
		const struct page *const *pages, const char *const *sheets);

#endif
