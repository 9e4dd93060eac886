/* One SMTP conversation through libcurl: the mailer's deliveries and an
 * office user's "Send test mail" share it. */
#ifndef GH_SMTP_H
#define GH_SMTP_H

#include <curl/curl.h>
#include <stddef.h>

enum smtp_outcome {
	SMTP_SENT = 0,
	SMTP_TEMP, /* no connection, time-out, a 4xx, a refused login: try again later */
	SMTP_PERM, /* a 5xx for this message: it will never go */
};

struct smtp_server {
	const char *url;  /* smtp://host:port (STARTTLS when offered; required with a
			     login) or smtps://host:port (TLS from the first byte) */
	const char *user; /* "" or NULL: no AUTH */
	const char *password;
	const char *from; /* envelope sender, a bare address */
	int require_tls;  /* smtp:// must upgrade with STARTTLS even without a login */
};

/* Sends msg (len bytes, a whole RFC 5322 message) to one recipient over c
 * (reset first; its connection cache kept).  reply gets the server's last
 * reply line (for SMTP_SENT, the answer to the message), err curl's reason
 * and the server's refusal on failure; both may be NULL. */
enum smtp_outcome smtp_send(CURL *c, const struct smtp_server *s, const char *to, const char *msg,
			    size_t len, char *reply, size_t replysz, char *err, size_t errsz);

#endif
