/* main.c - `marketsim COMMAND ...`: dispatch, --help, --version.
 *
 * The only place that exits. Every command returns its exit status:
 * 0 success, 1 runtime failure, 2 usage or config error, 130 interrupted.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command;

#ifdef MARKETSIM_WITH_MPI
int ms_mpi_sweep(int argc, char **argv); /* sim/mpi/mpi_driver.c */
#define SWEEP_FN ms_mpi_sweep
#else
#define SWEEP_FN ms_cli_sweep
#endif

static const command commands[] = {
    {"run", ms_cli_run, "run a scenario's replications and write tidy CSVs"},
    {"validate", ms_cli_validate, "check a scenario and print a summary"},
    {"sweep", SWEEP_FN, "run a designed experiment over varied keys"},
    {"merge", ms_cli_merge, "join the part files of a sharded sweep"},
    {"calibrate", ms_cli_calibrate, "fit scenario keys to observed figures"},
    {"sensitivity", ms_cli_sensitivity, "Sobol or Morris indices: which keys drive the results"},
    {"compare", ms_cli_compare, "paired difference of two scenarios; the outcome fan"},
    {"schema", ms_cli_schema, "list every scenario key: type, default, range, meaning"},
    {"bench", ms_cli_bench, "benchmarks: `bench phold`, `bench market`"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: marketsim COMMAND [ARGS]...\n\n"
                 "A discrete-event simulator of enterprise AI spend across clouds and model\n"
                 "vendors under contract regimes and legal disputes.\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n  marketsim help COMMAND    help on one command (same as COMMAND --help)\n"
                 "  marketsim --version       version and git commit\n\n"
                 "Exit status: 0 success, 1 runtime failure, 2 usage or config error,\n"
                 "130 interrupted. Documentation: docs/ and README.md.\n");
}

static const command *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int help(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return MS_EXIT_OK;
    }
    const command *c = find(argv[1]);
    if (!c)
        return ms_cli_usage_error(NULL, "unknown command '%s' (see marketsim --help)", argv[1]);
    char *sub[] = {argv[1], "--help", NULL};
    return c->fn(2, sub);
}

/* Every command's stdout is checked once, at the end: a table or help
 * text lost to a full disk or a closed pipe is a failure (exit 1), not a
 * silent success. The command's own status wins when it already failed. */
static int finish(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "marketsim: error: cannot write to standard output: %s\n",
                strerror(errno ? errno : EIO));
        return rc == MS_EXIT_OK ? MS_EXIT_FAIL : rc;
    }
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return MS_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return MS_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("marketsim %s\n", ms_cli_version());
        return MS_EXIT_OK;
    }
    if (strcmp(name, "help") == 0)
        return help(argc - 1, argv + 1);
    const command *c = find(name);
    if (!c) {
        if (name[0] == '-')
            return ms_cli_usage_error(NULL, "unknown option '%s' (see marketsim --help)", name);
        return ms_cli_usage_error(NULL, "unknown command '%s' (see marketsim --help)", name);
    }
    return c->fn(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    /* A file-size limit (ulimit -f) must fail a write with EFBIG, which
     * every command reports with the path and removes its temporaries
     * for, instead of killing the process mid-write: for every command. */
    signal(SIGXFSZ, SIG_IGN);
    return finish(dispatch(argc, argv));
}
