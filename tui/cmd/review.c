/*
 * review.c - mdtchair review: the figures of a period for the network's
 * leads, as text, JSON or one HTML page (on stdout, or a file), and their
 * chart as an SVG file; and the changes the team agreed at a review,
 * recorded (review note) and listed (review notes).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

enum { FROM, TO, CHART, FORMAT, FORCE, OUTPUT, UNMASK };

/* --format's words, and what each is */
static const char *const formats[] = { "txt", "json", "html", NULL };
static const enum mdt_review_format format_of[] = {
	MDT_REVIEW_TXT, MDT_REVIEW_JSON, MDT_REVIEW_HTML
};

static const struct cmd_option options[] = {
	[FROM] = CMD_VALUE("from", CMD_DATE, NULL, NULL),
	[TO] = CMD_VALUE("to", CMD_DATE, NULL, NULL),
	[CHART] = CMD_VALUE("chart", CMD_FILE, NULL, NULL),
	[FORMAT] = CMD_WORDS("format", formats, "an option needs a value",
	    "--format is txt, json or html"),
	[FORCE] = CMD_FLAG("force"),
	[OUTPUT] = CMD_VALUE("output", CMD_FILE, NULL, NULL),
	[UNMASK] = CMD_FLAG("unmask"),
	CMD_END
};

/* "YYYY-MM-DD" and a real date, nothing else. */
static bool
strict_date(const char *v)
{
	return mdt_date_strict(v, NULL);
}

/* A file to write (the chart, the figures) opened (safefile.h), never
 * the database: 0, or -1 after saying why. */
static int
open_out(struct mdt_store *store, const char *path, bool force,
    struct mdt_outfile *out)
{
	const char *db = mdt_store_path(store);
	const char *wal = mdt_store_wal_path(store);
	char err[512];

	if ((db != NULL && mdt_file_same(path, db)) ||
	    (wal != NULL && mdt_file_same(path, wal))) {
		say("%s is the database: give the file another name", path);
		return -1;
	}
	if (mdt_outfile_open(out, path, force, err, sizeof(err)) != 0) {
		say("%s", err);
		return -1;
	}
	return 0;
}

/* Opens the files asked for: 0, or -1 after saying why. */
static int
open_files(struct mdt_store *store, const char *chart, const char *output,
    bool force, struct mdt_outfile *svg, struct mdt_outfile *doc)
{
	if (chart != NULL && output != NULL && mdt_file_same(chart, output)) {
		say("--chart and --output name the same file");
		return -1;
	}
	if (chart != NULL && open_out(store, chart, force, svg) != 0)
		return -1;
	if (output != NULL && open_out(store, output, force, doc) != 0)
		return -1;
	return 0;
}

/* The files written, synced, and (once the export is audited) put in
 * place: 0, or -1 after saying why. */
static int
sync_file(struct mdt_outfile *f, bool commit)
{
	char err[512];

	if (f->fp == NULL)
		return 0;
	if ((commit ? mdt_outfile_commit(f, err, sizeof(err)) :
	    mdt_outfile_sync(f, err, sizeof(err))) != 0) {
		say("%s", err);
		return -1;
	}
	return 0;
}

static int
cmd_review(struct cmd_args *cli)
{
	const char *from = cli->opt[FROM], *to = cli->opt[TO];
	const char *chart = cli->opt[CHART], *output = cli->opt[OUTPUT];
	int f = (int)cli->num[FORMAT];	/* txt unless --format */
	bool force = cli->opt[FORCE] != NULL;
	bool unmask = cli->opt[UNMASK] != NULL;
	struct mdt_outfile svg = { 0 }, doc = { 0 };
	struct mdt_store *store;
	struct mdt_review r;
	struct cmd_held held;
	char detail[160];
	int rc = 0;

	if (from == NULL || to == NULL)
		return cmd_usage_error(cli->cmd, "--from and --to are needed");
	if (!strict_date(from) || !strict_date(to))
		return cmd_usage_error(cli->cmd, "--from and --to are dates,"
		    " YYYY-MM-DD");
	if (strcmp(from, to) > 0)
		return cmd_usage_error(cli->cmd, "--from is after --to");
	if ((chart != NULL && chart[0] == '\0') ||
	    (output != NULL && output[0] == '\0'))
		return cmd_usage_error(cli->cmd, "--chart and --output need a"
		    " file name");
	if (force && chart == NULL && output == NULL)
		return cmd_usage_error(cli->cmd, "--force goes with --chart or"
		    " --output");

	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_review_load(store, from, to, &r) != MDT_OK)
		return cmd_store_error(store);
	if (cmd_held_open(&held, store) != 0) {
		mdt_review_free(&r);
		return EXIT_USER;
	}
	/* An export: dates and formats only, no record named. */
	snprintf(detail, sizeof(detail), "review %s to %s %s%s%s%s", from, to,
	    formats[f], output != NULL ? " to a file" : "", chart != NULL ?
	    ", chart" : "", unmask ? ", unmasked" : "");
	/* the figures and the chart made, the export audited, and only
	 * then the files put in place and the figures printed */
	if (open_files(store, chart, output, force, &svg, &doc) != 0)
		rc = EXIT_USER;
	else if (mdt_review_write(store, &r, format_of[f], unmask,
	    output != NULL ? doc.fp : held.fp) != MDT_OK)
		rc = cmd_held_error(&held, store, "review");
	else if (chart != NULL && mdt_review_svg(store, &r, svg.fp) !=
	    MDT_OK) {
		say("%s: %s", chart, mdt_store_error(store));
		rc = EXIT_USER;
	} else if (sync_file(&svg, false) != 0 || sync_file(&doc, false) != 0)
		rc = EXIT_USER;
	else if (mdt_audit_event(store, "export", detail) != MDT_OK)
		rc = cmd_store_error(store);
	else if (sync_file(&svg, true) != 0 || sync_file(&doc, true) != 0)
		rc = EXIT_USER;
	mdt_outfile_abort(&svg);	/* when not committed */
	mdt_outfile_abort(&doc);
	if (rc == 0)
		rc = cmd_held_print(&held, "review");
	else
		cmd_held_drop(&held);	/* again, if dropped: nothing */
	mdt_review_free(&r);
	return rc;
}

/* review note TEXT [--by WHO] [--on DATE] */
enum { N_BY, N_ON };

static const struct cmd_option note_options[] = {
	[N_BY] = CMD_VALUE("by", CMD_TEXT, "--by needs who agreed", NULL),
	[N_ON] = CMD_VALUE("on", CMD_TEXT, "--on needs YYYY-MM-DD", NULL),
	CMD_END
};

static const struct cmd_operands one_text = {
	1, CMD_TEXT, "unknown option",
	"one text: what was agreed (in quotes)"
};

static int
review_note(struct cmd_args *cli)
{
	const char *text = cmd_operand(cli);
	struct mdt_store *store;
	int64_t id = 0;

	if (text == NULL)
		return cmd_usage_error(cli->cmd, "say what was agreed");
	if (cli->opt[N_ON] != NULL && !strict_date(cli->opt[N_ON]))
		return cmd_usage_error(cli->cmd, "--on is a date, YYYY-MM-DD");
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_review_note_add(store, text, cli->opt[N_BY], cli->opt[N_ON],
	    &id) != MDT_OK)
		return cmd_store_error(store);
	printf("%lld\n", (long long)id);
	return cmd_flush("note") != 0 ? EXIT_USER : 0;
}

/* review notes [--format txt|json] */
static const struct cmd_option notes_options[] = {
	CMD_WORDS("format", formats, "an option needs a value",
	    "--format is txt or json"),
	CMD_END
};

static int
review_notes(struct cmd_args *cli)
{
	struct mdt_review_note *v = NULL;
	struct mdt_store *store;
	size_t n = 0;
	int rc = 0;

	if (cli->num[0] == 2)
		return cmd_usage_error(cli->cmd, "--format is txt or json");
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_review_notes_list(store, &v, &n) != MDT_OK ||
	    mdt_review_notes_write(store, v, n, format_of[cli->num[0]],
	    stdout) != MDT_OK)
		rc = cmd_store_error(store);
	mdt_review_notes_free(v, n);
	return rc;
}

CMD_PART(review_note_entry, "note", "TEXT [--by WHO] [--on D]",
    note_options, &one_text, review_note);
CMD_PART(review_notes_entry, "notes", "[--format txt|json]", notes_options,
    &cmd_no_operands, review_notes);

static const struct cmd_entry *const parts[] = {
	&review_note_entry, &review_notes_entry, NULL
};

CMD_ENTRY(review, "--from D --to D [OPTIONS] | note TEXT | notes",
    "the figures of a period for the network's leads; what was agreed",
    options, &cmd_no_operands, parts, cmd_review);
