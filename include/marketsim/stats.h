/* stats.h - statistics over replications: a Welford accumulator, the
 * Student-t summary and a table keyed by (metric, subject) in
 * first-appearance order (the row order of summary.csv). Model-free. */
#ifndef MARKETSIM_STATS_H
#define MARKETSIM_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "marketsim/csv.h"
#include "marketsim/error.h"

/* Welford accumulator: O(1) memory, numerically stable, and (fed in id
 * order) deterministic. Zero-initialise or ms_stats_acc_init. */
typedef struct {
    uint64_t n;
    double mean, m2;
} ms_stats_acc;

void ms_stats_acc_init(ms_stats_acc *a);
void ms_stats_acc_add(ms_stats_acc *a, double x);

typedef struct {
    uint64_t n;
    double mean;
    double sd;              /* sample sd (n - 1); NaN when n < 2 */
    double ci_low, ci_high; /* Student-t interval; NaN when n < 2 */
} ms_stats_summary;

/* Mean, sd and the two-sided Student-t interval at `level` (0.95):
 * mean -/+ t(1 - (1 - level)/2, n - 1) * sd / sqrt(n), t from GSL's
 * gsl_cdf_tdist_Pinv. NaN mean when n == 0. */
void ms_stats_summarize(const ms_stats_acc *a, double level, ms_stats_summary *s);

/* Replications for the next --target-ci round (sweep, compare): enough for
 * a 95% half-width of `target` if the sd behind the current `worst`
 * half-width at `reps` replications holds; at least 2 x reps, at most max. */
uint32_t ms_stats_next_reps(uint32_t reps, double worst, double target, uint32_t max);

/* Writes the five fields mean,sd,ci95_low,ci95_high,n of a summary row
 * (computed precision; an undefined value, e.g. sd when n < 2, is an
 * empty field, which R and pandas read as missing). */
void ms_stats_write_csv(ms_csv *w, const ms_stats_summary *s);

/* Accumulators keyed by (metric, subject), kept in first-appearance order
 * (the stable row order of summary.csv). Use one table per point and
 * ms_stats_table_clear it once the point's rows are written. */
typedef struct ms_stats_table ms_stats_table;

/* Returns NULL when out of memory. */
ms_stats_table *ms_stats_table_create(void);
/* NULL is a no-op. */
void ms_stats_table_destroy(ms_stats_table *t);
/* Adds one replication's value. Keys longer than 63 bytes are truncated.
 * Returns MS_OK or MS_ENOMEM. */
ms_status ms_stats_table_add(ms_stats_table *t, const char *metric, const char *subject,
                             double value);
size_t ms_stats_table_count(const ms_stats_table *t);
/* The i-th key in first-appearance order (pointers live until clear). */
void ms_stats_table_key(const ms_stats_table *t, size_t i, const char **metric,
                        const char **subject);
const ms_stats_acc *ms_stats_table_acc(const ms_stats_table *t, size_t i);
/* Index of (metric, subject), or -1. */
long ms_stats_table_find(const ms_stats_table *t, const char *metric, const char *subject);
/* Forgets every key, keeping storage. */
void ms_stats_table_clear(ms_stats_table *t);

#endif
