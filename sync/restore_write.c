/*
 * restore_write.c - what the central record holds of the meetings since
 * a day, written into a new store (restore.h): the mapping of
 * docs/fhir-mapping.md read backwards.  Here the people and places, the
 * patients, the versions acknowledged and the whole in one transaction;
 * the meetings are restore_meeting.c's, the plans restore_plan.c's.  A resource is taken only if it
 * is ours (its identifier urn:ietf:rfc:3986 "urn:uuid:" and its own id)
 * and well formed; the rest is counted as skipped.  Our UUIDs are kept,
 * so that a later sync updates the same resources; each is recorded as
 * acknowledged at the version read, with the hash of what the record
 * holds, and nothing is queued.  Text from the record is made valid
 * (rstring.c) and then kept as the store keeps the record's text
 * (mdt_text_from_record: bounded, escaped where the input policy would
 * refuse it).  One transaction: the file is new and nobody else has it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "fhir.h"
#include "mdt.h"
#include "reply.h"
#include "resource.h"
#include "restore.h"
#include "rstring.h"
#include "text.h"
#include "util.h"

/* ---- reading a resource ------------------------------------------------- */

static const char *(*const str)(json_t *, const char *, const char *) =
    sync_json_str;

/* ms since the epoch of a FHIR instant; 0 if it is not one. */
int64_t
rw_ms(const char *s)
{
	int64_t ms;

	return sync_instant_ms(s, &ms) ? ms : 0;
}

/* Whether res is ours: its identifier urn:uuid:<its id>. */
bool
rw_ours(json_t *res)
{
	const char *id = str(res, "id", NULL);
	json_t *ids = json_object_get(res, "identifier"), *i;
	size_t k;

	if (!mdt_uuid_like(id))
		return false;
	if (json_is_object(ids))
		ids = json_pack("[O]", ids);
	else
		json_incref(ids);
	json_array_foreach(ids, k, i) {
		const char *sys = str(i, "system", NULL), *v = str(i, "value",
		    NULL);

		if (sys != NULL && v != NULL && strcmp(sys,
		    SYNC_IDENTIFIER_SYSTEM) == 0 && strncmp(v, "urn:uuid:",
		    9) == 0 && strcmp(v + 9, id) == 0) {
			json_decref(ids);
			return true;
		}
	}
	json_decref(ids);
	return false;
}

/* The id a reference (an object with "reference") gives to a resource
 * of type: "Type/id", or the same under the base URL; else NULL. */
const char *
rw_ref_id(const struct rw *w, json_t *ref, const char *type)
{
	const char *r = str(ref, "reference", NULL);
	size_t bl = strlen(w->base), tl = strlen(type);

	if (r == NULL)
		return NULL;
	if (strncmp(r, w->base, bl) == 0 && r[bl] == '/')
		r += bl + 1;
	if (strncmp(r, type, tl) != 0 || r[tl] != '/' || strchr(r + tl + 1,
	    '/') != NULL)
		return NULL;
	return r + tl + 1;
}

/* The resource read of type and id; NULL if none. */
json_t *
rw_got(const struct rw *w, const char *type, const char *id)
{
	char key[160];

	if (id == NULL)
		return NULL;
	snprintf(key, sizeof(key), "%s/%s", type, id);
	return json_object_get(w->got, key);
}

/* The code of concept (a CodeableConcept) in system; NULL if none. */
const char *
rw_code_in(json_t *concept, const char *system)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(concept, "coding"), i, c)
		if (str(c, "system", NULL) != NULL && strcmp(str(c, "system",
		    NULL), system) == 0)
			return str(c, "code", NULL);
	return NULL;
}

/* Text from the record as the store keeps it; NULL for none. */
char *
rw_kept(const char *s, bool note)
{
	return mdt_text_from_record(s, note, note ? NOTE_MAX_BYTES :
	    LINE_MAX_BYTES);
}

/* ---- the narrative ------------------------------------------------------ */

/* n bytes of XHTML text with its character references read back. */
static char *
unescape(const char *s, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} named[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	    { "&quot;", '"' }, { "&apos;", '\'' } };
	struct sync_buf b = { 0 };
	size_t i, k;

	sync_buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof(named) / sizeof(named[0]); k++)
			if (strncmp(s + i, named[k].name,
			    strlen(named[k].name)) == 0)
				break;
		if (k < sizeof(named) / sizeof(named[0])) {
			sync_buf_add(&b, &named[k].c, 1);
			i += strlen(named[k].name) - 1;
		} else
			sync_buf_add(&b, s + i, 1);
	}
	return b.s;
}

/* The text of each <p> of a narrative's div, in order, read back. */
json_t *
rw_paragraphs(const char *div)
{
	json_t *list = json_array();
	const char *p = div, *end;

	while (p != NULL && (p = strstr(p, "<p>")) != NULL &&
	    (end = strstr(p + 3, "</p>")) != NULL) {
		char *t = unescape(p + 3, (size_t)(end - p - 3));

		json_array_append_new(list, json_string(t));
		free(t);
		p = end + 4;
	}
	return list;
}

/* ---- writing ------------------------------------------------------------ */

/*
 * Runs sql with the arguments fmt names: 't' a string (NULL binds NULL),
 * 'i' an int64_t, 'z' an int64_t with 0 as NULL.  The row's id into *id
 * when id is not NULL.  False (w->failed, the reason in the result) on
 * failure.
 */
bool
rw_run(struct rw *w, int64_t *id, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc, n = 0;

	if (w->failed)
		return false;
	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(w->out->error, sizeof(w->out->error), "cannot write"
		    " the new database: %s", sqlite3_errmsg(w->db));
		w->failed = true;
		return false;
	}
	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		n++;
		if (*fmt == 't')
			sqlite3_bind_text(st, n, va_arg(ap, const char *), -1,
			    SQLITE_TRANSIENT);
		else {
			int64_t v = va_arg(ap, int64_t);

			if (*fmt == 'z' && v == 0)
				sqlite3_bind_null(st, n);
			else
				sqlite3_bind_int64(st, n, v);
		}
	}
	va_end(ap);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		/* a constraint: the record holds what the store cannot;
		 * that resource is left out */
		if ((rc & 0xff) == SQLITE_CONSTRAINT) {
			w->out->skipped++;
			return false;
		}
		snprintf(w->out->error, sizeof(w->out->error), "cannot write"
		    " the new database: %s", sqlite3_errmsg(w->db));
		w->failed = true;
		return false;
	}
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(w->db);
	return true;
}

void
rw_map_set(json_t *map, const char *key, int64_t v)
{
	json_object_set_new(map, key, json_integer(v));
}

int64_t
rw_map_get(json_t *map, const char *key)
{
	return key != NULL ? json_integer_value(json_object_get(map, key)) : 0;
}

/* Each resource read of type that is ours: fn called on it. */
void
rw_each(struct rw *w, const char *type, void (*fn)(struct rw *, json_t *))
{
	const char *key;
	json_t *res;

	json_object_foreach(w->got, key, res) {
		if (w->failed)
			return;
		if (strcmp(str(res, "resourceType", NULL), type) == 0 &&
		    rw_ours(res))
			fn(w, res);
	}
}

/* ---- people and places -------------------------------------------------- */

static void
role_of(struct rw *w, json_t *r)
{
	const char *p = rw_ref_id(w, json_object_get(r, "practitioner"),
	    "Practitioner");

	if (p != NULL)
		json_object_set_new(w->role, str(r, "id", NULL),
		    json_string(p));
}

/* The person's role (their PractitionerRole read): its text and the
 * organisation's name. */
static void
role_for(struct rw *w, const char *person, const char **role,
    const char **org)
{
	const char *key;
	json_t *who;

	*role = *org = NULL;
	json_object_foreach(w->role, key, who)
		if (strcmp(json_string_value(who), person) == 0) {
			json_t *r = rw_got(w, "PractitionerRole", key), *o;

			*role = str(json_array_get(json_object_get(r, "code"),
			    0), "text", NULL);
			o = rw_got(w, "Organization", rw_ref_id(w,
			    json_object_get(r, "organization"),
			    "Organization"));
			*org = o != NULL ? str(o, "name", NULL) :
			    str(r, "organization", "display");
			return;
		}
}

static void
person(struct rw *w, json_t *r)
{
	static const char *const bodies[] = { "gmc", "nmc", "hcpc" };
	const char *id = str(r, "id", NULL), *role, *org, *body = NULL,
	    *number = NULL, *sds = NULL;
	char *name, *krole, *korg;
	json_t *i;
	size_t k;
	int64_t row;

	json_array_foreach(json_object_get(r, "identifier"), k, i) {
		const char *sys = str(i, "system", NULL);

		for (size_t b = 0; sys != NULL && b < 3; b++) {
			char *want = mdt_xasprintf("https://fhir.hl7.org.uk/Id/"
			    "%s-number", bodies[b]);

			if (strcmp(sys, want) == 0) {
				body = bodies[b];
				number = str(i, "value", NULL);
			}
			free(want);
		}
		if (sys != NULL && strcmp(sys, "https://fhir.nhs.uk/Id/"
		    "sds-user-id") == 0)
			sds = str(i, "value", NULL);
	}
	if (body != NULL && !mdt_registration_ok(body, number))
		body = number = NULL;
	if (sds != NULL && !mdt_sds_ok(sds))
		sds = NULL;
	role_for(w, id, &role, &org);
	name = rw_kept(str(json_array_get(json_object_get(r, "name"), 0), "text",
	    NULL), false);
	krole = rw_kept(role, false);
	korg = rw_kept(org, false);
	if (name == NULL)
		w->out->skipped++;
	else if (rw_run(w, &row, "INSERT INTO people (uuid, name, role,"
	    " organisation, registration_body, registration_number,"
	    " sds_user_id) VALUES (?, ?, ?, ?, ?, ?, ?)", "ttttttt", id, name,
	    krole != NULL ? krole : "", korg != NULL ? korg : "", body,
	    number, sds)) {
		rw_map_set(w->person, id, row);
		w->out->people++;
	}
	mdt_free_each(3, name, krole, korg);
}

static void
team(struct rw *w, json_t *r)
{
	bool network = rw_code_in(json_array_get(json_object_get(r, "category"),
	    0), "http://loinc.org") != NULL;
	char *name = rw_kept(str(r, "name", NULL), false);
	char *org = rw_kept(str(json_array_get(json_object_get(r,
	    "managingOrganization"), 0), "display", NULL), false);
	int64_t row;

	if (name == NULL)
		w->out->skipped++;
	else if (rw_run(w, &row, "INSERT INTO people (uuid, name, organisation,"
	    " kind) VALUES (?, ?, ?, ?)", "tttt", str(r, "id", NULL), name,
	    org != NULL ? org : "", network ? "network" : "team")) {
		rw_map_set(w->person, str(r, "id", NULL), row);
		w->out->people++;
	}
	mdt_free_each(2, name, org);
}

static void
organisation(struct rw *w, json_t *r)
{
	json_t *i;
	size_t k;
	char *name = rw_kept(str(r, "name", NULL), false);

	json_array_foreach(json_object_get(r, "identifier"), k, i)
		if (name != NULL && str(i, "system", NULL) != NULL &&
		    strcmp(str(i, "system", NULL), "https://fhir.nhs.uk/Id/"
		    "ods-organization-code") == 0 && mdt_ods_ok(str(i, "value",
		    NULL)))
			rw_run(w, NULL, "INSERT OR IGNORE INTO organisations"
			    " (name, ods_code) VALUES (?, ?)", "tt", name,
			    str(i, "value", NULL));
	free(name);
}

static void
venue(struct rw *w, json_t *r)
{
	char *name = rw_kept(str(r, "name", NULL), false);
	char *addr = rw_kept(str(r, "address", "text"), false);

	if (name == NULL)
		w->out->skipped++;
	else
		rw_run(w, NULL, "INSERT INTO venues (uuid, name, address)"
		    " VALUES (?, ?, ?)", "ttt", str(r, "id", NULL), name, addr);
	mdt_free_each(2, name, addr);
}

/* The person (or team) a reference names, by their Practitioner, their
 * PractitionerRole or the CareTeam: people.id, 0 if not restored. */
int64_t
rw_person_of(struct rw *w, json_t *ref)
{
	const char *id;

	if ((id = rw_ref_id(w, ref, "Practitioner")) != NULL ||
	    (id = rw_ref_id(w, ref, "CareTeam")) != NULL)
		return rw_map_get(w->person, id);
	if ((id = rw_ref_id(w, ref, "PractitionerRole")) != NULL)
		return rw_map_get(w->person, json_string_value(json_object_get(
		    w->role, id)));
	return 0;
}

/* ---- the patient -------------------------------------------------------- */

/* The patient a reference names (the Patient read, else the NHS number
 * and name beside the reference): patients.id, made if new; 0 if there
 * is no valid NHS number. */
int64_t
rw_patient_of(struct rw *w, json_t *ref)
{
	json_t *p = rw_got(w, "Patient", rw_ref_id(w, ref, "Patient")), *i;
	const char *nhs = NULL, *name = NULL;
	char uuid[37], *kname, *kpractice;
	int64_t row;
	size_t k;

	json_array_foreach(json_object_get(p, "identifier"), k, i)
		if (str(i, "system", NULL) != NULL && strcmp(str(i, "system",
		    NULL), SYNC_NHS_NUMBER_SYSTEM) == 0)
			nhs = str(i, "value", NULL);
	if (nhs == NULL && str(ref, "identifier", "system") != NULL &&
	    strcmp(str(ref, "identifier", "system"),
	    SYNC_NHS_NUMBER_SYSTEM) == 0)
		nhs = str(ref, "identifier", "value");
	if (nhs == NULL || !mdt_nhs_valid(nhs))
		return 0;
	if ((row = rw_map_get(w->patient, nhs)) != 0)
		return row;
	name = str(json_array_get(json_object_get(p, "name"), 0), "text", NULL);
	if (name == NULL)
		name = str(ref, "display", NULL);
	kname = rw_kept(name != NULL ? name : "(not on the record)", false);
	kpractice = rw_kept(str(json_array_get(json_object_get(p,
	    "generalPractitioner"), 0), "display", NULL), false);
	mdt_uuid_new(uuid);
	if (rw_run(w, &row, "INSERT INTO patients (uuid, nhs_number, name,"
	    " date_of_birth, practice) VALUES (?, ?, ?, ?, ?)", "ttttt", uuid,
	    nhs, kname, mdt_date_strict(str(p, "birthDate", NULL), NULL) ?
	    str(p, "birthDate", NULL) : NULL, kpractice)) {
		rw_map_set(w->patient, nhs, row);
		w->out->patients++;
	} else
		row = 0;
	mdt_free_each(2, kname, kpractice);
	return row;
}

/* ---- what the record acknowledged --------------------------------------- */

static void
acknowledged(struct rw *w, json_t *r)
{
	char hash[33];

	sync_body_hash(r, hash);
	rw_run(w, NULL, "INSERT OR REPLACE INTO sync_versions (resource_type,"
	    " resource_id, version_id, body_hash, synced_at)"
	    " VALUES (?, ?, ?, ?, ?)", "tttti", str(r, "resourceType", NULL),
	    str(r, "id", NULL), str(r, "meta", "versionId"), hash, w->now);
}

int
sync_restore_write(struct mdt_store *s, json_t *got, const char *base,
    const char *since, struct sync_restore_result *out)
{
	static const char *const acked[] = { "Practitioner",
	    "PractitionerRole", "Organization", "CareTeam", "Location",
	    "Encounter", "Composition", "Consent", "Observation", "Task",
	    "CarePlan", "Goal", "ServiceRequest", "Flag" };
	struct rw w = { .db = mdt_store_db(s), .got = got, .base = base,
	    .out = out, .now = mdt_store_now(s) };
	const char *key;
	json_t *res;
	char *detail;

	w.person = json_object();
	w.role = json_object();
	w.patient = json_object();
	w.meeting = json_object();
	w.slot = json_object();
	rw_run(&w, NULL, "BEGIN IMMEDIATE", "");
	/* what was acknowledged: the record's copy, before its text is
	 * made what the store takes */
	for (size_t i = 0; i < sizeof(acked) / sizeof(acked[0]); i++)
		json_object_foreach(got, key, res)
			if (strcmp(str(res, "resourceType", NULL), acked[i]) ==
			    0 && rw_ours(res) && str(res, "meta", "versionId") !=
			    NULL)
				acknowledged(&w, res);
	json_object_foreach(got, key, res) {
		sync_rstring_clean(res);
		/* a Patient is the record's own, never ours */
		if (!rw_ours(res) && strcmp(str(res, "resourceType", NULL),
		    "Patient") != 0)
			out->skipped++;
	}
	rw_each(&w, "PractitionerRole", role_of);
	rw_each(&w, "Organization", organisation);
	rw_each(&w, "Location", venue);
	rw_each(&w, "Practitioner", person);
	rw_each(&w, "CareTeam", team);
	restore_meetings(&w);
	restore_patients(&w);
	if (!w.failed)
		rw_run(&w, NULL, "COMMIT", "");
	else
		sqlite3_exec(w.db, "ROLLBACK", NULL, NULL, NULL);
	/* the restore in the new database's audit: who, when, from where */
	detail = mdt_xasprintf("restored from %s: the meetings since %s:"
	    " %lld meetings, %lld discussions, %lld actions, %lld people;"
	    " %lld resources skipped", base, since, (long long)out->meetings,
	    (long long)out->discussions, (long long)out->actions,
	    (long long)out->people, (long long)out->skipped);
	if (!w.failed && mdt_audit_event(s, "restore", detail) != MDT_OK) {
		snprintf(out->error, sizeof(out->error), "cannot record the"
		    " restore: %s", mdt_store_error(s));
		w.failed = true;
	}
	free(detail);
	json_decref(w.person);
	json_decref(w.role);
	json_decref(w.patient);
	json_decref(w.meeting);
	json_decref(w.slot);
	return w.failed ? -1 : 0;
}
