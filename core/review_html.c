/*
 * review_html.c - the review of a period (review.c) as one self-contained
 * HTML page for the network's leads: what was agreed at the last review,
 * the attendances and calls before and after the first discussion (with
 * the caveat), the themes, every figure as the text gives them, and the
 * chart inline.  No script, no link to anything outside the page (its
 * Content-Security-Policy forbids both); every text escaped for HTML
 * after the output policy (textio.h).
 */
#include "config.h"

#include "review.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "review_internal.h"
#include "rules.h"
#include "store_internal.h"
#include "util.h"

#define html_text mdt_xml_text

static const char html_style[] =
    "body { font-family: sans-serif; margin: 2em auto; max-width: 62em;"
    " color: #222; }\n"
    "h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; }\n"
    "table { border-collapse: collapse; margin: 0.5em 0; }\n"
    "th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; }\n"
    "td.n { text-align: right; font-variant-numeric: tabular-nums; }\n"
    "p.caveat { background: #fff4e0; border-left: 4px solid #ef9a00;"
    " padding: 0.5em 1em; }\n"
    "pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }\n"
    "svg { max-width: 100%; height: auto; }\n";

/* Lines of text, each escaped, the line breaks kept. */
static void
html_text_block(FILE *out, char *text)
{
	char *line = text, *nl;

	for (; line != NULL && *line != '\0'; line = nl != NULL ? nl + 1 :
	    NULL) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		html_text(out, line);
		fputc('\n', out);
	}
}

/* <td class="n">N</td>, or "-" for a count not reported. */
static void
td_n(FILE *out, int64_t n)
{
	if (n < 0)
		fputs("<td class=\"n\">-</td>", out);
	else
		fprintf(out, "<td class=\"n\">%" PRId64 "</td>", n);
}

static const struct mdt_agreed_marks agreed_html = {
	"<h2>Agreed at the last review</h2>\n<p>Nothing recorded.</p>\n",
	"<h2>Agreed at the last review (", ")</h2>\n<ul>\n", "<li>",
	" <small>(", ")</small></li>\n", "</ul>\n", html_text
};

/* A row of the totals: label, then each kind's figure. */
static void
use_row(FILE *out, const char *label, int64_t a, int64_t c)
{
	fputs("<tr><th scope=\"row\">", out);
	html_text(out, label);
	fputs("</th>", out);
	td_n(out, a);
	td_n(out, c);
	fputs("</tr>\n", out);
}

static void
html_use(const struct mdt_review *r, bool unmask, FILE *out)
{
	const struct mdt_review_use_total *a = &r->use_total[0],
	    *c = &r->use_total[1];
	char who[160];

	fputs("<h2>Hospital attendances and ambulance calls, before and after"
	    " the first discussion</h2>\n<p class=\"caveat\">", out);
	html_text(out, mdt_review_caveat);
	fprintf(out, ".</p>\n<p>%" PRId64 " patients were first discussed in"
	    " the period.  Before: the count on the latest list imported"
	    " before the first discussion; after: on the first list imported"
	    " %d weeks or more after it.</p>\n", r->first_discussed,
	    MDT_REVIEW_AFTER_DAYS / 7);
	fputs("<table>\n<tr><th></th><th scope=\"col\">attendances</th>"
	    "<th scope=\"col\">calls</th></tr>\n", out);
	use_row(out, "with a count before", a->on_list, c->on_list);
	use_row(out, "with a count after too", a->paired, c->paired);
	use_row(out, "their counts before", a->before, c->before);
	use_row(out, "their counts after", a->after, c->after);
	use_row(out, "on no list after", a->no_after, c->no_after);
	use_row(out, "time not yet passed", a->not_yet, c->not_yet);
	use_row(out, "a count after only", a->after_only, c->after_only);
	use_row(out, "died (not counted above)", a->died, c->died);
	fputs("</table>\n", out);
	if (r->n_use == 0)
		return;
	fprintf(out, "<table>\n<tr><th scope=\"col\">patient%s</th>"
	    "<th scope=\"col\">first discussed</th>"
	    "<th scope=\"col\">attendances before</th>"
	    "<th scope=\"col\">after</th><th scope=\"col\">calls before</th>"
	    "<th scope=\"col\">after</th><th scope=\"col\"></th></tr>\n",
	    unmask ? "" : " (masked)");
	for (size_t i = 0; i < r->n_use; i++) {
		const struct mdt_review_use *u = &r->use[i];

		mdt_patient_label(u->name, u->date_of_birth, u->nhs_number,
		    unmask, who, sizeof(who));
		fputs("<tr><td>", out);
		html_text(out, who);
		fprintf(out, "</td><td>%s</td>", u->first);
		for (int k = 0; k < MDT_USE_KINDS; k++) {
			td_n(out, u->before[k]);
			td_n(out, u->after[k]);
		}
		fprintf(out, "<td>%s</td></tr>\n", u->died ? "died" :
		    u->not_yet ? "not yet due" : "");
	}
	fputs("</table>\n", out);
}

static void
html_themes(const struct mdt_review *r, FILE *out)
{
	fputs("<h2>Themes of the slots discussed</h2>\n<table>\n<tr><th"
	    " scope=\"col\">theme</th><th scope=\"col\">slots</th><th"
	    " scope=\"col\">patients</th></tr>\n", out);
	for (size_t i = 0; i < r->n_themes; i++) {
		fputs("<tr><td>", out);
		html_text(out, r->themes[i].name);
		fputs("</td>", out);
		td_n(out, r->themes[i].n);
		td_n(out, r->themes[i].meetings);
		fputs("</tr>\n", out);
	}
	fputs("<tr><td>(no theme)</td>", out);
	td_n(out, r->slots_untagged);
	fputs("<td></td></tr>\n</table>\n", out);
}

int
mdt_review_html(struct mdt_store *s, const struct mdt_review *r, bool unmask,
    FILE *out)
{
	char *txt = NULL;
	size_t len = 0;
	FILE *mem;

	/* every figure, as the text gives them */
	mem = open_memstream(&txt, &len);
	if (mem == NULL)
		return -1;
	if (mdt_review_write(s, r, MDT_REVIEW_TXT, unmask, mem) != MDT_OK) {
		fclose(mem);
		free(txt);
		return -1;
	}
	fclose(mem);
	fputs("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src"
	    " 'none'; style-src 'unsafe-inline'\">\n", out);
	fprintf(out, "<title>MDT review %s to %s</title>\n<style>\n%s</style>\n"
	    "</head>\n<body>\n<h1>Review of %s to %s</h1>\n<p>Local dates,"
	    " both included.  docs/review.md says how each figure is"
	    " made.</p>\n", r->from, r->to, html_style, r->from, r->to);
	mdt_review_agreed_write(r, &agreed_html, out);
	html_use(r, unmask, out);
	html_themes(r, out);
	fputs("<h2>The chart</h2>\n", out);
	mdt_review_svg_inline(r, out);
	fputs("<h2>Every figure</h2>\n<pre>", out);
	html_text_block(out, txt);
	fputs("</pre>\n</body>\n</html>\n", out);
	free(txt);
	return 0;
}
