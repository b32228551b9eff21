/*
 * test_rules.c - the pure rules of core/: NHS number check digits, dates,
 * the slot clock and its band, consent (and splitting a typed list of
 * organisations to exclude), the names of things and new UUIDs.
 */
#include "config.h"

#include "fixture.h"

#include <sys/wait.h>
#include <unistd.h>

/* ---- NHS number ------------------------------------------------------ */

static const char *const valid_numbers[] = {
	"9434765919", "9449305552", "9000000009",
};

static void
test_nhs_known_valid(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_numbers) / sizeof(valid_numbers[0]); i++)
		assert_true(mdt_nhs_valid(valid_numbers[i]));
	assert_int_equal(mdt_nhs_check_digit("943476591"), 9);
	assert_int_equal(mdt_nhs_check_digit("944930555"), 2);
	/* 11 - 0 = 11 becomes 0 */
	assert_int_equal(mdt_nhs_check_digit("900000000"), 9);
	assert_int_equal(mdt_nhs_check_digit("000000000"), 0);
}

static void
test_nhs_one_digit_off(void **state)
{
	char n[11];
	size_t i, pos;

	(void)state;
	/* Modulus 11 catches every change of a single digit. */
	for (i = 0; i < sizeof(valid_numbers) / sizeof(valid_numbers[0]); i++) {
		for (pos = 0; pos < 10; pos++) {
			memcpy(n, valid_numbers[i], 11);
			n[pos] = (char)('0' + (n[pos] - '0' + 1) % 10);
			assert_false(mdt_nhs_valid(n));
		}
	}
	assert_false(mdt_nhs_valid("9434765918"));
	assert_false(mdt_nhs_valid("9449305553"));
}

static void
test_nhs_check_would_be_ten(void **state)
{
	char n[11] = "943476596?";
	int d;

	(void)state;
	assert_int_equal(mdt_nhs_check_digit("943476596"), -1);
	for (d = 0; d <= 9; d++) {
		n[9] = (char)('0' + d);
		assert_false(mdt_nhs_valid(n));
	}
}

static void
test_nhs_forms(void **state)
{
	char out[11], shown[13];

	(void)state;
	assert_true(mdt_nhs_normalise("943 476 5919", out));
	assert_string_equal(out, "9434765919");
	assert_true(mdt_nhs_valid("943 476 5919"));
	assert_true(mdt_nhs_valid("  9434765919 "));
	assert_false(mdt_nhs_valid("943476591"));		/* nine */
	assert_false(mdt_nhs_valid("94347659190"));		/* eleven */
	assert_false(mdt_nhs_valid("94347659l9"));		/* a letter */
	assert_false(mdt_nhs_valid("943-476-5919"));
	assert_false(mdt_nhs_valid(""));
	assert_false(mdt_nhs_valid(NULL));
	assert_false(mdt_nhs_normalise("abcdefghij", out));
	mdt_nhs_format("9434765919", shown);
	assert_string_equal(shown, "943 476 5919");
}

/* ---- dates ----------------------------------------------------------- */

static void
test_dates_calendar(void **state)
{
	char out[11];

	(void)state;
	fx_utc();
	assert_int_equal(mdt_date_parse("2028-02-29", FX_T0, out), MDT_OK);
	assert_string_equal(out, "2028-02-29");
	assert_int_equal(mdt_date_parse("2000-02-29", FX_T0, out), MDT_OK);
	assert_int_equal(mdt_date_parse("2026-02-29", FX_T0, out), MDT_EDATE);
	assert_int_equal(mdt_date_parse("2100-02-29", FX_T0, out), MDT_EDATE);
	assert_int_equal(mdt_date_parse("2026-13-01", FX_T0, out), MDT_EDATE);
	assert_int_equal(mdt_date_parse("2026-00-10", FX_T0, out), MDT_EDATE);
	assert_int_equal(mdt_date_parse("2026-04-31", FX_T0, out), MDT_EDATE);
	assert_int_equal(mdt_date_parse("2026-04-00", FX_T0, out), MDT_EDATE);
	assert_int_equal(mdt_date_parse("2026-12-31", FX_T0, out), MDT_OK);
	assert_string_equal(out, "2026-12-31");
	assert_int_equal(mdt_date_parse(" 2026-12-01 ", FX_T0, out), MDT_OK);
	assert_string_equal(out, "2026-12-01");
}

static void
test_dates_relative(void **state)
{
	char out[11];

	(void)state;
	fx_utc();
	mdt_date_of(FX_T0, out);
	assert_string_equal(out, "2026-11-25");
	assert_int_equal(mdt_date_parse("+7", FX_T0, out), MDT_OK);
	assert_string_equal(out, "2026-12-02");
	assert_int_equal(mdt_date_parse("+0", FX_T0, out), MDT_OK);
	assert_string_equal(out, "2026-11-25");
	assert_int_equal(mdt_date_parse("+37", FX_T0, out), MDT_OK);
	assert_string_equal(out, "2027-01-01");
	assert_int_equal(mdt_date_parse("+3650", FX_T0, out), MDT_OK);
	assert_int_equal(mdt_date_parse("+3651", FX_T0, out), MDT_EDATE);
	assert_int_equal(mdt_date_parse("+", FX_T0, out), MDT_EDATE);
	assert_int_equal(mdt_date_parse("+-1", FX_T0, out), MDT_EDATE);
	assert_int_equal(mdt_date_parse("+7d", FX_T0, out), MDT_EDATE);
}

static void
test_dates_garbage(void **state)
{
	static const char *const bad[] = {
		"", "   ", "garbage", "2026-1-01", "2026/01/01", "26-01-01",
		"2026-01-01x", "2026-01-0a", "0000-01-01", "tomorrow",
	};
	char out[11];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mdt_date_parse(bad[i], FX_T0, out), MDT_EDATE);
	assert_int_equal(mdt_date_parse(NULL, FX_T0, out), MDT_EDATE);
}

/* ---- the slot clock -------------------------------------------------- */

static void
test_elapsed_states(void **state)
{
	struct mdt_slot_times t = { 0 };
	int64_t start = FX_T0;

	(void)state;
	t.planned_s = 360;
	assert_int_equal(mdt_slot_elapsed_ms(MDT_SLOT_PENDING, &t,
	    start + FX_MIN), 0);

	t.started_at = start;
	assert_int_equal(mdt_slot_elapsed_ms(MDT_SLOT_RUNNING, &t,
	    start + 90 * FX_SEC), 90 * FX_SEC);

	/* paused after 2 min; the clock stands still while paused */
	t.paused_at = start + 2 * FX_MIN;
	assert_int_equal(mdt_slot_elapsed_ms(MDT_SLOT_PAUSED, &t,
	    start + 10 * FX_MIN), 2 * FX_MIN);

	/* resumed at 5 min: 3 min of pause */
	t.paused_at = 0;
	t.paused_ms = 3 * FX_MIN;
	assert_int_equal(mdt_slot_elapsed_ms(MDT_SLOT_RUNNING, &t,
	    start + 6 * FX_MIN), 3 * FX_MIN);

	/* a second pause at 7 min */
	t.paused_at = start + 7 * FX_MIN;
	assert_int_equal(mdt_slot_elapsed_ms(MDT_SLOT_PAUSED, &t,
	    start + 20 * FX_MIN), 4 * FX_MIN);

	/* closed at 9 min after resuming at 8 (4 min of pause in all) */
	t.paused_at = 0;
	t.paused_ms = 4 * FX_MIN;
	t.closed_at = start + 9 * FX_MIN;
	assert_int_equal(mdt_slot_elapsed_ms(MDT_SLOT_DONE, &t,
	    start + 60 * FX_MIN), 5 * FX_MIN);

	/* never negative, even with a clock that went back */
	t.closed_at = 0;
	assert_int_equal(mdt_slot_elapsed_ms(MDT_SLOT_RUNNING, &t,
	    start - FX_MIN), 0);
}

static void
test_band_edges(void **state)
{
	(void)state;
	assert_int_equal(mdt_slot_band(0, 300, 420, 0), MDT_BAND_GREEN);
	assert_int_equal(mdt_slot_band(299999, 300, 420, 0), MDT_BAND_GREEN);
	assert_int_equal(mdt_slot_band(300000, 300, 420, 0), MDT_BAND_AMBER);
	assert_int_equal(mdt_slot_band(419999, 300, 420, 0), MDT_BAND_AMBER);
	assert_int_equal(mdt_slot_band(420000, 300, 420, 0), MDT_BAND_RED);
	/* an extension of a minute moves both edges */
	assert_int_equal(mdt_slot_band(300000, 300, 420, 60), MDT_BAND_GREEN);
	assert_int_equal(mdt_slot_band(359999, 300, 420, 60), MDT_BAND_GREEN);
	assert_int_equal(mdt_slot_band(360000, 300, 420, 60), MDT_BAND_AMBER);
	assert_int_equal(mdt_slot_band(479999, 300, 420, 60), MDT_BAND_AMBER);
	assert_int_equal(mdt_slot_band(480000, 300, 420, 60), MDT_BAND_RED);
}

/* ---- consent and names ----------------------------------------------- */

static void
test_consent_check(void **state)
{
	(void)state;
	assert_int_equal(mdt_consent_check(MDT_CONSENT_GIVEN, NULL), MDT_OK);
	assert_int_equal(mdt_consent_check(MDT_CONSENT_BEST_INTERESTS, NULL),
	    MDT_EJUSTIFY);
	assert_int_equal(mdt_consent_check(MDT_CONSENT_BEST_INTERESTS, " \t\n"),
	    MDT_EJUSTIFY);
	assert_int_equal(mdt_consent_check(MDT_CONSENT_BEST_INTERESTS,
	    "Lacks capacity; daughter agrees"), MDT_OK);
	assert_int_equal(mdt_consent_check(MDT_CONSENT_RISK_TO_OTHERS, ""),
	    MDT_EJUSTIFY);
	assert_int_equal(mdt_consent_check(MDT_CONSENT_RISK_TO_OTHERS,
	    "Grandchildren at risk"), MDT_OK);
	assert_int_equal(mdt_consent_check(MDT_CONSENT_NONE, "x"), MDT_EINVAL);
	assert_int_equal(mdt_consent_check((enum mdt_consent_basis)42, "x"),
	    MDT_EINVAL);
	assert_false(mdt_consent_needs_justification(MDT_CONSENT_GIVEN));
	assert_true(mdt_consent_needs_justification(MDT_CONSENT_BEST_INTERESTS));
	assert_true(mdt_consent_needs_justification(MDT_CONSENT_RISK_TO_OTHERS));
}

static void
test_exclusions_split(void **state)
{
	char **v;
	size_t n;

	(void)state;
	mdt_exclusions_split("Acme Care, Borough Housing", &v, &n);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "Acme Care");
	assert_string_equal(v[1], " Borough Housing");	/* tidied later */
	mdt_names_free(v, n);
	mdt_exclusions_split("Zoë's Café", &v, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "Zoë's Café");
	mdt_names_free(v, n);
	/* every comma splits, blanks included */
	mdt_exclusions_split(",a,,b,", &v, &n);
	assert_int_equal(n, 5);
	assert_string_equal(v[0], "");
	assert_string_equal(v[1], "a");
	assert_string_equal(v[2], "");
	assert_string_equal(v[3], "b");
	assert_string_equal(v[4], "");
	mdt_names_free(v, n);
	mdt_exclusions_split("", &v, &n);
	assert_int_equal(n, 0);
	assert_null(v);
	mdt_exclusions_split(NULL, &v, &n);
	assert_int_equal(n, 0);
	assert_null(v);
	mdt_names_free(NULL, 0);
}

static void
test_names(void **state)
{
	int i;

	(void)state;
	assert_string_equal(mdt_consent_name(MDT_CONSENT_GIVEN), "given");
	assert_string_equal(mdt_consent_name(MDT_CONSENT_BEST_INTERESTS),
	    "best_interests");
	assert_string_equal(mdt_consent_name(MDT_CONSENT_RISK_TO_OTHERS),
	    "risk_to_others");
	assert_string_equal(mdt_outcome_name(MDT_OUTCOME_STAY), "stay");
	assert_string_equal(mdt_outcome_name(MDT_OUTCOME_STEP_DOWN),
	    "step_down");
	assert_string_equal(mdt_outcome_name(MDT_OUTCOME_CLOSE), "close");
	assert_string_equal(mdt_outcome_name(MDT_OUTCOME_DIED), "died");
	assert_string_equal(mdt_action_status_name(MDT_ACTION_OPEN), "open");
	assert_string_equal(mdt_action_status_name(MDT_ACTION_DONE), "done");
	assert_string_equal(mdt_action_status_name(MDT_ACTION_CANCELLED),
	    "cancelled");
	assert_string_equal(mdt_attend_name(MDT_ATTEND_UNKNOWN), "unknown");
	assert_string_equal(mdt_attend_name(MDT_ATTEND_PRESENT), "present");
	assert_string_equal(mdt_attend_name(MDT_ATTEND_APOLOGIES),
	    "apologies");
	assert_string_equal(mdt_meeting_state_name(MDT_MEETING_PLANNED),
	    "planned");
	assert_string_equal(mdt_meeting_state_name(MDT_MEETING_OPEN), "open");
	assert_string_equal(mdt_meeting_state_name(MDT_MEETING_CLOSED),
	    "closed");
	assert_string_equal(mdt_slot_state_name(MDT_SLOT_PENDING), "pending");
	assert_string_equal(mdt_slot_state_name(MDT_SLOT_RUNNING), "running");
	assert_string_equal(mdt_slot_state_name(MDT_SLOT_PAUSED), "paused");
	assert_string_equal(mdt_slot_state_name(MDT_SLOT_DONE), "done");
	for (i = MDT_CONSENT_NONE; i <= MDT_CONSENT_RISK_TO_OTHERS; i++)
		assert_true(strlen(mdt_consent_label(
		    (enum mdt_consent_basis)i)) > 0);
	for (i = MDT_OUTCOME_NONE; i <= MDT_OUTCOME_DIED; i++)
		assert_true(strlen(mdt_outcome_label(
		    (enum mdt_outcome_kind)i)) > 0);
	assert_string_equal(mdt_strerror(MDT_OK), "ok");
	assert_string_equal(mdt_strerror(MDT_ECONSENT),
	    "consent to be discussed has not been recorded");
	assert_string_equal(mdt_strerror((enum mdt_status)999),
	    "unknown error");
}

static void
test_real_clock(void **state)
{
	int64_t now = mdt_clock_real(NULL);

	(void)state;
	/* after 2020 and before 2100 */
	assert_true(now > INT64_C(1577836800000));
	assert_true(now < INT64_C(4102444800000));
}

/* The NHS's registers' numbers, and the ids made from names. */
static void
test_registers(void **state)
{
	char a[37], b[37];

	(void)state;
	assert_true(mdt_registration_ok("gmc", "1234567"));
	assert_false(mdt_registration_ok("gmc", "123456"));
	assert_false(mdt_registration_ok("gmc", "12345678"));
	assert_false(mdt_registration_ok("gmc", "C123456"));
	assert_true(mdt_registration_ok("nmc", "71A2998E"));
	assert_false(mdt_registration_ok("nmc", "71a2998e"));
	assert_false(mdt_registration_ok("nmc", "7A12998E"));
	assert_true(mdt_registration_ok("hcpc", "PH123456"));
	assert_true(mdt_registration_ok("hcpc", "SW12345"));
	assert_false(mdt_registration_ok("hcpc", "P1234567"));
	assert_false(mdt_registration_ok("dentist", "1234567"));
	assert_false(mdt_registration_ok(NULL, "1234567"));
	assert_false(mdt_registration_ok("gmc", NULL));
	assert_true(mdt_sds_ok("555021935107"));
	assert_false(mdt_sds_ok("55502193510"));
	assert_false(mdt_sds_ok("5550219351077"));
	assert_true(mdt_ods_ok("RKE"));
	assert_true(mdt_ods_ok("F84001"));
	assert_true(mdt_ods_ok("Y0275612AB"));
	assert_false(mdt_ods_ok("RK"));
	assert_false(mdt_ods_ok("Y0275612ABC"));
	assert_false(mdt_ods_ok("rke"));
	/* hostile text is none of them */
	assert_false(mdt_ods_ok("RK\x1b[2J"));
	assert_false(mdt_sds_ok("5550219351\n7"));
	assert_false(mdt_registration_ok("gmc", "12345\xe2\x80\xae" "67"));

	/* a strict date: YYYY-MM-DD and real, nothing else */
	assert_true(mdt_date_strict("2026-12-06", a));
	assert_string_equal(a, "2026-12-06");
	assert_true(mdt_date_strict("2024-02-29", NULL));
	assert_false(mdt_date_strict("2026-02-29", NULL));
	assert_false(mdt_date_strict("+7", NULL));
	assert_false(mdt_date_strict("2026-12-6", NULL));
	assert_false(mdt_date_strict("2026-12-06\n", NULL));
	assert_false(mdt_date_strict(NULL, NULL));

	/* one Organization per name, however it is typed; none for none */
	assert_true(mdt_org_uuid("Whittington Health", a));
	assert_true(mdt_org_uuid("  whittington   HEALTH ", b));
	assert_string_equal(a, b);
	assert_true(mdt_org_uuid("Whittington Health NHS Trust", b));
	assert_string_not_equal(a, b);
	assert_false(mdt_org_uuid("   ", a));
	assert_false(mdt_org_uuid(NULL, a));
	/* a venue's id is not the organisation's of the same name */
	assert_true(mdt_org_uuid("Riverside Surgery", a));
	assert_true(mdt_venue_uuid("Riverside Surgery", b));
	assert_string_not_equal(a, b);
}

/* ---- UUIDs ----------------------------------------------------------- */

/* New UUIDs are random (version 4, RFC 4122 variant), never repeated
 * across many more than one draw from the kernel holds, and a child
 * after fork() never makes the ones its parent makes next. */
static void
test_uuid_new(void **state)
{
	enum { N = 2000 };
	static char seen[N][37];
	char parent[37], child[37];
	int fds[2], status;
	pid_t pid;

	(void)state;
	for (int i = 0; i < N; i++) {
		mdt_uuid_new(seen[i]);
		assert_true(mdt_uuid_like(seen[i]));
		assert_int_equal(seen[i][14], '4');
		assert_non_null(strchr("89ab", seen[i][19]));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
	}
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		mdt_uuid_new(child);
		_exit(write(fds[1], child, sizeof(child)) == sizeof(child) ?
		    0 : 1);
	}
	mdt_uuid_new(parent);
	assert_int_equal(read(fds[0], child, sizeof(child)), sizeof(child));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(mdt_uuid_like(child));
	assert_string_not_equal(parent, child);
	close(fds[0]);
	close(fds[1]);
}

/* Time-ordered UUIDs (version 7, RFC 9562 variant) carry the time they
 * were made in their first 48 bits, come in strictly ascending order from
 * one thread, even thousands within a millisecond, and are never
 * repeated. */
static void
test_uuid_new_ordered(void **state)
{
	enum { N = 10000 };
	static char seen[N][37];
	struct timespec t0, t1;
	uint64_t ms0, ms1, first, last;

	(void)state;
	clock_gettime(CLOCK_REALTIME, &t0);
	for (int i = 0; i < N; i++) {
		mdt_uuid_new_ordered(seen[i]);
		assert_true(mdt_uuid_like(seen[i]));
		assert_int_equal(seen[i][14], '7');
		assert_non_null(strchr("89ab", seen[i][19]));
		if (i > 0)
			assert_true(strcmp(seen[i - 1], seen[i]) < 0);
	}
	clock_gettime(CLOCK_REALTIME, &t1);
	ms0 = (uint64_t)t0.tv_sec * 1000 + (uint64_t)t0.tv_nsec / 1000000;
	ms1 = (uint64_t)t1.tv_sec * 1000 + (uint64_t)t1.tv_nsec / 1000000;
	{
		char hex[13];

		memcpy(hex, seen[0], 8);
		memcpy(hex + 8, seen[0] + 9, 4);
		hex[12] = '\0';
		first = strtoull(hex, NULL, 16);
		memcpy(hex, seen[N - 1], 8);
		memcpy(hex + 8, seen[N - 1] + 9, 4);
		last = strtoull(hex, NULL, 16);
	}
	assert_true(first >= ms0 && first <= ms1);
	/* a millisecond borrowed at most for each 2,048 made in one */
	assert_true(last >= first && last <= ms1 + N / 2048);
	/* the random part differs even between neighbours */
	for (int i = 1; i < N; i++)
		assert_string_not_equal(seen[i - 1] + 19, seen[i] + 19);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nhs_known_valid),
		cmocka_unit_test(test_nhs_one_digit_off),
		cmocka_unit_test(test_nhs_check_would_be_ten),
		cmocka_unit_test(test_nhs_forms),
		cmocka_unit_test(test_dates_calendar),
		cmocka_unit_test(test_dates_relative),
		cmocka_unit_test(test_dates_garbage),
		cmocka_unit_test(test_elapsed_states),
		cmocka_unit_test(test_band_edges),
		cmocka_unit_test(test_consent_check),
		cmocka_unit_test(test_exclusions_split),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_real_clock),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_uuid_new),
		cmocka_unit_test(test_uuid_new_ordered),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
