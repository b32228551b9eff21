/*
 * referrals.h - the referral queue (referrals.c): a referral outlives the
 * meeting it was made for.  It is raised by the referral list (import.c)
 * or by anyone through the tool (mdt_refer), and stays open until its
 * patient is discussed in a meeting (a slot closed with consent or an
 * outcome, after the referral was raised) or it is withdrawn with a
 * reason.  Every open referral becomes a candidate of each meeting
 * prepared (mdt_carry_forward), on the referral list, with how often and
 * why it was deferred before and how long it has waited.
 *
 * One open referral per patient: a second referral of the same patient
 * (imported again, or raised in the tool) updates the open one.
 * Referrals are local preparation data until discussed: once settled by a
 * discussion, each is queued for the central record (a ServiceRequest,
 * sent once the discussion is there).  Each act writes its audit row.
 */
#ifndef MDT_REFERRALS_H
#define MDT_REFERRALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* A referral raised in the tool. */
struct mdt_referral_in {
	const char *nhs_number;		/* spaces allowed; checked; NULL:
					 * not yet traced */
	const char *name;		/* required for a patient not known */
	const char *date_of_birth;	/* "YYYY-MM-DD", or NULL */
	const char *referrer;		/* who refers, required */
	const char *service;		/* their service, required */
	const char *reason;		/* required */
	const char *urgency;		/* "routine" (NULL) or "urgent" */
	const char *consent;		/* "given", "refused", "not-asked" or
					 * NULL (not recorded) */
};

/* The longest referrer, service or reason, in characters. */
#define MDT_REFERRAL_TEXT_MAX 500

/*
 * Raises a referral (or updates the patient's open one), and makes it a
 * candidate of the next planned meeting.  nhs_number NULL: a patient not
 * yet traced, held under a new local identifier (trace.h; name
 * required); a local identifier ("L17"): that patient, held already.
 * MDT_ENHS for a wrong NHS number, MDT_ENOTFOUND for a local identifier
 * nobody is held under, MDT_EDATE for a bad date of birth, MDT_EINVAL for
 * text the input policy refuses, a missing field, or a date of birth that
 * differs from the record.  *id (may be NULL) gets the referral; *updated
 * whether it was the patient's open one; number (may be NULL) the
 * patient's NHS number or local identifier.
 */
enum mdt_status mdt_refer(struct mdt_store *s, const struct mdt_referral_in *in,
    int64_t *id, bool *updated, char number[11]);

/*
 * Withdraws the patient's open referral with a reason (required); it
 * leaves the queue, and the candidates it made of planned meetings are
 * deferred with "referral withdrawn: REASON".  MDT_ENHS for a wrong
 * number, MDT_ENOTFOUND when the patient has no open referral.
 */
enum mdt_status mdt_referral_withdraw(struct mdt_store *s, const char *nhs,
    const char *reason);

/* An open referral, as the queue lists it. */
/* One meeting's deferral of a referral: the meeting's day and why. */
struct mdt_deferral {
	char on[11];			/* YYYY-MM-DD */
	char *reason;
};

struct mdt_referral {
	int64_t id;
	char uuid[37];
	char nhs_number[11];
	char *patient_name;
	char date_of_birth[11];
	char *referrer;
	char *service;
	char *reason;
	char urgency[9];		/* "routine" or "urgent" */
	char consent[10];		/* "" when not recorded */
	char source[7];			/* "import" or "tool" */
	int64_t raised_at;		/* ms */
	int days_waited;		/* to now */
	int times_deferred;		/* meetings that deferred it */
	struct mdt_deferral *deferrals;	/* times_deferred, oldest first */
};

/* The open queue, oldest first.  DESTRUCTOR: mdt_referrals_free. */
enum mdt_status mdt_referrals_load(struct mdt_store *s,
    struct mdt_referral **out, size_t *n);
void mdt_referrals_free(struct mdt_referral *arr, size_t n);

enum mdt_referrals_format {
	MDT_REFERRALS_TXT, MDT_REFERRALS_CSV, MDT_REFERRALS_JSON
};

/*
 * The open queue for circulation: patients masked (mdt_patient_mask)
 * unless unmask.  The caller audits the export (audit.h), saying whether
 * it was unmasked.
 */
enum mdt_status mdt_referrals_write(struct mdt_store *s,
    enum mdt_referrals_format fmt, bool unmask, FILE *out);

#endif
