/* cmd_compare.c - `marketsim compare`: flags, the sides, the run.
 *
 * Three forms build the sides: two scenario files (a, b); one file and
 * --set-b overrides (b = a with them); one file and --outcomes (one side
 * per forced dispute outcome, then the stochastic scenario). One file is
 * read once (the core's ms_scenario_base) and the sides derived from it
 * with --set's checks. Every side is loaded and validated, and every flag
 * checked, before anything is
 * created: bad input exits 2 with nothing written. The sides share the
 * seed and replications (-s/-r, else side a's), which pairs them.
 * compare_report.c writes the tables and prints the stdout summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_cli.h"
#include "marketsim/dirlock.h"
#include "progress.h"

enum { OPT_SET_B = MS_OPT_OWN, OPT_OUTCOMES };

static const ms_cli_opt options[] = {
    {.id = MS_OPT_OUTPUT, .help = "output directory (required)"},
    {.id = MS_OPT_REPS, .help = "replications (default: side a's sim.replications)"},
    {.id = MS_OPT_SEED, .help = "master seed for every side (default: side a's)"},
    {.id = MS_OPT_THREADS},
    {.id = MS_OPT_SET, .help = "override a key on every side (repeatable)"},
    {.id = MS_OPT_INCLUDE},
    {OPT_SET_B, "set-b", 0, "KEY=VALUE", "then override a key on side b only (repeatable)"},
    {OPT_OUTCOMES, "outcomes", 0, "LIST", "the outcome fan (comma-separated, or all)"},
    {.id = MS_OPT_TARGET_CI,
     .help = "add replications until the paired 95% half-width of\n"
             "metric M, subject S is <= H (every side vs the first)"},
    {.id = MS_OPT_MAX_REPS},
    {.id = MS_OPT_QUIET, .help = "no table on stdout, no progress on stderr"},
    {.id = MS_OPT_HELP},
    {0},
};

static int apply(void *ctx, int id, const char *arg);

static const ms_cli_spec spec = {
    .command = CMD,
    .synopsis =
        "marketsim compare A.cfg B.cfg [options] -o DIR\n"
        "       marketsim compare SCENARIO.cfg --set-b KEY=VALUE [--set-b ...] [options] -o DIR\n"
        "       marketsim compare SCENARIO.cfg --outcomes LIST [options] -o DIR",
    .about = "Runs the sides with the same seed and replications (common random numbers)\n"
             "and reports per-replication (paired) differences b - a. With --outcomes, the\n"
             "outcome fan: the scenario once per forced dispute outcome (LIST of amended,\n"
             "settled, injunction, plaintiff_wins, dismissed, none, or `all`), plus the\n"
             "stochastic scenario; differences are against the first outcome listed.\n\n"
             "Writes DIR/a/ and DIR/b/ (or DIR/<outcome>/ and DIR/stochastic/): each side's\n"
             "complete run files; compare.csv and compare_monthly.csv (or outcomes.csv and\n"
             "outcome_probabilities.csv); manifest.csv (docs/outputs.md, docs/decisions.md).\n",
    .opts = options,
    .footer = "Exit status: 0 ok, 1 runtime failure, 2 usage or config error, 130 interrupted\n"
              "(nothing is written unless the comparison completes).\n",
    .operands = "SCENARIO.cfg",
    .min_operands = 1,
    .max_operands = 2,
    .apply = apply,
};

/* --outcomes LIST: names of ms_outcome_name, no repeats, or `all`. */
static int parse_outcomes(cmp_args *a, const char *arg)
{
    a->n_outcomes = 0;
    if (strcmp(arg, "all") == 0) {
        for (int o = MS_OUTCOME_AMENDED; o <= MS_OUTCOME_NONE; o++)
            a->outcomes[a->n_outcomes++] = (ms_outcome)o;
        return -1;
    }
    char buf[256];
    if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf || !*arg)
        return ms_cli_usage_error(CMD, "--outcomes: expected a comma-separated list, got '%s'",
                                  arg);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        int found = -1;
        for (int o = MS_OUTCOME_AMENDED; o <= MS_OUTCOME_NONE; o++)
            if (strcmp(tok, ms_outcome_name((ms_outcome)o)) == 0)
                found = o;
        if (found < 0)
            return ms_cli_usage_error(
                CMD,
                "--outcomes: unknown outcome '%s' (expected amended, settled, "
                "injunction, plaintiff_wins, dismissed, none or all)",
                tok);
        for (int i = 0; i < a->n_outcomes; i++)
            if (a->outcomes[i] == (ms_outcome)found)
                return ms_cli_usage_error(CMD, "--outcomes: '%s' is listed twice", tok);
        a->outcomes[a->n_outcomes++] = (ms_outcome)found;
    }
    return -1;
}

static int apply(void *ctx, int id, const char *arg)
{
    cmp_args *a = ctx;
    if (id == OPT_OUTCOMES) {
        a->fan = 1;
        return parse_outcomes(a, arg);
    }
    if (ms_cli_opt_set(CMD, "--set-b", arg) >= 0)
        return MS_EXIT_USAGE;
    a->sets_b[a->nsets_b++] = arg;
    return -1;
}

/* What the flags say together, before any file is read. */
static int check_args(cmp_args *a, int npos)
{
    if (npos == 2 && (a->nsets_b || a->fan))
        return ms_cli_usage_error(CMD, "%s takes one SCENARIO.cfg, not two",
                                  a->fan ? "--outcomes" : "--set-b");
    if (npos == 1 && !a->nsets_b && !a->fan)
        return ms_cli_usage_error(CMD, "one scenario needs --set-b KEY=VALUE or --outcomes LIST "
                                       "(or give A.cfg B.cfg)");
    if (a->nsets_b && a->fan)
        return ms_cli_usage_error(CMD, "--set-b and --outcomes exclude each other");
    if (!a->c.out_dir)
        return ms_cli_usage_error(CMD, "-o DIR is required");
    for (int i = 0; a->fan && i < a->c.n_sets; i++)
        if (strncmp(a->c.sets[i], "dispute.outcome=", 16) == 0)
            return ms_cli_usage_error(CMD, "--set dispute.outcome: --outcomes sets the outcome of "
                                           "each side itself");
    return -1;
}

static int parse_args(int argc, char **argv, cmp_args *a)
{
    memset(a, 0, sizeof *a);
    a->sets_b = calloc((size_t)argc + 1, sizeof *a->sets_b);
    if (!a->sets_b)
        return MS_EXIT_FAIL;
    int first, rc = ms_cli_parse(&spec, argc, argv, &a->c, a, &first);
    if (rc < 0)
        rc = check_args(a, argc - first);
    if (rc >= 0)
        return rc;
    a->path_a = argv[first];
    a->path_b = argc - first == 2 ? argv[first + 1] : NULL;
    return -1;
}

/* ---- the sides ------------------------------------------------------------ */

/* Errors of --set-b overrides say so (the loader names every override
 * "--set"). */
static void relabel(ms_errors *errs, const cmp_args *a)
{
    for (int i = 0; i < errs->count; i++) {
        ms_error *e = &errs->items[i];
        if (strcmp(e->file, "--set") != 0)
            continue;
        size_t klen = strlen(e->key);
        for (int j = 0; j < a->nsets_b; j++)
            if (strncmp(a->sets_b[j], e->key, klen) == 0 && a->sets_b[j][klen] == '=')
                snprintf(e->file, sizeof e->file, "--set-b");
    }
}

/* Prints a failed load's errors; returns its exit status. */
static int load_failed(const cmp_args *a, const char *path, ms_status st, ms_errors *errs)
{
    if (errs->count == 0)
        fprintf(stderr, "marketsim: %s: error: %s\n", path, ms_strerror(st));
    relabel(errs, a);
    ms_errors_print(stderr, errs);
    return st == MS_ENOMEM ? MS_EXIT_FAIL : MS_EXIT_USAGE;
}

static int load(const cmp_args *a, const char *path, ms_scenario **sc)
{
    ms_errors errs;
    ms_errors_init(&errs);
    ms_status st = ms_scenario_load(path, a->c.sets, a->c.n_sets, sc, &errs);
    return st == MS_OK ? -1 : load_failed(a, path, st, &errs);
}

/* A side derived from the base (the file is read once: the core's
 * ms_scenario_base) with `sets` applied, then forced to outcome `o`
 * unless o is MS_OUTCOME_COUNT. */
static int derive(const cmp_args *a, const ms_scenario_base *base, const char *const *sets, int n,
                  ms_outcome o, ms_scenario **out)
{
    ms_errors errs;
    ms_errors_init(&errs);
    if (!(*out = malloc(sizeof **out)))
        return MS_EXIT_FAIL;
    ms_status st = ms_scenario_base_derive(base, sets, n, *out, &errs);
    if (st != MS_OK) {
        free(*out);
        *out = NULL;
        return load_failed(a, a->path_a, st, &errs);
    }
    if (o != MS_OUTCOME_COUNT)
        (*out)->dispute.outcome = o;
    return -1;
}

static int load_base(const cmp_args *a, cmp_sides *s)
{
    ms_errors errs;
    ms_errors_init(&errs);
    ms_status st = ms_scenario_base_load(a->path_a, a->c.sets, a->c.n_sets, &s->base, &errs);
    return st == MS_OK ? -1 : load_failed(a, a->path_a, st, &errs);
}

static int load_fan(const cmp_args *a, cmp_sides *s)
{
    int rc = load_base(a, s);
    if (rc >= 0)
        return rc;
    if (!ms_scenario_base_get(s->base)->dispute.enabled)
        return ms_cli_usage_error(CMD,
                                  "--outcomes: the dispute is disabled in %s "
                                  "(dispute.enabled = false)",
                                  a->path_a);
    for (int i = 0; i <= a->n_outcomes; i++) {
        ms_outcome o = i < a->n_outcomes ? a->outcomes[i] : MS_OUTCOME_STOCHASTIC;
        s->names[i] = ms_outcome_name(o);
        if ((rc = derive(a, s->base, NULL, 0, o, &s->sc[i])) >= 0)
            return rc;
        s->n++;
    }
    return -1;
}

static int load_sides(const cmp_args *a, cmp_sides *s)
{
    memset(s, 0, sizeof *s);
    s->names[0] = "a";
    s->names[1] = "b";
    if (a->fan)
        return load_fan(a, s);
    int rc;
    if (a->path_b) { /* two files */
        s->loaded = 1;
        if ((rc = load(a, a->path_a, &s->sc[0])) >= 0)
            return rc;
        s->n = 1;
        rc = load(a, a->path_b, &s->sc[1]);
    } else { /* one file, read once: a, and b = a + --set-b */
        if ((rc = load_base(a, s)) >= 0 ||
            (rc = derive(a, s->base, NULL, 0, MS_OUTCOME_COUNT, &s->sc[0])) >= 0)
            return rc;
        s->n = 1;
        rc = derive(a, s->base, a->sets_b, a->nsets_b, MS_OUTCOME_COUNT, &s->sc[1]);
    }
    if (rc >= 0)
        return rc;
    s->n = 2;
    return -1;
}

static void free_sides(cmp_sides *s)
{
    for (int i = 0; i < s->n; i++)
        if (s->loaded)
            ms_scenario_destroy(s->sc[i]);
        else
            free(s->sc[i]);
    ms_scenario_base_destroy(s->base);
}

/* ---- the run -------------------------------------------------------------- */

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    ms_progress_update(ctx, done, total);
}

static int run(const cmp_args *a, cmp_sides *s, const char *command)
{
    for (int i = 0; i < s->n; i++) {
        s->sc[i]->seed = a->c.seed_set ? a->c.seed : s->sc[0]->seed;
        s->sc[i]->replications = a->c.reps_set ? (int)a->c.reps : s->sc[0]->replications;
    }
    ms_progress progress;
    ms_progress_init(&progress, CMD, "runs", a->c.quiet);
    ms_compare_config cfg = {.sides = (const ms_scenario *const *)s->sc,
                             .names = s->names,
                             .n_sides = s->n,
                             .replications = (uint32_t)s->sc[0]->replications,
                             .threads = (int)a->c.threads,
                             .out_dir = a->c.out_dir,
                             .command = command,
                             .target_metric = a->c.target_metric,
                             .target_subject = a->c.target_subject,
                             .target_halfwidth = a->c.halfwidth,
                             .max_reps = (uint32_t)a->c.max_reps,
                             .progress = on_progress,
                             .progress_ctx = &progress};
    ms_exp_signals sigs;
    cfg.stop = ms_exp_signals_install(&sigs);
    ms_error err;
    memset(&err, 0, sizeof err);
    ms_compare *c = NULL;
    ms_dir_lock *lock = NULL; /* a second command into -o refuses */
    ms_status st = ms_dir_lock_take(a->c.out_dir, NULL, &lock, &err);
    if (st == MS_OK)
        st = ms_compare_run(&cfg, &c, &err);
    ms_progress_finish(&progress);
    cmp_report rep;
    if (st == MS_OK)
        st = cmp_report_files(a, s, c, command, &rep, &err);
    if (st == MS_OK && *cfg.stop)
        st = MS_EINTR; /* a signal after the last task still cancels */
    if (st == MS_OK)
        st = ms_compare_commit(c, &err);
    ms_dir_lock_release(lock);
    ms_exp_signals_restore(&sigs);
    int rc = MS_EXIT_OK;
    if (st == MS_EINTR) {
        fprintf(stderr, "marketsim: compare: interrupted; nothing written to %s\n", a->c.out_dir);
        rc = MS_EXIT_INTERRUPTED;
    } else if (st == MS_EUSAGE) {
        ms_error_print(stderr, &err);
        rc = MS_EXIT_USAGE;
    } else if (st != MS_OK) {
        ms_error_print(stderr, &err);
        rc = MS_EXIT_FAIL;
    } else if (!a->c.quiet) {
        cmp_report_print(a, s, c, &rep);
    }
    ms_compare_destroy(c);
    return rc;
}

int ms_cli_compare(int argc, char **argv)
{
    ms_buf command;
    ms_buf_init(&command);
    ms_cli_command_text(&command, argc, argv); /* before getopt permutes argv */
    cmp_args a;
    cmp_sides s;
    memset(&s, 0, sizeof s);
    int rc = parse_args(argc, argv, &a);
    if (rc < 0)
        rc = load_sides(&a, &s);
    if (rc < 0)
        rc = ms_buf_ok(&command) ? run(&a, &s, ms_buf_cstr(&command)) : MS_EXIT_FAIL;
    free_sides(&s);
    ms_buf_fini(&command);
    ms_cli_common_fini(&a.c);
    free(a.sets_b);
    return rc;
}
