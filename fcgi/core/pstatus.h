/* A portal user's status as the portal's sign-in decides it (issue 12):
 * the one place that turns a user's columns into Not invited, Invited,
 * Active, Revoked or Locked.  The Portal Access list (and its filter by
 * status), a user's edit page, a customer's page and the portal's
 * Colleagues page all show what this decides. */
#ifndef GH_PSTATUS_H
#define GH_PSTATUS_H

enum pstatus {
	PSTATUS_NOT_INVITED = 0,
	PSTATUS_INVITED,
	PSTATUS_ACTIVE,
	PSTATUS_REVOKED,
	PSTATUS_LOCKED,
	PSTATUS__COUNT
};

/* What the sign-in looks at, as the user's row holds it. */
struct pstatus_facts {
	int revoked;              /* portal_users.status = 'revoked' */
	int has_password;         /* password_hash IS NOT NULL */
	const char *invite_state; /* none, queued, sent, bounced; NULL: none */
	/* The account's sign-in lock: microseconds from the database's NOW(6)
	 * to portal_users.locked_until (the login_throttle row's, mirrored);
	 * 0 or less: no lock. */
	long long lock_us;
};

/* Revoked (refused after the right password); Locked (the throttle refuses
 * every attempt now); Active (a password is set); Invited (an invitation
 * was queued or sent, even one that bounced: it waits for a password);
 * Not invited.  In that order. */
enum pstatus pstatus_decide(const struct pstatus_facts *f);

/* Whether a lock of lock_us microseconds refuses a sign-in now: as
 * THROTTLE_LOCK (db/stmt_throttle.h) reads it, whole seconds left
 * (TIMESTAMPDIFF truncates) and more than none. */
int pstatus_locked(long long lock_us);

/* Microseconds until a lock of lock_us stops refusing (0 when it does not
 * refuse now): how long a decision made now stays right. */
long long pstatus_lock_left_us(long long lock_us);

/* The key written in page XML ("not_invited", "invited", "active",
 * "revoked", "locked"); a static string. */
const char *pstatus_key(enum pstatus s);

/* The status of a key, or -1 for none of them. */
int pstatus_parse(const char *key);

#endif
