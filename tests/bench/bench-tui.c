/*
 * bench-tui.c - measures the chair screen as a person meets it, through a
 * real pseudo-terminal: start-up to the first full frame, and key to screen
 * (the time from writing a key to the first byte of the redraw it causes,
 * which includes the durable commit).  Prints medians and p99; asserts
 * nothing.
 *
 *   bench-tui [--runs N] [--keys N] [--marker TEXT] /path/to/mdtchair
 */
#include "config.h"

#include "benchterm.h"

int
main(int argc, char **argv)
{
	const char *bin = NULL, *marker = "Sync:";
	int runs = 30, nkeys = 60;
	char dir[] = "/tmp/mdtchair-bench.XXXXXX", db[128], cmd[512];
	struct term t = { 0 };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc)
			nkeys = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--marker") == 0 && i + 1 < argc)
			marker = argv[++i];
		else
			bin = argv[i];
	}
	if (!bin || runs < 1 || nkeys < 1) {
		fputs("usage: bench-tui [--runs N] [--keys N] [--marker TEXT] MDTCHAIR\n", stderr);
		return 2;
	}
	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(db, sizeof db, "%s/bench.db", dir);
	snprintf(cmd, sizeof cmd, "'%s' --db '%s' demo --no-open >/dev/null", bin, db);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench-tui: cannot create the demo database\n");
		return 1;
	}
	if (!(t.out = malloc(OUTCAP + 1)))
		die("malloc");

	double *v = calloc((size_t)(runs > nkeys ? runs : nkeys), sizeof *v);
	if (!v)
		die("calloc");

	/* Start-up: exec to the first frame that shows the status bar. */
	for (int i = 0; i < runs; i++) {
		double t0 = now_ms();
		term_start(&t, bin, db, "chair");
		if (term_wait_for(&t, marker, 5000) != 0) {
			fprintf(stderr, "bench-tui: no '%s' on screen\n", marker);
			return 1;
		}
		v[i] = now_ms() - t0;
		term_stop(&t);
	}
	report("start-up to first frame", v, runs);

	/*
	 * Key to screen on the slot screen: 'p' (pause/resume, a durable
	 * commit each time).  Keys go just after a clock tick has been drawn,
	 * so the next tick cannot be mistaken for the key's redraw; when
	 * nothing on screen shows seconds (paused, and the status bar giving
	 * a warning in place of the meeting clock) no tick comes, and the keys
	 * go after a quiet 1.5 s.
	 */
	term_start(&t, bin, db, "chair");
	if (term_wait_for(&t, marker, 5000) != 0)
		return 1;
	/* n, then y to "Start the meeting and slot 1 now?": slot 1 runs */
	if (write(t.fd, "n", 1) != 1)
		die("write");
	if (term_wait_for(&t, "Start the meeting", 5000) != 0 ||
	    write(t.fd, "y", 1) != 1 || term_wait_for(&t, "Slot 1:", 5000) != 0) {
		fprintf(stderr, "bench-tui: n then y did not start slot 1\n");
		return 1;
	}
	for (int i = 0, misses = 0; i < nkeys;) {
		if (misses >= 10) {
			fprintf(stderr, "bench-tui: ten keys in a row drew"
			    " nothing\n");
			return 1;
		}
		/* Drain, then wait for a tick's redraw, if one comes. */
		while (term_read(&t, 0) > 0)
			;
		if (term_read(&t, 1500) > 0) {
			usleep(20000);
			while (term_read(&t, 0) > 0)
				;
		}
		for (int k = 0; k < 3 && i < nkeys; k++) {
			double t0 = now_ms();
			if (write(t.fd, "p", 1) != 1)
				die("write");
			if (term_read(&t, 1000) <= 0) {
				misses++;
				break;
			}
			misses = 0;
			v[i++] = now_ms() - t0;
			usleep(150000);
			while (term_read(&t, 0) > 0)
				;
		}
	}
	report("key to screen (pause, committed)", v, nkeys);
	term_stop(&t);

	free(v);
	free(t.out);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return 0;
}
