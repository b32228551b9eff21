/*
 * acts.c - the chairing acts: the slot clock (next, pause, extend, park,
 * previous), opening and closing the meeting, the register and the
 * projector.  Each act is one transaction that writes the change, one
 * audit row and the outbox row(s) for the central record, or nothing at
 * all.  Recording the discussion is in acts_record.c.
 */
#include "config.h"

#include "acts.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "prep_internal.h"
#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"


/* ---- the slot clock -------------------------------------------------- */

static int64_t
since(int64_t now, int64_t then)
{
	return now > then ? now - then : 0;
}

/* Stops the clock of a running slot. */
static void
slot_pause(struct mdt_slot_row *sl, int64_t now)
{
	if (sl->state != MDT_SLOT_RUNNING)
		return;
	sl->t.paused_at = now;
	sl->state = MDT_SLOT_PAUSED;
}

/* Ends a paused slot's pause: the time counts as paused, or, if it never
 * started, it starts now. */
static void
pause_end(struct mdt_slot_row *sl, int64_t now)
{
	if (sl->t.started_at == 0)
		sl->t.started_at = now;
	else
		sl->t.paused_ms += since(now, sl->t.paused_at);
	sl->t.paused_at = 0;
}

/* Starts, resumes or reopens a slot; the time it stood still counts as a
 * pause. */
static void
slot_run(struct mdt_slot_row *sl, int64_t now)
{
	switch (sl->state) {
	case MDT_SLOT_PENDING:
		sl->t.started_at = now;
		sl->t.paused_ms = 0;
		break;
	case MDT_SLOT_PAUSED:
		pause_end(sl, now);
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
slot_close(struct mdt_slot_row *sl, int64_t now)
{
	switch (sl->state) {
	case MDT_SLOT_PENDING:
		sl->t.started_at = now;
		break;
	case MDT_SLOT_PAUSED:
		pause_end(sl, now);
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
slot_save(struct mdt_store *s, const struct mdt_slot_row *sl)
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
open_if_planned(struct mdt_store *s, struct mdt_meeting_row *m, int64_t now)
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
close_current(struct mdt_store *s, struct mdt_meeting_row *m, int64_t now,
    struct mdt_slot_row *closed)
{
	enum mdt_status st;

	memset(closed, 0, sizeof(*closed));
	if (m->current == 0)
		return MDT_OK;
	st = mdt_row_slot(s, m->current, closed);
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
run_slot(struct mdt_store *s, struct mdt_meeting_row *m, int64_t slot_id,
    int64_t now, struct mdt_slot_row *sl)
{
	enum mdt_status st;

	st = mdt_row_slot(s, slot_id, sl);
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
record_meeting(struct mdt_store *s, const struct mdt_meeting_row *m,
    const char *action, const char *detail)
{
	return mdt_record_change(s, action, "meeting", m->uuid, "%s", detail);
}

/* The meeting's next slot started (made: its id; 0 when none was left). */
static enum mdt_status
slot_next_tx(struct mdt_store *s, struct mdt_act *a)
{
	char said[24], said2[24];
	struct mdt_slot_row closed, started;
	enum mdt_status st;
	int64_t now = mdt_store_now(s), next = 0;
	bool was_planned = a->m.state == MDT_MEETING_PLANNED;
	char detail[160];

	st = close_current(s, &a->m, now, &closed);
	if (st == MDT_OK)
		st = first_waiting(s, a->m.id, closed.id, &next);
	if (st == MDT_OK && next != 0)
		st = run_slot(s, &a->m, next, now, &started);
	else if (st == MDT_OK)
		st = open_if_planned(s, &a->m, now);
	if (st != MDT_OK)
		return st;
	if (next == 0 && closed.id == 0 && !was_planned)
		return mdt_fail(s, MDT_ENOTFOUND,
		    "no slot is left on the agenda");
	a->made = next;
	if (closed.id != 0 && next != 0)
		snprintf(detail, sizeof(detail), "closed %s, started %s",
		    mdt_said_slot(s, closed.id, said),
		    mdt_said_slot(s, next, said2));
	else if (closed.id != 0)
		snprintf(detail, sizeof(detail), "closed %s; no slot left",
		    mdt_said_slot(s, closed.id, said));
	else if (next != 0)
		snprintf(detail, sizeof(detail), "started %s",
		    mdt_said_slot(s, next, said));
	else
		snprintf(detail, sizeof(detail), "opened; no slot on the agenda");
	return record_meeting(s, &a->m, "slot_next", detail);
}

enum mdt_status
mdt_slot_next(struct mdt_store *s, int64_t meeting_id, int64_t *slot_id)
{
	struct mdt_act a = { .meeting_id = meeting_id };
	enum mdt_status st;

	if (slot_id != NULL)
		*slot_id = 0;
	st = mdt_act_run(s, slot_next_tx, MDT_ACT_MEETING, &a);
	if (st != MDT_OK)
		return st;
	if (a.made == 0)
		return mdt_fail(s, MDT_ENOTFOUND, "no slot is left on the agenda");
	if (slot_id != NULL)
		*slot_id = a.made;
	return MDT_OK;
}

/* The running slot paused, or the paused one run again. */
static enum mdt_status
pause_toggle_tx(struct mdt_store *s, struct mdt_act *a)
{
	struct mdt_slot_row *sl = &a->sl;
	int64_t now = mdt_store_now(s);
	enum mdt_status st;
	const char *action;
	char said[24];

	if (sl->state == MDT_SLOT_RUNNING) {
		slot_pause(sl, now);
		action = "slot_pause";
	} else if (sl->state == MDT_SLOT_PAUSED) {
		slot_run(sl, now);
		action = "slot_resume";
	} else
		return mdt_fail(s, MDT_ESTATE, "the current slot is %s",
		    mdt_slot_state_name(sl->state));
	st = slot_save(s, sl);
	if (st == MDT_OK)
		st = mdt_record_change(s, action, "slot", sl->uuid, "%s",
		    mdt_said_slot(s, sl->id, said));
	return st;
}

/* The running slot's allowance changed by n seconds. */
static enum mdt_status
extend_tx(struct mdt_store *s, struct mdt_act *a)
{
	struct mdt_slot_row *sl = &a->sl;
	int64_t total = (int64_t)sl->t.extended_s + a->n;
	enum mdt_status st;
	char said[24];

	if (total < 0)
		return mdt_fail(s, MDT_EINVAL, "the slot has only %d s of"
		    " extension to take back", sl->t.extended_s);
	if (total > MDT_MAX_EXTENSION_S)
		return mdt_fail(s, MDT_ESTATE, "the slot is extended by %d:%02d"
		    " already, and %d minutes in all is the most",
		    sl->t.extended_s / 60, sl->t.extended_s % 60,
		    MDT_MAX_EXTENSION_S / 60);
	sl->t.extended_s = (int)total;
	st = slot_save(s, sl);
	if (st == MDT_OK)
		st = mdt_record_change(s, "slot_extend", "slot", sl->uuid,
		    "%s: %+d s, %d s in all", mdt_said_slot(s, sl->id, said),
		    a->n, sl->t.extended_s);
	return st;
}

enum mdt_status
mdt_slot_extend(struct mdt_store *s, int64_t meeting_id, int seconds)
{
	if (seconds == 0 || seconds > MDT_MAX_EXTENSION_S ||
	    seconds < -MDT_MAX_EXTENSION_S)
		return mdt_fail(s, MDT_EINVAL, "cannot extend a slot by %d s",
		    seconds);
	return mdt_act_run(s, extend_tx, MDT_ACT_MEETING | MDT_ACT_RUNNING,
	    &(struct mdt_act){ .meeting_id = meeting_id, .n = seconds });
}

/* The current slot (or the first waiting) put last, and the next one
 * started. */
static enum mdt_status
park_tx(struct mdt_store *s, struct mdt_act *a)
{
	char said[24], said2[24];
	struct mdt_meeting_row *m = &a->m;
	struct mdt_slot_row parked, started;
	enum mdt_status st = MDT_OK;
	int64_t now = mdt_store_now(s), target = 0, last = 0, next = 0;
	char detail[160];

	target = m->current;
	if (target == 0) {
		st = first_waiting(s, m->id, 0, &target);
		if (st == MDT_OK && target == 0)
			st = mdt_fail(s, MDT_ENOTFOUND,
			    "no slot is waiting to be parked");
		if (st != MDT_OK)
			return st;
	}
	st = mdt_row_slot(s, target, &parked);
	if (st == MDT_OK)
		st = mdt_query_int(s, &last, "SELECT max(position) FROM slots"
		    " WHERE meeting_id = ?", "i", m->id);
	if (st != MDT_OK)
		return st;
	slot_pause(&parked, now);
	parked.position = last + 1;
	st = slot_save(s, &parked);
	if (st == MDT_OK)
		st = first_waiting(s, m->id, parked.id, &next);
	if (st != MDT_OK)
		return st;
	if (next == 0)		/* the parked slot is the only one left */
		next = parked.id;
	st = run_slot(s, m, next, now, &started);
	if (st != MDT_OK)
		return st;
	snprintf(detail, sizeof(detail), "parked %s, started %s",
	    mdt_said_slot(s, parked.id, said), mdt_said_slot(s, next, said2));
	return record_meeting(s, m, "slot_park", detail);
}

/* Back to the slot before the current one (or to the last started). */
static enum mdt_status
previous_tx(struct mdt_store *s, struct mdt_act *a)
{
	struct mdt_meeting_row *m = &a->m;
	struct mdt_slot_row cur, prev;
	enum mdt_status st;
	int64_t now = mdt_store_now(s), target = 0;
	char detail[160];

	memset(&cur, 0, sizeof(cur));
	if (m->current != 0) {
		st = mdt_row_slot(s, m->current, &cur);
		if (st == MDT_OK)
			st = mdt_query_int(s, &target,
			    "SELECT id FROM slots WHERE meeting_id = ?1"
			    " AND (position < ?2 OR (position = ?2 AND id < ?3))"
			    " ORDER BY position DESC, id DESC LIMIT 1", "iii",
			    m->id, cur.position, cur.id);
	} else {
		/* Between slots or past the end: back to the last one
		 * that was started. */
		st = mdt_query_int(s, &target,
		    "SELECT id FROM slots WHERE meeting_id = ?"
		    " AND state <> 'pending'"
		    " ORDER BY position DESC, id DESC LIMIT 1", "i", m->id);
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
	st = run_slot(s, m, target, now, &prev);
	if (st != MDT_OK)
		return st;
	snprintf(detail, sizeof(detail), "back to slot %" PRId64, target);
	return record_meeting(s, m, "slot_previous", detail);
}

/* ---- the meeting ----------------------------------------------------- */

/* A planned meeting opened (wrote: false when it was open already). */
static enum mdt_status
meeting_open_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;

	if (a->m.state == MDT_MEETING_OPEN)
		return MDT_OK;
	st = open_if_planned(s, &a->m, mdt_store_now(s));
	if (st == MDT_OK)
		st = record_meeting(s, &a->m, "meeting_open", "opened");
	a->wrote = st == MDT_OK;
	return st;
}

/* What the meeting hands to the next one planned (a meeting of a series
 * scheduled ahead): the caseload due for review by then, given the
 * outcomes just recorded. */
static enum mdt_status
carry_to_next(struct mdt_store *s, const struct mdt_meeting_row *m)
{
	enum mdt_status st;
	int64_t next = 0;
	int carried;

	st = mdt_query_int(s, &next, "SELECT id FROM meetings"
	    " WHERE state = 'planned' AND scheduled_start > ?"
	    " ORDER BY scheduled_start, id LIMIT 1", "i", m->scheduled_start);
	if (st == MDT_ENOTFOUND)
		return MDT_OK;
	if (st == MDT_OK)
		st = mdt_carry_forward_tx(s, next, 0, &carried);
	return st;
}

/* The meeting closed, with its current slot. */
static enum mdt_status
meeting_close_tx(struct mdt_store *s, struct mdt_act *a)
{
	struct mdt_slot_row closed;
	enum mdt_status st = MDT_OK;
	int64_t now = mdt_store_now(s);

	if (a->m.state == MDT_MEETING_CLOSED)
		st = mdt_fail(s, MDT_ESTATE, "the meeting is already closed");
	if (st == MDT_OK)
		st = close_current(s, &a->m, now, &closed);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE meetings SET state = 'closed',"
		    " closed_at = ?, current_slot_id = NULL WHERE id = ?", "ii",
		    now, a->m.id);
	if (st == MDT_OK)
		st = record_meeting(s, &a->m, "meeting_close", "closed");
	/* the referrals it discussed leave the queue, for the record */
	if (st == MDT_OK)
		st = mdt_referrals_settle_tx(s, 0);
	if (st == MDT_OK)
		st = carry_to_next(s, &a->m);
	return st;
}

/* ---- the register ---------------------------------------------------- */

/* A mark in the register: person_id's attendance (n, an enum
 * mdt_attend), or with n -1 whether they acknowledged confidentiality
 * (flag); shown in the audit log as text. */
static enum mdt_status
attendance_tx(struct mdt_store *s, struct mdt_act *a)
{
	char who[128];
	enum mdt_status st;
	char uuid[37], *row_uuid = NULL;

	st = mdt_row_person_exists(s, a->person_id);
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT OR IGNORE INTO attendance"
	    " (meeting_id, person_id, uuid) VALUES (?, ?, ?)", "iit",
	    a->meeting_id, a->person_id, uuid);
	if (st != MDT_OK)
		return st;
	if (a->n >= 0)
		st = mdt_run(s, "UPDATE attendance SET status = ?"
		    " WHERE meeting_id = ? AND person_id = ?", "tii",
		    mdt_attend_name(a->n), a->meeting_id, a->person_id);
	else
		st = mdt_run(s, "UPDATE attendance SET confidentiality_ack = ?"
		    " WHERE meeting_id = ? AND person_id = ?", "dii",
		    a->flag ? 1 : 0, a->meeting_id, a->person_id);
	if (st == MDT_OK)
		st = mdt_query_text(s, &row_uuid, "SELECT uuid FROM attendance"
		    " WHERE meeting_id = ? AND person_id = ?", "ii",
		    a->meeting_id, a->person_id);
	if (st == MDT_OK)
		st = mdt_record_change(s, "attendance_set", "attendance",
		    row_uuid, "%s: %s", mdt_said_person(s, a->person_id, who),
		    a->text);
	free(row_uuid);
	return st;
}

enum mdt_status
mdt_attendance_set(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id, enum mdt_attend status)
{
	if (status != MDT_ATTEND_UNKNOWN && status != MDT_ATTEND_PRESENT &&
	    status != MDT_ATTEND_APOLOGIES)
		return mdt_fail(s, MDT_EINVAL, "unknown attendance %d",
		    (int)status);
	return mdt_act_run(s, attendance_tx, MDT_ACT_MEETING,
	    &(struct mdt_act){ .meeting_id = meeting_id,
	    .person_id = person_id, .n = (int)status,
	    .text = mdt_attend_name(status) });
}

enum mdt_status
mdt_attendance_ack(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id, bool ack)
{
	return mdt_act_run(s, attendance_tx, MDT_ACT_MEETING,
	    &(struct mdt_act){ .meeting_id = meeting_id,
	    .person_id = person_id, .n = -1, .flag = ack,
	    .text = ack ? "confidentiality acknowledged" :
	    "confidentiality not acknowledged" });
}

/* ---- the projector -------------------------------------------------- */

/* The projector blanked (flag) or showing again. */
static enum mdt_status
projector_blank_tx(struct mdt_store *s, struct mdt_act *a)
{
	bool blank = a->flag;
	enum mdt_status st;
	int64_t was = 0;

	st = mdt_query_int(s, &was, "SELECT projector_blank"
	    " FROM meetings WHERE id = ?", "i", a->m.id);
	if (st != MDT_OK || (was != 0) == blank)
		return st;
	st = mdt_run(s, "UPDATE meetings SET projector_blank = ? WHERE id = ?",
	    "di", blank ? 1 : 0, a->m.id);
	/* Audited, as every act; no outbox row: the room's view is not
	 * part of what the central record keeps. */
	if (st == MDT_OK)
		st = mdt_audit_add(s, blank ? "projector_blank" :
		    "projector_show", "meeting", a->m.uuid, "%s",
		    blank ? "projector blanked" : "projector restored");
	return st;
}

enum mdt_status
mdt_projector_blank(struct mdt_store *s, int64_t meeting_id, bool blank)
{
	return mdt_act_run(s, projector_blank_tx, MDT_ACT_MEETING |
	    MDT_ACT_CLOSED_TOO,
	    &(struct mdt_act){ .meeting_id = meeting_id, .flag = blank });
}

/* ---- the acts on a meeting alone ------------------------------------ */

MDT_MEETING_ACT(mdt_slot_pause_toggle, pause_toggle_tx, MDT_ACT_RUNNING)
MDT_MEETING_ACT(mdt_slot_park, park_tx, 0)
MDT_MEETING_ACT(mdt_slot_previous, previous_tx, 0)
MDT_MEETING_ACT(mdt_meeting_open, meeting_open_tx, MDT_ACT_WROTE)
MDT_MEETING_ACT(mdt_meeting_close, meeting_close_tx, MDT_ACT_CLOSED_TOO)
