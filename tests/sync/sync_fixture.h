/*
 * sync_fixture.h - shared by the sync tests that talk to the test FHIR
 * server: chairing a realistic meeting through core/, writing a
 * configuration and token file, running the engine on its own loop until
 * the outbox is drained (and checking the loop closes clean), and a small
 * blocking HTTPS client to read back from the server and drive its
 * fault-injection control API.
 *
 * The harness (tests/sync/run.sh) sets SYNC_TEST_BASE (the server's FHIR
 * base), SYNC_TEST_CONTROL (its control URL), SYNC_TEST_CA (the test CA),
 * SYNC_TEST_TOKEN (the bearer token the server wants) and SYNC_TEST_DIR
 * (a scratch folder with the other certificates).
 */
#ifndef MDT_SYNC_FIXTURE_H
#define MDT_SYNC_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <uuid/uuid.h>
#include <uv.h>

#include "mdt.h"
#include "sync.h"

static inline const char *
sx_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0') {
		fprintf(stderr, "%s is not set (run through tests/sync/run.sh)\n",
		    name);
		exit(1);
	}
	return v;
}

/* ---- a blocking client for reading back ------------------------------ */

struct sx_buf {
	char *s;
	size_t n;
};

static inline size_t
sx_write(char *data, size_t size, size_t nmemb, void *userp)
{
	struct sx_buf *b = userp;
	size_t n = size * nmemb;

	b->s = realloc(b->s, b->n + n + 1);
	assert_non_null(b->s);
	memcpy(b->s + b->n, data, n);
	b->n += n;
	b->s[b->n] = '\0';
	return n;
}

/* method on url (absolute); body may be NULL; returns the status and the
 * parsed JSON reply in *out (NULL if none). */
static inline long
sx_http(const char *method, const char *url, const char *body, json_t **out)
{
	struct sx_buf b = { NULL, 0 };
	struct curl_slist *h = NULL;
	char auth[512];
	long status = 0;
	CURL *c = curl_easy_init();
	CURLcode rc;

	assert_non_null(c);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
	    sx_env("SYNC_TEST_TOKEN"));
	h = curl_slist_append(h, auth);
	h = curl_slist_append(h, "Content-Type: application/fhir+json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, sx_env("SYNC_TEST_CA"));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sx_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		fprintf(stderr, "%s %s: %s\n", method, url,
		    curl_easy_strerror(rc));
	assert_int_equal(rc, CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (out != NULL)
		*out = b.s != NULL ? json_loads(b.s, 0, NULL) : NULL;
	free(b.s);
	return status;
}

/* GET base/rel; the JSON (caller decrefs) and the status. */
static inline json_t *
sx_get(const char *rel, long *status)
{
	char url[1024];
	json_t *j = NULL;
	long st;

	snprintf(url, sizeof(url), "%s/%s", sx_env("SYNC_TEST_BASE"), rel);
	st = sx_http("GET", url, NULL, &j);
	if (status != NULL)
		*status = st;
	return j;
}

/* How many resources of type carry our identifier for id. */
static inline size_t
sx_count_identifier(const char *type, const char *id)
{
	char rel[256];
	json_t *j;
	long st;
	size_t n;

	snprintf(rel, sizeof(rel), "%s?identifier=urn:ietf:rfc:3986%%7C"
	    "urn:uuid:%s", type, id);
	j = sx_get(rel, &st);
	assert_int_equal(st, 200);
	n = json_array_size(json_object_get(j, "entry"));
	json_decref(j);
	return n;
}

/* How many resources of type the server holds. */
static inline size_t
sx_count_type(const char *type)
{
	char rel[128];
	json_t *j;
	long st;
	size_t n;

	snprintf(rel, sizeof(rel), "%s?_count=5000", type);
	j = sx_get(rel, &st);
	assert_int_equal(st, 200);
	n = json_array_size(json_object_get(j, "entry"));
	json_decref(j);
	return n;
}

static inline void
sx_control(const char *name, const char *body)
{
	char url[512];
	json_t *j = NULL;
	long st;

	snprintf(url, sizeof(url), "%s/%s", sx_env("SYNC_TEST_CONTROL"), name);
	st = sx_http("POST", url, body, &j);
	if (st != 200)
		fprintf(stderr, "control %s %s: %ld\n", name, body, st);
	assert_int_equal(st, 200);
	json_decref(j);
}

/* A counter from GET /__control/stats ("transactions", "requests"). */
static inline int64_t
sx_stat(const char *name)
{
	char url[512];
	json_t *j = NULL;
	int64_t v;

	snprintf(url, sizeof(url), "%s/stats", sx_env("SYNC_TEST_CONTROL"));
	assert_int_equal(sx_http("GET", url, NULL, &j), 200);
	v = (int64_t)json_integer_value(json_object_get(j, name));
	json_decref(j);
	return v;
}

/* Empties the server and clears faults and counters. */
static inline void
sx_reset_server(void)
{
	sx_control("reset", "{\"data\":true,\"stats\":true}");
}

/* ---- the store and a meeting ----------------------------------------- */

struct sx {
	char dir[64];
	char db[128];
	char config[128];
	char token[128];
	struct mdt_store *s;
	int64_t meeting;
};

static inline void
sx_exec(struct sx *x, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(mdt_store_db(x->s), sql, NULL, NULL, &err) !=
	    SQLITE_OK)
		fprintf(stderr, "%s: %s\n", sql, err);
	sqlite3_free(err);
}

static inline int64_t
sx_int(struct sx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline int64_t
sx_int(struct sx *x, const char *fmt, ...)
{
	char sql[1024];
	sqlite3_stmt *st;
	int64_t v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s), sql, -1, &st,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The uuid of the action of id, into out. */
static inline void
sx_action_uuid(struct sx *x, int64_t id, char out[37])
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s), "SELECT uuid"
	    " FROM actions WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, 37, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static inline int64_t
sx_person(struct sx *x, const char *name)
{
	return sx_int(x, "SELECT id FROM people WHERE name = '%s'", name);
}

static inline void
sx_write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/*
 * Writes x->config for base (NULL: the test server) with the test CA (or
 * ca), the token file and fast retries; extra is appended to [server].
 */
static inline void
sx_config(struct sx *x, const char *base, const char *ca, const char *extra)
{
	char text[2048];

	snprintf(text, sizeof(text),
	    "; written by the sync tests\n"
	    "[server]\n"
	    "base_url = %s\n"
	    "ca_file = %s\n"
	    "token_file = token\n"
	    "connect_timeout = 5\n"
	    "timeout = 20\n"
	    "%s"
	    "[retry]\n"
	    "initial_ms = 40\n"
	    "max_ms = 400\n",
	    base != NULL ? base : sx_env("SYNC_TEST_BASE"),
	    ca != NULL ? ca : sx_env("SYNC_TEST_CA"),
	    extra != NULL ? extra : "");
	sx_write_file(x->config, text, 0600);
}

static inline struct sx *
sx_new(void)
{
	struct mdt_clock clock = { mdt_clock_real, NULL };
	struct sx *x = calloc(1, sizeof(*x));
	char err[256], tok[512];

	assert_non_null(x);
	snprintf(x->dir, sizeof(x->dir), "/tmp/mdt-sync-XXXXXX");
	assert_non_null(mkdtemp(x->dir));
	snprintf(x->db, sizeof(x->db), "%s/mdt.db", x->dir);
	snprintf(x->config, sizeof(x->config), "%s/config.ini", x->dir);
	snprintf(x->token, sizeof(x->token), "%s/token", x->dir);
	snprintf(tok, sizeof(tok), "%s\n", sx_env("SYNC_TEST_TOKEN"));
	sx_write_file(x->token, tok, 0600);
	assert_int_equal(mdt_store_open(x->db, &clock, MDT_OPEN_CREATE, &x->s,
	    err, sizeof(err)), MDT_OK);
	mdt_store_set_actor(x->s, "sync-test");
	assert_int_equal(mdt_demo_create(x->s, &x->meeting), MDT_OK);
	sx_config(x, NULL, NULL, NULL);
	return x;
}

static inline void
sx_free(struct sx *x)
{
	char cmd[160];

	assert_int_equal(mdt_store_statements_open(x->s), 0);
	mdt_store_free(x->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", x->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", x->dir);
	free(x);
}

/* fn run with x's configuration on a loop of its own, which must close
 * clean: what fn returns. */
static inline int
sx_on_loop(struct sx *x, int (*fn)(uv_loop_t *, const struct sync_config *,
    void *), void *ctx)
{
	struct sync_config *cfg = NULL;
	uv_loop_t loop;
	char err[512];
	int rc;

	assert_int_equal(sync_config_load(x->config, &cfg, err, sizeof(err)),
	    0);
	assert_int_equal(uv_loop_init(&loop), 0);
	rc = fn(&loop, cfg, ctx);
	assert_int_equal(uv_loop_close(&loop), 0);
	sync_config_free(cfg);
	return rc;
}

/* cmocka's setup and teardown of a case: an empty server, a laptop
 * with the demo meeting. */
static inline int
sx_setup(void **state)
{
	sx_reset_server();
	*state = sx_new();
	return 0;
}

static inline int
sx_teardown(void **state)
{
	sx_free(*state);
	return 0;
}

/* What the meeting recorded, for checking it on the server. */
#define SX_MAX_ACTIONS 32

/*
 * Chairs the demo meeting: register (six present, one apologies), then
 * five slots with each kind of consent (two of them excluding
 * organisations), notes, two actions each with owners and due dates, each kind of outcome (died adds its own action),
 * a key contact; a sixth slot started and the meeting closed.  If
 * between is not NULL it is called after every act (to kick an engine).
 */
static inline void
sx_chair(struct sx *x, void (*between)(void *), void *ctx)
{
	static const char *const present[] = {
		"Dr Siobhán Ní Bhriain", "Dr Kwame Mensah", "Marta Kowalczyk",
		"Ade Okonkwo", "Priya Raghunathan", "Sam Whitlock",
	};
	static const char *const owners[] = {
		"Marta Kowalczyk", "Ade Okonkwo", "Dr Kwame Mensah",
		"Priya Raghunathan", "Dr Siobhán Ní Bhriain",
	};
	/* organisations the patients of slots 1 and 3 asked to exclude */
	static const char *const excl1[] = { "Acme Care", "Borough Housing" };
	static const char *const excl3[] = { "Zoë's Café & <Bar>" };
	int64_t slot, m = x->meeting;
	size_t i;
	char text[128];

#define ACT(call) do { assert_int_equal((call), MDT_OK); \
	if (between != NULL) between(ctx); } while (0)

	ACT(mdt_meeting_open(x->s, m));
	for (i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
		int64_t p = sx_person(x, present[i]);

		ACT(mdt_attendance_set(x->s, m, p, MDT_ATTEND_PRESENT));
		ACT(mdt_attendance_ack(x->s, m, p, true));
	}
	ACT(mdt_attendance_set(x->s, m, sx_person(x, "Hamza Qureshi"),
	    MDT_ATTEND_APOLOGIES));
	for (i = 0; i < 5; i++) {
		ACT(mdt_slot_next(x->s, m, &slot));
		switch (i) {
		case 1:
			ACT(mdt_consent_record(x->s, slot,
			    MDT_CONSENT_BEST_INTERESTS, "Lacks capacity to decide;"
			    " daughter (LPA) agrees <urgent> & safe", NULL, 0));
			break;
		case 2:
			ACT(mdt_consent_record(x->s, slot,
			    MDT_CONSENT_RISK_TO_OTHERS, "Grandchildren in the"
			    " home at risk", excl3, 1));
			break;
		default:
			ACT(mdt_consent_record(x->s, slot, MDT_CONSENT_GIVEN,
			    NULL, i == 0 ? excl1 : NULL, i == 0 ? 2 : 0));
			break;
		}
		snprintf(text, sizeof(text), "Discussed at slot %zu: falls,"
		    " medicines \"review\"", i + 1);
		ACT(mdt_note_add(x->s, slot, text, NULL));
		ACT(mdt_note_add(x->s, slot, "Family to be told", NULL));
		snprintf(text, sizeof(text), "Review medicines (slot %zu)",
		    i + 1);
		ACT(mdt_action_add(x->s, slot, text,
		    sx_person(x, owners[i]), "+7", NULL));
		snprintf(text, sizeof(text), "Refer to falls clinic (slot %zu)",
		    i + 1);
		ACT(mdt_action_add(x->s, slot, text,
		    sx_person(x, owners[(i + 1) % 5]), "+39", NULL));
		switch (i) {
		case 0:
			ACT(mdt_outcome_record(x->s, slot, MDT_OUTCOME_STAY,
			    "+56"));
			ACT(mdt_key_contact_set(x->s, sx_int(x, "SELECT"
			    " patient_id FROM slots WHERE id = %lld",
			    (long long)slot), sx_person(x, "Ade Okonkwo")));
			break;
		case 1:
			ACT(mdt_outcome_record(x->s, slot,
			    MDT_OUTCOME_STEP_DOWN, NULL));
			break;
		case 2:
			ACT(mdt_outcome_record(x->s, slot, MDT_OUTCOME_CLOSE,
			    NULL));
			break;
		case 3:
			ACT(mdt_outcome_record(x->s, slot, MDT_OUTCOME_DIED,
			    NULL));
			break;
		default:
			ACT(mdt_outcome_record(x->s, slot, MDT_OUTCOME_STAY,
			    "+28"));
			break;
		}
	}
	/* one action of the first slot done already */
	ACT(mdt_action_set_status(x->s, sx_int(x, "SELECT min(id) FROM"
	    " actions"), MDT_ACTION_DONE));
	ACT(mdt_slot_next(x->s, m, &slot));
	ACT(mdt_meeting_close(x->s, m));
#undef ACT
}

/* n open actions (carried over, no slot) for the demo patients, each
 * queued, in one transaction: the queue a long offline spell leaves. */
static inline void
sx_queue_actions(struct sx *x, int n)
{
	sqlite3 *db = mdt_store_db(x->s);
	sqlite3_stmt *a, *o;
	char u[37], ou[37], due[11];
	uuid_t bin;
	int i;
	int64_t now = mdt_clock_real(NULL);

	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO actions (uuid, patient_id, text,"
	    " owner_id, due_date, created_at) VALUES (?1, (SELECT id FROM"
	    " patients ORDER BY id LIMIT 1 OFFSET ?2), ?3, (SELECT id FROM"
	    " people ORDER BY id LIMIT 1 OFFSET ?4), ?5, ?6)", -1, &a, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO outbox (uuid, entity, entity_uuid,"
	    " created_at, next_at) VALUES (?1, 'action', ?2, ?3, ?3)", -1, &o,
	    NULL);
	for (i = 0; i < n; i++) {
		char text[64];

		uuid_generate_random(bin);
		uuid_unparse_lower(bin, u);
		uuid_generate_random(bin);
		uuid_unparse_lower(bin, ou);
		snprintf(text, sizeof(text), "Follow-up call %d", i + 1);
		snprintf(due, sizeof(due), "2027-%02d-%02d", i % 12 + 1,
		    i % 28 + 1);
		sqlite3_bind_text(a, 1, u, -1, SQLITE_STATIC);
		sqlite3_bind_int(a, 2, i % 12);
		sqlite3_bind_text(a, 3, text, -1, SQLITE_STATIC);
		sqlite3_bind_int(a, 4, i % 10);
		sqlite3_bind_text(a, 5, due, -1, SQLITE_STATIC);
		sqlite3_bind_int64(a, 6, now);
		sqlite3_step(a);
		sqlite3_reset(a);
		sqlite3_bind_text(o, 1, ou, -1, SQLITE_STATIC);
		sqlite3_bind_text(o, 2, u, -1, SQLITE_STATIC);
		sqlite3_bind_int64(o, 3, now);
		sqlite3_step(o);
		sqlite3_reset(o);
	}
	sqlite3_finalize(a);
	sqlite3_finalize(o);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

/* ---- running the engine ---------------------------------------------- */

struct sx_run {
	uv_loop_t loop;
	uv_timer_t tick;
	struct sync_engine *e;
	uint64_t deadline;
	bool finished;		/* nothing pending, nothing in flight */
	int changes;
};

static inline void
sx_on_change(void *ctx)
{
	((struct sx_run *)ctx)->changes++;
}

static inline void
sx_on_tick(uv_timer_t *t)
{
	struct sx_run *r = t->data;
	struct sync_status st;

	sync_engine_status(r->e, &st);
	if (st.pending == 0 && !st.busy)
		r->finished = true;
	if (r->finished || uv_now(&r->loop) >= r->deadline)
		uv_stop(&r->loop);
}

static inline void
sx_run_start(struct sx_run *r, struct mdt_store *s, const char *config)
{
	struct sync_config *cfg = NULL;
	char err[512];

	memset(r, 0, sizeof(*r));
	if (sync_config_load(config, &cfg, err, sizeof(err)) != 0)
		fprintf(stderr, "config: %s\n", err);
	assert_non_null(cfg);
	assert_int_equal(uv_loop_init(&r->loop), 0);
	r->e = sync_engine_new(&r->loop, s, cfg);
	sync_config_free(cfg);
	sync_engine_on_change(r->e, sx_on_change, r);
	uv_timer_init(&r->loop, &r->tick);
	r->tick.data = r;
}

/* Runs the loop until the outbox is drained or timeout_ms pass. */
static inline bool
sx_run_until_idle(struct sx_run *r, int timeout_ms)
{
	r->finished = false;
	r->deadline = uv_now(&r->loop) + (uint64_t)timeout_ms;
	sync_engine_kick(r->e);
	uv_timer_start(&r->tick, sx_on_tick, 10, 10);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&r->tick);
	return r->finished;
}

/* Closes the engine and the loop, which must close clean. */
static inline void
sx_run_end(struct sx_run *r)
{
	sync_engine_close(r->e);
	uv_close((uv_handle_t *)&r->tick, NULL);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&r->loop), 0);
}

/* Syncs x's outbox once with its configuration; true if drained. */
static inline bool
sx_sync(struct sx *x, int timeout_ms, struct sync_status *out)
{
	struct sx_run r;
	bool ok;

	sx_run_start(&r, x->s, x->config);
	ok = sx_run_until_idle(&r, timeout_ms);
	if (out != NULL)
		sync_engine_status(r.e, out);
	sx_run_end(&r);
	return ok;
}

#endif
