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

/* The id of the latest outcome of the patient (column or value p) in a
 * meeting other than ?1 scheduled before it: read through the patient's
 * own slots, so that it costs one patient's history, not everyone's. */
#define LATEST_OUTCOME_OF_SQL(p) \
	"SELECT lo.id FROM slots ls JOIN outcomes lo ON lo.slot_id = ls.id" \
	" JOIN meetings lm ON lm.id = ls.meeting_id" \
	" WHERE ls.patient_id = " p " AND lm.id <> ?1" \
	" AND lm.scheduled_start < (SELECT scheduled_start FROM meetings" \
	"  WHERE id = ?1)" \
	" ORDER BY lm.scheduled_start DESC, lo.recorded_at DESC, lo.id DESC" \
	" LIMIT 1"

/* The slots that discussed a referral r (an alias of referrals): its
 * patient's, closed with consent or an outcome at or after it was
 * raised.  Follows SELECT ...; s is the slot. */
#define REFERRAL_DISCUSSED_FROM(r) \
	" FROM slots s WHERE s.patient_id = " r ".patient_id" \
	" AND s.state = 'done' AND s.closed_at >= " r ".raised_at" \
	" AND (EXISTS (SELECT 1 FROM consent k WHERE k.slot_id = s.id)" \
	" OR EXISTS (SELECT 1 FROM outcomes o WHERE o.slot_id = s.id))"

/* A referral r still in the queue: neither withdrawn nor discussed (as
 * stored, or since: settled by mdt_referrals_settle_tx). */
#define REFERRAL_OPEN_SQL(r) \
	"(" r ".withdrawn_at IS NULL AND " r ".discussed_slot_id IS NULL" \
	" AND NOT EXISTS (SELECT 1" REFERRAL_DISCUSSED_FROM(r) "))"

/* A new referral (referrals.c, and import.c for a patient a list
 * makes): uuid, patient, referrer, service (NULL: none), reason, urgency
 * (NULL: routine), consent (NULL: not recorded), when raised, and how
 * (import / tool). */
#define REFERRAL_INSERT_SQL \
	"INSERT INTO referrals (uuid, patient_id, referrer, service, reason," \
	" urgency, consent, raised_at, source) VALUES (?, ?, ?," \
	" coalesce(?, ''), ?, coalesce(?, 'routine'), ?, ?, ?)"

/* What the retention purge leaves of a referral's words (purge.c, with
 * MDT_PURGED_TEXT of purge.h): the service stays, which the review
 * counts. */
#define REFERRAL_PURGE_SET \
	"referrer = '" MDT_PURGED_TEXT "', reason = '" MDT_PURGED_TEXT "'," \
	" withdraw_reason = CASE WHEN withdraw_reason IS NULL THEN NULL" \
	" ELSE '" MDT_PURGED_TEXT "' END"

/* ---- prep_candidates.c ---------------------------------------------- */

/* The patient an NHS number or local identifier (as stored) names, into
 * *id; with unpurged, not one the retention purge went through.
 * MDT_ENOTFOUND, nothing recorded, when there is none. */
enum mdt_status mdt_patient_find(struct mdt_store *s, const char *nhs,
    bool unpurged, int64_t *id);
/* As mdt_patient_find, none recorded: "no patient with NHS number 999
 * 339 5633" (or "with local identifier L..."). */
enum mdt_status mdt_patient_known(struct mdt_store *s, const char *nhs,
    bool unpurged, int64_t *id);

/* Inserts a patient (nhs: ten digits); *id gets the new row. */
enum mdt_status mdt_patient_insert(struct mdt_store *s, const char *nhs,
    const char *name, const char *date_of_birth, const char *practice,
    int64_t *id);

/* The patient of an NHS number (ten digits) into *id: found (MDT_EINVAL
 * if date_of_birth, when given, differs from the record's), or made
 * (MDT_EINVAL if name is blank). */
enum mdt_status mdt_patient_find_or_add(struct mdt_store *s, const char *nhs,
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

/* Carry-forward inside the caller's transaction; held_from as for
 * mdt_referrals_carry_tx. */
enum mdt_status mdt_carry_forward_tx(struct mdt_store *s, int64_t meeting_id,
    int64_t held_from, int *added);

/* ---- referrals.c ---------------------------------------------------- */

/* The referrals discussed since raised marked so (patient_id 0: every
 * patient's), inside the caller's transaction. */
enum mdt_status mdt_referrals_settle_tx(struct mdt_store *s,
    int64_t patient_id);

/* The patient's open referral withdrawn with the reason, its planned
 * candidates deferred with it, audited; MDT_ENOTFOUND when there is none
 * (nothing written). */
enum mdt_status mdt_referral_withdraw_tx(struct mdt_store *s,
    int64_t patient_id, const char *reason);

/* A candidate just made of the patient: deferred "consent refused"
 * when the patient's answer asked before bars them (consent_before.h). */
enum mdt_status mdt_consent_asked_defer_tx(struct mdt_store *s,
    int64_t candidate_id, int64_t patient_id);

/* Every open referral made a candidate of the meeting, on the referral
 * list; the candidates of planned meetings left by a referral no longer
 * open removed.  *added: candidates made or changed.  held_from: the
 * first referral id the caller's act made, each with its candidate of
 * this meeting on the referral list as carry_one leaves it (an import of
 * a referral list), so that those are not read again; 0 if none. */
enum mdt_status mdt_referrals_carry_tx(struct mdt_store *s,
    int64_t meeting_id, int64_t held_from, int *added);

/* The referral list's row for the patient (a candidate): the patient's
 * open referral raised or updated, and linked to the candidate (none
 * when candidate_id is 0: the caller makes it with the link); its id in
 * *referral_id (may be NULL).  A patient made by this act (patient_new)
 * has neither referral nor discussion to look for: the referral is
 * raised at once. */
enum mdt_status mdt_referral_from_list_tx(struct mdt_store *s,
    int64_t patient_id, int64_t candidate_id, const char *referred_by,
    const char *reason, bool patient_new, int64_t *referral_id);

/* ---- rising.c ------------------------------------------------------ */

/* What an outcome recorded at a meeting does to the patient's place on
 * the rising-risk register: a step down puts them on it (or, already on
 * it, marks them stepped down again, the next review on review or
 * every_days after the meeting); staying on the caseload, closing and a
 * death end their entry. */
enum mdt_status mdt_rising_outcome_tx(struct mdt_store *s,
    int64_t patient_id, int64_t meeting_id, enum mdt_outcome_kind kind,
    const char *review);

/* The patient's entry, if any, ended for the reason (a death between
 * meetings). */
enum mdt_status mdt_rising_end_tx(struct mdt_store *s, int64_t patient_id,
    const char *reason);

/* ---- plan.c --------------------------------------------------------- */

/* What an outcome does to the patient's joined-up plan: closing the case
 * completes it when every problem is resolved, and is refused (said)
 * while problems are open and the plan was not ended with a reason; a
 * death ends it.  Other outcomes leave it. */
enum mdt_status mdt_plan_outcome_tx(struct mdt_store *s, int64_t patient_id,
    enum mdt_outcome_kind kind);
/* A death between meetings ends the patient's plan, if they have one. */
enum mdt_status mdt_plan_died_tx(struct mdt_store *s, int64_t patient_id);

#endif
