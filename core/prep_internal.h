/*
 * prep_internal.h - the side of agenda preparation (prep.c) that import.c
 * shares: the meeting as an act sees it, and the candidates, patients and
 * carry-forward written inside the caller's transaction.  Not for tui/
 * or sync/.
 */
#ifndef MDT_PREP_INTERNAL_H
#define MDT_PREP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct mdt_meeting_info {
	int64_t id;
	char uuid[37];
	enum mdt_meeting_state state;
	char date[11];		/* local date of the scheduled start */
};

/* The meeting, or MDT_ENOTFOUND (recorded); with refuse_closed, a closed
 * meeting is MDT_ESTATE. */
enum mdt_status mdt_meeting_info(struct mdt_store *s, int64_t id,
    bool refuse_closed, struct mdt_meeting_info *out);

/* Inserts a patient (nhs: ten digits); *id gets the new row. */
enum mdt_status mdt_patient_insert(struct mdt_store *s, const char *nhs,
    const char *name, const char *date_of_birth, const char *practice,
    int64_t *id);

/* The candidate of (meeting, patient), made (with no lists) if missing. */
enum mdt_status mdt_candidate_ensure(struct mdt_store *s, int64_t meeting_id,
    int64_t patient_id, int64_t *candidate_id, bool *created);

/* Carry-forward inside the caller's transaction. */
enum mdt_status mdt_carry_forward_tx(struct mdt_store *s, int64_t meeting_id,
    int *added);

/* Clears the meeting's finalisation if a referral is now unresolved. */
enum mdt_status mdt_agenda_recheck(struct mdt_store *s, int64_t meeting_id);

#endif
