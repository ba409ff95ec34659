/* calib_internal.h - the state of one calibration, shared by the simplex
 * (sim/experiment/calibrate.c) and the Levenberg-Marquardt search
 * (calib_lm.c). Only the calling thread touches it; an evaluation's
 * replications write disjoint rows of vals.
 */
#ifndef MARKETSIM_EXPERIMENT_CALIB_INTERNAL_H
#define MARKETSIM_EXPERIMENT_CALIB_INTERNAL_H

#include "marketsim/calibrate.h"
#include "marketsim/scenario.h"

#define FAILED_OBJECTIVE 1e300

typedef struct {
    const ms_calib_config *cfg;
    size_t nt;    /* targets */
    char **texts; /* the fit keys' override texts, refreshed per evaluation */
    const char **sets;
    int n_sets;
    double *vals;           /* replications x targets of the current evaluation */
    double *mean, *lo, *hi; /* current evaluation */
    double best, *best_x;
    ms_calib_result *res;
    size_t trace_cap;
    int searching; /* the best point moves only during the search */
    ms_status status;
    ms_error *err;
    ms_scenario_base *base; /* loaded once: the file, --set and the seed */
    ms_scenario *scn;       /* derived from base at each evaluation */
    const ms_scenario *sc;  /* scn while an evaluation runs */
} calib;

/* Evaluates the parameters x (values, not the free u): the objective in
 * *obj, the means in c->mean; appends the evaluation to the trace and, while
 * searching, keeps the best point. On failure c->err is filled. */
ms_status calib_evaluate(calib *c, const double *x, double *obj);

/* The weighted residuals (mean - value) / se of the fit targets (not the
 * holdout ones) at the last evaluation, in target order. */
void calib_residuals(const calib *c, double *r);

/* Searches with gsl_multifit_nlinear (the `lm` method); sets c->status and
 * c->res->converged as the simplex does. */
ms_status calib_search_lm(calib *c);

#endif
