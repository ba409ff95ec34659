/* test_run.c - the evaluation core (ms_run): identical results for any
 * thread count, series that agree with the metrics and the CSV rows they
 * summarise, overrides checked as --set checks them, files written only
 * when asked. */
#include "test_main.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "marketsim/run.h"

#define SCEN MS_SOURCE_DIR "/scenarios/frontier_dispute.cfg"

static ms_scenario_base *base_small(void)
{
    static ms_errors errs;
    const char *sets[] = {"buyers.count=400", "sim.horizon_months=36"};
    ms_scenario_base *b = NULL;
    CU_ASSERT_EQUAL(ms_scenario_base_load(SCEN, sets, 2, &b, &errs), MS_OK);
    return b;
}

static ms_run_result *eval(const ms_scenario_base *b, const char *ov, int threads, int series)
{
    static ms_errors errs;
    ms_error err;
    ms_run_options o = ms_run_defaults();
    o.replications = 3;
    o.threads = threads;
    o.series = series;
    ms_run_result *r = NULL;
    const char *sets[1] = {ov};
    ms_status st = ms_run(b, ov ? sets : NULL, ov ? 1 : 0, &o, &r, &errs, &err);
    CU_ASSERT_EQUAL(st, MS_OK);
    return r;
}

static int same_series(const ms_run_series *a, const ms_run_series *b)
{
    size_t mc = (size_t)a->months * (size_t)a->n_clouds;
    size_t mv = (size_t)a->months * (size_t)a->n_vendors;
    size_t ms = (size_t)a->months * (size_t)a->n_segments;
    return a->months == b->months && !memcmp(a->share_spend, b->share_spend, mc * 8) &&
           !memcmp(a->share_buyers, b->share_buyers, mc * 8) &&
           !memcmp(a->spend, b->spend, mc * 8) &&
           !memcmp(a->vendor_share_spend, b->vendor_share_spend, mv * 8) &&
           !memcmp(a->adoption, b->adoption, ms * 8) &&
           !memcmp(a->multicloud, b->multicloud, ms * 8) &&
           !memcmp(a->total_spend, b->total_spend, (size_t)a->months * 8);
}

static void test_threads_identical(void)
{
    ms_scenario_base *b = base_small();
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    ms_run_result *r1 = eval(b, "dispute.p_amend=0.2", 1, 1);
    ms_run_result *r2 = eval(b, "dispute.p_amend=0.2", 2, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r2);
    CU_ASSERT_EQUAL(r1->replications, 3);
    for (uint32_t i = 0; i < r1->replications; i++) {
        CU_ASSERT_EQUAL(r1->reps[i].replication, i);
        CU_ASSERT_EQUAL(r1->reps[i].n_metrics, r2->reps[i].n_metrics);
        CU_ASSERT(memcmp(r1->reps[i].metrics, r2->reps[i].metrics,
                         r1->reps[i].n_metrics * sizeof(ms_metric)) == 0);
        CU_ASSERT(same_series(&r1->reps[i].series, &r2->reps[i].series));
    }
    CU_ASSERT_DOUBLE_EQUAL(r1->scenario.dispute.p_amend, 0.2, 0);
    ms_run_result_free(r1);
    ms_run_result_free(r2);
    ms_scenario_base_destroy(b);
}

/* The last month of the series is what the final_* metrics report. */
static void test_series_agree_with_metrics(void)
{
    ms_scenario_base *b = base_small();
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    ms_run_result *r = eval(b, NULL, 1, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    const ms_scenario *sc = &r->scenario;
    for (uint32_t i = 0; i < r->replications; i++) {
        const ms_run_rep *rep = &r->reps[i];
        const ms_run_series *s = &rep->series;
        int last = s->months - 1;
        CU_ASSERT_EQUAL(s->months, sc->horizon_months + 1);
        double sum = 0.0;
        for (int c = 0; c < sc->n_clouds; c++) {
            double x = ms_run_series_at(s->share_spend, s->n_clouds, last, c);
            CU_ASSERT_DOUBLE_EQUAL(x, ms_run_metric(rep, "final_share_spend", sc->clouds[c].id), 0);
            CU_ASSERT_DOUBLE_EQUAL(ms_run_series_at(s->share_buyers, s->n_clouds, last, c),
                                   ms_run_metric(rep, "final_share_buyers", sc->clouds[c].id), 0);
            sum += ms_run_series_at(s->spend, s->n_clouds, last, c);
        }
        CU_ASSERT_DOUBLE_EQUAL(sum, s->total_spend[last], 1e-9 * sum);
        CU_ASSERT(s->total_spend[last] > 0.0);
        for (int v = 0; v < sc->n_vendors; v++)
            CU_ASSERT_DOUBLE_EQUAL(ms_run_series_at(s->vendor_share_spend, s->n_vendors, last, v),
                                   ms_run_metric(rep, "vendor_share_spend", sc->vendors[v].id),
                                   1e-12);
        for (int g = 0; g < sc->n_segments; g++) {
            double a = ms_run_series_at(s->adoption, s->n_segments, last, g);
            CU_ASSERT_DOUBLE_EQUAL(a, ms_run_metric(rep, "adoption_rate", sc->segments[g].id),
                                   1e-15);
            double mc = ms_run_series_at(s->multicloud, s->n_segments, last, g);
            CU_ASSERT(mc >= 0.0 && mc <= 1.0);
        }
        CU_ASSERT(isnan(ms_run_metric(rep, "no_such_metric", "all")));
    }
    /* the summary is over the replications */
    long k = ms_stats_table_find(r->summary, "final_share_spend", sc->clouds[0].id);
    CU_ASSERT_FATAL(k >= 0);
    CU_ASSERT_EQUAL(ms_stats_table_acc(r->summary, (size_t)k)->n, 3);
    ms_run_result_free(r);
    ms_scenario_base_destroy(b);
}

/* Same seed, different override: common random numbers, so a setting
 * that changes nothing the buyers see changes nothing at all. */
static void test_overrides_and_errors(void)
{
    ms_scenario_base *b = base_small();
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    static ms_errors errs;
    ms_error err;
    ms_run_options o = ms_run_defaults();
    o.replications = 2;
    ms_run_result *r = NULL;
    const char *bad[] = {"buyers.count=300.0"};
    CU_ASSERT_EQUAL(ms_run(b, bad, 1, &o, &r, &errs, &err), MS_ECONFIG);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_EQUAL(errs.count, 1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].file, "--set");
    CU_ASSERT_STRING_EQUAL(errs.items[0].key, "buyers.count");
    CU_ASSERT_PTR_NOT_NULL(strstr(errs.items[0].msg, "\"300.0\""));
    const char *unknown[] = {"dispute.p_amnd=0.3"};
    CU_ASSERT_EQUAL(ms_run(b, unknown, 1, &o, &r, &errs, &err), MS_ECONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(errs.items[0].msg, "p_amend"));
    /* seed and replications from the options, recorded in the scenario */
    o.have_seed = 1;
    o.seed = UINT64_MAX;
    o.keep_reps = 0;
    CU_ASSERT_EQUAL_FATAL(ms_run(b, NULL, 0, &o, &r, &errs, &err), MS_OK);
    CU_ASSERT_EQUAL(r->scenario.seed, UINT64_MAX);
    CU_ASSERT_EQUAL(r->scenario.replications, 2);
    CU_ASSERT_PTR_NULL(r->reps[0].metrics);
    CU_ASSERT(ms_stats_table_count(r->summary) > 10);
    ms_run_result_free(r);
    o.threads = 0;
    CU_ASSERT_EQUAL(ms_run(b, NULL, 0, &o, &r, &errs, &err), MS_EINVAL);
    ms_scenario_base_destroy(b);
}

/* With a directory, the run's files; without, none. */
static void test_files(void)
{
    ms_scenario_base *b = base_small();
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    char dir[] = "/tmp/ms_test_run_XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char out[200], path[300];
    snprintf(out, sizeof out, "%s/out", dir);
    static ms_errors errs;
    ms_error err;
    ms_run_options o = ms_run_defaults();
    o.replications = 2;
    o.out_dir = out;
    o.command = "test";
    ms_run_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(ms_run(b, NULL, 0, &o, &r, &errs, &err), MS_OK);
    static const char *const names[] = {"market.csv",  "products.csv", "segments.csv",
                                        "events.csv",  "summary.csv",  "scenario.resolved.cfg",
                                        "manifest.csv"};
    struct stat st;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", out, names[i]);
        CU_ASSERT_EQUAL(stat(path, &st), 0);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/decisions.csv", out);
    CU_ASSERT_NOT_EQUAL(stat(path, &st), 0);
    rmdir(out);
    rmdir(dir);
    ms_run_result_free(r);
    ms_scenario_base_destroy(b);
}

static const ms_test_case cases[] = {
    {"any thread count, same results", test_threads_identical},
    {"series agree with the metrics", test_series_agree_with_metrics},
    {"overrides, options and errors", test_overrides_and_errors},
    {"files only when asked", test_files},
};

MS_TEST_MAIN("run", cases)
