/*
 * audit.c - mdtchair audit: the audit log, for information governance,
 * of everything or of one meeting, from a day on.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { SINCE };

static const struct cmd_option options[] = {
	[SINCE] = CMD_SINCE,
	CMD_END
};

static int
cmd_audit(struct cmd_args *cli)
{
	const char *ref = cmd_operand(cli);
	int64_t id = 0, since = cli->num[SINCE];	/* 0: from the start */
	struct mdt_store *store;
	int rc = EXIT_USER;

	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	/* without MEETING, every meeting's */
	if (ref == NULL || cmd_resolve_meeting(store, ref, &id) == 0)
		rc = cmd_printed(store, mdt_audit_list(store, id, since,
		    stdout), "audit log");
	return rc;
}

CMD_ENTRY(audit, "[MEETING] [--since YYYY-MM-DD]",
    "print who did what, for information governance",
    options, &cmd_one_meeting, NULL, cmd_audit);
