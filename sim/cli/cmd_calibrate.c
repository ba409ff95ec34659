/* cmd_calibrate.c - `marketsim calibrate`: flags, targets and --fit keys
 * checked before anything runs, then the search (sim/experiment/
 * calibrate.c), the files, and a table on stdout.
 *
 * Every input error (flags, scenario, targets file, --fit) exits 2 before
 * DIR is created; a failure or an interrupt during the search leaves DIR
 * as it was (the outputs are one atomic set, written at the end).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/calibrate.h"
#include "marketsim/dirlock.h"
#include "marketsim/runner.h"
#include "marketsim/stats.h"
#include "options.h"
#include "progress.h"

#define CMD "calibrate"
#define DEFAULT_MAX_EVALS 400
#define DEFAULT_TOLERANCE 1e-2

typedef struct {
    const char *path, *targets;
    ms_cli_common c; /* -o -r -s -j --set -q */
    const char *fit[MS_CALIB_MAX_PARAMS];
    const char **sets; /* --set, then -s as sim.seed */
    int n_fit, n_sets;
    uint64_t reps, seed, max_evals, holdout;
    int holdout_set;
    ms_calib_method method;
} cal_args;

typedef struct {
    ms_progress bar;
    char label[64];
} cal_progress;

enum { OPT_TARGETS = MS_OPT_OWN, OPT_FIT, OPT_MAXEVALS, OPT_HOLDOUT, OPT_METHOD };

static const ms_cli_opt options[] = {
    {OPT_TARGETS, "targets", 0, "FILE",
     "CSV: month,metric,subject,value,se[,source]; an empty month\n"
     "targets a summary.csv metric over the run"},
    {OPT_FIT, "fit", 0, "KEY=lo:hi", "a float key to fit within [lo, hi] (repeatable, up to 16)"},
    {.id = MS_OPT_OUTPUT, .help = "output directory (required)"},
    {.id = MS_OPT_REPS, .help = "replications per evaluation (default: sim.replications)"},
    {.id = MS_OPT_SEED},
    {.id = MS_OPT_THREADS},
    {OPT_MAXEVALS, "max-evals", 0, "N",
     "evaluations of the search (default 400; the standard\n"
     "errors add 2 per fitted key)"},
    {OPT_HOLDOUT, "holdout-after", 0, "M",
     "keep targets after month M out of the fit and report\n"
     "them as holdout"},
    {OPT_METHOD, "method", 0, "M",
     "simplex (default: Nelder-Mead) or lm (Levenberg-Marquardt\n"
     "on the weighted residuals; needs at least as many fitted\n"
     "targets as keys)"},
    {.id = MS_OPT_SET},
    {.id = MS_OPT_INCLUDE},
    {.id = MS_OPT_QUIET, .help = "no table on stdout, no progress on stderr"},
    {.id = MS_OPT_HELP},
    {0},
};

static int apply(void *ctx, int id, const char *arg)
{
    cal_args *a = ctx;
    switch (id) {
    case OPT_TARGETS:
        a->targets = arg;
        return -1;
    case OPT_FIT:
        if (a->n_fit == MS_CALIB_MAX_PARAMS)
            return ms_cli_usage_error(CMD, "--fit: at most %d keys, got '%s' beyond them",
                                      MS_CALIB_MAX_PARAMS, arg);
        a->fit[a->n_fit++] = arg;
        return -1;
    case OPT_MAXEVALS:
        return ms_cli_parse_u64(CMD, "--max-evals", arg, 1, 10000000, &a->max_evals) ? MS_EXIT_USAGE
                                                                                     : -1;
    case OPT_METHOD:
        if (strcmp(arg, "simplex") && strcmp(arg, "lm"))
            return ms_cli_usage_error(CMD, "--method: '%s': expected simplex or lm", arg);
        a->method = strcmp(arg, "lm") ? MS_CALIB_SIMPLEX : MS_CALIB_LM;
        return -1;
    default: /* OPT_HOLDOUT */
        a->holdout_set = 1;
        return ms_cli_parse_u64(CMD, "--holdout-after", arg, 0, 1000000, &a->holdout)
                   ? MS_EXIT_USAGE
                   : -1;
    }
}

static const ms_cli_spec spec = {
    .command = CMD,
    .synopsis = "marketsim calibrate SCENARIO.cfg --targets TARGETS.csv --fit KEY=lo:hi\n"
                "                           [--fit KEY=lo:hi]... -o DIR [-r REPS] [-s SEED]\n"
                "                           [-j THREADS] [--max-evals N] [--holdout-after MONTH]\n"
                "                           [--method simplex|lm] [--set KEY=VALUE]... [--quiet]",
    .about = "Fits float keys of the scenario to observed figures: minimises\n"
             "sum ((simulated mean - value) / se)^2 over the targets with GSL's Nelder-Mead\n"
             "simplex, every evaluation running REPS replications with the same seeds, then\n"
             "estimates standard errors from the Jacobian at the optimum. Writes\n"
             "calibration.csv, parameters.csv, fit.csv, calibrated.cfg and manifest.csv into\n"
             "DIR (docs/calibration.md).\n",
    .opts = options,
    .footer = "Exit status: 0 ok, 1 runtime failure, 2 usage or config error, 130 interrupted\n"
              "(nothing is written unless the calibration completes).\n",
    .operands = "SCENARIO.cfg",
    .min_operands = 1,
    .max_operands = 1,
    .apply = apply,
};

static int parse_args(int argc, char **argv, cal_args *a)
{
    int first, rc = ms_cli_parse(&spec, argc, argv, &a->c, a, &first);
    if (rc >= 0)
        return rc;
    a->path = argv[first];
    if (!a->targets)
        return ms_cli_usage_error(CMD, "--targets FILE is required");
    if (a->n_fit == 0)
        return ms_cli_usage_error(CMD, "give at least one --fit KEY=lo:hi");
    if (!a->c.out_dir)
        return ms_cli_usage_error(CMD, "-o DIR is required");
    /* the base overrides: --set, and room for -s as sim.seed */
    if (!(a->sets = calloc((size_t)a->c.n_sets + 1, sizeof *a->sets)))
        return MS_EXIT_FAIL;
    memcpy(a->sets, a->c.sets, (size_t)a->c.n_sets * sizeof *a->sets);
    a->n_sets = a->c.n_sets;
    a->reps = a->c.reps;
    a->seed = a->c.seed;
    return -1;
}

/* The base overrides: --set, then -s as sim.seed. */
static int load_base(cal_args *a, ms_scenario **sc, char *seed_text, size_t cap)
{
    if (a->c.seed_set) {
        snprintf(seed_text, cap, "sim.seed=%" PRIu64, a->seed);
        a->sets[a->n_sets++] = seed_text;
    }
    ms_errors errs;
    ms_errors_init(&errs);
    if (ms_scenario_load(a->path, a->sets, a->n_sets, sc, &errs) != MS_OK) {
        ms_errors_print(stderr, &errs);
        return MS_EXIT_USAGE;
    }
    if (!a->c.seed_set)
        a->seed = (*sc)->seed;
    if (!a->c.reps_set)
        a->reps = (uint64_t)(*sc)->replications;
    return -1;
}

static int read_inputs(cal_args *a, const ms_scenario *sc, ms_calib_targets *t,
                       ms_calib_param *params)
{
    ms_error err;
    if (ms_calib_targets_read(a->targets, sc, t, &err) != MS_OK) {
        ms_error_print(stderr, &err);
        return MS_EXIT_USAGE;
    }
    if (a->holdout_set && a->holdout > (uint64_t)sc->horizon_months)
        return ms_cli_usage_error(CMD,
                                  "--holdout-after: %" PRIu64 " is beyond the horizon "
                                  "(expected 0..%d)",
                                  a->holdout, sc->horizon_months);
    if (ms_calib_targets_split(t, a->holdout_set ? (int)a->holdout : -1) == 0)
        return ms_cli_usage_error(CMD,
                                  "--holdout-after: no target is left to fit (every "
                                  "target is after month %" PRIu64 ")",
                                  a->holdout);
    size_t fitted = ms_calib_targets_split(t, a->holdout_set ? (int)a->holdout : -1);
    if (a->method == MS_CALIB_LM && fitted < (size_t)a->n_fit)
        return ms_cli_usage_error(CMD,
                                  "--method lm: %zu fitted targets for %d --fit keys (it needs "
                                  "at least as many targets as keys)",
                                  fitted, a->n_fit);
    for (int j = 0; j < a->n_fit; j++) {
        if (ms_calib_param_parse(a->fit[j], a->path, a->sets, a->n_sets, &params[j], &err) != MS_OK)
            return ms_cli_usage_error(CMD, "%s: %s", err.key, err.msg);
        for (int i = 0; i < j; i++)
            if (strcmp(params[i].key, params[j].key) == 0)
                return ms_cli_usage_error(CMD, "--fit: '%s': key %s is already fitted", a->fit[j],
                                          params[j].key);
    }
    return -1;
}

static void on_progress(void *vctx, uint64_t evals, uint64_t max_evals, double best)
{
    cal_progress *p = vctx;
    snprintf(p->label, sizeof p->label, "calibrate (best %.6g)", best);
    p->bar.label = p->label;
    ms_progress_update(&p->bar, evals, evals > max_evals ? evals : max_evals);
}

static void print_params(const ms_calib_config *cfg, const ms_calib_result *r)
{
    int w = 3;
    for (int j = 0; j < cfg->n_params; j++)
        if ((int)strlen(cfg->params[j].key) > w)
            w = (int)strlen(cfg->params[j].key);
    printf("%-*s %12s %10s %10s %10s  flag\n", w, "key", "value", "se", "lo", "hi");
    for (int j = 0; j < cfg->n_params; j++) {
        const ms_calib_param *p = &cfg->params[j];
        /* a key at its bound may also be weak: say both */
        const char *id = !r->identified[j] ? "not identified" : r->weak[j] ? "weak" : "";
        const char *sep = id[0] && r->at_bound[j] ? ", " : "";
        printf("%-*s %12.6g %10.4g %10.6g %10.6g%s%s%s%s\n", w, p->key, r->value[j], r->se[j],
               p->lo, p->hi, id[0] || r->at_bound[j] ? "  " : "", r->at_bound[j] ? "at bound" : "",
               sep, id);
    }
}

static void print_table(const cal_args *a, const ms_calib_config *cfg, const ms_calib_result *r)
{
    size_t nf, nh;
    double fit = ms_calib_rmse_pp(cfg->targets, r->mean, 0, &nf);
    double hold = ms_calib_rmse_pp(cfg->targets, r->mean, 1, &nh);
    printf("calibrate: %" PRIu64 " evaluations (%" PRIu64 " search%s, %" PRIu64
           " for standard errors) x %" PRIu32 " replications -> %s\n",
           r->evals, r->search_evals, r->converged ? ", converged" : ", stopped at --max-evals",
           r->evals - r->search_evals, cfg->replications, a->c.out_dir);
    printf("objective %.6g at the start, %.6g fitted", r->start_objective, r->objective);
    if (nh > 0)
        printf("; holdout %.6g", r->holdout_objective);
    printf("\n\n");
    print_params(cfg, r);
    printf("\nRMSE fit %.3g pp (%zu share targets)", fit, nf);
    if (nh > 0)
        printf(", holdout %.3g pp (%zu share targets)", hold, nh);
    printf("\n");
}

static int exit_for(ms_status st)
{
    if (st == MS_OK)
        return MS_EXIT_OK;
    return st == MS_EINTR ? MS_EXIT_INTERRUPTED : MS_EXIT_FAIL;
}

static int calibrate(cal_args *a, ms_calib_targets *t, ms_calib_param *params, const char *command)
{
    cal_progress pc;
    ms_progress_init(&pc.bar, "calibrate", "evaluations", a->c.quiet);
    ms_exp_signals saved;
    ms_calib_config cfg = {.scenario_path = a->path,
                           .sets = a->sets,
                           .n_sets = a->n_sets,
                           .targets = t,
                           .params = params,
                           .n_params = a->n_fit,
                           .replications = (uint32_t)a->reps,
                           .seed = a->seed,
                           .threads = (int)a->c.threads,
                           .max_evals = a->max_evals ? a->max_evals : DEFAULT_MAX_EVALS,
                           .tolerance = DEFAULT_TOLERANCE,
                           .method = a->method,
                           .progress = on_progress,
                           .progress_ctx = &pc,
                           .stop = ms_exp_signals_install(&saved),
                           .command = command};
    ms_calib_result r;
    ms_error err = {0};
    ms_status st = ms_calib_run(&cfg, &r, &err);
    ms_progress_finish(&pc.bar);
    ms_dir_lock *lock = NULL; /* a second command into -o refuses */
    int busy = 0;             /* another command holds -o: a usage error, as for run */
    if (st == MS_OK)
        busy = (st = ms_dir_lock_take(a->c.out_dir, NULL, &lock, &err)) == MS_EUSAGE;
    if (st == MS_OK)
        st = ms_calib_write(a->c.out_dir, &cfg, &r, a->targets,
                            a->holdout_set ? (int)a->holdout : -1, &err);
    ms_dir_lock_release(lock);
    ms_exp_signals_restore(&saved); /* after the write: a signal never finds temporaries */
    if (st == MS_EINTR)
        fprintf(stderr, "marketsim: calibrate: interrupted; nothing written\n");
    else if (st != MS_OK)
        ms_error_print(stderr, &err);
    if (st == MS_OK && !a->c.quiet)
        print_table(a, &cfg, &r);
    ms_calib_result_fini(&r);
    return busy ? MS_EXIT_USAGE : exit_for(st);
}

/* Loads the scenario, reads the targets and --fit keys, then calibrates. */
static int load_and_calibrate(cal_args *a, const char *command)
{
    ms_scenario *sc = NULL;
    char seed_text[48];
    int rc = load_base(a, &sc, seed_text, sizeof seed_text);
    if (rc >= 0)
        return rc;
    ms_calib_targets t = {0};
    ms_calib_param params[MS_CALIB_MAX_PARAMS];
    rc = read_inputs(a, sc, &t, params);
    ms_scenario_destroy(sc);
    if (rc < 0)
        rc = calibrate(a, &t, params, command);
    ms_calib_targets_fini(&t);
    return rc;
}

int ms_cli_calibrate(int argc, char **argv)
{
    cal_args a;
    memset(&a, 0, sizeof a);
    ms_buf command;
    ms_buf_init(&command);
    ms_cli_command_text(&command, argc, argv); /* before getopt permutes argv */
    int rc = ms_buf_ok(&command) ? parse_args(argc, argv, &a) : MS_EXIT_FAIL;
    if (rc < 0)
        rc = load_and_calibrate(&a, ms_buf_cstr(&command));
    free(a.sets);
    ms_cli_common_fini(&a.c);
    ms_buf_fini(&command);
    return rc;
}
