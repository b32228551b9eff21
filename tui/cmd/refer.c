/*
 * refer.c - mdtchair refer: anyone raises a referral, which stays in the
 * queue until the patient is discussed or it is withdrawn
 * (core/referrals.h); it comes to the next planned meeting's preparation.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { NAME, BY, SERVICE, REASON, URGENCY, CONSENT, DOB, UNTRACED };

static const char *const urgencies[] = { "routine", "urgent", NULL };
static const char *const consents[] = { "given", "refused", "not-asked",
	NULL };

static const struct cmd_option options[] = {
	[NAME] = CMD_VALUE("name", CMD_TEXT, "--name needs a value", NULL),
	[BY] = CMD_VALUE("by", CMD_TEXT, "--by needs who refers", NULL),
	[SERVICE] = CMD_VALUE("service", CMD_TEXT,
	    "--service needs their service", NULL),
	[REASON] = CMD_VALUE("reason", CMD_TEXT, "--reason needs a value",
	    NULL),
	[URGENCY] = CMD_WORDS("urgency", urgencies,
	    "--urgency needs routine or urgent",
	    "--urgency is routine or urgent"),
	[CONSENT] = CMD_WORDS("consent", consents,
	    "--consent needs given, refused or not-asked",
	    "--consent is given, refused or not-asked"),
	[DOB] = CMD_VALUE("dob", CMD_TEXT, "--dob needs YYYY-MM-DD", NULL),
	[UNTRACED] = CMD_FLAG("untraced"),
	CMD_END
};

static int
cmd_refer(struct cmd_args *cli)
{
	struct mdt_referral_in in = {
		.nhs_number = cmd_operand(cli), .name = cli->opt[NAME],
		.date_of_birth = cli->opt[DOB], .referrer = cli->opt[BY],
		.service = cli->opt[SERVICE], .reason = cli->opt[REASON],
		.urgency = cli->opt[URGENCY], .consent = cli->opt[CONSENT],
	};
	struct mdt_store *store;
	char nhs[11];
	int64_t id = 0;
	bool updated = false;
	int rc;

	if ((rc = cmd_patient_typed(cli, cli->opt[UNTRACED] != NULL, in.name,
	    "refer needs the patient's NHS number, or --untraced when it is"
	    " not yet known", "not a valid NHS number (ten digits, the last"
	    " the Modulus 11 check digit); nothing saved", nhs)) != 0)
		return rc;
	if (in.referrer == NULL || in.service == NULL || in.reason == NULL)
		return cmd_usage_error(cli->cmd, "say who refers (--by), their"
		    " service (--service) and why (--reason)");
	if (!(store = cmd_open_store(cli, MDT_OPEN_CREATE)))
		return EXIT_USER;
	if (mdt_refer(store, &in, &id, &updated, nhs) != MDT_OK)
		return cmd_store_error(store);
	printf("%lld\n", (long long)id);
	cmd_say_untraced(nhs);
	if (updated)
		say("the patient's open referral was updated");
	return cmd_flush("referral") != 0 ? EXIT_USER : 0;
}

CMD_ENTRY(refer, "NHS | --untraced --by WHO --service S --reason R [OPTIONS]",
    "refer a patient: queued until discussed or withdrawn",
    options, &cmd_one_nhs, NULL, cmd_refer);
