/*
 * test_growth.c - what a user repeats costs what it shows, not the length
 * of the history.  Each test counts SQLite's VM steps of one read on the
 * demo store, adds years of history that the read does not show, and
 * counts again: a read that scans the history would add thousands.
 * An import's steps grow with its rows, not with the rows before them.
 */
#include "config.h"

#include "fixture.h"

#define HISTORY 5000		/* rows of history added */
#define SLACK 64		/* steps a read may differ by, first run apart */

/* ---- the history ------------------------------------------------------ */

/* HISTORY audit rows, each a day apart, ending a year before the fake
 * clock. */
static void
add_old_audit(struct fx *f)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
	    " SELECT i + 1 FROM n WHERE i < %d)"
	    " INSERT INTO audit (at, actor, action, entity, entity_uuid,"
	    " detail) SELECT %lld - (365 + i) * 86400000, 'past', 'update',"
	    " 'slot', 'old-' || i, 'old' FROM n", HISTORY, (long long)FX_T0);
	fx_exec(f->s, sql);
}

/* HISTORY actions agreed and done years before the fake clock, for the
 * demo's first patient and the first person. */
static void
add_old_actions(struct fx *f)
{
	char sql[768];

	snprintf(sql, sizeof(sql), "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
	    " SELECT i + 1 FROM n WHERE i < %d)"
	    " INSERT INTO actions (uuid, patient_id, text, owner_id, due_date,"
	    " status, created_at, closed_at) SELECT 'old-a-' || i,"
	    " (SELECT min(id) FROM patients), 'Past', (SELECT min(id) FROM"
	    " people), '2010-01-01', 'done', %lld - (730 + i) * 86400000,"
	    " %lld - (729 + i) * 86400000 FROM n", HISTORY, (long long)FX_T0,
	    (long long)FX_T0);
	fx_exec(f->s, sql);
}

/* HISTORY past meetings, a week apart before the demo's, each with a
 * patient who died in it, and as many deaths recorded between them: all
 * years before the meeting before the demo's. */
static void
add_old_deaths(struct fx *f)
{
	char sql[1024];

	snprintf(sql, sizeof(sql), "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
	    " SELECT i + 1 FROM n WHERE i < %d)"
	    " INSERT INTO patients (uuid, nhs_number, name)"
	    " SELECT 'old-p-' || i, 8000000000 + i, 'Past ' || i FROM n",
	    2 * HISTORY);
	fx_exec(f->s, sql);
	snprintf(sql, sizeof(sql), "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
	    " SELECT i + 1 FROM n WHERE i < %d)"
	    " INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes, state, opened_at) SELECT 'old-m-' || i, 'Past',"
	    " (SELECT min(scheduled_start) FROM meetings) - i * 604800000,"
	    " 90, 'closed', (SELECT min(scheduled_start) FROM meetings)"
	    " - i * 604800000 FROM n", HISTORY);
	fx_exec(f->s, sql);
	fx_exec(f->s, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position, state) SELECT 'old-s-' || substr(m.uuid, 7), m.id,"
	    " p.id, 1, 'done' FROM meetings m JOIN patients p"
	    " ON p.uuid = 'old-p-' || substr(m.uuid, 7)"
	    " WHERE m.uuid GLOB 'old-m-*'");
	fx_exec(f->s, "INSERT INTO outcomes (uuid, slot_id, kind, died_on,"
	    " recorded_at) SELECT 'old-o-' || s.id, s.id, 'died', '2000-01-01',"
	    " m.scheduled_start FROM slots s JOIN meetings m"
	    " ON m.id = s.meeting_id WHERE s.uuid GLOB 'old-s-*'");
	snprintf(sql, sizeof(sql), "INSERT INTO deaths (uuid, patient_id,"
	    " died_on, recorded_at) SELECT 'old-d-' || p.id, p.id,"
	    " '2000-01-01', (SELECT min(scheduled_start) FROM meetings)"
	    " - 86400000 FROM patients p WHERE p.uuid GLOB 'old-p-*'"
	    " AND CAST(substr(p.uuid, 7) AS INTEGER) > %d", HISTORY);
	fx_exec(f->s, sql);
}

/* ---- the reads -------------------------------------------------------- */

/* `mdtchair audit --since` a month before the fake clock. */
static int64_t
audit_month_cost(struct fx *f)
{
	FILE *out = fopen("/dev/null", "w");
	int64_t steps = 0;

	assert_non_null(out);
	fx_steps(f->s, &steps);
	assert_int_equal(mdt_audit_list(f->s, 0, FX_T0 - 30 * 86400 * FX_SEC,
	    out), MDT_OK);
	fx_steps(f->s, NULL);
	fclose(out);
	return steps;
}

/* cost's steps, before and after grow adds history, differ by no more
 * than SLACK. */
static void
assert_flat(struct fx *f, int64_t (*cost)(struct fx *),
    void (*grow)(struct fx *))
{
	int64_t before = cost(f), after;

	grow(f);
	after = cost(f);
	assert_true(after <= before + SLACK);
}

static void
test_audit_since_flat(void **state)
{
	struct fx *f = *state;
	int64_t rows = fx_int(f->s, "SELECT count(*) FROM audit");

	assert_flat(f, audit_month_cost, add_old_audit);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"),
	    rows + HISTORY);
}

/* The review of the year to the fake clock. */
static int64_t
review_year_cost(struct fx *f)
{
	struct mdt_review r;
	int64_t steps = 0;

	memset(&r, 0, sizeof(r));
	fx_steps(f->s, &steps);
	assert_int_equal(mdt_review_load(f->s, "2025-11-26", "2026-11-25", &r),
	    MDT_OK);
	fx_steps(f->s, NULL);
	mdt_review_free(&r);
	return steps;
}

/* The actions of a year's review are read through when they were agreed
 * and closed (and the open ones through their own index): five thousand
 * closed years before add no step. */
static void
test_review_actions_flat(void **state)
{
	assert_flat(*state, review_year_cost, add_old_actions);
}

/* The deaths the demo's preparation and agenda list: those since the
 * meeting before. */
static int64_t
deaths_since_cost(struct fx *f)
{
	struct mdt_death *d;
	size_t n;
	int64_t steps = 0;

	fx_steps(f->s, &steps);
	assert_int_equal(mdt_deaths_since(f->s, f->meeting, &d, &n), MDT_OK);
	fx_steps(f->s, NULL);
	mdt_deaths_free(d, n);
	return steps;
}

/* The meeting before is found by its start and the deaths from it on
 * by when they were recorded: five thousand meetings each with a death,
 * and five thousand deaths between them, all before it, add no step. */
static void
test_deaths_since_flat(void **state)
{
	struct fx *f = *state;
	struct mdt_death *d;
	size_t n;

	assert_flat(f, deaths_since_cost, add_old_deaths);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM deaths"), HISTORY);
	/* none of them since the meeting before the demo's */
	assert_int_equal(mdt_deaths_since(f->s, f->meeting, &d, &n), MDT_OK);
	assert_int_equal(n, 0);
	mdt_deaths_free(d, n);
}

/* ---- an import -------------------------------------------------------- */

/* The steps of importing a referral list of n new patients (NHS numbers
 * from the first-th valid one in the 971 range), their referrals then
 * withdrawn so that the next import carries none of them. */
static int64_t
import_cost(struct fx *f, int first, int n)
{
	struct mdt_import_report rep;
	char path[200], nhs[24];
	int64_t steps = 0;
	FILE *fp;
	long k = 0;

	snprintf(path, sizeof(path), "%s/list-%d.csv", f->dir, first);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("nhs_number,name,date_of_birth,practice,reason,referred_by\n",
	    fp);
	for (int i = 0; i < first + n; k++) {
		snprintf(nhs, sizeof(nhs), "971%06ld", k);
		if (mdt_nhs_check_digit(nhs) < 0)
			continue;
		if (i++ >= first)
			fprintf(fp, "%s%d,\"Grow, \"\"Row\"\" %d\",1950-01-02,"
			    "Practice,\"Falls, \"\"frailty\"\"\",Dr Lee\n", nhs,
			    mdt_nhs_check_digit(nhs), i);
	}
	assert_int_equal(fclose(fp), 0);
	fx_steps(f->s, &steps);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	fx_steps(f->s, NULL);
	assert_int_equal(rep.added, n);
	mdt_import_report_done(&rep);
	fx_exec(f->s, "UPDATE referrals SET withdrawn_at = 1,"
	    " withdraw_reason = 'grown' WHERE withdrawn_at IS NULL");
	return steps;
}

/* Each row of a referral list settles and raises its patient's referral
 * through the patient's own (referrals_open), and the list's referrals
 * are not carried to the meeting again: four times the rows cost at most
 * five times the steps (reading the open referrals for each row made it
 * sixteen). */
static void
test_import_rows_linear(void **state)
{
	struct fx *f = *state;
	int64_t small, large;

	fx_tempdir(f);
	small = import_cost(f, 0, 100);
	large = import_cost(f, 100, 400);
	assert_true(large <= 5 * small);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_audit_since_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_review_actions_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_deaths_since_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_rows_linear,
		    fx_setup_demo, fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
