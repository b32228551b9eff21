/*
 * screen_agenda.c - the agenda: every slot in agenda order with its
 * patient, reason, planned length, state or time taken, and forecast end.
 *
 * The current slot is marked (">" as well as bold, so it shows without
 * colour); a rule is drawn before the first slot forecast to end after the
 * meeting's planned end, and every such slot says "late".  The selection
 * is only where the chair is looking; Enter opens the selected slot.  T
 * and V correct the meeting's title and venue (correct.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "correct.h"
#include "draw.h"
#include "list.h"
#include "screens.h"

/* The screen, as the console's table of the screens holds it. */
const struct tui_screen_ops tui_agenda_screen = {
	.title = "Agenda", .go = TUI_ACT_GO_AGENDA,
	.draw = tui_agenda_draw, .key = tui_agenda_key,
	.enter = tui_agenda_enter,
};

/* One line of the list: a slot, or the cut-off rule before slot_index. */
struct tui_agenda_line {
	long slot_index;	/* -1 for the cut-off rule */
};

static void
tui_agenda_state(const struct tui_app *app, const struct mdt_slot *s,
    char *out, size_t len)
{
	char t[16];

	tui_fmt_mmss(tui_app_slot_elapsed(app, s), t, sizeof(t));
	switch (s->state) {
	case MDT_SLOT_PENDING:
		snprintf(out, len, "waiting");
		break;
	case MDT_SLOT_RUNNING:
		snprintf(out, len, "running %s", t);
		break;
	case MDT_SLOT_PAUSED:
		snprintf(out, len, "paused %s", t);
		break;
	case MDT_SLOT_DONE:
		snprintf(out, len, "done %s", t);
		break;
	}
}

static bool
tui_agenda_late(const struct tui_app *app, size_t i)
{
	return app->ends != NULL && app->ends_cap > i &&
	    app->ends[i] > app->planned_end;
}

void
tui_agenda_draw(struct tui_app *app, int top, int rows)
{
	const struct mdt_snapshot *snap = &app->snap;
	const struct mdt_slot *cur = mdt_snapshot_current(snap);
	struct tui_agenda_line lines[512];
	size_t n_lines = 0, sel_line = 0, list_rows, done = 0;
	long cut = -1;
	int w_pat, w_reason, extra, x;
	char plan[16], fin[16], head[256], count[64];
	const int w_mark = 2, w_num = 2, w_nhs = 12, w_plan = 4, w_state = 13,
	    w_ends = 10;

	if (snap->n_slots > 0 && app->agenda_sel >= snap->n_slots)
		app->agenda_sel = snap->n_slots - 1;
	for (size_t i = 0; i < snap->n_slots; i++) {
		if (snap->slots[i].state == MDT_SLOT_DONE)
			done++;
		if (cut < 0 && tui_agenda_late(app, i))
			cut = (long)i;
	}
	tui_fmt_hhmm(app->planned_end, plan, sizeof(plan));

	/* Column widths: patient and reason share what is left. */
	extra = COLS - (w_mark + w_num + 1 + 1 + w_nhs + 1 + 1 + w_plan + 1 +
	    w_state + 1 + w_ends + 1);
	w_pat = extra / 2 > 30 ? 30 : extra / 2;
	w_reason = extra - w_pat;
	{
		static const char *const titles[] = { "#", "Patient",
		    "NHS no.", "Reason", "Plan", "State/time", "Ends" };
		const int widths[] = { -w_num, w_pat, w_nhs, w_reason, w_plan,
		    w_state, w_ends };

		tui_put_headings(top + 1, w_mark, titles, widths, 7,
		    tui_attr(TUI_STYLE_HEADER));
	}

	for (size_t i = 0; i < snap->n_slots && n_lines + 2 <
	    sizeof(lines) / sizeof(lines[0]); i++) {
		if ((long)i == cut)
			lines[n_lines++].slot_index = -1;
		if (i == app->agenda_sel)
			sel_line = n_lines;
		lines[n_lines++].slot_index = (long)i;
	}
	if (snap->n_slots == 0) {
		tui_put(top + 3, 4, COLS - 8,
		    "No patients on the agenda of this meeting.", A_NORMAL,
		    false);
	}
	list_rows = rows > 3 ? (size_t)(rows - 3) : 1;
	tui_list_clamp(n_lines, list_rows, &sel_line, &app->agenda_top);

	for (size_t r = 0; r < list_rows && app->agenda_top + r < n_lines;
	    r++) {
		const struct tui_agenda_line *ln = &lines[app->agenda_top + r];
		int y = top + 2 + (int)r;
		const struct mdt_slot *s;
		char buf[64], nhs[13];
		attr_t a = A_NORMAL;
		bool late, selected;

		if (ln->slot_index < 0) {
			char label[128];

			snprintf(label, sizeof(label), "planned end %s: "
			    "slots below are forecast to overrun", plan);
			tui_rule(y, 0, COLS, label, tui_attr(TUI_STYLE_RED));
			continue;
		}
		s = &snap->slots[ln->slot_index];
		late = tui_agenda_late(app, (size_t)ln->slot_index);
		selected = (size_t)ln->slot_index == app->agenda_sel;
		if (s->state == MDT_SLOT_DONE)
			a = tui_attr(TUI_STYLE_DIM);
		if (cur != NULL && s->id == cur->id)
			a = tui_attr(TUI_STYLE_CURRENT);
		if (selected)
			a |= tui_attr(TUI_STYLE_SELECT);
		tui_fill(y, 0, COLS, a);
		if (cur != NULL && s->id == cur->id)
			tui_put(y, 0, w_mark, tui_draw_utf8() ? "\u25b6" : ">",
			    a, false);
		x = w_mark;
		snprintf(buf, sizeof(buf), "%d", s->position);
		tui_put_right(y, x, w_num, buf, a);
		x += w_num + 1;
		tui_put(y, x, w_pat, s->patient_name, a, false);
		x += w_pat + 1;
		mdt_nhs_format(s->nhs_number, nhs);
		tui_put(y, x, w_nhs, nhs, a, false);
		x += w_nhs + 1;
		tui_put(y, x, w_reason, s->reason, a, false);
		x += w_reason + 1;
		tui_fmt_mmss((int64_t)(s->times.planned_s +
		    s->times.extended_s) * 1000, buf, sizeof(buf));
		tui_put_right(y, x, w_plan, buf, a);
		x += w_plan + 1;
		tui_agenda_state(app, s, buf, sizeof(buf));
		tui_put(y, x, w_state, buf, a, false);
		x += w_state + 1;
		if (app->ends != NULL && app->ends_cap > (size_t)ln->slot_index)
			tui_fmt_hhmm(app->ends[ln->slot_index], fin,
			    sizeof(fin));
		else
			snprintf(fin, sizeof(fin), "--:--");
		if (late) {
			snprintf(buf, sizeof(buf), "%s late", fin);
			tui_put(y, x, w_ends, buf,
			    selected ? a : tui_attr(TUI_STYLE_RED), false);
		} else {
			tui_put(y, x, w_ends, fin, a, false);
		}
	}
	/* the patients in view, when not all are: slots, not lines (the
	 * planned end's rule is no patient), in place of the count, so that
	 * the forecast is never overwritten */
	if (n_lines > list_rows) {
		size_t first = SIZE_MAX, last = 0;

		for (size_t r = 0; r < list_rows && app->agenda_top + r <
		    n_lines; r++) {
			long k = lines[app->agenda_top + r].slot_index;

			if (k >= 0 && first == SIZE_MAX)
				first = (size_t)k;
			if (k >= 0)
				last = (size_t)k;
		}
		if (first == SIZE_MAX)
			first = last;
		snprintf(count, sizeof(count), "%zu-%zu of %zu", first + 1,
		    last + 1, snap->n_slots);
	} else
		snprintf(count, sizeof(count), "%zu patient%s", snap->n_slots,
		    snap->n_slots == 1 ? "" : "s");
	tui_fmt_hhmm(app->finish, fin, sizeof(fin));
	snprintf(head, sizeof(head),
	    "Agenda: %s, %zu done   Planned end %s   Forecast ~%s%s", count,
	    done, plan, fin, app->finish > app->planned_end ? " (late)" : "");
	tui_put(top, 1, COLS - 2, head, A_BOLD, false);
	tui_app_draw_hints(app, top + rows - 1);
}

void
tui_agenda_enter(struct tui_app *app)
{
	const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);

	/* Start where the meeting is: the current slot, else the first one
	 * still to discuss. */
	app->agenda_sel = 0;
	if (cur != NULL) {
		long i = tui_app_slot_index(app, cur->id);

		app->agenda_sel = i >= 0 ? (size_t)i : 0;
		return;
	}
	for (size_t i = 0; i < app->snap.n_slots; i++) {
		if (app->snap.slots[i].state != MDT_SLOT_DONE) {
			app->agenda_sel = i;
			return;
		}
	}
}

bool
tui_agenda_key(struct tui_app *app, enum tui_action act)
{
	size_t n = app->snap.n_slots;

	if (tui_list_move(act, &app->agenda_sel, n, 10))
		return true;
	switch (act) {
	case TUI_ACT_OPEN_SLOT: {
		const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);

		if (n == 0)
			return true;
		if (app->agenda_sel >= n)
			app->agenda_sel = n - 1;
		app->view_slot_id = app->snap.slots[app->agenda_sel].id;
		if (cur != NULL && cur->id == app->view_slot_id)
			app->view_slot_id = 0;
		tui_app_switch(app, TUI_SCREEN_SLOT);
		return true;
	}
	case TUI_ACT_ADD_ON_DAY:
		tui_prep_add_on_day(app);
		return true;
	case TUI_ACT_TITLE:
	case TUI_ACT_VENUE:
		return tui_correct_meeting(app, act);
	case TUI_ACT_SLOT_NEXT:
		/* Carried-forward actions without a verdict: ask first. */
		if (tui_slot_check_next(app))
			return true;
		return tui_app_chair(app, act);
	default:
		if (tui_app_chair(app, act)) {
			/* Keep the selection on the meeting's place. */
			if (app->screen == TUI_SCREEN_AGENDA)
				tui_agenda_enter(app);
			return true;
		}
		return false;
	}
}
