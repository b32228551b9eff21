/*
 * reply.h - what the central record's replies say (reply.c).
 */
#ifndef MDT_SYNC_REPLY_H
#define MDT_SYNC_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http.h"

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

/* One line saying what the server said: "HTTP 422: its words" (the
 * OperationOutcome's, if the body is one), else "HTTP 422". */
void sync_reply_describe(const struct sync_reply *reply, char *out,
    size_t len);

/* What a reply says of the exchange as a whole, apart from any one
 * resource. */
enum sync_exchange {
	SYNC_EXCHANGE_GO_ON,	/* its status is about the resources sent */
	SYNC_EXCHANGE_OFFLINE,	/* not reached, or busy or unavailable
				 * (429, 5xx): offline, try again later */
	SYNC_EXCHANGE_REFUSED,	/* reached, but refused as a whole (a
				 * redirect, our credentials, a status that
				 * is not about a resource): try again
				 * later */
};

/*
 * With reading, the reply to a read back (where 404 and 410 are answers
 * about the resource).  Unless GO_ON: why, one line, into what (len
 * bytes), and *retry_after_s the server's Retry-After where it counts
 * (else 0).
 */
enum sync_exchange sync_reply_exchange(const struct sync_reply *reply,
    bool reading, char *what, size_t len, int64_t *retry_after_s);

/* A FHIR instant ("2026-12-06T20:25:29.217Z", "...+01:00") in ms since
 * the epoch into *ms; false if s is not one. */
bool sync_instant_ms(const char *s, int64_t *ms);
/* An HTTP Date ("Sun, 06 Dec 2026 20:25:29 GMT") in ms into *ms; false
 * if s is not one.  ms as a search wants it ("2026-12-06T20:25:29.217Z"),
 * into out. */
bool sync_http_date_ms(const char *s, int64_t *ms);
void sync_instant_str(int64_t ms, char out[32]);

/* o.a (o.a.b when b is not NULL) when it is a string; else NULL. */
const char *sync_json_str(json_t *o, const char *a, const char *b);

/* A search's page: its Bundle (sync_reply_bundle; the caller
 * json_decrefs it), or NULL with why in err (the record not reached, a
 * status other than 200, an answer that is not a Bundle). */
json_t *sync_search_page(const struct sync_reply *reply, char *err,
    size_t len);

/* The latest note of a Task (pull.c): "author: text", or the text; NULL
 * if it has none.  The caller frees it. */
char *sync_task_note(json_t *task);

/* The reply's body if it is a search's answer: a JSON Bundle whose entry,
 * if any, is an array (the caller json_decrefs it); else NULL. */
json_t *sync_reply_bundle(const struct sync_reply *reply);

/* The Bundle's next page, relative to base (the base URL); NULL if it
 * has none, or if it is not under base (then *elsewhere: a next page
 * elsewhere is never followed, the token would go with it). */
const char *sync_next_page(const char *base, json_t *bundle,
    bool *elsewhere);

#endif
