/*
 * watch.c - hearing the commits of other windows and commands (watch.h),
 * without polling: an inotify watch on the database's write-ahead log
 * (uv_fs_event) wakes the console when the log is written, and SQLite's
 * data_version (mdt_store_changed) tells whether another connection
 * committed.  Where the log cannot be watched (no inotify, no watches
 * left, the log gone), data_version is polled four times a second.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "mdt.h"
#include "watch.h"

/* Another connection's commit is visible: tells the console.  True if
 * there was one. */
static bool
tui_watch_check(struct tui_watch *w)
{
	bool changed = false;

	if (mdt_store_changed(w->store, &changed) == MDT_OK && changed)
		w->changed(w->ctx);
	return changed;
}

/*
 * After a wal event that showed nothing new, look again a little later:
 * a writer without store_wal_hook (the sqlite3 shell, another program)
 * wakes us with its log writes only, before its commit is visible (it is
 * once the fsync that follows is done).  At most three looks, then
 * nothing until the next event.
 */
static void
tui_on_recheck(uv_timer_t *t)
{
	static const uint64_t after_ms[] = { 50, 250, 1000 };
	struct tui_watch *w = t->data;

	if (tui_watch_check(w) || w->rechecks <= 0)
		return;
	w->rechecks--;
	uv_timer_start(&w->timer, tui_on_recheck, after_ms[2 - w->rechecks],
	    0);
}

/* Without the watch: every quarter of a second. */
static void
tui_on_poll(uv_timer_t *t)
{
	tui_watch_check(t->data);
}

static bool tui_watch_wal(struct tui_watch *w);

/*
 * Whether the log's events of this loop turn are this window's own
 * commits: the store counted one since the last event, or did in this
 * turn (one commit writes and touches the log: several events, read
 * together).  Its commits are made on this loop, so their events wait
 * for its next turn.
 */
static bool
tui_watch_own(struct tui_watch *w, uv_loop_t *loop)
{
	uint64_t commits = mdt_store_commits(w->store);

	if (commits != w->own_commits) {
		w->own_commits = commits;
		w->own_at = uv_now(loop);
		return true;
	}
	return w->own_at != 0 && w->own_at == uv_now(loop);
}

/*
 * The log was written or touched (store_wal_hook touches it once a
 * commit is visible).  Our own commits come here too and change nothing:
 * data_version counts other connections' commits only, and the looks
 * again are for others' (a write of ours needs none: the console would
 * otherwise wake three more times after each of its acts and each
 * renewal of its lease).
 */
static void
tui_on_wal(uv_fs_event_t *h, const char *name, int events, int status)
{
	struct tui_watch *w = h->data;

	(void)name;
	if (status < 0 || (events & UV_RENAME)) {
		/* gone or replaced: watch the path afresh, else poll */
		uv_fs_event_stop(h);
		if (status < 0 || !tui_watch_wal(w)) {
			w->polling = true;
			uv_timer_start(&w->timer, tui_on_poll, 250, 250);
		}
	}
	if (!tui_watch_check(w) && !w->polling &&
	    !tui_watch_own(w, uv_handle_get_loop((uv_handle_t *)h))) {
		w->rechecks = 2;
		uv_timer_start(&w->timer, tui_on_recheck, 50, 0);
	}
}

static bool
tui_watch_wal(struct tui_watch *w)
{
	const char *path = mdt_store_wal_path(w->store);

	return path != NULL && uv_fs_event_start(&w->wal, tui_on_wal, path,
	    0) == 0;
}

int
tui_watch_start(struct tui_watch *w, uv_loop_t *loop,
    struct mdt_store *store, void (*changed)(void *ctx), void *ctx)
{
	int r;

	w->store = store;
	w->own_commits = mdt_store_commits(store);
	w->changed = changed;
	w->ctx = ctx;
	r = uv_timer_init(loop, &w->timer);
	if (r < 0)
		return r;
	w->timer.data = w;
	r = uv_fs_event_init(loop, &w->wal);
	if (r < 0)
		return r;
	w->wal.data = w;
	/* No inotify (or no watches left): poll data_version instead. */
	if (!tui_watch_wal(w)) {
		w->polling = true;
		r = uv_timer_start(&w->timer, tui_on_poll, 250, 250);
		if (r < 0)
			return r;
	}
	return 0;
}

void
tui_watch_close(struct tui_watch *w)
{
	if (w->timer.data != NULL && !uv_is_closing((uv_handle_t *)&w->timer))
		uv_close((uv_handle_t *)&w->timer, NULL);
	if (w->wal.data != NULL && !uv_is_closing((uv_handle_t *)&w->wal))
		uv_close((uv_handle_t *)&w->wal, NULL);
}
