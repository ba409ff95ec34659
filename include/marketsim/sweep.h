/* sweep.h - designed experiments: every (point, replication) of a design
 * run as tasks, written as tidy CSV in task order.
 *
 * Task id = point * replications + replication. A replication's random
 * streams depend on the master seed and the replication only, so every
 * point faces the same buyers with the same luck (common random numbers).
 *
 * Every path to the final files goes through one assembler fed task rows
 * in id order: threads, a resumed run, merged shards and MPI ranks all
 * produce the same bytes by construction. A task's rows are text
 * (`point,replication,seed,<keys>,metric,subject,value`, values in %.17g),
 * so they can be journaled, sent between ranks and merged exactly.
 *
 * Files in DIR: sweep.csv, sweep_summary.csv, manifest.csv and
 * scenario.resolved.cfg (the base scenario). A shard K/N writes
 * sweep.part-K-of-N.csv and manifest.part-K-of-N.csv instead; `merge` joins
 * them. Finished tasks are appended to a journal (.sweep.journal,
 * .sweep.part-K-of-N.journal, or .sweep.rREPS.journal per --target-ci
 * round) as checksummed records, so a sweep killed by any signal continues
 * with --resume (which also removes temporaries a killed run left); the
 * journal is deleted on success.
 */
#ifndef MARKETSIM_SWEEP_H
#define MARKETSIM_SWEEP_H

#include <signal.h>
#include <stdint.h>

#include "marketsim/design.h"
#include "marketsim/error.h"
#include "marketsim/runner.h"

/* Runs a plan's tasks somewhere (threads by default, MPI ranks in the MPI
 * build). Sweep task results handed to emit are `ms_buf *` rows. */
typedef ms_status (*ms_sweep_executor_fn)(void *exec_ctx, const ms_exp_plan *plan,
                                          ms_exp_report *rep, ms_error *err);

typedef struct {
    const char *scenario_path;
    const char *const *sets; /* base overrides, KEY=VALUE */
    int n_sets;
    const ms_design *design;
    uint32_t replications; /* 0 = the scenario's sim.replications */
    int have_seed;
    uint64_t seed; /* when have_seed, overrides sim.seed */
    int threads;
    uint32_t shard_k, shard_n; /* shard_n = 0: not sharded */
    int resume;
    const char *out_dir;
    /* --target-ci: add replications until the 95% interval of
     * (metric, subject) has half-width <= target at every point. */
    const char *target_metric, *target_subject;
    double target_halfwidth; /* 0 = off */
    uint32_t max_reps;
    ms_exp_progress_fn progress;
    void *progress_ctx;
    const volatile sig_atomic_t *stop;
    ms_sweep_executor_fn executor; /* NULL = ms_exp_execute on threads */
    void *exec_ctx;
    int writer;          /* 0 on MPI worker ranks: run tasks, write nothing */
    const char *command; /* the command line, for manifest.csv */
} ms_sweep_config;

typedef struct {
    uint64_t points, tasks, done;
    uint32_t replications;  /* in the final sweep (after --target-ci) */
    double worst_halfwidth; /* of the target metric, over points */
    uint64_t resumed;       /* tasks taken from the journal */
} ms_sweep_report;

/* Validates every point (config errors go to errs, status MS_ECONFIG, and
 * nothing is written), then runs the sweep. Returns MS_OK, MS_ECONFIG,
 * MS_EUSAGE (err: e.g. an unfinished sweep without --resume), MS_EINTR
 * (interrupted; finished tasks are journaled), MS_EIO or a task's error. */
ms_status ms_sweep_run(const ms_sweep_config *cfg, ms_sweep_report *rep, ms_errors *errs,
                       ms_error *err);

/* Joins the part files of a sharded sweep in DIR into exactly the files an
 * unsharded run writes (manifest.csv's command row is `command`, merge's
 * own command line). A non-zero *stop (stop may be NULL) ends it with
 * MS_EINTR before the commit, DIR as it was. Refuses missing or duplicate tasks and manifests
 * that disagree (MS_EUSAGE with err filled). */
ms_status ms_sweep_merge(const char *dir, const char *command, const volatile sig_atomic_t *stop,
                         ms_error *err);

#endif
