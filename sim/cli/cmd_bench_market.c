/* cmd_bench_market.c - `marketsim bench market` (placeholder). */
#include <stdio.h>

#include "marketsim/cli.h"

int ms_cli_bench_market(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "marketsim: bench market: not implemented yet\n");
    return MS_EXIT_FAIL;
}
