/*
 * bench-import.c - measures importing a pre-meeting list: a CSV file of
 * 1,000,000 patients (valid NHS numbers, quoted fields with commas) into a
 * new meeting of a database file (WAL, synchronous=FULL, as in use), then
 * the same file again (every row unchanged).  Prints rows per second for
 * each and the process's peak RSS after each; asserts only that every row
 * was imported.
 *
 *   bench-import [--rows N]
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "mdt.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

int
main(int argc, char **argv)
{
	struct mdt_meeting_in in = { "Benchmark MDT", "+7", "13:00", NULL, 90 };
	struct mdt_import_report rep;
	struct mdt_store *s = NULL;
	char dir[] = "/tmp/mdt-bench-XXXXXX", db[64], csv[64], err[256];
	long rows = 1000000;
	int64_t meeting;
	double t0, t1, t2, rss0, rss1, rss2;
	enum mdt_status st;
	int rc = 0;

	if (argc == 3 && strcmp(argv[1], "--rows") == 0)
		rows = strtol(argv[2], NULL, 10);
	else if (argc != 1) {
		fputs("usage: bench-import [--rows N]\n", stderr);
		return 2;
	}
	if (rows < 1 || rows > 10000000 || mkdtemp(dir) == NULL) {
		fputs("bench-import: bad --rows or no temporary folder\n",
		    stderr);
		return 1;
	}
	snprintf(db, sizeof(db), "%s/bench.db", dir);
	snprintf(csv, sizeof(csv), "%s/list.csv", dir);
	if (write_list(csv, rows) != 0 ||
	    mdt_store_open(db, NULL, MDT_OPEN_CREATE, &s, err, sizeof(err)) !=
	    MDT_OK ||
	    mdt_meeting_create(s, &in, &meeting, NULL) != MDT_OK) {
		fprintf(stderr, "bench-import: set-up failed: %s\n",
		    s != NULL ? mdt_store_error(s) : err);
		rc = 1;
		goto out;
	}

	rss0 = peak_rss_mb();
	t0 = now_s();
	st = mdt_import_csv(s, meeting, MDT_LIST_REFERRAL, csv, false, NULL,
	    false, &rep);
	t1 = now_s();
	rss1 = peak_rss_mb();
	if (st != MDT_OK || rep.added != rows) {
		fprintf(stderr, "bench-import: import failed (%s): %d of %ld"
		    " rows\n", mdt_store_error(s), rep.added, rows);
		mdt_import_report_done(&rep);
		rc = 1;
		goto out;
	}
	mdt_import_report_done(&rep);
	st = mdt_import_csv(s, meeting, MDT_LIST_REFERRAL, csv, false, NULL,
	    false, &rep);
	t2 = now_s();
	rss2 = peak_rss_mb();
	if (st != MDT_OK || rep.unchanged != rows) {
		fprintf(stderr, "bench-import: second import changed %d rows\n",
		    rows - rep.unchanged > 0 ? (int)(rows - rep.unchanged) : 0);
		rc = 1;
	}
	mdt_import_report_done(&rep);
	printf("before importing: peak RSS %.1f MB\n", rss0);
	printf("import of %ld rows: %.2f s, %.0f rows/s, peak RSS %.1f MB\n",
	    rows, t1 - t0, (double)rows / (t1 - t0), rss1);
	printf("same file again (all unchanged): %.2f s, %.0f rows/s, peak RSS"
	    " %.1f MB\n", t2 - t1, (double)rows / (t2 - t1), rss2);
out:
	mdt_store_free(s);
	unlink(csv);
	unlink(db);
	snprintf(err, sizeof(err), "%s-wal", db);
	unlink(err);
	snprintf(err, sizeof(err), "%s-shm", db);
	unlink(err);
	rmdir(dir);
	return rc;
}
