/*
 * test_review_use.c - what the review asks "is it working?" with:
 * hospital attendances and ambulance calls before and after the first
 * discussion, the themes, and the changes agreed at the last review,
 * against figures worked out by hand from a small history (TZ=UTC).  The
 * range is 2026-04-01 to 2026-04-30; the review is run on 2026-07-15.
 *
 *   M1  2026-03-04  before the range.  List (03-02): frequent attender
 *                   Q2 10.  Q1 discussed (his first discussion).
 *   M2  2026-04-08  in range.  Lists (04-06): frequent attender Q1 9,
 *                   Q2 8, Q3 5, Q4 6; ambulance Q2 4, Q5 3.  Discussed
 *                   from 13:00, in order: Q2 (falls), Q3 (falls, end of
 *                   life; died), Q4, Q5, Q1, Q6 (added on the day).
 *   M7  2026-04-29  in range.  List (04-27): frequent attender Q7 6.
 *                   Q7 discussed at 13:00 (isolation).
 *   M8  2026-05-06  never held.  List (05-01): frequent attender Q2 20,
 *                   Q5 2: 3 weeks after M2, too soon to be "after".
 *   M9  2026-07-08  List (07-06): frequent attender Q2 3, Q4 7, Q6 4,
 *                   Q7 1; ambulance Q2 1.  89 days after M2 (after:
 *                   84 days or more), 68 days after M7 (too soon).
 *
 * First discussed in the range: Q2 Q3 Q4 Q5 Q6 (M2), Q7 (M7): 6.  Q1 is
 * not (first discussed at M1).
 *
 *   attendances   before       after         counted as
 *   Q2            8 (04-06)    3 (07-06)     paired (not 10: older; not
 *                                            20: too soon)
 *   Q3            5            -             died
 *   Q4            6            7             paired
 *   Q5            -            - (2 too soon) not counted
 *   Q6            -            4             after only
 *   Q7            6            - (1 too soon) not yet: 04-29 + 84 days
 *                                            is 07-22, after 07-15
 *   with a count before 3 (Q2 Q4 Q7), paired 2, before 8 + 6 = 14,
 *   after 3 + 7 = 10, on no list after 0, not yet 1, after only 1,
 *   died 1.
 *
 *   calls         Q2 4 > 1 paired; Q5 3 > - on no list after (due
 *                 07-01).  With a count before 2, paired 1, before 4,
 *                 after 1, no list after 1.
 *
 * Themes (slots discussed in the range: 6 at M2, 1 at M7 = 7): falls 2
 * slots 2 patients, end of life 1 1, isolation 1 1, the other three 0;
 * no theme 4 (Q4 Q5 Q1 Q6).
 *
 * Agreed: on 2026-03-10 "Invite the pharmacist"; on 2026-05-05 two
 * notes.  The review to 04-30 shows the first, to 05-31 the two.
 */
#include "config.h"

#include <jansson.h>

#include "fixture.h"

#define Q1 "9993395633"	/* Zoë Adébáyọ̀, 1941-03-14 */
#define Q2 "9999939082"	/* Arthur Pennington, 1936-11-02 */
#define Q3 "9991581766"	/* Małgorzata Nowak, 1952-07-21 */
#define Q4 "9994140027"	/* Dennis O'Driscoll, 1948-01-30 */
#define Q5 "9990506310"	/* Fatima Begum, 1960-05-09 */
#define Q6 "9998611687"	/* George Ashworth, 1944-12-25 */
#define Q7 "9449305552"	/* Ruth Ellis, 1939-06-01 */

static const char *const names[][3] = {
	{ Q1, "Zoë Adébáyọ̀", "1941-03-14" },
	{ Q2, "Arthur Pennington", "1936-11-02" },
	{ Q3, "Małgorzata Nowak", "1952-07-21" },
	{ Q4, "Dennis O'Driscoll", "1948-01-30" },
	{ Q5, "Fatima Begum", "1960-05-09" },
	{ Q6, "George Ashworth", "1944-12-25" },
	{ Q7, "Ruth Ellis", "1939-06-01" },
};

/* A list of "NHS count" pairs imported for the meeting at f->now. */
static void
import(struct fx *f, int64_t meeting, enum mdt_list list,
    const char *const *rows, size_t n)
{
	struct mdt_import_report rep;
	char path[192];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/list.csv", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "nhs_number,name,date_of_birth,%s\n",
	    list == MDT_LIST_AMBULANCE ? "calls" : "attendances");
	for (size_t i = 0; i < n; i += 2)
		for (size_t k = 0; k < MDT_COUNT(names); k++)
			if (strcmp(names[k][0], rows[i]) == 0)
				fprintf(fp, "%s,%s,%s,%s\n", rows[i],
				    names[k][1], names[k][2], rows[i + 1]);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(mdt_import_csv(f->s, meeting, list, path, false,
	    NULL, false, &rep), MDT_OK);
	mdt_import_report_done(&rep);
}

static int64_t
select_q(struct fx *f, int64_t meeting, const char *nhs)
{
	int64_t slot = 0;

	assert_int_equal(mdt_candidate_select(f->s, fx_int(f->s, "SELECT c.id"
	    " FROM candidates c JOIN patients p ON p.id = c.patient_id"
	    " WHERE c.meeting_id = %lld AND p.nhs_number = '%s'",
	    (long long)meeting, nhs), 0, 0, &slot), MDT_OK);
	return slot;
}

static int64_t
on_day(struct fx *f, int64_t meeting, int k)
{
	struct mdt_patient_in p = { names[k][0], names[k][1], names[k][2],
	    NULL };
	int64_t slot = 0;

	assert_int_equal(mdt_slot_add_on_day(f->s, meeting, &p, "Worse", 0, 0,
	    &slot), MDT_OK);
	return slot;
}

/* The slots of the meeting started in agenda order, 6 minutes each. */
static void
hold(struct fx *f, int64_t meeting, int slots)
{
	for (int i = 0; i < slots; i++) {
		assert_int_equal(mdt_slot_next(f->s, meeting, NULL), MDT_OK);
		f->now += 6 * FX_MIN;
	}
}

static void
tag(struct fx *f, int64_t slot, const char *theme)
{
	int64_t id = 0;

	assert_int_equal(mdt_theme_find(f->s, theme, &id), MDT_OK);
	assert_int_equal(mdt_slot_theme_set(f->s, slot, id, true), MDT_OK);
}

static int
setup_use(void **state)
{
	struct fx *f = fx_new();
	char err[256];
	int64_t m1, m2, m7, m8, m9, s2, s3, s7;

	fx_tempdir(f);
	assert_int_equal(mdt_store_open(":memory:", &f->clock, MDT_OPEN_CREATE,
	    &f->s, err, sizeof(err)), MDT_OK);
	assert_int_equal(mdt_demo_create(f->s, &m1), MDT_OK);

	f->now = fx_at("2026-03-02 09:00");
	m1 = fx_meeting_at(f, "2026-03-04");
	import(f, m1, MDT_LIST_FREQUENT_ATTENDER,
	    (const char *[]){ Q2, "10" }, 2);
	on_day(f, m1, 0);
	f->now = fx_at("2026-03-04 13:00");
	hold(f, m1, 1);
	assert_int_equal(mdt_meeting_close(f->s, m1), MDT_OK);

	f->now = fx_at("2026-04-06 09:00");
	m2 = fx_meeting_at(f, "2026-04-08");
	import(f, m2, MDT_LIST_FREQUENT_ATTENDER, (const char *[]){ Q1, "9",
	    Q2, "8", Q3, "5", Q4, "6" }, 8);
	import(f, m2, MDT_LIST_AMBULANCE, (const char *[]){ Q2, "4", Q5,
	    "3" }, 4);
	s2 = select_q(f, m2, Q2);
	s3 = select_q(f, m2, Q3);
	select_q(f, m2, Q4);
	select_q(f, m2, Q5);
	select_q(f, m2, Q1);
	on_day(f, m2, 5);
	f->now = fx_at("2026-04-08 13:00");
	hold(f, m2, 2);
	assert_int_equal(mdt_consent_record(f->s, s3, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s3, MDT_OUTCOME_DIED, NULL),
	    MDT_OK);
	hold(f, m2, 4);
	tag(f, s2, "falls");
	tag(f, s3, "FALLS");
	tag(f, s3, "end of life");
	assert_int_equal(mdt_meeting_close(f->s, m2), MDT_OK);

	f->now = fx_at("2026-04-27 09:00");
	m7 = fx_meeting_at(f, "2026-04-29");
	import(f, m7, MDT_LIST_FREQUENT_ATTENDER, (const char *[]){ Q7, "6" },
	    2);
	s7 = select_q(f, m7, Q7);
	f->now = fx_at("2026-04-29 13:00");
	hold(f, m7, 1);
	tag(f, s7, "isolation");
	assert_int_equal(mdt_meeting_close(f->s, m7), MDT_OK);

	f->now = fx_at("2026-05-01 09:00");
	m8 = fx_meeting_at(f, "2026-05-06");
	import(f, m8, MDT_LIST_FREQUENT_ATTENDER, (const char *[]){ Q2, "20",
	    Q5, "2" }, 4);

	f->now = fx_at("2026-07-06 09:00");
	m9 = fx_meeting_at(f, "2026-07-08");
	import(f, m9, MDT_LIST_FREQUENT_ATTENDER, (const char *[]){ Q2, "3",
	    Q4, "7", Q6, "4", Q7, "1" }, 8);
	import(f, m9, MDT_LIST_AMBULANCE, (const char *[]){ Q2, "1" }, 2);

	f->now = fx_at("2026-07-15 10:00");
	assert_int_equal(mdt_review_note_add(f->s, "Invite the pharmacist",
	    "Dr Mensah", "2026-03-10", NULL), MDT_OK);
	assert_int_equal(mdt_review_note_add(f->s, "Ask housing to attend",
	    NULL, "2026-05-05", NULL), MDT_OK);
	assert_int_equal(mdt_review_note_add(f->s, "Review the falls pathway",
	    "Marta Kowalczyk", "2026-05-05", NULL), MDT_OK);
	*state = f;
	return 0;
}

static void
check_total(const struct mdt_review_use_total *t, const int64_t want[8])
{
	const int64_t got[] = { t->on_list, t->paired, t->before, t->after,
	    t->no_after, t->not_yet, t->after_only, t->died };

	for (int i = 0; i < 8; i++)
		assert_int_equal(got[i], want[i]);
}

static void
test_before_after(void **state)
{
	struct fx *f = *state;
	struct mdt_review r;
	static const char *const firsts[] = { "2026-04-08", "2026-04-08",
	    "2026-04-08", "2026-04-08", "2026-04-08", "2026-04-29" };
	/* Q2 Q3 Q4 Q5 Q6 Q7, by first discussion: before and after, -1 for
	 * none */
	static const int64_t att[][2] = { { 8, 3 }, { 5, -1 }, { 6, 7 },
	    { -1, -1 }, { -1, 4 }, { 6, -1 } };
	static const int64_t calls[][2] = { { 4, 1 }, { -1, -1 }, { -1, -1 },
	    { 3, -1 }, { -1, -1 }, { -1, -1 } };

	assert_int_equal(mdt_review_load(f->s, "2026-04-01", "2026-04-30", &r),
	    MDT_OK);
	assert_int_equal(r.first_discussed, 6);
	assert_int_equal(r.n_use, 6);
	for (size_t i = 0; i < r.n_use; i++) {
		assert_string_equal(r.use[i].first, firsts[i]);
		assert_int_equal(r.use[i].before[0], att[i][0]);
		assert_int_equal(r.use[i].after[0], att[i][1]);
		assert_int_equal(r.use[i].before[1], calls[i][0]);
		assert_int_equal(r.use[i].after[1], calls[i][1]);
		assert_int_equal(r.use[i].died, i == 1);
		assert_int_equal(r.use[i].not_yet, i == 5);
	}
	assert_string_equal(r.use[0].name, "Arthur Pennington");
	/* with a count before, paired, before, after, no list after, not
	 * yet, after only, died */
	check_total(&r.use_total[MDT_USE_ATTENDANCES],
	    (const int64_t[]){ 3, 2, 14, 10, 0, 1, 1, 1 });
	check_total(&r.use_total[MDT_USE_CALLS],
	    (const int64_t[]){ 2, 1, 4, 1, 1, 0, 0, 0 });

	/* themes: the most used first, then the six in their order */
	assert_int_equal(r.n_themes, 6);
	assert_string_equal(r.themes[0].name, "falls");
	assert_int_equal(r.themes[0].n, 2);
	assert_int_equal(r.themes[0].meetings, 2);
	assert_string_equal(r.themes[1].name, "isolation");
	assert_int_equal(r.themes[1].n, 1);
	assert_string_equal(r.themes[2].name, "end of life");
	assert_int_equal(r.themes[2].n, 1);
	assert_int_equal(r.themes[3].n, 0);
	assert_int_equal(r.slots_untagged, 4);

	/* agreed at the last review: the latest day on or before 04-30 */
	assert_int_equal(r.n_agreed, 1);
	assert_string_equal(r.agreed[0].on, "2026-03-10");
	assert_string_equal(r.agreed[0].text, "Invite the pharmacist");
	assert_string_equal(r.agreed[0].by, "Dr Mensah");
	mdt_review_free(&r);

	/* the range to 05-31: the two of 05-05, the actor for "by" */
	assert_int_equal(mdt_review_load(f->s, "2026-04-01", "2026-05-31", &r),
	    MDT_OK);
	assert_int_equal(r.n_agreed, 2);
	assert_string_equal(r.agreed[0].text, "Ask housing to attend");
	assert_true(r.agreed[0].by[0] != '\0');
	assert_string_equal(r.agreed[1].by, "Marta Kowalczyk");
	mdt_review_free(&r);

	/* a range before every note: nothing agreed; Q1 in March */
	assert_int_equal(mdt_review_load(f->s, "2026-03-01", "2026-03-09", &r),
	    MDT_OK);
	assert_int_equal(r.n_agreed, 0);
	assert_int_equal(r.first_discussed, 1);
	assert_int_equal(r.n_use, 0);	/* Q1 was on no list before M1 */
	mdt_review_free(&r);
}

/* The review's output of r, format fmt, into a new string. */
static char *
written(struct fx *f, const struct mdt_review *r, enum mdt_review_format fmt,
    bool unmask)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *mem = open_memstream(&buf, &n);

	assert_non_null(mem);
	assert_int_equal(mdt_review_write(f->s, r, fmt, unmask, mem), MDT_OK);
	assert_int_equal(fclose(mem), 0);
	return buf;
}

static void
test_outputs_masked(void **state)
{
	struct fx *f = *state;
	struct mdt_review r;
	json_error_t jerr;
	json_t *root, *p;
	char *txt, *js, *html;

	assert_int_equal(mdt_review_load(f->s, "2026-04-01", "2026-04-30", &r),
	    MDT_OK);
	txt = written(f, &r, MDT_REVIEW_TXT, false);
	assert_non_null(strstr(txt, "Agreed at the last review (2026-03-10)\n"
	    "  - Invite the pharmacist (Dr Mensah)"));
	assert_non_null(strstr(txt, "regression to the mean"));
	assert_non_null(strstr(txt, "A.P., born 1936, NHS ***-***-*082"
	    "  2026-04-08  8 > 3  4 > 1\n"));
	assert_non_null(strstr(txt, "2026-04-29  6 > -  - > -  not yet due"));
	assert_null(strstr(txt, "Arthur"));
	free(txt);
	txt = written(f, &r, MDT_REVIEW_TXT, true);
	assert_non_null(strstr(txt, "Arthur Pennington"));
	free(txt);

	js = written(f, &r, MDT_REVIEW_JSON, false);
	root = json_loads(js, 0, &jerr);
	assert_non_null(root);
	p = json_object_get(json_object_get(root, "before_after"),
	    "attendances");
	assert_int_equal(json_integer_value(json_object_get(p, "before")), 14);
	assert_int_equal(json_integer_value(json_object_get(p, "after")), 10);
	p = json_array_get(json_object_get(json_object_get(root,
	    "before_after"), "patients"), 1);
	assert_true(json_is_null(json_object_get(p, "attendances_after")));
	assert_true(json_is_true(json_object_get(p, "died")));
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(root, "agreed_at_last_review"), "on")),
	    "2026-03-10");
	assert_null(strstr(js, "Arthur"));
	json_decref(root);
	free(js);

	html = written(f, &r, MDT_REVIEW_HTML, false);
	assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "Arthur"));
	assert_non_null(strstr(html, "<svg xmlns="));
	assert_non_null(strstr(html, "class=\"use-bar before\""));
	assert_non_null(strstr(html, "class=\"theme-bar\""));
	free(html);
	mdt_review_free(&r);
}

/* Hostile text: refused at the door, escaped on the way out. */
static void
test_hostile(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = { "a\x1b[31mb", "a\xe2\x80\xae" "b",
	    "a\xff" "b", "a\nb", "a\rb", "" , "   " };
	struct mdt_review r;
	char *big = malloc(10001), *txt, *html, *js;
	int64_t before = fx_int(f->s, "SELECT count(*) FROM review_notes");

	assert_non_null(big);
	memset(big, 'x', 10000);
	big[10000] = '\0';
	for (size_t i = 0; i < MDT_COUNT(bad); i++) {
		assert_int_equal(mdt_review_note_add(f->s, bad[i], NULL, NULL,
		    NULL), MDT_EINVAL);
		assert_int_equal(mdt_review_note_add(f->s, "ok", bad[i], NULL,
		    NULL), MDT_EINVAL);
		assert_int_equal(mdt_theme_add(f->s, bad[i], NULL), MDT_EINVAL);
	}
	assert_int_equal(mdt_review_note_add(f->s, big, NULL, NULL, NULL),
	    MDT_EINVAL);
	assert_int_equal(mdt_theme_add(f->s, big, NULL), MDT_EINVAL);
	assert_int_equal(mdt_review_note_add(f->s, "ok", NULL, "2026-13-01",
	    NULL), MDT_EDATE);
	assert_int_equal(mdt_review_note_add(f->s, "ok", NULL, "2026-07-16",
	    NULL), MDT_EINVAL);
	assert_int_equal(mdt_theme_add(f->s, "Housing", NULL), MDT_ESTATE);
	free(big);
	/* nothing was kept (a blank who is refused too: NULL is the actor) */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM review_notes"),
	    before);

	/* text a database may hold (an older version, another tool) */
	fx_exec(f->s, "INSERT INTO review_notes (uuid, text, agreed_by,"
	    " agreed_on, recorded_at) VALUES ('u1',"
	    " '<script>alert(1)</script>' || char(27) || '[2J' || char(8238)"
	    " || 'x' || char(10) || 'y', 'A & \"B\"', '2026-04-30', 0);"
	    "INSERT INTO themes (name, own, created_at) VALUES"
	    " ('<b>' || char(27) || '</b>', 1, 0)");
	assert_int_equal(mdt_review_load(f->s, "2026-04-01", "2026-04-30", &r),
	    MDT_OK);
	txt = written(f, &r, MDT_REVIEW_TXT, false);
	assert_null(strchr(txt, '\x1b'));
	assert_null(strstr(txt, "\xe2\x80\xae"));
	assert_non_null(strstr(txt, "\\x1b[2J<U+202E>x\\ny (A & \"B\")"));
	html = written(f, &r, MDT_REVIEW_HTML, false);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<b>"));
	assert_null(strchr(html, '\x1b'));
	assert_null(strstr(html, "\xe2\x80\xae"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"
	    "\\x1b[2J&lt;U+202E&gt;x\\ny"));
	assert_non_null(strstr(html, "A &amp; &quot;B&quot;"));
	js = written(f, &r, MDT_REVIEW_JSON, false);
	assert_null(strchr(js, '\x1b'));
	assert_null(strstr(js, "\xe2\x80\xae"));
	free(txt);
	free(html);
	free(js);
	mdt_review_free(&r);
}

/* The review of one range reads through indexes, not the whole history. */
static void
test_query_plans(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = mdt_store_db(f->s);
	sqlite3_stmt *st;
	static const char *const sql[] = {
		"SELECT le.count FROM candidates c JOIN list_entries le"
		" ON le.candidate_id = c.id WHERE c.patient_id = 1"
		" AND le.list = 'ambulance' AND le.count IS NOT NULL"
		" AND le.imported_at <= 5 ORDER BY le.imported_at DESC,"
		" le.id DESC LIMIT 1",
		"SELECT 1 FROM slots e WHERE e.patient_id = 1"
		" AND e.state <> 'pending' AND e.started_at < 5",
		"SELECT max(agreed_on) FROM review_notes"
		" WHERE agreed_on <= '2026-04-30'",
		"SELECT st.theme_id FROM slot_themes st WHERE st.slot_id = 3",
		"SELECT id FROM meetings WHERE opened_at >= 1 AND opened_at < 2",
	};

	for (size_t i = 0; i < MDT_COUNT(sql); i++) {
		char plan[1024] = "";
		char *q = mdt_xasprintf("EXPLAIN QUERY PLAN %s", sql[i]);

		assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL),
		    SQLITE_OK);
		free(q);
		while (sqlite3_step(st) == SQLITE_ROW)
			strncat(plan, (const char *)sqlite3_column_text(st, 3),
			    sizeof(plan) - strlen(plan) - 1);
		sqlite3_finalize(st);
		/* SEARCH through an index, never SCAN a table whole */
		assert_null(strstr(plan, "SCAN"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_before_after, setup_use,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_outputs_masked, setup_use,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup_use,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_query_plans, setup_use,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
