/* cmd_run.c - `marketsim run`: flag parsing and the stdout table on top of
 * the evaluation core (ms_run, sim/experiment/run.c), which writes the files.
 *
 * Flow: parse flags -> load and validate the scenario (overrides) -> only
 * then install the signal handlers and call ms_run with -s, -r, -j and the
 * output directory -> a short table on stdout. A bad flag or config exits 2
 * before anything is created; a failure or SIGINT/SIGTERM leaves DIR as it
 * was (the core aborts its output set).
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/dirlock.h"
#include "marketsim/run.h"
#include "options.h"
#include "progress.h"

#define CMD "run"

typedef struct {
    const char *path;
    ms_cli_common c;
    int trace, fingerprint;
} run_args;

enum { OPT_TRACE = MS_OPT_OWN, OPT_FINGERPRINT };

static const ms_cli_opt options[] = {
    {.id = MS_OPT_OUTPUT, .help = "output directory (default out/<scenario name>/)"},
    {.id = MS_OPT_REPS},
    {.id = MS_OPT_SEED},
    {.id = MS_OPT_THREADS},
    {.id = MS_OPT_SET},
    {.id = MS_OPT_INCLUDE},
    {OPT_TRACE, "trace", 0, NULL, "also write decisions.csv (every procurement decision)"},
    {OPT_FINGERPRINT, "fingerprint", 0, NULL,
     "print the event-trace fingerprint (also in manifest.csv)"},
    {.id = MS_OPT_QUIET, .help = "no table on stdout, no progress on stderr"},
    {.id = MS_OPT_HELP},
    {0},
};

static int apply(void *ctx, int id, const char *arg)
{
    run_args *a = ctx;
    (void)arg;
    if (id == OPT_TRACE)
        a->trace = 1;
    else
        a->fingerprint = 1;
    return -1;
}

static const ms_cli_spec spec = {
    .command = CMD,
    .synopsis = "marketsim run SCENARIO.cfg [-o DIR] [-r REPS] [-s SEED] [-j THREADS]\n"
                "                     [--set KEY=VALUE]... [--trace] [--fingerprint] [--quiet]",
    .about = "Runs the scenario's replications and writes into DIR (default\n"
             "out/<scenario name>/): market.csv, products.csv, segments.csv, events.csv,\n"
             "summary.csv, scenario.resolved.cfg and manifest.csv (docs/outputs.md).\n",
    .opts = options,
    .footer = "Exit status: 0 ok, 1 runtime failure, 2 usage or config error, 130 interrupted\n"
              "(nothing is written unless the run completes).\n",
    .operands = "SCENARIO.cfg",
    .min_operands = 1,
    .max_operands = 1,
    .apply = apply,
};

/* Returns -1 to go on, or an exit status. argv is permuted by getopt. */
static int parse_args(int argc, char **argv, run_args *a)
{
    memset(a, 0, sizeof *a);
    int first, rc = ms_cli_parse(&spec, argc, argv, &a->c, a, &first);
    if (rc < 0)
        a->path = argv[first];
    return rc;
}

/* Loads the scenario with every override. -s and -r are applied by the
 * core to the validated struct, so any 64-bit seed works (libconfig 1.5
 * mangles large integers), and the resolved config records them. */
static int load(const run_args *a, ms_scenario_base **base)
{
    ms_errors errs;
    ms_status st = ms_scenario_base_load(a->path, a->c.sets, a->c.n_sets, base, &errs);
    if (st != MS_OK) {
        if (errs.count == 0)
            fprintf(stderr, "marketsim: %s: error: %s\n", a->path, ms_strerror(st));
        ms_errors_print(stderr, &errs);
        return st == MS_ENOMEM ? MS_EXIT_FAIL : MS_EXIT_USAGE;
    }
    return -1;
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    ms_progress_update(ctx, done, total);
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

static void print_table(const ms_run_result *r, const char *dir)
{
    const ms_scenario *sc = &r->scenario;
    printf("%s: %d replication%s, seed %" PRIu64 ", %d months -> %s/\n", sc->name, sc->replications,
           sc->replications == 1 ? "" : "s", sc->seed, sc->horizon_months, dir);
    print_metric(r->summary, "final_share_spend", "final share of AI spend by cloud (95% CI)", 1);
    print_metric(r->summary, "deferral_rate", "deferral rate by segment (95% CI)", 1);
    print_metric(r->summary, "outcome_probability", "dispute outcomes (share of replications)", 0);
}

/* ---- the command ---------------------------------------------------------- */

/* out/<name>, with any '/' in the name made harmless. */
static void default_dir(char *dir, size_t n, const char *name)
{
    snprintf(dir, n, "out/%s", name[0] ? name : "scenario");
    for (char *p = dir + 4; *p; p++)
        if (*p == '/')
            *p = '_';
}

/* Runs a loaded scenario into its directory; returns an exit status. */
static int run_scenario(const run_args *a, const ms_scenario_base *base, const char *command)
{
    char dir[4096];
    if (a->c.out_dir)
        snprintf(dir, sizeof dir, "%s", a->c.out_dir);
    else
        default_dir(dir, sizeof dir, ms_scenario_base_get(base)->name);
    ms_progress progress;
    ms_progress_init(&progress, "run", "replications", a->c.quiet);
    ms_run_options o = ms_run_defaults();
    o.replications = a->c.reps_set ? (uint32_t)a->c.reps : 0;
    o.have_seed = a->c.seed_set;
    o.seed = a->c.seed;
    o.threads = (int)a->c.threads;
    o.keep_reps = 0;
    o.out_dir = dir;
    o.trace = a->trace;
    o.command = command;
    o.progress = on_progress;
    o.progress_ctx = &progress;
    /* handlers first: a signal must never find temporaries unguarded
     * (SIGXFSZ is ignored for every command, in main) */
    ms_exp_signals sigs;
    o.stop = ms_exp_signals_install(&sigs);
    ms_run_result *res = NULL;
    ms_errors errs;
    ms_error err;
    memset(&err, 0, sizeof err);
    ms_dir_lock *lock = NULL; /* a second command into dir refuses */
    ms_status st = ms_dir_lock_take(dir, NULL, &lock, &err);
    if (st == MS_OK)
        st = ms_run(base, NULL, 0, &o, &res, &errs, &err);
    ms_dir_lock_release(lock);
    ms_progress_finish(&progress);
    ms_exp_signals_restore(&sigs);
    if (st == MS_EINTR) {
        fprintf(stderr, "marketsim: run: interrupted; nothing written to %s\n", dir);
        return MS_EXIT_INTERRUPTED;
    }
    if (st != MS_OK) {
        ms_error_print(stderr, &err);
        return st == MS_EUSAGE ? MS_EXIT_USAGE : MS_EXIT_FAIL;
    }
    if (a->fingerprint)
        printf("fingerprint: %016" PRIx64 "\n", res->fingerprint);
    if (!a->c.quiet)
        print_table(res, dir);
    ms_run_result_free(res);
    return MS_EXIT_OK;
}

int ms_cli_run(int argc, char **argv)
{
    /* recorded before getopt permutes argv */
    ms_buf command;
    ms_buf_init(&command);
    ms_cli_command_text(&command, argc, argv);
    run_args a;
    int rc = parse_args(argc, argv, &a);
    ms_scenario_base *base = NULL;
    if (rc < 0)
        rc = load(&a, &base);
    if (rc < 0)
        rc = ms_buf_ok(&command) ? run_scenario(&a, base, ms_buf_cstr(&command)) : MS_EXIT_FAIL;
    ms_scenario_base_destroy(base);
    ms_buf_fini(&command);
    ms_cli_common_fini(&a.c);
    return rc;
}
