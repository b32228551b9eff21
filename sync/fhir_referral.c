/*
 * fhir_referral.c - a referral discussed, as a FHIR R4 ServiceRequest:
 * who referred, from which service, why, how urgently and when, for the
 * patient discussed.  A referral leaves for the record only once its
 * patient's discussion is there (sync/fhir_rows.c): nothing about a
 * patient goes before consent, a refusal or a withdrawal never.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir.h"
#include "fhir_json.h"
#include "narrative.h"
#include "util.h"

/* The row (columns: referrer, service, reason, urgency, raised at, the
 * patient's uuid, NHS number and name) as a ServiceRequest. */
static void
fill_referral(json_t *r, sqlite3_stmt *st, sync_ref_fn dep, void *ctx)
{
	char *who;

	/* discussed: the request is done */
	json_object_set_new(r, "status", fhir_str("completed"));
	json_object_set_new(r, "intent", fhir_str("order"));
	json_object_set_new(r, "category", json_pack("[o]", fhir_concept(
	    "http://snomed.info/sct", "3457005", "Patient referral",
	    "Referral to the integrated network's multidisciplinary team")));
	json_object_set_new(r, "code", json_pack("{s:s}", "text",
	    "Discussion at a multidisciplinary team meeting"));
	json_object_set_new(r, "priority", fhir_str(strcmp(fhir_col(st, 3),
	    "urgent") == 0 ? "urgent" : "routine"));
	json_object_set_new(r, "subject", fhir_patient_ref(fhir_col(st, 5),
	    fhir_col(st, 6), fhir_col(st, 7), dep, ctx));
	json_object_set_new(r, "authoredOn", fhir_when(fhir_coli(st, 4)));
	who = fhir_col(st, 1)[0] != '\0' ? mdt_xasprintf("%s (%s)",
	    fhir_col(st, 0), fhir_col(st, 1)) : mdt_xstrdup(fhir_col(st, 0));
	if (who[0] != '\0')
		json_object_set_new(r, "requester", json_pack("{s:s}",
		    "display", who));
	if (fhir_col(st, 2)[0] != '\0')
		json_object_set_new(r, "reasonCode", json_pack("[{s:s}]",
		    "text", fhir_col(st, 2)));
	json_object_set_new(r, "text", sync_narrative_line("Referral (%s) by"
	    " %s: %s", fhir_col(st, 3), who[0] != '\0' ? who : "not named",
	    fhir_col(st, 2)));
	free(who);
}

json_t *
fhir_build_referral(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	return fhir_build_row(db, ref, "SELECT r.referrer, r.service, r.reason,"
	    " r.urgency, r.raised_at, p.uuid, p.nhs_number, p.name"
	    " FROM referrals r JOIN patients p ON p.id = r.patient_id"
	    " WHERE r.uuid = ?1", "referral", fill_referral, dep, ctx, err,
	    errlen);
}
