/*
 * app.c - the services the screens call back: the message line,
 * reloading the meeting after an act and saying why one failed, switching
 * screens (through the ops table the console set), the chairing acts the
 * agenda and slot screens share, the quorum, the slot in view, the sync
 * engine's status and kicks, and the row of a screen's keys.
 *
 * Nothing the meeting needs lives here: every act is a core call that
 * commits, followed by a reload of the meeting's snapshot.  Nothing here
 * calls a screen or a widget by name: they call the app.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curses.h>

#include "app.h"
#include "chair.h"
#include "draw.h"
#include "keys.h"
#include "screens.h"

/* ---- shared helpers for the screens --------------------------------- */

void
tui_app_message(struct tui_app *app, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->message, sizeof(app->message), fmt, ap);
	va_end(ap);
	app->message_error = error;
}

bool
tui_app_reload(struct tui_app *app)
{
	enum mdt_status st;
	int64_t pending = 0;

	/* only the parts that changed are read again; on failure the screen
	 * keeps what it had */
	st = mdt_snapshot_refresh(app->store, app->meeting_id, &app->snap);
	if (st != MDT_OK) {
		tui_app_message(app, true, "Could not reload the meeting: %s",
		    mdt_store_error(app->store));
		return false;
	}
	app->reloads++;
	if (mdt_outbox_pending(app->store, &pending) == MDT_OK) {
		app->outbox_pending = pending;
		app->outbox_known = true;
	} else {
		app->outbox_known = false;
	}
	return true;
}

/*
 * A save the disk refused: what happened and what to do, on one line.  A
 * prompt keeps its text (see input.h), so Enter saves it again once the
 * disk is fixed; nothing of the failed act was written.
 */
static bool
tui_app_disk_failed(struct tui_app *app, enum mdt_status st)
{
	bool prompt = app->input.submitting;

	if (st == MDT_EFULL) {
		tui_app_message(app, true, "Not saved: the disk is full. Free"
		    " some space, then %s", prompt ?
		    "press Enter to save again" : "do it again");
		return true;
	}
	if (st == MDT_EDISK) {
		tui_app_message(app, true, "Not saved: disk I/O error. Check"
		    " the disk, then %s", prompt ?
		    "press Enter to save again" : "do it again");
		return true;
	}
	return false;
}

bool
tui_app_check(struct tui_app *app, enum mdt_status st)
{
	if (st != MDT_OK) {
		const char *why = mdt_store_error(app->store);

		if (!tui_app_disk_failed(app, st))
			tui_app_message(app, true, "%s", why != NULL &&
			    why[0] != '\0' ? why : mdt_strerror(st));
		if (st == MDT_ECHAIR)
			tui_chair_lost(app);	/* taken over: follow */
		/* Whatever did get committed is what the screen shows. */
		tui_app_reload(app);
		return false;
	}
	tui_app_reload(app);
	/* Something was committed: its outbox row can go now. */
	tui_app_sync_kick(app);
	return true;
}

void
tui_app_sync_status(struct tui_app *app, struct sync_status *out,
    bool brief)
{
	if (app->sync != NULL) {
		if (brief)
			sync_engine_status_brief(app->sync, out);
		else
			sync_engine_status(app->sync, out);
		return;
	}
	memset(out, 0, sizeof(*out));
	out->configured = out->starting = app->sync_starting;
	out->pending = app->outbox_known ? app->outbox_pending : -1;
}

bool
tui_app_sync_kick(struct tui_app *app)
{
	if (app->sync == NULL)
		/* a new engine starts with a pass anyway */
		return app->sync_starting;
	sync_engine_kick(app->sync);
	return true;
}

bool
tui_app_sync_now(struct tui_app *app)
{
	if (app->sync == NULL) {
		if (!app->sync_starting)
			return false;
		app->sync_now_asked = true;	/* done once it has started */
		return true;
	}
	sync_engine_send_now(app->sync);
	return true;
}

void
tui_app_switch(struct tui_app *app, enum tui_screen_id screen)
{
	const struct tui_screen_ops *old = app->screens[app->screen];
	const struct tui_screen_ops *new = app->screens[screen];

	if (old->leave != NULL)
		old->leave(app);
	app->screen = screen;
	if (new->enter != NULL)
		new->enter(app);
}

long
tui_app_slot_index(const struct tui_app *app, int64_t slot_id)
{
	for (size_t i = 0; i < app->snap.n_slots; i++)
		if (app->snap.slots[i].id == slot_id)
			return (long)i;
	return -1;
}

const struct mdt_slot *
tui_app_view_slot(const struct tui_app *app)
{
	const struct mdt_slot *s = NULL;

	if (app->view_slot_id != 0)
		s = mdt_snapshot_slot(&app->snap, app->view_slot_id);
	if (s == NULL)
		s = mdt_snapshot_current(&app->snap);
	return s;
}

int64_t
tui_app_slot_elapsed(const struct tui_app *app, const struct mdt_slot *slot)
{
	return mdt_slot_elapsed_ms(slot->state, &slot->times, app->now);
}

/* Whether someone present has this role (case apart: "GP" and "gp"),
 * and with org (len org_len) of that organisation (tidied, case apart). */
static bool
tui_role_present(const struct mdt_snapshot *snap, const char *role,
    size_t len, const char *org, size_t org_len)
{
	char want[37] = "", theirs[37], *o = NULL;

	if (org != NULL) {
		o = mdt_xasprintf("%.*s", (int)org_len, org);
		if (!mdt_org_uuid(o, want))
			want[0] = '\0';
		free(o);
	}
	for (size_t i = 0; i < snap->n_attendees; i++) {
		const struct mdt_person *p = &snap->attendees[i].person;
		const char *r = tui_str(p->role);

		if (mdt_attendee_here(&snap->attendees[i]) &&
		    strlen(r) == len && strncasecmp(r, role, len) == 0 &&
		    (want[0] == '\0' || (mdt_org_uuid(tui_str(p->organisation),
		    theirs) && strcmp(theirs, want) == 0)))
			return true;
	}
	return false;
}

/* The next item of a comma-separated list at *p, trimmed: its start, and
 * its length in *n (0 at the end); *p moves past it. */
static const char *
tui_list_item(const char **p, size_t *n)
{
	const char *at;

	while (**p == ' ' || **p == '\t' || **p == ',')
		(*p)++;
	at = *p;
	*n = strcspn(at, ",");
	*p += *n;
	while (*n > 0 && (at[*n - 1] == ' ' || at[*n - 1] == '\t'))
		(*n)--;
	return at;
}

/* "no " before the first missing, ", " before the others. */
static bool
tui_quorum_add(char *out, size_t len, size_t *used, const char *what,
    size_t n, const char *org, size_t org_len)
{
	int w = snprintf(out + *used, len - *used, "%s%.*s%s%.*s",
	    *used == 0 ? "Quorum not met: no " : ", ", (int)n, what,
	    org != NULL ? " from " : "", (int)org_len, org != NULL ? org : "");

	if (w < 0 || (size_t)w >= len - *used)
		return false;
	*used += (size_t)w;
	return true;
}

#define EACH_PRACTICE " from each practice"

bool
tui_quorum_missing(const struct tui_app *app, char *out, size_t len)
{
	const size_t each = sizeof(EACH_PRACTICE) - 1;
	const char *p = app->quorum, *item, *q, *org;
	size_t used = 0, n, org_len;
	bool room = true;

	out[0] = '\0';
	if (p == NULL)
		return false;
	while (room && (item = tui_list_item(&p, &n), n > 0)) {
		/* "GP from each practice": one from each member practice
		 * (any practice's, if none is configured) */
		if (n > each && strncasecmp(item + n - each, EACH_PRACTICE,
		    each) == 0 && app->practices != NULL) {
			n -= each;
			q = app->practices;
			while (room && (org = tui_list_item(&q, &org_len),
			    org_len > 0))
				if (!tui_role_present(&app->snap, item, n, org,
				    org_len))
					room = tui_quorum_add(out, len, &used,
					    item, n, org, org_len);
			continue;
		}
		if (n > each && strncasecmp(item + n - each, EACH_PRACTICE,
		    each) == 0)
			n -= each;
		if (!tui_role_present(&app->snap, item, n, NULL, 0))
			room = tui_quorum_add(out, len, &used, item, n, NULL, 0);
	}
	if (used == 0)
		return false;
	if (used + sizeof(" present") <= len)
		memcpy(out + used, " present", sizeof(" present"));
	return true;
}

static const char *
tui_slot_name(const struct mdt_slot *s)
{
	return s != NULL ? tui_str(s->patient_name) : "";
}

/* "WHAT 3: NAME" of the current slot on the message line, if there is
 * one. */
static void
tui_app_say_current(struct tui_app *app, const char *what)
{
	const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);

	if (cur != NULL)
		tui_app_message(app, false, "%s %d: %s", what, cur->position,
		    tui_slot_name(cur));
}

/* ---- starting the meeting ------------------------------------------ */

/* The slot to run once the meeting has started (n on a meeting not yet
 * started asks to start it first). */
static bool tui_start_then_next;

static void
tui_meeting_start_yes(struct tui_app *app)
{
	char at[16];

	if (!tui_app_check(app, mdt_meeting_open(app->store,
	    app->meeting_id)))
		return;
	tui_fmt_hhmm(app->snap.meeting.opened_at, at, sizeof(at));
	tui_app_message(app, false, "Meeting started at %s", at);
	if (tui_start_then_next)
		tui_app_chair(app, TUI_ACT_SLOT_NEXT);
}

/* Whether epoch_ms falls on today's date (local time). */
static bool
tui_is_today(int64_t epoch_ms, int64_t now_ms)
{
	time_t a = (time_t)(epoch_ms / 1000), b = (time_t)(now_ms / 1000);
	struct tm ta, tb;

	if (localtime_r(&a, &ta) == NULL || localtime_r(&b, &tb) == NULL)
		return true;
	return ta.tm_year == tb.tm_year && ta.tm_yday == tb.tm_yday;
}

/* Asks to start the meeting (then_next: and run its first slot), warning
 * when today is not the day it is scheduled for. */
static void
tui_meeting_start_ask(struct tui_app *app, bool then_next)
{
	const struct mdt_meeting *m = &app->snap.meeting;
	char question[200], warn[96] = "";

	if (!tui_is_today(m->scheduled_start, mdt_store_now(app->store))) {
		time_t t = (time_t)(m->scheduled_start / 1000);
		struct tm tm;
		char day[32] = "another day";

		if (localtime_r(&t, &tm) != NULL)
			strftime(day, sizeof(day), "%a %d %b", &tm);
		snprintf(warn, sizeof(warn), "NOT TODAY (%s)! ", day);
	}
	snprintf(question, sizeof(question), "%s%s (y/n)", warn, then_next ?
	    "Start the meeting and slot 1 now?" : "Start the meeting now?");
	tui_start_then_next = then_next;
	tui_confirm_open(app, question, tui_meeting_start_yes);
}

/* The acts that need the meeting started; false if the act may go on. */
static bool
tui_app_needs_start(struct tui_app *app, enum tui_action act)
{
	const struct mdt_meeting *m = &app->snap.meeting;
	char at[16];

	if (act == TUI_ACT_MEETING_START) {
		if (m->state == MDT_MEETING_PLANNED)
			tui_meeting_start_ask(app, false);
		else if (m->state == MDT_MEETING_CLOSED)
			tui_app_message(app, true, "The meeting is closed");
		else {
			tui_fmt_hhmm(m->opened_at, at, sizeof(at));
			tui_app_message(app, false, "The meeting started at "
			    "%s", at);
		}
		return true;
	}
	if (m->state != MDT_MEETING_PLANNED)
		return false;
	switch (act) {
	case TUI_ACT_SLOT_NEXT:
		tui_meeting_start_ask(app, true);
		return true;
	case TUI_ACT_SLOT_PAUSE:
	case TUI_ACT_SLOT_EXTEND:
	case TUI_ACT_SLOT_PARK:
	case TUI_ACT_SLOT_PREV:
		tui_app_message(app, true, "The meeting has not started: "
		    "S starts it");
		return true;
	default:
		return false;
	}
}

bool
tui_app_chair(struct tui_app *app, enum tui_action act)
{
	struct mdt_store *store = app->store;
	int64_t mid = app->meeting_id;
	const struct mdt_slot *cur;
	enum mdt_status st;
	int64_t slot_id = 0;

	if (tui_app_needs_start(app, act))
		return true;
	switch (act) {
	case TUI_ACT_SLOT_NEXT:
		st = mdt_slot_next(store, mid, &slot_id);
		if (st == MDT_ENOTFOUND) {
			tui_app_reload(app);
			app->view_slot_id = 0;
			tui_app_switch(app, TUI_SCREEN_SUMMARY);
			tui_app_message(app, false,
			    "No slot left to discuss: here is the summary");
			return true;
		}
		if (!tui_app_check(app, st))
			return true;
		app->view_slot_id = 0;
		/* the next slot opens on the plan, when there is one */
		if (tui_plan_slot_opens(app))
			return true;
		tui_app_switch(app, TUI_SCREEN_SLOT);
		tui_app_say_current(app, "Slot");
		return true;
	case TUI_ACT_SLOT_PAUSE:
		if (!tui_app_check(app, mdt_slot_pause_toggle(store, mid)))
			return true;
		cur = mdt_snapshot_current(&app->snap);
		if (cur != NULL)
			tui_app_message(app, false, "%s: %s",
			    cur->state == MDT_SLOT_PAUSED ? "Paused" :
			    "Resumed", tui_slot_name(cur));
		app->view_slot_id = 0;
		return true;
	case TUI_ACT_SLOT_EXTEND:
		cur = mdt_snapshot_current(&app->snap);
		if (cur != NULL && cur->state != MDT_SLOT_PENDING &&
		    cur->times.extended_s + 60 > MDT_MAX_EXTENSION_S) {
			tui_app_message(app, true, "Not extended: %d minutes"
			    " more is the most a slot may have. z parks the"
			    " patient for later, n goes on",
			    MDT_MAX_EXTENSION_S / 60);
			return true;
		}
		if (!tui_app_check(app, mdt_slot_extend(store, mid, 60)))
			return true;
		cur = mdt_snapshot_current(&app->snap);
		if (cur != NULL) {
			char ext[16];

			tui_fmt_mmss((int64_t)cur->times.extended_s * 1000,
			    ext, sizeof(ext));
			tui_app_message(app, false,
			    "Extended by a minute (+%s in all)", ext);
		}
		app->view_slot_id = 0;
		return true;
	case TUI_ACT_SLOT_PARK:
		cur = mdt_snapshot_current(&app->snap);
		slot_id = cur != NULL ? cur->id : 0;
		if (!tui_app_check(app, mdt_slot_park(store, mid)))
			return true;
		{
			const struct mdt_slot *parked =
			    mdt_snapshot_slot(&app->snap, slot_id);

			tui_app_message(app, false,
			    "Parked %s at the end of the agenda",
			    tui_slot_name(parked));
		}
		app->view_slot_id = 0;
		return true;
	case TUI_ACT_PROJECTOR_BLANK: {
		bool blank = !app->snap.meeting.projector_blank;

		if (!tui_app_check(app, mdt_projector_blank(store, mid, blank)))
			return true;
		tui_app_message(app, false, "%s", blank ?
		    "Projector blanked (B restores it)" : "Projector restored");
		return true;
	}
	case TUI_ACT_SLOT_PREV:
		if (!tui_app_check(app, mdt_slot_previous(store, mid)))
			return true;
		tui_app_say_current(app, "Back to slot");
		app->view_slot_id = 0;
		return true;
	default:
		return false;
	}
}

void
tui_app_draw_hints(const struct tui_app *app, int y)
{
	unsigned here = 1u << app->screen;
	char buf[512];
	size_t used;

	/* "? help" first so that it shows however narrow the screen; then
	 * the keys of this screen only, then those it shares. */
	used = (size_t)snprintf(buf, sizeof(buf), "? help");
	for (int pass = 0; pass < 2; pass++) {
		for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
			unsigned on = tui_action_screens((enum tui_action)a);
			int n;

			if (!(on & here) || tui_on_global(on) ||
			    (pass == 0) != ((on & ~TUI_ON_PRESENT) == here))
				continue;
			n = snprintf(buf + used, sizeof(buf) - used, "  %s %s",
			    tui_action_keys((enum tui_action)a),
			    tui_action_name((enum tui_action)a));
			if (n < 0 || (size_t)n >= sizeof(buf) - used)
				break;
			used += (size_t)n;
		}
	}
	tui_put(y, 0, COLS, buf, tui_attr(TUI_STYLE_DIM), true);
}

bool
tui_app_past_day(struct tui_app *app, const char *text, char day[11],
    const char *bad)
{
	char today[11];

	mdt_date_of(mdt_store_now(app->store), today);
	if (text[0] == '\0')
		memcpy(day, today, sizeof(today));
	else if (!mdt_date_strict(text, day) || strcmp(day, today) > 0) {
		tui_app_message(app, true, "%s", bad);
		return false;
	}
	return true;
}

bool
tui_app_date_typed(struct tui_app *app, const char *text,
    const char *blank, char out[11])
{
	enum mdt_status st = mdt_date_parse(mdt_str_blank(text) ? blank : text,
	    mdt_store_now(app->store), out);

	if (st != MDT_OK) {
		tui_app_message(app, true, "%s", mdt_strerror(st));
		return false;
	}
	return true;
}
