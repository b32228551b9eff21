/*
 * plan.c - mdtchair plan: the patient's joined-up plan (core/plan.h)
 * printed for them, in plain language (txt or md), the print audited; and
 * its acts: add a problem, a goal (--carer: in the carer's words) or an
 * intervention (--action: one of the patient's actions), resolve an item
 * with a reason, link an intervention to an action, set the next review,
 * end the plan with a reason.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { FORMAT };

static const char *const formats[] = { "txt", "md", NULL };

static const struct cmd_option options[] = {
	[FORMAT] = CMD_WORDS("format", formats, "--format needs txt or md",
	    "--format is txt or md"),
	CMD_END
};

/* The store opened and the patient the first operand names: 0, or the
 * exit status after saying why. */
static int
plan_patient(struct cmd_args *cli, struct mdt_store **store,
    int64_t *patient_id)
{
	const char *typed = cmd_operand(cli);
	char nhs[11];

	if (typed == NULL)
		return cmd_usage_error(cli->cmd, "the patient's NHS number is"
		    " needed");
	if (!mdt_local_id_normalise(typed, nhs) &&
	    (!mdt_nhs_normalise(typed, nhs) || !mdt_nhs_valid(nhs)))
		return cmd_usage_error(cli->cmd, "not a valid NHS number (ten"
		    " digits, the last the Modulus 11 check digit); nothing"
		    " saved");
	if (!(*store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_plan_patient(*store, typed, patient_id) != MDT_OK)
		return cmd_store_error(*store);
	return 0;
}

static int
cmd_plan(struct cmd_args *cli)
{
	struct mdt_store *store;
	struct cmd_held held;
	int64_t patient_id = 0;
	char detail[64];
	int rc;

	if ((rc = plan_patient(cli, &store, &patient_id)) != 0)
		return rc;
	snprintf(detail, sizeof detail, "plan %s patient %lld",
	    formats[cli->num[FORMAT]], (long long)patient_id);
	if (cmd_held_open(&held, store) != 0)
		return EXIT_USER;
	/* printed only once the audit log has the print */
	if (mdt_plan_write(store, patient_id, cli->num[FORMAT] == 1,
	    held.fp) != MDT_OK ||
	    mdt_audit_event(store, "export", detail) != MDT_OK)
		return cmd_held_error(&held, store, "plan");
	return cmd_held_print(&held, "plan");
}

static const struct cmd_operands nhs_item = {
	2, CMD_TEXT, "unknown option", "NHS and the item's number"
};

/* An item's number on the plan (the second operand); -1 after saying. */
static int
item_number(struct cmd_args *cli)
{
	int64_t v;

	if (cli->argc < 2 || !mdt_str_number(cli->argv[1], 1, 100000, &v)) {
		cmd_usage_error(cli->cmd, "the item's number on the plan is"
		    " needed (as 'mdtchair plan NHS' prints it)");
		return -1;
	}
	return (int)v;
}

/* plan add NHS problem|goal|intervention TEXT [--carer] [--action ID] */
enum { A_CARER, A_ACTION };

static const struct cmd_option add_options[] = {
	[A_CARER] = CMD_FLAG("carer"),
	[A_ACTION] = CMD_VALUE("action", CMD_TEXT,
	    "--action needs an action's id (#ID, as listed)", NULL),
	CMD_END
};

static const struct cmd_operands add_operands = {
	3, CMD_TEXT, "unknown option",
	"NHS, a kind and the text (quote the text)"
};

static int
plan_add(struct cmd_args *cli)
{
	struct mdt_plan_in in = { .carer = cli->opt[A_CARER] != NULL };
	struct mdt_store *store;
	int64_t patient_id = 0;
	int kind, rc, position = 0;

	if (cli->argc < 3)
		return cmd_usage_error(cli->cmd, "add needs NHS, problem, goal"
		    " or intervention, and the text");
	if ((kind = mdt_plan_kind_parse(cli->argv[1])) < 0)
		return cmd_usage_error(cli->cmd, "the kind is problem, goal or"
		    " intervention");
	in.kind = (enum mdt_plan_kind)kind;
	in.text = cli->argv[2];
	if (in.carer && in.kind != MDT_PLAN_GOAL)
		return cmd_usage_error(cli->cmd, "--carer is for a goal in the"
		    " carer's words");
	if (cli->opt[A_ACTION] != NULL && (in.kind != MDT_PLAN_INTERVENTION ||
	    (in.action_id = cmd_action_id(cli->opt[A_ACTION], 0)) <= 0))
		return cmd_usage_error(cli->cmd, "--action is the id of one of"
		    " the patient's actions (#ID), for an intervention");
	if ((rc = plan_patient(cli, &store, &patient_id)) != 0)
		return rc;
	if (mdt_plan_add(store, patient_id, &in, &position) != MDT_OK)
		return cmd_store_error(store);
	printf("%d\n", position);
	return cmd_flush("item") != 0 ? EXIT_USER : 0;
}

/*
 * The acts on an item or the plan as a whole, each a part: plan resolve
 * NHS ITEM --reason R; plan link NHS ITEM --action ID (0: none); plan
 * review NHS --next D; plan end NHS --reason R.  Each takes one option,
 * at index 0, and says what it needs when it is missing or wrong.
 */
enum plan_act { RESOLVE, LINK, REVIEW, END };

static const struct {
	bool item;		/* the item's number is the second operand */
	const char *needs;	/* usage error: the option missing or wrong */
} acts[] = {
	[RESOLVE] = { true, "an item is resolved with a reason (--reason)" },
	[LINK] = { true, "--action is the id of one of the patient's actions"
	    " (#ID), or 0 for none" },
	[REVIEW] = { false, "the next review is --next YYYY-MM-DD or +N" },
	[END] = { false, "a plan ends with a reason (--reason)" },
};

static const struct cmd_option link_options[] = {
	CMD_VALUE("action", CMD_TEXT,
	    "--action needs an action's id (#ID, as listed; 0 for none)",
	    NULL),
	CMD_END
};

static const struct cmd_option review_options[] = {
	CMD_VALUE("next", CMD_TEXT, "--next needs YYYY-MM-DD or +N", NULL),
	CMD_END
};

/* One act of the plan, the part's (cli->how): its operands and option
 * checked, the patient found, the act done. */
static int
plan_act(struct cmd_args *cli)
{
	enum plan_act act = (enum plan_act)cli->how;
	const char *value = cli->opt[0];
	struct mdt_store *store;
	int64_t patient_id = 0, action = 0;
	enum mdt_status st;
	int item = 0, rc;

	if (acts[act].item && (item = item_number(cli)) < 0)
		return EXIT_USAGE;
	if (value == NULL || (act == LINK &&
	    (action = cmd_action_id(value, 0)) < 0))
		return cmd_usage_error(cli->cmd, acts[act].needs);
	if ((rc = plan_patient(cli, &store, &patient_id)) != 0)
		return rc;
	switch (act) {
	case RESOLVE:
		st = mdt_plan_resolve(store, patient_id, item, value);
		break;
	case LINK:
		st = mdt_plan_link(store, patient_id, item, action);
		break;
	case REVIEW:
		st = mdt_plan_review(store, patient_id, value);
		break;
	default:
		st = mdt_plan_end(store, patient_id, value);
		break;
	}
	return st != MDT_OK ? cmd_store_error(store) : 0;
}

CMD_PART(plan_add_entry, "add",
    "NHS problem|goal|intervention TEXT [--carer] [--action ID]",
    add_options, &add_operands, plan_add);
CMD_PART_AS(plan_resolve_entry, "resolve", "NHS ITEM --reason R",
    cmd_reason_options, &nhs_item, plan_act, RESOLVE);
CMD_PART_AS(plan_link_entry, "link", "NHS ITEM --action ID", link_options,
    &nhs_item, plan_act, LINK);
CMD_PART_AS(plan_review_entry, "review", "NHS --next D", review_options,
    &cmd_one_nhs, plan_act, REVIEW);
CMD_PART_AS(plan_end_entry, "end", "NHS --reason R", cmd_reason_options,
    &cmd_one_nhs, plan_act, END);

static const struct cmd_entry *const parts[] = {
	&plan_add_entry, &plan_resolve_entry, &plan_link_entry,
	&plan_review_entry, &plan_end_entry, NULL
};

static const struct cmd_operands print_operands = {
	1, CMD_TEXT, "unknown option", "one NHS number"
};

CMD_ENTRY(plan, "NHS [--format F] | add | resolve | link | review | end",
    "a patient's joined-up plan, printed for them, and its changes",
    options, &print_operands, parts, cmd_plan);
