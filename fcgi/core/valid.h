/* Field validation tables, in the manner of kcgi's kvalid: every page declares
 * each field it accepts once (name, validator, maximum length, flags); the core
 * runs the table and handlers read only the typed results. */
#ifndef GH_VALID_H
#define GH_VALID_H

#include <stddef.h>

#include "req.h"

enum val_state { VAL_ABSENT = 0, VAL_OK, VAL_INVALID };

struct val_value {
	enum val_state st;
	const char *raw;   /* as submitted (points into the request); NULL if absent */
	const char *error; /* static message when VAL_INVALID */
	long long num;     /* VAL numbers and booleans */
	char *str;         /* normalised text, owned here (val_values_free) */
	long long *nums;   /* VAL_MULTI: every value, in order, owned here */
	size_t nnums;
	char msg[112]; /* a message that names a value ("Line 3: ..."): error points here */
};

/* A validator normalises in[0..len) into out (setting str and/or num) and
 * returns NULL, or returns a message saying what is wrong: static, or
 * written into out->msg. */
typedef const char *(*val_fn)(const char *in, size_t len, struct val_value *out);

#define VAL_REQUIRED 0x1u /* absent or empty is an error */
#define VAL_SECRET 0x2u   /* never echoed back into a page */
#define VAL_MULTI 0x4u    /* may repeat: numbers collected into nums (at most 100) */

struct val_field {
	const char *name;
	val_fn fn;
	size_t maxlen; /* bytes, checked before the validator runs */
	unsigned flags;
	const char *label; /* for messages: "Email is required." */
};

/* A choice among fixed values: the value's num is its index in choices
 * (NULL-terminated), str a copy, so handlers switch on the index instead of
 * comparing strings; another value gets msg.  VAL_CHOICE(name, msg, "a",
 * "b") defines a validator called name for a field table. */
const char *val_choice(const char *const *choices, const char *msg, const char *in, size_t len,
		       struct val_value *out);
#define VAL_CHOICE(fn, msg, ...)                                                                   \
	static const char *fn(const char *in_, size_t len_, struct val_value *out_)                \
	{                                                                                          \
		static const char *const choices_[] = {__VA_ARGS__, NULL};                         \
		return val_choice(choices_, msg, in_, len_, out_);                                 \
	}

/* Validate every field of tab against in.  out must hold n values and is
 * filled in table order.  Returns the number of invalid fields.  A field
 * submitted twice is invalid unless it is VAL_MULTI. */
size_t val_run(const struct val_field *tab, size_t n, const struct req_pairs *in,
	       struct val_value *out);

/* Frees the strings inside out[0..n); accepts NULL. */
void val_values_free(struct val_value *out, size_t n);

/* The validators. */
const char *val_line(const char *, size_t, struct val_value *);     /* one line of text */
const char *val_email(const char *, size_t, struct val_value *);    /* trimmed, lowercased */
const char *val_password(const char *, size_t, struct val_value *); /* 10..128 bytes, not common */
const char *val_secret(const char *, size_t, struct val_value *);   /* any non-empty text */
const char *val_bool(const char *, size_t, struct val_value *);     /* "1"/"on"/"true" or "0"/... */
const char *val_uint(const char *, size_t, struct val_value *);     /* up to 15 decimal digits */
const char *val_origins(const char *, size_t, struct val_value *);  /* list, one per line */
const char *val_tz(const char *, size_t, struct val_value *);       /* a zone of tz_known() */
const char *val_hex64(const char *, size_t, struct val_value *);    /* 64 lowercase hex */
const char *val_cursor(const char *, size_t, struct val_value *);   /* base64url (list.h) */
const char *val_localpath(const char *, size_t, struct val_value *); /* "/settings/..." only */
const char *val_format(const char *, size_t, struct val_value *);    /* "xml" or "html" */
const char *val_id(const char *, size_t, struct val_value *);        /* a row id: 1..2^32-1 */
const char *val_date(const char *, size_t, struct val_value *);      /* YYYY-MM-DD, 2000..2099 */
/* An uploaded file's bytes, whatever they are (its reader checks them):
 * num is the length, raw the bytes; no copy. */
const char *val_file(const char *, size_t, struct val_value *);

/* Normalise one origin "scheme://host[:port]" into out (lowercase, default
 * port dropped).  Returns NULL or a static message.  out holds >= 300 bytes. */
const char *val_origin_one(const char *in, size_t len, char *out, size_t outsz);

/* Nonzero if pw (NUL-terminated) is on the bundled common-password list. */
int val_password_common(const char *pw);

#define VAL_ORIGINS_MAX 20
#define VAL_PASSWORD_MIN 10
#define VAL_PASSWORD_MAX 128

#endif
