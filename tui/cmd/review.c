/*
 * review.c - mdtchair review: the figures of a period for the network's
 * leads, and their chart as an SVG file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	char out[11];

	return v != NULL && strlen(v) == 10 && v[0] != '+' &&
	    mdt_date_parse(v, 0, out) == MDT_OK;
}

/*
 * Creates the chart file 0600 (an existing one only with force, and then
 * made 0600 as well); NULL after saying why.  *created tells whether the
 * file is new, to remove it if writing fails.
 */
static FILE *
create_export(const char *path, bool force, bool *created)
{
	int fd, flags = O_WRONLY | O_CREAT | O_CLOEXEC;
	FILE *fp;

	*created = false;
	if (!force)
		flags |= O_EXCL;
	else
		*created = access(path, F_OK) != 0;
	fd = open(path, force ? flags | O_TRUNC : flags, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			say("%s exists: give --force to replace it", path);
		else
			say("cannot create %s: %s", path, strerror(errno));
		return NULL;
	}
	if (!force)
		*created = true;
	if (fchmod(fd, 0600) != 0 || !(fp = fdopen(fd, "w"))) {
		say("cannot write %s: %s", path, strerror(errno));
		close(fd);
		if (*created)
			unlink(path);
		return NULL;
	}
	return fp;
}

static int
cmd_review(struct cmd_args *cli)
{
	const char *from = cli->opt[FROM], *to = cli->opt[TO];
	const char *chart = cli->opt[CHART];
	int f = (int)cli->num[FORMAT];	/* txt unless --format */
	bool force = cli->opt[FORCE] != NULL, created = false;
	struct mdt_store *store;
	struct mdt_review r;
	char detail[128];
	FILE *fp = NULL;
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
	if (chart != NULL && !(fp = create_export(chart, force, &created)))
		rc = EXIT_USER;
	else if (mdt_review_write(store, &r, format_of[f], stdout) !=
	    MDT_OK)
		rc = cmd_store_error(store);
	else if (fp != NULL && mdt_review_svg(store, &r, fp) != MDT_OK) {
		say("%s: %s", chart, mdt_store_error(store));
		rc = EXIT_USER;
	}
	if (fp != NULL && fclose(fp) != 0 && rc == 0) {
		say("cannot write %s: %s", chart, strerror(errno));
		rc = EXIT_USER;
	}
	if (rc != 0 && fp != NULL && created)
		unlink(chart);
	/* An aggregate export: dates and formats only, no record named. */
	snprintf(detail, sizeof(detail), "review %s to %s %s%s", from, to,
	    formats[f], chart != NULL ?
	    ", chart" : "");
	if (rc == 0 && mdt_audit_event(store, "export", detail) != MDT_OK)
		rc = cmd_store_error(store);
	mdt_review_free(&r);
	return rc;
}

const struct cmd_entry cmd_review_entry = {
	.name = "review",
	.usage = "--from D --to D [OPTIONS]",
	.summary = "the figures of a period for the network's leads",
	.help =
	    "Options: --format txt|json, --chart FILE.svg [--force].\n"
	    "Prints the figures for the local dates D to D (both included, as\n"
	    "YYYY-MM-DD): meetings held, patients and slots discussed, minutes per\n"
	    "slot (mean, median, 90th percentile) and the share within and over the\n"
	    "band, actions opened, closed, cancelled and overdue with the median\n"
	    "days to close, outcomes by kind, the lists patients came from and\n"
	    "their referrers, and attendance by discipline (docs/review.md defines\n"
	    "each).  --format json gives the same for other programs.  --chart\n"
	    "writes an SVG of slot times per meeting against the band and of\n"
	    "actions closed per week (per month for ranges over 27 weeks), mode\n"
	    "0600; an existing file is kept unless --force.  No patient is named.\n"
	    "The export is written to the audit log.",
	.options = options,
	.operands = &cmd_no_operands,
	.run = cmd_review,
};
