/*
 * verify.c - what the central record should hold, read back and checked
 * (sync.h, sync_verify): every resource it acknowledged, a page of ids at
 * a time by a standard search (Type?_id=a,b,...), its content's hash set
 * against the hash of what was sent.  A resource missing (a server
 * restored from an old backup, or a new one) or different is queued
 * again through its record's outbox row; the delivery that follows sends
 * it (a different one over the version it has, so that another's change
 * is shown as a conflict, never overwritten).  A Task the pull has read
 * back at the version the record holds was changed there (closed by its
 * owner...): that is the record's, merged by the pull's rules, not a
 * difference to send over.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>
#include <uv.h>

#include "fhir.h"
#include "http.h"
#include "reply.h"
#include "mdt.h"
#include "resource.h"
#include "sync.h"
#include "sync_config.h"
#include "text.h"
#include "util.h"

/* Ids per search: a URL of about 2 KB. */
#define VERIFY_PAGE 40

static const enum sync_kind kinds[] = {
	SYNC_PRACTITIONER, SYNC_ORGANIZATION, SYNC_ROLE, SYNC_TEAM,
	SYNC_LOCATION,
	SYNC_MEETING,
	SYNC_CONSENT, SYNC_OUTCOME, SYNC_TASK, SYNC_RECORD, SYNC_FLAG,
	SYNC_GOAL, SYNC_CAREPLAN,
};

struct verify {
	struct mdt_store *s;
	struct sync_http *http;
	struct sync_verify_result *out;
	size_t kind;			/* index into kinds */
	char after[65];
	struct mdt_synced page[VERIFY_PAGE];
	size_t n;
	bool done;
};

/*
 * The record whose outbox row sends resource (type, id) again: its entity
 * and UUID; false if there is none to send (gone, or of a purged meeting,
 * whose record is never built again).
 */
static bool
record_of(struct mdt_store *s, const char *type, const char *id,
    char entity[16], char uuid[37])
{
	static const struct {
		const char *type, *entity, *sql;
	} direct[] = {
		{ "Practitioner", "person", "SELECT uuid FROM people"
		    " WHERE uuid = ?1 AND kind = 'person'" },
		{ "CareTeam", "person", "SELECT uuid FROM people"
		    " WHERE uuid = ?1 AND kind <> 'person'" },
		/* a role's id is made from its person's, an organisation's
		 * from its name: every person, until one gives it */
		{ "PractitionerRole", "person", "SELECT uuid FROM people"
		    " WHERE kind = 'person'" },
		{ "Organization", "person", "SELECT uuid, organisation"
		    " FROM people" },
		/* a venue's id from its name: a meeting held there */
		{ "Location", "meeting", "SELECT m.uuid, v.name FROM meetings m"
		    " JOIN venues v ON v.id = m.venue_id"
		    " WHERE m.purged_at IS NULL" },
		{ "Encounter", "meeting", "SELECT uuid FROM meetings"
		    " WHERE uuid = ?1 AND purged_at IS NULL" },
		{ "Encounter", "slot", "SELECT s.uuid FROM slots s JOIN meetings"
		    " m ON m.id = s.meeting_id WHERE s.uuid = ?1"
		    " AND m.purged_at IS NULL" },
		{ "Consent", "consent", "SELECT c.uuid FROM consent c JOIN"
		    " slots s ON s.id = c.slot_id JOIN meetings m ON m.id ="
		    " s.meeting_id WHERE c.uuid = ?1 AND m.purged_at IS NULL" },
		/* a withdrawn outcome is gone from the outcomes: its
		 * correction builds it, entered in error */
		{ "Observation", "outcome", "SELECT uuid FROM outcomes"
		    " WHERE uuid = ?1 UNION SELECT entity_uuid FROM corrections"
		    " WHERE entity = 'outcome' AND entity_uuid = ?1" },
		{ "Observation", "death", "SELECT uuid FROM deaths"
		    " WHERE uuid = ?1" },
		{ "ServiceRequest", "referral", "SELECT uuid FROM referrals"
		    " WHERE uuid = ?1" },
		{ "Task", "action", "SELECT uuid FROM actions WHERE uuid = ?1" },
		{ "Flag", "rising", "SELECT uuid FROM rising_risk"
		    " WHERE uuid = ?1" },
		{ "CarePlan", "plan", "SELECT uuid FROM care_plans"
		    " WHERE uuid = ?1" },
		{ "Goal", "plan", "SELECT c.uuid FROM plan_items i JOIN"
		    " care_plans c ON c.id = i.plan_id WHERE i.uuid = ?1" },
		/* a record's id is made from its slot's: every slot
		 * discussed, until one gives it */
		{ "Composition", "slot", "SELECT s.uuid FROM slots s JOIN"
		    " meetings m ON m.id = s.meeting_id WHERE m.purged_at IS"
		    " NULL AND " SYNC_DISCUSSED("s") },
	};
	sqlite3 *db = mdt_store_db(s);
	bool found = false;

	for (size_t i = 0; i < sizeof(direct) / sizeof(direct[0]) && !found;
	    i++) {
		sqlite3_stmt *st;
		bool (*named)(const char *, char *) = strcmp(direct[i].type,
		    "Organization") == 0 ? mdt_org_uuid : strcmp(direct[i].type,
		    "Location") == 0 ? mdt_venue_uuid : NULL;
		bool by_name = named != NULL ||
		    strcmp(direct[i].type, "Composition") == 0 ||
		    strcmp(direct[i].type, "PractitionerRole") == 0;

		if (strcmp(direct[i].type, type) != 0 ||
		    sqlite3_prepare_v2(db, direct[i].sql, -1, &st, NULL) !=
		    SQLITE_OK)
			continue;
		if (!by_name)
			sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		while (!found && sqlite3_step(st) == SQLITE_ROW) {
			const char *u = (const char *)sqlite3_column_text(st, 0);
			struct sync_ref ref = { .kind = strcmp(direct[i].type,
			    "Composition") == 0 ? SYNC_RECORD : SYNC_ROLE };
			char rid[37];

			if (u == NULL)
				continue;
			if (named != NULL) {
				if (!named((const char *)
				    sqlite3_column_text(st, 1), rid) ||
				    strcmp(rid, id) != 0)
					continue;
			} else if (by_name) {
				mdt_strlcpy(ref.uuid, u, sizeof(ref.uuid));
				sync_ref_id(&ref, rid);
				if (strcmp(rid, id) != 0)
					continue;
			}
			mdt_strlcpy(entity, direct[i].entity, 16);
			mdt_strlcpy(uuid, u, 37);
			found = true;
		}
		sqlite3_finalize(st);
	}
	return found;
}

/* True if the pull has read the action's Task (id) at version: a change
 * made on the record, merged here by the pull's rules. */
static bool
pulled_version(struct mdt_store *s, const char *id, const char *version)
{
	sqlite3_stmt *st;
	bool known = false;

	if (version == NULL || sqlite3_prepare_v2(mdt_store_db(s),
	    "SELECT 1 FROM actions a JOIN record_tasks t ON t.action_id ="
	    " a.id WHERE a.uuid = ?1 AND t.version = ?2", -1, &st, NULL) !=
	    SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	known = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return known;
}

static void next_page(void *ctx);

static void
stop(struct verify *v, const char *what, const char *why)
{
	snprintf(v->out->error, sizeof(v->out->error), "%s%s", what, why);
	v->done = true;
}

/* One resource that is not as it was sent: queued again. */
static void
again(struct verify *v, const char *type, const struct mdt_synced *r,
    bool missing)
{
	char entity[16], uuid[37];

	if (missing)
		v->out->missing++;
	else
		v->out->different++;
	if (!record_of(v->s, type, r->id, entity, uuid)) {
		v->out->not_queued++;
		return;
	}
	if (mdt_synced_requeue(v->s, type, r->id, missing, entity, uuid) !=
	    MDT_OK)
		stop(v, "cannot queue it again: ", mdt_store_error(v->s));
	else
		v->out->queued++;
}

static void
on_page(void *ctx, const struct sync_reply *reply)
{
	struct verify *v = ctx;
	const char *type = sync_kind_type(kinds[v->kind]);
	json_t *bundle, *entries, *e;
	size_t i, k;

	if (reply->curl_code != 0) {
		stop(v, "cannot reach the central record: ", reply->error);
		return;
	}
	if (reply->status != 200) {
		char said[400];

		sync_reply_describe(reply, said, sizeof(said));
		stop(v, "the central record answered the search with ",
		    said);
		return;
	}
	bundle = json_loadb(reply->body, reply->body_len, 0, NULL);
	entries = json_object_get(bundle, "entry");
	if (bundle == NULL || !json_is_object(bundle) ||
	    strcmp(json_string_value(json_object_get(bundle,
	    "resourceType")) != NULL ? json_string_value(json_object_get(
	    bundle, "resourceType")) : "", "Bundle") != 0) {
		json_decref(bundle);
		stop(v, "the central record's answer to a search is not"
		    " a Bundle", "");
		return;
	}
	for (i = 0; i < v->n && !v->done; i++) {
		json_t *found = NULL;
		char hash[33];

		json_array_foreach(entries, k, e) {
			json_t *r = json_object_get(e, "resource");
			const char *rt = json_string_value(json_object_get(r,
			    "resourceType"));
			const char *rid = json_string_value(json_object_get(r,
			    "id"));

			if (rt != NULL && rid != NULL && strcmp(rt, type) == 0 &&
			    strcmp(rid, v->page[i].id) == 0) {
				found = r;
				break;
			}
		}
		v->out->checked++;
		if (found == NULL) {
			again(v, type, &v->page[i], true);
			continue;
		}
		sync_body_hash(found, hash);
		if (v->page[i].body_hash[0] == '\0' ||
		    strcmp(hash, v->page[i].body_hash) == 0)
			continue;
		if (kinds[v->kind] == SYNC_TASK && pulled_version(v->s,
		    v->page[i].id, json_string_value(json_object_get(
		    json_object_get(found, "meta"), "versionId"))))
			v->out->from_record++;
		else
			again(v, type, &v->page[i], false);
	}
	json_decref(bundle);
	if (!v->done)
		next_page(v);
}

/* The next page of ids of the verification ctx, of this type or the
 * next: a search for them. */
static void
next_page(void *ctx)
{
	struct verify *v = ctx;
	struct sync_buf url = { 0 };
	char err[256];

	for (;;) {
		if (v->kind == sizeof(kinds) / sizeof(kinds[0])) {
			v->done = true;
			return;
		}
		if (mdt_synced_page(v->s, sync_kind_type(kinds[v->kind]),
		    v->after, v->page, VERIFY_PAGE, &v->n) != MDT_OK) {
			stop(v, "cannot read the synced versions: ",
			    mdt_store_error(v->s));
			return;
		}
		if (v->n > 0)
			break;
		v->kind++;
		v->after[0] = '\0';
	}
	mdt_strlcpy(v->after, v->page[v->n - 1].id, sizeof(v->after));
	sync_buf_str(&url, sync_kind_type(kinds[v->kind]));
	sync_buf_str(&url, "?_id=");
	for (size_t i = 0; i < v->n; i++) {
		if (i > 0)
			sync_buf_str(&url, ",");
		sync_buf_str(&url, v->page[i].id);
	}
	{
		char count[32];

		snprintf(count, sizeof(count), "&_count=%d", VERIFY_PAGE);
		sync_buf_str(&url, count);
	}
	if (sync_http_request(v->http, "GET", url.s, NULL, NULL, on_page, v,
	    err, sizeof(err)) != 0)
		stop(v, "", err);
	free(url.s);
}

int
sync_verify(uv_loop_t *loop, struct mdt_store *s,
    const struct sync_config *cfg, struct sync_verify_result *out)
{
	struct verify v = { .s = s, .out = out };

	memset(out, 0, sizeof(*out));
	if (sync_http_read(loop, cfg, &v.http, next_page, &v, &v.done,
	    "the search", out->error, sizeof(out->error)) &&
	    out->error[0] == '\0') {
		char detail[256];

		snprintf(detail, sizeof(detail), "verified %lld resources with"
		    " the central record: %lld missing, %lld different, %lld"
		    " queued again, %lld changed on the record and read back",
		    (long long)out->checked, (long long)out->missing,
		    (long long)out->different, (long long)out->queued,
		    (long long)out->from_record);
		if (mdt_audit_event(s, "verify", detail) != MDT_OK)
			snprintf(out->error, sizeof(out->error), "cannot"
			    " record the verification: %s",
			    mdt_store_error(s));
	}
	return out->error[0] == '\0' ? 0 : -1;
}
