/*
 * narrative.h - the XHTML narrative of a FHIR resource (narrative.c),
 * written into a growing string (text.h).
 */
#ifndef MDT_SYNC_NARRATIVE_H
#define MDT_SYNC_NARRATIVE_H

#include <jansson.h>

#include "text.h"

/* Starts b (whatever it held is forgotten) with the opening div. */
void sync_narrative_open(struct sync_buf *b);
/* Text escaped for XHTML; characters XML forbids are left out. */
void sync_narrative_text(struct sync_buf *b, const char *s);
/* printf-style text, escaped. */
void sync_narrative_fmt(struct sync_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The Narrative (status "generated") of a finished buffer; takes the
 * buffer's string and leaves b empty. */
json_t *sync_narrative(struct sync_buf *b);
/* The Narrative of one paragraph of printf-style text, escaped. */
json_t *sync_narrative_line(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
