/* Portal invitations: used by the settings pages (add, resend) and by the
 * portal (a fresh link for an expired one). */
#ifndef GH_INVITE_H
#define GH_INVITE_H

#include "conf.h"
#include "db.h"

/* Writes a new set-password token for the user (killing earlier ones) and
 * the invitation's outbox row, inside the caller's transaction. */
enum db_result invite_enqueue(struct db *db, const struct conf *conf, const struct db_tenant *t,
			      unsigned user_id, const char *company, const char *email);

#endif
