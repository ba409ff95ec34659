/* cmd_sensitivity.c - `marketsim sensitivity`: Sobol or Morris indices of
 * a finished saltelli/morris sweep (DIR form), or the sweep and then its
 * indices (SCENARIO form, which runs `marketsim sweep --design ...` with
 * the same flags, so both steps share every rule of sweep). Writes
 * DIR/sensitivity.csv atomically and a ranked table on stdout. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "marketsim/atomic.h"
#include "marketsim/dirlock.h"
#include "marketsim/sensitivity.h"
#include "progress.h"

#define CMD "sensitivity"
#define MAX_ARGS 256
#define DEFAULT_BOOT 1000

typedef struct {
    const char *path, *out_dir, *method, *samples, *levels, *reps, *threads_text, *seed_text;
    const char *vary[MS_DESIGN_MAX_KEYS];
    const char *sets[MAX_ARGS];
    int n_vary, n_sets, quiet, resume, have_seed;
    uint64_t boot, seed, threads, n;
} sens_args;

static void usage(FILE *out)
{
    fputs("usage: marketsim sensitivity DIR [--bootstrap B] [-s SEED] [-j THREADS] [-q]\n"
          "       marketsim sensitivity SCENARIO.cfg --method sobol|morris -n N\n"
          "                             --vary KEY=lo:hi [--vary KEY=lo:hi]... -o DIR\n"
          "                             [--levels L] [-r REPS] [-s SEED] [-j THREADS]\n"
          "                             [--set KEY=VALUE]... [--resume] [--bootstrap B] [-q]\n\n"
          "Which assumptions drive the results. DIR is a sweep made with\n"
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
          "The SCENARIO form runs the sweep first (saltelli for sobol) into DIR.\n\n"
          "  --bootstrap B        resamples for the 95% intervals (default 1000; 0: none)\n"
          "  -s SEED              bootstrap seed (default: the sweep's seed); in the\n"
          "                       SCENARIO form also the sweep's master seed\n"
          "  -j THREADS           worker threads (same bytes for any count)\n"
          "  --method M           sobol (N x (k + 2) runs, k <= 20) or morris (N x (k + 1))\n"
          "  -n N                 base samples (sobol, at least 8) or trajectories (morris,\n"
          "                       at least 2)\n"
          "  --levels L           morris grid levels (even, default 4)\n"
          "  --vary, -r, --set, --resume, -o   as for `marketsim sweep`\n"
          "  -q, --quiet          nothing on stdout, no progress bar\n\n"
          "Exit status: 0 ok, 1 runtime failure, 2 usage error or not a saltelli/morris\n"
          "sweep (nothing written), 130 interrupted.\n",
          out);
}

enum { OPT_BOOT = 256, OPT_METHOD, OPT_LEVELS, OPT_VARY, OPT_SET, OPT_RESUME };

static int apply(sens_args *a, int c, const char *arg, const char *opt)
{
    switch (c) {
    case OPT_BOOT:
        if (ms_cli_parse_u64(CMD, "--bootstrap", arg, 0, 100000, &a->boot))
            return MS_EXIT_USAGE;
        if (a->boot > 0 && a->boot < 100)
            return ms_cli_usage_error(CMD,
                                      "--bootstrap: give 0 (no intervals) or at least 100 "
                                      "resamples for a 95%% interval, got %s",
                                      arg);
        return -1;
    case 's':
        a->have_seed = 1;
        a->seed_text = arg;
        return ms_cli_parse_u64(CMD, "-s", arg, 0, UINT64_MAX, &a->seed) ? MS_EXIT_USAGE : -1;
    case 'j':
        a->threads_text = arg;
        return ms_cli_parse_u64(CMD, "-j", arg, 1, 1024, &a->threads) ? MS_EXIT_USAGE : -1;
    case 'n':
        a->samples = arg;
        return ms_cli_parse_u64(CMD, "-n", arg, 1, 10000000, &a->n) ? MS_EXIT_USAGE : -1;
    case 'o':
        a->out_dir = arg;
        return ms_cli_check_out_dir(CMD, "-o", arg) ? MS_EXIT_USAGE : -1;
    case 'r':
        a->reps = arg;
        return -1;
    case 'q':
        a->quiet = 1;
        return -1;
    case OPT_METHOD:
        a->method = arg;
        return -1;
    case OPT_LEVELS:
        a->levels = arg;
        return -1;
    case OPT_RESUME:
        a->resume = 1;
        return -1;
    case OPT_VARY:
        if (a->n_vary == MS_DESIGN_MAX_KEYS)
            return ms_cli_usage_error(CMD, "at most %d --vary options", MS_DESIGN_MAX_KEYS);
        a->vary[a->n_vary++] = arg;
        return -1;
    case OPT_SET:
        if (a->n_sets == MAX_ARGS)
            return ms_cli_usage_error(CMD, "too many --set options");
        a->sets[a->n_sets++] = arg;
        return -1;
    case 'h':
        usage(stdout);
        return MS_EXIT_OK;
    case ':':
        return ms_cli_usage_error(CMD, "%s needs a value", opt);
    default:
        return ms_cli_usage_error(CMD, "unknown option '%s' (see marketsim sensitivity --help)",
                                  opt);
    }
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The flags of each form; a DIR takes only the estimator's. */
static int check_form(const sens_args *a)
{
    if (is_dir(a->path)) {
        if (a->method || a->samples || a->levels || a->n_vary || a->n_sets || a->out_dir ||
            a->reps || a->resume)
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
    if (!a->samples || !a->out_dir || a->n_vary == 0)
        return ms_cli_usage_error(CMD, "--method %s needs -n N, --vary KEY=lo:hi and -o DIR",
                                  a->method);
    uint64_t min = sobol ? MS_SENS_MIN_SOBOL_SAMPLES : MS_SENS_MIN_MORRIS_TRAJECTORIES;
    if (a->n < min)
        return ms_cli_usage_error(CMD, "-n: too few points: %s needs at least %" PRIu64 " %s",
                                  a->method, min, sobol ? "base samples" : "trajectories");
    if (a->levels && sobol)
        return ms_cli_usage_error(CMD, "--levels applies to --method morris only");
    return -1;
}

static int parse_args(int argc, char **argv, sens_args *a)
{
    static const struct option opts[] = {{"bootstrap", required_argument, NULL, OPT_BOOT},
                                         {"seed", required_argument, NULL, 's'},
                                         {"threads", required_argument, NULL, 'j'},
                                         {"method", required_argument, NULL, OPT_METHOD},
                                         {"levels", required_argument, NULL, OPT_LEVELS},
                                         {"vary", required_argument, NULL, OPT_VARY},
                                         {"set", required_argument, NULL, OPT_SET},
                                         {"resume", no_argument, NULL, OPT_RESUME},
                                         {"output", required_argument, NULL, 'o'},
                                         {"replications", required_argument, NULL, 'r'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    optind = 0;
    opterr = 0;
    int c, rc = -1;
    while (rc < 0 && (c = getopt_long(argc, argv, ":s:j:n:o:r:qh", opts, NULL)) != -1)
        rc = apply(a, c, optarg, argv[optind - 1]);
    if (rc >= 0)
        return rc;
    if (optind >= argc)
        return ms_cli_usage_error(CMD, "missing DIR or SCENARIO.cfg (see marketsim sensitivity "
                                       "--help)");
    if (optind + 1 < argc)
        return ms_cli_usage_error(CMD, "unexpected argument '%s'", argv[optind + 1]);
    a->path = argv[optind];
    return check_form(a);
}

/* The SCENARIO form's first step: `marketsim sweep` with the same flags. */
static int run_sweep(const sens_args *a)
{
    const char *v[2 * MAX_ARGS + 2 * MS_DESIGN_MAX_KEYS + 24];
    int n = 0;
    v[n++] = "sweep";
    v[n++] = a->path;
    v[n++] = "--design";
    v[n++] = strcmp(a->method, "sobol") == 0 ? "saltelli" : "morris";
    v[n++] = "-n";
    v[n++] = a->samples;
    const char *opt[][2] = {{"--levels", a->levels},
                            {"-r", a->reps},
                            {"-s", a->seed_text},
                            {"-j", a->threads_text},
                            {"-o", a->out_dir}};
    for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++)
        if (opt[i][1]) {
            v[n++] = opt[i][0];
            v[n++] = opt[i][1];
        }
    for (int i = 0; i < a->n_vary; i++) {
        v[n++] = "--vary";
        v[n++] = a->vary[i];
    }
    for (int i = 0; i < a->n_sets; i++) {
        v[n++] = "--set";
        v[n++] = a->sets[i];
    }
    if (a->resume)
        v[n++] = "--resume";
    if (a->quiet)
        v[n++] = "--quiet";
    v[n] = NULL;
    return ms_cli_sweep(n, (char **)v);
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
    ms_progress_init(&bar, "sensitivity", "metrics", a->quiet);
    ms_exp_signals saved;
    const volatile sig_atomic_t *stop = ms_exp_signals_install(&saved);
    st = ms_sens_study_compute(s, (unsigned)a->boot, a->have_seed ? a->seed : info.seed,
                               (int)a->threads, on_progress, &bar, stop, &err);
    ms_exp_signals_restore(&saved);
    ms_progress_finish(&bar);
    ms_buf csv;
    ms_buf_init(&csv);
    if (st == MS_OK) {
        ms_sens_study_write_csv(s, &csv);
        st = ms_buf_ok(&csv) ? ms_atomic_write_file(dir, "sensitivity.csv", csv.data, csv.len, &err)
                             : ms_error_set(&err, MS_ENOMEM, dir, 0, "", "out of memory");
    }
    if (st == MS_OK && !a->quiet)
        table(s, dir, (unsigned)a->boot);
    else if (st == MS_EINTR)
        fprintf(stderr, "marketsim: sensitivity: interrupted; nothing written\n");
    else if (st != MS_OK)
        ms_error_print(stderr, &err);
    ms_dir_lock_release(lock);
    ms_buf_fini(&csv);
    ms_sens_study_destroy(s);
    return st == MS_OK ? MS_EXIT_OK : st == MS_EINTR ? MS_EXIT_INTERRUPTED : MS_EXIT_FAIL;
}

int ms_cli_sensitivity(int argc, char **argv)
{
    sens_args a;
    memset(&a, 0, sizeof a);
    a.boot = DEFAULT_BOOT;
    a.threads = 1;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    int dir_form = is_dir(a.path);
    if (!dir_form && (rc = run_sweep(&a)) != MS_EXIT_OK)
        return rc;
    return indices(&a, dir_form ? a.path : a.out_dir);
}
