/*
 * import_read.c - reading a pre-meeting list (a CSV file, docs/import.md)
 * for import.c: the whole file parsed with libcsv, each row knowing the
 * line it starts on, the header's columns found, and every row checked
 * before anything is written: NHS number and check digit, dates, required
 * fields, UTF-8, and a row repeated with other details.
 */
#include "config.h"

#include "import_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "import.h"
#include "model.h"
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
/* ---- reading --------------------------------------------------------- */

static void
on_field(void *data, size_t len, void *ctx)
{
	struct mdt_import_parse *p = ctx;
	struct mdt_import_row *r = &p->cur;
	const char *d = data != NULL ? data : "";
	char *copy;

	r->f = mdt_grow(r->f, r->nf, &p->fcap, sizeof(*r->f));
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
	struct mdt_import_parse *p = ctx;

	(void)c;
	p->rows = mdt_grow(p->rows, p->n, &p->cap, sizeof(*p->rows));
	p->cur.line = p->line > p->newlines ? p->line - p->newlines : 1;
	p->rows[p->n++] = p->cur;
	p->last_end = p->line;
	memset(&p->cur, 0, sizeof(p->cur));
	p->fcap = 0;
	p->newlines = 0;
}

static void
row_done(struct mdt_import_row *r)
{
	for (size_t i = 0; i < r->nf; i++)
		free(r->f[i]);
	free(r->f);
	free(r->entry_reason);
	free(r->error);
}

void
mdt_import_parse_done(struct mdt_import_parse *p)
{
	for (size_t i = 0; i < p->n; i++)
		row_done(&p->rows[i]);
	free(p->rows);
	row_done(&p->cur);
}

void
mdt_import_report_add(struct mdt_import_report *rep, const char *path,
    size_t line, const char *why)
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
parse_csv(const unsigned char *buf, size_t len, struct mdt_import_parse *p,
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
value(const struct mdt_import_row *r, const int *map, enum column c)
{
	int i = map[c];

	if (i < 0 || (size_t)i >= r->nf)
		return "";
	return r->f[i];
}

/* FNV-1a over the row's checked values, as 16 hex digits. */
static void
row_hash(struct mdt_import_row *r, const char *const *vals, size_t n)
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
check_row(struct mdt_import_row *r, const int *map, size_t header_n,
    enum mdt_list list, const char *today)
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

		row_hash(r, vals, MDT_COUNT(vals));
	}
}

/* Whether every field of the row is empty (a blank line of commas). */
static bool
row_blank(const struct mdt_import_row *r)
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
read_header(struct mdt_import_row *h, int *map, enum mdt_list list)
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
	const struct mdt_import_row *ra =
	    *(const struct mdt_import_row *const *)a;
	const struct mdt_import_row *rb =
	    *(const struct mdt_import_row *const *)b;
	int c = strcmp(ra->nhs, rb->nhs);

	if (c != 0)
		return c;
	return ra->line < rb->line ? -1 : ra->line > rb->line;
}

/* Marks repeated rows: identical ones as duplicates, differing ones as
 * errors naming the first. */
static void
check_duplicates(struct mdt_import_row *rows, size_t n)
{
	struct mdt_import_row **good = mdt_xcalloc(n + 1, sizeof(*good));
	size_t k = 0, i;

	for (i = 0; i < n; i++)
		if (rows[i].error == NULL)
			good[k++] = &rows[i];
	qsort(good, k, sizeof(*good), cmp_nhs);
	for (i = 1; i < k; i++) {
		struct mdt_import_row *first = good[i - 1];
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

enum mdt_status
mdt_import_read(struct mdt_store *s, enum mdt_list list, const char *path,
    struct mdt_import_parse *p, struct mdt_import_report *rep)
{
	enum mdt_status st;
	unsigned char *buf = NULL;
	size_t len = 0, bad_line = 0, kept, i;
	int map[N_COLUMNS];
	char today[11], *why;
	const char *bad_why = NULL;

	st = read_file(path, &buf, &len, rep, s);
	if (st != MDT_OK)
		return st;
	if (!parse_csv(buf, len, p, &bad_line, &bad_why)) {
		free(buf);
		mdt_import_parse_done(p);
		mdt_import_report_add(rep, path, bad_line, bad_why);
		return mdt_fail(s, MDT_EINVAL, "%s is not a readable CSV file",
		    path);
	}
	free(buf);
	/* drop blank rows (only commas and spaces) */
	for (i = kept = 0; i < p->n; i++) {
		if (row_blank(&p->rows[i])) {
			row_done(&p->rows[i]);
			continue;
		}
		p->rows[kept++] = p->rows[i];
	}
	p->n = kept;
	if (p->n == 0) {
		mdt_import_report_add(rep, path, 1, "the file is empty (a header"
		    " row is needed: see docs/import.md)");
		mdt_import_parse_done(p);
		return mdt_fail(s, MDT_EINVAL, "%s is empty", path);
	}
	why = read_header(&p->rows[0], map, list);
	if (why == NULL && p->n == 1)
		why = mdt_xstrdup("no rows after the header");
	if (why != NULL) {
		mdt_import_report_add(rep, path, p->rows[0].line, why);
		free(why);
		mdt_import_parse_done(p);
		return mdt_fail(s, MDT_EINVAL, "nothing to import from %s",
		    path);
	}
	mdt_date_of(mdt_store_now(s), today);
	rep->rows = (int)(p->n - 1);
	for (i = 1; i < p->n; i++)
		check_row(&p->rows[i], map, p->rows[0].nf, list, today);
	check_duplicates(p->rows + 1, p->n - 1);
	return MDT_OK;
}
