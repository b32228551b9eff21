/*
 * audit.c - mdtchair audit: the audit log, for information governance,
 * of everything or of one meeting, from a day on.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"

static int
cmd_audit(struct cmd_args *cli)
{
	struct mdt_store *store;
	const char *ref = NULL, *v;
	int64_t id = 0, since = 0;
	bool missing;
	int rc = 0;

	for (int i = 0; i < cli->argc; i++) {
		const char *a = cli->argv[i];

		if ((v = cmd_opt_value(cli, &i, "--since", &missing)) != NULL) {
			if ((since = cmd_day_start_ms(v)) < 0)
				return cmd_usage_error("audit", "--since is YYYY-MM-DD");
		} else if (missing)
			return cmd_usage_error("audit", "--since needs YYYY-MM-DD");
		else if (a[0] == '-')
			return cmd_usage_error("audit", "unknown option");
		else if (ref)
			return cmd_usage_error("audit", "too many arguments");
		else
			ref = a;
	}
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
	.run = cmd_audit,
};
