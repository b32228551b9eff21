/*
 * review.c - mdtchair review: the figures of a period for the network's
 * leads, and their chart as an SVG file.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

enum { FROM, TO, CHART, FORMAT, FORCE };

/* --format's words, and what each is */
static const char *const formats[] = { "txt", "json", NULL };
static const enum mdt_review_format format_of[] = {
	MDT_REVIEW_TXT, MDT_REVIEW_JSON
};

static const struct cmd_option options[] = {
	[FROM] = CMD_VALUE("from", CMD_DATE, NULL, NULL),
	[TO] = CMD_VALUE("to", CMD_DATE, NULL, NULL),
	[CHART] = CMD_VALUE("chart", CMD_FILE, NULL, NULL),
	[FORMAT] = CMD_WORDS("format", formats, "an option needs a value",
	    "--format is txt or json"),
	[FORCE] = CMD_FLAG("force"),
	CMD_END
};

/* "YYYY-MM-DD" and a real date, nothing else. */
static bool
strict_date(const char *v)
{
	return mdt_date_strict(v, NULL);
}

/* The chart file opened (safefile.h), never the database: 0, or -1 after
 * saying why. */
static int
open_chart(struct mdt_store *store, const char *path, bool force,
    struct mdt_outfile *out)
{
	const char *db = mdt_store_path(store);
	const char *wal = mdt_store_wal_path(store);
	char err[512];

	if ((db != NULL && mdt_file_same(path, db)) ||
	    (wal != NULL && mdt_file_same(path, wal))) {
		say("%s is the database: give the chart another name", path);
		return -1;
	}
	if (mdt_outfile_open(out, path, force, err, sizeof(err)) != 0) {
		say("%s", err);
		return -1;
	}
	return 0;
}

static int
cmd_review(struct cmd_args *cli)
{
	const char *from = cli->opt[FROM], *to = cli->opt[TO];
	const char *chart = cli->opt[CHART];
	int f = (int)cli->num[FORMAT];	/* txt unless --format */
	bool force = cli->opt[FORCE] != NULL;
	struct mdt_outfile svg = { 0 };
	struct mdt_store *store;
	struct mdt_review r;
	struct cmd_held held;
	char detail[128], err[512];
	int rc = 0;

	if (from == NULL || to == NULL)
		return cmd_usage_error(cli->cmd, "--from and --to are needed");
	if (!strict_date(from) || !strict_date(to))
		return cmd_usage_error(cli->cmd, "--from and --to are dates,"
		    " YYYY-MM-DD");
	if (strcmp(from, to) > 0)
		return cmd_usage_error(cli->cmd, "--from is after --to");
	if (chart != NULL && chart[0] == '\0')
		return cmd_usage_error(cli->cmd, "--chart needs a file name");
	if (force && chart == NULL)
		return cmd_usage_error(cli->cmd, "--force goes with --chart");

	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_review_load(store, from, to, &r) != MDT_OK)
		return cmd_store_error(store);
	if (cmd_held_open(&held) != 0) {
		mdt_review_free(&r);
		return EXIT_USER;
	}
	/* An aggregate export: dates and formats only, no record named. */
	snprintf(detail, sizeof(detail), "review %s to %s %s%s", from, to,
	    formats[f], chart != NULL ? ", chart" : "");
	/* the figures and the chart made, the export audited, and only
	 * then the chart put in place and the figures printed */
	if (chart != NULL && open_chart(store, chart, force, &svg) != 0)
		rc = EXIT_USER;
	else if (mdt_review_write(store, &r, format_of[f], held.fp) !=
	    MDT_OK)
		rc = cmd_store_error(store);
	else if (chart != NULL && mdt_review_svg(store, &r, svg.fp) !=
	    MDT_OK) {
		say("%s: %s", chart, mdt_store_error(store));
		rc = EXIT_USER;
	} else if (chart != NULL && mdt_outfile_sync(&svg, err,
	    sizeof(err)) != 0) {
		say("%s", err);
		rc = EXIT_USER;
	} else if (mdt_audit_event(store, "export", detail) != MDT_OK)
		rc = cmd_store_error(store);
	else if (chart != NULL && mdt_outfile_commit(&svg, err,
	    sizeof(err)) != 0) {
		say("%s", err);
		rc = EXIT_USER;
	}
	mdt_outfile_abort(&svg);	/* when not committed */
	if (rc == 0)
		rc = cmd_held_print(&held, "review");
	else
		cmd_held_drop(&held);
	mdt_review_free(&r);
	return rc;
}

CMD_ENTRY(review, "--from D --to D [OPTIONS]",
    "the figures of a period for the network's leads",
    options, &cmd_no_operands, NULL, cmd_review);
