/*
 * test_store.c - opening the store: the schema and its identity, the file
 * mode and pragmas of a new database, reopening, and refusing (without
 * changing a byte) files that are newer, foreign, not databases,
 * read-only or readable by other users; the outbox count and noticing
 * other windows' commits.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "store_internal.h"

static int
setup_dir(void **state)
{
	struct fx *f = fx_new();

	fx_tempdir(f);
	*state = f;
	return 0;
}

/* Makes a database at path with the raw SQLite API. */
static void
raw_db(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	/* Private like any mdtchair database, so that only the content
	 * decides whether it is refused. */
	assert_int_equal(chmod(path, 0600), 0);
}

/* Opening path must fail with want, leave the file byte for byte as it
 * was and leave no side files behind; the message names the path. */
static void
expect_refused(struct fx *f, enum mdt_status want, const char *words)
{
	unsigned char *before, *after;
	size_t n_before, n_after;
	struct mdt_store *s = NULL;
	char err[512], side[160];

	before = fx_slurp(f->path, &n_before);
	assert_int_equal(mdt_store_open(f->path, &f->clock, MDT_OPEN_CREATE,
	    &s, err, sizeof(err)), want);
	assert_null(s);
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, words));
	assert_null(strchr(err, '\n'));
	after = fx_slurp(f->path, &n_after);
	assert_int_equal(n_before, n_after);
	assert_memory_equal(before, after, n_before);
	snprintf(side, sizeof(side), "%s-wal", f->path);
	assert_int_equal(access(side, F_OK), -1);
	snprintf(side, sizeof(side), "%s-journal", f->path);
	assert_int_equal(access(side, F_OK), -1);
	free(before);
	free(after);
}

static void
test_new_memory_schema(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_int(f->s, "PRAGMA user_version"),
	    MDT_SCHEMA_VERSION);
	assert_int_equal(fx_int(f->s, "PRAGMA application_id"),
	    MDT_APPLICATION_ID);
	assert_int_equal(fx_int(f->s, "PRAGMA foreign_keys"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name IN ('venues', 'people',"
	    " 'meetings', 'attendance', 'patients', 'slots', 'consent',"
	    " 'notes', 'actions', 'outcomes', 'audit', 'outbox')"), 12);
}

static void
test_schema_constraints(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = mdt_store_db(f->s);

	/* one key contact per patient is one column, by construction */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM"
	    " pragma_table_info('patients') WHERE name = 'key_contact_id'"), 1);
	/* an NHS number is ten characters */
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO patients"
	    " (uuid, nhs_number, name) VALUES ('u1', '123', 'A')", NULL, NULL,
	    NULL), SQLITE_OK);
	/* a slot needs a real meeting (foreign keys are on) */
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO slots"
	    " (uuid, meeting_id, patient_id, position) VALUES ('u2', 99, 99, 1)",
	    NULL, NULL, NULL), SQLITE_OK);
	/* best interests without a justification is refused by the schema */
	fx_exec(f->s, "INSERT INTO people (uuid, name) VALUES ('p', 'P');"
	    "INSERT INTO patients (uuid, nhs_number, name)"
	    " VALUES ('pt', '9434765919', 'Pat');"
	    "INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes) VALUES ('m', 'M', 0, 60);"
	    "INSERT INTO slots (uuid, meeting_id, patient_id, position)"
	    " VALUES ('s', 1, 1, 1);");
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO consent"
	    " (uuid, slot_id, basis, justification, recorded_at)"
	    " VALUES ('c', 1, 'best_interests', '  ', 0)", NULL, NULL, NULL),
	    SQLITE_OK);
	/* stay needs a review date */
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO outcomes"
	    " (uuid, slot_id, kind, recorded_at) VALUES ('o', 1, 'stay', 0)",
	    NULL, NULL, NULL), SQLITE_OK);
}

static void
test_new_file_mode_and_pragmas(void **state)
{
	struct fx *f = *state;
	struct stat sb;
	char err[256], mode[16];
	mode_t old = umask(022);

	assert_int_equal(mdt_store_open(f->path, &f->clock, MDT_OPEN_CREATE,
	    &f->s, err, sizeof(err)), MDT_OK);
	umask(old);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_string_equal(fx_text(f->s, mode, sizeof(mode),
	    "PRAGMA journal_mode"), "wal");
	assert_int_equal(fx_int(f->s, "PRAGMA synchronous"), 2);
	assert_int_equal(fx_int(f->s, "PRAGMA foreign_keys"), 1);
	assert_int_equal(fx_int(f->s, "PRAGMA user_version"),
	    MDT_SCHEMA_VERSION);
	assert_int_equal(fx_int(f->s, "PRAGMA application_id"),
	    MDT_APPLICATION_ID);
}

static void
test_missing_file_or_folder(void **state)
{
	struct fx *f = *state;
	struct mdt_store *s = NULL;
	char err[512], path[160];

	/* no file and no MDT_OPEN_CREATE: refused, nothing made */
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &s, err,
	    sizeof(err)), MDT_EOPEN);
	assert_null(s);
	assert_non_null(strstr(err, f->path));
	assert_int_equal(access(f->path, F_OK), -1);

	/* a folder that does not exist */
	snprintf(path, sizeof(path), "%s/no/such/x.db", f->dir);
	assert_int_equal(mdt_store_open(path, &f->clock, MDT_OPEN_CREATE, &s,
	    err, sizeof(err)), MDT_EOPEN);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ENOENT)));

	/* a folder given as the database */
	assert_int_equal(mdt_store_open(f->dir, &f->clock, MDT_OPEN_CREATE, &s,
	    err, sizeof(err)), MDT_EOPEN);
	assert_non_null(strstr(err, f->dir));
}

static void
test_reopen_keeps_data(void **state)
{
	struct fx *f = *state;
	char err[256];
	int64_t id2;

	assert_int_equal(mdt_store_open(f->path, &f->clock, MDT_OPEN_CREATE,
	    &f->s, err, sizeof(err)), MDT_OK);
	assert_int_equal(mdt_demo_create(f->s, &f->meeting), MDT_OK);
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	fx_close(f);

	/* without MDT_OPEN_CREATE, the existing file opens */
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"), 12);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM people"), 10);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM meetings"
	    " WHERE state = 'open'"), 1);
	assert_int_equal(mdt_meeting_find(f->s, NULL, &id2), MDT_OK);
	assert_int_equal(id2, f->meeting);
	assert_int_equal(fx_int(f->s, "PRAGMA user_version"),
	    MDT_SCHEMA_VERSION);
}

/* Schema 9: a follow-up after a death made by an older version, which
 * named the patient, reads as a new one does; an action of the same words
 * typed by someone, and a purged one, are left as they are. */
static void
test_relatives_text_rewritten(void **state)
{
	struct fx *f = *state;
	char err[256], buf[200], sql[1024];
	int v;

	/* a database as version 8 left it: its steps, then its rows */
	for (v = 0; v < 8; v++)
		raw_db(f->path, mdt_schema_step_sql(v));
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d;"
	    " PRAGMA user_version = 8;"
	    " INSERT INTO people (uuid, name) VALUES ('p1', 'Owner');"
	    " INSERT INTO patients (uuid, nhs_number, name) VALUES"
	    " ('pt1', '9434765919', 'Zo\xc3\xab');", MDT_APPLICATION_ID);
	raw_db(f->path, sql);
	raw_db(f->path, "INSERT INTO actions (uuid, patient_id, text, owner_id,"
	    " due_date, created_at, kind) VALUES"
	    " ('a1', 1, 'Contact relatives of Zo\xc3\xab \x1b[2J\xe2\x80\xae"
	    "Ad\xc3\xa9" "b\xc3\xa1y\xe1\xbb\x8d\xcc\x80\xc2\x9b\xef\xbf"
	    "\xbe\xff\n to offer support and follow up', 1, '2026-12-01', 0,"
	    " 'contact_relatives'),"
	    " ('a2', 1, '(purged)', 1, '2026-12-01', 0, 'contact_relatives'),"
	    " ('a3', 1, 'Contact relatives of Zo\xc3\xab to offer support and"
	    " follow up', 1, '2026-12-01', 0, NULL);");
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(fx_int(f->s, "PRAGMA user_version"),
	    MDT_SCHEMA_VERSION);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT text FROM actions WHERE uuid = 'a1'"),
	    "Contact the relatives to offer support and follow up");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT text FROM actions WHERE uuid = 'a2'"), "(purged)");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT text FROM actions WHERE uuid = 'a3'"),
	    "Contact relatives of Zo\xc3\xab to offer support and follow up");
	/* nothing queued: the central record has what it was sent */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"), 0);
}

static void
test_empty_file_is_set_up(void **state)
{
	struct fx *f = *state;
	char err[256];
	int fd;

	/* an empty file (as made by the O_EXCL create) becomes a store */
	fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(fx_int(f->s, "PRAGMA user_version"),
	    MDT_SCHEMA_VERSION);
}

static void
test_newer_refused_unchanged(void **state)
{
	struct fx *f = *state;
	char sql[160];

	char words[96];

	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d;"
	    " PRAGMA user_version = %d; CREATE TABLE future (x);",
	    MDT_APPLICATION_ID, MDT_SCHEMA_VERSION + 1);
	raw_db(f->path, sql);
	snprintf(words, sizeof(words), "newer mdtchair (schema %d; this one"
	    " reads up to %d)", MDT_SCHEMA_VERSION + 1, MDT_SCHEMA_VERSION);
	expect_refused(f, MDT_ENEWER, words);
}

static void
test_newer_wal_refused_unchanged(void **state)
{
	struct fx *f = *state;
	char err[256];

	/* a real mdtchair file in WAL mode, then bumped by a later one */
	assert_int_equal(mdt_store_open(f->path, &f->clock, MDT_OPEN_CREATE,
	    &f->s, err, sizeof(err)), MDT_OK);
	assert_int_equal(mdt_demo_create(f->s, &f->meeting), MDT_OK);
	fx_close(f);
	raw_db(f->path, "PRAGMA user_version = 42");
	expect_refused(f, MDT_ENEWER, "schema 42");
}

static void
test_foreign_refused_unchanged(void **state)
{
	struct fx *f = *state;

	raw_db(f->path, "PRAGMA application_id = 1234;"
	    " CREATE TABLE t (x); INSERT INTO t VALUES (1);");
	expect_refused(f, MDT_ENOTMDT, "not an mdtchair database");
}

static void
test_other_sqlite_refused_unchanged(void **state)
{
	struct fx *f = *state;

	/* application_id 0 but someone else's tables */
	raw_db(f->path, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
	expect_refused(f, MDT_ENOTMDT, "not an mdtchair database");
}

static void
test_not_sqlite_refused_unchanged(void **state)
{
	struct fx *f = *state;
	FILE *fp = fopen(f->path, "w");
	int i;

	assert_non_null(fp);
	for (i = 0; i < 200; i++)
		fprintf(fp, "surname,forename,nhs\nSmith,Ann,%d\n", i);
	fclose(fp);
	assert_int_equal(chmod(f->path, 0600), 0);
	expect_refused(f, MDT_ENOTMDT, "not an mdtchair database");
}

/* Opening as the user "nobody" (root writes to any file). */
static enum mdt_status
open_as_nobody(struct fx *f)
{
	struct passwd *pw = getpwnam("nobody");
	struct mdt_store *s = NULL;
	char err[512];
	int status;
	pid_t pid;

	if (pw == NULL)
		return MDT_EINVAL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		enum mdt_status st;

		if (setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
			_exit(100);
		st = mdt_store_open(f->path, &f->clock, MDT_OPEN_CREATE, &s,
		    err, sizeof(err));
		if (st == MDT_EREADONLY && (strstr(err, "read-only") == NULL ||
		    strstr(err, f->path) == NULL))
			_exit(101);
		mdt_store_free(s);
		_exit((int)st);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return (enum mdt_status)WEXITSTATUS(status);
}

static void
test_readonly_refused_unchanged(void **state)
{
	struct fx *f = *state;
	unsigned char *before, *after;
	size_t n_before, n_after;
	struct mdt_store *s = NULL;
	char err[512];

	assert_int_equal(mdt_store_open(f->path, &f->clock, MDT_OPEN_CREATE,
	    &f->s, err, sizeof(err)), MDT_OK);
	assert_int_equal(mdt_demo_create(f->s, &f->meeting), MDT_OK);
	fx_close(f);
	before = fx_slurp(f->path, &n_before);
	/* Read-only for its owner alone: a file others can read is refused
	 * for another reason. */
	assert_int_equal(chmod(f->path, 0400), 0);
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("nobody");

		assert_non_null(pw);
		assert_int_equal(chown(f->path, pw->pw_uid, (gid_t)-1), 0);
		assert_int_equal(chmod(f->dir, 0755), 0);
		assert_int_equal(open_as_nobody(f), MDT_EREADONLY);
	} else {
		assert_int_equal(chmod(f->dir, 0555), 0);
		assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &s, err,
		    sizeof(err)), MDT_EREADONLY);
		assert_null(s);
		assert_non_null(strstr(err, "read-only"));
		assert_non_null(strstr(err, f->path));
	}
	assert_int_equal(chmod(f->dir, 0700), 0);
	after = fx_slurp(f->path, &n_after);
	assert_int_equal(n_before, n_after);
	assert_memory_equal(before, after, n_before);
	free(before);
	free(after);
}

/* A database, -wal or -shm that other users can read is refused before
 * anything is opened, with the chmod that fixes it, and left unchanged. */
static void
test_shared_mode_refused_unchanged(void **state)
{
	struct fx *f = *state;
	static const char *const suffix[] = { "", "-wal", "-shm" };
	unsigned char *before, *after;
	size_t n_before, n_after, i;
	struct mdt_store *s = NULL;
	char err[512], want[512], journal[160];
	struct stat sb;
	int fd;

	assert_int_equal(mdt_store_open(f->path, &f->clock, MDT_OPEN_CREATE,
	    &f->s, err, sizeof(err)), MDT_OK);
	assert_int_equal(mdt_demo_create(f->s, &f->meeting), MDT_OK);
	fx_close(f);
	before = fx_slurp(f->path, &n_before);
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(journal, sizeof(journal), "%s%s", f->path, suffix[i]);
		if (i > 0) {
			fd = open(journal, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			assert_true(fd >= 0);
			close(fd);
		}
		assert_int_equal(chmod(journal, 0644), 0);
		assert_int_not_equal(mdt_store_open(f->path, &f->clock,
		    MDT_OPEN_CREATE, &s, err, sizeof(err)), MDT_OK);
		assert_null(s);
		snprintf(want, sizeof(want), "%s is readable by other users "
		    "(mode 0644): chmod 600 %s", journal, journal);
		assert_string_equal(err, want);
		assert_int_equal(stat(journal, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0644);
		assert_int_equal(chmod(journal, 0600), 0);
		if (i > 0)
			assert_int_equal(unlink(journal), 0);
	}
	/* Group-writable alone is refused as well. */
	assert_int_equal(chmod(f->path, 0620), 0);
	assert_int_not_equal(mdt_store_open(f->path, &f->clock, 0, &s, err,
	    sizeof(err)), MDT_OK);
	assert_non_null(strstr(err, "(mode 0620): chmod 600"));
	assert_int_equal(chmod(f->path, 0600), 0);
	after = fx_slurp(f->path, &n_after);
	assert_int_equal(n_before, n_after);
	assert_memory_equal(before, after, n_before);
	free(before);
	free(after);
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
}

static void
test_outbox_pending(void **state)
{
	struct fx *f = *state;
	int64_t n = -1;

	/* the demo is fictional: nothing of it goes to the central record */
	assert_int_equal(mdt_outbox_pending(f->s, &n), MDT_OK);
	assert_int_equal(n, 0);
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_outbox_pending(f->s, &n), MDT_OK);
	assert_int_equal(n, 2);
	fx_exec(f->s, "UPDATE outbox SET state = 'sent'"
	    " WHERE id = (SELECT min(id) FROM outbox)");
	assert_int_equal(mdt_outbox_pending(f->s, &n), MDT_OK);
	assert_int_equal(n, 1);
	/* a rejection is kept and still counts */
	fx_exec(f->s, "UPDATE outbox SET state = 'failed' WHERE state = 'pending'");
	assert_int_equal(mdt_outbox_pending(f->s, &n), MDT_OK);
	assert_int_equal(n, 1);
}

static void
test_other_window_noticed(void **state)
{
	struct fx *f = *state;
	struct mdt_store *other = NULL;
	char err[256];
	bool changed = true;

	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &other, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(mdt_store_changed(other, &changed), MDT_OK);
	assert_false(changed);
	/* the store's own commit does not count */
	assert_int_equal(mdt_meeting_open(other, f->meeting), MDT_OK);
	assert_int_equal(mdt_store_changed(other, &changed), MDT_OK);
	assert_false(changed);
	/* another window's does, once */
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_store_changed(other, &changed), MDT_OK);
	assert_true(changed);
	assert_int_equal(mdt_store_changed(other, &changed), MDT_OK);
	assert_false(changed);
	assert_int_equal(mdt_store_statements_open(other), 0);
	mdt_store_free(other);
}

static void
test_error_mapping(void **state)
{
	(void)state;
	assert_int_equal(mdt_db_status(SQLITE_OK), MDT_OK);
	assert_int_equal(mdt_db_status(SQLITE_FULL), MDT_EFULL);
	assert_int_equal(mdt_db_status(SQLITE_READONLY), MDT_EREADONLY);
	assert_int_equal(mdt_db_status(SQLITE_READONLY_DBMOVED),
	    MDT_EREADONLY);
	assert_int_equal(mdt_db_status(SQLITE_BUSY), MDT_EBUSY);
	assert_int_equal(mdt_db_status(SQLITE_LOCKED), MDT_EBUSY);
	assert_int_equal(mdt_db_status(SQLITE_NOTADB), MDT_ENOTMDT);
	assert_int_equal(mdt_db_status(SQLITE_IOERR), MDT_EDISK);
	assert_int_equal(mdt_db_status(SQLITE_IOERR_FSYNC), MDT_EDISK);
	assert_int_equal(mdt_db_status(SQLITE_CONSTRAINT), MDT_EDB);
}

static void
test_actor_and_error_line(void **state)
{
	struct fx *f = *state;
	char actor[64];

	mdt_store_set_actor(f->s, "chair-laptop");
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_string_equal(fx_text(f->s, actor, sizeof(actor),
	    "SELECT actor FROM audit ORDER BY id DESC LIMIT 1"), "chair-laptop");
	assert_int_equal(mdt_note_add(f->s, 424242, "x", NULL),
	    MDT_ENOTFOUND);
	assert_non_null(strstr(mdt_store_error(f->s), "not found"));
	assert_null(strchr(mdt_store_error(f->s), '\n'));
	assert_int_equal(mdt_store_now(f->s), FX_T0);
}

/* ---- the audit log read back, and the room's confidentiality --------- */

/* Lines of the audit listing, each split at tabs into five fields. */
static char *
audit_text(struct fx *f, int64_t meeting, int64_t since)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(mdt_audit_list(f->s, meeting, since, fp), MDT_OK);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static int
count_lines(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; *p != '\0'; p = strchr(p, '\n') + 1) {
		const char *end = strchr(p, '\n');

		assert_non_null(end);
		if (needle == NULL || (memmem(p, (size_t)(end - p), needle,
		    strlen(needle)) != NULL))
			n++;
	}
	return n;
}

/* Oldest first with the local time, the actor, the action, the entity and
 * the detail; one meeting's rows only; from a day on; no patient data. */
static void
test_audit_list(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { .title = "Second", .date = "+7" };
	int64_t other = 0, s1 = fx_slot(f, 1);
	int64_t p = fx_person(f, "Marta Kowalczyk");
	char *all, *one, *two, *late, name[128], nhs[16];
	int rows;

	f->now = FX_T0 + 10 * FX_MIN;
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, p,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_note_add(f->s, s1, "Lives alone; daughter"
	    " visits weekly", NULL), MDT_OK);
	f->now = FX_T0 + 2 * 24 * 60 * FX_MIN;
	assert_int_equal(mdt_meeting_create(f->s, &in, &other, NULL), MDT_OK);
	assert_int_equal(mdt_audit_meeting(f->s, other, "export",
	    "minutes md"), MDT_OK);

	all = audit_text(f, 0, 0);
	rows = (int)fx_int(f->s, "SELECT count(*) FROM audit");
	assert_true(rows >= 7);
	assert_int_equal(count_lines(all, NULL), rows);
	/* five fields, starting with the time (UTC in the tests), the actor */
	for (const char *l = all; *l != '\0'; l = strchr(l, '\n') + 1) {
		int tabs = 0;

		for (const char *c = l; *c != '\n'; c++)
			tabs += *c == '\t';
		assert_int_equal(tabs, 4);
		assert_int_equal(strncmp(l + 19, "\ttester\t", 8), 0);
	}
	assert_non_null(strstr(all, "2026-11-25 13:10:00\ttester\tnote_add\t"
	    "note "));
	/* oldest first: the note before the export two days later */
	assert_true(strstr(all, "\tnote_add\t") < strstr(all, "\texport\t"));

	one = audit_text(f, f->meeting, 0);
	assert_int_equal(count_lines(one, "\tnote_add\t"), 1);
	assert_int_equal(count_lines(one, "\tconsent_record\t") +
	    count_lines(one, "\tconsent\t"), count_lines(all,
	    "\tconsent_record\t") + count_lines(all, "\tconsent\t"));
	assert_int_equal(count_lines(one, "\texport\t"), 0);
	two = audit_text(f, other, 0);
	assert_int_equal(count_lines(two, "\texport\t"), 1);
	assert_int_equal(count_lines(two, "\tnote_add\t"), 0);
	assert_int_equal(count_lines(one, NULL) + count_lines(two, NULL) <=
	    rows, true);

	late = audit_text(f, 0, FX_T0 + 24 * 60 * FX_MIN);
	assert_int_equal(count_lines(late, "\tnote_add\t"), 0);
	assert_int_equal(count_lines(late, "\texport\t"), 1);

	/* no patient's name, NHS number or the note's words */
	fx_text(f->s, name, sizeof(name), "SELECT name FROM patients WHERE"
	    " id = (SELECT patient_id FROM slots WHERE id = %lld)",
	    (long long)s1);
	fx_text(f->s, nhs, sizeof(nhs), "SELECT nhs_number FROM patients"
	    " WHERE id = (SELECT patient_id FROM slots WHERE id = %lld)",
	    (long long)s1);
	assert_true(strlen(name) > 0 && strlen(nhs) == 10);
	assert_null(strstr(all, name));
	assert_null(strstr(all, nhs));
	assert_null(strstr(all, "daughter"));
	free(all);
	free(one);
	free(two);
	free(late);
}

/* Patient data goes to the room only once someone is present and everyone
 * present has acknowledged the confidentiality agreement. */
static void
test_room_cleared(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_person(f, "Marta Kowalczyk");
	int64_t b = fx_person(f, "Bridget Fennelly");
	struct mdt_snapshot snap;
	size_t waiting = 99;

#define ROOM(want_ok, want_waiting) do { \
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK); \
	assert_int_equal(mdt_snapshot_room_cleared(&snap, &waiting), \
	    (want_ok)); \
	assert_int_equal(waiting, (want_waiting)); \
	mdt_snapshot_free(&snap); } while (0)

	ROOM(false, 0);		/* nobody marked present */
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, a,
	    MDT_ATTEND_PRESENT), MDT_OK);
	ROOM(false, 1);
	assert_int_equal(mdt_attendance_ack(f->s, f->meeting, a, true), MDT_OK);
	ROOM(true, 0);
	/* apologies need no acknowledgement; a late arrival does */
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, b,
	    MDT_ATTEND_APOLOGIES), MDT_OK);
	ROOM(true, 0);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, b,
	    MDT_ATTEND_PRESENT), MDT_OK);
	ROOM(false, 1);
	assert_int_equal(mdt_attendance_ack(f->s, f->meeting, b, true), MDT_OK);
	ROOM(true, 0);
	assert_int_equal(mdt_attendance_ack(f->s, f->meeting, a, false),
	    MDT_OK);
	ROOM(false, 1);
#undef ROOM
}

/* Pages the log holds now, read from the file's size (header 32 bytes,
 * then a 24-byte header and a page per frame). */
static long
wal_frames(struct fx *f)
{
	char wal[600];
	struct stat sb;

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	if (stat(wal, &sb) != 0)
		return 0;
	return sb.st_size <= 32 ? 0 : (long)((sb.st_size - 32) / (24 + 4096));
}

/* Commits of about 16 pages each (rows of 60 kB) until the log has seen
 * at least pages pages or a checkpoint started it again; returns the
 * highest page count seen after a commit that did not checkpoint. */
static int
write_pages(struct fx *f, int pages, int *rows)
{
	int high = 0;

	while (high < pages) {
		assert_int_equal(mdt_run(f->s, "INSERT INTO t VALUES"
		    " (randomblob(60000))", NULL), MDT_OK);
		if (rows != NULL)
			(*rows)++;
		if (mdt_store_wal_pages(f->s) > high)
			high = mdt_store_wal_pages(f->s);
		else
			break;	/* the log started again: checkpointed */
	}
	return high;
}

/* Deferred, a commit does not checkpoint at 1,000 pages of log; asked
 * for, a checkpoint lets the next commit start the log again; not
 * deferred, the commit past 1,000 pages checkpoints, and deferred the one
 * past 4,000 still does. */
static void
test_checkpoint_deferred(void **state)
{
	struct fx *f = *state;
	int high, rows = 0;

	assert_int_equal(mdt_run(f->s, "CREATE TABLE t (v)", NULL), MDT_OK);
	mdt_store_defer_checkpoints(f->s, true);
	high = write_pages(f, 1500, &rows);
	assert_true(high >= 1500);
	assert_true(wal_frames(f) >= 1500);
	assert_int_equal(mdt_store_checkpoint(f->s), MDT_OK);
	assert_int_equal(mdt_store_wal_pages(f->s), 0);
	assert_int_equal(mdt_run(f->s, "INSERT INTO t VALUES (1)", NULL),
	    MDT_OK);
	assert_true(mdt_store_wal_pages(f->s) < 10);
	/* nothing lost: every row is in the database */
	assert_true(rows > 50);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM t"), rows + 1);

	mdt_store_defer_checkpoints(f->s, false);
	high = write_pages(f, 3000, NULL);
	assert_true(high >= 1000 - 40 && high < 1000);

	mdt_store_defer_checkpoints(f->s, true);
	high = write_pages(f, 5000, NULL);
	assert_true(high >= 4000 - 40 && high < 4000);
}

/* Virtual machine steps so far of all the connection's statements. */
static int64_t
vm_steps(struct mdt_store *s)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;

	while ((st = sqlite3_next_stmt(mdt_store_db(s), st)) != NULL)
		n += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
	return n;
}

/* The counts against the table itself. */
static void
assert_counts_true(struct mdt_store *s)
{
	struct mdt_outbox_counts c;
	int64_t unsent;

	assert_int_equal(mdt_outbox_counts(s, &c), MDT_OK);
	assert_int_equal(c.pending, fx_int(s, "SELECT count(*) FROM outbox"
	    " WHERE state = 'pending'"));
	assert_int_equal(c.sent, fx_int(s, "SELECT count(*) FROM outbox"
	    " WHERE state = 'sent'"));
	assert_int_equal(c.failed, fx_int(s, "SELECT count(*) FROM outbox"
	    " WHERE state = 'failed'"));
	assert_int_equal(c.conflict, fx_int(s, "SELECT count(*) FROM outbox"
	    " WHERE state = 'conflict'"));
	assert_int_equal(c.next_at, fx_int(s, "SELECT coalesce(max(next_at),"
	    " 0) FROM outbox WHERE state = 'pending'"));
	assert_int_equal(c.max_attempts, fx_int(s, "SELECT"
	    " coalesce(max(attempts), 0) FROM outbox WHERE state = 'pending'"));
	assert_int_equal(c.last_sent_at, fx_int(s, "SELECT"
	    " coalesce(max(sent_at), 0) FROM outbox"));
	assert_int_equal(mdt_outbox_pending(s, &unsent), MDT_OK);
	assert_int_equal(unsent, fx_int(s, "SELECT count(*) FROM outbox"
	    " WHERE state <> 'sent'"));
}

/* SQLite steps of one count of the unsent rows. */
static int64_t
count_cost(struct mdt_store *s)
{
	struct mdt_outbox_counts c;
	int64_t before = vm_steps(s);

	assert_int_equal(mdt_outbox_unsent_counts(s, &c), MDT_OK);
	return vm_steps(s) - before;
}

/* The outbox's counts are the table's after every kind of change, by
 * this connection, another one or plain SQL, and a rolled-back write
 * leaves them so; counting costs the same with a thousand rows queued
 * more. */
static void
test_outbox_counts_kept(void **state)
{
	struct fx *f = *state;
	struct mdt_store *other = NULL;
	char err[256];
	int64_t id, cost;

	assert_counts_true(f->s);
	f->now += FX_MIN;
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_slot_pause_toggle(f->s, f->meeting), MDT_OK);
	assert_counts_true(f->s);
	assert_true(fx_int(f->s, "SELECT count(*) FROM outbox") > 0);

	/* refused (no consent yet): nothing written, counts still true */
	assert_int_equal(mdt_note_add(f->s, fx_slot(f, 1), "x", NULL),
	    MDT_ECONSENT);
	assert_counts_true(f->s);

	/* each state change */
	id = fx_int(f->s, "SELECT min(id) FROM outbox WHERE state = 'pending'");
	assert_int_equal(mdt_outbox_mark_failed(f->s, &id, 1, MDT_OUTBOX_FAILED,
	    "refused"), MDT_OK);
	assert_counts_true(f->s);
	id = fx_int(f->s, "SELECT min(id) FROM outbox WHERE state = 'pending'");
	assert_int_equal(mdt_outbox_mark_failed(f->s, &id, 1,
	    MDT_OUTBOX_CONFLICT, "changed on the server"), MDT_OK);
	assert_counts_true(f->s);
	id = fx_int(f->s, "SELECT min(id) FROM outbox WHERE state = 'pending'");
	assert_int_equal(mdt_outbox_mark_retry(f->s, &id, 1, f->now + 9000,
	    "HTTP 503"), MDT_OK);
	assert_int_equal(mdt_outbox_mark_retry(f->s, &id, 1, f->now + 5000,
	    "HTTP 503"), MDT_OK);
	assert_counts_true(f->s);
	assert_int_equal(mdt_outbox_mark_sent(f->s, &id, 1, NULL, 0), MDT_OK);
	assert_counts_true(f->s);
	assert_int_equal(mdt_outbox_retry_problems(f->s, &id), MDT_OK);
	assert_int_equal(id, 2);
	assert_counts_true(f->s);

	/* another window's act, and rows written and removed in plain SQL
	 * (the sqlite3 shell) */
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &other, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(mdt_slot_pause_toggle(other, f->meeting), MDT_OK);
	mdt_store_free(other);
	assert_counts_true(f->s);
	fx_exec(f->s, "UPDATE outbox SET state = 'sent', sent_at = 77"
	    " WHERE id = (SELECT max(id) FROM outbox)");
	fx_exec(f->s, "DELETE FROM outbox WHERE id = (SELECT min(id) FROM"
	    " outbox)");
	assert_counts_true(f->s);

	/* a write undone */
	assert_int_equal(mdt_tx_begin(f->s), MDT_OK);
	assert_int_equal(mdt_outbox_add(f->s, "slot", "u-undone", NULL),
	    MDT_OK);
	mdt_tx_rollback(f->s);
	assert_counts_true(f->s);

	/* as cheap with a thousand more rows waiting */
	cost = count_cost(f->s);
	assert_int_equal(mdt_tx_begin(f->s), MDT_OK);
	for (int i = 0; i < 1000; i++) {
		char uuid[40];

		snprintf(uuid, sizeof(uuid), "u-%d", i);
		assert_int_equal(mdt_outbox_add(f->s, "slot", uuid, NULL),
		    MDT_OK);
	}
	assert_int_equal(mdt_tx_commit(f->s), MDT_OK);
	assert_counts_true(f->s);
	assert_true(count_cost(f->s) <= cost + 10);
}

/* Live statements of the connection, kept or handed out. */
static int
live_statements(struct mdt_store *s)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	while ((st = sqlite3_next_stmt(mdt_store_db(s), st)) != NULL)
		n++;
	return n;
}

/* Statements are kept prepared between uses: given back and asked for
 * again is the same statement with its old values unbound; two at once
 * are two; the store keeps a bounded number and counts what is left
 * open. */
static void
test_statements_kept(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *a, *b, *c, *many[MDT_STMT_CACHE + 1];
	char sql[MDT_STMT_CACHE + 1][40];
	int base = live_statements(f->s);

	assert_int_equal(mdt_prep(f->s, &a, "SELECT ?1, ?2", "ii",
	    (int64_t)1, (int64_t)2), MDT_OK);
	assert_int_equal(mdt_prep(f->s, &b, "SELECT ?1, ?2", "ii",
	    (int64_t)3, (int64_t)4), MDT_OK);
	assert_ptr_not_equal(a, b);
	assert_int_equal(mdt_store_statements_open(f->s), 2);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	assert_int_equal(sqlite3_step(b), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(a, 1), 2);
	assert_int_equal(sqlite3_column_int(b, 1), 4);
	mdt_done(f->s, a);
	assert_int_equal(mdt_store_statements_open(f->s), 1);
	/* the same statement again, reset mid-row, nothing left bound */
	assert_int_equal(mdt_prep(f->s, &c, "SELECT ?1, ?2", "i",
	    (int64_t)5), MDT_OK);
	assert_ptr_equal(c, a);
	assert_int_equal(sqlite3_step(c), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(c, 0), 5);
	assert_int_equal(sqlite3_column_type(c, 1), SQLITE_NULL);
	mdt_done(f->s, c);
	mdt_done(f->s, b);
	assert_int_equal(mdt_store_statements_open(f->s), 0);
	/* given back mid-row, it holds no read transaction open */
	assert_false(sqlite3_stmt_busy(a));
	assert_true(sqlite3_get_autocommit(mdt_store_db(f->s)));

	/* more distinct statements at once than are kept: all work, the
	 * extra one is finalized when given back, the rest stay bounded */
	for (int i = 0; i <= MDT_STMT_CACHE; i++) {
		snprintf(sql[i], sizeof(sql[i]), "SELECT %d", i);
		assert_int_equal(mdt_prep(f->s, &many[i], sql[i], NULL),
		    MDT_OK);
	}
	assert_int_equal(mdt_store_statements_open(f->s),
	    MDT_STMT_CACHE + 1);
	for (int i = 0; i <= MDT_STMT_CACHE; i++) {
		assert_int_equal(sqlite3_step(many[i]), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(many[i], 0), i);
		mdt_done(f->s, many[i]);
	}
	assert_int_equal(mdt_store_statements_open(f->s), 0);
	assert_int_equal(live_statements(f->s), MDT_STMT_CACHE);
	assert_true(live_statements(f->s) >= base);
	/* a statement left open is counted */
	assert_int_equal(mdt_prep(f->s, &a, "SELECT 1", NULL), MDT_OK);
	assert_int_equal(mdt_store_statements_open(f->s), 1);
	mdt_done(f->s, a);
}

/* mdt_refuse_when: a first column of 0 lets the act on; anything else
 * refuses it with the reason; a query without a row says so. */
static void
test_refuse_when(void **state)
{
	struct fx *f = *state;

	assert_int_equal(mdt_refuse_when(f->s, MDT_ESTATE, "barred",
	    "SELECT ? > 1", "i", (int64_t)1), MDT_OK);
	assert_int_equal(mdt_refuse_when(f->s, MDT_ESTATE, "barred by the rule",
	    "SELECT ? > 1", "i", (int64_t)2), MDT_ESTATE);
	assert_non_null(strstr(mdt_store_error(f->s), "barred by the rule"));
	assert_int_equal(mdt_refuse_when(f->s, MDT_EINVAL, "barred",
	    "SELECT 1 WHERE 0", NULL), MDT_ENOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_memory_schema,
		    fx_setup_memory, fx_teardown),
		cmocka_unit_test_setup_teardown(test_schema_constraints,
		    fx_setup_memory, fx_teardown),
		cmocka_unit_test_setup_teardown(test_new_file_mode_and_pragmas,
		    setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_or_folder,
		    setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reopen_keeps_data,
		    setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(test_empty_file_is_set_up,
		    setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(test_relatives_text_rewritten,
		    setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(test_newer_refused_unchanged,
		    setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(test_newer_wal_refused_unchanged,
		    setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(test_foreign_refused_unchanged,
		    setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_other_sqlite_refused_unchanged, setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(test_not_sqlite_refused_unchanged,
		    setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(test_readonly_refused_unchanged,
		    setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_shared_mode_refused_unchanged, setup_dir, fx_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_pending,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_other_window_noticed,
		    fx_setup_file_demo, fx_teardown),
		cmocka_unit_test(test_error_mapping),
		cmocka_unit_test_setup_teardown(test_actor_and_error_line,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit_list, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_counts_kept,
		    fx_setup_file_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_deferred,
		    fx_setup_file_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refuse_when,
		    fx_setup_memory, fx_teardown),
		cmocka_unit_test_setup_teardown(test_statements_kept,
		    fx_setup_memory, fx_teardown),
		cmocka_unit_test_setup_teardown(test_room_cleared,
		    fx_setup_demo, fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
