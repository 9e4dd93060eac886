/* The threaded FastCGI responder: a fixed pool of worker threads, each with
 * its own database connection, and a clean stop on SIGTERM/SIGINT. */
#ifndef GH_SERVER_H
#define GH_SERVER_H

#include "http.h"

/* Runs responder r with the config named by argv ("-c CONFIG"): its
 * stylesheets (each page's own) compiled, the database's statements
 * checked, its threads serving until SIGTERM or SIGINT.  Returns the
 * process exit code. */
int server_main(int argc, char **argv, const struct responder *r);

#endif
