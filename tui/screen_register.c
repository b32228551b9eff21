/*
 * screen_register.c - the register of attendees: name, role, organisation,
 * attendance and the confidentiality acknowledgement.
 *
 * Space cycles the selected person's attendance (not marked -> present ->
 * apologies -> present ...) and c toggles the acknowledgement; each is one
 * committed change.  The register changes on the day: a adds someone (known,
 * not yet on it, or someone new), l marks a late arrival, d an early
 * departure (again: back in the room), C and N who chairs and who takes
 * the notes.  The header counts who is in the room (present and not left)
 * and names the disciplines (roles) there, which the quorum reads.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "draw.h"
#include "list.h"
#include "picker.h"
#include "screens.h"

/* The screen, as the console's table of the screens holds it. */
const struct tui_screen_ops tui_register_screen = {
	.title = "Register", .go = TUI_ACT_GO_REGISTER,
	.draw = tui_register_draw, .key = tui_register_key,
};

static const char *
tui_attend_label(enum mdt_attend a)
{
	switch (a) {
	case MDT_ATTEND_PRESENT:
		return "present";
	case MDT_ATTEND_APOLOGIES:
		return "apologies";
	case MDT_ATTEND_UNKNOWN:
		break;
	}
	return "-";
}

/* The Status column: "present", "in 10:05" (a late arrival), "left
 * 11:20", "apologies", "-". */
static const char *
tui_attend_status(const struct mdt_attendee *a, char *buf, size_t len)
{
	char hhmm[6];

	if (a->status == MDT_ATTEND_PRESENT && a->left_at != 0) {
		mdt_clock_hhmm(a->left_at, hhmm);
		snprintf(buf, len, "left %s", hhmm);
		return buf;
	}
	if (a->status == MDT_ATTEND_PRESENT && a->arrived_at != 0) {
		mdt_clock_hhmm(a->arrived_at, hhmm);
		snprintf(buf, len, "in %s", hhmm);
		return buf;
	}
	return tui_attend_label(a->status);
}

/* The roles of the people present, each once, in register order. */
static void
tui_register_roles(const struct mdt_snapshot *snap, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < snap->n_attendees; i++) {
		const struct mdt_attendee *a = &snap->attendees[i];
		const char *role = tui_str(a->person.role);
		bool seen = false;
		int n;

		if (!mdt_attendee_here(a) || role[0] == '\0')
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = mdt_attendee_here(&snap->attendees[j]) &&
			    strcmp(tui_str(snap->attendees[j].person.role),
			    role) == 0;
		if (seen)
			continue;
		n = snprintf(out + used, len - used, "%s%s",
		    used > 0 ? ", " : "", role);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(out, len, "none yet");
}

void
tui_register_draw(struct tui_app *app, int top, int rows)
{
	const struct mdt_snapshot *snap = &app->snap;
	size_t present = 0, apologies = 0, unmarked = 0, acked = 0, left = 0;
	size_t list_rows;
	char buf[1024], roles[900], status[16], lefts[32];
	int w_name, w_role, w_org, x;
	const int w_mark = 2, w_status = 10, w_ack = 4;
	const struct mdt_attendee *chair, *notes;
	attr_t h = tui_attr(TUI_STYLE_HEADER);

	for (size_t i = 0; i < snap->n_attendees; i++) {
		switch (snap->attendees[i].status) {
		case MDT_ATTEND_PRESENT:
			if (snap->attendees[i].left_at != 0)
				left++;
			else
				present++;
			break;
		case MDT_ATTEND_APOLOGIES:
			apologies++;
			break;
		case MDT_ATTEND_UNKNOWN:
			unmarked++;
			break;
		}
		if (snap->attendees[i].confidentiality_ack)
			acked++;
	}
	chair = mdt_snapshot_attendee(snap, snap->meeting.chair_id);
	notes = mdt_snapshot_attendee(snap, snap->meeting.notetaker_id);
	snprintf(lefts, sizeof(lefts), "  Left: %zu", left);
	snprintf(buf, sizeof(buf), "Present: %zu  Apologies: %zu  Not marked: "
	    "%zu%s   Confidentiality acknowledged: %zu   Chair: %s   Notes: %s",
	    present, apologies, unmarked, left > 0 ? lefts : "", acked,
	    chair != NULL ? tui_str(chair->person.name) : "-",
	    notes != NULL ? tui_str(notes->person.name) : "-");
	tui_put(top, 1, COLS - 2, buf, A_BOLD, false);
	tui_register_roles(snap, roles, sizeof(roles));
	snprintf(buf, sizeof(buf), "Disciplines present: %s", roles);
	x = 1 + tui_put(top + 1, 1, COLS - 2, buf, A_NORMAL, false);
	if (tui_quorum_missing(app, buf, sizeof(buf)) && x + 3 < COLS - 1)
		tui_put(top + 1, x + 3, COLS - 1 - x - 3, buf,
		    tui_attr(TUI_STYLE_ERROR) | A_BOLD, false);

	w_name = (COLS - w_mark - w_status - w_ack - 4) * 37 / 100;
	w_role = (COLS - w_mark - w_status - w_ack - 4) * 33 / 100;
	w_org = COLS - w_mark - w_status - w_ack - 4 - w_name - w_role;
	{
		static const char *const titles[] = { "Name", "Role",
		    "Organisation", "Status", "Ack" };
		const int widths[] = { w_name, w_role, w_org, w_status,
		    w_ack };

		tui_put_headings(top + 2, w_mark, titles, widths, 5, h);
	}

	if (snap->n_attendees == 0)
		tui_put(top + 4, 4, COLS - 8,
		    "Nobody is on the register of this meeting.", A_NORMAL,
		    false);
	list_rows = rows > 4 ? (size_t)(rows - 4) : 1;
	tui_list_clamp(snap->n_attendees, list_rows, &app->register_sel,
	    &app->register_top);
	for (size_t r = 0; r < list_rows &&
	    app->register_top + r < snap->n_attendees; r++) {
		size_t i = app->register_top + r;
		const struct mdt_attendee *a = &snap->attendees[i];
		int y = top + 3 + (int)r;
		attr_t at = A_NORMAL;

		if (a->status == MDT_ATTEND_APOLOGIES || a->left_at != 0)
			at = tui_attr(TUI_STYLE_DIM);
		if (i == app->register_sel)
			at = tui_attr(TUI_STYLE_SELECT);
		tui_fill(y, 0, COLS, at);
		x = w_mark;
		snprintf(buf, sizeof(buf), "%s%s%s%s", tui_str(a->person.name),
		    a->person.id == snap->meeting.chair_id ? " [chair]" : "",
		    a->person.id == snap->meeting.notetaker_id ? " [notes]" :
		    "", a->added_on_day ? " +" : "");
		tui_put(y, x, w_name, buf, at, false);
		x += w_name + 1;
		tui_put(y, x, w_role, a->person.role, at, false);
		x += w_role + 1;
		tui_put(y, x, w_org, a->person.organisation, at, false);
		x += w_org + 1;
		tui_put(y, x, w_status, tui_attend_status(a, status,
		    sizeof(status)), mdt_attendee_here(a) &&
		    i != app->register_sel ?
		    at | A_BOLD : at, false);
		x += w_status + 1;
		tui_put(y, x, w_ack, a->confidentiality_ack ? "ack" : "-", at,
		    false);
	}
	tui_app_draw_hints(app, top + rows - 1);
}

static const struct mdt_attendee *
tui_register_selected(const struct tui_app *app)
{
	if (app->register_sel >= app->snap.n_attendees)
		return NULL;
	return &app->snap.attendees[app->register_sel];
}

/* After a reload the register may be in another order: keep the
 * selection on the same person. */
static const struct mdt_attendee *
tui_register_follow(struct tui_app *app, int64_t person)
{
	for (size_t i = 0; i < app->snap.n_attendees; i++) {
		if (app->snap.attendees[i].person.id == person) {
			app->register_sel = i;
			return &app->snap.attendees[i];
		}
	}
	return NULL;
}

/* ---- the register on the day ---------------------------------------- */

static int64_t tui_register_person;	/* whose time is being typed */
static bool tui_register_leaving;	/* ... and whether of leaving */

static void
tui_register_added(struct tui_app *app, int64_t person)
{
	const struct mdt_attendee *a;

	if (!tui_app_check(app, mdt_register_add(app->store, app->meeting_id,
	    person)))
		return;
	a = tui_register_follow(app, person);
	if (a != NULL)
		tui_app_message(app, false, "On the register: %s, present (l:"
		    " time of arrival)", tui_str(a->person.name));
}

/* The time typed for l (arrived) or d (left) of tui_register_person:
 * HH:MM today, or Enter for now. */
static bool
tui_register_time_submit(struct tui_app *app, const char *text)
{
	bool left = tui_register_leaving;
	const struct mdt_attendee *a;
	int64_t at;
	char hhmm[6];

	if (!mdt_register_time(app->now, text, &at)) {
		tui_app_message(app, true, "Not a time of day: type HH:MM, or"
		    " Enter for now");
		return false;
	}
	if (!tui_app_check(app, left ? mdt_register_left(app->store,
	    app->meeting_id, tui_register_person, at) :
	    mdt_register_arrived(app->store, app->meeting_id,
	    tui_register_person, at)))
		return false;
	a = tui_register_follow(app, tui_register_person);
	mdt_clock_hhmm(at, hhmm);
	tui_app_message(app, false, "%s %s at %s%s",
	    a != NULL ? tui_str(a->person.name) : "",
	    left ? "left" : "arrived", hhmm,
	    left ? ": no longer present" : "");
	return true;
}

/* C and N: the selected person chairs (takes the notes); again, nobody. */
static void
tui_register_role(struct tui_app *app, const struct mdt_attendee *a,
    enum mdt_meeting_role role)
{
	int64_t was = role == MDT_ROLE_CHAIR ? app->snap.meeting.chair_id :
	    app->snap.meeting.notetaker_id;
	int64_t person = a->person.id;
	const char *what = role == MDT_ROLE_CHAIR ? "Chair" : "Note-taker";

	if (!tui_app_check(app, mdt_meeting_role_set(app->store,
	    app->meeting_id, role, was == person ? 0 : person)))
		return;
	a = tui_register_follow(app, person);
	if (was == person)
		tui_app_message(app, false, "%s: nobody", what);
	else if (a != NULL)
		tui_app_message(app, false, "%s: %s", what,
		    tui_str(a->person.name));
}

/* The keys of the register on the day; true if act was one. */
static bool
tui_register_day_key(struct tui_app *app, enum tui_action act,
    const struct mdt_attendee *a)
{
	char label[320];

	switch (act) {
	case TUI_ACT_REGISTER_ADD:
		if (tui_people_picker(app, "Add to the register",
		    tui_register_added, TUI_PEOPLE_NEW |
		    TUI_PEOPLE_OFF_REGISTER, NULL, 0) == 0)
			tui_app_message(app, false, "Everyone known is on the"
			    " register: choose Someone new...");
		return true;
	case TUI_ACT_ARRIVED:
	case TUI_ACT_LEFT:
		if (a == NULL)
			return true;
		tui_register_person = a->person.id;
		if (act == TUI_ACT_LEFT && a->left_at != 0) {
			if (tui_app_check(app, mdt_register_left(app->store,
			    app->meeting_id, a->person.id, 0)) &&
			    (a = tui_register_follow(app,
			    tui_register_person)) != NULL)
				tui_app_message(app, false, "%s: back in the"
				    " room", tui_str(a->person.name));
			return true;
		}
		snprintf(label, sizeof(label), "%s %s at (HH:MM, Enter = now): ",
		    tui_str(a->person.name), act == TUI_ACT_ARRIVED ?
		    "arrived" : "left");
		tui_register_leaving = act == TUI_ACT_LEFT;
		tui_prompt_open(app, label, tui_register_time_submit);
		return true;
	case TUI_ACT_CHAIR_SET:
	case TUI_ACT_NOTETAKER_SET:
		if (a != NULL)
			tui_register_role(app, a, act == TUI_ACT_CHAIR_SET ?
			    MDT_ROLE_CHAIR : MDT_ROLE_NOTETAKER);
		return true;
	default:
		return false;
	}
}

bool
tui_register_key(struct tui_app *app, enum tui_action act)
{
	const struct mdt_attendee *a = tui_register_selected(app);
	size_t n = app->snap.n_attendees;
	int64_t person;
	enum mdt_attend next;
	bool ack;

	if (tui_list_move(act, &app->register_sel, n, 10) ||
	    tui_register_day_key(app, act, a))
		return true;
	switch (act) {
	case TUI_ACT_ATTEND_CYCLE:
		if (a == NULL)
			return true;
		person = a->person.id;
		next = a->status == MDT_ATTEND_PRESENT ? MDT_ATTEND_APOLOGIES :
		    MDT_ATTEND_PRESENT;
		if (tui_app_check(app, mdt_attendance_set(app->store,
		    app->meeting_id, person, next))) {
			a = tui_register_follow(app, person);
			if (a != NULL)
				tui_app_message(app, false, "%s: %s",
				    tui_str(a->person.name),
				    tui_attend_label(a->status));
		}
		return true;
	case TUI_ACT_ACK_TOGGLE:
		if (a == NULL)
			return true;
		person = a->person.id;
		ack = !a->confidentiality_ack;
		if (tui_app_check(app, mdt_attendance_ack(app->store,
		    app->meeting_id, person, ack))) {
			a = tui_register_follow(app, person);
			if (a != NULL)
				tui_app_message(app, false, "%s: "
				    "confidentiality %s",
				    tui_str(a->person.name),
				    a->confidentiality_ack ?
				    "acknowledged" : "not acknowledged");
		}
		return true;
	default:
		return false;
	}
}
