/* runner.h - tasks, the ordered task runner and the interrupt flag: the
 * model-free machinery every multi-task command runs on (it knows nothing
 * of scenarios or markets; see run.h for one evaluation of a scenario).
 *
 * A task is one replication of one point (a sweep point; `run` has one
 * point). Its canonical id is point * replications + replication, so the
 * tasks of a point are contiguous and a point's statistics can be written
 * as soon as its last replication is emitted. Ids never depend on threads,
 * shards or ranks; a shard or a resumed run selects a subset of ids.
 *
 * The runner executes tasks on a pool of threads. Each task produces an
 * opaque result (e.g. CSV rows in ms_buf form); a collector on the calling
 * thread hands results to `emit` strictly in id order, as soon as every
 * earlier selected task has been emitted. Workers never run more than
 * `window` ids ahead of the collector, so memory stays flat however many
 * tasks there are. Output is therefore byte-identical for any thread count
 * as long as `run` is a pure function of the task.
 */
#ifndef MARKETSIM_RUNNER_H
#define MARKETSIM_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "marketsim/error.h"

/* ---- tasks and the ordered runner ------------------------------------ */

typedef struct {
    uint64_t id; /* canonical: point * replications + replication */
    uint64_t point;
    uint32_t replication;
} ms_exp_task;

/* The task id of (point, replication) and its inverse. */
uint64_t ms_exp_task_id(uint64_t point, uint32_t replication, uint32_t replications);
ms_exp_task ms_exp_task_of(uint64_t id, uint32_t replications);

/* Runs one task on a worker thread; stores an owned result in *result
 * (may be NULL). Must not touch shared mutable state except through its
 * own synchronisation. A non-MS_OK status (with err filled) fails the
 * run: the collector reports the lowest failing id's error. */
typedef ms_status (*ms_exp_run_fn)(void *ctx, const ms_exp_task *task, void **result,
                                   ms_error *err);
/* Consumes a result on the calling thread, in id order. Takes ownership
 * of result (free it, or keep it). A non-MS_OK status stops the run. */
typedef ms_status (*ms_exp_emit_fn)(void *ctx, const ms_exp_task *task, void *result,
                                    ms_error *err);
/* Frees a result that was produced but will never be emitted (after a
 * failure or an interrupt). NULL means free(). */
typedef void (*ms_exp_free_fn)(void *ctx, void *result);
/* 1 to run task `id` (shards: id % N == K; resume: not yet done). Must be
 * pure: it is called by workers and by the collector. NULL selects all. */
typedef int (*ms_exp_select_fn)(void *ctx, uint64_t id);
/* Called on the calling thread after each emit. */
typedef void (*ms_exp_progress_fn)(void *ctx, uint64_t emitted, uint64_t selected);

typedef struct {
    uint64_t points;       /* >= 1 */
    uint32_t replications; /* >= 1 */
    int threads;           /* worker threads, >= 1 */
    size_t window;         /* max ids in flight ahead of the collector; 0 = 4 x threads */
    ms_exp_run_fn run;
    ms_exp_emit_fn emit;
    ms_exp_free_fn free_result;
    ms_exp_select_fn select;
    ms_exp_progress_fn progress;
    void *ctx; /* passed to every callback */
    /* Checked before each task is taken and while waiting: non-zero stops
     * the run after the tasks already running finish (e.g. the flag from
     * ms_exp_signals_install). NULL = never. */
    const volatile sig_atomic_t *stop;
} ms_exp_plan;

typedef struct {
    uint64_t selected;  /* tasks the plan selects */
    uint64_t emitted;   /* tasks emitted, a prefix of the selected in id order */
    uint64_t failed_id; /* id of the failing task when a task failed, else UINT64_MAX */
} ms_exp_report;

/* Runs the plan. Returns MS_OK when every selected task was emitted;
 * MS_EINTR when *stop became non-zero (every task finished before the stop
 * that extends the emitted prefix is still emitted); a task's or emit's
 * status (err filled) when one fails; MS_EINVAL / MS_ENOMEM / MS_ESTATE
 * for a bad plan or a thread that cannot start. rep may be NULL. */
ms_status ms_exp_execute(const ms_exp_plan *plan, ms_exp_report *rep, ms_error *err);

/* ---- SIGINT / SIGTERM / SIGHUP ----------------------------------------- */

/* Saved handlers, caller-allocated. */
typedef struct {
    struct sigaction old_int, old_term, old_hup;
} ms_exp_signals;

/* Installs SIGINT, SIGTERM and SIGHUP handlers that only record the signal in a
 * flag, and returns that flag (cleared) for ms_exp_plan.stop. One set of
 * handlers per process at a time. */
const volatile sig_atomic_t *ms_exp_signals_install(ms_exp_signals *saved);
/* Restores the handlers saved by install. */
void ms_exp_signals_restore(const ms_exp_signals *saved);

#endif
