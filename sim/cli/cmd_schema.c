/* cmd_schema.c - `marketsim schema` (placeholder until its issue lands). */
#include <stdio.h>

#include "marketsim/cli.h"

int ms_cli_schema(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "marketsim: schema: not implemented yet\n");
    return MS_EXIT_FAIL;
}
