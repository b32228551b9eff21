/*
 * fuzz_fhir_reply.c - libFuzzer target for reading the central record's
 * replies (sync/fhir.c): a transaction-response to a bundle of n entries
 * (sync_transaction_reply), a resource read back after a version conflict
 * (sync_read_back) and the words of an OperationOutcome
 * (sync_outcome_text), plus the backoff arithmetic a Retry-After feeds.
 * The first byte chooses n (1 to 8) and the size of the text buffer; the
 * rest is the reply's body, as libcurl hands it over (NUL bytes and all).
 *
 * Beyond no crash, leak or undefined behaviour:
 *   - a reply is taken as written only if it is a JSON Bundle of type
 *     transaction-response with exactly n entries, each with a 2xx
 *     response.status (checked here again, independently); otherwise no
 *     version is handed back;
 *   - every version handed back is 1 to 64 of A-Z a-z 0-9 - . (it goes
 *     back to the server in If-Match);
 *   - a read-back counts as ours only if it is a resource of our type
 *     and id saying exactly what we sent, and as our own earlier write
 *     only if its content hashes to what was last acknowledged;
 *   - the OperationOutcome text is one line within its buffer;
 *   - the backoff is never negative, never above its cap unless the
 *     server's Retry-After (clamped to an hour) asks for longer.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include <jansson.h>

#include "sync_internal.h"
#include "fuzz.h"

static json_t *ours;
static char acked[33];	/* the hash of an earlier version of ours */

static bool
version_ok(const char *v)
{
	size_t n = strlen(v), i;

	if (n == 0 || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-.", v[i]) == NULL)
			return false;
	return true;
}

/* What a transaction-response must be, written out the long way. */
static bool
confirms(const uint8_t *data, size_t size, size_t n)
{
	json_t *root = json_loadb((const char *)data, size, 0, NULL);
	json_t *entries, *e;
	const char *rt = NULL, *type = NULL;
	bool ok = false;
	size_t i;

	if (json_unpack(root, "{s:s, s:s, s:o}", "resourceType", &rt, "type",
	    &type, "entry", &entries) == 0 && strcmp(rt, "Bundle") == 0 &&
	    strcmp(type, "transaction-response") == 0 &&
	    json_is_array(entries) && json_array_size(entries) == n) {
		ok = true;
		json_array_foreach(entries, i, e) {
			const char *st = NULL;

			if (json_unpack(e, "{s:{s:s}}", "response", "status",
			    &st) != 0 || st[0] != '2' || strlen(st) < 3 ||
			    st[1] < '0' || st[1] > '9' || st[2] < '0' ||
			    st[2] > '9' || (st[3] != '\0' && st[3] != ' ')) {
				ok = false;
				break;
			}
		}
	}
	json_decref(root);
	return ok;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ours = json_pack("{s:s, s:s, s:s, s:s, s:{s:s}}", "resourceType", "Task",
	    "id", "6b1c7e2a-52d4-4f0e-9a55-2f1d3c0b8e41", "status", "requested",
	    "intent", "order", "for", "reference", "Patient/1");
	FUZZ_CHECK(ours != NULL);
	{
		json_t *earlier = json_deep_copy(ours);

		json_object_set_new(earlier, "status", json_string("draft"));
		sync_body_hash(earlier, acked);
		json_decref(earlier);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t text_sizes[8] = { 1, 2, 8, 40, 256, 512, 1024,
	    4096 };
	char *versions[8], err[256], text[4096], *vid, *body;
	size_t n, len, i;
	enum sync_read rb;
	int rc;

	if (size < 1)
		return 0;
	n = (size_t)(data[0] & 7) + 1;
	len = text_sizes[(data[0] >> 3) & 7];
	data++;
	size--;

	/* the bundle reply */
	rc = sync_transaction_reply((const char *)data, size, n, versions, err,
	    sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK((rc == 0) == confirms(data, size, n));
	for (i = 0; i < n; i++) {
		if (rc != 0)
			FUZZ_CHECK(versions[i] == NULL);
		else if (versions[i] != NULL)
			FUZZ_CHECK(version_ok(versions[i]));
		free(versions[i]);
	}
	FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	FUZZ_CHECK(rc == 0 || err[0] != '\0');

	/* the read-back */
	rb = sync_read_back((const char *)data, size, ours, acked, &vid);
	FUZZ_CHECK(vid == NULL || version_ok(vid));
	if (rb != SYNC_READ_UNKNOWN) {
		json_t *j = json_loadb((const char *)data, size, 0, NULL);

		FUZZ_CHECK(json_equal(json_object_get(j, "resourceType"),
		    json_object_get(ours, "resourceType")));
		FUZZ_CHECK(json_equal(json_object_get(j, "id"),
		    json_object_get(ours, "id")));
		FUZZ_CHECK((rb == SYNC_READ_SAME) == sync_same_content(j,
		    ours));
		if (rb == SYNC_READ_EARLIER) {
			char h[33];

			sync_body_hash(j, h);
			FUZZ_CHECK(strcmp(h, acked) == 0);
		}
		json_decref(j);
	}
	free(vid);

	/* the OperationOutcome's words, from a C string as the engine has */
	body = malloc(size + 1);
	FUZZ_CHECK(body != NULL);
	memcpy(body, data, size);
	body[size] = '\0';
	memset(text, 'x', sizeof(text));
	if (sync_outcome_text(body, text, len)) {
		json_t *j = json_loads(body, 0, NULL);
		const char *rt = json_string_value(json_object_get(j,
		    "resourceType"));

		FUZZ_CHECK(rt != NULL && strcmp(rt, "OperationOutcome") == 0);
		json_decref(j);
	}
	FUZZ_CHECK(memchr(text, '\0', len) != NULL);
	FUZZ_CHECK(strpbrk(text, "\r\n\t") == NULL);
	free(body);

	/* the backoff a reply's Retry-After feeds */
	if (size >= 16) {
		int attempts;
		int64_t initial, max, ra, d, cap;
		uint32_t r;

		memcpy(&attempts, data, 4);
		memcpy(&r, data + 4, 4);
		initial = (int64_t)(int16_t)(data[8] | data[9] << 8) * 37;
		max = (int64_t)(int32_t)(data[10] | data[11] << 8 |
		    (uint32_t)data[12] << 16 | (uint32_t)data[13] << 24);
		ra = (int64_t)(int16_t)(data[14] | data[15] << 8);
		d = sync_backoff_ms(attempts, initial, max, ra, r);
		cap = initial < 1 ? 1 : initial;
		if (max > cap)
			cap = max;
		if (ra > SYNC_RETRY_AFTER_MAX_S)
			ra = SYNC_RETRY_AFTER_MAX_S;
		if (ra > 0 && ra * 1000 > cap)
			cap = ra * 1000;
		FUZZ_CHECK(d >= 0 && d <= cap);
		if (ra > 0)
			FUZZ_CHECK(d >= ra * 1000);
	}
	return 0;
}
