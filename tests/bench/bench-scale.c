/*
 * bench-scale.c - what a command costs as the history grows.  Histories of
 * 1, 5, 10 and 20 years of weekly meetings (52, 260, 520, 1040) at the
 * same density a year (150 patients and 1,500 actions a year by default)
 * are made once by gen-history and kept in a cache folder (as
 * bench-history keeps its own); for each, the real binary runs each
 * command on a fresh copy, its output to /dev/null, and this prints the
 * median wall time over --runs and the peak resident memory of the child
 * (wait4's ru_maxrss, the largest over the runs):
 *
 *   agenda NEXT, minutes LAST --format json, status, audit --since (a
 *   month before LAST), review (the year to LAST's day), purge --dry-run
 *   on the history as made (its outbox never sent) and delivered (every
 *   row sent), actions --all --format json, referrals, rising --due;
 *   the console: start-up of `prepare NEXT` to its first frame, and j (then
 *   k, back) on the preparation screen to the first byte of its redraw.
 *
 * NEXT is the meeting prepared for this week, LAST the last one closed.
 * Then a table: each measure at each length and the ratio of the longest
 * to the shortest.  A command whose output does not grow with the history
 * should cost the same on each.  Asserts nothing.
 *
 *   bench-scale --gen GEN_HISTORY --cache DIR [--runs N] [--keys N]
 *       [--years 1,5,10,20] [--patients-a-year N] [--actions-a-year N]
 *       [--seed S] MDTCHAIR
 */
#include "config.h"

#include <stdbool.h>

#include "benchterm.h"
#include "benchhist.h"

#define MAX_YEARS 8
#define MAX_MEASURES 32

struct opts {
	const char *gen, *cache, *bin;
	long runs, keys;
	int years[MAX_YEARS], n_years;
	long patients_a_year, actions_a_year, seed;
};

/* One command: its name in the table, its arguments after --db (%N, %L,
 * %M and %Y stand for NEXT's id, LAST's id, a month and a year before
 * LAST's day, %D for that day), and whether it runs on the history
 * delivered. */
struct command {
	const char *name;
	const char *args[8];
	bool sent;
};

static const struct command commands[] = {
	{ "agenda NEXT", { "agenda", "%N" }, false },
	{ "minutes LAST --format json",
	    { "minutes", "%L", "--format", "json" }, false },
	{ "status", { "status" }, false },
	{ "audit --since a month", { "audit", "--since", "%M" }, false },
	{ "review of a year", { "review", "--from", "%Y", "--to", "%D" },
	    false },
	{ "purge --dry-run, never sent",
	    { "purge", "--dry-run", "--days", "30" }, false },
	{ "purge --dry-run, delivered",
	    { "purge", "--dry-run", "--days", "30" }, true },
	{ "actions --all --format json",
	    { "actions", "--all", "--format", "json" }, false },
	{ "referrals", { "referrals" }, false },
	{ "rising --due", { "rising", "--due" }, false },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* A figure of one measure on one history. */
struct figures {
	const char *name[MAX_MEASURES];
	double ms[MAX_YEARS][MAX_MEASURES];
	long rss_kb[MAX_YEARS][MAX_MEASURES];	/* -1: not measured */
	int n;
};

static char work[] = "/tmp/mdtchair-bench-scale.XXXXXX";

/* What %N, %L, %M, %Y and %D stand for in one history. */
struct subst {
	char next[24], last[24], month[16], year[16], day[16];
};

static void
find_meetings(const char *db, struct subst *s)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	const char *sql = "SELECT (SELECT max(id) FROM meetings WHERE state"
	    " = 'planned'), id, date(scheduled_start / 1000, 'unixepoch',"
	    " 'localtime', '-1 month'), date(scheduled_start / 1000,"
	    " 'unixepoch', 'localtime', '-1 year', '+1 day'),"
	    " date(scheduled_start / 1000, 'unixepoch', 'localtime')"
	    " FROM meetings WHERE state = 'closed'"
	    " ORDER BY scheduled_start DESC LIMIT 1";

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		fprintf(stderr, "bench-scale: %s: no meetings: %s\n", db,
		    sqlite3_errmsg(h));
		exit(1);
	}
	snprintf(s->next, sizeof(s->next), "%lld", sqlite3_column_int64(st,
	    0));
	snprintf(s->last, sizeof(s->last), "%lld", sqlite3_column_int64(st,
	    1));
	snprintf(s->month, sizeof(s->month), "%s", sqlite3_column_text(st, 2));
	snprintf(s->year, sizeof(s->year), "%s", sqlite3_column_text(st, 3));
	snprintf(s->day, sizeof(s->day), "%s", sqlite3_column_text(st, 4));
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static const char *
expand(const char *arg, const struct subst *s)
{
	if (strcmp(arg, "%N") == 0)
		return s->next;
	if (strcmp(arg, "%L") == 0)
		return s->last;
	if (strcmp(arg, "%M") == 0)
		return s->month;
	if (strcmp(arg, "%Y") == 0)
		return s->year;
	if (strcmp(arg, "%D") == 0)
		return s->day;
	return arg;
}

/* Runs bin --db db ARGS... with stdout to /dev/null; its wall time in ms,
 * its peak RSS in *rss_kb.  Exits if it fails. */
static double
run_command(const char *bin, const char *db, const struct command *c,
    const struct subst *s, long *rss_kb)
{
	const char *argv[16] = { bin, "--db", db };
	struct rusage ru;
	int status, n = 3;
	double t0;
	pid_t pid;

	for (int i = 0; i < 8 && c->args[i] != NULL; i++)
		argv[n++] = expand(c->args[i], s);
	argv[n] = NULL;
	t0 = now_ms();
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		die("wait4");
	t0 = now_ms() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench-scale: %s failed (status %d) on %s\n",
		    c->name, status, db);
		exit(1);
	}
	*rss_kb = ru.ru_maxrss;
	return t0;
}

/* ---- the console ------------------------------------------------------ */

static void
measure_console(const struct opts *o, const char *hist,
    const struct subst *s, double *v, double *start_ms, double *key_ms,
    long *rss_kb)
{
	struct term t = { 0 };
	char db[1200];
	int got = 0;

	t.out = malloc(OUTCAP + 1);
	if (t.out == NULL)
		die("malloc");
	*rss_kb = 0;
	for (int i = 0; i < o->runs; i++) {
		double t0;
		long kb;

		fresh_copy_in(work, hist, "console", db, sizeof(db));
		t0 = now_ms();
		term_start_arg(&t, o->bin, db, "prepare", s->next);
		if (term_wait_for(&t, "Preparation:", 20000) != 0) {
			fprintf(stderr, "bench-scale: no preparation screen;"
			    " it wrote:\n%.*s\n", (int)t.len, t.out);
			exit(1);
		}
		v[i] = now_ms() - t0;
		if (i == 0) {
			/* keys on the first run's screen */
			for (int k = 0; k < o->keys; k++) {
				settle(&t, 50 + (k * 37) % 200);
				t0 = now_ms();
				if (write(t.fd, k % 2 == 0 ? "j" : "k", 1) != 1)
					die("write");
				if (term_read(&t, 5000) <= 0) {
					fprintf(stderr, "bench-scale: no redraw"
					    " after a key\n");
					break;
				}
				v[o->runs + got++] = now_ms() - t0;
			}
		}
		kb = term_hangup(&t);
		if (kb > *rss_kb)
			*rss_kb = kb;
	}
	qsort(v, (size_t)o->runs, sizeof(*v), cmp_double);
	*start_ms = v[o->runs / 2];
	report("  prepare NEXT: start to first frame", v, o->runs);
	if (got > 0) {
		report("  prepare: j/k to redraw", v + o->runs, got);
		qsort(v + o->runs, (size_t)got, sizeof(*v), cmp_double);
		*key_ms = v[o->runs + got / 2];
	} else
		*key_ms = -1;
	free(t.out);
}

/* ---- one history ------------------------------------------------------ */

static void
measure_history(const struct opts *o, int years, int col, struct figures *f)
{
	char hist[1100], base[1200], sent[1200], db[1200], cmd[2600];
	long meetings = 52L * years;
	struct subst s;
	double *v;
	int m = 0;

	v = calloc((size_t)(o->runs + o->keys + 1), sizeof(*v));
	if (v == NULL)
		die("calloc");
	printf("\n== %d year(s): %ld meetings, %ld patients, %ld actions\n",
	    years, meetings, o->patients_a_year * years,
	    o->actions_a_year * years);
	cached_history(o->gen, o->cache, meetings, o->patients_a_year * years,
	    o->actions_a_year * years, o->seed, hist, sizeof(hist));
	/* the schema of the binary measured, once (a one-off on a real
	 * console), then the delivered copy beside it */
	fresh_copy_in(work, hist, "base", base, sizeof(base));
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' people >/dev/null",
	    o->bin, base);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench-scale: %s could not open %s\n", o->bin,
		    base);
		exit(1);
	}
	fresh_copy_in(work, base, "base-sent", sent, sizeof(sent));
	mark_history_sent(sent);
	find_meetings(base, &s);
	printf("NEXT %s, LAST %s of %s; %lld outbox rows, %lld audit rows,"
	    " %lld kB\n", s.next, s.last, s.day, db_int(base, "SELECT count(*)"
	    " FROM outbox"), db_int(base, "SELECT count(*) FROM audit"),
	    db_int(base, "SELECT page_count * page_size / 1024 FROM"
	    " pragma_page_count, pragma_page_size"));

	for (size_t c = 0; c < N_COMMANDS; c++, m++) {
		long rss = 0, kb;

		for (int i = 0; i < o->runs; i++) {
			fresh_copy_in(work, commands[c].sent ? sent : base,
			    "run", db, sizeof(db));
			v[i] = run_command(o->bin, db, &commands[c], &s, &kb);
			if (kb > rss)
				rss = kb;
		}
		qsort(v, (size_t)o->runs, sizeof(*v), cmp_double);
		printf("  %-34s n=%-3ld median %8.2f ms   min %8.2f ms   max"
		    " %8.2f ms   peak RSS %6.1f MB\n", commands[c].name,
		    o->runs, v[o->runs / 2], v[0], v[o->runs - 1],
		    (double)rss / 1024);
		f->name[m] = commands[c].name;
		f->ms[col][m] = v[o->runs / 2];
		f->rss_kb[col][m] = rss;
	}
	f->name[m] = "prepare: start to first frame";
	f->name[m + 1] = "prepare: j/k to redraw";
	measure_console(o, base, &s, v, &f->ms[col][m], &f->ms[col][m + 1],
	    &f->rss_kb[col][m]);
	f->rss_kb[col][m + 1] = -1;
	f->n = m + 2;
	free(v);
}

/* ---- the machine and the table ---------------------------------------- */

static void
print_machine(const char *cache)
{
	char line[512], cmd[1200];
	time_t now = time(NULL);
	FILE *fp;
	int cpus = 0;

	if ((fp = fopen("/proc/cpuinfo", "r")) != NULL) {
		bool named = false;

		while (fgets(line, sizeof(line), fp) != NULL) {
			if (strncmp(line, "processor", 9) == 0)
				cpus++;
			if (!named && strncmp(line, "model name", 10) == 0) {
				char *p = strchr(line, ':');

				printf("cpu:%s", p != NULL ? p + 1 : line);
				named = true;
			}
		}
		fclose(fp);
	}
	printf("cpus: %d\n", cpus);
	/* the disk under the cache: device, file system, rotational */
	snprintf(cmd, sizeof(cmd), "df -T '%s' | tail -1 | awk '{print $1,"
	    " $2}'", cache);
	if ((fp = popen(cmd, "r")) != NULL) {
		if (fgets(line, sizeof(line), fp) != NULL)
			printf("disk: %s", line);
		pclose(fp);
	}
	strftime(line, sizeof(line), "%Y-%m-%d %H:%M %Z", localtime(&now));
	printf("date: %s\n", line);
	printf("sqlite: %s (this program's)\n", sqlite3_libversion());
}

static void
print_table(const struct opts *o, const struct figures *f)
{
	int last = o->n_years - 1;

	printf("\nmedian wall time, ms (peak RSS, MB)\n%-34s", "measure");
	for (int y = 0; y < o->n_years; y++)
		printf(" %14dy", o->years[y]);
	printf("   %dy/%dy\n", o->years[last], o->years[0]);
	for (int m = 0; m < f->n; m++) {
		printf("%-34s", f->name[m]);
		for (int y = 0; y < o->n_years; y++)
			if (f->rss_kb[y][m] >= 0)
				printf(" %7.1f (%5.1f)", f->ms[y][m],
				    (double)f->rss_kb[y][m] / 1024);
			else
				printf(" %15.2f", f->ms[y][m]);
		printf("   %5.2f", f->ms[0][m] > 0 ? f->ms[last][m] /
		    f->ms[0][m] : 0.0);
		if (f->rss_kb[0][m] > 0)
			printf(" (%4.2f)", (double)f->rss_kb[last][m] /
			    (double)f->rss_kb[0][m]);
		printf("\n");
	}
}

static int
parse_years(const char *v, int *years)
{
	int n = 0;

	while (*v != '\0' && n < MAX_YEARS) {
		char *end;
		long y = strtol(v, &end, 10);

		if (end == v || y < 1 || y > 60)
			return -1;
		years[n++] = (int)y;
		v = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end != '\0')
			return -1;
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct opts o = { .runs = 5, .keys = 40, .patients_a_year = 150,
	    .actions_a_year = 1500, .seed = 1 };
	struct figures *f;
	char none[100], cmd[200];

	o.n_years = parse_years("1,5,10,20", o.years);
	for (int i = 1; i < argc; i++) {
		/* the options that take a number */
		const struct { const char *name; long *v; } nums[] = {
			{ "--runs", &o.runs }, { "--keys", &o.keys },
			{ "--patients-a-year", &o.patients_a_year },
			{ "--actions-a-year", &o.actions_a_year },
			{ "--seed", &o.seed },
		};
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : "";
		bool numeric = false;

		for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
			if (strcmp(a, nums[k].name) == 0) {
				*nums[k].v = strtol(val, NULL, 10);
				numeric = true;
				i++;
			}
		if (numeric)
			continue;
		if (strcmp(a, "--gen") == 0)
			o.gen = argv[++i];
		else if (strcmp(a, "--cache") == 0)
			o.cache = argv[++i];
		else if (strcmp(a, "--years") == 0)
			o.n_years = parse_years(val, o.years), i++;
		else
			o.bin = a;
	}
	if (o.gen == NULL || o.cache == NULL || o.bin == NULL || o.runs < 1 ||
	    o.keys < 1 || o.n_years < 1 || o.patients_a_year < 1 ||
	    o.actions_a_year < 1) {
		fputs("usage: bench-scale --gen GEN_HISTORY --cache DIR"
		    " [--runs N] [--keys N] [--years 1,5,10,20]"
		    " [--patients-a-year N] [--actions-a-year N] [--seed S]"
		    " MDTCHAIR\n", stderr);
		return 2;
	}
	print_command_line(argc, argv);
	print_machine(o.cache);
	printf("density: %ld patients and %ld actions a year, weekly"
	    " meetings\n", o.patients_a_year, o.actions_a_year);
	if (!mkdtemp(work))
		die("mkdtemp");
	/* no configuration */
	snprintf(none, sizeof(none), "%s/none", work);
	setenv("XDG_CONFIG_HOME", none, 1);
	unsetenv("MDTCHAIR_CONFIG");
	if ((f = calloc(1, sizeof(*f))) == NULL)
		die("calloc");
	for (int y = 0; y < o.n_years; y++)
		measure_history(&o, o.years[y], y, f);
	print_table(&o, f);
	free(f);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
	return system(cmd) == 0 ? 0 : 1;
}
