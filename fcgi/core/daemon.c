/* The background workers' start and stop (daemon.h). */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <libxml/parser.h>
#include <mysql.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

int daemon_config(int argc, char **argv, const char *name, struct conf *c)
{
	const char *cfg = NULL;
	char err[512];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") != 0 || i + 1 >= argc)
			goto usage;
		cfg = argv[++i];
	}
	if (cfg == NULL)
		goto usage;
	if (conf_load(cfg, c, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", name, err);
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: %s -c CONFIG\n", name);
	return 2;
}

int daemon_signals(const char *name)
{
	sigset_t sigs;
	int fd;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		fprintf(stderr, "%s: signalfd: %s\n", name, strerror(errno));
	return fd;
}

int daemon_stop_wait(int fd, int ms, const char *name)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	struct signalfd_siginfo si;
	int n;

	while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	if (n <= 0)
		return 0;
	if (read(fd, &si, sizeof si) == (ssize_t)sizeof si)
		log_info("%s: signal %u: stopping", name, si.ssi_signo);
	return 1;
}

int daemon_libs_init(const char *name)
{
	if (mysql_library_init(0, NULL, NULL) != 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "%s: library initialisation failed\n", name);
		return -1;
	}
	xmlInitParser();
	return 0;
}

void daemon_libs_end(void)
{
	xmlCleanupParser();
	curl_global_cleanup();
	mysql_library_end();
}
