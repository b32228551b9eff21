/*
 * stepcount.c - how many rows a process read, for the tests that a screen
 * reads nothing on a key or a clock tick that cannot change what it
 * shows.  Built as stepcount.so and put in LD_PRELOAD of the real mdtchair
 * (the product is unchanged): each call of sqlite3_step on a query (a
 * statement that begins SELECT or WITH; not the checks for others'
 * commits, the lease's renewal nor the transactions) is counted, and the
 * count written, as a decimal line, over the file named by $MDT_STEP_COUNT
 * (created 0600), so that a test reads it while the console runs.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include <sqlite3.h>

/* Whether the statement is a query. */
static bool
is_query(sqlite3_stmt *st)
{
	const char *sql = sqlite3_sql(st);

	if (sql == NULL)
		return false;
	while (isspace((unsigned char)*sql))
		sql++;
	return strncasecmp(sql, "SELECT", 6) == 0 ||
	    strncasecmp(sql, "WITH", 4) == 0;
}

int
sqlite3_step(sqlite3_stmt *st)
{
	static int (*real)(sqlite3_stmt *);
	static unsigned long n;
	static int fd = -1;
	const char *path;
	char line[32];
	int len;

	if (real == NULL)
		real = (int (*)(sqlite3_stmt *))dlsym(RTLD_NEXT,
		    "sqlite3_step");
	if (real == NULL)
		abort();
	if (!is_query(st))
		return real(st);
	if (fd < 0 && (path = getenv("MDT_STEP_COUNT")) != NULL)
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	len = snprintf(line, sizeof(line), "%20lu\n",
	    __atomic_add_fetch(&n, 1, __ATOMIC_RELAXED));
	if (fd >= 0 && pwrite(fd, line, (size_t)len, 0) != len)
		abort();
	return real(st);
}
