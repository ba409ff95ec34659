/* cmd_merge.c - `marketsim merge DIR`: joins a sharded sweep's parts. */
#include <stdio.h>

#include "marketsim/sweep.h"
#include "options.h"

static const ms_cli_opt options[] = {
    {.id = MS_OPT_HELP},
    {0},
};

static const ms_cli_spec spec = {
    .command = "merge",
    .synopsis = "marketsim merge DIR",
    .about = "Joins sweep.part-K-of-N.csv files (from `marketsim sweep --shard K/N`) into\n"
             "sweep.csv, sweep_summary.csv and manifest.csv: exactly the bytes an unsharded\n"
             "sweep writes, but the manifest's command row (which names merge). Refuses\n"
             "missing or duplicate tasks, manifests that differ, and a part that fails its\n"
             "proof (the row count and checksum its shard wrote last into its manifest):\n"
             "cut short, extended or edited. Refuses while a shard still writes into DIR.\n"
             "`--` before DIR lets it start with '-'.\n\n"
             "Exit status: 0 ok, 1 runtime failure, 2 usage error or parts refused,\n"
             "130 interrupted (nothing written).\n",
    .opts = options,
    .operands = "DIR",
    .min_operands = 1,
    .max_operands = 1,
};

static int merge(const char *dir, const char *command)
{
    ms_error err = {0};
    /* handlers first, as for every command that writes: a signal must never
     * find temporaries unguarded */
    ms_exp_signals sigs;
    const volatile sig_atomic_t *stop = ms_exp_signals_install(&sigs);
    ms_status st = ms_sweep_merge(dir, command, stop, &err);
    ms_exp_signals_restore(&sigs);
    if (st == MS_EINTR) {
        fprintf(stderr, "marketsim: merge: interrupted; nothing written\n");
        return MS_EXIT_INTERRUPTED;
    }
    if (st != MS_OK) {
        ms_error_print(stderr, &err);
        return st == MS_EUSAGE ? MS_EXIT_USAGE : MS_EXIT_FAIL;
    }
    return MS_EXIT_OK;
}

int ms_cli_merge(int argc, char **argv)
{
    ms_buf command;
    ms_buf_init(&command);
    ms_cli_command_text(&command, argc, argv); /* before getopt permutes argv */
    ms_cli_common c;
    int first, rc = ms_cli_parse(&spec, argc, argv, &c, NULL, &first);
    ms_cli_common_fini(&c);
    if (rc < 0 && ms_cli_check_out_dir("merge", "DIR", argv[first]))
        rc = MS_EXIT_USAGE;
    if (rc < 0)
        rc = ms_buf_ok(&command) ? merge(argv[first], ms_buf_cstr(&command)) : MS_EXIT_FAIL;
    ms_buf_fini(&command);
    return rc;
}
