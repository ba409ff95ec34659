/* compare.h - paired comparison of scenarios under common random numbers:
 * the statistics of per-replication differences, and the runner behind
 * `marketsim compare` and its outcome fan.
 *
 * Every side of a comparison runs with the same seed and replications.
 * Replication i of every side draws from the same streams (docs/engine.md),
 * so the sides' values of one replication are paired and the difference is
 * taken replication by replication. Side 0 is the reference: differences
 * are side s minus side 0.
 *
 * Tasks are (replication, side) with id = replication * sides + side, so
 * the sides of one replication reach the collector together and it keeps
 * only one replication's values at a time: memory does not grow with the
 * replications. Output is byte-identical for any thread count.
 */
#ifndef MARKETSIM_COMPARE_H
#define MARKETSIM_COMPARE_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "marketsim/csv.h"
#include "marketsim/error.h"
#include "marketsim/runner.h"
#include "marketsim/scenario.h"
#include "marketsim/stats.h"

/* ---- paired statistics ------------------------------------------------- */

/* Pairs (a_i, b_i) of one replication each. Zero-initialise or
 * ms_pair_acc_init. d_i = b_i - a_i is accumulated as computed, so equal
 * sides give a difference of exactly 0 with sd 0. */
typedef struct {
    ms_stats_acc a, b, d;
} ms_pair_acc;

void ms_pair_acc_init(ms_pair_acc *p);
void ms_pair_acc_add(ms_pair_acc *p, double a, double b);

typedef struct {
    uint64_t n; /* pairs */
    double mean_a, mean_b;
    double diff, diff_sd;   /* mean and sample sd of d_i = b_i - a_i */
    double ci_low, ci_high; /* paired: diff -/+ t(n-1) diff_sd / sqrt(n) */
    /* Welch's interval for the same difference had the sides been run
     * with independent seeds: diff -/+ t(nu) sqrt((s_a^2 + s_b^2) / n),
     * nu the Welch-Satterthwaite degrees of freedom. Welch rather than the
     * pooled interval: a rule change moves a metric's spread too. */
    double unpaired_low, unpaired_high;
    /* (s_a^2 + s_b^2) / s_d^2: the variance of the unpaired estimate of
     * the difference over that of the paired one, i.e. how many times more
     * replications independent runs would need for the same interval.
     * NaN when s_d = 0 (no noise left to reduce) or n < 2. */
    double variance_reduction;
} ms_pair_summary;

/* Summarises at `level` (0.95); t from GSL's gsl_cdf_tdist_Pinv. Every
 * value is NaN when n == 0; sd, intervals and the reduction are NaN when
 * n < 2. A zero sd gives a zero-width interval. */
void ms_pair_summarize(const ms_pair_acc *p, double level, ms_pair_summary *s);

/* Writes mean_a,mean_b,diff,diff_sd,ci95_low,ci95_high,unpaired_ci95_low,
 * unpaired_ci95_high,variance_reduction,n (NaN as an empty field). */
void ms_pair_write_csv(ms_csv *w, const ms_pair_summary *s);

/* Complete-case moments of several sides' values of one metric (vectors
 * x_i, one element per side): means and co-moments, so any weighted
 * combination w'x_i can be summarised after the fact (the fan's expected
 * row, whose weights may be estimated only at the end). */
#define MS_COMPARE_MAX_SIDES 8
typedef struct {
    int k;      /* sides, <= MS_COMPARE_MAX_SIDES */
    uint64_t n; /* complete vectors added */
    double mean[MS_COMPARE_MAX_SIDES];
    /* co-moments: sum over i of (x_is - mean_s)(x_it - mean_t) */
    double m2[MS_COMPARE_MAX_SIDES][MS_COMPARE_MAX_SIDES];
} ms_multi_acc;

void ms_multi_acc_init(ms_multi_acc *m, int k);
void ms_multi_acc_add(ms_multi_acc *m, const double *x);
/* Summary of w'x_i (mean, sd, Student-t interval at `level`). */
void ms_multi_acc_combine(const ms_multi_acc *m, const double *w, double level,
                          ms_stats_summary *s);

/* ---- the comparison runner ---------------------------------------------- */

/* The monthly series compared (compare_monthly.csv). */
typedef enum {
    MS_SERIES_SHARE_SPEND = 0, /* clouds: share of that month's spend */
    MS_SERIES_VENDOR_SHARE,    /* vendors: share of that month's spend */
    MS_SERIES_ADOPTION,        /* segments: adopted buyers / buyers */
    MS_SERIES_KIND_COUNT
} ms_series_kind;

/* Metric name of a series kind: share_spend, vendor_share_spend,
 * adoption_rate. */
const char *ms_series_name(ms_series_kind k);

typedef struct {
    const ms_scenario *const *sides; /* n_sides loaded scenarios, side 0 the reference */
    const char *const *names;        /* per side: label and subdirectory of out_dir */
    int n_sides;                     /* 2..MS_COMPARE_MAX_SIDES */
    uint32_t replications;           /* >= 1 */
    int threads;                     /* >= 1 */
    /* NULL: compute only. Otherwise every side's complete run files go to
     * out_dir/<name>/ (as `marketsim run` writes them) and the caller adds
     * its own files with ms_compare_open before ms_compare_commit. */
    const char *out_dir;
    const char *command; /* recorded in the manifests */
    /* --target-ci: add replications until the paired 95% half-width of
     * (metric, subject), worst over sides 1.., is at most target_halfwidth
     * (0 = off), or max_reps is reached. */
    const char *target_metric, *target_subject;
    double target_halfwidth;
    uint32_t max_reps;
    ms_exp_progress_fn progress;
    void *progress_ctx;
    const volatile sig_atomic_t *stop; /* NULL = never */
} ms_compare_config;

typedef struct ms_compare ms_compare;

/* Runs the comparison. The sides must share seed and replications (the
 * caller sets both; MS_EINVAL otherwise). On MS_OK *out holds the results
 * and, with out_dir, the sides' files ready to commit. Returns MS_EINTR
 * when stopped, MS_EUSAGE when the target metric never appears, a task's
 * status, MS_EIO or MS_ENOMEM, with err filled and *out NULL; nothing is
 * then left in out_dir. */
ms_status ms_compare_run(const ms_compare_config *cfg, ms_compare **out, ms_error *err);

/* Opens the temporary of file `name` in out_dir itself (e.g.
 * "compare.csv"); owned by the comparison. NULL with err on failure. */
FILE *ms_compare_open(ms_compare *c, const char *name, ms_error *err);
/* Renames every side's files, then out_dir's, into place (manifests
 * last). Returns MS_OK or MS_EIO with err filled. */
ms_status ms_compare_commit(ms_compare *c, ms_error *err);
/* Aborts what is not committed and frees. NULL is a no-op. */
void ms_compare_destroy(ms_compare *c);

/* Replications in the final comparison (after --target-ci), and the worst
 * paired half-width of the target metric (-1 when it never appeared). */
uint32_t ms_compare_replications(const ms_compare *c);
double ms_compare_worst_halfwidth(const ms_compare *c);

/* Metric keys of summary.csv over all sides, side 0's first, in
 * first-appearance order. */
size_t ms_compare_key_count(const ms_compare *c);
void ms_compare_key(const ms_compare *c, size_t i, const char **metric, const char **subject);
long ms_compare_find(const ms_compare *c, const char *metric, const char *subject);
/* Side s's values of key i, over the replications that have it. */
const ms_stats_acc *ms_compare_side(const ms_compare *c, size_t i, int s);
/* Pairs (side 0, side s) of key i, s >= 1, over replications with both. */
const ms_pair_acc *ms_compare_pair(const ms_compare *c, size_t i, int s);
/* Every side's value of key i, over replications where all sides have it. */
const ms_multi_acc *ms_compare_multi(const ms_compare *c, size_t i);

/* Monthly series: count, and series j's kind and subject (side 0's
 * entities, in scenario order); months 0..ms_compare_months()-1 (the
 * shortest horizon). ms_compare_monthly is the pair (side 0, side s) of
 * series j at month m; NULL when side s has no such subject. */
size_t ms_compare_series_count(const ms_compare *c);
void ms_compare_series(const ms_compare *c, size_t j, ms_series_kind *kind, const char **subject);
int ms_compare_months(const ms_compare *c);
const ms_pair_acc *ms_compare_monthly(const ms_compare *c, int month, size_t j, int s);

/* ---- the comparison's tables -------------------------------------------- */

/* compare.csv for side s against side 0: one row per key (see
 * docs/outputs.md). Returns MS_OK, MS_ENOMEM or MS_EIO. */
ms_status ms_compare_write_csv(const ms_compare *c, int side, FILE *fp);
/* compare_monthly.csv for side s against side 0: every month, every
 * monthly series both sides have. */
ms_status ms_compare_write_monthly(const ms_compare *c, int side, FILE *fp);

/* The outcome fan. prob[s] is side s's probability (NaN for a side that is
 * not an outcome, e.g. the stochastic scenario). The `expected` weights are
 * prob[s] / sum(prob) over the outcome sides; *covered = that sum (the
 * probability the listed outcomes cover). */
void ms_compare_fan_weights(const ms_compare *c, const double *prob, double *w, double *covered);
/* outcomes.csv: each side's rows (mean and interval, difference from side
 * 0), then `expected` rows: the weighted mean of the outcome sides,
 * computed per replication so its interval keeps the pairing. */
ms_status ms_compare_write_fan(const ms_compare *c, const double *prob, FILE *fp);

#endif
