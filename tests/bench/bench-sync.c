/*
 * bench-sync.c - figures for the sync engine against the test FHIR server
 * on 127.0.0.1 (tests/fhir, which validates every write): resources per
 * second draining a queue of N resources, round trips per chaired meeting
 * (synced at the end, and live after every act), and key-to-screen time in
 * the chair's screen while the server hangs (through bench-tui).  The
 * drain's requests are kept by the server (POST /__control/record) and
 * sent again, after the server is emptied, from one libcurl easy handle
 * one after another (one connection): the floor a client of this server
 * has, printed beside the drain with the ratio.  Prints medians; asserts
 * nothing.
 *
 *   bench-sync [--resources N] [--runs R] [--drain-only] FHIR_DIR MDTCHAIR
 *       BENCH_TUI
 *
 * --drain-only: the drain and its floor alone.
 */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "sync_fixture.h"
#include "benchterm.h"

static pid_t
start_server(const char *fhir, const char *dir, const char *token)
{
	char node[512], script[512], cert[256], key[256], portfile[256];
	pid_t pid;
	int i;

	snprintf(node, sizeof(node), "%s/fhir-node", fhir);
	snprintf(script, sizeof(script), "%s/server.mjs", fhir);
	snprintf(cert, sizeof(cert), "%s/ca/server.pem", dir);
	snprintf(key, sizeof(key), "%s/ca/server.key", dir);
	snprintf(portfile, sizeof(portfile), "%s/port", dir);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", node, script, "--cert", cert, "--key",
		    key, "--port", "0", "--port-file", portfile, "--token",
		    token, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 600 && access(portfile, F_OK) != 0; i++)
		usleep(100000);
	if (access(portfile, F_OK) != 0) {
		fprintf(stderr, "bench-sync: the test FHIR server did not start"
		    " (sh tests/fhir/setup.sh?)\n");
		exit(1);
	}
	return pid;
}

/* A reply's body, counted and dropped. */
static size_t
drop_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	(void)data;
	*(size_t *)ctx += size * nmemb;
	return size * nmemb;
}

/* The requests the server kept (GET /__control/record), ready to send. */
struct replay {
	size_t n;
	char **url;			/* origin + the request's path */
	const char **method, **body;
	struct curl_slist **headers;
	json_t *j;			/* holds method and body */
};

static void
replay_load(struct replay *r, const char *origin)
{
	char url[512], line[1100];
	json_t *reqs;

	snprintf(url, sizeof(url), "%s/record", sx_env("SYNC_TEST_CONTROL"));
	memset(r, 0, sizeof(*r));
	if (sx_http("GET", url, NULL, &r->j) != 200 || r->j == NULL)
		return;
	reqs = json_object_get(r->j, "requests");
	r->n = json_array_size(reqs);
	r->url = calloc(r->n, sizeof(*r->url));
	r->method = calloc(r->n, sizeof(*r->method));
	r->body = calloc(r->n, sizeof(*r->body));
	r->headers = calloc(r->n, sizeof(*r->headers));
	if (r->url == NULL || r->method == NULL || r->body == NULL ||
	    r->headers == NULL)
		exit(1);
	for (size_t i = 0; i < r->n; i++) {
		json_t *q = json_array_get(reqs, i);
		const char *m = json_string_value(json_object_get(q, "method"));
		const char *u = json_string_value(json_object_get(q, "url"));
		const char *im = json_string_value(json_object_get(q,
		    "ifMatch"));
		const char *pr = json_string_value(json_object_get(q,
		    "prefer"));
		struct curl_slist *h;

		r->method[i] = m != NULL ? m : "GET";
		r->body[i] = json_string_value(json_object_get(q, "body"));
		snprintf(url, sizeof(url), "%s%s", origin, u != NULL ? u : "/");
		r->url[i] = strdup(url);
		snprintf(line, sizeof(line), "Authorization: Bearer %s",
		    sx_env("SYNC_TEST_TOKEN"));
		h = curl_slist_append(NULL, line);
		h = curl_slist_append(h, "Accept: application/fhir+json");
		/* as the engine (sync/http.c): without it libcurl asks for
		 * a 100 Continue before every body over 1 kB, a round trip
		 * the engine never makes */
		h = curl_slist_append(h, "Expect:");
		if (r->body[i] != NULL)
			h = curl_slist_append(h, "Content-Type:"
			    " application/fhir+json; charset=utf-8");
		if (pr != NULL) {
			snprintf(line, sizeof(line), "Prefer: %s", pr);
			h = curl_slist_append(h, line);
		}
		if (im != NULL) {
			snprintf(line, sizeof(line), "If-Match: %s", im);
			h = curl_slist_append(h, line);
		}
		r->headers[i] = h;
	}
}

static void
replay_free(struct replay *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->url[i]);
		curl_slist_free_all(r->headers[i]);
	}
	free(r->url);
	free(r->method);
	free(r->body);
	free(r->headers);
	json_decref(r->j);
}

/* Sends the requests again, one after another from one easy handle (one
 * connection kept alive): seconds; *bad gets the replies not 2xx. */
static double
replay_send(const struct replay *r, int *bad)
{
	CURL *c = curl_easy_init();
	size_t got = 0;
	double t0;

	*bad = 0;
	if (c == NULL)
		exit(1);
	curl_easy_setopt(c, CURLOPT_CAINFO, sx_env("SYNC_TEST_CA"));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, drop_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	t0 = now_ms();
	for (size_t i = 0; i < r->n; i++) {
		long status = 0;

		curl_easy_setopt(c, CURLOPT_URL, r->url[i]);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->headers[i]);
		if (r->body != NULL && r->body[i] != NULL) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body[i]);
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)strlen(r->body[i]));
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
			    strcmp(r->method[i], "POST") == 0 ? NULL :
			    r->method[i]);
		} else {
			curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
			    strcmp(r->method[i], "GET") == 0 ? NULL :
			    r->method[i]);
		}
		if (curl_easy_perform(c) != CURLE_OK)
			(*bad)++;
		else {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
			*bad += status < 200 || status > 299;
		}
	}
	t0 = (now_ms() - t0) / 1000;
	curl_easy_cleanup(c);
	return t0;
}

/* A new queue of n actions drained (with record, the server keeps the
 * requests): seconds. */
static double
drain_once(int n, bool record, int64_t *resources, int64_t *tx)
{
	struct sx *x;
	struct sx_run r;
	double t0;

	sx_reset_server();
	x = sx_new();
	sx_queue_actions(x, n);
	if (record)
		sx_control("record", "{\"on\":true}");
	sx_run_start(&r, x->s, x->config);
	t0 = now_ms();
	sx_run_until_idle(&r, 600000);
	t0 = (now_ms() - t0) / 1000;
	sx_run_end(&r);
	*resources = sx_int(x, "SELECT count(*) FROM sync_versions");
	*tx = sx_stat("transactions");
	sx_free(x);
	return t0;
}

/* The drain's requests sent again to an empty server: seconds. */
static double
replay_once(const struct replay *rp, int *bad, int64_t *tx,
    int64_t *resources)
{
	double s;
	int b;

	sx_reset_server();
	s = replay_send(rp, &b);
	*bad += b;
	*tx = sx_stat("transactions");
	*resources = sx_stat("resources");
	return s;
}

struct live {
	struct sx_run *run;
};

static void
live_step(void *ctx)
{
	struct live *l = ctx;

	sx_run_until_idle(l->run, 30000);
}

int
main(int argc, char **argv)
{
	const char *fhir = NULL, *bin = NULL, *tui = NULL;
	int n = 10000, runs = 3, i;
	bool drain_only = false;
	char dir[] = "/tmp/mdtchair-bench-sync.XXXXXX", path[512], env[512];
	char token[40], cmd[2048], origin[64];
	double *v;
	pid_t server;
	int status;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--resources") == 0 && i + 1 < argc)
			n = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--drain-only") == 0)
			drain_only = true;
		else if (!fhir)
			fhir = argv[i];
		else if (!bin)
			bin = argv[i];
		else
			tui = argv[i];
	}
	if (!fhir || !bin || !tui || n < 1 || runs < 1) {
		fputs("usage: bench-sync [--resources N] [--runs R]"
		    " [--drain-only] FHIR_DIR MDTCHAIR BENCH_TUI\n", stderr);
		return 2;
	}
	if (!mkdtemp(dir))
		return 1;
	snprintf(cmd, sizeof(cmd), "sh '%s/make-ca.sh' '%s/ca' >/dev/null",
	    fhir, dir);
	if (system(cmd) != 0)
		return 1;
	snprintf(token, sizeof(token), "bench-%ld", (long)getpid());
	server = start_server(fhir, dir, token);
	snprintf(path, sizeof(path), "%s/port", dir);
	{
		FILE *fp = fopen(path, "r");
		int port = 0;

		if (fp == NULL || fscanf(fp, "%d", &port) != 1)
			return 1;
		fclose(fp);
		snprintf(origin, sizeof(origin), "https://127.0.0.1:%d", port);
		snprintf(env, sizeof(env), "https://127.0.0.1:%d/fhir/R4",
		    port);
		setenv("SYNC_TEST_BASE", env, 1);
		snprintf(env, sizeof(env), "https://127.0.0.1:%d/__control",
		    port);
		setenv("SYNC_TEST_CONTROL", env, 1);
	}
	snprintf(path, sizeof(path), "%s/ca/ca.pem", dir);
	setenv("SYNC_TEST_CA", path, 1);
	setenv("SYNC_TEST_TOKEN", token, 1);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	v = calloc((size_t)runs, sizeof(*v));

	printf("bench-sync: test FHIR server on %s (Medplum, R4 validation"
	    " of every write), bundle_size 50\n", getenv("SYNC_TEST_BASE"));

	/*
	 * 1. draining a queue, and the same requests from libcurl.  A first
	 * drain, not timed, records the requests and warms the server (its
	 * first write takes seconds); then each run drains a new queue and
	 * sends its requests again from libcurl, one after the other, so
	 * that both meet the same machine.
	 */
	{
		double rate[64], secs[64], floor_s[64], ratio[64];
		int64_t tx = 0, resources = 0, tx_again = 0, res_again = 0;
		struct replay rp;
		int bad = 0;

		(void)drain_once(n, true, &resources, &tx);
		replay_load(&rp, origin);
		sx_control("record", "{\"on\":false}");
		for (i = 0; i < runs && i < 64; i++) {
			/* the server slows as a run goes on: which goes first
			 * alternates */
			if (i % 2 == 1)
				floor_s[i] = replay_once(&rp, &bad, &tx_again,
				    &res_again);
			secs[i] = drain_once(n, false, &resources, &tx);
			if (i % 2 == 0)
				floor_s[i] = replay_once(&rp, &bad, &tx_again,
				    &res_again);
			rate[i] = (double)resources / secs[i];
			ratio[i] = secs[i] / floor_s[i];
			printf("run %d: drain %.2f s, libcurl %.2f s, %.2f x\n",
			    i + 1, secs[i], floor_s[i], ratio[i]);
		}
		printf("drain %d queued actions: %lld resources in %lld"
		    " transactions; median %.2f s, %.0f resources/s (%d runs)\n",
		    n, (long long)resources, (long long)tx,
		    median_of(secs, i), median_of(rate, i), i);
		printf("the same %zu requests from libcurl, one after another"
		    " on one connection: %lld transactions, %lld resources"
		    " held, %d replies not 2xx; median %.2f s\n", rp.n,
		    (long long)tx_again, (long long)res_again, bad,
		    median_of(floor_s, i));
		printf("drain / libcurl: %.2f x (median of the runs' ratios)\n",
		    median_of(ratio, i));
		replay_free(&rp);
	}

	/* 2. round trips per meeting */
	if (!drain_only) {
		double end_rt[64], live_rt[64];
		int64_t rows = 0, res = 0;

		for (i = 0; i < runs && i < 64; i++) {
			struct sx *x;
			struct sx_run r;
			struct live l;

			sx_reset_server();
			x = sx_new();
			sx_chair(x, NULL, NULL);
			rows = sx_int(x, "SELECT count(*) FROM outbox");
			sx_sync(x, 60000, NULL);
			end_rt[i] = (double)sx_stat("requests");
			res = sx_int(x, "SELECT count(*) FROM sync_versions");
			sx_free(x);

			sx_reset_server();
			x = sx_new();
			sx_run_start(&r, x->s, x->config);
			l.run = &r;
			sx_chair(x, live_step, &l);
			sx_run_end(&r);
			live_rt[i] = (double)sx_stat("requests");
			sx_free(x);
		}
		printf("round trips per meeting (demo meeting chaired: %lld"
		    " outbox rows, %lld resources): median %.0f synced at the"
		    " end, %.0f synced live after every act\n", (long long)rows,
		    (long long)res, median_of(end_rt, i), median_of(live_rt, i));
	}

	/* 3. key to screen while the server hangs */
	fflush(stdout);
	if (!drain_only) {
		struct sx *x = sx_new();	/* its config and token */

		printf("key to screen, no sync configured:\n");
		fflush(stdout);
		snprintf(cmd, sizeof(cmd), "env -u MDTCHAIR_CONFIG"
		    " XDG_CONFIG_HOME='%s/none' '%s' --runs 3 --keys 40 '%s'",
		    dir, tui, bin);
		if (system(cmd) != 0)
			fprintf(stderr, "bench-sync: bench-tui failed\n");
		sx_reset_server();
		sx_control("faults", "{\"faults\":[{\"hang\":true}]}");
		printf("key to screen, sync configured, the server hanging"
		    " (every key queues a row and wakes the engine):\n");
		fflush(stdout);
		snprintf(cmd, sizeof(cmd), "MDTCHAIR_CONFIG='%s' '%s' --runs 3"
		    " --keys 40 '%s'", x->config, tui, bin);
		if (system(cmd) != 0)
			fprintf(stderr, "bench-sync: bench-tui failed\n");
		sx_control("reset", "{}");
		sx_free(x);
	}

	free(v);
	kill(server, SIGTERM);
	waitpid(server, &status, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
