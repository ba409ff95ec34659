/* calib_lm.c - the `lm` method of calibrate: GSL's trust-region
 * Levenberg-Marquardt (gsl_multifit_nlinear) on the weighted residuals
 * (mean - value) / se of the fit targets, over the same bound-mapped space
 * u as the simplex (calibrate.c).
 *
 * The Jacobian is ours, not GSL's: GSL's finite differences step by
 * sqrt(machine epsilon), far inside the jitter of individual buyers'
 * discrete choices, where the derivative of a simulated mean is noise.
 * Central differences of 2% of each key's range (the standard errors'
 * step) see the trend instead; forward ones were tried and stopped early
 * on the rough surface. One Jacobian costs two evaluations per key; every
 * evaluation counts against --max-evals and goes into the trace as a
 * search evaluation.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib_internal.h"

#define LM_STEP 0.02 /* central-difference step, of the key's range */
#define LM_XTOL 1e-5 /* relative step in u at which the search has converged */
#define LM_GTOL 1e-6 /* gradient test (GSL's, scaled) */
#define LM_FTOL 0.0  /* unused by GSL's test */

typedef struct {
    calib *c;
    size_t m, n;
    double *last_u, *last_r; /* the last evaluation's point and residuals */
    int have_last;
    double *scratch; /* 3 m: a Jacobian's base, upper and lower residuals */
} lm_ctx;

/* Residuals at u, from the last evaluation when it was at u exactly
 * (GSL asks for f and then df at the same point). */
static int same_point(const lm_ctx *l, const gsl_vector *u)
{
    if (!l->have_last)
        return 0;
    for (size_t j = 0; j < l->n; j++)
        if (l->last_u[j] != gsl_vector_get(u, j))
            return 0;
    return 1;
}

static int lm_residuals(lm_ctx *l, const gsl_vector *u, double *r)
{
    calib *c = l->c;
    if (same_point(l, u)) {
        memcpy(r, l->last_r, l->m * sizeof *r);
        return GSL_SUCCESS;
    }
    if (c->status != MS_OK || c->res->n_trace >= c->cfg->max_evals)
        return GSL_EMAXITER; /* stop: a failure, or out of evaluations */
    double x[MS_CALIB_MAX_PARAMS], obj;
    for (size_t j = 0; j < l->n; j++)
        x[j] = ms_calib_to_value(&c->cfg->params[j], gsl_vector_get(u, j));
    if ((c->status = calib_evaluate(c, x, &obj)) != MS_OK)
        return GSL_EFAILED;
    calib_residuals(c, r);
    for (size_t j = 0; j < l->n; j++)
        l->last_u[j] = gsl_vector_get(u, j);
    memcpy(l->last_r, r, l->m * sizeof *r);
    l->have_last = 1;
    return GSL_SUCCESS;
}

static int lm_f(const gsl_vector *u, void *vctx, gsl_vector *f)
{
    lm_ctx *l = vctx;
    int st = lm_residuals(l, u, l->scratch);
    for (size_t i = 0; st == GSL_SUCCESS && i < l->m; i++)
        gsl_vector_set(f, i, l->scratch[i]);
    return st;
}

/* Central differences of LM_STEP of each key's range (one-sided at a
 * bound), taken in the values (a fixed step in u would shrink to nothing
 * near a bound, where dx/du is small) and expressed per unit of u. */
static int lm_df(const gsl_vector *u, void *vctx, gsl_matrix *J)
{
    lm_ctx *l = vctx;
    const ms_calib_param *params = l->c->cfg->params;
    double *r0 = l->scratch, *r1 = l->scratch + l->m, *r2 = l->scratch + 2 * l->m;
    gsl_vector *v = gsl_vector_alloc(l->n);
    if (!v)
        return GSL_ENOMEM;
    int st = lm_residuals(l, u, r0);
    for (size_t j = 0; st == GSL_SUCCESS && j < l->n; j++) {
        const ms_calib_param *p = &params[j];
        double h = LM_STEP * (p->hi - p->lo), x = ms_calib_to_value(p, gsl_vector_get(u, j));
        double xp = fmin(x + h, p->hi - 1e-9 * (p->hi - p->lo));
        double xm = fmax(x - h, p->lo + 1e-9 * (p->hi - p->lo));
        double up = ms_calib_to_free(p, xp), um = ms_calib_to_free(p, xm);
        gsl_vector_memcpy(v, u);
        gsl_vector_set(v, j, up);
        if ((st = lm_residuals(l, v, r1)) != GSL_SUCCESS)
            break;
        gsl_vector_set(v, j, um);
        if ((st = lm_residuals(l, v, r2)) != GSL_SUCCESS)
            break;
        for (size_t i = 0; i < l->m; i++)
            gsl_matrix_set(J, i, j, (r1[i] - r2[i]) / (up - um));
    }
    gsl_vector_free(v);
    return st;
}

/* GSL's driver loop, with our evaluation budget: iterate until the step
 * and gradient tests pass, an evaluation fails, or --max-evals is spent. */
static void lm_iterate(calib *c, gsl_multifit_nlinear_workspace *w)
{
    for (;;) {
        int st = gsl_multifit_nlinear_iterate(w), info = 0;
        if (c->status != MS_OK || c->res->n_trace >= c->cfg->max_evals)
            return;
        if (st != GSL_SUCCESS && st != GSL_ENOPROG)
            return;
        if (gsl_multifit_nlinear_test(LM_XTOL, LM_GTOL, LM_FTOL, &info, w) == GSL_SUCCESS) {
            c->res->converged = 1;
            return;
        }
    }
}

ms_status calib_search_lm(calib *c)
{
    const ms_calib_config *cfg = c->cfg;
    size_t n = (size_t)cfg->n_params, m = 0;
    for (size_t k = 0; k < c->nt; k++)
        m += !cfg->targets->items[k].holdout;
    if (m < n)
        return c->status = ms_error_set(c->err, MS_EINVAL, "", 0, "--method",
                                        "lm needs at least as many fitted targets (%zu) as "
                                        "--fit keys (%zu)",
                                        m, n);
    double last_u[MS_CALIB_MAX_PARAMS], *buf = malloc(4 * m * sizeof *buf);
    lm_ctx l = {c, m, n, last_u, buf, 0, buf ? buf + m : NULL};
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, m, n);
    gsl_vector *u = gsl_vector_alloc(n);
    if (!w || !u || !buf) {
        c->status = ms_error_set(c->err, MS_ENOMEM, "", 0, "", "out of memory");
    } else {
        for (size_t j = 0; j < n; j++)
            gsl_vector_set(u, j, ms_calib_to_free(&cfg->params[j], cfg->params[j].start));
        gsl_multifit_nlinear_fdf fdf = {.f = lm_f, .df = lm_df, .n = m, .p = n, .params = &l};
        if (gsl_multifit_nlinear_init(u, &fdf, w) == GSL_SUCCESS)
            lm_iterate(c, w);
    }
    gsl_multifit_nlinear_free(w);
    gsl_vector_free(u);
    free(buf);
    if (c->status == MS_OK && c->res->n_trace == 0)
        c->status = ms_error_set(c->err, MS_ESTATE, "", 0, "", "the search made no evaluation");
    return c->status;
}
