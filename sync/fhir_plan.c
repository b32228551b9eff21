/*
 * fhir_plan.c - the joined-up plan as FHIR R4: a CarePlan per plan (its
 * problems as notes, no Conditions being written; its goals by
 * reference; each intervention an activity, the Task of its action or a
 * detail of its own), and a Goal per goal (the "I statement" in the
 * patient's or carer's words).  Sent only for a patient on the record,
 * traced (fhir_rows.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir.h"
#include "fhir_json.h"
#include "narrative.h"
#include "text.h"
#include "util.h"

/* A time kept (ms) as its local day; the patient's columns that
 * patient_at reads. */
#define DAY(col) "date(" col " / 1000, 'unixepoch', 'localtime')"
#define PATIENT_COLS "p.uuid, p.nhs_number, p.name"

/* The plan's status as R4 says it: an ended plan was revoked. */
static const char *
plan_status(const char *stored)
{
	if (strcmp(stored, "completed") == 0)
		return "completed";
	return strcmp(stored, "ended") == 0 ? "revoked" : "active";
}

/* The patient of columns col (uuid), col + 1 (NHS number) and col + 2
 * (name), by literal reference. */
static json_t *
patient_at(sqlite3_stmt *st, int col, sync_ref_fn dep, void *ctx)
{
	return fhir_patient_ref(fhir_col(st, col), fhir_col(st, col + 1),
	    fhir_col(st, col + 2), dep, ctx);
}

json_t *
fhir_build_goal(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_t *r, *notes;
	bool resolved, carer, ended;

	st = fhir_query_row(db, "SELECT i.text, i.whose,"
	    " i.resolved_at IS NOT NULL, coalesce(i.resolved_reason, ''), "
	    DAY("i.created_at") ", coalesce(" DAY("i.resolved_at") ", ''),"
	    " c.status, " PATIENT_COLS " FROM plan_items i JOIN care_plans c"
	    " ON c.id = i.plan_id JOIN patients p ON p.id = c.patient_id"
	    " WHERE i.uuid = ?1 AND i.kind = 'goal'", ref, "goal of a plan",
	    err, errlen);
	if (st == NULL)
		return NULL;
	resolved = fhir_coli(st, 2) != 0;
	carer = strcmp(fhir_col(st, 1), "carer") == 0;
	ended = strcmp(fhir_col(st, 6), "ended") == 0;
	r = fhir_resource(ref);
	json_object_set_new(r, "lifecycleStatus", fhir_str(resolved ?
	    "completed" : ended ? "cancelled" : "active"));
	if (resolved)
		json_object_set_new(r, "achievementStatus", json_pack("{s:[o]}",
		    "coding", fhir_coding("http://terminology.hl7.org/"
		    "CodeSystem/goal-achievement", "achieved", "Achieved")));
	json_object_set_new(r, "description", json_pack("{s:o}", "text",
	    fhir_str(fhir_col(st, 0))));
	json_object_set_new(r, "subject", patient_at(st, 7, dep, ctx));
	json_object_set_new(r, "startDate", fhir_str(fhir_col(st, 4)));
	if (resolved)
		json_object_set_new(r, "statusDate", fhir_str(fhir_col(st, 5)));
	/* in the patient's own words: expressed by them; a carer has no
	 * RelatedPerson on the record, so a note says whose words */
	if (!carer)
		json_object_set_new(r, "expressedBy", patient_at(st, 7, dep,
		    ctx));
	notes = json_array();
	if (carer)
		json_array_append_new(notes, json_pack("{s:s}", "text",
		    "In the words of the patient's carer"));
	if (resolved)
		json_array_append_new(notes, json_pack("{s:o}", "text",
		    fhir_str(fhir_col(st, 3))));
	if (json_array_size(notes) > 0)
		json_object_set_new(r, "note", notes);
	else
		json_decref(notes);
	json_object_set_new(r, "text", sync_narrative_line("Goal%s: %s%s",
	    carer ? " (the carer's words)" : "", fhir_col(st, 0),
	    resolved ? " (achieved)" : ""));
	fhir_done(st);
	return r;
}

/* The plan's items into the CarePlan r (and its narrative b): problems
 * as notes, goals by reference, interventions as activities. */
static bool
plan_items(sqlite3 *db, int64_t plan_id, json_t *r, struct sync_buf *b,
    sync_ref_fn dep, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_t *notes = json_array(), *goals = json_array();
	json_t *acts = json_array();
	int rc;

	st = fhir_query_id(db, "SELECT i.kind, i.uuid, i.text,"
	    " i.resolved_at IS NOT NULL, coalesce(i.resolved_reason, ''),"
	    " coalesce(a.uuid, '') FROM plan_items i LEFT JOIN actions a"
	    " ON a.id = i.action_id WHERE i.plan_id = ?1 ORDER BY i.position",
	    plan_id, err, errlen);
	if (st == NULL)
		goto fail;
	sync_buf_str(b, "<ul>");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = fhir_col(st, 0);
		bool done = fhir_coli(st, 3) != 0;
		char *line;

		sync_buf_str(b, "<li>");
		sync_narrative_fmt(b, "%s: %s%s", kind, fhir_col(st, 2),
		    done ? " (resolved)" : "");
		sync_buf_str(b, "</li>");
		if (strcmp(kind, "goal") == 0) {
			json_array_append_new(goals, fhir_ref_to(SYNC_GOAL,
			    fhir_col(st, 1), NULL, dep, ctx));
			continue;
		}
		if (strcmp(kind, "problem") == 0) {
			line = done ? mdt_xasprintf("Problem: %s (resolved: %s)",
			    fhir_col(st, 2), fhir_col(st, 4)) :
			    mdt_xasprintf("Problem: %s", fhir_col(st, 2));
			json_array_append_new(notes, json_pack("{s:s}", "text",
			    line));
			free(line);
		} else if (fhir_col(st, 5)[0] != '\0')
			json_array_append_new(acts, json_pack("{s:o}",
			    "reference", fhir_ref_to(SYNC_TASK,
			    fhir_col(st, 5), fhir_col(st, 2), dep, ctx)));
		else
			json_array_append_new(acts, json_pack("{s:{s:s,s:o}}",
			    "detail", "status", done ? "completed" :
			    "not-started", "description",
			    fhir_str(fhir_col(st, 2))));
	}
	sync_buf_str(b, "</ul>");
	fhir_done(st);
	if (rc != SQLITE_DONE) {
		mdt_set_err(err, errlen, "reading the store: %s",
		    sqlite3_errmsg(db));
		goto fail;
	}
	json_object_set_new(r, json_array_size(notes) > 0 ? "note" : "_n",
	    notes);
	json_object_set_new(r, json_array_size(goals) > 0 ? "goal" : "_g",
	    goals);
	json_object_set_new(r, json_array_size(acts) > 0 ? "activity" : "_a",
	    acts);
	json_object_del(r, "_n");
	json_object_del(r, "_g");
	json_object_del(r, "_a");
	return true;
fail:
	json_decref(notes);
	json_decref(goals);
	json_decref(acts);
	return false;
}

json_t *
fhir_build_careplan(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_t *r, *period;
	struct sync_buf b;
	const char *status;

	st = fhir_query_row(db, "SELECT c.id, c.status, " DAY("c.created_at")
	    ", coalesce(" DAY("c.ended_at") ", ''), c.created_at,"
	    " coalesce(c.next_review, ''), coalesce(c.end_reason, ''), "
	    PATIENT_COLS ", coalesce(k.uuid, ''),"
	    " coalesce(k.name, ''), coalesce(k.kind, ''),"
	    " coalesce((SELECT uuid FROM people WHERE kind = 'network'"
	    " ORDER BY id LIMIT 1), '')"
	    " FROM care_plans c JOIN patients p ON p.id = c.patient_id"
	    " LEFT JOIN people k ON k.id = p.key_contact_id"
	    " WHERE c.uuid = ?1", ref, "plan", err, errlen);
	if (st == NULL)
		return NULL;
	status = plan_status(fhir_col(st, 1));
	r = fhir_resource(ref);
	json_object_set_new(r, "status", fhir_str(status));
	json_object_set_new(r, "intent", fhir_str("plan"));
	json_object_set_new(r, "category", json_pack("[o]", fhir_concept(
	    MDT_CS "mdt-careplan", "joined-up", "Joined-up plan",
	    "Joined-up plan of the integrated care network")));
	json_object_set_new(r, "title", fhir_str("Joined-up plan"));
	json_object_set_new(r, "subject", patient_at(st, 7, dep, ctx));
	period = json_pack("{s:o}", "start", fhir_str(fhir_col(st, 2)));
	if (fhir_col(st, 3)[0] != '\0')
		json_object_set_new(period, "end", fhir_str(fhir_col(st, 3)));
	json_object_set_new(r, "period", period);
	json_object_set_new(r, "created", fhir_when(fhir_coli(st, 4)));
	/* the key contact coordinates the plan; the network's team holds it */
	if (fhir_col(st, 10)[0] != '\0')
		json_object_set_new(r, "author", fhir_ref_to(strcmp(
		    fhir_col(st, 12), "person") == 0 ? SYNC_ROLE : SYNC_TEAM,
		    fhir_col(st, 10), fhir_col(st, 11), dep, ctx));
	if (fhir_col(st, 13)[0] != '\0')
		json_object_set_new(r, "careTeam", json_pack("[o]",
		    fhir_ref_to(SYNC_TEAM, fhir_col(st, 13), NULL, dep, ctx)));
	if (fhir_col(st, 5)[0] != '\0' || fhir_col(st, 6)[0] != '\0') {
		char *d = fhir_col(st, 6)[0] != '\0' ?
		    mdt_xasprintf("Ended: %s", fhir_col(st, 6)) :
		    mdt_xasprintf("Next review %s", fhir_col(st, 5));

		json_object_set_new(r, "description", fhir_str(d));
		free(d);
	}
	sync_narrative_open(&b);
	sync_buf_str(&b, "<p>");
	sync_narrative_fmt(&b, "Joined-up plan (%s)", status);
	sync_buf_str(&b, "</p>");
	if (!plan_items(db, fhir_coli(st, 0), r, &b, dep, ctx, err, errlen)) {
		free(b.s);
		json_decref(r);
		fhir_done(st);
		return NULL;
	}
	json_object_set_new(r, "text", sync_narrative(&b));
	fhir_done(st);
	return r;
}
