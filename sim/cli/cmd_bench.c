/* cmd_bench.c - `marketsim bench phold|market`: benchmarks that print
 * figures. Timing lives here, never in tests. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "marketsim/phold.h"

static const char phold_help[] =
    "usage: marketsim bench phold [--lps N] [--events-per-lp K] [--end-time T]\n"
    "                             [--mean M] [--lookahead L] [-s SEED]\n\n"
    "PHOLD on the engine: N logical processes, K initial events each; each event\n"
    "schedules one at now + L + Exp(M) to a uniformly drawn LP. Prints the\n"
    "parameters, events: N, checksum: X and, last, events_per_sec: X.\n"
    "Defaults: --lps 16384 --events-per-lp 1 --end-time 2400 --mean 2\n"
    "          --lookahead 0 -s 1\n";

enum { OPT_LPS = 256, OPT_EPL, OPT_END, OPT_MEAN, OPT_LOOK };

static int parse_phold(int argc, char **argv, ms_phold_params *p)
{
    static const struct option opts[] = {
        {"lps", required_argument, NULL, OPT_LPS},
        {"events-per-lp", required_argument, NULL, OPT_EPL},
        {"end-time", required_argument, NULL, OPT_END},
        {"mean", required_argument, NULL, OPT_MEAN},
        {"lookahead", required_argument, NULL, OPT_LOOK},
        {"seed", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "bench phold";
    uint64_t u;
    int c, rc = 0;
    optind = 0;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":s:h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_LPS:
            rc = ms_cli_parse_u64(cmd, "--lps", optarg, 1, 1u << 30, &u);
            p->lps = (uint32_t)u;
            break;
        case OPT_EPL:
            rc = ms_cli_parse_u64(cmd, "--events-per-lp", optarg, 1, 1u << 20, &u);
            p->events_per_lp = (uint32_t)u;
            break;
        case OPT_END:
            rc = ms_cli_parse_double(cmd, "--end-time", optarg, 1e-300, 1e300, &p->end_time);
            break;
        case OPT_MEAN:
            rc = ms_cli_parse_double(cmd, "--mean", optarg, 1e-300, 1e300, &p->mean);
            break;
        case OPT_LOOK:
            rc = ms_cli_parse_double(cmd, "--lookahead", optarg, 0, 1e300, &p->lookahead);
            break;
        case 's':
            rc = ms_cli_parse_u64(cmd, "--seed", optarg, 0, UINT64_MAX, &p->seed);
            break;
        case 'h':
            fputs(phold_help, stdout);
            return 1;
        case ':':
            return ms_cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        default:
            return ms_cli_usage_error(cmd, "unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (rc != 0)
        return MS_EXIT_USAGE;
    if (optind < argc)
        return ms_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    return 0;
}

static int bench_phold(int argc, char **argv)
{
    ms_phold_params p = {16384, 1, 2400.0, 2.0, 0.0, 1};
    int rc = parse_phold(argc, argv, &p);
    if (rc != 0)
        return rc == 1 ? MS_EXIT_OK : rc;
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
