/*
 * test_restore.c - a new laptop made from the central record
 * (sync_restore, `mdtchair restore`) against the suite's FHIR server:
 * laptop A chairs two meetings (every kind of consent, a refused one
 * among them, notes, open and closed actions, hostile text typed and
 * hostile text written by another program), and syncs; B is restored
 * from the record; B's minutes of each meeting and B's actions match A's
 * in everything the record holds; B prepares and chairs the next
 * meeting, carrying forward the open actions, and syncs: the record
 * holds one resource per identifier.  Faults (a 5xx on a page, a reply
 * that is not a Bundle, a dropped connection) and a database that is
 * already there (a file, a symbolic link) leave nothing new.
 */
#include "config.h"

#include <sys/stat.h>

#include <sys/wait.h>

#include "sync_fixture.h"

/* An act on the store s done; else its reason said, and the test
 * failed. */
static void
ok(struct mdt_store *s, enum mdt_status st)
{
	if (st != MDT_OK)
		fprintf(stderr, "%s\n", mdt_store_error(s));
	assert_int_equal(st, MDT_OK);
}

/* A clock that moves a second at each reading: every act at its own
 * time, as in a meeting, and the record's times (to the second) tell
 * them apart. */
static int64_t fake_now;

static int64_t
tick(void *ctx)
{
	(void)ctx;
	return fake_now += 1000;
}

/* x's store opened again on the moving clock, fake_now from days ago. */
static void
on_fake_clock(struct sx *x, int days_ago)
{
	struct mdt_clock clock = { tick, NULL };
	char err[256];

	fake_now = mdt_clock_real(NULL) - (int64_t)days_ago * 86400000;
	mdt_store_free(x->s);
	assert_int_equal(mdt_store_open(x->db, &clock, 0, &x->s, err,
	    sizeof(err)), MDT_OK);
	mdt_store_set_actor(x->s, "sync-test");
}

static const char hostile_title[] = "Ward round <b>&amp;</b> \"Zoë's\""
    " café — 'quoted'";
static const char hostile_name[] = "Dr Ŝiobhán <O'Brien> & \"Co\" 🙂";
static const char hostile_note[] = "Line one <script>alert(1)</script>"
    " & \"quotes\" 'apostrophes'\n\tindented line two\nthird: ∑ Ω 🙂";

/* The new patient's joined-up plan: a problem resolved and one open,
 * goals in the patient's and the carer's words, an intervention that is
 * their action and one that is not, the next review. */
static void
joined_up_plan(struct sx *x)
{
	struct mdt_plan_in in[] = {
		{ MDT_PLAN_PROBLEM, "Falls <at night> & \"confusion\"", false,
		    0 },
		{ MDT_PLAN_GOAL, "I want to stay in my own home", false, 0 },
		{ MDT_PLAN_INTERVENTION, "Ask the GP to review medicines", false,
		    0 },
		{ MDT_PLAN_GOAL, "She needs a rest (carer's words) & <sleep>",
		    true, 0 },
		{ MDT_PLAN_PROBLEM, "Lonely since her husband died", false, 0 },
		{ MDT_PLAN_INTERVENTION, "Day centre twice a week", false, 0 },
	};
	int64_t pid;

	ok(x->s, mdt_plan_patient(x->s, "9449305552", &pid));
	in[2].action_id = sx_int(x, "SELECT min(a.id) FROM actions a JOIN"
	    " patients p ON p.id = a.patient_id WHERE p.nhs_number ="
	    " '9449305552' AND a.status = 'open'");
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		ok(x->s, mdt_plan_add(x->s, pid, &in[i], NULL));
	ok(x->s, mdt_plan_resolve(x->s, pid, 1, "Night light fitted; no falls"
	    " since"));
	ok(x->s, mdt_plan_resolve(x->s, pid, 2, "Home adapted"));
	ok(x->s, mdt_plan_review(x->s, pid, "+30"));
}

/*
 * The second meeting of A, three days after the demo: a person with a
 * hostile name, a patient new to the network and one discussed before,
 * a note and actions of hostile text (one closed), consent given and
 * refused (discussed because not discussing would put others at risk),
 * then a note made hostile behind the program's back (an older version,
 * another program): it reaches the record as valid R4.
 */
static int64_t
second_meeting(struct sx *x)
{
	struct mdt_meeting_in in = { .title = hostile_title,
	    .venue = "Café <Ünïcode> & Co" };
	struct mdt_referral_in ref = { .nhs_number = "9449305552",
	    .name = "Ada \"Lovelace\" <O'Neil> ‍👩‍⚕️", .date_of_birth =
	    "1950-02-03", .referrer = "Dr <Ref> & \"Co\"", .service =
	    "Falls (community) service", .reason = "New: falls & <confusion>"
	    " \"at night\"", .urgency = "urgent", .consent = "given" };
	struct mdt_patient_in known = { .nhs_number = "9993395633",
	    .name = "Zoë Adébáyọ̀", .date_of_birth = "1941-03-14" };
	int64_t m, s1, s2, who, a, pres;
	char day[11], *long_note;

	fake_now += 3 * 86400000;
	mdt_date_of(fake_now, day);
	in.date = day;
	ok(x->s, mdt_meeting_create(x->s, &in, &m, NULL));
	ok(x->s, mdt_person_add(x->s, hostile_name, "Matron <lead>",
	    "Larkhall & <District> \"Nursing\"", &who));
	/* the new patient referred, the referral on the agenda */
	ok(x->s, mdt_refer(x->s, &ref, NULL, NULL, NULL));
	ok(x->s, mdt_candidate_select(x->s, sx_int(x, "SELECT c.id FROM"
	    " candidates c JOIN patients p ON p.id = c.patient_id WHERE"
	    " p.nhs_number = '9449305552' AND c.meeting_id = %lld",
	    (long long)m), 0, 0, &s1));
	ok(x->s, mdt_slot_add_on_day(x->s, m, &known, "Review after"
	    " falls clinic", 0, 0, &s2));
	ok(x->s, mdt_meeting_open(x->s, m));
	pres = sx_person(x, "Dr Kwame Mensah");
	ok(x->s, mdt_attendance_set(x->s, m, pres, MDT_ATTEND_PRESENT));
	ok(x->s, mdt_attendance_set(x->s, m, who, MDT_ATTEND_PRESENT));
	ok(x->s, mdt_slot_next(x->s, m, NULL));
	ok(x->s, mdt_consent_record(x->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0));
	ok(x->s, mdt_note_add(x->s, s1, hostile_note, NULL));
	long_note = malloc(3001);
	memset(long_note, 'x', 3000);
	long_note[0] = '<';
	long_note[3000] = '\0';
	ok(x->s, mdt_note_add(x->s, s1, long_note, NULL));
	free(long_note);
	ok(x->s, mdt_action_add(x->s, s1, "Ask <GP> & \"pharmacy\""
	    " to review: 'all' meds", who, "+44", &a));
	ok(x->s, mdt_action_add(x->s, s1, "Book a falls assessment",
	    pres, "+7", &a));
	ok(x->s, mdt_action_set_status(x->s, a, MDT_ACTION_DONE));
	ok(x->s, mdt_outcome_record(x->s, s1, MDT_OUTCOME_STAY,
	    "+84"));
	ok(x->s, mdt_slot_next(x->s, m, NULL));
	ok(x->s, mdt_consent_record(x->s, s2,
	    MDT_CONSENT_RISK_TO_OTHERS, "Refused; grandchildren <at risk> &"
	    " \"safeguarding\"", NULL, 0));
	ok(x->s, mdt_note_add(x->s, s2, "Raw note", NULL));
	ok(x->s, mdt_action_add(x->s, s2, "Safeguarding referral",
	    who, "+34", NULL));
	ok(x->s, mdt_outcome_record(x->s, s2, MDT_OUTCOME_STAY,
	    "+70"));
	ok(x->s, mdt_meeting_close(x->s, m));
	joined_up_plan(x);
	/* a death between meetings, of a patient discussed at the first */
	{
		struct mdt_death_in d = { .nhs_number = "9990506310",
		    .place = "hospice", .expected = 1,
		    .actions = MDT_DEATH_KEEP };

		d.date = day;
		ok(x->s, mdt_death_between(x->s, &d, NULL));
	}
	/* written by another program: an escape and a bidi override */
	sx_exec(x, "UPDATE notes SET text = 'Raw ' || char(27) || '[2J'"
	    " || char(8238) || ' evil' WHERE text = 'Raw note'");
	return m;
}

/* A's two meetings chaired and synced; the second's id into *m2. */
static void
laptop_a(struct sx *x, int64_t *m2)
{
	on_fake_clock(x, 10);
	sx_chair(x, NULL, NULL);
	*m2 = second_meeting(x);
	assert_true(sx_sync(x, 60000, NULL));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE state"
	    " <> 'sent'"), 0);
}

struct restore_args {
	const char *path, *day;
	struct sync_restore_result *out;
};

static int
restore_on(uv_loop_t *loop, const struct sync_config *cfg, void *ctx)
{
	struct mdt_clock clock = { mdt_clock_real, NULL };
	struct restore_args *a = ctx;

	return sync_restore(loop, cfg, a->path, a->day, &clock, "restorer",
	    a->out);
}

/* One restore into path since day; 0 or -1, with what it did. */
static int
restore(struct sx *x, const char *path, const char *day,
    struct sync_restore_result *out)
{
	struct restore_args a = { path, day, out };

	return sx_on_loop(x, restore_on, &a);
}

/* A document written by fn into memory, as JSON. */
static json_t *
doc(enum mdt_status (*fn)(struct mdt_store *, int64_t, FILE *),
    struct mdt_store *s, int64_t arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_error_t e;
	json_t *j;

	assert_non_null(f);
	assert_int_equal(fn(s, arg, f), MDT_OK);
	fclose(f);
	j = json_loads(buf, 0, &e);
	if (j == NULL)
		fprintf(stderr, "not JSON: %s\n", e.text);
	assert_non_null(j);
	free(buf);
	return j;
}

static enum mdt_status
minutes_json(struct mdt_store *s, int64_t meeting, FILE *f)
{
	return mdt_minutes_write(s, meeting, MDT_MINUTES_JSON, f);
}

static enum mdt_status
actions_json(struct mdt_store *s, int64_t unused, FILE *f)
{
	struct mdt_actions_filter all = { .closed = true };

	(void)unused;
	return mdt_actions_print(s, &all, MDT_ACTIONS_JSON, true, f);
}

/*
 * What the record cannot say, taken out of a meeting's minutes (see
 * docs/sync.md, "A new laptop"): the local ids, when the meeting was
 * scheduled and for how long (the record has when it was opened and
 * closed), who was absent or sent apologies and who acknowledged the
 * confidentiality agreement (only those present are participants), an
 * attendee's organisation (below), a
 * slot never discussed (nothing of it leaves), the answer asked before
 * the meeting, the next review of a stay on the register that a step
 * down began (four weeks after the day the meeting was scheduled for:
 * the record has the day it was opened), and which meeting's minutes
 * list a death between meetings
 * (when it was recorded is when the record last changed it: here, on A's
 * clock ten days behind, later than A says; checked apart).
 */
static void
restorable(json_t *m)
{
	json_t *a, *s, *e, *list = json_array();
	size_t i, k;

	json_object_del(json_object_get(m, "meeting"), "id");
	json_object_del(json_object_get(m, "meeting"), "scheduled_start");
	json_object_del(json_object_get(m, "meeting"), "planned_minutes");
	json_object_del(m, "deaths_since_last_meeting");
	json_array_foreach(json_object_get(m, "attendance"), i, a) {
		if (strcmp(json_string_value(json_object_get(a, "status")),
		    "present") != 0)
			continue;
		json_object_del(a, "confidentiality_acknowledged");
		/* the record says a participant's organisation only by
		 * their PractitionerRole, sent once they own an action or
		 * write a record */
		json_object_del(a, "organisation");
		json_array_append(list, a);
	}
	json_object_set_new(m, "attendance", list);
	list = json_array();
	json_array_foreach(json_object_get(m, "slots"), i, s) {
		if (json_is_null(json_object_get(s, "consent")) &&
		    json_is_null(json_object_get(s, "outcome")))
			continue;
		json_object_del(s, "consent_asked_before");
		json_array_foreach(json_object_get(s, "rising_risk"), k, e)
			json_object_del(e, "next_review");
		json_array_append(list, s);
	}
	json_object_set_new(m, "slots", list);
}

/* The same of the actions: local ids, the day the meeting that agreed
 * each was scheduled for (the record has the day it was opened: the
 * same day unless, as here, the clock says otherwise), and what the
 * record last said of each (B has read it; A has not pulled). */
static void
restorable_actions(json_t *v)
{
	const char *k;
	json_t *m;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, m)
			restorable_actions(m);
		return;
	}
	json_object_del(v, "id");
	json_object_del(v, "record");
	json_object_del(v, "meeting_id");
	json_object_del(v, "date");
	json_object_foreach(v, k, m)
		restorable_actions(m);
}

/* a and b the same; if not, both printed. */
static void
same(json_t *a, json_t *b, const char *what)
{
	if (!json_equal(a, b)) {
		char *sa = json_dumps(a, JSON_INDENT(1) | JSON_SORT_KEYS);
		char *sb = json_dumps(b, JSON_INDENT(1) | JSON_SORT_KEYS);

		fprintf(stderr, "%s differ:\n--- A\n%s\n--- B\n%s\n", what, sa,
		    sb);
		free(sa);
		free(sb);
	}
	assert_true(json_equal(a, b));
}

/* The meeting of uuid in s. */
static int64_t
meeting_of(struct mdt_store *s, const char *uuid)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(s), "SELECT id FROM"
	    " meetings WHERE uuid = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

static int64_t
b_int(struct mdt_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(s), sql, -1, &st,
	    NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The note made hostile behind A's back reached B as valid text: no
 * escape, the override a replacement character, and the input policy
 * passes it.  Then taken out of A's and B's minutes. */
static void
raw_note(json_t *ma, json_t *mb)
{
	json_t *s, *notes;
	size_t i, k, found = 0;
	json_t *mins[2] = { ma, mb };

	for (int d = 0; d < 2; d++)
		json_array_foreach(json_object_get(mins[d], "slots"), i, s) {
			notes = json_object_get(s, "notes");
			for (k = 0; k < json_array_size(notes); k++) {
				const char *t = json_string_value(
				    json_array_get(notes, k));

				if (strncmp(t, "Raw ", 4) != 0)
					continue;
				if (d == 1) {
					assert_null(strchr(t, 0x1b));
					assert_non_null(strstr(t,
					    "\xef\xbf\xbd"));
					assert_true(mdt_text_note_ok(t, 0, NULL,
					    0));
					found++;
				}
				json_array_remove(notes, k--);
			}
		}
	assert_int_equal(found, 1);
}

/* ", last changed DAY" taken out of a printed plan. */
static void
cut_changed(char *t)
{
	char *p = strstr(t, ", last changed ");

	if (p != NULL && strlen(p) > 25)
		memmove(p, p + 25, strlen(p + 25) + 1);
}

/* The patient's joined-up plan printed the same by A and B. */
static void
plans_same(struct mdt_store *a, struct mdt_store *b, const char *nhs)
{
	struct mdt_store *s[2] = { a, b };
	char *text[2];
	size_t len;
	int64_t pid;

	for (int i = 0; i < 2; i++) {
		FILE *f = open_memstream(&text[i], &len);

		ok(s[i], mdt_plan_patient(s[i], nhs, &pid));
		ok(s[i], mdt_plan_write(s[i], pid, false, f));
		fclose(f);
		/* when the plan last changed is when the record last did
		 * (A's clock is ten days behind): not compared */
		cut_changed(text[i]);
	}
	if (strcmp(text[0], text[1]) != 0)
		fprintf(stderr, "the plans differ:\n--- A\n%s--- B\n%s",
		    text[0], text[1]);
	assert_string_equal(text[0], text[1]);
	free(text[0]);
	free(text[1]);
}

/* Every resource of B's on the record once (counted by identifier). */
static void
one_each(struct mdt_store *s, const char *type, const char *sql)
{
	sqlite3_stmt *st;
	size_t n = 0;

	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(s), sql, -1, &st,
	    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_int_equal(sx_count_identifier(type, (const char *)
		    sqlite3_column_text(st, 0)), 1);
		n++;
	}
	sqlite3_finalize(st);
	assert_true(n > 0);
}

/* Another system's Task for a patient of the record (no identifier of
 * ours): read with the open actions, left out and counted. */
static void
foreign_task(void)
{
	json_t *p = sx_get("Patient?identifier=https://fhir.nhs.uk/Id/"
	    "nhs-number%7C9449305552", NULL);
	const char *pid = json_string_value(json_object_get(json_object_get(
	    json_array_get(json_object_get(p, "entry"), 0), "resource"), "id"));
	char url[512], *body;

	assert_non_null(pid);
	body = mdt_xasprintf("{\"resourceType\":\"Task\",\"status\":"
	    "\"requested\",\"intent\":\"order\",\"description\":\"Another"
	    " system's task\",\"for\":{\"reference\":\"Patient/%s\"}}", pid);
	snprintf(url, sizeof(url), "%s/Task", sx_env("SYNC_TEST_BASE"));
	assert_int_equal(sx_http("POST", url, body, NULL), 201);
	free(body);
	json_decref(p);
}

/*
 * A chairs two meetings and syncs; B is restored from the record; B's
 * minutes and actions are A's, less what the record cannot say; B holds
 * nothing to send, every resource acknowledged at its version, and the
 * restore in its audit.  B then prepares the next meeting (the open
 * actions carried forward), chairs it and syncs: one resource per
 * identifier on the record.
 */
static void
test_restore_whole(void **state)
{
	struct sx *x = *state;
	struct sync_restore_result r;
	struct mdt_clock clock = { tick, NULL };
	struct mdt_store *b;
	int64_t m2, mb, slot, next;
	char path[120], err[256], day[11], *u2;
	json_t *ma, *mbj;
	struct sx bx;

	laptop_a(x, &m2);
	foreign_task();
	snprintf(path, sizeof(path), "%s/new.db", x->dir);
	mdt_date_of(mdt_clock_real(NULL) - 11 * 86400000LL, day);
	assert_int_equal(restore(x, path, day, &r), 0);
	fprintf(stderr, "# restore of 2 meetings, %lld discussions, %lld"
	    " actions: %lld requests, %lld bytes\n", (long long)r.discussions,
	    (long long)r.actions, (long long)r.requests, (long long)r.bytes);
	assert_int_equal(r.meetings, 2);
	assert_int_equal(r.discussions, 7);
	assert_int_equal(r.actions, sx_int(x, "SELECT count(*) FROM actions"));
	assert_int_equal(r.open_actions, sx_int(x, "SELECT count(*) FROM"
	    " actions WHERE status = 'open'"));
	assert_true(r.skipped >= 1);
	{
		struct stat sb;

		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
	}
	assert_int_equal(mdt_store_open(path, &clock, 0, &b, err, sizeof(err)),
	    MDT_OK);
	/* the same meetings, by our UUIDs; minutes and actions as A's */
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s),
		    "SELECT id, uuid FROM meetings ORDER BY id", -1, &st, NULL),
		    SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int64_t ida = sqlite3_column_int64(st, 0);

			u2 = (char *)sqlite3_column_text(st, 1);
			mb = meeting_of(b, u2);
			assert_true(mb > 0);
			ma = doc(minutes_json, x->s, ida);
			mbj = doc(minutes_json, b, mb);
			if (ida == m2)
				raw_note(ma, mbj);
			restorable(ma);
			restorable(mbj);
			same(ma, mbj, "the minutes");
			json_decref(ma);
			json_decref(mbj);
		}
		sqlite3_finalize(st);
	}
	ma = doc(actions_json, x->s, 0);
	mbj = doc(actions_json, b, 0);
	restorable_actions(ma);
	restorable_actions(mbj);
	same(ma, mbj, "the actions");
	json_decref(ma);
	json_decref(mbj);
	/* the death between meetings, the plan as A prints it */
	assert_int_equal(b_int(b, "SELECT count(*) FROM deaths d JOIN patients"
	    " p ON p.id = d.patient_id WHERE p.nhs_number = '9990506310' AND"
	    " d.place = 'hospice' AND d.expected = 1"), 1);
	plans_same(x->s, b, "9449305552");
	assert_int_equal(r.plans, 1);
	/* nothing to send back; every resource at the version read */
	assert_int_equal(b_int(b, "SELECT count(*) FROM outbox"), 0);
	assert_true(b_int(b, "SELECT count(*) FROM sync_versions WHERE"
	    " version_id IS NOT NULL") >= sx_int(x, "SELECT count(*) FROM"
	    " sync_versions") - 1);
	assert_int_equal(b_int(b, "SELECT count(*) FROM audit WHERE action ="
	    " 'restore' AND actor = 'restorer' AND detail LIKE 'restored from"
	    " https://127.0.0.1:%'"), 1);

	/* B prepares and chairs the next meeting, and syncs */
	mdt_store_free(b);
	memset(&bx, 0, sizeof(bx));
	snprintf(bx.db, sizeof(bx.db), "%s", path);
	snprintf(bx.config, sizeof(bx.config), "%s", x->config);
	fake_now = mdt_clock_real(NULL);
	assert_int_equal(mdt_store_open(path, &clock, 0, &bx.s, err,
	    sizeof(err)), MDT_OK);
	{
		struct mdt_meeting_in in = { .title = "Next MDT", .venue =
		    "Larkhall Green Practice" };
		struct mdt_patient_in known = { .nhs_number = "9993395633",
	    .name = "Zoë Adébáyọ̀", .date_of_birth = "1941-03-14" };
		int n = 0;

		mdt_date_of(fake_now + 86400000, day);
		in.date = day;
		ok(bx.s, mdt_meeting_create(bx.s, &in, &next, NULL));
		ok(bx.s, mdt_slot_add_on_day(bx.s, next, &known,
		    "Review", 0, 0, &slot));
		ok(bx.s, mdt_meeting_open(bx.s, next));
		ok(bx.s, mdt_attendance_set(bx.s, next, b_int(bx.s,
		    "SELECT id FROM people WHERE name = 'Dr Kwame Mensah'"),
		    MDT_ATTEND_PRESENT));
		ok(bx.s, mdt_slot_next(bx.s, next, NULL));
		ok(bx.s, mdt_consent_record(bx.s, slot,
		    MDT_CONSENT_GIVEN, NULL, NULL, 0));
		/* the open actions of the meetings restored carried forward */
		ok(bx.s, mdt_slot_unreviewed_actions(bx.s, slot, &n));
		assert_int_equal(n, b_int(bx.s, "SELECT count(*) FROM actions"
		    " a JOIN patients p ON p.id = a.patient_id WHERE"
		    " p.nhs_number = '9993395633' AND a.status = 'open'"));
		assert_true(n >= 2);
		ok(bx.s, mdt_action_review(bx.s, slot, b_int(bx.s,
		    "SELECT min(a.id) FROM actions a JOIN patients p ON p.id ="
		    " a.patient_id WHERE p.nhs_number = '9993395633' AND"
		    " a.status = 'open'"), MDT_VERDICT_DONE, 0, NULL));
		ok(bx.s, mdt_action_add(bx.s, slot, "Next step", b_int(
		    bx.s, "SELECT id FROM people WHERE name = 'Dr Kwame"
		    " Mensah'"), "+14", NULL));
		ok(bx.s, mdt_outcome_record(bx.s, slot,
		    MDT_OUTCOME_STAY, "+28"));
		ok(bx.s, mdt_meeting_close(bx.s, next));
	}
	assert_true(sx_sync(&bx, 60000, NULL));
	assert_int_equal(b_int(bx.s, "SELECT count(*) FROM outbox WHERE"
	    " state <> 'sent'"), 0);
	/* one resource per identifier: updated, never a second copy */
	one_each(bx.s, "Task", "SELECT uuid FROM actions");
	one_each(bx.s, "Encounter", "SELECT uuid FROM meetings UNION ALL"
	    " SELECT s.uuid FROM slots s WHERE EXISTS (SELECT 1 FROM consent"
	    " WHERE slot_id = s.id)");
	one_each(bx.s, "Practitioner", "SELECT uuid FROM people WHERE kind ="
	    " 'person'");
	one_each(bx.s, "Consent", "SELECT uuid FROM consent");
	one_each(bx.s, "Observation", "SELECT uuid FROM outcomes");
	assert_int_equal(sx_count_type("Task"), (size_t)b_int(bx.s,
	    "SELECT count(*) FROM actions") + 1);
	assert_int_equal(sx_count_type("Patient"), (size_t)b_int(bx.s,
	    "SELECT count(*) FROM patients"));
	(void)mb;
	mdt_store_free(bx.s);
}

/* No file at path, nor any file beside it. */
static void
nothing_at(const char *dir, const char *path)
{
	char cmd[512];
	struct stat sb;

	assert_int_equal(lstat(path, &sb), -1);
	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -q restore", dir);
	assert_int_not_equal(system(cmd), 0);
}

/* A 5xx on a page, a reply that is not a Bundle, a connection dropped:
 * nothing restored, no file, the reason said. */
static void
test_restore_faults(void **state)
{
	static const struct {
		const char *fault, *said;
	} faults[] = {
		{ "{\"faults\":[{\"status\":200,\"times\":1}]}",
		    "not a Bundle" },
		{ "{\"faults\":[{\"delayMs\":1},{\"status\":503,"
		    "\"times\":1}]}", "503" },
		/* libcurl asks again once on a connection that died: dropped
		 * each time it asks */
		{ "{\"faults\":[{\"delayMs\":1},{\"delayMs\":1},"
		    "{\"drop\":\"before\",\"times\":5}]}",
		    "cannot reach the central record" },
	};
	struct sx *x = *state;
	struct sync_restore_result r;
	char path[160], day[11];
	int64_t m2;

	laptop_a(x, &m2);
	snprintf(path, sizeof(path), "%s/new.db", x->dir);
	mdt_date_of(mdt_clock_real(NULL) - 11 * 86400000LL, day);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		sx_control("faults", faults[i].fault);
		if (restore(x, path, day, &r) != -1)
			fprintf(stderr, "fault %zu: restored\n", i);
		assert_int_equal(lstat(path, &(struct stat){ 0 }), -1);
		assert_int_equal(r.meetings, 0);
		if (strstr(r.error, faults[i].said) == NULL)
			fprintf(stderr, "error: %s\n", r.error);
		assert_non_null(strstr(r.error, faults[i].said));
		nothing_at(x->dir, path);
		sx_control("reset", "{}");
	}
	/* killed while it reads (the record hangs on the second search) */
	if (getenv("MDTCHAIR") != NULL) {
		char cmd[1024];

		sx_control("faults", "{\"faults\":[{\"delayMs\":1},"
		    "{\"hang\":true}]}");
		snprintf(cmd, sizeof(cmd), "timeout -s KILL 3 '%s' --db '%s'"
		    " --config '%s' restore --since %s >/dev/null 2>&1",
		    getenv("MDTCHAIR"), path, x->config, day);
		assert_int_not_equal(system(cmd), 0);
		nothing_at(x->dir, path);
		sx_control("reset", "{}");
	}
	/* and then it works */
	assert_int_equal(restore(x, path, day, &r), 0);
	assert_int_equal(r.meetings, 2);
}

/* A database already there, a file or a symbolic link (to a file, or to
 * nothing): refused, exit 1, left as it was; by the command too. */
static void
test_restore_never_over(void **state)
{
	struct sx *x = *state;
	struct sync_restore_result r;
	char path[160], link[160], gone[160], cmd[1200], out[200];
	const char *bin = getenv("MDTCHAIR");
	struct stat sb;

	snprintf(path, sizeof(path), "%s/there.db", x->dir);
	sx_write_file(path, "not yours\n", 0600);
	assert_int_equal(restore(x, path, "2020-01-01", &r), -1);
	assert_non_null(strstr(r.error, "exists"));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 10);
	snprintf(link, sizeof(link), "%s/link.db", x->dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(restore(x, link, "2020-01-01", &r), -1);
	snprintf(gone, sizeof(gone), "%s/gone.db", x->dir);
	assert_int_equal(symlink("/nonexistent/x.db", gone), 0);
	assert_int_equal(restore(x, gone, "2020-01-01", &r), -1);
	assert_int_equal(lstat(gone, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 10);
	if (bin == NULL)
		return;
	snprintf(out, sizeof(out), "%s/err", x->dir);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --config '%s' restore"
	    " --since 2020-01-01 2>'%s'", bin, link, x->config, out);
	assert_int_equal(WEXITSTATUS(system(cmd)), 1);
	snprintf(cmd, sizeof(cmd), "grep -q 'restore: nothing restored: %s"
	    " exists' '%s'", link, out);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s/new.db' --config '%s'"
	    " restore 2>'%s'", bin, x->dir, x->config, out);
	assert_int_equal(WEXITSTATUS(system(cmd)), 2);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_restore_whole, sx_setup,
		    sx_teardown),
		cmocka_unit_test_setup_teardown(test_restore_faults, sx_setup,
		    sx_teardown),
		cmocka_unit_test_setup_teardown(test_restore_never_over, sx_setup,
		    sx_teardown),
	};

	if (getenv("SYNC_TEST_ONLY") != NULL)
		cmocka_set_test_filter(getenv("SYNC_TEST_ONLY"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
