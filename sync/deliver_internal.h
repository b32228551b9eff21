/*
 * deliver_internal.h - what deliver.c (the exchange with the central
 * record) and deliver_build.c (building its passes) share.  Internal to
 * sync/.
 */
#ifndef MDT_DELIVER_INTERNAL_H
#define MDT_DELIVER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "engine.h"
#include "pass.h"

#define DB_RETRY_MS 1000	/* the store was busy: try again soon */

/* A pass being built off the loop, and what the loop must then record. */
struct sync_build_job {
	uv_work_t req;
	struct sync_engine *e;
	bool checkpoint;		/* copy the log into the database first */
	bool ahead;			/* built while the pass before it is
					 * sent (gen its), to follow it */
	uint64_t gen;
	int64_t *exclude;		/* b's: that pass's rows */
	struct sync_ref *avoid;		/* b's: that pass's resources */
	struct sync_pass_build b;	/* base_url: the engine's */
};

/* ---- deliver.c ------------------------------------------------------- */

/* Runs the next pass after delay_ms (0: on the next loop turn); backoff:
 * the wait is a back-off, shown as such. */
void sync_deliver_schedule(struct sync_engine *e, int64_t delay_ms,
    bool backoff);
/* No pass: go on with the next rows, or wait. */
void sync_deliver_after_pass(struct sync_engine *e);
/* Sends the pass's next bundle (body: its JSON if already written). */
void sync_deliver_send_bundle(struct sync_engine *e, char *body);

/* ---- deliver_build.c ------------------------------------------------- */

/* Starts a pass if none is running: built off the loop where it can be. */
void sync_deliver_start(struct sync_engine *e);
/* On the loop: records what a build found and starts sending. */
void sync_deliver_apply_build(struct sync_engine *e,
    struct sync_build_job *j);
/* The next pass built while this one is sent, if it may be. */
void sync_deliver_build_ahead(struct sync_engine *e);
/* The pass built ahead is not to follow: dropped. */
void sync_deliver_drop_ahead(struct sync_engine *e);
void sync_deliver_job_free(struct sync_build_job *j);

#endif
