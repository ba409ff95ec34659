/* test_rng.c - Philox streams: known answers, positioning, independence,
 * goodness of fit. */
#include "test_main.h"
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>

#include "marketsim/rng.h"

/* Published Philox4x32-10 vectors (Random123 tests/kat_vectors): the four
 * words of Philox(ctr, key). Our stream maps key = seed, ctr = {draw/4,
 * entity, purpose, replication}. */
static void check_kat(uint64_t seed, const uint32_t ctr[4], const uint32_t want[4])
{
    ms_stream_id id = {seed, ctr[3], ctr[2], ctr[1]};
    gsl_rng *r = ms_rng_create(id, (uint64_t)ctr[0] * 4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(gsl_rng_get(r), want[i]);
    gsl_rng_free(r);
}

static void test_known_answers(void)
{
    const uint32_t c0[4] = {0, 0, 0, 0}, w0[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
    check_kat(0, c0, w0);
    const uint32_t c1[4] = {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff};
    const uint32_t w1[4] = {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd};
    check_kat(UINT64_MAX, c1, w1);
    const uint32_t c2[4] = {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344};
    const uint32_t w2[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
    check_kat(UINT64_C(0x299f31d0a4093822), c2, w2);
}

static void test_gsl_interface(void)
{
    gsl_rng *r = gsl_rng_alloc(ms_rng_philox);
    CU_ASSERT_STRING_EQUAL(gsl_rng_name(r), "philox4x32-10-ms");
    CU_ASSERT_EQUAL(gsl_rng_max(r), 0xffffffffUL);
    gsl_rng_set(r, 0);
    CU_ASSERT_EQUAL(gsl_rng_get(r), 0x6627e8d5);
    double u = gsl_rng_uniform(r);
    CU_ASSERT_DOUBLE_EQUAL(u, 0xe169c58d / 4294967296.0, 0.0);
    gsl_rng_free(r);
}

/* Seek to draw d gives the same word as drawing d times; position counts. */
static void test_seek_and_position(void)
{
    ms_stream_id id = {42, 3, 7, 1000};
    gsl_rng *a = ms_rng_create(id, 0);
    unsigned long words[103];
    for (int i = 0; i < 103; i++)
        words[i] = gsl_rng_get(a);
    CU_ASSERT_EQUAL(ms_rng_position(a), 103);
    gsl_rng *b = ms_rng_create(id, 0);
    for (int d = 0; d < 103; d += 5) {
        ms_rng_seek(b, id, (uint64_t)d);
        CU_ASSERT_EQUAL(ms_rng_position(b), (uint64_t)d);
        CU_ASSERT_EQUAL(gsl_rng_get(b), words[d]);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* Stream A's draws do not depend on how many draws stream B consumed, even
 * when both share one scratch generator re-positioned by seek. */
static void test_independence(void)
{
    ms_stream_id A = {7, 0, 1, 5}, B = {7, 0, 1, 6};
    gsl_rng *ref = ms_rng_create(A, 0);
    double want[50];
    for (int i = 0; i < 50; i++)
        want[i] = gsl_ran_exponential(ref, 2.0);
    gsl_rng *scratch = ms_rng_create(B, 0);
    uint64_t pos_a = 0, pos_b = 0;
    int same = 1;
    for (int i = 0; i < 50; i++) {
        ms_rng_seek(scratch, B, pos_b);
        for (int k = 0; k < i % 7 + 1; k++)
            gsl_rng_uniform(scratch);
        pos_b = ms_rng_position(scratch);
        ms_rng_seek(scratch, A, pos_a);
        same &= gsl_ran_exponential(scratch, 2.0) == want[i];
        pos_a = ms_rng_position(scratch);
    }
    CU_ASSERT_TRUE(same);
    /* and neighbouring streams differ */
    ms_rng_seek(scratch, B, 0);
    ms_rng_seek(ref, A, 0);
    CU_ASSERT_NOT_EQUAL(gsl_rng_get(scratch), gsl_rng_get(ref));
    gsl_rng_free(ref);
    gsl_rng_free(scratch);
}

/* Kolmogorov-Smirnov smoke test of Exp(mean 2) through the adapter. With
 * n = 20000, D > 1.95 / sqrt(n) has probability about 0.001 under H0. */
static void test_exponential_fit(void)
{
    enum { N = 20000 };
    static double x[N];
    ms_stream_id id = {2026, 0, 9, 0};
    gsl_rng *r = ms_rng_create(id, 0);
    for (int i = 0; i < N; i++)
        x[i] = gsl_ran_exponential(r, 2.0);
    gsl_sort(x, 1, N);
    double d = 0;
    for (int i = 0; i < N; i++) {
        double f = 1.0 - exp(-x[i] / 2.0);
        double lo = f - (double)i / N, hi = (double)(i + 1) / N - f;
        d = fmax(d, fmax(lo, hi));
    }
    CU_ASSERT(d < 1.95 / sqrt((double)N));
    CU_ASSERT(d > 0); /* not degenerate */
    gsl_rng_free(r);
}

/* Chi-square of 100,000 uniform draws over 16 cells: the 0.999 quantile of
 * chi2(15) is 37.7. */
static void test_uniform_int_fit(void)
{
    long cells[16] = {0};
    ms_stream_id id = {5, 1, 2, 3};
    gsl_rng *r = ms_rng_create(id, 0);
    for (int i = 0; i < 100000; i++)
        cells[gsl_rng_uniform_int(r, 16)]++;
    double chi2 = 0, e = 100000.0 / 16;
    for (int c = 0; c < 16; c++)
        chi2 += (cells[c] - e) * (cells[c] - e) / e;
    CU_ASSERT(chi2 < 37.7);
    gsl_rng_free(r);
}

static void test_mix64(void)
{
    /* splitmix64 reference: seed 0 -> first output 0xe220a8397b1dcdaf */
    CU_ASSERT_EQUAL(ms_rng_mix64(0), UINT64_C(0xe220a8397b1dcdaf));
    CU_ASSERT_NOT_EQUAL(ms_rng_mix64(1), ms_rng_mix64(2));
}

static const ms_test_case cases[] = {
    {"Philox known answers", test_known_answers},
    {"GSL interface", test_gsl_interface},
    {"seek and position", test_seek_and_position},
    {"stream independence", test_independence},
    {"exponential KS", test_exponential_fit},
    {"uniform int chi-square", test_uniform_int_fit},
    {"splitmix64", test_mix64},
};

MS_TEST_MAIN("rng", cases)
