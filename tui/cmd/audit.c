/*
 * audit.c - mdtchair audit: the audit log, for information governance,
 * of everything or of one meeting, from a day on.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { SINCE };

static const struct cmd_option options[] = {
	[SINCE] = { { "since", required_argument, NULL, 0 },
	    .value = CMD_DATE, .missing = "--since needs YYYY-MM-DD",
	    .bad = "--since is YYYY-MM-DD" },
	{ { NULL, 0, NULL, 0 } }
};

static int
cmd_audit(struct cmd_args *cli)
{
	const char *ref = cli->argc > 0 ? cli->argv[0] : NULL;
	int64_t id = 0, since = cli->num[SINCE];	/* 0: from the start */
	struct mdt_store *store;
	int rc = 0;

	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (ref && cmd_resolve_meeting(store, ref, &id) != 0)
		rc = EXIT_USER;
	else if (mdt_audit_list(store, id, since, stdout) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	} else if (cmd_flush("audit log") != 0) {
		rc = EXIT_USER;
	}
	mdt_store_free(store);
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
	    "consent.  --since: only from that local day on.  Details hold ids and\n"
	    "uuids, never patient names or note text.  Opening the chair's screens\n"
	    "(open), printing minutes, an agenda or a review (export) and each sync\n"
	    "pass that delivered records (sync) are logged as well as every change.",
	.options = options,
	.operands = 1,
	.operand = CMD_MEETING,
	.unknown = "unknown option",
	.extra = "too many arguments",
	.run = cmd_audit,
};
