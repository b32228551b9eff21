/*
 * screen_slot.c - one patient's slot: who the patient is, the big clock in
 * the green / amber / red band (said in words too), consent, notes, the
 * patient's actions and the outcome.
 *
 * It shows the current slot of the meeting (from the store), or a slot
 * opened from the agenda.  Recording follows the meeting's rule: consent
 * first (c: the basis, a justification when it needs one, and the
 * organisations the patient asked to exclude), then notes (w), actions
 * (a: text, owner, due date) and the outcome (o).  Each step that saves
 * is one committed core call; the steps before it live only in the prompt
 * being typed.
 *
 * The actions listed are those agreed now and the patient's open ones
 * carried forward from earlier meetings.  Each carried-forward action is
 * reviewed here, never dropped: done (d), still open (v), reassigned (r)
 * or cancelled (x), and moving on (n) with some not reviewed asks first.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "draw.h"
#include "input.h"
#include "screens.h"

#define TUI_MAX_SLOT_ACTIONS 512

/* Any list of organisations core/ accepts can be offered back whole in
 * the consent form, and held as UTF-8 (at most four bytes a character). */
_Static_assert(MDT_EXCLUSIONS_MAX * (MDT_ORGANISATION_MAX + 2) <=
    TUI_PROMPT_MAX, "a whole list of exclusions fits in a prompt");
#define TUI_EXCLUSIONS_BYTES \
	(MDT_EXCLUSIONS_MAX * (4 * MDT_ORGANISATION_MAX + 2) + 1)

/* "Acme Care, Borough Housing" into buf (truncated). */
static void
tui_names_join(char *const *names, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i > 0 ? ", " : "", names[i]);
}

/* The patient's actions in the snapshot, as indices into snap.actions. */
static size_t
tui_slot_actions(const struct tui_app *app, const struct mdt_slot *slot,
    size_t *idx, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < app->snap.n_actions && n < max; i++)
		if (app->snap.actions[i].patient_id == slot->patient_id)
			idx[n++] = i;
	return n;
}

/*
 * An action agreed in an earlier meeting: the snapshot gives it slot_id 0.
 * Such an action came forward to this slot and must be reviewed here
 * (done, still open, reassigned or cancelled) rather than dropped.
 */
static bool
tui_action_carried(const struct mdt_action *ac)
{
	return ac->slot_id == 0;
}

/* Carried forward, still open and without a verdict in this slot: what
 * mdt_slot_unreviewed_actions counts. */
static bool
tui_action_to_review(const struct mdt_action *ac)
{
	return tui_action_carried(ac) && ac->status == MDT_ACTION_OPEN &&
	    ac->verdict == MDT_VERDICT_NONE;
}

/* A verdict as the chair says it. */
static const char *
tui_verdict_text(enum mdt_action_verdict v)
{
	switch (v) {
	case MDT_VERDICT_NONE:
		return "to review";
	case MDT_VERDICT_OPEN:
		return "still open";
	case MDT_VERDICT_DONE:
		return "done";
	case MDT_VERDICT_REASSIGNED:
		return "reassigned";
	case MDT_VERDICT_CANCELLED:
		return "cancelled";
	}
	return "";
}

/*
 * The Status column: "new, open" for an action agreed now; for one
 * carried forward, its verdict in this slot, or "to review".  Anything
 * not marked "new" was carried forward, so the column says both things.
 */
static void
tui_action_status_text(const struct mdt_action *ac, char *buf, size_t len)
{
	if (!tui_action_carried(ac))
		snprintf(buf, len, "new, %s",
		    mdt_action_status_name(ac->status));
	else if (ac->verdict != MDT_VERDICT_NONE)
		snprintf(buf, len, "%s", tui_verdict_text(ac->verdict));
	else if (ac->status == MDT_ACTION_OPEN)
		snprintf(buf, len, "%s", tui_verdict_text(MDT_VERDICT_NONE));
	else
		/* closed without a review here (by another slot, or
		 * before reviews were recorded) */
		snprintf(buf, len, "%s", mdt_action_status_name(ac->status));
}

static const char *
tui_band_text(enum mdt_band band)
{
	switch (band) {
	case MDT_BAND_GREEN:
		return "on time";
	case MDT_BAND_AMBER:
		return "warning";
	case MDT_BAND_RED:
		return "OVER TIME";
	}
	return "";
}

static enum tui_style
tui_band_style(enum mdt_band band)
{
	switch (band) {
	case MDT_BAND_GREEN:
		return TUI_STYLE_GREEN;
	case MDT_BAND_AMBER:
		return TUI_STYLE_AMBER;
	case MDT_BAND_RED:
		return TUI_STYLE_RED;
	}
	return TUI_STYLE_NORMAL;
}

static const char *
tui_slot_state_text(enum mdt_slot_state st)
{
	switch (st) {
	case MDT_SLOT_PENDING:
		return "not started";
	case MDT_SLOT_RUNNING:
		return "running";
	case MDT_SLOT_PAUSED:
		return "paused";
	case MDT_SLOT_DONE:
		return "done";
	}
	return "";
}

/* Draws the clock block (big digits and the words beside them) in h rows;
 * h == 1 gives the one-line form. */
static void
tui_slot_draw_clock(struct tui_app *app, const struct mdt_slot *s, int y,
    int h)
{
	const struct mdt_meeting *m = &app->snap.meeting;
	int64_t elapsed = tui_app_slot_elapsed(app, s);
	enum mdt_band band = mdt_slot_band(elapsed, m->warn_s, m->over_s,
	    s->times.extended_s);
	attr_t ba = tui_attr(tui_band_style(band));
	char clock[48], plan[24], ext[24], of[128], warn[24], over[24];
	char limits[128];
	int scale = h / 5 > 0 ? h / 5 : 1;
	int x = 2, cw;

	if (s->state == MDT_SLOT_PENDING)
		ba = tui_attr(TUI_STYLE_DIM);
	/* Two-digit minutes read better on the big clock. */
	snprintf(clock, sizeof(clock), "%02lld:%02lld",
	    (long long)(elapsed / 60000), (long long)(elapsed / 1000 % 60));
	tui_fmt_mmss((int64_t)s->times.planned_s * 1000, plan, sizeof(plan));
	tui_fmt_mmss((int64_t)s->times.extended_s * 1000, ext, sizeof(ext));
	if (s->times.extended_s > 0)
		snprintf(of, sizeof(of), "%s of %s (+%s)", clock, plan, ext);
	else
		snprintf(of, sizeof(of), "%s of %s", clock, plan);
	tui_fmt_mmss((int64_t)(m->warn_s + s->times.extended_s) * 1000, warn,
	    sizeof(warn));
	tui_fmt_mmss((int64_t)(m->over_s + s->times.extended_s) * 1000, over,
	    sizeof(over));
	snprintf(limits, sizeof(limits), "warning at %s, over at %s", warn,
	    over);

	if (h < 5) {
		char line[256];

		snprintf(line, sizeof(line), "Clock %s  %s  %s", of,
		    tui_band_text(band), tui_slot_state_text(s->state));
		tui_put(y, 2, COLS - 4, line, ba, false);
		return;
	}
	cw = tui_bigclock_width(clock, scale);
	tui_bigclock(y + (h - tui_bigclock_height(scale)) / 2, x, clock, scale,
	    ba);
	x += cw + 4;
	if (x >= COLS - 10)
		return;
	y += (h - 5) / 2;
	tui_put(y, x, COLS - x - 1, of, A_BOLD, false);
	tui_put(y + 1, x, COLS - x - 1, tui_band_text(band),
	    s->state == MDT_SLOT_PENDING ? A_NORMAL : ba | A_BOLD, false);
	tui_put(y + 2, x, COLS - x - 1, tui_slot_state_text(s->state),
	    s->state == MDT_SLOT_PAUSED ? A_BOLD | A_BLINK : A_NORMAL, false);
	tui_put(y + 4, x, COLS - x - 1, limits, tui_attr(TUI_STYLE_DIM),
	    false);
}

static void
tui_slot_draw_empty(struct tui_app *app, int top, int rows)
{
	size_t left = 0;

	for (size_t i = 0; i < app->snap.n_slots; i++)
		if (app->snap.slots[i].state != MDT_SLOT_DONE)
			left++;
	if (app->snap.meeting.state == MDT_MEETING_CLOSED) {
		tui_put(top + 2, 4, COLS - 8, "The meeting is closed.", A_BOLD,
		    false);
		tui_put(top + 4, 4, COLS - 8, "4 shows the summary.", A_NORMAL,
		    false);
	} else if (left == 0) {
		tui_put(top + 2, 4, COLS - 8, "Every slot is done.", A_BOLD,
		    false);
		tui_put(top + 4, 4, COLS - 8, "4 shows the summary; C there "
		    "closes the meeting.", A_NORMAL, false);
	} else {
		tui_put(top + 2, 4, COLS - 8, "No slot is running.", A_BOLD,
		    false);
		tui_put(top + 4, 4, COLS - 8, "Press n to start the next slot, "
		    "or 1 for the agenda.", A_NORMAL, false);
	}
	tui_app_draw_hints(app, top + rows - 1);
}

static void
tui_slot_draw(struct tui_app *app, int top, int rows)
{
	const struct mdt_slot *s = tui_app_view_slot(app);
	const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);
	size_t idx[TUI_MAX_SLOT_ACTIONS], n_act, n_notes = 0, first_note;
	char nhs[13], dob[32], today[11], buf[1024], when[16];
	int y, clock_h, rest, notes_rows, act_rows, age;
	/* Status is wide enough for "new, cancelled" and the verdicts. */
	int w_owner = 18, w_due = 10, w_status = 14, w_text;
	size_t n_review = 0, top_act = 0;
	attr_t h = tui_attr(TUI_STYLE_HEADER);

	if (s == NULL) {
		tui_slot_draw_empty(app, top, rows);
		return;
	}

	/* Who the patient is. */
	y = top;
	mdt_nhs_format(s->nhs_number, nhs);
	tui_fmt_date(s->date_of_birth, dob, sizeof(dob));
	mdt_date_of(app->now, today);
	age = tui_age_years(s->date_of_birth, today);
	{
		int x = 1;

		x += tui_put(y, x, COLS / 2, s->patient_name, A_BOLD, false);
		if (age >= 0)
			snprintf(buf, sizeof(buf), "   NHS %s   Born %s (%d)",
			    nhs, dob, age);
		else
			snprintf(buf, sizeof(buf), "   NHS %s   Born %s", nhs,
			    dob);
		tui_put(y, x, COLS - x - 1, buf, A_NORMAL, false);
	}
	snprintf(buf, sizeof(buf), "Practice: %s", tui_str(s->practice));
	tui_put(y + 1, 1, COLS / 2 - 2, buf, A_NORMAL, false);
	snprintf(buf, sizeof(buf), "Key contact: %s",
	    s->key_contact_name != NULL ? s->key_contact_name :
	    "none - press K");
	tui_put(y + 1, COLS / 2, COLS - COLS / 2 - 1, buf,
	    s->key_contact_name != NULL ? A_NORMAL : tui_attr(TUI_STYLE_AMBER),
	    false);
	snprintf(buf, sizeof(buf), "Reason: %s", tui_str(s->reason));
	tui_put(y + 2, 1, COLS - 2, buf, A_NORMAL, false);
	if (cur != NULL && cur->id == s->id)
		snprintf(buf, sizeof(buf), "Slot %d of %zu", s->position,
		    app->snap.n_slots);
	else if (cur != NULL)
		snprintf(buf, sizeof(buf), "Slot %d of %zu - not the current "
		    "slot (3 shows slot %d)", s->position, app->snap.n_slots,
		    cur->position);
	else
		snprintf(buf, sizeof(buf), "Slot %d of %zu - no slot is "
		    "running", s->position, app->snap.n_slots);
	tui_rule(y + 3, 0, COLS, buf, tui_attr(TUI_STYLE_HEADER));
	y += 4;

	/* The clock: five rows of block digits when there is room. */
	/* Bigger on a projector: a third of the rows, if the width allows
	 * (the digits are about 34 columns at scale 1). */
	clock_h = rows >= 20 ? 5 : 1;
	for (int sc = 2; sc <= 4; sc++)
		if (rows >= 15 * sc && COLS >= 34 * sc + 40)
			clock_h = 5 * sc;
	tui_slot_draw_clock(app, s, y, clock_h);
	y += clock_h + (clock_h > 1 ? 1 : 0);

	/* Consent and outcome, said in full. */
	if (s->consent == MDT_CONSENT_NONE) {
		tui_put(y, 1, COLS - 2, "Consent: not recorded - press c",
		    tui_attr(TUI_STYLE_AMBER), false);
	} else {
		size_t used;

		used = (size_t)snprintf(buf, sizeof(buf), "Consent: %s",
		    mdt_consent_label(s->consent));
		if (s->consent_justification != NULL &&
		    s->consent_justification[0] != '\0' && used < sizeof(buf))
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
			    " - %s", s->consent_justification);
		if (s->n_exclusions > 0 && used < sizeof(buf))
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
			    " %s exclude: ", tui_draw_utf8() ? "\u00b7" : "-");
		if (s->n_exclusions > 0 && used < sizeof(buf))
			tui_names_join(s->exclusions, s->n_exclusions,
			    buf + used, sizeof(buf) - used);
		/* The justification and the organisations the patient
		 * excludes are part of the record: show them whole when
		 * there is room. */
		y += tui_put_wrapped(y, 1, COLS - 2, rows < 20 ? 1 :
		    s->n_exclusions > 0 ? 3 : 2, buf, A_NORMAL) - 1;
	}
	y++;
	if (s->outcome == MDT_OUTCOME_NONE) {
		tui_put(y, 1, COLS - 2, "Outcome: not recorded - press o",
		    tui_attr(TUI_STYLE_DIM), false);
	} else {
		if (s->review_date[0] != '\0')
			snprintf(buf, sizeof(buf), "Outcome: %s, review %s",
			    mdt_outcome_label(s->outcome), s->review_date);
		else
			snprintf(buf, sizeof(buf), "Outcome: %s",
			    mdt_outcome_label(s->outcome));
		tui_put(y, 1, COLS - 2, buf, A_BOLD, false);
	}
	y++;

	/* Notes and actions share what is left above the key hints. */
	for (size_t i = 0; i < app->snap.n_notes; i++)
		if (app->snap.notes[i].slot_id == s->id)
			n_notes++;
	n_act = tui_slot_actions(app, s, idx, TUI_MAX_SLOT_ACTIONS);
	rest = top + rows - 1 - y;
	notes_rows = (int)(n_notes > 0 ? n_notes : 1);
	if (notes_rows > rest / 3)
		notes_rows = rest / 3 > 1 ? rest / 3 : 1;
	act_rows = rest - notes_rows - 2;

	snprintf(buf, sizeof(buf), "Notes (%zu)", n_notes);
	tui_put(y, 1, COLS - 2, buf, h, false);
	y++;
	if (n_notes == 0) {
		tui_put(y, 3, COLS - 4, "none yet - press w to write one",
		    tui_attr(TUI_STYLE_DIM), false);
	} else {
		/* The latest notes are the ones to see. */
		size_t seen = 0;

		first_note = n_notes > (size_t)notes_rows ?
		    n_notes - (size_t)notes_rows : 0;
		for (size_t i = 0, r = 0; i < app->snap.n_notes; i++) {
			const struct mdt_note *nt = &app->snap.notes[i];

			if (nt->slot_id != s->id)
				continue;
			if (seen++ < first_note)
				continue;
			tui_fmt_hhmm(nt->created_at, when, sizeof(when));
			snprintf(buf, sizeof(buf), "%s  %s", when,
			    tui_str(nt->text));
			tui_put(y + (int)r, 3, COLS - 4, buf, A_NORMAL, false);
			r++;
		}
	}
	y += notes_rows;

	/* The header says how many carried-forward actions still want a
	 * verdict: counted from the same snapshot as the rows below (the
	 * number mdt_slot_unreviewed_actions gives), so that the two always
	 * agree and drawing never waits on the store. */
	for (size_t k = 0; k < n_act; k++)
		if (tui_action_to_review(&app->snap.actions[idx[k]]))
			n_review++;
	if (act_rows < 1)
		act_rows = 1;
	tui_list_clamp(n_act, (size_t)act_rows, &app->slot_action_sel,
	    &top_act);
	w_text = COLS - 3 - w_owner - 1 - w_due - 1 - w_status - 1;
	{
		/* Left of the Owner heading, with a column to spare. */
		int x = 1, end = 3 + w_text;
		char range[48];

		snprintf(buf, sizeof(buf), "Actions (%zu)", n_act);
		x += tui_put(y, x, end - x, buf, h, false);
		if (n_review > 0) {
			snprintf(buf, sizeof(buf), "  %zu to review", n_review);
			x += tui_put(y, x, end - x, buf,
			    tui_attr(TUI_STYLE_AMBER) | A_BOLD, false);
		}
		if (n_act > (size_t)act_rows) {
			snprintf(range, sizeof(range), "  %zu-%zu of %zu",
			    top_act + 1, top_act + (size_t)act_rows < n_act ?
			    top_act + (size_t)act_rows : n_act, n_act);
			/* The count to review matters more: the range goes
			 * when both do not fit. */
			if (tui_text_width(range) <= end - x)
				tui_put(y, x, end - x, range,
				    tui_attr(TUI_STYLE_DIM), false);
		}
	}
	tui_put(y, 3 + w_text + 1, w_owner, "Owner", h, false);
	tui_put(y, 3 + w_text + 1 + w_owner + 1, w_due, "Due", h, false);
	tui_put(y, 3 + w_text + 1 + w_owner + 1 + w_due + 1, w_status,
	    "Status", h, false);
	y++;
	if (n_act == 0) {
		tui_put(y, 3, COLS - 4, "none - press a to agree one",
		    tui_attr(TUI_STYLE_DIM), false);
	} else {
		for (int r = 0; r < act_rows && top_act + (size_t)r < n_act;
		    r++) {
			size_t k = top_act + (size_t)r;
			const struct mdt_action *ac =
			    &app->snap.actions[idx[k]];
			bool sel = k == app->slot_action_sel;
			attr_t a = sel ? tui_attr(TUI_STYLE_SELECT) : A_NORMAL;
			attr_t sa;
			char st[32];

			if (!sel && ac->status != MDT_ACTION_OPEN)
				a = tui_attr(TUI_STYLE_DIM);
			tui_fill(y + r, 1, COLS - 2, a);
			if (sel)
				tui_put(y + r, 1, 1, ">", a, false);
			tui_put(y + r, 3, w_text, ac->text, a, false);
			tui_put(y + r, 3 + w_text + 1, w_owner, ac->owner_name,
			    a, false);
			tui_put(y + r, 3 + w_text + 1 + w_owner + 1, w_due,
			    ac->due_date, a, false);
			tui_action_status_text(ac, st, sizeof(st));
			/* An action nobody has reviewed yet must catch the
			 * chair's eye, selected or not. */
			sa = a;
			if (tui_action_to_review(ac))
				sa = (sel ? a : tui_attr(TUI_STYLE_AMBER)) |
				    A_BOLD;
			tui_put(y + r, 3 + w_text + 1 + w_owner + 1 + w_due + 1,
			    w_status, st, sa, false);
		}
	}
	tui_app_draw_hints(app, top + rows - 1);
}

/* ---- recording ------------------------------------------------------ */

enum {
	TUI_PENDING_NONE,
	TUI_PENDING_CONSENT,
	TUI_PENDING_NOTE,
	TUI_PENDING_ACTION,
	TUI_PENDING_OUTCOME,
	TUI_PENDING_KEY_CONTACT,
	TUI_PENDING_ACTION_CANCEL,
	TUI_PENDING_ACTION_REASSIGN,
};

static bool
tui_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

static void
tui_slot_begin(struct tui_app *app, const struct mdt_slot *s, int kind)
{
	app->pending_slot_id = s->id;
	app->pending_kind = kind;
	app->pending_id = 0;
	app->pending_text[0] = '\0';
}

static const struct mdt_slot *
tui_slot_pending(const struct tui_app *app)
{
	return mdt_snapshot_slot(&app->snap, app->pending_slot_id);
}

/* The slot to act on, or NULL after saying why there is none. */
static const struct mdt_slot *
tui_slot_target(struct tui_app *app, bool need_consent)
{
	const struct mdt_slot *s = tui_app_view_slot(app);

	if (s == NULL) {
		tui_app_message(app, true,
		    "No slot is running: press n to start the next slot");
		return NULL;
	}
	if (need_consent && s->consent == MDT_CONSENT_NONE) {
		tui_app_message(app, true, "Record consent first: press c");
		return NULL;
	}
	return s;
}

/* The last step of consent: the organisations the patient asked to
 * exclude, then the whole of it is recorded in one act. */
static bool
tui_consent_exclusions_submit(struct tui_app *app, const char *text)
{
	enum mdt_consent_basis basis = (enum mdt_consent_basis)app->pending_id;
	const struct mdt_slot *s;
	char **names, orgs[TUI_EXCLUSIONS_BYTES];
	size_t n;
	bool ok;

	mdt_exclusions_split(text, &names, &n);
	ok = tui_app_check(app, mdt_consent_record(app->store,
	    app->pending_slot_id, basis, mdt_consent_needs_justification(basis) ?
	    app->pending_text : NULL, (const char *const *)names, n));
	mdt_names_free(names, n);
	if (!ok)
		return false;
	/* Said as recorded (tidied), from the snapshot just reloaded. */
	s = tui_slot_pending(app);
	if (s != NULL && s->n_exclusions > 0) {
		tui_names_join(s->exclusions, s->n_exclusions, orgs,
		    sizeof(orgs));
		tui_app_message(app, false, "Consent recorded: %s %s exclude:"
		    " %s", mdt_consent_label(basis), tui_draw_utf8() ?
		    "\u00b7" : "-", orgs);
	} else
		tui_app_message(app, false, "Consent recorded: %s",
		    mdt_consent_label(basis));
	return true;
}

/*
 * Asks for the organisations to exclude, offering the slot's list when
 * its consent is being recorded again, else the list the patient gave
 * last time (Ctrl-U clears it).
 */
static void
tui_consent_exclusions_open(struct tui_app *app)
{
	const struct mdt_slot *s = tui_slot_pending(app);
	char **prev = NULL, orgs[TUI_EXCLUSIONS_BYTES] = "";
	size_t n = 0;

	if (s != NULL && s->consent != MDT_CONSENT_NONE)
		tui_names_join(s->exclusions, s->n_exclusions, orgs,
		    sizeof(orgs));
	else if (s != NULL && mdt_exclusions_previous(app->store, s->id,
	    &prev, &n) == MDT_OK) {
		tui_names_join(prev, n, orgs, sizeof(orgs));
		mdt_names_free(prev, n);
	}
	tui_prompt_open(app, "Organisations the patient asked to exclude "
	    "(comma-separated; blank for none):",
	    tui_consent_exclusions_submit);
	tui_prompt_set_text(app, orgs);
}

static bool
tui_consent_justified(struct tui_app *app, const char *text)
{
	if (tui_blank(text)) {
		tui_app_message(app, true, "A justification is needed for "
		    "this consent basis (Esc cancels)");
		return false;
	}
	snprintf(app->pending_text, sizeof(app->pending_text), "%s", text);
	tui_consent_exclusions_open(app);
	return true;
}

static void
tui_consent_picked(struct tui_app *app, int64_t id)
{
	enum mdt_consent_basis basis = (enum mdt_consent_basis)id;

	app->pending_id = id;
	if (mdt_consent_needs_justification(basis)) {
		tui_prompt_open(app, "Justification: ", tui_consent_justified);
		return;
	}
	tui_consent_exclusions_open(app);
}

static bool
tui_note_submit(struct tui_app *app, const char *text)
{
	int64_t id = 0;

	if (tui_blank(text)) {
		tui_app_message(app, false, "Empty note: nothing saved");
		return true;
	}
	if (!tui_app_check(app, mdt_note_add(app->store, app->pending_slot_id,
	    text, &id)))
		return false;
	tui_app_message(app, false, "Note saved");
	return true;
}

/* Puts the selection on the action with this id, if the slot shows it. */
static void
tui_slot_select_action(struct tui_app *app, int64_t action_id)
{
	const struct mdt_slot *s = tui_app_view_slot(app);
	size_t idx[TUI_MAX_SLOT_ACTIONS], n;

	if (s == NULL)
		return;
	n = tui_slot_actions(app, s, idx, TUI_MAX_SLOT_ACTIONS);
	for (size_t k = 0; k < n; k++) {
		if (app->snap.actions[idx[k]].id == action_id) {
			app->slot_action_sel = k;
			return;
		}
	}
}

static bool
tui_action_due_submit(struct tui_app *app, const char *text)
{
	char due[11];
	int64_t id = 0;
	enum mdt_status st;
	const char *owner = "";

	st = mdt_date_parse(tui_blank(text) ? "+14" : text,
	    mdt_store_now(app->store), due);
	if (st != MDT_OK) {
		tui_app_message(app, true, "%s", mdt_strerror(st));
		return false;
	}
	if (!tui_app_check(app, mdt_action_add(app->store,
	    app->pending_slot_id, app->pending_text, app->pending_id, due,
	    &id)))
		return false;
	for (size_t i = 0; i < app->snap.n_people; i++)
		if (app->snap.people[i].id == app->pending_id)
			owner = tui_str(app->snap.people[i].name);
	tui_slot_select_action(app, id);
	tui_app_message(app, false, "Action saved: %s, due %s", owner, due);
	return true;
}

/* ---- who owns an action ---------------------------------------------- */

/*
 * The owner picker: those present first (so that 1-9 pick them as ever),
 * then everyone else known (an owner need not be in the room: the
 * voluntary sector, housing), then "Someone new...", which asks for a name,
 * organisation and role, adds the person and carries on as if they had
 * been picked.  Returns the row of keep_id (0 if absent).
 */
#define TUI_OWNER_NEW (-1)

static tui_pick_fn tui_owner_then;	/* carries on after a new person */
static char tui_owner_name[256], tui_owner_org[256];

static size_t
tui_owner_picker(struct tui_app *app, const char *title, tui_pick_fn pick,
    int64_t keep_id)
{
	size_t row = 0, keep = 0;

	tui_owner_then = pick;
	tui_picker_open(app, title, pick);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < app->snap.n_people; i++) {
			const struct mdt_person *p = &app->snap.people[i];
			bool here = false;
			char label[512];

			for (size_t k = 0; k < app->snap.n_attendees; k++)
				if (app->snap.attendees[k].person.id == p->id &&
				    app->snap.attendees[k].status ==
				    MDT_ATTEND_PRESENT)
					here = true;
			if (here != (pass == 0))
				continue;
			if (here)
				snprintf(label, sizeof(label), "%s%s%s%s",
				    tui_str(p->name), p->role[0] != '\0' ?
				    " (" : "", p->role, p->role[0] != '\0' ?
				    ")" : "");
			else
				snprintf(label, sizeof(label), "%s, %s -"
				    " not here", tui_str(p->name),
				    p->organisation[0] != '\0' ?
				    p->organisation : p->role);
			if (p->id == keep_id)
				keep = row;
			tui_picker_add(app, p->id, label);
			row++;
		}
	}
	tui_picker_add(app, TUI_OWNER_NEW, "Someone new...");
	return keep;
}

static bool
tui_owner_role_submit(struct tui_app *app, const char *text)
{
	int64_t id = 0;

	if (!tui_app_check(app, mdt_person_add(app->store, tui_owner_name,
	    text, tui_owner_org, &id)))
		return false;
	tui_app_message(app, false, "Added %s", tui_owner_name);
	tui_owner_then(app, id);
	return true;
}

static bool
tui_owner_org_submit(struct tui_app *app, const char *text)
{
	snprintf(tui_owner_org, sizeof(tui_owner_org), "%s", text);
	tui_prompt_open(app, "Their role (may be blank): ",
	    tui_owner_role_submit);
	return true;
}

static bool
tui_owner_name_submit(struct tui_app *app, const char *text)
{
	if (tui_blank(text)) {
		tui_app_message(app, true, "A name is needed");
		return false;
	}
	snprintf(tui_owner_name, sizeof(tui_owner_name), "%s", text);
	tui_prompt_open(app, "Their organisation (e.g. Age UK Lambeth): ",
	    tui_owner_org_submit);
	return true;
}

/* A pick callback's first step: true if it was "Someone new..." (the
 * questions are asked, and the callback runs again with the new id). */
static bool
tui_owner_new(struct tui_app *app, int64_t id)
{
	if (id != TUI_OWNER_NEW)
		return false;
	tui_prompt_open(app, "New person's name: ", tui_owner_name_submit);
	return true;
}

static void
tui_action_owner_picked(struct tui_app *app, int64_t person_id)
{
	if (tui_owner_new(app, person_id))
		return;
	app->pending_id = person_id;
	tui_prompt_open(app, "Due (YYYY-MM-DD or +days, Enter = +14): ",
	    tui_action_due_submit);
}

static bool
tui_action_text_submit(struct tui_app *app, const char *text)
{
	size_t n = 0;

	if (tui_blank(text)) {
		tui_app_message(app, false, "Empty action: nothing saved");
		return true;
	}
	for (size_t i = 0; i < app->snap.n_attendees; i++)
		if (app->snap.attendees[i].status == MDT_ATTEND_PRESENT)
			n++;
	if (n == 0) {
		tui_app_message(app, true, "Nobody is marked present to own "
		    "it: take the register first (Esc, then 2)");
		return false;
	}
	snprintf(app->pending_text, sizeof(app->pending_text), "%s", text);
	tui_owner_picker(app, "Owner (present first)",
	    tui_action_owner_picked, 0);
	return true;
}

static bool
tui_outcome_review_submit(struct tui_app *app, const char *text)
{
	char review[11];
	enum mdt_status st;

	st = mdt_date_parse(tui_blank(text) ? "+28" : text,
	    mdt_store_now(app->store), review);
	if (st != MDT_OK) {
		tui_app_message(app, true, "%s", mdt_strerror(st));
		return false;
	}
	if (!tui_app_check(app, mdt_outcome_record(app->store,
	    app->pending_slot_id, MDT_OUTCOME_STAY, review)))
		return false;
	tui_app_message(app, false, "Outcome recorded: %s, review %s",
	    mdt_outcome_label(MDT_OUTCOME_STAY), review);
	return true;
}

static void
tui_outcome_picked(struct tui_app *app, int64_t id)
{
	enum mdt_outcome_kind kind = (enum mdt_outcome_kind)id;

	if (kind == MDT_OUTCOME_STAY) {
		tui_prompt_open(app,
		    "Review date (YYYY-MM-DD or +days, Enter = +28): ",
		    tui_outcome_review_submit);
		return;
	}
	if (!tui_app_check(app, mdt_outcome_record(app->store,
	    app->pending_slot_id, kind, NULL)))
		return;
	if (kind == MDT_OUTCOME_DIED)
		tui_app_message(app, false, "Outcome recorded: %s (an action "
		    "to contact the relatives was added)",
		    mdt_outcome_label(kind));
	else
		tui_app_message(app, false, "Outcome recorded: %s",
		    mdt_outcome_label(kind));
}

static void
tui_key_contact_picked(struct tui_app *app, int64_t person_id)
{
	const struct mdt_slot *s = tui_slot_pending(app);

	if (s == NULL)
		return;
	if (tui_app_check(app, mdt_key_contact_set(app->store, s->patient_id,
	    person_id))) {
		s = tui_slot_pending(app);
		tui_app_message(app, false, "Key contact: %s",
		    s != NULL ? tui_str(s->key_contact_name) : "");
	}
}

/* c: consent to be discussed (the basis, then a justification where it
 * needs one, then the organisations to exclude). */
static void
tui_slot_consent(struct tui_app *app, const struct mdt_slot *s)
{
	tui_slot_begin(app, s, TUI_PENDING_CONSENT);
	tui_picker_open(app, "Consent to be discussed", tui_consent_picked);
	tui_picker_add(app, MDT_CONSENT_GIVEN, "Given");
	tui_picker_add(app, MDT_CONSENT_BEST_INTERESTS,
	    "Not given - best interests");
	tui_picker_add(app, MDT_CONSENT_RISK_TO_OTHERS,
	    "Not given - risk to others");
}

/* w: a note. */
static void
tui_slot_note(struct tui_app *app, const struct mdt_slot *s)
{
	tui_slot_begin(app, s, TUI_PENDING_NOTE);
	tui_prompt_open(app, "Note: ", tui_note_submit);
}

/* a: a new action (its text, then the owner, then the due date). */
static void
tui_slot_action_new(struct tui_app *app, const struct mdt_slot *s)
{
	tui_slot_begin(app, s, TUI_PENDING_ACTION);
	tui_prompt_open(app, "Action: ", tui_action_text_submit);
}

/* o: the outcome (with a review date to stay on the caseload). */
static void
tui_slot_outcome(struct tui_app *app, const struct mdt_slot *s)
{
	tui_slot_begin(app, s, TUI_PENDING_OUTCOME);
	tui_picker_open(app, "Outcome", tui_outcome_picked);
	tui_picker_add(app, MDT_OUTCOME_STAY, "Stay on caseload");
	tui_picker_add(app, MDT_OUTCOME_STEP_DOWN, "Step down to rising risk");
	tui_picker_add(app, MDT_OUTCOME_CLOSE, "Close");
	tui_picker_add(app, MDT_OUTCOME_DIED, "Died");
}

/* K: the patient's key contact, from everyone known. */
static void
tui_slot_key_contact(struct tui_app *app, const struct mdt_slot *s)
{
	if (app->snap.n_people == 0) {
		tui_app_message(app, true, "Nobody is known to choose from");
		return;
	}
	tui_slot_begin(app, s, TUI_PENDING_KEY_CONTACT);
	tui_picker_open(app, "Key contact", tui_key_contact_picked);
	for (size_t i = 0; i < app->snap.n_people; i++) {
		const struct mdt_person *p = &app->snap.people[i];
		char label[512];

		snprintf(label, sizeof(label), "%s%s%s%s", tui_str(p->name),
		    p->role != NULL && p->role[0] ? " (" : "",
		    p->role != NULL && p->role[0] ? p->role : "",
		    p->role != NULL && p->role[0] ? ")" : "");
		if (p->id == s->key_contact_id)
			app->input.sel = i;
		tui_picker_add(app, p->id, label);
	}
}

/* ---- the actions of the slot: marking and reviewing ----------------- */

/*
 * The new owner chosen in a reassignment, kept until the due date is
 * typed.  The pending fields of struct tui_app hold one id, and it holds
 * the action being reassigned; like them, this is only where the chair is
 * in an entry, never part of the record.
 */
static int64_t tui_reassign_owner;

/* The action of the slot with this id in the snapshot; NULL if the slot no
 * longer lists it (another window may have changed the record). */
static const struct mdt_action *
tui_slot_action(const struct tui_app *app, int64_t action_id)
{
	for (size_t i = 0; i < app->snap.n_actions; i++)
		if (app->snap.actions[i].id == action_id)
			return &app->snap.actions[i];
	return NULL;
}

/*
 * The slot and its selected action to act on, or NULL after saying why
 * there is none.  Reviewing a carried-forward action is part of the
 * discussion, so it waits for consent like a note; so do cancelling and
 * reassigning (an action agreed now implies consent anyway).
 */
static const struct mdt_action *
tui_slot_selected(struct tui_app *app, bool need_consent,
    const struct mdt_slot **slot)
{
	const struct mdt_slot *s = tui_slot_target(app, false);
	size_t idx[TUI_MAX_SLOT_ACTIONS], n;

	*slot = s;
	if (s == NULL)
		return NULL;
	n = tui_slot_actions(app, s, idx, TUI_MAX_SLOT_ACTIONS);
	if (n == 0) {
		tui_app_message(app, true, "No action here: press a to agree "
		    "one");
		return NULL;
	}
	if (need_consent && s->consent == MDT_CONSENT_NONE) {
		tui_app_message(app, true, "Record consent first: press c");
		return NULL;
	}
	if (app->slot_action_sel >= n)
		app->slot_action_sel = n - 1;
	return &app->snap.actions[idx[app->slot_action_sel]];
}

/* Records a verdict other than reassigned on a carried-forward action. */
static void
tui_action_review(struct tui_app *app, int64_t slot_id, int64_t action_id,
    enum mdt_action_verdict verdict)
{
	if (!tui_app_check(app, mdt_action_review(app->store, slot_id,
	    action_id, verdict, 0, NULL)))
		return;
	tui_slot_select_action(app, action_id);
	tui_app_message(app, false, "Action reviewed: %s",
	    tui_verdict_text(verdict));
}

/* d: an action agreed now toggles done / open, as it always has; one
 * carried forward is reviewed as done. */
static void
tui_action_toggle(struct tui_app *app)
{
	const struct mdt_slot *s;
	const struct mdt_action *ac;
	enum mdt_action_status next;
	int64_t id;

	if ((ac = tui_slot_selected(app, false, &s)) == NULL)
		return;
	id = ac->id;
	if (tui_action_carried(ac)) {
		if (s->consent == MDT_CONSENT_NONE) {
			tui_app_message(app, true,
			    "Record consent first: press c");
			return;
		}
		/* A verdict is replaced, never taken back: saying done
		 * twice changes nothing, and the other keys say the rest. */
		if (ac->verdict == MDT_VERDICT_DONE) {
			tui_app_message(app, false, "Already reviewed: done "
			    "(v keeps it open, r reassigns, x cancels)");
			return;
		}
		tui_action_review(app, s->id, id, MDT_VERDICT_DONE);
		return;
	}
	next = ac->status == MDT_ACTION_DONE ? MDT_ACTION_OPEN : MDT_ACTION_DONE;
	if (!tui_app_check(app, mdt_action_set_status(app->store, id, next)))
		return;
	tui_slot_select_action(app, id);
	tui_app_message(app, false, "Action marked %s",
	    mdt_action_status_name(next));
}

static void
tui_action_cancel_confirmed(struct tui_app *app)
{
	const struct mdt_action *ac = tui_slot_action(app, app->pending_id);
	int64_t id = app->pending_id;

	if (ac == NULL || tui_slot_pending(app) == NULL) {
		tui_app_message(app, true, "The action is no longer listed: "
		    "nothing cancelled");
		return;
	}
	if (tui_action_carried(ac)) {
		tui_action_review(app, app->pending_slot_id, id,
		    MDT_VERDICT_CANCELLED);
		return;
	}
	if (!tui_app_check(app, mdt_action_set_status(app->store, id,
	    MDT_ACTION_CANCELLED)))
		return;
	tui_slot_select_action(app, id);
	tui_app_message(app, false, "Action cancelled");
}

/* x: cancelling cannot be told apart from a slip of the finger later, so
 * it is asked first. */
static void
tui_action_cancel(struct tui_app *app)
{
	const struct mdt_slot *s;
	const struct mdt_action *ac;

	if ((ac = tui_slot_selected(app, true, &s)) == NULL)
		return;
	if (tui_action_carried(ac) ? ac->verdict == MDT_VERDICT_CANCELLED :
	    ac->status == MDT_ACTION_CANCELLED) {
		tui_app_message(app, false, "The action is already cancelled");
		return;
	}
	tui_slot_begin(app, s, TUI_PENDING_ACTION_CANCEL);
	app->pending_id = ac->id;
	tui_confirm_open(app, "Cancel this action? (y/n)",
	    tui_action_cancel_confirmed);
}

/* v: a carried-forward action stays open, and says it was looked at. */
static void
tui_action_keep(struct tui_app *app)
{
	const struct mdt_slot *s;
	const struct mdt_action *ac;

	if ((ac = tui_slot_selected(app, true, &s)) == NULL)
		return;
	if (!tui_action_carried(ac)) {
		tui_app_message(app, true, "v applies to carried-forward "
		    "actions only: this one was agreed now");
		return;
	}
	if (ac->verdict == MDT_VERDICT_OPEN) {
		tui_app_message(app, false, "Already reviewed: still open");
		return;
	}
	tui_action_review(app, s->id, ac->id, MDT_VERDICT_OPEN);
}

static bool
tui_action_reassign_due_submit(struct tui_app *app, const char *text)
{
	const struct mdt_action *ac = tui_slot_action(app, app->pending_id);
	int64_t id = app->pending_id, owner = tui_reassign_owner;
	const char *due = tui_blank(text) ? NULL : text;
	char parsed[11];
	enum mdt_status st;

	if (ac == NULL || tui_slot_pending(app) == NULL) {
		tui_app_message(app, true, "The action is no longer listed: "
		    "nothing reassigned");
		return true;
	}
	/* Said here rather than by core/ so that the prompt stays open
	 * with the text to correct. */
	if (due != NULL && (st = mdt_date_parse(due,
	    mdt_store_now(app->store), parsed)) != MDT_OK) {
		tui_app_message(app, true, "%s", mdt_strerror(st));
		return false;
	}
	if (owner == ac->owner_id &&
	    (due == NULL || strcmp(parsed, ac->due_date) == 0)) {
		tui_app_message(app, false, "Same owner and due date: nothing "
		    "reassigned%s", tui_action_carried(ac) ?
		    " (v keeps it open as it is)" : "");
		return true;
	}
	if (tui_action_carried(ac))
		st = mdt_action_review(app->store, app->pending_slot_id, id,
		    MDT_VERDICT_REASSIGNED, owner, due);
	else
		st = mdt_action_reassign(app->store, id, owner, due);
	if (!tui_app_check(app, st))
		return false;
	tui_slot_select_action(app, id);
	ac = tui_slot_action(app, id);
	if (ac != NULL)
		tui_app_message(app, false, "Action reassigned: %s, due %s",
		    tui_str(ac->owner_name), ac->due_date);
	else
		tui_app_message(app, false, "Action reassigned");
	return true;
}

static void
tui_action_reassign_owner_picked(struct tui_app *app, int64_t person_id)
{
	if (tui_owner_new(app, person_id))
		return;
	tui_reassign_owner = person_id;
	tui_prompt_open(app, "Due (YYYY-MM-DD or +days, Enter = keep): ",
	    tui_action_reassign_due_submit);
}

/* r: a new owner (as for a new action: those present first), then the due
 * date.  A carried-forward action is reviewed as reassigned, which reopens
 * it if it had been closed in this slot. */
static void
tui_action_reassign(struct tui_app *app)
{
	const struct mdt_slot *s;
	const struct mdt_action *ac;
	size_t n = 0;

	if ((ac = tui_slot_selected(app, true, &s)) == NULL)
		return;
	if (!tui_action_carried(ac) && ac->status != MDT_ACTION_OPEN) {
		tui_app_message(app, true, "Only an open action can be "
		    "reassigned: d reopens it");
		return;
	}
	for (size_t i = 0; i < app->snap.n_attendees; i++)
		if (app->snap.attendees[i].status == MDT_ATTEND_PRESENT)
			n++;
	if (n == 0) {
		tui_app_message(app, true, "Nobody is marked present to own "
		    "it: take the register first (2)");
		return;
	}
	tui_slot_begin(app, s, TUI_PENDING_ACTION_REASSIGN);
	app->pending_id = ac->id;
	tui_reassign_owner = 0;
	app->input.sel = tui_owner_picker(app, "New owner (present first)",
	    tui_action_reassign_owner_picked, ac->owner_id);
}

static void
tui_slot_next_anyway(struct tui_app *app)
{
	tui_app_chair(app, TUI_ACT_SLOT_NEXT);
}

/*
 * n closes the current slot.  Its carried-forward actions without a
 * verdict stay open (nothing is lost), but the chair is asked before
 * moving on, since the point of carrying them forward was to review them.
 * Returns false to let the application move on as usual.
 */
bool
tui_slot_check_next(struct tui_app *app)
{
	const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);
	enum mdt_status st;
	char question[160];
	int n = 0;

	if (cur == NULL || cur->state == MDT_SLOT_DONE)
		return false;
	/* Asked of the store, not the snapshot: the verdicts may have been
	 * given in another window a moment ago. */
	st = mdt_slot_unreviewed_actions(app->store, cur->id, &n);
	if (st != MDT_OK) {
		tui_app_message(app, true, "%s", mdt_store_error(app->store));
		return true;
	}
	if (n == 0)
		return false;
	snprintf(question, sizeof(question), "%d carried-forward action%s "
	    "not reviewed. Move on anyway? (y/n)", n, n == 1 ? "" : "s");
	tui_confirm_open(app, question, tui_slot_next_anyway);
	return true;
}

static bool
tui_slot_key(struct tui_app *app, enum tui_action act)
{
	const struct mdt_slot *s;

	switch (act) {
	case TUI_ACT_MOVE_DOWN:
		app->slot_action_sel++;	/* clamped when drawn */
		return true;
	case TUI_ACT_MOVE_UP:
		if (app->slot_action_sel > 0)
			app->slot_action_sel--;
		return true;
	case TUI_ACT_PAGE_DOWN:
		app->slot_action_sel += 5;
		return true;
	case TUI_ACT_PAGE_UP:
		app->slot_action_sel = app->slot_action_sel > 5 ?
		    app->slot_action_sel - 5 : 0;
		return true;
	case TUI_ACT_CONSENT:
		if ((s = tui_slot_target(app, false)) != NULL)
			tui_slot_consent(app, s);
		return true;
	case TUI_ACT_NOTE:
		if ((s = tui_slot_target(app, true)) != NULL)
			tui_slot_note(app, s);
		return true;
	case TUI_ACT_ACTION_NEW:
		if ((s = tui_slot_target(app, true)) != NULL)
			tui_slot_action_new(app, s);
		return true;
	case TUI_ACT_OUTCOME:
		if ((s = tui_slot_target(app, true)) != NULL)
			tui_slot_outcome(app, s);
		return true;
	case TUI_ACT_KEY_CONTACT:
		if ((s = tui_slot_target(app, false)) != NULL)
			tui_slot_key_contact(app, s);
		return true;
	case TUI_ACT_ACTION_DONE:
		tui_action_toggle(app);
		return true;
	case TUI_ACT_ACTION_CANCEL:
		tui_action_cancel(app);
		return true;
	case TUI_ACT_ACTION_KEEP:
		tui_action_keep(app);
		return true;
	case TUI_ACT_ACTION_REASSIGN:
		tui_action_reassign(app);
		return true;
	case TUI_ACT_SLOT_NEXT:
		return tui_slot_check_next(app);
	default:
		return false;
	}
}

static void
tui_slot_enter(struct tui_app *app)
{
	app->slot_action_sel = 0;
}

const struct tui_screen_ops tui_screen_slot = {
	.title = "Slot",
	.draw = tui_slot_draw,
	.key = tui_slot_key,
	.enter = tui_slot_enter,
	.leave = NULL,
};
