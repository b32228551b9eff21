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
	[FORMAT] = CMD_WORDS("format", formats,
	    "--format needs md, txt or json", "--format is md, txt or json"),
	CMD_END
};

/* The record, in the format asked for, to out. */
static enum mdt_status
write_minutes(struct mdt_store *store, int64_t meeting_id,
    const struct cmd_args *cli, FILE *out)
{
	return mdt_minutes_write(store, meeting_id,
	    format_of[cli->num[FORMAT]], out);
}

static int
cmd_minutes(struct cmd_args *cli)
{
	return cmd_export(cli, write_minutes, "minutes",
	    formats[cli->num[FORMAT]], false);
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
	.operands = &cmd_one_meeting,
	.run = cmd_minutes,
};
