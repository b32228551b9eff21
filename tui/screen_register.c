/*
 * screen_register.c - the register of attendees: name, role, organisation,
 * attendance and the confidentiality acknowledgement.
 *
 * Space cycles the selected person's attendance (not marked -> present ->
 * apologies -> present ...) and c toggles the acknowledgement; each is one
 * committed change.  The header counts who is present and names the
 * disciplines (roles) in the room, which the chair checks before starting.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "draw.h"
#include "list.h"
#include "screens.h"

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

		if (a->status != MDT_ATTEND_PRESENT || role[0] == '\0')
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = snap->attendees[j].status ==
			    MDT_ATTEND_PRESENT &&
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
	size_t present = 0, apologies = 0, unmarked = 0, acked = 0, list_rows;
	char buf[1024], roles[900];
	int w_name, w_role, w_org, x;
	const int w_mark = 2, w_status = 10, w_ack = 4;
	attr_t h = tui_attr(TUI_STYLE_HEADER);

	for (size_t i = 0; i < snap->n_attendees; i++) {
		switch (snap->attendees[i].status) {
		case MDT_ATTEND_PRESENT:
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
	snprintf(buf, sizeof(buf), "Present: %zu  Apologies: %zu  Not marked: "
	    "%zu   Confidentiality acknowledged: %zu", present, apologies,
	    unmarked, acked);
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

		if (a->status == MDT_ATTEND_APOLOGIES)
			at = tui_attr(TUI_STYLE_DIM);
		if (i == app->register_sel)
			at = tui_attr(TUI_STYLE_SELECT);
		tui_fill(y, 0, COLS, at);
		x = w_mark;
		tui_put(y, x, w_name, a->person.name, at, false);
		x += w_name + 1;
		tui_put(y, x, w_role, a->person.role, at, false);
		x += w_role + 1;
		tui_put(y, x, w_org, a->person.organisation, at, false);
		x += w_org + 1;
		tui_put(y, x, w_status, tui_attend_label(a->status),
		    a->status == MDT_ATTEND_PRESENT && i != app->register_sel ?
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

bool
tui_register_key(struct tui_app *app, enum tui_action act)
{
	const struct mdt_attendee *a = tui_register_selected(app);
	size_t n = app->snap.n_attendees;
	int64_t person;
	enum mdt_attend next;
	bool ack;

	if (tui_list_move(act, &app->register_sel, n, 10))
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
