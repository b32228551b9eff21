/*
 * test_acts.c - the chairing and recording acts against the demo meeting,
 * driven by a fake clock: the slot clock through next, pause, extend,
 * park, previous, a restart and closing; the forecast; the consent gate
 * and the organisations a patient excludes with consent; outcomes and the
 * follow-up after a death; key contacts; the register; correcting a
 * meeting's title and venue and a slot's reason; one audit and one outbox
 * row per act, in the act's transaction; and the demo itself.
 */
#include "config.h"

#include "fixture.h"

/* The follow-up a death makes: the same words for every patient. */
#define RELATIVES "Contact the relatives to offer support and follow up"

/*
 * Hostile text around word: an escape sequence, a right-to-left override
 * (U+202E), a C1 CSI (U+009B), a non-character (U+FFFE), bytes that are
 * not UTF-8, line breaks, and (long) padding to 10,000 characters.
 * DESTRUCTOR: free.
 */
static char *
hostile(const char *word, bool long_one)
{
	static const char mix[] = "\x1b[2J\xe2\x80\xae\xc2\x9b\xef\xbf\xbe"
	    "\xff\xfe\r\n";
	size_t n = strlen(word) + 2 * sizeof(mix) + (long_one ? 10000 : 0);
	char *s = mdt_xmalloc(n + 1);

	snprintf(s, n + 1, "%s%s%s", mix, word, mix);
	if (long_one) {
		size_t len = strlen(s);

		memset(s + len, 'x', n - len);
		s[n] = '\0';
	}
	return s;
}

/* The patient of slot n of the demo. */
static int64_t
patient_of(struct fx *f, int n)
{
	return fx_int(f->s, "SELECT patient_id FROM slots WHERE id = %lld",
	    (long long)fx_slot(f, n));
}

/* Elapsed ms of a slot as the screens would show it. */
static int64_t
elapsed_of(struct fx *f, int64_t slot_id)
{
	struct mdt_snapshot snap;
	const struct mdt_slot *sl;
	int64_t e;

	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	sl = mdt_snapshot_slot(&snap, slot_id);
	assert_non_null(sl);
	e = mdt_slot_elapsed_ms(sl->state, &sl->times, f->now);
	mdt_snapshot_free(&snap);
	return e;
}

static enum mdt_slot_state
state_of(struct fx *f, int64_t slot_id)
{
	char buf[16];

	fx_text(f->s, buf, sizeof(buf), "SELECT state FROM slots WHERE id = %lld",
	    (long long)slot_id);
	if (strcmp(buf, "running") == 0)
		return MDT_SLOT_RUNNING;
	if (strcmp(buf, "paused") == 0)
		return MDT_SLOT_PAUSED;
	if (strcmp(buf, "done") == 0)
		return MDT_SLOT_DONE;
	return MDT_SLOT_PENDING;
}

/* Agenda position (1..n) of a slot in a snapshot. */
static int
position_of(struct fx *f, int64_t slot_id)
{
	struct mdt_snapshot snap;
	const struct mdt_slot *sl;
	int pos;

	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	sl = mdt_snapshot_slot(&snap, slot_id);
	assert_non_null(sl);
	pos = sl->position;
	mdt_snapshot_free(&snap);
	return pos;
}

/* ---- the slot clock -------------------------------------------------- */

static void
test_slot_clock_and_restart(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1), s2 = fx_slot(f, 2), s3 = fx_slot(f, 3);
	int64_t id = 0;
	char err[256];

	/* next on a planned meeting opens it and starts the first slot */
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
	assert_int_equal(id, s1);
	assert_int_equal(fx_current(f), s1);
	assert_int_equal(fx_int(f->s, "SELECT opened_at FROM meetings"), FX_T0);
	assert_int_equal(state_of(f, s1), MDT_SLOT_RUNNING);

	/* paused from 2 to 5 minutes: 3 minutes on the clock at 6 */
	f->now = FX_T0 + 2 * FX_MIN;
	assert_int_equal(mdt_slot_pause_toggle(f->s, f->meeting), MDT_OK);
	assert_int_equal(state_of(f, s1), MDT_SLOT_PAUSED);
	f->now = FX_T0 + 5 * FX_MIN;
	assert_int_equal(elapsed_of(f, s1), 2 * FX_MIN);
	assert_int_equal(mdt_slot_pause_toggle(f->s, f->meeting), MDT_OK);
	assert_int_equal(state_of(f, s1), MDT_SLOT_RUNNING);
	f->now = FX_T0 + 6 * FX_MIN;
	assert_int_equal(elapsed_of(f, s1), 3 * FX_MIN);

	/* a minute's extension moves the bands */
	assert_int_equal(mdt_slot_extend(f->s, f->meeting, 60), MDT_OK);
	f->now = FX_T0 + 8 * FX_MIN + 30 * FX_SEC;	/* 5:30 on the clock */
	assert_int_equal(mdt_slot_band(elapsed_of(f, s1), 300, 420,
	    (int)fx_int(f->s, "SELECT extended_seconds FROM slots WHERE id = %lld",
	    (long long)s1)), MDT_BAND_GREEN);

	/* next at 10: slot 1 closed at 7 minutes, slot 2 runs */
	f->now = FX_T0 + 10 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
	assert_int_equal(id, s2);
	assert_int_equal(state_of(f, s1), MDT_SLOT_DONE);
	f->now = FX_T0 + 11 * FX_MIN;
	assert_int_equal(elapsed_of(f, s1), 7 * FX_MIN);
	assert_int_equal(elapsed_of(f, s2), 1 * FX_MIN);

	/* park at 12: slot 2 paused and last, slot 3 runs */
	f->now = FX_T0 + 12 * FX_MIN;
	assert_int_equal(mdt_slot_park(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), s3);
	assert_int_equal(state_of(f, s2), MDT_SLOT_PAUSED);
	assert_int_equal(position_of(f, s2), 12);
	assert_int_equal(position_of(f, s3), 2);
	assert_int_equal(state_of(f, s3), MDT_SLOT_RUNNING);
	f->now = FX_T0 + 30 * FX_MIN;
	assert_int_equal(elapsed_of(f, s2), 2 * FX_MIN);	/* stood still */

	/* previous at 14: back to slot 1, reopened; slot 3 paused */
	f->now = FX_T0 + 14 * FX_MIN;
	assert_int_equal(mdt_slot_previous(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), s1);
	assert_int_equal(state_of(f, s1), MDT_SLOT_RUNNING);
	assert_int_equal(state_of(f, s3), MDT_SLOT_PAUSED);
	f->now = FX_T0 + 15 * FX_MIN;
	assert_int_equal(elapsed_of(f, s1), 8 * FX_MIN);
	assert_int_equal(elapsed_of(f, s3), 2 * FX_MIN);

	/* next at 16: slot 1 closed again (9 min); slot 3 resumes */
	f->now = FX_T0 + 16 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
	assert_int_equal(id, s3);
	f->now = FX_T0 + 17 * FX_MIN;
	assert_int_equal(elapsed_of(f, s1), 9 * FX_MIN);
	assert_int_equal(elapsed_of(f, s3), 3 * FX_MIN);

	/* a restart: same slot, the clock right from the stored times */
	fx_close(f);
	f->now = FX_T0 + 20 * FX_MIN;
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(fx_current(f), s3);
	assert_int_equal(elapsed_of(f, s3), 6 * FX_MIN);
	assert_int_equal(elapsed_of(f, s1), 9 * FX_MIN);

	/* close at 21: the running slot closes with the meeting */
	f->now = FX_T0 + 21 * FX_MIN;
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	assert_int_equal(state_of(f, s3), MDT_SLOT_DONE);
	assert_int_equal(fx_current(f), 0);
	f->now = FX_T0 + 40 * FX_MIN;
	assert_int_equal(elapsed_of(f, s3), 7 * FX_MIN);
	assert_int_equal(fx_int(f->s, "SELECT closed_at FROM meetings"),
	    FX_T0 + 21 * FX_MIN);
	assert_int_equal(state_of(f, s2), MDT_SLOT_PAUSED);
	/* nothing moves once closed */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_ESTATE);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_ESTATE);
	assert_int_equal(mdt_slot_park(f->s, f->meeting), MDT_ESTATE);
	assert_int_equal(mdt_slot_previous(f->s, f->meeting), MDT_ESTATE);
	assert_int_equal(mdt_slot_pause_toggle(f->s, f->meeting), MDT_ESTATE);
}

static void
test_next_runs_out_and_parked_comes_last(void **state)
{
	struct fx *f = *state;
	int64_t id = 0, s1 = fx_slot(f, 1), s12 = fx_slot(f, 12);
	int i;

	/* park the first slot before starting: it goes last, slot 2 runs */
	assert_int_equal(mdt_slot_park(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), fx_slot(f, 2));
	assert_int_equal(state_of(f, s1), MDT_SLOT_PENDING);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM meetings"
	    " WHERE state = 'open'"), 1);
	for (i = 3; i <= 12; i++) {
		f->now += 5 * FX_MIN;
		assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
		assert_int_equal(id, fx_slot(f, i));
	}
	/* then the parked one */
	f->now += 5 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
	assert_int_equal(id, s1);
	/* the end: the last one is still closed */
	f->now += 5 * FX_MIN;
	id = -1;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_ENOTFOUND);
	assert_int_equal(id, 0);
	assert_int_equal(state_of(f, s1), MDT_SLOT_DONE);
	assert_int_equal(fx_current(f), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"
	    " WHERE state <> 'done'"), 0);
	/* and again: nothing to do, nothing written */
	EXPECT_ACT(f, mdt_slot_next(f->s, f->meeting, NULL), MDT_ENOTFOUND,
	    0, 0);
	/* previous from past the end reopens the last slot */
	assert_int_equal(mdt_slot_previous(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), s1);
	assert_int_equal(state_of(f, s1), MDT_SLOT_RUNNING);
	assert_int_equal(mdt_slot_previous(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), s12);
}

static void
test_park_only_slot_left(void **state)
{
	struct fx *f = *state;
	int64_t s12 = fx_slot(f, 12);
	int i;

	for (i = 1; i <= 12; i++)
		assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(fx_current(f), s12);
	f->now += FX_MIN;
	assert_int_equal(mdt_slot_park(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_current(f), s12);
	assert_int_equal(state_of(f, s12), MDT_SLOT_RUNNING);
	f->now += FX_MIN;
	assert_int_equal(elapsed_of(f, s12), 2 * FX_MIN);
}

static void
test_clock_acts_need_a_current_slot(void **state)
{
	struct fx *f = *state;

	EXPECT_ACT(f, mdt_slot_pause_toggle(f->s, f->meeting), MDT_ESTATE,
	    0, 0);
	EXPECT_ACT(f, mdt_slot_extend(f->s, f->meeting, 60), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_slot_previous(f->s, f->meeting), MDT_ENOTFOUND,
	    0, 0);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	/* nothing before the first slot */
	EXPECT_ACT(f, mdt_slot_previous(f->s, f->meeting), MDT_ENOTFOUND,
	    0, 0);
	EXPECT_ACT(f, mdt_slot_extend(f->s, f->meeting, 0), MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_slot_extend(f->s, f->meeting, -60), MDT_EINVAL,
	    0, 0);
	assert_int_equal(mdt_slot_extend(f->s, f->meeting, 120), MDT_OK);
	assert_int_equal(mdt_slot_extend(f->s, f->meeting, -60), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT extended_seconds FROM slots"
	    " WHERE id = %lld", (long long)fx_slot(f, 1)), 60);
	EXPECT_ACT(f, mdt_slot_next(f->s, 999, NULL), MDT_ENOTFOUND, 0, 0);
}

/* ---- forecast -------------------------------------------------------- */

static void
test_forecast(void **state)
{
	struct fx *f = *state;
	struct mdt_snapshot snap;
	int64_t ends[12], finish, cutoff;
	size_t i, past;

	/* not started, at the scheduled time: 12 x 6 min inside 80 */
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_int_equal(snap.n_slots, 12);
	cutoff = mdt_meeting_planned_end(&snap.meeting);
	assert_int_equal(cutoff, FX_T0 + 80 * FX_MIN);
	finish = mdt_forecast(&snap, f->now, ends);
	assert_int_equal(finish, FX_T0 + 72 * FX_MIN);
	assert_int_equal(ends[0], FX_T0 + 6 * FX_MIN);
	mdt_snapshot_free(&snap);

	/* before the scheduled time, the forecast starts at it */
	f->now = FX_T0 - 30 * FX_MIN;
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_int_equal(mdt_forecast(&snap, f->now, NULL),
	    FX_T0 + 72 * FX_MIN);
	mdt_snapshot_free(&snap);

	/* opened 10 minutes late: the cut-off moves with it */
	f->now = FX_T0 + 10 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);

	/* 10 minutes on the first slot: 4 over, still inside 90 */
	f->now = FX_T0 + 20 * FX_MIN;
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	cutoff = mdt_meeting_planned_end(&snap.meeting);
	assert_int_equal(cutoff, FX_T0 + 90 * FX_MIN);
	finish = mdt_forecast(&snap, f->now, ends);
	assert_int_equal(ends[0], FX_T0 + 20 * FX_MIN);
	assert_int_equal(ends[1], FX_T0 + 26 * FX_MIN);
	assert_int_equal(finish, FX_T0 + 86 * FX_MIN);
	for (i = 0, past = 0; i < snap.n_slots; i++)
		past += ends[i] > cutoff;
	assert_int_equal(past, 0);
	mdt_snapshot_free(&snap);

	/* 20 minutes on it: the last slot falls past the planned end */
	f->now = FX_T0 + 30 * FX_MIN;
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	finish = mdt_forecast(&snap, f->now, ends);
	assert_int_equal(finish, FX_T0 + 96 * FX_MIN);
	for (i = 0, past = 0; i < snap.n_slots; i++)
		past += ends[i] > cutoff;
	assert_int_equal(past, 1);
	assert_true(ends[11] > cutoff);
	assert_false(ends[10] > cutoff);
	mdt_snapshot_free(&snap);

	/* a done slot ends when it closed; the current one runs at least
	 * its planned length (+ extension) */
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_slot_extend(f->s, f->meeting, 120), MDT_OK);
	f->now = FX_T0 + 31 * FX_MIN;
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	finish = mdt_forecast(&snap, f->now, ends);
	assert_int_equal(ends[0], FX_T0 + 30 * FX_MIN);
	assert_int_equal(ends[1], FX_T0 + 38 * FX_MIN);
	assert_int_equal(finish, FX_T0 + 98 * FX_MIN);
	mdt_snapshot_free(&snap);
}

/* ---- consent, notes, actions, outcomes ------------------------------- */

static void
test_consent_gate(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1), owner = fx_person(f, "Ade Okonkwo");
	int64_t id = -1;
	char uuid1[40], uuid2[40], buf[64];

	EXPECT_ACT(f, mdt_note_add(f->s, s1, "Lives alone", &id), MDT_ECONSENT,
	    0, 0);
	assert_int_equal(id, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "Zoë Adébáyọ̀"));
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Falls referral", owner,
	    "2026-12-09", &id), MDT_ECONSENT, 0, 0);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s1, MDT_OUTCOME_CLOSE, NULL),
	    MDT_ECONSENT, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM notes"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outcomes"), 0);

	/* not given: a written justification, not just spaces */
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_BEST_INTERESTS,
	    NULL, NULL, 0), MDT_EJUSTIFY, 0, 0);
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_RISK_TO_OTHERS,
	    "  \t ", NULL, 0), MDT_EJUSTIFY, 0, 0);
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_NONE, "x", NULL,
	    0), MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_consent_record(f->s, 9999, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_ENOTFOUND, 0, 0);
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_BEST_INTERESTS,
	    "Lacks capacity to decide; daughter agrees", NULL, 0),
	    MDT_OK, 1, 1);
	fx_text(f->s, uuid1, sizeof(uuid1), "SELECT uuid FROM consent");

	EXPECT_ACT(f, mdt_note_add(f->s, s1, "Lives alone", &id), MDT_OK, 1, 1);
	assert_true(id > 0);
	EXPECT_ACT(f, mdt_note_add(f->s, s1, "  ", NULL), MDT_EINVAL, 0, 0);

	/* recorded again: replaced, the same record */
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM consent"), 1);
	fx_text(f->s, uuid2, sizeof(uuid2), "SELECT uuid FROM consent");
	assert_string_equal(uuid1, uuid2);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT basis FROM consent"), "given");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT entity_uuid"
	    " FROM outbox ORDER BY id DESC LIMIT 1"), uuid1);
}

/* The organisations recorded for a slot, "|"-separated in the order kept. */
static const char *
exclusions_of(struct fx *f, int64_t slot, char *buf, size_t len)
{
	return fx_text(f->s, buf, len, "SELECT coalesce(group_concat("
	    "organisation, '|'), '') FROM (SELECT organisation FROM"
	    " consent_exclusions WHERE slot_id = %lld ORDER BY id)",
	    (long long)slot);
}

static void
test_consent_exclusions(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1);
	struct mdt_snapshot snap;
	const struct mdt_slot *sl;
	const char *typed[] = { "  Acme   Care ", "", "borough housing",
	    "ACME CARE", "\tBorough  Housing\n", " ", "Zoë's Café",
	    "ZOË'S CAFÉ" };
	const char *one[] = { "Borough Housing" };
	const char *names[MDT_EXCLUSIONS_MAX + 1];
	char uuid1[40], uuid2[40], buf[4096], detail[128];
	char many[MDT_EXCLUSIONS_MAX + 1][8];
	char *long_name;
	size_t i;

	/* trimmed, inner spaces made one, blanks dropped, repeats (ASCII
	 * case apart, as the store's NOCASE) merged into the first spelling */
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    typed, sizeof(typed) / sizeof(typed[0])), MDT_OK, 1, 1);
	assert_string_equal(exclusions_of(f, s1, buf, sizeof(buf)),
	    "Acme Care|borough housing|Zoë's Café|ZOË'S CAFÉ");
	fx_text(f->s, uuid1, sizeof(uuid1), "SELECT uuid FROM consent");
	/* one act: its audit row counts them (never names them), its outbox
	 * row is the consent's */
	snprintf(detail, sizeof(detail), "slot #%lld: given, 4 organisations"
	    " excluded", (long long)fx_int(f->s, "SELECT position FROM slots WHERE id ="
	    " %lld", (long long)s1));
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT detail"
	    " FROM audit ORDER BY id DESC LIMIT 1"), detail);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT entity ||"
	    " ' ' || entity_uuid FROM outbox ORDER BY id DESC LIMIT 1"),
	    (snprintf(detail, sizeof(detail), "consent %s", uuid1), detail));
	/* the snapshot carries them, in order */
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	sl = mdt_snapshot_slot(&snap, s1);
	assert_int_equal(sl->n_exclusions, 4);
	assert_string_equal(sl->exclusions[0], "Acme Care");
	assert_string_equal(sl->exclusions[1], "borough housing");
	assert_string_equal(sl->exclusions[2], "Zoë's Café");
	assert_int_equal(snap.slots[1].n_exclusions, 0);
	assert_null(snap.slots[1].exclusions);
	mdt_snapshot_free(&snap);

	/* recorded again: the list is replaced, the consent is the same */
	f->now += FX_MIN;
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_BEST_INTERESTS,
	    "Lacks capacity today", one, 1), MDT_OK, 1, 1);
	assert_string_equal(exclusions_of(f, s1, buf, sizeof(buf)),
	    "Borough Housing");
	fx_text(f->s, uuid2, sizeof(uuid2), "SELECT uuid FROM consent");
	assert_string_equal(uuid1, uuid2);
	snprintf(detail, sizeof(detail), "slot #%lld: best_interests,"
	    " 1 organisation excluded", (long long)s1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT detail"
	    " FROM audit ORDER BY id DESC LIMIT 1"), detail);
	/* and again with none (or only blanks): none is left */
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    typed + 1, 1), MDT_OK, 1, 1);
	assert_string_equal(exclusions_of(f, s1, buf, sizeof(buf)), "");
	snprintf(detail, sizeof(detail), "slot #%lld: given", (long long)s1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT detail"
	    " FROM audit ORDER BY id DESC LIMIT 1"), detail);
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    one, 1), MDT_OK, 1, 1);

	/* a name over MDT_ORGANISATION_MAX characters: refused, nothing
	 * changed; characters are counted, not bytes */
	long_name = malloc(3 * MDT_ORGANISATION_MAX + 8);
	assert_non_null(long_name);
	for (i = 0; i < MDT_ORGANISATION_MAX + 1; i++)
		long_name[i] = 'x';
	long_name[i] = '\0';
	names[0] = "Acme Care";
	names[1] = long_name;
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    names, 2), MDT_ETOOLONG, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "too long to record: an"
	    " organisation's name may have at most 100 characters"));
	assert_string_equal(exclusions_of(f, s1, buf, sizeof(buf)),
	    "Borough Housing");
	assert_string_equal(mdt_strerror(MDT_ETOOLONG), "too long to record");
	/* 100 two-byte characters, with spaces that tidying takes away */
	strcpy(long_name, "  ");
	for (i = 0; i < MDT_ORGANISATION_MAX; i++)
		strcat(long_name, "é");
	strcat(long_name, "  ");
	names[1] = long_name;
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    names, 2), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT length(organisation) FROM"
	    " consent_exclusions ORDER BY id DESC LIMIT 1"),
	    MDT_ORGANISATION_MAX);
	free(long_name);

	/* more than MDT_EXCLUSIONS_MAX organisations: refused; as many
	 * with repeats and blanks among them: fine */
	for (i = 0; i < MDT_EXCLUSIONS_MAX + 1; i++) {
		snprintf(many[i], sizeof(many[i]), "Org %zu", i);
		names[i] = many[i];
	}
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    names, MDT_EXCLUSIONS_MAX + 1), MDT_ETOOLONG, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "at most 10"
	    " organisations can be excluded (11 given)"));
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM"
	    " consent_exclusions"), 2);
	names[MDT_EXCLUSIONS_MAX] = "org 0";
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    names, MDT_EXCLUSIONS_MAX + 1), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM"
	    " consent_exclusions"), MDT_EXCLUSIONS_MAX);

	/* the justification is still asked for first, and a closed meeting
	 * takes nothing */
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_RISK_TO_OTHERS,
	    " ", one, 1), MDT_EJUSTIFY, 0, 0);
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    one, 1), MDT_ESTATE, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM"
	    " consent_exclusions"), MDT_EXCLUSIONS_MAX);
}

/* A slot for the patient of demo slot 1 in a new meeting days on. */
static int64_t
later_slot(struct fx *f, int days)
{
	char date[8], nhs[16], name[96], dob[16];
	struct mdt_meeting_in in = { "Follow-up MDT", date, "13:00", NULL, 0 };
	struct mdt_patient_in p = { nhs, name, dob, NULL };
	int64_t m, slot = 0;

	snprintf(date, sizeof(date), "+%d", days);
	fx_text(f->s, nhs, sizeof(nhs), "SELECT p.nhs_number FROM slots s"
	    " JOIN patients p ON p.id = s.patient_id WHERE s.id = %lld",
	    (long long)fx_slot(f, 1));
	fx_text(f->s, name, sizeof(name), "SELECT name FROM patients"
	    " WHERE nhs_number = '%s'", nhs);
	fx_text(f->s, dob, sizeof(dob), "SELECT date_of_birth FROM patients"
	    " WHERE nhs_number = '%s'", nhs);
	assert_int_equal(mdt_meeting_create(f->s, &in, &m, NULL), MDT_OK);
	assert_int_equal(mdt_slot_add_on_day(f->s, m, &p, "review", 0, 0,
	    &slot), MDT_OK);
	return slot;
}

/* "A|B" of the previous exclusions for a slot. */
static const char *
previous_of(struct fx *f, int64_t slot, char *buf, size_t len)
{
	char **v = (char **)1;
	size_t n = 99, i, used = 0;

	assert_int_equal(mdt_exclusions_previous(f->s, slot, &v, &n), MDT_OK);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i > 0 ? "|" : "", v[i]);
	if (n == 0)
		assert_null(v);
	mdt_names_free(v, n);
	return buf;
}

static void
test_exclusions_previous(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1), s2 = fx_slot(f, 2), later, last;
	const char *first[] = { "Acme Care", "Borough Housing" };
	const char *second[] = { "Borough Housing", "Castle Insurance" };
	char buf[256];

	/* nothing recorded for the patient yet */
	assert_string_equal(previous_of(f, s1, buf, sizeof(buf)), "");
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    first, 2), MDT_OK);
	/* only the slot's own consent: nothing earlier; another patient's
	 * list is not theirs */
	assert_string_equal(previous_of(f, s1, buf, sizeof(buf)), "");
	assert_string_equal(previous_of(f, s2, buf, sizeof(buf)), "");

	/* the next meeting offers the list given last time */
	f->now += FX_MIN;
	later = later_slot(f, 7);
	assert_string_equal(previous_of(f, later, buf, sizeof(buf)),
	    "Acme Care|Borough Housing");
	/* its own consent is not "previous"; the latest other one is */
	f->now += FX_MIN;
	assert_int_equal(mdt_consent_record(f->s, later, MDT_CONSENT_GIVEN,
	    NULL, second, 2), MDT_OK);
	assert_string_equal(previous_of(f, later, buf, sizeof(buf)),
	    "Acme Care|Borough Housing");
	assert_string_equal(previous_of(f, s1, buf, sizeof(buf)),
	    "Borough Housing|Castle Insurance");
	f->now += FX_MIN;
	last = later_slot(f, 14);
	assert_string_equal(previous_of(f, last, buf, sizeof(buf)),
	    "Borough Housing|Castle Insurance");
	/* the latest consent excluded nobody: nothing is offered, even
	 * though an earlier one did */
	f->now += FX_MIN;
	assert_int_equal(mdt_consent_record(f->s, later, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	assert_string_equal(previous_of(f, last, buf, sizeof(buf)), "");
	/* reading writes nothing */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox WHERE"
	    " entity = 'consent'"), 3);
}

static void
test_actions(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1), owner = fx_person(f, "Hamza Qureshi");
	int64_t id = 0;
	char buf[64];

	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "", owner, "2026-12-09", &id),
	    MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Review", 9999, "2026-12-09",
	    &id), MDT_ENOTFOUND, 0, 0);
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Review", owner, "2026-02-30",
	    &id), MDT_EDATE, 0, 0);
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Review", owner, NULL, &id),
	    MDT_EDATE, 0, 0);
	/* the day before today: refused, saying so */
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Review", owner, "2026-11-24",
	    &id), MDT_EINVAL, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s),
	    "due date 2026-11-24 is past (today 2026-11-25)"));
	EXPECT_ACT(f, mdt_outcome_record(f->s, s1, MDT_OUTCOME_STAY,
	    "2026-11-01"), MDT_EINVAL, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "review date"));
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Medicines review", owner,
	    "+14", &id), MDT_OK, 1, 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT due_date"
	    " FROM actions WHERE id = %lld", (long long)id), "2026-12-09");
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"), owner);

	f->now += FX_MIN;
	EXPECT_ACT(f, mdt_action_set_status(f->s, id, MDT_ACTION_DONE), MDT_OK,
	    1, 1);
	assert_int_equal(fx_int(f->s, "SELECT closed_at FROM actions"), f->now);
	/* the same status again changes nothing */
	EXPECT_ACT(f, mdt_action_set_status(f->s, id, MDT_ACTION_DONE), MDT_OK,
	    0, 0);
	EXPECT_ACT(f, mdt_action_set_status(f->s, id, MDT_ACTION_OPEN), MDT_OK,
	    1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE closed_at IS NULL AND status = 'open'"), 1);
	EXPECT_ACT(f, mdt_action_set_status(f->s, id, MDT_ACTION_CANCELLED),
	    MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT closed_at FROM actions"), f->now);
	EXPECT_ACT(f, mdt_action_set_status(f->s, 9999, MDT_ACTION_DONE),
	    MDT_ENOTFOUND, 0, 0);
	EXPECT_ACT(f, mdt_action_set_status(f->s, id,
	    (enum mdt_action_status)7), MDT_EINVAL, 0, 0);
}

static void
test_outcome_stay_needs_review(void **state)
{
	struct fx *f = *state;
	int64_t s2 = fx_slot(f, 2);
	char buf[64];

	assert_int_equal(mdt_consent_record(f->s, s2, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s2, MDT_OUTCOME_STAY, NULL),
	    MDT_EDATE, 0, 0);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s2, MDT_OUTCOME_STAY, ""),
	    MDT_EDATE, 0, 0);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s2, MDT_OUTCOME_STAY,
	    "2027-02-30"), MDT_EDATE, 0, 0);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s2, MDT_OUTCOME_NONE, NULL),
	    MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s2, MDT_OUTCOME_STAY, "+90"),
	    MDT_OK, 1, 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT review_date FROM outcomes"), "2027-02-23");
	/* replaced, not added; the step down puts the patient on the
	 * rising-risk register (its own audit and outbox rows) */
	EXPECT_ACT(f, mdt_outcome_record(f->s, s2, MDT_OUTCOME_STEP_DOWN, NULL),
	    MDT_OK, 2, 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outcomes"), 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT kind FROM outcomes"), "step_down");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outcomes"
	    " WHERE review_date IS NULL"), 1);
}

static void
test_died_creates_one_follow_up(void **state)
{
	struct fx *f = *state;
	int64_t s9 = fx_slot(f, 9);
	int64_t kc = fx_person(f, "Chloé Martin");
	char buf[160];

	assert_int_equal(mdt_key_contact_set(f->s, fx_int(f->s,
	    "SELECT patient_id FROM slots WHERE id = %lld", (long long)s9), kc),
	    MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s9,
	    MDT_CONSENT_BEST_INTERESTS, "Patient has died; family informed",
	    NULL, 0), MDT_OK);
	/* the outcome and the new action each go to the central record */
	EXPECT_ACT(f, mdt_outcome_record(f->s, s9, MDT_OUTCOME_DIED, NULL),
	    MDT_OK, 2, 2);
	/* the same again: nothing to record */
	EXPECT_ACT(f, mdt_outcome_record(f->s, s9, MDT_OUTCOME_DIED, NULL),
	    MDT_OK, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE kind = 'contact_relatives'"), 1);
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"), kc);
	assert_int_equal(fx_int(f->s, "SELECT slot_id FROM actions"), s9);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT due_date FROM actions"), "2026-12-02");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT text FROM actions"), RELATIVES);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
	    " WHERE entity = 'action'"), 1);
}

/* Whatever the patient's name holds, the follow-up names nobody: the
 * projector and the masked lists show it as it is. */
static void
test_died_follow_up_names_nobody(void **state)
{
	struct fx *f = *state;
	int64_t s9 = fx_slot(f, 9);
	char *name = hostile("Ronald Blackwood", true), sql[10300];
	char buf[200];

	snprintf(sql, sizeof(sql), "UPDATE patients SET name = '%s'"
	    " WHERE id = %lld", name, (long long)patient_of(f, 9));
	fx_exec(f->s, sql);
	assert_int_equal(mdt_consent_record(f->s, s9,
	    MDT_CONSENT_BEST_INTERESTS, "Patient has died", NULL, 0), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s9, MDT_OUTCOME_DIED, NULL),
	    MDT_OK);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT text FROM actions WHERE kind = 'contact_relatives'"),
	    RELATIVES);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE instr(text, 'Ronald') OR instr(text, 'Blackwood')"), 0);
	free(name);
}

/* Without a key contact the follow-up goes to the first attendee present
 * (name order); once a key contact is set it moves to them, and again
 * when it changes, each move audited and queued; a finished one stays. */
static void
test_relatives_follow_the_key_contact(void **state)
{
	struct fx *f = *state;
	int64_t s4 = fx_slot(f, 4), pt = patient_of(f, 4);
	int64_t present = fx_person(f, "Priya Raghunathan");
	int64_t kc1 = fx_person(f, "Chloé Martin");
	int64_t kc2 = fx_person(f, "Dr Kwame Mensah");
	int64_t kc3 = fx_person(f, "Bridget Fennelly");
	int64_t act;
	char buf[200], want[200], name[64];

	fx_exec(f->s, "UPDATE patients SET key_contact_id = NULL");
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, present,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s4, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s4, MDT_OUTCOME_DIED, NULL),
	    MDT_OK);
	act = fx_int(f->s, "SELECT id FROM actions"
	    " WHERE kind = 'contact_relatives'");
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"
	    " WHERE id = %lld", (long long)act), present);
	fx_exec(f->s, "DELETE FROM outbox");

	/* the key contact and the action: two acts' rows in one */
	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, kc1), MDT_OK, 2, 2);
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"
	    " WHERE id = %lld", (long long)act), kc1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox o"
	    " JOIN actions a ON a.uuid = o.entity_uuid"
	    " WHERE o.entity = 'action' AND a.id = %lld", (long long)act), 1);
	snprintf(want, sizeof(want), "action_reassign: owner %s (the key"
	    " contact)", fx_text(f->s, name, sizeof(name), "SELECT name FROM"
	    " people WHERE id = %lld", (long long)kc1));
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT u.action || ': ' || u.detail FROM audit u"
	    " JOIN actions a ON a.uuid = u.entity_uuid WHERE a.id = %lld"
	    " ORDER BY u.id DESC LIMIT 1", (long long)act), want);

	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, kc2), MDT_OK, 2, 2);
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"
	    " WHERE id = %lld", (long long)act), kc2);
	/* the same key contact again: the action is theirs already */
	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, kc2), MDT_OK, 1, 1);
	/* done: it stays with whoever did it */
	assert_int_equal(mdt_action_set_status(f->s, act, MDT_ACTION_DONE),
	    MDT_OK);
	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, kc3), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"
	    " WHERE id = %lld", (long long)act), kc2);
	/* another patient's key contact moves nothing of this one's */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE owner_id = %lld", (long long)kc3), 0);
}

/* An outcome corrected away from "Died" cancels the slot's open
 * follow-up, audited and queued; "Died" again makes a new one. */
static void
test_relatives_cancelled_when_corrected(void **state)
{
	struct fx *f = *state;
	int64_t s9 = fx_slot(f, 9);
	int64_t first, second;
	char buf[200];

	assert_int_equal(mdt_consent_record(f->s, s9,
	    MDT_CONSENT_BEST_INTERESTS, "Reported as died", NULL, 0), MDT_OK);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s9, MDT_OUTCOME_DIED, NULL),
	    MDT_OK, 2, 2);
	first = fx_int(f->s, "SELECT id FROM actions"
	    " WHERE kind = 'contact_relatives'");
	/* the outcome and the cancelled action */
	EXPECT_ACT(f, mdt_outcome_record(f->s, s9, MDT_OUTCOME_STAY, "+28"),
	    MDT_OK, 2, 2);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT status FROM actions WHERE id = %lld", (long long)first),
	    "cancelled");
	assert_int_equal(fx_int(f->s, "SELECT closed_at FROM actions"
	    " WHERE id = %lld", (long long)first), FX_T0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT u.detail FROM audit u JOIN actions a"
	    " ON a.uuid = u.entity_uuid WHERE a.id = %lld"
	    " ORDER BY u.id DESC LIMIT 1", (long long)first),
	    "cancelled: the outcome is now stay");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox o"
	    " JOIN actions a ON a.uuid = o.entity_uuid WHERE a.id = %lld",
	    (long long)first), 2);
	/* nothing open to cancel: the outcome alone */
	EXPECT_ACT(f, mdt_outcome_record(f->s, s9, MDT_OUTCOME_CLOSE, NULL),
	    MDT_OK, 1, 1);
	/* died after all: a new follow-up, the cancelled one left */
	EXPECT_ACT(f, mdt_outcome_record(f->s, s9, MDT_OUTCOME_DIED, NULL),
	    MDT_OK, 2, 2);
	second = fx_int(f->s, "SELECT id FROM actions"
	    " WHERE kind = 'contact_relatives' AND status = 'open'");
	assert_true(second != first);
	/* done already: a correction leaves it done */
	assert_int_equal(mdt_action_set_status(f->s, second, MDT_ACTION_DONE),
	    MDT_OK);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s9, MDT_OUTCOME_CLOSE, NULL),
	    MDT_OK, 1, 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf),
	    "SELECT status FROM actions WHERE id = %lld", (long long)second),
	    "done");
}

/* Adds someone of org straight into the store (as an older version, or
 * another tool, might have), so that the organisation may hold anything. */
static int64_t
person_raw(struct fx *f, const char *name, const char *org)
{
	sqlite3_stmt *st;
	char uuid[37];

	mdt_uuid_new(uuid);
	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(f->s),
	    "INSERT INTO people (uuid, name, organisation) VALUES (?, ?, ?)",
	    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, org, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	return sqlite3_last_insert_rowid(mdt_store_db(f->s));
}

/* Nobody from an organisation the patient excluded may own one of their
 * actions or be their key contact: refused with the reason, nothing
 * written.  Names compared trimmed, inner spaces as one, case apart. */
static void
test_excluded_organisation_refused(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1), pt = patient_of(f, 1);
	char *evil = hostile("Evil Org", false);
	char *evil_spaced = hostile("  EVIL    org", false);
	const char *orgs[] = { " tanner  street DRUG service ", "Evil Org" };
	const char *hostile_orgs[] = { evil, evil_spaced };
	int64_t lee, eve, near, act;
	const char *why;

	lee = person_raw(f, "Lee Brown", "Tanner Street Drug Service");
	eve = person_raw(f, "Eve Adams", "  EVIL    org");
	near = person_raw(f, "Ann Lake", "Tanner Street Drug Services");
	/* control characters, bidi controls, bad UTF-8: refused as text */
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    hostile_orgs, 2), MDT_EINVAL);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM consent"), 0);
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    orgs, 2), MDT_OK);

	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Needle exchange", lee, "+7",
	    NULL), MDT_EEXCLUDED, 0, 0);
	why = mdt_store_error(f->s);
	assert_string_equal(why, "excluded by the patient's consent: tanner"
	    " street DRUG service (Lee Brown cannot own this action)");
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Call", eve, "+7", NULL),
	    MDT_EEXCLUDED, 0, 0);
	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, lee), MDT_EEXCLUDED, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s),
	    "(Lee Brown cannot be the key contact)"));
	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, eve), MDT_EEXCLUDED, 0, 0);
	/* a name that only looks alike is another organisation */
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Call", near, "+7", &act),
	    MDT_OK, 1, 1);
	/* reassigned, in a slot's review or between meetings */
	EXPECT_ACT(f, mdt_action_reassign(f->s, act, lee, NULL),
	    MDT_EEXCLUDED, 0, 0);
	EXPECT_ACT(f, mdt_action_review(f->s, s1, act, MDT_VERDICT_REASSIGNED,
	    eve, NULL), MDT_EEXCLUDED, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"
	    " WHERE id = %lld", (long long)act), near);
	assert_string_equal(mdt_strerror(MDT_EEXCLUDED),
	    "excluded by the patient's consent");

	/* the patient's latest consent is what counts: without the
	 * exclusions, both may */
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	EXPECT_ACT(f, mdt_action_reassign(f->s, act, lee, NULL), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, eve), MDT_OK, 1, 1);
	free(evil);
	free(evil_spaced);
}

/* Work an owner had before the patient excluded their organisation: it
 * may be closed or given to someone else, not reopened, kept open in a
 * review or given a new due date while it stays theirs. */
static void
test_excluded_since_owner(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1);
	int64_t lee = person_raw(f, "Lee Brown", "Tanner Street Drug Service");
	int64_t ann = fx_person(f, "Ade Okonkwo");
	char *evil = hostile("Tanner Street Drug Service", false);
	const char *orgs[] = { "  Tanner Street  Drug Service ",
	    "tanner street drug service" };
	const char *hostile_orgs[] = { evil };
	int64_t act, act2;

	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s1, "Outreach visit", lee, "+7",
	    &act), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s1, "Needle exchange", lee,
	    "+7", &act2), MDT_OK);
	assert_int_equal(mdt_action_set_status(f->s, act, MDT_ACTION_DONE),
	    MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    hostile_orgs, 1), MDT_EINVAL);
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    orgs, 2), MDT_OK);

	EXPECT_ACT(f, mdt_action_set_status(f->s, act, MDT_ACTION_OPEN),
	    MDT_EEXCLUDED, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s),
	    "(Lee Brown cannot own this action)"));
	EXPECT_ACT(f, mdt_action_reassign(f->s, act2, 0, "+3"), MDT_EEXCLUDED,
	    0, 0);
	EXPECT_ACT(f, mdt_action_review(f->s, s1, act2, MDT_VERDICT_OPEN, 0,
	    NULL), MDT_EEXCLUDED, 0, 0);
	EXPECT_ACT(f, mdt_action_review(f->s, s1, act2,
	    MDT_VERDICT_REASSIGNED, 0, "+3"), MDT_EEXCLUDED, 0, 0);
	/* given to someone else, with a new date, it goes on */
	EXPECT_ACT(f, mdt_action_reassign(f->s, act2, ann, "+3"), MDT_OK, 1, 1);
	/* closing is always allowed */
	EXPECT_ACT(f, mdt_action_set_status(f->s, act, MDT_ACTION_CANCELLED),
	    MDT_OK, 1, 1);
	free(evil);
}

/* A key contact whose organisation the patient excluded after they were
 * made key contact does not get the follow-up; nor does an attendee
 * present from an excluded organisation. */
static void
test_relatives_owner_never_excluded(void **state)
{
	struct fx *f = *state;
	int64_t s4 = fx_slot(f, 4), pt = patient_of(f, 4);
	int64_t kc = person_raw(f, "Kim Key", "Tanner Street Drug Service");
	int64_t aaron = person_raw(f, "Aaron Early", "TANNER STREET DRUG"
	    " SERVICE");
	int64_t priya = fx_person(f, "Priya Raghunathan");
	const char *orgs[] = { "Tanner Street Drug Service" };

	assert_int_equal(mdt_key_contact_set(f->s, pt, kc), MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, aaron,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s4, MDT_CONSENT_GIVEN, NULL,
	    orgs, 1), MDT_OK);
	/* Aaron, first by name, is excluded; nobody else is present */
	EXPECT_ACT(f, mdt_outcome_record(f->s, s4, MDT_OUTCOME_DIED, NULL),
	    MDT_ESTATE, 0, 0);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, priya,
	    MDT_ATTEND_PRESENT), MDT_OK);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s4, MDT_OUTCOME_DIED, NULL),
	    MDT_OK, 2, 2);
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"
	    " WHERE kind = 'contact_relatives'"), priya);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE owner_id IN (%lld, %lld)", (long long)kc,
	    (long long)aaron), 0);
}

static void
test_died_owner_without_key_contact(void **state)
{
	struct fx *f = *state;
	int64_t s4 = fx_slot(f, 4);
	int64_t present = fx_person(f, "Priya Raghunathan");

	fx_exec(f->s, "UPDATE patients SET key_contact_id = NULL");
	assert_int_equal(mdt_consent_record(f->s, s4, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	/* nobody to own the follow-up: refused, nothing written */
	EXPECT_ACT(f, mdt_outcome_record(f->s, s4, MDT_OUTCOME_DIED, NULL),
	    MDT_ESTATE, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outcomes"), 0);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, fx_person(f,
	    "Sam Whitlock"), MDT_ATTEND_APOLOGIES), MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, present,
	    MDT_ATTEND_PRESENT), MDT_OK);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s4, MDT_OUTCOME_DIED, NULL),
	    MDT_OK, 2, 2);
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"
	    " WHERE kind = 'contact_relatives'"), present);
}

static void
test_key_contact_exactly_one(void **state)
{
	struct fx *f = *state;
	struct mdt_snapshot snap;
	int64_t pt = fx_int(f->s, "SELECT patient_id FROM slots WHERE id = %lld",
	    (long long)fx_slot(f, 1));
	int64_t a = fx_person(f, "Dr Kwame Mensah");
	int64_t b = fx_person(f, "Bridget Fennelly");

	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, a), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, b), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT key_contact_id FROM patients"
	    " WHERE id = %lld", (long long)pt), b);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
	    " WHERE entity = 'patient'"), 2);
	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, 9999), MDT_ENOTFOUND, 0, 0);
	EXPECT_ACT(f, mdt_key_contact_set(f->s, 9999, a), MDT_ENOTFOUND, 0, 0);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_int_equal(snap.slots[0].key_contact_id, b);
	assert_string_equal(snap.slots[0].key_contact_name, "Bridget Fennelly");
	mdt_snapshot_free(&snap);
}

/* Blanking the projector: audited, never queued for the central record,
 * seen in the snapshot (which the projector's process reloads), allowed
 * once the meeting is closed, refused for a missing meeting. */
static void
test_projector_blank(void **state)
{
	struct fx *f = *state;
	struct mdt_snapshot snap;

	EXPECT_ACT(f, mdt_projector_blank(f->s, f->meeting, true), MDT_OK,
	    0, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE action = 'projector_blank'"), 1);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_true(snap.meeting.projector_blank);
	mdt_snapshot_free(&snap);
	/* Already blank: nothing to write. */
	EXPECT_ACT(f, mdt_projector_blank(f->s, f->meeting, true), MDT_OK,
	    0, 0);
	EXPECT_ACT(f, mdt_projector_blank(f->s, f->meeting, false), MDT_OK,
	    0, 1);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_false(snap.meeting.projector_blank);
	mdt_snapshot_free(&snap);
	EXPECT_ACT(f, mdt_projector_blank(f->s, 9999, true), MDT_ENOTFOUND,
	    0, 0);
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	EXPECT_ACT(f, mdt_projector_blank(f->s, f->meeting, true), MDT_OK,
	    0, 1);
}

/* ---- correcting the text of the record -------------------------------- */

/* Text each correction refuses, one class of the input policy each. */
static const char *const bad_text[] = {
	"MDT \x1b[2J", "MDT \xe2\x80\xae" "TDM", "MDT \xc2\x9b" "1m",
	"MDT \xef\xbf\xbe", "MDT \xff", "MDT\r\nforged", "MDT \x7f",
	"MDT \xe2\x81\xa6", "\xc0\xaf", "MDT \xed\xa0\x80",
};

#define N_BAD (sizeof(bad_text) / sizeof(bad_text[0]))

/* A correction of the text of a meeting or slot. */
typedef enum mdt_status (*correct_fn)(struct mdt_store *s, int64_t id,
    const char *text);

/* Each class of bad text refused by the act on id, what ("the title")
 * named, nothing written. */
static void
refuses_bad_text(struct fx *f, correct_fn act, int64_t id, const char *what)
{
	char *h = hostile("MDT", true);

	for (size_t i = 0; i < N_BAD; i++) {
		EXPECT_ACT(f, act(f->s, id, bad_text[i]), MDT_EINVAL, 0, 0);
		assert_non_null(strstr(mdt_store_error(f->s), what));
	}
	EXPECT_ACT(f, act(f->s, id, h), MDT_EINVAL, 0, 0);
	free(h);
}

/* The last act queued entity uuid to be sent and logged action for it
 * as the tester, the log not holding word (of the text). */
static void
queued_and_logged(struct fx *f, const char *entity, const char *uuid,
    const char *action, const char *word)
{
	char e[32], u[40];

	fx_text(f->s, e, sizeof(e), "SELECT entity FROM outbox"
	    " ORDER BY id DESC LIMIT 1");
	fx_text(f->s, u, sizeof(u), "SELECT entity_uuid FROM outbox"
	    " ORDER BY id DESC LIMIT 1");
	assert_string_equal(e, entity);
	assert_string_equal(u, uuid);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE id = (SELECT max(id) FROM audit) AND action = '%s'"
	    " AND entity = '%s' AND entity_uuid = '%s' AND actor = 'tester'"
	    " AND instr(detail, '%s') = 0", action, entity, uuid, word), 1);
}

static const char *
meeting_uuid(struct fx *f, int64_t id, char *buf)
{
	return fx_text(f->s, buf, 40, "SELECT uuid FROM meetings WHERE id = %lld",
	    (long long)id);
}

static void
test_correct_title(void **state)
{
	struct fx *f = *state;
	char buf[64], m_uuid[40];
	struct mdt_snapshot snap;

	meeting_uuid(f, f->meeting, m_uuid);
	fx_text(f->s, buf, sizeof(buf), "SELECT title FROM meetings");
	refuses_bad_text(f, mdt_meeting_set_title, f->meeting, "the title");
	EXPECT_ACT(f, mdt_meeting_set_title(f->s, f->meeting, " \t"),
	    MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_meeting_set_title(f->s, f->meeting, NULL),
	    MDT_EINVAL, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT title = '%s' FROM meetings",
	    buf), 1);

	/* corrected: the meeting queued to be sent again, audited without
	 * the text */
	EXPECT_ACT(f, mdt_meeting_set_title(f->s, f->meeting,
	    "Larkhall Green MDT \xc3\xa9"), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM meetings"
	    " WHERE title = 'Larkhall Green MDT \xc3\xa9'"), 1);
	queued_and_logged(f, "meeting", m_uuid, "title_correct", "Larkhall");
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_string_equal(snap.meeting.title, "Larkhall Green MDT \xc3\xa9");
	mdt_snapshot_free(&snap);
	/* the same again: nothing to write */
	EXPECT_ACT(f, mdt_meeting_set_title(f->s, f->meeting,
	    "Larkhall Green MDT \xc3\xa9"), MDT_OK, 0, 0);

	/* closed: still mendable; purged: kept as delivered */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	EXPECT_ACT(f, mdt_meeting_set_title(f->s, f->meeting, "Closed MDT"),
	    MDT_OK, 1, 1);
	fx_exec(f->s, "UPDATE meetings SET purged_at = 1");
	EXPECT_ACT(f, mdt_meeting_set_title(f->s, f->meeting, "Purged MDT"),
	    MDT_ESTATE, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "purged"));
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM meetings"
	    " WHERE title = 'Closed MDT'"), 1);
	EXPECT_ACT(f, mdt_meeting_set_title(f->s, 9999, "Nowhere"),
	    MDT_ENOTFOUND, 0, 0);
}

static void
test_correct_venue(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { .title = "Next MDT", .date = "+7",
	    .venue = "Larkhall Green Practice" };
	char m_uuid[40];
	struct mdt_snapshot snap;
	int64_t other = 0, old_venue;

	/* another meeting held at the same venue */
	assert_int_equal(mdt_meeting_create(f->s, &in, &other, NULL), MDT_OK);
	old_venue = fx_int(f->s, "SELECT venue_id FROM meetings WHERE id = %lld",
	    (long long)f->meeting);
	assert_int_equal(fx_int(f->s, "SELECT venue_id FROM meetings"
	    " WHERE id = %lld", (long long)other), old_venue);
	meeting_uuid(f, f->meeting, m_uuid);

	refuses_bad_text(f, mdt_meeting_set_venue, f->meeting, "the venue");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM venues"), 1);

	/* a venue of its own: the shared one is neither renamed nor moved */
	EXPECT_ACT(f, mdt_meeting_set_venue(f->s, f->meeting,
	    "Riverside Surgery"), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM venues"), 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM venues"
	    " WHERE id = %lld AND name = 'Larkhall Green Practice'",
	    (long long)old_venue), 1);
	assert_int_equal(fx_int(f->s, "SELECT venue_id FROM meetings"
	    " WHERE id = %lld", (long long)other), old_venue);
	assert_int_equal(fx_int(f->s, "SELECT v.name = 'Riverside Surgery'"
	    " FROM meetings m JOIN venues v ON v.id = m.venue_id"
	    " WHERE m.id = %lld", (long long)f->meeting), 1);
	queued_and_logged(f, "meeting", m_uuid, "venue_correct", "Riverside");
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_string_equal(snap.meeting.venue, "Riverside Surgery");
	mdt_snapshot_free(&snap);
	EXPECT_ACT(f, mdt_meeting_set_venue(f->s, f->meeting,
	    "Riverside Surgery"), MDT_OK, 0, 0);

	/* back to a venue known by that name: found, not made again */
	EXPECT_ACT(f, mdt_meeting_set_venue(f->s, f->meeting,
	    "Larkhall Green Practice"), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM venues"), 2);
	assert_int_equal(fx_int(f->s, "SELECT venue_id FROM meetings"
	    " WHERE id = %lld", (long long)f->meeting), old_venue);

	/* none; and a closed meeting may still be corrected */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	EXPECT_ACT(f, mdt_meeting_set_venue(f->s, f->meeting, ""), MDT_OK,
	    1, 1);
	assert_int_equal(fx_int(f->s, "SELECT venue_id IS NULL FROM meetings"
	    " WHERE id = %lld", (long long)f->meeting), 1);
	EXPECT_ACT(f, mdt_meeting_set_venue(f->s, f->meeting, NULL), MDT_OK,
	    0, 0);
	fx_exec(f->s, "UPDATE meetings SET purged_at = 1");
	EXPECT_ACT(f, mdt_meeting_set_venue(f->s, f->meeting, "Anywhere"),
	    MDT_ESTATE, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM venues"), 2);
}

static void
test_correct_reason(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1), s2 = fx_slot(f, 2);
	char s_uuid[40], old[512];
	struct mdt_snapshot snap;

	fx_text(f->s, s_uuid, sizeof(s_uuid), "SELECT uuid FROM slots"
	    " WHERE id = %lld", (long long)s1);
	fx_text(f->s, old, sizeof(old), "SELECT reason FROM slots"
	    " WHERE id = %lld", (long long)s1);
	refuses_bad_text(f, mdt_slot_set_reason, s1, "the reason");
	EXPECT_ACT(f, mdt_slot_set_reason(f->s, s1, ""), MDT_EINVAL, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT reason = '%s' FROM slots"
	    " WHERE id = %lld", old, (long long)s1), 1);

	/* corrected before the discussion and after the meeting; the slot
	 * queued, the log never holding what the reason says */
	EXPECT_ACT(f, mdt_slot_set_reason(f->s, s1,
	    "Recurrent falls \xe2\x80\x94 hip"), MDT_OK, 1, 1);
	queued_and_logged(f, "slot", s_uuid, "reason_correct", "falls");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE detail = 'slot #%lld: reason corrected'", (long long)s1), 1);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_string_equal(mdt_snapshot_slot(&snap, s1)->reason,
	    "Recurrent falls \xe2\x80\x94 hip");
	assert_string_equal(mdt_snapshot_slot(&snap, s2)->reason,
	    fx_text(f->s, old, sizeof(old), "SELECT reason FROM slots"
	    " WHERE id = %lld", (long long)s2));
	mdt_snapshot_free(&snap);
	EXPECT_ACT(f, mdt_slot_set_reason(f->s, s1,
	    "Recurrent falls \xe2\x80\x94 hip"), MDT_OK, 0, 0);
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	EXPECT_ACT(f, mdt_slot_set_reason(f->s, s2, "Frailty review"),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_set_reason(f->s, 9999, "Frailty review"),
	    MDT_ENOTFOUND, 0, 0);
	fx_exec(f->s, "UPDATE meetings SET purged_at = 1");
	EXPECT_ACT(f, mdt_slot_set_reason(f->s, s1, "Anything"), MDT_ESTATE,
	    0, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"
	    " WHERE reason = 'Anything'"), 0);
}

/* What the central record refused of the meeting goes again with the
 * correction; another meeting's refusals and a conflict stay as they are. */
static void
test_correct_sends_refused_again(void **state)
{
	struct fx *f = *state;
	struct mdt_meeting_in in = { .title = "Next MDT", .date = "+7" };
	int64_t s1 = fx_slot(f, 1), s2 = fx_slot(f, 2), other = 0;
	char m_uuid[40], o_uuid[40];

	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_note_add(f->s, s1, "Seen", NULL), MDT_OK);
	assert_int_equal(mdt_meeting_create(f->s, &in, &other, NULL), MDT_OK);
	meeting_uuid(f, f->meeting, m_uuid);
	meeting_uuid(f, other, o_uuid);
	fx_exec(f->s, "UPDATE outbox SET state = 'failed', attempts = 4,"
	    " next_at = 0, last_error = 'HTTP 400: Invalid string format'");
	fx_exec(f->s, "UPDATE outbox SET state = 'conflict' WHERE entity = 'note'");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
	    " WHERE state = 'failed' AND entity_uuid <> '%s'", o_uuid), 2);

	f->now += FX_MIN;
	EXPECT_ACT(f, mdt_slot_set_reason(f->s, s2, "Frailty review"), MDT_OK,
	    1, 1);
	/* the meeting's and the consent's rows, and the correction's */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
	    " WHERE state = 'pending' AND attempts = 0 AND next_at = %lld",
	    (long long)f->now), 3);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
	    " WHERE state = 'failed' AND entity_uuid = '%s'", o_uuid), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
	    " WHERE state = 'conflict' AND entity = 'note'"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE detail = 'slot #%lld: reason corrected; 2 refused records"
	    " queued again'", (long long)s2), 1);
	/* nothing refused left: the log says only what changed */
	EXPECT_ACT(f, mdt_meeting_set_title(f->s, f->meeting, "Larkhall MDT"),
	    MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE detail = 'title corrected' AND entity_uuid = '%s'",
	    m_uuid), 1);
}

/* ---- audit and outbox ------------------------------------------------ */

static void
test_every_act_one_outbox_one_audit(void **state)
{
	struct fx *f = *state;
	int64_t m = f->meeting, s1 = fx_slot(f, 1), s2 = fx_slot(f, 2);
	int64_t p = fx_person(f, "Marta Kowalczyk"), action = 0;
	int64_t pt = fx_int(f->s, "SELECT patient_id FROM slots WHERE id = %lld",
	    (long long)s1);
	char a_uuid[40], o_uuid[40], entity[32];

	EXPECT_ACT(f, mdt_meeting_open(f->s, m), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_meeting_open(f->s, m), MDT_OK, 0, 0);
	EXPECT_ACT(f, mdt_attendance_set(f->s, m, p, MDT_ATTEND_PRESENT),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_attendance_ack(f->s, m, p, true), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_next(f->s, m, NULL), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_pause_toggle(f->s, m), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_pause_toggle(f->s, m), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_extend(f->s, m, 60), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_note_add(f->s, s1, "Note", NULL), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Do it", p, "+7", &action),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_action_set_status(f->s, action, MDT_ACTION_DONE),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s1, MDT_OUTCOME_CLOSE, NULL),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_key_contact_set(f->s, pt, p), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_next(f->s, m, NULL), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_park(f->s, m), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_slot_previous(f->s, m), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_meeting_close(f->s, m), MDT_OK, 1, 1);

	/* refused acts write nothing */
	EXPECT_ACT(f, mdt_consent_record(f->s, s2, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_note_add(f->s, s1, "Late", NULL), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_action_add(f->s, s1, "Late", p, "+7", NULL),
	    MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s1, MDT_OUTCOME_CLOSE, NULL),
	    MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_attendance_set(f->s, m, p, MDT_ATTEND_APOLOGIES),
	    MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_meeting_open(f->s, m), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_meeting_close(f->s, m), MDT_ESTATE, 0, 0);
	/* an action's status may still change after the meeting */
	EXPECT_ACT(f, mdt_action_set_status(f->s, action, MDT_ACTION_OPEN),
	    MDT_OK, 1, 1);

	/* each audit row names what its outbox row names */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox o"
	    " WHERE NOT EXISTS (SELECT 1 FROM audit a"
	    " WHERE a.entity = o.entity AND a.entity_uuid = o.entity_uuid)"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
	    " WHERE state <> 'pending' OR op <> 'upsert' OR length(uuid) <> 36"),
	    0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE actor <> 'tester' AND action <> 'demo_create'"), 0);
	fx_text(f->s, a_uuid, sizeof(a_uuid), "SELECT uuid FROM actions");
	fx_text(f->s, o_uuid, sizeof(o_uuid), "SELECT entity_uuid FROM outbox"
	    " ORDER BY id DESC LIMIT 1");
	assert_string_equal(a_uuid, o_uuid);
	assert_string_equal(fx_text(f->s, entity, sizeof(entity),
	    "SELECT entity FROM outbox ORDER BY id DESC LIMIT 1"), "action");
}

static void
test_outbox_failure_rolls_back_the_act(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1);

	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	/* the outbox insert fails: the note and its audit row go too */
	fx_exec(f->s, "CREATE TEMP TRIGGER no_outbox BEFORE INSERT ON"
	    " main.outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END");
	EXPECT_ACT(f, mdt_note_add(f->s, s1, "Lost with its outbox row", NULL),
	    MDT_EDB, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM notes"), 0);
	assert_non_null(strstr(mdt_store_error(f->s), "outbox refused"));
	EXPECT_ACT(f, mdt_slot_next(f->s, f->meeting, NULL), MDT_EDB, 0, 0);
	assert_int_equal(fx_current(f), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"
	    " WHERE state <> 'pending'"), 0);
	fx_exec(f->s, "DROP TRIGGER no_outbox");
	EXPECT_ACT(f, mdt_note_add(f->s, s1, "Kept", NULL), MDT_OK, 1, 1);
	assert_int_equal(sqlite3_get_autocommit(mdt_store_db(f->s)), 1);
}

static void
test_disk_full(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1), pages;
	char *big, sql[64];

	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	pages = fx_int(f->s, "PRAGMA page_count");
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
	    (long long)pages);
	fx_exec(f->s, sql);
	big = malloc(200000);
	assert_non_null(big);
	memset(big, 'x', 199999);
	big[199999] = '\0';
	EXPECT_ACT(f, mdt_note_add(f->s, s1, big, NULL), MDT_EFULL, 0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "disk is full"));
	assert_int_equal(sqlite3_get_autocommit(mdt_store_db(f->s)), 1);
	free(big);
}

/* ---- the register and closing ---------------------------------------- */

static void
test_attendance(void **state)
{
	struct fx *f = *state;
	struct mdt_snapshot snap;
	int64_t p = fx_person(f, "Dr Siobhán Ní Bhriain");
	size_t i;
	const struct mdt_attendee *a = NULL;

	assert_int_equal(mdt_attendance_set(f->s, f->meeting, p,
	    MDT_ATTEND_APOLOGIES), MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, p,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_attendance_ack(f->s, f->meeting, p, true),
	    MDT_OK);
	EXPECT_ACT(f, mdt_attendance_set(f->s, f->meeting, 9999,
	    MDT_ATTEND_PRESENT), MDT_ENOTFOUND, 0, 0);
	EXPECT_ACT(f, mdt_attendance_set(f->s, 9999, p, MDT_ATTEND_PRESENT),
	    MDT_ENOTFOUND, 0, 0);
	EXPECT_ACT(f, mdt_attendance_set(f->s, f->meeting, p,
	    (enum mdt_attend)9), MDT_EINVAL, 0, 0);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_int_equal(snap.n_attendees, 10);
	assert_int_equal(snap.n_people, 10);
	for (i = 0; i < snap.n_attendees; i++)
		if (snap.attendees[i].person.id == p)
			a = &snap.attendees[i];
	assert_non_null(a);
	assert_int_equal(a->status, MDT_ATTEND_PRESENT);
	assert_true(a->confidentiality_ack);
	assert_string_equal(a->person.role, "GP");
	for (i = 0; i < snap.n_attendees; i++)
		if (snap.attendees[i].person.id != p)
			assert_int_equal(snap.attendees[i].status,
			    MDT_ATTEND_UNKNOWN);
	mdt_snapshot_free(&snap);
	/* one attendance row per person, however often it is set */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM attendance"), 10);
	assert_int_equal(mdt_attendance_ack(f->s, f->meeting, p, false),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT confidentiality_ack FROM"
	    " attendance WHERE person_id = %lld", (long long)p), 0);
}

static void
test_meeting_open_close(void **state)
{
	struct fx *f = *state;
	int64_t id = 0, s1 = fx_slot(f, 1);

	f->now = FX_T0 + 2 * FX_MIN;
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT opened_at FROM meetings"),
	    FX_T0 + 2 * FX_MIN);
	/* opened once: the time stays */
	f->now = FX_T0 + 3 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &id), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT opened_at FROM meetings"),
	    FX_T0 + 2 * FX_MIN);
	/* a paused current slot closes with its pause ended */
	f->now = FX_T0 + 5 * FX_MIN;
	assert_int_equal(mdt_slot_pause_toggle(f->s, f->meeting), MDT_OK);
	f->now = FX_T0 + 9 * FX_MIN;
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	assert_int_equal(state_of(f, s1), MDT_SLOT_DONE);
	assert_int_equal(elapsed_of(f, s1), 2 * FX_MIN);
	assert_int_equal(fx_int(f->s, "SELECT paused_at IS NULL FROM slots"
	    " WHERE id = %lld", (long long)s1), 1);
	/* nothing open or planned: the one closed last */
	assert_int_equal(mdt_meeting_find(f->s, NULL, &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_ESTATE);
}

/* ---- finding meetings, snapshots, the demo --------------------------- */

static void
test_meeting_find_and_list(void **state)
{
	struct fx *f = *state;
	char uuid[40], ref[48], *buf = NULL;
	size_t len = 0;
	int64_t id = 0;
	FILE *out;

	assert_int_equal(mdt_meeting_find(f->s, NULL, &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	assert_int_equal(mdt_meeting_find(f->s, "", &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	snprintf(ref, sizeof(ref), "%lld", (long long)f->meeting);
	assert_int_equal(mdt_meeting_find(f->s, ref, &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	fx_text(f->s, uuid, sizeof(uuid), "SELECT uuid FROM meetings");
	id = 0;
	assert_int_equal(mdt_meeting_find(f->s, uuid, &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	assert_int_equal(mdt_meeting_find(f->s, "999", &id), MDT_ENOTFOUND);
	assert_int_equal(mdt_meeting_find(f->s, "Demo", &id), MDT_ENOTFOUND);
	assert_int_equal(mdt_meeting_find(f->s,
	    "00000000-0000-4000-8000-000000000000", &id), MDT_ENOTFOUND);

	/* a later planned meeting is found unless one is open */
	fx_exec(f->s, "INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes) VALUES ('later', 'Next week',"
	    " 1796216400000, 90)");
	assert_int_equal(mdt_meeting_find(f->s, NULL, &id), MDT_OK);
	assert_int_not_equal(id, f->meeting);
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_meeting_find(f->s, NULL, &id), MDT_OK);
	assert_int_equal(id, f->meeting);

	/* nothing open or planned: the one closed last */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	fx_exec(f->s, "UPDATE meetings SET state = 'closed', closed_at = 1"
	    " WHERE uuid = 'later'");
	assert_int_equal(mdt_meeting_find(f->s, NULL, &id), MDT_OK);
	assert_int_equal(id, f->meeting);
	fx_exec(f->s, "UPDATE meetings SET state = 'open', closed_at = NULL"
	    " WHERE id IN (SELECT id FROM meetings WHERE uuid <> 'later')");

	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(mdt_meeting_list(f->s, out), MDT_OK);
	fclose(out);
	snprintf(ref, sizeof(ref), "%lld  2026-11-25  open  Demo MDT\n",
	    (long long)f->meeting);
	assert_non_null(strstr(buf, ref));
	/* newest first */
	assert_true(strstr(buf, "Next week") < strstr(buf, "Demo MDT"));
	free(buf);
}

static void
test_snapshot_actions_and_positions(void **state)
{
	struct fx *f = *state;
	struct mdt_snapshot snap;
	int64_t s1 = fx_slot(f, 1), p = fx_person(f, "Jamie Thornton");
	int64_t old = 0, now_a = 0, m2;
	size_t i;

	/* an open action from an earlier meeting comes forward */
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s1, "Earlier", p, "+7", &old),
	    MDT_OK);
	fx_exec(f->s, "INSERT INTO meetings (uuid, title, scheduled_start,"
	    " planned_minutes) VALUES ('m2', 'Second', 1796216400000, 60)");
	m2 = fx_int(f->s, "SELECT id FROM meetings WHERE uuid = 'm2'");
	fx_exec(f->s, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position) SELECT 's2x', (SELECT id FROM meetings WHERE uuid ="
	    " 'm2'), patient_id, 5 FROM slots WHERE position = 1");
	f->meeting = m2;
	assert_int_equal(mdt_consent_record(f->s, fx_int(f->s, "SELECT id FROM"
	    " slots WHERE uuid = 's2x'"), MDT_CONSENT_GIVEN, NULL, NULL, 0),
	    MDT_OK);
	assert_int_equal(mdt_action_add(f->s, fx_int(f->s, "SELECT id FROM"
	    " slots WHERE uuid = 's2x'"), "Now", p, "+7", &now_a), MDT_OK);
	assert_int_equal(mdt_snapshot_load(f->s, m2, &snap), MDT_OK);
	assert_int_equal(snap.n_slots, 1);
	assert_int_equal(snap.slots[0].position, 1);	/* renumbered */
	assert_int_equal(snap.n_actions, 2);
	for (i = 0; i < snap.n_actions; i++) {
		if (snap.actions[i].id == old)
			assert_int_equal(snap.actions[i].slot_id, 0);
		else
			assert_int_equal(snap.actions[i].slot_id,
			    snap.slots[0].id);
		assert_string_equal(snap.actions[i].owner_name,
		    "Jamie Thornton");
	}
	mdt_snapshot_free(&snap);
	/* a closed earlier action does not */
	assert_int_equal(mdt_action_set_status(f->s, old, MDT_ACTION_DONE),
	    MDT_OK);
	assert_int_equal(mdt_snapshot_load(f->s, m2, &snap), MDT_OK);
	assert_int_equal(snap.n_actions, 1);
	assert_int_equal(snap.actions[0].id, now_a);
	mdt_snapshot_free(&snap);
	/* but one closed while this meeting is open stays, so it can be
	 * reopened from the slot screen */
	assert_int_equal(mdt_action_set_status(f->s, old, MDT_ACTION_OPEN),
	    MDT_OK);
	f->now += FX_MIN;
	assert_int_equal(mdt_meeting_open(f->s, m2), MDT_OK);
	f->now += FX_MIN;
	assert_int_equal(mdt_action_set_status(f->s, old, MDT_ACTION_DONE),
	    MDT_OK);
	assert_int_equal(mdt_snapshot_load(f->s, m2, &snap), MDT_OK);
	assert_int_equal(snap.n_actions, 2);
	assert_int_equal(snap.actions[0].id, old);
	assert_int_equal(snap.actions[0].status, MDT_ACTION_DONE);
	mdt_snapshot_free(&snap);
	assert_int_equal(mdt_snapshot_load(f->s, 9999, &snap), MDT_ENOTFOUND);
	mdt_snapshot_free(&snap);
}

static void
test_demo_idempotent(void **state)
{
	struct fx *f = *state;
	struct mdt_snapshot snap;
	int64_t again = 0;
	struct fx_counts before = fx_counts(f), after;
	sqlite3_stmt *st;
	int n = 0;

	assert_int_equal(mdt_demo_create(f->s, &again), MDT_OK);
	assert_int_equal(again, f->meeting);
	after = fx_counts(f);
	assert_int_equal(after.audit, before.audit);
	assert_int_equal(after.outbox, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM meetings"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"), 12);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM people"), 10);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"), 12);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM attendance"
	    " WHERE status = 'unknown'"), 10);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE key_contact_id IS NULL"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"
	    " WHERE planned_seconds = 360"), 12);

	assert_int_equal(sqlite3_prepare_v2(mdt_store_db(f->s),
	    "SELECT nhs_number FROM patients", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *nhs = (const char *)sqlite3_column_text(st, 0);

		assert_true(mdt_nhs_valid(nhs));
		assert_memory_equal(nhs, "999", 3);
		n++;
	}
	sqlite3_finalize(st);
	assert_int_equal(n, 12);

	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_string_equal(snap.meeting.title, "Demo MDT");
	assert_string_equal(snap.meeting.venue, "Larkhall Green Practice");
	assert_int_equal(snap.meeting.scheduled_start, FX_T0);	/* 13:00 */
	assert_int_equal(snap.meeting.planned_minutes, 80);
	assert_int_equal(snap.meeting.warn_s, 300);
	assert_int_equal(snap.meeting.over_s, 420);
	assert_int_equal(snap.meeting.state, MDT_MEETING_PLANNED);
	assert_string_equal(snap.slots[0].patient_name, "Zoë Adébáyọ̀");
	assert_int_equal(snap.slots[11].position, 12);
	assert_non_null(snap.slots[0].key_contact_name);
	mdt_snapshot_free(&snap);
}

/* Two databases' demos share no UUID, in any table, so that they are
 * different records on one central server; each is a random (version 4)
 * UUID; the demo of each is still made once. */
static void
test_demo_fresh_ids(void **state)
{
	static const char *const tables[] = { "venues", "people", "patients",
	    "meetings", "slots", "candidates", "attendance" };
	struct fx *f = *state;
	struct mdt_store *other = NULL;
	int64_t meeting = 0, again = 0;
	char err[256];

	assert_int_equal(mdt_store_open(":memory:", &f->clock, MDT_OPEN_CREATE,
	    &other, err, sizeof(err)), MDT_OK);
	assert_int_equal(mdt_demo_create(other, &meeting), MDT_OK);
	assert_int_equal(mdt_demo_create(other, &again), MDT_OK);
	assert_int_equal(again, meeting);
	for (size_t t = 0; t < MDT_COUNT(tables); t++) {
		sqlite3_stmt *st;
		char sql[64];
		int n = 0;

		snprintf(sql, sizeof(sql), "SELECT uuid FROM %s", tables[t]);
		assert_int_equal(sqlite3_prepare_v2(mdt_store_db(other), sql,
		    -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *u = (const char *)sqlite3_column_text(st, 0);

			assert_true(mdt_uuid_like(u));
			assert_int_equal(u[14], '4');
			assert_int_equal(fx_int(f->s, "SELECT count(*) FROM %s"
			    " WHERE uuid = '%s'", tables[t], u), 0);
			assert_int_equal(fx_int(other, "SELECT count(*) FROM %s"
			    " WHERE uuid = '%s'", tables[t], u), 1);
			n++;
		}
		sqlite3_finalize(st);
		assert_true(n > 0);
	}
	assert_int_equal(fx_int(other, "SELECT count(*) FROM outbox"), 0);
	mdt_store_free(other);
}

/* ---- corrections, deaths, drafts ------------------------------------ */

/* A death is recorded without consent (a dead patient cannot consent),
 * with its date, never in the future; it then counts as the discussion's
 * consent for notes and actions, not for another outcome. */
static void
test_death_without_consent(void **state)
{
	struct fx *f = *state;
	int64_t s9 = fx_slot(f, 9), kc = fx_person(f, "Chloé Martin");
	int64_t id = 0;
	char buf[64];

	assert_int_equal(mdt_key_contact_set(f->s, patient_of(f, 9), kc),
	    MDT_OK);
	EXPECT_ACT(f, mdt_outcome_record(f->s, s9, MDT_OUTCOME_CLOSE, NULL),
	    MDT_ECONSENT, 0, 0);
	EXPECT_ACT(f, mdt_death_record(f->s, s9, "2026-11-26"), MDT_EDATE,
	    0, 0);
	assert_non_null(strstr(mdt_store_error(f->s), "future"));
	EXPECT_ACT(f, mdt_death_record(f->s, s9, "+1"), MDT_EDATE, 0, 0);
	EXPECT_ACT(f, mdt_death_record(f->s, s9, "yesterday"), MDT_EDATE,
	    0, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outcomes"), 0);
	/* the outcome and the follow-up with the relatives */
	EXPECT_ACT(f, mdt_death_record(f->s, s9, "2026-11-20"), MDT_OK, 2, 2);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT kind ||"
	    " ' ' || died_on FROM outcomes"), "died 2026-11-20");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM consent"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE kind = 'contact_relatives' AND owner_id = %lld",
	    (long long)kc), 1);
	/* discussed now: a note may follow */
	EXPECT_ACT(f, mdt_note_add(f->s, s9, "Died at home", &id), MDT_OK,
	    1, 1);
	/* the date corrected: the first kept, superseded */
	EXPECT_ACT(f, mdt_death_record(f->s, s9, "2026-11-19"), MDT_OK, 1, 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " json_extract(original, '$.died_on') FROM corrections"
	    " WHERE entity = 'outcome' AND kind = 'superseded'"), "2026-11-20");
	/* today by default */
	EXPECT_ACT(f, mdt_death_record(f->s, s9, ""), MDT_OK, 1, 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT died_on"
	    " FROM outcomes"), "2026-11-25");
}

/* A note edited keeps its original (superseded), withdrawn is gone from
 * the notes and kept (entered in error); the audit holds no text. */
static void
test_correct_note(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1), id = 0;
	char uuid[40], buf[256];
	char *bad = hostile("x", false);

	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_note_add(f->s, s1, "Lives with her son", &id),
	    MDT_OK);
	fx_text(f->s, uuid, sizeof(uuid), "SELECT uuid FROM notes");
	EXPECT_ACT(f, mdt_note_edit(f->s, id, "Lives with her daughter"),
	    MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_note_edit(f->s, id, "Lives with her daughter"),
	    MDT_OK, 0, 0);
	EXPECT_ACT(f, mdt_note_edit(f->s, id, bad), MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_note_edit(f->s, id, " "), MDT_EINVAL, 0, 0);
	free(bad);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT uuid"
	    " FROM notes WHERE text = 'Lives with her daughter'"), uuid);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT kind || '|'"
	    " || actor || '|' || json_extract(original, '$.text')"
	    " FROM corrections WHERE entity_uuid = '%s'", uuid),
	    "superseded|tester|Lives with her son");
	EXPECT_ACT(f, mdt_note_withdraw(f->s, id), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM notes"), 0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " json_extract(original, '$.text') FROM corrections"
	    " WHERE entity_uuid = '%s' AND kind = 'entered-in-error'", uuid),
	    "Lives with her daughter");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT entity"
	    " || ' ' || entity_uuid FROM outbox ORDER BY id DESC LIMIT 1"),
	    (snprintf(buf + 128, 128, "note %s", uuid), buf + 128));
	EXPECT_ACT(f, mdt_note_withdraw(f->s, id), MDT_ENOTFOUND, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE detail LIKE '%%Lives%%'"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE action IN ('note_correct', 'note_withdraw')"), 2);
}

/* An action's text edited, or the action withdrawn: it leaves the lists;
 * the follow-up after a death keeps its words. */
static void
test_correct_action(void **state)
{
	struct fx *f = *state;
	int64_t s9 = fx_slot(f, 9), id = 0, rel;
	int64_t owner = fx_person(f, "Ade Okonkwo");
	struct mdt_snapshot snap;
	char buf[256];

	assert_int_equal(mdt_key_contact_set(f->s, patient_of(f, 9), owner),
	    MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s9, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, s9, "Fals referal", owner, "+7",
	    &id), MDT_OK);
	EXPECT_ACT(f, mdt_action_edit(f->s, id, "Falls referral"), MDT_OK,
	    1, 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT text"
	    " FROM actions WHERE id = %lld", (long long)id), "Falls referral");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " json_extract(original, '$.text') FROM corrections"), "Fals referal");
	EXPECT_ACT(f, mdt_action_withdraw(f->s, id), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions WHERE id"
	    " = %lld AND status = 'cancelled' AND withdrawn_at = %lld",
	    (long long)id, (long long)f->now), 1);
	EXPECT_ACT(f, mdt_action_withdraw(f->s, id), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_action_edit(f->s, id, "Again"), MDT_ESTATE, 0, 0);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	for (size_t i = 0; i < snap.n_actions; i++)
		assert_int_not_equal(snap.actions[i].id, id);
	mdt_snapshot_free(&snap);
	/* the words of the follow-up are fixed; it may be withdrawn */
	assert_int_equal(mdt_outcome_record(f->s, s9, MDT_OUTCOME_DIED, NULL),
	    MDT_OK);
	rel = fx_int(f->s, "SELECT id FROM actions WHERE kind ="
	    " 'contact_relatives'");
	EXPECT_ACT(f, mdt_action_edit(f->s, rel, "Ring Ann"), MDT_ESTATE, 0, 0);
	EXPECT_ACT(f, mdt_action_withdraw(f->s, rel), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE detail LIKE '%%referal%%' OR detail LIKE '%%Falls%%'"), 0);
}

/* An outcome recorded over another keeps it (superseded, the same
 * record); withdrawn, it goes (kept, entered in error) and a new one is
 * a new record; a withdrawn death cancels its follow-up. */
static void
test_outcome_change_and_withdraw(void **state)
{
	struct fx *f = *state;
	int64_t s9 = fx_slot(f, 9), kc = fx_person(f, "Chloé Martin");
	char u1[40], u2[40], buf[64];

	assert_int_equal(mdt_key_contact_set(f->s, patient_of(f, 9), kc),
	    MDT_OK);
	EXPECT_ACT(f, mdt_outcome_withdraw(f->s, s9), MDT_ENOTFOUND, 0, 0);
	assert_int_equal(mdt_consent_record(f->s, s9, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s9, MDT_OUTCOME_CLOSE,
	    NULL), MDT_OK);
	fx_text(f->s, u1, sizeof(u1), "SELECT uuid FROM outcomes");
	/* and the patient on the rising-risk register */
	EXPECT_ACT(f, mdt_outcome_record(f->s, s9, MDT_OUTCOME_STEP_DOWN,
	    NULL), MDT_OK, 2, 2);
	fx_text(f->s, u2, sizeof(u2), "SELECT uuid FROM outcomes");
	assert_string_equal(u1, u2);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT kind || '|'"
	    " || json_extract(original, '$.kind') FROM corrections"),
	    "superseded|close");
	assert_int_equal(mdt_outcome_record(f->s, s9, MDT_OUTCOME_DIED, NULL),
	    MDT_OK);
	/* the outcome, and the follow-up cancelled */
	EXPECT_ACT(f, mdt_outcome_withdraw(f->s, s9), MDT_OK, 2, 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outcomes"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM actions"
	    " WHERE kind = 'contact_relatives' AND status = 'open'"), 0);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " json_extract(original, '$.kind') FROM corrections"
	    " WHERE kind = 'entered-in-error' AND entity_uuid = '%s'", u1),
	    "died");
	assert_int_equal(mdt_outcome_record(f->s, s9, MDT_OUTCOME_CLOSE,
	    NULL), MDT_OK);
	fx_text(f->s, u2, sizeof(u2), "SELECT uuid FROM outcomes");
	assert_string_not_equal(u1, u2);
	/* not in a closed meeting */
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	EXPECT_ACT(f, mdt_outcome_withdraw(f->s, s9), MDT_ESTATE, 0, 0);
}

/* Consent recorded again keeps the one it replaces, with its
 * organisations. */
static void
test_consent_corrected_keeps_original(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1);
	const char *orgs[] = { "Acme Care" };
	char buf[256];

	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_BEST_INTERESTS,
	    "Lacks capacity", orgs, 1), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM corrections"), 0);
	EXPECT_ACT(f, mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK, 1, 1);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT kind || '|'"
	    " || json_extract(original, '$.basis') || '|'"
	    " || json_extract(original, '$.justification') || '|'"
	    " || json_extract(original, '$.exclusions[0]')"
	    " FROM corrections WHERE entity = 'consent'"),
	    "superseded|best_interests|Lacks capacity|Acme Care");
}

/* The note being typed: kept, read back, dropped when the note is saved
 * or emptied. */
static void
test_note_draft(void **state)
{
	struct fx *f = *state;
	int64_t s1 = fx_slot(f, 1);
	char *text = NULL;

	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_note_draft_get(f->s, s1, &text), MDT_ENOTFOUND);
	assert_null(text);
	/* no audit, no outbox: no part of the record yet */
	EXPECT_ACT(f, mdt_note_draft_save(f->s, s1, "Falls twice"), MDT_OK,
	    0, 0);
	EXPECT_ACT(f, mdt_note_draft_save(f->s, s1, "Falls twice since"),
	    MDT_OK, 0, 0);
	assert_int_equal(mdt_note_draft_get(f->s, s1, &text), MDT_OK);
	assert_string_equal(text, "Falls twice since");
	free(text);
	assert_int_equal(mdt_note_draft_save(f->s, s1, "\x1b[2J"), MDT_EINVAL);
	assert_int_equal(mdt_note_add(f->s, s1, "Falls twice since May",
	    NULL), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM note_drafts"), 0);
	assert_int_equal(mdt_note_draft_save(f->s, s1, "x"), MDT_OK);
	assert_int_equal(mdt_note_draft_save(f->s, s1, ""), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM note_drafts"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_slot_clock_and_restart,
		    fx_setup_file_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_next_runs_out_and_parked_comes_last, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_park_only_slot_left,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_clock_acts_need_a_current_slot, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_forecast, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_consent_gate, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_consent_exclusions,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_exclusions_previous,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_actions, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_outcome_stay_needs_review,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_died_creates_one_follow_up,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_died_owner_without_key_contact, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_died_follow_up_names_nobody, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_relatives_follow_the_key_contact, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_relatives_cancelled_when_corrected, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_excluded_organisation_refused, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_relatives_owner_never_excluded, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_excluded_since_owner,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_key_contact_exactly_one,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_projector_blank,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_correct_title,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_correct_venue,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_correct_reason,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_correct_sends_refused_again, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_every_act_one_outbox_one_audit, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_outbox_failure_rolls_back_the_act, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_attendance, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_meeting_open_close,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_meeting_find_and_list,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_actions_and_positions, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_demo_idempotent,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_demo_fresh_ids,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_death_without_consent,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_correct_note,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_correct_action,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_outcome_change_and_withdraw,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_consent_corrected_keeps_original, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_note_draft,
		    fx_setup_demo, fx_teardown),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
