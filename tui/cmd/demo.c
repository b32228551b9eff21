/*
 * demo.c - mdtchair demo: makes the demo meeting once (a venue, ten
 * attendees, twelve fictional patients) and chairs it.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { NO_OPEN };

static const struct cmd_option options[] = { [NO_OPEN] = CMD_FLAG("no-open"),
    CMD_END };

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

CMD_ENTRY(demo, "[--no-open]",
    "create the demo meeting (once) and chair it",
    options, &cmd_no_operands, NULL, cmd_demo);
