/* decision.c - one buyer's procurement decision: the nested logit with a
 * defer option, multi-homing and the decision trace.
 *
 * Cost is O(feasible offers x held offers) with no allocation: the
 * deterministic part of every utility comes from the segment's tables
 * (offers.c); the buyer only adds its switching cost (offers off its home
 * cloud) and, for the second and later offers, the diversification bonus.
 * The Gumbel taste shocks are drawn through their closed form, the logit
 * probabilities: one uniform for the defer nest, one per offer taken.
 * Taking offers one by one in proportion to their logit weights, without
 * replacement, is the same as taking the top m of U + eps (Gumbel top-k).
 * Every draw comes from the buyer's own stream at its stored position.
 * A forced migration's decision (a terminating rule ended the buyer's
 * primary offer) is a renewal whose offers off the home cloud also pay
 * decision.migration_cost.
 */
#include <assert.h>
#include <math.h>

#include <gsl/gsl_rng.h>

#include "marketsim/rng.h"

#include "market_internal.h"

/* Index k with probability w[k] / z, skipping taken slots (w = 0). */
static int draw_index(const double *w, int n, double z, double u)
{
    double target = u * z, acc = 0.0;
    int last = -1;
    for (int k = 0; k < n; k++) {
        if (w[k] <= 0.0)
            continue;
        acc += w[k];
        last = k;
        if (target < acc)
            return k;
    }
    return last;
}

static uint32_t held_clouds(const mk_market *m, const mk_buyer *b)
{
    uint32_t mask = 1u << b->home;
    if (b->state != MK_COMMITTED)
        return mask;
    for (int k = 0; k < b->n_held; k++)
        mask |= 1u << m->off[b->offer[k]].cloud;
    return mask;
}

/* Utility of deferring: u0 plus the option value of waiting out the legal
 * uncertainty, minus what waiting has already cost. */
static double defer_utility(const mk_market *m, const mk_buyer *b)
{
    const ms_scenario *sc = m->sc;
    const ms_segment *seg = &sc->segments[b->segment];
    double months = (b->state == MK_DEFERRED) ? ms_engine_now(m->eng) - b->since : 0.0;
    return seg->defer_utility +
           seg->risk_aversion * m->sigma_bar[b->segment] * sc->decision.term_months / 12.0 -
           sc->decision.kappa * months;
}

/* Secondary offers: anything not yet taken; clouds the buyer already uses
 * carry no switching cost, others pay secondary_switch_factor of it (a
 * second workload moves no incumbent one), and clouds new to this decision
 * get the bonus. */
static void take_secondaries(mk_market *m, const mk_buyer *b, double *w, mk_choice *out)
{
    int s = b->segment, n = m->n_feas[s];
    int cap = m->sc->segments[s].multihoming_cap;
    if (cap > MK_MAX_HOLD)
        cap = MK_MAX_HOLD;
    uint32_t inc = held_clouds(m, b);
    uint32_t chosen = 1u << m->off[out->offer[0]].cloud;
    if (out->n >= cap || out->n >= n)
        return;
    uint8_t taken[MK_MAX_OFFERS]; /* entries k < n, set below */
    mk_tables_weights(m, s, MK_W_HOME, inc);
    mk_tables_weights(m, s, MK_W_SEC, ~inc);
    double bonus = mk_tables_bonus(m, s);
    for (int k = 0; k < n; k++)
        taken[k] = (m->feas[s][k] == out->offer[0]);
    while (out->n < cap && out->n < n) {
        double z = 0.0;
        for (int k = 0; k < n; k++) {
            int c = m->off[m->feas[s][k]].cloud;
            w[k] = taken[k] ? 0.0 : ((inc >> c) & 1u) ? m->w_home[s][k] : m->w_sec[s][k];
            if (!taken[k] && !((chosen >> c) & 1u))
                w[k] *= bonus;
            z += w[k];
        }
        if (z <= 0.0)
            break;
        int k = draw_index(w, n, z, gsl_rng_uniform(m->rng));
        taken[k] = 1;
        chosen |= 1u << m->off[m->feas[s][k]].cloud;
        out->offer[out->n] = m->feas[s][k];
        out->weight[out->n++] = w[k];
    }
}

static void normalise(mk_choice *out)
{
    double z = 0.0;
    for (int k = 0; k < out->n; k++)
        z += out->weight[k];
    for (int k = 0; k < out->n; k++)
        out->weight[k] /= z;
}

static void trace(mk_market *m, uint32_t id, const mk_buyer *b, const mk_choice *out, int forced)
{
    double extra = forced ? m->sc->decision.migration_cost : 0.0;
    ms_decision_record rec;
    const ms_scenario *sc = m->sc;
    int s = b->segment, n = m->n_feas[s];
    rec.time = ms_engine_now(m->eng);
    rec.buyer = (int64_t)id;
    rec.segment = s;
    rec.n_offers = (n < MS_TRACE_MAX_OFFERS) ? n : MS_TRACE_MAX_OFFERS;
    for (int k = 0; k < rec.n_offers; k++) {
        const mk_offer *o = &m->off[m->feas[s][k]];
        double sw = (o->cloud == b->home)
                        ? 0.0
                        : sc->decision.switching_cost[sc->products[o->product].klass] + extra;
        rec.offers[k].product = o->product;
        rec.offers[k].cloud = o->cloud;
        rec.offers[k].switching = sw;
        rec.offers[k].uncertainty =
            sc->segments[s].risk_aversion * o->sigma * sc->decision.term_months / 12.0;
        rec.offers[k].utility = m->v[s][k] - sw;
    }
    rec.defer_utility = defer_utility(m, b);
    rec.chosen_product = out->deferred ? -1 : m->off[out->offer[0]].product;
    rec.chosen_cloud = out->deferred ? -1 : m->off[out->offer[0]].cloud;
    int renewing = b->state == MK_COMMITTED; /* an expiry: the contract still runs */
    rec.held_product = renewing ? m->off[b->offer[0]].product : -1;
    rec.held_cloud = renewing ? m->off[b->offer[0]].cloud : -1;
    rec.forced = forced;
    m->opt->trace(m->opt->trace_ctx, &rec);
}

/* Every weight underflowed (all offers off the home cloud, switching cost
 * / mu beyond ~700): recompute relative to this buyer's best offer. Rare,
 * so the exp() per offer does not matter. Returns the new sum. */
static double rescale(const mk_market *m, const mk_buyer *b, double extra, double *w, double *shift)
{
    const ms_scenario *sc = m->sc;
    int s = b->segment, n = m->n_feas[s];
    double mu = sc->decision.nest_scale, best = -HUGE_VAL, z = 0.0;
    for (int k = 0; k < n; k++) {
        const mk_offer *o = &m->off[m->feas[s][k]];
        double sw = sc->decision.switching_cost[sc->products[o->product].klass];
        w[k] = m->v[s][k] - (o->cloud == b->home ? 0.0 : sw + extra);
        best = w[k] > best ? w[k] : best;
    }
    for (int k = 0; k < n; k++) {
        w[k] = exp((w[k] - best) / mu);
        z += w[k];
    }
    *shift = best;
    return z;
}

/* Renewals and expansions of a committed buyer favour its primary vendor's
 * offers by vendor_incumbency (utility): weights times exp(bonus / mu),
 * capped so that no weight overflows. Returns the new sum. The bonus
 * decides which offer is taken, not the spend it gets (mk_decide undoes
 * it in the spend weight). */
static double incumbency(const mk_market *m, const mk_buyer *b, double *w, double z,
                         double *boost_out)
{
    const ms_scenario *sc = m->sc;
    int s = b->segment, n = m->n_feas[s];
    int pv = sc->products[m->off[b->offer[0]].product].vendor;
    double boost = exp(fmin(sc->decision.vendor_incumbency / sc->decision.nest_scale, 600.0));
    *boost_out = boost;
    for (int k = 0; k < n; k++) {
        if (sc->products[m->off[m->feas[s][k]].product].vendor != pv)
            continue;
        z += w[k] * (boost - 1.0);
        w[k] *= boost;
    }
    return z;
}

void mk_decide(mk_market *m, uint32_t id, int allow_defer, int forced, mk_choice *out)
{
    mk_buyer *b = &m->buyers[id];
    mk_tables_refresh(m, b->segment);
    assert(!(m->dirty & (UINT32_C(1) << b->segment))); /* never read stale */
    int s = b->segment, n = m->n_feas[s];
    double mu = m->sc->decision.nest_scale, w[MK_MAX_OFFERS], z = 0.0;
    double extra = forced ? m->sc->decision.migration_cost : 0.0;
    double away = forced ? exp(-extra / mu) : 1.0; /* a rushed move off the home cloud */
    mk_tables_weights(m, s, MK_W_HOME, UINT32_C(1) << b->home);
    mk_tables_weights(m, s, MK_W_AWAY, ~(UINT32_C(1) << b->home));
    for (int k = 0; k < n; k++) {
        int home = m->off[m->feas[s][k]].cloud == b->home;
        w[k] = home ? m->w_home[s][k] : m->w_away[s][k] * away;
        z += w[k];
    }
    double shift = m->vmax[s];
    if (n > 0 && z <= 0.0)
        z = rescale(m, b, extra, w, &shift);
    double boost = 1.0;
    if (!allow_defer && b->state == MK_COMMITTED && m->sc->decision.vendor_incumbency > 0.0)
        z = incumbency(m, b, w, z, &boost);
    out->n = 0;
    out->deferred = (n == 0 || z <= 0.0);
    mk_seek(m, id);
    if (!out->deferred && allow_defer) {
        double iv = shift + mu * log(z);
        double p_defer = 1.0 / (1.0 + exp(iv - defer_utility(m, b)));
        out->deferred = gsl_rng_uniform(m->rng) < p_defer;
    }
    if (!out->deferred) {
        int k = draw_index(w, n, z, gsl_rng_uniform(m->rng));
        out->offer[0] = m->feas[s][k];
        out->weight[0] = w[k];
        if (boost != 1.0 && m->sc->products[m->off[out->offer[0]].product].vendor ==
                                m->sc->products[m->off[b->offer[0]].product].vendor)
            out->weight[0] /= boost;
        out->n = 1;
        take_secondaries(m, b, w, out);
        normalise(out);
    }
    b->draws = (uint32_t)ms_rng_position(m->rng);
    if (m->opt && m->opt->trace)
        trace(m, id, b, out, forced);
}
