/*
 * screen_sync.c - the sync panel: where the record stands with the
 * central FHIR record.  Counts, the last success and the next attempt,
 * then every row the server refused or found changed (kept, with the
 * server's own words, until a person deals with it), then what is still
 * waiting, oldest first; the last time the record was read back (pull).
 * s sends now; p reads the record back now; R puts refused and
 * conflicting rows back in the queue; j, k, PgDn and PgUp scroll the lists together (each
 * from the same place in the outbox's order, read from there by id).
 *
 * The lists are read from the outbox when drawn, so they also show what
 * another window or `mdtchair sync` did.  Each reads no more rows than
 * the screen has lines for, and ends in "... and N more" when the outbox
 * holds more than fit: a console that never synced may have hundreds of
 * thousands waiting, and the panel needs only the first few.
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

/* The screen, as the console's table of the screens holds it. */
const struct tui_screen_ops tui_sync_screen = {
	.title = "Sync", .go = TUI_ACT_GO_SYNC,
	.draw = tui_sync_draw, .key = tui_sync_key,
};

static void
tui_sync_when(int64_t ms, char *out, size_t len)
{
	if (ms <= 0)
		snprintf(out, len, "never");
	else
		tui_fmt_hhmm(ms, out, len);
}

/* The rows that scroll: refused, conflicting and waiting. */
#define TUI_SYNC_MASK (MDT_OUTBOX_MASK(MDT_OUTBOX_FAILED) | \
	MDT_OUTBOX_MASK(MDT_OUTBOX_CONFLICT) | \
	MDT_OUTBOX_MASK(MDT_OUTBOX_PENDING))

/* One outbox row: what it is, then (for problems) the server's words. */
static int
tui_sync_row(struct tui_app *app, int y, int bottom,
    const struct mdt_outbox_row *r, bool problem)
{
	char head[64];
	int used = 0;

	if (y >= bottom)
		return 0;
	if (app->sync_shown == 0 || r->id < app->sync_first)
		app->sync_first = r->id;
	if (r->id > app->sync_last)
		app->sync_last = r->id;
	app->sync_shown++;
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

/*
 * One list from y: as many rows as fit above bottom, then "... and N more"
 * if total (what the outbox holds) is more than were drawn; the last line
 * is kept for that note while rows remain.  A refused or conflicting row
 * is drawn only with room for a line of the server's words, which are
 * what a person needs to deal with it.  Returns the next free line.
 */
static int
tui_sync_list(struct tui_app *app, int y, int bottom,
    const struct mdt_outbox_row *list, size_t n, int64_t total, bool problem)
{
	size_t i;
	int end, need;

	if (total < (int64_t)n)
		total = (int64_t)n;	/* counted before another commit */
	for (i = 0; i < n; i++) {
		end = (int64_t)i + 1 < total ? bottom - 1 : bottom;
		need = problem && list[i].last_error != NULL &&
		    list[i].last_error[0] != '\0' ? 2 : 1;
		if (y + need > end)
			break;
		y += tui_sync_row(app, y, end, &list[i], problem);
	}
	/* scrolled, the total counts rows above too: no number then */
	/* scrolled, each list is read a row longer than fits: a row left
	 * over says there is more */
	if (i < n || (app->sync_from == 0 && (int64_t)i < total))
		app->sync_more = true;
	if (app->sync_from > 0 && i < n && y < bottom)
		tui_put(y++, 2, COLS - 3, "... and more (j, PgDn)",
		    tui_attr(TUI_STYLE_DIM), true);
	else if (app->sync_from == 0 && total > (int64_t)i && y < bottom)
		tui_putf(y++, 2, COLS - 3, tui_attr(TUI_STYLE_DIM), true,
		    "... and %lld more (j, PgDn)",
		    (long long)(total - (int64_t)i));
	return y;
}

/* "Last verified ..." (mdtchair sync --verify), or how to. */
static void
verified_line(struct tui_app *app, int y)
{
	int64_t at = 0;
	char *detail = NULL, when[16];

	if (mdt_audit_last_event(app->store, "verify", &at, &detail) !=
	    MDT_OK || detail == NULL)
		tui_put(y, 1, COLS - 2, "Never verified against the record"
		    " (mdtchair sync --verify)", tui_attr(TUI_STYLE_DIM), true);
	else {
		tui_sync_when(at, when, sizeof(when));
		tui_putf(y, 1, COLS - 2, tui_attr(TUI_STYLE_DIM), true,
		    "Last verified %s: %s", when, detail);
	}
	free(detail);
}

/* The last pull (this console's or `mdtchair sync`'s): when, what it
 * took or why it took nothing; then the conflicts waiting.  Returns the
 * next free line. */
static int
pull_lines(struct tui_app *app, const struct sync_status *st, int y)
{
	struct mdt_pull_last l;
	char when[16];

	if (mdt_pull_last(app->store, &l) != MDT_OK)
		return y;
	tui_sync_when(l.tried_at, when, sizeof(when));
	if (st->pulling)
		tui_put(y++, 1, COLS - 2, "Reading the record back now",
		    tui_attr(TUI_STYLE_DIM), true);
	else if (l.tried_at == 0)
		tui_put(y++, 1, COLS - 2, "Never read back from the record"
		    " (p reads it now)", tui_attr(TUI_STYLE_DIM), true);
	else if (l.error != NULL) {
		char *line = mdt_xasprintf("Last pull %s failed, nothing"
		    " taken (p tries again): %s", when, l.error);

		y += tui_put_wrapped(y, 1, COLS - 2, 2, line,
		    tui_attr(TUI_STYLE_AMBER));
		free(line);
	} else
		tui_putf(y++, 1, COLS - 2, A_NORMAL, true, "Last pull %s:"
		    " %lld Task(s) changed, %lld closed from the record,"
		    " %lld owner(s) named", when, (long long)l.tasks,
		    (long long)l.closed, (long long)l.owners);
	if (l.waiting > 0)
		tui_putf(y++, 1, COLS - 2, tui_attr(TUI_STYLE_ERROR), true,
		    "record: %lld conflict(s) - on 7 Actions K keeps ours,"
		    " R takes the record's", (long long)l.waiting);
	mdt_pull_last_free(&l);
	return y;
}

bool
tui_sync_pull_seen(struct tui_app *app)
{
	struct sync_pull_result r;
	int64_t pulls;

	if (app->sync == NULL)
		return false;
	sync_engine_last_pull(app->sync, &r, &pulls);
	if (pulls == app->pulls_seen)
		return false;
	app->pulls_seen = pulls;
	/* the merge committed on this window's connection: read again */
	tui_app_reload(app);
	if (!app->pull_asked)
		return true;
	app->pull_asked = false;
	if (r.error[0] != '\0')
		tui_app_message(app, true, "Nothing taken from the record: %s",
		    tui_str(r.error));
	else
		tui_app_message(app, false, "Read back: %lld Task(s) changed,"
		    " %lld closed from the record, %lld new conflict(s)",
		    (long long)r.merged.tasks, (long long)r.merged.closed,
		    (long long)r.merged.conflicts);
	return true;
}

void
tui_sync_draw(struct tui_app *app, int top, int rows)
{
	struct sync_status st;
	struct mdt_outbox_counts counts;
	struct mdt_outbox_row *list = NULL;
	size_t n = 0;
	int y = top, bottom = top + rows - 1;	/* last row: key hints */
	char last[16], next[16];

	tui_app_sync_status(app, &st, false);
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
		verified_line(app, y++);
		y = pull_lines(app, &st, y);
	}

	app->sync_first = app->sync_last = 0;
	app->sync_shown = 0;
	app->sync_more = false;
	/* the totals for "and N more" (kept between changes by the store) */
	if (mdt_outbox_counts(app->store, &counts) != MDT_OK)
		memset(&counts, 0, sizeof(counts));
	/* a row takes a line at least, below the list's rule */
	if (app->sync_from > 0 && y < bottom)
		tui_put(y++, 1, COLS - 2, "Scrolled: k and PgUp show the"
		    " earlier rows", tui_attr(TUI_STYLE_AMBER), true);
	if (y + 1 < bottom && mdt_outbox_list_from(app->store,
	    MDT_OUTBOX_MASK(MDT_OUTBOX_FAILED) |
	    MDT_OUTBOX_MASK(MDT_OUTBOX_CONFLICT), app->sync_from,
	    (size_t)(bottom - y), &list, &n) == MDT_OK && n > 0) {
		tui_rule(y++, 0, COLS, "Refused or changed on the server - kept",
		    tui_attr(TUI_STYLE_HEADER));
		y = tui_sync_list(app, y, bottom, list, n, counts.failed +
		    counts.conflict, true);
	}
	mdt_outbox_rows_free(list, n);
	list = NULL;
	n = 0;
	/* what cannot go while a record it needs is refused, and why */
	if (y + 1 < bottom && mdt_outbox_list_held_from(app->store,
	    app->sync_from, (size_t)(bottom - y), &list, &n) == MDT_OK &&
	    n > 0) {
		tui_rule(y++, 0, COLS, "Waiting on a refused record",
		    tui_attr(TUI_STYLE_HEADER));
		y = tui_sync_list(app, y, bottom, list, n, (int64_t)n, true);
	}
	mdt_outbox_rows_free(list, n);
	list = NULL;
	n = 0;
	if (y + 1 < bottom && mdt_outbox_list_from(app->store,
	    MDT_OUTBOX_MASK(MDT_OUTBOX_PENDING), app->sync_from,
	    (size_t)(bottom - y), &list, &n) == MDT_OK) {
		tui_rule(y++, 0, COLS, "Waiting to send, oldest first",
		    tui_attr(TUI_STYLE_HEADER));
		if (n == 0)
			tui_put(y++, 2, COLS - 3, app->sync_from > 0 ?
			    "nothing further" : "nothing", A_NORMAL, true);
		else
			y = tui_sync_list(app, y, bottom, list, n,
			    counts.pending, false);
	}
	mdt_outbox_rows_free(list, n);
	tui_app_draw_hints(app, top + rows - 1);
}

bool
tui_sync_key(struct tui_app *app, enum tui_action act)
{
	struct sync_status st;
	int64_t count = 0, id = 0;

	switch (act) {
	case TUI_ACT_SYNC_NOW:
		tui_app_sync_status(app, &st, true);
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
	case TUI_ACT_MOVE_DOWN:
	case TUI_ACT_PAGE_DOWN:
		/* from the second row shown, or the one after the last */
		if (!app->sync_more || app->sync_shown == 0)
			tui_app_message(app, false, "The end of the lists");
		else if (act == TUI_ACT_MOVE_DOWN || app->sync_shown == 1)
			app->sync_from = app->sync_first + 1;
		else
			app->sync_from = app->sync_last;
		return true;
	case TUI_ACT_MOVE_UP:
	case TUI_ACT_PAGE_UP:
		if (app->sync_from == 0)
			tui_app_message(app, false, "The start of the lists");
		else if (mdt_outbox_id_before(app->store, TUI_SYNC_MASK,
		    app->sync_from, act == TUI_ACT_MOVE_UP ? 1 :
		    app->sync_shown > 1 ? app->sync_shown - 1 : 1, &id) ==
		    MDT_OK)
			app->sync_from = id;
		else
			tui_app_message(app, true, "%s",
			    mdt_store_error(app->store));
		return true;
	case TUI_ACT_SYNC_PULL:
		app->pull_asked = true;
		switch (app->sync != NULL ? sync_engine_pull_now(app->sync) :
		    -1) {
		case 0:
			if (app->pull_asked)
				tui_app_message(app, false, "Reading the"
				    " record back");
			return true;
		case 1:
			tui_app_message(app, false, "Already reading the record"
			    " back");
			return true;
		default:
			app->pull_asked = false;
			tui_app_sync_status(app, &st, true);
			tui_app_message(app, true, "%s", st.unavailable ?
			    st.last_error : st.starting ? "Sync is starting:"
			    " p again in a moment" : "Sync is not set up");
			return true;
		}
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
