/*
 * test_snapshot.c - the actions a meeting's screens show, on a generated
 * history of 26 weekly meetings (tests/tools/gen-history): for every
 * meeting, and for the next one as it is chaired (actions reviewed,
 * closed, agreed), the snapshot's actions are exactly those of the plain
 * definition below, in its order, with the same slot and verdict.  The
 * snapshot finds them through the indexes of schema 7 instead of reading
 * every action the patients ever had; this holds it to the definition.
 */
#include "config.h"

#include <stdlib.h>

#include "fixture.h"

/* The definition: each action of a patient on the agenda that is open,
 * was agreed in one of the meeting's slots, was reviewed in one of them,
 * or was closed since the meeting opened. */
#define DEFINITION \
	"SELECT a.id, CASE WHEN sa.meeting_id = ?1 THEN a.slot_id ELSE 0 END," \
	" coalesce(r.verdict, ''), a.status" \
	" FROM actions a" \
	" JOIN slots s ON s.patient_id = a.patient_id AND s.meeting_id = ?1" \
	" LEFT JOIN action_reviews r ON r.action_id = a.id" \
	"  AND r.slot_id = s.id" \
	" LEFT JOIN slots sa ON sa.id = a.slot_id" \
	" WHERE a.status = 'open' OR sa.meeting_id = ?1" \
	" OR r.verdict IS NOT NULL" \
	" OR a.closed_at >= (SELECT opened_at FROM meetings WHERE id = ?1)" \
	" ORDER BY s.position, s.id, a.created_at, a.id"

/* Compares the snapshot of meeting with the definition; returns how many
 * actions it shows. */
static size_t
check_meeting(struct fx *f, int64_t meeting)
{
	struct mdt_snapshot snap;
	sqlite3_stmt *st;
	size_t i = 0;

	assert_int_equal(mdt_snapshot_load(f->s, meeting, &snap), MDT_OK);
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(f->s), DEFINITION,
	    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, meeting);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const struct mdt_action *a;
		const char *verdict = (const char *)sqlite3_column_text(st, 2);
		const char *status = (const char *)sqlite3_column_text(st, 3);

		assert_true(i < snap.n_actions);
		a = &snap.actions[i++];
		assert_int_equal(a->id, sqlite3_column_int64(st, 0));
		assert_int_equal(a->slot_id, sqlite3_column_int64(st, 1));
		assert_string_equal(a->verdict == MDT_VERDICT_NONE ? "" :
		    mdt_action_verdict_name(a->verdict), verdict);
		assert_string_equal(mdt_action_status_name(a->status),
		    status);
	}
	sqlite3_finalize(st);
	assert_int_equal(i, snap.n_actions);
	mdt_snapshot_free(&snap);
	return i;
}

static int
setup_history(void **state)
{
	struct fx *f = fx_new();
	const char *gen = getenv("GEN_HISTORY");
	char cmd[512], err[256];

	assert_non_null(gen);	/* make check names tests/tools/gen-history */
	fx_tempdir(f);
	snprintf(cmd, sizeof(cmd), "TZ=UTC '%s' --db '%s' --meetings 26"
	    " --patients 120 --actions 400 --seed 11 --start 2026-01-07"
	    " --next >/dev/null", gen, f->path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	mdt_store_set_actor(f->s, "tester");
	*state = f;
	return 0;
}

/* Every meeting of the history. */
static void
test_history_meetings(void **state)
{
	struct fx *f = *state;
	int64_t meetings = fx_int(f->s, "SELECT count(*) FROM meetings");
	size_t shown = 0, with_slot = 0, closed = 0;

	assert_true(meetings >= 27);
	for (int64_t m = 1; m <= meetings; m++)
		shown += check_meeting(f, m);
	/* the history holds actions agreed in slots, open and closed (the
	 * reviews come in the next test) */
	with_slot = (size_t)fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE slot_id IS NOT NULL");
	closed = (size_t)fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE status <> 'open'");
	assert_true(shown > 100);
	assert_true(with_slot > 100 && closed > 50);
}

/* The next meeting as it is chaired: one action closed outright, then
 * each slot's carried actions reviewed (kept, done, cancelled in turn)
 * and one agreed in each slot. */
static void
test_next_meeting_chaired(void **state)
{
	struct fx *f = *state;
	int64_t meeting = fx_int(f->s, "SELECT max(id) FROM meetings");
	int64_t owner = fx_int(f->s, "SELECT min(id) FROM people");
	struct mdt_snapshot snap;
	int verdicts = 0, kinds[3] = { 0, 0, 0 };

	f->now = fx_int(f->s, "SELECT scheduled_start FROM meetings"
	    " WHERE id = %lld", (long long)meeting);
	check_meeting(f, meeting);
	assert_int_equal(mdt_meeting_open(f->s, meeting), MDT_OK);
	/* closed outside any review once the meeting is open: the open
	 * action of the last patient on the agenda who has one */
	f->now += FX_MIN;
	assert_int_equal(mdt_action_set_status(f->s, fx_int(f->s,
	    "SELECT a.id FROM actions a JOIN slots s ON s.patient_id ="
	    " a.patient_id AND s.meeting_id = %lld WHERE a.status = 'open'"
	    " ORDER BY s.position DESC, a.id LIMIT 1", (long long)meeting),
	    MDT_ACTION_DONE), MDT_OK);
	check_meeting(f, meeting);
	assert_true(fx_int(f->s, "SELECT count(*) FROM actions WHERE closed_at"
	    " >= (SELECT opened_at FROM meetings WHERE id = %lld)",
	    (long long)meeting) == 1);
	for (int slot = 0; slot < 40; slot++) {
		const struct mdt_slot *cur;

		f->now += 5 * FX_MIN;
		if (mdt_slot_next(f->s, meeting, NULL) != MDT_OK)
			break;
		assert_int_equal(mdt_snapshot_load(f->s, meeting, &snap),
		    MDT_OK);
		cur = mdt_snapshot_current(&snap);
		assert_non_null(cur);
		assert_int_equal(mdt_consent_record(f->s, cur->id,
		    MDT_CONSENT_GIVEN, NULL, NULL, 0), MDT_OK);
		for (size_t i = 0; i < snap.n_actions; i++) {
			const struct mdt_action *a = &snap.actions[i];
			static const enum mdt_action_verdict v[] = {
				MDT_VERDICT_OPEN, MDT_VERDICT_DONE,
				MDT_VERDICT_CANCELLED,
			};

			if (a->patient_id != cur->patient_id ||
			    a->status != MDT_ACTION_OPEN)
				continue;
			assert_int_equal(mdt_action_review(f->s, cur->id, a->id,
			    v[verdicts % 3], 0, NULL), MDT_OK);
			kinds[verdicts % 3]++;
			verdicts++;
		}
		assert_int_equal(mdt_action_add(f->s, cur->id, "Call back",
		    owner, "+7", NULL), MDT_OK);
		mdt_snapshot_free(&snap);
		check_meeting(f, meeting);
	}
	assert_true(kinds[0] > 0 && kinds[1] > 0 && kinds[2] > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_meetings),
		cmocka_unit_test(test_next_meeting_chaired),
	};

	return cmocka_run_group_tests(tests, setup_history, fx_teardown);
}
