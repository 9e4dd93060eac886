#include "config.h"

#include <string.h>

#include "pstatus.h"

static const char *const keys[PSTATUS__COUNT] = {
	[PSTATUS_NOT_INVITED] = "not_invited", [PSTATUS_INVITED] = "invited",
	[PSTATUS_ACTIVE] = "active",           [PSTATUS_REVOKED] = "revoked",
	[PSTATUS_LOCKED] = "locked",
};

int pstatus_locked(long long lock_us)
{
	/* auth.c's throttle_decide refuses while locked_secs > 0, and
	 * THROTTLE_LOCK makes locked_secs with TIMESTAMPDIFF(SECOND, ...),
	 * which drops the fraction: a lock with 0.9 s left refuses nothing. */
	return lock_us / 1000000 > 0;
}

long long pstatus_lock_left_us(long long lock_us)
{
	/* The decision flips when fewer than 1,000,000 us are left. */
	return pstatus_locked(lock_us) ? lock_us - 999999 : 0;
}

/* sql/016's portal_users_status_version trigger bumps the version the
 * Portal Access page memo is kept under (with sql/033's) on a change of
 * what this reads (status; password set or not; invite_state 'none' or
 * not; locked_until): read more, and bump there too. */
enum pstatus pstatus_decide(const struct pstatus_facts *f)
{
	/* The sign-in (fcgi/portal/login.c) refuses a locked account before it
	 * checks a password, and a revoked one only after the right password;
	 * a revoked user stays Revoked whatever else holds, since restoring
	 * them is the office's decision, not a matter of waiting. */
	if (f->revoked)
		return PSTATUS_REVOKED;
	if (pstatus_locked(f->lock_us))
		return PSTATUS_LOCKED;
	if (f->has_password)
		return PSTATUS_ACTIVE;
	if (f->invite_state != NULL && f->invite_state[0] != '\0' &&
	    strcmp(f->invite_state, "none") != 0)
		return PSTATUS_INVITED;
	return PSTATUS_NOT_INVITED;
}

const char *pstatus_key(enum pstatus s)
{
	return (unsigned)s < PSTATUS__COUNT ? keys[s] : keys[PSTATUS_NOT_INVITED];
}

int pstatus_parse(const char *key)
{
	for (int i = 0; key != NULL && i < PSTATUS__COUNT; i++)
		if (strcmp(key, keys[i]) == 0)
			return i;
	return -1;
}
