/*
 * bench-pull.c - what reading the central record back costs: a history of
 * weekly meetings (ten years at 150 patients and 1,500 actions a year by
 * default, made once by gen-history and kept in the cache as bench-scale
 * keeps its own), delivered to the test FHIR server on 127.0.0.1 by the
 * real binary; then `mdtchair sync --pull`:
 *
 *   first    the first pull of the delivered history (every open action's
 *            Task read once)
 *   unchanged  the record as it was: what a pull costs when nothing moved
 *            (--runs times; the median wall time)
 *   changed  after a second client (here, over its own connection) closed
 *            --changed of the open actions' Tasks on the record
 *
 * Each line gives the requests and bytes (headers and bodies, both ways,
 * as `mdtchair sync` counts them), the Tasks taken, and the wall time.
 * Asserts nothing but that the pulls succeed and the changed Tasks close
 * their actions.
 *
 *   bench-pull --gen GEN_HISTORY --cache DIR [--years N] [--runs N]
 *       [--changed N] [--patients-a-year N] [--actions-a-year N]
 *       [--seed S] FHIR_DIR MDTCHAIR
 */
#include "config.h"

#include <stdbool.h>

#include <jansson.h>

#include "benchterm.h"
#include "benchhist.h"
#include "benchfhir.h"

struct opts {
	const char *gen, *cache, *fhir, *bin;
	long years, runs, changed, patients_a_year, actions_a_year, seed;
};

/* What one `sync --pull` said. */
struct pulled {
	long long tasks, actions, requests, bytes, closed;
	double ms;
};

/* Runs the binary with args after --db and --config; its stderr's line
 * "sync: pulled ..." read into out (when out); the exit status. */
static int
run(const struct opts *o, const char *db, const char *cfg, const char *args,
    struct pulled *out)
{
	char cmd[4096], line[1024];
	double t0 = now_ms();
	FILE *p;
	int rc;

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --config '%s' %s 2>&1"
	    " >/dev/null", o->bin, db, cfg, args);
	if ((p = popen(cmd, "r")) == NULL)
		die("popen");
	while (fgets(line, sizeof(line), p) != NULL) {
		if (out != NULL && sscanf(line, "sync: pulled %lld changed"
		    " Tasks of %lld actions (%lld requests, %lld bytes): %lld"
		    " closed", &out->tasks, &out->actions, &out->requests,
		    &out->bytes, &out->closed) == 5)
			continue;
		if (strncmp(line, "sync: ", 6) != 0)
			fputs(line, stderr);
	}
	rc = pclose(p);
	if (out != NULL)
		out->ms = now_ms() - t0;
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

/* GET or PUT (body) one resource of the server; the HTTP status; the
 * reply in out. */
static long
resource(const struct fhir_server *f, const char *path, const char *body,
    struct fhir_buf *out)
{
	char url[512];

	snprintf(url, sizeof(url), "%s/%s", f->base, path);
	return fhir_call(f, url, "PUT", body, "application/fhir+json", out);
}

/* The second client: the Tasks of the first n open actions completed on
 * the record; how many. */
static long
close_on_record(const struct fhir_server *f, const char *db, long n)
{
	static struct fhir_buf b;
	char sql[256], path[128];
	long done = 0;

	for (long i = 0; i < n; i++) {
		sqlite3 *h;
		sqlite3_stmt *st;
		char id[40] = "";
		json_t *t;
		char *body;

		snprintf(sql, sizeof(sql), "SELECT uuid FROM actions WHERE"
		    " status = 'open' ORDER BY id LIMIT 1 OFFSET %ld", i);
		if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) ==
		    SQLITE_OK && sqlite3_prepare_v2(h, sql, -1, &st, NULL) ==
		    SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				snprintf(id, sizeof(id), "%s", (const char *)
				    sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
		sqlite3_close(h);
		snprintf(path, sizeof(path), "Task/%s", id);
		if (id[0] == '\0' || resource(f, path, NULL, &b) != 200 ||
		    (t = json_loads(b.s, 0, NULL)) == NULL)
			continue;
		json_object_set_new(t, "status", json_string("completed"));
		body = json_dumps(t, JSON_COMPACT);
		json_decref(t);
		if (body != NULL && resource(f, path, body, &b) / 100 == 2)
			done++;
		free(body);
	}
	return done;
}

static void
print_pull(const char *name, const struct pulled *p)
{
	printf("%-10s %8lld %8lld %9lld %11lld %7lld %10.1f\n", name,
	    p->actions, p->tasks, p->requests, p->bytes, p->closed, p->ms);
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-pull --gen GEN_HISTORY --cache DIR"
	    " [--years N] [--runs N] [--changed N] [--patients-a-year N]"
	    " [--actions-a-year N] [--seed S] FHIR_DIR MDTCHAIR\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct opts o = { .years = 10, .runs = 5, .changed = 5,
	    .patients_a_year = 150, .actions_a_year = 1500, .seed = 1 };
	struct fhir_server f = { 0 };
	struct pulled first = { 0 }, changed = { 0 }, still = { 0 };
	char dir[] = "/tmp/bench-pull.XXXXXX", hist[1024], db[1200];
	char cfg[1200];
	double *ms, t0;
	long closed;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		long *num = strcmp(a, "--years") == 0 ? &o.years :
		    strcmp(a, "--runs") == 0 ? &o.runs :
		    strcmp(a, "--changed") == 0 ? &o.changed :
		    strcmp(a, "--patients-a-year") == 0 ? &o.patients_a_year :
		    strcmp(a, "--actions-a-year") == 0 ? &o.actions_a_year :
		    strcmp(a, "--seed") == 0 ? &o.seed : NULL;

		if (num != NULL && i + 1 < argc)
			*num = strtol(argv[++i], NULL, 10);
		else if (strcmp(a, "--gen") == 0 && i + 1 < argc)
			o.gen = argv[++i];
		else if (strcmp(a, "--cache") == 0 && i + 1 < argc)
			o.cache = argv[++i];
		else if (a[0] == '-')
			usage();
		else if (o.fhir == NULL)
			o.fhir = a;
		else
			o.bin = a;
	}
	if (o.gen == NULL || o.cache == NULL || o.fhir == NULL ||
	    o.bin == NULL || o.years < 1 || o.runs < 1)
		usage();
	printf("command:");
	for (i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	cached_history(o.gen, o.cache, o.years * 52, o.years *
	    o.patients_a_year, o.years * o.actions_a_year, o.seed, hist,
	    sizeof(hist));
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	fresh_copy_in(dir, hist, "pull", db, sizeof(db));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (fhir_start(&f, o.fhir, dir) != 0 ||
	    fhir_write_config(&f, dir, cfg, sizeof(cfg)) != 0)
		return 1;

	/* the history delivered, as a console that synced all along */
	t0 = now_ms();
	if (run(&o, db, cfg, "sync --no-pull --deadline 3600", NULL) != 0) {
		fprintf(stderr, "bench-pull: the history was not delivered\n");
		fhir_stop(&f);
		return 1;
	}
	printf("history: %lld meetings, %lld outbox rows delivered in %.1f s;"
	    " %lld open actions; the next agenda %lld patients\n",
	    db_int(db, "SELECT count(*) FROM meetings"),
	    db_int(db, "SELECT count(*) FROM outbox"), (now_ms() - t0) / 1000,
	    db_int(db, "SELECT count(*) FROM actions WHERE status = 'open'"),
	    db_int(db, "SELECT count(*) FROM slots WHERE meeting_id ="
	    " (SELECT max(id) FROM meetings)"));

	if (run(&o, db, cfg, "sync --pull", &first) != 0)
		fprintf(stderr, "bench-pull: the first pull did not succeed\n");
	ms = calloc((size_t)o.runs, sizeof(*ms));
	if (ms == NULL)
		die("calloc");
	for (i = 0; i < o.runs; i++) {
		if (run(&o, db, cfg, "sync --pull", &still) != 0)
			fprintf(stderr, "bench-pull: a pull did not succeed\n");
		ms[i] = still.ms;
	}
	qsort(ms, (size_t)o.runs, sizeof(*ms), cmp_double);
	still.ms = ms[o.runs / 2];
	closed = close_on_record(&f, db, o.changed);
	if (run(&o, db, cfg, "sync --pull", &changed) != 0)
		fprintf(stderr, "bench-pull: the pull after changes did not"
		    " succeed\n");

	printf("\n%-10s %8s %8s %9s %11s %7s %10s\n", "pull", "actions",
	    "Tasks", "requests", "bytes", "closed", "ms");
	print_pull("first", &first);
	print_pull("unchanged", &still);
	print_pull("changed", &changed);
	printf("(unchanged: the median of %ld; changed: %ld Tasks completed"
	    " on the record by a second client)\n", o.runs, closed);
	free(ms);
	fhir_stop(&f);
	curl_global_cleanup();
	snprintf(cfg, sizeof(cfg), "rm -rf '%s'", dir);
	if (system(cfg) != 0)
		return 1;
	return changed.closed == closed ? 0 : 1;
}
