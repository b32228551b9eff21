/*
 * rows.c - the rows an act reads before it writes: a meeting (with its
 * state and current slot), a slot (with its clock and its patient's name
 * for messages), whether a person exists, and the refusal of a closed
 * meeting.  Each read is one kept statement; a missing row is
 * MDT_ENOTFOUND with a line naming it.
 */
#include "config.h"

#include "rows.h"

#include <inttypes.h>
#include <string.h>

#include "model.h"
#include "rules.h"
#include "store_internal.h"

enum mdt_status
mdt_row_meeting(struct mdt_store *s, int64_t id, struct mdt_meeting_row *m)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc;

	memset(m, 0, sizeof(*m));
	status = mdt_prep(s, &st,
	    "SELECT id, uuid, state, opened_at, current_slot_id"
	    " FROM meetings WHERE id = ?", "i", id);
	if (status != MDT_OK)
		return status;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		m->id = mdt_col_int(st, 0);
		mdt_col_copy(st, 1, m->uuid, sizeof(m->uuid));
		m->state = mdt_col_state(st, 2, mdt_meeting_state_parse,
		    MDT_MEETING_PLANNED);
		m->opened_at = mdt_col_int(st, 3);
		m->current = mdt_col_int(st, 4);
	} else if (rc == SQLITE_DONE)
		status = mdt_fail(s, MDT_ENOTFOUND, "no meeting %" PRId64, id);
	else
		status = mdt_fail_db(s, rc, "reading the meeting");
	mdt_done(s, st);
	return status;
}

enum mdt_status
mdt_row_slot(struct mdt_store *s, int64_t id, struct mdt_slot_row *sl)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc;

	memset(sl, 0, sizeof(*sl));
	status = mdt_prep(s, &st,
	    "SELECT s.id, s.uuid, s.meeting_id, s.patient_id, s.position,"
	    " s.state, s.started_at, s.paused_at, s.closed_at, s.paused_ms,"
	    " s.planned_seconds, s.extended_seconds, p.name"
	    " FROM slots s JOIN patients p ON p.id = s.patient_id"
	    " WHERE s.id = ?", "i", id);
	if (status != MDT_OK)
		return status;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sl->id = mdt_col_int(st, 0);
		mdt_col_copy(st, 1, sl->uuid, sizeof(sl->uuid));
		sl->meeting_id = mdt_col_int(st, 2);
		sl->patient_id = mdt_col_int(st, 3);
		sl->position = mdt_col_int(st, 4);
		sl->state = mdt_col_state(st, 5, mdt_slot_state_parse,
		    MDT_SLOT_PENDING);
		sl->t.started_at = mdt_col_int(st, 6);
		sl->t.paused_at = mdt_col_int(st, 7);
		sl->t.closed_at = mdt_col_int(st, 8);
		sl->t.paused_ms = mdt_col_int(st, 9);
		sl->t.planned_s = (int)mdt_col_int(st, 10);
		sl->t.extended_s = (int)mdt_col_int(st, 11);
		mdt_col_copy(st, 12, sl->patient, sizeof(sl->patient));
	} else if (rc == SQLITE_DONE)
		status = mdt_fail(s, MDT_ENOTFOUND, "no slot %" PRId64, id);
	else
		status = mdt_fail_db(s, rc, "reading the slot");
	mdt_done(s, st);
	return status;
}

enum mdt_status
mdt_row_person_exists(struct mdt_store *s, int64_t person_id)
{
	enum mdt_status st;
	int64_t id;

	st = mdt_query_int(s, &id, "SELECT id FROM people WHERE id = ?", "i",
	    person_id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no person %" PRId64, person_id);
	return st;
}

enum mdt_status
mdt_row_refuse_closed(struct mdt_store *s, const struct mdt_meeting_row *m)
{
	if (m->state == MDT_MEETING_CLOSED)
		return mdt_fail(s, MDT_ESTATE, "the meeting is closed");
	return MDT_OK;
}
