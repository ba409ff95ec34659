/* signals.c - SIGINT, SIGTERM and SIGHUP as a stop flag for the task runner.
 *
 * The handler only stores the signal number in a volatile sig_atomic_t
 * (the one async-signal-safe thing it can do); the runner polls the flag,
 * stops taking tasks and lets the command decide what to keep. This flag
 * is the project's only mutable global: a signal handler has no context
 * pointer to reach anything else.
 */
#include "marketsim/runner.h"

#include <string.h>

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

const volatile sig_atomic_t *ms_exp_signals_install(ms_exp_signals *saved)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* SA_RESTART: an interrupted write to a pipe must not turn into a
     * spurious I/O error; the runner polls the flag instead. */
    sa.sa_flags = SA_RESTART;
    stop_signal = 0;
    sigaction(SIGINT, &sa, &saved->old_int);
    sigaction(SIGTERM, &sa, &saved->old_term);
    sigaction(SIGHUP, &sa, &saved->old_hup); /* an ssh disconnect */
    return &stop_signal;
}

void ms_exp_signals_restore(const ms_exp_signals *saved)
{
    sigaction(SIGINT, &saved->old_int, NULL);
    sigaction(SIGTERM, &saved->old_term, NULL);
    sigaction(SIGHUP, &saved->old_hup, NULL);
}
