/*
 * review_internal.h - the sorted statistics the review's figures
 * (review.c) and its chart (review_svg.c) share.  Not for tui/ or sync/.
 */
#ifndef MDT_REVIEW_INTERNAL_H
#define MDT_REVIEW_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Orders int64_t values for qsort. */
int mdt_i64_cmp(const void *a, const void *b);
/* The median of n sorted values (the mean of the middle two if even). */
double mdt_median_of(const int64_t *v, size_t n);
/* Nearest rank: the value at rank ceil(p/100 n) of n sorted values. */
double mdt_percentile_of(const int64_t *v, size_t n, int p);

#endif
