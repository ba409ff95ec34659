/* rng.c - Philox4x32-10 streams wrapped as a gsl_rng_type.
 *
 * Stream (seed, replication, purpose, entity), draw d: the d-th 32-bit word
 * of the sequence Philox(key, ctr) with key = {seed low, seed high} and
 * ctr = {d / 4, entity, purpose, replication}, taking word d % 4 of each
 * block. A stream holds 2^34 draws. Because the position is explicit, a
 * stream can be re-positioned in O(1) (ms_rng_seek), and nothing depends
 * on creation order, threads, shards or ranks.
 *
 * Doubles have 32 bits of resolution, as with most GSL generators
 * (gsl_rng_uniform divides one word by 2^32).
 */
#include "marketsim/rng.h"

#include <assert.h>

#include <Random123/philox.h>

/* Invariant: out = Philox(ctr, key) and idx in [0, 4] is the next word of
 * out to hand out; idx == 4 means the block is used up. The stream position
 * is therefore ctr.v[0] * 4 + idx. */
typedef struct {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr;
    philox4x32_ctr_t out;
    unsigned idx;
} philox_state;

static unsigned long philox_get(void *vstate)
{
    philox_state *s = vstate;
    assert(s->idx <= 4);
    if (s->idx == 4) {
        s->ctr.v[0]++;
        s->out = philox4x32(s->ctr, s->key);
        s->idx = 0;
    }
    return s->out.v[s->idx++];
}

static double philox_get_double(void *vstate)
{
    return philox_get(vstate) / 4294967296.0;
}

static void position(philox_state *s, ms_stream_id id, uint64_t draw)
{
    s->key.v[0] = (uint32_t)id.seed;
    s->key.v[1] = (uint32_t)(id.seed >> 32);
    s->ctr.v[0] = (uint32_t)(draw >> 2);
    s->ctr.v[1] = id.entity;
    s->ctr.v[2] = id.purpose;
    s->ctr.v[3] = id.replication;
    s->out = philox4x32(s->ctr, s->key);
    s->idx = (unsigned)(draw & 3);
}

static void philox_set(void *vstate, unsigned long seed)
{
    ms_stream_id id = {.seed = seed};
    position(vstate, id, 0);
}

static const gsl_rng_type philox_type = {
    "philox4x32-10-ms", 0xffffffffUL,      0, sizeof(philox_state), philox_set,
    philox_get,         philox_get_double,
};

const gsl_rng_type *ms_rng_philox = &philox_type;

gsl_rng *ms_rng_create(ms_stream_id id, uint64_t draw)
{
    gsl_rng *r = gsl_rng_alloc(ms_rng_philox);
    if (r)
        ms_rng_seek(r, id, draw);
    return r;
}

void ms_rng_seek(gsl_rng *r, ms_stream_id id, uint64_t draw)
{
    position(r->state, id, draw);
}

uint64_t ms_rng_position(const gsl_rng *r)
{
    const philox_state *s = r->state;
    return ((uint64_t)s->ctr.v[0] << 2) + s->idx;
}

uint64_t ms_rng_mix64(uint64_t x)
{
    x += UINT64_C(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}
