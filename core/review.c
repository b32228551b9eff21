/*
 * review.c - the figures of the review of a period for the network's
 * leads: meetings held, patients and slots discussed, time per slot
 * against the band, actions opened, closed and overdue, outcomes, where
 * patients came from and who attended, read in one read transaction.
 * They are written as text and JSON by review_write.c and charted by
 * review_svg.c.
 *
 * Every figure comes from times, states, kinds, lists and roles, never
 * from names or note text, so that a retention purge changes none of
 * them.  The definitions are in review.h and docs/review.md.
 */
#include "config.h"

#include "review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consent_before.h"
#include "model.h"
#include "review_internal.h"
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
	return mdt_date_strict(s, out);
}

/* ---- small sorted statistics ------------------------------------------ */

int
mdt_i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The median of n sorted values (the mean of the middle two if even). */
double
mdt_median_of(const int64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	if (n % 2 == 1)
		return (double)v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

/* Nearest rank: the value at rank ceil(p/100 n) of n sorted values. */
double
mdt_percentile_of(const int64_t *v, size_t n, int p)
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
	a->v = mdt_grow(a->v, a->n, &a->cap, sizeof(*a->v));
	a->v[a->n++] = x;
}

/* ---- loading --------------------------------------------------------- */

/* What an element of the review's arrays owns, freed. */
static void
review_meeting_done(void *row)
{
	free(((struct mdt_review_meeting *)row)->slot_ms);
}

/* The meetings opened in [start, end). */
static void
read_meeting(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_review_meeting *m = row;
	struct mdt_review *r = ctx;

	mdt_cols(st, "i--dd", MDT_F(m->id), MDT_F(m->warn_s), MDT_F(m->over_s));
	mdt_date_of(mdt_col_int(st, 1), m->date);
	m->closed = mdt_meeting_state_parse(
	    (const char *)sqlite3_column_text(st, 2)) == MDT_MEETING_CLOSED;
	r->meetings_held++;
	if (m->closed)
		r->meetings_closed++;
}

static enum mdt_status
load_meetings(struct mdt_store *s, int64_t start, int64_t end,
    struct mdt_review *r)
{
	return mdt_read_array(s, &r->meetings, &r->n_meetings,
	    sizeof(*r->meetings), review_meeting_done, read_meeting, r,
	    "reading the meetings", "SELECT id, opened_at, state,"
	    " warn_seconds, over_seconds FROM meetings"
	    " WHERE opened_at >= ? AND opened_at < ?"
	    " ORDER BY opened_at, id", "ii", start, end);
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
		mdt_cols(st, "---iiii", MDT_F(t.started_at), MDT_F(t.paused_at),
		    MDT_F(t.closed_at), MDT_F(t.paused_ms));
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
		qsort(all.v, all.n, sizeof(*all.v), mdt_i64_cmp);
		r->mean_s = sum / (double)all.n / 1000.0;
		r->median_s = mdt_median_of(all.v, all.n) / 1000.0;
		r->p90_s = mdt_percentile_of(all.v, all.n, 90) / 1000.0;
	}
	if (patients.n > 0)
		qsort(patients.v, patients.n, sizeof(*patients.v), mdt_i64_cmp);
	for (size_t i = 0; i < patients.n; i++)
		if (i == 0 || patients.v[i] != patients.v[i - 1])
			r->patients_discussed++;
	free(all.v);
	free(patients.v);
	return status;
}

/* Rows of (name, n[, meetings]) into an array. */
static void
read_count(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_review_count *c = row;
	const bool *with_meetings = ctx;

	mdt_cols(st, *with_meetings ? "sii" : "si", MDT_F(c->name), MDT_F(c->n),
	    MDT_F(c->meetings));
}

static void
count_done(void *row)
{
	free(((struct mdt_review_count *)row)->name);
}

enum mdt_status
mdt_review_counts_load(struct mdt_store *s, const char *what,
    bool with_meetings, const char *sql, int64_t start, int64_t end,
    struct mdt_review_count **v, size_t *n)
{
	return mdt_read_array(s, v, n, sizeof(**v), count_done, read_count,
	    &with_meetings, what, sql, "ii", start, end);
}

void
mdt_review_counts_free(struct mdt_review_count *v, size_t n)
{
	mdt_array_free(v, n, sizeof(*v), count_done);
}

static enum mdt_status
load_referrers(struct mdt_store *s, int64_t start, int64_t end,
    struct mdt_review *r)
{
	enum mdt_status status;
	int64_t named = 0;

	status = mdt_review_counts_load(s, "reading the referrals", false,
	    "SELECT le.referred_by, count(*)"
	    " FROM meetings m JOIN slots s ON s.meeting_id = m.id"
	    " JOIN candidates c ON c.meeting_id = s.meeting_id"
	    "  AND c.patient_id = s.patient_id"
	    " JOIN list_entries le ON le.candidate_id = c.id"
	    " WHERE m.opened_at >= ? AND m.opened_at < ?"
	    " AND s.state <> 'pending' AND le.list = 'referral'"
	    " AND (c.lists & 2) <> 0 AND trim(le.referred_by) <> ''"
	    " GROUP BY le.referred_by ORDER BY count(*) DESC, le.referred_by",
	    start, end, &r->referrers, &r->n_referrers);
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
	/* every referral raised in the period, discussed or not */
	if (status == MDT_OK)
		status = mdt_review_counts_load(s, "reading the referrals", false,
		    "SELECT CASE WHEN trim(service) = '' THEN"
		    " '(service not recorded)' ELSE service END AS sv, count(*)"
		    " FROM referrals WHERE raised_at >= ? AND raised_at < ?"
		    " GROUP BY sv ORDER BY count(*) DESC, sv", start, end,
		    &r->services, &r->n_services);
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
	return mdt_review_counts_load(s, "reading the attendance", true,
	    "SELECT p.role, count(*), count(DISTINCT a.meeting_id)"
	    " FROM meetings m JOIN attendance a ON a.meeting_id = m.id"
	    " JOIN people p ON p.id = a.person_id"
	    " WHERE m.opened_at >= ? AND m.opened_at < ?"
	    " AND a.status = 'present' GROUP BY p.role ORDER BY p.role",
	    start, end, &r->disciplines, &r->n_disciplines);
}

/* The periods of the chart of actions closed. */
static void
make_periods(struct mdt_review *r, int64_t d0, int64_t d1)
{
	size_t cap = 0;

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
	for (int64_t a = d0; a <= d1;) {
		int y, m, d;
		int64_t next;

		day_ymd(a, &y, &m, &d);
		next = m == 12 ? day_number(y + 1, 1, 1) :
		    day_number(y, m + 1, 1);
		r->periods = mdt_grow(r->periods, r->n_periods, &cap,
		    sizeof(*r->periods));
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

/* The actions closed in the range, as load_actions counts them. */
struct closed_count {
	struct mdt_review *r;
	int64_t d0;
	struct i64_vec days;	/* days each took to close */
};

static void
count_closed(sqlite3_stmt *st, void *ctx)
{
	struct closed_count *c = ctx;
	struct mdt_review *r = c->r;
	int64_t closed_day;

	if (strcmp((const char *)sqlite3_column_text(st, 0), "cancelled") ==
	    0) {
		r->actions_cancelled++;
		return;
	}
	r->actions_closed++;
	closed_day = ms_day(mdt_col_int(st, 2));
	vec_push(&c->days, closed_day - ms_day(mdt_col_int(st, 1)));
	if (r->n_periods > 0)
		r->periods[period_of(r, c->d0, closed_day)].closed++;
}

static enum mdt_status
load_actions(struct mdt_store *s, int64_t start, int64_t end, int64_t d0,
    struct mdt_review *r)
{
	struct closed_count c = { r, d0, { 0 } };
	struct i64_vec *days = &c.days;
	enum mdt_status status;
	char cutoff[11];
	int64_t at = end;

	status = mdt_query_int(s, &r->actions_opened, "SELECT count(*)"
	    " FROM actions WHERE created_at >= ? AND created_at < ?"
	    " AND withdrawn_at IS NULL", "ii",
	    start, end);
	/* overdue at the end of the range, or now if the range ends later:
	 * an action not yet due today is not overdue, whatever the range.
	 * An action withdrawn (entered in error) was never agreed: it counts
	 * nowhere. */
	mdt_date_of(mdt_store_now(s), cutoff);
	if (strcmp(cutoff, r->to) < 0)
		at = mdt_store_now(s);
	else
		memcpy(cutoff, r->to, sizeof(cutoff));
	if (status == MDT_OK)
		/* still open, or closed after: the open ones due before the
		 * day, counted by month (actions_open_by_month) and, in the
		 * day's month, by when due, less those agreed after; the
		 * others by when they closed */
		status = mdt_query_int(s, &r->actions_overdue, "SELECT"
		    " (SELECT coalesce(sum(n), 0) FROM actions_open_by_month"
		    "  WHERE month < substr(?2, 1, 7))"
		    " + (SELECT count(*) FROM actions INDEXED BY actions_open_due"
		    "  WHERE status = 'open' AND withdrawn_at IS NULL"
		    "  AND due_date >= substr(?2, 1, 7) AND due_date < ?2)"
		    " - (SELECT count(*) FROM actions"
		    "  INDEXED BY actions_by_created WHERE created_at >= ?1"
		    "  AND status = 'open' AND withdrawn_at IS NULL"
		    "  AND due_date < ?2)"
		    " + (SELECT count(*) FROM actions WHERE closed_at >= ?1"
		    "  AND status <> 'open' AND created_at < ?1"
		    "  AND due_date < ?2 AND withdrawn_at IS NULL)", "it", at,
		    cutoff);
	if (status != MDT_OK)
		return status;
	status = mdt_read_each(s, count_closed, &c, "reading the actions",
	    "SELECT status, created_at, closed_at FROM actions"
	    " WHERE status IN ('done', 'cancelled') AND closed_at >= ?"
	    " AND closed_at < ? AND withdrawn_at IS NULL", "ii", start, end);
	if (days->n > 0)
		qsort(days->v, days->n, sizeof(*days->v), mdt_i64_cmp);
	r->median_days_to_close = days->n > 0 ?
	    mdt_median_of(days->v, days->n) : -1;
	free(days->v);
	return status;
}

/* One death: its place (an index of mdt_death_places, or unknown), and
 * the rest as counted. */
static void
count_death(sqlite3_stmt *st, void *ctx)
{
	struct mdt_review *r = ctx;
	const char *place = (const char *)sqlite3_column_text(st, 0);
	int64_t expected = mdt_col_int(st, 1);
	size_t i = 0;

	for (; place != NULL && i < MDT_DEATH_PLACES &&
	    strcmp(mdt_death_places[i], place) != 0; i++)
		;
	r->deaths++;
	r->death_places[place != NULL ? i : MDT_DEATH_PLACES]++;
	r->deaths_in_slots += mdt_col_int(st, 2);
	r->deaths_expected += expected == 1;
	r->deaths_unexpected += expected == 0;
	r->relatives_7d += mdt_col_int(st, 3);
}

/* The deaths of the range, by date of death: between meetings, and as a
 * slot's outcome (the first, once a patient, unless recorded between
 * meetings too).  Only the deaths dated in the range are read: those
 * between meetings by their date (deaths_by_died_on); the outcomes died
 * by their date (outcomes_died_on), or, with none, by when they were
 * recorded (outcomes_died, a day either side of the range for the local
 * day; the date decides), each patient's first then looked up among
 * their own slots. */
static enum mdt_status
load_deaths(struct mdt_store *s, int64_t start, int64_t end,
    struct mdt_review *r)
{
	return mdt_read_each(s, count_death, r, "reading the deaths",
	    "WITH seen(patient_id) AS (SELECT s.patient_id FROM outcomes o"
	    "  INDEXED BY outcomes_died_on JOIN slots s ON s.id = o.slot_id"
	    "  WHERE o.kind = 'died' AND o.died_on >= ?1 AND o.died_on <= ?2"
	    " UNION SELECT s.patient_id FROM outcomes o"
	    "  INDEXED BY outcomes_died JOIN slots s ON s.id = o.slot_id"
	    "  WHERE o.kind = 'died' AND o.died_on IS NULL"
	    "  AND o.recorded_at >= ?3 AND o.recorded_at < ?4),"
	    " first(id) AS (SELECT (SELECT o.id FROM slots s"
	    "  JOIN outcomes o ON o.slot_id = s.id"
	    "  WHERE s.patient_id = seen.patient_id AND o.kind = 'died'"
	    "  ORDER BY o.recorded_at, o.id LIMIT 1) FROM seen"
	    "  WHERE NOT EXISTS (SELECT 1 FROM deaths"
	    "  WHERE patient_id = seen.patient_id)),"
	    " d AS (SELECT patient_id, died_on, place, expected,"
	    "  recorded_at, 0 AS in_slot FROM deaths"
	    "  WHERE died_on >= ?1 AND died_on <= ?2"
	    " UNION ALL SELECT s.patient_id, coalesce(o.died_on,"
	    "  date(o.recorded_at / 1000, 'unixepoch', 'localtime')), NULL,"
	    "  NULL, o.recorded_at, 1 FROM first"
	    "  JOIN outcomes o ON o.id = first.id"
	    "  JOIN slots s ON s.id = o.slot_id)"
	    " SELECT d.place, coalesce(d.expected, -1), d.in_slot,"
	    " EXISTS (SELECT 1 FROM actions a WHERE a.patient_id = d.patient_id"
	    "  AND a.kind = 'contact_relatives' AND a.status = 'done'"
	    "  AND a.closed_at <= d.recorded_at + 7 * 86400000)"
	    " FROM d WHERE d.died_on >= ?1 AND d.died_on <= ?2", "ttii",
	    r->from, r->to, start - 86400000, end + 86400000);
}

/* One answer asked before a meeting, counted. */
static void
count_asked(sqlite3_stmt *st, void *ctx)
{
	struct mdt_review *r = ctx;
	int64_t answer = mdt_col_int(st, 0);

	if (answer >= 1 && answer <= 4)
		r->asked[answer - 1] += mdt_col_int(st, 1);
	if (answer == 2)
		r->asked_kept_off += mdt_col_int(st, 2);
}

/* The consent asked before meetings in the range, by answer. */
static enum mdt_status
load_asked(struct mdt_store *s, struct mdt_review *r)
{
	return mdt_read_each(s, count_asked, r, "reading the consent asked",
	    "SELECT " MDT_ASKED_ANSWER_SQL("a") ", count(*),"
	    " sum(a.justification IS NULL) FROM consent_asked a"
	    " WHERE a.asked_on >= ?1 AND a.asked_on <= ?2 GROUP BY a.answer",
	    "tt", r->from, r->to);
}

/* The rising-risk register's additions, escalations and removals of the
 * range (ms, start inclusive, end exclusive). */
static void
count_rising(sqlite3_stmt *st, void *ctx)
{
	struct mdt_review *r = ctx;

	r->rising_added = mdt_col_int(st, 0);
	r->rising_escalated = mdt_col_int(st, 1);
	r->rising_removed = mdt_col_int(st, 2);
}

static enum mdt_status
load_rising(struct mdt_store *s, int64_t start, int64_t end,
    struct mdt_review *r)
{
	return mdt_read_each(s, count_rising, r, "reading the rising-risk"
	    " register", "SELECT count(*) FILTER (WHERE kind = 'added'),"
	    " count(*) FILTER (WHERE kind = 'escalated'),"
	    " count(*) FILTER (WHERE kind = 'removed')"
	    " FROM rising_risk_events WHERE at >= ? AND at < ?", "ii", start,
	    end);
}

/* The range of a review, as the loaders read it. */
struct review_read {
	int64_t start, end;	/* ms */
	int64_t d0;		/* day number of the first day */
	struct mdt_review *r;
};

/* Every figure, in one read transaction: they agree with each other even
 * if another window writes meanwhile. */
static enum mdt_status
review_tx(struct mdt_store *s, void *ctx)
{
	const struct review_read *a = ctx;
	enum mdt_status st;

	st = load_meetings(s, a->start, a->end, a->r);
	if (st == MDT_OK)
		st = load_slots(s, a->start, a->end, a->r);
	if (st == MDT_OK)
		st = load_referrers(s, a->start, a->end, a->r);
	if (st == MDT_OK)
		st = load_attendance(s, a->start, a->end, a->r);
	if (st == MDT_OK)
		st = load_actions(s, a->start, a->end, a->d0, a->r);
	if (st == MDT_OK)
		st = load_deaths(s, a->start, a->end, a->r);
	if (st == MDT_OK)
		st = load_asked(s, a->r);
	if (st == MDT_OK)
		st = load_rising(s, a->start, a->end, a->r);
	if (st == MDT_OK)
		st = mdt_review_load_use(s, a->start, a->end, a->r);
	return st;
}

enum mdt_status
mdt_review_load(struct mdt_store *s, const char *from, const char *to,
    struct mdt_review *out)
{
	enum mdt_status st;
	int64_t d0, d1;

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
	make_periods(out, d0, d1);
	st = mdt_tx_read(s, review_tx, &(struct review_read){ day_start(d0),
	    day_start(d1 + 1), d0, out });
	if (st != MDT_OK)
		mdt_review_free(out);
	return st;
}

void
mdt_review_free(struct mdt_review *r)
{
	if (r == NULL)
		return;
	mdt_review_counts_free(r->referrers, r->n_referrers);
	mdt_review_counts_free(r->services, r->n_services);
	mdt_review_counts_free(r->disciplines, r->n_disciplines);
	mdt_array_free(r->meetings, r->n_meetings, sizeof(*r->meetings),
	    review_meeting_done);
	free(r->periods);
	mdt_review_use_free(r);
	memset(r, 0, sizeof(*r));
	r->median_days_to_close = -1;
}

