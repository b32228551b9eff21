/*
 * screen_present.c - the projector's view of the live meeting
 * (`mdtchair present`): the slot clock in block digits that grow with the
 * terminal, coloured by band and said in words, the agenda with done /
 * current / next marks and the cut-off of the planned end, the forecast
 * finish, and the actions agreed so far for the patient being discussed.
 *
 * It runs in a process of its own on the same database and only reads:
 * the application's watch timer reloads the snapshot whenever the chair's
 * console commits.  The room sees patients masked (initials, year of
 * birth, last three digits of the NHS number) unless the view was started
 * with --unmask for a private screen.  No patient is shown at all until
 * someone is marked present and everyone present has acknowledged the
 * confidentiality agreement in the register; the clock and the names of
 * the staff still waiting are.  While the chair has blanked the
 * projector, nothing but a neutral line is drawn.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "draw.h"
#include "screens.h"

/* The screen, as the console's table of the screens holds it. */
const struct tui_screen_ops tui_present_screen = {
	.title = "Projector", .go = TUI_ACT_NONE,
	.draw = tui_present_draw, .key = tui_present_key,
};

/* The patient as the room may see them. */
static void
tui_present_patient(const struct tui_app *app, const struct mdt_slot *s,
    char *buf, size_t len)
{
	char nhs[13], dob[32];

	if (!app->unmask) {
		mdt_patient_mask(s->patient_name, s->date_of_birth,
		    s->nhs_number, buf, len);
		return;
	}
	mdt_nhs_format(s->nhs_number, nhs);
	tui_fmt_date(s->date_of_birth, dob, sizeof(dob));
	snprintf(buf, len, "%s, born %s, NHS %s", tui_str(s->patient_name),
	    dob, nhs);
}

/* The largest clock that leaves room for the rest: at most about two
 * fifths of the rows, and the width of the screen. */
static int
tui_present_scale(const char *clock, int rows)
{
	int scale = 1;

	while (tui_bigclock_height(scale + 1) <= rows * 2 / 5 &&
	    tui_bigclock_width(clock, scale + 1) <= COLS - 4)
		scale++;
	return scale;
}

static void
tui_present_blank(int top, int rows)
{
	tui_put(top + rows / 2, COLS / 2 - 3, COLS, "Paused",
	    tui_attr(TUI_STYLE_DIM), false);
}

/* The agenda, from a row that keeps the current slot in sight; the
 * cut-off line goes before the first slot forecast to end late. */
static void
tui_present_agenda(struct tui_app *app, int y, int x, int w, int rows)
{
	const struct mdt_snapshot *snap = &app->snap;
	const struct mdt_slot *cur = mdt_snapshot_current(snap);
	long cur_i = cur != NULL ? tui_app_slot_index(app, cur->id) : -1;
	long next_i = -1, cut_i = -1, first = 0;
	bool utf8 = tui_draw_utf8();
	bool have_ends = app->ends != NULL &&
	    app->ends_cap >= snap->n_slots;
	int used = 0;

	tui_put(y, x, w, "Agenda", tui_attr(TUI_STYLE_HEADER), true);
	y++;
	rows--;
	/* the times are when each slot is expected to end, as on the
	 * chair's agenda */
	if (rows > 1) {
		tui_putf(y, x, w, tui_attr(TUI_STYLE_DIM), true, "  %2s %-5s %s",
		    "#", "Ends", "Patient");
		y++;
		rows--;
	}
	for (size_t i = 0; i < snap->n_slots; i++) {
		const struct mdt_slot *s = &snap->slots[i];

		if (next_i < 0 && (long)i != cur_i &&
		    s->state != MDT_SLOT_DONE && (long)i > cur_i)
			next_i = (long)i;
		if (cut_i < 0 && have_ends && s->state != MDT_SLOT_DONE &&
		    app->ends[i] > app->planned_end)
			cut_i = (long)i;
	}
	if (next_i < 0)
		for (size_t i = 0; i < snap->n_slots; i++)
			if ((long)i != cur_i &&
			    snap->slots[i].state != MDT_SLOT_DONE) {
				next_i = (long)i;
				break;
			}
	if (cur_i > 1 && (long)snap->n_slots > rows - 1)
		first = cur_i - 1;
	for (long i = first; i < (long)snap->n_slots && used < rows; i++) {
		const struct mdt_slot *s = &snap->slots[i];
		const char *mark = "  ";
		attr_t a = A_NORMAL;
		char who[256], end[16], line[384];

		if (i == cut_i) {
			char plan[16], label[64];

			tui_fmt_hhmm(app->planned_end, plan, sizeof(plan));
			snprintf(label, sizeof(label), " cut-off %s ", plan);
			tui_rule(y + used, x, w, label,
			    tui_attr(TUI_STYLE_RED));
			used++;
			if (used >= rows)
				break;
		}
		if (i == cur_i) {
			mark = utf8 ? "\u25b6 " : "> ";
			a = tui_attr(TUI_STYLE_CURRENT) | A_BOLD;
		} else if (s->state == MDT_SLOT_DONE) {
			mark = utf8 ? "\u2713 " : "x ";
			a = tui_attr(TUI_STYLE_DIM);
		} else if (i == next_i) {
			mark = utf8 ? "\u203a " : "- ";
		}
		tui_present_patient(app, s, who, sizeof(who));
		if (have_ends)
			tui_fmt_hhmm(app->ends[i], end, sizeof(end));
		else
			snprintf(end, sizeof(end), "--:--");
		snprintf(line, sizeof(line), "%s%2d %s %s%s", mark,
		    s->position, end, who, i == next_i ? "  (next)" : "");
		tui_put(y + used, x, w, line, a, true);
		used++;
	}
}

/* The actions agreed so far in the current slot. */
static void
tui_present_actions(struct tui_app *app, const struct mdt_slot *cur, int y,
    int x, int w, int rows)
{
	const struct mdt_snapshot *snap = &app->snap;
	int used = 0, n = 0;

	tui_put(y, x, w, "Actions agreed", tui_attr(TUI_STYLE_HEADER), true);
	y++;
	rows--;
	if (cur == NULL)
		return;
	for (size_t i = 0; i < snap->n_actions && used + 1 < rows; i++) {
		const struct mdt_action *ac = &snap->actions[i];
		char due[32];

		if (ac->slot_id != cur->id ||
		    ac->status == MDT_ACTION_CANCELLED)
			continue;
		n++;
		tui_fmt_date(ac->due_date, due, sizeof(due));
		tui_putf(y + used, x, w, A_BOLD, true, "%d. %s", n,
		    tui_str(ac->text));
		tui_putf(y + used + 1, x + 3, w - 3, tui_attr(TUI_STYLE_DIM),
		    true, "%s, by %s", tui_str(ac->owner_name), due);
		used += 2;
	}
	if (n == 0)
		tui_put(y, x, w, "none yet", tui_attr(TUI_STYLE_DIM), true);
}

/* In place of the agenda and the actions while the register is not
 * complete: why, and whom the room is waiting for (staff, not patients). */
static void
tui_present_withheld(struct tui_app *app, int y, int x, int w, int rows)
{
	const struct mdt_snapshot *snap = &app->snap;
	char line[512];
	size_t used = 0, n = 0;
	int r = 0;

	tui_put(y + r++, x, w, "Agenda", tui_attr(TUI_STYLE_HEADER), true);
	if (r >= rows)
		return;
	tui_put(y + r++, x, w, "Patient details are withheld until everyone"
	    " present has acknowledged the confidentiality agreement.",
	    A_BOLD, true);
	if (r >= rows)
		return;
	line[0] = '\0';
	for (size_t i = 0; i < snap->n_attendees; i++) {
		const struct mdt_attendee *at = &snap->attendees[i];
		int k;

		if (!mdt_attendee_here(at) || at->confidentiality_ack)
			continue;
		k = snprintf(line + used, sizeof(line) - used, "%s%s",
		    n++ == 0 ? "Waiting for: " : ", ",
		    tui_str(at->person.name));
		if (k < 0 || (size_t)k >= sizeof(line) - used)
			break;
		used += (size_t)k;
	}
	if (n == 0)
		snprintf(line, sizeof(line), "Nobody is marked present yet.");
	tui_put(y + r, x, w, line, tui_attr(TUI_STYLE_AMBER), true);
}

void
tui_present_draw(struct tui_app *app, int top, int rows)
{
	const struct mdt_snapshot *snap = &app->snap;
	const struct mdt_meeting *m = &snap->meeting;
	const struct mdt_slot *cur = mdt_snapshot_current(snap);
	char clock[48], fin[16], plan[16], head[512], who[256], words[128];
	attr_t ca;
	int y = top, scale, ch, cw, body, left_w;
	bool late, cleared = mdt_snapshot_room_cleared(snap, NULL);

	if (m->projector_blank) {
		tui_present_blank(top, rows);
		return;
	}
	tui_fmt_hhmm(app->finish, fin, sizeof(fin));
	tui_fmt_hhmm(app->planned_end, plan, sizeof(plan));
	late = m->state != MDT_MEETING_CLOSED && app->finish > app->planned_end;
	tui_fill(y, 0, COLS, tui_attr(TUI_STYLE_TITLE));
	tui_putf(y, 0, COLS / 2, tui_attr(TUI_STYLE_TITLE), false, " %s",
	    tui_str(m->title));
	if (m->state == MDT_MEETING_CLOSED)
		snprintf(head, sizeof(head), "Meeting closed ");
	else
		snprintf(head, sizeof(head), "Finish ~%s (plan %s)%s ", fin,
		    plan, late ? " LATE" : "");
	tui_put_right(y, COLS / 2, COLS - COLS / 2, head,
	    late ? tui_attr(TUI_STYLE_RED) | A_BOLD :
	    tui_attr(TUI_STYLE_TITLE));
	y++;

	if (cur != NULL) {
		int64_t el = tui_app_slot_elapsed(app, cur);
		enum mdt_band band = mdt_slot_band(el, m->warn_s, m->over_s,
		    cur->times.extended_s);
		char plan_s[16];

		snprintf(clock, sizeof(clock), "%02lld:%02lld",
		    (long long)(el / 60000), (long long)(el / 1000 % 60));
		ca = tui_attr(tui_band_style(band));
		tui_fmt_mmss((int64_t)(cur->times.planned_s +
		    cur->times.extended_s) * 1000, plan_s, sizeof(plan_s));
		snprintf(words, sizeof(words), "%s  of %s%s",
		    tui_band_text(band), plan_s,
		    cur->state == MDT_SLOT_PAUSED ? "  (paused)" : "");
		if (cleared)
			tui_present_patient(app, cur, who, sizeof(who));
		else
			snprintf(who, sizeof(who), "(withheld)");
		tui_putf(y, 1, COLS - 2, A_BOLD, false, "Slot %d/%zu: %s",
		    cur->position, snap->n_slots, who);
	} else {
		/* Dim zeros: the block font has digits and the colon only. */
		snprintf(clock, sizeof(clock), "00:00");
		ca = tui_attr(TUI_STYLE_DIM);
		snprintf(words, sizeof(words), "%s",
		    m->state == MDT_MEETING_CLOSED ? "closed" :
		    "no slot running");
		tui_put(y, 1, COLS - 2, "Between patients", A_BOLD, false);
	}
	y++;
	scale = tui_present_scale(clock, rows);
	ch = tui_bigclock_height(scale);
	cw = tui_bigclock_width(clock, scale);
	tui_bigclock(y, (COLS - cw) / 2, clock, scale, ca);
	y += ch;
	tui_put(y, (COLS - tui_text_width(words)) / 2, COLS, words,
	    ca | A_BOLD, false);
	y += 2;

	body = top + rows - y;
	if (body < 2)
		return;
	/* The agenda gets the room it needs for a masked patient at 80
	 * columns; the actions the rest. */
	if (!cleared) {
		tui_present_withheld(app, y, 1, COLS - 2, body);
		return;
	}
	left_w = COLS * 3 / 5;
	tui_present_agenda(app, y, 1, left_w - 2, body);
	tui_present_actions(app, cur, y, left_w + 1, COLS - left_w - 2,
	    body);
}

bool
tui_present_key(struct tui_app *app, enum tui_action act)
{
	(void)app;
	(void)act;
	return false;
}
