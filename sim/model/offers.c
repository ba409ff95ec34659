/* offers.c - offers (a product on a cloud), what the regime says of them,
 * and the per-(segment, offer) decision tables.
 *
 * Offers are indexed product * n_clouds + cloud, so every pair exists and
 * the `offered` flag says whether the product is sold there. The tables hold
 * everything of a buyer's utility that does not depend on the buyer: a
 * decision then costs one pass over the segment's feasible offers with a
 * single per-buyer adjustment (switching cost off the home cloud). Tables
 * are rebuilt only when the world changes (regime, dispute, prices,
 * quality, outages) or a snapshot moves the momentum shares.
 */
#include <math.h>
#include <string.h>

#include "market_internal.h"

int mk_offer_index(const mk_market *m, int product, int cloud)
{
    return product * m->sc->n_clouds + cloud;
}

void mk_offers_init(mk_market *m)
{
    const ms_scenario *sc = m->sc;
    m->n_off = sc->n_products * sc->n_clouds;
    for (int p = 0; p < sc->n_products; p++) {
        for (int c = 0; c < sc->n_clouds; c++) {
            mk_offer *o = &m->off[mk_offer_index(m, p, c)];
            memset(o, 0, sizeof *o);
            o->product = p;
            o->cloud = c;
            o->offered = (sc->products[p].clouds >> c) & 1u;
            o->price_mult = 1.0;
            o->route_cloud = MS_ANY;
        }
    }
}

/* Is the offer the one the dispute is about? */
static int dispute_target(const ms_scenario *sc, const mk_offer *o)
{
    const ms_dispute *d = &sc->dispute;
    if (!d->enabled)
        return 0;
    return (d->product == MS_ANY || d->product == o->product) &&
           (d->cloud == MS_ANY || d->cloud == o->cloud);
}

/* An injunction or a plaintiff's judgment blocks the disputed offers even
 * when the outcome names no regime to switch to. */
static int dispute_blocks(const mk_market *m)
{
    return m->dsp.state == MK_DS_INJUNCTION || m->dsp.state == MK_DS_PLAINTIFF_WINS;
}

void mk_offers_apply_regime(mk_market *m)
{
    const ms_scenario *sc = m->sc;
    double sigma = mk_dispute_sigma(m);
    for (int i = 0; i < m->n_off; i++) {
        mk_offer *o = &m->off[i];
        o->state = MS_OFFER_ALLOWED;
        o->route_cloud = MS_ANY;
        o->route_share = o->route_penalty = 0.0;
        const ms_rule *r = ms_scenario_rule_for(sc, m->regime, o->product, o->cloud);
        if (r) {
            o->state = r->state;
            if (r->state == MS_OFFER_ROUTED && r->route_cloud >= 0) {
                o->route_cloud = r->route_cloud;
                o->route_share = r->route_share;
                o->route_penalty = r->route_penalty;
            } else if (r->state == MS_OFFER_ROUTED) {
                o->state = MS_OFFER_ALLOWED; /* routed nowhere: nothing to split */
            }
        }
        int target = dispute_target(sc, o);
        o->disputed = target || o->state == MS_OFFER_CONTESTED;
        if (target && dispute_blocks(m))
            o->state = MS_OFFER_BLOCKED;
        o->sigma = o->disputed ? sigma : 0.0;
    }
    m->dirty = MK_DIRTY_ALL;
}

/* Deterministic utility of offer o for segment s, on the buyer's home
 * cloud (no switching cost). */
static double offer_utility(const mk_market *m, int s, const mk_offer *o)
{
    const ms_scenario *sc = m->sc;
    const ms_decision *d = &sc->decision;
    const ms_segment *seg = &sc->segments[s];
    const ms_product *p = &sc->products[o->product];
    double g = 0.0;
    for (int k = 0; k < MS_PACKAGING_DIMS; k++)
        g += p->packaging[k];
    g /= MS_PACKAGING_DIMS;
    double price = p->price * sc->clouds[o->cloud].price_index * o->price_mult;
    double years = d->term_months / 12.0;
    double u = d->beta_quality * m->quality[o->product] + seg->beta_packaging * g -
               d->beta_price * price - seg->risk_aversion * o->sigma * years +
               d->beta_momentum * m->prod_share[o->product] - m->outage[o->cloud];
    if (o->state == MS_OFFER_ROUTED)
        u -= o->route_penalty;
    return u;
}

static int offer_available(const mk_market *m, int s, const mk_offer *o)
{
    const ms_cloud *c = &m->sc->clouds[o->cloud];
    const ms_segment *seg = &m->sc->segments[s];
    return o->offered && m->launched[o->product] && c->sla >= seg->min_sla &&
           c->residency >= seg->min_residency;
}

/* Rebuilds segment s's feasible list, weights, sigma_bar and bonus.
 * sigma_bar is the segment's exposure to the legal uncertainty: the mean
 * sigma over what it would buy were there no dispute (offers weighted by
 * their logit weight without the uncertainty term, counting offers blocked
 * by the dispute itself). Weighting by the penalised utilities instead
 * would make the exposure vanish exactly when the penalty bites. */
static void segment_refresh(mk_market *m, int s)
{
    const ms_scenario *sc = m->sc;
    double mu = sc->decision.nest_scale;
    double vall[MK_MAX_OFFERS];
    int idx[MK_MAX_OFFERS], na = 0, n = 0;
    double risk = sc->segments[s].risk_aversion * sc->decision.term_months / 12.0;
    double vtop = -HUGE_VAL, vmax = -HUGE_VAL, zs = 0.0, zsig = 0.0;
    for (int i = 0; i < m->n_off; i++) {
        const mk_offer *o = &m->off[i];
        if (!offer_available(m, s, o) || (o->state == MS_OFFER_BLOCKED && !o->disputed))
            continue;
        idx[na] = i;
        vall[na] = offer_utility(m, s, o);
        if (vall[na] + o->sigma * risk > vtop)
            vtop = vall[na] + o->sigma * risk;
        na++;
    }
    for (int k = 0; k < na; k++) {
        const mk_offer *o = &m->off[idx[k]];
        double e = exp((vall[k] + o->sigma * risk - vtop) / mu);
        zs += e;
        zsig += e * o->sigma;
        if (o->state == MS_OFFER_BLOCKED)
            continue;
        m->feas[s][n] = (uint16_t)idx[k];
        m->v[s][n++] = vall[k];
        if (vall[k] > vmax)
            vmax = vall[k];
    }
    m->n_feas[s] = n;
    m->vmax[s] = (n > 0) ? vmax : 0.0;
    m->sigma_bar[s] = (zs > 0.0) ? zsig / zs : 0.0;
    m->bonus[s] = exp(sc->decision.diversification * m->sigma_bar[s] / mu);
    double f = sc->decision.secondary_switch_factor;
    for (int k = 0; k < n; k++) {
        const mk_offer *o = &m->off[m->feas[s][k]];
        double sw = sc->decision.switching_cost[sc->products[o->product].klass];
        m->w_home[s][k] = exp((m->v[s][k] - m->vmax[s]) / mu);
        m->w_away[s][k] = exp((m->v[s][k] - sw - m->vmax[s]) / mu);
        m->w_sec[s][k] = f == 1.0 ? m->w_away[s][k] : exp((m->v[s][k] - f * sw - m->vmax[s]) / mu);
    }
}

void mk_tables_refresh(mk_market *m, int s)
{
    if (!(m->dirty & (UINT32_C(1) << s)))
        return;
    segment_refresh(m, s);
    m->dirty &= ~(UINT32_C(1) << s);
}
