/*
 * test_actions.c - people and each owner's actions across meetings: a
 * two-meeting history with owners in and outside the NHS; the filters
 * (owner, organisation, overdue, closed too) give exactly the actions they
 * should, in owner and due-date order; closing one between meetings is an
 * act (audit and outbox rows); the text, Markdown and JSON lists say the
 * same and mask patients unless asked not to; adding people refuses what
 * it should.
 */
#include "config.h"

#include <jansson.h>

#include "fixture.h"

#define DAY (24 * 60 * FX_MIN)

struct history {
	int64_t matron, navigator, volunteer, gp;
	int64_t a1, a2, a3, a4, a5;	/* the actions, in the order made */
	int64_t second;			/* the second meeting */
};

/*
 * Meeting 1 (the demo, 2026-11-25): slot 1 agrees a1 (matron, due
 * 2026-11-30) and a2 (volunteer, due 2026-12-09); slot 2 agrees a3
 * (navigator, due 2026-12-02).  A week later meeting 2 (2026-12-02): one
 * patient added on the day agrees a4 (volunteer, due 2026-12-05) and a5
 * (matron, due 2026-12-20); a1 is marked done there (done on 2026-12-02).
 * The volunteer is added with mdt_person_add: someone outside the NHS.
 */
static void
make_history(struct fx *f, struct history *h)
{
	struct mdt_meeting_in in = { .title = "Second MDT", .date = "+0" };
	struct mdt_patient_in p = { .nhs_number = "9990010013",
	    .name = "Winifred Asante", .date_of_birth = "1929-06-06" };
	int64_t s1 = fx_slot(f, 1), s2 = fx_slot(f, 2), slot = 0;

	h->matron = fx_person(f, "Marta Kowalczyk");
	h->navigator = fx_person(f, "Jamie Thornton");
	h->gp = fx_person(f, "Dr Kwame Mensah");
	assert_int_equal(mdt_person_add(f->s, "  Lena Ortiz ",
	    "Befriending coordinator", "Age UK Lambeth", &h->volunteer),
	    MDT_OK);

	f->now = FX_T0;
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, h->gp,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL, NULL, 0),
	    MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s1, "Book a falls clinic review",
	    h->matron, "2026-11-30", &h->a1), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s1, "Befriending visit",
	    h->volunteer, "2026-12-09", &h->a2), MDT_OK);
	f->now += 6 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s2, MDT_CONSENT_GIVEN, NULL, NULL, 0),
	    MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s2, "Arrange a carers assessment",
	    h->navigator, "2026-12-02", &h->a3), MDT_OK);
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);

	f->now = FX_T0 + 7 * DAY;
	assert_int_equal(mdt_meeting_create(f->s, &in, &h->second, NULL),
	    MDT_OK);
	assert_int_equal(mdt_slot_add_on_day(f->s, h->second, &p,
	    "Leg ulcers; carer unwell", 0, 0, &slot), MDT_OK);
	assert_int_equal(mdt_meeting_open(f->s, h->second), MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, h->second, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, slot, "Lunch club place",
	    h->volunteer, "2026-12-05", &h->a4), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, slot, "Dressing review",
	    h->matron, "2026-12-20", &h->a5), MDT_OK);
	assert_int_equal(mdt_action_set_status(f->s, h->a1, MDT_ACTION_DONE),
	    MDT_OK);
}

/* The ids of a query, in order, as "a2 a4 ..." against the history. */
static void
ids_of(const struct history *h, const struct mdt_action_item *it, size_t n,
    char *out, size_t len)
{
	const int64_t ids[] = { h->a1, h->a2, h->a3, h->a4, h->a5 };
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 5; k++)
			if (it[i].id == ids[k])
				used += (size_t)snprintf(out + used, len - used,
				    "%sa%d", used > 0 ? " " : "", k + 1);
}

static void
expect(struct fx *f, const struct history *h,
    const struct mdt_actions_filter *flt, const char *want)
{
	struct mdt_action_item *it = NULL;
	size_t n = 0;
	char got[64];

	assert_int_equal(mdt_actions_query(f->s, flt, &it, &n), MDT_OK);
	ids_of(h, it, n, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fprintf(stderr, "want '%s', got '%s'\n", want, got);
	assert_string_equal(got, want);
	mdt_action_items_free(it, n);
}

static void
test_filters(void **state)
{
	struct fx *f = *state;
	struct history h;
	struct mdt_actions_filter flt = { 0 };

	make_history(f, &h);
	/* 2026-12-03: a3 (due 12-02) is overdue; a1 is done. */
	f->now = FX_T0 + 8 * DAY;
	/* owners by name: Jamie, Lena, Marta; within one, by due date */
	expect(f, &h, &flt, "a3 a4 a2 a5");
	flt.closed = true;
	expect(f, &h, &flt, "a3 a4 a2 a5 a1");
	flt.closed = false;
	flt.owner = "LENA";
	expect(f, &h, &flt, "a4 a2");
	flt.owner = NULL;
	flt.org = "age uk";
	expect(f, &h, &flt, "a4 a2");
	flt.org = "Larkhall";
	expect(f, &h, &flt, "a3 a5");
	flt.org = NULL;
	flt.owner_id = h.matron;
	expect(f, &h, &flt, "a5");
	flt.owner_id = 0;
	flt.overdue = true;
	expect(f, &h, &flt, "a3");
	/* later, more are overdue; the given day wins over the clock */
	flt.today_ms = FX_T0 + 15 * DAY;	/* 2026-12-10 */
	expect(f, &h, &flt, "a3 a4 a2");
	flt.today_ms = FX_T0 + 30 * DAY;
	expect(f, &h, &flt, "a3 a4 a2 a5");
	/* due today is not overdue: a2 (due 12-09) on 12-09, then 12-10 */
	flt.today_ms = FX_T0 + 14 * DAY;	/* 2026-12-09 */
	expect(f, &h, &flt, "a3 a4");
	/* its last moment (FX_T0 is 13:00) */
	flt.today_ms = FX_T0 + 14 * DAY + 11 * 60 * FX_MIN - 1;
	expect(f, &h, &flt, "a3 a4");
	flt.today_ms = FX_T0 + 15 * DAY;
	expect(f, &h, &flt, "a3 a4 a2");
	flt.owner = "nobody of that name";
	expect(f, &h, &flt, "");
}

/* A list for an organisation leaves out the patients whose latest consent
 * excludes it (or any organisation the text could be part of); other
 * lists, and other organisations' lists, keep them. */
static void
test_org_leaves_out_excluders(void **state)
{
	struct fx *f = *state;
	struct history h;
	struct mdt_actions_filter flt = { 0 };
	const char *orgs[] = { "  age   uk  LAMBETH ", " Tanner   Street" };
	int64_t slot;

	make_history(f, &h);
	slot = fx_int(f->s, "SELECT s.id FROM slots s"
	    " JOIN patients p ON p.id = s.patient_id"
	    " WHERE p.name = 'Winifred Asante'");
	f->now = FX_T0 + 8 * DAY;
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, orgs, 2), MDT_OK);
	/* Winifred's a4 is Lena's of Age UK Lambeth */
	flt.org = "age uk";
	expect(f, &h, &flt, "a2");
	flt.org = "  AGE  UK   Lambeth Borough ";
	expect(f, &h, &flt, "");
	/* an owner's organisation written with runs of spaces (by an older
	 * version): the list for it is compared as the exclusion was tidied */
	fx_exec(f->s, "UPDATE people SET organisation = 'Age  UK   Lambeth'"
	    " WHERE name = 'Lena Ortiz'");
	flt.org = "age  uk";
	expect(f, &h, &flt, "a2");
	fx_exec(f->s, "UPDATE people SET organisation = 'Age UK Lambeth'"
	    " WHERE name = 'Lena Ortiz'");
	flt.org = "Lambeth";
	expect(f, &h, &flt, "a2");
	/* her a5 is Marta's of Larkhall Community Health: kept */
	flt.org = "Larkhall";
	expect(f, &h, &flt, "a3 a5");
	flt.org = NULL;
	expect(f, &h, &flt, "a3 a4 a2 a5");
	flt.owner = "Lena";
	expect(f, &h, &flt, "a4 a2");
	flt.owner = NULL;
	/* her latest consent excludes nobody: back in */
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	flt.org = "age uk";
	expect(f, &h, &flt, "a4 a2");
}

static void
test_item_fields(void **state)
{
	struct fx *f = *state;
	struct history h;
	struct mdt_actions_filter flt = { .closed = true, .owner = "Marta" };
	struct mdt_action_item *it = NULL;
	size_t n = 0;

	make_history(f, &h);
	f->now = FX_T0 + 8 * DAY;
	assert_int_equal(mdt_actions_query(f->s, &flt, &it, &n), MDT_OK);
	assert_int_equal(n, 2);
	/* a5 open first, then a1 done */
	assert_int_equal(it[0].id, h.a5);
	assert_int_equal(it[0].status, MDT_ACTION_OPEN);
	assert_false(it[0].overdue);
	assert_string_equal(it[0].meeting_title, "Second MDT");
	assert_string_equal(it[0].patient_name, "Winifred Asante");
	assert_string_equal(it[0].nhs_number, "9990010013");
	assert_int_equal(it[1].id, h.a1);
	assert_int_equal(it[1].status, MDT_ACTION_DONE);
	assert_int_equal(it[1].closed_at, FX_T0 + 7 * DAY);
	assert_false(it[1].overdue);
	assert_int_equal(it[1].meeting_id, f->meeting);
	assert_string_equal(it[1].owner_role, "Community matron");
	assert_string_equal(it[1].owner_org, "Larkhall Community Health");
	mdt_action_items_free(it, n);
}

/* Closing between meetings is an act like any other, and reopening too. */
static void
test_close_between_meetings(void **state)
{
	struct fx *f = *state;
	struct history h;
	int64_t audit, outbox;

	make_history(f, &h);
	f->now = FX_T0 + 9 * DAY;
	assert_int_equal(mdt_meeting_close(f->s, h.second), MDT_OK);
	audit = fx_int(f->s, "SELECT count(*) FROM audit");
	outbox = fx_int(f->s, "SELECT count(*) FROM outbox WHERE entity ="
	    " 'action'");
	assert_int_equal(mdt_action_set_status(f->s, h.a3, MDT_ACTION_DONE),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"), audit + 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox WHERE"
	    " entity = 'action'"), outbox + 1);
	assert_int_equal(fx_int(f->s, "SELECT closed_at FROM actions WHERE"
	    " id = %lld", (long long)h.a3), FX_T0 + 9 * DAY);
	assert_int_equal(mdt_action_set_status(f->s, h.a3, MDT_ACTION_OPEN),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions WHERE"
	    " id = %lld AND status = 'open' AND closed_at IS NULL",
	    (long long)h.a3), 1);
	assert_int_equal(mdt_action_set_status(f->s, 9999, MDT_ACTION_DONE),
	    MDT_ENOTFOUND);
}

static char *
written(struct fx *f, const struct mdt_actions_filter *flt,
    enum mdt_actions_format fmt, bool unmask)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(mdt_actions_print(f->s, flt, fmt, unmask, fp),
	    MDT_OK);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* doc is what jansson writes of the document it holds, whole. */
static void
same_as_whole(const char *doc)
{
	json_error_t jerr;
	json_t *root = json_loads(doc, 0, &jerr);
	char *whole;

	assert_non_null(root);
	whole = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	assert_non_null(whole);
	assert_int_equal(strlen(doc), strlen(whole) + 1);
	assert_memory_equal(doc, whole, strlen(whole));
	assert_int_equal(doc[strlen(whole)], '\n');
	free(whole);
	json_decref(root);
}

static void
test_written(void **state)
{
	struct fx *f = *state;
	struct history h;
	struct mdt_actions_filter flt = { 0 };
	struct mdt_action_item *it = NULL;
	size_t n = 0, i;
	char *txt, *md, *js, *open_js, want[128];
	json_t *root, *owners, *o;
	json_error_t jerr;

	make_history(f, &h);
	f->now = FX_T0 + 8 * DAY;
	assert_int_equal(mdt_actions_query(f->s, &flt, &it, &n), MDT_OK);
	txt = written(f, &flt, MDT_ACTIONS_TXT, false);
	md = written(f, &flt, MDT_ACTIONS_MD, false);
	js = written(f, &flt, MDT_ACTIONS_JSON, false);
	open_js = written(f, &flt, MDT_ACTIONS_JSON, true);

	assert_non_null(strstr(txt, "Lena Ortiz - Befriending coordinator,"
	    " Age UK Lambeth: 2 open, 0 overdue\n"));
	assert_non_null(strstr(txt, "Jamie Thornton - Care navigator,"
	    " Larkhall Primary Care Network: 1 open, 1 overdue\n"));
	snprintf(want, sizeof(want), "  #%-5lld due 2026-12-02 OVERDUE"
	    " Arrange a carers assessment\n", (long long)h.a3);
	assert_non_null(strstr(txt, want));
	assert_non_null(strstr(txt, "agreed at Second MDT on 2026-12-02"));
	assert_non_null(strstr(txt, "W.A., born 1929, NHS ***-***-*013"));
	assert_null(strstr(txt, "Winifred"));
	assert_null(strstr(txt, "9990010013"));

	assert_non_null(strstr(md, "## Lena Ortiz (Befriending coordinator,"
	    " Age UK Lambeth)\n\n2 open, 0 overdue\n"));
	snprintf(want, sizeof(want), "| %lld | due 2026-12-05 | Lunch club"
	    " place | W.A., born 1929, NHS \\*\\*\\*-\\*\\*\\*-\\*013 |", (long long)h.a4);
	assert_non_null(strstr(md, want));
	assert_null(strstr(md, "Winifred"));

	root = json_loads(js, 0, &jerr);
	assert_non_null(root);
	owners = json_object_get(root, "owners");
	assert_int_equal(json_array_size(owners), 3);
	o = json_array_get(owners, 0);
	assert_string_equal(json_string_value(json_object_get(o, "name")),
	    "Jamie Thornton");
	assert_int_equal(json_integer_value(json_object_get(o, "overdue")), 1);
	assert_true(json_is_true(json_object_get(json_array_get(
	    json_object_get(o, "actions"), 0), "overdue")));
	for (i = 0; i < 3; i++) {
		json_t *acts = json_object_get(json_array_get(owners, i),
		    "actions");

		for (size_t k = 0; k < json_array_size(acts); k++)
			assert_null(json_object_get(json_object_get(
			    json_array_get(acts, k), "patient"), "name"));
	}
	/* written an action at a time, the document jansson writes whole */
	same_as_whole(js);
	same_as_whole(open_js);
	json_decref(root);
	assert_non_null(strstr(open_js, "\"name\": \"Winifred Asante\""));
	assert_non_null(strstr(open_js, "\"nhs_number\": \"9990010013\""));

	free(txt);
	free(md);
	free(js);
	free(open_js);
	mdt_action_items_free(it, n);

	/* nothing that matches: said, not an empty page */
	flt.owner = "nobody of that name";
	txt = written(f, &flt, MDT_ACTIONS_TXT, false);
	assert_string_equal(txt, "No actions match.\n");
	free(txt);
	js = written(f, &flt, MDT_ACTIONS_JSON, false);
	same_as_whole(js);
	free(js);
}

/* Who people and organisations are on the NHS's registers: recorded as
 * acts (audit, outbox), refused when not well formed, forgotten with "". */
static void
test_registers(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;
	char buf[64];

	assert_int_equal(mdt_person_add(f->s, "Dr Ama Owusu", "GP",
	    "Riverside Surgery", &id), MDT_OK);
	assert_int_equal(mdt_person_set_ids(f->s, id, "gmc", " 1234567 ",
	    "555021935107"), MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " registration_body || ':' || registration_number || ':' ||"
	    " sds_user_id FROM people WHERE id = %lld", (long long)id),
	    "gmc:1234567:555021935107");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox WHERE"
	    " entity = 'person' AND entity_uuid = (SELECT uuid FROM people"
	    " WHERE id = %lld)", (long long)id), 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit WHERE"
	    " action = 'person_ids'"), 1);
	/* an NMC number in lower case is taken in upper case */
	assert_int_equal(mdt_person_set_ids(f->s, id, "nmc", "71a2998e", NULL),
	    MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " registration_number FROM people WHERE id = %lld",
	    (long long)id), "71A2998E");
	/* refused, saying what is expected; nothing changed */
	assert_int_equal(mdt_person_set_ids(f->s, id, "gmc", "12\x1b[2J345",
	    NULL), MDT_EINVAL);
	assert_non_null(strstr(mdt_store_error(f->s), "GMC 7 digits"));
	assert_int_equal(mdt_person_set_ids(f->s, id, NULL, NULL, "12345"),
	    MDT_EINVAL);
	assert_non_null(strstr(mdt_store_error(f->s), "12 digits"));
	assert_int_equal(mdt_person_set_ids(f->s, id, "gmc", NULL, NULL),
	    MDT_EINVAL);
	assert_int_equal(mdt_person_set_ids(f->s, 999999, "gmc", "1234567",
	    NULL), MDT_ENOTFOUND);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " registration_number FROM people WHERE id = %lld",
	    (long long)id), "71A2998E");
	/* "" forgets: body and number */
	assert_int_equal(mdt_person_set_ids(f->s, id, "gmc", "", ""), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM people WHERE"
	    " id = %lld AND registration_body IS NULL AND registration_number"
	    " IS NULL AND sds_user_id IS NULL", (long long)id), 1);

	/* an organisation's ODS code, by name as people give it */
	assert_int_equal(mdt_org_set_ods(f->s, " riverside  surgery ",
	    "f84001"), MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT ods_code"
	    " FROM organisations WHERE name = 'Riverside Surgery'"), "F84001");
	{
		char oid[37];

		assert_true(mdt_org_uuid("Riverside Surgery", oid));
		assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
		    " WHERE entity = 'organisation' AND entity_uuid = '%s'",
		    oid), 1);
	}
	assert_int_equal(mdt_org_set_ods(f->s, "Riverside Surgery", "F8"),
	    MDT_EINVAL);
	assert_non_null(strstr(mdt_store_error(f->s), "not an ODS code"));
	assert_int_equal(mdt_org_set_ods(f->s, "  ", "F84001"), MDT_EINVAL);
	assert_int_equal(mdt_org_set_ods(f->s, "Riverside\x1b]0;x\a",
	    "F84001"), MDT_EINVAL);
	assert_int_equal(mdt_org_set_ods(f->s, "Riverside Surgery", ""),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM organisations"),
	    0);
}

static void
test_people(void **state)
{
	struct fx *f = *state;
	int64_t id = 0, before, n;
	char long_name[300];

	before = fx_int(f->s, "SELECT count(*) FROM people");
	assert_int_equal(mdt_person_add(f->s, "Lena Ortiz", "", "Age UK",
	    &id), MDT_OK);
	assert_true(id > 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox WHERE"
	    " entity = 'person' AND entity_uuid = (SELECT uuid FROM people"
	    " WHERE id = %lld)", (long long)id), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit WHERE"
	    " action = 'person_add'"), 1);
	/* the same person again, case apart: refused, naming them */
	assert_int_equal(mdt_person_add(f->s, "lena ortiz", "x", "age uk",
	    NULL), MDT_EINVAL);
	assert_non_null(strstr(mdt_store_error(f->s),
	    "Lena Ortiz of Age UK is known already"));
	/* the same name elsewhere is someone else */
	assert_int_equal(mdt_person_add(f->s, "Lena Ortiz", "", "Age UK"
	    " Croydon", NULL), MDT_OK);
	assert_int_equal(mdt_person_add(f->s, "   ", "", "", NULL),
	    MDT_EINVAL);
	assert_int_equal(mdt_person_add(f->s, NULL, "", "", NULL),
	    MDT_EINVAL);
	assert_int_equal(mdt_person_add(f->s, "Tab\tName", "", "", NULL),
	    MDT_EINVAL);
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(mdt_person_add(f->s, long_name, "", "", NULL),
	    MDT_EINVAL);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM people"),
	    before + 2);
	assert_int_equal(mdt_people_count(f->s, "ortiz", NULL, &n), MDT_OK);
	assert_int_equal(n, 2);
	assert_int_equal(mdt_people_count(f->s, NULL, "CROYDON", &n), MDT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(mdt_people_count(f->s, "nobody", NULL, &n), MDT_OK);
	assert_int_equal(n, 0);
}

/*
 * Teams: an action can be given to one; the network is named once; a team
 * is never invited, never put on a register and has no registration.
 */
static void
test_teams(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { .title = "Next", .date = "+7" };
	int64_t team = 0, network = 0, meeting = 0;
	char buf[256], *out = NULL;
	size_t len = 0;
	FILE *fp;

	assert_int_equal(mdt_team_add(f->s, "  District nursing ",
	    "Whittington Health", false, &team), MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT kind ||"
	    " '|' || name || '|' || role FROM people WHERE id = %lld",
	    (long long)team),
	    "team|District nursing|");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox WHERE"
	    " entity = 'person' AND entity_uuid = (SELECT uuid FROM people"
	    " WHERE id = %lld)", (long long)team), 1);
	/* the same team again is refused as a person would be */
	assert_int_equal(mdt_team_add(f->s, "district NURSING",
	    "whittington health", false, NULL), MDT_EINVAL);
	assert_int_equal(mdt_team_add(f->s, "\x1b[2JTeam", "", false, NULL),
	    MDT_EINVAL);
	assert_int_equal(mdt_team_add(f->s, " ", "", false, NULL),
	    MDT_EINVAL);
	assert_non_null(strstr(mdt_store_error(f->s), "a team needs a name"));
	assert_int_equal(mdt_team_add(f->s, "Islington North INC", NULL, true,
	    &network), MDT_OK);
	assert_int_equal(mdt_team_add(f->s, "Haringey INC", NULL, true, NULL),
	    MDT_EINVAL);
	assert_non_null(strstr(mdt_store_error(f->s),
	    "the network is named already: Islington North INC"));
	/* no registration for a team */
	assert_int_equal(mdt_person_set_ids(f->s, team, "nmc", "12A3456B",
	    NULL), MDT_ENOTFOUND);
	/* a new meeting invites people, not teams; nor can one be added */
	assert_int_equal(mdt_meeting_create(f->s, &in, &meeting, NULL),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM attendance WHERE"
	    " meeting_id = %lld AND person_id IN (%lld, %lld)",
	    (long long)meeting, (long long)team, (long long)network), 0);
	assert_true(fx_int(f->s, "SELECT count(*) FROM attendance WHERE"
	    " meeting_id = %lld", (long long)meeting) > 0);
	assert_int_equal(mdt_register_add(f->s, meeting, team), MDT_EINVAL);
	assert_non_null(strstr(mdt_store_error(f->s), "a team does not"
	    " attend"));
	/* the list says what each is */
	fp = open_memstream(&out, &len);
	assert_int_equal(mdt_people_list(f->s, fp), MDT_OK);
	fclose(fp);
	assert_non_null(strstr(out, "District nursing  team  Whittington"
	    " Health"));
	assert_non_null(strstr(out, "Islington North INC  network"));
	free(out);
}

/*
 * A death between meetings: each refusal writes nothing; the open actions
 * cancelled (or kept) as asked; the follow-up with the relatives, naming
 * nobody, for the key contact (else the owner given); once only; and the
 * patient's reviews stop.
 */
static void
test_death_between(void **state)
{
	struct fx *f = *state;
	struct mdt_death_in in = { .nhs_number = "999 339 5633",
	    .date = "2026-11-24", .place = "home", .expected = 1 };
	struct mdt_meeting_in next = { "Next MDT", "+14", NULL, NULL, 0 };
	int64_t s1 = fx_slot(f, 1), pid, kc, act, m2;
	char buf[256];
	int cancelled = -1, carried;

	pid = fx_int(f->s, "SELECT patient_id FROM slots WHERE id = %lld",
	    (long long)s1);
	kc = fx_int(f->s, "SELECT key_contact_id FROM patients WHERE id = %lld",
	    (long long)pid);
	assert_true(kc > 0);
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s1, "Falls clinic referral",
	    fx_person(f, "Marta Kowalczyk"), "+7", &act), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s1, MDT_OUTCOME_STAY,
	    "2026-12-01"), MDT_OK);
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);

	/* refused, nothing written */
	in.nhs_number = "9993395634";
	EXPECT_ACT(f, mdt_death_between(f->s, &in, NULL), MDT_EINVAL, 0, 0);
	in.nhs_number = "4000000004";
	EXPECT_ACT(f, mdt_death_between(f->s, &in, NULL), MDT_ENOTFOUND, 0, 0);
	in.nhs_number = "999 339 5633";
	in.date = "2026-11-31";
	EXPECT_ACT(f, mdt_death_between(f->s, &in, NULL), MDT_EDATE, 0, 0);
	in.date = "2027-01-01";
	EXPECT_ACT(f, mdt_death_between(f->s, &in, NULL), MDT_EDATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "in the future"));
	in.date = "2026-11-24";
	in.place = "\x1b[2Jmoon";
	EXPECT_ACT(f, mdt_death_between(f->s, &in, NULL), MDT_EINVAL, 0, 0);
	in.place = "home";
	EXPECT_ACT(f, mdt_death_between(f->s, &in, NULL), MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "1 open action: say"
	    " keep (reviewed at the next meeting) or cancel"));

	/* the death, the action cancelled, the follow-up made */
	in.actions = MDT_DEATH_CANCEL;
	EXPECT_ACT(f, mdt_death_between(f->s, &in, &cancelled), MDT_OK, 3, 3);
	assert_int_equal(cancelled, 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT status FROM"
	    " actions WHERE id = %lld", (long long)act), "cancelled");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT died_on ||"
	    " '|' || place || '|' || expected FROM deaths WHERE patient_id ="
	    " %lld", (long long)pid), "2026-11-24|home|1");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE patient_id = %lld AND kind = 'contact_relatives'"
	    " AND owner_id = %lld AND slot_id IS NULL AND status = 'open'"
	    " AND text = 'Contact the relatives to offer support and follow"
	    " up'", (long long)pid, (long long)kc), 1);
	/* once only */
	EXPECT_ACT(f, mdt_death_between(f->s, &in, NULL), MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "died on 2026-11-24"));
	/* the review due on 12-01 no longer brings the patient forward */
	assert_int_equal(mdt_meeting_create(f->s, &next, &m2, &carried),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld AND patient_id = %lld", (long long)m2,
	    (long long)pid), 0);

	/* no key contact: the owner must be said */
	pid = fx_int(f->s, "SELECT patient_id FROM slots WHERE id = %lld",
	    (long long)fx_slot(f, 2));
	fx_exec(f->s, "UPDATE patients SET key_contact_id = NULL");
	in.nhs_number = fx_text(f->s, buf, sizeof(buf), "SELECT nhs_number"
	    " FROM patients WHERE id = %lld", (long long)pid);
	in.place = NULL;
	in.expected = -1;
	in.actions = MDT_DEATH_KEEP;
	EXPECT_ACT(f, mdt_death_between(f->s, &in, NULL), MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "no key contact"));
	in.owner_id = fx_person(f, "Jamie Thornton");
	EXPECT_ACT(f, mdt_death_between(f->s, &in, NULL), MDT_OK, 2, 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM deaths WHERE"
	    " patient_id = %lld AND place IS NULL AND expected IS NULL",
	    (long long)pid), 1);
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"
	    " WHERE patient_id = %lld AND kind = 'contact_relatives'",
	    (long long)pid), in.owner_id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filters, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_org_leaves_out_excluders,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_item_fields,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_close_between_meetings,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_written, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_registers, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_teams, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_death_between,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_people, fx_setup_demo,
		    fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
