/*
 * screen_slot_model.c - what the parts of the slot screen share: the slot
 * acted on (the one in view, with its consent checked where the act needs
 * it), the patient's actions listed with it and the selection among them,
 * whether an action was carried forward and its verdict in words, the
 * slot's notes and the one selected, and the multi-step entry under way
 * (the pending fields of struct tui_app).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "screen_slot.h"

/* "Acme Care, Borough Housing" into buf (truncated). */
void
tui_names_join(char *const *names, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i > 0 ? ", " : "", names[i]);
}

/* The indices of the elements of arr (n of size bytes) whose int64_t at
 * offset off is want, at most max into idx; how many. */
static size_t
pick(const void *arr, size_t n, size_t size, size_t off, int64_t want,
    size_t *idx, size_t max)
{
	const char *p = arr;
	size_t k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		int64_t v;

		memcpy(&v, p + i * size + off, sizeof(v));
		if (v == want)
			idx[k++] = i;
	}
	return k;
}

_Static_assert(sizeof(((struct mdt_action *)0)->patient_id) ==
    sizeof(int64_t), "pick reads an int64_t");
_Static_assert(sizeof(((struct mdt_note *)0)->slot_id) == sizeof(int64_t),
    "pick reads an int64_t");

/* The patient's actions in the snapshot, as indices into snap.actions. */
size_t
tui_slot_actions(const struct tui_app *app, const struct mdt_slot *slot,
    size_t *idx, size_t max)
{
	return pick(app->snap.actions, app->snap.n_actions,
	    sizeof(struct mdt_action), offsetof(struct mdt_action, patient_id),
	    slot->patient_id, idx, max);
}

/*
 * An action agreed in an earlier meeting: the snapshot gives it slot_id 0.
 * Such an action came forward to this slot and must be reviewed here
 * (done, still open, reassigned or cancelled) rather than dropped.
 */
bool
tui_action_carried(const struct mdt_action *ac)
{
	return ac->slot_id == 0;
}

/* A verdict as the chair says it: core's word, but for the two a chair
 * says otherwise. */
const char *
tui_verdict_text(enum mdt_action_verdict v)
{
	if (v == MDT_VERDICT_NONE)
		return "to review";
	if (v == MDT_VERDICT_OPEN)
		return "still open";
	return mdt_action_verdict_name(v);
}

void
tui_slot_begin(struct tui_app *app, const struct mdt_slot *s, int kind)
{
	app->pending_slot_id = s->id;
	app->pending_kind = kind;
	app->pending_id = 0;
	app->pending_text[0] = '\0';
}

const struct mdt_slot *
tui_slot_pending(const struct tui_app *app)
{
	return mdt_snapshot_slot(&app->snap, app->pending_slot_id);
}

/* Consent is recorded, or a death (a dead patient cannot consent): what
 * notes, actions and reviews wait for, as core/ rules. */
bool
tui_slot_discussed(const struct mdt_slot *s)
{
	return s->consent != MDT_CONSENT_NONE ||
	    s->outcome == MDT_OUTCOME_DIED;
}

/* The slot to act on, or NULL after saying why there is none. */
const struct mdt_slot *
tui_slot_target(struct tui_app *app, bool need_consent)
{
	const struct mdt_slot *s = tui_app_view_slot(app);

	if (s == NULL) {
		tui_app_message(app, true,
		    "No slot is running: press n to start the next slot");
		return NULL;
	}
	if (need_consent && !tui_slot_discussed(s)) {
		tui_app_message(app, true, "Record consent first: press c");
		return NULL;
	}
	return s;
}

/* The slot in view (into *slot) and its rows that list finds, at most max
 * into idx: how many; 0 after saying why, empty when it has none. */
static size_t
tui_slot_rows(struct tui_app *app, const struct mdt_slot **slot,
    size_t (*list)(const struct tui_app *app, const struct mdt_slot *s,
    size_t *idx, size_t max), size_t *idx, size_t max, const char *empty)
{
	size_t n;

	if ((*slot = tui_slot_target(app, false)) == NULL)
		return 0;
	if ((n = list(app, *slot, idx, max)) == 0)
		tui_app_message(app, true, "%s", empty);
	return n;
}

/*
 * The slot and its selected action to act on, or NULL after saying why
 * there is none.  Reviewing a carried-forward action is part of the
 * discussion, so it waits for consent like a note; so do cancelling and
 * reassigning (an action agreed now implies consent anyway).
 */
const struct mdt_action *
tui_slot_selected(struct tui_app *app, bool need_consent,
    const struct mdt_slot **slot)
{
	size_t idx[TUI_MAX_SLOT_ACTIONS];
	size_t n = tui_slot_rows(app, slot, tui_slot_actions, idx,
	    TUI_MAX_SLOT_ACTIONS, "No action here: press a to agree one");

	if (n == 0)
		return NULL;
	if (need_consent && !tui_slot_discussed(*slot)) {
		tui_app_message(app, true, "Record consent first: press c");
		return NULL;
	}
	if (app->slot_action_sel >= n)
		app->slot_action_sel = n - 1;
	return &app->snap.actions[idx[app->slot_action_sel]];
}

/* Puts the selection on the action with this id, if the slot shows it. */
void
tui_slot_select_action(struct tui_app *app, int64_t action_id)
{
	const struct mdt_slot *s = tui_app_view_slot(app);
	size_t idx[TUI_MAX_SLOT_ACTIONS], n;

	if (s == NULL)
		return;
	n = tui_slot_actions(app, s, idx, TUI_MAX_SLOT_ACTIONS);
	for (size_t k = 0; k < n; k++) {
		if (app->snap.actions[idx[k]].id == action_id) {
			app->slot_action_sel = k;
			return;
		}
	}
}

/* The slot's notes in the snapshot, as indices into snap.notes. */
size_t
tui_slot_notes(const struct tui_app *app, const struct mdt_slot *slot,
    size_t *idx, size_t max)
{
	return pick(app->snap.notes, app->snap.n_notes, sizeof(struct mdt_note),
	    offsetof(struct mdt_note, slot_id), slot->id, idx, max);
}

/* The selected note of the slot in view; NULL (after saying why) if the
 * notes are not selected or there is none. */
const struct mdt_note *
tui_slot_selected_note(struct tui_app *app)
{
	const struct mdt_slot *s;
	size_t idx[TUI_MAX_SLOT_NOTES];
	size_t n = tui_slot_rows(app, &s, tui_slot_notes, idx,
	    TUI_MAX_SLOT_NOTES, "No note here: press w to write one");

	if (n == 0) {
		if (s != NULL)
			app->slot_notes_focus = false;
		return NULL;
	}
	if (app->slot_note_sel >= n)
		app->slot_note_sel = n - 1;
	return &app->snap.notes[idx[app->slot_note_sel]];
}
