/*
 * import.c - mdtchair import: a pre-meeting list (CSV) into a meeting's
 * candidates, every row checked first, the bad ones reported or set aside.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* FILE.csv -> FILE.rejects.csv (else FILE.rejects.csv appended). */
static char *
rejects_path_for(const char *file)
{
	size_t n = strlen(file);
	char *out = malloc(n + sizeof(".rejects.csv"));

	if (out == NULL)
		return NULL;
	if (n > 4 && strcmp(file + n - 4, ".csv") == 0)
		n -= 4;
	memcpy(out, file, n);
	memcpy(out + n, ".rejects.csv", sizeof(".rejects.csv"));
	return out;
}

enum { LIST, MEETING, REJECTS, SKIP_INVALID, FORCE };

static const struct cmd_option options[] = {
	[LIST] = CMD_VALUE("list", CMD_LIST, NULL, NULL),
	[MEETING] = CMD_VALUE("meeting", CMD_MEETING, NULL, NULL),
	[REJECTS] = CMD_VALUE("rejects", CMD_FILE, "an option needs a value", NULL),
	[SKIP_INVALID] = CMD_FLAG("skip-invalid"),
	[FORCE] = CMD_FLAG("force"),
	CMD_END
};

/* FILE.csv, or '-' */
static const struct cmd_operands operands = {
	1, CMD_FILE, "unknown option", "one FILE at a time"
};

static int
cmd_import(struct cmd_args *cli)
{
	enum mdt_list list = mdt_list_parse(cli->opt[LIST]);
	const char *file = cmd_operand(cli);
	const char *rejects = cli->opt[REJECTS];
	bool skip = cli->opt[SKIP_INVALID] != NULL;
	bool force = cli->opt[FORCE] != NULL;
	struct mdt_import_report rep;
	struct mdt_store *store;
	char *rejects_buf = NULL;
	enum mdt_status st;
	int64_t id;
	int rc = 0;

	if (list == 0)
		return cmd_usage_error(cli->cmd, "--list is caseload, referral,"
		    " inpatient, discharge, frequent-attender or ambulance");
	if (file == NULL)
		return cmd_usage_error(cli->cmd, "which FILE.csv?");
	if (rejects != NULL && !skip)
		return cmd_usage_error(cli->cmd,
		    "--rejects goes with --skip-invalid");
	if (force && !skip)
		return cmd_usage_error(cli->cmd,
		    "--force goes with --skip-invalid (it replaces the rejects"
		    " file)");
	if (rejects != NULL && rejects[0] == '\0')
		return cmd_usage_error(cli->cmd, "--rejects needs a file name");
	if (skip && rejects == NULL) {
		if ((rejects_buf = rejects_path_for(file)) == NULL) {
			say("%s", "out of memory");
			return EXIT_USER;
		}
		rejects = rejects_buf;
	}
	if (cmd_open_meeting(cli, cli->opt[MEETING], &store, &id) != 0) {
		free(rejects_buf);
		return EXIT_USER;
	}
	st = mdt_import_csv(store, id, list, file, skip, skip ? rejects : NULL,
	    force, &rep);
	for (size_t i = 0; i < rep.n_errors; i++)
		fprintf(stderr, "%s\n", rep.errors[i]);
	if (rep.rejected > (int)rep.n_errors)
		say("%d more bad row%s not listed", rep.rejected -
		    (int)rep.n_errors, rep.rejected - (int)rep.n_errors == 1 ?
		    "" : "s");
	if (st == MDT_OK) {
		printf("%s list %s -> meeting %lld: %d rows: %d new, %d merged,"
		    " %d updated, %d unchanged, %d duplicate%s, %d rejected;"
		    " %d new patient%s, %d carried forward\n",
		    mdt_list_name(list), file, (long long)id, rep.rows,
		    rep.added, rep.merged, rep.updated, rep.unchanged,
		    rep.duplicates, rep.duplicates == 1 ? "" : "s",
		    rep.rejected, rep.patients_created,
		    rep.patients_created == 1 ? "" : "s", rep.carried_forward);
		if (rep.untraced > 0)
			say("%d referral%s with no NHS number held under a"
			    " local identifier: no agenda until traced"
			    " ('mdtchair trace LOCAL NHS')", rep.untraced,
			    rep.untraced == 1 ? "" : "s");
		if (rep.rejected > 0)
			say("%d bad row%s written to %s", rep.rejected,
			    rep.rejected == 1 ? "" : "s", rejects);
	} else if (st == MDT_EINVAL && rep.rejected > 0) {
		say("%d bad row%s in %s: nothing imported (fix them, or"
		    " --skip-invalid to import the good rows)", rep.rejected,
		    rep.rejected == 1 ? "" : "s", file);
		rc = EXIT_USER;
	} else if (st == MDT_EINVAL && rep.n_errors > 0) {
		say("nothing imported from %s", file);
		rc = EXIT_USER;
	} else {
		rc = cmd_store_error(store);
		/* a full disk or a failed write: the transaction rolled back */
		if (st == MDT_EFULL || st == MDT_EIO || st == MDT_EBUSY)
			say("nothing imported from %s", file);
	}
	if (rc == 0 && cmd_flush("summary") != 0)
		rc = EXIT_USER;
	mdt_import_report_done(&rep);
	free(rejects_buf);
	return rc;
}

CMD_ENTRY(import, "--list LIST FILE.csv [OPTIONS]",
    "import a pre-meeting list (CSV) as candidates",
    options, &operands, NULL, cmd_import);
