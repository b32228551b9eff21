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
	_(EDISK,     "the disk failed (an I/O error)")

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

/* What the retention purge leaves of free text and names (see
 * mdt_purge_run). */
#define MDT_PURGED_TEXT "(purged)"

/* True for the token that replaces a purged patient's NHS number ("X"
 * and nine digits of the patient's id; never a valid number). */
bool mdt_nhs_purged(const char *nhs_number);

/* "943 476 5919" form of a ten-digit number (MDT_PURGED_TEXT for a purged
 * one), into out[13]. */
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

/*
 * With consent, the patient may name organisations that must not be told
 * about the discussion.  At most MDT_EXCLUSIONS_MAX of them, each at most
 * MDT_ORGANISATION_MAX characters once tidied (see mdt_consent_record):
 * room for any organisation's registered name, and a whole list fits in
 * one line of typing.
 */
#define MDT_EXCLUSIONS_MAX 10
#define MDT_ORGANISATION_MAX 100

/*
 * Splits text typed as "Acme Care, Borough Housing" at its commas into
 * *names (new strings, as typed between the commas; *n 0 for NULL or
 * "").  Tidying is mdt_consent_record's.  DESTRUCTOR: mdt_names_free.
 */
void mdt_exclusions_split(const char *text, char ***names, size_t *n);

/* Frees n strings and the array that holds them (NULL is fine). */
void mdt_names_free(char **names, size_t n);

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

/*
 * How an action carried forward from an earlier meeting was dealt with
 * when its patient's slot reviewed it.  Every open action of a patient on
 * the agenda is reviewed; none is dropped without a verdict.
 */
enum mdt_action_verdict {
	MDT_VERDICT_NONE,	/* not reviewed yet */
	MDT_VERDICT_OPEN,	/* still open, as it was */
	MDT_VERDICT_DONE,
	MDT_VERDICT_REASSIGNED,	/* still open, new owner and/or due date */
	MDT_VERDICT_CANCELLED,
};

const char *mdt_action_verdict_name(enum mdt_action_verdict v);	/* "open" */

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

#define MDT_SCHEMA_VERSION 8
#define MDT_APPLICATION_ID 0x4d445443	/* "MDTC" */

enum {
	MDT_OPEN_CREATE = 1 << 0,	/* create the file (mode 0600) if missing */
};

/*
 * Opens (and, with MDT_OPEN_CREATE, creates and migrates) the database at
 * path; ":memory:" gives a private in-memory store for tests.  WAL,
 * synchronous=FULL, foreign keys on, secure_delete on, busy timeout.
 * Refuses a file whose application_id or user_version it does not know,
 * and a read-only file, without changing it.  On failure *out is NULL
 * and, if errbuf is not NULL, a one-line reason naming the path is
 * written to it.
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

/*
 * Checkpoints (copying the write-ahead log into the database file, up to
 * 4 MB of writes and a sync of the database) normally run at the end of a
 * commit that finds the log 1,000 pages long.  Deferred, they run only
 * when mdt_store_checkpoint is called (the console calls it once the keys
 * stop), or at the end of a commit that finds the log 4,000 pages long,
 * so that a key's commit is not also a checkpoint.
 */
void mdt_store_defer_checkpoints(struct mdt_store *s, bool defer);
/* Pages in the log after this connection's last commit. */
int mdt_store_wal_pages(const struct mdt_store *s);
/* A checkpoint now, waiting for no one (SQLite's passive mode). */
enum mdt_status mdt_store_checkpoint(struct mdt_store *s);

/* Statements of the connection still in use: handed out by the store and
 * not given back, or prepared on the raw handle and not finalized (the
 * store keeps others prepared between uses).  0 when nothing was left
 * open; the tests check it. */
int mdt_store_statements_open(struct mdt_store *s);

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
/* The same without the sent rows (sent and last_sent_at are 0), for the
 * status bar and the engine's scheduling.  Both cost a few index lookups
 * however long the history (the counts by state are kept by triggers). */
enum mdt_status mdt_outbox_unsent_counts(struct mdt_store *s,
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
 * store's own commits do not count.  Cheap: a window calls it whenever the
 * file named by mdt_store_wal_path changes.
 */
enum mdt_status mdt_store_changed(struct mdt_store *s, bool *changed);

/*
 * The write-ahead log every commit goes through (PATH-wal), for a window
 * to watch for other windows' commits; NULL for an in-memory store.
 * After each commit of any store, once the commit can be read and its
 * lock is released, the file's times are touched: a watcher woken by
 * that (not by the log's writes, which come before the commit is
 * visible) always finds data_version changed.
 */
const char *mdt_store_wal_path(const struct mdt_store *s);
/* The database file the store was opened on. */
const char *mdt_store_path(const struct mdt_store *s);

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
	int64_t presenter_id;		/* who presents the patient; 0 if
					 * nobody named */
	char *presenter_name;		/* NULL if none */
	char **exclusions;		/* organisations the patient asked, with
					 * consent, to exclude; in the order
					 * given (NULL if none) */
	size_t n_exclusions;
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
	bool projector_blank;		/* the chair blanked the projector */
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
	int64_t data_version;
};

/* DESTRUCTOR: mdt_snapshot_free (safe on a zeroed snapshot). */
enum mdt_status mdt_snapshot_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_snapshot *out);
void mdt_snapshot_free(struct mdt_snapshot *snap);

/*
 * Brings *snap (from mdt_snapshot_load or this function, or zeroed) up to
 * date as a snapshot of meeting_id, with the same result as loading it
 * afresh, but reading again only the parts whose tables changed since it
 * was read: after a pause, say, the slots and not the actions.  It reads
 * everything when another connection has committed since, when the
 * meeting or the store is another, or when SQLite has no pre-update hook
 * to count the store's changes with.  On failure *snap is unchanged.
 */
enum mdt_status mdt_snapshot_refresh(struct mdt_store *s, int64_t meeting_id,
    struct mdt_snapshot *snap);

/* Lookups inside a snapshot; NULL if absent. */
const struct mdt_slot *mdt_snapshot_slot(const struct mdt_snapshot *snap,
    int64_t slot_id);
const struct mdt_slot *mdt_snapshot_current(const struct mdt_snapshot *snap);

/*
 * Whether patient data may be shown to the room: someone is marked
 * present and every attendee marked present has acknowledged the
 * confidentiality agreement.  *waiting (if not NULL) gets how many present
 * attendees have not acknowledged yet.
 */
bool mdt_snapshot_room_cleared(const struct mdt_snapshot *snap,
    size_t *waiting);

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
 * the most recently scheduled one that is not closed, else the one closed
 * last (so that its minutes can be had without looking up its id).
 */
enum mdt_status mdt_meeting_find(struct mdt_store *s, const char *ref,
    int64_t *id);

/* Prints "ID  DATE  STATE  TITLE" lines, newest first. */
enum mdt_status mdt_meeting_list(struct mdt_store *s, FILE *out);

/* Prints the audit log oldest first, one tab-separated line a row: local
 * time, actor, action, entity and its uuid, detail.  meeting_id 0: every
 * row; otherwise only the rows of that meeting and what hangs off it.
 * Only rows at or after since_ms (0: all). */
enum mdt_status mdt_audit_list(struct mdt_store *s, int64_t meeting_id,
    int64_t since_ms, FILE *out);

/* Writes an audit row about a meeting for something that changes no
 * record: "open" (its screens), "export" (minutes or agenda printed). */
enum mdt_status mdt_audit_meeting(struct mdt_store *s, int64_t meeting_id,
    const char *action, const char *detail);

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

/*
 * Records (or replaces) the slot's consent to be discussed and, with it,
 * the organisations the patient asked to exclude (exclude[0..n_exclude),
 * NULL when n_exclude is 0): one act, one audit row, one 'consent' outbox
 * row.  Each name is trimmed and its inner runs of white space made one
 * space; blank names are dropped; a name listed again (case apart, ASCII
 * letters only, as the store compares them) keeps its first spelling.
 * Recording again replaces the whole list.  MDT_EJUSTIFY as
 * mdt_consent_check; MDT_ETOOLONG for a name over MDT_ORGANISATION_MAX
 * characters or more than MDT_EXCLUSIONS_MAX names.
 */
enum mdt_status mdt_consent_record(struct mdt_store *s, int64_t slot_id,
    enum mdt_consent_basis basis, const char *justification,
    const char *const *exclude, size_t n_exclude);
/*
 * The organisations the patient of slot_id asked to exclude with their
 * latest consent recorded in any other slot (the one recorded last), in
 * the order given: what to offer when consent is asked again.  *n is 0
 * when that consent excluded none or there is no such consent.
 * DESTRUCTOR: mdt_names_free.
 */
enum mdt_status mdt_exclusions_previous(struct mdt_store *s, int64_t slot_id,
    char ***names, size_t *n);
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
/*
 * Blanks (or restores) the projected view of the meeting (`mdtchair
 * present`, another process, notices it within a quarter of a second).
 * Writes an audit row but no outbox row: what the room sees is no part of
 * the clinical record.  Allowed in any state of the meeting; setting what
 * is already set writes nothing.  MDT_ENOTFOUND for a missing meeting.
 */
enum mdt_status mdt_projector_blank(struct mdt_store *s, int64_t meeting_id,
    bool blank);

/* Makes person the patient's one key contact (replacing any other). */
enum mdt_status mdt_key_contact_set(struct mdt_store *s, int64_t patient_id,
    int64_t person_id);

/* ---- pre-meeting lists and agenda preparation ----------------------- */

/*
 * Before a meeting, lists of patients are imported: the caseload, new
 * referrals, current inpatients, recent discharges, frequent hospital
 * attenders and regular ambulance callers.  Rows merge per patient (by
 * NHS number) into one candidate of the meeting, carrying the flags of
 * every list the patient is on.  A matron and a GP then choose who is
 * discussed: a selected candidate has a slot on the agenda; a deferred one
 * has a written reason.  A referral is never turned away: the agenda
 * cannot be finalised while a referral is neither selected nor deferred.
 *
 * Candidates are local preparation data: the acts that only change
 * candidates (import, carry-forward, defer, escalation) write audit rows
 * but queue nothing for the central record.  The acts that change the
 * agenda itself (select, deselect, move, plan, add on the day, finalise)
 * queue the 'meeting', whose discussions are the slots.
 */

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

/* "caseload", "referral", "inpatient", "discharge", "frequent-attender",
 * "ambulance" (the names of `mdtchair import --list`); "?" for anything
 * but one flag. */
const char *mdt_list_name(enum mdt_list l);
/* For people: "caseload", "referral", "inpatient", "recent discharge",
 * "frequent attender", "ambulance caller". */
const char *mdt_list_label(enum mdt_list l);
/* The flag of a name (as mdt_list_name); 0 if unknown. */
enum mdt_list mdt_list_parse(const char *name);
/* "inpatient, frequent attender" for a set of flags, in the order of the
 * enum, into buf (truncated; "" for none).  Returns buf. */
char *mdt_lists_label(unsigned lists, char *buf, size_t len);

enum mdt_candidate_state {
	MDT_CANDIDATE_OPEN,	/* not yet decided */
	MDT_CANDIDATE_SELECTED,	/* on the agenda (has a slot) */
	MDT_CANDIDATE_DEFERRED,	/* not this time, with a reason */
};

const char *mdt_candidate_state_name(enum mdt_candidate_state st);

struct mdt_candidate {
	int64_t id;
	int64_t patient_id;
	char nhs_number[11];
	char *patient_name;
	char date_of_birth[11];
	char *practice;			/* "" if unknown */
	unsigned lists;			/* enum mdt_list flags */
	bool carried_forward;		/* caseload review due (automatic) */
	bool escalated;			/* escalated back from rising risk */
	bool added_on_day;		/* added during the meeting */
	char *reason;			/* why, from every list and note,
					 * "; "-separated ("" if none) */
	char *referred_by;		/* "" unless a referral names it */
	enum mdt_candidate_state state;
	char *defer_reason;		/* NULL unless deferred */
	/* the slot, when selected (else 0 / NULL) */
	int64_t slot_id;
	int position;			/* 1..n among the meeting's slots */
	int planned_s;
	int64_t presenter_id;
	char *presenter_name;
	enum mdt_slot_state slot_state;
	/* the patient's history */
	enum mdt_outcome_kind previous_outcome;	/* latest in an earlier
						 * meeting; NONE if never */
	char previous_review_date[11];	/* of that outcome, or the review
					 * date of the caseload list; "" */
	int open_actions;		/* the patient's open actions */
};

/*
 * The candidates of a meeting: the selected ones in agenda order, then
 * the undecided (referrals first, then by number of lists, then name),
 * then the deferred (by name).  Every slot of the meeting has a
 * candidate.  DESTRUCTOR: mdt_candidates_free.
 */
enum mdt_status mdt_candidates_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_candidate **out, size_t *n);
void mdt_candidates_free(struct mdt_candidate *arr, size_t n);

/* The state of a meeting's preparation, for the screens' headers. */
struct mdt_agenda_state {
	int candidates;			/* all */
	int selected;
	int deferred;
	int unresolved_referrals;	/* referrals neither selected nor
					 * deferred: finalising is refused */
	int64_t planned_s;		/* sum of the slots' planned time */
	int64_t finalised_at;		/* 0 if not finalised */
};

enum mdt_status mdt_agenda_state(struct mdt_store *s, int64_t meeting_id,
    struct mdt_agenda_state *out);

/* The default and the bounds of a slot's planned time. */
#define MDT_SLOT_DEFAULT_S 360
#define MDT_SLOT_MIN_S 60
#define MDT_SLOT_MAX_S 3600

/*
 * Puts the candidate on the agenda: a new slot at the end, planned for
 * planned_s seconds (0: MDT_SLOT_DEFAULT_S) and presented by presenter_id
 * (0: nobody named yet).  A deferred candidate loses its deferral.  The
 * slot's reason is the candidate's reason.  MDT_ESTATE if already
 * selected or the meeting is closed; *slot_id (may be NULL) gets the
 * slot.
 */
enum mdt_status mdt_candidate_select(struct mdt_store *s,
    int64_t candidate_id, int planned_s, int64_t presenter_id,
    int64_t *slot_id);

/*
 * Takes a selected candidate off the agenda (its slot is removed, the
 * others close up), or withdraws a deferral; the candidate is undecided
 * again.  MDT_ESTATE if its slot has been started or has anything
 * recorded (consent, notes, an outcome, actions: a discussion is part of
 * the record), or if it is already undecided.
 */
enum mdt_status mdt_candidate_deselect(struct mdt_store *s,
    int64_t candidate_id);

/*
 * Defers the candidate to a later meeting with a reason (required:
 * MDT_EINVAL when blank).  A selected candidate leaves the agenda first
 * (MDT_ESTATE if its slot has started).  Deferring again replaces the
 * reason.
 */
enum mdt_status mdt_candidate_defer(struct mdt_store *s,
    int64_t candidate_id, const char *reason);

/*
 * Moves a slot to position (1-based, clamped to 1..n) in agenda order;
 * the others shift and positions are renumbered 1..n.
 */
enum mdt_status mdt_slot_move(struct mdt_store *s, int64_t slot_id,
    int position);

/* Sets a slot's planned seconds (MDT_SLOT_MIN_S..MDT_SLOT_MAX_S; 0 keeps
 * the current) and presenter (0: nobody; -1 keeps the current). */
enum mdt_status mdt_slot_set_plan(struct mdt_store *s, int64_t slot_id,
    int planned_s, int64_t presenter_id);

/*
 * Finalises the agenda for circulation.  Refused with MDT_ESTATE while any
 * referral (escalations count as referrals) is neither selected nor
 * deferred; the store's error line then names every one of them.  The
 * finalisation lapses by itself when such a referral appears later (an
 * import, an escalation, a deselection).
 */
enum mdt_status mdt_agenda_finalise(struct mdt_store *s, int64_t meeting_id);

/* A patient as typed or imported. */
struct mdt_patient_in {
	const char *nhs_number;		/* spaces allowed */
	const char *name;
	const char *date_of_birth;	/* YYYY-MM-DD */
	const char *practice;		/* may be NULL */
};

/*
 * A patient added on the day: finds the patient by NHS number (creating
 * them if new; MDT_ENHS for a wrong number, MDT_EDATE for a bad date of
 * birth, MDT_EINVAL if the record's date of birth differs), makes them a
 * candidate flagged added_on_day with reason (required) and puts them on
 * the agenda at the end (after the current slot's turn, as any new slot).
 * Allowed in a planned or open meeting; MDT_ESTATE if already on the
 * agenda.  *slot_id (may be NULL) gets the new slot.
 */
enum mdt_status mdt_slot_add_on_day(struct mdt_store *s, int64_t meeting_id,
    const struct mdt_patient_in *p, const char *reason, int planned_s,
    int64_t presenter_id, int64_t *slot_id);

/*
 * Carry-forward: every patient whose latest outcome from an earlier
 * meeting is 'stay' with a review date on or before this meeting's date
 * becomes a candidate of it, flagged caseload and carried_forward, with
 * the reason "review due YYYY-MM-DD".  Idempotent: a patient already a
 * candidate only gains the flags.  *added (may be NULL) gets how many
 * candidates were made or flagged.  Run by mdt_meeting_create and by
 * mdt_import_csv; open actions of agenda patients carry forward by
 * themselves (see struct mdt_snapshot).
 */
enum mdt_status mdt_carry_forward(struct mdt_store *s, int64_t meeting_id,
    int *added);

/* A patient stepped down to the rising-risk group. */
struct mdt_rising_risk {
	int64_t patient_id;
	char nhs_number[11];
	char *patient_name;
	char date_of_birth[11];
	char *practice;
	char stepped_down_on[11];	/* date of the meeting that did it */
	char review_date[11];		/* "" if none was set */
	int open_actions;
	int64_t candidate_id;		/* in the meeting asked about; 0 if
					 * not a candidate of it */
};

/*
 * The patients whose latest outcome is step_down, by name; candidate_id
 * relative to meeting_id (0: no meeting).  DESTRUCTOR:
 * mdt_rising_risk_free.
 */
enum mdt_status mdt_rising_risk_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_rising_risk **out, size_t *n);
void mdt_rising_risk_free(struct mdt_rising_risk *arr, size_t n);

/*
 * Any member escalates a rising-risk patient back: they become a
 * candidate of the meeting, flagged referral and escalated, with the
 * reason "escalated from rising risk: REASON" (reason required).  Like a
 * referral, they must then be selected or deferred before the agenda is
 * finalised; a deferral is withdrawn.  MDT_ESTATE if the patient's latest
 * outcome is not step_down or the meeting is closed.  *candidate_id (may
 * be NULL) gets the candidate.
 */
enum mdt_status mdt_rising_risk_escalate(struct mdt_store *s,
    int64_t patient_id, int64_t meeting_id, const char *reason,
    int64_t *candidate_id);

/*
 * An action gets a new owner and/or due date ("YYYY-MM-DD" or "+N"; NULL
 * or "" keeps it; owner 0 keeps it).  Only an open action; MDT_ESTATE
 * otherwise.  Writes the 'action' to the outbox.
 */
enum mdt_status mdt_action_reassign(struct mdt_store *s, int64_t action_id,
    int64_t new_owner_id, const char *new_due);

/*
 * Reviews an action in a slot of its patient: OPEN keeps it open, DONE
 * and CANCELLED close it, REASSIGNED changes owner and/or due as
 * mdt_action_reassign.  The verdict is recorded against the slot (shown in
 * struct mdt_action.verdict, replacing an earlier verdict of the same
 * slot).  MDT_ECONSENT before consent; MDT_EINVAL if the action is not the
 * slot's patient's.
 */
enum mdt_status mdt_action_review(struct mdt_store *s, int64_t slot_id,
    int64_t action_id, enum mdt_action_verdict verdict,
    int64_t new_owner_id, const char *new_due);

/* The open actions of the slot's patient, agreed before this meeting,
 * with no verdict in this slot yet. */
enum mdt_status mdt_slot_unreviewed_actions(struct mdt_store *s,
    int64_t slot_id, int *n);

/* ---- importing a list (CSV) ------------------------------------------ */

/*
 * What an import did.  Rows are counted once each:
 *   rows = added + merged + updated + unchanged + duplicates + rejected.
 * A refused import (any status but MDT_OK) imported nothing: it counts
 * only the rows read and the bad ones (rejected, each with its line in
 * errors), the rest zero.
 */
struct mdt_import_report {
	int rows;		/* data rows read (header and blank lines not
				 * counted) */
	int added;		/* made a new candidate */
	int merged;		/* joined an existing candidate (another list) */
	int updated;		/* this list's row for the patient changed
				 * since an earlier import */
	int unchanged;		/* imported before, identical */
	int duplicates;		/* the same row again within the file */
	int rejected;		/* bad rows */
	int patients_created;	/* new patients in the store */
	int carried_forward;	/* candidates made by carry-forward */
	char **errors;		/* "FILE:LINE: reason", in file order */
	size_t n_errors;
};

/* Frees the error lines and zeroes the report. */
void mdt_import_report_done(struct mdt_import_report *rep);

/*
 * Imports a list (docs/import.md: a header row; columns nhs_number, name,
 * date_of_birth, practice, reason, referred_by, review_date, admitted,
 * discharged, attendances, calls), UTF-8 with or without a BOM, CRLF or
 * LF, RFC 4180 quoting, into the candidates of the meeting, in one
 * transaction.
 *
 * Every row is checked (NHS number and its check digit, dates, required
 * fields, UTF-8, a date of birth that differs from the record, a
 * conflicting duplicate of an earlier row).  If any row is bad and
 * skip_invalid is false, nothing is imported, rep->errors holds every bad
 * row and the result is MDT_EINVAL.  With skip_invalid the good rows are
 * imported and the bad ones written, with their reasons, to rejects_path
 * (a CSV file; NULL: not written).  An empty file, a header without rows
 * or without a column the list needs, and malformed quoting (which stops
 * the reading, skip_invalid or not) are MDT_EINVAL with one error line
 * and rep->rejected 0.  Importing the same file again
 * changes nothing (every row counts as unchanged).  MDT_EIO if the file
 * cannot be read or the rejects cannot be written (then nothing is
 * imported); MDT_ESTATE for a closed meeting.
 */
enum mdt_status mdt_import_csv(struct mdt_store *s, int64_t meeting_id,
    enum mdt_list list, const char *path, bool skip_invalid,
    const char *rejects_path, struct mdt_import_report *rep);

/* ---- making a meeting ------------------------------------------------- */

struct mdt_meeting_in {
	const char *title;		/* required */
	const char *date;		/* "YYYY-MM-DD" (or "+N"), required */
	const char *time;		/* local "HH:MM"; NULL: 13:00 */
	const char *venue;		/* a venue's name, found or made;
					 * NULL: none */
	int planned_minutes;		/* 0: 90 */
};

/*
 * Schedules a new planned meeting and carries forward the caseload due
 * for review (mdt_carry_forward), in one transaction; queues the
 * 'meeting'.  *meeting_id gets its id; *carried (may be NULL) how many
 * candidates were carried forward.
 */
enum mdt_status mdt_meeting_create(struct mdt_store *s,
    const struct mdt_meeting_in *in, int64_t *meeting_id, int *carried);

/* ---- the agenda for circulation -------------------------------------- */

enum mdt_agenda_format { MDT_AGENDA_MD, MDT_AGENDA_TXT };

/*
 * A patient's identifiers masked for circulation: initials, year of
 * birth and the last three digits of the NHS number, e.g. "Z.A., born
 * 1941, NHS ***-***-*633".  Into buf (truncated).  Returns buf.
 */
char *mdt_patient_mask(const char *name, const char *date_of_birth,
    const char *nhs_number, char *buf, size_t len);

/* The patient as printed in a document: masked as above, or (unmask)
 * "Name, born YYYY-MM-DD, NHS 999 339 5633".  Into buf; returns buf. */
char *mdt_patient_label(const char *name, const char *date_of_birth,
    const char *nhs_number, bool unmask, char *buf, size_t len);

/*
 * Prints the agenda (title, date, time, venue; per slot: order, planned
 * minutes and clock time, presenter, patient, lists, reason) and the
 * deferred candidates with their reasons.  Patients are masked (see
 * mdt_patient_mask) unless unmask is true.
 */
enum mdt_status mdt_agenda_write(struct mdt_store *s, int64_t meeting_id,
    enum mdt_agenda_format fmt, bool unmask, FILE *out);

/* ---- retention purge ------------------------------------------------ */

/*
 * Identifiable detail of closed meetings is kept only for the retention
 * period ([retention] days in the configuration), and never purged before
 * it has been delivered to the central record: delivery builds each FHIR
 * resource from the store at send time.  A team without a server never
 * delivers, so never purges.  docs/governance.md says what goes and what
 * stays.
 */

/* A closed meeting past the retention period that still holds
 * identifiable detail. */
struct mdt_purge_meeting {
	int64_t id;
	char uuid[37];
	char *title;
	int64_t scheduled_start;
	int64_t closed_at;
	int patients;			/* slots on its agenda */
	int64_t undelivered;		/* its records' outbox rows that are
					 * pending, failed or conflicting */
	bool never_sent;		/* the meeting itself never reached
					 * the central record */
	bool eligible;			/* delivered: undelivered == 0 and
					 * !never_sent */
};

/*
 * Closed meetings whose closed_at is at least days (1..36500) before the
 * store's clock and that are not purged, oldest first, eligible or held
 * back (see the fields).  MDT_EINVAL for days out of range.
 * DESTRUCTOR: mdt_purge_list_free.
 */
enum mdt_status mdt_purge_find(struct mdt_store *s, int days,
    struct mdt_purge_meeting **out, size_t *n);
void mdt_purge_list_free(struct mdt_purge_meeting *arr, size_t n);

struct mdt_purge_result {
	int meetings;		/* purged */
	int held_back;		/* past the period, not yet delivered */
	int slots;		/* of the purged meetings */
	int notes;
	int actions;		/* finished actions whose text went */
	int patients;		/* whose identity went */
	bool checkpointed;	/* the write-ahead log was emptied */
};

/*
 * Purges every eligible meeting (see mdt_purge_find) in one transaction:
 * notes, consent justifications, slot reasons, candidate notes and
 * deferral reasons, and the text of finished actions agreed in its slots
 * become MDT_PURGED_TEXT (or empty), its list rows are deleted, and
 * meetings.purged_at is set.  Open actions keep their text.  Finished
 * actions of a meeting purged before also lose their text once delivered.
 * Then each patient nobody kept on the record needs (every meeting they
 * were a candidate of purged, no open action, latest outcome neither stay
 * nor step down, every record naming them delivered) loses name, date of
 * birth, NHS number (see mdt_nhs_purged) and practice.  Times, states,
 * outcome kinds and review dates, action statuses, owners and dates,
 * attendance and staff stay.  One audit row per meeting, action and
 * patient (ids only); no outbox row.  Runs with secure_delete on and
 * empties the write-ahead log after the commit.  Running it again purges
 * nothing.
 */
enum mdt_status mdt_purge_run(struct mdt_store *s, int days,
    struct mdt_purge_result *res);

/* ---- demo and reports ------------------------------------------------ */

/* Creates, once, the demo venue, ten people, twelve patients and a demo
 * meeting scheduled today; returns the demo meeting's id.  The demo is
 * fictional and never queued in the outbox. */
enum mdt_status mdt_demo_create(struct mdt_store *s, int64_t *meeting_id);

/* The minutes: venue, register, and per patient consent, notes, outcome,
 * key contact, actions (owner, due) and the time taken against the band.
 * MD for people to edit, TXT for a plain terminal or e-mail, JSON for
 * other programs. */
enum mdt_minutes_format { MDT_MINUTES_MD, MDT_MINUTES_JSON, MDT_MINUTES_TXT };

enum mdt_status mdt_minutes_write(struct mdt_store *s, int64_t meeting_id,
    enum mdt_minutes_format fmt, FILE *out);

/* ---- people ---------------------------------------------------------- */

/*
 * Adds someone who attends or owns actions: a member of the team, or
 * someone outside the NHS (the voluntary sector, housing).  name is
 * required; role and organisation may be "" or NULL.  Refused (MDT_EINVAL,
 * naming them) when a person of that name and organisation is known
 * already, compared case apart.  One act: audit row and the 'person' in
 * the outbox (a Practitioner on the central record).
 */
enum mdt_status mdt_person_add(struct mdt_store *s, const char *name,
    const char *role, const char *organisation, int64_t *person_id);

/* How many people's name holds name_part and organisation holds
 * org_part (case apart; NULL matches any). */
enum mdt_status mdt_people_count(struct mdt_store *s, const char *name_part,
    const char *org_part, int64_t *n);

/* Prints everyone known, by name: "ID  NAME  ROLE  ORGANISATION". */
enum mdt_status mdt_people_list(struct mdt_store *s, FILE *out);

/* ---- each owner's actions across meetings ---------------------------- */

struct mdt_actions_filter {
	const char *owner;	/* part of the owner's name, case apart; NULL:
				 * anyone */
	const char *org;	/* part of the owner's organisation; NULL: any */
	int64_t owner_id;	/* one person only; 0: anyone */
	bool overdue;		/* only open ones due before today */
	bool closed;		/* done and cancelled ones too */
	int64_t today_ms;	/* what "today" is (0: the store's clock) */
};

struct mdt_action_item {
	int64_t id;			/* shown as #ID; used to close it */
	char uuid[37];
	char *text;
	enum mdt_action_status status;
	char due_date[11];
	bool overdue;			/* open and due before today */
	int64_t created_at;
	int64_t closed_at;		/* 0 if open */
	int64_t owner_id;
	char *owner_name;
	char *owner_role;
	char *owner_org;
	int64_t patient_id;
	char *patient_name;
	char *date_of_birth;		/* NULL if unknown */
	char nhs_number[11];
	int64_t meeting_id;		/* where it was agreed; 0 if unknown */
	char *meeting_title;
	int64_t meeting_start;		/* scheduled start, ms */
};

/*
 * The actions that match, by owner name, then due date (overdue first
 * within an owner), then id.  DESTRUCTOR: mdt_action_items_free.
 */
enum mdt_status mdt_actions_query(struct mdt_store *s,
    const struct mdt_actions_filter *f, struct mdt_action_item **out,
    size_t *n);
void mdt_action_items_free(struct mdt_action_item *items, size_t n);

enum mdt_actions_format { MDT_ACTIONS_TXT, MDT_ACTIONS_MD, MDT_ACTIONS_JSON };

/*
 * Prints each owner's list: a heading per owner (name, role,
 * organisation, how many open and overdue), then one line per action:
 * #ID, due date (OVERDUE marked), the patient (masked as
 * mdt_patient_mask unless unmask), the action, and the meeting that
 * agreed it.  JSON: one object per owner with its actions.
 */
enum mdt_status mdt_actions_write(struct mdt_store *s,
    const struct mdt_action_item *items, size_t n,
    enum mdt_actions_format fmt, bool unmask, FILE *out);

/* ---- the review of a period (docs/review.md) ------------------------ */

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
	struct mdt_review_count *disciplines;	/* by name */
	size_t n_disciplines;
	struct mdt_review_meeting *meetings;	/* by time opened */
	size_t n_meetings;
	struct mdt_review_period *periods;
	size_t n_periods;
	bool monthly;			/* periods are calendar months */
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

/* Writes an audit row that belongs to no one record (an aggregate export
 * such as the review): action, and a detail of ids and dates only. */
enum mdt_status mdt_audit_event(struct mdt_store *s, const char *action,
    const char *detail);

#endif
