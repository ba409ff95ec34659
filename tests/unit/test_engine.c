/* test_engine.c - the engine: clock, dispatch, run-until, stop, errors. */
#include "test_main.h"
#include <math.h>
#include <string.h>

#include "marketsim/engine.h"

typedef struct {
    double times[64];
    uint32_t targets[64];
    int n;
    int stop_at;
} log_model;

static ms_status record(ms_engine *eng, void *vm, const ms_event *ev)
{
    log_model *m = vm;
    CU_ASSERT_DOUBLE_EQUAL(ms_engine_now(eng), ev->time, 0.0);
    m->times[m->n] = ev->time;
    m->targets[m->n] = ev->target;
    m->n++;
    if (m->n == m->stop_at)
        ms_engine_stop(eng);
    return MS_OK;
}

/* Each event schedules a child one unit later until time 5. */
static ms_status chain(ms_engine *eng, void *vm, const ms_event *ev)
{
    record(eng, vm, ev);
    if (ev->time < 5)
        return ms_engine_schedule_in(eng, 1.0, 1, 0, ev->target + 1, 0, NULL);
    return MS_OK;
}

static ms_status fail(ms_engine *eng, void *vm, const ms_event *ev)
{
    (void)eng, (void)vm, (void)ev;
    return MS_ESTATE;
}

static void test_run_until_and_resume(void)
{
    log_model m = {.n = 0};
    ms_engine *eng = ms_engine_create(&m, 4);
    ms_engine_on(eng, 1, chain);
    CU_ASSERT_EQUAL(ms_engine_schedule_at(eng, 0.0, 1, 0, 0, 0, NULL), MS_OK);
    CU_ASSERT_EQUAL(ms_engine_run(eng, 2.5), MS_OK);
    CU_ASSERT_EQUAL(m.n, 3); /* t = 0, 1, 2 */
    CU_ASSERT_DOUBLE_EQUAL(ms_engine_now(eng), 2.5, 0.0);
    CU_ASSERT_EQUAL(ms_engine_pending(eng), 1);
    CU_ASSERT_EQUAL(ms_engine_run(eng, INFINITY), MS_OK);
    CU_ASSERT_EQUAL(m.n, 6);
    CU_ASSERT_DOUBLE_EQUAL(ms_engine_now(eng), 5.0, 0.0);
    CU_ASSERT_EQUAL(ms_engine_events(eng), 6);
    CU_ASSERT_EQUAL(ms_engine_pending(eng), 0);
    ms_engine_destroy(eng);
}

static void test_equal_time_order(void)
{
    log_model m = {.n = 0};
    ms_engine *eng = ms_engine_create(&m, 4);
    ms_engine_on(eng, 0, record);
    ms_engine_schedule_at(eng, 1.0, 0, 5, 10, 0, NULL);
    ms_engine_schedule_at(eng, 1.0, 0, 1, 11, 0, NULL);
    ms_engine_schedule_at(eng, 1.0, 0, 5, 12, 0, NULL);
    ms_engine_schedule_at(eng, 0.5, 0, 9, 13, 0, NULL);
    ms_engine_run(eng, INFINITY);
    CU_ASSERT_EQUAL(m.n, 4);
    CU_ASSERT_EQUAL(m.targets[0], 13);
    CU_ASSERT_EQUAL(m.targets[1], 11);
    CU_ASSERT_EQUAL(m.targets[2], 10);
    CU_ASSERT_EQUAL(m.targets[3], 12);
    ms_engine_destroy(eng);
}

static void test_stop_cancel_and_errors(void)
{
    log_model m = {.n = 0, .stop_at = 2};
    ms_engine *eng = ms_engine_create(&m, 4);
    ms_engine_on(eng, 0, record);
    ms_event_handle h;
    for (uint32_t i = 0; i < 5; i++)
        ms_engine_schedule_at(eng, i, 0, 0, i, 0, i == 3 ? &h : NULL);
    CU_ASSERT_EQUAL(ms_engine_cancel(eng, h), MS_OK);
    ms_engine_run(eng, INFINITY);
    CU_ASSERT_EQUAL(m.n, 2);                                                       /* stopped */
    CU_ASSERT_EQUAL(ms_engine_schedule_at(eng, 0.5, 0, 0, 0, 0, NULL), MS_EINVAL); /* past */
    CU_ASSERT_EQUAL(ms_engine_schedule_in(eng, NAN, 0, 0, 0, 0, NULL), MS_EINVAL);
    CU_ASSERT_EQUAL(ms_engine_on(eng, MS_ENGINE_MAX_TYPES, record), MS_EINVAL);
    m.stop_at = 0;
    ms_engine_run(eng, INFINITY);
    CU_ASSERT_EQUAL(m.n, 4); /* 2, 4 remain; 3 was cancelled */
    CU_ASSERT_EQUAL(m.targets[3], 4);
    ms_engine_on(eng, 2, fail);
    ms_engine_schedule_in(eng, 1, 2, 0, 0, 0, NULL);
    CU_ASSERT_EQUAL(ms_engine_run(eng, INFINITY), MS_ESTATE);
    ms_engine_schedule_in(eng, 1, 3, 0, 0, 0, NULL); /* no handler */
    CU_ASSERT_EQUAL(ms_engine_run(eng, INFINITY), MS_ESTATE);
    ms_engine_destroy(eng);
    ms_engine_destroy(NULL);
}

/* ---- fingerprints ------------------------------------------------------ */

static ms_status nop(ms_engine *eng, void *vm, const ms_event *ev)
{
    (void)eng, (void)vm, (void)ev;
    return MS_OK;
}

typedef struct {
    double time;
    uint32_t type;
    uint16_t priority;
    uint32_t target;
    uint64_t data;
} sched;

/* The fingerprint after handling `n` scheduled events up to `until`
 * (in two runs split at `split` when split < until). */
static uint64_t fingerprint_of(const sched *s, int n, double split, double until)
{
    ms_engine *eng = ms_engine_create(NULL, 4);
    ms_engine_on(eng, 0, nop);
    ms_engine_on(eng, 1, nop);
    for (int i = 0; i < n; i++)
        CU_ASSERT_EQUAL(ms_engine_schedule_at(eng, s[i].time, s[i].type, s[i].priority, s[i].target,
                                              s[i].data, NULL),
                        MS_OK);
    if (split < until)
        ms_engine_run(eng, split);
    ms_engine_run(eng, until);
    uint64_t fp = ms_engine_fingerprint(eng);
    ms_engine_destroy(eng);
    return fp;
}

#define N_SCHED 5
static const sched base[N_SCHED] = {
    {0.0, 0, 0, 1, 0}, {1.0, 0, 3, 2, 7}, {1.0, 1, 4, 3, 8}, {2.5, 0, 0, 4, 0}, {3.0, 1, 0, 5, 0},
};

/* What the fingerprint sees: each event's time, type and target, in
 * order; what it does not see: data words and how a run is split. */
static void test_fingerprint(void)
{
    uint64_t fp = fingerprint_of(base, N_SCHED, INFINITY, INFINITY);
    CU_ASSERT_EQUAL(fingerprint_of(base, N_SCHED, INFINITY, INFINITY), fp);
    CU_ASSERT_EQUAL(fingerprint_of(base, N_SCHED, 1.0, INFINITY), fp);
    CU_ASSERT_NOT_EQUAL(fingerprint_of(base, N_SCHED - 1, INFINITY, INFINITY), fp);
    /* events past the horizon are put back, not hashed */
    CU_ASSERT_EQUAL(fingerprint_of(base, N_SCHED, INFINITY, 2.9),
                    fingerprint_of(base, N_SCHED - 1, INFINITY, INFINITY));
    sched v[N_SCHED];
    memcpy(v, base, sizeof v);
    v[1].data = 99;
    CU_ASSERT_EQUAL(fingerprint_of(v, N_SCHED, INFINITY, INFINITY), fp);
    memcpy(v, base, sizeof v); /* same events, two equal-time ones swapped */
    v[1].priority = 5;
    CU_ASSERT_NOT_EQUAL(fingerprint_of(v, N_SCHED, INFINITY, INFINITY), fp);
    memcpy(v, base, sizeof v);
    v[3].target = 6;
    CU_ASSERT_NOT_EQUAL(fingerprint_of(v, N_SCHED, INFINITY, INFINITY), fp);
    memcpy(v, base, sizeof v);
    v[4].type = 0;
    CU_ASSERT_NOT_EQUAL(fingerprint_of(v, N_SCHED, INFINITY, INFINITY), fp);
    memcpy(v, base, sizeof v);
    v[3].time = 2.75;
    CU_ASSERT_NOT_EQUAL(fingerprint_of(v, N_SCHED, INFINITY, INFINITY), fp);
    /* a target and a type trading places must not cancel out */
    memcpy(v, base, sizeof v);
    v[2].type = 0;
    v[3].type = 1;
    CU_ASSERT_NOT_EQUAL(fingerprint_of(v, N_SCHED, INFINITY, INFINITY), fp);
}

static const ms_test_case cases[] = {
    {"run until, resume", test_run_until_and_resume},
    {"equal-time order", test_equal_time_order},
    {"stop, cancel, errors", test_stop_cancel_and_errors},
    {"fingerprint", test_fingerprint},
};

MS_TEST_MAIN("engine", cases)
