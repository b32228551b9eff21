/*
 * picker.h - choosing a person: the one people picker of every screen
 * (an action's owner, the key contact, the presenter, someone added to
 * the register on the day), and the questions that add someone new.
 *
 * Every people picker has the same order: those in the room first
 * (marked present and not left), then everyone else known, each part in
 * name order.  A row reads "Name (role, organisation)", and is found by
 * typing part of any of the three (see tui_picker_open).
 */
#ifndef TUI_PICKER_H
#define TUI_PICKER_H

#include <stdint.h>

#include "input.h"

struct tui_app;

/* What a person's row adds after their name (e.g. "excluded by the
 * patient"); "" for nothing. */
typedef const char *(*tui_person_mark_fn)(struct tui_app *app,
    int64_t person_id);

enum {
	TUI_PEOPLE_NEW = 1u << 0,	/* someone new may be added */
	TUI_PEOPLE_OFF_REGISTER = 1u << 1,	/* only those not on the
						 * meeting's register */
};

/*
 * Opens the people picker titled title; pick gets the person chosen (a
 * new one once added).  keep_id (0: none) is selected first; mark may be
 * NULL.  Returns the number of people offered.
 */
size_t tui_people_picker(struct tui_app *app, const char *title,
    tui_pick_fn pick, unsigned flags, tui_person_mark_fn mark,
    int64_t keep_id);

/* Asks a new person's name (typed offered), organisation and role, adds
 * them (the input policy applies) and calls then with their id. */
void tui_person_new(struct tui_app *app, const char *typed, tui_pick_fn then);

#endif
