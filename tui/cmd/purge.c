/*
 * purge.c - mdtchair purge: identifiable detail removed from closed
 * meetings past the retention period, once everything is delivered.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"

enum { DAYS, DRY_RUN };

static const struct cmd_option options[] = {
	[DAYS] = CMD_RANGE("days", 1, 36500, "--days needs a number",
	    "--days is a whole number from 1 to 36500"),
	[DRY_RUN] = CMD_FLAG("dry-run"),
	CMD_END
};

static const struct cmd_operands operands = {
	0, CMD_TEXT, "unknown option", "unexpected argument"
};

/* The retention period: --days, else [retention] days of the
 * configuration; 0 with a message when neither is set, -1 on an error
 * already reported. */
static int
retention_days(struct cmd_args *cli, int days_opt, char *source, size_t len)
{
	struct sync_config *cfg;
	int days;

	if (days_opt > 0) {
		snprintf(source, len, "--days");
		return days_opt;
	}
	if (cmd_load_config(cli, &cfg) != 0)
		return -1;
	days = sync_config_retention_days(cfg);
	sync_config_free(cfg);
	if (days <= 0) {
		say("no retention period: give --days N or set [retention]"
		    " days = N in %s", cli->config_buf);
		return 0;
	}
	snprintf(source, len, "%s", cli->config_buf);
	return days;
}

static void
plural(char *buf, size_t len, long long n, const char *one, const char *many)
{
	snprintf(buf, len, "%lld %s", n, n == 1 ? one : many);
}

static int
cmd_purge(struct cmd_args *cli)
{
	struct mdt_purge_meeting *list = NULL;
	struct mdt_purge_result res;
	struct mdt_store *store;
	char source[4096], date[11], a[48], b[48], c[48], d[48];
	bool dry_run = cli->opt[DRY_RUN] != NULL;
	int days, rc = 0, eligible = 0;
	size_t n = 0;

	days = retention_days(cli, (int)cli->num[DAYS], source, sizeof source);
	if (days <= 0)
		return EXIT_USER;
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_purge_find(store, days, &list, &n) != MDT_OK) {
		say("cannot look for meetings to purge: %s",
		    mdt_store_error(store));
		return EXIT_USER;
	}
	printf("retention: %d day%s (%s)\n", days, days == 1 ? "" : "s",
	    source);
	for (size_t i = 0; i < n; i++) {
		mdt_date_of(list[i].scheduled_start, date);
		plural(a, sizeof a, list[i].patients, "patient", "patients");
		if (list[i].eligible) {
			eligible++;
			printf("%s %s  %s  (%s)\n", dry_run ? "would purge" :
			    "purge", date, list[i].title, a);
		} else if (list[i].undelivered > 0) {
			plural(b, sizeof b, list[i].undelivered, "row",
			    "rows");
			printf("skip  %s  %s  (%s): not yet delivered: %s"
			    " pending/failed\n", date, list[i].title, a, b);
		} else
			printf("skip  %s  %s  (%s): not yet delivered: never"
			    " sent to the central record\n", date,
			    list[i].title, a);
	}
	mdt_purge_list_free(list, n);
	if (dry_run) {
		printf("dry run: %d meeting%s would be purged, nothing"
		    " changed\n", eligible, eligible == 1 ? "" : "s");
		goto out;
	}
	if (mdt_purge_run(store, days, &res) != MDT_OK) {
		say("cannot purge: %s", mdt_store_error(store));
		rc = EXIT_USER;
		goto out;
	}
	plural(a, sizeof a, res.meetings, "meeting", "meetings");
	plural(b, sizeof b, res.notes, "note", "notes");
	plural(c, sizeof c, res.actions, "finished action", "finished actions");
	plural(d, sizeof d, res.patients, "patient identity",
	    "patient identities");
	printf("purged %s (%s, %s, %s)", a, b, c, d);
	if (res.held_back > 0)
		printf("; %d held back until delivered", res.held_back);
	putchar('\n');
	if (!res.checkpointed)
		say("%s", "another window has the database open: the purged"
		    " text leaves the write-ahead log when it closes");
out:
	if (cmd_flush("list") != 0)
		rc = EXIT_USER;
	return rc;
}

CMD_ENTRY(purge, "[--days N] [--dry-run]",
    "remove old meetings' identifiable detail",
    options, &operands, NULL, cmd_purge);
