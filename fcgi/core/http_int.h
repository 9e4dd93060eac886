/* The request core's own parts, shared by http.c (the steps), answer.c
 * (what is sent) and page.c (the page document); not for pages. */
#ifndef GH_HTTP_INT_H
#define GH_HTTP_INT_H

#include "http.h"

/* Sends the status line, the security headers, the cookies queued and
 * body (len bytes; nothing for HEAD). */
void answer(struct http *h, int status, const char *ctype, const void *body, size_t len);
/* doc as XML (?format=xml) or rendered with stylesheet sheet; a page's own
 * 200 answer to a GET may come from the render cache. */
void answer_doc(struct http *h, int status, xmlDocPtr doc, const char *sheet);
/* The error document for status, saying message (NULL: the status's own
 * words; h->error_msg, when set, wins). */
void answer_error(struct http *h, int status, const char *message);
/* 303 to h->location. */
void answer_redirect(struct http *h);
/* The words an error page of status says by default. */
const char *answer_message(int status);
/* The HTTP status of a page result. */
int answer_status(enum page_result r);

/* Builds h->doc: the envelope (the responder's part included), the page's
 * content from its get(), the notices and, after a POST, the echoed form. */
enum page_result page_build(struct http *h);
/* Wipes the values a carried form echoed (http.h, carry) before the
 * document is freed. */
void page_wipe_carried(struct http *h);

#endif
