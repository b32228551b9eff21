/*
 * store_internal.h - the private side of the store, shared by the core/
 * files that read and write it: the struct behind struct mdt_store, and
 * the functions of store_sql.c (the mapping of SQLite errors to
 * mdt_status, transactions, statement helpers and readers of rows, the
 * audit and outbox writers) and of store_schema.c.  Not for tui/ or
 * sync/.
 */
#ifndef MDT_STORE_INTERNAL_H
#define MDT_STORE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "model.h"
#include "store.h"

/* How many distinct statements one connection keeps prepared: those of
 * the chair's screens and acts, with room to spare. */
#define MDT_STMT_CACHE 64
#define MDT_SNAP_SLOT_RING 8

struct mdt_store {
	sqlite3 *db;
	struct mdt_clock clock;
	char *path;
	char *wal_path;		/* path + "-wal"; NULL in memory */
	char *actor;
	int64_t data_version;	/* last seen PRAGMA data_version */
	char err[512];		/* what went wrong last, one line */
	/* statements kept prepared between uses (mdt_prep / mdt_done) */
	struct mdt_stmt_slot {
		sqlite3_stmt *st;
		uint32_t hash;		/* of the SQL text */
		bool busy;		/* handed out, not yet done */
		uint64_t used;		/* when last handed out */
	} stmts[MDT_STMT_CACHE];
	uint64_t stmt_clock;
	/* WAL pages after the last commit, and whether checkpoints wait
	 * for mdt_store_checkpoint (see mdt_store_defer_checkpoints) */
	int wal_pages;
	uint64_t commits;		/* this connection's, counted by the log hook */
	bool defer_checkpoints;
	/* this connection's changes to the tables of each part of a
	 * snapshot, counted by SQLite's pre-update hook from the first
	 * snapshot on (snapshot.c) */
	uint64_t snap_changes[MDT_SNAPSHOT_PARTS];
	bool snap_counting;
	/* of the changes to the slots part: the slots rows updated in place,
	 * the last MDT_SNAP_SLOT_RING (the k-th change counted at [k %
	 * MDT_SNAP_SLOT_RING]), and how many changes were anything else */
	int64_t snap_slot_ids[MDT_SNAP_SLOT_RING];
	uint64_t snap_slots_other;
	/* the columns of slots that place a slot on an agenda (its meeting,
	 * patient and position); -1: not known, every update is "other" */
	int snap_slot_cols[3];
	/* the meeting whose chair's lease this store asked for (lease.c),
	 * 0 if none, and the token it holds it by ("" if it does not):
	 * mdt_tx_run checks the lease before every act */
	int64_t lease_meeting;
	char lease_token[37];
};

/* ---- store_sql.c ---------------------------------------------------- */

/* SQLite result code -> status (FULL, READONLY, BUSY/LOCKED, NOTADB, else
 * EDB). */
enum mdt_status mdt_db_status(int rc);

/* Records st with an optional detail (printf format, may be NULL) as the
 * store's error line, and returns st. */
enum mdt_status mdt_fail(struct mdt_store *s, enum mdt_status st,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* MDT_OK if text (NULL: none) is one line of text, or with note a note,
 * under the input policy (textio.h) of at most max characters (0: any);
 * else MDT_EINVAL, the store's error saying that what ("the title")
 * holds the character, escaped. */
enum mdt_status mdt_text_check(struct mdt_store *s, const char *what,
    const char *text, bool note, size_t max);
/* A field of an act typed in: one line as mdt_text_check takes it, not
 * blank (MDT_EINVAL, "give WHAT"); NULL is MDT_OK when optional. */
enum mdt_status mdt_text_field(struct mdt_store *s, const char *what,
    const char *text, bool optional, size_t max);

/* How the audit log names a slot and a person, as the screens show them:
 * "slot #4" (its place on the agenda) and the person's name; into out,
 * which is returned.  Never a row id, which matches nothing on screen. */
const char *mdt_said_slot(struct mdt_store *s, int64_t slot_id, char out[24]);
const char *mdt_said_person(struct mdt_store *s, int64_t person_id,
    char out[128]);

/* MDT_OK if date ("YYYY-MM-DD") is today's local date or later; else
 * MDT_EINVAL, the store's error saying that what ("due date") is past. */
enum mdt_status mdt_date_past(struct mdt_store *s, const char *what,
    const char date[11]);

/* Records the connection's last SQLite error (while doing what) and returns
 * its status. */
enum mdt_status mdt_fail_db(struct mdt_store *s, int rc, const char *what);

/* MDT_OK if everything written to out went (rc 0, flushed, no error),
 * else MDT_EFULL or MDT_EIO recorded with what was being written. */
enum mdt_status mdt_write_status(struct mdt_store *s, FILE *out, int rc,
    const char *what);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  Rollback keeps the error line. */
enum mdt_status mdt_tx_begin(struct mdt_store *s);
enum mdt_status mdt_tx_commit(struct mdt_store *s);
void mdt_tx_rollback(struct mdt_store *s);

/* Ends a transaction by st: commits on MDT_OK (returning the commit's
 * status), otherwise rolls back and returns st. */
enum mdt_status mdt_tx_end(struct mdt_store *s, enum mdt_status st);

/*
 * What one transaction does: the body of an act (or of a read that must
 * see one state of the database), given its arguments and results in
 * ctx.  MDT_OK to keep what it wrote.
 */
typedef enum mdt_status (*mdt_tx_fn)(struct mdt_store *s, void *ctx);

/*
 * Runs body inside BEGIN IMMEDIATE: commits when it returns MDT_OK
 * (returning the commit's status), rolls back otherwise (returning the
 * body's).  An act that may find nothing to change passes wrote, which
 * body sets (through ctx): false after MDT_OK rolls back, writing nothing,
 * and returns MDT_OK.  wrote NULL: body always writes when it succeeds.
 */
enum mdt_status mdt_tx_run(struct mdt_store *s, mdt_tx_fn body, void *ctx,
    const bool *wrote);

/* As mdt_tx_run, without the check of the chair's lease: delivery's
 * bookkeeping, which is not an act of the chair. */
enum mdt_status mdt_tx_run_unleased(struct mdt_store *s, mdt_tx_fn body,
    void *ctx, const bool *wrote);

/*
 * As mdt_tx_run_unleased, and not flushed on its own (synchronous=NORMAL
 * for this one transaction, FULL again whatever happens): for bookkeeping
 * whose loss to a power cut costs nothing but a repeat (a lease's
 * heartbeat, rows marked sent).  The next commit made at FULL (every act
 * of the chair's) makes it durable too, the log being written in order.
 */
enum mdt_status mdt_tx_run_unflushed(struct mdt_store *s, mdt_tx_fn body,
    void *ctx);

/* MDT_OK if the store asked for no lease or still holds it; else
 * MDT_ECHAIR, saying who chairs.  Inside the act's transaction. */
enum mdt_status mdt_lease_check(struct mdt_store *s);

/* Runs body inside a read transaction (BEGIN, then ROLLBACK), so that
 * what it reads agrees with itself whatever other windows commit
 * meanwhile; returns the body's status. */
enum mdt_status mdt_tx_read(struct mdt_store *s, mdt_tx_fn body, void *ctx);

/*
 * Statement helpers.  fmt names the parameters, one letter each:
 *   i  int64_t
 *   I  int64_t, bound as NULL when 0
 *   d  int
 *   t  const char *, NULL bound as NULL
 *   T  const char *, NULL or "" bound as NULL
 * On failure they record the error in the store.
 *
 * mdt_prep hands out a statement the store keeps prepared from one use to
 * the next (parsing and planning a query costs more than running most of
 * them); give it back with mdt_done, never sqlite3_finalize.  A statement
 * already handed out and not yet done is prepared afresh.
 */
enum mdt_status mdt_prep(struct mdt_store *s, sqlite3_stmt **st,
    const char *sql, const char *fmt, ...);
enum mdt_status mdt_vprep(struct mdt_store *s, sqlite3_stmt **st,
    const char *sql, const char *fmt, va_list ap);
/* Gives back a statement from mdt_prep (reset, its values unbound); NULL is
 * a no-op. */
void mdt_done(struct mdt_store *s, sqlite3_stmt *st);
/* Runs a statement that returns no rows. */
enum mdt_status mdt_run(struct mdt_store *s, const char *sql,
    const char *fmt, ...);
/* First column of the first row; MDT_ENOTFOUND (error line untouched) when
 * there is no row.  A NULL value reads as 0. */
enum mdt_status mdt_query_int(struct mdt_store *s, int64_t *out,
    const char *sql, const char *fmt, ...);
/* As mdt_query_int, for text (a new string; NULL for a NULL value). */
enum mdt_status mdt_query_text(struct mdt_store *s, char **out,
    const char *sql, const char *fmt, ...);
/* An act refused when sql finds what bars it: refusal, recorded with why,
 * if the first column of its first row is not 0; else MDT_OK (or the
 * query's failure, MDT_ENOTFOUND when there is no row, as it is). */
enum mdt_status mdt_refuse_when(struct mdt_store *s, enum mdt_status refusal,
    const char *why, const char *sql, const char *fmt, ...);

/*
 * Readers of rows.  Each prepares sql with its values (fmt as mdt_prep),
 * steps it and gives it back; a failure is recorded, saying while doing
 * what.  fn reads the columns of the row the statement is on.
 */
typedef void (*mdt_row_fn)(sqlite3_stmt *st, void *row, void *ctx);

/* Defines name, a row reader (an mdt_row_fn) taking no ctx, whose body
 * (the block that follows) reads the statement st into var, the row as
 * a T. */
#define MDT_ROW_READER(name, T, var) \
	static void name##_into(sqlite3_stmt *st, T *var); \
	static void \
	name(sqlite3_stmt *st, void *row, void *ctx) \
	{ \
		(void)ctx; \
		name##_into(st, row); \
	} \
	static void \
	name##_into(sqlite3_stmt *st, T *var)
typedef void (*mdt_each_fn)(sqlite3_stmt *st, void *ctx);

/* The first row into row (size bytes, zeroed first); MDT_ENOTFOUND, with
 * nothing recorded, when there is none. */
enum mdt_status mdt_read_row(struct mdt_store *s, void *row, size_t size,
    mdt_row_fn fn, void *ctx, const char *what, const char *sql,
    const char *fmt, ...);

/* As mdt_read_row, for the row whose id is id (sql's one value): a
 * failure recorded as "reading the <noun>", none as "no <noun> <id>"
 * (MDT_ENOTFOUND). */
enum mdt_status mdt_read_id(struct mdt_store *s, void *row, size_t size,
    mdt_row_fn fn, const char *noun, const char *sql, int64_t id);

/* fn called on each row. */
enum mdt_status mdt_read_each(struct mdt_store *s, mdt_each_fn fn,
    void *ctx, const char *what, const char *sql, const char *fmt, ...);

/* An array that rows are read into. */
struct mdt_rows {
	void *v;		/* n elements, room for cap */
	size_t n, cap;
};

/* Each row appended to rows as one more element of size bytes, zeroed
 * and filled by fn.  On a failure the rows read until then stay in rows
 * for the caller to free. */
enum mdt_status mdt_read_rows(struct mdt_store *s, struct mdt_rows *rows,
    size_t size, mdt_row_fn fn, void *ctx, const char *what,
    const char *sql, const char *fmt, ...);

/* As mdt_read_rows, into the caller's array: arrp is the address of its
 * pointer (T **), np of its count, each element size bytes.  On a failure
 * the rows read are freed (each given to done first, when not NULL) and
 * the array is NULL and empty. */
enum mdt_status mdt_read_array(struct mdt_store *s, void *arrp, size_t *np,
    size_t size, void (*done)(void *), mdt_row_fn fn, void *ctx,
    const char *what, const char *sql, const char *fmt, ...);

/* A row_fn that reads column 0 into an int64_t (an id). */
void mdt_row_int(sqlite3_stmt *st, void *row, void *ctx);

/* An id and a short text (a uuid, a date), and the row_fn that reads
 * them from columns 0 and 1. */
struct mdt_id_text {
	int64_t id;
	char text[37];
};
void mdt_row_id_text(sqlite3_stmt *st, void *row, void *ctx);

/* Column helpers: a NULL column reads as 0 / "" / NULL. */
int64_t mdt_col_int(sqlite3_stmt *st, int col);
char *mdt_col_dup(sqlite3_stmt *st, int col);	/* NULL if NULL */
char *mdt_col_dup0(sqlite3_stmt *st, int col);	/* "" if NULL */
void mdt_col_copy(sqlite3_stmt *st, int col, char *dst, size_t n);
/* A state stored by its name, read by parse (rules.h); unknown for a name
 * parse does not know. */
int mdt_col_state(sqlite3_stmt *st, int col, int (*parse)(const char *),
    int unknown);

/* Columns from to to (text, shown as mdt_text_fput shows it), each after
 * two spaces: the fields of a line of a listing. */
void mdt_col_fput(sqlite3_stmt *st, int from, int to, FILE *out);

/* A line of a listing (an mdt_each_fn; ctx the FILE *): the id in column
 * 0, then every other column after two spaces, escaped. */
void mdt_print_line(sqlite3_stmt *st, void *ctx);

/*
 * Reads the row's columns, from the first, into the fields that follow,
 * each given as MDT_F(field) (its address and size), one letter a column:
 *   i  int64_t
 *   d  int
 *   b  bool, whether the value is non-zero
 *   s  char *, a new string, "" for NULL
 *   S  char *, a new string, NULL for NULL
 *   c  char[n], copied (cut to fit), "" for NULL
 *   e  an enum stored by its name: MDT_F(field), then the name's parse
 *      function (int (*)(const char *)) and the int value of a name it
 *      does not know
 *   -  a column passed over (no field)
 * A field whose size does not fit its letter (an int for i, a char * or
 * any field of a pointer's size for c) is a mistake in the code: fatal.
 */
void mdt_cols(sqlite3_stmt *st, const char *fmt, ...);
#define MDT_F(field) (void *)&(field), sizeof(field)

/* Writes one audit row (actor, now) for an act. */
enum mdt_status mdt_audit_add(struct mdt_store *s, const char *action,
    const char *entity, const char *entity_uuid, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* An entity changed by an act: its audit row, and its outbox row (an
 * upsert) so that the central record follows. */
enum mdt_status mdt_record_change(struct mdt_store *s, const char *action,
    const char *entity, const char *entity_uuid, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Queues one outbox row ('upsert' unless op says otherwise). */
enum mdt_status mdt_outbox_add(struct mdt_store *s, const char *entity,
    const char *entity_uuid, const char *op);

/* Finalizes the statements kept prepared (before the connection closes). */
void mdt_stmts_free(struct mdt_store *s);

/* ---- store_schema.c ------------------------------------------------- */

/* Applies the steps of the schema the database lacks, one transaction
 * each (another window may be doing the same). */
enum mdt_status mdt_schema_migrate(struct mdt_store *s);
/* The SQL of the step from version to version + 1 (NULL past the last):
 * for tests that make a database as an older version left it. */
const char *mdt_schema_step_sql(int version);

#endif
