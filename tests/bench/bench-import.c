/*
 * bench-import.c - measures importing a pre-meeting list against the
 * floor SQLite's own shell sets: a CSV file of 1,000,000 patients (valid
 * NHS numbers, quoted fields with commas) loaded by `sqlite3` with
 * `.import` into one table with a unique index on the NHS number, then
 * imported by mdtchair into a new meeting; both into a database file
 * beside the list (WAL, synchronous=FULL, as in use).  Between them, the
 * store's own floor: the shell writing the same rows into the store's
 * schema by SQL alone (schema_floor).  Then the same file again into
 * mdtchair (every row unchanged).  Prints each time, the ratios of
 * mdtchair's to sqlite3's and to the floor, rows per second and the
 * process's peak RSS; the medians when --runs is more than one.  Asserts
 * only that every row was imported, by mdtchair and by the floor.
 *
 *   bench-import [--rows N] [--runs N] [--sqlite3 PATH]
 *
 * The shell is PATH (default /usr/bin/sqlite3, else the first sqlite3 on
 * $PATH); without one only mdtchair is timed, and the program says so.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mdt.h"
#include "benchterm.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user and system) of the process, or of its children
 * waited for. */
static double
cpu_s(int who)
{
	struct rusage ru;

	if (getrusage(who, &ru) != 0)
		return -1;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Peak resident set size so far, in MB. */
static double
peak_rss_mb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return (double)ru.ru_maxrss / 1024.0;	/* kB on Linux */
}

/*
 * The n-th valid NHS number, into out[11]: the 999 test range first, then
 * 998, 997 and on down for lists longer than it holds.
 */
static void
nhs_number(long n, long *next, char out[11])
{
	char d[32];

	for (;;) {
		int check;

		snprintf(d, sizeof(d), "%03ld%06ld", 999 - n / 1000000,
		    n % 1000000);
		check = mdt_nhs_check_digit(d);
		n++;
		if (check >= 0) {
			memcpy(out, d, 9);
			out[9] = (char)('0' + check);
			out[10] = '\0';
			break;
		}
	}
	*next = n;
}

static int
write_list(const char *path, long rows)
{
	FILE *fp = fopen(path, "w");
	long i, seq = 0;
	char nhs[11];

	if (fp == NULL)
		return -1;
	fputs("nhs_number,name,date_of_birth,practice,reason,referred_by\r\n",
	    fp);
	for (i = 0; i < rows; i++) {
		nhs_number(seq, &seq, nhs);
		fprintf(fp, "%s,\"Patient %ld, Ésmé\",19%02ld-%02ld-%02ld,"
		    "Larkhall Green Practice,\"Falls, frailty; \"\"lives"
		    " alone\"\"\",Dr Mensah\r\n", nhs, i, 20 + i % 80,
		    1 + i % 12, 1 + i % 28);
	}
	return fclose(fp) == 0 ? 0 : -1;
}

/* The sqlite3 shell: path if given, else /usr/bin/sqlite3, else the
 * first on $PATH; NULL if none can be run. */
static char *
find_sqlite3(const char *path)
{
	const char *env = getenv("PATH");
	char *dirs, *d, *save = NULL;

	if (path != NULL)
		return access(path, X_OK) == 0 ? strdup(path) : NULL;
	if (access("/usr/bin/sqlite3", X_OK) == 0)
		return strdup("/usr/bin/sqlite3");
	if (env == NULL || (dirs = strdup(env)) == NULL)
		return NULL;
	for (d = strtok_r(dirs, ":", &save); d != NULL;
	    d = strtok_r(NULL, ":", &save)) {
		char cand[4096];

		snprintf(cand, sizeof(cand), "%s/sqlite3", d);
		if (*d != '\0' && access(cand, X_OK) == 0) {
			free(dirs);
			return strdup(cand);
		}
	}
	free(dirs);
	return NULL;
}

/* Removes a database file and its WAL and shared memory. */
static void
unlink_db(const char *db)
{
	char p[128];

	unlink(db);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
}

/*
 * Runs the shell (argv[0], NULL-terminated) with its output to /dev/null
 * ("wal" and the like).  Seconds from its start to its exit, or -1 if it
 * failed; *cpu its CPU seconds.
 */
static double
shell_timed(const char *const argv[], double *cpu)
{
	double t0 = now_s(), c0 = cpu_s(RUSAGE_CHILDREN), t;
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, STDOUT_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	t = now_s() - t0;
	*cpu = cpu_s(RUSAGE_CHILDREN) - c0;
	return t;
}

/*
 * The shell's own load of the list into db (a new file): WAL,
 * synchronous=FULL, one table of the list's columns with a unique index
 * on the NHS number, `.import` (one transaction).  Seconds, or -1 if it
 * failed; *cpu its CPU seconds.
 */
static double
sqlite3_import(const char *cli, const char *db, const char *csv,
    double *cpu)
{
	char import[128];
	const char *argv[] = { cli, "-batch", "-bail", db,
	    "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
	    "CREATE TABLE t (nhs_number TEXT NOT NULL, name TEXT"
	    " NOT NULL, date_of_birth TEXT, practice TEXT, reason TEXT,"
	    " referred_by TEXT)",
	    "CREATE UNIQUE INDEX t_nhs ON t(nhs_number)", import, NULL };

	snprintf(import, sizeof(import), ".import --csv --skip 1 %s t", csv);
	return shell_timed(argv, cpu);
}

/*
 * The store's own floor: the list's rows written into a new mdtchair
 * store (made by mdt_store_open, with the meeting) by the shell alone,
 * as SQL: the list loaded by `.import` into a temporary table, then one
 * INSERT ... SELECT a table - each row a patient, a referral, a
 * candidate and a list entry, as the import makes them (time-ordered
 * UUIDs, foreign keys on, WAL, synchronous=FULL, one transaction).  What
 * SQLite itself needs to write the store's B-trees, with no row looked
 * at one by one.  Seconds, or -1 if it failed; *cpu its CPU seconds.
 */
static const char floor_sql[] =
    "INSERT INTO patients (uuid, nhs_number, name, date_of_birth,"
    " practice) SELECT printf('01a25065-0000-7000-8000-%%012x', rowid),"
    " nhs_number, name, date_of_birth, practice FROM stage ORDER BY rowid;"
    "INSERT INTO referrals (uuid, patient_id, referrer, service, reason,"
    " urgency, raised_at, source) SELECT"
    " printf('01a25065-0001-7000-8000-%%012x', s.rowid), p.id,"
    " s.referred_by, '', s.reason, 'routine', 1765000000, 'import'"
    " FROM stage s JOIN patients p ON p.nhs_number = s.nhs_number"
    " ORDER BY s.rowid;"
    "INSERT INTO candidates (uuid, meeting_id, patient_id, created_at,"
    " lists, referral_id) SELECT"
    " printf('01a25065-0002-7000-8000-%%012x', id), %lld, patient_id,"
    " 1765000000, 2, id FROM referrals ORDER BY id;"
    "INSERT INTO list_entries (candidate_id, list, reason, referred_by,"
    " source, line, row_hash, imported_at) SELECT c.id, 'referral',"
    " r.reason, r.referrer, 'list.csv', c.id + 1,"
    " printf('%%016x', c.id * 2654435761), 1765000000 FROM candidates c"
    " JOIN referrals r ON r.id = c.referral_id ORDER BY c.id;"
    "SELECT CASE WHEN (SELECT count(*) FROM list_entries) = %ld THEN 0"
    " ELSE abs(-9223372036854775807 - 1) END;";	/* an error unless all */

static double
schema_floor(const char *cli, const char *db, const char *csv, long rows,
    double *cpu)
{
	struct mdt_meeting_in in = { "Benchmark MDT", "+7", "13:00", NULL, 90 };
	struct mdt_store *s = NULL;
	char import[128], err[256], *sql;
	int64_t meeting = 0;
	double t;

	if (mdt_store_open(db, NULL, MDT_OPEN_CREATE, &s, err, sizeof(err)) !=
	    MDT_OK ||
	    mdt_meeting_create(s, &in, &meeting, NULL) != MDT_OK) {
		mdt_store_free(s);
		return -1;
	}
	mdt_store_free(s);
	sql = malloc(sizeof(floor_sql) + 64);
	if (sql == NULL)
		return -1;
	snprintf(sql, sizeof(floor_sql) + 64, floor_sql, (long long)meeting,
	    rows);
	snprintf(import, sizeof(import), ".import --csv --skip 1 %s stage",
	    csv);
	{
		const char *argv[] = { cli, "-batch", "-bail", db,
		    "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
		    "PRAGMA cache_size=-24576",	/* the import's */
		    "CREATE TEMP TABLE stage (nhs_number TEXT, name TEXT,"
		    " date_of_birth TEXT, practice TEXT, reason TEXT,"
		    " referred_by TEXT)", import, "BEGIN", sql, "COMMIT", NULL };

		t = shell_timed(argv, cpu);
	}
	free(sql);
	return t;
}

#define MAX_RUNS 15

/* One run: the shell's load (when cli), the store's floor by the shell
 * (when cli), then mdtchair's import of the list into a new database and
 * the same file again; the times in t[0..2] (t[0] -1 without the shell),
 * the CPU times of the first two in t[3..4], the floor's time and CPU in
 * t[5..6].  Nonzero on a failure, said on stderr. */
static int
one_run(const char *dir, const char *csv, long rows, const char *cli,
    double t[7])
{
	struct mdt_meeting_in in = { "Benchmark MDT", "+7", "13:00", NULL, 90 };
	struct mdt_import_report rep;
	struct mdt_store *s = NULL;
	char db[64], ref[64], err[256];
	int64_t meeting;
	double t0;
	enum mdt_status st;
	int rc = 0;

	snprintf(db, sizeof(db), "%s/bench.db", dir);
	snprintf(ref, sizeof(ref), "%s/sqlite3.db", dir);
	t[0] = -1;
	if (cli != NULL) {
		t[0] = sqlite3_import(cli, ref, csv, &t[3]);
		unlink_db(ref);
		if (t[0] < 0) {
			fprintf(stderr, "bench-import: %s .import failed\n",
			    cli);
			return 1;
		}
		t[5] = schema_floor(cli, ref, csv, rows, &t[6]);
		unlink_db(ref);
		if (t[5] < 0) {
			fprintf(stderr, "bench-import: the store's floor by %s"
			    " failed\n", cli);
			return 1;
		}
	}
	if (mdt_store_open(db, NULL, MDT_OPEN_CREATE, &s, err, sizeof(err)) !=
	    MDT_OK ||
	    mdt_meeting_create(s, &in, &meeting, NULL) != MDT_OK) {
		fprintf(stderr, "bench-import: set-up failed: %s\n",
		    s != NULL ? mdt_store_error(s) : err);
		rc = 1;
		goto out;
	}
	t0 = now_s();
	t[4] = cpu_s(RUSAGE_SELF);
	st = mdt_import_csv(s, meeting, MDT_LIST_REFERRAL, csv, false, NULL,
	    false, &rep);
	t[1] = now_s() - t0;
	t[4] = cpu_s(RUSAGE_SELF) - t[4];
	if (st != MDT_OK || rep.added != rows) {
		fprintf(stderr, "bench-import: import failed (%s): %d of %ld"
		    " rows\n", mdt_store_error(s), rep.added, rows);
		mdt_import_report_done(&rep);
		rc = 1;
		goto out;
	}
	mdt_import_report_done(&rep);
	t0 = now_s();
	st = mdt_import_csv(s, meeting, MDT_LIST_REFERRAL, csv, false, NULL,
	    false, &rep);
	t[2] = now_s() - t0;
	if (st != MDT_OK || rep.unchanged != rows) {
		fprintf(stderr, "bench-import: second import changed %d rows\n",
		    rows - rep.unchanged > 0 ? (int)(rows - rep.unchanged) : 0);
		rc = 1;
	}
	mdt_import_report_done(&rep);
out:
	mdt_store_free(s);
	unlink_db(db);
	return rc;
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/mdt-bench-XXXXXX", csv[64];
	const char *cli_arg = NULL;
	char *cli;
	long rows = 1000000;
	int runs = 1, rc = 0, i;
	double sq[MAX_RUNS], md[MAX_RUNS], again[MAX_RUNS], sq_cpu[MAX_RUNS];
	double md_cpu[MAX_RUNS], fl[MAX_RUNS], fl_cpu[MAX_RUNS], rss;
	double t[7] = { 0 };

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--rows") == 0)
			rows = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--runs") == 0)
			runs = (int)strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--sqlite3") == 0)
			cli_arg = argv[i + 1];
		else
			break;
	}
	if (i != argc) {
		fputs("usage: bench-import [--rows N] [--runs N]"
		    " [--sqlite3 PATH]\n", stderr);
		return 2;
	}
	if (rows < 1 || rows > 10000000 || runs < 1 || runs > MAX_RUNS ||
	    mkdtemp(dir) == NULL) {
		fputs("bench-import: bad --rows or --runs, or no temporary"
		    " folder\n", stderr);
		return 1;
	}
	cli = find_sqlite3(cli_arg);
	printf("bench-import --rows %ld --runs %d: list and databases in %s\n",
	    rows, runs, dir);
	if (cli == NULL)
		printf("no sqlite3 shell found (%s): only mdtchair is timed\n",
		    cli_arg != NULL ? cli_arg : "/usr/bin/sqlite3, $PATH");
	else
		printf("the floor: %s .import\n", cli);
	snprintf(csv, sizeof(csv), "%s/list.csv", dir);
	if (write_list(csv, rows) != 0) {
		fprintf(stderr, "bench-import: cannot write %s\n", csv);
		rc = 1;
		goto out;
	}
	printf("before importing: peak RSS %.1f MB\n", peak_rss_mb());
	for (i = 0; i < runs && rc == 0; i++) {
		rc = one_run(dir, csv, rows, cli, t);
		if (rc != 0)
			break;
		sq[i] = t[0];
		md[i] = t[1];
		again[i] = t[2];
		sq_cpu[i] = t[3];
		md_cpu[i] = t[4];
		fl[i] = t[5];
		fl_cpu[i] = t[6];
		printf("run %d: sqlite3 .import %.2f s (CPU %.2f s); ", i + 1,
		    t[0], t[3]);
		if (t[0] > 0)
			printf("the store's floor %.2f s (CPU %.2f s), %.2f x"
			    " sqlite3; ", t[5], t[6], t[5] / t[0]);
		printf("mdtchair import %.2f s (CPU %.2f s, %.0f rows/s)",
		    t[1], t[4], (double)rows / t[1]);
		if (t[0] > 0)
			printf(", %.2f x sqlite3 (CPU %.2f x), %.2f x the"
			    " floor", t[1] / t[0], t[4] / t[3], t[1] / t[5]);
		printf("; same file again %.2f s\n", t[2]);
		fflush(stdout);
	}
	if (rc == 0) {
		double m_sq = cli != NULL ? median_of(sq, runs) : -1;
		double m_md = median_of(md, runs), m_again = median_of(again, runs);

		rss = peak_rss_mb();
		printf("median of %d: ", runs);
		if (cli != NULL)
			printf("sqlite3 .import of %ld rows %.2f s; the store's"
			    " floor %.2f s, %.2f x sqlite3 (CPU %.2f s); ", rows,
			    m_sq, median_of(fl, runs), median_of(fl, runs) / m_sq,
			    median_of(fl_cpu, runs));
		printf("mdtchair import %.2f s, %.0f rows/s", m_md,
		    (double)rows / m_md);
		if (cli != NULL)
			printf(", %.2f x sqlite3 (CPU %.2f s against %.2f s)",
			    m_md / m_sq, median_of(md_cpu, runs),
			    median_of(sq_cpu, runs));
		printf("; same file again (all unchanged) %.2f s, %.0f"
		    " rows/s\n", m_again, (double)rows / m_again);
		printf("mdtchair peak RSS %.1f MB\n", rss);
	}
out:
	free(cli);
	unlink(csv);
	rmdir(dir);
	return rc;
}
