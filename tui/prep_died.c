/*
 * prep_died.c - X on the preparation screen: the death of the candidate
 * under the cursor, learnt of between meetings, recorded as 'mdtchair
 * died' records it.  Asked in turn: the date (Enter: today), the place,
 * whether it was expected, and, if the patient has open actions, whether
 * they are kept or cancelled; without a key contact, who follows up with
 * the relatives (the people picker).  Each answer is checked as typed;
 * nothing is written until the last.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "input.h"
#include "picker.h"
#include "screens.h"

/* The death being asked about. */
static struct {
	char nhs[11];
	int open_actions;
	char date[11];
	const char *place;		/* one of mdt_death_places, or NULL */
	int expected;			/* 1, 0, -1 */
	enum mdt_death_actions actions;
} tui_died;

/* Records the death, the follow-up going to owner (0: the key contact);
 * without a key contact, asks who. */
static void
tui_died_record(struct tui_app *app, int64_t owner)
{
	struct mdt_death_in in = { .nhs_number = tui_died.nhs,
	    .date = tui_died.date, .place = tui_died.place,
	    .expected = tui_died.expected, .actions = tui_died.actions,
	    .owner_id = owner };
	enum mdt_status st;

	st = mdt_death_between(app->store, &in, NULL);
	if (st == MDT_ESTATE && owner == 0 && strstr(mdt_store_error(
	    app->store), "no key contact") != NULL) {
		tui_people_picker(app, "No key contact: who follows up with"
		    " the relatives?", tui_died_record, 0, NULL, 0);
		return;
	}
	if (tui_app_check(app, st))
		tui_app_message(app, false, "Recorded: died on %s; the"
		    " follow-up with the relatives is on the actions list",
		    tui_died.date);
}

static bool
tui_died_actions(struct tui_app *app, const char *text)
{
	if (strcmp(text, "k") != 0 && strcmp(text, "c") != 0) {
		tui_app_message(app, true, "k keeps the open actions (reviewed"
		    " at the next meeting), c cancels them");
		return false;
	}
	tui_died.actions = text[0] == 'k' ? MDT_DEATH_KEEP : MDT_DEATH_CANCEL;
	tui_died_record(app, 0);
	return true;
}

static bool
tui_died_expected(struct tui_app *app, const char *text)
{
	if (text[0] != '\0' && strcmp(text, "y") != 0 &&
	    strcmp(text, "n") != 0) {
		tui_app_message(app, true, "y, n, or Enter if not known");
		return false;
	}
	tui_died.expected = text[0] == '\0' ? -1 : text[0] == 'y';
	if (tui_died.open_actions == 0) {
		tui_died.actions = MDT_DEATH_KEEP;
		tui_died_record(app, 0);
		return true;
	}
	tui_prompt_open(app, tui_died.open_actions == 1 ? "1 open action:"
	    " k keep (reviewed at the next meeting) or c cancel: " :
	    "Open actions: k keep (reviewed at the next meeting) or c"
	    " cancel: ", tui_died_actions);
	return true;
}

static bool
tui_died_place(struct tui_app *app, const char *text)
{
	size_t i = 0;

	for (; text[0] != '\0' && mdt_death_places[i] != NULL &&
	    strcmp(mdt_death_places[i], text) != 0; i++)
		;
	if (text[0] != '\0' && mdt_death_places[i] == NULL) {
		tui_app_message(app, true, "home, hospital, care-home, hospice,"
		    " other, or Enter if not known");
		return false;
	}
	tui_died.place = text[0] != '\0' ? mdt_death_places[i] : NULL;
	tui_prompt_open(app, "Expected? (y/n, Enter: not known): ",
	    tui_died_expected);
	return true;
}

static bool
tui_died_date(struct tui_app *app, const char *text)
{
	if (!tui_app_past_day(app, text, tui_died.date, "Date of death:"
	    " YYYY-MM-DD, not in the future"))
		return false;
	tui_prompt_open(app, "Place (home, hospital, care-home, hospice,"
	    " other; Enter: not known): ", tui_died_place);
	return true;
}

void
tui_prep_died(struct tui_app *app, const char *nhs, int open_actions)
{
	memset(&tui_died, 0, sizeof(tui_died));
	snprintf(tui_died.nhs, sizeof(tui_died.nhs), "%s", nhs);
	tui_died.open_actions = open_actions;
	tui_prompt_open(app, "Died - date (YYYY-MM-DD, Enter: today): ",
	    tui_died_date);
}
