/*
 * acts.h - the acts of the chair, each one transaction: opening and
 * closing the meeting, the register, the slot clock and the projector
 * (acts.c); consent, notes, actions, outcomes and key contacts
 * (acts_record.c); correcting a meeting's title and venue and a slot's
 * reason, notes and actions, and the note being typed (acts_correct.c).
 */
#ifndef MDT_ACTS_H
#define MDT_ACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/*
 * Each act writes one audit row and one outbox row, or (when refused)
 * nothing.  The outbox row names what changed: the acts that move the
 * agenda (open, close, next, park, previous) queue the 'meeting', pause and
 * extend the 'slot', and the recording acts their 'attendance', 'consent',
 * 'note', 'action', 'outcome' or 'patient' (key contact).  An act that
 * would change nothing (opening an open meeting, an action's status set to
 * what it is) returns MDT_OK and writes nothing.  Once the meeting is
 * closed, everything but an action's status, a key contact and the
 * corrections of text is refused with MDT_ESTATE.
 */

/* ---- chairing (acts.c) --------------------------------------------- */

/* Marks the meeting open (sets opened_at once). */
enum mdt_status mdt_meeting_open(struct mdt_store *s, int64_t meeting_id);

/* Closes the current slot if any and the meeting; MDT_ESTATE if closed. */
enum mdt_status mdt_meeting_close(struct mdt_store *s, int64_t meeting_id);

enum mdt_status mdt_attendance_set(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id, enum mdt_attend status);
enum mdt_status mdt_attendance_ack(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id, bool ack);

/* The register on the day (acts_register.c).  Adds someone not yet on the
 * register, present (MDT_ESTATE if already on it). */
enum mdt_status mdt_register_add(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id);
/* Arrived at at (ms): marked present, the time kept (a late arrival). */
enum mdt_status mdt_register_arrived(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id, int64_t at);
/* Left at at (ms; 0: back in the room).  Someone who left is no longer
 * present.  MDT_ESTATE unless marked present. */
enum mdt_status mdt_register_left(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id, int64_t at);

/* The register of a meeting, one person a line: id, name, role,
 * organisation, status, then what the day changed (added on the day,
 * arrived, left, chair, note-taker). */
enum mdt_status mdt_register_list(struct mdt_store *s, int64_t meeting_id,
    FILE *out);

/* The time text names: "HH:MM" (local) on the day of now, or now if text
 * is blank; false if it is not a time of day. */
bool mdt_register_time(int64_t now, const char *text, int64_t *at);

enum mdt_meeting_role {
	MDT_ROLE_CHAIR,
	MDT_ROLE_NOTETAKER,
};

/* Who chairs or takes the notes: someone on the register, or 0 for
 * nobody. */
enum mdt_status mdt_meeting_role_set(struct mdt_store *s, int64_t meeting_id,
    enum mdt_meeting_role role, int64_t person_id);

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
/* The most a slot's allowance may be extended by, in all: ten minutes on
 * a slot of five to seven; a patient who needs more is parked or
 * brought back at another meeting, not left to overrun the agenda. */
#define MDT_MAX_EXTENSION_S 600

/* Adds seconds to the current slot's allowance (MDT_ESTATE past
 * MDT_MAX_EXTENSION_S in all). */
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

/*
 * Blanks (or restores) the projected view of the meeting (`mdtchair
 * present`, another process, notices it within a quarter of a second).
 * Writes an audit row but no outbox row: what the room sees is no part of
 * the clinical record.  Allowed in any state of the meeting; setting what
 * is already set writes nothing.  MDT_ENOTFOUND for a missing meeting.
 */
enum mdt_status mdt_projector_blank(struct mdt_store *s, int64_t meeting_id,
    bool blank);

/* ---- recording the discussion (acts_record.c) ------------------------ */

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
/* MDT_ECONSENT before consent is recorded for the slot. */
enum mdt_status mdt_note_add(struct mdt_store *s, int64_t slot_id,
    const char *text, int64_t *note_id);
/* due: "YYYY-MM-DD" (or "+N" days); owner: a person id.  MDT_ECONSENT as
 * above; MDT_EEXCLUDED, with the reason, if the patient's latest consent
 * excludes the owner's organisation (see mdt_row_excluded_org). */
enum mdt_status mdt_action_add(struct mdt_store *s, int64_t slot_id,
    const char *text, int64_t owner_id, const char *due, int64_t *action_id);
/* MDT_EEXCLUDED, with the reason, for reopening an action whose owner's
 * organisation the patient has since excluded (closing is always
 * allowed). */
enum mdt_status mdt_action_set_status(struct mdt_store *s, int64_t action_id,
    enum mdt_action_status status);
/*
 * Records (or replaces) the outcome of the slot.  STAY needs review_date.
 * DIED also creates, once, the action "Contact the relatives to offer
 * support and follow up" (the same words for every patient: it names
 * nobody), due in 7 days, owned by the patient's key contact; without one
 * (or if the patient has since excluded the key contact's organisation),
 * by the first attendee marked present, in name order, whose organisation
 * the patient did not exclude.  MDT_ECONSENT before consent.  A review
 * date ("YYYY-MM-DD" or "+N") is kept for any outcome but DIED.  The first
 * DIED writes two audit and outbox rows (the outcome and the new action);
 * MDT_ESTATE if nobody can own the action.  A cancelled follow-up does not
 * count: recording DIED again then makes a new one.  An outcome other than
 * DIED cancels the slot's open follow-up (one more audit and outbox row
 * each): the outcome was corrected.
 */
enum mdt_status mdt_outcome_record(struct mdt_store *s, int64_t slot_id,
    enum mdt_outcome_kind kind, const char *review_date);
/*
 * A death, recorded without consent to be discussed (a dead patient
 * cannot consent), with its date: died_on "YYYY-MM-DD", NULL or blank for
 * today; MDT_EDATE for a date in the future or not a date.  Otherwise as
 * mdt_outcome_record with DIED (which records a death today).  A recorded
 * death counts as the discussion's consent: notes and actions may follow.
 */
enum mdt_status mdt_death_record(struct mdt_store *s, int64_t slot_id,
    const char *died_on);
/*
 * Withdraws the slot's outcome, entered in error: it is kept in the
 * corrections (entered-in-error), gone from the outcomes so that another
 * can be recorded; a withdrawn death cancels its open follow-up with the
 * relatives.  MDT_ENOTFOUND if none is recorded; MDT_ESTATE in a closed
 * meeting.  Recording an outcome over another keeps the one replaced
 * (superseded), as recording consent again does.
 */
enum mdt_status mdt_outcome_withdraw(struct mdt_store *s, int64_t slot_id);

/*
 * Makes person the patient's one key contact (replacing any other); the
 * patient's open follow-up with the relatives moves to them (an audit and
 * outbox row each).  MDT_EEXCLUDED, with the reason, if the patient's
 * latest consent excludes the person's organisation.
 */
enum mdt_status mdt_key_contact_set(struct mdt_store *s, int64_t patient_id,
    int64_t person_id);

/*
 * What the acts above say of person as an owner of the patient's actions
 * or as their key contact, without writing anything: MDT_OK, or
 * MDT_ENOTFOUND, or MDT_EEXCLUDED with the reason in the store's error
 * line (as: "own this action", "be the key contact").  For the pickers,
 * which mark and refuse someone before anything more is typed.
 */
enum mdt_status mdt_person_allowed(struct mdt_store *s, int64_t patient_id,
    int64_t person_id, const char *as);

/* ---- correcting the text of the record (acts_correct.c) ------------- */

/*
 * Each replaces a text of the record with one that passes the input
 * policy (textio.h: MDT_EINVAL, with what is wrong and where, writes
 * nothing), writes an audit row that holds no text and queues the record
 * to be sent again: the 'meeting' for its title and venue, the 'slot' for
 * its reason.  Every row of the meeting's records the central record
 * refused (failed) goes again with it, a conflict apart; the audit row
 * counts them.  So text the central record refused can always be mended,
 * in one step.
 * Allowed in a closed meeting; MDT_ESTATE once the retention purge has
 * been through it.  The text it is already writes nothing.
 */
/* A title, not blank. */
enum mdt_status mdt_meeting_set_title(struct mdt_store *s,
    int64_t meeting_id, const char *title);
/* The meeting moves to the venue of that name (made if there is none:
 * a venue is shared, never renamed); blank for none. */
enum mdt_status mdt_meeting_set_venue(struct mdt_store *s,
    int64_t meeting_id, const char *venue);
/* The reason the patient is discussed, not blank. */
enum mdt_status mdt_slot_set_reason(struct mdt_store *s, int64_t slot_id,
    const char *reason);

/*
 * Corrections as clinical systems make them: the row as it was is kept
 * in the corrections (as JSON, with who and when), "superseded" by an
 * edit (the same record, the same uuid, the new text) or "entered-in-error"
 * when withdrawn; an audit row that holds no text; the record queued to
 * go again (a withdrawn note's discussion record says so, a withdrawn
 * action's Task goes as entered in error).  Allowed in a closed meeting;
 * MDT_ESTATE once the retention purge has been through it.  The text it
 * is already writes nothing.
 *
 * A note edited (under the note policy, not blank) or withdrawn: gone
 * from the notes.  An action's text edited (not the follow-up with the
 * relatives, whose words are fixed) or the action withdrawn: cancelled,
 * with withdrawn_at set, so that it leaves every list.  MDT_ESTATE for an
 * action already withdrawn.
 */
enum mdt_status mdt_note_edit(struct mdt_store *s, int64_t note_id,
    const char *text);
enum mdt_status mdt_note_withdraw(struct mdt_store *s, int64_t note_id);
enum mdt_status mdt_action_edit(struct mdt_store *s, int64_t action_id,
    const char *text);
enum mdt_status mdt_action_withdraw(struct mdt_store *s, int64_t action_id);

/*
 * The note being typed in a slot, kept as it is typed so that a crash
 * loses none of it: no audit row, no outbox row (it is no part of the
 * record until saved; mdt_note_add drops it).  Saving "" drops it.  get:
 * MDT_ENOTFOUND when there is none (*text NULL; else a new string).
 */
enum mdt_status mdt_note_draft_save(struct mdt_store *s, int64_t slot_id,
    const char *text);
enum mdt_status mdt_note_draft_get(struct mdt_store *s, int64_t slot_id,
    char **text);
enum mdt_status mdt_note_draft_drop(struct mdt_store *s, int64_t slot_id);

#endif
