/*
 * schedule.c - mdtchair schedule: a new planned meeting (and the
 * database, if there is none yet), caseload patients due for review
 * carried forward to it; or a weekly or fortnightly series at the
 * network's venues in turn.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

enum { TITLE, DATE, TIME, VENUE, MINUTES, EVERY, COUNT, VENUES };

static const char *const every[] = { "1w", "2w", NULL };

static const struct cmd_option options[] = {
	[TITLE] = CMD_VALUE("title", CMD_TEXT, NULL, NULL),
	[DATE] = CMD_VALUE("date", CMD_TEXT, NULL, NULL),
	[TIME] = CMD_VALUE("time", CMD_TEXT, NULL, NULL),
	[VENUE] = CMD_VALUE("venue", CMD_TEXT, NULL, NULL),
	[MINUTES] = CMD_RANGE("minutes", 1, 720, "an option needs a value",
	    "--minutes is 1 to 720"),
	[EVERY] = CMD_WORDS("every", every, "--every needs 1w or 2w",
	    "--every is 1w (weekly) or 2w (fortnightly)"),
	[COUNT] = CMD_RANGE("count", 1, 104, "--count needs a number",
	    "--count is 1 to 104"),
	[VENUES] = CMD_VALUE("venues", CMD_TEXT, "an option needs a value",
	    NULL),
	CMD_END
};

/*
 * The venues of a series, in turn: --venues, else the configuration's
 * rota (continuing after the latest meeting's venue), else none.  0, or
 * an exit status.
 */
static int
series_venues(struct cmd_args *cli, struct mdt_store *store, char ***names,
    size_t *n, size_t *first)
{
	struct sync_config *cfg = NULL;
	const char *rota = cli->opt[VENUES];

	*names = NULL;
	*n = *first = 0;
	if (rota == NULL && cli->opt[VENUE] == NULL) {
		if (cmd_load_config(cli, &cfg) != 0)
			return EXIT_USER;
		rota = sync_config_rota(cfg);
	}
	mdt_exclusions_split(rota, names, n);
	sync_config_free(cfg);
	if (cli->opt[VENUES] == NULL && *n > 0 && mdt_rota_next(store,
	    (const char *const *)*names, *n, first) != MDT_OK)
		return cmd_store_error(store);
	return 0;
}

static int
cmd_schedule(struct cmd_args *cli)
{
	struct mdt_meeting_in in = {
		cli->opt[TITLE], cli->opt[DATE], cli->opt[TIME], cli->opt[VENUE],
		(int)cli->num[MINUTES]	/* 0: the default */
	};
	int count = cli->opt[COUNT] != NULL ? (int)cli->num[COUNT] : 1;
	int days = cli->opt[EVERY] == NULL ? 0 : cli->num[EVERY] == 0 ? 7 : 14;
	struct mdt_store *store;
	char **venues = NULL;
	size_t n_venues = 0, first = 0;
	int64_t *ids;
	int carried = 0, rc = 0;

	if (in.title == NULL || in.date == NULL)
		return cmd_usage_error(cli->cmd, "--title and --date are needed");
	if ((count > 1) != (days > 0))
		return cmd_usage_error(cli->cmd, "a series needs --every and"
		    " --count (more than 1)");
	if (cli->opt[VENUE] != NULL && cli->opt[VENUES] != NULL)
		return cmd_usage_error(cli->cmd, "--venue or --venues, not"
		    " both");
	if (!(store = cmd_open_store(cli, MDT_OPEN_CREATE)))
		return EXIT_USER;
	if (days > 0 && (rc = series_venues(cli, store, &venues, &n_venues,
	    &first)) != 0)
		return rc;
	ids = mdt_xcalloc((size_t)count, sizeof(*ids));
	if (mdt_meeting_series(store, &in, days, count,
	    (const char *const *)venues, n_venues, first, ids, &carried) !=
	    MDT_OK)
		rc = cmd_store_error(store);
	else {
		for (int k = 0; k < count; k++)
			printf("%lld\n", (long long)ids[k]);
		if (carried > 0)
			fprintf(stderr, "mdtchair: %d patient%s carried"
			    " forward (caseload due for review, referrals"
			    " waiting)\n", carried, carried == 1 ? "" : "s");
	}
	free(ids);
	mdt_names_free(venues, n_venues);
	return rc;
}

CMD_ENTRY(schedule, "--title T --date D [OPTIONS]",
    "schedule a new meeting (or a series) and print its id",
    options, &cmd_no_operands, NULL, cmd_schedule);
