/*
 * fhir_consent.c - the slot's consent as a FHIR R4 Consent (with the
 * answer asked before the meeting it started from), and the coded values
 * and consent exclusions the other builders share.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir.h"
#include "fhir_json.h"
#include "mdt.h"
#include "narrative.h"
#include "util.h"

const struct coded *
fhir_coded_of(const struct coded *table, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

/* As coded_of, for a value the resource cannot be built without: NULL and
 * err ("consent <uuid>: unknown basis 'x'") if the table lacks it. */
const struct coded *
fhir_coded_needed(const struct coded *table, size_t n, const char *name,
    const struct sync_ref *ref, const char *entity, const char *field,
    char *err, size_t errlen)
{
	const struct coded *c = fhir_coded_of(table, n, name);

	if (c == NULL)
		mdt_set_err(err, errlen, "%s %s: unknown %s '%s'", entity,
		    ref->uuid, field, name);
	return c;
}

const struct coded fhir_bases[FHIR_N_BASES] = {
	{ "given", "given", "Consent given" },
	{ "best_interests", "best-interests",
	    "Consent not given; discussed in the patient's best interests" },
	{ "risk_to_others", "risk-to-others",
	    "Consent not given; not discussing would put others at risk" },
};

/* The organisations the slot's consent excludes, in the order given, as
 * a JSON array of strings; NULL (and err) on failure. */
json_t *
fhir_exclusions_of(sqlite3 *db, int64_t slot_id, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_t *orgs;
	int rc;

	st = fhir_query_id(db, "SELECT organisation FROM consent_exclusions"
	    " WHERE slot_id = ?1 ORDER BY id", slot_id, err, errlen);
	if (st == NULL)
		return NULL;
	orgs = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(orgs, fhir_str(fhir_col(st, 0)));
	if (rc != SQLITE_DONE) {
		mdt_set_err(err, errlen, "reading the exclusions: %s",
		    sqlite3_errmsg(db));
		json_decref(orgs);
		orgs = NULL;
	}
	fhir_done(st);
	return orgs;
}

/* "<p>Organisations the patient asked to exclude: A, B.</p>", when there
 * are any. */
void
fhir_buf_exclusions(struct sync_buf *b, json_t *orgs)
{
	json_t *o;
	size_t i;

	if (json_array_size(orgs) == 0)
		return;
	sync_buf_str(b, "<p>Organisations the patient asked to exclude: ");
	json_array_foreach(orgs, i, o) {
		if (i > 0)
			sync_buf_str(b, ", ");
		sync_narrative_text(b, json_string_value(o));
	}
	sync_buf_str(b, ".</p>");
}

/*
 * One nested deny provision per organisation: the organisation, by name,
 * as an information recipient (v3 ParticipationType IRCP) that may be
 * told nothing.  Organisations are not resources of the central record
 * here, so the reference is a display only.
 */
static json_t *
deny_provisions(json_t *orgs)
{
	json_t *list = json_array(), *o, *role;
	size_t i;

	json_array_foreach(orgs, i, o) {
		role = fhir_concept(
		    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
		    "IRCP", "information recipient", NULL);
		json_array_append_new(list, json_pack(
		    "{s:s, s:[{s:o, s:{s:O}}]}", "type", "deny", "actor",
		    "role", role, "reference", "display", o));
	}
	return list;
}

/*
 * Consent asked before the meeting (answer, who asked, on which day, who
 * answered for the patient): the day the patient agreed is the
 * Consent's dateTime; who agreed its performer (the patient, a
 * representative by name, or, in best interests, who decided); and the
 * confirmation at the meeting of what was asked, its verification.
 */
static void
consent_asked(json_t *r, const char *answer, const char *asked_by,
    const char *asked_on, const char *representative)
{
	json_t *who = NULL, *v;

	if (answer[0] == '\0')
		return;
	json_object_set_new(r, "dateTime", fhir_str(asked_on));
	if (strcmp(answer, "given") == 0)
		who = json_deep_copy(json_object_get(r, "patient"));
	else if (strcmp(answer, "representative") == 0) {
		char *d = mdt_xasprintf("%s (representative)", representative);

		who = json_pack("{s:s}", "display", d);
		free(d);
	} else if (strcmp(answer, "best-interests") == 0)
		who = json_pack("{s:s}", "display", asked_by);
	if (who != NULL)
		json_object_set_new(r, "performer", json_pack("[O]", who));
	v = json_pack("{s:b, s:s}", "verified", 1, "verificationDate",
	    asked_on);
	if (who != NULL && strcmp(answer, "best-interests") != 0)
		json_object_set_new(v, "verifiedWith", json_deep_copy(who));
	json_object_set_new(r, "verification", json_pack("[o]", v));
	json_decref(who);
}

json_t *
fhir_build_consent(sqlite3 *db, const struct sync_ref *ref, sync_ref_fn dep,
    void *ctx, char *err, size_t errlen)
{
	const struct coded *b;
	sqlite3_stmt *st;
	struct sync_buf nb;
	json_t *r, *rule, *orgs, *prov;
	bool given;
	const char *just;

	st = fhir_query_row(db,
	    "SELECT c.basis, c.justification, c.recorded_at,"
	    " p.nhs_number, p.name, c.slot_id, p.uuid,"
	    /* answered again at a later discussion: replaced */
	    " EXISTS (SELECT 1 FROM consent c2 JOIN slots s2"
	    "  ON s2.id = c2.slot_id WHERE s2.patient_id = s.patient_id"
	    "  AND (c2.recorded_at, c2.id) > (c.recorded_at, c.id)),"
	    /* the answer asked before the meeting it started from */
	    " coalesce(ca.answer, ''), coalesce(ca.asked_by, ''),"
	    " coalesce(ca.asked_on, ''), coalesce(ca.representative, '')"
	    " FROM consent c"
	    " JOIN slots s ON s.id = c.slot_id"
	    " JOIN patients p ON p.id = s.patient_id"
	    " LEFT JOIN consent_asked ca ON ca.id = c.asked_id"
	    " WHERE c.uuid = ?1",
	    ref, "consent", err, errlen);
	if (st == NULL)
		return NULL;
	b = CODED_NEEDED(fhir_bases, fhir_col(st, 0), ref, "consent", "basis", err,
	    errlen);
	if (b == NULL) {
		fhir_done(st);
		return NULL;
	}
	orgs = fhir_exclusions_of(db, fhir_coli(st, 5), err, errlen);
	if (orgs == NULL) {
		fhir_done(st);
		return NULL;
	}
	just = fhir_col(st, 1);
	r = fhir_resource(ref);
	/* the current answer: active when given, rejected when not; an
	 * earlier answer, replaced: inactive */
	json_object_set_new(r, "status", fhir_str(fhir_coli(st, 7) != 0 ?
	    "inactive" : strcmp(b->name, "given") == 0 ? "active" :
	    "rejected"));
	json_object_set_new(r, "scope", fhir_concept(
	    "http://terminology.hl7.org/CodeSystem/consentscope",
	    "patient-privacy", "Privacy Consent", NULL));
	json_object_set_new(r, "category", json_pack("[o]", fhir_concept(
	    "http://loinc.org", "59284-0", "Patient Consent",
	    "Consent to be discussed at a multidisciplinary team meeting")));
	/* given: also the UK's concept, for a search by category (the
	 * bases on which a patient is discussed without consent have none
	 * of their own) */
	if (strcmp(b->name, "given") == 0)
		json_array_append_new(json_object_get(r, "category"),
		    fhir_concept(SNOMED, "319951000000105", "Consent given to"
		    " share patient data with specified third party", NULL));
	json_object_set_new(r, "patient", fhir_patient_ref(fhir_col(st, 6),
	    fhir_col(st, 3), fhir_col(st, 4), dep, ctx));
	json_object_set_new(r, "dateTime", fhir_when(fhir_coli(st, 2)));
	consent_asked(r, fhir_col(st, 8), fhir_col(st, 9), fhir_col(st, 10),
	    fhir_col(st, 11));
	if (just[0] != '\0') {
		char *text = mdt_xasprintf("%s: %s", b->display, just);

		rule = fhir_concept(MDT_CS "mdt-consent-basis", b->code,
		    b->display, text);
		free(text);
	} else
		rule = fhir_concept(MDT_CS "mdt-consent-basis", b->code,
		    b->display, b->display);
	/*
	 * Given: the root provision permits the discussion (v3 OPTIN).  Not
	 * given: it denies it (v3 OPTOUT), and the basis says why the team
	 * discussed the patient all the same.  The organisations the
	 * patient asked to exclude are denied within.
	 */
	given = strcmp(b->name, "given") == 0;
	json_array_append_new(json_object_get(rule, "coding"), fhir_coding(
	    "http://terminology.hl7.org/CodeSystem/v3-ActCode",
	    given ? "OPTIN" : "OPTOUT", given ? "opt-in" : "opt-out"));
	prov = json_pack("{s:s, s:[{s:s}]}", "type", given ? "permit" :
	    "deny", "action", "text",
	    "Discussion at a multidisciplinary team meeting");
	if (json_array_size(orgs) > 0)
		json_object_set_new(prov, "provision", deny_provisions(orgs));
	json_object_set_new(r, "provision", prov);
	json_object_set_new(r, "policyRule", rule);
	sync_narrative_open(&nb);
	sync_buf_str(&nb, "<p>");
	sync_narrative_text(&nb, b->display);
	if (just[0] != '\0') {
		sync_buf_str(&nb, "</p><p>Justification: ");
		sync_narrative_text(&nb, just);
	}
	sync_buf_str(&nb, "</p>");
	if (fhir_col(st, 8)[0] != '\0') {
		sync_buf_str(&nb, "<p>Asked before the meeting by ");
		sync_narrative_text(&nb, fhir_col(st, 9));
		sync_buf_str(&nb, " on ");
		sync_narrative_text(&nb, fhir_col(st, 10));
		sync_buf_str(&nb, ": ");
		sync_narrative_text(&nb, fhir_col(st, 8));
		if (fhir_col(st, 11)[0] != '\0') {
			sync_buf_str(&nb, ", answered by ");
			sync_narrative_text(&nb, fhir_col(st, 11));
		}
		sync_buf_str(&nb, "</p>");
	}
	fhir_buf_exclusions(&nb, orgs);
	json_object_set_new(r, "text", sync_narrative(&nb));
	json_decref(orgs);
	fhir_done(st);
	return r;
}

