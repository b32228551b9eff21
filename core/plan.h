/*
 * plan.h - the joined-up plan (plan.c, plan_write.c).  Each patient on
 * the caseload has one plan that outlasts a meeting: the problems, the
 * goals that matter most to them in their own words or their carer's ("I
 * statements"), what will be done (interventions, each maybe one of the
 * patient's actions, whose owner and due date say who and by when), the
 * key contact (the patient's), and the next review.  It is edited in the
 * slot and in preparation, printed for the patient, and sent to the
 * central record as a CarePlan with its Goals (fhir-mapping.md).
 *
 * Nothing of a plan is deleted or overwritten: an item resolved keeps its
 * words with when, why and who resolved it; each act is one transaction
 * with its audit row (never the text) and an outbox row.  "All issues
 * resolved" is what closes a case: a meeting closes the case of a patient
 * whose plan has every problem resolved, and the plan is completed; with
 * problems open, the case closes only once the plan was ended with a
 * reason (mdt_plan_end).  A death ends the plan.  Adding an item to a plan
 * completed or ended makes it active again.
 */
#ifndef MDT_PLAN_H
#define MDT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* The longest item, or reason, in characters. */
#define MDT_PLAN_TEXT_MAX 500

enum mdt_plan_kind {
	MDT_PLAN_PROBLEM,
	MDT_PLAN_GOAL,
	MDT_PLAN_INTERVENTION,
	MDT_PLAN_N_KINDS
};

/* "problem", "goal", "intervention"; the kind of a name, -1 if none. */
const char *mdt_plan_kind_name(enum mdt_plan_kind k);
int mdt_plan_kind_parse(const char *name);

/*
 * The patient an NHS number (as typed) names, for a plan: MDT_ENHS for a
 * number that is not one, MDT_ENOTFOUND if nobody has it, MDT_ESTATE for
 * a local identifier (a plan waits until the patient is traced).  Said.
 */
enum mdt_status mdt_plan_patient(struct mdt_store *s, const char *nhs,
    int64_t *patient_id);

/* An item added to the plan. */
struct mdt_plan_in {
	enum mdt_plan_kind kind;
	const char *text;		/* required, one line */
	bool carer;			/* a goal in the carer's words, not
					 * the patient's */
	int64_t action_id;		/* an intervention: the patient's
					 * action it is (0: none yet) */
};

/*
 * Adds the item to the patient's plan, made if they have none (a plan
 * completed or ended is active again); *position (may be NULL) gets its
 * number on the plan.  MDT_EINVAL for text the input policy refuses,
 * MDT_ENOTFOUND for an action that is not the patient's, MDT_ESTATE for
 * a patient who died.
 */
enum mdt_status mdt_plan_add(struct mdt_store *s, int64_t patient_id,
    const struct mdt_plan_in *in, int *position);

/* The item (its number on the plan) resolved, for the reason (required);
 * MDT_ENOTFOUND if the plan has no such item, MDT_ESTATE if it is
 * resolved already. */
enum mdt_status mdt_plan_resolve(struct mdt_store *s, int64_t patient_id,
    int position, const char *reason);

/* The intervention (its number) is the patient's action action_id (0:
 * none); the link it had is in the audit row. */
enum mdt_status mdt_plan_link(struct mdt_store *s, int64_t patient_id,
    int position, int64_t action_id);

/* The next review ("YYYY-MM-DD" or "+N", today or later). */
enum mdt_status mdt_plan_review(struct mdt_store *s, int64_t patient_id,
    const char *next);

/* The plan ended before every problem is resolved, for the reason
 * (required): the case may then close.  MDT_ESTATE if it is not active. */
enum mdt_status mdt_plan_end(struct mdt_store *s, int64_t patient_id,
    const char *reason);

/* An item of a plan. */
struct mdt_plan_item {
	int64_t id;
	char uuid[37];
	int position;
	enum mdt_plan_kind kind;
	char *text;
	bool carer;
	int64_t action_id;		/* 0: none */
	char *action_text;		/* the action's, "" if none */
	char *action_owner;		/* "" if none */
	char action_due[11];
	char action_status[12];		/* open, done, cancelled */
	bool resolved;
	char resolved_on[11];
	char *resolved_reason;		/* "" if not resolved */
	char created_on[11];
};

/* A patient's plan. */
struct mdt_plan {
	int64_t id;
	char uuid[37];
	int64_t patient_id;
	char status[12];		/* active, completed, ended */
	char next_review[11];		/* "" if none */
	char *end_reason;		/* "" if none */
	char created_on[11];
	char updated_on[11];
	char nhs_number[11];
	char *patient_name;
	char *key_contact;		/* "Name (role, organisation)", or "" */
	struct mdt_plan_item *items;	/* by position */
	size_t n_items;
	int problems, open_problems;
};

/* The patient's plan into *out; MDT_ENOTFOUND (not said) if they have
 * none.  DESTRUCTOR: mdt_plan_free. */
enum mdt_status mdt_plan_load(struct mdt_store *s, int64_t patient_id,
    struct mdt_plan *out);
void mdt_plan_free(struct mdt_plan *p);

/* One of the patient's actions an intervention may be: its id, and
 * "text (owner, due YYYY-MM-DD, status)". */
struct mdt_plan_action {
	int64_t id;
	char *label;
};

/* The patient's actions, not withdrawn, the open first then by due date.
 * DESTRUCTOR: mdt_plan_actions_free. */
enum mdt_status mdt_plan_actions(struct mdt_store *s, int64_t patient_id,
    struct mdt_plan_action **out, size_t *n);
void mdt_plan_actions_free(struct mdt_plan_action *a, size_t n);

/*
 * The plan for the patient (plan_write.c), in plain language: what
 * matters to them, their goals, what will be done (who, by when), their
 * key contact, the next review; nothing of any other patient.  Text,
 * or Markdown with md; stored text escaped.  MDT_ENOTFOUND (said) if
 * they have none.
 */
enum mdt_status mdt_plan_write(struct mdt_store *s, int64_t patient_id,
    bool md, FILE *out);

#endif
