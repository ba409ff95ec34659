/* test_sensitivity.c - the Saltelli and Morris designs and estimators
 * (sensitivity.h) on functions with published analytic indices: Ishigami
 * (a = 7, b = 0.1), Sobol's G-function and a linear function for Morris.
 * The functions are evaluated here in C on the designs' points, exactly as
 * a sweep evaluates the simulation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <gsl/gsl_qrng.h>

#include "marketsim/design.h"
#include "marketsim/sensitivity.h"
#include "test_main.h"

typedef double (*fn)(const double *u, int k);

/* Evaluates f at every point of a Saltelli design of n base samples. */
static double *saltelli_values(size_t n, int k, fn f)
{
    size_t pts = ms_sens_saltelli_points(n, k);
    double *u = malloc(pts * (size_t)k * sizeof *u), *y = malloc(pts * sizeof *y);
    CU_ASSERT_FATAL(u && y);
    CU_ASSERT_EQUAL_FATAL(ms_sens_saltelli_design(n, k, u), MS_OK);
    for (size_t p = 0; p < pts; p++)
        y[p] = f(u + p * (size_t)k, k);
    free(u);
    return y;
}

/* Ishigami on [-pi, pi]^3 */
static double ishigami(const double *u, int k)
{
    (void)k;
    double x1 = -M_PI + 2 * M_PI * u[0], x2 = -M_PI + 2 * M_PI * u[1], x3 = -M_PI + 2 * M_PI * u[2];
    return sin(x1) + 7 * sin(x2) * sin(x2) + 0.1 * pow(x3, 4) * sin(x1);
}

static void test_ishigami(void)
{
    /* Ishigami & Homma 1990; Saltelli et al. 2008, p. 179 */
    const double s1[] = {0.3139, 0.4424, 0.0}, st[] = {0.5576, 0.4424, 0.2437};
    double *y = saltelli_values(8192, 3, ishigami);
    ms_sens_sobol_index ix[3];
    CU_ASSERT_EQUAL_FATAL(ms_sens_sobol(y, 8192, 3, 200, 1, ix), MS_OK);
    for (int j = 0; j < 3; j++) {
        CU_ASSERT_DOUBLE_EQUAL(ix[j].s1, s1[j], 0.03);
        CU_ASSERT_DOUBLE_EQUAL(ix[j].st, st[j], 0.03);
        /* the intervals hold the estimate and the true value */
        CU_ASSERT(ix[j].s1_low < ix[j].s1 && ix[j].s1 < ix[j].s1_high);
        CU_ASSERT(ix[j].st_low < ix[j].st && ix[j].st < ix[j].st_high);
        CU_ASSERT(ix[j].s1_low < s1[j] && s1[j] < ix[j].s1_high);
        CU_ASSERT(ix[j].st_low < st[j] && st[j] < ix[j].st_high);
        CU_ASSERT(ix[j].st_high - ix[j].st_low < 0.1);
    }
    free(y);
}

static const double g_a[] = {0, 1, 4.5, 9, 99, 99, 99, 99};

/* Sobol's G-function on [0,1]^8 */
static double gfun(const double *u, int k)
{
    double g = 1;
    for (int i = 0; i < k; i++)
        g *= (fabs(4 * u[i] - 2) + g_a[i]) / (1 + g_a[i]);
    return g;
}

static void test_g_function(void)
{
    /* V_i = 1 / (3 (1 + a_i)^2); V = prod (1 + V_i) - 1;
     * S1_i = V_i / V; ST_i = V_i prod_{j != i} (1 + V_j) / V */
    double vi[8], prod = 1;
    for (int i = 0; i < 8; i++) {
        vi[i] = 1.0 / (3 * (1 + g_a[i]) * (1 + g_a[i]));
        prod *= 1 + vi[i];
    }
    double v = prod - 1;
    CU_ASSERT_DOUBLE_EQUAL(vi[0] / v, 0.7165, 0.0005); /* published: Saltelli 2010 */
    double *y = saltelli_values(8192, 8, gfun);
    ms_sens_sobol_index ix[8];
    CU_ASSERT_EQUAL_FATAL(ms_sens_sobol(y, 8192, 8, 0, 1, ix), MS_OK);
    for (int i = 0; i < 8; i++) {
        double st = vi[i] * prod / (1 + vi[i]) / v;
        CU_ASSERT_DOUBLE_EQUAL(ix[i].s1, vi[i] / v, 0.03);
        CU_ASSERT_DOUBLE_EQUAL(ix[i].st, st, 0.03);
        CU_ASSERT(isnan(ix[i].s1_low) && isnan(ix[i].st_high)); /* boot = 0 */
    }
    /* the ranking is right: a = 0 > 1 > 4.5 > 9 */
    CU_ASSERT(ix[0].st > ix[1].st && ix[1].st > ix[2].st && ix[2].st > ix[3].st);
    free(y);
}

static void test_saltelli_layout(void)
{
    const int k = 3;
    const size_t n = 5;
    double u[5 * 5 * 3], ab[6];
    CU_ASSERT_EQUAL(ms_sens_saltelli_points(n, k), 25);
    CU_ASSERT_EQUAL_FATAL(ms_sens_saltelli_design(n, k, u), MS_OK);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 6);
    CU_ASSERT_EQUAL(ms_sens_saltelli_skip(5), 8);
    CU_ASSERT_EQUAL(ms_sens_saltelli_skip(8), 8);
    CU_ASSERT_EQUAL(ms_sens_saltelli_skip(1), 4);
    CU_ASSERT_EQUAL(ms_sens_saltelli_skip(8192), 8192);
    for (int i = 0; i < 8; i++) /* skipped: the first 8 points */
        gsl_qrng_get(q, ab);
    for (size_t i = 0; i < n; i++) {
        gsl_qrng_get(q, ab);
        const double *b = u + i * 5 * 3;
        for (int c = 0; c < k; c++) {
            CU_ASSERT_EQUAL(b[c], ab[c]);             /* A */
            CU_ASSERT_EQUAL(b[4 * 3 + c], ab[3 + c]); /* B */
            for (int j = 0; j < k; j++)               /* AB^(j+1) */
                CU_ASSERT_EQUAL(b[(1 + j) * 3 + c], c == j ? ab[3 + c] : ab[c]);
        }
    }
    gsl_qrng_free(q);
    CU_ASSERT_EQUAL(ms_sens_saltelli_design(n, 21, u), MS_EINVAL); /* 42 > 40 dims */
    CU_ASSERT_EQUAL(ms_sens_saltelli_design(0, 2, u), MS_EINVAL);
}

static void test_sobol_constant_and_args(void)
{
    double y[4 * 4];
    for (size_t i = 0; i < 16; i++)
        y[i] = 2.5;
    ms_sens_sobol_index ix[2];
    CU_ASSERT_EQUAL_FATAL(ms_sens_sobol(y, 4, 2, 50, 1, ix), MS_OK);
    CU_ASSERT(isnan(ix[0].s1) && isnan(ix[1].st) && isnan(ix[0].s1_low));
    CU_ASSERT_EQUAL(ms_sens_sobol(y, 1, 2, 50, 1, ix), MS_EINVAL);
}

static void test_sobol_bootstrap_seeded(void)
{
    double *y = saltelli_values(256, 3, ishigami);
    ms_sens_sobol_index a[3], b[3], c[3];
    CU_ASSERT_EQUAL_FATAL(ms_sens_sobol(y, 256, 3, 100, 7, a), MS_OK);
    CU_ASSERT_EQUAL_FATAL(ms_sens_sobol(y, 256, 3, 100, 7, b), MS_OK);
    CU_ASSERT_EQUAL_FATAL(ms_sens_sobol(y, 256, 3, 100, 8, c), MS_OK);
    CU_ASSERT(memcmp(a, b, sizeof a) == 0);
    CU_ASSERT(a[0].s1_low != c[0].s1_low);
    CU_ASSERT_EQUAL(a[0].s1, c[0].s1); /* the estimate itself needs no draws */
    free(y);
}

/* ---- Morris ---------------------------------------------------------------- */

static void test_morris_design(void)
{
    const size_t r = 20;
    const int k = 5, levels = 6;
    double u[20 * 6 * 5], v[20 * 6 * 5];
    CU_ASSERT_EQUAL(ms_sens_morris_points(r, k), 120);
    CU_ASSERT_EQUAL_FATAL(ms_sens_morris_design(r, k, levels, 42, u), MS_OK);
    const double delta = levels / (2.0 * (levels - 1));
    for (size_t t = 0; t < r; t++) {
        int moved[5] = {0};
        for (int s = 0; s <= k; s++)
            for (int i = 0; i < k; i++) { /* on the grid, inside [0,1] */
                double x = u[(t * 6 + (size_t)s) * 5 + (size_t)i] * (levels - 1);
                CU_ASSERT_DOUBLE_EQUAL(x, round(x), 1e-9);
                CU_ASSERT(x >= -1e-9 && x <= levels - 1 + 1e-9);
            }
        for (int s = 0; s < k; s++) {
            const double *a = u + (t * 6 + (size_t)s) * 5, *b = a + 5;
            int n = 0;
            for (int i = 0; i < k; i++)
                if (a[i] != b[i]) {
                    n++;
                    moved[i]++;
                    CU_ASSERT_DOUBLE_EQUAL(fabs(b[i] - a[i]), delta, 1e-12);
                }
            CU_ASSERT_EQUAL(n, 1);
        }
        for (int i = 0; i < k; i++)
            CU_ASSERT_EQUAL(moved[i], 1);
    }
    CU_ASSERT_EQUAL_FATAL(ms_sens_morris_design(r, k, levels, 42, v), MS_OK);
    CU_ASSERT(memcmp(u, v, sizeof u) == 0);
    CU_ASSERT_EQUAL_FATAL(ms_sens_morris_design(r, k, levels, 43, v), MS_OK);
    CU_ASSERT(memcmp(u, v, sizeof u) != 0);
    CU_ASSERT_EQUAL(ms_sens_morris_design(r, k, 5, 42, v), MS_EINVAL); /* odd */
    CU_ASSERT_EQUAL(ms_sens_morris_design(r, k, 0, 42, v), MS_EINVAL);
}

static void test_morris_linear(void)
{
    /* f = 3 x1 - 2 x2 + 0.5 x3 + 0 x4 over x1 in [0,10], x2 in [-1,1],
     * x3 in [5,6], x4 in [0,1]: mu* = |c| (hi - lo), sigma = 0 */
    const double c[] = {3, -2, 0.5, 0}, lo[] = {0, -1, 5, 0}, hi[] = {10, 1, 6, 1};
    const size_t r = 30;
    const int k = 4;
    double u[30 * 5 * 4], y[30 * 5];
    CU_ASSERT_EQUAL_FATAL(ms_sens_morris_design(r, k, 4, 3, u), MS_OK);
    for (size_t p = 0; p < r * 5; p++) {
        y[p] = 0;
        for (int i = 0; i < k; i++)
            y[p] += c[i] * (lo[i] + (hi[i] - lo[i]) * u[p * 4 + (size_t)i]);
    }
    ms_sens_morris_index ix[4];
    CU_ASSERT_EQUAL_FATAL(ms_sens_morris(u, y, r, k, 100, 1, ix), MS_OK);
    for (int i = 0; i < k; i++) {
        double range = hi[i] - lo[i];
        CU_ASSERT_DOUBLE_EQUAL(ix[i].mu_star, fabs(c[i]) * range, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(ix[i].mu, c[i] * range, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(ix[i].sigma, 0, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(ix[i].mu_star_low, fabs(c[i]) * range, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(ix[i].mu_star_high, fabs(c[i]) * range, 1e-9);
        CU_ASSERT_EQUAL(ix[i].effects, r);
    }
}

static void test_morris_nonlinear(void)
{
    /* Ishigami: x3 acts only through its interaction with x1, so its
     * effects vary in sign (sigma > 0) while mu* > 0 */
    const size_t r = 200;
    double *u = malloc(r * 4 * 3 * sizeof *u), *y = malloc(r * 4 * sizeof *y);
    CU_ASSERT_EQUAL_FATAL(ms_sens_morris_design(r, 3, 4, 9, u), MS_OK);
    for (size_t p = 0; p < r * 4; p++)
        y[p] = ishigami(u + p * 3, 3);
    ms_sens_morris_index ix[3];
    CU_ASSERT_EQUAL_FATAL(ms_sens_morris(u, y, r, 3, 200, 1, ix), MS_OK);
    CU_ASSERT(ix[2].mu_star > 1 && ix[2].sigma > ix[2].mu_star);
    for (int i = 0; i < 3; i += 2)
        CU_ASSERT(ix[i].mu_star_low < ix[i].mu_star && ix[i].mu_star < ix[i].mu_star_high);
    /* on 4 levels x2 = -pi, -pi/3, pi/3, pi, and every step of delta = 2
     * levels changes 7 sin^2 x2 by 7 * 3/4: |EE| is one number */
    CU_ASSERT_DOUBLE_EQUAL(ix[1].mu_star, 7 * 0.75 * 1.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(ix[1].mu_star_high - ix[1].mu_star_low, 0, 1e-9);
    /* a step that moves two keys is not a trajectory */
    u[3] = 1 - u[3];
    u[4] = 1 - u[4];
    u[5] = u[5] + 0.5;
    CU_ASSERT_EQUAL(ms_sens_morris(u, y, r, 3, 0, 1, ix), MS_EINVAL);
    CU_ASSERT_EQUAL(ms_sens_morris(u, y, 1, 3, 0, 1, ix), MS_EINVAL);
    free(u);
    free(y);
}

static void test_noise_share(void)
{
    CU_ASSERT_DOUBLE_EQUAL(ms_sens_noise_share(1, 4), 0.25, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(ms_sens_noise_share(5, 4), 1, 1e-15);
    CU_ASSERT(isnan(ms_sens_noise_share(1, 0)));
    CU_ASSERT(isnan(ms_sens_noise_share(NAN, 1)));
}

/* ---- as sweep designs (design.h) ------------------------------------------ */

static void test_sweep_designs(void)
{
    const char *vary[] = {"dispute.p_amend=0:1", "sim.horizon_months=100:200"};
    ms_design d;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(ms_design_build_levels(MS_DESIGN_SALTELLI, vary, 2, 8, 0, 1, &d, &err),
                          MS_OK);
    CU_ASSERT_EQUAL(d.n_points, 32);
    CU_ASSERT_EQUAL(d.samples, 8);
    CU_ASSERT_STRING_EQUAL(ms_design_kind_name(d.kind), "saltelli");
    double u[32 * 2];
    CU_ASSERT_EQUAL_FATAL(ms_sens_saltelli_design(8, 2, u), MS_OK);
    for (size_t p = 0; p < 32; p++) { /* the unit points, scaled */
        CU_ASSERT_EQUAL(strtod(ms_design_cell(&d, p, 0), NULL), u[p * 2]);
        double n = floor(100 + 101 * u[p * 2 + 1]);
        CU_ASSERT_EQUAL(strtod(ms_design_cell(&d, p, 1), NULL), n > 200 ? 200 : n);
    }
    ms_buf b;
    ms_buf_init(&b);
    ms_design_manifest(&d, &b);
    CU_ASSERT_STRING_EQUAL(ms_buf_cstr(&b), "design_samples,8\ndesign_bounds,0:1;100:200\n");
    ms_design_fini(&d);

    const char *ints[] = {"products.p.launch_month=0:3", "buyers.initial_adoption=0.25:0.75"};
    CU_ASSERT_EQUAL_FATAL(ms_design_build_levels(MS_DESIGN_MORRIS, ints, 2, 5, 6, 9, &d, &err),
                          MS_OK);
    CU_ASSERT_EQUAL(d.n_points, 15);
    for (size_t p = 0; p < 15; p++) { /* 6 levels of 0..3, rounded: 0,1,1,2,2,3 */
        double n = strtod(ms_design_cell(&d, p, 0), NULL),
               x = strtod(ms_design_cell(&d, p, 1), NULL);
        CU_ASSERT(n == floor(n) && n >= 0 && n <= 3);
        CU_ASSERT_DOUBLE_EQUAL((x - 0.25) / 0.5 * 5, round((x - 0.25) / 0.5 * 5), 1e-9);
    }
    ms_buf_clear(&b);
    ms_design_manifest(&d, &b);
    CU_ASSERT_STRING_EQUAL(ms_buf_cstr(&b),
                           "design_samples,5\ndesign_levels,6\ndesign_bounds,0:3;0.25:0.75\n");
    ms_buf_fini(&b);
    ms_design_fini(&d);

    const char *flat[] = {"dispute.p_amend=0.5:0.5"}, *list[] = {"dispute.p_amend=0.1,0.2"};
    CU_ASSERT_EQUAL(ms_design_build_levels(MS_DESIGN_SALTELLI, flat, 1, 8, 0, 1, &d, &err),
                    MS_EUSAGE);
    CU_ASSERT_EQUAL(ms_design_build_levels(MS_DESIGN_MORRIS, list, 1, 8, 0, 1, &d, &err),
                    MS_EUSAGE);
    CU_ASSERT_EQUAL(ms_design_build_levels(MS_DESIGN_MORRIS, vary, 2, 8, 5, 1, &d, &err),
                    MS_EUSAGE);
    CU_ASSERT_STRING_EQUAL(err.key, "--levels");
    char keys[21][48];
    const char *many[21];
    for (int i = 0; i < 21; i++) {
        snprintf(keys[i], sizeof keys[i], "buyers.segments.s%d.share=0:1", i);
        many[i] = keys[i];
    }
    CU_ASSERT_EQUAL(ms_design_build_levels(MS_DESIGN_SALTELLI, many, 21, 8, 0, 1, &d, &err),
                    MS_EUSAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "at most 20 keys"));
    CU_ASSERT_EQUAL(ms_design_build_levels(MS_DESIGN_MORRIS, many, 21, 8, 0, 1, &d, &err),
                    MS_OK); /* Morris is not limited by the Sobol sequence */
    CU_ASSERT_EQUAL(d.n_points, 8 * 22);
    ms_design_fini(&d);
}

static const ms_test_case cases[] = {
    {"Ishigami: S1, ST within 0.03 at N = 8192", test_ishigami},
    {"G-function a = (0,1,4.5,9,99,99,99,99)", test_g_function},
    {"Saltelli layout: A, AB_j, B from GSL's Sobol", test_saltelli_layout},
    {"constant output, bad arguments", test_sobol_constant_and_args},
    {"bootstrap is seeded", test_sobol_bootstrap_seeded},
    {"Morris trajectories on the grid", test_morris_design},
    {"Morris on a linear function", test_morris_linear},
    {"Morris on Ishigami", test_morris_nonlinear},
    {"noise share", test_noise_share},
    {"saltelli and morris sweep designs", test_sweep_designs},
};
MS_TEST_MAIN("sensitivity", cases)
