/*
 * screen_prep.c - preparing the agenda: the candidates imported from the
 * pre-meeting lists (and carried forward), with their flags, previous
 * outcome and open actions.  Space puts one on the agenda or takes it off,
 * D defers it with a reason, J/K move it in the agenda, m and P set its
 * planned minutes and presenter, F finalises the agenda (refused while a
 * referral is neither scheduled nor deferred).  r switches to the
 * rising-risk view, where e escalates a patient back to this meeting.  A
 * adds a patient on the day (also on the agenda screen).  X records the
 * death of the candidate, learnt of between meetings (prep_died.c); the
 * deaths since the meeting before are listed above the candidates.  Space and D leave
 * the rows where they stand, so that a repeated key acts on the rows the
 * chair saw.
 *
 * The lists are read from the store when the meeting's data changed (the
 * application's reload counter: this window's acts, an import or another
 * window), or the screen was entered, and kept between draws: a clock
 * tick or a move of the cursor reads nothing.  What else is kept here is
 * the row the chair is on and the fields of a patient being typed in.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "picker.h"
#include "draw.h"
#include "input.h"
#include "list.h"
#include "screens.h"

/* The screen, as the console's table of the screens holds it. */
const struct tui_screen_ops tui_prep_screen = {
	.title = "Preparation", .go = TUI_ACT_GO_PREP,
	.draw = tui_prep_draw, .key = tui_prep_key,
	.enter = tui_prep_enter,
};

/* Where the chair is looking; nothing here is part of the record. */
static size_t tui_prep_sel, tui_prep_top;
static size_t tui_risk_sel, tui_risk_top;
static bool tui_prep_rising;		/* the rising-risk view is shown */
/* The candidates' order as the chair first saw it on this visit: Space
 * and D change a row's mark, not its place, so a repeated "k Space" acts
 * on the rows the chair saw above.  Entering the screen and J/K arrange
 * the list afresh (selected, then open, then deferred). */
static int64_t *tui_prep_order;
static size_t tui_prep_n_order;
static int64_t tui_prep_target;		/* candidate or patient being acted on */

/* A name or practice added on the day: at most this many characters. */
#define TUI_DAY_TEXT_MAX 200

/* A patient being added on the day, one prompt per field. */
static struct {
	char nhs[32];
	char name[TUI_DAY_TEXT_MAX * 4 + 1];
	char dob[16];
	char practice[TUI_DAY_TEXT_MAX * 4 + 1];
} tui_day;

static const char *
tui_outcome_short(enum mdt_outcome_kind k)
{
	switch (k) {
	case MDT_OUTCOME_STAY:
		return "stay";
	case MDT_OUTCOME_STEP_DOWN:
		return "rising";
	case MDT_OUTCOME_CLOSE:
		return "closed";
	case MDT_OUTCOME_DIED:
		return "died";
	default:
		return "new";
	}
}

/* The candidates of the meeting, as read. */
struct tui_cands {
	struct mdt_candidate *c;
	size_t n;
};

/* What the screen shows, as read at reload number loaded_at of the
 * meeting; each part read when first drawn or asked for. */
static struct {
	bool stamped;
	uint64_t loaded_at;
	int64_t meeting_id;
	bool have_cands, have_state, have_deaths, have_rising;
	struct tui_cands cs;
	struct mdt_agenda_state as;
	struct mdt_death *d;
	size_t n_d;
	struct mdt_rising_risk *r;
	size_t n_r;
	int64_t news_patient;	/* whose record news are kept; 0 none */
	struct mdt_action *news;
	size_t n_news;
} tui_prep_kept;

/* Everything read is forgotten: the next draw reads it again. */
static void
tui_prep_forget(void)
{
	mdt_candidates_free(tui_prep_kept.cs.c, tui_prep_kept.cs.n);
	mdt_deaths_free(tui_prep_kept.d, tui_prep_kept.n_d);
	mdt_rising_risk_free(tui_prep_kept.r, tui_prep_kept.n_r);
	mdt_record_news_free(tui_prep_kept.news, tui_prep_kept.n_news);
	memset(&tui_prep_kept, 0, sizeof(tui_prep_kept));
}

/* Forgets what was read before the meeting's data last changed. */
static void
tui_prep_fresh(struct tui_app *app)
{
	if (tui_prep_kept.stamped && tui_prep_kept.loaded_at == app->reloads &&
	    tui_prep_kept.meeting_id == app->meeting_id)
		return;
	tui_prep_forget();
	tui_prep_kept.stamped = true;
	tui_prep_kept.loaded_at = app->reloads;
	tui_prep_kept.meeting_id = app->meeting_id;
}

/* A part read with status st: kept, or the store's reason shown (and
 * read again at the next draw). */
static bool
tui_prep_got(struct tui_app *app, enum mdt_status st, bool *have)
{
	if (st != MDT_OK) {
		tui_app_message(app, true, "%s", mdt_store_error(app->store));
		return false;
	}
	*have = true;
	return true;
}

/* Puts the rows of a fresh load in the order kept for this visit; a
 * candidate added since comes last, and the kept order takes it in. */
static void
tui_cands_arrange(struct tui_cands *cs)
{
	size_t placed = 0;
	int64_t *order;

	for (size_t k = 0; k < tui_prep_n_order; k++)
		for (size_t i = placed; i < cs->n; i++)
			if (cs->c[i].id == tui_prep_order[k]) {
				struct mdt_candidate t = cs->c[i];

				memmove(&cs->c[placed + 1], &cs->c[placed],
				    (i - placed) * sizeof(cs->c[0]));
				cs->c[placed++] = t;
				break;
			}
	order = cs->n > 0 ? realloc(tui_prep_order,
	    cs->n * sizeof(*order)) : NULL;
	if (cs->n > 0 && order == NULL)
		return;		/* the next load arranges it again */
	if (cs->n == 0)
		free(tui_prep_order);
	tui_prep_order = order;
	tui_prep_n_order = cs->n;
	for (size_t i = 0; i < cs->n; i++)
		tui_prep_order[i] = cs->c[i].id;
}

/* The candidates, in the order kept for this visit; NULL if they could
 * not be read (said). */
static const struct tui_cands *
tui_cands_get(struct tui_app *app)
{
	struct tui_cands *cs = &tui_prep_kept.cs;

	tui_prep_fresh(app);
	if (!tui_prep_kept.have_cands) {
		if (!tui_prep_got(app, mdt_candidates_load(app->store,
		    app->meeting_id, &cs->c, &cs->n), &tui_prep_kept.have_cands))
			return NULL;
		tui_cands_arrange(cs);
	}
	return cs;
}

/* What the central record says of the patient's actions (closed there
 * lately, in conflict, another owner named), kept as the rest is, for
 * the patient last asked about; false if it could not be read. */
static bool
tui_prep_news(struct tui_app *app, int64_t patient_id,
    const struct mdt_action **news, size_t *n)
{
	tui_prep_fresh(app);
	if (tui_prep_kept.news_patient != patient_id) {
		mdt_record_news_free(tui_prep_kept.news, tui_prep_kept.n_news);
		tui_prep_kept.news = NULL;
		tui_prep_kept.n_news = 0;
		tui_prep_kept.news_patient = 0;
		if (mdt_record_news(app->store, app->meeting_id, patient_id,
		    &tui_prep_kept.news, &tui_prep_kept.n_news) != MDT_OK)
			return false;
		tui_prep_kept.news_patient = patient_id;
	}
	*news = tui_prep_kept.news;
	*n = tui_prep_kept.n_news;
	return true;
}

/* Lets the next load arrange the list in the store's order (and read
 * everything again). */
static void
tui_prep_rearrange(void)
{
	free(tui_prep_order);
	tui_prep_order = NULL;
	tui_prep_n_order = 0;
	tui_prep_forget();
}

void
tui_prep_enter(struct tui_app *app)
{
	(void)app;
	tui_prep_rearrange();
}

/* The deaths recorded since the meeting before, one line each (at most
 * most lines, the last saying how many more); the row after them. */
static int
tui_prep_draw_deaths(struct tui_app *app, int y, int most)
{
	const struct mdt_death *d;
	attr_t a = tui_attr(TUI_STYLE_DIM);
	size_t n, i;
	char line[128], nhs[13];

	tui_prep_fresh(app);
	if (!tui_prep_kept.have_deaths && !tui_prep_got(app,
	    mdt_deaths_since(app->store, app->meeting_id, &tui_prep_kept.d,
	    &tui_prep_kept.n_d), &tui_prep_kept.have_deaths))
		return y;
	d = tui_prep_kept.d;
	n = tui_prep_kept.n_d;
	for (i = 0; i < n && (int)i < most; i++) {
		if ((int)i == most - 1 && i + 1 < n) {
			tui_putf(y++, 1, COLS - 2, a, true, "Died since the"
			    " last meeting: %zu more (see mdtchair agenda)",
			    n - i);
			break;
		}
		/* the columns of the candidates below; what is cut at 80
		 * columns is whether the death was expected */
		mdt_nhs_format(d[i].nhs_number, nhs);
		snprintf(line, sizeof(line), "%s%s%s; relatives %s%s",
		    d[i].died_on, d[i].place[0] != '\0' ? ", " : "",
		    d[i].place, !d[i].relatives_made ? "none" :
		    d[i].relatives == MDT_ACTION_DONE ? "done" : "open",
		    d[i].expected < 0 ? "" : d[i].expected == 1 ?
		    "; expected" : "; unexpected");
		tui_fill(y, 0, COLS, a);
		tui_put(y, 1, 5, "Died", a | A_BOLD, true);
		tui_put(y, 8, 18, tui_str(d[i].patient_name), a, true);
		tui_put(y, 27, 12, nhs, a, true);
		tui_put(y++, 40, COLS - 41, line, a, true);
	}
	return y;
}

static void
tui_prep_draw_candidates(struct tui_app *app, int top, int rows)
{
	const struct mdt_agenda_state *as = &tui_prep_kept.as;
	const struct tui_cands *cs;
	const struct mdt_action *news = NULL;
	size_t n_news = 0;
	int y = top, list_rows, bottom = top + rows - 1, more = 0;
	char buf[256], plan[16];

	tui_prep_fresh(app);
	if (!tui_prep_kept.have_state && mdt_agenda_state(app->store,
	    app->meeting_id, &tui_prep_kept.as) == MDT_OK)
		tui_prep_kept.have_state = true;
	if (tui_prep_kept.have_state) {
		tui_fmt_hms(as->planned_s * 1000, plan, sizeof(plan));
		tui_putf(y++, 1, COLS - 2, A_BOLD, true,
		    "Preparation: %d candidates, %d on the agenda (%s), "
		    "%d deferred", as->candidates, as->selected, plan,
		    as->deferred);
		if (as->rising_due > 0)
			tui_putf(y++, 1, COLS - 2, tui_attr(TUI_STYLE_ERROR),
			    true, "%d rising-risk review(s) due - r shows the"
			    " register", as->rising_due);
		if (as->unresolved_referrals > 0)
			tui_putf(y++, 1, COLS - 2, tui_attr(TUI_STYLE_ERROR),
			    true, "%d referral(s) to schedule or defer before "
			    "the agenda can be finalised",
			    as->unresolved_referrals);
		else
			tui_putf(y++, 1, COLS - 2, as->finalised_at > 0 ?
			    tui_attr(TUI_STYLE_GREEN) : A_NORMAL, true, "%s",
			    as->finalised_at > 0 ? "Agenda finalised" :
			    "Not finalised - F finalises");
	}
	y = tui_prep_draw_deaths(app, y, rows / 4);
	if ((cs = tui_cands_get(app)) == NULL)
		return;
	{
		/* The headings stand where the columns below start. */
		static const struct { int x; const char *s; } h[] = {
			{ 5, " #" }, { 8, "Patient" }, { 27, "NHS no." },
			{ 40, "Lists" }, { 59, "Prev." }, { 66, "Act" },
			{ 70, "Plan" }, { 75, "Presenter" },
		};
		attr_t ha = tui_attr(TUI_STYLE_HEADER);

		tui_fill(y, 0, COLS, ha);
		for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
			if (h[i].x < COLS - 1)
				tui_put(y, h[i].x, COLS - h[i].x - 1, h[i].s,
				    ha, false);
		y++;
	}
	if (cs->n > 0 && tui_prep_sel >= cs->n)
		tui_prep_sel = cs->n - 1;
	/* what the central record says of the selected patient's actions
	 * takes a line below the list */
	if (cs->n > 0 && tui_prep_news(app, cs->c[tui_prep_sel].patient_id,
	    &news, &n_news) && n_news > 0)
		more = 1;
	list_rows = bottom - y - 4 - more;
	if (list_rows < 1)
		list_rows = 1;
	tui_list_clamp(cs->n, (size_t)list_rows, &tui_prep_sel, &tui_prep_top);
	for (size_t i = tui_prep_top; i < cs->n && y < bottom - 4 - more;
	    i++) {
		const struct mdt_candidate *c = &cs->c[i];
		attr_t a = A_NORMAL;
		char lists[128], nhs[13], pos[16], mins[16];
		int x = 1;

		if (c->state == MDT_CANDIDATE_DEFERRED)
			a = tui_attr(TUI_STYLE_DIM);
		if (i == tui_prep_sel)
			a |= tui_attr(TUI_STYLE_SELECT);
		tui_fill(y, 0, COLS, a);
		if (c->state == MDT_CANDIDATE_SELECTED)
			snprintf(pos, sizeof(pos), "%2d", c->position);
		else
			snprintf(pos, sizeof(pos), "%s",
			    c->state == MDT_CANDIDATE_DEFERRED ? " d" : " -");
		mdt_lists_label(c->lists, lists, sizeof(lists));
		mdt_nhs_format(c->nhs_number, nhs);
		/* Each column is put one narrower than its step: a space
		 * always separates them. */
		tui_put(y, x, 3, c->state == MDT_CANDIDATE_SELECTED ? "[x]" :
		    "[ ]", a, true);
		x += 4;
		tui_put(y, x, 2, pos, a, true);
		x += 3;
		tui_put(y, x, 18, tui_str(c->patient_name), a, true);
		x += 19;
		tui_put(y, x, 12, nhs, a, true);
		x += 13;
		snprintf(buf, sizeof(buf), "%s%s%s%s", c->carried_forward ?
		    "due: " : "", c->added_on_day ? "on the day" : "",
		    c->escalated ? "escalated: " : "", lists);
		tui_put(y, x, 18, buf, (c->lists & MDT_LIST_REFERRAL) &&
		    c->state == MDT_CANDIDATE_OPEN ? a | A_BOLD : a, true);
		x += 19;
		tui_put(y, x, 6, tui_outcome_short(c->previous_outcome), a,
		    true);
		x += 7;
		snprintf(buf, sizeof(buf), "%3d", c->open_actions);
		tui_put(y, x, 3, buf, a, true);
		x += 4;
		if (c->state == MDT_CANDIDATE_SELECTED)
			snprintf(mins, sizeof(mins), "%3d", c->planned_s / 60);
		else
			snprintf(mins, sizeof(mins), "  -");
		tui_put(y, x, 4, mins, a, true);
		x += 5;
		if (COLS - x > 8)
			tui_put(y, x, COLS - x - 1, tui_str(c->presenter_name),
			    a, true);
		y++;
	}
	if (cs->n == 0 && y < bottom)
		tui_put(y++, 3, COLS - 4, "No candidates yet: import the "
		    "pre-meeting lists (mdtchair import), or A adds a patient",
		    A_NORMAL, true);
	if (cs->n > 0) {
		const struct mdt_candidate *c = &cs->c[tui_prep_sel];
		int dy = bottom - 4 - more;
		char asked[1400];
		/* the discussions elsewhere go on the third line when it is
		 * free, else on the reason's second */
		bool third = c->state != MDT_CANDIDATE_DEFERRED &&
		    !mdt_nhs_local(c->nhs_number) && c->referral_id == 0;

		if (more) {
			const struct mdt_action *ac = &news[0];
			struct tui_record_mark m = { ac->record_conflict,
			    ac->record_applied, ac->record_status,
			    ac->record_modified, ac->record_owner,
			    ac->owner_name };
			char mark[640];

			tui_record_line(&m, false, mark, sizeof(mark));
			tui_putf(bottom - 1, 1, COLS - 2, ac->record_conflict ?
			    tui_attr(TUI_STYLE_ERROR) : tui_attr(TUI_STYLE_INFO),
			    true, "Action #%lld %s: %s%s", (long long)ac->id,
			    tui_str(ac->text), mark, n_news > 1 ?
			    " (and more on 7)" : "");
		}

		snprintf(buf, sizeof(buf), "Reason: %s%s%s%s%s",
		    tui_str(c->reason), c->referred_by != NULL &&
		    c->referred_by[0] ? " - referred by " : "",
		    tui_str(c->referred_by), c->presenter_name != NULL ?
		    " - presents: " : "", tui_str(c->presenter_name));
		tui_put_wrapped(dy, 1, COLS - 2, c->elsewhere.n > 0 && !third ?
		    1 : 2, buf, A_NORMAL);
		if (c->elsewhere.n > 0)
			tui_putf(third ? dy + 2 : dy + 1, 1, COLS - 2, A_BOLD,
			    true, "Elsewhere: %s", mdt_elsewhere_line(
			    &c->elsewhere, false, asked, sizeof(asked)));
		if (c->state == MDT_CANDIDATE_DEFERRED)
			tui_putf(dy + 2, 1, COLS - 2, tui_attr(TUI_STYLE_DIM),
			    true, "Deferred: %s", tui_str(c->defer_reason));
		else if (mdt_nhs_local(c->nhs_number))
			tui_putf(dy + 2, 1, COLS - 2, A_BOLD, true, "Not traced:"
			    " no agenda until 'mdtchair trace %s NHS'",
			    c->nhs_number);
		else if (c->referral_id != 0) {
			mdt_referral_history(c, buf, sizeof(buf));
			tui_putf(dy + 2, 1, COLS - 2, A_BOLD, true,
			    "Referral: %s", buf);
		}
		mdt_consent_asked_line(&c->asked, true, asked, sizeof(asked));
		if (mdt_consent_asked_bars(&c->asked))
			tui_putf(dy + 3, 1, COLS - 2, A_BOLD, true, "Consent %s:"
			    " kept off; c asks again", asked);
		else
			tui_putf(dy + 3, 1, COLS - 2, A_NORMAL, true,
			    "Consent asked: %s%s", asked, c->asked.id == 0 ?
			    " - c records the answer" : "");
	}
}

/* The rising-risk register as of the meeting's date; false if it could
 * not be read (said). */
static bool
tui_prep_rising_get(struct tui_app *app, const struct mdt_rising_risk **r,
    size_t *n)
{
	tui_prep_fresh(app);
	if (!tui_prep_kept.have_rising && !tui_prep_got(app,
	    mdt_rising_risk_load(app->store, app->meeting_id, &tui_prep_kept.r,
	    &tui_prep_kept.n_r), &tui_prep_kept.have_rising))
		return false;
	*r = tui_prep_kept.r;
	*n = tui_prep_kept.n_r;
	return true;
}

static void
tui_prep_draw_rising(struct tui_app *app, int top, int rows)
{
	const struct mdt_rising_risk *r;
	size_t n, due = 0;
	int y = top, bottom = top + rows - 1;
	char nhs[13], buf[640];

	if (!tui_prep_rising_get(app, &r, &n))
		return;
	for (size_t i = 0; i < n; i++)
		due += r[i].due;
	tui_putf(y++, 1, COLS - 2, A_BOLD, true, "Rising-risk register: %zu"
	    " patient(s), %zu review(s) due - e escalates one to this"
	    " meeting", n, due);
	tui_put(y++, 1, COLS - 2, "    Patient             NHS no.      "
	    "Next review Since       Act  This meeting",
	    tui_attr(TUI_STYLE_HEADER), true);
	if (n > 0 && tui_risk_sel >= n)
		tui_risk_sel = n - 1;
	tui_list_clamp(n, (size_t)(bottom - y - 2 > 0 ? bottom - y - 2 : 1),
	    &tui_risk_sel, &tui_risk_top);
	for (size_t i = tui_risk_top; i < n && y < bottom - 2; i++) {
		attr_t a = i == tui_risk_sel ? tui_attr(TUI_STYLE_SELECT) :
		    A_NORMAL;
		int x = 1;

		tui_fill(y, 0, COLS, a);
		x += tui_put(y, x, 4, r[i].due ? "DUE" : "", r[i].due ?
		    a | A_BOLD : a, true);
		mdt_nhs_format(r[i].nhs_number, nhs);
		x += tui_put(y, x, 20, tui_str(r[i].patient_name), a, true);
		x += tui_put(y, x, 13, nhs, a, true);
		x += tui_put(y, x, 12, r[i].next_review, r[i].due ?
		    a | A_BOLD : a, true);
		x += tui_put(y, x, 12, r[i].added_on, a, true);
		snprintf(buf, sizeof(buf), "%3d", r[i].open_actions);
		x += tui_put(y, x, 5, buf, a, true);
		tui_put(y, x, COLS - x - 1, r[i].candidate_id != 0 ?
		    (r[i].escalated ? "escalated" : "candidate") :
		    mdt_nhs_local(r[i].nhs_number) ? "not traced" : "-", a,
		    true);
		y++;
	}
	if (n == 0 && y < bottom)
		tui_put(y, 3, COLS - 4, "Nobody is on the rising-risk register.",
		    A_NORMAL, true);
	if (n > 0) {
		const struct mdt_rising_risk *c = &r[tui_risk_sel];

		snprintf(buf, sizeof(buf), "Reason: %s - added by %s%s%s%s%s",
		    tui_str(c->reason), tui_str(c->added_by),
		    c->last_reviewed[0] != '\0' ? " - reviewed " : "",
		    c->last_reviewed, c->last_reviewed[0] != '\0' ? ": " : "",
		    tui_str(c->last_note));
		tui_put_wrapped(bottom - 2, 1, COLS - 2, 2, buf, A_NORMAL);
	}
}

void
tui_prep_draw(struct tui_app *app, int top, int rows)
{
	if (tui_prep_rising)
		tui_prep_draw_rising(app, top, rows);
	else
		tui_prep_draw_candidates(app, top, rows);
	tui_app_draw_hints(app, top + rows - 1);
}

/* The candidate under the cursor, copied out of a fresh load. */
static bool
tui_prep_current(struct tui_app *app, struct mdt_candidate *out)
{
	const struct tui_cands *cs = tui_cands_get(app);
	bool ok = false;

	if (cs == NULL)
		return false;
	if (tui_prep_sel < cs->n) {
		const struct mdt_candidate *c = &cs->c[tui_prep_sel];

		memset(out, 0, sizeof(*out));
		out->id = c->id;
		out->patient_id = c->patient_id;
		out->state = c->state;
		out->slot_id = c->slot_id;
		out->position = c->position;
		out->lists = c->lists;
		memcpy(out->nhs_number, c->nhs_number, sizeof(c->nhs_number));
		out->open_actions = c->open_actions;
		ok = true;
	} else
		tui_app_message(app, true, "No candidate here");
	return ok;
}

/* The candidate under the cursor, if it is on the agenda (or whatever its
 * state when why is NULL); false, after saying why not (or what to do,
 * why), if it is not. */
static bool
tui_prep_current_on_agenda(struct tui_app *app, struct mdt_candidate *out,
    const char *why)
{
	if (!tui_prep_current(app, out))
		return false;
	if (why != NULL && out->state != MDT_CANDIDATE_SELECTED) {
		tui_app_message(app, true, "%s", why);
		return false;
	}
	return true;
}

/* Keeps the cursor on a candidate after the list was reordered. */
static void
tui_prep_follow(struct tui_app *app, int64_t candidate_id)
{
	const struct tui_cands *cs = tui_cands_get(app);

	for (size_t i = 0; cs != NULL && i < cs->n; i++)
		if (cs->c[i].id == candidate_id)
			tui_prep_sel = i;
}

static bool
tui_prep_deferred(struct tui_app *app, const char *text)
{
	if (!tui_app_check(app, mdt_candidate_defer(app->store,
	    tui_prep_target, text)))
		return false;	/* the reason stays typed, to fix or retry */
	tui_prep_follow(app, tui_prep_target);
	tui_app_message(app, false, "Deferred: %s", text);
	return true;
}

static bool
tui_prep_minutes(struct tui_app *app, const char *text)
{
	char *end;
	long m = strtol(text, &end, 10);

	if (end == text || *end != '\0' || m < MDT_SLOT_MIN_S / 60 ||
	    m > MDT_SLOT_MAX_S / 60) {
		tui_app_message(app, true, "Minutes: a whole number from %d "
		    "to %d", MDT_SLOT_MIN_S / 60, MDT_SLOT_MAX_S / 60);
		return false;
	}
	if (!tui_app_check(app, mdt_slot_set_plan(app->store, tui_prep_target,
	    (int)m * 60, -1)))
		return false;
	tui_app_message(app, false, "Planned %ld minutes", m);
	return true;
}

static void
tui_prep_presenter(struct tui_app *app, int64_t person_id)
{
	if (tui_app_check(app, mdt_slot_set_plan(app->store, tui_prep_target,
	    0, person_id)))
		tui_app_message(app, false, "Presenter set");
}

static void
tui_prep_finalise(struct tui_app *app)
{
	if (tui_app_check(app, mdt_agenda_finalise(app->store,
	    app->meeting_id)))
		tui_app_message(app, false, "Agenda finalised");
}

static bool
tui_prep_escalated(struct tui_app *app, const char *text)
{
	if (!tui_app_check(app, mdt_rising_risk_escalate(app->store,
	    tui_prep_target, app->meeting_id, text, NULL)))
		return false;
	tui_app_message(app, false, "Escalated to this meeting: schedule or "
	    "defer it on the preparation list");
	return true;
}

/* ---- a patient added on the day: NHS number, name, date of birth,
 * ---- practice, reason; each prompt checks its field before the next. */

static bool
tui_day_nhs(struct tui_app *app, const char *text)
{
	char digits[11];

	if (!mdt_nhs_normalise(text, digits) || !mdt_nhs_valid(digits)) {
		tui_app_message(app, true, "Not a valid NHS number (10 digits, "
		    "Modulus 11 check digit)");
		return false;
	}
	snprintf(tui_day.nhs, sizeof(tui_day.nhs), "%s", digits);
	return true;
}

/* text kept whole in out (len bytes); false, said, if it is longer than
 * TUI_DAY_TEXT_MAX characters: never cut. */
static bool
tui_day_keep(struct tui_app *app, const char *what, const char *text,
    char *out, size_t len)
{
	if (mdt_text_chars(text) > TUI_DAY_TEXT_MAX || strlen(text) >= len) {
		tui_app_message(app, true, "%s is longer than %d characters",
		    what, TUI_DAY_TEXT_MAX);
		return false;
	}
	memcpy(out, text, strlen(text) + 1);
	return true;
}

static bool
tui_day_name(struct tui_app *app, const char *text)
{
	if (text[strspn(text, " ")] == '\0') {
		tui_app_message(app, true, "The patient's name is needed");
		return false;
	}
	return tui_day_keep(app, "The name", text, tui_day.name,
	    sizeof(tui_day.name));
}

static bool
tui_day_dob(struct tui_app *app, const char *text)
{
	char out[11];

	if (strlen(text) != 10 || text[0] == '+' ||
	    mdt_date_parse(text, mdt_store_now(app->store), out) != MDT_OK) {
		tui_app_message(app, true, "Date of birth: YYYY-MM-DD");
		return false;
	}
	snprintf(tui_day.dob, sizeof(tui_day.dob), "%s", out);
	return true;
}

static bool
tui_day_practice(struct tui_app *app, const char *text)
{
	return tui_day_keep(app, "The practice", text, tui_day.practice,
	    sizeof(tui_day.practice));
}

static bool
tui_day_reason(struct tui_app *app, const char *text)
{
	struct mdt_patient_in p = {
		.nhs_number = tui_day.nhs,
		.name = tui_day.name,
		.date_of_birth = tui_day.dob,
		.practice = tui_day.practice[0] ? tui_day.practice : NULL,
	};
	int64_t slot_id = 0;

	if (!tui_app_check(app, mdt_slot_add_on_day(app->store,
	    app->meeting_id, &p, text, 0, 0, &slot_id)))
		return false;
	tui_app_message(app, false, "Added on the day: %s, at the end of "
	    "the agenda", tui_day.name);
	return true;
}

/* The prompts in turn: each field's check keeps it in tui_day, or says
 * why it will not do (and the text stays typed, to fix); the last adds. */
static const struct tui_form_step tui_day_steps[] = {
	{ "Add on the day - NHS number: ", tui_day_nhs, NULL, 0, NULL },
	{ "Patient's name: ", tui_day_name, NULL, 0, NULL },
	{ "Date of birth (YYYY-MM-DD): ", tui_day_dob, NULL, 0, NULL },
	{ "Practice (Enter = none): ", tui_day_practice, NULL, 0, NULL },
	{ "Reason for discussion: ", tui_day_reason, NULL, 0, NULL },
};

static size_t tui_day_step;

static bool
tui_day_submit(struct tui_app *app, const char *text)
{
	return tui_form_answer(app, tui_day_steps, MDT_COUNT(tui_day_steps),
	    &tui_day_step, tui_day_submit, text);
}

void
tui_prep_add_on_day(struct tui_app *app)
{
	memset(&tui_day, 0, sizeof(tui_day));
	tui_day_step = 0;
	tui_prompt_open(app, tui_day_steps[0].label, tui_day_submit);
}

/* Down or up either list of the screen: drawing it keeps sel within it. */
static bool
tui_prep_move(enum tui_action act, size_t *sel)
{
	if (act == TUI_ACT_MOVE_DOWN)
		(*sel)++;
	else if (act == TUI_ACT_MOVE_UP) {
		if (*sel > 0)
			(*sel)--;
	} else
		return false;
	return true;
}

static bool
tui_prep_key_rising(struct tui_app *app, enum tui_action act)
{
	const struct mdt_rising_risk *r;
	size_t n;

	if (tui_prep_move(act, &tui_risk_sel))
		return true;
	switch (act) {
	case TUI_ACT_PREP_ESCALATE:
		if (!tui_prep_rising_get(app, &r, &n))
			return true;
		if (tui_risk_sel < n) {
			tui_prep_target = r[tui_risk_sel].patient_id;
			tui_prompt_open(app, "Escalate - reason: ",
			    tui_prep_escalated);
		} else
			tui_app_message(app, true, "Nobody to escalate");
		return true;
	default:
		return false;
	}
}

/* The acts on the candidate under the cursor, and for those that need it
 * on the agenda what is said when it is not. */
static const char tui_prep_no_place[] = "Only a patient on the agenda has a"
    " place in it (Space)";
static const char tui_prep_not_yet[] = "Put the patient on the agenda first"
    " (Space)";

static const struct {
	enum tui_action act;
	const char *off_agenda;		/* NULL: any candidate */
} tui_prep_acts[] = {
	{ TUI_ACT_PREP_TOGGLE, NULL },
	{ TUI_ACT_PLAN, NULL },
	{ TUI_ACT_PREP_CONSENT, NULL },
	{ TUI_ACT_PREP_DIED, NULL },
	{ TUI_ACT_PREP_DEFER, NULL },
	{ TUI_ACT_PREP_LATER, tui_prep_no_place },
	{ TUI_ACT_PREP_EARLIER, tui_prep_no_place },
	{ TUI_ACT_PREP_MINUTES, tui_prep_not_yet },
	{ TUI_ACT_PREP_PRESENTER, tui_prep_not_yet },
};

#define TUI_PREP_N_ACTS (sizeof(tui_prep_acts) / sizeof(tui_prep_acts[0]))

bool
tui_prep_key(struct tui_app *app, enum tui_action act)
{
	struct mdt_candidate c;
	size_t i;

	if (act == TUI_ACT_PREP_RISING) {
		tui_prep_rising = !tui_prep_rising;
		return true;
	}
	if (act == TUI_ACT_ADD_ON_DAY) {
		tui_prep_add_on_day(app);
		return true;
	}
	if (act == TUI_ACT_PREP_REFER) {
		tui_prep_refer(app);
		return true;
	}
	if (act == TUI_ACT_PREP_FINALISE) {
		tui_confirm_open(app, "Finalise the agenda for circulation? (y/n)",
		    tui_prep_finalise);
		return true;
	}
	if (tui_prep_rising)
		return tui_prep_key_rising(app, act);
	if (tui_prep_move(act, &tui_prep_sel))
		return true;
	for (i = 0; i < TUI_PREP_N_ACTS && tui_prep_acts[i].act != act; i++)
		;
	if (i == TUI_PREP_N_ACTS)
		return false;
	if (!tui_prep_current_on_agenda(app, &c, tui_prep_acts[i].off_agenda))
		return true;
	switch (act) {
	case TUI_ACT_PREP_TOGGLE:
		if (c.state == MDT_CANDIDATE_SELECTED) {
			if (tui_app_check(app, mdt_candidate_deselect(
			    app->store, c.id)))
				tui_app_message(app, false, "Taken off the "
				    "agenda");
		} else if (tui_app_check(app, mdt_candidate_select(app->store,
		    c.id, 0, 0, NULL)))
			tui_app_message(app, false, "On the agenda");
		return true;	/* the row keeps its place, the cursor too */
	case TUI_ACT_PLAN:
		tui_plan_open(app, c.patient_id, NULL, TUI_SCREEN_PREP);
		return true;
	case TUI_ACT_PREP_CONSENT:
		tui_prep_consent(app, c.nhs_number);
		return true;
	case TUI_ACT_PREP_DIED:
		tui_prep_died(app, c.nhs_number, c.open_actions);
		return true;
	case TUI_ACT_PREP_DEFER:
		tui_prep_target = c.id;
		tui_prompt_open(app, "Defer - reason: ", tui_prep_deferred);
		return true;
	case TUI_ACT_PREP_LATER:
	case TUI_ACT_PREP_EARLIER:
		if (tui_app_check(app, mdt_slot_move(app->store, c.slot_id,
		    c.position + (act == TUI_ACT_PREP_LATER ? 1 : -1)))) {
			tui_prep_rearrange();
			tui_prep_follow(app, c.id);
		}
		return true;
	case TUI_ACT_PREP_MINUTES:
	case TUI_ACT_PREP_PRESENTER:
		tui_prep_target = c.slot_id;
		if (act == TUI_ACT_PREP_MINUTES) {
			tui_prompt_open(app, "Planned minutes: ",
			    tui_prep_minutes);
			return true;
		}
		tui_people_picker(app, "Presenter", tui_prep_presenter,
		    TUI_PEOPLE_NEW, NULL, c.presenter_id);
		return true;
	default:
		return false;
	}
}
