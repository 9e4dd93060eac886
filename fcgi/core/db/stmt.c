/* The statement table (stmt.h): the fragments of stmt_list.h as one array
 * indexed by enum db_stmt.  Lists have one statement per sort key and
 * direction (no SQL is built from strings); filters are case-insensitive
 * substrings (utf8mb4_unicode_ci) with LIKE metacharacters escaped by the
 * list engine. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "stmt.h"

#define DB_STMT(id, ...) [DBQ_##id] = {.name = #id, __VA_ARGS__},
const struct db_stmt_def db_stmts[DBQ__COUNT] = {
#include "stmt_list.h"
};
#undef DB_STMT

const char *db_role_names(unsigned roles, char *buf, size_t sz)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{DB_ROLE_SETTINGS, "settings"}, {DB_ROLE_PORTAL, "portal"},
		     {DB_ROLE_FEED, "feed"},         {DB_ROLE_MAILER, "mailer"},
		     {DB_ROLE_CTL, "ctl"},           {DB_ROLE_HOOKS, "hooks"},
		     {DB_ROLE_JOBS, "jobs"}};
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0] && o < sz; i++)
		if (roles & names[i].bit)
			o += (size_t)snprintf(buf + o, sz - o, "%s%s", o ? "," : "", names[i].name);
	if (buf[0] == '\0')
		snprintf(buf, sz, "none");
	return buf;
}
