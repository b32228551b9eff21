/*
 * textio.c - one policy for text coming in (what a field may hold) and one
 * for text going out (what is escaped before it is printed).  Every entry
 * point checks with mdt_text_line_ok or mdt_text_note_ok; every printed
 * field goes through mdt_text_fput, and the program's standard streams
 * through mdt_text_guard.
 */
#include "config.h"

#include "textio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "util.h"

bool
mdt_text_cp_banned(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return true;
	if (cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return true;
	return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

/* The marks that would change a Markdown document's structure. */
#define MD_MARKS "\\#|*_[]<>`"

/* What the character cp is, for a message. */
static const char *
cp_kind(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return "a control character";
	if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
		return "a non-character";
	return "a bidirectional control";
}

/*
 * One character of s (n bytes there): its length, with the character in
 * *cp; 0 if the bytes are not UTF-8; -1 if they may be but n is too short.
 */
int
mdt_text_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	uint32_t v, min;
	int len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else
		return 0;
	for (int i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* mdt_text_decode() on a NUL-terminated string: a short sequence is not UTF-8
 * (strnlen: the NUL ends it, and no byte past it is read). */
static int
decode_str(const char *s, uint32_t *cp)
{
	int n = mdt_text_decode((const unsigned char *)s, strnlen(s, 4), cp);

	return n < 0 ? 0 : n;
}

/* Writes into e (at least 12 bytes) how the character cp (len bytes at s;
 * len 0: the byte *s, not UTF-8) is printed; returns its length.  raw_ws
 * lets line breaks and tabs through; md escapes Markdown's marks. */
static size_t
escape_one(const char *s, int len, uint32_t cp, bool raw_ws, bool md,
    char *e)
{
	if (len == 0)
		return (size_t)snprintf(e, 12, "\\x%02x", (unsigned char)*s);
	if (cp == '\n' || cp == '\t' || cp == '\r') {
		if (raw_ws && cp != '\r') {
			e[0] = (char)cp;
			return 1;
		}
		return (size_t)snprintf(e, 12, "\\%c", cp == '\n' ? 'n' :
		    cp == '\t' ? 't' : 'r');
	}
	if (cp < 0x80 && mdt_text_cp_banned(cp))
		return (size_t)snprintf(e, 12, "\\x%02x", (unsigned)cp);
	if (mdt_text_cp_banned(cp))
		return (size_t)snprintf(e, 12, "<U+%04X>", (unsigned)cp);
	if (md && cp < 0x80 && strchr(MD_MARKS, (int)cp) != NULL) {
		e[0] = '\\';
		e[1] = (char)cp;
		return 2;
	}
	memcpy(e, s, (size_t)len);
	return (size_t)len;
}

/* The check both kinds of text share; note lets line breaks and tabs in. */
static bool
check(const char *s, size_t max, bool note, char *why, size_t len)
{
	size_t chars = 0;
	uint32_t cp = 0;
	char e[12];
	int n;

	for (const char *p = s != NULL ? s : ""; *p != '\0'; p += n) {
		chars++;
		/* printable ASCII, most of any text: valid, and never banned */
		n = 1;
		if (*p >= 0x20 && *p < 0x7f)
			continue;
		n = decode_str(p, &cp);
		if (n == 0) {
			escape_one(p, 0, 0, false, false, e);
			snprintf(why, len, "is not valid UTF-8 (byte %s at "
			    "character %zu)", e, chars);
			return false;
		}
		if (note && (cp == '\n' || cp == '\t'))
			continue;
		if (mdt_text_cp_banned(cp)) {
			escape_one(p, n, cp, false, false, e);
			snprintf(why, len, "holds %s, %s (character %zu)",
			    e[0] == '<' ? (e[strlen(e) - 1] = '\0', e + 1) : e,
			    cp_kind(cp), chars);
			return false;
		}
	}
	if (max > 0 && chars > max) {
		snprintf(why, len, "is longer than %zu characters (%zu)", max,
		    chars);
		return false;
	}
	return true;
}

bool
mdt_text_line_ok(const char *s, size_t max, char *why, size_t len)
{
	return check(s, max, false, why, len);
}

bool
mdt_text_note_ok(const char *s, size_t max, char *why, size_t len)
{
	return check(s, max, true, why, len);
}

size_t
mdt_text_chars(const char *s)
{
	size_t chars = 0;
	uint32_t cp;
	int n;

	for (; s != NULL && *s != '\0'; s += n > 0 ? n : 1, chars++)
		n = decode_str(s, &cp);
	return chars;
}

size_t
mdt_text_cut(const char *s, size_t max)
{
	size_t at = 0;
	uint32_t cp;
	int n;

	while (s != NULL && s[at] != '\0') {
		n = decode_str(s + at, &cp);
		if (n == 0)
			n = 1;
		if (at + (size_t)n > max)
			break;
		at += (size_t)n;
	}
	return at;
}

/* Calls put(e, n, arg) for each piece of the n bytes at s escaped (a run
 * of characters that need no escape in one piece); stops (returning
 * false) when put does. */
static bool
escape_each(const char *s, size_t n, bool md, bool (*put)(const char *,
    size_t, void *), void *arg)
{
	uint32_t cp = 0;
	size_t run = 0, at;
	char e[12];
	int k;

	for (at = 0; at < n; at += k > 0 ? (size_t)k : 1) {
		k = mdt_text_decode((const unsigned char *)s + at, n - at, &cp);
		if (k < 0)
			k = 0;
		if (k > 0 && !mdt_text_cp_banned(cp) && !(md && cp < 0x80 &&
		    strchr(MD_MARKS, (int)cp) != NULL))
			continue;
		if (at > run && !put(s + run, at - run, arg))
			return false;
		if (!put(e, escape_one(s + at, k, cp, false, md, e), arg))
			return false;
		run = at + (k > 0 ? (size_t)k : 1);
	}
	return at <= run || put(s + run, at - run, arg);
}

static bool
put_file(const char *e, size_t n, void *arg)
{
	return fwrite(e, 1, n, arg) == n;
}

void
mdt_text_fput(FILE *out, const char *s, bool md)
{
	if (s != NULL)
		escape_each(s, strlen(s), md, put_file, out);
}

/* Writes the lines of s, each escaped, with sep between them (a line
 * ending CR LF is one line break); a continuation line of Markdown that
 * would start a list or a heading gets a backslash. */
static void
put_lines(FILE *out, const char *s, bool md, const char *sep)
{
	const char *p = s;
	size_t n;

	if (s == NULL)
		return;
	for (;;) {
		n = strcspn(p, "\r\n");
		if (p != s && md && (*p == '-' || *p == '+'))
			fputc('\\', out);
		if (p != s && md && *p >= '0' && *p <= '9') {
			size_t d = strspn(p, "0123456789");

			if (d < n && (p[d] == '.' || p[d] == ')')) {
				fwrite(p, 1, d, out);
				fputc('\\', out);
				p += d;
				n -= d;
			}
		}
		escape_each(p, n, md, put_file, out);
		p += n;
		if (*p == '\0')
			return;
		p += p[0] == '\r' && p[1] == '\n' ? 2 : 1;
		fputs(sep, out);
	}
}

void
mdt_text_fput_flat(FILE *out, const char *s, bool md)
{
	put_lines(out, s, md, " ");
}

void
mdt_text_fput_note(FILE *out, const char *s, bool md, const char *indent)
{
	char *sep = mdt_xasprintf("\n%s", indent != NULL ? indent : "");

	put_lines(out, s, md, sep);
	free(sep);
}

struct text_buf {
	char *p;
	size_t len, used;
	bool grow;
};

static bool
put_buf(const char *e, size_t n, void *arg)
{
	struct text_buf *b = arg;

	if (b->used + n >= b->len) {
		if (!b->grow)
			return false;
		b->len = (b->used + n + 1) * 2;
		b->p = mdt_xrealloc(b->p, b->len);
	}
	memcpy(b->p + b->used, e, n);
	b->used += n;
	b->p[b->used] = '\0';
	return true;
}

void
mdt_text_escape(const char *s, char *out, size_t len)
{
	struct text_buf b = { out, len, 0, false };

	if (len == 0)
		return;
	out[0] = '\0';
	if (s != NULL)
		escape_each(s, strlen(s), false, put_buf, &b);
}

char *
mdt_text_escaped(const char *s, bool md)
{
	struct text_buf b = { NULL, 0, 0, true };

	if (s == NULL)
		return NULL;
	b.len = strlen(s) + 1;
	b.p = mdt_xmalloc(b.len);
	b.p[0] = '\0';
	escape_each(s, strlen(s), md, put_buf, &b);
	return b.p;
}

/* A piece of a JSON document from jansson (whole characters, valid
 * UTF-8) written to the stream arg, a banned character as a \u escape
 * (below 0x7f only its own line breaks: jansson escapes the rest). */
static int
json_piece(const char *buf, size_t size, void *arg)
{
	FILE *out = arg;
	uint32_t cp = 0;
	int n;

	for (size_t at = 0; at < size; at += n > 0 ? (size_t)n : 1) {
		n = mdt_text_decode((const unsigned char *)buf + at, size - at, &cp);
		if (n <= 0 || cp < 0x7f || !mdt_text_cp_banned(cp)) {
			if (fwrite(buf + at, 1, n > 0 ? (size_t)n : 1, out) !=
			    (n > 0 ? (size_t)n : 1))
				return -1;
		} else if (cp > 0xffff) {
			cp -= 0x10000;
			if (fprintf(out, "\\u%04x\\u%04x",
			    (unsigned)(0xd800 + (cp >> 10)),
			    (unsigned)(0xdc00 + (cp & 0x3ff))) < 0)
				return -1;
		} else if (fprintf(out, "\\u%04x", (unsigned)cp) < 0)
			return -1;
	}
	return 0;
}

int
mdt_text_json_dump(const json_t *root, FILE *out, size_t flags)
{
	if (json_dump_callback(root, json_piece, out, flags) != 0)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

int
mdt_text_json_dump_at(const json_t *v, FILE *out, int indent, bool open)
{
	char *doc = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENCODE_ANY), *p, *nl;
	size_t len;
	int rc = 0;

	if (doc == NULL)
		return -1;
	len = strlen(doc);
	/* an object left open: without its last line, the closing brace */
	if (open && len >= 2 && doc[len - 1] == '}' && doc[len - 2] == '\n')
		doc[len -= 2] = '\0';
	for (p = doc; rc == 0 && p < doc + len; p = nl + 1) {
		/* strings hold no raw line break: each is jansson's own */
		if ((nl = memchr(p, '\n', (size_t)(doc + len - p))) == NULL)
			nl = doc + len;
		rc = json_piece(p, (size_t)(nl - p), out);
		if (rc == 0 && nl < doc + len)
			rc = fprintf(out, "\n%*s", indent, "") < 0 ? -1 : 0;
	}
	free(doc);
	return rc;
}

/* The guarded stream: its descriptor, and the start of a character that a
 * write left unfinished. */
struct guard {
	int fd;
	unsigned char pend[4];
	size_t npend;
};

/* Escapes n bytes at s (all of them with last, else leaving an unfinished
 * character in the guard) and writes them to its descriptor. */
static bool
guard_out(struct guard *g, const unsigned char *s, size_t n, bool last)
{
	char out[4096], e[12];
	size_t used = 0, i = 0, k;
	uint32_t cp = 0;
	int len;

	while (i < n) {
		if ((s[i] >= 0x20 && s[i] < 0x7f) || s[i] == '\n' ||
		    s[i] == '\t') {
			/* most of what is printed: as it is */
			if (used == sizeof out) {
				if (!mdt_write_all(g->fd, out, used))
					return false;
				used = 0;
			}
			out[used++] = (char)s[i++];
			continue;
		}
		len = mdt_text_decode(s + i, n - i, &cp);
		if (len < 0 && !last) {
			memcpy(g->pend, s + i, n - i);
			g->npend = n - i;
			break;
		}
		if (len < 0)
			len = 0;
		k = escape_one((const char *)s + i, len, cp, true, false, e);
		if (used + k > sizeof out) {
			if (!mdt_write_all(g->fd, out, used))
				return false;
			used = 0;
		}
		memcpy(out + used, e, k);
		used += k;
		i += len > 0 ? (size_t)len : 1;
	}
	return mdt_write_all(g->fd, out, used);
}

static ssize_t
guard_write(void *cookie, const char *buf, size_t size)
{
	struct guard *g = cookie;
	unsigned char *joined;
	size_t n = g->npend + size;
	bool ok;

	if (g->npend == 0)
		return guard_out(g, (const unsigned char *)buf, size, false) ?
		    (ssize_t)size : -1;
	/* The unfinished character goes first, with what follows it. */
	joined = mdt_xmalloc(n);
	memcpy(joined, g->pend, g->npend);
	memcpy(joined + g->npend, buf, size);
	g->npend = 0;
	ok = guard_out(g, joined, n, false);
	free(joined);
	return ok ? (ssize_t)size : -1;
}

static int
guard_close(void *cookie)
{
	struct guard *g = cookie;
	bool ok = guard_out(g, g->pend, g->npend, true);

	free(g);
	return ok ? 0 : -1;
}

FILE *
mdt_text_guard(int fd, bool unbuffered)
{
	cookie_io_functions_t io = { NULL, guard_write, NULL, guard_close };
	struct guard *g = mdt_xcalloc(1, sizeof(*g));
	FILE *f;

	g->fd = fd;
	f = fopencookie(g, "w", io);
	if (f == NULL) {
		free(g);
		return NULL;
	}
	if (unbuffered)
		setvbuf(f, NULL, _IONBF, 0);
	else if (isatty(fd))
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}
