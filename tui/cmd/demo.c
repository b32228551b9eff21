/*
 * demo.c - mdtchair demo: makes the demo meeting once (a venue, ten
 * attendees, twelve fictional patients) and chairs it.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { NO_OPEN };

static const struct cmd_option options[] = {
	[NO_OPEN] = CMD_FLAG("no-open"),
	CMD_END
};

static int
cmd_demo(struct cmd_args *cli)
{
	struct mdt_store *store;
	int64_t id;

	if (!(store = cmd_open_store(cli, MDT_OPEN_CREATE)))
		return EXIT_USER;
	if (mdt_demo_create(store, &id) != MDT_OK) {
		say("cannot create the demo meeting: %s",
		    mdt_store_error(store));
		return EXIT_USER;
	}
	if (cli->opt[NO_OPEN] == NULL)
		return cmd_run_screens(cli, store, id, TUI_MODE_CHAIR);
	printf("%lld\n", (long long)id);
	return 0;
}

const struct cmd_entry cmd_demo_entry = {
	.name = "demo",
	.usage = "[--no-open]",
	.summary = "create the demo meeting (once) and chair it",
	.help =
	    "Creates, if not already there, a demo venue, ten attendees, twelve\n"
	    "fictional patients and a meeting, then opens the chair screen on it.\n"
	    "--no-open prints the meeting's id instead of opening it.",
	.options = options,
	.operands = &cmd_no_operands,
	.run = cmd_demo,
};
