/*
 * correct.h - correcting the text of the record from the console
 * (correct.c): the meeting's title and venue (T and V on the agenda and
 * the summary) and a slot's reason (e on the slot screen).
 */
#ifndef TUI_CORRECT_H
#define TUI_CORRECT_H

#include <stdbool.h>

#include "keys.h"

struct tui_app;
struct mdt_slot;

/* Each opens a prompt holding the text as it is, to be edited: the
 * meeting's title or venue (act TUI_ACT_TITLE or TUI_ACT_VENUE; false for
 * any other act), the reason of slot s. */
bool tui_correct_meeting(struct tui_app *app, enum tui_action act);
void tui_correct_reason(struct tui_app *app, const struct mdt_slot *s);
/* E and W on the slot screen: the selected note (when the notes are
 * selected) or action, its text edited, or withdrawn (asked first). */
void tui_correct_selected(struct tui_app *app);
void tui_withdraw_selected(struct tui_app *app);

#endif
