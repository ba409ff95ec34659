/* calibrate.h - fitting scenario parameters to observed figures.
 *
 * A calibration is a set of targets (observed values with standard errors,
 * read from a TARGETS.csv), a set of free parameters (scenario keys with
 * bounds, from --fit KEY=lo:hi) and a scenario. The objective is
 *     sum over fit targets of ((simulated mean - value) / se)^2,
 * the simulated mean taken over R replications that use the same seeds at
 * every evaluation (common random numbers), so the objective is a
 * deterministic function of the parameters. GSL's Nelder-Mead simplex
 * (nmsimplex2) searches an unbounded space u that maps onto each
 * parameter's bounds through a logistic, so no evaluation leaves lo..hi.
 * Standard errors come from the Jacobian of the weighted residuals at the
 * optimum: Cov = (J'J)^-1 (1 + 1/R) (method of simulated moments).
 *
 * Every number that reaches an output is a function of (scenario,
 * overrides, targets, fit keys, seed, replications, max evaluations):
 * replications run on threads but are reduced in replication order, so the
 * bytes are the same for any thread count.
 */
#ifndef MARKETSIM_CALIBRATE_H
#define MARKETSIM_CALIBRATE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "marketsim/error.h"
#include "marketsim/market.h"
#include "marketsim/scenario.h"

/* ---- targets ------------------------------------------------------------ */

/* What a target observes. Month metrics are read at one month of the
 * run's monthly rows; SUMMARY is any metric of summary.csv over the run. */
typedef enum {
    MS_CT_SHARE_SPEND = 0, /* a cloud's share of AI spend (market.csv) */
    MS_CT_SHARE_BUYERS,    /* a cloud's share of adopted buyers */
    MS_CT_VENDOR_SHARE,    /* a vendor's share of spend (products.csv) */
    MS_CT_ADOPTION,        /* adopted / buyers of a segment or group */
    MS_CT_MULTICLOUD,      /* multi-cloud buyers / adopted buyers, all */
    MS_CT_TOTAL_SPEND,     /* committed annual spend of all buyers, $M */
    MS_CT_SUMMARY          /* a summary.csv metric (no month) */
} ms_calib_kind;

/* Subjects that are groups rather than entities. */
enum { MS_CT_ALL = -1, MS_CT_UNREGULATED = -2, MS_CT_REGULATED = -3 };

typedef struct {
    int month; /* 0..horizon, or -1 for a SUMMARY target */
    ms_calib_kind kind;
    char metric[32];
    char subject[MS_ID_LEN];
    int index; /* cloud, vendor or segment index, or an MS_CT_ group */
    double value, se;
    char source[200];
    int line;    /* in the targets file */
    int holdout; /* set by ms_calib_targets_split */
} ms_calib_target;

typedef struct {
    ms_calib_target *items;
    size_t n;
} ms_calib_targets;

/* Reads and checks a targets file against the scenario: the header
 * `month,metric,subject,value,se[,source]` (any order, these names), one
 * target per row. Refuses unknown metrics and subjects, months outside
 * 0..horizon, se <= 0 or missing, rows of the wrong width, duplicate
 * (month, metric, subject), NUL bytes and invalid UTF-8, each as
 * MS_ECONFIG with err = path:line. A UTF-8 byte-order mark, CRLF and blank
 * lines are accepted. On success *t owns the targets (ms_calib_targets_fini);
 * on failure it is empty. */
ms_status ms_calib_targets_read(const char *path, const ms_scenario *sc, ms_calib_targets *t,
                                ms_error *err);
/* The same from text in memory; `name` stands for the file in messages. */
ms_status ms_calib_targets_parse(const char *text, size_t len, const char *name,
                                 const ms_scenario *sc, ms_calib_targets *t, ms_error *err);
void ms_calib_targets_fini(ms_calib_targets *t);
/* Marks targets with a month after `month` as holdout (month < 0: none).
 * Returns the number of fit targets. */
size_t ms_calib_targets_split(ms_calib_targets *t, int month);

/* 1 if the metric is a fraction (reported in percentage points). */
int ms_calib_target_is_share(const ms_calib_target *t);

/* One replication's value of every target into v[0..n-1]; NaN where the
 * run does not define it (e.g. a summary metric absent this replication). */
void ms_calib_observe(const ms_scenario *sc, const ms_market_result *res, const ms_calib_targets *t,
                      double *v);

/* ---- free parameters ----------------------------------------------------- */

#define MS_CALIB_MAX_PARAMS 16
#define MS_CALIB_KEY_LEN 128

typedef struct {
    char key[MS_CALIB_KEY_LEN];
    double lo, hi;               /* the search bounds */
    double schema_lo, schema_hi; /* the key's own range */
    double start;                /* where the search starts */
} ms_calib_param;

/* Parses `KEY=lo:hi` against the scenario: the key must be a float key of
 * the schema that the scenario accepts, lo < hi, both inside the key's
 * schema range, and the scenario must load with the key at lo and at hi.
 * The start is the scenario's own value when strictly inside (lo, hi),
 * else the midpoint. Errors are MS_EUSAGE with err->key = "--fit" and the
 * argument quoted. */
ms_status ms_calib_param_parse(const char *arg, const char *scenario_path, const char *const *sets,
                               int nsets, ms_calib_param *p, ms_error *err);

/* The bound mapping: x = lo + (hi - lo) / (1 + exp(-u)), clamped to
 * [lo, hi]; and its inverse for x strictly inside (lo, hi). */
double ms_calib_to_value(const ms_calib_param *p, double u);
double ms_calib_to_free(const ms_calib_param *p, double x);

/* The objective: sum over targets that are not holdout of
 * ((mean - value) / se)^2. */
double ms_calib_objective(const ms_calib_targets *t, const double *mean);

/* ---- the calibration ---------------------------------------------------- */

/* The search: GSL's Nelder-Mead simplex (nmsimplex2, the default), or
 * its trust-region Levenberg-Marquardt on the weighted residuals
 * (gsl_multifit_nlinear, with a forward-difference Jacobian of 0.1 in the
 * bound-mapped space; needs at least as many fitted targets as keys). */
typedef enum { MS_CALIB_SIMPLEX = 0, MS_CALIB_LM } ms_calib_method;

/* Called after every evaluation (on the calling thread). */
typedef void (*ms_calib_progress_fn)(void *ctx, uint64_t evals, uint64_t max_evals, double best);

typedef struct {
    const char *scenario_path;
    const char *const *sets; /* base overrides KEY=VALUE, before the fit keys */
    int n_sets;
    const ms_calib_targets *targets; /* holdout marked */
    const ms_calib_param *params;
    int n_params;
    uint32_t replications;
    uint64_t seed;
    int threads;
    uint64_t max_evals; /* of the search; the Jacobian adds 2 per parameter */
    double tolerance;   /* simplex size in u at which the search stops */
    ms_calib_method method;
    ms_calib_progress_fn progress;
    void *progress_ctx;
    const volatile sig_atomic_t *stop; /* non-zero: stop (MS_EINTR) */
    const char *command;               /* the command line, for manifest.csv */
} ms_calib_config;

/* The outcome, owned by the caller (ms_calib_result_fini). */
typedef struct {
    int n_params;
    double value[MS_CALIB_MAX_PARAMS];
    double se[MS_CALIB_MAX_PARAMS];    /* NaN when not identified */
    int at_bound[MS_CALIB_MAX_PARAMS]; /* within 0.5% of the range from lo or hi */
    int identified[MS_CALIB_MAX_PARAMS];
    double vif[MS_CALIB_MAX_PARAMS]; /* variance inflation; NaN when not identified */
    int weak[MS_CALIB_MAX_PARAMS];   /* identified, but weakly (ms_calib_identify) */
    double objective, start_objective, holdout_objective;
    uint64_t evals, search_evals;
    int converged; /* the simplex shrank below the tolerance, or lm's tests passed */
    /* per target at the optimum: mean and 95% Student-t interval */
    double *mean, *ci_low, *ci_high;
    /* every evaluation in order: n_params values then the objective */
    double *trace;
    size_t n_trace;
} ms_calib_result;

/* Standard errors and identification from the Jacobian J (m targets x n
 * keys, row-major, of the weighted residuals (mean - value) / se):
 * Cov = (J'J)^-1 (1 + 1/replications) through the SVD of J. A key is not
 * identified (identified 0, se and vif NaN) when it loads (|v| > 0.1) on a
 * direction whose singular value is below 1e-8 of the largest: J'J is
 * singular there, e.g. a key that moves no target. An identified key is
 * weak when its 95% interval (+-1.96 se) is wider than its range hi - lo,
 * or when its variance inflation factor vif = var_j * |J_j|^2 (its
 * variance over the variance it would have as the only fitted key)
 * exceeds 10: it trades off with other keys. */
void ms_calib_identify(const double *J, size_t m, size_t n, const ms_calib_param *params,
                       uint32_t replications, double *se, int *identified, double *vif, int *weak);

/* Runs the search and the standard errors. Returns MS_OK, MS_EINTR when
 * *stop was raised, or a runtime status (err filled) when a replication
 * fails or memory runs out. */
ms_status ms_calib_run(const ms_calib_config *cfg, ms_calib_result *res, ms_error *err);
void ms_calib_result_fini(ms_calib_result *res);

/* Writes the outputs into dir as one atomic set: calibration.csv (every
 * evaluation), parameters.csv, fit.csv, calibrated.cfg (the scenario with
 * the fitted values, seed and replications: `marketsim run` on it
 * reproduces the fitted trajectories) and manifest.csv. targets_path and
 * holdout_after (-1 = none) go into the manifest. Returns MS_OK, or
 * MS_EIO / MS_ENOMEM / MS_ECONFIG with err filled, or MS_EINTR when
 * *cfg->stop is set before the commit: dir unchanged on any failure. */
ms_status ms_calib_write(const char *dir, const ms_calib_config *cfg, const ms_calib_result *res,
                         const char *targets_path, int holdout_after, ms_error *err);

/* Root mean square of (simulated - target) over the share targets of one
 * set (holdout 0 or 1), in percentage points; *n gets their count (NaN
 * when 0). */
double ms_calib_rmse_pp(const ms_calib_targets *t, const double *mean, int holdout, size_t *n);

/* The override text "KEY=VALUE" for parameter p at x (%.17g). */
void ms_calib_set_text(const ms_calib_param *p, double x, char *buf, size_t cap);

#endif
