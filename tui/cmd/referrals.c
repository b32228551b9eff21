/*
 * referrals.c - mdtchair referrals: the queue of open referrals across
 * meetings, patients masked unless --unmask, its export audited; and
 * withdrawing a referral with a reason.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { FORMAT, UNMASK, UNMASKED };

/* --format's words, and what each is */
static const char *const formats[] = { "txt", "csv", "json", NULL };
static const enum mdt_referrals_format format_of[] = {
	MDT_REFERRALS_TXT, MDT_REFERRALS_CSV, MDT_REFERRALS_JSON
};

static const struct cmd_option options[] = {
	[FORMAT] = CMD_WORDS("format", formats,
	    "--format needs txt, csv or json", "--format is txt, csv or json"),
	[UNMASK] = CMD_FLAG("unmask"),
	[UNMASKED] = CMD_FLAG("unmasked"),
	CMD_END
};

static int
cmd_referrals(struct cmd_args *cli)
{
	bool unmask = cli->opt[UNMASK] != NULL || cli->opt[UNMASKED] != NULL;
	struct mdt_store *store;
	struct cmd_held held;
	char detail[64];

	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	snprintf(detail, sizeof detail, "referrals %s%s",
	    formats[cli->num[FORMAT]], unmask ? " unmasked" : "");
	if (cmd_held_open(&held) != 0)
		return EXIT_USER;
	/* printed only once the audit log has the export */
	if (mdt_referrals_write(store, format_of[cli->num[FORMAT]], unmask,
	    held.fp) != MDT_OK ||
	    mdt_audit_event(store, "export", detail) != MDT_OK) {
		cmd_held_drop(&held);
		return cmd_store_error(store);
	}
	return cmd_held_print(&held, "referrals");
}

/* referrals withdraw NHS --reason R */
enum { REASON };

static const struct cmd_option withdraw_options[] = {
	[REASON] = CMD_VALUE("reason", CMD_TEXT, "--reason needs a value",
	    NULL),
	CMD_END
};

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
    withdraw_options, &cmd_one_nhs, referrals_withdraw);

static const struct cmd_entry *const parts[] = {
	&referrals_withdraw_entry, NULL
};

CMD_ENTRY(referrals, "[--format F] [--unmask] | withdraw NHS",
    "the referrals waiting, across meetings; withdraw one",
    options, &cmd_no_operands, parts, cmd_referrals);
