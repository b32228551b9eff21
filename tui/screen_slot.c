/*
 * screen_slot.c - one patient's slot: who the patient is, the big clock in
 * the green / amber / red band (said in words too), consent, notes, the
 * patient's actions and the outcome.
 *
 * It shows the current slot of the meeting (from the store), or a slot
 * opened from the agenda.  Recording follows the meeting's rule: consent
 * first (c: the basis, a justification when it needs one, and the
 * organisations the patient asked to exclude), then notes (w), actions
 * (a: text, owner, due date) and the outcome (o); the reason the patient
 * is discussed can be corrected (e), and the discussion tagged with its
 * themes (t).  Tab moves the selection between
 * the notes and the actions: Enter reads the selected one whole, E edits
 * its text and W withdraws it (core/ keeps the original).  Each step that
 * saves
 * is one committed core call; the steps before it live only in the prompt
 * being typed.
 *
 * The actions listed are those agreed now and the patient's open ones
 * carried forward from earlier meetings.  Each carried-forward action is
 * reviewed here, never dropped: done (d), still open (v), reassigned (r)
 * or cancelled (x), and moving on (n) with some not reviewed asks first.
 *
 * This file holds the screen's keys and ops table; drawing it is
 * screen_slot_draw.c's, its forms screen_slot_forms.c's, and what they
 * share screen_slot_model.c's.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "app.h"
#include "correct.h"
#include "draw.h"
#include "input.h"
#include "screen_slot.h"
#include "list.h"
#include "screens.h"

/* The screen, as the console's table of the screens holds it. */
const struct tui_screen_ops tui_slot_screen = {
	.title = "Slot", .go = TUI_ACT_GO_SLOT,
	.draw = tui_slot_draw, .key = tui_slot_key,
	.enter = tui_slot_enter,
};

static void
tui_slot_next_anyway(struct tui_app *app)
{
	tui_app_chair(app, TUI_ACT_SLOT_NEXT);
}

/*
 * n closes the current slot.  Its carried-forward actions without a
 * verdict stay open (nothing is lost), but the chair is asked before
 * moving on, since the point of carrying them forward was to review them.
 * Returns false to let the application move on as usual.
 */
bool
tui_slot_check_next(struct tui_app *app)
{
	const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);
	enum mdt_status st;
	char question[160];
	int n = 0;

	if (cur == NULL || cur->state == MDT_SLOT_DONE)
		return false;
	/* Asked of the store, not the snapshot: the verdicts may have been
	 * given in another window a moment ago. */
	st = mdt_slot_unreviewed_actions(app->store, cur->id, &n);
	if (st != MDT_OK) {
		tui_app_message(app, true, "%s", mdt_store_error(app->store));
		return true;
	}
	if (n == 0)
		return false;
	snprintf(question, sizeof(question), "%d carried-forward action%s "
	    "not reviewed. Move on anyway? (y/n)", n, n == 1 ? "" : "s");
	tui_confirm_open(app, question, tui_slot_next_anyway);
	return true;
}

/* The slot's keys: whether they wait for consent, and the form they open
 * on the slot acted on, or what they do to its selected action. */
static const struct {
	enum tui_action act;
	bool need_consent;
	void (*open)(struct tui_app *app, const struct mdt_slot *s);
	void (*on_action)(struct tui_app *app, const struct mdt_slot *s,
	    const struct mdt_action *ac);
} tui_slot_forms[] = {
	{ TUI_ACT_CONSENT, false, tui_slot_consent, NULL },
	{ TUI_ACT_NOTE, true, tui_slot_note, NULL },
	{ TUI_ACT_ACTION_NEW, true, tui_slot_action_new, NULL },
	{ TUI_ACT_OUTCOME, false, tui_slot_outcome, NULL },
	{ TUI_ACT_KEY_CONTACT, false, tui_slot_key_contact, NULL },
	{ TUI_ACT_REASON, false, tui_correct_reason, NULL },
	{ TUI_ACT_THEMES, false, tui_slot_themes, NULL },
	{ TUI_ACT_ACTION_DONE, false, NULL, tui_action_toggle },
	{ TUI_ACT_ACTION_CANCEL, true, NULL, tui_action_cancel },
	{ TUI_ACT_ACTION_KEEP, true, NULL, tui_action_keep },
	{ TUI_ACT_ACTION_REASSIGN, true, NULL, tui_action_reassign },
};

#define TUI_N(a) (sizeof(a) / sizeof((a)[0]))

/* Tab: the selection moves between the notes and the actions. */
static void
tui_slot_focus(struct tui_app *app)
{
	const struct mdt_slot *s = tui_slot_target(app, false);
	size_t idx[TUI_MAX_SLOT_NOTES];

	if (s == NULL)
		return;
	if (!app->slot_notes_focus &&
	    tui_slot_notes(app, s, idx, TUI_MAX_SLOT_NOTES) == 0) {
		tui_app_message(app, true, "No note here yet: press w to"
		    " write one");
		return;
	}
	app->slot_notes_focus = !app->slot_notes_focus;
	/* the latest note first, as it was the one in view */
	if (app->slot_notes_focus)
		app->slot_note_sel = SIZE_MAX;
	tui_app_message(app, false, "%s selected: Enter reads whole, E edits,"
	    " W withdraws, Tab %s", app->slot_notes_focus ? "Notes" :
	    "Actions", app->slot_notes_focus ? "the actions" : "the notes");
}

/* Enter: the selected note or action, read whole. */
static void
tui_slot_read(struct tui_app *app)
{
	const struct mdt_slot *s;
	const struct mdt_note *nt;
	const struct mdt_action *ac;
	char when[16], title[96];

	if (app->slot_notes_focus) {
		if ((nt = tui_slot_selected_note(app)) == NULL)
			return;
		tui_fmt_hhmm(nt->created_at, when, sizeof(when));
		snprintf(title, sizeof(title), "Note written at %s", when);
		tui_reader_open(app, title, nt->text);
		return;
	}
	if ((ac = tui_slot_selected(app, false, &s)) == NULL)
		return;
	snprintf(title, sizeof(title), "Action, due %s", ac->due_date);
	tui_reader_open(app, title, ac->text);
}

/* The keys of the selected action, while the notes are selected. */
static bool
tui_slot_on_action(enum tui_action act)
{
	return act == TUI_ACT_ACTION_DONE || act == TUI_ACT_ACTION_CANCEL ||
	    act == TUI_ACT_ACTION_KEEP || act == TUI_ACT_ACTION_REASSIGN;
}

bool
tui_slot_key(struct tui_app *app, enum tui_action act)
{
	const struct mdt_slot *s;
	const struct mdt_action *ac;

	/* the selection is clamped when drawn */
	if (tui_list_move(act, app->slot_notes_focus ? &app->slot_note_sel :
	    &app->slot_action_sel, SIZE_MAX, 5))
		return true;
	switch (act) {
	case TUI_ACT_SLOT_FOCUS:
		tui_slot_focus(app);
		return true;
	case TUI_ACT_NOTE_READ:
		tui_slot_read(app);
		return true;
	case TUI_ACT_EDIT:
		tui_correct_selected(app);
		return true;
	case TUI_ACT_WITHDRAW:
		tui_withdraw_selected(app);
		return true;
	case TUI_ACT_PLAN:
		if ((s = tui_slot_target(app, false)) != NULL)
			tui_plan_open(app, s->patient_id, s->patient_name,
			    TUI_SCREEN_SLOT);
		return true;
	default:
		break;
	}
	if (app->slot_notes_focus && tui_slot_on_action(act)) {
		tui_app_message(app, true, "The notes are selected: Tab selects"
		    " the actions");
		return true;
	}
	for (size_t i = 0; i < TUI_N(tui_slot_forms); i++) {
		bool consent = tui_slot_forms[i].need_consent;

		if (tui_slot_forms[i].act != act)
			continue;
		if (tui_slot_forms[i].open != NULL) {
			if ((s = tui_slot_target(app, consent)) != NULL)
				tui_slot_forms[i].open(app, s);
		} else if ((ac = tui_slot_selected(app, consent, &s)) != NULL)
			tui_slot_forms[i].on_action(app, s, ac);
		return true;
	}
	if (act == TUI_ACT_SLOT_NEXT)
		return tui_slot_check_next(app);
	return false;
}

/* The slot in view is shown with its actions selected.  A note left half
 * typed there (the console stopped while it was typed) is said, and put
 * back in the note prompt by w: never opened unasked, where keys pressed
 * blind would type into it. */
void
tui_slot_enter(struct tui_app *app)
{
	app->slot_action_sel = 0;
	app->slot_notes_focus = false;
}
