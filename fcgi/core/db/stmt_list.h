/* The statement table's fragments, one per domain, in table order: read by
 * stmt.h (the enum) and stmt.c (the table) with their own DB_STMT.  No
 * include guard: that is the point.  Roles as the callers of each
 * statement's wrapper are (settings pages, portal pages, the mailer, the
 * ctl tool; core modules count for every responder that calls them). */
#define R_S DB_ROLE_SETTINGS
#define R_P DB_ROLE_PORTAL
#define R_M DB_ROLE_MAILER
#define R_C DB_ROLE_CTL
#include "stmt_tenant.h"
#include "stmt_session.h"
#include "stmt_throttle.h"
#include "stmt_audit.h"
#include "stmt_customer.h"
#include "stmt_portal_user.h"
#include "stmt_office_user.h"
#include "stmt_token.h"
#include "stmt_named.h"
#include "stmt_mfa.h"
#include "stmt_group.h"
#include "stmt_site.h"
#include "stmt_record.h"
#include "stmt_outbox.h"
#include "stmt_schema.h"
#undef R_S
#undef R_P
#undef R_M
#undef R_C
