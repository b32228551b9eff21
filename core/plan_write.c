/*
 * plan_write.c - the joined-up plan printed for the patient (plan.h), in
 * plain language and in the order they would read it: what matters to
 * me (the problems), my goals (in my words, or my carer's), what we will
 * do (who, by when), my key contact, the next review; what is resolved
 * said as done.  Only this patient's plan is read: no other patient's
 * name, number or words can appear.  Stored text is escaped (textio.h).
 */
#include "config.h"

#include "plan.h"

#include <stdio.h>
#include <string.h>

#include "store_internal.h"
#include "textio.h"

/* A heading: "# text" in Markdown, else the text underlined. */
static void
heading(FILE *out, bool md, int level, const char *text)
{
	if (md)
		fprintf(out, "%s %s\n\n", level == 1 ? "#" : "##", text);
	else
		fprintf(out, "%s\n%.*s\n", text, (int)strlen(text),
		    level == 1 ? "==============================================="
		    : "-----------------------------------------------");
}

/* The items of kind, each a bullet; "none yet" when there is none. */
static void
items(FILE *out, bool md, const struct mdt_plan *p, enum mdt_plan_kind kind)
{
	size_t shown = 0;

	for (size_t i = 0; i < p->n_items; i++) {
		const struct mdt_plan_item *it = &p->items[i];

		if (it->kind != kind)
			continue;
		shown++;
		fprintf(out, "%s%d. ", md ? "- " : "  ", it->position);
		mdt_text_fput(out, it->text, md);
		if (kind == MDT_PLAN_GOAL && it->carer)
			fputs(" (in my carer's words)", out);
		if (kind == MDT_PLAN_INTERVENTION && it->action_id != 0) {
			fputs(" (", out);
			mdt_text_fput(out, it->action_owner[0] != '\0' ?
			    it->action_owner : "someone of the team", md);
			fprintf(out, ", by %s%s)", it->action_due,
			    strcmp(it->action_status, "done") == 0 ?
			    ", done" : strcmp(it->action_status, "cancelled")
			    == 0 ? ", cancelled" : "");
		} else if (kind == MDT_PLAN_INTERVENTION)
			fputs(" (who and when to be agreed)", out);
		if (it->resolved) {
			fprintf(out, " - %s on %s: ", kind == MDT_PLAN_GOAL ?
			    "achieved" : kind == MDT_PLAN_PROBLEM ?
			    "resolved" : "done", it->resolved_on);
			mdt_text_fput(out, it->resolved_reason, md);
		}
		fputc('\n', out);
	}
	if (shown == 0)
		fputs(md ? "- none yet\n" : "  none yet\n", out);
	fputc('\n', out);
}

enum mdt_status
mdt_plan_write(struct mdt_store *s, int64_t patient_id, bool md, FILE *out)
{
	struct mdt_plan p;
	enum mdt_status st;
	int rc;

	st = mdt_plan_load(s, patient_id, &p);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "the patient has no plan yet");
	if (st != MDT_OK)
		return st;
	heading(out, md, 1, "My joined-up plan");
	fputs(md ? "**For:** " : "For: ", out);
	mdt_text_fput(out, p.patient_name, md);
	fprintf(out, " (NHS number %.3s %.3s %.4s)%s\n", p.nhs_number,
	    p.nhs_number + 3, p.nhs_number + 6, md ? "  " : "");
	fprintf(out, "Made %s, last changed %s.", p.created_on,
	    p.updated_on);
	if (strcmp(p.status, "completed") == 0)
		fputs(" Every problem is resolved: the plan is complete.", out);
	else if (strcmp(p.status, "ended") == 0) {
		fputs(" The plan has ended: ", out);
		mdt_text_fput(out, p.end_reason, md);
		fputc('.', out);
	}
	fputs("\n\n", out);
	heading(out, md, 2, "What matters to me");
	items(out, md, &p, MDT_PLAN_PROBLEM);
	heading(out, md, 2, "My goals");
	items(out, md, &p, MDT_PLAN_GOAL);
	heading(out, md, 2, "What we will do (who, by when)");
	items(out, md, &p, MDT_PLAN_INTERVENTION);
	heading(out, md, 2, "My key contact");
	if (p.key_contact[0] != '\0')
		mdt_text_fput(out, p.key_contact, md);
	else
		fputs("Not named yet: ask at your practice.", out);
	fputs("\n\n", out);
	heading(out, md, 2, "Next review");
	fprintf(out, "%s\n", p.next_review[0] != '\0' ? p.next_review :
	    "Not set yet.");
	mdt_plan_free(&p);
	rc = fflush(out);
	return mdt_write_status(s, out, rc, "the plan");
}
