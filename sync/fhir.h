/*
 * fhir.h - how the store becomes FHIR resources (fhir.c): the resources an
 * outbox row changes, and each resource built from the store.
 */
#ifndef MDT_SYNC_FHIR_H
#define MDT_SYNC_FHIR_H

#include <stddef.h>

#include <jansson.h>
#include <sqlite3.h>

#include "resource.h"

#define SYNC_IDENTIFIER_SYSTEM "urn:ietf:rfc:3986"
#define SYNC_NHS_NUMBER_SYSTEM "https://fhir.nhs.uk/Id/nhs-number"

/* SQL: 1 if the slot (its table alias) was discussed, i.e. consent to be
 * discussed is recorded for it, or a death (a dead patient cannot
 * consent).  Nothing naming a patient leaves before: a slot never
 * discussed sends nothing, and what an older version sent of it is
 * withdrawn (entered-in-error, with nothing of the patient). */
#define SYNC_DISCUSSED(slot) \
	"(EXISTS (SELECT 1 FROM consent WHERE slot_id = " slot ".id)" \
	" OR EXISTS (SELECT 1 FROM outcomes WHERE slot_id = " slot ".id" \
	" AND kind = 'died'))"

/*
 * Calls add for each resource that the outbox row (entity, uuid) changes
 * (fhir_rows.c).  0 ok (possibly none); -1 with a reason (unknown entity,
 * database error).
 */
int sync_map_row(sqlite3 *db, const char *entity, const char *uuid,
    sync_ref_fn add, void *ctx, char *err, size_t errlen);

/*
 * The resource as it stands in the store now, and through dep every
 * resource it refers to.  NULL with a reason if the record is gone.
 */
json_t *sync_map_build(sqlite3 *db, const struct sync_ref *ref,
    sync_ref_fn dep, void *ctx, char *err, size_t errlen);

struct mdt_store;
/*
 * From now on, on this thread, the two above read the connection of s
 * through statements it keeps prepared (a pass reads the same few
 * queries hundreds of times, and preparing them took a quarter of its
 * building); NULL: each prepared afresh.  Any other connection is read
 * as before.
 */
void sync_map_keep(struct mdt_store *s);

#endif
