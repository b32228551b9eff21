/*
 * review_svg.c - the review of a period (review.c) as an SVG chart: the
 * time of each slot discussed, a column per meeting, against the band,
 * and the actions closed per week or month as bars.  Dates and numbers
 * only, never names.
 */
#include "config.h"

#include "review.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "review_internal.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

#define SVG_W 960
#define SVG_LEFT 80
#define SVG_RIGHT 30
#define SVG_PLOT_W (SVG_W - SVG_LEFT - SVG_RIGHT)
#define SLOTS_TOP 100
#define SLOTS_H 300
#define BARS_TOP (SLOTS_TOP + SLOTS_H + 160)
#define BARS_H 200
#define USE_TOP (BARS_TOP + BARS_H + 170)
#define USE_H 200
#define THEMES_TOP (USE_TOP + USE_H + 150)
#define THEMES_H 200
#define SVG_H (THEMES_TOP + THEMES_H + 130)

#define COLOUR_GREEN "#2e7d32"
#define COLOUR_AMBER "#ef9a00"
#define COLOUR_RED "#c62828"

/* Text with the five XML special characters escaped, after what the
 * output policy escapes (a control character, a bidi control, a byte
 * that is not UTF-8, a line break). */
void
mdt_xml_text(FILE *out, const char *s)
{
	static const char *const entity[UCHAR_MAX + 1] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
		['"'] = "&quot;", ['\''] = "&#39;",
	};
	char *shown = mdt_text_escaped(s != NULL ? s : "", false);

	for (const char *p = shown; *p != '\0'; p++) {
		if (entity[(unsigned char)*p] != NULL)
			fputs(entity[(unsigned char)*p], out);
		else
			fputc(*p, out);
	}
	free(shown);
}

#define svg_text mdt_xml_text

/* A <text> element; anchor "start", "middle" or "end"; rotate in
 * degrees (0: none). */
static void
svg_label(FILE *out, int x, int y, const char *anchor, int rotate,
    const char *cls, const char *text)
{
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" class=\"%s\"",
	    x, y, anchor, cls);
	if (rotate != 0)
		fprintf(out, " transform=\"rotate(%d %d %d)\"", rotate, x, y);
	fputc('>', out);
	svg_text(out, text);
	fputs("</text>\n", out);
}

/* A grid line across the plot at y, labelled value on the left. */
static void
svg_grid(FILE *out, int y, int value)
{
	char buf[16];

	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " class=\"grid\"/>\n", SVG_LEFT, y, SVG_LEFT + SVG_PLOT_W, y);
	snprintf(buf, sizeof(buf), "%d", value);
	svg_label(out, SVG_LEFT - 8, y + 4, "end", 0, "tick", buf);
}

/* A line of the band across the plot at y, labelled m:ss on the right. */
static void
svg_band_line(FILE *out, int y, int seconds, const char *cls)
{
	char buf[16];

	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " class=\"%s\"/>\n", SVG_LEFT, y, SVG_LEFT + SVG_PLOT_W, y, cls);
	snprintf(buf, sizeof(buf), "%d:%02d", seconds / 60, seconds % 60);
	svg_label(out, SVG_LEFT + SVG_PLOT_W + 2, y + 4, "start", 0, "band",
	    buf);
}

/* The two axes of a plot from top, h high, and what each measures. */
static void
svg_axes(FILE *out, int top, int h, const char *y_label, const char *x_label)
{
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " class=\"axis\"/>\n", SVG_LEFT, top, SVG_LEFT, top + h);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " class=\"axis\"/>\n", SVG_LEFT, top + h, SVG_LEFT + SVG_PLOT_W,
	    top + h);
	svg_label(out, 24, top + h / 2, "middle", -90, "axis-label", y_label);
	svg_label(out, SVG_LEFT + SVG_PLOT_W / 2, top + h + 100, "middle", 0,
	    "axis-label", x_label);
}

/* The warning and over times most meetings of the range use. */
static void
common_band(const struct mdt_review *r, int *warn_s, int *over_s)
{
	size_t best = 0;

	*warn_s = 300;
	*over_s = 420;
	for (size_t i = 0; i < r->n_meetings; i++) {
		size_t n = 0;

		for (size_t j = 0; j < r->n_meetings; j++)
			n += r->meetings[j].warn_s == r->meetings[i].warn_s &&
			    r->meetings[j].over_s == r->meetings[i].over_s;
		if (n > best) {
			best = n;
			*warn_s = r->meetings[i].warn_s;
			*over_s = r->meetings[i].over_s;
		}
	}
}

static const char *
band_colour(int64_t ms, int warn_s, int over_s)
{
	if (ms < (int64_t)warn_s * 1000)
		return COLOUR_AMBER;
	if (ms <= (int64_t)over_s * 1000)
		return COLOUR_GREEN;
	return COLOUR_RED;
}

/* One label in every step so that at most max are drawn. */
static size_t
label_step(size_t n, size_t max)
{
	return n <= max ? 1 : (n + max - 1) / max;
}

/* The y of a slot time on a scale of top_min minutes (longer times are
 * drawn at the top). */
static int
slot_y(int64_t ms, int top_min)
{
	int64_t top = (int64_t)top_min * 60000;

	return SLOTS_TOP + SLOTS_H - (int)((ms > top ? top : ms) * SLOTS_H /
	    top);
}

/*
 * A meeting too narrow for a dot per slot (a long range): a line from
 * the 10th to the 90th percentile of its slots, and a dot at the median
 * in the colour of its band.
 */
static void
svg_whisker(FILE *out, const struct mdt_review_meeting *m, int cx,
    int top_min)
{
	int64_t *v = mdt_xreallocarray(NULL, m->n_slots, sizeof(*v));
	int64_t med;
	char buf[96];

	memcpy(v, m->slot_ms, m->n_slots * sizeof(*v));
	qsort(v, m->n_slots, sizeof(*v), mdt_i64_cmp);
	med = (int64_t)mdt_median_of(v, m->n_slots);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " class=\"whisker\"/>\n", cx, slot_y((int64_t)mdt_percentile_of(v,
	    m->n_slots, 10), top_min), cx, slot_y((int64_t)mdt_percentile_of(v,
	    m->n_slots, 90), top_min));
	fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"1.5\" fill=\"%s\">"
	    "<title>", cx, slot_y(med, top_min),
	    band_colour(med, m->warn_s, m->over_s));
	snprintf(buf, sizeof(buf), "%s: median %" PRId64 ":%02d of %zu slots",
	    m->date, med / 60000, (int)(med / 1000 % 60), m->n_slots);
	svg_text(out, buf);
	fputs("</title></circle>\n", out);
	free(v);
}

static void
svg_slots(const struct mdt_review *r, FILE *out)
{
	int64_t max_ms = 0;
	int top_min, tick, warn_s, over_s;
	size_t step = label_step(r->n_meetings, 40);
	char buf[64];

	common_band(r, &warn_s, &over_s);
	for (size_t i = 0; i < r->n_meetings; i++)
		for (size_t j = 0; j < r->meetings[i].n_slots; j++)
			if (r->meetings[i].slot_ms[j] > max_ms)
				max_ms = r->meetings[i].slot_ms[j];
	top_min = (int)(max_ms / 60000) + 1;
	if (top_min < over_s / 60 + 3)
		top_min = over_s / 60 + 3;
	if (top_min < 10)
		top_min = 10;
	if (top_min > 30)
		top_min = 30;	/* longer slots are drawn at the top */
	tick = top_min <= 15 ? 1 : 5;

	svg_label(out, SVG_LEFT, SLOTS_TOP - 16, "start", 0, "heading",
	    "Time per slot discussed, by meeting, against the band");
	fprintf(out, "<g class=\"axes\">\n");
	for (int m = 0; m <= top_min; m += tick)
		svg_grid(out, slot_y((int64_t)m * 60000, top_min), m);
	svg_axes(out, SLOTS_TOP, SLOTS_H, "Minutes per slot",
	    "Meeting (date opened)");
	fputs("</g>\n", out);

	/* The band: lines at the warning and over times. */
	svg_band_line(out, slot_y((int64_t)warn_s * 1000, top_min), warn_s,
	    "band-warn");
	svg_band_line(out, slot_y((int64_t)over_s * 1000, top_min), over_s,
	    "band-over");

	if (r->n_meetings == 0)
		svg_label(out, SVG_LEFT + SVG_PLOT_W / 2,
		    SLOTS_TOP + SLOTS_H / 2, "middle", 0, "tick",
		    "No meeting was held in the range");
	for (size_t i = 0; i < r->n_meetings; i++) {
		const struct mdt_review_meeting *m = &r->meetings[i];
		int cx = SVG_LEFT + (int)((2 * i + 1) * SVG_PLOT_W /
		    (2 * r->n_meetings));
		int colw = SVG_PLOT_W / (int)r->n_meetings;
		int spread = colw / 3 < 8 ? colw / 3 : 8;

		fprintf(out, "<g class=\"meeting\" data-meeting=\"%" PRId64
		    "\">\n", m->id);
		if (colw < 6 && m->n_slots > 0) {
			svg_whisker(out, m, cx, top_min);
		} else for (size_t j = 0; j < m->n_slots; j++) {
			int64_t ms = m->slot_ms[j];
			int dx = spread == 0 ? 0 :
			    (int)(j % 5) * spread / 2 - spread;

			fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"3.5\""
			    " fill=\"%s\"><title>", cx + dx,
			    slot_y(ms, top_min),
			    band_colour(ms, m->warn_s, m->over_s));
			snprintf(buf, sizeof(buf), "%s: %" PRId64 ":%02d",
			    m->date, ms / 60000, (int)(ms / 1000 % 60));
			svg_text(out, buf);
			fputs("</title></circle>\n", out);
		}
		if (i % step == 0)
			svg_label(out, cx, SLOTS_TOP + SLOTS_H + 14, "end",
			    -60, "tick", m->date);
		fputs("</g>\n", out);
	}
}

/* The bars of a panel (svg_bar_axes and svg_bar) are declared here and
 * defined with the panels of review_use.c's figures below. */
static void svg_bar(FILE *out, int top, int h, int64_t v, int64_t top_v,
    int x0, int x1, const char *cls, const char *tip);
static int64_t svg_bar_axes(FILE *out, int top, int h, int64_t max,
    const char *y_label, const char *x_label);

static void
svg_bars(const struct mdt_review *r, FILE *out)
{
	int64_t max = 0;
	size_t n = r->n_periods, step = label_step(n, 30);
	char buf[64];

	for (size_t i = 0; i < n; i++)
		if (r->periods[i].closed > max)
			max = r->periods[i].closed;
	snprintf(buf, sizeof(buf), "Actions closed (done) per %s",
	    r->monthly ? "month" : "week");
	svg_label(out, SVG_LEFT, BARS_TOP - 16, "start", 0, "heading", buf);
	max = svg_bar_axes(out, BARS_TOP, BARS_H, max, "Actions closed",
	    r->monthly ? "Month starting" : "Week starting");
	for (size_t i = 0; i < n; i++) {
		int x0 = SVG_LEFT + (int)(i * SVG_PLOT_W / n);
		int x1 = SVG_LEFT + (int)((i + 1) * SVG_PLOT_W / n);

		snprintf(buf, sizeof(buf), "%s to %s: %" PRId64,
		    r->periods[i].from, r->periods[i].to, r->periods[i].closed);
		svg_bar(out, BARS_TOP, BARS_H, r->periods[i].closed, max, x0,
		    x1, "bar", buf);
		if (i % step == 0)
			svg_label(out, (x0 + x1) / 2, BARS_TOP + BARS_H + 14,
			    "end", -60, "tick", r->periods[i].from);
	}
}

/* A bar of a panel from top, h high, whose scale is top_v: x0..x1 the
 * room it has, cls its class, tip its tooltip. */
static void
svg_bar(FILE *out, int top, int h, int64_t v, int64_t top_v, int x0, int x1,
    const char *cls, const char *tip)
{
	int w = (x1 - x0) * 4 / 5, bh = (int)(v * h / top_v);

	if (w < 1)
		w = 1;
	fprintf(out, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\""
	    " height=\"%d\"><title>", cls, x0 + (x1 - x0 - w) / 2,
	    top + h - bh, w, bh);
	svg_text(out, tip);
	fputs("</title></rect>\n", out);
}

/* The grid and axes of a panel of bars from top, h high, for values up
 * to max: the top of its scale. */
static int64_t
svg_bar_axes(FILE *out, int top, int h, int64_t max, const char *y_label,
    const char *x_label)
{
	int64_t tick = 1, top_v;

	while (max / tick > 8)
		tick = tick == 1 ? 2 : tick == 2 ? 5 : tick * 2;
	top_v = (max + tick - 1) / tick * tick;
	if (top_v == 0)
		top_v = tick;
	fputs("<g class=\"axes\">\n", out);
	for (int64_t v = 0; v <= top_v; v += tick)
		svg_grid(out, top + h - (int)(v * h / top_v), (int)v);
	svg_axes(out, top, h, y_label, x_label);
	fputs("</g>\n", out);
	return top_v;
}

/* Attendances and calls before and after the first discussion: for each
 * kind, the paired patients' total before and after, and the caveat. */
static void
svg_use(const struct mdt_review *r, FILE *out)
{
	const size_t half = strlen(mdt_review_caveat) / 2;
	const char *cut = strstr(mdt_review_caveat + half, "; ");
	int64_t max = 0;
	char buf[160];

	for (int k = 0; k < MDT_USE_KINDS; k++) {
		if (r->use_total[k].before > max)
			max = r->use_total[k].before;
		if (r->use_total[k].after > max)
			max = r->use_total[k].after;
	}
	svg_label(out, SVG_LEFT, USE_TOP - 36, "start", 0, "heading",
	    "Hospital attendances and ambulance calls, before and after the"
	    " first discussion");
	/* the caveat, on two lines */
	snprintf(buf, sizeof(buf), "%.*s;", cut != NULL ?
	    (int)(cut - mdt_review_caveat) : 0, mdt_review_caveat);
	svg_label(out, SVG_LEFT, USE_TOP - 20, "start", 0, "tick",
	    cut != NULL ? buf : mdt_review_caveat);
	if (cut != NULL)
		svg_label(out, SVG_LEFT, USE_TOP - 6, "start", 0, "tick",
		    cut + 2);
	max = svg_bar_axes(out, USE_TOP, USE_H, max, "Total of the patients",
	    "Grey: before; blue: after (the same patients)");
	for (int k = 0; k < MDT_USE_KINDS; k++) {
		const struct mdt_review_use_total *t = &r->use_total[k];
		int x0 = SVG_LEFT + k * SVG_PLOT_W / MDT_USE_KINDS;
		int x1 = SVG_LEFT + (k + 1) * SVG_PLOT_W / MDT_USE_KINDS;
		int mid = (x0 + x1) / 2;

		snprintf(buf, sizeof(buf), "%s before, %" PRId64 " patients: %"
		    PRId64, mdt_use_label[k], t->paired, t->before);
		svg_bar(out, USE_TOP, USE_H, t->before, max, x0 + (x1 - x0) / 8,
		    mid, "use-bar before", buf);
		snprintf(buf, sizeof(buf), "%s after, %" PRId64 " patients: %"
		    PRId64, mdt_use_label[k], t->paired, t->after);
		svg_bar(out, USE_TOP, USE_H, t->after, max, mid,
		    x1 - (x1 - x0) / 8, "use-bar after", buf);
		snprintf(buf, sizeof(buf), "%s (%" PRId64 " patients)",
		    mdt_use_label[k], t->paired);
		svg_label(out, mid, USE_TOP + USE_H + 18, "middle", 0,
		    "axis-label", buf);
	}
}

/* The slots discussed tagged with each theme, a bar each. */
static void
svg_themes(const struct mdt_review *r, FILE *out)
{
	int64_t max = 0;
	size_t n = r->n_themes;
	char buf[160];

	for (size_t i = 0; i < n; i++)
		if (r->themes[i].n > max)
			max = r->themes[i].n;
	svg_label(out, SVG_LEFT, THEMES_TOP - 16, "start", 0, "heading",
	    "Themes of the slots discussed");
	max = svg_bar_axes(out, THEMES_TOP, THEMES_H, max, "Slots", "Theme");
	for (size_t i = 0; i < n; i++) {
		int x0 = SVG_LEFT + (int)(i * SVG_PLOT_W / n);
		int x1 = SVG_LEFT + (int)((i + 1) * SVG_PLOT_W / n);
		char *name = mdt_text_escaped(r->themes[i].name, false);

		snprintf(buf, sizeof(buf), "%s: %" PRId64 " slots, %" PRId64
		    " patients", name, r->themes[i].n, r->themes[i].meetings);
		svg_bar(out, THEMES_TOP, THEMES_H, r->themes[i].n, max, x0, x1,
		    "theme-bar", buf);
		svg_label(out, (x0 + x1) / 2, THEMES_TOP + THEMES_H + 14, "end",
		    -30, "tick", name);
		free(name);
	}
}

enum mdt_status
mdt_review_svg(struct mdt_store *s, const struct mdt_review *r, FILE *out)
{
	errno = 0;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	mdt_review_svg_inline(r, out);
	return mdt_write_status(s, out, 0, "the chart");
}

void
mdt_review_svg_inline(const struct mdt_review *r, FILE *out)
{
	char title[96];
	int warn_s, over_s;

	common_band(r, &warn_s, &over_s);
	snprintf(title, sizeof(title), "MDT review %s to %s", r->from, r->to);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
	    " height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
	    SVG_W, SVG_H, SVG_W, SVG_H);
	fputs("<title>", out);
	svg_text(out, title);
	fputs("</title>\n<style>\n"
	    "text { font-family: sans-serif; fill: #222; }\n"
	    ".title { font-size: 20px; font-weight: bold; }\n"
	    ".heading { font-size: 15px; font-weight: bold; }\n"
	    ".axis-label { font-size: 13px; }\n"
	    ".tick, .band { font-size: 11px; }\n"
	    ".legend { font-size: 12px; }\n"
	    ".grid { stroke: #e4e4e4; stroke-width: 1; }\n"
	    ".axis { stroke: #444; stroke-width: 1; }\n"
	    ".band-warn { stroke: " COLOUR_AMBER "; stroke-width: 1.5;"
	    " stroke-dasharray: 6 4; }\n"
	    ".band-over { stroke: " COLOUR_RED "; stroke-width: 1.5;"
	    " stroke-dasharray: 6 4; }\n"
	    ".bar, .after, .theme-bar { fill: #3f6fb5; }\n"
	    ".before { fill: #9e9e9e; }\n"
	    ".whisker { stroke: #9e9e9e; stroke-width: 1; }\n"
	    "</style>\n"
	    "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\""
	    " fill=\"#ffffff\"/>\n", out);
	svg_label(out, SVG_LEFT, 30, "start", 0, "title", title);
	{
		char legend[3][64];
		const char *colour[3] = { COLOUR_GREEN, COLOUR_AMBER,
		    COLOUR_RED };

		snprintf(legend[0], sizeof(legend[0]), "within the band"
		    " (%d:%02d to %d:%02d)", warn_s / 60, warn_s % 60,
		    over_s / 60, over_s % 60);
		snprintf(legend[1], sizeof(legend[1]), "under %d:%02d",
		    warn_s / 60, warn_s % 60);
		snprintf(legend[2], sizeof(legend[2]), "over %d:%02d",
		    over_s / 60, over_s % 60);
		fputs("<g class=\"legend\">\n", out);
		for (int i = 0; i < 3; i++) {
			int x = SVG_LEFT + 230 * i;

			fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"4\""
			    " fill=\"%s\"/>\n", x + 4, 50, colour[i]);
			svg_label(out, x + 14, 54, "start", 0, "legend",
			    legend[i]);
		}
		fputs("</g>\n", out);
	}
	svg_slots(r, out);
	svg_bars(r, out);
	svg_use(r, out);
	svg_themes(r, out);
	fputs("</svg>\n", out);
}
