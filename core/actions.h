/*
 * actions.h - the people who attend and own actions, and each owner's
 * actions across meetings (actions.c).
 */
#ifndef MDT_ACTIONS_H
#define MDT_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* ---- people ---------------------------------------------------------- */

/*
 * Adds someone who attends or owns actions: a member of the team, or
 * someone outside the NHS (the voluntary sector, housing).  name is
 * required; role and organisation may be "" or NULL.  Refused (MDT_EINVAL,
 * naming them) when a person of that name and organisation is known
 * already, compared case apart.  One act: audit row and the 'person' in
 * the outbox (a Practitioner on the central record).
 */
enum mdt_status mdt_person_add(struct mdt_store *s, const char *name,
    const char *role, const char *organisation, int64_t *person_id);

/*
 * Adds a team an action can be given to (district nursing, a duty desk),
 * of organisation ("" or NULL: none); or, with network, the network's
 * multidisciplinary team itself, whose members are everyone else (one
 * only: MDT_EINVAL naming it when there is one).  Neither attends a
 * meeting.  Refused as mdt_person_add refuses; one act: audit row and the
 * 'person' in the outbox (a CareTeam on the central record).
 */
enum mdt_status mdt_team_add(struct mdt_store *s, const char *name,
    const char *organisation, bool network, int64_t *team_id);

/*
 * Who person_id is on the NHS's registers: body "gmc", "nmc" or "hcpc"
 * with number (both NULL: unchanged; both "": none), sds an NHS Spine user
 * id (NULL: unchanged; "": none).  Letters are taken in upper case.
 * MDT_EINVAL, saying what is expected, for one not well formed
 * (mdt_registration_ok, mdt_sds_ok); MDT_ENOTFOUND for no such person.
 * One act: audit row and the 'person' in the outbox.
 */
enum mdt_status mdt_person_set_ids(struct mdt_store *s, int64_t person_id,
    const char *body, const char *number, const char *sds);

/*
 * The ODS code of the organisation called org (as people give it; case
 * apart); "" forgets it.  MDT_EINVAL for a blank name or a code not well
 * formed (mdt_ods_ok).  One act: audit row and the 'organisation' in the
 * outbox (its Organization on the central record, by mdt_org_uuid).
 */
enum mdt_status mdt_org_set_ods(struct mdt_store *s, const char *org,
    const char *code);

/* How many people's name holds name_part and organisation holds
 * org_part (case apart; NULL matches any). */
enum mdt_status mdt_people_count(struct mdt_store *s, const char *name_part,
    const char *org_part, int64_t *n);

/* Prints everyone known, by name: "ID  NAME  ROLE  ORGANISATION"; a
 * team's role reads "team", the network's "network". */
enum mdt_status mdt_people_list(struct mdt_store *s, FILE *out);

/* ---- each owner's actions across meetings ---------------------------- */

struct mdt_actions_filter {
	const char *owner;	/* part of the owner's name, case apart; NULL:
				 * anyone */
	const char *org;	/* part of the owner's organisation; NULL: any.
				 * Leaves out the patients whose latest
				 * consent excludes an organisation that
				 * holds org, or that org holds (tidied as
				 * mdt_org_tidy, case apart) */
	int64_t owner_id;	/* one person only; 0: anyone */
	bool overdue;		/* only open ones due before today */
	bool closed;		/* done and cancelled ones too */
	int64_t today_ms;	/* what "today" is (0: the store's clock) */
	int64_t record_since;	/* also those closed from the central
				 * record since (store clock, ms); 0: not */
};

struct mdt_action_item {
	int64_t id;			/* shown as #ID; used to close it */
	char uuid[37];
	char *text;
	enum mdt_action_status status;
	char due_date[11];
	bool overdue;			/* open and due before today */
	int64_t created_at;
	int64_t closed_at;		/* 0 if open */
	int64_t owner_id;
	char *owner_name;
	char *owner_role;
	char *owner_org;
	int64_t patient_id;
	char *patient_name;
	char *date_of_birth;		/* NULL if unknown */
	char nhs_number[11];
	int64_t meeting_id;		/* where it was agreed; 0 if unknown */
	char *meeting_title;
	int64_t meeting_start;		/* scheduled start, ms */
	/* what the central record said when last read back (pull.h) */
	bool record_conflict;		/* closed there, a local change not
					 * sent: for a person to settle */
	bool record_applied;		/* its status was taken from there */
	char record_status[24];		/* the Task's status; "" if never
					 * read back */
	char *record_owner;		/* the owner it names; NULL */
	int64_t record_modified;	/* when the record says it changed,
					 * ms; 0 if never read back */
};

/*
 * The actions that match, by owner name, then due date (overdue first
 * within an owner), then id.  DESTRUCTOR: mdt_action_items_free.
 */
enum mdt_status mdt_actions_query(struct mdt_store *s,
    const struct mdt_actions_filter *f, struct mdt_action_item **out,
    size_t *n);
void mdt_action_items_free(struct mdt_action_item *items, size_t n);
/* The action whose number is id, whatever its status, as listed: *out
 * (one item, freed with mdt_action_items_free(*out, 1)), NULL if there
 * is none. */
enum mdt_status mdt_action_item(struct mdt_store *s, int64_t id,
    struct mdt_action_item **out);

enum mdt_actions_format { MDT_ACTIONS_TXT, MDT_ACTIONS_MD, MDT_ACTIONS_JSON };

/*
 * Prints each owner's list of the actions that match f (in the order of
 * mdt_actions_query): a heading per owner (name, role, organisation, how
 * many open and overdue), then one line per action: #ID, due date
 * (OVERDUE marked), the patient (masked as mdt_patient_mask unless
 * unmask), the action, and the meeting that agreed it.  JSON: one object
 * per owner with its actions.  Each action is written as it is read, in
 * one read transaction: nothing holds the whole list.
 */
enum mdt_status mdt_actions_print(struct mdt_store *s,
    const struct mdt_actions_filter *f, enum mdt_actions_format fmt,
    bool unmask, FILE *out);

#endif
