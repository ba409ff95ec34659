/* cmd_schema.c - `marketsim schema [--markdown]`: every scenario key.
 *
 * Prints the schema table (path, type, default, range, units, meaning) as
 * text, or as the Markdown of docs/scenario-reference.md.
 */
#include <stdio.h>

#include "marketsim/scenario.h"
#include "options.h"

#define CMD "schema"

enum { OPT_MARKDOWN = MS_OPT_OWN };

static const ms_cli_opt options[] = {
    {OPT_MARKDOWN, "markdown", 'm', NULL,
     "print the Markdown reference (docs/scenario-reference.md)"},
    {.id = MS_OPT_HELP},
    {0},
};

static const ms_cli_spec spec = {
    .command = CMD,
    .synopsis = "marketsim schema [--markdown]",
    .about = "Lists every scenario key with its type, default, range, units and meaning.\n",
    .opts = options,
    .apply = ms_cli_apply_switch, /* ctx: the int that --markdown sets */
};

int ms_cli_schema(int argc, char **argv)
{
    ms_cli_common c;
    int markdown = 0, first;
    int rc = ms_cli_parse(&spec, argc, argv, &c, &markdown, &first);
    ms_cli_common_fini(&c);
    if (rc >= 0)
        return rc;
    return ms_scenario_schema_print(stdout, markdown) == MS_OK ? MS_EXIT_OK : MS_EXIT_FAIL;
}
