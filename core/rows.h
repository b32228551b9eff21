/*
 * rows.h - the rows an act reads before it writes (rows.c), for the acts
 * of core/.  Not for tui/ or sync/.
 */
#ifndef MDT_ROWS_H
#define MDT_ROWS_H

#include <stdint.h>

#include "model.h"

struct mdt_meeting_row {
	int64_t id;
	char uuid[37];
	enum mdt_meeting_state state;
	int64_t opened_at;
	int64_t current;	/* current slot id, 0 if none */
};

struct mdt_slot_row {
	int64_t id;
	char uuid[37];
	int64_t meeting_id;
	int64_t patient_id;
	int64_t position;
	enum mdt_slot_state state;
	struct mdt_slot_times t;
	char patient[96];	/* the patient's name, for messages */
};

/* The meeting id (MDT_ENOTFOUND, recorded, if there is none). */
enum mdt_status mdt_row_meeting(struct mdt_store *s, int64_t id,
    struct mdt_meeting_row *m);
/* The slot id (MDT_ENOTFOUND, recorded, if there is none). */
enum mdt_status mdt_row_slot(struct mdt_store *s, int64_t id,
    struct mdt_slot_row *sl);
/* MDT_OK if person_id is someone known, else MDT_ENOTFOUND (recorded). */
enum mdt_status mdt_row_person_exists(struct mdt_store *s, int64_t person_id);
/* MDT_ESTATE (recorded) for a closed meeting, else MDT_OK. */
enum mdt_status mdt_row_refuse_closed(struct mdt_store *s,
    const struct mdt_meeting_row *m);

#endif
