/*
 * restore_meeting.c - the meetings of the central record written into a
 * new store (restore.h): each meeting's Encounter with its attendance and
 * venue, the discussions (Encounters part of it) with their patients, the
 * record of each (Composition: consent, notes as its sections hold them,
 * the key contact), the outcome (Observation) and the actions (Task),
 * in order of their start.  What a field cannot say is left as a new
 * meeting would have it (docs/sync.md, "A new laptop").
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "fhir.h"
#include "mdt.h"
#include "reply.h"
#include "restore.h"
#include "text.h"
#include "util.h"

static const char *(*const str)(json_t *, const char *, const char *) =
    sync_json_str;


/* The meeting's title, from its narrative ("Multidisciplinary team
 * meeting: TITLE, at VENUE"), as the store keeps it; NULL if none. */
char *
rw_meeting_title(json_t *r, const char *venue)
{
	static const char lead[] = "Multidisciplinary team meeting: ";
	json_t *ps = rw_paragraphs(str(r, "text", "div"));
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
	out = t != NULL && t[0] != '\0' ? rw_kept(t, false) : NULL;
	free(t);
	return out;
}

static void
attendance(struct rw *w, int64_t meeting, json_t *r)
{
	json_t *part, *type;
	size_t i, k;

	json_array_foreach(json_object_get(r, "participant"), i, part) {
		int64_t who = rw_person_of(w, json_object_get(part, "individual"));
		char uuid[37], *role;

		if (who == 0)
			continue;
		role = rw_kept(str(json_array_get(json_object_get(part, "type"), 0),
		    "text", NULL), false);
		if (role != NULL)
			rw_run(w, NULL, "UPDATE people SET role = ? WHERE id = ?"
			    " AND role = ''", "ti", role, who);
		free(role);
		mdt_uuid_new(uuid);
		rw_run(w, NULL, "INSERT OR IGNORE INTO attendance (meeting_id,"
		    " person_id, uuid, status, arrived_at, left_at)"
		    " VALUES (?, ?, ?, 'present', ?, ?)", "iitzz", meeting, who,
		    uuid, rw_ms(str(part, "period", "start")),
		    rw_ms(str(part, "period", "end")));
		json_array_foreach(json_object_get(part, "type"), k, type)
			if (rw_code_in(type, "http://terminology.hl7.org/"
			    "CodeSystem/v3-ParticipationType") != NULL &&
			    strcmp(rw_code_in(type, "http://terminology.hl7.org/"
			    "CodeSystem/v3-ParticipationType"), "PPRF") == 0)
				rw_run(w, NULL, "UPDATE meetings SET chair_id = ?"
				    " WHERE id = ?", "ii", who, meeting);
	}
}

static void
meeting(struct rw *w, json_t *r)
{
	const char *status = str(r, "status", NULL), *state;
	const char *loc = rw_ref_id(w, json_array_get(json_object_get(r,
	    "location"), 0) != NULL ? json_object_get(json_array_get(
	    json_object_get(r, "location"), 0), "location") : NULL,
	    "Location");
	json_t *place = rw_got(w, "Location", loc);
	int64_t start = rw_ms(str(r, "period", "start"));
	int64_t end = rw_ms(str(r, "period", "end")), row, venue = 0;
	int64_t minutes = 90;
	char *title;

	if (rw_code_in(json_array_get(json_object_get(r, "type"), 0), RW_SNOMED) ==
	    NULL || strcmp(rw_code_in(json_array_get(json_object_get(r, "type"),
	    0), RW_SNOMED), "384682003") != 0)
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
	if (place != NULL && rw_ours(place)) {
		sqlite3_stmt *st;

		if (sqlite3_prepare_v2(w->db, "SELECT id FROM venues"
		    " WHERE uuid = ?", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, loc, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				venue = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
	}
	title = rw_meeting_title(r, place != NULL ? str(place, "name", NULL) :
	    NULL);
	if (title == NULL)
		title = mdt_xstrdup("Meeting (title not on the record)");
	if (rw_run(w, &row, "INSERT INTO meetings (uuid, title, venue_id,"
	    " scheduled_start, planned_minutes, state, opened_at, closed_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ttziitzz", str(r, "id", NULL),
	    title, venue, start, minutes, state, strcmp(state, "planned") != 0 ?
	    start : 0, strcmp(state, "closed") == 0 ? (end != 0 ? end : start) :
	    0)) {
		rw_map_set(w->meeting, str(r, "id", NULL), row);
		w->out->meetings++;
		attendance(w, row, r);
	}
	free(title);
}

/* ---- the discussions ---------------------------------------------------- */

/* Encounters in order of their start, those without one last. */
static int
by_start(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int64_t sx = rw_ms(str(x, "period", "start")), sy = rw_ms(str(y,
	    "period", "start"));

	if (sx != sy)
		return sx == 0 ? 1 : sy == 0 ? -1 : sx < sy ? -1 : 1;
	return strcmp(str(x, "id", NULL), str(y, "id", NULL));
}

static void
slot(struct rw *w, json_t *r)
{
	const char *m = rw_ref_id(w, json_object_get(r, "partOf"), "Encounter");
	const char *status = str(r, "status", NULL), *state = "pending";
	int64_t meeting = rw_map_get(w->meeting, m), patient, row, pos = 0;
	int64_t start = rw_ms(str(r, "period", "start"));
	int64_t end = rw_ms(str(r, "period", "end")), paused = 0;
	json_t *len = json_object_get(r, "length");
	char uuid[37], *reason;
	sqlite3_stmt *st;

	if (meeting == 0)
		return;		/* of a meeting not restored */
	if (status == NULL || strcmp(status, "entered-in-error") == 0 ||
	    (patient = rw_patient_of(w, json_object_get(r, "subject"))) == 0) {
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
	reason = rw_kept(str(json_array_get(json_object_get(r, "reasonCode"), 0),
	    "text", NULL), false);
	if (rw_run(w, &row, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position, reason, started_at, closed_at, paused_ms, state)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "tiiitzzit", str(r, "id",
	    NULL), meeting, patient, pos, reason != NULL ? reason : "", start,
	    end, paused, state)) {
		json_object_set_new(w->slot, str(r, "id", NULL),
		    json_pack("[I, I]", (json_int_t)row, (json_int_t)(start != 0 ?
		    start : rw_ms(str(r, "meta", "lastUpdated")))));
		w->out->discussions++;
		mdt_uuid_new(uuid);
		rw_run(w, NULL, "INSERT INTO candidates (uuid, meeting_id,"
		    " patient_id, created_at) VALUES (?, ?, ?, ?)", "tiii", uuid,
		    meeting, patient, w->now);
	}
	free(reason);
}

/* The Encounters read that are ours, meetings (discussions: those part
 * of another), in order of their start: fn called on each. */
static void
encounters(struct rw *w, bool discussions, void (*fn)(struct rw *,
    json_t *))
{
	const char *key;
	json_t *res, **list = NULL;
	size_t n = 0, cap = 0;

	json_object_foreach(w->got, key, res)
		if (strcmp(str(res, "resourceType", NULL), "Encounter") == 0 &&
		    (json_object_get(res, "partOf") != NULL) == discussions &&
		    rw_ours(res)) {
			list = mdt_grow(list, n, &cap, sizeof(*list));
			list[n++] = res;
		}
	if (n > 0)
		qsort(list, n, sizeof(*list), by_start);
	for (size_t i = 0; i < n && !w->failed; i++)
		fn(w, list[i]);
	free(list);
}

/* The slot a reference names: slots.id, and when it started (ms). */
static int64_t
slot_of(struct rw *w, json_t *ref, int64_t *started)
{
	json_t *s = json_object_get(w->slot, rw_ref_id(w, ref, "Encounter"));

	if (started != NULL)
		*started = json_integer_value(json_array_get(s, 1));
	return json_integer_value(json_array_get(s, 0));
}

/* ---- the record of a discussion ----------------------------------------- */

static const struct {
	const char *code, *basis;
} bases[] = {
	{ "given", "given" },
	{ "best-interests", "best_interests" },
	{ "risk-to-others", "risk_to_others" },
};

static void
consent(struct rw *w, int64_t slot_id, int64_t at, json_t *c)
{
	json_t *rule = json_object_get(c, "policyRule"), *p, *a;
	const char *code = rw_code_in(rule, RW_CS "mdt-consent-basis");
	const char *text = str(rule, "text", NULL), *display = NULL, *just;
	char uuid[37], *kjust;
	int64_t row, when = rw_ms(str(c, "dateTime", NULL));
	size_t i, k, b;

	if (c == NULL || !rw_ours(c)) {
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
	kjust = rw_kept(just, true);
	mdt_strlcpy(uuid, str(c, "id", NULL), sizeof(uuid));
	if (rw_run(w, &row, "INSERT INTO consent (uuid, slot_id, basis,"
	    " justification, recorded_at) VALUES (?, ?, ?, ?, ?)", "titti",
	    uuid, slot_id, bases[b].basis, kjust, when != 0 ? when : at))
		json_array_foreach(json_object_get(json_object_get(c,
		    "provision"), "provision"), i, p)
			json_array_foreach(json_object_get(p, "actor"), k, a) {
				char *org = rw_kept(str(json_object_get(a,
				    "reference"), "display", NULL), false);

				if (org != NULL)
					rw_run(w, NULL, "INSERT OR IGNORE INTO"
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
notes(struct rw *w, int64_t slot_id, int64_t at, json_t *sec)
{
	json_t *ps = rw_paragraphs(str(sec, "text", "div")), *p;
	size_t i;

	json_array_foreach(ps, i, p) {
		const char *t = json_string_value(p);
		char uuid[37], *kt;

		if (correction_line(t) || (i == 0 && json_array_size(ps) == 1 &&
		    strcmp(t, "No notes.") == 0))
			continue;
		if ((kt = rw_kept(t, true)) == NULL)
			continue;
		mdt_uuid_new(uuid);
		rw_run(w, NULL, "INSERT INTO notes (uuid, slot_id, text,"
		    " created_at) VALUES (?, ?, ?, ?)", "titi", uuid, slot_id, kt,
		    at + (int64_t)i);
		free(kt);
	}
	json_decref(ps);
}

static void
record(struct rw *w, json_t *r)
{
	int64_t at, slot_id = slot_of(w, json_object_get(r, "encounter"), &at);
	json_t *sec, *authors = json_object_get(r, "author");
	size_t i;

	if (slot_id == 0)
		return;
	json_array_foreach(json_object_get(r, "section"), i, sec) {
		const char *code = rw_code_in(json_object_get(sec, "code"),
		    RW_CS "mdt-record-section");
		json_t *entry = json_array_get(json_object_get(sec, "entry"), 0);

		if (code == NULL)
			continue;
		if (strcmp(code, "consent") == 0)
			consent(w, slot_id, at, rw_got(w, "Consent", rw_ref_id(w, entry,
			    "Consent")));
		else if (strcmp(code, "notes") == 0)
			notes(w, slot_id, at, sec);
		else if (strcmp(code, "key-contact") == 0 &&
		    rw_person_of(w, entry) != 0)
			rw_run(w, NULL, "UPDATE patients SET key_contact_id = ?"
			    " WHERE id = (SELECT patient_id FROM slots"
			    " WHERE id = ?)", "ii", rw_person_of(w, entry), slot_id);
	}
	/* the chair's role, and the note-taker's when another's */
	if (rw_person_of(w, json_array_get(authors, 0)) != 0)
		rw_run(w, NULL, "UPDATE meetings SET chair_id = coalesce(chair_id,"
		    " ?) WHERE id = (SELECT meeting_id FROM slots WHERE id = ?)",
		    "ii", rw_person_of(w, json_array_get(authors, 0)), slot_id);
	if (rw_person_of(w, json_array_get(authors, 1)) != 0)
		rw_run(w, NULL, "UPDATE meetings SET notetaker_id = ? WHERE id ="
		    " (SELECT meeting_id FROM slots WHERE id = ?)", "ii",
		    rw_person_of(w, json_array_get(authors, 1)), slot_id);
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
		if (rw_code_in(json_object_get(c, "code"), RW_CS
		    "mdt-observation") != NULL && strcmp(rw_code_in(
		    json_object_get(c, "code"), RW_CS "mdt-observation"),
		    code) == 0 && mdt_date_strict(v = str(c, "valueDateTime",
		    NULL), NULL))
			return v;
	return NULL;
}

/* The outcome an Observation codes, as the store names it (stay,
 * step_down, close, died); NULL if none. */
const char *
rw_outcome_kind(json_t *r)
{
	const char *code = rw_code_in(json_object_get(r,
	    "valueCodeableConcept"), RW_CS "mdt-outcome");

	for (size_t k = 0; code != NULL && k < 4; k++)
		if (strcmp(outcome_kinds[k].code, code) == 0)
			return outcome_kinds[k].kind;
	return NULL;
}

static void
outcome(struct rw *w, json_t *r)
{
	int64_t at, slot_id = slot_of(w, json_object_get(r, "encounter"), &at);
	const char *kind = rw_outcome_kind(r), *status = str(r, "status", NULL);
	int64_t when = rw_ms(str(r, "effectiveDateTime", NULL));

	if (slot_id == 0 || status == NULL || strcmp(status,
	    "entered-in-error") == 0)
		return;		/* not of a discussion restored; withdrawn */
	if (kind == NULL) {
		w->out->skipped++;
		return;
	}
	/* recorded over another: the latest stands */
	rw_run(w, NULL, "DELETE FROM outcomes WHERE slot_id = ? AND recorded_at"
	    " <= ?", "ii", slot_id, when);
	rw_run(w, NULL, "INSERT OR IGNORE INTO outcomes (uuid, slot_id, kind,"
	    " review_date, recorded_at, died_on) VALUES (?, ?, ?, ?, ?, ?)",
	    "titti" "t", str(r, "id", NULL), slot_id, kind,
	    component(r, "review-date"), when != 0 ? when : at,
	    component(r, "date-of-death"));
}

/* ---- the actions -------------------------------------------------------- */

/* What the record says of the action's Task, as a pull keeps it: the
 * version read, its status, owner and latest note, taken as they are. */
static void
record_task(struct rw *w, int64_t action, json_t *r)
{
	int64_t lu = rw_ms(str(r, "meta", "lastUpdated"));
	int64_t modified = rw_ms(str(r, "lastModified", NULL));
	char *note = sync_task_note(r), *knote = rw_kept(note, true);
	char *owner = rw_kept(str(r, "owner", "display") != NULL ? str(r,
	    "owner", "display") : str(r, "owner", "reference"), false);

	if (str(r, "meta", "versionId") != NULL && lu != 0 &&
	    strcmp(str(r, "status", NULL), "requested") == 0)
		rw_run(w, NULL, "INSERT INTO record_tasks (action_id, version,"
		    " last_updated, status, modified, owner, note, seen_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "itititti", action,
		    str(r, "meta", "versionId"), lu, str(r, "status", NULL),
		    modified != 0 ? modified : lu, owner, knote, w->now);
	mdt_free_each(3, note, knote, owner);
}

static void
task(struct rw *w, json_t *r)
{
	const char *status = str(r, "status", NULL), *st;
	const char *due = str(json_object_get(r, "restriction"), "period",
	    "end");
	int64_t patient = rw_patient_of(w, json_object_get(r, "for"));
	int64_t owner = rw_person_of(w, json_object_get(r, "owner"));
	int64_t slot_id = slot_of(w, json_object_get(r, "encounter"), NULL);
	int64_t made = rw_ms(str(r, "authoredOn", NULL));
	int64_t closed = rw_ms(str(r, "lastModified", NULL)), withdrawn = 0;
	int64_t row;
	char *text;

	if (status == NULL)
		status = "";
	st = strcmp(status, "completed") == 0 ? "done" : strcmp(status,
	    "cancelled") == 0 || strcmp(status, "entered-in-error") == 0 ?
	    "cancelled" : strcmp(status, "requested") == 0 ? "open" : NULL;
	if (strcmp(status, "entered-in-error") == 0)
		withdrawn = closed != 0 ? closed : rw_ms(str(r, "meta",
		    "lastUpdated"));
	text = rw_kept(str(r, "description", NULL), true);
	if (st == NULL || patient == 0 || owner == 0 || text == NULL ||
	    !mdt_date_strict(due, NULL) || made == 0) {
		w->out->skipped++;
		free(text);
		return;
	}
	if (rw_run(w, &row, "INSERT INTO actions (uuid, patient_id, slot_id,"
	    " text, owner_id, due_date, status, created_at, closed_at, kind,"
	    " withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "tiztittiztz", str(r, "id", NULL), patient, slot_id, text, owner,
	    due, st, made, strcmp(st, "open") != 0 ? (closed != 0 ? closed :
	    made) : 0, strcmp(text, MDT_RELATIVES_TEXT) == 0 ?
	    "contact_relatives" : NULL, withdrawn)) {
		w->out->actions++;
		w->out->open_actions += strcmp(st, "open") == 0;
		record_task(w, row, r);
	}
	free(text);
}

void
restore_meetings(struct rw *w)
{
	encounters(w, false, meeting);
	encounters(w, true, slot);
	rw_each(w, "Composition", record);
	rw_each(w, "Observation", outcome);
	rw_each(w, "Task", task);
}
