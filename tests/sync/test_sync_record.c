/*
 * test_sync_record.c - what the sync engine writes to a real FHIR R4
 * server (the test server in tests/fhir, which validates every write
 * against the R4 definitions, over HTTPS with a test CA on 127.0.0.1), as
 * the record's readers find it with standard searches: a GP with an NHS
 * number, a team lead with the team's actions and care teams, deaths
 * between meetings, rising-risk flags, a joined-up plan's goals, consent
 * and the meetings of a quarter, consent asked, a referral, and a record
 * that owns its patients (referred to by NHS number).  Run by
 * tests/sync/run.sh, which starts the servers.
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "readback.h"

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

int
main(void)
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
	};

	sx_cases_start();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
