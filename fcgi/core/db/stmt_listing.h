/* Statements every list view shares (listing.c): see stmt_list.h.  For a
 * typed word, its signature bits (the word four times) and how many entries
 * of the words index its pattern matches, read no further than the cap
 * (choosing which word leads); how many rows a pattern's words name, each
 * once. */
DB_STMT(VIEW_ESTIMATE, .params = 8, .cols = 2, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COUNT(*), " V_WORD_BITS
	       " FROM (SELECT 1 FROM list_words WHERE tenant_id = ? "
	       "AND list = ? AND word LIKE ? LIMIT ?) x")
DB_STMT(VIEW_COUNT_WORD, .params = 4, .cols = 1, .flags = DB_Q_READ, .roles = R_S,
	.sql = "SELECT COUNT(*) FROM (SELECT DISTINCT id FROM list_words WHERE tenant_id = ? AND "
	       "list = ? AND word LIKE ? LIMIT ?) x")
