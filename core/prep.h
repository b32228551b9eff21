/*
 * prep.h - preparing the agenda before a meeting: the candidates
 * (prep_candidates.c); choosing who is discussed, finalising and patients
 * added on the day (prep.c); carry-forward, the review of carried-forward
 * actions and scheduling a meeting (prep_carry.c); the rising-risk
 * register is rising.h.  The lists themselves (enum mdt_list) are in model.h,
 * their names in rules.h.
 */
#ifndef MDT_PREP_H
#define MDT_PREP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "consent_before.h"
#include "elsewhere.h"
#include "model.h"

/*
 * Before a meeting, lists of patients are imported: the caseload, new
 * referrals, current inpatients, recent discharges, frequent hospital
 * attenders and regular ambulance callers.  Rows merge per patient (by
 * NHS number) into one candidate of the meeting, carrying the flags of
 * every list the patient is on.  A matron and a GP then choose who is
 * discussed: a selected candidate has a slot on the agenda; a deferred one
 * has a written reason.  A referral is never turned away: the agenda
 * cannot be finalised while a referral is neither selected nor deferred.
 *
 * Candidates are local preparation data: the acts that only change
 * candidates (import, carry-forward, defer, escalation) write audit rows
 * but queue nothing for the central record.  The acts that change the
 * agenda itself (select, deselect, move, plan, add on the day, finalise)
 * queue the 'meeting', whose discussions are the slots.
 */

/* ---- the candidates (prep_candidates.c) ----------------------------- */

struct mdt_candidate {
	int64_t id;
	int64_t patient_id;
	char nhs_number[11];
	char *patient_name;
	char date_of_birth[11];
	char *practice;			/* "" if unknown */
	unsigned lists;			/* enum mdt_list flags */
	bool carried_forward;		/* caseload review due (automatic) */
	bool escalated;			/* escalated back from rising risk */
	bool added_on_day;		/* added during the meeting */
	char *reason;			/* why, from every list and note,
					 * "; "-separated ("" if none) */
	char *referred_by;		/* "" unless a referral names it */
	enum mdt_candidate_state state;
	char *defer_reason;		/* NULL unless deferred */
	/* the slot, when selected (else 0 / NULL) */
	int64_t slot_id;
	int position;			/* 1..n among the meeting's slots */
	int planned_s;
	int64_t presenter_id;
	char *presenter_name;
	enum mdt_slot_state slot_state;
	/* the patient's history */
	enum mdt_outcome_kind previous_outcome;	/* latest in an earlier
						 * meeting; NONE if never */
	char previous_review_date[11];	/* of that outcome, or the review
					 * date of the caseload list; "" */
	int open_actions;		/* the patient's open actions */
	/* the referral queue (referrals.h), when a referral made it or
	 * it is one */
	int64_t referral_id;		/* 0 if none */
	int referral_deferred;		/* deferred by other meetings */
	char *referral_defers;		/* "YYYY-MM-DD: why; ..." by meeting,
					 * oldest first; "" if never */
	int referral_days;		/* waited by this meeting's date */
	/* consent asked before the meeting: the answer standing (id 0:
	 * never asked) */
	struct mdt_consent_asked asked;
	/* the discussions at meetings not held here, as the central record
	 * said them when last read (elsewhere.h) */
	struct mdt_elsewhere elsewhere;
};

/*
 * The candidates of a meeting: the selected ones in agenda order, then
 * the undecided (referrals first, then by number of lists, then name),
 * then the deferred (by name).  Every slot of the meeting has a
 * candidate.  DESTRUCTOR: mdt_candidates_free.
 */
enum mdt_status mdt_candidates_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_candidate **out, size_t *n);
void mdt_candidates_free(struct mdt_candidate *arr, size_t n);

/* A queued referral's history for people: "waited 12 days, deferred 1x
 * (2026-11-03: REASON; ...)" or "waited 12 days, not deferred before", into buf
 * (truncated, the reason as stored: escape it to show it); "" for a
 * candidate no referral made. */
char *mdt_referral_history(const struct mdt_candidate *c, char *buf,
    size_t len);

/* The state of a meeting's preparation, for the screens' headers. */
struct mdt_agenda_state {
	int candidates;			/* all */
	int selected;
	int deferred;
	int unresolved_referrals;	/* referrals neither selected nor
					 * deferred: finalising is refused */
	int rising_due;			/* rising-risk reviews due by the
					 * meeting's date (rising.h) */
	int64_t planned_s;		/* sum of the slots' planned time */
	int64_t finalised_at;		/* 0 if not finalised */
};

enum mdt_status mdt_agenda_state(struct mdt_store *s, int64_t meeting_id,
    struct mdt_agenda_state *out);

/* ---- choosing who is discussed (prep.c) ----------------------------- */

/* The default and the bounds of a slot's planned time. */
#define MDT_SLOT_DEFAULT_S 360
#define MDT_SLOT_MIN_S 60
#define MDT_SLOT_MAX_S 3600

/*
 * Puts the candidate on the agenda: a new slot at the end, planned for
 * planned_s seconds (0: MDT_SLOT_DEFAULT_S) and presented by presenter_id
 * (0: nobody named yet).  A deferred candidate loses its deferral.  The
 * slot's reason is the candidate's reason.  MDT_ESTATE if already
 * selected or the meeting is closed; *slot_id (may be NULL) gets the
 * slot.
 */
enum mdt_status mdt_candidate_select(struct mdt_store *s,
    int64_t candidate_id, int planned_s, int64_t presenter_id,
    int64_t *slot_id);

/*
 * Takes a selected candidate off the agenda (its slot is removed, the
 * others close up), or withdraws a deferral; the candidate is undecided
 * again.  MDT_ESTATE if its slot has been started or has anything
 * recorded (consent, notes, an outcome, actions: a discussion is part of
 * the record), or if it is already undecided.
 */
enum mdt_status mdt_candidate_deselect(struct mdt_store *s,
    int64_t candidate_id);

/*
 * Defers the candidate to a later meeting with a reason (required:
 * MDT_EINVAL when blank).  A selected candidate leaves the agenda first
 * (MDT_ESTATE if its slot has started).  Deferring again replaces the
 * reason.
 */
enum mdt_status mdt_candidate_defer(struct mdt_store *s,
    int64_t candidate_id, const char *reason);

/*
 * Moves a slot to position (1-based, clamped to 1..n) in agenda order;
 * the others shift and positions are renumbered 1..n.
 */
enum mdt_status mdt_slot_move(struct mdt_store *s, int64_t slot_id,
    int position);

/* Sets a slot's planned seconds (MDT_SLOT_MIN_S..MDT_SLOT_MAX_S; 0 keeps
 * the current) and presenter (0: nobody; -1 keeps the current). */
enum mdt_status mdt_slot_set_plan(struct mdt_store *s, int64_t slot_id,
    int planned_s, int64_t presenter_id);

/*
 * Finalises the agenda for circulation.  Refused with MDT_ESTATE while any
 * referral (escalations count as referrals) is neither selected nor
 * deferred; the store's error line then names every one of them.  The
 * finalisation lapses by itself when such a referral appears later (an
 * import, an escalation, a deselection).
 */
enum mdt_status mdt_agenda_finalise(struct mdt_store *s, int64_t meeting_id);

/* A patient as typed or imported. */
struct mdt_patient_in {
	const char *nhs_number;		/* spaces allowed */
	const char *name;
	const char *date_of_birth;	/* YYYY-MM-DD */
	const char *practice;		/* may be NULL */
};

/*
 * A patient added on the day: finds the patient by NHS number (creating
 * them if new; MDT_ENHS for a wrong number, MDT_EDATE for a bad date of
 * birth, MDT_EINVAL if the record's date of birth differs), makes them a
 * candidate flagged added_on_day with reason (required) and puts them on
 * the agenda at the end (after the current slot's turn, as any new slot).
 * Allowed in a planned or open meeting; MDT_ESTATE if already on the
 * agenda.  *slot_id (may be NULL) gets the new slot.
 */
enum mdt_status mdt_slot_add_on_day(struct mdt_store *s, int64_t meeting_id,
    const struct mdt_patient_in *p, const char *reason, int planned_s,
    int64_t presenter_id, int64_t *slot_id);

/* ---- from one meeting to the next (prep_carry.c) -------------------- */

/*
 * Carry-forward: every patient whose latest outcome from an earlier
 * meeting is 'stay' with a review date on or before this meeting's date
 * becomes a candidate of it, flagged caseload and carried_forward, with
 * the reason "review due YYYY-MM-DD"; and every open referral of the
 * queue (referrals.h) becomes one on the referral list.  Idempotent: a
 * patient already a candidate only gains the flags.  *added (may be NULL) gets how many
 * candidates were made or flagged.  Run by mdt_meeting_create and by
 * mdt_import_csv; open actions of agenda patients carry forward by
 * themselves (see struct mdt_snapshot).
 */
enum mdt_status mdt_carry_forward(struct mdt_store *s, int64_t meeting_id,
    int *added);

/*
 * An action gets a new owner and/or due date ("YYYY-MM-DD" or "+N"; NULL
 * or "" keeps it; owner 0 keeps it).  Only an open action; MDT_ESTATE
 * otherwise.  MDT_EEXCLUDED, with the reason, when the owner it is left
 * with (new or kept) is from an organisation the patient's latest consent
 * excludes; a review keeping such an action open is refused the same way.
 * Writes the 'action' to the outbox.
 */
enum mdt_status mdt_action_reassign(struct mdt_store *s, int64_t action_id,
    int64_t new_owner_id, const char *new_due);

/*
 * Reviews an action in a slot of its patient: OPEN keeps it open, DONE
 * and CANCELLED close it, REASSIGNED changes owner and/or due as
 * mdt_action_reassign.  The verdict is recorded against the slot (shown in
 * struct mdt_action.verdict, replacing an earlier verdict of the same
 * slot).  MDT_ECONSENT before consent; MDT_EINVAL if the action is not the
 * slot's patient's.
 */
enum mdt_status mdt_action_review(struct mdt_store *s, int64_t slot_id,
    int64_t action_id, enum mdt_action_verdict verdict,
    int64_t new_owner_id, const char *new_due);

/* The open actions of the slot's patient, agreed before this meeting,
 * with no verdict in this slot yet. */
enum mdt_status mdt_slot_unreviewed_actions(struct mdt_store *s,
    int64_t slot_id, int *n);

struct mdt_meeting_in {
	const char *title;		/* required */
	const char *date;		/* "YYYY-MM-DD" (or "+N"), required */
	const char *time;		/* local "HH:MM"; NULL: 13:00 */
	const char *venue;		/* a venue's name, found or made;
					 * NULL: none */
	int planned_minutes;		/* 0: 90 */
};

/*
 * Schedules a new planned meeting and carries forward the caseload due
 * for review (mdt_carry_forward), in one transaction; queues the
 * 'meeting'.  *meeting_id gets its id; *carried (may be NULL) how many
 * candidates were carried forward.
 */
enum mdt_status mdt_meeting_create(struct mdt_store *s,
    const struct mdt_meeting_in *in, int64_t *meeting_id, int *carried);

/*
 * Schedules count planned meetings (1 to 104) as mdt_meeting_create does,
 * the first on in->date and each every_days after the one before, all or
 * none in one transaction; at venues[(first + k) % n_venues] in turn when
 * n_venues > 0, else all at in->venue.  Only the first has the caseload
 * carried forward now: each later one has it when the meeting before it
 * is closed (mdt_meeting_close), so that it reflects that meeting's
 * outcomes.  ids[count] get the meetings' ids.
 */
enum mdt_status mdt_meeting_series(struct mdt_store *s,
    const struct mdt_meeting_in *in, int every_days, int count,
    const char *const *venues, size_t n_venues, size_t first, int64_t *ids,
    int *carried);

/* Where a rota of n venues goes next: *first the one after the latest
 * meeting's venue (names tidied, case apart), or 0. */
enum mdt_status mdt_rota_next(struct mdt_store *s, const char *const *venues,
    size_t n, size_t *first);

#endif
