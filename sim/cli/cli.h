/* cli.h - the subcommands behind `marketsim COMMAND` (private to sim/cli;
 * sim/mpi, the layer above, wraps `sweep` through ms_cli_sweep_exec).
 *
 * Each returns the process exit status: 0 success, 1 runtime failure,
 * 2 usage or config error, 130 interrupted. argv[0] is the command name.
 * Only main() exits; commands print their own one-line errors on stderr.
 */
#ifndef MARKETSIM_CLI_H
#define MARKETSIM_CLI_H

#include <stdint.h>

#include "marketsim/csv.h"
#include "marketsim/sweep.h"

enum { MS_EXIT_OK = 0, MS_EXIT_FAIL = 1, MS_EXIT_USAGE = 2, MS_EXIT_INTERRUPTED = 130 };

int ms_cli_run(int argc, char **argv);
int ms_cli_validate(int argc, char **argv);
int ms_cli_schema(int argc, char **argv);
int ms_cli_sweep(int argc, char **argv);
int ms_cli_merge(int argc, char **argv);
int ms_cli_calibrate(int argc, char **argv);
int ms_cli_sensitivity(int argc, char **argv);
int ms_cli_compare(int argc, char **argv);
int ms_cli_bench(int argc, char **argv);

/* `marketsim bench market ...`, dispatched from ms_cli_bench. */
int ms_cli_bench_market(int argc, char **argv);

/* `marketsim sweep` with its tasks run by `executor` (NULL = threads);
 * writer = 0 on MPI worker ranks, which run tasks and write nothing. The
 * executor type is in sweep.h. */
int ms_cli_sweep_exec(int argc, char **argv, ms_sweep_executor_fn executor, void *exec_ctx,
                      int writer);

/* Prints a usage error as one line and returns MS_EXIT_USAGE. */
int ms_cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Strict flag-value parsers: the whole text must be a number in [min, max].
 * Return 0, or print a usage error naming the flag and return -1. */
int ms_cli_parse_u64(const char *command, const char *flag, const char *text, uint64_t min,
                     uint64_t max, uint64_t *out);
int ms_cli_parse_double(const char *command, const char *flag, const char *text, double min,
                        double max, double *out);

/* Appends "marketsim ARGS..." as a shell would re-read it (for manifests):
 * call before getopt permutes argv. */
void ms_cli_command_text(ms_buf *b, int argc, char **argv);

/* Checks an output directory given on the command line before anything
 * runs: an empty DIR (an unset $OUT in a script) would mean the current
 * directory, and an existing file that is not a directory cannot hold
 * results. Returns 0, or prints a usage error naming `flag` and returns -1. */
int ms_cli_check_out_dir(const char *command, const char *flag, const char *dir);

/* Version string, e.g. "0.1.0 (git 1a2b3c4d5e6f)". */
const char *ms_cli_version(void);

#endif
