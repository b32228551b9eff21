/*
 * rstring.h - every string of a resource made what FHIR R4 accepts
 * (rstring.c), whatever the store holds: text typed before the input
 * checks existed, or written by another program, never keeps a meeting
 * from the central record.
 */
#ifndef MDT_SYNC_RSTRING_H
#define MDT_SYNC_RSTRING_H

#include <stdbool.h>

#include <jansson.h>

/*
 * Rewrites every string value of r in place.  Invalid UTF-8, control
 * characters other than tab, line feed and carriage return, C1 controls,
 * bidirectional overrides and isolates, surrogates and non-characters
 * (U+FFFE, U+FFFF, U+FDD0..U+FDEF, ...) become U+FFFD, so a reader sees
 * that something was there; other Unicode spaces (no-break, line and
 * paragraph separators, U+FEFF, ...) become a plain space; leading and
 * trailing white space goes.  A narrative's "div" keeps its white space
 * (it is XHTML, and those rules make it well-formed XML characters).  A
 * string left empty is removed, and so is an object or array left empty
 * (R4 JSON allows neither).  Returns true if anything changed.
 */
bool sync_rstring_clean(json_t *r);

/* NULL if s (n bytes) is valid UTF-8; else a copy (the caller frees it)
 * with each invalid byte as U+FFFD, which JSON can then hold. */
char *sync_rstring_utf8(const char *s, size_t n);

/* True if s is an R4 string as sync_rstring_clean leaves it: for the
 * tests, and for what the server says back. */
bool sync_rstring_valid(const char *s);

#endif
