/* The office users' module permission matrix and the preset roles, which
 * are written into the same matrix (one model, not two). */
#ifndef GH_PERM_H
#define GH_PERM_H

#include <stddef.h>

enum perm_kind {
	PERM_LEVELS,  /* No Access / View / Edit */
	PERM_MAP,     /* No Access / Map View */
	PERM_TOGGLE,  /* off / on (stored 0 / 2) */
	PERM_SETTINGS /* No Access / View / Edit / Super Admin */
};

struct perm_module {
	const char *key;   /* stored in office_user_perms.module */
	const char *label; /* as the seed names it */
	enum perm_kind kind;
};

/* The modules, in the seed's order: X(key, label, kind).  Used for the
 * table below and for the edit form's field table (one field per module). */
#define PERM_MODULES(X)                                                                            \
	X(scheduling, "Scheduling", PERM_LEVELS)                                                   \
	X(timesheet, "Timesheet", PERM_LEVELS)                                                     \
	X(messaging, "Messaging", PERM_LEVELS)                                                     \
	X(snow_removal, "Snow Removal", PERM_LEVELS)                                               \
	X(estimation, "Estimation", PERM_LEVELS)                                                   \
	X(invoices, "Invoices", PERM_LEVELS)                                                       \
	X(inventory, "Inventory", PERM_LEVELS)                                                     \
	X(forms, "Forms", PERM_LEVELS)                                                             \
	X(customer, "Customer", PERM_LEVELS)                                                       \
	X(payment_processing, "Payment Processing", PERM_LEVELS)                                   \
	X(dashboard, "Dashboard", PERM_LEVELS)                                                     \
	X(integration, "Integration", PERM_LEVELS)                                                 \
	X(membership, "Membership/Service Agreement", PERM_LEVELS)                                 \
	X(map, "Map", PERM_MAP)                                                                    \
	X(import, "Import", PERM_TOGGLE)                                                           \
	X(reports, "Reports", PERM_TOGGLE)                                                         \
	X(qb_integration, "QB Integration", PERM_TOGGLE)                                           \
	X(warehouses, "Warehouses", PERM_TOGGLE)                                                   \
	X(inventory_tracking, "Inventory Tracking with QR/Bar Codes", PERM_TOGGLE)                 \
	X(customer_notification, "Customer Notification", PERM_TOGGLE)                             \
	X(vehicle_tracking, "Vehicle Tracking", PERM_TOGGLE)                                       \
	X(settings, "Settings", PERM_SETTINGS)

extern const struct perm_module perm_modules[];
extern const size_t perm_nmodules;

/* The level a preset role gives a module; -1 for an unknown role. "customize"
 * gives no access anywhere: its matrix is set explicitly. */
int perm_role_level(const char *role, const struct perm_module *m);
int perm_role_valid(const char *role);

/* Whether level is one of the module's levels. */
int perm_level_valid(const struct perm_module *m, int level);
/* "Enable All": Map View, Settings Super Admin, everything else Edit. */
int perm_enable_all(const struct perm_module *m);
/* The module called key, or NULL. */
const struct perm_module *perm_module(const char *key);

/* Mobile providers for text alerts: each has an email-to-SMS gateway. */
struct perm_carrier {
	const char *key, *label, *gateway;
};
extern const struct perm_carrier perm_carriers[];
extern const size_t perm_ncarriers;
const struct perm_carrier *perm_carrier(const char *key);

/* Portal permissions (a portal group's set). */
struct perm_portal {
	const char *key, *label;
};
extern const struct perm_portal perm_portal[];
extern const size_t perm_nportal;
/* Whether the comma-separated set holds key. */
int perm_portal_has(const char *set, const char *key);

#endif
