/*
 * resource.c - a FHIR resource's identity and content, as the engine and
 * the mapping both need them: its type ("Encounter", "Task", ...), its
 * logical id (the record's UUID; the Composition's is derived from its
 * slot's), and a hash of what it says (meta left out), by which
 * a resource the server already holds is recognised.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uuid/uuid.h>

#include "resource.h"
#include "util.h"

void
sync_ref_id(const struct sync_ref *ref, char id[37])
{
	const char *name = ref->kind == SYNC_RECORD ? "Composition" :
	    ref->kind == SYNC_ROLE ? "PractitionerRole" : NULL;
	uuid_t ns, out;

	if (name == NULL || uuid_parse(ref->uuid, ns) != 0) {
		mdt_strlcpy(id, ref->uuid, 37);
		return;
	}
	/* one Composition per slot, one role per person: ids derived from
	 * theirs */
	uuid_generate_sha1(out, ns, name, strlen(name));
	uuid_unparse_lower(out, id);
}

/*
 * A shallow copy without meta, and its literal references to the patient
 * reduced to "Patient": ours names the Patient entry of the bundle
 * (urn:uuid), which the server rewrites to the Patient it holds, so the
 * two say the same by the NHS number beside it (a reference by NHS
 * number alone, as older versions wrote, stays different).  Those
 * references stand at the top of a resource (subject, patient, for).
 */
static json_t *
canonical(json_t *resource_json)
{
	json_t *c = json_copy(resource_json), *v, *ref;
	const char *key;
	void *tmp;

	json_object_del(c, "meta");
	json_object_foreach_safe(c, tmp, key, v) {
		if (!json_is_object(v) ||
		    json_object_get(v, "identifier") == NULL ||
		    !json_is_string(json_object_get(v, "type")) ||
		    strcmp(json_string_value(json_object_get(v, "type")),
		    "Patient") != 0)
			continue;
		if (json_object_get(v, "reference") == NULL)
			continue;
		ref = json_copy(v);
		json_object_set_new(ref, "reference", json_string("Patient"));
		json_object_set_new(c, key, ref);
	}
	return c;
}

/* The same, without the narrative too. */
static json_t *
content(json_t *resource_json)
{
	json_t *c = canonical(resource_json);

	json_object_del(c, "text");
	return c;
}

void
sync_body_hash(json_t *resource_json, char out[33])
{
	/* the narrative counted: it is ours, and the meeting's title is
	 * only there */
	json_t *c = canonical(resource_json);
	char *s;
	uint64_t h = UINT64_C(14695981039346656037);
	const unsigned char *p;

	s = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
	/* FNV-1a: a change detector, not a security measure */
	for (p = (const unsigned char *)(s != NULL ? s : ""); *p; p++) {
		h ^= *p;
		h *= UINT64_C(1099511628211);
	}
	snprintf(out, 33, "%016" PRIx64, h);
	free(s);
	json_decref(c);
}

bool
sync_same_content(json_t *a, json_t *b)
{
	json_t *ca = content(a), *cb = content(b);
	bool same = json_equal(ca, cb) != 0;

	json_decref(ca);
	json_decref(cb);
	return same;
}
