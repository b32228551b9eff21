/*
 * import_internal.h - a list as import_read.c reads and checks it, one row
 * at a time, for import.c to write; and the CSV (import.c) and the
 * listings for circulation (listings.c) that core/ writes.  Not for tui/
 * or sync/.
 */
#ifndef MDT_IMPORT_INTERNAL_H
#define MDT_IMPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "import.h"
#include "model.h"

/* The columns a list can have (import_read.c names them). */
#define MDT_IMPORT_COLUMNS 11

struct mdt_import_row {
	size_t line;		/* where the row starts in the file */
	char **f;		/* its fields, as read */
	size_t nf;
	bool nul;		/* a field held a NUL byte */
	/* checked values (valid when error is NULL) */
	char nhs[11];		/* or a local identifier, or "" when
				 * untraced */
	bool untraced;		/* a referral with no NHS number: held under
				 * a new local identifier (trace.h) */
	char dob[11];
	char review[11];
	const char *name;
	const char *practice;
	const char *referred_by;
	char *entry_reason;	/* what the list says about the patient */
	char count[16];		/* attendances or calls, as digits; "" if
				 * the list gives none */
	char hash[17];
	char *error;		/* why the row is bad; NULL if good */
	bool duplicate;		/* the same as an earlier row */
};

/* Called for each data row, checked, in file order; anything but MDT_OK
 * stops the reading. */
typedef enum mdt_status (*mdt_import_row_fn)(struct mdt_import_row *r,
    void *ctx);

/* A list being read (mdt_import_open .. mdt_import_close). */
struct mdt_import_parse {
	FILE *fp;
	const char *path;
	struct stat sb;		/* the file's, when opened */
	enum mdt_list list;
	size_t rows;		/* data rows (not the header, not blank) */
	size_t rows_read;	/* of them, handed to each so far */
	struct mdt_import_row header;
	int map[MDT_IMPORT_COLUMNS];	/* column -> field, -1 if absent */
	char today[11];
	/* the row being read */
	struct mdt_import_row cur;
	size_t fcap;
	bool cur_blank;		/* no field of it holds more than space */
	bool scanning;		/* the first pass: rows counted, not kept */
	bool have_header;
	size_t line;		/* the line being fed (1-based) */
	size_t newlines;	/* '\n' inside the fields of the current row */
	size_t last_end;	/* the line the last row ended on */
	/* the good rows so far, by NHS number (repeats) */
	uint64_t *seen;		/* pairs: NHS number | line << 34, hash */
	size_t seen_cap, seen_n;
	/* where the rows go, and the first failure there */
	mdt_import_row_fn each;
	void *ctx;
	enum mdt_status st;
};

/*
 * Opens the file and reads it once without keeping its rows: the quoting
 * checked, the header read, the data rows counted (p->rows).  MDT_OK, or
 * the reason in rep (one line) and the store, and p closed.
 */
enum mdt_status mdt_import_open(struct mdt_store *s, enum mdt_list list,
    const char *path, struct mdt_import_parse *p,
    struct mdt_import_report *rep);
/*
 * Reads the data rows, each checked (a bad one with its error, a repeat
 * of an earlier good row marked duplicate, or with an error naming it if
 * its details differ) and handed to each in file order; the row is freed
 * when each returns.  MDT_OK, or each's failure, or MDT_EIO if the file
 * changed since mdt_import_open.
 */
enum mdt_status mdt_import_rows(struct mdt_store *s,
    struct mdt_import_parse *p, mdt_import_row_fn each, void *ctx);
/*
 * A good row of a patient held by a local identifier (given in the row,
 * or found or made for an untraced one; import.c) checked against the
 * earlier such rows as mdt_import_rows checks NHS numbers: marked
 * duplicate, or given an error naming the first row if its details
 * differ.
 */
void mdt_import_repeat_local(struct mdt_import_parse *p,
    struct mdt_import_row *r);
/* Closes the file and frees what the reading holds. */
void mdt_import_close(struct mdt_import_parse *p);
/* Adds "PATH:LINE: why" to the report's errors, unless it holds
 * MDT_IMPORT_ERRORS_KEPT already. */
void mdt_import_report_add(struct mdt_import_report *rep, const char *path,
    size_t line, const char *why);

/* Writes s as one quoted CSV field (import.c): escaped as every output
 * is (textio.h), with a quote before what a spreadsheet would take for a
 * formula.  False if it cannot be written. */
bool mdt_csv_field(FILE *fp, const char *s);

/* Writes a line of a listing's CSV (import.c): the n fields, each quoted
 * as mdt_csv_field does, or (a header's names) as they are; then a line
 * break.  False if it cannot be written. */
bool mdt_csv_line(FILE *fp, const char *const *f, size_t n, bool quoted);

/* ---- listings.c: listings for circulation ---------------------------- */

/* The formats of a listing for circulation, in the order of enum
 * mdt_referrals_format and enum mdt_rising_format. */
enum mdt_listing_format {
	MDT_LISTING_TXT, MDT_LISTING_CSV, MDT_LISTING_JSON
};

/*
 * A listing for circulation (referrals_list.c, rising_list.c): n rows of
 * size bytes, each written by the function of its format, patients masked
 * unless unmask.
 */
struct mdt_listing {
	const void *rows;
	size_t n, size;
	bool unmask;
	const char *heading;		/* text: the first line, with its
					 * line break */
	const char *const *header;	/* CSV: the names of the columns */
	size_t n_header;
	const char *count_key;		/* JSON: a count given before the
					 * rows (NULL: none) */
	size_t count;
	const char *key;		/* JSON: the member holding the rows */
	const char *what;		/* "the referrals": what cannot be
					 * written */
	void (*txt)(FILE *out, const void *row, bool unmask);
	bool (*csv)(FILE *out, const void *row, bool unmask);
	struct json_t *(*json)(const void *row, bool unmask);
};

/* Writes the listing as fmt says: text (the heading, then each row), CSV
 * (the header, then each row) or JSON (masked, the count, then the rows);
 * MDT_EIO, recorded, if it cannot be written. */
enum mdt_status mdt_listing_write(struct mdt_store *s,
    const struct mdt_listing *l, enum mdt_listing_format fmt, FILE *out);

/* A patient in a listing's JSON: their name, NHS number and date of birth
 * (null when not known), or masked (mdt_patient_label) unless unmask. */
struct json_t *mdt_listing_patient(const char *name,
    const char *date_of_birth, const char *nhs_number, bool unmask);

#endif
