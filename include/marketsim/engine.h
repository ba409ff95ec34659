/* engine.h - the discrete-event engine: a clock, the event queue and a
 * table of handlers. It knows nothing of markets and draws no random
 * numbers: a model registers handlers per event type and owns its state.
 */
#ifndef MARKETSIM_ENGINE_H
#define MARKETSIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "marketsim/error.h"
#include "marketsim/eventq.h"

typedef struct ms_engine ms_engine;

/* A handler runs one event. `model` is the pointer given at create time.
 * A non-MS_OK return stops the run and is returned by ms_engine_run. */
typedef ms_status (*ms_handler_fn)(ms_engine *eng, void *model, const ms_event *ev);

#define MS_ENGINE_MAX_TYPES MS_EVENTQ_MAX_TYPES

/* Creates an engine at time 0 for `model` (not owned), with room for
 * `capacity` pending events. Returns NULL when out of memory. */
ms_engine *ms_engine_create(void *model, size_t capacity);
/* Frees the engine and its queue; NULL is a no-op. */
void ms_engine_destroy(ms_engine *eng);

/* Sets the handler for event type `type` (< MS_ENGINE_MAX_TYPES). */
ms_status ms_engine_on(ms_engine *eng, uint32_t type, ms_handler_fn fn);

/* Schedules an event at absolute time `time` (>= now; earlier is MS_EINVAL).
 * Lower priority numbers (0..MS_EVENTQ_MAX_PRIORITY) fire first among equal
 * times; data must fit in 32 bits (MS_EINVAL otherwise). */
ms_status ms_engine_schedule_at(ms_engine *eng, double time, uint32_t type, uint16_t priority,
                                uint32_t target, uint64_t data, ms_event_handle *handle);
/* Schedules an event `delay` (>= 0) after now. */
ms_status ms_engine_schedule_in(ms_engine *eng, double delay, uint32_t type, uint16_t priority,
                                uint32_t target, uint64_t data, ms_event_handle *handle);
/* Cancels a pending event (see ms_eventq_cancel). */
ms_status ms_engine_cancel(ms_engine *eng, ms_event_handle handle);

/* Runs events in order while their time is <= until (use INFINITY to run
 * until the queue is empty), or until ms_engine_stop is called. The clock
 * ends at `until` when finite and the queue ran past it, else at the last
 * event's time. Returns MS_OK or the first handler error. */
ms_status ms_engine_run(ms_engine *eng, double until);
/* Asks the running loop to return after the current event. */
void ms_engine_stop(ms_engine *eng);

double ms_engine_now(const ms_engine *eng);
/* Events handled so far. */
uint64_t ms_engine_events(const ms_engine *eng);
/* A 64-bit hash of every event handled so far, in order: its time, type
 * and target (not its data word). Two runs that handle the same events in
 * the same order have the same fingerprint; any change to the path shows
 * (docs/engine.md, "Fingerprints"). 0 events hash to a fixed value. */
uint64_t ms_engine_fingerprint(const ms_engine *eng);
/* Live events pending. */
size_t ms_engine_pending(const ms_engine *eng);
/* Largest number of pending records ever held. */
size_t ms_engine_high_water(const ms_engine *eng);

#endif
