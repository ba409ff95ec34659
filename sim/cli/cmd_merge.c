/* cmd_merge.c - `marketsim merge DIR`: joins a sharded sweep's parts. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "marketsim/sweep.h"

int ms_cli_merge(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        puts("usage: marketsim merge DIR\n\n"
             "Joins sweep.part-K-of-N.csv files (from `marketsim sweep --shard K/N`) into\n"
             "sweep.csv, sweep_summary.csv and manifest.csv: exactly the bytes an unsharded\n"
             "sweep writes. Refuses missing or duplicate tasks, manifests that differ,\n"
             "and a part that fails its proof (the row count and checksum its shard wrote\n"
             "last into its manifest): cut short, extended or edited. Refuses while a\n"
             "shard still writes into DIR. `--` before DIR lets it start with '-'.");
        return MS_EXIT_OK;
    }
    if (argc == 3 && strcmp(argv[1], "--") == 0) { /* the end of options */
        argc--;
        argv++;
    } else if (argc == 2 && argv[1][0] == '-' && argv[1][1]) {
        return ms_cli_usage_error("merge", "unknown option '%s' (see marketsim merge --help)",
                                  argv[1]);
    }
    if (argc != 2)
        return ms_cli_usage_error("merge",
                                  argc < 2 ? "missing DIR (see marketsim merge --help)"
                                           : "expected one DIR, got '%s'",
                                  argv[argc - 1]);
    if (ms_cli_check_out_dir("merge", "DIR", argv[1]))
        return MS_EXIT_USAGE;
    ms_error err = {0};
    ms_status st = ms_sweep_merge(argv[1], &err);
    if (st != MS_OK) {
        ms_error_print(stderr, &err);
        return st == MS_EUSAGE ? MS_EXIT_USAGE : MS_EXIT_FAIL;
    }
    return MS_EXIT_OK;
}
