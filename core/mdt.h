/*
 * mdt.h - the whole of core/ in one include, for sync/, tui/ and the
 * tests, which compile against it (and are changed in parallel, so must
 * not need changes when core/ moves inside).  Nothing in core/ includes
 * it: each core/ file includes the headers of the concerns it uses.
 *
 * core/ knows nothing of terminals or networks.  Every operation that
 * changes the record runs in one SQLite transaction (BEGIN IMMEDIATE) that
 * also writes an audit row and an outbox row, and is committed before the
 * function returns MDT_OK.  Nothing in core/ exits the process.
 */
#ifndef MDT_H
#define MDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"	/* status codes, clock, states, a meeting's records */
#include "util.h"	/* the fatal hook (and core/'s small helpers) */
#include "safefile.h"	/* files written 0600, never clobbered; files read */
#include "textio.h"	/* what text may come in, how it goes out */
#include "rules.h"	/* NHS numbers, dates, the slot clock, names */
#include "store.h"	/* opening the database */
#include "snapshot.h"	/* one meeting read whole; finding meetings */
#include "acts.h"	/* chairing and recording, each one transaction */
#include "prep.h"	/* candidates, the agenda, carry-forward */
#include "referrals.h"	/* the referral queue across meetings */
#include "rising.h"	/* the rising-risk register */
#include "plan.h"	/* the joined-up plan */
#include "import.h"	/* a pre-meeting list from CSV */
#include "agenda.h"	/* the agenda for circulation */
#include "minutes.h"	/* the minutes */
#include "actions.h"	/* people, and each owner's actions */
#include "review.h"	/* the review of a period */
#include "themes.h"	/* the themes of a discussion */
#include "outbox.h"	/* the outbox as delivery sees it */
#include "pull.h"	/* the central record read back and merged */
#include "elsewhere.h"	/* discussions at meetings not held here */
#include "purge.h"	/* the retention purge */
#include "deaths.h"	/* a death between meetings */
#include "trace.h"	/* patients held until their NHS number is traced */
#include "consent_before.h"	/* consent asked before the meeting */
#include "lease.h"	/* one chair at a time */
#include "audit.h"	/* the audit log */
#include "demo.h"	/* the demo meeting */

#endif
