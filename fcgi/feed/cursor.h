/* The feed's cursors: where a page of a snapshot or of the change log
 * begins.  Opaque to a partner (base64url), bound to one tenant and one
 * document by a MAC under the secrets key, so a cursor that was damaged,
 * made up, or taken from another tenant's or another document's feed is
 * refused (400), never read as someone else's position. */
#ifndef GH_FEED_CURSOR_H
#define GH_FEED_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#define FEED_CURSOR_LEN 51 /* 22 bytes and a 16-byte MAC, base64url unpadded */

struct feed_cursor {
	unsigned doc;    /* the document (feed.h, enum feed_doc) */
	unsigned tenant; /* tenants.id */
	uint64_t snap;   /* a snapshot's change cursor (the seq it is consistent with) */
	uint64_t after;  /* the last id shown (a snapshot), or seq (the change log) */
};

/* c as text into out.  auth_init must have run (the MAC key). */
void feed_cursor_encode(const struct feed_cursor *c, char out[FEED_CURSOR_LEN + 1]);
/* The cursor in in[0..len): 0, or -1 when it is not one of ours. */
int feed_cursor_decode(const char *in, size_t len, struct feed_cursor *c);

#endif
