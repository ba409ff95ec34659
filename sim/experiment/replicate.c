/* replicate.c - one replication of a scenario as a runner task: simulate,
 * then format every output row into per-file buffers on the worker thread,
 * so the collector only copies bytes (see results_csv.h).
 *
 * The model's result is freed before returning: a task keeps only CSV
 * text and its metrics, which is what the collector needs. A long decision
 * trace spills to an unlinked temporary file in MS_EXP_SPILL_BYTES chunks,
 * so tracing a million buyers does not hold the trace in memory.
 */
#include "results_csv.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const ms_scenario *sc;
    uint32_t rep;
    ms_exp_rep_result *r;
} trace_ctx;

/* Moves the buffered decision rows to the spill file. Failures are sticky
 * and reported when the replication ends (the callback cannot fail). */
static void spill(ms_exp_rep_result *r)
{
    ms_buf *b = &r->files[MS_RESULTS_DECISIONS];
    if (r->spill_failed || !ms_buf_ok(b))
        return;
    if (!r->spill && !(r->spill = tmpfile())) {
        r->spill_failed = 1;
        return;
    }
    if (ms_buf_write(b, r->spill) != MS_OK)
        r->spill_failed = 1;
    else
        ms_buf_clear(b);
}

/* Called by the model in simulation order on this worker's thread. */
static void on_decision(void *vctx, const ms_decision_record *rec)
{
    trace_ctx *t = vctx;
    ms_buf *b = &t->r->files[MS_RESULTS_DECISIONS];
    ms_results_format_decision(b, t->sc, t->rep, rec);
    if (b->len >= MS_EXP_SPILL_BYTES)
        spill(t->r);
}

void ms_exp_rep_result_free(ms_exp_rep_result *r)
{
    if (!r)
        return;
    for (int f = 0; f < MS_RESULTS_COUNT; f++)
        ms_buf_fini(&r->files[f]);
    if (r->spill)
        fclose(r->spill);
    free(r->metrics);
    ms_run_series_fini(&r->series);
    free(r);
}

static ms_status copy_metrics(ms_exp_rep_result *r, const ms_market_result *res)
{
    if (res->n_metrics == 0)
        return MS_OK;
    r->metrics = malloc(res->n_metrics * sizeof *r->metrics);
    if (!r->metrics)
        return MS_ENOMEM;
    memcpy(r->metrics, res->metrics, res->n_metrics * sizeof *r->metrics);
    r->n_metrics = res->n_metrics;
    return MS_OK;
}

ms_status ms_exp_replicate(const ms_scenario *sc, uint32_t rep, unsigned flags,
                           ms_exp_rep_result **out, ms_error *err)
{
    *out = NULL;
    ms_exp_rep_result *r = calloc(1, sizeof *r);
    if (!r)
        return ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    trace_ctx tc = {sc, rep, r};
    int trace = (flags & MS_REP_TRACE) != 0;
    ms_market_options opt = {trace ? on_decision : NULL, trace ? &tc : NULL};
    ms_market_result res;
    memset(&res, 0, sizeof res);
    ms_status st = ms_market_simulate(sc, rep, &opt, &res, err);
    if (st == MS_OK) {
        if (flags & MS_REP_FILES)
            ms_results_format(sc, rep, &res, r->files);
        r->events = res.events_processed;
        r->decisions = res.decisions;
        r->fingerprint = res.fingerprint;
        st = copy_metrics(r, &res);
        if (st == MS_OK && (flags & MS_REP_SERIES))
            st = ms_run_series_fill(&r->series, sc, &res);
        for (int f = 0; f < MS_RESULTS_COUNT && st == MS_OK; f++)
            if (!ms_buf_ok(&r->files[f]))
                st = MS_ENOMEM;
        if (st != MS_OK)
            ms_error_set(err, st, "", 0, "", "out of memory formatting replication %u",
                         (unsigned)rep);
        else if (r->spill_failed)
            st = ms_error_set(err, MS_EIO, "decisions.csv", 0, "",
                              "cannot spill the trace of replication %u to a temporary file",
                              (unsigned)rep);
    }
    ms_market_result_fini(&res);
    if (st != MS_OK) {
        ms_exp_rep_result_free(r);
        return st;
    }
    *out = r;
    return MS_OK;
}

/* Copies the spill file to out. */
static ms_status copy_spill(FILE *spill, FILE *out)
{
    char chunk[1 << 16];
    if (fflush(spill) != 0 || fseek(spill, 0, SEEK_SET) != 0)
        return MS_EIO;
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, spill)) > 0)
        if (fwrite(chunk, 1, n, out) != n)
            return MS_EIO;
    return ferror(spill) ? MS_EIO : MS_OK;
}

ms_status ms_exp_rep_write(ms_exp_rep_result *r, ms_results_file f, FILE *out)
{
    if ((unsigned)f >= MS_RESULTS_COUNT)
        return MS_EINVAL;
    if (f == MS_RESULTS_DECISIONS && r->spill) {
        ms_status st = copy_spill(r->spill, out);
        if (st != MS_OK)
            return st;
    }
    return ms_buf_write(&r->files[f], out);
}

ms_status ms_exp_rep_add_metrics(const ms_exp_rep_result *r, ms_stats_table *t)
{
    char metric[sizeof r->metrics[0].metric + 1], subject[sizeof r->metrics[0].subject + 1];
    for (size_t i = 0; i < r->n_metrics; i++) {
        /* the model's fixed arrays may be full without a NUL */
        memcpy(metric, r->metrics[i].metric, sizeof metric - 1);
        metric[sizeof metric - 1] = '\0';
        memcpy(subject, r->metrics[i].subject, sizeof subject - 1);
        subject[sizeof subject - 1] = '\0';
        if (ms_stats_table_add(t, metric, subject, r->metrics[i].value) != MS_OK)
            return MS_ENOMEM;
    }
    return MS_OK;
}
