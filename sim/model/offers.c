/* offers.c - offers (a product on a cloud), what the regime says of them,
 * and the per-(segment, offer) decision tables.
 *
 * Offers are indexed product * n_clouds + cloud, so every pair exists and
 * the `offered` flag says whether the product is sold there. The tables hold
 * everything of a buyer's utility that does not depend on the buyer: a
 * decision then costs one pass over the segment's feasible offers with a
 * single per-buyer adjustment (switching cost off the home cloud). Tables
 * are rebuilt only when the world changes (regime, dispute, prices,
 * quality, outages) or a snapshot moves the momentum shares. A rebuild
 * computes the utilities and sigma_bar; each weight (one exp) is computed
 * when a decision first needs it, a cloud's offers at a time: with few
 * buyers a segment's tables are rebuilt every month for a decision or two,
 * which read only one of the three weights of each offer. A weight is the
 * same expression of the same stored utilities whenever it is computed.
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
        double g = 0.0;
        for (int k = 0; k < MS_PACKAGING_DIMS; k++)
            g += sc->products[p].packaging[k];
        m->packaging[p] = g / MS_PACKAGING_DIMS;
    }
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
    double g = m->packaging[o->product];
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

/* sigma_bar of segment s: the mean sigma over its available offers
 * (blocked ones included), weighted by exp((vall + sigma * risk - vtop) /
 * mu). Only called when some offer has sigma != 0: otherwise every term of
 * the numerator is 0 (or the sum is NaN) and the mean is 0 exactly. */
static double exposure(const mk_market *m, const int *idx, const double *vall, int na, double risk,
                       double vtop)
{
    double mu = m->sc->decision.nest_scale, zs = 0.0, zsig = 0.0;
    for (int k = 0; k < na; k++) {
        const mk_offer *o = &m->off[idx[k]];
        double e = exp((vall[k] + o->sigma * risk - vtop) / mu);
        zs += e;
        zsig += e * o->sigma;
    }
    return (zs > 0.0) ? zsig / zs : 0.0;
}

/* Rebuilds segment s's feasible list, utilities, vmax and sigma_bar; the
 * weights and the bonus are computed when first read (mk_tables_weights).
 * sigma_bar is the segment's exposure to the legal uncertainty: the mean
 * sigma over what it would buy were there no dispute (offers weighted by
 * their logit weight without the uncertainty term, counting offers blocked
 * by the dispute itself). Weighting by the penalised utilities instead
 * would make the exposure vanish exactly when the penalty bites. */
static void segment_refresh(mk_market *m, int s)
{
    const ms_scenario *sc = m->sc;
    double vall[MK_MAX_OFFERS];
    int idx[MK_MAX_OFFERS], na = 0, n = 0, uncertain = 0;
    double risk = sc->segments[s].risk_aversion * sc->decision.term_months / 12.0;
    double vtop = -HUGE_VAL, vmax = -HUGE_VAL;
    for (int i = 0; i < m->n_off; i++) {
        const mk_offer *o = &m->off[i];
        if (!offer_available(m, s, o) || (o->state == MS_OFFER_BLOCKED && !o->disputed))
            continue;
        idx[na] = i;
        vall[na] = offer_utility(m, s, o);
        if (vall[na] + o->sigma * risk > vtop)
            vtop = vall[na] + o->sigma * risk;
        uncertain |= o->sigma != 0.0;
        na++;
    }
    for (int k = 0; k < na; k++) {
        if (m->off[idx[k]].state == MS_OFFER_BLOCKED)
            continue;
        m->feas[s][n] = (uint16_t)idx[k];
        m->v[s][n++] = vall[k];
        if (vall[k] > vmax)
            vmax = vall[k];
    }
    m->n_feas[s] = n;
    m->vmax[s] = (n > 0) ? vmax : 0.0;
    m->sigma_bar[s] = uncertain ? exposure(m, idx, vall, na, risk, vtop) : 0.0;
    for (int w = 0; w < MK_W_KINDS; w++)
        m->have[w][s] = 0;
    m->have_bonus &= ~(UINT32_C(1) << s);
}

void mk_tables_refresh(mk_market *m, int s)
{
    if (!(m->dirty & (UINT32_C(1) << s)))
        return;
    segment_refresh(m, s);
    m->dirty &= ~(UINT32_C(1) << s);
}

/* The weight of entry k of kind w, as a full rebuild would store it. */
static double weight(const mk_market *m, int s, int k, int w)
{
    const ms_decision *d = &m->sc->decision;
    double mu = d->nest_scale, sw = 0.0;
    if (w != MK_W_HOME)
        sw = d->switching_cost[m->sc->products[m->off[m->feas[s][k]].product].klass];
    if (w == MK_W_SEC && d->secondary_switch_factor != 1.0)
        return exp((m->v[s][k] - d->secondary_switch_factor * sw - m->vmax[s]) / mu);
    if (w == MK_W_HOME)
        return exp((m->v[s][k] - m->vmax[s]) / mu);
    return exp((m->v[s][k] - sw - m->vmax[s]) / mu); /* away, or a secondary at factor 1 */
}

void mk_tables_fill(mk_market *m, int s, int w, uint32_t clouds)
{
    uint32_t want = clouds & ~m->have[w][s];
    double *out = w == MK_W_HOME ? m->w_home[s] : w == MK_W_AWAY ? m->w_away[s] : m->w_sec[s];
    for (int k = 0; k < m->n_feas[s]; k++)
        if ((want >> m->off[m->feas[s][k]].cloud) & 1u)
            out[k] = weight(m, s, k, w);
    m->have[w][s] |= clouds;
}

double mk_tables_bonus(mk_market *m, int s)
{
    if (!(m->have_bonus & (UINT32_C(1) << s))) {
        const ms_decision *d = &m->sc->decision;
        m->bonus[s] = exp(d->diversification * m->sigma_bar[s] / d->nest_scale);
        m->have_bonus |= UINT32_C(1) << s;
    }
    return m->bonus[s];
}
