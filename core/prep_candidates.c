/*
 * prep_candidates.c - the candidates of a meeting: made for a patient
 * (with the patient when new) and given notes inside the caller's
 * transaction, for the acts of preparation and for import.c; read, with
 * their lists, reasons, slot and history, for the screens and the
 * agenda; and the state of the preparation counted.
 */
#include "config.h"

#include "prep.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "prep_internal.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

/* ---- made inside the caller's transaction ---------------------------- */

void *
mdt_grow(void *arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap == 0 ? 16 : *cap * 2;
	return mdt_xreallocarray(arr, *cap, size);
}

enum mdt_status
mdt_meeting_info(struct mdt_store *s, int64_t id, bool refuse_closed,
    struct mdt_meeting_info *out)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	status = mdt_prep(s, &st, "SELECT id, uuid, state, scheduled_start"
	    " FROM meetings WHERE id = ?", "i", id);
	if (status != MDT_OK)
		return status;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = mdt_col_int(st, 0);
		mdt_col_copy(st, 1, out->uuid, sizeof(out->uuid));
		out->state = mdt_col_state(st, 2, mdt_meeting_state_parse,
		    MDT_MEETING_PLANNED);
		mdt_date_of(mdt_col_int(st, 3), out->date);
	} else if (rc == SQLITE_DONE)
		status = mdt_fail(s, MDT_ENOTFOUND, "no meeting %" PRId64, id);
	else
		status = mdt_fail_db(s, rc, "reading the meeting");
	mdt_done(s, st);
	if (status == MDT_OK && refuse_closed &&
	    out->state == MDT_MEETING_CLOSED)
		status = mdt_fail(s, MDT_ESTATE, "the meeting is closed");
	return status;
}

enum mdt_status
mdt_patient_insert(struct mdt_store *s, const char *nhs, const char *name,
    const char *date_of_birth, const char *practice, int64_t *id)
{
	enum mdt_status st;
	char uuid[37];

	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO patients (uuid, nhs_number, name,"
	    " date_of_birth, practice) VALUES (?, ?, ?, ?, ?)", "ttttT", uuid,
	    nhs, name, date_of_birth, practice);
	if (st == MDT_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return st;
}

enum mdt_status
mdt_candidate_ensure(struct mdt_store *s, int64_t meeting_id,
    int64_t patient_id, int64_t *candidate_id, bool *created)
{
	enum mdt_status st;
	char uuid[37];

	*created = false;
	st = mdt_query_int(s, candidate_id, "SELECT id FROM candidates"
	    " WHERE meeting_id = ? AND patient_id = ?", "ii", meeting_id,
	    patient_id);
	if (st != MDT_ENOTFOUND)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO candidates (uuid, meeting_id, patient_id,"
	    " created_at) VALUES (?, ?, ?, ?)", "tiii", uuid, meeting_id,
	    patient_id, mdt_store_now(s));
	if (st == MDT_OK) {
		*candidate_id = sqlite3_last_insert_rowid(s->db);
		*created = true;
	}
	return st;
}

enum mdt_status
mdt_agenda_recheck(struct mdt_store *s, int64_t meeting_id)
{
	return mdt_run(s, "UPDATE meetings SET agenda_finalised_at = NULL"
	    " WHERE id = ?1 AND agenda_finalised_at IS NOT NULL"
	    " AND EXISTS (SELECT 1" UNRESOLVED_SQL ")", "i", meeting_id);
}

/* Appends text to a candidate's note ("; "-separated) unless there. */
enum mdt_status
mdt_candidate_note_add(struct mdt_store *s, int64_t candidate_id, const char *text)
{
	return mdt_run(s, "UPDATE candidates SET note = CASE"
	    " WHEN note = '' THEN ?1"
	    " WHEN instr(note, ?1) > 0 THEN note"
	    " ELSE note || '; ' || ?1 END WHERE id = ?2", "ti", text,
	    candidate_id);
}

/* ---- reading candidates ---------------------------------------------- */

static char *
join_reasons(const char *note, const char *lists)
{
	if (note == NULL || *note == '\0')
		return mdt_xstrdup(lists != NULL ? lists : "");
	if (lists == NULL || *lists == '\0')
		return mdt_xstrdup(note);
	return mdt_xasprintf("%s; %s", note, lists);
}

enum mdt_status
mdt_candidate_reason(struct mdt_store *s, int64_t candidate_id, char **out)
{
	enum mdt_status st;
	sqlite3_stmt *q;
	int rc;

	*out = NULL;
	st = mdt_prep(s, &q, "SELECT c.note, (SELECT group_concat(reason, '; ')"
	    " FROM (SELECT reason FROM list_entries WHERE candidate_id = c.id"
	    "  AND reason <> '' ORDER BY id)) FROM candidates c WHERE c.id = ?",
	    "i", candidate_id);
	if (st != MDT_OK)
		return st;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*out = join_reasons((const char *)sqlite3_column_text(q, 0),
		    (const char *)sqlite3_column_text(q, 1));
	else
		st = mdt_fail_db(s, rc, "reading the candidate");
	mdt_done(s, q);
	return st;
}

enum mdt_status
mdt_candidates_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_candidate **out, size_t *n)
{
	struct mdt_candidate *arr = NULL;
	enum mdt_status status;
	sqlite3_stmt *st;
	size_t cap = 0, count = 0;
	int rc, selected = 0;

	*out = NULL;
	*n = 0;
	status = mdt_run(s, "BEGIN", NULL);
	if (status != MDT_OK)
		return status;
	status = mdt_query_int(s, &(int64_t){ 0 },
	    "SELECT id FROM meetings WHERE id = ?", "i", meeting_id);
	if (status == MDT_ENOTFOUND)
		status = mdt_fail(s, status, "no meeting %" PRId64, meeting_id);
	if (status == MDT_OK)
		status = mdt_prep(s, &st,
		    "WITH latest AS (" LATEST_OUTCOME_SQL ")"
		    " SELECT c.id, c.patient_id, p.nhs_number, p.name,"
		    " p.date_of_birth, coalesce(p.practice, ''), c.lists,"
		    " c.carried_forward, c.escalated, c.added_on_day, c.note,"
		    " (SELECT group_concat(reason, '; ') FROM (SELECT reason"
		    "  FROM list_entries WHERE candidate_id = c.id"
		    "  AND reason <> '' ORDER BY id)),"
		    " (SELECT group_concat(referred_by, '; ') FROM (SELECT"
		    "  referred_by FROM list_entries WHERE candidate_id = c.id"
		    "  AND referred_by <> '' ORDER BY id)),"
		    " c.defer_reason, s.id, s.planned_seconds, s.presenter_id,"
		    " pr.name, s.state, l.kind,"
		    " coalesce(l.review_date, (SELECT review_date FROM"
		    "  list_entries WHERE candidate_id = c.id"
		    "  AND list = 'caseload')),"
		    " (SELECT count(*) FROM actions a"
		    "  WHERE a.patient_id = c.patient_id AND a.status = 'open')"
		    " FROM candidates c JOIN patients p ON p.id = c.patient_id"
		    " LEFT JOIN slots s ON s.meeting_id = c.meeting_id"
		    "  AND s.patient_id = c.patient_id"
		    " LEFT JOIN people pr ON pr.id = s.presenter_id"
		    " LEFT JOIN latest l ON l.patient_id = c.patient_id"
		    "  AND l.rn = 1"
		    " WHERE c.meeting_id = ?1"
		    " ORDER BY CASE WHEN s.id IS NOT NULL THEN 0"
		    "  WHEN c.defer_reason IS NULL THEN 1 ELSE 2 END,"
		    " s.position, s.id,"
		    " CASE WHEN s.id IS NULL AND c.defer_reason IS NULL AND "
		    REFERRAL_SQL("c") " THEN 0 ELSE 1 END,"
		    " (c.lists & 1) + (c.lists >> 1 & 1) + (c.lists >> 2 & 1)"
		    " + (c.lists >> 3 & 1) + (c.lists >> 4 & 1)"
		    " + (c.lists >> 5 & 1) DESC, p.name, c.id", "i",
		    meeting_id);
	if (status != MDT_OK) {
		mdt_tx_rollback(s);
		return status;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct mdt_candidate *c;

		arr = mdt_grow(arr, count, &cap, sizeof(*arr));
		c = &arr[count++];
		memset(c, 0, sizeof(*c));
		c->id = mdt_col_int(st, 0);
		c->patient_id = mdt_col_int(st, 1);
		mdt_col_copy(st, 2, c->nhs_number, sizeof(c->nhs_number));
		c->patient_name = mdt_col_dup0(st, 3);
		mdt_col_copy(st, 4, c->date_of_birth, sizeof(c->date_of_birth));
		c->practice = mdt_col_dup0(st, 5);
		c->lists = (unsigned)mdt_col_int(st, 6);
		c->carried_forward = mdt_col_int(st, 7) != 0;
		c->escalated = mdt_col_int(st, 8) != 0;
		c->added_on_day = mdt_col_int(st, 9) != 0;
		c->reason = join_reasons(
		    (const char *)sqlite3_column_text(st, 10),
		    (const char *)sqlite3_column_text(st, 11));
		c->referred_by = mdt_col_dup0(st, 12);
		c->defer_reason = mdt_col_dup(st, 13);
		c->slot_id = mdt_col_int(st, 14);
		if (c->slot_id != 0) {
			c->state = MDT_CANDIDATE_SELECTED;
			c->position = ++selected;
			c->planned_s = (int)mdt_col_int(st, 15);
			c->presenter_id = mdt_col_int(st, 16);
			c->presenter_name = mdt_col_dup(st, 17);
			c->slot_state = mdt_col_state(st, 18, mdt_slot_state_parse,
			    MDT_SLOT_PENDING);
		} else
			c->state = c->defer_reason != NULL ?
			    MDT_CANDIDATE_DEFERRED : MDT_CANDIDATE_OPEN;
		c->previous_outcome = mdt_col_state(st, 19, mdt_outcome_parse,
		    MDT_OUTCOME_NONE);
		mdt_col_copy(st, 20, c->previous_review_date,
		    sizeof(c->previous_review_date));
		c->open_actions = (int)mdt_col_int(st, 21);
	}
	if (rc != SQLITE_DONE)
		status = mdt_fail_db(s, rc, "reading the candidates");
	mdt_done(s, st);
	mdt_tx_rollback(s);
	if (status != MDT_OK) {
		mdt_candidates_free(arr, count);
		return status;
	}
	*out = arr;
	*n = count;
	return MDT_OK;
}

void
mdt_candidates_free(struct mdt_candidate *arr, size_t n)
{
	for (size_t i = 0; arr != NULL && i < n; i++) {
		free(arr[i].patient_name);
		free(arr[i].practice);
		free(arr[i].reason);
		free(arr[i].referred_by);
		free(arr[i].defer_reason);
		free(arr[i].presenter_name);
	}
	free(arr);
}

enum mdt_status
mdt_agenda_state(struct mdt_store *s, int64_t meeting_id,
    struct mdt_agenda_state *out)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	status = mdt_prep(s, &st,
	    "SELECT (SELECT count(*) FROM candidates WHERE meeting_id = ?1),"
	    " (SELECT count(*) FROM slots WHERE meeting_id = ?1),"
	    " (SELECT count(*) FROM candidates c WHERE c.meeting_id = ?1"
	    "  AND c.defer_reason IS NOT NULL AND NOT EXISTS (SELECT 1"
	    "  FROM slots s WHERE s.meeting_id = ?1"
	    "  AND s.patient_id = c.patient_id)),"
	    " (SELECT count(*)" UNRESOLVED_SQL "),"
	    " (SELECT coalesce(sum(planned_seconds), 0) FROM slots"
	    "  WHERE meeting_id = ?1),"
	    " agenda_finalised_at FROM meetings WHERE id = ?1", "i",
	    meeting_id);
	if (status != MDT_OK)
		return status;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->candidates = (int)mdt_col_int(st, 0);
		out->selected = (int)mdt_col_int(st, 1);
		out->deferred = (int)mdt_col_int(st, 2);
		out->unresolved_referrals = (int)mdt_col_int(st, 3);
		out->planned_s = mdt_col_int(st, 4);
		out->finalised_at = mdt_col_int(st, 5);
	} else if (rc == SQLITE_DONE)
		status = mdt_fail(s, MDT_ENOTFOUND, "no meeting %" PRId64,
		    meeting_id);
	else
		status = mdt_fail_db(s, rc, "reading the agenda");
	mdt_done(s, st);
	return status;
}

