/*
 * store_sql.c - the store's statements for the rest of core/: SQLite's
 * errors as statuses with a line for people, transactions, statements
 * kept prepared between uses and the helpers that bind, run and read
 * them (a row, each row, or every row into an array), and the audit and
 * outbox rows every act writes.
 */
#include "config.h"

#include "store_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "model.h"
#include "rules.h"
#include "store.h"
#include "textio.h"
#include "util.h"

/* ---- errors ---------------------------------------------------------- */

enum mdt_status
mdt_db_status(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return MDT_OK;
	case SQLITE_FULL:
		return MDT_EFULL;
	case SQLITE_IOERR:
		return MDT_EDISK;
	case SQLITE_READONLY:
		return MDT_EREADONLY;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return MDT_EBUSY;
	case SQLITE_NOTADB:
		return MDT_ENOTMDT;
	case SQLITE_NOMEM:
		return MDT_ENOMEM;
	default:
		return MDT_EDB;
	}
}

enum mdt_status
mdt_fail(struct mdt_store *s, enum mdt_status st, const char *fmt, ...)
{
	char detail[400];
	va_list ap;

	if (fmt == NULL) {
		mdt_strlcpy(s->err, mdt_strerror(st), sizeof(s->err));
		return st;
	}
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	snprintf(s->err, sizeof(s->err), "%s: %s", mdt_strerror(st), detail);
	return st;
}

enum mdt_status
mdt_text_check(struct mdt_store *s, const char *what, const char *text,
    bool note, size_t max)
{
	char why[96];

	if (note ? mdt_text_note_ok(text, max, why, sizeof(why)) :
	    mdt_text_line_ok(text, max, why, sizeof(why)))
		return MDT_OK;
	return mdt_fail(s, MDT_EINVAL, "%s %s", what, why);
}

enum mdt_status
mdt_text_field(struct mdt_store *s, const char *what, const char *text,
    bool optional, size_t max)
{
	if (text == NULL && optional)
		return MDT_OK;
	if (mdt_str_blank(text))
		return mdt_fail(s, MDT_EINVAL, "give %s", what);
	return mdt_text_check(s, what, text, false, max);
}

const char *
mdt_said_slot(struct mdt_store *s, int64_t slot_id, char out[24])
{
	int64_t pos = 0;

	if (mdt_query_int(s, &pos, "SELECT position FROM slots WHERE id = ?",
	    "i", slot_id) == MDT_OK)
		snprintf(out, 24, "slot #%" PRId64, pos);
	else
		snprintf(out, 24, "a slot");
	return out;
}

const char *
mdt_said_person(struct mdt_store *s, int64_t person_id, char out[128])
{
	char *name = NULL;

	if (mdt_query_text(s, &name, "SELECT name FROM people WHERE id = ?",
	    "i", person_id) == MDT_OK && name != NULL)
		mdt_strlcpy(out, name, 128);
	else
		mdt_strlcpy(out, "someone", 128);
	free(name);
	return out;
}

enum mdt_status
mdt_date_past(struct mdt_store *s, const char *what, const char date[11])
{
	char today[11];

	mdt_date_of(mdt_store_now(s), today);
	if (strcmp(date, today) >= 0)
		return MDT_OK;
	return mdt_fail(s, MDT_EINVAL, "the %s %s is past (today %s)", what,
	    date, today);
}

enum mdt_status
mdt_fail_db(struct mdt_store *s, int rc, const char *what)
{
	enum mdt_status st = mdt_db_status(rc);

	if (st == MDT_OK)
		st = MDT_EDB;
	/* What the person at the keyboard can do about it, too: whatever
	 * failed was rolled back whole. */
	if (st == MDT_EFULL || st == MDT_EDISK)
		return mdt_fail(s, st, "nothing was saved (%s%s%s); %s and"
		    " try again", sqlite3_errmsg(s->db), what != NULL ?
		    ", while " : "", what != NULL ? what : "",
		    st == MDT_EFULL ? "free some space" : "check the disk");
	if (what != NULL)
		return mdt_fail(s, st, "%s (%s)", sqlite3_errmsg(s->db), what);
	return mdt_fail(s, st, "%s", sqlite3_errmsg(s->db));
}

/* ---- output -------------------------------------------------------- */

enum mdt_status
mdt_write_status(struct mdt_store *s, FILE *out, int rc, const char *what)
{
	if (rc != 0 || fflush(out) != 0 || ferror(out))
		return mdt_fail(s, errno == ENOSPC ? MDT_EFULL : MDT_EIO,
		    "%s: %s", what, errno != 0 ? strerror(errno) :
		    "write failed");
	return MDT_OK;
}

/* ---- transactions ---------------------------------------------------- */

/* Runs one of BEGIN IMMEDIATE, COMMIT, ROLLBACK (kept prepared, as every
 * act runs two of them); MDT_OK or the failure recorded, saying while
 * doing what. */
static enum mdt_status
tx_step(struct mdt_store *s, const char *sql, const char *what)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc;

	status = mdt_prep(s, &st, sql, NULL);
	if (status != MDT_OK)
		return status;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		status = mdt_fail_db(s, rc, what);
	mdt_done(s, st);
	return status;
}

enum mdt_status
mdt_tx_begin(struct mdt_store *s)
{
	return tx_step(s, "BEGIN IMMEDIATE", "starting a transaction");
}

enum mdt_status
mdt_tx_commit(struct mdt_store *s)
{
	enum mdt_status st = tx_step(s, "COMMIT", "saving");

	if (st != MDT_OK)
		mdt_tx_rollback(s);
	return st;
}

void
mdt_tx_rollback(struct mdt_store *s)
{
	char err[sizeof(s->err)];

	/* A failed statement (disk full, I/O error) may already have rolled
	 * the transaction back.  The error line stays that of the failure. */
	if (sqlite3_get_autocommit(s->db))
		return;
	memcpy(err, s->err, sizeof(err));
	(void)tx_step(s, "ROLLBACK", "undoing a transaction");
	memcpy(s->err, err, sizeof(err));
}

enum mdt_status
mdt_tx_end(struct mdt_store *s, enum mdt_status st)
{
	if (st == MDT_OK)
		return mdt_tx_commit(s);
	mdt_tx_rollback(s);
	return st;
}

static enum mdt_status
tx_run(struct mdt_store *s, mdt_tx_fn body, void *ctx, const bool *wrote,
    bool leased)
{
	enum mdt_status st = mdt_tx_begin(s);

	if (st != MDT_OK)
		return st;
	if (leased)
		st = mdt_lease_check(s);
	if (st == MDT_OK)
		st = body(s, ctx);
	if (st == MDT_OK && wrote != NULL && !*wrote) {
		mdt_tx_rollback(s);	/* nothing to write */
		return MDT_OK;
	}
	return mdt_tx_end(s, st);
}

enum mdt_status
mdt_tx_run(struct mdt_store *s, mdt_tx_fn body, void *ctx, const bool *wrote)
{
	return tx_run(s, body, ctx, wrote, true);
}

enum mdt_status
mdt_tx_run_unleased(struct mdt_store *s, mdt_tx_fn body, void *ctx,
    const bool *wrote)
{
	return tx_run(s, body, ctx, wrote, false);
}

enum mdt_status
mdt_tx_run_unflushed(struct mdt_store *s, mdt_tx_fn body, void *ctx)
{
	enum mdt_status st;

	(void)mdt_run(s, "PRAGMA synchronous = NORMAL", NULL);
	st = tx_run(s, body, ctx, NULL, false);
	/* back to FULL whatever happened: the chair's acts depend on it */
	if (mdt_run(s, "PRAGMA synchronous = FULL", NULL) != MDT_OK &&
	    st == MDT_OK)
		st = MDT_EDB;
	return st;
}

enum mdt_status
mdt_tx_read(struct mdt_store *s, mdt_tx_fn body, void *ctx)
{
	enum mdt_status st = mdt_run(s, "BEGIN", NULL);

	if (st != MDT_OK)
		return st;
	st = body(s, ctx);
	mdt_tx_rollback(s);
	return st;
}

/* ---- statements ------------------------------------------------------ */

static uint32_t
sql_hash(const char *sql)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *sql != '\0'; sql++)
		h = (h ^ (unsigned char)*sql) * 16777619u;
	return h;
}

/* A kept statement for sql that is not handed out, marked handed out;
 * NULL if there is none. */
static sqlite3_stmt *
stmt_take(struct mdt_store *s, const char *sql)
{
	uint32_t h = sql_hash(sql);

	for (size_t i = 0; i < MDT_STMT_CACHE; i++) {
		struct mdt_stmt_slot *k = &s->stmts[i];

		if (k->st != NULL && !k->busy && k->hash == h &&
		    strcmp(sqlite3_sql(k->st), sql) == 0) {
			k->busy = true;
			k->used = ++s->stmt_clock;
			return k->st;
		}
	}
	return NULL;
}

/*
 * Prepares sql, keeping the statement (handed out) in a free place or in
 * place of the one used longest ago that is not handed out; when every
 * place holds a handed-out statement it is not kept, and mdt_done
 * finalizes it.
 */
static int
stmt_prepare(struct mdt_store *s, const char *sql, sqlite3_stmt **out)
{
	struct mdt_stmt_slot *k = NULL;
	int rc;

	for (size_t i = 0; i < MDT_STMT_CACHE; i++) {
		struct mdt_stmt_slot *c = &s->stmts[i];

		if (c->st == NULL) {
			k = c;
			break;
		}
		if (!c->busy && (k == NULL || c->used < k->used))
			k = c;
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1,
	    k != NULL ? SQLITE_PREPARE_PERSISTENT : 0, out, NULL);
	if (rc != SQLITE_OK || k == NULL || *out == NULL)
		return rc;
	if (k->st != NULL)
		sqlite3_finalize(k->st);
	k->st = *out;
	k->hash = sql_hash(sql);
	k->busy = true;
	k->used = ++s->stmt_clock;
	return rc;
}

void
mdt_done(struct mdt_store *s, sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < MDT_STMT_CACHE; i++) {
		struct mdt_stmt_slot *k = &s->stmts[i];

		if (k->st == st) {
			/* the step's error, if any, was read already */
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			k->busy = false;
			return;
		}
	}
	sqlite3_finalize(st);
}

int
mdt_store_statements_open(struct mdt_store *s)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	while ((st = sqlite3_next_stmt(s->db, st)) != NULL) {
		size_t i;

		for (i = 0; i < MDT_STMT_CACHE; i++)
			if (s->stmts[i].st == st)
				break;
		if (i == MDT_STMT_CACHE || s->stmts[i].busy)
			n++;
	}
	return n;
}

void
mdt_stmts_free(struct mdt_store *s)
{
	for (size_t i = 0; i < MDT_STMT_CACHE; i++) {
		sqlite3_finalize(s->stmts[i].st);
		s->stmts[i].st = NULL;
	}
}

enum mdt_status
mdt_vprep(struct mdt_store *s, sqlite3_stmt **out, const char *sql,
    const char *fmt, va_list ap)
{
	sqlite3_stmt *st = NULL;
	int rc, i, idx;
	const char *str;
	int64_t v;

	*out = NULL;
	st = stmt_take(s, sql);
	if (st == NULL) {
		rc = stmt_prepare(s, sql, &st);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(st);
			return mdt_fail_db(s, rc, "preparing a query");
		}
	}
	for (i = 0; fmt != NULL && fmt[i] != '\0'; i++) {
		idx = i + 1;
		switch (fmt[i]) {
		case 'i':
			rc = sqlite3_bind_int64(st, idx, va_arg(ap, int64_t));
			break;
		case 'I':
			v = va_arg(ap, int64_t);
			rc = v == 0 ? sqlite3_bind_null(st, idx) :
			    sqlite3_bind_int64(st, idx, v);
			break;
		case 'd':
			rc = sqlite3_bind_int(st, idx, va_arg(ap, int));
			break;
		case 't':
		case 'T':
			str = va_arg(ap, const char *);
			if (str == NULL || (fmt[i] == 'T' && *str == '\0'))
				rc = sqlite3_bind_null(st, idx);
			else
				rc = sqlite3_bind_text(st, idx, str, -1,
				    SQLITE_TRANSIENT);
			break;
		default:
			rc = SQLITE_MISUSE;
			break;
		}
		if (rc != SQLITE_OK) {
			enum mdt_status status = mdt_fail_db(s, rc,
			    "binding a value");

			mdt_done(s, st);
			return status;
		}
	}
	*out = st;
	return MDT_OK;
}

enum mdt_status
mdt_prep(struct mdt_store *s, sqlite3_stmt **out, const char *sql,
    const char *fmt, ...)
{
	enum mdt_status status;
	va_list ap;

	va_start(ap, fmt);
	status = mdt_vprep(s, out, sql, fmt, ap);
	va_end(ap);
	return status;
}

sqlite3_stmt *
mdt_store_stmt(struct mdt_store *s, const char *sql)
{
	sqlite3_stmt *st;

	return mdt_prep(s, &st, sql, NULL) == MDT_OK ? st : NULL;
}

void
mdt_store_stmt_done(struct mdt_store *s, sqlite3_stmt *st)
{
	mdt_done(s, st);
}

enum mdt_status
mdt_run(struct mdt_store *s, const char *sql, const char *fmt, ...)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	status = mdt_vprep(s, &st, sql, fmt, ap);
	va_end(ap);
	if (status != MDT_OK)
		return status;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		status = mdt_fail_db(s, rc, NULL);
	mdt_done(s, st);
	return status;
}

/* Steps a one-value query: MDT_OK with *st on the row (the caller reads
 * column 0 and gives it back with mdt_done), MDT_ENOTFOUND or an error
 * with *st given back. */
static enum mdt_status
query_one(struct mdt_store *s, sqlite3_stmt **st, const char *what,
    const char *sql, const char *fmt, va_list ap)
{
	enum mdt_status status = mdt_vprep(s, st, sql, fmt, ap);
	int rc;

	if (status != MDT_OK)
		return status;
	rc = sqlite3_step(*st);
	if (rc == SQLITE_ROW)
		return MDT_OK;
	status = rc == SQLITE_DONE ? MDT_ENOTFOUND : mdt_fail_db(s, rc, what);
	mdt_done(s, *st);
	*st = NULL;
	return status;
}

/* The first row read by fn into row (size bytes, zeroed first). */
static enum mdt_status
vread_row(struct mdt_store *s, void *row, size_t size, mdt_row_fn fn,
    void *ctx, const char *what, const char *sql, const char *fmt,
    va_list ap)
{
	enum mdt_status status;
	sqlite3_stmt *st;

	memset(row, 0, size);
	status = query_one(s, &st, what, sql, fmt, ap);
	if (status == MDT_OK) {
		fn(st, row, ctx);
		mdt_done(s, st);
	}
	return status;
}

/* A row_fn that reads column 0 as text (a new string; NULL for NULL). */
static void
row_text(sqlite3_stmt *st, void *row, void *ctx)
{
	*(char **)row = mdt_col_dup(st, 0);
}

enum mdt_status
mdt_query_int(struct mdt_store *s, int64_t *out, const char *sql,
    const char *fmt, ...)
{
	enum mdt_status status;
	va_list ap;

	va_start(ap, fmt);
	status = vread_row(s, out, sizeof(*out), mdt_row_int, NULL, NULL, sql,
	    fmt, ap);
	va_end(ap);
	return status;
}

enum mdt_status
mdt_query_text(struct mdt_store *s, char **out, const char *sql,
    const char *fmt, ...)
{
	enum mdt_status status;
	va_list ap;

	va_start(ap, fmt);
	status = vread_row(s, out, sizeof(*out), row_text, NULL, NULL, sql,
	    fmt, ap);
	va_end(ap);
	return status;
}

enum mdt_status
mdt_refuse_when(struct mdt_store *s, enum mdt_status refusal, const char *why,
    const char *sql, const char *fmt, ...)
{
	enum mdt_status status;
	int64_t found = 0;
	va_list ap;

	va_start(ap, fmt);
	status = vread_row(s, &found, sizeof(found), mdt_row_int, NULL, NULL,
	    sql, fmt, ap);
	va_end(ap);
	if (status == MDT_OK && found != 0)
		return mdt_fail(s, refusal, "%s", why);
	return status;
}

enum mdt_status
mdt_read_row(struct mdt_store *s, void *row, size_t size, mdt_row_fn fn,
    void *ctx, const char *what, const char *sql, const char *fmt, ...)
{
	enum mdt_status status;
	va_list ap;

	va_start(ap, fmt);
	status = vread_row(s, row, size, fn, ctx, what, sql, fmt, ap);
	va_end(ap);
	return status;
}

enum mdt_status
mdt_read_id(struct mdt_store *s, void *row, size_t size, mdt_row_fn fn,
    const char *noun, const char *sql, int64_t id)
{
	enum mdt_status status;
	char what[64];

	snprintf(what, sizeof(what), "reading the %s", noun);
	status = mdt_read_row(s, row, size, fn, NULL, what, sql, "i", id);
	if (status == MDT_ENOTFOUND)
		return mdt_fail(s, status, "no %s %" PRId64, noun, id);
	return status;
}

static enum mdt_status
vread_each(struct mdt_store *s, mdt_each_fn fn, void *ctx, const char *what,
    const char *sql, const char *fmt, va_list ap)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc;

	status = mdt_vprep(s, &st, sql, fmt, ap);
	if (status != MDT_OK)
		return status;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(st, ctx);
	if (rc != SQLITE_DONE)
		status = mdt_fail_db(s, rc, what);
	mdt_done(s, st);
	return status;
}

enum mdt_status
mdt_read_each(struct mdt_store *s, mdt_each_fn fn, void *ctx,
    const char *what, const char *sql, const char *fmt, ...)
{
	enum mdt_status status;
	va_list ap;

	va_start(ap, fmt);
	status = vread_each(s, fn, ctx, what, sql, fmt, ap);
	va_end(ap);
	return status;
}

/* What mdt_read_rows appends each row to, and with what. */
struct rows_fill {
	struct mdt_rows *rows;
	size_t size;
	mdt_row_fn fn;
	void *ctx;
};

static void
rows_add(sqlite3_stmt *st, void *ctx)
{
	struct rows_fill *f = ctx;
	struct mdt_rows *r = f->rows;
	char *row;

	r->v = mdt_grow(r->v, r->n, &r->cap, f->size);
	row = (char *)r->v + r->n * f->size;
	memset(row, 0, f->size);
	f->fn(st, row, f->ctx);
	r->n++;
}

enum mdt_status
mdt_read_rows(struct mdt_store *s, struct mdt_rows *rows, size_t size,
    mdt_row_fn fn, void *ctx, const char *what, const char *sql,
    const char *fmt, ...)
{
	struct rows_fill fill = { rows, size, fn, ctx };
	enum mdt_status status;
	va_list ap;

	va_start(ap, fmt);
	status = vread_each(s, rows_add, &fill, what, sql, fmt, ap);
	va_end(ap);
	return status;
}

enum mdt_status
mdt_read_array(struct mdt_store *s, void *arrp, size_t *np, size_t size,
    void (*done)(void *), mdt_row_fn fn, void *ctx, const char *what,
    const char *sql, const char *fmt, ...)
{
	struct mdt_rows r = { 0 };
	struct rows_fill fill = { &r, size, fn, ctx };
	enum mdt_status status;
	va_list ap;

	va_start(ap, fmt);
	status = vread_each(s, rows_add, &fill, what, sql, fmt, ap);
	va_end(ap);
	if (status != MDT_OK) {
		mdt_array_free(r.v, r.n, size, done);
		r.v = NULL;
		r.n = 0;
	}
	/* T * and void * are alike in every ABI this builds for */
	memcpy(arrp, &r.v, sizeof(r.v));
	*np = r.n;
	return status;
}

void
mdt_row_int(sqlite3_stmt *st, void *row, void *ctx)
{
	*(int64_t *)row = sqlite3_column_int64(st, 0);
}

void
mdt_row_id_text(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_id_text *r = row;

	mdt_cols(st, "ic", MDT_F(r->id), MDT_F(r->text));
}

int64_t
mdt_col_int(sqlite3_stmt *st, int col)
{
	return sqlite3_column_int64(st, col);
}

char *
mdt_col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t == NULL ? NULL : mdt_xstrdup((const char *)t);
}

char *
mdt_col_dup0(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return mdt_xstrdup(t == NULL ? "" : (const char *)t);
}

void
mdt_col_copy(sqlite3_stmt *st, int col, char *dst, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	mdt_strlcpy(dst, t == NULL ? "" : (const char *)t, n);
}

int
mdt_col_state(sqlite3_stmt *st, int col, int (*parse)(const char *),
    int unknown)
{
	int v = parse((const char *)sqlite3_column_text(st, col));

	return v < 0 ? unknown : v;
}

void
mdt_col_fput(sqlite3_stmt *st, int from, int to, FILE *out)
{
	for (int i = from; i <= to; i++) {
		fputs("  ", out);
		mdt_text_fput(out, (const char *)sqlite3_column_text(st, i),
		    false);
	}
}

void
mdt_print_line(sqlite3_stmt *st, void *ctx)
{
	fprintf(ctx, "%" PRId64, mdt_col_int(st, 0));
	mdt_col_fput(st, 1, sqlite3_column_count(st) - 1, ctx);
	fputc('\n', ctx);
}

/* A field of letter c given with size bytes: the size its letter wants,
 * or a mistake in the code that reads it. */
static void
col_size(char c, size_t size, size_t want)
{
	char msg[80];

	if (size == want)
		return;
	snprintf(msg, sizeof(msg), "mdt_cols: a field of %zu bytes for '%c'",
	    size, c);
	mdt_fatal(msg);
}

void
mdt_cols(sqlite3_stmt *st, const char *fmt, ...)
{
	va_list ap;
	int col = 0;

	va_start(ap, fmt);
	for (const char *f = fmt; *f != '\0'; f++, col++) {
		void *p;
		size_t size;
		int64_t i;
		int d;
		bool b;
		char *t;

		if (*f == '-')
			continue;
		p = va_arg(ap, void *);
		size = va_arg(ap, size_t);
		switch (*f) {
		case 'i':
			col_size(*f, size, sizeof(i));
			i = mdt_col_int(st, col);
			memcpy(p, &i, sizeof(i));
			break;
		case 'd':
			col_size(*f, size, sizeof(d));
			d = (int)mdt_col_int(st, col);
			memcpy(p, &d, sizeof(d));
			break;
		case 'b':
			col_size(*f, size, sizeof(b));
			b = mdt_col_int(st, col) != 0;
			memcpy(p, &b, sizeof(b));
			break;
		case 's':
		case 'S':
			col_size(*f, size, sizeof(t));
			t = *f == 's' ? mdt_col_dup0(st, col) :
			    mdt_col_dup(st, col);
			memcpy(p, &t, sizeof(t));
			break;
		case 'c':	/* an array; one of a pointer's size is not */
			if (size == sizeof(char *))
				col_size(*f, size, 0);
			mdt_col_copy(st, col, p, size);
			break;
		case 'e': {
			int (*parse)(const char *) =
			    va_arg(ap, int (*)(const char *));
			int unknown = va_arg(ap, int);

			col_size(*f, size, sizeof(d));
			d = mdt_col_state(st, col, parse, unknown);
			memcpy(p, &d, sizeof(d));
			break;
		}
		default:
			col_size(*f, size, 0);
		}
	}
	va_end(ap);
}

/* ---- audit and outbox ------------------------------------------------ */

static enum mdt_status
audit_addv(struct mdt_store *s, const char *action, const char *entity,
    const char *entity_uuid, const char *fmt, va_list ap)
{
	enum mdt_status status;
	char *detail = fmt != NULL ? mdt_xvasprintf(fmt, ap) : NULL;

	status = mdt_run(s,
	    "INSERT INTO audit (at, actor, action, entity, entity_uuid, detail)"
	    " VALUES (?, ?, ?, ?, ?, ?)", "itttTt",
	    mdt_store_now(s), s->actor, action, entity, entity_uuid, detail);
	free(detail);
	return status;
}

enum mdt_status
mdt_audit_add(struct mdt_store *s, const char *action, const char *entity,
    const char *entity_uuid, const char *fmt, ...)
{
	enum mdt_status status;
	va_list ap;

	va_start(ap, fmt);
	status = audit_addv(s, action, entity, entity_uuid, fmt, ap);
	va_end(ap);
	return status;
}

enum mdt_status
mdt_record_change(struct mdt_store *s, const char *action,
    const char *entity, const char *entity_uuid, const char *fmt, ...)
{
	enum mdt_status status;
	va_list ap;

	va_start(ap, fmt);
	status = audit_addv(s, action, entity, entity_uuid, fmt, ap);
	va_end(ap);
	if (status == MDT_OK)
		status = mdt_outbox_add(s, entity, entity_uuid, "upsert");
	return status;
}

enum mdt_status
mdt_outbox_add(struct mdt_store *s, const char *entity,
    const char *entity_uuid, const char *op)
{
	char uuid[37];
	int64_t now = mdt_store_now(s);

	mdt_uuid_new(uuid);
	return mdt_run(s,
	    "INSERT INTO outbox (uuid, entity, entity_uuid, op, created_at,"
	    " next_at) VALUES (?, ?, ?, ?, ?, ?)", "ttttii",
	    uuid, entity, entity_uuid, op != NULL ? op : "upsert", now, now);
}
