/* compare_internal.h - the state of one comparison (sim/experiment/
 * compare.c, compare_files.c).
 *
 * Per key (metric, subject) of the union of the sides' summaries, in
 * first-appearance order: one accumulator per side, one pair (side 0,
 * side s) per side s >= 1 and one complete-case vector accumulator. Per
 * monthly series (side 0's entities) and month: one pair per side. Arrays
 * are indexed [key * sides + side] and [(month * series + j) * sides +
 * side]. Only the collector thread touches any of it.
 */
#ifndef MARKETSIM_EXPERIMENT_COMPARE_INTERNAL_H
#define MARKETSIM_EXPERIMENT_COMPARE_INTERNAL_H

#include "marketsim/atomic.h"
#include "marketsim/compare.h"
#include "marketsim/market.h"
#include "marketsim/run.h"
#include "results_csv.h"

typedef struct {
    ms_series_kind kind;
    char subject[MS_ID_LEN];
} cmp_series;

struct ms_compare {
    ms_compare_config cfg;
    int k; /* sides */
    uint32_t reps, done;
    double worst_hw;

    /* keys */
    ms_stats_table *keys; /* a registry: only its key order is used */
    size_t cap_keys;
    ms_stats_acc *side;  /* [key * k + s] */
    ms_pair_acc *pair;   /* [key * k + s], s >= 1 */
    ms_multi_acc *multi; /* [key] */
    double *vals;        /* scratch [key * k + s] for one replication */
    unsigned char *have; /* scratch, same shape */

    /* monthly series */
    cmp_series *series; /* side 0's */
    size_t n_series;
    int months;
    int *map; /* [s * n_series + j]: index in side s's series, or -1 */
    size_t side_series[MS_COMPARE_MAX_SIDES];
    ms_pair_acc *monthly; /* [(m * n_series + j) * k + s] */

    /* the replication being collected (ms_exp_replicate's results) */
    ms_exp_rep_result *pending[MS_COMPARE_MAX_SIDES];

    /* files (out_dir only) */
    ms_stats_table *summary[MS_COMPARE_MAX_SIDES]; /* each side's summary.csv */
    uint64_t fingerprint[MS_COMPARE_MAX_SIDES];    /* folded as ms_run folds it */
    ms_atomic_set *set[MS_COMPARE_MAX_SIDES];
    FILE *files[MS_COMPARE_MAX_SIDES][MS_RESULTS_COUNT];
    ms_atomic_set *top;
};

/* compare_files.c: per-side run files. */
ms_status cmp_files_open(ms_compare *c, ms_error *err);
ms_status cmp_files_emit(ms_compare *c, int side, ms_exp_rep_result *r, ms_error *err);
ms_status cmp_files_tail(ms_compare *c, ms_error *err);

#endif
