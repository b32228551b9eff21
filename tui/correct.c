/*
 * correct.c - correcting the text of the record from the console: the
 * meeting's title and venue, a slot's reason.  A text the central record
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

/* What is being corrected (only one prompt is ever open): the title,
 * the venue or the reason (TUI_ACT_REASON) of this slot. */
static struct {
	enum tui_action act;
	int64_t slot_id;
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
