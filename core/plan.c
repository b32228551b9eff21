/*
 * plan.c - the joined-up plan's acts (plan.h): an item added (the plan
 * made with the first), resolved, an intervention linked to one of the
 * patient's actions, the next review set, the plan ended; what a
 * meeting's outcome does to it; the plan read whole.  Each act is one
 * transaction with its audit row and the plan's outbox row (entity
 * "plan": the CarePlan and its Goals).  Printing it is plan_write.c's.
 */
#include "config.h"

#include "plan.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "prep_internal.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

static const char *const kind_names[MDT_PLAN_N_KINDS] = {
	"problem", "goal", "intervention",
};

const char *
mdt_plan_kind_name(enum mdt_plan_kind k)
{
	return (unsigned)k < MDT_PLAN_N_KINDS ? kind_names[k] : "?";
}

int
mdt_plan_kind_parse(const char *name)
{
	for (int k = 0; name != NULL && k < MDT_PLAN_N_KINDS; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

enum mdt_status
mdt_plan_patient(struct mdt_store *s, const char *nhs, int64_t *patient_id)
{
	enum mdt_status st;
	char digits[11];

	if (nhs != NULL && mdt_local_id_normalise(nhs, digits))
		return mdt_fail(s, MDT_ESTATE, "%s is not traced: a plan waits"
		    " for the NHS number ('mdtchair trace %s NHS')", digits,
		    digits);
	if (nhs == NULL || !mdt_nhs_normalise(nhs, digits) ||
	    !mdt_nhs_valid(digits))
		return mdt_fail(s, MDT_ENHS, "\"%s\"", nhs != NULL ? nhs : "");
	st = mdt_query_int(s, patient_id, "SELECT id FROM patients"
	    " WHERE nhs_number = ? AND purged_at IS NULL", "t", digits);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "nobody is known by %s", digits);
	return st;
}

/* ---- an item of a plan, read ----------------------------------------- */

#define DAY(col) "date(" col " / 1000, 'unixepoch', 'localtime')"

/* The items of plans as item_read reads them; a WHERE on i follows. */
#define ITEM_SQL \
	"SELECT i.id, i.uuid, i.position, i.kind, i.text, i.whose = 'carer'," \
	" i.action_id, coalesce(a.text, ''), coalesce(o.name, '')," \
	" coalesce(a.due_date, ''), coalesce(a.status, '')," \
	" i.resolved_at IS NOT NULL, coalesce(" DAY("i.resolved_at") ", '')," \
	" coalesce(i.resolved_reason, ''), " DAY("i.created_at") \
	" FROM plan_items i LEFT JOIN actions a ON a.id = i.action_id" \
	" LEFT JOIN people o ON o.id = a.owner_id"

MDT_ROW_READER(item_read, struct mdt_plan_item, it)
{
	mdt_cols(st, "icdesbissccbcsc", MDT_F(it->id), MDT_F(it->uuid),
	    MDT_F(it->position), MDT_F(it->kind), mdt_plan_kind_parse,
	    (int)MDT_PLAN_PROBLEM, MDT_F(it->text), MDT_F(it->carer),
	    MDT_F(it->action_id), MDT_F(it->action_text),
	    MDT_F(it->action_owner), MDT_F(it->action_due),
	    MDT_F(it->action_status), MDT_F(it->resolved),
	    MDT_F(it->resolved_on), MDT_F(it->resolved_reason),
	    MDT_F(it->created_on));
}

static void
item_done(void *row)
{
	struct mdt_plan_item *it = row;

	mdt_free_each(4, it->text, it->action_text, it->action_owner,
	    it->resolved_reason);
}

/* ---- the acts --------------------------------------------------------- */

struct plan_act;

/* What an act does to the plan it was given (plan_act_run). */
typedef enum mdt_status (*plan_fn)(struct mdt_store *s, struct plan_act *a);

/* A plan act: what was asked, and what the plan is. */
struct plan_act {
	int64_t patient_id;
	const struct mdt_plan_in *in;
	int position;
	const char *text;		/* a reason */
	char next[11];
	int64_t action_id;
	int64_t plan_id;
	char uuid[37];
	/* plan_act_run's */
	plan_fn body;
	bool on_item;			/* the act is on item position */
	struct mdt_plan_item it;	/* with on_item, that item */
};

static const char *
actor(struct mdt_store *s)
{
	return s->actor != NULL ? s->actor : "unknown";
}

/* The patient's plan into a (plan_id, uuid); MDT_ENOTFOUND said unless
 * quiet. */
static enum mdt_status
plan_of(struct mdt_store *s, struct plan_act *a, bool quiet)
{
	struct mdt_id_text row;
	enum mdt_status st;

	st = mdt_read_row(s, &row, sizeof(row), mdt_row_id_text, NULL,
	    "reading the plan", "SELECT id, uuid FROM care_plans"
	    " WHERE patient_id = ?", "i", a->patient_id);
	if (st == MDT_ENOTFOUND && !quiet)
		st = mdt_fail(s, st, "the patient has no plan yet");
	if (st == MDT_OK) {
		a->plan_id = row.id;
		memcpy(a->uuid, row.text, sizeof(a->uuid));
	}
	return st;
}

/* plan_act_run's transaction: what the act is on read, then its body. */
static enum mdt_status
plan_act_tx(struct mdt_store *s, void *ctx)
{
	struct plan_act *a = ctx;
	enum mdt_status st;

	st = plan_of(s, a, false);
	if (st == MDT_OK && a->on_item) {
		st = mdt_read_row(s, &a->it, sizeof(a->it), item_read, NULL,
		    "reading the plan", ITEM_SQL " WHERE i.plan_id = ?"
		    " AND i.position = ?", "id", a->plan_id, a->position);
		if (st == MDT_ENOTFOUND)
			st = mdt_fail(s, st, "the plan has no item %d",
			    a->position);
	}
	if (st == MDT_OK)
		st = a->body(s, a);
	item_done(&a->it);
	return st;
}

/* One transaction: the patient's plan read into a (MDT_ENOTFOUND, said,
 * if they have none), with on_item its item a->position too (likewise),
 * then body. */
static enum mdt_status
plan_act_run(struct mdt_store *s, plan_fn body, bool on_item,
    struct plan_act *a)
{
	a->body = body;
	a->on_item = on_item;
	return mdt_tx_run(s, plan_act_tx, a, NULL);
}

/* The plan changed (updated now): its audit and outbox rows. */
static enum mdt_status
plan_changed(struct mdt_store *s, struct plan_act *a, const char *action,
    const char *what, int position)
{
	enum mdt_status st;

	st = mdt_run(s, "UPDATE care_plans SET updated_at = ? WHERE id = ?",
	    "ii", mdt_store_now(s), a->plan_id);
	if (st == MDT_OK)
		st = mdt_record_change(s, action, "plan", a->uuid,
		    "patient %" PRId64 ": %s %d", a->patient_id, what,
		    position);
	return st;
}

/* MDT_ENOTFOUND (said) unless action_id is one of the patient's
 * actions, not withdrawn. */
static enum mdt_status
patients_action(struct mdt_store *s, int64_t patient_id, int64_t action_id)
{
	int64_t ok = 0;
	enum mdt_status st;

	st = mdt_query_int(s, &ok, "SELECT count(*) FROM actions WHERE id = ?"
	    " AND patient_id = ? AND withdrawn_at IS NULL", "ii", action_id,
	    patient_id);
	if (st == MDT_OK && ok == 0)
		st = mdt_fail(s, MDT_ENOTFOUND, "action %" PRId64 " is not one"
		    " of the patient's actions", action_id);
	return st;
}

static enum mdt_status
add_tx(struct mdt_store *s, void *ctx)
{
	struct plan_act *a = ctx;
	const struct mdt_plan_in *in = a->in;
	enum mdt_status st;
	int64_t pos = 0;
	char uuid[37];

	st = mdt_refuse_when(s, MDT_ESTATE, "the patient has died",
	    "SELECT EXISTS (SELECT 1 FROM deaths WHERE patient_id = ?1)"
	    " OR EXISTS (SELECT 1 FROM outcomes o JOIN slots sl"
	    " ON sl.id = o.slot_id WHERE sl.patient_id = ?1"
	    " AND o.kind = 'died')", "i", a->patient_id);
	if (st == MDT_OK && in->action_id != 0)
		st = patients_action(s, a->patient_id, in->action_id);
	if (st != MDT_OK)
		return st;
	st = plan_of(s, a, true);
	if (st == MDT_ENOTFOUND) {
		mdt_uuid_new(a->uuid);
		st = mdt_run(s, "INSERT INTO care_plans (uuid, patient_id,"
		    " created_at, updated_at) VALUES (?, ?, ?, ?)", "tiii",
		    a->uuid, a->patient_id, mdt_store_now(s),
		    mdt_store_now(s));
		a->plan_id = sqlite3_last_insert_rowid(s->db);
		if (st == MDT_OK)
			st = mdt_audit_add(s, "plan_new", "plan", a->uuid,
			    "patient %" PRId64 ": a plan begun", a->patient_id);
	} else if (st == MDT_OK)
		/* a plan completed or ended is open again */
		st = mdt_run(s, "UPDATE care_plans SET status = 'active',"
		    " ended_at = NULL, end_reason = NULL WHERE id = ?"
		    " AND status <> 'active'", "i", a->plan_id);
	if (st == MDT_OK)
		st = mdt_query_int(s, &pos, "SELECT coalesce(max(position), 0)"
		    " + 1 FROM plan_items WHERE plan_id = ?", "i", a->plan_id);
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO plan_items (uuid, plan_id, position,"
	    " kind, text, whose, action_id, created_at, created_by)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "tiittTIit", uuid,
	    a->plan_id, pos, kind_names[in->kind], in->text,
	    in->kind == MDT_PLAN_GOAL ? (in->carer ? "carer" : "patient") :
	    NULL, in->action_id, mdt_store_now(s), actor(s));
	a->position = (int)pos;
	if (st == MDT_OK)
		st = plan_changed(s, a, "plan_add", kind_names[in->kind],
		    a->position);
	return st;
}

enum mdt_status
mdt_plan_add(struct mdt_store *s, int64_t patient_id,
    const struct mdt_plan_in *in, int *position)
{
	struct plan_act a = { .patient_id = patient_id, .in = in };
	enum mdt_status st;

	if ((unsigned)in->kind >= MDT_PLAN_N_KINDS)
		return mdt_fail(s, MDT_EINVAL, "a problem, a goal or an"
		    " intervention");
	if (mdt_text_field(s, in->kind == MDT_PLAN_GOAL ? "the goal" :
	    in->kind == MDT_PLAN_PROBLEM ? "the problem" :
	    "the intervention", in->text, false, MDT_PLAN_TEXT_MAX) != MDT_OK)
		return MDT_EINVAL;
	if (in->action_id != 0 && in->kind != MDT_PLAN_INTERVENTION)
		return mdt_fail(s, MDT_EINVAL, "only an intervention is one of"
		    " the patient's actions");
	st = mdt_tx_run(s, add_tx, &a, NULL);
	if (st == MDT_OK && position != NULL)
		*position = a.position;
	return st;
}

static enum mdt_status
resolve_item(struct mdt_store *s, struct plan_act *a)
{
	enum mdt_status st;

	if (a->it.resolved)
		return mdt_fail(s, MDT_ESTATE, "item %d is resolved already",
		    a->position);
	st = mdt_run(s, "UPDATE plan_items SET resolved_at = ?,"
	    " resolved_reason = ?, resolved_by = ? WHERE id = ?", "itti",
	    mdt_store_now(s), a->text, actor(s), a->it.id);
	if (st == MDT_OK)
		st = plan_changed(s, a, "plan_resolve", "resolved",
		    a->position);
	return st;
}

enum mdt_status
mdt_plan_resolve(struct mdt_store *s, int64_t patient_id, int position,
    const char *reason)
{
	struct plan_act a = { .patient_id = patient_id, .position = position,
	    .text = reason };

	if (mdt_text_field(s, "the reason", reason, false,
	    MDT_PLAN_TEXT_MAX) != MDT_OK)
		return MDT_EINVAL;
	return plan_act_run(s, resolve_item, true, &a);
}

static enum mdt_status
link_item(struct mdt_store *s, struct plan_act *a)
{
	enum mdt_status st = MDT_OK;
	char was[48];

	if (a->it.kind != MDT_PLAN_INTERVENTION)
		return mdt_fail(s, MDT_EINVAL, "item %d is a %s: only an"
		    " intervention is one of the patient's actions",
		    a->position, kind_names[a->it.kind]);
	if (a->action_id != 0)
		st = patients_action(s, a->patient_id, a->action_id);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE plan_items SET action_id = ?"
		    " WHERE id = ?", "Ii", a->action_id, a->it.id);
	if (st != MDT_OK)
		return st;
	/* what it was linked to stays in the audit log */
	if (a->it.action_id != 0)
		snprintf(was, sizeof(was), " (was action %" PRId64 ")",
		    a->it.action_id);
	else
		was[0] = '\0';
	st = plan_changed(s, a, "plan_link", "linked", a->position);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "plan_link_action", "plan", a->uuid,
		    "item %d: action %" PRId64 "%s", a->position,
		    a->action_id, was);
	return st;
}

enum mdt_status
mdt_plan_link(struct mdt_store *s, int64_t patient_id, int position,
    int64_t action_id)
{
	struct plan_act a = { .patient_id = patient_id, .position = position,
	    .action_id = action_id };

	return plan_act_run(s, link_item, true, &a);
}

static enum mdt_status
review_plan(struct mdt_store *s, struct plan_act *a)
{
	enum mdt_status st;

	st = mdt_run(s, "UPDATE care_plans SET next_review = ? WHERE id = ?",
	    "ti", a->next, a->plan_id);
	if (st != MDT_OK)
		return st;
	return mdt_record_change(s, "plan_review", "plan", a->uuid,
	    "patient %" PRId64 ": next review %s", a->patient_id, a->next);
}

enum mdt_status
mdt_plan_review(struct mdt_store *s, int64_t patient_id, const char *next)
{
	struct plan_act a = { .patient_id = patient_id };

	if (next == NULL || mdt_date_parse(next, mdt_store_now(s), a.next) !=
	    MDT_OK)
		return mdt_fail(s, MDT_EDATE, "next review \"%s\" (YYYY-MM-DD"
		    " or +N days)", next != NULL ? next : "");
	if (mdt_date_past(s, "next review", a.next) != MDT_OK)
		return MDT_EINVAL;
	return plan_act_run(s, review_plan, false, &a);
}

/* The plan (a) ended for the reason a->text, or completed with NULL. */
static enum mdt_status
plan_finish(struct mdt_store *s, struct plan_act *a)
{
	enum mdt_status st;

	st = mdt_run(s, "UPDATE care_plans SET status = ?, ended_at = ?,"
	    " end_reason = ?, updated_at = ? WHERE id = ?", "titii",
	    a->text != NULL ? "ended" : "completed", mdt_store_now(s),
	    a->text, mdt_store_now(s), a->plan_id);
	if (st == MDT_OK)
		st = mdt_record_change(s, a->text != NULL ? "plan_end" :
		    "plan_complete", "plan", a->uuid, "patient %" PRId64
		    ": plan %s", a->patient_id, a->text != NULL ? "ended" :
		    "completed, every problem resolved");
	return st;
}

/* An active plan (a) ended: plan_finish, MDT_ESTATE said if it is not
 * active. */
static enum mdt_status
end_plan(struct mdt_store *s, struct plan_act *a)
{
	enum mdt_status st;

	st = mdt_refuse_when(s, MDT_ESTATE, "the plan is not active",
	    "SELECT status <> 'active' FROM care_plans WHERE id = ?", "i",
	    a->plan_id);
	return st == MDT_OK ? plan_finish(s, a) : st;
}

enum mdt_status
mdt_plan_end(struct mdt_store *s, int64_t patient_id, const char *reason)
{
	struct plan_act a = { .patient_id = patient_id, .text = reason };

	if (mdt_text_field(s, "the reason", reason, false,
	    MDT_PLAN_TEXT_MAX) != MDT_OK)
		return MDT_EINVAL;
	return plan_act_run(s, end_plan, false, &a);
}

/* ---- what a meeting decides ------------------------------------------ */

enum mdt_status
mdt_plan_outcome_tx(struct mdt_store *s, int64_t patient_id,
    enum mdt_outcome_kind kind)
{
	struct plan_act a = { .patient_id = patient_id };
	enum mdt_status st;
	int64_t open = 0, active = 0;

	if (kind != MDT_OUTCOME_CLOSE && kind != MDT_OUTCOME_DIED)
		return MDT_OK;
	st = plan_of(s, &a, true);
	if (st == MDT_ENOTFOUND)
		return MDT_OK;
	if (st == MDT_OK)
		st = mdt_query_int(s, &active, "SELECT status = 'active' FROM"
		    " care_plans WHERE id = ?", "i", a.plan_id);
	if (st != MDT_OK || active == 0)
		return st;
	if (kind == MDT_OUTCOME_DIED) {
		a.text = "the patient died";
		return plan_finish(s, &a);
	}
	st = mdt_query_int(s, &open, "SELECT count(*) FROM plan_items"
	    " WHERE plan_id = ? AND kind = 'problem' AND resolved_at IS NULL",
	    "i", a.plan_id);
	if (st == MDT_OK && open > 0)
		return mdt_fail(s, MDT_ESTATE, "the plan has %" PRId64
		    " problem%s not resolved: resolve %s, or end the plan"
		    " saying why the case closes with %s open", open,
		    open == 1 ? "" : "s", open == 1 ? "it" : "them",
		    open == 1 ? "it" : "them");
	if (st == MDT_OK)
		st = plan_finish(s, &a);
	return st;
}

enum mdt_status
mdt_plan_died_tx(struct mdt_store *s, int64_t patient_id)
{
	return mdt_plan_outcome_tx(s, patient_id, MDT_OUTCOME_DIED);
}

/* ---- the plan read whole ---------------------------------------------- */

MDT_ROW_READER(plan_row_read, struct mdt_plan, p)
{
	mdt_cols(st, "icicccsccss", MDT_F(p->id), MDT_F(p->uuid),
	    MDT_F(p->patient_id), MDT_F(p->status), MDT_F(p->next_review),
	    MDT_F(p->created_on), MDT_F(p->end_reason), MDT_F(p->updated_on),
	    MDT_F(p->nhs_number), MDT_F(p->patient_name),
	    MDT_F(p->key_contact));
}

static enum mdt_status
load_tx(struct mdt_store *s, void *ctx)
{
	struct mdt_plan *p = ctx;
	enum mdt_status st;
	int64_t patient_id = p->patient_id;

	st = mdt_read_row(s, p, sizeof(*p), plan_row_read, NULL,
	    "reading the plan", "SELECT c.id, c.uuid, c.patient_id,"
	    " c.status, coalesce(c.next_review, ''), " DAY("c.created_at") ","
	    " coalesce(c.end_reason, ''), " DAY("c.updated_at") ","
	    " pa.nhs_number, pa.name, coalesce(k.name || CASE"
	    " WHEN k.role <> '' OR k.organisation <> '' THEN ' (' ||"
	    " trim(k.role || CASE WHEN k.role <> '' AND k.organisation <> ''"
	    " THEN ', ' ELSE '' END || k.organisation) || ')' ELSE '' END,"
	    " '') FROM care_plans c"
	    " JOIN patients pa ON pa.id = c.patient_id"
	    " LEFT JOIN people k ON k.id = pa.key_contact_id"
	    " WHERE c.patient_id = ?", "i", patient_id);
	if (st != MDT_OK)
		return st;
	st = mdt_read_array(s, &p->items, &p->n_items, sizeof(*p->items),
	    item_done, item_read, NULL, "reading the plan's items",
	    ITEM_SQL " WHERE i.plan_id = ? ORDER BY i.position", "i", p->id);
	for (size_t i = 0; st == MDT_OK && i < p->n_items; i++)
		if (p->items[i].kind == MDT_PLAN_PROBLEM) {
			p->problems++;
			p->open_problems += !p->items[i].resolved;
		}
	return st;
}

enum mdt_status
mdt_plan_load(struct mdt_store *s, int64_t patient_id, struct mdt_plan *out)
{
	enum mdt_status st;

	memset(out, 0, sizeof(*out));
	out->patient_id = patient_id;
	st = mdt_tx_read(s, load_tx, out);
	if (st != MDT_OK)
		mdt_plan_free(out);
	return st;
}

void
mdt_plan_free(struct mdt_plan *p)
{
	mdt_array_free(p->items, p->n_items, sizeof(*p->items), item_done);
	free(p->end_reason);
	free(p->patient_name);
	free(p->key_contact);
	memset(p, 0, sizeof(*p));
}

MDT_ROW_READER(action_read, struct mdt_plan_action, a)
{
	mdt_cols(st, "is", MDT_F(a->id), MDT_F(a->label));
}

static void
action_done(void *row)
{
	free(((struct mdt_plan_action *)row)->label);
}

enum mdt_status
mdt_plan_actions(struct mdt_store *s, int64_t patient_id,
    struct mdt_plan_action **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return mdt_read_array(s, out, n, sizeof(**out), action_done,
	    action_read, NULL, "reading the patient's actions",
	    "SELECT a.id, a.text || ' (' || o.name || ', due ' || a.due_date"
	    " || ', ' || a.status || ')' FROM actions a JOIN people o"
	    " ON o.id = a.owner_id WHERE a.patient_id = ?"
	    " AND a.withdrawn_at IS NULL"
	    " ORDER BY a.status <> 'open', a.due_date, a.id", "i", patient_id);
}

void
mdt_plan_actions_free(struct mdt_plan_action *a, size_t n)
{
	mdt_array_free(a, n, sizeof(*a), action_done);
}
