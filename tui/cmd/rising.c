/*
 * rising.c - mdtchair rising: the rising-risk register (core/rising.h),
 * patients masked unless --unmask, its listing audited; and its acts:
 * add a patient with a reason and who adds them, review one (the next
 * review), escalate one to the next meeting, remove one with a reason.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

/* what each of --format's words (cmd_listing_formats) is */
static const enum mdt_rising_format format_of[] = {
	MDT_RISING_TXT, MDT_RISING_CSV, MDT_RISING_JSON
};

static const struct cmd_option options[] = {
	CMD_LISTING_FORMAT, CMD_FLAG("due"), CMD_UNMASK_ROWS, CMD_END
};

/* The register, as l asks (those due, or everyone on it), to out. */
static enum mdt_status
write_register(struct mdt_store *store, const struct cmd_listing *l,
    FILE *out)
{
	return mdt_rising_write(store, format_of[l->format], l->due,
	    l->unmask, out);
}

static int
cmd_rising(struct cmd_args *cli)
{
	return cmd_listing(cli, write_register, "register");
}

static const char not_valid[] = "not a valid NHS number (ten digits, the"
    " last the Modulus 11 check digit) nor a local identifier (L and its"
    " digits); nothing saved";

/* rising add NHS|--untraced --name N [--dob D] --reason R --by WHO
 * [--every 4w] */
enum { A_NAME, A_DOB, A_REASON, A_BY, A_EVERY, A_UNTRACED };

static const struct cmd_option add_options[] = {
	[A_NAME] = CMD_VALUE("name", CMD_TEXT, "--name needs a value", NULL),
	[A_DOB] = CMD_VALUE("dob", CMD_TEXT, "--dob needs YYYY-MM-DD", NULL),
	[A_REASON] = CMD_VALUE("reason", CMD_TEXT, "--reason needs a value",
	    NULL),
	[A_BY] = CMD_VALUE("by", CMD_TEXT, "--by needs who adds them", NULL),
	[A_EVERY] = CMD_VALUE("every", CMD_TEXT,
	    "--every needs a period (4w, 14d)", NULL),
	[A_UNTRACED] = CMD_FLAG("untraced"),
	CMD_END
};

static int
rising_add(struct cmd_args *cli)
{
	struct mdt_rising_in in = {
		.nhs_number = cmd_operand(cli), .name = cli->opt[A_NAME],
		.date_of_birth = cli->opt[A_DOB], .reason = cli->opt[A_REASON],
		.by = cli->opt[A_BY],
	};
	struct mdt_store *store;
	char nhs[11];
	int64_t id = 0;
	int rc;

	if ((rc = cmd_patient_typed(cli, cli->opt[A_UNTRACED] != NULL, in.name,
	    "add needs the patient's NHS number, or --untraced when it is not"
	    " known", not_valid, nhs)) != 0)
		return rc;
	if (in.reason == NULL || in.by == NULL)
		return cmd_usage_error(cli->cmd, "say why (--reason) and who"
		    " adds them (--by)");
	if (cli->opt[A_EVERY] != NULL && !mdt_rising_every_parse(
	    cli->opt[A_EVERY], &in.every_days))
		return cmd_usage_error(cli->cmd, "--every is a period of 1 to"
		    " 365 days: 4w, 2w, 14d");
	if (!(store = cmd_open_store(cli, MDT_OPEN_CREATE)))
		return EXIT_USER;
	if (mdt_rising_add(store, &in, &id, nhs) != MDT_OK)
		return cmd_store_error(store);
	printf("%lld\n", (long long)id);
	cmd_say_untraced(nhs);
	return cmd_flush("entry") != 0 ? EXIT_USER : 0;
}

/*
 * The acts on one patient of the register, each a part: rising review
 * NHS --note N [--next D]; rising escalate NHS --reason R [--meeting M];
 * rising remove NHS --reason R.  What each needs (the note or the reason)
 * is its option at index 0; --by, who does it, is the last.
 */
enum rising_act { REVIEW, ESCALATE, REMOVE };

static const struct {
	const char *needs;	/* usage error: no operand */
	const char *missing;	/* usage error: no option 0 */
	int by;			/* the index of --by */
} acts[] = {
	[REVIEW] = { "review needs the patient's NHS number",
	    "a review is recorded with a note (--note)", 2 },
	[ESCALATE] = { "escalate needs the patient's NHS number",
	    "a patient is escalated with a reason (--reason)", 2 },
	[REMOVE] = { "remove needs the patient's NHS number",
	    "a patient leaves the register with a reason (--reason)", 1 },
};

static const struct cmd_option review_options[] = {
	CMD_VALUE("note", CMD_TEXT, "--note needs a value", NULL),
	CMD_VALUE("next", CMD_TEXT, "--next needs YYYY-MM-DD or +N", NULL),
	CMD_VALUE("by", CMD_TEXT, "--by needs who reviewed", NULL),
	CMD_END
};

static const struct cmd_option escalate_options[] = {
	CMD_VALUE("reason", CMD_TEXT, "--reason needs a value", NULL),
	CMD_VALUE("meeting", CMD_MEETING, "--meeting needs a meeting's id",
	    NULL),
	CMD_VALUE("by", CMD_TEXT, "--by needs who escalates", NULL),
	CMD_END
};

static const struct cmd_option remove_options[] = {
	CMD_VALUE("reason", CMD_TEXT, "--reason needs a value", NULL),
	CMD_VALUE("by", CMD_TEXT, "--by needs who removes them", NULL),
	CMD_END
};

/* One act on a patient of the register, the part's (cli->how): the
 * patient the operand names and what the act needs checked, the store
 * opened, the act done. */
static int
rising_act(struct cmd_args *cli)
{
	enum rising_act act = (enum rising_act)cli->how;
	const char *value = cli->opt[0], *by = cli->opt[acts[act].by];
	struct mdt_store *store;
	int64_t meeting = 0, cand = 0;
	enum mdt_status st;
	char nhs[11];
	int rc;

	if (cmd_operand(cli) == NULL)
		return cmd_usage_error(cli->cmd, acts[act].needs);
	if ((rc = cmd_patient_typed(cli, false, NULL, NULL, not_valid,
	    nhs)) != 0)
		return rc;
	if (value == NULL)
		return cmd_usage_error(cli->cmd, acts[act].missing);
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	switch (act) {
	case REVIEW:
		st = mdt_rising_review(store, nhs, value, cli->opt[1], by);
		break;
	case ESCALATE:
		if (cli->opt[1] != NULL && cmd_resolve_meeting(store,
		    cli->opt[1], &meeting) != 0)
			return EXIT_USER;
		st = mdt_rising_escalate(store, nhs, value, meeting, by,
		    &cand);
		break;
	default:
		st = mdt_rising_remove(store, nhs, value, by);
		break;
	}
	if (st != MDT_OK)
		return cmd_store_error(store);
	if (act == ESCALATE)
		say("escalated: a candidate of the meeting, to schedule or"
		    " defer in its preparation");
	return 0;
}

CMD_PART(rising_add_entry, "add",
    "NHS | --untraced --name N --reason R --by WHO [OPTIONS]", add_options,
    &cmd_one_nhs, rising_add);
CMD_PART_AS(rising_review_entry, "review", "NHS --note N [--next D]",
    review_options, &cmd_one_nhs, rising_act, REVIEW);
CMD_PART_AS(rising_escalate_entry, "escalate",
    "NHS --reason R [--meeting M]", escalate_options, &cmd_one_nhs,
    rising_act, ESCALATE);
CMD_PART_AS(rising_remove_entry, "remove", "NHS --reason R",
    remove_options, &cmd_one_nhs, rising_act, REMOVE);

CMD_ENTRY(rising, "[--due] [--format F] [--unmask] | add | review | escalate"
    " | remove", "the rising-risk register; add, review, escalate, remove",
    options, &cmd_no_operands, CMD_PARTS(&rising_add_entry,
    &rising_review_entry, &rising_escalate_entry, &rising_remove_entry),
    cmd_rising);
