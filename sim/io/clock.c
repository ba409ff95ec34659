/* clock.c - the monotonic clock (see clock.h). */
#include "marketsim/clock.h"

double ms_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(MS_CLOCK_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct timespec ms_clock_after_ms(long ms)
{
    struct timespec ts;
    clock_gettime(MS_CLOCK_ID, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}
