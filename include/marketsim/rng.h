/* rng.h - counter-based random streams behind GSL's generator interface.
 *
 * Every stream is a pure function of (master seed, replication, purpose,
 * entity): Random123's Philox4x32-10 keyed by the 64-bit master seed, with
 * the counter {block, entity, purpose, replication}. The draw index is the
 * position inside the stream, so a stream can be re-positioned in O(1):
 * models keep a 32-bit draw counter per entity instead of a generator per
 * entity. Streams never depend on creation order, threads, shards or ranks.
 * Every gsl_ran_* distribution works on these generators.
 */
#ifndef MARKETSIM_RNG_H
#define MARKETSIM_RNG_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

/* The GSL generator type "philox4x32-10-ms". gsl_rng_set(r, s) positions r
 * at stream (seed s, replication 0, purpose 0, entity 0), draw 0. */
extern const gsl_rng_type *ms_rng_philox;

/* Identifies one stream. */
typedef struct {
    uint64_t seed;
    uint32_t replication;
    uint32_t purpose;
    uint32_t entity;
} ms_stream_id;

/* Allocates a generator positioned at draw `draw` of stream `id`.
 * Returns NULL when out of memory. Free with gsl_rng_free. */
gsl_rng *ms_rng_create(ms_stream_id id, uint64_t draw);
/* Re-positions r (which must be of type ms_rng_philox) at draw `draw` of
 * stream `id`. O(1), no allocation. */
void ms_rng_seek(gsl_rng *r, ms_stream_id id, uint64_t draw);
/* Index of the next 32-bit word r will return: store it to resume later. */
uint64_t ms_rng_position(const gsl_rng *r);

/* splitmix64: a documented 64-bit mixer, used to derive per-task seeds
 * (e.g. sweep points) from the master seed. */
uint64_t ms_rng_mix64(uint64_t x);

#endif
