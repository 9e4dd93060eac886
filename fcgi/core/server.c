#include "config.h"

#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <mysql.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "log.h"
#include "mem.h"
#include "pool.h"
#include "rcache.h"
#include "render.h"
#include "server.h"
#include "share.h"
#include "tz.h"

#include <curl/curl.h>

/* Why not let libfcgi wait: it serves a kept-alive nginx connection by blocking
 * a thread in read() until the next request arrives on it.  With nginx's
 * upstream keepalive, idle connections would then pin threads, and a new
 * connection waits in the listen backlog until a kept one times out.  Here
 * every idle connection sits in one epoll set with one-shot events, and the
 * workers wait on that set (leader/follower, as nginx's workers do): the
 * thread that gets an event serves that request itself and re-arms the
 * connection.  Threads bound the requests in flight, not the connections
 * nginx keeps, and no request is handed from thread to thread. */

#define STOP_DEADLINE_MS 4500
#define DRAIN_QUIET_MS 100 /* a drain ends once no request came for this long */
#define DRAIN_MAX_MS 2000  /* ... or this long after the signal, whatever comes */
#define FRESH_MS 1000      /* how long a drain waits for a new connection's request */
#define MAX_CONNS 4096

struct conn {
	FCGX_Request r;
	struct conn *prev, *next; /* every open connection, for shutdown */
	unsigned served;          /* requests answered on it */
	struct timespec opened;
};

static struct conf conf;
static const struct responder *responder;
static int listen_fd = -1, ep = -1, stop_fd = -1;
static char listen_tag, stop_tag; /* epoll markers */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t live_cv = PTHREAD_COND_INITIALIZER;
static struct conn *all_conns;
static unsigned nconns, live_threads;

static struct conn *conn_new(int fd)
{
	struct conn *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	/* No listen socket for libfcgi: on a protocol error it would accept
	 * a connection by itself, behind epoll's back; with -1 it cannot. */
	FCGX_InitRequest(&c->r, -1, 0);
	c->r.ipcFd = fd;
	/* FCGX_Accept_r begins with FCGX_Finish_r, which closes the
	 * connection unless it is marked kept. */
	c->r.keepConnection = 1;
	clock_gettime(CLOCK_MONOTONIC, &c->opened);
	pthread_mutex_lock(&mu);
	c->next = all_conns;
	if (all_conns)
		all_conns->prev = c;
	all_conns = c;
	nconns++;
	pthread_mutex_unlock(&mu);
	return c;
}

/* Closes and frees; accepts NULL. */
static void conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&mu);
	if (c->prev)
		c->prev->next = c->next;
	else
		all_conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	nconns--;
	pthread_mutex_unlock(&mu);
	FCGX_Free(&c->r, 1);
	free(c);
}

/* (Re-)arms a connection: one event, then it is ours until re-armed. */
static int conn_arm(struct conn *c, int op)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, .data.ptr = c};
	return epoll_ctl(ep, op, c->r.ipcFd, &ev);
}

static void accept_all(void)
{
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				/* Out of descriptors: back off instead of spinning
				 * on a listen socket that stays readable. */
				log_warn("accept: %s; pausing 50 ms", strerror(errno));
				usleep(50000);
			} else if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("accept: %s", strerror(errno));
			return;
		}
		pthread_mutex_lock(&mu);
		unsigned n = nconns;
		pthread_mutex_unlock(&mu);
		if (n >= MAX_CONNS || (c = conn_new(fd)) == NULL) {
			log_warn("accept: %u connections open, refusing one", n);
			close(fd);
			continue;
		}
		if (conn_arm(c, EPOLL_CTL_ADD) != 0)
			conn_free(c);
	}
}

static long ms_since(const struct timespec *t)
{
	struct timespec n;
	clock_gettime(CLOCK_MONOTONIC, &n);
	return (n.tv_sec - t->tv_sec) * 1000L + (n.tv_nsec - t->tv_nsec) / 1000000L;
}

/* Whether a connection accepted lately has not brought its first request
 * yet: nginx connects, then writes, so a drain that closed it now would
 * lose a request already on its way. */
static int fresh_conns(void)
{
	int any = 0;

	pthread_mutex_lock(&mu);
	for (struct conn *c = all_conns; c != NULL && !any; c = c->next)
		any = c->served == 0 && ms_since(&c->opened) < FRESH_MS;
	pthread_mutex_unlock(&mu);
	return any;
}

/* Serves the request waiting on c, then re-arms c (or closes it). */
static void serve(struct conn *c, struct db *db)
{
	char b;
	ssize_t k = recv(c->r.ipcFd, &b, 1, MSG_PEEK | MSG_DONTWAIT);

	if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR)) {
		conn_free(c); /* nginx closed it */
		return;
	}
	if (k < 0) {
		if (conn_arm(c, EPOLL_CTL_MOD) != 0)
			conn_free(c);
		return;
	}
	if (FCGX_Accept_r(&c->r) < 0) {
		conn_free(c);
		return;
	}
	/* A streamed answer (the feed's) frees its writer's memory as it
	 * goes, and may be large: from malloc, not the request pool, which
	 * frees nothing before the request ends. */
	if (responder->handle != NULL)
		responder->handle(&c->r, &conf, db, responder);
	else {
		pool_begin();
		http_handle(&c->r, &conf, db, responder);
		pool_end();
	}
	FCGX_Finish_r(&c->r);
	c->served++;
	/* Re-armed during a drain too: nginx may already be sending the next
	 * request on it.  The drain closes what is left once it is quiet. */
	if (c->r.ipcFd < 0 || conn_arm(c, EPOLL_CTL_MOD) != 0)
		conn_free(c);
}

/* After SIGTERM: answers every request that arrives until none came for
 * DRAIN_QUIET_MS and no new connection still owes its first request, or
 * DRAIN_MAX_MS after the signal.  The listen socket is gone by then, so
 * what arrives is what nginx had already sent or was sending. */
static void drain(struct db *db)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (ms_since(&start) < DRAIN_MAX_MS) {
		struct epoll_event evs[16];
		int n = epoll_wait(ep, evs, 16, DRAIN_QUIET_MS), served = 0;
		for (int i = 0; i < n; i++)
			if (evs[i].data.ptr != &stop_tag && evs[i].data.ptr != &listen_tag) {
				serve(evs[i].data.ptr, db);
				served++;
			}
		/* The stop marker is level-triggered, so n >= 1 always:
		 * quiet means nothing but it, for a whole round. */
		if (served == 0 && !fresh_conns()) {
			n = epoll_wait(ep, evs, 16, DRAIN_QUIET_MS);
			int other = 0;
			for (int i = 0; i < n; i++)
				if (evs[i].data.ptr != &stop_tag &&
				    evs[i].data.ptr != &listen_tag) {
					serve(evs[i].data.ptr, db);
					other++;
				}
			if (other == 0)
				break;
		}
	}
}

static void *worker(void *arg)
{
	struct db *db;
	struct epoll_event ev;
	int stopping = 0;

	(void)arg;
	mysql_thread_init();
	/* libxml2's per-thread state is made on first use: here, outside any
	 * pool window.  libxml2 2.9 makes it with malloc() anyway; this keeps
	 * it out of the pool whatever a later version does. */
	xmlResetLastError();
	if ((db = db_open(&conf, responder->db_role, 0, 1)) == NULL)
		log_err("worker: cannot initialise");
	while (db != NULL && !stopping) {
		int n = epoll_wait(ep, &ev, 1, -1);
		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s", strerror(errno));
			break;
		}
		if (n <= 0)
			continue;
		if (ev.data.ptr == &listen_tag) {
			accept_all();
			struct epoll_event le = {.events = EPOLLIN | EPOLLONESHOT,
						 .data.ptr = &listen_tag};
			epoll_ctl(ep, EPOLL_CTL_MOD, listen_fd, &le);
		} else if (ev.data.ptr == &stop_tag)
			stopping = 1;
		else
			serve(ev.data.ptr, db);
	}
	if (stopping) {
		/* Wake the next sleeping worker (an epoll wake-up reaches one
		 * waiter), then answer what had already arrived. */
		uint64_t one = 1;
		if (write(stop_fd, &one, sizeof one) != (ssize_t)sizeof one)
			log_warn("stop: %s", strerror(errno));
		drain(db);
	}
	db_close(db);
	pool_thread_free();
	mysql_thread_end();
	pthread_mutex_lock(&mu);
	live_threads--;
	pthread_cond_broadcast(&live_cv);
	pthread_mutex_unlock(&mu);
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
	if (fd >= 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int add_fd(int fd, void *tag, unsigned extra)
{
	struct epoll_event ev = {.events = EPOLLIN | extra, .data.ptr = tag};
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void usage(const char *name)
{
	fprintf(stderr, "usage: %s -c CONFIG\n", name);
}

/* The responder's section of the config. */
static const struct conf_responder *section(const struct responder *r)
{
	return r->kind == SERVER_PORTAL ? &conf.portal
	       : r->kind == SERVER_FEED ? &conf.feed
					: &conf.settings;
}

/* The config named by "-c CONFIG", checked: 0, or the exit code. */
static int configure(int argc, char **argv, const struct responder *r,
		     const struct conf_responder **me)
{
	const char *cfg = NULL;
	char err[512];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") != 0 || i + 1 >= argc) {
			usage(r->name);
			return 2;
		}
		cfg = argv[++i];
	}
	if (cfg == NULL) {
		usage(r->name);
		return 2;
	}
	if (conf_load(cfg, &conf, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", r->name, err);
		return 1;
	}
	*me = section(r);
	if ((*me)->listen[0] == '\0') {
		fprintf(stderr, "%s: no listen socket in the config\n", r->name);
		return 1;
	}
	/* Sign-ins waiting for (or running) a password hash hold their
	 * thread; at least one thread must stay free for every other page. */
	if (r->kind != SERVER_FEED &&
	    conf.sec.hash_concurrency + conf.sec.hash_queue >= (*me)->threads) {
		fprintf(stderr,
			"%s: hash_concurrency (%u) + hash_queue (%u) must be below threads (%u), "
			"or a sign-in flood could take every thread\n",
			r->name, conf.sec.hash_concurrency, conf.sec.hash_queue, (*me)->threads);
		return 1;
	}
	return 0;
}

/* The stylesheets to compile: "error" and each page's own (the .name of a
 * page that renders), once each.  NULL-terminated, in sheets[0..max). */
static int page_sheets(const struct page *const *pages, const char **sheets, size_t max)
{
	size_t n = 0;

	sheets[n++] = "error";
	for (const struct page *const *p = pages; p != NULL && *p != NULL; p++) {
		size_t k;
		if ((*p)->get == NULL || (*p)->redirects_only)
			continue;
		for (k = 0; k < n && strcmp(sheets[k], (*p)->name) != 0; k++)
			;
		if (k < n)
			continue;
		if (n + 1 >= max)
			return -1;
		sheets[n++] = (*p)->name;
	}
	sheets[n] = NULL;
	return 0;
}

/* Libraries, stylesheets, keys, caches and the start-up check of the
 * database's statements: everything before the first thread.  0 or -1. */
static int start_up(const struct responder *r)
{
	const char *sheets[RENDER_MAX + 1];
	struct db *probe;
	int rc = -1;

	if (mysql_library_init(0, NULL, NULL) != 0 || FCGX_Init() != 0 ||
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "%s: library initialisation failed\n", r->name);
		return -1;
	}
	mem_init();
	/* The pool becomes libxml2's allocator before libxml2 allocates. */
	if (pool_install() != 0) {
		fprintf(stderr, "%s: cannot install the request pool\n", r->name);
		return -1;
	}
	xmlInitParser();
	if (page_sheets(r->pages, sheets, sizeof sheets / sizeof sheets[0]) != 0) {
		log_err("%s: more stylesheets than render.c keeps (%d)", r->name, RENDER_MAX);
		return -1;
	}
	const struct conf_responder *me = section(r);
	if (tz_init(NULL) != 0 || render_init(conf.web.xslt_dir, sheets) != 0 ||
	    auth_init(&conf) != 0 ||
	    rcache_init((size_t)conf.web.render_cache_kb * 1024, conf.web.cache_tenant_share) !=
		    0 ||
	    db_view_cache_init((size_t)conf.web.view_cache_kb * 1024,
			       conf.web.cache_tenant_share) != 0 ||
	    share_init(me->threads, me->tenant_share, me->tenant_wait_ms) != 0)
		return -1;
	if (r->init != NULL && r->init(&conf) != 0)
		return -1;
	/* Fail at start-up, not on the first request, if the schema is wrong. */
	if ((probe = db_open(&conf, r->db_role, 0, 0)) == NULL)
		return -1;
	if (db_prepare_all(probe) == DB_OK)
		rc = 0;
	else
		log_err("%s: the database schema does not match; run gatehouse-ctl migrate",
			r->name);
	db_close(probe);
	return rc;
}

/* The listen socket, the epoll set and the workers; 0 or -1. */
static int open_and_start(const struct responder *r, const struct conf_responder *me,
			  pthread_t *tids, unsigned *started)
{
	if ((stop_fd = eventfd(0, EFD_CLOEXEC)) < 0 || (ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return -1;
	if ((listen_fd = open_listen(me->listen)) < 0) {
		log_err("%s: cannot listen on %s", r->name, me->listen);
		return -1;
	}
	/* The stop event is level-triggered: every worker will see it. */
	if (add_fd(listen_fd, &listen_tag, EPOLLONESHOT) != 0 || add_fd(stop_fd, &stop_tag, 0) != 0)
		return -1;
	for (; *started < me->threads; (*started)++) {
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 1u << 20);
		pthread_mutex_lock(&mu);
		live_threads++;
		pthread_mutex_unlock(&mu);
		if (pthread_create(&tids[*started], &a, worker, NULL) != 0) {
			log_err("%s: cannot start thread %u", r->name, *started);
			abort(); /* start-up only */
		}
		pthread_attr_destroy(&a);
	}
	log_info("%s: listening on %s with %u threads", r->name, me->listen, me->threads);
	return 0;
}

/* Stop: no new connections; requests already received are answered; idle
 * kept connections are closed once the workers are done.  A unix socket's
 * name goes first: nobody can connect after that, so the backlog taken in
 * below is complete, and no connection made in between is reset by the
 * close (nginx: "upstream prematurely closed connection", a request lost
 * in flight).  0 once every worker has ended. */
static int drain_all(const struct responder *r, const struct conf_responder *me)
{
	uint64_t one = 1;
	struct timespec dl;
	unsigned left;

	epoll_ctl(ep, EPOLL_CTL_DEL, listen_fd, NULL);
	if (me->listen[0] == '/')
		unlink(me->listen);
	accept_all();
	shutdown(listen_fd, SHUT_RDWR);
	accept_all();
	if (write(stop_fd, &one, sizeof one) != (ssize_t)sizeof one)
		return -1;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += STOP_DEADLINE_MS / 1000;
	dl.tv_nsec += (STOP_DEADLINE_MS % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&mu);
	while (live_threads > 0)
		if (pthread_cond_timedwait(&live_cv, &mu, &dl) == ETIMEDOUT)
			break;
	left = live_threads;
	pthread_mutex_unlock(&mu);
	if (left > 0) {
		log_warn("%s: %u requests still running at the deadline; exiting", r->name, left);
		_exit(0);
	}
	return 0;
}

static void shut_down(const struct responder *r)
{
	if (listen_fd >= 0)
		close(listen_fd);
	if (ep >= 0)
		close(ep);
	if (stop_fd >= 0)
		close(stop_fd);
	if (rcache_enabled()) {
		struct rcache_stats rs;
		rcache_get_stats(&rs);
		log_info("%s: render cache: %llu hits, %llu misses, %llu stored, %llu evicted, "
			 "%zu pages in %zu of %zu bytes",
			 r->name, rs.hits, rs.misses, rs.stored, rs.evicted, rs.entries, rs.bytes,
			 rs.budget);
	}
	rcache_free();
	db_view_cache_free();
	share_free();
	render_free();
	tz_free();
	auth_free();
	xmlCleanupParser();
	curl_global_cleanup();
	mysql_library_end();
}

int server_main(int argc, char **argv, const struct responder *r)
{
	const struct conf_responder *me = NULL;
	sigset_t sigs;
	pthread_t *tids = NULL;
	unsigned started = 0;
	int sig = 0, rc;

	if ((rc = configure(argc, argv, r, &me)) != 0)
		return rc;
	responder = r;
	rc = 1;
	if (start_up(r) != 0)
		goto out;
	/* Signals are taken by the main thread alone (sigwait); blocked before
	 * any thread starts so that every thread inherits the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((tids = calloc(me->threads, sizeof *tids)) == NULL ||
	    open_and_start(r, me, tids, &started) != 0)
		goto out;
	/* The main thread waits for a signal and, once a second, brings the
	 * memory a burst left back to the bound (mem.h). */
	for (;;) {
		struct timespec tick = {1, 0};
		if ((sig = sigtimedwait(&sigs, NULL, &tick)) > 0)
			break;
		mem_tend(me->memory_mb);
	}
	log_info("%s: signal %d: draining", r->name, sig);
	if (drain_all(r, me) != 0)
		goto out;
	/* Join, so thread-local state (libxml2's, MariaDB's) is freed first. */
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	while (all_conns != NULL)
		conn_free(all_conns);
	log_info("%s: stopped", r->name);
	rc = 0;
out:
	free(tids);
	shut_down(r);
	return rc;
}
