/* run.c - one evaluation of a scenario (see run.h): replications on the
 * ordered task runner, collected in replication order into per-replication
 * metrics and series, the summary table and, optionally, the run's files.
 *
 * Flow with files: create the atomic output set -> open the
 * per-replication files and write their headers -> run the replications
 * (each worker simulates and formats its own rows) -> the collector
 * appends rows in replication order and feeds the summary -> summary.csv,
 * scenario.resolved.cfg, manifest.csv -> commit all at once. Every byte
 * except manifest.csv's `command` row is a function of (scenario, seed,
 * replications): thread count and timing never reach them. A failure or a
 * stop aborts the set, so the directory is left as it was.
 */
#include "marketsim/run.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/atomic.h"
#include "marketsim/manifest.h"
#include "marketsim/rng.h"
#include "results_csv.h"

typedef struct {
    const ms_scenario *sc;
    const ms_run_options *opt;
    unsigned flags;
    FILE *files[MS_RESULTS_COUNT];
    ms_run_result *res;
} run_ctx;

ms_run_options ms_run_defaults(void)
{
    ms_run_options o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.keep_reps = 1;
    return o;
}

/* ---- series ----------------------------------------------------------------- */

void ms_run_series_fini(ms_run_series *s)
{
    free(s->share_spend);
    free(s->share_buyers);
    free(s->spend);
    free(s->vendor_share_spend);
    free(s->adoption);
    free(s->multicloud);
    free(s->total_spend);
    memset(s, 0, sizeof *s);
}

static ms_status series_alloc(ms_run_series *s, const ms_scenario *sc)
{
    size_t m = (size_t)(sc->horizon_months > 0 ? sc->horizon_months : 0) + 1;
    s->months = (int)m;
    s->n_clouds = sc->n_clouds;
    s->n_vendors = sc->n_vendors;
    s->n_segments = sc->n_segments;
    s->share_spend = calloc(m * (size_t)sc->n_clouds, sizeof(double));
    s->share_buyers = calloc(m * (size_t)sc->n_clouds, sizeof(double));
    s->spend = calloc(m * (size_t)sc->n_clouds, sizeof(double));
    s->vendor_share_spend = calloc(m * (size_t)sc->n_vendors, sizeof(double));
    s->adoption = calloc(m * (size_t)sc->n_segments, sizeof(double));
    s->multicloud = calloc(m * (size_t)sc->n_segments, sizeof(double));
    s->total_spend = calloc(m, sizeof(double));
    if (!s->share_spend || !s->share_buyers || !s->spend || !s->vendor_share_spend ||
        !s->adoption || !s->multicloud || !s->total_spend) {
        ms_run_series_fini(s);
        return MS_ENOMEM;
    }
    return MS_OK;
}

/* Vendor shares per month, summed over product rows in the model's offer
 * order as the vendor_share_spend metric sums them. */
static void vendor_shares(ms_run_series *s, const ms_scenario *sc, const ms_market_result *res)
{
    double *total = calloc((size_t)s->months, sizeof *total);
    if (!total)
        return;
    for (size_t i = 0; i < res->n_products; i++) {
        const ms_product_row *p = &res->products[i];
        if (p->month < 0 || p->month >= s->months)
            continue;
        s->vendor_share_spend[(size_t)p->month * (size_t)s->n_vendors +
                              (size_t)sc->products[p->product].vendor] += p->spend;
        total[p->month] += p->spend;
    }
    for (int m = 0; m < s->months; m++)
        for (int v = 0; v < s->n_vendors; v++) {
            double *x = &s->vendor_share_spend[(size_t)m * (size_t)s->n_vendors + (size_t)v];
            *x = total[m] > 0.0 ? *x / total[m] : 0.0;
        }
    free(total);
}

ms_status ms_run_series_fill(ms_run_series *s, const ms_scenario *sc, const ms_market_result *res)
{
    if (series_alloc(s, sc) != MS_OK)
        return MS_ENOMEM;
    for (size_t i = 0; i < res->n_market; i++) {
        const ms_market_row *r = &res->market[i];
        if (r->month < 0 || r->month >= s->months)
            continue;
        size_t at = (size_t)r->month * (size_t)s->n_clouds + (size_t)r->cloud;
        s->share_spend[at] = r->share_spend;
        s->share_buyers[at] = r->share_buyers;
        s->spend[at] = r->spend;
        s->total_spend[r->month] += r->spend;
    }
    for (size_t i = 0; i < res->n_segments; i++) {
        const ms_segment_row *r = &res->segments[i];
        if (r->month < 0 || r->month >= s->months)
            continue;
        size_t at = (size_t)r->month * (size_t)s->n_segments + (size_t)r->segment;
        s->adoption[at] = r->buyers > 0.0 ? r->adopted / r->buyers : 0.0;
        s->multicloud[at] = r->adopted > 0.0 ? r->multicloud / r->adopted : 0.0;
    }
    vendor_shares(s, sc, res);
    return MS_OK;
}

/* ---- tasks ------------------------------------------------------------------ */

static ms_status task_run(void *vctx, const ms_exp_task *task, void **result, ms_error *err)
{
    const run_ctx *c = vctx;
    ms_exp_rep_result *r;
    ms_status st = ms_exp_replicate(c->sc, task->replication, c->flags, &r, err);
    *result = r;
    return st;
}

static void task_free(void *vctx, void *result)
{
    (void)vctx;
    ms_exp_rep_result_free(result);
}

/* Moves what the caller keeps of a replication into the result. */
static void keep(run_ctx *c, uint32_t rep, ms_exp_rep_result *r)
{
    ms_run_rep *k = &c->res->reps[rep];
    k->replication = rep;
    k->events = r->events;
    k->decisions = r->decisions;
    k->fingerprint = r->fingerprint;
    if (!c->opt->keep_reps)
        return;
    k->metrics = r->metrics;
    k->n_metrics = r->n_metrics;
    r->metrics = NULL;
    r->n_metrics = 0;
    k->series = r->series;
    memset(&r->series, 0, sizeof r->series);
}

static ms_status task_emit(void *vctx, const ms_exp_task *task, void *result, ms_error *err)
{
    run_ctx *c = vctx;
    ms_exp_rep_result *r = result;
    ms_status st = MS_OK;
    for (int f = 0; f < MS_RESULTS_COUNT && st == MS_OK; f++)
        if (c->files[f] && (st = ms_exp_rep_write(r, (ms_results_file)f, c->files[f])) != MS_OK)
            ms_error_set(err, st, c->opt->out_dir, 0, ms_results_file_name((ms_results_file)f),
                         "cannot write replication %u: %s", (unsigned)task->replication,
                         st == MS_ENOMEM ? "out of memory" : strerror(errno ? errno : EIO));
    /* replications are emitted in order, so the fold is deterministic */
    c->res->fingerprint = ms_rng_mix64(c->res->fingerprint ^ r->fingerprint);
    if (st == MS_OK && ms_exp_rep_add_metrics(r, c->res->summary) != MS_OK)
        st = ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    if (st == MS_OK)
        keep(c, task->replication, r);
    ms_exp_rep_result_free(r);
    return st;
}

static void task_progress(void *vctx, uint64_t done, uint64_t total)
{
    const run_ctx *c = vctx;
    if (c->opt->progress)
        c->opt->progress(c->opt->progress_ctx, done, total);
}

/* ---- files ------------------------------------------------------------------ */

/* Opens every per-replication file and writes its header. */
static ms_status open_results(ms_atomic_set *set, run_ctx *c, ms_error *err)
{
    for (int f = 0; f < MS_RESULTS_COUNT; f++) {
        const char *name = ms_results_file_name((ms_results_file)f);
        if (f == MS_RESULTS_DECISIONS && !c->opt->trace)
            /* a decisions.csv of an earlier --trace run would not match */
            return ms_atomic_set_remove(set, name, err);
        if (!(c->files[f] = ms_atomic_set_open(set, name, err)))
            return MS_EIO;
        fprintf(c->files[f], "%s\n", ms_results_columns((ms_results_file)f));
    }
    return MS_OK;
}

void ms_run_format_summary(ms_buf *b, const char *scenario, const ms_stats_table *t)
{
    ms_csv w;
    ms_csv_init(&w, b);
    ms_csv_header(&w, "scenario,metric,subject,mean,sd,ci95_low,ci95_high,n");
    for (size_t i = 0; i < ms_stats_table_count(t); i++) {
        const char *metric, *subject;
        ms_stats_table_key(t, i, &metric, &subject);
        ms_stats_summary s;
        ms_stats_summarize(ms_stats_table_acc(t, i), 0.95, &s);
        ms_csv_str(&w, scenario);
        ms_csv_str(&w, metric);
        ms_csv_str(&w, subject);
        ms_stats_write_csv(&w, &s);
        ms_csv_end(&w);
    }
}

/* Writes a finished buffer to a file of the set. */
static ms_status put(ms_atomic_set *set, const char *name, ms_buf *b, ms_error *err)
{
    ms_status st = ms_buf_ok(b) ? ms_atomic_set_put(set, name, b->data, b->len, err)
                                : ms_error_set(err, MS_ENOMEM, name, 0, "", "out of memory");
    ms_buf_fini(b);
    return st;
}

void ms_run_format_manifest(ms_buf *b, const ms_scenario *sc, const char *resolved,
                            size_t resolved_len, uint64_t fingerprint)
{
    ms_manifest_head h = {.scenario = sc->name,
                          .config_name = "scenario.resolved.cfg",
                          .config = resolved,
                          .config_len = resolved_len,
                          .seed = sc->seed,
                          .replications = (uint64_t)sc->replications};
    ms_manifest_begin(b, &h);
    ms_manifest_u64(b, "horizon_months", (uint64_t)sc->horizon_months);
    ms_manifest_hex(b, "fingerprint", fingerprint);
}

/* Everything after the replications: the files that need all of them. */
static ms_status write_tail(ms_atomic_set *set, const run_ctx *c, ms_error *err)
{
    ms_buf b;
    ms_buf_init(&b);
    ms_run_format_summary(&b, c->sc->name, c->res->summary);
    ms_status st = put(set, "summary.csv", &b, err);
    char *resolved = NULL;
    size_t len = 0;
    if (st == MS_OK && (st = ms_scenario_write_text(c->sc, &resolved, &len)) != MS_OK)
        ms_error_set(err, st, "scenario.resolved.cfg", 0, "", "out of memory");
    if (st == MS_OK)
        st = ms_atomic_set_put(set, "scenario.resolved.cfg", resolved, len, err);
    /* opened last, so renamed last: its presence marks a complete set */
    if (st == MS_OK) {
        ms_run_format_manifest(&b, c->sc, resolved, len, c->res->fingerprint);
        ms_manifest_end(&b, c->opt->command);
        st = put(set, "manifest.csv", &b, err);
    }
    free(resolved);
    return st;
}

/* ---- the evaluation --------------------------------------------------------- */

void ms_run_result_free(ms_run_result *r)
{
    if (!r)
        return;
    for (uint32_t i = 0; r->reps && i < r->replications; i++) {
        free(r->reps[i].metrics);
        ms_run_series_fini(&r->reps[i].series);
    }
    free(r->reps);
    ms_stats_table_destroy(r->summary);
    free(r);
}

double ms_run_metric(const ms_run_rep *rep, const char *metric, const char *subject)
{
    for (size_t i = 0; i < rep->n_metrics; i++)
        if (strncmp(rep->metrics[i].metric, metric, sizeof rep->metrics[i].metric) == 0 &&
            strncmp(rep->metrics[i].subject, subject, sizeof rep->metrics[i].subject) == 0)
            return rep->metrics[i].value;
    return NAN;
}

static ms_status execute(run_ctx *c, ms_error *err)
{
    ms_exp_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.points = 1;
    plan.replications = c->res->replications;
    plan.threads =
        c->opt->threads < (int)plan.replications ? c->opt->threads : (int)plan.replications;
    plan.run = task_run;
    plan.emit = task_emit;
    plan.free_result = task_free;
    plan.progress = task_progress;
    plan.ctx = c;
    plan.stop = c->opt->stop;
    return ms_exp_execute(&plan, NULL, err);
}

/* Temporaries of run's own files that a killed run left behind. */
static void remove_stale(const char *dir)
{
    const char *names[MS_RESULTS_COUNT + 3];
    int n = 0;
    for (int f = 0; f < MS_RESULTS_COUNT; f++)
        names[n++] = ms_results_file_name((ms_results_file)f);
    names[n++] = "summary.csv";
    names[n++] = "scenario.resolved.cfg";
    names[n++] = "manifest.csv";
    ms_atomic_remove_temps(dir, names, n);
}

/* Runs with the files of the run written into opt->out_dir. */
static ms_status execute_into(run_ctx *c, ms_error *err)
{
    ms_atomic_set *set = NULL;
    ms_status st = ms_atomic_set_create(c->opt->out_dir, &set, err);
    if (st == MS_OK)
        remove_stale(c->opt->out_dir);
    if (st == MS_OK)
        st = ms_atomic_set_record(set, "manifest.csv", err);
    if (st == MS_OK)
        st = open_results(set, c, err);
    if (st == MS_OK)
        st = execute(c, err);
    if (st == MS_OK)
        st = write_tail(set, c, err);
    if (st == MS_OK && c->opt->stop && *c->opt->stop)
        st = MS_EINTR; /* a signal after the last task still cancels */
    if (st == MS_OK) {
        st = ms_atomic_set_commit(set, err);
        set = NULL;
    }
    ms_atomic_set_abort(set);
    return st;
}

static ms_status new_result(const ms_scenario *sc, const ms_run_options *opt, ms_run_result **out,
                            ms_error *err)
{
    ms_run_result *r = calloc(1, sizeof *r);
    if (!r)
        return ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    memcpy(&r->scenario, sc, sizeof *sc);
    if (opt->have_seed)
        r->scenario.seed = opt->seed;
    if (opt->replications)
        r->scenario.replications = (int)opt->replications;
    r->replications = (uint32_t)r->scenario.replications;
    r->reps = calloc(r->replications ? r->replications : 1, sizeof *r->reps);
    r->summary = ms_stats_table_create();
    if (!r->reps || !r->summary) {
        ms_run_result_free(r);
        return ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    }
    *out = r;
    return MS_OK;
}

ms_status ms_run_scenario(const ms_scenario *sc, const ms_run_options *opt, ms_run_result **out,
                          ms_error *err)
{
    *out = NULL;
    if (!sc || !opt || opt->threads < 1 || opt->replications > MS_RUN_MAX_REPLICATIONS)
        return ms_error_set(err, MS_EINVAL, "", 0, "", "bad evaluation options");
    run_ctx c;
    memset(&c, 0, sizeof c);
    c.opt = opt;
    ms_status st = new_result(sc, opt, &c.res, err);
    if (st != MS_OK)
        return st;
    c.sc = &c.res->scenario;
    c.flags = (opt->out_dir ? MS_REP_FILES : 0u) |
              (opt->out_dir && opt->trace ? MS_REP_TRACE : 0u) |
              (opt->series && opt->keep_reps ? MS_REP_SERIES : 0u);
    st = opt->out_dir ? execute_into(&c, err) : execute(&c, err);
    if (st == MS_OK && opt->stop && *opt->stop)
        st = MS_EINTR;
    if (st != MS_OK) {
        ms_run_result_free(c.res);
        return st;
    }
    *out = c.res;
    return MS_OK;
}

ms_status ms_run(const ms_scenario_base *base, const char *const *overrides, int noverrides,
                 const ms_run_options *opt, ms_run_result **out, ms_errors *errs, ms_error *err)
{
    *out = NULL;
    ms_scenario *sc = malloc(sizeof *sc);
    if (!sc)
        return ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    ms_status st = ms_scenario_base_derive(base, overrides, noverrides, sc, errs);
    if (st == MS_OK)
        st = ms_run_scenario(sc, opt, out, err);
    else if (errs->count > 0)
        *err = errs->items[0];
    free(sc);
    return st;
}
