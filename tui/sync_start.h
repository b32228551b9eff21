/*
 * sync_start.h - the sync engine started on the console's loop
 * (sync_start.c), without holding up the first frame or a key.
 */
#ifndef TUI_SYNC_START_H
#define TUI_SYNC_START_H

#include <uv.h>

struct sync_config;
struct tui_app;

struct tui_sync_start {
	uv_work_t load;			/* libcurl, loaded off the loop */
	uv_loop_t *loop;
	struct tui_app *app;
	const struct sync_config *cfg;	/* the engine's, once loaded */
	void (*changed)(void *ctx);	/* the engine's state changed */
	void (*ready)(void *ctx);	/* the engine was made after a load */
	void *ctx;
};

/*
 * Makes app->sync for cfg on loop: at once without a [server] (nothing to
 * load), else once libcurl has loaded on a worker (app->sync_starting
 * until then; ready(ctx) once it is made).  changed(ctx) is the engine's
 * on_change.  s and cfg must outlive the engine.
 */
void tui_sync_start(struct tui_sync_start *s, uv_loop_t *loop,
    struct tui_app *app, const struct sync_config *cfg,
    void (*changed)(void *ctx), void (*ready)(void *ctx), void *ctx);
/* Closes app's engine, or drops a load not begun (one under way is
 * waited for when the loop runs its close callbacks). */
void tui_sync_stop(struct tui_sync_start *s, struct tui_app *app);

#endif
