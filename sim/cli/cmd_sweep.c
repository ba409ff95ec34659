/* cmd_sweep.c - `marketsim sweep` (placeholder until its issue lands). */
#include <stdio.h>

#include "marketsim/cli.h"

int ms_cli_sweep(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "marketsim: sweep: not implemented yet\n");
    return MS_EXIT_FAIL;
}
