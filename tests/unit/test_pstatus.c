/* Unit tests of the portal user status (fcgi/core/pstatus.c): the order in
 * which the sign-in's refusals decide it, the lock read as the throttle
 * reads it (whole seconds left), and the keys. */
#include "config.h"

#include <stdio.h>

#include "pstatus.h"
#include "tap.h"

int main(void)
{
	static const struct {
		int revoked, has_password;
		const char *invite;
		long long lock_us;
		enum pstatus want;
		const char *why;
	} cases[] = {
		{0, 0, "none", 0, PSTATUS_NOT_INVITED, "nothing sent, no password: Not invited"},
		{0, 0, NULL, 0, PSTATUS_NOT_INVITED, "no invite state at all: Not invited"},
		{0, 0, "queued", 0, PSTATUS_INVITED, "an invitation pending: Invited"},
		{0, 0, "sent", 0, PSTATUS_INVITED, "an invitation sent: Invited"},
		{0, 0, "bounced", 0, PSTATUS_INVITED, "a bounced invitation still waits: Invited"},
		{0, 1, "none", 0, PSTATUS_ACTIVE,
		 "a password set by the office, never invited: Active"},
		{0, 1, "sent", 0, PSTATUS_ACTIVE, "a password set after the invitation: Active"},
		{1, 1, "sent", 0, PSTATUS_REVOKED, "revoked: Revoked, whatever else"},
		{1, 0, "none", 0, PSTATUS_REVOKED, "revoked before any invitation: Revoked"},
		{1, 1, "sent", 30000000, PSTATUS_REVOKED,
		 "revoked and locked: Revoked (a lock passes)"},
		{0, 1, "sent", 30000000, PSTATUS_LOCKED, "30 s of lock: Locked"},
		{0, 0, "sent", 30000000, PSTATUS_LOCKED, "locked before any password: Locked"},
		{0, 1, "sent", 1000000, PSTATUS_LOCKED,
		 "exactly 1 s left: Locked (the throttle refuses)"},
		{0, 1, "sent", 999999, PSTATUS_ACTIVE,
		 "0.999999 s left: the throttle's whole seconds are 0"},
		{0, 1, "sent", -5000000, PSTATUS_ACTIVE, "a lock that ended: Active"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pstatus_facts f = {cases[i].revoked, cases[i].has_password, cases[i].invite,
					  cases[i].lock_us};
		enum pstatus got = pstatus_decide(&f);
		if (!ok(got == cases[i].want, "%s", cases[i].why))
			diag("got %s, want %s", pstatus_key(got), pstatus_key(cases[i].want));
	}
	ok(pstatus_lock_left_us(30000000) == 29000001 && pstatus_lock_left_us(999999) == 0 &&
		   pstatus_lock_left_us(0) == 0,
	   "a lock stops refusing when less than a second is left: 30 s -> 29.000001 s");
	int keys_ok = 1;
	for (int s = 0; s < PSTATUS__COUNT; s++)
		keys_ok &= pstatus_parse(pstatus_key((enum pstatus)s)) == s;
	ok(keys_ok, "every key parses back to its status");
	ok(pstatus_parse("bounced") == -1 && pstatus_parse("") == -1 && pstatus_parse(NULL) == -1 &&
		   pstatus_parse("Active") == -1,
	   "anything else is no status");
	return done_testing();
}
