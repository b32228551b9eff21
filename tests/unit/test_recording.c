/*
 * test_recording.c - recording in a slot of the demo meeting: the consent
 * gate and the organisations a patient excludes with consent (and those
 * excluded before); actions; outcomes and the follow-up after a death,
 * whom it goes to and whom it never names; key contacts; blanking the
 * projector.
 */
#include "config.h"

#include "fixture.h"

/* The follow-up a death makes: the same words for every patient. */
#define RELATIVES "Contact the relatives to offer support and follow up"

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
	char *name = fx_hostile("Ronald Blackwood", true), sql[10300];
	char buf[200];

	snprintf(sql, sizeof(sql), "UPDATE patients SET name = '%s'"
	    " WHERE id = %lld", name, (long long)fx_patient_of(f, 9));
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
	int64_t s4 = fx_slot(f, 4), pt = fx_patient_of(f, 4);
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
	int64_t s1 = fx_slot(f, 1), pt = fx_patient_of(f, 1);
	char *evil = fx_hostile("Evil Org", false);
	char *evil_spaced = fx_hostile("  EVIL    org", false);
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
	char *evil = fx_hostile("Tanner Street Drug Service", false);
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
	int64_t s4 = fx_slot(f, 4), pt = fx_patient_of(f, 4);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
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
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
