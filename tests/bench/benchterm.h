/*
 * benchterm.h - what the benchmarks share: the real binary run in a
 * pseudo-terminal (forkpty), its output read with a timeout and searched,
 * and figures printed as median / p99 / min / max.  Header-only: each
 * benchmark is one program.
 */
#ifndef MDT_BENCHTERM_H
#define MDT_BENCHTERM_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

static inline double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline void
die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
	    strerror(errno));
	exit(1);
}

/* Runs `bin --db db cmd [arg]` in a new 80x24 pseudo-terminal (arg may be
 * NULL). */
static inline void
term_start_arg(struct term *t, const char *bin, const char *db,
    const char *cmd, const char *arg)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };

	t->len = 0;
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (t->pid < 0)
		die("forkpty");
	if (t->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		execl(bin, bin, "--db", db, cmd, arg, (char *)NULL);
		_exit(127);
	}
}

/* Runs `bin --db db cmd` in a new 80x24 pseudo-terminal. */
static inline void
term_start(struct term *t, const char *bin, const char *db, const char *cmd)
{
	term_start_arg(t, bin, db, cmd, NULL);
}

/* Reads what is there within timeout_ms; returns bytes read, 0 on timeout. */
static inline ssize_t
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

/* Whether the output holds one of the n markers. */
static inline bool
term_holds_any(const struct term *t, const char *const *markers, int n)
{
	for (int i = 0; i < n; i++)
		if (memmem(t->out, t->len, markers[i], strlen(markers[i])))
			return true;
	return false;
}

/* Reads until the output holds one of the n markers: 0, or -1 at the
 * timeout or the end. */
static inline int
term_wait_for_any(struct term *t, const char *const *markers, int n,
    int timeout_ms)
{
	double end = now_ms() + timeout_ms;

	while (!term_holds_any(t, markers, n)) {
		int left = (int)(end - now_ms());

		if (left <= 0 || term_read(t, left) < 0)
			return -1;
	}
	return 0;
}

static inline int
term_wait_for(struct term *t, const char *marker, int timeout_ms)
{
	return term_wait_for_any(t, &marker, 1, timeout_ms);
}

static inline void
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

/* Ends it as a closed terminal would (q may ask first); its peak resident
 * memory in kB. */
static inline long
term_hangup(struct term *t)
{
	struct rusage ru;
	int status;

	kill(t->pid, SIGHUP);
	for (int i = 0; i < 200 && term_read(t, 10) >= 0; i++)
		;
	if (wait4(t->pid, &status, 0, &ru) != t->pid)
		die("wait4");
	close(t->fd);
	return ru.ru_maxrss;
}

/* Reads and forgets whatever arrives for ms. */
static inline void
settle(struct term *t, int ms)
{
	double end = now_ms() + ms;

	while (now_ms() < end)
		term_read(t, (int)(end - now_ms()) + 1);
	t->len = 0;
}

/* Line-buffered stdout, and the command line first. */
static inline void
print_command_line(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("command:");
	for (int i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
}

static inline int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n-1] (sorted in place). */
static inline double
median_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static inline void
report(const char *what, double *v, int n)
{
	int p99;

	qsort(v, (size_t)n, sizeof *v, cmp_double);
	p99 = (int)((n - 1) * 0.99 + 0.5);
	printf("%-34s n=%-4d median %7.2f ms   p99 %7.2f ms   min %7.2f ms"
	    "   max %7.2f ms\n", what, n, v[n / 2], v[p99], v[0], v[n - 1]);
}

#endif
