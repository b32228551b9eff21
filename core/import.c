/*
 * import.c - importing a pre-meeting list from a CSV file (docs/import.md)
 * into the candidates of a meeting.  The file is parsed with libcsv,
 * every row is checked before anything is written, and the good rows are
 * merged per patient (NHS number) in one transaction: all of them, or -
 * when any row is bad and the caller did not ask to skip bad rows - none.
 * Each row is remembered per (candidate, list) with a hash of its content,
 * so that importing the same file again changes nothing.
 */
#include "config.h"

#include "import.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "model.h"
#include "prep_internal.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

/* Larger files are refused rather than read into memory. */
#define MAX_FILE_BYTES (256u * 1024 * 1024)
/* The longest field kept, in bytes. */
#define MAX_FIELD_BYTES 2000
/* Most attendances or calls believed. */
#define MAX_COUNT 10000

enum column {
	COL_NHS,
	COL_NAME,
	COL_DOB,
	COL_PRACTICE,
	COL_REASON,
	COL_REFERRED_BY,
	COL_REVIEW,
	COL_ADMITTED,
	COL_DISCHARGED,
	COL_ATTENDANCES,
	COL_CALLS,
	N_COLUMNS
};

static const char *const column_names[N_COLUMNS] = {
	"nhs_number", "name", "date_of_birth", "practice", "reason",
	"referred_by", "review_date", "admitted", "discharged", "attendances",
	"calls",
};

/* The columns a list must have (beyond nhs_number, name, date_of_birth). */
static unsigned
required_columns(enum mdt_list list)
{
	unsigned req = 1u << COL_NHS | 1u << COL_NAME | 1u << COL_DOB;

	switch (list) {
	case MDT_LIST_REFERRAL:
		return req | 1u << COL_REASON | 1u << COL_REFERRED_BY;
	case MDT_LIST_INPATIENT:
		return req | 1u << COL_ADMITTED;
	case MDT_LIST_DISCHARGE:
		return req | 1u << COL_DISCHARGED;
	default:
		return req;
	}
}

struct row {
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

struct parse {
	struct row *rows;
	size_t n, cap;
	struct row cur;
	size_t fcap;
	size_t line;		/* the line being fed (1-based) */
	size_t newlines;	/* '\n' inside the fields of the current row */
	size_t last_end;	/* the line the last row ended on */
};

/* ---- reading --------------------------------------------------------- */

static void
on_field(void *data, size_t len, void *ctx)
{
	struct parse *p = ctx;
	struct row *r = &p->cur;
	const char *d = data != NULL ? data : "";
	char *copy;

	if (r->nf == p->fcap) {
		p->fcap = p->fcap == 0 ? 16 : p->fcap * 2;
		r->f = mdt_xreallocarray(r->f, p->fcap, sizeof(*r->f));
	}
	if (memchr(d, '\0', len) != NULL)
		r->nul = true;
	for (size_t i = 0; i < len; i++)
		if (d[i] == '\n')
			p->newlines++;
	copy = mdt_xmalloc(len + 1);
	memcpy(copy, d, len);
	copy[len] = '\0';
	r->f[r->nf++] = copy;
}

static void
on_row(int c, void *ctx)
{
	struct parse *p = ctx;

	(void)c;
	if (p->n == p->cap) {
		p->cap = p->cap == 0 ? 256 : p->cap * 2;
		p->rows = mdt_xreallocarray(p->rows, p->cap, sizeof(*p->rows));
	}
	p->cur.line = p->line > p->newlines ? p->line - p->newlines : 1;
	p->rows[p->n++] = p->cur;
	p->last_end = p->line;
	memset(&p->cur, 0, sizeof(p->cur));
	p->fcap = 0;
	p->newlines = 0;
}

static void
row_done(struct row *r)
{
	for (size_t i = 0; i < r->nf; i++)
		free(r->f[i]);
	free(r->f);
	free(r->entry_reason);
	free(r->error);
}

static void
parse_done(struct parse *p)
{
	for (size_t i = 0; i < p->n; i++)
		row_done(&p->rows[i]);
	free(p->rows);
	row_done(&p->cur);
}

static void
report_add(struct mdt_import_report *rep, const char *path, size_t line,
    const char *why)
{
	rep->errors = mdt_xreallocarray(rep->errors, rep->n_errors + 1,
	    sizeof(*rep->errors));
	rep->errors[rep->n_errors++] = mdt_xasprintf("%s:%zu: %s", path, line,
	    why);
}

void
mdt_import_report_done(struct mdt_import_report *rep)
{
	for (size_t i = 0; i < rep->n_errors; i++)
		free(rep->errors[i]);
	free(rep->errors);
	memset(rep, 0, sizeof(*rep));
}

/* Reads the whole file; MDT_EIO (with the reason in the report). */
static enum mdt_status
read_file(const char *path, unsigned char **out, size_t *len,
    struct mdt_import_report *rep, struct mdt_store *s)
{
	struct stat sb;
	unsigned char *buf;
	size_t got = 0;
	FILE *fp;

	*out = NULL;
	*len = 0;
	fp = fopen(path, "rb");
	if (fp == NULL || fstat(fileno(fp), &sb) != 0) {
		int e = errno;

		if (fp != NULL)
			fclose(fp);
		return mdt_fail(s, MDT_EIO, "cannot read %s: %s", path,
		    strerror(e));
	}
	if (!S_ISREG(sb.st_mode) || (uintmax_t)sb.st_size > MAX_FILE_BYTES) {
		fclose(fp);
		return mdt_fail(s, MDT_EIO, "cannot read %s: %s", path,
		    S_ISREG(sb.st_mode) ? "larger than 256 MB" :
		    "not a regular file");
	}
	buf = mdt_xmalloc((size_t)sb.st_size + 1);
	while (!feof(fp) && !ferror(fp) && got < (size_t)sb.st_size)
		got += fread(buf + got, 1, (size_t)sb.st_size - got, fp);
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return mdt_fail(s, MDT_EIO, "cannot read %s", path);
	}
	fclose(fp);
	(void)rep;
	*out = buf;
	*len = got;
	return MDT_OK;
}

/*
 * Parses buf into rows.  Lines are fed one at a time so that each row
 * knows the line it starts on (the line it ends on, less the line breaks
 * inside its quoted fields).  A quoting error stops the parse: false, with
 * *bad_line and *why set.
 */
static bool
parse_csv(const unsigned char *buf, size_t len, struct parse *p,
    size_t *bad_line, const char **why)
{
	struct csv_parser csv;
	size_t pos = 0;
	bool ok = true;

	if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		mdt_fatal("out of memory");
	/* a UTF-8 byte order mark */
	if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
		pos = 3;
	p->line = 1;
	while (pos < len) {
		const unsigned char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (buf + pos)) + 1 :
		    len - pos;

		if (csv_parse(&csv, buf + pos, n, on_field, on_row, p) != n) {
			ok = false;
			*bad_line = p->line;
			*why = "malformed quoting (a quote inside an unquoted"
			    " field, or text after a closing quote)";
			break;
		}
		pos += n;
		if (nl != NULL && pos < len)
			p->line++;
	}
	if (ok && csv_fini(&csv, on_field, on_row, p) != 0) {
		ok = false;
		*bad_line = p->last_end + 1;
		*why = "a quoted field is never closed";
	}
	if (csv_error(&csv) == CSV_ENOMEM)
		mdt_fatal("out of memory");
	csv_free(&csv);
	return ok;
}

/* ---- checking -------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static bool
utf8_valid(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s != '\0') {
		size_t n = utf8_seq(s);

		if (n == 0)
			return false;
		s += n;
	}
	return true;
}

/* Copies str with leading and trailing white space removed. */
static char *
trimmed(const char *str)
{
	const char *end;

	while (*str == ' ' || *str == '\t' || *str == '\r' || *str == '\n')
		str++;
	end = str + strlen(str);
	while (end > str && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		end--;
	return mdt_xasprintf("%.*s", (int)(end - str), str);
}

/* "YYYY-MM-DD" or "DD/MM/YYYY" into out; false if neither. */
static bool
parse_date(const char *in, char out[11])
{
	char iso[11];

	if (strlen(in) == 10 && in[2] == '/' && in[5] == '/') {
		snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2s", in + 6, in + 3, in);
		in = iso;
	}
	if (strlen(in) != 10 || in[0] == '+')
		return false;
	return mdt_date_parse(in, 0, out) == MDT_OK;
}

/* The column's value in a row ("" if the row has no such column). */
static const char *
value(const struct row *r, const int *map, enum column c)
{
	int i = map[c];

	if (i < 0 || (size_t)i >= r->nf)
		return "";
	return r->f[i];
}

/* FNV-1a over the row's checked values, as 16 hex digits. */
static void
row_hash(struct row *r, const char *const *vals, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (size_t i = 0; i < n; i++) {
		for (const unsigned char *p = (const unsigned char *)vals[i];
		    *p != '\0'; p++) {
			h ^= *p;
			h *= UINT64_C(1099511628211);
		}
		h ^= 0x1f;
		h *= UINT64_C(1099511628211);
	}
	snprintf(r->hash, sizeof(r->hash), "%016" PRIx64, h);
}

/*
 * Checks one row against the rules that need no store; sets r->error on
 * the first problem.  Trims the fields in place.
 */
static void
check_row(struct row *r, const int *map, size_t header_n, enum mdt_list list,
    const char *today)
{
	char date[11] = "", nhs[11];
	const char *v, *reason, *admitted, *discharged, *count_s;
	char *detail = NULL, count_buf[16] = "";
	long count = -1;

	if (r->nul) {
		r->error = mdt_xstrdup("contains a NUL byte");
		return;
	}
	for (size_t i = 0; i < r->nf; i++) {
		char *t;

		if (!utf8_valid(r->f[i])) {
			r->error = mdt_xasprintf("not valid UTF-8 (field %zu)",
			    i + 1);
			return;
		}
		if (strlen(r->f[i]) > MAX_FIELD_BYTES) {
			r->error = mdt_xasprintf("field %zu is longer than %d"
			    " bytes", i + 1, MAX_FIELD_BYTES);
			return;
		}
		t = trimmed(r->f[i]);
		free(r->f[i]);
		r->f[i] = t;
	}
	if (r->nf != header_n) {
		r->error = mdt_xasprintf("%zu field%s where the header has %zu",
		    r->nf, r->nf == 1 ? "" : "s", header_n);
		return;
	}
	v = value(r, map, COL_NHS);
	if (*v == '\0') {
		r->error = mdt_xstrdup("no NHS number");
		return;
	}
	if (!mdt_nhs_normalise(v, nhs)) {
		r->error = mdt_xasprintf("NHS number \"%s\" is not ten digits",
		    v);
		return;
	}
	if (!mdt_nhs_valid(nhs)) {
		char shown[13];

		mdt_nhs_format(nhs, shown);
		r->error = mdt_xasprintf("NHS number %s has a wrong check"
		    " digit", shown);
		return;
	}
	memcpy(r->nhs, nhs, sizeof(nhs));
	r->name = value(r, map, COL_NAME);
	if (*r->name == '\0') {
		r->error = mdt_xstrdup("no name");
		return;
	}
	v = value(r, map, COL_DOB);
	if (*v == '\0') {
		r->error = mdt_xstrdup("no date of birth");
		return;
	}
	if (!parse_date(v, r->dob)) {
		r->error = mdt_xasprintf("date of birth \"%s\" is not a date"
		    " (YYYY-MM-DD)", v);
		return;
	}
	if (strcmp(r->dob, today) > 0) {
		r->error = mdt_xasprintf("date of birth %s is in the future",
		    r->dob);
		return;
	}
	r->practice = value(r, map, COL_PRACTICE);
	reason = value(r, map, COL_REASON);
	r->referred_by = value(r, map, COL_REFERRED_BY);
	if (list == MDT_LIST_REFERRAL && *reason == '\0') {
		r->error = mdt_xstrdup("a referral needs a reason");
		return;
	}
	if (list == MDT_LIST_REFERRAL && *r->referred_by == '\0') {
		r->error = mdt_xstrdup("a referral needs referred_by (who"
		    " referred)");
		return;
	}
	v = value(r, map, COL_REVIEW);
	if (*v != '\0' && !parse_date(v, r->review)) {
		r->error = mdt_xasprintf("review_date \"%s\" is not a date"
		    " (YYYY-MM-DD)", v);
		return;
	}
	admitted = value(r, map, COL_ADMITTED);
	discharged = value(r, map, COL_DISCHARGED);
	if (list == MDT_LIST_INPATIENT && *admitted == '\0') {
		r->error = mdt_xstrdup("an inpatient needs the admitted date");
		return;
	}
	if (list == MDT_LIST_DISCHARGE && *discharged == '\0') {
		r->error = mdt_xstrdup("a discharge needs the discharged date");
		return;
	}
	if (*admitted != '\0' && !parse_date(admitted, date)) {
		r->error = mdt_xasprintf("admitted \"%s\" is not a date"
		    " (YYYY-MM-DD)", admitted);
		return;
	}
	if (list == MDT_LIST_INPATIENT)
		detail = mdt_xasprintf("inpatient since %s", date);
	if (*discharged != '\0' && !parse_date(discharged, date)) {
		free(detail);
		r->error = mdt_xasprintf("discharged \"%s\" is not a date"
		    " (YYYY-MM-DD)", discharged);
		return;
	}
	if (list == MDT_LIST_DISCHARGE)
		detail = mdt_xasprintf("discharged %s", date);
	count_s = value(r, map, list == MDT_LIST_AMBULANCE ? COL_CALLS :
	    COL_ATTENDANCES);
	if (*count_s != '\0' && (list == MDT_LIST_AMBULANCE ||
	    list == MDT_LIST_FREQUENT_ATTENDER)) {
		char *end;

		errno = 0;
		count = mdt_str_digits(count_s) ? strtol(count_s, &end, 10) :
		    -1;
		if (count < 0 || count > MAX_COUNT || errno != 0) {
			free(detail);
			r->error = mdt_xasprintf("%s \"%s\" is not a number of"
			    " 0 to %d", list == MDT_LIST_AMBULANCE ? "calls" :
			    "attendances", count_s, MAX_COUNT);
			return;
		}
		snprintf(count_buf, sizeof(count_buf), "%ld", count);
		detail = mdt_xasprintf(list == MDT_LIST_AMBULANCE ?
		    "%ld ambulance call%s" : "%ld hospital attendance%s", count,
		    count == 1 ? "" : "s");
	}
	if (list == MDT_LIST_CASELOAD && r->review[0] != '\0')
		detail = mdt_xasprintf("caseload review %s", r->review);
	if (*reason != '\0' && detail != NULL)
		r->entry_reason = mdt_xasprintf("%s (%s)", reason, detail);
	else
		r->entry_reason = mdt_xstrdup(*reason != '\0' ? reason :
		    detail != NULL ? detail : "");
	free(detail);
	{
		const char *vals[] = { r->nhs, r->name, r->dob, r->practice,
		    reason, r->referred_by, r->review, admitted, discharged,
		    count_buf };

		row_hash(r, vals, sizeof(vals) / sizeof(vals[0]));
	}
}

/* Whether every field of the row is empty (a blank line of commas). */
static bool
row_blank(const struct row *r)
{
	for (size_t i = 0; i < r->nf; i++)
		for (const char *p = r->f[i]; *p != '\0'; p++)
			if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
				return false;
	return true;
}

/* Reads the header into map (column -> field index, -1 if absent); an
 * error line or NULL. */
static char *
read_header(struct row *h, int *map, enum mdt_list list)
{
	unsigned need;
	size_t i;
	int c;

	for (c = 0; c < N_COLUMNS; c++)
		map[c] = -1;
	for (i = 0; i < h->nf; i++) {
		char *name;

		if (!utf8_valid(h->f[i]) || h->nul)
			return mdt_xasprintf("the header is not valid UTF-8");
		name = trimmed(h->f[i]);
		for (char *p = name; *p != '\0'; p++) {
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
			else if (*p == ' ' || *p == '-')
				*p = '_';
		}
		for (c = 0; c < N_COLUMNS; c++)
			if (strcmp(name, column_names[c]) == 0)
				break;
		if (c < N_COLUMNS && map[c] >= 0) {
			char *e = mdt_xasprintf("the header names %s twice",
			    name);

			free(name);
			return e;
		}
		free(name);
		if (c < N_COLUMNS)
			map[c] = (int)i;
	}
	need = required_columns(list);
	for (c = 0; c < N_COLUMNS; c++)
		if ((need & 1u << c) && map[c] < 0)
			return mdt_xasprintf("the header has no column %s (needed"
			    " by a %s list; see docs/import.md)",
			    column_names[c], mdt_list_name(list));
	return NULL;
}

/* Order of rows by NHS number, then line. */
static int
cmp_nhs(const void *a, const void *b)
{
	const struct row *ra = *(const struct row *const *)a;
	const struct row *rb = *(const struct row *const *)b;
	int c = strcmp(ra->nhs, rb->nhs);

	if (c != 0)
		return c;
	return ra->line < rb->line ? -1 : ra->line > rb->line;
}

/* Marks repeated rows: identical ones as duplicates, differing ones as
 * errors naming the first. */
static void
check_duplicates(struct row *rows, size_t n)
{
	struct row **good = mdt_xcalloc(n + 1, sizeof(*good));
	size_t k = 0, i;

	for (i = 0; i < n; i++)
		if (rows[i].error == NULL)
			good[k++] = &rows[i];
	qsort(good, k, sizeof(*good), cmp_nhs);
	for (i = 1; i < k; i++) {
		struct row *first = good[i - 1];
		size_t j = i;

		if (strcmp(first->nhs, good[i]->nhs) != 0)
			continue;
		/* find the first of this run */
		while (j > 0 && strcmp(good[j - 1]->nhs, good[i]->nhs) == 0)
			j--;
		first = good[j];
		if (strcmp(first->hash, good[i]->hash) == 0)
			good[i]->duplicate = true;
		else {
			char shown[13];

			mdt_nhs_format(good[i]->nhs, shown);
			good[i]->error = mdt_xasprintf("NHS number %s is already"
			    " on line %zu with different details", shown,
			    first->line);
		}
	}
	free(good);
}

/* ---- writing --------------------------------------------------------- */

/* The statements of the import, prepared once for all its rows. */
struct stmts {
	sqlite3_stmt *patient;		/* find a patient */
	sqlite3_stmt *entry;		/* find a list entry */
	sqlite3_stmt *find_cand;	/* find a candidate */
	sqlite3_stmt *ins_patient;
	sqlite3_stmt *ins_cand;
	sqlite3_stmt *add_list;
	sqlite3_stmt *ins_entry;
};

static void
stmts_done(struct mdt_store *s, struct stmts *q)
{
	mdt_done(s, q->patient);
	mdt_done(s, q->entry);
	mdt_done(s, q->find_cand);
	mdt_done(s, q->ins_patient);
	mdt_done(s, q->ins_cand);
	mdt_done(s, q->add_list);
	mdt_done(s, q->ins_entry);
}

static enum mdt_status
stmts_prepare(struct mdt_store *s, struct stmts *q)
{
	enum mdt_status st;

	st = mdt_prep(s, &q->patient, "SELECT id, date_of_birth, name,"
	    " coalesce(practice, '') FROM patients WHERE nhs_number = ?", NULL);
	if (st == MDT_OK)
		st = mdt_prep(s, &q->entry, "SELECT id, row_hash FROM"
		    " list_entries WHERE candidate_id = ? AND list = ?", NULL);
	if (st == MDT_OK)
		st = mdt_prep(s, &q->find_cand, "SELECT id FROM candidates"
		    " WHERE meeting_id = ? AND patient_id = ?", NULL);
	if (st == MDT_OK)
		st = mdt_prep(s, &q->ins_patient, "INSERT INTO patients (uuid,"
		    " nhs_number, name, date_of_birth, practice)"
		    " VALUES (?, ?, ?, ?, ?)", NULL);
	if (st == MDT_OK)
		st = mdt_prep(s, &q->ins_cand, "INSERT INTO candidates (uuid,"
		    " meeting_id, patient_id, created_at) VALUES (?, ?, ?, ?)",
		    NULL);
	if (st == MDT_OK)
		st = mdt_prep(s, &q->add_list, "UPDATE candidates SET lists ="
		    " lists | ?1 WHERE id = ?2 AND (lists & ?1) = 0", NULL);
	if (st == MDT_OK)
		st = mdt_prep(s, &q->ins_entry, "INSERT INTO list_entries"
		    " (candidate_id, list, reason, referred_by, review_date,"
		    " source, line, row_hash, imported_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", NULL);
	return st;
}

/*
 * Runs a prepared statement again with new values (fmt as mdt_prep: i
 * int64_t, t text, T text or NULL when empty); *id (may be NULL) gets the
 * first column of a row, or the new rowid of an insert; *found whether
 * there was a row.
 */
static enum mdt_status
rerun(struct mdt_store *s, sqlite3_stmt *st, int64_t *id, bool *found,
    const char *fmt, ...)
{
	va_list ap;
	int rc = SQLITE_OK, i;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	va_start(ap, fmt);
	for (i = 0; fmt[i] != '\0' && rc == SQLITE_OK; i++) {
		const char *t;

		switch (fmt[i]) {
		case 'i':
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		default:
			t = va_arg(ap, const char *);
			if (t != NULL && (fmt[i] == 't' || *t != '\0'))
				rc = sqlite3_bind_text(st, i + 1, t, -1,
				    SQLITE_STATIC);
			break;
		}
	}
	va_end(ap);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (found != NULL)
		*found = rc == SQLITE_ROW;
	if (id != NULL)
		*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) :
		    sqlite3_last_insert_rowid(s->db);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return mdt_fail_db(s, rc, "importing a row");
	return MDT_OK;
}

/* Checks a good row against the record: a date of birth that differs. */
static enum mdt_status
check_record(struct mdt_store *s, struct stmts *q, struct row *r,
    int64_t *patient_id, char **name, char **practice)
{
	int rc;
	const char *dob;

	*patient_id = 0;
	*name = *practice = NULL;
	sqlite3_reset(q->patient);
	sqlite3_bind_text(q->patient, 1, r->nhs, -1, SQLITE_STATIC);
	rc = sqlite3_step(q->patient);
	if (rc == SQLITE_DONE)
		return MDT_OK;
	if (rc != SQLITE_ROW)
		return mdt_fail_db(s, rc, "reading the patients");
	*patient_id = sqlite3_column_int64(q->patient, 0);
	dob = (const char *)sqlite3_column_text(q->patient, 1);
	if (dob != NULL && strcmp(dob, r->dob) != 0)
		r->error = mdt_xasprintf("date of birth %s differs from the"
		    " record (%s)", r->dob, dob);
	*name = mdt_col_dup0(q->patient, 2);
	*practice = mdt_col_dup0(q->patient, 3);
	sqlite3_reset(q->patient);
	return MDT_OK;
}

/* Imports one good row. */
static enum mdt_status
apply_row(struct mdt_store *s, struct stmts *q, int64_t meeting_id,
    enum mdt_list list, const char *source, struct row *r,
    struct mdt_import_report *rep)
{
	enum mdt_status st;
	int64_t patient_id, cand = 0, entry_id = 0;
	char *name = NULL, *practice = NULL, *hash = NULL, uuid[37];
	bool created_cand = false, found = false;
	int rc;

	st = check_record(s, q, r, &patient_id, &name, &practice);
	if (st == MDT_OK && patient_id != 0)
		st = rerun(s, q->find_cand, &cand, &found, "ii", meeting_id,
		    patient_id);
	if (st != MDT_OK)
		goto out;
	if (!found)
		cand = 0;
	if (cand != 0) {
		sqlite3_reset(q->entry);
		sqlite3_bind_int64(q->entry, 1, cand);
		sqlite3_bind_text(q->entry, 2, mdt_list_name(list), -1,
		    SQLITE_STATIC);
		rc = sqlite3_step(q->entry);
		if (rc == SQLITE_ROW) {
			entry_id = sqlite3_column_int64(q->entry, 0);
			hash = mdt_col_dup0(q->entry, 1);
		} else if (rc != SQLITE_DONE)
			st = mdt_fail_db(s, rc, "reading the lists");
		sqlite3_reset(q->entry);
		if (st != MDT_OK)
			goto out;
		if (hash != NULL && strcmp(hash, r->hash) == 0) {
			rep->unchanged++;
			goto out;
		}
	}
	/* the patient: new, or details from the newest row */
	if (patient_id == 0) {
		mdt_uuid_new(uuid);
		st = rerun(s, q->ins_patient, &patient_id, NULL, "tttTT", uuid,
		    r->nhs, r->name, r->dob, r->practice);
		if (st == MDT_OK)
			rep->patients_created++;
	} else if (strcmp(name, r->name) != 0 || (*r->practice != '\0' &&
	    strcmp(practice, r->practice) != 0))
		st = mdt_run(s, "UPDATE patients SET name = ?, practice ="
		    " coalesce(?, practice), date_of_birth ="
		    " coalesce(date_of_birth, ?) WHERE id = ?", "tTti", r->name,
		    r->practice, r->dob, patient_id);
	if (st == MDT_OK && cand == 0) {
		mdt_uuid_new(uuid);
		st = rerun(s, q->ins_cand, &cand, NULL, "tiii", uuid,
		    meeting_id, patient_id, mdt_store_now(s));
		created_cand = true;
	}
	if (st == MDT_OK)
		st = rerun(s, q->add_list, NULL, NULL, "ii", (int64_t)list,
		    cand);
	if (st != MDT_OK)
		goto out;
	if (entry_id != 0) {
		st = mdt_run(s, "UPDATE list_entries SET reason = ?,"
		    " referred_by = ?, review_date = ?, source = ?, line = ?,"
		    " row_hash = ?, imported_at = ? WHERE id = ?", "ttTtitii",
		    r->entry_reason, r->referred_by, r->review, source,
		    (int64_t)r->line, r->hash, mdt_store_now(s), entry_id);
		rep->updated++;
	} else {
		st = rerun(s, q->ins_entry, NULL, NULL, "itttTtiti", cand,
		    mdt_list_name(list), r->entry_reason, r->referred_by,
		    r->review, source, (int64_t)r->line, r->hash,
		    mdt_store_now(s));
		if (created_cand)
			rep->added++;
		else
			rep->merged++;
	}
out:
	free(name);
	free(practice);
	free(hash);
	return st;
}

/* The bad rows, with the header and a column for the reason. */
static enum mdt_status
write_rejects(struct mdt_store *s, const char *path, const struct row *hdr,
    const struct row *rows, size_t n)
{
	FILE *fp = fopen(path, "w");
	bool ok = fp != NULL;
	size_t i, j;

	for (j = 0; ok && j < hdr->nf; j++)
		ok = (j == 0 || fputc(',', fp) != EOF) &&
		    csv_fwrite(fp, hdr->f[j], strlen(hdr->f[j])) == 0;
	ok = ok && (hdr->nf == 0 || fputc(',', fp) != EOF) &&
	    csv_fwrite(fp, "error", 5) == 0 && fputs("\r\n", fp) != EOF;
	for (i = 0; ok && i < n; i++) {
		if (rows[i].error == NULL)
			continue;
		for (j = 0; ok && j < rows[i].nf; j++)
			ok = (j == 0 || fputc(',', fp) != EOF) &&
			    csv_fwrite(fp, rows[i].f[j],
			    strlen(rows[i].f[j])) == 0;
		ok = ok && fputc(',', fp) != EOF && csv_fwrite(fp,
		    rows[i].error, strlen(rows[i].error)) == 0 &&
		    fputs("\r\n", fp) != EOF;
	}
	if (fp != NULL && fclose(fp) != 0)
		ok = false;
	if (!ok)
		return mdt_fail(s, MDT_EIO, "cannot write the rejects to %s: %s",
		    path, strerror(errno));
	return MDT_OK;
}

static enum mdt_status
import_tx(struct mdt_store *s, int64_t meeting_id, enum mdt_list list,
    const char *path, bool skip_invalid, const char *rejects_path,
    struct parse *p, struct mdt_import_report *rep, bool *changed)
{
	struct mdt_meeting_info m;
	struct stmts q;
	enum mdt_status st;
	struct row *rows = p->rows + 1;
	size_t n = p->n - 1, i;
	int before;

	*changed = false;
	memset(&q, 0, sizeof(q));
	st = mdt_meeting_info(s, meeting_id, true, &m);
	if (st == MDT_OK)
		st = stmts_prepare(s, &q);
	/* the record: dates of birth that differ */
	for (i = 0; st == MDT_OK && i < n; i++) {
		int64_t id;
		char *name, *practice;

		if (rows[i].error != NULL || rows[i].duplicate)
			continue;
		st = check_record(s, &q, &rows[i], &id, &name, &practice);
		free(name);
		free(practice);
	}
	for (i = 0; st == MDT_OK && i < n; i++)
		if (rows[i].error != NULL) {
			rep->rejected++;
			report_add(rep, path, rows[i].line, rows[i].error);
		}
	if (st == MDT_OK && rep->rejected > 0 && !skip_invalid)
		st = mdt_fail(s, MDT_EINVAL, "%d bad row%s in %s; nothing"
		    " imported", rep->rejected, rep->rejected == 1 ? "" : "s",
		    path);
	if (st == MDT_OK && rep->rejected > 0 && rejects_path != NULL)
		st = write_rejects(s, rejects_path, &p->rows[0], rows, n);
	before = sqlite3_total_changes(s->db);
	for (i = 0; st == MDT_OK && i < n; i++) {
		if (rows[i].error != NULL)
			continue;
		if (rows[i].duplicate) {
			rep->duplicates++;
			continue;
		}
		st = apply_row(s, &q, meeting_id, list, path, &rows[i], rep);
	}
	stmts_done(s, &q);
	if (st == MDT_OK)
		st = mdt_carry_forward_tx(s, meeting_id, &rep->carried_forward);
	if (st == MDT_OK)
		st = mdt_agenda_recheck(s, meeting_id);
	if (st == MDT_OK && sqlite3_total_changes(s->db) != before) {
		*changed = true;
		st = mdt_audit_add(s, "import", "meeting", m.uuid,
		    "%s list %s: %d rows, %d new, %d merged, %d updated,"
		    " %d unchanged, %d duplicates, %d rejected",
		    mdt_list_name(list), path, rep->rows, rep->added,
		    rep->merged, rep->updated, rep->unchanged,
		    rep->duplicates, rep->rejected);
	}
	return st;
}

enum mdt_status
mdt_import_csv(struct mdt_store *s, int64_t meeting_id, enum mdt_list list,
    const char *path, bool skip_invalid, const char *rejects_path,
    struct mdt_import_report *rep)
{
	struct parse p;
	enum mdt_status st;
	unsigned char *buf = NULL;
	size_t len = 0, bad_line = 0, kept, i;
	int map[N_COLUMNS];
	char today[11], *why;
	const char *bad_why = NULL;
	int64_t cache = 0;
	bool changed = false;

	memset(rep, 0, sizeof(*rep));
	memset(&p, 0, sizeof(p));
	if (strcmp(mdt_list_name(list), "?") == 0)
		return mdt_fail(s, MDT_EINVAL, "unknown list %d", (int)list);
	st = read_file(path, &buf, &len, rep, s);
	if (st != MDT_OK)
		return st;
	if (!parse_csv(buf, len, &p, &bad_line, &bad_why)) {
		free(buf);
		parse_done(&p);
		report_add(rep, path, bad_line, bad_why);
		return mdt_fail(s, MDT_EINVAL, "%s is not a readable CSV file",
		    path);
	}
	free(buf);
	/* drop blank rows (only commas and spaces) */
	for (i = kept = 0; i < p.n; i++) {
		if (row_blank(&p.rows[i])) {
			row_done(&p.rows[i]);
			continue;
		}
		p.rows[kept++] = p.rows[i];
	}
	p.n = kept;
	if (p.n == 0) {
		report_add(rep, path, 1, "the file is empty (a header row is"
		    " needed: see docs/import.md)");
		parse_done(&p);
		return mdt_fail(s, MDT_EINVAL, "%s is empty", path);
	}
	why = read_header(&p.rows[0], map, list);
	if (why == NULL && p.n == 1)
		why = mdt_xstrdup("no rows after the header");
	if (why != NULL) {
		report_add(rep, path, p.rows[0].line, why);
		free(why);
		parse_done(&p);
		return mdt_fail(s, MDT_EINVAL, "nothing to import from %s", path);
	}
	mdt_date_of(mdt_store_now(s), today);
	rep->rows = (int)(p.n - 1);
	for (i = 1; i < p.n; i++)
		check_row(&p.rows[i], map, p.rows[0].nf, list, today);
	check_duplicates(p.rows + 1, p.n - 1);

	/* a large list fits in the page cache, not spilled to the WAL
	 * before the commit */
	if (mdt_query_int(s, &cache, "PRAGMA cache_size", NULL) != MDT_OK)
		cache = 0;
	if (cache != 0 && p.n > 1000)
		mdt_run(s, "PRAGMA cache_size = -65536", NULL);
	st = mdt_tx_begin(s);
	if (st == MDT_OK) {
		st = import_tx(s, meeting_id, list, path, skip_invalid,
		    rejects_path, &p, rep, &changed);
		if (st == MDT_OK && !changed)
			mdt_tx_rollback(s);	/* nothing to write */
		else
			st = mdt_tx_end(s, st);
	}
	if (cache != 0 && p.n > 1000) {
		char *sql = mdt_xasprintf("PRAGMA cache_size = %" PRId64, cache);

		mdt_run(s, sql, NULL);
		free(sql);
	}
	if (st != MDT_OK && st != MDT_EINVAL) {
		/* nothing was imported: the counts would mislead */
		int rejected = rep->rejected;

		rep->added = rep->merged = rep->updated = rep->unchanged = 0;
		rep->duplicates = rep->patients_created = 0;
		rep->carried_forward = 0;
		rep->rejected = rejected;
	}
	parse_done(&p);
	return st;
}
