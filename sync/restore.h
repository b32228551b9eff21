/*
 * restore.h - a new database from the central record: what restore.c
 * read, written into the new store (restore_write.c).
 */
#ifndef MDT_SYNC_RESTORE_H
#define MDT_SYNC_RESTORE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "mdt.h"
#include "sync.h"

/*
 * Writes into the new, empty store s what got holds (every resource
 * read, by "Type/id"): the meetings since since (YYYY-MM-DD) and what
 * they need, each resource of ours as acknowledged by the record at the
 * version read (nothing in the outbox), and the audit row of the restore
 * from base.  Counts into out; 0, or -1 with out->error.
 */
int sync_restore_write(struct mdt_store *s, json_t *got, const char *base,
    const char *since, struct sync_restore_result *out);

/* ---- between restore_write.c and restore_meeting.c ---- */

#define RW_CS "https://mdtchair.org/fhir/CodeSystem/"
#define RW_SNOMED "http://snomed.info/sct"
/* the longest text kept of a line, of a note or an action (bytes) */
#define LINE_MAX_BYTES 2000
#define NOTE_MAX_BYTES 40000

struct rw {
	sqlite3 *db;
	json_t *got;
	const char *base;
	struct sync_restore_result *out;
	json_t *person;		/* person or team uuid -> people.id */
	json_t *role;		/* PractitionerRole id -> person uuid */
	json_t *patient;	/* NHS number -> patients.id */
	json_t *meeting;	/* meeting uuid -> meetings.id */
	json_t *slot;		/* slot uuid -> [slots.id, started_at] */
	int64_t now;
	bool failed;
};

/* Each is restore_write.c's.  rw_ms: a FHIR instant in ms (0: not one);
 * rw_ours: whether the resource carries our identifier urn:uuid:<its
 * id>; rw_ref_id: the id a reference gives to a resource of type (NULL
 * if another); rw_got: the resource read of type and id (NULL); rw_code_in:
 * a CodeableConcept's code in system (NULL); rw_kept: text from the record
 * as the store keeps it (a new string; NULL for none); rw_paragraphs: the
 * text of each <p> of a narrative, read back. */
int64_t rw_ms(const char *s);
bool rw_ours(json_t *res);
const char *rw_ref_id(const struct rw *w, json_t *ref, const char *type);
json_t *rw_got(const struct rw *w, const char *type, const char *id);
const char *rw_code_in(json_t *concept, const char *system);
char *rw_kept(const char *s, bool note);
json_t *rw_paragraphs(const char *div);
/* restore_meeting.c's: a meeting's title from its Encounter's narrative
 * (without ", at VENUE"), kept as rw_kept keeps it (NULL if none); the
 * outcome an Observation codes, as the store names it (NULL if none). */
char *rw_meeting_title(json_t *r, const char *venue);
const char *rw_outcome_kind(json_t *r);

/* Runs sql with the arguments fmt names ('t' a string, NULL for NULL;
 * 'i' an int64_t; 'z' an int64_t, 0 for NULL), the row's id into *id
 * when not NULL.  False on failure: a constraint leaves the resource out
 * (counted as skipped), anything else fails the restore (w->failed). */
bool rw_run(struct rw *w, int64_t *id, const char *sql, const char *fmt, ...);
void rw_map_set(json_t *map, const char *key, int64_t v);
int64_t rw_map_get(json_t *map, const char *key);
/* fn called on each resource read of type that is ours. */
void rw_each(struct rw *w, const char *type, void (*fn)(struct rw *,
    json_t *));
/* The person or team a reference names (Practitioner, PractitionerRole,
 * CareTeam): people.id, 0 if not restored.  The patient a reference names
 * (the Patient read, else the NHS number beside it): patients.id, made if
 * new; 0 without a valid NHS number. */
int64_t rw_person_of(struct rw *w, json_t *ref);
int64_t rw_patient_of(struct rw *w, json_t *ref);

/* The meetings, their discussions, records, outcomes and actions
 * (restore_meeting.c); then the patients' plans, referrals, stays on the
 * register and deaths between meetings (restore_plan.c). */
void restore_meetings(struct rw *w);
void restore_patients(struct rw *w);

#endif
