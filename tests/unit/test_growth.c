/* test_growth.c - the terms added for calibration: growing budgets
 * (buyers.segments.<id>.growth), the secondary offers' share of the
 * switching cost (decision.secondary_switch_factor) and vendor incumbency
 * (decision.vendor_incumbency). Their schema defaults (0, 1, 0) leave the
 * model as it was before them; the fixture, like scenarios/common.cfg,
 * uses the fitted factor and incumbency, so the comparisons below set the
 * default side explicitly. Each term is shown to do what docs/model.md
 * says, against a closed form where there is one.
 */
#include "test_main.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "marketsim/market.h"
#include "marketsim/scenario.h"
#include "model_fixture.h"

static ms_scenario *world(int64_t buyers, int horizon, double growth)
{
    ms_scenario *sc = calloc(1, sizeof *sc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    fx_baseline(sc, buyers, horizon);
    for (int s = 0; s < sc->n_segments; s++)
        sc->segments[s].growth = growth;
    return sc;
}

static double total_at(const ms_market_result *res, int month)
{
    double t = 0.0;
    for (size_t i = 0; i < res->n_market; i++)
        if (res->market[i].month == month)
            t += res->market[i].spend;
    return t;
}

/* With no new adopters (Bass p = q = 0) and 3-year terms, each month-0
 * buyer's budget is updated once every 12 months, at a phase u uniform on
 * [0, 12) and independent of its size: at month 12k the budget has grown
 * to (1+g)^(k-1+u/12), so total(12k) / total(0) = (1+g)^(k-1) * g /
 * ln(1+g) in expectation. The adopted count never changes. */
static void test_growth_closed_form(void)
{
    const double g = 1.0;
    ms_scenario *sc = world(20000, 36, g);
    sc->decision.bass_p = sc->decision.bass_q = 0.0;
    ms_market_result res;
    fx_run(sc, 0, &res);
    double t0 = total_at(&res, 0), lag = g / log1p(g);
    CU_ASSERT_DOUBLE_EQUAL(total_at(&res, 12) / t0, lag, 0.01 * lag);
    CU_ASSERT_DOUBLE_EQUAL(total_at(&res, 24) / t0, (1 + g) * lag, 0.01 * (1 + g) * lag);
    CU_ASSERT_DOUBLE_EQUAL(fx_metric(&res, "total_spend", "all"), total_at(&res, 36), 1e-6 * t0);
    double adopted0 = 0, adopted36 = 0;
    for (size_t i = 0; i < res.n_segments; i++) {
        adopted0 += res.segments[i].month == 0 ? res.segments[i].adopted : 0;
        adopted36 += res.segments[i].month == 36 ? res.segments[i].adopted : 0;
    }
    CU_ASSERT_EQUAL(adopted0, adopted36);
    ms_market_result_fini(&res);
    free(sc);
}

/* growth = 0 is the fixed-budget model: byte-identical results, and the
 * total spend of a world with no new adopters never changes. */
static void test_growth_off_is_exact(void)
{
    ms_scenario *a = world(3000, 24, 0.0), *b = world(3000, 24, 0.0);
    b->segments[FX_UNREG].growth = -0.0;
    a->decision.bass_p = a->decision.bass_q = 0.0;
    b->decision.bass_p = b->decision.bass_q = 0.0;
    ms_market_result ra, rb;
    fx_run(a, 0, &ra);
    fx_run(b, 0, &rb);
    CU_ASSERT_EQUAL(ra.n_market, rb.n_market);
    CU_ASSERT(!memcmp(ra.market, rb.market, ra.n_market * sizeof *ra.market));
    CU_ASSERT_DOUBLE_EQUAL(total_at(&ra, 24), total_at(&ra, 0), 1e-4 * total_at(&ra, 0));
    ms_market_result_fini(&ra);
    ms_market_result_fini(&rb);
    free(a);
    free(b);
}

static double vendor_move(const ms_scenario *sc, const ms_market_result *res, int month)
{
    double v0[MS_MAX_VENDORS] = {0}, v1[MS_MAX_VENDORS] = {0}, t0 = 0, t1 = 0, move = 0;
    for (size_t i = 0; i < res->n_products; i++) {
        const ms_product_row *r = &res->products[i];
        int v = sc->products[r->product].vendor;
        if (r->month == 0) {
            v0[v] += r->spend;
            t0 += r->spend;
        } else if (r->month == month) {
            v1[v] += r->spend;
            t1 += r->spend;
        }
    }
    for (int v = 0; v < sc->n_vendors; v++)
        move += fabs(v1[v] / t1 - v0[v] / t0);
    return move;
}

/* New money is placed by decisions of its time, so vendor shares move
 * further in a year with growing budgets than with fixed ones (paired:
 * the same buyers, the same draws until the first anniversary). */
static void test_growth_moves_shares(void)
{
    ms_scenario *fixed = world(10000, 12, 0.0), *grow = world(10000, 12, 1.5);
    double mf = 0, mg = 0;
    for (uint32_t rep = 0; rep < 3; rep++) {
        ms_market_result a, b;
        fx_run(fixed, rep, &a);
        fx_run(grow, rep, &b);
        mf += vendor_move(fixed, &a, 12);
        mg += vendor_move(grow, &b, 12);
        CU_ASSERT(b.decisions > a.decisions); /* the anniversaries' decisions */
        ms_market_result_fini(&a);
        ms_market_result_fini(&b);
    }
    CU_ASSERT(mg > 1.25 * mf); /* 1.4-1.7x for seeds 1-4 */
    free(fixed);
    free(grow);
}

/* A secondary offer that pays less of the switching cost lands more often
 * on a cloud the buyer does not use yet: multi-cloud buyers rise; the
 * primary choice, and so cloud switching, is untouched. */
static void test_secondary_switch_factor(void)
{
    ms_scenario *sc = world(5000, 60, 0.0);
    sc->decision.secondary_switch_factor = 1.0; /* the default: the full cost */
    double full = fx_mean(sc, 2, "multicloud_rate", "all");
    double sw_full = fx_mean(sc, 2, "cloud_switch_rate", "all");
    sc->decision.secondary_switch_factor = 0.2;
    double low = fx_mean(sc, 2, "multicloud_rate", "all");
    double sw_low = fx_mean(sc, 2, "cloud_switch_rate", "all");
    CU_ASSERT(low > full + 0.15);
    CU_ASSERT_DOUBLE_EQUAL(sw_low, sw_full, 0.3 * sw_full + 1e-3);
    free(sc);
}

/* Favouring the incumbent vendor at renewal cuts vendor churn, and a
 * large bonus nearly stops it; cloud switching does not rise. */
static void test_vendor_incumbency(void)
{
    ms_scenario *sc = world(5000, 60, 0.0);
    sc->decision.vendor_incumbency = 0.0; /* the default: none */
    double none = fx_mean(sc, 2, "vendor_switch_rate", "all");
    sc->decision.vendor_incumbency = 1.0;
    double some = fx_mean(sc, 2, "vendor_switch_rate", "all");
    sc->decision.vendor_incumbency = 10.0;
    double huge = fx_mean(sc, 2, "vendor_switch_rate", "all");
    CU_ASSERT(some < 0.7 * none);
    CU_ASSERT(huge < 0.01);
    free(sc);
}

static const ms_test_case cases[] = {
    {"growth_closed_form", test_growth_closed_form},
    {"growth_off_is_exact", test_growth_off_is_exact},
    {"growth_moves_shares", test_growth_moves_shares},
    {"secondary_switch_factor", test_secondary_switch_factor},
    {"vendor_incumbency", test_vendor_incumbency},
};

MS_TEST_MAIN("growth", cases)
