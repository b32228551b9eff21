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
	sx_action_uuid(x, a, ua);
	sx_action_uuid(x, b, ub);
	sx_action_uuid(x, c, uc);
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
	sx_action_uuid(x, a, ua);
	sx_action_uuid(x, b, ub);
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
	sx_action_uuid(x, *first, u1);
	sx_action_uuid(x, *last, u2);
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
	sx_action_uuid(x, a, ua);
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

/* ---- discussions at meetings not held here -------------------------- */

struct elsewhere_args {
	struct sx *x;
	struct sync_elsewhere_result *out;
};

static int
elsewhere_on(uv_loop_t *loop, const struct sync_config *cfg, void *ctx)
{
	struct elsewhere_args *a = ctx;

	return sync_pull_elsewhere(loop, a->x->s, cfg, a->out);
}

/* The discussions of x's next agenda read back once; 0 or -1. */
static int
pull_elsewhere(struct sx *x, struct sync_elsewhere_result *out)
{
	struct elsewhere_args a = { x, out };

	return sx_on_loop(x, elsewhere_on, &a);
}

/* Another system rewrites a field of Type/id on the record: text (a
 * JSON string) at o.key (o.key.sub when sub is not NULL). */
static void
remote_text(const char *rel, const char *key, const char *sub,
    const char *text)
{
	char url[1024], *body;
	json_t *r;
	long st;

	r = sx_get(rel, &st);
	assert_int_equal(st, 200);
	if (sub != NULL)
		json_object_set_new(json_object_get(r, key), sub,
		    json_string(text));
	else
		json_object_set_new(r, key, json_string(text));
	body = json_dumps(r, 0);
	snprintf(url, sizeof(url), "%s/%s", sx_env("SYNC_TEST_BASE"), rel);
	json_decref(r);
	r = NULL;
	if (sx_http("PUT", url, body, &r) != 200) {
		char *said = json_dumps(r, 0);

		fprintf(stderr, "PUT %s: %s\n", rel, said);
		free(said);
		fail();
	}
	free(body);
	json_decref(r);
}

/* n patients more, with valid NHS numbers, on the agenda of x's meeting
 * (after its own). */
static void
more_on_agenda(struct sx *x, int n)
{
	sqlite3 *db = mdt_store_db(x->s);
	int made = 0;

	for (int k = 0; made < n; k++) {
		char nhs[16], uuid[37], sql[512];
		int sum = 0, check;

		snprintf(nhs, sizeof(nhs), "94300%04d", k % 10000);
		for (int i = 0; i < 9; i++)
			sum += (nhs[i] - '0') * (10 - i);
		check = 11 - sum % 11;
		if (check == 10)
			continue;
		nhs[9] = (char)('0' + (check == 11 ? 0 : check));
		nhs[10] = '\0';
		mdt_uuid_new(uuid);
		snprintf(sql, sizeof(sql), "INSERT INTO patients (uuid,"
		    " nhs_number, name) VALUES ('%s', '%s', 'Extra %d')", uuid,
		    nhs, k);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
		mdt_uuid_new(uuid);
		snprintf(sql, sizeof(sql), "INSERT INTO slots (uuid,"
		    " meeting_id, patient_id, position, reason,"
		    " planned_seconds) VALUES ('%s', %lld, (SELECT id FROM"
		    " patients WHERE nhs_number = '%s'), 100 + %d, 'x', 300)",
		    uuid, (long long)x->meeting, nhs, made);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
		made++;
	}
}

/* The agenda of x's meeting as printed, masked or not. */
static char *
agenda_of(struct sx *x, enum mdt_agenda_format fmt, bool unmask)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_int_equal(mdt_agenda_write(x->s, x->meeting, fmt, unmask, out),
	    MDT_OK);
	fclose(out);
	return buf;
}

/*
 * Laptop A chairs a meeting and syncs; another system writes hostile
 * text into the record of one discussion (its outcome's text, an open
 * action).  Laptop B, another database on the same record, has the same
 * patients (and 30 more) on its next agenda: its read of the record
 * keeps A's five discussions, bounded and escaped, shown by its agenda;
 * a 5xx on the second page keeps nothing; read again unchanged, nothing
 * is added, at one request per 40 patients.  A reading its own next
 * agenda keeps none of its own discussions.
 */
static void
test_elsewhere(void **state)
{
	/* as hostile as a conforming record can be: markup, a
	 * bidirectional override, a new line (no control character: the
	 * record refuses them) */
	static const char hostile[] = "Stay <script>x</script>"
	    " \xe2\x80\xae|*y*\nsecond line";
	struct sx *a = *state, *b;
	struct sync_elsewhere_result er;
	char rel[128], nhs[11], *long_text, *txt, *md, *masked, uuid[37];
	char sql[512];
	int64_t p1, next;

	sx_chair(a, NULL, NULL);
	assert_true(sx_sync(a, 60000, NULL));
	/* the first discussion's outcome and its open action, rewritten on
	 * the record by another system */
	p1 = sx_int(a, "SELECT patient_id FROM slots WHERE meeting_id = %lld"
	    " AND position = 1", (long long)a->meeting);
	snprintf(nhs, sizeof(nhs), "%lld", (long long)sx_int(a, "SELECT"
	    " nhs_number FROM patients WHERE id = %lld", (long long)p1));
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(mdt_store_db(a->s),
		    "SELECT o.uuid FROM outcomes o JOIN slots s ON s.id ="
		    " o.slot_id WHERE s.patient_id = ?", -1, &st, NULL),
		    SQLITE_OK);
		sqlite3_bind_int64(st, 1, p1);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		snprintf(rel, sizeof(rel), "Observation/%s",
		    (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	remote_text(rel, "valueCodeableConcept", "text", hostile);
	sx_action_uuid(a, sx_int(a, "SELECT id FROM actions WHERE patient_id = %lld"
	    " AND status = 'open'", (long long)p1), uuid);
	snprintf(rel, sizeof(rel), "Task/%s", uuid);
	long_text = malloc(10001);
	memset(long_text, 'z', 10000);
	{
		static const char lead[] = "Ring\n the \xe2\x81\xa6" "daughter ";

		memcpy(long_text, lead, sizeof(lead) - 1);
	}
	long_text[10000] = '\0';
	remote_text(rel, "description", NULL, long_text);
	free(long_text);

	/* the patient's joined-up plan, made on another laptop */
	{
		json_t *found, *cp;
		char url[1024], *body, *ref;
		long st;

		snprintf(rel, sizeof(rel), "Patient?identifier=https://fhir.nhs"
		    ".uk/Id/nhs-number%%7C%s", nhs);
		found = sx_get(rel, &st);
		assert_int_equal(st, 200);
		ref = mdt_xasprintf("Patient/%s", json_string_value(
		    json_object_get(json_object_get(json_array_get(
		    json_object_get(found, "entry"), 0), "resource"), "id")));
		cp = json_pack("{s:s, s:s, s:[{s:s, s:s}], s:s, s:s, s:s,"
		    " s:{s:s}}", "resourceType", "CarePlan", "id",
		    "4d1f0c57-2d5e-4a3c-9b8e-5f7a0e1d2c3b", "identifier",
		    "system", "urn:ietf:rfc:3986", "value",
		    "urn:uuid:4d1f0c57-2d5e-4a3c-9b8e-5f7a0e1d2c3b", "status",
		    "active", "intent", "plan", "description",
		    "Next review 2027-01-10 \xe2\x80\xae<i>", "subject",
		    "reference", ref);
		body = json_dumps(cp, 0);
		snprintf(url, sizeof(url), "%s/CarePlan/4d1f0c57-2d5e-4a3c-"
		    "9b8e-5f7a0e1d2c3b", sx_env("SYNC_TEST_BASE"));
		assert_int_equal(sx_http("PUT", url, body, NULL), 201);
		mdt_free_each(2, body, ref);
		json_decref(cp);
		json_decref(found);
	}

	b = sx_new();
	more_on_agenda(b, 30);
	/* a 5xx on the second page: nothing kept */
	sx_control("faults", "{\"faults\":[{\"delayMs\":1},{\"status\":503}]}");
	assert_int_equal(pull_elsewhere(b, &er), -1);
	assert_non_null(strstr(er.error, "503"));
	assert_int_equal(er.requests, 2);
	assert_int_equal(sx_int(b, "SELECT count(*) FROM record_discussions"),
	    0);
	assert_int_equal(sx_int(b, "SELECT count(*) FROM"
	    " record_discussion_reads"), 0);
	sx_control("reset", "{}");
	usleep(2100 * 1000);	/* past the second's margin */
	/* then whole */
	assert_int_equal(pull_elsewhere(b, &er), 0);
	fprintf(stderr, "# elsewhere: first read for %lld patients: %lld"
	    " requests, %lld bytes, %lld discussions\n",
	    (long long)er.patients, (long long)er.requests,
	    (long long)er.bytes, (long long)er.kept.read);
	assert_int_equal(er.patients, 42);
	assert_int_equal(er.requests, 2);
	assert_int_equal(er.kept.added, 5);
	assert_int_equal(sx_int(b, "SELECT count(*) FROM record_discussions"),
	    5);
	assert_int_equal(sx_int(b, "SELECT count(*) FROM record_discussions"
	    " r JOIN patients p ON p.id = r.patient_id WHERE p.nhs_number ="
	    " '%s' AND r.outcome_kind = 'stay' AND r.open_actions = 1",
	    nhs), 1);
	/* the meeting's day and title, as A has them */
	assert_int_equal(sx_int(b, "SELECT count(*) FROM record_discussions"
	    " WHERE meeting = 'Demo MDT' AND day = date('now', 'localtime')"),
	    5);
	/* hostile text: valid, bounded, no escape or override kept */
	assert_int_equal(sx_int(b, "SELECT count(*) FROM record_discussions"
	    " WHERE instr(coalesce(outcome_text, '') || coalesce(actions, ''),"
	    " char(8294)) + instr(coalesce(outcome_text, ''), char(8238)) +"
	    " instr(coalesce(outcome_text, ''), char(10)) > 0"), 0);
	assert_int_equal(sx_int(b, "SELECT count(*) FROM record_discussions"
	    " WHERE plan LIKE 'active: Next review 2027-01-10 %%<i>'"
	    " AND instr(plan, char(8238)) = 0"), 1);
	assert_int_equal(sx_int(b, "SELECT max(length(CAST(actions AS BLOB)))"
	    " <= 2000 AND max(length(CAST(outcome_text AS BLOB))) <= 400"
	    " FROM record_discussions"), 1);
	/* B's agenda shows them, escaped; masked, the day alone */
	txt = agenda_of(b, MDT_AGENDA_TXT, true);
	md = agenda_of(b, MDT_AGENDA_MD, true);
	masked = agenda_of(b, MDT_AGENDA_TXT, false);
	assert_non_null(strstr(txt, "    Elsewhere: "));
	assert_non_null(strstr(txt, " Demo MDT at "));
	assert_non_null(strstr(txt, "      open action: Ring"));
	assert_non_null(strstr(txt, "      plan: active: Next review"
	    " 2027-01-10 "));
	assert_null(strstr(txt, "\x1b"));
	assert_null(strstr(txt, "\xe2\x80\xae"));
	assert_non_null(strstr(md, "## Discussed at meetings not held here"));
	assert_non_null(strstr(md, "\\<script\\>"));
	assert_null(strstr(md, "<script>"));
	assert_non_null(strstr(masked, "    Elsewhere: discussed elsewhere on"));
	assert_null(strstr(masked, "script"));
	assert_null(strstr(masked, "Demo MDT at"));
	assert_null(strstr(masked, "open action"));
	assert_null(strstr(masked, "plan: "));
	free(txt);
	free(md);
	free(masked);
	/* again, nothing changed: nothing added, one request a 40 */
	assert_int_equal(pull_elsewhere(b, &er), 0);
	assert_int_equal(er.requests, 2);
	assert_int_equal(er.kept.added + er.kept.changed, 0);
	assert_int_equal(sx_int(b, "SELECT count(*) FROM record_discussions"),
	    5);
	fprintf(stderr, "# elsewhere: unchanged record, %lld patients: %lld"
	    " requests, %lld bytes, %lld discussions\n",
	    (long long)er.patients, (long long)er.requests,
	    (long long)er.bytes, (long long)er.kept.read);
	assert_int_equal(sx_int(b, "SELECT count(*) FROM"
	    " record_discussion_reads WHERE since > 0"), 42);
	assert_int_equal(er.kept.read, 0);
	assert_true(er.bytes < 2 * 6144);
	/* A's next agenda has the first patient: A's own discussion is
	 * left out */
	mdt_uuid_new(uuid);
	snprintf(sql, sizeof(sql), "INSERT INTO meetings (uuid, title,"
	    " scheduled_start, planned_minutes) VALUES ('%s', 'Next',"
	    " %lld, 60)", uuid, (long long)(mdt_clock_real(NULL) +
	    7 * 86400000LL));
	sx_exec(a, sql);
	next = sx_int(a, "SELECT max(id) FROM meetings");
	mdt_uuid_new(uuid);
	snprintf(sql, sizeof(sql), "INSERT INTO slots (uuid, meeting_id,"
	    " patient_id, position, reason, planned_seconds) VALUES ('%s',"
	    " %lld, %lld, 1, 'x', 300)", uuid, (long long)next,
	    (long long)p1);
	sx_exec(a, sql);
	assert_int_equal(pull_elsewhere(a, &er), 0);
	assert_int_equal(er.patients, 1);
	assert_int_equal(er.kept.ours, 1);
	assert_int_equal(sx_int(a, "SELECT count(*) FROM record_discussions"),
	    0);
	sx_free(b);
}

/* The console merges what a pull read in parts, each its own
 * transaction, between turns of the loop: with every Task to merge again
 * (the pull forgotten), the Tasks kept grow in steps of a part, and the
 * time of the pull is written with the last. */
static void
test_engine_merge_parts(void **state)
{
	struct sx *x = *state;
	struct sync_pull_result pr;
	struct sx_run r;
	int64_t total, kept, steps = 0, pulls = 0;
	uint64_t deadline;

	sx_queue_actions(x, 450);
	delivered(x);
	total = sx_int(x, "SELECT count(*) FROM record_tasks");
	assert_true(total > 400);
	sx_exec(x, "DELETE FROM record_tasks; UPDATE record_pull SET"
	    " since = 0");
	sx_run_start(&r, x->s, x->config);
	assert_true(sx_run_until_idle(&r, 60000));
	assert_int_equal(sync_engine_pull_now(r.e), 0);
	deadline = uv_now(&r.loop) + 60000;
	do {
		uv_run(&r.loop, UV_RUN_ONCE);
		kept = sx_int(x, "SELECT count(*) FROM record_tasks");
		if (kept > 0 && kept < total) {
			steps++;
			/* not the pull's time until the last part */
			assert_int_equal(sx_int(x, "SELECT since FROM"
			    " record_pull"), 0);
		}
		sync_engine_last_pull(r.e, &pr, &pulls);
	} while (pulls < 1 && uv_now(&r.loop) < deadline);
	assert_int_equal(pulls, 1);
	assert_string_equal(pr.error, "");
	assert_true(steps >= 2);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM record_tasks"), total);
	assert_int_equal(pr.merged.tasks, total);
	assert_true(sx_int(x, "SELECT since FROM record_pull") > 0);
	sx_run_end(&r);
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
		cmocka_unit_test_setup_teardown(test_engine_merge_parts,
		    sx_setup, sx_teardown),
		cmocka_unit_test_setup_teardown(test_hostile_text, sx_setup,
		    sx_teardown),
		cmocka_unit_test_setup_teardown(test_cost, sx_setup, sx_teardown),
		cmocka_unit_test_setup_teardown(test_elsewhere, sx_setup,
		    sx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
