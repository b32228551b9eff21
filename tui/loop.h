/*
 * loop.h - running the chair's console on the terminal (loop.c): what it
 * opens, and tui_run, which holds the terminal and the event loop until
 * the chair quits.
 */
#ifndef TUI_LOOP_H
#define TUI_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct mdt_store;
struct sync_config;

/* What tui_run opens. */
enum tui_mode {
	TUI_MODE_CHAIR,		/* chairing: the meeting is marked open */
	TUI_MODE_PREPARE,	/* the agenda preparation; meeting untouched */
	TUI_MODE_PRESENT,	/* the projector's read-only view */
};

/* Runs the chair's screens on the terminal until the chair quits.  Returns
 * the process exit status: 0 on a normal quit, 1 on a fatal error (after
 * restoring the terminal, with a one-line message on stderr).  With a sync
 * configuration (NULL: not set up, config_path is where it would be), the
 * outbox is delivered in the background on the same loop.  In PREPARE
 * mode the screens open on the agenda preparation and the meeting is not
 * marked open.  In PRESENT mode only the projector's view is shown: it
 * writes nothing to the store, runs no delivery (sync is ignored) and
 * masks patients unless unmask. */
int tui_run(struct mdt_store *store, int64_t meeting_id,
    const struct sync_config *sync, const char *config_path,
    enum tui_mode mode, bool unmask);

#endif
