/* sensitivity.h - global sensitivity analysis: Saltelli and Morris designs
 * on the unit cube, their estimators on plain arrays, and a study that
 * applies them to a finished sweep.
 *
 * The designs and estimators are model-free: a design is a table of points
 * in [0,1]^k, the caller evaluates its function (a simulation, or Ishigami
 * in a unit test) at every point, and the estimators turn the values back
 * into indices. Sweep designs (design.h) scale the points onto --vary
 * ranges; a study (at the end of this header) reads a sweep's files and
 * feeds every metric's point means to the estimators.
 *
 * Saltelli layout (n base samples, k keys, n (k + 2) points): base sample
 * i owns points i (k + 2) + j, with j = 0 the row A_i, j = 1..k the row
 * AB_i^(j) (A_i with column j - 1 taken from B_i) and j = k + 1 the row
 * B_i. A and B are the first k and the last k coordinates of points
 * M..M+n-1 of GSL's 2k-dimensional Sobol sequence, M the smallest power of
 * two >= max(n, 4): the first points have A = B (the centre, and for k = 2,
 * 4 or 16 also points 1 and 2), rows that carry no information, and a
 * block starting at a power of two keeps the sequence's balance (as
 * SALib's default skip does). The layout is SALib's (calc_second_order =
 * False), so designs and values can be exchanged.
 *
 * Morris layout (r trajectories, k keys, L levels, r (k + 1) points):
 * trajectory t owns points t (k + 1) + s. Every coordinate lies on the grid
 * {0, 1/(L-1), ..., 1}; from one point to the next exactly one coordinate
 * moves, by delta = L / (2 (L - 1)) up or down, each once per trajectory
 * in a random order (Morris 1991; Campolongo et al. 2007). Start levels,
 * directions and order come from the stream (seed, 0, MORRIS, t).
 *
 * Estimators (Saltelli et al. 2010, Table 2): with V the variance of the
 * 2n values f(A), f(B),
 *   S1_j = mean((f(B) - m) (f(AB^(j)) - f(A))) / V    (Saltelli 2010)
 *   ST_j = mean((f(A) - f(AB^(j)))^2) / (2 V)         (Jansen 1999)
 * with m the mean of the 2n values (centring leaves the expectation alone
 * and removes the mean's share of the estimator's variance).
 * Morris: elementary effect EE = (f(x') - f(x)) / (x'_j - x_j) in unit
 * coordinates, so a linear term c x over [lo, hi] gives EE = c (hi - lo);
 * mu, mu* = mean |EE| and sigma (sd, n - 1) over trajectories.
 *
 * Bootstrap intervals resample base samples (Sobol) or trajectories
 * (Morris) with replacement, B times, and take the 2.5% and 97.5%
 * quantiles (gsl_stats_quantile_from_sorted_data). The resamples come from
 * the stream (seed, 0, BOOT, 0) from draw 0 on every call, so every metric
 * of a study sees the same resamples and results never depend on threads.
 * Undefined values (V = 0, too few effects, B = 0) are NaN; bootstrap
 * replicates with an undefined index are left out of its interval.
 */
#ifndef MARKETSIM_SENSITIVITY_H
#define MARKETSIM_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "marketsim/csv.h"
#include "marketsim/design.h"
#include "marketsim/error.h"
#include "marketsim/runner.h"
#include "marketsim/stats.h"

/* gsl_qrng_sobol has 40 dimensions and Saltelli uses 2 per key. */
#define MS_SENS_SOBOL_MAX_KEYS 20
#define MS_SENS_MORRIS_MAX_KEYS 40
#define MS_SENS_MORRIS_DEFAULT_LEVELS 4
#define MS_SENS_MAX_LEVELS 1000

/* Points of a Saltelli design: n (k + 2). */
size_t ms_sens_saltelli_points(size_t n, int k);
/* Points of a Morris design: r (k + 1). */
size_t ms_sens_morris_points(size_t r, int k);

/* Sobol points skipped before a Saltelli design of n base samples. */
size_t ms_sens_saltelli_skip(size_t n);

/* Fills u (ms_sens_saltelli_points(n, k) x k, row-major) with the Saltelli
 * design. Returns MS_OK, MS_EINVAL (n = 0, k outside 1..20) or MS_ENOMEM. */
ms_status ms_sens_saltelli_design(size_t n, int k, double *u);

/* Fills u (ms_sens_morris_points(r, k) x k, row-major) with r Morris
 * trajectories on `levels` levels (even, 2..1000). Returns MS_OK,
 * MS_EINVAL or MS_ENOMEM. */
ms_status ms_sens_morris_design(size_t r, int k, int levels, uint64_t seed, double *u);

typedef struct {
    double s1, s1_low, s1_high; /* first order and its bootstrap 95% interval */
    double st, st_low, st_high; /* total */
} ms_sens_sobol_index;

/* Sobol indices of the k keys from y, the function's values at the
 * n (k + 2) points of a Saltelli design, into out[0..k-1]. boot = 0 leaves
 * the intervals NaN. Returns MS_OK, MS_EINVAL (n < 2, k out of range) or
 * MS_ENOMEM. */
ms_status ms_sens_sobol(const double *y, size_t n, int k, unsigned boot, uint64_t seed,
                        ms_sens_sobol_index *out);

typedef struct {
    double mu, mu_star, mu_star_low, mu_star_high, sigma;
    size_t effects; /* elementary effects behind the figures */
} ms_sens_morris_index;

/* Morris measures of the k keys from the r (k + 1) points x (unit
 * coordinates, row-major) of a Morris design and the values y there. A
 * step that moves no coordinate (integer keys can round two levels onto
 * one value) gives no effect. Returns MS_OK, MS_EINVAL (r < 2, a step that
 * moves two coordinates or one coordinate twice) or MS_ENOMEM. */
ms_status ms_sens_morris(const double *x, const double *y, size_t r, int k, unsigned boot,
                         uint64_t seed, ms_sens_morris_index *out);

/* The share of the variance of point values that is replication noise:
 * noise_var / total_var clipped to [0, 1], where noise_var is the mean over
 * points of sd^2 / n (the variance of a point's mean) and total_var the
 * variance of the point means. NaN when it cannot be told (total_var = 0
 * or no sd). */
double ms_sens_noise_share(double noise_var, double total_var);

/* ---- a study: the indices of a finished sweep ---------------------------
 *
 * A point's value is its mean over replications (every point sees the same
 * replications: common random numbers). For each (metric, subject) of the
 * sweep with a value at every point, the study computes every key's
 * indices and the noise share (above). Metrics missing at some point (e.g.
 * a deferral rate where nobody deferred) are left out and counted. */

#define MS_SENS_MIN_SOBOL_SAMPLES 8
#define MS_SENS_MIN_MORRIS_TRAJECTORIES 2

typedef struct ms_sens_study ms_sens_study;

/* What a study holds, for reports. Pointers live as long as the study. */
typedef struct {
    ms_design_kind kind; /* MS_DESIGN_SALTELLI or MS_DESIGN_MORRIS */
    const char *method;  /* "sobol" or "morris" */
    size_t samples;      /* base samples N, or trajectories */
    int levels;          /* morris */
    int n_keys;
    const char *const *keys;
    size_t points;
    uint32_t replications;
    uint64_t seed;  /* the sweep's seed: the default bootstrap seed */
    size_t metrics; /* (metric, subject) pairs with indices */
    size_t skipped; /* pairs left out: not defined at every point */
} ms_sens_info;

/* Reads DIR/manifest.csv and DIR/sweep.csv. Returns MS_OK with *out (free
 * with ms_sens_study_destroy); MS_EUSAGE with err naming the file when DIR
 * is not a complete saltelli or morris sweep (no manifest, another design,
 * unmerged shards, a malformed or truncated sweep.csv) or has fewer than
 * the minimum samples above; MS_EIO when a file cannot be read; MS_ENOMEM. */
ms_status ms_sens_study_load(const char *dir, ms_sens_study **out, ms_error *err);
/* NULL is a no-op. */
void ms_sens_study_destroy(ms_sens_study *s);
void ms_sens_study_info(const ms_sens_study *s, ms_sens_info *info);

/* Computes every metric's indices with `boot` bootstrap resamples from
 * `seed`, the metrics spread over `threads` (the results do not depend on
 * it). progress (may be NULL) counts metrics. Returns MS_OK, MS_EINTR when
 * *stop became non-zero, or MS_ENOMEM. */
ms_status ms_sens_study_compute(ms_sens_study *s, unsigned boot, uint64_t seed, int threads,
                                ms_exp_progress_fn progress, void *progress_ctx,
                                const volatile sig_atomic_t *stop, ms_error *err);

/* The indices of metric i (0 <= i < info.metrics), after compute: sobol or
 * morris (the other is NULL) points to n_keys entries. */
typedef struct {
    const char *metric, *subject;
    double noise_share;
    const ms_sens_sobol_index *sobol;
    const ms_sens_morris_index *morris;
} ms_sens_metric;
void ms_sens_study_metric(const ms_sens_study *s, size_t i, ms_sens_metric *m);

/* sensitivity.csv, header included: the sobol or morris columns of
 * docs/sweeps.md, one row per metric, subject and key. */
void ms_sens_study_write_csv(const ms_sens_study *s, ms_buf *b);

#endif
