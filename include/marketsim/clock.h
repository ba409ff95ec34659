/* clock.h - the monotonic clock, for elapsed time only: progress rates,
 * benchmark timings and the task runner's polling waits. Never a seed and
 * never part of an output (results do not depend on time).
 */
#ifndef MARKETSIM_CLOCK_H
#define MARKETSIM_CLOCK_H

#include <time.h>

/* CLOCK_MONOTONIC, the clock every caller (and the runner's condition
 * variable, pthread_condattr_setclock) uses. */
#define MS_CLOCK_ID CLOCK_MONOTONIC

/* Seconds since an arbitrary fixed point (differences only). */
double ms_clock_seconds(void);
/* The monotonic time ms milliseconds from now: a deadline for
 * pthread_cond_timedwait on a condition variable set to MS_CLOCK_ID. */
struct timespec ms_clock_after_ms(long ms);

#endif
