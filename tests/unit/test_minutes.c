/*
 * test_minutes.c - the minutes of a chaired meeting: the JSON parses and
 * holds what was recorded (register, consent and the organisations the
 * patient excluded, notes, actions with owners and due dates, outcomes,
 * times), and the Markdown mentions the same.
 */
#include "config.h"

#include <locale.h>

#include <jansson.h>

#include "fixture.h"

/* Chairs the first two demo slots and leaves the rest. */
static void
chair_some(struct fx *f)
{
	int64_t s1 = fx_slot(f, 1), s2 = fx_slot(f, 2), s9 = fx_slot(f, 9);
	int64_t owner = fx_person(f, "Hamza Qureshi");
	int64_t gp = fx_person(f, "Dr Siobhán Ní Bhriain");
	const char *exclude[] = { "Acme Care", " Borough Housing " };

	assert_int_equal(mdt_attendance_set(f->s, f->meeting, gp,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_attendance_ack(f->s, f->meeting, gp, true),
	    MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting,
	    fx_person(f, "Sam Whitlock"), MDT_ATTEND_APOLOGIES), MDT_OK);

	f->now = FX_T0 + 14 * FX_SEC;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_note_add(f->s, s1, "Falls at night; lives alone",
	    NULL), MDT_OK);
	assert_int_equal(mdt_note_add(f->s, s1, "Daughter visits weekly",
	    NULL), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s1, "Review night-time medicines",
	    owner, "2026-12-09", NULL), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s1, MDT_OUTCOME_STAY,
	    "2027-02-25"), MDT_OK);

	/* slot 1 took 5:30: within the band */
	f->now = FX_T0 + 14 * FX_SEC + 330 * FX_SEC;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s2,
	    MDT_CONSENT_RISK_TO_OTHERS, "Grandchildren in the home at risk",
	    exclude, 2), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s2, MDT_OUTCOME_STEP_DOWN,
	    NULL), MDT_OK);
	assert_int_equal(mdt_slot_extend(f->s, f->meeting, 120), MDT_OK);

	/* slot 2 took 8 minutes: over, whatever the extension */
	f->now += 8 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s9, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s9, MDT_OUTCOME_DIED, NULL),
	    MDT_OK);
	f->now += 2 * FX_MIN;
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
}

static json_t *
minutes_json(struct fx *f)
{
	char *buf = NULL;
	size_t len = 0;
	json_error_t jerr;
	json_t *root;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(mdt_minutes_write(f->s, f->meeting, MDT_MINUTES_JSON,
	    out), MDT_OK);
	fclose(out);
	root = json_loads(buf, 0, &jerr);
	if (root == NULL)
		fail_msg("minutes JSON does not parse: %s (line %d)", jerr.text,
		    jerr.line);
	free(buf);
	return root;
}

static const char *
jget_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		fail_msg("%s is not a string", key);
	return json_string_value(v);
}

static json_int_t
jget_int(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		fail_msg("%s is not an integer", key);
	return json_integer_value(v);
}

static void
test_json_shape_and_content(void **state)
{
	struct fx *f = *state;
	json_t *root, *m, *att, *slots, *s1, *s2, *s9, *s12, *x;
	size_t i;
	bool gp_seen = false;

	chair_some(f);
	root = minutes_json(f);

	m = json_object_get(root, "meeting");
	assert_true(json_is_object(m));
	assert_int_equal(jget_int(m, "id"), f->meeting);
	assert_int_equal(strlen(jget_str(m, "uuid")), 36);
	assert_string_equal(jget_str(m, "title"), "Demo MDT");
	assert_string_equal(jget_str(m, "venue"), "Larkhall Green Practice");
	assert_string_equal(jget_str(m, "state"), "closed");
	assert_string_equal(jget_str(m, "scheduled_start"),
	    "2026-11-25T13:00:00Z");
	assert_string_equal(jget_str(m, "opened_at"), "2026-11-25T13:00:14Z");
	assert_string_equal(jget_str(m, "closed_at"), "2026-11-25T13:15:44Z");
	assert_int_equal(jget_int(m, "planned_minutes"), 80);
	assert_int_equal(json_object_size(m), 9);

	att = json_object_get(root, "attendance");
	assert_true(json_is_array(att));
	assert_int_equal(json_array_size(att), 10);
	json_array_foreach(att, i, x) {
		assert_int_equal(json_object_size(x), 10);
		assert_true(json_is_boolean(json_object_get(x,
		    "confidentiality_acknowledged")));
		assert_true(json_is_null(json_object_get(x, "arrived_at")));
		assert_true(json_is_null(json_object_get(x, "left_at")));
		assert_true(json_is_false(json_object_get(x, "added_on_day")));
		assert_true(json_is_boolean(json_object_get(x, "chair")));
		assert_true(json_is_boolean(json_object_get(x, "note_taker")));
		if (strcmp(jget_str(x, "name"), "Dr Siobhán Ní Bhriain") == 0) {
			gp_seen = true;
			assert_string_equal(jget_str(x, "role"), "GP");
			assert_string_equal(jget_str(x, "organisation"),
			    "Larkhall Green Practice");
			assert_string_equal(jget_str(x, "status"), "present");
			assert_true(json_is_true(json_object_get(x,
			    "confidentiality_acknowledged")));
		} else if (strcmp(jget_str(x, "name"), "Sam Whitlock") == 0)
			assert_string_equal(jget_str(x, "status"), "apologies");
		else
			assert_string_equal(jget_str(x, "status"), "unknown");
	}
	assert_true(gp_seen);

	slots = json_object_get(root, "slots");
	assert_int_equal(json_array_size(slots), 12);
	s1 = json_array_get(slots, 0);
	assert_int_equal(json_object_size(s1), 17);
	/* the work between meetings: none for the demo's first patient */
	assert_true(json_is_null(json_object_get(s1, "consent_asked_before")));
	assert_true(json_is_null(json_object_get(s1, "referral")));
	assert_int_equal(json_array_size(json_object_get(s1, "rising_risk")),
	    0);
	assert_true(json_is_array(json_object_get(root,
	    "deaths_since_last_meeting")));
	assert_int_equal(jget_int(s1, "position"), 1);
	x = json_object_get(s1, "patient");
	assert_string_equal(jget_str(x, "name"), "Zoë Adébáyọ̀");
	assert_string_equal(jget_str(x, "nhs_number"), "9993395633");
	assert_string_equal(jget_str(x, "date_of_birth"), "1941-03-14");
	assert_string_equal(jget_str(x, "practice"), "Larkhall Green Practice");
	assert_string_equal(jget_str(s1, "reason"),
	    "Three falls in six weeks; lives alone");
	assert_string_equal(jget_str(s1, "state"), "done");
	assert_int_equal(jget_int(s1, "planned_seconds"), 360);
	assert_int_equal(jget_int(s1, "extended_seconds"), 0);
	assert_int_equal(jget_int(s1, "elapsed_seconds"), 330);
	assert_string_equal(jget_str(s1, "time_band"), "within");
	x = json_object_get(s1, "consent");
	assert_int_equal(json_object_size(x), 3);
	assert_string_equal(jget_str(x, "basis"), "given");
	assert_true(json_is_null(json_object_get(x, "justification")));
	/* none excluded: an empty list, never absent */
	assert_true(json_is_array(json_object_get(x,
	    "excluded_organisations")));
	assert_int_equal(json_array_size(json_object_get(x,
	    "excluded_organisations")), 0);
	assert_string_equal(jget_str(s1, "key_contact"), "Marta Kowalczyk");
	x = json_object_get(s1, "notes");
	assert_int_equal(json_array_size(x), 2);
	assert_string_equal(json_string_value(json_array_get(x, 0)),
	    "Falls at night; lives alone");
	assert_string_equal(json_string_value(json_array_get(x, 1)),
	    "Daughter visits weekly");
	x = json_object_get(s1, "actions");
	assert_int_equal(json_array_size(x), 1);
	x = json_array_get(x, 0);
	assert_int_equal(strlen(jget_str(x, "uuid")), 36);
	assert_string_equal(jget_str(x, "text"), "Review night-time medicines");
	assert_string_equal(jget_str(x, "owner"), "Hamza Qureshi");
	assert_string_equal(jget_str(x, "due_date"), "2026-12-09");
	assert_string_equal(jget_str(x, "status"), "open");
	x = json_object_get(s1, "outcome");
	assert_string_equal(jget_str(x, "kind"), "stay");
	assert_string_equal(jget_str(x, "review_date"), "2027-02-25");

	s2 = json_array_get(slots, 1);
	x = json_object_get(s2, "consent");
	assert_string_equal(jget_str(x, "basis"), "risk_to_others");
	assert_string_equal(jget_str(x, "justification"),
	    "Grandchildren in the home at risk");
	x = json_object_get(x, "excluded_organisations");
	assert_int_equal(json_array_size(x), 2);
	assert_string_equal(json_string_value(json_array_get(x, 0)),
	    "Acme Care");
	assert_string_equal(json_string_value(json_array_get(x, 1)),
	    "Borough Housing");
	assert_int_equal(jget_int(s2, "elapsed_seconds"), 480);
	assert_int_equal(jget_int(s2, "extended_seconds"), 120);
	assert_string_equal(jget_str(s2, "time_band"), "over");
	x = json_object_get(s2, "outcome");
	assert_string_equal(jget_str(x, "kind"), "step_down");
	assert_true(json_is_null(json_object_get(x, "review_date")));
	assert_int_equal(json_array_size(json_object_get(s2, "notes")), 0);

	/* the death brought its follow-up action */
	s9 = json_array_get(slots, 8);
	x = json_object_get(s9, "outcome");
	assert_string_equal(jget_str(x, "kind"), "died");
	x = json_array_get(json_object_get(s9, "actions"), 0);
	assert_non_null(x);
	assert_string_equal(jget_str(x, "text"), "Contact the relatives to"
	    " offer support and follow up");
	assert_string_equal(jget_str(x, "owner"), "Dr Siobhán Ní Bhriain");
	assert_string_equal(jget_str(x, "due_date"), "2026-12-02");

	/* a slot never reached */
	s12 = json_array_get(slots, 11);
	assert_string_equal(jget_str(s12, "state"), "pending");
	assert_int_equal(jget_int(s12, "elapsed_seconds"), 0);
	assert_string_equal(jget_str(s12, "time_band"), "under");
	assert_true(json_is_null(json_object_get(s12, "consent")));
	assert_true(json_is_null(json_object_get(s12, "outcome")));
	json_decref(root);
}

static void
test_json_nulls_before_opening(void **state)
{
	struct fx *f = *state;
	json_t *root, *m;

	root = minutes_json(f);
	m = json_object_get(root, "meeting");
	assert_string_equal(jget_str(m, "state"), "planned");
	assert_true(json_is_null(json_object_get(m, "opened_at")));
	assert_true(json_is_null(json_object_get(m, "closed_at")));
	json_decref(root);
}

static void
test_markdown(void **state)
{
	struct fx *f = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	static const char *const want[] = {
		"# Demo MDT",
		"Larkhall Green Practice",
		"Dr Siobhán Ní Bhriain, GP, Larkhall Green Practice: present"
		    " (confidentiality acknowledged)",
		"Sam Whitlock, Meeting administrator",
		"### 1. Zoë Adébáyọ̀ (NHS 999 339 5633)",
		"Consent given",
		"Key contact: Marta Kowalczyk",
		"Falls at night; lives alone",
		"Review night-time medicines (owner: Hamza Qureshi; due"
		    " 2026-12-09)",
		"Stay on the caseload, review by 2027-02-25",
		"5:30 (within the 5-7 minute band)",
		"Grandchildren in the home at risk)\n"
		    "  - Organisations the patient asked to exclude: Acme Care,"
		    " Borough Housing\n- Key contact:",
		"8:00 (over the 5-7 minute band; extended by 2:00)",
		"Step down to rising risk",
		"Contact the relatives to offer support and follow up",
		"Time: not discussed",
		"## Actions by owner",
	};
	const char *p;
	size_t i;

	chair_some(f);
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(mdt_minutes_write(f->s, f->meeting, MDT_MINUTES_MD,
	    out), MDT_OK);
	fclose(out);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(buf, want[i]) == NULL)
			fail_msg("the minutes lack \"%s\":\n%s", want[i], buf);
	/* only the patient who excluded some says so */
	p = strstr(buf, "asked to exclude");
	assert_non_null(p);
	assert_null(strstr(p + 1, "asked to exclude"));
	free(buf);
}


/* Plain text: the Markdown's words with underlined headings, no '#'. */
static void
test_plain_text(void **state)
{
	struct fx *f = *state;
	char *md = NULL, *txt = NULL;
	size_t len = 0;
	FILE *out;
	static const char *const want[] = {
		"Demo MDT\n========\n",
		"\nAttendance\n----------\n",
		"\nPatients\n--------\n",
		/* 33 columns: the combining marks take none */
		"1. Zoë Adébáyọ̀ (NHS 999 339 5633)\n"
		    "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n",
		"\nActions by owner\n----------------\n",
		"- Time: 5:30 (within the 5-7 minute band)\n",
		"- Time: 8:00 (over the 5-7 minute band; extended by 2:00)\n",
	};

	chair_some(f);
	setlocale(LC_CTYPE, "C.UTF-8");
	out = open_memstream(&md, &len);
	assert_int_equal(mdt_minutes_write(f->s, f->meeting, MDT_MINUTES_MD,
	    out), MDT_OK);
	fclose(out);
	out = open_memstream(&txt, &len);
	assert_int_equal(mdt_minutes_write(f->s, f->meeting, MDT_MINUTES_TXT,
	    out), MDT_OK);
	fclose(out);
	setlocale(LC_CTYPE, "C");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(txt, want[i]) == NULL)
			fail_msg("the text minutes lack \"%s\":\n%s", want[i],
			    txt);
	assert_true(txt[0] != '#' && strstr(txt, "\n#") == NULL);
	/* every list line of the Markdown is in the text as it is */
	for (char *l = md; *l != '\0'; ) {
		char *eol = strchr(l, '\n');
		size_t n = eol != NULL ? (size_t)(eol - l) : strlen(l);

		if (n > 2 && l[0] == '-' && l[1] == ' ') {
			char *line = strndup(l, n);

			if (strstr(txt, line) == NULL)
				fail_msg("the text minutes lack \"%s\"", line);
			free(line);
		}
		l += n + (eol != NULL);
	}
	free(md);
	free(txt);
}

static void
test_errors(void **state)
{
	struct fx *f = *state;
	FILE *out = fopen("/dev/full", "w");

	assert_int_equal(mdt_minutes_write(f->s, 9999, MDT_MINUTES_JSON,
	    stdout), MDT_ENOTFOUND);
	assert_int_equal(mdt_minutes_write(f->s, f->meeting,
	    (enum mdt_minutes_format)5, stdout), MDT_EINVAL);
	if (out != NULL) {
		enum mdt_status st = mdt_minutes_write(f->s, f->meeting,
		    MDT_MINUTES_MD, out);

		assert_true(st == MDT_EFULL || st == MDT_EIO);
		fclose(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_shape_and_content,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_json_nulls_before_opening,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_markdown, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_plain_text, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_errors, fx_setup_demo,
		    fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
