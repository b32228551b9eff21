/*
 * minutes.c - mdtchair minutes: a meeting's record in Markdown, plain
 * text or JSON, its export audited.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { FORMAT };

/* --format's words, and what each is */
static const char *const formats[] = { "md", "txt", "json", NULL };
static const enum mdt_minutes_format format_of[] = {
	MDT_MINUTES_MD, MDT_MINUTES_TXT, MDT_MINUTES_JSON
};

static const struct cmd_option options[] = {
	[FORMAT] = { { "format", required_argument, NULL, 0 },
	    .value = CMD_WORD, .words = formats,
	    .missing = "--format needs md, txt or json",
	    .bad = "--format is md, txt or json" },
	{ { NULL, 0, NULL, 0 } }
};

static int
cmd_minutes(struct cmd_args *cli)
{
	int f = (int)cli->num[FORMAT];	/* md unless --format */
	const char *ref = cli->argc > 0 ? cli->argv[0] : NULL;
	struct mdt_store *store;
	char detail[32];
	int64_t id;
	int rc = 0;

	snprintf(detail, sizeof detail, "minutes %s", formats[f]);
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (cmd_resolve_meeting(store, ref, &id) != 0)
		rc = EXIT_USER;
	else if (mdt_minutes_write(store, id, format_of[f], stdout) !=
	    MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	} else if (cmd_flush("minutes") != 0) {
		rc = EXIT_USER;
	} else if (mdt_audit_meeting(store, id, "export", detail) !=
	    MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	}
	mdt_store_free(store);
	return rc;
}

const struct cmd_entry cmd_minutes_entry = {
	.name = "minutes",
	.usage = "[MEETING] [--format md|txt|json]",
	.summary = "print a meeting's record",
	.help =
	    "Prints venue, attendance and, per patient: consent (with the\n"
	    "organisations the patient asked to exclude), key contact, notes,\n"
	    "actions with owners and due dates, outcome, and the time taken\n"
	    "against the 5-7 minute band; then the actions by owner.  md is\n"
	    "Markdown (the default), txt plain text, json for other programs\n"
	    "(docs/minutes.md describes the JSON).",
	.options = options,
	.operands = 1,
	.operand = CMD_MEETING,
	.unknown = "unknown option",
	.extra = "too many arguments",
	.run = cmd_minutes,
};
