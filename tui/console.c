/*
 * console.c - the chair's console as the loop drives it, without a
 * terminal or a loop of its own: the screens by id, the first screen and
 * the purge offered on it (tui_app_begin), what a key does
 * (tui_app_key: the privacy screen, the help, an open widget, the keys
 * of every screen, else the current screen's), and the whole frame
 * (tui_app_draw: the top bar, the screen, the help, the message line,
 * the status bar and an open widget).
 *
 * This is the only file that knows the screens by name and the widgets
 * of input.h from above: the application (app.c) reaches a screen only
 * through the ops table set here, so the screens and widgets depend on
 * it and not the other way round.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "chair.h"
#include "console.h"
#include "draw.h"
#include "input.h"
#include "keys.h"
#include "screens.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24

/* The screens by id, each declaring its own ops (screens.h). */
static const struct tui_screen_ops *const tui_screens[TUI_SCREEN_COUNT] = {
	[TUI_SCREEN_AGENDA] = &tui_agenda_screen,
	[TUI_SCREEN_REGISTER] = &tui_register_screen,
	[TUI_SCREEN_SLOT] = &tui_slot_screen,
	[TUI_SCREEN_SUMMARY] = &tui_summary_screen,
	[TUI_SCREEN_SYNC] = &tui_sync_screen,
	[TUI_SCREEN_PREP] = &tui_prep_screen,
	[TUI_SCREEN_ACTIONS] = &tui_acts_screen,
	[TUI_SCREEN_PRESENT] = &tui_present_screen,
	[TUI_SCREEN_PLAN] = &tui_plan_screen,
};

/* The chair's tabs: every screen but the projector's view. */
#define TUI_N_TABS (TUI_SCREEN_ACTIONS + 1)

/* ---- drawing --------------------------------------------------------- */

static void
tui_draw_top(struct tui_app *app)
{
	static const char *const wide[TUI_N_TABS] = {
		"1 Agenda", "2 Register", "3 Slot", "4 Summary", "5 Sync",
		"6 Prep", "7 Actions",
	};
	/* Below 100 columns the longer names shorten, so that the title
	 * (or PROJECTOR BLANK) keeps its 15 columns at 80. */
	static const char *const narrow[TUI_N_TABS] = {
		"1 Agenda", "2 Reg", "3 Slot", "4 Sum", "5 Sync", "6 Prep",
		"7 Acts",
	};
	const char *const *tabs = COLS >= 100 ? wide : narrow;
	const struct mdt_meeting *m = &app->snap.meeting;
	attr_t bar = tui_attr(TUI_STYLE_TITLE);
	int tabs_w = 0, x;
	char title[512];

	for (int i = 0; i < TUI_N_TABS; i++)
		tabs_w += tui_text_width(tabs[i]) + 2;
	tabs_w += 7;	/* "? Help" */
	tui_fill(0, 0, COLS, bar);
	if (m->venue != NULL && m->venue[0] != '\0')
		snprintf(title, sizeof(title), " %s, %s", tui_str(m->title),
		    m->venue);
	else
		snprintf(title, sizeof(title), " %s", tui_str(m->title));
	/* While the room's projector is blanked the chair must see it at
	 * once: it takes the title's place (15 columns at 80). */
	if (m->projector_blank)
		tui_put(0, 0, COLS - tabs_w - 1, "PROJECTOR BLANK",
		    tui_attr(TUI_STYLE_BANNER) | A_BOLD, false);
	else
		tui_put(0, 0, COLS - tabs_w - 1, title, bar, false);
	x = COLS - tabs_w;
	for (int i = 0; i < TUI_N_TABS; i++) {
		attr_t a = i == (int)app->screen ? tui_attr(TUI_STYLE_TAB) :
		    bar;
		char buf[32];

		snprintf(buf, sizeof(buf), " %s ", tabs[i]);
		x += tui_put(0, x, COLS - x, buf, a, false);
	}
	tui_put(0, x, COLS - x, " ? Help", bar, false);
}

/* The conflicts with the central record, as last counted (at reload
 * number at). */
static struct {
	bool known;
	uint64_t at;
	int64_t n;
} conflicts_seen;

static void
tui_draw_status(struct tui_app *app)
{
	const struct mdt_meeting *m = &app->snap.meeting;
	const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);
	char clock[32], slot[32], finish[96], sync[96], fin[16], plan[16];
	char quorum[160], room[96];
	const char *parts[4];
	int widths[4], total = 0, y = LINES - 1, x = 0;
	const char *sep;
	bool late = false, sync_problem = false, no_quorum, withheld = false;
	attr_t bar = tui_attr(TUI_STYLE_STATUS);
	struct sync_status ss;
	int64_t record = 0;

	if (m->opened_at > 0) {
		int64_t until = m->closed_at > 0 ? m->closed_at : app->now;

		tui_fmt_hms(until - m->opened_at, clock, sizeof(clock));
	} else {
		snprintf(clock, sizeof(clock), "not started");
	}
	if (cur != NULL)
		snprintf(slot, sizeof(slot), "Slot %d/%zu", cur->position,
		    app->snap.n_slots);
	else
		snprintf(slot, sizeof(slot), "Slot -/%zu", app->snap.n_slots);
	tui_fmt_hhmm(app->planned_end, plan, sizeof(plan));
	if (m->state == MDT_MEETING_CLOSED) {
		tui_fmt_hhmm(m->closed_at, fin, sizeof(fin));
		late = m->closed_at > app->planned_end;
		snprintf(finish, sizeof(finish), "Finished %s (plan %s)%s",
		    fin, plan, late ? " LATE" : "");
	} else {
		tui_fmt_hhmm(app->finish, fin, sizeof(fin));
		late = app->finish > app->planned_end;
		snprintf(finish, sizeof(finish), "Finish ~%s (plan %s)%s",
		    fin, plan, late ? " LATE" : "");
	}
	tui_app_sync_status(app, &ss, true);
	if (!ss.configured)
		snprintf(sync, sizeof(sync), "Sync: %lld queued (not set up)",
		    (long long)ss.pending);
	else if (ss.starting)
		snprintf(sync, sizeof(sync), "Sync: starting, %lld pending",
		    (long long)ss.pending);
	else if (ss.unavailable) {
		/* the sync panel (5) shows why */
		snprintf(sync, sizeof(sync), "Sync: unavailable, %lld pending",
		    (long long)ss.pending);
		sync_problem = true;
	} else if (ss.failed + ss.conflicts > 0) {
		snprintf(sync, sizeof(sync), "Sync: %s, %lld pending, %lld"
		    " refused", ss.online ? "online" : "offline",
		    (long long)ss.pending,
		    (long long)(ss.failed + ss.conflicts));
		sync_problem = true;
	} else if (ss.pending > 0)
		snprintf(sync, sizeof(sync), "Sync: %s, %lld pending",
		    ss.online ? "online" : "offline", (long long)ss.pending);
	else
		snprintf(sync, sizeof(sync), "Sync: %s, all sent",
		    ss.online ? "online" : "offline");
	/* a conflict with the central record waits for a person (7: K, R);
	 * counted again only when the console has reloaded (an act, a pull's
	 * merge, another window), not on a clock tick */
	if (!conflicts_seen.known || conflicts_seen.at != app->reloads) {
		conflicts_seen.known = mdt_record_conflicts(app->store,
		    &conflicts_seen.n) == MDT_OK;
		conflicts_seen.at = app->reloads;
	}
	record = conflicts_seen.known ? conflicts_seen.n : 0;
	if (record > 0) {
		size_t at = strlen(sync);

		snprintf(sync + at, sizeof(sync) - at, ", record: %lld"
		    " conflict%s", (long long)record, record > 1 ? "s" : "");
		sync_problem = true;
	}

	/* The chair must not miss it: in place of the meeting clock. */
	no_quorum = tui_quorum_missing(app, quorum, sizeof(quorum));
	/* A patient is being discussed while the projector withholds them. */
	if (!no_quorum && cur != NULL && m->state == MDT_MEETING_OPEN) {
		size_t waiting = 0;

		withheld = !mdt_snapshot_room_cleared(&app->snap, &waiting);
		if (waiting > 0)
			snprintf(room, sizeof(room), "Projector: %zu not"
			    " acknowledged", waiting);
		else
			snprintf(room, sizeof(room), "Projector: no register");
	}
	parts[0] = no_quorum ? quorum : withheld ? room : clock;
	parts[1] = slot;
	parts[2] = finish;
	parts[3] = sync;
	for (int i = 0; i < 4; i++) {
		widths[i] = tui_text_width(parts[i]);
		total += widths[i];
	}
	/* A warning in place of the clock is longer: the forecast loses
	 * its planned time before anything is cut off at the edge. */
	if (total + 2 + 3 * 3 > COLS) {
		char *paren = strstr(finish, " (plan ");

		if (paren != NULL) {
			memmove(paren, late ? " LATE" : "", late ? 6 : 1);
			total -= widths[2];
			widths[2] = tui_text_width(finish);
			total += widths[2];
		}
	}
	/* Still too long: the sync part says what matters most in few
	 * words (the sync panel, 5, says the rest); what is left over is
	 * cut at the edge with an ellipsis.  The separators stay. */
	if (total + 2 + 3 * 3 > COLS) {
		if (record > 0)
			snprintf(sync, sizeof(sync), "record: %lld conflict%s",
			    (long long)record, record > 1 ? "s" : "");
		else if (ss.failed + ss.conflicts > 0)
			snprintf(sync, sizeof(sync), "Sync: %lld refused",
			    (long long)(ss.failed + ss.conflicts));
		else if (ss.unavailable)
			snprintf(sync, sizeof(sync), "Sync: unavailable");
		else if (ss.pending > 0)
			snprintf(sync, sizeof(sync), "Sync: %lld to send",
			    (long long)ss.pending);
		else
			snprintf(sync, sizeof(sync), "Sync: all sent");
	}
	sep = tui_draw_utf8() ? " \u2502 " : " | ";
	tui_fill(y, 0, COLS, bar);
	x = 1;
	for (int i = 0; i < 4 && x < COLS; i++) {
		attr_t a = bar;

		if ((i == 0 && (no_quorum || withheld)) || (i == 2 && late) ||
		    (i == 3 && sync_problem))
			a = tui_attr(TUI_STYLE_ERROR);
		if (i > 0)
			x += tui_put(y, x, COLS - x, sep, bar, false);
		x += tui_put(y, x, COLS - x, parts[i], a, false);
	}
}

static void
tui_draw_message(struct tui_app *app)
{
	int y = LINES - 2;

	/* A prompt owns the bottom line; its error goes just above it. */
	if (app->input.kind == TUI_INPUT_PROMPT ||
	    app->input.kind == TUI_INPUT_CONFIRM)
		y = LINES - 3;
	if (app->message[0] == '\0') {
		char line[512];
		const char *follow = tui_chair_line(app, line, sizeof(line));

		if (y == LINES - 2)
			tui_fill(y, 0, COLS, A_NORMAL);
		if (follow != NULL)
			tui_put(y, 0, COLS, follow, tui_attr(TUI_STYLE_INFO),
			    true);
		return;
	}
	tui_put(y, 0, COLS, app->message,
	    tui_attr(app->message_error ? TUI_STYLE_ERROR : TUI_STYLE_INFO),
	    true);
}

/* The help overlay: the bindings of this screen, then the global ones,
 * straight from the key table.  The two lists sit side by side when each
 * fits in a column, else they flow down and across. */
static void
tui_draw_help(struct tui_app *app)
{
	unsigned here = 1u << app->screen;
	enum tui_action rows[TUI_ACT_COUNT + 2];
	/* down to the status bar: the message line is hidden while the
	 * help is open, so that the slot's keys and everyone's keep two
	 * columns at 24 rows */
	int n = 0, n_local, top = 1, h = LINES - 2, per_col, cols, col_w;
	int keys_w = 8;

	/* TUI_ACT_NONE and TUI_ACT_COUNT stand for the two headings. */
	rows[n++] = TUI_ACT_NONE;
	for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
		unsigned on = tui_action_screens((enum tui_action)a);

		if ((on & here) && !tui_on_global(on))
			rows[n++] = (enum tui_action)a;
	}
	n_local = n;
	rows[n++] = TUI_ACT_COUNT;
	for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
		unsigned on = tui_action_screens((enum tui_action)a);

		if (tui_on_global(on) && (on & here))
			rows[n++] = (enum tui_action)a;
	}
	for (int i = 0; i < n; i++) {
		int w;

		if (rows[i] == TUI_ACT_NONE || rows[i] == TUI_ACT_COUNT)
			continue;
		w = tui_text_width(tui_action_keys(rows[i])) + 2;
		if (w > keys_w)
			keys_w = w;
	}
	per_col = h - 2;
	/* Two columns flowing fit one row more over the line of hints
	 * (the overlay is the help): the slot screen's keys at 80x24. */
	if (!(n_local <= per_col && n - n_local <= per_col) &&
	    n > 2 * per_col && n <= 2 * (per_col + 1)) {
		h++;
		per_col++;
	}
	if (n_local <= per_col && n - n_local <= per_col) {
		/* This screen's keys left, the global ones right. */
		cols = 2;
	} else {
		cols = (n + per_col - 1) / per_col;
	}
	if (cols < 1)
		cols = 1;
	col_w = (COLS - 4) / cols;
	tui_box(top, 0, h, COLS, "Keys - press any key to close",
	    tui_attr(TUI_STYLE_BOX));
	for (int i = 0; i < n; i++) {
		int c, r, y, x;

		if (cols == 2 && n_local <= per_col &&
		    n - n_local <= per_col) {
			c = i < n_local ? 0 : 1;
			r = i < n_local ? i : i - n_local;
		} else {
			c = i / per_col;
			r = i % per_col;
		}
		y = top + 1 + r;
		x = 2 + c * col_w;
		if (rows[i] == TUI_ACT_NONE || rows[i] == TUI_ACT_COUNT) {
			char head[64];

			if (rows[i] == TUI_ACT_NONE)
				snprintf(head, sizeof(head), "%s screen",
				    tui_screens[app->screen]->title);
			else
				snprintf(head, sizeof(head), "Every screen");
			tui_put(y, x, col_w - 1, head,
			    tui_attr(TUI_STYLE_HEADER), false);
			continue;
		}
		tui_put(y, x + 1, keys_w, tui_action_keys(rows[i]), A_BOLD,
		    false);
		tui_put(y, x + 1 + keys_w, col_w - keys_w - 2,
		    tui_action_help(rows[i]), A_NORMAL, false);
	}
}

static void
tui_draw_small(void)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "Terminal too small: %dx%d needed, this "
	    "is %dx%d", TUI_MIN_COLS, TUI_MIN_LINES, COLS, LINES);
	tui_put(LINES / 2 - 1 >= 0 ? LINES / 2 - 1 : 0, 0, COLS, buf, A_BOLD,
	    false);
	tui_put(LINES / 2, 0, COLS, "Enlarge the window (q quits)", A_NORMAL,
	    false);
}

bool
tui_app_draw(struct tui_app *app)
{
	bool want_cursor;

	app->now = mdt_store_now(app->store);
	if (app->snap.n_slots > app->ends_cap) {
		int64_t *ends = realloc(app->ends,
		    app->snap.n_slots * sizeof(*ends));

		if (ends != NULL) {
			app->ends = ends;
			app->ends_cap = app->snap.n_slots;
		}
	}
	if (app->ends != NULL && app->ends_cap >= app->snap.n_slots) {
		app->finish = mdt_forecast(&app->snap, app->now, app->ends);
	} else {
		app->finish = 0;
	}
	app->planned_end = mdt_meeting_planned_end(&app->snap.meeting);

	erase();
	if (app->locked) {
		/* Nothing of the meeting at all: a passer-by sees only
		 * this. */
		static const char msg[] =
		    "Screen locked for privacy - press any key";
		int w = tui_text_width(msg);

		tui_put(LINES / 2, COLS > w ? (COLS - w) / 2 : 0, COLS, msg,
		    A_BOLD, false);
		want_cursor = false;
	} else if (app->mode == TUI_MODE_PRESENT) {
		/* The projector's view owns the whole screen and scales to
		 * it: no bars, no messages, no minimum size. */
		tui_screens[app->screen]->draw(app, 0, LINES);
		if (app->help_open && LINES >= 8)
			tui_draw_help(app);
		want_cursor = false;
	} else if (LINES < TUI_MIN_LINES || COLS < TUI_MIN_COLS) {
		tui_draw_small();
		want_cursor = false;
	} else {
		tui_draw_top(app);
		tui_screens[app->screen]->draw(app, 1, LINES - 3);
		if (app->help_open)
			tui_draw_help(app);
		tui_draw_message(app);
		tui_draw_status(app);
		tui_input_draw(app);
		want_cursor = app->input.kind == TUI_INPUT_PROMPT;
	}
	return want_cursor;
}

/* ---- events ---------------------------------------------------------- */

/* Opens the screen whose key act is; false if it opens none. */
static bool
tui_go(struct tui_app *app, enum tui_action act)
{
	for (int i = 0; i < TUI_SCREEN_COUNT; i++) {
		if (act == TUI_ACT_NONE || tui_screens[i]->go != act)
			continue;
		/* the slot screen opens on the running slot */
		if (i == TUI_SCREEN_SLOT)
			app->view_slot_id = 0;
		tui_app_switch(app, (enum tui_screen_id)i);
		return true;
	}
	return false;
}

void
tui_app_key(struct tui_app *app, bool is_code, wint_t key)
{
	enum tui_action act;

	/* The key that lifts the privacy screen does nothing else: the
	 * chair cannot see what it would act on. */
	if (app->locked) {
		app->locked = false;
		return;
	}
	if (app->mode != TUI_MODE_PRESENT &&
	    (LINES < TUI_MIN_LINES || COLS < TUI_MIN_COLS)) {
		if (!is_code && key == L'q')
			app->quit = true;
		return;
	}
	if (app->help_open) {
		app->help_open = false;
		return;
	}
	/* A message stays until the next key. */
	app->message[0] = '\0';
	if (tui_input_active(app)) {
		tui_input_key(app, is_code, key);
		return;
	}
	act = tui_keys_lookup(app->screen, is_code, key);
	switch (act) {
	case TUI_ACT_NONE:
		return;
	case TUI_ACT_HELP:
		app->help_open = true;
		return;
	case TUI_ACT_QUIT:
		app->quit = true;
		return;
	case TUI_ACT_REDRAW:
		clearok(curscr, TRUE);
		tui_app_reload(app);
		return;
	default:
		break;
	}
	if (tui_go(app, act))
		return;
	/* The projector's view is read-only: its table has no other key,
	 * and nothing here may reach an act even so. */
	if (app->mode == TUI_MODE_PRESENT)
		return;
	/* One chair at a time: a console that follows only looks. */
	if (act == TUI_ACT_TAKE_OVER) {
		tui_chair_take_over(app);
		return;
	}
	if (tui_chair_refuses(app, act))
		return;
	if (!tui_screens[app->screen]->key(app, act))
		tui_app_chair(app, act);
}

/* ---- the retention purge, offered when the chair's screens open ---- */

static void
tui_purge_confirmed(struct tui_app *app)
{
	struct mdt_purge_result res;

	if (mdt_purge_run(app->store, app->retention_days, &res) != MDT_OK) {
		tui_app_message(app, true, "Purge failed: %s",
		    mdt_store_error(app->store));
		return;
	}
	/* the meeting on screen may be one of those purged */
	tui_app_reload(app);
	tui_app_message(app, false, "Purged %d meeting%s: %d note%s,"
	    " %d finished action%s, %d patient identit%s%s", res.meetings,
	    res.meetings == 1 ? "" : "s", res.notes, res.notes == 1 ? "" : "s",
	    res.actions, res.actions == 1 ? "" : "s", res.patients,
	    res.patients == 1 ? "y" : "ies", res.checkpointed ? "" :
	    " (the log empties when other windows close)");
}

/*
 * With a retention period set, the chair is asked (once, on the first
 * screen) whether to purge the delivered meetings past it.  Nothing is
 * asked when none is due, or if looking fails (the chair is not held up
 * for housekeeping).
 */
static void
tui_purge_offer(struct tui_app *app)
{
	struct mdt_purge_meeting *list;
	char question[160];
	size_t n, i;
	int due = 0;

	if (app->mode != TUI_MODE_CHAIR || app->following ||
	    app->retention_days <= 0 ||
	    mdt_purge_find(app->store, app->retention_days, &list, &n) !=
	    MDT_OK)
		return;
	for (i = 0; i < n; i++)
		due += list[i].eligible;
	mdt_purge_list_free(list, n);
	if (due == 0)
		return;
	snprintf(question, sizeof(question), "%d delivered meeting%s over %d"
	    " days old hold%s identifiable detail. Purge? (y/n)", due,
	    due == 1 ? "" : "s", app->retention_days, due == 1 ? "s" : "");
	tui_confirm_open(app, question, tui_purge_confirmed);
}

void
tui_app_begin(struct tui_app *app)
{
	app->screens = tui_screens;
	tui_app_reload(app);
	if (app->mode == TUI_MODE_PRESENT)
		app->screen = TUI_SCREEN_PRESENT;
	else if (app->mode == TUI_MODE_PREPARE)
		app->screen = TUI_SCREEN_PREP;
	else if (mdt_snapshot_current(&app->snap) != NULL)
		app->screen = TUI_SCREEN_SLOT;
	if (tui_screens[app->screen]->enter != NULL)
		tui_screens[app->screen]->enter(app);
	tui_purge_offer(app);
}
