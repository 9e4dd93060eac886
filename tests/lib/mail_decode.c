/* The decoders the tests read mail back with: see testonly.h. */
#include "config.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "testonly.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *mail_qp_decode(const char *in, size_t len, size_t *outlen)
{
	/* Decoding never makes the text longer. */
	char *out = malloc(len + 1);
	size_t n = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (in[i] != '=')
			out[n++] = in[i];
		else if (i + 1 < len && in[i + 1] == '\n')
			i += 1;
		else if (i + 2 < len && in[i + 1] == '\r' && in[i + 2] == '\n')
			i += 2;
		else if (i + 2 < len && hexval(in[i + 1]) >= 0 && hexval(in[i + 2]) >= 0) {
			out[n++] = (char)(hexval(in[i + 1]) * 16 + hexval(in[i + 2]));
			i += 2;
		} else
			out[n++] = '='; /* malformed: kept as it is */
	}
	out[n] = '\0';
	if (outlen)
		*outlen = n;
	return out;
}

unsigned char *mail_b64_decode(const char *in, size_t len, size_t *outlen)
{
	unsigned char *out = malloc(len / 4 * 3 + 3);
	const char *end = NULL;
	size_t n = 0;

	if (out == NULL)
		return NULL;
	if (sodium_base642bin(out, len / 4 * 3 + 2, in, len, " \t\r\n", &n, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != in + len) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	if (outlen)
		*outlen = n;
	return out;
}
