/*
 * test_snapshot.c - the actions a meeting's screens show, on a generated
 * history of 26 weekly meetings (tests/tools/gen-history): for every
 * meeting, and for the next one as it is chaired (actions reviewed,
 * closed, agreed), the snapshot's actions are exactly those of the plain
 * definition below, in its order, with the same slot and verdict.  The
 * snapshot finds them through the indexes of schema 7 instead of reading
 * every action the patients ever had; this holds it to the definition.
 *
 * mdt_snapshot_refresh reads again only the parts whose tables changed:
 * after every act here, and after another connection's writes, the
 * snapshot it keeps up to date is field for field the one read afresh,
 * and after a pause it has not read the actions again.
 *
 * The columns of every row are read by one scanner, mdt_cols: each letter
 * into its field, and a field of the wrong size for its letter fatal.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

/* SQL: the rows n(i), i from 1 to the integer argument. */
#define SERIES "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL" \
	" SELECT i + 1 FROM n WHERE i < %d)"
#include "store_internal.h"

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

static void
text_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
person_equal(const struct mdt_person *a, const struct mdt_person *b)
{
	assert_int_equal(a->id, b->id);
	assert_string_equal(a->uuid, b->uuid);
	text_equal(a->name, b->name);
	text_equal(a->role, b->role);
	text_equal(a->organisation, b->organisation);
}

static void
slot_equal(const struct mdt_slot *a, const struct mdt_slot *b)
{
	assert_int_equal(a->id, b->id);
	assert_string_equal(a->uuid, b->uuid);
	assert_int_equal(a->position, b->position);
	assert_int_equal(a->patient_id, b->patient_id);
	assert_string_equal(a->patient_uuid, b->patient_uuid);
	assert_string_equal(a->nhs_number, b->nhs_number);
	text_equal(a->patient_name, b->patient_name);
	assert_string_equal(a->date_of_birth, b->date_of_birth);
	text_equal(a->practice, b->practice);
	text_equal(a->reason, b->reason);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->times.started_at, b->times.started_at);
	assert_int_equal(a->times.paused_at, b->times.paused_at);
	assert_int_equal(a->times.closed_at, b->times.closed_at);
	assert_int_equal(a->times.paused_ms, b->times.paused_ms);
	assert_int_equal(a->times.planned_s, b->times.planned_s);
	assert_int_equal(a->times.extended_s, b->times.extended_s);
	assert_int_equal(a->consent, b->consent);
	text_equal(a->consent_justification, b->consent_justification);
	assert_int_equal(a->outcome, b->outcome);
	assert_string_equal(a->review_date, b->review_date);
	assert_int_equal(a->key_contact_id, b->key_contact_id);
	text_equal(a->key_contact_name, b->key_contact_name);
	assert_int_equal(a->presenter_id, b->presenter_id);
	text_equal(a->presenter_name, b->presenter_name);
	assert_int_equal(a->n_exclusions, b->n_exclusions);
	for (size_t i = 0; i < a->n_exclusions; i++)
		assert_string_equal(a->exclusions[i], b->exclusions[i]);
}

static void
action_equal(const struct mdt_action *a, const struct mdt_action *b)
{
	assert_int_equal(a->id, b->id);
	assert_string_equal(a->uuid, b->uuid);
	assert_int_equal(a->patient_id, b->patient_id);
	assert_int_equal(a->slot_id, b->slot_id);
	text_equal(a->text, b->text);
	assert_int_equal(a->owner_id, b->owner_id);
	text_equal(a->owner_name, b->owner_name);
	assert_string_equal(a->due_date, b->due_date);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->created_at, b->created_at);
	assert_int_equal(a->verdict, b->verdict);
}

/* Every field the screens read is the same in a and b. */
static void
snap_equal(const struct mdt_snapshot *a, const struct mdt_snapshot *b)
{
	const struct mdt_meeting *ma = &a->meeting, *mb = &b->meeting;

	assert_int_equal(ma->id, mb->id);
	assert_string_equal(ma->uuid, mb->uuid);
	text_equal(ma->title, mb->title);
	text_equal(ma->venue, mb->venue);
	assert_int_equal(ma->scheduled_start, mb->scheduled_start);
	assert_int_equal(ma->planned_minutes, mb->planned_minutes);
	assert_int_equal(ma->warn_s, mb->warn_s);
	assert_int_equal(ma->over_s, mb->over_s);
	assert_int_equal(ma->state, mb->state);
	assert_int_equal(ma->opened_at, mb->opened_at);
	assert_int_equal(ma->closed_at, mb->closed_at);
	assert_int_equal(ma->current_slot_id, mb->current_slot_id);
	assert_int_equal(ma->projector_blank, mb->projector_blank);
	assert_int_equal(a->n_attendees, b->n_attendees);
	for (size_t i = 0; i < a->n_attendees; i++) {
		person_equal(&a->attendees[i].person, &b->attendees[i].person);
		assert_int_equal(a->attendees[i].status, b->attendees[i].status);
		assert_int_equal(a->attendees[i].confidentiality_ack,
		    b->attendees[i].confidentiality_ack);
	}
	assert_int_equal(a->n_slots, b->n_slots);
	for (size_t i = 0; i < a->n_slots; i++)
		slot_equal(&a->slots[i], &b->slots[i]);
	assert_int_equal(a->n_notes, b->n_notes);
	for (size_t i = 0; i < a->n_notes; i++) {
		assert_int_equal(a->notes[i].id, b->notes[i].id);
		assert_string_equal(a->notes[i].uuid, b->notes[i].uuid);
		assert_int_equal(a->notes[i].slot_id, b->notes[i].slot_id);
		text_equal(a->notes[i].text, b->notes[i].text);
		assert_int_equal(a->notes[i].created_at,
		    b->notes[i].created_at);
	}
	assert_int_equal(a->n_actions, b->n_actions);
	for (size_t i = 0; i < a->n_actions; i++)
		action_equal(&a->actions[i], &b->actions[i]);
	assert_int_equal(a->n_people, b->n_people);
	for (size_t i = 0; i < a->n_people; i++)
		person_equal(&a->people[i], &b->people[i]);
}

/* Brings *kept up to date and holds it to the meeting read afresh. */
static void
refreshed(struct mdt_store *s, int64_t meeting, struct mdt_snapshot *kept)
{
	struct mdt_snapshot fresh;

	assert_int_equal(mdt_snapshot_refresh(s, meeting, kept), MDT_OK);
	assert_int_equal(mdt_snapshot_load(s, meeting, &fresh), MDT_OK);
	snap_equal(kept, &fresh);
	mdt_snapshot_free(&fresh);
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
	struct mdt_snapshot snap, kept;
	int verdicts = 0, kinds[3] = { 0, 0, 0 };

	f->now = fx_int(f->s, "SELECT scheduled_start FROM meetings"
	    " WHERE id = %lld", (long long)meeting);
	check_meeting(f, meeting);
	assert_int_equal(mdt_snapshot_load(f->s, meeting, &kept), MDT_OK);
	assert_int_equal(mdt_meeting_open(f->s, meeting), MDT_OK);
	refreshed(f->s, meeting, &kept);
	/* closed outside any review once the meeting is open: the open
	 * action of the last patient on the agenda who has one */
	f->now += FX_MIN;
	assert_int_equal(mdt_action_set_status(f->s, fx_int(f->s,
	    "SELECT a.id FROM actions a JOIN slots s ON s.patient_id ="
	    " a.patient_id AND s.meeting_id = %lld WHERE a.status = 'open'"
	    " ORDER BY s.position DESC, a.id LIMIT 1", (long long)meeting),
	    MDT_ACTION_DONE), MDT_OK);
	check_meeting(f, meeting);
	refreshed(f->s, meeting, &kept);
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
		refreshed(f->s, meeting, &kept);
		assert_int_equal(mdt_consent_record(f->s, cur->id,
		    MDT_CONSENT_GIVEN, NULL, NULL, 0), MDT_OK);
		refreshed(f->s, meeting, &kept);
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
			refreshed(f->s, meeting, &kept);
		}
		assert_int_equal(mdt_action_add(f->s, cur->id, "Call back",
		    owner, "+7", NULL), MDT_OK);
		mdt_snapshot_free(&snap);
		check_meeting(f, meeting);
		refreshed(f->s, meeting, &kept);
	}
	mdt_snapshot_free(&kept);
	assert_true(kinds[0] > 0 && kinds[1] > 0 && kinds[2] > 0);
}


/*
 * The demo meeting chaired act by act, each kind of act at least once,
 * with a snapshot kept up to date by mdt_snapshot_refresh: after each it
 * is the meeting read afresh.  A pause reads the slots again and not the
 * actions, notes, register or people (their arrays are the ones it had);
 * another connection's commit reads everything again.
 */
static void
test_refresh_after_each_act(void **state)
{
	struct fx *f = *state;
	struct mdt_store *s = f->s, *other;
	int64_t m = f->meeting, slot, patient, person, action;
	struct mdt_snapshot kept;
	const void *actions, *notes, *slots, *people, *reg;
	const char *const excl[] = { "Acme Housing", "North Trust" };
	char err[256];

	f->now = FX_T0;
	assert_int_equal(mdt_snapshot_load(s, m, &kept), MDT_OK);
	assert_int_equal(mdt_meeting_open(s, m), MDT_OK);
	refreshed(s, m, &kept);
	person = fx_int(s, "SELECT min(person_id) FROM attendance"
	    " WHERE meeting_id = %lld", (long long)m);
	assert_int_equal(mdt_attendance_set(s, m, person, MDT_ATTEND_PRESENT),
	    MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_attendance_ack(s, m, person, true), MDT_OK);
	refreshed(s, m, &kept);
	f->now += FX_MIN;
	assert_int_equal(mdt_slot_next(s, m, &slot), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_consent_record(s, slot, MDT_CONSENT_GIVEN, NULL,
	    excl, 2), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_note_add(s, slot, "Lives alone; falls twice",
	    NULL), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_action_add(s, slot, "Falls clinic referral",
	    person, "+14", &action), MDT_OK);
	refreshed(s, m, &kept);
	assert_true(kept.n_actions > 0 && kept.n_notes > 0 &&
	    kept.n_attendees > 0);

	/* a pause: its slot read again, nothing else */
	actions = kept.actions;
	notes = kept.notes;
	slots = kept.slots;
	people = kept.people;
	reg = kept.attendees;
	f->now += FX_MIN;
	assert_int_equal(mdt_slot_pause_toggle(s, m), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(kept.slots[0].state, MDT_SLOT_PAUSED);
#ifdef SQLITE_ENABLE_PREUPDATE_HOOK
	assert_ptr_equal(kept.slots, slots);
	assert_ptr_equal(kept.actions, actions);
	assert_ptr_equal(kept.notes, notes);
	assert_ptr_equal(kept.people, people);
	assert_ptr_equal(kept.attendees, reg);
#else
	(void)actions, (void)notes, (void)people, (void)reg, (void)slots;
#endif
	f->now += FX_MIN;
	assert_int_equal(mdt_slot_pause_toggle(s, m), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_slot_extend(s, m, 120), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_action_reassign(s, action, fx_int(s,
	    "SELECT max(id) FROM people"), "+21"), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_action_set_status(s, action, MDT_ACTION_DONE),
	    MDT_OK);
	refreshed(s, m, &kept);
	patient = kept.slots[0].patient_id;
	assert_int_equal(mdt_key_contact_set(s, patient, person), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_person_add(s, "Aaron Abbott", "Pharmacist",
	    "North Trust", NULL), MDT_OK);
	refreshed(s, m, &kept);
	assert_string_equal(kept.people[0].name, "Aaron Abbott");
	assert_int_equal(mdt_projector_blank(s, m, true), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_outcome_record(s, slot, MDT_OUTCOME_STAY,
	    "+28"), MDT_OK);
	refreshed(s, m, &kept);
	/* an action in the second slot, then the first parked behind it:
	 * the actions are shown in the agenda's new order */
	f->now += FX_MIN;
	assert_int_equal(mdt_slot_next(s, m, &slot), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_consent_record(s, slot, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_action_add(s, slot, "Carer's assessment",
	    person, "+7", NULL), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(kept.actions[0].patient_id, patient);
	assert_int_equal(mdt_slot_previous(s, m), MDT_OK);
	refreshed(s, m, &kept);
	f->now += FX_MIN;
	assert_int_equal(mdt_slot_park(s, m), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_not_equal(kept.actions[0].patient_id, patient);
	slot = fx_current(f);
	assert_int_equal(mdt_consent_record(s, slot, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_outcome_record(s, slot, MDT_OUTCOME_DIED, NULL),
	    MDT_OK);
	refreshed(s, m, &kept);

	/* another window's commit, which this store's counts never see */
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &other, err,
	    sizeof(err)), MDT_OK);
	mdt_store_set_actor(other, "second window");
	assert_int_equal(mdt_note_add(other, slot, "Son to be told", NULL),
	    MDT_OK);
	mdt_store_free(other);
	notes = kept.notes;
	refreshed(s, m, &kept);
	assert_ptr_not_equal(kept.notes, notes);
	assert_string_equal(kept.notes[kept.n_notes - 1].text,
	    "Son to be told");

	/* a refused act changes nothing and reads nothing it need not */
	f->now += FX_MIN;
	assert_int_equal(mdt_meeting_close(s, m), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(kept.meeting.state, MDT_MEETING_CLOSED);
	assert_int_not_equal(mdt_note_add(s, slot, "Too late", NULL), MDT_OK);
	refreshed(s, m, &kept);
	mdt_snapshot_free(&kept);
}

/*
 * Rows of the slots table changed in place, as a pause changes one, but
 * in every way the slot read alone must not be trusted with: more
 * changes than the snapshot keeps track of, a slot of another meeting, a
 * slot moved on the agenda, taken to another meeting, given to another
 * patient, and a slot of the agenda changed with its consent.  After each
 * the snapshot kept is the meeting read afresh.
 */
static void
test_refresh_slots_changed_in_place(void **state)
{
	struct fx *f = *state;
	struct mdt_store *s = f->s;
	int64_t m = f->meeting, other, first = fx_slot(f, 1),
	    last = fx_slot(f, 12);
	struct mdt_snapshot kept;

	other = fx_meeting_at(f, "2031-03-04");
	fx_execf(s, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position, state) VALUES ('other-slot', %lld, (SELECT patient_id"
	    " FROM slots WHERE id = %lld), 1, 'pending')", (long long)other,
	    (long long)first);
	f->now = FX_T0;
	assert_int_equal(mdt_meeting_open(s, m), MDT_OK);
	assert_int_equal(mdt_snapshot_load(s, m, &kept), MDT_OK);
	assert_true(kept.n_slots == 12);

	/* twenty changes between two reads: more than are kept */
	for (int i = 0; i < 20; i++)
		fx_execf(s, "UPDATE slots SET extended_seconds = %d WHERE"
		    " id = %lld", i, (long long)fx_slot(f, 1 + i % 12));
	refreshed(s, m, &kept);
	assert_int_equal(kept.slots[7].times.extended_s, 19);

	/* another meeting's slot, and one of this agenda's reason */
	fx_execf(s, "UPDATE slots SET reason = 'x' WHERE uuid = 'other-slot'");
	fx_execf(s, "UPDATE slots SET reason = %s WHERE id = %lld",
	    "'Falls; lives alone' || char(27) || '[2J' || char(8238)",
	    (long long)last);
	refreshed(s, m, &kept);
	assert_int_equal(kept.n_slots, 12);
	assert_true(strstr(kept.slots[11].reason, "Falls") != NULL);

	/* the last slot moved to the top, then to another meeting */
	fx_execf(s, "UPDATE slots SET position = 0 WHERE id = %lld",
	    (long long)last);
	refreshed(s, m, &kept);
	assert_int_equal(kept.slots[0].id, last);
	assert_int_equal(kept.slots[0].position, 1);
	fx_execf(s, "UPDATE slots SET meeting_id = %lld WHERE id = %lld",
	    (long long)other, (long long)last);
	refreshed(s, m, &kept);
	assert_int_equal(kept.n_slots, 11);
	assert_int_equal(kept.slots[0].id, first);

	/* another patient in the first slot: its notes and actions too */
	fx_execf(s, "UPDATE slots SET patient_id = (SELECT max(id) FROM"
	    " patients) WHERE id = %lld", (long long)first);
	refreshed(s, m, &kept);
	fx_execf(s, "UPDATE slots SET patient_id = (SELECT patient_id FROM"
	    " slots WHERE uuid = 'other-slot') WHERE id = %lld",
	    (long long)first);
	refreshed(s, m, &kept);

	/* a slot and its consent in one act, then the slot alone again */
	f->now += FX_MIN;
	assert_int_equal(mdt_slot_next(s, m, NULL), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(mdt_consent_record(s, first, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_slot_extend(s, m, 60), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(kept.slots[0].consent, MDT_CONSENT_GIVEN);
	f->now += FX_MIN;
	assert_int_equal(mdt_slot_pause_toggle(s, m), MDT_OK);
	assert_int_equal(mdt_slot_pause_toggle(s, m), MDT_OK);
	refreshed(s, m, &kept);
	assert_int_equal(kept.slots[0].state, MDT_SLOT_RUNNING);
	mdt_snapshot_free(&kept);
}

/* The steps of refreshing snap after a pause and a resume, and that it
 * is the meeting read afresh. */
static int64_t
pause_refresh_steps(struct fx *f, struct mdt_snapshot *snap)
{
	int64_t steps = 0;
	struct mdt_snapshot fresh;

	f->now += FX_MIN;
	assert_int_equal(mdt_slot_pause_toggle(f->s, f->meeting), MDT_OK);
	fx_steps(f->s, &steps);
	assert_int_equal(mdt_snapshot_refresh(f->s, f->meeting, snap), MDT_OK);
	fx_steps(f->s, NULL);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &fresh), MDT_OK);
	snap_equal(snap, &fresh);
	mdt_snapshot_free(&fresh);
	f->now += FX_MIN;
	assert_int_equal(mdt_slot_pause_toggle(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_snapshot_refresh(f->s, f->meeting, snap), MDT_OK);
	return steps;
}

/*
 * The chair's most frequent key: a pause reads its own slot again, so
 * that it costs the same on an agenda of 12 patients as on one of 212
 * (the agenda's slots each with consent asked, an outcome and a key
 * contact to join).
 */
static void
test_refresh_pause_flat(void **state)
{
	struct fx *f = *state;
	int64_t m = f->meeting, small, big;
	struct mdt_snapshot kept;

	f->now = FX_T0;
	assert_int_equal(mdt_slot_next(f->s, m, NULL), MDT_OK);
	assert_int_equal(mdt_snapshot_load(f->s, m, &kept), MDT_OK);
	(void)pause_refresh_steps(f, &kept);	/* statements prepared */
	small = pause_refresh_steps(f, &kept);
	fx_execf(f->s, SERIES " INSERT INTO patients (uuid, nhs_number, name,"
	    " key_contact_id) SELECT 'more-p-' || i, 7000000000 + i, 'More '"
	    " || i, (SELECT min(id) FROM people) FROM n", 200);
	fx_execf(f->s, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position, state) SELECT 'more-s-' || p.id, %lld, p.id, 100 +"
	    " p.id, 'pending' FROM patients p WHERE p.uuid GLOB 'more-p-*'",
	    (long long)m);
	fx_exec(f->s, "INSERT INTO consent_asked (uuid, patient_id, answer,"
	    " asked_by, asked_on, recorded_at) SELECT 'more-a-' || id, id,"
	    " 'given', 'GP', '2026-01-01', 0 FROM patients"
	    " WHERE uuid GLOB 'more-p-*'");
	mdt_snapshot_free(&kept);
	assert_int_equal(mdt_snapshot_load(f->s, m, &kept), MDT_OK);
	assert_int_equal(kept.n_slots, 212);
	(void)pause_refresh_steps(f, &kept);
	big = pause_refresh_steps(f, &kept);
	print_message("refresh after a pause: %lld steps with 12 slots,"
	    " %lld with 212\n", (long long)small, (long long)big);
	assert_true(big <= small + 20);
	mdt_snapshot_free(&kept);
}

/* ---- the column scanner --------------------------------------------- */

/* A row of every kind of column, twice: with values, then all NULL. */
#define COLS_SQL \
	"SELECT 7, 'open', 0, 1, 'text', 'text', 'a uuid too long', 42," \
	" 'skipped', 'no such state', 3000000000" \
	" UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL," \
	" NULL, NULL, NULL"

struct cols_row {
	int64_t id;
	enum mdt_meeting_state state;
	bool no, yes;
	char *text0, *text;
	char uuid[7];
	int n;
	enum mdt_slot_state unknown;
	int64_t big;
};

static void
cols_read(sqlite3_stmt *st, struct cols_row *r)
{
	mdt_cols(st, "iebbsScd-ei", MDT_F(r->id),
	    MDT_F(r->state), mdt_meeting_state_parse, MDT_MEETING_PLANNED,
	    MDT_F(r->no), MDT_F(r->yes), MDT_F(r->text0), MDT_F(r->text),
	    MDT_F(r->uuid), MDT_F(r->n),
	    MDT_F(r->unknown), mdt_slot_state_parse, MDT_SLOT_DONE,
	    MDT_F(r->big));
}

static void
test_cols_letters(void **state)
{
	struct fx *f = *state;
	struct cols_row r;
	sqlite3_stmt *st;

	assert_int_equal(mdt_prep(f->s, &st, COLS_SQL, NULL), MDT_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	memset(&r, 0xa5, sizeof(r));
	cols_read(st, &r);
	assert_int_equal(r.id, 7);
	assert_int_equal(r.state, MDT_MEETING_OPEN);
	assert_false(r.no);
	assert_true(r.yes);
	assert_string_equal(r.text0, "text");
	assert_string_equal(r.text, "text");
	assert_string_equal(r.uuid, "a uuid");
	assert_int_equal(r.n, 42);
	assert_int_equal(r.unknown, MDT_SLOT_DONE);
	assert_int_equal(r.big, 3000000000LL);
	free(r.text0);
	free(r.text);

	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	memset(&r, 0xa5, sizeof(r));
	cols_read(st, &r);
	assert_int_equal(r.id, 0);
	assert_int_equal(r.state, MDT_MEETING_PLANNED);
	assert_false(r.yes);
	assert_string_equal(r.text0, "");
	assert_null(r.text);
	assert_string_equal(r.uuid, "");
	assert_int_equal(r.n, 0);
	assert_int_equal(r.unknown, MDT_SLOT_DONE);
	free(r.text0);
	mdt_done(f->s, st);
}

/* fmt read into fields of the wrong size, in a child: it must abort. */
static void
expect_fatal(struct fx *f, int letter)
{
	sqlite3_stmt *st;
	int64_t wide = 0;
	int narrow = 0;
	char *p = NULL, buf[2];
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the child's message is not the test's output */
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(2);
		if (mdt_prep(f->s, &st, "SELECT 1", NULL) != MDT_OK ||
		    sqlite3_step(st) != SQLITE_ROW)
			_exit(2);
		switch (letter) {
		case 'i':	/* an int read as int64_t */
			mdt_cols(st, "i", MDT_F(narrow));
			break;
		case 'd':	/* an int64_t read as int */
			mdt_cols(st, "d", MDT_F(wide));
			break;
		case 'b':
			mdt_cols(st, "b", MDT_F(narrow));
			break;
		case 's':
			mdt_cols(st, "s", MDT_F(narrow));
			break;
		case 'c':	/* a pointer, not an array */
			mdt_cols(st, "c", MDT_F(p));
			break;
		case 'e':
			mdt_cols(st, "e", MDT_F(wide), mdt_slot_state_parse,
			    0);
			break;
		default:	/* no such letter */
			mdt_cols(st, "x", MDT_F(buf));
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status))
		fail_msg("'%c' read into a field of the wrong size", letter);
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void
test_cols_wrong_size_fatal(void **state)
{
	const char *letters = "idbsce?";

	for (const char *l = letters; *l != '\0'; l++)
		expect_fatal(*state, *l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_meetings),
		cmocka_unit_test(test_next_meeting_chaired),
	};
	const struct CMUnitTest cols[] = {
		cmocka_unit_test_setup_teardown(test_cols_letters,
		    fx_setup_memory, fx_teardown),
		cmocka_unit_test_setup_teardown(test_cols_wrong_size_fatal,
		    fx_setup_memory, fx_teardown),
	};
	const struct CMUnitTest demo[] = {
		cmocka_unit_test_setup_teardown(test_refresh_after_each_act,
		    fx_setup_file_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_refresh_slots_changed_in_place, fx_setup_file_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_refresh_pause_flat,
		    fx_setup_file_demo, fx_teardown),
	};

	return cmocka_run_group_tests(tests, setup_history, fx_teardown) |
	    cmocka_run_group_tests(cols, NULL, NULL) |
	    cmocka_run_group_tests(demo, NULL, NULL);
}
