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
#include <stdint.h>

#include "keys.h"

struct tui_app;

/* Draws rows [top, top + rows) of the full width. */
typedef void tui_draw_fn(struct tui_app *app, int top, int rows);
/* Returns false if the action means nothing here. */
typedef bool tui_key_fn(struct tui_app *app, enum tui_action act);
/* Entering or leaving the screen. */
typedef void tui_step_fn(struct tui_app *app);

struct tui_screen_ops {
	const char *title;
	enum tui_action go;	/* the key that opens it; TUI_ACT_NONE */
	tui_draw_fn *draw;
	tui_key_fn *key;
	tui_step_fn *enter;	/* NULL if nothing to do */
	tui_step_fn *leave;	/* NULL if nothing to do */
};

/* Each screen's row of ops, which it declares itself and console.c's
 * table of the screens holds, and the parts it is made of. */

/* Agenda (screen_agenda.c) */
extern const struct tui_screen_ops tui_agenda_screen;
tui_draw_fn tui_agenda_draw;
tui_key_fn tui_agenda_key;
tui_step_fn tui_agenda_enter;

/* Register (screen_register.c) */
extern const struct tui_screen_ops tui_register_screen;
tui_draw_fn tui_register_draw;
tui_key_fn tui_register_key;

/* Slot (screen_slot.c; drawn by screen_slot_draw.c) */
extern const struct tui_screen_ops tui_slot_screen;
tui_draw_fn tui_slot_draw;
tui_key_fn tui_slot_key;
tui_step_fn tui_slot_enter;

/* Summary (screen_summary.c) */
extern const struct tui_screen_ops tui_summary_screen;
tui_draw_fn tui_summary_draw;
tui_key_fn tui_summary_key;
tui_step_fn tui_summary_enter;

/* Sync (screen_sync.c) */
extern const struct tui_screen_ops tui_sync_screen;
tui_draw_fn tui_sync_draw;
tui_key_fn tui_sync_key;
/* What the central record said of an action, for a line under it. */
struct tui_record_mark {
	bool conflict;		/* closed there, a change here not sent */
	bool applied;		/* its status was taken from there */
	const char *status;	/* the Task's status there */
	int64_t modified;	/* when it changed there, ms */
	const char *owner;	/* the owner named there (escaped); NULL */
	const char *ours;	/* the owner here */
};

/* "updated from the record DAY", "record: owner NAME", or CONFLICT
 * (with K and R when keys_here, else where to settle it), joined by
 * "; " into out; false if the record says nothing of note. */
bool tui_record_line(const struct tui_record_mark *m, bool keys_here,
    char *out, size_t len);

/* After the sync engine changed: true if a pull ended since last seen
 * (the snapshot is read again, and what a pull asked for with p took is
 * said on the message line). */
bool tui_sync_pull_seen(struct tui_app *app);

/* Preparation (screen_prep.c) */
extern const struct tui_screen_ops tui_prep_screen;
tui_draw_fn tui_prep_draw;
tui_key_fn tui_prep_key;
tui_step_fn tui_prep_enter;

/* Actions (screen_actions.c) */
extern const struct tui_screen_ops tui_acts_screen;
tui_draw_fn tui_acts_draw;
tui_key_fn tui_acts_key;
tui_step_fn tui_acts_enter;
tui_step_fn tui_acts_leave;

/* Projector (screen_present.c) */
extern const struct tui_screen_ops tui_present_screen;
tui_draw_fn tui_present_draw;
tui_key_fn tui_present_key;

/* Before "next": if the current slot has carried-forward actions without
 * a verdict, asks whether to move on anyway and returns true (the answer
 * does the rest); false to move on as usual. */
bool tui_slot_check_next(struct tui_app *app);

/* Asks for a patient added on the day (NHS number, name, date of birth,
 * practice, reason) and puts them at the end of the agenda. */
void tui_prep_add_on_day(struct tui_app *app);

/* Asks about the death of the patient with NHS number nhs (date, place,
 * expected, and keep or cancel their open_actions, if any) and records it
 * (prep_died.c). */
void tui_prep_died(struct tui_app *app, const char *nhs, int open_actions);

/* Asks the consent asked before the meeting of the patient with NHS
 * number nhs (answer, who asked, when, and what the answer needs) and
 * records it (prep_consent.c). */
void tui_prep_consent(struct tui_app *app, const char *nhs);

/* The joined-up plan (screen_plan.c): a panel of its own, opened on the
 * patient (patient_id, name) from the screen from, which L goes back
 * to. */
extern const struct tui_screen_ops tui_plan_screen;
tui_draw_fn tui_plan_draw;
tui_key_fn tui_plan_key;
void tui_plan_open(struct tui_app *app, int64_t patient_id, const char *name,
    enum tui_screen_id from);
/* The slot just started opens on its patient's plan, when active: true
 * if it did. */
bool tui_plan_slot_opens(struct tui_app *app);
/* Closing the case of the slot whose patient's plan has problems open:
 * asks why (the plan then ends with it, and the case closes) and returns
 * true; false when there is nothing to ask. */
bool tui_plan_close_asks(struct tui_app *app, int64_t slot_id);

/* R on the preparation screen: a referral raised, asked in turn
 * (prep_refer.c). */
void tui_prep_refer(struct tui_app *app);

#endif
