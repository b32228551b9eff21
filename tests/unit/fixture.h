/*
 * fixture.h - shared set-up for the core unit tests: a fake clock the
 * tests move by hand, an in-memory store (optionally with the demo
 * meeting), temporary folders for file tests, small SQL helpers for
 * looking at what an act wrote, and hostile text for any field.
 */
#ifndef MDT_TEST_FIXTURE_H
#define MDT_TEST_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ftw.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "mdt.h"
#include "store_internal.h"

/* 2026-11-25 13:00:00 UTC; the tests run with TZ=UTC. */
#define FX_T0 INT64_C(1795611600000)
#define FX_SEC INT64_C(1000)
#define FX_MIN INT64_C(60000)

struct fx {
	int64_t now;			/* the fake clock */
	struct mdt_clock clock;
	struct mdt_store *s;
	int64_t meeting;		/* the demo meeting, if made */
	char dir[64];			/* a temporary folder, if made */
	char path[128];			/* dir + "/mdt.db" */
};

static inline int64_t
fx_now(void *ctx)
{
	return ((struct fx *)ctx)->now;
}

/* Local time is UTC in the tests, so that dates are the same anywhere. */
static inline void
fx_utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

static inline struct fx *
fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	fx_utc();
	f->now = FX_T0;
	f->clock.now = fx_now;
	f->clock.ctx = f;
	return f;
}

/* Makes f->dir and f->path. */
static inline void
fx_tempdir(struct fx *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/mdt-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/mdt.db", f->dir);
}

/* A database at f->path (fx_tempdir first) as schema version `version`
 * left it: its steps, then rows (SQL); private (0600) as mdtchair's are,
 * and closed, for mdt_store_open to bring up to date. */
static inline void
fx_db_at(struct fx *f, int version, const char *rows)
{
	char sql[96];
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	for (int v = 0; v < version; v++)
		assert_int_equal(sqlite3_exec(db, mdt_schema_step_sql(v), NULL,
		    NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d;"
	    " PRAGMA user_version = %d;", MDT_APPLICATION_ID, version);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, rows, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(chmod(f->path, 0600), 0);
}

static inline int
fx_rm_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Fails the test if a statement was left open, then closes the store. */
static inline void
fx_close(struct fx *f)
{
	if (f->s == NULL)
		return;
	assert_int_equal(mdt_store_statements_open(f->s), 0);
	mdt_store_free(f->s);
	f->s = NULL;
}

static inline int
fx_setup_memory(void **state)
{
	struct fx *f = fx_new();
	char err[256];

	assert_int_equal(mdt_store_open(":memory:", &f->clock, MDT_OPEN_CREATE,
	    &f->s, err, sizeof(err)), MDT_OK);
	mdt_store_set_actor(f->s, "tester");
	*state = f;
	return 0;
}

static inline int
fx_setup_demo(void **state)
{
	struct fx *f;

	fx_setup_memory(state);
	f = *state;
	assert_int_equal(mdt_demo_create(f->s, &f->meeting), MDT_OK);
	assert_true(f->meeting > 0);
	return 0;
}

/* A demo meeting in a file store in a temporary folder. */
static inline int
fx_setup_file_demo(void **state)
{
	struct fx *f = fx_new();
	char err[256];

	fx_tempdir(f);
	assert_int_equal(mdt_store_open(f->path, &f->clock, MDT_OPEN_CREATE,
	    &f->s, err, sizeof(err)), MDT_OK);
	assert_int_equal(mdt_demo_create(f->s, &f->meeting), MDT_OK);
	*state = f;
	return 0;
}

static inline int
fx_teardown(void **state)
{
	struct fx *f = *state;

	fx_close(f);
	if (f->dir[0] != '\0')
		nftw(f->dir, fx_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* One integer from SQL with printf-style arguments; fails if no row. */
static inline int64_t
fx_int(struct mdt_store *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline int64_t
fx_int(struct mdt_store *s, const char *fmt, ...)
{
	char sql[1024];
	sqlite3_stmt *st;
	int64_t v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(s), sql, -1, &st,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* How many outbox and audit rows there are. */
struct fx_counts {
	int64_t outbox, audit;
};

static inline struct fx_counts
fx_counts(struct fx *f)
{
	struct fx_counts c;

	c.outbox = fx_int(f->s, "SELECT count(*) FROM outbox");
	c.audit = fx_int(f->s, "SELECT count(*) FROM audit");
	return c;
}

/* Runs an act and checks its status and how many outbox and audit rows
 * it wrote. */
#define EXPECT_ACT(f, call, want, d_outbox, d_audit) do { \
	struct fx_counts before_ = fx_counts(f), after_; \
	assert_int_equal((call), (want)); \
	after_ = fx_counts(f); \
	assert_int_equal(after_.outbox - before_.outbox, (d_outbox)); \
	assert_int_equal(after_.audit - before_.audit, (d_audit)); \
} while (0)

/* One text value from SQL into buf ("" for NULL). */
static inline const char *
fx_text(struct mdt_store *s, char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static inline const char *
fx_text(struct mdt_store *s, char *buf, size_t n, const char *fmt, ...)
{
	char sql[1024];
	sqlite3_stmt *st;
	const unsigned char *t;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(s), sql, -1, &st,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	t = sqlite3_column_text(st, 0);
	snprintf(buf, n, "%s", t != NULL ? (const char *)t : "");
	sqlite3_finalize(st);
	return buf;
}

static inline void
fx_exec(struct mdt_store *s, const char *sql)
{
	assert_int_equal(sqlite3_exec(mdt_store_db(s), sql, NULL, NULL, NULL),
	    SQLITE_OK);
}

/* fx_exec with printf-style arguments. */
static inline void
fx_execf(struct mdt_store *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline void
fx_execf(struct mdt_store *s, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;

	va_start(ap, fmt);
	assert_true((size_t)vsnprintf(sql, sizeof(sql), fmt, ap) <
	    sizeof(sql));
	va_end(ap);
	fx_exec(s, sql);
}

/* The n-th demo slot (1-based, in the order the demo made them). */
static inline int64_t
fx_slot(struct fx *f, int n)
{
	return fx_int(f->s, "SELECT id FROM slots WHERE meeting_id = %lld"
	    " ORDER BY id LIMIT 1 OFFSET %d", (long long)f->meeting, n - 1);
}

static inline int64_t
fx_person(struct fx *f, const char *name)
{
	return fx_int(f->s, "SELECT id FROM people WHERE name = '%s'", name);
}

static inline int64_t
fx_current(struct fx *f)
{
	return fx_int(f->s, "SELECT coalesce(current_slot_id, 0) FROM meetings"
	    " WHERE id = %lld", (long long)f->meeting);
}

/* Reads a whole file into a new buffer; *len gets its size. */
/* Adds the VM steps of each statement as it finishes (statements are
 * kept and used again: the count is read and reset). */
static inline int
fx_count_steps(unsigned type, void *ctx, void *p, void *x)
{
	(void)x;
	if (type == SQLITE_TRACE_PROFILE)
		*(int64_t *)ctx += sqlite3_stmt_status(p,
		    SQLITE_STMTSTATUS_VM_STEP, 1);	/* this run's, reset */
	return 0;
}

/* From now, SQLite's steps on s are added to *steps; NULL stops it. */
static inline void
fx_steps(struct mdt_store *s, int64_t *steps)
{
	sqlite3_trace_v2(mdt_store_db(s), steps != NULL ? SQLITE_TRACE_PROFILE :
	    0, steps != NULL ? fx_count_steps : NULL, steps);
}

static inline unsigned char *
fx_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Local (UTC) time of "YYYY-MM-DD HH:MM", in ms. */
static inline int64_t
fx_at(const char *when)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	assert_int_equal(sscanf(when, "%d-%d-%d %d:%d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min), 5);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = 0;
	return (int64_t)mktime(&tm) * 1000;
}

/* A meeting of the Larkhall MDT on date at 13:00, for 90 minutes. */
static inline int64_t
fx_meeting_at(struct fx *f, const char *date)
{
	struct mdt_meeting_in in = { "Larkhall MDT", date, "13:00",
	    "Larkhall Green Practice", 90 };
	int64_t id = 0;

	assert_int_equal(mdt_meeting_create(f->s, &in, &id, NULL), MDT_OK);
	return id;
}

/*
 * Hostile text around word: an escape sequence, a right-to-left override
 * (U+202E), a C1 CSI (U+009B), a non-character (U+FFFE), bytes that are
 * not UTF-8, line breaks, and (long) padding to 10,000 characters.
 * DESTRUCTOR: free.
 */
static inline char *
fx_hostile(const char *word, bool long_one)
{
	static const char mix[] = "\x1b[2J\xe2\x80\xae\xc2\x9b\xef\xbf\xbe"
	    "\xff\xfe\r\n";
	size_t n = strlen(word) + 2 * sizeof(mix) + (long_one ? 10000 : 0);
	char *s = mdt_xmalloc(n + 1);

	snprintf(s, n + 1, "%s%s%s", mix, word, mix);
	if (long_one) {
		size_t len = strlen(s);

		memset(s + len, 'x', n - len);
		s[n] = '\0';
	}
	return s;
}

/* The patient of slot n of the demo. */
static inline int64_t
fx_patient_of(struct fx *f, int n)
{
	return fx_int(f->s, "SELECT patient_id FROM slots WHERE id = %lld",
	    (long long)fx_slot(f, n));
}

#endif
