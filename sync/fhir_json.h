/*
 * fhir_json.h - the pieces of a FHIR resource (fhir_json.c), for the
 * files that build resources.
 */
#ifndef SYNC_FHIR_JSON_H
#define SYNC_FHIR_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "fhir.h"

#define SNOMED "http://snomed.info/sct"
#define MDT_CS "https://mdtchair.org/fhir/CodeSystem/"

/* A statement with ?1 bound to text (NULL: none); NULL (and err) on
 * failure. */
sqlite3_stmt *fhir_query(sqlite3 *db, const char *sql, const char *arg,
    char *err, size_t errlen);
/* Gives back a statement from the functions here (or NULL). */
void fhir_done(sqlite3_stmt *st);
/* The one row of a record named by ref (its uuid bound as ?1); NULL
 * with "no WHAT UUID" in err if there is none. */
sqlite3_stmt *fhir_query_row(sqlite3 *db, const char *sql,
    const struct sync_ref *ref, const char *what, char *err, size_t errlen);
/* Fills a resource from the row of its record (st), telling dep of what
 * it refers to. */
typedef void (*fhir_fill_fn)(json_t *r, sqlite3_stmt *st, sync_ref_fn dep,
    void *ctx);
/* The resource of ref, begun by fhir_resource and filled by fill from the
 * one row of its record that sql reads (its uuid bound as ?1); NULL with
 * "no WHAT UUID" in err if there is none. */
json_t *fhir_build_row(sqlite3 *db, const struct sync_ref *ref,
    const char *sql, const char *what, fhir_fill_fn fill, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen);
/* A statement with ?1 bound to a number. */
sqlite3_stmt *fhir_query_id(sqlite3 *db, const char *sql, int64_t arg,
    char *err, size_t errlen);
/* Column i as text ("" for NULL), repaired to valid UTF-8. */
const char *fhir_col(sqlite3_stmt *st, int i);
int64_t fhir_coli(sqlite3_stmt *st, int i);
/* A JSON string ("" for NULL); an instant of ms in UTC. */
json_t *fhir_str(const char *s);
json_t *fhir_when(int64_t ms);
/* Our identifier of a resource (urn:uuid:ID), as an array. */
json_t *fhir_identifiers(const char *id);
/* The start of every resource: type, id, identifier. */
json_t *fhir_resource(const struct sync_ref *ref);
/* The patient of uuid: a reference to its Patient entry (urn:uuid),
 * with NHS number and name; dep is told. */
json_t *fhir_patient_ref(const char *uuid, const char *nhs,
    const char *name, sync_ref_fn dep, void *ctx);
/* A reference to the resource of kind and uuid, told to dep. */
json_t *fhir_ref_to(enum sync_kind kind, const char *uuid,
    const char *display, sync_ref_fn dep, void *ctx);
json_t *fhir_coding(const char *system, const char *code,
    const char *display);
json_t *fhir_concept(const char *system, const char *code,
    const char *display, const char *text);

/* A builder: the resource of ref as the store holds it, telling dep of
 * each resource it refers to; NULL with a reason if the record is gone. */
typedef json_t *(*fhir_build_fn)(sqlite3 *db, const struct sync_ref *ref,
    sync_ref_fn dep, void *ctx, char *err, size_t errlen);

/* The builders of fhir_people.c: a person of the team (Practitioner),
 * their role (PractitionerRole), an organisation, a venue (Location), a
 * team (CareTeam), a death recorded between meetings (Observation) and a
 * stay on the rising-risk register (Flag), by ref's kind; and the
 * patient. */
json_t *fhir_build_people(sqlite3 *db, const struct sync_ref *ref,
    sync_ref_fn dep, void *ctx, char *err, size_t errlen);
json_t *fhir_build_patient(sqlite3 *db, const struct sync_ref *ref,
    sync_ref_fn dep, void *ctx, char *err, size_t errlen);

/* A value as the store keeps it, and as FHIR codes and displays it. */
struct coded {
	const char *name;	/* as stored */
	const char *code;
	const char *display;
};

/* The entry of table (n rows) for a stored name; NULL if none. */
/* The entry of table (n rows) for a stored name; NULL if none. */
const struct coded *fhir_coded_of(const struct coded *table, size_t n,
    const char *name);
/* As fhir_coded_of, for a value the resource cannot be built without:
 * NULL and err ("consent <uuid>: unknown basis 'x'") if the table lacks
 * it. */
const struct coded *fhir_coded_needed(const struct coded *table, size_t n,
    const char *name, const struct sync_ref *ref, const char *entity,
    const char *field, char *err, size_t errlen);
#define CODED_OF(table, name) \
	fhir_coded_of((table), sizeof(table) / sizeof((table)[0]), (name))

#define CODED_NEEDED(table, name, ref, entity, field, err, errlen) \
	fhir_coded_needed((table), sizeof(table) / sizeof((table)[0]), (name), \
	    (ref), (entity), (field), (err), (errlen))

/* The bases of the slot's consent (fhir_consent.c). */
#define FHIR_N_BASES 3
extern const struct coded fhir_bases[FHIR_N_BASES];
/* The organisations the slot's consent excludes, in the order given, as
 * a JSON array of strings; NULL (and err) on failure. */
json_t *fhir_exclusions_of(sqlite3 *db, int64_t slot_id, char *err,
    size_t errlen);
/* The excluded organisations (a JSON array of strings) in a narrative. */
struct sync_buf;
void fhir_buf_exclusions(struct sync_buf *b, json_t *orgs);
/* A referral discussed, as a ServiceRequest (fhir_referral.c). */
json_t *fhir_build_referral(sqlite3 *db, const struct sync_ref *ref,
    sync_ref_fn dep, void *ctx, char *err, size_t errlen);
/* The joined-up plan, as a CarePlan, and a goal of it, as a Goal
 * (fhir_plan.c). */
json_t *fhir_build_careplan(sqlite3 *db, const struct sync_ref *ref,
    sync_ref_fn dep, void *ctx, char *err, size_t errlen);
json_t *fhir_build_goal(sqlite3 *db, const struct sync_ref *ref,
    sync_ref_fn dep, void *ctx, char *err, size_t errlen);
/* The slot's consent, as a Consent. */
json_t *fhir_build_consent(sqlite3 *db, const struct sync_ref *ref,
    sync_ref_fn dep, void *ctx, char *err, size_t errlen);

#endif
