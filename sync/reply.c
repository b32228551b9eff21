/*
 * reply.c - what the central record's replies say: the server's words
 * from an OperationOutcome, the versions a transaction-response gives
 * (only a Bundle with a 2xx status for every entry counts as written),
 * and a resource read back after a version conflict compared with ours
 * and with what was last acknowledged; and what a reply says of the
 * exchange as a whole (unreachable or unavailable, refused, or an answer
 * about the resources sent).  Reads the replies only; trusts
 * nothing in them (the fuzz target tests/fuzz/fuzz_fhir_reply.c feeds it
 * anything).
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "reply.h"
#include "resource.h"
#include "text.h"
#include "util.h"

bool
sync_outcome_text(const char *body, char *out, size_t len)
{
	json_t *root, *issues, *issue;
	json_error_t jerr;
	struct sync_buf b = { 0 };
	size_t i;

	if (len > 0)
		out[0] = '\0';
	root = json_loads(body != NULL ? body : "", 0, &jerr);
	if (root == NULL)
		return false;
	if (!json_is_string(json_object_get(root, "resourceType")) ||
	    strcmp(json_string_value(json_object_get(root, "resourceType")),
	    "OperationOutcome") != 0) {
		json_decref(root);
		return false;
	}
	issues = json_object_get(root, "issue");
	json_array_foreach(issues, i, issue) {
		const char *text = json_string_value(json_object_get(issue,
		    "diagnostics"));
		json_t *expr = json_array_get(json_object_get(issue,
		    "expression"), 0);

		if (text == NULL)
			text = json_string_value(json_object_get(
			    json_object_get(issue, "details"), "text"));
		if (text == NULL)
			text = json_string_value(json_object_get(issue,
			    "code"));
		if (text == NULL)
			continue;
		if (b.n > 0)
			sync_buf_str(&b, "; ");
		sync_buf_str(&b, text);
		if (json_is_string(expr) && strstr(text,
		    json_string_value(expr)) == NULL) {
			sync_buf_str(&b, " (at ");
			sync_buf_str(&b, json_string_value(expr));
			sync_buf_str(&b, ")");
		}
	}
	json_decref(root);
	if (b.s == NULL)
		return false;
	/* one line */
	for (i = 0; i < b.n; i++)
		if (b.s[i] == '\n' || b.s[i] == '\r' || b.s[i] == '\t')
			b.s[i] = ' ';
	mdt_strlcpy(out, b.s, len);
	free(b.s);
	return true;
}

/* A FHIR id (and versionId): 1 to 64 of A-Z a-z 0-9 - . */
static bool
fhir_id_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* "W/\"3\"" or ".../_history/3" or meta.versionId -> "3" (a new string),
 * or NULL when none of them holds a well-formed version. */
static char *
entry_version(json_t *entry)
{
	json_t *response = json_object_get(entry, "response");
	const char *etag = json_string_value(json_object_get(response,
	    "etag"));
	const char *loc = json_string_value(json_object_get(response,
	    "location"));
	const char *v = json_string_value(json_object_get(json_object_get(
	    json_object_get(entry, "resource"), "meta"), "versionId"));
	const char *h;
	size_t n;

	if (etag != NULL) {
		if (strncmp(etag, "W/", 2) == 0)
			etag += 2;
		if (*etag == '"') {
			etag++;
			n = strcspn(etag, "\"");
			if (etag[n] == '"' && etag[n + 1] == '\0' &&
			    fhir_id_ok(etag, n))
				return mdt_xasprintf("%.*s", (int)n, etag);
		} else if (fhir_id_ok(etag, strlen(etag)))
			return mdt_xstrdup(etag);
	}
	if (loc != NULL && (h = strstr(loc, "/_history/")) != NULL) {
		h += strlen("/_history/");
		n = strcspn(h, "/?#");
		if (fhir_id_ok(h, n))
			return mdt_xasprintf("%.*s", (int)n, h);
	}
	if (v != NULL && fhir_id_ok(v, strlen(v)))
		return mdt_xstrdup(v);
	return NULL;
}

/* An entry's response.status: "200 OK", "201", "201 Created" -> 200, 201;
 * 0 if it is not a three-digit status at the start. */
static int
entry_status(json_t *entry)
{
	const char *s = json_string_value(json_object_get(json_object_get(
	    entry, "response"), "status"));
	int i, code = 0;

	if (s == NULL)
		return 0;
	for (i = 0; i < 3; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		code = code * 10 + (s[i] - '0');
	}
	if (s[3] != '\0' && s[3] != ' ')
		return 0;
	return code;
}

int
sync_transaction_reply(const char *body, size_t body_len, size_t n,
    char **versions, char *err, size_t errlen)
{
	json_t *root, *entries, *entry;
	const char *rt, *type;
	size_t i;
	int rc = -1;

	for (i = 0; i < n; i++)
		versions[i] = NULL;
	if (errlen > 0)
		err[0] = '\0';
	root = json_loadb(body != NULL ? body : "", body != NULL ? body_len :
	    0, 0, NULL);
	rt = json_string_value(json_object_get(root, "resourceType"));
	type = json_string_value(json_object_get(root, "type"));
	entries = json_object_get(root, "entry");
	if (root == NULL)
		snprintf(err, errlen, "the reply is not JSON");
	else if (rt == NULL || strcmp(rt, "Bundle") != 0)
		snprintf(err, errlen, "the reply is not a Bundle");
	else if (type == NULL || strcmp(type, "transaction-response") != 0)
		snprintf(err, errlen,
		    "the reply is not a transaction-response");
	else if (!json_is_array(entries) || json_array_size(entries) != n)
		snprintf(err, errlen, "the reply has %zu entries for the %zu"
		    " sent", json_array_size(entries), n);
	else {
		rc = 0;
		json_array_foreach(entries, i, entry) {
			int st = entry_status(entry);

			if (st < 200 || st > 299) {
				snprintf(err, errlen, "entry %zu of the reply"
				    " is not a success (status %d)", i, st);
				rc = -1;
				break;
			}
		}
	}
	if (rc == 0)
		json_array_foreach(entries, i, entry)
			versions[i] = entry_version(entry);
	json_decref(root);
	return rc;
}

enum sync_read
sync_read_back(const char *body, size_t body_len, json_t *ours,
    const char *acked_hash, char **version)
{
	char hash[33];
	json_t *server;
	const char *v, *rt, *id;
	enum sync_read r;

	*version = NULL;
	server = json_loadb(body != NULL ? body : "", body != NULL ? body_len :
	    0, 0, NULL);
	rt = json_string_value(json_object_get(server, "resourceType"));
	id = json_string_value(json_object_get(server, "id"));
	if (!json_is_object(server) || rt == NULL || id == NULL ||
	    !json_is_object(ours) || !json_equal(json_object_get(server,
	    "resourceType"), json_object_get(ours, "resourceType")) ||
	    !json_equal(json_object_get(server, "id"), json_object_get(ours,
	    "id"))) {
		json_decref(server);
		return SYNC_READ_UNKNOWN;
	}
	if (sync_same_content(server, ours))
		r = SYNC_READ_SAME;
	else {
		sync_body_hash(server, hash);
		r = acked_hash != NULL && acked_hash[0] != '\0' &&
		    strcmp(hash, acked_hash) == 0 ? SYNC_READ_EARLIER :
		    SYNC_READ_CHANGED;
	}
	v = json_string_value(json_object_get(json_object_get(server, "meta"),
	    "versionId"));
	if (v != NULL && fhir_id_ok(v, strlen(v)))
		*version = mdt_xstrdup(v);
	json_decref(server);
	return r;
}

/* One line saying what the server said. */
void
sync_reply_describe(const struct sync_reply *reply, char *out, size_t len)
{
	char text[400];

	if (sync_outcome_text(reply->body, text, sizeof(text)))
		snprintf(out, len, "HTTP %ld: %s", reply->status, text);
	else
		snprintf(out, len, "HTTP %ld", reply->status);
}

enum sync_exchange
sync_reply_exchange(const struct sync_reply *reply, bool reading,
    char *what, size_t len, int64_t *retry_after_s)
{
	char said[512];

	*retry_after_s = 0;
	if (reply->too_big) {
		/* reached, and it may have applied what was sent: the next
		 * try finds out (If-Match, then a read back) */
		snprintf(what, len, "the central record answered%s%.0ld but"
		    " %s, so what it applied is checked on the next try;"
		    " raise max_response_bytes in [server] if this goes on",
		    reply->status > 0 ? " HTTP " : "",
		    reply->status > 0 ? reply->status : 0L, reply->error);
		return SYNC_EXCHANGE_REFUSED;
	}
	if (reply->curl_code != 0) {
		snprintf(what, len, "cannot reach the central record: %s",
		    reply->error);
		return SYNC_EXCHANGE_OFFLINE;
	}
	if (reply->status == 429 || reply->status >= 500) {
		sync_reply_describe(reply, said, sizeof(said));
		if (reply->retry_after_s > 0)
			snprintf(what, len, "the central record is busy (%s;"
			    " Retry-After %" PRId64 " s)", said,
			    reply->retry_after_s);
		else
			snprintf(what, len, "the central record is"
			    " unavailable (%s)", said);
		*retry_after_s = reply->retry_after_s;
		return SYNC_EXCHANGE_OFFLINE;
	}
	if (reply->status >= 300 && reply->status < 400) {
		snprintf(what, len, "the central record answered HTTP %ld (a"
		    " redirect); redirects are not followed: check base_url",
		    reply->status);
		return SYNC_EXCHANGE_REFUSED;
	}
	if (reply->status == 401 || reply->status == 403 ||
	    reply->status == 407) {
		sync_reply_describe(reply, said, sizeof(said));
		snprintf(what, len, "the central record refused our"
		    " credentials (%s): check token_file and the client"
		    " certificate", said);
		*retry_after_s = reply->retry_after_s;
		return SYNC_EXCHANGE_REFUSED;
	}
	/* reading back one resource, "not there" is an answer about it */
	if (reading && (reply->status == 404 || reply->status == 410))
		return SYNC_EXCHANGE_GO_ON;
	if (reply->status >= 400 && reply->status != 400 &&
	    reply->status != 409 && reply->status != 412 &&
	    reply->status != 422) {
		sync_reply_describe(reply, said, sizeof(said));
		snprintf(what, len, "the central record answered %s; is"
		    " base_url right?", said);
		*retry_after_s = reply->retry_after_s;
		return SYNC_EXCHANGE_REFUSED;
	}
	return SYNC_EXCHANGE_GO_ON;
}

/* A FHIR instant ("2026-12-06T20:25:29.217Z", "...+01:00") in ms since
 * the epoch; false if it is not one. */
bool
sync_instant_ms(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec, used = 0, off = 0;
	int64_t frac = 0, scale = 1000;
	struct tm tm;
	const char *p;

	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d,
	    &h, &mi, &sec, &used) != 6 || used != 19)
		return false;
	p = s + used;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
	if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;

		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return false;
		off = (oh * 60 + om) * 60 * (p[0] == '+' ? 1 : -1);
	} else if (strcmp(p, "Z") != 0)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return false;
	*ms = ((int64_t)timegm(&tm) - off) * 1000 + frac;
	return true;
}

json_t *
sync_reply_bundle(const struct sync_reply *reply)
{
	json_t *b = json_loadb(reply->body, reply->body_len, 0, NULL);
	const char *rt = json_string_value(json_object_get(b, "resourceType"));

	if (b == NULL || !json_is_object(b) || rt == NULL ||
	    strcmp(rt, "Bundle") != 0 || (json_object_get(b, "entry") != NULL &&
	    !json_is_array(json_object_get(b, "entry")))) {
		json_decref(b);
		return NULL;
	}
	return b;
}

const char *
sync_next_page(const char *base, json_t *bundle, bool *elsewhere)
{
	size_t i, bl = strlen(base);
	json_t *l;

	*elsewhere = false;
	json_array_foreach(json_object_get(bundle, "link"), i, l) {
		const char *rel = json_string_value(json_object_get(l,
		    "relation"));
		const char *url = json_string_value(json_object_get(l, "url"));

		if (rel == NULL || url == NULL || strcmp(rel, "next") != 0)
			continue;
		if (strncmp(url, base, bl) != 0 || url[bl] != '/') {
			*elsewhere = true;
			return NULL;
		}
		return url + bl + 1;
	}
	return NULL;
}

const char *
sync_json_str(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	if (b != NULL)
		v = json_object_get(v, b);
	return json_string_value(v);
}

json_t *
sync_search_page(const struct sync_reply *reply, char *err, size_t len)
{
	json_t *bundle;

	if (reply->curl_code != 0 || reply->too_big) {
		mdt_set_err(err, len, "cannot reach the central record: %s",
		    reply->error);
		return NULL;
	}
	if (reply->status != 200) {
		char said[400];

		sync_reply_describe(reply, said, sizeof(said));
		mdt_set_err(err, len, "the central record answered the search"
		    " with %s", said);
		return NULL;
	}
	if ((bundle = sync_reply_bundle(reply)) == NULL)
		mdt_set_err(err, len, "the central record's answer to a search"
		    " is not a Bundle; nothing was taken");
	return bundle;
}

bool
sync_http_date_ms(const char *s, int64_t *ms)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4];
	int d, y, h, mi, sec;
	const char *m;
	struct tm tm;

	if (s == NULL || sscanf(s, "%*3s, %2d %3s %4d %2d:%2d:%2d GMT", &d,
	    mon, &y, &h, &mi, &sec) != 6 || strlen(mon) != 3 ||
	    (m = strstr(months, mon)) == NULL || (m - months) % 3 != 0)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = (int)((m - months) / 3);
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms = (int64_t)timegm(&tm) * 1000;
	return true;
}

void
sync_instant_str(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char day[24];

	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%s.%03dZ", day, (int)(ms % 1000));
}
