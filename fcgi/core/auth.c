#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "auth.h"
#include "mfa.h"
#include "log.h"

static unsigned char secret_key[crypto_generichash_KEYBYTES];
static unsigned char seal_key[crypto_secretbox_KEYBYTES];
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static unsigned gate_running, gate_max_running, gate_max_waiting;
static unsigned long gate_next_ticket, gate_next_admit;
static char dummy_hash[AUTH_HASH_LEN];

/* The hash threads.  Argon2id is the one thing a responder does that costs
 * tens of milliseconds of CPU; run on the request's own thread, a sign-in
 * flood took the cores the other pages need (measured: another page's p99
 * from 6-35 ms to 0.36-1.35 s under 300 sign-ins).  So hashes run on their
 * own threads at the lowest priority the kernel has (SCHED_IDLE, and nice
 * 19 should that be refused): they get whatever CPU the pages leave.  There
 * are as many as the gate admits at once, never more than the cores less
 * one (at least one); the gate's tickets keep sign-ins in order of arrival,
 * and the request's thread waits for its job's answer. */
enum hash_op { HASH_MAKE, HASH_CHECK };

struct hash_job {
	enum hash_op op;
	const char *pw, *hash; /* HASH_CHECK: the stored hash */
	char *out;             /* HASH_MAKE: AUTH_HASH_LEN bytes */
	int rc, done;
	struct hash_job *next;
};

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_work_cv = PTHREAD_COND_INITIALIZER,
		      pool_done_cv = PTHREAD_COND_INITIALIZER;
static struct hash_job *pool_head, *pool_tail;
static pthread_t pool_tids[64];
static unsigned pool_n, pool_stop;
static int pool_started;

/* Lowers the calling thread to the idle class; 0, or -1 if neither the
 * class nor nice 19 could be had. */
static int lowest_priority(void)
{
	struct sched_param sp = {0};
	int idle = pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp) == 0;
	/* nice is per thread on Linux (setpriority on the thread id). */
	int nice19 = setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19) == 0;
	return idle || nice19 ? 0 : -1;
}

static void *hash_thread(void *arg)
{
	(void)arg;
	if (lowest_priority() != 0)
		log_warn("auth: hash thread: cannot lower its priority: %s", strerror(errno));
	pthread_mutex_lock(&pool_mu);
	for (;;) {
		struct hash_job *j;
		while (pool_head == NULL && !pool_stop)
			pthread_cond_wait(&pool_work_cv, &pool_mu);
		if (pool_head == NULL)
			break;
		j = pool_head;
		if ((pool_head = j->next) == NULL)
			pool_tail = NULL;
		pthread_mutex_unlock(&pool_mu);
		if (j->op == HASH_MAKE)
			j->rc = crypto_pwhash_str(j->out, j->pw, strlen(j->pw),
						  crypto_pwhash_OPSLIMIT_INTERACTIVE,
						  crypto_pwhash_MEMLIMIT_INTERACTIVE);
		else
			j->rc = crypto_pwhash_str_verify(j->hash, j->pw, strlen(j->pw));
		pthread_mutex_lock(&pool_mu);
		j->done = 1;
		pthread_cond_broadcast(&pool_done_cv);
	}
	pthread_mutex_unlock(&pool_mu);
	return NULL;
}

/* How many hashes may run at once: the configured concurrency, but never
 * more than the cores less one, and at least one. */
unsigned auth_hash_slots(unsigned configured)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned cap = cores > 1 ? (unsigned)(cores - 1) : 1;
	return configured < cap ? configured : cap;
}

static void pool_start(void)
{
	pthread_mutex_lock(&pool_mu);
	if (!pool_started) {
		pool_started = 1;
		for (pool_n = 0; pool_n < gate_max_running && pool_n < 64; pool_n++) {
			pthread_attr_t a;
			pthread_attr_init(&a);
			pthread_attr_setstacksize(&a, 256u << 10);
			if (pthread_create(&pool_tids[pool_n], &a, hash_thread, NULL) != 0) {
				pthread_attr_destroy(&a);
				break;
			}
			pthread_attr_destroy(&a);
		}
	}
	pthread_mutex_unlock(&pool_mu);
}

/* Runs j on a hash thread and waits for it; -1 if there is none. */
static int pool_run(struct hash_job *j)
{
	pool_start();
	pthread_mutex_lock(&pool_mu);
	if (pool_n == 0) {
		pthread_mutex_unlock(&pool_mu);
		return -1;
	}
	j->done = 0;
	j->next = NULL;
	if (pool_tail)
		pool_tail->next = j;
	else
		pool_head = j;
	pool_tail = j;
	pthread_cond_signal(&pool_work_cv);
	while (!j->done)
		pthread_cond_wait(&pool_done_cv, &pool_mu);
	pthread_mutex_unlock(&pool_mu);
	return j->rc;
}

static void pool_free(void)
{
	pthread_mutex_lock(&pool_mu);
	pool_stop = 1;
	pthread_cond_broadcast(&pool_work_cv);
	pthread_mutex_unlock(&pool_mu);
	for (unsigned i = 0; i < pool_n; i++)
		pthread_join(pool_tids[i], NULL);
	pthread_mutex_lock(&pool_mu);
	pool_n = 0;
	pool_started = 0;
	pool_stop = 0;
	pthread_mutex_unlock(&pool_mu);
}

int auth_init(const struct conf *c)
{
	unsigned char buf[64];
	ssize_t n;
	int fd;

	if (sodium_init() < 0)
		return -1;
	if ((fd = open(c->sec.key_file, O_RDONLY | O_CLOEXEC)) < 0) {
		log_err("auth: %s: %s", c->sec.key_file, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 32) {
		log_err("auth: %s: need at least 32 bytes of key", c->sec.key_file);
		sodium_memzero(buf, sizeof buf);
		return -1;
	}
	/* Derive rather than use the file's bytes directly, so a key file of
	 * any length >= 32 gives a uniform key. */
	crypto_generichash(secret_key, sizeof secret_key, buf, (size_t)n, NULL, 0);
	sodium_memzero(buf, sizeof buf);
	/* A separate key for sealing, so MACs and ciphertexts never share one. */
	crypto_generichash(seal_key, sizeof seal_key, (const unsigned char *)"gatehouse-seal", 14,
			   secret_key, sizeof secret_key);
	/* The MFA module derives its recovery-code key from the same secret. */
	if (mfa_init(secret_key, sizeof secret_key) != 0)
		return -1;
	gate_max_running = auth_hash_slots(c->sec.hash_concurrency);
	gate_max_waiting = c->sec.hash_queue;
	if (crypto_pwhash_str(dummy_hash, "gatehouse-dummy-password", 24,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return -1;
	return 0;
}

void auth_subkey(const char *purpose, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)purpose, strlen(purpose), secret_key,
			   sizeof secret_key);
}

void auth_free(void)
{
	pool_free();
	sodium_memzero(secret_key, sizeof secret_key);
	sodium_memzero(seal_key, sizeof seal_key);
	mfa_free();
}

int auth_seal(const unsigned char *msg, size_t len, unsigned char *out, size_t outsz)
{
	if (outsz < len + AUTH_SEAL_OVERHEAD)
		return -1;
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	return crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, msg, len, out, seal_key);
}

int auth_open(const unsigned char *in, size_t len, unsigned char *out, size_t outsz)
{
	if (len < AUTH_SEAL_OVERHEAD || outsz < len - AUTH_SEAL_OVERHEAD)
		return -1;
	return crypto_secretbox_open_easy(out, in + crypto_secretbox_NONCEBYTES,
					  len - crypto_secretbox_NONCEBYTES, in, seal_key);
}

/* Tickets keep the gate first come, first served: a sign-in that waits is
 * never overtaken, so its wait is bounded by the queue ahead of it. */
static enum auth_result gate_enter(void)
{
	enum auth_result rc = AUTH_OK;
	unsigned long t;

	pthread_mutex_lock(&gate_mu);
	if (gate_running >= gate_max_running &&
	    gate_next_ticket - gate_next_admit >= gate_max_waiting) {
		rc = AUTH_BUSY;
		goto out;
	}
	t = gate_next_ticket++;
	while (t != gate_next_admit || gate_running >= gate_max_running)
		pthread_cond_wait(&gate_cv, &gate_mu);
	gate_next_admit++;
	gate_running++;
	pthread_cond_broadcast(&gate_cv); /* the next ticket may fit too */
out:
	pthread_mutex_unlock(&gate_mu);
	return rc;
}

int auth_gate_full(void)
{
	int full;

	pthread_mutex_lock(&gate_mu);
	full = gate_running >= gate_max_running &&
	       gate_next_ticket - gate_next_admit >= gate_max_waiting;
	pthread_mutex_unlock(&gate_mu);
	return full;
}

static void gate_leave(void)
{
	pthread_mutex_lock(&gate_mu);
	gate_running--;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
}

int auth_password_hash_direct(const char *pw, char out[AUTH_HASH_LEN])
{
	if (sodium_init() < 0)
		return -1;
	return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

enum auth_result auth_password_hash(const char *pw, char out[AUTH_HASH_LEN])
{
	enum auth_result rc;
	struct hash_job j = {.op = HASH_MAKE, .pw = pw, .out = out};

	if ((rc = gate_enter()) != AUTH_OK)
		return rc;
	rc = pool_run(&j) == 0 ? AUTH_OK : AUTH_ERR;
	gate_leave();
	return rc;
}

enum auth_result auth_password_verify(const char *hash, const char *pw)
{
	enum auth_result rc;
	int ok;
	struct hash_job j = {.op = HASH_CHECK, .pw = pw, .hash = hash ? hash : dummy_hash};

	if ((rc = gate_enter()) != AUTH_OK)
		return rc;
	ok = pool_run(&j) == 0;
	gate_leave();
	return ok && hash != NULL ? AUTH_OK : AUTH_FAIL;
}

void auth_token_new(unsigned char raw[AUTH_TOKEN_BYTES], char cookie[AUTH_COOKIE_LEN + 1])
{
	randombytes_buf(raw, AUTH_TOKEN_BYTES);
	sodium_bin2base64(cookie, AUTH_COOKIE_LEN + 1, raw, AUTH_TOKEN_BYTES,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int auth_token_parse(const char *cookie, unsigned char raw[AUTH_TOKEN_BYTES])
{
	size_t len = 0;
	const char *end;

	if (cookie == NULL || strlen(cookie) != AUTH_COOKIE_LEN)
		return -1;
	if (sodium_base642bin(raw, AUTH_TOKEN_BYTES, cookie, AUTH_COOKIE_LEN, NULL, &len, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != AUTH_TOKEN_BYTES || *end != '\0')
		return -1;
	return 0;
}

void auth_token_hash(const unsigned char raw[AUTH_TOKEN_BYTES], unsigned char out[32])
{
	crypto_hash_sha256(out, raw, AUTH_TOKEN_BYTES);
}

int auth_token_digest(const char *cookie, unsigned char out[32])
{
	unsigned char raw[AUTH_TOKEN_BYTES];

	if (auth_token_parse(cookie, raw) != 0)
		return -1;
	auth_token_hash(raw, out);
	sodium_memzero(raw, sizeof raw);
	return 0;
}

void auth_token_fresh(char cookie[AUTH_COOKIE_LEN + 1], unsigned char hash[32])
{
	unsigned char raw[AUTH_TOKEN_BYTES];

	auth_token_new(raw, cookie);
	auth_token_hash(raw, hash);
	sodium_memzero(raw, sizeof raw);
}

int auth_token_sealed(unsigned char hash[32],
		      unsigned char sealed[AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD])
{
	char token[AUTH_COOKIE_LEN + 1];
	int rc;

	auth_token_fresh(token, hash);
	rc = auth_seal((const unsigned char *)token, AUTH_COOKIE_LEN, sealed,
		       AUTH_COOKIE_LEN + AUTH_SEAL_OVERHEAD);
	sodium_memzero(token, sizeof token);
	return rc;
}

void auth_csrf(const char *purpose, const unsigned char *bind, size_t len,
	       char out[AUTH_CSRF_LEN + 1])
{
	crypto_generichash_state st;
	unsigned char mac[32];

	crypto_generichash_init(&st, secret_key, sizeof secret_key, sizeof mac);
	crypto_generichash_update(&st, (const unsigned char *)purpose, strlen(purpose) + 1);
	crypto_generichash_update(&st, bind, len);
	crypto_generichash_final(&st, mac, sizeof mac);
	sodium_bin2hex(out, AUTH_CSRF_LEN + 1, mac, sizeof mac);
	sodium_memzero(mac, sizeof mac);
}

int auth_csrf_ok(const char *purpose, const unsigned char *bind, size_t len, const char *given)
{
	char want[AUTH_CSRF_LEN + 1];
	int ok;

	if (given == NULL || strlen(given) != AUTH_CSRF_LEN)
		return 0;
	auth_csrf(purpose, bind, len, want);
	ok = sodium_memcmp(want, given, AUTH_CSRF_LEN) == 0;
	sodium_memzero(want, sizeof want);
	return ok;
}

/* The account name of a portal user (auth_portal_account).  sql/016 finds
 * such a key's row by the same bytes; change them together. */
#define PORTAL_ACCOUNT_FMT "portal-user:%u"

/* The portal user an account name is (auth_portal_account's), or 0. */
static unsigned portal_user_of(const char *account)
{
	unsigned id = 0;
	int end = 0;

	if (sscanf(account, PORTAL_ACCOUNT_FMT "%n", &id, &end) == 1 && account[end] == '\0')
		return id;
	return 0;
}

static void throttle_key(const char *kind, const char *v, unsigned char out[32])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)v, strlen(v));
	crypto_hash_sha256_final(&st, out);
}

/* Decides one key under its row lock: 1 if this attempt may be checked.
 * The attempt that reaches the limit, and each one after it, sets a lock the
 * next attempt must wait out: 30 s, 60 s, 2 min ... capped at the window.
 * So after 5 failures nothing is checked for 30 s, then one attempt is,
 * and if it fails too the wait doubles; a success clears it all. */
static int throttle_decide(struct db_throttle *t, unsigned limit, long long *retry)
{
	if (t->locked_secs > 0) {
		*retry = t->locked_secs;
		return 0;
	}
	if (t->age_secs >= AUTH_WINDOW_SECS) {
		t->attempts = 0;
		t->age_secs = 0;
	}
	t->attempts++;
	if (t->attempts >= limit) {
		unsigned over = t->attempts - limit;
		long long lock = 30LL << (over > 5 ? 5 : over);
		t->locked_secs = lock > AUTH_WINDOW_SECS ? AUTH_WINDOW_SECS : lock;
	}
	return 1;
}

enum auth_result auth_throttle_reserve(struct db *db, const char *account, const char *addr,
				       long long *retry_after)
{
	return auth_throttle_reserve_ex(db, account, addr, retry_after, NULL);
}

enum auth_result auth_throttle_reserve_ex(struct db *db, const char *account, const char *addr,
					  long long *retry_after, long long *lock_if_fails)
{
	unsigned char ka[32], kb[32];
	struct db_throttle ta, tb;
	enum db_result rc = DB_ERR;
	long long ra = 0, rb = 0;
	int tries = 0;

	throttle_key("account", account, ka);
	throttle_key("addr", addr, kb);
again:
	*retry_after = 0;
	if ((rc = db_begin(db)) != DB_OK)
		goto fail;
	/* Always account first, then address: one lock order, no deadlock
	 * cycles between two sign-ins. */
	/* A portal user's account row names the user: its lock is copied onto
	 * the user's row (sql/016), where the lists read the status. */
	if ((rc = db_throttle_lock(db, ka, portal_user_of(account), &ta)) != DB_OK ||
	    (rc = db_throttle_lock(db, kb, 0, &tb)) != DB_OK)
		goto fail;
	if (!throttle_decide(&ta, AUTH_LIMIT_ACCOUNT, &ra) ||
	    !throttle_decide(&tb, AUTH_LIMIT_ADDR, &rb)) {
		/* Refused: nothing changes, not even the rows just created
		 * for a new key, so refused floods cannot grow the table. */
		db_rollback(db);
		*retry_after = ra > rb ? ra : rb;
		return AUTH_LOCKED;
	}
	if ((rc = db_throttle_set(db, ka, ta.age_secs, ta.attempts, ta.locked_secs)) != DB_OK ||
	    (rc = db_throttle_set(db, kb, tb.age_secs, tb.attempts, tb.locked_secs)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto fail;
	if (lock_if_fails != NULL)
		*lock_if_fails = ta.attempts == AUTH_LIMIT_ACCOUNT ? ta.locked_secs : 0;
	return AUTH_OK;
fail:
	db_rollback(db);
	if (rc == DB_RETRY && tries++ < 3)
		goto again;
	return AUTH_ERR;
}

enum auth_result auth_throttle_settle(struct db *db, const char *account, const char *addr,
				      enum auth_settle how)
{
	unsigned char ka[32], kb[32];

	if (how == AUTH_SETTLE_FAILED)
		return AUTH_OK; /* the reservation stands as a failure */
	throttle_key("account", account, ka);
	throttle_key("addr", addr, kb);
	/* A success clears the account; an attempt that was never checked
	 * (the hash gate was full, the database failed) is given back. */
	if ((how == AUTH_SETTLE_OK ? db_throttle_clear(db, ka) : db_throttle_refund(db, ka)) !=
		    DB_OK ||
	    db_throttle_refund(db, kb) != DB_OK)
		return AUTH_ERR;
	return AUTH_OK;
}

enum auth_result auth_throttle_verify(struct db *db, const char *account, const char *addr,
				      const char *hash, const char *pw)
{
	enum auth_result arc = auth_password_verify(hash, pw);

	if (arc == AUTH_BUSY || arc == AUTH_ERR) {
		/* Not the user's doing: the attempt is given back. */
		auth_throttle_settle(db, account, addr, AUTH_SETTLE_UNCHECKED);
		return AUTH_BUSY;
	}
	if (arc != AUTH_OK) {
		auth_throttle_settle(db, account, addr, AUTH_SETTLE_FAILED);
		return AUTH_FAIL;
	}
	return auth_throttle_settle(db, account, addr, AUTH_SETTLE_OK);
}

enum auth_result auth_throttle_state(struct db *db, const char *account, long long *locked_secs,
				     unsigned *failures)
{
	unsigned char k[32];
	struct db_throttle t;

	throttle_key("account", account, k);
	if (db_throttle_peek(db, k, &t) != DB_OK)
		return AUTH_ERR;
	*locked_secs = t.locked_secs;
	*failures = t.attempts;
	return AUTH_OK;
}

enum auth_result auth_throttle_unlock(struct db *db, const char *account)
{
	unsigned char k[32];

	throttle_key("account", account, k);
	return db_throttle_clear(db, k) == DB_OK ? AUTH_OK : AUTH_ERR;
}

void auth_portal_account(unsigned user_id, unsigned tenant_id, const char *email, char *out,
			 size_t outsz)
{
	if (user_id != 0)
		snprintf(out, outsz, PORTAL_ACCOUNT_FMT, user_id);
	else
		snprintf(out, outsz, "portal-email:%u:%s", tenant_id, email);
}
