/*
 * bench-present.c - measures how soon the projector's view follows the
 * chair: `mdtchair present` runs in a pseudo-terminal while this process,
 * as the chair's console would, commits to the same database (blanking
 * and restoring the projector, mdt_projector_blank).  Each figure is the
 * time from the commit's return to the first byte of the redraw it
 * causes, which the 250 ms watch of data_version bounds.  Prints medians
 * and p99; asserts nothing.
 *
 *   bench-present [--changes N] /path/to/mdtchair
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mdt.h"

#define OUTCAP (1 << 20)

struct term {
	pid_t pid;
	int fd;
	char *out;		/* everything read since the last reset */
	size_t len;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench-present: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
term_start(struct term *t, const char *bin, const char *db)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };

	t->len = 0;
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (t->pid < 0)
		die("forkpty");
	if (t->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		execl(bin, bin, "--db", db, "present", (char *)NULL);
		_exit(127);
	}
}

/* Reads what is there within timeout_ms; returns bytes read, 0 on timeout. */
static ssize_t
term_read(struct term *t, int timeout_ms)
{
	struct pollfd p = { .fd = t->fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	if (t->len + 65536 > OUTCAP)
		t->len = 0;
	n = read(t->fd, t->out + t->len, 65536);
	if (n <= 0)
		return -1;
	t->len += (size_t)n;
	t->out[t->len] = '\0';
	return n;
}

static int
term_wait_for(struct term *t, const char *marker, int timeout_ms)
{
	double end = now_ms() + timeout_ms;

	while (!memmem(t->out, t->len, marker, strlen(marker))) {
		int left = (int)(end - now_ms());

		if (left <= 0 || term_read(t, left) < 0)
			return -1;
	}
	return 0;
}

static void
term_stop(struct term *t)
{
	int status;

	if (write(t->fd, "q", 1) != 1)
		kill(t->pid, SIGTERM);
	for (int i = 0; i < 200 && term_read(t, 10) >= 0; i++)
		;
	waitpid(t->pid, &status, 0);
	close(t->fd);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
report(const char *what, double *v, int n)
{
	int p99;

	qsort(v, (size_t)n, sizeof *v, cmp_double);
	p99 = (int)((n - 1) * 0.99 + 0.5);
	printf("%-34s n=%-4d median %7.2f ms   p99 %7.2f ms   min %7.2f ms"
	    "   max %7.2f ms\n", what, n, v[n / 2], v[p99], v[0], v[n - 1]);
}

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

	term_start(&t, bin, db);
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
