/*
 * mdt.h - the meeting model of mdtchair: the store, its rules and the
 * operations a chair performs on a meeting.
 *
 * core/ knows nothing of terminals or networks.  Every operation that
 * changes the record runs in one SQLite transaction (BEGIN IMMEDIATE) that
 * also writes an audit row and an outbox row, and is committed before the
 * function returns MDT_OK.  Nothing in core/ exits the process.
 *
 * Times are wall-clock milliseconds since the Unix epoch, read through the
 * injected clock so that tests can drive them.  Dates (due dates, review
 * dates, dates of birth) are "YYYY-MM-DD" strings.
 */
#ifndef MDT_H
#define MDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- status codes ---------------------------------------------------- */

#define MDT_STATUS_INFO(_) \
	_(OK,        "ok") \
	_(EINVAL,    "invalid input") \
	_(ENOTFOUND, "not found") \
	_(ESTATE,    "not allowed in the current state") \
	_(ECONSENT,  "consent to be discussed has not been recorded") \
	_(EJUSTIFY,  "this consent basis needs a written justification") \
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
	_(EIO,       "cannot write the output")

enum mdt_status {
#define MDT_STATUS_ENUM(id, msg) MDT_##id,
	MDT_STATUS_INFO(MDT_STATUS_ENUM)
#undef MDT_STATUS_ENUM
};

/* The fixed message of a status. */
const char *mdt_strerror(enum mdt_status st);

/* ---- clock ----------------------------------------------------------- */

/* Wall-clock milliseconds since the epoch. */
typedef int64_t (*mdt_now_fn)(void *ctx);

struct mdt_clock {
	mdt_now_fn now;
	void *ctx;
};

/* The real clock (CLOCK_REALTIME). */
int64_t mdt_clock_real(void *ctx);

/* ---- fatal conditions ------------------------------------------------ */

/*
 * core/ returns errors and never exits, except when memory runs out: then
 * it calls this hook (if set) with a one-line message and aborts.  The
 * program sets it to restore the terminal first.
 */
typedef void (*mdt_fatal_fn)(const char *msg);
void mdt_set_fatal_hook(mdt_fatal_fn hook);

/* ---- rules (pure functions, no store) -------------------------------- */

/* Modulus 11 check digit of the first nine digits; -1 if it would be 10
 * (no valid number has those nine digits). */
int mdt_nhs_check_digit(const char digits9[9]);

/* Accepts "9434765919" or "943 476 5919"; on success writes the ten digits
 * and a NUL into out and returns true. */
bool mdt_nhs_normalise(const char *in, char out[11]);

/* True if s (after normalising) is a valid NHS number. */
bool mdt_nhs_valid(const char *s);

/* "943 476 5919" form of a ten-digit number, into out[13]. */
void mdt_nhs_format(const char *digits10, char out[13]);

/* Parses "YYYY-MM-DD" (a real calendar date) or "+N" (N days after the
 * local date of today_ms, 0 <= N <= 3650) into out "YYYY-MM-DD". */
enum mdt_status mdt_date_parse(const char *in, int64_t today_ms, char out[11]);

/* The local date of ms as "YYYY-MM-DD". */
void mdt_date_of(int64_t ms, char out[11]);

enum mdt_slot_state {
	MDT_SLOT_PENDING,	/* not yet started */
	MDT_SLOT_RUNNING,	/* the clock is running */
	MDT_SLOT_PAUSED,	/* started, clock stopped (paused, parked, left) */
	MDT_SLOT_DONE,		/* closed */
};

const char *mdt_slot_state_name(enum mdt_slot_state st);	/* "pending", ... */

/* The stored times of a slot; 0 means "not set". */
struct mdt_slot_times {
	int64_t started_at;
	int64_t paused_at;	/* set while paused */
	int64_t closed_at;	/* set when done */
	int64_t paused_ms;	/* total of finished pauses */
	int planned_s;
	int extended_s;		/* added by "extend" */
};

/* Time on the clock: derived from stored wall-clock times only, so that a
 * restart keeps it right.  Never negative. */
int64_t mdt_slot_elapsed_ms(enum mdt_slot_state st,
    const struct mdt_slot_times *t, int64_t now);

enum mdt_band {
	MDT_BAND_GREEN,		/* under the warning time */
	MDT_BAND_AMBER,		/* past warn_s (+ extension) */
	MDT_BAND_RED,		/* past over_s (+ extension) */
};

enum mdt_band mdt_slot_band(int64_t elapsed_ms, int warn_s, int over_s,
    int extended_s);

enum mdt_consent_basis {
	MDT_CONSENT_NONE,		/* not recorded */
	MDT_CONSENT_GIVEN,
	MDT_CONSENT_BEST_INTERESTS,	/* not given, discussed in best interests */
	MDT_CONSENT_RISK_TO_OTHERS,	/* not given, not discussing would harm others */
};

const char *mdt_consent_name(enum mdt_consent_basis b);	/* "given", ... */
const char *mdt_consent_label(enum mdt_consent_basis b);	/* for people */
bool mdt_consent_needs_justification(enum mdt_consent_basis b);
/* MDT_OK, MDT_EINVAL (basis NONE / unknown) or MDT_EJUSTIFY. */
enum mdt_status mdt_consent_check(enum mdt_consent_basis b,
    const char *justification);

enum mdt_outcome_kind {
	MDT_OUTCOME_NONE,
	MDT_OUTCOME_STAY,	/* stay on caseload; needs a review date */
	MDT_OUTCOME_STEP_DOWN,	/* step down to rising risk */
	MDT_OUTCOME_CLOSE,
	MDT_OUTCOME_DIED,	/* creates a "contact relatives" action */
};

const char *mdt_outcome_name(enum mdt_outcome_kind k);	/* "stay", ... */
const char *mdt_outcome_label(enum mdt_outcome_kind k);	/* for people */

enum mdt_action_status {
	MDT_ACTION_OPEN,
	MDT_ACTION_DONE,
	MDT_ACTION_CANCELLED,
};

const char *mdt_action_status_name(enum mdt_action_status s);

enum mdt_attend {
	MDT_ATTEND_UNKNOWN,	/* not yet marked */
	MDT_ATTEND_PRESENT,
	MDT_ATTEND_APOLOGIES,
};

const char *mdt_attend_name(enum mdt_attend a);

enum mdt_meeting_state {
	MDT_MEETING_PLANNED,
	MDT_MEETING_OPEN,
	MDT_MEETING_CLOSED,
};

const char *mdt_meeting_state_name(enum mdt_meeting_state s);

/* ---- the store ------------------------------------------------------- */

struct mdt_store;

#define MDT_SCHEMA_VERSION 2
#define MDT_APPLICATION_ID 0x4d445443	/* "MDTC" */

enum {
	MDT_OPEN_CREATE = 1 << 0,	/* create the file (mode 0600) if missing */
};

/*
 * Opens (and, with MDT_OPEN_CREATE, creates and migrates) the database at
 * path; ":memory:" gives a private in-memory store for tests.  WAL,
 * synchronous=FULL, foreign keys on, busy timeout.  Refuses a file whose
 * application_id or user_version it does not know, and a read-only file,
 * without changing it.  On failure *out is NULL and, if errbuf is not
 * NULL, a one-line reason naming the path is written to it.
 * The clock is copied.  DESTRUCTOR: mdt_store_free.
 */
enum mdt_status mdt_store_open(const char *path, const struct mdt_clock *clock,
    unsigned flags, struct mdt_store **out, char *errbuf, size_t errlen);
void mdt_store_free(struct mdt_store *s);

/* One line saying what went wrong last (status message plus detail). */
const char *mdt_store_error(const struct mdt_store *s);

int64_t mdt_store_now(const struct mdt_store *s);

/* Who is named in the audit log (default: the login name). */
void mdt_store_set_actor(struct mdt_store *s, const char *actor);

/*
 * How long a write waits for another window's transaction before failing
 * with MDT_EBUSY (default 5000 ms).  The interactive screens use a short
 * wait so that the event loop is never held up for long; the text typed
 * stays on screen to retry.
 */
void mdt_store_set_busy_timeout(struct mdt_store *s, int ms);

/* The raw handle, for tests and for sync/ (which shares the store). */
struct sqlite3 *mdt_store_db(struct mdt_store *s);

/* Outbox rows not yet delivered to the central record (state pending,
 * failed or conflict). */
enum mdt_status mdt_outbox_pending(struct mdt_store *s, int64_t *count);

/* ---- the outbox, as delivery sees it (sync/ and the sync panel) ----- */

/*
 * Each outbox row names one changed record (entity, entity_uuid).  sync/
 * turns it into FHIR resources built from the store at send time, and
 * records here what became of it.  No network code lives in core/.
 */
enum mdt_outbox_state {
	MDT_OUTBOX_PENDING,	/* to send, or to retry at next_at */
	MDT_OUTBOX_SENT,	/* acknowledged (2xx) by the central record */
	MDT_OUTBOX_FAILED,	/* refused by the server; last_error says why */
	MDT_OUTBOX_CONFLICT,	/* changed on the server meanwhile; not
				 * overwritten, for a person to settle */
};

#define MDT_OUTBOX_MASK(st) (1u << (st))

const char *mdt_outbox_state_name(enum mdt_outbox_state st);

struct mdt_outbox_counts {
	int64_t pending, sent, failed, conflict;
	int64_t last_sent_at;	/* latest sent_at; 0 if nothing sent */
	int64_t next_at;	/* pending rows wait until then (the latest
				 * next_at among them); 0 if none pending */
	int max_attempts;	/* most attempts among pending rows */
};

enum mdt_status mdt_outbox_counts(struct mdt_store *s,
    struct mdt_outbox_counts *out);

struct mdt_outbox_row {
	int64_t id;
	char entity[16];	/* "action", "note", ... */
	char entity_uuid[37];
	enum mdt_outbox_state state;
	int attempts;
	int64_t created_at;
	int64_t next_at;
	int64_t sent_at;	/* 0 unless sent */
	char *label;		/* what it is, for people ("action: ...") */
	char *last_error;	/* NULL if none */
};

/*
 * The rows whose state is in mask (MDT_OUTBOX_MASK bits), oldest first
 * (the order of delivery), at most max (0: no limit).  DESTRUCTOR:
 * mdt_outbox_rows_free.
 */
enum mdt_status mdt_outbox_list(struct mdt_store *s, unsigned mask,
    size_t max, struct mdt_outbox_row **rows, size_t *n);
void mdt_outbox_rows_free(struct mdt_outbox_row *rows, size_t n);

/* What the server acknowledged for one resource. */
struct mdt_sync_version {
	const char *type;	/* "Task" */
	const char *id;		/* our UUID */
	const char *version_id;	/* meta.versionId / ETag; NULL if unknown */
	const char *body_hash;	/* hash of the body sent; NULL if unknown */
};

/*
 * One transaction: the pending rows among ids become sent (sent_at now,
 * last_error cleared) and each version is recorded (replacing the old).
 */
enum mdt_status mdt_outbox_mark_sent(struct mdt_store *s, const int64_t *ids,
    size_t n, const struct mdt_sync_version *v, size_t nv);

/* The pending rows among ids: attempts + 1, next_at, last_error = why. */
enum mdt_status mdt_outbox_mark_retry(struct mdt_store *s, const int64_t *ids,
    size_t n, int64_t next_at, const char *why);

/* The pending rows among ids become failed or conflict, with why. */
enum mdt_status mdt_outbox_mark_failed(struct mdt_store *s,
    const int64_t *ids, size_t n, enum mdt_outbox_state state,
    const char *why);

/* Failed and conflicting rows go back to pending (attempts 0, due now),
 * for when a person has dealt with the cause; *count gets how many. */
enum mdt_status mdt_outbox_retry_problems(struct mdt_store *s,
    int64_t *count);

/* Every pending row is due now (a person asked to send without waiting
 * for the backoff to run out). */
enum mdt_status mdt_outbox_due_now(struct mdt_store *s);

/* The version and body hash last acknowledged for a resource; *found is
 * false (and the buffers "") if it was never acknowledged. */
enum mdt_status mdt_sync_version_get(struct mdt_store *s, const char *type,
    const char *id, char version_id[65], char body_hash[33], bool *found);

/*
 * Sets *changed to true if another connection (another window on the same
 * database) has committed since the last call (PRAGMA data_version); the
 * store's own commits do not count.  Cheap enough for a 250 ms timer.
 */
enum mdt_status mdt_store_changed(struct mdt_store *s, bool *changed);

/* ---- snapshot of one meeting (read-only copy) ----------------------- */

struct mdt_person {
	int64_t id;
	char uuid[37];
	char *name;
	char *role;
	char *organisation;
};

struct mdt_attendee {
	struct mdt_person person;
	enum mdt_attend status;
	bool confidentiality_ack;
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
	int64_t key_contact_id;		/* 0 if none */
	char *key_contact_name;		/* NULL if none */
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
};

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
};

/*
 * Everything the screens and the minutes need about one meeting.  Slots
 * are in agenda order; notes in the order written; actions are those of
 * the patients on the agenda that are open, were agreed in this meeting, or
 * were closed since it opened (so that closing one can be undone), ordered
 * by patient then creation.
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
};

/* DESTRUCTOR: mdt_snapshot_free (safe on a zeroed snapshot). */
enum mdt_status mdt_snapshot_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_snapshot *out);
void mdt_snapshot_free(struct mdt_snapshot *snap);

/* Lookups inside a snapshot; NULL if absent. */
const struct mdt_slot *mdt_snapshot_slot(const struct mdt_snapshot *snap,
    int64_t slot_id);
const struct mdt_slot *mdt_snapshot_current(const struct mdt_snapshot *snap);

/* Planned end of the meeting: (opened_at, else scheduled_start) plus
 * planned_minutes. */
int64_t mdt_meeting_planned_end(const struct mdt_meeting *m);

/*
 * Forecast: the current slot runs to at least its planned (+extended)
 * length, every slot not done runs its planned length after it.  Writes
 * each slot's forecast end into ends[i] (its closed_at for done slots) and
 * returns the forecast finish of the meeting.  A slot is past the cut-off
 * when ends[i] > mdt_meeting_planned_end().
 */
int64_t mdt_forecast(const struct mdt_snapshot *snap, int64_t now,
    int64_t *ends);

/* ---- finding meetings ------------------------------------------------ */

/*
 * ref: a meeting id ("3") or uuid; NULL or "" means the open meeting, else
 * the most recently scheduled one that is not closed.
 */
enum mdt_status mdt_meeting_find(struct mdt_store *s, const char *ref,
    int64_t *id);

/* Prints "ID  DATE  STATE  TITLE" lines, newest first. */
enum mdt_status mdt_meeting_list(struct mdt_store *s, FILE *out);

/* ---- chairing acts (each one transaction) --------------------------- */

/*
 * Each act writes one audit row and one outbox row, or (when refused)
 * nothing.  The outbox row names what changed: the acts that move the
 * agenda (open, close, next, park, previous) queue the 'meeting', pause and
 * extend the 'slot', and the recording acts their 'attendance', 'consent',
 * 'note', 'action', 'outcome' or 'patient' (key contact).  An act that
 * would change nothing (opening an open meeting, an action's status set to
 * what it is) returns MDT_OK and writes nothing.  Once the meeting is
 * closed, everything but an action's status and a key contact is refused
 * with MDT_ESTATE.
 */

/* Marks the meeting open (sets opened_at once). */
enum mdt_status mdt_meeting_open(struct mdt_store *s, int64_t meeting_id);

/* Closes the current slot if any and the meeting; MDT_ESTATE if closed. */
enum mdt_status mdt_meeting_close(struct mdt_store *s, int64_t meeting_id);

enum mdt_status mdt_attendance_set(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id, enum mdt_attend status);
enum mdt_status mdt_attendance_ack(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id, bool ack);

/*
 * Start/next: closes the current slot (if any) and makes current the first
 * slot in agenda order that is pending or paused (starting or resuming
 * it).  MDT_ENOTFOUND when no such slot is left (the current one, if any,
 * is still closed).  *slot_id (may be NULL) gets the new current slot.
 */
enum mdt_status mdt_slot_next(struct mdt_store *s, int64_t meeting_id,
    int64_t *slot_id);
/* Pause a running current slot / resume a paused one. */
enum mdt_status mdt_slot_pause_toggle(struct mdt_store *s, int64_t meeting_id);
/* Adds seconds to the current slot's allowance. */
enum mdt_status mdt_slot_extend(struct mdt_store *s, int64_t meeting_id,
    int seconds);
/* Pauses the current slot, moves it to the end of the agenda and starts
 * the next one (as mdt_slot_next, but without closing). */
enum mdt_status mdt_slot_park(struct mdt_store *s, int64_t meeting_id);
/* Pauses the current slot and makes the one before it in agenda order
 * current again (reopening it if done).  With no current slot (past the
 * end), reopens the last slot that was started.  MDT_ENOTFOUND if there is
 * no earlier slot. */
enum mdt_status mdt_slot_previous(struct mdt_store *s, int64_t meeting_id);

/* ---- recording the discussion --------------------------------------- */

enum mdt_status mdt_consent_record(struct mdt_store *s, int64_t slot_id,
    enum mdt_consent_basis basis, const char *justification);
/* MDT_ECONSENT before consent is recorded for the slot. */
enum mdt_status mdt_note_add(struct mdt_store *s, int64_t slot_id,
    const char *text, int64_t *note_id);
/* due: "YYYY-MM-DD" (or "+N" days); owner: a person id.  MDT_ECONSENT as
 * above. */
enum mdt_status mdt_action_add(struct mdt_store *s, int64_t slot_id,
    const char *text, int64_t owner_id, const char *due, int64_t *action_id);
enum mdt_status mdt_action_set_status(struct mdt_store *s, int64_t action_id,
    enum mdt_action_status status);
/*
 * Records (or replaces) the outcome of the slot.  STAY needs review_date.
 * DIED also creates, once, the action "Contact relatives ..." owned by the
 * patient's key contact (else the first present attendee), due in 7 days.
 * MDT_ECONSENT before consent.  A review date ("YYYY-MM-DD" or "+N") is kept
 * for any outcome but DIED.  The first DIED writes two audit and outbox
 * rows (the outcome and the new action); MDT_ESTATE if nobody can own the
 * action (no key contact, nobody marked present).  A cancelled follow-up
 * does not count: recording DIED again then makes a new one.
 */
enum mdt_status mdt_outcome_record(struct mdt_store *s, int64_t slot_id,
    enum mdt_outcome_kind kind, const char *review_date);
/* Makes person the patient's one key contact (replacing any other). */
enum mdt_status mdt_key_contact_set(struct mdt_store *s, int64_t patient_id,
    int64_t person_id);

/* ---- demo and reports ------------------------------------------------ */

/* Creates, once, the demo venue, ten people, twelve patients and a demo
 * meeting scheduled today; returns the demo meeting's id.  The demo is
 * fictional and never queued in the outbox. */
enum mdt_status mdt_demo_create(struct mdt_store *s, int64_t *meeting_id);

enum mdt_minutes_format { MDT_MINUTES_MD, MDT_MINUTES_JSON };

enum mdt_status mdt_minutes_write(struct mdt_store *s, int64_t meeting_id,
    enum mdt_minutes_format fmt, FILE *out);

#endif
