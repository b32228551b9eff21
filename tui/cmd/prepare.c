/*
 * prepare.c - mdtchair prepare: the chair's screens (chair.c) opened on
 * a meeting's preparation (its candidates and agenda), which leaves the
 * meeting as it is.
 */
#include "config.h"

#include "cmd.h"

CMD_ENTRY(prepare, "[MEETING]",
    "prepare a meeting's agenda from its candidates",
    NULL, &cmd_one_meeting, NULL, cmd_screens);
