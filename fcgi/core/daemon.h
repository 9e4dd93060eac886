/* What the background workers (gatehouse-mailer, gatehouse-hooks) share:
 * "-c CONFIG", and SIGTERM/SIGINT through a signalfd looked at between
 * jobs, so the job in flight is finished before the worker exits. */
#ifndef GH_DAEMON_H
#define GH_DAEMON_H

#include "conf.h"

/* The config named by "-c CONFIG" into c: 0, or the exit code (2 usage,
 * 1 a bad file; the reason printed, prefixed with name). */
int daemon_config(int argc, char **argv, const char *name, struct conf *c);

/* Blocks SIGTERM and SIGINT (before any library starts a thread: curl's
 * resolver does) and ignores SIGPIPE; returns a signalfd for them, or -1. */
int daemon_signals(const char *name);

/* The libraries, before any thread: MariaDB's client, libcurl, libxml2's
 * parser.  0, or -1 (said on stderr). */
int daemon_libs_init(const char *name);
void daemon_libs_end(void);

/* Waits up to ms on the signalfd fd; 1 once a stop signal has arrived. */
int daemon_stop_wait(int fd, int ms, const char *name);

#endif
