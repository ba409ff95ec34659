/* calendar.c - time buckets in front of the engine's queue for buyer
 * events.
 *
 * Every buyer always has one pending event, most of them months or years
 * ahead (expiries, candidate triggers). Holding a million of them in the
 * engine's heap makes every push and pop walk a heap far larger than the
 * cache. Instead, time is cut into slots of 1/MK_SLOTS month (a power of
 * two, so slot boundaries are exact doubles); an event due in a later slot
 * than the current one goes into that slot's bucket (a plain array), and at
 * the start of slot k a flush event (priority WORLD, so before any buyer
 * event at that time) pushes bucket k into the engine. The heap then holds
 * about one slot of events.
 *
 * Invariants: bucket k is flushed at time k / MK_SLOTS, before any event at
 * a later time runs; an event scheduled at time t from time now goes to the
 * engine directly iff slot(t) <= slot(now) (its bucket was already flushed,
 * or, before the run, it is due in slot 0). Order stays deterministic: a bucket is pushed
 * in insertion order. Events after the horizon are dropped (never run).
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "market_internal.h"

/* Bucket index of a time: MK_SLOTS buckets a month. */
static int slot_of(double time)
{
    return (int)floor(time * MK_SLOTS);
}

ms_status mk_calendar_init(mk_market *m)
{
    int slots = m->sc->horizon_months * MK_SLOTS + 1;
    m->buckets = calloc((size_t)slots, sizeof *m->buckets);
    if (!m->buckets)
        return MS_ENOMEM;
    m->n_buckets = slots;
    if (slots < 2)
        return MS_OK;
    return ms_engine_schedule_at(m->eng, 1.0 / MK_SLOTS, MK_EV_FLUSH, MK_PRIO_WORLD, 0, 1, NULL);
}

void mk_calendar_fini(mk_market *m)
{
    for (int k = 0; m->buckets && k < m->n_buckets; k++)
        if (m->buckets[k].items) /* flushed ones are empty: no call per slot */
            free(m->buckets[k].items);
    free(m->buckets);
    m->buckets = NULL;
}

static ms_status bucket_push(mk_bucket *b, double time, uint32_t type, uint32_t id, uint64_t data)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        mk_pending *grown = realloc(b->items, cap * sizeof *grown);
        if (!grown)
            return MS_ENOMEM;
        b->items = grown;
        b->cap = cap;
    }
    mk_pending *p = &b->items[b->n++];
    p->time = time;
    p->id = id;
    p->what = (type << 1) | (uint32_t)(data & 1u);
    return MS_OK;
}

ms_status mk_schedule_buyer(mk_market *m, double time, uint32_t type, uint32_t id, uint64_t data)
{
    /* a bucketed event keeps one bit of data (mk_pending.what) */
    assert(id < (uint64_t)m->n_buyers && data <= 1);
    if (time > (double)m->sc->horizon_months)
        return MS_OK; /* would never run */
    int slot = slot_of(time);
    if (slot <= slot_of(ms_engine_now(m->eng)))
        return ms_engine_schedule_at(m->eng, time, type, MK_PRIO_BUYER, id, data, NULL);
    return bucket_push(&m->buckets[slot], time, type, id, data);
}

ms_status mk_calendar_on_flush(ms_engine *eng, void *model, const ms_event *ev)
{
    mk_market *m = model;
    int slot = (int)ev->data;
    /* flushed at its slot's start, before any event of a later slot ran */
    assert(slot > 0 && slot < m->n_buckets && ms_engine_now(eng) == (double)slot / MK_SLOTS);
    mk_bucket *b = &m->buckets[slot];
    ms_status st = MS_OK;
    /* Touch the slot's buyers now, in one loop of independent loads the
     * CPU overlaps, so their events later hit the cache instead of each
     * waiting for memory in turn (a portable prefetch). */
    unsigned touch = 0;
    for (size_t i = 0; i < b->n; i++)
        touch += m->buyers[b->items[i].id].state;
    m->touch += touch;
    for (size_t i = 0; i < b->n && st == MS_OK; i++)
        st = ms_engine_schedule_at(eng, b->items[i].time, b->items[i].what >> 1, MK_PRIO_BUYER,
                                   b->items[i].id, b->items[i].what & 1u, NULL);
    free(b->items);
    b->items = NULL;
    b->n = b->cap = 0;
    if (st != MS_OK || slot + 1 >= m->n_buckets)
        return st;
    return ms_engine_schedule_at(eng, (slot + 1.0) / MK_SLOTS, MK_EV_FLUSH, MK_PRIO_WORLD, 0,
                                 (uint64_t)(slot + 1), NULL);
}
