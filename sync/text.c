/*
 * text.c - text that sync/ writes (text.h): the reason for a failure,
 * written into the caller's buffer as every sync/ call that can fail
 * reports it, and a growing string (a resource's narrative, the server's
 * words from an OperationOutcome).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

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

char *
sync_url_redact(const char *url, char *out, size_t len)
{
	const char *auth, *host_end, *at, *p, *q;
	struct sync_buf b = { 0 };

	if (len == 0)
		return out;
	if (url == NULL)
		url = "";
	/* the authority: after "scheme://" up to the path, query or fragment */
	p = strstr(url, "://");
	auth = p != NULL && strcspn(url, "/?#") > (size_t)(p - url) ?
	    p + 3 : url;
	host_end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (q = auth; q < host_end; q++)
		if (*q == '@')
			at = q;	/* the last '@': a password may hold one */
	sync_buf_add(&b, url, (size_t)(auth - url));
	if (at != NULL) {
		sync_buf_str(&b, "***@");
		auth = at + 1;
	}
	p = auth + strcspn(auth, "?#");
	sync_buf_add(&b, auth, (size_t)(p - auth));
	if (*p == '?') {
		sync_buf_str(&b, "?***");
		p += strcspn(p, "#");
	}
	if (*p == '#')
		sync_buf_str(&b, "#***");
	snprintf(out, len, "%s", b.s != NULL ? b.s : "");
	free(b.s);
	return out;
}
