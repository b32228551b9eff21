/*
 * snapshot.h - one meeting read into a plain copy for the screens and the
 * minutes (snapshot.c; the records themselves are in model.h), the
 * forecast of when it will end, a patient's earlier exclusions, and
 * finding and listing meetings.
 */
#ifndef MDT_SNAPSHOT_H
#define MDT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* DESTRUCTOR: mdt_snapshot_free (safe on a zeroed snapshot). */
enum mdt_status mdt_snapshot_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_snapshot *out);
void mdt_snapshot_free(struct mdt_snapshot *snap);

/*
 * What the central record says of a patient's actions that preparation
 * for meeting_id shows: those in conflict with it, closed from it lately
 * (MDT_RECORD_NEWS_MS before the meeting was to start, or since), or
 * open with an owner named otherwise there; conflicts first, then those
 * closed there, the latest first, at most four (slot_id 0, no verdict).  DESTRUCTOR:
 * mdt_record_news_free.
 */
enum mdt_status mdt_record_news(struct mdt_store *s, int64_t meeting_id,
    int64_t patient_id, struct mdt_action **out, size_t *n);
void mdt_record_news_free(struct mdt_action *a, size_t n);

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

/* Whether the attendee is in the room: marked present and not left. */
bool mdt_attendee_here(const struct mdt_attendee *a);
/* The register's row of person_id; NULL if not on the register. */
const struct mdt_attendee *mdt_snapshot_attendee(
    const struct mdt_snapshot *snap, int64_t person_id);

/*
 * Whether patient data may be shown to the room: someone is in the room
 * (mdt_attendee_here) and everyone in the room has acknowledged the
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

/*
 * The organisations the patient of slot_id asked to exclude with their
 * latest consent recorded in any other slot (the one recorded last), in
 * the order given: what to offer when consent is asked again.  *n is 0
 * when that consent excluded none or there is no such consent.
 * DESTRUCTOR: mdt_names_free.
 */
enum mdt_status mdt_exclusions_previous(struct mdt_store *s, int64_t slot_id,
    char ***names, size_t *n);

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

#endif
