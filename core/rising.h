/*
 * rising.h - the rising-risk register (rising.c, rising_list.c).  The
 * network's rising-risk group escalates patients to the meeting and
 * monitors those whose care the meeting de-escalated, and residents with
 * no GP or an out-of-area GP.  Anyone may put a patient on the register,
 * with a reason and who they are; a patient stepped down at a meeting
 * joins it by that outcome.  An entry's monitoring reviews come due as
 * caseload reviews do (every four weeks unless said otherwise); any member
 * may escalate a patient on it to the next meeting, or take them off with
 * a reason.  Every event is kept with its reason, who and when.
 *
 * An entry ends when it is removed, when the patient dies (a death between
 * meetings or at one), or when a meeting keeps them on its caseload or
 * closes their case; stepping down again starts a new entry.  The dead are
 * never due.  Each entry is a Flag on the central record (fhir-mapping.md),
 * once the patient is on it; nothing of a patient not traced goes.
 */
#ifndef MDT_RISING_H
#define MDT_RISING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* The longest reason, note or name of who, in characters. */
#define MDT_RISING_TEXT_MAX 500
/* Monitoring reviews: every four weeks unless said; at most a year. */
#define MDT_RISING_EVERY_DAYS 28
#define MDT_RISING_EVERY_MAX 365

/* A patient put on the register. */
struct mdt_rising_in {
	const char *nhs_number;		/* spaces allowed; a local identifier
					 * ("L17") for one held already;
					 * NULL: not traced, held under a new
					 * local identifier (name required) */
	const char *name;		/* required for a patient not known */
	const char *date_of_birth;	/* "YYYY-MM-DD", or NULL */
	const char *reason;		/* required */
	const char *by;			/* who adds them, required */
	int every_days;			/* 0: MDT_RISING_EVERY_DAYS */
};

/*
 * "4w", "2w", "14d" or "14" as days (1 to MDT_RISING_EVERY_MAX); false
 * if it is none of those.
 */
bool mdt_rising_every_parse(const char *in, int *days);

/*
 * Puts the patient on the register, the first review due every_days from
 * today; audited, and a Flag queued for the central record.  MDT_ENHS for
 * a wrong NHS number, MDT_ENOTFOUND for a local identifier nobody is held
 * under, MDT_EDATE for a bad date of birth, MDT_EINVAL for text the input
 * policy refuses or a missing field, MDT_ESTATE if the patient is on the
 * register already or has died.  *id (may be NULL) gets the entry;
 * number (may be NULL) the patient's NHS number or local identifier.
 */
enum mdt_status mdt_rising_add(struct mdt_store *s,
    const struct mdt_rising_in *in, int64_t *id, char number[11]);

/*
 * A monitoring review of the patient on the register (nhs as typed, or a
 * local identifier): the note (required) kept in the entry's history, and
 * the next review on next ("YYYY-MM-DD" or "+N", today or later; NULL:
 * every_days from today).  by NULL: the store's actor.  MDT_ENOTFOUND if
 * the patient is not on the register.
 */
enum mdt_status mdt_rising_review(struct mdt_store *s, const char *nhs,
    const char *note, const char *next, const char *by);

/*
 * Escalates the patient on the register (nhs as typed) to the meeting
 * (0: the next planned one) as mdt_rising_risk_escalate does.  MDT_ESTATE
 * for a patient not traced (no agenda takes them) or when no meeting is
 * planned.  *candidate_id (may be NULL) gets the candidate.
 */
enum mdt_status mdt_rising_escalate(struct mdt_store *s, const char *nhs,
    const char *reason, int64_t meeting_id, const char *by,
    int64_t *candidate_id);

/*
 * Takes the patient off the register with a reason (required): the entry
 * ends, its Flag goes inactive.  MDT_ENOTFOUND if not on it.
 */
enum mdt_status mdt_rising_remove(struct mdt_store *s, const char *nhs,
    const char *reason, const char *by);

/* A patient on the register. */
struct mdt_rising_risk {
	int64_t id;			/* the entry */
	char uuid[37];
	int64_t patient_id;
	char nhs_number[11];		/* or a local identifier */
	char *patient_name;
	char date_of_birth[11];
	char *practice;
	char *reason;			/* why they were added */
	char *added_by;
	char added_on[11];
	int every_days;
	char next_review[11];
	bool due;			/* next review on or before the day
					 * asked about */
	bool escalated;			/* escalated, not stepped down since */
	char last_reviewed[11];		/* "" if never */
	char *last_note;		/* of that review; "" if never */
	int open_actions;
	int64_t candidate_id;		/* in the meeting asked about; 0 if
					 * not a candidate of it */
};

/*
 * The register: every active entry of a patient alive and not purged,
 * those due first (by next review), then the others by next review.  Due
 * and candidate_id relative to meeting_id (its date); 0: today and no
 * meeting.  DESTRUCTOR: mdt_rising_risk_free.
 */
enum mdt_status mdt_rising_risk_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_rising_risk **out, size_t *n);
void mdt_rising_risk_free(struct mdt_rising_risk *arr, size_t n);

/* How many reviews are due by the meeting's date (0: today). */
enum mdt_status mdt_rising_due(struct mdt_store *s, int64_t meeting_id,
    int *n);

/*
 * Any member escalates a patient on the register: they become a
 * candidate of the meeting, flagged referral and escalated, with the
 * reason "escalated from rising risk: REASON" (reason required); the
 * entry is marked escalated and the event kept.  Like a referral, they
 * must then be selected or deferred before the agenda is finalised; a
 * deferral is withdrawn.  MDT_ESTATE if the patient is not on the
 * register, is not traced, or the meeting is closed.  *candidate_id (may
 * be NULL) gets the candidate.
 */
enum mdt_status mdt_rising_risk_escalate(struct mdt_store *s,
    int64_t patient_id, int64_t meeting_id, const char *reason,
    int64_t *candidate_id);

enum mdt_rising_format {
	MDT_RISING_TXT, MDT_RISING_CSV, MDT_RISING_JSON
};

/*
 * The register for circulation (due_only: only those due today), patients
 * masked (mdt_patient_mask) unless unmask.  The caller audits the export.
 */
enum mdt_status mdt_rising_write(struct mdt_store *s,
    enum mdt_rising_format fmt, bool due_only, bool unmask, FILE *out);

#endif
