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

/*
 * What an act on one patient of the register starts with: the patient the
 * operand names (none: needs says), the option at index need of the act
 * (missing says what it is for), then the store: 0, or the exit status.
 */
static int
act_start(struct cmd_args *cli, const char *needs, int need,
    const char *missing, char nhs[11], struct mdt_store **store)
{
	int rc;

	if (cmd_operand(cli) == NULL)
		return cmd_usage_error(cli->cmd, needs);
	if ((rc = cmd_patient_typed(cli, false, NULL, NULL, not_valid,
	    nhs)) != 0)
		return rc;
	if (cli->opt[need] == NULL)
		return cmd_usage_error(cli->cmd, missing);
	if (!(*store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	return 0;
}

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

/* rising review NHS --note N [--next D] */
enum { R_NOTE, R_NEXT, R_BY };

static const struct cmd_option review_options[] = {
	[R_NOTE] = CMD_VALUE("note", CMD_TEXT, "--note needs a value", NULL),
	[R_NEXT] = CMD_VALUE("next", CMD_TEXT,
	    "--next needs YYYY-MM-DD or +N", NULL),
	[R_BY] = CMD_VALUE("by", CMD_TEXT, "--by needs who reviewed", NULL),
	CMD_END
};

static int
rising_review(struct cmd_args *cli)
{
	struct mdt_store *store;
	char nhs[11];
	int rc;

	if ((rc = act_start(cli, "review needs the patient's NHS number",
	    R_NOTE, "a review is recorded with a note (--note)", nhs,
	    &store)) != 0)
		return rc;
	if (mdt_rising_review(store, nhs, cli->opt[R_NOTE], cli->opt[R_NEXT],
	    cli->opt[R_BY]) != MDT_OK)
		return cmd_store_error(store);
	return 0;
}

/* rising escalate NHS --reason R [--meeting M] */
enum { E_REASON, E_MEETING, E_BY };

static const struct cmd_option escalate_options[] = {
	[E_REASON] = CMD_VALUE("reason", CMD_TEXT, "--reason needs a value",
	    NULL),
	[E_MEETING] = CMD_VALUE("meeting", CMD_MEETING,
	    "--meeting needs a meeting's id", NULL),
	[E_BY] = CMD_VALUE("by", CMD_TEXT, "--by needs who escalates", NULL),
	CMD_END
};

static int
rising_escalate(struct cmd_args *cli)
{
	struct mdt_store *store;
	int64_t meeting = 0, cand = 0;
	char nhs[11];
	int rc;

	if ((rc = act_start(cli, "escalate needs the patient's NHS number",
	    E_REASON, "a patient is escalated with a reason (--reason)", nhs,
	    &store)) != 0)
		return rc;
	if (cli->opt[E_MEETING] != NULL && cmd_resolve_meeting(store,
	    cli->opt[E_MEETING], &meeting) != 0)
		return EXIT_USER;
	if (mdt_rising_escalate(store, nhs, cli->opt[E_REASON], meeting,
	    cli->opt[E_BY], &cand) != MDT_OK)
		return cmd_store_error(store);
	say("escalated: a candidate of the meeting, to schedule or defer in"
	    " its preparation");
	return 0;
}

/* rising remove NHS --reason R */
enum { D_REASON, D_BY };

static const struct cmd_option remove_options[] = {
	[D_REASON] = CMD_VALUE("reason", CMD_TEXT, "--reason needs a value",
	    NULL),
	[D_BY] = CMD_VALUE("by", CMD_TEXT, "--by needs who removes them",
	    NULL),
	CMD_END
};

static int
rising_remove(struct cmd_args *cli)
{
	struct mdt_store *store;
	char nhs[11];
	int rc;

	if ((rc = act_start(cli, "remove needs the patient's NHS number",
	    D_REASON, "a patient leaves the register with a reason"
	    " (--reason)", nhs, &store)) != 0)
		return rc;
	if (mdt_rising_remove(store, nhs, cli->opt[D_REASON],
	    cli->opt[D_BY]) != MDT_OK)
		return cmd_store_error(store);
	return 0;
}

CMD_PART(rising_add_entry, "add",
    "NHS | --untraced --name N --reason R --by WHO [OPTIONS]", add_options,
    &cmd_one_nhs, rising_add);
CMD_PART(rising_review_entry, "review", "NHS --note N [--next D]",
    review_options, &cmd_one_nhs, rising_review);
CMD_PART(rising_escalate_entry, "escalate", "NHS --reason R [--meeting M]",
    escalate_options, &cmd_one_nhs, rising_escalate);
CMD_PART(rising_remove_entry, "remove", "NHS --reason R", remove_options,
    &cmd_one_nhs, rising_remove);

CMD_ENTRY(rising, "[--due] [--format F] [--unmask] | add | review | escalate"
    " | remove", "the rising-risk register; add, review, escalate, remove",
    options, &cmd_no_operands, CMD_PARTS(&rising_add_entry,
    &rising_review_entry, &rising_escalate_entry, &rising_remove_entry),
    cmd_rising);
