/*
 * net_faults.c - the sync engine through many network faults: a long
 * outbox (the demo meeting chaired through core/, plus N actions queued
 * as several meetings and a long offline spell leave them) is delivered
 * to the test FHIR server while its fault control (tests/fhir/README,
 * /__control/faults) hits the exchanges with F faults of every kind, in
 * a shuffled order among normal answers:
 *
 *   drop-before   the connection closed, the request not applied
 *   drop-after    the request APPLIED, then the connection closed
 *   http-500/502/503   an error reply, not applied
 *   429           throttled with Retry-After: 1 (a tenth) or 0
 *   timeout       an answer delayed past the client's timeout (applied
 *                 when the client has already given up)
 *   hang          no answer at all (the client's timeout ends it)
 *
 * with fast retries ([retry] 10-200 ms, [server] timeout 1 s), until
 * nothing is pending; then half the actions are marked done through
 * core/ and the updates (If-Match on the version acknowledged) are
 * delivered the same way, with two fifths of the faults.  Then, on the
 * server: every resource the store
 * knows is there exactly once (by id, and no identifier twice), nothing
 * else is, and each version is a whole number no lower than the one
 * recorded; in the store: every outbox row sent, none pending, failed or
 * in conflict; every action marked done is completed there.  Prints the
 * figures (faults by kind, requests, retries,
 * time, duplicates, lost).
 *
 *   NET_FAULTS=F NET_ACTIONS=N NET_BUNDLE=B (defaults 100, 300, 5), run
 *   by tests/sync/run.sh; make net-faults runs F=1000, N=3000.
 */
#include "config.h"

#include <inttypes.h>
#include <time.h>

#include "sync_fixture.h"

enum kind {
	K_DROP_BEFORE, K_DROP_AFTER, K_500, K_502, K_503, K_429, K_TIMEOUT,
	K_HANG, K_N
};

static const char *const kind_name[K_N] = {
	"drop-before", "drop-after", "http-500", "http-502", "http-503",
	"429", "timeout", "hang",
};

/* Shares of the faults, in per cent. */
static const int kind_share[K_N] = { 20, 18, 8, 8, 9, 15, 12, 10 };

static int
env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? atoi(v) : def;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t
draw(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717u) >> 32);
}

/* The fault queue: F faults by share, P normal answers ({"delayMs":0}),
 * shuffled; counts[k] gets the faults of each kind. */
static char *
fault_queue(int f, int passes, int counts[K_N], int *slow_429)
{
	int *q, n = f + passes, i, k, left = f;
	size_t cap = (size_t)n * 40 + 64, len = 0;
	char *out = malloc(cap);

	q = calloc((size_t)n, sizeof(*q));
	assert_non_null(q);
	assert_non_null(out);
	for (k = 0, i = 0; k < K_N; k++) {
		int c = k == K_N - 1 ? left : f * kind_share[k] / 100;

		counts[k] = c;
		left -= c;
		while (c-- > 0)
			q[i++] = k;
	}
	while (i < n)
		q[i++] = -1;
	for (i = n - 1; i > 0; i--) {
		int j = (int)(draw() % (uint32_t)(i + 1)), t = q[i];

		q[i] = q[j];
		q[j] = t;
	}
	*slow_429 = 0;
	len += (size_t)snprintf(out + len, cap - len, "{\"faults\":[");
	for (i = 0; i < n; i++) {
		const char *spec;
		char buf[64];

		switch (q[i]) {
		case K_DROP_BEFORE: spec = "{\"drop\":\"before\"}"; break;
		case K_DROP_AFTER: spec = "{\"drop\":\"after\"}"; break;
		case K_500: spec = "{\"status\":500}"; break;
		case K_502: spec = "{\"status\":502}"; break;
		case K_503: spec = "{\"status\":503}"; break;
		case K_429:
			snprintf(buf, sizeof(buf), "{\"status\":429,"
			    "\"retryAfter\":%d}", *slow_429 * 10 < counts[K_429]
			    ? 1 : 0);
			if (*slow_429 * 10 < counts[K_429])
				(*slow_429)++;
			spec = buf;
			break;
		case K_TIMEOUT: spec = "{\"delayMs\":1600}"; break;
		case K_HANG: spec = "{\"hang\":true,\"times\":1}"; break;
		default: spec = "{\"delayMs\":0}"; break;
		}
		len += (size_t)snprintf(out + len, cap - len, "%s%s",
		    i > 0 ? "," : "", spec);
	}
	snprintf(out + len, cap - len, "]}");
	free(q);
	return out;
}

/* Every resource of type on the server: checks each against the store's
 * record of what was acknowledged; adds to *dups and *lost. */
static size_t
check_type(struct sx *x, const char *type, int64_t *dups, int64_t *lost,
    int64_t *max_vid, int64_t *bumped)
{
	sqlite3 *db = mdt_store_db(x->s);
	sqlite3_stmt *st;
	char rel[128];
	json_t *j, *e, *ids;
	size_t i, n;
	long status;
	int64_t known;

	snprintf(rel, sizeof(rel), "%s?_count=100000", type);
	j = sx_get(rel, &status);
	assert_int_equal(status, 200);
	n = json_array_size(json_object_get(j, "entry"));
	ids = json_object();
	json_array_foreach(json_object_get(j, "entry"), i, e) {
		json_t *r = json_object_get(e, "resource"), *idf;
		const char *id = json_string_value(json_object_get(r, "id"));
		const char *vid = json_string_value(json_object_get(
		    json_object_get(r, "meta"), "versionId"));
		char *end;
		long long v;
		size_t k;

		assert_non_null(id);
		assert_non_null(vid);
		v = strtoll(vid, &end, 10);
		assert_true(*end == '\0' && v >= 1);
		if (v > *max_vid)
			*max_vid = v;
		if (v > 1)
			(*bumped)++;
		/* the same identifier on two resources is a duplicate */
		json_array_foreach(json_object_get(r, "identifier"), k, idf) {
			const char *val = json_string_value(json_object_get(idf,
			    "value"));

			if (val == NULL)
				continue;
			if (json_object_get(ids, val) != NULL)
				(*dups)++;
			json_object_set_new(ids, val, json_true());
		}
		/* known to the store, with a version no later than this */
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT version_id FROM"
		    " sync_versions WHERE resource_type = ?1 AND"
		    " resource_id = ?2", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			fprintf(stderr, "net-faults: %s/%s is on the server but"
			    " unknown to the store\n", type, id);
			(*dups)++;
		} else {
			const char *ours = (const char *)sqlite3_column_text(st,
			    0);

			assert_non_null(ours);
			assert_true(atoll(ours) >= 1 && atoll(ours) <= v);
		}
		sqlite3_finalize(st);
	}
	json_decref(ids);
	json_decref(j);
	/* every resource the store says was acknowledged is there */
	known = sx_int(x, "SELECT count(*) FROM sync_versions WHERE"
	    " resource_type = '%s'", type);
	if ((int64_t)n < known)
		*lost += known - (int64_t)n;
	return n;
}

/* Queues f faults among normal answers over what the outbox holds now
 * and delivers it all; adds to the counts.  Returns the seconds taken. */
static double
deliver(struct sx *x, int f, int bundle, int counts[K_N], int *slow_429)
{
	int64_t pending = sx_int(x, "SELECT count(*) FROM outbox WHERE state"
	    " = 'pending'");
	int c[K_N], s429, k;
	struct sync_status st;
	char *queue;
	double t0;

	/* normal answers among the faults: fewer than the bundles the
	 * queue needs, so that every fault is met before it drains */
	queue = fault_queue(f, (int)(pending / bundle) / 2, c, &s429);
	sx_control("faults", queue);
	free(queue);
	for (k = 0; k < K_N; k++)
		counts[k] += c[k];
	*slow_429 += s429;
	t0 = now_s();
	assert_true(sx_sync(x, 30 * 60 * 1000, &st));
	assert_int_equal(sx_stat("faultsLeft"), 0);
	assert_int_equal(st.pending, 0);
	if (st.failed + st.conflicts > 0) {
		sqlite3_stmt *q;

		assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s),
		    "SELECT entity, state, last_error FROM outbox WHERE state"
		    " IN ('failed', 'conflict')", -1, &q, NULL), SQLITE_OK);
		while (sqlite3_step(q) == SQLITE_ROW)
			fprintf(stderr, "net-faults: %s %s: %s\n",
			    sqlite3_column_text(q, 0), sqlite3_column_text(q,
			    1), sqlite3_column_text(q, 2));
		sqlite3_finalize(q);
	}
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.conflicts, 0);
	return now_s() - t0;
}

static void
test_net_faults(void **state)
{
	static const char *const types[] = { "Practitioner", "Encounter",
	    "Consent", "Observation", "Task", "Composition",
	    "PractitionerRole", "Organization", "Location", "Flag" };
	int faults = env_int("NET_FAULTS", 100);
	int actions = env_int("NET_ACTIONS", 300);
	int bundle = env_int("NET_BUNDLE", 5);
	int counts[K_N] = { 0 }, slow_429 = 0, k, f2;
	int64_t rows, rows2, resources, dups = 0, lost = 0, max_vid = 0;
	int64_t patients;
	int64_t bumped = 0, requests, transactions, clean, retried_rows;
	int64_t attempts, done = 0, completed;
	struct sx *x;
	char text[1024];
	double t1, t2;
	size_t on_server = 0, i;
	sqlite3_stmt *q;
	json_t *j;
	long status;

	(void)state;
	sx_reset_server();
	x = sx_new();
	sx_chair(x, NULL, NULL);
	sx_queue_actions(x, actions);
	rows = sx_int(x, "SELECT count(*) FROM outbox");
	/* fast retries and a short timeout, so that the faults pass
	 * quickly */
	snprintf(text, sizeof(text),
	    "[server]\nbase_url = %s\nca_file = %s\ntoken_file = token\n"
	    "connect_timeout = 1\ntimeout = 1\nbundle_size = %d\n"
	    "[retry]\ninitial_ms = 10\nmax_ms = 200\n",
	    sx_env("SYNC_TEST_BASE"), sx_env("SYNC_TEST_CA"), bundle);
	sx_write_file(x->config, text, 0600);

	/* 1: the whole queue, first writes (PUT as create) */
	f2 = faults * 2 / 5;
	t1 = deliver(x, faults - f2, bundle, counts, &slow_429);

	/* 2: half the actions done through core/: updates, each with
	 * If-Match on the version acknowledged (a lost reply makes the
	 * retry a 412, read back and found to be ours) */
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s), "SELECT id"
	    " FROM actions WHERE status = 'open' AND id % 2 = 0", -1, &q,
	    NULL), SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		assert_int_equal(mdt_action_set_status(x->s,
		    sqlite3_column_int64(q, 0), MDT_ACTION_DONE), MDT_OK);
		done++;
	}
	sqlite3_finalize(q);
	rows2 = sx_int(x, "SELECT count(*) FROM outbox WHERE state ="
	    " 'pending'");
	t2 = deliver(x, f2, bundle, counts, &slow_429);

	requests = sx_stat("requests");
	transactions = sx_stat("transactions");

	/* the store: everything sent, nothing waiting or refused */
	lost += sx_int(x, "SELECT count(*) FROM outbox WHERE state <> 'sent'");
	resources = sx_int(x, "SELECT count(*) FROM sync_versions");
	retried_rows = sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " attempts > 0");
	attempts = sx_int(x, "SELECT coalesce(sum(attempts), 0) FROM outbox");

	/* the server: each resource once, each update there */
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		on_server += check_type(x, types[i], &dups, &lost, &max_vid,
		    &bumped);
	assert_int_equal((int64_t)on_server, resources);
	/* and one Patient for each patient discussed or given an action,
	 * however often the bundles naming it were sent again */
	patients = sx_int(x, "SELECT count(*) FROM (SELECT s.patient_id"
	    " FROM slots s JOIN consent c ON c.slot_id = s.id"
	    " UNION SELECT patient_id FROM actions)");
	assert_true(patients > 0);
	assert_int_equal((int64_t)sx_count_type("Patient"), patients);
	assert_int_equal(sx_stat("resources"), resources + patients);
	j = sx_get("Task?status=completed&_summary=count", &status);
	assert_int_equal(status, 200);
	completed = (int64_t)json_integer_value(json_object_get(j, "total"));
	json_decref(j);
	if (completed < done)
		lost += done - completed;

	clean = (resources + bundle - 1) / bundle + (done + bundle - 1) /
	    bundle;
	printf("net-faults: %" PRId64 " outbox rows, then %" PRId64 " more"
	    " (%" PRId64 " actions done: updates with If-Match); %" PRId64
	    " resources; bundles of %d (about %" PRId64 " bundles without"
	    " faults)\n", rows, rows2, done, resources, bundle, clean);
	printf("net-faults: %d faults injected (%d while creating, %d while"
	    " updating), all met:", faults, faults - f2, f2);
	for (k = 0; k < K_N; k++)
		printf(" %s %d", kind_name[k], counts[k]);
	printf("\n");
	printf("net-faults: 429 with Retry-After: 1 s on %d, 0 on the rest;"
	    " timeout = answer after 1.6 s, client timeout 1 s\n", slow_429);
	printf("net-faults: %" PRId64 " requests (%" PRId64 " transactions,"
	    " %" PRId64 " read-backs after a 412 and probes); %" PRId64
	    " outbox rows retried, %" PRId64 " row attempts\n", requests,
	    transactions, requests - transactions, retried_rows, attempts);
	printf("net-faults: %.1f s (%.1f creating, %.1f updating); on the"
	    " server %zu resources, %" PRId64 " with version > 1, highest"
	    " version %" PRId64 ", %" PRId64 " Tasks completed\n", t1 + t2, t1,
	    t2, on_server, bumped, max_vid, completed);
	printf("net-faults: duplicates %" PRId64 ", lost %" PRId64 "\n", dups,
	    lost);
	assert_int_equal(dups, 0);
	assert_int_equal(lost, 0);
	sx_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_net_faults),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
