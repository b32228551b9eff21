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

/*
 * Hospital attendances and ambulance calls before and after a patient's
 * first discussion (review_use.c; docs/review.md).  The patients are
 * those first discussed (their earliest slot started, ever) at a meeting
 * held in the range.  Before: the count on the latest frequent-attender
 * (attendances) or ambulance (calls) list imported up to the moment the
 * first discussion began.  After: the count on the first such list
 * imported MDT_REVIEW_AFTER_DAYS or more after it.  -1: no such list.
 */
#define MDT_REVIEW_AFTER_DAYS 84
enum { MDT_USE_ATTENDANCES, MDT_USE_CALLS, MDT_USE_KINDS };

struct mdt_review_use {
	char *name;		/* as the record holds them, for masking */
	char *date_of_birth;
	char *nhs_number;
	char first[11];		/* local day of the first discussion */
	int64_t before[MDT_USE_KINDS];
	int64_t after[MDT_USE_KINDS];
	bool died;		/* died since (a death recorded, or the outcome) */
	bool not_yet;		/* MDT_REVIEW_AFTER_DAYS not yet passed */
};

/* Per kind, of the patients first discussed in the range. */
struct mdt_review_use_total {
	int64_t on_list;	/* alive, with a count before */
	int64_t paired;		/* of them, with a count after too */
	int64_t before;		/* the paired patients' counts before ... */
	int64_t after;		/* ... and after, summed */
	int64_t no_after;	/* on_list, the time passed, no list after */
	int64_t not_yet;	/* on_list, the time not yet passed */
	int64_t after_only;	/* alive, a count after but none before */
	int64_t died;		/* with a count before or after, died */
};

/* A change the team agreed at a review (mdt_review_note_add). */
struct mdt_review_note {
	int64_t id;
	char *text;
	char *by;
	char on[11];
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
	int64_t first_discussed;	/* patients first discussed in the
					 * range */
	struct mdt_review_use *use;	/* of them, those on a list with a
					 * count, by first discussion */
	size_t n_use;
	struct mdt_review_use_total use_total[MDT_USE_KINDS];
	struct mdt_review_count *themes;	/* every theme: n slots
						 * discussed tagged with it,
						 * meetings its patients */
	size_t n_themes;
	int64_t slots_untagged;		/* slots discussed with no theme */
	struct mdt_review_note *agreed;	/* agreed at the last review: the
					 * notes of the latest day on or
					 * before TO */
	size_t n_agreed;
};

/*
 * Works out the figures for from..to ("YYYY-MM-DD", from <= to, else
 * MDT_EDATE / MDT_EINVAL).  A range with nothing in it gives zeros.
 * DESTRUCTOR: mdt_review_free (safe on a zeroed review).
 */
enum mdt_status mdt_review_load(struct mdt_store *s, const char *from,
    const char *to, struct mdt_review *out);
void mdt_review_free(struct mdt_review *r);

enum mdt_review_format { MDT_REVIEW_TXT, MDT_REVIEW_JSON, MDT_REVIEW_HTML };

/* The figures as text for people, as JSON, or as one self-contained HTML
 * page with the charts inline (review_html.c); the patients of the
 * attendances before and after masked (mdt_patient_mask) unless unmask.
 * MDT_EIO/MDT_EFULL if they cannot be written (recorded in the store). */
enum mdt_status mdt_review_write(struct mdt_store *s,
    const struct mdt_review *r, enum mdt_review_format fmt, bool unmask,
    FILE *out);

/* The longest note of what the team agreed, and of who, in characters. */
#define MDT_REVIEW_NOTE_MAX 1000
#define MDT_REVIEW_BY_MAX 200

/*
 * Records a change the team agreed at a review: text and by (NULL: the
 * store's actor) one line each under the input policy (MDT_EINVAL), on
 * ("YYYY-MM-DD", not after today; NULL: today; MDT_EDATE).  Audited.
 * *id (may be NULL) gets it.
 */
enum mdt_status mdt_review_note_add(struct mdt_store *s, const char *text,
    const char *by, const char *on, int64_t *id);

/* Every note, oldest first.  DESTRUCTOR: mdt_review_notes_free. */
enum mdt_status mdt_review_notes_list(struct mdt_store *s,
    struct mdt_review_note **out, size_t *n);
void mdt_review_notes_free(struct mdt_review_note *v, size_t n);

/* The notes as text ("DATE  WHO: TEXT", escaped) or JSON (an array of
 * {id, on, by, text}). */
enum mdt_status mdt_review_notes_write(struct mdt_store *s,
    const struct mdt_review_note *v, size_t n, enum mdt_review_format fmt,
    FILE *out);

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
