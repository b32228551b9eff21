/*
 * referrals_fixture.h - shared by the referral queue's tests
 * (test_referrals.c, test_refer.c): a referral list written and imported,
 * a meeting scheduled a number of days on, the meeting held a week later
 * (one patient discussed, the other deferred with why), and a candidate
 * found with its referral's history.
 */
#ifndef MDT_TEST_REFERRALS_FIXTURE_H
#define MDT_TEST_REFERRALS_FIXTURE_H

#include <jansson.h>

#include "fixture.h"

#define HEADER "nhs_number,name,date_of_birth,practice,reason,referred_by\n"

#define A "9993395633"
#define B "9999939082"
#define DAY (24 * 60 * FX_MIN)

/* A list of referrals in f->dir: A (reason_a) and B. */
static inline void
write_list(struct fx *f, const char *path, const char *reason_a)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fprintf(fp, HEADER
	    "9993395633,Zoe Adebayo,1941-03-14,Larkhall,%s,Dr Mensah\n"
	    "9999939082,Arthur Pennington,1936-11-02,Riverside,Calls,Ade\n",
	    reason_a);
	assert_int_equal(fclose(fp), 0);
}

static inline void
import(struct fx *f, int64_t meeting, const char *reason_a)
{
	struct mdt_import_report rep;
	char path[160];

	snprintf(path, sizeof(path), "%s/ref.csv", f->dir);
	write_list(f, path, reason_a);
	assert_int_equal(mdt_import_csv(f->s, meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	mdt_import_report_done(&rep);
}

/* A meeting days after the fake clock's day; its id. */
static inline int64_t
schedule(struct fx *f, const char *date)
{
	struct mdt_meeting_in in = { "Larkhall MDT", date, "13:00", NULL, 0 };
	int64_t id = 0;

	assert_int_equal(mdt_meeting_create(f->s, &in, &id, NULL), MDT_OK);
	return id;
}

/* Nothing yet: the test makes its own database. */
static inline int
setup_bare(void **state)
{
	*state = fx_new();
	return 0;
}

/* A new meeting a week on with the list imported. */
static inline int
setup(void **state)
{
	struct fx *f;

	fx_setup_memory(state);
	f = *state;
	fx_tempdir(f);
	f->meeting = schedule(f, "+7");
	import(f, f->meeting, "Falls");
	return 0;
}

static inline int64_t
cand(struct fx *f, int64_t meeting, const char *nhs)
{
	return fx_int(f->s, "SELECT coalesce((SELECT c.id FROM candidates c"
	    " JOIN patients p ON p.id = c.patient_id WHERE p.nhs_number = '%s'"
	    " AND c.meeting_id = %lld), 0)", nhs, (long long)meeting);
}

static inline int64_t
open_referrals(struct fx *f)
{
	struct mdt_referral *r;
	size_t n;

	assert_int_equal(mdt_referrals_load(f->s, &r, &n), MDT_OK);
	mdt_referrals_free(r, n);
	return (int64_t)n;
}

/* The meeting held a week later: A discussed (consent, an outcome), B
 * deferred with why; closed. */
static inline void
hold(struct fx *f, int64_t meeting, bool discuss_a, const char *why_b)
{
	int64_t slot = 0;

	f->now += 7 * DAY;
	if (discuss_a)
		assert_int_equal(mdt_candidate_select(f->s, cand(f, meeting, A),
		    0, 0, &slot), MDT_OK);
	assert_int_equal(mdt_candidate_defer(f->s, cand(f, meeting, B), why_b),
	    MDT_OK);
	assert_int_equal(mdt_meeting_open(f->s, meeting), MDT_OK);
	if (discuss_a) {
		assert_int_equal(mdt_slot_next(f->s, meeting, NULL), MDT_OK);
		assert_int_equal(mdt_consent_record(f->s, slot,
		    MDT_CONSENT_GIVEN, NULL, NULL, 0), MDT_OK);
		assert_int_equal(mdt_outcome_record(f->s, slot,
		    MDT_OUTCOME_STAY, "+60"), MDT_OK);
		f->now += 5 * FX_MIN;
	}
	assert_int_equal(mdt_meeting_close(f->s, meeting), MDT_OK);
}

/* The candidate of the meeting for nhs, loaded. */
static inline void
find(struct fx *f, int64_t meeting, const char *nhs, struct mdt_candidate *c,
    char *history, size_t len)
{
	struct mdt_candidate *all;
	size_t n;
	bool found = false;

	assert_int_equal(mdt_candidates_load(f->s, meeting, &all, &n), MDT_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].nhs_number, nhs) == 0) {
			found = true;
			c->lists = all[i].lists;
			c->referral_id = all[i].referral_id;
			c->referral_deferred = all[i].referral_deferred;
			c->referral_days = all[i].referral_days;
			mdt_referral_history(&all[i], history, len);
		}
	mdt_candidates_free(all, n);
	assert_true(found);
}

/* The meeting's day, as deferrals name it. */
static inline const char *
day_of(struct fx *f, int64_t meeting, char day[11])
{
	return fx_text(f->s, day, 11, "SELECT date(scheduled_start / 1000,"
	    " 'unixepoch', 'localtime') FROM meetings WHERE id = %lld",
	    (long long)meeting);
}

#endif
