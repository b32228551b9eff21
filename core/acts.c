/*
 * acts.c - the chairing and recording acts: opening and closing the
 * meeting, the register, the slot clock (next, pause, extend, park,
 * previous), consent (with the organisations the patient excludes),
 * notes, actions, outcomes and key contacts.  Each act is one transaction
 * that writes the change, one audit row and the outbox row(s) for the
 * central record, or nothing at all.
 */
#include "config.h"

#include "acts.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "purge.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

/* The most an extension may add up to (a whole slot of an hour). */
#define MAX_EXTENSION_S 3600

struct meeting_row {
	int64_t id;
	char uuid[37];
	enum mdt_meeting_state state;
	int64_t opened_at;
	int64_t current;	/* current slot id, 0 if none */
};

struct slot_row {
	int64_t id;
	char uuid[37];
	int64_t meeting_id;
	int64_t patient_id;
	int64_t position;
	enum mdt_slot_state state;
	struct mdt_slot_times t;
	char patient[96];	/* the patient's name, for messages */
};

/* ---- reading rows ---------------------------------------------------- */

static enum mdt_status
get_meeting(struct mdt_store *s, int64_t id, struct meeting_row *m)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc, v;

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
		v = mdt_meeting_state_parse(
		    (const char *)sqlite3_column_text(st, 2));
		m->state = v < 0 ? MDT_MEETING_PLANNED :
		    (enum mdt_meeting_state)v;
		m->opened_at = mdt_col_int(st, 3);
		m->current = mdt_col_int(st, 4);
	} else if (rc == SQLITE_DONE)
		status = mdt_fail(s, MDT_ENOTFOUND, "no meeting %" PRId64, id);
	else
		status = mdt_fail_db(s, rc, "reading the meeting");
	mdt_done(s, st);
	return status;
}

static enum mdt_status
get_slot(struct mdt_store *s, int64_t id, struct slot_row *sl)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc, v;

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
		v = mdt_slot_state_parse(
		    (const char *)sqlite3_column_text(st, 5));
		sl->state = v < 0 ? MDT_SLOT_PENDING : (enum mdt_slot_state)v;
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

static enum mdt_status
person_exists(struct mdt_store *s, int64_t person_id)
{
	enum mdt_status st;
	int64_t id;

	st = mdt_query_int(s, &id, "SELECT id FROM people WHERE id = ?", "i",
	    person_id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no person %" PRId64, person_id);
	return st;
}

static enum mdt_status
refuse_closed(struct mdt_store *s, const struct meeting_row *m)
{
	if (m->state == MDT_MEETING_CLOSED)
		return mdt_fail(s, MDT_ESTATE, "the meeting is closed");
	return MDT_OK;
}

/* ---- the slot clock -------------------------------------------------- */

static int64_t
since(int64_t now, int64_t then)
{
	return now > then ? now - then : 0;
}

/* Stops the clock of a running slot. */
static void
slot_pause(struct slot_row *sl, int64_t now)
{
	if (sl->state != MDT_SLOT_RUNNING)
		return;
	sl->t.paused_at = now;
	sl->state = MDT_SLOT_PAUSED;
}

/* Starts, resumes or reopens a slot; the time it stood still counts as a
 * pause. */
static void
slot_run(struct slot_row *sl, int64_t now)
{
	switch (sl->state) {
	case MDT_SLOT_PENDING:
		sl->t.started_at = now;
		sl->t.paused_ms = 0;
		break;
	case MDT_SLOT_PAUSED:
		if (sl->t.started_at == 0)
			sl->t.started_at = now;
		else
			sl->t.paused_ms += since(now, sl->t.paused_at);
		sl->t.paused_at = 0;
		break;
	case MDT_SLOT_DONE:
		sl->t.paused_ms += since(now, sl->t.closed_at);
		sl->t.closed_at = 0;
		break;
	case MDT_SLOT_RUNNING:
		return;
	}
	sl->state = MDT_SLOT_RUNNING;
}

/* Closes a slot, ending any pause. */
static void
slot_close(struct slot_row *sl, int64_t now)
{
	switch (sl->state) {
	case MDT_SLOT_PENDING:
		sl->t.started_at = now;
		break;
	case MDT_SLOT_PAUSED:
		if (sl->t.started_at == 0)
			sl->t.started_at = now;
		else
			sl->t.paused_ms += since(now, sl->t.paused_at);
		sl->t.paused_at = 0;
		break;
	case MDT_SLOT_RUNNING:
		break;
	case MDT_SLOT_DONE:
		return;
	}
	sl->t.closed_at = now;
	sl->state = MDT_SLOT_DONE;
}

static enum mdt_status
slot_save(struct mdt_store *s, const struct slot_row *sl)
{
	return mdt_run(s,
	    "UPDATE slots SET state = ?, started_at = ?, paused_at = ?,"
	    " closed_at = ?, paused_ms = ?, extended_seconds = ?, position = ?"
	    " WHERE id = ?", "tIIIidii",
	    mdt_slot_state_name(sl->state), sl->t.started_at, sl->t.paused_at,
	    sl->t.closed_at, sl->t.paused_ms, sl->t.extended_s, sl->position,
	    sl->id);
}

static enum mdt_status
set_current(struct mdt_store *s, int64_t meeting_id, int64_t slot_id)
{
	return mdt_run(s, "UPDATE meetings SET current_slot_id = ? WHERE id = ?",
	    "Ii", slot_id, meeting_id);
}

/* Opens a planned meeting (when its first slot starts). */
static enum mdt_status
open_if_planned(struct mdt_store *s, struct meeting_row *m, int64_t now)
{
	enum mdt_status st;

	if (m->state != MDT_MEETING_PLANNED)
		return MDT_OK;
	st = mdt_run(s, "UPDATE meetings SET state = 'open',"
	    " opened_at = coalesce(opened_at, ?) WHERE id = ?", "ii", now,
	    m->id);
	if (st == MDT_OK) {
		m->state = MDT_MEETING_OPEN;
		if (m->opened_at == 0)
			m->opened_at = now;
	}
	return st;
}

/* The first slot in agenda order that is waiting (pending or paused),
 * other than exclude; *id 0 if none. */
static enum mdt_status
first_waiting(struct mdt_store *s, int64_t meeting_id, int64_t exclude,
    int64_t *id)
{
	enum mdt_status st;

	st = mdt_query_int(s, id,
	    "SELECT id FROM slots WHERE meeting_id = ? AND id <> ?"
	    " AND state IN ('pending', 'paused')"
	    " ORDER BY position, id LIMIT 1", "ii", meeting_id, exclude);
	return st == MDT_ENOTFOUND ? MDT_OK : st;
}

/* Closes the meeting's current slot, if it has one. */
static enum mdt_status
close_current(struct mdt_store *s, struct meeting_row *m, int64_t now,
    struct slot_row *closed)
{
	enum mdt_status st;

	memset(closed, 0, sizeof(*closed));
	if (m->current == 0)
		return MDT_OK;
	st = get_slot(s, m->current, closed);
	if (st != MDT_OK)
		return st;
	slot_close(closed, now);
	st = slot_save(s, closed);
	if (st == MDT_OK)
		st = set_current(s, m->id, 0);
	if (st == MDT_OK)
		m->current = 0;
	return st;
}

/* Makes slot_id current and runs it. */
static enum mdt_status
run_slot(struct mdt_store *s, struct meeting_row *m, int64_t slot_id,
    int64_t now, struct slot_row *sl)
{
	enum mdt_status st;

	st = get_slot(s, slot_id, sl);
	if (st != MDT_OK)
		return st;
	slot_run(sl, now);
	st = slot_save(s, sl);
	if (st == MDT_OK)
		st = set_current(s, m->id, slot_id);
	if (st == MDT_OK) {
		m->current = slot_id;
		st = open_if_planned(s, m, now);
	}
	return st;
}

/* Writes the audit and outbox rows of an act that moved the agenda. */
static enum mdt_status
record_meeting(struct mdt_store *s, const struct meeting_row *m,
    const char *action, const char *detail)
{
	enum mdt_status st;

	st = mdt_audit_add(s, action, "meeting", m->uuid, "%s", detail);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "meeting", m->uuid, "upsert");
	return st;
}

static enum mdt_status
slot_next_tx(struct mdt_store *s, int64_t meeting_id, int64_t *slot_id,
    bool *none_left)
{
	struct meeting_row m;
	struct slot_row closed, started;
	enum mdt_status st;
	int64_t now = mdt_store_now(s), next = 0;
	bool was_planned;
	char detail[160];

	*none_left = false;
	st = get_meeting(s, meeting_id, &m);
	if (st == MDT_OK)
		st = refuse_closed(s, &m);
	if (st != MDT_OK)
		return st;
	was_planned = m.state == MDT_MEETING_PLANNED;
	st = close_current(s, &m, now, &closed);
	if (st == MDT_OK)
		st = first_waiting(s, m.id, closed.id, &next);
	if (st == MDT_OK && next != 0)
		st = run_slot(s, &m, next, now, &started);
	else if (st == MDT_OK)
		st = open_if_planned(s, &m, now);
	if (st != MDT_OK)
		return st;
	if (next == 0) {
		*none_left = true;
		if (closed.id == 0 && !was_planned)
			return mdt_fail(s, MDT_ENOTFOUND,
			    "no slot is left on the agenda");
	}
	*slot_id = next;
	if (closed.id != 0 && next != 0)
		snprintf(detail, sizeof(detail), "closed slot %" PRId64
		    ", started slot %" PRId64, closed.id, next);
	else if (closed.id != 0)
		snprintf(detail, sizeof(detail), "closed slot %" PRId64
		    "; no slot left", closed.id);
	else if (next != 0)
		snprintf(detail, sizeof(detail), "started slot %" PRId64, next);
	else
		snprintf(detail, sizeof(detail), "opened; no slot on the agenda");
	return record_meeting(s, &m, "slot_next", detail);
}

enum mdt_status
mdt_slot_next(struct mdt_store *s, int64_t meeting_id, int64_t *slot_id)
{
	enum mdt_status st;
	int64_t id = 0;
	bool none_left = false;

	if (slot_id != NULL)
		*slot_id = 0;
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_end(s, slot_next_tx(s, meeting_id, &id, &none_left));
	if (st != MDT_OK)
		return st;
	if (none_left)
		return mdt_fail(s, MDT_ENOTFOUND, "no slot is left on the agenda");
	if (slot_id != NULL)
		*slot_id = id;
	return MDT_OK;
}

static enum mdt_status
pause_toggle_tx(struct mdt_store *s, int64_t meeting_id)
{
	struct meeting_row m;
	struct slot_row sl;
	enum mdt_status st;
	int64_t now = mdt_store_now(s);
	const char *action;

	st = get_meeting(s, meeting_id, &m);
	if (st == MDT_OK)
		st = refuse_closed(s, &m);
	if (st == MDT_OK && m.current == 0)
		st = mdt_fail(s, MDT_ESTATE, "no slot is running");
	if (st == MDT_OK)
		st = get_slot(s, m.current, &sl);
	if (st != MDT_OK)
		return st;
	if (sl.state == MDT_SLOT_RUNNING) {
		slot_pause(&sl, now);
		action = "slot_pause";
	} else if (sl.state == MDT_SLOT_PAUSED) {
		slot_run(&sl, now);
		action = "slot_resume";
	} else
		return mdt_fail(s, MDT_ESTATE, "the current slot is %s",
		    mdt_slot_state_name(sl.state));
	st = slot_save(s, &sl);
	if (st == MDT_OK)
		st = mdt_audit_add(s, action, "slot", sl.uuid, "slot %" PRId64,
		    sl.id);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "slot", sl.uuid, "upsert");
	return st;
}

enum mdt_status
mdt_slot_pause_toggle(struct mdt_store *s, int64_t meeting_id)
{
	enum mdt_status st = mdt_tx_begin(s);

	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, pause_toggle_tx(s, meeting_id));
}

static enum mdt_status
extend_tx(struct mdt_store *s, int64_t meeting_id, int seconds)
{
	struct meeting_row m;
	struct slot_row sl;
	enum mdt_status st;
	int64_t total;

	st = get_meeting(s, meeting_id, &m);
	if (st == MDT_OK)
		st = refuse_closed(s, &m);
	if (st == MDT_OK && m.current == 0)
		st = mdt_fail(s, MDT_ESTATE, "no slot is running");
	if (st == MDT_OK)
		st = get_slot(s, m.current, &sl);
	if (st != MDT_OK)
		return st;
	total = (int64_t)sl.t.extended_s + seconds;
	if (total < 0)
		return mdt_fail(s, MDT_EINVAL, "the slot has only %d s of"
		    " extension to take back", sl.t.extended_s);
	if (total > MAX_EXTENSION_S)
		return mdt_fail(s, MDT_EINVAL, "a slot may be extended by at"
		    " most %d minutes", MAX_EXTENSION_S / 60);
	sl.t.extended_s = (int)total;
	st = slot_save(s, &sl);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "slot_extend", "slot", sl.uuid,
		    "slot %" PRId64 ": %+d s, %d s in all", sl.id, seconds,
		    sl.t.extended_s);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "slot", sl.uuid, "upsert");
	return st;
}

enum mdt_status
mdt_slot_extend(struct mdt_store *s, int64_t meeting_id, int seconds)
{
	enum mdt_status st;

	if (seconds == 0 || seconds > MAX_EXTENSION_S ||
	    seconds < -MAX_EXTENSION_S)
		return mdt_fail(s, MDT_EINVAL, "cannot extend a slot by %d s",
		    seconds);
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, extend_tx(s, meeting_id, seconds));
}

static enum mdt_status
park_tx(struct mdt_store *s, int64_t meeting_id)
{
	struct meeting_row m;
	struct slot_row parked, started;
	enum mdt_status st;
	int64_t now = mdt_store_now(s), target = 0, last = 0, next = 0;
	char detail[160];

	st = get_meeting(s, meeting_id, &m);
	if (st == MDT_OK)
		st = refuse_closed(s, &m);
	if (st != MDT_OK)
		return st;
	target = m.current;
	if (target == 0) {
		st = first_waiting(s, m.id, 0, &target);
		if (st == MDT_OK && target == 0)
			st = mdt_fail(s, MDT_ENOTFOUND,
			    "no slot is waiting to be parked");
		if (st != MDT_OK)
			return st;
	}
	st = get_slot(s, target, &parked);
	if (st == MDT_OK)
		st = mdt_query_int(s, &last, "SELECT max(position) FROM slots"
		    " WHERE meeting_id = ?", "i", m.id);
	if (st != MDT_OK)
		return st;
	slot_pause(&parked, now);
	parked.position = last + 1;
	st = slot_save(s, &parked);
	if (st == MDT_OK)
		st = first_waiting(s, m.id, parked.id, &next);
	if (st != MDT_OK)
		return st;
	if (next == 0)		/* the parked slot is the only one left */
		next = parked.id;
	st = run_slot(s, &m, next, now, &started);
	if (st != MDT_OK)
		return st;
	snprintf(detail, sizeof(detail), "parked slot %" PRId64
	    ", started slot %" PRId64, parked.id, next);
	return record_meeting(s, &m, "slot_park", detail);
}

enum mdt_status
mdt_slot_park(struct mdt_store *s, int64_t meeting_id)
{
	enum mdt_status st = mdt_tx_begin(s);

	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, park_tx(s, meeting_id));
}

static enum mdt_status
previous_tx(struct mdt_store *s, int64_t meeting_id)
{
	struct meeting_row m;
	struct slot_row cur, prev;
	enum mdt_status st;
	int64_t now = mdt_store_now(s), target = 0;
	char detail[160];

	memset(&cur, 0, sizeof(cur));
	st = get_meeting(s, meeting_id, &m);
	if (st == MDT_OK)
		st = refuse_closed(s, &m);
	if (st != MDT_OK)
		return st;
	if (m.current != 0) {
		st = get_slot(s, m.current, &cur);
		if (st == MDT_OK)
			st = mdt_query_int(s, &target,
			    "SELECT id FROM slots WHERE meeting_id = ?1"
			    " AND (position < ?2 OR (position = ?2 AND id < ?3))"
			    " ORDER BY position DESC, id DESC LIMIT 1", "iii",
			    m.id, cur.position, cur.id);
	} else {
		/* Between slots or past the end: back to the last one
		 * that was started. */
		st = mdt_query_int(s, &target,
		    "SELECT id FROM slots WHERE meeting_id = ?"
		    " AND state <> 'pending'"
		    " ORDER BY position DESC, id DESC LIMIT 1", "i", m.id);
	}
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "there is no earlier slot");
	if (st != MDT_OK)
		return st;
	if (cur.id != 0) {
		slot_pause(&cur, now);
		st = slot_save(s, &cur);
		if (st != MDT_OK)
			return st;
	}
	st = run_slot(s, &m, target, now, &prev);
	if (st != MDT_OK)
		return st;
	snprintf(detail, sizeof(detail), "back to slot %" PRId64, target);
	return record_meeting(s, &m, "slot_previous", detail);
}

enum mdt_status
mdt_slot_previous(struct mdt_store *s, int64_t meeting_id)
{
	enum mdt_status st = mdt_tx_begin(s);

	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, previous_tx(s, meeting_id));
}

/* ---- the meeting ----------------------------------------------------- */

static enum mdt_status
meeting_open_tx(struct mdt_store *s, int64_t meeting_id, bool *changed)
{
	struct meeting_row m;
	enum mdt_status st;

	*changed = false;
	st = get_meeting(s, meeting_id, &m);
	if (st == MDT_OK)
		st = refuse_closed(s, &m);
	if (st != MDT_OK || m.state == MDT_MEETING_OPEN)
		return st;
	st = open_if_planned(s, &m, mdt_store_now(s));
	if (st == MDT_OK)
		st = record_meeting(s, &m, "meeting_open", "opened");
	*changed = st == MDT_OK;
	return st;
}

enum mdt_status
mdt_meeting_open(struct mdt_store *s, int64_t meeting_id)
{
	enum mdt_status st = mdt_tx_begin(s);
	bool changed;

	if (st != MDT_OK)
		return st;
	st = meeting_open_tx(s, meeting_id, &changed);
	if (st == MDT_OK && !changed) {	/* already open: nothing to write */
		mdt_tx_rollback(s);
		return MDT_OK;
	}
	return mdt_tx_end(s, st);
}

static enum mdt_status
meeting_close_tx(struct mdt_store *s, int64_t meeting_id)
{
	struct meeting_row m;
	struct slot_row closed;
	enum mdt_status st;
	int64_t now = mdt_store_now(s);

	st = get_meeting(s, meeting_id, &m);
	if (st == MDT_OK && m.state == MDT_MEETING_CLOSED)
		st = mdt_fail(s, MDT_ESTATE, "the meeting is already closed");
	if (st == MDT_OK)
		st = close_current(s, &m, now, &closed);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE meetings SET state = 'closed',"
		    " closed_at = ?, current_slot_id = NULL WHERE id = ?", "ii",
		    now, m.id);
	if (st == MDT_OK)
		st = record_meeting(s, &m, "meeting_close", "closed");
	return st;
}

enum mdt_status
mdt_meeting_close(struct mdt_store *s, int64_t meeting_id)
{
	enum mdt_status st = mdt_tx_begin(s);

	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, meeting_close_tx(s, meeting_id));
}

/* ---- the register ---------------------------------------------------- */

static enum mdt_status
attendance_tx(struct mdt_store *s, int64_t meeting_id, int64_t person_id,
    const char *column, const char *value_sql, const char *fmt_value,
    const char *shown)
{
	struct meeting_row m;
	enum mdt_status st;
	char uuid[37], *row_uuid = NULL, *sql;

	st = get_meeting(s, meeting_id, &m);
	if (st == MDT_OK)
		st = refuse_closed(s, &m);
	if (st == MDT_OK)
		st = person_exists(s, person_id);
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT OR IGNORE INTO attendance"
	    " (meeting_id, person_id, uuid) VALUES (?, ?, ?)", "iit",
	    meeting_id, person_id, uuid);
	if (st != MDT_OK)
		return st;
	/* column and value_sql are fixed strings of this file. */
	sql = mdt_xasprintf("UPDATE attendance SET %s = %s"
	    " WHERE meeting_id = ? AND person_id = ?", column, value_sql);
	st = mdt_run(s, sql, fmt_value, meeting_id, person_id);
	free(sql);
	if (st == MDT_OK)
		st = mdt_query_text(s, &row_uuid, "SELECT uuid FROM attendance"
		    " WHERE meeting_id = ? AND person_id = ?", "ii", meeting_id,
		    person_id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "attendance_set", "attendance", row_uuid,
		    "person %" PRId64 ": %s", person_id, shown);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "attendance", row_uuid, "upsert");
	free(row_uuid);
	return st;
}

enum mdt_status
mdt_attendance_set(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id, enum mdt_attend status)
{
	enum mdt_status st;
	const char *value;

	switch (status) {
	case MDT_ATTEND_UNKNOWN:
		value = "'unknown'";
		break;
	case MDT_ATTEND_PRESENT:
		value = "'present'";
		break;
	case MDT_ATTEND_APOLOGIES:
		value = "'apologies'";
		break;
	default:
		return mdt_fail(s, MDT_EINVAL, "unknown attendance %d",
		    (int)status);
	}
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, attendance_tx(s, meeting_id, person_id, "status",
	    value, "ii", mdt_attend_name(status)));
}

enum mdt_status
mdt_attendance_ack(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id, bool ack)
{
	enum mdt_status st = mdt_tx_begin(s);

	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, attendance_tx(s, meeting_id, person_id,
	    "confidentiality_ack", ack ? "1" : "0", "ii",
	    ack ? "confidentiality acknowledged" :
	    "confidentiality not acknowledged"));
}

/* ---- recording the discussion --------------------------------------- */

static enum mdt_status
has_consent(struct mdt_store *s, const struct slot_row *sl)
{
	enum mdt_status st;
	int64_t n;

	st = mdt_query_int(s, &n, "SELECT count(*) FROM consent"
	    " WHERE slot_id = ?", "i", sl->id);
	if (st == MDT_OK && n == 0)
		st = mdt_fail(s, MDT_ECONSENT, "record consent for %s first",
		    sl->patient);
	return st;
}

/* The slot exists, its meeting is not closed and (if need_consent) its
 * consent is recorded. */
static enum mdt_status
recordable_slot(struct mdt_store *s, int64_t slot_id, bool need_consent,
    struct slot_row *sl, struct meeting_row *m)
{
	enum mdt_status st;

	st = get_slot(s, slot_id, sl);
	if (st == MDT_OK)
		st = get_meeting(s, sl->meeting_id, m);
	if (st == MDT_OK)
		st = refuse_closed(s, m);
	if (st == MDT_OK && need_consent)
		st = has_consent(s, sl);
	return st;
}

/* ASCII letters folded to lower case, every other byte as it is: what
 * SQLite's NOCASE compares. */
static int
nocase(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool
same_nocase(const char *a, const char *b)
{
	for (; *a != '\0' && nocase((unsigned char)*a) ==
	    nocase((unsigned char)*b); a++, b++)
		;
	return nocase((unsigned char)*a) == nocase((unsigned char)*b);
}

/* Characters (not bytes) of UTF-8 text. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Bytes of the first chars characters of UTF-8 text. */
static int
utf8_prefix(const char *s, size_t chars)
{
	const char *p = s;

	for (; *p != '\0'; p++)
		if (((unsigned char)*p & 0xc0) != 0x80 && chars-- == 0)
			break;
	return (int)(p - s);
}

/* A copy of name trimmed, with each inner run of white space made one
 * space; NULL if nothing is left. */
static char *
org_tidy(const char *name)
{
	char *out, *o;
	bool gap = false;

	if (mdt_str_blank(name))
		return NULL;
	out = o = mdt_xmalloc(strlen(name) + 1);
	for (; *name != '\0'; name++) {
		if (isspace((unsigned char)*name)) {
			gap = o > out;
			continue;
		}
		if (gap)
			*o++ = ' ';
		gap = false;
		*o++ = *name;
	}
	*o = '\0';
	return out;
}

/*
 * The organisations as they are recorded (see mdt_consent_record): tidied,
 * blank ones dropped, repeats merged into their first spelling, within
 * the limits.  DESTRUCTOR: mdt_names_free (also on failure).
 */
static enum mdt_status
orgs_tidy(struct mdt_store *s, const char *const *in, size_t n_in,
    char ***out, size_t *n_out)
{
	char **orgs = NULL, *name;
	size_t i, j, n = 0;

	if (n_in > 0)
		orgs = mdt_xcalloc(n_in, sizeof(*orgs));
	*out = orgs;
	*n_out = 0;
	for (i = 0; i < n_in; i++) {
		if ((name = org_tidy(in[i])) == NULL)
			continue;
		for (j = 0; j < n && !same_nocase(orgs[j], name); j++)
			;
		if (j < n) {
			free(name);
			continue;
		}
		orgs[n++] = name;
		*n_out = n;
		if (utf8_chars(name) > MDT_ORGANISATION_MAX)
			return mdt_fail(s, MDT_ETOOLONG, "an organisation's"
			    " name may have at most %d characters (\"%.*s...\")",
			    MDT_ORGANISATION_MAX, utf8_prefix(name, 40), name);
	}
	if (n > MDT_EXCLUSIONS_MAX)
		return mdt_fail(s, MDT_ETOOLONG, "at most %d organisations can"
		    " be excluded (%zu given)", MDT_EXCLUSIONS_MAX, n);
	return MDT_OK;
}

static enum mdt_status
consent_tx(struct mdt_store *s, int64_t slot_id, enum mdt_consent_basis basis,
    const char *justification, char *const *orgs, size_t n_orgs)
{
	struct slot_row sl;
	struct meeting_row m;
	enum mdt_status st;
	char uuid[37], *row_uuid = NULL;
	size_t i;

	st = recordable_slot(s, slot_id, false, &sl, &m);
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO consent"
	    " (uuid, slot_id, basis, justification, recorded_at)"
	    " VALUES (?, ?, ?, ?, ?)"
	    " ON CONFLICT (slot_id) DO UPDATE SET basis = excluded.basis,"
	    " justification = excluded.justification,"
	    " recorded_at = excluded.recorded_at", "titTi",
	    uuid, slot_id, mdt_consent_name(basis),
	    mdt_str_blank(justification) ? NULL : justification,
	    mdt_store_now(s));
	/* The list is recorded whole each time: it replaces the last. */
	if (st == MDT_OK)
		st = mdt_run(s, "DELETE FROM consent_exclusions"
		    " WHERE slot_id = ?", "i", slot_id);
	for (i = 0; st == MDT_OK && i < n_orgs; i++)
		st = mdt_run(s, "INSERT INTO consent_exclusions"
		    " (slot_id, organisation) VALUES (?, ?)", "it", slot_id,
		    orgs[i]);
	if (st == MDT_OK)
		st = mdt_query_text(s, &row_uuid,
		    "SELECT uuid FROM consent WHERE slot_id = ?", "i", slot_id);
	/* The log counts the organisations and never names them. */
	if (st == MDT_OK && n_orgs > 0)
		st = mdt_audit_add(s, "consent_record", "consent", row_uuid,
		    "slot %" PRId64 ": %s, %zu organisation%s excluded",
		    slot_id, mdt_consent_name(basis), n_orgs,
		    n_orgs == 1 ? "" : "s");
	else if (st == MDT_OK)
		st = mdt_audit_add(s, "consent_record", "consent", row_uuid,
		    "slot %" PRId64 ": %s", slot_id, mdt_consent_name(basis));
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "consent", row_uuid, "upsert");
	free(row_uuid);
	return st;
}

enum mdt_status
mdt_consent_record(struct mdt_store *s, int64_t slot_id,
    enum mdt_consent_basis basis, const char *justification,
    const char *const *exclude, size_t n_exclude)
{
	enum mdt_status st;
	char **orgs;
	size_t n_orgs;

	st = mdt_consent_check(basis, justification);
	if (st == MDT_EJUSTIFY)
		return mdt_fail(s, st, "write why (%s)",
		    mdt_consent_label(basis));
	if (st != MDT_OK)
		return mdt_fail(s, st, "unknown consent basis %d", (int)basis);
	st = orgs_tidy(s, exclude, n_exclude, &orgs, &n_orgs);
	if (st == MDT_OK)
		st = mdt_tx_begin(s);
	if (st == MDT_OK)
		st = mdt_tx_end(s, consent_tx(s, slot_id, basis,
		    justification, orgs, n_orgs));
	mdt_names_free(orgs, n_orgs);
	return st;
}

static enum mdt_status
note_tx(struct mdt_store *s, int64_t slot_id, const char *text, int64_t *id)
{
	struct slot_row sl;
	struct meeting_row m;
	enum mdt_status st;
	char uuid[37];

	st = recordable_slot(s, slot_id, true, &sl, &m);
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO notes (uuid, slot_id, text, created_at)"
	    " VALUES (?, ?, ?, ?)", "titi", uuid, slot_id, text,
	    mdt_store_now(s));
	if (st != MDT_OK)
		return st;
	*id = sqlite3_last_insert_rowid(s->db);
	st = mdt_audit_add(s, "note_add", "note", uuid, "slot %" PRId64,
	    slot_id);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "note", uuid, "upsert");
	return st;
}

enum mdt_status
mdt_note_add(struct mdt_store *s, int64_t slot_id, const char *text,
    int64_t *note_id)
{
	enum mdt_status st;
	int64_t id = 0;

	if (note_id != NULL)
		*note_id = 0;
	if (mdt_str_blank(text))
		return mdt_fail(s, MDT_EINVAL, "the note is empty");
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_end(s, note_tx(s, slot_id, text, &id));
	if (st == MDT_OK && note_id != NULL)
		*note_id = id;
	return st;
}

/* Inserts an action; *id gets its row id. */
static enum mdt_status
insert_action(struct mdt_store *s, const struct slot_row *sl,
    const char *text, int64_t owner_id, const char *due, const char *kind,
    int64_t *id)
{
	enum mdt_status st;
	char uuid[37];

	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO actions (uuid, patient_id, slot_id, text,"
	    " owner_id, due_date, status, created_at, kind)"
	    " VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)", "tiititiT",
	    uuid, sl->patient_id, sl->id, text, owner_id, due,
	    mdt_store_now(s), kind);
	if (st != MDT_OK)
		return st;
	*id = sqlite3_last_insert_rowid(s->db);
	st = mdt_audit_add(s, "action_add", "action", uuid,
	    "slot %" PRId64 ": owner %" PRId64 ", due %s", sl->id, owner_id,
	    due);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "action", uuid, "upsert");
	return st;
}

static enum mdt_status
action_tx(struct mdt_store *s, int64_t slot_id, const char *text,
    int64_t owner_id, const char *due, int64_t *id)
{
	struct slot_row sl;
	struct meeting_row m;
	enum mdt_status st;

	st = recordable_slot(s, slot_id, true, &sl, &m);
	if (st == MDT_OK)
		st = person_exists(s, owner_id);
	if (st != MDT_OK)
		return st;
	return insert_action(s, &sl, text, owner_id, due, NULL, id);
}

enum mdt_status
mdt_action_add(struct mdt_store *s, int64_t slot_id, const char *text,
    int64_t owner_id, const char *due, int64_t *action_id)
{
	enum mdt_status st;
	char date[11];
	int64_t id = 0;

	if (action_id != NULL)
		*action_id = 0;
	if (mdt_str_blank(text))
		return mdt_fail(s, MDT_EINVAL, "the action has no text");
	if (mdt_date_parse(due, mdt_store_now(s), date) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "due date \"%s\"",
		    due != NULL ? due : "");
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_end(s, action_tx(s, slot_id, text, owner_id, date, &id));
	if (st == MDT_OK && action_id != NULL)
		*action_id = id;
	return st;
}

static enum mdt_status
action_status_tx(struct mdt_store *s, int64_t action_id,
    enum mdt_action_status status, bool *changed)
{
	enum mdt_status st;
	sqlite3_stmt *q;
	char uuid[37];
	int rc, old = -1;
	bool purged;
	const char *name = mdt_action_status_name(status);

	*changed = false;
	st = mdt_prep(s, &q, "SELECT uuid, status FROM actions WHERE id = ?",
	    "i", action_id);
	if (st != MDT_OK)
		return st;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		mdt_col_copy(q, 0, uuid, sizeof(uuid));
		old = mdt_action_status_parse(
		    (const char *)sqlite3_column_text(q, 1));
	} else if (rc == SQLITE_DONE)
		st = mdt_fail(s, MDT_ENOTFOUND, "no action %" PRId64,
		    action_id);
	else
		st = mdt_fail_db(s, rc, "reading the action");
	mdt_done(s, q);
	if (st != MDT_OK || old == (int)status)
		return st;
	/* a purged action has lost its words: reopening it would send the
	 * placeholder as the task */
	st = mdt_action_purged(s, action_id, &purged);
	if (st == MDT_OK && purged)
		st = mdt_fail(s, MDT_ESTATE, "action %" PRId64 " was purged"
		    " under the retention rule", action_id);
	if (st != MDT_OK)
		return st;
	if (status == MDT_ACTION_OPEN)
		st = mdt_run(s, "UPDATE actions SET status = 'open',"
		    " closed_at = NULL WHERE id = ?", "i", action_id);
	else
		st = mdt_run(s, "UPDATE actions SET status = ?, closed_at = ?"
		    " WHERE id = ?", "tii", name, mdt_store_now(s), action_id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "action_status", "action", uuid, "%s",
		    name);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "action", uuid, "upsert");
	*changed = st == MDT_OK;
	return st;
}

enum mdt_status
mdt_action_set_status(struct mdt_store *s, int64_t action_id,
    enum mdt_action_status status)
{
	enum mdt_status st;
	bool changed;

	if (status != MDT_ACTION_OPEN && status != MDT_ACTION_DONE &&
	    status != MDT_ACTION_CANCELLED)
		return mdt_fail(s, MDT_EINVAL, "unknown action status %d",
		    (int)status);
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	st = action_status_tx(s, action_id, status, &changed);
	if (st == MDT_OK && !changed) {	/* already so: nothing to write */
		mdt_tx_rollback(s);
		return MDT_OK;
	}
	return mdt_tx_end(s, st);
}

/* After a death: the follow-up with relatives, made once per patient
 * (a cancelled one does not count). */
static enum mdt_status
contact_relatives(struct mdt_store *s, const struct slot_row *sl,
    const struct meeting_row *m)
{
	enum mdt_status st;
	int64_t n, owner = 0, id;
	char due[11], *text;

	st = mdt_query_int(s, &n, "SELECT count(*) FROM actions"
	    " WHERE patient_id = ? AND kind = 'contact_relatives'"
	    " AND status <> 'cancelled'", "i", sl->patient_id);
	if (st != MDT_OK || n > 0)
		return st;
	st = mdt_query_int(s, &owner, "SELECT key_contact_id FROM patients"
	    " WHERE id = ?", "i", sl->patient_id);
	if (st == MDT_OK && owner == 0) {
		st = mdt_query_int(s, &owner, "SELECT a.person_id"
		    " FROM attendance a JOIN people p ON p.id = a.person_id"
		    " WHERE a.meeting_id = ? AND a.status = 'present'"
		    " ORDER BY p.name, p.id LIMIT 1", "i", m->id);
		if (st == MDT_ENOTFOUND)
			return mdt_fail(s, MDT_ESTATE, "%s has no key contact"
			    " and nobody is marked present to follow up with"
			    " the relatives", sl->patient);
	}
	if (st != MDT_OK)
		return st;
	if (mdt_date_parse("+7", mdt_store_now(s), due) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "cannot work out the due date");
	text = mdt_xasprintf("Contact relatives of %s to offer support and"
	    " follow up", sl->patient);
	st = insert_action(s, sl, text, owner, due, "contact_relatives", &id);
	free(text);
	return st;
}

static enum mdt_status
outcome_tx(struct mdt_store *s, int64_t slot_id, enum mdt_outcome_kind kind,
    const char *review)
{
	struct slot_row sl;
	struct meeting_row m;
	enum mdt_status st;
	char uuid[37], *row_uuid = NULL;

	st = recordable_slot(s, slot_id, true, &sl, &m);
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO outcomes"
	    " (uuid, slot_id, kind, review_date, recorded_at)"
	    " VALUES (?, ?, ?, ?, ?)"
	    " ON CONFLICT (slot_id) DO UPDATE SET kind = excluded.kind,"
	    " review_date = excluded.review_date,"
	    " recorded_at = excluded.recorded_at", "titTi",
	    uuid, slot_id, mdt_outcome_name(kind), review, mdt_store_now(s));
	if (st == MDT_OK)
		st = mdt_query_text(s, &row_uuid,
		    "SELECT uuid FROM outcomes WHERE slot_id = ?", "i", slot_id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "outcome_record", "outcome", row_uuid,
		    "slot %" PRId64 ": %s%s%s", slot_id, mdt_outcome_name(kind),
		    *review != '\0' ? ", review " : "", review);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "outcome", row_uuid, "upsert");
	free(row_uuid);
	if (st == MDT_OK && kind == MDT_OUTCOME_DIED)
		st = contact_relatives(s, &sl, &m);
	return st;
}

enum mdt_status
mdt_outcome_record(struct mdt_store *s, int64_t slot_id,
    enum mdt_outcome_kind kind, const char *review_date)
{
	enum mdt_status st;
	char review[11] = "";

	if (kind != MDT_OUTCOME_STAY && kind != MDT_OUTCOME_STEP_DOWN &&
	    kind != MDT_OUTCOME_CLOSE && kind != MDT_OUTCOME_DIED)
		return mdt_fail(s, MDT_EINVAL, "unknown outcome %d", (int)kind);
	if (kind == MDT_OUTCOME_STAY && mdt_str_blank(review_date))
		return mdt_fail(s, MDT_EDATE,
		    "staying on the caseload needs a review date");
	/* A review date is kept for any outcome but a death. */
	if (kind != MDT_OUTCOME_DIED && !mdt_str_blank(review_date) &&
	    mdt_date_parse(review_date, mdt_store_now(s), review) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "review date \"%s\"", review_date);
	st = mdt_tx_begin(s);
	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, outcome_tx(s, slot_id, kind, review));
}

static enum mdt_status
key_contact_tx(struct mdt_store *s, int64_t patient_id, int64_t person_id)
{
	enum mdt_status st;
	char *uuid = NULL;
	int64_t purged = 0;

	st = mdt_query_int(s, &purged, "SELECT purged_at FROM patients"
	    " WHERE id = ?", "i", patient_id);
	if (st == MDT_OK && purged != 0)
		return mdt_fail(s, MDT_ESTATE, "patient %" PRId64 " was purged"
		    " under the retention rule", patient_id);
	if (st == MDT_OK)
		st = mdt_query_text(s, &uuid, "SELECT uuid FROM patients"
		    " WHERE id = ?", "i", patient_id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no patient %" PRId64, patient_id);
	if (st == MDT_OK)
		st = person_exists(s, person_id);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE patients SET key_contact_id = ?"
		    " WHERE id = ?", "ii", person_id, patient_id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "key_contact_set", "patient", uuid,
		    "key contact: person %" PRId64, person_id);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "patient", uuid, "upsert");
	free(uuid);
	return st;
}

enum mdt_status
mdt_key_contact_set(struct mdt_store *s, int64_t patient_id,
    int64_t person_id)
{
	enum mdt_status st = mdt_tx_begin(s);

	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, key_contact_tx(s, patient_id, person_id));
}

static enum mdt_status
projector_blank_tx(struct mdt_store *s, int64_t meeting_id, bool blank)
{
	struct meeting_row m;
	enum mdt_status st;
	int64_t was = 0;

	st = get_meeting(s, meeting_id, &m);
	if (st == MDT_OK)
		st = mdt_query_int(s, &was, "SELECT projector_blank"
		    " FROM meetings WHERE id = ?", "i", m.id);
	if (st != MDT_OK || (was != 0) == blank)
		return st;
	st = mdt_run(s, "UPDATE meetings SET projector_blank = ? WHERE id = ?",
	    "di", blank ? 1 : 0, m.id);
	/* Audited, as every act; no outbox row: the room's view is not
	 * part of what the central record keeps. */
	if (st == MDT_OK)
		st = mdt_audit_add(s, blank ? "projector_blank" :
		    "projector_show", "meeting", m.uuid, "%s",
		    blank ? "projector blanked" : "projector restored");
	return st;
}

enum mdt_status
mdt_projector_blank(struct mdt_store *s, int64_t meeting_id, bool blank)
{
	enum mdt_status st = mdt_tx_begin(s);

	if (st != MDT_OK)
		return st;
	return mdt_tx_end(s, projector_blank_tx(s, meeting_id, blank));
}
