/*
 * referrals.c - mdtchair referrals: the queue of referrals waiting across
 * meetings (deferred or never decided, not yet discussed), oldest first,
 * masked for circulation unless --unmask; printed only once its audit row
 * is committed.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { UNMASK };

static const struct cmd_option options[] = {
	[UNMASK] = CMD_FLAG("unmask"),
	CMD_END
};

static int
cmd_referrals(struct cmd_args *cli)
{
	bool unmask = cli->opt[UNMASK] != NULL;
	struct mdt_store *store;
	struct cmd_held held;

	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (cmd_held_open(&held) != 0)
		return EXIT_USER;
	if (mdt_referrals_write(store, unmask, held.fp) != MDT_OK ||
	    mdt_audit_event(store, "export", unmask ? "referrals unmasked" :
	    "referrals") != MDT_OK) {
		cmd_held_drop(&held);
		return cmd_store_error(store);
	}
	return cmd_held_print(&held, "referrals");
}

CMD_ENTRY(referrals, "[--unmask]",
    "list the referrals waiting, across meetings",
    options, &cmd_no_operands, NULL, cmd_referrals);
