/* test_eventq.c - the event queue: order, ties, cancellation, growth. */
#include "test_main.h"
#include <stdlib.h>

#include "marketsim/eventq.h"

static ms_event ev_at(double t, uint32_t target)
{
    ms_event e = {.time = t, .target = target};
    return e;
}

static void test_pops_in_time_order(void)
{
    ms_eventq *q = ms_eventq_create(2); /* small: forces growth */
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    double times[] = {5, 1, 4, 2, 8, 3, 7, 6, 0.5, 9};
    for (unsigned i = 0; i < 10; i++) {
        ms_event e = ev_at(times[i], i);
        CU_ASSERT_EQUAL(ms_eventq_push(q, &e, 0, NULL), MS_OK);
    }
    CU_ASSERT_EQUAL(ms_eventq_size(q), 10);
    double last = -1;
    ms_event out;
    int n = 0;
    while (ms_eventq_pop(q, &out)) {
        CU_ASSERT(out.time >= last);
        last = out.time;
        n++;
    }
    CU_ASSERT_EQUAL(n, 10);
    CU_ASSERT_EQUAL(ms_eventq_high_water(q), 10);
    ms_eventq_destroy(q);
}

/* Equal times fire by priority, then first-in first-out: 300 events at one
 * time with three priorities must come out sorted by (priority, insertion). */
static void test_ties_priority_then_fifo(void)
{
    ms_eventq *q = ms_eventq_create(4);
    for (uint32_t i = 0; i < 300; i++) {
        ms_event e = ev_at(1.0, i);
        ms_eventq_push(q, &e, (uint16_t)(2 - i % 3), NULL);
    }
    ms_event out;
    int prev_prio = -1;
    uint32_t prev_target = 0;
    for (int k = 0; k < 300; k++) {
        CU_ASSERT_FATAL(ms_eventq_pop(q, &out));
        int prio = MS_EVENT_PRIORITY(&out);
        CU_ASSERT(prio >= prev_prio);
        if (prio == prev_prio)
            CU_ASSERT(out.target > prev_target);
        prev_prio = prio;
        prev_target = out.target;
    }
    ms_eventq_destroy(q);
}

static void test_payload_kept(void)
{
    ms_eventq *q = ms_eventq_create(1);
    ms_event e = {.time = 2.5, .type = 7, .target = 42, .data = UINT64_C(0xdeadbeef)};
    CU_ASSERT_EQUAL(ms_eventq_push(q, &e, 3, NULL), MS_OK);
    ms_event big = e;
    big.data = UINT64_C(0x100000000); /* does not fit the 32-bit payload */
    CU_ASSERT_EQUAL(ms_eventq_push(q, &big, 3, NULL), MS_EINVAL);
    CU_ASSERT_EQUAL(ms_eventq_push(q, &e, MS_EVENTQ_MAX_PRIORITY + 1, NULL), MS_EINVAL);
    big = e;
    big.type = MS_EVENTQ_MAX_TYPES;
    CU_ASSERT_EQUAL(ms_eventq_push(q, &big, 0, NULL), MS_EINVAL);
    CU_ASSERT_EQUAL(ms_eventq_size(q), 1);
    ms_event out;
    CU_ASSERT_TRUE(ms_eventq_peek(q, &out));
    CU_ASSERT_TRUE(ms_eventq_pop(q, &out));
    CU_ASSERT_EQUAL(out.type, 7);
    CU_ASSERT_EQUAL(out.target, 42);
    CU_ASSERT_EQUAL(out.data, UINT64_C(0xdeadbeef));
    CU_ASSERT_DOUBLE_EQUAL(out.time, 2.5, 0.0);
    CU_ASSERT_EQUAL(MS_EVENT_PRIORITY(&out), 3);
    CU_ASSERT_FALSE(ms_eventq_pop(q, &out));
    ms_eventq_destroy(q);
}

static void test_cancel(void)
{
    ms_eventq *q = ms_eventq_create(8);
    ms_event_handle h[20];
    for (uint32_t i = 0; i < 20; i++) {
        ms_event e = ev_at(20.0 - i, i);
        ms_eventq_push(q, &e, 0, &h[i]);
    }
    for (int i = 0; i < 20; i += 3)
        CU_ASSERT_EQUAL(ms_eventq_cancel(q, h[i]), MS_OK);
    CU_ASSERT_EQUAL(ms_eventq_cancel(q, h[0]), MS_ESTATE); /* twice */
    CU_ASSERT_EQUAL(ms_eventq_size(q), 13);
    ms_event out;
    double last = -1;
    while (ms_eventq_pop(q, &out)) {
        CU_ASSERT(out.target % 3 != 0);
        CU_ASSERT(out.time > last);
        last = out.time;
    }
    CU_ASSERT_EQUAL(ms_eventq_cancel(q, h[1]), MS_ESTATE); /* already fired */
    ms_eventq_destroy(q);
}

/* A random push/pop mix checked against a sorted reference of keys. */
static int cmp_pair(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void test_random_against_sort(void)
{
    enum { N = 5000 };
    static double ref[N][2];
    ms_eventq *q = ms_eventq_create(16);
    unsigned s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        double t = (double)((s >> 16) % 500); /* many ties */
        ms_event e = ev_at(t, (uint32_t)i);
        ms_eventq_push(q, &e, 0, NULL);
        ref[i][0] = t;
        ref[i][1] = i;
    }
    qsort(ref, N, sizeof ref[0], cmp_pair);
    ms_event out;
    int ok = 1;
    for (int i = 0; i < N; i++) {
        ms_eventq_pop(q, &out);
        ok &= out.time == ref[i][0] && out.target == (uint32_t)ref[i][1];
    }
    CU_ASSERT_TRUE(ok);
    ms_eventq_destroy(q);
}

static const ms_test_case cases[] = {
    {"pops in time order", test_pops_in_time_order},
    {"ties: priority then FIFO", test_ties_priority_then_fifo},
    {"payload kept", test_payload_kept},
    {"cancel by handle", test_cancel},
    {"random mix vs sort", test_random_against_sort},
};

MS_TEST_MAIN("eventq", cases)
