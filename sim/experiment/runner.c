/* runner.c - the ordered task runner: a thread pool whose results are
 * emitted strictly in task-id order (see runner.h).
 *
 * Invariants, all under `mu`:
 *  - ids below next_emit are emitted (or unselected); ids in
 *    [next_emit, next_take) are taken, running or done; ids from next_take
 *    on are untouched.
 *  - a worker takes id only if id < next_emit + window, so slot
 *    id % window belongs to exactly one un-emitted id at a time.
 *  - callbacks (run, emit, progress) run without the lock held.
 * The collector is the calling thread. It waits with a timeout so that a
 * stop flag set by a signal handler (which cannot signal a condition
 * variable) is seen within POLL_MS.
 */
#include "marketsim/runner.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/clock.h"

#define POLL_MS 50

enum { SLOT_EMPTY = 0, SLOT_RUNNING, SLOT_DONE, SLOT_FAILED };

typedef struct {
    int state;
    void *result;
    ms_status status;
    ms_error err;
} slot;

typedef struct {
    const ms_exp_plan *plan;
    uint64_t n_tasks;
    size_t window;
    slot *slots;
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* workers: room in the window, or stopping */
    pthread_cond_t done_cv; /* collector: a slot finished */
    uint64_t next_take, next_emit;
    int stopping;
} runner;

uint64_t ms_exp_task_id(uint64_t point, uint32_t replication, uint32_t replications)
{
    return point * replications + replication;
}

ms_exp_task ms_exp_task_of(uint64_t id, uint32_t replications)
{
    ms_exp_task t = {id, id / replications, (uint32_t)(id % replications)};
    return t;
}

static int selected(const runner *r, uint64_t id)
{
    return !r->plan->select || r->plan->select(r->plan->ctx, id);
}

static int stop_requested(const runner *r)
{
    return r->plan->stop && *r->plan->stop;
}

/* Takes the next selected id inside the window; returns 0 when the worker
 * should quit. Called and returns with mu held. */
static int take(runner *r, uint64_t *id)
{
    for (;;) {
        while (!r->stopping && r->next_take < r->n_tasks &&
               r->next_take >= r->next_emit + r->window)
            pthread_cond_wait(&r->work_cv, &r->mu);
        if (r->stopping || r->next_take >= r->n_tasks || stop_requested(r))
            return 0;
        uint64_t cand = r->next_take++;
        if (!selected(r, cand))
            continue;
        r->slots[cand % r->window].state = SLOT_RUNNING;
        *id = cand;
        return 1;
    }
}

static void *worker(void *arg)
{
    runner *r = arg;
    uint64_t id;
    pthread_mutex_lock(&r->mu);
    while (take(r, &id)) {
        pthread_mutex_unlock(&r->mu);
        ms_exp_task task = ms_exp_task_of(id, r->plan->replications);
        void *result = NULL;
        ms_error err;
        memset(&err, 0, sizeof err);
        ms_status st = r->plan->run(r->plan->ctx, &task, &result, &err);
        pthread_mutex_lock(&r->mu);
        slot *s = &r->slots[id % r->window];
        s->result = result;
        s->status = st;
        s->err = err;
        s->state = st == MS_OK ? SLOT_DONE : SLOT_FAILED;
        pthread_cond_signal(&r->done_cv);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

static void free_result(const runner *r, void *result)
{
    if (!result)
        return;
    if (r->plan->free_result)
        r->plan->free_result(r->plan->ctx, result);
    else
        free(result);
}

static void timed_wait(runner *r)
{
    struct timespec ts = ms_clock_after_ms(POLL_MS);
    pthread_cond_timedwait(&r->done_cv, &r->mu, &ts);
}

static void begin_stop(runner *r)
{
    r->stopping = 1;
    pthread_cond_broadcast(&r->work_cv);
}

/* Waits until slot `s` of id next_emit is finished. Returns 0 when it never
 * will be (stopping and the task was not taken). mu held. */
static int wait_slot(runner *r, slot *s)
{
    while (s->state != SLOT_DONE && s->state != SLOT_FAILED) {
        if (stop_requested(r) && !r->stopping)
            begin_stop(r);
        if (r->stopping && s->state == SLOT_EMPTY)
            return 0;
        timed_wait(r);
    }
    return 1;
}

/* The collector loop; returns the run's status. mu held on entry/exit. */
static ms_status collect(runner *r, ms_exp_report *rep, ms_error *err)
{
    while (r->next_emit < r->n_tasks) {
        uint64_t id = r->next_emit;
        if (!selected(r, id)) {
            r->next_emit++;
            pthread_cond_broadcast(&r->work_cv);
            continue;
        }
        slot *s = &r->slots[id % r->window];
        if (!wait_slot(r, s))
            return MS_EINTR;
        if (s->state == SLOT_FAILED) {
            rep->failed_id = id;
            if (err)
                *err = s->err;
            return s->status;
        }
        void *result = s->result;
        s->result = NULL;
        s->state = SLOT_EMPTY;
        pthread_mutex_unlock(&r->mu);
        ms_exp_task task = ms_exp_task_of(id, r->plan->replications);
        ms_status st = r->plan->emit(r->plan->ctx, &task, result, err);
        if (st == MS_OK && r->plan->progress)
            r->plan->progress(r->plan->ctx, rep->emitted + 1, rep->selected);
        pthread_mutex_lock(&r->mu);
        if (st != MS_OK)
            return st;
        rep->emitted++;
        r->next_emit++;
        pthread_cond_broadcast(&r->work_cv);
    }
    return stop_requested(r) ? MS_EINTR : MS_OK;
}

static ms_status check_plan(const ms_exp_plan *p, ms_error *err)
{
    if (!p->run || !p->emit || p->points == 0 || p->replications == 0 || p->threads < 1)
        return ms_error_set(err, MS_EINVAL, "", 0, "", "invalid experiment plan");
    if (p->points > UINT64_MAX / p->replications)
        return ms_error_set(err, MS_ERANGE, "", 0, "", "too many tasks");
    return MS_OK;
}

static ms_status init_runner(runner *r, const ms_exp_plan *plan, ms_error *err)
{
    memset(r, 0, sizeof *r);
    r->plan = plan;
    r->n_tasks = plan->points * plan->replications;
    r->window = plan->window ? plan->window : 4 * (size_t)plan->threads;
    r->slots = calloc(r->window, sizeof *r->slots);
    if (!r->slots)
        return ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, MS_CLOCK_ID);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->work_cv, NULL);
    pthread_cond_init(&r->done_cv, &ca);
    pthread_condattr_destroy(&ca);
    return MS_OK;
}

static void fini_runner(runner *r)
{
    for (size_t i = 0; i < r->window; i++)
        free_result(r, r->slots[i].result);
    free(r->slots);
    pthread_cond_destroy(&r->done_cv);
    pthread_cond_destroy(&r->work_cv);
    pthread_mutex_destroy(&r->mu);
}

static uint64_t count_selected(const runner *r)
{
    if (!r->plan->select)
        return r->n_tasks;
    uint64_t n = 0;
    for (uint64_t id = 0; id < r->n_tasks; id++)
        n += (uint64_t)selected(r, id);
    return n;
}

/* One thread: every task runs on the calling thread, in id order, so a
 * small task pays no hand-off between threads (on a loaded machine each
 * wake-up can wait for a time slice). Same emits, same order, same stop. */
static ms_status run_inline(runner *r, ms_exp_report *rep, ms_error *err)
{
    const ms_exp_plan *p = r->plan;
    for (uint64_t id = 0; id < r->n_tasks; id++) {
        if (!selected(r, id))
            continue;
        if (stop_requested(r))
            return MS_EINTR;
        ms_exp_task task = ms_exp_task_of(id, p->replications);
        void *result = NULL;
        ms_error terr;
        memset(&terr, 0, sizeof terr);
        ms_status st = p->run(p->ctx, &task, &result, &terr);
        if (st != MS_OK) {
            free_result(r, result);
            rep->failed_id = id;
            if (err)
                *err = terr;
            return st;
        }
        if ((st = p->emit(p->ctx, &task, result, err)) != MS_OK)
            return st;
        rep->emitted++;
        if (p->progress)
            p->progress(p->ctx, rep->emitted, rep->selected);
    }
    return stop_requested(r) ? MS_EINTR : MS_OK;
}

ms_status ms_exp_execute(const ms_exp_plan *plan, ms_exp_report *rep, ms_error *err)
{
    ms_exp_report local;
    rep = rep ? rep : &local;
    rep->selected = rep->emitted = 0;
    rep->failed_id = UINT64_MAX;
    ms_status st = check_plan(plan, err);
    runner r;
    if (st != MS_OK || (st = init_runner(&r, plan, err)) != MS_OK)
        return st;
    rep->selected = count_selected(&r);
    if (plan->threads == 1) {
        st = run_inline(&r, rep, err);
        fini_runner(&r);
        return st;
    }
    pthread_t *tids = calloc((size_t)plan->threads, sizeof *tids);
    int started = 0;
    if (!tids)
        st = ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    for (; tids && started < plan->threads; started++)
        if (pthread_create(&tids[started], NULL, worker, &r) != 0) {
            st = ms_error_set(err, MS_ESTATE, "", 0, "", "cannot start worker thread");
            break;
        }
    pthread_mutex_lock(&r.mu);
    if (st == MS_OK)
        st = collect(&r, rep, err);
    begin_stop(&r);
    pthread_mutex_unlock(&r.mu);
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    fini_runner(&r);
    return st;
}
