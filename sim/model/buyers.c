/* buyers.c - the buyers: initial state, and the four buyer events
 * (procurement trigger, end of evaluation, deferral review, commitment
 * expiry) that move a buyer through IDLE -> EVALUATING -> DEFERRED ->
 * COMMITTED.
 *
 * Each buyer has exactly one pending event. A buyer's draws come from its
 * own stream {seed, replication, BUYER, id} at its stored position, so they
 * never depend on other buyers (common random numbers across scenarios).
 * Aggregates change only here, through set_state and mk_commit, so the
 * monthly snapshot never scans the buyers.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "marketsim/rng.h"

#include "market_internal.h"

void mk_seek(mk_market *m, uint32_t id)
{
    ms_stream_id sid = {m->sc->seed, m->rep, MK_PURPOSE_BUYER, id};
    ms_rng_seek(m->rng, sid, m->buyers[id].draws);
}

static void save_position(mk_market *m, uint32_t id)
{
    m->buyers[id].draws = (uint32_t)ms_rng_position(m->rng);
}

static void set_state(mk_market *m, mk_buyer *b, int state)
{
    assert(state >= 0 && state < MK_STATE_COUNT);
    m->seg_state[b->segment][b->state]--;
    m->seg_state[b->segment][state]++;
    b->state = (uint8_t)state;
    mk_assert_counts(m, b->segment);
}

static int64_t held_amount(const mk_buyer *b, int k)
{
    return llround((double)b->spend * (b->weight[k] / MK_WEIGHT_ONE) * MK_SPEND_UNIT);
}

/* Adds (sign +1) or removes (sign -1) the buyer's commitment from every
 * aggregate it feeds. Both directions read the same stored numbers. */
void mk_commit(mk_market *m, mk_buyer *b, int sign)
{
    assert((sign == 1 || sign == -1) && b->n_held >= 1 && b->n_held <= MK_MAX_HOLD);
    uint32_t clouds = 0;
    for (int k = 0; k < b->n_held; k++) {
        mk_offer *o = &m->off[b->offer[k]];
        assert(b->offer[k] < m->n_off);
        o->spend += sign * held_amount(b, k);
        o->contracts += sign;
        assert(o->spend >= 0 && o->contracts >= 0); /* removed as added: never negative */
        clouds |= 1u << o->cloud;
    }
    m->cloud_primary[m->off[b->offer[0]].cloud] += sign;
    assert(m->cloud_primary[m->off[b->offer[0]].cloud] >= 0);
    if (clouds & (clouds - 1u))
        m->seg_multi[b->segment] += sign;
    assert(m->seg_multi[b->segment] >= 0);
}

static ms_status schedule(mk_market *m, double time, uint32_t type, uint32_t id, uint64_t data)
{
    return mk_schedule_buyer(m, time, type, id, data);
}

/* Next candidate trigger: a Poisson stream at the hazard's ceiling p + q,
 * thinned at the event (mk_buyers_on_trigger). */
static ms_status next_trigger(mk_market *m, uint32_t id, double now)
{
    const ms_decision *d = &m->sc->decision;
    double rate = (d->bass_p + d->bass_q) / 12.0; /* per month */
    if (rate <= 0.0)
        return MS_OK;
    return schedule(m, now + gsl_ran_exponential(m->rng, 1.0 / rate), MK_EV_TRIGGER, id, 0);
}

ms_status mk_buyers_on_trigger(ms_engine *eng, void *model, const ms_event *ev)
{
    mk_market *m = model;
    uint32_t id = ev->target;
    mk_buyer *b = &m->buyers[id];
    const ms_scenario *sc = m->sc;
    const ms_decision *d = &sc->decision;
    double now = ms_engine_now(eng);
    int s = b->segment;
    mk_seek(m, id);
    double adopted = (double)m->seg_state[s][MK_COMMITTED] / (double)m->seg_count[s];
    double h = d->bass_p + d->bass_q * adopted;
    ms_status st;
    if (gsl_rng_uniform(m->rng) * (d->bass_p + d->bass_q) < h) {
        const ms_segment *seg = &sc->segments[s];
        double median = seg->eval_months * (seg->regulated ? d->regulated_eval_multiplier : 1.0);
        double t =
            gsl_ran_lognormal(m->rng, log(median), d->eval_sigma) + seg->authorization_months;
        set_state(m, b, MK_EVALUATING);
        st = schedule(m, now + t, MK_EV_EVAL_DONE, id, 0);
    } else {
        st = next_trigger(m, id, now);
    }
    save_position(m, id);
    return st;
}

/* Capacity counts new commitments per calendar month. The counters are
 * reset here, lazily, on the first check of a new month: a queued buyer
 * retries exactly at the month boundary, before that month's snapshot. */
static int over_capacity(mk_market *m, int cloud, double now)
{
    int month = (int)floor(now);
    if (month != m->cap_month) {
        memset(m->cap_used, 0, sizeof m->cap_used);
        m->cap_month = month;
    }
    double cap = m->cap_zero[cloud] ? 0.0 : m->sc->clouds[cloud].capacity * m->cap_mult[cloud];
    return m->sc->clouds[cloud].capacity > 0.0 && (double)m->cap_used[cloud] >= cap;
}

static void hold(mk_market *m, mk_buyer *b, const mk_choice *ch)
{
    b->n_held = (uint8_t)ch->n;
    for (int k = 0; k < ch->n; k++) {
        b->offer[k] = ch->offer[k];
        b->weight[k] = (uint16_t)lround(ch->weight[k] * MK_WEIGHT_ONE);
    }
    b->home = (uint8_t)m->off[ch->offer[0]].cloud;
    mk_commit(m, b, +1);
}

/* A new procurement decision (end of evaluation, review, queue retry). */
static ms_status procure(mk_market *m, uint32_t id, double now)
{
    mk_buyer *b = &m->buyers[id];
    mk_choice ch;
    mk_decide(m, id, 1, 0, &ch);
    m->res->decisions++;
    m->seg_decisions[b->segment]++;
    if (ch.deferred) {
        m->seg_deferrals[b->segment]++;
        if (b->state != MK_DEFERRED) {
            b->since = (float)now;
            set_state(m, b, MK_DEFERRED);
        }
        return schedule(m, now + m->sc->decision.defer_review_months, MK_EV_REVIEW, id, 0);
    }
    int cloud = m->off[ch.offer[0]].cloud;
    if (over_capacity(m, cloud, now)) { /* queue: try again next month */
        if (b->state != MK_EVALUATING)
            set_state(m, b, MK_EVALUATING);
        return schedule(m, floor(now) + 1.0, MK_EV_EVAL_DONE, id, 1);
    }
    m->cap_used[cloud]++;
    mk_growth_adopt(m, b, now);
    hold(m, b, &ch);
    set_state(m, b, MK_COMMITTED);
    return mk_schedule_term(m, id, now, now + m->sc->decision.term_months);
}

ms_status mk_buyers_on_eval(ms_engine *eng, void *model, const ms_event *ev)
{
    return procure(model, ev->target, ms_engine_now(eng));
}

ms_status mk_buyers_on_review(ms_engine *eng, void *model, const ms_event *ev)
{
    return procure(model, ev->target, ms_engine_now(eng));
}

/* Renewal or switch: re-decide with incumbency, without the defer option
 * (a running workload is not switched off to wait). */
ms_status mk_buyers_on_expiry(ms_engine *eng, void *model, const ms_event *ev)
{
    mk_market *m = model;
    uint32_t id = ev->target;
    mk_buyer *b = &m->buyers[id];
    double now = ms_engine_now(eng);
    ms_status orphan;
    if (mk_buyers_orphan_event(m, id, now, &orphan))
        return orphan;
    int old_cloud = m->off[b->offer[0]].cloud;
    int old_vendor = m->sc->products[m->off[b->offer[0]].product].vendor;
    mk_choice ch;
    mk_decide(m, id, 0, 0, &ch);
    m->res->decisions++;
    if (ch.deferred) { /* nothing feasible any more: the buyer drops out */
        mk_commit(m, b, -1);
        set_state(m, b, MK_IDLE);
        mk_seek(m, id);
        ms_status st = next_trigger(m, id, now);
        save_position(m, id);
        return st;
    }
    int cloud = m->off[ch.offer[0]].cloud;
    if (cloud != old_cloud) {
        if (over_capacity(m, cloud, now)) /* keep the old contract a month more */
            return schedule(m, floor(now) + 1.0, MK_EV_EXPIRY, id, 0);
        m->cap_used[cloud]++;
        m->cloud_switches++;
    }
    if (m->sc->products[m->off[ch.offer[0]].product].vendor != old_vendor)
        m->vendor_switches++;
    mk_commit(m, b, -1);
    mk_growth_renew(m, b, now);
    hold(m, b, &ch);
    return mk_schedule_term(m, id, now, now + m->sc->decision.term_months);
}

int mk_buyers_orphan_event(mk_market *m, uint32_t id, double now, ms_status *st)
{
    if (m->buyers[id].state == MK_COMMITTED)
        return 0;
    mk_seek(m, id);
    *st = next_trigger(m, id, now);
    save_position(m, id);
    return 1;
}

/* Drops the held offers in `gone` (a bitmask over held slots), keeping the
 * others' shares of spend in proportion. The primary slot stays first. */
static void drop_held(mk_market *m, mk_buyer *b, unsigned gone)
{
    double w[MK_MAX_HOLD], z = 0.0;
    int n = 0;
    mk_commit(m, b, -1);
    for (int k = 0; k < b->n_held; k++) {
        if ((gone >> k) & 1u)
            continue;
        b->offer[n] = b->offer[k];
        w[n] = b->weight[k];
        z += w[n++];
    }
    for (int k = 0; k < n; k++) /* z = 0 only if every weight rounded to 0 */
        b->weight[k] = (uint16_t)lround((z > 0.0 ? w[k] / z : 1.0 / n) * MK_WEIGHT_ONE);
    b->n_held = (uint8_t)n;
    mk_commit(m, b, +1);
}

/* A forced migration's decision: a renewal, now, without the ended offer
 * (it is blocked), keeping the buyer's pending expiry: the new commitment
 * co-terminates with the one it replaces. Nothing feasible: the buyer drops
 * out, and its pending expiry or anniversary becomes its next trigger. */
static void force_move(mk_market *m, uint32_t id, double now)
{
    mk_buyer *b = &m->buyers[id];
    int old_cloud = m->off[b->offer[0]].cloud;
    int old_vendor = m->sc->products[m->off[b->offer[0]].product].vendor;
    mk_choice ch;
    mk_decide(m, id, 0, 1, &ch);
    m->res->decisions++;
    m->forced_moves++;
    mk_commit(m, b, -1);
    if (ch.deferred) {
        set_state(m, b, MK_IDLE);
        return;
    }
    int cloud = m->off[ch.offer[0]].cloud;
    if (cloud != old_cloud) {
        over_capacity(m, cloud, now); /* counted; a forced move cannot wait */
        m->cap_used[cloud]++;
        m->cloud_switches++;
    }
    if (m->sc->products[m->off[ch.offer[0]].product].vendor != old_vendor)
        m->vendor_switches++;
    hold(m, b, &ch);
}

/* Held slots of b whose offer is in the terminated set. */
static unsigned ended_slots(const mk_buyer *b, const uint8_t *ended)
{
    unsigned gone = 0;
    for (int k = 0; k < b->n_held; k++)
        if (ended[b->offer[k]])
            gone |= 1u << k;
    return gone;
}

/* The migration window after a terminating regime's switch is over: every
 * commitment still holding an offer its terminating rules block ends. A
 * terminated primary offer means a forced decision; terminated secondary
 * offers end alone. One `forced_migration` row per product (buyers). */
ms_status mk_buyers_on_migrate(ms_engine *eng, void *model, const ms_event *ev)
{
    mk_market *m = model;
    const ms_scenario *sc = m->sc;
    double now = ms_engine_now(eng);
    uint8_t ended[MK_MAX_OFFERS] = {0};
    int64_t count[MS_MAX_PRODUCTS] = {0};
    int any = 0;
    for (int i = 0; i < m->n_off; i++) {
        const mk_offer *o = &m->off[i];
        const ms_rule *r = ms_scenario_rule_for(sc, (int)ev->data, o->product, o->cloud);
        ended[i] = r && r->terminate && o->state == MS_OFFER_BLOCKED; /* still blocked */
        any |= ended[i];
    }
    for (int64_t i = 0; any && i < m->n_buyers; i++) {
        mk_buyer *b = &m->buyers[i];
        unsigned gone = b->state == MK_COMMITTED ? ended_slots(b, ended) : 0u;
        if (!gone)
            continue;
        for (int k = 0; k < b->n_held; k++)
            if ((gone >> k) & 1u)
                count[m->off[b->offer[k]].product]++;
        if (gone & 1u)
            force_move(m, (uint32_t)i, now);
        else
            drop_held(m, b, gone);
    }
    for (int p = 0; p < sc->n_products; p++) {
        char detail[32];
        snprintf(detail, sizeof detail, "%lld", (long long)count[p]);
        if (count[p] > 0)
            mk_event_row(m, "forced_migration", sc->products[p].id, detail);
    }
    return MS_OK;
}
