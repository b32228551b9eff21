/*
 * review.c - the review of a period for the network's leads: meetings
 * held, patients and slots discussed, time per slot against the band,
 * actions opened, closed and overdue, outcomes, where patients came from
 * and who attended; as text, as JSON and as an SVG chart.
 *
 * Every figure comes from times, states, kinds, lists and roles, never
 * from names or note text, so that a retention purge changes none of
 * them.  The definitions are in review.h and docs/review.md.  Numbers are
 * printed with integer arithmetic so that no locale turns a decimal point
 * into a comma.
 */
#include "config.h"

#include "review.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "model.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

/* Ranges longer than this many days are charted per calendar month. */
#define WEEKLY_MAX_DAYS (27 * 7)

/* ---- calendar days ---------------------------------------------------- */

/* Days from 1970-01-01 to a (proleptic Gregorian) date. */
static int64_t
day_number(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of a day number. */
static void
day_ymd(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void
day_text(int64_t z, char out[11])
{
	int y, m, d;

	day_ymd(z, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
	    (unsigned)m % 100u, (unsigned)d % 100u);
}

/* The day number of "YYYY-MM-DD" (already checked). */
static int64_t
text_day(const char *s)
{
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');

	return day_number(y, m, d);
}

/* The local day of an epoch time. */
static int64_t
ms_day(int64_t ms)
{
	char date[11];

	mdt_date_of(ms, date);
	return text_day(date);
}

/* Local midnight at the start of a day, in ms since the epoch. */
static int64_t
day_start(int64_t z)
{
	struct tm tm;
	int y, m, d;
	time_t t;

	day_ymd(z, &y, &m, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	return (int64_t)t * 1000;
}

/* A strict "YYYY-MM-DD" that is a real date. */
static bool
date_ok(const char *s, char out[11])
{
	if (s == NULL || strlen(s) != 10 || s[0] == '+')
		return false;
	return mdt_date_parse(s, 0, out) == MDT_OK;
}

/* ---- small sorted statistics ------------------------------------------ */

/* x rounded to the nearest integer, halves away from zero. */
static int64_t
round_i64(double x)
{
	return (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The median of n sorted values (the mean of the middle two if even). */
static double
median_of(const int64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	if (n % 2 == 1)
		return (double)v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

/* Nearest rank: the value at rank ceil(p/100 n) of n sorted values. */
static double
percentile_of(const int64_t *v, size_t n, int p)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = ((size_t)p * n + 99) / 100;
	if (rank < 1)
		rank = 1;
	return (double)v[rank - 1];
}

/* ---- growing arrays ------------------------------------------------- */

struct i64_vec {
	int64_t *v;
	size_t n, cap;
};

static void
vec_push(struct i64_vec *a, int64_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap != 0 ? a->cap * 2 : 16;
		a->v = mdt_xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	a->v[a->n++] = x;
}

/* ---- loading --------------------------------------------------------- */

/* The meetings opened in [start, end). */
static enum mdt_status
load_meetings(struct mdt_store *s, int64_t start, int64_t end,
    struct mdt_review *r)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	status = mdt_prep(s, &st, "SELECT id, opened_at, state, warn_seconds,"
	    " over_seconds FROM meetings WHERE opened_at >= ? AND opened_at < ?"
	    " ORDER BY opened_at, id", "ii", start, end);
	if (status != MDT_OK)
		return status;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct mdt_review_meeting *m;

		if (r->n_meetings == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			r->meetings = mdt_xreallocarray(r->meetings, cap,
			    sizeof(*r->meetings));
		}
		m = &r->meetings[r->n_meetings++];
		memset(m, 0, sizeof(*m));
		m->id = mdt_col_int(st, 0);
		mdt_date_of(mdt_col_int(st, 1), m->date);
		m->closed = mdt_meeting_state_parse(
		    (const char *)sqlite3_column_text(st, 2)) ==
		    MDT_MEETING_CLOSED;
		m->warn_s = (int)mdt_col_int(st, 3);
		m->over_s = (int)mdt_col_int(st, 4);
		r->meetings_held++;
		if (m->closed)
			r->meetings_closed++;
	}
	mdt_done(s, st);
	if (rc != SQLITE_DONE)
		return mdt_fail_db(s, rc, "reading the meetings");
	return MDT_OK;
}

static void
count_sources(struct mdt_review *r, sqlite3_stmt *st, int col)
{
	unsigned lists = (unsigned)mdt_col_int(st, col);

	for (int i = 0; i < MDT_LIST_COUNT; i++)
		if (lists & (1u << i))
			r->lists[i]++;
	r->carried_forward += mdt_col_int(st, col + 1) != 0;
	r->escalated += mdt_col_int(st, col + 2) != 0;
	r->added_on_day += mdt_col_int(st, col + 3) != 0;
}

/* The slots of the meetings held: time, outcome and where they came
 * from. */
static enum mdt_status
load_slots(struct mdt_store *s, int64_t start, int64_t end,
    struct mdt_review *r)
{
	struct i64_vec all = { 0 }, patients = { 0 };
	struct i64_vec *per = NULL;
	enum mdt_status status;
	sqlite3_stmt *st;
	int64_t now = mdt_store_now(s);
	size_t k = 0;
	int rc;

	status = mdt_prep(s, &st,
	    "SELECT s.meeting_id, s.patient_id, s.state, s.started_at,"
	    " s.paused_at, s.closed_at, s.paused_ms, o.kind,"
	    " coalesce(c.lists, 0), coalesce(c.carried_forward, 0),"
	    " coalesce(c.escalated, 0), coalesce(c.added_on_day, 0)"
	    " FROM meetings m JOIN slots s ON s.meeting_id = m.id"
	    " LEFT JOIN outcomes o ON o.slot_id = s.id"
	    " LEFT JOIN candidates c ON c.meeting_id = s.meeting_id"
	    "  AND c.patient_id = s.patient_id"
	    " WHERE m.opened_at >= ? AND m.opened_at < ?"
	    " ORDER BY m.opened_at, m.id, s.position, s.id", "ii", start, end);
	if (status != MDT_OK)
		return status;
	if (r->n_meetings > 0)
		per = mdt_xcalloc(r->n_meetings, sizeof(*per));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct mdt_slot_times t = { 0 };
		int state = mdt_slot_state_parse(
		    (const char *)sqlite3_column_text(st, 2));
		int kind = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 :
		    mdt_outcome_parse((const char *)sqlite3_column_text(st, 7));
		int64_t ms;

		while (k < r->n_meetings && r->meetings[k].id !=
		    mdt_col_int(st, 0))
			k++;
		if (k == r->n_meetings)	/* cannot be: the same order */
			break;
		if (kind > 0)
			r->outcomes[kind]++;
		if (state < 0 || state == MDT_SLOT_PENDING)
			continue;
		t.started_at = mdt_col_int(st, 3);
		t.paused_at = mdt_col_int(st, 4);
		t.closed_at = mdt_col_int(st, 5);
		t.paused_ms = mdt_col_int(st, 6);
		ms = mdt_slot_elapsed_ms((enum mdt_slot_state)state, &t, now);
		vec_push(&all, ms);
		vec_push(&per[k], ms);
		vec_push(&patients, mdt_col_int(st, 1));
		if (kind <= 0)
			r->outcomes[MDT_OUTCOME_NONE]++;
		if (ms < (int64_t)r->meetings[k].warn_s * 1000)
			r->slots_under++;
		else if (ms <= (int64_t)r->meetings[k].over_s * 1000)
			r->slots_within++;
		else
			r->slots_over++;
		count_sources(r, st, 8);
	}
	mdt_done(s, st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		status = mdt_fail_db(s, rc, "reading the slots");

	for (size_t i = 0; i < r->n_meetings; i++) {
		r->meetings[i].slot_ms = per[i].v;
		r->meetings[i].n_slots = per[i].n;
	}
	free(per);
	r->slots_discussed = (int64_t)all.n;
	if (all.n > 0) {
		double sum = 0;

		for (size_t i = 0; i < all.n; i++)
			sum += (double)all.v[i];
		qsort(all.v, all.n, sizeof(*all.v), cmp_i64);
		r->mean_s = sum / (double)all.n / 1000.0;
		r->median_s = median_of(all.v, all.n) / 1000.0;
		r->p90_s = percentile_of(all.v, all.n, 90) / 1000.0;
	}
	if (patients.n > 0)
		qsort(patients.v, patients.n, sizeof(*patients.v), cmp_i64);
	for (size_t i = 0; i < patients.n; i++)
		if (i == 0 || patients.v[i] != patients.v[i - 1])
			r->patients_discussed++;
	free(all.v);
	free(patients.v);
	return status;
}

/* Rows of (name, n[, meetings]) into an array. */
static enum mdt_status
load_counts(struct mdt_store *s, sqlite3_stmt *st, bool with_meetings,
    struct mdt_review_count **out, size_t *n, const char *what)
{
	size_t cap = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct mdt_review_count *c;

		if (*n == cap) {
			cap = cap != 0 ? cap * 2 : 8;
			*out = mdt_xreallocarray(*out, cap, sizeof(**out));
		}
		c = &(*out)[(*n)++];
		c->name = mdt_col_dup0(st, 0);
		c->n = mdt_col_int(st, 1);
		c->meetings = with_meetings ? mdt_col_int(st, 2) : 0;
	}
	mdt_done(s, st);
	if (rc != SQLITE_DONE)
		return mdt_fail_db(s, rc, what);
	return MDT_OK;
}

static enum mdt_status
load_referrers(struct mdt_store *s, int64_t start, int64_t end,
    struct mdt_review *r)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int64_t named = 0;

	status = mdt_prep(s, &st, "SELECT le.referred_by, count(*)"
	    " FROM meetings m JOIN slots s ON s.meeting_id = m.id"
	    " JOIN candidates c ON c.meeting_id = s.meeting_id"
	    "  AND c.patient_id = s.patient_id"
	    " JOIN list_entries le ON le.candidate_id = c.id"
	    " WHERE m.opened_at >= ? AND m.opened_at < ?"
	    " AND s.state <> 'pending' AND le.list = 'referral'"
	    " AND (c.lists & 2) <> 0 AND trim(le.referred_by) <> ''"
	    " GROUP BY le.referred_by ORDER BY count(*) DESC, le.referred_by",
	    "ii", start, end);
	if (status == MDT_OK)
		status = load_counts(s, st, false, &r->referrers,
		    &r->n_referrers, "reading the referrals");
	/* The purge deletes a meeting's list rows, referrers and all. */
	if (status == MDT_OK)
		status = mdt_query_int(s, &r->referrals_purged,
		    "SELECT count(*) FROM meetings m"
		    " JOIN slots s ON s.meeting_id = m.id"
		    " JOIN candidates c ON c.meeting_id = s.meeting_id"
		    "  AND c.patient_id = s.patient_id"
		    " WHERE m.opened_at >= ? AND m.opened_at < ?"
		    " AND s.state <> 'pending' AND (c.lists & 2) <> 0"
		    " AND m.purged_at IS NOT NULL", "ii", start, end);
	for (size_t i = 0; i < r->n_referrers; i++)
		named += r->referrers[i].n;
	r->referrals_unnamed = r->lists[1] - named - r->referrals_purged;
	if (r->referrals_unnamed < 0)
		r->referrals_unnamed = 0;
	return status;
}

static enum mdt_status
load_attendance(struct mdt_store *s, int64_t start, int64_t end,
    struct mdt_review *r)
{
	enum mdt_status status;
	sqlite3_stmt *st;

	status = mdt_prep(s, &st, "SELECT p.role, count(*),"
	    " count(DISTINCT a.meeting_id)"
	    " FROM meetings m JOIN attendance a ON a.meeting_id = m.id"
	    " JOIN people p ON p.id = a.person_id"
	    " WHERE m.opened_at >= ? AND m.opened_at < ?"
	    " AND a.status = 'present' GROUP BY p.role ORDER BY p.role",
	    "ii", start, end);
	if (status != MDT_OK)
		return status;
	return load_counts(s, st, true, &r->disciplines, &r->n_disciplines,
	    "reading the attendance");
}

/* The periods of the chart of actions closed. */
static void
make_periods(struct mdt_review *r, int64_t d0, int64_t d1)
{
	size_t cap;

	r->monthly = d1 - d0 + 1 > WEEKLY_MAX_DAYS;
	if (!r->monthly) {
		r->n_periods = (size_t)((d1 - d0) / 7 + 1);
		r->periods = mdt_xcalloc(r->n_periods, sizeof(*r->periods));
		for (size_t i = 0; i < r->n_periods; i++) {
			int64_t a = d0 + 7 * (int64_t)i, b = a + 6;

			day_text(a, r->periods[i].from);
			day_text(b < d1 ? b : d1, r->periods[i].to);
		}
		return;
	}
	cap = 16;
	r->periods = mdt_xcalloc(cap, sizeof(*r->periods));
	for (int64_t a = d0; a <= d1;) {
		int y, m, d;
		int64_t next;

		day_ymd(a, &y, &m, &d);
		next = m == 12 ? day_number(y + 1, 1, 1) :
		    day_number(y, m + 1, 1);
		if (r->n_periods == cap) {
			cap *= 2;
			r->periods = mdt_xreallocarray(r->periods, cap,
			    sizeof(*r->periods));
		}
		day_text(a, r->periods[r->n_periods].from);
		day_text(next - 1 < d1 ? next - 1 : d1,
		    r->periods[r->n_periods].to);
		r->periods[r->n_periods].closed = 0;
		r->n_periods++;
		a = next;
	}
}

/* The period of a day (d0 <= day <= d1). */
static size_t
period_of(const struct mdt_review *r, int64_t d0, int64_t day)
{
	size_t i;

	if (!r->monthly)
		return (size_t)((day - d0) / 7);
	for (i = 0; i + 1 < r->n_periods; i++)
		if (day <= text_day(r->periods[i].to))
			break;
	return i;
}

static enum mdt_status
load_actions(struct mdt_store *s, int64_t start, int64_t end, int64_t d0,
    struct mdt_review *r)
{
	struct i64_vec days = { 0 };
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc;

	status = mdt_query_int(s, &r->actions_opened, "SELECT count(*)"
	    " FROM actions WHERE created_at >= ? AND created_at < ?", "ii",
	    start, end);
	if (status == MDT_OK)
		status = mdt_query_int(s, &r->actions_overdue, "SELECT count(*)"
		    " FROM actions WHERE created_at < ?1"
		    " AND (status = 'open' OR closed_at >= ?1)"
		    " AND due_date < ?2", "it", end, r->to);
	if (status == MDT_OK)
		status = mdt_prep(s, &st, "SELECT status, created_at,"
		    " closed_at FROM actions WHERE status IN ('done',"
		    " 'cancelled') AND closed_at >= ? AND closed_at < ?", "ii",
		    start, end);
	if (status != MDT_OK)
		return status;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t closed_day;

		if (strcmp((const char *)sqlite3_column_text(st, 0),
		    "cancelled") == 0) {
			r->actions_cancelled++;
			continue;
		}
		r->actions_closed++;
		closed_day = ms_day(mdt_col_int(st, 2));
		vec_push(&days, closed_day - ms_day(mdt_col_int(st, 1)));
		if (r->n_periods > 0)
			r->periods[period_of(r, d0, closed_day)].closed++;
	}
	mdt_done(s, st);
	if (rc != SQLITE_DONE)
		status = mdt_fail_db(s, rc, "reading the actions");
	if (days.n > 0)
		qsort(days.v, days.n, sizeof(*days.v), cmp_i64);
	r->median_days_to_close = days.n > 0 ? median_of(days.v, days.n) : -1;
	free(days.v);
	return status;
}

enum mdt_status
mdt_review_load(struct mdt_store *s, const char *from, const char *to,
    struct mdt_review *out)
{
	enum mdt_status st;
	int64_t d0, d1, start, end;

	memset(out, 0, sizeof(*out));
	out->median_days_to_close = -1;
	if (!date_ok(from, out->from))
		return mdt_fail(s, MDT_EDATE, "from \"%s\"", from != NULL ?
		    from : "");
	if (!date_ok(to, out->to))
		return mdt_fail(s, MDT_EDATE, "to \"%s\"", to != NULL ? to :
		    "");
	d0 = text_day(out->from);
	d1 = text_day(out->to);
	if (d1 < d0)
		return mdt_fail(s, MDT_EINVAL, "the range ends (%s) before it"
		    " begins (%s)", out->to, out->from);
	start = day_start(d0);
	end = day_start(d1 + 1);
	make_periods(out, d0, d1);

	/* One read transaction: the figures agree with each other even if
	 * another window writes meanwhile. */
	st = mdt_run(s, "BEGIN", NULL);
	if (st == MDT_OK)
		st = load_meetings(s, start, end, out);
	if (st == MDT_OK)
		st = load_slots(s, start, end, out);
	if (st == MDT_OK)
		st = load_referrers(s, start, end, out);
	if (st == MDT_OK)
		st = load_attendance(s, start, end, out);
	if (st == MDT_OK)
		st = load_actions(s, start, end, d0, out);
	mdt_tx_rollback(s);
	if (st != MDT_OK)
		mdt_review_free(out);
	return st;
}

void
mdt_review_free(struct mdt_review *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_referrers; i++)
		free(r->referrers[i].name);
	for (size_t i = 0; i < r->n_disciplines; i++)
		free(r->disciplines[i].name);
	for (size_t i = 0; i < r->n_meetings; i++)
		free(r->meetings[i].slot_ms);
	free(r->referrers);
	free(r->disciplines);
	free(r->meetings);
	free(r->periods);
	memset(r, 0, sizeof(*r));
	r->median_days_to_close = -1;
}

/* ---- text ------------------------------------------------------------ */

/* x to one decimal place, without the locale's decimal separator. */
static void
fmt_tenths(double x, char *out, size_t len)
{
	int64_t t = round_i64(x * 10.0);

	snprintf(out, len, "%s%" PRId64 ".%d", t < 0 ? "-" : "",
	    (t < 0 ? -t : t) / 10, (int)((t < 0 ? -t : t) % 10));
}

/* "M:SS" of seconds, rounded to the second. */
static void
fmt_mmss(double seconds, char *out, size_t len)
{
	int64_t s = round_i64(seconds);

	snprintf(out, len, "%" PRId64 ":%02d", s / 60, (int)(s % 60));
}

static void
fmt_share(int64_t n, int64_t of, char *out, size_t len)
{
	char pc[32];

	if (of == 0) {
		snprintf(out, len, "-");
		return;
	}
	fmt_tenths(100.0 * (double)n / (double)of, pc, sizeof(pc));
	snprintf(out, len, "%s%%", pc);
}

static void
txt_row(FILE *out, const char *label, int64_t n, const char *extra)
{
	fprintf(out, "  %-28s %8" PRId64 "%s%s\n", label, n,
	    extra != NULL && *extra != '\0' ? "  " : "",
	    extra != NULL ? extra : "");
}

static void
write_txt(const struct mdt_review *r, FILE *out)
{
	static const enum mdt_outcome_kind kinds[] = { MDT_OUTCOME_STAY,
	    MDT_OUTCOME_STEP_DOWN, MDT_OUTCOME_CLOSE, MDT_OUTCOME_DIED,
	    MDT_OUTCOME_NONE };
	char a[48], b[48], c[48], line[96];

	fprintf(out, "Review of %s to %s (local dates, both included)\n\n",
	    r->from, r->to);

	fputs("Meetings\n", out);
	snprintf(line, sizeof(line), "(%" PRId64 " closed)",
	    r->meetings_closed);
	txt_row(out, "held (opened in the range)", r->meetings_held, line);
	txt_row(out, "patients discussed", r->patients_discussed, NULL);
	txt_row(out, "slots discussed", r->slots_discussed, NULL);

	fputs("\nTime per slot (pauses excluded)\n", out);
	if (r->slots_discussed == 0)
		fputs("  no slot was discussed\n", out);
	else {
		fmt_mmss(r->mean_s, a, sizeof(a));
		fmt_mmss(r->median_s, b, sizeof(b));
		fmt_mmss(r->p90_s, c, sizeof(c));
		fprintf(out, "  %-28s %8s\n  %-28s %8s\n  %-28s %8s\n",
		    "mean", a, "median", b, "90th percentile", c);
	}
	fmt_share(r->slots_within, r->slots_discussed, a, sizeof(a));
	txt_row(out, "within the band", r->slots_within, a);
	fmt_share(r->slots_over, r->slots_discussed, a, sizeof(a));
	txt_row(out, "over the band", r->slots_over, a);
	fmt_share(r->slots_under, r->slots_discussed, a, sizeof(a));
	txt_row(out, "under the band", r->slots_under, a);

	fputs("\nActions\n", out);
	txt_row(out, "opened", r->actions_opened, NULL);
	txt_row(out, "closed (done)", r->actions_closed, NULL);
	txt_row(out, "cancelled", r->actions_cancelled, NULL);
	snprintf(line, sizeof(line), "(open at the end of %s, due before"
	    " it)", r->to);
	txt_row(out, "overdue", r->actions_overdue, line);
	if (r->median_days_to_close < 0)
		fprintf(out, "  %-28s %8s\n", "median days to close", "-");
	else {
		fmt_tenths(r->median_days_to_close, a, sizeof(a));
		fprintf(out, "  %-28s %8s\n", "median days to close", a);
	}

	fputs("\nOutcomes\n", out);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		txt_row(out, mdt_outcome_label(kinds[i]), r->outcomes[kinds[i]],
		    NULL);

	fputs("\nHow the slots discussed came (a slot may count twice)\n", out);
	for (int i = 0; i < MDT_LIST_COUNT; i++)
		txt_row(out, mdt_list_label((enum mdt_list)(1 << i)),
		    r->lists[i], NULL);
	txt_row(out, "carried forward for review", r->carried_forward, NULL);
	txt_row(out, "escalated from rising risk", r->escalated, NULL);
	txt_row(out, "added on the day", r->added_on_day, NULL);

	fputs("\nReferrals by referrer\n", out);
	for (size_t i = 0; i < r->n_referrers; i++)
		txt_row(out, r->referrers[i].name, r->referrers[i].n, NULL);
	txt_row(out, "(no referrer recorded)", r->referrals_unnamed, NULL);
	if (r->referrals_purged > 0)
		txt_row(out, "(meeting purged)", r->referrals_purged,
		    "the referrer is no longer kept");

	fputs("\nAttendance by discipline      present  meetings\n", out);
	if (r->n_disciplines == 0)
		fputs("  nobody was marked present\n", out);
	for (size_t i = 0; i < r->n_disciplines; i++)
		fprintf(out, "  %-28s %8" PRId64 "  %8" PRId64 "\n",
		    r->disciplines[i].name[0] != '\0' ?
		    r->disciplines[i].name : "(no role)",
		    r->disciplines[i].n, r->disciplines[i].meetings);

	fprintf(out, "\nActions closed per %s\n", r->monthly ? "month" :
	    "week");
	for (size_t i = 0; i < r->n_periods; i++)
		fprintf(out, "  %s to %s   %8" PRId64 "\n", r->periods[i].from,
		    r->periods[i].to, r->periods[i].closed);
}

/* ---- JSON ------------------------------------------------------------ */

static json_t *
jnew(json_t *j)
{
	if (j == NULL)
		mdt_fatal("out of memory");
	return j;
}

/* A string, with bytes that are not UTF-8 shown as '?'. */
static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s);
	char *copy;

	if (j != NULL)
		return j;
	copy = mdt_xstrdup(s);
	for (size_t i = 0; copy[i] != '\0'; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	j = jnew(json_string(copy));
	free(copy);
	return j;
}

/* A real rounded to three decimals (0.1 s, ratios). */
static json_t *
jreal(double x)
{
	return json_real((double)round_i64(x * 1000.0) / 1000.0);
}

static int
write_json(const struct mdt_review *r, FILE *out)
{
	json_t *root = jnew(json_object()), *x, *arr, *y;
	int rc;

	mdt_json_set(root, "from", jstr(r->from));
	mdt_json_set(root, "to", jstr(r->to));
	x = jnew(json_object());
	mdt_json_set(x, "held", json_integer(r->meetings_held));
	mdt_json_set(x, "closed", json_integer(r->meetings_closed));
	mdt_json_set(root, "meetings", x);
	mdt_json_set(root, "patients_discussed", json_integer(r->patients_discussed));
	mdt_json_set(root, "slots_discussed", json_integer(r->slots_discussed));

	x = jnew(json_object());
	mdt_json_set(x, "mean", jreal(r->mean_s));
	mdt_json_set(x, "median", jreal(r->median_s));
	mdt_json_set(x, "p90", jreal(r->p90_s));
	mdt_json_set(root, "slot_seconds", x);
	x = jnew(json_object());
	mdt_json_set(x, "under", json_integer(r->slots_under));
	mdt_json_set(x, "within", json_integer(r->slots_within));
	mdt_json_set(x, "over", json_integer(r->slots_over));
	mdt_json_set(x, "share_within", jreal(r->slots_discussed == 0 ? 0 :
	    (double)r->slots_within / (double)r->slots_discussed));
	mdt_json_set(x, "share_over", jreal(r->slots_discussed == 0 ? 0 :
	    (double)r->slots_over / (double)r->slots_discussed));
	mdt_json_set(root, "band", x);

	x = jnew(json_object());
	mdt_json_set(x, "opened", json_integer(r->actions_opened));
	mdt_json_set(x, "closed", json_integer(r->actions_closed));
	mdt_json_set(x, "cancelled", json_integer(r->actions_cancelled));
	mdt_json_set(x, "overdue", json_integer(r->actions_overdue));
	mdt_json_set(x, "median_days_to_close", r->median_days_to_close < 0 ?
	    json_null() : jreal(r->median_days_to_close));
	mdt_json_set(root, "actions", x);

	x = jnew(json_object());
	for (int k = MDT_OUTCOME_NONE; k <= MDT_OUTCOME_DIED; k++)
		mdt_json_set(x, mdt_outcome_name((enum mdt_outcome_kind)k),
		    json_integer(r->outcomes[k]));
	mdt_json_set(root, "outcomes", x);

	x = jnew(json_object());
	for (int i = 0; i < MDT_LIST_COUNT; i++)
		mdt_json_set(x, mdt_list_name((enum mdt_list)(1 << i)),
		    json_integer(r->lists[i]));
	mdt_json_set(x, "carried_forward", json_integer(r->carried_forward));
	mdt_json_set(x, "escalated", json_integer(r->escalated));
	mdt_json_set(x, "added_on_day", json_integer(r->added_on_day));
	mdt_json_set(root, "sources", x);

	arr = jnew(json_array());
	for (size_t i = 0; i < r->n_referrers; i++) {
		y = jnew(json_object());
		mdt_json_set(y, "referred_by", jstr(r->referrers[i].name));
		mdt_json_set(y, "slots", json_integer(r->referrers[i].n));
		mdt_json_push(arr, y);
	}
	mdt_json_set(root, "referrers", arr);
	mdt_json_set(root, "referrals_unnamed", json_integer(r->referrals_unnamed));
	mdt_json_set(root, "referrals_purged", json_integer(r->referrals_purged));

	arr = jnew(json_array());
	for (size_t i = 0; i < r->n_disciplines; i++) {
		y = jnew(json_object());
		mdt_json_set(y, "discipline", jstr(r->disciplines[i].name));
		mdt_json_set(y, "present", json_integer(r->disciplines[i].n));
		mdt_json_set(y, "meetings", json_integer(r->disciplines[i].meetings));
		mdt_json_push(arr, y);
	}
	mdt_json_set(root, "attendance", arr);

	arr = jnew(json_array());
	for (size_t i = 0; i < r->n_meetings; i++) {
		const struct mdt_review_meeting *m = &r->meetings[i];
		json_t *secs = jnew(json_array());

		y = jnew(json_object());
		mdt_json_set(y, "id", json_integer(m->id));
		mdt_json_set(y, "date", jstr(m->date));
		mdt_json_set(y, "closed", json_boolean(m->closed));
		mdt_json_set(y, "warn_seconds", json_integer(m->warn_s));
		mdt_json_set(y, "over_seconds", json_integer(m->over_s));
		for (size_t j = 0; j < m->n_slots; j++)
			mdt_json_push(secs, json_integer(m->slot_ms[j] / 1000));
		mdt_json_set(y, "slot_seconds", secs);
		mdt_json_push(arr, y);
	}
	mdt_json_set(root, "per_meeting", arr);

	arr = jnew(json_array());
	for (size_t i = 0; i < r->n_periods; i++) {
		y = jnew(json_object());
		mdt_json_set(y, "from", jstr(r->periods[i].from));
		mdt_json_set(y, "to", jstr(r->periods[i].to));
		mdt_json_set(y, "closed", json_integer(r->periods[i].closed));
		mdt_json_push(arr, y);
	}
	mdt_json_set(root, "closed_per_period", arr);
	mdt_json_set(root, "period", jstr(r->monthly ? "month" : "week"));

	rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(12));
	if (rc == 0 && fputc('\n', out) == EOF)
		rc = -1;
	json_decref(root);
	return rc;
}

static enum mdt_status
write_status(struct mdt_store *s, FILE *out, int rc, const char *what)
{
	if (rc != 0 || fflush(out) != 0 || ferror(out))
		return mdt_fail(s, errno == ENOSPC ? MDT_EFULL : MDT_EIO,
		    "%s: %s", what, errno != 0 ? strerror(errno) :
		    "write failed");
	return MDT_OK;
}

enum mdt_status
mdt_review_write(struct mdt_store *s, const struct mdt_review *r,
    enum mdt_review_format fmt, FILE *out)
{
	int rc = 0;

	if (fmt != MDT_REVIEW_TXT && fmt != MDT_REVIEW_JSON)
		return mdt_fail(s, MDT_EINVAL, "unknown review format %d",
		    (int)fmt);
	errno = 0;
	if (fmt == MDT_REVIEW_JSON)
		rc = write_json(r, out);
	else
		write_txt(r, out);
	return write_status(s, out, rc, "the review");
}

/* ---- SVG ------------------------------------------------------------- */

#define SVG_W 960
#define SVG_LEFT 80
#define SVG_RIGHT 30
#define SVG_PLOT_W (SVG_W - SVG_LEFT - SVG_RIGHT)
#define SLOTS_TOP 100
#define SLOTS_H 300
#define BARS_TOP (SLOTS_TOP + SLOTS_H + 160)
#define BARS_H 200
#define SVG_H (BARS_TOP + BARS_H + 110)

#define COLOUR_GREEN "#2e7d32"
#define COLOUR_AMBER "#ef9a00"
#define COLOUR_RED "#c62828"

/* Text with the five XML special characters escaped. */
static void
svg_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		default:
			fputc(*s, out);
			break;
		}
	}
}

/* A <text> element; anchor "start", "middle" or "end"; rotate in
 * degrees (0: none). */
static void
svg_label(FILE *out, int x, int y, const char *anchor, int rotate,
    const char *cls, const char *text)
{
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" class=\"%s\"",
	    x, y, anchor, cls);
	if (rotate != 0)
		fprintf(out, " transform=\"rotate(%d %d %d)\"", rotate, x, y);
	fputc('>', out);
	svg_text(out, text);
	fputs("</text>\n", out);
}

/* The warning and over times most meetings of the range use. */
static void
common_band(const struct mdt_review *r, int *warn_s, int *over_s)
{
	size_t best = 0;

	*warn_s = 300;
	*over_s = 420;
	for (size_t i = 0; i < r->n_meetings; i++) {
		size_t n = 0;

		for (size_t j = 0; j < r->n_meetings; j++)
			n += r->meetings[j].warn_s == r->meetings[i].warn_s &&
			    r->meetings[j].over_s == r->meetings[i].over_s;
		if (n > best) {
			best = n;
			*warn_s = r->meetings[i].warn_s;
			*over_s = r->meetings[i].over_s;
		}
	}
}

static const char *
band_colour(int64_t ms, int warn_s, int over_s)
{
	if (ms < (int64_t)warn_s * 1000)
		return COLOUR_AMBER;
	if (ms <= (int64_t)over_s * 1000)
		return COLOUR_GREEN;
	return COLOUR_RED;
}

/* One label in every step so that at most max are drawn. */
static size_t
label_step(size_t n, size_t max)
{
	return n <= max ? 1 : (n + max - 1) / max;
}

/* The y of a slot time on a scale of top_min minutes (longer times are
 * drawn at the top). */
static int
slot_y(int64_t ms, int top_min)
{
	int64_t top = (int64_t)top_min * 60000;

	return SLOTS_TOP + SLOTS_H - (int)((ms > top ? top : ms) * SLOTS_H /
	    top);
}

/*
 * A meeting too narrow for a dot per slot (a long range): a line from
 * the 10th to the 90th percentile of its slots, and a dot at the median
 * in the colour of its band.
 */
static void
svg_whisker(FILE *out, const struct mdt_review_meeting *m, int cx,
    int top_min)
{
	int64_t *v = mdt_xreallocarray(NULL, m->n_slots, sizeof(*v));
	int64_t med;
	char buf[96];

	memcpy(v, m->slot_ms, m->n_slots * sizeof(*v));
	qsort(v, m->n_slots, sizeof(*v), cmp_i64);
	med = (int64_t)median_of(v, m->n_slots);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " class=\"whisker\"/>\n", cx, slot_y((int64_t)percentile_of(v,
	    m->n_slots, 10), top_min), cx, slot_y((int64_t)percentile_of(v,
	    m->n_slots, 90), top_min));
	fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"1.5\" fill=\"%s\">"
	    "<title>", cx, slot_y(med, top_min),
	    band_colour(med, m->warn_s, m->over_s));
	snprintf(buf, sizeof(buf), "%s: median %" PRId64 ":%02d of %zu slots",
	    m->date, med / 60000, (int)(med / 1000 % 60), m->n_slots);
	svg_text(out, buf);
	fputs("</title></circle>\n", out);
	free(v);
}

static void
svg_slots(const struct mdt_review *r, FILE *out)
{
	int64_t max_ms = 0;
	int top_min, tick, warn_s, over_s, y;
	size_t step = label_step(r->n_meetings, 40);
	char buf[64];

	common_band(r, &warn_s, &over_s);
	for (size_t i = 0; i < r->n_meetings; i++)
		for (size_t j = 0; j < r->meetings[i].n_slots; j++)
			if (r->meetings[i].slot_ms[j] > max_ms)
				max_ms = r->meetings[i].slot_ms[j];
	top_min = (int)(max_ms / 60000) + 1;
	if (top_min < over_s / 60 + 3)
		top_min = over_s / 60 + 3;
	if (top_min < 10)
		top_min = 10;
	if (top_min > 30)
		top_min = 30;	/* longer slots are drawn at the top */
	tick = top_min <= 15 ? 1 : 5;

	svg_label(out, SVG_LEFT, SLOTS_TOP - 16, "start", 0, "heading",
	    "Time per slot discussed, by meeting, against the band");
	fprintf(out, "<g class=\"axes\">\n");
	for (int m = 0; m <= top_min; m += tick) {
		y = slot_y((int64_t)m * 60000, top_min);
		fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
		    " class=\"grid\"/>\n", SVG_LEFT, y, SVG_LEFT + SVG_PLOT_W,
		    y);
		snprintf(buf, sizeof(buf), "%d", m);
		svg_label(out, SVG_LEFT - 8, y + 4, "end", 0, "tick", buf);
	}
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " class=\"axis\"/>\n", SVG_LEFT, SLOTS_TOP, SVG_LEFT,
	    SLOTS_TOP + SLOTS_H);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " class=\"axis\"/>\n", SVG_LEFT, SLOTS_TOP + SLOTS_H,
	    SVG_LEFT + SVG_PLOT_W, SLOTS_TOP + SLOTS_H);
	svg_label(out, 24, SLOTS_TOP + SLOTS_H / 2, "middle", -90, "axis-label",
	    "Minutes per slot");
	svg_label(out, SVG_LEFT + SVG_PLOT_W / 2, SLOTS_TOP + SLOTS_H + 100,
	    "middle", 0, "axis-label", "Meeting (date opened)");
	fputs("</g>\n", out);

	/* The band: lines at the warning and over times. */
	y = slot_y((int64_t)warn_s * 1000, top_min);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " class=\"band-warn\"/>\n", SVG_LEFT, y, SVG_LEFT + SVG_PLOT_W, y);
	snprintf(buf, sizeof(buf), "%d:%02d", warn_s / 60, warn_s % 60);
	svg_label(out, SVG_LEFT + SVG_PLOT_W + 2, y + 4, "start", 0, "band",
	    buf);
	y = slot_y((int64_t)over_s * 1000, top_min);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " class=\"band-over\"/>\n", SVG_LEFT, y, SVG_LEFT + SVG_PLOT_W, y);
	snprintf(buf, sizeof(buf), "%d:%02d", over_s / 60, over_s % 60);
	svg_label(out, SVG_LEFT + SVG_PLOT_W + 2, y + 4, "start", 0, "band",
	    buf);

	if (r->n_meetings == 0)
		svg_label(out, SVG_LEFT + SVG_PLOT_W / 2,
		    SLOTS_TOP + SLOTS_H / 2, "middle", 0, "tick",
		    "No meeting was held in the range");
	for (size_t i = 0; i < r->n_meetings; i++) {
		const struct mdt_review_meeting *m = &r->meetings[i];
		int cx = SVG_LEFT + (int)((2 * i + 1) * SVG_PLOT_W /
		    (2 * r->n_meetings));
		int colw = SVG_PLOT_W / (int)r->n_meetings;
		int spread = colw / 3 < 8 ? colw / 3 : 8;

		fprintf(out, "<g class=\"meeting\" data-meeting=\"%" PRId64
		    "\">\n", m->id);
		if (colw < 6 && m->n_slots > 0) {
			svg_whisker(out, m, cx, top_min);
		} else for (size_t j = 0; j < m->n_slots; j++) {
			int64_t ms = m->slot_ms[j];
			int dx = spread == 0 ? 0 :
			    (int)(j % 5) * spread / 2 - spread;

			fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"3.5\""
			    " fill=\"%s\"><title>", cx + dx,
			    slot_y(ms, top_min),
			    band_colour(ms, m->warn_s, m->over_s));
			snprintf(buf, sizeof(buf), "%s: %" PRId64 ":%02d",
			    m->date, ms / 60000, (int)(ms / 1000 % 60));
			svg_text(out, buf);
			fputs("</title></circle>\n", out);
		}
		if (i % step == 0)
			svg_label(out, cx, SLOTS_TOP + SLOTS_H + 14, "end",
			    -60, "tick", m->date);
		fputs("</g>\n", out);
	}
}

static void
svg_bars(const struct mdt_review *r, FILE *out)
{
	int64_t max = 0;
	int top, tick, y;
	size_t n = r->n_periods, step = label_step(n, 30);
	char buf[64];

	for (size_t i = 0; i < n; i++)
		if (r->periods[i].closed > max)
			max = r->periods[i].closed;
	tick = 1;
	while (max / tick > 8)
		tick = tick == 1 ? 2 : tick == 2 ? 5 : tick * 2;
	top = (int)((max + tick - 1) / tick) * tick;
	if (top == 0)
		top = tick;

	snprintf(buf, sizeof(buf), "Actions closed (done) per %s",
	    r->monthly ? "month" : "week");
	svg_label(out, SVG_LEFT, BARS_TOP - 16, "start", 0, "heading", buf);
	fputs("<g class=\"axes\">\n", out);
	for (int v = 0; v <= top; v += tick) {
		y = BARS_TOP + BARS_H - v * BARS_H / top;
		fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
		    " class=\"grid\"/>\n", SVG_LEFT, y, SVG_LEFT + SVG_PLOT_W,
		    y);
		snprintf(buf, sizeof(buf), "%d", v);
		svg_label(out, SVG_LEFT - 8, y + 4, "end", 0, "tick", buf);
	}
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " class=\"axis\"/>\n", SVG_LEFT, BARS_TOP, SVG_LEFT,
	    BARS_TOP + BARS_H);
	svg_label(out, 24, BARS_TOP + BARS_H / 2, "middle", -90, "axis-label",
	    "Actions closed");
	svg_label(out, SVG_LEFT + SVG_PLOT_W / 2, BARS_TOP + BARS_H + 100,
	    "middle", 0, "axis-label", r->monthly ? "Month starting" :
	    "Week starting");
	fputs("</g>\n", out);

	for (size_t i = 0; i < n; i++) {
		int x0 = SVG_LEFT + (int)(i * SVG_PLOT_W / n);
		int x1 = SVG_LEFT + (int)((i + 1) * SVG_PLOT_W / n);
		int w = (x1 - x0) * 4 / 5, h;

		if (w < 1)
			w = 1;
		h = (int)(r->periods[i].closed * BARS_H / top);
		fprintf(out, "<rect class=\"bar\" x=\"%d\" y=\"%d\""
		    " width=\"%d\" height=\"%d\"><title>",
		    x0 + (x1 - x0 - w) / 2, BARS_TOP + BARS_H - h, w, h);
		snprintf(buf, sizeof(buf), "%s to %s: %" PRId64,
		    r->periods[i].from, r->periods[i].to, r->periods[i].closed);
		svg_text(out, buf);
		fputs("</title></rect>\n", out);
		if (i % step == 0)
			svg_label(out, (x0 + x1) / 2, BARS_TOP + BARS_H + 14,
			    "end", -60, "tick", r->periods[i].from);
	}
}

enum mdt_status
mdt_review_svg(struct mdt_store *s, const struct mdt_review *r, FILE *out)
{
	char title[96];
	int warn_s, over_s;

	errno = 0;
	common_band(r, &warn_s, &over_s);
	snprintf(title, sizeof(title), "MDT review %s to %s", r->from, r->to);
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
	    " height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
	    SVG_W, SVG_H, SVG_W, SVG_H);
	fputs("<title>", out);
	svg_text(out, title);
	fputs("</title>\n<style>\n"
	    "text { font-family: sans-serif; fill: #222; }\n"
	    ".title { font-size: 20px; font-weight: bold; }\n"
	    ".heading { font-size: 15px; font-weight: bold; }\n"
	    ".axis-label { font-size: 13px; }\n"
	    ".tick, .band { font-size: 11px; }\n"
	    ".legend { font-size: 12px; }\n"
	    ".grid { stroke: #e4e4e4; stroke-width: 1; }\n"
	    ".axis { stroke: #444; stroke-width: 1; }\n"
	    ".band-warn { stroke: " COLOUR_AMBER "; stroke-width: 1.5;"
	    " stroke-dasharray: 6 4; }\n"
	    ".band-over { stroke: " COLOUR_RED "; stroke-width: 1.5;"
	    " stroke-dasharray: 6 4; }\n"
	    ".bar { fill: #3f6fb5; }\n"
	    ".whisker { stroke: #9e9e9e; stroke-width: 1; }\n"
	    "</style>\n"
	    "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\""
	    " fill=\"#ffffff\"/>\n", out);
	svg_label(out, SVG_LEFT, 30, "start", 0, "title", title);
	{
		char legend[3][64];
		const char *colour[3] = { COLOUR_GREEN, COLOUR_AMBER,
		    COLOUR_RED };

		snprintf(legend[0], sizeof(legend[0]), "within the band"
		    " (%d:%02d to %d:%02d)", warn_s / 60, warn_s % 60,
		    over_s / 60, over_s % 60);
		snprintf(legend[1], sizeof(legend[1]), "under %d:%02d",
		    warn_s / 60, warn_s % 60);
		snprintf(legend[2], sizeof(legend[2]), "over %d:%02d",
		    over_s / 60, over_s % 60);
		fputs("<g class=\"legend\">\n", out);
		for (int i = 0; i < 3; i++) {
			int x = SVG_LEFT + 230 * i;

			fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"4\""
			    " fill=\"%s\"/>\n", x + 4, 50, colour[i]);
			svg_label(out, x + 14, 54, "start", 0, "legend",
			    legend[i]);
		}
		fputs("</g>\n", out);
	}
	svg_slots(r, out);
	svg_bars(r, out);
	fputs("</svg>\n", out);
	return write_status(s, out, 0, "the chart");
}
