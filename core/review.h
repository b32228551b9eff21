/*
 * review.h - the review of a period for the network's leads: the
 * figures (review.c), written as text or JSON (review_write.c) and as an
 * SVG chart (review_svg.c).
 */
#ifndef MDT_REVIEW_H
#define MDT_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "deaths.h"
#include "model.h"

/*
 * The figures the network's leads look at, for the local dates FROM to TO
 * (both included).  Nothing in them depends on names or note text, so a
 * retention purge leaves them as they were.
 *
 *   meetings held      meetings opened (opened_at) in the range, closed or
 *                      not; meetings_closed: those of them now closed.
 *                      Everything below about slots, outcomes, sources and
 *                      attendance is about the meetings held.
 *   slots discussed    slots that were started (state not pending);
 *                      patients discussed: distinct patients among them.
 *   time per slot      elapsed time on the slot's clock, pauses excluded
 *                      (mdt_slot_elapsed_ms; a slot still running counts
 *                      up to now).  Mean; median (the middle value, or the
 *                      mean of the two middle values); p90 by nearest rank
 *                      (the value at rank ceil(0.9 n) in ascending order).
 *   band               against each meeting's own warn_s and over_s, as the
 *                      minutes do (an extension does not move the band):
 *                      under < warn_s <= within <= over_s < over.
 *   actions opened     created in the range (any meeting, any patient).
 *   actions closed     status done, closed_at in the range; cancelled ones
 *                      are counted apart (actions_cancelled).
 *   overdue            created before the end of the range, still open at
 *                      its end (open now, or closed after it), with a due
 *                      date before TO.
 *   days to close      for the actions closed (done) in the range: local
 *                      calendar days from the day created to the day
 *                      closed; the median as above; -1 if none.
 *   outcomes           recorded outcomes of the slots, by kind;
 *                      outcomes[MDT_OUTCOME_NONE]: discussed slots without
 *                      one.
 *   sources            per slot discussed, the lists of its candidate
 *                      (a slot on two lists counts on both), and how else
 *                      it came: carried forward, escalated, added on the
 *                      day.  referrers: per referred_by of the referral
 *                      lists those slots came from; referrals_purged: the
 *                      referral slots of meetings the retention purge has
 *                      taken the list rows of (the referrer is no longer
 *                      kept); referrals_unnamed: the other referral slots
 *                      with no referrer recorded (escalations).
 *   attendance         per discipline (people.role; "" for none) the
 *                      attendances marked present and the number of
 *                      meetings at which the discipline was present.
 *   deaths             patients who died in the range (by date of death):
 *                      recorded between meetings (mdt_death_between) or as
 *                      a slot's outcome (once a patient); deaths_in_slots:
 *                      of them, those recorded in a slot.  By place
 *                      (mdt_death_places, then unknown: a slot's death has
 *                      none), expected or not (or unknown), and
 *                      relatives_7d: those whose follow-up with the
 *                      relatives was done within 7 days of the death's
 *                      recording.
 *   consent asked      answers asked before a meeting in the range (by the
 *                      day asked): asked[] by answer (mdt_asked_answers
 *                      order), and asked_kept_off: refusals without an
 *                      exception, which kept the patient off the agenda.
 *   rising risk        events of the rising-risk register in the range:
 *                      patients added (by anyone, or by a step down),
 *                      escalated to a meeting, and taken off (removed,
 *                      kept on the caseload, closed, died).
 *   closed per period  actions closed (done) per week from FROM (the last
 *                      week may be short), or per calendar month when the
 *                      range is longer than 27 weeks.
 */
struct mdt_review_count {
	char *name;
	int64_t n;		/* slots referred; present attendances */
	int64_t meetings;	/* attendance: meetings attended */
};

struct mdt_review_meeting {
	int64_t id;
	char date[11];		/* local date opened */
	int warn_s;
	int over_s;
	bool closed;
	int64_t *slot_ms;	/* elapsed of each slot discussed, in agenda
				 * order */
	size_t n_slots;
};

struct mdt_review_period {
	char from[11];
	char to[11];
	int64_t closed;		/* actions closed (done) */
};

struct mdt_review {
	char from[11];
	char to[11];
	int64_t meetings_held;
	int64_t meetings_closed;
	int64_t patients_discussed;
	int64_t slots_discussed;
	double mean_s;			/* time per slot; 0 with no slot */
	double median_s;
	double p90_s;
	int64_t slots_under;
	int64_t slots_within;
	int64_t slots_over;
	int64_t actions_opened;
	int64_t actions_closed;
	int64_t actions_cancelled;
	int64_t actions_overdue;
	double median_days_to_close;	/* -1 if none closed */
	int64_t outcomes[MDT_OUTCOME_DIED + 1];
	int64_t lists[MDT_LIST_COUNT];	/* in the order of enum mdt_list */
	int64_t carried_forward;
	int64_t escalated;
	int64_t added_on_day;
	int64_t referrals_unnamed;
	int64_t referrals_purged;
	struct mdt_review_count *referrers;	/* most first, then by name */
	size_t n_referrers;
	struct mdt_review_count *services;	/* referrals raised in the
						 * period by the referrer's
						 * service, most first */
	size_t n_services;
	struct mdt_review_count *disciplines;	/* by name */
	size_t n_disciplines;
	struct mdt_review_meeting *meetings;	/* by time opened */
	size_t n_meetings;
	struct mdt_review_period *periods;
	size_t n_periods;
	bool monthly;			/* periods are calendar months */
	int64_t deaths;
	int64_t deaths_in_slots;
	int64_t death_places[MDT_DEATH_PLACES + 1];	/* the last: unknown */
	int64_t deaths_expected;
	int64_t deaths_unexpected;
	int64_t relatives_7d;
	int64_t asked[4];		/* given, refused, best interests,
					 * representative */
	int64_t asked_kept_off;
	int64_t rising_added;
	int64_t rising_escalated;
	int64_t rising_removed;
};

/*
 * Works out the figures for from..to ("YYYY-MM-DD", from <= to, else
 * MDT_EDATE / MDT_EINVAL).  A range with nothing in it gives zeros.
 * DESTRUCTOR: mdt_review_free (safe on a zeroed review).
 */
enum mdt_status mdt_review_load(struct mdt_store *s, const char *from,
    const char *to, struct mdt_review *out);
void mdt_review_free(struct mdt_review *r);

enum mdt_review_format { MDT_REVIEW_TXT, MDT_REVIEW_JSON };

/* The figures as text for people or as JSON; MDT_EIO/MDT_EFULL if they
 * cannot be written (recorded in the store). */
enum mdt_status mdt_review_write(struct mdt_store *s,
    const struct mdt_review *r, enum mdt_review_format fmt, FILE *out);

/*
 * The chart as an SVG document: the time of each slot discussed, one
 * column per meeting, against the band (lines at the warning and over
 * times; dots green within the band, amber under it, red over it; each
 * meeting a <g class="meeting">; with too many meetings for a dot per
 * slot, a line from its 10th to its 90th percentile and a dot at its
 * median), and the actions closed per period as bars (<rect
 * class="bar">, one per period).  Dates and numbers only.
 */
enum mdt_status mdt_review_svg(struct mdt_store *s,
    const struct mdt_review *r, FILE *out);

#endif
