/*
 * screens.h - the screens of the chair's console, each a row of ops in
 * the console's table of the screens (console.c), which the application
 * calls: draw the screen into the rows between the top bar and the
 * message line, handle an action the key table resolved, and note
 * entering or leaving the screen.
 */
#ifndef TUI_SCREENS_H
#define TUI_SCREENS_H

#include <stdbool.h>

#include "keys.h"

struct tui_app;

struct tui_screen_ops {
	const char *title;
	/* Draws rows [top, top + rows) of the full width. */
	void (*draw)(struct tui_app *app, int top, int rows);
	/* Returns false if the action means nothing here. */
	bool (*key)(struct tui_app *app, enum tui_action act);
	void (*enter)(struct tui_app *app);
	void (*leave)(struct tui_app *app);
};

/* Each screen's parts, which console.c's table of the screens holds. */

/* Agenda (screen_agenda.c) */
void tui_agenda_draw(struct tui_app *app, int top, int rows);
bool tui_agenda_key(struct tui_app *app, enum tui_action act);
void tui_agenda_enter(struct tui_app *app);

/* Register (screen_register.c) */
void tui_register_draw(struct tui_app *app, int top, int rows);
bool tui_register_key(struct tui_app *app, enum tui_action act);

/* Slot (screen_slot.c; drawn by screen_slot_draw.c) */
void tui_slot_draw(struct tui_app *app, int top, int rows);
bool tui_slot_key(struct tui_app *app, enum tui_action act);
void tui_slot_enter(struct tui_app *app);

/* Summary (screen_summary.c) */
void tui_summary_draw(struct tui_app *app, int top, int rows);
bool tui_summary_key(struct tui_app *app, enum tui_action act);
void tui_summary_enter(struct tui_app *app);

/* Sync (screen_sync.c) */
void tui_sync_draw(struct tui_app *app, int top, int rows);
bool tui_sync_key(struct tui_app *app, enum tui_action act);

/* Preparation (screen_prep.c) */
void tui_prep_draw(struct tui_app *app, int top, int rows);
bool tui_prep_key(struct tui_app *app, enum tui_action act);

/* Actions (screen_actions.c) */
void tui_acts_draw(struct tui_app *app, int top, int rows);
bool tui_acts_key(struct tui_app *app, enum tui_action act);
void tui_acts_enter(struct tui_app *app);
void tui_acts_leave(struct tui_app *app);

/* Projector (screen_present.c) */
void tui_present_draw(struct tui_app *app, int top, int rows);
bool tui_present_key(struct tui_app *app, enum tui_action act);

/* Before "next": if the current slot has carried-forward actions without
 * a verdict, asks whether to move on anyway and returns true (the answer
 * does the rest); false to move on as usual. */
bool tui_slot_check_next(struct tui_app *app);

/* Asks for a patient added on the day (NHS number, name, date of birth,
 * practice, reason) and puts them at the end of the agenda. */
void tui_prep_add_on_day(struct tui_app *app);

/* Keeps *sel inside [0, n) and *top so that the selection is visible in a
 * list of rows rows; shared by the scrolling lists. */
void tui_list_clamp(size_t n, size_t rows, size_t *sel, size_t *top);

#endif
