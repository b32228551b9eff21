/*
 * test_deaths.c - a death learnt of between meetings: every refusal
 * writes nothing; open actions kept or cancelled as asked; the follow-up
 * with the relatives (its owner, its words, made once); carry-forward,
 * the rising-risk group and the candidates still undecided leave the dead
 * out; preparation lists the deaths since the meeting before.
 */
#include "config.h"

#include "fixture.h"

#define RELATIVES "Contact the relatives to offer support and follow up"

/* The NHS number of demo slot n's patient. */
/* The death as 'mdtchair died' records it. */
static enum mdt_status
died(struct mdt_store *s, const char *nhs, const char *date,
    const char *place, int expected, enum mdt_death_actions actions,
    int64_t owner)
{
	struct mdt_death_in in = { .nhs_number = nhs, .date = date,
	    .place = place, .expected = expected, .actions = actions,
	    .owner_id = owner };

	return mdt_death_between(s, &in, NULL);
}

static const char *
nhs_of(struct fx *f, int n, char buf[16])
{
	return fx_text(f->s, buf, 16, "SELECT p.nhs_number FROM patients p"
	    " JOIN slots s ON s.patient_id = p.id WHERE s.id = %lld",
	    (long long)fx_slot(f, n));
}

static int64_t
patient_of(struct fx *f, int n)
{
	return fx_int(f->s, "SELECT patient_id FROM slots WHERE id = %lld",
	    (long long)fx_slot(f, n));
}

/* Rows of the tables a death writes, all in one number to compare. */
static int64_t
written(struct fx *f)
{
	return fx_int(f->s, "SELECT (SELECT count(*) FROM deaths) * 1000000"
	    " + (SELECT count(*) FROM actions) * 10000"
	    " + (SELECT count(*) FROM actions WHERE status <> 'open') * 100"
	    " + (SELECT count(*) FROM candidates)");
}

/* An open action agreed in demo slot n (consent recorded first). */
static int64_t
action_in(struct fx *f, int n, const char *text)
{
	int64_t id = 0;

	(void)mdt_consent_record(f->s, fx_slot(f, n), MDT_CONSENT_GIVEN, NULL,
	    NULL, 0);
	assert_int_equal(mdt_action_add(f->s, fx_slot(f, n), text,
	    fx_person(f, "Marta Kowalczyk"), "+7", &id), MDT_OK);
	return id;
}

static void
test_refusals_write_nothing(void **state)
{
	struct fx *f = *state;
	char nhs[16], wrong[16], buf[256];
	int64_t before;

	nhs_of(f, 1, nhs);
	snprintf(wrong, sizeof(wrong), "%.9s%c", nhs,
	    nhs[9] == '9' ? '0' : nhs[9] + 1);
	action_in(f, 1, "Falls assessment");
	before = written(f);

	EXPECT_ACT(f, died(f->s, wrong, "2026-11-20", NULL, -1,
	    MDT_DEATH_KEEP, 0), MDT_EINVAL, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "check digit"));
	EXPECT_ACT(f, died(f->s, "4010232137", "2026-11-20",
	    NULL, -1, MDT_DEATH_KEEP, 0), MDT_ENOTFOUND, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s),
	    "no patient with NHS number 401 023 2137"));
	EXPECT_ACT(f, died(f->s, nhs, "2026-11-26", NULL, -1,
	    MDT_DEATH_KEEP, 0), MDT_EDATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "future"));
	EXPECT_ACT(f, died(f->s, nhs, "+1", NULL, -1,
	    MDT_DEATH_KEEP, 0), MDT_EDATE, 0, 0);
	EXPECT_ACT(f, died(f->s, nhs, "2026-02-30", NULL, -1,
	    MDT_DEATH_KEEP, 0), MDT_EDATE, 0, 0);
	EXPECT_ACT(f, died(f->s, nhs, NULL, NULL, -1,
	    MDT_DEATH_KEEP, 0), MDT_EDATE, 0, 0);
	EXPECT_ACT(f, died(f->s, nhs, "2026-11-20", "garden\x1b",
	    -1, MDT_DEATH_KEEP, 0), MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, died(f->s, nhs, "2026-11-20", NULL, 2,
	    MDT_DEATH_KEEP, 0), MDT_EINVAL, 0, 0);
	/* an open action: keep or cancel it, say which */
	EXPECT_ACT(f, died(f->s, nhs, "2026-11-20", NULL, -1,
	    MDT_DEATH_ASK, 0), MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "1 open action: say"
	    " keep (reviewed at the next meeting) or cancel"));
	/* no key contact, nobody named */
	fx_exec(f->s, "UPDATE patients SET key_contact_id = NULL");
	EXPECT_ACT(f, died(f->s, nhs, "2026-11-20", NULL, -1,
	    MDT_DEATH_CANCEL, 0), MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "no key contact: say"
	    " who follows up with the relatives (--owner PERSON)"));
	/* nor someone unknown */
	EXPECT_ACT(f, died(f->s, nhs, "2026-11-20", NULL, -1,
	    MDT_DEATH_CANCEL, 9999), MDT_ENOTFOUND, 0, 0);
	assert_int_equal(written(f), before);

	/* dead already, in a slot: refused, naming the date */
	assert_int_equal(mdt_key_contact_set(f->s, patient_of(f, 2),
	    fx_person(f, "Marta Kowalczyk")), MDT_OK);
	assert_int_equal(mdt_death_record(f->s, fx_slot(f, 2), "2026-11-18"),
	    MDT_OK);
	before = written(f);
	EXPECT_ACT(f, died(f->s, nhs_of(f, 2, nhs), "2026-11-20",
	    NULL, -1, MDT_DEATH_KEEP, fx_person(f, "Marta Kowalczyk")),
	    MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "died on 2026-11-18"));
	/* and between meetings */
	assert_int_equal(died(f->s, nhs_of(f, 3, nhs),
	    "2026-11-19", "home", 1, MDT_DEATH_KEEP,
	    fx_person(f, "Marta Kowalczyk")), MDT_OK);
	before = written(f);
	EXPECT_ACT(f, died(f->s, nhs, "2026-11-20", NULL, -1,
	    MDT_DEATH_KEEP, fx_person(f, "Marta Kowalczyk")), MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "died on 2026-11-19"));
	assert_int_equal(written(f), before);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT died_on"
	    " || ' ' || place || ' ' || expected FROM deaths"),
	    "2026-11-19 home 1");
}

/* keep: the open actions stay open; cancel: each cancelled, audited and
 * queued.  The follow-up is made either way, once. */
static void
test_keep_or_cancel(void **state)
{
	struct fx *f = *state;
	char nhs[16], buf[256];
	int64_t a1, a2, a3;

	a1 = action_in(f, 1, "Falls assessment");
	a2 = action_in(f, 1, "Medication review");
	a3 = action_in(f, 2, "Home visit");
	/* the death, and the follow-up */
	EXPECT_ACT(f, died(f->s, nhs_of(f, 1, nhs), "2026-11-20",
	    NULL, 0, MDT_DEATH_KEEP, 0), MDT_OK, 2, 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions WHERE id"
	    " IN (%lld, %lld) AND status = 'open'", (long long)a1,
	    (long long)a2), 2);
	/* the death, two cancelled, the follow-up */
	EXPECT_ACT(f, died(f->s, nhs_of(f, 2, nhs), "2026-11-21",
	    "hospice", -1, MDT_DEATH_CANCEL, 0), MDT_OK, 3, 3);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT status"
	    " FROM actions WHERE id = %lld", (long long)a3), "cancelled");
	assert_true(fx_int(f->s, "SELECT closed_at FROM actions WHERE id ="
	    " %lld", (long long)a3) == FX_T0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE action = 'action_status'"
	    " AND detail = 'cancelled: the patient died'"), 1);
	/* the follow-ups were not cancelled */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE kind = 'contact_relatives' AND status = 'open'"), 2);
	/* the log names nobody */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit a,"
	    " patients p WHERE instr(a.detail, p.name) > 0"), 0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT detail"
	    " FROM audit WHERE action = 'death_record' ORDER BY id LIMIT 1"),
	    "patient 1: died on 2026-11-20, between meetings");
}

/* The follow-up: the key contact's, else the owner given's; no slot,
 * due in 7 days, the words that name nobody; made once per patient. */
static void
test_follow_up(void **state)
{
	struct fx *f = *state;
	int64_t kc = fx_person(f, "Chloé Martin"), marta =
	    fx_person(f, "Marta Kowalczyk");
	char nhs[16], buf[256];

	assert_int_equal(mdt_key_contact_set(f->s, patient_of(f, 1), kc),
	    MDT_OK);
	assert_int_equal(died(f->s, nhs_of(f, 1, nhs),
	    "2026-11-20", NULL, -1, MDT_DEATH_KEEP, marta), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"
	    " WHERE patient_id = %lld", (long long)patient_of(f, 1)), kc);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT text ||"
	    " '|' || due_date || '|' || coalesce(slot_id, 'none') || '|' ||"
	    " kind FROM actions WHERE patient_id = %lld",
	    (long long)patient_of(f, 1)),
	    RELATIVES "|2026-12-02|none|contact_relatives");
	/* no key contact: the owner given */
	fx_exec(f->s, "UPDATE patients SET key_contact_id = NULL");
	assert_int_equal(died(f->s, nhs_of(f, 2, nhs),
	    "2026-11-20", NULL, -1, MDT_DEATH_KEEP, marta), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"
	    " WHERE patient_id = %lld", (long long)patient_of(f, 2)), marta);
	/* a follow-up made before is not made again (and no owner is
	 * needed) */
	fx_exec(f->s, "INSERT INTO actions (uuid, patient_id, text, owner_id,"
	    " due_date, created_at, kind) SELECT 'old', patient_id, 'x', 1,"
	    " '2026-12-01', 0, 'contact_relatives' FROM slots WHERE id ="
	    " (SELECT min(id) + 2 FROM slots)");
	EXPECT_ACT(f, died(f->s, nhs_of(f, 3, nhs), "2026-11-20",
	    NULL, -1, MDT_DEATH_KEEP, 0), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE patient_id = %lld", (long long)patient_of(f, 3)), 1);
}

/* After the death: no carry-forward, not rising risk, not escalated;
 * an undecided candidate of a planned meeting is removed; the next
 * meeting's preparation lists the death. */
static void
test_dead_left_out(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { "Next MDT", "+14", NULL, NULL, 0 };
	struct mdt_rising_risk *rr;
	struct mdt_death *d;
	int64_t next, first = f->meeting, cand;
	int carried = -1;
	size_t n;
	char nhs[16], line[256];

	for (int i = 1; i <= 2; i++) {
		assert_int_equal(mdt_consent_record(f->s, fx_slot(f, i),
		    MDT_CONSENT_GIVEN, NULL, NULL, 0), MDT_OK);
		assert_int_equal(mdt_outcome_record(f->s, fx_slot(f, i),
		    MDT_OUTCOME_STAY, "2026-12-01"), MDT_OK);
	}
	assert_int_equal(mdt_consent_record(f->s, fx_slot(f, 3),
	    MDT_CONSENT_GIVEN, NULL, NULL, 0), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, fx_slot(f, 3),
	    MDT_OUTCOME_STEP_DOWN, NULL), MDT_OK);
	assert_int_equal(mdt_meeting_close(f->s, first), MDT_OK);
	f->now += 24 * 60 * FX_MIN;
	/* patient 1 died: carried forward no more */
	assert_int_equal(died(f->s, nhs_of(f, 1, nhs),
	    "2026-11-25", "home", 1, MDT_DEATH_KEEP, 0), MDT_OK);
	assert_int_equal(mdt_meeting_create(f->s, &in, &next, &carried),
	    MDT_OK);
	assert_int_equal(carried, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld AND patient_id = %lld", (long long)next,
	    (long long)patient_of(f, 1)), 0);
	/* patient 3, rising risk, escalated then died: gone from the
	 * group and from the undecided candidates */
	assert_int_equal(mdt_rising_risk_escalate(f->s, patient_of(f, 3), next,
	    "worse", &cand), MDT_OK);
	assert_int_equal(died(f->s, nhs_of(f, 3, nhs),
	    "2026-11-26", NULL, -1, MDT_DEATH_KEEP, 0), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE id = %lld", (long long)cand), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE action = 'candidate_remove'"), 1);
	assert_int_equal(mdt_rising_risk_load(f->s, next, &rr, &n), MDT_OK);
	for (size_t i = 0; i < n; i++)
		assert_true(rr[i].patient_id != patient_of(f, 3));
	mdt_rising_risk_free(rr, n);
	assert_int_equal(mdt_rising_risk_escalate(f->s, patient_of(f, 3), next,
	    "worse", &cand), MDT_ESTATE);
	/* patient 2, carried forward, then died: stays a candidate for now
	 * only if chosen; undecided, it is removed */
	assert_int_equal(died(f->s, nhs_of(f, 2, nhs),
	    "2026-11-26", NULL, -1, MDT_DEATH_KEEP, 0), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld", (long long)next), 0);
	/* the next meeting lists the three deaths */
	assert_int_equal(mdt_deaths_since(f->s, next, &d, &n), MDT_OK);
	assert_int_equal(n, 3);
	assert_string_equal(d[0].died_on, "2026-11-25");
	assert_string_equal(d[0].place, "home");
	assert_int_equal(d[0].expected, 1);
	assert_true(d[0].relatives_made);
	assert_int_equal(d[0].relatives, MDT_ACTION_OPEN);
	mdt_death_line(&d[0], false, line, sizeof(line));
	assert_non_null(strstr(line, ": died on 2026-11-25, home, expected;"
	    " relatives: follow-up open"));
	assert_null(strstr(line, d[0].patient_name));
	mdt_deaths_free(d, n);
	/* the first meeting had none before it */
	assert_int_equal(mdt_deaths_since(f->s, first, &d, &n), MDT_OK);
	assert_int_equal(n, 3);
	mdt_deaths_free(d, n);
}

/* The review counts the deaths of its range, by date of death: where,
 * expected or not, and the relatives contacted within 7 days. */
static void
test_review_counts(void **state)
{
	struct fx *f = *state;
	struct mdt_review r;
	char nhs[16];

	/* in a slot, between meetings at home (expected) and in a hospice
	 * (not), and one out of the range */
	assert_int_equal(mdt_death_record(f->s, fx_slot(f, 1), "2026-11-20"),
	    MDT_OK);
	assert_int_equal(died(f->s, nhs_of(f, 2, nhs),
	    "2026-11-21", "home", 1, MDT_DEATH_KEEP, 0), MDT_OK);
	assert_int_equal(died(f->s, nhs_of(f, 3, nhs),
	    "2026-11-22", "hospice", 0, MDT_DEATH_KEEP, 0), MDT_OK);
	assert_int_equal(died(f->s, nhs_of(f, 4, nhs),
	    "2026-10-01", NULL, -1, MDT_DEATH_KEEP, 0), MDT_OK);
	/* the relatives of 2 contacted in 3 days, of 3 in 8 */
	f->now += 3 * 24 * 60 * FX_MIN;
	assert_int_equal(mdt_action_set_status(f->s, fx_int(f->s, "SELECT id"
	    " FROM actions WHERE patient_id = %lld", (long long)patient_of(f,
	    2)), MDT_ACTION_DONE), MDT_OK);
	f->now += 5 * 24 * 60 * FX_MIN;
	assert_int_equal(mdt_action_set_status(f->s, fx_int(f->s, "SELECT id"
	    " FROM actions WHERE patient_id = %lld", (long long)patient_of(f,
	    3)), MDT_ACTION_DONE), MDT_OK);

	assert_int_equal(mdt_review_load(f->s, "2026-11-01", "2026-11-30", &r),
	    MDT_OK);
	assert_int_equal(r.deaths, 3);
	assert_int_equal(r.deaths_in_slots, 1);
	assert_int_equal(r.death_places[0], 1);		/* home */
	assert_int_equal(r.death_places[3], 1);		/* hospice */
	assert_int_equal(r.death_places[MDT_DEATH_PLACES], 1);
	assert_int_equal(r.deaths_expected, 1);
	assert_int_equal(r.deaths_unexpected, 1);
	assert_int_equal(r.relatives_7d, 1);
	mdt_review_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refusals_write_nothing,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_keep_or_cancel,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_follow_up,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_dead_left_out,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_review_counts,
		    fx_setup_demo, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
