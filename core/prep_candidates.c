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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elsewhere.h"
#include "model.h"
#include "prep_internal.h"
#include "rising.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

/* ---- made inside the caller's transaction ---------------------------- */

enum mdt_status
mdt_patient_find(struct mdt_store *s, const char *nhs, bool unpurged,
    int64_t *id)
{
	return mdt_query_int(s, id, unpurged ? "SELECT id FROM patients"
	    " WHERE nhs_number = ? AND purged_at IS NULL" :
	    "SELECT id FROM patients WHERE nhs_number = ?", "t", nhs);
}

enum mdt_status
mdt_patient_known(struct mdt_store *s, const char *nhs, bool unpurged,
    int64_t *id)
{
	enum mdt_status st;
	char shown[13];

	st = mdt_patient_find(s, nhs, unpurged, id);
	if (st != MDT_ENOTFOUND)
		return st;
	mdt_nhs_format(nhs, shown);
	return mdt_fail(s, st, "no patient with %s %s", mdt_nhs_local(nhs) ?
	    "local identifier" : "NHS number", shown);
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
mdt_patient_find_or_add(struct mdt_store *s, const char *nhs,
    const char *name, const char *date_of_birth, const char *practice,
    int64_t *id)
{
	enum mdt_status st;
	char *old_dob = NULL;

	st = mdt_patient_find(s, nhs, false, id);
	if (st == MDT_ENOTFOUND) {
		if (mdt_str_blank(name))
			return mdt_fail(s, MDT_EINVAL, "a patient new to the"
			    " record needs a name");
		return mdt_patient_insert(s, nhs, name, date_of_birth,
		    practice, id);
	}
	if (st != MDT_OK || date_of_birth == NULL || *date_of_birth == '\0')
		return st;
	st = mdt_query_text(s, &old_dob, "SELECT date_of_birth"
	    " FROM patients WHERE id = ?", "i", *id);
	if (st == MDT_OK && old_dob != NULL &&
	    strcmp(old_dob, date_of_birth) != 0)
		st = mdt_fail(s, MDT_EINVAL, "date of birth differs"
		    " from the record (%s)", old_dob);
	free(old_dob);
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
		st = mdt_consent_asked_defer_tx(s, *candidate_id, patient_id);
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

static void
read_reason(sqlite3_stmt *st, void *row, void *ctx)
{
	*(char **)row = join_reasons((const char *)sqlite3_column_text(st, 0),
	    (const char *)sqlite3_column_text(st, 1));
}

enum mdt_status
mdt_candidate_reason(struct mdt_store *s, int64_t candidate_id, char **out)
{
	return mdt_read_id(s, out, sizeof(*out), read_reason, "candidate",
	    "SELECT c.note, (SELECT group_concat(reason, '; ')"
	    " FROM (SELECT reason FROM list_entries WHERE candidate_id = c.id"
	    "  AND reason <> '' ORDER BY id)) FROM candidates c WHERE c.id = ?",
	    candidate_id);
}

static void
candidate_done(void *row)
{
	struct mdt_candidate *c = row;

	mdt_free_each(7, c->patient_name, c->practice, c->reason,
	    c->referred_by, c->defer_reason, c->presenter_name,
	    c->referral_defers);
	mdt_consent_asked_done(&c->asked);
	mdt_elsewhere_done(&c->elsewhere);
}

static void
read_candidate(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_candidate *c = row;
	int *selected = ctx;	/* how many slots so far */

	mdt_cols(st, "iicscsdbbb--sSi" "----ecd", MDT_F(c->id),
	    MDT_F(c->patient_id), MDT_F(c->nhs_number), MDT_F(c->patient_name),
	    MDT_F(c->date_of_birth), MDT_F(c->practice), MDT_F(c->lists),
	    MDT_F(c->carried_forward), MDT_F(c->escalated),
	    MDT_F(c->added_on_day), MDT_F(c->referred_by),
	    MDT_F(c->defer_reason), MDT_F(c->slot_id),
	    MDT_F(c->previous_outcome), mdt_outcome_parse, MDT_OUTCOME_NONE,
	    MDT_F(c->previous_review_date), MDT_F(c->open_actions));
	mdt_cols(st, "----------------------idsd", MDT_F(c->referral_id),
	    MDT_F(c->referral_deferred), MDT_F(c->referral_defers),
	    MDT_F(c->referral_days));
	/* columns 26-31: the consent asked before */
	c->asked.id = mdt_col_int(st, 26);
	if (c->asked.id != 0) {
		c->asked.answer = (enum mdt_asked_answer)mdt_col_int(st, 27);
		c->asked.asked_by = mdt_col_dup0(st, 28);
		mdt_col_copy(st, 29, c->asked.asked_on,
		    sizeof(c->asked.asked_on));
		c->asked.representative = mdt_col_dup(st, 30);
		c->asked.justification = mdt_col_dup(st, 31);
	}
	mdt_elsewhere_cols(st, 32, &c->elsewhere);
	c->reason = join_reasons(
	    (const char *)sqlite3_column_text(st, 10),
	    (const char *)sqlite3_column_text(st, 11));
	if (c->slot_id != 0) {
		c->state = MDT_CANDIDATE_SELECTED;
		c->position = ++*selected;
		mdt_cols(st, "---------------diSe", MDT_F(c->planned_s),
		    MDT_F(c->presenter_id), MDT_F(c->presenter_name),
		    MDT_F(c->slot_state), mdt_slot_state_parse,
		    MDT_SLOT_PENDING);
	} else
		c->state = c->defer_reason != NULL ?
		    MDT_CANDIDATE_DEFERRED : MDT_CANDIDATE_OPEN;
}

/* The candidates of a meeting, read in one read transaction. */
struct candidates_read {
	int64_t meeting_id;
	struct mdt_candidate **out;
	size_t *n;
	int selected;
};

static enum mdt_status
candidates_tx(struct mdt_store *s, void *ctx)
{
	struct candidates_read *a = ctx;
	enum mdt_status status;

	status = mdt_query_int(s, &(int64_t){ 0 },
	    "SELECT id FROM meetings WHERE id = ?", "i", a->meeting_id);
	if (status == MDT_ENOTFOUND)
		return mdt_fail(s, status, "no meeting %" PRId64,
		    a->meeting_id);
	if (status != MDT_OK)
		return status;
	return mdt_read_array(s, a->out, a->n, sizeof(**a->out),
	    candidate_done, read_candidate, &a->selected,
	    "reading the candidates",
	    "SELECT c.id, c.patient_id, p.nhs_number, p.name,"
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
	    "  WHERE a.patient_id = c.patient_id AND a.status = 'open'),"
	    " coalesce(c.referral_id, 0),"
	    " (SELECT count(*) FROM candidates d WHERE d.referral_id ="
	    "  c.referral_id AND d.meeting_id <> c.meeting_id"
	    "  AND d.defer_reason IS NOT NULL),"
	    " (SELECT group_concat(x.why, '; ') FROM (SELECT"
	    "  date(dm.scheduled_start / 1000, 'unixepoch', 'localtime')"
	    "  || ': ' || d.defer_reason AS why FROM candidates d"
	    "  JOIN meetings dm ON dm.id = d.meeting_id"
	    "  WHERE d.referral_id = c.referral_id"
	    "  AND d.meeting_id <> c.meeting_id"
	    "  AND d.defer_reason IS NOT NULL"
	    "  ORDER BY dm.scheduled_start, d.id) AS x),"
	    " (SELECT max(0, (m.scheduled_start - r.raised_at) / 86400000)"
	    "  FROM referrals r, meetings m WHERE r.id = c.referral_id"
	    "  AND m.id = c.meeting_id),"
	    " coalesce(ca.id, 0), " MDT_ASKED_ANSWER_SQL("ca") ","
	    " ca.asked_by, ca.asked_on, ca.representative, ca.justification,"
	    MDT_ELSEWHERE_COLS_SQL("c.patient_id")
	    " FROM candidates c JOIN patients p ON p.id = c.patient_id"
	    MDT_ELSEWHERE_JOIN_SQL("c.patient_id")
	    " LEFT JOIN consent_asked ca ON ca.id = (" MDT_ASKED_LATEST_SQL(
	    "c.patient_id") ")"
	    " LEFT JOIN slots s ON s.meeting_id = c.meeting_id"
	    "  AND s.patient_id = c.patient_id"
	    " LEFT JOIN people pr ON pr.id = s.presenter_id"
	    " LEFT JOIN outcomes l ON l.id = (" LATEST_OUTCOME_OF_SQL(
	    "c.patient_id") ")"
	    " WHERE c.meeting_id = ?1"
	    " ORDER BY CASE WHEN s.id IS NOT NULL THEN 0"
	    "  WHEN c.defer_reason IS NULL THEN 1 ELSE 2 END,"
	    " s.position, s.id,"
	    " CASE WHEN s.id IS NULL AND c.defer_reason IS NULL AND "
	    REFERRAL_SQL("c") " THEN 0 ELSE 1 END,"
	    " (c.lists & 1) + (c.lists >> 1 & 1) + (c.lists >> 2 & 1)"
	    " + (c.lists >> 3 & 1) + (c.lists >> 4 & 1)"
	    " + (c.lists >> 5 & 1) DESC, p.name, c.id", "i",
	    a->meeting_id);
}

enum mdt_status
mdt_candidates_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_candidate **out, size_t *n)
{
	struct candidates_read a = { meeting_id, out, n, 0 };

	*out = NULL;
	*n = 0;
	return mdt_tx_read(s, candidates_tx, &a);
}

void
mdt_candidates_free(struct mdt_candidate *arr, size_t n)
{
	mdt_array_free(arr, n, sizeof(*arr), candidate_done);
}

char *
mdt_referral_history(const struct mdt_candidate *c, char *buf, size_t len)
{
	if (c->referral_id == 0)
		snprintf(buf, len, "%s", "");
	else if (c->referral_deferred > 0)
		snprintf(buf, len, "waited %d day%s, deferred %dx (%s)",
		    c->referral_days, c->referral_days == 1 ? "" : "s",
		    c->referral_deferred, c->referral_defers);
	else
		snprintf(buf, len, "waited %d day%s, not deferred before",
		    c->referral_days, c->referral_days == 1 ? "" : "s");
	return buf;
}

static void
read_agenda_state(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_agenda_state *out = row;

	mdt_cols(st, "ddddii", MDT_F(out->candidates), MDT_F(out->selected),
	    MDT_F(out->deferred), MDT_F(out->unresolved_referrals),
	    MDT_F(out->planned_s), MDT_F(out->finalised_at));
}

enum mdt_status
mdt_agenda_state(struct mdt_store *s, int64_t meeting_id,
    struct mdt_agenda_state *out)
{
	enum mdt_status status;

	status = mdt_read_row(s, out, sizeof(*out), read_agenda_state, NULL,
	    "reading the agenda",
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
	if (status == MDT_ENOTFOUND)
		return mdt_fail(s, status, "no meeting %" PRId64, meeting_id);
	if (status == MDT_OK)
		status = mdt_rising_due(s, meeting_id, &out->rising_due);
	return status;
}

