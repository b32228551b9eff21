/*
 * test_sync.c - the parts of sync/ that need no server: the FHIR shapes
 * the mapping makes from a chaired meeting, which resources each outbox
 * row changes, the content hash, the server's words from an
 * OperationOutcome and a transaction's reply; and core's outbox
 * bookkeeping, including the migration of a schema 1 database.  The
 * backoff and the configuration are tested in test_sync_config.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fixture.h"
#include "sync_internal.h"
#include "text.h"
#include "rstring.h"
#include "store_internal.h"
/* ---- mapping --------------------------------------------------------- */

/* The demo meeting, opened, with one slot recorded in full. */
static int
setup_meeting(void **state)
{
	struct fx *f;
	int64_t slot, kc;

	fx_setup_demo(state);
	f = *state;
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting,
	    fx_person(f, "Marta Kowalczyk"), MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting,
	    fx_person(f, "Ade Okonkwo"), MDT_ATTEND_PRESENT), MDT_OK);
	assert_int_equal(mdt_attendance_set(f->s, f->meeting,
	    fx_person(f, "Hamza Qureshi"), MDT_ATTEND_APOLOGIES), MDT_OK);
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &slot), MDT_OK);
	f->now += 30 * FX_SEC;
	assert_int_equal(mdt_consent_record(f->s, slot,
	    MDT_CONSENT_BEST_INTERESTS, "Lacks capacity <today> & family"
	    " agree", NULL, 0), MDT_OK);
	assert_int_equal(mdt_note_add(f->s, slot, "Falls: 3 in 6 weeks <b>",
	    NULL), MDT_OK);
	assert_int_equal(mdt_action_add(f->s, slot, "Refer to falls clinic",
	    fx_person(f, "Marta Kowalczyk"), "2026-12-02", NULL), MDT_OK);
	assert_int_equal(mdt_outcome_record(f->s, slot, MDT_OUTCOME_STAY,
	    "2027-01-20"), MDT_OK);
	kc = fx_person(f, "Ade Okonkwo");
	assert_int_equal(mdt_key_contact_set(f->s, fx_int(f->s, "SELECT"
	    " patient_id FROM slots WHERE id = %lld", (long long)slot), kc),
	    MDT_OK);
	f->now += 5 * FX_MIN;
	assert_int_equal(mdt_slot_next(f->s, f->meeting, NULL), MDT_OK);
	return 0;
}

struct refs {
	struct sync_ref r[64];
	size_t n;
};

static void
collect(void *ctx, const struct sync_ref *ref)
{
	struct refs *rs = ctx;

	assert_true(rs->n < 64);
	rs->r[rs->n++] = *ref;
}

static size_t
count_kind(const struct refs *rs, enum sync_kind k)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++)
		n += rs->r[i].kind == k;
	return n;
}

static json_t *
build(struct fx *f, enum sync_kind kind, const char *uuid, struct refs *deps)
{
	struct sync_ref r;
	char err[256];
	json_t *j;

	r.kind = kind;
	snprintf(r.uuid, sizeof(r.uuid), "%s", uuid);
	j = sync_map_build(mdt_store_db(f->s), &r, collect, deps, err,
	    sizeof(err));
	if (j == NULL)
		fprintf(stderr, "build: %s\n", err);
	assert_non_null(j);
	return j;
}

static const char *
s_at(json_t *j, const char *path)
{
	json_t *v = json_object_get(j, path);

	return json_is_string(v) ? json_string_value(v) : "";
}

static char *
uuid_of(struct fx *f, const char *sql)
{
	static char buf[64];

	return (char *)fx_text(f->s, buf, sizeof(buf), "%s", sql);
}

static void
test_map_task(void **state)
{
	struct fx *f = *state;
	struct refs deps = { .n = 0 };
	char id[64], owner[64], slot[64], nhs[16], ref[80], id_buf[64];
	json_t *t, *p;

	snprintf(id, sizeof(id), "%s", uuid_of(f, "SELECT uuid FROM actions"));
	snprintf(owner, sizeof(owner), "%s", uuid_of(f, "SELECT p.uuid FROM"
	    " actions a JOIN people p ON p.id = a.owner_id"));
	snprintf(slot, sizeof(slot), "%s", uuid_of(f, "SELECT s.uuid FROM"
	    " actions a JOIN slots s ON s.id = a.slot_id"));
	snprintf(nhs, sizeof(nhs), "%s", uuid_of(f, "SELECT p.nhs_number"
	    " FROM actions a JOIN patients p ON p.id = a.patient_id"));
	t = build(f, SYNC_TASK, id, &deps);
	assert_string_equal(s_at(t, "resourceType"), "Task");
	assert_string_equal(s_at(t, "id"), id);
	p = json_array_get(json_object_get(t, "identifier"), 0);
	assert_string_equal(s_at(p, "system"), "urn:ietf:rfc:3986");
	snprintf(ref, sizeof(ref), "urn:uuid:%s", id);
	assert_string_equal(s_at(p, "value"), ref);
	assert_string_equal(s_at(t, "status"), "requested");
	assert_string_equal(s_at(t, "intent"), "order");
	assert_string_equal(s_at(t, "description"), "Refer to falls clinic");
	assert_string_equal(s_at(t, "authoredOn"), "2026-11-25T13:00:30Z");
	assert_null(json_object_get(t, "lastModified"));
	assert_string_equal(s_at(json_object_get(json_object_get(t,
	    "restriction"), "period"), "end"), "2026-12-02");
	/* the owner's role: its id made from the person's */
	{
		struct sync_ref role = { .kind = SYNC_ROLE };
		char rid[37];

		mdt_strlcpy(role.uuid, owner, sizeof(role.uuid));
		sync_ref_id(&role, rid);
		assert_string_not_equal(rid, owner);
		snprintf(ref, sizeof(ref), "PractitionerRole/%s", rid);
	}
	assert_string_equal(s_at(json_object_get(t, "owner"), "reference"),
	    ref);
	assert_string_equal(s_at(json_object_get(t, "owner"), "display"),
	    "Marta Kowalczyk");
	p = json_object_get(t, "for");
	assert_string_equal(s_at(p, "type"), "Patient");
	assert_string_equal(s_at(json_object_get(p, "identifier"), "system"),
	    "https://fhir.nhs.uk/Id/nhs-number");
	assert_string_equal(s_at(json_object_get(p, "identifier"), "value"),
	    nhs);
	/* the Patient entry of the bundle, which the server resolves */
	snprintf(ref, sizeof(ref), "urn:uuid:%s", fx_text(f->s, id_buf,
	    sizeof(id_buf), "SELECT uuid FROM patients WHERE nhs_number ="
	    " '%s'", nhs));
	assert_string_equal(s_at(p, "reference"), ref);
	snprintf(ref, sizeof(ref), "Encounter/%s", slot);
	assert_string_equal(s_at(json_object_get(t, "encounter"), "reference"),
	    ref);
	/* it refers to its owner's role, its discussion and its patient */
	assert_int_equal(deps.n, 3);
	assert_int_equal(count_kind(&deps, SYNC_ROLE), 1);
	assert_int_equal(count_kind(&deps, SYNC_DISCUSSION), 1);
	assert_int_equal(count_kind(&deps, SYNC_PATIENT), 1);
	json_decref(t);

	/* done: completed, with lastModified */
	f->now += FX_MIN;
	assert_int_equal(mdt_action_set_status(f->s, fx_int(f->s,
	    "SELECT id FROM actions"), MDT_ACTION_DONE), MDT_OK);
	deps.n = 0;
	t = build(f, SYNC_TASK, id, &deps);
	assert_string_equal(s_at(t, "status"), "completed");
	assert_string_equal(s_at(t, "lastModified"), "2026-11-25T13:06:30Z");
	json_decref(t);
	assert_int_equal(mdt_action_set_status(f->s, fx_int(f->s,
	    "SELECT id FROM actions"), MDT_ACTION_CANCELLED), MDT_OK);
	t = build(f, SYNC_TASK, id, &deps);
	assert_string_equal(s_at(t, "status"), "cancelled");
	json_decref(t);
}

static void
test_map_meeting_and_discussion(void **state)
{
	struct fx *f = *state;
	struct refs deps = { .n = 0 };
	char meeting[64], slot[64], ref[80];
	json_t *e, *parts;

	snprintf(meeting, sizeof(meeting), "%s", uuid_of(f, "SELECT uuid FROM"
	    " meetings"));
	e = build(f, SYNC_MEETING, meeting, &deps);
	assert_string_equal(s_at(e, "resourceType"), "Encounter");
	assert_string_equal(s_at(e, "status"), "in-progress");
	assert_string_equal(s_at(json_object_get(e, "class"), "code"), "AMB");
	assert_string_equal(s_at(json_array_get(json_object_get(
	    json_array_get(json_object_get(e, "type"), 0), "coding"), 0),
	    "code"), "384682003");
	/* attendance: the two present, not the apologies */
	parts = json_object_get(e, "participant");
	assert_int_equal(json_array_size(parts), 2);
	assert_int_equal(count_kind(&deps, SYNC_PRACTITIONER), 2);
	assert_string_equal(s_at(json_object_get(json_array_get(parts, 0),
	    "individual"), "display"), "Ade Okonkwo");
	assert_string_equal(s_at(json_array_get(json_object_get(
	    json_array_get(parts, 0), "type"), 0), "text"), "Social worker");
	assert_string_equal(s_at(json_object_get(json_array_get(
	    json_object_get(e, "location"), 0), "location"), "display"),
	    "Larkhall Green Practice");
	assert_string_equal(s_at(json_object_get(e, "period"), "start"),
	    "2026-11-25T13:00:00Z");
	assert_null(json_object_get(json_object_get(e, "period"), "end"));
	assert_non_null(strstr(s_at(json_object_get(e, "text"), "div"),
	    "<div xmlns=\"http://www.w3.org/1999/xhtml\">"));
	json_decref(e);

	snprintf(slot, sizeof(slot), "%s", uuid_of(f, "SELECT uuid FROM slots"
	    " WHERE state = 'done'"));
	deps.n = 0;
	e = build(f, SYNC_DISCUSSION, slot, &deps);
	assert_string_equal(s_at(e, "status"), "finished");
	snprintf(ref, sizeof(ref), "Encounter/%s", meeting);
	assert_string_equal(s_at(json_object_get(e, "partOf"), "reference"),
	    ref);
	assert_string_equal(s_at(json_object_get(json_object_get(e,
	    "subject"), "identifier"), "value"), uuid_of(f, "SELECT"
	    " p.nhs_number FROM slots s JOIN patients p ON p.id = s.patient_id"
	    " WHERE s.state = 'done'"));
	assert_string_equal(s_at(json_object_get(e, "period"), "end"),
	    "2026-11-25T13:05:30Z");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e,
	    "length"), "value")), 330);
	assert_int_equal(deps.n, 2);
	assert_int_equal(count_kind(&deps, SYNC_MEETING), 1);
	assert_int_equal(count_kind(&deps, SYNC_PATIENT), 1);
	json_decref(e);
}

static void
test_map_consent_outcome(void **state)
{
	struct fx *f = *state;
	struct refs deps = { .n = 0 };
	json_t *c, *o, *rule;

	c = build(f, SYNC_CONSENT, uuid_of(f, "SELECT uuid FROM consent"),
	    &deps);
	/* not given: rejected, not active */
	assert_string_equal(s_at(c, "status"), "rejected");
	assert_string_equal(s_at(json_array_get(json_object_get(
	    json_object_get(c, "scope"), "coding"), 0), "code"),
	    "patient-privacy");
	assert_non_null(json_array_get(json_object_get(c, "category"), 0));
	assert_string_equal(s_at(c, "dateTime"), "2026-11-25T13:00:30Z");
	rule = json_object_get(c, "policyRule");
	assert_string_equal(s_at(json_array_get(json_object_get(rule,
	    "coding"), 0), "code"), "best-interests");
	assert_non_null(strstr(s_at(rule, "text"), "Lacks capacity <today>"));
	/* consent not given: the discussion denied, by standard codes */
	assert_string_equal(s_at(json_object_get(c, "provision"), "type"),
	    "deny");
	assert_string_equal(s_at(json_array_get(json_object_get(rule,
	    "coding"), 1), "code"), "OPTOUT");
	/* the narrative escapes what was typed */
	assert_non_null(strstr(s_at(json_object_get(c, "text"), "div"),
	    "Lacks capacity &lt;today&gt; &amp; family"));
	assert_int_equal(deps.n, 1);
	assert_int_equal(count_kind(&deps, SYNC_PATIENT), 1);
	json_decref(c);

	o = build(f, SYNC_OUTCOME, uuid_of(f, "SELECT uuid FROM outcomes"),
	    &deps);
	assert_string_equal(s_at(o, "resourceType"), "Observation");
	assert_string_equal(s_at(o, "status"), "final");
	assert_string_equal(s_at(json_array_get(json_object_get(
	    json_object_get(o, "valueCodeableConcept"), "coding"), 0),
	    "code"), "stay");
	assert_string_equal(s_at(json_array_get(json_object_get(o,
	    "component"), 0), "valueDateTime"), "2027-01-20");
	assert_int_equal(count_kind(&deps, SYNC_DISCUSSION), 1);
	json_decref(o);
}

/* The nested deny provision i of a Consent's root provision, checked to
 * name org as an information recipient, by display only. */
static void
expect_deny(json_t *prov, size_t i, const char *org)
{
	json_t *d = json_array_get(json_object_get(prov, "provision"), i);
	json_t *actors, *role, *ref;

	assert_non_null(d);
	assert_string_equal(s_at(d, "type"), "deny");
	actors = json_object_get(d, "actor");
	assert_int_equal(json_array_size(actors), 1);
	role = json_array_get(json_object_get(json_object_get(
	    json_array_get(actors, 0), "role"), "coding"), 0);
	assert_string_equal(s_at(role, "system"),
	    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType");
	assert_string_equal(s_at(role, "code"), "IRCP");
	assert_string_equal(s_at(role, "display"), "information recipient");
	ref = json_object_get(json_array_get(actors, 0), "reference");
	assert_int_equal(json_object_size(ref), 1);
	assert_string_equal(s_at(ref, "display"), org);
	/* nothing but the type and the actor: every action is denied */
	assert_int_equal(json_object_size(d), 2);
}

static void
test_map_consent_exclusions(void **state)
{
	struct fx *f = *state;
	struct refs deps = { .n = 0 };
	int64_t slot = fx_int(f->s, "SELECT slot_id FROM consent");
	const char *two[] = { "Acme Care", "Borough <Housing> & Co" };
	char uuid[37], slot_uuid[37];
	json_t *c, *prov, *sec;

	snprintf(uuid, sizeof(uuid), "%s", uuid_of(f, "SELECT uuid FROM"
	    " consent"));
	snprintf(slot_uuid, sizeof(slot_uuid), "%s", uuid_of(f, "SELECT uuid"
	    " FROM slots WHERE id = (SELECT slot_id FROM consent)"));

	/* not given: the root provision denies the discussion and holds
	 * the denials */
	assert_int_equal(mdt_consent_record(f->s, slot,
	    MDT_CONSENT_BEST_INTERESTS, "Lacks capacity", two, 2), MDT_OK);
	c = build(f, SYNC_CONSENT, uuid, &deps);
	prov = json_object_get(c, "provision");
	assert_non_null(prov);
	assert_string_equal(s_at(prov, "type"), "deny");
	assert_string_equal(s_at(json_array_get(json_object_get(prov,
	    "action"), 0), "text"),
	    "Discussion at a multidisciplinary team meeting");
	assert_int_equal(json_array_size(json_object_get(prov, "provision")),
	    2);
	expect_deny(prov, 0, "Acme Care");
	expect_deny(prov, 1, "Borough <Housing> & Co");
	assert_non_null(strstr(s_at(json_object_get(c, "text"), "div"),
	    "<p>Organisations the patient asked to exclude: Acme Care,"
	    " Borough &lt;Housing&gt; &amp; Co.</p>"));
	json_decref(c);
	/* and the discussion record says so in its consent section */
	c = build(f, SYNC_RECORD, slot_uuid, &deps);
	sec = json_array_get(json_object_get(c, "section"), 0);
	assert_non_null(strstr(s_at(json_object_get(sec, "text"), "div"),
	    "exclude: Acme Care, Borough &lt;Housing&gt; &amp; Co."));
	json_decref(c);

	/* given: the permit, with the denials nested in it */
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, two, 1), MDT_OK);
	c = build(f, SYNC_CONSENT, uuid, &deps);
	prov = json_object_get(c, "provision");
	assert_string_equal(s_at(prov, "type"), "permit");
	assert_string_equal(s_at(json_array_get(json_object_get(prov,
	    "action"), 0), "text"),
	    "Discussion at a multidisciplinary team meeting");
	assert_int_equal(json_array_size(json_object_get(prov, "provision")),
	    1);
	expect_deny(prov, 0, "Acme Care");
	json_decref(c);

	/* given, none excluded: the permit alone, as before */
	assert_int_equal(mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
	    NULL, NULL, 0), MDT_OK);
	c = build(f, SYNC_CONSENT, uuid, &deps);
	prov = json_object_get(c, "provision");
	assert_string_equal(s_at(prov, "type"), "permit");
	assert_null(json_object_get(prov, "provision"));
	assert_null(strstr(s_at(json_object_get(c, "text"), "div"),
	    "exclude"));
	json_decref(c);
}

static void
test_map_record(void **state)
{
	struct fx *f = *state;
	struct refs deps = { .n = 0 };
	char slot[64], id[37];
	struct sync_ref r;
	json_t *c, *secs, *sec;
	const char *div;
	size_t i;

	snprintf(slot, sizeof(slot), "%s", uuid_of(f, "SELECT uuid FROM slots"
	    " WHERE state = 'done'"));
	c = build(f, SYNC_RECORD, slot, &deps);
	r.kind = SYNC_RECORD;
	memcpy(r.uuid, slot, sizeof(r.uuid) - 1);
	r.uuid[36] = '\0';
	sync_ref_id(&r, id);
	/* its own id, name-based from the slot's: the same every time */
	assert_string_not_equal(id, slot);
	assert_int_equal(id[14], '5');
	assert_string_equal(s_at(c, "id"), id);
	/* Composition.identifier is one Identifier, not a list */
	assert_true(json_is_object(json_object_get(c, "identifier")));
	assert_string_equal(s_at(c, "status"), "final");
	assert_string_equal(s_at(c, "date"), "2026-11-25T13:05:30Z");
	assert_string_not_equal(s_at(json_array_get(json_object_get(c,
	    "author"), 0), "display"), "");
	secs = json_object_get(c, "section");
	assert_int_equal(json_array_size(secs), 5);
	json_array_foreach(secs, i, sec) {
		div = s_at(json_object_get(sec, "text"), "div");
		assert_true(strncmp(div, "<div xmlns=\"http://www.w3.org/1999/"
		    "xhtml\">", 42) == 0);
		assert_non_null(strstr(div, "</div>"));
	}
	/* notes escaped; consent, outcome, key contact, actions referred */
	assert_non_null(strstr(s_at(json_object_get(json_array_get(secs, 1),
	    "text"), "div"), "Falls: 3 in 6 weeks &lt;b&gt;"));
	assert_int_equal(count_kind(&deps, SYNC_CONSENT), 1);
	assert_int_equal(count_kind(&deps, SYNC_OUTCOME), 1);
	assert_int_equal(count_kind(&deps, SYNC_PRACTITIONER), 1);
	assert_int_equal(count_kind(&deps, SYNC_TASK), 1);
	assert_int_equal(count_kind(&deps, SYNC_DISCUSSION), 1);
	assert_non_null(strstr(s_at(json_object_get(json_array_get(secs, 3),
	    "text"), "div"), "Ade Okonkwo (Social worker)"));
	json_decref(c);
}

static void
test_map_rows(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = mdt_store_db(f->s);
	struct refs rs = { .n = 0 };
	char err[256];

#define ROWS(entity, sql) do { rs.n = 0; \
	assert_int_equal(sync_map_row(db, entity, uuid_of(f, sql), collect, \
	    &rs, err, sizeof(err)), 0); } while (0)

	/* the meeting, and only the slot discussed (consent recorded):
	 * nothing of the other eleven patients, started or not */
	ROWS("meeting", "SELECT uuid FROM meetings");
	assert_int_equal(count_kind(&rs, SYNC_MEETING), 1);
	assert_int_equal(count_kind(&rs, SYNC_DISCUSSION), 1);
	assert_int_equal(count_kind(&rs, SYNC_RECORD), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots WHERE"
	    " state <> 'pending'"), 2);
	ROWS("attendance", "SELECT uuid FROM attendance LIMIT 1");
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].kind, SYNC_MEETING);
	ROWS("consent", "SELECT uuid FROM consent");
	assert_int_equal(count_kind(&rs, SYNC_CONSENT), 1);
	assert_int_equal(count_kind(&rs, SYNC_RECORD), 1);
	ROWS("note", "SELECT uuid FROM notes");
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].kind, SYNC_RECORD);
	ROWS("action", "SELECT uuid FROM actions");
	assert_int_equal(count_kind(&rs, SYNC_TASK), 1);
	assert_int_equal(count_kind(&rs, SYNC_RECORD), 1);
	ROWS("outcome", "SELECT uuid FROM outcomes");
	assert_int_equal(count_kind(&rs, SYNC_OUTCOME), 1);
	ROWS("slot", "SELECT s.uuid FROM slots s JOIN consent c"
	    " ON c.slot_id = s.id");
	assert_int_equal(count_kind(&rs, SYNC_DISCUSSION), 1);
	/* the key contact: on the record of the latest discussion */
	ROWS("patient", "SELECT p.uuid FROM patients p JOIN slots s"
	    " ON s.patient_id = p.id WHERE s.state = 'done'");
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].kind, SYNC_RECORD);
	/* a patient never discussed: nothing to send */
	ROWS("patient", "SELECT p.uuid FROM patients p JOIN slots s"
	    " ON s.patient_id = p.id WHERE s.state = 'pending' LIMIT 1");
	assert_int_equal(rs.n, 0);
	/* what an older version sent of a slot never discussed goes again,
	 * to be withdrawn: its Encounter and (started) its record */
	{
		struct sync_ref ref = { .kind = SYNC_RECORD };
		char rec_id[37], *dump;
		json_t *r;

		mdt_strlcpy(ref.uuid, uuid_of(f, "SELECT uuid FROM slots"
		    " WHERE state <> 'pending' AND id NOT IN (SELECT slot_id"
		    " FROM consent)"), sizeof(ref.uuid));
		sync_ref_id(&ref, rec_id);
		snprintf(err, sizeof(err), "INSERT INTO sync_versions VALUES"
		    " ('Encounter', (SELECT uuid FROM slots WHERE position = 12),"
		    " '1', 'h', 1), ('Composition', '%s', '1', 'h', 1)", rec_id);
		fx_exec(f->s, err);
		ROWS("meeting", "SELECT uuid FROM meetings");
		assert_int_equal(count_kind(&rs, SYNC_DISCUSSION), 2);
		assert_int_equal(count_kind(&rs, SYNC_RECORD), 2);
		/* withdrawn, with nothing of the patient */
		r = sync_map_build(db, &ref, collect, &rs, err, sizeof(err));
		assert_non_null(r);
		assert_string_equal(s_at(r, "status"), "entered-in-error");
		assert_null(json_object_get(r, "subject"));
		assert_null(json_object_get(r, "section"));
		dump = json_dumps(r, 0);
		assert_null(strstr(dump, fx_text(f->s, err, sizeof(err),
		    "SELECT p.nhs_number FROM patients p JOIN slots s ON"
		    " s.patient_id = p.id WHERE s.uuid = '%s'", ref.uuid)));
		free(dump);
		json_decref(r);
		ref.kind = SYNC_DISCUSSION;
		r = sync_map_build(db, &ref, collect, &rs, err, sizeof(err));
		assert_non_null(r);
		assert_string_equal(s_at(r, "status"), "entered-in-error");
		assert_null(json_object_get(r, "subject"));
		assert_null(json_object_get(r, "reasonCode"));
		dump = json_dumps(r, 0);
		assert_null(strstr(dump, fx_text(f->s, err, sizeof(err),
		    "SELECT p.name FROM patients p JOIN slots s ON"
		    " s.patient_id = p.id WHERE s.uuid = '%s'", ref.uuid)));
		free(dump);
		json_decref(r);
		fx_exec(f->s, "DELETE FROM sync_versions");
	}
	rs.n = 0;
	assert_int_equal(sync_map_row(db, "venue", "x", collect, &rs, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "venue"));
	/* once the meeting is purged its record is never built again: an
	 * action closed later or a new key contact sends only its own part */
	fx_exec(f->s, "UPDATE meetings SET purged_at = 1");
	ROWS("action", "SELECT uuid FROM actions");
	assert_int_equal(count_kind(&rs, SYNC_TASK), 1);
	assert_int_equal(count_kind(&rs, SYNC_RECORD), 0);
	ROWS("patient", "SELECT p.uuid FROM patients p JOIN slots s"
	    " ON s.patient_id = p.id WHERE s.state = 'done'");
	assert_int_equal(rs.n, 0);
#undef ROWS
}

static void
test_hash_and_outcome_text(void **state)
{
	char h1[33], h2[33], text[256];
	json_t *a, *b;

	(void)state;
	a = json_loads("{\"resourceType\":\"Task\",\"id\":\"x\",\"status\":"
	    "\"requested\"}", 0, NULL);
	b = json_loads("{\"status\":\"requested\",\"id\":\"x\",\"meta\":"
	    "{\"versionId\":\"4\"},\"resourceType\":\"Task\"}", 0, NULL);
	sync_body_hash(a, h1);
	sync_body_hash(b, h2);
	assert_int_equal(strlen(h1), 16);
	assert_string_equal(h1, h2);
	assert_true(sync_same_content(a, b));
	/* the narrative counts for the hash (ours: the meeting's title is
	 * only there), not for a server's copy read back */
	json_object_set_new(b, "text", json_pack("{s:s, s:s}", "status",
	    "generated", "div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">"
	    "Riverside MDT</div>"));
	sync_body_hash(b, h2);
	assert_string_not_equal(h1, h2);
	assert_true(sync_same_content(a, b));
	json_object_del(b, "text");
	json_object_set_new(b, "status", json_string("completed"));
	sync_body_hash(b, h2);
	assert_string_not_equal(h1, h2);
	assert_false(sync_same_content(a, b));
	json_decref(a);
	json_decref(b);

	assert_true(sync_outcome_text("{\"resourceType\":\"OperationOutcome\","
	    "\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\","
	    "\"diagnostics\":\"Invalid dateTime\",\"expression\":"
	    "[\"Task.restriction.period.end\"]},{\"severity\":\"error\","
	    "\"code\":\"required\",\"details\":{\"text\":\"Missing\\nstatus\"}}"
	    "]}", text, sizeof(text)));
	assert_string_equal(text, "Invalid dateTime (at"
	    " Task.restriction.period.end); Missing status");
	assert_false(sync_outcome_text("<html>502</html>", text,
	    sizeof(text)));
	assert_false(sync_outcome_text("{\"resourceType\":\"Bundle\"}", text,
	    sizeof(text)));
}

/* What a 2xx reply to a transaction says was written. */
static void
test_transaction_reply(void **state)
{
	char *v[3], err[256], acked[33] = "";
	const char *body;
	json_t *ours, *old;

	(void)state;
	/* versions from the etag, the location, then meta.versionId */
	body = "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\","
	    "\"entry\":[{\"response\":{\"status\":\"201 Created\",\"etag\":"
	    "\"W/\\\"1\\\"\"}},"
	    "{\"response\":{\"status\":\"200 OK\",\"location\":"
	    "\"Task/a/_history/7\"}},"
	    "{\"response\":{\"status\":\"200\"},\"resource\":{\"meta\":"
	    "{\"versionId\":\"3\"}}}]}";
	assert_int_equal(sync_transaction_reply(body, strlen(body), 3, v, err,
	    sizeof(err)), 0);
	assert_string_equal(v[0], "1");
	assert_string_equal(v[1], "7");
	assert_string_equal(v[2], "3");
	free(v[0]);
	free(v[1]);
	free(v[2]);
	/* a malformed version is none at all (no quotes, no line breaks) */
	body = "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\","
	    "\"entry\":[{\"response\":{\"status\":\"201\",\"etag\":"
	    "\"W/\\\"1\\r\\nX: y\\\"\"}}]}";
	assert_int_equal(sync_transaction_reply(body, strlen(body), 1, v, err,
	    sizeof(err)), 0);
	assert_null(v[0]);
	/* anything that does not confirm every entry confirms none */
#define REFUSED(body, n, why) do { \
		assert_int_equal(sync_transaction_reply(body, strlen(body), n, \
		    v, err, sizeof(err)), -1); \
		assert_null(v[0]); \
		assert_non_null(strstr(err, why)); \
	} while (0)
	REFUSED("", 1, "not JSON");
	REFUSED("<html>OK</html>", 1, "not JSON");
	REFUSED("{\"resourceType\":\"OperationOutcome\"}", 1, "not a Bundle");
	REFUSED("{\"resourceType\":\"Bundle\",\"type\":\"batch-response\","
	    "\"entry\":[{\"response\":{\"status\":\"200\"}}]}", 1,
	    "not a transaction-response");
	REFUSED("{\"resourceType\":\"Bundle\",\"type\":"
	    "\"transaction-response\",\"entry\":[{\"response\":{\"status\":"
	    "\"200\"}}]}", 2, "1 entries for the 2 sent");
	REFUSED("{\"resourceType\":\"Bundle\",\"type\":"
	    "\"transaction-response\"}", 1, "0 entries for the 1 sent");
	REFUSED("{\"resourceType\":\"Bundle\",\"type\":"
	    "\"transaction-response\",\"entry\":[{\"response\":{\"status\":"
	    "\"200\"}},{\"response\":{\"status\":\"412 Precondition"
	    " Failed\"}}]}", 2, "entry 1 of the reply is not a success");
	REFUSED("{\"resourceType\":\"Bundle\",\"type\":"
	    "\"transaction-response\",\"entry\":[{\"response\":{\"status\":"
	    "\"2000\"}}]}", 1, "not a success");
	REFUSED("{\"resourceType\":\"Bundle\",\"type\":"
	    "\"transaction-response\",\"entry\":[{}]}", 1, "not a success");
#undef REFUSED

	/* reading back after a version conflict */
	ours = json_loads("{\"resourceType\":\"Task\",\"id\":\"x\","
	    "\"status\":\"requested\"}", 0, NULL);
#define READ(body, want, vid) do { \
		char *got; \
		assert_int_equal(sync_read_back(body, strlen(body), ours, \
		    acked, &got), want); \
		if ((vid) == NULL) \
			assert_null(got); \
		else \
			assert_string_equal(got, (vid)); \
		free(got); \
	} while (0)
	READ("{\"resourceType\":\"Task\",\"id\":\"x\",\"status\":"
	    "\"requested\",\"meta\":{\"versionId\":\"2\"}}", SYNC_READ_SAME,
	    "2");
	READ("{\"resourceType\":\"Task\",\"id\":\"x\",\"status\":"
	    "\"completed\",\"meta\":{\"versionId\":\"3\"}}",
	    SYNC_READ_CHANGED, "3");
	READ("{\"resourceType\":\"Task\",\"id\":\"x\",\"status\":"
	    "\"completed\",\"meta\":{\"versionId\":\"3\\\"\"}}",
	    SYNC_READ_CHANGED, NULL);
	/* what we last had acknowledged, under a later version: our own
	 * write landing late */
	old = json_loads("{\"resourceType\":\"Task\",\"id\":\"x\","
	    "\"status\":\"completed\"}", 0, NULL);
	sync_body_hash(old, acked);
	json_decref(old);
	READ("{\"resourceType\":\"Task\",\"id\":\"x\",\"status\":"
	    "\"completed\",\"meta\":{\"versionId\":\"4\"}}",
	    SYNC_READ_EARLIER, "4");
	READ("{\"resourceType\":\"Task\",\"id\":\"x\",\"status\":"
	    "\"cancelled\",\"meta\":{\"versionId\":\"5\"}}",
	    SYNC_READ_CHANGED, "5");
	acked[0] = '\0';
	READ("{\"resourceType\":\"Task\",\"id\":\"x\",\"status\":"
	    "\"completed\",\"meta\":{\"versionId\":\"4\"}}",
	    SYNC_READ_CHANGED, "4");
	READ("{\"resourceType\":\"Task\",\"id\":\"y\",\"status\":"
	    "\"requested\"}", SYNC_READ_UNKNOWN, NULL);
	READ("{\"resourceType\":\"OperationOutcome\",\"id\":\"x\"}",
	    SYNC_READ_UNKNOWN, NULL);
	READ("<html>", SYNC_READ_UNKNOWN, NULL);
	READ("[]", SYNC_READ_UNKNOWN, NULL);
#undef READ
	json_decref(ours);
}

/* ---- core's outbox bookkeeping --------------------------------------- */

static void
test_outbox_bookkeeping(void **state)
{
	struct fx *f = *state;
	struct mdt_outbox_counts c;
	struct mdt_outbox_row *rows;
	struct mdt_sync_version v = { "Task", "abc", "3", "0123abcd" };
	char vid[65], hash[33];
	int64_t ids[2], n;
	size_t nr;
	bool found;

	assert_int_equal(mdt_outbox_counts(f->s, &c), MDT_OK);
	assert_true(c.pending > 5);
	assert_int_equal(c.sent + c.failed + c.conflict, 0);
	assert_int_equal(mdt_outbox_list(f->s, MDT_OUTBOX_MASK(
	    MDT_OUTBOX_PENDING), 2, &rows, &nr), MDT_OK);
	assert_int_equal(nr, 2);
	assert_true(rows[0].id < rows[1].id);
	assert_string_equal(rows[0].entity, "meeting");
	assert_non_null(strstr(rows[0].label, "meeting: "));
	ids[0] = rows[0].id;
	ids[1] = rows[1].id;
	mdt_outbox_rows_free(rows, nr);

	/* retry: attempts and next_at kept on the rows */
	assert_int_equal(mdt_outbox_mark_retry(f->s, ids, 2, f->now + 5000,
	    "HTTP 503"), MDT_OK);
	assert_int_equal(mdt_outbox_counts(f->s, &c), MDT_OK);
	assert_int_equal(c.max_attempts, 1);
	/* the other rows are due: the two waiting hold nothing back */
	assert_true(c.next_at <= f->now);
	assert_int_equal(mdt_outbox_list_due(f->s, 0, &rows, &nr), MDT_OK);
	assert_int_equal((int64_t)nr, c.pending - 2);
	for (size_t i = 0; i < nr; i++)
		assert_true(rows[i].id != ids[0] && rows[i].id != ids[1]);
	mdt_outbox_rows_free(rows, nr);
	/* a row stamped past the longest wait is due now */
	fx_exec(f->s, "UPDATE outbox SET next_at = 9e15 WHERE state ="
	    " 'pending' AND attempts = 0");
	assert_int_equal(mdt_outbox_counts(f->s, &c), MDT_OK);
	assert_int_equal(c.next_at, f->now);
	assert_int_equal(mdt_outbox_list_due(f->s, 0, &rows, &nr), MDT_OK);
	assert_int_equal((int64_t)nr, c.pending - 2);
	mdt_outbox_rows_free(rows, nr);
	/* when all wait, the earliest is when the first is due */
	snprintf(vid, sizeof(vid), "%lld", (long long)(f->now + 7000));
	{
		char sql[128];

		snprintf(sql, sizeof(sql), "UPDATE outbox SET next_at = %s"
		    " WHERE next_at = 9e15", vid);
		fx_exec(f->s, sql);
	}
	assert_int_equal(mdt_outbox_counts(f->s, &c), MDT_OK);
	assert_int_equal(c.next_at, f->now + 5000);
	assert_int_equal(mdt_outbox_list_due(f->s, 0, &rows, &nr), MDT_OK);
	assert_int_equal(nr, 0);
	/* a row with no time at all (an older version's) is due */
	fx_exec(f->s, "UPDATE outbox SET next_at = NULL WHERE id ="
	    " (SELECT max(id) FROM outbox WHERE attempts = 0)");
	assert_int_equal(mdt_outbox_counts(f->s, &c), MDT_OK);
	assert_int_equal(c.next_at, f->now);
	assert_int_equal(mdt_outbox_list_due(f->s, 0, &rows, &nr), MDT_OK);
	assert_int_equal(nr, 1);
	mdt_outbox_rows_free(rows, nr);
	fx_exec(f->s, "UPDATE outbox SET next_at = 0 WHERE attempts = 0");
	/* sent, with the version */
	assert_int_equal(mdt_outbox_mark_sent(f->s, ids, 1, &v, 1), MDT_OK);
	/* one audit row for the delivery; none when nothing was delivered */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit WHERE"
	    " action = 'sync' AND detail = '1 record delivered'"), 1);
	assert_int_equal(mdt_outbox_mark_sent(f->s, ids, 1, NULL, 0), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit WHERE"
	    " action = 'sync'"), 1);
	assert_int_equal(mdt_sync_version_get(f->s, "Task", "abc", vid, hash,
	    &found), MDT_OK);
	assert_true(found);
	assert_string_equal(vid, "3");
	assert_string_equal(hash, "0123abcd");
	assert_int_equal(mdt_sync_version_get(f->s, "Task", "zzz", vid, hash,
	    &found), MDT_OK);
	assert_false(found);
	/* failed, kept with the server's words; a sent row stays sent */
	assert_int_equal(mdt_outbox_mark_failed(f->s, ids, 2,
	    MDT_OUTBOX_CONFLICT, "changed on the server"), MDT_OK);
	assert_int_equal(mdt_outbox_counts(f->s, &c), MDT_OK);
	assert_int_equal(c.sent, 1);
	assert_int_equal(c.conflict, 1);
	assert_int_equal(c.last_sent_at, FX_T0 + 30 * FX_SEC + 5 * FX_MIN);
	assert_int_equal(mdt_outbox_list(f->s, MDT_OUTBOX_MASK(
	    MDT_OUTBOX_CONFLICT), 0, &rows, &nr), MDT_OK);
	assert_int_equal(nr, 1);
	assert_string_equal(rows[0].last_error, "changed on the server");
	assert_int_equal(rows[0].state, MDT_OUTBOX_CONFLICT);
	mdt_outbox_rows_free(rows, nr);
	/* states asked together: both, oldest first, the others left out */
	assert_int_equal(mdt_outbox_list(f->s,
	    MDT_OUTBOX_MASK(MDT_OUTBOX_SENT) |
	    MDT_OUTBOX_MASK(MDT_OUTBOX_CONFLICT), 0, &rows, &nr), MDT_OK);
	assert_int_equal(nr, 2);
	assert_int_equal(rows[0].id, ids[0]);
	assert_int_equal(rows[0].state, MDT_OUTBOX_SENT);
	assert_int_equal(rows[1].id, ids[1]);
	assert_int_equal(rows[1].state, MDT_OUTBOX_CONFLICT);
	mdt_outbox_rows_free(rows, nr);
	assert_int_equal(mdt_outbox_list(f->s, 0, 0, &rows, &nr), MDT_OK);
	assert_int_equal(nr, 0);
	mdt_outbox_rows_free(rows, nr);
	assert_int_equal(mdt_outbox_mark_failed(f->s, ids, 1,
	    MDT_OUTBOX_SENT, "x"), MDT_EINVAL);
	/* and back to the queue when a person says so */
	assert_int_equal(mdt_outbox_retry_problems(f->s, &n), MDT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(mdt_outbox_counts(f->s, &c), MDT_OK);
	assert_int_equal(c.conflict, 0);
	assert_string_equal(mdt_outbox_state_name(MDT_OUTBOX_FAILED),
	    "failed");
}

static void
test_migrate_schema_1(void **state)
{
	struct fx *f = *state;
	struct mdt_outbox_counts c;
	char sql[2048], err[256], st[16];
	sqlite3 *db;

	/* a schema 1 file with a queued row, as the first release wrote */
	snprintf(sql, sizeof(sql),
	    "INSERT INTO outbox (uuid, entity, entity_uuid, created_at, state,"
	    " attempts, last_error) VALUES ('u1', 'note', 'n1', 5, 'failed', 2,"
	    " 'HTTP 400');"
	    "PRAGMA application_id = %d; PRAGMA user_version = 1;",
	    MDT_APPLICATION_ID);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, mdt_schema_step_sql(0), NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(chmod(f->path, 0600), 0);
	assert_int_equal(mdt_store_open(f->path, &f->clock, 0, &f->s, err,
	    sizeof(err)), MDT_OK);
	assert_int_equal(fx_int(f->s, "PRAGMA user_version"),
	    MDT_SCHEMA_VERSION);
	assert_string_equal(fx_text(f->s, st, sizeof(st), "SELECT state FROM"
	    " outbox WHERE uuid = 'u1'"), "failed");
	assert_int_equal(fx_int(f->s, "SELECT attempts FROM outbox"), 2);
	/* counted by state from the migration on (schema 8) */
	assert_int_equal(mdt_outbox_counts(f->s, &c), MDT_OK);
	assert_int_equal(c.failed, 1);
	assert_int_equal(c.pending + c.sent + c.conflict, 0);
	fx_exec(f->s, "UPDATE outbox SET state = 'conflict'");
	assert_int_equal(mdt_outbox_counts(f->s, &c), MDT_OK);
	assert_int_equal(c.failed, 0);
	assert_int_equal(c.conflict, 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM sync_versions"),
	    0);
}

static int
setup_dir(void **state)
{
	struct fx *f = fx_new();

	fx_tempdir(f);
	*state = f;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_task, setup_meeting,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_map_meeting_and_discussion,
		    setup_meeting, fx_teardown),
		cmocka_unit_test_setup_teardown(test_map_consent_outcome,
		    setup_meeting, fx_teardown),
		cmocka_unit_test_setup_teardown(test_map_consent_exclusions,
		    setup_meeting, fx_teardown),
		cmocka_unit_test_setup_teardown(test_map_record, setup_meeting,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_map_rows, setup_meeting,
		    fx_teardown),
		cmocka_unit_test(test_hash_and_outcome_text),
		cmocka_unit_test(test_transaction_reply),
		cmocka_unit_test_setup_teardown(test_outbox_bookkeeping,
		    setup_meeting, fx_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_schema_1,
		    setup_dir, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
