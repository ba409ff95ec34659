/* cmd_bench.c - `marketsim bench phold|market`: benchmarks that print
 * figures. Timing lives here, never in tests. */
#include <stdio.h>
#include <string.h>

#include "marketsim/phold.h"
#include "options.h"

enum { OPT_LPS = MS_OPT_OWN, OPT_EPL, OPT_END, OPT_MEAN, OPT_LOOK };

static const ms_cli_opt phold_options[] = {
    {OPT_LPS, "lps", 0, "N", "logical processes (default 16384)"},
    {OPT_EPL, "events-per-lp", 0, "K", "initial events of each (default 1)"},
    {OPT_END, "end-time", 0, "T", "simulated time to run to (default 2400)"},
    {OPT_MEAN, "mean", 0, "M", "mean of the exponential delay (default 2)"},
    {OPT_LOOK, "lookahead", 0, "L", "fixed part of the delay (default 0)"},
    {.id = MS_OPT_SEED, .help = "master seed, 0..2^64-1 (default 1)"},
    {.id = MS_OPT_HELP},
    {0},
};

#define PHOLD "bench phold"

static int apply_phold(void *ctx, int id, const char *arg)
{
    ms_phold_params *p = ctx;
    uint64_t u;
    switch (id) {
    case OPT_LPS:
        if (ms_cli_parse_u64(PHOLD, "--lps", arg, 1, 1u << 30, &u))
            return MS_EXIT_USAGE;
        p->lps = (uint32_t)u;
        return -1;
    case OPT_EPL:
        if (ms_cli_parse_u64(PHOLD, "--events-per-lp", arg, 1, 1u << 20, &u))
            return MS_EXIT_USAGE;
        p->events_per_lp = (uint32_t)u;
        return -1;
    case OPT_END:
        return ms_cli_parse_double(PHOLD, "--end-time", arg, 1e-300, 1e300, &p->end_time)
                   ? MS_EXIT_USAGE
                   : -1;
    case OPT_MEAN:
        return ms_cli_parse_double(PHOLD, "--mean", arg, 1e-300, 1e300, &p->mean) ? MS_EXIT_USAGE
                                                                                  : -1;
    default: /* OPT_LOOK */
        return ms_cli_parse_double(PHOLD, "--lookahead", arg, 0, 1e300, &p->lookahead)
                   ? MS_EXIT_USAGE
                   : -1;
    }
}

static const ms_cli_spec phold_spec = {
    .command = PHOLD,
    .synopsis = "marketsim bench phold [--lps N] [--events-per-lp K] [--end-time T]\n"
                "                             [--mean M] [--lookahead L] [-s SEED]",
    .about = "PHOLD on the engine: N logical processes, K initial events each; each event\n"
             "schedules one at now + L + Exp(M) to a uniformly drawn LP. Prints the\n"
             "parameters, events: N, checksum: X and, last, events_per_sec: X.\n",
    .opts = phold_options,
    .apply = apply_phold,
};

static int bench_phold(int argc, char **argv)
{
    ms_phold_params p = {16384, 1, 2400.0, 2.0, 0.0, 1};
    ms_cli_common c;
    int first, rc = ms_cli_parse(&phold_spec, argc, argv, &c, &p, &first);
    ms_cli_common_fini(&c);
    if (rc >= 0)
        return rc;
    if (c.seed_set)
        p.seed = c.seed;
    printf("lps: %u\nevents_per_lp: %u\nend_time: %g\nmean: %g\nlookahead: %g\nseed: %llu\n", p.lps,
           p.events_per_lp, p.end_time, p.mean, p.lookahead, (unsigned long long)p.seed);
    ms_phold_result r;
    ms_status st = ms_phold_run(&p, &r);
    if (st != MS_OK) {
        fprintf(stderr, "marketsim: bench phold: error: %s\n", ms_strerror(st));
        return MS_EXIT_FAIL;
    }
    printf("events: %llu\npending: %zu\nchecksum: %016llx\nfingerprint: %016llx\nseconds: %.6f\n",
           (unsigned long long)r.events, r.pending, (unsigned long long)r.checksum,
           (unsigned long long)r.fingerprint, r.seconds);
    printf("events_per_sec: %.0f\n", r.seconds > 0 ? r.events / r.seconds : 0.0);
    return MS_EXIT_OK;
}

int ms_cli_bench(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs("usage: marketsim bench phold [OPTIONS]   (engine benchmark)\n"
              "       marketsim bench market [OPTIONS]  (market model benchmark)\n"
              "See `marketsim bench phold --help`.\n",
              argc < 2 ? stderr : stdout);
        return argc < 2 ? MS_EXIT_USAGE : MS_EXIT_OK;
    }
    if (strcmp(argv[1], "phold") == 0)
        return bench_phold(argc - 1, argv + 1);
    if (strcmp(argv[1], "market") == 0)
        return ms_cli_bench_market(argc - 1, argv + 1);
    return ms_cli_usage_error("bench", "unknown benchmark '%s' (phold or market)", argv[1]);
}
