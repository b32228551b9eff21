/*
 * screen_slot_forms.c - the slot screen's forms: recording consent (the
 * basis, a justification where it needs one, the organisations to
 * exclude), notes, new actions (text, owner - someone new added on the
 * way - and due date), the outcome and the key contact; and reviewing
 * the actions listed: done or open again (d), still open (v), reassigned
 * (r) or cancelled (x, asked first).  Each form saves with one committed
 * core call after its last step; the steps before live in the prompts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "picker.h"
#include "draw.h"
#include "input.h"
#include "screen_slot.h"
#include "screens.h"
#include "util.h"

/* Any list of organisations core/ accepts can be offered back whole in
 * the consent form, and held as UTF-8 (at most four bytes a character). */
_Static_assert(MDT_EXCLUSIONS_MAX * (MDT_ORGANISATION_MAX + 2) <=
    TUI_PROMPT_MAX, "a whole list of exclusions fits in a prompt");
#define TUI_EXCLUSIONS_BYTES \
	(MDT_EXCLUSIONS_MAX * (4 * MDT_ORGANISATION_MAX + 2) + 1)

/* ---- recording ------------------------------------------------------ */

/* After consent excluding organisations: whether the patient's key
 * contact or the owner of an open action of theirs is from one of them
 * (recording the patient's wish is never refused); if so, says what to
 * change. */
static bool
tui_consent_clashes(struct tui_app *app, const struct mdt_slot *s)
{
	bool kc = s->key_contact_id != 0 && mdt_person_allowed(app->store,
	    s->patient_id, s->key_contact_id, "") == MDT_EEXCLUDED;
	int n = 0;

	for (size_t i = 0; i < app->snap.n_actions; i++) {
		const struct mdt_action *a = &app->snap.actions[i];

		n += a->patient_id == s->patient_id &&
		    a->status == MDT_ACTION_OPEN && mdt_person_allowed(
		    app->store, s->patient_id, a->owner_id, "") ==
		    MDT_EEXCLUDED;
	}
	if (!kc && n == 0)
		return false;
	if (kc && n > 0)
		tui_app_message(app, true, "Consent recorded, but the key"
		    " contact and %d open action%s are from an excluded"
		    " organisation: change them (K, r)", n, n == 1 ? "" : "s");
	else if (kc)
		tui_app_message(app, true, "Consent recorded, but the key"
		    " contact is from an excluded organisation: change it (K)");
	else
		tui_app_message(app, true, "Consent recorded, but %d open"
		    " action%s from an excluded organisation: reassign %s (r)",
		    n, n == 1 ? " is" : "s are", n == 1 ? "it" : "them");
	return true;
}

/* The last step of consent: the organisations the patient asked to
 * exclude, then the whole of it is recorded in one act. */
static bool
tui_consent_exclusions_submit(struct tui_app *app, const char *text)
{
	enum mdt_consent_basis basis = (enum mdt_consent_basis)app->pending_id;
	const struct mdt_slot *s;
	char **names, orgs[TUI_EXCLUSIONS_BYTES];
	size_t n;
	bool ok, again;

	s = tui_slot_pending(app);
	again = s != NULL && s->consent != MDT_CONSENT_NONE;
	mdt_exclusions_split(text, &names, &n);
	ok = tui_app_check(app, mdt_consent_record(app->store,
	    app->pending_slot_id, basis, mdt_consent_needs_justification(basis) ?
	    app->pending_text : NULL, (const char *const *)names, n));
	mdt_names_free(names, n);
	if (!ok)
		return false;
	/* Said as recorded (tidied), from the snapshot just reloaded. */
	s = tui_slot_pending(app);
	if (s != NULL && s->n_exclusions > 0 && tui_consent_clashes(app, s))
		return true;
	if (s != NULL && s->n_exclusions > 0) {
		tui_names_join(s->exclusions, s->n_exclusions, orgs,
		    sizeof(orgs));
		tui_app_message(app, false, "Consent recorded: %s %s exclude:"
		    " %s", mdt_consent_label(basis), tui_draw_utf8() ?
		    "\u00b7" : "-", orgs);
	} else if (again)
		tui_app_message(app, false, "Consent corrected: the one it"
		    " replaces is kept");
	else
		tui_app_message(app, false, "Consent recorded: %s",
		    mdt_consent_label(basis));
	return true;
}

/*
 * Asks for the organisations to exclude, offering the slot's list when
 * its consent is being recorded again, else the list the patient gave
 * last time (Ctrl-U clears it).
 */
static void
tui_consent_exclusions_open(struct tui_app *app)
{
	const struct mdt_slot *s = tui_slot_pending(app);
	char **prev = NULL, orgs[TUI_EXCLUSIONS_BYTES] = "";
	size_t n = 0;

	if (s != NULL && s->consent != MDT_CONSENT_NONE)
		tui_names_join(s->exclusions, s->n_exclusions, orgs,
		    sizeof(orgs));
	else if (s != NULL && mdt_exclusions_previous(app->store, s->id,
	    &prev, &n) == MDT_OK) {
		tui_names_join(prev, n, orgs, sizeof(orgs));
		mdt_names_free(prev, n);
	}
	tui_prompt_open(app, "Organisations the patient asked to exclude "
	    "(comma-separated; blank for none):",
	    tui_consent_exclusions_submit);
	tui_prompt_set_text(app, orgs);
}

static bool
tui_consent_justified(struct tui_app *app, const char *text)
{
	if (mdt_str_blank(text)) {
		tui_app_message(app, true, "A justification is needed for "
		    "this consent basis (Esc cancels)");
		return false;
	}
	snprintf(app->pending_text, sizeof(app->pending_text), "%s", text);
	tui_consent_exclusions_open(app);
	return true;
}

static void
tui_consent_picked(struct tui_app *app, int64_t id)
{
	enum mdt_consent_basis basis = (enum mdt_consent_basis)id;

	const struct mdt_slot *s = tui_slot_pending(app);

	app->pending_id = id;
	if (mdt_consent_needs_justification(basis)) {
		tui_prompt_open(app, "Justification: ", tui_consent_justified);
		/* corrected: the justification as it is, to be edited */
		if (s != NULL && s->consent_justification != NULL)
			tui_prompt_set_text(app, s->consent_justification);
		else if (s != NULL && s->asked_justification != NULL &&
		    basis == s->asked_basis)
			tui_prompt_set_text(app, s->asked_justification);
		return;
	}
	tui_consent_exclusions_open(app);
}

/*
 * The note being typed is kept in the store as a draft, so that a crash
 * loses none of it: written at each word, else at most once a second
 * (the rest goes with the next key); dropped when the note is saved or
 * cancelled on purpose.  A write is one small statement: the keys never
 * wait for more.
 */
static int64_t tui_draft_written;	/* when, by the store's clock */
static bool tui_draft_dirty;		/* typed since */

static void
tui_note_draft_write(struct tui_app *app)
{
	char text[TUI_PROMPT_MAX * 4 + 1];

	tui_draft_dirty = false;
	/* a console that follows writes nothing, drafts included */
	if (app->following || !tui_prompt_get(app, text, sizeof(text)))
		return;
	tui_draft_written = mdt_store_now(app->store);
	/* a draft that cannot be kept costs the chair nothing: the note
	 * is still in the prompt */
	(void)mdt_note_draft_save(app->store, app->pending_slot_id, text);
}

static void
tui_note_edited(struct tui_app *app, bool word)
{
	tui_draft_dirty = true;
	if (word || mdt_store_now(app->store) - tui_draft_written >= 1000)
		tui_note_draft_write(app);
}

/* What was typed since the last write, once its second is up: called as
 * the slot screen is drawn (each second while the meeting runs). */
void
tui_slot_draft_flush(struct tui_app *app)
{
	if (tui_draft_dirty && app->input.kind == TUI_INPUT_PROMPT &&
	    app->input.edited == tui_note_edited &&
	    mdt_store_now(app->store) - tui_draft_written >= 1000)
		tui_note_draft_write(app);
}

static void
tui_note_cancelled(struct tui_app *app)
{
	(void)mdt_note_draft_drop(app->store, app->pending_slot_id);
}

static bool
tui_note_submit(struct tui_app *app, const char *text)
{
	int64_t id = 0;

	if (mdt_str_blank(text)) {
		tui_note_cancelled(app);
		tui_app_message(app, false, "Empty note: nothing saved");
		return true;
	}
	if (!tui_app_check(app, mdt_note_add(app->store, app->pending_slot_id,
	    text, &id)))
		return false;
	tui_app_message(app, false, "Note saved");
	return true;
}

static bool
tui_action_due_submit(struct tui_app *app, const char *text)
{
	char due[11];
	int64_t id = 0;
	const char *owner = "";

	if (!tui_app_date_typed(app, text, "+14", due))
		return false;
	if (!tui_app_check(app, mdt_action_add(app->store,
	    app->pending_slot_id, app->pending_text, app->pending_id, due,
	    &id)))
		return false;
	for (size_t i = 0; i < app->snap.n_people; i++)
		if (app->snap.people[i].id == app->pending_id)
			owner = tui_str(app->snap.people[i].name);
	tui_slot_select_action(app, id);
	tui_app_message(app, false, "Action saved: %s, due %s", owner, due);
	return true;
}

/* ---- who owns an action ---------------------------------------------- */

/*
 * The owner picker: the people picker (picker.h: those present first,
 * then everyone else known: an owner need not be in the room, e.g. the
 * voluntary sector, housing), with someone new, who is asked for and
 * added, and carries on as if picked.
 */
/* What an owner or key contact picker adds to someone whose organisation
 * the pending slot's patient excluded with consent (the acts refuse
 * them). */
static const char *
tui_excluded_mark(struct tui_app *app, int64_t person_id)
{
	const struct mdt_slot *s = tui_slot_pending(app);

	if (s == NULL || mdt_person_allowed(app->store, s->patient_id,
	    person_id, "") != MDT_EEXCLUDED)
		return "";
	return " - excluded by the patient";
}

/* Whether person may have the pending slot's patient's work (as); if not,
 * says why and nothing more is asked. */
static bool
tui_owner_allowed(struct tui_app *app, int64_t person_id, const char *as)
{
	const struct mdt_slot *s = tui_slot_pending(app);

	if (s == NULL)
		return true;
	if (mdt_person_allowed(app->store, s->patient_id, person_id, as) ==
	    MDT_OK)
		return true;
	tui_app_message(app, true, "%s", mdt_store_error(app->store));
	return false;
}

static void
tui_owner_picker(struct tui_app *app, const char *title, tui_pick_fn pick,
    int64_t keep_id)
{
	tui_people_picker(app, title, pick, TUI_PEOPLE_NEW, tui_excluded_mark,
	    keep_id);
}

/* Whether someone is marked present to own an action; if not, says so,
 * and how to reach the register from here. */
static bool
tui_owner_present(struct tui_app *app, const char *to_register)
{
	for (size_t i = 0; i < app->snap.n_attendees; i++)
		if (mdt_attendee_here(&app->snap.attendees[i]))
			return true;
	tui_app_message(app, true, "Nobody is marked present to own it: take"
	    " the register first (%s)", to_register);
	return false;
}

static void
tui_action_owner_picked(struct tui_app *app, int64_t person_id)
{
	if (!tui_owner_allowed(app, person_id, "own this action"))
		return;
	app->pending_id = person_id;
	tui_prompt_open(app, "Due (YYYY-MM-DD or +days, Enter = +14): ",
	    tui_action_due_submit);
}

static bool
tui_action_text_submit(struct tui_app *app, const char *text)
{
	if (mdt_str_blank(text)) {
		tui_app_message(app, false, "Empty action: nothing saved");
		return true;
	}
	if (!tui_owner_present(app, "Esc, then 2"))
		return false;
	snprintf(app->pending_text, sizeof(app->pending_text), "%s", text);
	tui_owner_picker(app, "Owner (present first)",
	    tui_action_owner_picked, 0);
	return true;
}

static bool
tui_outcome_review_submit(struct tui_app *app, const char *text)
{
	char review[11];

	if (!tui_app_date_typed(app, text, "+28", review))
		return false;
	if (!tui_app_check(app, mdt_outcome_record(app->store,
	    app->pending_slot_id, MDT_OUTCOME_STAY, review)))
		return false;
	tui_app_message(app, false, "Outcome recorded: %s, review %s",
	    mdt_outcome_label(MDT_OUTCOME_STAY), review);
	return true;
}

static bool
tui_death_date_submit(struct tui_app *app, const char *text)
{
	const struct mdt_slot *s;

	if (!tui_app_check(app, mdt_death_record(app->store,
	    app->pending_slot_id, text)))
		return false;
	s = tui_slot_pending(app);
	tui_app_message(app, false, "Recorded: died on %s; an action to"
	    " contact the relatives was added", s != NULL ? s->died_on : "");
	return true;
}

static void
tui_outcome_withdrawn(struct tui_app *app)
{
	if (!tui_app_check(app, mdt_outcome_withdraw(app->store,
	    app->pending_slot_id)))
		return;
	tui_app_message(app, false, "Outcome withdrawn: kept as entered in"
	    " error; press o to record another");
}

/* The picker's row that withdraws the outcome recorded. */
#define TUI_OUTCOME_WITHDRAW (-1)

static void
tui_outcome_picked(struct tui_app *app, int64_t id)
{
	enum mdt_outcome_kind kind = (enum mdt_outcome_kind)id;

	if (id == TUI_OUTCOME_WITHDRAW) {
		tui_confirm_open(app, "Withdraw the outcome as entered in error"
		    " (it is kept, marked so)? (y/n)", tui_outcome_withdrawn);
		return;
	}
	if (kind == MDT_OUTCOME_DIED) {
		tui_prompt_open(app, "Date of death (YYYY-MM-DD, Enter ="
		    " today): ", tui_death_date_submit);
		return;
	}
	if (kind == MDT_OUTCOME_STAY) {
		tui_prompt_open(app,
		    "Review date (YYYY-MM-DD or +days, Enter = +28): ",
		    tui_outcome_review_submit);
		return;
	}
	/* a case closed with problems of its plan open: why, first */
	if (kind == MDT_OUTCOME_CLOSE && tui_plan_close_asks(app,
	    app->pending_slot_id))
		return;
	if (!tui_app_check(app, mdt_outcome_record(app->store,
	    app->pending_slot_id, kind, NULL)))
		return;
	tui_app_message(app, false, "Outcome recorded: %s",
	    mdt_outcome_label(kind));
}

static void
tui_key_contact_picked(struct tui_app *app, int64_t person_id)
{
	const struct mdt_slot *s = tui_slot_pending(app);

	if (s == NULL)
		return;
	if (tui_app_check(app, mdt_key_contact_set(app->store, s->patient_id,
	    person_id))) {
		s = tui_slot_pending(app);
		tui_app_message(app, false, "Key contact: %s",
		    s != NULL ? tui_str(s->key_contact_name) : "");
	}
}

/* c: consent to be discussed (the basis, then a justification where it
 * needs one, then the organisations to exclude). */
void
tui_slot_consent(struct tui_app *app, const struct mdt_slot *s)
{
	tui_slot_begin(app, s, TUI_PENDING_CONSENT);
	/* asked before the meeting: the answer stands first, Enter confirms
	 * it */
	if (s->consent == MDT_CONSENT_NONE && s->asked_line != NULL) {
		char title[200];

		snprintf(title, sizeof(title), "Consent - asked before: %s;"
		    " Enter confirms", s->asked_line);
		tui_picker_open(app, title, tui_consent_picked);
	} else
		tui_picker_open(app, "Consent to be discussed",
		    tui_consent_picked);
	tui_picker_add(app, MDT_CONSENT_GIVEN, "Given");
	tui_picker_add(app, MDT_CONSENT_BEST_INTERESTS,
	    "Not given - best interests");
	tui_picker_add(app, MDT_CONSENT_RISK_TO_OTHERS,
	    "Not given - risk to others");
	/* recorded again: a correction (the one replaced is kept) */
	if (s->consent != MDT_CONSENT_NONE)
		app->input.sel = (size_t)s->consent - 1;
	else if (s->asked_basis != MDT_CONSENT_NONE)
		app->input.sel = (size_t)s->asked_basis - 1;
}

/* The prompt of a note of s, its draft kept as it is typed. */
static void
tui_note_open(struct tui_app *app, const struct mdt_slot *s)
{
	tui_slot_begin(app, s, TUI_PENDING_NOTE);
	tui_prompt_open(app, "Note: ", tui_note_submit);
	tui_prompt_watch(app, tui_note_edited, tui_note_cancelled);
}

/* w: a note (its draft, if the console stopped while it was typed). */
void
tui_slot_note(struct tui_app *app, const struct mdt_slot *s)
{
	if (!tui_slot_note_restore(app, s))
		tui_note_open(app, s);
}

bool
tui_slot_note_restore(struct tui_app *app, const struct mdt_slot *s)
{
	char *draft = NULL;

	if (mdt_note_draft_get(app->store, s->id, &draft) != MDT_OK ||
	    draft == NULL)
		return false;
	tui_note_open(app, s);
	tui_prompt_set_text(app, draft);
	free(draft);
	tui_app_message(app, false, "The note being typed was kept: Enter"
	    " saves it, Esc discards it");
	return true;
}

/* a: a new action (its text, then the owner, then the due date). */
void
tui_slot_action_new(struct tui_app *app, const struct mdt_slot *s)
{
	tui_slot_begin(app, s, TUI_PENDING_ACTION);
	tui_prompt_open(app, "Action: ", tui_action_text_submit);
}

/*
 * o: the outcome (with a review date to stay on the caseload, the date
 * of a death).  Without consent only a death can be recorded: a dead
 * patient cannot consent.  One recorded may be replaced (it is kept,
 * superseded) or withdrawn as entered in error.
 */
void
tui_slot_outcome(struct tui_app *app, const struct mdt_slot *s)
{
	tui_slot_begin(app, s, TUI_PENDING_OUTCOME);
	if (s->consent == MDT_CONSENT_NONE) {
		tui_picker_open(app, "Outcome (no consent: a death only)",
		    tui_outcome_picked);
		tui_picker_add(app, MDT_OUTCOME_DIED, "Died");
	} else {
		tui_picker_open(app, "Outcome", tui_outcome_picked);
		tui_picker_add(app, MDT_OUTCOME_STAY, "Stay on caseload");
		tui_picker_add(app, MDT_OUTCOME_STEP_DOWN,
		    "Step down to rising risk");
		tui_picker_add(app, MDT_OUTCOME_CLOSE, "Close");
		tui_picker_add(app, MDT_OUTCOME_DIED, "Died");
	}
	if (s->outcome != MDT_OUTCOME_NONE)
		tui_picker_add(app, TUI_OUTCOME_WITHDRAW,
		    "Withdraw the outcome (entered in error)");
}

/* K: the patient's key contact, from everyone known. */
void
tui_slot_key_contact(struct tui_app *app, const struct mdt_slot *s)
{
	if (app->snap.n_people == 0) {
		tui_app_message(app, true, "Nobody is known to choose from");
		return;
	}
	tui_slot_begin(app, s, TUI_PENDING_KEY_CONTACT);
	tui_people_picker(app, "Key contact", tui_key_contact_picked, 0,
	    tui_excluded_mark, s->key_contact_id);
}

/* ---- the actions of the slot: marking and reviewing ----------------- */

/*
 * The new owner chosen in a reassignment, kept until the due date is
 * typed.  The pending fields of struct tui_app hold one id, and it holds
 * the action being reassigned; like them, this is only where the chair is
 * in an entry, never part of the record.
 */
static int64_t tui_reassign_owner;

/* The action of the slot with this id in the snapshot; NULL if the slot no
 * longer lists it (another window may have changed the record). */
static const struct mdt_action *
tui_slot_action(const struct tui_app *app, int64_t action_id)
{
	for (size_t i = 0; i < app->snap.n_actions; i++)
		if (app->snap.actions[i].id == action_id)
			return &app->snap.actions[i];
	return NULL;
}

/* Records a verdict other than reassigned on a carried-forward action. */
static void
tui_action_review(struct tui_app *app, int64_t slot_id, int64_t action_id,
    enum mdt_action_verdict verdict)
{
	if (!tui_app_check(app, mdt_action_review(app->store, slot_id,
	    action_id, verdict, 0, NULL)))
		return;
	tui_slot_select_action(app, action_id);
	tui_app_message(app, false, "Action reviewed: %s",
	    tui_verdict_text(verdict));
}

/* d: an action agreed now toggles done / open, as it always has; one
 * carried forward is reviewed as done. */
void
tui_action_toggle(struct tui_app *app, const struct mdt_slot *s,
    const struct mdt_action *ac)
{
	enum mdt_action_status next;
	int64_t id;

	id = ac->id;
	if (tui_action_carried(ac)) {
		if (!tui_slot_discussed(s)) {
			tui_app_message(app, true,
			    "Record consent first: press c");
			return;
		}
		/* A verdict is replaced, never taken back: saying done
		 * twice changes nothing, and the other keys say the rest. */
		if (ac->verdict == MDT_VERDICT_DONE) {
			tui_app_message(app, false, "Already reviewed: done "
			    "(v keeps it open, r reassigns, x cancels)");
			return;
		}
		tui_action_review(app, s->id, id, MDT_VERDICT_DONE);
		return;
	}
	next = ac->status == MDT_ACTION_DONE ? MDT_ACTION_OPEN : MDT_ACTION_DONE;
	if (!tui_app_check(app, mdt_action_set_status(app->store, id, next)))
		return;
	tui_slot_select_action(app, id);
	tui_app_message(app, false, "Action marked %s",
	    mdt_action_status_name(next));
}

/* An entry of kind under way on the selected action ac of slot s. */
static void
tui_action_begin(struct tui_app *app, const struct mdt_slot *s,
    const struct mdt_action *ac, int kind)
{
	tui_slot_begin(app, s, kind);
	app->pending_id = ac->id;
}

/* The action the entry under way acts on; NULL, after saying that nothing
 * was done (done: "cancelled"), if it is no longer listed. */
static const struct mdt_action *
tui_action_pending(struct tui_app *app, const char *done)
{
	const struct mdt_action *ac = tui_slot_action(app, app->pending_id);

	if (ac == NULL || tui_slot_pending(app) == NULL) {
		tui_app_message(app, true, "The action is no longer listed: "
		    "nothing %s", done);
		return NULL;
	}
	return ac;
}

static void
tui_action_cancel_confirmed(struct tui_app *app)
{
	const struct mdt_action *ac = tui_action_pending(app, "cancelled");
	int64_t id = app->pending_id;

	if (ac == NULL)
		return;
	if (tui_action_carried(ac)) {
		tui_action_review(app, app->pending_slot_id, id,
		    MDT_VERDICT_CANCELLED);
		return;
	}
	if (!tui_app_check(app, mdt_action_set_status(app->store, id,
	    MDT_ACTION_CANCELLED)))
		return;
	tui_slot_select_action(app, id);
	tui_app_message(app, false, "Action cancelled");
}

/* x: cancelling cannot be told apart from a slip of the finger later, so
 * it is asked first. */
void
tui_action_cancel(struct tui_app *app, const struct mdt_slot *s,
    const struct mdt_action *ac)
{
	if (tui_action_carried(ac) ? ac->verdict == MDT_VERDICT_CANCELLED :
	    ac->status == MDT_ACTION_CANCELLED) {
		tui_app_message(app, false, "The action is already cancelled");
		return;
	}
	tui_action_begin(app, s, ac, TUI_PENDING_ACTION_CANCEL);
	tui_confirm_open(app, "Cancel this action? (y/n)",
	    tui_action_cancel_confirmed);
}

/* v: a carried-forward action stays open, and says it was looked at. */
void
tui_action_keep(struct tui_app *app, const struct mdt_slot *s,
    const struct mdt_action *ac)
{
	if (!tui_action_carried(ac)) {
		tui_app_message(app, true, "v applies to carried-forward "
		    "actions only: this one was agreed now");
		return;
	}
	if (ac->verdict == MDT_VERDICT_OPEN) {
		tui_app_message(app, false, "Already reviewed: still open");
		return;
	}
	tui_action_review(app, s->id, ac->id, MDT_VERDICT_OPEN);
}

static bool
tui_action_reassign_due_submit(struct tui_app *app, const char *text)
{
	const struct mdt_action *ac = tui_action_pending(app, "reassigned");
	int64_t id = app->pending_id, owner = tui_reassign_owner;
	const char *due = mdt_str_blank(text) ? NULL : text;
	char parsed[11];
	enum mdt_status st;

	if (ac == NULL)
		return true;
	/* Said here rather than by core/ so that the prompt stays open
	 * with the text to correct. */
	if (due != NULL && !tui_app_date_typed(app, due, NULL, parsed))
		return false;
	if (owner == ac->owner_id &&
	    (due == NULL || strcmp(parsed, ac->due_date) == 0)) {
		tui_app_message(app, false, "Same owner and due date: nothing "
		    "reassigned%s", tui_action_carried(ac) ?
		    " (v keeps it open as it is)" : "");
		return true;
	}
	if (tui_action_carried(ac))
		st = mdt_action_review(app->store, app->pending_slot_id, id,
		    MDT_VERDICT_REASSIGNED, owner, due);
	else
		st = mdt_action_reassign(app->store, id, owner, due);
	if (!tui_app_check(app, st))
		return false;
	tui_slot_select_action(app, id);
	ac = tui_slot_action(app, id);
	if (ac != NULL)
		tui_app_message(app, false, "Action reassigned: %s, due %s",
		    tui_str(ac->owner_name), ac->due_date);
	else
		tui_app_message(app, false, "Action reassigned");
	return true;
}

static void
tui_action_reassign_owner_picked(struct tui_app *app, int64_t person_id)
{
	if (!tui_owner_allowed(app, person_id, "own this action"))
		return;
	tui_reassign_owner = person_id;
	tui_prompt_open(app, "Due (YYYY-MM-DD or +days, Enter = keep): ",
	    tui_action_reassign_due_submit);
}

/* r: a new owner (as for a new action: those present first), then the due
 * date.  A carried-forward action is reviewed as reassigned, which reopens
 * it if it had been closed in this slot. */
void
tui_action_reassign(struct tui_app *app, const struct mdt_slot *s,
    const struct mdt_action *ac)
{
	if (!tui_action_carried(ac) && ac->status != MDT_ACTION_OPEN) {
		tui_app_message(app, true, "Only an open action can be "
		    "reassigned: d reopens it");
		return;
	}
	if (!tui_owner_present(app, "2"))
		return;
	tui_action_begin(app, s, ac, TUI_PENDING_ACTION_REASSIGN);
	tui_reassign_owner = 0;
	tui_owner_picker(app, "New owner (present first)",
	    tui_action_reassign_owner_picked, ac->owner_id);
}
