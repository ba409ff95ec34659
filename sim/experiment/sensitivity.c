/* sensitivity.c - Saltelli and Morris designs on the unit cube and the
 * Sobol and Morris estimators (see sensitivity.h for the layouts and the
 * formulas). Pure functions of their arguments: no files, no scenarios.
 *
 * A bootstrap replicate recomputes every key's index from one resample of
 * base samples (or trajectories), so the keys' intervals come from the
 * same resamples, as in SALib. Replicates are stored per key and sorted
 * once for the two quantiles. */
#include "marketsim/sensitivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "marketsim/rng.h"

#define MORRIS_PURPOSE UINT32_C(0x4d525253) /* "MRRS" */
#define BOOT_PURPOSE UINT32_C(0x424f4f54)   /* "BOOT" */

size_t ms_sens_saltelli_points(size_t n, int k)
{
    return n * (size_t)(k + 2);
}

size_t ms_sens_morris_points(size_t r, int k)
{
    return r * (size_t)(k + 1);
}

size_t ms_sens_saltelli_skip(size_t n)
{
    size_t m = 4;
    while (m < n && m <= SIZE_MAX / 2)
        m *= 2;
    return m;
}

ms_status ms_sens_saltelli_design(size_t n, int k, double *u)
{
    if (n == 0 || k < 1 || k > MS_SENS_SOBOL_MAX_KEYS)
        return MS_EINVAL;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if (!q)
        return MS_ENOMEM;
    double ab[2 * MS_SENS_SOBOL_MAX_KEYS];
    for (size_t i = 0, skip = ms_sens_saltelli_skip(n); i < skip; i++)
        gsl_qrng_get(q, ab);
    const size_t kk = (size_t)k, row = kk + 2;
    for (size_t i = 0; i < n; i++) {
        gsl_qrng_get(q, ab);
        double *base = u + i * row * kk;
        for (size_t j = 0; j < row; j++) {
            /* row j: A, then AB^(1..k), then B */
            double *x = base + j * kk;
            memcpy(x, j == row - 1 ? ab + kk : ab, kk * sizeof *x);
            if (j >= 1 && j <= kk)
                x[j - 1] = ab[kk + j - 1];
        }
    }
    gsl_qrng_free(q);
    return MS_OK;
}

ms_status ms_sens_morris_design(size_t r, int k, int levels, uint64_t seed, double *u)
{
    if (r == 0 || k < 1 || k > MS_SENS_MORRIS_MAX_KEYS || levels < 2 ||
        levels > MS_SENS_MAX_LEVELS || levels % 2 != 0)
        return MS_EINVAL;
    gsl_rng *g = ms_rng_create((ms_stream_id){seed, 0, MORRIS_PURPOSE, 0}, 0);
    size_t *order = malloc((size_t)k * sizeof *order);
    unsigned long *lv = malloc((size_t)k * sizeof *lv);
    ms_status st = g && order && lv ? MS_OK : MS_ENOMEM;
    const unsigned long half = (unsigned long)levels / 2; /* delta in levels */
    const double top = (double)(levels - 1);
    for (size_t t = 0; st == MS_OK && t < r; t++) {
        ms_rng_seek(g, (ms_stream_id){seed, 0, MORRIS_PURPOSE, (uint32_t)t}, 0);
        for (int i = 0; i < k; i++) {
            /* low level in 0..L/2-1, so low + L/2 stays on the grid;
             * going down starts from the high end */
            unsigned long low = gsl_rng_uniform_int(g, half);
            lv[i] = gsl_rng_uniform_int(g, 2) ? low : low + half;
            order[i] = (size_t)i;
        }
        gsl_ran_shuffle(g, order, (size_t)k, sizeof *order);
        double *x = u + t * (size_t)(k + 1) * (size_t)k;
        for (int s = 0; s <= k; s++) {
            if (s > 0) {
                size_t i = order[s - 1];
                lv[i] = lv[i] >= half ? lv[i] - half : lv[i] + half;
            }
            for (int i = 0; i < k; i++)
                x[(size_t)s * (size_t)k + (size_t)i] = (double)lv[i] / top;
        }
    }
    free(order);
    free(lv);
    gsl_rng_free(g);
    return st;
}

/* ---- Sobol ------------------------------------------------------------- */

/* S1 and ST of every key from the base samples idx[0..n-1] (a bootstrap
 * resample, or NULL for 0..n-1). f(B) is centred on the sample's mean in
 * S1's numerator: the mean term has expectation 0 but multiplies the
 * estimator's variance by ~(1 + mean^2 / V), which for market shares
 * (mean 0.25, sd 0.01) swamps the signal (as in SALib, which standardises
 * Y before estimating). */
static void sobol_once(const double *y, size_t n, int k, const size_t *idx, double *s1, double *st)
{
    const size_t row = (size_t)k + 2;
    double sum = 0, sum2 = 0;
    for (size_t m = 0; m < n; m++) {
        const double *b = y + (idx ? idx[m] : m) * row;
        sum += b[0] + b[row - 1];
    }
    double mean = sum / (double)(2 * n);
    for (size_t m = 0; m < n; m++) {
        const double *b = y + (idx ? idx[m] : m) * row;
        sum2 += (b[0] - mean) * (b[0] - mean) + (b[row - 1] - mean) * (b[row - 1] - mean);
    }
    double v = sum2 / (double)(2 * n);
    for (int j = 0; j < k; j++) {
        double a1 = 0, at = 0;
        for (size_t m = 0; m < n; m++) {
            const double *b = y + (idx ? idx[m] : m) * row;
            double fa = b[0], fab = b[1 + j], fb = b[row - 1];
            a1 += (fb - mean) * (fab - fa);
            at += (fa - fab) * (fa - fab);
        }
        s1[j] = v > 0 ? a1 / (double)n / v : NAN;
        st[j] = v > 0 ? at / (double)(2 * n) / v : NAN;
    }
}

/* The 2.5% and 97.5% quantiles of the b replicates in v (reordered):
 * replicates where the index is undefined (a resample with no variance)
 * are left out; NaN when fewer than two remain. */
static void interval(double *v, size_t b, double *low, double *high)
{
    size_t n = 0;
    for (size_t i = 0; i < b; i++)
        if (!isnan(v[i]))
            v[n++] = v[i];
    *low = *high = NAN;
    if (n < 2)
        return;
    gsl_sort(v, 1, n);
    *low = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.025);
    *high = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.975);
}

/* Draws one resample of 0..n-1 with replacement. */
static void resample(gsl_rng *g, size_t n, size_t *idx)
{
    for (size_t m = 0; m < n; m++)
        idx[m] = (size_t)gsl_rng_uniform_int(g, (unsigned long)n);
}

ms_status ms_sens_sobol(const double *y, size_t n, int k, unsigned boot, uint64_t seed,
                        ms_sens_sobol_index *out)
{
    if (n < 2 || k < 1 || k > MS_SENS_SOBOL_MAX_KEYS)
        return MS_EINVAL;
    const size_t kk = (size_t)k, nb = boot;
    double s1[MS_SENS_SOBOL_MAX_KEYS], st[MS_SENS_SOBOL_MAX_KEYS];
    sobol_once(y, n, k, NULL, s1, st);
    for (size_t j = 0; j < kk; j++)
        out[j] = (ms_sens_sobol_index){s1[j], NAN, NAN, st[j], NAN, NAN};
    if (boot == 0)
        return MS_OK;
    size_t *idx = malloc(n * sizeof *idx);
    double *b1 = malloc(nb * kk * sizeof *b1), *bt = malloc(nb * kk * sizeof *bt);
    gsl_rng *g = ms_rng_create((ms_stream_id){seed, 0, BOOT_PURPOSE, 0}, 0);
    ms_status status = idx && b1 && bt && g ? MS_OK : MS_ENOMEM;
    for (size_t b = 0; status == MS_OK && b < nb; b++) {
        resample(g, n, idx);
        sobol_once(y, n, k, idx, s1, st);
        for (size_t j = 0; j < kk; j++) {
            b1[j * nb + b] = s1[j];
            bt[j * nb + b] = st[j];
        }
    }
    for (size_t j = 0; status == MS_OK && j < kk; j++) {
        interval(b1 + j * nb, nb, &out[j].s1_low, &out[j].s1_high);
        interval(bt + j * nb, nb, &out[j].st_low, &out[j].st_high);
    }
    free(idx);
    free(b1);
    free(bt);
    gsl_rng_free(g);
    return status;
}

/* ---- Morris ------------------------------------------------------------ */

/* Elementary effects ee[t k + i] (NaN where a step moved nothing). */
static ms_status effects(const double *x, const double *y, size_t r, int k, double *ee)
{
    const size_t kk = (size_t)k;
    for (size_t i = 0; i < r * kk; i++)
        ee[i] = NAN;
    for (size_t t = 0; t < r; t++) {
        unsigned char seen[MS_SENS_MORRIS_MAX_KEYS] = {0};
        for (size_t s = 0; s < kk; s++) {
            size_t a = t * (kk + 1) + s;
            const double *xa = x + a * kk, *xb = xa + kk;
            int moved = -1;
            for (size_t i = 0; i < kk; i++) {
                if (xa[i] == xb[i])
                    continue;
                if (moved >= 0 || seen[i])
                    return MS_EINVAL;
                moved = (int)i;
            }
            if (moved < 0)
                continue;
            seen[moved] = 1;
            ee[t * kk + (size_t)moved] = (y[a + 1] - y[a]) / (xb[moved] - xa[moved]);
        }
    }
    return MS_OK;
}

/* mu* of key i over the trajectories idx (NULL: all). */
static double mu_star(const double *ee, size_t r, int k, size_t i, const size_t *idx)
{
    double sum = 0;
    size_t n = 0;
    for (size_t m = 0; m < r; m++) {
        double e = ee[(idx ? idx[m] : m) * (size_t)k + i];
        if (!isnan(e)) {
            sum += fabs(e);
            n++;
        }
    }
    return n ? sum / (double)n : NAN;
}

static void morris_moments(const double *ee, size_t r, int k, size_t i, ms_sens_morris_index *o)
{
    double sum = 0;
    size_t n = 0;
    for (size_t t = 0; t < r; t++) {
        double e = ee[t * (size_t)k + i];
        if (!isnan(e)) {
            sum += e;
            n++;
        }
    }
    double mu = n ? sum / (double)n : NAN, ss = 0;
    for (size_t t = 0; t < r; t++) {
        double e = ee[t * (size_t)k + i];
        if (!isnan(e))
            ss += (e - mu) * (e - mu);
    }
    *o = (ms_sens_morris_index){
        mu, mu_star(ee, r, k, i, NULL), NAN, NAN, n >= 2 ? sqrt(ss / (double)(n - 1)) : NAN, n};
}

ms_status ms_sens_morris(const double *x, const double *y, size_t r, int k, unsigned boot,
                         uint64_t seed, ms_sens_morris_index *out)
{
    if (r < 2 || k < 1 || k > MS_SENS_MORRIS_MAX_KEYS)
        return MS_EINVAL;
    const size_t kk = (size_t)k, nb = boot;
    double *ee = malloc(r * kk * sizeof *ee);
    if (!ee)
        return MS_ENOMEM;
    ms_status status = effects(x, y, r, k, ee);
    for (size_t i = 0; status == MS_OK && i < kk; i++)
        morris_moments(ee, r, k, i, &out[i]);
    size_t *idx = NULL;
    double *bm = NULL;
    gsl_rng *g = NULL;
    if (status == MS_OK && boot > 0) {
        idx = malloc(r * sizeof *idx);
        bm = malloc(nb * kk * sizeof *bm);
        g = ms_rng_create((ms_stream_id){seed, 0, BOOT_PURPOSE, 0}, 0);
        status = idx && bm && g ? MS_OK : MS_ENOMEM;
    }
    for (size_t b = 0; status == MS_OK && b < nb; b++) {
        resample(g, r, idx);
        for (size_t i = 0; i < kk; i++)
            bm[i * nb + b] = mu_star(ee, r, k, i, idx);
    }
    for (size_t i = 0; status == MS_OK && boot > 0 && i < kk; i++)
        interval(bm + i * nb, nb, &out[i].mu_star_low, &out[i].mu_star_high);
    free(ee);
    free(idx);
    free(bm);
    gsl_rng_free(g);
    return status;
}

double ms_sens_noise_share(double noise_var, double total_var)
{
    if (!(total_var > 0) || isnan(noise_var))
        return NAN;
    double s = noise_var / total_var;
    return s > 1 ? 1 : s;
}
