/*
 * stepcount.c - preloaded into the real mdtchair by tests/e2e/ticks.sh (the
 * product unchanged): counts the statements' steps (sqlite3_step) and
 * writes the count, as text, over the file named by MDT_STEP_COUNT after
 * each, so that a test can see whether the console asked the store
 * anything between two moments.  Not counted, as neither is the clock's
 * and neither reads the meeting: the renewal of the chair's lease (every
 * five seconds, on a timer of its own: chair_lease) and the watch's look
 * at whether another connection committed (PRAGMA data_version), which
 * the lease's own commit sets off; nor a transaction's opening and end,
 * which read nothing (what it does between is counted).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sqlite3_stmt;

int sqlite3_step(struct sqlite3_stmt *st);
const char *sqlite3_sql(struct sqlite3_stmt *st);

int
sqlite3_step(struct sqlite3_stmt *st)
{
	static int (*real)(struct sqlite3_stmt *);
	static int fd = -2;
	static unsigned long long steps;
	const char *sql;
	char line[32];
	int n;

	if (real == NULL)
		real = (int (*)(struct sqlite3_stmt *))dlsym(RTLD_NEXT,
		    "sqlite3_step");
	if (fd == -2) {
		const char *path = getenv("MDT_STEP_COUNT");

		fd = path != NULL ? open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
		    O_NOFOLLOW, 0600) : -1;
	}
	sql = sqlite3_sql(st) != NULL ? sqlite3_sql(st) : "";
	if (strstr(sql, "chair_lease") != NULL ||
	    strcmp(sql, "PRAGMA data_version") == 0 ||
	    strncmp(sql, "BEGIN", 5) == 0 || strcmp(sql, "COMMIT") == 0 ||
	    strcmp(sql, "ROLLBACK") == 0)
		return real(st);
	steps++;
	n = snprintf(line, sizeof(line), "%20llu\n", steps);
	if (fd >= 0 && n > 0)
		(void)!pwrite(fd, line, (size_t)n, 0);
	return real(st);
}
