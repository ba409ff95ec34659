/* eventq.c - the pending-event set: a 4-ary min-heap over a record slab.
 *
 * The heap holds 16-byte entries (time, slot); the rest of each event (key,
 * type, target, data) sits in a slab slot that stays put while the entry
 * moves. Sifts therefore move half the bytes a by-value heap would, which
 * matters once the queue outgrows the cache; the slab is touched only to
 * break exact time ties and when an event is pushed or popped. Freed slots
 * are reused last-in first-out, so a pop followed by a push (the common
 * pattern) writes the slot just read.
 *
 * Invariant: for every index i > 0, entry (i-1)/4 precedes entry i in the
 * order (time, key), where key = priority << 48 | sequence and the sequence
 * only goes up. Keys are unique, so the order is total and equal-time events
 * of equal priority fire first-in first-out, whatever the heap's shape.
 * Cancellation by handle searches the slab (O(n)); hot paths should prefer
 * lazy invalidation (a generation number in `data`, checked by the handler).
 */
#include "marketsim/eventq.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    double time;
    uint32_t slot;
    uint32_t pad_;
} entry;

struct ms_eventq {
    entry *heap;
    ms_event *slab;  /* slab[slot]; .time is unused there */
    uint32_t *free_; /* stack of free slots */
    size_t count, cap, n_free, high_water;
    uint64_t next_seq;
};

/* Whether entry a fires before entry b. */
static inline int before(const ms_event *slab, entry a, entry b)
{
    return a.time < b.time || (a.time == b.time && slab[a.slot].key < slab[b.slot].key);
}

ms_eventq *ms_eventq_create(size_t capacity)
{
    ms_eventq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->cap = capacity ? capacity : 64;
    q->heap = malloc(q->cap * sizeof *q->heap);
    q->slab = malloc(q->cap * sizeof *q->slab);
    q->free_ = malloc(q->cap * sizeof *q->free_);
    if (!q->heap || !q->slab || !q->free_) {
        ms_eventq_destroy(q);
        return NULL;
    }
    ms_eventq_clear(q);
    return q;
}

void ms_eventq_destroy(ms_eventq *q)
{
    if (!q)
        return;
    free(q->heap);
    free(q->slab);
    free(q->free_);
    free(q);
}

static void sift_up(const ms_event *slab, entry *h, size_t i, entry item)
{
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (!before(slab, item, h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = item;
}

/* The best-of-four selection is the hot spot of the whole engine: it is
 * written so the common case (distinct times) compiles to conditional moves,
 * and keys are read from the slab only on an exact time tie. */
static void sift_down(const ms_event *slab, entry *h, size_t n, size_t i, entry item)
{
    for (;;) {
        size_t first = (i << 2) + 1;
        if (first >= n)
            break;
        size_t best = first;
        double bt = h[first].time;
        size_t last = first + 4 < n ? first + 4 : n;
        for (size_t c = first + 1; c < last; c++) {
            double t = h[c].time;
            int lt = t < bt;
            if (__builtin_expect(t == bt, 0))
                lt = slab[h[c].slot].key < slab[h[best].slot].key;
            best = lt ? c : best;
            bt = lt ? t : bt;
        }
        if (!before(slab, h[best], item))
            break;
        h[i] = h[best];
        i = best;
    }
    h[i] = item;
}

/* Doubles all three arrays; the new slots go on the free stack so that
 * lower slot numbers are handed out first. */
static ms_status grow(ms_eventq *q)
{
    size_t cap = q->cap * 2;
    if (cap > UINT32_MAX)
        return MS_ENOMEM;
    entry *h = realloc(q->heap, cap * sizeof *h);
    if (h)
        q->heap = h;
    ms_event *slab = h ? realloc(q->slab, cap * sizeof *slab) : NULL;
    if (slab)
        q->slab = slab;
    uint32_t *fr = slab ? realloc(q->free_, cap * sizeof *fr) : NULL;
    if (!fr)
        return MS_ENOMEM;
    q->free_ = fr;
    for (size_t s = cap; s > q->cap; s--)
        q->free_[q->n_free++] = (uint32_t)(s - 1);
    q->cap = cap;
    return MS_OK;
}

ms_status ms_eventq_push(ms_eventq *q, const ms_event *ev, uint16_t priority,
                         ms_event_handle *handle)
{
    if (q->n_free == 0 && grow(q) != MS_OK)
        return MS_ENOMEM;
    uint32_t slot = q->free_[--q->n_free];
    uint64_t seq = q->next_seq++;
    q->slab[slot] = *ev;
    q->slab[slot].key = ((uint64_t)priority << MS_EVENTQ_SEQ_BITS) | seq;
    entry e = {ev->time, slot, 0};
    sift_up(q->slab, q->heap, q->count++, e);
    if (q->count > q->high_water)
        q->high_water = q->count;
    if (handle)
        *handle = seq;
    return MS_OK;
}

int ms_eventq_pop(ms_eventq *q, ms_event *out)
{
    if (q->count == 0)
        return 0;
    entry top = q->heap[0];
    *out = q->slab[top.slot];
    out->time = top.time;
    q->free_[q->n_free++] = top.slot;
    size_t n = --q->count;
    if (n > 0)
        sift_down(q->slab, q->heap, n, 0, q->heap[n]);
    return 1;
}

void ms_eventq_restore(ms_eventq *q, const ms_event *ev)
{
    /* the slot it left is the top of the free stack and still holds it */
    uint32_t slot = q->free_[--q->n_free];
    q->slab[slot] = *ev;
    entry e = {ev->time, slot, 0};
    sift_up(q->slab, q->heap, q->count++, e);
}

int ms_eventq_peek(ms_eventq *q, ms_event *out)
{
    if (q->count == 0)
        return 0;
    *out = q->slab[q->heap[0].slot];
    out->time = q->heap[0].time;
    return 1;
}

size_t ms_eventq_size(const ms_eventq *q)
{
    return q->count;
}

size_t ms_eventq_high_water(const ms_eventq *q)
{
    return q->high_water;
}

ms_status ms_eventq_cancel(ms_eventq *q, ms_event_handle handle)
{
    for (size_t i = 0; i < q->count; i++) {
        uint32_t slot = q->heap[i].slot;
        if (MS_EVENT_HANDLE(&q->slab[slot]) != handle)
            continue;
        q->free_[q->n_free++] = slot;
        size_t n = --q->count;
        if (i == n)
            return MS_OK;
        entry item = q->heap[n];
        if (i > 0 && before(q->slab, item, q->heap[(i - 1) >> 2]))
            sift_up(q->slab, q->heap, i, item);
        else
            sift_down(q->slab, q->heap, n, i, item);
        return MS_OK;
    }
    return MS_ESTATE;
}

void ms_eventq_clear(ms_eventq *q)
{
    q->count = 0;
    q->n_free = 0;
    for (size_t s = q->cap; s > 0; s--)
        q->free_[q->n_free++] = (uint32_t)(s - 1);
}
