/*
 * restore_plan.c - what the central record holds of the patients
 * restored besides their discussions, written into the new store
 * (restore.h): each one's joined-up plan (CarePlan, its problems as
 * notes, its goals as Goals, its interventions as activities, in the
 * order its narrative lists them), the referrals discussed
 * (ServiceRequest), the stays on the rising-risk register (Flag) and a
 * death recorded between meetings (Observation of no discussion).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "mdt.h"
#include "reply.h"
#include "restore.h"
#include "text.h"
#include "util.h"

static const char *(*const str)(json_t *, const char *, const char *) =
    sync_json_str;

/* Who is named as having written what the record does not say who
 * wrote. */
#define FROM_RECORD "the central record"

/* A day ("YYYY-MM-DD") as ms at its local noon; 0 if not a day. */
static int64_t
day_ms(const char *day)
{
	int64_t ms = rw_ms(day);
	char *noon;

	if (ms != 0 || !mdt_date_strict(day, NULL))
		return ms;
	noon = mdt_xasprintf("%sT12:00:00Z", day);
	ms = rw_ms(noon);
	free(noon);
	return ms;
}

/* The patient of a resource's subject that the restore made: patients.id,
 * 0 if none (a patient the restore has not read). */
static int64_t
subject_of(struct rw *w, json_t *r)
{
	return rw_patient_of(w, json_object_get(r, "subject"));
}

/* ---- the plan ---------------------------------------------------------- */

/* The next item of a kind, in the order the resource lists them. */
struct items {
	json_t *notes, *goals, *acts;
	size_t n_note, n_goal, n_act;
};

static void
item(struct rw *w, int64_t plan, int64_t pos, const char *uuid,
    const char *kind, const char *text, const char *whose, int64_t action,
    int64_t made, int64_t resolved, const char *why)
{
	char *kt = rw_kept(text, true), *kwhy = rw_kept(why, true);

	if (kt == NULL) {
		w->out->skipped++;
		free(kwhy);
		return;
	}
	rw_run(w, NULL, "INSERT INTO plan_items (uuid, plan_id, position,"
	    " kind, text, whose, action_id, created_at, created_by,"
	    " resolved_at, resolved_reason, resolved_by) VALUES (?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?)", "tiitttzitztt", uuid, plan, pos, kind,
	    kt, whose, action, made, FROM_RECORD, resolved, resolved != 0 ?
	    (kwhy != NULL ? kwhy : "(not on the record)") : NULL,
	    resolved != 0 ? FROM_RECORD : NULL);
	mdt_free_each(2, kt, kwhy);
}

static void
problem(struct rw *w, int64_t plan, int64_t pos, json_t *note, int64_t at)
{
	const char *t = str(note, "text", NULL), *cut;
	char uuid[37], *text, *why = NULL;

	if (t == NULL || strncmp(t, "Problem: ", 9) != 0)
		return;
	text = mdt_xstrdup(t + 9);
	if ((cut = strstr(text, " (resolved: ")) != NULL &&
	    text[strlen(text) - 1] == ')') {
		why = mdt_xstrdup(cut + 12);
		why[strlen(why) - 1] = '\0';
		text[cut - text] = '\0';
	}
	mdt_uuid_new(uuid);
	item(w, plan, pos, uuid, "problem", text, NULL, 0, at,
	    why != NULL ? at : 0, why);
	mdt_free_each(2, text, why);
}

static void
goal(struct rw *w, int64_t plan, int64_t pos, json_t *ref, int64_t at)
{
	json_t *g = rw_got(w, "Goal", rw_ref_id(w, ref, "Goal"));
	json_t *notes = json_object_get(g, "note");
	const char *life = str(g, "lifecycleStatus", NULL), *why = NULL;
	bool done = life != NULL && strcmp(life, "completed") == 0;
	bool carer = json_object_get(g, "expressedBy") == NULL;
	int64_t made = day_ms(str(g, "startDate", NULL));

	if (g == NULL || !rw_ours(g)) {
		w->out->skipped += g != NULL;
		return;
	}
	if (done && json_array_size(notes) > (carer ? 1u : 0u))
		why = str(json_array_get(notes, json_array_size(notes) - 1),
		    "text", NULL);
	item(w, plan, pos, str(g, "id", NULL), "goal", str(g, "description",
	    "text"), carer ? "carer" : "patient", 0, made != 0 ? made : at,
	    done ? (day_ms(str(g, "statusDate", NULL)) != 0 ?
	    day_ms(str(g, "statusDate", NULL)) : at) : 0, why);
}

static void
intervention(struct rw *w, int64_t plan, int64_t pos, json_t *act,
    int64_t at)
{
	const char *task = rw_ref_id(w, json_object_get(act, "reference"),
	    "Task"), *status = str(act, "detail", "status");
	int64_t action = 0;
	char uuid[37];
	sqlite3_stmt *st;

	mdt_uuid_new(uuid);
	if (task == NULL) {
		item(w, plan, pos, uuid, "intervention", str(json_object_get(
		    act, "detail"), "description", NULL), NULL, 0, at,
		    status != NULL && strcmp(status, "completed") == 0 ? at :
		    0, NULL);
		return;
	}
	/* the patient's own action, when the restore made it */
	if (sqlite3_prepare_v2(w->db, "SELECT id FROM actions WHERE uuid = ?",
	    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, task, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			action = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	item(w, plan, pos, uuid, "intervention", str(json_object_get(act,
	    "reference"), "display", NULL), NULL, action, at, 0, NULL);
}

/* The plan's items in the order of its narrative's list ("kind: text"),
 * each taken from the next of its kind in the resource. */
static void
items(struct rw *w, int64_t plan, json_t *r, int64_t at)
{
	struct items it = { json_object_get(r, "note"), json_object_get(r,
	    "goal"), json_object_get(r, "activity"), 0, 0, 0 };
	const char *div = str(r, "text", "div"), *p = div;
	int64_t pos = 0;

	while (p != NULL && (p = strstr(p, "<li>")) != NULL) {
		p += 4;
		pos++;
		if (strncmp(p, "problem: ", 9) == 0)
			problem(w, plan, pos, json_array_get(it.notes,
			    it.n_note++), at);
		else if (strncmp(p, "goal: ", 6) == 0)
			goal(w, plan, pos, json_array_get(it.goals, it.n_goal++),
			    at);
		else if (strncmp(p, "intervention: ", 14) == 0)
			intervention(w, plan, pos, json_array_get(it.acts,
			    it.n_act++), at);
	}
}

static void
plan(struct rw *w, json_t *r)
{
	int64_t patient = subject_of(w, r), row;
	const char *status = str(r, "status", NULL), *desc = str(r,
	    "description", NULL), *review = NULL;
	int64_t made = rw_ms(str(r, "created", NULL));
	int64_t changed = rw_ms(str(r, "meta", "lastUpdated"));
	int64_t ended = day_ms(str(r, "period", "end"));
	char *why = NULL;

	if (patient == 0 || status == NULL || made == 0)
		return;		/* of a patient not restored */
	if (desc != NULL && strncmp(desc, "Ended: ", 7) == 0)
		why = rw_kept(desc + 7, true);
	else if (desc != NULL && strncmp(desc, "Next review ", 12) == 0 &&
	    mdt_date_strict(desc + 12, NULL))
		review = desc + 12;
	status = strcmp(status, "completed") == 0 ? "completed" :
	    strcmp(status, "revoked") == 0 ? "ended" : "active";
	if (strcmp(status, "ended") == 0 && why == NULL)
		why = mdt_xstrdup("(not on the record)");
	if (rw_run(w, &row, "INSERT INTO care_plans (uuid, patient_id, status,"
	    " next_review, created_at, updated_at, ended_at, end_reason)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "tittiizt", str(r, "id", NULL),
	    patient, status, review, made, changed != 0 ? changed : made,
	    strcmp(status, "active") != 0 ? (ended != 0 ? ended : changed) :
	    0, strcmp(status, "ended") == 0 ? why : NULL)) {
		w->out->plans++;
		items(w, row, r, made);
	}
	free(why);
}

/* ---- referrals, the register, deaths ------------------------------------ */

/* The '(' that the ')' ending s closes; NULL if s does not end so. */
static const char *
opening(const char *s)
{
	size_t n = strlen(s);
	int depth = 0;

	if (n == 0 || s[n - 1] != ')')
		return NULL;
	while (n-- > 0) {
		depth += s[n] == ')' ? 1 : s[n] == '(' ? -1 : 0;
		if (depth == 0)
			return s + n;
	}
	return NULL;
}

static void
referral(struct rw *w, json_t *r)
{
	int64_t patient = subject_of(w, r), slot = 0, row;
	int64_t raised = rw_ms(str(r, "authoredOn", NULL));
	const char *who = str(r, "requester", "display"), *open;
	char *referrer = NULL, *service = NULL, *reason;
	sqlite3_stmt *st;

	if (patient == 0 || raised == 0)
		return;
	/* "who (their service)": the bracket that the last one closes */
	if (who != NULL && (open = opening(who)) != NULL && open > who) {
		char *s = mdt_xasprintf("%.*s", (int)(open - who - 1), who);
		char *v = mdt_xasprintf("%.*s", (int)(strlen(open) - 2),
		    open + 1);

		referrer = rw_kept(s, false);
		service = rw_kept(v, false);
		mdt_free_each(2, s, v);
	} else
		referrer = rw_kept(who, false);
	reason = rw_kept(str(json_array_get(json_object_get(r, "reasonCode"),
	    0), "text", NULL), true);
	/* discussed: at the patient's first discussion restored after it
	 * was raised, else their last */
	if (sqlite3_prepare_v2(w->db, "SELECT id FROM slots WHERE patient_id"
	    " = ?1 ORDER BY started_at < ?2, CASE WHEN started_at >= ?2 THEN"
	    " started_at ELSE -started_at END LIMIT 1", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_int64(st, 1, patient);
		sqlite3_bind_int64(st, 2, raised);
		if (sqlite3_step(st) == SQLITE_ROW)
			slot = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (slot != 0 && rw_run(w, &row, "INSERT INTO referrals (uuid, patient_id,"
		    " referrer, service, reason, urgency, raised_at, source,"
		    " discussed_slot_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'tool', ?)",
		    "tittttii", str(r, "id", NULL), patient, referrer != NULL ?
		    referrer : "", service != NULL ? service : "", reason != NULL ?
		    reason : "", str(r, "priority", NULL) != NULL && strcmp(str(r,
		    "priority", NULL), "urgent") == 0 ? "urgent" : "routine",
		    raised, slot))
		/* the candidate it made, on the referral list */
		rw_run(w, NULL, "UPDATE candidates SET referral_id = ?, lists ="
		    " lists | 2 WHERE (meeting_id, patient_id) = (SELECT"
		    " meeting_id, patient_id FROM slots WHERE id = ?)", "ii", row,
		    slot);
	mdt_free_each(3, referrer, service, reason);
}

/* The meeting restored where the patient was stepped down (their slot
 * whose outcome is a step down, the latest): into *meeting, with the
 * next review the outcome's, else four weeks after the meeting. */
static void
by_meeting(struct rw *w, int64_t patient, int64_t *meeting, char review[11])
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(w->db, "SELECT m.id, coalesce(o.review_date,"
	    " date(m.scheduled_start / 1000, 'unixepoch', 'localtime',"
	    " '+28 days')) FROM outcomes o JOIN slots s ON s.id = o.slot_id"
	    " JOIN meetings m ON m.id = s.meeting_id WHERE s.patient_id = ?"
	    " AND o.kind = 'step_down' ORDER BY m.scheduled_start DESC"
	    " LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, patient);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*meeting = sqlite3_column_int64(st, 0);
		mdt_strlcpy(review, (const char *)sqlite3_column_text(st, 1),
		    11);
	}
	sqlite3_finalize(st);
}

/* A stay on the register: why the patient was added and why the stay
 * ended are in its narrative ("Rising risk, REASON[, END]"). */
static void
flag(struct rw *w, json_t *r)
{
	int64_t patient = subject_of(w, r), row;
	int64_t added = day_ms(str(r, "period", "start"));
	int64_t ended = day_ms(str(r, "period", "end"));
	json_t *ps = rw_paragraphs(str(r, "text", "div"));
	const char *said = json_string_value(json_array_get(ps, 0));
	const char *status = str(r, "status", NULL), *by;
	char review[11], *reason = NULL, *end = NULL;
	int64_t meeting = 0;

	if (patient == 0 || added == 0 || status == NULL) {
		json_decref(ps);
		return;
	}
	if (said != NULL && strncmp(said, "Rising risk, ", 13) == 0) {
		const char *comma = strstr(said + 13, ", ");
		char *s = comma != NULL && ended != 0 ? mdt_xasprintf("%.*s",
		    (int)(comma - said - 13), said + 13) : mdt_xstrdup(said + 13);

		reason = rw_kept(s, false);
		if (comma != NULL && ended != 0)
			end = rw_kept(comma + 2, false);
		free(s);
	}
	if (reason == NULL)
		reason = mdt_xstrdup("(not on the record)");
	if (strcmp(status, "active") != 0 && ended == 0)
		ended = rw_ms(str(r, "meta", "lastUpdated"));
	if (strcmp(status, "active") == 0)
		ended = 0;
	mdt_date_of(added + 28 * 86400000LL, review);
	/* a step down at a meeting restored: that meeting's, the review
	 * the outcome's or four weeks after the meeting */
	if (strncmp(reason, "stepped down at ", 16) == 0)
		by_meeting(w, patient, &meeting, review);
	by = meeting != 0 ? "the meeting" : FROM_RECORD;
	if (rw_run(w, &row, "INSERT INTO rising_risk (uuid, patient_id, reason,"
	    " added_by, added_at, next_review, ended_at, end_reason)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "tittitzt", str(r, "id", NULL),
	    patient, reason, by, added, review, ended, ended != 0 ?
	    (end != NULL ? end : "(not on the record)") : NULL))
		rw_run(w, NULL, "INSERT INTO rising_risk_events (entry_id, kind,"
		    " reason, actor, at, meeting_id, next_review) VALUES (?,"
		    " 'added', ?, ?, ?, ?, ?)", "ittizt", row, reason, by, added,
		    meeting, review);
	mdt_free_each(2, reason, end);
	json_decref(ps);
}

/* A death between meetings: an Observation of the patient, coded died,
 * of no discussion. */
static void
death(struct rw *w, json_t *r)
{
	static const char *const places[] = { "home", "hospital", "care-home",
	    "hospice", "other" };
	const char *code = rw_code_in(json_object_get(r,
	    "valueCodeableConcept"), RW_CS "mdt-outcome"), *place = NULL;
	const char *day = str(r, "effectiveDateTime", NULL);
	int64_t patient, expected = -1;
	json_t *c;
	size_t i;

	if (json_object_get(r, "encounter") != NULL || code == NULL ||
	    strcmp(code, "died") != 0 || !mdt_date_strict(day, NULL) ||
	    (patient = subject_of(w, r)) == 0)
		return;		/* an outcome of a discussion: restore_meeting.c */
	json_array_foreach(json_object_get(r, "component"), i, c) {
		const char *k = rw_code_in(json_object_get(c, "code"),
		    RW_CS "mdt-observation");

		if (k != NULL && strcmp(k, "place-of-death") == 0)
			for (size_t p = 0; p < 5; p++)
				if (str(c, "valueString", NULL) != NULL &&
				    strcmp(str(c, "valueString", NULL),
				    places[p]) == 0)
					place = places[p];
		if (k != NULL && strcmp(k, "death-expected") == 0 &&
		    json_is_boolean(json_object_get(c, "valueBoolean")))
			expected = json_is_true(json_object_get(c,
			    "valueBoolean"));
	}
	rw_run(w, NULL, "INSERT OR IGNORE INTO deaths (uuid, patient_id,"
	    " died_on, place, expected, recorded_at) VALUES (?1, ?2, ?3, ?4,"
	    " CASE WHEN ?5 < 0 THEN NULL ELSE ?5 END, ?6)", "tittii",
	    str(r, "id", NULL), patient, day, place, expected,
	    rw_ms(str(r, "meta", "lastUpdated")));
}

void
restore_patients(struct rw *w)
{
	rw_each(w, "CarePlan", plan);
	rw_each(w, "ServiceRequest", referral);
	rw_each(w, "Flag", flag);
	rw_each(w, "Observation", death);
}
