/*
 * referrals.c - mdtchair referrals: the queue of open referrals across
 * meetings, patients masked unless --unmask, its export audited; and
 * withdrawing a referral with a reason.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

/* what each of --format's words (cmd_listing_formats) is */
static const enum mdt_referrals_format format_of[] = {
	MDT_REFERRALS_TXT, MDT_REFERRALS_CSV, MDT_REFERRALS_JSON
};

static const struct cmd_option options[] = {
	CMD_LISTING_FORMAT, CMD_UNMASK_ROWS, CMD_END
};

/* The queue, as l asks, to out. */
static enum mdt_status
write_queue(struct mdt_store *store, const struct cmd_listing *l, FILE *out)
{
	return mdt_referrals_write(store, format_of[l->format], l->unmask,
	    out);
}

static int
cmd_referrals(struct cmd_args *cli)
{
	return cmd_listing(cli, write_queue, "referrals");
}

/* referrals withdraw NHS --reason R (cmd_reason_options) */
enum { REASON };

static int
referrals_withdraw(struct cmd_args *cli)
{
	const char *nhs = cmd_operand(cli);
	struct mdt_store *store;
	char digits[11];

	if (nhs == NULL)
		return cmd_usage_error(cli->cmd, "withdraw needs the patient's"
		    " NHS number");
	if (!mdt_nhs_normalise(nhs, digits) || !mdt_nhs_valid(digits))
		return cmd_usage_error(cli->cmd, "not a valid NHS number (ten"
		    " digits, the last the Modulus 11 check digit)");
	if (cli->opt[REASON] == NULL)
		return cmd_usage_error(cli->cmd, "a referral is withdrawn with"
		    " a reason (--reason)");
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_referral_withdraw(store, nhs, cli->opt[REASON]) != MDT_OK)
		return cmd_store_error(store);
	return 0;
}

CMD_PART(referrals_withdraw_entry, "withdraw", "NHS --reason R",
    cmd_reason_options, &cmd_one_nhs, referrals_withdraw);

CMD_ENTRY(referrals, "[--format F] [--unmask] | withdraw NHS",
    "the referrals waiting, across meetings; withdraw one",
    options, &cmd_no_operands, CMD_PARTS(&referrals_withdraw_entry),
    cmd_referrals);
