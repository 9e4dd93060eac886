#include "config.h"

#include <string.h>

#include "perm.h"

#define PERM_ROW(key, label, kind) {#key, label, kind},
const struct perm_module perm_modules[] = {PERM_MODULES(PERM_ROW)};
#undef PERM_ROW
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

int perm_level_valid(const struct perm_module *m, int level)
{
	switch (m->kind) {
	case PERM_LEVELS: return level >= 0 && level <= 2;
	case PERM_MAP: return level == 0 || level == 1;
	case PERM_TOGGLE: return level == 0 || level == 2;
	case PERM_SETTINGS: return level >= 0 && level <= 3;
	}
	return 0;
}

int perm_enable_all(const struct perm_module *m)
{
	return perm_role_level("admin", m);
}

const struct perm_module *perm_module(const char *key)
{
	for (size_t i = 0; i < perm_nmodules; i++)
		if (strcmp(perm_modules[i].key, key) == 0)
			return &perm_modules[i];
	return NULL;
}

/* US carriers' email-to-SMS gateways (text alerts go to number@gateway). */
const struct perm_carrier perm_carriers[] = {
	{"att", "AT&T", "txt.att.net"},
	{"boost", "Boost Mobile", "sms.myboostmobile.com"},
	{"cricket", "Cricket Wireless", "sms.cricketwireless.net"},
	{"googlefi", "Google Fi", "msg.fi.google.com"},
	{"metropcs", "Metro by T-Mobile", "mymetropcs.com"},
	{"tmobile", "T-Mobile", "tmomail.net"},
	{"uscellular", "UScellular", "email.uscc.net"},
	{"verizon", "Verizon", "vtext.com"},
	{"virgin", "Virgin Mobile", "vmobl.com"},
};
const size_t perm_ncarriers = sizeof perm_carriers / sizeof perm_carriers[0];

const struct perm_carrier *perm_carrier(const char *key)
{
	for (size_t i = 0; i < perm_ncarriers; i++)
		if (strcmp(perm_carriers[i].key, key) == 0)
			return &perm_carriers[i];
	return NULL;
}

/* Portal permissions, as portal_groups.perms spells them (seed 003). */
const struct perm_portal perm_portal[] = {
	{"invoices_view", "Invoices: view"},
	{"invoices_pay", "Invoices: pay"},
	{"estimates_view", "Estimates: view"},
	{"estimates_approve", "Estimates: approve"},
	{"jobs_view", "Jobs / Schedule: view"},
	{"jobs_request", "Jobs / Schedule: request service"},
	{"documents_view", "Documents: view public ones"},
	{"equipment_view", "Equipment: view"},
	{"sites_view", "Sites: view"},
	{"reports_email", "Reports: receive by email"},
	{"manage_colleagues", "Manage colleagues (the customer's own admin)"},
};
const size_t perm_nportal = sizeof perm_portal / sizeof perm_portal[0];

int perm_portal_has(const char *set, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = set; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, key, n) == 0)
			return 1;
		p += len;
		p += *p == ',';
	}
	return 0;
}
