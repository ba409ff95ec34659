/* results_csv.h - one replication's ms_market_result as tidy CSV rows.
 *
 * The io layer's view of the model: plain numeric rows in, CSV text out,
 * entity names looked up in the scenario by index. Rows are appended to
 * caller-owned buffers (no header), so a worker thread can format its
 * replication and the collector write the buffers later in task order.
 * Column lists and precisions are documented in docs/outputs.md.
 */
#ifndef MARKETSIM_RESULTS_CSV_H
#define MARKETSIM_RESULTS_CSV_H

#include <stdint.h>

#include "marketsim/csv.h"
#include "marketsim/market.h"
#include "marketsim/scenario.h"

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

#endif
