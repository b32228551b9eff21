/*
 * engine.c - the sync engine's life (sync.h): made for a loop, a store and
 * a configuration (with its own copy of it and its HTTP client), its
 * status for the screens, and freed once nothing of it is left in flight
 * (its timer, its HTTP client, its jobs in the thread pool); and what its
 * files share: its last error, and jobs in the thread pool that give way
 * to the loop; and the console's pulls of the central record (once the
 * queue is first drained with the record answering, every pull_minutes,
 * or when asked; one at a time, on the loop: sync/pull.c).  What a pass
 * does is deliver.c's (its header comment tells the whole of it);
 * recording what a pass achieved is marks.c's.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

#include <sqlite3.h>
#include <uv.h>

#include "engine.h"
#include "http.h"
#include "mdt.h"
#include "pass.h"
#include "sync_config.h"
#include "util.h"

/* A pass to free off the loop (its bodies are thousands of JSON
 * values). */
struct free_job {
	uv_work_t req;
	struct sync_engine *e;
	struct sync_pass *pass;
};

/* ---- what the engine's files share --------------------------------- */

void
sync_engine_error(struct sync_engine *e, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(e->last_error, sizeof(e->last_error), fmt, ap);
	va_end(ap);
	for (i = 0; e->last_error[i] != '\0'; i++)
		if (e->last_error[i] == '\n' || e->last_error[i] == '\r')
			e->last_error[i] = ' ';
}

void
sync_engine_changed(struct sync_engine *e)
{
	if (!e->closing && e->on_change != NULL)
		e->on_change(e->change_ctx);
}

/* ---- the record read back -------------------------------------------- */

/* The discussions elsewhere read (or not: what failed is the next
 * read's to mend, the Tasks' pull stands): the pull has ended. */
static void
ew_ended(void *ctx)
{
	struct sync_engine *e = ctx;
	struct sync_elsewhere_job *j = e->ew;

	e->ew = NULL;
	(void)sync_elsewhere_end(j, NULL);
	e->pulls++;
	sync_engine_changed(e);
}

/* Tasks a part of the merge: about a few milliseconds of the loop. */
#define PULL_MERGE_PART 200

/* Every Task merged (or the pull failed): ended, then the discussions
 * elsewhere. */
static void
pull_merged(struct sync_engine *e)
{
	struct sync_pull_job *j = e->pull;

	e->pull = NULL;
	sync_pull_end(j, &e->last_pull);
	/* then, the record answering, what it says of the next agenda's
	 * patients' discussions on other laptops */
	if (!e->closing && e->http != NULL && e->last_pull.error[0] == '\0') {
		e->ew = sync_elsewhere_begin(e->http, e->store, e->cfg,
		    ew_ended, e);
		if (sync_elsewhere_finished(e->ew))
			ew_ended(e);
		else
			sync_engine_changed(e);
		return;
	}
	e->pulls++;
	sync_engine_changed(e);
}

/* A part of the merge a turn of the loop (an idle handle runs once a
 * turn, after the keys and replies that came), so that a key read
 * meanwhile waits for one part, not for them all. */
static void
on_merge_idle(uv_idle_t *h)
{
	struct sync_engine *e = h->data;

	if (e->pull == NULL || e->closing) {
		uv_idle_stop(h);
		return;
	}
	if (!sync_pull_merge_part(e->pull, PULL_MERGE_PART)) {
		/* a part committed: the console may checkpoint its log */
		sync_engine_changed(e);
		return;
	}
	uv_idle_stop(h);
	pull_merged(e);
}

/* Every page has come (or the pull stopped): merged in parts from the
 * next turn of the loop on. */
static void
pull_ended(void *ctx)
{
	struct sync_engine *e = ctx;

	if (!e->merge_made && !e->closing &&
	    uv_idle_init(e->loop, &e->merge_idle) == 0) {
		e->merge_idle.data = e;
		e->merge_made = true;
		e->open_handles++;
	}
	if (e->merge_made && !e->closing)
		uv_idle_start(&e->merge_idle, on_merge_idle);
	else
		pull_merged(e);
}

static void
pull_start(struct sync_engine *e)
{
	if (e->pull != NULL || e->ew != NULL || e->closing || e->http == NULL)
		return;
	e->pull_due = false;
	e->pull = sync_pull_begin(e->http, e->store, e->cfg, pull_ended, e);
	if (sync_pull_finished(e->pull))
		pull_ended(e);
	else
		sync_engine_changed(e);
}

void
sync_engine_pull_if_due(struct sync_engine *e)
{
	if (e->pull_due)
		pull_start(e);
}

/* pull_minutes have passed: a pull now if nothing is being sent and the
 * record answers, else once the queue is drained. */
static void
on_pull_timer(uv_timer_t *t)
{
	struct sync_engine *e = t->data;

	e->pull_due = true;
	if (e->online && !e->busy && e->pass == NULL && e->job == NULL)
		pull_start(e);
}

void
sync_engine_auto_pull(struct sync_engine *e)
{
	uint64_t every;

	/* pull_minutes 0: only when a person asks */
	if (e == NULL || e->closing || e->cfg == NULL || e->http == NULL ||
	    e->pull_timing || e->cfg->pull_minutes <= 0)
		return;
	e->pull_due = true;
	if (uv_timer_init(e->loop, &e->pull_timer) != 0)
		return;
	every = (uint64_t)e->cfg->pull_minutes * 60000;
	e->pull_timer.data = e;
	e->pull_timing = true;
	e->open_handles++;
	uv_timer_start(&e->pull_timer, on_pull_timer, every, every);
}

int
sync_engine_pull_now(struct sync_engine *e)
{
	if (e == NULL || e->closing || e->cfg == NULL || e->http == NULL)
		return -1;
	if (e->pull != NULL || e->ew != NULL)
		return 1;
	pull_start(e);
	return 0;
}

void
sync_engine_last_pull(const struct sync_engine *e,
    struct sync_pull_result *out, int64_t *pulls)
{
	*out = e->last_pull;
	*pulls = e->pulls;
}

static void
on_pull_timer_closed(uv_handle_t *h)
{
	sync_engine_job_back(h->data);
}

void
sync_engine_pull_close(struct sync_engine *e)
{
	if (e->pull != NULL) {
		sync_pull_end(e->pull, NULL);	/* its client is closing */
		e->pull = NULL;
	}
	if (e->ew != NULL) {
		(void)sync_elsewhere_end(e->ew, NULL);
		e->ew = NULL;
	}
	if (e->pull_timing) {
		uv_timer_stop(&e->pull_timer);
		uv_close((uv_handle_t *)&e->pull_timer, on_pull_timer_closed);
		e->pull_timing = false;
	}
	if (e->merge_made) {
		uv_idle_stop(&e->merge_idle);
		uv_close((uv_handle_t *)&e->merge_idle, on_pull_timer_closed);
		e->merge_made = false;
	}
}

/* ---- jobs in the thread pool ----------------------------------------- */

/* In the thread pool: this thread gives way to the loop's (Linux: nice
 * is per thread); a job waits a little rather than a key. */
void
sync_give_way(void)
{
#ifdef __linux__
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 5);
#endif
}

static void
on_free(uv_work_t *req)
{
	struct free_job *f = req->data;

	sync_give_way();
	sync_pass_free(f->pass);
}

static void
on_freed(uv_work_t *req, int status)
{
	struct free_job *f = req->data;
	struct sync_engine *e = f->e;

	(void)status;
	free(f);
	sync_engine_job_back(e);
}

/* Frees a pass the loop is done with, in the thread pool if it can. */
void
sync_engine_dispose_pass(struct sync_engine *e, struct sync_pass *p)
{
	struct free_job *f;

	if (p == NULL)
		return;
	f = mdt_xcalloc(1, sizeof(*f));
	f->e = e;
	f->pass = p;
	f->req.data = f;
	if (sync_engine_queue(e, &f->req, on_free, on_freed) == 0)
		return;
	free(f);
	sync_pass_free(p);
}

/* ---- the engine ------------------------------------------------------ */

struct sync_engine *
sync_engine_new(uv_loop_t *loop, struct mdt_store *store,
    const struct sync_config *cfg)
{
	struct sync_engine *e = mdt_xcalloc(1, sizeof(*e));

	e->loop = loop;
	e->store = store;
	/* the builder opens the same file ("" for a store in memory) */
	{
		const char *f = sqlite3_db_filename(mdt_store_db(store),
		    "main");

		e->path = f != NULL && *f != '\0' ? mdt_xstrdup(f) : NULL;
	}
	e->rng = uv_hrtime() ^ ((uint64_t)getpid() << 32) ^
	    (uint64_t)(uintptr_t)e;
	if (e->rng == 0)
		e->rng = 1;
	uv_timer_init(loop, &e->timer);
	e->timer.data = e;
	e->open_handles = 1;
	/* a file without [server] configures no delivery */
	if (cfg != NULL && cfg->has_server) {
		char why[256];

		e->cfg = sync_config_dup(cfg);
		e->http = sync_http_new(loop, e->cfg, why, sizeof(why));
		if (e->http == NULL) {
			/* nothing will be sent: the reason stays shown */
			sync_engine_error(e, "%s", why);
			return e;
		}
		e->open_handles++;
		if (!sync_http_async_dns())
			sync_engine_error(e,
			    "this libcurl resolves names synchronously:"
			    " the screen may pause while it looks up the"
			    " server");
	}
	return e;
}

void
sync_engine_on_change(struct sync_engine *e, void (*cb)(void *ctx),
    void *ctx)
{
	e->on_change = cb;
	e->change_ctx = ctx;
}

static void
status(struct sync_engine *e, struct sync_status *out, bool brief)
{
	struct mdt_outbox_counts c;

	memset(out, 0, sizeof(*out));
	out->configured = e->cfg != NULL;
	out->unavailable = e->cfg != NULL && e->http == NULL && !e->closing;
	out->online = e->online;
	out->busy = e->busy;
	out->pulling = e->pull != NULL || e->ew != NULL;
	out->pulls = e->pulls;
	if ((brief ? mdt_outbox_unsent_counts(e->store, &c) :
	    mdt_outbox_counts(e->store, &c)) == MDT_OK) {
		out->pending = c.pending;
		out->failed = c.failed;
		out->conflicts = c.conflict;
		out->sent = c.sent;
		out->last_success_at = c.last_sent_at;
	}
	out->next_attempt_at = e->waiting ? e->next_attempt_at : 0;
	mdt_strlcpy(out->last_error, e->last_error, sizeof(out->last_error));
}

void
sync_engine_status(struct sync_engine *e, struct sync_status *out)
{
	status(e, out, false);
}

void
sync_engine_status_brief(struct sync_engine *e, struct sync_status *out)
{
	status(e, out, true);
}

bool
sync_engine_reading(const struct sync_engine *e)
{
	return e->rjob != NULL;
}

size_t
sync_engine_log_syncs(const struct sync_engine *e)
{
	return e->log_syncs;
}

size_t
sync_engine_passes_ahead(const struct sync_engine *e)
{
	return e->passes_ahead;
}

size_t
sync_engine_held_replies(const struct sync_engine *e)
{
	return e->held_replies;
}

int
sync_engine_queue(struct sync_engine *e, uv_work_t *req, uv_work_cb work,
    uv_after_work_cb after)
{
	int r = uv_queue_work(e->loop, req, work, after);

	if (r == 0)
		e->open_handles++;
	return r;
}

bool
sync_engine_job_back(struct sync_engine *e)
{
	e->open_handles--;
	if (!e->closing)
		return false;
	sync_engine_free_if_closed(e);
	return true;
}

void
sync_engine_free_if_closed(struct sync_engine *e)
{
	if (e->open_handles > 0)
		return;
	mdt_store_free(e->bstore);
	free(e->path);
	sync_config_free(e->cfg);
	free(e);
}

