/*
 * narrative.c - the human-readable part of each FHIR resource mdtchair
 * writes (its text: a Narrative of status "generated" whose div is
 * XHTML): the div opened, text escaped for XHTML (characters XML forbids
 * left out), and the Narrative made of the finished buffer.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "narrative.h"
#include "text.h"
#include "util.h"

#define XHTML_OPEN "<div xmlns=\"http://www.w3.org/1999/xhtml\">"

void
sync_narrative_open(struct sync_buf *b)
{
	memset(b, 0, sizeof(*b));
	sync_buf_str(b, XHTML_OPEN);
}

/* Text escaped for XHTML; characters XML forbids are left out. */
void
sync_narrative_text(struct sync_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '&')
			sync_buf_str(b, "&amp;");
		else if (c == '<')
			sync_buf_str(b, "&lt;");
		else if (c == '>')
			sync_buf_str(b, "&gt;");
		else if (c == '"')
			sync_buf_str(b, "&quot;");
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;
		else
			sync_buf_add(b, s, 1);
	}
}

/* printf-style text, escaped. */
void
sync_narrative_fmt(struct sync_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *t;

	va_start(ap, fmt);
	t = mdt_xvasprintf(fmt, ap);
	va_end(ap);
	sync_narrative_text(b, t);
	free(t);
}

/* A Narrative from a finished XHTML buffer (takes the buffer). */
json_t *
sync_narrative(struct sync_buf *b)
{
	json_t *n;

	sync_buf_str(b, "</div>");
	n = json_pack("{s:s, s:s}", "status", "generated", "div", b->s);
	free(b->s);
	memset(b, 0, sizeof(*b));
	return n;
}

json_t *
sync_narrative_line(const char *fmt, ...)
{
	struct sync_buf b;
	va_list ap;
	char *t;

	va_start(ap, fmt);
	t = mdt_xvasprintf(fmt, ap);
	va_end(ap);
	sync_narrative_open(&b);
	sync_buf_str(&b, "<p>");
	sync_narrative_text(&b, t);
	sync_buf_str(&b, "</p>");
	free(t);
	return sync_narrative(&b);
}
