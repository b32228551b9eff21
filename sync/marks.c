/*
 * marks.c - recording in the outbox what a pass of the sync engine
 * achieved: rows sent, with the versions the server gave, without
 * waiting for the disk (see sync_mark_sent), then the log synced to the
 * disk in the thread pool, one job at a time; rows failed or in
 * conflict, with why.
 */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>

#include <uv.h>

#include "engine.h"
#include "mdt.h"
#include "pass.h"
#include "util.h"

static void sync_log_later(struct sync_engine *e);

/*
 * The marks' pages synced to the disk in the thread pool.  Unsynced, they
 * would wait for the chair's next act, whose commit syncs the log: while
 * a long outbox drains, some hundreds of kilobytes of marks (versions of
 * resources scattered over their table) for one key's commit to write
 * out.  Only a hint to the disk, never needed for what is kept: the log
 * is opened afresh each time (a checkpoint may have restarted it) and
 * any failure is left to the chair's next commit, which syncs the log
 * with SQLite's own checks.
 */
static void
on_log_sync(uv_work_t *req)
{
	struct sync_engine *e = req->data;
	int fd;

	sync_give_way();
	fd = open(mdt_store_wal_path(e->store), O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fdatasync(fd);
		close(fd);
	}
}

static void
on_log_synced(uv_work_t *req, int status)
{
	struct sync_engine *e = req->data;

	if (status == 0)
		e->log_syncs++;
	e->log_syncing = false;
	if (sync_engine_job_back(e))
		return;
	if (e->log_dirty)
		sync_log_later(e);
}

/* After marks: the log synced off the loop, one job at a time. */
static void
sync_log_later(struct sync_engine *e)
{
	if (mdt_store_wal_path(e->store) == NULL || e->closing)
		return;
	if (e->log_syncing) {
		e->log_dirty = true;
		return;
	}
	e->log_dirty = false;
	e->log_sync.data = e;
	if (sync_engine_queue(e, &e->log_sync, on_log_sync,
	    on_log_synced) == 0)
		e->log_syncing = true;
}

/* Rows sent, and the versions the server gave, without waiting for the
 * disk (mdt_outbox_mark_sent); the log is then synced in the thread pool
 * (sync_log_later). */
enum mdt_status
sync_mark_sent(struct sync_engine *e, const int64_t *ids, size_t n,
    const struct mdt_sync_version *v, size_t nv)
{
	enum mdt_status st = mdt_outbox_mark_sent(e->store, ids, n, v, nv);

	e->marked += n + nv;
	if (st == MDT_OK)
		sync_log_later(e);
	return st;
}

/* Rows whose items are all OK: sent, with the versions of the items in
 * [lo, hi) of the order.  Returns false if the store refused. */
bool
sync_mark_progress(struct sync_engine *e, struct sync_pass *p,
    const size_t *idx, size_t n_idx)
{
	struct mdt_sync_version *v;
	int64_t *ids;
	size_t i, j, n_ids = 0, n_v = 0;
	enum mdt_status st;

	ids = mdt_xcalloc(p->n_rows + 1, sizeof(*ids));
	v = mdt_xcalloc(n_idx + 1, sizeof(*v));
	for (i = 0; i < n_idx; i++) {
		struct sync_item *it = &p->items[idx[i]];

		if (it->state != SYNC_ITEM_OK)
			continue;
		v[n_v].type = sync_kind_type(it->ref.kind);
		v[n_v].id = it->id;
		v[n_v].version_id = it->new_vid;
		v[n_v].body_hash = it->hash;
		n_v++;
		for (j = 0; j < it->n_rows; j++) {
			struct sync_prow *r = &p->rows[it->rows[j]];

			if (r->done || r->left == 0)
				continue;
			if (--r->left == 0) {
				r->done = true;
				ids[n_ids++] = r->id;
			}
		}
	}
	st = sync_mark_sent(e, ids, n_ids, v, n_v);
	/* something went: what waited on a refused resource tries again
	 * (that resource may be among it) */
	if (st == MDT_OK && n_v > 0)
		st = mdt_outbox_release_held(e->store);
	free(ids);
	free(v);
	if (st != MDT_OK) {
		sync_engine_error(e, "cannot record what was sent: %s",
		    mdt_store_error(e->store));
		return false;
	}
	return true;
}

/* The rows naming item idx that are not decided wait: attempts + 1, the
 * next try a day off or once something is delivered, why saying what
 * they wait on. */
static void
hold_rows(struct sync_engine *e, struct sync_pass *p, size_t idx,
    const char *why)
{
	struct sync_item *it = &p->items[idx];
	int64_t *ids = mdt_xcalloc(it->n_rows + 1, sizeof(*ids));
	size_t i, n = 0;

	for (i = 0; i < it->n_rows; i++) {
		struct sync_prow *r = &p->rows[it->rows[i]];

		if (r->done)
			continue;
		r->done = true;
		ids[n++] = r->id;
	}
	if (n > 0 && mdt_outbox_mark_retry(e->store, ids, n,
	    mdt_store_now(e->store) + MDT_OUTBOX_HELD_MS, why) != MDT_OK)
		sync_engine_error(e, "cannot record a wait: %s",
		    mdt_store_error(e->store));
	free(ids);
}

/*
 * The item is refused (or in conflict): the rows whose own record it is
 * become failed or conflict, with why.  Nothing that refers to it goes:
 * every item of the pass that refers to it, or to one so held, is held,
 * and the other rows naming any of them wait, saying on what, to go on a
 * later try once it is delivered.  One refused resource fails only its
 * own rows.
 */
void
sync_mark_item_failed(struct sync_engine *e, struct sync_pass *p,
    struct sync_item *it, enum sync_item_state state, const char *why)
{
	size_t self = (size_t)(it - p->items), i, k, n = 0;
	int64_t *ids = mdt_xcalloc(it->n_rows + 1, sizeof(*ids));
	char wait[1024];

	it->state = state;
	for (i = 0; i < it->n_rows; i++) {
		struct sync_prow *r = &p->rows[it->rows[i]];

		if (r->done || r->primary != self)
			continue;
		r->done = true;
		ids[n++] = r->id;
	}
	if (n > 0 && mdt_outbox_mark_failed(e->store, ids, n,
	    state == SYNC_ITEM_CONFLICT ? MDT_OUTBOX_CONFLICT :
	    MDT_OUTBOX_FAILED,
	    why) != MDT_OK)
		sync_engine_error(e, "cannot record a failure: %s",
		    mdt_store_error(e->store));
	free(ids);
	snprintf(wait, sizeof(wait), MDT_OUTBOX_WAITING_ON "%s/%s (%s)",
	    sync_kind_type(it->ref.kind), it->id, why);
	hold_rows(e, p, self, wait);
	/* dependencies come first in the order: one walk finds them all */
	for (k = 0; k < p->n_order; k++) {
		struct sync_item *d = &p->items[p->order[k]];

		if (d->state != SYNC_ITEM_TODO)
			continue;
		for (i = 0; i < d->n_deps; i++) {
			enum sync_item_state ds = p->items[d->deps[i]].state;

			if (ds == SYNC_ITEM_FAILED || ds == SYNC_ITEM_CONFLICT ||
			    ds == SYNC_ITEM_HELD) {
				d->state = SYNC_ITEM_HELD;
				hold_rows(e, p, p->order[k], wait);
				break;
			}
		}
	}
}
