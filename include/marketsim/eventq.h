/* eventq.h - the pending-event set: a 4-ary min-heap of events by value.
 *
 * Order is (time, priority, insertion sequence): equal times fire by
 * ascending priority, then first-in first-out. The sequence number only goes
 * up, so the order never depends on heap accidents. Events are stored by
 * value; never keep a pointer into the queue across a push.
 */
#ifndef MARKETSIM_EVENTQ_H
#define MARKETSIM_EVENTQ_H

#include <stddef.h>
#include <stdint.h>

#include "marketsim/error.h"

/* An event as handlers see it. `type` selects the handler; `target` and
 * `data` are the payload: an entity index and a model-defined word (an
 * index into model-owned storage, or a generation number for lazy
 * invalidation) that must fit in 32 bits. `key` orders equal times: it
 * packs priority (10 bits), insertion sequence (48 bits) and type (6 bits)
 * so that comparing keys compares (priority, sequence). The queue stores
 * events in 24 bytes (time, key, target, data). */
typedef struct {
    double time;
    uint64_t key;
    uint32_t type;
    uint32_t target;
    uint64_t data;
} ms_event;

/* The handle of a scheduled event: its sequence number. */
typedef uint64_t ms_event_handle;

#define MS_EVENTQ_MAX_PRIORITY 1023u
#define MS_EVENTQ_MAX_TYPES 64u
#define MS_EVENTQ_MAX_DATA UINT32_MAX
#define MS_EVENT_PRIORITY(ev) ((uint16_t)((ev)->key >> 54))
#define MS_EVENT_HANDLE(ev) (((ev)->key >> 6) & ((UINT64_C(1) << 48) - 1))

typedef struct ms_eventq ms_eventq;

/* Creates an empty queue with room for `capacity` events (it grows).
 * Returns NULL when out of memory. */
ms_eventq *ms_eventq_create(size_t capacity);
/* Frees the queue; NULL is a no-op. */
void ms_eventq_destroy(ms_eventq *q);

/* Inserts a copy of ev, setting its key from `priority` and the next
 * sequence number; the handle is stored in *handle when not NULL.
 * Returns MS_EINVAL when priority > MS_EVENTQ_MAX_PRIORITY, type >=
 * MS_EVENTQ_MAX_TYPES or data > MS_EVENTQ_MAX_DATA, MS_ENOMEM when growing
 * fails (the queue is unchanged either way). */
ms_status ms_eventq_push(ms_eventq *q, const ms_event *ev, uint16_t priority,
                         ms_event_handle *handle);
/* Removes the first event into *out; returns 0 when empty, 1 otherwise. */
int ms_eventq_pop(ms_eventq *q, ms_event *out);
/* Re-inserts an event just popped, keeping its key (and so its place in
 * the order). Cannot fail: the slot it left is still allocated. */
void ms_eventq_restore(ms_eventq *q, const ms_event *ev);
/* Copies the first event into *out without removing it; 0 when empty. */
int ms_eventq_peek(ms_eventq *q, ms_event *out);
/* Events pending (scheduled minus fired minus cancelled). */
size_t ms_eventq_size(const ms_eventq *q);
/* Largest number of records the heap ever held. */
size_t ms_eventq_high_water(const ms_eventq *q);
/* Cancels a pending event by handle, removing it from the heap. O(n): a
 * search of the array. Returns MS_ESTATE when no pending event has that
 * handle (it already fired or was cancelled). Hot paths should prefer lazy
 * invalidation: a generation number in `data`, checked by the handler. */
ms_status ms_eventq_cancel(ms_eventq *q, ms_event_handle handle);

#endif
