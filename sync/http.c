/*
 * http.c - HTTPS requests on the program's libuv loop through libcurl's
 * multi interface, in the manner of curl's docs/examples/multi-uv.c: one
 * uv_poll_t per socket (made once, found again through curl_multi_assign),
 * one non-repeating uv_timer_t for curl's timeouts (0 ms becomes 1 ms, so
 * that curl is never called from inside its own callback), and
 * curl_multi_info_read drained after every action.  A poll error (status
 * < 0, e.g. UV_EBADF after a reset) is passed to curl as CURL_CSELECT_ERR.
 * We close curl's sockets ourselves (CURLOPT_CLOSESOCKETFUNCTION) so that
 * no socket is ever closed while libuv still polls it.  Memory held by a
 * handle is freed only in its close callback.
 *
 * Every transfer is HTTPS only, verifies the peer and its host name,
 * needs TLS 1.2 or later, follows no redirect and stops reading past the
 * configured response size.  The bearer token is read from its file for
 * each request and our copies are zeroed after use; nothing is logged.
 *
 * libcurl is not linked in: its functions come from curlload.c, loaded
 * by the first sync_http_new (or earlier, by the console's worker).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "curlload.h"
#include "http.h"
#include "sync_config.h"
#include "text.h"
#include "util.h"

struct sock_ctx {
	uv_poll_t poll;
	curl_socket_t fd;
	struct sync_http *h;
	bool closing;		/* uv_close called */
	struct sock_ctx *next;
};

struct transfer {
	struct sync_http *h;
	CURL *easy;
	struct curl_slist *headers;
	char *body;		/* request body (owned) */
	struct sync_buf resp;	/* the reply's body so far */
	bool too_big;
	char date[40];		/* the reply's Date header */
	sync_http_cb cb;
	void *ctx;
	char errbuf[CURL_ERROR_SIZE];
	struct transfer *next;
};

struct sync_http {
	uv_loop_t *loop;
	const struct sync_config *cfg;
	CURLM *multi;
	uv_timer_t timer;
	struct sock_ctx *socks;
	struct transfer *transfers;
	int open_handles;	/* timer + polls not yet closed */
	bool closing;
	void (*done)(void *ctx);
	void *done_ctx;
};

/* libcurl's functions: set by the first sync_http_new that loads them,
 * the same ever after; nothing else here runs before that. */
static const struct sync_curl *curl;

/*
 * curl_easy_setopt through a pointer has no type checks: each of these
 * passes the one type its options take (long, string, pointer, curl_off_t).
 */
static CURLcode
opt_long(CURL *e, CURLoption opt, long v)
{
	return curl->easy_setopt(e, opt, v);
}

static CURLcode
opt_str(CURL *e, CURLoption opt, const char *v)
{
	return curl->easy_setopt(e, opt, v);
}

static CURLcode
opt_ptr(CURL *e, CURLoption opt, void *v)
{
	return curl->easy_setopt(e, opt, v);
}

static CURLcode
opt_off(CURL *e, CURLoption opt, curl_off_t v)
{
	return curl->easy_setopt(e, opt, v);
}

bool
sync_http_async_dns(void)
{
	curl_version_info_data *d;

	if (curl == NULL)
		return false;
	d = curl->version_info(CURLVERSION_NOW);

	return d != NULL && (d->features & CURL_VERSION_ASYNCHDNS) != 0;
}

/* ---- closing --------------------------------------------------------- */

static void
maybe_done(struct sync_http *h)
{
	void (*done)(void *);
	void *ctx;

	if (!h->closing || h->open_handles > 0)
		return;
	done = h->done;
	ctx = h->done_ctx;
	free(h);
	curl->global_cleanup();
	if (done != NULL)
		done(ctx);
}

static void
on_sock_closed(uv_handle_t *handle)
{
	struct sock_ctx *sc = handle->data;
	struct sync_http *h = sc->h;
	struct sock_ctx **pp;

	for (pp = &h->socks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == sc) {
			*pp = sc->next;
			break;
		}
	free(sc);
	h->open_handles--;
	maybe_done(h);
}

static void
sock_close(struct sock_ctx *sc)
{
	if (sc->closing)
		return;
	sc->closing = true;
	uv_poll_stop(&sc->poll);
	uv_close((uv_handle_t *)&sc->poll, on_sock_closed);
}

static void
on_timer_closed(uv_handle_t *handle)
{
	struct sync_http *h = handle->data;

	h->open_handles--;
	maybe_done(h);
}

static void
transfer_free(struct transfer *t)
{
	struct curl_slist *l;

	/* the Authorization header is in here: zero it before freeing */
	for (l = t->headers; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl->slist_free_all(t->headers);
	free(t->body);
	free(t->resp.s);
	free(t);
}

/* ---- completed transfers --------------------------------------------- */

static void
unlink_transfer(struct sync_http *h, struct transfer *t)
{
	struct transfer **pp;

	for (pp = &h->transfers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			return;
		}
}

static void
check_done(struct sync_http *h)
{
	struct sync_reply reply;
	struct transfer *t;
	curl_off_t retry_after = 0;
	CURLcode result;
	CURLMsg *msg;
	CURL *easy;
	int left;

	while (!h->closing && (msg = curl->multi_info_read(h->multi,
	    &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		/* read everything from msg before removing the handle */
		easy = msg->easy_handle;
		result = msg->data.result;
		t = NULL;
		curl->easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
		memset(&reply, 0, sizeof(reply));
		reply.curl_code = (int)result;
		curl->easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &reply.status);
		if (curl->easy_getinfo(easy, CURLINFO_RETRY_AFTER,
		    &retry_after) == CURLE_OK && retry_after > 0)
			reply.retry_after_s = (int64_t)retry_after;
		{
			long hdr = 0, req = 0;

			curl->easy_getinfo(easy, CURLINFO_HEADER_SIZE, &hdr);
			curl->easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &req);
			reply.bytes_in = hdr;
			reply.bytes_out = req;
		}
		curl->multi_remove_handle(h->multi, easy);
		curl->easy_cleanup(easy);
		if (t == NULL)
			continue;
		reply.bytes_in += (int64_t)t->resp.n;
		memcpy(reply.date, t->date, sizeof(reply.date));
		t->easy = NULL;
		unlink_transfer(h, t);
		/* too big: counted as it came, or said so by its length */
		reply.too_big = t->too_big ||
		    result == CURLE_FILESIZE_EXCEEDED;
		if (reply.too_big)
			snprintf(reply.error, sizeof(reply.error),
			    "its reply was larger than max_response_bytes"
			    " (%ld bytes)", h->cfg->max_response_bytes);
		else if (result != CURLE_OK)
			snprintf(reply.error, sizeof(reply.error), "%s",
			    t->errbuf[0] != '\0' ? t->errbuf :
			    curl->easy_strerror(result));
		reply.body = t->resp.s != NULL ? t->resp.s : (char *)"";
		reply.body_len = t->resp.n;
		if (t->cb != NULL)
			t->cb(t->ctx, &reply);
		transfer_free(t);
	}
}

/* ---- curl's callbacks ------------------------------------------------ */

static void
on_poll(uv_poll_t *poll, int status, int events)
{
	struct sock_ctx *sc = poll->data;
	struct sync_http *h = sc->h;
	int flags = 0, running = 0;

	if (h->closing)
		return;
	if (status < 0)
		/* POLLERR/POLLHUP come as an error (UV_EBADF); libuv has
		 * stopped polling: let curl find out what happened */
		flags = CURL_CSELECT_ERR;
	else {
		if (events & UV_READABLE)
			flags |= CURL_CSELECT_IN;
		if (events & UV_WRITABLE)
			flags |= CURL_CSELECT_OUT;
	}
	curl->multi_socket_action(h->multi, sc->fd, flags, &running);
	check_done(h);
}

static void
on_timer(uv_timer_t *timer)
{
	struct sync_http *h = timer->data;
	int running = 0;

	if (h->closing)
		return;
	curl->multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(h);
}

static int
timer_fn(CURLM *multi, long timeout_ms, void *userp)
{
	struct sync_http *h = userp;

	(void)multi;
	if (h->closing)
		return 0;
	if (timeout_ms < 0)
		uv_timer_stop(&h->timer);
	else
		/* 0 means "now": on the loop's next turn, never from
		 * curl's own callback */
		uv_timer_start(&h->timer, on_timer, (uint64_t)timeout_ms, 0);
	return 0;
}

static int
socket_fn(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct sync_http *h = userp;
	struct sock_ctx *sc = socketp;
	int events = 0;

	(void)easy;
	switch (what) {
	case CURL_POLL_IN:
	case CURL_POLL_OUT:
	case CURL_POLL_INOUT:
		if (h->closing)
			return 0;
		if (sc == NULL || sc->closing) {
			sc = mdt_xcalloc(1, sizeof(*sc));
			sc->fd = fd;
			sc->h = h;
			if (uv_poll_init_socket(h->loop, &sc->poll, fd) != 0) {
				free(sc);
				return -1;
			}
			sc->poll.data = sc;
			sc->next = h->socks;
			h->socks = sc;
			h->open_handles++;
			curl->multi_assign(h->multi, fd, sc);
		}
		if (what != CURL_POLL_IN)
			events |= UV_WRITABLE;
		if (what != CURL_POLL_OUT)
			events |= UV_READABLE;
		uv_poll_start(&sc->poll, events, on_poll);
		break;
	case CURL_POLL_REMOVE:
		if (sc != NULL) {
			curl->multi_assign(h->multi, fd, NULL);
			sock_close(sc);
		}
		break;
	default:
		break;
	}
	return 0;
}

/* curl closes a socket: make sure libuv no longer polls it first. */
static int
closesocket_fn(void *clientp, curl_socket_t fd)
{
	struct sync_http *h = clientp;
	struct sock_ctx *sc;

	for (sc = h->socks; sc != NULL; sc = sc->next)
		if (sc->fd == fd && !sc->closing) {
			if (h->multi != NULL)
				curl->multi_assign(h->multi, fd, NULL);
			sock_close(sc);
		}
	return close(fd);
}

static size_t
write_fn(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t n = size * nmemb;

	if (t->resp.n + n > (size_t)t->h->cfg->max_response_bytes) {
		t->too_big = true;
		return 0;	/* aborts the transfer */
	}
	sync_buf_add(&t->resp, data, n);
	return n;
}

/* Each header line of the reply: the Date kept (the server's time, for
 * reading back only what changed since). */
static size_t
header_fn(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t n = size * nmemb, v;

	if (n > 5 && strncasecmp(data, "Date:", 5) == 0) {
		for (v = 5; v < n && (data[v] == ' ' || data[v] == '\t'); v++)
			;
		while (n > v && (data[n - 1] == '\r' || data[n - 1] == '\n' ||
		    data[n - 1] == ' '))
			n--;
		snprintf(t->date, sizeof(t->date), "%.*s", (int)(n - v),
		    data + v);
	}
	return size * nmemb;
}

/* ---- the client ------------------------------------------------------ */

struct sync_http *
sync_http_new(uv_loop_t *loop, const struct sync_config *cfg, char *err,
    size_t errlen)
{
	const struct sync_curl *fns;
	struct sync_http *h;

	if ((fns = sync_curl_load(err, errlen)) == NULL)
		return NULL;
	curl = fns;
	if (curl->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "cannot start libcurl");
		return NULL;
	}
	h = mdt_xcalloc(1, sizeof(*h));
	h->loop = loop;
	h->cfg = cfg;
	h->multi = curl->multi_init();
	if (h->multi == NULL) {
		free(h);
		curl->global_cleanup();
		snprintf(err, errlen, "cannot start libcurl");
		return NULL;
	}
	uv_timer_init(loop, &h->timer);
	h->timer.data = h;
	h->open_handles = 1;
	curl->multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_fn);
	curl->multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl->multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
	curl->multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return h;
}

int
sync_http_active(const struct sync_http *h)
{
	const struct transfer *t;
	int n = 0;

	for (t = h->transfers; t != NULL; t = t->next)
		n++;
	return n;
}

static int
set_tls(CURL *e, const struct sync_config *c)
{
	CURLcode rc = CURLE_OK;

#if LIBCURL_VERSION_NUM >= 0x075500	/* 7.85.0 */
	rc = opt_str(e, CURLOPT_PROTOCOLS_STR, "https");
	if (rc == CURLE_OK)
		rc = opt_str(e, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
	rc = opt_long(e, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
	if (rc == CURLE_OK)
		rc = opt_long(e, CURLOPT_REDIR_PROTOCOLS,
		    (long)CURLPROTO_HTTPS);
#endif
	if (rc == CURLE_OK)
		rc = opt_long(e, CURLOPT_FOLLOWLOCATION, 0L);
	if (rc == CURLE_OK)
		rc = opt_long(e, CURLOPT_SSL_VERIFYPEER, 1L);
	if (rc == CURLE_OK)
		rc = opt_long(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (rc == CURLE_OK)
		rc = opt_long(e, CURLOPT_SSLVERSION,
		    (long)CURL_SSLVERSION_TLSv1_2);
	if (rc == CURLE_OK && c->ca_file != NULL)
		rc = opt_str(e, CURLOPT_CAINFO, c->ca_file);
	if (rc == CURLE_OK && c->client_cert != NULL)
		rc = opt_str(e, CURLOPT_SSLCERT, c->client_cert);
	if (rc == CURLE_OK && c->client_key != NULL)
		rc = opt_str(e, CURLOPT_SSLKEY, c->client_key);
	return rc == CURLE_OK ? 0 : -1;
}

int
sync_http_request(struct sync_http *h, const char *method, const char *url,
    const char *body, const char *if_match, sync_http_cb cb, void *ctx,
    char *err, size_t errlen)
{
	const struct sync_config *c = h->cfg;
	struct curl_slist *l;
	struct transfer *t;
	char *full, token[8192], line[8300];
	CURL *e;
	bool ok = true;

	if (h->closing) {
		snprintf(err, errlen, "the sync engine is closing");
		return -1;
	}
	t = mdt_xcalloc(1, sizeof(*t));
	t->h = h;
	t->cb = cb;
	t->ctx = ctx;
	e = t->easy = curl->easy_init();
	if (e == NULL) {
		snprintf(err, errlen, "cannot start a request");
		free(t);
		return -1;
	}
	full = url[0] != '\0' ? mdt_xasprintf("%s/%s", c->base_url, url) :
	    mdt_xstrdup(c->base_url);
	ok = opt_str(e, CURLOPT_URL, full) == CURLE_OK;
	free(full);
	if (ok && set_tls(e, c) != 0)
		ok = false;
	if (!ok) {
		snprintf(err, errlen, "this libcurl lacks a required option");
		curl->easy_cleanup(e);
		free(t);
		return -1;
	}
	opt_long(e, CURLOPT_NOSIGNAL, 1L);
	opt_long(e, CURLOPT_CONNECTTIMEOUT, c->connect_timeout_s);
	opt_long(e, CURLOPT_TIMEOUT, c->timeout_s);
	opt_off(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)c->max_response_bytes);
	/* the callbacks have curl.h's curl_write_callback and
	 * curl_closesocket_callback types */
	curl->easy_setopt(e, CURLOPT_WRITEFUNCTION, write_fn);
	opt_ptr(e, CURLOPT_WRITEDATA, t);
	curl->easy_setopt(e, CURLOPT_HEADERFUNCTION, header_fn);
	opt_ptr(e, CURLOPT_HEADERDATA, t);
	opt_ptr(e, CURLOPT_ERRORBUFFER, t->errbuf);
	opt_ptr(e, CURLOPT_PRIVATE, t);
	curl->easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, closesocket_fn);
	opt_ptr(e, CURLOPT_CLOSESOCKETDATA, h);
	opt_str(e, CURLOPT_USERAGENT, "mdtchair/" PACKAGE_VERSION);

	l = curl->slist_append(NULL, "Accept: application/fhir+json");
	l = curl->slist_append(l, "Expect:");
	if (body != NULL) {
		l = curl->slist_append(l,
		    "Content-Type: application/fhir+json; charset=utf-8");
		/* the versions come in each entry's etag/location: no need to
		 * have every resource sent back */
		l = curl->slist_append(l, "Prefer: return=minimal");
	}
	if (if_match != NULL) {
		snprintf(line, sizeof(line), "If-Match: %s", if_match);
		l = curl->slist_append(l, line);
	}
	if (c->token_file != NULL) {
		if (sync_token_read(c->token_file, token, sizeof(token), err,
		    errlen) != 0) {
			explicit_bzero(token, sizeof(token));
			curl->slist_free_all(l);
			curl->easy_cleanup(e);
			free(t);
			return -1;
		}
		snprintf(line, sizeof(line), "Authorization: Bearer %s", token);
		l = curl->slist_append(l, line);
		explicit_bzero(token, sizeof(token));
		explicit_bzero(line, sizeof(line));
	}
	t->headers = l;
	opt_ptr(e, CURLOPT_HTTPHEADER, l);
	if (strcmp(method, "GET") == 0)
		opt_long(e, CURLOPT_HTTPGET, 1L);
	else {
		t->body = mdt_xstrdup(body != NULL ? body : "");
		opt_str(e, CURLOPT_POSTFIELDS, t->body);
		opt_off(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(t->body));
		if (strcmp(method, "POST") != 0)
			opt_str(e, CURLOPT_CUSTOMREQUEST, method);
	}
	t->next = h->transfers;
	h->transfers = t;
	if (curl->multi_add_handle(h->multi, e) != CURLM_OK) {
		unlink_transfer(h, t);
		curl->easy_cleanup(e);
		transfer_free(t);
		snprintf(err, errlen, "cannot start a request");
		return -1;
	}
	return 0;
}

struct sync_reply *
sync_reply_copy(const struct sync_reply *r)
{
	struct sync_reply *c = mdt_xmalloc(sizeof(*c));

	*c = *r;
	c->body = mdt_xmalloc(r->body_len + 1);
	memcpy(c->body, r->body, r->body_len);
	c->body[r->body_len] = '\0';
	return c;
}

void
sync_reply_free(struct sync_reply *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r);
}

void
sync_http_close(struct sync_http *h, void (*done)(void *ctx), void *ctx)
{
	struct transfer *t, *next;
	struct sock_ctx *sc;

	if (h == NULL || h->closing)
		return;
	h->closing = true;
	h->done = done;
	h->done_ctx = ctx;
	/* remove, then clean up, each transfer; then the multi handle,
	 * which may still call socket_fn for pooled connections */
	for (t = h->transfers; t != NULL; t = next) {
		next = t->next;
		if (t->easy != NULL) {
			curl->multi_remove_handle(h->multi, t->easy);
			curl->easy_cleanup(t->easy);
		}
		transfer_free(t);
	}
	h->transfers = NULL;
	curl->multi_cleanup(h->multi);
	h->multi = NULL;
	for (sc = h->socks; sc != NULL; sc = sc->next)
		sock_close(sc);
	uv_timer_stop(&h->timer);
	uv_close((uv_handle_t *)&h->timer, on_timer_closed);
}

bool
sync_http_read(uv_loop_t *loop, const struct sync_config *cfg,
    struct sync_http **h, void (*first)(void *ctx), void *ctx,
    const bool *done, const char *what, char *err, size_t errlen)
{
	if (cfg == NULL || !cfg->has_server) {
		snprintf(err, errlen, "sync is not configured");
		return false;
	}
	if ((*h = sync_http_new(loop, cfg, err, errlen)) == NULL)
		return false;
	first(ctx);
	while (!*done && uv_run(loop, UV_RUN_ONCE) != 0)
		;
	sync_http_close(*h, NULL, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	if (!*done)
		snprintf(err, errlen, "%s stopped before the end", what);
	return *done;
}

int
sync_prepare(char *err, size_t errlen)
{
	return sync_curl_load(err, errlen) != NULL ? 0 : -1;
}
