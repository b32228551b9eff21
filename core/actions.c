/*
 * actions.c - the people who own actions, and each owner's actions across
 * meetings: the list an owner (in the NHS or not) works from between
 * meetings, filtered by owner, organisation or being overdue, and printed
 * as text, Markdown or JSON.  Closing an action is the act in acts.c
 * (mdt_action_set_status); this file only adds people and reads.
 */
#include "config.h"

#include "actions.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "model.h"
#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* ---- people ---------------------------------------------------------- */

/* A copy of s without the white space around it; NULL stays "". */
static char *
trimmed(const char *s)
{
	size_t n;

	if (s == NULL)
		return mdt_xstrdup("");
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return mdt_xasprintf("%.*s", (int)n, s);
}

/* A person's registers: the act's person_id, then what to set. */
struct mdt_person_ids {
	struct mdt_act a;
	const char *body, *number, *sds;
};

/* Someone to add, trimmed, and what they are ("person", "team" or
 * "network"); id gets their row. */
struct person_act {
	const char *name;
	const char *role;
	const char *org;
	const char *kind;
	int64_t id;
};

static enum mdt_status
person_add_tx(struct mdt_store *s, void *ctx)
{
	struct person_act *a = ctx;
	enum mdt_status st;
	char uuid[37], *known = NULL;

	st = mdt_query_text(s, &known, "SELECT name || CASE organisation"
	    " WHEN '' THEN '' ELSE ' of ' || organisation END FROM people"
	    " WHERE lower(name) = lower(?) AND lower(organisation) = lower(?)",
	    "tt", a->name, a->org);
	if (st == MDT_OK) {
		st = mdt_fail(s, MDT_EINVAL, "%s is known already (see"
		    " 'mdtchair people')", known != NULL ? known : a->name);
		free(known);
		return st;
	}
	if (st != MDT_ENOTFOUND)
		return st;
	if (strcmp(a->kind, "network") == 0) {
		st = mdt_query_text(s, &known, "SELECT name FROM people"
		    " WHERE kind = 'network'", "");
		if (st == MDT_OK) {
			st = mdt_fail(s, MDT_EINVAL, "the network is named"
			    " already: %s", known);
			free(known);
			return st;
		}
		if (st != MDT_ENOTFOUND)
			return st;
	}
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO people (uuid, name, role, organisation,"
	    " kind) VALUES (?, ?, ?, ?, ?)", "ttttt", uuid, a->name, a->role,
	    a->org, a->kind);
	if (st != MDT_OK)
		return st;
	a->id = sqlite3_last_insert_rowid(s->db);
	st = mdt_audit_add(s, "person_add", "person", uuid, "person %" PRId64,
	    a->id);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "person", uuid, "upsert");
	return st;
}

static enum mdt_status
add_someone(struct mdt_store *s, const char *name, const char *role,
    const char *organisation, const char *kind, int64_t *person_id)
{
	char *n = trimmed(name), *r = trimmed(role), *o = trimmed(organisation);
	struct person_act a = { n, r, o, kind, 0 };
	enum mdt_status st;

	if (n[0] == '\0')
		st = mdt_fail(s, MDT_EINVAL, "a %s needs a name",
		    strcmp(kind, "person") == 0 ? "person" : "team");
	else if ((st = mdt_text_check(s, "the name", n, false, 200)) ==
	    MDT_OK && (st = mdt_text_check(s, "the role", r, false, 200)) ==
	    MDT_OK && (st = mdt_text_check(s, "the organisation", o, false,
	    200)) == MDT_OK)
		st = mdt_tx_run(s, person_add_tx, &a, NULL);
	if (st == MDT_OK && person_id != NULL)
		*person_id = a.id;
	free(n);
	free(r);
	free(o);
	return st;
}

enum mdt_status
mdt_person_add(struct mdt_store *s, const char *name, const char *role,
    const char *organisation, int64_t *person_id)
{
	return add_someone(s, name, role, organisation, "person", person_id);
}

enum mdt_status
mdt_team_add(struct mdt_store *s, const char *name, const char *organisation,
    bool network, int64_t *team_id)
{
	return add_someone(s, name, "", organisation, network ? "network" :
	    "team", team_id);
}

/* s in upper case (ASCII letters), trimmed; NULL for NULL. */
static char *
upper(const char *s)
{
	char *u, *p;

	if (s == NULL)
		return NULL;
	u = trimmed(s);
	for (p = u; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u;
}

static enum mdt_status
person_ids_tx(struct mdt_store *s, struct mdt_act *a)
{
	struct mdt_person_ids *p = (struct mdt_person_ids *)a;
	struct mdt_id_text who;
	const char *uuid = who.text;
	enum mdt_status st;

	st = mdt_read_id(s, &who, sizeof(who), mdt_row_id_text, "person",
	    "SELECT id, uuid FROM people WHERE id = ? AND kind = 'person'",
	    a->person_id);
	if (st == MDT_OK && p->number != NULL)
		st = mdt_run(s, "UPDATE people SET registration_body = ?,"
		    " registration_number = ? WHERE id = ?", "TTi", p->body,
		    p->number, a->person_id);
	if (st == MDT_OK && p->sds != NULL)
		st = mdt_run(s, "UPDATE people SET sds_user_id = ? WHERE id = ?",
		    "Ti", p->sds, a->person_id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "person_ids", "person", uuid,
		    "person %" PRId64 ": registers", a->person_id);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "person", uuid, "upsert");
	return st;
}

enum mdt_status
mdt_person_set_ids(struct mdt_store *s, int64_t person_id, const char *body,
    const char *number, const char *sds)
{
	struct mdt_person_ids p = { .a = { .person_id = person_id } };
	enum mdt_status st = MDT_OK;
	char *n = upper(number), *d = upper(sds);

	/* a number "" forgets the registration, body and all */
	p.body = n != NULL && n[0] == '\0' ? "" : body;
	p.number = n;
	p.sds = d;
	if ((body == NULL) != (number == NULL))
		st = mdt_fail(s, MDT_EINVAL, "a registration is a body and a"
		    " number");
	else if (n != NULL && n[0] != '\0' && !mdt_registration_ok(body, n))
		st = mdt_fail(s, MDT_EINVAL, "not a %s number: GMC 7 digits,"
		    " NMC like 12A3456B, HCPC 2 letters and 5 or 6 digits",
		    strcmp(body, "gmc") == 0 ? "GMC" : strcmp(body, "nmc") ==
		    0 ? "NMC" : strcmp(body, "hcpc") == 0 ? "HCPC" :
		    "registration");
	else if (d != NULL && d[0] != '\0' && !mdt_sds_ok(d))
		st = mdt_fail(s, MDT_EINVAL, "not an NHS Spine (SDS) user id:"
		    " 12 digits");
	if (st == MDT_OK)
		st = mdt_act_run(s, person_ids_tx, 0, &p.a);
	free(n);
	free(d);
	return st;
}

/* An organisation's ODS code: the act's text (the name), then the code. */
struct mdt_org_ods {
	struct mdt_act a;
	const char *code;
};

static enum mdt_status
org_ods_tx(struct mdt_store *s, struct mdt_act *a)
{
	const char *code = ((struct mdt_org_ods *)a)->code;
	enum mdt_status st;
	char id[37];

	mdt_org_uuid(a->text, id);
	if (code[0] == '\0')
		st = mdt_run(s, "DELETE FROM organisations WHERE name = ?", "t",
		    a->text);
	else
		st = mdt_run(s, "INSERT INTO organisations (name, ods_code)"
		    " VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE"
		    " SET ods_code = ?2", "tt", a->text, code);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "organisation_ods", "organisation", id,
		    "ODS code %s", code[0] != '\0' ? code : "forgotten");
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "organisation", id, "upsert");
	return st;
}

enum mdt_status
mdt_org_set_ods(struct mdt_store *s, const char *org, const char *code)
{
	char *name = mdt_org_tidy(org), *c = upper(code != NULL ? code : "");
	enum mdt_status st;

	if (name == NULL)
		st = mdt_fail(s, MDT_EINVAL, "an organisation needs a name");
	else if (c[0] != '\0' && !mdt_ods_ok(c))
		st = mdt_fail(s, MDT_EINVAL, "not an ODS code: 3 to 10 letters"
		    " and digits");
	else if ((st = mdt_text_check(s, "the organisation", name, false,
	    200)) == MDT_OK)
		st = mdt_act_run(s, org_ods_tx, 0, &(struct mdt_org_ods){
		    .a = { .text = name }, .code = c }.a);
	free(name);
	free(c);
	return st;
}

enum mdt_status
mdt_people_count(struct mdt_store *s, const char *name_part,
    const char *org_part, int64_t *n)
{
	return mdt_query_int(s, n, "SELECT count(*) FROM people"
	    " WHERE (?1 IS NULL OR instr(lower(name), lower(?1)) > 0)"
	    " AND (?2 IS NULL OR instr(lower(organisation), lower(?2)) > 0)",
	    "TT", name_part, org_part);
}

/* ---- the query ------------------------------------------------------- */

/* An action with its owner, patient, meeting and what the central record
 * said of it. */
#define ACTIONS_SELECT \
    "SELECT a.id, a.uuid, a.text, a.status, a.due_date, a.created_at," \
    " coalesce(a.closed_at, 0), o.id, o.name, o.role, o.organisation," \
    " p.id, p.name, p.date_of_birth, p.nhs_number, coalesce(m.id, 0)," \
    " m.title, coalesce(m.scheduled_start, 0)," \
    " coalesce(r.conflict, 0), r.applied_at IS NOT NULL, r.status, r.owner," \
    " coalesce(r.modified, 0)" \
    " FROM actions a JOIN people o ON o.id = a.owner_id" \
    " JOIN patients p ON p.id = a.patient_id" \
    " LEFT JOIN slots s ON s.id = a.slot_id" \
    " LEFT JOIN meetings m ON m.id = s.meeting_id" \
    " LEFT JOIN record_tasks r ON r.action_id = a.id"

/* Those that match the filter (?1 to ?8, as mdt_actions_query binds
 * them), in the order listed. */
#define ACTIONS_MATCH \
    " (?1 IS NULL OR instr(lower(o.name), lower(?1)) > 0)" \
    " AND (?2 IS NULL OR instr(lower(o.organisation), lower(?2)) > 0)" \
    " AND (?3 OR a.status = 'open' OR r.conflict = 1" \
    "  OR (?8 > 0 AND r.applied_at >= ?8))" \
    " AND (NOT ?4 OR (a.status = 'open' AND a.due_date < ?5))" \
    " AND (?6 = 0 OR o.id = ?6)" \
    /* a list for an organisation leaves out whoever asked, with their \
     * latest consent, to be kept from it */ \
    " AND (?7 IS NULL OR NOT EXISTS (SELECT 1 FROM consent_exclusions e" \
    "  WHERE e.slot_id = (SELECT c.slot_id FROM consent c" \
    "   JOIN slots cs ON cs.id = c.slot_id WHERE cs.patient_id = p.id" \
    "   ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1)" \
    "  AND (instr(lower(e.organisation), lower(?7)) > 0" \
    "   OR instr(lower(?7), lower(e.organisation)) > 0)))" \
    " ORDER BY o.name COLLATE NOCASE, o.id, a.status <> 'open'," \
    " a.due_date, a.id"

/* By whether the finished are asked for (?3): without them, the open and
 * those the record speaks of are found by their indexes, not among every
 * action ever agreed. */
static const char *const actions_sql[2] = {
	ACTIONS_SELECT " WHERE a.id IN (SELECT id FROM actions"
	" INDEXED BY actions_open WHERE status = 'open'"
	" UNION SELECT action_id FROM record_tasks WHERE conflict = 1"
	" UNION SELECT action_id FROM record_tasks WHERE ?8 > 0"
	" AND applied_at >= ?8 AND applied_at IS NOT NULL) AND" ACTIONS_MATCH,
	ACTIONS_SELECT " WHERE" ACTIONS_MATCH,
};

/* What an item owns, freed. */
static void
item_done(void *row)
{
	struct mdt_action_item *it = row;

	mdt_free_each(8, it->text, it->owner_name, it->owner_role,
	    it->owner_org, it->patient_name, it->date_of_birth,
	    it->meeting_title, it->record_owner);
}

static void
item_read(sqlite3_stmt *st, void *row, void *ctx)
{
	const char *today = ctx;
	struct mdt_action_item *it = row;

	mdt_cols(st, "icseciiisssisScisibbcSi", MDT_F(it->id), MDT_F(it->uuid),
	    MDT_F(it->text),
	    MDT_F(it->status), mdt_action_status_parse, MDT_ACTION_OPEN,
	    MDT_F(it->due_date), MDT_F(it->created_at), MDT_F(it->closed_at),
	    MDT_F(it->owner_id), MDT_F(it->owner_name), MDT_F(it->owner_role),
	    MDT_F(it->owner_org), MDT_F(it->patient_id),
	    MDT_F(it->patient_name), MDT_F(it->date_of_birth),
	    MDT_F(it->nhs_number), MDT_F(it->meeting_id),
	    MDT_F(it->meeting_title), MDT_F(it->meeting_start),
	    MDT_F(it->record_conflict), MDT_F(it->record_applied),
	    MDT_F(it->record_status), MDT_F(it->record_owner),
	    MDT_F(it->record_modified));
	it->overdue = it->status == MDT_ACTION_OPEN &&
	    strcmp(it->due_date, today) < 0;
}

enum mdt_status
mdt_actions_query(struct mdt_store *s, const struct mdt_actions_filter *f,
    struct mdt_action_item **out, size_t *n)
{
	enum mdt_status status;
	char today[11], *org = NULL;

	/* tidied as the organisations excluded with consent are */
	if (f->org != NULL && (org = mdt_org_tidy(f->org)) == NULL)
		org = mdt_xstrdup(f->org);
	mdt_date_of(f->today_ms != 0 ? f->today_ms : mdt_store_now(s), today);
	status = mdt_read_array(s, out, n, sizeof(**out), item_done, item_read,
	    today, "reading the actions", actions_sql[f->closed], "TTddtiTi",
	    f->owner, f->org, (int)f->closed, (int)f->overdue, today,
	    f->owner_id, org, f->record_since);
	free(org);
	return status;
}

enum mdt_status
mdt_action_item(struct mdt_store *s, int64_t id, struct mdt_action_item **out)
{
	enum mdt_status status;
	char today[11];
	size_t n = 0;

	mdt_date_of(mdt_store_now(s), today);
	status = mdt_read_array(s, out, &n, sizeof(**out), item_done,
	    item_read, today, "reading the action", ACTIONS_SELECT
	    " WHERE a.id = ?1", "i", id);
	if (status == MDT_OK && n == 0) {
		free(*out);
		*out = NULL;
	}
	return status;
}

void
mdt_action_items_free(struct mdt_action_item *items, size_t n)
{
	mdt_array_free(items, n, sizeof(*items), item_done);
}

/* ---- printing -------------------------------------------------------- */

/* "Community matron, Larkhall Community Health" (either may be empty). */
static void
owner_about(const struct mdt_action_item *it, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", it->owner_role,
	    it->owner_role[0] != '\0' && it->owner_org[0] != '\0' ? ", " : "",
	    it->owner_org);
}

/* "due 2026-11-20", "done 2026-11-21", "cancelled 2026-11-21". */
static void
state_text(const struct mdt_action_item *it, char *buf, size_t len)
{
	char d[11];

	if (it->status == MDT_ACTION_OPEN) {
		snprintf(buf, len, "due %s%s", it->due_date,
		    it->overdue ? " OVERDUE" : "");
		return;
	}
	mdt_date_of(it->closed_at, d);
	snprintf(buf, len, "%s %s", mdt_action_status_name(it->status), d);
}

static void
agreed_text(const struct mdt_action_item *it, char *buf, size_t len)
{
	char d[11];

	if (it->meeting_id == 0) {
		mdt_date_of(it->created_at, d);
		snprintf(buf, len, "agreed %s", d);
		return;
	}
	mdt_date_of(it->meeting_start, d);
	snprintf(buf, len, "agreed at %s on %s", it->meeting_title, d);
}

/* How many of one owner's actions are open and overdue: counted in a
 * first pass, for the heading written before the owner's actions. */
struct owner_tally {
	int64_t owner_id;
	int open, overdue;
};

/* The printer: one pass counts, the next writes each action as it is
 * read, so that nothing holds the whole list. */
struct printer {
	struct mdt_store *s;
	const struct mdt_actions_filter *f;
	enum mdt_actions_format fmt;
	bool unmask;
	FILE *out;
	char today[11];
	char *org;			/* f->org tidied */
	struct owner_tally *tally;	/* one per owner, in order */
	size_t n_tally, cap_tally;
	size_t owner;			/* the tally of the owner being written */
	size_t written;			/* actions written */
	int rc;				/* a write that failed */
};

typedef void (*item_fn)(struct printer *pr, const struct mdt_action_item *it);

struct each_item {
	struct printer *pr;
	item_fn fn;
};

static void
each_item(sqlite3_stmt *st, void *ctx)
{
	struct each_item *e = ctx;
	struct mdt_action_item it;

	memset(&it, 0, sizeof(it));
	item_read(st, &it, e->pr->today);
	e->fn(e->pr, &it);
	item_done(&it);
}

/* fn on each action that matches, in the order listed. */
static enum mdt_status
printer_each(struct printer *pr, item_fn fn)
{
	struct each_item e = { pr, fn };
	const struct mdt_actions_filter *f = pr->f;

	return mdt_read_each(pr->s, each_item, &e, "reading the actions",
	    actions_sql[f->closed], "TTddtiTi", f->owner, f->org, (int)f->closed,
	    (int)f->overdue, pr->today, f->owner_id, pr->org,
	    f->record_since);
}

static void
tally_item(struct printer *pr, const struct mdt_action_item *it)
{
	struct owner_tally *t;

	if (pr->n_tally == 0 ||
	    pr->tally[pr->n_tally - 1].owner_id != it->owner_id) {
		if (pr->n_tally == pr->cap_tally) {
			pr->cap_tally = pr->cap_tally * 2 + 8;
			pr->tally = mdt_xrealloc(pr->tally, pr->cap_tally *
			    sizeof(*pr->tally));
		}
		pr->tally[pr->n_tally++] = (struct owner_tally){
			.owner_id = it->owner_id };
	}
	t = &pr->tally[pr->n_tally - 1];
	t->open += it->status == MDT_ACTION_OPEN;
	t->overdue += it->overdue;
}

/* What the central record says of it, when that is news: "; updated
 * from the record", a conflict to settle, an owner it names that is not
 * ours (shown, never applied). */
static void
record_text(const struct mdt_action_item *it, bool md, FILE *out)
{
	const char *sep = md ? "; " : "\n         ";

	if (it->record_conflict)
		fprintf(out, "%sCONFLICT: the record says %s; a local change is"
		    " not sent: 'mdtchair actions keep %" PRId64 "' keeps"
		    " ours, 'take %" PRId64 "' takes the record's", sep,
		    it->record_status, it->id, it->id);
	else if (it->record_applied) {
		char day[11];

		mdt_date_of(it->record_modified, day);
		fprintf(out, "%supdated from the record %s", sep, day);
	}
	if (it->record_owner != NULL &&
	    strcasecmp(it->record_owner, it->owner_name) != 0) {
		fprintf(out, "%sthe record names ", sep);
		mdt_text_fput_flat(out, it->record_owner, md);
		fputs(" as the owner (not applied here)", out);
	}
}

/* What the central record said of it; null if never read back. */
static json_t *
record_json(const struct mdt_action_item *it)
{
	if (it->record_status[0] == '\0')
		return json_null();
	return mdt_json_pack("{s:o, s:o, s:b, s:b}",
	    "status", mdt_json_text(it->record_status),
	    "owner", mdt_json_text(it->record_owner),
	    "applied", (int)it->record_applied,
	    "conflict", (int)it->record_conflict);
}

/* Text and Markdown: a heading per owner, then a line (or a table row)
 * per action. */
static void
list_item(struct printer *pr, const struct mdt_action_item *it)
{
	char about[512], state[48], who[384], agreed[512];
	bool md = pr->fmt == MDT_ACTIONS_MD;
	FILE *out = pr->out;

	if (pr->written == 0 ||
	    pr->tally[pr->owner].owner_id != it->owner_id) {
		const struct owner_tally *t;

		if (pr->written > 0)
			pr->owner++;
		t = &pr->tally[pr->owner];
		owner_about(it, about, sizeof(about));
		if (md) {
			fputs("\n## ", out);
			mdt_text_fput_flat(out, it->owner_name, true);
			if (about[0] != '\0') {
				fputs(" (", out);
				mdt_text_fput_flat(out, about, true);
				fputc(')', out);
			}
			fprintf(out, "\n\n%d open, %d overdue\n\n| # | State |"
			    " Action | Patient | Agreed |\n"
			    "|---|---|---|---|---|\n", t->open, t->overdue);
		} else {
			fputs(pr->written > 0 ? "\n" : "", out);
			mdt_text_fput_flat(out, it->owner_name, false);
			fputs(about[0] != '\0' ? " - " : "", out);
			mdt_text_fput_flat(out, about, false);
			fprintf(out, ": %d open, %d overdue\n", t->open,
			    t->overdue);
		}
	}
	pr->written++;
	state_text(it, state, sizeof(state));
	mdt_patient_label(it->patient_name, it->date_of_birth, it->nhs_number,
	    pr->unmask, who, sizeof(who));
	agreed_text(it, agreed, sizeof(agreed));
	if (md)
		fprintf(out, "| %" PRId64 " | %s | ", it->id, state);
	else
		fprintf(out, "  #%-5" PRId64 " %-22s ", it->id, state);
	mdt_text_fput_flat(out, it->text, md);
	fputs(md ? " | " : "\n         for ", out);
	mdt_text_fput_flat(out, who, md);
	fputs(md ? " | " : "; ", out);
	mdt_text_fput_flat(out, agreed, md);
	record_text(it, md, out);
	fputs(md ? " |\n" : "\n", out);
}

/* One action as JSON, as jansson writes it at its depth in the list. */
static int
json_item_dump(const struct mdt_action_item *it, bool unmask, FILE *out)
{
	json_t *a = json_object(), *p = json_object();
	char who[384], d[11];
	int rc;

	mdt_json_set(a, "id", json_integer(it->id));
	mdt_json_set(a, "uuid", mdt_json_text(it->uuid));
	mdt_json_set(a, "text", mdt_json_text(it->text));
	mdt_json_set(a, "status",
	    mdt_json_text(mdt_action_status_name(it->status)));
	mdt_json_set(a, "due_date", mdt_json_text(it->due_date));
	mdt_json_set(a, "overdue", json_boolean(it->overdue));
	mdt_date_of(it->created_at, d);
	mdt_json_set(a, "agreed_on", mdt_json_text(d));
	if (it->closed_at != 0) {
		mdt_date_of(it->closed_at, d);
		mdt_json_set(a, "closed_on", mdt_json_text(d));
	} else
		mdt_json_set(a, "closed_on", json_null());
	if (unmask) {
		mdt_json_set(p, "name", mdt_json_text(it->patient_name));
		mdt_json_set(p, "nhs_number", mdt_json_text(it->nhs_number));
		mdt_json_set(p, "date_of_birth",
		    mdt_json_text(it->date_of_birth));
	} else {
		mdt_patient_label(it->patient_name, it->date_of_birth,
		    it->nhs_number, false, who, sizeof(who));
		mdt_json_set(p, "masked", mdt_json_text(who));
	}
	mdt_json_set(a, "patient", p);
	if (it->meeting_id != 0) {
		json_t *m = json_object();

		mdt_date_of(it->meeting_start, d);
		mdt_json_set(m, "id", json_integer(it->meeting_id));
		mdt_json_set(m, "title", mdt_json_text(it->meeting_title));
		mdt_json_set(m, "date", mdt_json_text(d));
		mdt_json_set(a, "meeting", m);
	} else
		mdt_json_set(a, "meeting", json_null());
	mdt_json_set(a, "record", record_json(it));
	rc = mdt_text_json_dump_at(a, out, 8, false);
	json_decref(a);
	return rc;
}

/* JSON: {"owners": [{name, role, organisation, open, overdue,
 * "actions": [...]}, ...]}, written as jansson would write the whole
 * document (two spaces a level), one action at a time. */
static void
json_item(struct printer *pr, const struct mdt_action_item *it)
{
	FILE *out = pr->out;
	int rc = 0;

	if (pr->written == 0 ||
	    pr->tally[pr->owner].owner_id != it->owner_id) {
		const struct owner_tally *t;
		json_t *o = json_object();

		if (pr->written > 0) {
			pr->owner++;
			fputs("\n      ]\n    },\n    ", out);
		} else
			fputs("{\n  \"owners\": [\n    ", out);
		t = &pr->tally[pr->owner];
		mdt_json_set(o, "name", mdt_json_text(it->owner_name));
		mdt_json_set(o, "role", mdt_json_text(it->owner_role));
		mdt_json_set(o, "organisation", mdt_json_text(it->owner_org));
		mdt_json_set(o, "open", json_integer(t->open));
		mdt_json_set(o, "overdue", json_integer(t->overdue));
		/* the owner's fields, its object left open for the actions */
		rc = mdt_text_json_dump_at(o, out, 4, true);
		json_decref(o);
		fputs(",\n      \"actions\": [\n        ", out);
	} else
		fputs(",\n        ", out);
	pr->written++;
	if (rc != 0 || json_item_dump(it, pr->unmask, out) != 0)
		pr->rc = -1;
}

static enum mdt_status
print_tx(struct mdt_store *s, void *ctx)
{
	struct printer *pr = ctx;
	enum mdt_status st;
	bool md = pr->fmt == MDT_ACTIONS_MD;

	(void)s;
	if ((st = printer_each(pr, tally_item)) != MDT_OK)
		return st;
	if (pr->fmt != MDT_ACTIONS_JSON) {
		if (md)
			fputs("# Actions by owner\n", pr->out);
		if (pr->n_tally == 0)
			fputs(md ? "\nNo actions match.\n" :
			    "No actions match.\n", pr->out);
		return printer_each(pr, list_item);
	}
	if ((st = printer_each(pr, json_item)) != MDT_OK)
		return st;
	fputs(pr->written > 0 ? "\n      ]\n    }\n  ]\n}\n" :
	    "{\n  \"owners\": []\n}\n", pr->out);
	return MDT_OK;
}

enum mdt_status
mdt_actions_print(struct mdt_store *s, const struct mdt_actions_filter *f,
    enum mdt_actions_format fmt, bool unmask, FILE *out)
{
	struct printer pr = { .s = s, .f = f, .fmt = fmt, .unmask = unmask,
	    .out = out };
	enum mdt_status st;

	/* tidied as the organisations excluded with consent are */
	if (f->org != NULL && (pr.org = mdt_org_tidy(f->org)) == NULL)
		pr.org = mdt_xstrdup(f->org);
	mdt_date_of(f->today_ms != 0 ? f->today_ms : mdt_store_now(s),
	    pr.today);
	st = mdt_tx_read(s, print_tx, &pr);
	free(pr.org);
	free(pr.tally);
	if (st != MDT_OK)
		return st;
	if (pr.rc != 0 || fflush(out) != 0 || ferror(out))
		return mdt_fail(s, MDT_EIO, "cannot write the actions");
	return MDT_OK;
}
