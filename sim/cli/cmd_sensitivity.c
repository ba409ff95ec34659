/* cmd_sensitivity.c - `marketsim sensitivity`: Sobol or Morris indices of
 * a finished saltelli/morris sweep (DIR form), or the sweep and then its
 * indices (SCENARIO form, which runs `marketsim sweep --design ...` with
 * the same flags, so both steps share every rule of sweep). Writes
 * DIR/sensitivity.csv atomically and a ranked table on stdout. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "marketsim/atomic.h"
#include "marketsim/dirlock.h"
#include "marketsim/sensitivity.h"
#include "options.h"
#include "progress.h"

#define CMD "sensitivity"
#define DEFAULT_BOOT 1000

typedef struct {
    const char *path, *method;
    ms_cli_common c; /* -s -j -q; the SCENARIO form's sweep flags */
    uint64_t boot;
} sens_args;

enum { OPT_BOOT = MS_OPT_OWN, OPT_METHOD };

static const ms_cli_opt options[] = {
    {OPT_BOOT, "bootstrap", 0, "B", "resamples for the 95% intervals (default 1000; 0: none)"},
    {.id = MS_OPT_SEED,
     .help = "bootstrap seed (default: the sweep's seed); in the\n"
             "SCENARIO form also the sweep's master seed"},
    {.id = MS_OPT_THREADS},
    {OPT_METHOD, "method", 0, "M", "sobol (N x (k + 2) runs, k <= 20) or morris (N x (k + 1))"},
    {.id = MS_OPT_SAMPLES,
     .help = "base samples (sobol, at least 8) or trajectories (morris,\n"
             "at least 2)"},
    {.id = MS_OPT_LEVELS},
    {.id = MS_OPT_VARY,
     .help = "a key and its range lo:hi (repeatable), typed by the\n"
             "key: reals for a float key, whole numbers for an integer"},
    {.id = MS_OPT_OUTPUT, .help = "the sweep's output directory"},
    {.id = MS_OPT_REPS, .help = "replications per point (default: sim.replications)"},
    {.id = MS_OPT_SET, .help = "override a scenario key at every point (repeatable)"},
    {.id = MS_OPT_INCLUDE},
    {.id = MS_OPT_RESUME},
    {.id = MS_OPT_QUIET, .help = "nothing on stdout, no progress bar"},
    {.id = MS_OPT_HELP},
    {0},
};

static int apply(void *ctx, int id, const char *arg)
{
    sens_args *a = ctx;
    if (id == OPT_METHOD) {
        a->method = arg;
        return -1;
    }
    if (ms_cli_parse_u64(CMD, "--bootstrap", arg, 0, 100000, &a->boot))
        return MS_EXIT_USAGE;
    if (a->boot > 0 && a->boot < 100)
        return ms_cli_usage_error(CMD,
                                  "--bootstrap: give 0 (no intervals) or at least 100 "
                                  "resamples for a 95%% interval, got '%s'",
                                  arg);
    return -1;
}

static const ms_cli_spec spec = {
    .command = CMD,
    .synopsis = "marketsim sensitivity DIR [--bootstrap B] [-s SEED] [-j THREADS] [-q]\n"
                "       marketsim sensitivity SCENARIO.cfg --method sobol|morris -n N\n"
                "                             --vary KEY=lo:hi [--vary KEY=lo:hi]... -o DIR\n"
                "                             [--levels L] [-r REPS] [-s SEED] [-j THREADS]\n"
                "                             [--set KEY=VALUE]... [--resume] [--bootstrap B] [-q]",
    .about = "Which assumptions drive the results. DIR is a sweep made with\n"
             "`marketsim sweep --design saltelli` (Sobol indices) or `--design morris`\n"
             "(elementary effects); its manifest says which. Writes DIR/sensitivity.csv:\n"
             "  sobol:  method,metric,subject,key,S1,S1_ci95_low,S1_ci95_high,ST,ST_ci95_low,\n"
             "          ST_ci95_high,noise_share\n"
             "  morris: method,metric,subject,key,mu,mu_star,mu_star_ci95_low,\n"
             "          mu_star_ci95_high,sigma,noise_share\n"
             "for every metric and subject defined at every point, and prints the keys\n"
             "ranked by ST (or mu*). A point's value is its mean over replications;\n"
             "noise_share is the share of the metric's variance over the design that is\n"
             "replication noise (needs -r 2 or more; near 1 means the indices are noise).\n"
             "The SCENARIO form runs the sweep first (saltelli for sobol) into DIR, with\n"
             "the rules of `marketsim sweep`.\n",
    .opts = options,
    .footer = "Exit status: 0 ok, 1 runtime failure, 2 usage error or not a saltelli/morris\n"
              "sweep (nothing written), 130 interrupted.\n",
    .operands = "DIR or SCENARIO.cfg",
    .min_operands = 1,
    .max_operands = 1,
    .apply = apply,
};

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The flags of each form; a DIR takes only the estimator's. */
static int check_form(const sens_args *a)
{
    if (is_dir(a->path)) {
        const ms_cli_common *c = &a->c;
        if (a->method || c->samples_set || c->levels || c->n_vary || c->n_sets || c->out_dir ||
            c->reps_set || c->resume)
            return ms_cli_usage_error(CMD,
                                      "%s is a directory: it takes only --bootstrap, -s, "
                                      "-j and -q (the sweep's flags go with a SCENARIO.cfg)",
                                      a->path);
        return -1;
    }
    if (!a->method)
        return ms_cli_usage_error(CMD,
                                  "%s is not a directory: give the -o DIR of a saltelli or "
                                  "morris sweep, or --method sobol|morris to run one",
                                  a->path);
    int sobol = strcmp(a->method, "sobol") == 0;
    if (!sobol && strcmp(a->method, "morris") != 0)
        return ms_cli_usage_error(CMD, "--method: '%s' is not sobol or morris", a->method);
    if (!a->c.samples_set || !a->c.out_dir || a->c.n_vary == 0)
        return ms_cli_usage_error(CMD, "--method %s needs -n N, --vary KEY=lo:hi and -o DIR",
                                  a->method);
    uint64_t min = sobol ? MS_SENS_MIN_SOBOL_SAMPLES : MS_SENS_MIN_MORRIS_TRAJECTORIES;
    if (a->c.samples < min)
        return ms_cli_usage_error(CMD, "-n: too few points: %s needs at least %" PRIu64 " %s",
                                  a->method, min, sobol ? "base samples" : "trajectories");
    if (a->c.levels && sobol)
        return ms_cli_usage_error(CMD, "--levels applies to --method morris only");
    return -1;
}

static int parse_args(int argc, char **argv, sens_args *a)
{
    int first, rc = ms_cli_parse(&spec, argc, argv, &a->c, a, &first);
    if (rc >= 0)
        return rc;
    a->path = argv[first];
    return check_form(a);
}

/* The SCENARIO form's first step: `marketsim sweep` with the same flags. */
static int run_sweep(const sens_args *a)
{
    static const int passed[] = {MS_OPT_SAMPLES,
                                 MS_OPT_LEVELS,
                                 MS_OPT_REPS,
                                 MS_OPT_SEED,
                                 MS_OPT_THREADS,
                                 MS_OPT_OUTPUT,
                                 MS_OPT_VARY,
                                 MS_OPT_SET,
                                 MS_OPT_RESUME,
                                 MS_OPT_QUIET,
                                 0};
    const char **v = calloc(2 * (size_t)a->c.n_sets + 2 * MS_DESIGN_MAX_KEYS + 24, sizeof *v);
    if (!v)
        return MS_EXIT_FAIL;
    int n = 0;
    v[n++] = "sweep";
    v[n++] = a->path;
    v[n++] = "--design";
    v[n++] = strcmp(a->method, "sobol") == 0 ? "saltelli" : "morris";
    ms_cli_common_argv(&a->c, passed, v, &n);
    v[n] = NULL;
    int rc = ms_cli_sweep(n, (char **)v);
    free(v);
    return rc;
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    ms_progress_update(ctx, done, total);
}

/* ---- the table on stdout -------------------------------------------------- */

/* Keys of one metric ranked by ST (sobol) or mu* (morris), NaN last; ties
 * keep key order. */
static double rank_value(const ms_sens_metric *m, int k)
{
    double v = m->sobol ? m->sobol[k].st : m->morris[k].mu_star;
    return isnan(v) ? -HUGE_VAL : v;
}

static void ranked(const ms_sens_metric *m, int n, int *order)
{
    for (int i = 0; i < n; i++) {
        int j = i;
        for (; j > 0 && rank_value(m, order[j - 1]) < rank_value(m, i); j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
}

/* Sobol indices are shares (fixed 3 decimals); Morris measures are in
 * the metric's units per key range. */
static void num(double v, int sobol)
{
    if (sobol && fabs(v) < 0.0005)
        v = 0; /* no "-0.000" */
    if (isnan(v))
        printf(" %9s", "-");
    else
        printf(sobol ? " %9.3f" : " %9.4g", v);
}

static void ci(double lo, double hi, int sobol)
{
    if (sobol && fabs(lo) < 0.0005)
        lo = 0;
    if (sobol && fabs(hi) < 0.0005)
        hi = 0;
    if (isnan(lo))
        printf("  %-22s", "");
    else
        printf(sobol ? "  [%9.3f, %9.3f]" : "  [%9.4g, %9.4g]", lo, hi);
}

static void metric_block(const ms_sens_info *info, const ms_sens_metric *m, int width)
{
    printf("\n%s %s", m->metric, m->subject);
    if (!isnan(m->noise_share))
        printf("  (noise share %.3g%s)", m->noise_share,
               m->noise_share > 0.5 ? ": mostly replication noise, add replications" : "");
    printf("\n  %-*s %9s  %-22s %9s  %s\n", width, "key", m->sobol ? "S1" : "mu*", "95% CI",
           m->sobol ? "ST" : "mu", m->sobol ? "95% CI" : "    sigma");
    int order[MS_DESIGN_MAX_KEYS];
    ranked(m, info->n_keys, order);
    for (int i = 0; i < info->n_keys; i++) {
        int k = order[i];
        printf("  %-*s", width, info->keys[k]);
        if (m->sobol) {
            const ms_sens_sobol_index *x = &m->sobol[k];
            num(x->s1, 1), ci(x->s1_low, x->s1_high, 1), num(x->st, 1);
            ci(x->st_low, x->st_high, 1);
        } else {
            const ms_sens_morris_index *x = &m->morris[k];
            num(x->mu_star, 0), ci(x->mu_star_low, x->mu_star_high, 0), num(x->mu, 0);
            num(x->sigma, 0);
        }
        printf("\n");
    }
}

static int all_nan(const ms_sens_metric *m, int n)
{
    for (int k = 0; k < n; k++)
        if (!isnan(rank_value(m, k)) && rank_value(m, k) != -HUGE_VAL)
            return 0;
    return 1;
}

static void table(const ms_sens_study *s, const char *dir, unsigned boot)
{
    ms_sens_info info;
    ms_sens_study_info(s, &info);
    printf("%s indices: %zu %s x %d keys = %zu points x %" PRIu32 " replications, %u bootstrap "
           "resamples -> %s/sensitivity.csv\n",
           info.method, info.samples,
           info.kind == MS_DESIGN_SALTELLI ? "base samples" : "trajectories", info.n_keys,
           info.points, info.replications, boot, dir);
    int width = 3, constant = 0;
    for (int k = 0; k < info.n_keys; k++)
        if ((int)strlen(info.keys[k]) > width)
            width = (int)strlen(info.keys[k]);
    for (size_t i = 0; i < info.metrics; i++) {
        ms_sens_metric m;
        ms_sens_study_metric(s, i, &m);
        if (all_nan(&m, info.n_keys))
            constant++;
        else
            metric_block(&info, &m, width);
    }
    if (constant || info.skipped)
        printf("\n(%d metrics constant over the design, no indices; %zu not defined at every "
               "point, left out)\n",
               constant, info.skipped);
}

/* The DIR form (and the SCENARIO form's second step). */
static int indices(const sens_args *a, const char *dir)
{
    ms_error err = {0};
    ms_sens_study *s = NULL;
    ms_dir_lock *lock = NULL; /* held from reading to writing: no sweep, shard or
                               * merge may be writing DIR (busy: exit 2) */
    ms_status st = ms_dir_lock_take(dir, NULL, &lock, &err);
    if (st == MS_OK)
        st = ms_sens_study_load(dir, &s, &err);
    if (st != MS_OK) {
        ms_dir_lock_release(lock);
        ms_error_print(stderr, &err);
        return st == MS_EUSAGE ? MS_EXIT_USAGE : MS_EXIT_FAIL;
    }
    ms_sens_info info;
    ms_sens_study_info(s, &info);
    ms_progress bar;
    ms_progress_init(&bar, "sensitivity", "metrics", a->c.quiet);
    ms_exp_signals saved;
    const volatile sig_atomic_t *stop = ms_exp_signals_install(&saved);
    st = ms_sens_study_compute(s, (unsigned)a->boot, a->c.seed_set ? a->c.seed : info.seed,
                               (int)a->c.threads, on_progress, &bar, stop, &err);
    ms_progress_finish(&bar);
    ms_buf csv;
    ms_buf_init(&csv);
    if (st == MS_OK && *stop)
        st = MS_EINTR; /* a signal after the last index still cancels */
    if (st == MS_OK) {
        ms_sens_study_write_csv(s, &csv);
        st = ms_buf_ok(&csv) ? ms_atomic_write_file(dir, "sensitivity.csv", csv.data, csv.len, &err)
                             : ms_error_set(&err, MS_ENOMEM, dir, 0, "", "out of memory");
    }
    if (st == MS_OK && !a->c.quiet)
        table(s, dir, (unsigned)a->boot);
    else if (st == MS_EINTR)
        fprintf(stderr, "marketsim: sensitivity: interrupted; nothing written\n");
    else if (st != MS_OK)
        ms_error_print(stderr, &err);
    ms_dir_lock_release(lock);
    ms_exp_signals_restore(&saved); /* after the write: a signal never finds a temporary */
    ms_buf_fini(&csv);
    ms_sens_study_destroy(s);
    return st == MS_OK ? MS_EXIT_OK : st == MS_EINTR ? MS_EXIT_INTERRUPTED : MS_EXIT_FAIL;
}

int ms_cli_sensitivity(int argc, char **argv)
{
    sens_args a;
    memset(&a, 0, sizeof a);
    a.boot = DEFAULT_BOOT;
    int rc = parse_args(argc, argv, &a);
    if (rc < 0) {
        int dir_form = is_dir(a.path);
        if (dir_form || (rc = run_sweep(&a)) == MS_EXIT_OK)
            rc = indices(&a, dir_form ? a.path : a.c.out_dir);
    }
    ms_cli_common_fini(&a.c);
    return rc;
}
