/*
 * test_acts.c - the chairing acts against the demo meeting, driven by a
 * fake clock: the slot clock through next, pause, extend, park, previous,
 * a restart and closing; the forecast; one audit and one outbox row per
 * act, in the act's transaction, and a full disk; the register and
 * closing; finding meetings, snapshots and the demo itself.  Recording in
 * a slot is tested in test_recording.c, correcting the record in
 * test_corrections.c.
 */
#include "config.h"

#include "fixture.h"

/* Elapsed ms of a slot as the screens would show it. */
static int64_t
elapsed_of(struct fx *f, int64_t slot_id)
{
	struct mdt_snapshot snap;
	const struct mdt_slot *sl;
	int64_t e;

	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	sl = mdt_snapshot_slot(&snap, slot_id);
	assert_non_null(sl);
	e = mdt_slot_elapsed_ms(sl->state, &sl->times, f->now);
	mdt_snapshot_free(&snap);
	return e;
}

static enum mdt_slot_state
state_of(struct fx *f, int64_t slot_id)
{
	char buf[16];

	fx_text(f->s, buf, sizeof(buf), "SELECT state FROM slots WHERE id = %lld",
	    (long long)slot_id);
	if (strcmp(buf, "running") == 0)
		return MDT_SLOT_RUNNING;
	if (strcmp(buf, "paused") == 0)
		return MDT_SLOT_PAUSED;
	if (strcmp(buf, "done") == 0)
		return MDT_SLOT_DONE;
	return MDT_SLOT_PENDING;
}

/* Agenda position (1..n) of a slot in a snapshot. */
static int
position_of(struct fx *f, int64_t slot_id)
{
	struct mdt_snapshot snap;
	const struct mdt_slot *sl;
	int pos;

	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	sl = mdt_snapshot_slot(&snap, slot_id);
	assert_non_null(sl);
	pos = sl->position;
	mdt_snapshot_free(&snap);
	return pos;
}

/* ---- the slot clock -------------------------------------------------- */

static void
test_slot_clock_and_restart(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1), s2 = fx_slot(f, 2), s3 = fx_slot(f, 3);
	int64_t id = 0;
	char err[256];

	/* next on a planned meeting opens it and starts the first slot */
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
	assert_int_equal(id, s1);
	assert_int_equal(fx_current(f), s1);
	assert_int_equal(fx_int(f->s, "SELECT opened_at FROM meetings"), FX_T0);
	assert_int_equal(state_of(f, s1), MDT_SLOT_RUNNING);

	/* paused from 2 to 5 minutes: 3 minutes on the clock at 6 */
	f->now = FX_T0 + 2 * FX_MIN;
	assert_int_equal(mdt_slot_pause_toggle(f->s, f->meeting), MDT_OK);
	assert_int_equal(state_of(f, s1), MDT_SLOT_PAUSED);
	f->now = FX_T0 + 5 * FX_MIN;
	assert_int_equal(elapsed_of(f, s1), 2 * FX_MIN);
	assert_int_equal(mdt_slot_pause_toggle(f->s, f->meeting), MDT_OK);
	assert_int_equal(state_of(f, s1), MDT_SLOT_RUNNING);
	f->now = FX_T0 + 6 * FX_MIN;
	assert_int_equal(elapsed_of(f, s1), 3 * FX_MIN);

	/* a minute's extension moves the bands */
	assert_int_equal(mdt_slot_extend(f->s, f->meeting, 60), MDT_OK);
	f->now = FX_T0 + 8 * FX_MIN + 30 * FX_SEC;	/* 5:30 on the clock */
	assert_int_equal(mdt_slot_band(elapsed_of(f, s1), 300, 420,
	    (int)fx_int(f->s, "SELECT extended_seconds FROM slots WHERE id = %lld",
	    (long long)s1)), MDT_BAND_GREEN);

	/* next at 10: slot 1 closed at 7 minutes, slot 2 runs */
	f->now = FX_T0 + 10 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
	assert_int_equal(id, s2);
	assert_int_equal(state_of(f, s1), MDT_SLOT_DONE);
	f->now = FX_T0 + 11 * FX_MIN;
	assert_int_equal(elapsed_of(f, s1), 7 * FX_MIN);
	assert_int_equal(elapsed_of(f, s2), 1 * FX_MIN);

	/* park at 12: slot 2 paused and last, slot 3 runs */
	f->now = FX_T0 + 12 * FX_MIN;
	assert_int_equal(mdt_slot_park(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), s3);
	assert_int_equal(state_of(f, s2), MDT_SLOT_PAUSED);
	assert_int_equal(position_of(f, s2), 12);
	assert_int_equal(position_of(f, s3), 2);
	assert_int_equal(state_of(f, s3), MDT_SLOT_RUNNING);
	f->now = FX_T0 + 30 * FX_MIN;
	assert_int_equal(elapsed_of(f, s2), 2 * FX_MIN);	/* stood still */

	/* previous at 14: back to slot 1, reopened; slot 3 paused */
	f->now = FX_T0 + 14 * FX_MIN;
	assert_int_equal(mdt_slot_previous(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), s1);
	assert_int_equal(state_of(f, s1), MDT_SLOT_RUNNING);
	assert_int_equal(state_of(f, s3), MDT_SLOT_PAUSED);
	f->now = FX_T0 + 15 * FX_MIN;
	assert_int_equal(elapsed_of(f, s1), 8 * FX_MIN);
	assert_int_equal(elapsed_of(f, s3), 2 * FX_MIN);

	/* next at 16: slot 1 closed again (9 min); slot 3 resumes */
	f->now = FX_T0 + 16 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
	assert_int_equal(id, s3);
	f->now = FX_T0 + 17 * FX_MIN;
	assert_int_equal(elapsed_of(f, s1), 9 * FX_MIN);
	assert_int_equal(elapsed_of(f, s3), 3 * FX_MIN);

	/* a restart: same slot, the clock right from the stored times */
	fx_close(f);
	f->now = FX_T0 + 20 * FX_MIN;
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(fx_current(f), s3);
	assert_int_equal(elapsed_of(f, s3), 6 * FX_MIN);
	assert_int_equal(elapsed_of(f, s1), 9 * FX_MIN);

	/* close at 21: the running slot closes with the meeting */
	f->now = FX_T0 + 21 * FX_MIN;
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	assert_int_equal(state_of(f, s3), MDT_SLOT_DONE);
	assert_int_equal(fx_current(f), 0);
	f->now = FX_T0 + 40 * FX_MIN;
	assert_int_equal(elapsed_of(f, s3), 7 * FX_MIN);
	assert_int_equal(fx_int(f->s, "SELECT closed_at FROM meetings"),
	    FX_T0 + 21 * FX_MIN);
	assert_int_equal(state_of(f, s2), MDT_SLOT_PAUSED);
	/* nothing moves once closed */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_ESTATE);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_ESTATE);
	assert_int_equal(mdt_slot_park(f->s, f->meeting), MDT_ESTATE);
	assert_int_equal(mdt_slot_previous(f->s, f->meeting), MDT_ESTATE);
	assert_int_equal(mdt_slot_pause_toggle(f->s, f->meeting), MDT_ESTATE);
}

static void
test_next_runs_out_and_parked_comes_last(void **state)
{
	struct fx *f = *state;
	int64_t id = 0, s1 = fx_slot(f, 1), s12 = fx_slot(f, 12);
	int i;

	/* park the first slot before starting: it goes last, slot 2 runs */
	assert_int_equal(mdt_slot_park(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), fx_slot(f, 2));
	assert_int_equal(state_of(f, s1), MDT_SLOT_PENDING);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM meetings"
	    " WHERE state = 'open'"), 1);
	for (i = 3; i <= 12; i++) {
		f->now += 5 * FX_MIN;
		assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
		assert_int_equal(id, fx_slot(f, i));
	}
	/* then the parked one */
	f->now += 5 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
	assert_int_equal(id, s1);
	/* the end: the last one is still closed */
	f->now += 5 * FX_MIN;
	id = -1;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_ENOTFOUND);
	assert_int_equal(id, 0);
	assert_int_equal(state_of(f, s1), MDT_SLOT_DONE);
	assert_int_equal(fx_current(f), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"
	    " WHERE state <> 'done'"), 0);
	/* and again: nothing to do, nothing written */
	EXPECT_ACT(f, mdt_slot_next(f->s, f->meeting, NULL), MDT_ENOTFOUND,
	    0, 0);
	/* previous from past the end reopens the last slot */
	assert_int_equal(mdt_slot_previous(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), s1);
	assert_int_equal(state_of(f, s1), MDT_SLOT_RUNNING);
	assert_int_equal(mdt_slot_previous(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), s12);
}

static void
test_park_only_slot_left(void **state)
{
	struct fx *f = *state;
	int64_t s12 = fx_slot(f, 12);
	int i;

	for (i = 1; i <= 12; i++)
		assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(fx_current(f), s12);
	f->now += FX_MIN;
	assert_int_equal(mdt_slot_park(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), s12);
	assert_int_equal(state_of(f, s12), MDT_SLOT_RUNNING);
	f->now += FX_MIN;
	assert_int_equal(elapsed_of(f, s12), 2 * FX_MIN);
}

static void
test_clock_acts_need_a_current_slot(void **state)
{
	struct fx *f = *state;

	EXPECT_ACT(f, mdt_slot_pause_toggle(f->s, f->meeting), MDT_ESTATE,
	    0, 0);
	EXPECT_ACT(f, mdt_slot_extend(f->s, f->meeting, 60), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_slot_previous(f->s, f->meeting), MDT_ENOTFOUND,
	    0, 0);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	/* nothing before the first slot */
	EXPECT_ACT(f, mdt_slot_previous(f->s, f->meeting), MDT_ENOTFOUND,
	    0, 0);
	EXPECT_ACT(f, mdt_slot_extend(f->s, f->meeting, 0), MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_slot_extend(f->s, f->meeting, -60), MDT_EINVAL,
	    0, 0);
	assert_int_equal(mdt_slot_extend(f->s, f->meeting, 120), MDT_OK);
	assert_int_equal(mdt_slot_extend(f->s, f->meeting, -60), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT extended_seconds FROM slots"
	    " WHERE id = %lld", (long long)fx_slot(f, 1)), 60);
	EXPECT_ACT(f, mdt_slot_next(f->s, 999, NULL), MDT_ENOTFOUND, 0, 0);
}

/* ---- forecast -------------------------------------------------------- */

static void
test_forecast(void **state)
{
	struct fx *f = *state;
	struct mdt_snapshot snap;
	int64_t ends[12], finish, cutoff;
	size_t i, past;

	/* not started, at the scheduled time: 12 x 6 min inside 80 */
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_int_equal(snap.n_slots, 12);
	cutoff = mdt_meeting_planned_end(&snap.meeting);
	assert_int_equal(cutoff, FX_T0 + 80 * FX_MIN);
	finish = mdt_forecast(&snap, f->now, ends);
	assert_int_equal(finish, FX_T0 + 72 * FX_MIN);
	assert_int_equal(ends[0], FX_T0 + 6 * FX_MIN);
	mdt_snapshot_free(&snap);

	/* before the scheduled time, the forecast starts at it */
	f->now = FX_T0 - 30 * FX_MIN;
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_int_equal(mdt_forecast(&snap, f->now, NULL),
	    FX_T0 + 72 * FX_MIN);
	mdt_snapshot_free(&snap);

	/* opened 10 minutes late: the cut-off moves with it */
	f->now = FX_T0 + 10 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);

	/* 10 minutes on the first slot: 4 over, still inside 90 */
	f->now = FX_T0 + 20 * FX_MIN;
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	cutoff = mdt_meeting_planned_end(&snap.meeting);
	assert_int_equal(cutoff, FX_T0 + 90 * FX_MIN);
	finish = mdt_forecast(&snap, f->now, ends);
	assert_int_equal(ends[0], FX_T0 + 20 * FX_MIN);
	assert_int_equal(ends[1], FX_T0 + 26 * FX_MIN);
	assert_int_equal(finish, FX_T0 + 86 * FX_MIN);
	for (i = 0, past = 0; i < snap.n_slots; i++)
		past += ends[i] > cutoff;
	assert_int_equal(past, 0);
	mdt_snapshot_free(&snap);

	/* 20 minutes on it: the last slot falls past the planned end */
	f->now = FX_T0 + 30 * FX_MIN;
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	finish = mdt_forecast(&snap, f->now, ends);
	assert_int_equal(finish, FX_T0 + 96 * FX_MIN);
	for (i = 0, past = 0; i < snap.n_slots; i++)
		past += ends[i] > cutoff;
	assert_int_equal(past, 1);
	assert_true(ends[11] > cutoff);
	assert_false(ends[10] > cutoff);
	mdt_snapshot_free(&snap);

	/* a done slot ends when it closed; the current one runs at least
	 * its planned length (+ extension) */
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_slot_extend(f->s, f->meeting, 120), MDT_OK);
	f->now = FX_T0 + 31 * FX_MIN;
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	finish = mdt_forecast(&snap, f->now, ends);
	assert_int_equal(ends[0], FX_T0 + 30 * FX_MIN);
	assert_int_equal(ends[1], FX_T0 + 38 * FX_MIN);
	assert_int_equal(finish, FX_T0 + 98 * FX_MIN);
	mdt_snapshot_free(&snap);
}

/* ---- audit and outbox ------------------------------------------------ */

static void
test_every_act_one_outbox_one_audit(void **state)
{
	struct fx *f = *state;
	int64_t m = f->meeting, s1 = fx_slot(f, 1), s2 = fx_slot(f, 2);
	int64_t p = fx_person(f, "Marta Kowalczyk"), action = 0;
	int64_t pt = fx_int(f->s, "SELECT patient_id FROM slots WHERE id = %lld",
	    (long long)s1);
	char a_uuid[40], o_uuid[40], entity[32];

	EXPECT_ACT(f, mdt_meeting_open(f->s, m), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_meeting_open(f->s, m), MDT_OK, 0, 0);
	EXPECT_ACT(f, mdt_attendance_set(f->s, m, p, MDT_ATTEND_PRESENT),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_attendance_ack(f->s, m, p, true), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_next(f->s, m, NULL), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_pause_toggle(f->s, m), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_pause_toggle(f->s, m), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_extend(f->s, m, 60), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_note_add(f->s, s1, "Note", NULL), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Do it", p, "+7", &action),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_action_set_status(f->s, action, MDT_ACTION_DONE),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s1, MDT_OUTCOME_CLOSE, NULL),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, p), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_next(f->s, m, NULL), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_park(f->s, m), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_previous(f->s, m), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_meeting_close(f->s, m), MDT_OK, 1, 1);

	/* refused acts write nothing */
	EXPECT_ACT(f, mdt_consent_record(f->s, s2, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_note_add(f->s, s1, "Late", NULL), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Late", p, "+7", NULL),
	    MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s1, MDT_OUTCOME_CLOSE, NULL),
	    MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_attendance_set(f->s, m, p, MDT_ATTEND_APOLOGIES),
	    MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_meeting_open(f->s, m), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_meeting_close(f->s, m), MDT_ESTATE, 0, 0);
	/* an action's status may still change after the meeting */
	EXPECT_ACT(f, mdt_action_set_status(f->s, action, MDT_ACTION_OPEN),
	    MDT_OK, 1, 1);

	/* each audit row names what its outbox row names */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox o"
	    " WHERE NOT EXISTS (SELECT 1 FROM audit a"
	    " WHERE a.entity = o.entity AND a.entity_uuid = o.entity_uuid)"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
	    " WHERE state <> 'pending' OR op <> 'upsert' OR length(uuid) <> 36"),
	    0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE actor <> 'tester' AND action <> 'demo_create'"), 0);
	fx_text(f->s, a_uuid, sizeof(a_uuid), "SELECT uuid FROM actions");
	fx_text(f->s, o_uuid, sizeof(o_uuid), "SELECT entity_uuid FROM outbox"
	    " ORDER BY id DESC LIMIT 1");
	assert_string_equal(a_uuid, o_uuid);
	assert_string_equal(fx_text(f->s, entity, sizeof(entity),
	    "SELECT entity FROM outbox ORDER BY id DESC LIMIT 1"), "action");
}

static void
test_outbox_failure_rolls_back_the_act(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1);

	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	/* the outbox insert fails: the note and its audit row go too */
	fx_exec(f->s, "CREATE TEMP TRIGGER no_outbox BEFORE INSERT ON"
	    " main.outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END");
	EXPECT_ACT(f, mdt_note_add(f->s, s1, "Lost with its outbox row", NULL),
	    MDT_EDB, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM notes"), 0);
	assert_non_null(strstr(mdt_store_error(f->s), "outbox refused"));
	EXPECT_ACT(f, mdt_slot_next(f->s, f->meeting, NULL), MDT_EDB, 0, 0);
	assert_int_equal(fx_current(f), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"
	    " WHERE state <> 'pending'"), 0);
	fx_exec(f->s, "DROP TRIGGER no_outbox");
	EXPECT_ACT(f, mdt_note_add(f->s, s1, "Kept", NULL), MDT_OK, 1, 1);
	assert_int_equal(sqlite3_get_autocommit(mdt_store_db(f->s)), 1);
}

static void
test_disk_full(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1), pages;
	char *big, sql[64];

	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	pages = fx_int(f->s, "PRAGMA page_count");
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
	    (long long)pages);
	fx_exec(f->s, sql);
	big = malloc(200000);
	assert_non_null(big);
	memset(big, 'x', 199999);
	big[199999] = '\0';
	EXPECT_ACT(f, mdt_note_add(f->s, s1, big, NULL), MDT_EFULL, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "disk is full"));
	assert_int_equal(sqlite3_get_autocommit(mdt_store_db(f->s)), 1);
	free(big);
}

/* ---- the register and closing ---------------------------------------- */

static void
test_attendance(void **state)
{
	struct fx *f = *state;
	struct mdt_snapshot snap;
	int64_t p = fx_person(f, "Dr Siobhán Ní Bhriain");
	size_t i;
	const struct mdt_attendee *a = NULL;

	assert_int_equal(mdt_attendance_set(f->s, f->meeting, p,
	    MDT_ATTEND_APOLOGIES), MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, p,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_attendance_ack(f->s, f->meeting, p, true),
	    MDT_OK);
	EXPECT_ACT(f, mdt_attendance_set(f->s, f->meeting, 9999,
	    MDT_ATTEND_PRESENT), MDT_ENOTFOUND, 0, 0);
	EXPECT_ACT(f, mdt_attendance_set(f->s, 9999, p, MDT_ATTEND_PRESENT),
	    MDT_ENOTFOUND, 0, 0);
	EXPECT_ACT(f, mdt_attendance_set(f->s, f->meeting, p,
	    (enum mdt_attend)9), MDT_EINVAL, 0, 0);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_int_equal(snap.n_attendees, 10);
	assert_int_equal(snap.n_people, 10);
	for (i = 0; i < snap.n_attendees; i++)
		if (snap.attendees[i].person.id == p)
			a = &snap.attendees[i];
	assert_non_null(a);
	assert_int_equal(a->status, MDT_ATTEND_PRESENT);
	assert_true(a->confidentiality_ack);
	assert_string_equal(a->person.role, "GP");
	for (i = 0; i < snap.n_attendees; i++)
		if (snap.attendees[i].person.id != p)
			assert_int_equal(snap.attendees[i].status,
			    MDT_ATTEND_UNKNOWN);
	mdt_snapshot_free(&snap);
	/* one attendance row per person, however often it is set */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM attendance"), 10);
	assert_int_equal(mdt_attendance_ack(f->s, f->meeting, p, false),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT confidentiality_ack FROM"
	    " attendance WHERE person_id = %lld", (long long)p), 0);
}

static void
test_meeting_open_close(void **state)
{
	struct fx *f = *state;
	int64_t id = 0, s1 = fx_slot(f, 1);

	f->now = FX_T0 + 2 * FX_MIN;
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT opened_at FROM meetings"),
	    FX_T0 + 2 * FX_MIN);
	/* opened once: the time stays */
	f->now = FX_T0 + 3 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT opened_at FROM meetings"),
	    FX_T0 + 2 * FX_MIN);
	/* a paused current slot closes with its pause ended */
	f->now = FX_T0 + 5 * FX_MIN;
	assert_int_equal(mdt_slot_pause_toggle(f->s, f->meeting), MDT_OK);
	f->now = FX_T0 + 9 * FX_MIN;
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	assert_int_equal(state_of(f, s1), MDT_SLOT_DONE);
	assert_int_equal(elapsed_of(f, s1), 2 * FX_MIN);
	assert_int_equal(fx_int(f->s, "SELECT paused_at IS NULL FROM slots"
	    " WHERE id = %lld", (long long)s1), 1);
	/* nothing open or planned: the one closed last */
	assert_int_equal(mdt_meeting_find(f->s, NULL, &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_ESTATE);
}

/* ---- finding meetings, snapshots, the demo --------------------------- */


static void
test_meeting_find_and_list(void **state)
{
	struct fx *f = *state;
	char uuid[40], ref[48], *buf = NULL;
	size_t len = 0;
	int64_t id = 0;
	FILE *out;

	assert_int_equal(mdt_meeting_find(f->s, NULL, &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	assert_int_equal(mdt_meeting_find(f->s, "", &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	snprintf(ref, sizeof(ref), "%lld", (long long)f->meeting);
	assert_int_equal(mdt_meeting_find(f->s, ref, &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	fx_text(f->s, uuid, sizeof(uuid), "SELECT uuid FROM meetings");
	id = 0;
	assert_int_equal(mdt_meeting_find(f->s, uuid, &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	assert_int_equal(mdt_meeting_find(f->s, "999", &id), MDT_ENOTFOUND);
	assert_int_equal(mdt_meeting_find(f->s, "Demo", &id), MDT_ENOTFOUND);
	assert_int_equal(mdt_meeting_find(f->s,
	    "00000000-0000-4000-8000-000000000000", &id), MDT_ENOTFOUND);

	/* a later planned meeting is found unless one is open */
	fx_exec(f->s, "INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes) VALUES ('later', 'Next week',"
	    " 1796216400000, 90)");
	assert_int_equal(mdt_meeting_find(f->s, NULL, &id), MDT_OK);
	assert_int_not_equal(id, f->meeting);
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_meeting_find(f->s, NULL, &id), MDT_OK);
	assert_int_equal(id, f->meeting);

	/* nothing open or planned: the one closed last */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	fx_exec(f->s, "UPDATE meetings SET state = 'closed', closed_at = 1"
	    " WHERE uuid = 'later'");
	assert_int_equal(mdt_meeting_find(f->s, NULL, &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	fx_exec(f->s, "UPDATE meetings SET state = 'open', closed_at = NULL"
	    " WHERE id IN (SELECT id FROM meetings WHERE uuid <> 'later')");

	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(mdt_meeting_list(f->s, out), MDT_OK);
	fclose(out);
	snprintf(ref, sizeof(ref), "%lld  2026-11-25  open  Demo MDT\n",
	    (long long)f->meeting);
	assert_non_null(strstr(buf, ref));
	/* newest first */
	assert_true(strstr(buf, "Next week") < strstr(buf, "Demo MDT"));
	free(buf);
}

static void
test_snapshot_actions_and_positions(void **state)
{
	struct fx *f = *state;
	struct mdt_snapshot snap;
	int64_t s1 = fx_slot(f, 1), p = fx_person(f, "Jamie Thornton");
	int64_t old = 0, now_a = 0, m2;
	size_t i;

	/* an open action from an earlier meeting comes forward */
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s1, "Earlier", p, "+7", &old),
	    MDT_OK);
	fx_exec(f->s, "INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes) VALUES ('m2', 'Second', 1796216400000, 60)");
	m2 = fx_int(f->s, "SELECT id FROM meetings WHERE uuid = 'm2'");
	fx_exec(f->s, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position) SELECT 's2x', (SELECT id FROM meetings WHERE uuid ="
	    " 'm2'), patient_id, 5 FROM slots WHERE position = 1");
	f->meeting = m2;
	assert_int_equal(mdt_consent_record(f->s, fx_int(f->s, "SELECT id FROM"
	    " slots WHERE uuid = 's2x'"), MDT_CONSENT_GIVEN, NULL, NULL, 0),
	    MDT_OK);
	assert_int_equal(mdt_action_add(f->s, fx_int(f->s, "SELECT id FROM"
	    " slots WHERE uuid = 's2x'"), "Now", p, "+7", &now_a), MDT_OK);
	assert_int_equal(mdt_snapshot_load(f->s, m2, &snap), MDT_OK);
	assert_int_equal(snap.n_slots, 1);
	assert_int_equal(snap.slots[0].position, 1);	/* renumbered */
	assert_int_equal(snap.n_actions, 2);
	for (i = 0; i < snap.n_actions; i++) {
		if (snap.actions[i].id == old)
			assert_int_equal(snap.actions[i].slot_id, 0);
		else
			assert_int_equal(snap.actions[i].slot_id,
			    snap.slots[0].id);
		assert_string_equal(snap.actions[i].owner_name,
		    "Jamie Thornton");
	}
	mdt_snapshot_free(&snap);
	/* a closed earlier action does not */
	assert_int_equal(mdt_action_set_status(f->s, old, MDT_ACTION_DONE),
	    MDT_OK);
	assert_int_equal(mdt_snapshot_load(f->s, m2, &snap), MDT_OK);
	assert_int_equal(snap.n_actions, 1);
	assert_int_equal(snap.actions[0].id, now_a);
	mdt_snapshot_free(&snap);
	/* but one closed while this meeting is open stays, so it can be
	 * reopened from the slot screen */
	assert_int_equal(mdt_action_set_status(f->s, old, MDT_ACTION_OPEN),
	    MDT_OK);
	f->now += FX_MIN;
	assert_int_equal(mdt_meeting_open(f->s, m2), MDT_OK);
	f->now += FX_MIN;
	assert_int_equal(mdt_action_set_status(f->s, old, MDT_ACTION_DONE),
	    MDT_OK);
	assert_int_equal(mdt_snapshot_load(f->s, m2, &snap), MDT_OK);
	assert_int_equal(snap.n_actions, 2);
	assert_int_equal(snap.actions[0].id, old);
	assert_int_equal(snap.actions[0].status, MDT_ACTION_DONE);
	mdt_snapshot_free(&snap);
	assert_int_equal(mdt_snapshot_load(f->s, 9999, &snap), MDT_ENOTFOUND);
	mdt_snapshot_free(&snap);
}

static void
test_demo_idempotent(void **state)
{
	struct fx *f = *state;
	struct mdt_snapshot snap;
	int64_t again = 0;
	struct fx_counts before = fx_counts(f), after;
	sqlite3_stmt *st;
	int n = 0;

	assert_int_equal(mdt_demo_create(f->s, &again), MDT_OK);
	assert_int_equal(again, f->meeting);
	after = fx_counts(f);
	assert_int_equal(after.audit, before.audit);
	assert_int_equal(after.outbox, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM meetings"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"), 12);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM people"), 10);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"), 12);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM attendance"
	    " WHERE status = 'unknown'"), 10);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE key_contact_id IS NULL"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"
	    " WHERE planned_seconds = 360"), 12);

	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(f->s),
	    "SELECT nhs_number FROM patients", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *nhs = (const char *)sqlite3_column_text(st, 0);

		assert_true(mdt_nhs_valid(nhs));
		assert_memory_equal(nhs, "999", 3);
		n++;
	}
	sqlite3_finalize(st);
	assert_int_equal(n, 12);

	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_string_equal(snap.meeting.title, "Demo MDT");
	assert_string_equal(snap.meeting.venue, "Larkhall Green Practice");
	assert_int_equal(snap.meeting.scheduled_start, FX_T0);	/* 13:00 */
	assert_int_equal(snap.meeting.planned_minutes, 80);
	assert_int_equal(snap.meeting.warn_s, 300);
	assert_int_equal(snap.meeting.over_s, 420);
	assert_int_equal(snap.meeting.state, MDT_MEETING_PLANNED);
	assert_string_equal(snap.slots[0].patient_name, "Zoë Adébáyọ̀");
	assert_int_equal(snap.slots[11].position, 12);
	assert_non_null(snap.slots[0].key_contact_name);
	mdt_snapshot_free(&snap);
}

/* Two databases' demos share no UUID, in any table, so that they are
 * different records on one central server; each is a random (version 4)
 * UUID; the demo of each is still made once. */
static void
test_demo_fresh_ids(void **state)
{
	static const char *const tables[] = { "venues", "people", "patients",
	    "meetings", "slots", "candidates", "attendance" };
	struct fx *f = *state;
	struct mdt_store *other = NULL;
	int64_t meeting = 0, again = 0;
	char err[256];

	assert_int_equal(mdt_store_open(":memory:", &f->clock, MDT_OPEN_CREATE,
	    &other, err, sizeof(err)), MDT_OK);
	assert_int_equal(mdt_demo_create(other, &meeting), MDT_OK);
	assert_int_equal(mdt_demo_create(other, &again), MDT_OK);
	assert_int_equal(again, meeting);
	for (size_t t = 0; t < MDT_COUNT(tables); t++) {
		sqlite3_stmt *st;
		char sql[64];
		int n = 0;

		snprintf(sql, sizeof(sql), "SELECT uuid FROM %s", tables[t]);
		assert_int_equal(sqlite3_prepare_v2(mdt_store_db(other), sql,
		    -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *u = (const char *)sqlite3_column_text(st, 0);

			assert_true(mdt_uuid_like(u));
			assert_int_equal(u[14], '4');
			assert_int_equal(fx_int(f->s, "SELECT count(*) FROM %s"
			    " WHERE uuid = '%s'", tables[t], u), 0);
			assert_int_equal(fx_int(other, "SELECT count(*) FROM %s"
			    " WHERE uuid = '%s'", tables[t], u), 1);
			n++;
		}
		sqlite3_finalize(st);
		assert_true(n > 0);
	}
	assert_int_equal(fx_int(other, "SELECT count(*) FROM outbox"), 0);
	mdt_store_free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_slot_clock_and_restart,
		    fx_setup_file_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_next_runs_out_and_parked_comes_last, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_park_only_slot_left,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_clock_acts_need_a_current_slot, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_forecast, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_every_act_one_outbox_one_audit, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_outbox_failure_rolls_back_the_act, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_attendance, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_meeting_open_close,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_meeting_find_and_list,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_actions_and_positions, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_demo_idempotent,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_demo_fresh_ids,
		    fx_setup_demo, fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
