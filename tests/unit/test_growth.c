/*
 * test_growth.c - what a user repeats costs what it shows, not the length
 * of the history.  Each test counts SQLite's VM steps of one read on the
 * demo store, adds years of history that the read does not show, and
 * counts again: a read that scans the history would add thousands.
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_audit_since_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_review_actions_flat,
		    fx_setup_demo, fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
