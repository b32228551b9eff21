/*
 * fhir_people.c - the people of the record: a person of the team as
 * Practitioner, their role in their organisation as PractitionerRole, the
 * organisation as Organization, a team and the network's MDT as
 * CareTeam, a venue as Location, the patient as the Patient to be
 * created only if the record holds none with the NHS number, a death
 * recorded between meetings as an Observation and a stay on the
 * rising-risk register as a Flag (docs/fhir-mapping.md).
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "fhir.h"
#include "fhir_json.h"
#include "mdt.h"
#include "narrative.h"
#include "text.h"

/* value in the narrative after before, unless value is "". */
static void
part(struct sync_buf *b, const char *before, const char *value)
{
	if (value[0] == '\0')
		return;
	sync_buf_str(b, before);
	sync_narrative_text(b, value);
}

/* The narrative of r: one line, "a, b, c", the blank ones left out. */
static void
said(json_t *r, const char *a, const char *b, const char *c)
{
	struct sync_buf nb;

	sync_narrative_open(&nb);
	sync_buf_str(&nb, "<p>");
	sync_narrative_text(&nb, a);
	part(&nb, ", ", b);
	part(&nb, ", ", c);
	sync_buf_str(&nb, "</p>");
	json_object_set_new(r, "text", sync_narrative(&nb));
}

/* The systems of identifiers on the NHS's registers: a person's, an
 * organisation's. */
static const struct {
	const char *body, *system;
} registers[] = {
	{ "gmc", "https://fhir.hl7.org.uk/Id/gmc-number" },
	{ "nmc", "https://fhir.hl7.org.uk/Id/nmc-number" },
	{ "hcpc", "https://fhir.hl7.org.uk/Id/hcpc-number" },
	{ "sds", "https://fhir.nhs.uk/Id/sds-user-id" },
	{ "ods", "https://fhir.nhs.uk/Id/ods-organization-code" },
};

/* Adds to r's identifiers value in the system of register body. */
static void
add_identifier(json_t *r, const char *body, const char *value)
{
	size_t i;

	for (i = 0; i < sizeof(registers) / sizeof(registers[0]); i++)
		if (value[0] != '\0' && strcmp(registers[i].body, body) == 0)
			json_array_append_new(json_object_get(r, "identifier"),
			    json_pack("{s:s, s:o}", "system",
			    registers[i].system, "value", fhir_str(value)));
}

/*
 * The resource of ref built by fill from a row of sql: with id_of, the
 * first row whose column 0, a name, gives ref's id (the store keeps the
 * names of organisations and venues, not ids; there are tens of them);
 * without, the one row of ref's record (its uuid bound as ?1).  NULL with
 * "no WHAT ..." in err if there is none.
 */
static json_t *
build_from(sqlite3 *db, const struct sync_ref *ref, const char *sql,
    bool (*id_of)(const char *, char *), const char *what,
    fhir_fill_fn fill, sync_ref_fn dep, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_t *r = NULL;
	char id[37];

	if (id_of == NULL)
		return fhir_build_row(db, ref, sql, what, fill, dep, ctx, err,
		    errlen);
	st = fhir_query(db, sql, NULL, err, errlen);
	while (r == NULL && st != NULL && sqlite3_step(st) == SQLITE_ROW)
		if (id_of(fhir_col(st, 0), id) && strcmp(id, ref->uuid) == 0) {
			r = fhir_resource(ref);
			fill(r, st, dep, ctx);
		}
	if (st != NULL && r == NULL)
		mdt_set_err(err, errlen, "no %s %s", what, ref->uuid);
	fhir_done(st);
	return r;
}

/* A person (columns: name, registration body and number, SDS user id):
 * their name, and who they are on the NHS's registers when recorded. */
static void
fill_practitioner(json_t *r, sqlite3_stmt *st, sync_ref_fn dep, void *ctx)
{
	add_identifier(r, fhir_col(st, 1), fhir_col(st, 2));
	add_identifier(r, "sds", fhir_col(st, 3));
	json_object_set_new(r, "active", json_true());
	json_object_set_new(r, "name", json_pack("[{s:o}]", "text",
	    fhir_str(fhir_col(st, 0))));
	said(r, fhir_col(st, 0), "", "");
}

/*
 * A person's role in their organisation (columns: name, role,
 * organisation, the person's uuid): the Practitioner, the Organization
 * (when the person has one) and the role as text.  An action's owner is
 * this role, so that the record can be asked for the actions of an
 * organisation or of a role within it.
 */
static void
fill_role(json_t *r, sqlite3_stmt *st, sync_ref_fn dep, void *ctx)
{
	char org[37];

	json_object_set_new(r, "active", json_true());
	json_object_set_new(r, "practitioner", fhir_ref_to(SYNC_PRACTITIONER,
	    fhir_col(st, 3), fhir_col(st, 0), dep, ctx));
	if (mdt_org_uuid(fhir_col(st, 2), org))
		json_object_set_new(r, "organization", fhir_ref_to(
		    SYNC_ORGANIZATION, org, fhir_col(st, 2), dep, ctx));
	if (fhir_col(st, 1)[0] != '\0')
		json_object_set_new(r, "code", json_pack("[{s:o}]", "text",
		    fhir_str(fhir_col(st, 1))));
	said(r, fhir_col(st, 0), fhir_col(st, 1), fhir_col(st, 2));
}

/* An organisation: its name and ODS code (columns 0, 1). */
static void
fill_organization(json_t *r, sqlite3_stmt *st, sync_ref_fn dep, void *ctx)
{
	add_identifier(r, "ods", fhir_col(st, 1));
	json_object_set_new(r, "active", json_true());
	json_object_set_new(r, "name", fhir_str(fhir_col(st, 0)));
	said(r, fhir_col(st, 0), "", "");
}

/*
 * A venue (columns 0 to 2: name, address, whether an organisation has its
 * name): managed by the organisation of the same name when there is one
 * (a practice hosting the meeting).
 */
static void
fill_location(json_t *r, sqlite3_stmt *st, sync_ref_fn dep, void *ctx)
{
	char org[37];

	json_object_set_new(r, "status", json_string("active"));
	json_object_set_new(r, "name", fhir_str(fhir_col(st, 0)));
	if (fhir_col(st, 1)[0] != '\0')
		json_object_set_new(r, "address", json_pack("{s:o}", "text",
		    fhir_str(fhir_col(st, 1))));
	if (fhir_coli(st, 2) != 0 && mdt_org_uuid(fhir_col(st, 0), org))
		json_object_set_new(r, "managingOrganization", fhir_ref_to(
		    SYNC_ORGANIZATION, org, fhir_col(st, 0), dep, ctx));
	said(r, fhir_col(st, 0), fhir_col(st, 1), "");
}

/*
 * A team an action is given to, or the network's multidisciplinary team
 * (columns: name, organisation, kind): a CareTeam managed by the
 * organisation when it has one, which is also its participant, so that
 * R4's search (participant, not managingOrganization, is a search
 * parameter) finds an organisation's teams.  The network's is the
 * longitudinal care-coordination team whose members are everyone else
 * known: each person by their role, each team by its CareTeam.
 */
static void
fill_team(json_t *r, sqlite3_stmt *st, sync_ref_fn dep, void *ctx)
{
	bool network = strcmp(fhir_col(st, 2), "network") == 0;
	sqlite3_stmt *m = NULL;
	json_t *members;
	char org[37], err[256];

	json_object_set_new(r, "status", json_string("active"));
	if (network)
		json_object_set_new(r, "category", json_pack("[o]",
		    fhir_concept("http://loinc.org", "LA28865-6",
		    "Longitudinal care-coordination focused care team",
		    NULL)));
	json_object_set_new(r, "name", fhir_str(fhir_col(st, 0)));
	members = json_array();
	if (mdt_org_uuid(fhir_col(st, 1), org)) {
		json_object_set_new(r, "managingOrganization", json_pack("[o]",
		    fhir_ref_to(SYNC_ORGANIZATION, org, fhir_col(st, 1), dep,
		    ctx)));
		json_array_append_new(members, json_pack("{s:o}", "member",
		    fhir_ref_to(SYNC_ORGANIZATION, org, fhir_col(st, 1), dep,
		    ctx)));
	}
	said(r, fhir_col(st, 0), network ? "the network's multidisciplinary"
	    " team" : "team", fhir_col(st, 1));
	if (network)
		m = fhir_query(sqlite3_db_handle(st), "SELECT uuid, name,"
		    " kind = 'team' FROM people WHERE kind <> 'network'"
		    " ORDER BY id", NULL, err, sizeof(err));
	while (m != NULL && sqlite3_step(m) == SQLITE_ROW)
		json_array_append_new(members, json_pack("{s:o}", "member",
		    fhir_ref_to(sqlite3_column_int(m, 2) != 0 ? SYNC_TEAM :
		    SYNC_ROLE, fhir_col(m, 0), fhir_col(m, 1), dep, ctx)));
	fhir_done(m);
	if (json_array_size(members) > 0)
		json_object_set_new(r, "participant", members);
	else
		json_decref(members);
}

/*
 * A death recorded between meetings: an Observation of the patient, coded
 * as the death in a slot is (mdtchair's outcome "died" and SNOMED CT Dead),
 * effective on the day of death, with the place and whether it was
 * expected as components.  mdtchair never updates the record's Patient
 * (it only creates one that is missing), so the death is said here.
 */
static void
fill_death(json_t *r, sqlite3_stmt *st, sync_ref_fn dep, void *ctx)
{
	json_t *comp;

	json_object_set_new(r, "status", json_string("final"));
	json_object_set_new(r, "code", fhir_concept(MDT_CS "mdt-observation",
	    "mdt-outcome", "Outcome of a multidisciplinary team discussion",
	    "Death recorded between meetings"));
	json_object_set_new(r, "subject", fhir_patient_ref(fhir_col(st, 3),
	    fhir_col(st, 4), fhir_col(st, 5), dep, ctx));
	json_object_set_new(r, "effectiveDateTime", fhir_str(fhir_col(st, 0)));
	json_object_set_new(r, "valueCodeableConcept", fhir_concept(
	    MDT_CS "mdt-outcome", "died", "Died", "Died"));
	json_array_append_new(json_object_get(json_object_get(r,
	    "valueCodeableConcept"), "coding"), fhir_coding(SNOMED,
	    "419099009", "Dead"));
	comp = json_array();
	if (fhir_col(st, 1)[0] != '\0')
		json_array_append_new(comp, json_pack("{s:{s:[o], s:s}, s:s}",
		    "code", "coding", fhir_coding(MDT_CS "mdt-observation",
		    "place-of-death", "Place of death"), "text",
		    "Place of death", "valueString", fhir_col(st, 1)));
	if (fhir_coli(st, 2) >= 0)
		json_array_append_new(comp, json_pack("{s:{s:[o], s:s}, s:b}",
		    "code", "coding", fhir_coding(MDT_CS "mdt-observation",
		    "death-expected", "Death expected"), "text",
		    "Death expected", "valueBoolean", fhir_coli(st, 2) == 1));
	if (json_array_size(comp) > 0)
		json_object_set_new(r, "component", comp);
	else
		json_decref(comp);
	said(r, "Died", fhir_col(st, 0), fhir_col(st, 1)[0] != '\0' ?
	    fhir_col(st, 1) : "");
}

/*
 * A stay on the rising-risk register: a Flag on the patient, clinical,
 * "Rising risk: monitored by the integrated network", active from the day
 * they were added until it ended (removed, taken onto the caseload, closed,
 * died), then inactive with the period's end.  The reason is said in the
 * narrative only: the Flag's reader needs to know whom to ask.
 */
static void
fill_flag(json_t *r, sqlite3_stmt *st, sync_ref_fn dep, void *ctx)
{
	bool active = fhir_col(st, 1)[0] == '\0';
	json_t *period;

	json_object_set_new(r, "status", json_string(active ? "active" :
	    "inactive"));
	json_object_set_new(r, "category", json_pack("[o]", fhir_concept(
	    "http://terminology.hl7.org/CodeSystem/flag-category", "clinical",
	    "Clinical", "Clinical")));
	json_object_set_new(r, "code", fhir_concept(MDT_CS "mdt-flag",
	    "rising-risk", "Rising risk", "Rising risk: monitored by the"
	    " integrated network"));
	json_object_set_new(r, "subject", fhir_patient_ref(fhir_col(st, 2),
	    fhir_col(st, 3), fhir_col(st, 4), dep, ctx));
	period = json_pack("{s:o}", "start", fhir_str(fhir_col(st, 0)));
	if (!active)
		json_object_set_new(period, "end", fhir_str(fhir_col(st, 1)));
	json_object_set_new(r, "period", period);
	said(r, "Rising risk", fhir_col(st, 5), fhir_col(st, 6));
}

/* How each of them is read and built: its query, how its id is made
 * from its name (NULL: its record's uuid is ?1), what it is called in a
 * message, and its fill. */
static const struct {
	enum sync_kind kind;
	const char *sql;
	bool (*id_of)(const char *, char *);
	const char *what;
	fhir_fill_fn fill;
} people[] = {
	{ SYNC_PRACTITIONER, "SELECT name, coalesce(registration_body, ''),"
	    " coalesce(registration_number, ''), coalesce(sds_user_id, '')"
	    " FROM people WHERE uuid = ?1", NULL, "person",
	    fill_practitioner },
	{ SYNC_ROLE, "SELECT name, role, organisation, uuid FROM people"
	    " WHERE uuid = ?1", NULL, "person", fill_role },
	{ SYNC_ORGANIZATION, "SELECT n.name, coalesce(o.ods_code, '')"
	    " FROM (SELECT organisation AS name FROM people UNION SELECT"
	    " practice FROM patients WHERE practice IS NOT NULL UNION SELECT"
	    " name FROM organisations) n LEFT JOIN organisations o"
	    " ON o.name = n.name", mdt_org_uuid, "organisation",
	    fill_organization },
	{ SYNC_LOCATION, "SELECT v.name, coalesce(v.address, ''),"
	    " lower(trim(v.name)) IN (SELECT lower(trim(organisation))"
	    "  FROM people UNION SELECT lower(trim(practice)) FROM patients)"
	    " FROM venues v ORDER BY v.id", mdt_venue_uuid, "venue",
	    fill_location },
	{ SYNC_TEAM, "SELECT name, organisation, kind FROM people"
	    " WHERE uuid = ?1 AND kind <> 'person'", NULL, "team", fill_team },
	{ SYNC_DEATH, "SELECT d.died_on, coalesce(d.place, ''),"
	    " coalesce(d.expected, -1), p.uuid, p.nhs_number, p.name"
	    " FROM deaths d JOIN patients p ON p.id = d.patient_id"
	    " WHERE d.uuid = ?1", NULL, "death", fill_death },
	{ SYNC_FLAG, "SELECT date(r.added_at / 1000, 'unixepoch',"
	    " 'localtime'), coalesce(date(coalesce(r.ended_at, (SELECT"
	    " d.recorded_at FROM deaths d WHERE d.patient_id = p.id)) / 1000,"
	    " 'unixepoch', 'localtime'), ''), p.uuid, p.nhs_number, p.name,"
	    " r.reason, coalesce(r.end_reason, '')"
	    " FROM rising_risk r JOIN patients p ON p.id = r.patient_id"
	    " WHERE r.uuid = ?1", NULL,
	    "entry of the register", fill_flag },
};

json_t *
fhir_build_people(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(people) / sizeof(people[0]); i++)
		if (people[i].kind == ref->kind)
			return build_from(db, ref, people[i].sql,
			    people[i].id_of, people[i].what, people[i].fill, dep,
			    ctx, err, errlen);
	mdt_set_err(err, errlen, "no people of kind %d", (int)ref->kind);
	return NULL;
}

/*
 * The patient, to be created only if the record has none with this NHS
 * number (pass.c sends it as a conditional create): no id of ours, the
 * server gives one; what it holds already is never changed.
 */
json_t *
fhir_build_patient(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	struct sync_buf b;
	sqlite3_stmt *st;
	json_t *r;

	st = fhir_query_row(db, "SELECT nhs_number, name,"
	    " coalesce(date_of_birth, ''), coalesce(practice, '')"
	    " FROM patients WHERE uuid = ?1", ref, "patient", err, errlen);
	if (st == NULL)
		return NULL;
	r = json_pack("{s:s, s:[{s:s, s:s}]}", "resourceType", "Patient",
	    "identifier", "system", SYNC_NHS_NUMBER_SYSTEM, "value",
	    fhir_col(st, 0));
	if (fhir_col(st, 1)[0] != '\0')
		json_object_set_new(r, "name", json_pack("[{s:o}]", "text",
		    fhir_str(fhir_col(st, 1))));
	if (mdt_date_strict(fhir_col(st, 2), NULL))
		json_object_set_new(r, "birthDate", fhir_str(fhir_col(st, 2)));
	/* the registered practice by name: the record's own Organization
	 * is not known here */
	if (fhir_col(st, 3)[0] != '\0')
		json_object_set_new(r, "generalPractitioner", json_pack(
		    "[{s:s, s:o}]", "type", "Organization", "display",
		    fhir_str(fhir_col(st, 3))));
	sync_narrative_open(&b);
	sync_buf_str(&b, "<p>");
	sync_narrative_fmt(&b, "%s, NHS number %s", fhir_col(st, 1),
	    fhir_col(st, 0));
	part(&b, ", born ", mdt_date_strict(fhir_col(st, 2), NULL) ? fhir_col(st, 2) : "");
	part(&b, "; registered at ", fhir_col(st, 3));
	sync_buf_str(&b, ".</p>");
	json_object_set_new(r, "text", sync_narrative(&b));
	fhir_done(st);
	return r;
}
