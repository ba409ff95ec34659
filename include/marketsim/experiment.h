/* experiment.h - tasks, the ordered task runner, replication statistics
 * and the interrupt flag: what `run` and `sweep` share.
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
#ifndef MARKETSIM_EXPERIMENT_H
#define MARKETSIM_EXPERIMENT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "marketsim/csv.h"
#include "marketsim/error.h"
#include "marketsim/market.h"
#include "marketsim/results_csv.h"
#include "marketsim/scenario.h"

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

/* ---- SIGINT / SIGTERM -------------------------------------------------- */

/* Saved handlers, caller-allocated. */
typedef struct {
    struct sigaction old_int, old_term;
} ms_exp_signals;

/* Installs SIGINT and SIGTERM handlers that only record the signal in a
 * flag, and returns that flag (cleared) for ms_exp_plan.stop. One set of
 * handlers per process at a time. */
const volatile sig_atomic_t *ms_exp_signals_install(ms_exp_signals *saved);
/* Restores the handlers saved by install. */
void ms_exp_signals_restore(const ms_exp_signals *saved);

/* ---- statistics over replications ------------------------------------- */

/* Welford accumulator: O(1) memory, numerically stable, and (fed in id
 * order) deterministic. Zero-initialise or ms_stats_acc_init. */
typedef struct {
    uint64_t n;
    double mean, m2;
} ms_stats_acc;

void ms_stats_acc_init(ms_stats_acc *a);
void ms_stats_acc_add(ms_stats_acc *a, double x);

typedef struct {
    uint64_t n;
    double mean;
    double sd;              /* sample sd (n - 1); NaN when n < 2 */
    double ci_low, ci_high; /* Student-t interval; NaN when n < 2 */
} ms_stats_summary;

/* Mean, sd and the two-sided Student-t interval at `level` (0.95):
 * mean -/+ t(1 - (1 - level)/2, n - 1) * sd / sqrt(n), t from GSL's
 * gsl_cdf_tdist_Pinv. NaN mean when n == 0. */
void ms_stats_summarize(const ms_stats_acc *a, double level, ms_stats_summary *s);

/* Replications for the next --target-ci round (sweep, compare): enough for
 * a 95% half-width of `target` if the sd behind the current `worst`
 * half-width at `reps` replications holds; at least 2 x reps, at most max. */
uint32_t ms_stats_next_reps(uint32_t reps, double worst, double target, uint32_t max);

/* Writes the five fields mean,sd,ci95_low,ci95_high,n of a summary row
 * (computed precision; an undefined value, e.g. sd when n < 2, is an
 * empty field, which R and pandas read as missing). */
void ms_stats_write_csv(ms_csv *w, const ms_stats_summary *s);

/* Accumulators keyed by (metric, subject), kept in first-appearance order
 * (the stable row order of summary.csv). Use one table per point and
 * ms_stats_table_clear it once the point's rows are written. */
typedef struct ms_stats_table ms_stats_table;

/* Returns NULL when out of memory. */
ms_stats_table *ms_stats_table_create(void);
/* NULL is a no-op. */
void ms_stats_table_destroy(ms_stats_table *t);
/* Adds one replication's value. Keys longer than 63 bytes are truncated.
 * Returns MS_OK or MS_ENOMEM. */
ms_status ms_stats_table_add(ms_stats_table *t, const char *metric, const char *subject,
                             double value);
size_t ms_stats_table_count(const ms_stats_table *t);
/* The i-th key in first-appearance order (pointers live until clear). */
void ms_stats_table_key(const ms_stats_table *t, size_t i, const char **metric,
                        const char **subject);
const ms_stats_acc *ms_stats_table_acc(const ms_stats_table *t, size_t i);
/* Index of (metric, subject), or -1. */
long ms_stats_table_find(const ms_stats_table *t, const char *metric, const char *subject);
/* Forgets every key, keeping storage. */
void ms_stats_table_clear(ms_stats_table *t);

/* ---- one replication as a task ----------------------------------------- */

/* What one replication leaves for the collector: its CSV rows (no
 * headers) per results file, and its summary metrics. The decision trace
 * grows with the number of buyers (~0.5 KB a decision), so beyond
 * MS_EXP_SPILL_BYTES it is moved to an anonymous temporary file (tmpfile)
 * and memory stays flat; read it back only through ms_exp_rep_write. */
#define MS_EXP_SPILL_BYTES (4u << 20)
typedef struct {
    ms_buf files[MS_RESULTS_COUNT]; /* DECISIONS only filled with trace */
    FILE *spill;                    /* earlier DECISIONS rows, or NULL */
    int spill_failed;               /* a spill write failed (errno lost) */
    ms_metric *metrics;
    size_t n_metrics;
    uint64_t events, decisions; /* engine events, procurement decisions */
    uint64_t fingerprint;       /* the replication's event-trace hash */
} ms_exp_rep_result;

/* Simulates replication `rep` of sc and formats it. With trace, every
 * procurement decision becomes a decisions.csv row (the model promises the
 * trace draws no random numbers, so other files do not change). Returns
 * MS_OK with *out owned by the caller (free with ms_exp_rep_result_free),
 * or the model's status / MS_ENOMEM with err filled and *out NULL. */
ms_status ms_exp_replicate(const ms_scenario *sc, uint32_t rep, int trace, ms_exp_rep_result **out,
                           ms_error *err);
/* NULL is a no-op. */
void ms_exp_rep_result_free(ms_exp_rep_result *r);

/* Appends the rows of results file f (spilled ones first) to out.
 * Returns MS_OK, MS_ENOMEM (a buffer had failed) or MS_EIO. */
ms_status ms_exp_rep_write(ms_exp_rep_result *r, ms_results_file f, FILE *out);

/* Adds a replication's metrics to a table (in the model's order, so the
 * table keeps first-appearance order across replications). */
ms_status ms_exp_rep_add_metrics(const ms_exp_rep_result *r, ms_stats_table *t);

#endif
