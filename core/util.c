/*
 * util.c - allocation wrappers that never return NULL, UUIDs, time
 * formatting and small string helpers for core/.
 */
#include "config.h"

#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <time.h>

#include <jansson.h>
#include <uuid/uuid.h>

static mdt_fatal_fn fatal_hook;

void
mdt_set_fatal_hook(mdt_fatal_fn hook)
{
	fatal_hook = hook;
}

_Noreturn void
mdt_fatal(const char *msg)
{
	if (fatal_hook != NULL)
		fatal_hook(msg);
	fprintf(stderr, "mdtchair: %s\n", msg);
	abort();
}

void *
mdt_xmalloc(size_t n)
{
	void *p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		mdt_fatal("out of memory");
	return p;
}

void *
mdt_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		mdt_fatal("out of memory");
	return p;
}

void *
mdt_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL)
		mdt_fatal("out of memory");
	return q;
}

void *
mdt_xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		mdt_fatal("out of memory (size overflow)");
	return mdt_xrealloc(p, n * size);
}

void
mdt_free_each(size_t n, ...)
{
	va_list ap;

	va_start(ap, n);
	while (n-- > 0)
		free(va_arg(ap, void *));
	va_end(ap);
}

void *
mdt_grow(void *arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap == 0 ? 16 : *cap * 2;
	return mdt_xreallocarray(arr, *cap, size);
}

void
mdt_array_free(void *arr, size_t n, size_t size, void (*done)(void *))
{
	for (size_t i = 0; arr != NULL && done != NULL && i < n; i++)
		done((char *)arr + i * size);
	free(arr);
}

char *
mdt_xstrdup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	if (p == NULL)
		mdt_fatal("out of memory");
	return p;
}

char *
mdt_xvasprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		mdt_fatal("out of memory");
	return p;
}

void
mdt_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

char *
mdt_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = mdt_xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

/*
 * The random bytes of new UUIDs come from the kernel a page at a time:
 * one system call for 256 UUIDs, where libuuid makes six for each (an
 * import of a long list makes three a row).  Each thread draws its own;
 * a child after fork() draws anew, so that it never repeats its
 * parent's.
 */
#define UUID_POOL_BYTES 4096

static unsigned uuid_forks;		/* bumped in each child */
static pthread_once_t uuid_once = PTHREAD_ONCE_INIT;

static void
uuid_forked(void)
{
	uuid_forks++;
}

static void
uuid_watch_forks(void)
{
	pthread_atfork(NULL, NULL, uuid_forked);
}

/* Fills the pool; false if the kernel would not. */
static bool
uuid_pool_fill(unsigned char *pool)
{
	size_t got = 0;

	while (got < UUID_POOL_BYTES) {
		ssize_t n = getrandom(pool + got, UUID_POOL_BYTES - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* 16 random bytes for a new UUID, from the pool (refilled from the
 * kernel when used up), or from libuuid if the kernel would not give. */
static void
uuid_draw(uuid_t u)
{
	static _Thread_local unsigned char pool[UUID_POOL_BYTES];
	static _Thread_local size_t used = UUID_POOL_BYTES;
	static _Thread_local unsigned forks;

	pthread_once(&uuid_once, uuid_watch_forks);
	if (forks != uuid_forks) {
		forks = uuid_forks;
		used = UUID_POOL_BYTES;
	}
	if (used == UUID_POOL_BYTES && !uuid_pool_fill(pool)) {
		uuid_generate_random(u);
		return;
	}
	if (used == UUID_POOL_BYTES)
		used = 0;
	memcpy(u, pool + used, sizeof(uuid_t));
	memset(pool + used, 0, sizeof(uuid_t));
	used += sizeof(uuid_t);
}

void
mdt_uuid_new(char out[37])
{
	uuid_t u;

	uuid_draw(u);
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);	/* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);	/* RFC 4122 */
	uuid_unparse_lower(u, out);
}

/*
 * RFC 9562 version 7: the milliseconds since the epoch (48 bits), a
 * 12-bit sequence that starts at a random value below 2048 each new
 * millisecond and counts up within one (past 4095 it borrows the next
 * millisecond), so that one thread's are made in ascending order even
 * when the clock steps back; then 62 random bits.
 */
void
mdt_uuid_new_ordered(char out[37])
{
	static _Thread_local uint64_t last_ms;
	static _Thread_local unsigned seq;
	struct timespec ts;
	uint64_t ms;
	uuid_t u;

	uuid_draw(u);
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (ms > last_ms) {
		last_ms = ms;
		seq = ((unsigned)u[6] << 8 | u[7]) & 0x7ff;
	} else if (++seq > 0xfff) {
		last_ms++;
		seq = ((unsigned)u[6] << 8 | u[7]) & 0x7ff;
	}
	ms = last_ms;
	for (int i = 5; i >= 0; i--) {
		u[i] = (unsigned char)(ms & 0xff);
		ms >>= 8;
	}
	u[6] = (unsigned char)(0x70 | seq >> 8);	/* version 7 */
	u[7] = (unsigned char)(seq & 0xff);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);	/* RFC 9562 */
	uuid_unparse_lower(u, out);
}

bool
mdt_uuid_like(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static time_t
ms_to_time(int64_t ms)
{
	int64_t sec = ms / 1000;

	if (ms < 0 && ms % 1000 != 0)
		sec--;
	return (time_t)sec;
}

void
mdt_time_format(int64_t ms, bool utc, const char *fmt, char *out,
    size_t len, const char *fallback)
{
	time_t t = ms_to_time(ms);
	struct tm tm;

	if ((utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL) {
		mdt_strlcpy(out, fallback, len);
		return;
	}
	/* fmt is checked where mdt_time_format is called (util.h) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (strftime(out, len, fmt, &tm) == 0)
		mdt_strlcpy(out, fallback, len);
#pragma GCC diagnostic pop
}

void
mdt_iso_utc(int64_t ms, char out[21])
{
	mdt_time_format(ms, true, "%Y-%m-%dT%H:%M:%SZ", out, 21,
	    "1970-01-01T00:00:00Z");
}

void
mdt_clock_hhmm(int64_t ms, char out[6])
{
	mdt_time_format(ms, false, "%H:%M", out, 6, "--:--");
}

/* Whether every character of s is one that is() says yes to. */
static bool
str_all(const char *s, int (*is)(int))
{
	for (; *s != '\0'; s++)
		if (!is((unsigned char)*s))
			return false;
	return true;
}

bool
mdt_str_blank(const char *s)
{
	return s == NULL || str_all(s, isspace);
}

void
mdt_strlcpy(char *dst, const char *src, size_t n)
{
	if (n == 0)
		return;
	snprintf(dst, n, "%s", src != NULL ? src : "");
}

bool
mdt_str_digits(const char *s)
{
	return s != NULL && *s != '\0' && str_all(s, isdigit);
}

bool
mdt_str_number(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return false;
	*out = (int64_t)v;
	return true;
}

const char *
mdt_name_of(const char *const *names, size_t n, int i, const char *unknown)
{
	return i >= 0 && (size_t)i < n ? names[i] : unknown;
}

int
mdt_name_index(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; name != NULL && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

json_t *
mdt_json_text(const char *s)
{
	json_t *j;
	char *copy;
	size_t i;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	copy = mdt_xstrdup(s);
	for (i = 0; copy[i] != '\0'; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	j = json_string(copy);
	free(copy);
	return j != NULL ? j : json_null();
}

json_t *
mdt_json_new(json_t *value)
{
	if (value == NULL)
		mdt_fatal("out of memory");
	return value;
}

void
mdt_json_set(json_t *obj, const char *key, json_t *value)
{
	if (value == NULL || json_object_set_new(obj, key, value) != 0)
		mdt_fatal("out of memory");
}

json_t *
mdt_json_pack(const char *fmt, ...)
{
	json_error_t err;
	json_t *j;
	va_list ap;

	va_start(ap, fmt);
	j = json_vpack_ex(&err, 0, fmt, ap);
	va_end(ap);
	if (j == NULL) {
		char msg[200];

		snprintf(msg, sizeof(msg), "building JSON: %s", err.text);
		mdt_fatal(msg);
	}
	return j;
}

void
mdt_json_push(json_t *arr, json_t *value)
{
	if (value == NULL || json_array_append_new(arr, value) != 0)
		mdt_fatal("out of memory");
}

bool
mdt_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}
