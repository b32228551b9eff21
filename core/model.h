/*
 * model.h - the types of the meeting model, for every part of core/ and
 * its callers: status codes, the injected clock, the states and kinds of
 * slots, consent, outcomes, actions, attendance and meetings, the
 * pre-meeting lists, and the records of one meeting as a snapshot holds
 * them.  Types only: each function is declared in the header of the file
 * that defines it (the names and labels of these states in rules.h).
 *
 * Times are wall-clock milliseconds since the Unix epoch, read through the
 * injected clock so that tests can drive them.  Dates (due dates, review
 * dates, dates of birth) are "YYYY-MM-DD" strings.
 */
#ifndef MDT_MODEL_H
#define MDT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- status codes ---------------------------------------------------- */

#define MDT_STATUS_INFO(_) \
	_(OK,        "ok") \
	_(EINVAL,    "invalid input") \
	_(ENOTFOUND, "not found") \
	_(ESTATE,    "not allowed in the current state") \
	_(ECONSENT,  "consent to be discussed has not been recorded") \
	_(EJUSTIFY,  "this consent basis needs a written justification") \
	_(EEXCLUDED, "excluded by the patient's consent") \
	_(ETOOLONG,  "too long to record") \
	_(EDATE,     "not a valid date (YYYY-MM-DD or +DAYS)") \
	_(ENHS,      "not a valid NHS number") \
	_(EOPEN,     "cannot open the database") \
	_(EREADONLY, "the database is read-only") \
	_(ENEWER,    "the database was written by a newer mdtchair") \
	_(ENOTMDT,   "the file is not an mdtchair database") \
	_(EFULL,     "the disk is full") \
	_(EBUSY,     "the database is busy") \
	_(EDB,       "database error") \
	_(ENOMEM,    "out of memory") \
	_(EIO,       "cannot write the output") \
	_(EDISK,     "the disk failed (an I/O error)") \
	_(EFILE,     "cannot use the file") \
	_(ECHAIR,    "another console chairs this meeting")

enum mdt_status {
#define MDT_STATUS_ENUM(id, msg) MDT_##id,
	MDT_STATUS_INFO(MDT_STATUS_ENUM)
#undef MDT_STATUS_ENUM
};

/* ---- clock ----------------------------------------------------------- */

/* Wall-clock milliseconds since the epoch. */
typedef int64_t (*mdt_now_fn)(void *ctx);

struct mdt_clock {
	mdt_now_fn now;
	void *ctx;
};

/* ---- slots, consent, outcomes, actions, attendance, meetings -------- */

/*
 * Each kind of state below is listed once, in an X-macro whose rows are
 * (constant, the name the database stores) or, for consent and outcomes,
 * (constant, name, the label people read).  The enum is made from it with
 * MDT_ENUM_ID, and rules.c makes its tables of names and labels from it.
 */
#define MDT_ENUM_ID(id, ...) id,
#define MDT_ENUM_NAME(id, name) [id] = name,
#define MDT_ENUM_NAME_LABELLED(id, name, label) [id] = name,
#define MDT_ENUM_LABEL(id, name, label) [id] = label,

#define MDT_SLOT_STATE_INFO(_) \
	_(MDT_SLOT_PENDING,	"pending")	/* not yet started */ \
	_(MDT_SLOT_RUNNING,	"running")	/* the clock is running */ \
	/* started, clock stopped (paused, parked, left) */ \
	_(MDT_SLOT_PAUSED,	"paused") \
	_(MDT_SLOT_DONE,	"done")		/* closed */

enum mdt_slot_state {
	MDT_SLOT_STATE_INFO(MDT_ENUM_ID)
};

/* The stored times of a slot; 0 means "not set". */
struct mdt_slot_times {
	int64_t started_at;
	int64_t paused_at;	/* set while paused */
	int64_t closed_at;	/* set when done */
	int64_t paused_ms;	/* total of finished pauses */
	int planned_s;
	int extended_s;		/* added by "extend" */
};

enum mdt_band {
	MDT_BAND_GREEN,		/* under the warning time */
	MDT_BAND_AMBER,		/* past warn_s (+ extension) */
	MDT_BAND_RED,		/* past over_s (+ extension) */
};

#define MDT_CONSENT_INFO(_) \
	_(MDT_CONSENT_NONE, "none",		/* not recorded */ \
	  "Consent not recorded") \
	_(MDT_CONSENT_GIVEN, "given", \
	  "Consent given") \
	_(MDT_CONSENT_BEST_INTERESTS, "best_interests", \
	  "Not given: discussed in the patient's best interests") \
	_(MDT_CONSENT_RISK_TO_OTHERS, "risk_to_others", \
	  "Not given: not discussing would put others at risk")

enum mdt_consent_basis {
	MDT_CONSENT_INFO(MDT_ENUM_ID)
};

/*
 * With consent, the patient may name organisations that must not be told
 * about the discussion.  At most MDT_EXCLUSIONS_MAX of them, each at most
 * MDT_ORGANISATION_MAX characters once tidied (see mdt_consent_record):
 * room for any organisation's registered name, and a whole list fits in
 * one line of typing.
 */
#define MDT_EXCLUSIONS_MAX 10
#define MDT_ORGANISATION_MAX 100

#define MDT_OUTCOME_INFO(_) \
	_(MDT_OUTCOME_NONE, "none", "No outcome yet") \
	/* stay on caseload; needs a review date */ \
	_(MDT_OUTCOME_STAY, "stay", "Stay on the caseload") \
	_(MDT_OUTCOME_STEP_DOWN, "step_down", "Step down to rising risk") \
	_(MDT_OUTCOME_CLOSE, "close", "Close") \
	/* creates a "contact relatives" action */ \
	_(MDT_OUTCOME_DIED, "died", "Died")

enum mdt_outcome_kind {
	MDT_OUTCOME_INFO(MDT_ENUM_ID)
};

#define MDT_ACTION_STATUS_INFO(_) \
	_(MDT_ACTION_OPEN,	"open") \
	_(MDT_ACTION_DONE,	"done") \
	_(MDT_ACTION_CANCELLED,	"cancelled")

enum mdt_action_status {
	MDT_ACTION_STATUS_INFO(MDT_ENUM_ID)
};

/*
 * How an action carried forward from an earlier meeting was dealt with
 * when its patient's slot reviewed it.  Every open action of a patient on
 * the agenda is reviewed; none is dropped without a verdict.
 */
#define MDT_VERDICT_INFO(_) \
	_(MDT_VERDICT_NONE,	"none")		/* not reviewed yet */ \
	_(MDT_VERDICT_OPEN,	"open")		/* still open, as it was */ \
	_(MDT_VERDICT_DONE,	"done") \
	/* still open, new owner and/or due date */ \
	_(MDT_VERDICT_REASSIGNED, "reassigned") \
	_(MDT_VERDICT_CANCELLED, "cancelled")

enum mdt_action_verdict {
	MDT_VERDICT_INFO(MDT_ENUM_ID)
};

#define MDT_ATTEND_INFO(_) \
	_(MDT_ATTEND_UNKNOWN,	"unknown")	/* not yet marked */ \
	_(MDT_ATTEND_PRESENT,	"present") \
	_(MDT_ATTEND_APOLOGIES,	"apologies")

enum mdt_attend {
	MDT_ATTEND_INFO(MDT_ENUM_ID)
};

#define MDT_MEETING_STATE_INFO(_) \
	_(MDT_MEETING_PLANNED,	"planned") \
	_(MDT_MEETING_OPEN,	"open") \
	_(MDT_MEETING_CLOSED,	"closed")

enum mdt_meeting_state {
	MDT_MEETING_STATE_INFO(MDT_ENUM_ID)
};

/* Where a candidate of a meeting stands (see prep.h). */
#define MDT_CANDIDATE_STATE_INFO(_) \
	_(MDT_CANDIDATE_OPEN,	  "candidate")	/* not yet decided */ \
	/* on the agenda (has a slot) */ \
	_(MDT_CANDIDATE_SELECTED, "selected") \
	/* not this time, with a reason */ \
	_(MDT_CANDIDATE_DEFERRED, "deferred")

enum mdt_candidate_state {
	MDT_CANDIDATE_STATE_INFO(MDT_ENUM_ID)
};

/* ---- the pre-meeting lists ----------------------------------------- */

/* The lists, as bit flags (a candidate's lists are OR-ed together). */
enum mdt_list {
	MDT_LIST_CASELOAD = 1 << 0,
	MDT_LIST_REFERRAL = 1 << 1,
	MDT_LIST_INPATIENT = 1 << 2,
	MDT_LIST_DISCHARGE = 1 << 3,
	MDT_LIST_FREQUENT_ATTENDER = 1 << 4,
	MDT_LIST_AMBULANCE = 1 << 5,
};

#define MDT_LIST_ALL 0x3fu
#define MDT_LIST_COUNT 6

/* ---- the records of one meeting (see snapshot.h) -------------------- */

struct mdt_store;

struct mdt_person {
	int64_t id;
	char uuid[37];
	char *name;
	char *role;		/* a team's: "team", or "network" */
	char *organisation;
	bool team;		/* a team or the network: never attends */
};

struct mdt_attendee {
	struct mdt_person person;
	enum mdt_attend status;
	bool confidentiality_ack;
	int64_t arrived_at;		/* ms; 0 if not recorded */
	int64_t left_at;		/* ms; 0 unless they left early */
	bool added_on_day;		/* put on the register on the day */
};

struct mdt_slot {
	int64_t id;
	char uuid[37];
	int position;			/* 1..n in agenda order */
	int64_t patient_id;
	char patient_uuid[37];
	char nhs_number[11];
	char *patient_name;
	char date_of_birth[11];
	char *practice;
	char *reason;
	enum mdt_slot_state state;
	struct mdt_slot_times times;
	enum mdt_consent_basis consent;
	char *consent_justification;	/* NULL if none */
	enum mdt_outcome_kind outcome;
	char review_date[11];		/* "" if none */
	char died_on[11];		/* a death's date; "" if none */
	int64_t key_contact_id;		/* 0 if none */
	char *key_contact_name;		/* NULL if none */
	int64_t presenter_id;		/* who presents the patient; 0 if
					 * nobody named */
	char *presenter_name;		/* NULL if none */
	char **exclusions;		/* organisations the patient asked, with
					 * consent, to exclude; in the order
					 * given (NULL if none) */
	size_t n_exclusions;
	/* consent asked before the meeting (consent_before.h): the answer
	 * standing, in words, and the basis the slot's consent starts
	 * from */
	char *asked_line;		/* NULL if never asked */
	char *asked_justification;	/* its justification; NULL if none */
	enum mdt_consent_basis asked_basis;	/* NONE: none, or barred */
};

struct mdt_note {
	int64_t id;
	char uuid[37];
	int64_t slot_id;
	char *text;
	int64_t created_at;
};

struct mdt_action {
	int64_t id;
	char uuid[37];
	int64_t patient_id;
	int64_t slot_id;		/* slot it was agreed in; 0 if earlier */
	char *text;
	int64_t owner_id;
	char *owner_name;
	char due_date[11];
	enum mdt_action_status status;
	int64_t created_at;
	enum mdt_action_verdict verdict;	/* how it was reviewed in this
						 * meeting's slot; NONE if not
						 * yet (see mdt_action_review) */
	/* what the central record said when last read back (pull.h) */
	bool record_conflict;		/* closed there, a local change not
					 * sent: for a person to settle */
	bool record_applied;		/* its status was taken from there */
	char record_status[24];		/* the Task's status; "" if never */
	int64_t record_modified;	/* when it changed there, ms */
	char *record_owner;		/* the owner it names (escaped); NULL */
};

/* An action closed from the central record this long before its
 * patient's meeting was to start (or since) is shown in the meeting's
 * slot, "updated from the record" (ms, as SQL text). */
#define MDT_RECORD_NEWS_MS "2592000000"

struct mdt_meeting {
	int64_t id;
	char uuid[37];
	char *title;
	char *venue;
	int64_t scheduled_start;
	int planned_minutes;
	int warn_s;			/* default 300 */
	int over_s;			/* default 420 */
	enum mdt_meeting_state state;
	int64_t opened_at;		/* 0 if not opened */
	int64_t closed_at;		/* 0 if not closed */
	int64_t current_slot_id;	/* 0 if none */
	bool projector_blank;		/* the chair blanked the projector */
	int64_t chair_id;		/* who chairs; 0 if not recorded */
	int64_t notetaker_id;		/* who takes the notes; 0 if not */
};

/* The parts of a snapshot read again apart by mdt_snapshot_refresh. */
#define MDT_SNAPSHOT_PARTS 5

/*
 * Everything the screens and the minutes need about one meeting.  Slots
 * are in agenda order; notes in the order written; actions are those of
 * the patients on the agenda that are open, were agreed in this meeting,
 * were reviewed in one of its slots, or were closed since it opened (so
 * that closing one can be undone), ordered by patient then creation.
 */
struct mdt_snapshot {
	struct mdt_meeting meeting;
	struct mdt_attendee *attendees;
	size_t n_attendees;
	struct mdt_slot *slots;
	size_t n_slots;
	struct mdt_note *notes;
	size_t n_notes;
	struct mdt_action *actions;
	size_t n_actions;
	struct mdt_person *people;	/* everyone known, by name */
	size_t n_people;
	/* for mdt_snapshot_refresh: the store it was read from, with that
	 * store's counts of its own changes to each part's tables and
	 * PRAGMA data_version (other connections' commits) at the time */
	const struct mdt_store *from;
	uint64_t seen[MDT_SNAPSHOT_PARTS];
	uint64_t seen_slots_other;
	int64_t data_version;
};

#endif
