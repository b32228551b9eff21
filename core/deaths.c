/*
 * deaths.c - a death recorded between meetings (deaths.h).  The seeds'
 * teams "always follow up with relatives when a patient dies": the
 * follow-up is made at once, for the key contact.
 */
#include "config.h"

#include "deaths.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

static const char *const places[] = {
	"home", "hospital", "care-home", "hospice", "other", NULL
};

/* The death's act: the patient (its id in a.id), what was asked. */
struct death_act {
	struct mdt_act a;
	const struct mdt_death_in *in;
	const char *date;
	int cancelled;
};

/* The open actions of the patient but their follow-up: cancelled. */
static enum mdt_status
cancel_open(struct mdt_store *s, int64_t patient_id, int *count)
{
	enum mdt_status st;
	char *uuid = NULL;

	while ((st = mdt_query_text(s, &uuid, "SELECT uuid FROM actions"
	    " WHERE patient_id = ? AND status = 'open' AND kind IS NOT '"
	    MDT_RELATIVES_KIND "' ORDER BY id LIMIT 1", "i",
	    patient_id)) == MDT_OK) {
		st = mdt_run(s, "UPDATE actions SET status = 'cancelled',"
		    " closed_at = ? WHERE uuid = ?", "it", mdt_store_now(s),
		    uuid);
		if (st == MDT_OK)
			st = mdt_record_change(s, "action_status", "action",
			    uuid, "cancelled: the patient died");
		free(uuid);
		uuid = NULL;
		if (st != MDT_OK)
			return st;
		(*count)++;
	}
	return st == MDT_ENOTFOUND ? MDT_OK : st;
}

/* Who follows up with the relatives: the key contact if the patient did
 * not exclude their organisation, else the owner given; 0: nobody. */
static enum mdt_status
follow_up_owner(struct mdt_store *s, int64_t patient_id, int64_t given,
    int64_t *owner)
{
	enum mdt_status st;
	int64_t kc = 0;
	char *org = NULL;

	*owner = 0;
	st = mdt_query_int(s, &kc, "SELECT coalesce(key_contact_id, 0)"
	    " FROM patients WHERE id = ?", "i", patient_id);
	if (st == MDT_OK && kc != 0)
		st = mdt_row_excluded_org(s, patient_id, kc, &org);
	if (st == MDT_OK && kc != 0 && org == NULL) {
		*owner = kc;
		return st;
	}
	free(org);
	if (st == MDT_OK && given != 0) {
		st = mdt_row_person_allowed(s, patient_id, given,
		    "follow up with the relatives");
		if (st == MDT_OK)
			*owner = given;
	}
	return st;
}

static enum mdt_status
death_tx(struct mdt_store *s, struct mdt_act *a)
{
	struct death_act *d = (struct death_act *)a;
	const struct mdt_death_in *in = d->in;
	int64_t pid = a->id, open = 0, owner = 0, made = 0;
	enum mdt_status st;
	char uuid[37], due[11], *known = NULL;

	st = mdt_query_text(s, &known, "SELECT died_on FROM deaths"
	    " WHERE patient_id = ?1 UNION ALL SELECT o.died_on FROM outcomes o"
	    " JOIN slots s ON s.id = o.slot_id WHERE s.patient_id = ?1"
	    " AND o.kind = 'died' LIMIT 1", "i", pid);
	if (st == MDT_OK) {
		st = mdt_fail(s, MDT_ESTATE, "the death is recorded already"
		    " (died on %s)", known != NULL ? known : "a day unknown");
		free(known);
		return st;
	}
	if (st != MDT_ENOTFOUND)
		return st;
	st = mdt_query_int(s, &open, "SELECT count(*) FROM actions"
	    " WHERE patient_id = ? AND status = 'open' AND kind IS NOT '"
	    MDT_RELATIVES_KIND "'", "i", pid);
	if (st == MDT_OK && open > 0 && in->actions == MDT_DEATH_ASK)
		return mdt_fail(s, MDT_ESTATE, "%" PRId64 " open action%s: say"
		    " keep (reviewed at the next meeting) or cancel", open,
		    open == 1 ? "" : "s");
	if (st == MDT_OK)
		st = follow_up_owner(s, pid, in->owner_id, &owner);
	if (st == MDT_OK && owner == 0)
		return mdt_fail(s, MDT_ESTATE, "no key contact: say who follows"
		    " up with the relatives (--owner PERSON)");
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO deaths (uuid, patient_id, died_on, place,"
	    " expected, recorded_at) VALUES (?, ?, ?, ?, nullif(?, -1), ?)",
	    "titTdi", uuid, pid, d->date, in->place, in->expected,
	    mdt_store_now(s));
	if (st == MDT_OK)
		st = mdt_record_change(s, "death_record", "death", uuid,
		    "patient %" PRId64 ": died on %s, between meetings", pid,
		    d->date);
	if (st == MDT_OK && in->actions == MDT_DEATH_CANCEL)
		st = cancel_open(s, pid, &d->cancelled);
	if (st == MDT_OK)
		st = mdt_query_int(s, &made, "SELECT count(*) FROM actions"
		    " WHERE patient_id = ? AND kind = '" MDT_RELATIVES_KIND "'"
		    " AND status <> 'cancelled'", "i", pid);
	if (st != MDT_OK || made > 0)
		return st;
	if (mdt_date_parse("+7", mdt_store_now(s), due) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "cannot work out the due date");
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO actions (uuid, patient_id, slot_id, text,"
	    " owner_id, due_date, status, created_at, kind)"
	    " VALUES (?, ?, NULL, ?, ?, ?, 'open', ?, ?)", "tititit", uuid, pid,
	    MDT_RELATIVES_TEXT, owner, due, mdt_store_now(s),
	    MDT_RELATIVES_KIND);
	if (st == MDT_OK)
		st = mdt_record_change(s, "action_add", "action", uuid,
		    "patient %" PRId64 ": follow-up with the relatives, due %s",
		    pid, due);
	return st;
}

enum mdt_status
mdt_death_between(struct mdt_store *s, const struct mdt_death_in *in,
    int *cancelled)
{
	struct death_act d = { .in = in };
	char nhs[11], day[11], today[11];
	enum mdt_status st;
	size_t i;

	if (cancelled != NULL)
		*cancelled = 0;
	if (in->nhs_number == NULL || !mdt_nhs_normalise(in->nhs_number, nhs) ||
	    !mdt_nhs_valid(nhs))
		return mdt_fail(s, MDT_EINVAL, "not an NHS number (ten digits"
		    " with a right check digit): %s", in->nhs_number != NULL ?
		    in->nhs_number : "");
	if (in->date == NULL || !mdt_date_strict(in->date, day))
		return mdt_fail(s, MDT_EINVAL, "date of death \"%s\""
		    " (YYYY-MM-DD)", in->date != NULL ? in->date : "");
	mdt_date_of(mdt_store_now(s), today);
	if (strcmp(day, today) > 0)
		return mdt_fail(s, MDT_EINVAL, "death on %s: in the future",
		    day);
	for (i = 0; in->place != NULL && places[i] != NULL; i++)
		if (strcmp(places[i], in->place) == 0)
			break;
	if (in->place != NULL && places[i] == NULL)
		return mdt_fail(s, MDT_EINVAL, "the place of death is home,"
		    " hospital, care-home, hospice or other");
	st = mdt_query_int(s, &d.a.id, "SELECT id FROM patients"
	    " WHERE nhs_number = ?", "t", nhs);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no patient with NHS number %s", nhs);
	if (st != MDT_OK)
		return st;
	d.date = day;
	st = mdt_act_run(s, death_tx, 0, &d.a);
	if (st == MDT_OK && cancelled != NULL)
		*cancelled = d.cancelled;
	return st;
}
