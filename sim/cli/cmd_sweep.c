/* cmd_sweep.c - `marketsim sweep` and `marketsim merge`: flags in, a
 * ms_sweep_config out, exit codes back. The work is in sim/experiment/. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/clock.h"
#include "marketsim/scenario.h"
#include "marketsim/sweep.h"
#include "options.h"
#include "progress.h"

#define CMD "sweep"

typedef struct {
    const char *path, *design_file;
    ms_cli_common c; /* the shared flags: -o --vary -n --levels -r -s -j --set ... */
    int json;
    ms_design_kind kind;
    uint64_t seed; /* -s, else the scenario's sim.seed (the design is drawn from it) */
    uint32_t shard_k, shard_n;
} sweep_args;

typedef struct {
    ms_progress bar;
    int json;
    double start;
} progress_ctx;

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

enum { OPT_DESIGN = MS_OPT_OWN, OPT_DFILE, OPT_SHARD, OPT_PROGRESS };

static const ms_cli_opt options[] = {
    {.id = MS_OPT_VARY,
     .help = "a,b,c (list) or lo:hi:n (grid); lo:hi (other designs);\n"
             "typed by KEY (`marketsim schema`): a float key takes\n"
             "reals (0:1 is [0, 1]), an integer key whole numbers"},
    {OPT_DESIGN, "design", 0, "KIND",
     "grid (default), lhs (Latin hypercube), sobol; for\n"
     "`marketsim sensitivity`: saltelli (Sobol indices,\n"
     "N x (k + 2) points, k <= 20) or morris (elementary\n"
     "effects, N trajectories of k + 1 points)"},
    {.id = MS_OPT_SAMPLES,
     .help = "points for lhs and sobol; base samples N for saltelli;\n"
             "trajectories for morris"},
    {.id = MS_OPT_LEVELS},
    {OPT_DFILE, "design-file", 0, "FILE", "points from a CSV: header of keys, one row per point"},
    {.id = MS_OPT_OUTPUT, .help = "output directory (required)"},
    {.id = MS_OPT_REPS, .help = "replications per point (default: sim.replications)"},
    {.id = MS_OPT_TARGET_CI,
     .help = "add replications until the 95% CI of metric M, subject S\n"
             "has half-width <= H at every point"},
    {.id = MS_OPT_MAX_REPS},
    {.id = MS_OPT_SEED},
    {.id = MS_OPT_THREADS},
    {OPT_SHARD, "shard", 0, "K/N",
     "run only tasks with id % N == K into part files; K may be\n"
     "left out (--shard /N) to take it from SLURM_ARRAY_TASK_ID;\n"
     "join the parts with `marketsim merge DIR`"},
    {.id = MS_OPT_RESUME},
    {.id = MS_OPT_SET, .help = "override a scenario key at every point (repeatable)"},
    {.id = MS_OPT_INCLUDE},
    {OPT_PROGRESS, "progress", 0, "json", "one JSON progress line per update on stderr"},
    {.id = MS_OPT_QUIET, .help = "nothing on stdout, no progress bar"},
    {.id = MS_OPT_HELP},
    {0},
};

static int apply(void *ctx, int id, const char *arg)
{
    sweep_args *a = ctx;
    switch (id) {
    case OPT_DESIGN:
        return parse_design(a, arg);
    case OPT_DFILE:
        a->design_file = arg;
        return -1;
    case OPT_SHARD:
        return parse_shard(a, arg);
    default: /* OPT_PROGRESS */
        if (strcmp(arg, "json") != 0)
            return ms_cli_usage_error(CMD, "--progress: only 'json' is known, got '%s'", arg);
        a->json = 1;
        return -1;
    }
}

static const ms_cli_spec spec = {
    .command = CMD,
    .synopsis =
        "marketsim sweep SCENARIO.cfg --vary KEY=SPEC [--vary KEY=SPEC]... -o DIR\n"
        "                       [--design grid|lhs|sobol|saltelli|morris] [-n SAMPLES]\n"
        "                       [--levels L] [--design-file FILE.csv]\n"
        "                       [-r REPS] [--target-ci METRIC:SUBJECT:HALFWIDTH [--max-reps "
        "N]]\n"
        "                       [-s SEED] [-j THREADS] [--shard K/N] [--resume]\n"
        "                       [--set KEY=VALUE]... [--progress json] [--quiet]",
    .about = "Runs every point of a design for REPS replications (common random numbers:\n"
             "every point sees the same buyers with the same luck) and writes sweep.csv,\n"
             "sweep_summary.csv, manifest.csv and scenario.resolved.cfg into DIR.\n",
    .opts = options,
    .footer = "Exit status: 0 ok, 1 runtime failure, 2 usage or config error, 130 interrupted\n"
              "(finished tasks are kept: rerun with --resume).\n",
    .operands = "SCENARIO.cfg",
    .min_operands = 1,
    .max_operands = 1,
    .apply = apply,
};

/* What the flags say together, before any file is read. */
static int check_args(const sweep_args *a)
{
    const ms_cli_common *c = &a->c;
    if (!c->out_dir)
        return ms_cli_usage_error(CMD, "-o DIR is required");
    if (!a->design_file && c->n_vary == 0)
        return ms_cli_usage_error(CMD, "give at least one --vary KEY=SPEC, or --design-file");
    if (a->design_file && c->n_vary > 0)
        return ms_cli_usage_error(CMD, "--design-file and --vary exclude each other");
    if (a->kind != MS_DESIGN_GRID && !c->samples_set)
        return ms_cli_usage_error(CMD, "--design %s needs -n SAMPLES",
                                  ms_design_kind_name(a->kind));
    /* options that would otherwise be silently ignored */
    if (c->samples_set && (a->kind == MS_DESIGN_GRID || a->design_file))
        return ms_cli_usage_error(CMD, "-n applies to --design lhs, sobol, saltelli and morris "
                                       "(a grid's size comes from its --vary specs, a design "
                                       "file's from its rows)");
    if (c->levels && a->kind != MS_DESIGN_MORRIS)
        return ms_cli_usage_error(CMD, "--levels applies to --design morris only");
    if (c->halfwidth > 0 && a->shard_n)
        return ms_cli_usage_error(CMD,
                                  "--target-ci needs every task's result: it cannot be sharded");
    return -1;
}

static int parse_args(int argc, char **argv, sweep_args *a)
{
    int first, rc = ms_cli_parse(&spec, argc, argv, &a->c, a, &first);
    if (rc >= 0)
        return rc;
    a->path = argv[first];
    a->seed = a->c.seed;
    return check_args(a);
}

static void on_progress(void *vctx, uint64_t done, uint64_t total)
{
    progress_ctx *p = vctx;
    if (!p->json) {
        ms_progress_update(&p->bar, done, total);
        return;
    }
    double el = ms_clock_seconds() - p->start, rate = el > 0 ? done / el : 0;
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
    if (a->c.quiet)
        return;
    printf("sweep: %" PRIu64 " points x %" PRIu32 " replications = %" PRIu64 " tasks", r->points,
           r->replications, r->tasks);
    if (a->shard_n)
        printf(" (shard %" PRIu32 "/%" PRIu32 ")", a->shard_k, a->shard_n);
    printf(", %" PRIu64 " run, %" PRIu64 " resumed -> %s\n", r->done, r->resumed, a->c.out_dir);
    if (a->c.halfwidth > 0)
        printf("target-ci %s:%s: worst half-width %.6g %s %.6g with %" PRIu32 " replications\n",
               a->c.target_metric, a->c.target_subject, r->worst_halfwidth,
               r->worst_halfwidth <= a->c.halfwidth ? "<=" : "> (not reached)", a->c.halfwidth,
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
    if (ms_scenario_load(a->path, a->c.sets, a->c.n_sets, &sc, &errs) != MS_OK) {
        ms_errors_print(stderr, &errs);
        return -1;
    }
    a->seed = sc->seed;
    ms_scenario_destroy(sc);
    return 0;
}

/* Builds the design and runs the sweep; returns the exit status. */
static int sweep(const sweep_args *a, const char *command, ms_sweep_executor_fn executor,
                 void *exec_ctx, int writer)
{
    ms_design d;
    ms_error err = {0};
    ms_status st = a->design_file
                       ? ms_design_read_csv(a->design_file, &d, &err)
                       : ms_design_build_levels(a->kind, a->c.vary, a->c.n_vary, a->c.samples,
                                                a->c.levels, a->seed, &d, &err);
    if (st != MS_OK) {
        ms_error_print(stderr, &err);
        return MS_EXIT_USAGE;
    }
    progress_ctx pc = {.json = a->json && writer, .start = ms_clock_seconds()};
    ms_progress_init(&pc.bar, "sweep", "tasks", a->c.quiet || !writer);
    ms_exp_signals saved;
    ms_sweep_config cfg = {.scenario_path = a->path,
                           .sets = a->c.sets,
                           .n_sets = a->c.n_sets,
                           .design = &d,
                           .replications = (uint32_t)a->c.reps,
                           .have_seed = a->c.seed_set,
                           .seed = a->seed,
                           .threads = (int)a->c.threads,
                           .shard_k = a->shard_k,
                           .shard_n = a->shard_n,
                           .resume = a->c.resume,
                           .out_dir = a->c.out_dir,
                           .target_metric = a->c.target_metric,
                           .target_subject = a->c.target_subject,
                           .target_halfwidth = a->c.halfwidth,
                           .max_reps = (uint32_t)a->c.max_reps,
                           .progress = on_progress,
                           .progress_ctx = &pc,
                           .stop = ms_exp_signals_install(&saved),
                           .executor = executor,
                           .exec_ctx = exec_ctx,
                           .writer = writer,
                           .command = command};
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
        report(a, &r);
    ms_design_fini(&d);
    return exit_for(st);
}

int ms_cli_sweep_exec(int argc, char **argv, ms_sweep_executor_fn executor, void *exec_ctx,
                      int writer)
{
    sweep_args a;
    memset(&a, 0, sizeof a);
    ms_buf command;
    ms_buf_init(&command);
    ms_cli_command_text(&command, argc, argv); /* before getopt permutes argv */
    int rc = ms_buf_ok(&command) ? parse_args(argc, argv, &a) : MS_EXIT_FAIL;
    if (rc < 0 && !a.c.seed_set && design_seed(&a) != 0)
        rc = MS_EXIT_USAGE;
    if (rc < 0)
        rc = sweep(&a, ms_buf_cstr(&command), executor, exec_ctx, writer);
    ms_cli_common_fini(&a.c);
    ms_buf_fini(&command);
    return rc;
}

int ms_cli_sweep(int argc, char **argv)
{
    return ms_cli_sweep_exec(argc, argv, NULL, NULL, 1);
}
