/* results_csv.h - one replication's ms_market_result as tidy CSV rows
 * (private to sim/experiment: the rows are where the model meets files).
 *
 * Plain numeric rows in, CSV text out,
 * entity names looked up in the scenario by index. Rows are appended to
 * caller-owned buffers (no header), so a worker thread can format its
 * replication and the collector write the buffers later in task order.
 * Column lists and precisions are documented in docs/outputs.md.
 */
#ifndef MS_EXPERIMENT_RESULTS_CSV_H
#define MS_EXPERIMENT_RESULTS_CSV_H

#include <stdint.h>

#include "marketsim/csv.h"
#include "marketsim/market.h"
#include "marketsim/run.h"
#include "marketsim/scenario.h"
#include "marketsim/stats.h"

/* The per-replication files of `marketsim run`, in the order written. */
typedef enum {
    MS_RESULTS_MARKET = 0, /* market.csv */
    MS_RESULTS_PRODUCTS,   /* products.csv */
    MS_RESULTS_SEGMENTS,   /* segments.csv */
    MS_RESULTS_EVENTS,     /* events.csv */
    MS_RESULTS_DECISIONS,  /* decisions.csv (--trace only) */
    MS_RESULTS_COUNT
} ms_results_file;

/* File name (e.g. "market.csv") and header line (no newline). */
const char *ms_results_file_name(ms_results_file f);
const char *ms_results_columns(ms_results_file f);

/* Appends the rows of replication `rep` to bufs[MS_RESULTS_MARKET ..
 * MS_RESULTS_EVENTS] (decisions come from ms_results_format_decision).
 * Failures are sticky in the buffers (check ms_buf_ok). */
void ms_results_format(const ms_scenario *sc, uint32_t rep, const ms_market_result *res,
                       ms_buf bufs[MS_RESULTS_COUNT]);

/* Appends one decisions.csv row: the offers considered in short form
 * `product@cloud:U(-Ss,-Lu)` joined by ';' (U systematic utility, S the
 * switching-cost term, L the legal-uncertainty term, both shown with the
 * sign they enter U with, so a zero term prints `0s`; 4 significant
 * digits), and the choice `product@cloud` or `defer`. */
void ms_results_format_decision(ms_buf *b, const ms_scenario *sc, uint32_t rep,
                                const ms_decision_record *rec);

/* ---- one replication as a task (replicate.c) ---------------------------- */

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
    ms_run_series series;       /* with MS_REP_SERIES */
} ms_exp_rep_result;

enum {
    MS_REP_FILES = 1,  /* format the rows of the per-replication files */
    MS_REP_TRACE = 2,  /* and decisions.csv (needs MS_REP_FILES) */
    MS_REP_SERIES = 4, /* fill the monthly series */
};

/* Simulates replication `rep` of sc and keeps what `flags` asks for, plus
 * the metrics. With MS_REP_TRACE, every procurement decision becomes a
 * decisions.csv row (the model promises the trace draws no random numbers,
 * so other files do not change). Returns MS_OK with *out owned by the
 * caller (free with ms_exp_rep_result_free), or the model's status /
 * MS_ENOMEM with err filled and *out NULL. */
ms_status ms_exp_replicate(const ms_scenario *sc, uint32_t rep, unsigned flags,
                           ms_exp_rep_result **out, ms_error *err);

/* The monthly series of one result (run.c). Returns MS_OK or MS_ENOMEM;
 * free with ms_run_series_fini. */
ms_status ms_run_series_fill(ms_run_series *s, const ms_scenario *sc, const ms_market_result *res);
void ms_run_series_fini(ms_run_series *s);
/* NULL is a no-op. */
void ms_exp_rep_result_free(ms_exp_rep_result *r);

/* Appends the rows of results file f (spilled ones first) to out.
 * Returns MS_OK, MS_ENOMEM (a buffer had failed) or MS_EIO. */
ms_status ms_exp_rep_write(ms_exp_rep_result *r, ms_results_file f, FILE *out);

/* Adds a replication's metrics to a table (in the model's order, so the
 * table keeps first-appearance order across replications). */
ms_status ms_exp_rep_add_metrics(const ms_exp_rep_result *r, ms_stats_table *t);

#endif
