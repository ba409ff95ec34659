/* cmd_validate.c - `marketsim validate`: load a scenario, report, summarise.
 *
 * Loads SCENARIO with its --set overrides through the same loader `run`
 * uses. A bad scenario prints every error (FILE:LINE: error: KEY: ...) and
 * exits 2; a good one prints a short summary, or with --print-config the
 * complete resolved configuration, and exits 0. Never writes a file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "marketsim/scenario.h"

#define CMD "validate"
#define MAX_SETS 256

static void usage(FILE *out)
{
    fputs("usage: marketsim validate SCENARIO.cfg [--set KEY=VALUE]... [--print-config]\n\n"
          "Checks a scenario against the schema (marketsim schema) and prints a summary:\n"
          "entities, horizon, replications and the tasks a run would do. Every problem\n"
          "is reported as FILE:LINE: error: KEY: message.\n\n"
          "      --set KEY=VALUE     override a scenario key (repeatable), e.g.\n"
          "                          --set buyers.count=5000 --set clouds.aws.price_index=0.9\n"
          "  -p, --print-config      print the resolved configuration (every key, after\n"
          "                          @include and --set) instead of the summary\n"
          "  -h, --help              this help\n\n"
          "Exit status: 0 valid, 2 usage or configuration error.\n",
          out);
}

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

int ms_cli_validate(int argc, char **argv)
{
    static const struct option longs[] = {{"set", required_argument, NULL, 'S'},
                                          {"print-config", no_argument, NULL, 'p'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *sets[MAX_SETS];
    int nsets = 0, print = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ph", longs, NULL)) != -1) {
        switch (c) {
        case 'S':
            if (nsets >= MAX_SETS)
                return ms_cli_usage_error(CMD, "too many --set options (at most %d)", MAX_SETS);
            sets[nsets++] = optarg;
            break;
        case 'p':
            print = 1;
            break;
        case 'h':
            usage(stdout);
            return MS_EXIT_OK;
        case ':':
            return ms_cli_usage_error(CMD, "%s needs a value (see marketsim validate --help)",
                                      argv[optind - 1]);
        default:
            return ms_cli_usage_error(CMD, "unknown option '%s' (see marketsim validate --help)",
                                      argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return ms_cli_usage_error(CMD, "expected one SCENARIO.cfg (see marketsim validate --help)");
    const char *path = argv[optind];
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
