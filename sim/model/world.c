/* world.c - the regime schedule, product launches and the exogenous events
 * (price changes, model releases, partnerships, outages, capacity shocks,
 * clarifying statements, launches).
 *
 * World events fire before buyer events at the same time (priority), so a
 * decision at month t sees every change dated t. Each change marks the
 * decision tables dirty; nothing here touches buyers. Event data: an index
 * into sc->events, or MS_MAX_EVENTS + product for a scheduled launch. An
 * event with `after` is scheduled only when the dispute reaches that
 * state (mk_world_dispute_reached), `month` after it.
 */
#include <stdio.h>

#include "market_internal.h"

/* A regime with a terminating rule ends the contracts holding the offers
 * it blocks decision.migration_months after it comes into force
 * (mk_buyers_on_migrate); a failure to schedule is kept in m->fail. */
static void schedule_migration(mk_market *m, int regime)
{
    const ms_regime *rg = &m->sc->regimes[regime];
    double at = ms_engine_now(m->eng) + m->sc->decision.migration_months;
    int terminating = 0;
    for (int i = 0; i < rg->n_rules; i++)
        terminating |= rg->rules[i].terminate;
    if (!terminating || at > m->sc->horizon_months)
        return;
    ms_status st =
        ms_engine_schedule_at(m->eng, at, MK_EV_MIGRATE, MK_PRIO_WORLD, 0, (uint64_t)regime, NULL);
    if (st != MS_OK && m->fail == MS_OK)
        m->fail = st;
}

void mk_switch_regime(mk_market *m, int regime, const char *why)
{
    if (regime < 0 || regime >= m->sc->n_regimes)
        return;
    m->regime = regime;
    mk_event_row(m, "regime_change", m->sc->regimes[regime].id, why);
    mk_offers_apply_regime(m);
    schedule_migration(m, regime);
}

/* Event names as events.csv spells them (indexed by ms_exo_type). */
static const char *const exo_names[MS_EXO_COUNT] = {
    "price_change",   "model_release",        "partnership", "outage",
    "capacity_shock", "clarifying_statement", "launch"};

static ms_status at(mk_market *m, double month, uint32_t type, uint64_t data)
{
    return ms_engine_schedule_at(m->eng, month > 0.0 ? month : 0.0, type, MK_PRIO_WORLD, 0, data,
                                 NULL);
}

ms_status mk_world_start(mk_market *m)
{
    const ms_scenario *sc = m->sc;
    double horizon = sc->horizon_months;
    ms_status st = MS_OK;
    m->regime = sc->initial_regime;
    m->uncertainty_mult = 1.0;
    for (int c = 0; c < sc->n_clouds; c++)
        m->cap_mult[c] = 1.0;
    for (int p = 0; p < sc->n_products; p++) {
        m->quality[p] = sc->products[p].quality;
        m->launched[p] = sc->products[p].launch_month <= 0;
        if (!m->launched[p] && sc->products[p].launch_month <= horizon && st == MS_OK)
            st = at(m, sc->products[p].launch_month, MK_EV_EXO, MS_MAX_EVENTS + (uint64_t)p);
    }
    for (int i = 0; i < sc->n_schedule && st == MS_OK; i++) {
        if (sc->schedule[i].month <= 0.0)
            m->regime = sc->schedule[i].regime; /* in force at month 0 */
        else if (sc->schedule[i].month <= horizon)
            st = at(m, sc->schedule[i].month, MK_EV_REGIME, (uint64_t)i);
    }
    for (int i = 0; i < sc->n_events && st == MS_OK; i++)
        if (sc->events[i].after <= MS_DEV_NONE && sc->events[i].month <= horizon)
            st = at(m, sc->events[i].month, MK_EV_EXO, (uint64_t)i);
    mk_offers_apply_regime(m);
    return st;
}

/* The dispute reached `dev`: the events that follow it are scheduled
 * `month` later. Each dispute event happens at most once a replication, so
 * each of these fires at most once. */
ms_status mk_world_dispute_reached(mk_market *m, ms_dispute_event dev)
{
    const ms_scenario *sc = m->sc;
    double now = ms_engine_now(m->eng);
    ms_status st = MS_OK;
    for (int i = 0; i < sc->n_events && st == MS_OK; i++)
        if (sc->events[i].after == (int)dev && now + sc->events[i].month <= sc->horizon_months)
            st = at(m, now + sc->events[i].month, MK_EV_EXO, (uint64_t)i);
    return st;
}

ms_status mk_world_on_regime(ms_engine *eng, void *model, const ms_event *ev)
{
    mk_market *m = model;
    (void)eng;
    mk_switch_regime(m, m->sc->schedule[ev->data].regime, "schedule");
    return MS_OK;
}

static const char *subject_of(const ms_scenario *sc, const ms_exo_event *e)
{
    if (e->product >= 0)
        return sc->products[e->product].id;
    if (e->vendor >= 0)
        return sc->vendors[e->vendor].id;
    if (e->cloud >= 0)
        return sc->clouds[e->cloud].id;
    return "all";
}

static int product_matches(const ms_scenario *sc, const ms_exo_event *e, int p)
{
    return (e->product == MS_ANY || e->product == p) &&
           (e->vendor == MS_ANY || e->vendor == sc->products[p].vendor);
}

static void apply_offers(mk_market *m, const ms_exo_event *e)
{
    for (int i = 0; i < m->n_off; i++) {
        mk_offer *o = &m->off[i];
        if (!product_matches(m->sc, e, o->product) || (e->cloud != MS_ANY && e->cloud != o->cloud))
            continue;
        if (e->type == MS_EXO_PRICE_CHANGE)
            o->price_mult *= e->value;
        else if (e->type == MS_EXO_PARTNERSHIP)
            o->offered = 1;
    }
}

static void apply_clouds(mk_market *m, const ms_exo_event *e, int sign)
{
    for (int c = 0; c < m->sc->n_clouds; c++) {
        if (e->cloud != MS_ANY && e->cloud != c)
            continue;
        if (e->type == MS_EXO_OUTAGE)
            m->outage[c] += sign * e->value;
        else if (e->value == 0.0) /* a shock to zero: counted, so it can end */
            m->cap_zero[c] += sign;
        else
            m->cap_mult[c] = (sign > 0) ? m->cap_mult[c] * e->value : m->cap_mult[c] / e->value;
    }
}

static void apply_products(mk_market *m, const ms_exo_event *e)
{
    for (int p = 0; p < m->sc->n_products; p++) {
        if (!product_matches(m->sc, e, p))
            continue;
        if (e->type == MS_EXO_LAUNCH) {
            m->launched[p] = 1;
            continue;
        }
        double q = m->quality[p] + e->value;
        m->quality[p] = q < 0.0 ? 0.0 : q > 1.0 ? 1.0 : q;
    }
}

static ms_status exo_apply(mk_market *m, const ms_exo_event *e)
{
    char detail[96];
    snprintf(detail, sizeof detail, "value=%g duration=%g", e->value, e->duration);
    mk_event_row(m, exo_names[e->type], subject_of(m->sc, e), detail);
    switch (e->type) {
    case MS_EXO_PRICE_CHANGE:
    case MS_EXO_PARTNERSHIP:
        apply_offers(m, e);
        break;
    case MS_EXO_MODEL_RELEASE:
    case MS_EXO_LAUNCH:
        apply_products(m, e);
        break;
    case MS_EXO_OUTAGE:
    case MS_EXO_CAPACITY_SHOCK:
        apply_clouds(m, e, +1);
        break;
    case MS_EXO_CLARIFYING_STATEMENT:
        m->uncertainty_mult *= e->value;
        mk_offers_apply_regime(m); /* sigma on disputed offers changes */
        break;
    default:
        break;
    }
    m->dirty = MK_DIRTY_ALL;
    int temporary = e->type == MS_EXO_OUTAGE || e->type == MS_EXO_CAPACITY_SHOCK;
    if (temporary && e->duration > 0.0)
        return ms_engine_schedule_in(m->eng, e->duration, MK_EV_EXO_END, MK_PRIO_WORLD, 0,
                                     (uint64_t)(e - m->sc->events), NULL);
    return MS_OK;
}

ms_status mk_world_on_exo(ms_engine *eng, void *model, const ms_event *ev)
{
    mk_market *m = model;
    (void)eng;
    if (ev->data >= MS_MAX_EVENTS) { /* a product's configured launch month */
        int p = (int)(ev->data - MS_MAX_EVENTS);
        m->launched[p] = 1;
        m->dirty = MK_DIRTY_ALL;
        mk_event_row(m, "launch", m->sc->products[p].id, "launch_month");
        return MS_OK;
    }
    return exo_apply(m, &m->sc->events[ev->data]);
}

ms_status mk_world_on_exo_end(ms_engine *eng, void *model, const ms_event *ev)
{
    mk_market *m = model;
    const ms_exo_event *e = &m->sc->events[ev->data];
    char name[32];
    (void)eng;
    apply_clouds(m, e, -1);
    m->dirty = MK_DIRTY_ALL;
    snprintf(name, sizeof name, "%s_end", exo_names[e->type]);
    mk_event_row(m, name, subject_of(m->sc, e), "");
    return MS_OK;
}
