/* model_fixture.h - hand-built scenarios and helpers for the market model
 * tests (test_market.c, test_stylized.c).
 *
 * fx_world() fills an ms_scenario with a small version of the Frontier
 * world: four clouds, five vendors, six products, four segments, the
 * public-record regimes and the dispute, with the calibrated decision
 * parameters of docs/model.md. Tests change what they study and nothing
 * else. Everything is static inline so a test file uses what it needs.
 */
#ifndef MARKETSIM_TESTS_MODEL_FIXTURE_H
#define MARKETSIM_TESTS_MODEL_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "marketsim/market.h"
#include "marketsim/scenario.h"

#ifndef FX_SEED
#define FX_SEED 20260426 /* tests may override to check robustness */
#endif

enum { FX_AWS, FX_AZURE, FX_GCP, FX_OTHER };
enum { FX_OPENAI, FX_ANTHROPIC, FX_GOOGLE, FX_OPEN, FX_MICROSOFT };
enum { FX_OPENAI_API, FX_FRONTIER, FX_CLAUDE, FX_GEMINI, FX_OPEN_MODELS, FX_COPILOT };
enum { FX_FINANCE, FX_HEALTH, FX_PUBLIC, FX_UNREG };
/* R2 (API Azure-only), R2' (Frontier on AWS contested), R3 (any cloud),
 * R0 (OpenAI Azure-only), INJ (R2 plus Frontier on AWS blocked). */
enum { FX_R2, FX_R2P, FX_R3, FX_R0, FX_INJ };

static inline void fx_cloud(ms_scenario *sc, int i, const char *id, double share, double price,
                            double sla, double residency)
{
    ms_cloud *c = &sc->clouds[i];
    snprintf(c->id, sizeof c->id, "%s", id);
    c->initial_share = share;
    c->price_index = price;
    c->capacity = 0.0;
    c->sla = sla;
    c->residency = residency;
}

static inline void fx_product(ms_scenario *sc, int i, const char *id, int vendor,
                              ms_product_class k, double q, double pack, double price,
                              uint32_t clouds)
{
    ms_product *p = &sc->products[i];
    snprintf(p->id, sizeof p->id, "%s", id);
    p->vendor = vendor;
    p->klass = k;
    p->quality = q;
    for (int d = 0; d < MS_PACKAGING_DIMS; d++)
        p->packaging[d] = pack;
    p->price = price;
    p->launch_month = 0;
    p->clouds = clouds;
}

static inline void fx_segment(ms_scenario *sc, int i, const char *id, double share, int reg,
                              double lambda, double bg, double auth, double spend, int cap,
                              double u0)
{
    ms_segment *s = &sc->segments[i];
    snprintf(s->id, sizeof s->id, "%s", id);
    s->share = share;
    s->regulated = reg;
    s->risk_aversion = lambda;
    s->beta_packaging = bg;
    s->eval_months = 9.0;
    s->authorization_months = auth;
    s->spend_median = spend;
    s->spend_sigma = 1.0;
    s->multihoming_cap = cap;
    s->defer_utility = u0;
    s->min_sla = reg ? 0.999 : 0.99;
    s->min_residency = reg ? 0.6 : 0.0;
}

static inline ms_rule fx_rule(int vendor, int klass, int product, int cloud, ms_offer_state st)
{
    ms_rule r = {vendor, klass, product, cloud, st, MS_ANY, 0.0, 0.0, 0};
    return r;
}

static inline void fx_regime(ms_scenario *sc, int i, const char *id, int contested_state)
{
    ms_regime *g = &sc->regimes[i];
    snprintf(g->id, sizeof g->id, "%s", id);
    g->n_rules = 0;
    if (i == FX_R3)
        return;
    if (contested_state >= 0) /* Frontier on AWS first: first match wins */
        g->rules[g->n_rules++] =
            fx_rule(MS_ANY, MS_ANY, FX_FRONTIER, FX_AWS, (ms_offer_state)contested_state);
    int klass = (i == FX_R0) ? MS_ANY : MS_CLASS_STATELESS_API;
    g->rules[g->n_rules++] = fx_rule(FX_OPENAI, klass, MS_ANY, FX_AZURE, MS_OFFER_ALLOWED);
    g->rules[g->n_rules++] = fx_rule(FX_OPENAI, klass, MS_ANY, MS_ANY, MS_OFFER_BLOCKED);
}

/* The decision weights of scenarios/common.cfg: beta_quality,
 * secondary_switch_factor and vendor_incumbency as fitted by the history
 * backtest (docs/validation.md), the rest as calibrated before it
 * (docs/model.md, "Parameters"). The segments' defer utilities (fx_world)
 * carry the same level shift as common.cfg's. */
static inline void fx_decision(ms_decision *d)
{
    d->beta_quality = 7.51;
    d->beta_price = 1.5;
    d->beta_momentum = 0.3;
    d->nest_scale = 0.5;
    d->kappa = 0.05;
    d->switching_cost[MS_CLASS_STATELESS_API] = 2.0;
    d->switching_cost[MS_CLASS_STATEFUL_AGENT] = 3.0;
    d->switching_cost[MS_CLASS_FIRST_PARTY_APP] = 2.5;
    d->secondary_switch_factor = 0.318;
    d->vendor_incumbency = 1.37;
    d->diversification = 4.0;
    d->bass_p = 0.03;
    d->bass_q = 0.38;
    d->defer_review_months = 3.0;
    d->eval_sigma = 0.5;
    d->regulated_eval_multiplier = 1.5;
    d->term_months = 36.0;
}

static inline void fx_dispute(ms_dispute *d)
{
    d->enabled = 1;
    d->outcome = MS_OUTCOME_STOCHASTIC;
    d->trigger_month = 3.0;
    d->product = FX_FRONTIER;
    d->cloud = FX_AWS;
    d->p_amend = 0.7;
    d->p_pi_motion = 0.5;
    d->p_pi_grant = 0.37;
    d->p_settle = 0.67;
    d->p_trial = 0.02;
    d->p_plaintiff_wins = 0.5;
    d->negotiation_months = 1.5;
    d->pi_months = 2.0;
    d->settle_months = 11.0;
    d->trial_months = 26.0;
    d->dismiss_months = 12.0;
    d->timing_sigma = 0.5;
    d->sigma_threat = 0.5;
    d->sigma_negotiation = 0.4;
    d->sigma_filed = 0.6;
    d->sigma_injunction = 1.0;
    d->regime_amended = FX_R3;
    d->regime_settled = FX_R3;
    d->regime_injunction = FX_INJ;
    d->regime_plaintiff_wins = FX_R0;
    d->regime_dismissed = FX_R3;
}

/* The Frontier world under R2' with the stochastic dispute at month 3. */
static inline void fx_world(ms_scenario *sc, int64_t buyers, int horizon)
{
    memset(sc, 0, sizeof *sc);
    snprintf(sc->name, sizeof sc->name, "fixture");
    sc->seed = FX_SEED;
    sc->horizon_months = horizon;
    sc->replications = 1;
    sc->n_clouds = 4;
    fx_cloud(sc, FX_AWS, "aws", 0.28, 1.0, 0.9995, 0.9);
    fx_cloud(sc, FX_AZURE, "azure", 0.21, 1.0, 0.9995, 0.9);
    fx_cloud(sc, FX_GCP, "gcp", 0.14, 0.97, 0.999, 0.8);
    fx_cloud(sc, FX_OTHER, "other", 0.37, 0.9, 0.999, 0.7);
    sc->n_vendors = 5;
    const char *vid[] = {"openai", "anthropic", "google", "open", "microsoft"};
    const double vshare[] = {0.20, 0.42, 0.10, 0.18, 0.10};
    for (int v = 0; v < 5; v++) {
        snprintf(sc->vendors[v].id, MS_ID_LEN, "%s", vid[v]);
        sc->vendors[v].initial_share = vshare[v];
    }
    sc->n_products = 6;
    uint32_t all = 0xFu;
    fx_product(sc, FX_OPENAI_API, "openai_api", FX_OPENAI, MS_CLASS_STATELESS_API, 0.85, 0.55, 1.0,
               1u << FX_AZURE);
    fx_product(sc, FX_FRONTIER, "frontier", FX_OPENAI, MS_CLASS_STATEFUL_AGENT, 0.85, 0.80, 1.2,
               (1u << FX_AWS) | (1u << FX_AZURE));
    fx_product(sc, FX_CLAUDE, "claude_api", FX_ANTHROPIC, MS_CLASS_STATELESS_API, 0.88, 0.60, 1.05,
               all);
    fx_product(sc, FX_GEMINI, "gemini_api", FX_GOOGLE, MS_CLASS_STATELESS_API, 0.84, 0.55, 0.9,
               (1u << FX_GCP) | (1u << FX_OTHER));
    fx_product(sc, FX_OPEN_MODELS, "open_models", FX_OPEN, MS_CLASS_STATELESS_API, 0.72, 0.40, 0.6,
               all);
    fx_product(sc, FX_COPILOT, "m365_copilot", FX_MICROSOFT, MS_CLASS_FIRST_PARTY_APP, 0.75, 0.85,
               1.1, 1u << FX_AZURE);
    sc->n_segments = 4;
    /* defer utilities 4.2 / 3.5 before the fit, + 2.9 (common.cfg) */
    fx_segment(sc, FX_FINANCE, "finance", 0.20, 1, 2.5, 2.0, 0.0, 2.0, 3, 7.1);
    fx_segment(sc, FX_HEALTH, "health", 0.15, 1, 2.5, 2.0, 0.0, 1.0, 3, 7.1);
    fx_segment(sc, FX_PUBLIC, "public", 0.15, 1, 3.0, 2.0, 18.0, 1.0, 2, 7.1);
    fx_segment(sc, FX_UNREG, "unregulated", 0.50, 0, 1.0, 1.0, 0.0, 0.5, 3, 6.4);
    sc->n_regimes = 5;
    fx_regime(sc, FX_R2, "r2", -1);
    fx_regime(sc, FX_R2P, "r2_prime", MS_OFFER_CONTESTED);
    fx_regime(sc, FX_R3, "r3", -1);
    fx_regime(sc, FX_R0, "r0", -1);
    fx_regime(sc, FX_INJ, "injunction", MS_OFFER_BLOCKED);
    sc->initial_regime = FX_R2P;
    sc->buyer_count = buyers;
    sc->initial_adoption = 0.4;
    fx_decision(&sc->decision);
    fx_dispute(&sc->dispute);
}

/* The baseline: the same world with no dispute, under R3 (any cloud). */
static inline void fx_baseline(ms_scenario *sc, int64_t buyers, int horizon)
{
    fx_world(sc, buyers, horizon);
    sc->dispute.enabled = 0;
    sc->initial_regime = FX_R3;
}

static inline int fx_run(const ms_scenario *sc, uint32_t rep, ms_market_result *res)
{
    ms_error err;
    memset(res, 0, sizeof *res);
    ms_status st = ms_market_simulate(sc, rep, NULL, res, &err);
    if (st != MS_OK)
        fprintf(stderr, "ms_market_simulate: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(st, MS_OK);
    return st == MS_OK;
}

/* A metric's value, NAN when absent. */
static inline double fx_metric(const ms_market_result *res, const char *metric, const char *subject)
{
    for (size_t i = 0; i < res->n_metrics; i++)
        if (!strcmp(res->metrics[i].metric, metric) && !strcmp(res->metrics[i].subject, subject))
            return res->metrics[i].value;
    return NAN;
}

/* Mean of a metric over replications 0..reps-1 (absent values skipped). */
static inline double fx_mean(const ms_scenario *sc, int reps, const char *metric,
                             const char *subject)
{
    double sum = 0.0;
    int n = 0;
    for (int r = 0; r < reps; r++) {
        ms_market_result res;
        if (!fx_run(sc, (uint32_t)r, &res))
            return NAN;
        double v = fx_metric(&res, metric, subject);
        if (!isnan(v)) {
            sum += v;
            n++;
        }
        ms_market_result_fini(&res);
    }
    return n ? sum / n : NAN;
}

/* A cloud's spend share in a month (from market rows). */
static inline double fx_share(const ms_market_result *res, int month, int cloud)
{
    for (size_t i = 0; i < res->n_market; i++)
        if (res->market[i].month == month && res->market[i].cloud == cloud)
            return res->market[i].share_spend;
    return NAN;
}

/* A segment row's field (adopted / buyers) in a month. */
static inline double fx_adopted(const ms_market_result *res, int month, int segment)
{
    for (size_t i = 0; i < res->n_segments; i++)
        if (res->segments[i].month == month && res->segments[i].segment == segment)
            return res->segments[i].adopted / res->segments[i].buyers;
    return NAN;
}

#endif
