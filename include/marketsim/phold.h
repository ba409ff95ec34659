/* phold.h - the PHOLD benchmark model on the engine.
 *
 * N logical processes (LPs), K initial events each. Handling an event at an
 * LP schedules one new event at now + lookahead + Exp(mean) to an LP drawn
 * uniformly. The event population is therefore constant. Each LP draws from
 * its own stream (seed, replication 0, purpose PHOLD, entity = LP), the same
 * stream scheme the market model uses, so the benchmark measures the
 * engine and the generators together.
 */
#ifndef MARKETSIM_PHOLD_H
#define MARKETSIM_PHOLD_H

#include <stddef.h>
#include <stdint.h>

#include "marketsim/error.h"

typedef struct {
    uint32_t lps;
    uint32_t events_per_lp;
    double end_time;
    double mean;      /* mean of the exponential increment */
    double lookahead; /* fixed minimum increment */
    uint64_t seed;
} ms_phold_params;

typedef struct {
    uint64_t events;      /* events handled up to end_time */
    uint64_t checksum;    /* FNV-1a over the final per-LP state */
    uint64_t fingerprint; /* the engine's event-trace hash */
    size_t pending;       /* events left in the queue: lps * events_per_lp */
    size_t high_water;
    double seconds; /* wall time of the event loop alone */
} ms_phold_result;

/* Runs PHOLD. Returns MS_EINVAL for zero LPs or events, a non-positive
 * mean or end time, or a negative lookahead; MS_ENOMEM when out of memory. */
ms_status ms_phold_run(const ms_phold_params *p, ms_phold_result *out);

#endif
