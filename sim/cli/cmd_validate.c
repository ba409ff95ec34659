/* cmd_validate.c - `marketsim validate`: load a scenario, report, summarise.
 *
 * Loads SCENARIO with its --set overrides through the same loader `run`
 * uses. A bad scenario prints every error (FILE:LINE: error: KEY: ...) and
 * exits 2; a good one prints a short summary, or with --print-config the
 * complete resolved configuration, and exits 0. Never writes a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/scenario.h"
#include "options.h"

#define CMD "validate"

enum { OPT_PRINT = MS_OPT_OWN };

static const ms_cli_opt options[] = {
    {.id = MS_OPT_SET,
     .help = "override a scenario key (repeatable), e.g.\n"
             "--set buyers.count=5000 --set clouds.aws.price_index=0.9"},
    {.id = MS_OPT_INCLUDE},
    {OPT_PRINT, "print-config", 'p', NULL,
     "print the resolved configuration (every key, after\n"
     "@include and --set) instead of the summary"},
    {.id = MS_OPT_HELP},
    {0},
};

static const ms_cli_spec spec = {
    .command = CMD,
    .synopsis = "marketsim validate SCENARIO.cfg [--set KEY=VALUE]... [--print-config]",
    .about = "Checks a scenario against the schema (marketsim schema) and prints a summary:\n"
             "entities, horizon, replications and the tasks a run would do. Every problem\n"
             "is reported as FILE:LINE: error: KEY: message.\n",
    .opts = options,
    .footer = "Exit status: 0 valid, 2 usage or configuration error.\n",
    .operands = "SCENARIO.cfg",
    .min_operands = 1,
    .max_operands = 1,
    .apply = ms_cli_apply_switch, /* ctx: the int that --print-config sets */
};

static int count_regulated(const ms_scenario *sc)
{
    int n = 0;
    for (int i = 0; i < sc->n_segments; i++)
        n += sc->segments[i].regulated != 0;
    return n;
}

static void summary(FILE *out, const char *path, const ms_scenario *sc)
{
    const ms_dispute *d = &sc->dispute;
    fprintf(out, "%s: valid\n", path);
    fprintf(out, "  name          %s\n", sc->name);
    fprintf(out, "  seed          %llu\n", (unsigned long long)sc->seed);
    fprintf(out, "  horizon       %d months\n", sc->horizon_months);
    fprintf(out, "  buyers        %lld in %d segments (%d regulated), initial adoption %g\n",
            (long long)sc->buyer_count, sc->n_segments, count_regulated(sc), sc->initial_adoption);
    fprintf(out, "  entities      %d clouds, %d vendors, %d products, %d regimes\n", sc->n_clouds,
            sc->n_vendors, sc->n_products, sc->n_regimes);
    fprintf(out, "  regime        %s at month 0, %d scheduled switches\n",
            sc->initial_regime >= 0 ? sc->regimes[sc->initial_regime].id : "(none)",
            sc->n_schedule);
    if (d->enabled)
        fprintf(out, "  dispute       over %s on %s from month %g, outcome %s\n",
                sc->products[d->product].id, sc->clouds[d->cloud].id, d->trigger_month,
                ms_outcome_name(d->outcome));
    else
        fputs("  dispute       disabled\n", out);
    fprintf(out, "  events        %d scheduled\n", sc->n_events);
    fprintf(out, "  replications  %d\n", sc->replications);
    fprintf(out, "  tasks         %d (one per replication)\n", sc->replications);
}

/* Loads and reports; returns the exit status. */
static int validate(const char *path, const char *const *sets, int nsets, int print)
{
    ms_errors *errs = malloc(sizeof *errs);
    if (!errs) {
        fputs("marketsim: validate: error: out of memory\n", stderr);
        return MS_EXIT_FAIL;
    }
    ms_scenario *sc = NULL;
    ms_status st = ms_scenario_load(path, sets, nsets, &sc, errs);
    int rc = MS_EXIT_OK;
    if (st != MS_OK) {
        ms_errors_print(stderr, errs);
        rc = st == MS_ENOMEM ? MS_EXIT_FAIL : MS_EXIT_USAGE;
    } else if (print) {
        rc = ms_scenario_write(sc, stdout) == MS_OK ? MS_EXIT_OK : MS_EXIT_FAIL;
    } else {
        summary(stdout, path, sc);
    }
    ms_scenario_destroy(sc);
    free(errs);
    return rc;
}

int ms_cli_validate(int argc, char **argv)
{
    ms_cli_common c;
    int print = 0, first;
    int rc = ms_cli_parse(&spec, argc, argv, &c, &print, &first);
    if (rc < 0)
        rc = validate(argv[first], c.sets, c.n_sets, print);
    ms_cli_common_fini(&c);
    return rc;
}
