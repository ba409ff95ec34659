/* cmd_bench_market.c - `marketsim bench market`: the market model at a
 * given size, one replication, timed.
 *
 * Runs scenarios/frontier_dispute.cfg (or --scenario PATH) with
 * buyers.count = N and sim.horizon_months = 12 Y, and prints one
 * `key: value` line per figure, for scripts: buyers, years, events,
 * decisions, seconds (the simulation only, not loading), peak_rss_mb
 * (getrusage, the whole process) and buyer_months_per_sec. No files are
 * written. The scenario comes from the scenario library
 * (ms_scenario_library_dir: the installed one, or the source tree's for a
 * binary in its build tree).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "marketsim/clock.h"
#include "marketsim/market.h"
#include "marketsim/scenario.h"
#include "options.h"

#define CMD "bench market"
#define SCENARIO_FILE "frontier_dispute.cfg"

typedef struct {
    uint64_t buyers, years;
    ms_cli_common c; /* -s, -I */
    const char *scenario;
} bench_args;

enum { OPT_BUYERS = MS_OPT_OWN, OPT_YEARS, OPT_SCENARIO };

static const ms_cli_opt options[] = {
    {OPT_BUYERS, "buyers", 0, "N", "buyers, 1 to 100000000 (buyers.count's range; default 100000)"},
    {OPT_YEARS, "years", 0, "Y", "years simulated, 1 to 100 (default 5)"},
    {.id = MS_OPT_SEED, .help = "master seed, 0..2^64-1 (default: the scenario's)"},
    {OPT_SCENARIO, "scenario", 0, "PATH",
     "another scenario (default: " SCENARIO_FILE " of the\n"
     "scenario library)"},
    {.id = MS_OPT_INCLUDE},
    {.id = MS_OPT_HELP},
    {0},
};

static int apply(void *ctx, int id, const char *arg)
{
    bench_args *a = ctx;
    switch (id) {
    case OPT_BUYERS:
        return ms_cli_parse_u64(CMD, "--buyers", arg, 1, 100000000u, &a->buyers) ? MS_EXIT_USAGE
                                                                                 : -1;
    case OPT_YEARS:
        return ms_cli_parse_u64(CMD, "--years", arg, 1, 100, &a->years) ? MS_EXIT_USAGE : -1;
    default: /* OPT_SCENARIO */
        a->scenario = arg;
        return -1;
    }
}

static const ms_cli_spec spec = {
    .command = CMD,
    .synopsis = "marketsim bench market [--buyers N] [--years Y] [-s SEED] [--scenario PATH]",
    .about = "Runs " SCENARIO_FILE " with N buyers for Y years, one replication,\n"
             "and prints buyers, years, events, decisions, seconds, peak_rss_mb and\n"
             "buyer_months_per_sec, one `key: value` line each.\n",
    .opts = options,
    .apply = apply,
};

/* The default scenario, from the scenario library that came with the
 * program (installed, or the source tree's for a build-tree binary). */
static int find_scenario(char *out, size_t n)
{
    char lib[4096];
    struct stat sb;
    if (!ms_scenario_library_dir(lib, sizeof lib))
        return 0;
    snprintf(out, n, "%s/%s", lib, SCENARIO_FILE);
    return stat(out, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int load(const bench_args *a, const char *path, ms_scenario **sc)
{
    char buyers[48], horizon[48];
    snprintf(buyers, sizeof buyers, "buyers.count=%" PRIu64, a->buyers);
    snprintf(horizon, sizeof horizon, "sim.horizon_months=%" PRIu64, 12 * a->years);
    const char *sets[] = {buyers, horizon, "sim.replications=1"};
    ms_errors errs;
    ms_errors_init(&errs);
    ms_status st = ms_scenario_load(path, sets, 3, sc, &errs);
    if (st != MS_OK) {
        ms_errors_print(stderr, &errs);
        return st == MS_ENOMEM ? MS_EXIT_FAIL : MS_EXIT_USAGE;
    }
    if (a->c.seed_set)
        (*sc)->seed = a->c.seed;
    return -1;
}

static void report(const bench_args *a, const ms_market_result *res, double seconds)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double months = (double)a->buyers * 12.0 * (double)a->years;
    printf("buyers: %" PRIu64 "\nyears: %" PRIu64 "\n", a->buyers, a->years);
    printf("events: %" PRIu64 "\ndecisions: %" PRIu64 "\n", res->events_processed, res->decisions);
    printf("seconds: %.3f\npeak_rss_mb: %.1f\n", seconds, (double)ru.ru_maxrss / 1024.0);
    printf("buyer_months_per_sec: %.0f\n", seconds > 0 ? months / seconds : 0.0);
}

int ms_cli_bench_market(int argc, char **argv)
{
    bench_args a = {.buyers = 100000, .years = 5};
    int first, rc = ms_cli_parse(&spec, argc, argv, &a.c, &a, &first);
    ms_cli_common_fini(&a.c);
    if (rc >= 0)
        return rc;
    char path[4200];
    if (a.scenario)
        snprintf(path, sizeof path, "%s", a.scenario);
    else if (!find_scenario(path, sizeof path))
        return ms_cli_usage_error(CMD, "cannot find scenarios/%s (use --scenario PATH)",
                                  SCENARIO_FILE);
    ms_scenario *sc = NULL;
    if ((rc = load(&a, path, &sc)) >= 0)
        return rc;
    ms_market_result res;
    memset(&res, 0, sizeof res);
    ms_error err;
    memset(&err, 0, sizeof err);
    double t0 = ms_clock_seconds();
    ms_status st = ms_market_simulate(sc, 0, NULL, &res, &err);
    double seconds = ms_clock_seconds() - t0;
    if (st == MS_OK)
        report(&a, &res, seconds);
    else
        ms_error_print(stderr, &err);
    ms_market_result_fini(&res);
    ms_scenario_destroy(sc);
    return st == MS_OK ? MS_EXIT_OK : MS_EXIT_FAIL;
}
