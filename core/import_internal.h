/*
 * import_internal.h - a list as import_read.c reads and checks it, for
 * import.c to write.  Not for tui/ or sync/.
 */
#ifndef MDT_IMPORT_INTERNAL_H
#define MDT_IMPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "import.h"
#include "model.h"

struct mdt_import_row {
	size_t line;		/* where the row starts in the file */
	char **f;		/* its fields, as read */
	size_t nf;
	bool nul;		/* a field held a NUL byte */
	/* checked values (valid when error is NULL) */
	char nhs[11];
	char dob[11];
	char review[11];
	const char *name;
	const char *practice;
	const char *referred_by;
	char *entry_reason;	/* what the list says about the patient */
	char hash[17];
	char *error;		/* why the row is bad; NULL if good */
	bool duplicate;		/* the same as an earlier row */
};

struct mdt_import_parse {
	struct mdt_import_row *rows;
	size_t n, cap;
	struct mdt_import_row cur;
	size_t fcap;
	size_t line;		/* the line being fed (1-based) */
	size_t newlines;	/* '\n' inside the fields of the current row */
	size_t last_end;	/* the line the last row ended on */
};

/*
 * Reads and checks the file (see mdt_import_csv): MDT_OK with the header
 * in p->rows[0] and every data row after it, each bad one with its error
 * and repeats marked duplicate; otherwise the reason is in rep (one line)
 * and the store, and p is freed.
 */
enum mdt_status mdt_import_read(struct mdt_store *s, enum mdt_list list,
    const char *path, struct mdt_import_parse *p,
    struct mdt_import_report *rep);
/* Frees the rows read (and the row being read). */
void mdt_import_parse_done(struct mdt_import_parse *p);
/* Adds "PATH:LINE: why" to the report's errors. */
void mdt_import_report_add(struct mdt_import_report *rep, const char *path,
    size_t line, const char *why);

#endif
