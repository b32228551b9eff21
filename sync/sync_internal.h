/*
 * sync_internal.h - the parts of sync/ shared between its files and its
 * tests: the configuration's fields, the backoff arithmetic, the mapping
 * of the store to FHIR resources and the small HTTP client over libcurl's
 * multi interface and libuv.  Not for tui/.
 */
#ifndef MDT_SYNC_INTERNAL_H
#define MDT_SYNC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>
#include <uv.h>

#include "sync.h"

/* ---- configuration (config.c) ---------------------------------------- */

#define SYNC_DEFAULT_BUNDLE 50
#define SYNC_DEFAULT_CONNECT_S 10
#define SYNC_DEFAULT_TIMEOUT_S 60
#define SYNC_DEFAULT_MAX_RESPONSE (8L * 1024 * 1024)
#define SYNC_DEFAULT_INITIAL_MS 1000
#define SYNC_DEFAULT_MAX_MS (5L * 60 * 1000)

struct sync_config {
	char *base_url;		/* https://host/fhir/R4, no trailing '/' */
	char *ca_file;		/* NULL: the system's CA store */
	char *client_cert;	/* NULL: no client certificate */
	char *client_key;
	char *token_file;	/* NULL: no bearer token */
	long connect_timeout_s;
	long timeout_s;		/* a whole exchange; also the stall limit */
	int bundle_size;	/* entries per transaction */
	long max_response_bytes;
	int64_t retry_initial_ms;
	int64_t retry_max_ms;
	char *quorum;		/* [meeting] quorum: roles, comma-separated */
	int64_t idle_lock_s;	/* [privacy] idle time before locking; 0 off */
	int retention_days;	/* [retention] days; 0: not set */
	bool has_server;	/* a [server] section was given */
};

/*
 * Reads the token file at send time: checks again that it is a regular
 * file of mode 0600, reads one line (at most len - 1 bytes), refuses
 * control characters.  0 ok; -1 with a reason in err (never the token).
 * The caller zeroes buf after use.
 */
int sync_token_read(const char *path, char *buf, size_t len, char *err,
    size_t errlen);

/* ---- backoff (backoff.c) --------------------------------------------- */

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

/* ---- mapping (fhir.c) ------------------------------------------------ */

/* The FHIR resources mdtchair writes, in dependency order. */
enum sync_kind {
	SYNC_PRACTITIONER,	/* a person: Practitioner */
	SYNC_MEETING,		/* the meeting: Encounter */
	SYNC_DISCUSSION,	/* a slot: Encounter, partOf the meeting */
	SYNC_CONSENT,		/* consent to be discussed: Consent */
	SYNC_OUTCOME,		/* the outcome: Observation */
	SYNC_TASK,		/* an action: Task */
	SYNC_RECORD,		/* the discussion record: Composition */
	SYNC_N_KINDS
};

/* One resource: its kind and the UUID of the record it is made from. */
struct sync_ref {
	enum sync_kind kind;
	char uuid[37];
};

typedef void (*sync_ref_fn)(void *ctx, const struct sync_ref *ref);

#define SYNC_IDENTIFIER_SYSTEM "urn:ietf:rfc:3986"
#define SYNC_NHS_NUMBER_SYSTEM "https://fhir.nhs.uk/Id/nhs-number"

/* "Encounter", "Task", ... */
const char *sync_kind_type(enum sync_kind k);

/* The resource's logical id: the record's UUID, except the Composition,
 * whose id is a name-based (v5) UUID of its slot's. */
void sync_ref_id(const struct sync_ref *ref, char id[37]);

/*
 * Calls add for each resource that the outbox row (entity, uuid) changes.
 * 0 ok (possibly none); -1 with a reason (unknown entity, database error).
 */
int sync_map_row(sqlite3 *db, const char *entity, const char *uuid,
    sync_ref_fn add, void *ctx, char *err, size_t errlen);

/*
 * The resource as it stands in the store now, and through dep every
 * resource it refers to.  NULL with a reason if the record is gone.
 */
json_t *sync_map_build(sqlite3 *db, const struct sync_ref *ref,
    sync_ref_fn dep, void *ctx, char *err, size_t errlen);

/* A short hex hash (16 digits) of a resource's canonical JSON, with meta
 * and text left out; out[33]. */
void sync_body_hash(json_t *resource, char out[33]);

/* True if two resources say the same once meta and text are left out. */
bool sync_same_content(json_t *a, json_t *b);

/*
 * The server's words from an OperationOutcome (issue[].diagnostics, else
 * details.text, else code), joined with "; ", into out.  False if body is
 * not one.
 */
bool sync_outcome_text(const char *body, char *out, size_t len);

/*
 * What a 2xx reply to a transaction of n entries says was written.  It
 * must be a Bundle of type transaction-response with exactly n entries,
 * each with a 2xx response.status; then 0, and versions[i] (the caller
 * frees each) gets entry i's new versionId: from the etag (W/"3"), else
 * from the location (.../_history/3), else from resource.meta.versionId;
 * NULL if none is a well-formed id.  Anything else: -1 with a reason in
 * err and every versions[i] NULL: nothing may be taken as written.
 */
int sync_transaction_reply(const char *body, size_t body_len, size_t n,
    char **versions, char *err, size_t errlen);

/* What a resource read back after a version conflict says. */
enum sync_read {
	SYNC_READ_SAME,		/* ours exactly (meta and text left out) */
	SYNC_READ_EARLIER,	/* what we last acknowledged, under a later
				 * version: a late copy of our own earlier
				 * write (a lost reply, or a request that
				 * arrived after we gave up on it) */
	SYNC_READ_CHANGED,	/* the same resource, changed by another */
	SYNC_READ_UNKNOWN,	/* not a resource of our type and id: no
				 * answer about it at all */
};

/*
 * Compares the body of a read back with ours and with the hash of what
 * was last acknowledged (sync_body_hash; NULL or "" if none).  *version
 * gets the server's meta.versionId if well-formed, else NULL (the caller
 * frees).
 */
enum sync_read sync_read_back(const char *body, size_t body_len,
    json_t *ours, const char *acked_hash, char **version);

/* ---- the engine (engine.c) ------------------------------------------- */

/* For the tests: whether a reply is being read in the thread pool (the
 * engine then waits for it before it goes on). */
bool sync_engine_reading(const struct sync_engine *e);
/* For the tests: how many times the log has been synced in the thread
 * pool after rows were marked sent. */
size_t sync_engine_log_syncs(const struct sync_engine *e);

/* ---- HTTP over libcurl multi + libuv (http.c) ------------------------ */

struct sync_http;

struct sync_reply {
	int curl_code;		/* CURLcode; 0 when the exchange completed */
	long status;		/* HTTP status; 0 if none */
	int64_t retry_after_s;	/* Retry-After, 0 if absent */
	char *body;		/* NUL-terminated; never NULL */
	size_t body_len;
	char error[256];	/* curl's reason when curl_code != 0 */
};

typedef void (*sync_http_cb)(void *ctx, const struct sync_reply *reply);

/*
 * A client on loop.  Loads libcurl first if nothing has (curlload.h):
 * NULL with a one-line reason in err if it cannot be loaded or started.
 * DESTRUCTOR: sync_http_close.
 */
struct sync_http *sync_http_new(uv_loop_t *loop,
    const struct sync_config *cfg, char *err, size_t errlen);

/*
 * Starts one request: method "GET", "POST" or "PUT"; url relative to the
 * base URL ("" for the base itself, "Task/ID"); body may be NULL.  The
 * Authorization header is made from the token file now and zeroed after.
 * cb is called once, on the loop, unless the client is closed first.
 * 0 ok; -1 with a reason (then cb is not called).
 */
int sync_http_request(struct sync_http *h, const char *method,
    const char *url, const char *body, const char *if_match, sync_http_cb cb,
    void *ctx, char *err, size_t errlen);

/* Requests in flight. */
int sync_http_active(const struct sync_http *h);

/* Aborts the requests (their callbacks are not called) and closes the
 * handles; the memory is freed in the close callbacks, after which
 * done(ctx) is called (done may be NULL). */
void sync_http_close(struct sync_http *h, void (*done)(void *ctx),
    void *ctx);

/* Whether this libcurl resolves names without blocking (false before a
 * client has loaded it). */
bool sync_http_async_dns(void);

#endif
