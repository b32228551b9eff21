/*
 * minutes.c - the minutes of a meeting, as Markdown or plain text for
 * people and as JSON for other programs: the register, and for each
 * patient the consent (and the organisations the patient asked to
 * exclude), the consent asked before, the referral that brought them,
 * key contact, notes, actions, outcome, the rising-risk register's
 * events and the time taken against the band; the deaths since the
 * meeting before.  docs/minutes.md describes the JSON.
 */
#include "config.h"

#include "minutes.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <jansson.h>

#include "deaths.h"
#include "model.h"
#include "rules.h"
#include "snapshot.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
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

/* A string, or null when empty. */
static json_t *
jstr_or_null(const char *s)
{
	return s == NULL || *s == '\0' ? json_null() : mdt_json_text(s);
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

static json_t *
json_meeting(const struct mdt_meeting *m)
{
	return mdt_json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i}",
	    "id", (json_int_t)m->id, "uuid", mdt_json_text(m->uuid),
	    "title", mdt_json_text(m->title), "venue", jstr_or_null(m->venue),
	    "state", mdt_json_text(mdt_meeting_state_name(m->state)),
	    "scheduled_start", jtime(m->scheduled_start),
	    "opened_at", jtime(m->opened_at), "closed_at", jtime(m->closed_at),
	    "planned_minutes", m->planned_minutes);
}

/* The slot's consent, with the organisations it excludes; null when
 * none is recorded. */
static json_t *
json_consent(const struct mdt_slot *sl)
{
	json_t *orgs;

	if (sl->consent == MDT_CONSENT_NONE)
		return json_null();
	orgs = mdt_json_new(json_array());
	for (size_t i = 0; i < sl->n_exclusions; i++)
		mdt_json_push(orgs, mdt_json_text(sl->exclusions[i]));
	return mdt_json_pack("{s:o, s:o, s:o}",
	    "basis", mdt_json_text(mdt_consent_name(sl->consent)),
	    "justification", mdt_json_text(sl->consent_justification),
	    "excluded_organisations", orgs);
}

/* The slot's outcome; null when none is recorded. */
static json_t *
json_outcome(const struct mdt_slot *sl)
{
	if (sl->outcome == MDT_OUTCOME_NONE)
		return json_null();
	return mdt_json_pack("{s:o, s:o, s:o}",
	    "kind", mdt_json_text(mdt_outcome_name(sl->outcome)),
	    "review_date", jstr_or_null(sl->review_date),
	    "died_on", jstr_or_null(sl->died_on));
}

/* The referral that brought the patient; null when none did. */
static json_t *
json_referral(const struct mdt_minutes_referral *r)
{
	if (r == NULL)
		return json_null();
	return mdt_json_pack("{s:o, s:o, s:o, s:o, s:o, s:i, s:i}",
	    "referrer", mdt_json_text(r->referrer),
	    "service", mdt_json_text(r->service),
	    "reason", mdt_json_text(r->reason),
	    "urgency", mdt_json_text(r->urgency),
	    "raised_on", mdt_json_text(r->raised_on),
	    "days_waited", r->waited_days, "times_deferred", r->times_deferred);
}

/* The register's events of the meeting for the slot's patient. */
static json_t *
json_register(const struct mdt_minutes_between *b, int64_t slot_id)
{
	json_t *arr = mdt_json_new(json_array());

	for (size_t i = 0; i < b->n_events; i++) {
		const struct mdt_minutes_event *e = &b->events[i];

		if (e->slot_id == slot_id)
			mdt_json_push(arr, mdt_json_pack("{s:o, s:o, s:o, s:o}",
			    "event", mdt_json_text(e->kind),
			    "reason", mdt_json_text(e->reason),
			    "by", mdt_json_text(e->actor),
			    "next_review", jstr_or_null(e->next_review)));
	}
	return arr;
}

/* The deaths since the meeting before. */
static json_t *
json_deaths(const struct mdt_minutes_between *b)
{
	json_t *arr = mdt_json_new(json_array());

	for (size_t i = 0; i < b->n_deaths; i++) {
		const struct mdt_death *d = &b->deaths[i];

		mdt_json_push(arr, mdt_json_pack("{s:o, s:o, s:o, s:o, s:o,"
		    " s:o}", "name", mdt_json_text(d->patient_name),
		    "nhs_number", mdt_nhs_purged(d->nhs_number) ? json_null() :
		    mdt_json_text(d->nhs_number),
		    "died_on", mdt_json_text(d->died_on),
		    "place", jstr_or_null(d->place),
		    "expected", d->expected < 0 ? json_null() :
		    json_boolean(d->expected),
		    "relatives_follow_up", d->relatives_made ?
		    mdt_json_text(mdt_action_status_name(d->relatives)) :
		    json_null()));
	}
	return arr;
}

static json_t *
json_slot(const struct mdt_snapshot *snap, const struct mdt_slot *sl,
    const struct mdt_minutes_between *b, int64_t now)
{
	json_t *notes = mdt_json_new(json_array());
	json_t *actions = mdt_json_new(json_array());
	int64_t elapsed = slot_elapsed(sl, now);
	size_t i;

	for (i = 0; i < snap->n_notes; i++)
		if (snap->notes[i].slot_id == sl->id)
			mdt_json_push(notes, mdt_json_text(snap->notes[i].text));
	for (i = 0; i < snap->n_actions; i++) {
		const struct mdt_action *a = &snap->actions[i];

		if (a->slot_id == sl->id)
			mdt_json_push(actions, mdt_json_pack("{s:o, s:o, s:o,"
			    " s:o, s:o}", "uuid", mdt_json_text(a->uuid),
			    "text", mdt_json_text(a->text),
			    "owner", mdt_json_text(a->owner_name),
			    "due_date", mdt_json_text(a->due_date),
			    "status", mdt_json_text(
			    mdt_action_status_name(a->status))));
	}
	return mdt_json_pack("{s:i, s:o, s:{s:o, s:o, s:o, s:o}, s:o, s:o,"
	    " s:i, s:i, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "position", sl->position, "uuid", mdt_json_text(sl->uuid),
	    "patient", "name", mdt_json_text(sl->patient_name),
	    "nhs_number", mdt_nhs_purged(sl->nhs_number) ? json_null() :
	    mdt_json_text(sl->nhs_number),
	    "date_of_birth", jstr_or_null(sl->date_of_birth),
	    "practice", jstr_or_null(sl->practice),
	    "reason", mdt_json_text(sl->reason),
	    "state", mdt_json_text(mdt_slot_state_name(sl->state)),
	    "planned_seconds", sl->times.planned_s,
	    "extended_seconds", sl->times.extended_s,
	    "elapsed_seconds", (json_int_t)(elapsed / 1000),
	    "time_band", mdt_json_text(time_band(elapsed,
	    snap->meeting.warn_s, snap->meeting.over_s)),
	    "consent", json_consent(sl),
	    "consent_asked_before", jstr_or_null(sl->asked_line),
	    "referral", json_referral(mdt_minutes_referral_of(b, sl->id)),
	    "key_contact", mdt_json_text(sl->key_contact_name),
	    "notes", notes, "actions", actions,
	    "outcome", json_outcome(sl),
	    "rising_risk", json_register(b, sl->id));
}

static int
write_json(const struct mdt_snapshot *snap,
    const struct mdt_minutes_between *b, int64_t now, FILE *out)
{
	json_t *att = mdt_json_new(json_array());
	json_t *slots = mdt_json_new(json_array()), *root;
	size_t i;
	int rc;

	for (i = 0; i < snap->n_attendees; i++) {
		const struct mdt_attendee *a = &snap->attendees[i];

		mdt_json_push(att, mdt_json_pack("{s:o, s:o, s:o, s:o, s:b,"
		    " s:o, s:o, s:b, s:b, s:b}",
		    "name", mdt_json_text(a->person.name),
		    "role", mdt_json_text(a->person.role),
		    "organisation", mdt_json_text(a->person.organisation),
		    "status", mdt_json_text(mdt_attend_name(a->status)),
		    "confidentiality_acknowledged", (int)a->confidentiality_ack,
		    "arrived_at", jtime(a->arrived_at),
		    "left_at", jtime(a->left_at),
		    "added_on_day", (int)a->added_on_day,
		    "chair", a->person.id == snap->meeting.chair_id,
		    "note_taker", a->person.id == snap->meeting.notetaker_id));
	}
	for (i = 0; i < snap->n_slots; i++)
		mdt_json_push(slots, json_slot(snap, &snap->slots[i], b,
		    now));
	root = mdt_json_pack("{s:o, s:o, s:o, s:o}",
	    "meeting", json_meeting(&snap->meeting), "attendance", att,
	    "slots", slots, "deaths_since_last_meeting", json_deaths(b));
	rc = mdt_text_json_dump(root, out, JSON_INDENT(2));
	json_decref(root);
	return rc;
}

/* ---- Markdown and plain text ----------------------------------------- */

/* The plain text differs from the Markdown only in its headings: words
 * underlined ('=' for the title, '-' for a section) instead of '#'. */
static void
heading(FILE *out, bool txt, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
heading(FILE *out, bool txt, int level, const char *fmt, ...)
{
	va_list ap;
	char *text;
	size_t chars = 0;

	va_start(ap, fmt);
	text = mdt_xvasprintf(fmt, ap);
	va_end(ap);
	if (!txt) {
		fprintf(out, "%.*s %s\n\n", level, "###", text);
		free(text);
		return;
	}
	fprintf(out, "%s\n", text);
	/* one mark a column: wide characters take two, combining marks
	 * none (in a UTF-8 locale; else one a character) */
	{
		mbstate_t st;
		const char *p = text;
		size_t left = strlen(text), r;
		wchar_t wc;
		int w;

		memset(&st, 0, sizeof(st));
		while (left > 0) {
			r = mbrtowc(&wc, p, left, &st);
			if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
				/* not this locale's: a UTF-8 lead byte
				 * counts one, a continuation byte none */
				memset(&st, 0, sizeof(st));
				r = 1;
				w = ((unsigned char)*p & 0xc0) != 0x80;
			} else
				w = wcwidth(wc);
			chars += w < 0 ? 1 : (size_t)w;
			p += r;
			left -= r;
		}
	}
	for (size_t i = 0; i < chars; i++)
		fputc(level == 1 ? '=' : level == 2 ? '-' : '~', out);
	fputs("\n\n", out);
	free(text);
}

static void
md_when(FILE *out, int64_t ms)
{
	char date[11], hhmm[6];

	mdt_date_of(ms, date);
	mdt_clock_hhmm(ms, hhmm);
	fprintf(out, "%s %s", date, hhmm);
}

/* What the day changed of an attendee: chair, note-taker, added on the
 * day, arrived and left at. */
static void
md_register_day(FILE *out, const struct mdt_snapshot *snap,
    const struct mdt_attendee *a)
{
	char hhmm[6];

	if (a->person.id == snap->meeting.chair_id)
		fputs(", chair", out);
	if (a->person.id == snap->meeting.notetaker_id)
		fputs(", note-taker", out);
	if (a->added_on_day)
		fputs(", added on the day", out);
	if (a->arrived_at != 0) {
		mdt_clock_hhmm(a->arrived_at, hhmm);
		fprintf(out, ", arrived %s", hhmm);
	}
	if (a->left_at != 0) {
		mdt_clock_hhmm(a->left_at, hhmm);
		fprintf(out, ", left %s", hhmm);
	}
}

/* Text on a list item, escaped (textio.h): later lines are indented
 * under it. */
static void
md_text(FILE *out, const char *text, bool txt)
{
	mdt_text_fput_note(out, text, !txt, "  ");
}

/* A single-line field, escaped (textio.h). */
static void
md_field(FILE *out, const char *s, bool txt)
{
	mdt_text_fput(out, s, !txt);
}

/* A list item "- label: value" on a line of its own, the value a
 * single-line field (or with note, text on a list item); nothing when the
 * value is empty. */
static void
md_item(FILE *out, const char *label, const char *value, bool note,
    bool txt)
{
	if (value[0] == '\0')
		return;
	fprintf(out, "- %s: ", label);
	if (note)
		md_text(out, value, txt);
	else
		md_field(out, value, txt);
	fputc('\n', out);
}

static void
md_duration(FILE *out, int64_t ms)
{
	int64_t s = ms / 1000;

	fprintf(out, "%" PRId64 ":%02d", s / 60, (int)(s % 60));
}

/* The referral that brought the patient, in a line. */
static void
md_referral(FILE *out, const struct mdt_minutes_referral *r, bool txt)
{
	fputs("- Referral: by ", out);
	md_field(out, r->referrer, txt);
	fputs(" (", out);
	md_field(out, r->service[0] != '\0' ? r->service : "service not"
	    " given", txt);
	fprintf(out, "), %s, raised %s, waited %d day%s, deferred %dx: ",
	    r->urgency, r->raised_on, r->waited_days, r->waited_days == 1 ?
	    "" : "s", r->times_deferred);
	md_text(out, r->reason, txt);
	fputc('\n', out);
}

/* The register's events of the meeting for the slot's patient. */
static void
md_register(FILE *out, const struct mdt_minutes_between *b, int64_t slot_id,
    bool txt)
{
	for (size_t i = 0; i < b->n_events; i++) {
		const struct mdt_minutes_event *e = &b->events[i];

		if (e->slot_id != slot_id)
			continue;
		fprintf(out, "- Rising risk: %s",
		    mdt_minutes_event_words(e->kind));
		if (e->reason[0] != '\0') {
			fputs(" (", out);
			md_text(out, e->reason, txt);
			fputc(')', out);
		}
		if (e->next_review[0] != '\0')
			fprintf(out, ", review by %s", e->next_review);
		fputc('\n', out);
	}
}

static void
md_slot(FILE *out, const struct mdt_snapshot *snap, const struct mdt_slot *sl,
    const struct mdt_minutes_between *b, int64_t now, bool txt)
{
	const struct mdt_minutes_referral *ref = mdt_minutes_referral_of(b,
	    sl->id);
	const struct mdt_meeting *m = &snap->meeting;
	char nhs[13];
	int64_t elapsed = slot_elapsed(sl, now);
	const char *band;
	char *name;
	size_t i, n;

	mdt_nhs_format(sl->nhs_number, nhs);
	name = mdt_text_escaped(sl->patient_name, !txt);
	heading(out, txt, 3, "%d. %s (NHS %s)", sl->position, name, nhs);
	free(name);
	md_item(out, "Date of birth", sl->date_of_birth, false, txt);
	md_item(out, "Practice", sl->practice, false, txt);
	md_item(out, "Reason for discussion", sl->reason, true, txt);
	fprintf(out, "- Consent: %s", mdt_consent_label(sl->consent));
	if (sl->consent_justification != NULL) {
		fputs(" (", out);
		md_text(out, sl->consent_justification, txt);
		fputc(')', out);
	}
	fputc('\n', out);
	for (i = 0; i < sl->n_exclusions; i++) {
		fputs(i == 0 ? "  - Organisations the patient asked to"
		    " exclude: " : ", ", out);
		md_text(out, sl->exclusions[i], txt);
	}
	if (sl->n_exclusions > 0)
		fputc('\n', out);
	if (sl->asked_line != NULL) {
		fputs("- Consent asked before: ", out);
		md_text(out, sl->asked_line, txt);
		fputc('\n', out);
	}
	if (ref != NULL)
		md_referral(out, ref, txt);
	fputs("- Key contact: ", out);
	md_field(out, sl->key_contact_name != NULL ? sl->key_contact_name :
	    "none", txt);
	fputc('\n', out);
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
	if (sl->review_date[0] != '\0') {
		fputs(", review by ", out);
		md_field(out, sl->review_date, txt);
	}
	if (sl->died_on[0] != '\0') {
		fputs(", on ", out);
		md_field(out, sl->died_on, txt);
	}
	fputs("\n", out);
	md_register(out, b, sl->id, txt);

	for (i = 0, n = 0; i < snap->n_notes; i++) {
		if (snap->notes[i].slot_id != sl->id)
			continue;
		if (n++ == 0)
			fputs("\nNotes:\n\n", out);
		fputs("- ", out);
		md_text(out, snap->notes[i].text, txt);
		fputc('\n', out);
	}
	for (i = 0, n = 0; i < snap->n_actions; i++) {
		const struct mdt_action *a = &snap->actions[i];

		if (a->slot_id != sl->id)
			continue;
		if (n++ == 0)
			fputs("\nActions agreed:\n\n", out);
		fputs("- ", out);
		md_text(out, a->text, txt);
		fputs(" (owner: ", out);
		md_field(out, a->owner_name, txt);
		fputs("; due ", out);
		md_field(out, a->due_date, txt);
		if (a->status != MDT_ACTION_OPEN)
			fprintf(out, "; %s", mdt_action_status_name(a->status));
		fputs(")\n", out);
	}
	fputc('\n', out);
}

/* The actions agreed in the meeting, grouped by owner. */
static void
md_by_owner(FILE *out, const struct mdt_snapshot *snap, bool txt)
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
				heading(out, txt, 2, "Actions by owner");
			any = true;
			if (n++ == 0) {
				md_field(out, p->name, txt);
				fputs(":\n\n", out);
			}
			sl = mdt_snapshot_slot(snap, a->slot_id);
			fputs("- ", out);
			md_text(out, a->text, txt);
			fputs(" (", out);
			md_field(out, sl != NULL ? sl->patient_name : "", txt);
			fputs("; due ", out);
			md_field(out, a->due_date, txt);
			fputs(")\n", out);
		}
		if (n > 0)
			fputc('\n', out);
	}
}

static void
write_md(const struct mdt_snapshot *snap, const struct mdt_minutes_between *b,
    int64_t now, bool txt, FILE *out)
{
	const struct mdt_meeting *m = &snap->meeting;
	char *title;
	size_t i;

	title = mdt_text_escaped(m->title, !txt);
	heading(out, txt, 1, "%s", title);
	free(title);
	fputs("- Venue: ", out);
	md_field(out, m->venue[0] != '\0' ? m->venue : "not recorded", txt);
	fputc('\n', out);
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

	heading(out, txt, 2, "Attendance");
	if (snap->n_attendees == 0)
		fputs("No register was taken.\n", out);
	for (i = 0; i < snap->n_attendees; i++) {
		const struct mdt_attendee *a = &snap->attendees[i];

		fputs("- ", out);
		md_field(out, a->person.name, txt);
		fputs(", ", out);
		md_field(out, a->person.role, txt);
		fputs(", ", out);
		md_field(out, a->person.organisation, txt);
		fprintf(out, ": %s", mdt_attend_name(a->status));
		md_register_day(out, snap, a);
		fprintf(out, "%s\n", a->confidentiality_ack ?
		    " (confidentiality acknowledged)" : "");
	}
	fputc('\n', out);
	heading(out, txt, 2, "Patients");
	if (snap->n_slots == 0)
		fputs("No patients were on the agenda.\n\n", out);
	for (i = 0; i < snap->n_slots; i++)
		md_slot(out, snap, &snap->slots[i], b, now, txt);
	md_by_owner(out, snap, txt);
	if (b->n_deaths > 0) {
		char line[1024];

		heading(out, txt, 2, "Deaths since the last meeting");
		for (i = 0; i < b->n_deaths; i++) {
			fputs("- ", out);
			md_text(out, mdt_death_line(&b->deaths[i], true, line,
			    sizeof(line)), txt);
			fputc('\n', out);
		}
		fputc('\n', out);
	}
}

enum mdt_status
mdt_minutes_write(struct mdt_store *s, int64_t meeting_id,
    enum mdt_minutes_format fmt, FILE *out)
{
	struct mdt_snapshot snap;
	struct mdt_minutes_between b;
	enum mdt_status st;
	int64_t now = mdt_store_now(s);
	int rc = 0;

	if (fmt != MDT_MINUTES_MD && fmt != MDT_MINUTES_JSON &&
	    fmt != MDT_MINUTES_TXT)
		return mdt_fail(s, MDT_EINVAL, "unknown minutes format %d",
		    (int)fmt);
	st = mdt_snapshot_load(s, meeting_id, &snap);
	if (st != MDT_OK)
		return st;
	st = mdt_minutes_between_load(s, meeting_id, &b);
	if (st != MDT_OK) {
		mdt_snapshot_free(&snap);
		return st;
	}
	errno = 0;
	if (fmt == MDT_MINUTES_JSON)
		rc = write_json(&snap, &b, now, out);
	else
		write_md(&snap, &b, now, fmt == MDT_MINUTES_TXT, out);
	mdt_minutes_between_free(&b);
	mdt_snapshot_free(&snap);
	return mdt_write_status(s, out, rc, "the minutes");
}
