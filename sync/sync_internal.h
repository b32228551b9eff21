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
/* the engine's state, and what it shows the tests */
#include "engine.h"

#endif
