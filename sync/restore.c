/*
 * restore.c - a new database built from the central record (sync.h,
 * sync_restore): the meetings since a day (Encounter of type SNOMED CT
 * 384682003, date=ge), their discussions (Encounter partOf, with the
 * patient, the record, the outcome and the actions by _include and
 * _revinclude), the open actions of the patients discussed
 * (Task?patient=...&status=requested), the patients with their plans,
 * referrals, stays on the register and deaths (Patient?_id=... with
 * _revinclude), then every person, role, organisation, team, venue,
 * consent and goal they refer to, by _id, until nothing referred to is
 * missing.  Pages are followed only under
 * base_url.  Nothing is written until every read came whole and well
 * formed; then the store is made in a new file beside the one asked for
 * (0600, O_EXCL, O_NOFOLLOW), filled (restore_write.c) and linked into
 * place only if nothing is there: a failure, a 5xx, a dropped connection
 * or a kill leaves no database under the name asked for.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "http.h"
#include "mdt.h"
#include "reply.h"
#include "resource.h"
#include "restore.h"
#include "sync.h"
#include "sync_config.h"
#include "text.h"
#include "util.h"

/* Ids a search (a URL of about 2 KB), the page size asked for, and the
 * pages of one search at most. */
#define RESTORE_IDS 40
#define RESTORE_COUNT 100
#define RESTORE_PAGES 500

/* What is read, in order: the meetings, their discussions, the open
 * actions of their patients, then what all of it refers to (again until
 * nothing is missing). */
enum stage { MEETINGS, DISCUSSIONS, OPEN_TASKS, PATIENTS, REFERRED,
    DONE };

struct rd {
	const struct sync_config *cfg;
	struct sync_http *http;
	struct sync_restore_result *out;
	const char *since;
	json_t *got;		/* "Type/id" -> each resource read */
	json_t *asked;		/* "Type/id" asked for by _id */
	json_t *urls;		/* the searches of this stage still to run */
	enum stage stage;
	int pages;
	bool done;
};

static void next_search(struct rd *r);

static void
stop(struct rd *r, const char *what, const char *why)
{
	snprintf(r->out->error, sizeof(r->out->error), "%s%s", what, why);
	r->done = true;
}

/* "Type/id" of resource res into key; false if it has neither. */
static bool
key_of(json_t *res, char *key, size_t len)
{
	const char *t = json_string_value(json_object_get(res,
	    "resourceType"));
	const char *id = json_string_value(json_object_get(res, "id"));

	if (t == NULL || id == NULL || id[0] == '\0' || strchr(id, '/') != NULL)
		return false;
	snprintf(key, len, "%s/%s", t, id);
	return true;
}

static void
on_page(void *ctx, const struct sync_reply *reply)
{
	struct rd *r = ctx;
	json_t *bundle, *e;
	const char *next;
	bool elsewhere;
	size_t i;
	char err[512], key[160];

	r->out->requests++;
	r->out->bytes += reply->bytes_in + reply->bytes_out;
	if ((bundle = sync_search_page(reply, err, sizeof(err))) == NULL) {
		stop(r, err, "");
		return;
	}
	json_array_foreach(json_object_get(bundle, "entry"), i, e) {
		json_t *res = json_object_get(e, "resource");
		const char *mode = json_string_value(json_object_get(
		    json_object_get(e, "search"), "mode"));

		if (mode != NULL && strcmp(mode, "outcome") == 0)
			continue;	/* the server's words on the search */
		if (!json_is_object(res) || !key_of(res, key, sizeof(key)))
			r->out->skipped++;
		else
			json_object_set(r->got, key, res);
	}
	next = sync_next_page(sync_config_base_url(r->cfg), bundle,
	    &elsewhere);
	if (elsewhere)
		stop(r, "the central record's next page is not under base_url;"
		    " not followed", "");
	else if (next != NULL && ++r->pages > RESTORE_PAGES)
		stop(r, "the central record's search has too many pages", "");
	else if (next != NULL && sync_http_request(r->http, "GET", next, NULL,
	    NULL, on_page, r, err, sizeof(err)) != 0)
		stop(r, "", err);
	json_decref(bundle);
	if (!r->done && next == NULL)
		next_search(r);
}

/* ---- what each stage asks ----------------------------------------------- */

/* Searches of prefix followed by ids (a JSON array of strings) with
 * each id after before, RESTORE_IDS a search, then tail. */
static void
add_searches(struct rd *r, const char *prefix, const char *before,
    json_t *ids, const char *tail)
{
	size_t i, n = json_array_size(ids);

	for (i = 0; i < n; i += RESTORE_IDS) {
		struct sync_buf url = { 0 };

		sync_buf_str(&url, prefix);
		for (size_t k = i; k < n && k < i + RESTORE_IDS; k++) {
			if (k > i)
				sync_buf_str(&url, ",");
			sync_buf_str(&url, before);
			sync_buf_str(&url, json_string_value(json_array_get(ids,
			    k)));
		}
		sync_buf_str(&url, tail);
		json_array_append_new(r->urls, json_string(url.s));
		free(url.s);
	}
}

/* The ids of the resources read of type (and, with partof, only the
 * discussions: Encounters part of another). */
static json_t *
ids_of(struct rd *r, const char *type, bool partof)
{
	json_t *ids = json_array(), *res;
	const char *key;

	json_object_foreach(r->got, key, res) {
		if (strcmp(json_string_value(json_object_get(res,
		    "resourceType")), type) != 0)
			continue;
		if (partof && json_object_get(res, "partOf") == NULL)
			continue;
		json_array_append_new(ids, json_string(json_string_value(
		    json_object_get(res, "id"))));
	}
	return ids;
}

/* What the resources read refer to, of the kinds restored, that is
 * neither read nor asked for yet: into want, by type. */
static void
missing_refs(struct rd *r, json_t *v, json_t *want)
{
	static const char *const kinds[] = { "Practitioner",
	    "PractitionerRole", "Organization", "CareTeam", "Location",
	    "Consent", "Patient", "Goal" };
	const char *k;
	json_t *m;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, m)
			missing_refs(r, m, want);
		return;
	}
	json_object_foreach(v, k, m) {
		const char *ref = json_string_value(m), *slash;

		if (!json_is_string(m) || strcmp(k, "reference") != 0) {
			if (json_is_object(m) || json_is_array(m))
				missing_refs(r, m, want);
			continue;
		}
		if ((slash = strchr(ref, '/')) == NULL ||
		    strchr(slash + 1, '/') != NULL || !mdt_uuid_like(slash + 1) ||
		    json_object_get(r->got, ref) != NULL ||
		    json_object_get(r->asked, ref) != NULL)
			continue;
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (strlen(kinds[i]) == (size_t)(slash - ref) &&
			    strncmp(ref, kinds[i], slash - ref) == 0)
				break;
		if (i == sizeof(kinds) / sizeof(kinds[0]))
			continue;
		json_object_set_new(r->asked, ref, json_true());
		if (json_object_get(want, kinds[i]) == NULL)
			json_object_set_new(want, kinds[i], json_array());
		json_array_append_new(json_object_get(want, kinds[i]),
		    json_string(slash + 1));
	}
}

/* Each person's role (its id made from theirs), not referred to by
 * anything read when they own no action: into want. */
static void
roles_wanted(struct rd *r, json_t *want)
{
	const char *key;
	json_t *res;

	json_object_foreach(r->got, key, res) {
		struct sync_ref ref = { .kind = SYNC_ROLE };
		char id[37], rkey[64];

		if (strncmp(key, "Practitioner/", 13) != 0 ||
		    !mdt_uuid_like(key + 13))
			continue;
		mdt_strlcpy(ref.uuid, key + 13, sizeof(ref.uuid));
		sync_ref_id(&ref, id);
		snprintf(rkey, sizeof(rkey), "PractitionerRole/%s", id);
		if (json_object_get(r->got, rkey) != NULL ||
		    json_object_get(r->asked, rkey) != NULL)
			continue;
		json_object_set_new(r->asked, rkey, json_true());
		if (json_object_get(want, "PractitionerRole") == NULL)
			json_object_set_new(want, "PractitionerRole",
			    json_array());
		json_array_append_new(json_object_get(want,
		    "PractitionerRole"), json_string(id));
	}
}

/* The searches of a stage by the ids of what was read before it: of
 * type (with partof, the discussions alone), prefix, then each id after
 * before, then tail. */
struct by_ids {
	const char *type;
	bool partof;
	const char *prefix, *before, *tail;
};

static const struct by_ids searches[] = {
	/* DISCUSSIONS: each with its patient, record, outcome, actions */
	{ "Encounter", true, "Encounter?_id=", "",
	    "&_include=Encounter:subject&_revinclude=Composition:encounter"
	    "&_revinclude=Observation:encounter&_revinclude=Task:encounter"
	    "&_count=100" },
	/* OPEN_TASKS: the patients' open actions, of earlier meetings too */
	{ "Patient", false, "Task?patient=", "Patient/",
	    "&status=requested&_count=100" },
	/* PATIENTS: each one's plan, referrals, stays on the register and
	 * deaths (with their outcomes) */
	{ "Patient", false, "Patient?_id=", "",
	    "&_revinclude=CarePlan:subject&_revinclude=ServiceRequest:subject"
	    "&_revinclude=Flag:subject&_revinclude=Observation:subject"
	    "&_count=100" },
};

static void
by_ids(struct rd *r, const struct by_ids *b)
{
	json_t *ids = ids_of(r, b->type, b->partof);

	add_searches(r, b->prefix, b->before, ids, b->tail);
	json_decref(ids);
}

/* The searches of the next stage that has any into r->urls; DONE when
 * there is none left. */
static void
next_stage(struct rd *r)
{
	json_t *want, *list;
	const char *type;

	while (json_array_size(r->urls) == 0 && r->stage != DONE) {
		switch (r->stage) {
		case MEETINGS:
		case DISCUSSIONS:
		case OPEN_TASKS:
			r->stage++;
			by_ids(r, &searches[r->stage - DISCUSSIONS]);
			break;
		case PATIENTS:
		case REFERRED:
			r->stage = REFERRED;
			want = json_object();
			missing_refs(r, r->got, want);
			roles_wanted(r, want);
			json_object_foreach(want, type, list) {
				char *prefix = mdt_xasprintf("%s?_id=", type);

				add_searches(r, prefix, "", list,
				    "&_count=100");
				free(prefix);
			}
			if (json_object_size(want) == 0)
				r->stage = DONE;
			json_decref(want);
			break;
		case DONE:
			break;
		}
	}
}

static void
next_search(struct rd *r)
{
	char err[256];
	const char *url;

	next_stage(r);
	if (r->stage == DONE && json_array_size(r->urls) == 0) {
		r->done = true;
		return;
	}
	url = json_string_value(json_array_get(r->urls, 0));
	r->pages = 0;
	if (sync_http_request(r->http, "GET", url, NULL, NULL, on_page, r,
	    err, sizeof(err)) != 0)
		stop(r, "", err);
	json_array_remove(r->urls, 0);
}

static void
first_search(void *ctx)
{
	struct rd *r = ctx;
	char *url;

	/* the meetings since the day, and their discussions with them */
	url = mdt_xasprintf("Encounter?type=http://snomed.info/sct%%7C384682003"
	    "&date=ge%s&_revinclude=Encounter:part-of&_count=%d", r->since,
	    RESTORE_COUNT);
	json_array_append_new(r->urls, json_string(url));
	free(url);
	next_search(r);
}

/* ---- the new file ------------------------------------------------------- */

/* A new empty file beside path for the store to be built in (0600,
 * O_EXCL, O_NOFOLLOW), its name into tmp; -1 with the reason in out. */
static int
make_temp(const char *path, char *tmp, size_t len,
    struct sync_restore_result *out)
{
	char uuid[37];
	int fd;

	mdt_uuid_new(uuid);
	snprintf(tmp, len, "%s.restore-%.8s", path, uuid);
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 || close(fd) != 0) {
		mdt_set_err(out->error, sizeof(out->error), "cannot create"
		    " %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		return -1;
	}
	return 0;
}

/* The store's file and its companions removed. */
static void
remove_temp(const char *tmp)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	char p[4200];

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", tmp, ext[i]);
		unlink(p);
	}
}

/* What was read, written into a new store at tmp and then linked to
 * path, never over anything; 0 or -1 with out->error. */
static int
build(struct rd *r, const char *path, const struct mdt_clock *clock,
    const char *actor)
{
	struct mdt_store *s = NULL;
	char tmp[4200], err[512];
	int rc = -1;

	if (make_temp(path, tmp, sizeof(tmp), r->out) != 0)
		return -1;
	if (mdt_store_open(tmp, clock, 0, &s, err, sizeof(err)) != MDT_OK)
		snprintf(r->out->error, sizeof(r->out->error), "%s", err);
	else {
		if (actor != NULL)
			mdt_store_set_actor(s, actor);
		rc = sync_restore_write(s, r->got, sync_config_base_url(r->cfg),
		    r->since, r->out);
		mdt_store_free(s);
	}
	if (rc == 0 && link(tmp, path) != 0) {
		mdt_set_err(r->out->error, sizeof(r->out->error), "cannot"
		    " make %s: %s", path, errno == EEXIST ? "it appeared"
		    " meanwhile, and is left as it is" : strerror(errno));
		rc = -1;
	}
	remove_temp(tmp);
	return rc;
}

int
sync_restore(uv_loop_t *loop, const struct sync_config *cfg,
    const char *path, const char *since, const struct mdt_clock *clock,
    const char *actor, struct sync_restore_result *out)
{
	struct rd r = { .cfg = cfg, .out = out, .since = since };
	struct stat sb;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (lstat(path, &sb) == 0) {
		mdt_set_err(out->error, sizeof(out->error), "%s exists: restore"
		    " makes a new database and never writes over a file",
		    path);
		return -1;
	}
	if (errno != ENOENT) {
		mdt_set_err(out->error, sizeof(out->error), "cannot use %s:"
		    " %s", path, strerror(errno));
		return -1;
	}
	r.got = json_object();
	r.asked = json_object();
	r.urls = json_array();
	/* all or nothing: written only when every page came */
	if (sync_http_read(loop, cfg, &r.http, first_search, &r, &r.done,
	    "the restore", out->error, sizeof(out->error)) &&
	    out->error[0] == '\0')
		rc = build(&r, path, clock, actor);
	json_decref(r.got);
	json_decref(r.asked);
	json_decref(r.urls);
	return rc;
}
