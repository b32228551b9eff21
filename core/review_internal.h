/*
 * review_internal.h - the sorted statistics the review's figures
 * (review.c) and its chart (review_svg.c) share.  Not for tui/ or sync/.
 */
#ifndef MDT_REVIEW_INTERNAL_H
#define MDT_REVIEW_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "review.h"

/* Orders int64_t values for qsort. */
int mdt_i64_cmp(const void *a, const void *b);
/* The median of n sorted values (the mean of the middle two if even). */
double mdt_median_of(const int64_t *v, size_t n);
/* Nearest rank: the value at rank ceil(p/100 n) of n sorted values. */
double mdt_percentile_of(const int64_t *v, size_t n, int p);

struct mdt_store;
struct mdt_review;

/* Named counts of the range [start, end) (sql's ?1 and ?2), with the
 * number of meetings too if with_meetings, into *v and *n (review.c). */
enum mdt_status mdt_review_counts_load(struct mdt_store *s, const char *what,
    bool with_meetings, const char *sql, int64_t start, int64_t end,
    struct mdt_review_count **v, size_t *n);
/* Named counts read by mdt_review_counts_load, freed. */
void mdt_review_counts_free(struct mdt_review_count *v, size_t n);

/* The figures of review_use.c (the attendances and calls before and
 * after, the themes, what was agreed at the last review) for the range
 * [start, end) in ms, inside review.c's read transaction. */
enum mdt_status mdt_review_load_use(struct mdt_store *s, int64_t start,
    int64_t end, struct mdt_review *r);
/* What they own, freed. */
void mdt_review_use_free(struct mdt_review *r);

/* What the attendances and calls before and after are not, said with
 * them wherever they are shown. */
extern const char mdt_review_caveat[];
/* The two kinds counted: the list's label, and its counts' name. */
extern const char *const mdt_use_label[MDT_USE_KINDS];
extern const char *const mdt_use_key[MDT_USE_KINDS];

/* How a format marks what was agreed at the last review: the text when
 * nothing was, the heading around the day, each note and its author,
 * after the last; text writes a text escaped for the format. */
struct mdt_agreed_marks {
	const char *none;
	const char *head, *head_end;
	const char *item, *by, *item_end;
	const char *tail;
	void (*text)(FILE *out, const char *s);
};
/* The text format's marks (review_write.c). */
extern const struct mdt_agreed_marks mdt_agreed_txt;
/* What was agreed at the last review, in m's marks (review_write.c). */
void mdt_review_agreed_write(const struct mdt_review *r,
    const struct mdt_agreed_marks *m, FILE *out);

/* The figures as HTML (review_html.c). */
int mdt_review_html(struct mdt_store *s, const struct mdt_review *r,
    bool unmask, FILE *out);

/* The chart (review_svg.c) as an <svg> element, for the HTML page. */
void mdt_review_svg_inline(const struct mdt_review *r, FILE *out);

/* Text with the five XML special characters escaped, and any character
 * the output policy bans as "\x1b", "<U+202E>" (textio.h). */
void mdt_xml_text(FILE *out, const char *s);

#endif
