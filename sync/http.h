/*
 * http.h - the small HTTP client over libcurl's multi interface and
 * libuv (http.c).
 */
#ifndef MDT_SYNC_HTTP_H
#define MDT_SYNC_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "sync.h"

struct sync_http;

struct sync_reply {
	int curl_code;		/* CURLcode; 0 when the exchange completed */
	long status;		/* HTTP status; 0 if none */
	int64_t retry_after_s;	/* Retry-After, 0 if absent */
	char *body;		/* NUL-terminated; never NULL */
	size_t body_len;
	char error[256];	/* curl's reason when curl_code != 0 */
	bool too_big;		/* the server answered, but its reply was
				 * over max_response_bytes and not read */
	char date[40];		/* the reply's Date header; "" if none */
	int64_t bytes_in;	/* headers and body received */
	int64_t bytes_out;	/* the request's headers and body sent */
};

typedef void (*sync_http_cb)(void *ctx, const struct sync_reply *reply);

/* A copy of a reply (its body too), to keep past its callback.
 * DESTRUCTOR: sync_reply_free. */
struct sync_reply *sync_reply_copy(const struct sync_reply *r);
void sync_reply_free(struct sync_reply *r);

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

/*
 * For a caller that reads on a loop of its own (verify, pull): a client
 * on loop made *h, first(ctx) called to make the first request, then the
 * loop run until *done; the client is closed and its handles let close.
 * False with the reason in err when there is no client ("sync is not
 * configured", with no [server], or the reason of sync_http_new) or when
 * the loop ran out first ("WHAT stopped before the end").
 */
bool sync_http_read(uv_loop_t *loop, const struct sync_config *cfg,
    struct sync_http **h, void (*first)(void *ctx), void *ctx,
    const bool *done, const char *what, char *err, size_t errlen);

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
