/* The statement table's fragments, one per domain, in table order: read by
 * stmt.h (the enum) and stmt.c (the table) with their own DB_STMT.  No
 * include guard: that is the point.  Roles as the callers of each
 * statement's wrapper are (settings pages, portal pages, the mailer, the
 * ctl tool; core modules count for every responder that calls them). */
#define R_S DB_ROLE_SETTINGS
#define R_P DB_ROLE_PORTAL
#define R_M DB_ROLE_MAILER
#define R_C DB_ROLE_CTL
#define R_F DB_ROLE_FEED
#define R_H DB_ROLE_HOOKS
#define R_J DB_ROLE_JOBS
/* The list views' parts (db/listing.c).  V_KSn: the rows after a cursor of
 * n key columns in a walk's direction (each column's operator), or every
 * row when the first parameter is NULL; MariaDB plans each execution with
 * its values, so the condition becomes a range of the sort's index or
 * nothing.  Parameters: the first key (or NULL), then each key, all but
 * the last twice.  V_PHRASES: a filter's phrases, "%" for each unused.
 * V_CANDIDATES: the rows with a word a pattern matches (a range of the
 * words index), each once. */
#define V_KS1(o1, a) "AND (? IS NULL OR " a " " o1 " ?) "
#define V_KS2(o1, a, o2, b) "AND (? IS NULL OR " a " " o1 " ? OR (" a " = ? AND " b " " o2 " ?)) "
#define V_KS3(o1, a, o2, b, o3, c)                                                                 \
	"AND (? IS NULL OR " a " " o1 " ? OR (" a " = ? AND (" b " " o2 " ? OR (" b " = ? AND " c  \
	" " o3 " ?)))) "
/* A walk passes over, in the index, a row whose word signature lacks the
 * filter's bits (sql/019_list_search.sql): the mask twice (0: every row). */
#define V_SIG(t) "AND (" t ".word_sig & ?) = ? "
/* The signature bits of a typed word, as sql/019's triggers set a row's
 * (four parameters: the word). */
#define V_WORD_BITS                                                                                \
	"IF(CHAR_LENGTH(" V_W ") >= 4, 1 << (CRC32(WEIGHT_STRING(LEFT(" V_W ", 4))) % 64), 0) | "  \
	"IF(CHAR_LENGTH(" V_W ") >= 5, 1 << (CRC32(WEIGHT_STRING(LEFT(" V_W ", 5))) % 64), 0)"
#define V_W "CONVERT(? USING utf8mb4) COLLATE utf8mb4_unicode_ci"
#define V_PHRASES_EXPR(t)                                                                          \
	t ".search_text LIKE ? AND " t ".search_text LIKE ? AND " t ".search_text LIKE ? AND " t   \
	  ".search_text LIKE ? "
#define V_PHRASES(t) "AND " V_PHRASES_EXPR(t)
/* A walk ends at its LIMIT or once it has read this many index entries
 * (about 2.5 ms with most passed over by their signature; measured on
 * 1,000,000 portal users): a filter whose matches lie far along the sort
 * is then read through the words index instead (listing.c, db_warned). */
#define V_WALK_LIMIT " LIMIT ? ROWS EXAMINED 20000"
/* A walk without a filter: no condition on the row beyond the sort's
 * index, so MariaDB reads the index alone (every column a list shows is
 * in it, sql/019), and reads per + 1 entries. */
#define V_FILTER(t) V_SIG(t) V_PHRASES(t)
#define V_PLAIN_LIMIT " LIMIT ?"
/* A plain walk of a whole list also reads the list's count (its counts
 * table, one row), saving the page a statement: the last column, after the
 * keys.  The tenant is its own parameter (the statement's first): a
 * subquery correlated with the row would be run through MariaDB's
 * expression cache, a temporary table made on every execution (measured:
 * 5 us of a 38 us page statement). */
#define V_TOTAL(counts) ", (SELECT x.n FROM " counts " x WHERE x.tenant_id = ?)"
#define V_CANDIDATES(list)                                                                         \
	"(SELECT DISTINCT w.id FROM list_words w WHERE w.tenant_id = ? AND w.list = " list " AND " \
	"w.word LIKE ?) cand "
/* The page cache's read (listing.c): a page's rows by id, in the order of
 * the ids given (a JSON array of numbers), with the list's version read in
 * the same statement (one snapshot): cols, their table (alias a) and
 * joins, the counts table.  Each row by its primary key, the only index
 * the optimizer is let weigh: the tenant's condition would otherwise have
 * it estimate a range in each of the table's tenant-first indexes on every
 * execution (measured on the portal users, 13 of them: 67 us of MariaDB
 * CPU a read instead of 81-96). */
#define V_BY_IDS(cols, table, a, joins, counts)                                                    \
	"SELECT " cols ", COALESCE(v.version, 0) FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR "        \
	"ORDINALITY, id INT UNSIGNED PATH '$')) j JOIN " table " FORCE INDEX (PRIMARY) ON " a      \
	".id = j.id " joins "LEFT JOIN " counts " v ON v.tenant_id = " a ".tenant_id WHERE " a     \
	".tenant_id = ? "                                                                          \
	"ORDER BY j.n"
/* A filter's count: the rows with a word of the chosen pattern (at most
 * the cap), and how many of them pass verify (a condition, then AND) and
 * the phrases.  Parameters in text order: verify's, the phrases, the
 * tenant, the pattern, the cap, the tenant. */
#define V_COUNT_WORDS(list, table, a, verify)                                                      \
	"SELECT COUNT(*), COALESCE(SUM(" verify "AND " V_PHRASES_EXPR(                             \
		a) "), 0) FROM (SELECT "                                                           \
		   "DISTINCT w.id FROM list_words w WHERE w.tenant_id = ? AND w.list = " list      \
		   " AND w.word "                                                                  \
		   "LIKE ? LIMIT ?) cand JOIN " table " ON " a ".id = cand.id AND " a              \
		   ".tenant_id = ?"
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
#include "stmt_inbox.h"
#include "stmt_outbox.h"
#include "stmt_listing.h"
#include "stmt_apikey.h"
#include "stmt_feed.h"
#include "stmt_hooks.h"
#include "stmt_invitation.h"
#include "stmt_job.h"
#include "stmt_schema.h"
#include "stmt_people.h"
#include "stmt_cluster.h"
#undef R_S
#undef R_P
#undef R_M
#undef R_C
#undef R_F
#undef R_H
#undef R_J
#undef V_KS1
#undef V_KS2
#undef V_KS3
#undef V_SIG
#undef V_WORD_BITS
#undef V_W
#undef V_PHRASES_EXPR
#undef V_PHRASES
#undef V_WALK_LIMIT
#undef V_FILTER
#undef V_PLAIN_LIMIT
#undef V_TOTAL
#undef V_CANDIDATES
#undef V_COUNT_WORDS
#undef V_BY_IDS
