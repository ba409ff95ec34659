/* cmd_schema.c - `marketsim schema [--markdown]`: every scenario key.
 *
 * Prints the schema table (path, type, default, range, units, meaning) as
 * text, or as the Markdown of docs/scenario-reference.md.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "marketsim/scenario.h"

#define CMD "schema"

static void usage(FILE *out)
{
    fputs("usage: marketsim schema [--markdown]\n\n"
          "Lists every scenario key with its type, default, range, units and meaning.\n\n"
          "  -m, --markdown          print the Markdown reference (docs/scenario-reference.md)\n"
          "  -h, --help              this help\n",
          out);
}

int ms_cli_schema(int argc, char **argv)
{
    static const struct option longs[] = {
        {"markdown", no_argument, NULL, 'm'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int markdown = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "mh", longs, NULL)) != -1) {
        switch (c) {
        case 'm':
            markdown = 1;
            break;
        case 'h':
            usage(stdout);
            return MS_EXIT_OK;
        default:
            return ms_cli_usage_error(CMD, "unknown option '%s' (see marketsim schema --help)",
                                      argv[optind - 1]);
        }
    }
    if (optind != argc)
        return ms_cli_usage_error(CMD, "unexpected argument '%s' (see marketsim schema --help)",
                                  argv[optind]);
    return ms_scenario_schema_print(stdout, markdown) == MS_OK ? MS_EXIT_OK : MS_EXIT_FAIL;
}
