/*
 * died.c - mdtchair died: a patient's death recorded between meetings, the
 * follow-up with the relatives made for their key contact.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

enum { DATE, PLACE, EXPECTED, ACTIONS, OWNER };

static const char *const places[] = {
	"home", "hospital", "care-home", "hospice", "other", NULL
};
static const char *const yes_no[] = { "no", "yes", NULL };
static const char *const keep_cancel[] = { "keep", "cancel", NULL };

static const struct cmd_option options[] = {
	[DATE] = CMD_VALUE("date", CMD_TEXT, "--date needs YYYY-MM-DD", NULL),
	[PLACE] = CMD_WORDS("place", places, "--place needs a place",
	    "--place is home, hospital, care-home, hospice or other"),
	[EXPECTED] = CMD_WORDS("expected", yes_no, "--expected needs yes or no",
	    "--expected is yes or no"),
	[ACTIONS] = CMD_WORDS("actions", keep_cancel,
	    "--actions needs keep or cancel", "--actions is keep or cancel"),
	[OWNER] = CMD_VALUE("owner", CMD_TEXT, "--owner needs a person's id",
	    NULL),
	CMD_END
};

static int
cmd_died(struct cmd_args *cli)
{
	struct mdt_death_in in = {
		.nhs_number = cmd_operand(cli), .date = cli->opt[DATE],
		.place = cli->opt[PLACE] != NULL ? places[cli->num[PLACE]] :
		    NULL,
		.expected = cli->opt[EXPECTED] != NULL ?
		    (int)cli->num[EXPECTED] : -1,
		.actions = cli->opt[ACTIONS] == NULL ? MDT_DEATH_ASK :
		    cli->num[ACTIONS] == 0 ? MDT_DEATH_KEEP : MDT_DEATH_CANCEL,
	};
	struct mdt_store *store;
	int cancelled = 0;
	char *end;

	if (in.nhs_number == NULL || in.date == NULL)
		return cmd_usage_error(cli->cmd, "an NHS number and --date are"
		    " needed");
	if (cli->opt[OWNER] != NULL) {
		errno = 0;
		in.owner_id = strtoll(cli->opt[OWNER], &end, 10);
		if (errno != 0 || *end != '\0' || in.owner_id <= 0)
			return cmd_usage_error(cli->cmd, "--owner is an id from"
			    " 'mdtchair people'");
	}
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_death_between(store, &in, &cancelled) != MDT_OK)
		return cmd_store_error(store);
	printf("death recorded; the follow-up with the relatives is due in"
	    " 7 days\n");
	if (cancelled > 0)
		printf("%d open action%s cancelled\n", cancelled,
		    cancelled == 1 ? "" : "s");
	return cmd_flush("the confirmation");
}

CMD_ENTRY(died, "NHS --date D [OPTIONS]",
    "record a patient's death between meetings",
    options, &cmd_nhs_at_a_time, NULL, cmd_died);
