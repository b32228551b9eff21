/*
 * benchhist.h - what the benchmarks on a generated history share: the
 * history made once by gen-history and kept in a cache folder under a name
 * made of its arguments and start date, fresh copies of it, and one-off
 * statements on a copy.  Header-only, like benchterm.h (which it needs).
 */
#ifndef MDT_BENCHHIST_H
#define MDT_BENCHHIST_H

#include <sys/stat.h>

#include <sqlite3.h>

#include "benchterm.h"

static inline void
copy_file(const char *from, const char *to)
{
	char buf[1 << 16];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;

	if (in == NULL || out == NULL)
		die(from);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			die(to);
	fclose(in);
	/* on the disk before anything is timed: else the first sync of
	 * the copy by the command measured (an export's audit row) writes
	 * the whole copy out, and the time grows with the history's size */
	if (fflush(out) != 0 || fsync(fileno(out)) != 0 || fclose(out) != 0 ||
	    chmod(to, 0600) != 0)
		die(to);
}

/* A fresh copy of the history as DIR/NAME.db; its path in db. */
static inline void
fresh_copy_in(const char *dir, const char *history, const char *name,
    char *db, size_t len)
{
	char side[1200];

	snprintf(db, len, "%s/%s.db", dir, name);
	snprintf(side, sizeof(side), "%.1190s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%.1190s-shm", db);
	unlink(side);
	copy_file(history, db);
}

static inline void
db_exec(const char *db, const char *sql)
{
	sqlite3 *h;
	char *err = NULL;

	if (sqlite3_open(db, &h) != SQLITE_OK ||
	    sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
		    db, err != NULL ? err : sqlite3_errmsg(h));
		exit(1);
	}
	sqlite3_close(h);
}

/* The first column of the first row of sql; -1 if none. */
static inline long long
db_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(h, 2000);
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return v;
}

/* Everything the history queued counts as sent before today, as on a
 * console that has been syncing all along. */
static inline void
mark_history_sent(const char *db)
{
	db_exec(db, "UPDATE outbox SET state = 'sent', sent_at = created_at"
	    " WHERE state = 'pending'");
}

/* The Monday of this week, less a week per meeting: the history ends the
 * week before, and the next meeting falls in this one. */
static inline void
start_date(long meetings, char *out, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_mday -= (tm.tm_wday + 6) % 7 + 7 * (int)meetings;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	mktime(&tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

/* The history gen made with these arguments, in cache, made if missing;
 * its path in path. */
static inline void
cached_history(const char *gen, const char *cache, long meetings,
    long patients, long actions, long seed, char *path, size_t len)
{
	char start[16], cmd[4096], tmp[1100];
	struct stat sb;
	double t0;

	start_date(meetings, start, sizeof(start));
	snprintf(path, len, "%s/history-%ldm-%ldp-%lda-s%ld-%s.db", cache,
	    meetings, patients, actions, seed, start);
	if (stat(path, &sb) == 0) {
		printf("history: %s (cached)\n", path);
		return;
	}
	mkdir(cache, 0700);
	snprintf(tmp, sizeof(tmp), "%.1090s.tmp", path);
	snprintf(cmd, sizeof(cmd), "rm -f '%s' '%s-wal' '%s-shm'", tmp, tmp,
	    tmp);
	if (system(cmd) != 0)
		exit(1);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --meetings %ld --patients"
	    " %ld --actions %ld --seed %ld --start %s --next", gen, tmp,
	    meetings, patients, actions, seed, start);
	printf("history: making it once: %s\n", cmd);
	fflush(stdout);
	t0 = now_ms();
	if (system(cmd) != 0) {
		fprintf(stderr, "%s: gen-history failed\n",
		    program_invocation_short_name);
		exit(1);
	}
	printf("history: made in %.1f s\n", (now_ms() - t0) / 1000);
	if (rename(tmp, path) != 0)
		die("rename");
}

#endif
