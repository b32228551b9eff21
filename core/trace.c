/*
 * trace.c - patients held under a local identifier until traced
 * (trace.h).
 */
#include "config.h"

#include "trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prep_internal.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

enum mdt_status
mdt_patient_local_add_tx(struct mdt_store *s, const char *name,
    const char *dob, int64_t *id, char local[11])
{
	enum mdt_status st;
	int64_t last = 0;

	if (mdt_str_blank(name))
		return mdt_fail(s, MDT_EINVAL, "a patient without an NHS"
		    " number needs a name");
	/* the identifiers are never reused: the highest ever given, + 1,
	 * those traced since (gone from the patients) counted by their
	 * audit rows.  Each is 'L' and nine digits, so the highest is the
	 * last of its index (patients' nhs_number, audit_traces): two
	 * steps, whatever the history */
	st = mdt_query_int(s, &last, "SELECT coalesce(max(CAST(substr(m, 2,"
	    " 9) AS INTEGER)), 0) FROM (SELECT max(nhs_number) AS m"
	    " FROM patients WHERE nhs_number GLOB 'L[0-9]*'"
	    " UNION ALL SELECT max(detail) FROM audit"
	    " WHERE action = 'patient_trace' AND detail GLOB 'L[0-9]*')",
	    NULL);
	if (st == MDT_OK && last >= 999999999)
		st = mdt_fail(s, MDT_ESTATE, "no local identifier is left");
	if (st != MDT_OK)
		return st;
	snprintf(local, 11, "L%09u", (unsigned)(last + 1));
	return mdt_patient_insert(s, local, name, dob, NULL, id);
}

enum mdt_status
mdt_patient_typed_tx(struct mdt_store *s, char nhs[11], const char *name,
    const char *dob, bool unpurged, const char *unknown, int64_t *id)
{
	enum mdt_status st;

	if (nhs[0] == '\0')
		return mdt_patient_local_add_tx(s, name, dob[0] != '\0' ? dob :
		    NULL, id, nhs);
	if (!mdt_nhs_local(nhs))
		return mdt_patient_find_or_add(s, nhs, name, dob[0] != '\0' ?
		    dob : NULL, NULL, id);
	st = mdt_patient_find(s, nhs, unpurged, id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "%s %s", unknown, nhs);
	return st;
}

/* What a trace was asked. */
struct trace_act {
	char local[11];
	char nhs[11];
	bool merged;
};

/* Statements of join, each given the local patient (?1, from) and the
 * one known by the number (?2, to), run in turn while all goes well. */
static enum mdt_status
run_each(struct mdt_store *s, const char *const *sql, size_t n, int64_t from,
    int64_t to)
{
	enum mdt_status st = MDT_OK;

	for (size_t i = 0; st == MDT_OK && i < n; i++)
		st = mdt_run(s, sql[i], "ii", from, to);
	return st;
}

/* A candidate of a meeting both are candidates of: its lists and list
 * entries join the other's; the rest of from's candidates move over. */
static const char *const join_candidates_sql[] = {
	"UPDATE candidates SET lists = lists | (SELECT"
	" f.lists FROM candidates f WHERE f.patient_id = ?1"
	"  AND f.meeting_id = candidates.meeting_id)"
	" WHERE patient_id = ?2 AND meeting_id IN (SELECT meeting_id"
	"  FROM candidates WHERE patient_id = ?1)",
	"UPDATE OR IGNORE list_entries SET candidate_id ="
	" (SELECT t.id FROM candidates t JOIN candidates f"
	"  ON f.meeting_id = t.meeting_id WHERE t.patient_id = ?2"
	"  AND f.id = list_entries.candidate_id)"
	" WHERE candidate_id IN (SELECT f.id FROM candidates f"
	"  JOIN candidates t ON t.meeting_id = f.meeting_id"
	"  WHERE f.patient_id = ?1 AND t.patient_id = ?2)",
	"DELETE FROM candidates WHERE patient_id = ?1"
	" AND meeting_id IN (SELECT meeting_id FROM candidates"
	"  WHERE patient_id = ?2)",
	"UPDATE candidates SET patient_id = ?2 WHERE patient_id = ?1",
};

/* Once from's open referral and active entry on the register are closed
 * where to has its own: from's referrals, rising-risk entries (each with
 * its events), actions and consent asked move over. */
static const char *const join_moves_sql[] = {
	"UPDATE referrals SET patient_id = ?2 WHERE patient_id = ?1",
	"UPDATE rising_risk SET patient_id = ?2 WHERE patient_id = ?1",
	"UPDATE actions SET patient_id = ?2 WHERE patient_id = ?1",
	"UPDATE consent_asked SET patient_id = ?2 WHERE patient_id = ?1",
};

/* Once the deaths agree: from's death moves over where to has none, and
 * what the number's record lacks, the local one may say. */
static const char *const join_last_sql[] = {
	"DELETE FROM deaths WHERE patient_id = ?1"
	" AND EXISTS (SELECT 1 FROM deaths WHERE patient_id = ?2)",
	"UPDATE deaths SET patient_id = ?2 WHERE patient_id = ?1",
	"UPDATE patients SET"
	" date_of_birth = coalesce(date_of_birth, (SELECT"
	"  date_of_birth FROM patients WHERE id = ?1)),"
	" key_contact_id = coalesce(key_contact_id, (SELECT"
	"  key_contact_id FROM patients WHERE id = ?1))"
	" WHERE id = ?2",
};

/* The local patient (from) joins the patient known by the number (to):
 * their slots, candidates, referrals, rising-risk entries (with their
 * events), actions and death move over where
 * the other has none of the same; then the local patient goes. */
static enum mdt_status
join(struct mdt_store *s, int64_t from, int64_t to)
{
	enum mdt_status st;
	int64_t left = 0;

	st = mdt_run(s, "UPDATE slots SET patient_id = ?2 WHERE patient_id = ?1"
	    " AND meeting_id NOT IN (SELECT meeting_id FROM slots"
	    "  WHERE patient_id = ?2)", "ii", from, to);
	if (st == MDT_OK)
		st = mdt_refuse_when(s, MDT_ESTATE, "both are on the agenda of"
		    " one meeting: take one off first", "SELECT count(*)"
		    " FROM slots WHERE patient_id = ?", "i", from);
	if (st == MDT_OK)
		st = run_each(s, join_candidates_sql,
		    MDT_COUNT(join_candidates_sql), from, to);
	/* one open referral per patient: the number's own stays open */
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE referrals SET withdrawn_at = ?3,"
		    " withdraw_reason = 'traced: joined the patient''s open"
		    " referral' WHERE patient_id = ?1 AND " REFERRAL_OPEN_SQL(
		    "referrals") " AND EXISTS (SELECT 1 FROM referrals r"
		    "  WHERE r.patient_id = ?2 AND " REFERRAL_OPEN_SQL("r") ")",
		    "iii", from, to, mdt_store_now(s));
	/* the rising-risk register: one active entry per patient, the
	 * number's own */
	if (st == MDT_OK)
		st = mdt_query_int(s, &left, "SELECT count(*) FROM rising_risk"
		    " WHERE patient_id = ?2 AND ended_at IS NULL", "ii", from,
		    to);
	if (st == MDT_OK && left > 0)
		st = mdt_rising_end_tx(s, from, "traced: joined the patient's"
		    " entry on the register");
	if (st == MDT_OK)
		st = run_each(s, join_moves_sql, MDT_COUNT(join_moves_sql),
		    from, to);
	if (st == MDT_OK)
		st = mdt_refuse_when(s, MDT_ESTATE, "both are recorded as dead,"
		    " on different days: mend one first", "SELECT count(*)"
		    " FROM deaths a JOIN deaths b ON b.patient_id = ?2"
		    " WHERE a.patient_id = ?1 AND a.died_on <> b.died_on", "ii",
		    from, to);
	if (st == MDT_OK)
		st = run_each(s, join_last_sql, MDT_COUNT(join_last_sql), from,
		    to);
	if (st == MDT_OK)
		st = mdt_run(s, "DELETE FROM patients WHERE id = ?", "i", from);
	return st;
}

/* The patient held under a->local given the number a->nhs, or joined to
 * the patient known by it (a->merged); *to: the patient they are now. */
static enum mdt_status
trace_to(struct mdt_store *s, struct trace_act *a, int64_t *to)
{
	int64_t from = 0;
	enum mdt_status st = mdt_patient_find(s, a->local, false, &from);

	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no patient is held under %s", a->local);
	if (st == MDT_OK)
		st = mdt_patient_find(s, a->nhs, false, to);
	if (st == MDT_ENOTFOUND) {
		*to = from;
		return mdt_run(s, "UPDATE patients SET nhs_number = ?"
		    " WHERE id = ?", "ti", a->nhs, from);
	}
	if (st != MDT_OK)
		return st;
	a->merged = true;
	return join(s, from, *to);
}

static enum mdt_status
trace_tx(struct mdt_store *s, void *ctx)
{
	struct trace_act *a = ctx;
	int64_t to = 0;
	char *uuid = NULL;
	enum mdt_status st = trace_to(s, a, &to);

	if (st == MDT_OK)
		st = mdt_query_text(s, &uuid, "SELECT uuid FROM patients"
		    " WHERE id = ?", "i", to);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "patient_trace", "patient", uuid,
		    "%s traced%s", a->local, a->merged ? ", joined the patient"
		    " known by the number" : "");
	free(uuid);
	return st;
}

enum mdt_status
mdt_patient_trace(struct mdt_store *s, const char *local, const char *nhs,
    bool *merged)
{
	struct trace_act a = { .merged = false };
	enum mdt_status st;

	if (merged != NULL)
		*merged = false;
	if (!mdt_local_id_normalise(local, a.local))
		return mdt_fail(s, MDT_EINVAL, "not a local identifier (L and"
		    " its digits): \"%s\"", local != NULL ? local : "");
	if (!mdt_nhs_normalise(nhs, a.nhs) || !mdt_nhs_valid(a.nhs))
		return mdt_fail(s, MDT_ENHS, "\"%s\"", nhs != NULL ? nhs : "");
	st = mdt_tx_run(s, trace_tx, &a, NULL);
	if (st == MDT_OK && merged != NULL)
		*merged = a.merged;
	return st;
}
