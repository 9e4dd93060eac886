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

extern const struct perm_module perm_modules[];
extern const size_t perm_nmodules;

/* The level a preset role gives a module; -1 for an unknown role. "customize"
 * gives no access anywhere: its matrix is set explicitly. */
int perm_role_level(const char *role, const struct perm_module *m);
int perm_role_valid(const char *role);

#endif
