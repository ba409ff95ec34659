/* eventq.c - the pending-event set: a 4-ary min-heap of 24-byte records.
 *
 * Invariant: for every index i > 0, record (i-1)/4 precedes record i in the
 * order (time, key). key = priority << 54 | sequence << 6 | type, and the
 * sequence only goes up, so keys are unique, comparing keys compares
 * (priority, sequence), and equal-time events of equal priority fire
 * first-in first-out whatever the heap's shape.
 *
 * Records are stored by value, payload included, so popping an event never
 * chases a pointer: the cost of the queue is the sift, which moves a hole
 * instead of swapping. A 4-ary heap halves the depth of a binary one and
 * its four children span two cache lines. Cancellation by handle searches
 * the array (O(n)); hot paths should prefer lazy invalidation (a
 * generation number in `data`, checked by the handler).
 */
#include "marketsim/eventq.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    double time;
    uint64_t key;
    uint32_t target;
    uint32_t data;
} entry;

/* `hole`: the root was popped and not refilled yet. The next push drops
 * its event into the root and sifts it down once (a replace-top), instead
 * of refilling the root from the last record and sifting the new one up:
 * the usual handler schedules one event per event it handles, so this
 * halves the work per event. Any other operation settles the hole first. */
struct ms_eventq {
    entry *heap;
    size_t count; /* records, the hole included */
    size_t cap, high_water;
    int hole;
    uint64_t next_seq;
};

#define SEQ_MASK ((UINT64_C(1) << 48) - 1)
#define PREFETCH_MIN 32768 /* records: 768 KB, about a core's L2 */

static inline int before(const entry *a, const entry *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

ms_eventq *ms_eventq_create(size_t capacity)
{
    ms_eventq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->cap = capacity ? capacity : 64;
    q->heap = malloc(q->cap * sizeof *q->heap);
    if (!q->heap) {
        free(q);
        return NULL;
    }
    return q;
}

void ms_eventq_destroy(ms_eventq *q)
{
    if (!q)
        return;
    free(q->heap);
    free(q);
}

static void sift_up(entry *h, size_t i, entry item)
{
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (!before(&item, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = item;
}

/* The child that fires first among h[first..last). Times decide in the
 * common case, through selects the compiler turns into conditional moves
 * (a mispredicted branch per level is what a heap sift pays for); only
 * when two children share the earliest time do keys decide. */
static inline size_t best_child(const entry *h, size_t first, size_t last)
{
    size_t best = first;
    double bt = h[first].time;
    for (size_t c = first + 1; c < last; c++) {
        double t = h[c].time;
        best = t < bt ? c : best;
        bt = t < bt ? t : bt;
    }
    int ties = 0;
    for (size_t c = first; c < last; c++)
        ties += h[c].time == bt;
    if (__builtin_expect(ties > 1, 0))
        for (size_t c = first; c < last; c++)
            best = before(&h[c], &h[best]) ? c : best;
    return best;
}

/* Sifting down is the hot spot of the whole engine. */
static void sift_down(entry *h, size_t n, size_t i, entry item)
{
    for (;;) {
        size_t first = (i << 2) + 1;
        if (first >= n)
            break;
        size_t last = first + 4 < n ? first + 4 : n;
        /* Fetch the four grandchild groups while this level is compared:
         * once the queue outgrows the cache, the sift is bound by memory
         * latency, and this overlaps the next level's misses with this
         * level's work (skipped while the heap fits in a core's cache,
         * where it only costs). A hint only: it changes no result. */
        size_t g = (first << 2) + 1;
        for (size_t k = 0; n > PREFETCH_MIN && k < 4 && g + 4 * k < n; k++) {
            __builtin_prefetch(&h[g + 4 * k]);
            __builtin_prefetch((const char *)&h[g + 4 * k] + 64);
        }
        size_t best = best_child(h, first, last);
        if (!before(&h[best], &item))
            break;
        h[i] = h[best];
        i = best;
    }
    h[i] = item;
}

static void settle(ms_eventq *q)
{
    if (!q->hole)
        return;
    q->hole = 0;
    size_t n = --q->count;
    if (n > 0)
        sift_down(q->heap, n, 0, q->heap[n]);
}

static ms_status grow(ms_eventq *q)
{
    size_t cap = q->cap * 2;
    entry *h = realloc(q->heap, cap * sizeof *h);
    if (!h)
        return MS_ENOMEM;
    q->heap = h;
    q->cap = cap;
    return MS_OK;
}

ms_status ms_eventq_push(ms_eventq *q, const ms_event *ev, uint16_t priority,
                         ms_event_handle *handle)
{
    if (priority > MS_EVENTQ_MAX_PRIORITY || ev->type >= MS_EVENTQ_MAX_TYPES ||
        ev->data > MS_EVENTQ_MAX_DATA)
        return MS_EINVAL;
    if (!q->hole && q->count == q->cap && grow(q) != MS_OK)
        return MS_ENOMEM;
    uint64_t seq = q->next_seq++ & SEQ_MASK;
    entry e = {ev->time, (uint64_t)priority << 54 | seq << 6 | ev->type, ev->target,
               (uint32_t)ev->data};
    if (q->hole) {
        q->hole = 0;
        sift_down(q->heap, q->count, 0, e);
    } else {
        sift_up(q->heap, q->count++, e);
    }
    if (q->count > q->high_water)
        q->high_water = q->count;
    if (handle)
        *handle = seq;
    return MS_OK;
}

static void to_event(const entry *e, ms_event *out)
{
    out->time = e->time;
    out->key = e->key;
    out->type = (uint32_t)(e->key & (MS_EVENTQ_MAX_TYPES - 1));
    out->target = e->target;
    out->data = e->data;
}

int ms_eventq_pop(ms_eventq *q, ms_event *out)
{
    settle(q);
    if (q->count == 0)
        return 0;
    to_event(&q->heap[0], out);
    q->hole = 1;
    return 1;
}

void ms_eventq_restore(ms_eventq *q, const ms_event *ev)
{
    /* the slot it left is still allocated; its key keeps its place */
    entry e = {ev->time, ev->key, ev->target, (uint32_t)ev->data};
    if (q->hole) { /* it was the root, and nothing came since */
        q->hole = 0;
        q->heap[0] = e;
        return;
    }
    sift_up(q->heap, q->count++, e);
}

int ms_eventq_peek(ms_eventq *q, ms_event *out)
{
    settle(q);
    if (q->count == 0)
        return 0;
    to_event(&q->heap[0], out);
    return 1;
}

size_t ms_eventq_size(const ms_eventq *q)
{
    return q->count - (size_t)q->hole;
}

size_t ms_eventq_high_water(const ms_eventq *q)
{
    return q->high_water;
}

ms_status ms_eventq_cancel(ms_eventq *q, ms_event_handle handle)
{
    settle(q);
    for (size_t i = 0; i < q->count; i++) {
        if (((q->heap[i].key >> 6) & SEQ_MASK) != handle)
            continue;
        size_t n = --q->count;
        if (i == n)
            return MS_OK;
        entry item = q->heap[n];
        if (i > 0 && before(&item, &q->heap[(i - 1) >> 2]))
            sift_up(q->heap, i, item);
        else
            sift_down(q->heap, n, i, item);
        return MS_OK;
    }
    return MS_ESTATE;
}
