/*
 * restore_write.c - what the central record holds of the meetings since
 * a day, written into a new store (restore.h): the mapping of
 * docs/fhir-mapping.md read backwards.  A resource is taken only if it
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

#define MDT_CS "https://mdtchair.org/fhir/CodeSystem/"
#define SNOMED "http://snomed.info/sct"
/* the longest text kept of a line, of a note or an action (bytes) */
#define LINE_MAX_BYTES 2000
#define NOTE_MAX_BYTES 40000

struct w {
	sqlite3 *db;
	json_t *got;
	const char *base;
	struct sync_restore_result *out;
	json_t *person;		/* person or team uuid -> people.id */
	json_t *role;		/* PractitionerRole id -> person uuid */
	json_t *patient;	/* NHS number -> patients.id */
	json_t *meeting;	/* meeting uuid -> meetings.id */
	json_t *slot;		/* slot uuid -> [slots.id, started_at] */
	int64_t now;
	bool failed;
};

/* ---- reading a resource ------------------------------------------------- */

static const char *(*const str)(json_t *, const char *, const char *) =
    sync_json_str;

/* ms since the epoch of a FHIR instant; 0 if it is not one. */
static int64_t
ms_of(const char *s)
{
	int64_t ms;

	return sync_instant_ms(s, &ms) ? ms : 0;
}

/* Whether res is ours: its identifier urn:uuid:<its id>. */
static bool
ours(json_t *res)
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
static const char *
ref_id(const struct w *w, json_t *ref, const char *type)
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
static json_t *
got(const struct w *w, const char *type, const char *id)
{
	char key[160];

	if (id == NULL)
		return NULL;
	snprintf(key, sizeof(key), "%s/%s", type, id);
	return json_object_get(w->got, key);
}

/* The code of concept (a CodeableConcept) in system; NULL if none. */
static const char *
code_in(json_t *concept, const char *system)
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
static char *
kept(const char *s, bool note)
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
static json_t *
paragraphs(const char *div)
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
static bool
run(struct w *w, int64_t *id, const char *sql, const char *fmt, ...)
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

static void
map_set(json_t *map, const char *key, int64_t v)
{
	json_object_set_new(map, key, json_integer(v));
}

static int64_t
map_get(json_t *map, const char *key)
{
	return key != NULL ? json_integer_value(json_object_get(map, key)) : 0;
}

/* Each resource read of type that is ours: fn called on it. */
static void
each(struct w *w, const char *type, void (*fn)(struct w *, json_t *))
{
	const char *key;
	json_t *res;

	json_object_foreach(w->got, key, res) {
		if (w->failed)
			return;
		if (strcmp(str(res, "resourceType", NULL), type) == 0 &&
		    ours(res))
			fn(w, res);
	}
}

/* ---- people and places --------------------------------------------------- */

static void
role_of(struct w *w, json_t *r)
{
	const char *p = ref_id(w, json_object_get(r, "practitioner"),
	    "Practitioner");

	if (p != NULL)
		json_object_set_new(w->role, str(r, "id", NULL),
		    json_string(p));
}

/* The person's role (their PractitionerRole read): its text and the
 * organisation's name. */
static void
role_for(struct w *w, const char *person, const char **role,
    const char **org)
{
	const char *key;
	json_t *who;

	*role = *org = NULL;
	json_object_foreach(w->role, key, who)
		if (strcmp(json_string_value(who), person) == 0) {
			json_t *r = got(w, "PractitionerRole", key), *o;

			*role = str(json_array_get(json_object_get(r, "code"),
			    0), "text", NULL);
			o = got(w, "Organization", ref_id(w,
			    json_object_get(r, "organization"),
			    "Organization"));
			*org = o != NULL ? str(o, "name", NULL) :
			    str(r, "organization", "display");
			return;
		}
}

static void
person(struct w *w, json_t *r)
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
	name = kept(str(json_array_get(json_object_get(r, "name"), 0), "text",
	    NULL), false);
	krole = kept(role, false);
	korg = kept(org, false);
	if (name == NULL)
		w->out->skipped++;
	else if (run(w, &row, "INSERT INTO people (uuid, name, role,"
	    " organisation, registration_body, registration_number,"
	    " sds_user_id) VALUES (?, ?, ?, ?, ?, ?, ?)", "ttttttt", id, name,
	    krole != NULL ? krole : "", korg != NULL ? korg : "", body,
	    number, sds)) {
		map_set(w->person, id, row);
		w->out->people++;
	}
	mdt_free_each(3, name, krole, korg);
}

static void
team(struct w *w, json_t *r)
{
	bool network = code_in(json_array_get(json_object_get(r, "category"),
	    0), "http://loinc.org") != NULL;
	char *name = kept(str(r, "name", NULL), false);
	char *org = kept(str(json_array_get(json_object_get(r,
	    "managingOrganization"), 0), "display", NULL), false);
	int64_t row;

	if (name == NULL)
		w->out->skipped++;
	else if (run(w, &row, "INSERT INTO people (uuid, name, organisation,"
	    " kind) VALUES (?, ?, ?, ?)", "tttt", str(r, "id", NULL), name,
	    org != NULL ? org : "", network ? "network" : "team")) {
		map_set(w->person, str(r, "id", NULL), row);
		w->out->people++;
	}
	mdt_free_each(2, name, org);
}

static void
organisation(struct w *w, json_t *r)
{
	json_t *i;
	size_t k;
	char *name = kept(str(r, "name", NULL), false);

	json_array_foreach(json_object_get(r, "identifier"), k, i)
		if (name != NULL && str(i, "system", NULL) != NULL &&
		    strcmp(str(i, "system", NULL), "https://fhir.nhs.uk/Id/"
		    "ods-organization-code") == 0 && mdt_ods_ok(str(i, "value",
		    NULL)))
			run(w, NULL, "INSERT OR IGNORE INTO organisations"
			    " (name, ods_code) VALUES (?, ?)", "tt", name,
			    str(i, "value", NULL));
	free(name);
}

static void
venue(struct w *w, json_t *r)
{
	char *name = kept(str(r, "name", NULL), false);
	char *addr = kept(str(r, "address", "text"), false);

	if (name == NULL)
		w->out->skipped++;
	else
		run(w, NULL, "INSERT INTO venues (uuid, name, address)"
		    " VALUES (?, ?, ?)", "ttt", str(r, "id", NULL), name, addr);
	mdt_free_each(2, name, addr);
}

/* The person (or team) a reference names, by their Practitioner, their
 * PractitionerRole or the CareTeam: people.id, 0 if not restored. */
static int64_t
person_of(struct w *w, json_t *ref)
{
	const char *id;

	if ((id = ref_id(w, ref, "Practitioner")) != NULL ||
	    (id = ref_id(w, ref, "CareTeam")) != NULL)
		return map_get(w->person, id);
	if ((id = ref_id(w, ref, "PractitionerRole")) != NULL)
		return map_get(w->person, json_string_value(json_object_get(
		    w->role, id)));
	return 0;
}

/* ---- the patient ---------------------------------------------------------- */

/* The patient a reference names (the Patient read, else the NHS number
 * and name beside the reference): patients.id, made if new; 0 if there
 * is no valid NHS number. */
static int64_t
patient_of(struct w *w, json_t *ref)
{
	json_t *p = got(w, "Patient", ref_id(w, ref, "Patient")), *i;
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
	if ((row = map_get(w->patient, nhs)) != 0)
		return row;
	name = str(json_array_get(json_object_get(p, "name"), 0), "text", NULL);
	if (name == NULL)
		name = str(ref, "display", NULL);
	kname = kept(name != NULL ? name : "(not on the record)", false);
	kpractice = kept(str(json_array_get(json_object_get(p,
	    "generalPractitioner"), 0), "display", NULL), false);
	mdt_uuid_new(uuid);
	if (run(w, &row, "INSERT INTO patients (uuid, nhs_number, name,"
	    " date_of_birth, practice) VALUES (?, ?, ?, ?, ?)", "ttttt", uuid,
	    nhs, kname, mdt_date_strict(str(p, "birthDate", NULL), NULL) ?
	    str(p, "birthDate", NULL) : NULL, kpractice)) {
		map_set(w->patient, nhs, row);
		w->out->patients++;
	} else
		row = 0;
	mdt_free_each(2, kname, kpractice);
	return row;
}

/* ---- the meetings ------------------------------------------------------- */

/* The meeting's title, from its narrative ("Multidisciplinary team
 * meeting: TITLE, at VENUE"). */
static char *
title_of(json_t *r, const char *venue)
{
	static const char lead[] = "Multidisciplinary team meeting: ";
	json_t *ps = paragraphs(str(r, "text", "div"));
	const char *p = json_string_value(json_array_get(ps, 0));
	char *t = NULL, *out;

	if (p != NULL && strncmp(p, lead, sizeof(lead) - 1) == 0) {
		t = mdt_xstrdup(p + sizeof(lead) - 1);
		if (venue != NULL) {
			char *tail = mdt_xasprintf(", at %s", venue);
			size_t tl = strlen(tail), l = strlen(t);

			if (l >= tl && strcmp(t + l - tl, tail) == 0)
				t[l - tl] = '\0';
			free(tail);
		}
	}
	json_decref(ps);
	out = kept(t != NULL && t[0] != '\0' ? t : "Meeting (title not on the"
	    " record)", false);
	free(t);
	return out;
}

static void
attendance(struct w *w, int64_t meeting, json_t *r)
{
	json_t *part, *type;
	size_t i, k;

	json_array_foreach(json_object_get(r, "participant"), i, part) {
		int64_t who = person_of(w, json_object_get(part, "individual"));
		char uuid[37], *role;

		if (who == 0)
			continue;
		role = kept(str(json_array_get(json_object_get(part, "type"), 0),
		    "text", NULL), false);
		if (role != NULL)
			run(w, NULL, "UPDATE people SET role = ? WHERE id = ?"
			    " AND role = ''", "ti", role, who);
		free(role);
		mdt_uuid_new(uuid);
		run(w, NULL, "INSERT OR IGNORE INTO attendance (meeting_id,"
		    " person_id, uuid, status, arrived_at, left_at)"
		    " VALUES (?, ?, ?, 'present', ?, ?)", "iitzz", meeting, who,
		    uuid, ms_of(str(part, "period", "start")),
		    ms_of(str(part, "period", "end")));
		json_array_foreach(json_object_get(part, "type"), k, type)
			if (code_in(type, "http://terminology.hl7.org/"
			    "CodeSystem/v3-ParticipationType") != NULL &&
			    strcmp(code_in(type, "http://terminology.hl7.org/"
			    "CodeSystem/v3-ParticipationType"), "PPRF") == 0)
				run(w, NULL, "UPDATE meetings SET chair_id = ?"
				    " WHERE id = ?", "ii", who, meeting);
	}
}

static void
meeting(struct w *w, json_t *r)
{
	const char *status = str(r, "status", NULL), *state;
	const char *loc = ref_id(w, json_array_get(json_object_get(r,
	    "location"), 0) != NULL ? json_object_get(json_array_get(
	    json_object_get(r, "location"), 0), "location") : NULL,
	    "Location");
	json_t *place = got(w, "Location", loc);
	int64_t start = ms_of(str(r, "period", "start"));
	int64_t end = ms_of(str(r, "period", "end")), row, venue = 0;
	int64_t minutes = 90;
	char *title;

	if (code_in(json_array_get(json_object_get(r, "type"), 0), SNOMED) ==
	    NULL || strcmp(code_in(json_array_get(json_object_get(r, "type"),
	    0), SNOMED), "384682003") != 0)
		return;		/* a discussion: slots() */
	if (status == NULL || start == 0 || strcmp(status,
	    "entered-in-error") == 0 || strcmp(status, "cancelled") == 0) {
		w->out->skipped++;
		return;
	}
	state = strcmp(status, "finished") == 0 ? "closed" :
	    strcmp(status, "planned") == 0 ? "planned" : "open";
	if (end > start)
		minutes = (end - start + 59999) / 60000;
	if (minutes > 720)
		minutes = 720;
	if (place != NULL && ours(place)) {
		sqlite3_stmt *st;

		if (sqlite3_prepare_v2(w->db, "SELECT id FROM venues"
		    " WHERE uuid = ?", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, loc, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				venue = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
	}
	title = title_of(r, place != NULL ? str(place, "name", NULL) : NULL);
	if (run(w, &row, "INSERT INTO meetings (uuid, title, venue_id,"
	    " scheduled_start, planned_minutes, state, opened_at, closed_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ttziitzz", str(r, "id", NULL),
	    title, venue, start, minutes, state, strcmp(state, "planned") != 0 ?
	    start : 0, strcmp(state, "closed") == 0 ? (end != 0 ? end : start) :
	    0)) {
		map_set(w->meeting, str(r, "id", NULL), row);
		w->out->meetings++;
		attendance(w, row, r);
	}
	free(title);
}

/* ---- the discussions ------------------------------------------------------ */

/* The discussions of the meetings restored, in order of their start. */
static int
by_start(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int64_t sx = ms_of(str(x, "period", "start")), sy = ms_of(str(y,
	    "period", "start"));

	if (sx != sy)
		return sx == 0 ? 1 : sy == 0 ? -1 : sx < sy ? -1 : 1;
	return strcmp(str(x, "id", NULL), str(y, "id", NULL));
}

static void
slot(struct w *w, json_t *r)
{
	const char *m = ref_id(w, json_object_get(r, "partOf"), "Encounter");
	const char *status = str(r, "status", NULL), *state = "pending";
	int64_t meeting = map_get(w->meeting, m), patient, row, pos = 0;
	int64_t start = ms_of(str(r, "period", "start"));
	int64_t end = ms_of(str(r, "period", "end")), paused = 0;
	json_t *len = json_object_get(r, "length");
	char uuid[37], *reason;
	sqlite3_stmt *st;

	if (meeting == 0)
		return;		/* of a meeting not restored */
	if (status == NULL || strcmp(status, "entered-in-error") == 0 ||
	    (patient = patient_of(w, json_object_get(r, "subject"))) == 0) {
		w->out->skipped++;
		return;
	}
	if (start != 0 && (strcmp(status, "finished") == 0 ||
	    strcmp(status, "in-progress") == 0)) {
		state = "done";
		if (end == 0)
			end = start;
		if (json_is_number(json_object_get(len, "value")) &&
		    end - start > (int64_t)(json_number_value(json_object_get(
		    len, "value")) * 1000))
			paused = end - start - (int64_t)(json_number_value(
			    json_object_get(len, "value")) * 1000);
	} else
		start = end = 0;
	if (sqlite3_prepare_v2(w->db, "SELECT count(*) + 1 FROM slots"
	    " WHERE meeting_id = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, meeting);
		if (sqlite3_step(st) == SQLITE_ROW)
			pos = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	reason = kept(str(json_array_get(json_object_get(r, "reasonCode"), 0),
	    "text", NULL), false);
	if (run(w, &row, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position, reason, started_at, closed_at, paused_ms, state)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "tiiitzzit", str(r, "id",
	    NULL), meeting, patient, pos, reason != NULL ? reason : "", start,
	    end, paused, state)) {
		json_object_set_new(w->slot, str(r, "id", NULL),
		    json_pack("[I, I]", (json_int_t)row, (json_int_t)(start != 0 ?
		    start : ms_of(str(r, "meta", "lastUpdated")))));
		w->out->discussions++;
		mdt_uuid_new(uuid);
		run(w, NULL, "INSERT INTO candidates (uuid, meeting_id,"
		    " patient_id, created_at) VALUES (?, ?, ?, ?)", "tiii", uuid,
		    meeting, patient, w->now);
	}
	free(reason);
}

static void
slots(struct w *w)
{
	const char *key;
	json_t *res, **list = NULL;
	size_t n = 0, cap = 0;

	json_object_foreach(w->got, key, res)
		if (strcmp(str(res, "resourceType", NULL), "Encounter") == 0 &&
		    json_object_get(res, "partOf") != NULL) {
			list = mdt_grow(list, n, &cap, sizeof(*list));
			list[n++] = res;
		}
	if (n > 0)
		qsort(list, n, sizeof(*list), by_start);
	for (size_t i = 0; i < n && !w->failed; i++)
		if (ours(list[i]))
			slot(w, list[i]);
	free(list);
}

/* The slot a reference names: slots.id, and when it started (ms). */
static int64_t
slot_of(struct w *w, json_t *ref, int64_t *started)
{
	json_t *s = json_object_get(w->slot, ref_id(w, ref, "Encounter"));

	if (started != NULL)
		*started = json_integer_value(json_array_get(s, 1));
	return json_integer_value(json_array_get(s, 0));
}

/* ---- the record of a discussion --------------------------------------------- */

static const struct {
	const char *code, *basis;
} bases[] = {
	{ "given", "given" },
	{ "best-interests", "best_interests" },
	{ "risk-to-others", "risk_to_others" },
};

static void
consent(struct w *w, int64_t slot_id, int64_t at, json_t *c)
{
	json_t *rule = json_object_get(c, "policyRule"), *p, *a;
	const char *code = code_in(rule, MDT_CS "mdt-consent-basis");
	const char *text = str(rule, "text", NULL), *display = NULL, *just;
	char uuid[37], *kjust;
	int64_t row, when = ms_of(str(c, "dateTime", NULL));
	size_t i, k, b;

	if (c == NULL || !ours(c)) {
		w->out->skipped += c != NULL;
		return;
	}
	for (b = 0; code != NULL && b < sizeof(bases) / sizeof(bases[0]); b++)
		if (strcmp(bases[b].code, code) == 0)
			break;
	if (code == NULL || b == sizeof(bases) / sizeof(bases[0])) {
		w->out->skipped++;
		return;
	}
	json_array_foreach(json_object_get(rule, "coding"), i, p)
		if (strcmp(str(p, "code", NULL) != NULL ? str(p, "code", NULL) :
		    "", code) == 0)
			display = str(p, "display", NULL);
	just = NULL;
	if (text != NULL && display != NULL && strncmp(text, display,
	    strlen(display)) == 0 && strncmp(text + strlen(display), ": ",
	    2) == 0)
		just = text + strlen(display) + 2;
	kjust = kept(just, true);
	mdt_strlcpy(uuid, str(c, "id", NULL), sizeof(uuid));
	if (run(w, &row, "INSERT INTO consent (uuid, slot_id, basis,"
	    " justification, recorded_at) VALUES (?, ?, ?, ?, ?)", "titti",
	    uuid, slot_id, bases[b].basis, kjust, when != 0 ? when : at))
		json_array_foreach(json_object_get(json_object_get(c,
		    "provision"), "provision"), i, p)
			json_array_foreach(json_object_get(p, "actor"), k, a) {
				char *org = kept(str(json_object_get(a,
				    "reference"), "display", NULL), false);

				if (org != NULL)
					run(w, NULL, "INSERT OR IGNORE INTO"
					    " consent_exclusions (slot_id,"
					    " organisation) VALUES (?, ?)",
					    "it", slot_id, org);
				free(org);
			}
	free(kjust);
}

static bool
correction_line(const char *p)
{
	return strncmp(p, "A note was corrected on ", 24) == 0 ||
	    strncmp(p, "A note was withdrawn (entered in error) on ", 43) == 0;
}

static void
notes(struct w *w, int64_t slot_id, int64_t at, json_t *sec)
{
	json_t *ps = paragraphs(str(sec, "text", "div")), *p;
	size_t i;

	json_array_foreach(ps, i, p) {
		const char *t = json_string_value(p);
		char uuid[37], *kt;

		if (correction_line(t) || (i == 0 && json_array_size(ps) == 1 &&
		    strcmp(t, "No notes.") == 0))
			continue;
		if ((kt = kept(t, true)) == NULL)
			continue;
		mdt_uuid_new(uuid);
		run(w, NULL, "INSERT INTO notes (uuid, slot_id, text,"
		    " created_at) VALUES (?, ?, ?, ?)", "titi", uuid, slot_id, kt,
		    at + (int64_t)i);
		free(kt);
	}
	json_decref(ps);
}

static void
record(struct w *w, json_t *r)
{
	int64_t at, slot_id = slot_of(w, json_object_get(r, "encounter"), &at);
	json_t *sec, *authors = json_object_get(r, "author");
	size_t i;

	if (slot_id == 0)
		return;
	json_array_foreach(json_object_get(r, "section"), i, sec) {
		const char *code = code_in(json_object_get(sec, "code"),
		    MDT_CS "mdt-record-section");
		json_t *entry = json_array_get(json_object_get(sec, "entry"), 0);

		if (code == NULL)
			continue;
		if (strcmp(code, "consent") == 0)
			consent(w, slot_id, at, got(w, "Consent", ref_id(w, entry,
			    "Consent")));
		else if (strcmp(code, "notes") == 0)
			notes(w, slot_id, at, sec);
		else if (strcmp(code, "key-contact") == 0 &&
		    person_of(w, entry) != 0)
			run(w, NULL, "UPDATE patients SET key_contact_id = ?"
			    " WHERE id = (SELECT patient_id FROM slots"
			    " WHERE id = ?)", "ii", person_of(w, entry), slot_id);
	}
	/* the chair's role, and the note-taker's when another's */
	if (person_of(w, json_array_get(authors, 0)) != 0)
		run(w, NULL, "UPDATE meetings SET chair_id = coalesce(chair_id,"
		    " ?) WHERE id = (SELECT meeting_id FROM slots WHERE id = ?)",
		    "ii", person_of(w, json_array_get(authors, 0)), slot_id);
	if (person_of(w, json_array_get(authors, 1)) != 0)
		run(w, NULL, "UPDATE meetings SET notetaker_id = ? WHERE id ="
		    " (SELECT meeting_id FROM slots WHERE id = ?)", "ii",
		    person_of(w, json_array_get(authors, 1)), slot_id);
}

static const struct {
	const char *code, *kind;
} outcome_kinds[] = {
	{ "stay", "stay" }, { "step-down", "step_down" }, { "close", "close" },
	{ "died", "died" },
};

/* A component's valueDateTime, when it is a day. */
static const char *
component(json_t *r, const char *code)
{
	json_t *c;
	size_t i;
	const char *v;

	json_array_foreach(json_object_get(r, "component"), i, c)
		if (code_in(json_object_get(c, "code"), MDT_CS
		    "mdt-observation") != NULL && strcmp(code_in(
		    json_object_get(c, "code"), MDT_CS "mdt-observation"),
		    code) == 0 && mdt_date_strict(v = str(c, "valueDateTime",
		    NULL), NULL))
			return v;
	return NULL;
}

static void
outcome(struct w *w, json_t *r)
{
	int64_t at, slot_id = slot_of(w, json_object_get(r, "encounter"), &at);
	const char *code = code_in(json_object_get(r, "valueCodeableConcept"),
	    MDT_CS "mdt-outcome"), *status = str(r, "status", NULL);
	int64_t when = ms_of(str(r, "effectiveDateTime", NULL));
	size_t k;

	if (slot_id == 0 || status == NULL || strcmp(status,
	    "entered-in-error") == 0)
		return;		/* not of a discussion restored; withdrawn */
	for (k = 0; code != NULL && k < 4; k++)
		if (strcmp(outcome_kinds[k].code, code) == 0)
			break;
	if (code == NULL || k == 4) {
		w->out->skipped++;
		return;
	}
	/* recorded over another: the latest stands */
	run(w, NULL, "DELETE FROM outcomes WHERE slot_id = ? AND recorded_at"
	    " <= ?", "ii", slot_id, when);
	run(w, NULL, "INSERT OR IGNORE INTO outcomes (uuid, slot_id, kind,"
	    " review_date, recorded_at, died_on) VALUES (?, ?, ?, ?, ?, ?)",
	    "titti" "t", str(r, "id", NULL), slot_id, outcome_kinds[k].kind,
	    component(r, "review-date"), when != 0 ? when : at,
	    component(r, "date-of-death"));
}

/* ---- the actions ---------------------------------------------------------------- */

/* What the record says of the action's Task, as a pull keeps it: the
 * version read, its status, owner and latest note, taken as they are. */
static void
record_task(struct w *w, int64_t action, json_t *r)
{
	int64_t lu = ms_of(str(r, "meta", "lastUpdated"));
	int64_t modified = ms_of(str(r, "lastModified", NULL));
	char *note = sync_task_note(r), *knote = kept(note, true);
	char *owner = kept(str(r, "owner", "display") != NULL ? str(r,
	    "owner", "display") : str(r, "owner", "reference"), false);

	if (str(r, "meta", "versionId") != NULL && lu != 0 &&
	    strcmp(str(r, "status", NULL), "requested") == 0)
		run(w, NULL, "INSERT INTO record_tasks (action_id, version,"
		    " last_updated, status, modified, owner, note, seen_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "itititti", action,
		    str(r, "meta", "versionId"), lu, str(r, "status", NULL),
		    modified != 0 ? modified : lu, owner, knote, w->now);
	mdt_free_each(3, note, knote, owner);
}

static void
task(struct w *w, json_t *r)
{
	const char *status = str(r, "status", NULL), *st;
	const char *due = str(json_object_get(r, "restriction"), "period",
	    "end");
	int64_t patient = patient_of(w, json_object_get(r, "for"));
	int64_t owner = person_of(w, json_object_get(r, "owner"));
	int64_t slot_id = slot_of(w, json_object_get(r, "encounter"), NULL);
	int64_t made = ms_of(str(r, "authoredOn", NULL));
	int64_t closed = ms_of(str(r, "lastModified", NULL)), withdrawn = 0;
	int64_t row;
	char *text;

	if (status == NULL)
		status = "";
	st = strcmp(status, "completed") == 0 ? "done" : strcmp(status,
	    "cancelled") == 0 || strcmp(status, "entered-in-error") == 0 ?
	    "cancelled" : strcmp(status, "requested") == 0 ? "open" : NULL;
	if (strcmp(status, "entered-in-error") == 0)
		withdrawn = closed != 0 ? closed : ms_of(str(r, "meta",
		    "lastUpdated"));
	text = kept(str(r, "description", NULL), true);
	if (st == NULL || patient == 0 || owner == 0 || text == NULL ||
	    !mdt_date_strict(due, NULL) || made == 0) {
		w->out->skipped++;
		free(text);
		return;
	}
	if (run(w, &row, "INSERT INTO actions (uuid, patient_id, slot_id,"
	    " text, owner_id, due_date, status, created_at, closed_at, kind,"
	    " withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "tiztittiztz", str(r, "id", NULL), patient, slot_id, text, owner,
	    due, st, made, strcmp(st, "open") != 0 ? (closed != 0 ? closed :
	    made) : 0, strcmp(text, "Contact the relatives to offer support"
	    " and follow up") == 0 ? "contact_relatives" : NULL, withdrawn)) {
		w->out->actions++;
		w->out->open_actions += strcmp(st, "open") == 0;
		record_task(w, row, r);
	}
	free(text);
}

/* ---- what the record acknowledged ------------------------------------------ */

static void
acknowledged(struct w *w, json_t *r)
{
	char hash[33];

	sync_body_hash(r, hash);
	run(w, NULL, "INSERT OR REPLACE INTO sync_versions (resource_type,"
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
	    "Encounter", "Composition", "Consent", "Observation", "Task" };
	struct w w = { .db = mdt_store_db(s), .got = got, .base = base,
	    .out = out, .now = mdt_store_now(s) };
	const char *key;
	json_t *res;
	char *detail;

	w.person = json_object();
	w.role = json_object();
	w.patient = json_object();
	w.meeting = json_object();
	w.slot = json_object();
	run(&w, NULL, "BEGIN IMMEDIATE", "");
	/* what was acknowledged: the record's copy, before its text is
	 * made what the store takes */
	for (size_t i = 0; i < sizeof(acked) / sizeof(acked[0]); i++)
		json_object_foreach(got, key, res)
			if (strcmp(str(res, "resourceType", NULL), acked[i]) ==
			    0 && ours(res) && str(res, "meta", "versionId") !=
			    NULL)
				acknowledged(&w, res);
	json_object_foreach(got, key, res) {
		sync_rstring_clean(res);
		/* a Patient is the record's own, never ours */
		if (!ours(res) && strcmp(str(res, "resourceType", NULL),
		    "Patient") != 0)
			out->skipped++;
	}
	each(&w, "PractitionerRole", role_of);
	each(&w, "Organization", organisation);
	each(&w, "Location", venue);
	each(&w, "Practitioner", person);
	each(&w, "CareTeam", team);
	each(&w, "Encounter", meeting);
	if (!w.failed)
		slots(&w);
	each(&w, "Composition", record);
	each(&w, "Observation", outcome);
	each(&w, "Task", task);
	if (!w.failed)
		run(&w, NULL, "COMMIT", "");
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
