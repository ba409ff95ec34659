/* sens_study_internal.h - the study's insides, shared by its loader
 * (sens_load.c) and its computations (sens_study.c); private to
 * sim/experiment. */
#ifndef MARKETSIM_SENS_STUDY_INTERNAL_H
#define MARKETSIM_SENS_STUDY_INTERNAL_H

#include "marketsim/design.h"
#include "marketsim/runner.h"
#include "marketsim/sensitivity.h"
#include "marketsim/stats.h"

/* One (metric, subject): its accumulators per point, then its indices. */
typedef struct {
    ms_stats_acc *acc;     /* per point, over replications */
    ms_stats_acc *rep_acc; /* per replication, over points: the common noise */
    int complete;          /* a value at every point */
    double noise_share;
    ms_sens_sobol_index *sobol;   /* n_keys, after compute (saltelli) */
    ms_sens_morris_index *morris; /* n_keys, after compute (morris) */
} sens_metric;

struct ms_sens_study {
    ms_design_kind kind;
    size_t samples, points;
    int levels, n_keys;
    char keys[MS_DESIGN_MAX_KEYS][MS_DESIGN_KEY_LEN];
    const char *key_ptrs[MS_DESIGN_MAX_KEYS];
    double lo[MS_DESIGN_MAX_KEYS], hi[MS_DESIGN_MAX_KEYS];
    uint32_t replications;
    uint64_t seed;
    double *x;             /* morris: points x n_keys unit coordinates */
    ms_stats_table *index; /* (metric, subject) -> metric number */
    sens_metric *metrics;  /* in first-appearance order */
    size_t n_metrics, cap_metrics;
};

#endif
