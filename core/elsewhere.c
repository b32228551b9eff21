/*
 * elsewhere.c - a patient's discussions at meetings not held on this
 * laptop, as the central record says them: the patients to ask about
 * (the next planned meeting's agenda), what was read kept in one
 * transaction with the time of the read (so that a read cut short keeps
 * nothing and the next one asks the same again), and the line the
 * screens and the agenda show.  Text from the record is hostile: it is
 * bounded and kept as the store keeps the record's text
 * (mdt_text_from_record), and escaped again wherever it is shown.
 */
#include "config.h"

#include "elsewhere.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pull.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

/* The longest title, venue and outcome text kept, and the open
 * actions' and the plan's text (bytes). */
#define LINE_MAX 400
#define TEXT_MAX 2000

MDT_ROW_READER(read_patient, struct mdt_elsewhere_patient, p)
{
	mdt_cols(st, "ici", MDT_F(p->id), MDT_F(p->nhs_number),
	    MDT_F(p->since));
}

enum mdt_status
mdt_elsewhere_patients(struct mdt_store *s,
    struct mdt_elsewhere_patient **out, size_t *n)
{
	enum mdt_status st;
	size_t i, k;

	*out = NULL;
	*n = 0;
	st = mdt_read_array(s, out, n, sizeof(**out), NULL, read_patient,
	    NULL, "reading the next meeting's agenda",
	    "SELECT p.id, p.nhs_number, coalesce(r.since, 0) FROM slots sl"
	    " JOIN patients p ON p.id = sl.patient_id"
	    " LEFT JOIN record_discussion_reads r ON r.patient_id = p.id"
	    " WHERE sl.meeting_id = (SELECT id FROM meetings"
	    "  WHERE state = 'planned' ORDER BY scheduled_start, id LIMIT 1)"
	    " AND p.purged_at IS NULL"
	    " ORDER BY coalesce(r.since, 0), p.nhs_number", NULL);
	if (st != MDT_OK)
		return st;
	/* a patient held under a local identifier is not on the record */
	for (i = k = 0; i < *n; i++)
		if (mdt_nhs_valid((*out)[i].nhs_number))
			(*out)[k++] = (*out)[i];
	*n = k;
	return MDT_OK;
}

struct apply {
	const struct mdt_elsewhere_in *d;
	size_t n;
	const int64_t *ids;
	size_t n_ids;
	int64_t since;
	struct mdt_elsewhere_result *out;
};

static bool
asked(const struct apply *a, int64_t patient)
{
	for (size_t i = 0; i < a->n_ids; i++)
		if (a->ids[i] == patient)
			return true;
	return false;
}

static enum mdt_status
keep_one(struct mdt_store *s, const struct apply *a,
    const struct mdt_elsewhere_in *d)
{
	enum mdt_status st;
	int64_t patient = 0, ours = 0, same = 0, known = 0;
	char *meeting, *venue, *text, *actions, *plan;

	st = mdt_query_int(s, &ours, "SELECT count(*) FROM slots"
	    " WHERE uuid = ?", "t", d->encounter);
	if (st != MDT_OK)
		return st;
	if (ours > 0) {
		a->out->ours++;
		return MDT_OK;
	}
	st = mdt_query_int(s, &patient, "SELECT id FROM patients"
	    " WHERE nhs_number = ? AND purged_at IS NULL", "t",
	    d->nhs_number != NULL ? d->nhs_number : "");
	if (st == MDT_ENOTFOUND || (st == MDT_OK && !asked(a, patient))) {
		a->out->unknown++;
		return MDT_OK;
	}
	if (st == MDT_OK)
		st = mdt_query_int(s, &known, "SELECT count(*) FROM"
		    " record_discussions WHERE encounter = ?", "t",
		    d->encounter);
	if (st == MDT_OK)
		st = mdt_query_int(s, &same, "SELECT count(*) FROM"
		    " record_discussions WHERE encounter = ? AND version = ?"
		    " AND patient_id = ?", "tti", d->encounter, d->version,
		    patient);
	if (st != MDT_OK || same > 0)
		return st;
	meeting = mdt_text_from_record(d->meeting, false, LINE_MAX);
	venue = mdt_text_from_record(d->venue, false, LINE_MAX);
	text = mdt_text_from_record(d->outcome_text, false, LINE_MAX);
	actions = mdt_text_from_record(d->actions, true, TEXT_MAX);
	plan = mdt_text_from_record(d->plan, true, TEXT_MAX);
	st = mdt_run(s, "INSERT INTO record_discussions (patient_id,"
	    " encounter, version, day, meeting, venue, outcome_kind,"
	    " outcome_text, open_actions, actions, plan, read_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
	    " ON CONFLICT (encounter) DO UPDATE SET patient_id = ?1,"
	    " version = ?3, day = ?4, meeting = ?5, venue = ?6,"
	    " outcome_kind = ?7, outcome_text = ?8, open_actions = ?9,"
	    " actions = ?10, plan = ?11, read_at = ?12", "itttTTTTdTTi",
	    patient, d->encounter, d->version, d->day, meeting, venue,
	    d->outcome_kind, text, d->open_actions, actions, plan,
	    mdt_store_now(s));
	if (st == MDT_OK) {
		if (known > 0)
			a->out->changed++;
		else
			a->out->added++;
	}
	mdt_free_each(5, meeting, venue, text, actions, plan);
	return st;
}

static enum mdt_status
apply_tx(struct mdt_store *s, void *ctx)
{
	struct apply *a = ctx;
	enum mdt_status st = MDT_OK;
	size_t i;

	memset(a->out, 0, sizeof(*a->out));
	for (i = 0; i < a->n && st == MDT_OK; i++) {
		a->out->read++;
		st = keep_one(s, a, &a->d[i]);
	}
	for (i = 0; i < a->n_ids && st == MDT_OK && a->since > 0; i++)
		st = mdt_run(s, "INSERT INTO record_discussion_reads"
		    " (patient_id, since) VALUES (?1, ?2)"
		    " ON CONFLICT (patient_id) DO UPDATE SET since ="
		    " max(since, ?2)", "ii", a->ids[i], a->since);
	return st;
}

enum mdt_status
mdt_elsewhere_apply(struct mdt_store *s, const struct mdt_elsewhere_in *d,
    size_t n, const int64_t *ids, size_t n_ids, int64_t since,
    struct mdt_elsewhere_result *out)
{
	struct apply a = { d, n, ids, n_ids, since, out };

	for (size_t i = 0; i < n; i++)
		if (d[i].encounter == NULL || d[i].version == NULL ||
		    !mdt_date_strict(d[i].day, NULL) ||
		    (d[i].outcome_kind != NULL &&
		    mdt_outcome_parse(d[i].outcome_kind) < 0))
			return mdt_fail(s, MDT_EINVAL, "a discussion read back"
			    " has no id, version or day");
	return mdt_tx_run_unleased(s, apply_tx, &a, NULL);
}

/* ---- shown ----------------------------------------------------------- */

void
mdt_elsewhere_cols(sqlite3_stmt *st, int col, struct mdt_elsewhere *e)
{
	memset(e, 0, sizeof(*e));
	e->n = (int)mdt_col_int(st, col);
	if (e->n == 0)
		return;
	mdt_col_copy(st, col + 1, e->day, sizeof(e->day));
	e->meeting = mdt_col_dup(st, col + 2);
	e->venue = mdt_col_dup(st, col + 3);
	e->outcome = (enum mdt_outcome_kind)mdt_col_state(st, col + 4,
	    mdt_outcome_parse, MDT_OUTCOME_NONE);
	e->outcome_text = mdt_col_dup(st, col + 5);
	e->open_actions = (int)mdt_col_int(st, col + 6);
	e->actions = mdt_col_dup(st, col + 7);
	e->plan = mdt_col_dup(st, col + 8);
}

MDT_ROW_READER(read_elsewhere, struct mdt_elsewhere, e)
{
	mdt_elsewhere_cols(st, 0, e);
}

enum mdt_status
mdt_elsewhere_of(struct mdt_store *s, int64_t patient_id,
    struct mdt_elsewhere *out)
{
	enum mdt_status st;

	st = mdt_read_row(s, out, sizeof(*out), read_elsewhere, NULL,
	    "reading the discussions elsewhere", "SELECT"
	    MDT_ELSEWHERE_COLS_SQL("?1") " FROM (SELECT 1)"
	    MDT_ELSEWHERE_JOIN_SQL("?1"), "i", patient_id);
	return st == MDT_ENOTFOUND ? MDT_OK : st;
}

void
mdt_elsewhere_done(struct mdt_elsewhere *e)
{
	mdt_free_each(5, e->meeting, e->venue, e->outcome_text, e->actions,
	    e->plan);
	memset(e, 0, sizeof(*e));
}

char *
mdt_elsewhere_line(const struct mdt_elsewhere *e, bool masked, char *buf,
    size_t len)
{
	char earlier[32] = "";
	const char *outcome;

	if (e->n == 0) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	if (masked) {
		snprintf(buf, len, "discussed elsewhere on %s%s", e->day,
		    e->n > 1 ? " (and earlier)" : "");
		return buf;
	}
	if (e->n > 1)
		snprintf(earlier, sizeof(earlier), "; %d earlier", e->n - 1);
	outcome = e->outcome_text != NULL ? e->outcome_text :
	    e->outcome != MDT_OUTCOME_NONE ? mdt_outcome_label(e->outcome) :
	    "no outcome on the record";
	snprintf(buf, len, "%s %s%s%s: %s; %d open action%s%s", e->day,
	    e->meeting != NULL ? e->meeting : "a meeting",
	    e->venue != NULL ? " at " : "", e->venue != NULL ? e->venue : "",
	    outcome, e->open_actions, e->open_actions == 1 ? "" : "s",
	    earlier);
	return buf;
}
