/*
 * text.c - text that sync/ writes (text.h): the reason for a failure,
 * written into the caller's buffer as every sync/ call that can fail
 * reports it, and a growing string (a resource's narrative, the server's
 * words from an OperationOutcome).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "util.h"

void
sync_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void
sync_buf_add(struct sync_buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = mdt_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

void
sync_buf_str(struct sync_buf *b, const char *s)
{
	sync_buf_add(b, s, strlen(s));
}
