/*
 * acts_correct.c - correcting the text of the record: a meeting's title
 * and venue, a slot's reason.  Text the central record refused, or that
 * was simply wrong, is mended here: each act checks the new text under
 * the input policy (textio.h), writes it with an audit row and queues the
 * outbox row that sends the record again, in one transaction; what the
 * central record refused of the meeting goes again with it.
 *
 * A closed meeting may be corrected: its record must be delivered before
 * it can be purged.  A purged one may not: it was delivered whole and its
 * texts are placeholders now.
 */
#include "config.h"

#include "acts.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rows.h"
#include "rules.h"
#include "store.h"
#include "purge.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* What a correction reads first: the meeting it is in, closed or not,
 * unless the retention purge has been through it. */
#define CORRECTABLE (MDT_ACT_CLOSED_TOO | MDT_ACT_UNPURGED | MDT_ACT_WROTE)

/*
 * The text is mended: every row of the meeting's records the central
 * record refused (failed) goes again, as `mdtchair sync --retry-failed`
 * would send it, so that one correction is all the chair does.  A
 * conflict is left for the chair to look at.  Then the audit row (what
 * changed, never the text) and the outbox row of entity uuid; a->wrote
 * says whether all went.
 */
static enum mdt_status
mended(struct mdt_store *s, struct mdt_act *a, const char *action,
    const char *entity, const char *uuid, const char *what)
{
	enum mdt_status st;
	int64_t n;

	st = mdt_run(s, "UPDATE outbox SET state = 'pending', attempts = 0,"
	    " next_at = ?1 WHERE state = 'failed' AND entity_uuid IN ("
	    MDT_MEETING_RECORDS_SQL("?2") ")", "ii", mdt_store_now(s),
	    a->m.id);
	n = sqlite3_changes(s->db);
	if (st == MDT_OK && n > 0)
		st = mdt_record_change(s, action, entity, uuid, "%s corrected;"
		    " %" PRId64 " refused record%s queued again", what, n,
		    n == 1 ? "" : "s");
	else if (st == MDT_OK)
		st = mdt_record_change(s, action, entity, uuid,
		    "%s corrected", what);
	a->wrote = st == MDT_OK;
	return st;
}

/*
 * Checks text (what: "the title"; blank refused with the line if_blank,
 * allowed when it is NULL) and runs the correction body on the meeting
 * (reads MDT_ACT_MEETING, id its id) or the slot (MDT_ACT_SLOT).
 */
static enum mdt_status
correct(struct mdt_store *s, mdt_act_fn body, unsigned reads, int64_t id,
    const char *text, const char *what, const char *if_blank)
{
	if (if_blank != NULL && mdt_str_blank(text))
		return mdt_fail(s, MDT_EINVAL, "%s", if_blank);
	if (mdt_text_check(s, what, text, false, 0) != MDT_OK)
		return MDT_EINVAL;
	return mdt_act_run(s, body, reads | CORRECTABLE, &(struct mdt_act){
	    .meeting_id = id, .slot_id = id, .text = text });
}

/* The meeting's title is text (wrote: false when it was so already). */
static enum mdt_status
title_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;

	st = mdt_run(s, "UPDATE meetings SET title = ?1 WHERE id = ?2"
	    " AND title IS NOT ?1", "ti", a->text, a->m.id);
	if (st != MDT_OK || sqlite3_changes(s->db) == 0)
		return st;
	return mended(s, a, "title_correct", "meeting", a->m.uuid, "title");
}

/* The meeting is held at the venue called text. */
static enum mdt_status
venue_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	int64_t same = 0, venue = 0;

	/* the venue it has already, by name: nothing to do */
	st = mdt_query_int(s, &same, "SELECT coalesce(v.name, '') = ?1"
	    " FROM meetings m LEFT JOIN venues v ON v.id = m.venue_id"
	    " WHERE m.id = ?2", "ti", mdt_str_blank(a->text) ? "" : a->text,
	    a->m.id);
	if (st != MDT_OK || same != 0)
		return st;
	/* another meeting's venue is theirs too: it is never renamed, the
	 * meeting moves to the venue of that name */
	st = mdt_row_venue(s, a->text, &venue);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE meetings SET venue_id = ? WHERE id = ?",
		    "Ii", venue, a->m.id);
	if (st != MDT_OK)
		return st;
	return mended(s, a, "venue_correct", "meeting", a->m.uuid, "venue");
}

/* The slot's reason for discussion is text. */
static enum mdt_status
reason_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	char what[48], said[24];

	st = mdt_run(s, "UPDATE slots SET reason = ?1 WHERE id = ?2"
	    " AND reason IS NOT ?1", "ti", a->text, a->sl.id);
	if (st != MDT_OK || sqlite3_changes(s->db) == 0)
		return st;
	/* what it said and says is the patient's: the log only says so */
	snprintf(what, sizeof(what), "%s: reason", mdt_said_slot(s, a->sl.id,
	    said));
	return mended(s, a, "reason_correct", "slot", a->sl.uuid, what);
}

/* Defines the public correction name(s, id, text): body run by correct()
 * on what reads (the meeting or the slot), text checked as what. */
#define CORRECT_ACT(name, body, reads, what, if_blank) \
	enum mdt_status \
	name(struct mdt_store *s, int64_t id, const char *text) \
	{ \
		return correct(s, body, reads, id, text, what, if_blank); \
	}

CORRECT_ACT(mdt_meeting_set_title, title_tx, MDT_ACT_MEETING, "the title",
    "the meeting has no title")
CORRECT_ACT(mdt_meeting_set_venue, venue_tx, MDT_ACT_MEETING, "the venue",
    NULL)
CORRECT_ACT(mdt_slot_set_reason, reason_tx, MDT_ACT_SLOT, "the reason",
    "write the reason for discussion")

/* ---- corrections as clinical systems make them ---------------------- */

/* The JSON of each kind of row as it is, for corrections.original. */
static const struct {
	const char *entity, *sql;
} originals[] = {
	{ "note", "SELECT uuid, slot_id, json_object('uuid', uuid,"
	    " 'slot_id', slot_id, 'text', text, 'created_at', created_at)"
	    " FROM notes WHERE uuid = ?1" },
	{ "outcome", "SELECT uuid, slot_id, json_object('uuid',"
	    " uuid, 'slot_id', slot_id, 'kind', kind, 'review_date',"
	    " review_date, 'died_on', died_on, 'recorded_at', recorded_at)"
	    " FROM outcomes WHERE uuid = ?1" },
	{ "consent", "SELECT c.uuid, c.slot_id, json_object('uuid',"
	    " c.uuid, 'slot_id', c.slot_id, 'basis', c.basis,"
	    " 'justification', c.justification, 'recorded_at', c.recorded_at,"
	    " 'exclusions', json((SELECT json_group_array(e.organisation)"
	    " FROM consent_exclusions e WHERE e.slot_id = c.slot_id)))"
	    " FROM consent c WHERE c.uuid = ?1" },
	{ "action", "SELECT uuid, slot_id, json_object('uuid', uuid,"
	    " 'patient_id', patient_id, 'slot_id', slot_id, 'text', text,"
	    " 'owner_id', owner_id, 'due_date', due_date, 'status', status,"
	    " 'created_at', created_at, 'closed_at', closed_at, 'kind', kind)"
	    " FROM actions WHERE uuid = ?1" },
};

enum mdt_status
mdt_row_correction(struct mdt_store *s, const char *entity,
    const char *uuid, const char *kind)
{
	char sql[1024];

	for (size_t i = 0; i < MDT_COUNT(originals); i++) {
		if (strcmp(originals[i].entity, entity) != 0)
			continue;
		/* the columns of the SELECT: uuid, slot, the JSON */
		snprintf(sql, sizeof(sql), "INSERT INTO corrections (entity,"
		    " entity_uuid, slot_id, original, kind, at, actor)"
		    " SELECT ?5, o.* , ?2, ?3, ?4 FROM (%s) AS o",
		    originals[i].sql);
		return mdt_run(s, sql, "ttitt", uuid, kind, mdt_store_now(s),
		    s->actor, entity);
	}
	return mdt_fail(s, MDT_EINVAL, "nothing of a %s can be corrected",
	    entity);
}

/* The note id, in a meeting the purge has not been through: its uuid and
 * slot. */
static enum mdt_status
correctable_note(struct mdt_store *s, int64_t id, char **uuid,
    int64_t *slot_id)
{
	struct mdt_meeting_row m;
	struct mdt_slot_row sl;
	enum mdt_status st;

	st = mdt_query_int(s, slot_id, "SELECT slot_id FROM notes WHERE id = ?",
	    "i", id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "the note is no longer there");
	if (st == MDT_OK)
		st = mdt_row_slot(s, *slot_id, &sl);
	if (st == MDT_OK)
		st = mdt_row_meeting(s, sl.meeting_id, false, &m);
	if (st == MDT_OK)
		st = mdt_row_unpurged(s, &m);
	if (st == MDT_OK)
		st = mdt_query_text(s, uuid, "SELECT uuid FROM notes"
		    " WHERE id = ?", "i", id);
	return st;
}

/* A note corrected: id, the new text (NULL: withdrawn). */
static enum mdt_status
note_amend_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	char *uuid = NULL, said[24];
	int64_t slot_id = 0;

	st = correctable_note(s, a->id, &uuid, &slot_id);
	if (st == MDT_OK && a->text != NULL) {
		int64_t same = 0;

		st = mdt_query_int(s, &same, "SELECT text = ? FROM notes"
		    " WHERE id = ?", "ti", a->text, a->id);
		if (st == MDT_OK && same != 0) {
			free(uuid);
			return MDT_OK;
		}
		if (st == MDT_OK)
			st = mdt_row_correction(s, "note", uuid, "superseded");
		if (st == MDT_OK)
			st = mdt_run(s, "UPDATE notes SET text = ? WHERE id = ?",
			    "ti", a->text, a->id);
		if (st == MDT_OK)
			st = mdt_record_change(s, "note_correct", "note", uuid,
			    "%s: note corrected, the original kept as"
			    " superseded", mdt_said_slot(s, slot_id, said));
	} else if (st == MDT_OK) {
		st = mdt_row_correction(s, "note", uuid, "entered-in-error");
		if (st == MDT_OK)
			st = mdt_run(s, "DELETE FROM notes WHERE id = ?", "i",
			    a->id);
		if (st == MDT_OK)
			st = mdt_record_change(s, "note_withdraw", "note", uuid,
			    "%s: note withdrawn, kept as entered in error",
			    mdt_said_slot(s, slot_id, said));
	}
	a->wrote = st == MDT_OK;
	free(uuid);
	return st;
}

/* A note's or an action's text checked (NULL: withdrawn) and body run on
 * id. */
static enum mdt_status
amend(struct mdt_store *s, mdt_act_fn body, int64_t id, const char *text,
    bool note)
{
	if (text != NULL && mdt_str_blank(text))
		return mdt_fail(s, MDT_EINVAL, "%s", note ? "the note is empty"
		    " (withdraw it instead)" : "the action has no text");
	if (text != NULL && mdt_text_check(s, note ? "the note" :
	    "the action", text, note, 0) != MDT_OK)
		return MDT_EINVAL;
	return mdt_act_run(s, body, MDT_ACT_WROTE,
	    &(struct mdt_act){ .id = id, .text = text });
}

/* An action corrected: id, the new text (NULL: withdrawn). */
static enum mdt_status
action_amend_tx(struct mdt_store *s, struct mdt_act *a)
{
	struct mdt_action_row row;
	enum mdt_status st;
	int64_t same = 0;

	st = mdt_row_action(s, a->id, &row);
	if (st == MDT_OK)
		st = mdt_action_refuse_purged(s, a->id);
	if (st == MDT_OK)
		st = mdt_refuse_when(s, MDT_ESTATE, "the action was withdrawn",
		    "SELECT withdrawn_at IS NOT NULL FROM actions WHERE id = ?",
		    "i", a->id);
	if (st != MDT_OK)
		return st;
	if (a->text == NULL) {
		st = mdt_row_correction(s, "action", row.uuid,
		    "entered-in-error");
		if (st == MDT_OK)
			st = mdt_run(s, "UPDATE actions SET status = 'cancelled',"
			    " closed_at = coalesce(closed_at, ?1),"
			    " withdrawn_at = ?1 WHERE id = ?2", "ii",
			    mdt_store_now(s), a->id);
		if (st == MDT_OK)
			st = mdt_record_change(s, "action_withdraw", "action",
			    row.uuid, "withdrawn, kept as entered in error");
		a->wrote = st == MDT_OK;
		return st;
	}
	st = mdt_refuse_when(s, MDT_ESTATE, "the words of this action are fixed"
	    " (they name nobody): withdraw it instead", "SELECT kind IS NOT"
	    " NULL FROM actions WHERE id = ?", "i", a->id);
	if (st == MDT_OK)
		st = mdt_query_int(s, &same, "SELECT text = ? FROM actions"
		    " WHERE id = ?", "ti", a->text, a->id);
	if (st != MDT_OK || same != 0)
		return st;
	st = mdt_row_correction(s, "action", row.uuid, "superseded");
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE actions SET text = ? WHERE id = ?", "ti",
		    a->text, a->id);
	if (st == MDT_OK)
		st = mdt_record_change(s, "action_correct", "action", row.uuid,
		    "text corrected, the original kept as superseded");
	a->wrote = st == MDT_OK;
	return st;
}

/* Defines a kind's public corrections, by its body: edit(s, id, text)
 * (text NULL: empty) and withdraw(s, id); note: the kind is a note. */
#define AMEND_ACTS(edit, withdraw, body, note) \
	enum mdt_status \
	edit(struct mdt_store *s, int64_t id, const char *text) \
	{ \
		return amend(s, body, id, text != NULL ? text : "", note); \
	} \
	enum mdt_status \
	withdraw(struct mdt_store *s, int64_t id) \
	{ \
		return amend(s, body, id, NULL, note); \
	}

AMEND_ACTS(mdt_note_edit, mdt_note_withdraw, note_amend_tx, true)
AMEND_ACTS(mdt_action_edit, mdt_action_withdraw, action_amend_tx, false)

/* ---- the note being typed ------------------------------------------- */

enum mdt_status
mdt_note_draft_save(struct mdt_store *s, int64_t slot_id, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return mdt_note_draft_drop(s, slot_id);
	if (!mdt_text_note_ok(text, 0, NULL, 0))
		return mdt_fail(s, MDT_EINVAL, "the draft holds text that"
		    " cannot be kept");
	return mdt_run(s, "INSERT INTO note_drafts (slot_id, text, saved_at)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (slot_id) DO UPDATE"
	    " SET text = excluded.text, saved_at = excluded.saved_at",
	    "iti", slot_id, text, mdt_store_now(s));
}

enum mdt_status
mdt_note_draft_get(struct mdt_store *s, int64_t slot_id, char **text)
{
	*text = NULL;
	return mdt_query_text(s, text, "SELECT text FROM note_drafts"
	    " WHERE slot_id = ?", "i", slot_id);
}

enum mdt_status
mdt_note_draft_drop(struct mdt_store *s, int64_t slot_id)
{
	return mdt_run(s, "DELETE FROM note_drafts WHERE slot_id = ?", "i",
	    slot_id);
}
