/*
 * sync_internal.h - the parts of sync/ shared between its files and its
 * tests, one header a concern: the configuration's fields, the backoff
 * arithmetic, a resource's identity, the mapping of the store to FHIR
 * resources, the replies, the small HTTP client over libcurl's multi
 * interface and libuv, and what the engine shows the tests.  Not for
 * tui/.
 */
#ifndef MDT_SYNC_INTERNAL_H
#define MDT_SYNC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "sync.h"
#include "sync_config.h"
#include "backoff.h"
#include "resource.h"
#include "fhir.h"
#include "reply.h"
#include "http.h"

/* ---- the engine (engine.c) ------------------------------------------- */

/* For the tests: whether a reply is being read in the thread pool (the
 * engine then waits for it before it goes on). */
bool sync_engine_reading(const struct sync_engine *e);
/* For the tests: how many times the log has been synced in the thread
 * pool after rows were marked sent. */
size_t sync_engine_log_syncs(const struct sync_engine *e);

#endif
