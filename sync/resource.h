/*
 * resource.h - the FHIR resources mdtchair writes, and a resource's
 * identity and content (resource.c).
 */
#ifndef MDT_SYNC_RESOURCE_H
#define MDT_SYNC_RESOURCE_H

#include <stdbool.h>

#include <jansson.h>

/* The FHIR resources mdtchair writes, in dependency order. */
enum sync_kind {
	SYNC_PRACTITIONER,	/* a person: Practitioner */
	SYNC_MEETING,		/* the meeting: Encounter */
	SYNC_DISCUSSION,	/* a slot: Encounter, partOf the meeting */
	SYNC_CONSENT,		/* consent to be discussed: Consent */
	SYNC_OUTCOME,		/* the outcome: Observation */
	SYNC_TASK,		/* an action: Task */
	SYNC_RECORD,		/* the discussion record: Composition */
	SYNC_PATIENT,		/* the patient: Patient, created only if
				 * the record has none with the NHS number,
				 * and sent in every bundle that refers to
				 * it (pass.c) */
	SYNC_ORGANIZATION,	/* an organisation, by name: Organization */
	SYNC_ROLE,		/* a person's role in an organisation:
				 * PractitionerRole */
	SYNC_LOCATION,		/* a venue, by name: Location */
	SYNC_TEAM,		/* a team, or the network's MDT: CareTeam */
	SYNC_DEATH,		/* a death between meetings: Observation */
	SYNC_REFERRAL,		/* a referral discussed: ServiceRequest */
	SYNC_FLAG,		/* a stay on the rising-risk register: Flag */
	SYNC_GOAL,		/* a goal of the joined-up plan: Goal */
	SYNC_CAREPLAN,		/* the joined-up plan: CarePlan */
	SYNC_N_KINDS
};

/* One resource: its kind and the UUID of the record it is made from. */
struct sync_ref {
	enum sync_kind kind;
	char uuid[37];
};

typedef void (*sync_ref_fn)(void *ctx, const struct sync_ref *ref);

/* "Encounter", "Task", ... (fhir.c, beside how each is built) */
const char *sync_kind_type(enum sync_kind k);

/* The resource's logical id: the record's UUID, except the Composition
 * and the PractitionerRole, whose ids are name-based (v5) UUIDs of their
 * slot's and their person's. */
void sync_ref_id(const struct sync_ref *ref, char id[37]);

/* A short hex hash (16 digits) of a resource's canonical JSON, meta left
 * out (its narrative counted: it is ours, and holds what no other element
 * does, such as the meeting's title); out[33]. */
void sync_body_hash(json_t *resource, char out[33]);

/* True if two resources say the same once meta and text are left out. */
bool sync_same_content(json_t *a, json_t *b);

#endif
