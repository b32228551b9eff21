/*
 * outbox.h - the outbox as delivery sees it (outbox.c): counts by
 * state, the rows to send or to show, and the state changes sync/ records
 * after each exchange with the central record, with the versions the
 * server gave each resource.
 */
#ifndef MDT_OUTBOX_H
#define MDT_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Outbox rows not yet delivered to the central record (state pending,
 * failed or conflict). */
enum mdt_status mdt_outbox_pending(struct mdt_store *s, int64_t *count);

/*
 * Each outbox row names one changed record (entity, entity_uuid).  sync/
 * turns it into FHIR resources built from the store at send time, and
 * records here what became of it.  No network code lives in core/.
 */
enum mdt_outbox_state {
	MDT_OUTBOX_PENDING,	/* to send, or to retry at next_at */
	MDT_OUTBOX_SENT,	/* acknowledged (2xx) by the central record */
	MDT_OUTBOX_FAILED,	/* refused by the server; last_error says why */
	MDT_OUTBOX_CONFLICT,	/* changed on the server meanwhile; not
				 * overwritten, for a person to settle */
};

#define MDT_OUTBOX_MASK(st) (1u << (st))

const char *mdt_outbox_state_name(enum mdt_outbox_state st);

/*
 * The longest a pending row can be made to wait (sync's backoff is capped
 * at a day, a server's Retry-After at an hour): a next_at further ahead
 * was stamped by a clock since put right, or by hand, and the row is due
 * now rather than held for ever.
 */
#define MDT_OUTBOX_WAIT_MAX_MS INT64_C(86400000)

/*
 * A row that cannot go while a resource it needs is refused waits with
 * last_error beginning so ("waiting on Task/<id> (...)"), its next try a
 * day off (MDT_OUTBOX_HELD_MS): it goes again once something is delivered
 * (mdt_outbox_release_held), or when a person retries the refused rows.
 */
#define MDT_OUTBOX_WAITING_ON "waiting on "
#define MDT_OUTBOX_HELD_MS (MDT_OUTBOX_WAIT_MAX_MS - 1000)

struct mdt_outbox_counts {
	int64_t pending, sent, failed, conflict;
	int64_t last_sent_at;	/* latest sent_at; 0 if nothing sent */
	int64_t next_at;	/* when the first pending row is due (the
				 * earliest next_at among them, now if one
				 * is stamped past MDT_OUTBOX_WAIT_MAX_MS);
				 * 0 if none pending */
	int max_attempts;	/* most attempts among pending rows */
};

enum mdt_status mdt_outbox_counts(struct mdt_store *s,
    struct mdt_outbox_counts *out);
/* The same without the sent rows (sent and last_sent_at are 0), for the
 * status bar and the engine's scheduling.  Both cost a few index lookups
 * however long the history (the counts by state are kept by triggers). */
enum mdt_status mdt_outbox_unsent_counts(struct mdt_store *s,
    struct mdt_outbox_counts *out);

struct mdt_outbox_row {
	int64_t id;
	char entity[16];	/* "action", "note", ... */
	char entity_uuid[37];
	enum mdt_outbox_state state;
	int attempts;
	int64_t created_at;
	int64_t next_at;
	int64_t sent_at;	/* 0 unless sent */
	char *label;		/* what it is, for people ("action: ...") */
	char *last_error;	/* NULL if none */
};

/*
 * The rows whose state is in mask (MDT_OUTBOX_MASK bits), oldest first
 * (the order of delivery), at most max (0: no limit).  DESTRUCTOR:
 * mdt_outbox_rows_free.
 */
enum mdt_status mdt_outbox_list(struct mdt_store *s, unsigned mask,
    size_t max, struct mdt_outbox_row **rows, size_t *n);
void mdt_outbox_rows_free(struct mdt_outbox_row *rows, size_t n);
/* The same from the row of id from_id on (a list scrolled down). */
enum mdt_status mdt_outbox_list_from(struct mdt_store *s, unsigned mask,
    int64_t from_id, size_t max, struct mdt_outbox_row **rows, size_t *n);
/* The id of the row back rows before before_id among those in mask (0
 * when there are fewer: from the first), for a list scrolled up. */
enum mdt_status mdt_outbox_id_before(struct mdt_store *s, unsigned mask,
    int64_t before_id, size_t back, int64_t *id);

/*
 * The pending rows due now (next_at passed, or past the longest wait),
 * oldest first, at most max: a row waiting out its own backoff never
 * holds back the others.  DESTRUCTOR: mdt_outbox_rows_free.
 */
enum mdt_status mdt_outbox_list_due(struct mdt_store *s, size_t max,
    struct mdt_outbox_row **rows, size_t *n);

/* What the server acknowledged for one resource. */
struct mdt_sync_version {
	const char *type;	/* "Task" */
	const char *id;		/* our UUID */
	const char *version_id;	/* meta.versionId / ETag; NULL if unknown */
	const char *body_hash;	/* hash of the body sent; NULL if unknown */
};

/*
 * One transaction: the pending rows among ids become sent (sent_at now,
 * last_error cleared) and each version is recorded (replacing the old).
 * Not flushed on its own (mdt_tx_run_unflushed): a mark lost to a power
 * cut only sends the rows again.
 */
enum mdt_status mdt_outbox_mark_sent(struct mdt_store *s, const int64_t *ids,
    size_t n, const struct mdt_sync_version *v, size_t nv);

/* The pending rows among ids: attempts + 1, next_at, last_error = why. */
enum mdt_status mdt_outbox_mark_retry(struct mdt_store *s, const int64_t *ids,
    size_t n, int64_t next_at, const char *why);

/* The pending rows among ids become failed or conflict, with why. */
enum mdt_status mdt_outbox_mark_failed(struct mdt_store *s,
    const int64_t *ids, size_t n, enum mdt_outbox_state state,
    const char *why);

/* The rows held waiting on a refused resource, oldest first, at most
 * max.  DESTRUCTOR: mdt_outbox_rows_free. */
enum mdt_status mdt_outbox_list_held(struct mdt_store *s, size_t max,
    struct mdt_outbox_row **rows, size_t *n);
enum mdt_status mdt_outbox_list_held_from(struct mdt_store *s,
    int64_t from_id, size_t max, struct mdt_outbox_row **rows, size_t *n);

/* The rows held waiting on a refused resource are due now (a few index
 * steps: only those rows are read). */
enum mdt_status mdt_outbox_release_held(struct mdt_store *s);

/* Failed and conflicting rows go back to pending (attempts 0, due now),
 * and so do the rows held waiting on them;
 * for when a person has dealt with the cause; *count gets how many. */
enum mdt_status mdt_outbox_retry_problems(struct mdt_store *s,
    int64_t *count);

/* Every pending row is due now (a person asked to send without waiting
 * for the backoff to run out). */
enum mdt_status mdt_outbox_due_now(struct mdt_store *s);

/* One resource the central record acknowledged. */
struct mdt_synced {
	char id[65];
	char body_hash[33];
};

/* The resources of type acknowledged, ids after after (""), in id order,
 * at most max into out (room for max); *n gets how many. */
enum mdt_status mdt_synced_page(struct mdt_store *s, const char *type,
    const char *after, struct mdt_synced *out, size_t max, size_t *n);

/*
 * A resource the record should hold but does not (missing), or holds
 * otherwise (different), sent again: an outbox row for its record
 * (entity, entity_uuid); missing, its acknowledged version is forgotten
 * too, so that it is written again rather than checked against it.
 */
enum mdt_status mdt_synced_requeue(struct mdt_store *s, const char *type,
    const char *id, bool missing, const char *entity,
    const char *entity_uuid);

/* The version and body hash last acknowledged for a resource; *found is
 * false (and the buffers "") if it was never acknowledged. */
enum mdt_status mdt_sync_version_get(struct mdt_store *s, const char *type,
    const char *id, char version_id[65], char body_hash[33], bool *found);

#endif
