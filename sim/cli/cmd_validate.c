/* cmd_validate.c - `marketsim validate` (placeholder until its issue lands). */
#include <stdio.h>

#include "marketsim/cli.h"

int ms_cli_validate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "marketsim: validate: not implemented yet\n");
    return MS_EXIT_FAIL;
}
