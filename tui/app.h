/*
 * app.h - the chair's terminal application: the state the screens share
 * and the calls they make back into the application.
 *
 * The application holds no record of the meeting of its own: after every
 * act it calls core/ (which commits) and reloads a snapshot of the meeting
 * from the store.  What it keeps besides the snapshot is only where the
 * chair is looking (screen, selected rows) and text being typed.
 */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "mdt.h"
#include "sync.h"
#include "input.h"
#include "keys.h"
/* enum tui_mode (the app is opened in one), and tui_run for the
 * program */
#include "loop.h"
/* tui_app_begin, tui_app_key and tui_app_draw, for the program and its
 * tests */
#include "console.h"

struct tui_screen_ops;

struct tui_app {
	struct mdt_store *store;
	int64_t meeting_id;
	struct mdt_snapshot snap;	/* reloaded after every act */
	struct sync_engine *sync;	/* NULL if sync is not set up, or
					 * while it is starting */
	bool sync_starting;		/* libcurl is loading on a worker; the
					 * engine is made when it is done */
	bool sync_now_asked;		/* s was pressed while starting */
	const char *sync_url;		/* the central record, for people */
	const char *quorum;		/* roles that must be present, or NULL */
	const char *practices;		/* the network's member practices,
					 * comma-separated, or NULL */
	int64_t idle_lock_ms;		/* lock after this long idle; 0 never */
	int retention_days;		/* [retention] days; 0 if not set */
	bool locked;			/* the privacy screen is up */
	const char *config_path;	/* where the configuration is read */
	int64_t outbox_pending;
	bool outbox_known;
	uint64_t reloads;		/* counts snapshot reloads: lists kept
					 * by a screen read again when it
					 * moves */

	/* Worked out before each draw. */
	int64_t now;
	int64_t *ends;			/* forecast end of each slot */
	size_t ends_cap;
	int64_t finish;			/* forecast finish of the meeting */
	int64_t planned_end;

	enum tui_mode mode;
	/* The screens by id, set by tui_app_begin (console.c): the app
	 * reaches a screen only through its ops. */
	const struct tui_screen_ops *const *screens;
	bool unmask;			/* present: full names (private screen) */
	enum tui_screen_id screen;
	bool help_open;
	char message[512];
	bool message_error;
	struct tui_input input;

	/* Where the chair is looking; nothing here is part of the record. */
	int64_t view_slot_id;		/* slot screen; 0 = the current slot */
	size_t agenda_sel;
	size_t agenda_top;
	size_t register_sel;
	size_t register_top;
	size_t slot_action_sel;
	bool slot_notes_focus;		/* the selection is among the notes */
	size_t slot_note_sel;		/* of the viewed slot's notes */
	size_t summary_top;
	int64_t sync_from;		/* sync panel: its lists from this
					 * outbox id on (0: from the first) */
	int64_t sync_first, sync_last;	/* the first and last ids it drew */
	size_t sync_shown;		/* and how many rows */
	bool sync_more;			/* rows below that did not fit */
	int64_t pulls_seen;		/* the engine's pulls already shown */
	bool pull_asked;		/* p was pressed: say what it took */

	/* A multi-step entry on the slot screen (e.g. action text, then the
	 * owner, then the due date), until its last step saves it. */
	int64_t pending_slot_id;
	int64_t pending_id;
	int pending_kind;
	char pending_text[4096];

	/* One chair at a time (chair.c): a console that does not hold the
	 * meeting's lease follows it, read-only. */
	bool following;
	struct mdt_lease chair;		/* who chairs, as last seen */
	bool took_from_ended;		/* took the chair from a console on
					 * this machine that had ended */

	bool quit;
	int exit_status;
	char fatal[512];
};

/* Shows a line on the message row (until the next key). */
void tui_app_message(struct tui_app *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reloads the snapshot; on failure keeps the old one and says so. */
bool tui_app_reload(struct tui_app *app);
/* After a core call: reloads, and on failure shows the store's reason.
 * Returns st == MDT_OK. */
bool tui_app_check(struct tui_app *app, enum mdt_status st);
void tui_app_switch(struct tui_app *app, enum tui_screen_id screen);
/* The chairing acts shared by the agenda and slot screens (next, pause,
 * extend, park, previous); false if act is not one of them. */
bool tui_app_chair(struct tui_app *app, enum tui_action act);
/* The slot the slot screen shows: the viewed one, else the current one;
 * NULL if neither. */
const struct mdt_slot *tui_app_view_slot(const struct tui_app *app);
/* Elapsed time on a slot's clock now. */
int64_t tui_app_slot_elapsed(const struct tui_app *app,
    const struct mdt_slot *slot);
/* One dim row of the keys of this screen, from the key table. */
void tui_app_draw_hints(const struct tui_app *app, int y);
/* Where delivery to the central record stands (counts from the outbox
 * when sync is not set up).  With brief, not the sent rows (sent and
 * last_success_at are 0): the status bar's, on every redraw, never counts
 * the whole history's outbox. */
void tui_app_sync_status(struct tui_app *app, struct sync_status *out,
    bool brief);

/* "Quorum not met: no ROLE, ROLE present" into out while the configured
 * quorum's roles are not all among those present; false if met or unset. */
bool tui_quorum_missing(const struct tui_app *app, char *out, size_t len);

/* Starts a delivery pass unless one is running or the engine is backing
 * off; false if sync is not set up. */
bool tui_app_sync_kick(struct tui_app *app);

/* The chair asked: send now, cutting any backoff short; false if sync is
 * not set up. */
bool tui_app_sync_now(struct tui_app *app);

/* A day past typed at a prompt, into day: today (by the store's clock)
 * when nothing is typed, else YYYY-MM-DD not in the future; false after
 * saying bad. */
bool tui_app_past_day(struct tui_app *app, const char *text, char day[11],
    const char *bad);
/* A date typed at a prompt (YYYY-MM-DD or +days; blank: the date blank
 * says, "+14"), into out; false after saying why it is not one. */
bool tui_app_date_typed(struct tui_app *app, const char *text,
    const char *blank, char out[11]);

/* Index of a slot in snap.slots, or -1. */
long tui_app_slot_index(const struct tui_app *app, int64_t slot_id);

#endif
