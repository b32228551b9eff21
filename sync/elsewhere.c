/*
 * elsewhere.c - the discussions of the next meeting's patients at
 * meetings not held on this laptop, read back from the central record
 * (sync.h, sync_pull_elsewhere): for the patients on the agenda of the
 * next planned meeting, 40 a search, by the standard search
 *
 *   Encounter?patient.identifier=<nhs-number system>|<n>,...
 *     &type=<mdt-encounter>|discussion&_lastUpdated=gt<time>
 *     &_include=Encounter:part-of&_revinclude=Observation:encounter
 *     &_revinclude=Task:encounter&_include=Encounter:subject
 *     &_revinclude:iterate=CarePlan:subject&_count=100
 *
 * each search followed through its next pages under base_url only.  The
 * meeting (its day, title and venue), the outcome, the open actions and
 * the patient's joined-up plan come with each discussion.  Nothing is kept until every page of every
 * search has come and was well formed; then everything is kept
 * (core/elsewhere.c) in one transaction with the time of this read, so a
 * page lost, a 5xx half-way or a kill leaves the store as it was.  Only
 * resources of ours (restore's rw_ours) are read; a discussion held on
 * this laptop (its slot's uuid) is left out.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "engine.h"
#include "fhir.h"
#include "http.h"
#include "mdt.h"
#include "reply.h"
#include "restore.h"
#include "rstring.h"
#include "sync.h"
#include "sync_config.h"
#include "text.h"
#include "util.h"

/* Patients a search (a URL of about 2 KB), the page size asked for, and
 * the pages of one search at most. */
#define ELSEWHERE_IDS 40
#define ELSEWHERE_COUNT 100
#define ELSEWHERE_PAGES 200
/* The most open actions whose text is kept of one discussion. */
#define ELSEWHERE_ACTIONS 20

static const char *(*const str)(json_t *, const char *, const char *) =
    sync_json_str;

struct ew {
	const struct sync_config *cfg;
	struct sync_http *http;
	struct sync_elsewhere_result *out;
	struct mdt_elsewhere_patient *p;
	size_t np, next;	/* the patients; the first not searched */
	int pages;
	json_t *got;		/* "Type/id" -> each resource read */
	json_t *matches;	/* the discussions' keys, in order */
	int64_t first_date;	/* the first reply's Date, ms; 0: none */
	bool done;
	bool started;		/* begun on the engine's loop: done_cb told */
	void (*done_cb)(void *ctx);
	void *done_ctx;
};

static void next_search(struct ew *e);

/* Every page has come, or the read stopped: told once it has begun. */
static void
finish(struct ew *e)
{
	e->done = true;
	if (e->started && e->done_cb != NULL)
		e->done_cb(e->done_ctx);
}

static void
stop(struct ew *e, const char *what, const char *why)
{
	snprintf(e->out->error, sizeof(e->out->error), "%s%s", what, why);
	finish(e);
}

static void
on_page(void *ctx, const struct sync_reply *reply)
{
	struct ew *e = ctx;
	json_t *bundle, *en;
	const char *next;
	bool elsewhere;
	size_t i;
	char err[512];

	e->out->requests++;
	e->out->bytes += reply->bytes_in + reply->bytes_out;
	if ((bundle = sync_search_page(reply, err, sizeof(err))) == NULL) {
		stop(e, err, "");
		return;
	}
	if (e->first_date == 0 && !sync_http_date_ms(reply->date,
	    &e->first_date))
		e->first_date = 0;
	json_array_foreach(json_object_get(bundle, "entry"), i, en) {
		json_t *r = json_object_get(en, "resource");
		const char *type = str(r, "resourceType", NULL);
		const char *id = str(r, "id", NULL);
		const char *mode = str(en, "search", "mode");
		char *key;

		if (type == NULL || id == NULL || (mode != NULL &&
		    strcmp(mode, "outcome") == 0))
			continue;	/* the server's words on the search */
		key = mdt_xasprintf("%s/%s", type, id);
		if (strcmp(type, "Encounter") == 0 && (mode == NULL ||
		    strcmp(mode, "match") == 0)) {
			if (json_object_get(e->got, key) != NULL &&
			    json_object_get(json_object_get(e->got, key),
			    "partOf") != NULL) {
				free(key);
				json_decref(bundle);
				stop(e, "the central record's pages changed while"
				    " they were read (a discussion came twice);"
				    " nothing was taken, pull again", "");
				return;
			}
			json_array_append_new(e->matches, json_string(key));
		}
		json_object_set(e->got, key, r);
		free(key);
	}
	/* (a stop may end the job on the engine's loop: nothing of e is
	 * touched after one) */
	next = sync_next_page(sync_config_base_url(e->cfg), bundle,
	    &elsewhere);
	if (elsewhere) {
		json_decref(bundle);
		stop(e, "the central record's next page is not under base_url;"
		    " not followed", "");
		return;
	}
	if (next != NULL && ++e->pages > ELSEWHERE_PAGES) {
		json_decref(bundle);
		stop(e, "the central record's search has more than 200 pages;"
		    " not followed", "");
		return;
	}
	if (next != NULL) {
		int rc = sync_http_request(e->http, "GET", next, NULL, NULL,
		    on_page, e, err, sizeof(err));

		json_decref(bundle);
		if (rc != 0)
			stop(e, "", err);
		return;
	}
	json_decref(bundle);
	next_search(e);
}

/* The next patients, at most 40 read last at the same time: a search for
 * their discussions changed since; none left: done. */
static void
next_search(struct ew *e)
{
	struct sync_buf url = { 0 };
	int64_t since;
	size_t i;
	char err[256], when[32], tail[256];

	if (e->next >= e->np) {
		finish(e);
		return;
	}
	since = e->p[e->next].since;
	sync_buf_str(&url, "Encounter?patient.identifier=");
	for (i = e->next; i < e->np && i < e->next + ELSEWHERE_IDS &&
	    e->p[i].since == since; i++) {
		if (i > e->next)
			sync_buf_str(&url, ",");
		sync_buf_str(&url, SYNC_NHS_NUMBER_SYSTEM "%7C");
		sync_buf_str(&url, e->p[i].nhs_number);
	}
	e->out->patients += (int64_t)(i - e->next);
	e->next = i;
	sync_buf_str(&url, "&type=" RW_CS "mdt-encounter%7Cdiscussion");
	if (since > 0) {
		sync_instant_str(since, when);
		sync_buf_str(&url, "&_lastUpdated=gt");
		sync_buf_str(&url, when);
	}
	snprintf(tail, sizeof(tail), "&_include=Encounter:part-of"
	    "&_revinclude=Observation:encounter&_revinclude=Task:encounter"
	    "&_include=Encounter:subject&_revinclude:iterate=CarePlan:subject"
	    "&_count=%d", ELSEWHERE_COUNT);
	sync_buf_str(&url, tail);
	e->pages = 0;
	if (sync_http_request(e->http, "GET", url.s, NULL, NULL, on_page, e,
	    err, sizeof(err)) != 0)
		stop(e, "", err);
	free(url.s);
}

static void
first_search(void *ctx)
{
	next_search(ctx);
}

/* ---- what came, as the store keeps it -------------------------------- */

/* Whether ref names the discussion id. */
static bool
refers_to(const struct rw *w, json_t *ref, const char *id)
{
	const char *to = rw_ref_id(w, ref, "Encounter");

	return to != NULL && strcmp(to, id) == 0;
}

/* The latest outcome of the discussion id, and its open actions. */
static void
outcome_and_actions(struct ew *e, const struct rw *w, const char *id,
    struct mdt_elsewhere_in *d, struct sync_buf *actions)
{
	const char *key;
	json_t *r;
	int64_t latest = -1;

	json_object_foreach(e->got, key, r) {
		const char *type = str(r, "resourceType", NULL);
		const char *status = str(r, "status", NULL);

		if (!rw_ours(r) || status == NULL || !refers_to(w,
		    json_object_get(r, "encounter"), id))
			continue;
		if (strcmp(type, "Observation") == 0 && strcmp(status,
		    "entered-in-error") != 0 && rw_outcome_kind(r) != NULL &&
		    rw_ms(str(r, "effectiveDateTime", NULL)) > latest) {
			latest = rw_ms(str(r, "effectiveDateTime", NULL));
			d->outcome_kind = rw_outcome_kind(r);
			d->outcome_text = str(r, "valueCodeableConcept", "text");
		} else if (strcmp(type, "Task") == 0 && strcmp(status,
		    "requested") == 0 && str(r, "description", NULL) != NULL) {
			if (d->open_actions++ < ELSEWHERE_ACTIONS) {
				if (actions->s != NULL)
					sync_buf_str(actions, "\n");
				sync_buf_str(actions, str(r, "description",
				    NULL));
			}
		}
	}
}

/* The patient's joined-up plan (a CarePlan of ours on the patient the
 * discussion r names), in a line: "active: next review 2027-01-10", into
 * plan; NULL if the record holds none. */
static const char *
plan_of(struct ew *e, const struct rw *w, json_t *r, struct sync_buf *plan)
{
	const char *patient = rw_ref_id(w, json_object_get(r, "subject"),
	    "Patient"), *key, *to;
	json_t *cp;

	json_object_foreach(e->got, key, cp)
		if (patient != NULL && strncmp(key, "CarePlan/", 9) == 0 &&
		    rw_ours(cp) && (to = rw_ref_id(w, json_object_get(cp,
		    "subject"), "Patient")) != NULL &&
		    strcmp(to, patient) == 0 && str(cp, "status", NULL) !=
		    NULL) {
			sync_buf_str(plan, str(cp, "status", NULL));
			if (str(cp, "description", NULL) != NULL) {
				sync_buf_str(plan, ": ");
				sync_buf_str(plan, str(cp, "description", NULL));
			}
			return plan->s;
		}
	return NULL;
}

/* The discussion r, if it is one of ours well formed, into d (its text
 * pointing into what was read; its day and actions into day and
 * actions); false if not. */
static bool
discussion(struct ew *e, const struct rw *w, json_t *r,
    struct mdt_elsewhere_in *d, char day[11], struct sync_buf *actions,
    struct sync_buf *plan)
{
	json_t *m = rw_got(w, "Encounter", rw_ref_id(w, json_object_get(r,
	    "partOf"), "Encounter"));
	json_t *ident = json_object_get(json_object_get(r, "subject"),
	    "identifier");
	const char *status = str(r, "status", NULL);
	int64_t when = rw_ms(str(m, "period", "start"));

	memset(d, 0, sizeof(*d));
	if (!rw_ours(r) || status == NULL || strcmp(status,
	    "entered-in-error") == 0 || strcmp(status, "cancelled") == 0 ||
	    str(r, "meta", "versionId") == NULL || str(ident, "system",
	    NULL) == NULL || strcmp(str(ident, "system", NULL),
	    SYNC_NHS_NUMBER_SYSTEM) != 0)
		return false;
	if (when == 0)
		when = rw_ms(str(r, "period", "start"));
	if (when == 0)
		return false;
	mdt_date_of(when, day);
	d->encounter = str(r, "id", NULL);
	d->version = str(r, "meta", "versionId");
	d->nhs_number = str(ident, "value", NULL);
	d->day = day;
	d->venue = str(json_object_get(json_array_get(json_object_get(m,
	    "location"), 0), "location"), "display", NULL);
	outcome_and_actions(e, w, d->encounter, d, actions);
	d->actions = actions->s;
	d->plan = plan_of(e, w, r, plan);
	return true;
}

static void
keep(struct ew *e, struct mdt_store *s)
{
	size_t n = json_array_size(e->matches), k = 0, i;
	struct mdt_elsewhere_in *d = mdt_xcalloc(n + 1, sizeof(*d));
	struct sync_buf *actions = mdt_xcalloc(n + 1, sizeof(*actions));
	struct sync_buf *plans = mdt_xcalloc(n + 1, sizeof(*plans));
	char (*days)[11] = mdt_xcalloc(n + 1, sizeof(*days));
	char **titles = mdt_xcalloc(n + 1, sizeof(*titles));
	int64_t *ids = mdt_xcalloc(e->np + 1, sizeof(*ids)), since = 0;
	struct rw w = { .base = sync_config_base_url(e->cfg), .got = e->got };
	const char *key;
	json_t *r;

	/* what comes back is made R4 text, as what goes out is */
	json_object_foreach(e->got, key, r)
		sync_rstring_clean(r);
	for (i = 0; i < n; i++) {
		r = json_object_get(e->got, json_string_value(json_array_get(
		    e->matches, i)));
		if (!discussion(e, &w, r, &d[k], days[k], &actions[k],
		    &plans[k])) {
			e->out->skipped++;
			continue;
		}
		titles[k] = rw_meeting_title(rw_got(&w, "Encounter", rw_ref_id(
		    &w, json_object_get(r, "partOf"), "Encounter")),
		    d[k].venue);
		d[k].meeting = titles[k];
		k++;
	}
	for (i = 0; i < e->np; i++)
		ids[i] = e->p[i].id;
	/* the time read to: a second before the server's first answer */
	if (e->first_date > 0)
		since = e->first_date - 1000;
	if (mdt_elsewhere_apply(s, d, k, ids, e->np, since,
	    &e->out->kept) != MDT_OK)
		stop(e, "cannot keep what the record says: ",
		    mdt_store_error(s));
	for (i = 0; i < n; i++) {
		free(actions[i].s);
		free(plans[i].s);
		free(titles[i]);
	}
	mdt_free_each(6, d, actions, plans, days, titles, ids);
}

/* The patients to read for made, and what the read gathers; false
 * (out->error) if the store cannot say, or true with none to read. */
static bool
ew_init(struct ew *e, struct mdt_store *s, const struct sync_config *cfg,
    struct sync_elsewhere_result *out)
{
	memset(out, 0, sizeof(*out));
	e->cfg = cfg;
	e->out = out;
	if (mdt_elsewhere_patients(s, &e->p, &e->np) != MDT_OK) {
		snprintf(out->error, sizeof(out->error), "%s",
		    mdt_store_error(s));
		return false;
	}
	e->got = json_object();
	e->matches = json_array();
	return true;
}

static void
ew_free(struct ew *e)
{
	json_decref(e->got);
	json_decref(e->matches);
	free(e->p);
}

int
sync_pull_elsewhere(uv_loop_t *loop, struct mdt_store *s,
    const struct sync_config *cfg, struct sync_elsewhere_result *out)
{
	struct ew e = { 0 };

	if (!ew_init(&e, s, cfg, out))
		return -1;
	/* all or nothing: kept only when every page came */
	if (e.np > 0 && sync_http_read(loop, cfg, &e.http, first_search, &e,
	    &e.done, "the read of the discussions elsewhere", out->error,
	    sizeof(out->error)) && out->error[0] == '\0')
		keep(&e, s);
	ew_free(&e);
	return out->error[0] == '\0' ? 0 : -1;
}

struct sync_elsewhere_job {
	struct ew e;
	struct mdt_store *s;
	struct sync_elsewhere_result res;
};

struct sync_elsewhere_job *
sync_elsewhere_begin(struct sync_http *h, struct mdt_store *s,
    const struct sync_config *cfg, void (*done)(void *ctx), void *ctx)
{
	struct sync_elsewhere_job *j = mdt_xcalloc(1, sizeof(*j));

	j->s = s;
	j->e.http = h;
	j->e.done_cb = done;
	j->e.done_ctx = ctx;
	if (!ew_init(&j->e, s, cfg, &j->res) || j->e.np == 0) {
		j->e.done = true;
		return j;
	}
	next_search(&j->e);
	j->e.started = true;
	return j;
}

bool
sync_elsewhere_finished(const struct sync_elsewhere_job *j)
{
	return j->e.done;
}

int
sync_elsewhere_end(struct sync_elsewhere_job *j,
    struct sync_elsewhere_result *out)
{
	int rc;

	if (!j->e.done)
		snprintf(j->res.error, sizeof(j->res.error), "the read of the"
		    " discussions elsewhere stopped before the end");
	else if (j->res.error[0] == '\0' && j->e.np > 0) {
		j->e.done_cb = NULL;	/* being ended: told no more */
		keep(&j->e, j->s);
	}
	ew_free(&j->e);
	rc = j->res.error[0] == '\0' ? 0 : -1;
	if (out != NULL)
		*out = j->res;
	free(j);
	return rc;
}
