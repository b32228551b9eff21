/*
 * screen_slot_draw.c - drawing the slot screen: who the patient is, the
 * big clock in the green / amber / red band (said in words too, for
 * those who cannot tell the colours apart), consent and exclusions,
 * notes, the patient's actions with their status, and the outcome; or,
 * with no slot, what to press to start one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "draw.h"
#include "list.h"
#include "screen_slot.h"
#include "screens.h"

/* Whether the slot has a note left half typed, as read at reload number
 * at: read again when the meeting's data changed or a prompt was open
 * (typing saves the draft, Esc drops it), not on each clock tick. */
static struct {
	bool known, draft;
	uint64_t at;
	int64_t slot_id;
} tui_draft_seen;

static bool
tui_slot_has_draft(struct tui_app *app, int64_t slot_id)
{
	char *text = NULL;

	if (app->input.kind == TUI_INPUT_PROMPT) {
		tui_draft_seen.known = false;
		return false;
	}
	if (!tui_draft_seen.known || tui_draft_seen.at != app->reloads ||
	    tui_draft_seen.slot_id != slot_id) {
		tui_draft_seen.draft = mdt_note_draft_get(app->store, slot_id,
		    &text) == MDT_OK;
		free(text);
		tui_draft_seen.known = true;
		tui_draft_seen.at = app->reloads;
		tui_draft_seen.slot_id = slot_id;
	}
	return tui_draft_seen.draft;
}

/* Carried forward, still open and without a verdict in this slot: what
 * mdt_slot_unreviewed_actions counts. */
static bool
tui_action_to_review(const struct mdt_action *ac)
{
	return tui_action_carried(ac) && ac->status == MDT_ACTION_OPEN &&
	    ac->verdict == MDT_VERDICT_NONE;
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

/* What the central record says of an action, into out (when len > 0):
 * 1 if there is a line to show, else 0.  Its conflict is settled on the
 * actions screen (7): K is the key contact here. */
static int
tui_slot_mark(const struct mdt_action *ac, char *out, size_t len)
{
	struct tui_record_mark m = { ac->record_conflict, ac->record_applied,
	    ac->record_status, ac->record_modified, ac->record_owner,
	    ac->owner_name };
	char scratch[640];

	if (len == 0) {
		out = scratch;
		len = sizeof(scratch);
	}
	return tui_record_line(&m, false, out, len) ? 1 : 0;
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

/* What the central record said of the patient's discussions at meetings
 * not held here, as last read from the store: read again when the
 * console has reloaded or for another patient. */
static struct {
	uint64_t loaded_at;	/* app->reloads when read; 0 never */
	int64_t patient_id;
	struct mdt_elsewhere e;
} tui_slot_ew;

/* The patient's latest discussion elsewhere after the header's text in
 * buf (len bytes), if the record told of one. */
static void
tui_slot_elsewhere(struct tui_app *app, int64_t patient_id, char *buf,
    size_t len)
{
	char line[1400];
	size_t used = strlen(buf);

	if (tui_slot_ew.loaded_at != app->reloads || tui_slot_ew.loaded_at == 0 ||
	    tui_slot_ew.patient_id != patient_id) {
		mdt_elsewhere_done(&tui_slot_ew.e);
		if (mdt_elsewhere_of(app->store, patient_id, &tui_slot_ew.e) !=
		    MDT_OK)
			memset(&tui_slot_ew.e, 0, sizeof(tui_slot_ew.e));
		tui_slot_ew.loaded_at = app->reloads;
		tui_slot_ew.patient_id = patient_id;
	}
	if (tui_slot_ew.e.n > 0 && used < len)
		snprintf(buf + used, len - used, " - Elsewhere: %s",
		    mdt_elsewhere_line(&tui_slot_ew.e, false, line,
		    sizeof(line)));
}

void
tui_slot_draw(struct tui_app *app, int top, int rows)
{
	const struct mdt_slot *s = tui_app_view_slot(app);
	const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);
	size_t idx[TUI_MAX_SLOT_ACTIONS], n_act, n_notes = 0, first_note;
	size_t note_idx[TUI_MAX_SLOT_NOTES];
	bool draft;
	char nhs[13], dob[32], today[11], buf[1024], when[16];
	int y, clock_h, rest, notes_rows, act_rows, age;
	/* Status is wide enough for "new, cancelled" and the verdicts. */
	int w_owner = 18, w_due = 10, w_status = 14, w_text;
	size_t n_review = 0, top_act = 0;
	attr_t h = tui_attr(TUI_STYLE_HEADER);

	tui_slot_draft_flush(app);
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
	tui_slot_elsewhere(app, s->patient_id, buf, sizeof(buf));
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
	if (s->consent == MDT_CONSENT_NONE && s->asked_line != NULL) {
		tui_putf(y, 1, COLS - 2, tui_attr(TUI_STYLE_AMBER), false,
		    "Consent: not recorded - asked before: %s - c, Enter"
		    " confirms", s->asked_line);
	} else if (s->consent == MDT_CONSENT_NONE) {
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
		char outcome[160];

		if (s->died_on[0] != '\0')
			snprintf(outcome, sizeof(outcome), "%s on %s",
			    mdt_outcome_label(s->outcome), s->died_on);
		else
			tui_outcome_text(s, outcome, sizeof(outcome));
		snprintf(buf, sizeof(buf), "Outcome: %s", outcome);
		tui_put(y, 1, COLS - 2, buf, A_BOLD, false);
	}
	y++;

	/* Notes and actions share what is left above the key hints. */
	n_notes = tui_slot_notes(app, s, note_idx, TUI_MAX_SLOT_NOTES);
	/* a note left half typed, while its prompt is not open */
	draft = tui_slot_has_draft(app, s->id);
	n_act = tui_slot_actions(app, s, idx, TUI_MAX_SLOT_ACTIONS);
	rest = top + rows - 1 - y;
	notes_rows = (int)(n_notes > 0 ? n_notes : 1) + (draft ? 1 : 0);
	if (notes_rows > rest / 3)
		notes_rows = rest / 3 > 1 ? rest / 3 : 1;
	act_rows = rest - notes_rows - 2;

	if (app->slot_notes_focus && n_notes > 0)
		snprintf(buf, sizeof(buf), "Notes (%zu)  Enter reads whole,"
		    " E edits, W withdraws, Tab: actions", n_notes);
	else if (n_notes > 0)
		snprintf(buf, sizeof(buf), "Notes (%zu)  Tab selects them",
		    n_notes);
	else
		snprintf(buf, sizeof(buf), "Notes (%zu)", n_notes);
	tui_put(y, 1, COLS - 2, buf, h, false);
	y++;
	if (draft) {
		/* the chair must not miss it: in place of the latest note */
		tui_put(y + notes_rows - 1, 3, COLS - 4, "A note half typed was"
		    " kept - press w to finish it", tui_attr(TUI_STYLE_AMBER),
		    false);
		notes_rows--;
	}
	if (n_notes == 0) {
		app->slot_notes_focus = false;
		if (!draft)
			tui_put(y, 3, COLS - 4, "none yet - press w to write"
			    " one", tui_attr(TUI_STYLE_DIM), false);
	} else if (notes_rows > 0) {
		/* The latest notes are the ones to see, unless the chair
		 * is moving among them. */
		first_note = n_notes > (size_t)notes_rows ?
		    n_notes - (size_t)notes_rows : 0;
		if (app->slot_notes_focus)
			tui_list_clamp(n_notes, (size_t)notes_rows,
			    &app->slot_note_sel, &first_note);
		for (size_t k = first_note, r = 0; k < n_notes &&
		    r < (size_t)notes_rows; k++, r++) {
			const struct mdt_note *nt = &app->snap.notes[
			    note_idx[k]];
			bool sel = app->slot_notes_focus &&
			    k == app->slot_note_sel;
			attr_t a = sel ? tui_attr(TUI_STYLE_SELECT) : A_NORMAL;

			tui_fmt_hhmm(nt->created_at, when, sizeof(when));
			snprintf(buf, sizeof(buf), "%s  %s", when,
			    tui_str(nt->text));
			if (sel) {
				tui_fill(y + (int)r, 1, COLS - 2, a);
				tui_put(y + (int)r, 1, 1, ">", a, false);
			}
			tui_put(y + (int)r, 3, COLS - 4, buf, a, false);
		}
	}
	y += notes_rows + (draft ? 1 : 0);

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
	/* what the record says of an action takes a line under it: the
	 * top moves down until the selected one is shown with its lines */
	while (top_act < app->slot_action_sel) {
		int used = 0;

		for (size_t k = top_act; k <= app->slot_action_sel; k++)
			used += 1 + tui_slot_mark(&app->snap.actions[idx[k]],
			    NULL, 0);
		if (used <= act_rows)
			break;
		top_act++;
	}
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
		for (int r = 0, k0 = 0; r < act_rows && top_act +
		    (size_t)k0 < n_act; r++, k0++) {
			size_t k = top_act + (size_t)k0;
			const struct mdt_action *ac =
			    &app->snap.actions[idx[k]];
			bool sel = k == app->slot_action_sel &&
			    !app->slot_notes_focus;
			attr_t a = sel ? tui_attr(TUI_STYLE_SELECT) : A_NORMAL;
			attr_t sa;
			char st[32], mark[640];

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
			if (r + 1 < act_rows && tui_slot_mark(ac, mark,
			    sizeof(mark))) {
				r++;
				tui_put(y + r, 5, COLS - 6, mark,
				    ac->record_conflict ?
				    tui_attr(TUI_STYLE_ERROR) | A_BOLD :
				    tui_attr(TUI_STYLE_INFO), true);
			}
		}
	}
	tui_app_draw_hints(app, top + rows - 1);
}
