/*
 * test_referrals.c - the referral queue: a referral deferred comes to the
 * next meeting by itself, and the one after, with how often and why it
 * was deferred and how long it waited, until its patient is discussed;
 * the minutes between meetings; withdrawn with a reason; ended by a
 * death; one open referral per patient however often the list is
 * imported; a patient not yet traced.  Raising referrals is tested in
 * test_refer.c.
 */
#include "config.h"

#include "referrals_fixture.h"

static void
test_deferred_comes_forward(void **state)
{
	struct fx *f = *state;
	struct mdt_candidate c = { 0 };
	struct mdt_referral *r;
	char history[300], want[300], d1[11], d2[11];
	int64_t second, third;
	size_t n;

	assert_int_equal(open_referrals(f), 2);
	hold(f, f->meeting, true, "no GP from Riverside today");
	/* A was discussed: out of the queue; B waits */
	assert_int_equal(open_referrals(f), 1);
	second = schedule(f, "+7");
	assert_int_equal(cand(f, second, A), 0);
	find(f, second, B, &c, history, sizeof(history));
	assert_true(c.lists & MDT_LIST_REFERRAL);
	assert_int_equal(c.referral_deferred, 1);
	assert_int_equal(c.referral_days, 14);
	snprintf(want, sizeof(want), "waited 14 days, deferred 1x (%s: no GP"
	    " from Riverside today)", day_of(f, f->meeting, d1));
	assert_string_equal(history, want);
	/* a referral is never turned away: B must be decided again */
	assert_int_equal(mdt_agenda_finalise(f->s, second), MDT_ESTATE);

	/* deferred again, and again it comes */
	hold(f, second, false, "in hospital");
	third = schedule(f, "+7");
	find(f, third, B, &c, history, sizeof(history));
	assert_int_equal(c.referral_deferred, 2);
	/* every deferral, oldest first, each with its meeting's day */
	snprintf(want, sizeof(want), "waited 21 days, deferred 2x (%s: no GP"
	    " from Riverside today; %s: in hospital)", d1,
	    day_of(f, second, d2));
	assert_string_equal(history, want);
	assert_int_equal(mdt_referrals_load(f->s, &r, &n), MDT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].nhs_number, B);
	assert_int_equal(r[0].times_deferred, 2);
	assert_string_equal(r[0].deferrals[0].on, d1);
	assert_string_equal(r[0].deferrals[0].reason,
	    "no GP from Riverside today");
	assert_string_equal(r[0].deferrals[1].on, d2);
	assert_string_equal(r[0].deferrals[1].reason, "in hospital");
	assert_string_equal(r[0].source, "import");
	mdt_referrals_free(r, n);
	/* the agenda says so too */
	{
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);

		assert_int_equal(mdt_agenda_write(f->s, third,
		    MDT_AGENDA_TXT, false, out), MDT_OK);
		fclose(out);
		assert_non_null(strstr(text, want));
		free(text);
	}
	/* scheduling again changes nothing */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM referrals"), 2);

	/* the queue for circulation: each deferral on its own line, in CSV
	 * one field, in JSON an array; a stored reason of hostile bytes
	 * escaped in the text, kept whole in JSON */
	fx_exec(f->s, "UPDATE candidates SET defer_reason = 'in '"
	    " || char(27) || '[2J' || char(10) || 'hosp' || char(8238)"
	    " || 'ital' WHERE defer_reason = 'in hospital'");
	{
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		json_t *root, *d;

		assert_int_equal(mdt_referrals_write(f->s, MDT_REFERRALS_TXT,
		    false, out), MDT_OK);
		fclose(out);
		snprintf(want, sizeof(want), "         deferred %s: no GP from"
		    " Riverside today\n         deferred %s: in ", d1, d2);
		assert_non_null(strstr(text, want));
		assert_null(strchr(text, '\x1b'));
		assert_null(strstr(text, "\xe2\x80\xae"));
		free(text);

		out = open_memstream(&text, &len);
		assert_int_equal(mdt_referrals_write(f->s, MDT_REFERRALS_CSV,
		    false, out), MDT_OK);
		fclose(out);
		assert_non_null(strstr(text, ",times_deferred,deferrals"));
		snprintf(want, sizeof(want), "\"2\",\"%s: no GP from"
		    " Riverside today; %s: in \\x1b[2J\\nhosp<U+202E>ital\"",
		    d1, d2);
		assert_non_null(strstr(text, want));
		assert_null(strchr(text, '\x1b'));
		free(text);

		out = open_memstream(&text, &len);
		assert_int_equal(mdt_referrals_write(f->s, MDT_REFERRALS_JSON,
		    false, out), MDT_OK);
		fclose(out);
		root = json_loads(text, 0, NULL);
		assert_non_null(root);
		d = json_object_get(json_array_get(json_object_get(root,
		    "referrals"), 0), "deferrals");
		assert_int_equal(json_array_size(d), 2);
		assert_string_equal(json_string_value(json_object_get(
		    json_array_get(d, 0), "meeting_date")), d1);
		assert_string_equal(json_string_value(json_object_get(
		    json_array_get(d, 1), "reason")),
		    "in \x1b[2J\nhosp\xe2\x80\xaeital");
		json_decref(root);
		free(text);
	}
}

/* The minutes of the next meeting tell the work between: B's referral
 * (by whom, service, raised, waited, deferred once, why; a stored escape
 * in its reason escaped), the consent asked before, a patient escalated
 * from the rising-risk register with the reason, the deaths since the
 * meeting before; the same in JSON. */
static void
test_minutes_between(void **state)
{
	struct fx *f = *state;
	struct mdt_consent_ask_in ask = { .nhs_number = B, .answer = "given",
	    .asked_by = "Ade Okonkwo" };
	struct mdt_rising_in risk = { .nhs_number = "9434765919",
	    .name = "Cal Rowe", .date_of_birth = "1950-01-01",
	    .reason = "Two falls", .by = "Matron" };
	struct mdt_death_in died = { .nhs_number = "9991581766" };
	int64_t second, slot_b = 0, slot_c = 0, cand_c = 0;
	char *text = NULL, num[11];
	size_t len = 0;
	FILE *out;
	json_t *root, *slots, *x;

	hold(f, f->meeting, true, "no GP from Riverside today");
	fx_exec(f->s, "UPDATE referrals SET reason = 'Calls' || char(27)"
	    " || '[2J' WHERE reason = 'Calls'");
	second = schedule(f, "+7");
	assert_int_equal(mdt_consent_ask(f->s, &ask), MDT_OK);
	assert_int_equal(mdt_rising_add(f->s, &risk, NULL, num), MDT_OK);
	assert_int_equal(mdt_rising_escalate(f->s, "9434765919", "A third"
	    " fall", second, "Matron", &cand_c), MDT_OK);
	/* a death between the meetings, of a patient known to the tool */
	fx_exec(f->s, "INSERT INTO patients (uuid, nhs_number, name,"
	    " date_of_birth) VALUES ('7e57d1ed-0000-4000-8000-000000000001',"
	    " '9991581766', 'Dora Finch', '1930-04-04')");
	died.date = "+0";
	died.place = "home";
	died.expected = 1;
	died.actions = MDT_DEATH_CANCEL;
	died.owner_id = fx_int(f->s, "SELECT coalesce(max(id), 0) FROM"
	    " people");
	if (died.owner_id == 0) {
		fx_exec(f->s, "INSERT INTO people (uuid, name, role,"
		    " organisation) VALUES ('7e57d1ed-0000-4000-8000-"
		    "000000000002', 'Matron Ojo', 'Community matron',"
		    " 'Whittington Health')");
		died.owner_id = fx_int(f->s, "SELECT max(id) FROM people");
	}
	assert_int_equal(mdt_death_between(f->s, &died, NULL), MDT_OK);

	f->now += 7 * DAY;
	assert_int_equal(mdt_candidate_select(f->s, cand(f, second, B), 0, 0,
	    &slot_b), MDT_OK);
	assert_int_equal(mdt_candidate_select(f->s, cand_c, 0, 0, &slot_c),
	    MDT_OK);
	assert_int_equal(mdt_meeting_open(f->s, second), MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, second, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, slot_b, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_int_equal(mdt_meeting_close(f->s, second), MDT_OK);

	out = open_memstream(&text, &len);
	assert_int_equal(mdt_minutes_write(f->s, second, MDT_MINUTES_TXT, out),
	    MDT_OK);
	fclose(out);
	assert_non_null(strstr(text, "- Consent asked before: given (asked by"
	    " Ade Okonkwo, "));
	assert_non_null(strstr(text, "- Referral: by Ade (service not given),"
	    " routine, raised 20"));
	assert_non_null(strstr(text, ", waited 14 days, deferred 1x:"
	    " Calls\\x1b[2J\n"));
	assert_null(strchr(text, '\x1b'));
	assert_non_null(strstr(text, "- Rising risk: escalated from the"
	    " rising-risk register (A third fall)\n"));
	assert_non_null(strstr(text, "Deaths since the last meeting\n"));
	assert_non_null(strstr(text, "- Dora Finch, born 1930-04-04, NHS"));
	assert_non_null(strstr(text, ": died on "));
	free(text);

	text = NULL;
	out = open_memstream(&text, &len);
	assert_int_equal(mdt_minutes_write(f->s, second, MDT_MINUTES_JSON,
	    out), MDT_OK);
	fclose(out);
	root = json_loads(text, 0, NULL);
	assert_non_null(root);
	slots = json_object_get(root, "slots");
	assert_int_equal(json_array_size(slots), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *sl = json_array_get(slots, i);
		const char *nhs = json_string_value(json_object_get(
		    json_object_get(sl, "patient"), "nhs_number"));

		if (strcmp(nhs, B) == 0) {
			x = json_object_get(sl, "referral");
			assert_string_equal(json_string_value(json_object_get(x,
			    "reason")), "Calls\x1b[2J");
			assert_int_equal(json_integer_value(json_object_get(x,
			    "times_deferred")), 1);
			assert_int_equal(json_integer_value(json_object_get(x,
			    "days_waited")), 14);
			assert_non_null(strstr(json_string_value(
			    json_object_get(sl, "consent_asked_before")),
			    "given (asked by Ade Okonkwo"));
		} else {
			assert_string_equal(nhs, "9434765919");
			assert_true(json_is_null(json_object_get(sl,
			    "referral")));
			x = json_array_get(json_object_get(sl, "rising_risk"),
			    0);
			assert_string_equal(json_string_value(json_object_get(x,
			    "event")), "escalated");
			assert_string_equal(json_string_value(json_object_get(x,
			    "reason")), "A third fall");
		}
	}
	x = json_array_get(json_object_get(root, "deaths_since_last_meeting"),
	    0);
	assert_string_equal(json_string_value(json_object_get(x, "name")),
	    "Dora Finch");
	assert_string_equal(json_string_value(json_object_get(x, "place")),
	    "home");
	assert_true(json_is_true(json_object_get(x, "expected")));
	assert_string_equal(json_string_value(json_object_get(x,
	    "relatives_follow_up")), "open");
	json_decref(root);
	free(text);
}

static void
test_withdraw(void **state)
{
	struct fx *f = *state;
	int64_t first = f->meeting;
	char buf[200];

	EXPECT_ACT(f, mdt_referral_withdraw(f->s, "999 993 9082",
	    "moved out of area"), MDT_OK, 0, 1);
	assert_int_equal(open_referrals(f), 1);
	/* its candidate no longer holds up the agenda */
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " defer_reason FROM candidates WHERE id = %lld",
	    (long long)cand(f, first, B)), "referral withdrawn: moved out of"
	    " area");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE action = 'referral_withdraw'"), 1);
	/* once only, with a reason, for a valid number */
	assert_int_equal(mdt_referral_withdraw(f->s, B, "again"),
	    MDT_ENOTFOUND);
	assert_int_equal(mdt_referral_withdraw(f->s, A, "  "), MDT_EINVAL);
	assert_int_equal(mdt_referral_withdraw(f->s, "9993395634", "x"),
	    MDT_ENHS);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM referrals"
	    " WHERE withdrawn_at IS NOT NULL"), 1);
	/* it does not come to the next meeting */
	assert_int_equal(mdt_meeting_close(f->s, first), MDT_OK);
	assert_int_equal(cand(f, schedule(f, "+14"), B), 0);
	/* the store refuses a withdrawal without a reason */
	assert_int_not_equal(sqlite3_exec(mdt_store_db(f->s),
	    "UPDATE referrals SET withdrawn_at = 1, withdraw_reason = ''"
	    " WHERE withdrawn_at IS NULL", NULL, NULL, NULL), SQLITE_OK);
}

/* A death between meetings ends the patient's referral: it leaves the
 * queue, withdrawn with the reason, and its candidate goes. */
static void
test_death_ends_referral(void **state)
{
	struct fx *f = *state;
	struct mdt_death_in in = { .nhs_number = A, .date = NULL,
	    .expected = -1, .actions = MDT_DEATH_KEEP };
	int64_t owner = 0;
	char buf[200], today[11];

	mdt_date_of(f->now, today);
	in.date = today;
	assert_int_equal(mdt_person_add(f->s, "Ana Costa", "Matron",
	    "Whittington Health", &owner), MDT_OK);
	in.owner_id = owner;
	assert_int_equal(open_referrals(f), 2);
	assert_int_equal(mdt_death_between(f->s, &in, NULL), MDT_OK);
	assert_int_equal(open_referrals(f), 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " withdraw_reason FROM referrals r JOIN patients p"
	    " ON p.id = r.patient_id WHERE p.nhs_number = '" A "'"),
	    "the patient died");
	/* nor a candidate of the meeting planned */
	assert_int_equal(cand(f, f->meeting, A), 0);
	/* nor to the next meeting */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	assert_int_equal(cand(f, schedule(f, "+14"), A), 0);
}

static void
test_one_open_per_patient(void **state)
{
	struct fx *f = *state;
	struct mdt_referral_in in = { .nhs_number = A, .referrer = "Matron",
	    .service = "Community nursing", .reason = "Weight loss",
	    .urgency = "urgent", .consent = "given" };
	int64_t second, id = 0;
	bool updated = false;
	char buf[200];

	/* the same file again, then a new reason for A */
	import(f, f->meeting, "Falls");
	import(f, f->meeting, "Falls at home");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM referrals"), 2);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT reason"
	    " FROM referrals r JOIN patients p ON p.id = r.patient_id"
	    " WHERE p.nhs_number = '" A "'"), "Falls at home");
	/* imported for another meeting: still one each */
	second = schedule(f, "+14");
	import(f, second, "Falls");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM referrals"), 2);
	/* referred in the tool: the open one updated */
	assert_int_equal(mdt_refer(f->s, &in, &id, &updated, NULL), MDT_OK);
	assert_true(updated);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM referrals"), 2);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT urgency ||"
	    " ',' || service || ',' || consent FROM referrals WHERE id = %lld",
	    (long long)id), "urgent,Community nursing,given");
	/* a second open referral of a patient is refused by the store */
	assert_int_not_equal(sqlite3_exec(mdt_store_db(f->s),
	    "INSERT INTO referrals (uuid, patient_id, raised_at, source)"
	    " SELECT 'x', patient_id, 0, 'tool' FROM referrals LIMIT 1",
	    NULL, NULL, NULL), SQLITE_OK);
}

/* A patient whose NHS number is not known is held under a local
 * identifier, not refused: referred, queued, put on no agenda, then
 * traced to a new number, or to one the record knows (joined). */
static void
test_untraced(void **state)
{
	struct fx *f = *state;
	struct mdt_referral_in in = { .nhs_number = NULL,
	    .name = "Ann \xe2\x80\xae" "Example", .referrer = "Care navigator",
	    .service = "Homeless health", .reason = "No GP; falls at the"
	    " hostel" };
	struct mdt_candidate *c;
	int64_t id = 0, slot = 0, cand_l = 0;
	size_t n;
	bool merged = true;
	char number[11] = "", buf[200];

	/* hostile text refused, nothing held */
	assert_int_equal(mdt_refer(f->s, &in, &id, NULL, number), MDT_EINVAL);
	in.name = "Ann Example";
	in.date_of_birth = "1950-02-03";
	assert_int_equal(mdt_refer(f->s, &in, &id, NULL, number), MDT_OK);
	assert_string_equal(number, "L000000001");
	assert_int_equal(open_referrals(f), 3);
	/* a candidate of the planned meeting, flagged, that cannot be put on
	 * the agenda */
	assert_int_equal(mdt_candidates_load(f->s, f->meeting, &c, &n), MDT_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].nhs_number, "L000000001") == 0)
			cand_l = c[i].id;
	mdt_candidates_free(c, n);
	assert_true(cand_l > 0);
	assert_int_equal(mdt_candidate_select(f->s, cand_l, 0, 0, &slot),
	    MDT_ESTATE);
	assert_non_null(strstr(mdt_store_error(f->s), "not traced: trace the"
	    " NHS number first (mdtchair trace L000000001 NHS)"));
	/* masked, the label says so */
	assert_non_null(strstr(mdt_patient_mask("Ann Example", "1950-02-03",
	    "L000000001", buf, sizeof(buf)), "not traced (L000000001)"));
	/* referred again by its identifier: the same referral */
	in.nhs_number = "l1";
	in.name = NULL;
	in.date_of_birth = NULL;
	assert_int_equal(mdt_refer(f->s, &in, &id, NULL, number), MDT_OK);
	assert_int_equal(open_referrals(f), 3);
	in.nhs_number = "L2";
	assert_int_equal(mdt_refer(f->s, &in, &id, NULL, number),
	    MDT_ENOTFOUND);
	/* a second one, never reusing the first's identifier */
	in.nhs_number = NULL;
	in.name = "Bo Other";
	assert_int_equal(mdt_refer(f->s, &in, &id, NULL, number), MDT_OK);
	assert_string_equal(number, "L000000002");

	/* traced: a wrong number or identifier changes nothing */
	assert_int_equal(mdt_patient_trace(f->s, "L1", "9434765918", NULL),
	    MDT_ENHS);
	assert_int_equal(mdt_patient_trace(f->s, "9434765919", "9434765919",
	    NULL), MDT_EINVAL);
	assert_int_equal(mdt_patient_trace(f->s, "L9", "9434765919", NULL),
	    MDT_ENOTFOUND);
	/* a new number: the patient keeps everything, now selectable */
	assert_int_equal(mdt_patient_trace(f->s, "L1", "943 476 5919",
	    &merged), MDT_OK);
	assert_false(merged);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE nhs_number = 'L000000001'"), 0);
	assert_int_equal(mdt_candidate_select(f->s, cand_l, 0, 0, &slot),
	    MDT_OK);
	/* a number the record knows (A, with its own open referral): Bo
	 * joins A, one open referral, the candidates one */
	assert_int_equal(mdt_patient_trace(f->s, "L000000002", A, &merged),
	    MDT_OK);
	assert_true(merged);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE nhs_number GLOB 'L*'"), 0);
	assert_int_equal(open_referrals(f), 3);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld", (long long)f->meeting), 3);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM referrals r"
	    " JOIN patients p ON p.id = r.patient_id WHERE p.nhs_number = '"
	    A "' AND r.withdraw_reason LIKE 'traced:%%'"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE action = 'patient_trace'"), 2);
	/* the log names nobody */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE detail LIKE '%%Example%%' OR detail LIKE '%%Other%%'"), 0);
	/* with no patient held locally, the next identifier still follows
	 * the highest ever given (the traces' audit rows) */
	in.name = "Cy Third";
	assert_int_equal(mdt_refer(f->s, &in, &id, NULL, number), MDT_OK);
	assert_string_equal(number, "L000000003");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_deferred_comes_forward,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_withdraw, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_death_ends_referral,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_one_open_per_patient,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_minutes_between, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_untraced, setup,
		    fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
