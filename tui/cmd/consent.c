/*
 * consent.c - mdtchair consent: the consent asked before the meeting,
 * recorded at referral or triage (core/consent_before.h).
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { ANSWER, ASKED_BY, ON, REPRESENTATIVE, JUSTIFICATION };

static const struct cmd_option options[] = {
	[ANSWER] = CMD_WORDS("answer", mdt_asked_answers,
	    "--answer needs given, refused, best-interests or representative",
	    "--answer is given, refused, best-interests or representative"),
	[ASKED_BY] = CMD_VALUE("asked-by", CMD_TEXT,
	    "--asked-by needs who asked the patient", NULL),
	[ON] = CMD_VALUE("on", CMD_TEXT, "--on needs YYYY-MM-DD", NULL),
	[REPRESENTATIVE] = CMD_VALUE("representative", CMD_TEXT,
	    "--representative needs who answered for the patient", NULL),
	[JUSTIFICATION] = CMD_VALUE("justification", CMD_TEXT,
	    "--justification needs a value", NULL),
	CMD_END
};

static int
cmd_consent(struct cmd_args *cli)
{
	struct mdt_consent_ask_in in = {
		.nhs_number = cmd_operand(cli),
		.answer = cli->opt[ANSWER] != NULL ?
		    mdt_asked_answers[cli->num[ANSWER]] : NULL,
		.asked_by = cli->opt[ASKED_BY], .asked_on = cli->opt[ON],
		.representative = cli->opt[REPRESENTATIVE],
		.justification = cli->opt[JUSTIFICATION],
	};
	struct mdt_store *store;

	if (in.nhs_number == NULL || in.answer == NULL || in.asked_by == NULL)
		return cmd_usage_error(cli->cmd, "an NHS number, --answer and"
		    " --asked-by are needed");
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_consent_ask(store, &in) != MDT_OK)
		return cmd_store_error(store);
	say("consent asked: %s recorded%s", in.answer,
	    cli->num[ANSWER] == MDT_ASKED_REFUSED - 1 &&
	    in.justification == NULL ? "; the patient is kept off the agenda"
	    " until a new answer" : "");
	return 0;
}

CMD_ENTRY(consent, "NHS --answer A --asked-by WHO [OPTIONS]",
    "record the consent asked before the meeting",
    options, &cmd_nhs_at_a_time, NULL, cmd_consent);
