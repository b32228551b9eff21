/*
 * test_plan.c - the joined-up plan: made with its first item, each act
 * one audit row and one outbox row (the CarePlan), hostile or missing
 * text refused with nothing saved; an item resolved keeps its words with
 * when, why and who, and is not resolved twice; an intervention linked
 * only to one of the patient's own actions; the next review; closing a
 * case completes the plan when every problem is resolved and is refused
 * while one is open, until the plan is ended with a reason; a death ends
 * it; adding an item reopens it; printed for the patient with nothing of
 * any other, stored hostile text escaped.
 */
#include "config.h"

#include "fixture.h"
#include "store_internal.h"

/* two patients of the demo: slot 1 (Zoe) and slot 2 (Arthur) */
#define ZOE "9993395633"
#define ARTHUR "9999939082"

static int64_t
patient(struct fx *f, const char *nhs)
{
	int64_t id = 0;

	assert_int_equal(mdt_plan_patient(f->s, nhs, &id), MDT_OK);
	return id;
}

static int
add(struct fx *f, int64_t pid, enum mdt_plan_kind kind, const char *text)
{
	struct mdt_plan_in in = { .kind = kind, .text = text };
	int pos = 0;

	assert_int_equal(mdt_plan_add(f->s, pid, &in, &pos), MDT_OK);
	return pos;
}

static void
test_patient(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;

	assert_int_equal(mdt_plan_patient(f->s, "999 339 5633", &id), MDT_OK);
	assert_true(id > 0);
	assert_int_equal(mdt_plan_patient(f->s, "9993395634", &id), MDT_ENHS);
	assert_int_equal(mdt_plan_patient(f->s, "9434765919", &id),
	    MDT_ENOTFOUND);
	assert_int_equal(mdt_plan_patient(f->s, "L000000017", &id),
	    MDT_ESTATE);
	assert_non_null(strstr(mdt_store_error(f->s), "not traced"));
	assert_int_equal(mdt_plan_kind_parse("goal"), MDT_PLAN_GOAL);
	assert_int_equal(mdt_plan_kind_parse("wish"), -1);
}

static void
test_add_resolve(void **state)
{
	static const char *const hostile[] = {
		"red\x1b[31m", "bell\a", "two\nlines", "rlo\xe2\x80\xae" "evil",
		"bad\xff", "", "   ",
	};
	struct fx *f = *state;
	int64_t zoe = patient(f, ZOE);
	struct mdt_plan_in in = { .kind = MDT_PLAN_GOAL };
	struct mdt_plan p;
	char buf[256];

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		in.text = hostile[i];
		EXPECT_ACT(f, mdt_plan_add(f->s, zoe, &in, NULL), MDT_EINVAL,
		    0, 0);
	}
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM care_plans"), 0);
	/* the first item makes the plan: its audit row too */
	in.text = "Falls at home";
	in.kind = MDT_PLAN_PROBLEM;
	EXPECT_ACT(f, mdt_plan_add(f->s, zoe, &in, NULL), MDT_OK, 1, 2);
	in.kind = MDT_PLAN_GOAL;
	in.text = "I want to walk to the shop";
	EXPECT_ACT(f, mdt_plan_add(f->s, zoe, &in, NULL), MDT_OK, 1, 1);
	in.carer = true;
	in.text = "I want Mum to stay at home";
	assert_int_equal(mdt_plan_add(f->s, zoe, &in, NULL), MDT_OK);
	/* only an intervention is an action */
	in.kind = MDT_PLAN_PROBLEM;
	in.carer = false;
	in.action_id = 1;
	EXPECT_ACT(f, mdt_plan_add(f->s, zoe, &in, NULL), MDT_EINVAL, 0, 0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " group_concat(kind || ':' || coalesce(whose, '-'), ',') FROM"
	    " (SELECT * FROM plan_items ORDER BY position)"),
	    "problem:-,goal:patient,goal:carer");
	/* resolved, kept; not twice; a hostile reason refused */
	EXPECT_ACT(f, mdt_plan_resolve(f->s, zoe, 1, "bad\x1b]2;x\a"),
	    MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_plan_resolve(f->s, zoe, 1, "No falls since June"),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_plan_resolve(f->s, zoe, 1, "again"), MDT_ESTATE,
	    0, 0);
	EXPECT_ACT(f, mdt_plan_resolve(f->s, zoe, 9, "none"), MDT_ENOTFOUND,
	    0, 0);
	assert_int_equal(mdt_plan_load(f->s, zoe, &p), MDT_OK);
	assert_int_equal(p.n_items, 3);
	assert_string_equal(p.items[0].text, "Falls at home");
	assert_true(p.items[0].resolved);
	assert_string_equal(p.items[0].resolved_reason, "No falls since June");
	assert_true(p.items[2].carer);
	assert_int_equal(p.problems, 1);
	assert_int_equal(p.open_problems, 0);
	assert_string_equal(p.status, "active");
	mdt_plan_free(&p);
	/* the next review: not in the past */
	EXPECT_ACT(f, mdt_plan_review(f->s, zoe, "2020-01-01"), MDT_EINVAL,
	    0, 0);
	EXPECT_ACT(f, mdt_plan_review(f->s, zoe, "+28"), MDT_OK, 1, 1);
	/* another patient has none */
	assert_int_equal(mdt_plan_load(f->s, patient(f, ARTHUR), &p),
	    MDT_ENOTFOUND);
	/* every change of the plan is one outbox row of it */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox WHERE"
	    " entity = 'plan'"), 5);
}

static void
test_link(void **state)
{
	struct fx *f = *state;
	int64_t zoe = patient(f, ZOE), s1 = fx_slot(f, 1), s2 = fx_slot(f, 2);
	int64_t mine = 0, theirs = 0, owner = fx_int(f->s, "SELECT min(id)"
	    " FROM people");
	struct mdt_plan_in in = { .kind = MDT_PLAN_INTERVENTION,
	    .text = "Physio at home" };
	struct mdt_plan p;
	int pos;

	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s2, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s1, "Refer to physio", owner,
	    "+14", &mine), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s2, "Arthur's", owner, "+14",
	    &theirs), MDT_OK);
	in.action_id = theirs;
	EXPECT_ACT(f, mdt_plan_add(f->s, zoe, &in, NULL), MDT_ENOTFOUND, 0, 0);
	in.action_id = mine;
	assert_int_equal(mdt_plan_add(f->s, zoe, &in, &pos), MDT_OK);
	pos = add(f, zoe, MDT_PLAN_INTERVENTION, "Day centre twice a week");
	EXPECT_ACT(f, mdt_plan_link(f->s, zoe, pos, theirs), MDT_ENOTFOUND,
	    0, 0);
	/* the link and what it was: the plan's change, and its own row */
	EXPECT_ACT(f, mdt_plan_link(f->s, zoe, pos, mine), MDT_OK, 1, 2);
	assert_int_equal(mdt_plan_load(f->s, zoe, &p), MDT_OK);
	assert_int_equal(p.items[1].action_id, mine);
	assert_string_equal(p.items[1].action_text, "Refer to physio");
	assert_string_equal(p.items[1].action_status, "open");
	mdt_plan_free(&p);
	pos = add(f, zoe, MDT_PLAN_PROBLEM, "Lonely");
	EXPECT_ACT(f, mdt_plan_link(f->s, zoe, pos, mine), MDT_EINVAL, 0, 0);
}

static void
test_close(void **state)
{
	struct fx *f = *state;
	int64_t zoe = patient(f, ZOE), art = patient(f, ARTHUR);
	int64_t s1 = fx_slot(f, 1), s2 = fx_slot(f, 2);
	char buf[128];

	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	add(f, zoe, MDT_PLAN_PROBLEM, "Falls");
	add(f, zoe, MDT_PLAN_PROBLEM, "Lonely");
	assert_int_equal(mdt_plan_resolve(f->s, zoe, 1, "Sorted"), MDT_OK);
	/* a problem open: the case does not close, nothing written */
	EXPECT_ACT(f, mdt_outcome_record(f->s, s1, MDT_OUTCOME_CLOSE, NULL),
	    MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "1 problem not"));
	/* staying on the caseload is fine */
	assert_int_equal(mdt_outcome_record(f->s, s1, MDT_OUTCOME_STAY, "+28"),
	    MDT_OK);
	/* resolved: the case closes and the plan is complete */
	assert_int_equal(mdt_plan_resolve(f->s, zoe, 2, "Day centre"),
	    MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s1, MDT_OUTCOME_CLOSE, NULL),
	    MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT status"
	    " FROM care_plans WHERE patient_id = %lld", (long long)zoe),
	    "completed");
	/* adding reopens it */
	add(f, zoe, MDT_PLAN_GOAL, "I want to garden");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT status"
	    " FROM care_plans WHERE patient_id = %lld", (long long)zoe),
	    "active");

	/* ended with a reason, the case closes with the problem open */
	assert_int_equal(mdt_consent_record(f->s, s2, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	add(f, art, MDT_PLAN_PROBLEM, "Housing");
	EXPECT_ACT(f, mdt_plan_end(f->s, art, ""), MDT_EINVAL, 0, 0);
	assert_int_equal(mdt_plan_end(f->s, art, "Moved out of the area"),
	    MDT_OK);
	assert_int_equal(mdt_plan_end(f->s, art, "again"), MDT_ESTATE);
	assert_int_equal(mdt_outcome_record(f->s, s2, MDT_OUTCOME_CLOSE, NULL),
	    MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT status ||"
	    " ':' || end_reason FROM care_plans WHERE patient_id = %lld",
	    (long long)art), "ended:Moved out of the area");
	/* a death ends an active plan; the dead get no new items */
	assert_int_equal(mdt_death_record(f->s, s1, NULL), MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT status ||"
	    " ':' || end_reason FROM care_plans WHERE patient_id = %lld",
	    (long long)zoe), "ended:the patient died");
	assert_int_equal(mdt_plan_add(f->s, zoe, &(struct mdt_plan_in){
	    .kind = MDT_PLAN_GOAL, .text = "x" }, NULL), MDT_ESTATE);
}

/* The plan of pid printed (md: Markdown): its status, the text in *doc
 * (freed by the caller). */
static enum mdt_status
printed(struct fx *f, int64_t pid, bool md, char **doc)
{
	enum mdt_status st;
	size_t len = 0;
	FILE *out;

	*doc = NULL;
	out = open_memstream(doc, &len);
	st = mdt_plan_write(f->s, pid, md, out);
	fclose(out);
	return st;
}

static void
test_write(void **state)
{
	struct fx *f = *state;
	int64_t zoe = patient(f, ZOE), art = patient(f, ARTHUR);
	char *doc = NULL;

	add(f, zoe, MDT_PLAN_PROBLEM, "Falls");
	add(f, zoe, MDT_PLAN_GOAL, "I want to walk");
	add(f, art, MDT_PLAN_PROBLEM, "Arthur's own problem");
	/* stored before the input policy: escaped when printed */
	fx_exec(f->s, "UPDATE plan_items SET text = 'I want *this* \x1b[2J'"
	    " WHERE kind = 'goal'");
	assert_int_equal(printed(f, zoe, false, &doc), MDT_OK);
	assert_non_null(strstr(doc, "What matters to me"));
	assert_non_null(strstr(doc, "My goals"));
	assert_non_null(strstr(doc, "What we will do (who, by when)"));
	assert_non_null(strstr(doc, "My key contact"));
	assert_non_null(strstr(doc, "Next review"));
	assert_non_null(strstr(doc, "999 339 5633"));
	assert_null(strchr(doc, '\x1b'));
	assert_non_null(strstr(doc, "\\x1b[2J"));
	assert_null(strstr(doc, "Arthur"));
	free(doc);
	assert_int_equal(printed(f, zoe, true, &doc), MDT_OK);
	assert_non_null(strstr(doc, "## My goals"));
	assert_non_null(strstr(doc, "\\*this\\*"));
	free(doc);
	assert_int_equal(printed(f, patient(f, "9991581766"), false, &doc),
	    MDT_ENOTFOUND);
	free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_patient, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_add_resolve,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_link, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_close, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_write, fx_setup_demo,
		    fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
