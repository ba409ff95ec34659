/* options.c - one parser for every command's option table (options.h).
 *
 * The shared options are described once, in `shared` below: their names,
 * ranges and help text. A command's table lists the ones it takes by id, so
 * a flag a command does not list stays an unknown option there. Every
 * message is one line, `marketsim: CMD: error: FLAG: ...` quoting what was
 * typed, and every bad flag exits 2 before anything is read or written.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "marketsim/csv.h"
#include "marketsim/run.h"
#include "marketsim/scenario.h"
#include "options.h"

#define MAX_ROWS 40
#define DEFAULT_MAX_REPS 1000
#define HELP_COLUMN 26 /* where an option's help text starts */

typedef struct {
    const char *name;
    char letter;
    const char *value;
    const char *help;
} shared_opt;

static const shared_opt shared[MS_OPT_SHARED_END] = {
    [MS_OPT_OUTPUT] = {"output", 'o', "DIR", "output directory"},
    [MS_OPT_REPS] = {"replications", 'r', "N", "replications (default: sim.replications)"},
    [MS_OPT_SEED] = {"seed", 's', "SEED", "master seed, 0..2^64-1 (default: sim.seed)"},
    [MS_OPT_THREADS] = {"threads", 'j', "N", "worker threads (default 1; same bytes for any N)"},
    [MS_OPT_SET] = {"set", 0, "KEY=VALUE", "override a scenario key (repeatable)"},
    [MS_OPT_INCLUDE] = {"include-dir", 'I', "DIR",
                        "look for @include files in DIR too (repeatable;\n"
                        "before $MARKETSIM_PATH and the scenario library)"},
    [MS_OPT_VARY] = {"vary", 0, "KEY=SPEC", "a key to vary (repeatable; docs/sweeps.md)"},
    [MS_OPT_SAMPLES] = {NULL, 'n', "N", "samples of the design"},
    [MS_OPT_LEVELS] = {"levels", 0, "L", "morris grid levels (even, default 4)"},
    [MS_OPT_RESUME] = {"resume", 0, NULL, "continue an interrupted sweep in DIR"},
    [MS_OPT_TARGET_CI] = {"target-ci", 0, "M:S:H",
                          "add replications until the 95% CI of metric M, subject S\n"
                          "has half-width <= H"},
    [MS_OPT_MAX_REPS] = {"max-reps", 0, "N", "replications cap for --target-ci (default 1000)"},
    [MS_OPT_QUIET] = {"quiet", 'q', NULL, "nothing on stdout, no progress on stderr"},
    [MS_OPT_HELP] = {"help", 'h', NULL, "this help"},
};

/* A row with the shared fields filled in. */
static shared_opt row_of(const ms_cli_opt *o)
{
    if (o->id < MS_OPT_OWN) {
        shared_opt s = shared[o->id];
        if (o->help)
            s.help = o->help;
        return s;
    }
    return (shared_opt){o->name, o->letter, o->value, o->help};
}

int ms_cli_apply_switch(void *ctx, int id, const char *arg)
{
    (void)id, (void)arg;
    *(int *)ctx = 1;
    return -1;
}

int ms_cli_opt_set(const char *command, const char *flag, const char *arg)
{
    if (!strchr(arg, '=') || arg[0] == '=')
        return ms_cli_usage_error(command, "%s: '%s' is not KEY=VALUE", flag, arg);
    return -1;
}

/* --target-ci METRIC:SUBJECT:HALFWIDTH */
static int parse_target(const char *cmd, ms_cli_common *c, const char *arg)
{
    const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || c1 == arg || c2 == c1 + 1 || (size_t)(c1 - arg) >= sizeof c->target_metric ||
        (size_t)(c2 - c1 - 1) >= sizeof c->target_subject)
        return ms_cli_usage_error(cmd, "--target-ci: expected METRIC:SUBJECT:HALFWIDTH, got '%s'",
                                  arg);
    memcpy(c->target_metric, arg, (size_t)(c1 - arg));
    c->target_metric[c1 - arg] = '\0';
    memcpy(c->target_subject, c1 + 1, (size_t)(c2 - c1 - 1));
    c->target_subject[c2 - c1 - 1] = '\0';
    return ms_cli_parse_double(cmd, "--target-ci half-width", c2 + 1, 1e-300, 1e300, &c->halfwidth)
               ? MS_EXIT_USAGE
               : -1;
}

static int parse_levels(const char *cmd, ms_cli_common *c, const char *arg)
{
    uint64_t l;
    if (ms_cli_parse_u64(cmd, "--levels", arg, 2, 1000, &l))
        return MS_EXIT_USAGE;
    if (l % 2)
        return ms_cli_usage_error(cmd, "--levels: morris needs an even level count, got '%s'", arg);
    c->levels = (int)l;
    c->levels_text = arg;
    return -1;
}

/* -I DIR: an existing directory, which a colon-separated list can hold. */
static int include_dir(const char *cmd, ms_cli_common *c, const char *arg)
{
    struct stat st;
    if (!arg[0] || strchr(arg, ':'))
        return ms_cli_usage_error(cmd, "-I: '%s' %s", arg,
                                  arg[0] ? "contains ':' (expected a directory path without it, "
                                           "as $" MS_SCENARIO_PATH_ENV " separates with ':')"
                                         : "is empty (expected a directory; is a variable unset?)");
    if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode))
        return ms_cli_usage_error(cmd, "-I: '%s' is not a directory", arg);
    c->includes[c->n_includes++] = arg;
    return -1;
}

/* Puts the -I directories, in order, in front of $MARKETSIM_PATH. */
static int apply_includes(const char *cmd, const ms_cli_common *c)
{
    if (c->n_includes == 0)
        return -1;
    const char *old = getenv(MS_SCENARIO_PATH_ENV);
    ms_buf b;
    ms_buf_init(&b);
    for (int i = 0; i < c->n_includes; i++)
        ms_buf_printf(&b, "%s%s", i ? ":" : "", c->includes[i]);
    if (old && old[0])
        ms_buf_printf(&b, ":%s", old);
    int ok = ms_buf_ok(&b) && setenv(MS_SCENARIO_PATH_ENV, ms_buf_cstr(&b), 1) == 0;
    ms_buf_fini(&b);
    if (!ok)
        fprintf(stderr, "marketsim: %s: error: -I: cannot set $%s: %s\n", cmd, MS_SCENARIO_PATH_ENV,
                strerror(errno ? errno : ENOMEM));
    return ok ? -1 : MS_EXIT_FAIL;
}

/* A whole number for flag into *out, its text kept. */
static int number(const char *cmd, const char *flag, const char *arg, uint64_t min, uint64_t max,
                  uint64_t *out, const char **text, int *given)
{
    if (ms_cli_parse_u64(cmd, flag, arg, min, max, out))
        return MS_EXIT_USAGE;
    if (text)
        *text = arg;
    if (given)
        *given = 1;
    return -1;
}

/* Applies one shared option. Returns -1 to go on, or an exit status. */
static int apply_shared(const ms_cli_spec *spec, ms_cli_common *c, int id, const char *arg)
{
    const char *cmd = spec->command;
    switch (id) {
    case MS_OPT_OUTPUT:
        c->out_dir = arg;
        return ms_cli_check_out_dir(cmd, "-o", arg) ? MS_EXIT_USAGE : -1;
    case MS_OPT_REPS:
        return number(cmd, "-r", arg, 1, MS_RUN_MAX_REPLICATIONS, &c->reps, &c->reps_text,
                      &c->reps_set);
    case MS_OPT_SEED:
        return number(cmd, "-s", arg, 0, UINT64_MAX, &c->seed, &c->seed_text, &c->seed_set);
    case MS_OPT_THREADS:
        return number(cmd, "-j", arg, 1, MS_RUN_MAX_THREADS, &c->threads, &c->threads_text, NULL);
    case MS_OPT_SAMPLES:
        return number(cmd, "-n", arg, 1, 10000000, &c->samples, &c->samples_text, &c->samples_set);
    case MS_OPT_MAX_REPS:
        return number(cmd, "--max-reps", arg, 2, MS_RUN_MAX_REPLICATIONS, &c->max_reps, NULL,
                      &c->max_reps_set);
    case MS_OPT_SET:
        if (ms_cli_opt_set(cmd, "--set", arg) >= 0)
            return MS_EXIT_USAGE;
        c->sets[c->n_sets++] = arg;
        return -1;
    case MS_OPT_INCLUDE:
        return include_dir(cmd, c, arg);
    case MS_OPT_VARY:
        if (c->n_vary == MS_DESIGN_MAX_KEYS)
            return ms_cli_usage_error(cmd, "--vary: at most %d keys, got '%s' beyond them",
                                      MS_DESIGN_MAX_KEYS, arg);
        c->vary[c->n_vary++] = arg;
        return -1;
    case MS_OPT_LEVELS:
        return parse_levels(cmd, c, arg);
    case MS_OPT_TARGET_CI:
        return parse_target(cmd, c, arg);
    case MS_OPT_RESUME:
        c->resume = 1;
        return -1;
    case MS_OPT_QUIET:
        c->quiet = 1;
        return -1;
    case MS_OPT_HELP:
        ms_cli_help(spec, stdout);
        return MS_EXIT_OK;
    default: /* a table row without a handler: a programmer's slip */
        return ms_cli_usage_error(cmd, "option id %d is not handled", id);
    }
}

/* getopt_long's tables from the command's rows: long options return the
 * row's id, short letters are mapped to it by id_of_letter. */
static int build(const ms_cli_spec *spec, struct option *longs, char *shorts)
{
    int nl = 0, ns = 0;
    shorts[ns++] = ':'; /* a missing value returns ':' */
    for (const ms_cli_opt *o = spec->opts; o->id; o++) {
        shared_opt s = row_of(o);
        if (nl >= MAX_ROWS)
            return -1;
        if (s.name)
            longs[nl++] =
                (struct option){s.name, s.value ? required_argument : no_argument, NULL, o->id};
        if (s.letter) {
            shorts[ns++] = s.letter;
            if (s.value)
                shorts[ns++] = ':';
        }
    }
    longs[nl] = (struct option){NULL, 0, NULL, 0};
    shorts[ns] = '\0';
    return 0;
}

static int id_of_letter(const ms_cli_spec *spec, int letter)
{
    for (const ms_cli_opt *o = spec->opts; o->id; o++)
        if (row_of(o).letter == letter)
            return o->id;
    return 0;
}

/* The flag getopt just complained about, as typed. */
static const char *bad_flag(char **argv, char *buf, size_t cap)
{
    if (optopt > 0 && optopt < MS_OPT_SHARED_END)
        return argv[optind - 1]; /* a long shared option */
    if (optopt > ' ' && optopt < 127) {
        snprintf(buf, cap, "-%c", optopt);
        return buf;
    }
    return argv[optind - 1];
}

/* What the shared flags say together. */
static int check_together(const ms_cli_spec *spec, const ms_cli_common *c)
{
    if (c->max_reps_set && !(c->halfwidth > 0))
        return ms_cli_usage_error(spec->command, "--max-reps applies with --target-ci only");
    if (c->max_reps_set && c->reps_set && c->max_reps < c->reps)
        return ms_cli_usage_error(spec->command,
                                  "--max-reps %" PRIu64 " is below -r %" PRIu64
                                  " (expected at least the starting replications)",
                                  c->max_reps, c->reps);
    return -1;
}

static int check_operands(const ms_cli_spec *spec, int argc, char **argv)
{
    int n = argc - optind;
    if (n < spec->min_operands)
        return ms_cli_usage_error(spec->command, "missing %s (see marketsim %s --help)",
                                  spec->operands, spec->command);
    if (n > spec->max_operands)
        return ms_cli_usage_error(spec->command, "unexpected argument '%s'",
                                  argv[optind + spec->max_operands]);
    return -1;
}

int ms_cli_parse(const ms_cli_spec *spec, int argc, char **argv, ms_cli_common *c, void *ctx,
                 int *first)
{
    memset(c, 0, sizeof *c);
    c->threads = 1;
    c->max_reps = DEFAULT_MAX_REPS;
    struct option longs[MAX_ROWS + 1];
    char shorts[2 + 3 * MAX_ROWS], buf[8];
    c->sets = calloc((size_t)argc + 1, sizeof *c->sets);
    c->includes = calloc((size_t)argc + 1, sizeof *c->includes);
    if (!c->sets || !c->includes || build(spec, longs, shorts) != 0)
        return MS_EXIT_FAIL;
    optind = 0; /* glibc: 0 re-initialises getopt fully */
    opterr = 0;
    int ch, rc = -1;
    while (rc < 0 && (ch = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const char *arg = optarg;
        if (ch == ':')
            rc = ms_cli_usage_error(spec->command,
                                    "option '%s' needs a value (see marketsim %s --help)",
                                    bad_flag(argv, buf, sizeof buf), spec->command);
        else if (ch == '?')
            rc = ms_cli_usage_error(spec->command, "unknown option '%s' (see marketsim %s --help)",
                                    bad_flag(argv, buf, sizeof buf), spec->command);
        else {
            int id = ch >= ' ' && ch < MS_OPT_OWN ? id_of_letter(spec, ch) : ch;
            rc = id < MS_OPT_OWN ? apply_shared(spec, c, id, arg) : spec->apply(ctx, id, arg);
        }
    }
    if (rc < 0)
        rc = check_together(spec, c);
    if (rc < 0)
        rc = check_operands(spec, argc, argv);
    *first = optind;
    if (rc < 0)
        rc = apply_includes(spec->command, c);
    return rc;
}

void ms_cli_common_fini(ms_cli_common *c)
{
    free(c->sets);
    free(c->includes);
    c->sets = NULL;
    c->includes = NULL;
}

/* "  -r, --replications N    text", continuation lines under the text; a
 * head too long for its column puts the text on the next line. */
static void help_row(FILE *out, const shared_opt *s)
{
    char head[64];
    int n = s->letter ? snprintf(head, sizeof head, "-%c%s", s->letter, s->name ? ", " : "")
                      : snprintf(head, sizeof head, "    ");
    if (s->name)
        n += snprintf(head + n, sizeof head - (size_t)n, "--%s", s->name);
    if (s->value)
        snprintf(head + n, sizeof head - (size_t)n, " %s", s->value);
    if (strlen(head) < HELP_COLUMN - 3)
        fprintf(out, "  %-*s", HELP_COLUMN - 2, head);
    else
        fprintf(out, "  %s\n%*s", head, HELP_COLUMN, "");
    for (const char *p = s->help; *p;) {
        size_t len = strcspn(p, "\n");
        fprintf(out, "%.*s\n", (int)len, p);
        p += len;
        if (*p == '\n' && *++p)
            fprintf(out, "%*s", HELP_COLUMN, "");
    }
}

void ms_cli_help(const ms_cli_spec *spec, FILE *out)
{
    fprintf(out, "usage: %s\n\n%s\n", spec->synopsis, spec->about);
    for (const ms_cli_opt *o = spec->opts; o->id; o++) {
        shared_opt s = row_of(o);
        help_row(out, &s);
    }
    if (spec->footer)
        fprintf(out, "\n%s", spec->footer);
}

static void push(const char **v, int *n, const char *flag, const char *value)
{
    v[(*n)++] = flag;
    if (value[0])
        v[(*n)++] = value;
}

void ms_cli_common_argv(const ms_cli_common *c, const int *ids, const char **v, int *n)
{
    /* value NULL: not given; "": a switch that was given */
    const struct {
        int id;
        const char *flag, *value;
    } single[] = {
        {MS_OPT_OUTPUT, "-o", c->out_dir},
        {MS_OPT_REPS, "-r", c->reps_text},
        {MS_OPT_SEED, "-s", c->seed_text},
        {MS_OPT_THREADS, "-j", c->threads_text},
        {MS_OPT_SAMPLES, "-n", c->samples_text},
        {MS_OPT_LEVELS, "--levels", c->levels_text},
        {MS_OPT_RESUME, "--resume", c->resume ? "" : NULL},
        {MS_OPT_QUIET, "--quiet", c->quiet ? "" : NULL},
    };
    for (; *ids; ids++) {
        for (size_t i = 0; i < sizeof single / sizeof single[0]; i++)
            if (single[i].id == *ids && single[i].value)
                push(v, n, single[i].flag, single[i].value);
        for (int i = 0; *ids == MS_OPT_SET && i < c->n_sets; i++)
            push(v, n, "--set", c->sets[i]);
        for (int i = 0; *ids == MS_OPT_VARY && i < c->n_vary; i++)
            push(v, n, "--vary", c->vary[i]);
    }
}
