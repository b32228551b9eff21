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

CMD_ENTRY(minutes, "[MEETING] [--format md|txt|json]",
    "print a meeting's record",
    options, &cmd_one_meeting, NULL, cmd_minutes);
