/*
 * test_sync_passes.c - the sync engine's passes against a real FHIR R4
 * server (the test server in tests/fhir, validating every write, over
 * HTTPS with a test CA on 127.0.0.1): bundle size, a bad 200 in the
 * middle of a pass, an outbox row whose resources go in two bundles, the
 * engine closed while a reply waits to be read in the thread pool, the
 * log synced after the marks, passes built ahead (and dropped), a reply
 * read while the loop is blocked, a hung server that must not hold up the
 * loop, the probe and "send now", and corrections and a death without
 * consent reaching the record with their statuses.  Run by
 * tests/sync/run.sh, which starts the servers.
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "readback.h"

/*
 * Chairs the meeting and syncs it in bundles of 7, with the server's
 * faults (NULL: none): everything goes, each resource once, in extra
 * transactions more than bundles of 7 hold (the Patients ride along,
 * beyond the 7), or up to slack more: a bundle refused mid-pass goes
 * again in a later pass, whose bundles split as what is ready then.
 */
static void
sync_in_sevens(struct sx *x, const char *faults, int64_t extra,
    int64_t slack)
{
	int64_t full, sent;
	size_t resources;

	sx_config(x, NULL, NULL, "bundle_size = 7\n");
	sx_chair(x, NULL, NULL);
	if (faults != NULL)
		sx_control("faults", faults);
	assert_true(sx_sync(x, 30000, NULL));
	expect_all_sent(x);
	check_meeting_on_server(x);
	resources = sx_count_type("Task") + sx_count_type("Encounter") +
	    sx_count_type("Composition") + sx_count_type("Consent") +
	    sx_count_type("Observation") + sx_count_type("Practitioner") +
	    sx_count_type("PractitionerRole") + sx_count_type("Organization") +
	    sx_count_type("Location");
	assert_true(resources > 14);
	full = (int64_t)((resources + 6) / 7);
	sent = sx_stat("transactions");
	if (sent < full + extra || sent > full + extra + slack)
		fail_msg("%lld transactions for %zu resources in sevens (%lld"
		    " bundles), %lld more expected", (long long)sent,
		    resources, (long long)full, (long long)extra);
}

static void
test_bundle_size(void **state)
{
	sync_in_sevens(*state, NULL, 0, 0);
}

/*
 * A 200 that is not a transaction-response, after a bundle that went:
 * the bundle after it, written while the reply was read, is dropped;
 * nothing of the bundle the reply spoke for is taken as sent; the retry
 * sends what is left, each resource once: one transaction more than the
 * bundles.
 */
static void
test_bad_reply_mid_pass(void **state)
{
	/* the first transaction goes as it should (a millisecond late), the
	 * second is answered 200 with an OperationOutcome, not applied */
	sync_in_sevens(*state, "{\"faults\":[{\"delayMs\":1},"
	    "{\"status\":200}]}", 1, 1);
}

/*
 * A row is sent only once every resource it names is: in bundles of one,
 * the first bundle goes and every later one is refused, so the first
 * person's row (their Practitioner and their PractitionerRole, two
 * bundles) is not sent although its first resource reached the record.
 */
static void
test_row_across_bundles(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	int64_t count = 0;
	json_t *b;

	sx_config(x, NULL, NULL, "bundle_size = 1\n");
	/* everyone's row queued first: each names their Practitioner and
	 * their role */
	b = rows(x, "SELECT id FROM people ORDER BY id");
	for (size_t i = 0; i < json_array_size(b); i++)
		assert_int_equal(mdt_person_set_ids(x->s, atoll(
		    json_string_value(json_object_get(json_array_get(b, i),
		    "id"))), NULL, NULL, ""), MDT_OK);
	json_decref(b);
	sx_chair(x, NULL, NULL);
	sx_control("faults", "{\"faults\":[{\"delayMs\":0},"
	    "{\"status\":422,\"times\":100000}]}");
	(void)sx_sync(x, 5000, &st);
	sx_control("reset", "{}");	/* the faults left, not the data */
	/* one went: the first person's Practitioner; their role (and its
	 * organisation) were refused */
	assert_int_equal(sx_count_type("Practitioner"), 1);
	assert_int_equal(sx_count_type("PractitionerRole"), 0);
	b = search("Practitioner");
	/* the person's row names both: not sent, nor is any other */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE entity = 'person' AND entity_uuid = '%s'"
	    " AND state <> 'sent'", jstr(b, "entry.0.resource.id")), 1);
	json_decref(b);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'sent'"), 0);
	/* sent again once the refusals are mended: each resource once */
	assert_int_equal(mdt_outbox_retry_problems(x->s, &count), MDT_OK);
	assert_true(count > 0);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
}

/* Every thread of libuv's pool held, so that a job queued meanwhile
 * waits for a thread. */
struct pool_hold {
	uv_sem_t started, release;
	uv_work_t *reqs;
	int n, done;
};

static void
hold_work(uv_work_t *req)
{
	struct pool_hold *h = req->data;

	uv_sem_post(&h->started);
	uv_sem_wait(&h->release);
}

static void
hold_done(uv_work_t *req, int status)
{
	struct pool_hold *h = req->data;

	assert_int_equal(status, 0);
	h->done++;
}

static void
pool_hold(struct pool_hold *h, uv_loop_t *loop)
{
	const char *env = getenv("UV_THREADPOOL_SIZE");
	int i;

	/* libuv's own default */
	h->n = env != NULL && atoi(env) > 0 ? atoi(env) : 4;
	h->done = 0;
	h->reqs = calloc((size_t)h->n, sizeof(*h->reqs));
	assert_non_null(h->reqs);
	assert_int_equal(uv_sem_init(&h->started, 0), 0);
	assert_int_equal(uv_sem_init(&h->release, 0), 0);
	for (i = 0; i < h->n; i++) {
		h->reqs[i].data = h;
		assert_int_equal(uv_queue_work(loop, &h->reqs[i], hold_work,
		    hold_done), 0);
	}
	for (i = 0; i < h->n; i++)
		uv_sem_wait(&h->started);
}

static void
pool_release(struct pool_hold *h)
{
	int i;

	for (i = 0; i < h->n; i++)
		uv_sem_post(&h->release);
}

/* Turns the loop until cond(e) holds or 20 s pass; returns cond(e). */
static bool
turn_until(struct sx_run *run, bool (*cond)(struct sync_engine *))
{
	uint64_t deadline = uv_hrtime() + 20000ULL * 1000000;

	while (!cond(run->e) && uv_hrtime() < deadline) {
		uv_run(&run->loop, UV_RUN_NOWAIT);
		usleep(1000);
	}
	return cond(run->e);
}

static bool
engine_busy(struct sync_engine *e)
{
	struct sync_status st;

	sync_engine_status(e, &st);
	return st.busy;
}

static bool
engine_reading(struct sync_engine *e)
{
	return sync_engine_reading(e);
}

/*
 * The engine closed while a 2xx reply waits in the thread pool to be
 * read: the job is dropped with its pass, the loop closes clean (and,
 * under the sanitizers, nothing leaks), and nothing is lost: the rows
 * that reply confirmed stay pending, neither sent nor failed, and go
 * with the next sync, each resource once on the server.
 */
static void
test_close_while_reading(void **state)
{
	struct sx *x = *state;
	struct pool_hold hold;
	struct sync_status st;
	struct sx_run run;
	int64_t rows;

	sx_config(x, NULL, NULL, "bundle_size = 7\n");
	sx_chair(x, NULL, NULL);
	rows = sx_int(x, "SELECT count(*) FROM outbox");
	sx_run_start(&run, x->s, x->config);
	sync_engine_kick(run.e);
	/* the pass built, its first bundle on its way; then no thread
	 * for the reply */
	assert_true(turn_until(&run, engine_busy));
	pool_hold(&hold, &run.loop);
	assert_true(turn_until(&run, engine_reading));
	sync_engine_status(run.e, &st);
	assert_true(st.busy);
	assert_int_equal(st.sent, 0);
	sync_engine_close(run.e);
	pool_release(&hold);
	uv_close((uv_handle_t *)&run.tick, NULL);
	uv_run(&run.loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&run.loop), 0);
	assert_int_equal(hold.done, hold.n);
	uv_sem_destroy(&hold.started);
	uv_sem_destroy(&hold.release);
	free(hold.reqs);
	/* the server has the first bundle; we took nothing as sent */
	assert_int_equal(sx_stat("transactions"), 1);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'pending'"), rows);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM sync_versions"), 0);
	assert_true(sx_sync(x, 30000, NULL));
	expect_all_sent(x);
	check_meeting_on_server(x);
}

static bool
log_synced(struct sync_engine *e)
{
	return sync_engine_log_syncs(e) > 0;
}

/*
 * Rows marked sent are synced to the disk in the thread pool (not left
 * for the chair's next commit): after a sync of the meeting in bundles of
 * 7 (several marks), the log has been synced at least once, the engine
 * closes clean with such a job just done or still out, and everything
 * is sent.
 */
static void
test_log_synced_after_marks(void **state)
{
	struct sx *x = *state;
	struct sx_run run;
	size_t syncs;
	int64_t bundles;

	sx_config(x, NULL, NULL, "bundle_size = 7\n");
	sx_chair(x, NULL, NULL);
	sx_run_start(&run, x->s, x->config);
	assert_true(sx_run_until_idle(&run, 30000));
	/* a job may still be out: wait for one to have come back */
	assert_true(turn_until(&run, log_synced));
	syncs = sync_engine_log_syncs(run.e);
	bundles = sx_stat("transactions");
	sx_run_end(&run);
	expect_all_sent(x);
	assert_true(bundles > 1);
	assert_true(syncs >= 1);
}

/* ---- passes built ahead -------------------------------------------- */

/* Every "reference" string within v, appended to out. */
static void
references_in(json_t *v, json_t *out)
{
	const char *key;
	json_t *w;
	size_t i;

	if (json_is_array(v))
		json_array_foreach(v, i, w)
			references_in(w, out);
	if (!json_is_object(v))
		return;
	json_object_foreach(v, key, w) {
		if (strcmp(key, "reference") == 0 && json_is_string(w))
			json_array_append(out, w);
		else
			references_in(w, out);
	}
}

/* The recorded requests, in the order received: for each, "puts" (the
 * Type/id each entry PUT) and "refs" (the references its resources
 * make). */
static json_t *
recorded_bundles(void)
{
	char url[512];
	json_t *j = NULL, *out = json_array(), *q;
	size_t i;

	snprintf(url, sizeof(url), "%s/record", sx_env("SYNC_TEST_CONTROL"));
	assert_int_equal(sx_http("GET", url, NULL, &j), 200);
	json_array_foreach(json_object_get(j, "requests"), i, q) {
		const char *body = json_string_value(json_object_get(q,
		    "body"));
		json_t *b = body != NULL ? json_loads(body, 0, NULL) : NULL;
		json_t *puts = json_array(), *refs = json_array(), *en;
		size_t k;

		json_array_foreach(json_object_get(b, "entry"), k, en) {
			json_t *rq = json_object_get(en, "request");
			const char *m = json_string_value(json_object_get(rq,
			    "method"));

			if (m != NULL && strcmp(m, "PUT") == 0)
				json_array_append(puts, json_object_get(rq,
				    "url"));
			references_in(json_object_get(en, "resource"), refs);
		}
		json_array_append_new(out, json_pack("{s:o,s:o}", "puts", puts,
		    "refs", refs));
		json_decref(b);
	}
	json_decref(j);
	return out;
}

/* True if the string v is in the array a. */
static bool
has_string(json_t *a, json_t *v)
{
	size_t i;
	json_t *w;

	json_array_foreach(a, i, w)
		if (json_equal(v, w))
			return true;
	return false;
}

/*
 * Checks the recorded bundles (refused: the index of one refused and not
 * applied, or -1): no resource is PUT twice but the refused bundle's,
 * each of which is PUT once more later, and the one after it if it went
 * with the refusal (its reply, after a refusal, is not taken); and a
 * reference to a resource we PUT is only made by a bundle after the one
 * that PUT it went (or by that bundle itself).
 */
static void
check_recorded(json_t *bundles, long refused)
{
	json_t *went = json_array(), *all = json_array(), *b, *v;
	json_t *next = refused >= 0 ? json_object_get(json_array_get(bundles,
	    (size_t)refused + 1), "puts") : NULL;
	size_t i, k;

	json_array_foreach(bundles, i, b)
		if ((long)i != refused)
			json_array_extend(all, json_object_get(b, "puts"));
	json_array_foreach(bundles, i, b) {
		json_t *puts = json_object_get(b, "puts");

		json_array_foreach(json_object_get(b, "refs"), k, v)
			if (has_string(all, v) && !has_string(went, v) &&
			    !has_string(puts, v))
				fail_msg("request %zu refers to %s before it"
				    " went", i + 1, json_string_value(v));
		if ((long)i == refused)
			continue;
		json_array_foreach(puts, k, v) {
			if (has_string(went, v) && (next == NULL ||
			    !has_string(next, v)))
				fail_msg("%s sent twice (request %zu)",
				    json_string_value(v), i + 1);
			json_array_append(went, v);
		}
	}
	if (refused >= 0)
		json_array_foreach(json_object_get(json_array_get(bundles,
		    (size_t)refused), "puts"), k, v)
			if (!has_string(went, v))
				fail_msg("%s refused and not sent again",
				    json_string_value(v));
	json_decref(went);
	json_decref(all);
}

/* Queues n actions in bundles of 10 (passes of 50 rows), records what
 * the server receives (*bundles, as recorded_bundles) and syncs; how
 * many passes were built ahead.  Every action reaches the record once. */
static size_t
drain_recorded(struct sx *x, int n, const char *faults, json_t **bundles)
{
	struct sx_run run;
	size_t ahead;

	sx_config(x, NULL, NULL, "bundle_size = 10\n");
	sx_queue_actions(x, n);
	sx_control("record", "{\"on\":true}");
	if (faults != NULL)
		sx_control("faults", faults);
	sx_run_start(&run, x->s, x->config);
	assert_true(sx_run_until_idle(&run, 60000));
	ahead = sync_engine_passes_ahead(run.e);
	sx_run_end(&run);
	*bundles = recorded_bundles();
	sx_control("record", "{\"on\":false}");
	expect_all_sent(x);
	assert_int_equal(sx_count_type("Task"), sx_int(x, "SELECT"
	    " count(DISTINCT entity_uuid) FROM outbox WHERE entity = 'action'"));
	return ahead;
}

/*
 * A long queue: each pass after the first is built while the one before
 * is sent, and goes as soon as that one is answered.  It takes none of
 * that pass's rows, so every resource is sent once, and nothing refers
 * to a resource before it went.
 */
static void
test_pass_built_ahead(void **state)
{
	json_t *bundles;

	assert_true(drain_recorded(*state, 160, NULL, &bundles) >= 1);
	assert_true(json_array_size(bundles) > 5);
	check_recorded(bundles, -1);
	json_decref(bundles);
}

/*
 * A bundle refused for a while (503) at each place in the first passes,
 * the last of a pass among them, while the next pass is built ahead:
 * everything goes in the end, each resource once, and nothing refers to
 * a resource of the refused bundle before that resource went again.
 * Then the same with a 200 that is not a transaction-response (nothing
 * applied): the bundle after it may have gone with that reply, before it
 * was read, but refers to nothing the refused one held.
 */
static void
test_pass_ahead_dropped(void **state)
{
	struct sx *x = *state;
	char faults[512];
	int k;

	/* requests 2-8 refused with a 503, then 1-8 answered 200 */
	for (k = 2; k <= 16; k++) {
		int at = k <= 8 ? k : k - 8;
		json_t *bundles;
		size_t i;
		int len;

		if (k > 2) {
			sx_free(x);
			sx_reset_server();
			x = *state = sx_new();
		}
		len = snprintf(faults, sizeof(faults), "{\"faults\":[");
		for (i = 1; i < (size_t)at; i++)
			len += snprintf(faults + len, sizeof(faults) -
			    (size_t)len, "{\"delayMs\":0},");
		snprintf(faults + len, sizeof(faults) - (size_t)len,
		    "{\"status\":%d}]}", k <= 8 ? 503 : 200);
		(void)drain_recorded(x, 160, faults, &bundles);
		assert_true(json_array_size(bundles) > (size_t)at);
		check_recorded(bundles, at - 1);
		json_decref(bundles);
	}
}

/* The thread pool kept busy, once the first rows are marked sent, till
 * the drain ends: a reply's reading waits its turn behind 20 ms pieces
 * of work, and the reply to the bundle that went with it comes first. */
struct pool_block {
	struct sx_run *run;
	uv_timer_t t;
	uv_work_t w[16];
	int queued, back;
	bool stop;
};

static void
on_block(uv_work_t *w)
{
	(void)w;
	usleep(20000);
}

static void
on_blocked(uv_work_t *w, int status)
{
	struct pool_block *b = w->data;

	(void)status;
	if (!b->stop && uv_queue_work(w->loop, w, on_block, on_blocked) == 0)
		return;
	b->back++;
}

static void
on_block_tick(uv_timer_t *t)
{
	struct pool_block *b = t->data;
	struct sync_status st;
	int i;

	sync_engine_status(b->run->e, &st);
	if (st.sent == 0)
		return;
	uv_timer_stop(t);
	/* more than the pool has threads (4 unless UV_THREADPOOL_SIZE) */
	for (i = 0; i < 16; i++) {
		b->w[i].data = b;
		if (uv_queue_work(&b->run->loop, &b->w[i], on_block,
		    on_blocked) == 0)
			b->queued++;
	}
}

/*
 * A reply that comes while the one before it is still being read (the
 * thread pool busy): it went with that reply, and is taken once that one
 * is recorded, in order.  Every resource goes once, nothing refers to one
 * before it went, and every action reaches the record once.
 */
static void
test_reply_while_read(void **state)
{
	struct sx *x = *state;
	struct pool_block b;
	struct sx_run run;
	json_t *bundles;

	memset(&b, 0, sizeof(b));
	/* passes of ten bundles: the reading held up early in the first
	 * leaves several to go with their replies */
	sx_config(x, NULL, NULL, "bundle_size = 5\n");
	sx_queue_actions(x, 100);
	sx_control("record", "{\"on\":true}");
	sx_run_start(&run, x->s, x->config);
	b.run = &run;
	uv_timer_init(&run.loop, &b.t);
	b.t.data = &b;
	uv_timer_start(&b.t, on_block_tick, 1, 1);
	assert_true(sx_run_until_idle(&run, 60000));
	assert_int_equal(b.queued, 16);
	b.stop = true;
	while (b.back < b.queued)
		uv_run(&run.loop, UV_RUN_ONCE);
	assert_true(sync_engine_held_replies(run.e) >= 1);
	uv_close((uv_handle_t *)&b.t, NULL);
	sx_run_end(&run);
	bundles = recorded_bundles();
	sx_control("record", "{\"on\":false}");
	check_recorded(bundles, -1);
	json_decref(bundles);
	expect_all_sent(x);
	assert_int_equal(sx_count_type("Task"), sx_int(x, "SELECT"
	    " count(DISTINCT entity_uuid) FROM outbox WHERE entity = 'action'"));
}

struct hang_probe {
	uint64_t last, worst;
	int ticks;
};

static void
on_probe(uv_timer_t *t)
{
	struct hang_probe *p = t->data;
	uint64_t now = uv_hrtime();

	if (p->last != 0 && now - p->last > p->worst)
		p->worst = now - p->last;
	p->last = now;
	if (++p->ticks >= 100)
		uv_stop(t->loop);
}

static void
test_hung_server_never_blocks(void **state)
{
	struct sx *x = *state;
	struct hang_probe p = { 0, 0, 0 };
	struct sync_status st;
	struct sx_run run;
	uv_timer_t probe;

	sx_chair(x, NULL, NULL);
	sx_control("faults", "{\"faults\":[{\"hang\":true}]}");
	sx_run_start(&run, x->s, x->config);
	sync_engine_kick(run.e);
	uv_timer_init(&run.loop, &probe);
	probe.data = &p;
	uv_timer_start(&probe, on_probe, 10, 10);
	uv_run(&run.loop, UV_RUN_DEFAULT);
	sync_engine_status(run.e, &st);
	assert_true(st.busy);
	/* the loop kept turning every 10 ms while the request hung */
	assert_true(p.worst < 100 * 1000000ULL);
	uv_close((uv_handle_t *)&probe, NULL);
	sx_run_end(&run);	/* the hung transfer is dropped cleanly */
	sx_control("reset", "{}");
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'sent'"), 0);
}

static void
test_probe_and_send_now(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	struct sx_run run;
	uint64_t t0;

	/* nothing to send: a look at the server's metadata says online */
	sx_run_start(&run, x->s, x->config);
	assert_true(sx_run_until_idle(&run, 10000));
	sync_engine_status(run.e, &st);
	assert_true(st.online);
	assert_int_equal(st.pending, 0);
	assert_int_equal(sx_stat("transactions"), 0);
	/* told to wait 30 s, then asked to send now: it goes at once */
	sx_control("faults", "{\"faults\":[{\"status\":429,"
	    "\"retryAfter\":30,\"times\":1}]}");
	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	/* never idle; looked at until the server's answer is in, however
	 * slow the machine (a sanitizer build under load) */
	for (int i = 0; i < 100; i++) {
		assert_false(sx_run_until_idle(&run, 100));
		sync_engine_status(run.e, &st);
		if (st.next_attempt_at != 0)
			break;
	}
	assert_true(st.next_attempt_at > mdt_clock_real(NULL) + 20000);
	assert_non_null(strstr(st.last_error, "Retry-After 30"));
	t0 = uv_hrtime();
	sync_engine_send_now(run.e);
	assert_true(sx_run_until_idle(&run, 10000));
	assert_true(uv_hrtime() - t0 < 5000ULL * 1000000);
	sync_engine_status(run.e, &st);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.next_attempt_at, 0);
	sx_run_end(&run);
	expect_all_sent(x);
}

/* The resource of kind for a record's uuid, read back from the server. */
static json_t *
get_ref(enum sync_kind kind, const char *uuid)
{
	struct sync_ref ref;
	char id[37];

	ref.kind = kind;
	mdt_strlcpy(ref.uuid, uuid, sizeof(ref.uuid));
	sync_ref_id(&ref, id);
	return get_resource(sync_kind_type(kind), id);
}

/*
 * Corrections reach the central record with the statuses FHIR gives them:
 * an outcome changed goes again as amended, withdrawn as entered in error
 * (built from what the correction kept, the outcome gone from the store);
 * a withdrawn action's Task as entered in error; corrected consent with
 * its new basis; the discussion record with the notes as they now are,
 * saying that one was corrected and one withdrawn (who, when), never the
 * withdrawn text.  A death recorded without consent is discussed: its
 * Observation (with the date of death), Encounter and record are sent,
 * and no Consent.
 */
static void
test_corrections_reach_record(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	int64_t m = x->meeting, s1, s2, n_keep = 0, n_gone = 0, act = 0;
	int64_t owner = sx_person(x, "Ade Okonkwo");
	char u1[37], u2[37], o1[37], o2[37], a1[37], c1[37], sql[256];
	json_t *r, *l;
	const char *div;

	assert_int_equal(mdt_meeting_open(x->s, m), MDT_OK);
	assert_int_equal(mdt_attendance_set(x->s, m, owner,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, m, &s1), MDT_OK);
	assert_int_equal(mdt_consent_record(x->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_note_add(x->s, s1, "Lives with her son",
	    &n_keep), MDT_OK);
	assert_int_equal(mdt_note_add(x->s, s1, "WRONG PATIENT: sectioned",
	    &n_gone), MDT_OK);
	assert_int_equal(mdt_action_add(x->s, s1, "Fals referal", owner, "+7",
	    &act), MDT_OK);
	assert_int_equal(mdt_outcome_record(x->s, s1, MDT_OUTCOME_CLOSE,
	    NULL), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, m, &s2), MDT_OK);
	assert_int_equal(mdt_death_record(x->s, s2, "2026-11-20"), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	l = rows(x, "SELECT s.uuid AS u, o.uuid AS o, c.uuid AS c FROM slots s"
	    " LEFT JOIN outcomes o ON o.slot_id = s.id"
	    " LEFT JOIN consent c ON c.slot_id = s.id WHERE s.position <= 2"
	    " ORDER BY s.position");
	mdt_strlcpy(u1, jstr(l, "0.u"), sizeof(u1));
	mdt_strlcpy(o1, jstr(l, "0.o"), sizeof(o1));
	mdt_strlcpy(c1, jstr(l, "0.c"), sizeof(c1));
	mdt_strlcpy(u2, jstr(l, "1.u"), sizeof(u2));
	mdt_strlcpy(o2, jstr(l, "1.o"), sizeof(o2));
	json_decref(l);
	snprintf(sql, sizeof(sql), "SELECT uuid AS a FROM actions WHERE id ="
	    " %lld", (long long)act);
	l = rows(x, sql);
	mdt_strlcpy(a1, jstr(l, "0.a"), sizeof(a1));
	json_decref(l);

	/* the death without consent: discussed, no Consent */
	r = get_ref(SYNC_OUTCOME, o2);
	assert_string_equal(jstr(r, "status"), "final");
	assert_string_equal(jstr(r, "valueCodeableConcept.coding.0.code"),
	    "died");
	/* and SNOMED CT's Dead (finding) beside it */
	assert_string_equal(jstr(r, "valueCodeableConcept.coding.1.system"),
	    "http://snomed.info/sct");
	assert_string_equal(jstr(r, "valueCodeableConcept.coding.1.code"),
	    "419099009");
	assert_string_equal(jstr(r, "component.0.code.coding.0.code"),
	    "date-of-death");
	assert_string_equal(jstr(r, "component.0.valueDateTime"),
	    "2026-11-20");
	json_decref(r);
	r = get_ref(SYNC_DISCUSSION, u2);
	assert_string_not_equal(jstr(r, "status"), "entered-in-error");
	assert_non_null(json_object_get(r, "subject"));
	json_decref(r);
	r = get_ref(SYNC_RECORD, u2);
	assert_string_equal(jstr(r, "status"), "preliminary");
	assert_non_null(strstr(jstr(r, "section.0.text.div"),
	    "the patient has died"));
	json_decref(r);
	assert_int_equal(sx_count_type("Consent"), 1);

	/* corrected on the console */
	assert_int_equal(mdt_note_edit(x->s, n_keep, "Lives with her"
	    " daughter"), MDT_OK);
	assert_int_equal(mdt_note_withdraw(x->s, n_gone), MDT_OK);
	assert_int_equal(mdt_action_edit(x->s, act, "Falls referral"), MDT_OK);
	assert_int_equal(mdt_outcome_record(x->s, s1, MDT_OUTCOME_STEP_DOWN,
	    NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(x->s, s1,
	    MDT_CONSENT_BEST_INTERESTS, "Lacks capacity today", NULL, 0),
	    MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	assert_int_equal(st.failed, 0);

	r = get_ref(SYNC_OUTCOME, o1);
	assert_string_equal(jstr(r, "status"), "amended");
	assert_string_equal(jstr(r, "valueCodeableConcept.coding.0.code"),
	    "step-down");
	json_decref(r);
	r = get_ref(SYNC_CONSENT, c1);
	assert_string_equal(jstr(r, "policyRule.coding.0.code"),
	    "best-interests");
	json_decref(r);
	r = get_ref(SYNC_TASK, a1);
	assert_string_equal(jstr(r, "description"), "Falls referral");
	json_decref(r);
	r = get_ref(SYNC_RECORD, u1);
	div = jstr(r, "section.1.text.div");
	assert_non_null(strstr(div, "Lives with her daughter"));
	assert_null(strstr(div, "Lives with her son"));
	assert_null(strstr(div, "WRONG PATIENT"));
	assert_non_null(strstr(div, "A note was corrected on"));
	assert_non_null(strstr(div, "A note was withdrawn (entered in error)"
	    " on"));
	assert_non_null(strstr(div, "by sync-test"));
	assert_non_null(strstr(jstr(r, "section.2.text.div"), "An outcome was"
	    " corrected"));
	json_decref(r);

	/* withdrawn: the outcome (gone from the store) and the action */
	assert_int_equal(mdt_outcome_withdraw(x->s, s1), MDT_OK);
	assert_int_equal(mdt_action_withdraw(x->s, act), MDT_OK);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outcomes"
	    " WHERE slot_id = %lld", (long long)s1), 0);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	r = get_ref(SYNC_OUTCOME, o1);
	assert_string_equal(jstr(r, "status"), "entered-in-error");
	json_decref(r);
	r = get_ref(SYNC_TASK, a1);
	assert_string_equal(jstr(r, "status"), "entered-in-error");
	json_decref(r);
	r = get_ref(SYNC_RECORD, u1);
	assert_null(json_object_get(json_array_get(json_object_get(r,
	    "section"), 4), "entry"));
	assert_non_null(strstr(jstr(r, "section.4.text.div"), "An action was"
	    " withdrawn"));
	assert_null(strstr(jstr(r, "section.4.text.div"), "Falls referral"));
	json_decref(r);
	expect_once("Observation", o1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_corrections_reach_record,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_row_across_bundles, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bundle_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_reply_mid_pass, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_while_reading,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_synced_after_marks,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_built_ahead,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_while_read,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_ahead_dropped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hung_server_never_blocks,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_and_send_now, setup,
		    teardown),
	};

	sx_cases_start();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
