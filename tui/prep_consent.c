/*
 * prep_consent.c - c on the preparation screen: the consent asked before
 * the meeting of the candidate under the cursor, as 'mdtchair consent'
 * records it.  Asked in turn: the answer, who asked, the day (Enter:
 * today), then who answered for the patient (a representative), why it
 * is in their best interests, or the exception to a refusal (Enter:
 * none).  Each answer is checked as typed; nothing is written until the
 * last.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "input.h"
#include "screens.h"

/* The answer being asked about. */
static struct {
	char nhs[11];
	const char *answer;		/* one of mdt_asked_answers */
	char asked_by[TUI_PROMPT_MAX * 4 + 1];
	char day[11];
} tui_asked;

static bool
tui_asked_record(struct tui_app *app, const char *extra)
{
	struct mdt_consent_ask_in in = { .nhs_number = tui_asked.nhs,
	    .answer = tui_asked.answer, .asked_by = tui_asked.asked_by,
	    .asked_on = tui_asked.day };

	if (strcmp(tui_asked.answer, "representative") == 0)
		in.representative = extra;
	else if (extra != NULL && extra[0] != '\0')
		in.justification = extra;
	if (!tui_app_check(app, mdt_consent_ask(app->store, &in)))
		return false;
	tui_app_message(app, false, "Consent asked: %s recorded%s",
	    tui_asked.answer, strcmp(tui_asked.answer, "refused") == 0 &&
	    in.justification == NULL ? "; kept off the agenda" : "");
	return true;
}

static bool
tui_asked_extra(struct tui_app *app, const char *text)
{
	return tui_asked_record(app, text);
}

static bool
tui_asked_day(struct tui_app *app, const char *text)
{
	if (!tui_app_past_day(app, text, tui_asked.day, "Asked on:"
	    " YYYY-MM-DD, not in the future"))
		return false;
	if (strcmp(tui_asked.answer, "representative") == 0)
		tui_prompt_open(app, "Who answered for the patient: ",
		    tui_asked_extra);
	else if (strcmp(tui_asked.answer, "best-interests") == 0)
		tui_prompt_open(app, "Why in their best interests: ",
		    tui_asked_extra);
	else if (strcmp(tui_asked.answer, "refused") == 0)
		tui_prompt_open(app, "Exception to discuss anyway (Enter:"
		    " none): ", tui_asked_extra);
	else
		return tui_asked_record(app, NULL);
	return true;
}

static bool
tui_asked_by(struct tui_app *app, const char *text)
{
	if (text[0] == '\0') {
		tui_app_message(app, true, "Who asked the patient?");
		return false;
	}
	snprintf(tui_asked.asked_by, sizeof(tui_asked.asked_by), "%s", text);
	tui_prompt_open(app, "Asked on (YYYY-MM-DD, Enter: today): ",
	    tui_asked_day);
	return true;
}

static bool
tui_asked_answer(struct tui_app *app, const char *text)
{
	static const struct { const char *key, *answer; } keys[] = {
		{ "g", "given" }, { "r", "refused" },
		{ "b", "best-interests" }, { "p", "representative" },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(text, keys[i].key) == 0) {
			tui_asked.answer = keys[i].answer;
			tui_prompt_open(app, "Asked by: ", tui_asked_by);
			return true;
		}
	tui_app_message(app, true, "g given, r refused, b lacks capacity (best"
	    " interests), p given by a representative");
	return false;
}

void
tui_prep_consent(struct tui_app *app, const char *nhs)
{
	memset(&tui_asked, 0, sizeof(tui_asked));
	snprintf(tui_asked.nhs, sizeof(tui_asked.nhs), "%s", nhs);
	tui_prompt_open(app, "Consent asked - g given, r refused, b best"
	    " interests, p representative: ", tui_asked_answer);
}
