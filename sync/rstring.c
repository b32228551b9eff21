/*
 * rstring.c - the strings of a FHIR resource made valid R4 (rstring.h):
 * the JSON tree walked once after it is built, each string decoded as
 * UTF-8 and written again with what R4 (and XML, for the narrative)
 * forbids replaced.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rstring.h"
#include "text.h"
#include "textio.h"

#define REPLACEMENT 0xFFFDu
/* R4: a string SHALL NOT exceed 1 MB */
#define STRING_MAX (1024u * 1024u)

/* One character at s (n bytes left): its length, 0 if not UTF-8
 * (core's decoder; a sequence cut short is not UTF-8 either). */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	int len = mdt_text_decode(s, n, cp);

	return len > 0 ? (size_t)len : 0;
}

static void
utf8_encode(struct sync_buf *b, uint32_t c)
{
	char o[4];

	if (c < 0x80) {
		o[0] = (char)c;
		sync_buf_add(b, o, 1);
	} else if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		sync_buf_add(b, o, 2);
	} else if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		sync_buf_add(b, o, 3);
	} else {
		o[0] = (char)(0xF0 | (c >> 18));
		o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[3] = (char)(0x80 | (c & 0x3F));
		sync_buf_add(b, o, 4);
	}
}

/* What no string we send may hold (core's input policy, less the tab
 * and line breaks a note may have): it becomes U+FFFD. */
static bool
forbidden(uint32_t c)
{
	return c != '\t' && c != '\n' && c != '\r' && mdt_text_cp_banned(c);
}

/* White space that R4's string pattern does not take: becomes ' '. */
static bool
other_space(uint32_t c)
{
	return c == 0x0B || c == 0x0C || c == 0xA0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
	    c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The clean form of s (the caller frees it); markup keeps white space as
 * it is (the narrative).
 */
static char *
clean(const char *s, size_t n, bool markup)
{
	const unsigned char *p = (const unsigned char *)s;
	struct sync_buf b = { 0 };
	size_t i = 0, len, start, end;
	uint32_t c;

	sync_buf_add(&b, "", 0);
	while (i < n && (markup || b.n < STRING_MAX - 4)) {
		len = utf8_decode(p + i, n - i, &c);
		if (len == 0) {
			c = REPLACEMENT;
			len = 1;
		} else if (!markup && other_space(c))
			c = ' ';
		else if (forbidden(c))
			c = REPLACEMENT;
		utf8_encode(&b, c);
		i += len;
	}
	if (markup)
		return b.s;
	for (start = 0; start < b.n && is_space(b.s[start]); start++)
		;
	for (end = b.n; end > start && is_space(b.s[end - 1]); end--)
		;
	memmove(b.s, b.s + start, end - start);
	b.s[end - start] = '\0';
	return b.s;
}

char *
sync_rstring_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	struct sync_buf b = { 0 };
	size_t i, len;
	uint32_t c;

	for (i = 0; i < n; i += len)
		if ((len = utf8_decode(p + i, n - i, &c)) == 0)
			break;
	if (i == n)
		return NULL;
	sync_buf_add(&b, s, i);
	while (i < n) {
		len = utf8_decode(p + i, n - i, &c);
		if (len == 0) {
			c = REPLACEMENT;
			len = 1;
		}
		utf8_encode(&b, c);
		i += len;
	}
	return b.s;
}

bool
sync_rstring_valid(const char *s)
{
	size_t n = strlen(s);
	char *c = clean(s, n, false);
	bool same = n > 0 && strcmp(c, s) == 0;

	free(c);
	return same;
}

/* Cleans the string j in place (key names the element); true if changed.
 * *empty is set when nothing is left. */
/* True if s (n bytes) is printable ASCII that clean leaves as it is:
 * nearly every string of a resource, checked without a copy. */
static bool
plainly_clean(const char *s, size_t n, bool markup)
{
	size_t i;

	if (n >= STRING_MAX - 4)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return markup || n == 0 || (s[0] != ' ' && s[n - 1] != ' ');
}

static bool
clean_string(json_t *j, const char *key, bool *empty)
{
	const char *s = json_string_value(j);
	size_t n = json_string_length(j);
	bool markup = key != NULL && strcmp(key, "div") == 0;
	bool changed;
	char *c;

	if (plainly_clean(s, n, markup)) {
		*empty = n == 0;
		return false;
	}
	c = clean(s, n, markup);
	changed = strlen(c) != n || memcmp(c, s, n) != 0;
	if (changed)
		json_string_set(j, c);
	*empty = c[0] == '\0';
	free(c);
	return changed;
}

/* Cleans j (key: its name in its object, or NULL); *empty is set when
 * j is left an empty string, object or array. */
static bool
walk(json_t *j, const char *key, bool *empty)
{
	bool changed = false, e;

	*empty = false;
	if (json_is_string(j))
		return clean_string(j, key, empty);
	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		void *tmp;

		json_object_foreach_safe(j, tmp, k, v) {
			changed |= walk(v, k, &e);
			if (e) {
				json_object_del(j, k);
				changed = true;
			}
		}
		*empty = json_object_size(j) == 0;
	} else if (json_is_array(j)) {
		size_t i = 0;

		while (i < json_array_size(j)) {
			changed |= walk(json_array_get(j, i), key, &e);
			if (e) {
				json_array_remove(j, i);
				changed = true;
			} else
				i++;
		}
		*empty = json_array_size(j) == 0;
	}
	return changed;
}

bool
sync_rstring_clean(json_t *r)
{
	bool empty;

	return r != NULL && walk(r, NULL, &empty);
}
