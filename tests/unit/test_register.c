/*
 * test_register.c - the register on the day against the demo meeting:
 * someone added after scheduling, a late arrival, an early departure (no
 * longer in the room: not for the projector's rule nor the follow-up a
 * death gives someone present), who chairs and who takes the notes; one
 * audit and one outbox row per act, none for a refused one; the times
 * typed; the minutes and the register listed.
 */
#include "config.h"

#include <string.h>

#include "fixture.h"

static int64_t
new_person(struct fx *f, const char *name)
{
	int64_t id = 0;

	assert_int_equal(mdt_person_add(f->s, name, "Consultant geriatrician",
	    "St Thomas' Hospital", &id), MDT_OK);
	return id;
}

static void
test_register_add(void **state)
{
	struct fx *f = *state;
	int64_t ana = new_person(f, "Dr Ana Ferreira"), raj;
	struct mdt_snapshot snap;
	const struct mdt_attendee *a;

	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM attendance"
	    " WHERE person_id = %lld", (long long)ana), 0);
	EXPECT_ACT(f, mdt_register_add(f->s, f->meeting, ana), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_register_add(f->s, f->meeting, ana), MDT_ESTATE, 0,
	    0);
	EXPECT_ACT(f, mdt_register_add(f->s, f->meeting, 9999), MDT_ENOTFOUND,
	    0, 0);
	EXPECT_ACT(f, mdt_register_add(f->s, 9999, ana), MDT_ENOTFOUND, 0, 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox o"
	    " JOIN attendance a ON a.uuid = o.entity_uuid"
	    " WHERE o.entity = 'attendance' AND a.person_id = %lld",
	    (long long)ana), 1);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	a = mdt_snapshot_attendee(&snap, ana);
	assert_non_null(a);
	assert_int_equal(a->status, MDT_ATTEND_PRESENT);
	assert_true(a->added_on_day);
	assert_true(mdt_attendee_here(a));
	assert_int_equal(a->arrived_at, 0);
	mdt_snapshot_free(&snap);
	/* the audit names the person as the register shows them, never by
	 * row id */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE action = 'register_add' AND detail LIKE"
	    " '%%Ferreira: added on the day, present'"), 1);
	/* a closed meeting's register is kept as it was */
	raj = new_person(f, "Raj Patel");
	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	EXPECT_ACT(f, mdt_register_add(f->s, f->meeting, raj), MDT_ESTATE, 0,
	    0);
}

static void
test_arrival_and_departure(void **state)
{
	struct fx *f = *state;
	int64_t ana = new_person(f, "Dr Ana Ferreira");
	int64_t marta = fx_person(f, "Marta Kowalczyk");
	struct mdt_snapshot snap;
	const struct mdt_attendee *a;
	size_t waiting = 0;

	assert_int_equal(mdt_attendance_set(f->s, f->meeting, marta,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_attendance_ack(f->s, f->meeting, marta, true),
	    MDT_OK);
	EXPECT_ACT(f, mdt_register_arrived(f->s, f->meeting, ana, FX_T0),
	    MDT_ENOTFOUND, 0, 0);
	EXPECT_ACT(f, mdt_register_left(f->s, f->meeting, ana, FX_T0),
	    MDT_ENOTFOUND, 0, 0);
	assert_int_equal(mdt_register_add(f->s, f->meeting, ana), MDT_OK);
	EXPECT_ACT(f, mdt_register_arrived(f->s, f->meeting, ana,
	    FX_T0 + 7 * FX_MIN), MDT_OK, 1, 1);
	EXPECT_ACT(f, mdt_register_arrived(f->s, f->meeting, ana, 0),
	    MDT_EINVAL, 0, 0);
	/* present, not acknowledged: the projector waits for her */
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_false(mdt_snapshot_room_cleared(&snap, &waiting));
	assert_int_equal(waiting, 1);
	a = mdt_snapshot_attendee(&snap, ana);
	assert_int_equal(a->arrived_at, FX_T0 + 7 * FX_MIN);
	mdt_snapshot_free(&snap);

	EXPECT_ACT(f, mdt_register_left(f->s, f->meeting, ana, FX_T0),
	    MDT_EINVAL, 0, 0);
	EXPECT_ACT(f, mdt_register_left(f->s, f->meeting, ana,
	    FX_T0 + 40 * FX_MIN), MDT_OK, 1, 1);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	a = mdt_snapshot_attendee(&snap, ana);
	assert_int_equal(a->left_at, FX_T0 + 40 * FX_MIN);
	assert_int_equal(a->status, MDT_ATTEND_PRESENT);
	assert_false(mdt_attendee_here(a));
	/* she left: the room is cleared without her acknowledgement */
	assert_true(mdt_snapshot_room_cleared(&snap, &waiting));
	assert_int_equal(waiting, 0);
	mdt_snapshot_free(&snap);

	/* back in the room, and waited for again */
	EXPECT_ACT(f, mdt_register_left(f->s, f->meeting, ana, 0), MDT_OK, 1,
	    1);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_true(mdt_attendee_here(mdt_snapshot_attendee(&snap, ana)));
	assert_false(mdt_snapshot_room_cleared(&snap, NULL));
	mdt_snapshot_free(&snap);

	/* only someone present leaves */
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, marta,
	    MDT_ATTEND_APOLOGIES), MDT_OK);
	EXPECT_ACT(f, mdt_register_left(f->s, f->meeting, marta, FX_T0),
	    MDT_ESTATE, 0, 0);
}

/* The follow-up a death makes, with no key contact, goes to the first in
 * the room: not to someone who left. */
static void
test_death_follow_up_skips_who_left(void **state)
{
	struct fx *f = *state;
	int64_t ade = fx_person(f, "Ade Okonkwo");
	int64_t bridget = fx_person(f, "Bridget Fennelly");
	int64_t s1 = fx_slot(f, 1);

	fx_exec(f->s, "UPDATE patients SET key_contact_id = NULL");
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, ade,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting, bridget,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_register_left(f->s, f->meeting, ade, FX_T0),
	    MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	assert_int_equal(mdt_consent_record(f->s, s1, MDT_CONSENT_GIVEN, NULL,
	    NULL, 0), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, s1, MDT_OUTCOME_DIED, NULL),
	    MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT owner_id FROM actions"
	    " WHERE slot_id = %lld", (long long)s1), bridget);
}

static void
test_chair_and_notetaker(void **state)
{
	struct fx *f = *state;
	int64_t ade = fx_person(f, "Ade Okonkwo");
	int64_t ana = new_person(f, "Dr Ana Ferreira");
	struct mdt_snapshot snap;

	EXPECT_ACT(f, mdt_meeting_role_set(f->s, f->meeting, MDT_ROLE_CHAIR,
	    ana), MDT_ENOTFOUND, 0, 0);
	EXPECT_ACT(f, mdt_meeting_role_set(f->s, f->meeting, MDT_ROLE_CHAIR,
	    ade), MDT_OK, 1, 1);
	assert_int_equal(mdt_register_add(f->s, f->meeting, ana), MDT_OK);
	EXPECT_ACT(f, mdt_meeting_role_set(f->s, f->meeting,
	    MDT_ROLE_NOTETAKER, ana), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"
	    " WHERE entity = 'meeting'"), 2);
	assert_int_equal(mdt_snapshot_load(f->s, f->meeting, &snap), MDT_OK);
	assert_int_equal(snap.meeting.chair_id, ade);
	assert_int_equal(snap.meeting.notetaker_id, ana);
	mdt_snapshot_free(&snap);
	EXPECT_ACT(f, mdt_meeting_role_set(f->s, f->meeting, MDT_ROLE_CHAIR,
	    0), MDT_OK, 1, 1);
	assert_int_equal(fx_int(f->s, "SELECT chair_id IS NULL FROM meetings"
	    " WHERE id = %lld", (long long)f->meeting), 1);
}

static void
test_register_time(void **state)
{
	int64_t at = 0;
	/* FX_T0 is 13:00 UTC; the tests run in UTC */
	static const char *const bad[] = { "25:00", "10:60", "1:5", "10:7",
	    "abc", "10:07x", "-1:00", "+1:00", " 1:00:00", "10 07", ":07" };

	(void)state;
	fx_utc();
	assert_true(mdt_register_time(FX_T0, "10:07", &at));
	assert_int_equal(at, FX_T0 - 3 * 60 * FX_MIN + 7 * FX_MIN);
	assert_true(mdt_register_time(FX_T0, "9:30", &at));
	assert_int_equal(at, FX_T0 - 3 * 60 * FX_MIN - 30 * FX_MIN);
	assert_true(mdt_register_time(FX_T0, "", &at));
	assert_int_equal(at, FX_T0);
	assert_true(mdt_register_time(FX_T0, NULL, &at));
	assert_int_equal(at, FX_T0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(mdt_register_time(FX_T0, bad[i], &at));
}

static char *
minutes_txt(struct fx *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(mdt_minutes_write(f->s, f->meeting, MDT_MINUTES_TXT,
	    out), MDT_OK);
	fclose(out);
	return buf;
}

static void
test_minutes_and_list(void **state)
{
	struct fx *f = *state;
	int64_t ana = new_person(f, "Dr Ana Ferreira");
	int64_t ade = fx_person(f, "Ade Okonkwo");
	char *buf = NULL, *txt;
	size_t len = 0;
	FILE *out;

	assert_int_equal(mdt_attendance_set(f->s, f->meeting, ade,
	    MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_register_add(f->s, f->meeting, ana), MDT_OK);
	assert_int_equal(mdt_register_arrived(f->s, f->meeting, ana,
	    FX_T0 + 7 * FX_MIN), MDT_OK);
	assert_int_equal(mdt_register_left(f->s, f->meeting, ana,
	    FX_T0 + 40 * FX_MIN), MDT_OK);
	assert_int_equal(mdt_meeting_role_set(f->s, f->meeting,
	    MDT_ROLE_CHAIR, ade), MDT_OK);
	assert_int_equal(mdt_meeting_role_set(f->s, f->meeting,
	    MDT_ROLE_NOTETAKER, ana), MDT_OK);
	txt = minutes_txt(f);
	assert_non_null(strstr(txt, "Dr Ana Ferreira, Consultant geriatrician,"
	    " St Thomas' Hospital: present, note-taker, added on the day,"
	    " arrived 13:07, left 13:40"));
	assert_non_null(strstr(txt, "Ade Okonkwo, Social worker, Adult Social"
	    " Care: present, chair"));
	free(txt);

	out = open_memstream(&buf, &len);
	assert_int_equal(mdt_register_list(f->s, f->meeting, out), MDT_OK);
	fclose(out);
	assert_non_null(strstr(buf, "  Dr Ana Ferreira  Consultant geriatrician"
	    "  St Thomas' Hospital  present, added on the day, arrived 13:07,"
	    " left 13:40, note-taker\n"));
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register_add,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_arrival_and_departure,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_death_follow_up_skips_who_left, fx_setup_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_chair_and_notetaker,
		    fx_setup_demo, fx_teardown),
		cmocka_unit_test(test_register_time),
		cmocka_unit_test_setup_teardown(test_minutes_and_list,
		    fx_setup_demo, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
