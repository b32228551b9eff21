/*
 * textio.h - the policy for text coming in and text going out (textio.c).
 *
 * In: a single-line field (a name, title, venue, reason, organisation,
 * role, the user stored in the audit) is valid UTF-8 with no control
 * character (C0, DEL, C1), no bidirectional control (U+061C, U+200E,
 * U+200F, U+202A-U+202E, U+2066-U+2069) and no non-character (U+FFFE,
 * U+FFFF, U+FDD0-U+FDEF and the last two of every plane); a note may also
 * hold line breaks and tabs.  Lengths are counted in characters.
 *
 * Out: whatever is printed shows such characters escaped, "\x1b" for a
 * control byte, "<U+202E>" for a character, "\xff" for a byte that is not
 * UTF-8, so that text stored by an older version cannot reach a terminal
 * raw.
 */
#ifndef MDT_TEXTIO_H
#define MDT_TEXTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* True if the character cp is never let into a field nor out raw: a
 * control, a bidirectional control or a non-character. */
bool mdt_text_cp_banned(uint32_t cp);

/* One character of s (n bytes there): its length, with the character in
 * *cp; 0 if the bytes are not UTF-8 (overlong, a surrogate, past
 * U+10FFFF); -1 if they may be but n is too short. */
int mdt_text_decode(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * The input policy.  Each returns true if s (NULL is "") is acceptable as
 * that kind of text of at most max characters (0: no limit); if not, why
 * (of len bytes) says what is wrong and where, the character escaped.
 */
bool mdt_text_line_ok(const char *s, size_t max, char *why, size_t len);
bool mdt_text_note_ok(const char *s, size_t max, char *why, size_t len);

/* The number of characters of s (a byte that is not UTF-8 counts as one). */
size_t mdt_text_chars(const char *s);

/* The length in bytes of the longest start of s of at most max bytes that
 * ends on a character's boundary. */
size_t mdt_text_cut(const char *s, size_t max);

/*
 * The output policy.  mdt_text_fput writes s on one line: every banned
 * character escaped, line breaks and tabs as "\n", "\r" and "\t".  With
 * md, the characters that would change a Markdown document's structure
 * ('\\', '#', '|', '*', '_', '[', ']', '<', '>', '`') get a backslash too.
 * NULL writes nothing.
 */
void mdt_text_fput(FILE *out, const char *s, bool md);

/* Text that may hold line breaks (a note, an action, a reason stored
 * before the input policy), escaped as above but its line breaks written
 * as a space (flat), or as a line break and indent (note); with md, a
 * continuation line that would start a list item gets a backslash. */
void mdt_text_fput_flat(FILE *out, const char *s, bool md);
void mdt_text_fput_note(FILE *out, const char *s, bool md,
    const char *indent);

/* s escaped as mdt_text_fput writes it (without md), into out of len
 * bytes, cut on an escape's boundary if it does not fit. */
void mdt_text_escape(const char *s, char *out, size_t len);

/* s escaped as mdt_text_fput writes it, newly allocated (NULL for NULL);
 * the caller frees it. */
char *mdt_text_escaped(const char *s, bool md);

/* root as json_dumpf writes it with flags, then a line break, every
 * banned character of a string as a \u escape (control characters
 * below 0x20 jansson escapes itself): -1 if it cannot be written. */
struct json_t;
int mdt_text_json_dump(const struct json_t *root, FILE *out, size_t flags);

/* v as mdt_text_json_dump writes it with two spaces a level, as though
 * it stood indent columns in, without the line break after it; with
 * open, an object without its closing brace (its fields only), so that
 * a document can be written a piece at a time and read as jansson would
 * write it whole: -1 if it cannot be written. */
int mdt_text_json_dump_at(const struct json_t *v, FILE *out, int indent,
    bool open);

/*
 * A stream that writes to the file descriptor fd what is written to it,
 * every banned character escaped (line breaks and tabs pass), a character
 * split across two writes kept whole.  unbuffered for stderr.  NULL if
 * it cannot be made.  fclose() does not close fd.
 */
FILE *mdt_text_guard(int fd, bool unbuffered);

#endif
