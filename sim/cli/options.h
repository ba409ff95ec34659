/* options.h - the command line's option tables (private to sim/cli).
 *
 * A command declares its options as one table, as ROSS's tw-opts does: the
 * same rows drive getopt_long and print the option lines of --help. A row
 * is either a shared option, named by its MS_OPT_* id and parsed here into
 * ms_cli_common with one range and one message for every command, or one
 * of the command's own (id >= MS_OPT_OWN), which the parser hands to the
 * command's apply callback. So `-r 0` reads the same under run, sweep,
 * compare, calibrate and sensitivity, and a bad flag is always one line
 * naming the flag and quoting the value, exit 2.
 */
#ifndef MARKETSIM_CLI_OPTIONS_H
#define MARKETSIM_CLI_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "marketsim/sweep.h"

/* Shared options. The ids stay below ' ' so that they never meet a short
 * option letter, nor getopt's ':' and '?'. */
enum {
    MS_OPT_OUTPUT = 1, /* -o, --output DIR */
    MS_OPT_REPS,       /* -r, --replications N */
    MS_OPT_SEED,       /* -s, --seed SEED */
    MS_OPT_THREADS,    /* -j, --threads N */
    MS_OPT_SET,        /* --set KEY=VALUE, repeatable */
    MS_OPT_INCLUDE,    /* -I, --include-dir DIR, repeatable: where @include looks */
    MS_OPT_VARY,       /* --vary KEY=SPEC, repeatable (the design parses SPEC) */
    MS_OPT_SAMPLES,    /* -n N */
    MS_OPT_LEVELS,     /* --levels L (even) */
    MS_OPT_RESUME,     /* --resume */
    MS_OPT_TARGET_CI,  /* --target-ci METRIC:SUBJECT:HALFWIDTH */
    MS_OPT_MAX_REPS,   /* --max-reps N (needs --target-ci) */
    MS_OPT_QUIET,      /* -q, --quiet */
    MS_OPT_HELP,       /* -h, --help */
    MS_OPT_SHARED_END,
    MS_OPT_OWN = 256 /* a command's own ids start here */
};

/* One row of a command's table. For a shared option give only the id (and
 * help, to say what it means for this command; NULL keeps the shared
 * text). In help, '\n' starts a continuation line. */
typedef struct {
    int id;
    const char *name;  /* own: long name without "--", or NULL */
    char letter;       /* own: short letter, or 0 */
    const char *value; /* own: the value's name in help ("FILE"), NULL = a switch */
    const char *help;
} ms_cli_opt;

/* Where the shared options land. `*_set` says the flag was given; `*_text`
 * keeps the value as typed (sensitivity hands it on to sweep). */
typedef struct {
    const char *out_dir;
    uint64_t reps, seed, threads, samples, max_reps;
    int reps_set, seed_set, samples_set, max_reps_set;
    const char *reps_text, *seed_text, *threads_text, *samples_text, *levels_text;
    int levels, quiet, resume;
    const char **sets; /* --set values in order (argv's strings) */
    int n_sets;
    const char **includes; /* -I directories in order */
    int n_includes;
    const char *vary[MS_DESIGN_MAX_KEYS];
    int n_vary;
    char target_metric[64], target_subject[64];
    double halfwidth; /* 0: no --target-ci */
} ms_cli_common;

typedef struct {
    const char *command;    /* "run": in messages and `see marketsim run --help` */
    const char *synopsis;   /* the usage lines, from "marketsim ..." */
    const char *about;      /* what the command does (a paragraph or two) */
    const ms_cli_opt *opts; /* terminated by a row with id 0 */
    const char *footer;     /* exit status and the like */
    const char *operands;   /* their name in messages: "SCENARIO.cfg" */
    int min_operands, max_operands;
    /* The command's own options: returns -1 to go on, or an exit status
     * (after printing one line for a bad value). */
    int (*apply)(void *ctx, int id, const char *arg);
} ms_cli_spec;

/* Parses argv[1..] by spec into c (zeroed first; threads defaults to 1,
 * max_reps to 1000) and ctx. Returns -1 to go on, the operands being
 * argv[*first] .. argv[argc - 1]; or an exit status: 0 after printing help,
 * 2 after printing one line for a bad flag, value or operand count, 1 out
 * of memory. Checks what the shared flags say together (--max-reps needs
 * --target-ci and at least -r). When all is well, -I directories are put
 * in front of $MARKETSIM_PATH, where every scenario load of this process
 * (and of the threads it starts) finds them. Release c with
 * ms_cli_common_fini either way. argv is permuted (record the command
 * text first). */
int ms_cli_parse(const ms_cli_spec *spec, int argc, char **argv, ms_cli_common *c, void *ctx,
                 int *first);

void ms_cli_common_fini(ms_cli_common *c);

/* The command's --help: synopsis, about, the option lines, footer. */
void ms_cli_help(const ms_cli_spec *spec, FILE *out);

/* An apply callback for a command whose own options are all one switch:
 * sets the int that ctx points to. */
int ms_cli_apply_switch(void *ctx, int id, const char *arg);

/* --set's check, for a command's own KEY=VALUE options too (--set-b):
 * returns -1 when arg has a KEY before '=', else prints the usage error
 * naming flag and quoting arg and returns 2. */
int ms_cli_opt_set(const char *command, const char *flag, const char *arg);

/* Appends "flag value" to v at *n for each shared option of c that was
 * given and is in `ids` (terminated by 0), as the user typed it: a command
 * that hands its flags on to another (sensitivity -> sweep). */
void ms_cli_common_argv(const ms_cli_common *c, const int *ids, const char **v, int *n);

#endif
