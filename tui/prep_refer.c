/*
 * prep_refer.c - R on the preparation screen: a referral raised in the
 * tool, as 'mdtchair refer' raises it ("anyone can refer").  Asked in
 * turn: the NHS number (Enter: not known, held under a local identifier
 * until traced), the name and date of birth (Enter: as the record has
 * them), who refers, their service, why, the urgency and the consent.
 * Each answer is checked as typed and stays typed to fix when it will not
 * do; nothing is written until the last.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "input.h"
#include "screens.h"

#define TUI_REFER_TEXT (TUI_PROMPT_MAX * 4 + 1)

/* The referral being asked about. */
static struct {
	char nhs[11];			/* "" when not known */
	char name[TUI_REFER_TEXT];
	char dob[11];
	char referrer[TUI_REFER_TEXT];
	char service[TUI_REFER_TEXT];
	char reason[TUI_REFER_TEXT];
	const char *urgency;
	size_t step;
} tui_ref;

static bool
tui_ref_nhs(struct tui_app *app, const char *text)
{
	if (text[0] == '\0')
		return true;	/* not yet traced */
	if (mdt_local_id_normalise(text, tui_ref.nhs))
		return true;
	if (!mdt_nhs_normalise(text, tui_ref.nhs) ||
	    !mdt_nhs_valid(tui_ref.nhs)) {
		tui_ref.nhs[0] = '\0';
		tui_app_message(app, true, "Not a valid NHS number (ten digits,"
		    " Modulus 11 check); Enter: not known");
		return false;
	}
	return true;
}

static bool
tui_ref_name(struct tui_app *app, const char *text)
{
	if (text[0] == '\0' && tui_ref.nhs[0] == '\0') {
		tui_app_message(app, true, "The name of a patient not traced is"
		    " needed");
		return false;
	}
	snprintf(tui_ref.name, sizeof(tui_ref.name), "%s", text);
	return true;
}

static bool
tui_ref_dob(struct tui_app *app, const char *text)
{
	if (text[0] == '\0')
		return true;
	if (!mdt_date_strict(text, tui_ref.dob)) {
		tui_app_message(app, true, "Date of birth: YYYY-MM-DD, or Enter");
		return false;
	}
	return true;
}

static bool
tui_ref_urgency(struct tui_app *app, const char *text)
{
	if (text[0] == '\0' || strcmp(text, "r") == 0)
		tui_ref.urgency = "routine";
	else if (strcmp(text, "u") == 0)
		tui_ref.urgency = "urgent";
	else {
		tui_app_message(app, true, "r routine, u urgent");
		return false;
	}
	return true;
}

/* The last answer: the consent, then the referral is raised. */
static bool
tui_ref_consent(struct tui_app *app, const char *text)
{
	static const struct { const char *key, *consent; } keys[] = {
		{ "", NULL }, { "g", "given" }, { "r", "refused" },
		{ "n", "not-asked" },
	};
	struct mdt_referral_in in = {
		.nhs_number = tui_ref.nhs[0] != '\0' ? tui_ref.nhs : NULL,
		.name = tui_ref.name[0] != '\0' ? tui_ref.name : NULL,
		.date_of_birth = tui_ref.dob[0] != '\0' ? tui_ref.dob : NULL,
		.referrer = tui_ref.referrer, .service = tui_ref.service,
		.reason = tui_ref.reason, .urgency = tui_ref.urgency,
	};
	size_t i;
	char held[11];
	int64_t id = 0;
	bool updated = false;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(text, keys[i].key) == 0)
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		tui_app_message(app, true, "g given, r refused, n not asked,"
		    " Enter not recorded");
		return false;
	}
	in.consent = keys[i].consent;
	if (!tui_app_check(app, mdt_refer(app->store, &in, &id, &updated,
	    held)))
		return false;
	if (mdt_nhs_local(held))
		tui_app_message(app, false, "Referral held under %s, not"
		    " traced: no agenda until 'mdtchair trace %s NHS'", held,
		    held);
	else
		tui_app_message(app, false, "Referral %s: on the referral list"
		    " of the meetings to come", updated ? "updated" : "raised");
	return true;
}

/* The prompts in turn: each checked by its function, or kept as typed in
 * its field, which is required (what names it when it is left blank). */
static const struct tui_form_step tui_ref_steps[] = {
	{ "Refer - NHS number (Enter: not known): ", tui_ref_nhs, NULL, 0,
	    NULL },
	{ "Patient's name (Enter: as on record): ", tui_ref_name, NULL, 0,
	    NULL },
	{ "Date of birth (YYYY-MM-DD, Enter: as on record): ", tui_ref_dob,
	    NULL, 0, NULL },
	{ "Referred by: ", NULL, tui_ref.referrer, TUI_REFER_TEXT,
	    "Who refers" },
	{ "Their service: ", NULL, tui_ref.service, TUI_REFER_TEXT,
	    "Their service" },
	{ "Reason for referral: ", NULL, tui_ref.reason, TUI_REFER_TEXT,
	    "The reason" },
	{ "Urgency - r routine (Enter), u urgent: ", tui_ref_urgency, NULL, 0,
	    NULL },
	{ "Consent - g given, r refused, n not asked, Enter not recorded: ",
	    tui_ref_consent, NULL, 0, NULL },
};

static bool
tui_ref_submit(struct tui_app *app, const char *text)
{
	return tui_form_answer(app, tui_ref_steps, MDT_COUNT(tui_ref_steps),
	    &tui_ref.step, tui_ref_submit, text);
}

void
tui_prep_refer(struct tui_app *app)
{
	memset(&tui_ref, 0, sizeof(tui_ref));
	tui_prompt_open(app, tui_ref_steps[0].label, tui_ref_submit);
}
