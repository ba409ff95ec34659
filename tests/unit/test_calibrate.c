/* test_calibrate.c - the parts of `calibrate` that need no search: the
 * targets parser and its refusals (each at its line), --fit keys against
 * the schema and the scenario, the bound mapping, the objective, what a
 * replication's rows give each target, and a small search whose outcome
 * is known (targets made at known values with the same seeds), and the
 * identification flags (a key that moves no target, weak keys). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "marketsim/calibrate.h"
#include "test_main.h"

#define LIB MS_SOURCE_DIR "/scenarios/"
#define BASELINE LIB "baseline.cfg"

static ms_scenario *baseline(void)
{
    ms_scenario *sc = NULL;
    ms_errors errs;
    ms_errors_init(&errs);
    CU_ASSERT_EQUAL_FATAL(ms_scenario_load(BASELINE, NULL, 0, &sc, &errs), MS_OK);
    return sc;
}

static ms_status parse(const char *text, ms_calib_targets *t, ms_error *err)
{
    ms_scenario *sc = baseline();
    memset(err, 0, sizeof *err);
    ms_status st = ms_calib_targets_parse(text, strlen(text), "t.csv", sc, t, err);
    ms_scenario_destroy(sc);
    return st;
}

static void test_targets_good(void)
{
    const char *text = "\xEF\xBB\xBFmonth,metric,subject,value,se,source\r\n"
                       "0,share_spend,aws,0.3,0.01,Synergy Q4-24\r\n"
                       "\n"
                       "12,vendor_share_spend,anthropic,0.4,0.04,\"Menlo, end-2025\"\n"
                       "6,adoption_rate,regulated,0.5,0.05,\n"
                       "6,adoption_rate,finance,0.5,0.05,\n"
                       ",vendor_switch_rate,all,0.11,0.03,M25a\n"
                       ",vendor_share_spend,anthropic,0.35,0.05,x\n"
                       "60,multicloud_rate,all,0.2,0.02,y";
    ms_calib_targets t;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(parse(text, &t, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(t.n, 7);
    CU_ASSERT_EQUAL(t.items[0].month, 0);
    CU_ASSERT_EQUAL(t.items[0].kind, MS_CT_SHARE_SPEND);
    CU_ASSERT_EQUAL(t.items[0].index, 0);
    CU_ASSERT_STRING_EQUAL(t.items[0].source, "Synergy Q4-24");
    CU_ASSERT_EQUAL(t.items[1].line, 4);
    CU_ASSERT_EQUAL(t.items[1].kind, MS_CT_VENDOR_SHARE);
    CU_ASSERT_STRING_EQUAL(t.items[1].source, "Menlo, end-2025");
    CU_ASSERT_DOUBLE_EQUAL(t.items[1].se, 0.04, 0);
    CU_ASSERT_EQUAL(t.items[2].index, MS_CT_REGULATED);
    CU_ASSERT_EQUAL(t.items[3].index, 0); /* the finance segment */
    CU_ASSERT_EQUAL(t.items[4].month, -1);
    CU_ASSERT_EQUAL(t.items[4].kind, MS_CT_SUMMARY);
    CU_ASSERT_EQUAL(t.items[5].kind, MS_CT_SUMMARY); /* same metric, no month: distinct */
    CU_ASSERT_EQUAL(t.items[6].kind, MS_CT_MULTICLOUD);
    CU_ASSERT_EQUAL(ms_calib_targets_split(&t, 6), 5);
    CU_ASSERT_TRUE(t.items[1].holdout);
    CU_ASSERT_TRUE(t.items[6].holdout);
    CU_ASSERT_FALSE(t.items[4].holdout); /* summary targets are always fitted */
    CU_ASSERT_EQUAL(ms_calib_targets_split(&t, -1), 7);
    ms_calib_targets_fini(&t);
    CU_ASSERT_PTR_NULL(t.items);
}

/* Each bad input: the line and column name reported, and a message part. */
static void expect_bad(const char *text, size_t len, int line, const char *key, const char *msg)
{
    ms_scenario *sc = baseline();
    ms_calib_targets t;
    ms_error err;
    memset(&err, 0, sizeof err);
    ms_status st = ms_calib_targets_parse(text, len, "t.csv", sc, &t, &err);
    ms_scenario_destroy(sc);
    CU_ASSERT_EQUAL(st, MS_ECONFIG);
    CU_ASSERT_EQUAL(err.line, line);
    CU_ASSERT_STRING_EQUAL(err.key, key);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, msg));
    if (err.line != line || strcmp(err.key, key) != 0 || !strstr(err.msg, msg))
        fprintf(stderr, "\n  got %d %s: %s\n", err.line, err.key, err.msg);
    CU_ASSERT_PTR_NULL(t.items);
}

#define BAD(text, line, key, msg) expect_bad(text, sizeof(text) - 1, line, key, msg)
#define H "month,metric,subject,value,se\n"

static void test_targets_bad(void)
{
    BAD("", 1, "", "empty file");
    BAD(H, 1, "", "no targets");
    BAD("month,metric,subject,value\n0,share_spend,aws,0.3\n", 1, "header", "missing column 'se'");
    BAD("month,metric,subject,value,se,note\n", 1, "header", "unknown column 'note'");
    BAD(H "0,share_spend,aws,0.3,0.01\n0,share_spend,aws,0.3\n", 3, "row", "expected 5 fields");
    BAD(H "0,share_spend,aws,0.3,0.01,x\n", 2, "row", "expected 5 fields");
    BAD(H "0,share_spend,aws,0.3,\n", 2, "se", "missing");
    BAD(H "0,share_spend,aws,0.3,0\n", 2, "se", "not a number > 0");
    BAD(H "0,share_spend,aws,0.3,-1\n", 2, "se", "not a number > 0");
    BAD(H "0,share_spend,aws,0.3,nan\n", 2, "se", "not a number > 0");
    BAD(H "0,share_spend,aws,abc,0.1\n", 2, "value", "not a finite number");
    BAD(H "61,share_spend,aws,0.3,0.01\n", 2, "month", "beyond the horizon (expected 0..60)");
    BAD(H "-1,share_spend,aws,0.3,0.01\n", 2, "month", "not a whole month");
    BAD(H "1.5,share_spend,aws,0.3,0.01\n", 2, "month", "not a whole month");
    BAD(H "0,share_spend,ibm,0.3,0.01\n", 2, "subject", "unknown cloud 'ibm'");
    BAD(H "0,vendor_share_spend,aws,0.3,0.01\n", 2, "subject", "unknown vendor 'aws'");
    BAD(H "0,adoption_rate,banks,0.3,0.01\n", 2, "subject", "unknown subject 'banks'");
    BAD(H "0,multicloud_rate,aws,0.3,0.01\n", 2, "subject", "expected all");
    BAD(H "0,market_share,aws,0.3,0.01\n", 2, "metric", "unknown monthly metric 'market_share'");
    BAD(H ",share_spend,aws,0.3,0.01\n", 2, "metric", "unknown summary metric 'share_spend'");
    BAD(H "0,deferral_rate,all,0.3,0.01\n", 2, "metric", "unknown monthly metric");
    BAD(H ",outcome_probability,won,0.3,0.01\n", 2, "subject", "unknown outcome 'won'");
    BAD(H "3,share_spend,aws,0.3,0.01\n3,share_buyers,aws,0.3,0.01\n3,share_spend,aws,0.2,0.01\n",
        4, "row", "duplicate target (month, metric, subject) of line 2");
    BAD(H "0,share_spend,\"aws,0.3,0.01\n", 2, "row", "malformed quoted field");
    BAD(H "0,share_spend,aws,0.3,0.01\n0,share_spend,az\0ure,0.3,0.01\n", 3, "", "NUL byte");
    BAD(H "0,share_spend,aws,0.3,0.01,\n", 2, "row", "expected 5 fields");
    BAD(H "\n0,share_spend,aws,0.3,0.01\n1,share_spend,aws,0.3,0.01 \xff\n", 4, "",
        "invalid UTF-8");
    BAD(H "0,share_spend,aws,0.3,0.01\n\xc0\xaf\n", 3, "", "invalid UTF-8"); /* overlong '/' */
}

static void test_targets_read_file(void)
{
    ms_scenario *sc = baseline();
    ms_calib_targets t;
    ms_error err;
    CU_ASSERT_EQUAL(ms_calib_targets_read("/nonexistent/t.csv", sc, &t, &err), MS_ECONFIG);
    CU_ASSERT_STRING_EQUAL(err.key, "--targets");
    char path[] = "/tmp/ms_targets_XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(H "24,total_spend,all,5000,500\n,total_spend,all,6000,600\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(ms_calib_targets_read(path, sc, &t, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(t.n, 2);
    CU_ASSERT_EQUAL(t.items[0].kind, MS_CT_TOTAL_SPEND);
    CU_ASSERT_FALSE(ms_calib_target_is_share(&t.items[0]));
    CU_ASSERT_EQUAL(t.items[1].kind, MS_CT_SUMMARY); /* summary.csv's total_spend */
    CU_ASSERT_FALSE(ms_calib_target_is_share(&t.items[1]));
    ms_calib_targets_fini(&t);
    remove(path);
    ms_scenario_destroy(sc);
}

static void test_mapping(void)
{
    ms_calib_param p = {.lo = 0.5, .hi = 4.0};
    CU_ASSERT_DOUBLE_EQUAL(ms_calib_to_value(&p, 0.0), 2.25, 1e-15);
    for (double u = -800; u <= 800; u += 7.3) {
        double x = ms_calib_to_value(&p, u);
        CU_ASSERT(x >= p.lo && x <= p.hi);
    }
    CU_ASSERT_EQUAL(ms_calib_to_value(&p, -1e308), 0.5);
    CU_ASSERT_EQUAL(ms_calib_to_value(&p, 1e308), 4.0);
    for (double x = 0.51; x < 4.0; x += 0.37)
        CU_ASSERT_DOUBLE_EQUAL(ms_calib_to_value(&p, ms_calib_to_free(&p, x)), x, 1e-12);
    /* the bounds themselves map to finite points just inside */
    CU_ASSERT(isfinite(ms_calib_to_free(&p, 0.5)) && isfinite(ms_calib_to_free(&p, 4.0)));
    char buf[200];
    snprintf(p.key, sizeof p.key, "decision.beta_price");
    ms_calib_set_text(&p, 3.0, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "decision.beta_price=3.0");
    ms_calib_set_text(&p, 0.1, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "decision.beta_price=0.10000000000000001");
}

static void test_objective(void)
{
    ms_calib_target items[3] = {{.value = 0.3, .se = 0.01},
                                {.value = 0.5, .se = 0.1},
                                {.value = 0.2, .se = 0.02, .holdout = 1}};
    ms_calib_targets t = {items, 3};
    double mean[3] = {0.32, 0.4, 0.9};
    CU_ASSERT_DOUBLE_EQUAL(ms_calib_objective(&t, mean), 4.0 + 1.0, 1e-9);
    snprintf(items[0].metric, sizeof items[0].metric, "share_spend");
    snprintf(items[1].metric, sizeof items[1].metric, "share_spend");
    snprintf(items[2].metric, sizeof items[2].metric, "share_spend");
    size_t n;
    CU_ASSERT_DOUBLE_EQUAL(ms_calib_rmse_pp(&t, mean, 0, &n), sqrt((4.0 + 100.0) / 2), 1e-9);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_DOUBLE_EQUAL(ms_calib_rmse_pp(&t, mean, 1, &n), 70.0, 1e-9);
    CU_ASSERT_EQUAL(n, 1);
}

static ms_status fit(const char *arg, ms_calib_param *p, ms_error *err)
{
    const char *sets[] = {"buyers.count=500"};
    memset(err, 0, sizeof *err);
    return ms_calib_param_parse(arg, BASELINE, sets, 1, p, err);
}

static void expect_fit_error(const char *arg, const char *msg)
{
    ms_calib_param p;
    ms_error err;
    CU_ASSERT_EQUAL(fit(arg, &p, &err), MS_EUSAGE);
    CU_ASSERT_STRING_EQUAL(err.key, "--fit");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, msg));
    if (!strstr(err.msg, msg))
        fprintf(stderr, "\n  got: %s\n", err.msg);
}

static void test_fit_keys(void)
{
    ms_calib_param p;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(fit("decision.beta_quality=1:8", &p, &err), MS_OK);
    CU_ASSERT_STRING_EQUAL(p.key, "decision.beta_quality");
    CU_ASSERT_EQUAL(p.lo, 1.0);
    CU_ASSERT_EQUAL(p.hi, 8.0);
    CU_ASSERT_EQUAL(p.start, 7.51); /* common.cfg's value */
    CU_ASSERT_EQUAL_FATAL(fit("decision.beta_quality=1:5", &p, &err), MS_OK);
    CU_ASSERT_EQUAL(p.start, 3.0); /* outside the bounds: the midpoint */
    CU_ASSERT_EQUAL(fit("clouds.aws.price_index=0.5:1.5", &p, &err), MS_OK);
    CU_ASSERT_EQUAL(p.start, 1.0); /* a schema default */
    expect_fit_error("decision.beta_qualty=1:8", "did you mean 'decision.beta_quality'");
    expect_fit_error("buyers.count=100:200", "not a float key");
    expect_fit_error("decision.beta_quality=8:1", "lo must be less than hi");
    expect_fit_error("decision.beta_quality=2:2", "lo must be less than hi");
    expect_fit_error("decision.beta_quality=1", "is not KEY=lo:hi");
    expect_fit_error("decision.beta_quality=a:b", "not two numbers");
    expect_fit_error("=1:2", "is not KEY=lo:hi");
    expect_fit_error("decision.nest_scale=0.5:2", "leave the key's range");
    expect_fit_error("clouds.ibm.price_index=0.5:1.5", "does not load");
    expect_fit_error("clouds.aws.initial_share=0.1:0.5", "does not load"); /* shares sum to 1 */
}

/* A replication's rows as the model makes them, built by hand. */
static void test_observe(void)
{
    ms_scenario *sc = baseline();
    ms_calib_targets t;
    ms_error err;
    const char *text = H "1,share_spend,azure,0,1\n1,share_buyers,azure,0,1\n"
                         "1,vendor_share_spend,anthropic,0,1\n1,adoption_rate,regulated,0,1\n"
                         "1,adoption_rate,all,0,1\n1,multicloud_rate,all,0,1\n"
                         "1,total_spend,all,0,1\n,cloud_switch_rate,all,0,1\n"
                         ",resolution_months,dispute,0,1\n0,share_spend,azure,0,1\n";
    CU_ASSERT_EQUAL_FATAL(ms_calib_targets_parse(text, strlen(text), "t", sc, &t, &err), MS_OK);
    int azure = ms_scenario_cloud(sc, "azure"), claude = ms_scenario_product(sc, "claude"),
        copilot = ms_scenario_product(sc, "copilot"), fin = ms_scenario_segment(sc, "finance"),
        unreg = ms_scenario_segment(sc, "unregulated");
    ms_market_row market[] = {
        {1, 0, 10, 30, 0.3, 0.25}, {1, azure, 30, 70, 0.7, 0.75}, {0, azure, 1, 1, 0.9, 0.8}};
    ms_product_row products[] = {{1, claude, 0, 1, 20},
                                 {1, claude, azure, 1, 10},
                                 {1, copilot, azure, 1, 30},
                                 {0, claude, 0, 1, 100}};
    ms_segment_row segments[] = {{1, fin, 100, 40, 0, 10}, {1, unreg, 300, 60, 0, 5}};
    ms_metric metrics[] = {{"cloud_switch_rate", "all", 0.02}};
    ms_market_result res = {.market = market,
                            .n_market = 3,
                            .products = products,
                            .n_products = 4,
                            .segments = segments,
                            .n_segments = 2,
                            .metrics = metrics,
                            .n_metrics = 1};
    double v[10];
    ms_calib_observe(sc, &res, &t, v);
    CU_ASSERT_DOUBLE_EQUAL(v[0], 0.7, 0);
    CU_ASSERT_DOUBLE_EQUAL(v[1], 0.75, 0);
    CU_ASSERT_DOUBLE_EQUAL(v[2], 0.5, 1e-15);   /* 30 of 60 at month 1 */
    CU_ASSERT_DOUBLE_EQUAL(v[3], 0.4, 1e-15);   /* finance is the only regulated row */
    CU_ASSERT_DOUBLE_EQUAL(v[4], 0.25, 1e-15);  /* 100 / 400 */
    CU_ASSERT_DOUBLE_EQUAL(v[5], 0.15, 1e-15);  /* 15 / 100 */
    CU_ASSERT_DOUBLE_EQUAL(v[6], 100.0, 1e-12); /* 30 + 70 */
    CU_ASSERT_DOUBLE_EQUAL(v[7], 0.02, 0);
    CU_ASSERT_TRUE(isnan(v[8])); /* absent this replication */
    CU_ASSERT_DOUBLE_EQUAL(v[9], 0.9, 0);
    ms_calib_targets_fini(&t);
    ms_scenario_destroy(sc);
}

/* Targets made by the model at beta_price = 2.2 with the calibration's own
 * seeds (the four clouds' shares of spend at month 12, se 0.01: with
 * common.cfg's fitted behaviour the price moves spend through secondary
 * offers more than it moves buyers' primary clouds in a year). */
static void targets_at_truth(ms_calib_target items[4])
{
    const char *at_truth[] = {"buyers.count=2000", "sim.horizon_months=12", "sim.seed=7",
                              "decision.beta_price=2.2"};
    ms_scenario *sc = NULL;
    ms_errors errs;
    ms_errors_init(&errs);
    CU_ASSERT_EQUAL_FATAL(ms_scenario_load(BASELINE, at_truth, 4, &sc, &errs), MS_OK);
    const char *subjects[] = {"aws", "azure", "gcp", "other"};
    memset(items, 0, 4 * sizeof *items);
    for (int i = 0; i < 4; i++) {
        items[i].month = 12;
        items[i].kind = MS_CT_SHARE_SPEND;
        items[i].index = ms_scenario_cloud(sc, subjects[i]);
        items[i].se = 0.01;
        snprintf(items[i].metric, sizeof items[i].metric, "share_spend");
    }
    ms_calib_targets t = {items, 4};
    double v[4], sum[4] = {0};
    for (uint32_t r = 0; r < 2; r++) {
        ms_market_result res;
        memset(&res, 0, sizeof res);
        ms_error err;
        CU_ASSERT_EQUAL_FATAL(ms_market_simulate(sc, r, NULL, &res, &err), MS_OK);
        ms_calib_observe(sc, &res, &t, v);
        for (int i = 0; i < 4; i++)
            sum[i] += v[i] / 2;
        ms_market_result_fini(&res);
    }
    for (int i = 0; i < 4; i++)
        items[i].value = sum[i];
    ms_scenario_destroy(sc);
}

static const char *const small[] = {"buyers.count=2000", "sim.horizon_months=12"};

static ms_calib_config small_config(const ms_calib_targets *t, const ms_calib_param *p, int n)
{
    ms_calib_config cfg = {.scenario_path = BASELINE,
                           .sets = small,
                           .n_sets = 2,
                           .targets = t,
                           .params = p,
                           .n_params = n,
                           .replications = 2,
                           .seed = 7,
                           .threads = 2,
                           .max_evals = 60,
                           .tolerance = 1e-2};
    return cfg;
}

/* The search from 1.0 must come back to 2.2, and the objective there is
 * the minimum the search found. */
static void test_search_recovers(void)
{
    ms_calib_target items[4];
    targets_at_truth(items);
    ms_calib_targets t = {items, 4};
    ms_calib_param p = {.key = "decision.beta_price", .lo = 0.5, .hi = 4.0, .start = 1.0};
    ms_calib_config cfg = small_config(&t, &p, 1);
    ms_calib_result r;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(ms_calib_run(&cfg, &r, &err), MS_OK);
    CU_ASSERT(r.value[0] >= 0.5 && r.value[0] <= 4.0);
    CU_ASSERT(fabs(r.value[0] - 2.2) <= fmax(2 * r.se[0], 0.05 * 2.2));
    CU_ASSERT(r.objective <= r.start_objective);
    CU_ASSERT_EQUAL(r.evals, r.search_evals + 2);
    CU_ASSERT_EQUAL(r.n_trace, r.evals);
    CU_ASSERT(r.search_evals <= 60 + 2);
    for (size_t e = 0; e < r.search_evals; e++)
        CU_ASSERT(r.trace[2 * e + 1] >= r.objective);
    CU_ASSERT_TRUE(r.identified[0]);
    CU_ASSERT_FALSE(r.weak[0]);
    CU_ASSERT(r.se[0] > 0 && isfinite(r.se[0]));
    CU_ASSERT_DOUBLE_EQUAL(r.vif[0], 1.0, 1e-9); /* one key: nothing to trade off with */
    ms_calib_result_fini(&r);
}

/* The lm method needs at least as many fitted targets as keys: fewer is
 * refused before any evaluation. (Its recovery of known values is
 * tests/cli/test_calibrate.sh's, on 36 targets and three keys.) */
static void test_lm_refuses_few_targets(void)
{
    ms_calib_target items[4];
    targets_at_truth(items);
    ms_calib_param two[2] = {{.key = "decision.beta_price", .lo = 0.5, .hi = 4.0, .start = 1.0},
                             {.key = "decision.beta_quality", .lo = 1, .hi = 9, .start = 4}};
    ms_calib_targets one = {items, 1};
    ms_calib_config cfg = small_config(&one, two, 2);
    cfg.method = MS_CALIB_LM;
    ms_calib_result r;
    ms_error err;
    CU_ASSERT_EQUAL(ms_calib_run(&cfg, &r, &err), MS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "at least as many fitted targets"));
    CU_ASSERT_EQUAL(r.n_trace, 0);
    ms_calib_result_fini(&r);
}

/* A key with no effect on any target (the dispute's amendment probability,
 * with the dispute disabled) is flagged not identified, with no standard
 * error; the well-identified key beside it is neither weak nor flagged. */
static void test_search_flags_null_key(void)
{
    ms_calib_target items[4];
    targets_at_truth(items);
    ms_calib_targets t = {items, 4};
    ms_calib_param p[2] = {{.key = "decision.beta_price", .lo = 0.5, .hi = 4.0, .start = 1.0},
                           {.key = "dispute.p_amend", .lo = 0.2, .hi = 0.9, .start = 0.7}};
    ms_calib_config cfg = small_config(&t, p, 2);
    ms_calib_result r;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(ms_calib_run(&cfg, &r, &err), MS_OK);
    CU_ASSERT_TRUE(r.identified[0]);
    CU_ASSERT_FALSE(r.weak[0]);
    CU_ASSERT(isfinite(r.se[0]) && r.se[0] > 0);
    CU_ASSERT_FALSE(r.identified[1]);
    CU_ASSERT_FALSE(r.weak[1]); /* weak is for identified keys */
    CU_ASSERT(isnan(r.se[1]) && isnan(r.vif[1]));
    ms_calib_result_fini(&r);
}

/* The flags on a Jacobian built to show each case, keys on 0..1: a strong
 * key alone on its target (se 0.1 x sqrt(1 + 1/2), vif 1); a key that
 * moves nothing; two keys that move the same targets almost alike (each
 * well measured alone, but not apart: vif far above 10); a key with a
 * tiny effect of its own (vif 1, but se 2 x ..., wider than its range). */
static void test_identify_flags(void)
{
    enum { M = 6, N = 5 };
    double J[M][N] = {{10, 0, 0, 0, 0},  {0, 0, 10, 10, 0}, {0, 0, 10, 10.5, 0},
                      {0, 0, 0, 0, 0.5}, {0, 0, 0, 0, 0},   {0, 0, 0, 0, 0}};
    ms_calib_param p[N];
    memset(p, 0, sizeof p);
    for (int j = 0; j < N; j++)
        p[j].hi = 1.0;
    double se[N], vif[N];
    int id[N], weak[N];
    ms_calib_identify(&J[0][0], M, N, p, 2, se, id, vif, weak);
    CU_ASSERT(id[0] && !weak[0]);
    CU_ASSERT_DOUBLE_EQUAL(se[0], 0.1 * sqrt(1.5), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(vif[0], 1.0, 1e-9);
    CU_ASSERT(!id[1] && !weak[1] && isnan(se[1]) && isnan(vif[1]));
    CU_ASSERT(id[2] && id[3] && weak[2] && weak[3]);
    CU_ASSERT(vif[2] > 10 && vif[3] > 10);
    CU_ASSERT(id[4] && weak[4]);
    CU_ASSERT_DOUBLE_EQUAL(se[4], 2.0 * sqrt(1.5), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(vif[4], 1.0, 1e-9);
    /* the same strong key on a range too narrow for its interval is weak */
    p[0].hi = 0.3;
    ms_calib_identify(&J[0][0], M, N, p, 2, se, id, vif, weak);
    CU_ASSERT(id[0] && weak[0]);
}

static const ms_test_case cases[] = {
    {"targets: a good file", test_targets_good},
    {"targets: every refusal at its line", test_targets_bad},
    {"targets: from a file", test_targets_read_file},
    {"bound mapping and override text", test_mapping},
    {"objective and RMSE", test_objective},
    {"--fit keys against schema and scenario", test_fit_keys},
    {"observing targets in a replication", test_observe},
    {"search recovers a known value", test_search_recovers},
    {"search flags a key that moves no target", test_search_flags_null_key},
    {"lm refuses fewer targets than keys", test_lm_refuses_few_targets},
    {"identification flags from the Jacobian", test_identify_flags},
};
MS_TEST_MAIN("calibrate", cases)
