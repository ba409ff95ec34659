/* engine.c - the discrete-event loop: clock, queue, handler table.
 *
 * Invariant: the clock never goes backwards; every event popped has
 * time >= now (scheduling into the past is refused). The engine holds no
 * random state and no model knowledge: handlers receive the model pointer
 * given at creation and the event record by const pointer.
 */
#include "marketsim/engine.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ms_engine {
    ms_eventq *q;
    void *model;
    double now;
    uint64_t events;
    uint64_t trace_hash; /* running hash of (time, type, target), see fold() */
    int stop;
    ms_handler_fn handlers[MS_ENGINE_MAX_TYPES];
};

ms_engine *ms_engine_create(void *model, size_t capacity)
{
    ms_engine *eng = calloc(1, sizeof *eng);
    if (!eng)
        return NULL;
    eng->q = ms_eventq_create(capacity);
    if (!eng->q) {
        free(eng);
        return NULL;
    }
    eng->model = model;
    return eng;
}

void ms_engine_destroy(ms_engine *eng)
{
    if (!eng)
        return;
    ms_eventq_destroy(eng->q);
    free(eng);
}

ms_status ms_engine_on(ms_engine *eng, uint32_t type, ms_handler_fn fn)
{
    if (type >= MS_ENGINE_MAX_TYPES)
        return MS_EINVAL;
    eng->handlers[type] = fn;
    return MS_OK;
}

ms_status ms_engine_schedule_at(ms_engine *eng, double time, uint32_t type, uint16_t priority,
                                uint32_t target, uint64_t data, ms_event_handle *handle)
{
    /* !(time >= now) also refuses NaN */
    if (!(time >= eng->now) || type >= MS_ENGINE_MAX_TYPES)
        return MS_EINVAL;
    ms_event ev = {.time = time, .type = type, .target = target, .data = data};
    return ms_eventq_push(eng->q, &ev, priority, handle);
}

ms_status ms_engine_schedule_in(ms_engine *eng, double delay, uint32_t type, uint16_t priority,
                                uint32_t target, uint64_t data, ms_event_handle *handle)
{
    if (!(delay >= 0.0))
        return MS_EINVAL;
    return ms_engine_schedule_at(eng, eng->now + delay, type, priority, target, data, handle);
}

ms_status ms_engine_cancel(ms_engine *eng, ms_event_handle handle)
{
    return ms_eventq_cancel(eng->q, handle);
}

/* One event into the running trace hash. Two rotate-xor-multiply steps
 * per event: order-sensitive, a few cycles next to a heap pop, and the
 * rotation carries every input bit into the low bits the next multiply
 * spreads. Only the event's identity is hashed (not its data word), so a
 * model may renumber its storage without changing its fingerprint. */
static inline uint64_t fold(uint64_t h, const ms_event *ev)
{
    uint64_t t;
    double time = ev->time + 0.0; /* -0.0 and 0.0 hash alike */
    memcpy(&t, &time, sizeof t);
    h = ((h << 27 | h >> 37) ^ t) * 0x9E3779B97F4A7C15u;
    h = ((h << 27 | h >> 37) ^ ((uint64_t)ev->type << 32 | ev->target)) * 0xBF58476D1CE4E5B9u;
    return h;
}

ms_status ms_engine_run(ms_engine *eng, double until)
{
    ms_event ev;
    eng->stop = 0;
    while (!eng->stop && ms_eventq_pop(eng->q, &ev)) {
        if (ev.time > until) {
            /* put it back: same key, so its place in the order is kept */
            ms_eventq_restore(eng->q, &ev);
            break;
        }
        assert(ev.time >= eng->now); /* the clock never goes backwards */
        eng->now = ev.time;
        eng->events++;
        eng->trace_hash = fold(eng->trace_hash, &ev);
        ms_handler_fn fn = eng->handlers[ev.type];
        if (!fn)
            return MS_ESTATE;
        ms_status st = fn(eng, eng->model, &ev);
        if (st != MS_OK)
            return st;
    }
    if (!eng->stop && isfinite(until) && until > eng->now)
        eng->now = until;
    return MS_OK;
}

void ms_engine_stop(ms_engine *eng)
{
    eng->stop = 1;
}

double ms_engine_now(const ms_engine *eng)
{
    return eng->now;
}

uint64_t ms_engine_events(const ms_engine *eng)
{
    return eng->events;
}

uint64_t ms_engine_fingerprint(const ms_engine *eng)
{
    /* splitmix64's finaliser: every bit of the running hash reaches
     * every bit of the fingerprint */
    uint64_t z = eng->trace_hash ^ eng->events;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

size_t ms_engine_pending(const ms_engine *eng)
{
    return ms_eventq_size(eng->q);
}

size_t ms_engine_high_water(const ms_engine *eng)
{
    return ms_eventq_high_water(eng->q);
}
