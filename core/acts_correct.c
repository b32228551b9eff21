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

#include "model.h"
#include "rows.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

/* A correction: the meeting's or the slot's id and the new text. */
struct correct_act {
	int64_t id;
	const char *text;
	bool wrote;		/* false: the text was so already */
};

/* The meeting, refused when the retention purge has been through it. */
static enum mdt_status
correctable_meeting(struct mdt_store *s, int64_t meeting_id,
    struct mdt_meeting_row *m)
{
	enum mdt_status st;
	int64_t purged = 0;

	st = mdt_row_meeting(s, meeting_id, false, m);
	if (st == MDT_OK)
		st = mdt_query_int(s, &purged, "SELECT purged_at FROM meetings"
		    " WHERE id = ?", "i", m->id);
	if (st == MDT_OK && purged != 0)
		return mdt_fail(s, MDT_ESTATE, "the meeting was purged: its"
		    " record was delivered and is kept as it is");
	return st;
}

/*
 * The text is mended: every row of the meeting's records the central
 * record refused (failed) goes again, as `mdtchair sync --retry-failed`
 * would send it, so that one correction is all the chair does.  A
 * conflict is left for the chair to look at.  Then the audit row (what
 * changed, never the text) and the outbox row of entity uuid.
 */
static enum mdt_status
mended(struct mdt_store *s, int64_t meeting_id, const char *action,
    const char *entity, const char *uuid, const char *what)
{
	enum mdt_status st;
	int64_t n;

	st = mdt_run(s, "UPDATE outbox SET state = 'pending', attempts = 0,"
	    " next_at = ?1 WHERE state = 'failed' AND entity_uuid IN ("
	    MDT_MEETING_RECORDS_SQL("?2") ")", "ii", mdt_store_now(s),
	    meeting_id);
	if (st != MDT_OK)
		return st;
	n = sqlite3_changes(s->db);
	if (n > 0)
		return mdt_record_change(s, action, entity, uuid, "%s corrected;"
		    " %" PRId64 " refused record%s queued again", what, n,
		    n == 1 ? "" : "s");
	return mdt_record_change(s, action, entity, uuid, "%s corrected",
	    what);
}

/*
 * Checks text (what: "the title"; blank refused with the line if_blank,
 * allowed when it is NULL) and runs the correction body on id.
 */
static enum mdt_status
correct(struct mdt_store *s, mdt_tx_fn body, int64_t id, const char *text,
    const char *what, const char *if_blank)
{
	struct correct_act a = { id, text, false };

	if (if_blank != NULL && mdt_str_blank(text))
		return mdt_fail(s, MDT_EINVAL, "%s", if_blank);
	if (mdt_text_check(s, what, text, false, 0) != MDT_OK)
		return MDT_EINVAL;
	return mdt_tx_run(s, body, &a, &a.wrote);
}

static enum mdt_status
title_tx(struct mdt_store *s, void *ctx)
{
	struct correct_act *a = ctx;
	struct mdt_meeting_row m;
	enum mdt_status st;

	st = correctable_meeting(s, a->id, &m);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE meetings SET title = ?1 WHERE id = ?2"
		    " AND title IS NOT ?1", "ti", a->text, m.id);
	if (st != MDT_OK || sqlite3_changes(s->db) == 0)
		return st;
	st = mended(s, m.id, "title_correct", "meeting", m.uuid, "title");
	a->wrote = st == MDT_OK;
	return st;
}

enum mdt_status
mdt_meeting_set_title(struct mdt_store *s, int64_t meeting_id,
    const char *title)
{
	return correct(s, title_tx, meeting_id, title, "the title",
	    "the meeting has no title");
}

static enum mdt_status
venue_tx(struct mdt_store *s, void *ctx)
{
	struct correct_act *a = ctx;
	struct mdt_meeting_row m;
	enum mdt_status st;
	int64_t same = 0, venue = 0;

	st = correctable_meeting(s, a->id, &m);
	/* the venue it has already, by name: nothing to do */
	if (st == MDT_OK)
		st = mdt_query_int(s, &same, "SELECT coalesce(v.name, '') = ?1"
		    " FROM meetings m LEFT JOIN venues v ON v.id = m.venue_id"
		    " WHERE m.id = ?2", "ti", mdt_str_blank(a->text) ? "" :
		    a->text, m.id);
	if (st != MDT_OK || same != 0)
		return st;
	/* another meeting's venue is theirs too: it is never renamed, the
	 * meeting moves to the venue of that name */
	st = mdt_row_venue(s, a->text, &venue);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE meetings SET venue_id = ? WHERE id = ?",
		    "Ii", venue, m.id);
	if (st == MDT_OK)
		st = mended(s, m.id, "venue_correct", "meeting", m.uuid,
		    "venue");
	a->wrote = st == MDT_OK;
	return st;
}

enum mdt_status
mdt_meeting_set_venue(struct mdt_store *s, int64_t meeting_id,
    const char *venue)
{
	return correct(s, venue_tx, meeting_id, venue, "the venue", NULL);
}

static enum mdt_status
reason_tx(struct mdt_store *s, void *ctx)
{
	struct correct_act *a = ctx;
	struct mdt_meeting_row m;
	struct mdt_slot_row sl;
	enum mdt_status st;
	char what[48], said[24];

	st = mdt_row_slot(s, a->id, &sl);
	if (st == MDT_OK)
		st = correctable_meeting(s, sl.meeting_id, &m);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE slots SET reason = ?1 WHERE id = ?2"
		    " AND reason IS NOT ?1", "ti", a->text, sl.id);
	if (st != MDT_OK || sqlite3_changes(s->db) == 0)
		return st;
	/* what it said and says is the patient's: the log only says so */
	snprintf(what, sizeof(what), "%s: reason", mdt_said_slot(s, sl.id,
	    said));
	st = mended(s, m.id, "reason_correct", "slot", sl.uuid, what);
	a->wrote = st == MDT_OK;
	return st;
}

enum mdt_status
mdt_slot_set_reason(struct mdt_store *s, int64_t slot_id,
    const char *reason)
{
	return correct(s, reason_tx, slot_id, reason, "the reason",
	    "write the reason for discussion");
}
