/*
 * loop.c - running the chair's console on a terminal (tui_run): the libuv
 * loop and the events it waits for, until the chair quits.
 *
 * One thread, one loop.  Keys come from a uv_poll on the terminal's
 * /dev/tty descriptor (term.h), read with wget_wch until ERR because
 * curses buffers bytes of its own.  A one-shot timer, re-armed each time
 * to the next flip of the seconds on screen, redraws the clocks; with no
 * seconds on screen (the meeting not open, the privacy screen up) it
 * wakes once a minute for the forecast, or not at all.  Other windows'
 * commits are heard through an inotify watch on the database's
 * write-ahead log (uv_fs_event), not by polling: an idle console wakes
 * for its clock only.  SIGWINCH, SIGTERM, SIGINT and SIGHUP arrive as
 * uv_signal callbacks on the loop.  After a burst of keys the log is
 * checkpointed in the thread pool.
 *
 * What a key does and what a frame shows is the console's (console.h:
 * tui_app_key, tui_app_draw); this file only feeds it keys and time.
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <uv.h>

#include "app.h"
#include "chair.h"
#include "console.h"
#include "input.h"
#include "keys.h"
#include "loop.h"
#include "screens.h"
#include "sync_start.h"
#include "term.h"
#include "watch.h"

struct tui_loop {
	struct tui_app app;
	uv_loop_t loop;
	uv_poll_t input;
	uv_timer_t tick;
	struct tui_watch watch;		/* other windows' commits */
	uv_timer_t idle;		/* the privacy screen after no key */
	uv_timer_t sync_draw;		/* a redraw for the sync engine's
					 * changes, at most every
					 * TUI_SYNC_DRAW_MS */
	uv_timer_t checkpoint;		/* the log into the database once the
					 * keys stop */
	uv_timer_t lease;		/* the chair's lease renewed */
	uv_work_t checkpoint_job;	/* ... done in the thread pool */
	bool checkpointing;		/* checkpoint_job queued or running */
	struct mdt_store *checkpointer;	/* its own connection, made by the
					 * first job */
	uv_signal_t sig_winch;
	uv_signal_t sig_term;
	uv_signal_t sig_int;
	uv_signal_t sig_hup;
	int open_handles;
	bool loop_ready;
	struct tui_sync_start sync_start;
	struct tui_term term;
	int empty_reads;		/* readable but no key: the tty is gone */
};

static void
tui_draw(struct tui_loop *L)
{
	tui_term_show(&L->term, tui_app_draw(&L->app));
}

static void
tui_stop(struct tui_loop *L)
{
	uv_stop(&L->loop);
}

static void tui_schedule_tick(struct tui_loop *L);

static void
tui_on_idle(uv_timer_t *t)
{
	struct tui_loop *L = t->data;

	L->app.locked = true;
	tui_draw(L);
	tui_schedule_tick(L);
}

/* Every key puts the privacy screen off by the idle time again. */
static void
tui_idle_restart(struct tui_loop *L)
{
	if (L->app.idle_lock_ms > 0 && L->idle.data != NULL)
		uv_timer_start(&L->idle, tui_on_idle,
		    (uint64_t)L->app.idle_lock_ms, 0);
}

/* Pages of log worth a checkpoint when the keys stop (about 1.2 MB); the
 * store still checkpoints at the end of a commit past 4,000 pages. */
#define TUI_CHECKPOINT_PAGES 300
#define TUI_CHECKPOINT_AFTER_MS 1500
#define TUI_CHECKPOINT_NOW_PAGES 2000

/*
 * In the thread pool, on a connection of its own (made the first time):
 * copying a megabyte of log into the database and syncing it takes tens
 * of milliseconds, and SQLite lets the chair's commits go on beside it
 * (a passive checkpoint copies what was committed when it began).  A
 * failure loses nothing (the log keeps every commit); the next
 * checkpoint, or a commit past 4,000 pages, tries again.
 */
static void
tui_checkpoint_work(uv_work_t *req)
{
	struct tui_loop *L = req->data;
	char err[256];

	if (L->checkpointer == NULL && mdt_store_open(mdt_store_path(
	    L->app.store), NULL, 0, &L->checkpointer, err, sizeof(err)) !=
	    MDT_OK)
		return;
	(void)mdt_store_checkpoint(L->checkpointer);
}

static void
tui_checkpoint_done(uv_work_t *req, int status)
{
	struct tui_loop *L = req->data;

	(void)status;
	L->checkpointing = false;
}

static void
tui_on_checkpoint(uv_timer_t *t)
{
	struct tui_loop *L = t->data;

	if (L->checkpointing || L->app.mode == TUI_MODE_PRESENT ||
	    mdt_store_wal_pages(L->app.store) < TUI_CHECKPOINT_PAGES)
		return;
	L->checkpoint_job.data = L;
	if (uv_queue_work(&L->loop, &L->checkpoint_job, tui_checkpoint_work,
	    tui_checkpoint_done) == 0)
		L->checkpointing = true;
}

/* After commits, a checkpoint once nothing has been written for a moment:
 * then it costs no key its redraw.  Writes that go on for seconds (a
 * pull's merge, part after part) leave no such moment: past half the
 * 4,000 pages at which a commit would checkpoint on the loop, it starts
 * at once, in the thread pool, beside them. */
static void
tui_checkpoint_later(struct tui_loop *L)
{
	int pages = mdt_store_wal_pages(L->app.store);

	if (L->checkpoint.data == NULL || pages < TUI_CHECKPOINT_PAGES)
		return;
	if (pages >= TUI_CHECKPOINT_NOW_PAGES)
		tui_on_checkpoint(&L->checkpoint);
	else
		uv_timer_start(&L->checkpoint, tui_on_checkpoint,
		    TUI_CHECKPOINT_AFTER_MS, 0);
}

/* Reads every key curses has, then draws once; false if there was none. */
static bool
tui_read_keys(struct tui_loop *L)
{
	struct tui_app *app = &L->app;
	bool any = false;
	wint_t key;
	int r;

	while (!app->quit && (r = wget_wch(stdscr, &key)) != ERR) {
		any = true;
		if (r == KEY_CODE_YES && key == KEY_RESIZE) {
			tui_term_check_size();
			continue;
		}
		tui_app_key(app, r == KEY_CODE_YES, key);
	}
	if (any) {
		tui_idle_restart(L);
		tui_checkpoint_later(L);
	}
	/* Also here: SIGWINCH is not always delivered. */
	tui_term_check_size();
	if (app->quit) {
		tui_stop(L);
	} else {
		tui_draw(L);
		/* a key may have started the clock, or lifted the privacy
		 * screen */
		if (any)
			tui_schedule_tick(L);
	}
	return any;
}

static void
tui_on_input(uv_poll_t *h, int status, int events)
{
	struct tui_loop *L = h->data;

	if (status < 0) {
		snprintf(L->app.fatal, sizeof(L->app.fatal),
		    "reading the keyboard failed: %s", uv_strerror(status));
		L->app.exit_status = 1;
		L->app.quit = true;
		tui_stop(L);
		return;
	}
	if (tui_read_keys(L)) {
		L->empty_reads = 0;
	} else if (++L->empty_reads > 200) {
		/* Readable again and again, yet never a key: the terminal
		 * has gone away. */
		L->app.quit = true;
		tui_stop(L);
	}
}

static void tui_on_tick(uv_timer_t *t);

/*
 * Arms the timer for just after the next flip of the seconds shown: those
 * of the running slot if any, else those of the meeting clock while the
 * meeting is open.  Nothing else on screen shows seconds: with neither,
 * the next flip of the minute (the forecast's hh:mm); behind the privacy
 * screen, nothing until a key.
 */
static void
tui_schedule_tick(struct tui_loop *L)
{
	struct tui_app *app = &L->app;
	const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);
	const struct mdt_meeting *m = &app->snap.meeting;
	int64_t now = mdt_store_now(app->store);
	int64_t phase, period = 1000;

	if (L->tick.data == NULL)
		return;
	if (app->locked) {
		uv_timer_stop(&L->tick);
		return;
	}
	if (cur != NULL && cur->state == MDT_SLOT_RUNNING)
		phase = mdt_slot_elapsed_ms(cur->state, &cur->times, now);
	else if (m->opened_at > 0 && m->closed_at == 0)
		phase = now - m->opened_at;
	else {
		phase = now;
		period = 60000;
	}
	if (phase < 0)
		phase = 0;
	uv_timer_start(&L->tick, tui_on_tick,
	    (uint64_t)(period - phase % period + 5), 0);
}

static void tui_on_lease(uv_timer_t *t);

static void
tui_on_tick(uv_timer_t *t)
{
	struct tui_loop *L = t->data;

	/* the lease renewed by a tick that comes less than a second before
	 * it is due: one wakeup, not two (on a running slot, whose clock
	 * ticks every second, the lease's own timer never fires) */
	if (L->lease.data != NULL && uv_is_active((uv_handle_t *)&L->lease) &&
	    uv_timer_get_due_in(&L->lease) <= 1000) {
		uv_timer_again(&L->lease);
		tui_on_lease(&L->lease);
	}
	tui_draw(L);
	tui_schedule_tick(L);
}

/* Another window (a projector view, a second note-taker) or a command
 * (`mdtchair actions done`) committed: show it, and have the engine look
 * for what it queued (it is kicked by this window's acts only, and would
 * otherwise wait for the next). */
static void
tui_on_others(void *ctx)
{
	struct tui_loop *L = ctx;

	tui_app_reload(&L->app);
	tui_draw(L);
	tui_schedule_tick(L);
	sync_engine_kick(L->app.sync);
}

static void
tui_on_signal(uv_signal_t *h, int signum)
{
	struct tui_loop *L = h->data;

	if (signum == SIGWINCH) {
		tui_term_check_size();
		/* resizeterm may queue KEY_RESIZE, which no poll reports. */
		tui_read_keys(L);
		return;
	}
	L->app.quit = true;
	tui_stop(L);
}

/* The chair's lease renewed, or found taken over: say so. */
static void
tui_on_lease(uv_timer_t *t)
{
	struct tui_loop *L = t->data;
	bool following = L->app.following, gone = L->app.chair.gone;

	tui_chair_renew(&L->app);
	if (L->app.following != following || L->app.chair.gone != gone)
		tui_draw(L);
}

static void
tui_on_close(uv_handle_t *h)
{
	struct tui_loop *L = h->data;

	L->open_handles--;
}

static void
tui_close_handle(struct tui_loop *L, uv_handle_t *h)
{
	if (h->data != NULL && !uv_is_closing(h)) {
		uv_close(h, tui_on_close);
	}
	(void)L;
}

/* One of the loop's timers, made and counted (its data is the loop). */
static int
tui_timer_init(struct tui_loop *L, uv_timer_t *t)
{
	int r = uv_timer_init(&L->loop, t);

	if (r < 0)
		return r;
	t->data = L;
	L->open_handles++;
	return 0;
}

static int
tui_loop_start(struct tui_loop *L, char *err, size_t errlen)
{
	struct {
		uv_signal_t *h;
		int signum;
	} sigs[] = {
		{ &L->sig_winch, SIGWINCH },
		{ &L->sig_term, SIGTERM },
		{ &L->sig_int, SIGINT },
		{ &L->sig_hup, SIGHUP },
	};
	int r;

	r = uv_loop_init(&L->loop);
	if (r < 0)
		goto fail;
	L->loop_ready = true;
	r = uv_poll_init(&L->loop, &L->input, tui_term_fd());
	if (r < 0)
		goto fail;
	L->input.data = L;
	L->open_handles++;
	r = uv_poll_start(&L->input, UV_READABLE, tui_on_input);
	if (r < 0)
		goto fail;
	r = tui_timer_init(L, &L->tick);
	if (r < 0)
		goto fail;
	r = tui_watch_start(&L->watch, &L->loop, L->app.store, tui_on_others,
	    L);
	if (r < 0)
		goto fail;
	r = tui_timer_init(L, &L->idle);
	if (r < 0)
		goto fail;
	tui_idle_restart(L);
	r = tui_timer_init(L, &L->sync_draw);
	if (r < 0)
		goto fail;
	r = tui_timer_init(L, &L->checkpoint);
	if (r < 0)
		goto fail;
	r = tui_timer_init(L, &L->lease);
	if (r < 0)
		goto fail;
	if (L->app.mode == TUI_MODE_CHAIR) {
		r = uv_timer_start(&L->lease, tui_on_lease, MDT_LEASE_RENEW_MS,
		    MDT_LEASE_RENEW_MS);
		if (r < 0)
			goto fail;
	}
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		r = uv_signal_init(&L->loop, sigs[i].h);
		if (r < 0)
			goto fail;
		sigs[i].h->data = L;
		L->open_handles++;
		r = uv_signal_start(sigs[i].h, tui_on_signal, sigs[i].signum);
		if (r < 0)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot start the event loop: %s",
	    uv_strerror(r));
	return -1;
}

static void
tui_loop_finish(struct tui_loop *L)
{
	if (!L->loop_ready)
		return;
	tui_sync_stop(&L->sync_start, &L->app);
	tui_close_handle(L, (uv_handle_t *)&L->input);
	tui_close_handle(L, (uv_handle_t *)&L->tick);
	tui_watch_close(&L->watch);
	tui_close_handle(L, (uv_handle_t *)&L->idle);
	tui_close_handle(L, (uv_handle_t *)&L->sync_draw);
	tui_close_handle(L, (uv_handle_t *)&L->checkpoint);
	tui_close_handle(L, (uv_handle_t *)&L->lease);
	tui_close_handle(L, (uv_handle_t *)&L->sig_winch);
	tui_close_handle(L, (uv_handle_t *)&L->sig_term);
	tui_close_handle(L, (uv_handle_t *)&L->sig_int);
	tui_close_handle(L, (uv_handle_t *)&L->sig_hup);
	/* Handles (ours and the sync engine's) may only go once their close
	 * callbacks have run: with every handle closing, this returns as
	 * soon as they have. */
	uv_run(&L->loop, UV_RUN_DEFAULT);
	uv_loop_close(&L->loop);
	/* the checkpoint under way, if any, has been waited for too */
	if (L->checkpointer != NULL) {
		mdt_store_free(L->checkpointer);
		L->checkpointer = NULL;
	}
}

/* ---- the program ---------------------------------------------------- */

/*
 * The sync engine's state changed: show it, a little later.  While a long
 * outbox drains the engine changes with every reply (some twenty a
 * second); each redraw counts what is left.  One redraw for them all in
 * TUI_SYNC_DRAW_MS keeps the loop free for the chair's keys, whose own
 * redraws show the status bar as it stands anyway.
 */
#define TUI_SYNC_DRAW_MS 100

static void
tui_on_sync_draw(uv_timer_t *t)
{
	tui_draw(t->data);
}

static void
tui_on_sync_change(void *ctx)
{
	struct tui_loop *L = ctx;

	/* what a pull took is shown at once (it is seldom) */
	if (tui_sync_pull_seen(&L->app)) {
		tui_draw(L);
		return;
	}
	if (!uv_is_active((uv_handle_t *)&L->sync_draw))
		uv_timer_start(&L->sync_draw, tui_on_sync_draw,
		    TUI_SYNC_DRAW_MS, 0);
	tui_checkpoint_later(L);
}

/* The engine was made once libcurl had loaded: the status bar says so. */
static void
tui_on_sync_ready(void *ctx)
{
	tui_draw(ctx);
}

int
tui_run(struct mdt_store *store, int64_t meeting_id,
    const struct sync_config *sync, const char *config_path,
    enum tui_mode mode, bool unmask)
{
	struct tui_loop *L;
	struct tui_app *app;
	char err[512];
	enum mdt_status st;
	int status;

	/* Names are UTF-8 (the character type is all the screens need of
	 * the locale, as for the commands: numbers, dates and messages
	 * stay in the C form core/ writes; loading every category read a
	 * dozen files at start-up). */
	setlocale(LC_CTYPE, "");

	L = calloc(1, sizeof(*L));
	if (L == NULL) {
		fprintf(stderr, "mdtchair: out of memory\n");
		return 1;
	}
	app = &L->app;
	app->store = store;
	app->meeting_id = meeting_id;
	app->config_path = config_path;
	app->sync_url = sync_config_has_server(sync) ?
	    sync_config_base_url(sync) : NULL;
	app->quorum = sync_config_quorum(sync);
	app->practices = sync_config_practices(sync);
	/* The projector has no keys to wake it: it never locks. */
	if (mode != TUI_MODE_PRESENT)
		app->idle_lock_ms = sync_config_idle_lock_s(sync) * 1000;
	app->retention_days = sync_config_retention_days(sync);
	app->screen = TUI_SCREEN_AGENDA;
	app->mode = mode;
	app->unmask = unmask;
	if (mode == TUI_MODE_PRESENT) {
		/* The projector never delivers (the chair's console does)
		 * and never writes. */
		sync = NULL;
		app->sync_url = NULL;
	}

	if (!tui_keys_init(err, sizeof(err))) {
		fprintf(stderr, "mdtchair: %s\n", err);
		free(L);
		return 1;
	}
	/* Before the screen changes, so that a failure is a plain line. */
	/* Opening the console only looks: the meeting starts with S (or n,
	 * asked first), so that its times run from when it really did. */
	st = mdt_snapshot_load(store, meeting_id, &app->snap);
	if (st == MDT_OK && mode == TUI_MODE_CHAIR)
		tui_chair_begin(app);
	if (st != MDT_OK) {
		fprintf(stderr, "mdtchair: %s\n", mdt_store_error(store));
		mdt_snapshot_free(&app->snap);
		free(L);
		return 1;
	}
	/* From here on a write never holds the loop for long: if another
	 * window is mid-commit, the act fails as busy and can be retried. */
	mdt_store_set_busy_timeout(store, 250);
	mdt_store_defer_checkpoints(store, true);
	tui_app_begin(app);
	if (mode == TUI_MODE_CHAIR)
		tui_chair_greet(app);

	if (!tui_term_start(&L->term, err, sizeof(err))) {
		fprintf(stderr, "mdtchair: %s\n", err);
		mdt_snapshot_free(&app->snap);
		free(L);
		return 1;
	}
	if (tui_loop_start(L, err, sizeof(err)) == 0) {
		if (sync_config_has_server(sync))
			/* the first frame says so until libcurl is in */
			app->sync_starting = true;
		tui_draw(L);
		if (sync != NULL)
			tui_sync_start(&L->sync_start, &L->loop, app, sync,
			    tui_on_sync_change, tui_on_sync_ready, L);
		tui_schedule_tick(L);
		/* Keys typed before the poll started are already buffered. */
		tui_read_keys(L);
		if (!app->quit)
			uv_run(&L->loop, UV_RUN_DEFAULT);
	} else {
		snprintf(app->fatal, sizeof(app->fatal), "%s", err);
		app->exit_status = 1;
	}
	tui_input_close(app);
	if (mode == TUI_MODE_CHAIR)
		tui_chair_end(app);
	tui_loop_finish(L);
	tui_term_stop(&L->term);

	status = app->exit_status;
	if (app->fatal[0] != '\0') {
		fprintf(stderr, "mdtchair: %s\n", app->fatal);
		status = 1;
	}
	mdt_snapshot_free(&app->snap);
	free(app->ends);
	free(L);
	return status;
}
