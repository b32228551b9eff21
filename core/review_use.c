/*
 * review_use.c - what the review asks besides the running of the
 * meetings, "is it working?": the hospital attendances and ambulance
 * calls the imported lists reported before and after each patient's first
 * discussion, the themes the discussions were tagged with, and the
 * changes the team agreed at the last review (and the act recording
 * them).  Definitions in review.h and docs/review.md.
 */
#include "config.h"

#include "review.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "review_internal.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* ---- attendances and calls before and after ------------------------- */

const char mdt_review_caveat[] = "counts as the imported lists report"
    " them; before and after is not cause and effect; counts picked for"
    " being high tend to fall anyway (regression to the mean); patients"
    " who died or moved away are not comparable";
const char *const mdt_use_label[MDT_USE_KINDS] = { "hospital attendances",
    "ambulance calls" };
const char *const mdt_use_key[MDT_USE_KINDS] = { "attendances", "calls" };

static void
use_done(void *row)
{
	struct mdt_review_use *u = row;

	mdt_free_each(3, u->name, u->date_of_birth, u->nhs_number);
}

/* One list's count for the patient (f.patient_id), before (imported up
 * to f.at) or after (imported ?3 ms or more after f.at). */
#define USE_BEFORE(list) \
	" (SELECT le.count FROM candidates c JOIN list_entries le" \
	"  ON le.candidate_id = c.id WHERE c.patient_id = f.patient_id" \
	"  AND le.list = '" list "' AND le.count IS NOT NULL" \
	"  AND le.imported_at <= f.at" \
	"  ORDER BY le.imported_at DESC, le.id DESC LIMIT 1)"
#define USE_AFTER(list) \
	" (SELECT le.count FROM candidates c JOIN list_entries le" \
	"  ON le.candidate_id = c.id WHERE c.patient_id = f.patient_id" \
	"  AND le.list = '" list "' AND le.count IS NOT NULL" \
	"  AND le.imported_at >= f.at + ?3" \
	"  ORDER BY le.imported_at, le.id LIMIT 1)"

struct use_read {
	struct mdt_review *r;
	struct mdt_rows rows;
	int64_t now;
};

static int64_t
col_count(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, col);
}

/* One patient first discussed in the range: counted, and kept when a
 * list gave a count. */
static void
read_use(sqlite3_stmt *st, void *ctx)
{
	struct use_read *u = ctx;
	struct mdt_review_use row = { 0 }, *kept;
	bool any = false;

	u->r->first_discussed++;
	for (int k = 0; k < MDT_USE_KINDS; k++) {
		row.before[k] = col_count(st, 4 + 2 * k);
		row.after[k] = col_count(st, 5 + 2 * k);
		any = any || row.before[k] >= 0 || row.after[k] >= 0;
	}
	if (!any)
		return;
	mdt_date_of(mdt_col_int(st, 0), row.first);
	row.not_yet = mdt_col_int(st, 0) + (int64_t)MDT_REVIEW_AFTER_DAYS *
	    86400000 > u->now;
	row.died = mdt_col_int(st, 8) != 0;
	mdt_cols(st, "-sss", MDT_F(row.name), MDT_F(row.date_of_birth),
	    MDT_F(row.nhs_number));
	u->rows.v = mdt_grow(u->rows.v, u->rows.n, &u->rows.cap, sizeof(row));
	kept = (struct mdt_review_use *)u->rows.v + u->rows.n++;
	*kept = row;
	for (int k = 0; k < MDT_USE_KINDS; k++) {
		struct mdt_review_use_total *t = &u->r->use_total[k];

		if (row.before[k] < 0 && row.after[k] < 0)
			continue;
		if (row.died)
			t->died++;
		else if (row.before[k] < 0)
			t->after_only++;
		else {
			t->on_list++;
			if (row.after[k] >= 0) {
				t->paired++;
				t->before += row.before[k];
				t->after += row.after[k];
			} else if (row.not_yet)
				t->not_yet++;
			else
				t->no_after++;
		}
	}
}

static enum mdt_status
load_use(struct mdt_store *s, int64_t start, int64_t end,
    struct mdt_review *r)
{
	struct use_read u = { r, { 0 }, mdt_store_now(s) };
	enum mdt_status st;

	st = mdt_read_each(s, read_use, &u, "reading the attendances",
	    "WITH f AS (SELECT s.patient_id, min(s.started_at) AS at"
	    "  FROM meetings m JOIN slots s ON s.meeting_id = m.id"
	    "  WHERE m.opened_at >= ?1 AND m.opened_at < ?2"
	    "  AND s.state <> 'pending' AND s.started_at IS NOT NULL"
	    "  GROUP BY s.patient_id)"
	    " SELECT f.at, p.name, p.date_of_birth, p.nhs_number,"
	    USE_BEFORE("frequent-attender") "," USE_AFTER("frequent-attender")
	    "," USE_BEFORE("ambulance") "," USE_AFTER("ambulance") ","
	    " EXISTS (SELECT 1 FROM deaths d WHERE d.patient_id = f.patient_id)"
	    " OR EXISTS (SELECT 1 FROM slots x JOIN outcomes o"
	    "  ON o.slot_id = x.id WHERE x.patient_id = f.patient_id"
	    "  AND o.kind = 'died')"
	    " FROM f JOIN patients p ON p.id = f.patient_id"
	    " WHERE NOT EXISTS (SELECT 1 FROM slots e"
	    "  WHERE e.patient_id = f.patient_id AND e.state <> 'pending'"
	    "  AND e.started_at < f.at)"
	    " ORDER BY f.at, f.patient_id", "iii", start, end,
	    (int64_t)MDT_REVIEW_AFTER_DAYS * 86400000);
	r->use = u.rows.v;
	r->n_use = u.rows.n;
	return st;
}

/* ---- themes ----------------------------------------------------------- */

static enum mdt_status
load_themes(struct mdt_store *s, int64_t start, int64_t end,
    struct mdt_review *r)
{
	enum mdt_status st;

	st = mdt_review_counts_load(s, "reading the themes", true,
	    "WITH x AS (SELECT st.theme_id, s.patient_id"
	    "  FROM meetings m JOIN slots s ON s.meeting_id = m.id"
	    "  JOIN slot_themes st ON st.slot_id = s.id"
	    "  WHERE m.opened_at >= ?1 AND m.opened_at < ?2"
	    "  AND s.state <> 'pending')"
	    " SELECT t.name, count(x.theme_id), count(DISTINCT x.patient_id)"
	    " FROM themes t LEFT JOIN x ON x.theme_id = t.id GROUP BY t.id"
	    " ORDER BY count(x.theme_id) DESC, t.own, t.id", start, end,
	    &r->themes, &r->n_themes);
	if (st == MDT_OK)
		st = mdt_query_int(s, &r->slots_untagged, "SELECT count(*)"
		    " FROM meetings m JOIN slots s ON s.meeting_id = m.id"
		    " WHERE m.opened_at >= ?1 AND m.opened_at < ?2"
		    " AND s.state <> 'pending' AND NOT EXISTS (SELECT 1"
		    "  FROM slot_themes st WHERE st.slot_id = s.id)", "ii",
		    start, end);
	return st;
}

/* ---- what the team agreed ------------------------------------------- */

static void
note_done(void *row)
{
	struct mdt_review_note *n = row;

	free(n->text);
	free(n->by);
}

MDT_ROW_READER(read_note, struct mdt_review_note, n)
{
	mdt_cols(st, "issc", MDT_F(n->id), MDT_F(n->text), MDT_F(n->by),
	    MDT_F(n->on));
}

#define NOTE_COLUMNS "SELECT id, text, agreed_by, agreed_on FROM review_notes"

/* The notes of the latest day with notes on or before the range's end. */
static enum mdt_status
load_agreed(struct mdt_store *s, struct mdt_review *r)
{
	return mdt_read_array(s, &r->agreed, &r->n_agreed, sizeof(*r->agreed),
	    note_done, read_note, NULL, "reading what was agreed",
	    NOTE_COLUMNS " WHERE agreed_on = (SELECT max(agreed_on)"
	    "  FROM review_notes WHERE agreed_on <= ?1) ORDER BY id", "t",
	    r->to);
}

enum mdt_status
mdt_review_load_use(struct mdt_store *s, int64_t start, int64_t end,
    struct mdt_review *r)
{
	enum mdt_status st;

	st = load_use(s, start, end, r);
	if (st == MDT_OK)
		st = load_themes(s, start, end, r);
	if (st == MDT_OK)
		st = load_agreed(s, r);
	return st;
}

void
mdt_review_use_free(struct mdt_review *r)
{
	mdt_array_free(r->use, r->n_use, sizeof(*r->use), use_done);
	mdt_review_counts_free(r->themes, r->n_themes);
	mdt_array_free(r->agreed, r->n_agreed, sizeof(*r->agreed), note_done);
}

struct note_act {
	const char *text, *by;
	char on[11];
	int64_t id;
};

static enum mdt_status
note_tx(struct mdt_store *s, void *ctx)
{
	struct note_act *a = ctx;
	enum mdt_status st;
	char uuid[37];

	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO review_notes (uuid, text, agreed_by,"
	    " agreed_on, recorded_at) VALUES (?, ?, ?, ?, ?)", "tttti", uuid,
	    a->text, a->by, a->on, mdt_store_now(s));
	a->id = sqlite3_last_insert_rowid(mdt_store_db(s));
	/* the day only: the note is the record's, the audit says it came */
	if (st == MDT_OK)
		st = mdt_audit_add(s, "review-note", "review_note", uuid,
		    "agreed on %s", a->on);
	return st;
}

enum mdt_status
mdt_review_note_add(struct mdt_store *s, const char *text, const char *by,
    const char *on, int64_t *id)
{
	struct note_act a = { .text = text, .by = by };
	enum mdt_status st;
	char today[11];

	if (id != NULL)
		*id = 0;
	if (mdt_text_field(s, "what was agreed", text, false,
	    MDT_REVIEW_NOTE_MAX) != MDT_OK || mdt_text_field(s, "who agreed",
	    by, true, MDT_REVIEW_BY_MAX) != MDT_OK)
		return MDT_EINVAL;
	if (a.by == NULL)
		a.by = s->actor;
	mdt_date_of(mdt_store_now(s), today);
	if (on == NULL)
		memcpy(a.on, today, sizeof(a.on));
	else if (!mdt_date_strict(on, a.on))
		return mdt_fail(s, MDT_EDATE, "the day agreed");
	else if (strcmp(a.on, today) > 0)
		return mdt_fail(s, MDT_EINVAL, "the day agreed (%s) is after"
		    " today", a.on);
	st = mdt_tx_run(s, note_tx, &a, NULL);
	if (st == MDT_OK && id != NULL)
		*id = a.id;
	return st;
}

enum mdt_status
mdt_review_notes_list(struct mdt_store *s, struct mdt_review_note **out,
    size_t *n)
{
	*out = NULL;
	*n = 0;
	return mdt_read_array(s, out, n, sizeof(**out), note_done, read_note,
	    NULL, "reading the review's notes", NOTE_COLUMNS
	    " ORDER BY agreed_on, id", NULL);
}

void
mdt_review_notes_free(struct mdt_review_note *v, size_t n)
{
	mdt_array_free(v, n, sizeof(*v), note_done);
}

enum mdt_status
mdt_review_notes_write(struct mdt_store *s, const struct mdt_review_note *v,
    size_t n, enum mdt_review_format fmt, FILE *out)
{
	json_t *arr;
	int rc = 0;

	errno = 0;
	if (fmt != MDT_REVIEW_JSON) {
		if (n == 0)
			fputs("No change agreed at a review is recorded.\n", out);
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "%s  ", v[i].on);
			mdt_text_fput(out, v[i].by, false);
			fputs(": ", out);
			mdt_text_fput(out, v[i].text, false);
			fputc('\n', out);
		}
		return mdt_write_status(s, out, 0, "the review's notes");
	}
	arr = mdt_json_new(json_array());
	for (size_t i = 0; i < n; i++)
		mdt_json_push(arr, mdt_json_pack("{s:o, s:o, s:o, s:o}",
		    "id", json_integer(v[i].id), "on", mdt_json_text(v[i].on),
		    "by", mdt_json_text(v[i].by),
		    "text", mdt_json_text(v[i].text)));
	rc = mdt_text_json_dump(arr, out, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER);
	json_decref(arr);
	return mdt_write_status(s, out, rc, "the review's notes");
}
