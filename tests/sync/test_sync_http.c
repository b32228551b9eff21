/*
 * test_sync_http.c - the sync engine against a real FHIR R4 server (the
 * test server in tests/fhir, which validates every write against the R4
 * definitions) over HTTPS with a test CA, on 127.0.0.1.  Each case is
 * checked by reading back from the server: a whole meeting, replay
 * without duplicates, 3 x 503, 429 with Retry-After, a connection
 * dropped after the server applied the change, the server down for the
 * whole meeting, wrong CA and wrong host name, an invalid resource, a
 * version conflict, bundle size, a bad 200 in the middle of a pass,
 * corrections and a death without consent with their statuses, the
 * engine closed while a reply waits to be read in the thread pool, and a
 * hung server that must not hold up the loop.  Run by tests/sync/run.sh,
 * which starts the servers.
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "sync_fixture.h"
#include "sync_internal.h"
#include "store_internal.h"

/* ---- reading the meeting back ---------------------------------------- */

static json_t *
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

static const char *
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

static int
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
static json_t *
rows(struct sx *x, const char *sql)
{
	json_t *arr = json_array();

	assert_int_equal(sqlite3_exec(mdt_store_db(x->s), sql, rows_cb, arr,
	    NULL), SQLITE_OK);
	return arr;
}

static void
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
static void
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
static size_t
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
static size_t
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
static json_t *
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
static void
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
static void
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
static void
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

static void
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

static void
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

/* ---- cases ----------------------------------------------------------- */

static int
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

static int
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

/*
 * A GP with an NHS number, after a chaired meeting, with standard
 * searches only, each one request: the patient the record already held
 * (created there by another system, left as it was, no second one), and
 * through it the discussions, consent, outcome and actions.
 */
static void
test_reader_patient_by_nhs_number(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	json_t *row, *b, *pt;
	char rel[512], body[512], nhs[16], pid[80];
	long status;

	sx_chair(x, NULL, NULL);
	row = rows(x, "SELECT p.nhs_number,"
	    " (SELECT count(*) FROM slots s2 WHERE s2.patient_id = p.id"
	    "  AND s2.id IN (SELECT slot_id FROM consent)) AS discussions,"
	    " (SELECT count(*) FROM actions a WHERE a.patient_id = p.id) AS"
	    " actions, (SELECT count(*) FROM outcomes o JOIN slots s3"
	    " ON s3.id = o.slot_id WHERE s3.patient_id = p.id) AS outcomes"
	    " FROM patients p WHERE p.id IN (SELECT s.patient_id FROM slots s"
	    " JOIN consent c ON c.slot_id = s.id) AND p.id IN (SELECT"
	    " patient_id FROM actions) ORDER BY p.id LIMIT 1");
	assert_int_equal(json_array_size(row), 1);
	snprintf(nhs, sizeof(nhs), "%s", jstr(row, "0.nhs_number"));

	/* the record's own Patient, made by another system */
	snprintf(body, sizeof(body), "{\"resourceType\":\"Patient\","
	    "\"identifier\":[{\"system\":\"https://fhir.nhs.uk/Id/nhs-number\","
	    "\"value\":\"%s\"}],\"name\":[{\"family\":\"Record\","
	    "\"given\":[\"Held\"]}]}", nhs);
	{
		char url[256];

		snprintf(url, sizeof(url), "%s/Patient",
		    sx_env("SYNC_TEST_BASE"));
		assert_int_equal(sx_http("POST", url, body, &pt), 201);
	}
	snprintf(pid, sizeof(pid), "%s", jstr(pt, "id"));
	json_decref(pt);

	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	/* Patient?identifier=...&_revinclude=...: the one Patient, as the
	 * record had it, with everything of the MDT that refers to it */
	snprintf(rel, sizeof(rel), "Patient?identifier="
	    "https://fhir.nhs.uk/Id/nhs-number%%7C%s"
	    "&_revinclude=Encounter:subject&_revinclude=Consent:patient"
	    "&_revinclude=Observation:subject&_revinclude=Task:patient", nhs);
	b = search(rel);
	assert_int_equal(entries_of(b, "Patient"), 1);
	assert_string_equal(jstr(b, "entry.0.resource.id"), pid);
	assert_string_equal(jstr(b, "entry.0.resource.name.0.family"),
	    "Record");
	assert_string_equal(jstr(b, "entry.0.resource.meta.versionId"), "1");
	assert_int_equal(entries_of(b, "Encounter"),
	    atoi(jstr(row, "0.discussions")));
	assert_int_equal(entries_of(b, "Consent"),
	    atoi(jstr(row, "0.discussions")));
	assert_int_equal(entries_of(b, "Observation"),
	    atoi(jstr(row, "0.outcomes")));
	assert_int_equal(entries_of(b, "Task"), atoi(jstr(row, "0.actions")));
	fprintf(stderr, "# GET %s: %zu entries\n", rel,
	    json_array_size(json_object_get(b, "entry")));
	json_decref(b);

	/* Encounter?patient=Patient/<id>: its discussions */
	snprintf(rel, sizeof(rel), "Encounter?patient=Patient/%s", pid);
	b = search(rel);
	assert_int_equal(entries_of(b, "Encounter"),
	    atoi(jstr(row, "0.discussions")));
	json_decref(b);

	/* Task?patient=Patient/<id>&status=requested: its open actions */
	snprintf(rel, sizeof(rel), "Task?patient=Patient/%s", pid);
	b = search(rel);
	assert_int_equal(entries_of(b, "Task"), atoi(jstr(row, "0.actions")));
	json_decref(b);

	/* and no second Patient with this NHS number */
	snprintf(rel, sizeof(rel), "Patient?identifier="
	    "https://fhir.nhs.uk/Id/nhs-number%%7C%s&_summary=count", nhs);
	b = sx_get(rel, &status);
	assert_int_equal(status, 200);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 1);
	json_decref(b);
	json_decref(row);
}

/* How many entries of type the search rel answers with (one request). */
static size_t
count_of(const char *rel, const char *type)
{
	json_t *b = search(rel);
	size_t n = entries_of(b, type);

	fprintf(stderr, "# GET %s: %zu\n", rel, n);
	json_decref(b);
	return n;
}

/*
 * A team lead and an organisation's lead, after a chaired meeting, with
 * standard searches (and the due date's SearchParameter the docs give):
 * an organisation's open actions, and those overdue; a role's (a team's)
 * open actions within it.  Each answer is checked against the store.
 */
static void
test_reader_team_actions(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	json_t *org, *b;
	char rel[640], oid[80], today[11], *q;
	int64_t open, overdue, team;

	sx_chair(x, NULL, NULL);
	/* some actions already past their due date (the acts refuse one
	 * in the past; the clock moves on) */
	sx_exec(x, "UPDATE actions SET due_date = '2020-01-0' || (id % 9 + 1)"
	    " WHERE id % 3 = 0");
	/* the organisation owning the most open actions, with its ODS code;
	 * one of its people with a GMC number */
	org = rows(x, "SELECT o.organisation AS name, o.role,"
	    " min(o.id) AS person, count(*) AS n FROM actions a"
	    " JOIN people o ON o.id = a.owner_id"
	    " WHERE a.status = 'open' AND a.withdrawn_at IS NULL"
	    " AND o.organisation <> '' GROUP BY o.organisation"
	    " ORDER BY n DESC LIMIT 1");
	assert_int_equal(json_array_size(org), 1);
	assert_int_equal(mdt_org_set_ods(x->s, jstr(org, "0.name"), "Y02756"),
	    MDT_OK);
	assert_int_equal(mdt_person_set_ids(x->s, atoll(jstr(org,
	    "0.person")), "gmc", "7654321", NULL), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	mdt_date_of(mdt_clock_real(NULL), today);

	/* the person by their GMC number */
	assert_int_equal(count_of("Practitioner?identifier="
	    "https://fhir.hl7.org.uk/Id/gmc-number%7C7654321",
	    "Practitioner"), 1);
	/* the organisation by its ODS code */
	b = search("Organization?identifier="
	    "https://fhir.nhs.uk/Id/ods-organization-code%7CY02756");
	assert_int_equal(entries_of(b, "Organization"), 1);
	assert_string_equal(jstr(b, "entry.0.resource.name"),
	    jstr(org, "0.name"));
	snprintf(oid, sizeof(oid), "Organization/%s",
	    jstr(b, "entry.0.resource.id"));
	json_decref(b);

	open = sx_int(x, "SELECT count(*) FROM actions a JOIN people o"
	    " ON o.id = a.owner_id WHERE a.status = 'open'"
	    " AND a.withdrawn_at IS NULL AND o.organisation = '%s'",
	    jstr(org, "0.name"));
	overdue = sx_int(x, "SELECT count(*) FROM actions a JOIN people o"
	    " ON o.id = a.owner_id WHERE a.status = 'open'"
	    " AND a.withdrawn_at IS NULL AND o.organisation = '%s'"
	    " AND a.due_date < '%s'", jstr(org, "0.name"), today);
	team = sx_int(x, "SELECT count(*) FROM actions a JOIN people o"
	    " ON o.id = a.owner_id WHERE a.status = 'open'"
	    " AND a.withdrawn_at IS NULL AND o.organisation = '%s'"
	    " AND o.role = '%s'", jstr(org, "0.name"), jstr(org, "0.role"));
	assert_true(open > 0);
	assert_true(team > 0);

	/* the organisation's open actions */
	snprintf(rel, sizeof(rel), "Task?status=requested"
	    "&owner:PractitionerRole.organization=%s&_count=500", oid);
	assert_int_equal((int64_t)count_of(rel, "Task"), open);
	/* and those overdue */
	snprintf(rel, sizeof(rel), "Task?status=requested&due=lt%s"
	    "&owner:PractitionerRole.organization=%s&_count=500", today,
	    oid);
	assert_int_equal((int64_t)count_of(rel, "Task"), overdue);
	/* a team: a role within the organisation */
	q = curl_easy_escape(NULL, jstr(org, "0.role"), 0);
	snprintf(rel, sizeof(rel), "Task?status=requested"
	    "&owner:PractitionerRole.organization=%s"
	    "&owner:PractitionerRole.role:text=%s&_count=500", oid, q);
	curl_free(q);
	assert_int_equal((int64_t)count_of(rel, "Task"), team);
	json_decref(org);
}

/*
 * Actions given to a team, and the network's MDT: each a CareTeam, the
 * team's managed by its organisation; a team lead asks for the team's
 * open actions by the CareTeam, and the network's CareTeam lists every
 * person by their role and every team, all resolvable on the record.
 */
static void
test_reader_care_teams(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	int64_t team, network, open, people, teams, orgs;
	char rel[640], tid[80], oid[80];
	json_t *b, *u;

	sx_chair(x, NULL, NULL);
	assert_int_equal(mdt_team_add(x->s, " District nursing <b>&amp;",
	    "Whittington Health", false, &team), MDT_OK);
	assert_int_equal(mdt_team_add(x->s, "Islington North INC", "", true,
	    &network), MDT_OK);
	/* one network only; a team never attends */
	assert_int_equal(mdt_team_add(x->s, "Another INC", "", true, NULL),
	    MDT_EINVAL);
	assert_non_null(strstr(mdt_store_error(x->s), "Islington North INC"));
	/* the open actions of the meeting, every other one given to the
	 * team before they are sent */
	sx_exec(x, "UPDATE actions SET owner_id = (SELECT id FROM people"
	    " WHERE kind = 'team') WHERE id % 2 = 0");
	open = sx_int(x, "SELECT count(*) FROM actions a JOIN people o"
	    " ON o.id = a.owner_id WHERE o.kind = 'team' AND a.status = 'open'"
	    " AND a.withdrawn_at IS NULL");
	assert_true(open > 0);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	/* the organisation's teams, by its ODS code */
	assert_int_equal(mdt_org_set_ods(x->s, "Whittington Health", "RKE"),
	    MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	b = search("CareTeam?participant:Organization.identifier="
	    "https://fhir.nhs.uk/Id/ods-organization-code%7CRKE"
	    "&_include=CareTeam:participant");
	assert_int_equal(entries_of(b, "CareTeam"), 1);
	assert_int_equal(entries_of(b, "Organization"), 1);
	assert_string_equal(jstr(b, "entry.0.resource.name"),
	    "District nursing <b>&amp;");
	for (size_t i = 0; i < 2; i++)
		if (strcmp(jstr(b, i == 0 ? "entry.0.resource.resourceType" :
		    "entry.1.resource.resourceType"), "Organization") == 0)
			snprintf(oid, sizeof(oid), "%s", jstr(b, i == 0 ?
			    "entry.0.resource.id" : "entry.1.resource.id"));
	u = rows(x, "SELECT uuid FROM people WHERE kind = 'team'");
	snprintf(tid, sizeof(tid), "CareTeam/%s", jstr(u, "0.uuid"));
	json_decref(u);
	assert_string_equal(jstr(b, "entry.0.resource.id"), tid + 9);
	json_decref(b);
	/* the team's open actions, and the organisation's teams' */
	snprintf(rel, sizeof(rel), "Task?status=requested&owner=%s"
	    "&_count=500", tid);
	assert_int_equal((int64_t)count_of(rel, "Task"), open);
	snprintf(rel, sizeof(rel), "Task?status=requested"
	    "&owner:CareTeam.participant=Organization/%s&_count=500", oid);
	assert_int_equal((int64_t)count_of(rel, "Task"), open);

	/* the network's MDT by its category, with its members */
	people = sx_int(x, "SELECT count(*) FROM people WHERE kind = 'person'");
	teams = sx_int(x, "SELECT count(*) FROM people WHERE kind = 'team'");
	orgs = 0;
	b = search("CareTeam?category=http://loinc.org%7CLA28865-6"
	    "&_include=CareTeam:participant&_count=500");
	assert_int_equal(entries_of(b, "CareTeam"), 1 + teams);
	assert_int_equal((int64_t)entries_of(b, "PractitionerRole"), people);
	for (size_t i = 0; i < json_array_size(json_object_get(b, "entry"));
	    i++) {
		json_t *r = json_object_get(json_array_get(json_object_get(b,
		    "entry"), i), "resource");

		if (strcmp(json_string_value(json_object_get(r,
		    "resourceType")), "CareTeam") == 0 && json_object_get(r,
		    "category") != NULL) {
			assert_int_equal((int64_t)json_array_size(
			    json_object_get(r, "participant")), people + teams);
			assert_null(json_object_get(r, "managingOrganization"));
			assert_string_equal(json_string_value(json_object_get(r,
			    "name")), "Islington North INC");
			orgs++;
		}
	}
	assert_int_equal(orgs, 1);
	json_decref(b);
	(void)network;
}

/*
 * Deaths between meetings: a patient on the record (discussed with
 * consent) has their death as an Observation (coded Dead, on the day,
 * place and whether expected) and the follow-up with the relatives as a
 * Task for their key contact; a patient never discussed sends nothing,
 * and their rows are not left waiting.
 */
static void
test_deaths_between_meetings(void **state)
{
	struct sx *x = *state;
	struct mdt_death_in in = { .date = "2026-11-30", .place = "hospice",
	    .expected = 1, .actions = MDT_DEATH_CANCEL };
	struct sync_status st;
	json_t *on, *off, *r, *b;
	char rel[256];

	sx_chair(x, NULL, NULL);
	on = rows(x, "SELECT p.nhs_number, d.uuid FROM patients p"
	    " JOIN slots s ON s.patient_id = p.id JOIN consent c"
	    " ON c.slot_id = s.id LEFT JOIN deaths d ON d.patient_id = p.id"
	    " WHERE NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.slot_id = s.id"
	    " AND o.kind = 'died') ORDER BY p.id LIMIT 1");
	off = rows(x, "SELECT p.nhs_number FROM patients p JOIN slots s"
	    " ON s.patient_id = p.id WHERE s.state = 'pending'"
	    " AND NOT EXISTS (SELECT 1 FROM consent WHERE slot_id = s.id)"
	    " ORDER BY p.id LIMIT 1");
	assert_int_equal(json_array_size(on), 1);
	assert_int_equal(json_array_size(off), 1);
	sx_exec(x, "UPDATE patients SET key_contact_id = (SELECT id FROM"
	    " people WHERE name = 'Ade Okonkwo')");
	in.nhs_number = jstr(on, "0.nhs_number");
	assert_int_equal(mdt_death_between(x->s, &in, NULL), MDT_OK);
	in.nhs_number = jstr(off, "0.nhs_number");
	assert_int_equal(mdt_death_between(x->s, &in, NULL), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	json_decref(on);
	on = rows(x, "SELECT d.uuid AS death, a.uuid AS task FROM deaths d"
	    " JOIN patients p ON p.id = d.patient_id JOIN actions a"
	    " ON a.patient_id = p.id AND a.kind = 'contact_relatives'"
	    " AND a.slot_id IS NULL ORDER BY d.id");
	assert_int_equal(json_array_size(on), 2);
	r = get_resource("Observation", jstr(on, "0.death"));
	assert_string_equal(jstr(r, "effectiveDateTime"), "2026-11-30");
	assert_string_equal(jstr(r, "valueCodeableConcept.coding.1.code"),
	    "419099009");
	assert_string_equal(jstr(r, "component.0.valueString"), "hospice");
	assert_true(json_is_true(json_object_get(json_array_get(
	    json_object_get(r, "component"), 1), "valueBoolean")));
	assert_true(strncmp(jstr(r, "subject.reference"), "Patient/", 8) == 0);
	/* the reader's question: the patient's death, by NHS number */
	snprintf(rel, sizeof(rel), "Observation?subject=%s"
	    "&code=https://mdtchair.org/fhir/CodeSystem/mdt-observation"
	    "%%7Cmdt-outcome&value-concept=http://snomed.info/sct%%7C419099009",
	    jstr(r, "subject.reference"));
	json_decref(r);
	b = search(rel);
	assert_int_equal(entries_of(b, "Observation"), 1);
	json_decref(b);
	r = get_resource("Task", jstr(on, "0.task"));
	assert_string_equal(jstr(r, "description"), "Contact the relatives to"
	    " offer support and follow up");
	json_decref(r);
	/* never discussed: nothing of theirs on the record */
	assert_int_equal(sx_count_identifier("Observation", jstr(on,
	    "1.death")), 0);
	assert_int_equal(sx_count_identifier("Task", jstr(on, "1.task")), 0);
	json_decref(on);
	json_decref(off);
}

/*
 * The rising-risk register on the record: a stay of a patient on the
 * record is a Flag (active, clinical, "Rising risk: monitored by the
 * integrated network", the Patient by literal reference, from the day
 * added), found by the reader's question for the patient's active flags;
 * removed, it goes inactive with the period's end.  A patient never
 * discussed and one not traced send nothing, and their rows are not left
 * waiting.  The step down of the meeting put its patient on it too.
 */
static void
test_rising_risk_flags(void **state)
{
	struct sx *x = *state;
	struct mdt_rising_in in = { .reason = "Two falls, lives alone",
	    .by = "Matron Ojo" };
	struct sync_status st;
	json_t *on, *off, *r, *b, *ids;
	char rel[256];
	int64_t id = 0;

	sx_chair(x, NULL, NULL);
	on = rows(x, "SELECT p.nhs_number FROM patients p"
	    " JOIN slots s ON s.patient_id = p.id JOIN consent c"
	    " ON c.slot_id = s.id WHERE NOT EXISTS (SELECT 1 FROM outcomes o"
	    " WHERE o.slot_id = s.id AND o.kind IN ('died', 'step_down'))"
	    " ORDER BY p.id LIMIT 1");
	off = rows(x, "SELECT p.nhs_number FROM patients p JOIN slots s"
	    " ON s.patient_id = p.id WHERE s.state = 'pending'"
	    " AND NOT EXISTS (SELECT 1 FROM consent WHERE slot_id = s.id)"
	    " ORDER BY p.id LIMIT 1");
	assert_int_equal(json_array_size(on), 1);
	assert_int_equal(json_array_size(off), 1);
	in.nhs_number = jstr(on, "0.nhs_number");
	assert_int_equal(mdt_rising_add(x->s, &in, &id, NULL), MDT_OK);
	in.nhs_number = jstr(off, "0.nhs_number");
	assert_int_equal(mdt_rising_add(x->s, &in, NULL, NULL), MDT_OK);
	in.nhs_number = NULL;
	in.name = "Bo Rak";
	assert_int_equal(mdt_rising_add(x->s, &in, NULL, NULL), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	ids = rows(x, "SELECT r.uuid, p.nhs_number, r.reason FROM rising_risk r"
	    " JOIN patients p ON p.id = r.patient_id ORDER BY r.id");
	assert_int_equal(json_array_size(ids), 4);
	/* the meeting's step down, first */
	assert_non_null(strstr(jstr(ids, "0.reason"), "stepped down at"));
	r = get_resource("Flag", jstr(ids, "0.uuid"));
	assert_string_equal(jstr(r, "status"), "active");
	json_decref(r);
	r = get_resource("Flag", jstr(ids, "1.uuid"));
	assert_string_equal(jstr(r, "status"), "active");
	assert_string_equal(jstr(r, "category.0.coding.0.code"), "clinical");
	assert_string_equal(jstr(r, "code.text"), "Rising risk: monitored by"
	    " the integrated network");
	assert_true(strncmp(jstr(r, "subject.reference"), "Patient/", 8) == 0);
	assert_int_equal(strlen(jstr(r, "period.start")), 10);
	assert_string_equal(jstr(r, "period.end"), "");
	assert_non_null(strstr(jstr(r, "text.div"), "Two falls"));
	/* the reader's question: the patient's active flags */
	snprintf(rel, sizeof(rel), "Flag?subject=%s&status=active",
	    jstr(r, "subject.reference"));
	b = search(rel);
	assert_int_equal(entries_of(b, "Flag"), 1);
	json_decref(b);
	/* never discussed, not traced: nothing of theirs */
	assert_int_equal(sx_count_identifier("Flag", jstr(ids, "2.uuid")), 0);
	assert_int_equal(sx_count_identifier("Flag", jstr(ids, "3.uuid")), 0);
	assert_int_equal(sx_count_type("Flag"), 2);

	/* off the register: inactive, with its end */
	assert_int_equal(mdt_rising_remove(x->s, jstr(on, "0.nhs_number"),
	    "Settled at home", NULL), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	json_decref(r);
	r = get_resource("Flag", jstr(ids, "1.uuid"));
	assert_string_equal(jstr(r, "status"), "inactive");
	assert_int_equal(strlen(jstr(r, "period.end")), 10);
	b = search(rel);
	assert_int_equal(entries_of(b, "Flag"), 0);
	json_decref(b);
	json_decref(r);
	json_decref(ids);
	json_decref(on);
	json_decref(off);
}

/*
 * The joined-up plan on the record: a CarePlan (active, intent plan, the
 * Patient by literal reference, the problems as notes) whose goals are
 * Goals (the I statement, active, expressed by the patient; a carer's in
 * a note) and whose intervention given to an action is that action's
 * Task; every reference read back resolves.  A goal achieved is
 * completed.  The plan of a patient never discussed sends nothing.
 */
static void
test_plan_careplan_goals(void **state)
{
	struct sx *x = *state;
	struct mdt_plan_in in = { .kind = MDT_PLAN_PROBLEM,
	    .text = "Falls at home" };
	struct sync_status st;
	json_t *on, *off, *r, *g, *t, *ids;
	int64_t pid, other;
	const char *ref;

	sx_chair(x, NULL, NULL);
	on = rows(x, "SELECT s.patient_id, a.id AS action, a.uuid AS task"
	    " FROM actions a JOIN slots s ON s.id = a.slot_id JOIN consent c"
	    " ON c.slot_id = s.id WHERE a.withdrawn_at IS NULL AND NOT EXISTS"
	    " (SELECT 1 FROM outcomes o WHERE o.slot_id = s.id AND o.kind ="
	    " 'died') ORDER BY a.id LIMIT 1");
	off = rows(x, "SELECT s.patient_id FROM slots s WHERE s.state ="
	    " 'pending' AND NOT EXISTS (SELECT 1 FROM consent WHERE slot_id ="
	    " s.id) ORDER BY s.id LIMIT 1");
	assert_int_equal(json_array_size(on), 1);
	assert_int_equal(json_array_size(off), 1);
	pid = strtoll(jstr(on, "0.patient_id"), NULL, 10);
	other = strtoll(jstr(off, "0.patient_id"), NULL, 10);
	assert_int_equal(mdt_plan_add(x->s, pid, &in, NULL), MDT_OK);
	assert_int_equal(mdt_plan_add(x->s, other, &in, NULL), MDT_OK);
	in.kind = MDT_PLAN_GOAL;
	in.text = "I want to walk to the shop on my own";
	assert_int_equal(mdt_plan_add(x->s, pid, &in, NULL), MDT_OK);
	in.carer = true;
	in.text = "I want Dad to stay at home";
	assert_int_equal(mdt_plan_add(x->s, pid, &in, NULL), MDT_OK);
	in.carer = false;
	in.kind = MDT_PLAN_INTERVENTION;
	in.text = "Physiotherapy at home";
	in.action_id = strtoll(jstr(on, "0.action"), NULL, 10);
	assert_int_equal(mdt_plan_add(x->s, pid, &in, NULL), MDT_OK);
	in.action_id = 0;
	in.text = "Day centre twice a week";
	assert_int_equal(mdt_plan_add(x->s, pid, &in, NULL), MDT_OK);
	assert_int_equal(mdt_plan_review(x->s, pid, "+28"), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	ids = rows(x, "SELECT uuid FROM care_plans ORDER BY id");
	r = get_resource("CarePlan", jstr(ids, "0.uuid"));
	assert_string_equal(jstr(r, "status"), "active");
	assert_string_equal(jstr(r, "intent"), "plan");
	assert_string_equal(jstr(r, "title"), "Joined-up plan");
	assert_true(strncmp(jstr(r, "subject.reference"), "Patient/", 8) == 0);
	assert_string_equal(jstr(r, "note.0.text"), "Problem: Falls at home");
	assert_non_null(strstr(jstr(r, "description"), "Next review"));
	/* each reference resolves */
	ref = jstr(r, "goal.0.reference");
	assert_true(strncmp(ref, "Goal/", 5) == 0);
	g = get_resource("Goal", ref + 5);
	assert_string_equal(jstr(g, "lifecycleStatus"), "active");
	assert_string_equal(jstr(g, "description.text"),
	    "I want to walk to the shop on my own");
	assert_string_equal(jstr(g, "subject.reference"),
	    jstr(r, "subject.reference"));
	assert_string_equal(jstr(g, "expressedBy.reference"),
	    jstr(r, "subject.reference"));
	json_decref(g);
	g = get_resource("Goal", jstr(r, "goal.1.reference") + 5);
	assert_string_equal(jstr(g, "note.0.text"),
	    "In the words of the patient's carer");
	assert_string_equal(jstr(g, "expressedBy.reference"), "");
	json_decref(g);
	assert_string_equal(jstr(r, "activity.0.reference.reference") + 5,
	    jstr(on, "0.task"));
	t = get_resource("Task", jstr(on, "0.task"));
	assert_string_equal(jstr(t, "for.reference"),
	    jstr(r, "subject.reference"));
	json_decref(t);
	assert_string_equal(jstr(r, "activity.1.detail.description"),
	    "Day centre twice a week");
	assert_string_equal(jstr(r, "activity.1.detail.status"),
	    "not-started");
	t = get_resource("Patient", jstr(r, "subject.reference") + 8);
	json_decref(t);
	/* the patient never discussed: nothing of their plan */
	assert_int_equal(sx_count_identifier("CarePlan", jstr(ids, "1.uuid")),
	    0);
	assert_int_equal(sx_count_type("CarePlan"), 1);
	assert_int_equal(sx_count_type("Goal"), 2);

	/* the goal achieved: completed, the reason in a note */
	assert_int_equal(mdt_plan_resolve(x->s, pid, 2, "Walks there daily"),
	    MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	g = get_resource("Goal", jstr(r, "goal.0.reference") + 5);
	assert_string_equal(jstr(g, "lifecycleStatus"), "completed");
	assert_string_equal(jstr(g, "achievementStatus.coding.0.code"),
	    "achieved");
	assert_string_equal(jstr(g, "note.0.text"), "Walks there daily");
	json_decref(g);
	json_decref(r);
	json_decref(ids);
	json_decref(on);
	json_decref(off);
}

/*
 * The same patient at a second meeting, who says yes this time: the new
 * answer is the one current Consent (active), the earlier one inactive,
 * so that Consent?patient=...&status=active answers with one; and a
 * search by type tells the meetings from the discussions.
 */
static void
test_reader_consent_and_meetings(void **state)
{
	struct sx *x = *state;
	struct mdt_meeting_in in = { .title = "Second MDT", .date = "+7" };
	struct mdt_patient_in pin;
	struct sync_status st;
	json_t *row, *b, *r;
	int64_t m2, slot;
	char rel[512], pid[80], nhs[16], name[96], dob[16];

	sx_chair(x, NULL, NULL);
	/* a patient whose consent was not given at the first meeting */
	row = rows(x, "SELECT p.nhs_number, p.name, p.date_of_birth, c.uuid"
	    " FROM consent c JOIN slots s ON s.id = c.slot_id JOIN patients p"
	    " ON p.id = s.patient_id WHERE c.basis <> 'given' LIMIT 1");
	assert_int_equal(json_array_size(row), 1);
	snprintf(nhs, sizeof(nhs), "%s", jstr(row, "0.nhs_number"));
	snprintf(name, sizeof(name), "%s", jstr(row, "0.name"));
	snprintf(dob, sizeof(dob), "%s", jstr(row, "0.date_of_birth"));
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	r = get_resource("Consent", jstr(row, "0.uuid"));
	assert_string_equal(jstr(r, "status"), "rejected");
	assert_string_equal(jstr(r, "provision.type"), "deny");
	json_decref(r);

	/* the first meeting is closed (sx_chair) */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM meetings"
	    " WHERE state <> 'closed'"), 0);
	assert_int_equal(mdt_meeting_create(x->s, &in, &m2, NULL), MDT_OK);
	pin.nhs_number = nhs;
	pin.name = name;
	pin.date_of_birth = dob;
	pin.practice = NULL;
	assert_int_equal(mdt_slot_add_on_day(x->s, m2, &pin, "Seen again",
	    0, 0, &slot), MDT_OK);
	assert_int_equal(mdt_meeting_open(x->s, m2), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, m2, &slot), MDT_OK);
	assert_int_equal(mdt_consent_record(x->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	/* the earlier answer inactive, the new one the only current one */
	r = get_resource("Consent", jstr(row, "0.uuid"));
	assert_string_equal(jstr(r, "status"), "inactive");
	snprintf(pid, sizeof(pid), "%s", jstr(r, "patient.reference"));
	json_decref(r);
	snprintf(rel, sizeof(rel), "Consent?patient=%s&status=active", pid);
	b = search(rel);
	assert_int_equal(entries_of(b, "Consent"), 1);
	assert_string_equal(jstr(b, "entry.0.resource.provision.type"),
	    "permit");
	fprintf(stderr, "# GET %s: %zu\n", rel, entries_of(b, "Consent"));
	json_decref(b);
	/* and by the UK's concept of consent given: the earlier refusal
	 * does not carry it */
	snprintf(rel, sizeof(rel), "Consent?patient=%s&category="
	    "http://snomed.info/sct%%7C319951000000105", pid);
	b = search(rel);
	assert_int_equal(entries_of(b, "Consent"), 1);
	assert_string_equal(jstr(b, "entry.0.resource.status"), "active");
	json_decref(b);

	/* the meetings, by type: two, and no discussion among them */
	b = search("Encounter?type=http://snomed.info/sct%7C384682003");
	assert_int_equal(entries_of(b, "Encounter"), 2);
	json_decref(b);
	b = search("Encounter?type=https://mdtchair.org/fhir/CodeSystem/"
	    "mdt-encounter%7Cdiscussion&_summary=count");
	assert_int_equal(json_integer_value(json_object_get(b, "total")),
	    sx_int(x, "SELECT count(*) FROM slots WHERE id IN (SELECT"
	    " slot_id FROM consent)"));
	json_decref(b);
	json_decref(row);
}

/*
 * Consent asked before the meeting reaches the record only with the
 * slot's consent that started from it: the day the patient agreed as its
 * dateTime, who agreed as its performer (the patient; a representative by
 * name) and the confirmation at the meeting as its verification; a
 * refusal asked of a patient never discussed sends nothing.
 */
static void
test_consent_asked_reaches_record(void **state)
{
	struct sx *x = *state;
	struct mdt_meeting_in in = { .title = "MDT", .date = "+7" };
	struct mdt_patient_in pin = { .nhs_number = "9434765919",
	    .name = "Ann Example", .date_of_birth = "1950-02-03" };
	struct mdt_consent_ask_in ask = { .nhs_number = "9434765919",
	    .answer = "representative", .asked_by = "Ade Okonkwo",
	    .asked_on = "2026-11-20", .representative = "Ama Example" };
	struct sync_status st;
	json_t *row, *r;
	int64_t m, slot, slot2;
	char today[11], sql[128];

	assert_int_equal(mdt_meeting_create(x->s, &in, &m, NULL), MDT_OK);
	assert_int_equal(mdt_slot_add_on_day(x->s, m, &pin, "Falls", 0, 0,
	    &slot), MDT_OK);
	pin.nhs_number = "9000000009";
	pin.name = "Carl Dunn";
	assert_int_equal(mdt_slot_add_on_day(x->s, m, &pin, "Carer strain",
	    0, 0, &slot2), MDT_OK);
	assert_int_equal(mdt_consent_ask(x->s, &ask), MDT_OK);
	ask.nhs_number = "9000000009";
	ask.answer = "given";
	ask.representative = NULL;
	ask.asked_on = NULL;
	assert_int_equal(mdt_consent_ask(x->s, &ask), MDT_OK);
	/* asked, not yet discussed: nothing leaves */
	assert_true(sx_sync(x, 30000, &st));
	assert_int_equal(sx_count_type("Consent"), 0);
	assert_int_equal(sx_count_type("Patient"), 0);

	assert_int_equal(mdt_meeting_open(x->s, m), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, m, &slot), MDT_OK);
	assert_int_equal(mdt_consent_record(x->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, m, &slot2), MDT_OK);
	assert_int_equal(mdt_consent_record(x->s, slot2, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	snprintf(sql, sizeof(sql), "SELECT uuid FROM consent"
	    " WHERE slot_id = %lld", (long long)slot);
	row = rows(x, sql);
	r = get_resource("Consent", jstr(row, "0.uuid"));
	assert_string_equal(jstr(r, "dateTime"), "2026-11-20");
	assert_string_equal(jstr(r, "performer.0.display"),
	    "Ama Example (representative)");
	assert_true(json_is_true(json_object_get(json_array_get(
	    json_object_get(r, "verification"), 0), "verified")));
	assert_string_equal(jstr(r, "verification.0.verificationDate"),
	    "2026-11-20");
	assert_string_equal(jstr(r, "verification.0.verifiedWith.display"),
	    "Ama Example (representative)");
	assert_non_null(strstr(jstr(r, "text.div"), "Asked before the meeting"
	    " by Ade Okonkwo on 2026-11-20"));
	json_decref(r);
	json_decref(row);

	/* given by the patient: the patient agreed, today */
	snprintf(sql, sizeof(sql), "SELECT uuid FROM consent"
	    " WHERE slot_id = %lld", (long long)slot2);
	row = rows(x, sql);
	r = get_resource("Consent", jstr(row, "0.uuid"));
	mdt_date_of(mdt_store_now(x->s), today);
	assert_string_equal(jstr(r, "dateTime"), today);
	assert_string_equal(jstr(r, "performer.0.reference"),
	    jstr(r, "patient.reference"));
	assert_string_equal(jstr(r, "verification.0.verifiedWith.reference"),
	    jstr(r, "patient.reference"));
	json_decref(r);
	json_decref(row);
}

/*
 * A referral discussed reaches the record as a ServiceRequest once the
 * meeting that discussed it closes: completed, its urgency, who referred
 * from which service, why and when, for the patient; found by the
 * patient.  A referral still waiting sends nothing.
 */
static void
test_referral_reaches_record(void **state)
{
	struct sx *x = *state;
	struct mdt_meeting_in in = { .title = "MDT", .date = "+0",
	    .time = "00:00" };
	struct mdt_referral_in ref = { .nhs_number = "9434765919",
	    .name = "Ann Example", .referrer = "Dr Kwame Mensah",
	    .service = "Larkhall Green Practice", .reason = "Falls at home",
	    .urgency = "urgent" };
	struct mdt_candidate *c;
	struct sync_status st;
	json_t *row, *r, *b;
	int64_t m, rid = 0, slot = 0;
	char rel[512], sql[128];
	size_t n;

	assert_int_equal(mdt_meeting_create(x->s, &in, &m, NULL), MDT_OK);
	assert_int_equal(mdt_refer(x->s, &ref, &rid, NULL, NULL), MDT_OK);
	ref.nhs_number = "9000000009";
	ref.name = "Carl Dunn";
	ref.urgency = NULL;
	assert_int_equal(mdt_refer(x->s, &ref, NULL, NULL, NULL), MDT_OK);
	assert_int_equal(mdt_candidates_load(x->s, m, &c, &n), MDT_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].nhs_number, "9434765919") == 0)
			assert_int_equal(mdt_candidate_select(x->s, c[i].id, 0,
			    0, &slot), MDT_OK);
	mdt_candidates_free(c, n);
	assert_true(slot > 0);
	assert_int_equal(mdt_meeting_open(x->s, m), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, m, &slot), MDT_OK);
	assert_int_equal(mdt_consent_record(x->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_int_equal(mdt_meeting_close(x->s, m), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	assert_int_equal(sx_count_type("ServiceRequest"), 1);
	snprintf(sql, sizeof(sql), "SELECT uuid FROM referrals WHERE id ="
	    " %lld", (long long)rid);
	row = rows(x, sql);
	r = get_resource("ServiceRequest", jstr(row, "0.uuid"));
	assert_string_equal(jstr(r, "status"), "completed");
	assert_string_equal(jstr(r, "intent"), "order");
	assert_string_equal(jstr(r, "priority"), "urgent");
	assert_string_equal(jstr(r, "category.0.coding.0.code"), "3457005");
	assert_string_equal(jstr(r, "requester.display"),
	    "Dr Kwame Mensah (Larkhall Green Practice)");
	assert_string_equal(jstr(r, "reasonCode.0.text"), "Falls at home");
	assert_true(strncmp(jstr(r, "subject.reference"), "Patient/", 8) == 0);
	snprintf(rel, sizeof(rel), "ServiceRequest?subject=%s",
	    jstr(r, "subject.reference"));
	b = search(rel);
	assert_int_equal(entries_of(b, "ServiceRequest"), 1);
	json_decref(b);
	json_decref(r);
	json_decref(row);
}

/*
 * The network's lead: a quarter's meetings, in one request, with their
 * attendees and their discussions (so the number of patients discussed
 * at each).
 */
static void
test_reader_quarter_meetings(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	json_t *b, *e;
	char rel[512], from[11], to[11];
	size_t i, meetings = 0, people = 0, discussions = 0;
	int64_t start;

	sx_chair(x, NULL, NULL);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	/* the quarter around the meeting */
	start = sx_int(x, "SELECT coalesce(opened_at, scheduled_start)"
	    " FROM meetings");
	mdt_date_of(start - 45LL * 86400000, from);
	mdt_date_of(start + 45LL * 86400000, to);
	snprintf(rel, sizeof(rel), "Encounter?type=http://snomed.info/sct"
	    "%%7C384682003&date=ge%s&date=lt%s"
	    "&_include=Encounter:participant&_revinclude=Encounter:part-of",
	    from, to);
	b = search(rel);
	json_array_foreach(json_object_get(b, "entry"), i, e) {
		const char *type = jstr(e, "resource.resourceType");

		if (strcmp(type, "Practitioner") == 0)
			people++;
		else if (strcmp(type, "Encounter") == 0 &&
		    json_object_get(json_object_get(e, "resource"), "partOf") !=
		    NULL)
			discussions++;
		else if (strcmp(type, "Encounter") == 0)
			meetings++;
	}
	fprintf(stderr, "# GET %s: %zu meeting(s), %zu attendee(s), %zu"
	    " discussion(s)\n", rel, meetings, people, discussions);
	assert_int_equal(meetings, 1);
	assert_int_equal((int64_t)people, sx_int(x, "SELECT count(*) FROM"
	    " attendance WHERE status = 'present'"));
	assert_int_equal((int64_t)discussions, sx_int(x, "SELECT count(*)"
	    " FROM slots WHERE id IN (SELECT slot_id FROM consent)"));
	json_decref(b);
	/* and none in the quarter before */
	mdt_date_of(start - 135LL * 86400000, from);
	mdt_date_of(start - 45LL * 86400000, to);
	snprintf(rel, sizeof(rel), "Encounter?type=http://snomed.info/sct"
	    "%%7C384682003&date=ge%s&date=lt%s", from, to);
	assert_int_equal(count_of(rel, "Encounter"), 0);
}

/*
 * A record that owns its patients ([server] patients = record): mdtchair
 * creates none; it refers to them by NHS number (a conditional
 * reference), and where the record holds none the rows are refused with a
 * message that says so, mended by adding the patient on the record and
 * sending again.
 */
static void
test_record_owns_patients(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	json_t *list, *row, *r, *p;
	char url[256], body[256], want[96];
	int64_t count;
	size_t i;

	sx_config(x, NULL, NULL, "patients = record\n");
	sx_chair(x, NULL, NULL);
	/* not drained: what refers to a refused resource waits for it */
	(void)sx_sync(x, 8000, &st);
	/* refused, saying why (the rows wait on what was refused); nothing
	 * of a patient created */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE state"
	    " = 'sent' AND entity <> 'attendance'"), 0);
	assert_int_equal(sx_count_type("Patient"), 0);
	assert_true(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " last_error LIKE '%%Conditional reference Patient?"
	    "identifier=https://fhir.nhs.uk/Id/nhs-number|%%matched no"
	    " resource%%'") > 0);

	/* the record's administrator adds the patients */
	list = rows(x, "SELECT DISTINCT p.nhs_number FROM patients p"
	    " WHERE p.id IN (SELECT s.patient_id FROM slots s JOIN consent c"
	    " ON c.slot_id = s.id UNION SELECT patient_id FROM actions)");
	assert_true(json_array_size(list) > 0);
	snprintf(url, sizeof(url), "%s/Patient", sx_env("SYNC_TEST_BASE"));
	json_array_foreach(list, i, row) {
		snprintf(body, sizeof(body), "{\"resourceType\":\"Patient\","
		    "\"identifier\":[{\"system\":\"https://fhir.nhs.uk/Id/"
		    "nhs-number\",\"value\":\"%s\"}]}", jstr(row, "nhs_number"));
		assert_int_equal(sx_http("POST", url, body, &p), 201);
		json_decref(p);
	}
	/* and the chair sends again (mdtchair sync --retry-failed) */
	assert_int_equal(mdt_outbox_retry_problems(x->s, &count), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	/* still only the record's own Patients, each referred to */
	assert_int_equal(sx_count_type("Patient"), json_array_size(list));
	json_decref(list);
	list = rows(x, "SELECT s.uuid, p.nhs_number FROM slots s JOIN patients"
	    " p ON p.id = s.patient_id WHERE s.id IN (SELECT slot_id FROM"
	    " consent)");
	json_array_foreach(list, i, row) {
		r = get_resource("Encounter", jstr(row, "uuid"));
		expect_patient(r, "subject", jstr(row, "nhs_number"));
		snprintf(want, sizeof(want), "%s", jstr(r, "subject.reference"));
		assert_true(strncmp(want, "Patient/", 8) == 0);
		json_decref(r);
	}
	json_decref(list);
}

/*
 * A record written by an older version, the patient by NHS number alone:
 * the schema step that came with literal references queues it again, and
 * the next sync brings every such resource to the new shape, over the
 * version the record holds, with no second copy.
 */
static void
test_older_records_reshaped(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	json_t *list, *row, *r, *put;
	char url[256], sql[256], hash[33], *body;
	size_t i;

	sx_chair(x, NULL, NULL);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	/* each Task as an older version wrote it: for by NHS number only,
	 * a version of ours the record acknowledged */
	list = rows(x, "SELECT uuid FROM actions");
	assert_true(json_array_size(list) > 0);
	json_array_foreach(list, i, row) {
		r = get_resource("Task", jstr(row, "uuid"));
		json_object_del(json_object_get(r, "for"), "reference");
		json_object_del(r, "meta");
		body = json_dumps(r, JSON_COMPACT);
		snprintf(url, sizeof(url), "%s/Task/%s",
		    sx_env("SYNC_TEST_BASE"), jstr(row, "uuid"));
		assert_int_equal(sx_http("PUT", url, body, &put), 200);
		sync_body_hash(r, hash);
		snprintf(sql, sizeof(sql), "UPDATE sync_versions SET"
		    " version_id = '2', body_hash = '%s' WHERE resource_type ="
		    " 'Task' AND resource_id = '%s'", hash, jstr(row, "uuid"));
		sx_exec(x, sql);
		free(body);
		json_decref(put);
		json_decref(r);
	}
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'pending'"), 0);

	/* the step that brings them to the new shape */
	sx_exec(x, mdt_schema_step_sql(11));
	assert_true(sx_int(x, "SELECT count(*) FROM outbox WHERE state ="
	    " 'pending' AND entity = 'action'") >= (int64_t)json_array_size(
	    list));
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	assert_int_equal(st.conflicts, 0);
	json_array_foreach(list, i, row) {
		expect_once("Task", jstr(row, "uuid"));
		r = get_resource("Task", jstr(row, "uuid"));
		assert_true(strncmp(jstr(r, "for.reference"), "Patient/", 8) ==
		    0);
		assert_string_equal(jstr(r, "meta.versionId"), "3");
		json_decref(r);
	}
	json_decref(list);
	check_meeting_on_server(x);
}

static void
test_whole_meeting(void **state)
{
	struct sx *x = *state;
	struct sync_status st;

	int64_t schema0 = sx_stat("schemaChecks");

	sx_chair(x, NULL, NULL);
	assert_true(sx_int(x, "SELECT count(*) FROM outbox") > 50);
	assert_true(sx_sync(x, 30000, &st));
	/* every resource also passed HL7's R4 JSON schema (Ajv), a second
	 * validator beside the server's own */
	assert_true(sx_stat("schemaChecks") - schema0 >= 30);
	assert_true(st.configured);
	assert_true(st.online);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.conflicts, 0);
	assert_true(st.last_success_at > 0);
	expect_all_sent(x);
	check_meeting_on_server(x);
	/* every resource has a recorded version for later If-Match */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM sync_versions"
	    " WHERE version_id IS NULL"), 0);

	/* a title and a reason corrected on the console reach the record */
	{
		json_t *slot = rows(x, "SELECT s.id, s.uuid FROM slots s WHERE"
		    " s.id IN (SELECT slot_id FROM consent) ORDER BY s.id"
		    " LIMIT 1");
		json_t *meeting = rows(x, "SELECT uuid FROM meetings");
		json_t *r;

		assert_int_equal(mdt_meeting_set_title(x->s, x->meeting,
		    "Riverside MDT (title corrected)"), MDT_OK);
		assert_int_equal(mdt_slot_set_reason(x->s,
		    (int64_t)strtoll(jstr(slot, "0.id"), NULL, 10),
		    "Falls at night (reason corrected)"), MDT_OK);
		assert_true(sx_sync(x, 30000, &st));
		expect_all_sent(x);
		r = get_resource("Encounter", jstr(meeting, "0.uuid"));
		assert_non_null(strstr(jstr(r, "text.div"), "title corrected"));
		json_decref(r);
		r = get_resource("Encounter", jstr(slot, "0.uuid"));
		assert_string_equal(jstr(r, "reasonCode.0.text"),
		    "Falls at night (reason corrected)");
		json_decref(r);
		json_decref(slot);
		json_decref(meeting);
	}

	/* the register on the day: an attendee's arrival and departure are
	 * their participant's period, the chair a primary performer (R4
	 * schema valid, read back) */
	{
		json_t *who = rows(x, "SELECT a.person_id, p.uuid FROM"
		    " attendance a JOIN people p ON p.id = a.person_id"
		    " WHERE a.status = 'present' ORDER BY p.name LIMIT 1");
		json_t *meeting = rows(x, "SELECT uuid FROM meetings");
		json_t *r, *part, *pp;
		size_t i;
		char want[80];

		sx_exec(x, "UPDATE attendance SET arrived_at = 1795611900000,"
		    " left_at = 1795614600000 WHERE person_id = (SELECT"
		    " a.person_id FROM attendance a JOIN people p ON"
		    " p.id = a.person_id WHERE a.status = 'present'"
		    " ORDER BY p.name LIMIT 1)");
		assert_int_equal(mdt_meeting_role_set(x->s, x->meeting,
		    MDT_ROLE_CHAIR, (int64_t)strtoll(jstr(who, "0.person_id"),
		    NULL, 10)), MDT_OK);
		assert_true(sx_sync(x, 30000, &st));
		expect_all_sent(x);
		r = get_resource("Encounter", jstr(meeting, "0.uuid"));
		part = NULL;
		snprintf(want, sizeof(want), "Practitioner/%s",
		    jstr(who, "0.uuid"));
		json_array_foreach(json_object_get(r, "participant"), i, pp)
			if (strcmp(jstr(pp, "individual.reference"), want) == 0)
				part = pp;
		assert_non_null(part);
		assert_string_equal(jstr(part, "period.start"),
		    "2026-11-25T13:05:00Z");
		assert_string_equal(jstr(part, "period.end"),
		    "2026-11-25T13:50:00Z");
		assert_string_equal(jstr(part, "type.1.coding.0.code"), "PPRF");
		assert_int_equal(json_array_size(json_object_get(r,
		    "participant")), 6);
		/* and the records name the chair, by their role */
		expect_record_authors(x);
		json_decref(r);
		json_decref(who);
		json_decref(meeting);
	}
}

/*
 * A meeting opened and closed with no consent recorded sends nothing of
 * its patients; the Encounter an older version sent of one of them (with
 * the NHS number and the name) is withdrawn: entered-in-error, nothing of
 * the patient.
 */
static void
test_undiscussed_nothing_sent(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	char url[512], body[1024], sql[512], uuid[37], nhs[16], name[128];
	json_t *r = NULL;
	int64_t m = x->meeting;
	long status;
	json_t *slot = rows(x, "SELECT s.uuid, p.nhs_number, p.name FROM slots"
	    " s JOIN patients p ON p.id = s.patient_id WHERE s.position = 2");

	mdt_strlcpy(uuid, jstr(slot, "0.uuid"), sizeof(uuid));
	mdt_strlcpy(nhs, jstr(slot, "0.nhs_number"), sizeof(nhs));
	mdt_strlcpy(name, jstr(slot, "0.name"), sizeof(name));
	json_decref(slot);
	assert_int_equal(strlen(uuid), 36);
	snprintf(url, sizeof(url), "%s/Encounter/%s",
	    sx_env("SYNC_TEST_BASE"), uuid);
	snprintf(body, sizeof(body), "{\"resourceType\":\"Encounter\","
	    "\"id\":\"%s\",\"status\":\"planned\",\"class\":{\"system\":"
	    "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":"
	    "\"AMB\"},\"subject\":{\"identifier\":{\"system\":"
	    "\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"%s\"},"
	    "\"display\":\"%s\"}}", uuid, nhs, name);
	status = sx_http("PUT", url, body, &r);
	assert_true(status == 200 || status == 201);
	snprintf(sql, sizeof(sql), "INSERT INTO sync_versions VALUES"
	    " ('Encounter', '%s', '%s', 'older', 1)", uuid,
	    jstr(r, "meta.versionId"));
	json_decref(r);
	sx_exec(x, sql);

	assert_int_equal(mdt_meeting_open(x->s, m), MDT_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(mdt_slot_next(x->s, m, NULL), MDT_OK);
	assert_int_equal(mdt_meeting_close(x->s, m), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	assert_int_equal(st.failed, 0);

	/* the meeting, and the withdrawn Encounter: nothing else */
	assert_int_equal(sx_count_type("Encounter"), 2);
	assert_int_equal(sx_count_type("Composition"), 0);
	assert_int_equal(sx_count_type("Consent"), 0);
	r = get_resource("Encounter", uuid);
	assert_string_equal(jstr(r, "status"), "entered-in-error");
	assert_null(json_object_get(r, "subject"));
	json_decref(r);
	expect_undiscussed_absent(x, 2);
}

/*
 * A row waiting out its own retry (an hour) holds back no other row, and
 * one stamped a year ahead (a clock since put right) is due now: the
 * engine, as the console runs it, sends the rest and waits only for the
 * hour-long one, and says when.
 */
static void
test_future_row_holds_nothing(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	int64_t now = mdt_clock_real(NULL), waiting, stamped;

	sx_chair(x, NULL, NULL);
	waiting = sx_int(x, "SELECT max(id) FROM outbox WHERE entity ="
	    " 'note'");
	stamped = sx_int(x, "SELECT min(id) FROM outbox");
	sx_exec(x, "UPDATE outbox SET next_at = (strftime('%s','now') + 3600)"
	    " * 1000 WHERE id = (SELECT max(id) FROM outbox WHERE entity ="
	    " 'note')");
	sx_exec(x, "UPDATE outbox SET next_at = (strftime('%s','now') + 86400"
	    " * 365) * 1000 WHERE id = (SELECT min(id) FROM outbox)");
	assert_false(sx_sync(x, 10000, &st));
	/* everything but the hour-long one went */
	assert_int_equal(st.pending, 1);
	assert_int_equal(st.failed, 0);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE state"
	    " <> 'sent'"), 1);
	assert_int_equal(sx_int(x, "SELECT id FROM outbox WHERE state"
	    " = 'pending'"), waiting);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE id ="
	    " %lld AND state = 'sent'", (long long)stamped), 1);
	/* and the engine waits for it, saying until when */
	assert_true(st.next_attempt_at > now + 3500 * 1000);
	assert_true(st.next_attempt_at < now + 3700 * 1000);
}

/*
 * A reply over max_response_bytes: the server was reached and may have
 * applied the transaction, so it is said as such (not "cannot reach"),
 * the engine stays online, and the next try with room for the reply
 * delivers everything once.
 */
static void
test_reply_too_big(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	char why[512];
	sqlite3_stmt *q;

	sx_chair(x, NULL, NULL);
	sx_config(x, NULL, NULL, "max_response_bytes = 4096\n");
	assert_false(sx_sync(x, 4000, &st));
	assert_true(st.online);
	assert_true(st.pending > 0);
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s),
	    "SELECT last_error FROM outbox WHERE state = 'pending'"
	    " AND last_error IS NOT NULL LIMIT 1", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(why, sizeof(why), "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	if (strstr(why, "max_response_bytes (4096 bytes)") == NULL)
		fprintf(stderr, "got: %s\n", why);
	assert_non_null(strstr(why, "the central record answered HTTP 200"
	    " but its reply was larger than max_response_bytes (4096 bytes)"));
	assert_null(strstr(why, "cannot reach"));
	/* with room for the reply: everything, once */
	sx_config(x, NULL, NULL, NULL);
	sx_exec(x, "UPDATE outbox SET next_at = 0 WHERE state = 'pending'");
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	check_meeting_on_server(x);
}

static void
test_replay_no_duplicates(void **state)
{
	struct sx *x = *state;
	int64_t before;

	sx_chair(x, NULL, NULL);
	assert_true(sx_sync(x, 30000, NULL));
	/* the same outbox again, as if our record of it were lost */
	sx_exec(x, "UPDATE outbox SET state = 'pending', sent_at = NULL;"
	    " DELETE FROM sync_versions;");
	before = sx_stat("transactions");
	assert_true(sx_sync(x, 30000, NULL));
	assert_true(sx_stat("transactions") > before);
	expect_all_sent(x);
	check_meeting_on_server(x);
	/* and once more with what we know kept: nothing needs sending */
	sx_exec(x, "UPDATE outbox SET state = 'pending', sent_at = NULL");
	before = sx_stat("transactions");
	assert_true(sx_sync(x, 30000, NULL));
	assert_int_equal(sx_stat("transactions"), before);
	expect_all_sent(x);
	check_meeting_on_server(x);
}

static void
test_503_three_times(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	int64_t clean;

	sx_chair(x, NULL, NULL);
	/* how many bundles a clean run takes */
	assert_true(sx_sync(x, 30000, NULL));
	clean = sx_stat("transactions");
	sx_reset_server();
	sx_exec(x, "UPDATE outbox SET state = 'pending', sent_at = NULL,"
	    " attempts = 0; DELETE FROM sync_versions;");
	sx_control("faults", "{\"faults\":[{\"status\":503,\"times\":3}]}");
	assert_true(sx_sync(x, 30000, &st));
	assert_int_equal(sx_stat("transactions"), clean + 3);
	assert_true(sx_int(x, "SELECT max(attempts) FROM outbox") >= 3);
	expect_all_sent(x);
	check_meeting_on_server(x);
}

/* A 200 whose body is not a transaction-response (here an
 * OperationOutcome, the request not applied) confirms nothing: for two
 * seconds of such replies nothing is marked sent, and once the server
 * answers properly everything goes. */
static void
test_200_without_bundle(void **state)
{
	struct sx *x = *state;
	struct sx_run run;
	struct sync_status st;

	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, x->meeting, NULL), MDT_OK);
	sx_control("faults", "{\"faults\":[{\"status\":200,"
	    "\"times\":100000}]}");
	sx_run_start(&run, x->s, x->config);
	assert_false(sx_run_until_idle(&run, 2000));
	sync_engine_status(run.e, &st);
	assert_int_equal(st.sent, 0);
	assert_true(st.pending > 0);
	assert_non_null(strstr(st.last_error, "not a Bundle"));
	assert_true(sx_stat("transactions") >= 2);
	assert_int_equal(sx_stat("resources"), 0);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM sync_versions"), 0);
	sx_control("reset", "{}");
	assert_true(sx_run_until_idle(&run, 30000));
	sx_run_end(&run);
	expect_all_sent(x);
}

static void
test_429_retry_after(void **state)
{
	struct sx *x = *state;
	uint64_t t0, ms;

	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, x->meeting, NULL), MDT_OK);
	sx_control("faults", "{\"faults\":[{\"status\":429,\"retryAfter\":2,"
	    "\"times\":1}]}");
	t0 = uv_hrtime();
	/* retries are fast here (40 ms): only Retry-After can make it wait */
	assert_true(sx_sync(x, 30000, NULL));
	ms = (uv_hrtime() - t0) / 1000000;
	assert_true(ms >= 2000);
	assert_true(ms < 10000);
	assert_int_equal(sx_stat("transactions"), 2);
	expect_all_sent(x);
}

static void
test_drop_after_apply(void **state)
{
	struct sx *x = *state;
	int64_t action;

	sx_chair(x, NULL, NULL);
	/* the first bundle is applied, then the connection is cut */
	sx_control("faults", "{\"faults\":[{\"drop\":\"after\",\"times\":1}]}");
	assert_true(sx_sync(x, 30000, NULL));
	expect_all_sent(x);
	check_meeting_on_server(x);

	/* an update whose reply is lost: retried with the old If-Match,
	 * refused 412, read back, found to be ours: synced, no conflict */
	action = sx_int(x, "SELECT max(id) FROM actions");
	assert_int_equal(mdt_action_set_status(x->s, action,
	    MDT_ACTION_CANCELLED), MDT_OK);
	sx_control("faults", "{\"faults\":[{\"drop\":\"after\",\"times\":1}]}");
	assert_true(sx_sync(x, 30000, NULL));
	expect_all_sent(x);
	check_meeting_on_server(x);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'conflict'"), 0);
}

/* A free port on 127.0.0.1 (nothing listens there once this returns). */
static int
free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Starts another test server on port; returns its pid once it listens. */
static pid_t
start_server(int port, const char *dir)
{
	char portarg[16], portfile[160], cert[160], key[160];
	const char *node = sx_env("SYNC_TEST_NODE");
	const char *script = sx_env("SYNC_TEST_SERVER");
	pid_t pid;
	int i;

	snprintf(portarg, sizeof(portarg), "%d", port);
	snprintf(portfile, sizeof(portfile), "%s/late.port", dir);
	snprintf(cert, sizeof(cert), "%s/server.pem", sx_env("SYNC_TEST_DIR"));
	snprintf(key, sizeof(key), "%s/server.key", sx_env("SYNC_TEST_DIR"));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(node, node, script, "--cert", cert, "--key", key,
		    "--port", portarg, "--port-file", portfile, "--token",
		    sx_env("SYNC_TEST_TOKEN"), (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 300 && access(portfile, F_OK) != 0; i++)
		usleep(100000);
	assert_int_equal(access(portfile, F_OK), 0);
	return pid;
}

struct down_ctx {
	struct sx_run *run;
};

/* Between acts: let the engine try (and fail) as it would in the TUI. */
static void
kick_and_turn(void *ctx)
{
	struct down_ctx *d = ctx;

	sync_engine_kick(d->run->e);
	uv_run(&d->run->loop, UV_RUN_NOWAIT);
}

static void
test_down_then_up(void **state)
{
	struct sx *x = *state;
	struct down_ctx d;
	struct sx_run run;
	struct sync_status st;
	char base[128], control[128];
	char *saved_base, *saved_control;
	int port = free_port(), status;
	json_t *list, *row, *task, *owner, *enc;
	size_t i;
	pid_t pid;

	snprintf(base, sizeof(base), "https://127.0.0.1:%d/fhir/R4", port);
	snprintf(control, sizeof(control), "https://127.0.0.1:%d/__control",
	    port);
	sx_config(x, base, NULL, NULL);
	sx_run_start(&run, x->s, x->config);
	d.run = &run;
	/* the whole meeting with nobody listening */
	sx_chair(x, kick_and_turn, &d);
	assert_false(sx_run_until_idle(&run, 300));
	sync_engine_status(run.e, &st);
	assert_false(st.online);
	assert_true(st.pending > 50);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'sent'"), 0);
	assert_non_null(strstr(st.last_error, "cannot reach"));

	/* the server comes up: everything goes, in order */
	pid = late_server = start_server(port, x->dir);
	saved_base = strdup(sx_env("SYNC_TEST_BASE"));
	saved_control = strdup(sx_env("SYNC_TEST_CONTROL"));
	setenv("SYNC_TEST_BASE", base, 1);
	setenv("SYNC_TEST_CONTROL", control, 1);
	assert_true(sx_run_until_idle(&run, 30000));
	sx_run_end(&run);
	expect_all_sent(x);
	check_meeting_on_server(x);
	/* what a resource refers to reached the server before it */
	list = rows(x, "SELECT a.uuid, o.uuid AS owner, s.uuid AS slot"
	    " FROM actions a JOIN people o ON o.id = a.owner_id"
	    " JOIN slots s ON s.id = a.slot_id");
	json_array_foreach(list, i, row) {
		task = get_resource("Task", jstr(row, "uuid"));
		owner = get_resource("Practitioner", jstr(row, "owner"));
		enc = get_resource("Encounter", jstr(row, "slot"));
		assert_true(strcmp(jstr(owner, "meta.lastUpdated"),
		    jstr(task, "meta.lastUpdated")) <= 0);
		assert_true(strcmp(jstr(enc, "meta.lastUpdated"),
		    jstr(task, "meta.lastUpdated")) <= 0);
		json_decref(task);
		json_decref(owner);
		json_decref(enc);
	}
	json_decref(list);
	setenv("SYNC_TEST_BASE", saved_base, 1);
	setenv("SYNC_TEST_CONTROL", saved_control, 1);
	free(saved_base);
	free(saved_control);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	late_server = 0;
}

/* Refused at the TLS handshake: nothing sent, nothing marked sent. */
static void
expect_tls_refused(struct sx *x, const char *words)
{
	struct sync_status st;
	int64_t requests = sx_stat("requests");

	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	assert_false(sx_sync(x, 1500, &st));
	assert_false(st.online);
	assert_true(st.pending > 0);
	if (strstr(st.last_error, words) == NULL)
		fprintf(stderr, "last error: %s\n", st.last_error);
	assert_non_null(strstr(st.last_error, words));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'sent'"), 0);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM sync_versions"), 0);
	assert_int_equal(sx_stat("requests"), requests);
}

static void
test_wrong_ca(void **state)
{
	struct sx *x = *state;
	char ca[192];

	/* our CA file names another CA than the one that signed the
	 * server's certificate */
	snprintf(ca, sizeof(ca), "%s/other-ca.pem", sx_env("SYNC_TEST_DIR"));
	sx_config(x, NULL, ca, NULL);
	expect_tls_refused(x, "certificate");
}

static void
test_wrong_ca_server(void **state)
{
	struct sx *x = *state;

	/* a server whose certificate another CA signed */
	sx_config(x, sx_env("SYNC_TEST_OTHER_CA_BASE"), NULL, NULL);
	expect_tls_refused(x, "certificate");
}

static void
test_wrong_host(void **state)
{
	struct sx *x = *state;

	/* the right CA, but the certificate names another host */
	sx_config(x, sx_env("SYNC_TEST_WRONG_HOST_BASE"), NULL, NULL);
	expect_tls_refused(x, "127.0.0.1");
}

static void
test_client_certificate(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	char extra[512];

	/* a server that wants a client certificate: without one, refused
	 * at the handshake */
	sx_config(x, sx_env("SYNC_TEST_MTLS_BASE"), NULL, NULL);
	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	assert_false(sx_sync(x, 1500, &st));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'sent'"), 0);
	assert_non_null(strstr(st.last_error, "cannot reach"));
	/* with ours, everything goes */
	snprintf(extra, sizeof(extra), "client_cert = %s/client.pem\n"
	    "client_key = %s/client.key\n", sx_env("SYNC_TEST_DIR"),
	    sx_env("SYNC_TEST_DIR"));
	sx_config(x, sx_env("SYNC_TEST_MTLS_BASE"), NULL, extra);
	sx_exec(x, "UPDATE outbox SET next_at = 0");
	assert_true(sx_sync(x, 30000, &st));
	assert_true(st.online);
	expect_all_sent(x);
}

static void
test_wrong_token(void **state)
{
	struct sx *x = *state;
	struct sync_status st;

	/* the server wants a token we do not have: nothing is marked, the
	 * rows wait, and the reason says what to check */
	sx_write_file(x->token, "not-the-token\n", 0600);
	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	assert_false(sx_sync(x, 1000, &st));
	assert_true(st.online);
	assert_true(st.pending > 0);
	assert_int_equal(st.failed, 0);
	assert_non_null(strstr(st.last_error, "refused our credentials"));
	assert_non_null(strstr(st.last_error, "401"));
	assert_null(strstr(st.last_error, "not-the-token"));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state <> 'pending'"), 0);
	assert_int_equal(sx_count_type("Encounter"), 0);
}

static void
test_invalid_resource(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	char bad[37], why[512];
	sqlite3_stmt *q;

	sx_chair(x, NULL, NULL);
	/* one action with a due date no calendar has (as an old import or
	 * a hand edit could leave) */
	sx_exec(x, "UPDATE actions SET due_date = '2026-13-45' WHERE id ="
	    " (SELECT min(id) + 3 FROM actions)");
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s),
	    "SELECT uuid FROM actions WHERE due_date = '2026-13-45'", -1, &q,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(bad, sizeof(bad), "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);

	/* the rows waiting on it stay pending: not drained */
	assert_false(sx_sync(x, 8000, &st));
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.conflicts, 0);
	/* kept as failed, with the server's words */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'failed' AND entity = 'action' AND entity_uuid = '%s'",
	    bad), 1);
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s),
	    "SELECT last_error FROM outbox WHERE state = 'failed' LIMIT 1",
	    -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(why, sizeof(why), "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	assert_non_null(strstr(why, "refused Task/"));
	assert_non_null(strstr(why, "HTTP 400"));
	assert_non_null(strstr(why, "restriction"));
	/* one refused resource fails only its own row */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'failed'"), 1);
	/* the others went, but not the record that lists it: no dangling
	 * reference on the server */
	assert_int_equal(sx_count_identifier("Task", bad), 0);
	assert_int_equal(sx_count_type("Task"), 10);
	assert_int_equal(sx_count_type("Composition"), 4);
	assert_int_equal(sx_count_type("Consent"), 5);
	/* the rows of that record wait on it, and say so */
	assert_true(sx_int(x, "SELECT count(*) FROM outbox WHERE state ="
	    " 'pending'") > 0);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE state ="
	    " 'pending' AND last_error NOT LIKE 'waiting on Task/%s (the"
	    " central record refused Task/%s: HTTP 400%%'", bad, bad), 0);

	/* mended (a real date) and tried again: everything goes, once */
	sx_exec(x, "UPDATE actions SET due_date = '2026-12-24' WHERE due_date"
	    " = '2026-13-45'");
	sx_exec(x, "UPDATE outbox SET state = 'pending', next_at = 0"
	    " WHERE state IN ('pending', 'failed')");
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	assert_int_equal(sx_count_identifier("Task", bad), 1);
	assert_int_equal(sx_count_type("Composition"), 5);
}

/*
 * Our own earlier write landing late (a request the server applied after
 * the client gave up on it, here the same Task PUT again by hand) moves
 * the server's version on without changing what it says.  The next
 * update's If-Match then fails, the read-back finds what we last had
 * acknowledged, and ours is sent over the new version: delivered, not a
 * conflict.  A change by anyone else stays a conflict (below).
 */
static void
test_late_copy_of_own_write(void **state)
{
	struct sx *x = *state;
	char id[37], url[256];
	sqlite3_stmt *q;
	json_t *task;
	char *body;
	int64_t action;

	sx_chair(x, NULL, NULL);
	assert_true(sx_sync(x, 30000, NULL));
	action = sx_int(x, "SELECT max(id) FROM actions");
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s),
	    "SELECT uuid FROM actions ORDER BY id DESC LIMIT 1", -1, &q,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(id, sizeof(id), "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	task = get_resource("Task", id);
	assert_string_equal(jstr(task, "meta.versionId"), "1");
	json_object_del(task, "meta");
	body = json_dumps(task, 0);
	snprintf(url, sizeof(url), "%s/Task/%s", sx_env("SYNC_TEST_BASE"), id);
	assert_int_equal(sx_http("PUT", url, body, NULL), 200);
	free(body);
	json_decref(task);
	assert_int_equal(mdt_action_set_status(x->s, action,
	    MDT_ACTION_DONE), MDT_OK);
	assert_true(sx_sync(x, 30000, NULL));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state <> 'sent'"), 0);
	task = get_resource("Task", id);
	assert_string_equal(jstr(task, "status"), "completed");
	assert_string_equal(jstr(task, "meta.versionId"), "3");
	json_decref(task);
	assert_int_equal(sx_int(x, "SELECT CAST(version_id AS INTEGER) FROM"
	    " sync_versions WHERE resource_type = 'Task' AND resource_id ="
	    " '%s'", id), 3);
	assert_int_equal(sx_count_identifier("Task", id), 1);
}

static void
test_conflict_not_overwritten(void **state)
{
	struct sx *x = *state;
	char id[37], url[256];
	sqlite3_stmt *q;
	json_t *task;
	char *body;
	int64_t action;

	sx_chair(x, NULL, NULL);
	assert_true(sx_sync(x, 30000, NULL));
	action = sx_int(x, "SELECT max(id) FROM actions");
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s),
	    "SELECT uuid FROM actions ORDER BY id DESC LIMIT 1", -1, &q,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(id, sizeof(id), "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	/* someone else changes the Task on the central record */
	task = get_resource("Task", id);
	json_object_set_new(task, "description", json_string("Changed"
	    " elsewhere"));
	body = json_dumps(task, 0);
	snprintf(url, sizeof(url), "%s/Task/%s", sx_env("SYNC_TEST_BASE"), id);
	assert_int_equal(sx_http("PUT", url, body, NULL), 200);
	free(body);
	json_decref(task);
	/* and the chair changes it here */
	assert_int_equal(mdt_action_set_status(x->s, action,
	    MDT_ACTION_DONE), MDT_OK);
	assert_true(sx_sync(x, 30000, NULL));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'conflict' AND entity_uuid = '%s'", id), 1);
	/* reported, never overwritten */
	task = get_resource("Task", id);
	assert_string_equal(jstr(task, "description"), "Changed elsewhere");
	assert_string_equal(jstr(task, "status"), "requested");
	json_decref(task);

	/* removed on the central record: not quietly made again */
	action = sx_int(x, "SELECT min(id) + 1 FROM actions");
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s),
	    "SELECT uuid FROM actions ORDER BY id LIMIT 1 OFFSET 1", -1, &q,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(id, sizeof(id), "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	snprintf(url, sizeof(url), "%s/Task/%s", sx_env("SYNC_TEST_BASE"), id);
	assert_true(sx_http("DELETE", url, "", NULL) < 300);
	assert_int_equal(mdt_action_set_status(x->s, action,
	    MDT_ACTION_CANCELLED), MDT_OK);
	assert_true(sx_sync(x, 30000, NULL));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'conflict' AND entity_uuid = '%s'", id), 1);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'conflict' AND last_error LIKE '%%no longer on the"
	    " central record%%'"), 1);
	assert_int_equal(sx_count_identifier("Task", id), 0);
}

/*
 * Chairs the meeting and syncs it in bundles of 7, with the server's
 * faults (NULL: none): everything goes, each resource once, in extra
 * transactions more than bundles of 7 hold (the Patients ride along,
 * beyond the 7), or up to slack more: a bundle refused mid-pass goes
 * again in a later pass, whose bundles split as what is ready then.
 */
static void
sync_in_sevens(struct sx *x, const char *faults, int64_t extra,
    int64_t slack)
{
	int64_t full, sent;
	size_t resources;

	sx_config(x, NULL, NULL, "bundle_size = 7\n");
	sx_chair(x, NULL, NULL);
	if (faults != NULL)
		sx_control("faults", faults);
	assert_true(sx_sync(x, 30000, NULL));
	expect_all_sent(x);
	check_meeting_on_server(x);
	resources = sx_count_type("Task") + sx_count_type("Encounter") +
	    sx_count_type("Composition") + sx_count_type("Consent") +
	    sx_count_type("Observation") + sx_count_type("Practitioner") +
	    sx_count_type("PractitionerRole") + sx_count_type("Organization") +
	    sx_count_type("Location");
	assert_true(resources > 14);
	full = (int64_t)((resources + 6) / 7);
	sent = sx_stat("transactions");
	if (sent < full + extra || sent > full + extra + slack)
		fail_msg("%lld transactions for %zu resources in sevens (%lld"
		    " bundles), %lld more expected", (long long)sent,
		    resources, (long long)full, (long long)extra);
}

static void
test_bundle_size(void **state)
{
	sync_in_sevens(*state, NULL, 0, 0);
}

/*
 * A 200 that is not a transaction-response, after a bundle that went:
 * the bundle after it, written while the reply was read, is dropped;
 * nothing of the bundle the reply spoke for is taken as sent; the retry
 * sends what is left, each resource once: one transaction more than the
 * bundles.
 */
static void
test_bad_reply_mid_pass(void **state)
{
	/* the first transaction goes as it should (a millisecond late), the
	 * second is answered 200 with an OperationOutcome, not applied */
	sync_in_sevens(*state, "{\"faults\":[{\"delayMs\":1},"
	    "{\"status\":200}]}", 1, 1);
}

/*
 * A row is sent only once every resource it names is: in bundles of one,
 * the first bundle goes and every later one is refused, so the first
 * person's row (their Practitioner and their PractitionerRole, two
 * bundles) is not sent although its first resource reached the record.
 */
static void
test_row_across_bundles(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	int64_t count = 0;
	json_t *b;

	sx_config(x, NULL, NULL, "bundle_size = 1\n");
	/* everyone's row queued first: each names their Practitioner and
	 * their role */
	b = rows(x, "SELECT id FROM people ORDER BY id");
	for (size_t i = 0; i < json_array_size(b); i++)
		assert_int_equal(mdt_person_set_ids(x->s, atoll(
		    json_string_value(json_object_get(json_array_get(b, i),
		    "id"))), NULL, NULL, ""), MDT_OK);
	json_decref(b);
	sx_chair(x, NULL, NULL);
	sx_control("faults", "{\"faults\":[{\"delayMs\":0},"
	    "{\"status\":422,\"times\":100000}]}");
	(void)sx_sync(x, 5000, &st);
	sx_control("reset", "{}");	/* the faults left, not the data */
	/* one went: the first person's Practitioner; their role (and its
	 * organisation) were refused */
	assert_int_equal(sx_count_type("Practitioner"), 1);
	assert_int_equal(sx_count_type("PractitionerRole"), 0);
	b = search("Practitioner");
	/* the person's row names both: not sent, nor is any other */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE entity = 'person' AND entity_uuid = '%s'"
	    " AND state <> 'sent'", jstr(b, "entry.0.resource.id")), 1);
	json_decref(b);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'sent'"), 0);
	/* sent again once the refusals are mended: each resource once */
	assert_int_equal(mdt_outbox_retry_problems(x->s, &count), MDT_OK);
	assert_true(count > 0);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
}

/* Every thread of libuv's pool held, so that a job queued meanwhile
 * waits for a thread. */
struct pool_hold {
	uv_sem_t started, release;
	uv_work_t *reqs;
	int n, done;
};

static void
hold_work(uv_work_t *req)
{
	struct pool_hold *h = req->data;

	uv_sem_post(&h->started);
	uv_sem_wait(&h->release);
}

static void
hold_done(uv_work_t *req, int status)
{
	struct pool_hold *h = req->data;

	assert_int_equal(status, 0);
	h->done++;
}

static void
pool_hold(struct pool_hold *h, uv_loop_t *loop)
{
	const char *env = getenv("UV_THREADPOOL_SIZE");
	int i;

	/* libuv's own default */
	h->n = env != NULL && atoi(env) > 0 ? atoi(env) : 4;
	h->done = 0;
	h->reqs = calloc((size_t)h->n, sizeof(*h->reqs));
	assert_non_null(h->reqs);
	assert_int_equal(uv_sem_init(&h->started, 0), 0);
	assert_int_equal(uv_sem_init(&h->release, 0), 0);
	for (i = 0; i < h->n; i++) {
		h->reqs[i].data = h;
		assert_int_equal(uv_queue_work(loop, &h->reqs[i], hold_work,
		    hold_done), 0);
	}
	for (i = 0; i < h->n; i++)
		uv_sem_wait(&h->started);
}

static void
pool_release(struct pool_hold *h)
{
	int i;

	for (i = 0; i < h->n; i++)
		uv_sem_post(&h->release);
}

/* Turns the loop until cond(e) holds or 20 s pass; returns cond(e). */
static bool
turn_until(struct sx_run *run, bool (*cond)(struct sync_engine *))
{
	uint64_t deadline = uv_hrtime() + 20000ULL * 1000000;

	while (!cond(run->e) && uv_hrtime() < deadline) {
		uv_run(&run->loop, UV_RUN_NOWAIT);
		usleep(1000);
	}
	return cond(run->e);
}

static bool
engine_busy(struct sync_engine *e)
{
	struct sync_status st;

	sync_engine_status(e, &st);
	return st.busy;
}

static bool
engine_reading(struct sync_engine *e)
{
	return sync_engine_reading(e);
}

/*
 * The engine closed while a 2xx reply waits in the thread pool to be
 * read: the job is dropped with its pass, the loop closes clean (and,
 * under the sanitizers, nothing leaks), and nothing is lost: the rows
 * that reply confirmed stay pending, neither sent nor failed, and go
 * with the next sync, each resource once on the server.
 */
static void
test_close_while_reading(void **state)
{
	struct sx *x = *state;
	struct pool_hold hold;
	struct sync_status st;
	struct sx_run run;
	int64_t rows;

	sx_config(x, NULL, NULL, "bundle_size = 7\n");
	sx_chair(x, NULL, NULL);
	rows = sx_int(x, "SELECT count(*) FROM outbox");
	sx_run_start(&run, x->s, x->config);
	sync_engine_kick(run.e);
	/* the pass built, its first bundle on its way; then no thread
	 * for the reply */
	assert_true(turn_until(&run, engine_busy));
	pool_hold(&hold, &run.loop);
	assert_true(turn_until(&run, engine_reading));
	sync_engine_status(run.e, &st);
	assert_true(st.busy);
	assert_int_equal(st.sent, 0);
	sync_engine_close(run.e);
	pool_release(&hold);
	uv_close((uv_handle_t *)&run.tick, NULL);
	uv_run(&run.loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&run.loop), 0);
	assert_int_equal(hold.done, hold.n);
	uv_sem_destroy(&hold.started);
	uv_sem_destroy(&hold.release);
	free(hold.reqs);
	/* the server has the first bundle; we took nothing as sent */
	assert_int_equal(sx_stat("transactions"), 1);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'pending'"), rows);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM sync_versions"), 0);
	assert_true(sx_sync(x, 30000, NULL));
	expect_all_sent(x);
	check_meeting_on_server(x);
}

static bool
log_synced(struct sync_engine *e)
{
	return sync_engine_log_syncs(e) > 0;
}

/*
 * Rows marked sent are synced to the disk in the thread pool (not left
 * for the chair's next commit): after a sync of the meeting in bundles of
 * 7 (several marks), the log has been synced at least once, the engine
 * closes clean with such a job just done or still out, and everything
 * is sent.
 */
static void
test_log_synced_after_marks(void **state)
{
	struct sx *x = *state;
	struct sx_run run;
	size_t syncs;
	int64_t bundles;

	sx_config(x, NULL, NULL, "bundle_size = 7\n");
	sx_chair(x, NULL, NULL);
	sx_run_start(&run, x->s, x->config);
	assert_true(sx_run_until_idle(&run, 30000));
	/* a job may still be out: wait for one to have come back */
	assert_true(turn_until(&run, log_synced));
	syncs = sync_engine_log_syncs(run.e);
	bundles = sx_stat("transactions");
	sx_run_end(&run);
	expect_all_sent(x);
	assert_true(bundles > 1);
	assert_true(syncs >= 1);
}

/* ---- passes built ahead -------------------------------------------- */

/* Every "reference" string within v, appended to out. */
static void
references_in(json_t *v, json_t *out)
{
	const char *key;
	json_t *w;
	size_t i;

	if (json_is_array(v))
		json_array_foreach(v, i, w)
			references_in(w, out);
	if (!json_is_object(v))
		return;
	json_object_foreach(v, key, w) {
		if (strcmp(key, "reference") == 0 && json_is_string(w))
			json_array_append(out, w);
		else
			references_in(w, out);
	}
}

/* The recorded requests, in the order received: for each, "puts" (the
 * Type/id each entry PUT) and "refs" (the references its resources
 * make). */
static json_t *
recorded_bundles(void)
{
	char url[512];
	json_t *j = NULL, *out = json_array(), *q;
	size_t i;

	snprintf(url, sizeof(url), "%s/record", sx_env("SYNC_TEST_CONTROL"));
	assert_int_equal(sx_http("GET", url, NULL, &j), 200);
	json_array_foreach(json_object_get(j, "requests"), i, q) {
		const char *body = json_string_value(json_object_get(q,
		    "body"));
		json_t *b = body != NULL ? json_loads(body, 0, NULL) : NULL;
		json_t *puts = json_array(), *refs = json_array(), *en;
		size_t k;

		json_array_foreach(json_object_get(b, "entry"), k, en) {
			json_t *rq = json_object_get(en, "request");
			const char *m = json_string_value(json_object_get(rq,
			    "method"));

			if (m != NULL && strcmp(m, "PUT") == 0)
				json_array_append(puts, json_object_get(rq,
				    "url"));
			references_in(json_object_get(en, "resource"), refs);
		}
		json_array_append_new(out, json_pack("{s:o,s:o}", "puts", puts,
		    "refs", refs));
		json_decref(b);
	}
	json_decref(j);
	return out;
}

/* True if the string v is in the array a. */
static bool
has_string(json_t *a, json_t *v)
{
	size_t i;
	json_t *w;

	json_array_foreach(a, i, w)
		if (json_equal(v, w))
			return true;
	return false;
}

/*
 * Checks the recorded bundles (refused: the index of one refused and not
 * applied, or -1): no resource is PUT twice but the refused bundle's,
 * each of which is PUT once more later, and the one after it if it went
 * with the refusal (its reply, after a refusal, is not taken); and a
 * reference to a resource we PUT is only made by a bundle after the one
 * that PUT it went (or by that bundle itself).
 */
static void
check_recorded(json_t *bundles, long refused)
{
	json_t *went = json_array(), *all = json_array(), *b, *v;
	json_t *next = refused >= 0 ? json_object_get(json_array_get(bundles,
	    (size_t)refused + 1), "puts") : NULL;
	size_t i, k;

	json_array_foreach(bundles, i, b)
		if ((long)i != refused)
			json_array_extend(all, json_object_get(b, "puts"));
	json_array_foreach(bundles, i, b) {
		json_t *puts = json_object_get(b, "puts");

		json_array_foreach(json_object_get(b, "refs"), k, v)
			if (has_string(all, v) && !has_string(went, v) &&
			    !has_string(puts, v))
				fail_msg("request %zu refers to %s before it"
				    " went", i + 1, json_string_value(v));
		if ((long)i == refused)
			continue;
		json_array_foreach(puts, k, v) {
			if (has_string(went, v) && (next == NULL ||
			    !has_string(next, v)))
				fail_msg("%s sent twice (request %zu)",
				    json_string_value(v), i + 1);
			json_array_append(went, v);
		}
	}
	if (refused >= 0)
		json_array_foreach(json_object_get(json_array_get(bundles,
		    (size_t)refused), "puts"), k, v)
			if (!has_string(went, v))
				fail_msg("%s refused and not sent again",
				    json_string_value(v));
	json_decref(went);
	json_decref(all);
}

/* Queues n actions in bundles of 10 (passes of 50 rows), records what
 * the server receives (*bundles, as recorded_bundles) and syncs; how
 * many passes were built ahead.  Every action reaches the record once. */
static size_t
drain_recorded(struct sx *x, int n, const char *faults, json_t **bundles)
{
	struct sx_run run;
	size_t ahead;

	sx_config(x, NULL, NULL, "bundle_size = 10\n");
	sx_queue_actions(x, n);
	sx_control("record", "{\"on\":true}");
	if (faults != NULL)
		sx_control("faults", faults);
	sx_run_start(&run, x->s, x->config);
	assert_true(sx_run_until_idle(&run, 60000));
	ahead = sync_engine_passes_ahead(run.e);
	sx_run_end(&run);
	*bundles = recorded_bundles();
	sx_control("record", "{\"on\":false}");
	expect_all_sent(x);
	assert_int_equal(sx_count_type("Task"), sx_int(x, "SELECT"
	    " count(DISTINCT entity_uuid) FROM outbox WHERE entity = 'action'"));
	return ahead;
}

/*
 * A long queue: each pass after the first is built while the one before
 * is sent, and goes as soon as that one is answered.  It takes none of
 * that pass's rows, so every resource is sent once, and nothing refers
 * to a resource before it went.
 */
static void
test_pass_built_ahead(void **state)
{
	json_t *bundles;

	assert_true(drain_recorded(*state, 160, NULL, &bundles) >= 1);
	assert_true(json_array_size(bundles) > 5);
	check_recorded(bundles, -1);
	json_decref(bundles);
}

/*
 * A bundle refused for a while (503) at each place in the first passes,
 * the last of a pass among them, while the next pass is built ahead:
 * everything goes in the end, each resource once, and nothing refers to
 * a resource of the refused bundle before that resource went again.
 * Then the same with a 200 that is not a transaction-response (nothing
 * applied): the bundle after it may have gone with that reply, before it
 * was read, but refers to nothing the refused one held.
 */
static void
test_pass_ahead_dropped(void **state)
{
	struct sx *x = *state;
	char faults[512];
	int k;

	/* requests 2-8 refused with a 503, then 1-8 answered 200 */
	for (k = 2; k <= 16; k++) {
		int at = k <= 8 ? k : k - 8;
		json_t *bundles;
		size_t i;
		int len;

		if (k > 2) {
			sx_free(x);
			sx_reset_server();
			x = *state = sx_new();
		}
		len = snprintf(faults, sizeof(faults), "{\"faults\":[");
		for (i = 1; i < (size_t)at; i++)
			len += snprintf(faults + len, sizeof(faults) -
			    (size_t)len, "{\"delayMs\":0},");
		snprintf(faults + len, sizeof(faults) - (size_t)len,
		    "{\"status\":%d}]}", k <= 8 ? 503 : 200);
		(void)drain_recorded(x, 160, faults, &bundles);
		assert_true(json_array_size(bundles) > (size_t)at);
		check_recorded(bundles, at - 1);
		json_decref(bundles);
	}
}

/* The thread pool kept busy, once the first rows are marked sent, till
 * the drain ends: a reply's reading waits its turn behind 20 ms pieces
 * of work, and the reply to the bundle that went with it comes first. */
struct pool_block {
	struct sx_run *run;
	uv_timer_t t;
	uv_work_t w[16];
	int queued, back;
	bool stop;
};

static void
on_block(uv_work_t *w)
{
	(void)w;
	usleep(20000);
}

static void
on_blocked(uv_work_t *w, int status)
{
	struct pool_block *b = w->data;

	(void)status;
	if (!b->stop && uv_queue_work(w->loop, w, on_block, on_blocked) == 0)
		return;
	b->back++;
}

static void
on_block_tick(uv_timer_t *t)
{
	struct pool_block *b = t->data;
	struct sync_status st;
	int i;

	sync_engine_status(b->run->e, &st);
	if (st.sent == 0)
		return;
	uv_timer_stop(t);
	/* more than the pool has threads (4 unless UV_THREADPOOL_SIZE) */
	for (i = 0; i < 16; i++) {
		b->w[i].data = b;
		if (uv_queue_work(&b->run->loop, &b->w[i], on_block,
		    on_blocked) == 0)
			b->queued++;
	}
}

/*
 * A reply that comes while the one before it is still being read (the
 * thread pool busy): it went with that reply, and is taken once that one
 * is recorded, in order.  Every resource goes once, nothing refers to one
 * before it went, and every action reaches the record once.
 */
static void
test_reply_while_read(void **state)
{
	struct sx *x = *state;
	struct pool_block b;
	struct sx_run run;
	json_t *bundles;

	memset(&b, 0, sizeof(b));
	/* passes of ten bundles: the reading held up early in the first
	 * leaves several to go with their replies */
	sx_config(x, NULL, NULL, "bundle_size = 5\n");
	sx_queue_actions(x, 100);
	sx_control("record", "{\"on\":true}");
	sx_run_start(&run, x->s, x->config);
	b.run = &run;
	uv_timer_init(&run.loop, &b.t);
	b.t.data = &b;
	uv_timer_start(&b.t, on_block_tick, 1, 1);
	assert_true(sx_run_until_idle(&run, 60000));
	assert_int_equal(b.queued, 16);
	b.stop = true;
	while (b.back < b.queued)
		uv_run(&run.loop, UV_RUN_ONCE);
	assert_true(sync_engine_held_replies(run.e) >= 1);
	uv_close((uv_handle_t *)&b.t, NULL);
	sx_run_end(&run);
	bundles = recorded_bundles();
	sx_control("record", "{\"on\":false}");
	check_recorded(bundles, -1);
	json_decref(bundles);
	expect_all_sent(x);
	assert_int_equal(sx_count_type("Task"), sx_int(x, "SELECT"
	    " count(DISTINCT entity_uuid) FROM outbox WHERE entity = 'action'"));
}

struct hang_probe {
	uint64_t last, worst;
	int ticks;
};

static void
on_probe(uv_timer_t *t)
{
	struct hang_probe *p = t->data;
	uint64_t now = uv_hrtime();

	if (p->last != 0 && now - p->last > p->worst)
		p->worst = now - p->last;
	p->last = now;
	if (++p->ticks >= 100)
		uv_stop(t->loop);
}

static void
test_hung_server_never_blocks(void **state)
{
	struct sx *x = *state;
	struct hang_probe p = { 0, 0, 0 };
	struct sync_status st;
	struct sx_run run;
	uv_timer_t probe;

	sx_chair(x, NULL, NULL);
	sx_control("faults", "{\"faults\":[{\"hang\":true}]}");
	sx_run_start(&run, x->s, x->config);
	sync_engine_kick(run.e);
	uv_timer_init(&run.loop, &probe);
	probe.data = &p;
	uv_timer_start(&probe, on_probe, 10, 10);
	uv_run(&run.loop, UV_RUN_DEFAULT);
	sync_engine_status(run.e, &st);
	assert_true(st.busy);
	/* the loop kept turning every 10 ms while the request hung */
	assert_true(p.worst < 100 * 1000000ULL);
	uv_close((uv_handle_t *)&probe, NULL);
	sx_run_end(&run);	/* the hung transfer is dropped cleanly */
	sx_control("reset", "{}");
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'sent'"), 0);
}

static void
test_probe_and_send_now(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	struct sx_run run;
	uint64_t t0;

	/* nothing to send: a look at the server's metadata says online */
	sx_run_start(&run, x->s, x->config);
	assert_true(sx_run_until_idle(&run, 10000));
	sync_engine_status(run.e, &st);
	assert_true(st.online);
	assert_int_equal(st.pending, 0);
	assert_int_equal(sx_stat("transactions"), 0);
	/* told to wait 30 s, then asked to send now: it goes at once */
	sx_control("faults", "{\"faults\":[{\"status\":429,"
	    "\"retryAfter\":30,\"times\":1}]}");
	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	/* never idle; looked at until the server's answer is in, however
	 * slow the machine (a sanitizer build under load) */
	for (int i = 0; i < 100; i++) {
		assert_false(sx_run_until_idle(&run, 100));
		sync_engine_status(run.e, &st);
		if (st.next_attempt_at != 0)
			break;
	}
	assert_true(st.next_attempt_at > mdt_clock_real(NULL) + 20000);
	assert_non_null(strstr(st.last_error, "Retry-After 30"));
	t0 = uv_hrtime();
	sync_engine_send_now(run.e);
	assert_true(sx_run_until_idle(&run, 10000));
	assert_true(uv_hrtime() - t0 < 5000ULL * 1000000);
	sync_engine_status(run.e, &st);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.next_attempt_at, 0);
	sx_run_end(&run);
	expect_all_sent(x);
}

/* For the command-line cases: a database holding a chaired meeting. */
static int
make_db(const char *path)
{
	struct mdt_clock clock = { mdt_clock_real, NULL };
	struct sx x;
	char err[256];

	memset(&x, 0, sizeof(x));
	if (mdt_store_open(path, &clock, MDT_OPEN_CREATE, &x.s, err,
	    sizeof(err)) != MDT_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (mdt_demo_create(x.s, &x.meeting) != MDT_OK)
		return 1;
	sx_chair(&x, NULL, NULL);
	mdt_store_free(x.s);
	return 0;
}

/* The resource of kind for a record's uuid, read back from the server. */
static json_t *
get_ref(enum sync_kind kind, const char *uuid)
{
	struct sync_ref ref;
	char id[37];

	ref.kind = kind;
	mdt_strlcpy(ref.uuid, uuid, sizeof(ref.uuid));
	sync_ref_id(&ref, id);
	return get_resource(sync_kind_type(kind), id);
}

/*
 * Corrections reach the central record with the statuses FHIR gives them:
 * an outcome changed goes again as amended, withdrawn as entered in error
 * (built from what the correction kept, the outcome gone from the store);
 * a withdrawn action's Task as entered in error; corrected consent with
 * its new basis; the discussion record with the notes as they now are,
 * saying that one was corrected and one withdrawn (who, when), never the
 * withdrawn text.  A death recorded without consent is discussed: its
 * Observation (with the date of death), Encounter and record are sent,
 * and no Consent.
 */
static void
test_corrections_reach_record(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	int64_t m = x->meeting, s1, s2, n_keep = 0, n_gone = 0, act = 0;
	int64_t owner = sx_person(x, "Ade Okonkwo");
	char u1[37], u2[37], o1[37], o2[37], a1[37], c1[37], sql[256];
	json_t *r, *l;
	const char *div;

	assert_int_equal(mdt_meeting_open(x->s, m), MDT_OK);
	assert_int_equal(mdt_attendance_set(x->s, m, owner,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, m, &s1), MDT_OK);
	assert_int_equal(mdt_consent_record(x->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_note_add(x->s, s1, "Lives with her son",
	    &n_keep), MDT_OK);
	assert_int_equal(mdt_note_add(x->s, s1, "WRONG PATIENT: sectioned",
	    &n_gone), MDT_OK);
	assert_int_equal(mdt_action_add(x->s, s1, "Fals referal", owner, "+7",
	    &act), MDT_OK);
	assert_int_equal(mdt_outcome_record(x->s, s1, MDT_OUTCOME_CLOSE,
	    NULL), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, m, &s2), MDT_OK);
	assert_int_equal(mdt_death_record(x->s, s2, "2026-11-20"), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	l = rows(x, "SELECT s.uuid AS u, o.uuid AS o, c.uuid AS c FROM slots s"
	    " LEFT JOIN outcomes o ON o.slot_id = s.id"
	    " LEFT JOIN consent c ON c.slot_id = s.id WHERE s.position <= 2"
	    " ORDER BY s.position");
	mdt_strlcpy(u1, jstr(l, "0.u"), sizeof(u1));
	mdt_strlcpy(o1, jstr(l, "0.o"), sizeof(o1));
	mdt_strlcpy(c1, jstr(l, "0.c"), sizeof(c1));
	mdt_strlcpy(u2, jstr(l, "1.u"), sizeof(u2));
	mdt_strlcpy(o2, jstr(l, "1.o"), sizeof(o2));
	json_decref(l);
	snprintf(sql, sizeof(sql), "SELECT uuid AS a FROM actions WHERE id ="
	    " %lld", (long long)act);
	l = rows(x, sql);
	mdt_strlcpy(a1, jstr(l, "0.a"), sizeof(a1));
	json_decref(l);

	/* the death without consent: discussed, no Consent */
	r = get_ref(SYNC_OUTCOME, o2);
	assert_string_equal(jstr(r, "status"), "final");
	assert_string_equal(jstr(r, "valueCodeableConcept.coding.0.code"),
	    "died");
	/* and SNOMED CT's Dead (finding) beside it */
	assert_string_equal(jstr(r, "valueCodeableConcept.coding.1.system"),
	    "http://snomed.info/sct");
	assert_string_equal(jstr(r, "valueCodeableConcept.coding.1.code"),
	    "419099009");
	assert_string_equal(jstr(r, "component.0.code.coding.0.code"),
	    "date-of-death");
	assert_string_equal(jstr(r, "component.0.valueDateTime"),
	    "2026-11-20");
	json_decref(r);
	r = get_ref(SYNC_DISCUSSION, u2);
	assert_string_not_equal(jstr(r, "status"), "entered-in-error");
	assert_non_null(json_object_get(r, "subject"));
	json_decref(r);
	r = get_ref(SYNC_RECORD, u2);
	assert_string_equal(jstr(r, "status"), "preliminary");
	assert_non_null(strstr(jstr(r, "section.0.text.div"),
	    "the patient has died"));
	json_decref(r);
	assert_int_equal(sx_count_type("Consent"), 1);

	/* corrected on the console */
	assert_int_equal(mdt_note_edit(x->s, n_keep, "Lives with her"
	    " daughter"), MDT_OK);
	assert_int_equal(mdt_note_withdraw(x->s, n_gone), MDT_OK);
	assert_int_equal(mdt_action_edit(x->s, act, "Falls referral"), MDT_OK);
	assert_int_equal(mdt_outcome_record(x->s, s1, MDT_OUTCOME_STEP_DOWN,
	    NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(x->s, s1,
	    MDT_CONSENT_BEST_INTERESTS, "Lacks capacity today", NULL, 0),
	    MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	assert_int_equal(st.failed, 0);

	r = get_ref(SYNC_OUTCOME, o1);
	assert_string_equal(jstr(r, "status"), "amended");
	assert_string_equal(jstr(r, "valueCodeableConcept.coding.0.code"),
	    "step-down");
	json_decref(r);
	r = get_ref(SYNC_CONSENT, c1);
	assert_string_equal(jstr(r, "policyRule.coding.0.code"),
	    "best-interests");
	json_decref(r);
	r = get_ref(SYNC_TASK, a1);
	assert_string_equal(jstr(r, "description"), "Falls referral");
	json_decref(r);
	r = get_ref(SYNC_RECORD, u1);
	div = jstr(r, "section.1.text.div");
	assert_non_null(strstr(div, "Lives with her daughter"));
	assert_null(strstr(div, "Lives with her son"));
	assert_null(strstr(div, "WRONG PATIENT"));
	assert_non_null(strstr(div, "A note was corrected on"));
	assert_non_null(strstr(div, "A note was withdrawn (entered in error)"
	    " on"));
	assert_non_null(strstr(div, "by sync-test"));
	assert_non_null(strstr(jstr(r, "section.2.text.div"), "An outcome was"
	    " corrected"));
	json_decref(r);

	/* withdrawn: the outcome (gone from the store) and the action */
	assert_int_equal(mdt_outcome_withdraw(x->s, s1), MDT_OK);
	assert_int_equal(mdt_action_withdraw(x->s, act), MDT_OK);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outcomes"
	    " WHERE slot_id = %lld", (long long)s1), 0);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	r = get_ref(SYNC_OUTCOME, o1);
	assert_string_equal(jstr(r, "status"), "entered-in-error");
	json_decref(r);
	r = get_ref(SYNC_TASK, a1);
	assert_string_equal(jstr(r, "status"), "entered-in-error");
	json_decref(r);
	r = get_ref(SYNC_RECORD, u1);
	assert_null(json_object_get(json_array_get(json_object_get(r,
	    "section"), 4), "entry"));
	assert_non_null(strstr(jstr(r, "section.4.text.div"), "An action was"
	    " withdrawn"));
	assert_null(strstr(jstr(r, "section.4.text.div"), "Falls referral"));
	json_decref(r);
	expect_once("Observation", o1);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_reader_patient_by_nhs_number, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_reader_consent_and_meetings, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_consent_asked_reaches_record, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_referral_reaches_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_team_actions,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_care_teams,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_deaths_between_meetings,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rising_risk_flags,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_careplan_goals,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_quarter_meetings,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_owns_patients,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_older_records_reshaped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_whole_meeting, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_undiscussed_nothing_sent,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrections_reach_record,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_future_row_holds_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_too_big,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_no_duplicates,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_503_three_times, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_200_without_bundle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_429_retry_after, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_drop_after_apply, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_down_then_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_ca, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_ca_server, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_host, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_client_certificate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_token, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_invalid_resource, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_late_copy_of_own_write,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict_not_overwritten,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_row_across_bundles, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bundle_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_reply_mid_pass, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_while_reading,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_synced_after_marks,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_built_ahead,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_while_read,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_ahead_dropped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hung_server_never_blocks,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_and_send_now, setup,
		    teardown),
	};

	setenv("TZ", "UTC", 1);
	if (argc == 3 && strcmp(argv[1], "--make-db") == 0)
		return make_db(argv[2]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	main_base = strdup(sx_env("SYNC_TEST_BASE"));
	main_control = strdup(sx_env("SYNC_TEST_CONTROL"));
	/* one case, or those its pattern names ("test_corr*") */
	if (getenv("SYNC_TEST_ONLY") != NULL)
		cmocka_set_test_filter(getenv("SYNC_TEST_ONLY"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
