/*
 * chair.c - one chair at a time on the console: taking, renewing and
 * giving up the meeting's lease, following while another console chairs,
 * and taking over once it is gone (chair.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "chair.h"
#include "draw.h"
#include "input.h"

/* "USER on HOST since HH:MM": who chairs. */
static void
tui_chair_who(const struct tui_app *app, char *buf, size_t len)
{
	char since[16];

	tui_fmt_hhmm(app->chair.acquired_at, since, sizeof(since));
	snprintf(buf, len, "%s on %s since %s", tui_str(app->chair.holder),
	    tui_str(app->chair.host), since);
}

static void
tui_chair_take_yes(struct tui_app *app)
{
	enum mdt_status st = mdt_lease_take(app->store, app->meeting_id, true,
	    &app->chair);

	if (st != MDT_OK) {
		tui_app_message(app, true, "%s", mdt_store_error(app->store));
		return;
	}
	app->following = false;
	tui_app_reload(app);
	tui_app_message(app, false, "This console chairs the meeting now");
}

static void
tui_chair_ask(struct tui_app *app)
{
	char who[400];

	tui_chair_who(app, who, sizeof(who));
	tui_confirm_open(app, "The chair's console is gone. Take over the "
	    "chair? (y/n)", tui_chair_take_yes);
	tui_app_message(app, false, "Chaired by %s, whose console is gone",
	    who);
}

/* Asks to take over if the chair's console is gone; false if it is not. */
static bool
tui_chair_offer(struct tui_app *app)
{
	if (!app->chair.gone)
		return false;
	tui_chair_ask(app);
	return true;
}

void
tui_chair_begin(struct tui_app *app)
{
	enum mdt_status st;

	memset(&app->chair, 0, sizeof(app->chair));
	st = mdt_lease_take(app->store, app->meeting_id, false, &app->chair);
	/* The console that chaired on this machine has ended (a crash or
	 * kill -9): it cannot come back, so this one chairs at once. */
	app->took_from_ended = st == MDT_ECHAIR && app->chair.ended;
	if (app->took_from_ended)
		st = mdt_lease_take(app->store, app->meeting_id, true,
		    &app->chair);
	app->following = st != MDT_OK;
}

void
tui_chair_greet(struct tui_app *app)
{
	char who[400];

	if (!app->following && app->took_from_ended)
		tui_app_message(app, false, "The console that chaired this "
		    "meeting here had ended: this one chairs now");
	if (!app->following || tui_input_active(app) || tui_chair_offer(app))
		return;
	tui_chair_who(app, who, sizeof(who));
	tui_app_message(app, false, "Following: %s chairs this meeting "
	    "(read-only)", who);
}

void
tui_chair_lost(struct tui_app *app)
{
	char who[400];

	if (app->following)
		return;
	app->following = true;
	(void)mdt_lease_holder(app->store, app->meeting_id, &app->chair);
	tui_chair_who(app, who, sizeof(who));
	tui_app_message(app, true, "Taken over: this console follows "
	    "(read-only); %s chairs", who);
}

void
tui_chair_renew(struct tui_app *app)
{
	if (app->following) {
		bool was_gone = app->chair.gone;
		char who[400];

		/* who chairs now, and whether their console is gone */
		if (mdt_lease_holder(app->store, app->meeting_id,
		    &app->chair) == MDT_ENOTFOUND)
			app->chair.gone = true;
		if (app->chair.gone && !was_gone) {
			tui_chair_who(app, who, sizeof(who));
			tui_app_message(app, true, "The chair's console is "
			    "gone: O takes over (%s)", who);
		}
		return;
	}
	if (mdt_lease_renew(app->store, &app->chair) == MDT_ECHAIR)
		tui_chair_lost(app);
}

void
tui_chair_end(struct tui_app *app)
{
	if (!app->following)
		(void)mdt_lease_release(app->store);
}

/* What a follower may do: look around. */
static bool
tui_chair_looks(enum tui_action act)
{
	switch (act) {
	case TUI_ACT_MOVE_DOWN:
	case TUI_ACT_MOVE_UP:
	case TUI_ACT_PAGE_DOWN:
	case TUI_ACT_PAGE_UP:
	case TUI_ACT_OPEN_SLOT:
	case TUI_ACT_PREP_RISING:
	case TUI_ACT_ACTIONS_OVERDUE:
	case TUI_ACT_ACTIONS_OWNER:
	case TUI_ACT_TAKE_OVER:
		return true;
	default:
		return false;
	}
}

bool
tui_chair_refuses(struct tui_app *app, enum tui_action act)
{
	char who[400];

	if (!app->following || tui_chair_looks(act))
		return false;
	tui_chair_who(app, who, sizeof(who));
	tui_app_message(app, true, "Read-only%s: %s chairs this meeting",
	    app->chair.gone ? " (O takes over)" : "", who);
	return true;
}

void
tui_chair_take_over(struct tui_app *app)
{
	char who[400];

	if (!app->following) {
		tui_app_message(app, false, "%s", app->mode == TUI_MODE_CHAIR ?
		    "This console chairs the meeting" :
		    "Only the chair screen (mdtchair chair) holds the chair");
		return;
	}
	tui_chair_renew(app);
	if (tui_chair_offer(app))
		return;
	tui_chair_who(app, who, sizeof(who));
	tui_app_message(app, true, "Still there: %s chairs (O works once "
	    "that console quits or is gone)", who);
}

const char *
tui_chair_line(struct tui_app *app, char *buf, size_t len)
{
	char who[400];

	if (!app->following)
		return NULL;
	tui_chair_who(app, who, sizeof(who));
	snprintf(buf, len, "Following (read-only)%s: %s chairs",
	    app->chair.gone ? ", the chair's console is gone: O takes over" :
	    "", who);
	return buf;
}
