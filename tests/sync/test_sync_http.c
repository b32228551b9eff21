/*
 * test_sync_http.c - the sync engine against a real FHIR R4 server (the
 * test server in tests/fhir, which validates every write against the R4
 * definitions) over HTTPS with a test CA, on 127.0.0.1.  Each case is
 * checked by reading back from the server: records of older versions
 * reshaped, a whole meeting, nothing sent of a patient not discussed, a
 * row dated in the future holding nothing back, replay without
 * duplicates, a reply too big, a connection dropped after the server
 * applied the change, the server down for the whole meeting, wrong CA,
 * wrong host name, a client certificate and a wrong token, an invalid
 * resource, a late copy of our own write, and a version conflict.  Run by
 * tests/sync/run.sh, which starts the servers; `--make-db FILE` writes a
 * chaired demo meeting for tests/sync/cli.sh.
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
 * A record written by an older version, the patient by NHS number alone:
 * the schema step that came with literal references queues it again, and
 * the next sync brings every such resource to the new shape, over the
 * version the record holds, with no second copy.
 */
static void
test_older_records_reshaped(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	json_t *list, *row, *r, *put;
	char url[256], sql[256], hash[33], *body;
	size_t i;

	sx_chair(x, NULL, NULL);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);

	/* each Task as an older version wrote it: for by NHS number only,
	 * a version of ours the record acknowledged */
	list = rows(x, "SELECT uuid FROM actions");
	assert_true(json_array_size(list) > 0);
	json_array_foreach(list, i, row) {
		r = get_resource("Task", jstr(row, "uuid"));
		json_object_del(json_object_get(r, "for"), "reference");
		json_object_del(r, "meta");
		body = json_dumps(r, JSON_COMPACT);
		snprintf(url, sizeof(url), "%s/Task/%s",
		    sx_env("SYNC_TEST_BASE"), jstr(row, "uuid"));
		assert_int_equal(sx_http("PUT", url, body, &put), 200);
		sync_body_hash(r, hash);
		snprintf(sql, sizeof(sql), "UPDATE sync_versions SET"
		    " version_id = '2', body_hash = '%s' WHERE resource_type ="
		    " 'Task' AND resource_id = '%s'", hash, jstr(row, "uuid"));
		sx_exec(x, sql);
		free(body);
		json_decref(put);
		json_decref(r);
	}
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'pending'"), 0);

	/* the step that brings them to the new shape */
	sx_exec(x, mdt_schema_step_sql(11));
	assert_true(sx_int(x, "SELECT count(*) FROM outbox WHERE state ="
	    " 'pending' AND entity = 'action'") >= (int64_t)json_array_size(
	    list));
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	assert_int_equal(st.conflicts, 0);
	json_array_foreach(list, i, row) {
		expect_once("Task", jstr(row, "uuid"));
		r = get_resource("Task", jstr(row, "uuid"));
		assert_true(strncmp(jstr(r, "for.reference"), "Patient/", 8) ==
		    0);
		assert_string_equal(jstr(r, "meta.versionId"), "3");
		json_decref(r);
	}
	json_decref(list);
	check_meeting_on_server(x);
}

static void
test_whole_meeting(void **state)
{
	struct sx *x = *state;
	struct sync_status st;

	int64_t schema0 = sx_stat("schemaChecks");

	sx_chair(x, NULL, NULL);
	assert_true(sx_int(x, "SELECT count(*) FROM outbox") > 50);
	assert_true(sx_sync(x, 30000, &st));
	/* every resource also passed HL7's R4 JSON schema (Ajv), a second
	 * validator beside the server's own */
	assert_true(sx_stat("schemaChecks") - schema0 >= 30);
	assert_true(st.configured);
	assert_true(st.online);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.conflicts, 0);
	assert_true(st.last_success_at > 0);
	expect_all_sent(x);
	check_meeting_on_server(x);
	/* every resource has a recorded version for later If-Match */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM sync_versions"
	    " WHERE version_id IS NULL"), 0);

	/* a title and a reason corrected on the console reach the record */
	{
		json_t *slot = rows(x, "SELECT s.id, s.uuid FROM slots s WHERE"
		    " s.id IN (SELECT slot_id FROM consent) ORDER BY s.id"
		    " LIMIT 1");
		json_t *meeting = rows(x, "SELECT uuid FROM meetings");
		json_t *r;

		assert_int_equal(mdt_meeting_set_title(x->s, x->meeting,
		    "Riverside MDT (title corrected)"), MDT_OK);
		assert_int_equal(mdt_slot_set_reason(x->s,
		    (int64_t)strtoll(jstr(slot, "0.id"), NULL, 10),
		    "Falls at night (reason corrected)"), MDT_OK);
		assert_true(sx_sync(x, 30000, &st));
		expect_all_sent(x);
		r = get_resource("Encounter", jstr(meeting, "0.uuid"));
		assert_non_null(strstr(jstr(r, "text.div"), "title corrected"));
		json_decref(r);
		r = get_resource("Encounter", jstr(slot, "0.uuid"));
		assert_string_equal(jstr(r, "reasonCode.0.text"),
		    "Falls at night (reason corrected)");
		json_decref(r);
		json_decref(slot);
		json_decref(meeting);
	}

	/* the register on the day: an attendee's arrival and departure are
	 * their participant's period, the chair a primary performer (R4
	 * schema valid, read back) */
	{
		json_t *who = rows(x, "SELECT a.person_id, p.uuid FROM"
		    " attendance a JOIN people p ON p.id = a.person_id"
		    " WHERE a.status = 'present' ORDER BY p.name LIMIT 1");
		json_t *meeting = rows(x, "SELECT uuid FROM meetings");
		json_t *r, *part, *pp;
		size_t i;
		char want[80];

		sx_exec(x, "UPDATE attendance SET arrived_at = 1795611900000,"
		    " left_at = 1795614600000 WHERE person_id = (SELECT"
		    " a.person_id FROM attendance a JOIN people p ON"
		    " p.id = a.person_id WHERE a.status = 'present'"
		    " ORDER BY p.name LIMIT 1)");
		assert_int_equal(mdt_meeting_role_set(x->s, x->meeting,
		    MDT_ROLE_CHAIR, (int64_t)strtoll(jstr(who, "0.person_id"),
		    NULL, 10)), MDT_OK);
		assert_true(sx_sync(x, 30000, &st));
		expect_all_sent(x);
		r = get_resource("Encounter", jstr(meeting, "0.uuid"));
		part = NULL;
		snprintf(want, sizeof(want), "Practitioner/%s",
		    jstr(who, "0.uuid"));
		json_array_foreach(json_object_get(r, "participant"), i, pp)
			if (strcmp(jstr(pp, "individual.reference"), want) == 0)
				part = pp;
		assert_non_null(part);
		assert_string_equal(jstr(part, "period.start"),
		    "2026-11-25T13:05:00Z");
		assert_string_equal(jstr(part, "period.end"),
		    "2026-11-25T13:50:00Z");
		assert_string_equal(jstr(part, "type.1.coding.0.code"), "PPRF");
		assert_int_equal(json_array_size(json_object_get(r,
		    "participant")), 6);
		/* and the records name the chair, by their role */
		expect_record_authors(x);
		json_decref(r);
		json_decref(who);
		json_decref(meeting);
	}
}

/*
 * A meeting opened and closed with no consent recorded sends nothing of
 * its patients; the Encounter an older version sent of one of them (with
 * the NHS number and the name) is withdrawn: entered-in-error, nothing of
 * the patient.
 */
static void
test_undiscussed_nothing_sent(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	char url[512], body[1024], sql[512], uuid[37], nhs[16], name[128];
	json_t *r = NULL;
	int64_t m = x->meeting;
	long status;
	json_t *slot = rows(x, "SELECT s.uuid, p.nhs_number, p.name FROM slots"
	    " s JOIN patients p ON p.id = s.patient_id WHERE s.position = 2");

	mdt_strlcpy(uuid, jstr(slot, "0.uuid"), sizeof(uuid));
	mdt_strlcpy(nhs, jstr(slot, "0.nhs_number"), sizeof(nhs));
	mdt_strlcpy(name, jstr(slot, "0.name"), sizeof(name));
	json_decref(slot);
	assert_int_equal(strlen(uuid), 36);
	snprintf(url, sizeof(url), "%s/Encounter/%s",
	    sx_env("SYNC_TEST_BASE"), uuid);
	snprintf(body, sizeof(body), "{\"resourceType\":\"Encounter\","
	    "\"id\":\"%s\",\"status\":\"planned\",\"class\":{\"system\":"
	    "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":"
	    "\"AMB\"},\"subject\":{\"identifier\":{\"system\":"
	    "\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"%s\"},"
	    "\"display\":\"%s\"}}", uuid, nhs, name);
	status = sx_http("PUT", url, body, &r);
	assert_true(status == 200 || status == 201);
	snprintf(sql, sizeof(sql), "INSERT INTO sync_versions VALUES"
	    " ('Encounter', '%s', '%s', 'older', 1)", uuid,
	    jstr(r, "meta.versionId"));
	json_decref(r);
	sx_exec(x, sql);

	assert_int_equal(mdt_meeting_open(x->s, m), MDT_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(mdt_slot_next(x->s, m, NULL), MDT_OK);
	assert_int_equal(mdt_meeting_close(x->s, m), MDT_OK);
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	assert_int_equal(st.failed, 0);

	/* the meeting, and the withdrawn Encounter: nothing else */
	assert_int_equal(sx_count_type("Encounter"), 2);
	assert_int_equal(sx_count_type("Composition"), 0);
	assert_int_equal(sx_count_type("Consent"), 0);
	r = get_resource("Encounter", uuid);
	assert_string_equal(jstr(r, "status"), "entered-in-error");
	assert_null(json_object_get(r, "subject"));
	json_decref(r);
	expect_undiscussed_absent(x, 2);
}

/*
 * A row waiting out its own retry (an hour) holds back no other row, and
 * one stamped a year ahead (a clock since put right) is due now: the
 * engine, as the console runs it, sends the rest and waits only for the
 * hour-long one, and says when.
 */
static void
test_future_row_holds_nothing(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	int64_t now = mdt_clock_real(NULL), waiting, stamped;

	sx_chair(x, NULL, NULL);
	waiting = sx_int(x, "SELECT max(id) FROM outbox WHERE entity ="
	    " 'note'");
	stamped = sx_int(x, "SELECT min(id) FROM outbox");
	sx_exec(x, "UPDATE outbox SET next_at = (strftime('%s','now') + 3600)"
	    " * 1000 WHERE id = (SELECT max(id) FROM outbox WHERE entity ="
	    " 'note')");
	sx_exec(x, "UPDATE outbox SET next_at = (strftime('%s','now') + 86400"
	    " * 365) * 1000 WHERE id = (SELECT min(id) FROM outbox)");
	assert_false(sx_sync(x, 10000, &st));
	/* everything but the hour-long one went */
	assert_int_equal(st.pending, 1);
	assert_int_equal(st.failed, 0);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE state"
	    " <> 'sent'"), 1);
	assert_int_equal(sx_int(x, "SELECT id FROM outbox WHERE state"
	    " = 'pending'"), waiting);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE id ="
	    " %lld AND state = 'sent'", (long long)stamped), 1);
	/* and the engine waits for it, saying until when */
	assert_true(st.next_attempt_at > now + 3500 * 1000);
	assert_true(st.next_attempt_at < now + 3700 * 1000);
}

/*
 * A reply over max_response_bytes: the server was reached and may have
 * applied the transaction, so it is said as such (not "cannot reach"),
 * the engine stays online, and the next try with room for the reply
 * delivers everything once.
 */
static void
test_reply_too_big(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	char why[512];
	sqlite3_stmt *q;

	sx_chair(x, NULL, NULL);
	sx_config(x, NULL, NULL, "max_response_bytes = 4096\n");
	assert_false(sx_sync(x, 4000, &st));
	assert_true(st.online);
	assert_true(st.pending > 0);
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s),
	    "SELECT last_error FROM outbox WHERE state = 'pending'"
	    " AND last_error IS NOT NULL LIMIT 1", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(why, sizeof(why), "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	if (strstr(why, "max_response_bytes (4096 bytes)") == NULL)
		fprintf(stderr, "got: %s\n", why);
	assert_non_null(strstr(why, "the central record answered HTTP 200"
	    " but its reply was larger than max_response_bytes (4096 bytes)"));
	assert_null(strstr(why, "cannot reach"));
	/* with room for the reply: everything, once */
	sx_config(x, NULL, NULL, NULL);
	sx_exec(x, "UPDATE outbox SET next_at = 0 WHERE state = 'pending'");
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	check_meeting_on_server(x);
}

static void
test_replay_no_duplicates(void **state)
{
	struct sx *x = *state;
	int64_t before;

	sx_chair(x, NULL, NULL);
	assert_true(sx_sync(x, 30000, NULL));
	/* the same outbox again, as if our record of it were lost */
	sx_exec(x, "UPDATE outbox SET state = 'pending', sent_at = NULL;"
	    " DELETE FROM sync_versions;");
	before = sx_stat("transactions");
	assert_true(sx_sync(x, 30000, NULL));
	assert_true(sx_stat("transactions") > before);
	expect_all_sent(x);
	check_meeting_on_server(x);
	/* and once more with what we know kept: nothing needs sending */
	sx_exec(x, "UPDATE outbox SET state = 'pending', sent_at = NULL");
	before = sx_stat("transactions");
	assert_true(sx_sync(x, 30000, NULL));
	assert_int_equal(sx_stat("transactions"), before);
	expect_all_sent(x);
	check_meeting_on_server(x);
}

static void
test_503_three_times(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	int64_t clean;

	sx_chair(x, NULL, NULL);
	/* how many bundles a clean run takes */
	assert_true(sx_sync(x, 30000, NULL));
	clean = sx_stat("transactions");
	sx_reset_server();
	sx_exec(x, "UPDATE outbox SET state = 'pending', sent_at = NULL,"
	    " attempts = 0; DELETE FROM sync_versions;");
	sx_control("faults", "{\"faults\":[{\"status\":503,\"times\":3}]}");
	assert_true(sx_sync(x, 30000, &st));
	assert_int_equal(sx_stat("transactions"), clean + 3);
	assert_true(sx_int(x, "SELECT max(attempts) FROM outbox") >= 3);
	expect_all_sent(x);
	check_meeting_on_server(x);
}

/* A 200 whose body is not a transaction-response (here an
 * OperationOutcome, the request not applied) confirms nothing: for two
 * seconds of such replies nothing is marked sent, and once the server
 * answers properly everything goes. */
static void
test_200_without_bundle(void **state)
{
	struct sx *x = *state;
	struct sx_run run;
	struct sync_status st;

	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, x->meeting, NULL), MDT_OK);
	sx_control("faults", "{\"faults\":[{\"status\":200,"
	    "\"times\":100000}]}");
	sx_run_start(&run, x->s, x->config);
	assert_false(sx_run_until_idle(&run, 2000));
	sync_engine_status(run.e, &st);
	assert_int_equal(st.sent, 0);
	assert_true(st.pending > 0);
	assert_non_null(strstr(st.last_error, "not a Bundle"));
	assert_true(sx_stat("transactions") >= 2);
	assert_int_equal(sx_stat("resources"), 0);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM sync_versions"), 0);
	sx_control("reset", "{}");
	assert_true(sx_run_until_idle(&run, 30000));
	sx_run_end(&run);
	expect_all_sent(x);
}

static void
test_429_retry_after(void **state)
{
	struct sx *x = *state;
	uint64_t t0, ms;

	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	assert_int_equal(mdt_slot_next(x->s, x->meeting, NULL), MDT_OK);
	sx_control("faults", "{\"faults\":[{\"status\":429,\"retryAfter\":2,"
	    "\"times\":1}]}");
	t0 = uv_hrtime();
	/* retries are fast here (40 ms): only Retry-After can make it wait */
	assert_true(sx_sync(x, 30000, NULL));
	ms = (uv_hrtime() - t0) / 1000000;
	assert_true(ms >= 2000);
	assert_true(ms < 10000);
	assert_int_equal(sx_stat("transactions"), 2);
	expect_all_sent(x);
}

static void
test_drop_after_apply(void **state)
{
	struct sx *x = *state;
	int64_t action;

	sx_chair(x, NULL, NULL);
	/* the first bundle is applied, then the connection is cut */
	sx_control("faults", "{\"faults\":[{\"drop\":\"after\",\"times\":1}]}");
	assert_true(sx_sync(x, 30000, NULL));
	expect_all_sent(x);
	check_meeting_on_server(x);

	/* an update whose reply is lost: retried with the old If-Match,
	 * refused 412, read back, found to be ours: synced, no conflict */
	action = sx_int(x, "SELECT max(id) FROM actions");
	assert_int_equal(mdt_action_set_status(x->s, action,
	    MDT_ACTION_CANCELLED), MDT_OK);
	sx_control("faults", "{\"faults\":[{\"drop\":\"after\",\"times\":1}]}");
	assert_true(sx_sync(x, 30000, NULL));
	expect_all_sent(x);
	check_meeting_on_server(x);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'conflict'"), 0);
}

/* A free port on 127.0.0.1 (nothing listens there once this returns). */
static int
free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Starts another test server on port; returns its pid once it listens. */
static pid_t
start_server(int port, const char *dir)
{
	char portarg[16], portfile[160], cert[160], key[160];
	const char *node = sx_env("SYNC_TEST_NODE");
	const char *script = sx_env("SYNC_TEST_SERVER");
	pid_t pid;
	int i;

	snprintf(portarg, sizeof(portarg), "%d", port);
	snprintf(portfile, sizeof(portfile), "%s/late.port", dir);
	snprintf(cert, sizeof(cert), "%s/server.pem", sx_env("SYNC_TEST_DIR"));
	snprintf(key, sizeof(key), "%s/server.key", sx_env("SYNC_TEST_DIR"));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(node, node, script, "--cert", cert, "--key", key,
		    "--port", portarg, "--port-file", portfile, "--token",
		    sx_env("SYNC_TEST_TOKEN"), (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 300 && access(portfile, F_OK) != 0; i++)
		usleep(100000);
	assert_int_equal(access(portfile, F_OK), 0);
	return pid;
}

struct down_ctx {
	struct sx_run *run;
};

/* Between acts: let the engine try (and fail) as it would in the TUI. */
static void
kick_and_turn(void *ctx)
{
	struct down_ctx *d = ctx;

	sync_engine_kick(d->run->e);
	uv_run(&d->run->loop, UV_RUN_NOWAIT);
}

static void
test_down_then_up(void **state)
{
	struct sx *x = *state;
	struct down_ctx d;
	struct sx_run run;
	struct sync_status st;
	char base[128], control[128];
	char *saved_base, *saved_control;
	int port = free_port(), status;
	json_t *list, *row, *task, *owner, *enc;
	size_t i;
	pid_t pid;

	snprintf(base, sizeof(base), "https://127.0.0.1:%d/fhir/R4", port);
	snprintf(control, sizeof(control), "https://127.0.0.1:%d/__control",
	    port);
	sx_config(x, base, NULL, NULL);
	sx_run_start(&run, x->s, x->config);
	d.run = &run;
	/* the whole meeting with nobody listening */
	sx_chair(x, kick_and_turn, &d);
	assert_false(sx_run_until_idle(&run, 300));
	sync_engine_status(run.e, &st);
	assert_false(st.online);
	assert_true(st.pending > 50);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'sent'"), 0);
	assert_non_null(strstr(st.last_error, "cannot reach"));

	/* the server comes up: everything goes, in order */
	pid = late_server = start_server(port, x->dir);
	saved_base = strdup(sx_env("SYNC_TEST_BASE"));
	saved_control = strdup(sx_env("SYNC_TEST_CONTROL"));
	setenv("SYNC_TEST_BASE", base, 1);
	setenv("SYNC_TEST_CONTROL", control, 1);
	assert_true(sx_run_until_idle(&run, 30000));
	sx_run_end(&run);
	expect_all_sent(x);
	check_meeting_on_server(x);
	/* what a resource refers to reached the server before it */
	list = rows(x, "SELECT a.uuid, o.uuid AS owner, s.uuid AS slot"
	    " FROM actions a JOIN people o ON o.id = a.owner_id"
	    " JOIN slots s ON s.id = a.slot_id");
	json_array_foreach(list, i, row) {
		task = get_resource("Task", jstr(row, "uuid"));
		owner = get_resource("Practitioner", jstr(row, "owner"));
		enc = get_resource("Encounter", jstr(row, "slot"));
		assert_true(strcmp(jstr(owner, "meta.lastUpdated"),
		    jstr(task, "meta.lastUpdated")) <= 0);
		assert_true(strcmp(jstr(enc, "meta.lastUpdated"),
		    jstr(task, "meta.lastUpdated")) <= 0);
		json_decref(task);
		json_decref(owner);
		json_decref(enc);
	}
	json_decref(list);
	setenv("SYNC_TEST_BASE", saved_base, 1);
	setenv("SYNC_TEST_CONTROL", saved_control, 1);
	free(saved_base);
	free(saved_control);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	late_server = 0;
}

/* Refused at the TLS handshake: nothing sent, nothing marked sent. */
static void
expect_tls_refused(struct sx *x, const char *words)
{
	struct sync_status st;
	int64_t requests = sx_stat("requests");

	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	assert_false(sx_sync(x, 1500, &st));
	assert_false(st.online);
	assert_true(st.pending > 0);
	if (strstr(st.last_error, words) == NULL)
		fprintf(stderr, "last error: %s\n", st.last_error);
	assert_non_null(strstr(st.last_error, words));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'sent'"), 0);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM sync_versions"), 0);
	assert_int_equal(sx_stat("requests"), requests);
}

static void
test_wrong_ca(void **state)
{
	struct sx *x = *state;
	char ca[192];

	/* our CA file names another CA than the one that signed the
	 * server's certificate */
	snprintf(ca, sizeof(ca), "%s/other-ca.pem", sx_env("SYNC_TEST_DIR"));
	sx_config(x, NULL, ca, NULL);
	expect_tls_refused(x, "certificate");
}

static void
test_wrong_ca_server(void **state)
{
	struct sx *x = *state;

	/* a server whose certificate another CA signed */
	sx_config(x, sx_env("SYNC_TEST_OTHER_CA_BASE"), NULL, NULL);
	expect_tls_refused(x, "certificate");
}

static void
test_wrong_host(void **state)
{
	struct sx *x = *state;

	/* the right CA, but the certificate names another host */
	sx_config(x, sx_env("SYNC_TEST_WRONG_HOST_BASE"), NULL, NULL);
	expect_tls_refused(x, "127.0.0.1");
}

static void
test_client_certificate(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	char extra[512];

	/* a server that wants a client certificate: without one, refused
	 * at the handshake */
	sx_config(x, sx_env("SYNC_TEST_MTLS_BASE"), NULL, NULL);
	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	assert_false(sx_sync(x, 1500, &st));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state = 'sent'"), 0);
	assert_non_null(strstr(st.last_error, "cannot reach"));
	/* with ours, everything goes */
	snprintf(extra, sizeof(extra), "client_cert = %s/client.pem\n"
	    "client_key = %s/client.key\n", sx_env("SYNC_TEST_DIR"),
	    sx_env("SYNC_TEST_DIR"));
	sx_config(x, sx_env("SYNC_TEST_MTLS_BASE"), NULL, extra);
	sx_exec(x, "UPDATE outbox SET next_at = 0");
	assert_true(sx_sync(x, 30000, &st));
	assert_true(st.online);
	expect_all_sent(x);
}

static void
test_wrong_token(void **state)
{
	struct sx *x = *state;
	struct sync_status st;

	/* the server wants a token we do not have: nothing is marked, the
	 * rows wait, and the reason says what to check */
	sx_write_file(x->token, "not-the-token\n", 0600);
	assert_int_equal(mdt_meeting_open(x->s, x->meeting), MDT_OK);
	assert_false(sx_sync(x, 1000, &st));
	assert_true(st.online);
	assert_true(st.pending > 0);
	assert_int_equal(st.failed, 0);
	assert_non_null(strstr(st.last_error, "refused our credentials"));
	assert_non_null(strstr(st.last_error, "401"));
	assert_null(strstr(st.last_error, "not-the-token"));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox"
	    " WHERE state <> 'pending'"), 0);
	assert_int_equal(sx_count_type("Encounter"), 0);
}

static void
test_invalid_resource(void **state)
{
	struct sx *x = *state;
	struct sync_status st;
	char bad[37], why[512];
	sqlite3_stmt *q;

	sx_chair(x, NULL, NULL);
	/* one action with a due date no calendar has (as an old import or
	 * a hand edit could leave) */
	sx_exec(x, "UPDATE actions SET due_date = '2026-13-45' WHERE id ="
	    " (SELECT min(id) + 3 FROM actions)");
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s),
	    "SELECT uuid FROM actions WHERE due_date = '2026-13-45'", -1, &q,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(bad, sizeof(bad), "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);

	/* the rows waiting on it stay pending: not drained */
	assert_false(sx_sync(x, 8000, &st));
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.conflicts, 0);
	/* kept as failed, with the server's words */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'failed' AND entity = 'action' AND entity_uuid = '%s'",
	    bad), 1);
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(x->s),
	    "SELECT last_error FROM outbox WHERE state = 'failed' LIMIT 1",
	    -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(why, sizeof(why), "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	assert_non_null(strstr(why, "refused Task/"));
	assert_non_null(strstr(why, "HTTP 400"));
	assert_non_null(strstr(why, "restriction"));
	/* one refused resource fails only its own row */
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'failed'"), 1);
	/* the others went, but not the record that lists it: no dangling
	 * reference on the server */
	assert_int_equal(sx_count_identifier("Task", bad), 0);
	assert_int_equal(sx_count_type("Task"), 10);
	assert_int_equal(sx_count_type("Composition"), 4);
	assert_int_equal(sx_count_type("Consent"), 5);
	/* the rows of that record wait on it, and say so */
	assert_true(sx_int(x, "SELECT count(*) FROM outbox WHERE state ="
	    " 'pending'") > 0);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE state ="
	    " 'pending' AND last_error NOT LIKE 'waiting on Task/%s (the"
	    " central record refused Task/%s: HTTP 400%%'", bad, bad), 0);

	/* mended (a real date) and tried again: everything goes, once */
	sx_exec(x, "UPDATE actions SET due_date = '2026-12-24' WHERE due_date"
	    " = '2026-13-45'");
	sx_exec(x, "UPDATE outbox SET state = 'pending', next_at = 0"
	    " WHERE state IN ('pending', 'failed')");
	assert_true(sx_sync(x, 30000, &st));
	expect_all_sent(x);
	assert_int_equal(sx_count_identifier("Task", bad), 1);
	assert_int_equal(sx_count_type("Composition"), 5);
}

/*
 * Our own earlier write landing late (a request the server applied after
 * the client gave up on it, here the same Task PUT again by hand) moves
 * the server's version on without changing what it says.  The next
 * update's If-Match then fails, the read-back finds what we last had
 * acknowledged, and ours is sent over the new version: delivered, not a
 * conflict.  A change by anyone else stays a conflict (below).
 */
static void
test_late_copy_of_own_write(void **state)
{
	struct sx *x = *state;
	char id[37], url[256];
	json_t *task;
	char *body;
	int64_t action;

	sx_chair(x, NULL, NULL);
	assert_true(sx_sync(x, 30000, NULL));
	action = sx_int(x, "SELECT max(id) FROM actions");
	sx_action_uuid(x, action, id);
	task = get_resource("Task", id);
	assert_string_equal(jstr(task, "meta.versionId"), "1");
	json_object_del(task, "meta");
	body = json_dumps(task, 0);
	snprintf(url, sizeof(url), "%s/Task/%s", sx_env("SYNC_TEST_BASE"), id);
	assert_int_equal(sx_http("PUT", url, body, NULL), 200);
	free(body);
	json_decref(task);
	assert_int_equal(mdt_action_set_status(x->s, action,
	    MDT_ACTION_DONE), MDT_OK);
	assert_true(sx_sync(x, 30000, NULL));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state <> 'sent'"), 0);
	task = get_resource("Task", id);
	assert_string_equal(jstr(task, "status"), "completed");
	assert_string_equal(jstr(task, "meta.versionId"), "3");
	json_decref(task);
	assert_int_equal(sx_int(x, "SELECT CAST(version_id AS INTEGER) FROM"
	    " sync_versions WHERE resource_type = 'Task' AND resource_id ="
	    " '%s'", id), 3);
	assert_int_equal(sx_count_identifier("Task", id), 1);
}

static void
test_conflict_not_overwritten(void **state)
{
	struct sx *x = *state;
	char id[37], url[256];
	json_t *task;
	char *body;
	int64_t action;

	sx_chair(x, NULL, NULL);
	assert_true(sx_sync(x, 30000, NULL));
	action = sx_int(x, "SELECT max(id) FROM actions");
	sx_action_uuid(x, action, id);
	/* someone else changes the Task on the central record */
	task = get_resource("Task", id);
	json_object_set_new(task, "description", json_string("Changed"
	    " elsewhere"));
	body = json_dumps(task, 0);
	snprintf(url, sizeof(url), "%s/Task/%s", sx_env("SYNC_TEST_BASE"), id);
	assert_int_equal(sx_http("PUT", url, body, NULL), 200);
	free(body);
	json_decref(task);
	/* and the chair changes it here */
	assert_int_equal(mdt_action_set_status(x->s, action,
	    MDT_ACTION_DONE), MDT_OK);
	assert_true(sx_sync(x, 30000, NULL));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'conflict' AND entity_uuid = '%s'", id), 1);
	/* reported, never overwritten */
	task = get_resource("Task", id);
	assert_string_equal(jstr(task, "description"), "Changed elsewhere");
	assert_string_equal(jstr(task, "status"), "requested");
	json_decref(task);

	/* removed on the central record: not quietly made again */
	action = sx_int(x, "SELECT id FROM actions ORDER BY id LIMIT 1"
	    " OFFSET 1");
	sx_action_uuid(x, action, id);
	snprintf(url, sizeof(url), "%s/Task/%s", sx_env("SYNC_TEST_BASE"), id);
	assert_true(sx_http("DELETE", url, "", NULL) < 300);
	assert_int_equal(mdt_action_set_status(x->s, action,
	    MDT_ACTION_CANCELLED), MDT_OK);
	assert_true(sx_sync(x, 30000, NULL));
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'conflict' AND entity_uuid = '%s'", id), 1);
	assert_int_equal(sx_int(x, "SELECT count(*) FROM outbox WHERE"
	    " state = 'conflict' AND last_error LIKE '%%no longer on the"
	    " central record%%'"), 1);
	assert_int_equal(sx_count_identifier("Task", id), 0);
}

/* For the command-line cases: a database holding a chaired meeting. */
static int
make_db(const char *path)
{
	struct mdt_clock clock = { mdt_clock_real, NULL };
	struct sx x;
	char err[256];

	memset(&x, 0, sizeof(x));
	if (mdt_store_open(path, &clock, MDT_OPEN_CREATE, &x.s, err,
	    sizeof(err)) != MDT_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (mdt_demo_create(x.s, &x.meeting) != MDT_OK)
		return 1;
	sx_chair(&x, NULL, NULL);
	mdt_store_free(x.s);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_older_records_reshaped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_whole_meeting, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_undiscussed_nothing_sent,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_future_row_holds_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_too_big,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_no_duplicates,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_503_three_times, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_200_without_bundle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_429_retry_after, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_drop_after_apply, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_down_then_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_ca, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_ca_server, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_host, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_client_certificate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_token, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_invalid_resource, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_late_copy_of_own_write,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict_not_overwritten,
		    setup, teardown),
	};

	if (argc == 3 && strcmp(argv[1], "--make-db") == 0) {
		setenv("TZ", "UTC", 1);
		return make_db(argv[2]);
	}
	sx_cases_start();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
