#include "config.h"

#include <errno.h>
#include <fcgiapp.h>
#include <libxml/parser.h>
#include <mysql.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "log.h"
#include "render.h"
#include "server.h"

#define STOP_DEADLINE_MS 4500

static struct conf conf;
static const struct page *const *page_table;
static int listen_fd = -1;
static int wake_pipe[2] = {-1, -1};
static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t live_cv = PTHREAD_COND_INITIALIZER;
static unsigned live_threads;

/* Waits until fd is readable or the stop pipe fires.  Returns 1 when fd is
 * readable, 0 when stopping. */
static int wait_readable(int fd)
{
	struct pollfd p[2] = {{fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (p[1].revents)
			return 0;
		if (p[0].revents)
			return 1;
	}
}

/* libfcgi blocks in read() on a kept-alive nginx connection and in accept()
 * on the listen socket, and neither notices a signal.  So each worker polls
 * first, on its own kept connection (or the listen socket) together with
 * the stop pipe: an idle thread leaves at once on stop, and a thread that has
 * a request finishes it.  Kept connections are closed on the way out. */
static void *worker(void *arg)
{
	FCGX_Request r;
	struct db *db;

	(void)arg;
	mysql_thread_init();
	db = db_open(&conf, 0, 1);
	if (FCGX_InitRequest(&r, listen_fd, 0) != 0 || db == NULL) {
		log_err("worker: cannot initialise");
		goto out;
	}
	for (;;) {
		int fd = r.ipcFd >= 0 ? r.ipcFd : listen_fd;
		if (!wait_readable(fd))
			break;
		if (FCGX_Accept_r(&r) < 0) {
			/* The listen socket was shut down (stopping), or a
			 * hard accept error: either way this thread is done. */
			break;
		}
		http_handle(&r, &conf, db, page_table);
		FCGX_Finish_r(&r);
	}
	FCGX_Free(&r, 1);
out:
	db_close(db);
	mysql_thread_end();
	pthread_mutex_lock(&live_mu);
	live_threads--;
	pthread_cond_broadcast(&live_cv);
	pthread_mutex_unlock(&live_mu);
	return NULL;
}

static int open_listen(const char *spec)
{
	int fd;

	if (spec[0] == '/') {
		/* A stale socket from a crash would make bind() fail. */
		unlink(spec);
		mode_t old = umask(007);
		fd = FCGX_OpenSocket(spec, 1024);
		umask(old);
	} else
		fd = FCGX_OpenSocket(spec, 1024);
	return fd;
}

static void usage(const char *name)
{
	fprintf(stderr, "usage: %s -c CONFIG\n", name);
}

int server_main(int argc, char **argv, const char *name, const struct page *const *pages,
		const char *const *sheets)
{
	const char *cfg = NULL;
	char err[512];
	sigset_t sigs;
	pthread_t *tids = NULL;
	int sig = 0, rc = 1;
	struct db *probe;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			cfg = argv[++i];
		else {
			usage(name);
			return 2;
		}
	}
	if (cfg == NULL) {
		usage(name);
		return 2;
	}
	if (conf_load(cfg, &conf, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", name, err);
		return 1;
	}
	if (conf.settings.threads < conf_threads_min(&conf)) {
		fprintf(stderr,
			"%s: threads = %u is too few: nginx may keep %u x %u idle connections, "
			"each holding a thread; use at least %u\n",
			name, conf.settings.threads, conf.settings.nginx_workers,
			conf.settings.nginx_keepalive, conf_threads_min(&conf));
		return 1;
	}
	page_table = pages;

	/* Library set-up happens here, before any thread exists. */
	if (mysql_library_init(0, NULL, NULL) != 0 || FCGX_Init() != 0) {
		fprintf(stderr, "%s: library initialisation failed\n", name);
		return 1;
	}
	xmlInitParser();
	if (render_init(conf.web.xslt_dir, sheets) != 0 || auth_init(&conf) != 0)
		goto out;
	/* Fail at start-up, not on the first request, if the schema is wrong. */
	if ((probe = db_open(&conf, 0, 0)) == NULL)
		goto out;
	if (db_prepare_all(probe) != DB_OK) {
		log_err("%s: the database schema does not match; run gatehouse-ctl migrate", name);
		db_close(probe);
		goto out;
	}
	db_close(probe);

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	if ((listen_fd = open_listen(conf.settings.listen)) < 0) {
		log_err("%s: cannot listen on %s", name, conf.settings.listen);
		goto out;
	}
	if (pipe(wake_pipe) != 0)
		goto out;
	if ((tids = calloc(conf.settings.threads, sizeof *tids)) == NULL)
		goto out;
	for (unsigned i = 0; i < conf.settings.threads; i++) {
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 1u << 20);
		pthread_mutex_lock(&live_mu);
		live_threads++;
		pthread_mutex_unlock(&live_mu);
		if (pthread_create(&tids[i], &a, worker, NULL) != 0) {
			log_err("%s: cannot start thread %u", name, i);
			abort(); /* start-up only */
		}
		pthread_attr_destroy(&a);
	}
	log_info("%s: listening on %s with %u threads", name, conf.settings.listen,
		 conf.settings.threads);

	sigdelset(&sigs, SIGPIPE);
	while (sigwait(&sigs, &sig) != 0)
		;
	log_info("%s: signal %d: draining", name, sig);

	/* Stop: no new connections, wake every idle thread; busy threads
	 * finish their request and then see the pipe. */
	if (write(wake_pipe[1], "x", 1) != 1)
		log_warn("%s: wake pipe", name);
	shutdown(listen_fd, SHUT_RDWR);
	if (conf.settings.listen[0] == '/')
		unlink(conf.settings.listen);

	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += STOP_DEADLINE_MS / 1000;
	dl.tv_nsec += (STOP_DEADLINE_MS % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&live_mu);
	while (live_threads > 0)
		if (pthread_cond_timedwait(&live_cv, &live_mu, &dl) == ETIMEDOUT)
			break;
	unsigned left = live_threads;
	pthread_mutex_unlock(&live_mu);
	if (left > 0) {
		log_warn("%s: %u requests still running at the deadline; exiting", name, left);
		_exit(0);
	}
	/* All have finished their work; join them so their thread-local
	 * state (libxml2's, MariaDB's) is gone before the process is. */
	for (unsigned i = 0; i < conf.settings.threads; i++)
		pthread_join(tids[i], NULL);
	log_info("%s: stopped", name);
	rc = 0;
out:
	free(tids);
	if (listen_fd >= 0)
		close(listen_fd);
	render_free();
	auth_free();
	xmlCleanupParser();
	mysql_library_end();
	return rc;
}
