/*
 * test_purge.c - the retention purge: nothing before the central record
 * has every record of a meeting (pending, failed and conflicting rows
 * hold it back), nothing inside the retention period; what goes (notes,
 * justifications, reasons, finished actions' text, the identity of a
 * patient nobody needs any more) and what stays (times, states, outcome
 * kinds, action statuses, open actions, patients still on the record);
 * audit rows but no outbox rows; a second run purges nothing; and the
 * removed words are gone from the database file and its WAL.
 */
#include "config.h"

#include "fixture.h"
#include "purge.h"
#include "rows.h"

#define DAY_MS INT64_C(86400000)

#define NOTE_1 "Falls at night; lives alone"
#define NOTE_4 "Wheezy since moving to the flat on Tanner Street"
#define JUSTIFY_4 "Lacks capacity; his daughter Bridget agrees"
#define DONE_4 "Phone Bridget about the inhalers"
#define EXCLUDE_4 "Tanner Street Drug and Alcohol Service"
#define OPEN_1 "Review night-time medicines"
#define WRONG_4 "Bridget shouted at the carer (wrong patient)"
#define DRAFT_4 "Half typed: Bridget wants the"
#define DENNIS "Dennis O'Driscoll"
#define DENNIS_NHS "9994140027"

/*
 * Chairs the demo meeting and closes it at FX_T0 + about 20 minutes:
 * slot 1 stay (a note, an open action), slot 2 step down, slot 4 close
 * (best interests with a justification, a note, an action done), slot 9
 * died (an open follow-up); the rest never started.
 */
static void
chair(struct fx *f)
{
	int64_t s1 = fx_slot(f, 1), s2 = fx_slot(f, 2), s4 = fx_slot(f, 4);
	int64_t s9 = fx_slot(f, 9), act;
	const char *exclude_4[] = { EXCLUDE_4 };
	int64_t owner = fx_person(f, "Hamza Qureshi");
	int64_t gp = fx_person(f, "Dr Siobhán Ní Bhriain");

	assert_int_equal(mdt_attendance_set(f->s, f->meeting, gp,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, owner,
	    MDT_ATTEND_PRESENT), MDT_OK);
	f->now = FX_T0 + 10 * FX_SEC;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_note_add(f->s, s1, NOTE_1, NULL), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s1, OPEN_1, owner, "2026-12-09",
	    NULL), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s1, MDT_OUTCOME_STAY,
	    "2027-02-25"), MDT_OK);
	f->now += 5 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s2, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s2, MDT_OUTCOME_STEP_DOWN,
	    NULL), MDT_OK);
	f->now += 4 * FX_MIN;
	/* slot 3 is passed over: park it to reach slot 4 next */
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_slot_park(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), s4);
	assert_int_equal(mdt_consent_record(f->s, s4,
	    MDT_CONSENT_BEST_INTERESTS, JUSTIFY_4, exclude_4, 1), MDT_OK);
	assert_int_equal(mdt_note_add(f->s, s4, NOTE_4, NULL), MDT_OK);
	/* a note written in error and withdrawn: its original is kept */
	assert_int_equal(mdt_note_add(f->s, s4, WRONG_4, &act), MDT_OK);
	assert_int_equal(mdt_note_withdraw(f->s, act), MDT_OK);
	/* and a note left half typed */
	assert_int_equal(mdt_note_draft_save(f->s, s4, DRAFT_4), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s4, DONE_4, owner, "+7", &act),
	    MDT_OK);
	assert_int_equal(mdt_action_set_status(f->s, act, MDT_ACTION_DONE),
	    MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s4, MDT_OUTCOME_CLOSE, NULL),
	    MDT_OK);
	f->now += 6 * FX_MIN;
	while (fx_current(f) != s9)
		assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s9, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s9, MDT_OUTCOME_DIED, NULL),
	    MDT_OK);
	f->now += 3 * FX_MIN;
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
}

/* Delivers the outbox as the sync engine does when the server says 2xx;
 * with keep_state a failed or conflicting row is left as the last one. */
static void
deliver(struct fx *f, int keep_state)
{
	struct mdt_outbox_row *rows;
	int64_t *ids;
	size_t n, i;

	assert_int_equal(mdt_outbox_list(f->s,
	    MDT_OUTBOX_MASK(MDT_OUTBOX_PENDING), 0, &rows, &n), MDT_OK);
	assert_true(n > 1);
	ids = calloc(n, sizeof(*ids));
	assert_non_null(ids);
	for (i = 0; i < n; i++)
		ids[i] = rows[i].id;
	if (keep_state >= 0) {
		assert_int_equal(mdt_outbox_mark_failed(f->s, &ids[n - 1], 1,
		    (enum mdt_outbox_state)keep_state, "refused"), MDT_OK);
		n--;
	}
	assert_int_equal(mdt_outbox_mark_sent(f->s, ids, n, NULL, 0), MDT_OK);
	free(ids);
	mdt_outbox_rows_free(rows, n + (keep_state >= 0));
	f->now += FX_SEC;
}

static int64_t
dennis(struct fx *f)
{
	return fx_int(f->s, "SELECT id FROM patients WHERE uuid ="
	    " (SELECT p.uuid FROM patients p JOIN slots s"
	    " ON s.patient_id = p.id WHERE s.id = %lld)",
	    (long long)fx_slot(f, 4));
}

static int64_t
count_note(struct fx *f, const char *text)
{
	return fx_int(f->s, "SELECT count(*) FROM notes WHERE text = '%s'",
	    text);
}

static void
test_undelivered_never_purged(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_meeting *list;
	struct mdt_purge_result res;
	size_t n;

	chair(f);
	f->now += 400 * DAY_MS;
	assert_int_equal(mdt_purge_find(f->s, 365, &list, &n), MDT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, f->meeting);
	assert_false(list[0].eligible);
	assert_true(list[0].undelivered > 0);
	assert_true(list[0].never_sent);
	mdt_purge_list_free(list, n);

	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.meetings, 0);
	assert_int_equal(res.held_back, 1);
	assert_int_equal(res.patients, 0);
	assert_int_equal(count_note(f, NOTE_1), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM meetings"
	    " WHERE purged_at IS NOT NULL"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE purged_at IS NOT NULL"), 0);
}

static void
held_back_by(struct fx *f, enum mdt_outbox_state st)
{
	struct mdt_purge_meeting *list;
	struct mdt_purge_result res;
	size_t n;

	chair(f);
	deliver(f, (int)st);
	f->now += 400 * DAY_MS;
	assert_int_equal(mdt_purge_find(f->s, 365, &list, &n), MDT_OK);
	assert_int_equal(n, 1);
	assert_false(list[0].eligible);
	assert_false(list[0].never_sent);
	assert_int_equal(list[0].undelivered, 1);
	mdt_purge_list_free(list, n);
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.meetings, 0);
	assert_int_equal(res.held_back, 1);
	assert_int_equal(count_note(f, NOTE_4), 1);
}

static void
test_failed_row_holds_back(void **state)
{
	held_back_by(*state, MDT_OUTBOX_FAILED);
}

static void
test_conflict_row_holds_back(void **state)
{
	held_back_by(*state, MDT_OUTBOX_CONFLICT);
}

static void
test_too_recent(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_meeting *list;
	struct mdt_purge_result res;
	size_t n;

	chair(f);
	deliver(f, -1);
	f->now += 364 * DAY_MS;
	assert_int_equal(mdt_purge_find(f->s, 365, &list, &n), MDT_OK);
	assert_int_equal(n, 0);
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.meetings, 0);
	assert_int_equal(res.held_back, 0);
	assert_int_equal(count_note(f, NOTE_1), 1);
	/* a day later it is due */
	f->now += DAY_MS;
	assert_int_equal(mdt_purge_find(f->s, 365, &list, &n), MDT_OK);
	assert_int_equal(n, 1);
	assert_true(list[0].eligible);
	mdt_purge_list_free(list, n);
	/* days out of range */
	assert_int_equal(mdt_purge_find(f->s, 0, &list, &n), MDT_EINVAL);
	assert_int_equal(mdt_purge_run(f->s, -3, &res), MDT_EINVAL);
}

/* What the six-monthly review counts, as one string. */
static void
figures(struct fx *f, char *buf, size_t n)
{
	fx_text(f->s, buf, n, "SELECT group_concat(x, '|') FROM ("
	    "SELECT s.id || ':' || s.state || ':' || coalesce(s.started_at, 0)"
	    " || ':' || coalesce(s.closed_at, 0) || ':' || s.paused_ms"
	    " || ':' || coalesce(o.kind, '') || ':'"
	    " || coalesce(o.review_date, '') AS x FROM slots s"
	    " LEFT JOIN outcomes o ON o.slot_id = s.id WHERE s.meeting_id = %lld"
	    " UNION ALL SELECT 'a' || id || ':' || status || ':' || owner_id"
	    " || ':' || due_date || ':' || coalesce(closed_at, 0) FROM actions"
	    " UNION ALL SELECT 'p' || person_id || ':' || status FROM attendance"
	    " UNION ALL SELECT 'm' || title || ':' || scheduled_start || ':'"
	    " || opened_at || ':' || closed_at FROM meetings"
	    " ORDER BY 1)", (long long)f->meeting);
}

static void
test_purges_delivered_meeting(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_result res;
	char before[4096], after[4096], buf[128];
	int64_t outbox, audit, d;

	chair(f);
	deliver(f, -1);
	d = dennis(f);
	/* what the central record said of their discussions elsewhere:
	 * Dennis's goes with his identity, the others' stay */
	snprintf(before, sizeof(before), "INSERT INTO record_discussions"
	    " (patient_id, encounter, version, day, outcome_text, read_at)"
	    " SELECT patient_id, 'e-' || id, '1', '2026-11-02', 'Dennis',"
	    " 0 FROM slots WHERE id IN (%lld, %lld)", (long long)fx_slot(f,
	    1), (long long)fx_slot(f, 4));
	fx_exec(f->s, before);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM"
	    " record_discussions WHERE patient_id = %lld", (long long)d), 1);
	figures(f, before, sizeof(before));
	f->now += 400 * DAY_MS;
	outbox = fx_int(f->s, "SELECT count(*) FROM outbox");
	audit = fx_int(f->s, "SELECT count(*) FROM audit");

	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.meetings, 1);
	assert_int_equal(res.held_back, 0);
	assert_int_equal(res.slots, 12);
	assert_int_equal(res.notes, 2);
	assert_int_equal(res.actions, 1);
	assert_true(res.checkpointed);

	/* the words are gone */
	assert_int_equal(count_note(f, NOTE_1) + count_note(f, NOTE_4), 0);
	assert_int_equal(count_note(f, MDT_PURGED_TEXT), 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM consent"
	    " WHERE justification IS NOT NULL AND justification <> '%s'",
	    MDT_PURGED_TEXT), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"
	    " WHERE reason NOT IN ('', '%s')", MDT_PURGED_TEXT), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE note <> ''"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE text = '%s'", DONE_4), 0);
	/* the originals kept of corrections, and the drafts */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM corrections"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM corrections"
	    " WHERE original <> '{}'"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM note_drafts"), 0);
	/* the organisations the patient asked to be kept from say much */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM consent_exclusions"),
	    0);
	/* open actions are work still to do */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE text = '%s' AND status = 'open'", OPEN_1), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE text LIKE 'Contact the relatives%%' AND status = 'open'"), 1);

	/* the figures stay */
	figures(f, after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"), 3);
	assert_int_equal(fx_int(f->s, "SELECT purged_at FROM meetings"
	    " WHERE id = %lld", (long long)f->meeting), f->now);

	/* Dennis (closed, no open action) loses his identity; the patients
	 * still on the caseload, in the rising-risk group or with an open
	 * action keep theirs */
	fx_text(f->s, buf, sizeof(buf), "SELECT name || '|' || nhs_number"
	    " || '|' || coalesce(date_of_birth, '') || '|'"
	    " || coalesce(practice, '') FROM patients WHERE id = %lld",
	    (long long)d);
	snprintf(after, sizeof(after), "%s|X%09lld||", MDT_PURGED_TEXT,
	    (long long)d);
	assert_string_equal(buf, after);
	assert_true(mdt_nhs_purged(fx_text(f->s, buf, sizeof(buf),
	    "SELECT nhs_number FROM patients WHERE id = %lld", (long long)d)));
	assert_false(mdt_nhs_valid(buf));
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients p"
	    " JOIN slots s ON s.patient_id = p.id WHERE s.id IN (%lld, %lld,"
	    " %lld) AND p.purged_at IS NULL", (long long)fx_slot(f, 1),
	    (long long)fx_slot(f, 2), (long long)fx_slot(f, 9)), 3);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM"
	    " record_discussions WHERE patient_id = %lld", (long long)d), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM"
	    " record_discussions"), 1);
	/* the eight never discussed go too */
	assert_int_equal(res.patients, 9);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE purged_at IS NOT NULL"), 9);

	/* audited, never queued */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"), outbox);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"),
	    audit + 1 + 9);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE action = 'purge' AND entity = 'meeting'"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE action = 'purge' AND (detail LIKE '%%Dennis%%'"
	    " OR detail LIKE '%%%s%%')", DENNIS_NHS), 0);

	/* idempotent */
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.meetings + res.patients + res.actions +
	    res.held_back, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"),
	    audit + 1 + 9);
}

/* The readers cope with a purged patient: snapshot, minutes, candidates. */
/* The rising-risk register: a patient on it keeps their identity
 * (escalation would bring them back); one taken off it goes, and the words
 * of their stays with them, the events' kinds and dates kept for the
 * review. */
/* A closed case's plan: while it is active its patient keeps their
 * identity; ended and delivered, the patient's purge takes the plan's
 * words (items, reasons) and keeps its kinds and dates. */
static void
test_plan_purge(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_result res;
	struct mdt_plan_in in = { .kind = MDT_PLAN_PROBLEM,
	    .text = "Lives alone; falls" };
	int64_t d;
	char buf[256];

	chair(f);
	d = dennis(f);
	assert_int_equal(mdt_plan_add(f->s, d, &in, NULL), MDT_OK);
	deliver(f, -1);
	f->now += 400 * DAY_MS;
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	/* the plan is active: Dennis keeps his identity and its words */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE id = %lld AND purged_at IS NULL", (long long)d), 1);
	assert_int_equal(mdt_plan_resolve(f->s, d, 1, "Moved to his"
	    " daughter's"), MDT_OK);
	assert_int_equal(mdt_plan_end(f->s, d, "Case closed"), MDT_OK);
	/* ended but not yet delivered: still kept */
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE id = %lld AND purged_at IS NULL", (long long)d), 1);
	fx_exec(f->s, "UPDATE outbox SET state = 'sent'");
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE id = %lld AND purged_at IS NOT NULL", (long long)d), 1);
	snprintf(buf, sizeof(buf), "ended|problem|%s|%s|%s", MDT_PURGED_TEXT,
	    MDT_PURGED_TEXT, MDT_PURGED_TEXT);
	assert_string_equal(fx_text(f->s, buf + 128, 128, "SELECT cp.status"
	    " || '|' || i.kind || '|' || i.text || '|' || i.resolved_reason"
	    " || '|' || cp.end_reason FROM care_plans cp JOIN plan_items i"
	    " ON i.plan_id = cp.id WHERE cp.patient_id = %lld",
	    (long long)d), buf);
}

static void
test_rising_register_purge(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_result res;
	struct mdt_rising_in in = { .reason = "Falls, lives alone",
	    .by = "Dr Shah" };
	char on[16], off[16], buf[128];

	fx_text(f->s, on, sizeof(on), "SELECT p.nhs_number FROM patients p"
	    " JOIN slots s ON s.patient_id = p.id WHERE s.id = %lld",
	    (long long)fx_slot(f, 11));
	fx_text(f->s, off, sizeof(off), "SELECT p.nhs_number FROM patients p"
	    " JOIN slots s ON s.patient_id = p.id WHERE s.id = %lld",
	    (long long)fx_slot(f, 12));
	in.nhs_number = on;
	assert_int_equal(mdt_rising_add(f->s, &in, NULL, NULL), MDT_OK);
	in.nhs_number = off;
	assert_int_equal(mdt_rising_add(f->s, &in, NULL, NULL), MDT_OK);
	assert_int_equal(mdt_rising_remove(f->s, off, "Moved away", NULL),
	    MDT_OK);
	chair(f);
	deliver(f, -1);
	f->now += 366 * DAY_MS;
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.meetings, 1);
	assert_int_equal(fx_int(f->s, "SELECT purged_at IS NULL FROM patients"
	    " WHERE nhs_number = '%s'", on), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE nhs_number = '%s'", off), 0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " group_concat(reason || '/' || coalesce(end_reason, ''), ',')"
	    " FROM rising_risk WHERE ended_at IS NOT NULL"),
	    MDT_PURGED_TEXT "/" MDT_PURGED_TEXT);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM rising_risk_events"
	    " WHERE reason IN ('Falls, lives alone', 'Moved away')"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM rising_risk_events"
	    " WHERE reason = '%s'", MDT_PURGED_TEXT), 2);
	/* taken off the register later, and that delivered: the next purge
	 * finds them free */
	assert_int_equal(mdt_rising_remove(f->s, on, "Stepped down", NULL),
	    MDT_OK);
	fx_exec(f->s, "UPDATE outbox SET state = 'sent'");
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.patients, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE nhs_number = '%s'", on), 0);
}

static void
test_readers_after_purge(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_result res;
	struct mdt_snapshot snap;
	char *buf = NULL, mask[96];
	size_t len = 0;
	FILE *out;

	chair(f);
	deliver(f, -1);
	f->now += 400 * DAY_MS;
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_string_equal(snap.slots[3].patient_name, MDT_PURGED_TEXT);
	assert_string_equal(snap.slots[3].date_of_birth, "");
	mdt_snapshot_free(&snap);

	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(mdt_minutes_write(f->s, f->meeting, MDT_MINUTES_MD,
	    out), MDT_OK);
	assert_int_equal(mdt_minutes_write(f->s, f->meeting, MDT_MINUTES_JSON,
	    out), MDT_OK);
	fclose(out);
	assert_non_null(strstr(buf, MDT_PURGED_TEXT));
	assert_null(strstr(buf, DENNIS));
	assert_null(strstr(buf, NOTE_4));
	assert_null(strstr(buf, "X000"));
	free(buf);

	mdt_patient_mask(MDT_PURGED_TEXT, "", "X000000004", mask,
	    sizeof(mask));
	assert_string_equal(mask, MDT_PURGED_TEXT);
}

/* A patient who is a candidate of a later meeting keeps their identity;
 * so does one with an open action. */
static void
test_patient_still_needed(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { .title = "Next MDT", .date = "2026-12-09" };
	struct mdt_patient_in p = { .nhs_number = DENNIS_NHS, .name = DENNIS,
		.date_of_birth = "1948-01-30" };
	struct mdt_purge_result res;
	int64_t next, d;
	char buf[64];

	chair(f);
	d = dennis(f);
	assert_int_equal(mdt_meeting_create(f->s, &in, &next, NULL), MDT_OK);
	assert_int_equal(mdt_slot_add_on_day(f->s, next, &p, "Still wheezy",
	    0, 0, NULL), MDT_OK);
	deliver(f, -1);
	f->now += 400 * DAY_MS;
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.meetings, 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT name"
	    " FROM patients WHERE id = %lld", (long long)d), DENNIS);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients WHERE"
	    " id = %lld AND purged_at IS NULL AND nhs_number = '%s'",
	    (long long)d, DENNIS_NHS), 1);
	/* but his words in the purged meeting went */
	assert_int_equal(count_note(f, NOTE_4), 0);
	/* and his slot reason in the later meeting stays */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"
	    " WHERE meeting_id = %lld AND reason LIKE '%%Still wheezy%%'",
	    (long long)next), 1);
	/* once that meeting is closed, delivered and purged too, he goes */
	assert_int_equal(mdt_meeting_close(f->s, next), MDT_OK);
	fx_exec(f->s, "UPDATE outbox SET state = 'sent'");
	f->now += 400 * DAY_MS;
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.meetings, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients WHERE"
	    " id = %lld AND purged_at IS NOT NULL", (long long)d), 1);
}

/* An open action of a purged meeting closed later loses its text once
 * that change is delivered; its patient then goes too.  Meanwhile a
 * finished action of a purged meeting cannot be reopened. */
static void
test_late_actions(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_result res;
	int64_t act, done;

	chair(f);
	deliver(f, -1);
	f->now += 400 * DAY_MS;
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.meetings, 1);
	done = fx_int(f->s, "SELECT id FROM actions WHERE status = 'done'");
	assert_int_equal(mdt_action_set_status(f->s, done, MDT_ACTION_OPEN),
	    MDT_ESTATE);
	assert_int_equal(mdt_action_set_status(f->s, done,
	    MDT_ACTION_CANCELLED), MDT_ESTATE);
	/* nor can a purged patient be given a key contact */
	assert_int_equal(mdt_key_contact_set(f->s, dennis(f),
	    fx_person(f, "Hamza Qureshi")), MDT_ESTATE);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
	    " WHERE state = 'pending'"), 0);
	act = fx_int(f->s, "SELECT id FROM actions WHERE text LIKE"
	    " 'Contact the relatives%%'");
	assert_int_equal(mdt_action_set_status(f->s, act, MDT_ACTION_DONE),
	    MDT_OK);
	/* not delivered yet: kept */
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.actions + res.patients, 0);
	{
		struct mdt_outbox_row *rows;
		size_t n;

		assert_int_equal(mdt_outbox_list(f->s,
		    MDT_OUTBOX_MASK(MDT_OUTBOX_PENDING), 0, &rows, &n), MDT_OK);
		assert_int_equal(n, 1);
		assert_int_equal(mdt_outbox_mark_sent(f->s, &rows[0].id, 1,
		    NULL, 0), MDT_OK);
		mdt_outbox_rows_free(rows, n);
	}
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.actions, 1);
	assert_int_equal(res.patients, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE id = %lld AND text = '%s'", (long long)act,
	    MDT_PURGED_TEXT), 1);
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.actions + res.patients, 0);
}

static bool
contains(const char *path, const char *needle)
{
	unsigned char *buf;
	size_t len;
	bool found;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL)		/* no file, nothing in it */
		return false;
	fclose(fp);
	buf = fx_slurp(path, &len);
	found = memmem(buf, len, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

static void
assert_gone(struct fx *f, const char *needle)
{
	char wal[160];

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_false(contains(f->path, needle));
	assert_false(contains(wal, needle));
}

/* The purged words are no longer in the files (byte search). */
static void
test_gone_from_files(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_result res;
	char wal[160];

	chair(f);
	deliver(f, -1);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	/* before: the words are there, in the file or its WAL */
	assert_true(contains(f->path, DENNIS) || contains(wal, DENNIS));
	assert_true(contains(f->path, NOTE_4) || contains(wal, NOTE_4));
	assert_true(contains(f->path, EXCLUDE_4) || contains(wal, EXCLUDE_4));
	assert_true(contains(f->path, WRONG_4) || contains(wal, WRONG_4));
	assert_true(contains(f->path, DRAFT_4) || contains(wal, DRAFT_4));

	f->now += 400 * DAY_MS;
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.meetings, 1);
	assert_true(res.checkpointed);
	assert_gone(f, DENNIS);
	assert_gone(f, DENNIS_NHS);
	assert_gone(f, NOTE_4);
	assert_gone(f, JUSTIFY_4);
	assert_gone(f, DONE_4);
	assert_gone(f, EXCLUDE_4);
	assert_gone(f, WRONG_4);
	assert_gone(f, DRAFT_4);
	assert_gone(f, "COPD; four A&E attendances");
	/* still there: the open action, and the patient on the caseload */
	assert_true(contains(f->path, OPEN_1));
	/* and after closing the store */
	fx_close(f);
	assert_gone(f, DENNIS);
	assert_gone(f, NOTE_4);
}

/*
 * Finding what to purge asks the outbox about each record of each meeting
 * by the record's uuid (the outbox_by_entity index), never by walking the
 * rows not sent: after a year offline those are thousands, for every
 * meeting.
 */
static void
test_find_plan(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *st;
	char *sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", MDT_PURGE_FIND_SQL);
	int outbox = 0;

	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(f->s), sql, -1, &st,
	    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 3);

		if (strstr(d, "outbox") == NULL)
			continue;
		outbox++;
		if (strstr(d, "USING COVERING INDEX outbox_by_entity") == NULL)
			fail_msg("the outbox read otherwise: %s", d);
	}
	sqlite3_finalize(st);
	sqlite3_free(sql);
	assert_int_equal(outbox, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_find_plan, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_undelivered_never_purged,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_failed_row_holds_back,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_conflict_row_holds_back,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_too_recent,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_purges_delivered_meeting,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rising_register_purge,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_plan_purge,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_readers_after_purge,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_patient_still_needed,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_late_actions,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_gone_from_files,
		    fx_setup_file_demo, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
