/*
 * test_review.c - the review of a period, against figures worked out by
 * hand from a small history built through the core API with the fake
 * clock (TZ=UTC).  The range is 2026-11-11 to 2026-11-25:
 *
 *   A  2026-11-10  the day before: not counted.  Dennis (P4), 10:00,
 *                  stays with review 2026-11-11; actions a0 (due 11-20,
 *                  done 11-12) and a1 (due 11-15, left open).
 *   B  2026-11-11  the first day: closed.  Register: two GPs, the matron
 *                  and the social worker present, the mental-health nurse
 *                  sends apologies.  Candidates: Zoë (P1) caseload and
 *                  referral by "Dr Mensah", Arthur (P2) referral by
 *                  "Dr Mensah", Małgorzata (P3) referral by "Marta
 *                  Kowalczyk", Dennis (P4) carried forward from A, Fatima
 *                  (P5) added on the day.
 *                    B1 P1 3:30  under   stay       b1 done 11-14, b5 due 11-25
 *                    B2 P2 8:00  over    step down  b2 done 11-21, b6 due 11-12
 *                       (3:00, a 2:00 pause, 5:00)                done 11-26
 *                    B3 P3 6:30  within  close       b3 cancelled 11-15
 *                    B4 P4 7:00  within  died        b4 contact relatives,
 *                                                    due 11-18, open
 *                    B5 P5 7:01  over    none
 *   C  2026-11-25  the last day: the demo meeting, left open.  GP, matron
 *                  and mental-health nurse present.
 *                    C1 P1 5:00  within  stay        c1 done the same day
 *                    C2 P2 4:59  under   none
 *                    C3 P3 6:40  within  close       c2 due +14, open
 *                    C4 P4 15:00 over    none (paused, not closed)
 *                    C5..C12 never started
 *   D  2026-11-26  the day after: not counted (George, 3:00, action d1).
 */
#include "config.h"

#include <unistd.h>

#include <jansson.h>

#include "fixture.h"

#define P1 "9993395633"	/* Zoë Adébáyọ̀, 1941-03-14 */
#define P2 "9999939082"	/* Arthur Pennington, 1936-11-02 */
#define P3 "9991581766"	/* Małgorzata Nowak, 1952-07-21 */
#define P4 "9994140027"	/* Dennis O'Driscoll, 1948-01-30 */
#define P5 "9990506310"	/* Fatima Begum, 1960-05-09 */
#define P7 "9998611687"	/* George Ashworth, 1944-12-25 */

static int64_t
patient(struct fx *f, const char *nhs)
{
	return fx_int(f->s, "SELECT id FROM patients WHERE nhs_number = '%s'",
	    nhs);
}

static int64_t
slot_of(struct fx *f, int64_t meeting, const char *nhs)
{
	return fx_int(f->s, "SELECT id FROM slots WHERE meeting_id = %lld"
	    " AND patient_id = %lld", (long long)meeting,
	    (long long)patient(f, nhs));
}

static int64_t
add_on_day(struct fx *f, int64_t meeting, const char *nhs, const char *name,
    const char *dob)
{
	struct mdt_patient_in p = { nhs, name, dob, NULL };
	int64_t slot = 0;

	assert_int_equal(mdt_slot_add_on_day(f->s, meeting, &p,
	    "Worse since the weekend", 0, 0, &slot), MDT_OK);
	return slot;
}

static int64_t
action(struct fx *f, int64_t slot, int64_t owner, const char *due)
{
	int64_t id = 0;

	assert_int_equal(mdt_action_add(f->s, slot, "Follow up", owner, due,
	    &id), MDT_OK);
	return id;
}

static void
consent(struct fx *f, int64_t slot)
{
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
}

static void
next(struct fx *f, int64_t meeting)
{
	int rc = mdt_slot_next(f->s, meeting, NULL);

	assert_true(rc == MDT_OK || rc == MDT_ENOTFOUND);
}

static void
attend(struct fx *f, int64_t meeting, const char *name, enum mdt_attend a)
{
	assert_int_equal(mdt_attendance_set(f->s, meeting, fx_person(f, name),
	    a), MDT_OK);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
set_status(struct fx *f, const char *when, int64_t action_id,
    enum mdt_action_status st)
{
	f->now = fx_at(when);
	assert_int_equal(mdt_action_set_status(f->s, action_id, st), MDT_OK);
}

/* The history described at the top of this file. */
static int
setup_history(void **state)
{
	struct fx *f = fx_new();
	struct mdt_import_report rep;
	char err[256], path[192];
	int64_t a, b, c, d, sl, a0, b1, b2, b3, b6, c1;
	int64_t jamie, kwame;

	fx_tempdir(f);
	assert_int_equal(mdt_store_open(":memory:", &f->clock, MDT_OPEN_CREATE,
	    &f->s, err, sizeof(err)), MDT_OK);
	/* the demo: people, patients and meeting C on 2026-11-25 */
	f->now = fx_at("2026-11-25 09:00");
	assert_int_equal(mdt_demo_create(f->s, &c), MDT_OK);
	f->meeting = c;
	jamie = fx_person(f, "Jamie Thornton");
	kwame = fx_person(f, "Dr Kwame Mensah");

	/* ---- A, the day before the range ---- */
	f->now = fx_at("2026-11-10 12:00");
	a = fx_meeting_at(f, "2026-11-10");
	sl = add_on_day(f, a, P4, "Dennis O'Driscoll", "1948-01-30");
	attend(f, a, "Jamie Thornton", MDT_ATTEND_PRESENT);
	f->now = fx_at("2026-11-10 13:00");
	next(f, a);
	consent(f, sl);
	a0 = action(f, sl, jamie, "2026-11-20");
	action(f, sl, jamie, "2026-11-15");
	assert_int_equal(mdt_outcome_record(f->s, sl, MDT_OUTCOME_STAY,
	    "2026-11-11"), MDT_OK);
	f->now += 10 * FX_MIN;
	assert_int_equal(mdt_meeting_close(f->s, a), MDT_OK);

	/* ---- B, the first day ---- */
	f->now = fx_at("2026-11-11 12:00");
	b = fx_meeting_at(f, "2026-11-11");	/* carries Dennis forward */
	snprintf(path, sizeof(path), "%s/caseload.csv", f->dir);
	write_file(path, "nhs_number,name,date_of_birth\n"
	    P1 ",Zoë Adébáyọ̀,1941-03-14\n");
	assert_int_equal(mdt_import_csv(f->s, b, MDT_LIST_CASELOAD, path,
	    false, NULL, false, &rep), MDT_OK);
	mdt_import_report_done(&rep);
	snprintf(path, sizeof(path), "%s/referral.csv", f->dir);
	write_file(path, "nhs_number,name,date_of_birth,reason,referred_by\n"
	    P1 ",Zoë Adébáyọ̀,1941-03-14,Falls,Dr Mensah\n"
	    P2 ",Arthur Pennington,1936-11-02,Calls at night,Dr Mensah\n"
	    P3 ",Małgorzata Nowak,1952-07-21,Heart failure,"
	    "Marta Kowalczyk\n");
	assert_int_equal(mdt_import_csv(f->s, b, MDT_LIST_REFERRAL, path,
	    false, NULL, false, &rep), MDT_OK);
	mdt_import_report_done(&rep);
	{
		const char *order[] = { P1, P2, P3, P4 };

		for (size_t i = 0; i < 4; i++)
			assert_int_equal(mdt_candidate_select(f->s, fx_int(f->s,
			    "SELECT id FROM candidates WHERE meeting_id = %lld"
			    " AND patient_id = %lld", (long long)b,
			    (long long)patient(f, order[i])), 0, 0, NULL),
			    MDT_OK);
	}
	attend(f, b, "Dr Siobhán Ní Bhriain", MDT_ATTEND_PRESENT);
	attend(f, b, "Dr Kwame Mensah", MDT_ATTEND_PRESENT);
	attend(f, b, "Marta Kowalczyk", MDT_ATTEND_PRESENT);
	attend(f, b, "Ade Okonkwo", MDT_ATTEND_PRESENT);
	attend(f, b, "Priya Raghunathan", MDT_ATTEND_APOLOGIES);

	f->now = fx_at("2026-11-11 13:00");
	next(f, b);					/* B1 */
	sl = slot_of(f, b, P1);
	consent(f, sl);
	b1 = action(f, sl, kwame, "2026-11-18");
	action(f, sl, kwame, "2026-11-25");		/* b5 */
	assert_int_equal(mdt_outcome_record(f->s, sl, MDT_OUTCOME_STAY,
	    "2027-01-01"), MDT_OK);
	f->now += 210 * FX_SEC;
	next(f, b);					/* B2 */
	sl = slot_of(f, b, P2);
	consent(f, sl);
	b2 = action(f, sl, kwame, "2026-11-30");
	b6 = action(f, sl, kwame, "2026-11-12");
	assert_int_equal(mdt_outcome_record(f->s, sl, MDT_OUTCOME_STEP_DOWN,
	    NULL), MDT_OK);
	f->now += 180 * FX_SEC;
	assert_int_equal(mdt_slot_pause_toggle(f->s, b), MDT_OK);
	f->now += 120 * FX_SEC;
	assert_int_equal(mdt_slot_pause_toggle(f->s, b), MDT_OK);
	f->now += 300 * FX_SEC;
	next(f, b);					/* B3 */
	sl = slot_of(f, b, P3);
	consent(f, sl);
	b3 = action(f, sl, jamie, "2026-11-20");
	assert_int_equal(mdt_outcome_record(f->s, sl, MDT_OUTCOME_CLOSE, NULL),
	    MDT_OK);
	f->now += 390 * FX_SEC;
	next(f, b);					/* B4 */
	sl = slot_of(f, b, P4);
	consent(f, sl);
	assert_int_equal(mdt_outcome_record(f->s, sl, MDT_OUTCOME_DIED, NULL),
	    MDT_OK);				/* b4, due 2026-11-18 */
	add_on_day(f, b, P5, "Fatima Begum", "1960-05-09");
	f->now += 420 * FX_SEC;
	next(f, b);					/* B5 */
	f->now += 421 * FX_SEC;
	assert_int_equal(mdt_meeting_close(f->s, b), MDT_OK);

	set_status(f, "2026-11-12 09:00", a0, MDT_ACTION_DONE);
	set_status(f, "2026-11-14 10:00", b1, MDT_ACTION_DONE);
	set_status(f, "2026-11-15 10:00", b3, MDT_ACTION_CANCELLED);
	set_status(f, "2026-11-21 10:00", b2, MDT_ACTION_DONE);

	/* ---- C, the last day (the demo meeting) ---- */
	attend(f, c, "Dr Siobhán Ní Bhriain", MDT_ATTEND_PRESENT);
	attend(f, c, "Marta Kowalczyk", MDT_ATTEND_PRESENT);
	attend(f, c, "Priya Raghunathan", MDT_ATTEND_PRESENT);
	f->now = fx_at("2026-11-25 13:00");
	next(f, c);					/* C1 */
	sl = slot_of(f, c, P1);
	consent(f, sl);
	c1 = action(f, sl, kwame, "2026-12-10");
	assert_int_equal(mdt_outcome_record(f->s, sl, MDT_OUTCOME_STAY,
	    "2027-02-01"), MDT_OK);
	f->now += 300 * FX_SEC;
	next(f, c);					/* C2 */
	f->now += 299 * FX_SEC;
	next(f, c);					/* C3 */
	sl = slot_of(f, c, P3);
	consent(f, sl);
	action(f, sl, jamie, "+14");			/* c2 */
	assert_int_equal(mdt_outcome_record(f->s, sl, MDT_OUTCOME_CLOSE, NULL),
	    MDT_OK);
	f->now += 400 * FX_SEC;
	next(f, c);					/* C4 */
	f->now += 900 * FX_SEC;
	assert_int_equal(mdt_slot_pause_toggle(f->s, c), MDT_OK);
	set_status(f, "2026-11-25 14:00", c1, MDT_ACTION_DONE);

	/* ---- after the range ---- */
	set_status(f, "2026-11-26 09:00", b6, MDT_ACTION_DONE);
	f->now = fx_at("2026-11-26 12:00");
	d = fx_meeting_at(f, "2026-11-26");
	sl = add_on_day(f, d, P7, "George Ashworth", "1944-12-25");
	attend(f, d, "Hamza Qureshi", MDT_ATTEND_PRESENT);
	f->now = fx_at("2026-11-26 13:00");
	next(f, d);
	consent(f, sl);
	action(f, sl, jamie, "+7");			/* d1 */
	f->now += 180 * FX_SEC;
	assert_int_equal(mdt_meeting_close(f->s, d), MDT_OK);

	/* later still: the review is run the week after */
	f->now = fx_at("2026-12-01 10:00");
	*state = f;
	return 0;
}

static void
load(struct fx *f, const char *from, const char *to, struct mdt_review *r)
{
	assert_int_equal(mdt_review_load(f->s, from, to, r), MDT_OK);
}

static void
test_figures(void **state)
{
	struct fx *f = *state;
	struct mdt_review r;

	load(f, "2026-11-11", "2026-11-25", &r);
	assert_string_equal(r.from, "2026-11-11");
	assert_string_equal(r.to, "2026-11-25");

	/* B and C (on the first and last days), not A or D; C is open */
	assert_int_equal(r.meetings_held, 2);
	assert_int_equal(r.meetings_closed, 1);
	assert_int_equal(r.n_meetings, 2);
	assert_string_equal(r.meetings[0].date, "2026-11-11");
	assert_string_equal(r.meetings[1].date, "2026-11-25");
	assert_true(r.meetings[0].closed);
	assert_false(r.meetings[1].closed);

	/* B1..B5 and C1..C4; P1..P4 twice, P5 once */
	assert_int_equal(r.slots_discussed, 9);
	assert_int_equal(r.patients_discussed, 5);
	assert_int_equal(r.meetings[0].n_slots, 5);
	assert_int_equal(r.meetings[1].n_slots, 4);
	assert_int_equal(r.meetings[0].slot_ms[0], 210000);
	/* the pause left out */
	assert_int_equal(r.meetings[0].slot_ms[1], 480000);
	assert_int_equal(r.meetings[1].slot_ms[3], 900000);	/* paused */

	/*
	 * Sorted: 210 299 300 390 400 420 421 480 900 (seconds).
	 * mean = 3820 / 9 = 424.444...; median = the 5th = 400;
	 * p90 = rank ceil(0.9 * 9) = 9: 900.
	 */
	assert_true(r.mean_s > 424.4444 && r.mean_s < 424.4445);
	assert_true(r.median_s == 400.0);
	assert_true(r.p90_s == 900.0);
	/* under 210 299; within 300 390 400 420 (edges in); over 421 480 900 */
	assert_int_equal(r.slots_under, 2);
	assert_int_equal(r.slots_within, 4);
	assert_int_equal(r.slots_over, 3);

	/*
	 * Opened in range: b1..b6, c1, c2 = 8 (not a0, a1, d1).
	 * Done in range: a0 11-12 (2 days), b1 11-14 (3), b2 11-21 (10),
	 * c1 11-25 (0): 4, median of 0 2 3 10 = 2.5.  b6 was done on 11-26,
	 * after the range.  Cancelled: b3.
	 * Overdue at the end of 11-25 (open then, due before 11-25): a1 (due
	 * 11-15), b4 (11-18), b6 (11-12, done only on 11-26); not b5 (due on
	 * 11-25 itself), c2 (12-09), d1 (made after).
	 */
	assert_int_equal(r.actions_opened, 8);
	assert_int_equal(r.actions_closed, 4);
	assert_int_equal(r.actions_cancelled, 1);
	assert_int_equal(r.actions_overdue, 3);
	assert_true(r.median_days_to_close == 2.5);

	/* stay B1 C1; step down B2; close B3 C3; died B4; none B5 C2 C4 */
	assert_int_equal(r.outcomes[MDT_OUTCOME_STAY], 2);
	assert_int_equal(r.outcomes[MDT_OUTCOME_STEP_DOWN], 1);
	assert_int_equal(r.outcomes[MDT_OUTCOME_CLOSE], 2);
	assert_int_equal(r.outcomes[MDT_OUTCOME_DIED], 1);
	assert_int_equal(r.outcomes[MDT_OUTCOME_NONE], 3);

	/*
	 * Lists per slot discussed: caseload B1 B4 C1 C2 C4 = 5 (the demo
	 * has P1 caseload+frequent attender, P2 caseload+ambulance, P3
	 * discharge, P4 caseload+frequent attender); referral B1 B2 B3;
	 * discharge C3; frequent attender C1 C4; ambulance C2.  Added on
	 * the day B5.
	 */
	assert_int_equal(r.lists[0], 5);	/* caseload */
	assert_int_equal(r.lists[1], 3);	/* referral */
	assert_int_equal(r.lists[2], 0);	/* inpatient */
	assert_int_equal(r.lists[3], 1);	/* discharge */
	assert_int_equal(r.lists[4], 2);	/* frequent attender */
	assert_int_equal(r.lists[5], 1);	/* ambulance */
	/* B4, carried at B's scheduling; C4, carried to C (the next
	 * meeting planned then) when A closed */
	assert_int_equal(r.carried_forward, 2);
	assert_int_equal(r.escalated, 0);
	assert_int_equal(r.added_on_day, 1);
	assert_int_equal(r.n_referrers, 2);
	assert_string_equal(r.referrers[0].name, "Dr Mensah");
	assert_int_equal(r.referrers[0].n, 2);
	assert_string_equal(r.referrers[1].name, "Marta Kowalczyk");
	assert_int_equal(r.referrers[1].n, 1);
	assert_int_equal(r.referrals_unnamed, 0);

	/*
	 * Present: B two GPs, matron, social worker; C a GP, matron,
	 * mental-health nurse (apologies in B).  Not A's care navigator or
	 * D's pharmacist.
	 */
	assert_int_equal(r.n_disciplines, 4);
	assert_string_equal(r.disciplines[0].name, "Community matron");
	assert_int_equal(r.disciplines[0].n, 2);
	assert_int_equal(r.disciplines[0].meetings, 2);
	assert_string_equal(r.disciplines[1].name, "GP");
	assert_int_equal(r.disciplines[1].n, 3);
	assert_int_equal(r.disciplines[1].meetings, 2);
	assert_string_equal(r.disciplines[2].name, "Mental-health nurse");
	assert_int_equal(r.disciplines[2].n, 1);
	assert_int_equal(r.disciplines[2].meetings, 1);
	assert_string_equal(r.disciplines[3].name, "Social worker");
	assert_int_equal(r.disciplines[3].n, 1);
	assert_int_equal(r.disciplines[3].meetings, 1);

	/* weeks from 11-11: 11-11..11-17 (a0 b1), 11-18..11-24 (b2),
	 * 11-25 alone (c1) */
	assert_false(r.monthly);
	assert_int_equal(r.n_periods, 3);
	assert_string_equal(r.periods[0].from, "2026-11-11");
	assert_string_equal(r.periods[0].to, "2026-11-17");
	assert_string_equal(r.periods[2].from, "2026-11-25");
	assert_string_equal(r.periods[2].to, "2026-11-25");
	assert_int_equal(r.periods[0].closed, 2);
	assert_int_equal(r.periods[1].closed, 1);
	assert_int_equal(r.periods[2].closed, 1);
	mdt_review_free(&r);
}

/* One day each: exactly the meeting of that day. */
static void
test_edges(void **state)
{
	struct fx *f = *state;
	struct mdt_review r;

	load(f, "2026-11-10", "2026-11-10", &r);
	assert_int_equal(r.meetings_held, 1);
	assert_int_equal(r.slots_discussed, 1);
	assert_int_equal(r.meetings[0].slot_ms[0], 600000);
	assert_int_equal(r.actions_opened, 2);
	assert_int_equal(r.disciplines[0].n, 1);
	assert_string_equal(r.disciplines[0].name, "Care navigator");
	mdt_review_free(&r);

	load(f, "2026-11-12", "2026-11-24", &r);
	assert_int_equal(r.meetings_held, 0);
	assert_int_equal(r.slots_discussed, 0);
	/* a0 b1 b2 done, b3 cancelled inside; nothing opened */
	assert_int_equal(r.actions_closed, 3);
	assert_int_equal(r.actions_cancelled, 1);
	assert_int_equal(r.actions_opened, 0);
	/* open at the end of 11-24, due before it: a1, b4, b6 */
	assert_int_equal(r.actions_overdue, 3);
	mdt_review_free(&r);

	/* The whole year: charted per month; November holds the four done
	 * in November (a0 b1 b2 c1) and b6 on 11-26. */
	load(f, "2026-01-01", "2026-11-30", &r);
	assert_true(r.monthly);
	assert_int_equal(r.n_periods, 11);
	assert_string_equal(r.periods[10].from, "2026-11-01");
	assert_string_equal(r.periods[10].to, "2026-11-30");
	assert_int_equal(r.periods[10].closed, 5);
	assert_int_equal(r.periods[9].closed, 0);
	assert_int_equal(r.meetings_held, 4);
	mdt_review_free(&r);

	/* A range that ends after today: overdue means overdue now.  On
	 * 11-16 at noon, open and due before 11-16: a1 (11-15) and b6
	 * (11-12); not b4 (11-18) nor b5 (11-25), not yet due, though they
	 * fall due before the range ends. */
	f->now = fx_at("2026-11-16 12:00");
	load(f, "2026-11-11", "2026-11-30", &r);
	assert_int_equal(r.actions_overdue, 2);
	mdt_review_free(&r);

	/* a1 withdrawn, entered in error: never agreed, it counts nowhere
	 * (not opened on 11-10, not overdue, not cancelled) */
	assert_int_equal(mdt_action_withdraw(f->s, fx_int(f->s, "SELECT id"
	    " FROM actions WHERE due_date = '2026-11-15'")), MDT_OK);
	load(f, "2026-11-11", "2026-11-30", &r);
	assert_int_equal(r.actions_overdue, 1);
	assert_int_equal(r.actions_cancelled, 1);	/* b3 only */
	mdt_review_free(&r);
	load(f, "2026-11-10", "2026-11-10", &r);
	assert_int_equal(r.actions_opened, 1);
	mdt_review_free(&r);
}

static void
test_empty_and_bad(void **state)
{
	struct fx *f = *state;
	struct mdt_review r;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	load(f, "2020-01-01", "2020-01-31", &r);
	assert_int_equal(r.meetings_held, 0);
	assert_int_equal(r.slots_discussed, 0);
	assert_int_equal(r.patients_discussed, 0);
	assert_true(r.mean_s == 0 && r.median_s == 0 && r.p90_s == 0);
	assert_int_equal(r.actions_opened + r.actions_closed +
	    r.actions_overdue, 0);
	assert_true(r.median_days_to_close < 0);
	assert_int_equal(r.n_disciplines, 0);
	assert_int_equal(r.n_periods, 5);	/* 7+7+7+7+3 days */
	mem = open_memstream(&buf, &len);
	assert_int_equal(mdt_review_write(f->s, &r, MDT_REVIEW_TXT, false, mem),
	    MDT_OK);
	assert_int_equal(mdt_review_write(f->s, &r, MDT_REVIEW_JSON, false, mem),
	    MDT_OK);
	assert_int_equal(mdt_review_svg(f->s, &r, mem), MDT_OK);
	fclose(mem);
	assert_non_null(strstr(buf, "no slot was discussed"));
	assert_non_null(strstr(buf, "\"median_days_to_close\": null"));
	assert_non_null(strstr(buf, "No meeting was held"));
	free(buf);
	mdt_review_free(&r);
	mdt_review_free(&r);	/* safe twice */

	assert_int_equal(mdt_review_load(f->s, "2026-11-25", "2026-11-11",
	    &r), MDT_EINVAL);
	assert_int_equal(mdt_review_load(f->s, "2026-02-30", "2026-03-01",
	    &r), MDT_EDATE);
	assert_int_equal(mdt_review_load(f->s, "+3", "2026-03-01", &r),
	    MDT_EDATE);
	assert_int_equal(mdt_review_load(f->s, "2026-01-01", "2026-1-31",
	    &r), MDT_EDATE);
	assert_int_equal(mdt_review_load(f->s, NULL, "2026-01-31", &r),
	    MDT_EDATE);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* Fails if any patient's name or NHS number is in text. */
static void
assert_no_patient(struct fx *f, const char *text)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(f->s),
	    "SELECT name, nhs_number FROM patients", -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *nhs = (const char *)sqlite3_column_text(st, 1);

		if (strstr(text, name) != NULL || strstr(text, nhs) != NULL)
			fail_msg("patient %s (%s) in the output", name, nhs);
	}
	sqlite3_finalize(st);
}

static void
test_outputs(void **state)
{
	struct fx *f = *state;
	struct mdt_review r;
	json_error_t jerr;
	json_t *j;
	char *txt = NULL, *js = NULL, *svg = NULL, path[192];
	size_t n = 0;
	FILE *mem;

	load(f, "2026-11-11", "2026-11-25", &r);
	mem = open_memstream(&txt, &n);
	assert_int_equal(mdt_review_write(f->s, &r, MDT_REVIEW_TXT, false, mem),
	    MDT_OK);
	fclose(mem);
	mem = open_memstream(&js, &n);
	assert_int_equal(mdt_review_write(f->s, &r, MDT_REVIEW_JSON, false, mem),
	    MDT_OK);
	fclose(mem);
	mem = open_memstream(&svg, &n);
	assert_int_equal(mdt_review_svg(f->s, &r, mem), MDT_OK);
	fclose(mem);

	/* text: the hand-worked figures, in minutes and seconds */
	assert_non_null(strstr(txt, "Review of 2026-11-11 to 2026-11-25"));
	assert_non_null(strstr(txt, "mean                             7:04"));
	assert_non_null(strstr(txt, "median                           6:40"));
	assert_non_null(strstr(txt, "90th percentile                 15:00"));
	assert_non_null(strstr(txt, "over the band                       3"
	    "  33.3%"));
	assert_non_null(strstr(txt, "within the band                     4"
	    "  44.4%"));
	assert_non_null(strstr(txt, "median days to close              2.5"));
	assert_non_null(strstr(txt, "Dr Mensah                           2"));
	assert_non_null(strstr(txt, "GP                                  3"
	    "         2"));

	/* JSON: the same figures */
	j = json_loads(js, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "meetings"), "held")), 2);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "patients_discussed")), 5);
	assert_true(json_real_value(json_object_get(json_object_get(j,
	    "slot_seconds"), "mean")) == 424.444);
	assert_true(json_real_value(json_object_get(json_object_get(j,
	    "slot_seconds"), "p90")) == 900.0);
	assert_true(json_real_value(json_object_get(json_object_get(j,
	    "band"), "share_over")) == 0.333);
	assert_true(json_real_value(json_object_get(json_object_get(j,
	    "actions"), "median_days_to_close")) == 2.5);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "outcomes"), "died")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "sources"), "frequent-attender")), 2);
	assert_int_equal(json_array_size(json_object_get(j, "per_meeting")),
	    2);
	assert_int_equal(json_array_size(json_object_get(j,
	    "closed_per_period")), 3);
	json_decref(j);

	/* SVG: one group per meeting, a dot per slot, a bar per week */
	assert_int_equal(count(svg, "<g class=\"meeting\""), 2);
	/* a dot per slot, and three in the legend */
	assert_int_equal(count(svg, "<circle cx="), 9 + 3);
	assert_int_equal(count(svg, "<rect class=\"bar\""), 3);
	assert_int_equal(count(svg, "<g"), count(svg, "</g>"));
	assert_non_null(strstr(svg, "class=\"band-warn\""));
	assert_non_null(strstr(svg, "class=\"band-over\""));
	assert_non_null(strstr(svg, "Minutes per slot"));
	assert_non_null(strstr(svg, "<title>MDT review 2026-11-11 to"
	    " 2026-11-25</title>"));

	/* no patient in any of them */
	assert_no_patient(f, txt);
	assert_no_patient(f, js);
	assert_no_patient(f, svg);

	/* well-formed XML, when xmllint is at hand */
	{
		const char *xmllint = getenv("XMLLINT_BIN");

		if (xmllint != NULL && *xmllint != '\0') {
			char cmd[512];
			FILE *fp;

			snprintf(path, sizeof(path), "%s/review.svg", f->dir);
			fp = fopen(path, "w");
			assert_non_null(fp);
			fputs(svg, fp);
			assert_int_equal(fclose(fp), 0);
			snprintf(cmd, sizeof(cmd), "'%s' --noout '%s'", xmllint,
			    path);
			assert_int_equal(system(cmd), 0);
		}
	}
	free(txt);
	free(js);
	free(svg);
	mdt_review_free(&r);
}

/* Too many meetings for a dot per slot: a 10th-90th percentile line and
 * a median dot per meeting. */
static void
test_svg_many_meetings(void **state)
{
	struct fx *f = *state;
	struct mdt_review r;
	int64_t ms[3] = { 240000, 360000, 600000 };
	char *svg = NULL;
	size_t n = 0;
	FILE *mem;

	memset(&r, 0, sizeof(r));
	strcpy(r.from, "2016-01-01");
	strcpy(r.to, "2025-12-31");
	r.n_meetings = 300;
	r.meetings = calloc(r.n_meetings, sizeof(*r.meetings));
	assert_non_null(r.meetings);
	for (size_t i = 0; i < r.n_meetings; i++) {
		r.meetings[i].id = (int64_t)i + 1;
		strcpy(r.meetings[i].date, "2020-01-01");
		r.meetings[i].warn_s = 300;
		r.meetings[i].over_s = 420;
		r.meetings[i].slot_ms = ms;
		r.meetings[i].n_slots = i % 10 == 0 ? 0 : 3;
	}
	mem = open_memstream(&svg, &n);
	assert_int_equal(mdt_review_svg(f->s, &r, mem), MDT_OK);
	fclose(mem);
	assert_int_equal(count(svg, "<g class=\"meeting\""), 300);
	assert_int_equal(count(svg, "class=\"whisker\"/>"), 270);
	/* the median, 6:00, is within the band: green */
	assert_int_equal(count(svg, "r=\"1.5\" fill=\"#2e7d32\""), 270);
	assert_int_equal(count(svg, "<g"), count(svg, "</g>"));
	free(svg);
	free(r.meetings);
}

/* The figures do not depend on names or note text: blanking them all
 * changes nothing. */
static void
test_purged_names(void **state)
{
	struct fx *f = *state;
	struct mdt_review a, b;

	load(f, "2026-11-01", "2026-11-30", &a);
	fx_exec(f->s, "UPDATE patients SET name = 'removed',"
	    " date_of_birth = NULL; UPDATE notes SET text = 'removed';"
	    " UPDATE actions SET text = 'removed';"
	    " UPDATE list_entries SET reason = ''");
	load(f, "2026-11-01", "2026-11-30", &b);
	assert_int_equal(a.slots_discussed, b.slots_discussed);
	assert_int_equal(a.patients_discussed, b.patients_discussed);
	assert_true(a.mean_s == b.mean_s && a.p90_s == b.p90_s);
	assert_int_equal(a.actions_closed, b.actions_closed);
	assert_int_equal(a.actions_overdue, b.actions_overdue);
	assert_memory_equal(a.outcomes, b.outcomes, sizeof(a.outcomes));
	assert_memory_equal(a.lists, b.lists, sizeof(a.lists));
	assert_int_equal(a.n_disciplines, b.n_disciplines);
	mdt_review_free(&a);
	mdt_review_free(&b);
}

/* Every pending outbox row delivered, as the sync engine marks them. */
static void
deliver_all(struct fx *f)
{
	struct mdt_outbox_row *rows;
	int64_t *ids;
	size_t n;

	assert_int_equal(mdt_outbox_list(f->s,
	    MDT_OUTBOX_MASK(MDT_OUTBOX_PENDING), 0, &rows, &n), MDT_OK);
	assert_true(n > 0);
	ids = calloc(n, sizeof(*ids));
	assert_non_null(ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = rows[i].id;
	assert_int_equal(mdt_outbox_mark_sent(f->s, ids, n, NULL, 0), MDT_OK);
	free(ids);
	mdt_outbox_rows_free(rows, n);
}

/*
 * The real retention purge of A, B and D (closed, delivered, past a
 * one-day period on 2026-12-01; C, the demo, is open): every figure stays,
 * but B's referrers, whose list rows the purge deletes, now count as
 * referrals of a purged meeting.
 */
static void
test_retention_purge(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_result res;
	struct mdt_review a, b;

	load(f, "2026-11-10", "2026-11-26", &a);
	deliver_all(f);
	assert_int_equal(mdt_purge_run(f->s, 1, &res), MDT_OK);
	assert_int_equal(res.meetings, 3);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE name = '" MDT_PURGED_TEXT "'"), res.patients);
	load(f, "2026-11-10", "2026-11-26", &b);

	assert_int_equal(a.meetings_held, 4);
	assert_int_equal(b.meetings_held, 4);
	assert_int_equal(a.meetings_closed, b.meetings_closed);
	assert_int_equal(a.slots_discussed, b.slots_discussed);
	assert_int_equal(a.patients_discussed, b.patients_discussed);
	assert_true(a.mean_s == b.mean_s && a.median_s == b.median_s &&
	    a.p90_s == b.p90_s);
	assert_int_equal(a.slots_under, b.slots_under);
	assert_int_equal(a.slots_within, b.slots_within);
	assert_int_equal(a.slots_over, b.slots_over);
	for (size_t i = 0; i < a.n_meetings; i++) {
		assert_int_equal(a.meetings[i].n_slots, b.meetings[i].n_slots);
		assert_memory_equal(a.meetings[i].slot_ms,
		    b.meetings[i].slot_ms, a.meetings[i].n_slots *
		    sizeof(int64_t));
	}
	assert_int_equal(a.actions_opened, b.actions_opened);
	assert_int_equal(a.actions_closed, b.actions_closed);
	assert_int_equal(a.actions_cancelled, b.actions_cancelled);
	assert_int_equal(a.actions_overdue, b.actions_overdue);
	assert_true(a.median_days_to_close == b.median_days_to_close);
	assert_memory_equal(a.outcomes, b.outcomes, sizeof(a.outcomes));
	assert_memory_equal(a.lists, b.lists, sizeof(a.lists));
	assert_int_equal(a.carried_forward, b.carried_forward);
	assert_int_equal(a.added_on_day, b.added_on_day);
	assert_int_equal(a.n_disciplines, b.n_disciplines);
	for (size_t i = 0; i < a.n_disciplines; i++) {
		assert_string_equal(a.disciplines[i].name,
		    b.disciplines[i].name);
		assert_int_equal(a.disciplines[i].n, b.disciplines[i].n);
		assert_int_equal(a.disciplines[i].meetings,
		    b.disciplines[i].meetings);
	}
	for (size_t i = 0; i < a.n_periods; i++)
		assert_int_equal(a.periods[i].closed, b.periods[i].closed);

	/* B1 B2 B3 came by referral: named before, purged after */
	assert_int_equal(a.n_referrers, 2);
	assert_int_equal(a.referrals_purged, 0);
	assert_int_equal(b.n_referrers, 0);
	assert_int_equal(b.referrals_purged, 3);
	assert_int_equal(b.referrals_unnamed, 0);
	mdt_review_free(&a);
	mdt_review_free(&b);
}

static void
test_audit_event(void **state)
{
	struct fx *f = *state;
	char buf[128];

	assert_int_equal(mdt_audit_event(f->s, "export",
	    "review 2026-11-11 to 2026-11-25 txt"), MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT detail"
	    " FROM audit ORDER BY id DESC LIMIT 1"),
	    "review 2026-11-11 to 2026-11-25 txt");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit WHERE"
	    " id = (SELECT max(id) FROM audit) AND entity IS NULL"
	    " AND entity_uuid IS NULL AND action = 'export'"), 1);
}

/* Deaths by date of death: each patient once, a death recorded between
 * meetings before a slot's, a slot's first death before a later one, a
 * death with no date on the day it was recorded (local), a date long
 * before the recording. */
static void
test_deaths_by_date(void **state)
{
	struct fx *f = *state;
	struct mdt_review r;
	int64_t base, in_slots;

	memset(&r, 0, sizeof(r));
	assert_int_equal(mdt_review_load(f->s, "2026-01-01", "2026-06-30", &r),
	    MDT_OK);
	base = r.deaths;
	in_slots = r.deaths_in_slots;
	mdt_review_free(&r);
	/* X (first death 2020, then 2026-03-01), Y (no date, recorded
	 * 2026-02-01 23:30 UTC), Z (between meetings 2026-04-01, and in a
	 * slot 2026-04-02), W (2026-05-05, recorded 2027), V (between
	 * meetings, 2025) */
	fx_exec(f->s, "INSERT INTO patients (uuid, nhs_number, name) VALUES"
	    " ('px', 'L000000091', 'X'), ('py', 'L000000092', 'Y'),"
	    " ('pz', 'L000000093', 'Z'), ('pw', 'L000000094', 'W'),"
	    " ('pv', 'L000000095', 'V')");
	fx_exec(f->s, "INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes, state) VALUES ('m-old', 'Old', 1577836800000, 90,"
	    " 'closed'), ('m-new', 'New', 1769904000000, 90, 'closed')");
	fx_exec(f->s, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position, state) SELECT 's-' || p.uuid, m.id, p.id, 1, 'done'"
	    " FROM patients p, meetings m WHERE m.uuid = 'm-new'"
	    " AND p.uuid IN ('px', 'py', 'pz', 'pw')"
	    " UNION ALL SELECT 's-px-old', m.id, p.id, 1, 'done' FROM patients"
	    " p, meetings m WHERE m.uuid = 'm-old' AND p.uuid = 'px'");
	fx_exec(f->s, "INSERT INTO outcomes (uuid, slot_id, kind, died_on,"
	    " recorded_at) SELECT 'o-' || s.uuid, s.id, 'died', CASE s.uuid"
	    " WHEN 's-px-old' THEN '2020-01-02' WHEN 's-px' THEN '2026-03-01'"
	    " WHEN 's-pz' THEN '2026-04-02' WHEN 's-pw' THEN '2026-05-05' END,"
	    " CASE s.uuid WHEN 's-px-old' THEN 1577923200000 WHEN 's-px' THEN"
	    " 1772323200000 WHEN 's-py' THEN 1769988600000 WHEN 's-pz' THEN"
	    " 1775088000000 ELSE 1800000000000 END"
	    " FROM slots s WHERE s.uuid GLOB 's-p?*'");
	fx_exec(f->s, "INSERT INTO deaths (uuid, patient_id, died_on, place,"
	    " expected, recorded_at) SELECT 'd-' || uuid, id, CASE uuid WHEN"
	    " 'pz' THEN '2026-04-01' ELSE '2025-12-31' END, 'home', 1,"
	    " 1775000000000 FROM patients WHERE uuid IN ('pz', 'pv')");
	memset(&r, 0, sizeof(r));
	assert_int_equal(mdt_review_load(f->s, "2026-01-01", "2026-06-30", &r),
	    MDT_OK);
	assert_int_equal(r.deaths, base + 3);	/* Y, Z, W */
	assert_int_equal(r.deaths_in_slots, in_slots + 2);	/* Y, W */
	mdt_review_free(&r);
	/* Y's day is the local one */
	memset(&r, 0, sizeof(r));
	assert_int_equal(mdt_review_load(f->s, "2026-02-01", "2026-02-01", &r),
	    MDT_OK);
	assert_int_equal(r.deaths, 1);
	mdt_review_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_figures, setup_history,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_edges, setup_history,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_bad,
		    setup_history, fx_teardown),
		cmocka_unit_test_setup_teardown(test_outputs, setup_history,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_svg_many_meetings,
		    fx_setup_memory, fx_teardown),
		cmocka_unit_test_setup_teardown(test_purged_names,
		    setup_history, fx_teardown),
		cmocka_unit_test_setup_teardown(test_retention_purge,
		    setup_history, fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit_event,
		    setup_history, fx_teardown),
		cmocka_unit_test_setup_teardown(test_deaths_by_date,
		    fx_setup_demo, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
