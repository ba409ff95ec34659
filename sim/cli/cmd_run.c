/* cmd_run.c - `marketsim run`: a scenario's replications into tidy CSVs.
 *
 * Flow: parse flags -> load and validate the scenario (overrides, -s, -r)
 * -> only then create DIR and an atomic output set -> run replications on
 * the ordered task runner (-j threads; each task formats its own rows) ->
 * the collector appends rows to the files in replication order and feeds
 * the summary table -> summary.csv, scenario.resolved.cfg, manifest.csv
 * -> commit all files at once -> a short table on stdout.
 *
 * Determinism: every byte of every file except manifest.csv's `command`
 * row is a function of (scenario, seed, replications): thread count,
 * --trace and timing never reach them. A bad flag or config exits 2
 * before anything is created; a failure or SIGINT/SIGTERM aborts the set,
 * so DIR is left as it was.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/atomic.h"
#include "marketsim/cli.h"
#include "marketsim/experiment.h"
#include "marketsim/rng.h"
#include "marketsim/scenario.h"
#include "marketsim_version.h"
#include "progress.h"

#define CMD "run"
#define MAX_REPLICATIONS 1000000u
#define MAX_THREADS 1024u

typedef struct {
    const char *path;
    const char *out_dir;
    uint64_t reps, seed, threads;
    int reps_set, seed_set, trace, quiet, fingerprint;
    const char **sets;
    int nsets;
} run_args;

typedef struct {
    const ms_scenario *sc;
    int trace;
    FILE *files[MS_RESULTS_COUNT];
    ms_stats_table *stats;
    ms_progress progress;
    const char *command;  /* the command line as typed, for the manifest */
    uint64_t fingerprint; /* the replications' event-trace hashes, folded in order */
} run_ctx;

static void usage(FILE *out)
{
    fputs("usage: marketsim run SCENARIO.cfg [-o DIR] [-r REPS] [-s SEED] [-j THREADS]\n"
          "                     [--set KEY=VALUE]... [--trace] [--fingerprint] [--quiet]\n\n"
          "Runs the scenario's replications and writes into DIR (default\n"
          "out/<scenario name>/): market.csv, products.csv, segments.csv, events.csv,\n"
          "summary.csv, scenario.resolved.cfg and manifest.csv (docs/outputs.md).\n\n"
          "  -o, --output DIR        output directory\n"
          "  -r, --replications N    replications (overrides sim.replications)\n"
          "  -s, --seed SEED         master seed, 0..2^64-1 (overrides sim.seed)\n"
          "  -j, --threads N         worker threads (default 1; same bytes for any N)\n"
          "      --set KEY=VALUE     override a scenario key (repeatable)\n"
          "      --trace             also write decisions.csv (every procurement decision)\n"
          "      --fingerprint       print the event-trace fingerprint (also in manifest.csv)\n"
          "  -q, --quiet             no table on stdout, no progress on stderr\n"
          "  -h, --help              this help\n\n"
          "Exit status: 0 ok, 1 runtime failure, 2 usage or config error, 130 interrupted\n"
          "(nothing is written unless the run completes).\n",
          out);
}

/* Applies one parsed option. Returns -1 to go on, or an exit status. */
static int apply_option(int c, const char *arg, const char *opt, run_args *a)
{
    switch (c) {
    case 'o':
        a->out_dir = arg;
        return ms_cli_check_out_dir(CMD, "-o", arg) ? MS_EXIT_USAGE : -1;
    case 'r':
        a->reps_set = 1;
        return ms_cli_parse_u64(CMD, "-r", arg, 1, MAX_REPLICATIONS, &a->reps) ? MS_EXIT_USAGE : -1;
    case 's':
        a->seed_set = 1;
        return ms_cli_parse_u64(CMD, "-s", arg, 0, UINT64_MAX, &a->seed) ? MS_EXIT_USAGE : -1;
    case 'j':
        return ms_cli_parse_u64(CMD, "-j", arg, 1, MAX_THREADS, &a->threads) ? MS_EXIT_USAGE : -1;
    case 'S':
        if (!strchr(arg, '='))
            return ms_cli_usage_error(CMD, "--set: '%s' is not KEY=VALUE", arg);
        a->sets[a->nsets++] = arg;
        return -1;
    case 'T':
        a->trace = 1;
        return -1;
    case 'F':
        a->fingerprint = 1;
        return -1;
    case 'q':
        a->quiet = 1;
        return -1;
    case 'h':
        usage(stdout);
        return MS_EXIT_OK;
    case ':':
        return ms_cli_usage_error(CMD, "option '%s' needs a value (see marketsim run --help)", opt);
    default:
        return ms_cli_usage_error(CMD, "unknown option '%s' (see marketsim run --help)", opt);
    }
}

/* Returns -1 to go on, or an exit status. argv is permuted by getopt. */
static int parse_args(int argc, char **argv, run_args *a)
{
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'},
        {"replications", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'j'},
        {"set", required_argument, NULL, 'S'},
        {"trace", no_argument, NULL, 'T'},
        {"fingerprint", no_argument, NULL, 'F'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->threads = 1;
    a->sets = calloc((size_t)argc + 1, sizeof *a->sets);
    if (!a->sets)
        return MS_EXIT_FAIL;
    optind = 0; /* glibc: 0 re-initialises getopt fully */
    opterr = 0;
    int c, rc = -1;
    while (rc < 0 && (c = getopt_long(argc, argv, ":o:r:s:j:qh", longs, NULL)) != -1)
        rc = apply_option(c, optarg, argv[optind - 1], a);
    if (rc >= 0)
        return rc;
    if (optind != argc - 1)
        return ms_cli_usage_error(CMD, optind >= argc ? "missing SCENARIO.cfg (see --help)"
                                                      : "expected one SCENARIO.cfg, got more");
    a->path = argv[optind];
    return -1;
}

/* Loads the scenario with every override; -s and -r are applied to the
 * validated struct so any 64-bit seed works (libconfig 1.5 mangles large
 * integers), and ms_scenario_write then records them. */
static int load(const run_args *a, ms_scenario **sc)
{
    ms_errors errs;
    ms_errors_init(&errs);
    ms_status st = ms_scenario_load(a->path, a->sets, a->nsets, sc, &errs);
    if (st != MS_OK) {
        if (errs.count == 0)
            fprintf(stderr, "marketsim: %s: error: %s\n", a->path, ms_strerror(st));
        ms_errors_print(stderr, &errs);
        return st == MS_ENOMEM ? MS_EXIT_FAIL : MS_EXIT_USAGE;
    }
    if (a->seed_set)
        (*sc)->seed = a->seed;
    if (a->reps_set)
        (*sc)->replications = (int)a->reps;
    return -1;
}

/* ---- tasks ---------------------------------------------------------------- */

static ms_status task_run(void *vctx, const ms_exp_task *task, void **result, ms_error *err)
{
    const run_ctx *c = vctx;
    ms_exp_rep_result *r;
    ms_status st = ms_exp_replicate(c->sc, task->replication, c->trace, &r, err);
    *result = r;
    return st;
}

static void task_free(void *vctx, void *result)
{
    (void)vctx;
    ms_exp_rep_result_free(result);
}

static ms_status task_emit(void *vctx, const ms_exp_task *task, void *result, ms_error *err)
{
    run_ctx *c = vctx;
    ms_exp_rep_result *r = result;
    ms_status st = MS_OK;
    for (int f = 0; f < MS_RESULTS_COUNT && st == MS_OK; f++)
        if (c->files[f] && (st = ms_exp_rep_write(r, (ms_results_file)f, c->files[f])) != MS_OK)
            ms_error_set(err, st, ms_results_file_name((ms_results_file)f), 0, "",
                         "cannot write replication %u", (unsigned)task->replication);
    /* replications are emitted in order, so the fold is deterministic */
    c->fingerprint = ms_rng_mix64(c->fingerprint ^ r->fingerprint);
    if (st == MS_OK && ms_exp_rep_add_metrics(r, c->stats) != MS_OK)
        st = ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    ms_exp_rep_result_free(r);
    return st;
}

static void task_progress(void *vctx, uint64_t done, uint64_t total)
{
    run_ctx *c = vctx;
    ms_progress_update(&c->progress, done, total);
}

/* ---- files ---------------------------------------------------------------- */

/* Opens every per-replication file and writes its header. */
static ms_status open_results(ms_atomic_set *set, run_ctx *c, ms_error *err)
{
    for (int f = 0; f < MS_RESULTS_COUNT; f++) {
        const char *name = ms_results_file_name((ms_results_file)f);
        if (f == MS_RESULTS_DECISIONS && !c->trace)
            /* a decisions.csv of an earlier --trace run would not match */
            return ms_atomic_set_remove(set, name, err);
        if (!(c->files[f] = ms_atomic_set_open(set, name, err)))
            return MS_EIO;
        fprintf(c->files[f], "%s\n", ms_results_columns((ms_results_file)f));
    }
    return MS_OK;
}

static ms_status write_summary(FILE *fp, const run_ctx *c, ms_error *err)
{
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w;
    ms_csv_init(&w, &b);
    ms_csv_header(&w, "scenario,metric,subject,mean,sd,ci95_low,ci95_high,n");
    for (size_t i = 0; i < ms_stats_table_count(c->stats); i++) {
        const char *metric, *subject;
        ms_stats_table_key(c->stats, i, &metric, &subject);
        ms_stats_summary s;
        ms_stats_summarize(ms_stats_table_acc(c->stats, i), 0.95, &s);
        ms_csv_str(&w, c->sc->name);
        ms_csv_str(&w, metric);
        ms_csv_str(&w, subject);
        ms_stats_write_csv(&w, &s);
        ms_csv_end(&w);
    }
    ms_status st = ms_buf_write(&b, fp);
    ms_buf_fini(&b);
    if (st != MS_OK)
        ms_error_set(err, st, "summary.csv", 0, "", "cannot write");
    return st;
}

static void kv(ms_csv *w, const char *key, const char *value)
{
    ms_csv_str(w, key);
    ms_csv_str(w, value);
    ms_csv_end(w);
}

/* Provenance as key,value rows: CSV files themselves carry no comments. */
static ms_status write_manifest(FILE *fp, const run_ctx *c, ms_error *err)
{
    char num[32];
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w;
    ms_csv_init(&w, &b);
    ms_csv_header(&w, "key,value");
    kv(&w, "version", MARKETSIM_VERSION);
    kv(&w, "git", MARKETSIM_GIT);
    kv(&w, "scenario", c->sc->name);
    snprintf(num, sizeof num, "%" PRIu64, c->sc->seed);
    kv(&w, "seed", num);
    snprintf(num, sizeof num, "%d", c->sc->replications);
    kv(&w, "replications", num);
    snprintf(num, sizeof num, "%d", c->sc->horizon_months);
    kv(&w, "horizon_months", num);
    kv(&w, "generator", "philox4x32-10");
    snprintf(num, sizeof num, "%016" PRIx64, c->fingerprint);
    kv(&w, "fingerprint", num);
    kv(&w, "resolved_config", "scenario.resolved.cfg");
    kv(&w, "command", c->command);
    ms_status st = ms_buf_write(&b, fp);
    ms_buf_fini(&b);
    if (st != MS_OK)
        ms_error_set(err, st, "manifest.csv", 0, "", "cannot write");
    return st;
}

/* Everything after the replications: the files that need all of them. */
static ms_status write_tail(ms_atomic_set *set, const run_ctx *c, ms_error *err)
{
    FILE *fp = ms_atomic_set_open(set, "summary.csv", err);
    ms_status st = fp ? write_summary(fp, c, err) : MS_EIO;
    if (st != MS_OK)
        return st;
    if (!(fp = ms_atomic_set_open(set, "scenario.resolved.cfg", err)))
        return MS_EIO;
    if ((st = ms_scenario_write(c->sc, fp)) != MS_OK)
        return ms_error_set(err, st, "scenario.resolved.cfg", 0, "", "cannot write");
    /* opened last, so renamed last: its presence marks a complete set */
    if (!(fp = ms_atomic_set_open(set, "manifest.csv", err)))
        return MS_EIO;
    return write_manifest(fp, c, err);
}

/* ---- the stdout table ----------------------------------------------------- */

static void print_metric(const ms_stats_table *t, const char *metric, const char *title,
                         int with_ci)
{
    int header = 0;
    for (size_t i = 0; i < ms_stats_table_count(t); i++) {
        const char *m, *subject;
        ms_stats_table_key(t, i, &m, &subject);
        if (strcmp(m, metric) != 0)
            continue;
        if (!header++)
            printf("\n%s\n", title);
        ms_stats_summary s;
        ms_stats_summarize(ms_stats_table_acc(t, i), 0.95, &s);
        printf("  %-16s %8.4f", subject, s.mean);
        if (with_ci && s.n >= 2)
            printf("   [%.4f, %.4f]", s.ci_low, s.ci_high);
        printf("\n");
    }
}

static void print_table(const run_ctx *c, const char *dir)
{
    printf("%s: %d replication%s, seed %" PRIu64 ", %d months -> %s/\n", c->sc->name,
           c->sc->replications, c->sc->replications == 1 ? "" : "s", c->sc->seed,
           c->sc->horizon_months, dir);
    print_metric(c->stats, "final_share_spend", "final share of AI spend by cloud (95% CI)", 1);
    print_metric(c->stats, "deferral_rate", "deferral rate by segment (95% CI)", 1);
    print_metric(c->stats, "outcome_probability", "dispute outcomes (share of replications)", 0);
}

/* ---- the command ---------------------------------------------------------- */

static ms_status execute(run_ctx *c, const run_args *a, const volatile sig_atomic_t *stop,
                         ms_error *err)
{
    ms_exp_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.points = 1;
    plan.replications = (uint32_t)c->sc->replications;
    plan.threads = (int)(a->threads < plan.replications ? a->threads : plan.replications);
    plan.run = task_run;
    plan.emit = task_emit;
    plan.free_result = task_free;
    plan.progress = task_progress;
    plan.ctx = c;
    plan.stop = stop;
    ms_status st = ms_exp_execute(&plan, NULL, err);
    ms_progress_finish(&c->progress);
    return st;
}

/* Runs into `dir`; returns an exit status. */
static int run_into(run_ctx *c, const run_args *a, const char *dir)
{
    ms_error err;
    memset(&err, 0, sizeof err);
    /* handlers first: a signal must never find temporaries unguarded */
    ms_exp_signals sigs;
    const volatile sig_atomic_t *stop = ms_exp_signals_install(&sigs);
    ms_atomic_set *set = NULL;
    ms_status st = ms_atomic_set_create(dir, &set, &err);
    if (st == MS_OK)
        st = open_results(set, c, &err);
    if (st == MS_OK)
        st = execute(c, a, stop, &err);
    if (st == MS_OK)
        st = write_tail(set, c, &err);
    if (st == MS_OK && *stop)
        st = MS_EINTR; /* a signal after the last task still cancels */
    if (st == MS_OK) {
        st = ms_atomic_set_commit(set, &err);
        set = NULL;
    }
    ms_exp_signals_restore(&sigs);
    ms_atomic_set_abort(set);
    if (st == MS_EINTR) {
        fprintf(stderr, "marketsim: run: interrupted; nothing written to %s\n", dir);
        return MS_EXIT_INTERRUPTED;
    }
    if (st != MS_OK) {
        ms_error_print(stderr, &err);
        return MS_EXIT_FAIL;
    }
    if (a->fingerprint)
        printf("fingerprint: %016" PRIx64 "\n", c->fingerprint);
    if (!a->quiet)
        print_table(c, dir);
    return MS_EXIT_OK;
}

/* out/<name>, with any '/' in the name made harmless. */
static void default_dir(char *dir, size_t n, const char *name)
{
    snprintf(dir, n, "out/%s", name[0] ? name : "scenario");
    for (char *p = dir + 4; *p; p++)
        if (*p == '/')
            *p = '_';
}

/* Runs a loaded scenario; returns an exit status. */
static int run_scenario(const run_args *a, const ms_scenario *sc, const char *command)
{
    run_ctx c;
    memset(&c, 0, sizeof c);
    c.sc = sc;
    c.trace = a->trace;
    c.command = command;
    ms_progress_init(&c.progress, "run", "replications", a->quiet);
    char dir[4096];
    if (a->out_dir)
        snprintf(dir, sizeof dir, "%s", a->out_dir);
    else
        default_dir(dir, sizeof dir, sc->name);
    /* a file-size limit must fail a write (EFBIG), not kill the run
     * before it can remove its temporaries */
    struct sigaction ign, old_xfsz;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGXFSZ, &ign, &old_xfsz);
    c.stats = ms_stats_table_create();
    int rc = c.stats ? run_into(&c, a, dir) : MS_EXIT_FAIL;
    sigaction(SIGXFSZ, &old_xfsz, NULL);
    ms_stats_table_destroy(c.stats);
    return rc;
}

int ms_cli_run(int argc, char **argv)
{
    /* recorded before getopt permutes argv */
    ms_buf command;
    ms_buf_init(&command);
    ms_cli_command_text(&command, argc, argv);
    run_args a;
    int rc = parse_args(argc, argv, &a);
    ms_scenario *sc = NULL;
    if (rc < 0)
        rc = load(&a, &sc);
    if (rc < 0)
        rc = ms_buf_ok(&command) ? run_scenario(&a, sc, ms_buf_cstr(&command)) : MS_EXIT_FAIL;
    ms_scenario_destroy(sc);
    ms_buf_fini(&command);
    free(a.sets);
    return rc;
}
