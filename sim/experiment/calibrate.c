/* calibrate.c - the search: evaluations under common random numbers, GSL's
 * Nelder-Mead simplex over the bound-mapped space, and standard errors from
 * the Jacobian of the weighted residuals at the optimum.
 *
 * The scenario file is read once (ms_scenario_base, with --set and the
 * seed); one evaluation derives the scenario with the fit keys set (type-
 * and range-checked like --set), runs its R replications on the ordered
 * task runner (each simulates and reads its targets straight from the
 * model's rows, see calib_observe.c) and averages each target over
 * replications in replication order:
 * the workers write disjoint rows of one matrix, so the sums, and every
 * byte written later, are the same for any thread count. Seeds come from
 * the scenario seed and the replication only, so two evaluations differ
 * only through the parameters (common random numbers): the objective is a
 * deterministic, if slightly rough, function of them.
 *
 * Evaluations are numbered in the order they happen: the simplex's first,
 * then two per parameter for the Jacobian. The best point is the first
 * evaluation reaching the lowest objective.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib_internal.h"
#include "marketsim/calibrate.h"
#include "marketsim/runner.h"
#include "marketsim/stats.h"

#define JACOBIAN_STEP 0.02  /* of the range: large enough to see past CRN jitter */
#define SINGULAR_RATIO 1e-8 /* s_min / s_max below which J'J counts as singular */
#define NULL_LOADING 0.1    /* a parameter in a null direction is not identified */
#define WEAK_Z 1.96         /* weak: the 95% interval is wider than the range, */
#define WEAK_VIF 10.0       /* or the variance is inflated 10x by the other keys */
#define BOUND_MARGIN 0.005  /* of the range: "at its bound" */

static ms_status rep_run(void *vctx, const ms_exp_task *task, void **result, ms_error *err)
{
    calib *c = vctx;
    ms_market_result res;
    memset(&res, 0, sizeof res);
    *result = NULL;
    ms_status st = ms_market_simulate(c->sc, task->replication, NULL, &res, err);
    if (st == MS_OK)
        ms_calib_observe(c->sc, &res, c->cfg->targets, c->vals + task->replication * c->nt);
    ms_market_result_fini(&res);
    return st;
}

static ms_status rep_emit(void *vctx, const ms_exp_task *task, void *result, ms_error *err)
{
    (void)vctx, (void)task, (void)err;
    free(result);
    return MS_OK;
}

/* Means and 95% intervals over replications, in replication order. */
static ms_status reduce(calib *c)
{
    uint32_t reps = c->cfg->replications;
    for (size_t k = 0; k < c->nt; k++) {
        ms_stats_acc a;
        ms_stats_acc_init(&a);
        for (uint32_t r = 0; r < reps; r++)
            if (!isnan(c->vals[r * c->nt + k]))
                ms_stats_acc_add(&a, c->vals[r * c->nt + k]);
        ms_stats_summary s;
        ms_stats_summarize(&a, 0.95, &s);
        if (a.n == 0) {
            const ms_calib_target *t = &c->cfg->targets->items[k];
            return ms_error_set(c->err, MS_ESTATE, "", t->line, t->metric,
                                "subject %s: the model produced no value in any replication",
                                t->subject);
        }
        c->mean[k] = s.mean;
        c->lo[k] = s.ci_low;
        c->hi[k] = s.ci_high;
    }
    return MS_OK;
}

static ms_status append_trace(calib *c, const double *x, double obj)
{
    ms_calib_result *r = c->res;
    size_t width = (size_t)r->n_params + 1;
    if (r->n_trace == c->trace_cap) {
        size_t cap = c->trace_cap ? 2 * c->trace_cap : 256;
        double *g = realloc(r->trace, cap * width * sizeof *g);
        if (!g)
            return ms_error_set(c->err, MS_ENOMEM, "", 0, "", "out of memory");
        r->trace = g;
        c->trace_cap = cap;
    }
    memcpy(r->trace + r->n_trace * width, x, (size_t)r->n_params * sizeof *x);
    r->trace[r->n_trace * width + (size_t)r->n_params] = obj;
    r->n_trace++;
    return MS_OK;
}

ms_status calib_evaluate(calib *c, const double *x, double *obj)
{
    const ms_calib_config *cfg = c->cfg;
    for (int j = 0; j < cfg->n_params; j++)
        ms_calib_set_text(&cfg->params[j], x[j], c->texts[j], MS_CALIB_KEY_LEN + 40);
    ms_errors errs;
    ms_errors_init(&errs);
    ms_status st =
        ms_scenario_base_derive(c->base, c->sets + cfg->n_sets + 1, cfg->n_params, c->scn, &errs);
    if (st != MS_OK)
        return errs.count ? (*c->err = errs.items[0], st)
                          : ms_error_set(c->err, st, cfg->scenario_path, 0, "", "cannot load");
    c->sc = c->scn;
    ms_exp_plan plan = {.points = 1,
                        .replications = cfg->replications,
                        .threads = cfg->threads,
                        .run = rep_run,
                        .emit = rep_emit,
                        .ctx = c,
                        .stop = cfg->stop};
    st = ms_exp_execute(&plan, NULL, c->err);
    c->sc = NULL;
    if (st == MS_OK)
        st = reduce(c);
    if (st != MS_OK)
        return st;
    *obj = ms_calib_objective(cfg->targets, c->mean);
    if (!isfinite(*obj))
        return ms_error_set(c->err, MS_ERANGE, "", 0, "",
                            "the objective overflows: a target's (simulated - value) / se is "
                            "too large to square");
    if ((st = append_trace(c, x, *obj)) != MS_OK)
        return st;
    ms_calib_result *r = c->res;
    if (r->n_trace == 1)
        r->start_objective = *obj;
    if (c->searching && *obj < c->best) {
        c->best = *obj;
        memcpy(c->best_x, x, (size_t)cfg->n_params * sizeof *x);
        memcpy(r->mean, c->mean, c->nt * sizeof *r->mean);
        memcpy(r->ci_low, c->lo, c->nt * sizeof *r->ci_low);
        memcpy(r->ci_high, c->hi, c->nt * sizeof *r->ci_high);
    }
    if (cfg->progress)
        cfg->progress(cfg->progress_ctx, r->n_trace, cfg->max_evals, c->best);
    return MS_OK;
}

/* The simplex's function. After a failure it returns a huge finite value
 * (GSL refuses non-finite ones) and the loop stops on c->status. */
static double simplex_f(const gsl_vector *u, void *vctx)
{
    calib *c = vctx;
    double x[MS_CALIB_MAX_PARAMS], obj = FAILED_OBJECTIVE;
    if (c->status != MS_OK)
        return FAILED_OBJECTIVE;
    for (int j = 0; j < c->cfg->n_params; j++)
        x[j] = ms_calib_to_value(&c->cfg->params[j], gsl_vector_get(u, (size_t)j));
    c->status = calib_evaluate(c, x, &obj);
    return c->status == MS_OK ? obj : FAILED_OBJECTIVE;
}

static ms_status search(calib *c)
{
    const ms_calib_config *cfg = c->cfg;
    size_t n = (size_t)cfg->n_params;
    gsl_vector *u = gsl_vector_alloc(n), *step = gsl_vector_alloc(n);
    gsl_multimin_fminimizer *s =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n);
    if (!u || !step || !s) {
        c->status = ms_error_set(c->err, MS_ENOMEM, "", 0, "", "out of memory");
        goto done;
    }
    for (size_t j = 0; j < n; j++) {
        gsl_vector_set(u, j, ms_calib_to_free(&cfg->params[j], cfg->params[j].start));
        gsl_vector_set(step, j, 1.0); /* about a quarter of the range near the middle */
    }
    gsl_multimin_function f = {simplex_f, n, c};
    gsl_multimin_fminimizer_set(s, &f, u, step);
    while (c->status == MS_OK && c->res->n_trace < cfg->max_evals) {
        if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS)
            break;
        if (gsl_multimin_fminimizer_size(s) < cfg->tolerance) {
            c->res->converged = 1;
            break;
        }
    }
done:
    gsl_multimin_fminimizer_free(s);
    gsl_vector_free(u);
    gsl_vector_free(step);
    if (c->status == MS_OK && c->res->n_trace == 0)
        c->status = ms_error_set(c->err, MS_ESTATE, "", 0, "", "the search made no evaluation");
    return c->status;
}

void calib_residuals(const calib *c, double *r)
{
    size_t i = 0;
    for (size_t k = 0; k < c->nt; k++) {
        const ms_calib_target *t = &c->cfg->targets->items[k];
        if (!t->holdout)
            r[i++] = (c->mean[k] - t->value) / t->se;
    }
}

/* Central differences (one-sided at a bound) into column j of J. */
static ms_status jacobian_column(calib *c, gsl_matrix *J, int j, double *rp, double *rm)
{
    const ms_calib_param *p = &c->cfg->params[j];
    double x[MS_CALIB_MAX_PARAMS], obj, h = JACOBIAN_STEP * (p->hi - p->lo);
    memcpy(x, c->best_x, (size_t)c->cfg->n_params * sizeof *x);
    double xp = fmin(c->best_x[j] + h, p->hi), xm = fmax(c->best_x[j] - h, p->lo);
    x[j] = xp;
    ms_status st = calib_evaluate(c, x, &obj);
    if (st == MS_OK)
        calib_residuals(c, rp);
    x[j] = xm;
    if (st == MS_OK && (st = calib_evaluate(c, x, &obj)) == MS_OK)
        calib_residuals(c, rm);
    for (size_t i = 0; st == MS_OK && i < J->size1; i++)
        gsl_matrix_set(J, i, (size_t)j, (rp[i] - rm[i]) / (xp - xm));
    return st;
}

/* Cov = (J'J)^-1 (1 + 1/R) through the SVD J = U S V' (identify() below
 * and the header say what the flags mean). */
static int svd_variances(gsl_matrix *J, double *var, int *identified)
{
    size_t n = J->size2;
    gsl_matrix *V = gsl_matrix_alloc(n, n);
    gsl_vector *S = gsl_vector_alloc(n), *work = gsl_vector_alloc(n);
    int ok = V && S && work && J->size1 >= n && gsl_linalg_SV_decomp(J, V, S, work) == GSL_SUCCESS;
    double smax = ok ? gsl_vector_get(S, 0) : 0.0;
    for (size_t j = 0; j < n; j++) {
        var[j] = 0.0;
        identified[j] = ok && smax > 0.0;
        for (size_t k = 0; identified[j] && k < n; k++) {
            double s = gsl_vector_get(S, k), v = gsl_matrix_get(V, j, k);
            if (s <= SINGULAR_RATIO * smax)
                identified[j] = fabs(v) <= NULL_LOADING;
            else
                var[j] += v * v / (s * s);
        }
    }
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(work);
    return ok;
}

void ms_calib_identify(const double *J, size_t m, size_t n, const ms_calib_param *params,
                       uint32_t replications, double *se, int *identified, double *vif, int *weak)
{
    double var[MS_CALIB_MAX_PARAMS], norm2[MS_CALIB_MAX_PARAMS] = {0};
    gsl_matrix *A = n <= MS_CALIB_MAX_PARAMS ? gsl_matrix_alloc(m, n) : NULL;
    for (size_t i = 0; A && i < m; i++)
        for (size_t j = 0; j < n; j++) {
            gsl_matrix_set(A, i, j, J[i * n + j]);
            norm2[j] += J[i * n + j] * J[i * n + j];
        }
    if (!A || !svd_variances(A, var, identified))
        for (size_t j = 0; j < n; j++)
            identified[j] = 0;
    gsl_matrix_free(A);
    double inflate = 1.0 + 1.0 / replications;
    for (size_t j = 0; j < n; j++) {
        se[j] = identified[j] ? sqrt(var[j] * inflate) : NAN;
        vif[j] = identified[j] ? var[j] * norm2[j] : NAN;
        weak[j] = identified[j] &&
                  (2.0 * WEAK_Z * se[j] > params[j].hi - params[j].lo || vif[j] > WEAK_VIF);
    }
}

static ms_status uncertainty(calib *c)
{
    size_t m = 0;
    for (size_t k = 0; k < c->nt; k++)
        m += !c->cfg->targets->items[k].holdout;
    size_t n = (size_t)c->cfg->n_params;
    gsl_matrix *J = gsl_matrix_alloc(m, n);
    double *rp = malloc(m * sizeof *rp), *rm = malloc(m * sizeof *rm);
    ms_status st =
        J && rp && rm ? MS_OK : ms_error_set(c->err, MS_ENOMEM, "", 0, "", "out of memory");
    for (int j = 0; st == MS_OK && j < (int)n; j++)
        st = jacobian_column(c, J, j, rp, rm);
    ms_calib_result *r = c->res;
    if (st == MS_OK) /* J's storage is row-major with no padding (size2 == tda) */
        ms_calib_identify(J->data, m, n, c->cfg->params, c->cfg->replications, r->se, r->identified,
                          r->vif, r->weak);
    gsl_matrix_free(J);
    free(rp);
    free(rm);
    return st;
}

static void finish(calib *c)
{
    ms_calib_result *r = c->res;
    const ms_calib_targets *t = c->cfg->targets;
    r->objective = c->best;
    r->holdout_objective = 0.0;
    for (size_t k = 0; k < c->nt; k++)
        if (t->items[k].holdout) {
            double z = (r->mean[k] - t->items[k].value) / t->items[k].se;
            r->holdout_objective += z * z;
        }
    for (int j = 0; j < c->cfg->n_params; j++) {
        const ms_calib_param *p = &c->cfg->params[j];
        double margin = BOUND_MARGIN * (p->hi - p->lo);
        r->value[j] = c->best_x[j];
        r->at_bound[j] = c->best_x[j] <= p->lo + margin || c->best_x[j] >= p->hi - margin;
    }
}

static ms_status setup(calib *c, const ms_calib_config *cfg, ms_calib_result *res)
{
    size_t nt = cfg->targets->n, np = (size_t)cfg->n_params;
    c->nt = nt;
    c->n_sets = cfg->n_sets + 1 + cfg->n_params;
    c->sets = calloc((size_t)c->n_sets, sizeof *c->sets);
    c->texts = calloc(np + 1, sizeof *c->texts);
    c->vals = calloc((size_t)cfg->replications * nt, sizeof *c->vals);
    c->mean = calloc(3 * nt, sizeof *c->mean);
    c->best_x = calloc(np, sizeof *c->best_x);
    res->mean = calloc(3 * nt, sizeof *res->mean);
    if (!c->sets || !c->texts || !c->vals || !c->mean || !c->best_x || !res->mean)
        return MS_ENOMEM;
    c->lo = c->mean + nt;
    c->hi = c->mean + 2 * nt;
    res->ci_low = res->mean + nt;
    res->ci_high = res->mean + 2 * nt;
    for (size_t j = 0; j <= np; j++)
        if (!(c->texts[j] = malloc(MS_CALIB_KEY_LEN + 40)))
            return MS_ENOMEM;
    for (int i = 0; i < cfg->n_sets; i++)
        c->sets[i] = cfg->sets[i];
    snprintf(c->texts[np], MS_CALIB_KEY_LEN + 40, "sim.seed=%llu", (unsigned long long)cfg->seed);
    c->sets[cfg->n_sets] = c->texts[np];
    for (size_t j = 0; j < np; j++)
        c->sets[cfg->n_sets + 1 + (int)j] = c->texts[j];
    for (size_t j = 0; j < np; j++)
        c->best_x[j] = cfg->params[j].start;
    if (!(c->scn = malloc(sizeof *c->scn)))
        return MS_ENOMEM;
    ms_errors errs;
    ms_errors_init(&errs);
    ms_status st =
        ms_scenario_base_load(cfg->scenario_path, c->sets, cfg->n_sets + 1, &c->base, &errs);
    if (st != MS_OK && errs.count)
        *c->err = errs.items[0];
    else if (st != MS_OK)
        ms_error_set(c->err, st, cfg->scenario_path, 0, "", "cannot load");
    return st;
}

static void teardown(calib *c)
{
    if (c->texts)
        for (int j = 0; j <= c->cfg->n_params; j++)
            free(c->texts[j]);
    free(c->texts);
    free(c->sets);
    ms_scenario_base_destroy(c->base);
    free(c->scn);
    free(c->vals);
    free(c->mean);
    free(c->best_x);
}

ms_status ms_calib_run(const ms_calib_config *cfg, ms_calib_result *res, ms_error *err)
{
    memset(res, 0, sizeof *res);
    if (cfg->n_params < 1 || cfg->n_params > MS_CALIB_MAX_PARAMS || cfg->replications < 1 ||
        cfg->targets->n == 0)
        return ms_error_set(err, MS_EINVAL, "", 0, "", "bad calibration configuration");
    res->n_params = cfg->n_params;
    calib c = {.cfg = cfg, .best = INFINITY, .res = res, .status = MS_OK, .err = err};
    /* GSL's default handler aborts; every GSL status here is checked */
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
    ms_status st = setup(&c, cfg, res);
    if (st == MS_ENOMEM)
        ms_error_set(err, st, "", 0, "", "out of memory");
    c.searching = 1;
    if (st == MS_OK)
        st = cfg->method == MS_CALIB_LM ? calib_search_lm(&c) : search(&c);
    c.searching = 0;
    res->search_evals = res->n_trace;
    if (st == MS_OK)
        st = uncertainty(&c);
    if (st == MS_OK)
        finish(&c);
    res->evals = res->n_trace;
    teardown(&c);
    gsl_set_error_handler(old_handler);
    return st;
}

void ms_calib_result_fini(ms_calib_result *res)
{
    free(res->mean);
    free(res->trace);
    memset(res, 0, sizeof *res);
}
