#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static _Thread_local const char *request_id;

void log_request(const char *rid)
{
	request_id = rid;
}

static void vlog(const char *lvl, const char *fmt, va_list ap)
{
	char line[2048], ts[32];
	struct timespec now;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof line, "%s.%03ldZ %s %s%s%s", ts, now.tv_nsec / 1000000, lvl,
		     request_id ? "rid=" : "", request_id ? request_id : "", request_id ? " " : "");
	if (n > 0 && (size_t)n < sizeof line)
		vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	/* Hold the stream lock for the whole line so threads never interleave. */
	flockfile(stderr);
	fputs(line, stderr);
	fputc('\n', stderr);
	funlockfile(stderr);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("info", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("warn", fmt, ap);
	va_end(ap);
}

void log_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("error", fmt, ap);
	va_end(ap);
}
