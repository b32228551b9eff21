/*
 * screen_slot.h - the parts of the slot screen (not for other screens):
 * screen_slot.c (its keys), screen_slot_draw.c (drawing it: its
 * tui_slot_draw is declared in screens.h with the keys),
 * screen_slot_forms.c (its forms), screen_slot_model.c (what they
 * share) and correct.c (corrections).
 */
#ifndef TUI_SCREEN_SLOT_H
#define TUI_SCREEN_SLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mdt.h"

struct tui_app;

#define TUI_MAX_SLOT_ACTIONS 512
#define TUI_MAX_SLOT_NOTES 512

/* What the multi-step entry under way is (app->pending_kind). */
enum {
	TUI_PENDING_NONE,
	TUI_PENDING_CONSENT,
	TUI_PENDING_NOTE,
	TUI_PENDING_ACTION,
	TUI_PENDING_OUTCOME,
	TUI_PENDING_KEY_CONTACT,
	TUI_PENDING_ACTION_CANCEL,
	TUI_PENDING_ACTION_REASSIGN,
	TUI_PENDING_THEMES,
};

/* ---- screen_slot_model.c -------------------------------------------- */

/* "Acme Care, Borough Housing" into buf (truncated). */
void tui_names_join(char *const *names, size_t n, char *buf, size_t len);
/* The patient's actions in the snapshot, as indices into snap.actions. */
size_t tui_slot_actions(const struct tui_app *app,
    const struct mdt_slot *slot, size_t *idx, size_t max);
/* An action agreed in an earlier meeting, to be reviewed here. */
bool tui_action_carried(const struct mdt_action *ac);
/* A verdict as the chair says it. */
const char *tui_verdict_text(enum mdt_action_verdict v);
/* Starts an entry of this kind on slot s. */
void tui_slot_begin(struct tui_app *app, const struct mdt_slot *s,
    int kind);
/* The slot of the entry under way; NULL if it is gone. */
const struct mdt_slot *tui_slot_pending(const struct tui_app *app);
/* Consent is recorded, or a death: notes and actions may be recorded. */
bool tui_slot_discussed(const struct mdt_slot *s);
/* The slot to act on, or NULL after saying why there is none. */
const struct mdt_slot *tui_slot_target(struct tui_app *app,
    bool need_consent);
/* Puts the selection on the action with this id, if the slot shows it. */
void tui_slot_select_action(struct tui_app *app, int64_t action_id);
/* The slot's notes in the snapshot, as indices into snap.notes. */
size_t tui_slot_notes(const struct tui_app *app, const struct mdt_slot *slot,
    size_t *idx, size_t max);
/* The selected note of the slot in view; NULL (after saying why) if
 * there is none. */
const struct mdt_note *tui_slot_selected_note(struct tui_app *app);
/* The selected action of the slot in view (need_consent: it waits for
 * consent); NULL after saying why there is none (screen_slot_forms.c). */
const struct mdt_action *tui_slot_selected(struct tui_app *app,
    bool need_consent, const struct mdt_slot **slot);
/* Opens the note prompt on slot s with its draft, if it has one (the
 * note being typed when the console stopped); false if none. */
bool tui_slot_note_restore(struct tui_app *app, const struct mdt_slot *s);
/* Keeps what was typed of a note since its draft was last kept, once a
 * second has passed (the slot screen calls it as it is drawn). */
void tui_slot_draft_flush(struct tui_app *app);

/* ---- screen_slot_forms.c: each opens its form on slot s ------------- */

void tui_slot_consent(struct tui_app *app, const struct mdt_slot *s);
void tui_slot_note(struct tui_app *app, const struct mdt_slot *s);
void tui_slot_action_new(struct tui_app *app, const struct mdt_slot *s);
void tui_slot_outcome(struct tui_app *app, const struct mdt_slot *s);
void tui_slot_key_contact(struct tui_app *app, const struct mdt_slot *s);
/* screen_slot_themes.c */
void tui_slot_themes(struct tui_app *app, const struct mdt_slot *s);

/* ... and on the selected action ac of the slot s in view (d waits for
 * consent only on a carried-forward action, the others always) */
void tui_action_toggle(struct tui_app *app, const struct mdt_slot *s,
    const struct mdt_action *ac);	/* d */
void tui_action_cancel(struct tui_app *app, const struct mdt_slot *s,
    const struct mdt_action *ac);	/* x */
void tui_action_keep(struct tui_app *app, const struct mdt_slot *s,
    const struct mdt_action *ac);	/* v */
void tui_action_reassign(struct tui_app *app, const struct mdt_slot *s,
    const struct mdt_action *ac);	/* r */

#endif
