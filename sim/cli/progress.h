/* progress.h - a one-line progress display on stderr (private to sim/cli).
 *
 * Shown only when stderr is a terminal and the command is not --quiet, so
 * logs, pipes and CI stay clean and stdout is never touched. Updates are
 * throttled to a few per second; the line is erased when finished.
 */
#ifndef MARKETSIM_CLI_PROGRESS_H
#define MARKETSIM_CLI_PROGRESS_H

#include <stdint.h>

typedef struct {
    int enabled;
    const char *label;  /* e.g. "run" */
    const char *unit;   /* e.g. "replications" */
    double start, last; /* monotonic seconds */
    int shown;
} ms_progress;

/* Enables the display iff stderr is a terminal and quiet is 0. */
void ms_progress_init(ms_progress *p, const char *label, const char *unit, int quiet);
/* Shows `done of total`, the rate and an ETA (throttled; the last update
 * is always shown). */
void ms_progress_update(ms_progress *p, uint64_t done, uint64_t total);
/* Erases the line if anything was shown. */
void ms_progress_finish(ms_progress *p);

#endif
