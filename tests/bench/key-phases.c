/*
 * key-phases.c - where a key's time goes inside the console, for
 * `make bench-phases` (docs/performance.md).  Put in LD_PRELOAD of
 * bench-history, it does nothing in any process but mdtchair; there it
 * wraps read, fdatasync and write and times, for each key read alone
 * (MDT_KEY_PHASES_KEY, default "p"):
 *
 *   wait    how long the key may have waited for the loop: when the
 *           loop's wait for events returned at once (the key was already
 *           there), the length of the loop's turn before; else 0
 *   act     from the key read to the start of its commit's fdatasync
 *           (the act's statements, the log's pages written)
 *   sync    the fdatasync itself (the disk)
 *   frame   from its end to the first byte written to the terminal
 *           (the snapshot brought up to date, the screen drawn)
 *   all     from the key read to that first byte
 *
 * Only the loop's thread (the process's first) counts: the engine's
 * workers sync the log too.  A key with no fdatasync before its frame is
 * not counted.  At exit it
 * appends the medians, p90 and p99 of each phase to the file named by
 * MDT_KEY_PHASES, one line for the process.  The product is unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define MAX_KEYS 4096

enum phase { PH_WAIT, PH_ACT, PH_SYNC, PH_FRAME, PH_ALL, PH_N };

static struct {
	bool on;		/* this process is the console, and a log named */
	char key;
	int state;		/* 0 idle, 1 key read, 2 synced */
	double t_key, t_sync0, t_sync1, wait;
	double t_turn;		/* the loop's last wait for events returned */
	double prev_turn;	/* the length of the turn before this one */
	bool at_once;		/* this turn's wait returned at once */
	double ms[PH_N][MAX_KEYS];
	size_t n;
} kp;

static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_fdatasync)(int);
static int (*real_epoll_wait)(int, struct epoll_event *, int, int);
static int (*real_epoll_pwait)(int, struct epoll_event *, int, int,
    const sigset_t *);

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

__attribute__((constructor)) static void
kp_init(void)
{
	const char *key = getenv("MDT_KEY_PHASES_KEY");

	real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT,
	    "write");
	real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	real_epoll_wait = (int (*)(int, struct epoll_event *, int, int))
	    dlsym(RTLD_NEXT, "epoll_wait");
	real_epoll_pwait = (int (*)(int, struct epoll_event *, int, int,
	    const sigset_t *))dlsym(RTLD_NEXT, "epoll_pwait");
	kp.on = getenv("MDT_KEY_PHASES") != NULL &&
	    strcmp(program_invocation_short_name, "mdtchair") == 0;
	kp.key = key != NULL && key[0] != '\0' ? key[0] : 'p';
}

static bool
loop_thread(void)
{
	return gettid() == getpid();
}

static void
turn_begins(double entered)
{
	double t = now_ms();

	kp.prev_turn = kp.t_turn > 0 ? entered - kp.t_turn : 0;
	kp.at_once = t - entered < 0.05;
	kp.t_turn = t;
}

int
epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	double t0 = now_ms();
	int rc = real_epoll_wait(epfd, ev, max, timeout);

	if (kp.on && loop_thread())
		turn_begins(t0);
	return rc;
}

int
epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout,
    const sigset_t *mask)
{
	double t0 = now_ms();
	int rc = real_epoll_pwait(epfd, ev, max, timeout, mask);

	if (kp.on && loop_thread())
		turn_begins(t0);
	return rc;
}

ssize_t
read(int fd, void *buf, size_t n)
{
	ssize_t got = real_read(fd, buf, n);

	if (kp.on && got == 1 && ((const char *)buf)[0] == kp.key &&
	    loop_thread()) {
		kp.t_key = now_ms();
		kp.wait = kp.at_once ? kp.prev_turn : 0;
		kp.state = 1;
	}
	return got;
}

int
fdatasync(int fd)
{
	double t0 = now_ms();
	int rc = real_fdatasync(fd);

	if (kp.on && kp.state == 1 && loop_thread()) {
		kp.t_sync0 = t0;
		kp.t_sync1 = now_ms();
		kp.state = 2;
	}
	return rc;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	if (kp.on && kp.state == 2 && n > 0 && loop_thread() && isatty(fd)) {
		int saved = errno;

		if (kp.n < MAX_KEYS) {
			kp.ms[PH_WAIT][kp.n] = kp.wait;
			kp.ms[PH_ACT][kp.n] = kp.t_sync0 - kp.t_key;
			kp.ms[PH_SYNC][kp.n] = kp.t_sync1 - kp.t_sync0;
			kp.ms[PH_FRAME][kp.n] = now_ms() - kp.t_sync1;
			kp.ms[PH_ALL][kp.n] = now_ms() - kp.t_key;
			kp.n++;
		}
		kp.state = 0;
		errno = saved;
	}
	return real_write(fd, buf, n);
}

static int
cmp_ms(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
at(const double *sorted, size_t n, double q)
{
	size_t i = (size_t)(q * (double)n);

	return sorted[i < n ? i : n - 1];
}

__attribute__((destructor)) static void
kp_report(void)
{
	static const char *const names[PH_N] = { "wait", "act", "sync",
	    "frame", "all" };
	const char *path = getenv("MDT_KEY_PHASES");
	FILE *fp;

	if (!kp.on || kp.n == 0 || (fp = fopen(path, "a")) == NULL)
		return;
	fprintf(fp, "keys %zu (ms: median / p90 / p99)", kp.n);
	for (int p = 0; p < PH_N; p++) {
		qsort(kp.ms[p], kp.n, sizeof(double), cmp_ms);
		fprintf(fp, "  %s %.2f / %.2f / %.2f", names[p],
		    at(kp.ms[p], kp.n, 0.5), at(kp.ms[p], kp.n, 0.9),
		    at(kp.ms[p], kp.n, 0.99));
	}
	fputc('\n', fp);
	fclose(fp);
}
