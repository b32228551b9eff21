/*
 * lease.h - one chair at a time (lease.c): the console that chairs a
 * meeting holds its lease in the database (table chair_lease: who, on
 * which host, which process, a token, when taken and last renewed).  A
 * second console on the meeting follows it, read-only, and may take the
 * chair over once the first is gone: its lease not renewed for
 * MDT_LEASE_STALE_MS, or, on the same host, its process ended.  A crash
 * leaves the lease, which the next console finds gone.
 *
 * Once a store has asked for a meeting's lease (mdt_lease_take), every
 * act through it checks, in the act's own transaction, that the lease is
 * still its own (token match) and is refused with MDT_ECHAIR otherwise,
 * so that two consoles racing cannot both act.  Delivery's bookkeeping
 * (outbox.c) is not an act of the chair and is not checked.
 */
#ifndef MDT_LEASE_H
#define MDT_LEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct mdt_store;

#define MDT_LEASE_RENEW_MS 5000		/* the holder renews this often */
#define MDT_LEASE_STALE_MS 30000	/* not renewed this long: gone */

/* Who holds a meeting's lease. */
struct mdt_lease {
	char holder[128];	/* the login name */
	char host[256];
	int64_t pid;
	int64_t acquired_at, renewed_at;	/* epoch ms */
	bool gone;		/* stale, or its process on this host ended */
	bool ended;		/* its process on this host ended (a crash) */
	bool ours;		/* held by this store */
};

/*
 * Takes the chair of meeting_id for this store: free, already its own or
 * (with take_over) held by a console that is gone, it is taken (an audit
 * row for a take-over); held by a live console, or gone without
 * take_over, MDT_ECHAIR with *holder (if not NULL) saying who.  From the
 * first call on, acts through this store check the lease, whether it was
 * taken or not.
 */
enum mdt_status mdt_lease_take(struct mdt_store *s, int64_t meeting_id,
    bool take_over, struct mdt_lease *holder);

/* Renews this store's lease; MDT_ECHAIR if another console took it (then
 * *holder, if not NULL, says who) or none was taken. */
enum mdt_status mdt_lease_renew(struct mdt_store *s, struct mdt_lease *holder);

/* Gives the lease up (a clean quit); acts are no longer checked. */
enum mdt_status mdt_lease_release(struct mdt_store *s);

/* Who holds meeting_id's lease; MDT_ENOTFOUND if nobody does. */
enum mdt_status mdt_lease_holder(struct mdt_store *s, int64_t meeting_id,
    struct mdt_lease *out);

/* Whether this store holds the lease it asked for (as last seen). */
bool mdt_lease_held(const struct mdt_store *s);

#endif
