/*
 * store.h - the SQLite store as its callers see it (store.c): opening
 * (and refusing) a database file, the actor named in the audit log, the
 * busy wait, checkpoints, noticing other windows' commits, and the
 * statements left open (store_sql.c).  The statements, transactions and
 * writers the rest of core/ uses are in store_internal.h.
 */
#ifndef MDT_STORE_H
#define MDT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct mdt_store;

#define MDT_SCHEMA_VERSION 31
#define MDT_APPLICATION_ID 0x4d445443	/* "MDTC" */

enum {
	MDT_OPEN_CREATE = 1 << 0,	/* create the file (mode 0600) if missing */
};

/*
 * Opens (and, with MDT_OPEN_CREATE, creates and migrates) the database at
 * path; ":memory:" gives a private in-memory store for tests.  WAL,
 * synchronous=FULL, foreign keys on, secure_delete on, busy timeout.
 * Refuses a file whose application_id or user_version it does not know,
 * and a read-only file, without changing it.  On failure *out is NULL
 * and, if errbuf is not NULL, a one-line reason naming the path is
 * written to it.
 * The clock is copied.  DESTRUCTOR: mdt_store_free.
 */
enum mdt_status mdt_store_open(const char *path, const struct mdt_clock *clock,
    unsigned flags, struct mdt_store **out, char *errbuf, size_t errlen);
void mdt_store_free(struct mdt_store *s);

/* One line saying what went wrong last (status message plus detail). */
const char *mdt_store_error(const struct mdt_store *s);

int64_t mdt_store_now(const struct mdt_store *s);

/* Who is named in the audit log (default: the login name). */
void mdt_store_set_actor(struct mdt_store *s, const char *actor);

/*
 * How long a write waits for another window's transaction before failing
 * with MDT_EBUSY (default 5000 ms).  The interactive screens use a short
 * wait so that the event loop is never held up for long; the text typed
 * stays on screen to retry.
 */
void mdt_store_set_busy_timeout(struct mdt_store *s, int ms);

/* The raw handle, for tests and for sync/ (which shares the store). */
struct sqlite3 *mdt_store_db(struct mdt_store *s);

/*
 * sql prepared on the store's connection and kept prepared between uses,
 * for a reader of the raw handle that reads the same queries over and
 * over (sync's builder): NULL on failure, mdt_store_error says why.  Give
 * it back with mdt_store_stmt_done (never sqlite3_finalize), on the
 * thread that uses the connection.
 */
struct sqlite3_stmt *mdt_store_stmt(struct mdt_store *s, const char *sql);
void mdt_store_stmt_done(struct mdt_store *s, struct sqlite3_stmt *st);

/*
 * Checkpoints (copying the write-ahead log into the database file, up to
 * 4 MB of writes and a sync of the database) normally run at the end of a
 * commit that finds the log 1,000 pages long.  Deferred, they run only
 * when mdt_store_checkpoint is called (the console calls it once the keys
 * stop), or at the end of a commit that finds the log 4,000 pages long,
 * so that a key's commit is not also a checkpoint.
 */
void mdt_store_defer_checkpoints(struct mdt_store *s, bool defer);
/* Pages in the log after this connection's last commit. */
int mdt_store_wal_pages(const struct mdt_store *s);
/* A checkpoint now, waiting for no one (SQLite's passive mode). */
enum mdt_status mdt_store_checkpoint(struct mdt_store *s);

/* Statements of the connection still in use: handed out by the store and
 * not given back, or prepared on the raw handle and not finalized (the
 * store keeps others prepared between uses).  0 when nothing was left
 * open; the tests check it. */
int mdt_store_statements_open(struct mdt_store *s);

/*
 * Sets *changed to true if another connection (another window on the same
 * database) has committed since the last call (PRAGMA data_version); the
 * store's own commits do not count.  Cheap: a window calls it whenever the
 * file named by mdt_store_wal_path changes.
 */
enum mdt_status mdt_store_changed(struct mdt_store *s, bool *changed);

/* How many commits this store has made (each one touches the log, as
 * mdt_store_wal_path says): a window tells its own log writes from
 * others' by it. */
uint64_t mdt_store_commits(const struct mdt_store *s);

/*
 * The write-ahead log every commit goes through (PATH-wal), for a window
 * to watch for other windows' commits; NULL for an in-memory store.
 * After each commit of any store, once the commit can be read and its
 * lock is released, the file's times are touched: a watcher woken by
 * that (not by the log's writes, which come before the commit is
 * visible) always finds data_version changed.
 */
const char *mdt_store_wal_path(const struct mdt_store *s);
/* The database file the store was opened on. */
const char *mdt_store_path(const struct mdt_store *s);

#endif
