/* cmd_run.c - `marketsim run` (placeholder until its issue lands). */
#include <stdio.h>

#include "marketsim/cli.h"

int ms_cli_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "marketsim: run: not implemented yet\n");
    return MS_EXIT_FAIL;
}
