/*
 * minutes.c - the minutes of a meeting, as Markdown for people and as JSON
 * for other programs: the register, and for each patient the consent (and
 * the organisations the patient asked to exclude), key contact, notes,
 * actions, outcome and the time taken against the band.  docs/minutes.md
 * describes the JSON.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mdt.h"
#include "store_internal.h"
#include "util.h"

/* The time band of the minutes: against warn_s and over_s only (the
 * 5-7 minute band), whatever extension the chair gave. */
static const char *
time_band(int64_t elapsed_ms, int warn_s, int over_s)
{
	if (elapsed_ms < (int64_t)warn_s * 1000)
		return "under";
	if (elapsed_ms <= (int64_t)over_s * 1000)
		return "within";
	return "over";
}

static int64_t
slot_elapsed(const struct mdt_slot *sl, int64_t now)
{
	return mdt_slot_elapsed_ms(sl->state, &sl->times, now);
}

/* ---- JSON ------------------------------------------------------------ */

/* A JSON string, or null for NULL; bytes that are not UTF-8 become '?'
 * rather than losing the whole value. */
static json_t *
jstr(const char *s)
{
	json_t *j;
	char *copy;
	size_t i;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	copy = mdt_xstrdup(s);
	for (i = 0; copy[i] != '\0'; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	j = json_string(copy);
	free(copy);
	return j != NULL ? j : json_null();
}

/* A string, or null when empty. */
static json_t *
jstr_or_null(const char *s)
{
	return s == NULL || *s == '\0' ? json_null() : jstr(s);
}

static json_t *
jtime(int64_t ms)
{
	char iso[21];

	if (ms == 0)
		return json_null();
	mdt_iso_utc(ms, iso);
	return json_string(iso);
}

static void
jset(json_t *obj, const char *key, json_t *value)
{
	if (value == NULL)
		mdt_fatal("out of memory");
	if (json_object_set_new(obj, key, value) != 0)
		mdt_fatal("out of memory");
}

static void
jpush(json_t *arr, json_t *value)
{
	if (value == NULL || json_array_append_new(arr, value) != 0)
		mdt_fatal("out of memory");
}

static json_t *
jobj(void)
{
	json_t *j = json_object();

	if (j == NULL)
		mdt_fatal("out of memory");
	return j;
}

static json_t *
jarr(void)
{
	json_t *j = json_array();

	if (j == NULL)
		mdt_fatal("out of memory");
	return j;
}

static json_t *
json_meeting(const struct mdt_meeting *m)
{
	json_t *j = jobj();

	jset(j, "id", json_integer(m->id));
	jset(j, "uuid", jstr(m->uuid));
	jset(j, "title", jstr(m->title));
	jset(j, "venue", jstr_or_null(m->venue));
	jset(j, "state", jstr(mdt_meeting_state_name(m->state)));
	jset(j, "scheduled_start", jtime(m->scheduled_start));
	jset(j, "opened_at", jtime(m->opened_at));
	jset(j, "closed_at", jtime(m->closed_at));
	jset(j, "planned_minutes", json_integer(m->planned_minutes));
	return j;
}

static json_t *
json_slot(const struct mdt_snapshot *snap, const struct mdt_slot *sl,
    int64_t now)
{
	json_t *j = jobj(), *patient = jobj(), *notes = jarr(),
	    *actions = jarr(), *x, *orgs;
	int64_t elapsed = slot_elapsed(sl, now);
	size_t i;

	jset(j, "position", json_integer(sl->position));
	jset(j, "uuid", jstr(sl->uuid));
	jset(patient, "name", jstr(sl->patient_name));
	jset(patient, "nhs_number", mdt_nhs_purged(sl->nhs_number) ?
	    json_null() : jstr(sl->nhs_number));
	jset(patient, "date_of_birth", jstr_or_null(sl->date_of_birth));
	jset(patient, "practice", jstr_or_null(sl->practice));
	jset(j, "patient", patient);
	jset(j, "reason", jstr(sl->reason));
	jset(j, "state", jstr(mdt_slot_state_name(sl->state)));
	jset(j, "planned_seconds", json_integer(sl->times.planned_s));
	jset(j, "extended_seconds", json_integer(sl->times.extended_s));
	jset(j, "elapsed_seconds", json_integer(elapsed / 1000));
	jset(j, "time_band", jstr(time_band(elapsed, snap->meeting.warn_s,
	    snap->meeting.over_s)));
	if (sl->consent == MDT_CONSENT_NONE)
		jset(j, "consent", json_null());
	else {
		x = jobj();
		jset(x, "basis", jstr(mdt_consent_name(sl->consent)));
		jset(x, "justification", jstr(sl->consent_justification));
		orgs = jarr();
		for (i = 0; i < sl->n_exclusions; i++)
			jpush(orgs, jstr(sl->exclusions[i]));
		jset(x, "excluded_organisations", orgs);
		jset(j, "consent", x);
	}
	jset(j, "key_contact", jstr(sl->key_contact_name));
	for (i = 0; i < snap->n_notes; i++)
		if (snap->notes[i].slot_id == sl->id)
			jpush(notes, jstr(snap->notes[i].text));
	jset(j, "notes", notes);
	for (i = 0; i < snap->n_actions; i++) {
		const struct mdt_action *a = &snap->actions[i];

		if (a->slot_id != sl->id)
			continue;
		x = jobj();
		jset(x, "uuid", jstr(a->uuid));
		jset(x, "text", jstr(a->text));
		jset(x, "owner", jstr(a->owner_name));
		jset(x, "due_date", jstr(a->due_date));
		jset(x, "status", jstr(mdt_action_status_name(a->status)));
		jpush(actions, x);
	}
	jset(j, "actions", actions);
	if (sl->outcome == MDT_OUTCOME_NONE)
		jset(j, "outcome", json_null());
	else {
		x = jobj();
		jset(x, "kind", jstr(mdt_outcome_name(sl->outcome)));
		jset(x, "review_date", jstr_or_null(sl->review_date));
		jset(j, "outcome", x);
	}
	return j;
}

static int
write_json(const struct mdt_snapshot *snap, int64_t now, FILE *out)
{
	json_t *root = jobj(), *att = jarr(), *slots = jarr(), *x;
	size_t i;
	int rc;

	jset(root, "meeting", json_meeting(&snap->meeting));
	for (i = 0; i < snap->n_attendees; i++) {
		const struct mdt_attendee *a = &snap->attendees[i];

		x = jobj();
		jset(x, "name", jstr(a->person.name));
		jset(x, "role", jstr(a->person.role));
		jset(x, "organisation", jstr(a->person.organisation));
		jset(x, "status", jstr(mdt_attend_name(a->status)));
		jset(x, "confidentiality_acknowledged",
		    json_boolean(a->confidentiality_ack));
		jpush(att, x);
	}
	jset(root, "attendance", att);
	for (i = 0; i < snap->n_slots; i++)
		jpush(slots, json_slot(snap, &snap->slots[i], now));
	jset(root, "slots", slots);
	rc = json_dumpf(root, out, JSON_INDENT(2));
	if (rc == 0 && fputc('\n', out) == EOF)
		rc = -1;
	json_decref(root);
	return rc;
}

/* ---- Markdown -------------------------------------------------------- */

static void
md_when(FILE *out, int64_t ms)
{
	char date[11], hhmm[6];

	mdt_date_of(ms, date);
	mdt_clock_hhmm(ms, hhmm);
	fprintf(out, "%s %s", date, hhmm);
}

/* Text on a list item: later lines are indented under it. */
static void
md_text(FILE *out, const char *text)
{
	for (; *text != '\0'; text++) {
		if (*text == '\r')
			continue;
		if (*text == '\n')
			fputs("\n  ", out);
		else
			fputc(*text, out);
	}
}

static void
md_duration(FILE *out, int64_t ms)
{
	int64_t s = ms / 1000;

	fprintf(out, "%" PRId64 ":%02d", s / 60, (int)(s % 60));
}

static void
md_slot(FILE *out, const struct mdt_snapshot *snap, const struct mdt_slot *sl,
    int64_t now)
{
	const struct mdt_meeting *m = &snap->meeting;
	char nhs[13];
	int64_t elapsed = slot_elapsed(sl, now);
	const char *band;
	size_t i, n;

	mdt_nhs_format(sl->nhs_number, nhs);
	fprintf(out, "### %d. %s (NHS %s)\n\n", sl->position,
	    sl->patient_name, nhs);
	if (sl->date_of_birth[0] != '\0')
		fprintf(out, "- Date of birth: %s\n", sl->date_of_birth);
	if (sl->practice[0] != '\0')
		fprintf(out, "- Practice: %s\n", sl->practice);
	if (sl->reason[0] != '\0') {
		fputs("- Reason for discussion: ", out);
		md_text(out, sl->reason);
		fputc('\n', out);
	}
	fprintf(out, "- Consent: %s", mdt_consent_label(sl->consent));
	if (sl->consent_justification != NULL) {
		fputs(" (", out);
		md_text(out, sl->consent_justification);
		fputc(')', out);
	}
	fputc('\n', out);
	for (i = 0; i < sl->n_exclusions; i++) {
		fputs(i == 0 ? "  - Organisations the patient asked to"
		    " exclude: " : ", ", out);
		md_text(out, sl->exclusions[i]);
	}
	if (sl->n_exclusions > 0)
		fputc('\n', out);
	fprintf(out, "- Key contact: %s\n", sl->key_contact_name != NULL ?
	    sl->key_contact_name : "none");
	if (sl->state == MDT_SLOT_PENDING)
		fputs("- Time: not discussed\n", out);
	else {
		band = time_band(elapsed, m->warn_s, m->over_s);
		fputs("- Time: ", out);
		md_duration(out, elapsed);
		fprintf(out, " (%s the %d-%d minute band", band,
		    m->warn_s / 60, m->over_s / 60);
		if (sl->times.extended_s > 0)
			fprintf(out, "; extended by %d:%02d",
			    sl->times.extended_s / 60, sl->times.extended_s % 60);
		fputs(")", out);
		if (sl->state != MDT_SLOT_DONE)
			fprintf(out, ", %s", mdt_slot_state_name(sl->state));
		fputc('\n', out);
	}
	fprintf(out, "- Outcome: %s", mdt_outcome_label(sl->outcome));
	if (sl->review_date[0] != '\0')
		fprintf(out, ", review by %s", sl->review_date);
	fputs("\n", out);

	for (i = 0, n = 0; i < snap->n_notes; i++) {
		if (snap->notes[i].slot_id != sl->id)
			continue;
		if (n++ == 0)
			fputs("\nNotes:\n\n", out);
		fputs("- ", out);
		md_text(out, snap->notes[i].text);
		fputc('\n', out);
	}
	for (i = 0, n = 0; i < snap->n_actions; i++) {
		const struct mdt_action *a = &snap->actions[i];

		if (a->slot_id != sl->id)
			continue;
		if (n++ == 0)
			fputs("\nActions agreed:\n\n", out);
		fputs("- ", out);
		md_text(out, a->text);
		fprintf(out, " (owner: %s; due %s", a->owner_name,
		    a->due_date);
		if (a->status != MDT_ACTION_OPEN)
			fprintf(out, "; %s", mdt_action_status_name(a->status));
		fputs(")\n", out);
	}
	fputc('\n', out);
}

/* The actions agreed in the meeting, grouped by owner. */
static void
md_by_owner(FILE *out, const struct mdt_snapshot *snap)
{
	const struct mdt_slot *sl;
	size_t i, j, n;
	bool any = false;

	for (i = 0; i < snap->n_people; i++) {
		const struct mdt_person *p = &snap->people[i];

		for (j = 0, n = 0; j < snap->n_actions; j++) {
			const struct mdt_action *a = &snap->actions[j];

			if (a->owner_id != p->id || a->slot_id == 0)
				continue;
			if (!any)
				fputs("## Actions by owner\n\n", out);
			any = true;
			if (n++ == 0)
				fprintf(out, "%s:\n\n", p->name);
			sl = mdt_snapshot_slot(snap, a->slot_id);
			fputs("- ", out);
			md_text(out, a->text);
			fprintf(out, " (%s; due %s)\n", sl != NULL ?
			    sl->patient_name : "", a->due_date);
		}
		if (n > 0)
			fputc('\n', out);
	}
}

static void
write_md(const struct mdt_snapshot *snap, int64_t now, FILE *out)
{
	const struct mdt_meeting *m = &snap->meeting;
	size_t i;

	fprintf(out, "# %s\n\n", m->title);
	fprintf(out, "- Venue: %s\n", m->venue[0] != '\0' ? m->venue :
	    "not recorded");
	fputs("- Scheduled: ", out);
	md_when(out, m->scheduled_start);
	fprintf(out, " (%d minutes planned)\n", m->planned_minutes);
	if (m->opened_at != 0) {
		fputs("- Opened: ", out);
		md_when(out, m->opened_at);
		fputc('\n', out);
	}
	if (m->closed_at != 0) {
		fputs("- Closed: ", out);
		md_when(out, m->closed_at);
		fputc('\n', out);
	}
	fprintf(out, "- State: %s\n\n", mdt_meeting_state_name(m->state));

	fputs("## Attendance\n\n", out);
	if (snap->n_attendees == 0)
		fputs("No register was taken.\n", out);
	for (i = 0; i < snap->n_attendees; i++) {
		const struct mdt_attendee *a = &snap->attendees[i];

		fprintf(out, "- %s, %s, %s: %s%s\n", a->person.name,
		    a->person.role, a->person.organisation,
		    mdt_attend_name(a->status), a->confidentiality_ack ?
		    " (confidentiality acknowledged)" : "");
	}
	fputs("\n## Patients\n\n", out);
	if (snap->n_slots == 0)
		fputs("No patients were on the agenda.\n\n", out);
	for (i = 0; i < snap->n_slots; i++)
		md_slot(out, snap, &snap->slots[i], now);
	md_by_owner(out, snap);
}

enum mdt_status
mdt_minutes_write(struct mdt_store *s, int64_t meeting_id,
    enum mdt_minutes_format fmt, FILE *out)
{
	struct mdt_snapshot snap;
	enum mdt_status st;
	int64_t now = mdt_store_now(s);
	int rc = 0;

	if (fmt != MDT_MINUTES_MD && fmt != MDT_MINUTES_JSON)
		return mdt_fail(s, MDT_EINVAL, "unknown minutes format %d",
		    (int)fmt);
	st = mdt_snapshot_load(s, meeting_id, &snap);
	if (st != MDT_OK)
		return st;
	errno = 0;
	if (fmt == MDT_MINUTES_JSON)
		rc = write_json(&snap, now, out);
	else
		write_md(&snap, now, out);
	mdt_snapshot_free(&snap);
	if (rc != 0 || fflush(out) != 0 || ferror(out))
		return mdt_fail(s, errno == ENOSPC ? MDT_EFULL : MDT_EIO,
		    "the minutes: %s", errno != 0 ? strerror(errno) :
		    "write failed");
	return MDT_OK;
}
