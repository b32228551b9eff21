/*
 * pass.c - building a pass of the sync engine (pass.h) from the store, in
 * one read transaction so that the pass is consistent: the oldest pending
 * outbox rows, each turned into the FHIR resources it changes (fhir.c),
 * every resource built once, what it refers to put before it unless the
 * server has acknowledged it, resources the server already holds with
 * exactly this content left out; then the bundles of at most bundle_size
 * entries, and the JSON of a bundle, written from the texts the builder
 * kept.  Touches nothing but the pass and the connection it is given:
 * the engine runs it in libuv's thread pool.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "fhir.h"
#include "mdt.h"
#include "pass.h"
#include "resource.h"
#include "util.h"

void
sync_pass_free(struct sync_pass *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_items; i++) {
		json_decref(p->items[i].body);
		free(p->items[i].text);
		free(p->items[i].new_vid);
		free(p->items[i].rows);
		free(p->items[i].deps);
		free(p->items[i].riders);
		free(p->items[i].if_none_exist);
	}
	free(p->items);
	free(p->slots);
	free(p->order);
	free(p->rows);
	free(p->stack);
	free(p->next_body);
	free(p);
}

static size_t
ref_hash(const struct sync_ref *r)
{
	size_t h = (size_t)r->kind * 31u + 7u;
	const char *s;

	for (s = r->uuid; *s != '\0'; s++)
		h = h * 131u + (unsigned char)*s;
	return h;
}

static bool
ref_eq(const struct sync_ref *a, const struct sync_ref *b)
{
	return a->kind == b->kind && strcmp(a->uuid, b->uuid) == 0;
}

/* The item for ref, or SIZE_MAX. */
static size_t
find_item(const struct sync_pass *p, const struct sync_ref *r)
{
	size_t i, s;

	if (p->n_slots == 0)
		return SIZE_MAX;
	for (i = ref_hash(r) & (p->n_slots - 1); (s = p->slots[i]) != 0;
	    i = (i + 1) & (p->n_slots - 1))
		if (ref_eq(&p->items[s - 1].ref, r))
			return s - 1;
	return SIZE_MAX;
}

static void
rehash(struct sync_pass *p)
{
	size_t i, j, n = p->n_slots == 0 ? 64 : p->n_slots * 2;

	free(p->slots);
	p->slots = mdt_xcalloc(n, sizeof(*p->slots));
	p->n_slots = n;
	for (i = 0; i < p->n_items; i++) {
		for (j = ref_hash(&p->items[i].ref) & (n - 1);
		    p->slots[j] != 0; j = (j + 1) & (n - 1))
			;
		p->slots[j] = i + 1;
	}
}

static size_t
new_item(struct sync_pass *p, const struct sync_ref *r)
{
	struct sync_item *it;
	size_t j;

	if (p->n_items == p->cap_items) {
		p->cap_items = p->cap_items == 0 ? 64 : p->cap_items * 2;
		p->items = mdt_xreallocarray(p->items, p->cap_items,
		    sizeof(*p->items));
	}
	it = &p->items[p->n_items++];
	memset(it, 0, sizeof(*it));
	it->ref = *r;
	sync_ref_id(r, it->id);
	if ((p->n_items) * 2 > p->n_slots)
		rehash(p);
	else {
		for (j = ref_hash(r) & (p->n_slots - 1); p->slots[j] != 0;
		    j = (j + 1) & (p->n_slots - 1))
			;
		p->slots[j] = p->n_items;
	}
	return p->n_items - 1;
}

static void
push_order(struct sync_pass *p, size_t idx)
{
	if (p->n_order == p->cap_order) {
		p->cap_order = p->cap_order == 0 ? 64 : p->cap_order * 2;
		p->order = mdt_xreallocarray(p->order, p->cap_order,
		    sizeof(*p->order));
	}
	p->order[p->n_order++] = idx;
}

void
sync_pass_push_range(struct sync_pass *p, size_t lo, size_t hi)
{
	if (lo >= hi)
		return;
	if (p->n_stack == p->cap_stack) {
		p->cap_stack = p->cap_stack == 0 ? 16 : p->cap_stack * 2;
		p->stack = mdt_xreallocarray(p->stack, p->cap_stack,
		    sizeof(*p->stack));
	}
	p->stack[p->n_stack].lo = lo;
	p->stack[p->n_stack].hi = hi;
	p->n_stack++;
}

struct build_ctx {
	struct mdt_store *s;
	struct sync_pass *p;
	struct sync_ref *deps;
	size_t n_deps, cap_deps;
};

static void
collect_dep(void *ctx, const struct sync_ref *r)
{
	struct build_ctx *b = ctx;

	if (b->n_deps == b->cap_deps) {
		b->cap_deps = b->cap_deps == 0 ? 8 : b->cap_deps * 2;
		b->deps = mdt_xreallocarray(b->deps, b->cap_deps,
		    sizeof(*b->deps));
	}
	b->deps[b->n_deps++] = *r;
}

/*
 * The item of a Patient (body built, deps empty): never in the order nor
 * acknowledged, but written as a conditional create at the head of every
 * bundle holding an item that refers to it, so that the server resolves
 * the reference to the Patient it holds with this NHS number, or creates
 * it.
 */
static size_t
add_rider(struct sync_pass *p, const struct sync_ref *r, json_t *body,
    struct sync_ref *deps)
{
	json_t *id = json_object_get(json_array_get(json_object_get(body,
	    "identifier"), 0), "value");
	struct sync_item *it;
	size_t idx;

	free(deps);
	idx = new_item(p, r);
	it = &p->items[idx];
	it->body = body;
	sync_body_hash(body, it->hash);
	it->text = json_dumps(body, JSON_COMPACT);
	it->if_none_exist = mdt_xasprintf("identifier=%s|%s",
	    SYNC_NHS_NUMBER_SYSTEM, json_is_string(id) ?
	    json_string_value(id) : "");
	it->state = SYNC_ITEM_OK;
	return idx;
}

/*
 * The record owns its patients: each reference to a patient (at the top
 * of a resource) becomes a conditional reference by NHS number, which the
 * server resolves to the Patient it holds, or refuses the transaction
 * when it holds none (a refusal the record's administrator mends by
 * adding the patient there).
 */
static void
conditional_patients(json_t *body)
{
	const char *key;
	json_t *v, *nhs;
	char *ref;

	json_object_foreach(body, key, v) {
		nhs = json_object_get(json_object_get(v, "identifier"), "value");
		if (!json_is_object(v) || !json_is_string(nhs) ||
		    !json_is_string(json_object_get(v, "type")) ||
		    strcmp(json_string_value(json_object_get(v, "type")),
		    "Patient") != 0)
			continue;
		ref = mdt_xasprintf("Patient?identifier=%s|%s",
		    SYNC_NHS_NUMBER_SYSTEM, json_string_value(nhs));
		json_object_set_new(v, "reference", json_string(ref));
		free(ref);
	}
}

/*
 * Makes the item for r (building its body) and, before it in the order,
 * every resource it refers to that the server has never acknowledged.
 * Returns its index, or SIZE_MAX if it cannot be built (p->err says why).
 */
static size_t
add_item(struct mdt_store *s, struct sync_pass *p, const struct sync_ref *r,
    int depth)
{
	struct build_ctx b = { s, p, NULL, 0, 0 };
	sqlite3 *db = mdt_store_db(s);
	char hash[33], vid[65];
	struct sync_item *it;
	size_t idx, i;
	json_t *body;
	bool found;

	idx = find_item(p, r);
	if (idx != SIZE_MAX)
		return idx;
	if (depth > 8) {
		snprintf(p->err, sizeof(p->err), "references nest too deep");
		return SIZE_MAX;
	}
	body = sync_map_build(db, r, collect_dep, &b, p->err,
	    sizeof(p->err));
	if (body == NULL) {
		free(b.deps);
		return SIZE_MAX;
	}
	if (r->kind == SYNC_PATIENT)
		return add_rider(p, r, body, b.deps);
	if (p->record_patients)
		conditional_patients(body);
	for (i = 0; i < b.n_deps; i++) {
		char did[37], dvid[65], dhash[33];
		bool dfound;

		if (find_item(p, &b.deps[i]) != SIZE_MAX ||
		    (p->record_patients && b.deps[i].kind == SYNC_PATIENT))
			continue;
		/* acknowledged once: the server has it to refer to (a
		 * Patient rides with every bundle instead) */
		sync_ref_id(&b.deps[i], did);
		if (b.deps[i].kind != SYNC_PATIENT && mdt_sync_version_get(s,
		    sync_kind_type(b.deps[i].kind), did, dvid, dhash,
		    &dfound) == MDT_OK && dfound)
			continue;
		/* a reference we cannot build fails the referrer */
		if (add_item(s, p, &b.deps[i], depth + 1) == SIZE_MAX) {
			free(b.deps);
			json_decref(body);
			return SIZE_MAX;
		}
	}
	idx = new_item(p, r);
	it = &p->items[idx];
	/* the references it makes within the pass: if one of them is
	 * refused, this is not sent */
	for (i = 0; i < b.n_deps; i++) {
		size_t d = find_item(p, &b.deps[i]);

		if (d == SIZE_MAX || d == idx)
			continue;
		if (b.deps[i].kind == SYNC_PATIENT) {
			it->riders = mdt_xreallocarray(it->riders,
			    it->n_riders + 1, sizeof(*it->riders));
			it->riders[it->n_riders++] = d;
			continue;
		}
		it->deps = mdt_xreallocarray(it->deps, it->n_deps + 1,
		    sizeof(*it->deps));
		it->deps[it->n_deps++] = d;
	}
	free(b.deps);
	it->body = body;
	sync_body_hash(body, hash);
	memcpy(it->hash, hash, sizeof(hash));
	if (mdt_sync_version_get(s, sync_kind_type(r->kind), it->id,
	    vid, hash, &found) == MDT_OK && found) {
		memcpy(it->vid, vid, sizeof(vid));
		memcpy(it->acked_hash, hash, sizeof(hash));
		it->skip = vid[0] != '\0' && strcmp(hash, it->hash) == 0;
	}
	if (it->skip)
		it->state = SYNC_ITEM_OK;
	else {
		it->text = json_dumps(body, JSON_COMPACT);
		push_order(p, idx);
	}
	return idx;
}

static void
item_add_row(struct sync_item *it, size_t row)
{
	size_t i;

	for (i = 0; i < it->n_rows; i++)
		if (it->rows[i] == row)
			return;
	it->rows = mdt_xreallocarray(it->rows, it->n_rows + 1,
	    sizeof(*it->rows));
	it->rows[it->n_rows++] = row;
}

struct row_ctx {
	struct mdt_store *s;
	struct sync_pass *p;
	size_t row;
	bool failed;
};

static void
on_row_ref(void *ctx, const struct sync_ref *r)
{
	struct row_ctx *rc = ctx;
	struct sync_pass *p = rc->p;
	size_t idx;

	if (rc->failed)
		return;
	idx = add_item(rc->s, p, r, 0);
	if (idx == SIZE_MAX) {
		rc->failed = true;
		return;
	}
	p->rows[rc->row].named = true;
	if (p->rows[rc->row].primary == SIZE_MAX)
		p->rows[rc->row].primary = idx;
	if (p->items[idx].state != SYNC_ITEM_OK) {
		size_t before = p->items[idx].n_rows;

		item_add_row(&p->items[idx], rc->row);
		if (p->items[idx].n_rows > before)
			p->rows[rc->row].left++;
	}
}

/* True if id is among the n ids of ex (ascending). */
static bool
excluded(const int64_t *ex, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ex[mid] == id)
			return true;
		if (ex[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The rows of rows[0..n) (oldest first) to take, moved to the front in
 * order: those not in b->exclude, at most max_rows; returns how many. */
static size_t
drop_excluded(const struct sync_pass_build *b, struct mdt_outbox_row *rows,
    size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (k < b->max_rows &&
		    !excluded(b->exclude, b->n_exclude, rows[i].id)) {
			if (k != i) {
				struct mdt_outbox_row t = rows[k];

				rows[k] = rows[i];
				rows[i] = t;
			}
			k++;
		}
	}
	return k;
}

/*
 * Builds a pass of at most max_rows pending rows due now from store s: runs in the
 * thread pool on the builder's connection, or on the loop for a store in
 * memory.  Writes nothing; what is to be recorded goes in b.
 */
void
sync_pass_build(struct mdt_store *s, struct sync_pass_build *b)
{
	struct mdt_outbox_row *rows = NULL;
	sqlite3 *db = mdt_store_db(s);
	struct sync_pass *p;
	size_t n_rows = 0, n_read = 0, i, size;

	if (mdt_outbox_list_due(s, b->max_rows + b->n_exclude, &rows,
	    &n_read) != MDT_OK) {
		snprintf(b->err, sizeof(b->err), "cannot read the outbox: %s",
		    mdt_store_error(s));
		return;
	}
	n_rows = drop_excluded(b, rows, n_read);
	p = mdt_xcalloc(1, sizeof(*p));
	p->record_patients = b->record_patients;
	p->rows = mdt_xcalloc(n_rows + 1, sizeof(*p->rows));
	p->n_rows = n_rows;
	b->failed = mdt_xcalloc(n_rows + 1, sizeof(*b->failed));
	b->nothing = mdt_xcalloc(n_rows + 1, sizeof(*b->nothing));

	/* one read transaction: every resource of the pass from one state
	 * of the store, read by statements kept prepared */
	sync_map_keep(s);
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (i = 0; i < n_rows; i++) {
		struct row_ctx rc = { s, p, i, false };
		char err[256];

		p->rows[i].id = rows[i].id;
		p->rows[i].primary = SIZE_MAX;
		p->err[0] = '\0';
		if (sync_map_row(db, rows[i].entity, rows[i].entity_uuid,
		    on_row_ref, &rc, err, sizeof(err)) != 0) {
			snprintf(p->err, sizeof(p->err), "%s", err);
			rc.failed = true;
		}
		if (rc.failed) {
			p->rows[i].done = true;
			b->failed[b->n_failed].id = rows[i].id;
			b->failed[b->n_failed++].why = mdt_xasprintf("cannot"
			    " make the FHIR resources of this %s: %s",
			    rows[i].entity, p->err);
		}
	}
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sync_map_keep(NULL);
	mdt_outbox_rows_free(rows, n_read);
	for (i = 0; i < b->n_avoid && !b->shares; i++)
		b->shares = find_item(p, &b->avoid[i]) != SIZE_MAX;

	/* rows with nothing to send: all their resources already
	 * acknowledged with this content (or none to send at all) */
	for (i = 0; i < p->n_rows; i++)
		if (!p->rows[i].done && p->rows[i].left == 0) {
			p->rows[i].done = true;
			b->nothing[b->n_nothing++] = p->rows[i].id;
		}

	/* bundles of bundle_size, in order (the stack's top goes first) */
	size = b->bundle_size;
	for (i = (p->n_order + size - 1) / size; i > 0; i--)
		sync_pass_push_range(p, (i - 1) * size, i * size < p->n_order ?
		    i * size : p->n_order);
	/* and the first two bundles' JSON, here rather than on the loop */
	if (p->n_stack > 0)
		b->first = sync_bundle_json(b->base_url, p,
		    p->stack[p->n_stack - 1]);
	if (p->n_stack > 1) {
		p->next_range = p->stack[p->n_stack - 2];
		p->next_body = sync_bundle_json(b->base_url, p,
		    p->next_range);
	}
	b->pass = p;
}

/* A growing string. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void
sb_add(struct sbuf *b, const char *s)
{
	size_t n;

	if (s == NULL) {
		b->failed = true;
		return;
	}
	n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap == 0 ? 4096 : b->cap * 2;
		b->s = mdt_xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* s as a JSON string, quoted and escaped. */
static void
sb_str(struct sbuf *b, const char *s)
{
	json_t *j = json_string(s);
	char *q = j != NULL ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	sb_add(b, q);
	free(q);
	json_decref(j);
}

/* How many riders the items of range r name, counting repeats. */
static size_t
riders_max(const struct sync_pass *p, struct sync_range r)
{
	size_t i, n = 0;

	for (i = r.lo; i < r.hi; i++)
		n += p->items[p->order[i]].n_riders;
	return n;
}

size_t
sync_bundle_riders(const struct sync_pass *p, struct sync_range r,
    size_t *out)
{
	size_t i, j, k, n = 0, *seen;

	seen = mdt_xcalloc(riders_max(p, r) + 1, sizeof(*seen));
	for (i = r.lo; i < r.hi; i++) {
		const struct sync_item *it = &p->items[p->order[i]];

		for (j = 0; j < it->n_riders; j++) {
			for (k = 0; k < n && seen[k] != it->riders[j]; k++)
				;
			if (k == n)
				seen[n++] = it->riders[j];
		}
	}
	if (out != NULL)
		memcpy(out, seen, n * sizeof(*seen));
	free(seen);
	return n;
}

/*
 * The transaction bundle for range r, from the texts the builder wrote
 * (making each from its JSON again took a millisecond or more a bundle).
 * Reads the pass only: written in the thread pool (the builder's job for
 * a pass's first bundle, a reply's job for the next) or, on the rarer
 * paths (a bundle split after a refusal, a read back), on the loop.
 */
char *
sync_bundle_json(const char *base_url, const struct sync_pass *p,
    struct sync_range r)
{
	struct sbuf b = { NULL, 0, 0, false };
	size_t i, n, *riders;

	sb_add(&b, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\","
	    "\"entry\":[");
	riders = mdt_xcalloc(riders_max(p, r) + 1, sizeof(*riders));
	n = sync_bundle_riders(p, r, riders);
	for (i = 0; i < n; i++) {
		struct sync_item *it = &p->items[riders[i]];
		char *full = mdt_xasprintf("urn:uuid:%s", it->id);

		sb_add(&b, i > 0 ? ",{\"fullUrl\":" : "{\"fullUrl\":");
		sb_str(&b, full);
		sb_add(&b, ",\"resource\":");
		sb_add(&b, it->text);
		sb_add(&b, ",\"request\":{\"method\":\"POST\",\"url\":"
		    "\"Patient\",\"ifNoneExist\":");
		sb_str(&b, it->if_none_exist);
		sb_add(&b, "}}");
		free(full);
	}
	free(riders);
	for (i = r.lo; i < r.hi; i++) {
		struct sync_item *it = &p->items[p->order[i]];
		const char *type = sync_kind_type(it->ref.kind);
		char *url = mdt_xasprintf("%s/%s", type, it->id);
		char *full = mdt_xasprintf("%s/%s", base_url, url);

		sb_add(&b, i > r.lo || n > 0 ? ",{\"fullUrl\":" :
		    "{\"fullUrl\":");
		sb_str(&b, full);
		sb_add(&b, ",\"resource\":");
		sb_add(&b, it->text);
		sb_add(&b, ",\"request\":{\"method\":\"PUT\",\"url\":");
		sb_str(&b, url);
		/* compare-and-swap: only over the version we last saw */
		if (it->vid[0] != '\0') {
			char *m = mdt_xasprintf("W/\"%s\"", it->vid);

			sb_add(&b, ",\"ifMatch\":");
			sb_str(&b, m);
			free(m);
		}
		sb_add(&b, "}}");
		free(url);
		free(full);
	}
	sb_add(&b, "]}");
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

void
sync_pass_build_done(struct sync_pass_build *b)
{
	size_t i;

	sync_pass_free(b->pass);
	b->pass = NULL;
	for (i = 0; i < b->n_failed; i++)
		free(b->failed[i].why);
	free(b->failed);
	free(b->nothing);
	free(b->first);
}
