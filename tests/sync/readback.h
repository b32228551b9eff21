/*
 * readback.h - shared by the sync engine's cases against the test FHIR
 * server (test_sync_record.c, test_sync_http.c, test_sync_passes.c):
 * reading the meeting back from the server (one resource, a search, the
 * patient by NHS number, owners, the whole chaired meeting), each case's
 * set-up and teardown (a server a case started itself is stopped,
 * whatever happened), and the start of a run (SYNC_TEST_ONLY names one
 * case, or those a pattern names).
 */
#ifndef MDT_SYNC_READBACK_H
#define MDT_SYNC_READBACK_H

#include <signal.h>
#include <sys/wait.h>

#include "sync_fixture.h"
#include "sync_internal.h"
#include "store_internal.h"

/* ---- reading the meeting back ---------------------------------------- */

static inline json_t *
get_resource(const char *type, const char *id)
{
	char rel[128];
	json_t *j;
	long st;

	snprintf(rel, sizeof(rel), "%s/%s", type, id);
	j = sx_get(rel, &st);
	if (st != 200)
		fprintf(stderr, "GET %s: %ld\n", rel, st);
	assert_int_equal(st, 200);
	return j;
}

static inline const char *
jstr(json_t *j, const char *path)
{
	/* dotted path with numeric parts for arrays: "owner.reference",
	 * "identifier.0.value" */
	char buf[256], *save = NULL, *part;
	json_t *cur = j;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part != NULL && cur != NULL;
	    part = strtok_r(NULL, ".", &save)) {
		if (json_is_array(cur))
			cur = json_array_get(cur, (size_t)strtoul(part, NULL,
			    10));
		else
			cur = json_object_get(cur, part);
	}
	return cur != NULL && json_is_string(cur) ? json_string_value(cur) :
	    "";
}

static inline int
rows_cb(void *ctx, int n, char **vals, char **cols)
{
	json_t *arr = ctx;
	json_t *row = json_object();
	int i;

	for (i = 0; i < n; i++)
		json_object_set_new(row, cols[i], json_string(vals[i] != NULL ?
		    vals[i] : ""));
	json_array_append_new(arr, row);
	return 0;
}

/* Rows of a query as a JSON array of objects of strings. */
static inline json_t *
rows(struct sx *x, const char *sql)
{
	json_t *arr = json_array();

	assert_int_equal(sqlite3_exec(mdt_store_db(x->s), sql, rows_cb, arr,
	    NULL), SQLITE_OK);
	return arr;
}

static inline void
expect_once(const char *type, const char *id)
{
	size_t n = sx_count_identifier(type, id);

	if (n != 1)
		fprintf(stderr, "%s with identifier %s: %zu on the server\n",
		    type, id, n);
	assert_int_equal(n, 1);
}

/*
 * Nothing on the server names a patient of the meeting who was never
 * discussed (no consent recorded): every resource of every type read back
 * and searched for their NHS numbers and names.
 */
static inline void
expect_undiscussed_absent(struct sx *x, size_t at_least)
{
	static const char *const types[] = { "Encounter", "Composition",
	    "Task", "Consent", "Observation", "Practitioner", "Patient" };
	json_t *list, *row, *j;
	size_t i, k, n = 0;
	char rel[64], *dump;
	long st;

	list = rows(x, "SELECT p.nhs_number, p.name FROM slots s JOIN"
	    " patients p ON p.id = s.patient_id WHERE s.id NOT IN"
	    " (SELECT slot_id FROM consent)");
	assert_true(json_array_size(list) > 0);
	for (k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
		snprintf(rel, sizeof(rel), "%s?_count=5000", types[k]);
		j = sx_get(rel, &st);
		assert_int_equal(st, 200);
		n += json_array_size(json_object_get(j, "entry"));
		dump = json_dumps(j, 0);
		json_array_foreach(list, i, row) {
			if (strstr(dump, jstr(row, "nhs_number")) != NULL ||
			    strstr(dump, jstr(row, "name")) != NULL)
				fprintf(stderr, "%s names %s, never discussed\n",
				    types[k], jstr(row, "name"));
			assert_null(strstr(dump, jstr(row, "nhs_number")));
			assert_null(strstr(dump, jstr(row, "name")));
		}
		free(dump);
		json_decref(j);
	}
	assert_true(n >= at_least);
	json_decref(list);
}

/*
 * Everything the meeting recorded is on the server once, with the right
 * owners, due dates, statuses, patients and references.
 */
/*
 * The organisations a Consent read back from the server denies, "|"-joined
 * in order into buf: each nested provision of type deny with one actor, an
 * information recipient (v3 ParticipationType IRCP) named by display.
 * Returns how many.
 */
static inline size_t
server_denials(json_t *consent, char *buf, size_t len)
{
	json_t *nested = json_object_get(json_object_get(consent,
	    "provision"), "provision"), *d;
	size_t i, used = 0;

	buf[0] = '\0';
	json_array_foreach(nested, i, d) {
		assert_string_equal(jstr(d, "type"), "deny");
		assert_int_equal(json_array_size(json_object_get(d, "actor")),
		    1);
		assert_string_equal(jstr(d, "actor.0.role.coding.0.system"),
		    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType");
		assert_string_equal(jstr(d, "actor.0.role.coding.0.code"),
		    "IRCP");
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i > 0 ? "|" : "", jstr(d, "actor.0.reference.display"));
		assert_true(used < len);
	}
	return json_array_size(nested);
}

/* How many entries of type a search's Bundle holds. */
static inline size_t
entries_of(json_t *bundle, const char *type)
{
	json_t *e;
	size_t i, n = 0;

	json_array_foreach(json_object_get(bundle, "entry"), i, e)
		if (strcmp(jstr(e, "resource.resourceType"), type) == 0)
			n++;
	return n;
}

/* GET rel (a search), which must answer 200 with a Bundle. */
static inline json_t *
search(const char *rel)
{
	json_t *b;
	long st;

	b = sx_get(rel, &st);
	if (st != 200) {
		char *d = json_dumps(b, 0);

		fprintf(stderr, "GET %s: %ld %s\n", rel, st, d);
		free(d);
	}
	assert_int_equal(st, 200);
	assert_string_equal(jstr(b, "resourceType"), "Bundle");
	return b;
}

/*
 * The patient reference at path of r: literal (Patient/<id>), to the one
 * Patient the record holds with this NHS number, with the number beside
 * it.
 */
static inline void
expect_patient(json_t *r, const char *path, const char *nhs)
{
	char key[64], rel[160];
	const char *ref;
	json_t *bundle, *p;
	long st;

	snprintf(key, sizeof(key), "%s.identifier.value", path);
	assert_string_equal(jstr(r, key), nhs);
	snprintf(key, sizeof(key), "%s.reference", path);
	ref = jstr(r, key);
	assert_true(strncmp(ref, "Patient/", 8) == 0);
	/* the standard search by NHS number finds one Patient, that one */
	snprintf(rel, sizeof(rel), "Patient?identifier="
	    "https://fhir.nhs.uk/Id/nhs-number%%7C%s", nhs);
	bundle = sx_get(rel, &st);
	assert_int_equal(st, 200);
	assert_int_equal(json_array_size(json_object_get(bundle, "entry")), 1);
	p = json_object_get(json_array_get(json_object_get(bundle, "entry"),
	    0), "resource");
	assert_string_equal(ref + 8, jstr(p, "id"));
	json_decref(bundle);
}

/*
 * The owner of Task r: the PractitionerRole of the person (uuid), whose
 * practitioner is that person and whose organisation and role are theirs.
 */
static inline void
expect_owner(json_t *r, const char *person, const char *role,
    const char *org)
{
	const char *ref = jstr(r, "owner.reference");
	char want[128];
	json_t *pr, *o;

	assert_true(strncmp(ref, "PractitionerRole/", 17) == 0);
	pr = get_resource("PractitionerRole", ref + 17);
	snprintf(want, sizeof(want), "Practitioner/%s", person);
	assert_string_equal(jstr(pr, "practitioner.reference"), want);
	assert_string_equal(jstr(pr, "code.0.text"), role);
	if (org[0] != '\0') {
		ref = jstr(pr, "organization.reference");
		assert_true(strncmp(ref, "Organization/", 13) == 0);
		o = get_resource("Organization", ref + 13);
		assert_string_equal(jstr(o, "name"), org);
		json_decref(o);
	}
	json_decref(pr);
}

/*
 * The discussion records' author: the chair's PractitionerRole once a
 * chair is recorded, else the meeting by its title.
 */
static inline void
expect_record_authors(struct sx *x)
{
	json_t *b = search("Composition?_count=50"), *e, *m;
	struct sync_ref role = { .kind = SYNC_ROLE };
	char want[96], rid[37];
	size_t k;

	m = rows(x, "SELECT m.title, coalesce(p.uuid, '') AS chair"
	    " FROM meetings m LEFT JOIN people p ON p.id = m.chair_id");
	mdt_strlcpy(role.uuid, jstr(m, "0.chair"), sizeof(role.uuid));
	sync_ref_id(&role, rid);
	snprintf(want, sizeof(want), "PractitionerRole/%s", rid);
	assert_true(json_array_size(json_object_get(b, "entry")) > 0);
	json_array_foreach(json_object_get(b, "entry"), k, e) {
		if (jstr(m, "0.chair")[0] != '\0')
			assert_string_equal(jstr(e,
			    "resource.author.0.reference"), want);
		else
			assert_string_equal(jstr(e,
			    "resource.author.0.display"), jstr(m, "0.title"));
	}
	json_decref(m);
	json_decref(b);
}

static inline void
check_meeting_on_server(struct sx *x)
{
	json_t *list, *row, *r;
	size_t i, n_denied = 0;
	char ref[128];

	/* the meeting: present attendees as participants, the venue */
	list = rows(x, "SELECT uuid FROM meetings");
	json_array_foreach(list, i, row) {
		const char *id = jstr(row, "uuid");

		expect_once("Encounter", id);
		r = get_resource("Encounter", id);
		assert_string_equal(jstr(r, "status"), "finished");
		assert_string_equal(jstr(r, "type.0.coding.0.code"),
		    "384682003");
		assert_int_equal(json_array_size(json_object_get(r,
		    "participant")), 6);
		assert_string_not_equal(jstr(r, "location.0.location.display"),
		    "");
		/* the venue: a Location of that name */
		{
			const char *loc = jstr(r,
			    "location.0.location.reference");
			json_t *l;

			assert_true(strncmp(loc, "Location/", 9) == 0);
			l = get_resource("Location", loc + 9);
			assert_string_equal(jstr(l, "name"), jstr(r,
			    "location.0.location.display"));
			json_decref(l);
		}
		json_decref(r);
	}
	json_decref(list);

	/* every discussion: an Encounter partOf the meeting, for the
	 * patient by NHS number; nothing of a patient never discussed */
	list = rows(x, "SELECT s.uuid, s.state, p.nhs_number, m.uuid AS"
	    " meeting FROM slots s JOIN patients p ON p.id = s.patient_id"
	    " JOIN meetings m ON m.id = s.meeting_id"
	    " WHERE s.id IN (SELECT slot_id FROM consent)");
	assert_int_equal(json_array_size(list), 5);
	json_array_foreach(list, i, row) {
		expect_once("Encounter", jstr(row, "uuid"));
		r = get_resource("Encounter", jstr(row, "uuid"));
		assert_string_equal(jstr(r, "subject.identifier.system"),
		    "https://fhir.nhs.uk/Id/nhs-number");
		expect_patient(r, "subject", jstr(row, "nhs_number"));
		snprintf(ref, sizeof(ref), "Encounter/%s", jstr(row,
		    "meeting"));
		assert_string_equal(jstr(r, "partOf.reference"), ref);
		assert_string_equal(jstr(r, "status"),
		    strcmp(jstr(row, "state"), "pending") == 0 ? "cancelled" :
		    "finished");
		json_decref(r);
	}
	json_decref(list);

	/* every action: a Task with owner, due date, status, patient */
	list = rows(x, "SELECT a.uuid, a.text, a.due_date, a.status,"
	    " o.uuid AS owner, o.organisation, o.role, p.nhs_number,"
	    " s.uuid AS slot FROM actions a"
	    " JOIN people o ON o.id = a.owner_id JOIN patients p"
	    " ON p.id = a.patient_id JOIN slots s ON s.id = a.slot_id");
	assert_int_equal(json_array_size(list), 11);
	json_array_foreach(list, i, row) {
		const char *st = jstr(row, "status");

		expect_once("Task", jstr(row, "uuid"));
		r = get_resource("Task", jstr(row, "uuid"));
		assert_string_equal(jstr(r, "description"), jstr(row, "text"));
		assert_string_equal(jstr(r, "restriction.period.end"),
		    jstr(row, "due_date"));
		expect_owner(r, jstr(row, "owner"), jstr(row, "role"),
		    jstr(row, "organisation"));
		expect_patient(r, "for", jstr(row, "nhs_number"));
		assert_string_equal(jstr(r, "intent"), "order");
		assert_non_null(strstr(jstr(r, "text.div"), jstr(row,
		    "due_date")));
		assert_string_equal(jstr(r, "status"),
		    strcmp(st, "done") == 0 ? "completed" :
		    strcmp(st, "cancelled") == 0 ? "cancelled" : "requested");
		snprintf(ref, sizeof(ref), "Encounter/%s", jstr(row, "slot"));
		assert_string_equal(jstr(r, "encounter.reference"), ref);
		assert_string_not_equal(jstr(r, "authoredOn"), "");
		json_decref(r);
		/* the owner exists, once */
		expect_once("Practitioner", jstr(row, "owner"));
	}
	json_decref(list);

	/* consent: each basis, justification kept, a deny provision for
	 * each organisation the patient excluded */
	list = rows(x, "SELECT c.uuid, c.basis, c.justification,"
	    " p.nhs_number, (SELECT group_concat(organisation, '|') FROM"
	    " (SELECT organisation FROM consent_exclusions e"
	    "  WHERE e.slot_id = c.slot_id ORDER BY e.id)) AS excluded"
	    " FROM consent c JOIN slots s ON s.id = c.slot_id"
	    " JOIN patients p ON p.id = s.patient_id");
	assert_int_equal(json_array_size(list), 5);
	json_array_foreach(list, i, row) {
		char denied[256] = "";

		expect_once("Consent", jstr(row, "uuid"));
		r = get_resource("Consent", jstr(row, "uuid"));
		n_denied += server_denials(r, denied, sizeof(denied));
		assert_string_equal(denied, jstr(row, "excluded"));
		/* given: the current consent, permitting the discussion;
		 * not given: rejected, the discussion denied (one answer per
		 * patient here, none replaced) */
		assert_string_equal(jstr(r, "provision.type"),
		    strcmp(jstr(row, "basis"), "given") == 0 ? "permit" :
		    "deny");
		assert_string_equal(jstr(r, "status"),
		    strcmp(jstr(row, "basis"), "given") == 0 ? "active" :
		    "rejected");
		assert_string_equal(jstr(r, "scope.coding.0.code"),
		    "patient-privacy");
		expect_patient(r, "patient", jstr(row, "nhs_number"));
		if (jstr(row, "justification")[0] != '\0')
			assert_non_null(strstr(jstr(r, "policyRule.text"),
			    jstr(row, "justification")));
		json_decref(r);
	}
	json_decref(list);
	/* Acme Care and Borough Housing (given), Zoë's Café (not given) */
	assert_int_equal(n_denied, 3);

	/* outcomes: coded Observations; the discussion records */
	list = rows(x, "SELECT o.uuid, o.kind, o.review_date, s.uuid AS slot"
	    " FROM outcomes o JOIN slots s ON s.id = o.slot_id");
	assert_int_equal(json_array_size(list), 5);
	json_array_foreach(list, i, row) {
		expect_once("Observation", jstr(row, "uuid"));
		r = get_resource("Observation", jstr(row, "uuid"));
		assert_string_not_equal(jstr(r,
		    "valueCodeableConcept.coding.0.code"), "");
		if (jstr(row, "review_date")[0] != '\0')
			assert_string_equal(jstr(r,
			    "component.0.valueDateTime"), jstr(row,
			    "review_date"));
		/* a narrative a person can read */
		assert_non_null(strstr(jstr(r, "text.div"), "Outcome of the"
		    " discussion: "));
		json_decref(r);
	}
	json_decref(list);
	expect_record_authors(x);
	assert_int_equal(sx_count_type("Composition"), 5);
	assert_int_equal(sx_count_type("Task"), 11);
	assert_int_equal(sx_count_type("Consent"), 5);
	assert_int_equal(sx_count_type("Encounter"), 6);
	/* one Patient for each patient discussed, none for the others */
	assert_int_equal(sx_count_type("Patient"), 5);
	expect_undiscussed_absent(x, 30);
}

static inline void
expect_all_sent(struct sx *x)
{
	int64_t unsent = sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state <> 'sent'");

	if (unsent != 0) {
		json_t *l = rows(x, "SELECT id, entity, state, last_error"
		    " FROM outbox WHERE state <> 'sent' LIMIT 5");
		char *s = json_dumps(l, 0);

		fprintf(stderr, "unsent: %s\n", s);
		free(s);
		json_decref(l);
	}
	assert_int_equal(unsent, 0);
}

/* ---- each case ----------------------------------------------------- */

static inline int
setup(void **state)
{
	sx_reset_server();
	*state = sx_new();
	return 0;
}

/* a server a case started itself: stopped in teardown, whatever
 * happened */
static pid_t late_server;
static char *main_base, *main_control;

static inline int
teardown(void **state)
{
	int status;

	setenv("SYNC_TEST_BASE", main_base, 1);
	setenv("SYNC_TEST_CONTROL", main_control, 1);
	if (late_server > 0) {
		kill(late_server, SIGTERM);
		waitpid(late_server, &status, 0);
		late_server = 0;
	}
	sx_free(*state);
	return 0;
}

/* Before a run of cases: times in UTC, libcurl ready, the main server's
 * addresses kept for teardown, and the cases SYNC_TEST_ONLY names. */
static inline void
sx_cases_start(void)
{
	setenv("TZ", "UTC", 1);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	main_base = strdup(sx_env("SYNC_TEST_BASE"));
	main_control = strdup(sx_env("SYNC_TEST_CONTROL"));
	/* one case, or those its pattern names ("test_corr*") */
	if (getenv("SYNC_TEST_ONLY") != NULL)
		cmocka_set_test_filter(getenv("SYNC_TEST_ONLY"));
}

#endif
