/*
 * screens.h - the four screens of the chair's console, each an ops table
 * that the application calls: draw the screen into the rows between the
 * top bar and the message line, handle an action the key table resolved,
 * and note entering or leaving the screen.
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

extern const struct tui_screen_ops tui_screen_agenda;
extern const struct tui_screen_ops tui_screen_register;
extern const struct tui_screen_ops tui_screen_slot;
extern const struct tui_screen_ops tui_screen_summary;
extern const struct tui_screen_ops tui_screen_sync;
extern const struct tui_screen_ops tui_screen_prep;
extern const struct tui_screen_ops tui_screen_actions;
extern const struct tui_screen_ops tui_screen_present;

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
