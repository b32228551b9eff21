/*
 * test_corrections.c - correcting the record of the demo meeting: the
 * meeting's title and venue and a slot's reason (each class of bad text
 * refused, the change queued and audited, what the central record refused
 * sent again); a death recorded without consent; notes, actions,
 * outcomes and consent corrected, each keeping what it replaces; the note
 * being typed.
 */
#include "config.h"

#include "fixture.h"

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
	char *h = fx_hostile("MDT", true);

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

	assert_int_equal(mdt_key_contact_set(f->s, fx_patient_of(f, 9), kc),
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
	char *bad = fx_hostile("x", false);

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

	assert_int_equal(mdt_key_contact_set(f->s, fx_patient_of(f, 9), owner),
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

	assert_int_equal(mdt_key_contact_set(f->s, fx_patient_of(f, 9), kc),
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
		cmocka_unit_test_setup_teardown(test_correct_title,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_correct_venue,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_correct_reason,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_correct_sends_refused_again, fx_setup_demo,
		    fx_teardown),
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
