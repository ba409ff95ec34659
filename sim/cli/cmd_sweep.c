/* cmd_sweep.c - `marketsim sweep` and `marketsim merge`: flags in, a
 * ms_sweep_config out, exit codes back. The work is in sim/experiment/. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "marketsim/scenario.h"
#include "marketsim/sweep.h"
#include "progress.h"

#define CMD "sweep"
#define MAX_ARGS 256

typedef struct {
    const char *path, *out_dir, *design_file, *target;
    const char *vary[MS_DESIGN_MAX_KEYS];
    const char *sets[MAX_ARGS];
    int n_vary, n_sets, quiet, json, resume;
    ms_design_kind kind;
    uint64_t samples, reps, seed, threads, max_reps;
    int have_seed, have_samples, levels, have_max_reps;
    char target_metric[64], target_subject[64];
    double halfwidth;
    uint32_t shard_k, shard_n;
} sweep_args;

typedef struct {
    ms_progress bar;
    int json;
    double start;
} progress_ctx;

static void usage(FILE *out)
{
    fputs("usage: marketsim sweep SCENARIO.cfg --vary KEY=SPEC [--vary KEY=SPEC]... -o DIR\n"
          "                       [--design grid|lhs|sobol|saltelli|morris] [-n SAMPLES]\n"
          "                       [--levels L] [--design-file FILE.csv]\n"
          "                       [-r REPS] [--target-ci METRIC:SUBJECT:HALFWIDTH [--max-reps N]]\n"
          "                       [-s SEED] [-j THREADS] [--shard K/N] [--resume]\n"
          "                       [--set KEY=VALUE]... [--progress json] [--quiet]\n\n"
          "Runs every point of a design for REPS replications (common random numbers:\n"
          "every point sees the same buyers with the same luck) and writes sweep.csv,\n"
          "sweep_summary.csv, manifest.csv and scenario.resolved.cfg into DIR.\n\n"
          "  --vary KEY=SPEC      a,b,c (list) or lo:hi:n (grid); lo:hi (other designs)\n"
          "  --design KIND        grid (default), lhs (Latin hypercube), sobol; for\n"
          "                       `marketsim sensitivity`: saltelli (Sobol indices,\n"
          "                       N x (k + 2) points, k <= 20) or morris (elementary\n"
          "                       effects, N trajectories of k + 1 points)\n"
          "  -n SAMPLES           points for lhs and sobol; base samples N for saltelli;\n"
          "                       trajectories for morris\n"
          "  --levels L           morris grid levels (even, default 4)\n"
          "  --design-file FILE   points from a CSV: header of keys, one row per point\n"
          "  -r REPS              replications per point (default: sim.replications)\n"
          "  --target-ci M:S:H    add replications until the 95% CI of metric M, subject S\n"
          "                       has half-width <= H at every point (--max-reps, default 1000)\n"
          "  -s SEED              master seed (overrides sim.seed)\n"
          "  -j THREADS           worker threads (same bytes for any count)\n"
          "  --shard K/N          run only tasks with id % N == K into part files; K may be\n"
          "                       left out (--shard /N) to take it from SLURM_ARRAY_TASK_ID;\n"
          "                       join the parts with `marketsim merge DIR`\n"
          "  --resume             continue an interrupted sweep in DIR\n"
          "  --set KEY=VALUE      override a scenario key at every point (repeatable)\n"
          "  --progress json      one JSON progress line per update on stderr\n"
          "  -q, --quiet          nothing on stdout, no progress bar\n\n"
          "Exit status: 0 ok, 1 runtime failure, 2 usage or config error, 130 interrupted\n"
          "(finished tasks are kept: rerun with --resume).\n",
          out);
}

static int parse_target(sweep_args *a, const char *arg)
{
    const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || c1 == arg || c2 == c1 + 1 || (size_t)(c1 - arg) >= sizeof a->target_metric ||
        (size_t)(c2 - c1 - 1) >= sizeof a->target_subject)
        return ms_cli_usage_error(CMD, "--target-ci: expected METRIC:SUBJECT:HALFWIDTH, got '%s'",
                                  arg);
    memcpy(a->target_metric, arg, (size_t)(c1 - arg));
    memcpy(a->target_subject, c1 + 1, (size_t)(c2 - c1 - 1));
    return ms_cli_parse_double(CMD, "--target-ci half-width", c2 + 1, 1e-300, 1e300, &a->halfwidth)
               ? MS_EXIT_USAGE
               : -1;
}

static int parse_shard(sweep_args *a, const char *arg)
{
    const char *slash = strchr(arg, '/');
    uint64_t k, n;
    if (!slash || ms_cli_parse_u64(CMD, "--shard N", slash + 1, 1, 1u << 20, &n))
        return slash ? MS_EXIT_USAGE
                     : ms_cli_usage_error(CMD, "--shard: expected K/N, got '%s'", arg);
    const char *ktext = slash == arg ? getenv("SLURM_ARRAY_TASK_ID") : NULL;
    if (slash == arg && !ktext)
        return ms_cli_usage_error(CMD, "--shard /N needs SLURM_ARRAY_TASK_ID in the environment");
    char kbuf[32];
    if (!ktext) {
        snprintf(kbuf, sizeof kbuf, "%.*s", (int)(slash - arg), arg);
        ktext = kbuf;
    }
    if (ms_cli_parse_u64(CMD, "--shard K", ktext, 0, n - 1, &k))
        return MS_EXIT_USAGE;
    a->shard_k = (uint32_t)k;
    a->shard_n = (uint32_t)n;
    return -1;
}

static int parse_design(sweep_args *a, const char *arg)
{
    if (strcmp(arg, "grid") == 0)
        a->kind = MS_DESIGN_GRID;
    else if (strcmp(arg, "lhs") == 0)
        a->kind = MS_DESIGN_LHS;
    else if (strcmp(arg, "sobol") == 0)
        a->kind = MS_DESIGN_SOBOL;
    else if (strcmp(arg, "saltelli") == 0)
        a->kind = MS_DESIGN_SALTELLI;
    else if (strcmp(arg, "morris") == 0)
        a->kind = MS_DESIGN_MORRIS;
    else
        return ms_cli_usage_error(CMD, "--design: '%s' is not grid, lhs, sobol, saltelli or morris",
                                  arg);
    return -1;
}

static int parse_levels(sweep_args *a, const char *arg)
{
    uint64_t l;
    if (ms_cli_parse_u64(CMD, "--levels", arg, 2, 1000, &l))
        return MS_EXIT_USAGE;
    if (l % 2)
        return ms_cli_usage_error(CMD, "--levels: morris needs an even level count, got %s", arg);
    a->levels = (int)l;
    return -1;
}

enum {
    OPT_VARY = 256,
    OPT_DESIGN,
    OPT_DFILE,
    OPT_TARGET,
    OPT_MAXREPS,
    OPT_SHARD,
    OPT_RESUME,
    OPT_SET,
    OPT_PROGRESS,
    OPT_LEVELS
};

static int apply(sweep_args *a, int c, const char *arg, const char *opt)
{
    switch (c) {
    case 'o':
        a->out_dir = arg;
        return ms_cli_check_out_dir(CMD, "-o", arg) ? MS_EXIT_USAGE : -1;
    case 'n':
        a->have_samples = 1;
        return ms_cli_parse_u64(CMD, "-n", arg, 1, 10000000, &a->samples) ? MS_EXIT_USAGE : -1;
    case 'r':
        return ms_cli_parse_u64(CMD, "-r", arg, 1, 1000000, &a->reps) ? MS_EXIT_USAGE : -1;
    case 's':
        a->have_seed = 1;
        return ms_cli_parse_u64(CMD, "-s", arg, 0, UINT64_MAX, &a->seed) ? MS_EXIT_USAGE : -1;
    case 'j':
        return ms_cli_parse_u64(CMD, "-j", arg, 1, 1024, &a->threads) ? MS_EXIT_USAGE : -1;
    case 'q':
        a->quiet = 1;
        return -1;
    case OPT_VARY:
        if (a->n_vary == MS_DESIGN_MAX_KEYS)
            return ms_cli_usage_error(CMD, "at most %d --vary options", MS_DESIGN_MAX_KEYS);
        a->vary[a->n_vary++] = arg;
        return -1;
    case OPT_SET:
        if (a->n_sets == MAX_ARGS - 1 - MS_DESIGN_MAX_KEYS)
            return ms_cli_usage_error(CMD, "too many --set options");
        a->sets[a->n_sets++] = arg;
        return -1;
    case OPT_DESIGN:
        return parse_design(a, arg);
    case OPT_DFILE:
        a->design_file = arg;
        return -1;
    case OPT_LEVELS:
        return parse_levels(a, arg);
    case OPT_TARGET:
        return parse_target(a, arg);
    case OPT_MAXREPS:
        a->have_max_reps = 1;
        return ms_cli_parse_u64(CMD, "--max-reps", arg, 2, 1000000, &a->max_reps) ? MS_EXIT_USAGE
                                                                                  : -1;
    case OPT_SHARD:
        return parse_shard(a, arg);
    case OPT_RESUME:
        a->resume = 1;
        return -1;
    case OPT_PROGRESS:
        if (strcmp(arg, "json") != 0)
            return ms_cli_usage_error(CMD, "--progress: only 'json' is known, got '%s'", arg);
        a->json = 1;
        return -1;
    case 'h':
        usage(stdout);
        return MS_EXIT_OK;
    case ':':
        return ms_cli_usage_error(CMD, "%s needs a value", opt);
    default:
        return ms_cli_usage_error(CMD, "unknown option '%s' (see marketsim sweep --help)", opt);
    }
}

static int parse_args(int argc, char **argv, sweep_args *a)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"vary", required_argument, NULL, OPT_VARY},
                                         {"design", required_argument, NULL, OPT_DESIGN},
                                         {"design-file", required_argument, NULL, OPT_DFILE},
                                         {"replications", required_argument, NULL, 'r'},
                                         {"target-ci", required_argument, NULL, OPT_TARGET},
                                         {"max-reps", required_argument, NULL, OPT_MAXREPS},
                                         {"seed", required_argument, NULL, 's'},
                                         {"threads", required_argument, NULL, 'j'},
                                         {"shard", required_argument, NULL, OPT_SHARD},
                                         {"resume", no_argument, NULL, OPT_RESUME},
                                         {"set", required_argument, NULL, OPT_SET},
                                         {"progress", required_argument, NULL, OPT_PROGRESS},
                                         {"levels", required_argument, NULL, OPT_LEVELS},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    optind = 0;
    opterr = 0;
    int c, rc = -1;
    while (rc < 0 && (c = getopt_long(argc, argv, ":o:n:r:s:j:qh", opts, NULL)) != -1)
        rc = apply(a, c, optarg, argv[optind - 1]);
    if (rc >= 0)
        return rc;
    if (optind >= argc)
        return ms_cli_usage_error(CMD, "missing SCENARIO.cfg (see marketsim sweep --help)");
    if (optind + 1 < argc)
        return ms_cli_usage_error(CMD, "unexpected argument '%s'", argv[optind + 1]);
    a->path = argv[optind];
    if (!a->out_dir)
        return ms_cli_usage_error(CMD, "-o DIR is required");
    if (!a->design_file && a->n_vary == 0)
        return ms_cli_usage_error(CMD, "give at least one --vary KEY=SPEC, or --design-file");
    if (a->design_file && a->n_vary > 0)
        return ms_cli_usage_error(CMD, "--design-file and --vary exclude each other");
    if (a->kind != MS_DESIGN_GRID && !a->have_samples)
        return ms_cli_usage_error(CMD, "--design %s needs -n SAMPLES",
                                  ms_design_kind_name(a->kind));
    /* options that would otherwise be silently ignored */
    if (a->have_samples && (a->kind == MS_DESIGN_GRID || a->design_file))
        return ms_cli_usage_error(CMD, "-n applies to --design lhs, sobol, saltelli and morris "
                                       "(a grid's size comes from its --vary specs, a design "
                                       "file's from its rows)");
    if (a->have_max_reps && !(a->halfwidth > 0))
        return ms_cli_usage_error(CMD, "--max-reps applies with --target-ci only");
    if (a->have_max_reps && a->reps && a->max_reps < a->reps)
        return ms_cli_usage_error(CMD,
                                  "--max-reps %" PRIu64 " is below -r %" PRIu64
                                  " (expected at least the starting replications)",
                                  a->max_reps, a->reps);
    if (a->levels && a->kind != MS_DESIGN_MORRIS)
        return ms_cli_usage_error(CMD, "--levels applies to --design morris only");
    if (a->halfwidth > 0 && a->shard_n)
        return ms_cli_usage_error(CMD,
                                  "--target-ci needs every task's result: it cannot be sharded");
    return -1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void on_progress(void *vctx, uint64_t done, uint64_t total)
{
    progress_ctx *p = vctx;
    if (!p->json) {
        ms_progress_update(&p->bar, done, total);
        return;
    }
    double el = now_s() - p->start, rate = el > 0 ? done / el : 0;
    fprintf(stderr,
            "{\"done\":%" PRIu64 ",\"total\":%" PRIu64 ",\"elapsed_s\":%.3f,"
            "\"tasks_per_s\":%.3f,\"eta_s\":%.1f}\n",
            done, total, el, rate, rate > 0 ? (total - done) / rate : 0.0);
}

static int exit_for(ms_status st)
{
    if (st == MS_OK)
        return MS_EXIT_OK;
    if (st == MS_EINTR)
        return MS_EXIT_INTERRUPTED;
    return st == MS_ECONFIG || st == MS_EUSAGE ? MS_EXIT_USAGE : MS_EXIT_FAIL;
}

static void report(const sweep_args *a, const ms_sweep_report *r)
{
    if (a->quiet)
        return;
    printf("sweep: %" PRIu64 " points x %" PRIu32 " replications = %" PRIu64 " tasks", r->points,
           r->replications, r->tasks);
    if (a->shard_n)
        printf(" (shard %" PRIu32 "/%" PRIu32 ")", a->shard_k, a->shard_n);
    printf(", %" PRIu64 " run, %" PRIu64 " resumed -> %s\n", r->done, r->resumed, a->out_dir);
    if (a->halfwidth > 0)
        printf("target-ci %s:%s: worst half-width %.6g %s %.6g with %" PRIu32 " replications\n",
               a->target_metric, a->target_subject, r->worst_halfwidth,
               r->worst_halfwidth <= a->halfwidth ? "<=" : "> (not reached)", a->halfwidth,
               r->replications);
}

/* Without -s, the Latin hypercube (and Morris trajectories) are drawn from the scenario's sim.seed
 * (after --set), like the runs. Prints the config's errors when it does
 * not load. */
static int design_seed(sweep_args *a)
{
    ms_scenario *sc = NULL;
    ms_errors errs;
    ms_errors_init(&errs);
    if (ms_scenario_load(a->path, a->sets, a->n_sets, &sc, &errs) != MS_OK) {
        ms_errors_print(stderr, &errs);
        return -1;
    }
    a->seed = sc->seed;
    ms_scenario_destroy(sc);
    return 0;
}

int ms_cli_sweep_exec(int argc, char **argv, ms_sweep_executor_fn executor, void *exec_ctx,
                      int writer)
{
    sweep_args a;
    memset(&a, 0, sizeof a);
    a.threads = 1;
    a.max_reps = 1000;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    ms_design d;
    ms_error err = {0};
    if (!a.have_seed && design_seed(&a) != 0)
        return MS_EXIT_USAGE;
    ms_status st = a.design_file ? ms_design_read_csv(a.design_file, &d, &err)
                                 : ms_design_build_levels(a.kind, a.vary, a.n_vary, a.samples,
                                                          a.levels, a.seed, &d, &err);
    if (st != MS_OK) {
        ms_error_print(stderr, &err);
        return MS_EXIT_USAGE;
    }
    progress_ctx pc = {.json = a.json && writer, .start = now_s()};
    ms_progress_init(&pc.bar, "sweep", "tasks", a.quiet || !writer);
    ms_exp_signals saved;
    ms_sweep_config cfg = {.scenario_path = a.path,
                           .sets = a.sets,
                           .n_sets = a.n_sets,
                           .design = &d,
                           .replications = (uint32_t)a.reps,
                           .have_seed = a.have_seed,
                           .seed = a.seed,
                           .threads = (int)a.threads,
                           .shard_k = a.shard_k,
                           .shard_n = a.shard_n,
                           .resume = a.resume,
                           .out_dir = a.out_dir,
                           .target_metric = a.target_metric,
                           .target_subject = a.target_subject,
                           .target_halfwidth = a.halfwidth,
                           .max_reps = (uint32_t)a.max_reps,
                           .progress = on_progress,
                           .progress_ctx = &pc,
                           .stop = ms_exp_signals_install(&saved),
                           .executor = executor,
                           .exec_ctx = exec_ctx,
                           .writer = writer};
    ms_errors errs;
    ms_errors_init(&errs);
    ms_sweep_report r;
    st = ms_sweep_run(&cfg, &r, &errs, &err);
    ms_exp_signals_restore(&saved);
    ms_progress_finish(&pc.bar);
    if (st == MS_ECONFIG && errs.count > 0)
        ms_errors_print(stderr, &errs);
    else if (st == MS_EINTR)
        fprintf(stderr,
                "marketsim: sweep: interrupted; %" PRIu64 " finished tasks kept, "
                "continue with --resume\n",
                r.done + r.resumed);
    else if (st != MS_OK)
        ms_error_print(stderr, &err);
    if (st == MS_OK && writer)
        report(&a, &r);
    ms_design_fini(&d);
    return exit_for(st);
}

int ms_cli_sweep(int argc, char **argv)
{
    return ms_cli_sweep_exec(argc, argv, NULL, NULL, 1);
}
