/*
 * rows.h - the rows an act reads before it writes (rows.c), for the acts
 * of core/ (acts.c, acts_record.c, prep*.c, import.c).  Not for tui/ or
 * sync/.
 */
#ifndef MDT_ROWS_H
#define MDT_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct mdt_meeting_row {
	int64_t id;
	char uuid[37];
	enum mdt_meeting_state state;
	int64_t scheduled_start;
	int64_t opened_at;	/* 0 if not opened */
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

struct mdt_action_row {
	int64_t id;
	char uuid[37];
	int64_t patient_id;
	enum mdt_action_status status;
};

/* The meeting id; MDT_ENOTFOUND (recorded) if there is none, and with
 * refuse_closed MDT_ESTATE (recorded) if it is closed. */
enum mdt_status mdt_row_meeting(struct mdt_store *s, int64_t id,
    bool refuse_closed, struct mdt_meeting_row *m);
/* The slot id (MDT_ENOTFOUND, recorded, if there is none). */
enum mdt_status mdt_row_slot(struct mdt_store *s, int64_t id,
    struct mdt_slot_row *sl);
/* The action id (MDT_ENOTFOUND, recorded, if there is none). */
enum mdt_status mdt_row_action(struct mdt_store *s, int64_t id,
    struct mdt_action_row *a);
/* MDT_OK if person_id is someone known, else MDT_ENOTFOUND (recorded). */
enum mdt_status mdt_row_person_exists(struct mdt_store *s, int64_t person_id);

#endif
