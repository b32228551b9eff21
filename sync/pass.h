/*
 * pass.h - a pass of the sync engine (pass.c): the outbox rows it takes,
 * the resources they change (each built once from the store, what it
 * refers to before it), the order they are sent in, and the bundles
 * still to send.  Built off the loop on a connection of its own; read
 * (never changed) by the jobs that write its next bundle.
 */
#ifndef MDT_SYNC_PASS_H
#define MDT_SYNC_PASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "resource.h"

struct mdt_store;

enum sync_item_state {
	SYNC_ITEM_TODO,
	SYNC_ITEM_OK,
	SYNC_ITEM_FAILED,
	SYNC_ITEM_CONFLICT,
	SYNC_ITEM_HELD,		/* not sent: it refers to a resource the
				 * server refused (held_on), or held */
};

struct sync_item {
	struct sync_ref ref;
	char id[37];
	json_t *body;
	char *text;		/* body as sent (compact JSON), written by
				 * the builder so that the loop need not */
	char hash[33];
	char vid[65];		/* version last acknowledged; "" if none */
	char acked_hash[33];	/* and its content's hash; "" if none */
	int rebases;		/* sent again over a later version of our
				 * own content (bounded) */
	bool skip;		/* the server has exactly this already */
	enum sync_item_state state;
	char *new_vid;		/* version given by this pass's reply */
	size_t *rows;		/* indices of the rows that name it */
	size_t n_rows;
	size_t *deps;		/* items of this pass it refers to */
	size_t n_deps;
	size_t *riders;		/* the Patient items it refers to: they go
				 * in every bundle it goes in */
	size_t n_riders;
	char *if_none_exist;	/* a rider's: its conditional create's
				 * search ("identifier=system|value") */
};

struct sync_prow {
	int64_t id;
	size_t left;		/* named items not yet OK */
	bool named;		/* names at least one item */
	bool done;		/* sent, failed or conflict decided */
	size_t primary;		/* its own record's item (the first it
				 * names); SIZE_MAX if none yet */
};

struct sync_range {
	size_t lo, hi;		/* indices into pass->order */
};

struct sync_pass {
	struct sync_item *items;
	size_t n_items, cap_items;
	size_t *slots;		/* hash table of item index + 1; 0 empty */
	size_t n_slots;
	size_t *order;		/* items to send, dependencies first */
	size_t n_order, cap_order;
	struct sync_prow *rows;
	size_t n_rows;
	struct sync_range *stack;	/* ranges still to send; top is next */
	size_t n_stack, cap_stack;
	struct sync_range inflight;
	char *next_body;		/* the bundle of next_range written
					 * ahead (deliver.c), or NULL */
	struct sync_range next_range;
	bool record_patients;	/* refer to the record's Patients by
				 * conditional reference; create none */
	char err[256];
};

struct sync_failed_row {
	int64_t id;
	char *why;
};

/* A pass to build (max_rows, bundle_size and base_url set by the caller)
 * and what building it found, for the loop to record. */
struct sync_pass_build {
	size_t max_rows, bundle_size;
	const char *base_url;		/* for the first bundle */
	bool record_patients;		/* the configuration's */
	const int64_t *exclude;		/* rows not to take (ascending):
					 * those of the pass being sent */
	size_t n_exclude;
	const struct sync_ref *avoid;	/* the resources of the pass being
					 * sent (not its Patients riding) */
	size_t n_avoid;
	bool shares;			/* this pass holds one of them */
	struct sync_pass *pass;		/* NULL if the outbox could not
					 * be read */
	struct sync_failed_row *failed;	/* rows whose resources cannot
					 * be made */
	size_t n_failed;
	int64_t *nothing;		/* rows with nothing left to send */
	size_t n_nothing;
	char *first;			/* the first bundle's JSON, or NULL */
	char err[300];
};

/*
 * Builds a pass of at most b->max_rows pending rows from store s (on the
 * caller's thread, the connection the caller's alone), none of the rows
 * b->exclude; b->shares says whether it holds a resource of b->avoid.
 * Writes nothing to the store; what is to be recorded goes in b, and
 * b->pass is NULL with the reason in b->err if the outbox could not be
 * read.
 */
void sync_pass_build(struct mdt_store *s, struct sync_pass_build *b);
/* Frees what b holds (not b). */
void sync_pass_build_done(struct sync_pass_build *b);

/* Puts the range [lo, hi) of the order on the stack of bundles to send
 * (nothing if empty): the one pushed last goes first. */
void sync_pass_push_range(struct sync_pass *p, size_t lo, size_t hi);

/* The transaction bundle of range r of the order: first the conditional
 * creates of the Patients its items refer to (sync_bundle_riders), then
 * the items, PUTs with If-Match where a version was acknowledged; NULL if
 * out of memory.  Reads the pass only. */
char *sync_bundle_json(const char *base_url, const struct sync_pass *p,
    struct sync_range r);

/* The Patient items that go first in the bundle of range r, each once,
 * into out (room for the range's riders; NULL to count only); returns
 * how many. */
size_t sync_bundle_riders(const struct sync_pass *p, struct sync_range r,
    size_t *out);

/* DESTRUCTOR of a pass (NULL is nothing). */
void sync_pass_free(struct sync_pass *p);

#endif
