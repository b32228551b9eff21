/*
 * bench-present.c - measures how soon the projector's view follows the
 * chair: `mdtchair present` runs in a pseudo-terminal while this process,
 * as the chair's console would, commits to the same database (blanking
 * and restoring the projector, mdt_projector_blank).  Each figure is the
 * time from the commit's return to the first byte of the redraw it
 * causes: the console hears it through the inotify watch on the
 * write-ahead log (tui/watch.c).  Prints medians and p99; asserts nothing.
 *
 *   bench-present [--changes N] /path/to/mdtchair
 */
#include "config.h"

#include "mdt.h"

#include "benchterm.h"

int
main(int argc, char **argv)
{
	const char *bin = NULL;
	int changes = 40, n = 0;
	char dir[] = "/tmp/mdtchair-bench.XXXXXX", db[128], cmd[512];
	char err[256];
	struct term t = { 0 };
	struct mdt_clock clock = { mdt_clock_real, NULL };
	struct mdt_store *store;
	int64_t meeting;
	double *v;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--changes") == 0 && i + 1 < argc)
			changes = (int)strtol(argv[++i], NULL, 10);
		else
			bin = argv[i];
	}
	if (bin == NULL || changes < 1) {
		fputs("usage: bench-present [--changes N] MDTCHAIR\n", stderr);
		return 2;
	}
	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(db, sizeof db, "%s/bench.db", dir);
	snprintf(cmd, sizeof cmd, "'%s' --db '%s' demo --no-open >/dev/null",
	    bin, db);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench-present: cannot create the demo database\n");
		return 1;
	}
	if (mdt_store_open(db, &clock, 0, &store, err, sizeof err) != MDT_OK) {
		fprintf(stderr, "bench-present: %s\n", err);
		return 1;
	}
	if (mdt_meeting_find(store, NULL, &meeting) != MDT_OK) {
		fprintf(stderr, "bench-present: %s\n", mdt_store_error(store));
		return 1;
	}
	t.out = malloc(OUTCAP + 1);
	v = calloc((size_t)changes, sizeof *v);
	if (t.out == NULL || v == NULL)
		die("malloc");

	term_start(&t, bin, db, "present");
	if (term_wait_for(&t, "Agenda", 5000) != 0) {
		fprintf(stderr, "bench-present: the projector never drew\n");
		return 1;
	}
	for (int i = 0; i < changes; i++) {
		bool blank = i % 2 == 0;
		const char *marker = blank ? "Paused" : "Agenda";
		double t0;

		/* Let the last redraw settle, then forget it. */
		usleep(100000 + (useconds_t)(i * 37 % 250) * 1000);
		while (term_read(&t, 0) > 0)
			;
		t.len = 0;
		if (mdt_projector_blank(store, meeting, blank) != MDT_OK) {
			fprintf(stderr, "bench-present: %s\n",
			    mdt_store_error(store));
			return 1;
		}
		t0 = now_ms();
		if (term_wait_for(&t, marker, 3000) != 0) {
			fprintf(stderr, "bench-present: no '%s' after a change\n",
			    marker);
			continue;
		}
		v[n++] = now_ms() - t0;
	}
	if (n > 0)
		report("change to projector screen", v, n);
	term_stop(&t);
	mdt_store_free(store);
	free(v);
	free(t.out);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return 0;
}
