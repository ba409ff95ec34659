/* metrics.c - monthly snapshots, event rows and the per-replication
 * metrics of docs/model.md.
 *
 * A snapshot reads only the incremental aggregates (per offer, cloud and
 * segment), never the buyers: its cost is O(offers + clouds + segments).
 * Routed offers split their spend between the hosting cloud and the
 * routing cloud as the regime in force says at the snapshot. Metrics use
 * docs/outputs.md's names and subjects exactly; a metric with no denominator in a
 * replication (e.g. resolution_months when unresolved) is left out.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "market_internal.h"

static void fail(mk_market *m)
{
    if (m->fail == MS_OK)
        m->fail = MS_ENOMEM;
    ms_engine_stop(m->eng);
}

ms_status mk_metrics_alloc(mk_market *m)
{
    const ms_scenario *sc = m->sc;
    size_t months = (size_t)(sc->horizon_months > 0 ? sc->horizon_months : 0) + 1;
    ms_market_result *res = m->res;
    res->market = calloc(months * (size_t)sc->n_clouds + 1, sizeof *res->market);
    res->segments = calloc(months * (size_t)sc->n_segments + 1, sizeof *res->segments);
    m->cap_products = months * (size_t)(sc->n_products * sc->n_clouds) + 1;
    res->products = calloc(m->cap_products, sizeof *res->products);
    m->cap_events = 64;
    res->events = calloc(m->cap_events, sizeof *res->events);
    if (!res->market || !res->segments || !res->products || !res->events)
        return MS_ENOMEM;
    return MS_OK;
}

void mk_event_row(mk_market *m, const char *event, const char *subject, const char *detail)
{
    ms_market_result *res = m->res;
    if (m->fail != MS_OK)
        return;
    if (res->n_events == m->cap_events) {
        ms_event_row *grown = realloc(res->events, 2 * m->cap_events * sizeof *grown);
        if (!grown) {
            fail(m);
            return;
        }
        res->events = grown;
        m->cap_events *= 2;
    }
    ms_event_row *r = &res->events[res->n_events++];
    memset(r, 0, sizeof *r); /* no stray bytes: results compare bytewise */
    r->time = ms_engine_now(m->eng);
    snprintf(r->event, sizeof r->event, "%s", event);
    snprintf(r->subject, sizeof r->subject, "%s", subject);
    snprintf(r->detail, sizeof r->detail, "%s", detail);
}

/* Spend landing on each cloud (routing applied) and product; returns the total. */
static double spend_split(const mk_market *m, double *cloud, double *product)
{
    double total = 0.0;
    for (int c = 0; c < m->sc->n_clouds; c++)
        cloud[c] = 0.0;
    for (int p = 0; p < m->sc->n_products; p++)
        product[p] = 0.0;
    for (int i = 0; i < m->n_off; i++) {
        const mk_offer *o = &m->off[i];
        double s = (double)o->spend / MK_SPEND_UNIT;
        if (s <= 0.0)
            continue;
        if (o->state == MS_OFFER_ROUTED && o->route_cloud >= 0) {
            cloud[o->route_cloud] += s * o->route_share;
            cloud[o->cloud] += s * (1.0 - o->route_share);
        } else {
            cloud[o->cloud] += s;
        }
        product[o->product] += s;
        total += s;
    }
    return total;
}

static int64_t adopted_total(const mk_market *m)
{
    int64_t a = 0;
    for (int s = 0; s < m->sc->n_segments; s++)
        a += m->seg_state[s][MK_COMMITTED];
    return a;
}

static void market_rows(mk_market *m, int month, const double *cloud, double total)
{
    double adopted = (double)adopted_total(m);
    for (int c = 0; c < m->sc->n_clouds; c++) {
        ms_market_row *r = &m->res->market[m->res->n_market++];
        r->month = month;
        r->cloud = c;
        r->buyers = (double)m->cloud_primary[c];
        r->spend = cloud[c];
        r->share_spend = total > 0.0 ? cloud[c] / total : 0.0;
        r->share_buyers = adopted > 0.0 ? r->buyers / adopted : 0.0;
    }
}

static void other_rows(mk_market *m, int month)
{
    ms_market_result *res = m->res;
    for (int i = 0; i < m->n_off && res->n_products < m->cap_products; i++) {
        const mk_offer *o = &m->off[i];
        if (o->contracts <= 0)
            continue;
        ms_product_row *r = &res->products[res->n_products++];
        r->month = month;
        r->product = o->product;
        r->cloud = o->cloud;
        r->contracts = (double)o->contracts;
        r->spend = (double)o->spend / MK_SPEND_UNIT;
    }
    for (int s = 0; s < m->sc->n_segments; s++) {
        ms_segment_row *r = &res->segments[res->n_segments++];
        r->month = month;
        r->segment = s;
        r->buyers = (double)m->seg_count[s];
        r->adopted = (double)m->seg_state[s][MK_COMMITTED];
        r->deferred = (double)m->seg_state[s][MK_DEFERRED];
        r->multicloud = (double)m->seg_multi[s];
    }
}

/* O(segments) self-check: every buyer is in exactly one state. */
static int counts_consistent(const mk_market *m)
{
    for (int s = 0; s < m->sc->n_segments; s++) {
        int64_t sum = 0;
        for (int k = 0; k < MK_STATE_COUNT; k++)
            sum += m->seg_state[s][k];
        if (sum != m->seg_count[s] || m->seg_multi[s] > m->seg_state[s][MK_COMMITTED])
            return 0;
    }
    return 1;
}

ms_status mk_metrics_on_snapshot(ms_engine *eng, void *model, const ms_event *ev)
{
    mk_market *m = model;
    int month = (int)ev->data;
    if (!counts_consistent(m))
        return MS_ESTATE;
    double cloud[MS_MAX_CLOUDS], product[MS_MAX_PRODUCTS];
    double total = spend_split(m, cloud, product);
    market_rows(m, month, cloud, total);
    other_rows(m, month);
    double share[MS_MAX_PRODUCTS];
    for (int p = 0; p < m->sc->n_products; p++)
        share[p] = total > 0.0 ? product[p] / total : 0.0;
    if (month > 0)
        m->adopted_months += (double)adopted_total(m);
    /* the tables read the shares (momentum): stale only if a bit moved */
    size_t bytes = (size_t)m->sc->n_products * sizeof share[0];
    if (memcmp(share, m->prod_share, bytes) != 0) {
        memcpy(m->prod_share, share, bytes);
        m->dirty = MK_DIRTY_ALL;
    }
    if (month >= m->sc->horizon_months)
        return MS_OK;
    return ms_engine_schedule_at(eng, month + 1.0, MK_EV_SNAPSHOT, MK_PRIO_SNAPSHOT, 0,
                                 (uint64_t)(month + 1), NULL);
}
