/*
 * fuzz_import.c - libFuzzer target for importing a pre-meeting list
 * (core/import.c, libcsv).  The input's first byte chooses the list (low
 * three bits), whether bad rows are skipped (bit 3), whether the same
 * bytes are imported a second time (bit 4) and whether a small good
 * caseload is imported first, so that rows merge with it and clash with
 * its dates of birth (bit 5); the rest is the file, given to
 * mdt_import_csv by path as the command does, into an in-memory store
 * with a fixed clock.
 *
 * Beyond no crash, leak or undefined behaviour, after any input:
 *   - rows = added + merged + updated + unchanged + duplicates + rejected
 *     for an import that succeeded (a refused one counts nothing but the
 *     rows read and the bad ones, each with its error line);
 *   - no half import: a refused import (any status but MDT_OK) changes no
 *     patient, candidate, list entry, audit or outbox row; without
 *     skip_invalid an import that succeeds rejected nothing;
 *   - the counts match the store: new candidates = added, new patients =
 *     patients_created, and one error line per rejected row;
 *   - one patient per NHS number, one candidate per meeting and patient,
 *     no candidate without its patient, no statement left open;
 *   - importing the same bytes again adds, merges and updates nothing.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sqlite3.h>

#include "mdt.h"
#include "fuzz.h"

static char dir[64];
static char rejects[128];
static struct mdt_store *fresh;	/* a store with one meeting, made once */
static struct mdt_store *work;	/* a copy of it for each input */
static int64_t fresh_meeting;

static const enum mdt_list lists[8] = {
	MDT_LIST_CASELOAD, MDT_LIST_REFERRAL, MDT_LIST_INPATIENT,
	MDT_LIST_DISCHARGE, MDT_LIST_FREQUENT_ATTENDER, MDT_LIST_AMBULANCE,
	MDT_LIST_CASELOAD, MDT_LIST_REFERRAL,
};

/* The caseload imported first with bit 5: the demo's test-range numbers. */
static const char caseload[] =
    "nhs_number,name,date_of_birth,practice\n"
    "9993395633,Zoë Adébáyọ̀,1941-03-14,Larkhall\n"
    "9999939082,Arthur Pennington,1936-11-02,Riverside\n";

static int64_t
fixed_now(void *ctx)
{
	(void)ctx;
	return FUZZ_T0;
}

static int64_t
count(struct mdt_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	FUZZ_CHECK(sqlite3_prepare_v2(mdt_store_db(s), sql, -1, &st, NULL) ==
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

struct counts {
	int64_t patients, candidates, entries, audit, outbox;
};

static void
take(struct mdt_store *s, struct counts *c)
{
	c->patients = count(s, "SELECT count(*) FROM patients");
	c->candidates = count(s, "SELECT count(*) FROM candidates");
	c->entries = count(s, "SELECT count(*) FROM list_entries");
	c->audit = count(s, "SELECT count(*) FROM audit");
	c->outbox = count(s, "SELECT count(*) FROM outbox");
}

static void
check_whole(struct mdt_store *s)
{
	FUZZ_CHECK(count(s, "SELECT count(*) FROM (SELECT nhs_number FROM"
	    " patients GROUP BY nhs_number HAVING count(*) > 1)") == 0);
	FUZZ_CHECK(count(s, "SELECT count(*) FROM (SELECT 1 FROM candidates"
	    " GROUP BY meeting_id, patient_id HAVING count(*) > 1)") == 0);
	FUZZ_CHECK(count(s, "SELECT count(*) FROM candidates c LEFT JOIN"
	    " patients p ON p.id = c.patient_id WHERE p.id IS NULL") == 0);
	FUZZ_CHECK(count(s, "SELECT count(*) FROM list_entries e LEFT JOIN"
	    " candidates c ON c.id = e.candidate_id WHERE c.id IS NULL") == 0);
	FUZZ_CHECK(mdt_store_statements_open(s) == 0);
	FUZZ_CHECK(sqlite3_get_autocommit(mdt_store_db(s)));
}

static void
check_report(const struct mdt_import_report *r)
{
	FUZZ_CHECK(r->rows == r->added + r->merged + r->updated +
	    r->unchanged + r->duplicates + r->rejected);
	FUZZ_CHECK(r->rows >= 0 && r->rejected >= 0);
	FUZZ_CHECK(r->n_errors == 0 || r->errors != NULL);
}

/* The bytes as a file with a path (a memory file: nothing on disk). */
static int
as_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("list.csv", 0);

	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size);
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static void
import_once(struct mdt_store *s, int64_t meeting, enum mdt_list list,
    const char *path, bool skip, struct mdt_import_report *rep,
    enum mdt_status *st)
{
	struct counts before, after;

	take(s, &before);
	*st = mdt_import_csv(s, meeting, list, path, skip, skip ? rejects :
	    NULL, true, rep);
	take(s, &after);
	check_whole(s);
	if (*st != MDT_OK) {
		/* a refusal counts the rows read and the bad ones only */
		FUZZ_CHECK(rep->added == 0 && rep->merged == 0 &&
		    rep->updated == 0 && rep->unchanged == 0 &&
		    rep->patients_created == 0);
		FUZZ_CHECK(rep->rejected == 0 ||
		    rep->n_errors == (size_t)rep->rejected);
		/* all or none: none */
		FUZZ_CHECK(after.patients == before.patients);
		FUZZ_CHECK(after.candidates == before.candidates);
		FUZZ_CHECK(after.entries == before.entries);
		FUZZ_CHECK(after.audit == before.audit);
		FUZZ_CHECK(after.outbox == before.outbox);
		FUZZ_CHECK(rep->n_errors > 0);
		return;
	}
	check_report(rep);
	if (!skip) {
		FUZZ_CHECK(rep->rejected == 0);
		FUZZ_CHECK(rep->n_errors == 0);
	} else
		FUZZ_CHECK(rep->n_errors == (size_t)rep->rejected);
	FUZZ_CHECK(after.patients - before.patients == rep->patients_created);
	FUZZ_CHECK(after.candidates - before.candidates == rep->added +
	    rep->carried_forward);
}

static void
remove_dir(void)
{
	unlink(rejects);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct mdt_clock clock = { fixed_now, NULL };
	struct mdt_meeting_in in = { "Larkhall MDT", "+7", NULL, "Larkhall",
	    0 };
	char err[256];

	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	snprintf(dir, sizeof(dir), "/tmp/mdt-fuzz-XXXXXX");
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	snprintf(rejects, sizeof(rejects), "%s/rejects.csv", dir);
	atexit(remove_dir);
	FUZZ_CHECK(mdt_store_open(":memory:", &clock, MDT_OPEN_CREATE, &fresh,
	    err, sizeof(err)) == MDT_OK);
	mdt_store_set_actor(fresh, "fuzz");
	FUZZ_CHECK(mdt_meeting_create(fresh, &in, &fresh_meeting, NULL) ==
	    MDT_OK);
	FUZZ_CHECK(mdt_store_open(":memory:", &clock, MDT_OPEN_CREATE, &work,
	    err, sizeof(err)) == MDT_OK);
	mdt_store_set_actor(work, "fuzz");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mdt_import_report rep;
	struct mdt_store *s;
	enum mdt_status st, st2;
	enum mdt_list list;
	char path[64];
	int64_t meeting;
	bool skip, twice;
	uint8_t mode;
	int fd;

	if (size < 1)
		return 0;
	mode = data[0];
	list = lists[mode & 7];
	skip = (mode & 8) != 0;
	twice = (mode & 16) != 0;
	data++;
	size--;

	s = work;
	fuzz_store_copy(fresh, s);
	meeting = fresh_meeting;
	if (mode & 32) {
		fd = as_file((const uint8_t *)caseload, sizeof(caseload) - 1,
		    path, sizeof(path));
		FUZZ_CHECK(mdt_import_csv(s, meeting, MDT_LIST_CASELOAD, path,
		    false, NULL, true, &rep) == MDT_OK);
		mdt_import_report_done(&rep);
		close(fd);
	}

	fd = as_file(data, size, path, sizeof(path));
	import_once(s, meeting, list, path, skip, &rep, &st);
	mdt_import_report_done(&rep);
	if (st == MDT_OK && twice) {
		struct counts before, after;

		take(s, &before);
		import_once(s, meeting, list, path, skip, &rep, &st2);
		take(s, &after);
		FUZZ_CHECK(st2 == MDT_OK);
		FUZZ_CHECK(rep.added == 0 && rep.merged == 0 &&
		    rep.updated == 0);
		FUZZ_CHECK(after.patients == before.patients);
		FUZZ_CHECK(after.candidates == before.candidates);
		FUZZ_CHECK(after.entries == before.entries);
		mdt_import_report_done(&rep);
	}
	close(fd);
	return 0;
}
