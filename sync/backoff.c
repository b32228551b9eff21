/*
 * backoff.c - when to try again after a transient failure: capped
 * exponential backoff with full jitter, never sooner than the server's
 * Retry-After.  Pure arithmetic; the random draw is passed in so that the
 * tests can pin it.
 */
#include "config.h"

#include <stdint.h>

#include "backoff.h"

int64_t
sync_backoff_ms(int attempts, int64_t initial_ms, int64_t max_ms,
    int64_t retry_after_s, uint32_t rnd)
{
	int64_t ceiling, delay, floor_ms;
	int i;

	if (initial_ms < 1)
		initial_ms = 1;
	if (max_ms < initial_ms)
		max_ms = initial_ms;
	if (attempts < 1)
		attempts = 1;
	/* initial * 2^(attempts-1), stopping at the cap (no overflow) */
	ceiling = initial_ms;
	for (i = 1; i < attempts && ceiling < max_ms; i++)
		ceiling *= 2;
	if (ceiling > max_ms)
		ceiling = max_ms;
	/* full jitter: uniform in [0, ceiling] */
	delay = (int64_t)(((uint64_t)rnd * (uint64_t)(ceiling + 1)) >> 32);
	if (retry_after_s < 0)
		retry_after_s = 0;
	if (retry_after_s > SYNC_RETRY_AFTER_MAX_S)
		retry_after_s = SYNC_RETRY_AFTER_MAX_S;
	floor_ms = retry_after_s * 1000;
	return delay > floor_ms ? delay : floor_ms;
}
