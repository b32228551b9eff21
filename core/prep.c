/*
 * prep.c - preparing the agenda before a meeting: the candidates merged
 * from the pre-meeting lists, choosing who is discussed (select, deselect,
 * defer, order, planned time and presenter), finalising, patients added on
 * the day, carry-forward of the caseload due for review, the rising-risk
 * group and escalation from it, the review of carried-forward actions in a
 * slot, and scheduling a new meeting.  Each act is one transaction with
 * its audit row; the acts that change the agenda also queue the meeting
 * for the central record.
 */
#include "config.h"

#include "prep.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "prep_internal.h"
#include "purge.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

/* A referral, for the finalising rule: the referral list, or escalated
 * back from rising risk.  c is the candidates alias. */
#define REFERRAL_SQL(c) "((" c ".lists & 2) <> 0 OR " c ".escalated = 1)"

/* Referrals neither selected nor deferred, for one meeting (?1). */
#define UNRESOLVED_SQL \
	" FROM candidates c JOIN patients p ON p.id = c.patient_id" \
	" WHERE c.meeting_id = ?1 AND " REFERRAL_SQL("c") \
	" AND c.defer_reason IS NULL AND NOT EXISTS (SELECT 1 FROM slots s" \
	"  WHERE s.meeting_id = c.meeting_id AND s.patient_id = c.patient_id)"

/* Each patient's latest outcome in a meeting other than ?1 scheduled
 * before it (?1 = 0: any meeting), as columns patient_id, kind,
 * review_date, scheduled_start and rn (1 for the latest). */
#define LATEST_OUTCOME_SQL \
	"SELECT s.patient_id, o.kind, o.review_date, m.scheduled_start," \
	" row_number() OVER (PARTITION BY s.patient_id" \
	"  ORDER BY m.scheduled_start DESC, o.recorded_at DESC, o.id DESC)" \
	"  AS rn" \
	" FROM outcomes o JOIN slots s ON s.id = o.slot_id" \
	" JOIN meetings m ON m.id = s.meeting_id" \
	" WHERE ?1 = 0 OR (m.id <> ?1 AND m.scheduled_start <" \
	"  (SELECT scheduled_start FROM meetings WHERE id = ?1))"

static void *
grow(void *arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap == 0 ? 16 : *cap * 2;
	return mdt_xreallocarray(arr, *cap, size);
}

/* ---- shared with import.c -------------------------------------------- */

enum mdt_status
mdt_meeting_info(struct mdt_store *s, int64_t id, bool refuse_closed,
    struct mdt_meeting_info *out)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc, v;

	memset(out, 0, sizeof(*out));
	status = mdt_prep(s, &st, "SELECT id, uuid, state, scheduled_start"
	    " FROM meetings WHERE id = ?", "i", id);
	if (status != MDT_OK)
		return status;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = mdt_col_int(st, 0);
		mdt_col_copy(st, 1, out->uuid, sizeof(out->uuid));
		v = mdt_meeting_state_parse(
		    (const char *)sqlite3_column_text(st, 2));
		out->state = v < 0 ? MDT_MEETING_PLANNED :
		    (enum mdt_meeting_state)v;
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
static enum mdt_status
note_append(struct mdt_store *s, int64_t candidate_id, const char *text)
{
	return mdt_run(s, "UPDATE candidates SET note = CASE"
	    " WHEN note = '' THEN ?1"
	    " WHEN instr(note, ?1) > 0 THEN note"
	    " ELSE note || '; ' || ?1 END WHERE id = ?2", "ti", text,
	    candidate_id);
}

/* ---- reading candidates ---------------------------------------------- */

struct cand_row {
	int64_t id;
	char uuid[37];
	int64_t meeting_id;
	int64_t patient_id;
	char patient[96];
	unsigned lists;
	bool escalated;
	bool deferred;
	int64_t slot_id;	/* 0 if not selected */
	char slot_uuid[37];
	enum mdt_slot_state slot_state;
	bool slot_has_record;	/* consent, notes, outcome or actions */
};

static enum mdt_status
get_candidate(struct mdt_store *s, int64_t id, struct cand_row *c)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc, v;

	memset(c, 0, sizeof(*c));
	status = mdt_prep(s, &st,
	    "SELECT c.id, c.uuid, c.meeting_id, c.patient_id, p.name, c.lists,"
	    " c.escalated, c.defer_reason IS NOT NULL, s.id, s.uuid, s.state,"
	    " s.id IS NOT NULL AND (s.started_at IS NOT NULL"
	    "  OR EXISTS (SELECT 1 FROM consent WHERE slot_id = s.id)"
	    "  OR EXISTS (SELECT 1 FROM notes WHERE slot_id = s.id)"
	    "  OR EXISTS (SELECT 1 FROM outcomes WHERE slot_id = s.id)"
	    "  OR EXISTS (SELECT 1 FROM actions WHERE slot_id = s.id))"
	    " FROM candidates c JOIN patients p ON p.id = c.patient_id"
	    " LEFT JOIN slots s ON s.meeting_id = c.meeting_id"
	    "  AND s.patient_id = c.patient_id"
	    " WHERE c.id = ?", "i", id);
	if (status != MDT_OK)
		return status;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->id = mdt_col_int(st, 0);
		mdt_col_copy(st, 1, c->uuid, sizeof(c->uuid));
		c->meeting_id = mdt_col_int(st, 2);
		c->patient_id = mdt_col_int(st, 3);
		mdt_col_copy(st, 4, c->patient, sizeof(c->patient));
		c->lists = (unsigned)mdt_col_int(st, 5);
		c->escalated = mdt_col_int(st, 6) != 0;
		c->deferred = mdt_col_int(st, 7) != 0;
		c->slot_id = mdt_col_int(st, 8);
		mdt_col_copy(st, 9, c->slot_uuid, sizeof(c->slot_uuid));
		v = mdt_slot_state_parse(
		    (const char *)sqlite3_column_text(st, 10));
		c->slot_state = v < 0 ? MDT_SLOT_PENDING :
		    (enum mdt_slot_state)v;
		c->slot_has_record = mdt_col_int(st, 11) != 0;
	} else if (rc == SQLITE_DONE)
		status = mdt_fail(s, MDT_ENOTFOUND, "no candidate %" PRId64,
		    id);
	else
		status = mdt_fail_db(s, rc, "reading the candidate");
	mdt_done(s, st);
	return status;
}

/* The reason of a candidate: its note and every list's reason. */
static char *
join_reasons(const char *note, const char *lists)
{
	if (note == NULL || *note == '\0')
		return mdt_xstrdup(lists != NULL ? lists : "");
	if (lists == NULL || *lists == '\0')
		return mdt_xstrdup(note);
	return mdt_xasprintf("%s; %s", note, lists);
}

static enum mdt_status
candidate_reason(struct mdt_store *s, int64_t candidate_id, char **out)
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
	int rc, v, selected = 0;

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

		arr = grow(arr, count, &cap, sizeof(*arr));
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
			v = mdt_slot_state_parse(
			    (const char *)sqlite3_column_text(st, 18));
			c->slot_state = v < 0 ? MDT_SLOT_PENDING :
			    (enum mdt_slot_state)v;
		} else
			c->state = c->defer_reason != NULL ?
			    MDT_CANDIDATE_DEFERRED : MDT_CANDIDATE_OPEN;
		v = mdt_outcome_parse((const char *)sqlite3_column_text(st,
		    19));
		c->previous_outcome = v < 0 ? MDT_OUTCOME_NONE :
		    (enum mdt_outcome_kind)v;
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

const char *
mdt_candidate_state_name(enum mdt_candidate_state st)
{
	switch (st) {
	case MDT_CANDIDATE_OPEN:
		return "candidate";
	case MDT_CANDIDATE_SELECTED:
		return "selected";
	case MDT_CANDIDATE_DEFERRED:
		return "deferred";
	default:
		return "?";
	}
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

/* ---- the agenda ------------------------------------------------------ */

/* Renumbers the meeting's slots 1..n in agenda order, with moved (if not
 * 0) put at position (clamped). */
static enum mdt_status
renumber(struct mdt_store *s, int64_t meeting_id, int64_t moved, int position)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	status = mdt_prep(s, &st, "SELECT id FROM slots WHERE meeting_id = ?"
	    " AND id <> ? ORDER BY position, id", "ii", meeting_id, moved);
	if (status != MDT_OK)
		return status;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids = grow(ids, n, &cap, sizeof(*ids));
		ids[n++] = mdt_col_int(st, 0);
	}
	if (rc != SQLITE_DONE)
		status = mdt_fail_db(s, rc, "reading the agenda");
	mdt_done(s, st);
	if (status == MDT_OK && moved != 0) {
		size_t at;

		if (position < 1)
			position = 1;
		at = (size_t)position - 1;
		if (at > n)
			at = n;
		ids = grow(ids, n, &cap, sizeof(*ids));
		memmove(ids + at + 1, ids + at, (n - at) * sizeof(*ids));
		ids[at] = moved;
		n++;
	}
	for (i = 0; status == MDT_OK && i < n; i++)
		status = mdt_run(s, "UPDATE slots SET position = ? WHERE id = ?"
		    " AND position <> ?", "dii", (int)i + 1, ids[i],
		    (int64_t)i + 1);
	free(ids);
	return status;
}

/* Audit row plus the meeting in the outbox: the agenda changed. */
static enum mdt_status
record_agenda(struct mdt_store *s, const struct mdt_meeting_info *m,
    const char *action, const char *entity, const char *uuid,
    const char *detail)
{
	enum mdt_status st;

	st = mdt_audit_add(s, action, entity, uuid, "%s", detail);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "meeting", m->uuid, "upsert");
	return st;
}

static enum mdt_status
check_plan(struct mdt_store *s, int planned_s, bool zero_ok)
{
	if ((planned_s == 0 && zero_ok) ||
	    (planned_s >= MDT_SLOT_MIN_S && planned_s <= MDT_SLOT_MAX_S))
		return MDT_OK;
	return mdt_fail(s, MDT_EINVAL, "a slot is planned for %d to %d"
	    " minutes", MDT_SLOT_MIN_S / 60, MDT_SLOT_MAX_S / 60);
}

static enum mdt_status
check_presenter(struct mdt_store *s, int64_t presenter_id)
{
	enum mdt_status st;

	if (presenter_id <= 0)
		return MDT_OK;
	st = mdt_query_int(s, &(int64_t){ 0 },
	    "SELECT id FROM people WHERE id = ?", "i", presenter_id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no person %" PRId64, presenter_id);
	return st;
}

/* A new slot at the end of the agenda; *slot_id and uuid get it. */
static enum mdt_status
slot_insert(struct mdt_store *s, int64_t meeting_id, int64_t patient_id,
    const char *reason, int planned_s, int64_t presenter_id,
    int64_t *slot_id, char uuid[37])
{
	enum mdt_status st;
	int64_t last = 0;

	st = mdt_query_int(s, &last, "SELECT coalesce(max(position), 0)"
	    " FROM slots WHERE meeting_id = ?", "i", meeting_id);
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position, reason, planned_seconds, presenter_id)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)", "tiiitdI", uuid, meeting_id,
	    patient_id, last + 1, reason != NULL ? reason : "",
	    planned_s != 0 ? planned_s : MDT_SLOT_DEFAULT_S,
	    presenter_id > 0 ? presenter_id : 0);
	if (st == MDT_OK)
		*slot_id = sqlite3_last_insert_rowid(s->db);
	return st;
}

static enum mdt_status
select_tx(struct mdt_store *s, int64_t candidate_id, int planned_s,
    int64_t presenter_id, int64_t *slot_id)
{
	struct mdt_meeting_info m;
	struct cand_row c;
	enum mdt_status st;
	char uuid[37], *reason = NULL, *detail;

	st = get_candidate(s, candidate_id, &c);
	if (st == MDT_OK)
		st = mdt_meeting_info(s, c.meeting_id, true, &m);
	if (st == MDT_OK && c.slot_id != 0)
		st = mdt_fail(s, MDT_ESTATE, "%s is already on the agenda",
		    c.patient);
	if (st == MDT_OK)
		st = check_presenter(s, presenter_id);
	if (st == MDT_OK)
		st = candidate_reason(s, candidate_id, &reason);
	if (st == MDT_OK)
		st = slot_insert(s, m.id, c.patient_id, reason, planned_s,
		    presenter_id, slot_id, uuid);
	free(reason);
	if (st == MDT_OK && c.deferred)
		st = mdt_run(s, "UPDATE candidates SET defer_reason = NULL"
		    " WHERE id = ?", "i", candidate_id);
	if (st != MDT_OK)
		return st;
	detail = mdt_xasprintf("candidate %" PRId64 " on the agenda",
	    candidate_id);
	st = record_agenda(s, &m, "candidate_select", "slot", uuid, detail);
	free(detail);
	return st;
}

enum mdt_status
mdt_candidate_select(struct mdt_store *s, int64_t candidate_id,
    int planned_s, int64_t presenter_id, int64_t *slot_id)
{
	enum mdt_status st;
	int64_t id = 0;

	if (slot_id != NULL)
		*slot_id = 0;
	st = check_plan(s, planned_s, true);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_end(s, select_tx(s, candidate_id, planned_s, presenter_id,
	    &id));
	if (st == MDT_OK && slot_id != NULL)
		*slot_id = id;
	return st;
}

/* Takes a candidate's slot off the agenda, if it has not started. */
static enum mdt_status
unschedule(struct mdt_store *s, const struct mdt_meeting_info *m,
    const struct cand_row *c, const char *action)
{
	enum mdt_status st;
	char *detail;

	if (c->slot_state != MDT_SLOT_PENDING || c->slot_has_record)
		return mdt_fail(s, MDT_ESTATE, "the discussion of %s has"
		    " started; it stays on the agenda", c->patient);
	st = mdt_run(s, "DELETE FROM slots WHERE id = ?", "i", c->slot_id);
	if (st == MDT_OK)
		st = renumber(s, m->id, 0, 0);
	if (st != MDT_OK)
		return st;
	detail = mdt_xasprintf("candidate %" PRId64 " off the agenda"
	    " (slot %" PRId64 ")", c->id, c->slot_id);
	st = record_agenda(s, m, action, "candidate", c->uuid, detail);
	free(detail);
	return st;
}

static enum mdt_status
deselect_tx(struct mdt_store *s, int64_t candidate_id)
{
	struct mdt_meeting_info m;
	struct cand_row c;
	enum mdt_status st;

	st = get_candidate(s, candidate_id, &c);
	if (st == MDT_OK)
		st = mdt_meeting_info(s, c.meeting_id, true, &m);
	if (st != MDT_OK)
		return st;
	if (c.slot_id != 0)
		st = unschedule(s, &m, &c, "candidate_deselect");
	else if (c.deferred) {
		st = mdt_run(s, "UPDATE candidates SET defer_reason = NULL"
		    " WHERE id = ?", "i", candidate_id);
		if (st == MDT_OK)
			st = mdt_audit_add(s, "candidate_undefer", "candidate",
			    c.uuid, "candidate %" PRId64 " undecided again",
			    candidate_id);
	} else
		st = mdt_fail(s, MDT_ESTATE, "%s is neither on the agenda"
		    " nor deferred", c.patient);
	if (st == MDT_OK)
		st = mdt_agenda_recheck(s, m.id);
	return st;
}

enum mdt_status
mdt_candidate_deselect(struct mdt_store *s, int64_t candidate_id)
{
	enum mdt_status st = mdt_tx_begin(s);

	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, deselect_tx(s, candidate_id));
}

static enum mdt_status
defer_tx(struct mdt_store *s, int64_t candidate_id, const char *reason)
{
	struct mdt_meeting_info m;
	struct cand_row c;
	enum mdt_status st;

	st = get_candidate(s, candidate_id, &c);
	if (st == MDT_OK)
		st = mdt_meeting_info(s, c.meeting_id, true, &m);
	if (st == MDT_OK && c.slot_id != 0)
		st = unschedule(s, &m, &c, "candidate_deselect");
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE candidates SET defer_reason = ?"
		    " WHERE id = ?", "ti", reason, candidate_id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "candidate_defer", "candidate", c.uuid,
		    "candidate %" PRId64 " deferred", candidate_id);
	return st;
}

enum mdt_status
mdt_candidate_defer(struct mdt_store *s, int64_t candidate_id,
    const char *reason)
{
	enum mdt_status st;

	if (mdt_str_blank(reason))
		return mdt_fail(s, MDT_EINVAL, "write why it is deferred");
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, defer_tx(s, candidate_id, reason));
}

/* The meeting and uuid of a slot. */
static enum mdt_status
slot_meeting(struct mdt_store *s, int64_t slot_id, struct mdt_meeting_info *m,
    char uuid[37])
{
	enum mdt_status st;
	sqlite3_stmt *q;
	int64_t meeting_id = 0;
	int rc;

	st = mdt_prep(s, &q, "SELECT meeting_id, uuid FROM slots WHERE id = ?",
	    "i", slot_id);
	if (st != MDT_OK)
		return st;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		meeting_id = mdt_col_int(q, 0);
		mdt_col_copy(q, 1, uuid, 37);
	} else if (rc == SQLITE_DONE)
		st = mdt_fail(s, MDT_ENOTFOUND, "no slot %" PRId64, slot_id);
	else
		st = mdt_fail_db(s, rc, "reading the slot");
	mdt_done(s, q);
	if (st == MDT_OK)
		st = mdt_meeting_info(s, meeting_id, true, m);
	return st;
}

static enum mdt_status
move_tx(struct mdt_store *s, int64_t slot_id, int position)
{
	struct mdt_meeting_info m;
	enum mdt_status st;
	char uuid[37], *detail;
	int64_t before = 0, after = 0;

	st = slot_meeting(s, slot_id, &m, uuid);
	if (st == MDT_OK)
		st = mdt_query_int(s, &before, "SELECT count(*) FROM slots"
		    " WHERE meeting_id = ?1 AND (position, id) <"
		    " (SELECT position, id FROM slots WHERE id = ?2)", "ii",
		    m.id, slot_id);
	if (st == MDT_OK)
		st = renumber(s, m.id, slot_id, position);
	if (st == MDT_OK)
		st = mdt_query_int(s, &after, "SELECT position FROM slots"
		    " WHERE id = ?", "i", slot_id);
	if (st != MDT_OK || after == before + 1)
		return st;
	detail = mdt_xasprintf("slot %" PRId64 " from %" PRId64 " to %" PRId64,
	    slot_id, before + 1, after);
	st = record_agenda(s, &m, "slot_move", "slot", uuid, detail);
	free(detail);
	return st;
}

enum mdt_status
mdt_slot_move(struct mdt_store *s, int64_t slot_id, int position)
{
	enum mdt_status st = mdt_tx_begin(s);

	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, move_tx(s, slot_id, position));
}

static enum mdt_status
plan_tx(struct mdt_store *s, int64_t slot_id, int planned_s,
    int64_t presenter_id)
{
	struct mdt_meeting_info m;
	enum mdt_status st;
	char uuid[37], *detail;
	int changes;

	st = slot_meeting(s, slot_id, &m, uuid);
	if (st == MDT_OK && presenter_id >= 0)
		st = check_presenter(s, presenter_id);
	if (st != MDT_OK)
		return st;
	changes = sqlite3_total_changes(s->db);
	if (planned_s != 0)
		st = mdt_run(s, "UPDATE slots SET planned_seconds = ?"
		    " WHERE id = ? AND planned_seconds <> ?", "dii", planned_s,
		    slot_id, (int64_t)planned_s);
	if (st == MDT_OK && presenter_id >= 0)
		st = mdt_run(s, "UPDATE slots SET presenter_id = ?1"
		    " WHERE id = ?2 AND presenter_id IS NOT ?1", "Ii",
		    presenter_id, slot_id);
	if (st != MDT_OK || sqlite3_total_changes(s->db) == changes)
		return st;
	detail = mdt_xasprintf("slot %" PRId64 ": %d s, presenter %" PRId64,
	    slot_id, planned_s, presenter_id);
	st = record_agenda(s, &m, "slot_plan", "slot", uuid, detail);
	free(detail);
	return st;
}

enum mdt_status
mdt_slot_set_plan(struct mdt_store *s, int64_t slot_id, int planned_s,
    int64_t presenter_id)
{
	enum mdt_status st;

	st = check_plan(s, planned_s, true);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, plan_tx(s, slot_id, planned_s, presenter_id));
}

static enum mdt_status
finalise_tx(struct mdt_store *s, int64_t meeting_id)
{
	struct mdt_meeting_info m;
	enum mdt_status st;
	sqlite3_stmt *q;
	char *names = NULL, nhs[13];
	int64_t done = 0;
	int rc, n = 0;

	st = mdt_meeting_info(s, meeting_id, true, &m);
	if (st == MDT_OK)
		st = mdt_prep(s, &q, "SELECT p.name, p.nhs_number"
		    UNRESOLVED_SQL " ORDER BY p.name, p.id", "i", meeting_id);
	if (st != MDT_OK)
		return st;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		char *more;

		mdt_nhs_format((const char *)sqlite3_column_text(q, 1), nhs);
		more = mdt_xasprintf("%s%s%s (NHS %s)", names != NULL ?
		    names : "", names != NULL ? ", " : "",
		    (const char *)sqlite3_column_text(q, 0), nhs);
		free(names);
		names = more;
		n++;
	}
	if (rc != SQLITE_DONE)
		st = mdt_fail_db(s, rc, "reading the referrals");
	mdt_done(s, q);
	if (st == MDT_OK && n > 0)
		st = mdt_fail(s, MDT_ESTATE, "%d referral%s neither scheduled"
		    " nor deferred: %s", n, n == 1 ? " is" : "s are", names);
	free(names);
	if (st == MDT_OK)
		st = mdt_query_int(s, &done, "SELECT coalesce("
		    "agenda_finalised_at, 0) FROM meetings WHERE id = ?", "i",
		    meeting_id);
	if (st != MDT_OK || done != 0)
		return st;
	st = mdt_run(s, "UPDATE meetings SET agenda_finalised_at = ?"
	    " WHERE id = ?", "ii", mdt_store_now(s), meeting_id);
	if (st == MDT_OK)
		st = record_agenda(s, &m, "agenda_finalise", "meeting", m.uuid,
		    "agenda finalised");
	return st;
}

enum mdt_status
mdt_agenda_finalise(struct mdt_store *s, int64_t meeting_id)
{
	enum mdt_status st = mdt_tx_begin(s);

	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, finalise_tx(s, meeting_id));
}

/* ---- added on the day ------------------------------------------------ */

static enum mdt_status
add_on_day_tx(struct mdt_store *s, int64_t meeting_id, const char *nhs,
    const struct mdt_patient_in *p, const char *dob, const char *reason,
    int planned_s, int64_t presenter_id, int64_t *slot_id)
{
	struct mdt_meeting_info m;
	enum mdt_status st;
	int64_t patient_id = 0, cand = 0, existing = 0;
	char *old_dob = NULL, uuid[37], *detail;
	bool created;

	st = mdt_meeting_info(s, meeting_id, true, &m);
	if (st == MDT_OK)
		st = check_presenter(s, presenter_id);
	if (st != MDT_OK)
		return st;
	st = mdt_query_int(s, &patient_id, "SELECT id FROM patients"
	    " WHERE nhs_number = ?", "t", nhs);
	if (st == MDT_ENOTFOUND)
		st = mdt_patient_insert(s, nhs, p->name, dob, p->practice,
		    &patient_id);
	else if (st == MDT_OK) {
		st = mdt_query_text(s, &old_dob, "SELECT date_of_birth"
		    " FROM patients WHERE id = ?", "i", patient_id);
		if (st == MDT_OK && old_dob != NULL && strcmp(old_dob, dob) != 0)
			st = mdt_fail(s, MDT_EINVAL, "date of birth differs"
			    " from the record (%s)", old_dob);
		free(old_dob);
	}
	if (st == MDT_OK)
		st = mdt_query_int(s, &existing, "SELECT count(*) FROM slots"
		    " WHERE meeting_id = ? AND patient_id = ?", "ii",
		    meeting_id, patient_id);
	if (st == MDT_OK && existing > 0)
		st = mdt_fail(s, MDT_ESTATE, "%s is already on the agenda",
		    p->name);
	if (st == MDT_OK)
		st = mdt_candidate_ensure(s, meeting_id, patient_id, &cand,
		    &created);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE candidates SET added_on_day = 1,"
		    " defer_reason = NULL WHERE id = ?", "i", cand);
	if (st == MDT_OK)
		st = note_append(s, cand, reason);
	if (st == MDT_OK)
		st = slot_insert(s, meeting_id, patient_id, reason, planned_s,
		    presenter_id, slot_id, uuid);
	if (st != MDT_OK)
		return st;
	detail = mdt_xasprintf("added on the day: slot %" PRId64, *slot_id);
	st = record_agenda(s, &m, "slot_add_on_day", "slot", uuid, detail);
	free(detail);
	return st;
}

enum mdt_status
mdt_slot_add_on_day(struct mdt_store *s, int64_t meeting_id,
    const struct mdt_patient_in *p, const char *reason, int planned_s,
    int64_t presenter_id, int64_t *slot_id)
{
	enum mdt_status st;
	char nhs[11], dob[11];
	int64_t id = 0;

	if (slot_id != NULL)
		*slot_id = 0;
	if (p == NULL || !mdt_nhs_normalise(p->nhs_number, nhs) ||
	    !mdt_nhs_valid(nhs))
		return mdt_fail(s, MDT_ENHS, "\"%s\"", p != NULL &&
		    p->nhs_number != NULL ? p->nhs_number : "");
	if (mdt_str_blank(p->name))
		return mdt_fail(s, MDT_EINVAL, "the patient has no name");
	if (p->date_of_birth == NULL || p->date_of_birth[0] == '+' ||
	    mdt_date_parse(p->date_of_birth, mdt_store_now(s), dob) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "date of birth \"%s\"",
		    p->date_of_birth != NULL ? p->date_of_birth : "");
	if (mdt_str_blank(reason))
		return mdt_fail(s, MDT_EINVAL, "write why the patient is added");
	st = check_plan(s, planned_s, true);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_end(s, add_on_day_tx(s, meeting_id, nhs, p, dob, reason,
	    planned_s, presenter_id, &id));
	if (st == MDT_OK && slot_id != NULL)
		*slot_id = id;
	return st;
}

/* ---- carry-forward --------------------------------------------------- */

enum mdt_status
mdt_carry_forward_tx(struct mdt_store *s, int64_t meeting_id, int *added)
{
	struct mdt_meeting_info m;
	enum mdt_status st;
	sqlite3_stmt *q;
	int64_t *patients = NULL;
	char (*dates)[11] = NULL;
	size_t n = 0, cap = 0, cap2 = 0, i;
	int rc, count = 0;

	*added = 0;
	st = mdt_meeting_info(s, meeting_id, false, &m);
	if (st == MDT_OK)
		st = mdt_prep(s, &q, "WITH latest AS (" LATEST_OUTCOME_SQL ")"
		    " SELECT patient_id, review_date FROM latest WHERE rn = 1"
		    " AND kind = 'stay' AND review_date <= ?2"
		    " AND patient_id NOT IN (SELECT id FROM patients"
		    "  WHERE purged_at IS NOT NULL)"
		    " ORDER BY patient_id", "it", meeting_id, m.date);
	if (st != MDT_OK)
		return st;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		patients = grow(patients, n, &cap, sizeof(*patients));
		dates = grow(dates, n, &cap2, sizeof(*dates));
		patients[n] = mdt_col_int(q, 0);
		mdt_col_copy(q, 1, dates[n], sizeof(dates[n]));
		n++;
	}
	if (rc != SQLITE_DONE)
		st = mdt_fail_db(s, rc, "reading the caseload");
	mdt_done(s, q);
	for (i = 0; st == MDT_OK && i < n; i++) {
		int64_t cand;
		bool created;
		int changes = sqlite3_total_changes(s->db);
		char *note;

		st = mdt_candidate_ensure(s, meeting_id, patients[i], &cand,
		    &created);
		if (st == MDT_OK)
			st = mdt_run(s, "UPDATE candidates SET lists = lists | ?,"
			    " carried_forward = 1 WHERE id = ?"
			    " AND (carried_forward = 0 OR (lists & ?) = 0)",
			    "dii", MDT_LIST_CASELOAD, cand,
			    (int64_t)MDT_LIST_CASELOAD);
		if (st != MDT_OK)
			break;
		if (sqlite3_total_changes(s->db) == changes)
			continue;
		note = mdt_xasprintf("review due %s", dates[i]);
		st = note_append(s, cand, note);
		free(note);
		count++;
	}
	free(patients);
	free(dates);
	if (st == MDT_OK && count > 0)
		st = mdt_audit_add(s, "carry_forward", "meeting", m.uuid,
		    "%d caseload patient%s due for review", count,
		    count == 1 ? "" : "s");
	if (st == MDT_OK)
		*added = count;
	return st;
}

enum mdt_status
mdt_carry_forward(struct mdt_store *s, int64_t meeting_id, int *added)
{
	enum mdt_status st;
	int n = 0;

	if (added != NULL)
		*added = 0;
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_end(s, mdt_carry_forward_tx(s, meeting_id, &n));
	if (st == MDT_OK && added != NULL)
		*added = n;
	return st;
}

/* ---- rising risk ----------------------------------------------------- */

enum mdt_status
mdt_rising_risk_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_rising_risk **out, size_t *n)
{
	struct mdt_rising_risk *arr = NULL;
	enum mdt_status status;
	sqlite3_stmt *st;
	size_t cap = 0, count = 0;
	int rc;

	*out = NULL;
	*n = 0;
	status = mdt_prep(s, &st, "WITH latest AS (" LATEST_OUTCOME_SQL ")"
	    " SELECT p.id, p.nhs_number, p.name, p.date_of_birth,"
	    " coalesce(p.practice, ''), l.scheduled_start, l.review_date,"
	    " (SELECT count(*) FROM actions a WHERE a.patient_id = p.id"
	    "  AND a.status = 'open'),"
	    " coalesce((SELECT id FROM candidates WHERE meeting_id = ?2"
	    "  AND patient_id = p.id), 0)"
	    " FROM latest l JOIN patients p ON p.id = l.patient_id"
	    " WHERE l.rn = 1 AND l.kind = 'step_down' AND p.purged_at IS NULL"
	    " ORDER BY p.name, p.id",
	    "ii", (int64_t)0, meeting_id);
	if (status != MDT_OK)
		return status;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct mdt_rising_risk *r;

		arr = grow(arr, count, &cap, sizeof(*arr));
		r = &arr[count++];
		memset(r, 0, sizeof(*r));
		r->patient_id = mdt_col_int(st, 0);
		mdt_col_copy(st, 1, r->nhs_number, sizeof(r->nhs_number));
		r->patient_name = mdt_col_dup0(st, 2);
		mdt_col_copy(st, 3, r->date_of_birth, sizeof(r->date_of_birth));
		r->practice = mdt_col_dup0(st, 4);
		mdt_date_of(mdt_col_int(st, 5), r->stepped_down_on);
		mdt_col_copy(st, 6, r->review_date, sizeof(r->review_date));
		r->open_actions = (int)mdt_col_int(st, 7);
		r->candidate_id = mdt_col_int(st, 8);
	}
	if (rc != SQLITE_DONE)
		status = mdt_fail_db(s, rc, "reading the rising-risk group");
	mdt_done(s, st);
	if (status != MDT_OK) {
		mdt_rising_risk_free(arr, count);
		return status;
	}
	*out = arr;
	*n = count;
	return MDT_OK;
}

void
mdt_rising_risk_free(struct mdt_rising_risk *arr, size_t n)
{
	for (size_t i = 0; arr != NULL && i < n; i++) {
		free(arr[i].patient_name);
		free(arr[i].practice);
	}
	free(arr);
}

static enum mdt_status
escalate_tx(struct mdt_store *s, int64_t patient_id, int64_t meeting_id,
    const char *reason, int64_t *candidate_id)
{
	struct mdt_meeting_info m;
	enum mdt_status st;
	char *kind = NULL, *note, uuid[37];
	bool created;

	st = mdt_meeting_info(s, meeting_id, true, &m);
	if (st == MDT_OK) {
		st = mdt_query_text(s, &kind, "WITH latest AS ("
		    LATEST_OUTCOME_SQL ") SELECT kind FROM latest"
		    " WHERE rn = 1 AND patient_id = ?2", "ii", (int64_t)0,
		    patient_id);
		if (st == MDT_ENOTFOUND || (st == MDT_OK &&
		    strcmp(kind, "step_down") != 0))
			st = mdt_fail(s, MDT_ESTATE, "patient %" PRId64
			    " is not in the rising-risk group", patient_id);
		free(kind);
	}
	if (st == MDT_OK)
		st = mdt_candidate_ensure(s, meeting_id, patient_id,
		    candidate_id, &created);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE candidates SET lists = lists | ?,"
		    " escalated = 1, defer_reason = NULL WHERE id = ?", "di",
		    MDT_LIST_REFERRAL, *candidate_id);
	if (st != MDT_OK)
		return st;
	note = mdt_xasprintf("escalated from rising risk: %s", reason);
	st = note_append(s, *candidate_id, note);
	free(note);
	if (st == MDT_OK) {
		char *u = NULL;

		st = mdt_query_text(s, &u, "SELECT uuid FROM candidates"
		    " WHERE id = ?", "i", *candidate_id);
		if (st == MDT_OK)
			mdt_strlcpy(uuid, u, sizeof(uuid));
		free(u);
	}
	if (st == MDT_OK)
		st = mdt_audit_add(s, "rising_risk_escalate", "candidate", uuid,
		    "patient %" PRId64 " escalated", patient_id);
	if (st == MDT_OK)
		st = mdt_agenda_recheck(s, meeting_id);
	return st;
}

enum mdt_status
mdt_rising_risk_escalate(struct mdt_store *s, int64_t patient_id,
    int64_t meeting_id, const char *reason, int64_t *candidate_id)
{
	enum mdt_status st;
	int64_t id = 0;

	if (candidate_id != NULL)
		*candidate_id = 0;
	if (mdt_str_blank(reason))
		return mdt_fail(s, MDT_EINVAL, "write why the patient is"
		    " escalated");
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_end(s, escalate_tx(s, patient_id, meeting_id, reason,
	    &id));
	if (st == MDT_OK && candidate_id != NULL)
		*candidate_id = id;
	return st;
}

/* ---- carried-forward actions ----------------------------------------- */

struct action_row {
	int64_t id;
	char uuid[37];
	int64_t patient_id;
	enum mdt_action_status status;
};

static enum mdt_status
get_action(struct mdt_store *s, int64_t id, struct action_row *a)
{
	enum mdt_status st;
	sqlite3_stmt *q;
	int rc, v;

	memset(a, 0, sizeof(*a));
	st = mdt_prep(s, &q, "SELECT id, uuid, patient_id, status FROM actions"
	    " WHERE id = ?", "i", id);
	if (st != MDT_OK)
		return st;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		a->id = mdt_col_int(q, 0);
		mdt_col_copy(q, 1, a->uuid, sizeof(a->uuid));
		a->patient_id = mdt_col_int(q, 2);
		v = mdt_action_status_parse(
		    (const char *)sqlite3_column_text(q, 3));
		a->status = v < 0 ? MDT_ACTION_OPEN : (enum mdt_action_status)v;
	} else if (rc == SQLITE_DONE)
		st = mdt_fail(s, MDT_ENOTFOUND, "no action %" PRId64, id);
	else
		st = mdt_fail_db(s, rc, "reading the action");
	mdt_done(s, q);
	return st;
}

/* New owner and/or due date of an open action (due already parsed; "" or
 * owner 0 keep). */
static enum mdt_status
reassign(struct mdt_store *s, const struct action_row *a, int64_t owner,
    const char *due)
{
	enum mdt_status st = MDT_OK;

	if (a->status != MDT_ACTION_OPEN)
		return mdt_fail(s, MDT_ESTATE, "the action is %s; only an open"
		    " action is reassigned", mdt_action_status_name(a->status));
	if (owner > 0)
		st = check_presenter(s, owner);
	if (st == MDT_OK && owner > 0)
		st = mdt_run(s, "UPDATE actions SET owner_id = ? WHERE id = ?",
		    "ii", owner, a->id);
	if (st == MDT_OK && *due != '\0')
		st = mdt_run(s, "UPDATE actions SET due_date = ? WHERE id = ?",
		    "ti", due, a->id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "action_reassign", "action", a->uuid,
		    "owner %" PRId64 ", due %s", owner, *due != '\0' ? due :
		    "unchanged");
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "action", a->uuid, "upsert");
	return st;
}

/* Parses an optional due date into due ("" when none). */
static enum mdt_status
parse_due(struct mdt_store *s, const char *in, char due[11])
{
	due[0] = '\0';
	if (mdt_str_blank(in))
		return MDT_OK;
	if (mdt_date_parse(in, mdt_store_now(s), due) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "due date \"%s\"", in);
	return MDT_OK;
}

enum mdt_status
mdt_action_reassign(struct mdt_store *s, int64_t action_id,
    int64_t new_owner_id, const char *new_due)
{
	struct action_row a;
	enum mdt_status st;
	char due[11];

	st = parse_due(s, new_due, due);
	if (st != MDT_OK)
		return st;
	if (new_owner_id <= 0 && due[0] == '\0')
		return mdt_fail(s, MDT_EINVAL, "give a new owner or due date");
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	st = get_action(s, action_id, &a);
	if (st == MDT_OK)
		st = reassign(s, &a, new_owner_id, due);
	return mdt_tx_end(s, st);
}

static enum mdt_status
review_tx(struct mdt_store *s, int64_t slot_id, int64_t action_id,
    enum mdt_action_verdict verdict, int64_t owner, const char *due)
{
	struct mdt_meeting_info m;
	struct action_row a;
	enum mdt_status st;
	char uuid[37];
	int64_t patient = 0, consent = 0;
	const char *status = NULL;
	bool purged = false;

	st = slot_meeting(s, slot_id, &m, uuid);
	if (st == MDT_OK)
		st = mdt_query_int(s, &patient, "SELECT patient_id FROM slots"
		    " WHERE id = ?", "i", slot_id);
	if (st == MDT_OK)
		st = mdt_query_int(s, &consent, "SELECT count(*) FROM consent"
		    " WHERE slot_id = ?", "i", slot_id);
	if (st == MDT_OK && consent == 0)
		st = mdt_fail(s, MDT_ECONSENT, "record consent first");
	if (st == MDT_OK)
		st = get_action(s, action_id, &a);
	if (st == MDT_OK && a.patient_id != patient)
		st = mdt_fail(s, MDT_EINVAL, "action %" PRId64 " is another"
		    " patient's", action_id);
	/* a purged action has lost its words: it stays closed */
	if (st == MDT_OK && a.status != MDT_ACTION_OPEN &&
	    (verdict == MDT_VERDICT_OPEN || verdict == MDT_VERDICT_REASSIGNED))
		st = mdt_action_purged(s, action_id, &purged);
	if (st == MDT_OK && purged)
		st = mdt_fail(s, MDT_ESTATE, "action %" PRId64 " was purged"
		    " under the retention rule", action_id);
	if (st != MDT_OK)
		return st;
	switch (verdict) {
	case MDT_VERDICT_OPEN:
		status = "open";
		break;
	case MDT_VERDICT_DONE:
		status = "done";
		break;
	case MDT_VERDICT_CANCELLED:
		status = "cancelled";
		break;
	case MDT_VERDICT_REASSIGNED:
	case MDT_VERDICT_NONE:
	default:
		break;
	}
	if (verdict == MDT_VERDICT_REASSIGNED) {
		if (a.status != MDT_ACTION_OPEN) {
			st = mdt_run(s, "UPDATE actions SET status = 'open',"
			    " closed_at = NULL WHERE id = ?", "i", a.id);
			a.status = MDT_ACTION_OPEN;
		}
		if (st == MDT_OK)
			st = reassign(s, &a, owner, due);
	} else if (strcmp(status, mdt_action_status_name(a.status)) != 0) {
		if (verdict == MDT_VERDICT_OPEN)
			st = mdt_run(s, "UPDATE actions SET status = 'open',"
			    " closed_at = NULL WHERE id = ?", "i", a.id);
		else
			st = mdt_run(s, "UPDATE actions SET status = ?,"
			    " closed_at = ? WHERE id = ?", "tii", status,
			    mdt_store_now(s), a.id);
		if (st == MDT_OK)
			st = mdt_outbox_add(s, "action", a.uuid, "upsert");
	}
	if (st == MDT_OK)
		st = mdt_run(s, "INSERT INTO action_reviews (action_id, slot_id,"
		    " verdict, reviewed_at) VALUES (?, ?, ?, ?)"
		    " ON CONFLICT (action_id, slot_id) DO UPDATE SET"
		    " verdict = excluded.verdict,"
		    " reviewed_at = excluded.reviewed_at", "iiti", a.id, slot_id,
		    mdt_action_verdict_name(verdict), mdt_store_now(s));
	if (st == MDT_OK)
		st = mdt_audit_add(s, "action_review", "action", a.uuid,
		    "slot %" PRId64 ": %s", slot_id,
		    mdt_action_verdict_name(verdict));
	return st;
}

enum mdt_status
mdt_action_review(struct mdt_store *s, int64_t slot_id, int64_t action_id,
    enum mdt_action_verdict verdict, int64_t new_owner_id,
    const char *new_due)
{
	enum mdt_status st;
	char due[11] = "";

	if (verdict != MDT_VERDICT_OPEN && verdict != MDT_VERDICT_DONE &&
	    verdict != MDT_VERDICT_REASSIGNED &&
	    verdict != MDT_VERDICT_CANCELLED)
		return mdt_fail(s, MDT_EINVAL, "unknown verdict %d",
		    (int)verdict);
	if (verdict == MDT_VERDICT_REASSIGNED) {
		st = parse_due(s, new_due, due);
		if (st != MDT_OK)
			return st;
		if (new_owner_id <= 0 && due[0] == '\0')
			return mdt_fail(s, MDT_EINVAL,
			    "give a new owner or due date");
	}
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, review_tx(s, slot_id, action_id, verdict,
	    new_owner_id, due));
}

enum mdt_status
mdt_slot_unreviewed_actions(struct mdt_store *s, int64_t slot_id, int *n)
{
	enum mdt_status st;
	int64_t v = 0;

	*n = 0;
	st = mdt_query_int(s, &v,
	    "SELECT count(*) FROM slots s JOIN actions a"
	    " ON a.patient_id = s.patient_id AND a.status = 'open'"
	    " WHERE s.id = ?1"
	    " AND (a.slot_id IS NULL OR a.slot_id NOT IN"
	    "  (SELECT id FROM slots WHERE meeting_id = s.meeting_id))"
	    " AND NOT EXISTS (SELECT 1 FROM action_reviews r"
	    "  WHERE r.action_id = a.id AND r.slot_id = s.id)", "i", slot_id);
	if (st == MDT_OK)
		*n = (int)v;
	return st;
}

/* ---- scheduling a meeting -------------------------------------------- */

/* Local time of date "YYYY-MM-DD" at "HH:MM", in ms; -1 if invalid. */
static int64_t
local_ms(const char *date, const char *hhmm)
{
	struct tm tm;
	time_t t;
	int h, mi;

	if (strlen(hhmm) != 5 || hhmm[2] != ':' ||
	    hhmm[0] < '0' || hhmm[0] > '2' || hhmm[1] < '0' || hhmm[1] > '9' ||
	    hhmm[3] < '0' || hhmm[3] > '5' || hhmm[4] < '0' || hhmm[4] > '9')
		return -1;
	h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
	mi = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
	if (h > 23)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (date[0] - '0') * 1000 + (date[1] - '0') * 100 +
	    (date[2] - '0') * 10 + (date[3] - '0') - 1900;
	tm.tm_mon = (date[5] - '0') * 10 + (date[6] - '0') - 1;
	tm.tm_mday = (date[8] - '0') * 10 + (date[9] - '0');
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	return (int64_t)t * 1000;
}

/* The register of a new meeting lists everyone known, not yet marked:
 * the administrator marks who came (and adds nobody by hand). */
static enum mdt_status
invite_everyone(struct mdt_store *s, int64_t meeting_id)
{
	sqlite3_stmt *q;
	enum mdt_status st;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;
	char uuid[37];

	st = mdt_prep(s, &q, "SELECT id FROM people ORDER BY id", "");
	if (st != MDT_OK)
		return st;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			ids = mdt_xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = sqlite3_column_int64(q, 0);
	}
	mdt_done(s, q);
	if (rc != SQLITE_DONE) {
		free(ids);
		return mdt_fail_db(s, rc, "reading the people");
	}
	for (size_t i = 0; st == MDT_OK && i < n; i++) {
		mdt_uuid_new(uuid);
		st = mdt_run(s, "INSERT INTO attendance (meeting_id, person_id,"
		    " uuid) VALUES (?, ?, ?)", "iit", meeting_id, ids[i],
		    uuid);
	}
	free(ids);
	return st;
}

static enum mdt_status
meeting_create_tx(struct mdt_store *s, const struct mdt_meeting_in *in,
    int64_t start, int minutes, int64_t *id, int *carried)
{
	enum mdt_status st = MDT_OK;
	int64_t venue = 0;
	char uuid[37];

	if (!mdt_str_blank(in->venue)) {
		st = mdt_query_int(s, &venue, "SELECT id FROM venues"
		    " WHERE name = ? ORDER BY id LIMIT 1", "t", in->venue);
		if (st == MDT_ENOTFOUND) {
			mdt_uuid_new(uuid);
			st = mdt_run(s, "INSERT INTO venues (uuid, name)"
			    " VALUES (?, ?)", "tt", uuid, in->venue);
			venue = sqlite3_last_insert_rowid(s->db);
		}
	}
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO meetings (uuid, title, venue_id,"
	    " scheduled_start, planned_minutes) VALUES (?, ?, ?, ?, ?)",
	    "ttIid", uuid, in->title, venue, start, minutes);
	if (st != MDT_OK)
		return st;
	*id = sqlite3_last_insert_rowid(s->db);
	st = mdt_audit_add(s, "meeting_create", "meeting", uuid, "%s",
	    in->title);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "meeting", uuid, "upsert");
	if (st == MDT_OK)
		st = invite_everyone(s, *id);
	if (st == MDT_OK)
		st = mdt_carry_forward_tx(s, *id, carried);
	return st;
}

enum mdt_status
mdt_meeting_create(struct mdt_store *s, const struct mdt_meeting_in *in,
    int64_t *meeting_id, int *carried)
{
	enum mdt_status st;
	char date[11];
	int64_t start, id = 0;
	int minutes, n = 0;

	*meeting_id = 0;
	if (carried != NULL)
		*carried = 0;
	if (mdt_str_blank(in->title))
		return mdt_fail(s, MDT_EINVAL, "the meeting has no title");
	if (mdt_date_parse(in->date, mdt_store_now(s), date) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "meeting date \"%s\"",
		    in->date != NULL ? in->date : "");
	start = local_ms(date, in->time != NULL ? in->time : "13:00");
	if (start < 0)
		return mdt_fail(s, MDT_EINVAL, "not a time of day (HH:MM): %s",
		    in->time);
	minutes = in->planned_minutes != 0 ? in->planned_minutes : 90;
	if (minutes < 1 || minutes > 720)
		return mdt_fail(s, MDT_EINVAL, "a meeting is planned for 1 to"
		    " 720 minutes");
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_end(s, meeting_create_tx(s, in, start, minutes, &id, &n));
	if (st == MDT_OK) {
		*meeting_id = id;
		if (carried != NULL)
			*carried = n;
	}
	return st;
}
