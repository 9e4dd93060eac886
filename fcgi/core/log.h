/* Logging to stderr, one line per event; journald or the stack script keep it. */
#ifndef GH_LOG_H
#define GH_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The request this thread serves from now on, NULL when it is done: every
 * line the thread logs meanwhile says "rid=RID" first, what the db module
 * and the core log of a request as much as its handler, so that all of it
 * is found by the X-Request-Id of its answer.  rid must outlive the call
 * with NULL. */
void log_request(const char *rid);

#endif
