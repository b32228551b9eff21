/*
 * import_read.c - reading a pre-meeting list (a CSV file, docs/import.md)
 * for import.c, streamed: a first pass with libcsv checks the quoting,
 * finds the header's columns and counts the rows; a second hands each row,
 * knowing the line it starts on and checked (NHS number and check digit,
 * dates, required fields, UTF-8, a row repeated with other details), to
 * import.c as it is read.  Only one row is held at a time, and of the
 * rows before it a compact set of NHS numbers for the repeats.
 */
#include "config.h"

#include "import_internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "import.h"
#include "model.h"
#include "rules.h"
#include "safefile.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* Larger files are refused. */
#define MAX_FILE_BYTES (256u * 1024 * 1024)
/* The longest field kept, in bytes. */
#define MAX_FIELD_CHARS 2000
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

_Static_assert(N_COLUMNS == MDT_IMPORT_COLUMNS, "the columns of a list");

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

/* Bytes read from the file at a time. */
#define CHUNK_BYTES 65536

/* Whether the field is white space alone, up to a NUL byte if it has one
 * (a blank field). */
static bool
blank(const char *d, size_t len)
{
	for (size_t i = 0; i < len && d[i] != '\0'; i++)
		if (d[i] != ' ' && d[i] != '\t' && d[i] != '\r' && d[i] != '\n')
			return false;
	return true;
}

static void
on_field(void *data, size_t len, void *ctx)
{
	struct mdt_import_parse *p = ctx;
	struct mdt_import_row *r = &p->cur;
	const char *d = data != NULL ? data : "";
	char *copy;

	if (p->cur_blank && !blank(d, len))
		p->cur_blank = false;
	for (size_t i = 0; i < len; i++)
		if (d[i] == '\n')
			p->newlines++;
	/* the first pass keeps only the header's fields */
	if (p->st != MDT_OK || (p->scanning && p->have_header))
		return;
	r->f = mdt_grow(r->f, r->nf, &p->fcap, sizeof(*r->f));
	if (memchr(d, '\0', len) != NULL)
		r->nul = true;
	copy = mdt_xmalloc(len + 1);
	memcpy(copy, d, len);
	copy[len] = '\0';
	r->f[r->nf++] = copy;
}

static void
row_done(struct mdt_import_row *r)
{
	for (size_t i = 0; i < r->nf; i++)
		free(r->f[i]);
	free(r->f);
	free(r->entry_reason);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

static void check_row(struct mdt_import_row *r, const int *map,
    size_t header_n, enum mdt_list list, const char *today);
static void check_repeat(struct mdt_import_parse *p,
    struct mdt_import_row *r);

static void
on_row(int c, void *ctx)
{
	struct mdt_import_parse *p = ctx;
	struct mdt_import_row *r = &p->cur;

	(void)c;
	r->line = p->line > p->newlines ? p->line - p->newlines : 1;
	p->last_end = p->line;
	p->newlines = 0;
	if (p->st != MDT_OK || p->cur_blank) {
		/* blank rows (only commas and spaces) are skipped */
	} else if (!p->have_header) {
		p->have_header = true;
		if (p->scanning) {
			p->header = *r;
			memset(r, 0, sizeof(*r));
		}
	} else if (p->scanning)
		p->rows++;
	else {
		p->rows_read++;
		check_row(r, p->map, p->header.nf, p->list, p->today);
		check_repeat(p, r);
		p->st = p->each(r, p->ctx);
	}
	row_done(r);
	p->fcap = 0;
	p->cur_blank = true;
}

void
mdt_import_report_add(struct mdt_import_report *rep, const char *path,
    size_t line, const char *why)
{
	if (rep->n_errors >= MDT_IMPORT_ERRORS_KEPT)
		return;
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

/* Opens the file for reading, a regular file only (a FIFO, a directory
 * or a device refused at once, never waited on), its stat in p->sb;
 * MDT_EFILE with the reason in the store. */
static enum mdt_status
open_file(struct mdt_store *s, struct mdt_import_parse *p)
{
	char err[400];
	int fd;

	fd = mdt_infile_open(p->path, NULL, &p->sb, err, sizeof(err));
	if (fd < 0)
		return mdt_fail(s, MDT_EFILE, "%s", err);
	if ((uintmax_t)p->sb.st_size > MAX_FILE_BYTES) {
		close(fd);
		return mdt_fail(s, MDT_EFILE, "cannot read %s: larger than"
		    " 256 MB", p->path);
	}
	if (!(p->fp = fdopen(fd, "rb"))) {
		int e = errno;

		close(fd);
		return mdt_fail(s, MDT_EFILE, "cannot read %s: %s", p->path,
		    strerror(e));
	}
	return MDT_OK;
}

/*
 * Reads the file from its start into rows (on_field, on_row), a chunk at
 * a time.  Lines are fed one at a time so that each row knows the line it
 * starts on (the line it ends on, less the line breaks inside its quoted
 * fields).  A quoting error stops the reading: MDT_EINVAL, with *bad_line
 * and *why set; MDT_EIO if the file cannot be read; else p->st.
 */
static enum mdt_status
parse_csv(struct mdt_import_parse *p, size_t *bad_line, const char **why)
{
	unsigned char *buf = mdt_xmalloc(CHUNK_BYTES);
	struct csv_parser csv;
	enum mdt_status st = MDT_OK;
	bool first = true, line_ended = false;
	size_t got;

	if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		mdt_fatal("out of memory");
	rewind(p->fp);
	p->line = 1;
	p->newlines = p->last_end = 0;
	p->cur_blank = true;
	p->have_header = false;
	while (st == MDT_OK && p->st == MDT_OK &&
	    (got = fread(buf, 1, CHUNK_BYTES, p->fp)) > 0) {
		size_t pos = 0;

		/* a UTF-8 byte order mark */
		if (first && got >= 3 && buf[0] == 0xef && buf[1] == 0xbb &&
		    buf[2] == 0xbf)
			pos = 3;
		first = false;
		while (pos < got && p->st == MDT_OK) {
			const unsigned char *nl = memchr(buf + pos, '\n',
			    got - pos);
			size_t n = nl != NULL ? (size_t)(nl - (buf + pos)) + 1 :
			    got - pos;

			if (line_ended)
				p->line++;
			line_ended = nl != NULL;
			if (csv_parse(&csv, buf + pos, n, on_field, on_row, p) !=
			    n) {
				st = MDT_EINVAL;
				*bad_line = p->line;
				*why = "malformed quoting (a quote inside an"
				    " unquoted field, or text after a closing"
				    " quote)";
				break;
			}
			pos += n;
		}
	}
	if (ferror(p->fp))
		st = MDT_EIO;
	if (st == MDT_OK && p->st == MDT_OK &&
	    csv_fini(&csv, on_field, on_row, p) != 0) {
		st = MDT_EINVAL;
		*bad_line = p->last_end + 1;
		*why = "a quoted field is never closed";
	}
	if (csv_error(&csv) == CSV_ENOMEM)
		mdt_fatal("out of memory");
	csv_free(&csv);
	free(buf);
	row_done(&p->cur);
	p->fcap = 0;
	return st != MDT_OK ? st : p->st;
}

/* ---- checking -------------------------------------------------------- */

/* Removes leading and trailing white space from str, in place; str. */
static char *
trim(char *str)
{
	char *start = str, *end;

	while (*start == ' ' || *start == '\t' || *start == '\r' ||
	    *start == '\n')
		start++;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		end--;
	memmove(str, start, (size_t)(end - start));
	str[end - start] = '\0';
	return str;
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
	return mdt_date_strict(in, out);
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
		char *t = trim(r->f[i]), why[96];

		if (!mdt_text_line_ok(t, MAX_FIELD_CHARS, why, sizeof why)) {
			r->error = mdt_xasprintf("field %zu %s", i + 1, why);
			return;
		}
	}
	if (r->nf != header_n) {
		r->error = mdt_xasprintf("%zu field%s where the header has %zu",
		    r->nf, r->nf == 1 ? "" : "s", header_n);
		return;
	}
	v = value(r, map, COL_NHS);
	/* a referral is never turned away for want of a number: it is held
	 * under a local identifier until traced; other lists need one */
	if (*v == '\0' && list == MDT_LIST_REFERRAL) {
		r->untraced = true;
		nhs[0] = '\0';
	} else if (*v == '\0') {
		r->error = mdt_xstrdup("no NHS number");
		return;
	} else if (list == MDT_LIST_REFERRAL &&
	    mdt_local_id_normalise(v, nhs)) {
		/* a patient held already under a local identifier */
	} else if (!mdt_nhs_normalise(v, nhs)) {
		char *shown = mdt_text_escaped(v, false);

		r->error = mdt_xasprintf("NHS number \"%s\" is not ten digits",
		    shown);
		free(shown);
		return;
	} else if (!mdt_nhs_valid(nhs)) {
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
		memcpy(r->count, count_buf, sizeof(r->count));
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

		char why[96];

		if (h->nul)
			return mdt_xasprintf("the header contains a NUL byte");
		name = trim(mdt_xstrdup(h->f[i]));
		if (!mdt_text_line_ok(name, MAX_FIELD_CHARS, why, sizeof why)) {
			free(name);
			return mdt_xasprintf("the header's field %zu %s", i + 1,
			    why);
		}
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

/* ---- repeats --------------------------------------------------------- */

/* Slots of the set of NHS numbers: one for each row of a list this long,
 * and a third more (more rows make it grow). */
#define SEEN_ROWS_AT_FIRST (1u << 20)
#define SEEN_LINE_SHIFT 34

/* Where an NHS number's probe starts in a set of cap slots. */
static size_t
seen_slot(uint64_t nhs, size_t cap)
{
	uint64_t h = (nhs * UINT64_C(0x9e3779b97f4a7c15)) >> 32;

	return (size_t)((h * (uint64_t)cap) >> 32);
}

/* The slot holding nhs, or the empty one where it would go. */
static uint64_t *
seen_find(uint64_t *seen, size_t cap, uint64_t nhs)
{
	size_t i = seen_slot(nhs, cap);

	for (;;) {
		uint64_t *e = &seen[2 * i];

		if (e[0] == 0 || (e[0] & ((UINT64_C(1) << SEEN_LINE_SHIFT) - 1))
		    == nhs)
			return e;
		if (++i == cap)
			i = 0;
	}
}

/* Makes room for one more NHS number in the set. */
static void
seen_reserve(struct mdt_import_parse *p)
{
	uint64_t *old = p->seen;
	size_t cap = p->seen_cap, n;

	if (p->seen != NULL && (p->seen_n + 1) * 4 <= p->seen_cap * 3)
		return;
	if (p->seen == NULL) {
		n = p->rows < SEEN_ROWS_AT_FIRST ? p->rows : SEEN_ROWS_AT_FIRST;
		p->seen_cap = n + n / 3 + 16;
	} else
		p->seen_cap *= 2;
	p->seen = mdt_xcalloc(p->seen_cap, 2 * sizeof(*p->seen));
	for (size_t i = 0; i < cap; i++)
		if (old[2 * i] != 0) {
			uint64_t *e = seen_find(p->seen, p->seen_cap,
			    old[2 * i] & ((UINT64_C(1) << SEEN_LINE_SHIFT) - 1));

			e[0] = old[2 * i];
			e[1] = old[2 * i + 1];
		}
	free(old);
}

/* A local identifier's key in the set: above every NHS number (ten
 * digits), within the key's 34 bits. */
#define SEEN_LOCAL_BASE UINT64_C(10000000000)

/*
 * A good row whose patient an earlier good row had: the same details
 * make it a duplicate, others an error naming the first such row.
 */
static void
seen_check(struct mdt_import_parse *p, struct mdt_import_row *r)
{
	uint64_t key, hash, *e;
	bool local = mdt_nhs_local(r->nhs);

	key = local ? SEEN_LOCAL_BASE + strtoull(r->nhs + 1, NULL, 10) :
	    strtoull(r->nhs, NULL, 10);
	hash = strtoull(r->hash, NULL, 16);
	seen_reserve(p);
	e = seen_find(p->seen, p->seen_cap, key);
	if (e[0] == 0) {
		e[0] = key | (uint64_t)r->line << SEEN_LINE_SHIFT;
		e[1] = hash;
		p->seen_n++;
	} else if (e[1] == hash)
		r->duplicate = true;
	else if (local && r->untraced)
		r->error = mdt_xasprintf("this name and date of birth are"
		    " already on line %" PRIu64 " with different details",
		    e[0] >> SEEN_LINE_SHIFT);
	else if (local)
		r->error = mdt_xasprintf("local identifier %s is already on"
		    " line %" PRIu64 " with different details", r->nhs,
		    e[0] >> SEEN_LINE_SHIFT);
	else {
		char shown[13];

		mdt_nhs_format(r->nhs, shown);
		r->error = mdt_xasprintf("NHS number %s is already on line %"
		    PRIu64 " with different details", shown,
		    e[0] >> SEEN_LINE_SHIFT);
	}
}

/* While reading: rows with an NHS number.  The untraced and the local
 * are known by the patient the store finds for them (import.c). */
static void
check_repeat(struct mdt_import_parse *p, struct mdt_import_row *r)
{
	if (r->error == NULL && isdigit((unsigned char)r->nhs[0]))
		seen_check(p, r);
}

void
mdt_import_repeat_local(struct mdt_import_parse *p,
    struct mdt_import_row *r)
{
	if (r->error == NULL && mdt_nhs_local(r->nhs))
		seen_check(p, r);
}

/* ---- the list -------------------------------------------------------- */

void
mdt_import_close(struct mdt_import_parse *p)
{
	if (p->fp != NULL)
		fclose(p->fp);
	row_done(&p->header);
	row_done(&p->cur);
	free(p->seen);
	memset(p, 0, sizeof(*p));
}

enum mdt_status
mdt_import_open(struct mdt_store *s, enum mdt_list list, const char *path,
    struct mdt_import_parse *p, struct mdt_import_report *rep)
{
	enum mdt_status st;
	size_t bad_line = 0;
	const char *bad_why = NULL;
	char *why;

	memset(p, 0, sizeof(*p));
	p->path = path;
	p->list = list;
	st = open_file(s, p);
	if (st != MDT_OK)
		return st;
	p->scanning = true;
	st = parse_csv(p, &bad_line, &bad_why);
	p->scanning = false;
	if (st == MDT_EIO) {
		mdt_import_close(p);
		return mdt_fail(s, MDT_EFILE, "cannot read %s", path);
	}
	if (st != MDT_OK) {
		mdt_import_close(p);
		mdt_import_report_add(rep, path, bad_line, bad_why);
		return mdt_fail(s, MDT_EINVAL, "%s is not a readable CSV file",
		    path);
	}
	if (!p->have_header) {
		mdt_import_close(p);
		mdt_import_report_add(rep, path, 1, "the file is empty (a header"
		    " row is needed: see docs/import.md)");
		return mdt_fail(s, MDT_EINVAL, "%s is empty", path);
	}
	why = read_header(&p->header, p->map, list);
	if (why == NULL && p->rows == 0)
		why = mdt_xstrdup("no rows after the header");
	if (why != NULL) {
		mdt_import_report_add(rep, path, p->header.line, why);
		free(why);
		mdt_import_close(p);
		return mdt_fail(s, MDT_EINVAL, "nothing to import from %s",
		    path);
	}
	mdt_date_of(mdt_store_now(s), p->today);
	return MDT_OK;
}

enum mdt_status
mdt_import_rows(struct mdt_store *s, struct mdt_import_parse *p,
    mdt_import_row_fn each, void *ctx)
{
	size_t bad_line = 0;
	const char *bad_why = NULL;
	enum mdt_status st;

	p->each = each;
	p->ctx = ctx;
	p->st = MDT_OK;
	p->rows_read = 0;
	st = parse_csv(p, &bad_line, &bad_why);
	if (p->st != MDT_OK)
		return p->st;
	if (st == MDT_EIO)
		return mdt_fail(s, MDT_EFILE, "cannot read %s", p->path);
	if (st != MDT_OK || p->rows_read != p->rows)
		return mdt_fail(s, MDT_EFILE, "cannot read %s: it changed while"
		    " being imported", p->path);
	return MDT_OK;
}
