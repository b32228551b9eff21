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
	fprintf(stderr, "bench-tui: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
term_start(struct term *t, const char *bin, const char *db, const char *cmd)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };

	t->len = 0;
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (t->pid < 0)
		die("forkpty");
	if (t->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		execl(bin, bin, "--db", db, cmd, (char *)NULL);
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
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	int p99 = (int)((n - 1) * 0.99 + 0.5);
	printf("%-34s n=%-4d median %7.2f ms   p99 %7.2f ms   min %7.2f ms   max %7.2f ms\n",
	    what, n, v[n / 2], v[p99], v[0], v[n - 1]);
}

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
	 * so the next tick cannot be mistaken for the key's redraw.
	 */
	term_start(&t, bin, db, "chair");
	if (term_wait_for(&t, marker, 5000) != 0)
		return 1;
	if (write(t.fd, "n", 1) != 1)
		die("write");
	for (int i = 0; i < nkeys;) {
		/* Drain, then wait for a tick's redraw. */
		while (term_read(&t, 0) > 0)
			;
		if (term_read(&t, 1500) <= 0)
			continue;
		usleep(20000);
		while (term_read(&t, 0) > 0)
			;
		for (int k = 0; k < 3 && i < nkeys; k++) {
			double t0 = now_ms();
			if (write(t.fd, "p", 1) != 1)
				die("write");
			if (term_read(&t, 1000) <= 0)
				break;
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
