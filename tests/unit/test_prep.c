/*
 * test_prep.c - preparing the agenda: selecting, deselecting, deferring,
 * ordering and planning candidates; finalising, refused while a referral
 * is undecided and lapsing when a new one arrives; patients added on the
 * day; carry-forward of the caseload due for review (and only those);
 * the rising-risk group and escalation from it; carried-forward actions
 * reviewed and reassigned in the slot; the agenda printed masked and
 * unmasked; every slot having its candidate; and which acts queue the
 * meeting for the central record.
 */
#include "config.h"

#include "fixture.h"

#define HEADER "nhs_number,name,date_of_birth,practice,reason,referred_by\n"

/* A new meeting a week on, with four referrals imported (A, B, C, D). */
static int
setup_referrals(void **state)
{
	struct mdt_meeting_in in = { "Larkhall MDT", "+7", "13:00", NULL, 0 };
	struct mdt_import_report rep;
	struct fx *f;
	char path[160];
	FILE *fp;

	fx_setup_memory(state);
	f = *state;
	fx_tempdir(f);
	assert_int_equal(mdt_meeting_create(f->s, &in, &f->meeting, NULL),
	    MDT_OK);
	fx_exec(f->s, "INSERT INTO people (uuid, name) VALUES"
	    " ('00000000-0000-4000-8000-000000000001', 'Marta Kowalczyk'),"
	    " ('00000000-0000-4000-8000-000000000002', 'Dr Kwame Mensah')");
	snprintf(path, sizeof(path), "%s/ref.csv", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(HEADER
	    "9993395633,Zoë Adébáyọ̀,1941-03-14,Larkhall,Falls,Dr Mensah\n"
	    "9999939082,Arthur Pennington,1936-11-02,Riverside,Calls,Ade\n"
	    "9991581766,Małgorzata Nowak,1952-07-21,Larkhall,Home,Marta\n"
	    "9994140027,Dennis O'Driscoll,1948-01-30,Riverside,COPD,Hamza\n",
	    fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.added, 4);
	mdt_import_report_done(&rep);
	*state = f;
	return 0;
}

static int64_t
cand(struct fx *f, const char *nhs)
{
	return fx_int(f->s, "SELECT c.id FROM candidates c JOIN patients p"
	    " ON p.id = c.patient_id WHERE p.nhs_number = '%s'"
	    " AND c.meeting_id = %lld", nhs, (long long)f->meeting);
}

static int64_t
slot_of(struct fx *f, const char *nhs)
{
	return fx_int(f->s, "SELECT coalesce((SELECT s.id FROM slots s"
	    " JOIN patients p ON p.id = s.patient_id WHERE p.nhs_number = '%s'"
	    " AND s.meeting_id = %lld), 0)", nhs, (long long)f->meeting);
}

static int64_t
person(struct fx *f, const char *name)
{
	return fx_person(f, name);
}

/* The agenda's NHS numbers in order, "A,B,..." by last three digits. */
static const char *
order(struct fx *f, char *buf, size_t n)
{
	return fx_text(f->s, buf, n, "SELECT group_concat(substr(nhs, 8), ',')"
	    " FROM (SELECT p.nhs_number AS nhs FROM slots s JOIN patients p"
	    " ON p.id = s.patient_id WHERE s.meeting_id = %lld"
	    " ORDER BY s.position)", (long long)f->meeting);
}

#define A "9993395633"
#define B "9999939082"
#define C "9991581766"
#define D "9994140027"

static void
test_select_order_plan(void **state)
{
	struct fx *f = *state;
	struct mdt_candidate *c;
	struct mdt_agenda_state as;
	int64_t sa, sb, sc;
	size_t n;
	char buf[64];

	EXPECT_ACT(f, mdt_candidate_select(f->s, cand(f, A), 0, 0, &sa),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_candidate_select(f->s, cand(f, B), 600,
	    person(f, "Marta Kowalczyk"), &sb), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_candidate_select(f->s, cand(f, C), 0, 0, &sc),
	    MDT_OK, 1, 1);
	assert_string_equal(order(f, buf, sizeof(buf)), "633,082,766");
	/* once only; bad plans refused */
	EXPECT_ACT(f, mdt_candidate_select(f->s, cand(f, A), 0, 0, NULL),
	    MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_candidate_select(f->s, cand(f, D), 30, 0, NULL),
	    MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_candidate_select(f->s, cand(f, D), 0, 999, NULL),
	    MDT_ENOTFOUND, 0, 0);
	/* the slot's reason is the candidate's */
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT reason"
	    " FROM slots WHERE id = %lld", (long long)sa), "Falls");

	/* order */
	EXPECT_ACT(f, mdt_slot_move(f->s, sc, 1), MDT_OK, 1, 1);
	assert_string_equal(order(f, buf, sizeof(buf)), "766,633,082");
	EXPECT_ACT(f, mdt_slot_move(f->s, sc, 99), MDT_OK, 1, 1);
	assert_string_equal(order(f, buf, sizeof(buf)), "633,082,766");
	EXPECT_ACT(f, mdt_slot_move(f->s, sc, 3), MDT_OK, 0, 0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " group_concat(position) FROM (SELECT position FROM slots"
	    " WHERE meeting_id = %lld ORDER BY position)",
	    (long long)f->meeting), "1,2,3");

	/* plan: minutes and presenter */
	EXPECT_ACT(f, mdt_slot_set_plan(f->s, sa, 480, person(f,
	    "Dr Kwame Mensah")), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_set_plan(f->s, sa, 480, -1), MDT_OK, 0, 0);
	EXPECT_ACT(f, mdt_slot_set_plan(f->s, sa, 0, 0), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_set_plan(f->s, sa, 7200, -1), MDT_EINVAL, 0, 0);

	assert_int_equal(mdt_candidates_load(f->s, f->meeting, &c, &n), MDT_OK);
	assert_int_equal(n, 4);
	assert_string_equal(c[0].nhs_number, A);
	assert_int_equal(c[0].state, MDT_CANDIDATE_SELECTED);
	assert_int_equal(c[0].position, 1);
	assert_int_equal(c[0].planned_s, 480);
	assert_int_equal(c[0].presenter_id, 0);
	assert_string_equal(c[1].nhs_number, B);
	assert_int_equal(c[1].planned_s, 600);
	assert_string_equal(c[1].presenter_name, "Marta Kowalczyk");
	assert_int_equal(c[2].position, 3);
	assert_string_equal(c[3].nhs_number, D);
	assert_int_equal(c[3].state, MDT_CANDIDATE_OPEN);
	assert_int_equal(c[3].slot_id, 0);
	mdt_candidates_free(c, n);

	assert_int_equal(mdt_agenda_state(f->s, f->meeting, &as), MDT_OK);
	assert_int_equal(as.candidates, 4);
	assert_int_equal(as.selected, 3);
	assert_int_equal(as.unresolved_referrals, 1);
	assert_int_equal(as.planned_s, 480 + 600 + 360);

	/* the snapshot carries the presenter too */
	{
		struct mdt_snapshot snap;

		assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap),
		    MDT_OK);
		assert_int_equal(snap.n_slots, 3);
		assert_string_equal(snap.slots[1].presenter_name,
		    "Marta Kowalczyk");
		assert_null(snap.slots[0].presenter_name);
		mdt_snapshot_free(&snap);
	}
}

static void
test_deselect_and_defer(void **state)
{
	struct fx *f = *state;
	struct mdt_candidate *c;
	int64_t sa, sb;
	size_t n;
	char buf[64];

	assert_int_equal(mdt_candidate_select(f->s, cand(f, A), 0, 0, &sa),
	    MDT_OK);
	assert_int_equal(mdt_candidate_select(f->s, cand(f, B), 0, 0, &sb),
	    MDT_OK);
	assert_int_equal(mdt_candidate_select(f->s, cand(f, C), 0, 0, NULL),
	    MDT_OK);
	/* off the agenda: the others close up */
	EXPECT_ACT(f, mdt_candidate_deselect(f->s, cand(f, A)), MDT_OK, 1, 1);
	assert_string_equal(order(f, buf, sizeof(buf)), "082,766");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " group_concat(position) FROM (SELECT position FROM slots"
	    " WHERE meeting_id = %lld ORDER BY position)",
	    (long long)f->meeting), "1,2");
	EXPECT_ACT(f, mdt_candidate_deselect(f->s, cand(f, A)), MDT_ESTATE, 0,
	    0);

	/* deferral needs a reason; stays local (no outbox) */
	EXPECT_ACT(f, mdt_candidate_defer(f->s, cand(f, D), "  "), MDT_EINVAL,
	    0, 0);
	EXPECT_ACT(f, mdt_candidate_defer(f->s, cand(f, D), "seen by the"
	    " falls clinic first"), MDT_OK, 0, 1);
	/* deferring a selected one takes it off the agenda */
	EXPECT_ACT(f, mdt_candidate_defer(f->s, cand(f, B), "next month"),
	    MDT_OK, 1, 2);
	assert_int_equal(slot_of(f, B), 0);
	assert_int_equal(mdt_candidates_load(f->s, f->meeting, &c, &n), MDT_OK);
	assert_int_equal(n, 4);
	assert_string_equal(c[0].nhs_number, C);	/* selected */
	assert_string_equal(c[1].nhs_number, A);	/* undecided */
	assert_int_equal(c[2].state, MDT_CANDIDATE_DEFERRED);
	assert_int_equal(c[3].state, MDT_CANDIDATE_DEFERRED);
	assert_string_equal(c[2].nhs_number, B);	/* by name */
	assert_string_equal(c[2].defer_reason, "next month");
	mdt_candidates_free(c, n);
	/* deselect withdraws a deferral; select clears one */
	EXPECT_ACT(f, mdt_candidate_deselect(f->s, cand(f, D)), MDT_OK, 0, 1);
	assert_int_equal(fx_int(f->s, "SELECT defer_reason IS NULL FROM"
	    " candidates WHERE id = %lld", (long long)cand(f, D)), 1);
	assert_int_equal(mdt_candidate_select(f->s, cand(f, B), 0, 0, NULL),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT defer_reason IS NULL FROM"
	    " candidates WHERE id = %lld", (long long)cand(f, B)), 1);

	/* a started discussion stays on the agenda */
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	EXPECT_ACT(f, mdt_candidate_deselect(f->s, cand(f, C)), MDT_ESTATE, 0,
	    0);
	EXPECT_ACT(f, mdt_candidate_defer(f->s, cand(f, C), "no"), MDT_ESTATE,
	    0, 0);
	/* nor can a pending slot with consent recorded be dropped */
	assert_int_equal(mdt_consent_record(f->s, slot_of(f, B),
	    MDT_CONSENT_GIVEN, NULL, NULL, 0), MDT_OK);
	EXPECT_ACT(f, mdt_candidate_deselect(f->s, cand(f, B)), MDT_ESTATE, 0,
	    0);
	/* a closed meeting is not prepared any more */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	EXPECT_ACT(f, mdt_candidate_select(f->s, cand(f, A), 0, 0, NULL),
	    MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_candidate_defer(f->s, cand(f, A), "x"), MDT_ESTATE,
	    0, 0);
}

static void
test_finalise(void **state)
{
	struct fx *f = *state;
	struct mdt_agenda_state as;
	struct mdt_import_report rep;
	char path[160];
	FILE *fp;
	const char *err;

	assert_int_equal(mdt_candidate_select(f->s, cand(f, A), 0, 0, NULL),
	    MDT_OK);
	assert_int_equal(mdt_candidate_select(f->s, cand(f, B), 0, 0, NULL),
	    MDT_OK);
	/* C and D are referrals neither scheduled nor deferred */
	EXPECT_ACT(f, mdt_agenda_finalise(f->s, f->meeting), MDT_ESTATE, 0, 0);
	err = mdt_store_error(f->s);
	assert_non_null(strstr(err, "2 referrals are neither scheduled nor"
	    " deferred"));
	assert_non_null(strstr(err, "Małgorzata Nowak (NHS 999 158 1766)"));
	assert_non_null(strstr(err, "Dennis O'Driscoll (NHS 999 414 0027)"));
	assert_int_equal(mdt_candidate_defer(f->s, cand(f, C), "awaiting"
	    " hospital letter"), MDT_OK);
	EXPECT_ACT(f, mdt_agenda_finalise(f->s, f->meeting), MDT_ESTATE, 0, 0);
	assert_null(strstr(mdt_store_error(f->s), "Nowak"));
	assert_int_equal(mdt_candidate_select(f->s, cand(f, D), 0, 0, NULL),
	    MDT_OK);
	EXPECT_ACT(f, mdt_agenda_finalise(f->s, f->meeting), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_agenda_finalise(f->s, f->meeting), MDT_OK, 0, 0);
	assert_int_equal(mdt_agenda_state(f->s, f->meeting, &as), MDT_OK);
	assert_int_equal(as.finalised_at, FX_T0);
	assert_int_equal(as.unresolved_referrals, 0);
	assert_int_equal(as.deferred, 1);

	/* a new referral: the finalisation lapses */
	snprintf(path, sizeof(path), "%s/more.csv", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(HEADER "9990506310,Fatima Begum,1960-05-09,L,Low mood,Dr M\n",
	    fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	mdt_import_report_done(&rep);
	assert_int_equal(mdt_agenda_state(f->s, f->meeting, &as), MDT_OK);
	assert_int_equal(as.finalised_at, 0);
	assert_int_equal(as.unresolved_referrals, 1);
	/* and so does undoing a deferral */
	assert_int_equal(mdt_candidate_defer(f->s, fx_int(f->s, "SELECT id"
	    " FROM candidates ORDER BY id DESC LIMIT 1"), "next time"), MDT_OK);
	assert_int_equal(mdt_agenda_finalise(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_candidate_deselect(f->s, cand(f, C)), MDT_OK);
	assert_int_equal(mdt_agenda_state(f->s, f->meeting, &as), MDT_OK);
	assert_int_equal(as.finalised_at, 0);
}

static void
test_add_on_day(void **state)
{
	struct fx *f = *state;
	struct mdt_patient_in p = { "999 061 6164", "Edith Marsh", "1929-06-06",
	    "Larkhall" };
	struct mdt_candidate *c;
	size_t n;
	int64_t slot, patients = fx_int(f->s, "SELECT count(*) FROM patients");
	char buf[64];

	assert_int_equal(mdt_candidate_select(f->s, cand(f, A), 0, 0, NULL),
	    MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	/* bad input is refused before anything is written */
	p.nhs_number = "999 061 6165";
	EXPECT_ACT(f, mdt_slot_add_on_day(f->s, f->meeting, &p, "ulcers", 0, 0,
	    &slot), MDT_ENHS, 0, 0);
	p.nhs_number = "9990608164";
	p.date_of_birth = "1929-02-30";
	EXPECT_ACT(f, mdt_slot_add_on_day(f->s, f->meeting, &p, "ulcers", 0, 0,
	    &slot), MDT_EDATE, 0, 0);
	p.date_of_birth = "1929-06-06";
	EXPECT_ACT(f, mdt_slot_add_on_day(f->s, f->meeting, &p, " ", 0, 0,
	    &slot), MDT_EINVAL, 0, 0);
	/* a new patient, during the meeting, at the end of the agenda */
	EXPECT_ACT(f, mdt_slot_add_on_day(f->s, f->meeting, &p,
	    "Leg ulcers; carer unwell", 300, 0, &slot), MDT_OK, 1, 1);
	assert_true(slot > 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"),
	    patients + 1);
	assert_string_equal(order(f, buf, sizeof(buf)), "633,164");
	EXPECT_ACT(f, mdt_slot_add_on_day(f->s, f->meeting, &p, "again", 0, 0,
	    NULL), MDT_ESTATE, 0, 0);
	/* a known patient must match the record */
	p.nhs_number = B;
	p.name = "Arthur Pennington";
	p.date_of_birth = "1936-11-03";
	EXPECT_ACT(f, mdt_slot_add_on_day(f->s, f->meeting, &p, "fell", 0, 0,
	    NULL), MDT_EINVAL, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "differs from the"
	    " record (1936-11-02)"));
	p.date_of_birth = "1936-11-02";
	EXPECT_ACT(f, mdt_slot_add_on_day(f->s, f->meeting, &p, "fell", 0, 0,
	    NULL), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"),
	    patients + 1);

	assert_int_equal(mdt_candidates_load(f->s, f->meeting, &c, &n), MDT_OK);
	assert_int_equal(n, 5);
	assert_true(c[1].added_on_day);
	assert_string_equal(c[1].reason, "Leg ulcers; carer unwell");
	assert_int_equal(c[1].planned_s, 300);
	assert_true(c[2].added_on_day);
	assert_int_equal(c[2].lists, MDT_LIST_REFERRAL);
	assert_string_equal(c[2].reason, "fell; Calls");
	mdt_candidates_free(c, n);
}

/* The demo meeting, with outcomes recorded, closed; then a new meeting
 * two weeks on. */
static void
record_outcome(struct fx *f, int n, enum mdt_outcome_kind kind,
    const char *review)
{
	int64_t slot = fx_slot(f, n);

	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, slot, kind, review), MDT_OK);
}

static void
test_carry_forward(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { "Next MDT", "+14", NULL, NULL, 0 };
	struct mdt_candidate *c;
	int64_t next, first = f->meeting, action;
	size_t n;
	int carried = -1, added = -1;

	/* due on the day, due before, due after, and the latest outcome of a
	 * patient decides */
	record_outcome(f, 1, MDT_OUTCOME_STAY, "2026-12-09");
	record_outcome(f, 2, MDT_OUTCOME_STAY, "2026-12-01");
	record_outcome(f, 3, MDT_OUTCOME_STAY, "2026-12-10");
	record_outcome(f, 4, MDT_OUTCOME_CLOSE, "2026-12-01");
	record_outcome(f, 5, MDT_OUTCOME_STEP_DOWN, NULL);
	assert_int_equal(mdt_action_add(f->s, fx_slot(f, 1), "Falls"
	    " assessment", fx_person(f, "Marta Kowalczyk"), "+7", &action),
	    MDT_OK);
	assert_int_equal(mdt_meeting_close(f->s, first), MDT_OK);

	assert_int_equal(mdt_meeting_create(f->s, &in, &next, &carried),
	    MDT_OK);
	assert_int_equal(carried, 2);
	f->meeting = next;
	assert_int_equal(mdt_candidates_load(f->s, next, &c, &n), MDT_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(c[i].lists, MDT_LIST_CASELOAD);
		assert_true(c[i].carried_forward);
		assert_int_equal(c[i].previous_outcome, MDT_OUTCOME_STAY);
		assert_non_null(strstr(c[i].reason, "review due 2026-12-"));
		if (strcmp(c[i].nhs_number, "9993395633") == 0) {
			assert_int_equal(c[i].open_actions, 1);
			assert_string_equal(c[i].previous_review_date,
			    "2026-12-09");
		}
	}
	mdt_candidates_free(c, n);
	/* again: nothing new */
	EXPECT_ACT(f, mdt_carry_forward(f->s, next, &added), MDT_OK, 0, 0);
	assert_int_equal(added, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld", (long long)next), 2);
	/* a patient already a candidate only gains the flags */
	fx_exec(f->s, "UPDATE candidates SET lists = 2, carried_forward = 0");
	assert_int_equal(mdt_carry_forward(f->s, next, &added), MDT_OK);
	assert_int_equal(added, 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld AND lists = 3 AND carried_forward = 1",
	    (long long)next), 2);
}

static void
test_rising_risk(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { "Next MDT", "+14", NULL, NULL, 0 };
	struct mdt_rising_risk *r;
	struct mdt_candidate *c;
	int64_t next, pid, cid = 0;
	size_t n;

	record_outcome(f, 5, MDT_OUTCOME_STEP_DOWN, "2027-01-10");
	record_outcome(f, 6, MDT_OUTCOME_STEP_DOWN, NULL);
	record_outcome(f, 7, MDT_OUTCOME_CLOSE, NULL);
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_meeting_create(f->s, &in, &next, NULL), MDT_OK);

	assert_int_equal(mdt_rising_risk_load(f->s, next, &r, &n), MDT_OK);
	/* on the register by their step down, the next review first: the
	 * date the meeting gave, else four weeks after it */
	assert_int_equal(n, 2);
	assert_string_equal(r[0].patient_name, "Hélène Dubois");
	assert_string_equal(r[0].next_review, "2026-12-23");
	assert_string_equal(r[1].patient_name, "Fatima Begum");
	assert_string_equal(r[1].next_review, "2027-01-10");
	assert_string_equal(r[1].added_on, "2026-11-25");
	assert_string_equal(r[1].reason, "stepped down at Demo MDT"
	    " (2026-11-25)");
	assert_string_equal(r[1].added_by, "the meeting");
	assert_int_equal(r[1].every_days, 28);
	assert_false(r[1].due);
	assert_int_equal(r[1].candidate_id, 0);
	pid = r[1].patient_id;
	mdt_rising_risk_free(r, n);

	EXPECT_ACT(f, mdt_rising_risk_escalate(f->s, pid, next, "", &cid),
	    MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_rising_risk_escalate(f->s, pid, next, "Two falls"
	    " this week", &cid), MDT_OK, 0, 1);
	assert_true(cid > 0);
	/* not in the group: refused */
	EXPECT_ACT(f, mdt_rising_risk_escalate(f->s, fx_int(f->s, "SELECT"
	    " patient_id FROM slots WHERE id = %lld", (long long)fx_slot(f, 7)),
	    next, "why", NULL), MDT_ESTATE, 0, 0);

	assert_int_equal(mdt_rising_risk_load(f->s, next, &r, &n), MDT_OK);
	assert_int_equal(r[1].candidate_id, cid);
	assert_true(r[1].escalated);
	mdt_rising_risk_free(r, n);
	assert_int_equal(mdt_candidates_load(f->s, next, &c, &n), MDT_OK);
	assert_int_equal(n, 1);
	assert_true(c[0].escalated);
	assert_int_equal(c[0].lists, MDT_LIST_REFERRAL);
	assert_int_equal(c[0].previous_outcome, MDT_OUTCOME_STEP_DOWN);
	assert_string_equal(c[0].reason, "escalated from rising risk: Two falls"
	    " this week");
	mdt_candidates_free(c, n);
	/* like a referral, it must be decided before finalising */
	assert_int_equal(mdt_agenda_finalise(f->s, next), MDT_ESTATE);
	assert_non_null(strstr(mdt_store_error(f->s), "Fatima Begum"));
	assert_int_equal(mdt_candidate_select(f->s, cid, 0, 0, NULL), MDT_OK);
	assert_int_equal(mdt_agenda_finalise(f->s, next), MDT_OK);
}

static void
test_review_actions(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { "Next MDT", "+14", NULL, NULL, 0 };
	struct mdt_snapshot snap;
	int64_t next, a1, a2, a3, slot, other;
	int left = -1;
	char buf[32];

	record_outcome(f, 1, MDT_OUTCOME_STAY, "+7");
	assert_int_equal(mdt_action_add(f->s, fx_slot(f, 1), "Falls referral",
	    fx_person(f, "Marta Kowalczyk"), "+7", &a1), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, fx_slot(f, 1), "Pendant alarm",
	    fx_person(f, "Ade Okonkwo"), "+7", &a2), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, fx_slot(f, 1), "Medicines",
	    fx_person(f, "Hamza Qureshi"), "+7", &a3), MDT_OK);
	record_outcome(f, 2, MDT_OUTCOME_CLOSE, NULL);
	assert_int_equal(mdt_action_add(f->s, fx_slot(f, 2), "Other patient",
	    fx_person(f, "Ade Okonkwo"), "+7", &other), MDT_OK);
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_meeting_create(f->s, &in, &next, NULL), MDT_OK);
	f->meeting = next;
	assert_int_equal(mdt_candidate_select(f->s, fx_int(f->s, "SELECT id"
	    " FROM candidates WHERE meeting_id = %lld", (long long)next), 0, 0,
	    &slot), MDT_OK);

	assert_int_equal(mdt_slot_unreviewed_actions(f->s, slot, &left),
	    MDT_OK);
	assert_int_equal(left, 3);
	/* consent first; another patient's action is refused */
	assert_int_equal(mdt_action_review(f->s, slot, a1, MDT_VERDICT_DONE, 0,
	    NULL), MDT_ECONSENT);
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_int_equal(mdt_action_review(f->s, slot, other, MDT_VERDICT_DONE,
	    0, NULL), MDT_EINVAL);
	/* done, reassigned, still open */
	EXPECT_ACT(f, mdt_action_review(f->s, slot, a1, MDT_VERDICT_DONE, 0,
	    NULL), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_action_review(f->s, slot, a2, MDT_VERDICT_REASSIGNED,
	    0, NULL), MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_action_review(f->s, slot, a2, MDT_VERDICT_REASSIGNED,
	    fx_person(f, "Jamie Thornton"), "2026-12-31"), MDT_OK, 1, 2);
	EXPECT_ACT(f, mdt_action_review(f->s, slot, a3, MDT_VERDICT_OPEN, 0,
	    NULL), MDT_OK, 0, 1);
	assert_int_equal(mdt_slot_unreviewed_actions(f->s, slot, &left),
	    MDT_OK);
	assert_int_equal(left, 0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT status"
	    " FROM actions WHERE id = %lld", (long long)a1), "done");
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions WHERE"
	    " id = %lld", (long long)a2), fx_person(f, "Jamie Thornton"));
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT due_date"
	    " FROM actions WHERE id = %lld", (long long)a2), "2026-12-31");

	assert_int_equal(mdt_snapshot_load(f->s, next, &snap), MDT_OK);
	assert_int_equal(snap.n_actions, 3);
	for (size_t i = 0; i < snap.n_actions; i++) {
		if (snap.actions[i].id == a1)
			assert_int_equal(snap.actions[i].verdict,
			    MDT_VERDICT_DONE);
		if (snap.actions[i].id == a2)
			assert_int_equal(snap.actions[i].verdict,
			    MDT_VERDICT_REASSIGNED);
		if (snap.actions[i].id == a3)
			assert_int_equal(snap.actions[i].verdict,
			    MDT_VERDICT_OPEN);
	}
	mdt_snapshot_free(&snap);

	/* plain reassignment: open actions only */
	EXPECT_ACT(f, mdt_action_reassign(f->s, a3, 0, "+3"), MDT_OK, 1, 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT due_date"
	    " FROM actions WHERE id = %lld", (long long)a3), "2026-11-28");
	EXPECT_ACT(f, mdt_action_reassign(f->s, a1, fx_person(f,
	    "Ade Okonkwo"), NULL), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_action_reassign(f->s, a3, 0, ""), MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_action_reassign(f->s, a3, 0, "soon"), MDT_EDATE, 0,
	    0);
	EXPECT_ACT(f, mdt_action_reassign(f->s, a3, 4242, NULL), MDT_ENOTFOUND,
	    0, 0);
	assert_string_equal(mdt_action_verdict_name(MDT_VERDICT_REASSIGNED),
	    "reassigned");
}

static void
test_agenda_write(void **state)
{
	struct fx *f = *state;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	assert_int_equal(mdt_candidate_select(f->s, cand(f, A), 0, fx_person(f,
	    "Marta Kowalczyk"), NULL), MDT_OK);
	assert_int_equal(mdt_candidate_defer(f->s, cand(f, B), "next month"),
	    MDT_OK);
	out = open_memstream(&text, &len);
	assert_non_null(out);
	assert_int_equal(mdt_agenda_write(f->s, f->meeting, MDT_AGENDA_MD,
	    false, out), MDT_OK);
	fclose(out);
	assert_non_null(strstr(text, "# Agenda: Larkhall MDT"));
	assert_non_null(strstr(text, "| 1 | 13:00 | 6 | Z.A., born 1941, NHS"
	    " \\*\\*\\*-\\*\\*\\*-\\*633 | referral | Marta Kowalczyk | Falls |"));
	assert_non_null(strstr(text, "## Deferred"));
	assert_non_null(strstr(text, "A.P., born 1936, NHS \\*\\*\\*-\\*\\*\\*-\\*082: next"
	    " month"));
	assert_non_null(strstr(text, "## Referrals waiting for a decision"));
	assert_null(strstr(text, "Adébáyọ̀"));
	assert_null(strstr(text, "9993395633"));
	assert_null(strstr(text, "999 339 5633"));
	free(text);

	out = open_memstream(&text, &len);
	assert_non_null(out);
	assert_int_equal(mdt_agenda_write(f->s, f->meeting, MDT_AGENDA_TXT,
	    true, out), MDT_OK);
	fclose(out);
	assert_non_null(strstr(text, " 1. 13:00   6 min  Zoë Adébáyọ̀, born"
	    " 1941-03-14, NHS 999 339 5633\n"));
	assert_non_null(strstr(text, "    Presenter: Marta Kowalczyk\n"));
	assert_non_null(strstr(text, "NOT MASKED"));
	free(text);
}

static void
test_mask(void **state)
{
	char buf[96];

	(void)state;
	assert_string_equal(mdt_patient_mask("Zoë Adébáyọ̀", "1941-03-14",
	    "9993395633", buf, sizeof(buf)),
	    "Z.A., born 1941, NHS ***-***-*633");
	assert_string_equal(mdt_patient_mask("Iwan ap Rhys", "1950-10-19",
	    "9999538932", buf, sizeof(buf)),
	    "I.R., born 1950, NHS ***-***-*932");
	assert_string_equal(mdt_patient_mask("Éowyn Ní Bhriain-Óg", "",
	    "9999538932", buf, sizeof(buf)),
	    "É.N.B.Ó., born ????, NHS ***-***-*932");
	assert_string_equal(mdt_patient_mask("", "1950-10-19", "", buf,
	    sizeof(buf)), "?, born 1950, NHS ***-***-*???");
}

/* The demo's slots each have a candidate (the migration gives old slots
 * theirs too). */
static void
test_demo_candidates(void **state)
{
	struct fx *f = *state;
	struct mdt_candidate *c;
	struct mdt_agenda_state as;
	size_t n;

	assert_int_equal(mdt_candidates_load(f->s, f->meeting, &c, &n), MDT_OK);
	assert_int_equal(n, 12);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(c[i].state, MDT_CANDIDATE_SELECTED);
		assert_int_equal(c[i].position, (int)i + 1);
		assert_int_not_equal(c[i].lists, 0);
		assert_string_not_equal(c[i].reason, "");
	}
	mdt_candidates_free(c, n);
	assert_int_equal(mdt_agenda_state(f->s, f->meeting, &as), MDT_OK);
	assert_int_equal(as.unresolved_referrals, 0);
	assert_int_equal(mdt_candidates_load(f->s, 4242, &c, &n),
	    MDT_ENOTFOUND);
}

static void
test_schedule(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { "Riverside MDT", "2026-12-02", "09:30",
	    "Riverside Surgery", 60 };
	int64_t id, again;
	char buf[64];

	fx_exec(f->s, "INSERT INTO people (uuid, name) VALUES"
	    " ('p1', 'Ann Example'), ('p2', 'Bo Example')");
	EXPECT_ACT(f, mdt_meeting_create(f->s, &in, &id, NULL), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT scheduled_start FROM meetings"
	    " WHERE id = %lld", (long long)id), INT64_C(1796203800000));
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT v.name FROM"
	    " meetings m JOIN venues v ON v.id = m.venue_id WHERE m.id = %lld",
	    (long long)id), "Riverside Surgery");
	/* the register lists everyone known, none marked yet */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM attendance WHERE"
	    " meeting_id = %lld AND status = 'unknown'", (long long)id),
	    fx_int(f->s, "SELECT count(*) FROM people"));
	assert_int_equal(mdt_meeting_create(f->s, &in, &again, NULL), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM venues WHERE"
	    " name = 'Riverside Surgery'"), 1);
	in.time = "25:00";
	assert_int_equal(mdt_meeting_create(f->s, &in, &id, NULL), MDT_EINVAL);
	in.time = NULL;
	in.date = "2026-13-01";
	assert_int_equal(mdt_meeting_create(f->s, &in, &id, NULL), MDT_EDATE);
	in.date = "+1";
	in.title = " ";
	assert_int_equal(mdt_meeting_create(f->s, &in, &id, NULL), MDT_EINVAL);
}

/*
 * A fortnightly series at the network's practices in turn: all or none;
 * the caseload carried forward to the first only, and to each next one
 * when the meeting before it closes; the rota goes on where it stopped.
 */
static void
test_series(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { "INC North", "+14", NULL, NULL, 0 };
	const char *const rota[] = { " Archway  Medical Centre ",
	    "Hornsey Rise", "Brookfield" };
	const char *const bad[] = { "Archway", "Hornsey\x1b[2J" };
	const char *const two[] = { "BROOKFIELD", "Archway Medical Centre" };
	int64_t ids[3], more[2], before;
	char buf[64];
	size_t first = 9;
	int carried = -1;

	record_outcome(f, 1, MDT_OUTCOME_STAY, "2026-12-05");
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	before = fx_int(f->s, "SELECT count(*) FROM meetings");
	/* refused whole: a venue the input policy refuses, no count */
	assert_int_equal(mdt_meeting_series(f->s, &in, 14, 2, bad, 2, 0,
	    more, NULL), MDT_EINVAL);
	assert_int_equal(mdt_meeting_series(f->s, &in, 14, 0, rota, 3, 0,
	    more, NULL), MDT_EINVAL);
	assert_int_equal(mdt_meeting_series(f->s, &in, 0, 2, rota, 3, 0,
	    more, NULL), MDT_EINVAL);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM meetings"),
	    before);

	assert_int_equal(mdt_meeting_series(f->s, &in, 14, 3, rota, 3, 0, ids,
	    &carried), MDT_OK);
	assert_int_equal(carried, 1);
	for (int k = 1; k < 3; k++)
		assert_int_equal(fx_int(f->s, "SELECT (SELECT scheduled_start"
		    " FROM meetings WHERE id = %lld) - (SELECT scheduled_start"
		    " FROM meetings WHERE id = %lld)", (long long)ids[k],
		    (long long)ids[k - 1]), INT64_C(14) * 86400 * 1000);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " group_concat(v.name, '|') FROM (SELECT venue_id FROM meetings"
	    " WHERE id IN (%lld, %lld, %lld) ORDER BY scheduled_start) m"
	    " JOIN venues v ON v.id = m.venue_id", (long long)ids[0],
	    (long long)ids[1], (long long)ids[2]),
	    "Archway Medical Centre|Hornsey Rise|Brookfield");
	/* the patient due is a candidate of the first only */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld", (long long)ids[0]), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id IN (%lld, %lld)", (long long)ids[1],
	    (long long)ids[2]), 0);
	/* the first held, the patient not discussed: carried to the next */
	assert_int_equal(mdt_meeting_open(f->s, ids[0]), MDT_OK);
	assert_int_equal(mdt_meeting_close(f->s, ids[0]), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld AND carried_forward = 1",
	    (long long)ids[1]), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld", (long long)ids[2]), 0);
	/* the rota goes on after the latest meeting's venue */
	assert_int_equal(mdt_rota_next(f->s, two, 2, &first), MDT_OK);
	assert_int_equal(first, 1);
	assert_int_equal(mdt_rota_next(f->s, rota, 3, &first), MDT_OK);
	assert_int_equal(first, 0);
}

/* The candidate of meeting for the patient with NHS number nhs: its id,
 * lists and reason (the caller frees reason); 0 if none. */
static int64_t
cand_of(struct fx *f, int64_t meeting, const char *nhs, unsigned *lists,
    char **reason)
{
	struct mdt_candidate *c;
	int64_t id = 0;
	size_t n;

	assert_int_equal(mdt_candidates_load(f->s, meeting, &c, &n), MDT_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].nhs_number, nhs) == 0) {
			id = c[i].id;
			if (lists != NULL)
				*lists = (unsigned)c[i].lists;
			if (reason != NULL) {
				char h[512];

				/* the reason, then the queue's history */
				mdt_referral_history(&c[i], h, sizeof(h));
				*reason = mdt_xasprintf("%s | %s", c[i].reason,
				    h);
			}
		}
	mdt_candidates_free(c, n);
	return id;
}

/*
 * Referrals are never turned away: deferred or never decided, they come
 * to the next meeting on their own, with how long they have waited and
 * why they were put off; a referral discussed does not; and bringing them
 * forward again adds nothing.
 */
static void
test_referrals_forward(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { "Next MDT", "+14", NULL, NULL, 0 };
	int64_t zoe, arthur, dennis, slot, m2, m3, cand;
	unsigned lists = 0;
	char *why = NULL;
	int added;

	zoe = cand_of(f, f->meeting, "9993395633", NULL, NULL);
	arthur = cand_of(f, f->meeting, "9999939082", NULL, NULL);
	dennis = cand_of(f, f->meeting, "9994140027", NULL, NULL);
	assert_int_equal(mdt_candidate_defer(f->s, zoe, "GP summary awaited"),
	    MDT_OK);
	assert_int_equal(mdt_candidate_defer(f->s, dennis, "Seen by the"
	    " respiratory team first"), MDT_OK);
	assert_int_equal(mdt_candidate_select(f->s, arthur, 0, 0, &slot),
	    MDT_OK);
	/* Arthur is discussed; Małgorzata is never decided */
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);

	f->now += 7 * INT64_C(86400000);
	assert_int_equal(mdt_meeting_create(f->s, &in, &m2, NULL), MDT_OK);
	assert_int_equal(cand_of(f, m2, "9999939082", NULL, NULL), 0);
	cand = cand_of(f, m2, "9993395633", &lists, &why);
	assert_true(cand > 0);
	assert_true(lists & MDT_LIST_REFERRAL);
	assert_non_null(strstr(why, "Falls"));
	assert_non_null(strstr(why, "waited 21 days, deferred 1x ("));
	assert_non_null(strstr(why, ": GP summary awaited)"));
	free(why);
	assert_true(cand_of(f, m2, "9991581766", NULL, &why) > 0);
	assert_non_null(strstr(why, "waited 21 days, not deferred before"));
	free(why);
	assert_true(cand_of(f, m2, "9994140027", NULL, &why) > 0);
	assert_non_null(strstr(why, "deferred 1x ("));
	assert_non_null(strstr(why, ": Seen by the respiratory"));
	free(why);
	/* again: nothing new, one referral entry each */
	assert_int_equal(mdt_carry_forward(f->s, m2, &added), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM list_entries le"
	    " JOIN candidates c ON c.id = le.candidate_id WHERE"
	    " c.meeting_id = %lld AND le.list = 'referral'", (long long)m2), 3);

	/* put off again at the second meeting: twice, both reasons */
	assert_int_equal(mdt_candidate_defer(f->s, cand, "Awaiting the"
	    " memory clinic"), MDT_OK);
	assert_int_equal(mdt_meeting_open(f->s, m2), MDT_OK);
	assert_int_equal(mdt_meeting_close(f->s, m2), MDT_OK);
	in.date = "+21";
	assert_int_equal(mdt_meeting_create(f->s, &in, &m3, NULL), MDT_OK);
	assert_true(cand_of(f, m3, "9993395633", NULL, &why) > 0);
	{
		/* both reasons, oldest first, each after its meeting's day */
		const char *one = strstr(why, ": GP summary awaited; "),
		    *two = strstr(why, ": Awaiting the memory clinic)");

		assert_non_null(strstr(why, "deferred 2x ("));
		assert_non_null(one);
		assert_non_null(two);
		assert_true(one < two);
	}
	free(why);
}

/* SQLite's steps to load the meeting's candidates. */
static int64_t
candidates_cost(struct fx *f)
{
	struct mdt_candidate *c;
	size_t n;
	int64_t steps = 0;

	fx_steps(f->s, &steps);
	assert_int_equal(mdt_candidates_load(f->s, f->meeting, &c, &n),
	    MDT_OK);
	fx_steps(f->s, NULL);
	assert_true(n > 0);
	mdt_candidates_free(c, n);
	return steps;
}

/* The preparation screen's query (and the agenda's) costs what the
 * candidates' own histories cost: a thousand past meetings of other
 * patients, each with an outcome, add no step to it. */
static void
test_candidates_cost_flat(void **state)
{
	struct fx *f = *state;
	int64_t before, after;

	before = candidates_cost(f);
	fx_exec(f->s, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT"
	    " i + 1 FROM n WHERE i < 1000)"
	    " INSERT INTO patients (uuid, nhs_number, name)"
	    " SELECT 'hist-p-' || i, 8000000000 + i, 'Past ' || i FROM n");
	fx_exec(f->s, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT"
	    " i + 1 FROM n WHERE i < 1000)"
	    " INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes, state) SELECT 'hist-m-' || i, 'Past',"
	    " (SELECT min(scheduled_start) FROM meetings) - i * 604800000,"
	    " 90, 'closed' FROM n");
	fx_exec(f->s, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position, state) SELECT 'hist-s-' || substr(m.uuid, 8), m.id,"
	    " p.id, 1, 'done' FROM meetings m JOIN patients p"
	    " ON p.uuid = 'hist-p-' || substr(m.uuid, 8)"
	    " WHERE m.uuid GLOB 'hist-m-*'");
	fx_exec(f->s, "INSERT INTO outcomes (uuid, slot_id, kind, recorded_at)"
	    " SELECT 'hist-o-' || id, id, 'close', 0 FROM slots"
	    " WHERE uuid GLOB 'hist-s-*'");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outcomes"), 1000);
	after = candidates_cost(f);
	/* the same but for a statement's first run; a scan of the thousand
	 * would add thousands */
	assert_true(after <= before + 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_select_order_plan,
		    setup_referrals, fx_teardown),
		cmocka_unit_test_setup_teardown(test_deselect_and_defer,
		    setup_referrals, fx_teardown),
		cmocka_unit_test_setup_teardown(test_finalise,
		    setup_referrals, fx_teardown),
		cmocka_unit_test_setup_teardown(test_add_on_day,
		    setup_referrals, fx_teardown),
		cmocka_unit_test_setup_teardown(test_carry_forward,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rising_risk,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_review_actions,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_agenda_write,
		    setup_referrals, fx_teardown),
		cmocka_unit_test(test_mask),
		cmocka_unit_test_setup_teardown(test_demo_candidates,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_schedule,
		    fx_setup_memory, fx_teardown),
		cmocka_unit_test_setup_teardown(test_series, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_referrals_forward,
		    setup_referrals, fx_teardown),
		cmocka_unit_test_setup_teardown(test_candidates_cost_flat,
		    fx_setup_demo, fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
