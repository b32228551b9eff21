/*
 * test_referrals.c - the referral queue: a referral deferred comes to the
 * next meeting by itself, and the one after, with how often and why it
 * was deferred and how long it waited, until its patient is discussed;
 * withdrawn with a reason; one open referral per patient however often
 * the list is imported or the patient referred; raised in the tool with
 * its text checked; the queue printed masked; and a database of the
 * schema before the queue migrated.
 */
#include "config.h"

#include "fixture.h"

#include <jansson.h>
#include "store_internal.h"

#define HEADER "nhs_number,name,date_of_birth,practice,reason,referred_by\n"

#define A "9993395633"
#define B "9999939082"
#define DAY (24 * 60 * FX_MIN)

/* A list of referrals in f->dir: A (reason_a) and B. */
static void
write_list(struct fx *f, const char *path, const char *reason_a)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fprintf(fp, HEADER
	    "9993395633,Zoe Adebayo,1941-03-14,Larkhall,%s,Dr Mensah\n"
	    "9999939082,Arthur Pennington,1936-11-02,Riverside,Calls,Ade\n",
	    reason_a);
	assert_int_equal(fclose(fp), 0);
}

static void
import(struct fx *f, int64_t meeting, const char *reason_a)
{
	struct mdt_import_report rep;
	char path[160];

	snprintf(path, sizeof(path), "%s/ref.csv", f->dir);
	write_list(f, path, reason_a);
	assert_int_equal(mdt_import_csv(f->s, meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	mdt_import_report_done(&rep);
}

/* A meeting days after the fake clock's day; its id. */
static int64_t
schedule(struct fx *f, const char *date)
{
	struct mdt_meeting_in in = { "Larkhall MDT", date, "13:00", NULL, 0 };
	int64_t id = 0;

	assert_int_equal(mdt_meeting_create(f->s, &in, &id, NULL), MDT_OK);
	return id;
}

/* Nothing yet: the test makes its own database. */
static int
setup_bare(void **state)
{
	*state = fx_new();
	return 0;
}

/* A new meeting a week on with the list imported. */
static int
setup(void **state)
{
	struct fx *f;

	fx_setup_memory(state);
	f = *state;
	fx_tempdir(f);
	f->meeting = schedule(f, "+7");
	import(f, f->meeting, "Falls");
	return 0;
}

static int64_t
cand(struct fx *f, int64_t meeting, const char *nhs)
{
	return fx_int(f->s, "SELECT coalesce((SELECT c.id FROM candidates c"
	    " JOIN patients p ON p.id = c.patient_id WHERE p.nhs_number = '%s'"
	    " AND c.meeting_id = %lld), 0)", nhs, (long long)meeting);
}

static int64_t
open_referrals(struct fx *f)
{
	struct mdt_referral *r;
	size_t n;

	assert_int_equal(mdt_referrals_load(f->s, &r, &n), MDT_OK);
	mdt_referrals_free(r, n);
	return (int64_t)n;
}

/* The meeting held a week later: A discussed (consent, an outcome), B
 * deferred with why; closed. */
static void
hold(struct fx *f, int64_t meeting, bool discuss_a, const char *why_b)
{
	int64_t slot = 0;

	f->now += 7 * DAY;
	if (discuss_a)
		assert_int_equal(mdt_candidate_select(f->s, cand(f, meeting, A),
		    0, 0, &slot), MDT_OK);
	assert_int_equal(mdt_candidate_defer(f->s, cand(f, meeting, B), why_b),
	    MDT_OK);
	assert_int_equal(mdt_meeting_open(f->s, meeting), MDT_OK);
	if (discuss_a) {
		assert_int_equal(mdt_slot_next(f->s, meeting, NULL), MDT_OK);
		assert_int_equal(mdt_consent_record(f->s, slot,
		    MDT_CONSENT_GIVEN, NULL, NULL, 0), MDT_OK);
		assert_int_equal(mdt_outcome_record(f->s, slot,
		    MDT_OUTCOME_STAY, "+60"), MDT_OK);
		f->now += 5 * FX_MIN;
	}
	assert_int_equal(mdt_meeting_close(f->s, meeting), MDT_OK);
}

/* The candidate of the meeting for nhs, loaded. */
static void
find(struct fx *f, int64_t meeting, const char *nhs, struct mdt_candidate *c,
    char *history, size_t len)
{
	struct mdt_candidate *all;
	size_t n;
	bool found = false;

	assert_int_equal(mdt_candidates_load(f->s, meeting, &all, &n), MDT_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].nhs_number, nhs) == 0) {
			found = true;
			c->lists = all[i].lists;
			c->referral_id = all[i].referral_id;
			c->referral_deferred = all[i].referral_deferred;
			c->referral_days = all[i].referral_days;
			mdt_referral_history(&all[i], history, len);
		}
	mdt_candidates_free(all, n);
	assert_true(found);
}

/* The meeting's day, as deferrals name it. */
static const char *
day_of(struct fx *f, int64_t meeting, char day[11])
{
	return fx_text(f->s, day, 11, "SELECT date(scheduled_start / 1000,"
	    " 'unixepoch', 'localtime') FROM meetings WHERE id = %lld",
	    (long long)meeting);
}

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
}

/* The answer standing for patient nhs, in words ("" if none). */
static const char *
asked_of(struct fx *f, const char *nhs, char *buf, size_t len)
{
	struct mdt_consent_asked a;
	int64_t pid = fx_int(f->s, "SELECT id FROM patients"
	    " WHERE nhs_number = '%s'", nhs);

	assert_int_equal(mdt_consent_asked_get(f->s, pid, &a), MDT_OK);
	mdt_consent_asked_line(&a, true, buf, len);
	mdt_consent_asked_done(&a);
	return buf;
}

/*
 * Consent asked before the meeting: checked as typed, nothing saved when
 * refused; a refusal without an exception keeps the patient off the
 * agenda, visibly (deferred "consent refused", selection refused, a new
 * candidate deferred too); a later answer lifts it; the slot starts from
 * the answer and the consent recorded says which; the review counts.
 */
static void
test_consent_asked(void **state)
{
	struct fx *f = *state;
	struct mdt_consent_ask_in in = { .nhs_number = A, .answer = "refused",
	    .asked_by = "Ade Okonkwo", .asked_on = "2026-11-20" };
	struct mdt_consent_ask_in bad;
	struct mdt_snapshot snap;
	struct mdt_review r;
	int64_t slot = 0, next;
	char buf[1400], *longer;

	/* refused input, nothing written */
	bad = in;
	bad.answer = "maybe";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad = in;
	bad.nhs_number = "9993395634";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_ENHS, 0, 0);
	bad.nhs_number = "4010232137";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_ENOTFOUND, 0, 0);
	bad = in;
	bad.asked_on = "2099-01-01";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EDATE, 0, 0);
	bad.asked_on = "2026-02-30";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EDATE, 0, 0);
	bad = in;
	bad.asked_by = "  ";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.asked_by = "Ade\x1b]0;x\a";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.asked_by = "Ade \xe2\x80\xae" "evil";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.asked_by = "Ade \xff";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.asked_by = "Ade\nOkonkwo";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	longer = malloc(10001);
	assert_non_null(longer);
	memset(longer, 'a', 10000);
	longer[10000] = '\0';
	bad.asked_by = longer;
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	free(longer);
	bad = in;
	bad.answer = "representative";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.answer = "best-interests";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.answer = "given";
	bad.justification = "because";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	assert_string_equal(asked_of(f, A, buf, sizeof(buf)), "not asked");

	/* refused: off the agenda, visibly */
	EXPECT_ACT(f, mdt_consent_ask(f->s, &in), MDT_OK, 0, 1);
	assert_string_equal(asked_of(f, A, buf, sizeof(buf)),
	    "refused (asked by Ade Okonkwo, 2026-11-20)");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " defer_reason FROM candidates WHERE id = %lld",
	    (long long)cand(f, f->meeting, A)),
	    "consent refused (asked by Ade Okonkwo, 2026-11-20)");
	assert_int_equal(mdt_candidate_select(f->s, cand(f, f->meeting, A), 0,
	    0, &slot), MDT_ESTATE);
	assert_non_null(strstr(mdt_store_error(f->s), "consent refused"));
	/* the next meeting: its candidate is deferred as it is made */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	next = schedule(f, "+14");
	assert_true(cand(f, next, A) > 0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " defer_reason FROM candidates WHERE id = %lld",
	    (long long)cand(f, next, A)),
	    "consent refused (asked by Ade Okonkwo, 2026-11-20)");
	/* asked again: given by her daughter; the deferral lifted */
	in.answer = "representative";
	in.representative = "Ama Adebayo (daughter)";
	in.asked_on = NULL;
	assert_int_equal(mdt_consent_ask(f->s, &in), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE id = %lld AND defer_reason IS NULL",
	    (long long)cand(f, next, A)), 1);
	assert_int_equal(mdt_candidate_select(f->s, cand(f, next, A), 0, 0,
	    &slot), MDT_OK);
	/* the slot starts from it; the consent recorded says which */
	assert_int_equal(mdt_snapshot_load(f->s, next, &snap), MDT_OK);
	assert_non_null(snap.slots[0].asked_line);
	assert_non_null(strstr(snap.slots[0].asked_line, "given by a"
	    " representative, Ama Adebayo (daughter) (asked by Ade Okonkwo,"));
	assert_int_equal(snap.slots[0].asked_basis, MDT_CONSENT_GIVEN);
	mdt_snapshot_free(&snap);
	assert_int_equal(mdt_meeting_open(f->s, next), MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, next, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM consent c"
	    " JOIN consent_asked a ON a.id = c.asked_id"
	    " WHERE c.slot_id = %lld AND a.answer = 'representative'",
	    (long long)slot), 1);
	/* a basis other than the answer's: not started from it */
	assert_int_equal(mdt_consent_record(f->s, slot,
	    MDT_CONSENT_BEST_INTERESTS, "she cannot weigh it today", NULL, 0),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM consent"
	    " WHERE slot_id = %lld AND asked_id IS NULL", (long long)slot), 1);

	/* a refusal with an exception does not bar */
	in.nhs_number = B;
	in.answer = "refused";
	in.representative = NULL;
	in.justification = "Risk to his grandchildren";
	assert_int_equal(mdt_consent_ask(f->s, &in), MDT_OK);
	assert_non_null(strstr(asked_of(f, B, buf, sizeof(buf)), "refused;"
	    " discussed as an exception: Risk to his grandchildren"));

	/* the review counts by the day asked */
	assert_int_equal(mdt_review_load(f->s, "2026-11-01", "2026-12-31",
	    &r), MDT_OK);
	assert_int_equal(r.asked[1], 2);
	assert_int_equal(r.asked[3], 1);
	assert_int_equal(r.asked_kept_off, 1);
	mdt_review_free(&r);
	assert_int_equal(mdt_review_load(f->s, "2026-11-21", "2026-12-31",
	    &r), MDT_OK);
	assert_int_equal(r.asked[1], 1);
	assert_int_equal(r.asked_kept_off, 0);
	mdt_review_free(&r);
}

static void
test_refer(void **state)
{
	struct fx *f = *state;
	struct mdt_referral_in in = { .nhs_number = "943 476 5919",
	    .name = "Ann Example", .date_of_birth = "1950-02-03",
	    .referrer = "Care navigator", .service = "Social prescribing",
	    .reason = "Isolated since her husband died" };
	struct mdt_referral_in bad = in;
	int64_t id = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	/* a wrong check digit, hostile text, missing fields: nothing saved */
	bad.nhs_number = "9434765918";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_ENHS);
	bad = in;
	bad.reason = "falls\x1b[2J";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	bad.reason = "a\xe2\x80\xae" "b";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	bad.reason = "bad \xff byte";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	{
		char *longer = malloc(10001);

		assert_non_null(longer);
		memset(longer, 'x', 10000);
		longer[10000] = '\0';
		bad.reason = longer;
		assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
		free(longer);
	}
	bad = in;
	bad.referrer = "two\nlines";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	bad = in;
	bad.service = NULL;
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	bad = in;
	bad.urgency = "soon";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE nhs_number = '9434765919'"), 0);

	EXPECT_ACT(f, mdt_refer(f->s, &in, &id, NULL, NULL), MDT_OK, 0, 2);
	assert_true(id > 0);
	/* it comes to the next planned meeting, and to the next after */
	assert_true(cand(f, f->meeting, "9434765919") > 0);
	assert_true(cand(f, schedule(f, "+14"), "9434765919") > 0);
	assert_int_equal(open_referrals(f), 3);
	/* the queue printed masked names nobody */
	out = open_memstream(&text, &len);
	assert_int_equal(mdt_referrals_write(f->s, MDT_REFERRALS_TXT, false,
	    out), MDT_OK);
	fclose(out);
	assert_null(strstr(text, "Ann Example"));
	assert_non_null(strstr(text, "A.E., born 1950"));
	assert_non_null(strstr(text, "Social prescribing"));
	free(text);
	out = open_memstream(&text, &len);
	assert_int_equal(mdt_referrals_write(f->s, MDT_REFERRALS_JSON, true,
	    out), MDT_OK);
	fclose(out);
	assert_non_null(strstr(text, "\"name\": \"Ann Example\""));
	free(text);
}

/* The retention purge: the words of a referral no longer waiting go with
 * the meetings that saw it, its service stays; a patient whose referral
 * waits keeps their identity. */
static void
test_purge(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_result res;
	char buf[200];

	hold(f, f->meeting, true, "no GP from Riverside today");
	fx_exec(f->s, "UPDATE outbox SET state = 'sent'");
	f->now += 400 * DAY;
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT referrer"
	    " || '/' || reason FROM referrals r JOIN patients p"
	    " ON p.id = r.patient_id WHERE r.discussed_slot_id IS NOT NULL"),
	    MDT_PURGED_TEXT "/" MDT_PURGED_TEXT);
	/* B still waits: its words and its identity stay */
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT reason"
	    " FROM referrals WHERE discussed_slot_id IS NULL"), "Calls");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " nhs_number FROM patients WHERE name = 'Arthur Pennington'"), B);
	assert_int_equal(open_referrals(f), 1);
}

/* A database as version 14 left it, with referrals on the list of two
 * meetings: A discussed in the first; B deferred in the first and on the
 * list of the second. */
static void
test_migration(void **state)
{
	struct fx *f = *state;
	char err[256], buf[200];

	fx_tempdir(f);
	fx_db_at(f, 14,
	    " INSERT INTO meetings (id, uuid, title, scheduled_start,"
	    "  planned_minutes, state) VALUES (1, 'm1', 'One', 1000, 90,"
	    "  'closed'), (2, 'm2', 'Two', 2000, 90, 'planned');"
	    " INSERT INTO patients (id, uuid, nhs_number, name) VALUES"
	    "  (1, 'pa', '" A "', 'Zoe'), (2, 'pb', '" B "', 'Arthur');"
	    " INSERT INTO candidates (id, uuid, meeting_id, patient_id, lists,"
	    "  defer_reason, created_at) VALUES (1, 'c1', 1, 1, 2, NULL, 0),"
	    "  (2, 'c2', 1, 2, 2, 'no time', 0), (3, 'c3', 2, 2, 2, NULL, 0);"
	    " INSERT INTO list_entries (candidate_id, list, reason,"
	    "  referred_by, source, line, row_hash, imported_at) VALUES"
	    "  (1, 'referral', 'Falls', 'Dr M', 'a.csv', 2, 'h1', 500),"
	    "  (2, 'referral', 'Calls', 'Ade', 'a.csv', 3, 'h2', 500),"
	    "  (3, 'referral', 'Calls again', 'Ade', 'b.csv', 2, 'h3', 1500);"
	    " INSERT INTO slots (id, uuid, meeting_id, patient_id, position,"
	    "  state, started_at, closed_at) VALUES"
	    "  (1, 's1', 1, 1, 1, 'done', 1100, 1200);"
	    " INSERT INTO consent (uuid, slot_id, basis, recorded_at) VALUES"
	    "  ('k1', 1, 'given', 1100);");

	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(fx_int(f->s, "PRAGMA user_version"),
	    MDT_SCHEMA_VERSION);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM referrals"), 2);
	/* A: discussed by its slot */
	assert_int_equal(fx_int(f->s, "SELECT discussed_slot_id FROM referrals"
	    " WHERE patient_id = 1"), 1);
	/* B: one open referral, the latest words, the earliest time, and
	 * both its candidates point to it */
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT reason ||"
	    " ',' || referrer || ',' || raised_at FROM referrals"
	    " WHERE patient_id = 2 AND discussed_slot_id IS NULL"),
	    "Calls again,Ade,500");
	assert_int_equal(fx_int(f->s, "SELECT count(DISTINCT referral_id)"
	    " FROM candidates WHERE patient_id = 2"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE referral_id IS NULL"), 0);
	assert_int_equal(open_referrals(f), 1);
	/* its deferral counts in the second meeting */
	{
		struct mdt_candidate c = { 0 };
		char history[300];

		find(f, 2, B, &c, history, sizeof(history));
		assert_int_equal(c.referral_deferred, 1);
		assert_non_null(strstr(history, "deferred 1x ("));
		assert_non_null(strstr(history, ": no time)"));
	}
}

/* A referral list imported for a meeting brings its own referrals and
 * every other one waiting: raised for another meeting's list, or in the
 * tool after the meeting was scheduled; each once, linked to its
 * referral. */
static void
test_import_brings_the_queue(void **state)
{
	struct fx *f = *state;
	struct mdt_referral_in in = { .name = "Ann Example",
	    .date_of_birth = "1950-02-03", .referrer = "Care navigator",
	    .service = "Homeless health", .reason = "No GP" };
	struct mdt_import_report rep;
	char path[160], number[11] = "";
	int64_t second, id = 0;
	FILE *fp;

	second = schedule(f, "+14");
	/* carried to the next meeting only, not to the second */
	assert_int_equal(mdt_refer(f->s, &in, &id, NULL, number), MDT_OK);
	assert_int_equal(cand(f, second, number), 0);
	snprintf(path, sizeof(path), "%s/more.csv", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, HEADER "9990000018,Dora Quist,1944-05-06,Larkhall,Breathless,"
	    "Dr Mensah\n");
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(mdt_import_csv(f->s, second, MDT_LIST_REFERRAL, path,
	    false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.added, 1);
	mdt_import_report_done(&rep);
	assert_int_equal(open_referrals(f), 4);
	/* each of the four once, on the referral list, with its referral
	 * and its one entry: the list's from the file, the others' from the
	 * queue */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates c"
	    " JOIN referrals r ON r.id = c.referral_id"
	    " AND r.patient_id = c.patient_id AND r.withdrawn_at IS NULL"
	    " AND r.discussed_slot_id IS NULL"
	    " WHERE c.meeting_id = %lld AND (c.lists & %d) <> 0"
	    " AND (SELECT count(*) FROM list_entries e WHERE e.candidate_id ="
	    "  c.id AND e.list = 'referral') = 1", (long long)second,
	    MDT_LIST_REFERRAL), 4);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld", (long long)second), 4);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM list_entries e"
	    " JOIN candidates c ON c.id = e.candidate_id"
	    " WHERE c.meeting_id = %lld AND e.source = 'queue'",
	    (long long)second), 3);
	assert_true(cand(f, second, number) > 0);
}

/* Every row of the referrals and the list entries, one a line, all their
 * columns (SQL for the test below). */
#define ROWS_SQL \
	"SELECT group_concat(x, char(10)) FROM (SELECT quote(id) || ',' ||" \
	" quote(uuid) || ',' || patient_id || ',' || quote(referrer) || ',' ||" \
	" quote(service) || ',' || quote(reason) || ',' || quote(urgency) ||" \
	" ',' || quote(consent) || ',' || raised_at || ',' || quote(source) ||" \
	" ',' || quote(withdrawn_at) || ',' || quote(withdraw_reason) || ',' ||" \
	" quote(discussed_slot_id) AS x FROM referrals UNION ALL SELECT" \
	" quote(id) || ',' || candidate_id || ',' || quote(list) || ',' ||" \
	" quote(reason) || ',' || quote(referred_by) || ',' ||" \
	" quote(review_date) || ',' || quote(source) || ',' || line || ',' ||" \
	" quote(row_hash) || ',' || imported_at || ',' || quote(count)" \
	" FROM list_entries)"

/* The opcodes SQLite would run for sql that are op. */
static int
opcodes(struct mdt_store *s, const char *sql, const char *op)
{
	sqlite3_stmt *st;
	char *explain = mdt_xasprintf("EXPLAIN %s", sql);
	int n = 0;

	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(s), explain, -1, &st,
	    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		n += strcmp((const char *)sqlite3_column_text(st, 1), op) == 0;
	sqlite3_finalize(st);
	free(explain);
	return n;
}

/* Schema 28: the referrals and the list entries, copied to check their
 * values without a temporary index, keep every row and every candidate's
 * referral, and refuse what they refused. */
static void
test_checks_copied(void **state)
{
	struct fx *f = *state;
	char err[256], before[2048], after[2048];
	sqlite3 *db;
	sqlite3_stmt *st;

	fx_tempdir(f);
	fx_db_at(f, 27,
	    " INSERT INTO meetings (id, uuid, title, scheduled_start,"
	    "  planned_minutes, state) VALUES (1, 'm1', 'One', 1000, 90,"
	    "  'closed'), (2, 'm2', 'Two', 2000, 90, 'planned');"
	    " INSERT INTO patients (id, uuid, nhs_number, name) VALUES"
	    "  (1, 'pa', '" A "', 'Zoe'), (2, 'pb', '" B "', 'Arthur');"
	    " INSERT INTO slots (id, uuid, meeting_id, patient_id, position,"
	    "  state, started_at, closed_at) VALUES"
	    "  (1, 's1', 1, 1, 1, 'done', 1100, 1200);"
	    " INSERT INTO referrals (id, uuid, patient_id, referrer, service,"
	    "  reason, urgency, consent, raised_at, source, withdrawn_at,"
	    "  withdraw_reason, discussed_slot_id) VALUES"
	    "  (4, 'r4', 1, 'Dr M', 'Falls', 'Falls', 'urgent', 'given', 500,"
	    "   'tool', NULL, NULL, 1),"
	    "  (7, 'r7', 2, 'Ade', '', 'Calls', 'routine', NULL, 600, 'import',"
	    "   NULL, NULL, NULL),"
	    "  (9, 'r9', 1, 'Ade', '', 'Old', 'routine', 'not-asked', 400,"
	    "   'import', 450, 'moved away', NULL);"
	    " INSERT INTO candidates (id, uuid, meeting_id, patient_id, lists,"
	    "  created_at, referral_id) VALUES (1, 'c1', 1, 1, 2, 0, 4),"
	    "  (3, 'c3', 2, 2, 18, 0, 7);"
	    " INSERT INTO list_entries (id, candidate_id, list, reason,"
	    "  referred_by, review_date, source, line, row_hash, imported_at,"
	    "  count) VALUES"
	    "  (2, 1, 'referral', 'Falls', 'Dr M', NULL, 'a.csv', 2, 'h1', 500,"
	    "   NULL),"
	    "  (5, 3, 'referral', 'Calls', 'Ade', '2026-01-02', 'b.csv', 3, 'h2',"
	    "   600, NULL),"
	    "  (6, 3, 'frequent-attender', '7 hospital attendances', '', NULL,"
	    "   'c.csv', 4, 'h3', 700, 7);");
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, ROWS_SQL, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(before, sizeof(before), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(fx_int(f->s, "PRAGMA user_version"),
	    MDT_SCHEMA_VERSION);
	assert_string_equal(fx_text(f->s, after, sizeof(after), ROWS_SQL),
	    before);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM"
	    " pragma_foreign_key_check"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates c"
	    " JOIN referrals r ON r.id = c.referral_id"), 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name IN ('referrals_open', 'referrals_queue',"
	    " 'referrals_by_raised', 'list_entries_counted')"), 4);
	assert_int_equal(open_referrals(f), 1);
	/* the same values refused, the same admitted */
	assert_int_equal(sqlite3_exec(mdt_store_db(f->s), "UPDATE list_entries"
	    " SET list = 'waiting' WHERE id = 2", NULL, NULL, NULL),
	    SQLITE_CONSTRAINT);
	assert_int_equal(sqlite3_exec(mdt_store_db(f->s), "UPDATE referrals"
	    " SET consent = 'maybe' WHERE id = 7", NULL, NULL, NULL),
	    SQLITE_CONSTRAINT);
	fx_exec(f->s, "UPDATE list_entries SET list = 'ambulance' WHERE id = 6;"
	    " UPDATE referrals SET consent = 'refused' WHERE id = 7;"
	    " UPDATE referrals SET consent = NULL WHERE id = 4");
	/* a referral's candidate still holds it */
	assert_int_equal(sqlite3_exec(mdt_store_db(f->s), "DELETE FROM"
	    " referrals WHERE id = 7", NULL, NULL, NULL), SQLITE_CONSTRAINT);
	/* and neither is written through a temporary index */
	assert_int_equal(opcodes(f->s, "INSERT INTO list_entries"
	    " (candidate_id, list, source, line, row_hash, imported_at)"
	    " VALUES (1, 'caseload', 'x', 1, 'h', 1)", "OpenEphemeral"), 0);
	assert_int_equal(opcodes(f->s, "INSERT INTO referrals (uuid,"
	    " patient_id, raised_at, source) VALUES ('r', 2, 1, 'tool')",
	    "OpenEphemeral"), 0);
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
		cmocka_unit_test_setup_teardown(test_consent_asked, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_refer, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_purge, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_brings_the_queue,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_migration,
		    setup_bare, fx_teardown),
		cmocka_unit_test_setup_teardown(test_checks_copied,
		    setup_bare, fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
