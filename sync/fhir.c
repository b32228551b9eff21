/*
 * fhir.c - how the meeting becomes FHIR R4 resources (docs/fhir-mapping.md
 * says why): which resources an outbox row changes, each resource built
 * from the store as it stands, the references between them (so that the
 * engine sends what a resource refers to first).  Reads the store
 * through plain SQL on the shared connection; writes nothing.  A
 * resource's type, id and content hash are resource.c's, its narrative
 * narrative.c's, the small pieces it is built of (rows, JSON values,
 * references) fhir_json.c's; what the server's replies say is reply.c's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir.h"
#include "fhir_json.h"
#include "mdt.h"
#include "narrative.h"
#include "rstring.h"
#include "text.h"
#include "util.h"

/* ---- the resources --------------------------------------------------- */

/*
 * Encounter.type: the meeting is SNOMED CT's multidisciplinary care
 * conference; one patient's discussion within it is a code of ours, so
 * that a search by type tells the two apart (partOf says which meeting).
 */
static json_t *
encounter_type(bool meeting)
{
	json_t *c;

	if (!meeting)
		return json_pack("[o]", fhir_concept(MDT_CS "mdt-encounter",
		    "discussion", "Discussion of a patient at a"
		    " multidisciplinary team meeting", NULL));
	c = fhir_concept(SNOMED, "384682003",
	    "Multidisciplinary care conference", NULL);
	json_array_append_new(json_object_get(c, "coding"), fhir_coding(
	    MDT_CS "mdt-encounter", "meeting",
	    "Multidisciplinary team meeting"));
	return json_pack("[o]", c);
}

static json_t *
encounter_class(void)
{
	return fhir_coding("http://terminology.hl7.org/CodeSystem/v3-ActCode",
	    "AMB", "ambulatory");
}

static json_t *
build_meeting(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st, *pt;
	json_t *r, *parts;
	const char *state;
	struct sync_buf b;
	int64_t id, start;
	char venue[256], place[37];

	st = fhir_query_row(db,
	    "SELECT m.id, m.title, v.name, m.scheduled_start,"
	    " m.state, m.opened_at, m.closed_at FROM meetings m"
	    " LEFT JOIN venues v ON v.id = m.venue_id WHERE m.uuid = ?1",
	    ref, "meeting", err, errlen);
	if (st == NULL)
		return NULL;
	id = fhir_coli(st, 0);
	state = fhir_col(st, 4);
	r = fhir_resource(ref);
	json_object_set_new(r, "status", fhir_str(strcmp(state, "closed") == 0 ?
	    "finished" : strcmp(state, "open") == 0 ? "in-progress" :
	    "planned"));
	json_object_set_new(r, "class", encounter_class());
	json_object_set_new(r, "type", encounter_type(true));
	start = fhir_coli(st, 5) != 0 ? fhir_coli(st, 5) : fhir_coli(st, 3);
	json_object_set_new(r, "period", json_pack("{s:o}", "start",
	    fhir_when(start)));
	if (fhir_coli(st, 6) != 0)
		json_object_set_new(json_object_get(r, "period"), "end",
		    fhir_when(fhir_coli(st, 6)));
	mdt_strlcpy(venue, fhir_col(st, 2), sizeof(venue));
	if (mdt_venue_uuid(venue, place))
		json_object_set_new(r, "location", json_pack("[{s:o}]",
		    "location", fhir_ref_to(SYNC_LOCATION, place, venue, dep,
		    ctx)));
	sync_narrative_open(&b);
	sync_buf_str(&b, "<p>");
	sync_narrative_fmt(&b, "Multidisciplinary team meeting: %s",
	    fhir_col(st, 1));
	if (venue[0] != '\0')
		sync_narrative_fmt(&b, ", at %s", venue);
	sync_buf_str(&b, "</p>");
	fhir_done(st);

	/* attendance: those marked present */
	/* attendance: those marked present (who left early too: they
	 * took part), with when they came and went when known; the chair as
	 * the primary performer */
	pt = fhir_query_id(db, "SELECT p.uuid, p.name, p.role,"
	    " coalesce(a.arrived_at, 0), coalesce(a.left_at, 0),"
	    " p.id = coalesce(m.chair_id, 0) FROM attendance a"
	    " JOIN people p ON p.id = a.person_id"
	    " JOIN meetings m ON m.id = a.meeting_id WHERE a.meeting_id = ?1"
	    " AND a.status = 'present' ORDER BY p.name, p.id", id, err,
	    errlen);
	if (pt == NULL) {
		free(b.s);
		json_decref(r);
		return NULL;
	}
	parts = json_array();
	while (sqlite3_step(pt) == SQLITE_ROW) {
		json_t *type = json_pack("{s:[o]}", "coding", fhir_coding(
		    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
		    "PART", "Participation"));

		json_t *part, *types, *period;

		if (fhir_col(pt, 2)[0] != '\0')
			json_object_set_new(type, "text",
			    fhir_str(fhir_col(pt, 2)));
		types = json_pack("[o]", type);
		if (fhir_coli(pt, 5) != 0)
			json_array_append_new(types, json_pack("{s:[o], s:s}",
			    "coding", fhir_coding("http://terminology.hl7.org/"
			    "CodeSystem/v3-ParticipationType", "PPRF",
			    "primary performer"), "text", "Chair"));
		part = json_pack("{s:o, s:o}", "type", types, "individual",
		    fhir_ref_to(SYNC_PRACTITIONER, fhir_col(pt, 0),
		    fhir_col(pt, 1), dep, ctx));
		if (fhir_coli(pt, 3) != 0 || fhir_coli(pt, 4) != 0) {
			period = json_object();
			if (fhir_coli(pt, 3) != 0)
				json_object_set_new(period, "start",
				    fhir_when(fhir_coli(pt, 3)));
			if (fhir_coli(pt, 4) != 0)
				json_object_set_new(period, "end",
				    fhir_when(fhir_coli(pt, 4)));
			json_object_set_new(part, "period", period);
		}
		json_array_append_new(parts, part);
	}
	fhir_done(pt);
	if (json_array_size(parts) > 0) {
		json_object_set_new(r, "participant", parts);
		sync_narrative_fmt(&b, "Present: %zu.", json_array_size(parts));
	} else
		json_decref(parts);
	json_object_set_new(r, "text", sync_narrative(&b));
	return r;
}

static json_t *
build_discussion(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	struct mdt_slot_times t;
	enum mdt_slot_state sst;
	sqlite3_stmt *st;
	const char *state, *status;
	bool closed;
	json_t *r;

	st = fhir_query_row(db, "SELECT s.state, s.started_at, s.paused_at,"
	    " s.closed_at, s.paused_ms, s.planned_seconds,"
	    " s.extended_seconds, s.reason, p.nhs_number, p.name, m.uuid,"
	    " m.state, " SYNC_DISCUSSED("s") ", p.uuid FROM slots s"
	    " JOIN patients p ON p.id = s.patient_id"
	    " JOIN meetings m ON m.id = s.meeting_id WHERE s.uuid = ?1",
	    ref, "discussion", err, errlen);
	if (st == NULL)
		return NULL;
	if (fhir_coli(st, 12) == 0) {
		/* never discussed: nothing of the patient; an Encounter that
		 * an older version sent is withdrawn */
		r = fhir_resource(ref);
		json_object_set_new(r, "status", fhir_str("entered-in-error"));
		json_object_set_new(r, "class", encounter_class());
		json_object_set_new(r, "partOf", fhir_ref_to(SYNC_MEETING,
		    fhir_col(st, 10), NULL, dep, ctx));
		fhir_done(st);
		return r;
	}
	state = fhir_col(st, 0);
	closed = strcmp(fhir_col(st, 11), "closed") == 0;
	if (strcmp(state, "done") == 0)
		status = "finished";
	else if (strcmp(state, "pending") == 0)
		status = closed ? "cancelled" : "planned";
	else
		status = closed ? "finished" : "in-progress";
	r = fhir_resource(ref);
	json_object_set_new(r, "status", fhir_str(status));
	json_object_set_new(r, "class", encounter_class());
	json_object_set_new(r, "type", encounter_type(false));
	json_object_set_new(r, "subject", fhir_patient_ref(fhir_col(st, 13),
	    fhir_col(st, 8), fhir_col(st, 9), dep, ctx));
	if (fhir_coli(st, 1) != 0) {
		json_t *period = json_pack("{s:o}", "start",
		    fhir_when(fhir_coli(st, 1)));

		if (fhir_coli(st, 3) != 0)
			json_object_set_new(period, "end",
			    fhir_when(fhir_coli(st, 3)));
		json_object_set_new(r, "period", period);
	}
	if (strcmp(state, "done") == 0) {
		memset(&t, 0, sizeof(t));
		t.started_at = fhir_coli(st, 1);
		t.paused_at = fhir_coli(st, 2);
		t.closed_at = fhir_coli(st, 3);
		t.paused_ms = fhir_coli(st, 4);
		t.planned_s = (int)fhir_coli(st, 5);
		t.extended_s = (int)fhir_coli(st, 6);
		sst = MDT_SLOT_DONE;
		json_object_set_new(r, "length", json_pack(
		    "{s:I, s:s, s:s, s:s}", "value", (json_int_t)(
		    mdt_slot_elapsed_ms(sst, &t, t.closed_at) / 1000),
		    "unit", "s", "system", "http://unitsofmeasure.org",
		    "code", "s"));
	}
	if (fhir_col(st, 7)[0] != '\0')
		json_object_set_new(r, "reasonCode", json_pack("[{s:s}]",
		    "text", fhir_col(st, 7)));
	json_object_set_new(r, "partOf",
	    fhir_ref_to(SYNC_MEETING, fhir_col(st, 10), NULL, dep, ctx));
	json_object_set_new(r, "text", sync_narrative_line("Discussion of %s"
	    " at a multidisciplinary team meeting (%s)%s%s", fhir_col(st, 9),
	    status, fhir_col(st, 7)[0] != '\0' ? ": " : ".",
	    fhir_col(st, 7)));
	fhir_done(st);
	return r;
}

static const struct coded outcomes[] = {
	{ "stay", "stay", "Stay on the caseload" },
	{ "step_down", "step-down", "Step down to the rising-risk group" },
	{ "close", "close", "Close: leave the caseload" },
	{ "died", "died", "Died" },
};

static json_t *
build_outcome(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	const struct coded *o;
	sqlite3_stmt *st;
	json_t *r;

	/* recorded over another: amended; withdrawn (gone from the
	 * outcomes): entered in error, as its correction kept it */
	st = fhir_query_row(db,
	    "SELECT o.kind, o.review_date, o.recorded_at, s.uuid,"
	    " p.nhs_number, p.name, o.died_on, CASE WHEN EXISTS (SELECT 1"
	    " FROM corrections WHERE entity_uuid = o.uuid) THEN 'amended'"
	    " ELSE 'final' END, p.uuid FROM outcomes o"
	    " JOIN slots s ON s.id = o.slot_id"
	    " JOIN patients p ON p.id = s.patient_id WHERE o.uuid = ?1"
	    " UNION ALL SELECT json_extract(c.original, '$.kind'),"
	    " json_extract(c.original, '$.review_date'),"
	    " json_extract(c.original, '$.recorded_at'), s.uuid,"
	    " p.nhs_number, p.name, json_extract(c.original, '$.died_on'),"
	    " 'entered-in-error', p.uuid FROM corrections c"
	    " JOIN slots s ON s.id = c.slot_id"
	    " JOIN patients p ON p.id = s.patient_id"
	    " WHERE c.entity_uuid = ?1 AND c.kind = 'entered-in-error'"
	    " AND NOT EXISTS (SELECT 1 FROM outcomes WHERE uuid = ?1)",
	    ref, "outcome", err, errlen);
	if (st == NULL)
		return NULL;
	o = CODED_NEEDED(outcomes, fhir_col(st, 0), ref, "outcome", "kind",
	    err, errlen);
	if (o == NULL) {
		fhir_done(st);
		return NULL;
	}
	r = fhir_resource(ref);
	json_object_set_new(r, "status", fhir_str(fhir_col(st, 7)));
	json_object_set_new(r, "code", fhir_concept(MDT_CS "mdt-observation",
	    "mdt-outcome", "Outcome of a multidisciplinary team discussion",
	    "MDT outcome"));
	json_object_set_new(r, "subject", fhir_patient_ref(fhir_col(st, 8),
	    fhir_col(st, 4), fhir_col(st, 5), dep, ctx));
	json_object_set_new(r, "encounter", fhir_ref_to(SYNC_DISCUSSION,
	    fhir_col(st, 3), NULL, dep, ctx));
	json_object_set_new(r, "effectiveDateTime",
	    fhir_when(fhir_coli(st, 2)));
	json_object_set_new(r, "valueCodeableConcept", fhir_concept(
	    MDT_CS "mdt-outcome", o->code, o->display, o->display));
	/* a death is SNOMED CT's Dead (finding) too; the caseload's other
	 * outcomes have no national code */
	if (strcmp(o->code, "died") == 0)
		json_array_append_new(json_object_get(json_object_get(r,
		    "valueCodeableConcept"), "coding"), fhir_coding(SNOMED,
		    "419099009", "Dead"));
	if (fhir_col(st, 1)[0] != '\0')
		json_object_set_new(r, "component", json_pack(
		    "[{s:{s:[o], s:s}, s:s}]", "code", "coding", fhir_coding(
		    MDT_CS "mdt-observation", "review-date", "Review date"),
		    "text", "Review date", "valueDateTime", fhir_col(st, 1)));
	if (fhir_col(st, 6)[0] != '\0') {
		json_t *comp = json_object_get(r, "component");

		if (comp == NULL) {
			comp = json_array();
			json_object_set_new(r, "component", comp);
		}
		json_array_append_new(comp, json_pack("{s:{s:[o], s:s}, s:s}",
		    "code", "coding", fhir_coding(MDT_CS "mdt-observation",
		    "date-of-death", "Date of death"), "text", "Date of death",
		    "valueDateTime", fhir_col(st, 6)));
	}
	json_object_set_new(r, "text", sync_narrative_line("Outcome of the"
	    " discussion: %s%s%s%s%s.", o->display,
	    fhir_col(st, 1)[0] != '\0' ? "; review by " : "", fhir_col(st, 1),
	    fhir_col(st, 6)[0] != '\0' ? "; died on " : "", fhir_col(st, 6)));
	fhir_done(st);
	return r;
}

static const char *
task_status(const char *s)
{
	if (strcmp(s, "done") == 0)
		return "completed";
	if (strcmp(s, "cancelled") == 0)
		return "cancelled";
	return "requested";
}

static json_t *
build_task(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_t *r;

	st = fhir_query_row(db,
	    "SELECT a.text, a.due_date, a.status, a.created_at,"
	    " a.closed_at, o.uuid, o.name, p.nhs_number, p.name, s.uuid,"
	    " a.withdrawn_at, p.uuid, o.kind <> 'person'"
	    " FROM actions a JOIN people o ON o.id = a.owner_id"
	    " JOIN patients p ON p.id = a.patient_id"
	    " LEFT JOIN slots s ON s.id = a.slot_id WHERE a.uuid = ?1",
	    ref, "action", err, errlen);
	if (st == NULL)
		return NULL;
	r = fhir_resource(ref);
	/* withdrawn: entered in error, not cancelled */
	json_object_set_new(r, "status", fhir_str(fhir_coli(st, 10) != 0 ?
	    "entered-in-error" : task_status(fhir_col(st, 2))));
	json_object_set_new(r, "intent", fhir_str("order"));
	json_object_set_new(r, "description", fhir_str(fhir_col(st, 0)));
	json_object_set_new(r, "for",
	    fhir_patient_ref(fhir_col(st, 11), fhir_col(st, 7),
	    fhir_col(st, 8), dep, ctx));
	if (fhir_col(st, 9)[0] != '\0')
		json_object_set_new(r, "encounter", fhir_ref_to(SYNC_DISCUSSION,
		    fhir_col(st, 9), NULL, dep, ctx));
	json_object_set_new(r, "authoredOn", fhir_when(fhir_coli(st, 3)));
	if (fhir_coli(st, 4) != 0 && fhir_coli(st, 4) >= fhir_coli(st, 3))
		json_object_set_new(r, "lastModified",
		    fhir_when(fhir_coli(st, 4)));
	/* the owner's role in their organisation, or the team given it */
	json_object_set_new(r, "owner",
	    fhir_ref_to(fhir_coli(st, 12) != 0 ? SYNC_TEAM : SYNC_ROLE,
	    fhir_col(st, 5), fhir_col(st, 6), dep, ctx));
	/* the due date: the period in which the action must be done */
	json_object_set_new(r, "restriction", json_pack("{s:{s:s}}",
	    "period", "end", fhir_col(st, 1)));
	json_object_set_new(r, "text", sync_narrative_line("%s (owner %s,"
	    " due %s, %s)", fhir_col(st, 0), fhir_col(st, 6), fhir_col(st, 1),
	    fhir_coli(st, 10) != 0 ? "withdrawn" : fhir_col(st, 2)));
	fhir_done(st);
	return r;
}

static json_t *
section(const char *code, const char *title, struct sync_buf *text)
{
	return json_pack("{s:s, s:o, s:o}", "title", title, "code",
	    fhir_concept(MDT_CS "mdt-record-section", code, title, NULL),
	    "text", sync_narrative(text));
}

static void
add_entry(json_t *sec, json_t *ref)
{
	json_t *entries = json_object_get(sec, "entry");

	if (entries == NULL) {
		entries = json_array();
		json_object_set_new(sec, "entry", entries);
	}
	json_array_append_new(entries, ref);
}

/* An entry of the section for the resource of uuid, if there is one. */
static void
add_entry_of(json_t *sec, enum sync_kind kind, const char *uuid,
    const char *display, sync_ref_fn dep, void *ctx)
{
	if (uuid[0] != '\0')
		add_entry(sec, fhir_ref_to(kind, uuid, display, dep, ctx));
}

/*
 * What was corrected of the slot's entity ("note", "action"): one line
 * each, who and when, never the text (what was withdrawn is not the
 * record's any more, and what was replaced is said by the new text).
 * 0, or -1 with err.
 */
static int
record_corrections(sqlite3 *db, int64_t slot_id, const char *entity,
    struct sync_buf *b, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	st = fhir_query_id(db, "SELECT kind, at, actor FROM corrections"
	    " WHERE slot_id = ?1 AND entity = ?2 ORDER BY at, id", slot_id,
	    err, errlen);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 2, entity, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char iso[21];

		mdt_iso_utc(fhir_coli(st, 1), iso);
		sync_buf_str(b, "<p>");
		sync_narrative_fmt(b, "A%s %s was %s on %s by %s.",
		    strchr("aeiou", entity[0]) != NULL ? "n" : "", entity,
		    strcmp(fhir_col(st, 0), "superseded") == 0 ? "corrected" :
		    "withdrawn (entered in error)", iso, fhir_col(st, 2));
		sync_buf_str(b, "</p>");
	}
	fhir_done(st);
	if (rc != SQLITE_DONE) {
		mdt_set_err(err, errlen, "reading the corrections: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* The section code of the record, its narrative text with what was
 * corrected of entity after it; NULL (text freed, err) on failure. */
static json_t *
corrected_section(sqlite3 *db, int64_t slot_id, const char *entity,
    const char *code, const char *title, struct sync_buf *text, char *err,
    size_t errlen)
{
	if (record_corrections(db, slot_id, entity, text, err, errlen) != 0) {
		free(text->s);
		return NULL;
	}
	return section(code, title, text);
}

/* The notes section. */
static json_t *
record_notes(sqlite3 *db, int64_t slot_id, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	struct sync_buf b;
	int n = 0;

	st = fhir_query_id(db, "SELECT text FROM notes WHERE slot_id = ?1"
	    " ORDER BY created_at, id", slot_id, err, errlen);
	if (st == NULL)
		return NULL;
	sync_narrative_open(&b);
	while (sqlite3_step(st) == SQLITE_ROW) {
		sync_buf_str(&b, "<p>");
		sync_narrative_text(&b, fhir_col(st, 0));
		sync_buf_str(&b, "</p>");
		n++;
	}
	fhir_done(st);
	if (n == 0)
		sync_buf_str(&b, "<p>No notes.</p>");
	return corrected_section(db, slot_id, "note", "notes", "Notes", &b,
	    err, errlen);
}

/* The actions section: those agreed in this discussion. */
static json_t *
record_actions(sqlite3 *db, int64_t slot_id, sync_ref_fn dep, void *ctx,
    char *err, size_t errlen)
{
	sqlite3_stmt *st;
	struct sync_buf b;
	json_t *sec, *entries;
	int n = 0;

	st = fhir_query_id(db, "SELECT a.uuid, a.text, p.name, a.due_date,"
	    " a.status FROM actions a JOIN people p ON p.id = a.owner_id"
	    " WHERE a.slot_id = ?1 AND a.withdrawn_at IS NULL"
	    " ORDER BY a.created_at, a.id", slot_id, err, errlen);
	if (st == NULL)
		return NULL;
	sync_narrative_open(&b);
	entries = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			sync_buf_str(&b, "<ul>");
		sync_buf_str(&b, "<li>");
		sync_narrative_fmt(&b, "%s (owner %s, due %s, %s)",
		    fhir_col(st, 1),
		    fhir_col(st, 2), fhir_col(st, 3), fhir_col(st, 4));
		sync_buf_str(&b, "</li>");
		json_array_append_new(entries,
		    fhir_ref_to(SYNC_TASK, fhir_col(st, 0), NULL, dep, ctx));
	}
	fhir_done(st);
	if (n > 0)
		sync_buf_str(&b, "</ul>");
	else
		sync_buf_str(&b, "<p>No actions agreed.</p>");
	sec = corrected_section(db, slot_id, "action", "actions", "Actions",
	    &b, err, errlen);
	if (sec == NULL) {
		json_decref(entries);
		return NULL;
	}
	if (json_array_size(entries) > 0)
		json_object_set_new(sec, "entry", entries);
	else
		json_decref(entries);
	return sec;
}

/*
 * Composition.author: the team writes the record, but R4 allows no
 * CareTeam there; so the chair's and the note-taker's roles (columns
 * first..first+3: uuid and name of each), or when neither is recorded
 * the meeting's title (column 4) as a display.
 */
static json_t *
record_authors(sqlite3_stmt *st, int first, sync_ref_fn dep, void *ctx)
{
	json_t *a = json_array();
	int i;

	for (i = first; i <= first + 2; i += 2)
		if (fhir_col(st, i)[0] != '\0' && (i == first ||
		    strcmp(fhir_col(st, i), fhir_col(st, first)) != 0))
			json_array_append_new(a, fhir_ref_to(SYNC_ROLE,
			    fhir_col(st, i), fhir_col(st, i + 1), dep, ctx));
	if (json_array_size(a) == 0)
		json_array_append_new(a, json_pack("{s:s}", "display",
		    fhir_col(st, 4)[0] != '\0' ? fhir_col(st, 4) :
		    "Multidisciplinary team"));
	return a;
}

static json_t *
build_record(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	const struct coded *o;
	const struct coded *basis;
	sqlite3_stmt *st;
	json_t *r, *sections, *sec, *orgs;
	struct sync_buf b;
	int64_t slot_id, date;
	bool final, discussed;

	st = fhir_query_row(db,
	    "SELECT s.id, s.state, s.started_at, s.closed_at,"
	    " m.title, m.state, m.scheduled_start, p.nhs_number, p.name,"
	    " kc.uuid, kc.name, kc.role, c.uuid, c.basis, c.justification,"
	    " c.recorded_at, o.uuid, o.kind, o.review_date, o.recorded_at,"
	    " (SELECT max(created_at) FROM notes WHERE slot_id = s.id),"
	    " (SELECT max(max(created_at), coalesce(max(closed_at), 0))"
	    "  FROM actions WHERE slot_id = s.id), " SYNC_DISCUSSED("s") ","
	    " (SELECT max(at) FROM corrections WHERE slot_id = s.id), p.uuid,"
	    " ch.uuid, ch.name, nt.uuid, nt.name"
	    " FROM slots s JOIN meetings m ON m.id = s.meeting_id"
	    " LEFT JOIN people ch ON ch.id = m.chair_id"
	    " LEFT JOIN people nt ON nt.id = m.notetaker_id"
	    " JOIN patients p ON p.id = s.patient_id"
	    " LEFT JOIN people kc ON kc.id = p.key_contact_id"
	    " LEFT JOIN consent c ON c.slot_id = s.id"
	    " LEFT JOIN outcomes o ON o.slot_id = s.id WHERE s.uuid = ?1",
	    ref, "discussion", err, errlen);
	if (st == NULL)
		return NULL;
	slot_id = fhir_coli(st, 0);
	final = strcmp(fhir_col(st, 1), "done") == 0 ||
	    strcmp(fhir_col(st, 5), "closed") == 0;
	/* when the record was last edited: closing it, else the latest of
	 * what it holds */
	date = fhir_coli(st, 3);
	if (date == 0) {
		int cols[] = { 2, 15, 19, 20, 21, 23 };
		size_t i;

		for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
			if (fhir_coli(st, cols[i]) > date)
				date = fhir_coli(st, cols[i]);
		if (date == 0)
			date = fhir_coli(st, 6);
	}
	r = fhir_resource(ref);
	/* never discussed (no consent): nothing of the patient; a record
	 * that an older version sent is withdrawn */
	discussed = fhir_coli(st, 22) != 0;
	json_object_set_new(r, "status", fhir_str(!discussed ?
	    "entered-in-error" : final && fhir_coli(st, 23) != 0 ? "amended" :
	    final ? "final" : "preliminary"));
	json_object_set_new(r, "type", fhir_concept(SNOMED, "444804000",
	    "Multidisciplinary care conference report",
	    "Multidisciplinary team discussion record"));
	if (discussed) {
		json_object_set_new(r, "subject",
		    fhir_patient_ref(fhir_col(st, 24), fhir_col(st, 7),
		    fhir_col(st, 8), dep, ctx));
		json_object_set_new(r, "encounter", fhir_ref_to(SYNC_DISCUSSION,
		    ref->uuid, NULL, dep, ctx));
	}
	json_object_set_new(r, "date", fhir_when(date));
	json_object_set_new(r, "author", record_authors(st, 25, dep, ctx));
	json_object_set_new(r, "title", fhir_str("Multidisciplinary team"
	    " discussion"));
	if (!discussed) {
		fhir_done(st);
		return r;
	}
	sections = json_array();

	/* consent */
	orgs = fhir_exclusions_of(db, slot_id, err, errlen);
	if (orgs == NULL)
		goto fail;
	sync_narrative_open(&b);
	basis = CODED_OF(fhir_bases, fhir_col(st, 13));
	sync_buf_str(&b, "<p>");
	/* discussed without: after a death, which a dead patient cannot
	 * consent to */
	sync_narrative_text(&b, basis != NULL ? basis->display :
	    strcmp(fhir_col(st, 17), "died") == 0 ? "Not asked: the patient has"
	    " died." : "Not recorded.");
	if (fhir_col(st, 14)[0] != '\0') {
		sync_buf_str(&b, "</p><p>Justification: ");
		sync_narrative_text(&b, fhir_col(st, 14));
	}
	sync_buf_str(&b, "</p>");
	fhir_buf_exclusions(&b, orgs);
	json_decref(orgs);
	sec = corrected_section(db, slot_id, "consent", "consent",
	    "Consent to be discussed", &b, err, errlen);
	if (sec == NULL)
		goto fail;
	add_entry_of(sec, SYNC_CONSENT, fhir_col(st, 12), NULL, dep, ctx);
	json_array_append_new(sections, sec);

	/* notes */
	sec = record_notes(db, slot_id, err, errlen);
	if (sec == NULL)
		goto fail;
	json_array_append_new(sections, sec);

	/* outcome */
	sync_narrative_open(&b);
	o = CODED_OF(outcomes, fhir_col(st, 17));
	sync_buf_str(&b, "<p>");
	sync_narrative_text(&b, o != NULL ? o->display : "Not recorded.");
	if (fhir_col(st, 18)[0] != '\0')
		sync_narrative_fmt(&b, " Review by %s.", fhir_col(st, 18));
	sync_buf_str(&b, "</p>");
	sec = corrected_section(db, slot_id, "outcome", "outcome", "Outcome",
	    &b, err, errlen);
	if (sec == NULL)
		goto fail;
	add_entry_of(sec, SYNC_OUTCOME, fhir_col(st, 16), NULL, dep, ctx);
	json_array_append_new(sections, sec);

	/* key contact */
	sync_narrative_open(&b);
	sync_buf_str(&b, "<p>");
	if (fhir_col(st, 9)[0] != '\0') {
		sync_narrative_text(&b, fhir_col(st, 10));
		if (fhir_col(st, 11)[0] != '\0')
			sync_narrative_fmt(&b, " (%s)", fhir_col(st, 11));
	} else
		sync_buf_str(&b, "None named.");
	sync_buf_str(&b, "</p>");
	sec = section("key-contact", "Key contact", &b);
	add_entry_of(sec, SYNC_PRACTITIONER, fhir_col(st, 9), fhir_col(st, 10),
	    dep, ctx);
	json_array_append_new(sections, sec);

	/* actions */
	sec = record_actions(db, slot_id, dep, ctx, err, errlen);
	if (sec == NULL)
		goto fail;
	json_array_append_new(sections, sec);

	json_object_set_new(r, "section", sections);
	fhir_done(st);
	return r;

fail:
	json_decref(sections);
	json_decref(r);
	fhir_done(st);
	return NULL;
}

/* Each kind of resource: its FHIR type, and how it is built from the
 * store. */
static const struct {
	const char *type;
	fhir_build_fn build;
} kinds[SYNC_N_KINDS] = {
	[SYNC_PRACTITIONER] = { "Practitioner", fhir_build_people },
	[SYNC_MEETING] = { "Encounter", build_meeting },
	[SYNC_DISCUSSION] = { "Encounter", build_discussion },
	[SYNC_CONSENT] = { "Consent", fhir_build_consent },
	[SYNC_OUTCOME] = { "Observation", build_outcome },
	[SYNC_TASK] = { "Task", build_task },
	[SYNC_RECORD] = { "Composition", build_record },
	[SYNC_PATIENT] = { "Patient", fhir_build_patient },
	[SYNC_ROLE] = { "PractitionerRole", fhir_build_people },
	[SYNC_ORGANIZATION] = { "Organization", fhir_build_people },
	[SYNC_LOCATION] = { "Location", fhir_build_people },
	[SYNC_TEAM] = { "CareTeam", fhir_build_people },
	[SYNC_DEATH] = { "Observation", fhir_build_people },
	[SYNC_REFERRAL] = { "ServiceRequest", fhir_build_referral },
	[SYNC_FLAG] = { "Flag", fhir_build_people },
	[SYNC_GOAL] = { "Goal", fhir_build_goal },
	[SYNC_CAREPLAN] = { "CarePlan", fhir_build_careplan },
};

const char *
sync_kind_type(enum sync_kind k)
{
	return (unsigned)k < SYNC_N_KINDS ? kinds[k].type : "?";
}

json_t *
sync_map_build(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	json_t *r;

	if ((unsigned)ref->kind >= SYNC_N_KINDS) {
		mdt_set_err(err, errlen, "unknown resource kind %d",
		    (int)ref->kind);
		return NULL;
	}
	r = kinds[ref->kind].build(db, ref, dep, ctx, err, errlen);
	/* whatever the store holds, what is sent is valid R4 text */
	sync_rstring_clean(r);
	return r;
}
