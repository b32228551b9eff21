/*
 * fhir_json.c - the small pieces every FHIR resource is built of: a
 * record's rows read from the store (text repaired to UTF-8), JSON
 * values, the start of a resource, and references to the patient and to
 * other resources.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fhir.h"
#include "fhir_json.h"
#include "mdt.h"
#include "rstring.h"
#include "text.h"
#include "util.h"

/* The store whose statements this thread keeps (sync_map_keep). */
static _Thread_local struct mdt_store *kept;

void
sync_map_keep(struct mdt_store *s)
{
	kept = s;
}

/* A statement with ?1 bound to text; NULL (and err) on failure. */
sqlite3_stmt *
fhir_query(sqlite3 *db, const char *sql, const char *arg, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;

	if (kept != NULL && mdt_store_db(kept) == db) {
		st = mdt_store_stmt(kept, sql);
		if (st == NULL) {
			mdt_set_err(err, errlen, "reading the store: %s",
			    mdt_store_error(kept));
			return NULL;
		}
	} else if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		mdt_set_err(err, errlen, "reading the store: %s",
		    sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return NULL;
	}
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	return st;
}

void
fhir_done(sqlite3_stmt *st)
{
	if (st != NULL && kept != NULL && sqlite3_db_handle(st) ==
	    mdt_store_db(kept))
		mdt_store_stmt_done(kept, st);
	else
		sqlite3_finalize(st);
}

/* The one row of a record named by ref (its uuid bound as ?1); NULL
 * with "no WHAT UUID" in err if there is none. */
sqlite3_stmt *
fhir_query_row(sqlite3 *db, const char *sql, const struct sync_ref *ref,
    const char *what, char *err, size_t errlen)
{
	sqlite3_stmt *st = fhir_query(db, sql, ref->uuid, err, errlen);

	if (st != NULL && sqlite3_step(st) != SQLITE_ROW) {
		mdt_set_err(err, errlen, "no %s %s", what, ref->uuid);
		fhir_done(st);
		st = NULL;
	}
	return st;
}

json_t *
fhir_build_row(sqlite3 *db, const struct sync_ref *ref, const char *sql,
    const char *what, fhir_fill_fn fill, sync_ref_fn dep, void *ctx,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = fhir_query_row(db, sql, ref, what, err, errlen);
	json_t *r;

	if (st == NULL)
		return NULL;
	r = fhir_resource(ref);
	fill(r, st, dep, ctx);
	fhir_done(st);
	return r;
}

sqlite3_stmt *
fhir_query_id(sqlite3 *db, const char *sql, int64_t arg, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = fhir_query(db, sql, NULL, err, errlen);

	if (st != NULL)
		sqlite3_bind_int64(st, 1, arg);
	return st;
}

/*
 * Column i as text.  Text that is not valid UTF-8 (written before the
 * input checks, or by another program) is repaired, since JSON cannot
 * hold it and the resource could never be built: the copy is kept in a
 * ring of this thread's last REPAIRED copies, more than any resource
 * reads at once.
 */
#define REPAIRED 32
const char *
fhir_col(sqlite3_stmt *st, int i)
{
	static _Thread_local char *repaired[REPAIRED];
	static _Thread_local unsigned next;
	const char *t = (const char *)sqlite3_column_text(st, i);
	char *fixed;

	if (t == NULL)
		return "";
	fixed = sync_rstring_utf8(t, (size_t)sqlite3_column_bytes(st, i));
	if (fixed == NULL)
		return t;
	free(repaired[next]);
	repaired[next] = fixed;
	next = (next + 1) % REPAIRED;
	return fixed;
}

int64_t
fhir_coli(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

json_t *
fhir_str(const char *s)
{
	return json_string(s != NULL ? s : "");
}

json_t *
fhir_when(int64_t ms)
{
	char iso[21];

	mdt_iso_utc(ms, iso);
	return json_string(iso);
}

json_t *
fhir_identifiers(const char *id)
{
	char value[48];

	snprintf(value, sizeof(value), "urn:uuid:%s", id);
	return json_pack("[{s:s, s:s}]", "system", SYNC_IDENTIFIER_SYSTEM,
	    "value", value);
}

/* The start of every resource: type, id, identifier. */
json_t *
fhir_resource(const struct sync_ref *ref)
{
	char id[37];
	json_t *ids;

	sync_ref_id(ref, id);
	ids = fhir_identifiers(id);
	if (ref->kind == SYNC_RECORD) {
		/* Composition.identifier is a single Identifier (0..1) */
		json_t *one = json_incref(json_array_get(ids, 0));

		json_decref(ids);
		ids = one;
	}
	return json_pack("{s:s, s:s, s:o}", "resourceType",
	    sync_kind_type(ref->kind), "id", id, "identifier", ids);
}

/*
 * The patient: a literal reference to the Patient entry that goes with
 * every bundle referring to it (urn:uuid:<patient uuid>, its fullUrl,
 * which the server resolves to the Patient it holds with this NHS number
 * or creates), with the NHS number and name beside it; dep is told.
 */
json_t *
fhir_patient_ref(const char *uuid, const char *nhs, const char *name,
    sync_ref_fn dep, void *ctx)
{
	json_t *r = fhir_ref_to(SYNC_PATIENT, uuid, name, dep, ctx);

	json_object_set_new(r, "type", json_string("Patient"));
	json_object_set_new(r, "identifier", json_pack("{s:s, s:s}",
	    "system", SYNC_NHS_NUMBER_SYSTEM, "value", nhs));
	return r;
}

json_t *
fhir_ref_to(enum sync_kind kind, const char *uuid, const char *display,
    sync_ref_fn dep, void *ctx)
{
	struct sync_ref r;
	char id[37], ref[64];
	json_t *o;

	r.kind = kind;
	mdt_strlcpy(r.uuid, uuid, sizeof(r.uuid));
	sync_ref_id(&r, id);
	/* a Patient by its entry in the bundle (pass.c) */
	if (kind == SYNC_PATIENT)
		snprintf(ref, sizeof(ref), "urn:uuid:%s", id);
	else
		snprintf(ref, sizeof(ref), "%s/%s", sync_kind_type(kind), id);
	o = json_pack("{s:s}", "reference", ref);
	if (display != NULL && display[0] != '\0')
		json_object_set_new(o, "display", fhir_str(display));
	if (dep != NULL)
		dep(ctx, &r);
	return o;
}

json_t *
fhir_coding(const char *system, const char *code, const char *display)
{
	return json_pack("{s:s, s:s, s:s}", "system", system, "code", code,
	    "display", display);
}

json_t *
fhir_concept(const char *system, const char *code, const char *display,
    const char *text)
{
	json_t *c = json_pack("{s:[o]}", "coding",
	    fhir_coding(system, code, display));

	if (text != NULL)
		json_object_set_new(c, "text", fhir_str(text));
	return c;
}
