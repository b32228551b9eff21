/*
 * util.h - small helpers shared by core/ and sync/ (util.c): the fatal
 * hook, allocation that never returns NULL, UUIDs made at capture time,
 * time formatting, string and JSON helpers.
 */
#ifndef MDT_UTIL_H
#define MDT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Allocation: on failure call the fatal hook (see mdt_set_fatal_hook) and
 * abort.  mdt_xstrdup(NULL) returns NULL. */
void *mdt_xmalloc(size_t n);
void *mdt_xcalloc(size_t n, size_t size);
void *mdt_xrealloc(void *p, size_t n);
void *mdt_xreallocarray(void *p, size_t n, size_t size);
/* Frees each of the n pointers that follow (NULL ones too): what a row
 * read by mdt_cols owns, freed in one line. */
void mdt_free_each(size_t n, ...);
/* arr (n elements of size bytes, room for *cap) with room for one more:
 * the capacity doubles (from 16) when full. */
void *mdt_grow(void *arr, size_t n, size_t *cap, size_t size);
/* Frees arr (n elements of size bytes), each element given to done (if
 * not NULL) first, for what it owns.  NULL is a no-op. */
void mdt_array_free(void *arr, size_t n, size_t size, void (*done)(void *));
char *mdt_xstrdup(const char *s);
/* printf-style text into err (errlen bytes, cut to fit); nothing if err
 * is NULL or errlen 0. */
void mdt_set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
char *mdt_xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
char *mdt_xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/*
 * core/ returns errors and never exits, except when memory runs out: then
 * it calls this hook (if set) with a one-line message and aborts.  The
 * program sets it to restore the terminal first.
 */
typedef void (*mdt_fatal_fn)(const char *msg);
void mdt_set_fatal_hook(mdt_fatal_fn hook);

/* Reports a fatal condition through the hook and aborts. */
_Noreturn void mdt_fatal(const char *msg);

/* A new random (version 4) UUID in lower case, 36 characters and a NUL. */
void mdt_uuid_new(char out[37]);
/* A new time-ordered (version 7, RFC 9562) UUID, for the rows an import
 * makes by the thousand: the time of its making in its first 48 bits,
 * then a sequence and 62 random bits, so that one thread's come in
 * ascending order and are appended to an index's last page rather than
 * scattered over it. */
void mdt_uuid_new_ordered(char out[37]);

/* True if s looks like a UUID (36 characters, hex digits and dashes). */
bool mdt_uuid_like(const char *s);

/* ms since the epoch as strftime's fmt writes it (local time, or UTC
 * with utc), into out of len bytes; fallback if it cannot be. */
void mdt_time_format(int64_t ms, bool utc, const char *fmt, char *out,
    size_t len, const char *fallback) __attribute__((format(strftime, 3, 0)));

/* "2026-11-25T14:44:40Z" for ms since the epoch (UTC), into out[21]. */
void mdt_iso_utc(int64_t ms, char out[21]);

/* Local "HH:MM" of ms, into out[6]. */
void mdt_clock_hhmm(int64_t ms, char out[6]);

/* True if s is NULL or holds nothing but white space. */
bool mdt_str_blank(const char *s);

/* Copies src into dst of size n, truncating; always terminates (n > 0). */
void mdt_strlcpy(char *dst, const char *src, size_t n);

/* True if s is one or more decimal digits and nothing else. */
bool mdt_str_digits(const char *s);

/* True if s is a whole decimal number from min to max and nothing else
 * (a sign allowed), into *out. */
bool mdt_str_number(const char *s, int64_t min, int64_t max, int64_t *out);

/* The number of elements of an array (not of a pointer). */
#define MDT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Defines prefix_names[], the table of names that rows (an X-macro's rows
 * made into "[value] = name," initialisers) give, indexed by the enum;
 * prefix_name(type), the name of a value (unknown for one outside it);
 * and prefix_parse(const char *), the value of a name (-1 for one it does
 * not know): the names of states, kinds and bases as the database stores
 * them, from one table each.
 */
#define MDT_NAMES(prefix, type, rows, unknown) \
	static const char *const prefix##_names[] = { rows }; \
	const char *prefix##_name(type v) \
	{ \
		return mdt_name_of(prefix##_names, MDT_COUNT(prefix##_names), \
		    (int)v, unknown); \
	} \
	int prefix##_parse(const char *name) \
	{ \
		return mdt_name_index(prefix##_names, \
		    MDT_COUNT(prefix##_names), name); \
	}

/* As MDT_NAMES, prefix_label(type), the label people read, from the
 * labels rows give (the first one's for a value outside them). */
#define MDT_LABELS(prefix, type, rows) \
	static const char *const prefix##_labels[] = { rows }; \
	const char *prefix##_label(type v) \
	{ \
		return mdt_name_of(prefix##_labels, MDT_COUNT(prefix##_labels), \
		    (int)v, prefix##_labels[0]); \
	}

/* A table of names indexed by an enum: names[i] (unknown for an i that
 * has none), and the index of a name (-1 if it is none of them). */
const char *mdt_name_of(const char *const *names, size_t n, int i,
    const char *unknown);
int mdt_name_index(const char *const *names, size_t n, const char *name);

/* A JSON string (jansson) of s, or null for NULL; bytes that are not
 * UTF-8 become '?' rather than losing the whole value. */
struct json_t *mdt_json_text(const char *s);
/* value (a json_object(), json_array() ...), or fatal if it is NULL (out
 * of memory). */
struct json_t *mdt_json_new(struct json_t *value);
/* Sets obj[key] / appends to arr, taking the reference; out of memory
 * (value NULL or the call failing) is fatal. */
void mdt_json_set(struct json_t *obj, const char *key, struct json_t *value);
void mdt_json_push(struct json_t *arr, struct json_t *value);
/* A JSON value built by jansson's json_pack (fmt as it takes it: "o" a
 * value whose reference it takes, "I" a json_int_t, "b" an int read as
 * a boolean); fatal if it cannot be built (out of memory). */
struct json_t *mdt_json_pack(const char *fmt, ...);

/* The n bytes at p written to fd, whole (a write interrupted by a signal
 * tried again): false, errno set, if they could not be. */
bool mdt_write_all(int fd, const char *p, size_t n);

#endif
