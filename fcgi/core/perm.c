#include "config.h"

#include <string.h>

#include "perm.h"

const struct perm_module perm_modules[] = {
	{"scheduling", "Scheduling", PERM_LEVELS},
	{"timesheet", "Timesheet", PERM_LEVELS},
	{"messaging", "Messaging", PERM_LEVELS},
	{"snow_removal", "Snow Removal", PERM_LEVELS},
	{"estimation", "Estimation", PERM_LEVELS},
	{"invoices", "Invoices", PERM_LEVELS},
	{"inventory", "Inventory", PERM_LEVELS},
	{"forms", "Forms", PERM_LEVELS},
	{"customer", "Customer", PERM_LEVELS},
	{"payment_processing", "Payment Processing", PERM_LEVELS},
	{"dashboard", "Dashboard", PERM_LEVELS},
	{"integration", "Integration", PERM_LEVELS},
	{"membership", "Membership/Service Agreement", PERM_LEVELS},
	{"map", "Map", PERM_MAP},
	{"import", "Import", PERM_TOGGLE},
	{"reports", "Reports", PERM_TOGGLE},
	{"qb_integration", "QB Integration", PERM_TOGGLE},
	{"warehouses", "Warehouses", PERM_TOGGLE},
	{"inventory_tracking", "Inventory Tracking with QR/Bar Codes", PERM_TOGGLE},
	{"customer_notification", "Customer Notification", PERM_TOGGLE},
	{"vehicle_tracking", "Vehicle Tracking", PERM_TOGGLE},
	{"settings", "Settings", PERM_SETTINGS},
};
const size_t perm_nmodules = sizeof perm_modules / sizeof perm_modules[0];

int perm_role_valid(const char *role)
{
	return strcmp(role, "view_only") == 0 || strcmp(role, "edit_view") == 0 ||
	       strcmp(role, "admin") == 0 || strcmp(role, "customize") == 0;
}

/* View Only sees everything and changes nothing; Edit & View changes the
 * modules and their settings but not office users; Admin is "Enable All"
 * (Map View, Settings Super Admin, everything else Edit). */
int perm_role_level(const char *role, const struct perm_module *m)
{
	if (!perm_role_valid(role))
		return -1;
	if (strcmp(role, "customize") == 0)
		return 0;
	if (m->kind == PERM_MAP)
		return 1;
	if (strcmp(role, "view_only") == 0)
		return m->kind == PERM_TOGGLE ? 0 : 1;
	if (strcmp(role, "edit_view") == 0)
		return 2;
	return m->kind == PERM_SETTINGS ? 3 : 2; /* admin */
}
