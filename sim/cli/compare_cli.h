/* compare_cli.h - `marketsim compare` between its two files (private to
 * sim/cli): cmd_compare.c parses flags and builds the sides,
 * compare_report.c writes the comparison's tables and prints the summary.
 */
#ifndef MARKETSIM_CLI_COMPARE_CLI_H
#define MARKETSIM_CLI_COMPARE_CLI_H

#include <stdint.h>

#include "marketsim/compare.h"
#include "marketsim/run.h"
#include "marketsim/scenario.h"
#include "options.h"

#define CMD "compare"
#define CMP_MAX_OUTCOMES 6

typedef struct {
    const char *path_a, *path_b;
    ms_cli_common c; /* -o -r -s -j --set --target-ci --max-reps -q */
    const char **sets_b;
    int nsets_b;
    int fan; /* --outcomes given */
    ms_outcome outcomes[CMP_MAX_OUTCOMES];
    int n_outcomes;
} cmp_args;

typedef struct {
    ms_scenario *sc[MS_COMPARE_MAX_SIDES];
    const char *names[MS_COMPARE_MAX_SIDES];
    int n;
    int loaded;             /* sides from ms_scenario_load (two files), else copies */
    ms_scenario_base *base; /* the one file read once (--set-b, --outcomes), else NULL */
} cmp_sides;

/* The fan's outcome probabilities: of every outcome (indexed by
 * ms_outcome), and of each side (NaN for the stochastic side). */
typedef struct {
    int exact; /* 1 exact, 0 estimated from the stochastic side */
    double p[MS_OUTCOME_COUNT], lo[MS_OUTCOME_COUNT], hi[MS_OUTCOME_COUNT];
    uint64_t n; /* replications behind an estimate */
    double side[MS_COMPARE_MAX_SIDES];
} cmp_report;

/* Opens and writes DIR's own files (compare.csv and compare_monthly.csv,
 * or outcomes.csv and outcome_probabilities.csv; then manifest.csv) into
 * the comparison's output set, filling rep for the fan. */
ms_status cmp_report_files(const cmp_args *a, const cmp_sides *s, ms_compare *c,
                           const char *command, cmp_report *rep, ms_error *err);
/* The stdout table. */
void cmp_report_print(const cmp_args *a, const cmp_sides *s, const ms_compare *c,
                      const cmp_report *rep);

#endif
