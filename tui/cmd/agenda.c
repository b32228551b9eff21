/*
 * agenda.c - mdtchair agenda: a meeting's agenda for circulation,
 * patients masked unless --unmask, its export audited.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { FORMAT, UNMASK };

/* --format's words, and what each is */
static const char *const formats[] = { "md", "txt", NULL };
static const enum mdt_agenda_format format_of[] = {
	MDT_AGENDA_MD, MDT_AGENDA_TXT
};

static const struct cmd_option options[] = {
	[FORMAT] = CMD_WORDS("format", formats, "--format needs md or txt",
	    "--format is md or txt"),
	[UNMASK] = CMD_FLAG("unmask"),
	CMD_END
};

/* The agenda, in the format asked for, masked or not, to out. */
static enum mdt_status
write_agenda(struct mdt_store *store, int64_t meeting_id,
    const struct cmd_args *cli, FILE *out)
{
	return mdt_agenda_write(store, meeting_id, format_of[cli->num[FORMAT]],
	    cli->opt[UNMASK] != NULL, out);
}

static int
cmd_agenda(struct cmd_args *cli)
{
	return cmd_export(cli, write_agenda, "agenda",
	    formats[cli->num[FORMAT]], cli->opt[UNMASK] != NULL);
}

CMD_ENTRY(agenda, "[MEETING] [--format F] [--unmask]",
    "print a meeting's agenda for circulation",
    options, &cmd_one_meeting, NULL, cmd_agenda);
