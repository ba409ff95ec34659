/* paired.c - statistics of paired differences: the paired Student-t
 * interval, Welch's unpaired interval for comparison, the variance
 * reduction common random numbers bought, and complete-case co-moments
 * for weighted combinations of several sides.
 *
 * Every accumulator is a Welford update fed in replication order, so
 * results are deterministic and equal inputs give exactly equal moments:
 * a side compared with itself has a difference of exactly 0 and sd 0.
 */
#include "marketsim/compare.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

void ms_pair_acc_init(ms_pair_acc *p)
{
    ms_stats_acc_init(&p->a);
    ms_stats_acc_init(&p->b);
    ms_stats_acc_init(&p->d);
}

void ms_pair_acc_add(ms_pair_acc *p, double a, double b)
{
    ms_stats_acc_add(&p->a, a);
    ms_stats_acc_add(&p->b, b);
    ms_stats_acc_add(&p->d, b - a);
}

static double var_of(const ms_stats_acc *a)
{
    double v = a->m2 / (double)(a->n - 1);
    return v > 0.0 ? v : 0.0;
}

/* Welch's interval around `centre` for samples of equal size n. */
static void welch(const ms_pair_acc *p, double level, double centre, double *lo, double *hi)
{
    double n = (double)p->d.n;
    double va = var_of(&p->a) / n, vb = var_of(&p->b) / n;
    double se2 = va + vb;
    double half = 0.0;
    if (se2 > 0.0) {
        double nu = se2 * se2 / ((va * va + vb * vb) / (n - 1.0));
        half = gsl_cdf_tdist_Pinv(1.0 - (1.0 - level) / 2.0, nu) * sqrt(se2);
    }
    *lo = centre - half;
    *hi = centre + half;
}

void ms_pair_summarize(const ms_pair_acc *p, double level, ms_pair_summary *s)
{
    ms_stats_summary d;
    ms_stats_summarize(&p->d, level, &d);
    s->n = p->d.n;
    s->mean_a = p->a.n ? p->a.mean : NAN;
    s->mean_b = p->b.n ? p->b.mean : NAN;
    s->diff = d.mean;
    s->diff_sd = d.sd;
    s->ci_low = d.ci_low;
    s->ci_high = d.ci_high;
    s->unpaired_low = s->unpaired_high = s->variance_reduction = NAN;
    if (p->d.n < 2)
        return;
    welch(p, level, d.mean, &s->unpaired_low, &s->unpaired_high);
    double vd = var_of(&p->d);
    if (vd > 0.0)
        s->variance_reduction = (var_of(&p->a) + var_of(&p->b)) / vd;
}

static void field(ms_csv *w, double v)
{
    if (isnan(v))
        ms_csv_empty(w);
    else
        ms_csv_num(w, v);
}

void ms_pair_write_csv(ms_csv *w, const ms_pair_summary *s)
{
    const double v[] = {s->mean_a,       s->mean_b,        s->diff,
                        s->diff_sd,      s->ci_low,        s->ci_high,
                        s->unpaired_low, s->unpaired_high, s->variance_reduction};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        field(w, v[i]);
    ms_csv_uint(w, s->n);
}

void ms_multi_acc_init(ms_multi_acc *m, int k)
{
    memset(m, 0, sizeof *m);
    m->k = k;
}

/* The multivariate Welford update: C += (x - mean_old)(x - mean_new)'. */
void ms_multi_acc_add(ms_multi_acc *m, const double *x)
{
    double before[MS_COMPARE_MAX_SIDES];
    m->n++;
    for (int s = 0; s < m->k; s++) {
        before[s] = x[s] - m->mean[s];
        m->mean[s] += before[s] / (double)m->n;
    }
    for (int s = 0; s < m->k; s++)
        for (int t = 0; t < m->k; t++)
            m->m2[s][t] += before[s] * (x[t] - m->mean[t]);
}

void ms_multi_acc_combine(const ms_multi_acc *m, const double *w, double level, ms_stats_summary *s)
{
    s->n = m->n;
    s->mean = s->sd = s->ci_low = s->ci_high = NAN;
    if (m->n == 0)
        return;
    double mean = 0.0, q = 0.0;
    for (int a = 0; a < m->k; a++) {
        mean += w[a] * m->mean[a];
        for (int b = 0; b < m->k; b++)
            q += w[a] * w[b] * m->m2[a][b];
    }
    s->mean = mean;
    if (m->n < 2)
        return;
    double var = q / (double)(m->n - 1);
    s->sd = sqrt(var > 0.0 ? var : 0.0);
    double half = gsl_cdf_tdist_Pinv(1.0 - (1.0 - level) / 2.0, (double)(m->n - 1)) * s->sd /
                  sqrt((double)m->n);
    s->ci_low = mean - half;
    s->ci_high = mean + half;
}
