/* test_stylized.c - the nine stylized facts of docs/model.md ("Stylized facts and their tests"),
 * one test each.
 *
 * Each test runs small versions of the fixture world (model_fixture.h:
 * 2,000-5,000 buyers, 60 months) over several replications, compares
 * scenarios pairwise where it can (common random numbers make paired
 * differences tight), and states its statistic and threshold above the
 * assertion. Sizes keep the file to a few seconds in Release and well
 * under a minute under ASan.
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

#define REPS 8

static ms_scenario *baseline(int64_t buyers)
{
    ms_scenario *sc = calloc(1, sizeof *sc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    fx_baseline(sc, buyers, 60);
    return sc;
}

/* A vendor's spend share in a month, from the product rows. */
static double vendor_share(const ms_scenario *sc, const ms_market_result *res, int month, int v)
{
    double mine = 0, total = 0;
    for (size_t i = 0; i < res->n_products; i++) {
        if (res->products[i].month != month)
            continue;
        total += res->products[i].spend;
        if (sc->products[res->products[i].product].vendor == v)
            mine += res->products[i].spend;
    }
    return total > 0 ? mine / total : 0;
}

/* Adopted fraction of the regulated (1) or unregulated (0) buyers. */
static double adopted_group(const ms_scenario *sc, const ms_market_result *res, int month,
                            int regulated)
{
    double a = 0, n = 0;
    for (size_t i = 0; i < res->n_segments; i++) {
        const ms_segment_row *r = &res->segments[i];
        if (r->month != month || (sc->segments[r->segment].regulated != 0) != regulated)
            continue;
        a += r->adopted;
        n += r->buyers;
    }
    return a / n;
}

/* Deferred buyers in a month, mean over REPS replications. */
static double deferred_at(const ms_scenario *sc, int month)
{
    double d = 0;
    for (uint32_t rep = 0; rep < REPS; rep++) {
        ms_market_result res;
        fx_run(sc, rep, &res);
        for (size_t i = 0; i < res.n_segments; i++)
            if (res.segments[i].month == month)
                d += res.segments[i].deferred / REPS;
        ms_market_result_fini(&res);
    }
    return d;
}

/* Fact 1: cloud shares drift slowly and nothing tips.
 * Statistics (baseline, REPS replications of 5,000 buyers): per cloud the
 * mean 5-year drift |share(60) - share(0)| / 5, and the worst single year's
 * move of the replication-mean share. Thresholds: drift < 2 pp a year;
 * worst year < 2 pp; no cloud ends above 50%. */
static void test_fact1_slow_cloud_drift(void)
{
    ms_scenario *sc = baseline(5000);
    double share[MS_MAX_CLOUDS][6] = {{0}}, drift[MS_MAX_CLOUDS] = {0}, worst = 0, top = 0;
    for (uint32_t rep = 0; rep < REPS; rep++) {
        ms_market_result res;
        fx_run(sc, rep, &res);
        for (int c = 0; c < sc->n_clouds; c++) {
            for (int y = 0; y <= 5; y++)
                share[c][y] += fx_share(&res, 12 * y, c) / REPS;
            top = fmax(top, fx_share(&res, 60, c));
        }
        ms_market_result_fini(&res);
    }
    for (int c = 0; c < sc->n_clouds; c++) {
        drift[c] = fabs(share[c][5] - share[c][0]) / 5.0;
        for (int y = 1; y <= 5; y++)
            worst = fmax(worst, fabs(share[c][y] - share[c][y - 1]));
    }
    printf(" [drift pp/yr: %.2f %.2f %.2f %.2f; worst year %.2f pp] ", 100 * drift[0],
           100 * drift[1], 100 * drift[2], 100 * drift[3], 100 * worst);
    for (int c = 0; c < sc->n_clouds; c++)
        CU_ASSERT(drift[c] < 0.02);
    CU_ASSERT(worst < 0.02);
    CU_ASSERT(top < 0.5);
    free(sc);
}

static double max_abs_move(const double *a, const double *b, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

/* Fact 2: two timescales.
 * Statistics (baseline, REPS replications): vendor_switch_rate vs
 * cloud_switch_rate; the largest 5-year move of any vendor's spend share vs
 * of any cloud's. Thresholds: vendor churn > 3x cloud churn; the largest
 * vendor move exceeds the largest cloud move. */
static void test_fact2_two_timescales(void)
{
    ms_scenario *sc = baseline(5000);
    double vmove = 0, cmove = 0;
    for (uint32_t rep = 0; rep < REPS; rep++) {
        ms_market_result res;
        double v0[MS_MAX_VENDORS], v1[MS_MAX_VENDORS], c0[MS_MAX_CLOUDS], c1[MS_MAX_CLOUDS];
        fx_run(sc, rep, &res);
        for (int v = 0; v < sc->n_vendors; v++) {
            v0[v] = vendor_share(sc, &res, 0, v);
            v1[v] = vendor_share(sc, &res, 60, v);
        }
        for (int c = 0; c < sc->n_clouds; c++) {
            c0[c] = fx_share(&res, 0, c);
            c1[c] = fx_share(&res, 60, c);
        }
        vmove += max_abs_move(v0, v1, sc->n_vendors) / REPS;
        cmove += max_abs_move(c0, c1, sc->n_clouds) / REPS;
        ms_market_result_fini(&res);
    }
    double vs = fx_mean(sc, REPS, "vendor_switch_rate", "all");
    double cs = fx_mean(sc, REPS, "cloud_switch_rate", "all");
    CU_ASSERT(vs > 3.0 * cs);
    CU_ASSERT(vmove > cmove);
    printf(" [vendor %.4f cloud %.4f; largest moves %.3f vs %.3f] ", vs, cs, vmove, cmove);
    free(sc);
}

/* Fact 3: infrastructure is sticky, and switching happens at expiry.
 * Statistic: cloud_switch_rate (changes of primary cloud per adopted buyer
 * per year), baseline. Threshold: < 3% a year. Clustering: with 50-year
 * terms (so only ~10% of month-0 contracts expire within the horizon) the
 * rate falls below a quarter of the 3-year-term rate: switches happen when
 * contracts expire, not in between. */
static void test_fact3_sticky_infrastructure(void)
{
    ms_scenario *sc = baseline(5000);
    double base = fx_mean(sc, REPS, "cloud_switch_rate", "all");
    CU_ASSERT(base < 0.03);
    CU_ASSERT(base > 0.0);
    sc->decision.term_months = 600.0;
    double long_terms = fx_mean(sc, REPS, "cloud_switch_rate", "all");
    printf(" [cloud switching %.4f/yr; 50-year terms %.4f/yr] ", base, long_terms);
    CU_ASSERT(long_terms < 0.25 * base);
    free(sc);
}

/* Fact 4: multi-homing is the norm and rises with risk.
 * Statistics: offers held per adopted buyer (contracts / adopted) at month
 * 60, and multicloud_rate, with the dispute open from month 0 (forced
 * "none", so it never resolves) at sigma 0 versus at sigma 1.
 * Thresholds: > 1.5 offers per adopted buyer; multicloud_rate higher with
 * sigma 1 than with sigma 0 by > 2 pp (paired, same buyers). */
static void test_fact4_multihoming(void)
{
    ms_scenario *sc = calloc(1, sizeof *sc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    fx_world(sc, 4000, 60);
    sc->dispute.trigger_month = 0.0;
    sc->dispute.outcome = MS_OUTCOME_NONE;
    sc->dispute.sigma_threat = sc->dispute.sigma_negotiation = 0.0;
    ms_market_result res;
    fx_run(sc, 0, &res);
    double contracts = 0, adopted = 0;
    for (size_t i = 0; i < res.n_products; i++)
        if (res.products[i].month == 60)
            contracts += res.products[i].contracts;
    for (size_t i = 0; i < res.n_segments; i++)
        if (res.segments[i].month == 60)
            adopted += res.segments[i].adopted;
    printf(" [offers per adopted buyer %.2f] ", contracts / adopted);
    CU_ASSERT(contracts / adopted > 1.5);
    ms_market_result_fini(&res);
    double calm = fx_mean(sc, REPS, "multicloud_rate", "all");
    sc->dispute.sigma_threat = sc->dispute.sigma_negotiation = 1.0;
    double risky = fx_mean(sc, REPS, "multicloud_rate", "all");
    printf(" [multicloud sigma 0: %.3f, sigma 1: %.3f] ", calm, risky);
    CU_ASSERT(risky > calm + 0.02);
    free(sc);
}

/* Fact 5: uncertainty causes deferral, more for regulated buyers, and
 * resolution releases deferred demand.
 * Statistics: deferral_rate (deferrals / decisions with a defer option)
 * by group. Thresholds: the baseline's overall rate is within 40-60%
 * ("no decision" in 40-60% of deals); an open dispute (forced "none" from
 * month 0, default sigmas) raises the regulated rate by more than the
 * unregulated rate, and by > 2 pp; resolving it by amendment at month 12
 * releases deferred demand: at month 36 fewer than 90% as many buyers are
 * deferring as when it never resolves (same buyers). */
static void test_fact5_deferral(void)
{
    ms_scenario *sc = calloc(1, sizeof *sc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    fx_baseline(sc, 10000, 60);
    double base_all = fx_mean(sc, REPS, "deferral_rate", "all");
    CU_ASSERT(base_all > 0.40 && base_all < 0.60);
    fx_world(sc, 10000, 60);
    sc->dispute.trigger_month = 0.0;
    sc->dispute.outcome = MS_OUTCOME_NONE;
    sc->dispute.sigma_threat = sc->dispute.sigma_negotiation = 0.0;
    double calm_reg = fx_mean(sc, REPS, "deferral_rate", "regulated");
    double calm_unreg = fx_mean(sc, REPS, "deferral_rate", "unregulated");
    fx_dispute(&sc->dispute);
    sc->dispute.trigger_month = 0.0;
    sc->dispute.outcome = MS_OUTCOME_NONE;
    double hot_reg = fx_mean(sc, REPS, "deferral_rate", "regulated");
    double hot_unreg = fx_mean(sc, REPS, "deferral_rate", "unregulated");
    double open_deferred = deferred_at(sc, 36);
    printf(" [base %.3f; reg %.3f->%.3f unreg %.3f->%.3f] ", base_all, calm_reg, hot_reg,
           calm_unreg, hot_unreg);
    CU_ASSERT(hot_reg - calm_reg > 0.02);
    CU_ASSERT(hot_reg - calm_reg > hot_unreg - calm_unreg);
    sc->dispute.outcome = MS_OUTCOME_AMENDED;
    sc->dispute.negotiation_months = 12.0;
    sc->dispute.timing_sigma = 0.0;
    double resolved_deferred = deferred_at(sc, 36);
    printf(" [deferring at month 36: open %.0f resolved %.0f] ", open_deferred, resolved_deferred);
    CU_ASSERT(resolved_deferred < 0.9 * open_deferred);
    free(sc);
}

/* Fact 6: regulated buyers adopt later.
 * Statistic: growth of the adopted fraction since month 0, regulated vs
 * unregulated, at months 24 and 60 (baseline, REPS replications).
 * Threshold: regulated growth is lower at both months. */
static void test_fact6_regulated_lag(void)
{
    ms_scenario *sc = baseline(5000);
    double reg24 = 0, unreg24 = 0, reg60 = 0, unreg60 = 0;
    for (uint32_t rep = 0; rep < REPS; rep++) {
        ms_market_result res;
        fx_run(sc, rep, &res);
        reg24 += adopted_group(sc, &res, 24, 1) - adopted_group(sc, &res, 0, 1);
        unreg24 += adopted_group(sc, &res, 24, 0) - adopted_group(sc, &res, 0, 0);
        reg60 += adopted_group(sc, &res, 60, 1) - adopted_group(sc, &res, 0, 1);
        unreg60 += adopted_group(sc, &res, 60, 0) - adopted_group(sc, &res, 0, 0);
        ms_market_result_fini(&res);
    }
    printf(" [adoption growth reg/unreg: m24 %.3f/%.3f, m60 %.3f/%.3f] ", reg24 / REPS,
           unreg24 / REPS, reg60 / REPS, unreg60 / REPS);
    CU_ASSERT(reg24 < unreg24);
    CU_ASSERT(reg60 < unreg60);
    free(sc);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fact 7: disputes rarely reach judgment.
 * Statistics over 400 replications of the stochastic dispute (buyers are
 * irrelevant: 20 of them): P(a court blocks Frontier on AWS) =
 * P(injunction) + P(plaintiff_wins); the median of resolution_months.
 * Thresholds: P < 10%; median < 12 months. Expected P: 0.3 x 0.5 x 0.37
 * (injunction; the 2-month ruling nearly always precedes the main branch)
 * + 0.3 x 0.815 x 0.02 x 0.5 (plaintiff wins) = 5.8%, whose standard error
 * over 400 replications is 1.17%: 10% lies about 3.6 standard errors above
 * it (a false alarm about once in 6,000 seeds, were the seed drawn). */
static void test_fact7_disputes_rarely_reach_judgment(void)
{
    enum { N = 400 };
    ms_scenario *sc = calloc(1, sizeof *sc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    fx_world(sc, 20, 60);
    double blocked = 0, months[N];
    int resolved = 0;
    for (uint32_t rep = 0; rep < N; rep++) {
        ms_market_result res;
        fx_run(sc, rep, &res);
        blocked += fx_metric(&res, "outcome_probability", "injunction") +
                   fx_metric(&res, "outcome_probability", "plaintiff_wins");
        double t = fx_metric(&res, "resolution_months", "dispute");
        if (!isnan(t))
            months[resolved++] = t;
        ms_market_result_fini(&res);
    }
    qsort(months, (size_t)resolved, sizeof months[0], cmp_double);
    printf(" [P(blocked) %.3f; median resolution %.2f months; resolved %d/%d] ", blocked / N,
           months[resolved / 2], resolved, N);
    CU_ASSERT(blocked / N < 0.10);
    CU_ASSERT(blocked > 0); /* it can happen */
    CU_ASSERT_FATAL(resolved > N / 2);
    CU_ASSERT(months[resolved / 2] < 12.0);
    free(sc);
}

/* Two stateless APIs sold on every cloud: Claude (quality qc, packaging
 * 0.45) and Gemini (quality qg, packaging 0.75). Returns Google's minus
 * Anthropic's final spend share, mean over REPS. */
static double packaging_race(double qc, double qg)
{
    ms_scenario *sc = baseline(4000);
    sc->products[FX_CLAUDE].quality = qc;
    sc->products[FX_GEMINI].quality = qg;
    sc->products[FX_GEMINI].clouds = sc->products[FX_CLAUDE].clouds = 0xFu;
    for (int d = 0; d < MS_PACKAGING_DIMS; d++) {
        sc->products[FX_CLAUDE].packaging[d] = 0.45;
        sc->products[FX_GEMINI].packaging[d] = 0.75;
    }
    double g = fx_mean(sc, REPS, "vendor_share_spend", "google");
    double a = fx_mean(sc, REPS, "vendor_share_spend", "anthropic");
    free(sc);
    return g - a;
}

/* Fact 8: packaging beats small quality gaps.
 * Statistic: Google's minus Anthropic's vendor spend share at month 60
 * (Anthropic, the incumbent, starts at 42%, Google at 10%). Thresholds:
 * with a small quality gap (Claude 0.90 vs Gemini 0.87) the better-packaged
 * Gemini ends ahead (> 0); with a large gap (0.95 vs 0.60) the incumbent
 * Claude stays ahead (< 0): share follows packaging once quality gaps
 * narrow, and quality plus incumbency otherwise. */
static void test_fact8_packaging(void)
{
    double small_gap = packaging_race(0.90, 0.87), large_gap = packaging_race(0.95, 0.60);
    printf(" [google - anthropic: small gap %.3f, large gap %.3f] ", small_gap, large_gap);
    CU_ASSERT(small_gap > 0.0);
    CU_ASSERT(large_gap < 0.0);
}

/* Fact 9: outcome ordering.
 * Statistics (paired over REPS replications, 5,000 buyers): AWS's final
 * spend share when the dispute ends amended (R3: Frontier on AWS allowed)
 * vs under an injunction (Frontier on AWS blocked); Azure's final share
 * under full exclusivity (R0) vs open multi-cloud (R3), no dispute.
 * Thresholds: AWS(amended) > AWS(injunction); Azure(R0) > Azure(R3). */
static void test_fact9_outcome_ordering(void)
{
    ms_scenario *sc = calloc(1, sizeof *sc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    fx_world(sc, 5000, 60);
    sc->dispute.outcome = MS_OUTCOME_AMENDED;
    double aws_amended = fx_mean(sc, REPS, "final_share_spend", "aws");
    sc->dispute.outcome = MS_OUTCOME_INJUNCTION;
    double aws_injunction = fx_mean(sc, REPS, "final_share_spend", "aws");
    printf(" [aws amended %.4f injunction %.4f] ", aws_amended, aws_injunction);
    CU_ASSERT(aws_amended > aws_injunction);
    sc->dispute.enabled = 0;
    sc->initial_regime = FX_R0;
    double azure_excl = fx_mean(sc, REPS, "final_share_spend", "azure");
    sc->initial_regime = FX_R3;
    double azure_open = fx_mean(sc, REPS, "final_share_spend", "azure");
    printf(" [azure exclusive %.4f open %.4f] ", azure_excl, azure_open);
    CU_ASSERT(azure_excl > azure_open);
    free(sc);
}

static const ms_test_case cases[] = {
    {"fact1_slow_cloud_drift", test_fact1_slow_cloud_drift},
    {"fact2_two_timescales", test_fact2_two_timescales},
    {"fact3_sticky_infrastructure", test_fact3_sticky_infrastructure},
    {"fact4_multihoming", test_fact4_multihoming},
    {"fact5_deferral", test_fact5_deferral},
    {"fact6_regulated_lag", test_fact6_regulated_lag},
    {"fact7_disputes_rarely_reach_judgment", test_fact7_disputes_rarely_reach_judgment},
    {"fact8_packaging", test_fact8_packaging},
    {"fact9_outcome_ordering", test_fact9_outcome_ordering},
};

MS_TEST_MAIN("stylized_facts", cases)
