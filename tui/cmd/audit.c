/*
 * audit.c - mdtchair audit: the audit log, for information governance,
 * of everything or of one meeting, from a day on.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { SINCE };

static const struct cmd_option options[] = {
	[SINCE] = CMD_VALUE("since", CMD_DATE, "--since needs YYYY-MM-DD",
	    "--since is YYYY-MM-DD"),
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

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "[MEETING] [--since YYYY-MM-DD]",
	.summary = "print who did what, for information governance",
	.help =
	    "Prints the audit log, oldest first, one tab-separated line a row:\n"
	    "local time, user, action, entity and its uuid, detail.  MEETING: only\n"
	    "that meeting and its slots, attendance, notes, actions, outcomes and\n"
	    "consent.  --since: only from that local day on.  Details name a slot\n"
	    "by its place on the agenda (slot #4) and staff by name, never a\n"
	    "patient's name or note text.  Opening the chair's screens\n"
	    "(open), printing minutes, an agenda or a review (export) and each sync\n"
	    "pass that delivered records (sync) are logged as well as every change.",
	.options = options,
	.operands = &cmd_one_meeting,
	.run = cmd_audit,
};
