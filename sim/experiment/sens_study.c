/* sens_study.c - a finished saltelli or morris sweep read back for
 * `marketsim sensitivity`: the design from manifest.csv, every point's
 * replication statistics from sweep.csv, then the estimators of
 * sensitivity.c per (metric, subject).
 *
 * sweep.csv is streamed once; the study keeps one Welford accumulator per
 * point and metric (24 bytes), so 5,000 points x 40 metrics is ~5 MB.
 * Values are read from sweep.csv (17 digits) rather than from
 * sweep_summary.csv (10). Metrics are computed on the task runner, one
 * task per metric writing only its own slot, so -j changes nothing. */
#include "marketsim/sensitivity.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sens_study_internal.h"

void ms_sens_study_destroy(ms_sens_study *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_metrics; i++) {
        free(s->metrics[i].acc);
        free(s->metrics[i].rep_acc);
        free(s->metrics[i].sobol);
        free(s->metrics[i].morris);
    }
    free(s->metrics);
    free(s->x);
    ms_stats_table_destroy(s->index);
    free(s);
}

void ms_sens_study_info(const ms_sens_study *s, ms_sens_info *info)
{
    size_t complete = 0;
    for (size_t i = 0; i < s->n_metrics; i++)
        complete += s->metrics[i].complete;
    *info = (ms_sens_info){
        .kind = s->kind,
        .method = s->kind == MS_DESIGN_SALTELLI ? "sobol" : "morris",
        .samples = s->samples,
        .levels = s->levels,
        .n_keys = s->n_keys,
        .keys = s->key_ptrs,
        .points = s->points,
        .replications = s->replications,
        .seed = s->seed,
        .metrics = complete,
        .skipped = s->n_metrics - complete,
    };
}

/* The i-th complete metric. */
static const sens_metric *nth_complete(const ms_sens_study *s, size_t i)
{
    for (size_t j = 0; j < s->n_metrics; j++)
        if (s->metrics[j].complete && i-- == 0)
            return &s->metrics[j];
    return NULL;
}

void ms_sens_study_metric(const ms_sens_study *s, size_t i, ms_sens_metric *m)
{
    const sens_metric *sm = nth_complete(s, i);
    ms_stats_table_key(s->index, (size_t)(sm - s->metrics), &m->metric, &m->subject);
    m->noise_share = sm->noise_share;
    m->sobol = sm->sobol;
    m->morris = sm->morris;
}

/* ---- computing ----------------------------------------------------------- */

/* The variance of a point's mean that is replication noise. Under common
 * random numbers a replication's luck is shared by every point, and that
 * shared part moves all point means together: it is no noise in the
 * indices. So this is the interaction mean square of a point x
 * replication table, divided by R: (sum_p SS_p - P sum_r (c_r - c)^2) /
 * ((P - 1)(R - 1)) / R, with SS_p the points' sums of squares about their
 * means and c_r the replications' means over points. When some point
 * lacks a replication, the plain mean of sd_p^2 / n_p (no CRN credit, an
 * upper bound). NaN with one replication. */
static double noise_variance(const ms_sens_study *s, const sens_metric *m)
{
    double within = 0, plain = 0;
    int balanced = 1;
    for (size_t p = 0; p < s->points; p++) {
        const ms_stats_acc *a = &m->acc[p];
        if (a->n < 2)
            return NAN;
        within += a->m2;
        plain += a->m2 / (double)(a->n - 1) / (double)a->n;
        balanced &= a->n == s->replications;
    }
    if (!balanced || s->points < 2)
        return plain / (double)s->points;
    double grand = 0, between = 0, r = (double)s->replications, P = (double)s->points;
    for (uint32_t i = 0; i < s->replications; i++)
        grand += m->rep_acc[i].mean / r;
    for (uint32_t i = 0; i < s->replications; i++)
        between += (m->rep_acc[i].mean - grand) * (m->rep_acc[i].mean - grand);
    double ss = within - P * between;
    return (ss > 0 ? ss : 0) / ((P - 1) * (r - 1)) / r;
}

/* Point means into y; returns the noise share. */
static double point_means(const ms_sens_study *s, const sens_metric *m, double *y)
{
    double sum = 0, ss = 0;
    for (size_t p = 0; p < s->points; p++) {
        y[p] = m->acc[p].mean;
        sum += y[p];
    }
    double mean = sum / (double)s->points;
    for (size_t p = 0; p < s->points; p++)
        ss += (y[p] - mean) * (y[p] - mean);
    double total = s->points > 1 ? ss / (double)(s->points - 1) : 0;
    return ms_sens_noise_share(noise_variance(s, m), total);
}

typedef struct {
    ms_sens_study *s;
    unsigned boot;
    uint64_t seed;
    ms_exp_progress_fn progress;
    void *progress_ctx;
} compute_ctx;

static ms_status compute_run(void *vctx, const ms_exp_task *t, void **result, ms_error *err)
{
    const compute_ctx *c = vctx;
    const ms_sens_study *s = c->s;
    sens_metric *m = &s->metrics[t->point];
    size_t k = (size_t)s->n_keys;
    *result = NULL;
    if (!m->complete)
        return MS_OK;
    double *y = malloc(s->points * sizeof *y);
    ms_status st = y ? MS_OK : MS_ENOMEM;
    if (st == MS_OK)
        m->noise_share = point_means(s, m, y);
    if (st == MS_OK && s->kind == MS_DESIGN_SALTELLI) {
        st = (m->sobol = malloc(k * sizeof *m->sobol)) ? MS_OK : MS_ENOMEM;
        if (st == MS_OK)
            st = ms_sens_sobol(y, s->samples, s->n_keys, c->boot, c->seed, m->sobol);
    } else if (st == MS_OK) {
        st = (m->morris = malloc(k * sizeof *m->morris)) ? MS_OK : MS_ENOMEM;
        if (st == MS_OK)
            st = ms_sens_morris(s->x, y, s->samples, s->n_keys, c->boot, c->seed, m->morris);
    }
    free(y);
    if (st != MS_OK)
        ms_error_set(err, st, NULL, 0, "", "cannot compute the indices of metric %" PRIu64,
                     t->point);
    return st;
}

static ms_status compute_emit(void *ctx, const ms_exp_task *t, void *result, ms_error *err)
{
    (void)ctx, (void)t, (void)result, (void)err;
    return MS_OK;
}

static void compute_progress(void *vctx, uint64_t emitted, uint64_t selected)
{
    const compute_ctx *c = vctx;
    if (c->progress)
        c->progress(c->progress_ctx, emitted, selected);
}

ms_status ms_sens_study_compute(ms_sens_study *s, unsigned boot, uint64_t seed, int threads,
                                ms_exp_progress_fn progress, void *progress_ctx,
                                const volatile sig_atomic_t *stop, ms_error *err)
{
    if (s->n_metrics == 0)
        return MS_OK;
    compute_ctx c = {s, boot, seed, progress, progress_ctx};
    ms_exp_plan plan = {.points = s->n_metrics,
                        .replications = 1,
                        .threads = threads,
                        .run = compute_run,
                        .emit = compute_emit,
                        .progress = compute_progress,
                        .ctx = &c,
                        .stop = stop};
    return ms_exp_execute(&plan, NULL, err);
}

/* ---- sensitivity.csv ----------------------------------------------------- */

static void field(ms_csv *w, double v)
{
    if (isnan(v))
        ms_csv_empty(w);
    else
        ms_csv_num(w, v);
}

void ms_sens_study_write_csv(const ms_sens_study *s, ms_buf *b)
{
    ms_csv w;
    ms_csv_init(&w, b);
    int sobol = s->kind == MS_DESIGN_SALTELLI;
    ms_csv_header(&w, sobol ? "method,metric,subject,key,S1,S1_ci95_low,S1_ci95_high,ST,"
                              "ST_ci95_low,ST_ci95_high,noise_share"
                            : "method,metric,subject,key,mu,mu_star,mu_star_ci95_low,"
                              "mu_star_ci95_high,sigma,noise_share");
    ms_sens_info info;
    ms_sens_study_info(s, &info);
    for (size_t i = 0; i < info.metrics; i++) {
        ms_sens_metric m;
        ms_sens_study_metric(s, i, &m);
        for (int k = 0; k < s->n_keys; k++) {
            ms_csv_str(&w, info.method);
            ms_csv_str(&w, m.metric);
            ms_csv_str(&w, m.subject);
            ms_csv_str(&w, s->keys[k]);
            if (sobol) {
                const ms_sens_sobol_index *x = &m.sobol[k];
                double v[] = {x->s1, x->s1_low, x->s1_high, x->st, x->st_low, x->st_high};
                for (size_t j = 0; j < 6; j++)
                    field(&w, v[j]);
            } else {
                const ms_sens_morris_index *x = &m.morris[k];
                double v[] = {x->mu, x->mu_star, x->mu_star_low, x->mu_star_high, x->sigma};
                for (size_t j = 0; j < 5; j++)
                    field(&w, v[j]);
            }
            field(&w, m.noise_share);
            ms_csv_end(&w);
        }
    }
}
