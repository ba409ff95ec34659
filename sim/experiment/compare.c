/* compare.c - paired comparison of scenarios (see compare.h): tasks, the
 * collector that pairs the sides of each replication, and --target-ci
 * rounds.
 *
 * A task is the core's replication (ms_exp_replicate: metrics, monthly
 * series and, with out_dir, formatted rows), and the side files go through
 * the core's output layer (compare_files.c). Compare keeps its own task
 * loop rather than one ms_run per side so that the sides of a replication
 * are paired as they arrive (memory flat in the replications), every
 * side's files commit together or not at all, and --target-ci only adds
 * replications. The collector receives tasks in
 * id order = replication * sides + side, holds a replication's sides until
 * the last arrives, then adds them to the accumulators and frees them.
 * --target-ci rounds only add replications: replication i is a pure
 * function of (scenario, seed, i), so a comparison that grew to R
 * replications writes the same bytes as one run with -r R.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare_internal.h"

/* ---- monthly series ----------------------------------------------------- */

static const char *const series_names[MS_SERIES_KIND_COUNT] = {"share_spend", "vendor_share_spend",
                                                               "adoption_rate"};

const char *ms_series_name(ms_series_kind k)
{
    return (unsigned)k < MS_SERIES_KIND_COUNT ? series_names[k] : "";
}

static size_t series_count(const ms_scenario *sc)
{
    return (size_t)(sc->n_clouds + sc->n_vendors + sc->n_segments);
}

/* Series j of sc (clouds, then vendors, then segments): kind, subject id
 * and the entity's index. */
static int series_of(const ms_scenario *sc, size_t j, cmp_series *out)
{
    int i = (int)j;
    if (i < sc->n_clouds) {
        out->kind = MS_SERIES_SHARE_SPEND;
        memcpy(out->subject, sc->clouds[i].id, MS_ID_LEN);
    } else if ((i -= sc->n_clouds) < sc->n_vendors) {
        out->kind = MS_SERIES_VENDOR_SHARE;
        memcpy(out->subject, sc->vendors[i].id, MS_ID_LEN);
    } else {
        i -= sc->n_vendors;
        out->kind = MS_SERIES_ADOPTION;
        memcpy(out->subject, sc->segments[i].id, MS_ID_LEN);
    }
    return i;
}

/* One replication's value of a series at month m (the core's series). */
static double series_at(const ms_run_series *s, ms_series_kind kind, int i, int m)
{
    if (kind == MS_SERIES_SHARE_SPEND)
        return ms_run_series_at(s->share_spend, s->n_clouds, m, i);
    if (kind == MS_SERIES_VENDOR_SHARE)
        return ms_run_series_at(s->vendor_share_spend, s->n_vendors, m, i);
    return ms_run_series_at(s->adoption, s->n_segments, m, i);
}

/* Side 0's series, each side's index of them, the common months. */
static ms_status setup_series(ms_compare *c)
{
    const ms_scenario *s0 = c->cfg.sides[0];
    c->n_series = series_count(s0);
    c->months = s0->horizon_months + 1;
    c->series = calloc(c->n_series + 1, sizeof *c->series);
    c->map = malloc(((size_t)c->k * c->n_series + 1) * sizeof *c->map);
    if (!c->series || !c->map)
        return MS_ENOMEM;
    for (size_t j = 0; j < c->n_series; j++)
        series_of(s0, j, &c->series[j]);
    for (int s = 0; s < c->k; s++) {
        const ms_scenario *sc = c->cfg.sides[s];
        if (sc->horizon_months + 1 < c->months)
            c->months = sc->horizon_months + 1;
        for (size_t j = 0; j < c->n_series; j++) {
            c->map[(size_t)s * c->n_series + j] = -1;
            for (size_t t = 0; t < series_count(sc); t++) {
                cmp_series x;
                int i = series_of(sc, t, &x);
                if (x.kind == c->series[j].kind && strcmp(x.subject, c->series[j].subject) == 0)
                    c->map[(size_t)s * c->n_series + j] = i;
            }
        }
    }
    size_t n = (size_t)c->months * c->n_series * (size_t)c->k;
    c->monthly = calloc(n + 1, sizeof *c->monthly); /* zeroed = initialised */
    return c->monthly ? MS_OK : MS_ENOMEM;
}

/* ---- tasks -------------------------------------------------------------- */

static ms_status task_run(void *vctx, const ms_exp_task *task, void **result, ms_error *err)
{
    const ms_compare *c = vctx;
    uint32_t rep = (uint32_t)task->point; /* see run_round: point = replication */
    unsigned flags = MS_REP_SERIES | (c->cfg.out_dir ? MS_REP_FILES : 0u);
    ms_exp_rep_result *r = NULL;
    ms_status st = ms_exp_replicate(c->cfg.sides[task->replication], rep, flags, &r, err);
    *result = r;
    return st;
}

static void task_free(void *vctx, void *result)
{
    (void)vctx;
    ms_exp_rep_result_free(result);
}

/* ---- the collector ------------------------------------------------------ */

/* Room for key index `need`. */
static ms_status grow_keys(ms_compare *c, size_t need)
{
    if (need < c->cap_keys)
        return MS_OK;
    size_t cap = c->cap_keys ? 2 * c->cap_keys : 64, k = (size_t)c->k;
    while (cap <= need)
        cap *= 2;
    ms_stats_acc *side = realloc(c->side, cap * k * sizeof *side);
    if (side)
        c->side = side;
    ms_pair_acc *pair = realloc(c->pair, cap * k * sizeof *pair);
    if (pair)
        c->pair = pair;
    ms_multi_acc *multi = realloc(c->multi, cap * sizeof *multi);
    if (multi)
        c->multi = multi;
    double *vals = realloc(c->vals, cap * k * sizeof *vals);
    if (vals)
        c->vals = vals;
    unsigned char *have = realloc(c->have, cap * k);
    if (have)
        c->have = have;
    if (!side || !pair || !multi || !vals || !have)
        return MS_ENOMEM;
    for (size_t i = c->cap_keys; i < cap; i++) {
        for (size_t s = 0; s < k; s++) {
            ms_stats_acc_init(&c->side[i * k + s]);
            ms_pair_acc_init(&c->pair[i * k + s]);
        }
        ms_multi_acc_init(&c->multi[i], c->k);
    }
    memset(c->have + c->cap_keys * k, 0, (cap - c->cap_keys) * k);
    c->cap_keys = cap;
    return MS_OK;
}

/* Index of a metric's key, registering it on first sight. */
static ms_status key_index(ms_compare *c, const ms_metric *m, size_t *at)
{
    char metric[sizeof m->metric + 1], subject[sizeof m->subject + 1];
    memcpy(metric, m->metric, sizeof m->metric); /* fixed arrays, maybe full */
    metric[sizeof m->metric] = '\0';
    memcpy(subject, m->subject, sizeof m->subject);
    subject[sizeof m->subject] = '\0';
    long i = ms_stats_table_find(c->keys, metric, subject);
    if (i < 0) {
        i = (long)ms_stats_table_count(c->keys);
        if (grow_keys(c, (size_t)i) != MS_OK ||
            ms_stats_table_add(c->keys, metric, subject, 0.0) != MS_OK)
            return MS_ENOMEM;
    }
    *at = (size_t)i;
    return MS_OK;
}

/* Every side's metric values of this replication into vals/have. */
static ms_status gather(ms_compare *c)
{
    size_t k = (size_t)c->k;
    for (int s = 0; s < c->k; s++) {
        const ms_exp_rep_result *r = c->pending[s];
        for (size_t i = 0; i < r->n_metrics; i++) {
            size_t at;
            if (key_index(c, &r->metrics[i], &at) != MS_OK)
                return MS_ENOMEM;
            c->vals[at * k + (size_t)s] = r->metrics[i].value;
            c->have[at * k + (size_t)s] = 1;
        }
    }
    return MS_OK;
}

static void add_keys(ms_compare *c)
{
    size_t k = (size_t)c->k;
    for (size_t i = 0; i < ms_stats_table_count(c->keys); i++) {
        const double *v = &c->vals[i * k];
        const unsigned char *h = &c->have[i * k];
        int all = 1;
        for (size_t s = 0; s < k; s++) {
            all &= h[s];
            if (h[s])
                ms_stats_acc_add(&c->side[i * k + s], v[s]);
            if (s > 0 && h[0] && h[s])
                ms_pair_acc_add(&c->pair[i * k + s], v[0], v[s]);
        }
        if (all)
            ms_multi_acc_add(&c->multi[i], v);
    }
}

static void add_monthly(ms_compare *c)
{
    size_t k = (size_t)c->k, ns = c->n_series;
    const ms_run_series *base = &c->pending[0]->series;
    for (int s = 1; s < c->k; s++) {
        const ms_run_series *x = &c->pending[s]->series;
        for (size_t j = 0; j < ns; j++) {
            ms_series_kind kind = c->series[j].kind;
            int i0 = c->map[j], i = c->map[(size_t)s * ns + j];
            for (int m = 0; i >= 0 && m < c->months; m++)
                ms_pair_acc_add(&c->monthly[((size_t)m * ns + j) * k + (size_t)s],
                                series_at(base, kind, i0, m), series_at(x, kind, i, m));
        }
    }
}

/* The last side of a replication arrived: pair and forget them. */
static ms_status collect(ms_compare *c)
{
    if (c->cap_keys)
        memset(c->have, 0, c->cap_keys * (size_t)c->k);
    ms_status st = gather(c);
    if (st == MS_OK) {
        add_keys(c);
        add_monthly(c);
    }
    for (int s = 0; s < c->k; s++) {
        ms_exp_rep_result_free(c->pending[s]);
        c->pending[s] = NULL;
    }
    return st;
}

static ms_status task_emit(void *vctx, const ms_exp_task *task, void *result, ms_error *err)
{
    ms_compare *c = vctx;
    int side = (int)task->replication;
    ms_exp_rep_result *r = result;
    ms_status st = MS_OK;
    c->pending[side] = r;
    if (c->cfg.out_dir)
        st = cmp_files_emit(c, side, r, err);
    if (st == MS_OK && side == c->k - 1) {
        if ((st = collect(c)) != MS_OK)
            ms_error_set(err, st, "", 0, "", "out of memory");
        c->done = (uint32_t)task->point + 1;
    }
    return st;
}

static void task_progress(void *vctx, uint64_t done, uint64_t total)
{
    const ms_compare *c = vctx;
    if (c->cfg.progress)
        c->cfg.progress(c->cfg.progress_ctx, done, total);
}

static int task_select(void *vctx, uint64_t id)
{
    const ms_compare *c = vctx;
    return id >= (uint64_t)c->done * (uint64_t)c->k;
}

/* ---- rounds ------------------------------------------------------------- */

/* Runs replications [done, reps) of every side. */
static ms_status run_round(ms_compare *c, ms_error *err)
{
    ms_exp_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.points = c->reps; /* a "point" is a replication, a "replication" a side */
    plan.replications = (uint32_t)c->k;
    uint64_t tasks = (uint64_t)(c->reps - c->done) * (uint64_t)c->k;
    plan.threads = (uint64_t)c->cfg.threads < tasks ? c->cfg.threads : (int)tasks;
    plan.run = task_run;
    plan.emit = task_emit;
    plan.free_result = task_free;
    plan.select = task_select;
    plan.progress = task_progress;
    plan.ctx = c;
    plan.stop = c->cfg.stop;
    return ms_exp_execute(&plan, NULL, err);
}

/* Worst paired half-width of the target over sides 1..; HUGE_VAL with
 * fewer than 2 pairs, -1 when the key never appeared. */
static double worst_halfwidth(const ms_compare *c)
{
    long i = ms_compare_find(c, c->cfg.target_metric, c->cfg.target_subject);
    if (i < 0)
        return -1.0;
    double worst = 0.0;
    for (int s = 1; s < c->k; s++) {
        ms_pair_summary p;
        ms_pair_summarize(ms_compare_pair(c, (size_t)i, s), 0.95, &p);
        double hw = p.n >= 2 ? p.ci_high - p.diff : HUGE_VAL;
        if (hw > worst)
            worst = hw;
    }
    return worst;
}

static ms_status run_rounds(ms_compare *c, ms_error *err)
{
    const ms_compare_config *cfg = &c->cfg;
    for (;;) {
        ms_status st = run_round(c, err);
        if (st != MS_OK)
            return st;
        if (!(cfg->target_halfwidth > 0))
            return MS_OK;
        c->worst_hw = worst_halfwidth(c);
        if (c->worst_hw < 0)
            return ms_error_set(err, MS_EUSAGE, NULL, 0, "--target-ci",
                                "metric '%s' with subject '%s' is not in summary.csv",
                                cfg->target_metric, cfg->target_subject);
        if (c->worst_hw <= cfg->target_halfwidth || c->reps >= cfg->max_reps)
            return MS_OK;
        c->reps = ms_stats_next_reps(c->reps, c->worst_hw, cfg->target_halfwidth, cfg->max_reps);
    }
}

static ms_status check_config(const ms_compare_config *cfg, ms_error *err)
{
    if (cfg->n_sides < 2 || cfg->n_sides > MS_COMPARE_MAX_SIDES || cfg->replications < 1 ||
        cfg->threads < 1)
        return ms_error_set(err, MS_EINVAL, "", 0, "", "bad comparison: %d sides, %u replications",
                            cfg->n_sides, (unsigned)cfg->replications);
    for (int s = 1; s < cfg->n_sides; s++)
        if (cfg->sides[s]->seed != cfg->sides[0]->seed)
            return ms_error_set(err, MS_EINVAL, "", 0, "", "side %d has another seed", s);
    return MS_OK;
}

ms_status ms_compare_run(const ms_compare_config *cfg, ms_compare **out, ms_error *err)
{
    *out = NULL;
    ms_status st = check_config(cfg, err);
    if (st != MS_OK)
        return st;
    ms_compare *c = calloc(1, sizeof *c);
    if (!c)
        return ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    c->cfg = *cfg;
    c->k = cfg->n_sides;
    c->reps = cfg->replications;
    c->worst_hw = -1.0;
    if (!(c->keys = ms_stats_table_create()) || setup_series(c) != MS_OK || grow_keys(c, 0))
        st = ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    if (st == MS_OK && cfg->out_dir)
        st = cmp_files_open(c, err);
    if (st == MS_OK)
        st = run_rounds(c, err);
    if (st == MS_OK && cfg->out_dir)
        st = cmp_files_tail(c, err);
    if (st != MS_OK) {
        ms_compare_destroy(c);
        return st;
    }
    *out = c;
    return MS_OK;
}

void ms_compare_destroy(ms_compare *c)
{
    if (!c)
        return;
    for (int s = 0; s < c->k; s++) {
        ms_exp_rep_result_free(c->pending[s]);
        ms_atomic_set_abort(c->set[s]);
        ms_stats_table_destroy(c->summary[s]);
    }
    ms_atomic_set_abort(c->top);
    ms_stats_table_destroy(c->keys);
    free(c->side);
    free(c->pair);
    free(c->multi);
    free(c->vals);
    free(c->have);
    free(c->series);
    free(c->map);
    free(c->monthly);
    free(c);
}

/* ---- results ------------------------------------------------------------ */

uint32_t ms_compare_replications(const ms_compare *c)
{
    return c->reps;
}

double ms_compare_worst_halfwidth(const ms_compare *c)
{
    return c->worst_hw;
}

size_t ms_compare_key_count(const ms_compare *c)
{
    return ms_stats_table_count(c->keys);
}

void ms_compare_key(const ms_compare *c, size_t i, const char **metric, const char **subject)
{
    ms_stats_table_key(c->keys, i, metric, subject);
}

long ms_compare_find(const ms_compare *c, const char *metric, const char *subject)
{
    return ms_stats_table_find(c->keys, metric, subject);
}

const ms_stats_acc *ms_compare_side(const ms_compare *c, size_t i, int s)
{
    return &c->side[i * (size_t)c->k + (size_t)s];
}

const ms_pair_acc *ms_compare_pair(const ms_compare *c, size_t i, int s)
{
    return &c->pair[i * (size_t)c->k + (size_t)s];
}

const ms_multi_acc *ms_compare_multi(const ms_compare *c, size_t i)
{
    return &c->multi[i];
}

size_t ms_compare_series_count(const ms_compare *c)
{
    return c->n_series;
}

void ms_compare_series(const ms_compare *c, size_t j, ms_series_kind *kind, const char **subject)
{
    *kind = c->series[j].kind;
    *subject = c->series[j].subject;
}

int ms_compare_months(const ms_compare *c)
{
    return c->months;
}

const ms_pair_acc *ms_compare_monthly(const ms_compare *c, int month, size_t j, int s)
{
    if (c->map[(size_t)s * c->n_series + j] < 0)
        return NULL;
    return &c->monthly[((size_t)month * c->n_series + j) * (size_t)c->k + (size_t)s];
}
