/*
 * screen_plan.c - a patient's joined-up plan (core/plan.h), a panel of
 * its own one key away: L from the slot (the slot's patient) or from
 * preparation (the selected candidate), L again back.  It lists the
 * problems (what matters to the patient), the goals in their words or
 * their carer's, and what will be done (each intervention with the
 * action it is: who, by when), then the key contact, the next review and
 * whether the plan is active.  p, g and i add a problem, a goal and an
 * intervention (then the patient's action it is, or none yet); x
 * resolves the selected item (asking why), l links the selected
 * intervention to an action, R sets the next review, E ends the plan
 * (asking why).  Each is one committed core call.
 *
 * The next slot opens on the plan: when n starts a slot whose patient
 * has an active plan, this panel shows first.  And closing a case whose
 * plan has problems open asks why first (the plan ends with that reason,
 * then the case closes).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "draw.h"
#include "input.h"
#include "list.h"
#include "screens.h"

/* The screen, as the console's table of the screens holds it. */
const struct tui_screen_ops tui_plan_screen = {
	.title = "Plan", .go = TUI_ACT_NONE,
	.draw = tui_plan_draw, .key = tui_plan_key,
};

/* Whose plan is shown, from where, and the item selected. */
static struct {
	int64_t patient_id;
	char name[128];
	enum tui_screen_id from;
	size_t sel;			/* among the items, in the order drawn */
	int position;			/* the item acted on */
	char text[4 * TUI_PROMPT_MAX + 1];	/* an item being added */
	enum mdt_plan_kind kind;
	bool linking;			/* l: an action for the item */
} tui_plan;

void
tui_plan_open(struct tui_app *app, int64_t patient_id, const char *name,
    enum tui_screen_id from)
{
	tui_plan.patient_id = patient_id;
	snprintf(tui_plan.name, sizeof(tui_plan.name), "%s", name != NULL &&
	    name[0] != '\0' ? name : "The patient");
	tui_plan.from = from;
	tui_plan.sel = 0;
	tui_app_switch(app, TUI_SCREEN_PLAN);
}

bool
tui_plan_slot_opens(struct tui_app *app)
{
	const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);
	struct mdt_plan p;
	bool active;

	if (cur == NULL || mdt_plan_load(app->store, cur->patient_id, &p) !=
	    MDT_OK)
		return false;
	active = strcmp(p.status, "active") == 0;
	mdt_plan_free(&p);
	if (!active)
		return false;
	tui_plan_open(app, cur->patient_id, cur->patient_name,
	    TUI_SCREEN_SLOT);
	tui_app_message(app, false, "Slot %d: the plan from before - L for"
	    " the slot", cur->position);
	return true;
}

/* The plan's items in the order drawn (problems, goals, what we will
 * do), as indices into p->items; how many. */
static size_t
tui_plan_order(const struct mdt_plan *p, size_t *idx)
{
	size_t n = 0;

	for (int k = 0; k < MDT_PLAN_N_KINDS; k++)
		for (size_t i = 0; i < p->n_items; i++)
			if ((int)p->items[i].kind == k)
				idx[n++] = i;
	return n;
}

static const char *const tui_plan_heads[MDT_PLAN_N_KINDS] = {
	"What matters (problems)", "Goals, in their words",
	"What we will do (who, by when)",
};

/* One item's row: its number, text, whose words or its action, and
 * whether resolved. */
static void
tui_plan_row(int y, const struct mdt_plan_item *it, bool sel)
{
	attr_t a = sel ? tui_attr(TUI_STYLE_SELECT) : it->resolved ?
	    tui_attr(TUI_STYLE_DIM) : A_NORMAL;
	char extra[256] = "";

	if (it->kind == MDT_PLAN_GOAL && it->carer)
		snprintf(extra, sizeof(extra), "  (carer's words)");
	else if (it->kind == MDT_PLAN_INTERVENTION && it->action_id != 0)
		snprintf(extra, sizeof(extra), "  (%s, by %s)",
		    it->action_owner, it->action_due);
	else if (it->kind == MDT_PLAN_INTERVENTION)
		snprintf(extra, sizeof(extra), "  (no action yet - l)");
	if (it->resolved)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		    "  resolved %s", it->resolved_on);
	tui_fill(y, 1, COLS - 2, a);
	if (sel)
		tui_put(y, 1, 1, ">", a, false);
	tui_putf(y, 3, COLS - 4, a, false, "%d. %s%s", it->position,
	    it->text, extra);
}

void
tui_plan_draw(struct tui_app *app, int top, int rows)
{
	struct mdt_plan p;
	enum mdt_status st;
	attr_t h = tui_attr(TUI_STYLE_HEADER);
	size_t idx[512], n, first = 0;
	int y = top, list_rows;

	st = mdt_plan_load(app->store, tui_plan.patient_id, &p);
	if (st == MDT_ENOTFOUND) {
		tui_rule(y, 0, COLS, "Joined-up plan", h);
		tui_putf(y + 2, 3, COLS - 6, A_BOLD, false, "%s has no plan"
		    " yet.", tui_plan.name);
		tui_put(y + 4, 3, COLS - 6, "p adds a problem, g a goal in"
		    " their words, i what we will do; L goes back.",
		    A_NORMAL, false);
		tui_app_draw_hints(app, top + rows - 1);
		return;
	}
	if (st != MDT_OK) {
		tui_put(y + 1, 3, COLS - 6, mdt_store_error(app->store),
		    tui_attr(TUI_STYLE_AMBER), false);
		return;
	}
	{
		char head[256];

		snprintf(head, sizeof(head), "Joined-up plan: %s (%s, %d of %d"
		    " problems open)", p.patient_name, p.status,
		    p.open_problems, p.problems);
		tui_rule(y++, 0, COLS, head, h);
	}
	tui_putf(y++, 1, COLS - 2, A_NORMAL, false, "Next review: %s   Key"
	    " contact: %s", p.next_review[0] != '\0' ? p.next_review :
	    "not set (R)", p.key_contact[0] != '\0' ? p.key_contact :
	    "none (K in the slot)");
	if (p.end_reason[0] != '\0')
		tui_putf(y++, 1, COLS - 2, tui_attr(TUI_STYLE_DIM), false,
		    "Ended: %s", p.end_reason);
	n = tui_plan_order(&p, idx);
	/* the rows left, less a heading per kind and the hints */
	list_rows = top + rows - 1 - y - MDT_PLAN_N_KINDS;
	if (list_rows < 1)
		list_rows = 1;
	tui_list_clamp(n, (size_t)list_rows, &tui_plan.sel, &first);
	for (int k = 0; k < MDT_PLAN_N_KINDS && y < top + rows - 1; k++) {
		size_t shown = 0;

		tui_put(y++, 1, COLS - 2, tui_plan_heads[k], h, false);
		for (size_t r = first; r < n && r < first + (size_t)list_rows &&
		    y < top + rows - 1; r++) {
			if ((int)p.items[idx[r]].kind != k)
				continue;
			tui_plan_row(y++, &p.items[idx[r]], r == tui_plan.sel);
			shown++;
		}
		if (shown == 0 && y < top + rows - 1)
			tui_put(y++, 3, COLS - 4, "none", tui_attr(
			    TUI_STYLE_DIM), false);
	}
	mdt_plan_free(&p);
	tui_app_draw_hints(app, top + rows - 1);
}

/* The selected item's number into tui_plan.position (and its kind);
 * false after saying there is none. */
static bool
tui_plan_selected(struct tui_app *app, enum mdt_plan_kind *kind)
{
	struct mdt_plan p;
	size_t idx[512], n;
	bool ok = false;

	if (mdt_plan_load(app->store, tui_plan.patient_id, &p) != MDT_OK) {
		tui_app_message(app, true, "No plan yet: p, g or i adds to it");
		return false;
	}
	n = tui_plan_order(&p, idx);
	if (tui_plan.sel < n) {
		tui_plan.position = p.items[idx[tui_plan.sel]].position;
		*kind = p.items[idx[tui_plan.sel]].kind;
		ok = true;
	} else
		tui_app_message(app, true, "No item selected");
	mdt_plan_free(&p);
	return ok;
}

static bool
tui_plan_added(struct tui_app *app, int64_t action_id, bool carer)
{
	struct mdt_plan_in in = { .kind = tui_plan.kind,
	    .text = tui_plan.text, .carer = carer, .action_id = action_id };
	int pos = 0;

	if (!tui_app_check(app, mdt_plan_add(app->store, tui_plan.patient_id,
	    &in, &pos)))
		return false;
	tui_app_message(app, false, "Added to the plan: %s %d",
	    mdt_plan_kind_name(in.kind), pos);
	return true;
}

static bool
tui_plan_whose(struct tui_app *app, const char *text)
{
	if (text[0] != '\0' && strcmp(text, "c") != 0) {
		tui_app_message(app, true, "Enter: the patient's words, c: the"
		    " carer's");
		return false;
	}
	tui_plan_added(app, 0, text[0] == 'c');
	return true;
}

static void
tui_plan_action_picked(struct tui_app *app, int64_t id)
{
	if (!tui_plan.linking)
		tui_plan_added(app, id, false);
	else if (tui_app_check(app, mdt_plan_link(app->store,
	    tui_plan.patient_id, tui_plan.position, id)))
		tui_app_message(app, false, "Item %d: %s", tui_plan.position,
		    id != 0 ? "linked to the action" : "no action");
}

/* The patient's actions to choose from, and "none yet". */
static void
tui_plan_pick_action(struct tui_app *app, const char *title)
{
	struct mdt_plan_action *a = NULL;
	size_t n = 0;

	if (!tui_app_check(app, mdt_plan_actions(app->store,
	    tui_plan.patient_id, &a, &n)))
		return;
	tui_picker_open(app, title, tui_plan_action_picked);
	tui_picker_add(app, 0, "None yet");
	for (size_t i = 0; i < n; i++)
		tui_picker_add(app, a[i].id, a[i].label);
	mdt_plan_actions_free(a, n);
}

/* The text of an item being added: checked by core when it is saved,
 * kept while the next question is asked. */
static bool
tui_plan_text(struct tui_app *app, const char *text)
{
	char why[160];

	if (!mdt_text_line_ok(text, MDT_PLAN_TEXT_MAX, why, sizeof(why)) ||
	    mdt_str_blank(text)) {
		tui_app_message(app, true, "Not saved: %s", text[0] == '\0' ||
		    mdt_str_blank(text) ? "write the words" : why);
		return false;
	}
	snprintf(tui_plan.text, sizeof(tui_plan.text), "%s", text);
	if (tui_plan.kind == MDT_PLAN_GOAL)
		tui_prompt_open(app, "Whose words - Enter the patient's,"
		    " c the carer's: ", tui_plan_whose);
	else if (tui_plan.kind == MDT_PLAN_INTERVENTION) {
		tui_plan.linking = false;
		tui_plan_pick_action(app, "The action it is (who, by when)");
	} else
		return tui_plan_added(app, 0, false);
	return true;
}

static bool
tui_plan_resolved(struct tui_app *app, const char *text)
{
	if (!tui_app_check(app, mdt_plan_resolve(app->store,
	    tui_plan.patient_id, tui_plan.position, text)))
		return false;
	tui_app_message(app, false, "Item %d resolved", tui_plan.position);
	return true;
}

static bool
tui_plan_reviewed(struct tui_app *app, const char *text)
{
	if (!tui_app_check(app, mdt_plan_review(app->store,
	    tui_plan.patient_id, text)))
		return false;
	tui_app_message(app, false, "Next review set");
	return true;
}

static bool
tui_plan_ended(struct tui_app *app, const char *text)
{
	if (!tui_app_check(app, mdt_plan_end(app->store, tui_plan.patient_id,
	    text)))
		return false;
	tui_app_message(app, false, "The plan has ended");
	return true;
}

/* What each adding key asks first. */
static const struct {
	enum tui_action act;
	enum mdt_plan_kind kind;
	const char *label;
} tui_plan_adds[] = {
	{ TUI_ACT_PLAN_PROBLEM, MDT_PLAN_PROBLEM,
	    "Problem (what matters to the patient): " },
	{ TUI_ACT_PLAN_GOAL, MDT_PLAN_GOAL,
	    "Goal, as they say it (\"I want...\"): " },
	{ TUI_ACT_PLAN_DO, MDT_PLAN_INTERVENTION,
	    "What we will do: " },
};

bool
tui_plan_key(struct tui_app *app, enum tui_action act)
{
	enum mdt_plan_kind kind;

	if (tui_list_move(act, &tui_plan.sel, SIZE_MAX, 5))
		return true;
	for (size_t i = 0; i < sizeof(tui_plan_adds) /
	    sizeof(tui_plan_adds[0]); i++)
		if (tui_plan_adds[i].act == act) {
			tui_plan.kind = tui_plan_adds[i].kind;
			tui_prompt_open(app, tui_plan_adds[i].label,
			    tui_plan_text);
			return true;
		}
	switch (act) {
	case TUI_ACT_PLAN:
		tui_app_switch(app, tui_plan.from);
		return true;
	case TUI_ACT_PLAN_RESOLVE:
		if (tui_plan_selected(app, &kind))
			tui_prompt_open(app, "Resolved - why: ",
			    tui_plan_resolved);
		return true;
	case TUI_ACT_PLAN_LINK:
		if (!tui_plan_selected(app, &kind))
			return true;
		if (kind != MDT_PLAN_INTERVENTION) {
			tui_app_message(app, true, "Only what we will do is an"
			    " action: select an intervention");
			return true;
		}
		tui_plan.linking = true;
		tui_plan_pick_action(app, "The action it is (who, by when)");
		return true;
	case TUI_ACT_PLAN_REVIEW:
		tui_prompt_open(app, "Next review (YYYY-MM-DD or +days): ",
		    tui_plan_reviewed);
		return true;
	case TUI_ACT_PLAN_END:
		tui_prompt_open(app, "End the plan with problems open - why: ",
		    tui_plan_ended);
		return true;
	default:
		return false;
	}
}

/* ---- closing a case ---------------------------------------------------- */

static int64_t tui_close_slot;

static bool
tui_plan_close_why(struct tui_app *app, const char *text)
{
	const struct mdt_slot *s;
	long i = tui_app_slot_index(app, tui_close_slot);

	if (i < 0)
		return true;
	s = &app->snap.slots[i];
	if (!tui_app_check(app, mdt_plan_end(app->store, s->patient_id,
	    text)))
		return false;
	if (tui_app_check(app, mdt_outcome_record(app->store, tui_close_slot,
	    MDT_OUTCOME_CLOSE, NULL)))
		tui_app_message(app, false, "Outcome recorded: %s; the plan"
		    " ended", mdt_outcome_label(MDT_OUTCOME_CLOSE));
	return true;
}

bool
tui_plan_close_asks(struct tui_app *app, int64_t slot_id)
{
	long i = tui_app_slot_index(app, slot_id);
	struct mdt_plan p;
	char label[160];
	int open;

	if (i < 0 || mdt_plan_load(app->store, app->snap.slots[i].patient_id,
	    &p) != MDT_OK)
		return false;
	open = strcmp(p.status, "active") == 0 ? p.open_problems : 0;
	mdt_plan_free(&p);
	if (open == 0)
		return false;
	tui_close_slot = slot_id;
	snprintf(label, sizeof(label), "%d problem%s of the plan open - why"
	    " close the case now? ", open, open == 1 ? "" : "s");
	tui_prompt_open(app, label, tui_plan_close_why);
	return true;
}
