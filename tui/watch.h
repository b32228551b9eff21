/*
 * watch.h - hearing the commits of other windows and commands on the
 * same database (watch.c): a projector view, a second note-taker,
 * `mdtchair actions done` in another terminal.
 */
#ifndef TUI_WATCH_H
#define TUI_WATCH_H

#include <stdbool.h>

#include <uv.h>

struct mdt_store;

struct tui_watch {
	uv_fs_event_t wal;		/* the database's write-ahead log */
	uv_timer_t timer;		/* looks again after a wal event, or
					 * polls if wal cannot be watched */
	int rechecks;			/* looks again left after a wal event */
	uint64_t own_commits;		/* the store's commits when last seen */
	uint64_t own_at;		/* the loop's time one was seen */
	bool polling;
	struct mdt_store *store;
	void (*changed)(void *ctx);	/* another connection committed */
	void *ctx;
};

/*
 * Starts listening on loop (the caller zeroed w): changed(ctx) runs once
 * a commit of another connection to store is visible.  0, or a libuv
 * error (the handles made so far are closed by tui_watch_close).
 */
int tui_watch_start(struct tui_watch *w, uv_loop_t *loop,
    struct mdt_store *store, void (*changed)(void *ctx), void *ctx);
/* Closes the handles; they are gone once the loop has run their close
 * callbacks. */
void tui_watch_close(struct tui_watch *w);

#endif
