/*
 * test_faults.c - every act of a meeting under a full disk and a failing
 * one: the fault VFS (tests/faults/faultvfs.c, compiled in) makes SQLite's
 * writes, syncs and truncations fail.  Each act must then fail with
 * MDT_EFULL or MDT_EDISK, with a message saying what to do, write nothing
 * at all (no half of an act, no audit or outbox row alone), leave no
 * transaction open; and once the disk is back the same act must succeed
 * on the same store, and the file must pass integrity_check when opened
 * again.  A checkpoint that fails on a full disk loses nothing.
 */
#include "config.h"

#include <unistd.h>

#include "fixture.h"
#include "faultvfs.h"

/* Everything an act can change, as one string. */
static char *
fingerprint(struct mdt_store *s)
{
	char buf[4096];

	fx_text(s, buf, sizeof(buf), "SELECT"
	    " (SELECT count(*) FROM notes) || '/' ||"
	    " (SELECT count(*) FROM actions) || '/' ||"
	    " (SELECT count(*) FROM outcomes) || '/' ||"
	    " (SELECT count(*) FROM consent) || '/' ||"
	    " (SELECT count(*) FROM consent_exclusions) || '/' ||"
	    " (SELECT count(*) FROM people) || '/' ||"
	    " (SELECT count(*) FROM audit) || '/' ||"
	    " (SELECT count(*) FROM outbox) || '/' ||"
	    " (SELECT group_concat(state || coalesce(started_at, '-'), ',')"
	    "  FROM slots) || '/' ||"
	    " (SELECT group_concat(status || confidentiality_ack, ',')"
	    "  FROM attendance) || '/' ||"
	    " (SELECT group_concat(state || coalesce(opened_at, '-'), ',')"
	    "  FROM meetings)");
	return strdup(buf);
}

struct act_ctx {
	struct fx *f;
	int64_t person;
	int64_t slot;
};

typedef enum mdt_status (*act_fn)(struct act_ctx *c);

static enum mdt_status
act_open(struct act_ctx *c)
{
	return mdt_meeting_open(c->f->s, c->f->meeting);
}

static enum mdt_status
act_present(struct act_ctx *c)
{
	return mdt_attendance_set(c->f->s, c->f->meeting, c->person,
	    MDT_ATTEND_PRESENT);
}

static enum mdt_status
act_ack(struct act_ctx *c)
{
	return mdt_attendance_ack(c->f->s, c->f->meeting, c->person, true);
}

static enum mdt_status
act_next(struct act_ctx *c)
{
	return mdt_slot_next(c->f->s, c->f->meeting, &c->slot);
}

static enum mdt_status
act_consent(struct act_ctx *c)
{
	const char *const orgs[] = { "Fault Trust", "Second Trust" };

	return mdt_consent_record(c->f->s, c->slot, MDT_CONSENT_GIVEN, NULL,
	    orgs, 2);
}

static enum mdt_status
act_note(struct act_ctx *c)
{
	return mdt_note_add(c->f->s, c->slot, "Written while the disk failed",
	    NULL);
}

static enum mdt_status
act_action(struct act_ctx *c)
{
	return mdt_action_add(c->f->s, c->slot, "An action on a full disk",
	    c->person, "2027-01-31", NULL);
}

static enum mdt_status
act_outcome(struct act_ctx *c)
{
	return mdt_outcome_record(c->f->s, c->slot, MDT_OUTCOME_DIED, NULL);
}

static enum mdt_status
act_person(struct act_ctx *c)
{
	int64_t id;

	return mdt_person_add(c->f->s, "Someone New", "Volunteer",
	    "Age UK Lambeth", &id);
}

static enum mdt_status
act_close(struct act_ctx *c)
{
	return mdt_meeting_close(c->f->s, c->f->meeting);
}

static const struct {
	const char *name;
	act_fn fn;
} acts[] = {
	{ "open the meeting", act_open },
	{ "mark present", act_present },
	{ "acknowledge", act_ack },
	{ "start a slot", act_next },
	{ "consent with exclusions", act_consent },
	{ "note", act_note },
	{ "action", act_action },
	{ "outcome (died: outcome and action)", act_outcome },
	{ "add a person", act_person },
	{ "close the meeting", act_close },
};

static void
run_acts(struct fx *f, const char *mode, enum mdt_status want,
    const char *advice)
{
	struct act_ctx c = { .f = f };
	char err[256], *before, *after;
	unsigned long hits;

	c.person = fx_int(f->s, "SELECT person_id FROM attendance"
	    " WHERE meeting_id = %lld ORDER BY person_id LIMIT 1",
	    (long long)f->meeting);
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		before = fingerprint(f->s);
		hits = faultvfs_count();
		faultvfs_set(mode);
		if (acts[i].fn(&c) != want)
			fail_msg("%s under %s: %s", acts[i].name, mode,
			    mdt_store_error(f->s));
		assert_true(faultvfs_count() > hits);
		assert_non_null(strstr(mdt_store_error(f->s), advice));
		assert_int_equal(sqlite3_get_autocommit(mdt_store_db(f->s)), 1);
		after = fingerprint(f->s);
		if (strcmp(before, after) != 0)
			fail_msg("%s under %s wrote something: %s -> %s",
			    acts[i].name, mode, before, after);
		free(after);

		/* The disk is back: the same store saves it. */
		faultvfs_set(NULL);
		if (acts[i].fn(&c) != MDT_OK)
			fail_msg("%s after %s cleared: %s", acts[i].name, mode,
			    mdt_store_error(f->s));
		after = fingerprint(f->s);
		assert_string_not_equal(before, after);
		free(before);
		free(after);
	}
	/* each note, action and outcome once, each with one outbox row */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM notes"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outcomes"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM consent_exclusions"),
	    2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM notes n WHERE"
	    " (SELECT count(*) FROM outbox WHERE entity = 'note' AND"
	    " entity_uuid = n.uuid) <> 1"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions x WHERE"
	    " (SELECT count(*) FROM outbox WHERE entity = 'action' AND"
	    " entity_uuid = x.uuid) <> 1"), 0);

	/* Closed and opened again: the same, and sound. */
	before = fingerprint(f->s);
	fx_close(f);
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	after = fingerprint(f->s);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_string_equal(fx_text(f->s, err, sizeof(err),
	    "PRAGMA integrity_check"), "ok");
}

static void
test_disk_full(void **state)
{
	run_acts(*state, "full", MDT_EFULL, "free some space and try again");
}

static void
test_write_error(void **state)
{
	run_acts(*state, "eio", MDT_EDISK, "check the disk and try again");
}

static void
test_sync_error(void **state)
{
	run_acts(*state, "eio-sync", MDT_EDISK, "check the disk and try again");
}

/* Counts the notes in a copy of the store's files, as a kill -9 would
 * leave them (the copy is recovered from its WAL when opened). */
static int64_t
notes_after_crash(struct fx *f)
{
	char cmd[512], path[160];
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n = -1;

	snprintf(cmd, sizeof(cmd), "mkdir -p %s/crash && cp %s %s/crash/ &&"
	    " cp %s-wal %s/crash/", f->dir, f->path, f->dir, f->path, f->dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/crash/mdt.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM notes",
	    -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s/crash", f->dir);
	assert_int_equal(system(cmd), 0);
	return n;
}

/*
 * When the sync of a commit fails, its bytes may already be in the WAL: a
 * crash before anything else is written lets SQLite's recovery keep the
 * act the screen called not saved (the screen shows it after the restart,
 * once).  Saved again once the disk is back, it is there once, crash or
 * not.
 */
static void
test_sync_error_then_crash(void **state)
{
	struct fx *f = *state;
	int64_t slot;

	assert_int_equal(mdt_slot_next(f->s, f->meeting, &slot), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	faultvfs_set("eio-sync");
	assert_int_equal(mdt_note_add(f->s, slot, "Maybe saved", NULL),
	    MDT_EDISK);
	faultvfs_set(NULL);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM notes"), 0);
	assert_true(notes_after_crash(f) <= 1);
	assert_int_equal(mdt_note_add(f->s, slot, "Maybe saved", NULL), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM notes"), 1);
	assert_int_equal(notes_after_crash(f), 1);
}

/*
 * The WAL cannot be copied back into the database while the disk is full
 * (a checkpoint, and the one made when the store is closed): nothing saved
 * is lost, the store goes on saving once the disk is back, and the file
 * opened again holds everything.
 */
static void
test_checkpoint_on_full_disk(void **state)
{
	struct fx *f = *state;
	struct act_ctx c = { .f = f };
	char err[256], *before, *after;
	int log_frames = 0, done = 0;

	c.person = fx_int(f->s, "SELECT min(person_id) FROM attendance");
	assert_int_equal(act_open(&c), MDT_OK);
	assert_int_equal(act_present(&c), MDT_OK);
	assert_int_equal(act_next(&c), MDT_OK);
	assert_int_equal(act_consent(&c), MDT_OK);
	faultvfs_set("full");
	assert_int_not_equal(sqlite3_wal_checkpoint_v2(mdt_store_db(f->s), NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &done), SQLITE_OK);
	faultvfs_set(NULL);
	assert_int_equal(act_note(&c), MDT_OK);
	before = fingerprint(f->s);
	/* closed on a full disk: its checkpoint fails too */
	faultvfs_set("full");
	fx_close(f);
	faultvfs_set(NULL);
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	after = fingerprint(f->s);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_string_equal(fx_text(f->s, err, sizeof(err),
	    "PRAGMA integrity_check"), "ok");
	assert_int_equal(act_action(&c), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE text = 'An action on a full disk'"), 1);
}

/* A store cannot even be opened for the first time on a full disk; it
 * says so and leaves no file behind. */
static void
test_create_on_full_disk(void **state)
{
	struct fx *f = *state;
	struct mdt_store *s = NULL;
	char err[256], path[160];

	snprintf(path, sizeof(path), "%s/new.db", f->dir);
	faultvfs_set("full");
	assert_int_equal(mdt_store_open(path, &f->clock, MDT_OPEN_CREATE, &s,
	    err, sizeof(err)), MDT_EFULL);
	faultvfs_set(NULL);
	assert_null(s);
	assert_non_null(strstr(err, "disk is full"));
	assert_int_equal(access(path, F_OK), -1);
}

static int
setup(void **state)
{
	assert_int_equal(faultvfs_install(), SQLITE_OK);
	faultvfs_set(NULL);
	return fx_setup_file_demo(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disk_full, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_write_error, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_sync_error, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_sync_error_then_crash,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_on_full_disk,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_create_on_full_disk,
		    setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
