/*
 * screen_actions.c - every owner's open actions across meetings, on the
 * chair's console: one heading per owner (how many open and overdue),
 * then their actions, overdue first.  d marks the selected action done
 * (d again opens it again), x cancels it (asked first), o shows only the
 * overdue ones, f picks one owner (or everyone).  What the central record
 * said of an action when last read back is a line under it: "updated from
 * the record DAY" (closed there; such actions stay listed a week), the
 * owner it names if not ours, or CONFLICT, which K (keep ours) and R
 * (take the record's) settle, each asked first.
 *
 * The list is read from the store when the meeting's data changes (the
 * application's reload counter), not on every clock tick, and stays in
 * memory between draws; the selection follows the action across reloads.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curses.h>

#include "app.h"
#include "draw.h"
#include "list.h"
#include "screens.h"

/* The screen, as the console's table of the screens holds it. */
const struct tui_screen_ops tui_acts_screen = {
	.title = "Actions", .go = TUI_ACT_GO_ACTIONS,
	.draw = tui_acts_draw, .key = tui_acts_key,
	.enter = tui_acts_enter, .leave = tui_acts_leave,
};

/* Actions closed from the central record stay listed this long, marked
 * "updated from the record". */
#define TUI_ACTS_RECORD_DAYS 7

static struct {
	struct mdt_action_item *items;
	size_t n;
	uint64_t loaded_at;	/* app->reloads when read; 0 never */
	bool overdue_only;
	int64_t owner_id;	/* 0: everyone */
	size_t sel, top;
	int64_t sel_id;		/* the selected action, kept across loads */
	int64_t target;		/* the action being cancelled */
} tui_acts;

static void
tui_acts_free(void)
{
	mdt_action_items_free(tui_acts.items, tui_acts.n);
	tui_acts.items = NULL;
	tui_acts.n = 0;
	tui_acts.loaded_at = 0;
}

/* Reads the list again if anything was committed since. */
static void
tui_acts_load(struct tui_app *app)
{
	struct mdt_actions_filter f = { .overdue = tui_acts.overdue_only,
	    .owner_id = tui_acts.owner_id, .record_since = mdt_store_now(
	    app->store) - TUI_ACTS_RECORD_DAYS * 86400000LL };
	struct mdt_action_item *items = NULL;
	size_t n = 0;

	if (tui_acts.loaded_at != 0 && tui_acts.loaded_at == app->reloads)
		return;
	if (mdt_actions_query(app->store, &f, &items, &n) != MDT_OK) {
		tui_app_message(app, true, "Could not read the actions: %s",
		    mdt_store_error(app->store));
		return;
	}
	tui_acts_free();
	tui_acts.items = items;
	tui_acts.n = n;
	tui_acts.loaded_at = app->reloads;
	for (size_t i = 0; i < n; i++)
		if (items[i].id == tui_acts.sel_id)
			tui_acts.sel = i;
	if (tui_acts.sel >= n)
		tui_acts.sel = n > 0 ? n - 1 : 0;
}

static const struct mdt_action_item *
tui_acts_selected(void)
{
	return tui_acts.sel < tui_acts.n ? &tui_acts.items[tui_acts.sel] :
	    NULL;
}

bool
tui_record_line(const struct tui_record_mark *m, bool keys_here, char *out,
    size_t len)
{
	size_t at = 0;

	out[0] = '\0';
#define TUI_MARK(...) do { if (at < len) { at += (size_t)snprintf( \
	out + at, len - at, "%s", at > 0 ? "; " : ""); } if (at < len) \
	at += (size_t)snprintf(out + at, len - at, __VA_ARGS__); } while (0)
	if (m->conflict)
		TUI_MARK("CONFLICT: record says %s; ours unsent - %s",
		    m->status, keys_here ? "K keep ours, R take record's" :
		    "settle on 7 (K, R)");
	else if (m->applied) {
		char day[11];

		mdt_date_of(m->modified, day);
		TUI_MARK("updated from the record %s", day);
	}
	/* the name comes from another system: kept escaped, shown as kept */
	if (m->owner != NULL && m->owner[0] != '\0' && (m->ours == NULL ||
	    strcasecmp(m->owner, m->ours) != 0))
		TUI_MARK("record: owner %s", m->owner);
#undef TUI_MARK
	return at > 0;
}

/* The record's marker of an item, when there is one. */
static bool
tui_acts_mark(const struct mdt_action_item *it, char *out, size_t len)
{
	struct tui_record_mark m = { it->record_conflict, it->record_applied,
	    it->record_status, it->record_modified, it->record_owner,
	    it->owner_name };

	return tui_record_line(&m, true, out, len);
}

/* Rows of the list: an owner's heading before their first action. */
static bool
tui_acts_heading_before(size_t i)
{
	return i == 0 ||
	    tui_acts.items[i].owner_id != tui_acts.items[i - 1].owner_id;
}

void
tui_acts_draw(struct tui_app *app, int top, int rows)
{
	int open = 0, overdue = 0, y, bottom = top + rows - 1;
	int w_id = 6, w_due = 12, w_who, w_text;
	attr_t h = tui_attr(TUI_STYLE_HEADER);
	size_t list_rows, i;

	tui_acts_load(app);
	for (i = 0; i < tui_acts.n; i++) {
		open += tui_acts.items[i].status == MDT_ACTION_OPEN;
		overdue += tui_acts.items[i].overdue;
	}
	tui_putf(top, 1, COLS - 2, A_BOLD, true, "Open actions across"
	    " meetings: %d, %d overdue%s%s", open, overdue,
	    tui_acts.overdue_only ? "   [overdue only]" : "",
	    tui_acts.owner_id != 0 ? "   [one owner]" : "");
	w_who = COLS >= 100 ? 28 : 18;
	w_text = COLS - 2 - w_id - w_due - w_who - 3;
	tui_fill(top + 1, 0, COLS, h);
	tui_put(top + 1, 2, w_id, "#", h, false);
	tui_put(top + 1, 2 + w_id + 1, w_due, "Due", h, false);
	tui_put(top + 1, 2 + w_id + 1 + w_due + 1, w_text, "Action", h, false);
	tui_put(top + 1, COLS - w_who - 1, w_who, "Patient", h, false);
	if (tui_acts.n == 0) {
		tui_put(top + 3, 4, COLS - 8, tui_acts.overdue_only ?
		    "No overdue actions." : "No open actions.", A_NORMAL,
		    false);
		tui_app_draw_hints(app, bottom);
		return;
	}
	/* Each action is one row, each owner one more, and what the record
	 * says of an action one more: scroll by action, and move the top
	 * down until the selected one is on screen with its lines. */
	list_rows = rows > 4 ? (size_t)(rows - 3) : 1;
	tui_list_clamp(tui_acts.n, list_rows, &tui_acts.sel, &tui_acts.top);
	while (tui_acts.top < tui_acts.sel) {
		int used = 0;

		for (i = tui_acts.top; i <= tui_acts.sel; i++) {
			char mark[8];

			used += 1 + (tui_acts_heading_before(i) ||
			    i == tui_acts.top) + (tui_acts_mark(
			    &tui_acts.items[i], mark, sizeof(mark)) ? 1 : 0);
		}
		if (top + 2 + used <= bottom)
			break;
		tui_acts.top++;
	}
	y = top + 2;
	for (i = tui_acts.top; i < tui_acts.n && y < bottom; i++) {
		const struct mdt_action_item *it = &tui_acts.items[i];
		attr_t at = A_NORMAL;
		char id[16], due[32], mark[640];

		if (tui_acts_heading_before(i) || i == tui_acts.top) {
			int n_open = 0, n_over = 0;

			for (size_t k = i; k < tui_acts.n &&
			    tui_acts.items[k].owner_id == it->owner_id; k++) {
				n_open += tui_acts.items[k].status ==
				    MDT_ACTION_OPEN;
				n_over += tui_acts.items[k].overdue;
			}
			tui_putf(y++, 1, COLS - 2, A_BOLD, true,
			    "%s%s%s%s%s: %d open, %d overdue",
			    tui_str(it->owner_name),
			    it->owner_role[0] != '\0' ? " - " : "",
			    tui_str(it->owner_role),
			    it->owner_org[0] != '\0' ? ", " : "",
			    tui_str(it->owner_org), n_open, n_over);
			if (y >= bottom)
				break;
		}
		if (i == tui_acts.sel)
			at = tui_attr(TUI_STYLE_SELECT);
		else if (it->status != MDT_ACTION_OPEN)
			at = tui_attr(TUI_STYLE_DIM);
		tui_fill(y, 0, COLS, at);
		snprintf(id, sizeof(id), "#%lld", (long long)it->id);
		if (it->status == MDT_ACTION_OPEN)
			snprintf(due, sizeof(due), "%s%s", it->due_date,
			    it->overdue ? "!" : "");
		else
			snprintf(due, sizeof(due), "%s",
			    mdt_action_status_name(it->status));
		tui_put(y, 2, w_id, id, at, false);
		tui_put(y, 2 + w_id + 1, w_due, due, it->overdue &&
		    i != tui_acts.sel ? tui_attr(TUI_STYLE_ERROR) | A_BOLD :
		    at, false);
		tui_put(y, 2 + w_id + 1 + w_due + 1, w_text, tui_str(it->text),
		    at, false);
		tui_put(y, COLS - w_who - 1, w_who, tui_str(it->patient_name),
		    at, false);
		y++;
		if (y < bottom && tui_acts_mark(it, mark, sizeof(mark)))
			tui_put(y++, 3, COLS - 4, mark,
			    it->record_conflict ? tui_attr(TUI_STYLE_ERROR) |
			    A_BOLD : tui_attr(TUI_STYLE_INFO), true);
	}
	tui_app_draw_hints(app, bottom);
}

static void
tui_acts_set(struct tui_app *app, const struct mdt_action_item *it,
    enum mdt_action_status to)
{
	int64_t id = it->id;
	char text[120];

	snprintf(text, sizeof(text), "%s", tui_str(it->text));
	tui_acts.sel_id = id;
	if (!tui_app_check(app, mdt_action_set_status(app->store, id, to)))
		return;
	tui_app_message(app, false, "#%lld %s: %s", (long long)id,
	    to == MDT_ACTION_OPEN ? "open again" :
	    mdt_action_status_name(to), text);
}

static void
tui_acts_cancel_yes(struct tui_app *app)
{
	for (size_t i = 0; i < tui_acts.n; i++)
		if (tui_acts.items[i].id == tui_acts.target) {
			tui_acts_set(app, &tui_acts.items[i],
			    MDT_ACTION_CANCELLED);
			return;
		}
}

/* K or R, confirmed: the conflict settled as `mdtchair actions keep` or
 * `take` settles it (one audited act). */
static void
tui_acts_settle(struct tui_app *app, bool keep)
{
	int64_t id = tui_acts.target;

	tui_acts.sel_id = id;
	if (!tui_app_check(app, keep ? mdt_record_keep(app->store, id) :
	    mdt_record_take(app->store, id)))
		return;
	tui_app_message(app, false, "#%lld: %s", (long long)id, keep ?
	    "ours kept; it goes to the central record over its copy" :
	    "the central record's taken; the change here is not sent");
	if (keep)
		tui_app_sync_now(app);
}

static void
tui_acts_keep_yes(struct tui_app *app)
{
	tui_acts_settle(app, true);
}

static void
tui_acts_take_yes(struct tui_app *app)
{
	tui_acts_settle(app, false);
}

/* K, R: asked first, naming what will happen. */
static void
tui_acts_ask_settle(struct tui_app *app, const struct mdt_action_item *it,
    bool keep)
{
	char q[240];

	if (it == NULL || !it->record_conflict) {
		tui_app_message(app, true, "No conflict with the record here:"
		    " K and R settle one marked CONFLICT");
		return;
	}
	tui_acts.target = it->id;
	if (keep)
		snprintf(q, sizeof(q), "Keep ours for #%lld: send it as %s over"
		    " the record's %s? (y/n)", (long long)it->id,
		    mdt_action_status_name(it->status), it->record_status);
	else
		snprintf(q, sizeof(q), "Take the record's for #%lld: %s here,"
		    " the change here not sent? (y/n)", (long long)it->id,
		    it->record_status);
	tui_confirm_open(app, q, keep ? tui_acts_keep_yes : tui_acts_take_yes);
}

static void
tui_acts_owner_picked(struct tui_app *app, int64_t owner)
{
	tui_acts.owner_id = owner > 0 ? owner : 0;
	tui_acts.loaded_at = 0;
	tui_acts.sel = 0;
	tui_acts.top = 0;
	tui_app_message(app, false, "%s", owner > 0 ? "One owner's actions"
	    " (f: everyone)" : "Everyone's actions");
}

/* f: the owners with open actions, from a fresh unfiltered read. */
static void
tui_acts_pick_owner(struct tui_app *app)
{
	struct mdt_actions_filter f = { .overdue = tui_acts.overdue_only };
	struct mdt_action_item *items = NULL;
	size_t n = 0;

	if (!tui_app_check(app, mdt_actions_query(app->store, &f, &items,
	    &n)))
		return;
	tui_picker_open(app, "Whose actions", tui_acts_owner_picked);
	tui_picker_add(app, -1, "Everyone");
	for (size_t i = 0; i < n; i++) {
		char label[512], found[768];
		int k = 0;

		if (i > 0 && items[i].owner_id == items[i - 1].owner_id)
			continue;
		for (size_t j = i; j < n && items[j].owner_id ==
		    items[i].owner_id; j++)
			k++;
		snprintf(label, sizeof(label), "%s (%d)",
		    tui_str(items[i].owner_name), k);
		/* found as every people picker finds: name, role, org */
		snprintf(found, sizeof(found), "%s\n%s\n%s",
		    tui_str(items[i].owner_name), tui_str(items[i].owner_role),
		    tui_str(items[i].owner_org));
		tui_picker_add_found(app, items[i].owner_id, label, found);
	}
	mdt_action_items_free(items, n);
}

bool
tui_acts_key(struct tui_app *app, enum tui_action act)
{
	const struct mdt_action_item *it;

	tui_acts_load(app);
	it = tui_acts_selected();
	switch (act) {
	case TUI_ACT_MOVE_DOWN:
	case TUI_ACT_MOVE_UP:
	case TUI_ACT_PAGE_DOWN:
	case TUI_ACT_PAGE_UP: {
		size_t step = act == TUI_ACT_PAGE_DOWN ||
		    act == TUI_ACT_PAGE_UP ? 10 : 1;

		if (act == TUI_ACT_MOVE_DOWN || act == TUI_ACT_PAGE_DOWN)
			tui_acts.sel = tui_acts.sel + step < tui_acts.n ?
			    tui_acts.sel + step : tui_acts.n > 0 ?
			    tui_acts.n - 1 : 0;
		else
			tui_acts.sel = tui_acts.sel > step ?
			    tui_acts.sel - step : 0;
		it = tui_acts_selected();
		tui_acts.sel_id = it != NULL ? it->id : 0;
		return true;
	}
	case TUI_ACT_ACTIONS_DONE:
		if (it == NULL)
			return true;
		tui_acts_set(app, it, it->status == MDT_ACTION_DONE ?
		    MDT_ACTION_OPEN : MDT_ACTION_DONE);
		return true;
	case TUI_ACT_ACTIONS_CANCEL: {
		char q[200];

		if (it == NULL || it->status == MDT_ACTION_CANCELLED)
			return true;
		tui_acts.target = it->id;
		snprintf(q, sizeof(q), "Cancel #%lld \"%.80s\"? (y/n)",
		    (long long)it->id, tui_str(it->text));
		tui_confirm_open(app, q, tui_acts_cancel_yes);
		return true;
	}
	case TUI_ACT_ACTIONS_OVERDUE:
		tui_acts.overdue_only = !tui_acts.overdue_only;
		tui_acts.loaded_at = 0;
		tui_app_message(app, false, "%s", tui_acts.overdue_only ?
		    "Overdue actions only (o: all)" : "All open actions");
		return true;
	case TUI_ACT_ACTIONS_OWNER:
		tui_acts_pick_owner(app);
		return true;
	case TUI_ACT_ACTIONS_KEEP:
	case TUI_ACT_ACTIONS_TAKE:
		tui_acts_ask_settle(app, it, act == TUI_ACT_ACTIONS_KEEP);
		return true;
	default:
		return false;
	}
}

void
tui_acts_enter(struct tui_app *app)
{
	(void)app;
	tui_acts.loaded_at = 0;
}

void
tui_acts_leave(struct tui_app *app)
{
	(void)app;
	tui_acts_free();
}
