/* phold.c - PHOLD on the engine (see phold.h).
 *
 * The per-LP state is a hash folded over the times of the events it
 * handled; the checksum hashes every LP's state, so two runs agree on it
 * only if every event went to the same LP at the same time.
 */
#include "marketsim/phold.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "marketsim/clock.h"
#include "marketsim/engine.h"
#include "marketsim/hash.h"
#include "marketsim/rng.h"

enum { PHOLD_EVENT = 0 };
#define PHOLD_PURPOSE UINT32_C(0x50484f4c) /* "PHOL" */

/* Per LP: where its stream stands and a hash of its events' times. */
typedef struct {
    uint64_t draws;
    uint64_t hash;
} lp_state;

/* Each LP has its own stream, held as a 64-bit position rather than a
 * generator object: the handler re-positions one scratch generator at the
 * LP's position (O(1), as the market model does for buyers). 16 bytes per
 * LP keep all LPs in cache where a generator per LP would not. */
typedef struct {
    const ms_phold_params *p;
    gsl_rng *rng;
    lp_state *lp;
} phold_model;

/* Folds an event time into an LP's state: one xor-multiply per event
 * (a word-wise FNV step), cheap enough not to weigh on the benchmark. */
static inline uint64_t fold(uint64_t h, double t)
{
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    return (h ^ bits) * UINT64_C(0x100000001b3);
}

static ms_status phold_handle(ms_engine *eng, void *vm, const ms_event *ev)
{
    phold_model *m = vm;
    uint32_t lp = ev->target;
    gsl_rng *r = m->rng;
    lp_state *s = &m->lp[lp];
    s->hash = fold(s->hash, ev->time);
    ms_rng_seek(r, (ms_stream_id){m->p->seed, 0, PHOLD_PURPOSE, lp}, s->draws);
    double delay = m->p->lookahead + gsl_ran_exponential(r, m->p->mean);
    uint32_t dest = (uint32_t)gsl_rng_uniform_int(r, m->p->lps);
    s->draws = ms_rng_position(r);
    return ms_engine_schedule_in(eng, delay, PHOLD_EVENT, 0, dest, 0, NULL);
}

static void model_free(phold_model *m)
{
    gsl_rng_free(m->rng);
    free(m->lp);
}

static ms_status model_init(phold_model *m, const ms_phold_params *p)
{
    memset(m, 0, sizeof *m);
    m->p = p;
    m->rng = ms_rng_create((ms_stream_id){.seed = p->seed, .purpose = PHOLD_PURPOSE}, 0);
    m->lp = malloc(p->lps * sizeof *m->lp);
    if (!m->rng || !m->lp)
        return MS_ENOMEM;
    for (uint32_t i = 0; i < p->lps; i++)
        m->lp[i] = (lp_state){0, MS_HASH_FNV1A_INIT};
    return MS_OK;
}

static ms_status seed_events(ms_engine *eng, phold_model *m)
{
    for (uint32_t lp = 0; lp < m->p->lps; lp++) {
        for (uint32_t k = 0; k < m->p->events_per_lp; k++) {
            ms_rng_seek(m->rng, (ms_stream_id){m->p->seed, 0, PHOLD_PURPOSE, lp}, m->lp[lp].draws);
            double t = m->p->lookahead + gsl_ran_exponential(m->rng, m->p->mean);
            m->lp[lp].draws = ms_rng_position(m->rng);
            ms_status st = ms_engine_schedule_at(eng, t, PHOLD_EVENT, 0, lp, 0, NULL);
            if (st != MS_OK)
                return st;
        }
    }
    return MS_OK;
}

static int params_ok(const ms_phold_params *p)
{
    return p->lps > 0 && p->events_per_lp > 0 && p->end_time > 0 && p->mean > 0 &&
           p->lookahead >= 0 && isfinite(p->end_time) && isfinite(p->mean) &&
           isfinite(p->lookahead);
}

ms_status ms_phold_run(const ms_phold_params *p, ms_phold_result *out)
{
    if (!params_ok(p))
        return MS_EINVAL;
    phold_model m;
    ms_status st = model_init(&m, p);
    size_t cap = (size_t)p->lps * p->events_per_lp + 1;
    ms_engine *eng = st == MS_OK ? ms_engine_create(&m, cap) : NULL;
    if (!eng)
        st = MS_ENOMEM;
    if (st == MS_OK)
        st = ms_engine_on(eng, PHOLD_EVENT, phold_handle);
    if (st == MS_OK)
        st = seed_events(eng, &m);
    if (st == MS_OK) {
        double t0 = ms_clock_seconds();
        st = ms_engine_run(eng, p->end_time);
        out->seconds = ms_clock_seconds() - t0;
        out->events = ms_engine_events(eng);
        out->pending = ms_engine_pending(eng);
        out->high_water = ms_engine_high_water(eng);
        out->fingerprint = ms_engine_fingerprint(eng);
        uint64_t h = MS_HASH_FNV1A_INIT;
        for (uint32_t i = 0; i < p->lps; i++)
            h = ms_hash_fnv1a_add(h, &m.lp[i].hash, sizeof m.lp[i].hash);
        out->checksum = h;
    }
    ms_engine_destroy(eng);
    model_free(&m);
    return st;
}
