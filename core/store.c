/*
 * store.c - opening the SQLite store: refusing a file that is not a
 * private, writable mdtchair database of a schema this program knows
 * before changing anything, the pragmas every connection sets, the hook
 * after each commit (the log's times touched for watching windows, and
 * checkpoints, which may be deferred), and the store's accessors.  The
 * schema is in store_schema.c, the statements and transactions in
 * store_sql.c.
 */
#include "config.h"

#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "model.h"
#include "rules.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* The longest user name the audit keeps, in characters (bytes once escaped). */
#define MDT_ACTOR_MAX 200

/* ---- opening --------------------------------------------------------- */

/* The folder that holds path ("." for a bare name). */
static char *
parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return mdt_xstrdup(".");
	if (slash == path)
		return mdt_xstrdup("/");
	return mdt_xasprintf("%.*s", (int)(slash - path), path);
}

/* Whether SQLite could write the file and the journal beside it. */
static bool
path_writable(const char *path)
{
	char *dir = parent_dir(path);
	bool ok = access(path, W_OK) == 0 && access(dir, W_OK) == 0;

	free(dir);
	return ok;
}

/*
 * The database holds patient records: a file (or its journal) that other
 * users can read is a leak waiting to happen, so it is refused before
 * anything is opened or changed, with the command that fixes it.
 */
static enum mdt_status
refuse_shared(const char *path, mode_t mode, char *errbuf, size_t errlen)
{
	if ((mode & 077) == 0)
		return MDT_OK;
	mdt_set_err(errbuf, errlen,
	    "%s is readable by other users (mode %04o): chmod 600 %s", path,
	    (unsigned)(mode & 07777), path);
	return MDT_EOPEN;
}

/* The database file and any -wal or -shm beside it are private. */
static enum mdt_status
check_private(const char *path, const struct stat *sb, char *errbuf,
    size_t errlen)
{
	static const char *const suffix[] = { "-wal", "-shm" };
	struct stat jb;
	enum mdt_status st;
	char *journal;
	size_t i;

	st = refuse_shared(path, sb->st_mode, errbuf, errlen);
	for (i = 0; st == MDT_OK && i < MDT_COUNT(suffix); i++) {
		journal = mdt_xasprintf("%s%s", path, suffix[i]);
		if (stat(journal, &jb) == 0)
			st = refuse_shared(journal, jb.st_mode, errbuf, errlen);
		free(journal);
	}
	return st;
}

/*
 * Makes sure a file is there to open: an existing regular file, or (with
 * MDT_OPEN_CREATE) a new empty one made with mode 0600.
 */
static enum mdt_status
prepare_file(const char *path, unsigned flags, bool *created, char *errbuf,
    size_t errlen)
{
	struct stat sb;
	int fd;

	*created = false;
	if (stat(path, &sb) == 0) {
		if (!S_ISREG(sb.st_mode)) {
			mdt_set_err(errbuf, errlen,
			    "cannot open the database %s: not a regular file",
			    path);
			return MDT_EOPEN;
		}
		return check_private(path, &sb, errbuf, errlen);
	}
	if (errno != ENOENT || !(flags & MDT_OPEN_CREATE)) {
		mdt_set_err(errbuf, errlen, "cannot open the database %s: %s",
		    path, strerror(errno));
		return MDT_EOPEN;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)	/* made by someone else meanwhile */
			return MDT_OK;
		mdt_set_err(errbuf, errlen, "cannot create the database %s: %s",
		    path, strerror(errno));
		return MDT_EOPEN;
	}
	if (fchmod(fd, 0600) != 0 || close(fd) != 0) {
		mdt_set_err(errbuf, errlen, "cannot create the database %s: %s",
		    path, strerror(errno));
		unlink(path);
		return MDT_EOPEN;
	}
	*created = true;
	return MDT_OK;
}

/* Reads an integer pragma without changing anything; SQLite result code. */
static int
pragma_int(sqlite3 *db, const char *pragma, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	rc = sqlite3_prepare_v2(db, pragma, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* An SQLite failure while only reading an existing file. */
static enum mdt_status
read_failure(struct mdt_store *s, int rc, char *errbuf, size_t errlen)
{
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		mdt_set_err(errbuf, errlen,
		    "%s is not an mdtchair database (not an SQLite database)",
		    s->path);
		return MDT_ENOTMDT;
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		if (!path_writable(s->path)) {
			mdt_set_err(errbuf, errlen,
			    "the database is read-only: %s", s->path);
			return MDT_EREADONLY;
		}
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		mdt_set_err(errbuf, errlen, "the database is busy: %s: %s",
		    s->path, sqlite3_errmsg(s->db));
		return MDT_EBUSY;
	default:
		break;
	}
	mdt_set_err(errbuf, errlen, "cannot open the database %s: %s", s->path,
	    sqlite3_errmsg(s->db));
	return mdt_db_status(rc) == MDT_EDB ? MDT_EOPEN : mdt_db_status(rc);
}

/*
 * The checks made before anything is written: read-only, not a database,
 * another program's database, a newer schema.
 */
static enum mdt_status
check_identity(struct mdt_store *s, bool memory, char *errbuf, size_t errlen)
{
	int64_t app_id, version, tables;
	int rc;

	if (!memory && (sqlite3_db_readonly(s->db, "main") == 1 ||
	    !path_writable(s->path))) {
		mdt_set_err(errbuf, errlen, "the database is read-only: %s",
		    s->path);
		return MDT_EREADONLY;
	}
	rc = pragma_int(s->db, "PRAGMA application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = pragma_int(s->db, "PRAGMA user_version", &version);
	if (rc == SQLITE_OK)
		rc = pragma_int(s->db, "SELECT count(*) FROM sqlite_master"
		    " WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%'"
		    " ESCAPE '\\'", &tables);
	if (rc != SQLITE_OK)
		return read_failure(s, rc, errbuf, errlen);
	if (app_id != 0 && app_id != MDT_APPLICATION_ID) {
		mdt_set_err(errbuf, errlen, "%s is not an mdtchair database"
		    " (application_id 0x%08" PRIx64 ")", s->path,
		    (uint64_t)app_id & 0xffffffffu);
		return MDT_ENOTMDT;
	}
	if (app_id == 0 && tables > 0) {
		mdt_set_err(errbuf, errlen, "%s is not an mdtchair database"
		    " (it holds another program's tables)", s->path);
		return MDT_ENOTMDT;
	}
	if (version > MDT_SCHEMA_VERSION) {
		mdt_set_err(errbuf, errlen, "%s was written by a newer mdtchair"
		    " (schema %" PRId64 "; this one reads up to %d)", s->path,
		    version, MDT_SCHEMA_VERSION);
		return MDT_ENEWER;
	}
	if (version < 0) {
		mdt_set_err(errbuf, errlen, "%s is not an mdtchair database"
		    " (schema %" PRId64 ")", s->path, version);
		return MDT_ENOTMDT;
	}
	return MDT_OK;
}

static enum mdt_status
set_pragmas(struct mdt_store *s, bool memory, char *errbuf, size_t errlen)
{
	char *mode = NULL;
	enum mdt_status st;
	int64_t fk;

	st = mdt_query_text(s, &mode, "PRAGMA journal_mode = WAL", NULL);
	if (st == MDT_OK && !memory && (mode == NULL ||
	    strcmp(mode, "wal") != 0)) {
		st = mdt_fail(s, MDT_EDB, "cannot switch %s to WAL mode",
		    s->path);
	}
	free(mode);
	if (st == MDT_OK)
		st = mdt_run(s, "PRAGMA synchronous = FULL", NULL);
	if (st == MDT_OK)
		st = mdt_run(s, "PRAGMA foreign_keys = ON", NULL);
	/* Freed space is zeroed, so that a patient's old words do not
	 * linger in the file after an edit or the retention purge. */
	if (st == MDT_OK)
		st = mdt_run(s, "PRAGMA secure_delete = ON", NULL);
	if (st == MDT_OK)
		st = mdt_query_int(s, &fk, "PRAGMA foreign_keys", NULL);
	if (st == MDT_OK && fk != 1)
		st = mdt_fail(s, MDT_EDB, "foreign keys are not supported");
	if (st != MDT_OK)
		mdt_set_err(errbuf, errlen, "cannot open the database %s: %s",
		    s->path, s->err);
	return st;
}

/*
 * Called after every commit, once other connections can read it and the
 * write lock is gone: touches the log's times, so that a window watching
 * the file (uv_fs_event, inotify) is woken when the commit is visible.
 * The log's writes wake it too, but too early: with synchronous=FULL the
 * commit becomes visible only after the fsync that follows them.  This
 * hook replaces SQLite's automatic checkpoint, so it checkpoints as that
 * does, once the log holds 1000 pages.
 */
static int
store_wal_hook(void *ctx, sqlite3 *db, const char *name, int pages)
{
	struct mdt_store *s = ctx;

	if (s->wal_path != NULL)
		utimensat(AT_FDCWD, s->wal_path, NULL, 0);
	s->commits++;
	s->wal_pages = pages;
	if (pages >= (s->defer_checkpoints ? 4000 : 1000) &&
	    sqlite3_wal_checkpoint(db, name) == SQLITE_OK)
		s->wal_pages = 0;
	return SQLITE_OK;
}

void
mdt_store_defer_checkpoints(struct mdt_store *s, bool defer)
{
	s->defer_checkpoints = defer;
}

int
mdt_store_wal_pages(const struct mdt_store *s)
{
	return s->wal_pages;
}

enum mdt_status
mdt_store_checkpoint(struct mdt_store *s)
{
	int rc = sqlite3_wal_checkpoint_v2(s->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	/* busy: another window is checkpointing; it will do */
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return mdt_fail_db(s, rc, "copying the log into the database");
	s->wal_pages = 0;
	return MDT_OK;
}

static void
remove_created(const char *path)
{
	char *side;

	unlink(path);
	side = mdt_xasprintf("%s-wal", path);
	unlink(side);
	free(side);
	side = mdt_xasprintf("%s-shm", path);
	unlink(side);
	free(side);
}

/*
 * Once a process, before SQLite starts: no bulk allocation for a page
 * cache.  SQLite gives every new cache one block of 20 pages and links
 * them all, and every temporary table a statement builds (a WITH, a
 * UNION, an IN list) has a cache of its own: the snapshot made half a
 * dozen a key, each a block written through, freed, and given back to
 * the system.  Pages one at a time cost a table of a few rows nothing.
 * And no count of the memory SQLite holds: kept, it takes a lock around
 * every allocation and release (a dozen a row an import writes), and
 * nothing here reads it or sets a heap limit by it.
 * Too late once SQLite has started (a test that registers a VFS first):
 * then it keeps its way, which is only slower.
 */
static void
store_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

enum mdt_status
mdt_store_open(const char *path, const struct mdt_clock *clock,
    unsigned flags, struct mdt_store **out, char *errbuf, size_t errlen)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;

	struct mdt_store *s;
	enum mdt_status st;
	bool memory, created = false;
	const char *actor;
	int rc;

	(void)pthread_once(&configured, store_configure);
	*out = NULL;
	mdt_set_err(errbuf, errlen, "%s", "");
	if (path == NULL || *path == '\0') {
		mdt_set_err(errbuf, errlen, "no database path given");
		return MDT_EOPEN;
	}
	memory = strcmp(path, ":memory:") == 0;
	if (!memory) {
		st = prepare_file(path, flags, &created, errbuf, errlen);
		if (st != MDT_OK)
			return st;
	}

	s = mdt_xcalloc(1, sizeof(*s));
	s->path = mdt_xstrdup(path);
	if (clock != NULL && clock->now != NULL)
		s->clock = *clock;
	else
		s->clock.now = mdt_clock_real;
	actor = getenv("USER");
	if (actor == NULL || *actor == '\0')
		actor = getenv("LOGNAME");
	/* The user as the audit stores it: one line, anything else in it
	 * escaped, so that the environment cannot forge an audit row. */
	if (actor == NULL || *actor == '\0')
		actor = "unknown";
	if (mdt_text_line_ok(actor, MDT_ACTOR_MAX, NULL, 0))
		s->actor = mdt_xstrdup(actor);
	else {
		char *shown = mdt_text_escaped(actor, false);

		shown[mdt_text_cut(shown, MDT_ACTOR_MAX)] = '\0';
		s->actor = shown;
	}

	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    (memory ? SQLITE_OPEN_CREATE : 0), NULL);
	if (rc != SQLITE_OK) {
		if (s->db == NULL) {
			mdt_set_err(errbuf, errlen,
			    "cannot open the database %s: out of memory", path);
			st = MDT_ENOMEM;
		} else
			st = read_failure(s, rc, errbuf, errlen);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (!memory)
		s->wal_path = mdt_xasprintf("%s-wal", path);
	sqlite3_wal_hook(s->db, store_wal_hook, s);

	st = check_identity(s, memory, errbuf, errlen);
	if (st == MDT_OK)
		st = set_pragmas(s, memory, errbuf, errlen);
	if (st == MDT_OK) {
		st = mdt_schema_migrate(s);
		if (st != MDT_OK)
			mdt_set_err(errbuf, errlen, "cannot set up the database"
			    " %s: %s", s->path, s->err);
	}
	if (st == MDT_OK &&
	    pragma_int(s->db, "PRAGMA data_version", &s->data_version) !=
	    SQLITE_OK)
		s->data_version = 0;
	if (st != MDT_OK)
		goto fail;
	*out = s;
	return MDT_OK;

fail:
	mdt_store_free(s);
	if (created)
		remove_created(path);
	return st;
}

void
mdt_store_free(struct mdt_store *s)
{
	sqlite3_stmt *st;

	if (s == NULL)
		return;
	mdt_stmts_free(s);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK) {
		/* A statement left open is a bug; close cleanly anyway so
		 * that the WAL is checkpointed. */
		while ((st = sqlite3_next_stmt(s->db, NULL)) != NULL)
			sqlite3_finalize(st);
		sqlite3_close(s->db);
	}
	free(s->path);
	free(s->wal_path);
	free(s->actor);
	free(s);
}

const char *
mdt_store_error(const struct mdt_store *s)
{
	if (s == NULL)
		return "no store";
	return s->err[0] != '\0' ? s->err : mdt_strerror(MDT_OK);
}

int64_t
mdt_store_now(const struct mdt_store *s)
{
	return s->clock.now(s->clock.ctx);
}

void
mdt_store_set_actor(struct mdt_store *s, const char *actor)
{
	free(s->actor);
	s->actor = mdt_xstrdup(mdt_str_blank(actor) ? "unknown" : actor);
}

void
mdt_store_set_busy_timeout(struct mdt_store *s, int ms)
{
	sqlite3_busy_timeout(s->db, ms);
}

struct sqlite3 *
mdt_store_db(struct mdt_store *s)
{
	return s->db;
}

const char *
mdt_store_wal_path(const struct mdt_store *s)
{
	return s->wal_path;
}

const char *
mdt_store_path(const struct mdt_store *s)
{
	return s->path;
}

uint64_t
mdt_store_commits(const struct mdt_store *s)
{
	return s->commits;
}

enum mdt_status
mdt_store_changed(struct mdt_store *s, bool *changed)
{
	enum mdt_status st;
	int64_t v;

	*changed = false;
	st = mdt_query_int(s, &v, "PRAGMA data_version", NULL);
	if (st != MDT_OK)
		return st;
	if (v != s->data_version) {
		*changed = true;
		s->data_version = v;
	}
	return MDT_OK;
}
