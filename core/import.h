/*
 * import.h - importing a pre-meeting list from a CSV file into the
 * candidates of a meeting (import.c).
 */
#ifndef MDT_IMPORT_H
#define MDT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* The error lines a report holds; bad rows past them are only counted. */
#define MDT_IMPORT_ERRORS_KEPT 10000

/*
 * What an import did.  Rows are counted once each:
 *   rows = added + merged + updated + unchanged + duplicates + rejected.
 * A refused import (any status but MDT_OK) imported nothing: it counts
 * only the rows read and the bad ones (rejected, each with its line in
 * errors), the rest zero.
 */
struct mdt_import_report {
	int rows;		/* data rows read (header and blank lines not
				 * counted) */
	int added;		/* made a new candidate */
	int merged;		/* joined an existing candidate (another list) */
	int updated;		/* this list's row for the patient changed
				 * since an earlier import */
	int unchanged;		/* imported before, identical */
	int duplicates;		/* the same row again within the file */
	int rejected;		/* bad rows */
	int patients_created;	/* new patients in the store */
	int untraced;		/* rows of patients held under a local
				 * identifier, not yet traced */
	int carried_forward;	/* candidates made by carry-forward */
	char **errors;		/* "FILE:LINE: reason", in file order: those
				 * of the first MDT_IMPORT_ERRORS_KEPT bad
				 * rows */
	size_t n_errors;
};

/* Frees the error lines and zeroes the report. */
void mdt_import_report_done(struct mdt_import_report *rep);

/*
 * Imports a list (docs/import.md: a header row; columns nhs_number, name,
 * date_of_birth, practice, reason, referred_by, review_date, admitted,
 * discharged, attendances, calls), UTF-8 with or without a BOM, CRLF or
 * LF, RFC 4180 quoting, into the candidates of the meeting, in one
 * transaction.  The file is read as a stream, each row written as it is
 * checked: what the import holds does not grow with the file but for
 * 16 bytes and a bit per good row (its NHS number, for the repeats).
 *
 * Every row is checked (NHS number and its check digit, dates, required
 * fields, UTF-8, a date of birth that differs from the record, a
 * conflicting duplicate of an earlier row).  If any row is bad and
 * skip_invalid is false, nothing is imported, rep->errors holds every bad
 * row (up to MDT_IMPORT_ERRORS_KEPT; rep->rejected counts them all) and
 * the result is MDT_EINVAL.  With skip_invalid the good rows are
 * imported and the bad ones written, with their reasons, to rejects_path
 * (a CSV file; NULL: not written), made as safefile.h says: mode 0600,
 * never through a symbolic link, an existing file kept (MDT_EFILE,
 * nothing imported) unless replace_rejects, and even then only a regular
 * one replaced, once the import is committed.  A rejects_path naming the
 * list itself or the database (by name or through any link) is MDT_EFILE
 * before anything is read.  An empty file, a header without rows
 * or without a column the list needs, and malformed quoting (which stops
 * the reading, skip_invalid or not) are MDT_EINVAL with one error line
 * and rep->rejected 0.  Importing the same file again
 * changes nothing (every row counts as unchanged).  MDT_EFILE if the
 * file cannot be read (a FIFO, a directory or a device refused at once),
 * MDT_EIO if the rejects cannot be written (then nothing is imported;
 * should the rejects fail only after the commit, the message says the
 * list was imported and rep keeps its counts); MDT_ESTATE for a closed
 * meeting.
 */
enum mdt_status mdt_import_csv(struct mdt_store *s, int64_t meeting_id,
    enum mdt_list list, const char *path, bool skip_invalid,
    const char *rejects_path, bool replace_rejects,
    struct mdt_import_report *rep);

#endif
