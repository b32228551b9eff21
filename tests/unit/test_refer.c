/*
 * test_refer.c - raising referrals and keeping them: consent asked before
 * the meeting (a refusal keeps the patient off the agenda, visibly), a
 * referral raised in the tool with its text checked and the queue
 * printed masked, what retention's purge keeps of a referral, a database
 * of the schema before the queue migrated, an import bringing the queue
 * to the meeting, and the checks of schema 28 kept by the copy.
 */
#include "config.h"

#include "referrals_fixture.h"

/* The answer standing for patient nhs, in words ("" if none). */
static const char *
asked_of(struct fx *f, const char *nhs, char *buf, size_t len)
{
	struct mdt_consent_asked a;
	int64_t pid = fx_int(f->s, "SELECT id FROM patients"
	    " WHERE nhs_number = '%s'", nhs);

	assert_int_equal(mdt_consent_asked_get(f->s, pid, &a), MDT_OK);
	mdt_consent_asked_line(&a, true, buf, len);
	mdt_consent_asked_done(&a);
	return buf;
}

/*
 * Consent asked before the meeting: checked as typed, nothing saved when
 * refused; a refusal without an exception keeps the patient off the
 * agenda, visibly (deferred "consent refused", selection refused, a new
 * candidate deferred too); a later answer lifts it; the slot starts from
 * the answer and the consent recorded says which; the review counts.
 */
static void
test_consent_asked(void **state)
{
	struct fx *f = *state;
	struct mdt_consent_ask_in in = { .nhs_number = A, .answer = "refused",
	    .asked_by = "Ade Okonkwo", .asked_on = "2026-11-20" };
	struct mdt_consent_ask_in bad;
	struct mdt_snapshot snap;
	struct mdt_review r;
	int64_t slot = 0, next;
	char buf[1400], *longer;

	/* refused input, nothing written */
	bad = in;
	bad.answer = "maybe";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad = in;
	bad.nhs_number = "9993395634";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_ENHS, 0, 0);
	bad.nhs_number = "4010232137";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_ENOTFOUND, 0, 0);
	bad = in;
	bad.asked_on = "2099-01-01";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EDATE, 0, 0);
	bad.asked_on = "2026-02-30";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EDATE, 0, 0);
	bad = in;
	bad.asked_by = "  ";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.asked_by = "Ade\x1b]0;x\a";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.asked_by = "Ade \xe2\x80\xae" "evil";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.asked_by = "Ade \xff";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.asked_by = "Ade\nOkonkwo";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	longer = malloc(10001);
	assert_non_null(longer);
	memset(longer, 'a', 10000);
	longer[10000] = '\0';
	bad.asked_by = longer;
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	free(longer);
	bad = in;
	bad.answer = "representative";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.answer = "best-interests";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	bad.answer = "given";
	bad.justification = "because";
	EXPECT_ACT(f, mdt_consent_ask(f->s, &bad), MDT_EINVAL, 0, 0);
	assert_string_equal(asked_of(f, A, buf, sizeof(buf)), "not asked");

	/* refused: off the agenda, visibly */
	EXPECT_ACT(f, mdt_consent_ask(f->s, &in), MDT_OK, 0, 1);
	assert_string_equal(asked_of(f, A, buf, sizeof(buf)),
	    "refused (asked by Ade Okonkwo, 2026-11-20)");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " defer_reason FROM candidates WHERE id = %lld",
	    (long long)cand(f, f->meeting, A)),
	    "consent refused (asked by Ade Okonkwo, 2026-11-20)");
	assert_int_equal(mdt_candidate_select(f->s, cand(f, f->meeting, A), 0,
	    0, &slot), MDT_ESTATE);
	assert_non_null(strstr(mdt_store_error(f->s), "consent refused"));
	/* the next meeting: its candidate is deferred as it is made */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	next = schedule(f, "+14");
	assert_true(cand(f, next, A) > 0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " defer_reason FROM candidates WHERE id = %lld",
	    (long long)cand(f, next, A)),
	    "consent refused (asked by Ade Okonkwo, 2026-11-20)");
	/* asked again: given by her daughter; the deferral lifted */
	in.answer = "representative";
	in.representative = "Ama Adebayo (daughter)";
	in.asked_on = NULL;
	assert_int_equal(mdt_consent_ask(f->s, &in), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE id = %lld AND defer_reason IS NULL",
	    (long long)cand(f, next, A)), 1);
	assert_int_equal(mdt_candidate_select(f->s, cand(f, next, A), 0, 0,
	    &slot), MDT_OK);
	/* the slot starts from it; the consent recorded says which */
	assert_int_equal(mdt_snapshot_load(f->s, next, &snap), MDT_OK);
	assert_non_null(snap.slots[0].asked_line);
	assert_non_null(strstr(snap.slots[0].asked_line, "given by a"
	    " representative, Ama Adebayo (daughter) (asked by Ade Okonkwo,"));
	assert_int_equal(snap.slots[0].asked_basis, MDT_CONSENT_GIVEN);
	mdt_snapshot_free(&snap);
	assert_int_equal(mdt_meeting_open(f->s, next), MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, next, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM consent c"
	    " JOIN consent_asked a ON a.id = c.asked_id"
	    " WHERE c.slot_id = %lld AND a.answer = 'representative'",
	    (long long)slot), 1);
	/* a basis other than the answer's: not started from it */
	assert_int_equal(mdt_consent_record(f->s, slot,
	    MDT_CONSENT_BEST_INTERESTS, "she cannot weigh it today", NULL, 0),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM consent"
	    " WHERE slot_id = %lld AND asked_id IS NULL", (long long)slot), 1);

	/* a refusal with an exception does not bar */
	in.nhs_number = B;
	in.answer = "refused";
	in.representative = NULL;
	in.justification = "Risk to his grandchildren";
	assert_int_equal(mdt_consent_ask(f->s, &in), MDT_OK);
	assert_non_null(strstr(asked_of(f, B, buf, sizeof(buf)), "refused;"
	    " discussed as an exception: Risk to his grandchildren"));

	/* the review counts by the day asked */
	assert_int_equal(mdt_review_load(f->s, "2026-11-01", "2026-12-31",
	    &r), MDT_OK);
	assert_int_equal(r.asked[1], 2);
	assert_int_equal(r.asked[3], 1);
	assert_int_equal(r.asked_kept_off, 1);
	mdt_review_free(&r);
	assert_int_equal(mdt_review_load(f->s, "2026-11-21", "2026-12-31",
	    &r), MDT_OK);
	assert_int_equal(r.asked[1], 1);
	assert_int_equal(r.asked_kept_off, 0);
	mdt_review_free(&r);
}

static void
test_refer(void **state)
{
	struct fx *f = *state;
	struct mdt_referral_in in = { .nhs_number = "943 476 5919",
	    .name = "Ann Example", .date_of_birth = "1950-02-03",
	    .referrer = "Care navigator", .service = "Social prescribing",
	    .reason = "Isolated since her husband died" };
	struct mdt_referral_in bad = in;
	int64_t id = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	/* a wrong check digit, hostile text, missing fields: nothing saved */
	bad.nhs_number = "9434765918";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_ENHS);
	bad = in;
	bad.reason = "falls\x1b[2J";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	bad.reason = "a\xe2\x80\xae" "b";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	bad.reason = "bad \xff byte";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	{
		char *longer = malloc(10001);

		assert_non_null(longer);
		memset(longer, 'x', 10000);
		longer[10000] = '\0';
		bad.reason = longer;
		assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
		free(longer);
	}
	bad = in;
	bad.referrer = "two\nlines";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	bad = in;
	bad.service = NULL;
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	bad = in;
	bad.urgency = "soon";
	assert_int_equal(mdt_refer(f->s, &bad, &id, NULL, NULL), MDT_EINVAL);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE nhs_number = '9434765919'"), 0);

	EXPECT_ACT(f, mdt_refer(f->s, &in, &id, NULL, NULL), MDT_OK, 0, 2);
	assert_true(id > 0);
	/* it comes to the next planned meeting, and to the next after */
	assert_true(cand(f, f->meeting, "9434765919") > 0);
	assert_true(cand(f, schedule(f, "+14"), "9434765919") > 0);
	assert_int_equal(open_referrals(f), 3);
	/* the queue printed masked names nobody */
	out = open_memstream(&text, &len);
	assert_int_equal(mdt_referrals_write(f->s, MDT_REFERRALS_TXT, false,
	    out), MDT_OK);
	fclose(out);
	assert_null(strstr(text, "Ann Example"));
	assert_non_null(strstr(text, "A.E., born 1950"));
	assert_non_null(strstr(text, "Social prescribing"));
	free(text);
	out = open_memstream(&text, &len);
	assert_int_equal(mdt_referrals_write(f->s, MDT_REFERRALS_JSON, true,
	    out), MDT_OK);
	fclose(out);
	assert_non_null(strstr(text, "\"name\": \"Ann Example\""));
	free(text);
}

/* The retention purge: the words of a referral no longer waiting go with
 * the meetings that saw it, its service stays; a patient whose referral
 * waits keeps their identity. */
static void
test_purge(void **state)
{
	struct fx *f = *state;
	struct mdt_purge_result res;
	char buf[200];

	hold(f, f->meeting, true, "no GP from Riverside today");
	fx_exec(f->s, "UPDATE outbox SET state = 'sent'");
	f->now += 400 * DAY;
	assert_int_equal(mdt_purge_run(f->s, 365, &res), MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT referrer"
	    " || '/' || reason FROM referrals r JOIN patients p"
	    " ON p.id = r.patient_id WHERE r.discussed_slot_id IS NOT NULL"),
	    MDT_PURGED_TEXT "/" MDT_PURGED_TEXT);
	/* B still waits: its words and its identity stay */
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT reason"
	    " FROM referrals WHERE discussed_slot_id IS NULL"), "Calls");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " nhs_number FROM patients WHERE name = 'Arthur Pennington'"), B);
	assert_int_equal(open_referrals(f), 1);
}

/* A database as version 14 left it, with referrals on the list of two
 * meetings: A discussed in the first; B deferred in the first and on the
 * list of the second. */
static void
test_migration(void **state)
{
	struct fx *f = *state;
	char err[256], buf[200];

	fx_tempdir(f);
	fx_db_at(f, 14,
	    " INSERT INTO meetings (id, uuid, title, scheduled_start,"
	    "  planned_minutes, state) VALUES (1, 'm1', 'One', 1000, 90,"
	    "  'closed'), (2, 'm2', 'Two', 2000, 90, 'planned');"
	    " INSERT INTO patients (id, uuid, nhs_number, name) VALUES"
	    "  (1, 'pa', '" A "', 'Zoe'), (2, 'pb', '" B "', 'Arthur');"
	    " INSERT INTO candidates (id, uuid, meeting_id, patient_id, lists,"
	    "  defer_reason, created_at) VALUES (1, 'c1', 1, 1, 2, NULL, 0),"
	    "  (2, 'c2', 1, 2, 2, 'no time', 0), (3, 'c3', 2, 2, 2, NULL, 0);"
	    " INSERT INTO list_entries (candidate_id, list, reason,"
	    "  referred_by, source, line, row_hash, imported_at) VALUES"
	    "  (1, 'referral', 'Falls', 'Dr M', 'a.csv', 2, 'h1', 500),"
	    "  (2, 'referral', 'Calls', 'Ade', 'a.csv', 3, 'h2', 500),"
	    "  (3, 'referral', 'Calls again', 'Ade', 'b.csv', 2, 'h3', 1500);"
	    " INSERT INTO slots (id, uuid, meeting_id, patient_id, position,"
	    "  state, started_at, closed_at) VALUES"
	    "  (1, 's1', 1, 1, 1, 'done', 1100, 1200);"
	    " INSERT INTO consent (uuid, slot_id, basis, recorded_at) VALUES"
	    "  ('k1', 1, 'given', 1100);");

	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(fx_int(f->s, "PRAGMA user_version"),
	    MDT_SCHEMA_VERSION);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM referrals"), 2);
	/* A: discussed by its slot */
	assert_int_equal(fx_int(f->s, "SELECT discussed_slot_id FROM referrals"
	    " WHERE patient_id = 1"), 1);
	/* B: one open referral, the latest words, the earliest time, and
	 * both its candidates point to it */
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT reason ||"
	    " ',' || referrer || ',' || raised_at FROM referrals"
	    " WHERE patient_id = 2 AND discussed_slot_id IS NULL"),
	    "Calls again,Ade,500");
	assert_int_equal(fx_int(f->s, "SELECT count(DISTINCT referral_id)"
	    " FROM candidates WHERE patient_id = 2"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE referral_id IS NULL"), 0);
	assert_int_equal(open_referrals(f), 1);
	/* its deferral counts in the second meeting */
	{
		struct mdt_candidate c = { 0 };
		char history[300];

		find(f, 2, B, &c, history, sizeof(history));
		assert_int_equal(c.referral_deferred, 1);
		assert_non_null(strstr(history, "deferred 1x ("));
		assert_non_null(strstr(history, ": no time)"));
	}
}

/* A referral list imported for a meeting brings its own referrals and
 * every other one waiting: raised for another meeting's list, or in the
 * tool after the meeting was scheduled; each once, linked to its
 * referral. */
static void
test_import_brings_the_queue(void **state)
{
	struct fx *f = *state;
	struct mdt_referral_in in = { .name = "Ann Example",
	    .date_of_birth = "1950-02-03", .referrer = "Care navigator",
	    .service = "Homeless health", .reason = "No GP" };
	struct mdt_import_report rep;
	char path[160], number[11] = "";
	int64_t second, id = 0;
	FILE *fp;

	second = schedule(f, "+14");
	/* carried to the next meeting only, not to the second */
	assert_int_equal(mdt_refer(f->s, &in, &id, NULL, number), MDT_OK);
	assert_int_equal(cand(f, second, number), 0);
	snprintf(path, sizeof(path), "%s/more.csv", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, HEADER "9990000018,Dora Quist,1944-05-06,Larkhall,Breathless,"
	    "Dr Mensah\n");
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(mdt_import_csv(f->s, second, MDT_LIST_REFERRAL, path,
	    false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.added, 1);
	mdt_import_report_done(&rep);
	assert_int_equal(open_referrals(f), 4);
	/* each of the four once, on the referral list, with its referral
	 * and its one entry: the list's from the file, the others' from the
	 * queue */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates c"
	    " JOIN referrals r ON r.id = c.referral_id"
	    " AND r.patient_id = c.patient_id AND r.withdrawn_at IS NULL"
	    " AND r.discussed_slot_id IS NULL"
	    " WHERE c.meeting_id = %lld AND (c.lists & %d) <> 0"
	    " AND (SELECT count(*) FROM list_entries e WHERE e.candidate_id ="
	    "  c.id AND e.list = 'referral') = 1", (long long)second,
	    MDT_LIST_REFERRAL), 4);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld", (long long)second), 4);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM list_entries e"
	    " JOIN candidates c ON c.id = e.candidate_id"
	    " WHERE c.meeting_id = %lld AND e.source = 'queue'",
	    (long long)second), 3);
	assert_true(cand(f, second, number) > 0);
}

/* Every row of the referrals and the list entries, one a line, all their
 * columns (SQL for the test below). */
#define ROWS_SQL \
	"SELECT group_concat(x, char(10)) FROM (SELECT quote(id) || ',' ||" \
	" quote(uuid) || ',' || patient_id || ',' || quote(referrer) || ',' ||" \
	" quote(service) || ',' || quote(reason) || ',' || quote(urgency) ||" \
	" ',' || quote(consent) || ',' || raised_at || ',' || quote(source) ||" \
	" ',' || quote(withdrawn_at) || ',' || quote(withdraw_reason) || ',' ||" \
	" quote(discussed_slot_id) AS x FROM referrals UNION ALL SELECT" \
	" quote(id) || ',' || candidate_id || ',' || quote(list) || ',' ||" \
	" quote(reason) || ',' || quote(referred_by) || ',' ||" \
	" quote(review_date) || ',' || quote(source) || ',' || line || ',' ||" \
	" quote(row_hash) || ',' || imported_at || ',' || quote(count)" \
	" FROM list_entries)"

/* The opcodes SQLite would run for sql that are op. */
static int
opcodes(struct mdt_store *s, const char *sql, const char *op)
{
	sqlite3_stmt *st;
	char *explain = mdt_xasprintf("EXPLAIN %s", sql);
	int n = 0;

	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(s), explain, -1, &st,
	    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		n += strcmp((const char *)sqlite3_column_text(st, 1), op) == 0;
	sqlite3_finalize(st);
	free(explain);
	return n;
}

/* Schema 28: the referrals and the list entries, copied to check their
 * values without a temporary index, keep every row and every candidate's
 * referral, and refuse what they refused. */
static void
test_checks_copied(void **state)
{
	struct fx *f = *state;
	char err[256], before[2048], after[2048];
	sqlite3 *db;
	sqlite3_stmt *st;

	fx_tempdir(f);
	fx_db_at(f, 27,
	    " INSERT INTO meetings (id, uuid, title, scheduled_start,"
	    "  planned_minutes, state) VALUES (1, 'm1', 'One', 1000, 90,"
	    "  'closed'), (2, 'm2', 'Two', 2000, 90, 'planned');"
	    " INSERT INTO patients (id, uuid, nhs_number, name) VALUES"
	    "  (1, 'pa', '" A "', 'Zoe'), (2, 'pb', '" B "', 'Arthur');"
	    " INSERT INTO slots (id, uuid, meeting_id, patient_id, position,"
	    "  state, started_at, closed_at) VALUES"
	    "  (1, 's1', 1, 1, 1, 'done', 1100, 1200);"
	    " INSERT INTO referrals (id, uuid, patient_id, referrer, service,"
	    "  reason, urgency, consent, raised_at, source, withdrawn_at,"
	    "  withdraw_reason, discussed_slot_id) VALUES"
	    "  (4, 'r4', 1, 'Dr M', 'Falls', 'Falls', 'urgent', 'given', 500,"
	    "   'tool', NULL, NULL, 1),"
	    "  (7, 'r7', 2, 'Ade', '', 'Calls', 'routine', NULL, 600, 'import',"
	    "   NULL, NULL, NULL),"
	    "  (9, 'r9', 1, 'Ade', '', 'Old', 'routine', 'not-asked', 400,"
	    "   'import', 450, 'moved away', NULL);"
	    " INSERT INTO candidates (id, uuid, meeting_id, patient_id, lists,"
	    "  created_at, referral_id) VALUES (1, 'c1', 1, 1, 2, 0, 4),"
	    "  (3, 'c3', 2, 2, 18, 0, 7);"
	    " INSERT INTO list_entries (id, candidate_id, list, reason,"
	    "  referred_by, review_date, source, line, row_hash, imported_at,"
	    "  count) VALUES"
	    "  (2, 1, 'referral', 'Falls', 'Dr M', NULL, 'a.csv', 2, 'h1', 500,"
	    "   NULL),"
	    "  (5, 3, 'referral', 'Calls', 'Ade', '2026-01-02', 'b.csv', 3, 'h2',"
	    "   600, NULL),"
	    "  (6, 3, 'frequent-attender', '7 hospital attendances', '', NULL,"
	    "   'c.csv', 4, 'h3', 700, 7);");
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, ROWS_SQL, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(before, sizeof(before), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(fx_int(f->s, "PRAGMA user_version"),
	    MDT_SCHEMA_VERSION);
	assert_string_equal(fx_text(f->s, after, sizeof(after), ROWS_SQL),
	    before);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM"
	    " pragma_foreign_key_check"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates c"
	    " JOIN referrals r ON r.id = c.referral_id"), 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name IN ('referrals_open', 'referrals_queue',"
	    " 'referrals_by_raised', 'list_entries_counted')"), 4);
	assert_int_equal(open_referrals(f), 1);
	/* the same values refused, the same admitted */
	assert_int_equal(sqlite3_exec(mdt_store_db(f->s), "UPDATE list_entries"
	    " SET list = 'waiting' WHERE id = 2", NULL, NULL, NULL),
	    SQLITE_CONSTRAINT);
	assert_int_equal(sqlite3_exec(mdt_store_db(f->s), "UPDATE referrals"
	    " SET consent = 'maybe' WHERE id = 7", NULL, NULL, NULL),
	    SQLITE_CONSTRAINT);
	fx_exec(f->s, "UPDATE list_entries SET list = 'ambulance' WHERE id = 6;"
	    " UPDATE referrals SET consent = 'refused' WHERE id = 7;"
	    " UPDATE referrals SET consent = NULL WHERE id = 4");
	/* a referral's candidate still holds it */
	assert_int_equal(sqlite3_exec(mdt_store_db(f->s), "DELETE FROM"
	    " referrals WHERE id = 7", NULL, NULL, NULL), SQLITE_CONSTRAINT);
	/* and neither is written through a temporary index */
	assert_int_equal(opcodes(f->s, "INSERT INTO list_entries"
	    " (candidate_id, list, source, line, row_hash, imported_at)"
	    " VALUES (1, 'caseload', 'x', 1, 'h', 1)", "OpenEphemeral"), 0);
	assert_int_equal(opcodes(f->s, "INSERT INTO referrals (uuid,"
	    " patient_id, raised_at, source) VALUES ('r', 2, 1, 'tool')",
	    "OpenEphemeral"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_consent_asked, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_refer, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_purge, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_brings_the_queue,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_migration,
		    setup_bare, fx_teardown),
		cmocka_unit_test_setup_teardown(test_checks_copied,
		    setup_bare, fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
