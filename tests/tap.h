/* A minimal TAP producer for the C tests (header-only). */
#ifndef GH_TAP_H
#define GH_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int tap_n, tap_failed;

static int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));
static int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)
#define is_int(got, want, name)                                                                    \
	do {                                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		if (!ok(g_ == w_, "%s", name))                                                     \
			printf("#   got %lld, want %lld\n", g_, w_);                               \
	} while (0)
#define is_str(got, want, name)                                                                    \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		if (!ok(g_ != NULL && w_ != NULL ? strcmp(g_, w_) == 0 : g_ == w_, "%s", name))    \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)",                    \
			       w_ ? w_ : "(null)");                                                \
	} while (0)
#define diag(...) (printf("# " __VA_ARGS__), putchar('\n'))

/* Printable form of the bytes s[0..len) for test names: control and non-ASCII
 * bytes escaped, long strings cut with "...".  Four rotating buffers, so a
 * test name may show up to four strings. */
static const char *tap_show(const char *s, size_t len) __attribute__((unused));
static const char *tap_show(const char *s, size_t len)
{
	static char buf[4][200];
	static int k;
	char *b = buf[k++ % 4];
	size_t o = 0;

	for (size_t i = 0; i < len && o + 8 < sizeof buf[0]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			b[o++] = (char)c;
		else
			o += (size_t)snprintf(b + o, sizeof buf[0] - o, "\\x%02x", c);
	}
	if (o + 8 >= sizeof buf[0])
		memcpy(b + o, "...", 3), o += 3;
	b[o] = '\0';
	return b;
}

/* Runs fn(arg) in a child process and says whether it came back: 1 when the
 * child returned from fn and exited 0.  For "X is safe" checks, which
 * otherwise cannot fail: a crash, an abort (glibc's double-free check), an
 * AddressSanitizer or UBSan report (both end the child non-zero) or fn's
 * own _exit(n != 0) make it 0, and the test goes on to report it.  A
 * diagnostic names how the child ended. */
static int tap_survives(void (*fn)(void *), void *arg) __attribute__((unused));
static int tap_survives(void (*fn)(void *), void *arg)
{
	pid_t pid;
	int st = 0;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		return 0;
	if (pid == 0) {
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 1;
	if (WIFSIGNALED(st))
		printf("#   the child died of signal %d\n", WTERMSIG(st));
	else
		printf("#   the child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

/* Prints the plan at the end; returns the exit code. */
/* Checks a program runs last, before its plan (the HTTP tests' audit
 * check, common.h); NULL: none. */
static void (*tap_before_plan)(void) __attribute__((unused));

static int done_testing(void) __attribute__((unused));
static int done_testing(void)
{
	void (*last)(void) = tap_before_plan;

	tap_before_plan = NULL;
	if (last != NULL)
		last();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
