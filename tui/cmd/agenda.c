/*
 * agenda.c - mdtchair agenda: a meeting's agenda for circulation,
 * patients masked unless --unmask, its export audited.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"

enum { FORMAT, UNMASK };

/* --format's words, and what each is */
static const char *const formats[] = { "md", "txt", NULL };
static const enum mdt_agenda_format format_of[] = {
	MDT_AGENDA_MD, MDT_AGENDA_TXT
};

static const struct cmd_option options[] = {
	[FORMAT] = { { "format", required_argument, NULL, 0 },
	    .value = CMD_WORD, .words = formats,
	    .missing = "--format needs md or txt",
	    .bad = "--format is md or txt" },
	[UNMASK] = { { "unmask", no_argument, NULL, 0 } },
	{ { NULL, 0, NULL, 0 } }
};

static int
cmd_agenda(struct cmd_args *cli)
{
	int f = (int)cli->num[FORMAT];	/* md unless --format */
	bool unmask = cli->opt[UNMASK] != NULL;
	const char *ref = cli->argc > 0 ? cli->argv[0] : NULL;
	struct mdt_store *store;
	char detail[32];
	int64_t id;
	int rc = 0;

	snprintf(detail, sizeof detail, "agenda %s%s", formats[f],
	    unmask ? " unmasked" : "");
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (cmd_resolve_meeting(store, ref, &id) != 0)
		rc = EXIT_USER;
	else if (mdt_agenda_write(store, id, format_of[f], unmask, stdout) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	} else if (cmd_flush("agenda") != 0) {
		rc = EXIT_USER;
	} else if (mdt_audit_meeting(store, id, "export", detail) !=
	    MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	}
	mdt_store_free(store);
	return rc;
}

const struct cmd_entry cmd_agenda_entry = {
	.name = "agenda",
	.usage = "[MEETING] [--format F] [--unmask]",
	.summary = "print a meeting's agenda for circulation",
	.help =
	    "F is md (Markdown, the default) or txt.\n"
	    "Prints the agenda: per slot the order, time, planned minutes,\n"
	    "presenter, patient, lists and reason; then the deferred candidates and\n"
	    "any referral still waiting for a decision.  Patients are masked\n"
	    "(initials, year of birth, last three digits of the NHS number) unless\n"
	    "--unmask is given.",
	.options = options,
	.operands = 1,
	.operand = CMD_MEETING,
	.unknown = "unknown option",
	.extra = "too many arguments",
	.run = cmd_agenda,
};
