/*
 * test_store_use.c - the store in use: the outbox's pending rows and its
 * counts kept by triggers, noticing other windows' commits, the errors'
 * words on one line and the actor in the audit, the audit list, the room cleared for patient data, the checkpoint deferred while
 * a slot runs, statements kept and none left open, and the refusal
 * helper of the acts.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "store_internal.h"
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
