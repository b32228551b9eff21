/*
 * picker.c - the people picker and the questions that add someone new
 * (see picker.h).  The list itself is input.c's picker.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "input.h"
#include "picker.h"

static tui_pick_fn tui_person_then;	/* carries on after someone new */
static char tui_person_name[256], tui_person_org[256];

static bool
tui_person_role_submit(struct tui_app *app, const char *text)
{
	int64_t id = 0;

	if (!tui_app_check(app, mdt_person_add(app->store, tui_person_name,
	    text, tui_person_org, &id)))
		return false;
	tui_app_message(app, false, "Added %s", tui_person_name);
	tui_person_then(app, id);
	return true;
}

static bool
tui_person_org_submit(struct tui_app *app, const char *text)
{
	snprintf(tui_person_org, sizeof(tui_person_org), "%s", text);
	tui_prompt_open(app, "Their role (may be blank): ",
	    tui_person_role_submit);
	return true;
}

static bool
tui_person_name_submit(struct tui_app *app, const char *text)
{
	if (mdt_str_blank(text)) {
		tui_app_message(app, true, "A name is needed");
		return false;
	}
	snprintf(tui_person_name, sizeof(tui_person_name), "%s", text);
	tui_prompt_open(app, "Their organisation (e.g. Age UK Lambeth): ",
	    tui_person_org_submit);
	return true;
}

void
tui_person_new(struct tui_app *app, const char *typed, tui_pick_fn then)
{
	tui_person_then = then;
	tui_prompt_open(app, "New person's name: ", tui_person_name_submit);
	if (typed != NULL && typed[0] != '\0')
		tui_prompt_set_text(app, typed);
}

/* The picker's row of someone new: the questions, then the pick. */
static tui_pick_fn tui_people_pick;

static void
tui_people_new(struct tui_app *app, const char *typed)
{
	tui_person_new(app, typed, tui_people_pick);
}

size_t
tui_people_picker(struct tui_app *app, const char *title, tui_pick_fn pick,
    unsigned flags, tui_person_mark_fn mark, int64_t keep_id)
{
	const struct mdt_snapshot *snap = &app->snap;
	size_t n = 0;

	tui_picker_open(app, title, pick);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < snap->n_people; i++) {
			const struct mdt_person *p = &snap->people[i];
			const struct mdt_attendee *a =
			    mdt_snapshot_attendee(snap, p->id);
			bool here = a != NULL && mdt_attendee_here(a);
			const char *role = tui_str(p->role);
			const char *org = tui_str(p->organisation);
			char label[768], found[768];

			if (here != (pass == 0))
				continue;
			if ((flags & TUI_PEOPLE_OFF_REGISTER) && (a != NULL ||
			    p->team))
				continue;
			/* what the chair must see first, before the cut */
			snprintf(label, sizeof(label), "%s%s%s%s%s%s%s%s",
			    tui_str(p->name),
			    mark != NULL ? mark(app, p->id) : "",
			    here || p->team ||
			    (flags & TUI_PEOPLE_OFF_REGISTER) ? "" :
			    " - not here",
			    role[0] != '\0' || org[0] != '\0' ? " (" : "",
			    role, role[0] != '\0' && org[0] != '\0' ?
			    ", " : "", org,
			    role[0] != '\0' || org[0] != '\0' ? ")" : "");
			snprintf(found, sizeof(found), "%s\n%s\n%s",
			    tui_str(p->name), role, org);
			tui_picker_add_found(app, p->id, label, found);
			n++;
		}
	}
	if (flags & TUI_PEOPLE_NEW) {
		tui_people_pick = pick;
		tui_picker_allow_new(app, "Someone new...", tui_people_new);
	}
	if (keep_id != 0)
		tui_picker_select(app, keep_id);
	return n;
}
