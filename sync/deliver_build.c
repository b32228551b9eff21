/*
 * deliver_build.c - building the outbox's passes for deliver.c, in
 * libuv's thread pool on the builder's own connection (read only, one
 * build at a time), and the pass after, built while one is sent
 * (sync_deliver_build_ahead); with nothing to send, a look at whether
 * the central record can be reached.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>
#include <uv.h>

#include "deliver_internal.h"
#include "engine.h"
#include "http.h"
#include "mdt.h"
#include "pass.h"
#include "sync_config.h"
#include "util.h"

#define PROBE_EVERY_MS 60000	/* idle and offline: look again after */
#define CHECKPOINT_MARKS 100	/* the builder checkpoints after as many
				 * rows and versions marked sent */

/* Rows per pass: enough for whole bundles, few enough that building the
 * pass never holds up the loop for long. */
static size_t
pass_rows(const struct sync_engine *e)
{
	size_t n = (size_t)e->cfg->bundle_size * 4;

	return n < 50 ? 50 : n > 1000 ? 1000 : n;
}

static void
on_probe_reply(void *ctx, const struct sync_reply *reply)
{
	struct sync_engine *e = ctx;

	e->busy = false;
	/* a reply too big to read is still an answer: the server is there */
	if (reply->curl_code != 0 && !reply->too_big) {
		e->online = false;
		sync_engine_error(e, "cannot reach the central record: %s",
		    reply->error);
	} else if (reply->status == 429 || reply->status >= 500) {
		e->online = false;
		sync_engine_error(e,
		    "the central record is unavailable (HTTP %ld)",
		    reply->status);
	} else {
		e->online = true;
		if (reply->status == 401 || reply->status == 403)
			sync_engine_error(e, "the central record refused our"
			    " credentials (HTTP %ld): check token_file and the"
			    " client certificate", reply->status);
		else
			e->last_error[0] = '\0';
	}
	if (e->again) {
		e->again = false;
		sync_deliver_schedule(e, 0, false);
	} else if (e->online)
		sync_engine_pull_if_due(e);	/* nothing to send */
	sync_engine_changed(e);
}

/* Nothing to send: find out whether the server can be reached, so that
 * the status bar does not say "offline" merely for want of trying. */
static void
probe(struct sync_engine *e, int64_t now)
{
	char err[256];

	if (e->online || (e->last_probe_at != 0 &&
	    now - e->last_probe_at < PROBE_EVERY_MS))
		return;
	e->last_probe_at = now;
	if (sync_http_request(e->http, "GET", "metadata", NULL, NULL,
	    on_probe_reply, e, err, sizeof(err)) != 0) {
		sync_engine_error(e, "%s", err);
		return;
	}
	e->busy = true;
}

void
sync_deliver_job_free(struct sync_build_job *j)
{
	if (j == NULL)
		return;
	sync_pass_build_done(&j->b);
	free(j->exclude);
	free(j->avoid);
	free(j);
}

/* A job to build the next pass, not yet queued. */
static struct sync_build_job *
job_new(struct sync_engine *e)
{
	struct sync_build_job *j = mdt_xcalloc(1, sizeof(*j));

	j->e = e;
	j->b.max_rows = pass_rows(e);
	j->b.bundle_size = (size_t)e->cfg->bundle_size;
	j->b.base_url = e->cfg->base_url;
	j->b.record_patients = e->cfg->record_patients;
	j->checkpoint = e->marked >= CHECKPOINT_MARKS;
	j->req.data = j;
	return j;
}

/* A pass built ahead is not to follow the one being sent (something of
 * that one went wrong): dropped, and one being built dropped when
 * back. */
void
sync_deliver_drop_ahead(struct sync_engine *e)
{
	e->ahead_ok = false;
	e->ahead_wait = false;
	sync_deliver_job_free(e->ready);
	e->ready = NULL;
}

/* In the thread pool: touches only the job and the builder's
 * connection. */
static void
on_build(uv_work_t *req)
{
	struct sync_build_job *j = req->data;
	struct sync_engine *e = j->e;
	char err[256];

	sync_give_way();
	if (e->bstore == NULL) {
		if (mdt_store_open(e->path, NULL, 0, &e->bstore, err,
		    sizeof(err)) != MDT_OK) {
			snprintf(j->b.err, sizeof(j->b.err), "cannot read the"
			    " outbox: %s", err);
			return;
		}
		/* a small page cache: each of the chair's commits empties
		 * it anyway (another connection wrote), and the memory is
		 * the console's */
		sqlite3_exec(mdt_store_db(e->bstore), "PRAGMA cache_size ="
		    " -256", NULL, NULL, NULL);
	}
	sync_pass_build(e->bstore, &j->b);
	/* built ahead: the bundles before it are in flight meanwhile */
	if (j->ahead && j->checkpoint)
		sqlite3_wal_checkpoint_v2(mdt_store_db(e->bstore), NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

/*
 * In the thread pool, after a build, while its bundles are sent: the log
 * the marks filled goes into the database here, off the loop (the store
 * checkpoints in one of the loop's commits once the log is long, and the
 * console once the keys stop: a stall of tens of milliseconds at a time
 * while a long outbox drains).  Passive: never waits for, nor holds up, a
 * writer.  The next build waits for it (one user of the connection).
 */
static void
on_checkpoint(uv_work_t *req)
{
	struct sync_build_job *j = req->data;

	sqlite3_wal_checkpoint_v2(mdt_store_db(j->e->bstore), NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

/* On the loop: records what the build found and starts sending. */
void
sync_deliver_apply_build(struct sync_engine *e, struct sync_build_job *j)
{
	size_t i;

	if (j->b.pass == NULL) {
		sync_engine_error(e, "%s", j->b.err);
		sync_deliver_schedule(e, DB_RETRY_MS, true);
		sync_engine_changed(e);
		return;
	}
	for (i = 0; i < j->b.n_failed; i++) {
		mdt_outbox_mark_failed(e->store, &j->b.failed[i].id, 1,
		    MDT_OUTBOX_FAILED, j->b.failed[i].why);
		sync_engine_error(e, "%s", j->b.failed[i].why);
	}
	if
	    (j->b.n_nothing > 0 &&
	    sync_mark_sent(e, j->b.nothing, j->b.n_nothing, NULL,
	    0) != MDT_OK)
		sync_engine_error(e, "cannot record what was sent: %s",
		    mdt_store_error(e->store));
	e->pass = j->b.pass;
	j->b.pass = NULL;
	e->pass_gen++;
	e->ahead_ok = true;
	e->ahead_wait = false;
	e->ahead_tried = false;
	e->ahead_retry = false;
	sync_deliver_send_bundle(e, j->b.first);
	j->b.first = NULL;
}

static void
on_checkpointed(uv_work_t *req, int status)
{
	struct sync_build_job *j = req->data;
	struct sync_engine *e = j->e;

	(void)status;
	e->job = NULL;
	sync_deliver_job_free(j);
	if (sync_engine_job_back(e))
		return;
	/* a pass was asked for meanwhile */
	if (e->again && e->pass == NULL && !e->busy) {
		e->again = false;
		sync_deliver_schedule(e, 0, false);
	} else
		sync_deliver_build_ahead(e);
}

/*
 * On the loop: a pass built ahead is back.  It follows the pass it was
 * built during if that one has gone without a hitch and it holds none of
 * that one's resources (it was built from what the store said then, some
 * of them perhaps not yet acknowledged); at once if that pass has ended,
 * else when it ends.  Otherwise it is dropped, and the next pass built
 * as usual.
 */
static void
ahead_back(struct sync_engine *e, struct sync_build_job *j)
{
	bool usable = e->ahead_ok && j->gen == e->pass_gen &&
	    j->b.pass != NULL && !j->b.shares && j->b.pass->n_rows > 0;

	if (e->ahead_wait) {
		e->ahead_wait = false;
		if (usable) {
			e->passes_ahead++;
			sync_deliver_apply_build(e, j);
			sync_deliver_job_free(j);
			sync_deliver_build_ahead(e);
			return;
		}
		sync_deliver_job_free(j);
		e->ahead_ok = false;
		sync_deliver_after_pass(e);
		return;
	}
	if (usable && e->pass != NULL) {
		e->ready = j;
		return;
	}
	if (e->ahead_ok && j->gen == e->pass_gen && e->pass != NULL &&
	    j->b.shares) {
		/* built before this pass's first replies were recorded:
		 * once more after the next */
		sync_deliver_job_free(j);
		e->ahead_retry = true;
		sync_deliver_build_ahead(e);
		return;
	}
	sync_deliver_job_free(j);
	if (e->again && e->pass == NULL && !e->busy) {
		e->again = false;
		sync_deliver_schedule(e, 0, false);
	}
}

static void
on_built(uv_work_t *req, int status)
{
	struct sync_build_job *j = req->data;
	struct sync_engine *e = j->e;
	bool checkpoint = j->checkpoint && j->b.pass != NULL;

	(void)status;
	e->job = NULL;
	if (e->closing) {
		sync_deliver_job_free(j);
		sync_engine_job_back(e);
		return;
	}
	sync_engine_job_back(e);
	if (j->ahead) {
		ahead_back(e, j);
		return;
	}
	sync_deliver_apply_build(e, j);
	sync_deliver_job_free(j);
	sync_deliver_build_ahead(e);
	if (checkpoint && e->job != NULL)
		e->marked += CHECKPOINT_MARKS;	/* the job ahead does it */
	else if (checkpoint && e->bstore != NULL && !e->closing) {
		struct sync_build_job *c = mdt_xcalloc(1, sizeof(*c));

		c->e = e;
		c->req.data = c;
		if (sync_engine_queue(e, &c->req, on_checkpoint,
		    on_checkpointed) == 0)
			e->job = c;
		else
			free(c);
	}
}

void
sync_deliver_start(struct sync_engine *e)
{
	struct mdt_outbox_counts c;
	struct sync_build_job *j;
	int64_t now;

	if (e->job != NULL && e->pass == NULL && !e->busy) {
		/* the builder's connection is checkpointing: afterwards */
		e->again = true;
		return;
	}
	if (!e->closing && (e->busy || e->pass != NULL)) {
		/* a reply being read, or a pass going: after it */
		e->again = true;
		return;
	}
	if (e->closing || e->cfg == NULL || e->http == NULL || e->job != NULL)
		return;
	uv_timer_stop(&e->timer);
	e->waiting = false;
	e->next_attempt_at = 0;
	now = mdt_store_now(e->store);
	if (mdt_outbox_unsent_counts(e->store, &c) != MDT_OK) {
		sync_engine_error(e, "cannot read the outbox: %s",
		    mdt_store_error(e->store));
		sync_deliver_schedule(e, DB_RETRY_MS, true);
		sync_engine_changed(e);
		return;
	}
	if (c.pending == 0) {
		probe(e, now);
		if (e->online && !e->busy)
			sync_engine_pull_if_due(e);
		sync_engine_changed(e);
		return;
	}
	if (c.next_at > now) {
		/* the schedule kept in the outbox (e.g. from before a
		 * restart) still holds */
		sync_deliver_schedule(e, c.next_at - now, true);
		sync_engine_changed(e);
		return;
	}
	j = job_new(e);
	if (e->path != NULL && sync_engine_queue(e, &j->req, on_build,
	    on_built) == 0) {
		if (j->checkpoint)
			e->marked = 0;
		e->job = j;
		return;
	}
	/* in memory (tests), or no thread pool: here and now */
	sync_pass_build(e->store, &j->b);
	sync_deliver_apply_build(e, j);
	sync_deliver_job_free(j);
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The next pass built in the thread pool while this one's bundles are
 * sent, from the first on, so that it goes as soon as this one ends: none
 * of this pass's rows (some are not marked sent yet), and known to hold
 * none of its resources (it would be built from what the store said
 * before this pass's replies were recorded).  If it does hold one, it is
 * built once more after the next reply is recorded.  One build at a time
 * on the builder's connection.
 */
void
sync_deliver_build_ahead(struct sync_engine *e)
{
	struct sync_pass *p = e->pass;
	struct sync_build_job *j;
	size_t i, n = 0;

	if (e->closing || p == NULL || !e->ahead_ok || (e->ahead_tried &&
	    !(e->ahead_retry && e->replied)) || e->path == NULL ||
	    e->job != NULL || e->ready != NULL)
		return;
	j = job_new(e);
	j->ahead = true;
	j->gen = e->pass_gen;
	j->exclude = mdt_xcalloc(p->n_rows + 1, sizeof(*j->exclude));
	for (i = 0; i < p->n_rows; i++)
		j->exclude[i] = p->rows[i].id;
	qsort(j->exclude, p->n_rows, sizeof(*j->exclude), cmp_id);
	j->avoid = mdt_xcalloc(p->n_items + 1, sizeof(*j->avoid));
	for (i = 0; i < p->n_items; i++)
		if (p->items[i].if_none_exist == NULL)
			j->avoid[n++] = p->items[i].ref;
	j->b.exclude = j->exclude;
	j->b.n_exclude = p->n_rows;
	j->b.avoid = j->avoid;
	j->b.n_avoid = n;
	e->ahead_tried = true;
	e->ahead_retry = false;
	e->replied = false;
	if (sync_engine_queue(e, &j->req, on_build, on_built) != 0) {
		sync_deliver_job_free(j);
		return;
	}
	if (j->checkpoint)
		e->marked = 0;
	e->job = j;
}
