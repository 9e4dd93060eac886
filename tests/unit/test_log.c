/* Unit tests for fcgi/core/log.c: a line logged while a thread serves a
 * request says its id first (what the db module logs of a request is found
 * by the answer's X-Request-Id), another thread's lines and the lines after
 * the request do not; each line is whole. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

#define LINES 2000

static void *other_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < LINES; i++)
		log_warn("db: from a thread serving no request %d", i);
	return NULL;
}

static void *request_thread(void *arg)
{
	(void)arg;
	log_request("00000000000000bb");
	for (int i = 0; i < LINES; i++)
		log_err("db: statement X: 1064 failed %d", i);
	log_request(NULL);
	log_info("after the request");
	return NULL;
}

int main(void)
{
	char path[] = "/tmp/gh-test-log-XXXXXX", line[4096];
	int fd = mkstemp(path), saved = dup(2);
	unsigned with = 0, without = 0, whole = 0, total = 0, after = 0, foreign = 0, own = 0;
	pthread_t a, b;
	FILE *f;

	if (!ok(fd >= 0 && saved >= 0, "a file for stderr"))
		return done_testing();
	fflush(stderr);
	dup2(fd, 2);
	log_info("before any request");
	log_request("00000000000000aa");
	log_info("addr=127.0.0.1 status=200");
	pthread_create(&a, NULL, other_thread, NULL);
	pthread_create(&b, NULL, request_thread, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	log_request(NULL);
	log_warn("after it");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);

	f = fopen(path, "r");
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		total++;
		/* "2026-12-07T01:02:03.456Z LEVEL " then the message. */
		whole += strlen(line) > 25 && line[strlen(line) - 1] == '\n' && line[23] == 'Z' &&
			 line[24] == ' ';
		own += strstr(line, " info rid=00000000000000aa addr=127.0.0.1 status=200\n") !=
		       NULL;
		if (strstr(line, " error rid=00000000000000bb db: statement X: 1064 failed ") !=
		    NULL)
			with++;
		else if (strstr(line, " warn db: from a thread serving no request ") != NULL)
			without++;
		else if (strstr(line, "rid=00000000000000bb") != NULL ||
			 (strstr(line, "rid=00000000000000aa") != NULL &&
			  strstr(line, "info rid=00000000000000aa addr=127.0.0.1 status=200") ==
				  NULL))
			foreign++;
		if (strstr(line, " info after the request\n") != NULL ||
		    strstr(line, " warn after it\n") != NULL ||
		    strstr(line, " info before any request\n"))
			after++;
	}
	if (f != NULL)
		fclose(f);
	unlink(path);
	is_int(total, 2 * LINES + 4, "every line written");
	is_int(own, 1, "the main thread's request line: rid= then the message");
	is_int(whole, total, "each line whole: time, level, message, newline");
	is_int(with, LINES, "a request's thread: each line says rid= first, then the message");
	is_int(without, LINES, "another thread at the same time: no rid");
	is_int(after, 3, "before and after a request: no rid");
	is_int(foreign, 0, "no line carries another thread's request id");
	return done_testing();
}
