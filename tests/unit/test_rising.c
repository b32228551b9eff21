/*
 * test_rising.c - the rising-risk register: anyone adds a patient with a
 * reason and who they are (a resident not traced under a local
 * identifier), its text checked and nothing saved when refused; reviews
 * come due every four weeks (or as said) by the day or the meeting's
 * date, and a review keeps its note and sets the next; escalation makes a
 * candidate of the next meeting (never of a patient not traced), removal
 * ends the entry, a step down begins another; the outcomes of meetings and
 * a death move patients on and off it; trace joins entries; the review
 * counts its events; the listing masks; and a database of the schema
 * before the register migrated.
 */
#include "config.h"

#include <sys/stat.h>

#include "fixture.h"
#include "store_internal.h"

#define DAY (24 * 60 * FX_MIN)
/* a patient not in the demo, and two of it (Fatima Begum, Edith Marsh) */
#define ANN "9434765919"
#define FATIMA "9990506310"
#define EDITH "9990608164"

static int64_t
events(struct fx *f, const char *kind)
{
	return fx_int(f->s, "SELECT count(*) FROM rising_risk_events"
	    " WHERE kind = '%s'", kind);
}

static void
add_ann(struct fx *f)
{
	struct mdt_rising_in in = { .nhs_number = "943 476 5919",
	    .name = "Ann Lee", .reason = "Falls, lives alone", .by = "Dr Shah" };
	int64_t id = 0;

	EXPECT_ACT(f, mdt_rising_add(f->s, &in, &id, NULL), MDT_OK, 1, 1);
	assert_true(id > 0);
}

static int64_t
next_meeting(struct fx *f, const char *date)
{
	struct mdt_meeting_in in = { "Next MDT", date, NULL, NULL, 0 };
	int64_t id = 0;

	assert_int_equal(mdt_meeting_create(f->s, &in, &id, NULL), MDT_OK);
	return id;
}

static void
test_every(void **state)
{
	int d = 0;

	(void)state;
	assert_true(mdt_rising_every_parse("4w", &d));
	assert_int_equal(d, 28);
	assert_true(mdt_rising_every_parse("14d", &d));
	assert_int_equal(d, 14);
	assert_true(mdt_rising_every_parse("10", &d));
	assert_int_equal(d, 10);
	assert_true(mdt_rising_every_parse("365d", &d));
	assert_false(mdt_rising_every_parse("0w", &d));
	assert_false(mdt_rising_every_parse("366", &d));
	assert_false(mdt_rising_every_parse("53w", &d));
	assert_false(mdt_rising_every_parse("w", &d));
	assert_false(mdt_rising_every_parse("4x", &d));
	assert_false(mdt_rising_every_parse("-4w", &d));
	assert_false(mdt_rising_every_parse(NULL, &d));
}

/* Added by NHS number, not traced, by local identifier; refused twice,
 * and every bad value refused with nothing saved. */
static void
test_add(void **state)
{
	struct fx *f = *state;
	struct mdt_rising_in in = { .name = "Bo Rak", .reason = "No GP",
	    .by = "Matron Ojo", .every_days = 14 };
	struct mdt_rising_risk *r;
	char number[11] = "", *long_text;
	size_t n;
	const char *const hostile[] = { "a\x1b[31mred", "bell\a", "two\nlines",
	    "\xe2\x80\xae" "reversed", "bad \xff byte", "   " };

	add_ann(f);
	assert_int_equal(mdt_rising_add(f->s, &in, NULL, number), MDT_OK);
	assert_string_equal(number, "L000000001");
	/* on it already, by number or by local identifier */
	in.nhs_number = ANN;
	EXPECT_ACT(f, mdt_rising_add(f->s, &in, NULL, NULL), MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "already"));
	in.nhs_number = "L1";
	EXPECT_ACT(f, mdt_rising_add(f->s, &in, NULL, NULL), MDT_ESTATE, 0, 0);
	in.nhs_number = "L99";
	EXPECT_ACT(f, mdt_rising_add(f->s, &in, NULL, NULL), MDT_ENOTFOUND, 0,
	    0);
	in.nhs_number = "9434765918";
	EXPECT_ACT(f, mdt_rising_add(f->s, &in, NULL, NULL), MDT_ENHS, 0, 0);
	in.nhs_number = "9434765927";
	in.every_days = 400;
	EXPECT_ACT(f, mdt_rising_add(f->s, &in, NULL, NULL), MDT_EINVAL, 0, 0);
	in.every_days = 0;
	in.date_of_birth = "1950-02-30";
	EXPECT_ACT(f, mdt_rising_add(f->s, &in, NULL, NULL), MDT_EDATE, 0, 0);
	in.date_of_birth = NULL;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		in.reason = hostile[i];
		EXPECT_ACT(f, mdt_rising_add(f->s, &in, NULL, NULL),
		    MDT_EINVAL, 0, 0);
		in.reason = "ok";
		in.by = hostile[i];
		EXPECT_ACT(f, mdt_rising_add(f->s, &in, NULL, NULL),
		    MDT_EINVAL, 0, 0);
		in.by = "Matron Ojo";
	}
	long_text = malloc(10001);
	assert_non_null(long_text);
	memset(long_text, 'x', 10000);
	long_text[10000] = '\0';
	in.reason = long_text;
	EXPECT_ACT(f, mdt_rising_add(f->s, &in, NULL, NULL), MDT_EINVAL, 0, 0);
	free(long_text);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE nhs_number = '9434765927'"), 0);

	/* by next review: Bo (two weeks), then Ann (four); none due today */
	assert_int_equal(mdt_rising_risk_load(f->s, 0, &r, &n), MDT_OK);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].patient_name, "Bo Rak");
	assert_string_equal(r[0].next_review, "2026-12-09");
	assert_int_equal(r[0].every_days, 14);
	assert_string_equal(r[1].nhs_number, ANN);
	assert_string_equal(r[1].next_review, "2026-12-23");
	assert_string_equal(r[1].reason, "Falls, lives alone");
	assert_string_equal(r[1].added_by, "Dr Shah");
	assert_string_equal(r[1].added_on, "2026-11-25");
	assert_false(r[1].due);
	assert_string_equal(r[1].last_reviewed, "");
	mdt_rising_risk_free(r, n);
	assert_int_equal(events(f, "added"), 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
	    " WHERE entity = 'rising'"), 2);
}

/* Due by today or by the meeting's date; a review keeps its note and
 * sets the next, four weeks on or as said. */
static void
test_review_due(void **state)
{
	struct fx *f = *state;
	struct mdt_agenda_state as;
	struct mdt_rising_risk *r;
	int64_t next;
	size_t n;
	int due = -1;
	char buf[64];

	add_ann(f);
	next = next_meeting(f, "2026-12-30");
	assert_int_equal(mdt_rising_due(f->s, 0, &due), MDT_OK);
	assert_int_equal(due, 0);
	/* due by the next meeting's date, not by today */
	assert_int_equal(mdt_rising_due(f->s, next, &due), MDT_OK);
	assert_int_equal(due, 1);
	assert_int_equal(mdt_agenda_state(f->s, next, &as), MDT_OK);
	assert_int_equal(as.rising_due, 1);
	f->now += 30 * DAY;	/* 2026-12-25 */
	assert_int_equal(mdt_rising_risk_load(f->s, 0, &r, &n), MDT_OK);
	assert_true(r[0].due);
	mdt_rising_risk_free(r, n);

	EXPECT_ACT(f, mdt_rising_review(f->s, ANN, "", NULL, NULL),
	    MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_rising_review(f->s, ANN, "x", "2020-01-01", NULL),
	    MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_rising_review(f->s, ANN, "x", "soon", NULL),
	    MDT_EDATE, 0, 0);
	EXPECT_ACT(f, mdt_rising_review(f->s, EDITH, "x", NULL, NULL),
	    MDT_ENOTFOUND, 0, 0);
	/* reviews send nothing to the record */
	EXPECT_ACT(f, mdt_rising_review(f->s, ANN, "Seen at home, steadier",
	    NULL, NULL), MDT_OK, 0, 1);
	assert_int_equal(mdt_rising_risk_load(f->s, next, &r, &n), MDT_OK);
	assert_string_equal(r[0].next_review, "2027-01-22");
	assert_false(r[0].due);
	assert_string_equal(r[0].last_reviewed, "2026-12-25");
	assert_string_equal(r[0].last_note, "Seen at home, steadier");
	mdt_rising_risk_free(r, n);
	EXPECT_ACT(f, mdt_rising_review(f->s, ANN, "Phoned", "+3",
	    "Nurse Lee"), MDT_OK, 0, 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " next_review FROM rising_risk"), "2026-12-28");
	/* the history: both reviews, who and what */
	assert_int_equal(events(f, "reviewed"), 2);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT actor ||"
	    " ': ' || reason FROM rising_risk_events WHERE kind = 'reviewed'"
	    " ORDER BY id DESC LIMIT 1"), "Nurse Lee: Phoned");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT actor"
	    " FROM rising_risk_events WHERE kind = 'reviewed' ORDER BY id"
	    " LIMIT 1"), "tester");
}

/* Escalated to the next meeting (a candidate, flagged, a referral for the
 * finalising rule); never a patient not traced nor one not on it;
 * removed with a reason, and a step down puts them back. */
static void
test_escalate_remove(void **state)
{
	struct fx *f = *state;
	struct mdt_rising_in in = { .name = "Bo Rak", .reason = "No GP",
	    .by = "Matron Ojo" };
	struct mdt_candidate *c;
	struct mdt_rising_risk *r;
	int64_t next, cand = 0;
	size_t n;
	char buf[128];

	add_ann(f);
	assert_int_equal(mdt_rising_add(f->s, &in, NULL, NULL), MDT_OK);
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	EXPECT_ACT(f, mdt_rising_escalate(f->s, ANN, "Third fall", 0, NULL,
	    &cand), MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "no meeting is"
	    " planned"));
	next = next_meeting(f, "+14");
	EXPECT_ACT(f, mdt_rising_escalate(f->s, "L1", "worse", 0, NULL, &cand),
	    MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "not traced"));
	EXPECT_ACT(f, mdt_rising_risk_escalate(f->s, fx_int(f->s, "SELECT id"
	    " FROM patients WHERE nhs_number = 'L000000001'"), next, "worse",
	    NULL), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_rising_escalate(f->s, EDITH, "why", 0, NULL, &cand),
	    MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_rising_escalate(f->s, ANN, "", 0, NULL, &cand),
	    MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_rising_escalate(f->s, ANN, "Third fall", 0,
	    "Dr Shah", &cand), MDT_OK, 0, 1);
	assert_true(cand > 0);
	assert_int_equal(mdt_candidates_load(f->s, next, &c, &n), MDT_OK);
	for (size_t i = 0; i < n; i++)
		if (c[i].id == cand) {
			assert_true(c[i].escalated);
			assert_true((c[i].lists & MDT_LIST_REFERRAL) != 0);
			assert_non_null(strstr(c[i].reason, "escalated from"
			    " rising risk: Third fall"));
		}
	mdt_candidates_free(c, n);
	assert_int_equal(mdt_agenda_finalise(f->s, next), MDT_ESTATE);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT actor ||"
	    " ': ' || reason || ' @' || meeting_id FROM rising_risk_events"
	    " WHERE kind = 'escalated'"), "Dr Shah: Third fall @2");
	assert_int_equal(mdt_rising_risk_load(f->s, next, &r, &n), MDT_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		bool ann = strcmp(r[i].nhs_number, ANN) == 0;

		assert_true(r[i].escalated == ann);
		assert_int_equal(r[i].candidate_id, ann ? cand : 0);
	}
	mdt_rising_risk_free(r, n);

	/* off it: the entry ends, its Flag goes again */
	EXPECT_ACT(f, mdt_rising_remove(f->s, ANN, "", NULL), MDT_EINVAL, 0,
	    0);
	EXPECT_ACT(f, mdt_rising_remove(f->s, ANN, "Settled, carer in place",
	    NULL), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_rising_remove(f->s, ANN, "again", NULL),
	    MDT_ENOTFOUND, 0, 0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " end_reason FROM rising_risk WHERE ended_at IS NOT NULL"),
	    "Settled, carer in place");
	assert_int_equal(mdt_rising_risk_load(f->s, 0, &r, &n), MDT_OK);
	assert_int_equal(n, 1);
	mdt_rising_risk_free(r, n);
	/* and on it again: a new entry, the old one kept */
	add_ann(f);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM rising_risk r"
	    " JOIN patients p ON p.id = r.patient_id WHERE p.nhs_number = '"
	    ANN "'"), 2);
	assert_int_equal(events(f, "removed"), 1);
	assert_int_equal(events(f, "added"), 3);
}

static void
consent(struct fx *f, int64_t slot)
{
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
}

/* A step down puts the patient on it (once per meeting); stepped down
 * again after an escalation; kept on the caseload or dead, off it. */
static void
test_outcomes(void **state)
{
	struct fx *f = *state;
	struct mdt_death_in d = { .nhs_number = EDITH, .date = "2026-11-25",
	    .expected = -1, .actions = MDT_DEATH_CANCEL };
	struct mdt_rising_in in = { .nhs_number = EDITH, .reason = "x",
	    .by = "y" };
	int64_t slot = fx_slot(f, 5), next, cand = 0, s2 = 0;
	char buf[128];

	consent(f, slot);
	assert_int_equal(mdt_outcome_record(f->s, slot, MDT_OUTCOME_STEP_DOWN,
	    NULL), MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT reason ||"
	    " '|' || added_by || '|' || next_review FROM rising_risk"),
	    "stepped down at Demo MDT (2026-11-25)|the meeting|2026-12-23");
	/* recorded again with a review date: the date, no second event */
	assert_int_equal(mdt_outcome_record(f->s, slot, MDT_OUTCOME_STEP_DOWN,
	    "2027-01-05"), MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " next_review FROM rising_risk"), "2027-01-05");
	assert_int_equal(events(f, "added"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM rising_risk"), 1);

	/* escalated to the next meeting, stepped down there again */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	next = next_meeting(f, "2026-12-09");
	assert_int_equal(mdt_rising_escalate(f->s, FATIMA, "Chest infection",
	    0, NULL, &cand), MDT_OK);
	assert_int_equal(mdt_candidate_select(f->s, cand, 0, 0, &s2), MDT_OK);
	consent(f, s2);
	assert_int_equal(mdt_outcome_record(f->s, s2, MDT_OUTCOME_STEP_DOWN,
	    NULL), MDT_OK);
	assert_int_equal(events(f, "stepped_down"), 1);
	assert_int_equal(fx_int(f->s, "SELECT escalated FROM rising_risk"), 0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " next_review FROM rising_risk"), "2027-01-06");
	/* the outcome replaced by staying on the caseload: off it */
	assert_int_equal(mdt_outcome_record(f->s, s2, MDT_OUTCOME_STAY,
	    "2027-01-06"), MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " end_reason FROM rising_risk"),
	    "on the caseload from Next MDT (2026-12-09)");
	assert_int_equal(events(f, "removed"), 1);
	(void)next;

	/* a death between meetings ends the entry; the dead never return */
	assert_int_equal(mdt_rising_add(f->s, &in, NULL, NULL), MDT_OK);
	assert_int_equal(mdt_death_between(f->s, &d, NULL), MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " end_reason FROM rising_risk r JOIN patients p ON p.id ="
	    " r.patient_id WHERE p.nhs_number = '" EDITH "'"),
	    "the patient died");
	EXPECT_ACT(f, mdt_rising_add(f->s, &in, NULL, NULL), MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "died"));
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM rising_risk"
	    " WHERE ended_at IS NULL"), 0);
}

/* Traced into a patient the record knows: the entries and their events
 * move; when both are on the register, the local one's entry ends. */
static void
test_trace_join(void **state)
{
	struct fx *f = *state;
	struct mdt_rising_in in = { .name = "Bo Rak", .reason = "No GP",
	    .by = "Matron Ojo" };
	int64_t edith = fx_int(f->s, "SELECT id FROM patients"
	    " WHERE nhs_number = '" EDITH "'");
	bool merged = false;
	char number[11];

	assert_int_equal(mdt_rising_add(f->s, &in, NULL, NULL), MDT_OK);
	assert_int_equal(mdt_rising_review(f->s, "L1", "Found a GP",
	    NULL, NULL), MDT_OK);
	assert_int_equal(mdt_patient_trace(f->s, "L1", EDITH, &merged),
	    MDT_OK);
	assert_true(merged);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM rising_risk"
	    " WHERE patient_id = %lld AND ended_at IS NULL",
	    (long long)edith), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM rising_risk_events"
	    " e JOIN rising_risk r ON r.id = e.entry_id"
	    " WHERE r.patient_id = %lld", (long long)edith), 2);

	/* both on it: the number's own stays */
	in.name = "Cy Rak";
	assert_int_equal(mdt_rising_add(f->s, &in, NULL, number),
	    MDT_OK);
	/* a local identifier is never given twice, traced or not */
	assert_string_equal(number, "L000000002");
	assert_int_equal(mdt_patient_trace(f->s, number, EDITH, &merged),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM rising_risk"
	    " WHERE patient_id = %lld", (long long)edith), 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM rising_risk"
	    " WHERE patient_id = %lld AND ended_at IS NULL",
	    (long long)edith), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM rising_risk"
	    " WHERE patient_id NOT IN (SELECT id FROM patients)"), 0);
}

/* The review counts the register's additions, escalations and removals
 * in its range. */
static void
test_review_counts(void **state)
{
	struct fx *f = *state;
	struct mdt_review rv;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	add_ann(f);
	next_meeting(f, "+7");
	assert_int_equal(mdt_rising_escalate(f->s, ANN, "Third fall", 0, NULL,
	    NULL), MDT_OK);
	assert_int_equal(mdt_rising_remove(f->s, ANN, "Admitted", NULL),
	    MDT_OK);
	assert_int_equal(mdt_review_load(f->s, "2026-11-01", "2026-11-30",
	    &rv), MDT_OK);
	assert_int_equal(rv.rising_added, 1);
	assert_int_equal(rv.rising_escalated, 1);
	assert_int_equal(rv.rising_removed, 1);
	out = open_memstream(&buf, &len);
	assert_int_equal(mdt_review_write(f->s, &rv, MDT_REVIEW_TXT, false, out),
	    MDT_OK);
	fclose(out);
	assert_non_null(strstr(buf, "Rising-risk register"));
	assert_non_null(strstr(buf, "escalated to a meeting"));
	free(buf);
	out = open_memstream(&buf, &len);
	assert_int_equal(mdt_review_write(f->s, &rv, MDT_REVIEW_JSON, false, out),
	    MDT_OK);
	fclose(out);
	assert_non_null(strstr(buf, "\"rising_risk\""));
	assert_non_null(strstr(buf, "\"escalated\": 1"));
	free(buf);
	mdt_review_free(&rv);
	/* a range before: nothing */
	assert_int_equal(mdt_review_load(f->s, "2026-10-01", "2026-10-31",
	    &rv), MDT_OK);
	assert_int_equal(rv.rising_added, 0);
	mdt_review_free(&rv);
}

/* The listing: masked unless asked; hostile text stored in older rows
 * goes out escaped; --due only those due. */
static void
test_write(void **state)
{
	struct fx *f = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	add_ann(f);
	fx_exec(f->s, "UPDATE rising_risk SET reason = 'a' || char(27) ||"
	    " '[2J' || char(8238) || 'b'");
	out = open_memstream(&buf, &len);
	assert_int_equal(mdt_rising_write(f->s, MDT_RISING_TXT, false, false,
	    out), MDT_OK);
	fclose(out);
	assert_null(strstr(buf, "Ann Lee"));
	assert_non_null(strstr(buf, "A.L."));
	assert_null(strchr(buf, 27));
	assert_null(strstr(buf, "\xe2\x80\xae"));
	free(buf);
	out = open_memstream(&buf, &len);
	assert_int_equal(mdt_rising_write(f->s, MDT_RISING_CSV, false, true,
	    out), MDT_OK);
	fclose(out);
	assert_non_null(strstr(buf, "Ann Lee"));
	assert_null(strchr(buf, 27));
	free(buf);
	out = open_memstream(&buf, &len);
	assert_int_equal(mdt_rising_write(f->s, MDT_RISING_JSON, true, false,
	    out), MDT_OK);
	fclose(out);
	assert_non_null(strstr(buf, "\"register\": []"));
	assert_null(strstr(buf, "Ann Lee"));
	free(buf);
}

/* A database of schema 17: the patients whose latest outcome is a step
 * down (alive) become entries, due four weeks after that meeting unless
 * the outcome said when. */
static void
test_migration(void **state)
{
	struct fx *f = *state;
	char err[256], sql[4096], buf[200];

	fx_tempdir(f);
	snprintf(sql, sizeof(sql),
	    " INSERT INTO meetings (id, uuid, title, scheduled_start,"
	    "  planned_minutes, state) VALUES (1, 'm1', 'One', %lld, 90,"
	    "  'closed'), (2, 'm2', 'Two', %lld, 90, 'closed');"
	    " INSERT INTO patients (id, uuid, nhs_number, name) VALUES"
	    "  (1, 'pa', '" ANN "', 'Ann'), (2, 'pb', '" EDITH "', 'Edith'),"
	    "  (3, 'pc', '" FATIMA "', 'Fatima');"
	    " INSERT INTO slots (id, uuid, meeting_id, patient_id, position,"
	    "  state) VALUES (1, 's1', 1, 1, 1, 'done'), (2, 's2', 1, 2, 2,"
	    "  'done'), (3, 's3', 2, 2, 1, 'done'), (4, 's4', 1, 3, 3, 'done');"
	    " INSERT INTO outcomes (uuid, slot_id, kind, review_date,"
	    "  recorded_at) VALUES ('o1', 1, 'step_down', NULL, 5),"
	    "  ('o2', 2, 'step_down', NULL, 5), ('o3', 3, 'stay', '2027-01-01',"
	    "  6), ('o4', 4, 'step_down', '2027-02-01', 5);"
	    " INSERT INTO deaths (uuid, patient_id, died_on, recorded_at)"
	    "  VALUES ('d3', 3, '2026-11-30', 7);",
	    (long long)FX_T0, (long long)(FX_T0 + 14 * DAY));
	fx_db_at(f, 17, sql);

	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(fx_int(f->s, "PRAGMA user_version"),
	    MDT_SCHEMA_VERSION);
	/* Ann only: Edith stays on the caseload since, Fatima died */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM rising_risk"), 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT reason ||"
	    " '|' || next_review || '|' || patient_id FROM rising_risk"),
	    "stepped down at One (2026-11-25)|2026-12-23|1");
	assert_int_equal(events(f, "added"), 1);
}

/* Nothing yet: the test makes its own database. */
static int
setup_bare(void **state)
{
	*state = fx_new();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every),
		cmocka_unit_test_setup_teardown(test_add, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_review_due,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_escalate_remove,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_outcomes, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_trace_join,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_review_counts,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_write, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_migration, setup_bare,
		    fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
