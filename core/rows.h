/*
 * rows.h - the rows an act reads before it writes, and the act runner
 * that reads them (rows.c), for the acts of core/ (acts*.c, prep*.c,
 * import.c, demo.c).  Not for tui/ or sync/.
 */
#ifndef MDT_ROWS_H
#define MDT_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

/* The uuids of every record that belongs to meeting M (an SQL
 * expression), as the outbox names them (see the acts): the meeting, its
 * slots and attendance, what was recorded in its slots, the actions agreed
 * or reviewed there, and the key contacts of its patients (purge.c,
 * acts_correct.c). */
#define MDT_MEETING_RECORDS_SQL(M) \
	"SELECT uuid FROM meetings WHERE id = " M \
	" UNION SELECT uuid FROM slots WHERE meeting_id = " M \
	" UNION SELECT uuid FROM attendance WHERE meeting_id = " M \
	" UNION SELECT n.uuid FROM notes n JOIN slots s ON s.id = n.slot_id" \
	"  WHERE s.meeting_id = " M \
	" UNION SELECT c.uuid FROM consent c JOIN slots s ON s.id = c.slot_id" \
	"  WHERE s.meeting_id = " M \
	" UNION SELECT o.uuid FROM outcomes o JOIN slots s ON s.id = o.slot_id" \
	"  WHERE s.meeting_id = " M \
	" UNION SELECT a.uuid FROM actions a JOIN slots s ON s.id = a.slot_id" \
	"  WHERE s.meeting_id = " M \
	" UNION SELECT a.uuid FROM action_reviews r" \
	"  JOIN actions a ON a.id = r.action_id" \
	"  JOIN slots s ON s.id = r.slot_id WHERE s.meeting_id = " M \
	" UNION SELECT p.uuid FROM patients p JOIN slots s" \
	"  ON s.patient_id = p.id WHERE s.meeting_id = " M \
	" UNION SELECT c.entity_uuid FROM corrections c JOIN slots s" \
	"  ON s.id = c.slot_id WHERE s.meeting_id = " M

struct mdt_meeting_row {
	int64_t id;
	char uuid[37];
	enum mdt_meeting_state state;
	int64_t scheduled_start;
	int64_t opened_at;	/* 0 if not opened */
	int64_t current;	/* current slot id, 0 if none */
};

struct mdt_slot_row {
	int64_t id;
	char uuid[37];
	int64_t meeting_id;
	int64_t patient_id;
	int64_t position;
	enum mdt_slot_state state;
	struct mdt_slot_times t;
	char patient[96];	/* the patient's name, for messages */
};

struct mdt_action_row {
	int64_t id;
	char uuid[37];
	int64_t patient_id;
	enum mdt_action_status status;
	int64_t owner_id;
};

/* The meeting id; MDT_ENOTFOUND (recorded) if there is none, and with
 * refuse_closed MDT_ESTATE (recorded) if it is closed. */
enum mdt_status mdt_row_meeting(struct mdt_store *s, int64_t id,
    bool refuse_closed, struct mdt_meeting_row *m);
/* The slot id (MDT_ENOTFOUND, recorded, if there is none). */
enum mdt_status mdt_row_slot(struct mdt_store *s, int64_t id,
    struct mdt_slot_row *sl);
/* The action id (MDT_ENOTFOUND, recorded, if there is none). */
enum mdt_status mdt_row_action(struct mdt_store *s, int64_t id,
    struct mdt_action_row *a);
/*
 * Keeps the row of entity ("note", "outcome", "consent", "action") named
 * uuid as it is now, as JSON, in corrections: kind "superseded" (it is
 * about to be replaced) or "entered-in-error" (withdrawn), with the store's
 * actor and the time (acts_correct.c).
 */
enum mdt_status mdt_row_correction(struct mdt_store *s, const char *entity,
    const char *uuid, const char *kind);

/* MDT_ESTATE (recorded) once the retention purge has been through the
 * meeting: its record was delivered and is kept as it is. */
enum mdt_status mdt_row_unpurged(struct mdt_store *s,
    const struct mdt_meeting_row *m);

/* MDT_OK if person_id is someone known, else MDT_ENOTFOUND (recorded). */
enum mdt_status mdt_row_person_exists(struct mdt_store *s, int64_t person_id);

/*
 * The action a, about to be made or kept open, checked: with purged,
 * refused if the retention purge took its words (mdt_action_refuse_purged:
 * it stays closed); with owner, refused if the patient has excluded its
 * owner's organisation (mdt_row_person_allowed).  Recorded.
 */
enum mdt_status mdt_row_action_openable(struct mdt_store *s,
    const struct mdt_action_row *a, bool purged, bool owner);

/*
 * The venue called name (the first so called), made if there is none: a
 * venue is shared by the meetings held there.  *id is 0 for a blank name
 * (no venue).  Inside the act's transaction.
 */
enum mdt_status mdt_row_venue(struct mdt_store *s, const char *name,
    int64_t *id);

/*
 * The organisations a patient asked to be kept from are those recorded
 * with their latest consent (any meeting's, by when it was recorded):
 * what they said last.  *org gets the one person_id's organisation is
 * (tidied and compared case apart, see mdt_org_tidy and mdt_org_same), as
 * recorded, or NULL when it is none of them.  DESTRUCTOR: free.
 */
enum mdt_status mdt_row_excluded_org(struct mdt_store *s, int64_t patient_id,
    int64_t person_id, char **org);
/*
 * MDT_OK if person_id is someone known whose organisation the patient did
 * not exclude; else MDT_ENOTFOUND, or MDT_EEXCLUDED with the reason, e.g.
 * "excluded by the patient's consent: Tanner Street Drug Service (Lee
 * Brown cannot own this action)" (as: "own this action"), recorded.
 */
enum mdt_status mdt_row_person_allowed(struct mdt_store *s,
    int64_t patient_id, int64_t person_id, const char *as);

/*
 * An act: one transaction (mdt_tx_run) whose body is given what the act
 * was asked and the rows it acts on, read first as mdt_act_run is told.
 * An act uses the fields it needs, and says which where it fills them;
 * one given more embeds struct mdt_act as its first member and its body
 * casts the pointer back (consent_tx).
 */
struct mdt_act {
	/* asked */
	int64_t meeting_id;
	int64_t slot_id;
	int64_t id;		/* the action, candidate, patient or note */
	int64_t person_id;
	int n;			/* a number: seconds, a state, a position */
	bool flag;
	const char *text;
	const char *by;		/* who does it, when not the store's actor */
	const char *date;	/* a date given, checked ("YYYY-MM-DD") */
	int64_t at;		/* a time given, ms */
	/* read first (enum mdt_act_read) */
	struct mdt_meeting_row m;
	struct mdt_slot_row sl;
	/* found */
	bool wrote;		/* with MDT_ACT_WROTE: false, nothing to write */
	int64_t made;		/* the id of a row the act made */
};

/* What mdt_act_run reads before the body, as bits. */
enum mdt_act_read {
	MDT_ACT_MEETING = 1 << 0,	/* meeting_id's meeting into m */
	MDT_ACT_SLOT = 1 << 1,		/* slot_id's slot into sl, then its
					 * meeting into m (and meeting_id) */
	MDT_ACT_CLOSED_TOO = 1 << 2,	/* the meeting may be closed (else
					 * refused: "the meeting is closed") */
	MDT_ACT_UNPURGED = 1 << 3,	/* the meeting refused once the
					 * retention purge went through it */
	MDT_ACT_RUNNING = 1 << 4,	/* the meeting's current slot into sl;
					 * without one, MDT_ESTATE */
	MDT_ACT_CONSENTED = 1 << 5,	/* the slot's consent is recorded (or
					 * the patient died): MDT_ECONSENT */
	MDT_ACT_WROTE = 1 << 6,		/* the body says in wrote whether it
					 * wrote anything (mdt_tx_run) */
};

typedef enum mdt_status (*mdt_act_fn)(struct mdt_store *s, struct mdt_act *a);

/* Reads what reads (enum mdt_act_read bits) asks for into a, then runs
 * body, all in one transaction of the chair's. */
enum mdt_status mdt_act_run(struct mdt_store *s, mdt_act_fn body,
    unsigned reads, struct mdt_act *a);

/* mdt_act_run of an act on meeting_id alone (MDT_ACT_MEETING and what
 * else reads says). */
enum mdt_status mdt_meeting_act(struct mdt_store *s, mdt_act_fn body,
    unsigned reads, int64_t meeting_id);

/* Defines the public act name(s, meeting_id): body run by mdt_meeting_act,
 * with what else reads says read first.  One line a public act. */
#define MDT_MEETING_ACT(name, body, reads) \
	enum mdt_status \
	name(struct mdt_store *s, int64_t meeting_id) \
	{ \
		return mdt_meeting_act(s, body, reads, meeting_id); \
	}

#endif
