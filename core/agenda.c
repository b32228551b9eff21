/*
 * agenda.c - the agenda of a meeting printed for circulation (Markdown or
 * plain text): per slot its order, clock time, planned minutes, presenter,
 * patient, lists and reason, then the deferred candidates and the
 * referrals still waiting for a decision.  Patients are masked (initials,
 * year of birth, last digits of the NHS number) unless asked otherwise.
 */
#include "config.h"

#include "agenda.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deaths.h"
#include "model.h"
#include "prep.h"
#include "rules.h"
#include "snapshot.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* A field on one line, escaped for the format. */
static void
field(FILE *out, const char *s, bool md)
{
	mdt_text_fput_flat(out, s, md);
}

/* A candidate off the agenda, as a list item: who (masked unless
 * unmask) and why. */
static void
candidate_line(FILE *out, const struct mdt_candidate *c, const char *why,
    bool unmask, bool md)
{
	char who[256];

	mdt_patient_label(c->patient_name, c->date_of_birth, c->nhs_number,
	    unmask, who, sizeof(who));
	fputs(md ? "- " : "  - ", out);
	field(out, who, md);
	fputs(": ", out);
	field(out, why, md);
	if (c->asked.id != 0) {
		char asked[1400];

		fputs(" (consent asked: ", out);
		field(out, mdt_consent_asked_line(&c->asked, unmask, asked,
		    sizeof(asked)), md);
		fputc(')', out);
	}
	if (c->referral_id != 0) {
		char history[600];

		fputs(" (referral ", out);
		field(out, mdt_referral_history(c, history, sizeof(history)),
		    md);
		fputc(')', out);
	}
	fputc('\n', out);
}

/* The flags of a candidate for people, with the ways other than lists. */
static void
flags_text(const struct mdt_candidate *c, char *buf, size_t len)
{
	size_t used;

	mdt_lists_label(c->lists, buf, len);
	used = strlen(buf);
	if (c->carried_forward && used < len)
		used += (size_t)snprintf(buf + used, len - used, "%sreview due",
		    used > 0 ? ", " : "");
	if (c->escalated && used < len)
		used += (size_t)snprintf(buf + used, len - used,
		    "%sescalated from rising risk", used > 0 ? ", " : "");
	if (c->added_on_day && used < len)
		snprintf(buf + used, len - used, "%sadded on the day",
		    used > 0 ? ", " : "");
}

/* What the central record said of a patient's discussions at meetings
 * not held here: the latest in a line (unmasked: its meeting, outcome
 * and open actions; masked: only the day), then, unmasked, the open
 * actions agreed there, one a line, and the joined-up plan. */
static void
elsewhere_write(FILE *out, const struct mdt_elsewhere *e, bool unmask,
    bool md)
{
	char line[1400];
	const char *p, *nl;

	if (e->n == 0)
		return;
	fputs(md ? ": " : "    Elsewhere: ", out);
	field(out, mdt_elsewhere_line(e, !unmask, line, sizeof(line)), md);
	fputc('\n', out);
	for (p = e->actions; unmask && p != NULL && *p != '\0'; p = nl) {
		size_t len;

		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		fputs(md ? "  - open action: " : "      open action: ", out);
		field(out, line, md);
		fputc('\n', out);
		nl = nl != NULL ? nl + 1 : p + len;
	}
	if (unmask && e->plan != NULL) {
		fputs(md ? "  - plan: " : "      plan: ", out);
		field(out, e->plan, md);
		fputc('\n', out);
	}
}

/* The deaths recorded since the meeting before, one item each: who
 * (masked unless unmask), when, where, and the follow-up with the
 * relatives. */
static enum mdt_status
deaths_write(struct mdt_store *s, int64_t meeting_id, bool unmask, bool md,
    FILE *out)
{
	struct mdt_death *d;
	enum mdt_status st;
	char line[512];
	size_t n;

	st = mdt_deaths_since(s, meeting_id, &d, &n);
	if (st != MDT_OK || n == 0)
		return st;
	fputs(md ? "\n## Deaths since the last meeting\n\n" :
	    "\nDeaths since the last meeting:\n", out);
	for (size_t i = 0; i < n; i++) {
		fputs(md ? "- " : "  - ", out);
		field(out, mdt_death_line(&d[i], unmask, line, sizeof(line)),
		    md);
		fputc('\n', out);
	}
	mdt_deaths_free(d, n);
	return MDT_OK;
}

enum mdt_status
mdt_agenda_write(struct mdt_store *s, int64_t meeting_id,
    enum mdt_agenda_format fmt, bool unmask, FILE *out)
{
	char asked[1400];
	struct mdt_snapshot snap;
	struct mdt_candidate *cands = NULL;
	struct mdt_agenda_state as;
	enum mdt_status st;
	size_t n = 0, i;
	int64_t at;
	char date[11], start[6], end[6], when[6], who[256], flags[160];
	bool md = fmt == MDT_AGENDA_MD;
	int deferred = 0, waiting = 0, elsewhere = 0;

	st = mdt_snapshot_load(s, meeting_id, &snap);
	if (st != MDT_OK)
		return st;
	st = mdt_candidates_load(s, meeting_id, &cands, &n);
	if (st == MDT_OK)
		st = mdt_agenda_state(s, meeting_id, &as);
	if (st != MDT_OK) {
		mdt_snapshot_free(&snap);
		return st;
	}
	mdt_date_of(snap.meeting.scheduled_start, date);
	mdt_clock_hhmm(snap.meeting.scheduled_start, start);
	mdt_clock_hhmm(mdt_meeting_planned_end(&snap.meeting), end);

	fputs(md ? "# Agenda: " : "Agenda: ", out);
	field(out, snap.meeting.title, md);
	fputs("\n\n", out);
	fprintf(out, "%sDate: %s, %s to %s\n", md ? "- " : "", date, start,
	    end);
	fprintf(out, "%sVenue: ", md ? "- " : "");
	field(out, snap.meeting.venue[0] != '\0' ? snap.meeting.venue :
	    "not set", md);
	fputc('\n', out);
	fprintf(out, "%sPatients: %d, planned %" PRId64 " of %d minutes\n",
	    md ? "- " : "", as.selected, (as.planned_s + 59) / 60,
	    snap.meeting.planned_minutes);
	fprintf(out, "%sStatus: %s\n", md ? "- " : "", as.finalised_at != 0 ?
	    "finalised" : "draft, not finalised");
	fprintf(out, "%sIdentifiers: %s\n\n", md ? "- " : "", unmask ?
	    "NOT MASKED - confidential, do not circulate" :
	    "masked (initials, year of birth, last digits of the NHS number)");

	if (md && as.selected > 0)
		fputs("| # | Time | Min | Patient | Lists | Presenter | Reason"
		    " | Consent asked |\n|---|------|-----|---------|-------|"
		    "-----------|--------|---------------|\n", out);
	at = snap.meeting.scheduled_start;
	for (i = 0; i < n; i++) {
		const struct mdt_candidate *c = &cands[i];

		if (c->state != MDT_CANDIDATE_SELECTED)
			continue;
		mdt_clock_hhmm(at, when);
		at += (int64_t)c->planned_s * 1000;
		mdt_patient_label(c->patient_name, c->date_of_birth,
		    c->nhs_number, unmask, who, sizeof(who));
		flags_text(c, flags, sizeof(flags));
		if (md) {
			fprintf(out, "| %d | %s | %d | ", c->position, when,
			    (c->planned_s + 59) / 60);
			field(out, who, md);
			fputs(" | ", out);
			field(out, flags, md);
			fputs(" | ", out);
			field(out, c->presenter_name != NULL ?
			    c->presenter_name : "", md);
			fputs(" | ", out);
			field(out, c->reason, md);
			fputs(" | ", out);
			field(out, mdt_consent_asked_line(&c->asked, unmask,
			    asked, sizeof(asked)), md);
			fputs(" |\n", out);
		} else {
			fprintf(out, "%2d. %s  %2d min  ", c->position,
			    when, (c->planned_s + 59) / 60);
			field(out, who, md);
			fputc('\n', out);
			if (flags[0] != '\0')
				fprintf(out, "    Lists: %s\n", flags);
			fputs("    Presenter: ", out);
			field(out, c->presenter_name != NULL ?
			    c->presenter_name : "not named", md);
			fputc('\n', out);
			if (c->reason[0] != '\0') {
				fputs("    Reason: ", out);
				field(out, c->reason, md);
				fputc('\n', out);
			}
			fputs("    Consent asked: ", out);
			field(out, mdt_consent_asked_line(&c->asked, unmask,
			    asked, sizeof(asked)), md);
			fputc('\n', out);
			if (c->referral_id != 0) {
				fputs("    Referral: ", out);
				field(out, mdt_referral_history(c, who,
				    sizeof(who)), md);
				fputc('\n', out);
			}
			elsewhere_write(out, &c->elsewhere, unmask, md);
		}
	}
	if (as.selected == 0)
		fputs("No patient is on the agenda yet.\n", out);
	for (i = 0; md && i < n; i++) {
		const struct mdt_candidate *c = &cands[i];

		if (c->state != MDT_CANDIDATE_SELECTED || c->elsewhere.n == 0)
			continue;
		if (elsewhere++ == 0)
			fputs("\n## Discussed at meetings not held here\n\n",
			    out);
		mdt_patient_label(c->patient_name, c->date_of_birth,
		    c->nhs_number, unmask, who, sizeof(who));
		fprintf(out, "- %d. ", c->position);
		field(out, who, md);
		elsewhere_write(out, &c->elsewhere, unmask, md);
	}

	for (i = 0; i < n; i++) {
		const struct mdt_candidate *c = &cands[i];

		if (c->state != MDT_CANDIDATE_DEFERRED)
			continue;
		if (deferred++ == 0)
			fputs(md ? "\n## Deferred\n\n" : "\nDeferred:\n", out);
		candidate_line(out, c, c->defer_reason, unmask, md);
	}
	for (i = 0; i < n; i++) {
		const struct mdt_candidate *c = &cands[i];

		if (c->state != MDT_CANDIDATE_OPEN ||
		    !((c->lists & MDT_LIST_REFERRAL) || c->escalated))
			continue;
		if (waiting++ == 0)
			fputs(md ? "\n## Referrals waiting for a decision\n\n" :
			    "\nReferrals waiting for a decision:\n", out);
		candidate_line(out, c, c->reason, unmask, md);
	}
	mdt_candidates_free(cands, n);
	mdt_snapshot_free(&snap);
	st = deaths_write(s, meeting_id, unmask, md, out);
	if (st == MDT_OK && ferror(out))
		return mdt_fail(s, MDT_EIO, "writing the agenda");
	return st;
}
