/*
 * screen_sync.c - the sync panel: where the record stands with the
 * central FHIR record.  Counts, the last success and the next attempt,
 * then every row the server refused or found changed (kept, with the
 * server's own words, until a person deals with it), then what is still
 * waiting, oldest first.  s sends now; R puts refused and conflicting rows
 * back in the queue.
 *
 * The lists are read from the outbox when drawn (a bounded query), so
 * they also show what another window or `mdtchair sync` did.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "draw.h"
#include "screens.h"
#include "sync.h"

/* Rows fetched per list: more than fit on any screen. */
#define TUI_SYNC_LIST_MAX 200

static void
tui_sync_when(int64_t ms, char *out, size_t len)
{
	if (ms <= 0)
		snprintf(out, len, "never");
	else
		tui_fmt_hhmm(ms, out, len);
}

/* One outbox row: what it is, then (for problems) the server's words. */
static int
tui_sync_row(int y, int bottom, const struct mdt_outbox_row *r, bool problem)
{
	char head[64];
	int used = 0;

	if (y >= bottom)
		return 0;
	if (problem)
		snprintf(head, sizeof(head), "%s ",
		    r->state == MDT_OUTBOX_CONFLICT ? "CONFLICT" : "REFUSED");
	else if (r->attempts > 0)
		snprintf(head, sizeof(head), "tried %d  ", r->attempts);
	else
		snprintf(head, sizeof(head), "waiting  ");
	tui_put(y, 2, 12, head, problem ? tui_attr(TUI_STYLE_ERROR) :
	    tui_attr(TUI_STYLE_DIM), true);
	tui_put(y, 14, COLS - 15, tui_str(r->label), A_NORMAL, true);
	used = 1;
	if (r->last_error != NULL && r->last_error[0] != '\0' &&
	    y + 1 < bottom)
		used += tui_put_wrapped(y + 1, 14, COLS - 15,
		    problem ? bottom - y - 1 : 1, r->last_error,
		    problem ? A_NORMAL : tui_attr(TUI_STYLE_DIM));
	return used;
}

static void
tui_sync_draw(struct tui_app *app, int top, int rows)
{
	struct sync_status st;
	struct mdt_outbox_row *list = NULL;
	size_t n = 0;
	int y = top, bottom = top + rows - 1;	/* last row: key hints */
	char last[16], next[16];

	tui_app_sync_status(app, &st);
	if (!st.configured) {
		tui_putf(y++, 1, COLS - 2, A_BOLD, true,
		    "Central record: not set up - %lld change(s) kept here",
		    (long long)st.pending);
		tui_putf(y++, 1, COLS - 2, A_NORMAL, true,
		    "Write %s (see docs/sync.md), then open the meeting again.",
		    tui_str(app->config_path));
		y++;
	} else {
		tui_putf(y++, 1, COLS - 2, A_BOLD, true, "Central record: %s",
		    tui_str(app->sync_url));
		if (st.starting)
			tui_put(y++, 1, COLS - 2, "starting (loading libcurl)",
			    tui_attr(TUI_STYLE_DIM), true);
		else if (st.unavailable)
			tui_put(y++, 1, COLS - 2, "unavailable (changes are kept"
			    " here)", tui_attr(TUI_STYLE_ERROR), true);
		else
			tui_putf(y++, 1, COLS - 2,
			    st.online ? tui_attr(TUI_STYLE_GREEN) :
			    tui_attr(TUI_STYLE_AMBER), true, "%s%s",
			    st.busy ? "sending - " : "",
			    st.online ? "online" :
			    "offline (changes are kept here)");
		tui_sync_when(st.last_success_at, last, sizeof(last));
		tui_sync_when(st.next_attempt_at, next, sizeof(next));
		tui_putf(y++, 1, COLS - 2, A_NORMAL, true,
		    "Pending %lld   Sent %lld   Refused %lld   Conflicts %lld"
		    "   Last success %s%s%s", (long long)st.pending,
		    (long long)st.sent, (long long)st.failed,
		    (long long)st.conflicts, last,
		    st.next_attempt_at > 0 ? "   Next try " : "",
		    st.next_attempt_at > 0 ? next : "");
		if (st.last_error[0] != '\0')
			y += tui_put_wrapped(y, 1, COLS - 2, 2, st.last_error,
			    tui_attr(TUI_STYLE_DIM));
	}

	if (mdt_outbox_list(app->store, MDT_OUTBOX_MASK(MDT_OUTBOX_FAILED) |
	    MDT_OUTBOX_MASK(MDT_OUTBOX_CONFLICT), TUI_SYNC_LIST_MAX, &list,
	    &n) == MDT_OK && n > 0 && y < bottom) {
		tui_rule(y++, 0, COLS, "Refused or changed on the server - kept",
		    tui_attr(TUI_STYLE_HEADER));
		for (size_t i = 0; i < n && y < bottom; i++)
			y += tui_sync_row(y, bottom, &list[i], true);
	}
	mdt_outbox_rows_free(list, n);
	list = NULL;
	n = 0;
	if (mdt_outbox_list(app->store, MDT_OUTBOX_MASK(MDT_OUTBOX_PENDING),
	    TUI_SYNC_LIST_MAX, &list, &n) == MDT_OK && y < bottom) {
		tui_rule(y++, 0, COLS, "Waiting to send, oldest first",
		    tui_attr(TUI_STYLE_HEADER));
		if (n == 0 && y < bottom)
			tui_put(y++, 2, COLS - 3, "nothing", A_NORMAL, true);
		for (size_t i = 0; i < n && y < bottom; i++)
			y += tui_sync_row(y, bottom, &list[i], false);
	}
	mdt_outbox_rows_free(list, n);
	tui_app_draw_hints(app, top + rows - 1);
}

static bool
tui_sync_key(struct tui_app *app, enum tui_action act)
{
	struct sync_status st;
	int64_t count = 0;

	switch (act) {
	case TUI_ACT_SYNC_NOW:
		tui_app_sync_status(app, &st);
		if (st.unavailable)
			tui_app_message(app, true, "%s", st.last_error);
		else if (!tui_app_sync_now(app))
			tui_app_message(app, true, "Sync is not set up: write %s",
			    tui_str(app->config_path));
		else if (st.starting)
			tui_app_message(app, false, "Sending once sync has"
			    " started");
		else
			tui_app_message(app, false, "Sending now");
		return true;
	case TUI_ACT_SYNC_RETRY:
		if (!tui_app_check(app, mdt_outbox_retry_problems(app->store,
		    &count)))
			return true;
		tui_app_message(app, false, "%lld refused or conflicting"
		    " change(s) back in the queue", (long long)count);
		tui_app_sync_now(app);
		return true;
	default:
		return false;
	}
}

const struct tui_screen_ops tui_screen_sync = {
	.title = "Sync",
	.draw = tui_sync_draw,
	.key = tui_sync_key,
};
