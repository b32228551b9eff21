/*
 * text.h - text that sync/ writes (text.c): a URL with its secrets
 * hidden, and a string that grows as it is written.  (A one-line reason
 * into the caller's buffer is util.h's mdt_set_err.)
 */
#ifndef MDT_SYNC_TEXT_H
#define MDT_SYNC_TEXT_H

#include <stddef.h>

/* The URL as it may be shown: a user name or password before the host
 * becomes "***@", a query and a fragment become "?***" and "#***", so
 * that no secret a URL carries reaches a message, an output or a log.
 * Writes at most len bytes (cut to fit, NUL-terminated) and returns out. */
char *sync_url_redact(const char *url, char *out, size_t len);

/* A growing string: s is NUL-terminated once anything is added (NULL
 * before); the caller frees s.  Start from { 0 }. */
struct sync_buf {
	char *s;
	size_t n, cap;
};

/* Adds n bytes of s (aborts through core's fatal hook if out of
 * memory). */
void sync_buf_add(struct sync_buf *b, const char *s, size_t n);
void sync_buf_str(struct sync_buf *b, const char *s);

#endif
