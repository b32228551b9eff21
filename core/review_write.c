/*
 * review_write.c - the figures of a review (review.c) written for people
 * as text, or as JSON for other programs.  Numbers are printed with
 * integer arithmetic so that no locale turns a decimal point into a
 * comma.
 */
#include "config.h"

#include "review.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "model.h"
#include "review_internal.h"
#include "rules.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* x rounded to the nearest integer, halves away from zero. */
static int64_t
round_i64(double x)
{
	return (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
}

/* ---- text ------------------------------------------------------------ */

/* x to one decimal place, without the locale's decimal separator. */
static void
fmt_tenths(double x, char *out, size_t len)
{
	int64_t t = round_i64(x * 10.0);

	snprintf(out, len, "%s%" PRId64 ".%d", t < 0 ? "-" : "",
	    (t < 0 ? -t : t) / 10, (int)((t < 0 ? -t : t) % 10));
}

/* "M:SS" of seconds, rounded to the second. */
static void
fmt_mmss(double seconds, char *out, size_t len)
{
	int64_t s = round_i64(seconds);

	snprintf(out, len, "%" PRId64 ":%02d", s / 60, (int)(s % 60));
}

static void
fmt_share(int64_t n, int64_t of, char *out, size_t len)
{
	char pc[32];

	if (of == 0) {
		snprintf(out, len, "-");
		return;
	}
	fmt_tenths(100.0 * (double)n / (double)of, pc, sizeof(pc));
	snprintf(out, len, "%s%%", pc);
}

static void
txt_row(FILE *out, const char *label, int64_t n, const char *extra)
{
	char *shown = mdt_text_escaped(label, false);

	fprintf(out, "  %-28s %8" PRId64 "%s%s\n", shown, n,
	    extra != NULL && *extra != '\0' ? "  " : "",
	    extra != NULL ? extra : "");
	free(shown);
}

/* "8" or "-" for a count not reported. */
static void
fmt_count(int64_t n, char *out, size_t len)
{
	if (n < 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%" PRId64, n);
}

static void
txt_pair(FILE *out, const char *label, int64_t a, int64_t b)
{
	fprintf(out, "  %-38s %11" PRId64 " %9" PRId64 "\n", label, a, b);
}

/* A text as the text format shows it. */
static void
txt_text(FILE *out, const char *s)
{
	mdt_text_fput(out, s, false);
}

const struct mdt_agreed_marks mdt_agreed_txt = {
	"Agreed at the last review: nothing recorded ('mdtchair review"
	" note')\n\n", "Agreed at the last review (", ")\n", "  - ", " (",
	")\n", "\n", txt_text
};

void
mdt_review_agreed_write(const struct mdt_review *r,
    const struct mdt_agreed_marks *m, FILE *out)
{
	if (r->n_agreed == 0) {
		fputs(m->none, out);
		return;
	}
	fputs(m->head, out);
	fputs(r->agreed[0].on, out);
	fputs(m->head_end, out);
	for (size_t i = 0; i < r->n_agreed; i++) {
		fputs(m->item, out);
		m->text(out, r->agreed[i].text);
		fputs(m->by, out);
		m->text(out, r->agreed[i].by);
		fputs(m->item_end, out);
	}
	fputs(m->tail, out);
}

/* Attendances and calls before and after the first discussion. */
static void
write_txt_use(const struct mdt_review *r, bool unmask, FILE *out)
{
	const struct mdt_review_use_total *a = &r->use_total[0],
	    *c = &r->use_total[1];
	char who[160], b[4][24];

	fputs("\nHospital attendances and ambulance calls, before and after"
	    " the first\ndiscussion (", out);
	fputs(mdt_review_caveat, out);
	fputs(")\n", out);
	txt_row(out, "patients first discussed", r->first_discussed, NULL);
	fprintf(out, "  %-38s %11s %9s\n", "", "attendances", "calls");
	txt_pair(out, "with a count before", a->on_list, c->on_list);
	txt_pair(out, "with a count after too", a->paired, c->paired);
	txt_pair(out, "  their counts before", a->before, c->before);
	txt_pair(out, "  their counts after", a->after, c->after);
	txt_pair(out, "on no list after", a->no_after, c->no_after);
	snprintf(who, sizeof(who), "%d weeks not yet passed",
	    MDT_REVIEW_AFTER_DAYS / 7);
	txt_pair(out, who, a->not_yet, c->not_yet);
	txt_pair(out, "a count after only", a->after_only, c->after_only);
	txt_pair(out, "died (not counted above)", a->died, c->died);
	if (r->n_use > 0)
		fputs("  by patient: first discussed, attendances before > after,"
		    " calls before > after\n", out);
	for (size_t i = 0; i < r->n_use; i++) {
		const struct mdt_review_use *u = &r->use[i];

		mdt_patient_label(u->name, u->date_of_birth, u->nhs_number,
		    unmask, who, sizeof(who));
		for (int k = 0; k < MDT_USE_KINDS; k++) {
			fmt_count(u->before[k], b[2 * k], sizeof(b[0]));
			fmt_count(u->after[k], b[2 * k + 1], sizeof(b[0]));
		}
		fputs("    ", out);
		mdt_text_fput(out, who, false);
		fprintf(out, "  %s  %s > %s  %s > %s%s\n", u->first, b[0], b[1],
		    b[2], b[3], u->died ? "  died" : u->not_yet ?
		    "  not yet due" : "");
	}
}

static void
write_txt_themes(const struct mdt_review *r, FILE *out)
{
	fputs("\nThemes of the slots discussed        slots  patients\n",
	    out);
	for (size_t i = 0; i < r->n_themes; i++) {
		char *shown = mdt_text_escaped(r->themes[i].name, false);

		fprintf(out, "  %-28s %8" PRId64 "  %8" PRId64 "\n", shown,
		    r->themes[i].n, r->themes[i].meetings);
		free(shown);
	}
	txt_row(out, "(no theme)", r->slots_untagged, NULL);
}

static void
write_txt(const struct mdt_review *r, bool unmask, FILE *out)
{
	static const enum mdt_outcome_kind kinds[] = { MDT_OUTCOME_STAY,
	    MDT_OUTCOME_STEP_DOWN, MDT_OUTCOME_CLOSE, MDT_OUTCOME_DIED,
	    MDT_OUTCOME_NONE };
	char a[48], b[48], c[48], line[96];

	fprintf(out, "Review of %s to %s (local dates, both included)\n\n",
	    r->from, r->to);
	mdt_review_agreed_write(r, &mdt_agreed_txt, out);

	fputs("Meetings\n", out);
	snprintf(line, sizeof(line), "(%" PRId64 " closed)",
	    r->meetings_closed);
	txt_row(out, "held (opened in the range)", r->meetings_held, line);
	txt_row(out, "patients discussed", r->patients_discussed, NULL);
	txt_row(out, "slots discussed", r->slots_discussed, NULL);

	fputs("\nTime per slot (pauses excluded)\n", out);
	if (r->slots_discussed == 0)
		fputs("  no slot was discussed\n", out);
	else {
		fmt_mmss(r->mean_s, a, sizeof(a));
		fmt_mmss(r->median_s, b, sizeof(b));
		fmt_mmss(r->p90_s, c, sizeof(c));
		fprintf(out, "  %-28s %8s\n  %-28s %8s\n  %-28s %8s\n",
		    "mean", a, "median", b, "90th percentile", c);
	}
	fmt_share(r->slots_within, r->slots_discussed, a, sizeof(a));
	txt_row(out, "within the band", r->slots_within, a);
	fmt_share(r->slots_over, r->slots_discussed, a, sizeof(a));
	txt_row(out, "over the band", r->slots_over, a);
	fmt_share(r->slots_under, r->slots_discussed, a, sizeof(a));
	txt_row(out, "under the band", r->slots_under, a);

	fputs("\nActions\n", out);
	txt_row(out, "opened", r->actions_opened, NULL);
	txt_row(out, "closed (done)", r->actions_closed, NULL);
	txt_row(out, "cancelled", r->actions_cancelled, NULL);
	snprintf(line, sizeof(line), "(open at the end of %s, due before"
	    " it)", r->to);
	txt_row(out, "overdue", r->actions_overdue, line);
	if (r->median_days_to_close < 0)
		fprintf(out, "  %-28s %8s\n", "median days to close", "-");
	else {
		fmt_tenths(r->median_days_to_close, a, sizeof(a));
		fprintf(out, "  %-28s %8s\n", "median days to close", a);
	}

	fputs("\nOutcomes\n", out);
	for (size_t i = 0; i < MDT_COUNT(kinds); i++)
		txt_row(out, mdt_outcome_label(kinds[i]), r->outcomes[kinds[i]],
		    NULL);

	fputs("\nHow the slots discussed came (a slot may count twice)\n", out);
	for (int i = 0; i < MDT_LIST_COUNT; i++)
		txt_row(out, mdt_list_label((enum mdt_list)(1 << i)),
		    r->lists[i], NULL);
	txt_row(out, "carried forward for review", r->carried_forward, NULL);
	txt_row(out, "escalated from rising risk", r->escalated, NULL);
	txt_row(out, "added on the day", r->added_on_day, NULL);

	fputs("\nReferrals by referrer\n", out);
	for (size_t i = 0; i < r->n_referrers; i++)
		txt_row(out, r->referrers[i].name, r->referrers[i].n, NULL);
	txt_row(out, "(no referrer recorded)", r->referrals_unnamed, NULL);
	if (r->referrals_purged > 0)
		txt_row(out, "(meeting purged)", r->referrals_purged,
		    "the referrer is no longer kept");

	fputs("\nReferrals raised by service\n", out);
	if (r->n_services == 0)
		fputs("  none raised in the period\n", out);
	for (size_t i = 0; i < r->n_services; i++)
		txt_row(out, r->services[i].name, r->services[i].n, NULL);

	fputs("\nAttendance by discipline      present  meetings\n", out);
	if (r->n_disciplines == 0)
		fputs("  nobody was marked present\n", out);
	for (size_t i = 0; i < r->n_disciplines; i++)
		fprintf(out, "  %-28s %8" PRId64 "  %8" PRId64 "\n",
		    r->disciplines[i].name[0] != '\0' ?
		    r->disciplines[i].name : "(no role)",
		    r->disciplines[i].n, r->disciplines[i].meetings);

	fputs("\nDeaths (by date of death)\n", out);
	snprintf(line, sizeof(line), "(%" PRId64 " recorded in a slot)",
	    r->deaths_in_slots);
	txt_row(out, "died", r->deaths, line);
	for (int i = 0; i <= MDT_DEATH_PLACES; i++) {
		snprintf(line, sizeof(line), "at %s", i < MDT_DEATH_PLACES ?
		    mdt_death_places[i] : "a place not recorded");
		txt_row(out, line, r->death_places[i], NULL);
	}
	txt_row(out, "expected", r->deaths_expected, NULL);
	txt_row(out, "unexpected", r->deaths_unexpected, NULL);
	fmt_share(r->relatives_7d, r->deaths, a, sizeof(a));
	txt_row(out, "relatives contacted (7 days)", r->relatives_7d, a);

	fputs("\nConsent asked before the meeting (by the day asked)\n", out);
	txt_row(out, "given", r->asked[0], NULL);
	txt_row(out, "given by a representative", r->asked[3], NULL);
	txt_row(out, "lacks capacity: best interests", r->asked[2], NULL);
	txt_row(out, "refused", r->asked[1], NULL);
	txt_row(out, "refused: kept off the agenda", r->asked_kept_off, NULL);
	fputs("\nRising-risk register\n", out);
	txt_row(out, "added", r->rising_added, NULL);
	txt_row(out, "escalated to a meeting", r->rising_escalated, NULL);
	txt_row(out, "taken off", r->rising_removed, NULL);
	write_txt_use(r, unmask, out);
	write_txt_themes(r, out);

	fprintf(out, "\nActions closed per %s\n", r->monthly ? "month" :
	    "week");
	for (size_t i = 0; i < r->n_periods; i++)
		fprintf(out, "  %s to %s   %8" PRId64 "\n", r->periods[i].from,
		    r->periods[i].to, r->periods[i].closed);
}

/* ---- JSON ------------------------------------------------------------ */

/* Named counts as an array of objects {name_key, n_key[, meetings_key]}. */
static json_t *
json_counts(const struct mdt_review_count *c, size_t n, const char *name_key,
    const char *n_key, const char *meetings_key)
{
	json_t *arr = mdt_json_new(json_array()), *y;

	for (size_t i = 0; i < n; i++) {
		y = mdt_json_pack("{s:o, s:o}", name_key,
		    mdt_json_text(c[i].name), n_key, json_integer(c[i].n));
		if (meetings_key != NULL)
			mdt_json_set(y, meetings_key,
			    json_integer(c[i].meetings));
		mdt_json_push(arr, y);
	}
	return arr;
}

/* A real rounded to three decimals (0.1 s, ratios). */
static json_t *
jreal(double x)
{
	return json_real((double)round_i64(x * 1000.0) / 1000.0);
}

/* n as a share of of, 0 when of is. */
static json_t *
jshare(int64_t n, int64_t of)
{
	return jreal(of == 0 ? 0 : (double)n / (double)of);
}

/* A count, or null when no list reported one. */
static json_t *
json_count(int64_t n)
{
	return n < 0 ? json_null() : json_integer(n);
}

/* What the team agreed at the last review. */
static json_t *
json_agreed(const struct mdt_review *r)
{
	json_t *notes = mdt_json_new(json_array());

	for (size_t i = 0; i < r->n_agreed; i++)
		mdt_json_push(notes, mdt_json_pack("{s:o, s:o, s:o}",
		    "id", json_integer(r->agreed[i].id),
		    "by", mdt_json_text(r->agreed[i].by),
		    "text", mdt_json_text(r->agreed[i].text)));
	return mdt_json_pack("{s:o, s:o}", "on", r->n_agreed > 0 ?
	    mdt_json_text(r->agreed[0].on) : json_null(), "notes", notes);
}

/* Attendances and calls before and after the first discussion. */
static json_t *
json_before_after(const struct mdt_review *r, bool unmask)
{
	json_t *x, *arr;
	char who[160];

	x = mdt_json_pack("{s:o, s:i, s:o}",
	    "caveat", mdt_json_text(mdt_review_caveat),
	    "after_days", MDT_REVIEW_AFTER_DAYS,
	    "first_discussed", json_integer(r->first_discussed));
	for (int k = 0; k < MDT_USE_KINDS; k++) {
		const struct mdt_review_use_total *t = &r->use_total[k];

		mdt_json_set(x, mdt_use_key[k], mdt_json_pack("{s:o, s:o, s:o,"
		    " s:o, s:o, s:o, s:o, s:o}",
		    "with_before", json_integer(t->on_list),
		    "with_after", json_integer(t->paired),
		    "before", json_integer(t->before),
		    "after", json_integer(t->after),
		    "no_list_after", json_integer(t->no_after),
		    "not_yet_due", json_integer(t->not_yet),
		    "after_only", json_integer(t->after_only),
		    "died", json_integer(t->died)));
	}
	arr = mdt_json_new(json_array());
	for (size_t i = 0; i < r->n_use; i++) {
		const struct mdt_review_use *u = &r->use[i];

		mdt_patient_label(u->name, u->date_of_birth, u->nhs_number,
		    unmask, who, sizeof(who));
		mdt_json_push(arr, mdt_json_pack("{s:o, s:o, s:o, s:o, s:o,"
		    " s:o, s:b, s:b}", "patient", mdt_json_text(who),
		    "first_discussed", mdt_json_text(u->first),
		    "attendances_before", json_count(u->before[0]),
		    "attendances_after", json_count(u->after[0]),
		    "calls_before", json_count(u->before[1]),
		    "calls_after", json_count(u->after[1]),
		    "died", u->died, "not_yet_due", u->not_yet));
	}
	mdt_json_set(x, "patients", arr);
	return x;
}

/* The meetings, their slots against the band, and the actions. */
static json_t *
json_running(const struct mdt_review *r)
{
	return mdt_json_pack("{s:o, s:o, s:{s:o, s:o}, s:o, s:o,"
	    " s:{s:o, s:o, s:o}, s:{s:o, s:o, s:o, s:o, s:o},"
	    " s:{s:o, s:o, s:o, s:o, s:o}}",
	    "from", mdt_json_text(r->from), "to", mdt_json_text(r->to),
	    "meetings", "held", json_integer(r->meetings_held),
	    "closed", json_integer(r->meetings_closed),
	    "patients_discussed", json_integer(r->patients_discussed),
	    "slots_discussed", json_integer(r->slots_discussed),
	    "slot_seconds", "mean", jreal(r->mean_s),
	    "median", jreal(r->median_s), "p90", jreal(r->p90_s),
	    "band", "under", json_integer(r->slots_under),
	    "within", json_integer(r->slots_within),
	    "over", json_integer(r->slots_over),
	    "share_within", jshare(r->slots_within, r->slots_discussed),
	    "share_over", jshare(r->slots_over, r->slots_discussed),
	    "actions", "opened", json_integer(r->actions_opened),
	    "closed", json_integer(r->actions_closed),
	    "cancelled", json_integer(r->actions_cancelled),
	    "overdue", json_integer(r->actions_overdue),
	    "median_days_to_close", r->median_days_to_close < 0 ?
	    json_null() : jreal(r->median_days_to_close));
}

/* Outcomes, and the lists and ways the slots discussed came by. */
static void
json_sources(json_t *root, const struct mdt_review *r)
{
	json_t *x = mdt_json_new(json_object());

	for (int k = MDT_OUTCOME_NONE; k <= MDT_OUTCOME_DIED; k++)
		mdt_json_set(x, mdt_outcome_name((enum mdt_outcome_kind)k),
		    json_integer(r->outcomes[k]));
	mdt_json_set(root, "outcomes", x);

	x = mdt_json_new(json_object());
	for (int i = 0; i < MDT_LIST_COUNT; i++)
		mdt_json_set(x, mdt_list_name((enum mdt_list)(1 << i)),
		    json_integer(r->lists[i]));
	mdt_json_set(x, "carried_forward", json_integer(r->carried_forward));
	mdt_json_set(x, "escalated", json_integer(r->escalated));
	mdt_json_set(x, "added_on_day", json_integer(r->added_on_day));
	mdt_json_set(root, "sources", x);

	mdt_json_set(root, "referrers", json_counts(r->referrers,
	    r->n_referrers, "referred_by", "slots", NULL));
	mdt_json_set(root, "referrals_unnamed", json_integer(r->referrals_unnamed));
	mdt_json_set(root, "referrals_purged", json_integer(r->referrals_purged));
	mdt_json_set(root, "referral_services", json_counts(r->services,
	    r->n_services, "service", "referrals", NULL));
	mdt_json_set(root, "attendance", json_counts(r->disciplines,
	    r->n_disciplines, "discipline", "present", "meetings"));
}

/* Deaths, the consent asked before meetings, the rising-risk register. */
static void
json_register(json_t *root, const struct mdt_review *r)
{
	static const char *const asked_key[] = { "given", "refused",
	    "best_interests", "representative" };
	json_t *places = mdt_json_new(json_object()), *x;

	for (int i = 0; i <= MDT_DEATH_PLACES; i++)
		mdt_json_set(places, i < MDT_DEATH_PLACES ?
		    mdt_death_places[i] : "unknown",
		    json_integer(r->death_places[i]));
	mdt_json_set(root, "deaths", mdt_json_pack("{s:o, s:o, s:o, s:o, s:o,"
	    " s:o}", "died", json_integer(r->deaths),
	    "in_slots", json_integer(r->deaths_in_slots), "place", places,
	    "expected", json_integer(r->deaths_expected),
	    "unexpected", json_integer(r->deaths_unexpected),
	    "relatives_contacted_7_days", json_integer(r->relatives_7d)));

	x = mdt_json_new(json_object());
	for (size_t i = 0; i < MDT_COUNT(asked_key); i++)
		mdt_json_set(x, asked_key[i], json_integer(r->asked[i]));
	mdt_json_set(x, "refused_kept_off_agenda",
	    json_integer(r->asked_kept_off));
	mdt_json_set(root, "consent_asked", x);

	mdt_json_set(root, "rising_risk", mdt_json_pack("{s:o, s:o, s:o}",
	    "added", json_integer(r->rising_added),
	    "escalated", json_integer(r->rising_escalated),
	    "removed", json_integer(r->rising_removed)));
}

/* Each meeting's slots in seconds, and the actions closed per period. */
static void
json_per_meeting(json_t *root, const struct mdt_review *r)
{
	json_t *arr = mdt_json_new(json_array()), *secs;

	for (size_t i = 0; i < r->n_meetings; i++) {
		const struct mdt_review_meeting *m = &r->meetings[i];

		secs = mdt_json_new(json_array());
		for (size_t j = 0; j < m->n_slots; j++)
			mdt_json_push(secs, json_integer(m->slot_ms[j] / 1000));
		mdt_json_push(arr, mdt_json_pack("{s:o, s:o, s:b, s:i, s:i,"
		    " s:o}", "id", json_integer(m->id),
		    "date", mdt_json_text(m->date), "closed", m->closed,
		    "warn_seconds", m->warn_s, "over_seconds", m->over_s,
		    "slot_seconds", secs));
	}
	mdt_json_set(root, "per_meeting", arr);

	arr = mdt_json_new(json_array());
	for (size_t i = 0; i < r->n_periods; i++)
		mdt_json_push(arr, mdt_json_pack("{s:o, s:o, s:o}",
		    "from", mdt_json_text(r->periods[i].from),
		    "to", mdt_json_text(r->periods[i].to),
		    "closed", json_integer(r->periods[i].closed)));
	mdt_json_set(root, "closed_per_period", arr);
	mdt_json_set(root, "period",
	    mdt_json_text(r->monthly ? "month" : "week"));
}

static int
write_json(const struct mdt_review *r, bool unmask, FILE *out)
{
	json_t *root = json_running(r);
	int rc;

	json_sources(root, r);
	json_register(root, r);
	mdt_json_set(root, "agreed_at_last_review", json_agreed(r));
	mdt_json_set(root, "before_after", json_before_after(r, unmask));
	mdt_json_set(root, "themes", json_counts(r->themes, r->n_themes,
	    "theme", "slots", "patients"));
	mdt_json_set(root, "slots_untagged", json_integer(r->slots_untagged));
	json_per_meeting(root, r);
	rc = mdt_text_json_dump(root, out, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(root);
	return rc;
}
enum mdt_status
mdt_review_write(struct mdt_store *s, const struct mdt_review *r,
    enum mdt_review_format fmt, bool unmask, FILE *out)
{
	int rc = 0;

	if (fmt != MDT_REVIEW_TXT && fmt != MDT_REVIEW_JSON &&
	    fmt != MDT_REVIEW_HTML)
		return mdt_fail(s, MDT_EINVAL, "unknown review format %d",
		    (int)fmt);
	errno = 0;
	if (fmt == MDT_REVIEW_JSON)
		rc = write_json(r, unmask, out);
	else if (fmt == MDT_REVIEW_HTML)
		rc = mdt_review_html(s, r, unmask, out);
	else
		write_txt(r, unmask, out);
	return mdt_write_status(s, out, rc, "the review");
}
