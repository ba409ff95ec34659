/* run.h - one evaluation of a scenario: the core under `run`, `sweep`,
 * `merge`, MPI and every command that evaluates a scenario many times
 * (calibration, paired comparison, sensitivity).
 *
 * An evaluation is (a loaded scenario base, a list of KEY=VALUE overrides,
 * replications, seed, threads). ms_run derives the scenario from the base
 * (ms_scenario_base_derive: the file is never read again; the overrides get
 * exactly --set's type and range checks, and errors name the key), runs its
 * replications on the ordered task runner and returns, per replication, the
 * metrics of summary.csv and (on request) monthly series, plus the summary
 * over replications. With an output directory it also writes the run's
 * files, byte for byte what `marketsim run` writes.
 *
 * Determinism: replication r of an evaluation is a pure function of (the
 * derived scenario, its seed, r). Results, series and files are identical
 * for any thread count, and two evaluations with the same seed share their
 * random numbers buyer by buyer (common random numbers), so differences
 * between overrides can be taken pairwise by replication.
 *
 * Typical use (error handling elided):
 *
 *     ms_scenario_base *base;   ms_errors errs;   ms_error err;
 *     ms_scenario_base_load("scenarios/frontier_dispute.cfg", NULL, 0, &base, &errs);
 *     const char *ov[] = {"dispute.p_amend=0.3", "buyers.count=2000"};
 *     ms_run_options o = ms_run_defaults();
 *     o.replications = 8;  o.threads = 2;  o.series = 1;
 *     ms_run_result *r;
 *     if (ms_run(base, ov, 2, &o, &r, &errs, &err) == MS_OK) {
 *         const ms_run_series *s = &r->reps[0].series;
 *         double aws60 = ms_run_series_at(s->share_spend, s->n_clouds, 60, 0);
 *         ms_run_result_free(r);
 *     }
 *     ms_scenario_base_destroy(base);
 */
#ifndef MARKETSIM_RUN_H
#define MARKETSIM_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "marketsim/error.h"
#include "marketsim/market.h"
#include "marketsim/runner.h"
#include "marketsim/scenario.h"
#include "marketsim/stats.h"

/* Caps shared by every command (one place for them): replications as
 * sim.replications allows them (scenario.h). */
#define MS_RUN_MAX_REPLICATIONS ((unsigned)MS_MAX_REPLICATIONS)
#define MS_RUN_MAX_THREADS 1024u

/* One replication's monthly series. Month m runs 0..months-1 (month 0 is
 * the initial state, months = horizon_months + 1). Matrices are row-major
 * by month: element (m, i) of a [months x n] matrix is at m * n + i; read
 * them with ms_run_series_at. Entity i is the scenario's i-th cloud,
 * vendor or segment (ids in ms_run_result.scenario). */
typedef struct {
    int months, n_clouds, n_vendors, n_segments;
    double *share_spend;        /* [months x n_clouds]: market.csv share_spend */
    double *share_buyers;       /* [months x n_clouds]: market.csv share_buyers */
    double *spend;              /* [months x n_clouds]: market.csv spend, $M a year */
    double *vendor_share_spend; /* [months x n_vendors]: the vendor's products' spend over
                                 * all products' spend (0 before any adoption); at the last
                                 * month it equals the vendor_share_spend metric */
    double *adoption;           /* [months x n_segments]: adopted / buyers (segments.csv) */
    double *multicloud;         /* [months x n_segments]: multicloud / adopted, 0 when no
                                 * buyer of the segment has adopted */
    double *total_spend;        /* [months]: all AI spend that month, $M a year */
} ms_run_series;

/* Element (month, i) of a [months x n] series matrix. */
static inline double ms_run_series_at(const double *m, int n, int month, int i)
{
    return m[(size_t)month * (size_t)n + (size_t)i];
}

/* What one replication leaves. */
typedef struct {
    uint32_t replication;
    ms_metric *metrics; /* summary.csv's metrics, in the model's order */
    size_t n_metrics;
    ms_run_series series; /* all NULL unless ms_run_options.series */
    uint64_t events, decisions;
    uint64_t fingerprint; /* the engine's event-trace hash (docs/engine.md) */
} ms_run_rep;

typedef struct {
    ms_scenario scenario;  /* as evaluated: overrides, seed and replications applied */
    uint32_t replications; /* == scenario.replications */
    ms_run_rep *reps;      /* [replications], in replication order */
    /* (metric, subject) over replications in first-appearance order: the
     * rows of summary.csv (ms_stats_summarize each for mean, sd, CI). */
    ms_stats_table *summary;
    /* The replications' event-trace hashes folded in replication order
     * (manifest.csv's fingerprint, `run --fingerprint`). */
    uint64_t fingerprint;
} ms_run_result;

typedef struct {
    uint32_t replications; /* 0 = the scenario's sim.replications */
    int have_seed;
    uint64_t seed; /* when have_seed: the master seed (any 64-bit value) */
    int threads;   /* worker threads, >= 1; never changes a result */
    int series;    /* fill each replication's monthly series */
    int keep_reps; /* keep per-replication metrics in reps (1 by default) */
    /* Files: NULL writes nothing. Otherwise market/products/segments/
     * events.csv, summary.csv, scenario.resolved.cfg and manifest.csv (and
     * decisions.csv with trace) are written into out_dir as one atomic set,
     * exactly as `marketsim run` does; `command` is the manifest's
     * command row. The caller should install signal handlers first
     * (ms_exp_signals_install) and pass their flag as stop, so an interrupt
     * never leaves temporaries. */
    const char *out_dir;
    int trace;
    const char *command;
    ms_exp_progress_fn progress; /* called on the calling thread; may be NULL */
    void *progress_ctx;
    const volatile sig_atomic_t *stop; /* non-zero stops the run (MS_EINTR) */
} ms_run_options;

/* Defaults: the scenario's replications and seed, one thread, no series,
 * per-replication metrics kept, no files. */
ms_run_options ms_run_defaults(void);

/* Evaluates base under `overrides` (KEY=VALUE, applied after the base's
 * own; NULL/0 for none). On success returns MS_OK and *out owns a result
 * (free with ms_run_result_free). Failures, with *out NULL:
 *   MS_ECONFIG  an override is bad: errs holds --set's messages (file
 *               "--set", the key), nothing is simulated or written;
 *   MS_EINTR    *stop became non-zero: no files are left;
 *   MS_EIO      a file could not be written (err: the path and the reason);
 *   MS_ENOMEM / MS_EINVAL (bad options) / the model's status, err filled.
 * base is only read: several threads may call ms_run on one base. */
ms_status ms_run(const ms_scenario_base *base, const char *const *overrides, int noverrides,
                 const ms_run_options *opt, ms_run_result **out, ms_errors *errs, ms_error *err);

/* The same on a scenario already derived (opt's replications and seed
 * still apply to a copy). */
ms_status ms_run_scenario(const ms_scenario *sc, const ms_run_options *opt, ms_run_result **out,
                          ms_error *err);

/* The value of (metric, subject) in replication rep, or NaN when that
 * replication does not report it (e.g. resolution_months when unresolved). */
double ms_run_metric(const ms_run_rep *rep, const char *metric, const char *subject);

/* NULL is a no-op. */
void ms_run_result_free(ms_run_result *r);

/* ---- the output layer (shared by run and sweep) ------------------------ */

/* summary.csv's text for a table of (metric, subject) accumulators:
 * `scenario,metric,subject,mean,sd,ci95_low,ci95_high,n`, 95% Student-t.
 * Appends to b (failures sticky in b). */
void ms_run_format_summary(ms_buf *b, const char *scenario, const ms_stats_table *t);

/* manifest.csv's rows for a run of sc (manifest.h: the shared keys with
 * scenario.resolved.cfg, whose bytes are `resolved`, then horizon_months
 * and fingerprint), for replications whose event-trace hashes folded to
 * `fingerprint` (f = ms_rng_mix64(f ^ rep's hash), from 0, in replication
 * order). Appends to b; the caller may add rows of its own, then ends it
 * with ms_manifest_end. */
void ms_run_format_manifest(ms_buf *b, const ms_scenario *sc, const char *resolved,
                            size_t resolved_len, uint64_t fingerprint);

#endif
