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

/* Reminder n (1, 2) of invitation r that is not taken up: a new link,
 * good until the invitation's own end (r->minutes_left), that replaces the
 * last one, mailed with a reminder's words; the ledger counts it.  Inside
 * the caller's transaction. */
enum db_result invite_enqueue_reminder(struct db *db, const struct conf *conf,
				       const struct db_tenant *t, const struct db_reminder *r);

/* Writes a password-reset token (valid conf mail.reset_valid_minutes,
 * killing earlier ones) and the "reset" mail, inside the caller's
 * transaction. */
enum db_result invite_enqueue_reset(struct db *db, const struct conf *conf,
				    const struct db_tenant *t, unsigned user_id, const char *email);
/* The "lockout" notice: sign-in to the portal is paused for minutes after
 * repeated failures; says how to reset the password.  Caller's transaction. */
enum db_result invite_enqueue_lockout(struct db *db, const struct conf *conf,
				      const struct db_tenant *t, const char *email,
				      long long minutes);

/* An office user's "Forgot password?": a reset link (valid
 * INVITE_OFFICE_RESET_MINUTES, ending the user's live ones) and the
 * "office-reset" mail to the user's login, inside the caller's transaction.
 * company: the tenant's name, for the mail. */
#define INVITE_OFFICE_RESET_MINUTES 60
enum db_result invite_enqueue_office_reset(struct db *db, const struct conf *conf,
					   unsigned tenant_id, const char *company,
					   unsigned user_id, const char *email);

/* The "webhook-disabled" notice to a Super Admin (email) of tenant_id
 * (company): the endpoint url failed for hours and was disabled (reason:
 * its last answer). */
enum db_result invite_enqueue_webhook_disabled(struct db *db, const struct conf *conf,
					       unsigned tenant_id, const char *company,
					       const char *email, const char *url, unsigned hours,
					       const char *reason);

/* The "dormant" warning (gatehouse-ctl dormant): the account (office 1: an
 * office login, else a portal one) of company (slug: its direct link) has
 * not been used for days and is deactivated in a week unless its owner
 * signs in.  Caller's transaction. */
enum db_result invite_enqueue_dormant(struct db *db, const struct conf *conf, unsigned tenant_id,
				      const char *company, const char *slug, int office,
				      const char *email, unsigned days);

#endif
