/*
 * pull.c - the central record read back (sync.h, sync_pull): for the
 * actions the record has, open here or with a change not yet sent, their
 * Tasks that changed since the last pull, by the standard search
 * Task?_id=a,b,...&_lastUpdated=gt<time>, 40 ids a search, each search
 * followed through its next pages; after a first pull, asked only once
 * Task?_lastUpdated=gt<time>&_summary=count has said some Task changed.  Nothing is applied until every page
 * of every search has come and was well formed; then everything is
 * merged (core/pull.c) in one transaction with the time of this pull, so
 * a page lost, a 5xx half-way or a kill leaves the store as it was and
 * the next pull reads the same again.  The time remembered is the
 * server's: the latest meta.lastUpdated read, but never later than a
 * second before the Date of the first reply, so that a Task changed
 * while the searches ran is read again next time (read twice, it merges
 * once: its version is known).  `mdtchair sync` runs a loop of its own
 * until the last page (sync_pull); the console's engine begins a pull on
 * its loop with its own client and is told when the last page has come
 * (sync_pull_begin, engine.h), so that nothing waits on the network.  A
 * pull that stops has its reason remembered for `mdtchair status`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <uv.h>

#include "engine.h"
#include "http.h"
#include "mdt.h"
#include "reply.h"
#include "rstring.h"
#include "sync.h"
#include "sync_config.h"
#include "text.h"
#include "util.h"

/* Ids per search (a URL of about 2 KB), and the page size asked for: one
 * page a search unless the server pages smaller. */
#define PULL_IDS 40
#define PULL_COUNT 100
/* Pages of one search, at most: a server that pages for ever is not
 * followed for ever. */
#define PULL_PAGES 200

struct sync_pull_job {
	struct mdt_store *s;
	const struct sync_config *cfg;
	struct sync_http *http;
	struct sync_pull_result *out;
	int64_t since;		/* the last pull's time; 0: none */
	char ids[PULL_IDS][37];	/* this search's actions */
	size_t n;
	char after[37];		/* the last id searched */
	int pages;		/* of this search */
	json_t *tasks;		/* every Task read, in order */
	json_t *seen;		/* ids read in this search: a repeat means
				 * the pages moved under us */
	int64_t max_seen;	/* latest meta.lastUpdated read */
	int64_t first_date;	/* the first reply's Date, ms; 0: none */
	bool done;
	bool started;		/* begun: done_cb may be called */
	void (*done_cb)(void *ctx);
	void *done_ctx;
	struct sync_pull_result res;	/* *out, for a pull on the loop */
	/* the Tasks as the store takes them, made once every page has
	 * come; merged in parts on the engine's loop (sync_pull_merge_part) */
	struct mdt_record_task *t;
	char **notes;
	size_t nt, merged_n;
	int64_t since_new;	/* the time this pull remembers; 0: as was */
	bool prepared, merged;
};

/* ---- one search, its pages ------------------------------------------- */

static void next_search(void *ctx);

/* Every page has come, or the pull stopped: told once it has begun (the
 * caller may then end it). */
static void
finish(struct sync_pull_job *p)
{
	p->done = true;
	if (p->started && p->done_cb != NULL)
		p->done_cb(p->done_ctx);
}

static void
stop(struct sync_pull_job *p, const char *what, const char *why)
{
	snprintf(p->out->error, sizeof(p->out->error), "%s%s", what, why);
	finish(p);
}

/* Whether id is one this search asked for. */
static bool
asked(const struct sync_pull_job *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->ids[i], id) == 0)
			return true;
	return false;
}

/* A Task of the reply kept, if well formed; false (and the pull
 * stopped) if not. */
static bool
keep_task(struct sync_pull_job *p, json_t *r)
{
	const char *id = sync_json_str(r, "id", NULL);
	int64_t lu;

	if (id == NULL || !asked(p, id))
		return true;	/* not ours: left alone */
	if (sync_json_str(r, "meta", "versionId") == NULL ||
	    !sync_instant_ms(sync_json_str(r, "meta", "lastUpdated"), &lu) ||
	    sync_json_str(r, "status", NULL) == NULL) {
		stop(p, "the central record's answer is not well formed: a"
		    " Task has no meta.versionId, meta.lastUpdated or status",
		    "");
		return false;
	}
	if (json_object_get(p->seen, id) != NULL) {
		stop(p, "the central record's pages changed while they were"
		    " read (a Task came twice); nothing was taken, pull again",
		    "");
		return false;
	}
	json_object_set_new(p->seen, id, json_true());
	if (lu > p->max_seen)
		p->max_seen = lu;
	json_array_append(p->tasks, r);
	return true;
}

static void
on_page(void *ctx, const struct sync_reply *reply)
{
	struct sync_pull_job *p = ctx;
	json_t *bundle, *e;
	const char *next;
	bool elsewhere;
	size_t i;
	char err[256];

	p->out->requests++;
	p->out->bytes += reply->bytes_in + reply->bytes_out;
	if ((bundle = sync_search_page(reply, err, sizeof(err))) == NULL) {
		stop(p, err, "");
		return;
	}
	if (p->first_date == 0 && !sync_http_date_ms(reply->date, &p->first_date))
		p->first_date = 0;
	json_array_foreach(json_object_get(bundle, "entry"), i, e) {
		json_t *r = json_object_get(e, "resource");

		if (!json_is_object(r) || strcmp(sync_json_str(r, "resourceType",
		    NULL) != NULL ? sync_json_str(r, "resourceType", NULL) : "",
		    "Task") != 0)
			continue;	/* an OperationOutcome, an include */
		if (!keep_task(p, r)) {
			json_decref(bundle);
			return;
		}
	}
	next = sync_next_page(sync_config_base_url(p->cfg), bundle,
	    &elsewhere);
	if (elsewhere) {
		json_decref(bundle);
		stop(p, "the central record's next page is not under base_url;"
		    " not followed", "");
		return;
	}
	if (next != NULL) {
		if (++p->pages > PULL_PAGES)
			stop(p, "the central record's search has more than 200"
			    " pages; not followed", "");
		else if (sync_http_request(p->http, "GET", next, NULL, NULL,
		    on_page, p, err, sizeof(err)) != 0)
			stop(p, "", err);
		json_decref(bundle);
		return;
	}
	json_decref(bundle);
	next_search(p);
}

/* The next 40 actions of the pull ctx: a search for their Tasks changed
 * since the last pull; none left: done. */
static void
next_search(void *ctx)
{
	struct sync_pull_job *p = ctx;
	struct sync_buf url = { 0 };
	char err[256], since[32], tail[96];

	if (mdt_pull_ids(p->s, p->after, p->ids, PULL_IDS, &p->n) != MDT_OK) {
		stop(p, "cannot read the actions: ", mdt_store_error(p->s));
		return;
	}
	if (p->n == 0) {
		finish(p);
		return;
	}
	p->out->actions += (int64_t)p->n;
	mdt_strlcpy(p->after, p->ids[p->n - 1], sizeof(p->after));
	p->pages = 0;
	json_object_clear(p->seen);
	sync_buf_str(&url, "Task?_id=");
	for (size_t i = 0; i < p->n; i++) {
		if (i > 0)
			sync_buf_str(&url, ",");
		sync_buf_str(&url, p->ids[i]);
	}
	if (p->since > 0) {
		sync_instant_str(p->since, since);
		sync_buf_str(&url, "&_lastUpdated=gt");
		sync_buf_str(&url, since);
	}
	snprintf(tail, sizeof(tail), "&_sort=_lastUpdated&_count=%d",
	    PULL_COUNT);
	sync_buf_str(&url, tail);
	if (sync_http_request(p->http, "GET", url.s, NULL, NULL, on_page, p,
	    err, sizeof(err)) != 0)
		stop(p, "", err);
	free(url.s);
}

/* The answer to whether any Task changed since the last pull: none, and
 * the pull is done in this one request (the actions still counted, and
 * the pull remembered); some, or a server that cannot count, and the
 * searches by id follow. */
static void
on_count(void *ctx, const struct sync_reply *reply)
{
	struct sync_pull_job *p = ctx;
	json_t *bundle, *total;
	char err[256];

	p->out->requests++;
	p->out->bytes += reply->bytes_in + reply->bytes_out;
	/* a server that does not count (4xx, 501) is asked by id; one
	 * that cannot be reached, fails (5xx) or answers 200 with what is
	 * not a Bundle stops the pull as a search would */
	if (reply->curl_code == 0 && !reply->too_big && reply->status != 200 &&
	    (reply->status < 500 || reply->status == 501)) {
		next_search(p);
		return;
	}
	if ((bundle = sync_search_page(reply, err, sizeof(err))) == NULL) {
		stop(p, err, "");
		return;
	}
	total = json_object_get(bundle, "total");
	if (!json_is_integer(total) || json_integer_value(total) != 0) {
		json_decref(bundle);
		next_search(p);
		return;
	}
	json_decref(bundle);
	for (;;) {
		if (mdt_pull_ids(p->s, p->after, p->ids, PULL_IDS, &p->n) !=
		    MDT_OK) {
			stop(p, "cannot read the actions: ",
			    mdt_store_error(p->s));
			return;
		}
		if (p->n == 0)
			break;
		p->out->actions += (int64_t)p->n;
		mdt_strlcpy(p->after, p->ids[p->n - 1], sizeof(p->after));
	}
	finish(p);
}

/* The pull ctx begun: after a pull, first one small question, whether
 * any Task changed since (Task?_lastUpdated=gt<time>&_summary=count, both
 * standard in R4), so that an unchanged record costs one request however
 * many actions are open; the first pull searches at once. */
static void
first_request(void *ctx)
{
	struct sync_pull_job *p = ctx;
	char url[128], since[32], err[256];

	if (p->since <= 0) {
		next_search(p);
		return;
	}
	sync_instant_str(p->since, since);
	snprintf(url, sizeof(url), "Task?_lastUpdated=gt%s&_summary=count",
	    since);
	if (sync_http_request(p->http, "GET", url, NULL, NULL, on_count, p,
	    err, sizeof(err)) != 0)
		stop(p, "", err);
}

/* ---- merging what came ----------------------------------------------- */

char *
sync_task_note(json_t *r)
{
	json_t *notes = json_object_get(r, "note");
	json_t *n = json_array_get(notes, json_array_size(notes) - 1);
	const char *text = sync_json_str(n, "text", NULL);
	const char *by = sync_json_str(n, "authorString", NULL);

	if (by == NULL)
		by = sync_json_str(n, "authorReference", "display");
	if (text == NULL)
		return NULL;
	return by != NULL ? mdt_xasprintf("%s: %s", by, text) :
	    mdt_xstrdup(text);
}

/* The Tasks read made what the store takes, and the time this pull will
 * remember: the latest meta.lastUpdated read, but never later than a
 * second before the first reply's Date, nor back past the last pull. */
static void
prepare(struct sync_pull_job *p)
{
	size_t n = json_array_size(p->tasks), i;
	json_t *r;

	p->t = mdt_xcalloc(n + 1, sizeof(*p->t));
	p->notes = mdt_xcalloc(n + 1, sizeof(*p->notes));
	p->nt = n;
	p->prepared = true;
	json_array_foreach(p->tasks, i, r) {
		struct mdt_record_task *t = &p->t[i];

		/* what comes back is made R4 text, as what goes out is: no
		 * control or bidirectional character reaches the store */
		sync_rstring_clean(r);
		t->id = sync_json_str(r, "id", NULL);
		t->version = sync_json_str(r, "meta", "versionId");
		t->status = sync_json_str(r, "status", NULL);
		sync_instant_ms(sync_json_str(r, "meta", "lastUpdated"),
		    &t->last_updated);
		if (!sync_instant_ms(sync_json_str(r, "lastModified", NULL),
		    &t->modified))
			t->modified = t->last_updated;
		t->owner = sync_json_str(r, "owner", "display");
		if (t->owner == NULL)
			t->owner = sync_json_str(r, "owner", "reference");
		t->note = p->notes[i] = sync_task_note(r);
	}
	if (n > 0) {
		p->since_new = p->max_seen;
		if (p->first_date > 0 && p->first_date - 1000 < p->since_new)
			p->since_new = p->first_date - 1000;
		if (p->since_new <= p->since)
			p->since_new = 0;	/* never back past the last pull */
	}
}

static void
release(struct sync_pull_job *p)
{
	for (size_t i = 0; p->notes != NULL && i < p->nt; i++)
		free(p->notes[i]);
	free(p->notes);
	free(p->t);
	p->notes = NULL;
	p->t = NULL;
}

/* Every Task merged in one transaction with the time of this pull. */
static void
merge(struct sync_pull_job *p)
{
	if (!p->prepared)
		prepare(p);
	if (mdt_pull_apply(p->s, sync_config_base_url(p->cfg), p->t, p->nt,
	    p->since_new, p->out->requests, p->out->bytes,
	    &p->out->merged) != MDT_OK)
		snprintf(p->out->error, sizeof(p->out->error), "cannot take"
		    " what the record says: %s", mdt_store_error(p->s));
	p->merged = true;
	release(p);
}

bool
sync_pull_merge_part(struct sync_pull_job *p, size_t most)
{
	size_t n;

	if (!p->done || p->merged || p->out->error[0] != '\0')
		return true;
	if (!p->prepared) {
		prepare(p);
		memset(&p->out->merged, 0, sizeof(p->out->merged));
	}
	n = p->nt - p->merged_n < most ? p->nt - p->merged_n : most;
	if (n > 0 && mdt_pull_apply_part(p->s, sync_config_base_url(p->cfg),
	    p->t + p->merged_n, n, &p->out->merged) != MDT_OK) {
		snprintf(p->out->error, sizeof(p->out->error), "cannot take"
		    " what the record says: %s", mdt_store_error(p->s));
		p->merged = true;
		release(p);
		return true;
	}
	p->merged_n += n;
	if (p->merged_n < p->nt)
		return false;
	if (mdt_pull_apply_end(p->s, p->since_new, p->out->requests,
	    p->out->bytes, &p->out->merged) != MDT_OK)
		snprintf(p->out->error, sizeof(p->out->error), "cannot take"
		    " what the record says: %s", mdt_store_error(p->s));
	p->merged = true;
	release(p);
	return true;
}

/* A pull's state made: the time of the last pull read, the lists
 * made; false (out->error) if the store cannot say. */
static bool
job_init(struct sync_pull_job *p, struct mdt_store *s,
    const struct sync_config *cfg, struct sync_pull_result *out)
{
	memset(out, 0, sizeof(*out));
	p->s = s;
	p->cfg = cfg;
	p->out = out;
	if (mdt_pull_since(s, "Task", &p->since) != MDT_OK) {
		snprintf(out->error, sizeof(out->error), "%s",
		    mdt_store_error(s));
		return false;
	}
	p->tasks = json_array();
	p->seen = json_object();
	return true;
}

/* Every page came: merged (all or nothing); a pull that stopped has its
 * reason remembered as the last try's. */
static void
job_done(struct sync_pull_job *p)
{
	if (p->out->error[0] == '\0' && !p->merged) {
		if (p->merged_n == 0)
			merge(p);
		else	/* the rest of a merge begun in parts */
			while (!sync_pull_merge_part(p, (size_t)-1))
				;
	}
	if (p->out->error[0] != '\0')
		(void)mdt_pull_failed(p->s, p->out->error);
	release(p);
	json_decref(p->tasks);
	json_decref(p->seen);
}

int
sync_pull(uv_loop_t *loop, struct mdt_store *s,
    const struct sync_config *cfg, struct sync_pull_result *out)
{
	struct sync_pull_job p = { 0 };
	bool all;

	if (!job_init(&p, s, cfg, out))
		return -1;
	all = sync_http_read(loop, cfg, &p.http, first_request, &p, &p.done,
	    "the pull", out->error, sizeof(out->error));
	if (all || out->error[0] != '\0')
		job_done(&p);
	else {
		json_decref(p.tasks);
		json_decref(p.seen);
	}
	return out->error[0] == '\0' ? 0 : -1;
}

struct sync_pull_job *
sync_pull_begin(struct sync_http *h, struct mdt_store *s,
    const struct sync_config *cfg, void (*done)(void *ctx), void *ctx)
{
	struct sync_pull_job *p = mdt_xcalloc(1, sizeof(*p));

	p->http = h;
	p->done_cb = done;
	p->done_ctx = ctx;
	if (!job_init(p, s, cfg, &p->res)) {
		p->done = true;
		return p;
	}
	first_request(p);
	p->started = true;
	return p;
}

bool
sync_pull_finished(const struct sync_pull_job *p)
{
	return p->done;
}

int
sync_pull_end(struct sync_pull_job *p, struct sync_pull_result *out)
{
	int rc;

	if (p->tasks == NULL)
		;	/* never begun: the store could not say */
	else if (p->done)
		job_done(p);
	else {
		snprintf(p->res.error, sizeof(p->res.error), "the pull"
		    " stopped before the end");
		json_decref(p->tasks);
		json_decref(p->seen);
	}
	rc = p->res.error[0] == '\0' ? 0 : -1;
	if (out != NULL)
		*out = p->res;
	free(p);
	return rc;
}
