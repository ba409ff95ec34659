/* test_phold.c - PHOLD on the engine: conservation and reproducibility. */
#include "test_main.h"

#include "marketsim/phold.h"

static void test_population_conserved(void)
{
    ms_phold_params p = {64, 4, 50.0, 1.0, 0.1, 7};
    ms_phold_result r;
    CU_ASSERT_EQUAL_FATAL(ms_phold_run(&p, &r), MS_OK);
    CU_ASSERT_EQUAL(r.pending, 64 * 4);
    CU_ASSERT_EQUAL(r.high_water, 64 * 4);
    /* about lps * epl * end / (mean + lookahead) events */
    CU_ASSERT(r.events > 64 * 4 * 50 / 1.1 * 0.9);
    CU_ASSERT(r.events < 64 * 4 * 50 / 1.1 * 1.1);
}

static void test_same_seed_same_run(void)
{
    ms_phold_params p = {100, 2, 30.0, 1.0, 0.0, 11};
    ms_phold_result a, b, c;
    ms_phold_run(&p, &a);
    ms_phold_run(&p, &b);
    CU_ASSERT_EQUAL(a.events, b.events);
    CU_ASSERT_EQUAL(a.checksum, b.checksum);
    p.seed = 12;
    ms_phold_run(&p, &c);
    CU_ASSERT_NOT_EQUAL(a.checksum, c.checksum);
}

static void test_bad_params(void)
{
    ms_phold_result r;
    ms_phold_params zero = {0, 1, 10, 1, 0, 1};
    CU_ASSERT_EQUAL(ms_phold_run(&zero, &r), MS_EINVAL);
    ms_phold_params neg = {4, 1, 10, 1, -1, 1};
    CU_ASSERT_EQUAL(ms_phold_run(&neg, &r), MS_EINVAL);
}

static const ms_test_case cases[] = {
    {"population conserved", test_population_conserved},
    {"same seed, same run", test_same_seed_same_run},
    {"bad parameters", test_bad_params},
};

MS_TEST_MAIN("phold", cases)
