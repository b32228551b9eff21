/*
 * screen_summary.c - the close of the meeting: for each slot the minutes
 * taken against the five-to-seven-minute band and the outcome, a bar
 * chart of those times against the band, then the actions agreed in this
 * meeting grouped by owner.  C closes the meeting after a y/n question;
 * once closed, a banner says so.  T and V correct the meeting's title and
 * venue, before or after it is closed (correct.c).
 *
 * The content is one list of lines scrolled with j/k; the banner stays.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "correct.h"
#include "draw.h"
#include "input.h"
#include "list.h"
#include "screens.h"

/* The screen, as the console's table of the screens holds it. */
const struct tui_screen_ops tui_summary_screen = {
	.title = "Summary", .go = TUI_ACT_GO_SUMMARY,
	.draw = tui_summary_draw, .key = tui_summary_key,
	.enter = tui_summary_enter,
};

/* Lines of a scrolled list: only those in the window are drawn. */
struct tui_lines {
	int y0;		/* first screen row */
	int rows;	/* rows in the window */
	size_t top;	/* first line shown */
	size_t n;	/* lines emitted so far */
};

/* The screen row of the next line, or -1 if it is out of the window. */
static int
tui_lines_next(struct tui_lines *l)
{
	size_t i = l->n++;

	if (i < l->top || i >= l->top + (size_t)l->rows)
		return -1;
	return l->y0 + (int)(i - l->top);
}

static const char *
tui_band_word(const struct tui_app *app, const struct mdt_slot *s,
    int64_t ms)
{
	const struct mdt_meeting *m = &app->snap.meeting;

	if (s->state == MDT_SLOT_PENDING)
		return "not discussed";
	if (ms < (int64_t)m->warn_s * 1000)
		return "under";
	if (ms <= (int64_t)m->over_s * 1000)
		return "within";
	return "over";
}

static bool
tui_in_meeting(const struct tui_app *app, const struct mdt_action *a)
{
	return a->slot_id != 0 && mdt_snapshot_slot(&app->snap, a->slot_id) !=
	    NULL;
}

static int
tui_action_cmp(const void *pa, const void *pb)
{
	const struct mdt_action *a = *(const struct mdt_action *const *)pa;
	const struct mdt_action *b = *(const struct mdt_action *const *)pb;
	int c = strcmp(tui_str(a->owner_name), tui_str(b->owner_name));

	if (c != 0)
		return c;
	if (a->owner_id != b->owner_id)
		return a->owner_id < b->owner_id ? -1 : 1;
	if (a->created_at != b->created_at)
		return a->created_at < b->created_at ? -1 : 1;
	return a->id < b->id ? -1 : (a->id > b->id);
}

/* ---- the bar chart of slot times ------------------------------------ */

/* A bar's fill: one block in colour; without colour the band is told by
 * the character (and by the word after the bar). */
static const char *
tui_bar_fill(const char *band)
{
	if (tui_draw_has_colour())
		return tui_draw_utf8() ? "\u2588" : "#";
	if (strcmp(band, "over") == 0)
		return "#";
	if (strcmp(band, "within") == 0)
		return "=";
	return "-";
}

static attr_t
tui_bar_attr(const char *band)
{
	if (!tui_draw_has_colour())
		return A_NORMAL;
	if (strcmp(band, "over") == 0)
		return tui_attr(TUI_STYLE_RED);
	if (strcmp(band, "within") == 0)
		return tui_attr(TUI_STYLE_GREEN);
	return tui_attr(TUI_STYLE_AMBER);
}

/* The column (0..width) of ms on a scale of scale_ms over width. */
static int
tui_bar_cols(int64_t ms, int64_t scale_ms, int width)
{
	int64_t c = (ms * width + scale_ms / 2) / scale_ms;

	return c > width ? width : (int)c;
}

/* "5" for whole minutes, else "5:30". */
static void
tui_fmt_minutes(int seconds, char *out, size_t len)
{
	if (seconds % 60 == 0)
		snprintf(out, len, "%d", seconds / 60);
	else
		snprintf(out, len, "%d:%02d", seconds / 60, seconds % 60);
}

/*
 * One bar per slot, its length the minutes on the clock, on a scale from
 * 0 with markers at the warning and over times (5 and 7 minutes by
 * default); green within the band, amber under it, red over it, and the
 * band in words at the end.  Part of the scrolled list.
 */
static void
tui_summary_chart(struct tui_app *app, struct tui_lines *l)
{
	const struct mdt_snapshot *snap = &app->snap;
	const struct mdt_meeting *m = &snap->meeting;
	const int bx = 1 + 3 + 1 + 12 + 1;	/* where the bars begin */
	const char *marker = tui_draw_utf8() ? "\u2502" : "|";
	int bw = COLS - bx - 15, wcol, ocol, y;
	int64_t scale_ms = ((int64_t)m->over_s + 120) * 1000;
	char buf[160], a[16], b[16];

	if (bw < 10)
		bw = 10;
	for (size_t i = 0; i < snap->n_slots; i++) {
		int64_t ms = tui_app_slot_elapsed(app, &snap->slots[i]);

		if (snap->slots[i].state != MDT_SLOT_PENDING && ms > scale_ms)
			scale_ms = ms;
	}
	/* whole minutes */
	scale_ms = (scale_ms + 59999) / 60000 * 60000;
	wcol = tui_bar_cols((int64_t)m->warn_s * 1000, scale_ms, bw);
	ocol = tui_bar_cols((int64_t)m->over_s * 1000, scale_ms, bw);

	if ((y = tui_lines_next(l)) >= 0) {
		tui_fmt_minutes(m->warn_s, a, sizeof(a));
		tui_fmt_minutes(m->over_s, b, sizeof(b));
		snprintf(buf, sizeof(buf), "Slot times against the band "
		    "(markers at %s and %s minutes)", a, b);
		tui_put(y, 1, COLS - 2, buf, tui_attr(TUI_STYLE_HEADER), false);
	}
	/* The scale: 0, the two markers and the end, in minutes. */
	if ((y = tui_lines_next(l)) >= 0) {
		tui_put(y, bx, 1, "0", A_DIM, false);
		tui_fmt_minutes(m->warn_s, a, sizeof(a));
		tui_put(y, bx + wcol, (int)strlen(a), a, A_BOLD, false);
		tui_fmt_minutes(m->over_s, b, sizeof(b));
		tui_put(y, bx + ocol, (int)strlen(b), b, A_BOLD, false);
		snprintf(buf, sizeof(buf), "%lld min",
		    (long long)(scale_ms / 60000));
		if (bx + bw - (int)strlen(buf) > bx + ocol + (int)strlen(b))
			tui_put_right(y, bx, bw, buf, A_DIM);
	}
	for (size_t i = 0; i < snap->n_slots; i++) {
		const struct mdt_slot *s = &snap->slots[i];
		int64_t ms = tui_app_slot_elapsed(app, s);
		const char *band = tui_band_word(app, s, ms);
		int len;

		if ((y = tui_lines_next(l)) < 0)
			continue;
		snprintf(buf, sizeof(buf), "%d", s->position);
		tui_put_right(y, 1, 3, buf, A_NORMAL);
		tui_put(y, 5, 12, s->patient_name, A_NORMAL, false);
		if (s->state == MDT_SLOT_PENDING) {
			tui_put(y, bx, bw, "not discussed",
			    tui_attr(TUI_STYLE_DIM), false);
			continue;
		}
		len = tui_bar_cols(ms, scale_ms, bw);
		if (len == 0 && ms > 0)
			len = 1;
		if (wcol >= len)
			tui_put(y, bx + wcol, 1, marker, A_DIM, false);
		if (ocol >= len)
			tui_put(y, bx + ocol, 1, marker, A_DIM, false);
		for (int c = 0; c < len; c++)
			tui_put(y, bx + c, 1, tui_bar_fill(band),
			    tui_bar_attr(band), false);
		tui_fmt_mmss(ms, a, sizeof(a));
		snprintf(buf, sizeof(buf), "%s %s", a, band);
		tui_put(y, bx + bw + 2, COLS - bx - bw - 3, buf,
		    tui_bar_attr(band), false);
	}
	tui_lines_next(l);
}

void
tui_summary_draw(struct tui_app *app, int top, int rows)
{
	const struct mdt_snapshot *snap = &app->snap;
	const struct mdt_meeting *m = &snap->meeting;
	struct tui_lines l;
	const struct mdt_action **acts = NULL;
	size_t n_acts = 0, under = 0, within = 0, over = 0, undiscussed = 0;
	char buf[1024], t[16], warn[16], overs[16], when[16];
	int y, w_pat, x;
	const int w_num = 3, w_time = 7, w_band = 16;
	attr_t h = tui_attr(TUI_STYLE_HEADER);

	/* The banner. */
	if (m->state == MDT_MEETING_CLOSED) {
		tui_fmt_hhmm(m->closed_at, when, sizeof(when));
		snprintf(buf, sizeof(buf), " Meeting closed at %s - outcomes "
		    "queued for the central record", when);
		tui_put(top, 0, COLS, buf, tui_attr(TUI_STYLE_BANNER), true);
	} else {
		tui_put(top, 1, COLS - 2, "Meeting open - press C to close it "
		    "when the last slot is done", A_BOLD, false);
	}

	l.y0 = top + 1;
	l.rows = rows - 3;
	if (l.rows < 1)
		l.rows = 1;
	l.top = app->summary_top;
	l.n = 0;

	tui_fmt_mmss((int64_t)m->warn_s * 1000, warn, sizeof(warn));
	tui_fmt_mmss((int64_t)m->over_s * 1000, overs, sizeof(overs));
	if ((y = tui_lines_next(&l)) >= 0) {
		snprintf(buf, sizeof(buf), "Time per slot (band %s-%s)", warn,
		    overs);
		tui_put(y, 1, COLS - 2, buf, h, false);
	}
	/* The outcome (with its review date) gets what the name leaves. */
	w_pat = (COLS - 1 - w_num - 1 - w_time - 1 - w_band - 1) / 2;
	if (w_pat > 24)
		w_pat = 24;
	if ((y = tui_lines_next(&l)) >= 0) {
		x = 1;
		tui_put_right(y, x, w_num, "#", A_BOLD);
		x += w_num + 1;
		tui_put(y, x, w_pat, "Patient", A_BOLD, false);
		x += w_pat + 1;
		tui_put_right(y, x, w_time - 1, "Time", A_BOLD);
		x += w_time + 1;
		tui_put(y, x, w_band, "Band", A_BOLD, false);
		x += w_band + 1;
		tui_put(y, x, COLS - x - 1, "Outcome", A_BOLD, false);
	}
	for (size_t i = 0; i < snap->n_slots; i++) {
		const struct mdt_slot *s = &snap->slots[i];
		int64_t ms = tui_app_slot_elapsed(app, s);
		const char *band = tui_band_word(app, s, ms);
		attr_t ba = A_NORMAL;

		if (strcmp(band, "under") == 0)
			under++;
		else if (strcmp(band, "within") == 0)
			within++;
		else if (strcmp(band, "over") == 0)
			over++;
		else
			undiscussed++;
		if ((y = tui_lines_next(&l)) < 0)
			continue;
		if (strcmp(band, "over") == 0)
			ba = tui_attr(TUI_STYLE_RED);
		else if (strcmp(band, "within") == 0)
			ba = tui_attr(TUI_STYLE_GREEN);
		x = 1;
		snprintf(buf, sizeof(buf), "%d", s->position);
		tui_put_right(y, x, w_num, buf, A_NORMAL);
		x += w_num + 1;
		tui_put(y, x, w_pat, s->patient_name, A_NORMAL, false);
		x += w_pat + 1;
		if (s->state == MDT_SLOT_PENDING)
			snprintf(t, sizeof(t), "-");
		else
			tui_fmt_mmss(ms, t, sizeof(t));
		tui_put_right(y, x, w_time - 1, t, A_NORMAL);
		x += w_time + 1;
		if (s->state == MDT_SLOT_RUNNING || s->state == MDT_SLOT_PAUSED)
			snprintf(buf, sizeof(buf), "%s (%s)", band,
			    s->state == MDT_SLOT_RUNNING ? "running" :
			    "paused");
		else
			snprintf(buf, sizeof(buf), "%s", band);
		tui_put(y, x, w_band, buf, ba, false);
		x += w_band + 1;
		if (s->outcome == MDT_OUTCOME_NONE)
			snprintf(buf, sizeof(buf), "-");
		else
			tui_outcome_text(s, buf, sizeof(buf));
		tui_put(y, x, COLS - x - 1, buf, A_NORMAL, false);
	}
	if ((y = tui_lines_next(&l)) >= 0) {
		snprintf(buf, sizeof(buf), "%zu under, %zu within, %zu over "
		    "the band; %zu not discussed", under, within, over,
		    undiscussed);
		tui_put(y, 1, COLS - 2, buf, A_BOLD, false);
	}
	tui_lines_next(&l);
	tui_summary_chart(app, &l);

	/* Actions agreed in this meeting, by owner. */
	if (snap->n_actions > 0)
		acts = calloc(snap->n_actions, sizeof(*acts));
	if (acts != NULL) {
		for (size_t i = 0; i < snap->n_actions; i++)
			if (tui_in_meeting(app, &snap->actions[i]))
				acts[n_acts++] = &snap->actions[i];
		qsort(acts, n_acts, sizeof(*acts), tui_action_cmp);
	}
	if ((y = tui_lines_next(&l)) >= 0) {
		snprintf(buf, sizeof(buf), "Actions agreed in this meeting, by "
		    "owner (%zu)", n_acts);
		tui_put(y, 1, COLS - 2, buf, h, false);
	}
	if (n_acts == 0 && (y = tui_lines_next(&l)) >= 0)
		tui_put(y, 3, COLS - 4, "none yet", tui_attr(TUI_STYLE_DIM),
		    false);
	for (size_t i = 0; i < n_acts; i++) {
		const struct mdt_action *a = acts[i];
		const struct mdt_slot *s = mdt_snapshot_slot(snap, a->slot_id);

		if (i == 0 || acts[i - 1]->owner_id != a->owner_id) {
			size_t k = 0;

			for (size_t j = i; j < n_acts &&
			    acts[j]->owner_id == a->owner_id; j++)
				k++;
			if ((y = tui_lines_next(&l)) >= 0) {
				snprintf(buf, sizeof(buf), "%s (%zu)",
				    a->owner_name != NULL ? a->owner_name :
				    "no owner", k);
				tui_put(y, 2, COLS - 3, buf, A_BOLD, false);
			}
		}
		if ((y = tui_lines_next(&l)) < 0)
			continue;
		snprintf(buf, sizeof(buf), "- %s  [%s, due %s, %s]",
		    tui_str(a->text), s != NULL ? tui_str(s->patient_name) : "",
		    a->due_date, mdt_action_status_name(a->status));
		tui_put(y, 4, COLS - 5, buf,
		    a->status == MDT_ACTION_OPEN ? A_NORMAL :
		    tui_attr(TUI_STYLE_DIM), false);
	}
	free(acts);

	/* Keep the window on the list when it shrinks. */
	if (l.n > (size_t)l.rows && app->summary_top > l.n - (size_t)l.rows)
		app->summary_top = l.n - (size_t)l.rows;
	else if (l.n <= (size_t)l.rows)
		app->summary_top = 0;
	if (l.n > (size_t)l.rows) {
		snprintf(buf, sizeof(buf), "lines %zu-%zu of %zu, j/k scroll",
		    l.top + 1, l.top + (size_t)l.rows < l.n ?
		    l.top + (size_t)l.rows : l.n, l.n);
		tui_put_right(top + rows - 2, 0, COLS - 1, buf,
		    tui_attr(TUI_STYLE_DIM));
	}
	tui_app_draw_hints(app, top + rows - 1);
}

static void
tui_summary_close(struct tui_app *app)
{
	if (!tui_app_check(app, mdt_meeting_close(app->store,
	    app->meeting_id)))
		return;
	app->view_slot_id = 0;
	tui_app_message(app, false, "Meeting closed");
}

bool
tui_summary_key(struct tui_app *app, enum tui_action act)
{
	size_t open = 0;

	/* the list is clamped when drawn */
	if (tui_list_move(act, &app->summary_top, SIZE_MAX, 10))
		return true;
	switch (act) {
	case TUI_ACT_CLOSE_MEETING:
		if (app->snap.meeting.state == MDT_MEETING_CLOSED) {
			tui_app_message(app, false,
			    "The meeting is already closed");
			return true;
		}
		for (size_t i = 0; i < app->snap.n_slots; i++)
			if (app->snap.slots[i].state != MDT_SLOT_DONE)
				open++;
		if (open > 0)
			tui_app_message(app, false, "%zu slot%s not done yet "
			    "(the running one is closed with the meeting)",
			    open, open == 1 ? "" : "s");
		tui_confirm_open(app, "Close the meeting? (y/n)",
		    tui_summary_close);
		return true;
	case TUI_ACT_TITLE:
	case TUI_ACT_VENUE:
		return tui_correct_meeting(app, act);
	default:
		return false;
	}
}

void
tui_summary_enter(struct tui_app *app)
{
	app->summary_top = 0;
}
