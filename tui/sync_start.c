/*
 * sync_start.c - the sync engine on the console's loop (sync_start.h).
 * libcurl and its forty-odd libraries are mapped on a worker thread after
 * the first frame, so that neither the first frame nor a key waits for
 * them; the engine (and curl_global_init) comes on the loop thread once
 * they are in.  A chair who pressed s meanwhile has it sent at once.
 */
#include "config.h"

#include <stdbool.h>

#include <uv.h>

#include "app.h"
#include "sync.h"
#include "sync_start.h"

static void
tui_sync_load(uv_work_t *req)
{
	char why[256];

	(void)req;
	/* a failure is kept: the engine made next shows it */
	sync_prepare(why, sizeof(why));
}

static void
tui_sync_loaded(uv_work_t *req, int status)
{
	struct tui_sync_start *s = req->data;
	struct tui_app *app = s->app;

	if (status != 0 || !app->sync_starting)
		return;		/* the console is closing */
	app->sync_starting = false;
	app->sync = sync_engine_new(s->loop, app->store, s->cfg);
	sync_engine_on_change(app->sync, s->changed, s->ctx);
	sync_engine_auto_pull(app->sync);
	if (app->sync_now_asked)
		sync_engine_send_now(app->sync);
	else
		sync_engine_kick(app->sync);
	app->sync_now_asked = false;
	s->ready(s->ctx);
}

void
tui_sync_start(struct tui_sync_start *s, uv_loop_t *loop,
    struct tui_app *app, const struct sync_config *cfg,
    void (*changed)(void *ctx), void (*ready)(void *ctx), void *ctx)
{
	s->loop = loop;
	s->app = app;
	s->changed = changed;
	s->ready = ready;
	s->ctx = ctx;
	if (sync_config_has_server(cfg)) {
		s->cfg = cfg;
		s->load.data = s;
		if (uv_queue_work(loop, &s->load, tui_sync_load,
		    tui_sync_loaded) == 0) {
			app->sync_starting = true;
			return;
		}
		/* no worker: load it here, the old way */
	}
	app->sync_starting = false;
	app->sync = sync_engine_new(loop, app->store, cfg);
	sync_engine_on_change(app->sync, changed, ctx);
	sync_engine_auto_pull(app->sync);
	sync_engine_kick(app->sync);
}

void
tui_sync_stop(struct tui_sync_start *s, struct tui_app *app)
{
	if (app->sync != NULL) {
		sync_engine_close(app->sync);
		app->sync = NULL;
	}
	if (app->sync_starting) {
		/* no engine after all; a load under way is waited for below
		 * (it is bounded), one not begun is dropped */
		app->sync_starting = false;
		uv_cancel((uv_req_t *)&s->load);
	}
}
