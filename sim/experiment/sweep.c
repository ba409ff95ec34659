/* sweep.c - runs a design's tasks and writes the sweep's files (see
 * sweep.h). The flow: validate every point before anything is written;
 * open the output set and the journal (replaying it on --resume); run the
 * tasks on the executor; feed rows to the assembler in id order; commit.
 * --target-ci repeats the whole sweep with more replications, so the final
 * files are exactly those of a plain sweep with that replication count. */
#include "marketsim/sweep.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "marketsim/atomic.h"
#include "marketsim/dirlock.h"
#include "marketsim/hash.h"
#include "marketsim/manifest.h"
#include "marketsim/scenario.h"
#include "results_csv.h"
#include "sweep_internal.h"

typedef struct {
    const ms_sweep_config *cfg;
    ms_scenario_base *base; /* the file, --set and the seed, loaded once */
    uint32_t reps;
    char seed_set[48];
    ms_sweep_asm as;
    ms_sweep_journal journal;
    uint64_t done_upto; /* ids <= this are in the journal; UINT64_MAX: none */
    uint64_t resumed;   /* tasks replayed from the journal */
} sweep_ctx;

/* The overrides of one point: its design values (the base scenario holds
 * the --set overrides and the seed). Strings are written into store
 * (n_keys * 256 bytes). */
static int point_sets(const sweep_ctx *c, uint64_t point, const char **sets, char *store)
{
    const ms_design *d = c->cfg->design;
    int n = 0;
    for (int k = 0; point != UINT64_MAX && k < d->n_keys; k++) {
        char *s = store + (size_t)k * 256;
        snprintf(s, 256, "%s=%s", d->keys[k], ms_design_cell(d, point, k));
        sets[n++] = s;
    }
    return n;
}

/* The scenario of one point, derived from the base loaded once. */
static ms_status load_point(const sweep_ctx *c, uint64_t point, ms_scenario *sc, ms_errors *errs)
{
    const char *sets[MS_DESIGN_MAX_KEYS];
    char store[MS_DESIGN_MAX_KEYS * 256];
    int n = point_sets(c, point, sets, store);
    return ms_scenario_base_derive(c->base, sets, n, sc, errs);
}

/* The base: the scenario file with the --set overrides and the seed. */
static ms_status load_base(sweep_ctx *c, ms_errors *errs)
{
    const ms_sweep_config *cfg = c->cfg;
    const char **sets = calloc((size_t)cfg->n_sets + 2, sizeof *sets);
    if (!sets) {
        ms_errors_init(errs);
        ms_errors_add(errs, cfg->scenario_path, 0, "", "out of memory");
        return MS_ENOMEM;
    }
    int n = 0;
    for (int i = 0; i < cfg->n_sets; i++)
        sets[n++] = cfg->sets[i];
    if (cfg->have_seed)
        sets[n++] = c->seed_set;
    ms_status st = ms_scenario_base_load(cfg->scenario_path, sets, n, &c->base, errs);
    free(sets);
    return st;
}

static void format_rows(const sweep_ctx *c, const ms_exp_task *t, const ms_scenario *sc,
                        const ms_metric *metrics, size_t n_metrics, ms_buf *b)
{
    ms_csv w;
    ms_csv_init(&w, b);
    const ms_design *d = c->cfg->design;
    for (size_t m = 0; m < n_metrics; m++) {
        ms_csv_uint(&w, t->point);
        ms_csv_uint(&w, t->replication);
        ms_csv_uint(&w, sc->seed);
        for (int k = 0; k < d->n_keys; k++)
            ms_csv_str(&w, ms_design_cell(d, t->point, k));
        ms_csv_str(&w, metrics[m].metric);
        ms_csv_str(&w, metrics[m].subject);
        ms_csv_exact(&w, metrics[m].value);
        ms_csv_end(&w);
    }
}

static ms_status task_run(void *vctx, const ms_exp_task *t, void **result, ms_error *err)
{
    const sweep_ctx *c = vctx;
    *result = NULL;
    ms_scenario *sc = malloc(sizeof *sc);
    ms_errors *errs = malloc(sizeof *errs);
    ms_status st = sc && errs ? load_point(c, t->point, sc, errs) : MS_ENOMEM;
    if (st != MS_OK) {
        if (st == MS_ENOMEM)
            ms_error_set(err, st, NULL, 0, "", "out of memory");
        else if (errs->count > 0)
            *err = errs->items[0];
        free(sc);
        free(errs);
        return st == MS_ENOMEM ? st : MS_ECONFIG;
    }
    free(errs);
    ms_exp_rep_result *r = NULL;
    st = ms_exp_replicate(sc, t->replication, 0, &r, err);
    ms_buf *b = st == MS_OK ? malloc(sizeof *b) : NULL;
    if (b) {
        ms_buf_init(b);
        format_rows(c, t, sc, r->metrics, r->n_metrics, b);
        if (!ms_buf_ok(b)) {
            ms_buf_fini(b);
            free(b);
            b = NULL;
        }
    }
    if (st == MS_OK && !b)
        st = ms_error_set(err, MS_ENOMEM, NULL, 0, "", "out of memory");
    ms_exp_rep_result_free(r);
    free(sc);
    *result = b;
    return st;
}

static void free_rows(void *ctx, void *result)
{
    (void)ctx;
    ms_buf_fini(result);
    free(result);
}

static ms_status task_emit(void *vctx, const ms_exp_task *t, void *result, ms_error *err)
{
    sweep_ctx *c = vctx;
    ms_buf *b = result;
    ms_status st = ms_sweep_journal_add(&c->journal, t->id, b->data, b->len);
    if (st == MS_OK)
        st = ms_sweep_asm_add(&c->as, b->data, b->len);
    free_rows(NULL, b);
    if (st != MS_OK)
        ms_error_set(err, st, c->cfg->out_dir, 0, "", "cannot write the sweep's rows: %s",
                     strerror(errno ? errno : EIO));
    return st;
}

static int task_select(void *vctx, uint64_t id)
{
    const sweep_ctx *c = vctx;
    const ms_sweep_config *cfg = c->cfg;
    if (cfg->shard_n && id % cfg->shard_n != cfg->shard_k)
        return 0;
    return c->done_upto == UINT64_MAX || id > c->done_upto;
}

static ms_status replay(void *vctx, uint64_t id, const char *text, size_t len)
{
    (void)id;
    return ms_sweep_asm_add(&((sweep_ctx *)vctx)->as, text, len);
}

/* One point's check: the loads are independent, so they run on the pool
 * (-j) like tasks; the runner reports the lowest failing point. */
static ms_status check_run(void *vctx, const ms_exp_task *t, void **result, ms_error *err)
{
    *result = NULL;
    ms_scenario *sc = malloc(sizeof *sc);
    ms_errors *errs = malloc(sizeof *errs);
    ms_status st = sc && errs ? load_point(vctx, t->point, sc, errs) : MS_ENOMEM;
    if (st == MS_ENOMEM)
        ms_error_set(err, st, NULL, 0, "", "out of memory");
    else if (st != MS_OK && errs->count > 0)
        *err = errs->items[0];
    free(sc);
    free(errs);
    return st;
}

static ms_status check_emit(void *ctx, const ms_exp_task *t, void *result, ms_error *err)
{
    (void)ctx, (void)t, (void)result, (void)err;
    return MS_OK;
}

/* Checks the base scenario and every point before anything is written. */
static ms_status validate(sweep_ctx *c, ms_errors *errs, ms_error *err, uint32_t *reps)
{
    ms_status st = load_base(c, errs);
    if (st != MS_OK)
        return st;
    if (*reps == 0)
        *reps = (uint32_t)ms_scenario_base_get(c->base)->replications;
    ms_exp_plan plan = {.points = c->cfg->design->n_points,
                        .replications = 1,
                        .threads = c->cfg->threads,
                        .run = check_run,
                        .emit = check_emit,
                        .ctx = c,
                        .stop = c->cfg->stop};
    ms_exp_report r;
    st = ms_exp_execute(&plan, &r, err);
    if (st == MS_OK || st == MS_EINTR || r.failed_id == UINT64_MAX)
        return st;
    /* the first bad point again, for its complete list of errors; an error
     * in a varied key names the point instead of "--set" */
    ms_scenario *sc = malloc(sizeof *sc);
    st = sc ? load_point(c, r.failed_id, sc, errs) : MS_ENOMEM;
    free(sc);
    const ms_design *d = c->cfg->design;
    for (int i = 0; i < errs->count; i++) {
        ms_error *e = &errs->items[i];
        for (int k = 0; strcmp(e->file, "--set") == 0 && k < d->n_keys; k++)
            if (strcmp(e->key, d->keys[k]) == 0)
                snprintf(e->file, sizeof e->file, "%s point %" PRIu64,
                         d->kind == MS_DESIGN_FILE ? "--design-file" : "--vary", r.failed_id);
    }
    return st;
}

/* manifest.csv up to its identity's end (manifest.h: the shared keys,
 * then the design). The shard line comes last, so `merge` gets the
 * unsharded identity by cutting there; a shard's proof and the command
 * row follow once the sweep is done. */
static void build_manifest(const sweep_ctx *c, const char *resolved, ms_buf *b)
{
    const ms_sweep_config *cfg = c->cfg;
    const ms_design *d = cfg->design;
    uint64_t dh = MS_HASH_FNV1A_INIT;
    for (size_t i = 0; i < d->n_points * (size_t)d->n_keys; i++)
        dh = dh * 31 + ms_hash_fnv1a(d->cells[i], strlen(d->cells[i]) + 1);
    const ms_scenario *sc = ms_scenario_base_get(c->base);
    ms_manifest_head h = {.scenario = sc->name,
                          .config_name = "scenario.resolved.cfg",
                          .config = resolved,
                          .config_len = strlen(resolved),
                          .seed = sc->seed,
                          .replications = c->reps};
    ms_manifest_begin(b, &h);
    ms_manifest_str(b, "design", ms_design_kind_name(d->kind));
    ms_manifest_hex(b, "design_hash", dh);
    ms_manifest_u64(b, "points", d->n_points);
    ms_manifest_u64(b, "tasks", (uint64_t)d->n_points * c->reps);
    ms_buf keys;
    ms_buf_init(&keys);
    for (int k = 0; k < d->n_keys; k++)
        ms_buf_printf(&keys, "%s%s", k ? ";" : "", d->keys[k]);
    ms_manifest_str(b, "keys", ms_buf_cstr(&keys));
    if (!ms_buf_ok(&keys))
        b->failed = 1;
    ms_buf_fini(&keys);
    ms_design_manifest(d, b);
    if (cfg->shard_n) {
        char shard[32];
        snprintf(shard, sizeof shard, "%" PRIu32 "/%" PRIu32, cfg->shard_k, cfg->shard_n);
        ms_manifest_str(b, "shard", shard);
    }
}

/* The resolved base scenario as text (its seed included). */
static ms_status resolved_text(const sweep_ctx *c, char **text)
{
    size_t len;
    return ms_scenario_write_text(ms_scenario_base_get(c->base), text, &len);
}

static void file_name(char *out, size_t n, const sweep_ctx *c, const char *stem, const char *ext)
{
    const ms_sweep_config *cfg = c->cfg;
    if (cfg->shard_n)
        snprintf(out, n, "%s.part-%" PRIu32 "-of-%" PRIu32 "%s", stem, cfg->shard_k, cfg->shard_n,
                 ext);
    else
        snprintf(out, n, "%s%s", stem, ext);
}

/* The journal: .sweep.journal, .sweep.part-K-of-N.journal, or under
 * --target-ci .sweep.rREPS.journal, one per round, so that --resume finds
 * the round it was interrupted in (the earlier rounds run again: they are
 * deterministic, so they lead to the same replication count). */
static void journal_name(char *out, size_t n, const sweep_ctx *c)
{
    if (c->cfg->target_halfwidth > 0)
        snprintf(out, n, "/.sweep.r%" PRIu32 ".journal", c->reps);
    else
        file_name(out, n, c, "/.sweep", ".journal");
}

/* Without --resume, a --target-ci sweep refuses a directory that holds any
 * round's journal up front (a later round's would only be found after the
 * earlier rounds ran again). */
static ms_status check_round_journals(const ms_sweep_config *cfg, ms_error *err)
{
    DIR *d = opendir(cfg->out_dir);
    if (!d)
        return MS_OK;
    struct dirent *e;
    ms_status st = MS_OK;
    while (st == MS_OK && (e = readdir(d)) != NULL) {
        unsigned r;
        int end = 0;
        if (sscanf(e->d_name, ".sweep.r%u.journal%n", &r, &end) == 1 && end > 0 &&
            e->d_name[end] == '\0')
            st = ms_error_set(err, MS_EUSAGE, cfg->out_dir, 0, e->d_name,
                              "an unfinished sweep is here: add --resume to continue it, or "
                              "delete this file to start over");
    }
    closedir(d);
    return st;
}

/* Progress counts tasks taken from the journal as done. */
static void task_progress(void *vctx, uint64_t emitted, uint64_t selected)
{
    const sweep_ctx *c = vctx;
    if (c->cfg->progress)
        c->cfg->progress(c->cfg->progress_ctx, emitted + c->resumed, selected + c->resumed);
}

static ms_status execute(sweep_ctx *c, ms_sweep_report *rep, ms_error *err)
{
    const ms_sweep_config *cfg = c->cfg;
    ms_exp_plan plan = {
        .points = cfg->design->n_points,
        .replications = c->reps,
        .threads = cfg->threads,
        .run = task_run,
        .emit = task_emit,
        .free_result = free_rows,
        .select = task_select,
        .progress = task_progress,
        .ctx = c,
        .stop = cfg->stop,
    };
    ms_exp_report r;
    ms_status st = cfg->executor ? cfg->executor(cfg->exec_ctx, &plan, &r, err)
                                 : ms_exp_execute(&plan, &r, err);
    rep->done += r.emitted;
    return st;
}

/* Opens rows, summary and journal; replays the journal on --resume. */
static ms_status open_outputs(sweep_ctx *c, ms_atomic_set *set, const char *identity,
                              ms_sweep_report *rep, ms_error *err)
{
    const ms_sweep_config *cfg = c->cfg;
    char name[96], path[4200];
    file_name(name, sizeof name, c, "sweep", ".csv");
    FILE *rows = ms_atomic_set_open(set, name, err);
    FILE *summary = NULL;
    if (rows && !cfg->shard_n && !(summary = ms_atomic_set_open(set, "sweep_summary.csv", err)))
        return MS_EIO;
    if (!rows)
        return MS_EIO;
    ms_buf head, keys;
    ms_buf_init(&head);
    ms_buf_init(&keys);
    const char *knames[MS_DESIGN_MAX_KEYS];
    for (int k = 0; k < cfg->design->n_keys; k++)
        knames[k] = cfg->design->keys[k];
    ms_sweep_rows_header(&head, knames, cfg->design->n_keys);
    ms_csv w;
    ms_csv_init(&w, &keys);
    for (int k = 0; k < cfg->design->n_keys; k++)
        ms_csv_str(&w, knames[k]);
    ms_status st =
        ms_buf_ok(&head) ? ms_sweep_asm_init(&c->as, rows, summary, ms_buf_cstr(&keys)) : MS_ENOMEM;
    if (st == MS_OK) /* through the assembler, so the part's checksum covers it */
        st = ms_sweep_asm_write(&c->as, head.data, head.len);
    ms_buf_fini(&head);
    ms_buf_fini(&keys);
    c->as.target_metric = cfg->target_halfwidth > 0 ? cfg->target_metric : NULL;
    c->as.target_subject = cfg->target_subject;
    c->as.worst_halfwidth = -1; /* stays negative if the target never appears */
    journal_name(name, sizeof name, c);
    snprintf(path, sizeof path, "%s%s", cfg->out_dir, name);
    uint64_t resumed = 0; /* this round's; the report sums the rounds, as it does `done` */
    if (st == MS_OK)
        st = ms_sweep_journal_open(&c->journal, path, identity, cfg->resume, replay, c,
                                   &c->done_upto, &resumed, err);
    c->resumed = resumed;
    rep->resumed += resumed;
    return st;
}

/* --resume: a run killed by SIGKILL leaves its output set's temporaries
 * (.NAME.tmp-XXXXXX); they never carry a final name, so they can go. A
 * shard holds DIR only shared with its sibling shards, which may be
 * running: it removes only its own part's temporaries (`tag` names them),
 * never theirs or a shared file's. */
static void remove_temps(const char *dir, const char *tag)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4200];
    while ((e = readdir(d)) != NULL) {
        const char *t = strstr(e->d_name, ".tmp-");
        if (e->d_name[0] == '.' && t && strlen(t) == 11 && (!tag || strstr(e->d_name, tag))) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

static ms_status run_once(sweep_ctx *c, const char *resolved, ms_sweep_report *rep, ms_error *err)
{
    const ms_sweep_config *cfg = c->cfg;
    if (cfg->resume) {
        char tag[64];
        file_name(tag, sizeof tag, c, "", ".");
        remove_temps(cfg->out_dir, cfg->shard_n ? tag : NULL);
    }
    ms_buf manifest;
    ms_buf_init(&manifest);
    build_manifest(c, resolved, &manifest);
    char *identity = strdup(ms_buf_cstr(&manifest)); /* the rows above grow the buffer */
    ms_status st = identity ? MS_OK : MS_ENOMEM;
    ms_atomic_set *set = NULL;
    if (st == MS_OK)
        st = ms_atomic_set_create(cfg->out_dir, &set, err);
    if (st == MS_OK)
        st = open_outputs(c, set, identity, rep, err);
    if (st == MS_OK)
        st = execute(c, rep, err);
    if (st == MS_OK)
        st = ms_sweep_asm_finish(&c->as);
    int no_target = st == MS_OK && c->as.target_metric && c->as.worst_halfwidth < 0;
    if (no_target)
        st = ms_error_set(err, MS_EUSAGE, NULL, 0, "--target-ci",
                          "no metric '%s' with subject '%s' in the results (see the metric and "
                          "subject columns of sweep.csv)",
                          cfg->target_metric, cfg->target_subject);
    char name[96];
    file_name(name, sizeof name, c, "manifest", ".csv");
    if (st == MS_OK && cfg->shard_n) { /* the part's proof, for merge */
        ms_manifest_u64(&manifest, MS_SWEEP_PART_ROWS, c->as.lines - 1);
        ms_manifest_hex(&manifest, MS_SWEEP_PART_HASH, c->as.rows_hash);
    }
    ms_manifest_end(&manifest, cfg->command);
    if (st == MS_OK && !ms_buf_ok(&manifest))
        st = MS_ENOMEM;
    /* the manifest is the commit record: opened last, renamed last, the
     * old one removed before the first rename */
    if (st == MS_OK)
        st = ms_atomic_set_put(set, "scenario.resolved.cfg", resolved, strlen(resolved), err);
    if (st == MS_OK)
        st = ms_atomic_set_record(set, name, err);
    if (st == MS_OK)
        st = ms_atomic_set_put(set, name, manifest.data, manifest.len, err);
    if (st == MS_OK) {
        st = ms_atomic_set_commit(set, err);
        set = NULL;
    } else if (no_target) {
        ms_sweep_journal_close(&c->journal, 1); /* before abort empties DIR */
    }
    ms_atomic_set_abort(set);
    ms_sweep_journal_close(&c->journal, st == MS_OK);
    rep->worst_halfwidth = c->as.worst_halfwidth;
    ms_sweep_asm_fini(&c->as);
    ms_buf_fini(&manifest);
    free(identity);
    return st;
}

ms_status ms_sweep_run(const ms_sweep_config *cfg, ms_sweep_report *rep, ms_errors *errs,
                       ms_error *err)
{
    sweep_ctx c;
    memset(&c, 0, sizeof c);
    memset(rep, 0, sizeof *rep);
    c.cfg = cfg;
    c.done_upto = UINT64_MAX;
    c.reps = cfg->replications;
    snprintf(c.seed_set, sizeof c.seed_set, "sim.seed=%" PRIu64, cfg->seed);
    ms_status st = validate(&c, errs, err, &c.reps);
    if (st != MS_OK) {
        ms_scenario_base_destroy(c.base);
        return st;
    }
    rep->points = cfg->design->n_points;
    if (!cfg->writer) {
        ms_exp_plan plan = {.points = rep->points,
                            .replications = c.reps,
                            .threads = 1,
                            .run = task_run,
                            .free_result = free_rows,
                            .select = task_select,
                            .ctx = &c};
        ms_exp_report r;
        st = cfg->executor(cfg->exec_ctx, &plan, &r, err);
        ms_scenario_base_destroy(c.base);
        return st;
    }
    char part[64] = "";
    if (cfg->shard_n)
        snprintf(part, sizeof part, "part-%" PRIu32 "-of-%" PRIu32, cfg->shard_k, cfg->shard_n);
    char *resolved = NULL;
    ms_dir_lock *lock = NULL; /* shards share DIR; anything else refuses */
    st = resolved_text(&c, &resolved);
    if (st == MS_OK)
        st = ms_dir_lock_take(cfg->out_dir, part[0] ? part : NULL, &lock, err);
    if (st == MS_OK && cfg->target_halfwidth > 0 && !cfg->resume)
        st = check_round_journals(cfg, err);
    while (st == MS_OK) {
        rep->replications = c.reps;
        rep->tasks = rep->points * c.reps;
        st = run_once(&c, resolved, rep, err);
        if (st != MS_OK || cfg->target_halfwidth <= 0 || c.reps >= cfg->max_reps ||
            rep->worst_halfwidth <= cfg->target_halfwidth)
            break;
        c.reps =
            ms_stats_next_reps(c.reps, rep->worst_halfwidth, cfg->target_halfwidth, cfg->max_reps);
        c.done_upto = UINT64_MAX;
    }
    ms_dir_lock_release(lock);
    free(resolved);
    ms_scenario_base_destroy(c.base);
    return st;
}
