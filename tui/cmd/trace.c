/*
 * trace.c - mdtchair trace: a patient held under a local identifier
 * (refer --untraced) traced to their NHS number (core/trace.h).
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

/* trace LOCAL NHS */
static const struct cmd_operands operands = {
	2, CMD_TEXT, "unexpected argument",
	"a local identifier and an NHS number, no more"
};

static int
cmd_trace(struct cmd_args *cli)
{
	struct mdt_store *store;
	char local[11], nhs[11];
	bool merged = false;

	if (cli->argc != 2)
		return cmd_usage_error(cli->cmd, "trace needs the local"
		    " identifier (L and its digits) and the NHS number");
	if (!mdt_local_id_normalise(cli->argv[0], local))
		return cmd_usage_error(cli->cmd, "not a local identifier (L and"
		    " its digits, as 'mdtchair referrals' shows it)");
	if (!mdt_nhs_normalise(cli->argv[1], nhs) || !mdt_nhs_valid(nhs))
		return cmd_usage_error(cli->cmd, "not a valid NHS number (ten"
		    " digits, the last the Modulus 11 check digit); nothing"
		    " saved");
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_patient_trace(store, local, nhs, &merged) != MDT_OK)
		return cmd_store_error(store);
	say("%s traced%s", local, merged ? ": joined the patient the record"
	    " knows by that number" : "");
	return 0;
}

CMD_ENTRY(trace, "LOCAL NHS",
    "trace a patient held under a local identifier to their NHS number",
    NULL, &operands, NULL, cmd_trace);
