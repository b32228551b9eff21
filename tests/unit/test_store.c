/*
 * test_store.c - opening the store: the schema and its identity, the file
 * mode and pragmas of a new database, reopening, and refusing (without
 * changing a byte) files that are newer, foreign, not databases,
 * read-only or readable by other users.  The store in use is tested in
 * test_store_use.c.
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
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
