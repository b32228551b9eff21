/*
 * engine.c - draining the outbox to the central record, on the loop.
 *
 * A pass takes the oldest pending outbox rows (four bundles' worth), turns
 * each into the FHIR resources it changes (fhir.c), builds every resource
 * once from the store as it stands (one read transaction, so the pass is
 * consistent), puts what each refers to before it, leaves out resources
 * the server already acknowledged with exactly this content, and sends the
 * rest in order as transaction bundles of at most bundle_size PUTs with
 * our own ids (If-Match with the version we last saw).  One request at a
 * time, so the order holds.
 *
 * Building a pass (reading the outbox, mapping, building and hashing up to
 * some hundreds of resources) takes milliseconds, more on a long history,
 * and each of the chair's acts asks for one: it is done off the loop, in
 * libuv's thread pool, on a connection of its own to the same file (read
 * only; one build at a time, so the connection is never shared).  The
 * loop only applies the outcome in short transactions.  The builder also
 * writes the pass's first bundle; then each 2xx reply is parsed in the
 * thread pool too, by a job that writes the next bundle as well (the
 * pass is the job's until it is back: the loop leaves it alone), and a
 * finished pass is freed there: together they took a millisecond or
 * more of the loop a reply, while the chair's keys waited.  Rows the
 * server has acknowledged are marked sent without waiting for the disk
 * (synchronous=NORMAL for that one transaction; docs/sync.md says why
 * that is safe): the chair's next act, always synchronous=FULL, makes
 * them durable with it.
 *
 * After each reply:
 *   2xx                if the reply is a transaction-response with a 2xx
 *                      status for every entry (sync_transaction_reply),
 *                      the bundle's resources are on the server: the rows
 *                      all of whose resources are now there are marked
 *                      sent, and the versions recorded (one transaction);
 *                      any other 2xx body is treated as a 5xx;
 *   429, 5xx, network  nothing is marked sent; the pass stops and the
 *   (and 401/403)      rows wait (next_at, attempts) for capped
 *                      exponential backoff with full jitter, never sooner
 *                      than Retry-After;
 *   412/409            a bundle is split until one resource is left; then
 *                      it is read back: the same content means our last
 *                      reply was lost (synced); the content we last had
 *                      acknowledged under a later version means a late
 *                      copy of our own earlier write landed (a request
 *                      the server applied after we gave up on it): ours
 *                      is sent again over that version; any other change
 *                      is a conflict, reported and never overwritten; a
 *                      reply that is not that resource is a 5xx;
 *   other 4xx          a bundle is split in halves until the resource at
 *                      fault is alone; its rows are kept as failed with
 *                      the server's OperationOutcome text; the rest go on.
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

#include "sync_internal.h"
#include "util.h"

#define PROBE_EVERY_MS 60000	/* idle and offline: look again after */
#define DB_RETRY_MS 1000	/* the store was busy: try again soon */
#define CHECKPOINT_MARKS 100	/* the builder checkpoints after as many
				 * rows and versions marked sent */

enum item_state {
	ITEM_TODO,
	ITEM_OK,
	ITEM_FAILED,
	ITEM_CONFLICT,
};

struct item {
	struct sync_ref ref;
	char id[37];
	json_t *body;
	char *text;		/* body as sent (compact JSON), written by
				 * the builder so that the loop need not */
	char hash[33];
	char vid[65];		/* version last acknowledged; "" if none */
	char acked_hash[33];	/* and its content's hash; "" if none */
	int rebases;		/* sent again over a later version of our
				 * own content (bounded) */
	bool skip;		/* the server has exactly this already */
	enum item_state state;
	char *new_vid;		/* version given by this pass's reply */
	size_t *rows;		/* indices of the rows that name it */
	size_t n_rows;
};

struct prow {
	int64_t id;
	size_t left;		/* named items not yet OK */
	bool named;		/* names at least one item */
	bool done;		/* sent, failed or conflict decided */
};

struct range {
	size_t lo, hi;		/* indices into pass->order */
};

struct pass {
	struct item *items;
	size_t n_items, cap_items;
	size_t *slots;		/* hash table of item index + 1; 0 empty */
	size_t n_slots;
	size_t *order;		/* items to send, dependencies first */
	size_t n_order, cap_order;
	struct prow *rows;
	size_t n_rows;
	struct range *stack;	/* ranges still to send; top is next */
	size_t n_stack, cap_stack;
	struct range inflight;
	char err[256];
};

struct failed_row {
	int64_t id;
	char *why;
};

/* A pass being built off the loop, and what the loop must then record. */
struct build_job {
	uv_work_t req;
	struct sync_engine *e;
	size_t max_rows, bundle_size;
	bool checkpoint;		/* copy the log into the database first */
	struct pass *pass;		/* NULL if the outbox could not be read */
	struct failed_row *failed;	/* rows whose resources cannot be made */
	size_t n_failed;
	int64_t *nothing;		/* rows with nothing left to send */
	size_t n_nothing;
	const char *base_url;		/* the engine's, for the first bundle */
	char *first;			/* the first bundle's JSON, or NULL */
	char err[300];
};

/*
 * A 2xx reply read off the loop, and the bundle to send next written
 * there too, on the guess that the reply confirms every entry (it nearly
 * always does; if not, the text is dropped).  The loop leaves the pass
 * alone until the job is back: nothing but a reply moves it on.
 */
struct reply_job {
	uv_work_t req;
	struct sync_engine *e;
	struct pass *pass;		/* read only here */
	char *body;			/* the reply's, copied */
	size_t body_len;
	long status;
	size_t n;			/* entries sent */
	char **vids;			/* their new versions (n), if rc 0 */
	int rc;				/* sync_transaction_reply's */
	char why[512];
	bool has_next;			/* a bundle is left to send */
	struct range next;		/* the next one (the stack's top) */
	char *next_body;		/* its JSON, or NULL */
	const char *base_url;
};

/* A pass to free off the loop (its bodies are thousands of JSON
 * values). */
struct free_job {
	uv_work_t req;
	struct sync_engine *e;
	struct pass *pass;
};

struct sync_engine {
	uv_loop_t *loop;
	struct mdt_store *store;
	char *path;			/* the store's file; NULL in memory */
	struct mdt_store *bstore;	/* the builder's connection (thread
					 * pool only, one build at a time) */
	struct build_job *job;		/* a pass being built */
	struct reply_job *rjob;		/* a reply being read (e->pass is
					 * the job's meanwhile) */
	size_t marked;			/* rows and versions marked since the
					 * builder last checkpointed */
	uv_work_t log_sync;		/* the log's marks synced to the disk */
	bool log_syncing;		/* log_sync queued or running */
	bool log_dirty;			/* marked since log_sync set out */
	size_t log_syncs;		/* log_sync jobs run (for the tests) */
	struct sync_config *cfg;	/* our copy; NULL: not configured */
	struct sync_http *http;
	uv_timer_t timer;		/* next pass (backoff or a yield) */
	struct pass *pass;
	bool busy;			/* a request is in flight */
	bool again;			/* kicked while busy */
	bool waiting;			/* timer armed for a retry */
	int64_t next_attempt_at;
	bool online;
	int64_t last_probe_at;		/* wall clock of the last metadata GET */
	char last_error[256];
	void (*on_change)(void *ctx);
	void *change_ctx;
	uint64_t rng;
	bool closing;
	int open_handles;		/* timer + http + jobs in the
					 * thread pool */
};

static void start_pass(struct sync_engine *e);
static void send_next(struct sync_engine *e);
static void send_bundle(struct sync_engine *e, char *body);
static char *bundle_json(const char *base_url, const struct pass *p,
    struct range r);
static void engine_free_if_closed(struct sync_engine *e);
static void sync_log_later(struct sync_engine *e);

/* ---- small helpers --------------------------------------------------- */

static void
changed(struct sync_engine *e)
{
	if (!e->closing && e->on_change != NULL)
		e->on_change(e->change_ctx);
}

static uint32_t
rnd(struct sync_engine *e)
{
	/* xorshift64*: jitter only, not for secrets */
	e->rng ^= e->rng >> 12;
	e->rng ^= e->rng << 25;
	e->rng ^= e->rng >> 27;
	return (uint32_t)((e->rng * UINT64_C(2685821657736338717)) >> 32);
}

static void
set_error(struct sync_engine *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_error(struct sync_engine *e, const char *fmt, ...)
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

static int64_t
now_ms(struct sync_engine *e)
{
	return mdt_store_now(e->store);
}

/* ---- the pass: items, rows and order --------------------------------- */

static void
pass_free(struct pass *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_items; i++) {
		json_decref(p->items[i].body);
		free(p->items[i].text);
		free(p->items[i].new_vid);
		free(p->items[i].rows);
	}
	free(p->items);
	free(p->slots);
	free(p->order);
	free(p->rows);
	free(p->stack);
	free(p);
}

/* In the thread pool: this thread gives way to the loop's (Linux: nice
 * is per thread); a job waits a little rather than a key. */
static void
give_way(void)
{
#ifdef __linux__
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 5);
#endif
}

static void
on_free(uv_work_t *req)
{
	struct free_job *f = req->data;

	give_way();
	pass_free(f->pass);
}

static void
on_freed(uv_work_t *req, int status)
{
	struct free_job *f = req->data;
	struct sync_engine *e = f->e;

	(void)status;
	free(f);
	e->open_handles--;
	if (e->closing)
		engine_free_if_closed(e);
}

/* Frees a pass the loop is done with, in the thread pool if it can. */
static void
pass_dispose(struct sync_engine *e, struct pass *p)
{
	struct free_job *f;

	if (p == NULL)
		return;
	f = mdt_xcalloc(1, sizeof(*f));
	f->e = e;
	f->pass = p;
	f->req.data = f;
	if (uv_queue_work(e->loop, &f->req, on_free, on_freed) == 0) {
		e->open_handles++;
		return;
	}
	free(f);
	pass_free(p);
}

static size_t
ref_hash(const struct sync_ref *r)
{
	size_t h = (size_t)r->kind * 31u + 7u;
	const char *s;

	for (s = r->uuid; *s != '\0'; s++)
		h = h * 131u + (unsigned char)*s;
	return h;
}

static bool
ref_eq(const struct sync_ref *a, const struct sync_ref *b)
{
	return a->kind == b->kind && strcmp(a->uuid, b->uuid) == 0;
}

/* The item for ref, or SIZE_MAX. */
static size_t
find_item(const struct pass *p, const struct sync_ref *r)
{
	size_t i, s;

	if (p->n_slots == 0)
		return SIZE_MAX;
	for (i = ref_hash(r) & (p->n_slots - 1); (s = p->slots[i]) != 0;
	    i = (i + 1) & (p->n_slots - 1))
		if (ref_eq(&p->items[s - 1].ref, r))
			return s - 1;
	return SIZE_MAX;
}

static void
rehash(struct pass *p)
{
	size_t i, j, n = p->n_slots == 0 ? 64 : p->n_slots * 2;

	free(p->slots);
	p->slots = mdt_xcalloc(n, sizeof(*p->slots));
	p->n_slots = n;
	for (i = 0; i < p->n_items; i++) {
		for (j = ref_hash(&p->items[i].ref) & (n - 1);
		    p->slots[j] != 0; j = (j + 1) & (n - 1))
			;
		p->slots[j] = i + 1;
	}
}

static size_t
new_item(struct pass *p, const struct sync_ref *r)
{
	struct item *it;
	size_t j;

	if (p->n_items == p->cap_items) {
		p->cap_items = p->cap_items == 0 ? 64 : p->cap_items * 2;
		p->items = mdt_xreallocarray(p->items, p->cap_items,
		    sizeof(*p->items));
	}
	it = &p->items[p->n_items++];
	memset(it, 0, sizeof(*it));
	it->ref = *r;
	sync_ref_id(r, it->id);
	if ((p->n_items) * 2 > p->n_slots)
		rehash(p);
	else {
		for (j = ref_hash(r) & (p->n_slots - 1); p->slots[j] != 0;
		    j = (j + 1) & (p->n_slots - 1))
			;
		p->slots[j] = p->n_items;
	}
	return p->n_items - 1;
}

static void
push_order(struct pass *p, size_t idx)
{
	if (p->n_order == p->cap_order) {
		p->cap_order = p->cap_order == 0 ? 64 : p->cap_order * 2;
		p->order = mdt_xreallocarray(p->order, p->cap_order,
		    sizeof(*p->order));
	}
	p->order[p->n_order++] = idx;
}

static void
push_range(struct pass *p, size_t lo, size_t hi)
{
	if (lo >= hi)
		return;
	if (p->n_stack == p->cap_stack) {
		p->cap_stack = p->cap_stack == 0 ? 16 : p->cap_stack * 2;
		p->stack = mdt_xreallocarray(p->stack, p->cap_stack,
		    sizeof(*p->stack));
	}
	p->stack[p->n_stack].lo = lo;
	p->stack[p->n_stack].hi = hi;
	p->n_stack++;
}

struct build_ctx {
	struct mdt_store *s;
	struct pass *p;
	struct sync_ref *deps;
	size_t n_deps, cap_deps;
};

static void
collect_dep(void *ctx, const struct sync_ref *r)
{
	struct build_ctx *b = ctx;

	if (b->n_deps == b->cap_deps) {
		b->cap_deps = b->cap_deps == 0 ? 8 : b->cap_deps * 2;
		b->deps = mdt_xreallocarray(b->deps, b->cap_deps,
		    sizeof(*b->deps));
	}
	b->deps[b->n_deps++] = *r;
}

/*
 * Makes the item for r (building its body) and, before it in the order,
 * every resource it refers to that the server has never acknowledged.
 * Returns its index, or SIZE_MAX if it cannot be built (p->err says why).
 */
static size_t
add_item(struct mdt_store *s, struct pass *p, const struct sync_ref *r,
    int depth)
{
	struct build_ctx b = { s, p, NULL, 0, 0 };
	sqlite3 *db = mdt_store_db(s);
	char hash[33], vid[65];
	struct item *it;
	size_t idx, i;
	json_t *body;
	bool found;

	idx = find_item(p, r);
	if (idx != SIZE_MAX)
		return idx;
	if (depth > 8) {
		snprintf(p->err, sizeof(p->err), "references nest too deep");
		return SIZE_MAX;
	}
	body = sync_map_build(db, r, collect_dep, &b, p->err,
	    sizeof(p->err));
	if (body == NULL) {
		free(b.deps);
		return SIZE_MAX;
	}
	for (i = 0; i < b.n_deps; i++) {
		char did[37], dvid[65], dhash[33];
		bool dfound;

		if (find_item(p, &b.deps[i]) != SIZE_MAX)
			continue;
		/* acknowledged once: the server has it to refer to */
		sync_ref_id(&b.deps[i], did);
		if (mdt_sync_version_get(s,
		    sync_kind_type(b.deps[i].kind), did, dvid, dhash,
		    &dfound) == MDT_OK && dfound)
			continue;
		/* a reference we cannot build fails the referrer */
		if (add_item(s, p, &b.deps[i], depth + 1) == SIZE_MAX) {
			free(b.deps);
			json_decref(body);
			return SIZE_MAX;
		}
	}
	free(b.deps);
	idx = new_item(p, r);
	it = &p->items[idx];
	it->body = body;
	sync_body_hash(body, hash);
	memcpy(it->hash, hash, sizeof(hash));
	if (mdt_sync_version_get(s, sync_kind_type(r->kind), it->id,
	    vid, hash, &found) == MDT_OK && found) {
		memcpy(it->vid, vid, sizeof(vid));
		memcpy(it->acked_hash, hash, sizeof(hash));
		it->skip = vid[0] != '\0' && strcmp(hash, it->hash) == 0;
	}
	if (it->skip)
		it->state = ITEM_OK;
	else {
		it->text = json_dumps(body, JSON_COMPACT);
		push_order(p, idx);
	}
	return idx;
}

static void
item_add_row(struct item *it, size_t row)
{
	size_t i;

	for (i = 0; i < it->n_rows; i++)
		if (it->rows[i] == row)
			return;
	it->rows = mdt_xreallocarray(it->rows, it->n_rows + 1,
	    sizeof(*it->rows));
	it->rows[it->n_rows++] = row;
}

struct row_ctx {
	struct mdt_store *s;
	struct pass *p;
	size_t row;
	bool failed;
};

static void
on_row_ref(void *ctx, const struct sync_ref *r)
{
	struct row_ctx *rc = ctx;
	struct pass *p = rc->p;
	size_t idx;

	if (rc->failed)
		return;
	idx = add_item(rc->s, p, r, 0);
	if (idx == SIZE_MAX) {
		rc->failed = true;
		return;
	}
	p->rows[rc->row].named = true;
	if (p->items[idx].state != ITEM_OK) {
		size_t before = p->items[idx].n_rows;

		item_add_row(&p->items[idx], rc->row);
		if (p->items[idx].n_rows > before)
			p->rows[rc->row].left++;
	}
}

/* ---- marking rows ---------------------------------------------------- */

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

	give_way();
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
	e->open_handles--;
	if (e->closing) {
		engine_free_if_closed(e);
		return;
	}
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
	if (uv_queue_work(e->loop, &e->log_sync, on_log_sync,
	    on_log_synced) == 0) {
		e->log_syncing = true;
		e->open_handles++;
	}
}

/*
 * Rows sent, and the versions the server gave, without waiting for the
 * disk: a power cut that undoes the mark only sends them again, which is
 * idempotent (our own ids; the same content is recognised on the way
 * back).  The next commit made with synchronous=FULL (every act of the
 * chair's) makes this one durable too, since the log is written in order.
 */
static enum mdt_status
mark_sent(struct sync_engine *e, const int64_t *ids, size_t n,
    const struct mdt_sync_version *v, size_t nv)
{
	sqlite3 *db = mdt_store_db(e->store);
	enum mdt_status st;

	sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	st = mdt_outbox_mark_sent(e->store, ids, n, v, nv);
	e->marked += n + nv;
	if (st == MDT_OK)
		sync_log_later(e);
	/* back to FULL whatever happened: the chair's acts depend on it */
	if (sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) !=
	    SQLITE_OK && st == MDT_OK)
		st = MDT_EDB;
	return st;
}

/* Rows whose items are all OK: sent, with the versions of the items in
 * [lo, hi) of the order.  Returns false if the store refused. */
static bool
mark_progress(struct sync_engine *e, struct pass *p, const size_t *idx,
    size_t n_idx)
{
	struct mdt_sync_version *v;
	int64_t *ids;
	size_t i, j, n_ids = 0, n_v = 0;
	enum mdt_status st;

	ids = mdt_xcalloc(p->n_rows + 1, sizeof(*ids));
	v = mdt_xcalloc(n_idx + 1, sizeof(*v));
	for (i = 0; i < n_idx; i++) {
		struct item *it = &p->items[idx[i]];

		if (it->state != ITEM_OK)
			continue;
		v[n_v].type = sync_kind_type(it->ref.kind);
		v[n_v].id = it->id;
		v[n_v].version_id = it->new_vid;
		v[n_v].body_hash = it->hash;
		n_v++;
		for (j = 0; j < it->n_rows; j++) {
			struct prow *r = &p->rows[it->rows[j]];

			if (r->done || r->left == 0)
				continue;
			if (--r->left == 0) {
				r->done = true;
				ids[n_ids++] = r->id;
			}
		}
	}
	st = mark_sent(e, ids, n_ids, v, n_v);
	free(ids);
	free(v);
	if (st != MDT_OK) {
		set_error(e, "cannot record what was sent: %s",
		    mdt_store_error(e->store));
		return false;
	}
	return true;
}

/* The rows naming the item become failed or conflict, with why. */
static void
mark_item_failed(struct sync_engine *e, struct pass *p, struct item *it,
    enum item_state state, const char *why)
{
	int64_t *ids = mdt_xcalloc(it->n_rows + 1, sizeof(*ids));
	size_t i, n = 0;

	it->state = state;
	for (i = 0; i < it->n_rows; i++) {
		struct prow *r = &p->rows[it->rows[i]];

		if (r->done)
			continue;
		r->done = true;
		ids[n++] = r->id;
	}
	if (n > 0 && mdt_outbox_mark_failed(e->store, ids, n,
	    state == ITEM_CONFLICT ? MDT_OUTBOX_CONFLICT : MDT_OUTBOX_FAILED,
	    why) != MDT_OK)
		set_error(e, "cannot record a failure: %s",
		    mdt_store_error(e->store));
	free(ids);
}

/* ---- scheduling ------------------------------------------------------ */

static void
on_timer(uv_timer_t *t)
{
	struct sync_engine *e = t->data;

	e->waiting = false;
	e->next_attempt_at = 0;
	start_pass(e);
}

/* Runs the next pass after delay_ms (0: on the next loop turn). */
static void
schedule(struct sync_engine *e, int64_t delay_ms, bool backoff)
{
	if (e->closing)
		return;
	if (delay_ms < 0)
		delay_ms = 0;
	e->waiting = backoff;
	e->next_attempt_at = backoff ? now_ms(e) + delay_ms : 0;
	uv_timer_start(&e->timer, on_timer, (uint64_t)delay_ms, 0);
}

/* The pass is over: go on with the next rows, or wait. */
static void
end_pass(struct sync_engine *e)
{
	struct mdt_outbox_counts c;
	int64_t now = now_ms(e);

	pass_dispose(e, e->pass);
	e->pass = NULL;
	e->busy = false;
	if (mdt_outbox_unsent_counts(e->store, &c) != MDT_OK) {
		set_error(e, "cannot read the outbox: %s",
		    mdt_store_error(e->store));
		schedule(e, DB_RETRY_MS, true);
	} else if (c.pending > 0 && c.next_at > now)
		schedule(e, c.next_at - now, true);
	else if (c.pending > 0 || e->again)
		schedule(e, 0, false);	/* yield to the loop first */
	e->again = false;
	changed(e);
}

/*
 * A transient failure: every row of the pass not yet decided waits
 * (attempts + 1, next_at), and the pass ends.
 */
static void
back_off(struct sync_engine *e, int64_t retry_after_s, const char *why)
{
	struct pass *p = e->pass;
	struct mdt_outbox_counts c;
	int64_t *ids, delay, at;
	size_t i, n = 0;
	int attempts = 1;

	if (mdt_outbox_unsent_counts(e->store, &c) == MDT_OK)
		attempts = c.max_attempts + 1;
	delay = sync_backoff_ms(attempts, e->cfg->retry_initial_ms,
	    e->cfg->retry_max_ms, retry_after_s, rnd(e));
	at = now_ms(e) + delay;
	ids = mdt_xcalloc(p != NULL ? p->n_rows + 1 : 1, sizeof(*ids));
	for (i = 0; p != NULL && i < p->n_rows; i++)
		if (!p->rows[i].done)
			ids[n++] = p->rows[i].id;
	if (n > 0 && mdt_outbox_mark_retry(e->store, ids, n, at, why) !=
	    MDT_OK)
		set_error(e, "cannot record the retry: %s",
		    mdt_store_error(e->store));
	else
		set_error(e, "%s", why);
	free(ids);
	pass_dispose(e, e->pass);
	e->pass = NULL;
	e->busy = false;
	e->again = false;
	schedule(e, delay, true);
	changed(e);
}

/* ---- building a pass ------------------------------------------------- */

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
	if (reply->curl_code != 0) {
		e->online = false;
		set_error(e, "cannot reach the central record: %s",
		    reply->error);
	} else if (reply->status == 429 || reply->status >= 500) {
		e->online = false;
		set_error(e, "the central record is unavailable (HTTP %ld)",
		    reply->status);
	} else {
		e->online = true;
		if (reply->status == 401 || reply->status == 403)
			set_error(e, "the central record refused our"
			    " credentials (HTTP %ld): check token_file and the"
			    " client certificate", reply->status);
		else
			e->last_error[0] = '\0';
	}
	if (e->again) {
		e->again = false;
		schedule(e, 0, false);
	}
	changed(e);
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
		set_error(e, "%s", err);
		return;
	}
	e->busy = true;
}

/*
 * Builds a pass of at most max_rows pending rows from store s: runs in the
 * thread pool on the builder's connection, or on the loop for a store in
 * memory.  Writes nothing; what is to be recorded goes in j.
 */
static void
build_pass(struct mdt_store *s, struct build_job *j)
{
	struct mdt_outbox_row *rows = NULL;
	sqlite3 *db = mdt_store_db(s);
	struct pass *p;
	size_t n_rows = 0, i, size;

	if (mdt_outbox_list(s, MDT_OUTBOX_MASK(MDT_OUTBOX_PENDING),
	    j->max_rows, &rows, &n_rows) != MDT_OK) {
		snprintf(j->err, sizeof(j->err), "cannot read the outbox: %s",
		    mdt_store_error(s));
		return;
	}
	p = mdt_xcalloc(1, sizeof(*p));
	p->rows = mdt_xcalloc(n_rows + 1, sizeof(*p->rows));
	p->n_rows = n_rows;
	j->failed = mdt_xcalloc(n_rows + 1, sizeof(*j->failed));
	j->nothing = mdt_xcalloc(n_rows + 1, sizeof(*j->nothing));

	/* one read transaction: every resource of the pass from one state
	 * of the store */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (i = 0; i < n_rows; i++) {
		struct row_ctx rc = { s, p, i, false };
		char err[256];

		p->rows[i].id = rows[i].id;
		p->err[0] = '\0';
		if (sync_map_row(db, rows[i].entity, rows[i].entity_uuid,
		    on_row_ref, &rc, err, sizeof(err)) != 0) {
			snprintf(p->err, sizeof(p->err), "%s", err);
			rc.failed = true;
		}
		if (rc.failed) {
			p->rows[i].done = true;
			j->failed[j->n_failed].id = rows[i].id;
			j->failed[j->n_failed++].why = mdt_xasprintf("cannot"
			    " make the FHIR resources of this %s: %s",
			    rows[i].entity, p->err);
		}
	}
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	mdt_outbox_rows_free(rows, n_rows);

	/* rows with nothing to send: all their resources already
	 * acknowledged with this content (or none to send at all) */
	for (i = 0; i < p->n_rows; i++)
		if (!p->rows[i].done && p->rows[i].left == 0) {
			p->rows[i].done = true;
			j->nothing[j->n_nothing++] = p->rows[i].id;
		}

	/* bundles of bundle_size, in order (the stack's top goes first) */
	size = j->bundle_size;
	for (i = (p->n_order + size - 1) / size; i > 0; i--)
		push_range(p, (i - 1) * size, i * size < p->n_order ?
		    i * size : p->n_order);
	/* and the first bundle's JSON, here rather than on the loop */
	if (p->n_stack > 0)
		j->first = bundle_json(j->base_url, p,
		    p->stack[p->n_stack - 1]);
	j->pass = p;
}

static void
job_free(struct build_job *j)
{
	size_t i;

	if (j == NULL)
		return;
	pass_free(j->pass);
	for (i = 0; i < j->n_failed; i++)
		free(j->failed[i].why);
	free(j->failed);
	free(j->nothing);
	free(j->first);
	free(j);
}

/* In the thread pool: touches only the job and the builder's
 * connection. */
static void
on_build(uv_work_t *req)
{
	struct build_job *j = req->data;
	struct sync_engine *e = j->e;
	char err[256];

	give_way();
	if (e->bstore == NULL) {
		if (mdt_store_open(e->path, NULL, 0, &e->bstore, err,
		    sizeof(err)) != MDT_OK) {
			snprintf(j->err, sizeof(j->err), "cannot read the"
			    " outbox: %s", err);
			return;
		}
		/* a small page cache: each of the chair's commits empties
		 * it anyway (another connection wrote), and the memory is
		 * the console's */
		sqlite3_exec(mdt_store_db(e->bstore), "PRAGMA cache_size ="
		    " -256", NULL, NULL, NULL);
	}
	build_pass(e->bstore, j);
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
	struct build_job *j = req->data;

	sqlite3_wal_checkpoint_v2(mdt_store_db(j->e->bstore), NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

/* On the loop: records what the build found and starts sending. */
static void
apply_build(struct sync_engine *e, struct build_job *j)
{
	size_t i;

	if (j->pass == NULL) {
		set_error(e, "%s", j->err);
		schedule(e, DB_RETRY_MS, true);
		changed(e);
		return;
	}
	for (i = 0; i < j->n_failed; i++) {
		mdt_outbox_mark_failed(e->store, &j->failed[i].id, 1,
		    MDT_OUTBOX_FAILED, j->failed[i].why);
		set_error(e, "%s", j->failed[i].why);
	}
	if (j->n_nothing > 0 && mark_sent(e, j->nothing, j->n_nothing, NULL,
	    0) != MDT_OK)
		set_error(e, "cannot record what was sent: %s",
		    mdt_store_error(e->store));
	e->pass = j->pass;
	j->pass = NULL;
	send_bundle(e, j->first);
	j->first = NULL;
}

static void
on_checkpointed(uv_work_t *req, int status)
{
	struct build_job *j = req->data;
	struct sync_engine *e = j->e;

	(void)status;
	e->job = NULL;
	e->open_handles--;
	job_free(j);
	if (e->closing) {
		engine_free_if_closed(e);
		return;
	}
	/* a pass was asked for meanwhile */
	if (e->again && e->pass == NULL && !e->busy) {
		e->again = false;
		schedule(e, 0, false);
	}
}

static void
on_built(uv_work_t *req, int status)
{
	struct build_job *j = req->data;
	struct sync_engine *e = j->e;
	bool checkpoint = j->checkpoint && j->pass != NULL;

	(void)status;
	e->job = NULL;
	e->open_handles--;
	if (e->closing) {
		job_free(j);
		engine_free_if_closed(e);
		return;
	}
	apply_build(e, j);
	job_free(j);
	if (checkpoint && e->bstore != NULL && !e->closing) {
		struct build_job *c = mdt_xcalloc(1, sizeof(*c));

		c->e = e;
		c->req.data = c;
		if (uv_queue_work(e->loop, &c->req, on_checkpoint,
		    on_checkpointed) == 0) {
			e->job = c;
			e->open_handles++;
		} else
			free(c);
	}
}

static void
start_pass(struct sync_engine *e)
{
	struct mdt_outbox_counts c;
	struct build_job *j;
	int64_t now;

	if (e->job != NULL && e->pass == NULL && !e->busy) {
		/* the builder's connection is checkpointing: afterwards */
		e->again = true;
		return;
	}
	if (e->closing || e->cfg == NULL || e->http == NULL || e->busy ||
	    e->pass != NULL || e->job != NULL)
		return;
	uv_timer_stop(&e->timer);
	e->waiting = false;
	e->next_attempt_at = 0;
	now = now_ms(e);
	if (mdt_outbox_unsent_counts(e->store, &c) != MDT_OK) {
		set_error(e, "cannot read the outbox: %s",
		    mdt_store_error(e->store));
		schedule(e, DB_RETRY_MS, true);
		changed(e);
		return;
	}
	if (c.pending == 0) {
		probe(e, now);
		changed(e);
		return;
	}
	if (c.next_at > now) {
		/* the schedule kept in the outbox (e.g. from before a
		 * restart) still holds */
		schedule(e, c.next_at - now, true);
		changed(e);
		return;
	}
	j = mdt_xcalloc(1, sizeof(*j));
	j->e = e;
	j->max_rows = pass_rows(e);
	j->bundle_size = (size_t)e->cfg->bundle_size;
	j->base_url = e->cfg->base_url;
	j->checkpoint = e->marked >= CHECKPOINT_MARKS;
	j->req.data = j;
	if (e->path != NULL && uv_queue_work(e->loop, &j->req, on_build,
	    on_built) == 0) {
		if (j->checkpoint)
			e->marked = 0;
		e->job = j;
		e->open_handles++;
		return;
	}
	/* in memory (tests), or no thread pool: here and now */
	build_pass(e->store, j);
	apply_build(e, j);
	job_free(j);
}

/* ---- sending --------------------------------------------------------- */

static void on_bundle_reply(void *ctx, const struct sync_reply *reply);
static void on_read_reply(void *ctx, const struct sync_reply *reply);

/* A growing string. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void
sb_add(struct sbuf *b, const char *s)
{
	size_t n;

	if (s == NULL) {
		b->failed = true;
		return;
	}
	n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap == 0 ? 4096 : b->cap * 2;
		b->s = mdt_xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* s as a JSON string, quoted and escaped. */
static void
sb_str(struct sbuf *b, const char *s)
{
	json_t *j = json_string(s);
	char *q = j != NULL ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	sb_add(b, q);
	free(q);
	json_decref(j);
}

/*
 * The transaction bundle for range r, from the texts the builder wrote
 * (making each from its JSON again took a millisecond or more a bundle).
 * Reads the pass only: written in the thread pool (the builder's job for
 * a pass's first bundle, a reply's job for the next) or, on the rarer
 * paths (a bundle split after a refusal, a read back), on the loop.
 */
static char *
bundle_json(const char *base_url, const struct pass *p, struct range r)
{
	struct sbuf b = { NULL, 0, 0, false };
	size_t i;

	sb_add(&b, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\","
	    "\"entry\":[");
	for (i = r.lo; i < r.hi; i++) {
		struct item *it = &p->items[p->order[i]];
		const char *type = sync_kind_type(it->ref.kind);
		char *url = mdt_xasprintf("%s/%s", type, it->id);
		char *full = mdt_xasprintf("%s/%s", base_url, url);

		sb_add(&b, i > r.lo ? ",{\"fullUrl\":" : "{\"fullUrl\":");
		sb_str(&b, full);
		sb_add(&b, ",\"resource\":");
		sb_add(&b, it->text);
		sb_add(&b, ",\"request\":{\"method\":\"PUT\",\"url\":");
		sb_str(&b, url);
		/* compare-and-swap: only over the version we last saw */
		if (it->vid[0] != '\0') {
			char *m = mdt_xasprintf("W/\"%s\"", it->vid);

			sb_add(&b, ",\"ifMatch\":");
			sb_str(&b, m);
			free(m);
		}
		sb_add(&b, "}}");
		free(url);
		free(full);
	}
	sb_add(&b, "]}");
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/*
 * Sends the bundle on top of the stack, or ends the pass if none is left.
 * body is that bundle's JSON if it was written off the loop (taken and
 * freed), else NULL: it is written here.
 */
static void
send_bundle(struct sync_engine *e, char *body)
{
	struct pass *p = e->pass;
	char err[256];
	int rc;

	if (e->closing || p == NULL || p->n_stack == 0) {
		free(body);
		if (!e->closing && p != NULL)
			end_pass(e);
		return;
	}
	p->inflight = p->stack[--p->n_stack];
	if (body == NULL)
		body = bundle_json(e->cfg->base_url, p, p->inflight);
	if (body == NULL) {
		back_off(e, 0, "cannot write a bundle (out of memory?)");
		return;
	}
	rc = sync_http_request(e->http, "POST", "", body, NULL,
	    on_bundle_reply, e, err, sizeof(err));
	free(body);
	if (rc != 0) {
		back_off(e, 0, err);
		return;
	}
	e->busy = true;
	changed(e);
}

static void
send_next(struct sync_engine *e)
{
	send_bundle(e, NULL);
}

/* One line saying what the server said. */
static void
describe(const struct sync_reply *reply, char *out, size_t len)
{
	char text[400];

	if (sync_outcome_text(reply->body, text, sizeof(text)))
		snprintf(out, len, "HTTP %ld: %s", reply->status, text);
	else
		snprintf(out, len, "HTTP %ld", reply->status);
}

/* The reply's answer for transient failures and refusals of the whole
 * exchange (not of one resource). */
static bool
whole_exchange_failed(struct sync_engine *e, const struct sync_reply *reply,
    bool reading)
{
	char what[1200];

	if (reply->curl_code != 0) {
		e->online = false;
		snprintf(what, sizeof(what), "cannot reach the central record:"
		    " %s", reply->error);
		back_off(e, 0, what);
		return true;
	}
	if (reply->status == 429 || reply->status >= 500) {
		char said[512];

		e->online = false;
		describe(reply, said, sizeof(said));
		if (reply->retry_after_s > 0)
			snprintf(what, sizeof(what), "the central record is"
			    " busy (%s; Retry-After %" PRId64 " s)", said,
			    reply->retry_after_s);
		else
			snprintf(what, sizeof(what), "the central record is"
			    " unavailable (%s)", said);
		back_off(e, reply->retry_after_s, what);
		return true;
	}
	e->online = true;
	if (reply->status >= 300 && reply->status < 400) {
		snprintf(what, sizeof(what), "the central record answered"
		    " HTTP %ld (a redirect); redirects are not followed: check"
		    " base_url", reply->status);
		back_off(e, 0, what);
		return true;
	}
	if (reply->status == 401 || reply->status == 403 ||
	    reply->status == 407) {
		char said[512];

		describe(reply, said, sizeof(said));
		snprintf(what, sizeof(what), "the central record refused our"
		    " credentials (%s): check token_file and the client"
		    " certificate", said);
		back_off(e, reply->retry_after_s, what);
		return true;
	}
	/* reading back one resource, "not there" is an answer about it */
	if (reading && (reply->status == 404 || reply->status == 410))
		return false;
	if (reply->status >= 400 && reply->status != 400 &&
	    reply->status != 409 && reply->status != 412 &&
	    reply->status != 422) {
		char said[512];

		describe(reply, said, sizeof(said));
		snprintf(what, sizeof(what), "the central record answered %s;"
		    " is base_url right?", said);
		back_off(e, reply->retry_after_s, what);
		return true;
	}
	return false;
}

static void
reply_job_free(struct reply_job *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		free(j->vids[i]);
	free(j->vids);
	free(j->body);
	free(j->next_body);
	free(j);
}

/* Reads a 2xx reply and writes the next bundle: in the thread pool, or
 * on the loop if it cannot be had.  Touches only the job and reads the
 * pass. */
static void
read_reply(struct reply_job *j)
{
	j->rc = sync_transaction_reply(j->body, j->body_len, j->n, j->vids,
	    j->why, sizeof(j->why));
	if (j->rc == 0 && j->has_next)
		j->next_body = bundle_json(j->base_url, j->pass, j->next);
}

static void
on_read(uv_work_t *req)
{
	give_way();
	read_reply(req->data);
}

/* On the loop: what a 2xx reply said, recorded; then the next bundle. */
static void
apply_reply(struct sync_engine *e, struct reply_job *j)
{
	struct pass *p = e->pass;
	struct range r = p->inflight;
	size_t i, *idx;
	char what[640];

	if (j->rc != 0) {
		snprintf(what, sizeof(what), "the central record answered HTTP"
		    " %ld but %s; nothing taken as sent", j->status, j->why);
		back_off(e, 0, what);
		return;
	}
	/* all or nothing: every resource of the bundle is there */
	idx = mdt_xcalloc(j->n + 1, sizeof(*idx));
	for (i = r.lo; i < r.hi; i++) {
		struct item *it = &p->items[p->order[i]];

		it->state = ITEM_OK;
		free(it->new_vid);
		it->new_vid = j->vids[i - r.lo];
		j->vids[i - r.lo] = NULL;
		idx[i - r.lo] = p->order[i];
	}
	if (!mark_progress(e, p, idx, j->n)) {
		free(idx);
		back_off(e, 0, e->last_error);
		return;
	}
	free(idx);
	e->last_error[0] = '\0';
	/* the stack is as it was when the job set out: next_body is the
	 * bundle on its top */
	send_bundle(e, j->next_body);
	j->next_body = NULL;
}

static void
on_read_done(uv_work_t *req, int status)
{
	struct reply_job *j = req->data;
	struct sync_engine *e = j->e;

	(void)status;
	e->rjob = NULL;
	e->open_handles--;
	if (e->closing) {
		/* the pass was left to the job (sync_engine_close): its rows
		 * stay pending, to be sent again and recognised then */
		pass_free(j->pass);
		reply_job_free(j);
		engine_free_if_closed(e);
		return;
	}
	e->busy = false;
	apply_reply(e, j);
	reply_job_free(j);
}

/* A 2xx reply to the bundle in flight: read it (and write the next
 * bundle) off the loop; the exchange counts as under way till then. */
static void
reply_2xx(struct sync_engine *e, const struct sync_reply *reply)
{
	struct reply_job *j = mdt_xcalloc(1, sizeof(*j));
	struct pass *p = e->pass;

	j->e = e;
	j->pass = p;
	j->body = mdt_xmalloc(reply->body_len + 1);
	memcpy(j->body, reply->body, reply->body_len);
	j->body[reply->body_len] = '\0';
	j->body_len = reply->body_len;
	j->status = reply->status;
	j->n = p->inflight.hi - p->inflight.lo;
	j->vids = mdt_xcalloc(j->n + 1, sizeof(*j->vids));
	if (p->n_stack > 0) {
		j->has_next = true;
		j->next = p->stack[p->n_stack - 1];
	}
	j->base_url = e->cfg->base_url;
	j->req.data = j;
	if (uv_queue_work(e->loop, &j->req, on_read, on_read_done) == 0) {
		e->rjob = j;
		e->open_handles++;
		e->busy = true;
		return;
	}
	read_reply(j);
	apply_reply(e, j);
	reply_job_free(j);
}

static void
on_bundle_reply(void *ctx, const struct sync_reply *reply)
{
	struct sync_engine *e = ctx;
	struct pass *p = e->pass;
	struct range r = p->inflight;

	e->busy = false;
	if (whole_exchange_failed(e, reply, false))
		return;
	if (reply->status >= 200 && reply->status < 300) {
		reply_2xx(e, reply);
		return;
	}
	/* a refusal: find the resource at fault */
	if (r.hi - r.lo > 1) {
		size_t mid = r.lo + (r.hi - r.lo) / 2;

		push_range(p, mid, r.hi);
		push_range(p, r.lo, mid);
		send_next(e);
		return;
	}
	{
		struct item *it = &p->items[p->order[r.lo]];
		const char *type = sync_kind_type(it->ref.kind);
		char said[512], why[768], url[64], err[256];

		if (reply->status == 409 || reply->status == 412) {
			/* read it back: our own earlier write whose reply was
			 * lost, or someone else's change? */
			snprintf(url, sizeof(url), "%s/%s", type, it->id);
			if (sync_http_request(e->http, "GET", url, NULL, NULL,
			    on_read_reply, e, err, sizeof(err)) != 0) {
				back_off(e, 0, err);
				return;
			}
			e->busy = true;
			return;
		}
		describe(reply, said, sizeof(said));
		snprintf(why, sizeof(why), "the central record refused %s/%s:"
		    " %s", type, it->id, said);
		mark_item_failed(e, p, it, ITEM_FAILED, why);
		set_error(e, "%s", why);
		changed(e);
		send_next(e);
	}
}

static void
on_read_reply(void *ctx, const struct sync_reply *reply)
{
	struct sync_engine *e = ctx;
	struct pass *p = e->pass;
	size_t at = p->order[p->inflight.lo];
	struct item *it = &p->items[at];
	const char *type = sync_kind_type(it->ref.kind);
	char why[768], said[512], *v = NULL;
	enum sync_read rb;

	e->busy = false;
	if (whole_exchange_failed(e, reply, true))
		return;
	if (reply->status == 404 || reply->status == 410) {
		snprintf(why, sizeof(why), "%s/%s is no longer on the central"
		    " record (removed there since mdtchair sent it); not sent"
		    " again", type, it->id);
		mark_item_failed(e, p, it, ITEM_CONFLICT, why);
		set_error(e, "%s", why);
		changed(e);
		send_next(e);
		return;
	}
	if (reply->status != 200) {
		describe(reply, said, sizeof(said));
		snprintf(why, sizeof(why), "cannot read back %s/%s after a"
		    " version conflict: %s", type, it->id, said);
		mark_item_failed(e, p, it, ITEM_CONFLICT, why);
		set_error(e, "%s", why);
		changed(e);
		send_next(e);
		return;
	}
	rb = sync_read_back(reply->body, reply->body_len, it->body,
	    it->acked_hash, &v);
	if (rb == SYNC_READ_UNKNOWN) {
		/* not an answer about this resource: try again later */
		describe(reply, said, sizeof(said));
		snprintf(why, sizeof(why), "cannot read back %s/%s after a"
		    " version conflict: the reply (%s) is not that resource",
		    type, it->id, said);
		back_off(e, 0, why);
		return;
	}
	if (rb == SYNC_READ_SAME) {
		/* the server already has exactly this: our reply was lost */
		it->state = ITEM_OK;
		free(it->new_vid);
		it->new_vid = v;
		if (!mark_progress(e, p, &at, 1)) {
			back_off(e, 0, e->last_error);
			return;
		}
		send_next(e);
		return;
	}
	if (rb == SYNC_READ_EARLIER && v != NULL && it->rebases < 3) {
		/* the server holds what we last wrote, under a later
		 * version: our own write again, not someone else's change.
		 * Send ours over that version. */
		it->rebases++;
		mdt_strlcpy(it->vid, v, sizeof(it->vid));
		free(v);
		push_range(p, p->inflight.lo, p->inflight.lo + 1);
		send_next(e);
		return;
	}
	snprintf(why, sizeof(why), "%s/%s was changed on the central record"
	    " (now version %s; mdtchair last saw %s); not overwritten: settle"
	    " it there, then retry", type, it->id, v != NULL ? v : "?",
	    it->vid[0] != '\0' ? it->vid : "none");
	free(v);
	mark_item_failed(e, p, it, ITEM_CONFLICT, why);
	set_error(e, "%s", why);
	changed(e);
	send_next(e);
}

/* ---- the engine ------------------------------------------------------ */

static char *
dup_or_null(const char *s)
{
	return s != NULL ? mdt_xstrdup(s) : NULL;
}

static struct sync_config *
config_dup(const struct sync_config *c)
{
	struct sync_config *d = mdt_xcalloc(1, sizeof(*d));

	*d = *c;
	d->base_url = dup_or_null(c->base_url);
	d->ca_file = dup_or_null(c->ca_file);
	d->client_cert = dup_or_null(c->client_cert);
	d->client_key = dup_or_null(c->client_key);
	d->token_file = dup_or_null(c->token_file);
	d->quorum = dup_or_null(c->quorum);	/* freed with the copy */
	return d;
}

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

		e->cfg = config_dup(cfg);
		e->http = sync_http_new(loop, e->cfg, why, sizeof(why));
		if (e->http == NULL) {
			/* nothing will be sent: the reason stays shown */
			set_error(e, "%s", why);
			return e;
		}
		e->open_handles++;
		if (!sync_http_async_dns())
			set_error(e, "this libcurl resolves names synchronously:"
			    " the screen may pause while it looks up the"
			    " server");
	}
	return e;
}

void
sync_engine_kick(struct sync_engine *e)
{
	if (e == NULL || e->closing || e->cfg == NULL || e->http == NULL)
		return;
	if (e->busy || e->pass != NULL || e->job != NULL) {
		e->again = true;
		return;
	}
	if (e->waiting)
		return;
	/* on the next turn of the loop: the act that kicked is drawn
	 * first, before the builder takes a processor */
	if (!uv_is_active((uv_handle_t *)&e->timer))
		schedule(e, 0, false);
}

void
sync_engine_send_now(struct sync_engine *e)
{
	if (e == NULL || e->closing || e->cfg == NULL || e->http == NULL)
		return;
	if (mdt_outbox_due_now(e->store) != MDT_OK)
		set_error(e, "cannot reschedule the outbox: %s",
		    mdt_store_error(e->store));
	e->last_probe_at = 0;
	if (e->busy || e->pass != NULL || e->job != NULL) {
		e->again = true;
		return;
	}
	e->waiting = false;
	start_pass(e);
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

static void
engine_free_if_closed(struct sync_engine *e)
{
	if (e->open_handles > 0)
		return;
	mdt_store_free(e->bstore);
	free(e->path);
	sync_config_free(e->cfg);
	free(e);
}

static void
on_timer_closed(uv_handle_t *h)
{
	struct sync_engine *e = h->data;

	e->open_handles--;
	engine_free_if_closed(e);
}

static void
on_http_closed(void *ctx)
{
	struct sync_engine *e = ctx;

	e->http = NULL;
	e->open_handles--;
	engine_free_if_closed(e);
}

void
sync_engine_close(struct sync_engine *e)
{
	if (e == NULL || e->closing)
		return;
	e->closing = true;
	e->on_change = NULL;
	/* a reply being read has the pass: it is freed with the job (one
	 * not yet begun need not run) */
	if (e->rjob != NULL)
		uv_cancel((uv_req_t *)&e->rjob->req);
	else
		pass_dispose(e, e->pass);
	e->pass = NULL;
	/* a build not yet begun need not run; one running is waited for
	 * (on_built) */
	if (e->job != NULL)
		uv_cancel((uv_req_t *)&e->job->req);
	if (e->log_syncing)
		uv_cancel((uv_req_t *)&e->log_sync);
	uv_timer_stop(&e->timer);
	uv_close((uv_handle_t *)&e->timer, on_timer_closed);
	if (e->http != NULL)
		sync_http_close(e->http, on_http_closed, e);
}
