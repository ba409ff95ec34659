/* test_market.c - the market model's invariants, determinism, common
 * random numbers, forced dispute outcomes, routing, capacity, exogenous
 * events, the trace, and the shipped scenario files. The nine stylized
 * facts are in test_stylized.c.
 */
#include "test_main.h"
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "marketsim/market.h"
#include "marketsim/scenario.h"
#include "model_fixture.h"

static ms_scenario *new_world(int64_t buyers, int horizon)
{
    ms_scenario *sc = calloc(1, sizeof *sc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    fx_world(sc, buyers, horizon);
    return sc;
}

static int has_event(const ms_market_result *res, const char *event, const char *subject)
{
    for (size_t i = 0; i < res->n_events; i++)
        if (!strcmp(res->events[i].event, event) &&
            (!subject || !strcmp(res->events[i].subject, subject)))
            return 1;
    return 0;
}

/* Every month: spend and buyer shares over clouds sum to 1 once anyone has
 * adopted, spend is never negative, routing conserves spend, and every
 * buyer is counted once (segment buyers sum to the count; primary-cloud
 * buyers sum to the adopted). */
static void check_invariants(const ms_scenario *sc, const ms_market_result *res)
{
    int nc = sc->n_clouds, ns = sc->n_segments;
    CU_ASSERT_EQUAL(res->n_market, (size_t)(sc->horizon_months + 1) * (size_t)nc);
    CU_ASSERT_EQUAL(res->n_segments, (size_t)(sc->horizon_months + 1) * (size_t)ns);
    for (int mo = 0; mo <= sc->horizon_months; mo++) {
        const ms_market_row *r = &res->market[(size_t)mo * (size_t)nc];
        const ms_segment_row *g = &res->segments[(size_t)mo * (size_t)ns];
        double share = 0, sb = 0, spend = 0, buyers = 0, adopted = 0, count = 0, pspend = 0;
        for (int c = 0; c < nc; c++) {
            CU_ASSERT_EQUAL(r[c].month, mo);
            CU_ASSERT(r[c].spend >= 0.0);
            share += r[c].share_spend;
            sb += r[c].share_buyers;
            spend += r[c].spend;
            buyers += r[c].buyers;
        }
        for (int s = 0; s < ns; s++) {
            CU_ASSERT(g[s].adopted + g[s].deferred <= g[s].buyers);
            CU_ASSERT(g[s].multicloud <= g[s].adopted);
            adopted += g[s].adopted;
            count += g[s].buyers;
        }
        for (size_t i = 0; i < res->n_products; i++) {
            if (res->products[i].month != mo)
                continue;
            CU_ASSERT(res->products[i].spend >= 0.0);
            CU_ASSERT(res->products[i].contracts >= 1.0);
            pspend += res->products[i].spend;
        }
        CU_ASSERT_DOUBLE_EQUAL(count, (double)sc->buyer_count, 0.5);
        CU_ASSERT_DOUBLE_EQUAL(buyers, adopted, 0.5);
        CU_ASSERT_DOUBLE_EQUAL(pspend, spend, 1e-6 * (1.0 + spend));
        if (spend > 0.0) {
            CU_ASSERT_DOUBLE_EQUAL(share, 1.0, 1e-9);
            CU_ASSERT_DOUBLE_EQUAL(sb, 1.0, 1e-9);
        }
    }
}

static void test_invariants(void)
{
    ms_scenario *sc = new_world(3000, 36);
    for (uint32_t rep = 0; rep < 3; rep++) {
        ms_market_result res;
        fx_run(sc, rep, &res);
        check_invariants(sc, &res);
        CU_ASSERT(res.decisions > 0);
        CU_ASSERT(res.events_processed > res.decisions);
        ms_market_result_fini(&res);
    }
    free(sc);
}

/* Month 0 equals the configured cloud and vendor spend shares within four
 * standard errors (share of lognormal spend over n adopted buyers:
 * se = sqrt(p(1-p)/n * exp(sigma^2))). */
static void test_month0_shares(void)
{
    ms_scenario *sc = new_world(20000, 0);
    ms_market_result res;
    fx_run(sc, 0, &res);
    double n = 0.4 * 20000, infl = exp(1.0);
    for (int c = 0; c < sc->n_clouds; c++) {
        double p = sc->clouds[c].initial_share;
        double se = sqrt(p * (1 - p) / n * infl);
        CU_ASSERT_DOUBLE_EQUAL(fx_share(&res, 0, c), p, 4 * se);
    }
    double vendor[MS_MAX_VENDORS] = {0}, total = 0;
    for (size_t i = 0; i < res.n_products; i++) {
        vendor[sc->products[res.products[i].product].vendor] += res.products[i].spend;
        total += res.products[i].spend;
    }
    for (int v = 0; v < sc->n_vendors; v++) {
        double p = sc->vendors[v].initial_share;
        double se = sqrt(p * (1 - p) / n * infl);
        CU_ASSERT_DOUBLE_EQUAL(vendor[v] / total, p, 4 * se);
    }
    CU_ASSERT_DOUBLE_EQUAL(fx_metric(&res, "adoption_rate", "all"), 0.4, 0.02);
    ms_market_result_fini(&res);
    free(sc);
}

static int same_result(const ms_market_result *a, const ms_market_result *b)
{
    return a->n_market == b->n_market && a->n_products == b->n_products &&
           a->n_events == b->n_events && a->n_metrics == b->n_metrics &&
           a->decisions == b->decisions &&
           !memcmp(a->market, b->market, a->n_market * sizeof *a->market) &&
           !memcmp(a->products, b->products, a->n_products * sizeof *a->products) &&
           !memcmp(a->segments, b->segments, a->n_segments * sizeof *a->segments) &&
           !memcmp(a->events, b->events, a->n_events * sizeof *a->events) &&
           !memcmp(a->metrics, b->metrics, a->n_metrics * sizeof *a->metrics);
}

static void test_determinism(void)
{
    ms_scenario *sc = new_world(3000, 24);
    ms_market_result a, b, c;
    fx_run(sc, 1, &a);
    fx_run(sc, 1, &b);
    fx_run(sc, 2, &c);
    CU_ASSERT(same_result(&a, &b));
    CU_ASSERT(!same_result(&a, &c));
    ms_market_result_fini(&a);
    ms_market_result_fini(&b);
    ms_market_result_fini(&c);
    free(sc);
}

/* Common random numbers: two scenarios that differ only in the dispute's
 * outcome are identical, buyer by buyer, until the outcomes diverge
 * (month 8 here), and differ afterwards. */
static void test_common_random_numbers(void)
{
    ms_scenario *sc = new_world(4000, 36);
    ms_market_result a, b;
    sc->dispute.trigger_month = 6.0;
    sc->dispute.negotiation_months = 4.0;
    sc->dispute.timing_sigma = 0.0; /* decided at month 10 exactly */
    sc->dispute.outcome = MS_OUTCOME_AMENDED;
    fx_run(sc, 0, &a);
    sc->dispute.outcome = MS_OUTCOME_INJUNCTION;
    fx_run(sc, 0, &b);
    size_t early = 10 * (size_t)sc->n_clouds; /* months 0..9 */
    CU_ASSERT(!memcmp(a.market, b.market, early * sizeof *a.market));
    CU_ASSERT(memcmp(a.market, b.market, a.n_market * sizeof *a.market) != 0);
    ms_market_result_fini(&a);
    ms_market_result_fini(&b);
    free(sc);
}

typedef struct {
    ms_outcome forced;
    const char *event;   /* terminal event, NULL = none */
    const char *regime;  /* regime switched to, NULL = none */
    const char *subject; /* outcome_probability subject that is 1 */
} outcome_case;

/* Every dispute.outcome gives its events, its regime switch and its
 * outcome_probability; timings are drawn so each resolves in the horizon. */
static void test_forced_outcomes(void)
{
    static const outcome_case cases[] = {
        {MS_OUTCOME_AMENDED, "dispute_amended", "r3", "amended"},
        {MS_OUTCOME_SETTLED, "dispute_settled", "r3", "settled"},
        {MS_OUTCOME_INJUNCTION, "dispute_injunction", "injunction", "injunction"},
        {MS_OUTCOME_PLAINTIFF_WINS, "dispute_plaintiff_wins", "r0", "plaintiff_wins"},
        {MS_OUTCOME_DISMISSED, "dispute_dismissed", "r3", "dismissed"},
        {MS_OUTCOME_NONE, NULL, NULL, "none"},
    };
    ms_scenario *sc = new_world(500, 72);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ms_market_result res;
        sc->dispute.outcome = cases[k].forced;
        sc->dispute.timing_sigma = 0.1;
        fx_run(sc, 0, &res);
        CU_ASSERT(has_event(&res, "dispute_threat", "frontier"));
        CU_ASSERT(has_event(&res, "dispute_negotiation", "frontier"));
        int filed = k >= 1 && k <= 4;
        CU_ASSERT_EQUAL(has_event(&res, "dispute_filed", NULL), filed);
        if (cases[k].event) {
            CU_ASSERT(has_event(&res, cases[k].event, "frontier"));
            CU_ASSERT(has_event(&res, "regime_change", cases[k].regime));
            CU_ASSERT(!isnan(fx_metric(&res, "resolution_months", "dispute")));
        } else {
            CU_ASSERT(!has_event(&res, "regime_change", NULL));
            CU_ASSERT(isnan(fx_metric(&res, "resolution_months", "dispute")));
        }
        CU_ASSERT_DOUBLE_EQUAL(fx_metric(&res, "outcome_probability", cases[k].subject), 1.0,
                               1e-12);
        if (k == 3)
            CU_ASSERT(has_event(&res, "dispute_trial", "frontier"));
        ms_market_result_fini(&res);
    }
    free(sc);
}

/* With timing_sigma 0 every forced outcome resolves at the sum of its
 * medians after the trigger: negotiation 1.5, then PI 2, settlement 11,
 * trial 26 or dismissal 12 months. */
static void test_dispute_timings(void)
{
    static const struct {
        ms_outcome forced;
        double months;
    } cases[] = {{MS_OUTCOME_AMENDED, 1.5},
                 {MS_OUTCOME_INJUNCTION, 3.5},
                 {MS_OUTCOME_SETTLED, 12.5},
                 {MS_OUTCOME_DISMISSED, 13.5},
                 {MS_OUTCOME_PLAINTIFF_WINS, 27.5}};
    ms_scenario *sc = new_world(20, 48);
    sc->dispute.timing_sigma = 0.0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ms_market_result res;
        sc->dispute.outcome = cases[k].forced;
        fx_run(sc, 0, &res);
        CU_ASSERT_DOUBLE_EQUAL(fx_metric(&res, "resolution_months", "dispute"), cases[k].months,
                               1e-9);
        ms_market_result_fini(&res);
    }
    free(sc);
}

/* Drawn outcomes follow the branch probabilities: over 600 replications
 * P(amended) = p_amend = 0.7 and P(settled) = 0.3 x 0.67 x P(no earlier
 * injunction) ~ 0.18, each within 4 standard errors. */
static void test_dispute_frequencies(void)
{
    ms_scenario *sc = new_world(10, 60);
    double amended = 0, settled = 0;
    const int n = 600;
    for (int rep = 0; rep < n; rep++) {
        ms_market_result res;
        fx_run(sc, (uint32_t)rep, &res);
        amended += fx_metric(&res, "outcome_probability", "amended");
        settled += fx_metric(&res, "outcome_probability", "settled");
        ms_market_result_fini(&res);
    }
    double p_inj = 0.5 * 0.37; /* the PI ruling (2 months) nearly always comes first */
    double p_set = 0.3 * 0.67 * (1 - p_inj);
    CU_ASSERT_DOUBLE_EQUAL(amended / n, 0.7, 4 * sqrt(0.7 * 0.3 / n));
    CU_ASSERT_DOUBLE_EQUAL(settled / n, p_set, 4 * sqrt(p_set * (1 - p_set) / n));
    free(sc);
}

/* Under the stochastic dispute exactly one outcome holds per replication;
 * a disabled dispute reports `none`. */
static void test_outcome_exclusive(void)
{
    static const char *const names[] = {"amended",   "settled",    "injunction", "plaintiff_wins",
                                        "dismissed", "unresolved", "none"};
    ms_scenario *sc = new_world(50, 24);
    for (uint32_t rep = 0; rep < 40; rep++) {
        ms_market_result res;
        fx_run(sc, rep, &res);
        double sum = 0;
        for (int k = 0; k < 7; k++)
            sum += fx_metric(&res, "outcome_probability", names[k]);
        CU_ASSERT_DOUBLE_EQUAL(sum, 1.0, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(fx_metric(&res, "outcome_probability", "none"), 0.0, 1e-12);
        ms_market_result_fini(&res);
    }
    sc->dispute.enabled = 0;
    ms_market_result res;
    fx_run(sc, 0, &res);
    CU_ASSERT_DOUBLE_EQUAL(fx_metric(&res, "outcome_probability", "none"), 1.0, 1e-12);
    CU_ASSERT(!has_event(&res, "dispute_threat", NULL));
    ms_market_result_fini(&res);
    free(sc);
}

typedef struct {
    uint64_t n, chosen, bad;
} trace_count;

static void count_trace(void *ctx, const ms_decision_record *rec)
{
    trace_count *t = ctx;
    t->n++;
    if (rec->chosen_product < 0)
        return;
    t->chosen++;
    int found = 0;
    for (int k = 0; k < rec->n_offers; k++)
        found |= rec->offers[k].product == rec->chosen_product &&
                 rec->offers[k].cloud == rec->chosen_cloud;
    t->bad += !found;
}

/* The trace sees every decision, each choice among the offers listed, and
 * tracing changes nothing else. */
static void test_trace(void)
{
    ms_scenario *sc = new_world(2000, 24);
    trace_count t = {0, 0, 0};
    ms_market_options opt = {count_trace, &t};
    ms_market_result a, b;
    ms_error err;
    memset(&a, 0, sizeof a);
    CU_ASSERT_EQUAL_FATAL(ms_market_simulate(sc, 0, &opt, &a, &err), MS_OK);
    fx_run(sc, 0, &b);
    CU_ASSERT_EQUAL(t.n, a.decisions);
    CU_ASSERT(t.chosen > 0 && t.chosen < t.n);
    CU_ASSERT_EQUAL(t.bad, 0);
    CU_ASSERT(same_result(&a, &b));
    ms_market_result_fini(&a);
    ms_market_result_fini(&b);
    free(sc);
}

static double cloud_offer_spend(const ms_market_result *res, int month, int cloud)
{
    double s = 0;
    for (size_t i = 0; i < res->n_products; i++)
        if (res->products[i].month == month && res->products[i].cloud == cloud)
            s += res->products[i].spend;
    return s;
}

/* ROUTED: Frontier on AWS with model calls served from Azure sends
 * route_share of its spend to Azure; totals are conserved. */
static void test_routed(void)
{
    ms_scenario *sc = new_world(3000, 24);
    ms_rule *r = &sc->regimes[FX_R2P].rules[0];
    r->state = MS_OFFER_ROUTED;
    r->route_cloud = FX_AZURE;
    r->route_share = 0.5;
    r->route_penalty = 0.1;
    sc->dispute.enabled = 0;
    ms_market_result res;
    fx_run(sc, 0, &res);
    check_invariants(sc, &res);
    double frontier_aws = 0;
    for (size_t i = 0; i < res.n_products; i++)
        if (res.products[i].month == 24 && res.products[i].product == FX_FRONTIER &&
            res.products[i].cloud == FX_AWS)
            frontier_aws = res.products[i].spend;
    CU_ASSERT(frontier_aws > 0);
    double azure = res.market[24 * 4 + FX_AZURE].spend;
    CU_ASSERT_DOUBLE_EQUAL(azure - cloud_offer_spend(&res, 24, FX_AZURE), 0.5 * frontier_aws,
                           1e-6 * azure);
    ms_market_result_fini(&res);
    free(sc);
}

/* Blocked offers are never bought; a capacity cap holds a cloud back. */
static void test_blocked_and_capacity(void)
{
    ms_scenario *sc = new_world(3000, 36);
    sc->dispute.enabled = 0;
    sc->initial_regime = FX_R0; /* OpenAI on Azure only */
    ms_market_result a, b;
    fx_run(sc, 0, &a);
    for (size_t i = 0; i < a.n_products; i++)
        CU_ASSERT(!(a.products[i].product == FX_FRONTIER && a.products[i].cloud == FX_AWS));
    sc->clouds[FX_GCP].capacity = 1.0; /* one new commitment a month */
    fx_run(sc, 0, &b);
    check_invariants(sc, &b);
    CU_ASSERT(fx_metric(&b, "final_share_buyers", "gcp") <
              fx_metric(&a, "final_share_buyers", "gcp"));
    ms_market_result_fini(&a);
    ms_market_result_fini(&b);
    free(sc);
}

static void add_event(ms_scenario *sc, double month, ms_exo_type type, int product, int cloud,
                      double value, double duration)
{
    ms_exo_event *e = &sc->events[sc->n_events++];
    e->month = month;
    e->type = type;
    e->product = product;
    e->vendor = MS_ANY;
    e->cloud = cloud;
    e->value = value;
    e->duration = duration;
}

/* Exogenous events are logged and act: a partnership opens an offer, a
 * late launch holds a product back until its month, a price cut wins
 * spend, an outage ends after its duration. */
static void test_exogenous(void)
{
    ms_scenario *sc = new_world(3000, 36);
    sc->dispute.enabled = 0;
    ms_market_result base, res;
    fx_run(sc, 0, &base);
    sc->products[FX_COPILOT].launch_month = 12;
    add_event(sc, 3, MS_EXO_PARTNERSHIP, FX_GEMINI, FX_AWS, 0, 0);
    add_event(sc, 4, MS_EXO_PRICE_CHANGE, FX_GEMINI, MS_ANY, 0.5, 0);
    add_event(sc, 5, MS_EXO_OUTAGE, MS_ANY, FX_GCP, 1.0, 2);
    add_event(sc, 6, MS_EXO_CLARIFYING_STATEMENT, MS_ANY, MS_ANY, 0.5, 0);
    add_event(sc, 7, MS_EXO_MODEL_RELEASE, FX_OPEN_MODELS, MS_ANY, 0.1, 0);
    fx_run(sc, 0, &res);
    check_invariants(sc, &res);
    CU_ASSERT(has_event(&res, "partnership", "gemini_api"));
    CU_ASSERT(has_event(&res, "price_change", "gemini_api"));
    CU_ASSERT(has_event(&res, "outage", "gcp"));
    CU_ASSERT(has_event(&res, "outage_end", "gcp"));
    CU_ASSERT(has_event(&res, "clarifying_statement", "all"));
    CU_ASSERT(has_event(&res, "model_release", "open_models"));
    CU_ASSERT(has_event(&res, "launch", "m365_copilot"));
    double gemini_aws = 0, copilot_early = 0;
    for (size_t i = 0; i < res.n_products; i++) {
        const ms_product_row *p = &res.products[i];
        if (p->product == FX_GEMINI && p->cloud == FX_AWS && p->month == 36)
            gemini_aws = p->contracts;
        if (p->product == FX_COPILOT && p->month > 0 && p->month < 12)
            copilot_early += p->contracts;
    }
    CU_ASSERT(gemini_aws > 0);
    CU_ASSERT(fx_metric(&res, "vendor_share_spend", "google") >
              fx_metric(&base, "vendor_share_spend", "google"));
    CU_ASSERT_EQUAL(copilot_early, 0.0);
    ms_market_result_fini(&base);
    ms_market_result_fini(&res);
    free(sc);
}

static double cloud_buyers(const ms_market_result *res, int month, int cloud)
{
    return res->market[(size_t)month * 4 + (size_t)cloud].buyers;
}

/* A capacity shock to zero stops new commitments on the cloud while it
 * lasts, and ends: GCP (capacity 200 a month) loses buyers during a
 * 6-month shock, then grows again. */
static void test_capacity_shock(void)
{
    ms_scenario *sc = new_world(5000, 36);
    sc->dispute.enabled = 0;
    sc->clouds[FX_GCP].capacity = 200.0;
    ms_market_result a, b;
    fx_run(sc, 0, &a);
    add_event(sc, 1, MS_EXO_CAPACITY_SHOCK, MS_ANY, FX_GCP, 0.0, 6);
    fx_run(sc, 0, &b);
    CU_ASSERT(has_event(&b, "capacity_shock", "gcp"));
    CU_ASSERT(has_event(&b, "capacity_shock_end", "gcp"));
    CU_ASSERT(cloud_buyers(&b, 7, FX_GCP) < cloud_buyers(&a, 7, FX_GCP));
    CU_ASSERT(cloud_buyers(&b, 36, FX_GCP) > cloud_buyers(&b, 7, FX_GCP));
    ms_market_result_fini(&a);
    ms_market_result_fini(&b);
    free(sc);
}

/* Extreme but valid parameters: a sharp nest (mu 0.01) with switching
 * costs of 10 make every off-home weight underflow, and a permanent outage
 * penalty of 20 on Azure makes its own offers underflow too; buyers at home
 * on Azure still choose (no one lapses for lack of numbers), and the
 * invariants hold. */
static void test_extreme_parameters(void)
{
    ms_scenario *sc = new_world(2000, 48);
    sc->decision.nest_scale = 0.01;
    for (int k = 0; k < MS_CLASS_COUNT; k++)
        sc->decision.switching_cost[k] = 10.0;
    ms_exo_event *e = &sc->events[sc->n_events++];
    e->month = 6;
    e->type = MS_EXO_OUTAGE;
    e->product = e->vendor = MS_ANY;
    e->cloud = FX_AZURE;
    e->value = 20.0;
    e->duration = 0.0;
    ms_market_result res;
    fx_run(sc, 0, &res);
    check_invariants(sc, &res);
    CU_ASSERT(fx_metric(&res, "adoption_rate", "all") >= 0.4);
    CU_ASSERT(fx_share(&res, 48, FX_AZURE) < fx_share(&res, 0, FX_AZURE));
    ms_market_result_fini(&res);
    free(sc);
}

static void test_bad_scenario(void)
{
    ms_scenario *sc = new_world(10, 12);
    ms_market_result res;
    ms_error err;
    memset(&res, 0, sizeof res);
    sc->decision.nest_scale = 0.0;
    CU_ASSERT_EQUAL(ms_market_simulate(sc, 0, NULL, &res, &err), MS_EINVAL);
    CU_ASSERT(strstr(err.msg, "nest_scale") != NULL);
    sc->decision.nest_scale = 0.5;
    sc->decision.term_months = 0.0; /* would renew at the same instant forever */
    CU_ASSERT_EQUAL(ms_market_simulate(sc, 0, NULL, &res, &err), MS_EINVAL);
    CU_ASSERT(strstr(err.msg, "term_months") != NULL);
    ms_market_result_fini(&res);
    free(sc);
}

/* Every shipped scenario loads, runs (at 2,000 buyers) with the invariants
 * holding, and shows each scheduled regime switch at its month. The
 * library must be found: an empty glob would pass with nothing checked. */
static void test_scenario_files(void)
{
    glob_t g;
    int rc = glob(MS_SOURCE_DIR "/scenarios/*.cfg", 0, NULL, &g);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    size_t ran = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *sets[] = {"buyers.count=2000"};
        ms_scenario *sc = NULL;
        ms_errors errs;
        ms_errors_init(&errs);
        if (strstr(g.gl_pathv[i], "common.cfg"))
            continue;
        ms_status st = ms_scenario_load(g.gl_pathv[i], sets, 1, &sc, &errs);
        if (st != MS_OK) {
            fprintf(stderr, "\n%s:\n", g.gl_pathv[i]);
            ms_errors_print(stderr, &errs);
        }
        CU_ASSERT_EQUAL(st, MS_OK);
        if (st != MS_OK)
            continue;
        ms_market_result res;
        fx_run(sc, 0, &res);
        ran++;
        check_invariants(sc, &res);
        for (int k = 0; k < sc->n_schedule; k++) {
            if (sc->schedule[k].month <= 0 || sc->schedule[k].month > sc->horizon_months)
                continue;
            int seen = 0;
            for (size_t e = 0; e < res.n_events; e++)
                seen |= !strcmp(res.events[e].event, "regime_change") &&
                        res.events[e].time == sc->schedule[k].month &&
                        !strcmp(res.events[e].subject, sc->regimes[sc->schedule[k].regime].id);
            CU_ASSERT(seen);
        }
        ms_market_result_fini(&res);
        ms_scenario_destroy(sc);
    }
    globfree(&g);
    CU_ASSERT(ran >= 8); /* the library's scenarios, common.cfg aside */
}

/* Month-0 cloud and vendor spend shares of one run (routed spend counted
 * on the hosting cloud: month-0 shares are of hosting clouds). */
static void month0_shares(const ms_scenario *sc, const ms_market_result *res, double *cloud,
                          double *vendor)
{
    double total = 0.0;
    for (size_t i = 0; i < res->n_products; i++) {
        const ms_product_row *r = &res->products[i];
        if (r->month != 0)
            continue;
        cloud[r->cloud] += r->spend;
        vendor[sc->products[r->product].vendor] += r->spend;
        total += r->spend;
    }
    for (int c = 0; c < sc->n_clouds; c++)
        cloud[c] /= total;
    for (int v = 0; v < sc->n_vendors; v++)
        vendor[v] /= total;
}

/* Every shipped scenario starts where it says: month-0 cloud and vendor
 * spend shares within 1 percentage point of the configured ones (400,000
 * buyers: the sampling sd of a share is about 0.3 pp). */
static void test_scenario_month0(void)
{
    glob_t g;
    if (glob(MS_SOURCE_DIR "/scenarios/*.cfg", 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *sets[] = {"buyers.count=400000", "sim.horizon_months=1"};
        ms_scenario *sc = NULL;
        ms_errors errs;
        ms_errors_init(&errs);
        if (strstr(g.gl_pathv[i], "common.cfg"))
            continue;
        CU_ASSERT_EQUAL_FATAL(ms_scenario_load(g.gl_pathv[i], sets, 2, &sc, &errs), MS_OK);
        ms_market_result res;
        fx_run(sc, 0, &res);
        double cloud[MS_MAX_CLOUDS] = {0}, vendor[MS_MAX_VENDORS] = {0};
        month0_shares(sc, &res, cloud, vendor);
        for (int c = 0; c < sc->n_clouds; c++) {
            if (fabs(cloud[c] - sc->clouds[c].initial_share) >= 0.01)
                fprintf(stderr, "\n%s: cloud %s %.4f vs %.4f\n", g.gl_pathv[i], sc->clouds[c].id,
                        cloud[c], sc->clouds[c].initial_share);
            CU_ASSERT_DOUBLE_EQUAL(cloud[c], sc->clouds[c].initial_share, 0.01);
        }
        for (int v = 0; v < sc->n_vendors; v++) {
            if (fabs(vendor[v] - sc->vendors[v].initial_share) >= 0.01)
                fprintf(stderr, "\n%s: vendor %s %.4f vs %.4f\n", g.gl_pathv[i], sc->vendors[v].id,
                        vendor[v], sc->vendors[v].initial_share);
            CU_ASSERT_DOUBLE_EQUAL(vendor[v], sc->vendors[v].initial_share, 0.01);
        }
        ms_market_result_fini(&res);
        ms_scenario_destroy(sc);
    }
    globfree(&g);
}

/* A scenario whose month-0 offers cannot carry its shares is refused by
 * the loader's check, naming the cloud and what is reachable; the same
 * check is public for callers that change a built scenario. */
static void test_month0_infeasible(void)
{
    ms_scenario *sc = new_world(100, 1);
    ms_error err;
    CU_ASSERT_EQUAL(ms_scenario_check_month0(sc, &err), MS_OK);
    sc->initial_regime = FX_R0; /* openai 0.20 + microsoft 0.10 on azure 0.21 */
    CU_ASSERT_EQUAL(ms_scenario_check_month0(sc, &err), MS_ECONFIG);
    CU_ASSERT_STRING_EQUAL(err.key, "vendors.openai.initial_share");
    CU_ASSERT(strstr(err.msg, "openai, microsoft: 0.3") != NULL);
    CU_ASSERT(strstr(err.msg, "at most 0.21 is reachable") != NULL);
    free(sc);
}

static const ms_test_case cases[] = {
    {"invariants", test_invariants},
    {"month0_shares", test_month0_shares},
    {"determinism", test_determinism},
    {"common_random_numbers", test_common_random_numbers},
    {"forced_outcomes", test_forced_outcomes},
    {"outcome_exclusive", test_outcome_exclusive},
    {"dispute_timings", test_dispute_timings},
    {"dispute_frequencies", test_dispute_frequencies},
    {"trace", test_trace},
    {"routed", test_routed},
    {"blocked_and_capacity", test_blocked_and_capacity},
    {"exogenous", test_exogenous},
    {"capacity_shock", test_capacity_shock},
    {"extreme_parameters", test_extreme_parameters},
    {"bad_scenario", test_bad_scenario},
    {"scenario_files", test_scenario_files},
    {"scenario_month0", test_scenario_month0},
    {"month0_infeasible", test_month0_infeasible},
};

MS_TEST_MAIN("market", cases)
