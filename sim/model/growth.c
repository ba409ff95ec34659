/* growth.c - growing budgets (buyers.segments.<id>.growth).
 *
 * A buyer of a segment with growth g has a budget that grows by the factor
 * (1 + g) a year. The growth reaches the market in three ways:
 * - a buyer adopting at month t starts with its month-0 draw times
 *   (1 + g)^(t / 12) (budgets grew while it waited);
 * - on each anniversary of its commitment (every 12 months from its
 *   start, before the term ends) the year's increase is placed by a new
 *   decision, as a new workload: a renewal-like choice (no defer option,
 *   switching cost off the home cloud, vendor incumbency), whose first
 *   offer gets the new money. The expansion co-terminates with the
 *   commitment, as EDP/MACC amendments do;
 * - a renewal re-decides the whole, grown budget.
 * So new money goes where buyers prefer at the time it appears, and shares
 * can move between renewals. Shrinking budgets (g < 0) cut every held
 * offer pro rata, with no decision.
 *
 * With g = 0 nothing here runs: no anniversary is scheduled, no draw is
 * taken, and the model is exactly the fixed-budget one. While committed,
 * a growing buyer's `since` holds its commitment's end month (a float:
 * the expiry after the last anniversary lands on it to ~1e-5 months).
 */
#include <math.h>

#include "market_internal.h"

#define YEAR 12.0
/* in months: `since` is a float, so an anniversary computed from it can
 * sit ~1e-5 months off the one it was scheduled from */
#define EPS 1e-3

static double growth(const mk_market *m, const mk_buyer *b)
{
    return m->sc->segments[b->segment].growth;
}

/* The first anniversary after `now` of a commitment ending at `end`. */
static double next_anniversary(const mk_market *m, double now, double end)
{
    double start = end - m->sc->decision.term_months;
    return start + YEAR * (floor((now - start + EPS) / YEAR) + 1.0);
}

ms_status mk_schedule_term(mk_market *m, uint32_t id, double now, double end)
{
    mk_buyer *b = &m->buyers[id];
    if (growth(m, b) == 0.0)
        return mk_schedule_buyer(m, end, MK_EV_EXPIRY, id, 0);
    b->since = (float)end;
    double next = next_anniversary(m, now, end);
    if (next < end - EPS)
        return mk_schedule_buyer(m, next, MK_EV_EXPAND, id, 0);
    return mk_schedule_buyer(m, end, MK_EV_EXPIRY, id, 0);
}

void mk_growth_adopt(mk_market *m, mk_buyer *b, double now)
{
    double g = growth(m, b);
    if (g != 0.0 && b->n_held == 0) /* never committed: still its month-0 draw */
        b->spend = (float)(b->spend * pow(1.0 + g, now / YEAR));
}

void mk_growth_renew(mk_market *m, mk_buyer *b, double now)
{
    double g = growth(m, b);
    if (g == 0.0)
        return;
    /* the budget last grew at the last anniversary before the end (or at
     * the start, or at month 0 for a month-0 commitment) */
    double end = b->since, term = m->sc->decision.term_months;
    double last = end - term + YEAR * floor((term - EPS) / YEAR);
    if (last < 0.0)
        last = 0.0;
    b->spend = (float)(b->spend * pow(1.0 + g, (now - last) / YEAR));
}

static int vendor_of(const mk_market *m, int offer)
{
    return m->sc->products[m->off[offer].product].vendor;
}

/* Adds `add` ($M/yr) to the buyer's holdings: on `offer` if held or if the
 * buyer may hold one more offer (multihoming_cap), else on its held offer
 * of the same vendor, else on its primary; offer < 0 spreads it pro rata. */
static void place(mk_market *m, mk_buyer *b, int offer, double add)
{
    double amt[MK_MAX_HOLD], spend = b->spend;
    int cap = m->sc->segments[b->segment].multihoming_cap, at = -1;
    cap = cap < MK_MAX_HOLD ? cap : MK_MAX_HOLD;
    for (int k = 0; k < b->n_held; k++) {
        amt[k] = spend * (b->weight[k] / MK_WEIGHT_ONE);
        if (b->offer[k] == offer)
            at = k;
    }
    if (offer >= 0 && at < 0 && b->n_held < cap) {
        at = b->n_held++;
        b->offer[at] = (uint16_t)offer;
        amt[at] = 0.0;
    }
    for (int k = 0; offer >= 0 && at < 0 && k < b->n_held; k++)
        if (vendor_of(m, b->offer[k]) == vendor_of(m, offer))
            at = k;
    if (offer >= 0 && at < 0)
        at = 0;
    double total = spend + add;
    for (int k = 0; k < b->n_held; k++) {
        double a = at < 0 ? amt[k] * total / spend : amt[k] + (k == at ? add : 0.0);
        b->weight[k] = (uint16_t)lround(a / total * MK_WEIGHT_ONE);
    }
    b->spend = (float)total;
}

ms_status mk_buyers_on_expand(ms_engine *eng, void *model, const ms_event *ev)
{
    mk_market *m = model;
    uint32_t id = ev->target;
    mk_buyer *b = &m->buyers[id];
    double now = ms_engine_now(eng);
    ms_status orphan;
    if (mk_buyers_orphan_event(m, id, now, &orphan))
        return orphan; /* a forced migration left it nothing */
    /* a month-0 commitment's first anniversary covers the time since month 0 */
    double years = (now < YEAR ? now : YEAR) / YEAR;
    double add = b->spend * (pow(1.0 + growth(m, b), years) - 1.0);
    int offer = -1;
    if (add > 0.0) {
        mk_choice ch;
        mk_decide(m, id, 0, 0, &ch);
        m->res->decisions++;
        offer = ch.deferred ? -1 : ch.offer[0];
    }
    mk_commit(m, b, -1);
    place(m, b, offer, add);
    mk_commit(m, b, +1);
    return mk_schedule_term(m, id, now, b->since);
}
