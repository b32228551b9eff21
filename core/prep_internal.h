/*
 * prep_internal.h - what the files of agenda preparation (prep.c,
 * prep_candidates.c, prep_carry.c) share with each other and with
 * import.c: the SQL of referrals and of a patient's latest outcome, and
 * the candidates, patients and carry-forward written inside the caller's
 * transaction.  Not for tui/
 * or sync/.
 */
#ifndef MDT_PREP_INTERNAL_H
#define MDT_PREP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "rows.h"

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

/* ---- prep_candidates.c ---------------------------------------------- */

/* Inserts a patient (nhs: ten digits); *id gets the new row. */
enum mdt_status mdt_patient_insert(struct mdt_store *s, const char *nhs,
    const char *name, const char *date_of_birth, const char *practice,
    int64_t *id);

/* The candidate of (meeting, patient), made (with no lists) if missing. */
enum mdt_status mdt_candidate_ensure(struct mdt_store *s, int64_t meeting_id,
    int64_t patient_id, int64_t *candidate_id, bool *created);

/* Clears the meeting's finalisation if a referral is now unresolved. */
enum mdt_status mdt_agenda_recheck(struct mdt_store *s, int64_t meeting_id);

/* Appends text to a candidate's note ("; "-separated) unless there. */
enum mdt_status mdt_candidate_note_add(struct mdt_store *s,
    int64_t candidate_id, const char *text);

/* The reason of a candidate (a new string): its note and every list's
 * reason. */
enum mdt_status mdt_candidate_reason(struct mdt_store *s, int64_t candidate_id,
    char **out);

/* ---- prep_carry.c --------------------------------------------------- */

/* Carry-forward inside the caller's transaction. */
enum mdt_status mdt_carry_forward_tx(struct mdt_store *s, int64_t meeting_id,
    int *added);

#endif
