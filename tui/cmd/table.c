/*
 * table.c - the one table of the mdtchair commands, in the order of
 * 'mdtchair --help'.  A new command is one file exporting its entry
 * (cmd.h) and one row here.
 */
#include "config.h"

#include <string.h>

#include "cmd.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_demo_entry,
	&cmd_chair_entry,
	&cmd_prepare_entry,
	&cmd_present_entry,
	&cmd_minutes_entry,
	&cmd_meetings_entry,
	&cmd_audit_entry,
	&cmd_schedule_entry,
	&cmd_import_entry,
	&cmd_agenda_entry,
	&cmd_refer_entry,
	&cmd_referrals_entry,
	&cmd_rising_entry,
	&cmd_plan_entry,
	&cmd_trace_entry,
	&cmd_consent_entry,
	&cmd_died_entry,
	&cmd_people_entry,
	&cmd_register_entry,
	&cmd_actions_entry,
	&cmd_sync_entry,
	&cmd_restore_entry,
	&cmd_status_entry,
	&cmd_purge_entry,
	&cmd_review_entry,
	&cmd_themes_entry,
	&cmd_help_entry,
};

const size_t cmd_table_size = sizeof cmd_table / sizeof cmd_table[0];

const struct cmd_entry *
cmd_find(const char *name)
{
	for (size_t i = 0; i < cmd_table_size; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}
