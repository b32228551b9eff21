/*
 * engine.h - the sync engine's state, shared by its files (not for tui/,
 * which knows the engine through sync.h): engine.c (its life, and what
 * its files share), marks.c (recording what a pass achieved) and
 * deliver.c and deliver_build.c (running the passes).
 */
#ifndef MDT_SYNC_ENGINE_H
#define MDT_SYNC_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "pass.h"
#include "sync.h"

struct mdt_store;
struct mdt_sync_version;
struct sync_build_job;		/* deliver_internal.h */
struct sync_reply_job;		/* deliver.c's */
struct sync_marks_later;	/* deliver.c's */
struct sync_http;

struct sync_engine {
	uv_loop_t *loop;
	struct mdt_store *store;
	char *path;			/* the store's file; NULL in memory */
	struct mdt_store *bstore;	/* the builder's connection (thread
					 * pool only, one build at a time) */
	struct sync_build_job *job;	/* a pass being built */
	struct sync_build_job *ready;	/* the next pass, built while this
					 * one's last bundles are sent, to go
					 * when it ends */
	bool ahead_ok;			/* this pass went without a hitch so
					 * far: the next, built meanwhile,
					 * may follow it */
	bool ahead_wait;		/* the pass ended; the next is still
					 * being built: it goes when back */
	bool ahead_tried;		/* the next was built during this */
	bool ahead_retry;		/* and held some of this one's
					 * resources: once more after a reply */
	bool replied;			/* a 2xx reply recorded since the
					 * next was last built */
	uint64_t pass_gen;		/* passes begun */
	size_t passes_ahead;		/* passes built ahead that went
					 * (for the tests) */
	struct sync_reply_job *rjob;	/* a reply being read (e->pass is
					 * the job's meanwhile) */
	struct sync_marks_later *later;	/* a reply's rows, marked on the
					 * loop's next turn (marks_idle) */
	struct sync_reply *held_reply;	/* a reply that came while the one
					 * before was read: taken after */
	size_t held_replies;		/* how many (for the tests) */
	uv_idle_t marks_idle;
	bool marks_made;		/* marks_idle made */
	size_t marked;			/* rows and versions marked since the
					 * builder last checkpointed */
	uv_work_t log_sync;		/* the log's marks synced to the disk */
	bool log_syncing;		/* log_sync queued or running */
	bool log_dirty;			/* marked since log_sync set out */
	size_t log_syncs;		/* log_sync jobs run (for the tests) */
	struct sync_config *cfg;	/* our copy; NULL: not configured */
	struct sync_http *http;
	uv_timer_t timer;		/* next pass (backoff or a yield) */
	struct sync_pass *pass;
	bool busy;			/* a request is in flight */
	bool mark_failed;		/* the rows of the reply before the
					 * one in flight were not marked:
					 * back off when it comes */
	bool again;			/* kicked while busy */
	bool waiting;			/* timer armed for a retry */
	int64_t next_attempt_at;
	bool online;
	int64_t last_probe_at;		/* wall clock of the last metadata GET */
	char last_error[256];
	struct sync_pull_job *pull;	/* the record being read back */
	struct sync_elsewhere_job *ew;	/* then the discussions elsewhere */
	uv_timer_t pull_timer;		/* a pull due every pull_minutes */
	bool pull_timing;		/* pull_timer made */
	uv_idle_t merge_idle;		/* a pull's Tasks merged in parts,
					 * one a turn of the loop */
	bool merge_made;		/* merge_idle made */
	bool pull_due;			/* a pull is due once the queue is
					 * drained and the record answers */
	int64_t pulls;			/* pulls ended (the screens reload) */
	struct sync_pull_result last_pull;	/* the last one's */
	void (*on_change)(void *ctx);
	void *change_ctx;
	uint64_t rng;
	bool closing;
	int open_handles;		/* timer + http + jobs in the
					 * thread pool */
};

/* ---- engine.c ------------------------------------------------------- */

/* The engine's last error, one line (printf-style). */
void sync_engine_error(struct sync_engine *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* In the thread pool: this thread gives way to the loop's. */
void sync_give_way(void);
/* Frees a pass the loop is done with, in the thread pool if it can. */
void sync_engine_dispose_pass(struct sync_engine *e, struct sync_pass *p);
/* A closing engine is freed once nothing of it is open (its timer, its
 * HTTP client, its jobs). */
void sync_engine_free_if_closed(struct sync_engine *e);
/* Queues work in the thread pool as one of the engine's jobs, counted
 * as open until it is back; 0, or libuv's error (then nothing runs). */
int sync_engine_queue(struct sync_engine *e, uv_work_t *req,
    uv_work_cb work, uv_after_work_cb after);
/* One of the engine's jobs or handles is back (its memory freed first if
 * the engine is closing): true if the engine is closing, and then it is
 * freed once this was the last (the caller must not touch it again). */
bool sync_engine_job_back(struct sync_engine *e);

/* For the tests: whether a reply is being read in the thread pool (the
 * engine then waits for it before it goes on). */
bool sync_engine_reading(const struct sync_engine *e);
/* For the tests: how many times the log has been synced in the thread
 * pool after rows were marked sent. */
size_t sync_engine_log_syncs(const struct sync_engine *e);
/* For the tests: how many passes were built while the pass before was
 * still being sent, and then sent. */
size_t sync_engine_passes_ahead(const struct sync_engine *e);
/* For the tests: how many replies came while the one before was still
 * being read, and were taken after it. */
size_t sync_engine_held_replies(const struct sync_engine *e);

/* The screens are told the status changed (to redraw). */
void sync_engine_changed(struct sync_engine *e);
/* The queue is drained and the record answers: a pull due starts. */
void sync_engine_pull_if_due(struct sync_engine *e);
/* Closing: the pull timer closed, a pull under way dropped (nothing of
 * it taken). */
void sync_engine_pull_close(struct sync_engine *e);

/* ---- pull.c --------------------------------------------------------- */

struct sync_pull_job;

/*
 * The record read back on the loop, through h (the engine's client): the
 * searches of sync_pull, each reply taken on the loop.  done(ctx) is
 * called on the loop once every page has come or the pull stopped (never
 * from within this call: check sync_pull_finished after it); then
 * sync_pull_end.  DESTRUCTOR: sync_pull_end.
 */
struct sync_pull_job *sync_pull_begin(struct sync_http *h,
    struct mdt_store *s, const struct sync_config *cfg,
    void (*done)(void *ctx), void *ctx);
bool sync_pull_finished(const struct sync_pull_job *j);
/* Once finished: the next most Tasks merged in a transaction of their
 * own (mdt_pull_apply_part), then the time of the pull; true when there
 * is nothing left to merge (or it failed), so that sync_pull_end takes
 * no more than the rest. */
bool sync_pull_merge_part(struct sync_pull_job *j, size_t most);
/* Merges what came, if every page did (one transaction; a pull that
 * stopped has its reason remembered), frees the job and copies what it
 * did into out (may be NULL).  A job not finished (its client closed)
 * takes nothing.  0, or -1 with out->error. */
int sync_pull_end(struct sync_pull_job *j, struct sync_pull_result *out);

/* ---- elsewhere.c ---------------------------------------------------- */

struct sync_elsewhere_job;

/*
 * The next agenda's patients' discussions elsewhere read back on the
 * loop through h, as sync_pull_elsewhere reads them; done(ctx) as for
 * sync_pull_begin (never from within this call: check
 * sync_elsewhere_finished after it).  DESTRUCTOR: sync_elsewhere_end,
 * which keeps what came if every page did (one transaction), and copies
 * what it did into out (may be NULL); 0, or -1 with out->error.
 */
struct sync_elsewhere_job *sync_elsewhere_begin(struct sync_http *h,
    struct mdt_store *s, const struct sync_config *cfg,
    void (*done)(void *ctx), void *ctx);
bool sync_elsewhere_finished(const struct sync_elsewhere_job *j);
int sync_elsewhere_end(struct sync_elsewhere_job *j,
    struct sync_elsewhere_result *out);

/* ---- marks.c -------------------------------------------------------- */

/*
 * Rows sent, and the versions the server gave (nv of them), without
 * waiting for the disk; the log is synced off the loop afterwards.
 */
enum mdt_status sync_mark_sent(struct sync_engine *e, const int64_t *ids,
    size_t n, const struct mdt_sync_version *v, size_t nv);
/* The rows all of whose items are now OK: sent, with the versions of the
 * items idx[0..n_idx) that are OK.  False if the store refused (the
 * engine's error says why). */
bool sync_mark_progress(struct sync_engine *e, struct sync_pass *p,
    const size_t *idx, size_t n_idx);
/* The item's state becomes state (failed or conflict), and so do the
 * rows naming it that are not yet decided, with why. */
void sync_mark_item_failed(struct sync_engine *e, struct sync_pass *p,
    struct sync_item *it, enum sync_item_state state, const char *why);

#endif
