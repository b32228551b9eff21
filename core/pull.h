/*
 * pull.h - the central record read back (pull.c): what the record says
 * of the actions' Tasks, merged into the store under the rules written in
 * docs/sync.md ("Pull"), each change an audited act; the conflicts it
 * keeps, and their settling by a person.  sync/pull.c does the reading;
 * nothing here touches the network.
 */
#ifndef MDT_PULL_H
#define MDT_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* One Task as the record holds it (strings as read; NULL: absent). */
struct mdt_record_task {
	const char *id;		/* the action's uuid */
	const char *version;	/* meta.versionId */
	int64_t last_updated;	/* meta.lastUpdated, ms since the epoch */
	int64_t modified;	/* lastModified, else meta.lastUpdated, ms */
	const char *status;	/* Task.status */
	const char *owner;	/* owner.display, else owner.reference */
	const char *note;	/* the latest note's text */
};

/* What one pull did. */
struct mdt_pull_result {
	int64_t tasks;		/* Tasks read back */
	int64_t unchanged;	/* seen before, or our own last write */
	int64_t closed;		/* actions closed (or cancelled) here */
	int64_t conflicts;	/* new conflicts kept for a person */
	int64_t owners;		/* Tasks whose owner differs: shown only */
	int64_t unknown;	/* Tasks of no action here */
};

/*
 * The uuids of the actions to read back, after after ("" from the
 * first), in uuid order, at most max into out: every action the record
 * has acknowledged (its Task) that is open here, or has a change not yet
 * sent, or a conflict.  *n gets how many.
 */
enum mdt_status mdt_pull_ids(struct mdt_store *s, const char *after,
    char (*out)[37], size_t max, size_t *n);

/* The server's time (ms) of the last complete pull of type ("Task"); 0
 * if there was none. */
enum mdt_status mdt_pull_since(struct mdt_store *s, const char *type,
    int64_t *since);

/*
 * One transaction: each Task merged (docs/sync.md, "Pull"), then the
 * time of this pull (since, the server's; 0 leaves it as it was) and its
 * cost (requests, bytes) remembered.  from names the record in the audit
 * (its base URL).  Applying the same Tasks again changes nothing.
 */
enum mdt_status mdt_pull_apply(struct mdt_store *s, const char *from,
    const struct mdt_record_task *t, size_t n, int64_t since,
    int64_t requests, int64_t bytes, struct mdt_pull_result *out);

/*
 * The same merge in parts, for the console, which must not keep a key
 * waiting behind one long transaction: each part (n Tasks) merged in a
 * transaction of its own, what it did added to *out (zeroed by the
 * caller first); then mdt_pull_apply_end remembers the time of the pull
 * and what it did.  A kill between parts leaves the time as it was: the
 * next pull reads every Task again, and those merged already change
 * nothing (their version is known).
 */
enum mdt_status mdt_pull_apply_part(struct mdt_store *s, const char *from,
    const struct mdt_record_task *t, size_t n, struct mdt_pull_result *out);
enum mdt_status mdt_pull_apply_end(struct mdt_store *s, int64_t since,
    int64_t requests, int64_t bytes, struct mdt_pull_result *out);

/* A pull that took nothing: its reason remembered (escaped) as the last
 * try's, with the time; what the last complete pull found is kept. */
enum mdt_status mdt_pull_failed(struct mdt_store *s, const char *why);

/* The last pull as the screens and `mdtchair status` tell it. */
struct mdt_pull_last {
	int64_t pulled_at;	/* the last complete pull (store clock, ms);
				 * 0: none */
	int64_t tried_at;	/* the last try; 0: none */
	int64_t tasks, closed, conflicts, owners;	/* what the last
							 * complete pull
							 * found */
	int64_t requests, bytes;	/* and what it cost */
	char *error;		/* why the last try took nothing; NULL if it
				 * was complete */
	int64_t waiting;	/* conflicts waiting now, for a person */
};

/* DESTRUCTOR: mdt_pull_last_free. */
enum mdt_status mdt_pull_last(struct mdt_store *s, struct mdt_pull_last *out);
void mdt_pull_last_free(struct mdt_pull_last *l);

/* What the record said of an action when last read. */
struct mdt_record_view {
	bool known;		/* read back at least once */
	bool conflict;		/* the record closed it; a local change
				 * is not sent: for a person to settle */
	bool applied;		/* its status was taken from the record */
	char status[24];	/* the Task's status on the record */
	int64_t modified;	/* when the record says it changed, ms */
	char *owner;		/* the owner the record names; NULL */
	char *note;		/* its latest note; NULL */
};

/* DESTRUCTOR: mdt_record_view_free. */
enum mdt_status mdt_record_of_action(struct mdt_store *s, int64_t action_id,
    struct mdt_record_view *out);
void mdt_record_view_free(struct mdt_record_view *v);

/* How many actions are in conflict with the record. */
enum mdt_status mdt_record_conflicts(struct mdt_store *s, int64_t *n);

/*
 * A conflict settled, one act each (audited): keep ours sends the local
 * action over the record's version (its waiting rows go again at once);
 * take the record's sets the action's status to the record's and settles
 * the unsent rows of the action (nothing of it is sent).  MDT_ESTATE if
 * the action is not in conflict.
 */
enum mdt_status mdt_record_keep(struct mdt_store *s, int64_t action_id);
enum mdt_status mdt_record_take(struct mdt_store *s, int64_t action_id);

/* Text from the record as the store keeps it (a new string, the caller
 * frees it; NULL for NULL or ""): at most max bytes, and escaped (as
 * printed) if it is not what the input policy lets in, a note (note) or
 * a single line. */
char *mdt_text_from_record(const char *s, bool note, size_t max);

#endif
