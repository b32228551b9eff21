/*
 * backoff.h - how long the outbox waits after a failed try (backoff.c).
 */
#ifndef MDT_SYNC_BACKOFF_H
#define MDT_SYNC_BACKOFF_H

#include <stdint.h>

/* Retry-After is honoured up to this (a bad header must not park the
 * outbox for days). */
#define SYNC_RETRY_AFTER_MAX_S 3600

/*
 * Delay before the next try after `attempts` failed tries (1 for the
 * first failure): "full jitter", a uniform draw (from rnd) in
 * [0, min(max_ms, initial_ms * 2^(attempts-1))], but never less than the
 * server's Retry-After (seconds, clamped to SYNC_RETRY_AFTER_MAX_S).
 */
int64_t sync_backoff_ms(int attempts, int64_t initial_ms, int64_t max_ms,
    int64_t retry_after_s, uint32_t rnd);

#endif
