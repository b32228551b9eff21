/*
 * correct.c - correcting the text of the record from the console: the
 * meeting's title and venue, a slot's reason, the text of a note or an
 * action, and a note or an action withdrawn as entered in error (core/
 * keeps the original).  A text the central record
 * refused can always be mended here, in an open or a closed meeting.
 *
 * The prompt opens holding the text as it is stored, to be edited.  A
 * character the input policy refuses (stored by an older version, or
 * written into the database directly) is put there escaped, as every
 * screen shows it ("\x1b", "<U+202E>"): never raw to the terminal, and
 * what is saved is what was seen.  What does not fit in a prompt is left
 * out, and the chair is told.  Each save is one committed core call that
 * queues the record to be sent again.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "correct.h"
#include "input.h"
#include "screen_slot.h"

/* What is being corrected (only one prompt is ever open): the title,
 * the venue or the reason (TUI_ACT_REASON) of this slot. */
static struct {
	enum tui_action act;	/* TUI_ACT_EDIT: a note or an action */
	int64_t slot_id;
	int64_t id;		/* the note's or the action's */
	bool note;
} tui_correcting;

static bool tui_correct_submit(struct tui_app *app, const char *text);

/* Opens the prompt with the text as it is (NULL: none). */
static void
tui_correct_open(struct tui_app *app, const char *label, const char *now)
{
	char *shown = mdt_text_escaped(now != NULL ? now : "", false);
	bool escaped = now != NULL && strcmp(shown, now) != 0;
	bool cut = mdt_text_chars(shown) > TUI_PROMPT_MAX;

	tui_prompt_open(app, label, tui_correct_submit);
	tui_prompt_set_text(app, shown);
	free(shown);
	/* said on one line of 80 columns: Esc keeps the text as it is */
	if (escaped && cut)
		tui_app_message(app, true, "Shown escaped and cut to %d"
		    " characters: edit it, then Enter", TUI_PROMPT_MAX);
	else if (escaped)
		tui_app_message(app, true, "Shown escaped (characters that"
		    " cannot be sent): edit it, then Enter");
	else if (cut)
		tui_app_message(app, true, "Cut to %d characters (the end is"
		    " left out): edit it, then Enter", TUI_PROMPT_MAX);
}

/* The text as it is now (NULL: none). */
static const char *
tui_correct_now(const struct tui_app *app)
{
	const struct mdt_slot *s;

	switch (tui_correcting.act) {
	case TUI_ACT_TITLE:
		return app->snap.meeting.title;
	case TUI_ACT_VENUE:
		return app->snap.meeting.venue;
	case TUI_ACT_EDIT:
		for (size_t i = 0; tui_correcting.note &&
		    i < app->snap.n_notes; i++)
			if (app->snap.notes[i].id == tui_correcting.id)
				return app->snap.notes[i].text;
		for (size_t i = 0; !tui_correcting.note &&
		    i < app->snap.n_actions; i++)
			if (app->snap.actions[i].id == tui_correcting.id)
				return app->snap.actions[i].text;
		return NULL;
	default:
		s = mdt_snapshot_slot(&app->snap, tui_correcting.slot_id);
		return s != NULL ? s->reason : NULL;
	}
}

/* Saves the correction; said, or refused with the store's reason (the
 * prompt stays open). */
static bool
tui_correct_submit(struct tui_app *app, const char *text)
{
	const char *now = tui_correct_now(app), *what;
	bool same = strcmp(now != NULL ? now : "", text) == 0;
	enum mdt_status st;

	switch (tui_correcting.act) {
	case TUI_ACT_TITLE:
		what = "Title";
		st = mdt_meeting_set_title(app->store, app->meeting_id, text);
		break;
	case TUI_ACT_VENUE:
		what = "Venue";
		st = mdt_meeting_set_venue(app->store, app->meeting_id, text);
		break;
	case TUI_ACT_EDIT:
		st = tui_correcting.note ? mdt_note_edit(app->store,
		    tui_correcting.id, text) : mdt_action_edit(app->store,
		    tui_correcting.id, text);
		if (!tui_app_check(app, st))
			return false;
		tui_app_message(app, false, "%s", same ? "Unchanged: nothing"
		    " saved" : tui_correcting.note ? "Note corrected (the"
		    " original is kept): it will be sent again" : "Action"
		    " corrected (the original is kept): it will be sent again");
		return true;
	default:
		what = "Reason";
		st = mdt_slot_set_reason(app->store, tui_correcting.slot_id,
		    text);
		break;
	}
	if (!tui_app_check(app, st))
		return false;
	if (same)
		tui_app_message(app, false, "%s unchanged: nothing saved",
		    what);
	else
		tui_app_message(app, false, "%s corrected: it will be sent to"
		    " the central record again", what);
	return true;
}

bool
tui_correct_meeting(struct tui_app *app, enum tui_action act)
{
	if (act != TUI_ACT_TITLE && act != TUI_ACT_VENUE)
		return false;
	tui_correcting.act = act;
	tui_correct_open(app, act == TUI_ACT_TITLE ? "Meeting title: " :
	    "Venue (blank for none): ", tui_correct_now(app));
	return true;
}

void
tui_correct_reason(struct tui_app *app, const struct mdt_slot *s)
{
	tui_correcting.act = TUI_ACT_REASON;
	tui_correcting.slot_id = s->id;
	tui_correct_open(app, "Reason for discussion: ", s->reason);
}

/* ---- the slot's notes and actions ----------------------------------- */

/* The selected note (when the notes are selected) or action, made the
 * one being corrected; its text, or NULL after saying why there is none. */
static const char *
tui_correct_target(struct tui_app *app)
{
	const struct mdt_slot *s;
	const struct mdt_note *nt;
	const struct mdt_action *ac;

	tui_correcting.act = TUI_ACT_EDIT;
	tui_correcting.note = app->slot_notes_focus;
	if (app->slot_notes_focus) {
		if ((nt = tui_slot_selected_note(app)) == NULL)
			return NULL;
		tui_correcting.id = nt->id;
		return nt->text;
	}
	if ((ac = tui_slot_selected(app, false, &s)) == NULL)
		return NULL;
	tui_correcting.id = ac->id;
	return ac->text;
}

/* E: the selected note's or action's text, to be edited. */
void
tui_correct_selected(struct tui_app *app)
{
	const char *text = tui_correct_target(app);

	if (text != NULL)
		tui_correct_open(app, tui_correcting.note ? "Note (corrected): "
		    : "Action (corrected): ", text);
}

static void
tui_withdraw_confirmed(struct tui_app *app)
{
	enum mdt_status st = tui_correcting.note ?
	    mdt_note_withdraw(app->store, tui_correcting.id) :
	    mdt_action_withdraw(app->store, tui_correcting.id);

	if (!tui_app_check(app, st))
		return;
	tui_app_message(app, false, "%s withdrawn: kept as entered in error,"
	    " and the central record told", tui_correcting.note ? "Note" :
	    "Action");
}

/* W: the selected note or action withdrawn, asked first. */
void
tui_withdraw_selected(struct tui_app *app)
{
	if (tui_correct_target(app) == NULL)
		return;
	tui_confirm_open(app, tui_correcting.note ? "Withdraw this note as"
	    " entered in error (it is kept, marked so)? (y/n)" : "Withdraw"
	    " this action as entered in error (it is kept, marked so)? (y/n)",
	    tui_withdraw_confirmed);
}
