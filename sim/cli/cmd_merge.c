/* cmd_merge.c - `marketsim merge` (placeholder until its issue lands). */
#include <stdio.h>

#include "marketsim/cli.h"

int ms_cli_merge(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "marketsim: merge: not implemented yet\n");
    return MS_EXIT_FAIL;
}
