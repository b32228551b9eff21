/*
 * test_growth.c - what a user repeats costs what it shows, not the length
 * of the history.  Each test counts SQLite's VM steps of one read on the
 * demo store, adds years of history that the read does not show, and
 * counts again: a read that scans the history would add thousands.
 * An import's steps grow with its rows, not with the rows before them.
 */
#include "config.h"

#include "fixture.h"

#define HISTORY 5000		/* rows of history added */
#define SLACK 64		/* steps a read may differ by, first run apart */
/* SQL: the rows n(i), i from 1 to the integer argument. */
#define SERIES "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL" \
	" SELECT i + 1 FROM n WHERE i < %d)"

/* ---- the history ------------------------------------------------------ */

/* HISTORY audit rows, each a day apart, ending a year before the fake
 * clock. */
static void
add_old_audit(struct fx *f)
{
	fx_execf(f->s, SERIES
	    " INSERT INTO audit (at, actor, action, entity, entity_uuid,"
	    " detail) SELECT %lld - (365 + i) * 86400000, 'past', 'update',"
	    " 'slot', 'old-' || i, 'old' FROM n", HISTORY, (long long)FX_T0);
}

/* HISTORY actions of the demo's first patient, owned by the first
 * person, uuids 'old-TAG-i', agreed (before + i) days before the fake
 * clock, due on due (SQL, of i), in status; closed a day after agreed
 * when done. */
static void
add_actions(struct fx *f, const char *tag, const char *text,
    const char *due, const char *status, int before)
{
	fx_execf(f->s, SERIES
	    " INSERT INTO actions (uuid, patient_id, text, owner_id, due_date,"
	    " status, created_at, closed_at) SELECT 'old-%s-' || i,"
	    " (SELECT min(id) FROM patients), '%s', (SELECT min(id) FROM"
	    " people), %s, '%s', %lld - (%d + i) * 86400000, CASE '%s' WHEN"
	    " 'done' THEN %lld - (%d + i) * 86400000 END FROM n", HISTORY, tag,
	    text, due, status, (long long)FX_T0, before, status,
	    (long long)FX_T0, before - 1);
}

/* HISTORY actions agreed and done years before the fake clock. */
static void
add_old_actions(struct fx *f)
{
	add_actions(f, "a", "Past", "'2010-01-01'", "done", 730);
}

/* HISTORY past meetings, a week apart before the demo's, each with a
 * patient who died in it, and as many deaths recorded between them: all
 * years before the meeting before the demo's. */
static void
add_old_deaths(struct fx *f)
{
	fx_execf(f->s, SERIES
	    " INSERT INTO patients (uuid, nhs_number, name)"
	    " SELECT 'old-p-' || i, 8000000000 + i, 'Past ' || i FROM n",
	    2 * HISTORY);
	fx_execf(f->s, SERIES
	    " INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes, state, opened_at) SELECT 'old-m-' || i, 'Past',"
	    " (SELECT min(scheduled_start) FROM meetings) - i * 604800000,"
	    " 90, 'closed', (SELECT min(scheduled_start) FROM meetings)"
	    " - i * 604800000 FROM n", HISTORY);
	fx_exec(f->s, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position, state) SELECT 'old-s-' || substr(m.uuid, 7), m.id,"
	    " p.id, 1, 'done' FROM meetings m JOIN patients p"
	    " ON p.uuid = 'old-p-' || substr(m.uuid, 7)"
	    " WHERE m.uuid GLOB 'old-m-*'");
	fx_exec(f->s, "INSERT INTO outcomes (uuid, slot_id, kind, died_on,"
	    " recorded_at) SELECT 'old-o-' || s.id, s.id, 'died', '2000-01-01',"
	    " m.scheduled_start FROM slots s JOIN meetings m"
	    " ON m.id = s.meeting_id WHERE s.uuid GLOB 'old-s-*'");
	fx_execf(f->s, "INSERT INTO deaths (uuid, patient_id,"
	    " died_on, recorded_at) SELECT 'old-d-' || p.id, p.id,"
	    " '2000-01-01', (SELECT min(scheduled_start) FROM meetings)"
	    " - 86400000 FROM patients p WHERE p.uuid GLOB 'old-p-*'"
	    " AND CAST(substr(p.uuid, 7) AS INTEGER) > %d", HISTORY);
}

/* HISTORY outbox rows never sent (due now) and as many delivered, all
 * older than the demo's own rows. */
static void
add_old_outbox(struct fx *f)
{
	fx_execf(f->s, SERIES
	    " INSERT INTO outbox (uuid, entity, entity_uuid, created_at,"
	    " next_at, state, sent_at) SELECT 'old-x-' || i, 'note',"
	    " 'old-n-' || i, %lld - i * 60000, %lld - i * 60000,"
	    " CASE WHEN i %% 2 = 0 THEN 'sent' ELSE 'pending' END,"
	    " CASE WHEN i %% 2 = 0 THEN %lld - i * 60000 END FROM n",
	    2 * HISTORY, (long long)FX_T0, (long long)FX_T0, (long long)FX_T0);
}

/* HISTORY open actions agreed years before the fake clock and due years
 * after it: never overdue in a review up to now. */
static void
add_open_later(struct fx *f)
{
	add_actions(f, "o", "Later", "'2040-01-01'", "open", 730);
}

/* HISTORY open actions agreed and due years before the fake clock, never
 * closed: overdue in every review since. */
static void
add_open_overdue(struct fx *f)
{
	add_actions(f, "d", "Forgotten",
	    "date('2010-01-01', '+' || (i % 3000) || ' days')", "open", 6000);
}

/* HISTORY meetings closed and purged years before the fake clock. */
static void
add_purged_meetings(struct fx *f)
{
	fx_execf(f->s, SERIES
	    " INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes, state, opened_at, closed_at, purged_at)"
	    " SELECT 'old-m-' || i, 'Past', %lld - (400 + i) * 86400000, 90,"
	    " 'closed', %lld - (400 + i) * 86400000, %lld - (400 + i)"
	    " * 86400000 + 3600000, %lld - 86400000 FROM n", HISTORY,
	    (long long)FX_T0, (long long)FX_T0, (long long)FX_T0,
	    (long long)FX_T0);
}

/* The demo's first patient on the rising-risk register, reviewed once a
 * day ago ("Latest"). */
static int64_t
put_on_register(struct fx *f)
{
	int64_t entry;

	fx_exec(f->s, "INSERT INTO rising_risk (uuid, patient_id, reason,"
	    " added_by, added_at, next_review) VALUES ('rr-now', (SELECT"
	    " min(id) FROM patients), 'Falls', 'Dr Shah', 0, '2020-01-01')");
	entry = fx_int(f->s, "SELECT id FROM rising_risk WHERE uuid = 'rr-now'");
	fx_execf(f->s, "INSERT INTO rising_risk_events (entry_id, kind, reason,"
	    " actor, at) SELECT id, 'reviewed', 'Latest', 'Dr Shah', %lld"
	    " FROM rising_risk WHERE uuid = 'rr-now'",
	    (long long)(FX_T0 - 86400000));
	return entry;
}

/* HISTORY older reviews of the stay on the register, and HISTORY stays
 * of other patients ended long ago, each with a review. */
static void
add_old_reviews(struct fx *f)
{
	fx_execf(f->s, SERIES
	    " INSERT INTO rising_risk_events (entry_id, kind, reason, actor,"
	    " at) SELECT (SELECT id FROM rising_risk WHERE uuid = 'rr-now'),"
	    " 'reviewed', 'Older ' || i, 'Dr Shah', %lld - (2 + i) * 86400000"
	    " FROM n", HISTORY, (long long)FX_T0);
	fx_execf(f->s, SERIES
	    " INSERT INTO rising_risk (uuid, patient_id, reason, added_by,"
	    " added_at, next_review, ended_at, end_reason) SELECT"
	    " 'rr-old-' || i, (SELECT min(id) FROM patients), 'Past', 'Dr Shah',"
	    " 0, '2010-01-01', 1, 'removed' FROM n", HISTORY);
	fx_exec(f->s, "INSERT INTO rising_risk_events (entry_id, kind, reason,"
	    " actor, at) SELECT id, 'reviewed', 'Past', 'Dr Shah', 1"
	    " FROM rising_risk WHERE uuid GLOB 'rr-old-*'");
}

/* ---- the reads -------------------------------------------------------- */

/* `mdtchair audit --since` a month before the fake clock. */
static void
read_audit_month(struct fx *f)
{
	FILE *out = fopen("/dev/null", "w");

	assert_non_null(out);
	assert_int_equal(mdt_audit_list(f->s, 0, FX_T0 - 30 * 86400 * FX_SEC,
	    out), MDT_OK);
	fclose(out);
}

/* SQLite's steps to read. */
static int64_t
steps_of(struct fx *f, void (*read)(struct fx *))
{
	int64_t steps = 0;

	fx_steps(f->s, &steps);
	read(f);
	fx_steps(f->s, NULL);
	return steps;
}

/* read's steps, before and after grow adds history, differ by no more
 * than SLACK. */
static void
assert_flat(struct fx *f, void (*read)(struct fx *),
    void (*grow)(struct fx *))
{
	int64_t before = steps_of(f, read), after;

	grow(f);
	after = steps_of(f, read);
	assert_true(after <= before + SLACK);
}

static void
test_audit_since_flat(void **state)
{
	struct fx *f = *state;
	int64_t rows = fx_int(f->s, "SELECT count(*) FROM audit");

	assert_flat(f, read_audit_month, add_old_audit);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"),
	    rows + HISTORY);
}

/* What `mdtchair status` reads: the counts, and the rows failed, in
 * conflict or held. */
static void
read_status(struct fx *f)
{
	struct mdt_outbox_counts c;
	struct mdt_outbox_row *rows;
	size_t n;

	assert_int_equal(mdt_outbox_counts(f->s, &c), MDT_OK);
	assert_int_equal(mdt_outbox_list(f->s,
	    MDT_OUTBOX_MASK(MDT_OUTBOX_FAILED) |
	    MDT_OUTBOX_MASK(MDT_OUTBOX_CONFLICT), 0, &rows, &n), MDT_OK);
	mdt_outbox_rows_free(rows, n);
	assert_int_equal(mdt_outbox_list_held(f->s, 21, &rows, &n), MDT_OK);
	mdt_outbox_rows_free(rows, n);
}

/* One row held, waiting on a refused one: status lists it, and only it,
 * with ten thousand rows more in the outbox, half never sent; its cost
 * is the rows it shows. */
static void
test_status_flat(void **state)
{
	struct fx *f = *state;
	struct mdt_outbox_row *rows;
	size_t n;

	/* held; a row whose backoff is as long, for another reason, is
	 * not; one delivered */
	fx_execf(f->s, "INSERT INTO outbox (uuid, entity, entity_uuid,"
	    " created_at, next_at, last_error) VALUES ('held', 'note', 'n-1',"
	    " %lld, %lld, 'waiting on Task/t1 (refused)'), ('busy', 'note',"
	    " 'n-2', %lld, %lld, 'HTTP 503')", (long long)FX_T0,
	    (long long)(FX_T0 + MDT_OUTBOX_HELD_MS), (long long)FX_T0,
	    (long long)(FX_T0 + MDT_OUTBOX_HELD_MS));
	fx_execf(f->s, "INSERT INTO outbox (uuid, entity, entity_uuid,"
	    " created_at, next_at, state, sent_at) VALUES ('went', 'note',"
	    " 'n-3', %lld, %lld, 'sent', %lld)", (long long)FX_T0,
	    (long long)FX_T0, (long long)FX_T0);
	assert_flat(f, read_status, add_old_outbox);
	assert_int_equal(mdt_outbox_list_held(f->s, 0, &rows, &n), MDT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].entity_uuid, "n-1");
	assert_string_equal(rows[0].last_error, "waiting on Task/t1 (refused)");
	mdt_outbox_rows_free(rows, n);
}

/* Each state's count in outbox_tally is the outbox's own, and each
 * month's in actions_open_by_month the open actions' due in it. */
static void
assert_tally_exact(struct fx *f)
{
	static const char *const states[] = { "pending", "sent", "failed",
	    "conflict" };

	for (size_t i = 0; i < MDT_COUNT(states); i++)
		assert_int_equal(fx_int(f->s, "SELECT n FROM outbox_tally"
		    " WHERE state = '%s'", states[i]), fx_int(f->s,
		    "SELECT count(*) FROM outbox WHERE state = '%s'",
		    states[i]));
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox_tally"), 4);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM (SELECT"
	    " substr(due_date, 1, 7) AS m, count(*) AS c FROM actions"
	    " WHERE status = 'open' AND withdrawn_at IS NULL GROUP BY 1) a"
	    " LEFT JOIN actions_open_by_month t ON t.month = a.m"
	    " WHERE t.n IS NOT a.c"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM"
	    " actions_open_by_month t WHERE n <> (SELECT count(*) FROM actions"
	    " WHERE status = 'open' AND withdrawn_at IS NULL"
	    " AND substr(due_date, 1, 7) = t.month)"), 0);
}

/* Actions agreed in slot 1 (consent given), each changed as the console
 * and the command line change them, the tallies checked after each. */
static void
change_actions(struct fx *f)
{
	int64_t owner = fx_person(f, "Hamza Qureshi"), a[4];
	const char *const due[] = { "2026-12-09", "2027-01-15", "+7",
	    "2026-11-30" };

	for (size_t i = 0; i < MDT_COUNT(a); i++) {
		assert_int_equal(mdt_action_add(f->s, fx_slot(f, 1), "Call",
		    owner, due[i], &a[i]), MDT_OK);
		assert_tally_exact(f);
	}
	assert_int_equal(mdt_action_set_status(f->s, a[0], MDT_ACTION_DONE),
	    MDT_OK);
	assert_tally_exact(f);
	assert_int_equal(mdt_action_set_status(f->s, a[0], MDT_ACTION_OPEN),
	    MDT_OK);
	assert_int_equal(mdt_action_set_status(f->s, a[1],
	    MDT_ACTION_CANCELLED), MDT_OK);
	assert_tally_exact(f);
	assert_int_equal(mdt_action_withdraw(f->s, a[2]), MDT_OK);
	assert_int_equal(mdt_action_edit(f->s, a[3], "Call back"), MDT_OK);
	assert_tally_exact(f);
	/* by hand: a due date moved a year on, a row deleted */
	fx_execf(f->s, "UPDATE actions SET due_date = '2027-12-09' WHERE id ="
	    " %lld", (long long)a[0]);
	assert_tally_exact(f);
	fx_execf(f->s, "DELETE FROM actions WHERE id = %lld",
	    (long long)a[3]);
	assert_tally_exact(f);
	assert_int_equal(fx_int(f->s, "SELECT n FROM actions_open_by_month"
	    " WHERE month = '2027-12'"), 1);
}

/* The ids of the rows in state, oldest first, at most max (*n). */
static int64_t *
outbox_ids(struct fx *f, enum mdt_outbox_state st, size_t max, size_t *n)
{
	struct mdt_outbox_row *rows;
	int64_t *ids;

	assert_int_equal(mdt_outbox_list(f->s, MDT_OUTBOX_MASK(st), max,
	    &rows, n), MDT_OK);
	ids = calloc(*n + 1, sizeof(*ids));
	assert_non_null(ids);
	for (size_t i = 0; i < *n; i++)
		ids[i] = rows[i].id;
	mdt_outbox_rows_free(rows, *n);
	return ids;
}

/* The counts status shows stay the rows' through every way the outbox
 * changes: rows queued by acts, sent, retried, failed, in conflict, put
 * back, held and released, a meeting purged after delivery, rows deleted
 * (by hand, as the sqlite3 shell would); and the open actions' by month
 * through actions agreed, closed, reopened, cancelled, withdrawn, edited,
 * moved and deleted, and the purge. */
static void
test_tallies_exact(void **state)
{
	struct fx *f = *state;
	struct mdt_outbox_counts c;
	struct mdt_purge_result res;
	int64_t *ids, back = 0;
	size_t n;

	assert_tally_exact(f);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting,
	    fx_person(f, "Dr Siobhán Ní Bhriain"), MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting,
	    fx_person(f, "Hamza Qureshi"), MDT_ATTEND_PRESENT), MDT_OK);
	f->now = FX_T0 + 10 * FX_SEC;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, fx_slot(f, 1),
	    MDT_CONSENT_GIVEN, NULL, NULL, 0), MDT_OK);
	change_actions(f);
	assert_int_equal(mdt_outcome_record(f->s, fx_slot(f, 1),
	    MDT_OUTCOME_CLOSE, NULL), MDT_OK);
	assert_tally_exact(f);
	ids = outbox_ids(f, MDT_OUTBOX_PENDING, 5, &n);
	assert_int_equal(n, 5);
	assert_int_equal(mdt_outbox_mark_sent(f->s, ids, 1, NULL, 0), MDT_OK);
	assert_int_equal(mdt_outbox_mark_retry(f->s, &ids[1], 1, FX_T0 + 60000,
	    "HTTP 503"), MDT_OK);
	assert_int_equal(mdt_outbox_mark_failed(f->s, &ids[2], 1,
	    MDT_OUTBOX_FAILED, "refused"), MDT_OK);
	assert_int_equal(mdt_outbox_mark_failed(f->s, &ids[3], 1,
	    MDT_OUTBOX_CONFLICT, "changed"), MDT_OK);
	/* sent again: already sent, nothing moves */
	assert_int_equal(mdt_outbox_mark_sent(f->s, ids, 1, NULL, 0), MDT_OK);
	assert_tally_exact(f);
	assert_int_equal(mdt_outbox_counts(f->s, &c), MDT_OK);
	assert_int_equal(c.failed, 1);
	assert_int_equal(c.conflict, 1);
	assert_int_equal(c.sent, 1);
	fx_execf(f->s, "UPDATE outbox SET next_at = %lld, last_error ="
	    " 'waiting on Task/t1 (refused)' WHERE id = %lld",
	    (long long)(FX_T0 + MDT_OUTBOX_HELD_MS), (long long)ids[4]);
	assert_int_equal(mdt_outbox_retry_problems(f->s, &back), MDT_OK);
	assert_int_equal(back, 2);
	assert_int_equal(mdt_outbox_due_now(f->s), MDT_OK);
	assert_tally_exact(f);
	free(ids);

	/* the meeting closed, everything delivered, purged a year on */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	ids = outbox_ids(f, MDT_OUTBOX_PENDING, 0, &n);
	assert_int_equal(mdt_outbox_mark_sent(f->s, ids, n, NULL, 0), MDT_OK);
	free(ids);
	assert_tally_exact(f);
	f->now += 400 * 86400 * FX_SEC;
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_int_equal(res.meetings, 1);
	assert_tally_exact(f);

	/* rows deleted and written by hand */
	fx_execf(f->s, "DELETE FROM outbox WHERE id %% 3 = 0");
	fx_execf(f->s, "UPDATE outbox SET state = 'failed' WHERE id %% 3 = 1");
	fx_exec(f->s, "INSERT INTO outbox (uuid, entity, entity_uuid,"
	    " created_at, state) VALUES ('hand-1', 'note', 'n-1', 1,"
	    " 'conflict')");
	assert_tally_exact(f);
	assert_int_equal(fx_int(f->s, "SELECT n FROM outbox_tally"
	    " WHERE state = 'conflict'"), 1);
}

/* The review of the year to the fake clock. */
static void
read_review_year(struct fx *f)
{
	struct mdt_review r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(mdt_review_load(f->s, "2025-11-26", "2026-11-25", &r),
	    MDT_OK);
	mdt_review_free(&r);
}

/* The actions of a year's review are read through when they were agreed
 * and closed (and the open ones through their own index): five thousand
 * closed years before add no step. */
static void
test_review_actions_flat(void **state)
{
	assert_flat(*state, read_review_year, add_old_actions);
}

/* The actions screen and `mdtchair actions`: the open ones (and those
 * the central record changed lately), every format. */
static void
read_open_actions(struct fx *f)
{
	struct mdt_actions_filter filter = { .record_since = FX_T0 -
	    30 * 86400 * FX_SEC };
	struct mdt_action_item *items;
	FILE *out = fopen("/dev/null", "w");
	size_t n;

	assert_non_null(out);
	assert_int_equal(mdt_actions_query(f->s, &filter, &items, &n), MDT_OK);
	assert_true(n > 0);
	mdt_action_items_free(items, n);
	assert_int_equal(mdt_actions_print(f->s, &filter, MDT_ACTIONS_JSON,
	    false, out), MDT_OK);
	fclose(out);
}

/* The open actions are found by their own index: five thousand finished
 * years before add no step (the finished were each read and left). */
static void
test_open_actions_flat(void **state)
{
	struct fx *f = *state;

	/* three open, so that the list shows something */
	fx_execf(f->s, SERIES " INSERT INTO actions (uuid, patient_id, text,"
	    " owner_id, due_date, status, created_at) SELECT 'now-' || i,"
	    " (SELECT min(id) FROM patients), 'Now', (SELECT min(id) FROM"
	    " people), '2026-12-01', 'open', %lld FROM n", 3,
	    (long long)FX_T0);
	assert_flat(f, read_open_actions, add_old_actions);
}

/* The deaths the demo's preparation and agenda list: those since the
 * meeting before. */
static void
read_deaths_since(struct fx *f)
{
	struct mdt_death *d;
	size_t n;

	assert_int_equal(mdt_deaths_since(f->s, f->meeting, &d, &n), MDT_OK);
	mdt_deaths_free(d, n);
}

/* The meeting before is found by its start and the deaths from it on
 * by when they were recorded: five thousand meetings each with a death,
 * and five thousand deaths between them, all before it, add no step. */
static void
test_deaths_since_flat(void **state)
{
	struct fx *f = *state;
	struct mdt_death *d;
	size_t n;

	assert_flat(f, read_deaths_since, add_old_deaths);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM deaths"), HISTORY);
	/* none of them since the meeting before the demo's */
	assert_int_equal(mdt_deaths_since(f->s, f->meeting, &d, &n), MDT_OK);
	assert_int_equal(n, 0);
	mdt_deaths_free(d, n);
}

/* ---- an import -------------------------------------------------------- */

/* The steps of importing a referral list of n new patients (NHS numbers
 * from the first-th valid one in the 971 range), their referrals then
 * withdrawn so that the next import carries none of them. */
static int64_t
import_cost(struct fx *f, int first, int n)
{
	struct mdt_import_report rep;
	char path[200], nhs[24];
	int64_t steps = 0;
	FILE *fp;
	long k = 0;

	snprintf(path, sizeof(path), "%s/list-%d.csv", f->dir, first);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("nhs_number,name,date_of_birth,practice,reason,referred_by\n",
	    fp);
	for (int i = 0; i < first + n; k++) {
		snprintf(nhs, sizeof(nhs), "971%06ld", k);
		if (mdt_nhs_check_digit(nhs) < 0)
			continue;
		if (i++ >= first)
			fprintf(fp, "%s%d,\"Grow, \"\"Row\"\" %d\",1950-01-02,"
			    "Practice,\"Falls, \"\"frailty\"\"\",Dr Lee\n", nhs,
			    mdt_nhs_check_digit(nhs), i);
	}
	assert_int_equal(fclose(fp), 0);
	fx_steps(f->s, &steps);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	fx_steps(f->s, NULL);
	assert_int_equal(rep.added, n);
	mdt_import_report_done(&rep);
	fx_exec(f->s, "UPDATE referrals SET withdrawn_at = 1,"
	    " withdraw_reason = 'grown' WHERE withdrawn_at IS NULL");
	return steps;
}

/* Each row of a referral list settles and raises its patient's referral
 * through the patient's own (referrals_open), and the list's referrals
 * are not carried to the meeting again: four times the rows cost at most
 * five times the steps (reading the open referrals for each row made it
 * sixteen). */
static void
test_import_rows_linear(void **state)
{
	struct fx *f = *state;
	int64_t small, large;

	fx_tempdir(f);
	small = import_cost(f, 0, 100);
	large = import_cost(f, 100, 400);
	assert_true(large <= 5 * small);
}

/* add_old_deaths, all of it three years earlier: before the review's
 * year. */
static void
add_older_deaths(struct fx *f)
{
	add_old_deaths(f);
	fx_exec(f->s, "UPDATE meetings SET scheduled_start = scheduled_start"
	    " - 3 * 31536000000, opened_at = opened_at - 3 * 31536000000"
	    " WHERE uuid GLOB 'old-m-*'");
	fx_exec(f->s, "UPDATE outcomes SET recorded_at = recorded_at"
	    " - 3 * 31536000000 WHERE uuid GLOB 'old-o-*'");
}

/* The deaths of a year's review are read by their date: five thousand
 * meetings each with a death, and five thousand deaths between them,
 * all years before, add no step. */
static void
test_review_deaths_flat(void **state)
{
	assert_flat(*state, read_review_year, add_older_deaths);
}

/* The review's count of actions overdue at its end, for the year to the
 * fake clock. */
static int64_t
overdue_at_end(struct fx *f)
{
	struct mdt_review r;
	int64_t overdue;

	memset(&r, 0, sizeof(r));
	assert_int_equal(mdt_review_load(f->s, "2025-11-26", "2026-11-25", &r),
	    MDT_OK);
	overdue = r.actions_overdue;
	mdt_review_free(&r);
	return overdue;
}

/* The open actions overdue at the review's end are counted by the month
 * they were due, and only the days of the end's month are read: five
 * thousand open actions due in 2040 add no step and none is overdue;
 * five thousand due years ago add no step and are all counted. */
static void
test_review_overdue_flat(void **state)
{
	struct fx *f = *state;
	int64_t overdue = overdue_at_end(f);

	assert_flat(f, read_review_year, add_open_later);
	assert_int_equal(overdue_at_end(f), overdue);
	assert_flat(f, read_review_year, add_open_overdue);
	assert_int_equal(overdue_at_end(f), overdue + HISTORY);
}

/* What `mdtchair purge --dry-run --days 30` reads. */
static void
read_purge_find(struct fx *f)
{
	struct mdt_purge_meeting *list;
	size_t n;

	assert_int_equal(mdt_purge_find(f->s, 30, &list, &n), MDT_OK);
	mdt_purge_list_free(list, n);
}

/* The meetings past retention are found among those not yet purged:
 * five thousand purged before add no step, and the demo's meeting,
 * closed and past retention, is still found. */
static void
test_purge_find_flat(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_meeting *list;
	size_t n;

	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	f->now += 31 * 86400 * FX_SEC;
	assert_flat(f, read_purge_find, add_purged_meetings);
	assert_int_equal(mdt_purge_find(f->s, 30, &list, &n), MDT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, f->meeting);
	mdt_purge_list_free(list, n);
}

/* HISTORY patients, each a candidate of a meeting purged years ago and
 * with an action still open (so still needed), put where the purge of
 * that meeting put them, then looked at by a purge that left them. */
static void
add_needed_patients(struct fx *f)
{
	struct mdt_purge_result res;
	int64_t steps = 0;

	fx_execf(f->s, "INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes, state, opened_at, closed_at, purged_at) VALUES"
	    " ('old-pm', 'Past', %lld, 90, 'closed', %lld, %lld, %lld)",
	    (long long)(FX_T0 - 800 * 86400 * FX_SEC),
	    (long long)(FX_T0 - 800 * 86400 * FX_SEC),
	    (long long)(FX_T0 - 800 * 86400 * FX_SEC + 3600 * FX_SEC),
	    (long long)(FX_T0 - 86400 * FX_SEC));
	fx_execf(f->s, SERIES " INSERT INTO patients (uuid, nhs_number, name)"
	    " SELECT 'old-p-' || i, printf('8%%09d', i), 'Past' FROM n",
	    HISTORY);
	fx_exec(f->s, "INSERT INTO candidates (uuid, meeting_id, patient_id,"
	    " created_at) SELECT 'old-c-' || p.id, m.id, p.id, 0 FROM patients"
	    " p, meetings m WHERE p.uuid LIKE 'old-p-%' AND m.uuid = 'old-pm'");
	fx_exec(f->s, "INSERT INTO actions (uuid, patient_id, text, owner_id,"
	    " due_date, status, created_at) SELECT 'old-pa-' || id, id, 'Open',"
	    " (SELECT min(id) FROM people), '2010-01-01', 'open', 0"
	    " FROM patients WHERE uuid LIKE 'old-p-%'");
	fx_exec(f->s, "INSERT INTO purge_recheck SELECT id FROM patients"
	    " WHERE uuid LIKE 'old-p-%'");
	/* counted apart: a statement's steps not taken are kept for it */
	fx_steps(f->s, &steps);
	assert_int_equal(mdt_purge_run(f->s, 30, &res), MDT_OK);
	fx_steps(f->s, NULL);
	assert_int_equal(res.patients, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM purge_recheck"), 0);
}

/* A purge with nothing yet to purge (`mdtchair purge --days 30`). */
static void
read_purge_run(struct fx *f)
{
	struct mdt_purge_result res;

	assert_int_equal(mdt_purge_run(f->s, 30, &res), MDT_OK);
}

/* A purge looks again only at the patients a change could have freed:
 * five thousand still needed, looked at once, add no step to the next;
 * the action of one closed and delivered, that one goes at the next. */
static void
test_purge_run_flat(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_result res;
	struct mdt_outbox_row *rows;
	int64_t act;
	size_t n;

	assert_flat(f, read_purge_run, add_needed_patients);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients WHERE"
	    " uuid LIKE 'old-p-%%' AND purged_at IS NULL"), HISTORY);
	act = fx_int(f->s, "SELECT id FROM actions WHERE uuid = 'old-pa-'"
	    " || (SELECT id FROM patients WHERE uuid = 'old-p-7')");
	assert_int_equal(mdt_action_set_status(f->s, act, MDT_ACTION_DONE),
	    MDT_OK);
	/* its close not yet delivered: kept */
	assert_int_equal(mdt_purge_run(f->s, 30, &res), MDT_OK);
	assert_int_equal(res.patients, 0);
	assert_int_equal(mdt_outbox_list(f->s,
	    MDT_OUTBOX_MASK(MDT_OUTBOX_PENDING), 0, &rows, &n), MDT_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(mdt_outbox_mark_sent(f->s, &rows[i].id, 1,
		    NULL, 0), MDT_OK);
	mdt_outbox_rows_free(rows, n);
	assert_int_equal(mdt_purge_run(f->s, 30, &res), MDT_OK);
	assert_int_equal(res.patients, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients WHERE"
	    " uuid = 'old-p-7' AND purged_at IS NOT NULL"), 1);
}

/* The register as preparation and `rising` read it. */
static void
read_rising(struct fx *f)
{
	struct mdt_rising_risk *r;
	size_t n;

	assert_int_equal(mdt_rising_risk_load(f->s, f->meeting, &r, &n),
	    MDT_OK);
	mdt_rising_risk_free(r, n);
}

/* Each stay's latest review is the last of its own: five thousand older
 * reviews of the stay, and five thousand stays ended long ago each with
 * one, add no step, and the latest stays the one shown. */
static void
test_rising_latest_flat(void **state)
{
	struct fx *f = *state;
	struct mdt_rising_risk *r;
	size_t n;
	int64_t entry = put_on_register(f);

	fx_execf(f->s, "INSERT INTO rising_risk_events (entry_id, kind, reason,"
	    " actor, at) VALUES (%lld, 'escalated', 'Not a review', 'Dr Shah',"
	    " %lld)", (long long)entry, (long long)FX_T0);
	assert_flat(f, read_rising, add_old_reviews);
	assert_int_equal(mdt_rising_risk_load(f->s, f->meeting, &r, &n),
	    MDT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].id, entry);
	assert_string_equal(r[0].last_note, "Latest");
	mdt_rising_risk_free(r, n);
}

/* SQLite's steps for the meeting a command takes by default, which must
 * be this one. */
static int64_t
find_steps(struct fx *f, int64_t want)
{
	int64_t steps = 0, id = 0;

	fx_steps(f->s, &steps);
	assert_int_equal(mdt_meeting_find(f->s, NULL, &id), MDT_OK);
	fx_steps(f->s, NULL);
	assert_int_equal(id, want);
	return steps;
}

/* Closed meetings before the open one, before those to come: n weekly. */
static void
add_closed(struct fx *f, int n)
{
	fx_execf(f->s, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL"
	    " SELECT i + 1 FROM k WHERE i < %d) INSERT INTO meetings (uuid,"
	    " title, scheduled_start, planned_minutes, state, opened_at,"
	    " closed_at) SELECT 'held-' || (SELECT count(*) FROM meetings) ||"
	    " '-' || i, 'Held', 1000 + i * 604800000, 90, 'closed',"
	    " 1000 + i * 604800000, 2000 + i * 604800000 FROM k", n);
}

/* Which meeting a command takes by default costs the same after twenty
 * meetings as after two thousand: found, not searched for, whether one
 * is open, one is to come, or every one is closed. */
static void
test_meeting_find_flat(void **state)
{
	struct fx *f = *state;
	int64_t few[3], many[3];
	int64_t later;

	add_closed(f, 20);
	fx_execf(f->s, "UPDATE meetings SET state = 'open', opened_at = %lld"
	    " WHERE id = %lld", (long long)FX_T0, (long long)f->meeting);
	few[0] = find_steps(f, f->meeting);
	fx_execf(f->s, "UPDATE meetings SET state = 'planned', opened_at ="
	    " NULL WHERE id = %lld", (long long)f->meeting);
	few[1] = find_steps(f, f->meeting);
	fx_execf(f->s, "UPDATE meetings SET state = 'closed', opened_at = %lld,"
	    " closed_at = 9000000000000 WHERE id = %lld", (long long)FX_T0,
	    (long long)f->meeting);
	few[2] = find_steps(f, f->meeting);

	add_closed(f, 2000);
	fx_execf(f->s, "INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes) VALUES ('to-come', 'Next', 9100000000000, 90)");
	later = fx_int(f->s, "SELECT id FROM meetings WHERE uuid = 'to-come'");
	fx_execf(f->s, "UPDATE meetings SET state = 'open', closed_at = NULL"
	    " WHERE id = %lld", (long long)f->meeting);
	many[0] = find_steps(f, f->meeting);
	fx_execf(f->s, "UPDATE meetings SET state = 'closed', closed_at ="
	    " 9000000000000 WHERE id = %lld", (long long)f->meeting);
	many[1] = find_steps(f, later);
	fx_execf(f->s, "DELETE FROM meetings WHERE id = %lld", (long long)later);
	many[2] = find_steps(f, f->meeting);
	for (int i = 0; i < 3; i++)
		if (many[i] > few[i] + 20)
			fail_msg("case %d: %lld steps after 2,000 meetings,"
			    " %lld after 20", i, (long long)many[i],
			    (long long)few[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_audit_since_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_review_actions_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_open_actions_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_deaths_since_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_rows_linear,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_status_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_tallies_exact,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_review_deaths_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_review_overdue_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rising_latest_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_purge_find_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_purge_run_flat,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_meeting_find_flat,
		    fx_setup_demo, fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
