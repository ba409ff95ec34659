/* test_mechanisms.c - each of the model's mechanisms shown doing its own
 * thing, not only through a final figure that many mechanisms move.
 *
 * Two tools make a mechanism visible. A paired run: the same buyers, seed
 * and replication with one thing changed, so the difference is that
 * thing's effect (common random numbers). And the decision trace at the
 * first decision after a change: until then the two runs are the same
 * event for event, so the same buyer decides at the same instant in both,
 * and its offers' systematic utilities must differ by exactly the term the
 * mechanism adds (momentum, an outage, a model release, a clarifying
 * statement). Also paired: Bass imitation. Expectations are derived from the scenario's parameters
 * and the run's own rows, never stored numbers, so recalibrating the model leaves them true. Also
 * here: the dispute's five outcomes against the analytic branch tree (chi-square), the switching
 * and multi-cloud rates recomputed from their definitions, and the order of events at one instant
 * (a regime switch at a month boundary).
 */
#include "test_main.h"
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "marketsim/market.h"
#include "marketsim/scenario.h"
#include "model_fixture.h"

#define REPS 4

static ms_scenario *world(int64_t buyers, int horizon)
{
    ms_scenario *sc = calloc(1, sizeof *sc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    fx_world(sc, buyers, horizon);
    return sc;
}

static void add_event(ms_scenario *sc, double month, ms_exo_type type, int product, int cloud,
                      double value, double duration)
{
    ms_exo_event *e = &sc->events[sc->n_events++];
    memset(e, 0, sizeof *e);
    e->month = month;
    e->type = type;
    e->product = product;
    e->vendor = MS_ANY;
    e->cloud = cloud;
    e->value = value;
    e->duration = duration;
}

/* ---- the first decision after a change --------------------------------- */

typedef struct {
    double after; /* first record with time > after */
    int found;
    ms_decision_record rec;
} first_ctx;

static void keep_first(void *vctx, const ms_decision_record *rec)
{
    first_ctx *f = vctx;
    if (!f->found && rec->time > f->after) {
        f->rec = *rec;
        f->found = 1;
    }
}

/* Runs sc (replication 0) and returns in *rec the first decision taken
 * after time `after`; res holds the run's rows (fini it). */
static void first_decision(const ms_scenario *sc, double after, ms_decision_record *rec,
                           ms_market_result *res)
{
    first_ctx f = {.after = after, .found = 0};
    ms_market_options opt = {keep_first, &f};
    ms_error err;
    memset(res, 0, sizeof *res);
    CU_ASSERT_EQUAL_FATAL(ms_market_simulate(sc, 0, &opt, res, &err), MS_OK);
    CU_ASSERT_FATAL(f.found);
    *rec = f.rec;
}

/* Index of (product, cloud) among a record's offers, -1 when absent. */
static int offer_of(const ms_decision_record *r, int product, int cloud)
{
    for (int k = 0; k < r->n_offers; k++)
        if (r->offers[k].product == product && r->offers[k].cloud == cloud)
            return k;
    return -1;
}

/* The two records are the same decision (buyer, instant, offers). */
static void assert_same_decision(const ms_decision_record *a, const ms_decision_record *b)
{
    CU_ASSERT_EQUAL_FATAL(a->buyer, b->buyer);
    CU_ASSERT_DOUBLE_EQUAL_FATAL(a->time, b->time, 0.0);
    CU_ASSERT_EQUAL_FATAL(a->n_offers, b->n_offers);
    for (int k = 0; k < a->n_offers; k++)
        CU_ASSERT_FATAL(offer_of(b, a->offers[k].product, a->offers[k].cloud) >= 0);
}

/* A product's share of committed spend in a month's rows. */
static double product_share(const ms_market_result *res, int month, int product)
{
    double mine = 0.0, total = 0.0;
    for (size_t i = 0; i < res->n_products; i++) {
        if (res->products[i].month != month)
            continue;
        total += res->products[i].spend;
        if (res->products[i].product == product)
            mine += res->products[i].spend;
    }
    return total > 0.0 ? mine / total : 0.0;
}

/* Mean over REPS of a metric, scenario as given. */
static double mean_metric(const ms_scenario *sc, const char *metric, const char *subject)
{
    return fx_mean(sc, REPS, metric, subject);
}

/* Momentum: an offer's utility carries beta_momentum x its product's
 * share of spend at the last snapshot. The first decision after month 0
 * (before it, shares are still zero and both runs agree) differs between
 * beta_momentum = B and 0 by exactly B x the product's month-0 share; and
 * over the horizon momentum favours the product that leads at month 0. */
static void test_momentum(void)
{
    ms_scenario *sc = world(3000, 60);
    sc->dispute.enabled = 0;
    const double beta = 2.0;
    ms_decision_record with, without;
    ms_market_result a, b;
    sc->decision.beta_momentum = beta;
    first_decision(sc, 0.0, &with, &a);
    sc->decision.beta_momentum = 0.0;
    first_decision(sc, 0.0, &without, &b);
    assert_same_decision(&with, &without);
    int month = (int)ceil(with.time) - 1; /* the snapshot before it */
    double largest = 0.0;
    for (int k = 0; k < with.n_offers; k++) {
        int j = offer_of(&without, with.offers[k].product, with.offers[k].cloud);
        double expect = beta * product_share(&a, month, with.offers[k].product);
        CU_ASSERT_DOUBLE_EQUAL(with.offers[k].utility - without.offers[j].utility, expect, 1e-9);
        largest = fmax(largest, expect);
    }
    CU_ASSERT(largest > 0.05); /* the check had something to see */
    /* the month-0 leader gains from momentum over five years */
    int leader = 0;
    for (int p = 1; p < sc->n_products; p++)
        if (product_share(&a, 0, p) > product_share(&a, 0, leader))
            leader = p;
    double gain = 0.0;
    for (uint32_t rep = 0; rep < REPS; rep++) {
        ms_market_result x, y;
        sc->decision.beta_momentum = beta;
        fx_run(sc, rep, &x);
        sc->decision.beta_momentum = 0.0;
        fx_run(sc, rep, &y);
        gain += product_share(&x, 60, leader) - product_share(&y, 60, leader);
        ms_market_result_fini(&x);
        ms_market_result_fini(&y);
    }
    printf(" [leader %s gains %.4f of spend from momentum] ", sc->products[leader].id, gain / REPS);
    CU_ASSERT(gain / REPS > 0.005);
    ms_market_result_fini(&a);
    ms_market_result_fini(&b);
    free(sc);
}

/* Diversification: a second offer on a cloud new to the decision gets the
 * bonus exp(diversification x sigma_bar / mu). With no legal uncertainty
 * the bonus is 1 and the run does not change at all (same event trace);
 * under an open dispute the bonus raises the multi-cloud rate. */
static void test_diversification(void)
{
    ms_scenario *sc = world(4000, 60);
    fx_baseline(sc, 4000, 60); /* no dispute: sigma_bar = 0 */
    ms_market_result x, y;
    fx_run(sc, 0, &x);
    sc->decision.diversification = 0.0;
    fx_run(sc, 0, &y);
    CU_ASSERT_EQUAL(x.fingerprint, y.fingerprint);
    CU_ASSERT_DOUBLE_EQUAL(fx_metric(&x, "multicloud_rate", "all"),
                           fx_metric(&y, "multicloud_rate", "all"), 0.0);
    ms_market_result_fini(&x);
    ms_market_result_fini(&y);
    fx_world(sc, 4000, 60); /* an open dispute from month 0, never resolved */
    sc->dispute.trigger_month = 0.0;
    sc->dispute.outcome = MS_OUTCOME_NONE;
    sc->dispute.sigma_threat = sc->dispute.sigma_negotiation = 1.0;
    double with = mean_metric(sc, "multicloud_rate", "all");
    sc->decision.diversification = 0.0;
    double without = mean_metric(sc, "multicloud_rate", "all");
    printf(" [multicloud with bonus %.4f, without %.4f] ", with, without);
    CU_ASSERT(with > without + 0.01);
    free(sc);
}

/* An exogenous event at month 6 in one run of a pair: the first decision
 * at or after it (world events fire before buyers at the same instant)
 * sees the change. Returns both records; a and b hold the runs' rows. */
static void pair_at(ms_scenario *base, ms_scenario *changed, double month, ms_decision_record *ra,
                    ms_decision_record *rb)
{
    ms_market_result a, b;
    first_decision(base, nextafter(month, 0.0), ra, &a);
    first_decision(changed, nextafter(month, 0.0), rb, &b);
    assert_same_decision(ra, rb);
    ms_market_result_fini(&a);
    ms_market_result_fini(&b);
}

/* Outages: a penalty `value` on the cloud's offers while it lasts. The
 * first decision in the outage sees every offer on the cloud exactly
 * `value` lower and no other offer changed; the first decision after it
 * ends sees the cloud's offers `value` higher than under a permanent
 * outage. Over the outage the cloud loses spend share. */
static void test_outage(void)
{
    const double pen = 1.5;
    ms_scenario *base = world(3000, 36), *out = world(3000, 36);
    base->dispute.enabled = out->dispute.enabled = 0;
    add_event(out, 6, MS_EXO_OUTAGE, MS_ANY, FX_GCP, pen, 12);
    ms_decision_record ra, rb;
    pair_at(base, out, 6.0, &ra, &rb);
    int on_gcp = 0;
    for (int k = 0; k < ra.n_offers; k++) {
        int j = offer_of(&rb, ra.offers[k].product, ra.offers[k].cloud);
        double expect = ra.offers[k].cloud == FX_GCP ? -pen : 0.0;
        on_gcp += ra.offers[k].cloud == FX_GCP;
        CU_ASSERT_DOUBLE_EQUAL(rb.offers[j].utility - ra.offers[k].utility, expect, 1e-9);
    }
    CU_ASSERT(on_gcp > 0);
    /* the end: the same outage made permanent is the pair's base */
    ms_scenario *forever = world(3000, 36);
    *forever = *out;
    forever->events[0].duration = 0.0;
    pair_at(forever, out, 18.0, &ra, &rb);
    for (int k = 0; k < ra.n_offers; k++) {
        int j = offer_of(&rb, ra.offers[k].product, ra.offers[k].cloud);
        double expect = ra.offers[k].cloud == FX_GCP ? pen : 0.0;
        CU_ASSERT_DOUBLE_EQUAL(rb.offers[j].utility - ra.offers[k].utility, expect, 1e-9);
    }
    double loss = 0.0;
    for (uint32_t rep = 0; rep < REPS; rep++) {
        ms_market_result a, b;
        fx_run(base, rep, &a);
        fx_run(out, rep, &b);
        loss += fx_share(&a, 18, FX_GCP) - fx_share(&b, 18, FX_GCP);
        ms_market_result_fini(&a);
        ms_market_result_fini(&b);
    }
    printf(" [gcp loses %.4f of spend share over the outage] ", loss / REPS);
    CU_ASSERT(loss > 0.0);
    free(base);
    free(out);
    free(forever);
}

/* Model releases: quality += value (within [0, 1]), worth beta_quality x
 * value of utility on every offer of the product from the release on; the
 * vendor gains spend share. */
static void test_model_release(void)
{
    const double dq = 0.1;
    ms_scenario *base = world(3000, 48), *rel = world(3000, 48);
    base->dispute.enabled = rel->dispute.enabled = 0;
    add_event(rel, 6, MS_EXO_MODEL_RELEASE, FX_OPEN_MODELS, MS_ANY, dq, 0);
    ms_decision_record ra, rb;
    pair_at(base, rel, 6.0, &ra, &rb);
    int seen = 0;
    for (int k = 0; k < ra.n_offers; k++) {
        int j = offer_of(&rb, ra.offers[k].product, ra.offers[k].cloud);
        int released = ra.offers[k].product == FX_OPEN_MODELS;
        seen += released;
        CU_ASSERT_DOUBLE_EQUAL(rb.offers[j].utility - ra.offers[k].utility,
                               released ? base->decision.beta_quality * dq : 0.0, 1e-9);
    }
    CU_ASSERT(seen > 0);
    double gain = mean_metric(rel, "vendor_share_spend", "open") -
                  mean_metric(base, "vendor_share_spend", "open");
    printf(" [open models gain %.4f of spend from the release] ", gain);
    CU_ASSERT(gain > 0.0);
    free(base);
    free(rel);
}

/* Clarifying statements multiply the legal uncertainty from then on: the
 * uncertainty term of every disputed offer is scaled by `value` at the
 * first decision after it (the rest of the utility unchanged), and taking
 * the uncertainty away lowers regulated buyers' deferral. */
static void test_clarifying_statement(void)
{
    const double v = 0.25;
    ms_scenario *base = world(3000, 48), *cl = world(3000, 48);
    base->dispute.trigger_month = cl->dispute.trigger_month = 0.0;
    base->dispute.outcome = cl->dispute.outcome = MS_OUTCOME_NONE; /* stays open */
    add_event(cl, 6, MS_EXO_CLARIFYING_STATEMENT, MS_ANY, MS_ANY, v, 0);
    ms_decision_record ra, rb;
    pair_at(base, cl, 6.0, &ra, &rb);
    int disputed = 0;
    for (int k = 0; k < ra.n_offers; k++) {
        int j = offer_of(&rb, ra.offers[k].product, ra.offers[k].cloud);
        double ua = ra.offers[k].uncertainty, ub = rb.offers[j].uncertainty;
        disputed += ua > 0.0;
        CU_ASSERT_DOUBLE_EQUAL(ub, v * ua, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(rb.offers[j].utility - ra.offers[k].utility, ua - ub, 1e-9);
    }
    CU_ASSERT(disputed > 0);
    cl->events[0].month = 0.0;
    cl->events[0].value = 0.0;
    double calm = mean_metric(cl, "deferral_rate", "regulated");
    double open = mean_metric(base, "deferral_rate", "regulated");
    printf(" [regulated deferral: open dispute %.4f, cleared %.4f] ", open, calm);
    CU_ASSERT(calm < open);
    free(base);
    free(cl);
}

/* Bass adoption: a buyer's trigger hazard is p + q x (its segment's
 * adopted fraction). With no innovation (p = 0) and no one adopted at
 * month 0 nobody ever has anyone to imitate, so nobody adopts; with
 * adopters at month 0, imitation alone (p = 0) makes adoption grow, and a
 * larger q makes it grow faster (paired). */
static void test_bass_imitation(void)
{
    ms_scenario *sc = world(2000, 36);
    fx_baseline(sc, 2000, 36);
    sc->decision.bass_p = 0.0;
    sc->initial_adoption = 0.0;
    ms_market_result res;
    fx_run(sc, 0, &res);
    for (int s = 0; s < sc->n_segments; s++)
        CU_ASSERT_EQUAL(fx_adopted(&res, 36, s), 0.0);
    CU_ASSERT_EQUAL(res.decisions, 0);
    ms_market_result_fini(&res);
    sc->initial_adoption = 0.4;
    double grow[2];
    for (int k = 0; k < 2; k++) {
        sc->decision.bass_q = k ? 0.6 : 0.3;
        grow[k] = 0.0;
        for (uint32_t rep = 0; rep < REPS; rep++) {
            fx_run(sc, rep, &res);
            grow[k] += fx_adopted(&res, 36, FX_UNREG) - fx_adopted(&res, 0, FX_UNREG);
            ms_market_result_fini(&res);
        }
    }
    printf(" [unregulated adoption growth with q 0.3: %.4f, q 0.6: %.4f] ", grow[0] / REPS,
           grow[1] / REPS);
    CU_ASSERT(grow[0] > 0.0);
    CU_ASSERT(grow[1] > grow[0]);
    free(sc);
}

/* ---- the dispute's branch tree ------------------------------------------- */

/* All five outcomes against the analytic tree, with asymmetric branch
 * probabilities (so swapping or inverting any branch shows) and no timing
 * noise (the 2-month injunction ruling always precedes the main branch):
 *   amended        pa
 *   injunction     (1 - pa) pm pg
 *   settled        (1 - pa)(1 - pm pg) ps
 *   plaintiff_wins (1 - pa)(1 - pm pg) pt pw
 *   dismissed      (1 - pa)(1 - pm pg) (pt (1 - pw) + 1 - ps - pt)
 * Pearson's chi-square over N replications, 4 degrees of freedom: the
 * p-value must exceed 0.001 (the seed is fixed, so this is deterministic;
 * an inverted plaintiff draw gives p < 1e-100). */
static void test_dispute_chi_square(void)
{
    enum { N = 4000 };
    ms_scenario *sc = world(1, 40);
    ms_dispute *d = &sc->dispute;
    d->trigger_month = 1.0;
    d->timing_sigma = 0.0;
    d->p_amend = 0.25;
    d->p_pi_motion = 0.6;
    d->p_pi_grant = 0.3;
    d->p_settle = 0.35;
    d->p_trial = 0.4;
    d->p_plaintiff_wins = 0.8;
    static const char *const names[] = {"amended", "injunction", "settled", "plaintiff_wins",
                                        "dismissed"};
    double rest = (1 - d->p_amend) * (1 - d->p_pi_motion * d->p_pi_grant);
    const double p[5] = {
        d->p_amend,
        (1 - d->p_amend) * d->p_pi_motion * d->p_pi_grant,
        rest * d->p_settle,
        rest * d->p_trial * d->p_plaintiff_wins,
        rest * (d->p_trial * (1 - d->p_plaintiff_wins) + 1 - d->p_settle - d->p_trial),
    };
    double count[5] = {0}, other = 0;
    for (uint32_t rep = 0; rep < N; rep++) {
        ms_market_result res;
        fx_run(sc, rep, &res);
        double sum = 0;
        for (int k = 0; k < 5; k++) {
            double x = fx_metric(&res, "outcome_probability", names[k]);
            count[k] += x;
            sum += x;
        }
        other += 1.0 - sum; /* unresolved at 40 months: impossible here */
        ms_market_result_fini(&res);
    }
    double chi2 = 0.0;
    for (int k = 0; k < 5; k++) {
        double e = N * p[k];
        chi2 += (count[k] - e) * (count[k] - e) / e;
    }
    double pval = gsl_cdf_chisq_Q(chi2, 4.0);
    printf(" [chi2 %.2f, p %.3g; counts %.0f %.0f %.0f %.0f %.0f] ", chi2, pval, count[0], count[1],
           count[2], count[3], count[4]);
    CU_ASSERT_DOUBLE_EQUAL(other, 0.0, 1e-9);
    CU_ASSERT(pval > 0.001);
    free(sc);
}

/* ---- rates from their definitions ------------------------------------------ */

/* cloud_switch_rate and vendor_switch_rate are switches per adopted
 * buyer-year, the buyer-months counted at the snapshots of months
 * 1..horizon (month 0 is the starting state, not time spent): so rate x
 * that exposure is a whole number of switches. multicloud_rate is the
 * final month's multi-cloud buyers over its adopted buyers. */
static void test_rate_definitions(void)
{
    ms_scenario *sc = world(3000, 48);
    fx_baseline(sc, 3000, 48);
    sc->decision.term_months = 12.0; /* plenty of expiries */
    for (uint32_t rep = 0; rep < 3; rep++) {
        ms_market_result res;
        fx_run(sc, rep, &res);
        double months = 0.0, multi = 0.0, adopted = 0.0;
        for (size_t i = 0; i < res.n_segments; i++) {
            const ms_segment_row *r = &res.segments[i];
            if (r->month >= 1)
                months += r->adopted;
            if (r->month == sc->horizon_months) {
                multi += r->multicloud;
                adopted += r->adopted;
            }
        }
        double clouds = fx_metric(&res, "cloud_switch_rate", "all") * months / 12.0;
        double vendors = fx_metric(&res, "vendor_switch_rate", "all") * months / 12.0;
        printf(" [%.6f cloud and %.6f vendor switches] ", clouds, vendors);
        CU_ASSERT(clouds >= 1.0);
        CU_ASSERT(vendors >= 1.0);
        CU_ASSERT_DOUBLE_EQUAL(clouds, round(clouds), 1e-6);
        CU_ASSERT_DOUBLE_EQUAL(vendors, round(vendors), 1e-6);
        CU_ASSERT_DOUBLE_EQUAL(fx_metric(&res, "multicloud_rate", "all"), multi / adopted, 1e-12);
        ms_market_result_fini(&res);
    }
    free(sc);
}

/* ---- one instant, several events ------------------------------------------- */

typedef struct {
    int at_switch, at_switch_blocked; /* decisions at exactly month 12 */
    int before, before_offered;       /* decisions in [11, 12) */
} boundary_ctx;

static void at_boundary(void *vctx, const ms_decision_record *rec)
{
    boundary_ctx *b = vctx;
    int frontier_aws = offer_of(rec, FX_FRONTIER, FX_AWS) >= 0;
    if (rec->time == 12.0) {
        b->at_switch++;
        b->at_switch_blocked += !frontier_aws;
    } else if (rec->time >= 11.0 && rec->time < 12.0) {
        b->before++;
        b->before_offered += frontier_aws;
    }
}

/* A regime switch at a month boundary, at the same instant as buyer
 * decisions and the snapshot: world events fire first, buyers next, the
 * snapshot last. Capacity caps make queued buyers retry at
 * exactly month 12, when a scheduled switch to R0 (OpenAI on Azure only)
 * takes effect: every decision at 12.0 must already see Frontier on AWS
 * gone, while decisions in the month before still list it. */
static void test_same_instant_order(void)
{
    ms_scenario *sc = world(4000, 14);
    sc->dispute.enabled = 0;
    for (int c = 0; c < sc->n_clouds; c++)
        sc->clouds[c].capacity = 2.0; /* commitments a month: most buyers queue */
    sc->n_schedule = 1;
    sc->schedule[0].month = 12.0;
    sc->schedule[0].regime = FX_R0;
    boundary_ctx b = {0};
    ms_market_options opt = {at_boundary, &b};
    ms_market_result res;
    ms_error err;
    memset(&res, 0, sizeof res);
    CU_ASSERT_EQUAL_FATAL(ms_market_simulate(sc, 0, &opt, &res, &err), MS_OK);
    printf(" [decisions at 12.0: %d; in [11,12): %d] ", b.at_switch, b.before);
    CU_ASSERT(b.at_switch > 0);
    CU_ASSERT_EQUAL(b.at_switch_blocked, b.at_switch);
    CU_ASSERT(b.before > 0);
    CU_ASSERT_EQUAL(b.before_offered, b.before);
    ms_market_result_fini(&res);
    free(sc);
}

/* Spend on a cloud's own offers (product rows) in a month. */
static double own_spend(const ms_market_result *res, int month, int cloud)
{
    double sum = 0.0;
    for (size_t i = 0; i < res->n_products; i++)
        if (res->products[i].month == month && res->products[i].cloud == cloud)
            sum += res->products[i].spend;
    return sum;
}

/* The month-k snapshot comes after every world event dated k: Frontier
 * on AWS is routed to Azure with route_share 0.5 until a scheduled switch
 * at month 12 to the same regime with route_share 1. Azure's spend beyond
 * its own offers' is route_share x Frontier-on-AWS spend: 0.5 x at month
 * 11 and already 1 x at month 12. */
static void test_snapshot_after_world(void)
{
    ms_scenario *sc = world(3000, 14);
    sc->dispute.enabled = 0;
    ms_rule *r = &sc->regimes[FX_R2P].rules[0];
    r->state = MS_OFFER_ROUTED;
    r->route_cloud = FX_AZURE;
    r->route_share = 0.5;
    sc->regimes[sc->n_regimes] = sc->regimes[FX_R2P];
    snprintf(sc->regimes[sc->n_regimes].id, MS_ID_LEN, "all_routed");
    sc->regimes[sc->n_regimes].rules[0].route_share = 1.0;
    sc->n_schedule = 1;
    sc->schedule[0].month = 12.0;
    sc->schedule[0].regime = sc->n_regimes++;
    ms_market_result res;
    fx_run(sc, 0, &res);
    for (int month = 11; month <= 12; month++) {
        double frontier_aws = 0.0;
        for (size_t i = 0; i < res.n_products; i++)
            if (res.products[i].month == month && res.products[i].product == FX_FRONTIER &&
                res.products[i].cloud == FX_AWS)
                frontier_aws = res.products[i].spend;
        double routed =
            res.market[(size_t)month * 4 + FX_AZURE].spend - own_spend(&res, month, FX_AZURE);
        CU_ASSERT(frontier_aws > 0.0);
        CU_ASSERT_DOUBLE_EQUAL(routed, (month == 12 ? 1.0 : 0.5) * frontier_aws,
                               1e-9 * (1.0 + routed));
    }
    ms_market_result_fini(&res);
    free(sc);
}

static const ms_test_case cases[] = {
    {"momentum", test_momentum},
    {"diversification", test_diversification},
    {"outage", test_outage},
    {"model_release", test_model_release},
    {"clarifying_statement", test_clarifying_statement},
    {"bass_imitation", test_bass_imitation},
    {"dispute_chi_square", test_dispute_chi_square},
    {"rate_definitions", test_rate_definitions},
    {"same_instant_order", test_same_instant_order},
    {"snapshot_after_world", test_snapshot_after_world},
};

MS_TEST_MAIN("mechanisms", cases)
