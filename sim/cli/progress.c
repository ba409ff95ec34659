/* progress.c - the stderr progress line (see progress.h). */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "marketsim/clock.h"

#define MIN_INTERVAL 0.2 /* seconds between redraws */

void ms_progress_init(ms_progress *p, const char *label, const char *unit, int quiet)
{
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->label = label;
    p->unit = unit;
    p->start = p->last = ms_clock_seconds();
    p->shown = 0;
}

void ms_progress_update(ms_progress *p, uint64_t done, uint64_t total)
{
    if (!p->enabled)
        return;
    double t = ms_clock_seconds();
    if (done < total && t - p->last < MIN_INTERVAL)
        return;
    p->last = t;
    double elapsed = t - p->start;
    double rate = elapsed > 0 ? (double)done / elapsed : 0.0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0.0;
    /* Human display only, never parsed: the C locale is in force anyway. */
    fprintf(stderr, "\r%s: %llu/%llu %s, %.2f/s, ETA %.0fs   ", p->label, (unsigned long long)done,
            (unsigned long long)total, p->unit, rate, eta);
    fflush(stderr);
    p->shown = 1;
}

void ms_progress_finish(ms_progress *p)
{
    if (p->enabled && p->shown)
        fprintf(stderr, "\r%*s\r", 72, "");
    p->shown = 0;
}
