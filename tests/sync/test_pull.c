/*
 * test_pull.c - the central record read back (sync_pull, core/pull.c)
 * against the suite's FHIR server, with a second client writing to the
 * record as an owner's own system would: Tasks completed, cancelled and
 * given to someone else there, while the chair's laptop has changes of
 * its own not yet sent; faults during pulls (a 5xx on the second search,
 * a reply dropped, a reply that is not a Bundle); hostile text coming
 * back.  Nothing duplicated, nothing lost, nothing local overwritten; and
 * what a pull costs, in requests and bytes.
 */
#include "config.h"

#include "sync_fixture.h"

struct pull_args {
	struct sx *x;
	struct sync_pull_result *out;
};

static int
pull_on(uv_loop_t *loop, const struct sync_config *cfg, void *ctx)
{
	struct pull_args *a = ctx;

	return sync_pull(loop, a->x->s, cfg, a->out);
}

/* One pull of x's record; 0 or -1, with what it did in *out. */
static int
pull(struct sx *x, struct sync_pull_result *out)
{
	struct pull_args a = { x, out };

	return sx_on_loop(x, pull_on, &a);
}

/* The uuid of the action of id. */
static void
uuid_of(struct sx *x, int64_t id, char out[37])
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s), "SELECT uuid"
	    " FROM actions WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, 37, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* Another system changes Task/<uuid> on the record: its status, and
 * (when not NULL) its owner (by name only) and a note. */
static void
remote_set(const char *uuid, const char *status, const char *owner,
    const char *note)
{
	char rel[128], url[1024], *body;
	json_t *t;
	long st;

	snprintf(rel, sizeof(rel), "Task/%s", uuid);
	t = sx_get(rel, &st);
	assert_int_equal(st, 200);
	json_object_set_new(t, "status", json_string(status));
	if (owner != NULL)
		json_object_set_new(t, "owner", json_pack("{s:s}", "display",
		    owner));
	if (note != NULL)
		json_object_set_new(t, "note", json_pack("[{s:s, s:s}]",
		    "authorString", "District nurse", "text", note));
	body = json_dumps(t, 0);
	snprintf(url, sizeof(url), "%s/%s", sx_env("SYNC_TEST_BASE"), rel);
	assert_int_equal(sx_http("PUT", url, body, NULL), 200);
	free(body);
	json_decref(t);
}

static const char *
status_of(struct sx *x, int64_t id)
{
	static char buf[16];
	int64_t done = sx_int(x, "SELECT status = 'done' FROM actions"
	    " WHERE id = %lld", (long long)id);
	int64_t open = sx_int(x, "SELECT status = 'open' FROM actions"
	    " WHERE id = %lld", (long long)id);

	snprintf(buf, sizeof(buf), "%s", done ? "done" : open ? "open" :
	    "cancelled");
	return buf;
}

/* A meeting chaired and delivered, then read back once. */
static void
delivered(struct sx *x)
{
	struct sync_pull_result pr;

	sx_chair(x, NULL, NULL);
	assert_true(sx_sync(x, 60000, NULL));
	assert_int_equal(pull(x, &pr), 0);
	assert_int_equal(pr.merged.closed, 0);
	assert_int_equal(pr.merged.conflicts, 0);
}

/* An open action of the meeting (the n-th, from 0). */
static int64_t
open_action(struct sx *x, int n)
{
	return sx_int(x, "SELECT id FROM actions WHERE status = 'open'"
	    " ORDER BY id LIMIT 1 OFFSET %d", n);
}

static void
test_closed_from_record(void **state)
{
	struct sx *x = *state;
	struct sync_pull_result pr;
	int64_t a = 0, b = 0, c = 0, r0;
	char ua[37], ub[37], uc[37];

	delivered(x);
	a = open_action(x, 0);
	b = open_action(x, 1);
	c = open_action(x, 2);
	uuid_of(x, a, ua);
	uuid_of(x, b, ub);
	uuid_of(x, c, uc);
	remote_set(ua, "completed", NULL, "Seen at home, all in hand");
	remote_set(ub, "cancelled", NULL, NULL);
	remote_set(uc, "in-progress", "Nurse Someone Else", NULL);
	assert_int_equal(pull(x, &pr), 0);
	assert_int_equal(pr.merged.closed, 2);
	assert_int_equal(pr.merged.owners, 1);
	assert_string_equal(status_of(x, a), "done");
	assert_string_equal(status_of(x, b), "cancelled");
	/* an owner the record names, and a status not taken: shown only */
	assert_string_equal(status_of(x, c), "open");
	assert_int_equal(sx_int(x, "SELECT count(*) FROM record_tasks r JOIN"
	    " actions a ON a.id = r.action_id WHERE a.id = %lld AND r.owner ="
	    " 'Nurse Someone Else'", (long long)c), 1);
	/* audited: from the record, where, which version, when */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM audit WHERE action ="
	    " 'action_from_record' AND entity_uuid = '%s' AND detail LIKE"
	    " 'done from the record (https://127.0.0.1:%%): Task version 2"
	    " completed at %%'", ua), 1);
	assert_int_equal(sx_int(x, "SELECT note = 'District nurse: Seen at"
	    " home, all in hand' FROM record_tasks WHERE action_id = %lld",
	    (long long)a), 1);
	/* a pull queues nothing: the record is not written back to */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE state"
	    " <> 'sent'"), 0);
	/* again: the same Tasks (read again within the second's margin:
	 * the count says some changed, one search reads them) change
	 * nothing */
	r0 = sx_stat("requests");
	assert_int_equal(pull(x, &pr), 0);
	assert_int_equal(sx_stat("requests") - r0, 2);
	assert_int_equal(pr.requests, 2);
	assert_int_equal(pr.merged.closed, 0);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM audit WHERE action ="
	    " 'action_from_record'"), 2);
	/* nothing duplicated on the record */
	assert_int_equal(sx_count_identifier("Task", ua), 1);
	assert_int_equal(sx_count_type("Task"), (size_t)sx_int(x, "SELECT"
	    " count(*) FROM sync_versions WHERE resource_type = 'Task'"));
}

static void
test_conflict_kept(void **state)
{
	struct sx *x = *state;
	struct sync_pull_result pr;
	int64_t a, b;
	char ua[37], ub[37], rel[64];
	json_t *t;
	long st;

	delivered(x);
	a = open_action(x, 0);
	b = open_action(x, 1);
	uuid_of(x, a, ua);
	uuid_of(x, b, ub);
	/* closed here, not yet sent; cancelled there meanwhile */
	assert_int_equal(mdt_action_set_status(x->s, a, MDT_ACTION_DONE),
	    MDT_OK);
	assert_int_equal(mdt_action_set_status(x->s, b, MDT_ACTION_DONE),
	    MDT_OK);
	remote_set(ua, "cancelled", NULL, NULL);
	remote_set(ub, "cancelled", NULL, NULL);
	assert_int_equal(pull(x, &pr), 0);
	assert_int_equal(pr.merged.conflicts, 2);
	assert_int_equal(pr.merged.closed, 0);
	/* never over the local change */
	assert_string_equal(status_of(x, a), "done");
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE state ="
	    " 'pending' AND entity_uuid = '%s'", ua), 1);
	{
		int64_t n = 0;

		assert_int_equal(mdt_record_conflicts(x->s, &n), MDT_OK);
		assert_int_equal(n, 2);
	}
	/* the same pull again: still one conflict each, no new audit */
	assert_int_equal(pull(x, &pr), 0);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM audit WHERE action ="
	    " 'record_conflict' AND entity_uuid = '%s'", ua), 1);
	/* settled: a takes the record's, b keeps ours */
	assert_int_equal(mdt_record_take(x->s, a), MDT_OK);
	assert_int_equal(mdt_record_take(x->s, a), MDT_ESTATE);
	assert_string_equal(status_of(x, a), "cancelled");
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE state"
	    " <> 'sent' AND entity_uuid = '%s'", ua), 0);
	assert_int_equal(mdt_record_keep(x->s, b), MDT_OK);
	assert_string_equal(status_of(x, b), "done");
	assert_true(sx_sync(x, 60000, NULL));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE state"
	    " <> 'sent'"), 0);
	snprintf(rel, sizeof(rel), "Task/%s", ub);
	t = sx_get(rel, &st);
	assert_string_equal(json_string_value(json_object_get(t, "status")),
	    "completed");
	json_decref(t);
	snprintf(rel, sizeof(rel), "Task/%s", ua);
	t = sx_get(rel, &st);
	assert_string_equal(json_string_value(json_object_get(t, "status")),
	    "cancelled");
	json_decref(t);
	/* our own write read back is no news */
	assert_int_equal(pull(x, &pr), 0);
	assert_int_equal(pr.merged.conflicts + pr.merged.closed, 0);
	assert_int_equal(sx_count_identifier("Task", ub), 1);
}

/* Over 40 open actions delivered and read back (two searches a pull):
 * then the first completed on the record and the last set to
 * last_status there; their ids, the first's uuid, and the time of the
 * pull. */
static int64_t
two_searches(struct sx *x, const char *last_status, int64_t *first,
    int64_t *last, char u1[37])
{
	char u2[37];

	sx_queue_actions(x, 50);
	delivered(x);
	*first = sx_int(x, "SELECT a.id FROM actions a WHERE status = 'open'"
	    " ORDER BY uuid LIMIT 1");
	*last = sx_int(x, "SELECT a.id FROM actions a WHERE status = 'open'"
	    " ORDER BY uuid DESC LIMIT 1");
	uuid_of(x, *first, u1);
	uuid_of(x, *last, u2);
	remote_set(u1, "completed", NULL, NULL);
	remote_set(u2, last_status, NULL, NULL);
	return sx_int(x, "SELECT since FROM record_pull");
}

/* Faults during a pull of two searches (over 40 open actions): nothing
 * taken from a pull cut short, everything from the next. */
static void
test_faults_all_or_nothing(void **state)
{
	static const char *const faults[] = {
		"{\"faults\":[{\"delayMs\":1},{\"status\":503}]}",
		"{\"faults\":[{\"delayMs\":1},{\"drop\":\"after\",\"times\":2}]}",
		"{\"faults\":[{\"status\":200}]}",
	};
	struct sx *x = *state;
	struct sync_pull_result pr;
	int64_t first, last, since;
	char u1[37];

	since = two_searches(x, "completed", &first, &last, u1);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		sx_control("faults", faults[i]);
		if (pull(x, &pr) != -1)
			fprintf(stderr, "fault %zu: %lld actions, %lld requests"
			    "\n", i, (long long)pr.actions,
			    (long long)pr.requests);
		assert_int_equal(pr.error[0] != '\0', 1);
		assert_true(pr.error[0] != '\0');
		assert_string_equal(status_of(x, first), "open");
		assert_string_equal(status_of(x, last), "open");
		assert_int_equal(sx_int(x, "SELECT since FROM record_pull"),
		    since);
		sx_control("reset", "{}");
	}
	/* the malformed one says so */
	assert_non_null(strstr(pr.error, "not a Bundle"));
	assert_int_equal(pull(x, &pr), 0);
	/* whether any changed (the count), then the two searches */
	assert_int_equal(pr.requests, 3);
	assert_int_equal(pr.merged.closed, 2);
	assert_string_equal(status_of(x, first), "done");
	assert_string_equal(status_of(x, last), "done");
	assert_int_equal(sx_int(x, "SELECT count(*) FROM audit WHERE action ="
	    " 'action_from_record'"), 2);
	assert_int_equal(sx_count_identifier("Task", u1), 1);
}

/* The console's engine run until it has ended n pulls (30 s at most);
 * what the last did in *pr. */
static int64_t
run_until_pulls(struct sx_run *r, int64_t n, struct sync_pull_result *pr)
{
	uint64_t deadline = uv_now(&r->loop) + 30000;
	int64_t pulls = 0;

	do {
		uv_run(&r->loop, UV_RUN_ONCE);
		sync_engine_last_pull(r->e, pr, &pulls);
	} while (pulls < n && uv_now(&r->loop) < deadline);
	return pulls;
}

/* The console's pull, on the engine's loop: a 5xx on the second page
 * (the second search of over 40 open actions) takes nothing, says why
 * (the engine, and the store for `mdtchair status`), and the engine goes
 * on; the next pull takes everything, once. */
static void
test_engine_pull_fault(void **state)
{
	struct sx *x = *state;
	struct sync_pull_result pr;
	struct sync_status st;
	struct mdt_pull_last last;
	struct sx_run r;
	int64_t first, last_id, since;
	char u1[37];

	since = two_searches(x, "cancelled", &first, &last_id, u1);
	sx_run_start(&r, x->s, x->config);
	assert_true(sx_run_until_idle(&r, 60000));	/* online, idle */
	sx_control("faults", "{\"faults\":[{\"delayMs\":1},"
	    "{\"status\":503}]}");
	assert_int_equal(sync_engine_pull_now(r.e), 0);
	assert_int_equal(sync_engine_pull_now(r.e), 1);	/* one at a time */
	sync_engine_status(r.e, &st);
	assert_true(st.pulling);
	assert_int_equal(run_until_pulls(&r, 1, &pr), 1);
	assert_non_null(strstr(pr.error, "503"));
	assert_int_equal(pr.requests, 2);
	assert_string_equal(status_of(x, first), "open");
	assert_string_equal(status_of(x, last_id), "open");
	assert_int_equal(sx_int(x, "SELECT since FROM record_pull"), since);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM audit WHERE action ="
	    " 'action_from_record'"), 0);
	assert_int_equal(mdt_pull_last(x->s, &last), MDT_OK);
	assert_non_null(last.error);
	assert_non_null(strstr(last.error, "503"));
	mdt_pull_last_free(&last);
	sync_engine_status(r.e, &st);
	assert_false(st.pulling);
	/* the engine goes on */
	sx_control("reset", "{}");
	assert_int_equal(sync_engine_pull_now(r.e), 0);
	assert_int_equal(run_until_pulls(&r, 2, &pr), 2);
	assert_string_equal(pr.error, "");
	assert_int_equal(pr.merged.closed, 2);
	assert_string_equal(status_of(x, first), "done");
	assert_string_equal(status_of(x, last_id), "cancelled");
	assert_int_equal(mdt_pull_last(x->s, &last), MDT_OK);
	assert_null(last.error);
	assert_int_equal(last.closed, 2);
	mdt_pull_last_free(&last);
	sx_run_end(&r);
	assert_int_equal(sx_count_identifier("Task", u1), 1);
}

/* Hostile text in a Task coming back is kept escaped, and shown so. */
static void
test_hostile_text(void **state)
{
	struct sx *x = *state;
	struct sync_pull_result pr;
	struct mdt_action_item *items = NULL;
	struct mdt_actions_filter all = { .closed = true };
	size_t n = 0;
	char ua[37], *buf = NULL;
	size_t len = 0;
	FILE *out;
	int64_t a;

	delivered(x);
	a = open_action(x, 0);
	uuid_of(x, a, ua);
	remote_set(ua, "completed", "Nurse \xe2\x80\xae<script>alert(1)"
	    "</script> | # *x*", "Line one\nline \xe2\x81\xa6two");
	assert_int_equal(pull(x, &pr), 0);
	assert_int_equal(sx_int(x, "SELECT instr(owner, char(8238)) +"
	    " instr(note, char(8294)) FROM record_tasks WHERE action_id ="
	    " %lld", (long long)a), 0);
	assert_int_equal(mdt_actions_query(x->s, &all, &items, &n), MDT_OK);
	assert_true(n > 0);
	out = open_memstream(&buf, &len);
	assert_int_equal(mdt_actions_print(x->s, &all, MDT_ACTIONS_MD, false,
	    out), MDT_OK);
	fclose(out);
	assert_null(strstr(buf, "<script>"));
	assert_non_null(strstr(buf, "\\<script\\>"));
	assert_null(strstr(buf, "\xe2\x80\xae"));
	free(buf);
	mdt_action_items_free(items, n);
}

/* What a pull costs: a 12-patient agenda's open actions read back
 * (first, every Task; then an unchanged record). */
static void
test_cost(void **state)
{
	struct sx *x = *state;
	struct sync_pull_result pr;
	int64_t actions;

	/* over 40 open actions: two searches by id; an unchanged record
	 * still costs one request, the count */
	sx_queue_actions(x, 60);
	sx_chair(x, NULL, NULL);
	assert_true(sx_sync(x, 60000, NULL));
	actions = sx_int(x, "SELECT count(*) FROM actions WHERE status ="
	    " 'open'");
	assert_int_equal(pull(x, &pr), 0);
	fprintf(stderr, "# cost: first pull of %lld open actions: %lld"
	    " requests, %lld bytes, %lld Tasks\n", (long long)actions,
	    (long long)pr.requests, (long long)pr.bytes,
	    (long long)pr.merged.tasks);
	usleep(2100 * 1000);	/* past the second's margin */
	assert_int_equal(pull(x, &pr), 0);
	assert_int_equal(pull(x, &pr), 0);
	fprintf(stderr, "# cost: unchanged record, %lld open actions: %lld"
	    " requests, %lld bytes, %lld Tasks\n", (long long)actions,
	    (long long)pr.requests, (long long)pr.bytes,
	    (long long)pr.merged.tasks);
	assert_true(actions > 40);
	assert_int_equal(pr.actions, actions);
	assert_int_equal(pr.requests, 1);
	assert_int_equal(pr.merged.tasks, 0);
	assert_true(pr.bytes < 2048);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_closed_from_record, sx_setup,
		    sx_teardown),
		cmocka_unit_test_setup_teardown(test_conflict_kept, sx_setup,
		    sx_teardown),
		cmocka_unit_test_setup_teardown(test_faults_all_or_nothing,
		    sx_setup, sx_teardown),
		cmocka_unit_test_setup_teardown(test_engine_pull_fault, sx_setup,
		    sx_teardown),
		cmocka_unit_test_setup_teardown(test_hostile_text, sx_setup,
		    sx_teardown),
		cmocka_unit_test_setup_teardown(test_cost, sx_setup, sx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
