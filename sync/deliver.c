/*
 * deliver.c - draining the outbox to the central record, on the loop:
 * when a pass runs, sending its bundles in order and acting on each
 * reply.  Its passes are built off the loop by deliver_build.c.
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
 * more of the loop a reply, while the chair's keys waited.  The next
 * pass is built there while this one is sent, and follows it at once
 * if this one went without a hitch (deliver_build.c).  Rows the
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

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>
#include <uv.h>

#include "backoff.h"
#include "deliver_internal.h"
#include "engine.h"
#include "http.h"
#include "mdt.h"
#include "pass.h"
#include "reply.h"
#include "resource.h"
#include "sync_config.h"
#include "util.h"

/*
 * A 2xx reply read off the loop, and the bundle to send next written
 * there too, on the guess that the reply confirms every entry (it nearly
 * always does; if not, the text is dropped).  The loop leaves the pass
 * alone until the job is back: nothing but a reply moves it on.
 */
struct sync_reply_job {
	uv_work_t req;
	struct sync_engine *e;
	struct sync_pass *pass;		/* read only here */
	char *body;			/* the reply's, copied */
	size_t body_len;
	long status;
	size_t n;			/* entries sent */
	size_t riders;			/* of which Patients first (pass.h) */
	char **vids;			/* their new versions (n), if rc 0 */
	int rc;				/* sync_transaction_reply's */
	char why[512];
	struct sync_range range;	/* the bundle answered */
	bool went;			/* the next went with the reply */
	bool ended;			/* the pass's last: the next pass,
					 * built ahead, is e->pass now */
	bool has_next;			/* a bundle is left to send */
	struct sync_range next;		/* the next one (the stack's top) */
	char *next_body;		/* its JSON, or NULL */
	bool has_after;			/* and one after it */
	struct sync_range after;
	char *after_body;
	const char *base_url;
};

static void send_next(struct sync_engine *e);

/* ---- small helpers --------------------------------------------------- */

static uint32_t
rnd(struct sync_engine *e)
{
	/* xorshift64*: jitter only, not for secrets */
	e->rng ^= e->rng >> 12;
	e->rng ^= e->rng << 25;
	e->rng ^= e->rng >> 27;
	return (uint32_t)((e->rng * UINT64_C(2685821657736338717)) >> 32);
}

static int64_t
now_ms(struct sync_engine *e)
{
	return mdt_store_now(e->store);
}

/* ---- scheduling ------------------------------------------------------ */

static void
on_timer(uv_timer_t *t)
{
	struct sync_engine *e = t->data;

	e->waiting = false;
	e->next_attempt_at = 0;
	sync_deliver_start(e);
}

/* Runs the next pass after delay_ms (0: on the next loop turn). */
void
sync_deliver_schedule(struct sync_engine *e, int64_t delay_ms, bool backoff)
{
	if (e->closing)
		return;
	if (delay_ms < 0)
		delay_ms = 0;
	e->waiting = backoff;
	e->next_attempt_at = backoff ? now_ms(e) + delay_ms : 0;
	uv_timer_start(&e->timer, on_timer, (uint64_t)delay_ms, 0);
}

/* No pass: go on with the next rows, or wait. */
void
sync_deliver_after_pass(struct sync_engine *e)
{
	struct mdt_outbox_counts c;
	int64_t now = now_ms(e);

	if (mdt_outbox_unsent_counts(e->store, &c) != MDT_OK) {
		sync_engine_error(e, "cannot read the outbox: %s",
		    mdt_store_error(e->store));
		sync_deliver_schedule(e, DB_RETRY_MS, true);
	} else if (c.pending > 0 && c.next_at > now)
		sync_deliver_schedule(e, c.next_at - now, true);
	else if (c.pending > 0 || e->again)
		sync_deliver_schedule(e, 0, false);	/* yield to the loop first */
	else if (e->online)
		sync_engine_pull_if_due(e);	/* the queue is drained */
	e->again = false;
	sync_engine_changed(e);
}

/*
 * The pass is over: the next one, built while its last bundles were sent,
 * goes at once if it went without a hitch (or goes once built); else go
 * on with the next rows, or wait.
 */
static void
end_pass(struct sync_engine *e)
{
	struct sync_build_job *j = e->ready;

	sync_engine_dispose_pass(e, e->pass);
	e->pass = NULL;
	e->busy = false;
	if (e->ahead_ok && j != NULL) {
		e->ready = NULL;
		e->passes_ahead++;
		sync_deliver_apply_build(e, j);
		sync_deliver_job_free(j);
		sync_deliver_build_ahead(e);
		return;
	}
	if (e->ahead_ok && e->job != NULL && e->job->ahead) {
		e->ahead_wait = true;
		sync_engine_changed(e);
		return;
	}
	sync_deliver_drop_ahead(e);
	sync_deliver_after_pass(e);
}

/*
 * A transient failure: every row of the pass not yet decided waits
 * (attempts + 1, next_at), and the pass ends.
 */
static void
back_off(struct sync_engine *e, int64_t retry_after_s, const char *why)
{
	struct sync_pass *p = e->pass;
	struct mdt_outbox_counts c;
	int64_t *ids, delay, at;
	size_t i, n = 0;
	int attempts = 1;

	if (mdt_outbox_unsent_counts(e->store, &c) == MDT_OK)
		attempts = c.max_attempts + 1;
	delay = sync_backoff_ms(attempts, e->cfg->retry_initial_ms,
	    e->cfg->retry_max_ms, retry_after_s, rnd(e));
	at = now_ms(e) + delay;
	sync_deliver_drop_ahead(e);
	ids = mdt_xcalloc(p != NULL ? p->n_rows + 1 : 1, sizeof(*ids));
	for (i = 0; p != NULL && i < p->n_rows; i++)
		if (!p->rows[i].done)
			ids[n++] = p->rows[i].id;
	if (n > 0 && mdt_outbox_mark_retry(e->store, ids, n, at, why) !=
	    MDT_OK)
		sync_engine_error(e, "cannot record the retry: %s",
		    mdt_store_error(e->store));
	else
		sync_engine_error(e, "%s", why);
	free(ids);
	sync_engine_dispose_pass(e, e->pass);
	e->pass = NULL;
	e->busy = false;
	e->again = false;
	sync_deliver_schedule(e, delay, true);
	sync_engine_changed(e);
}

/* ---- sending --------------------------------------------------------- */

static void on_bundle_reply(void *ctx, const struct sync_reply *reply);
static void on_read_reply(void *ctx, const struct sync_reply *reply);

/* True if the item at position i of the order is held (not to send). */
static bool
held_at(const struct sync_pass *p, size_t i)
{
	return p->items[p->order[i]].state == SYNC_ITEM_HELD;
}

/* True if range r holds a held item. */
static bool
range_has_held(const struct sync_pass *p, struct sync_range r)
{
	for (size_t i = r.lo; i < r.hi; i++)
		if (held_at(p, i))
			return true;
	return false;
}

/*
 * Pops the next range to send into p->inflight, less any held item (a
 * range with one in the middle is split, the rest pushed back): false if
 * none is left.
 */
static bool
take_range(struct sync_pass *p)
{
	while (p->n_stack > 0) {
		struct sync_range r = p->stack[--p->n_stack];
		size_t i;

		while (r.lo < r.hi && held_at(p, r.lo))
			r.lo++;
		for (i = r.lo; i < r.hi && !held_at(p, i); i++)
			;
		if (i < r.hi) {
			sync_pass_push_range(p, i, r.hi);
			r.hi = i;
		}
		if (r.lo < r.hi) {
			p->inflight = r;
			return true;
		}
	}
	return false;
}

/*
 * Sends the bundle on top of the stack, or ends the pass if none is left.
 * body is that bundle's JSON if it was written off the loop (taken and
 * freed), else NULL: it is written here.
 */
void
sync_deliver_send_bundle(struct sync_engine *e, char *body)
{
	struct sync_pass *p = e->pass;
	char err[256];
	int rc;

	if (e->closing || p == NULL || p->n_stack == 0) {
		free(body);
		if (!e->closing && p != NULL)
			end_pass(e);
		return;
	}
	if (body == NULL) {
		/* held items are not sent: the range less them */
		if (!take_range(p)) {
			end_pass(e);
			return;
		}
		body = sync_bundle_json(e->cfg->base_url, p, p->inflight);
	} else
		p->inflight = p->stack[--p->n_stack];
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
	sync_engine_changed(e);
}

static void
send_next(struct sync_engine *e)
{
	sync_deliver_send_bundle(e, NULL);
}

/* The reply's answer for transient failures and refusals of the whole
 * exchange (not of one resource): the pass backs off. */
static bool
whole_exchange_failed(struct sync_engine *e, const struct sync_reply *reply,
    bool reading)
{
	char what[1200];
	int64_t retry_after_s;
	enum sync_exchange x;

	x = sync_reply_exchange(reply, reading, what, sizeof(what),
	    &retry_after_s);
	e->online = x != SYNC_EXCHANGE_OFFLINE;
	if (x == SYNC_EXCHANGE_GO_ON)
		return false;
	back_off(e, retry_after_s, what);
	return true;
}

static void
reply_job_free(struct sync_reply_job *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		free(j->vids[i]);
	free(j->vids);
	free(j->body);
	free(j->next_body);
	free(j->after_body);
	free(j);
}

/* Reads a 2xx reply and writes the next bundle: in the thread pool, or
 * on the loop if it cannot be had.  Touches only the job and reads the
 * pass. */
static void
read_reply(struct sync_reply_job *j)
{
	j->rc = sync_transaction_reply(j->body, j->body_len, j->n, j->vids,
	    j->why, sizeof(j->why));
	if (j->rc == 0 && j->has_next)
		j->next_body = sync_bundle_json(j->base_url, j->pass, j->next);
	if (j->rc == 0 && j->has_after)
		j->after_body = sync_bundle_json(j->base_url, j->pass,
		    j->after);
}

static void
on_read(uv_work_t *req)
{
	sync_give_way();
	read_reply(req->data);
}

/*
 * A 2xx reply's rows to mark, and what follows, once the request sent
 * with it is out.  libcurl writes a request when the loop next turns
 * (its timer), and marking a bundle's rows takes a millisecond or two:
 * done first, it held every request back by as much.
 */
struct sync_marks_later {
	struct sync_pass *pass;		/* the rows' pass */
	size_t *idx, n;			/* the items the reply confirmed */
	bool ended;			/* the pass is over: the next one,
					 * built ahead, is e->pass */
	bool ahead;			/* the pass's next bundle went */
	bool sent;			/* and its request was made */
	char *next_body;		/* the next bundle, to send after */
	char err[256];			/* why its request was not made */
};

/* The rows marked, then the next step: the pass's next bundle, the next
 * pass built ahead, or a back-off. */
static void
finish_reply(struct sync_engine *e, struct sync_marks_later *l)
{
	struct sync_pass *p = l->pass;
	bool marked;

	marked = sync_mark_progress(e, p, l->idx, l->n);
	if (l->ended) {
		/* this pass is over: every row of it decided */
		sync_engine_dispose_pass(e, p);
		if (!marked && e->busy) {
			/* as for a bundle ahead */
			e->mark_failed = true;
			sync_deliver_drop_ahead(e);
		} else if (!marked)
			back_off(e, 0, e->last_error);
		else if (e->busy)
			e->last_error[0] = '\0';
		/* only now: the pass after it must not take these rows */
		sync_deliver_build_ahead(e);
	} else if (!marked && l->ahead && l->sent) {
		/* said, and backed off, when the bundle ahead is answered:
		 * its rows and these stay pending, sent again later and
		 * recognised then (PUT by id, If-Match) */
		e->mark_failed = true;
		sync_deliver_drop_ahead(e);
	} else if (!marked || (l->ahead && !l->sent))
		back_off(e, 0, marked ? l->err : e->last_error);
	else {
		e->last_error[0] = '\0';
		if (l->ahead) {
			sync_engine_changed(e);
			sync_deliver_build_ahead(e);
		} else {
			sync_deliver_send_bundle(e, l->next_body);
			l->next_body = NULL;
		}
	}
	free(l->next_body);
	free(l->idx);
	free(l);
}

/* The marks put off, now (before anything reads the pass again). */
static void
marks_now(struct sync_engine *e)
{
	struct sync_marks_later *l = e->later;

	if (l == NULL)
		return;
	e->later = NULL;
	uv_idle_stop(&e->marks_idle);
	finish_reply(e, l);
}

static void
on_marks_idle(uv_idle_t *h)
{
	marks_now(h->data);
}

/* l put off to the loop's next turn, after libcurl's timer (timers run
 * before idle handles); false if it cannot be. */
static bool
marks_later(struct sync_engine *e, struct sync_marks_later *l)
{
	if (!e->marks_made) {
		if (uv_idle_init(e->loop, &e->marks_idle) != 0)
			return false;
		e->marks_idle.data = e;
		e->marks_made = true;
		e->open_handles++;
	}
	if (uv_idle_start(&e->marks_idle, on_marks_idle) != 0)
		return false;
	e->later = l;
	return true;
}

/* The bundle of range r (if has), written ahead in *body, kept in the
 * pass to go the moment the reply before it is a 2xx. */
static void
keep_written(struct sync_pass *p, bool has, struct sync_range r,
    char **body)
{
	free(p->next_body);
	p->next_body = NULL;
	if (!has || *body == NULL)
		return;
	p->next_body = *body;
	p->next_range = r;
	*body = NULL;
}

/* True if every item of range r refers only to items the central record
 * has confirmed (references before referrers, whatever the reply in
 * flight turns out to say). */
static bool
refs_confirmed(const struct sync_pass *p, struct sync_range r)
{
	size_t i, k;

	for (i = r.lo; i < r.hi; i++) {
		const struct sync_item *it = &p->items[p->order[i]];

		for (k = 0; k < it->n_deps; k++)
			if (p->items[it->deps[k]].state != SYNC_ITEM_OK)
				return false;
	}
	return true;
}

/*
 * A 2xx reply to range was: the next bundle, if written ahead and still
 * the stack's top, goes at once, before the reply is read (off the loop,
 * a millisecond or so, which the server would otherwise wait for).
 * True if it went.
 */
static bool
send_written(struct sync_engine *e, struct sync_pass *p,
    struct sync_range was)
{
	char *body = p->next_body, err[256];
	struct sync_range r;

	p->next_body = NULL;
	if (body == NULL || p->n_stack == 0) {
		free(body);
		return false;
	}
	r = p->stack[p->n_stack - 1];
	if (r.lo != p->next_range.lo || r.hi != p->next_range.hi ||
	    range_has_held(p, r) || !refs_confirmed(p, r)) {
		free(body);
		return false;
	}
	p->n_stack--;
	p->inflight = r;
	if (sync_http_request(e->http, "POST", "", body, NULL,
	    on_bundle_reply, e, err, sizeof(err)) != 0) {
		/* sent as usual once the reply is read */
		p->n_stack++;
		p->inflight = was;
		free(body);
		return false;
	}
	free(body);
	e->busy = true;
	return true;
}

/* The pass built ahead follows the one whose last bundle was answered
 * (2xx): its first bundle goes now. */
static void
next_pass_goes(struct sync_engine *e)
{
	struct sync_build_job *next = e->ready;

	e->ready = NULL;
	e->pass = NULL;
	e->passes_ahead++;
	sync_deliver_apply_build(e, next);
	sync_deliver_job_free(next);
}

/* On the loop: what a 2xx reply said, recorded; then the next bundle. */
static void
apply_reply(struct sync_engine *e, struct sync_reply_job *j)
{
	struct sync_pass *p = j->pass;
	struct sync_range r = j->range;
	struct sync_marks_later *l;
	size_t i, *idx;
	char what[640];

	if (j->rc != 0) {
		snprintf(what, sizeof(what), "the central record answered HTTP"
		    " %ld but %s; nothing taken as sent", j->status, j->why);
		if (j->ended)
			/* its rows stay pending */
			sync_engine_dispose_pass(e, p);
		if (!j->went) {
			back_off(e, 0, what);
			return;
		}
		/* the next is out: backed off when it is answered; what it
		 * holds is sent again then, and recognised (PUT by id,
		 * If-Match) */
		sync_engine_error(e, "%s", what);
		e->mark_failed = true;
		sync_deliver_drop_ahead(e);
		return;
	}
	/* all or nothing: every resource of the bundle is there */
	idx = mdt_xcalloc(j->n + 1, sizeof(*idx));
	for (i = r.lo; i < r.hi; i++) {
		struct sync_item *it = &p->items[p->order[i]];

		it->state = SYNC_ITEM_OK;
		free(it->new_vid);
		it->new_vid = j->vids[j->riders + i - r.lo];
		j->vids[j->riders + i - r.lo] = NULL;
		idx[i - r.lo] = p->order[i];
	}
	/* the stack is as it was when the job set out: next_body is the
	 * bundle on its top.  It goes out before this reply's rows are
	 * marked, so that the server works on it meanwhile; the pass stays
	 * the loop's until its reply, which waits for the loop. */
	e->replied = true;
	l = mdt_xcalloc(1, sizeof(*l));
	l->pass = p;
	l->idx = idx;
	l->n = r.hi - r.lo;
	l->ahead = j->went || (j->next_body != NULL && p->n_stack > 0);
	if (j->ended) {
		l->ended = true;
		l->sent = j->went;
	} else if (j->went) {
		/* it went with the reply; the one after it waits written */
		l->sent = true;
		keep_written(p, j->has_next, j->next, &j->next_body);
	} else if (l->ahead) {
		p->inflight = p->stack[--p->n_stack];
		l->sent = sync_http_request(e->http, "POST", "", j->next_body,
		    NULL, on_bundle_reply, e, l->err, sizeof(l->err)) == 0;
		free(j->next_body);
		j->next_body = NULL;
		e->busy = l->sent;
		keep_written(p, j->has_after, j->after, &j->after_body);
	} else if (p->n_stack == 0 && e->ahead_ok && e->ready != NULL) {
		/* the last of this pass: the next, built meanwhile, goes
		 * out before these rows are marked, as a bundle ahead does */
		l->ended = true;
		next_pass_goes(e);
	}
	l->next_body = j->next_body;
	j->next_body = NULL;
	if (!e->busy || !marks_later(e, l))
		finish_reply(e, l);
}

/* The reply that came while the one before was read, now. */
static void
take_held_reply(struct sync_engine *e)
{
	struct sync_reply *c = e->held_reply;

	if (c == NULL)
		return;
	e->held_reply = NULL;
	on_bundle_reply(e, c);
	sync_reply_free(c);
}

static void
on_read_done(uv_work_t *req, int status)
{
	struct sync_reply_job *j = req->data;
	struct sync_engine *e = j->e;

	(void)status;
	e->rjob = NULL;
	if (e->closing) {
		/* the pass was left to the job (sync_engine_close): its rows
		 * stay pending, to be sent again and recognised then */
		sync_pass_free(j->pass);
		reply_job_free(j);
	}
	if (sync_engine_job_back(e))
		return;
	e->busy = j->went;
	apply_reply(e, j);
	reply_job_free(j);
	take_held_reply(e);
	if (e->again && e->pass == NULL && !e->busy && e->job == NULL &&
	    e->later == NULL) {
		/* a pass was asked for while the reply was read */
		e->again = false;
		sync_deliver_schedule(e, 0, false);
	}
}

/* A 2xx reply to the bundle in flight: read it (and write the next
 * bundle) off the loop; the exchange counts as under way till then. */
static void
reply_2xx(struct sync_engine *e, const struct sync_reply *reply)
{
	struct sync_reply_job *j = mdt_xcalloc(1, sizeof(*j));
	struct sync_pass *p = e->pass;

	j->e = e;
	j->pass = p;
	j->body = mdt_xmalloc(reply->body_len + 1);
	memcpy(j->body, reply->body, reply->body_len);
	j->body[reply->body_len] = '\0';
	j->body_len = reply->body_len;
	j->status = reply->status;
	j->range = p->inflight;
	j->riders = sync_bundle_riders(p, p->inflight, NULL);
	j->n = j->riders + p->inflight.hi - p->inflight.lo;
	j->vids = mdt_xcalloc(j->n + 1, sizeof(*j->vids));
	j->went = send_written(e, p, j->range);
	if (!j->went && p->n_stack == 0 && e->ahead_ok && e->ready != NULL) {
		/* the pass's last: the next pass, built ahead, goes too (it
		 * refers to nothing this pass sends: ahead_back) while this
		 * reply is read */
		j->ended = true;
		next_pass_goes(e);
		j->went = e->busy;
	}
	/* the next bundle written with the reply, unless it must be split
	 * around a held item (on the loop, in send_bundle); and when none
	 * went with it, the one after, to go with the next reply */
	if (p->n_stack > 0 && !range_has_held(p, p->stack[p->n_stack - 1])) {
		j->has_next = true;
		j->next = p->stack[p->n_stack - 1];
	}
	if (!j->went && p->n_stack > 1 && !range_has_held(p,
	    p->stack[p->n_stack - 2])) {
		j->has_after = true;
		j->after = p->stack[p->n_stack - 2];
	}
	j->base_url = e->cfg->base_url;
	j->req.data = j;
	if (sync_engine_queue(e, &j->req, on_read, on_read_done) == 0) {
		e->rjob = j;
		e->busy = true;
		return;
	}
	read_reply(j);
	e->busy = j->went;
	apply_reply(e, j);
	reply_job_free(j);
}

static void
on_bundle_reply(void *ctx, const struct sync_reply *reply)
{
	struct sync_engine *e = ctx;
	struct sync_pass *p;
	struct sync_range r;

	if (e->rjob != NULL) {
		/* it went with the reply before, still being read: taken
		 * once that one is recorded */
		e->held_reply = sync_reply_copy(reply);
		e->held_replies++;
		return;
	}
	marks_now(e);
	p = e->pass;
	r = p->inflight;
	e->busy = false;
	if (e->mark_failed) {
		/* the rows of the reply before could not be marked */
		e->mark_failed = false;
		back_off(e, 0, e->last_error);
		return;
	}
	if (whole_exchange_failed(e, reply, false))
		return;
	if (reply->status >= 200 && reply->status < 300) {
		reply_2xx(e, reply);
		return;
	}
	/* a refusal: find the resource at fault; no pass built ahead follows
	 * this one (it may refer to that resource), and nothing written
	 * ahead goes unread */
	sync_deliver_drop_ahead(e);
	free(p->next_body);
	p->next_body = NULL;
	if (r.hi - r.lo > 1) {
		size_t mid = r.lo + (r.hi - r.lo) / 2;

		sync_pass_push_range(p, mid, r.hi);
		sync_pass_push_range(p, r.lo, mid);
		send_next(e);
		return;
	}
	{
		struct sync_item *it = &p->items[p->order[r.lo]];
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
		sync_reply_describe(reply, said, sizeof(said));
		snprintf(why, sizeof(why), "the central record refused %s/%s:"
		    " %s", type, it->id, said);
		sync_mark_item_failed(e, p, it, SYNC_ITEM_FAILED, why);
		sync_engine_error(e, "%s", why);
		sync_engine_changed(e);
		send_next(e);
	}
}

static void
on_read_reply(void *ctx, const struct sync_reply *reply)
{
	struct sync_engine *e = ctx;
	struct sync_pass *p = e->pass;
	size_t at = p->order[p->inflight.lo];
	struct sync_item *it = &p->items[at];
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
		sync_mark_item_failed(e, p, it, SYNC_ITEM_CONFLICT, why);
		sync_engine_error(e, "%s", why);
		sync_engine_changed(e);
		send_next(e);
		return;
	}
	if (reply->status != 200) {
		sync_reply_describe(reply, said, sizeof(said));
		snprintf(why, sizeof(why), "cannot read back %s/%s after a"
		    " version conflict: %s", type, it->id, said);
		sync_mark_item_failed(e, p, it, SYNC_ITEM_CONFLICT, why);
		sync_engine_error(e, "%s", why);
		sync_engine_changed(e);
		send_next(e);
		return;
	}
	rb = sync_read_back(reply->body, reply->body_len, it->body,
	    it->acked_hash, &v);
	if (rb == SYNC_READ_UNKNOWN) {
		/* not an answer about this resource: try again later */
		sync_reply_describe(reply, said, sizeof(said));
		snprintf(why, sizeof(why), "cannot read back %s/%s after a"
		    " version conflict: the reply (%s) is not that resource",
		    type, it->id, said);
		back_off(e, 0, why);
		return;
	}
	if (rb == SYNC_READ_SAME) {
		/* the server already has exactly this: our reply was lost */
		it->state = SYNC_ITEM_OK;
		free(it->new_vid);
		it->new_vid = v;
		if (!sync_mark_progress(e, p, &at, 1)) {
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
		sync_pass_push_range(p, p->inflight.lo, p->inflight.lo + 1);
		send_next(e);
		return;
	}
	snprintf(why, sizeof(why), "%s/%s was changed on the central record"
	    " (now version %s; mdtchair last saw %s); not overwritten: settle"
	    " it there, then retry", type, it->id, v != NULL ? v : "?",
	    it->vid[0] != '\0' ? it->vid : "none");
	free(v);
	sync_mark_item_failed(e, p, it, SYNC_ITEM_CONFLICT, why);
	sync_engine_error(e, "%s", why);
	sync_engine_changed(e);
	send_next(e);
}

/* ---- kicks, and closing ---------------------------------------------- */

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
		sync_deliver_schedule(e, 0, false);
}

void
sync_engine_send_now(struct sync_engine *e)
{
	if (e == NULL || e->closing || e->cfg == NULL || e->http == NULL)
		return;
	if (mdt_outbox_due_now(e->store) != MDT_OK)
		sync_engine_error(e, "cannot reschedule the outbox: %s",
		    mdt_store_error(e->store));
	e->last_probe_at = 0;
	if (e->busy || e->pass != NULL || e->job != NULL) {
		e->again = true;
		return;
	}
	e->waiting = false;
	sync_deliver_start(e);
}

static void
on_timer_closed(uv_handle_t *h)
{
	sync_engine_job_back(h->data);
}

static void
on_http_closed(void *ctx)
{
	struct sync_engine *e = ctx;

	e->http = NULL;
	sync_engine_job_back(e);
}

void
sync_engine_close(struct sync_engine *e)
{
	if (e == NULL || e->closing)
		return;
	/* rows the central record has acknowledged are marked */
	marks_now(e);
	e->closing = true;
	sync_reply_free(e->held_reply);
	e->held_reply = NULL;
	e->on_change = NULL;
	/* a reply being read has the pass: it is freed with the job (one
	 * not yet begun need not run) */
	if (e->rjob != NULL)
		uv_cancel((uv_req_t *)&e->rjob->req);
	else
		sync_engine_dispose_pass(e, e->pass);
	e->pass = NULL;
	/* a build not yet begun need not run; one running is waited for
	 * (on_built) */
	if (e->job != NULL)
		uv_cancel((uv_req_t *)&e->job->req);
	sync_deliver_job_free(e->ready);
	e->ready = NULL;
	if (e->log_syncing)
		uv_cancel((uv_req_t *)&e->log_sync);
	uv_timer_stop(&e->timer);
	uv_close((uv_handle_t *)&e->timer, on_timer_closed);
	if (e->marks_made) {
		uv_idle_stop(&e->marks_idle);
		uv_close((uv_handle_t *)&e->marks_idle, on_timer_closed);
		e->marks_made = false;
	}
	sync_engine_pull_close(e);
	if (e->http != NULL)
		sync_http_close(e->http, on_http_closed, e);
}
