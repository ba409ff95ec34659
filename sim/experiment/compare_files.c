/* compare_files.c - each side's complete run files in out_dir/<side>/:
 * market.csv, products.csv, segments.csv, events.csv, summary.csv,
 * scenario.resolved.cfg and manifest.csv, as `marketsim run` writes them
 * for that side's scenario, seed and replications (only the manifest's
 * command and side rows differ), through the core's output layer
 * (ms_run_format_summary, ms_run_format_manifest).
 *
 * Every file of every side, and the caller's files in out_dir itself, are
 * temporaries of atomic sets until ms_compare_commit: a failure or an
 * interrupt leaves out_dir as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compare_internal.h"
#include "marketsim/atomic.h"
#include "marketsim/manifest.h"
#include "marketsim/rng.h"

ms_status cmp_files_open(ms_compare *c, ms_error *err)
{
    ms_status st = ms_atomic_set_create(c->cfg.out_dir, &c->top, err);
    for (int s = 0; s < c->k && st == MS_OK; s++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", c->cfg.out_dir, c->cfg.names[s]);
        if (!(c->summary[s] = ms_stats_table_create()))
            return ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
        if ((st = ms_atomic_set_create(dir, &c->set[s], err)) != MS_OK)
            return st;
        for (int f = 0; f < MS_RESULTS_COUNT && st == MS_OK; f++) {
            const char *name = ms_results_file_name((ms_results_file)f);
            if (f == MS_RESULTS_DECISIONS) {
                st = ms_atomic_set_remove(c->set[s], name, err); /* an old --trace run's */
                continue;
            }
            if (!(c->files[s][f] = ms_atomic_set_open(c->set[s], name, err)))
                return MS_EIO;
            fprintf(c->files[s][f], "%s\n", ms_results_columns((ms_results_file)f));
        }
    }
    return st;
}

ms_status cmp_files_emit(ms_compare *c, int side, ms_exp_rep_result *r, ms_error *err)
{
    for (int f = 0; f < MS_RESULTS_COUNT; f++) {
        if (!c->files[side][f])
            continue;
        if (ms_exp_rep_write(r, (ms_results_file)f, c->files[side][f]) != MS_OK) {
            char dir[200];
            snprintf(dir, sizeof dir, "%s/%s", c->cfg.out_dir, c->cfg.names[side]);
            return ms_error_set(err, MS_EIO, dir, 0, "", "cannot write %s: %s",
                                ms_results_file_name((ms_results_file)f),
                                strerror(errno ? errno : EIO));
        }
        ms_buf_fini(&r->files[f]); /* written: free it before the replication completes */
    }
    /* folded in replication order, as ms_run folds it for run's manifest */
    c->fingerprint[side] = ms_rng_mix64(c->fingerprint[side] ^ r->fingerprint);
    if (ms_exp_rep_add_metrics(r, c->summary[side]) != MS_OK)
        return ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    return MS_OK;
}

static ms_status put(ms_compare *c, int s, const char *name, ms_buf *b, ms_error *err)
{
    ms_status st = ms_buf_ok(b) ? ms_atomic_set_put(c->set[s], name, b->data, b->len, err)
                                : ms_error_set(err, MS_ENOMEM, name, 0, "", "out of memory");
    ms_buf_fini(b);
    return st;
}

/* One side's summary.csv, scenario.resolved.cfg and manifest.csv (opened
 * last, so renamed last): what run writes for the side's scenario with the
 * replications actually run (after --target-ci), `copy`, and a `side` row
 * in the manifest. */
static ms_status side_tail(ms_compare *c, int s, ms_scenario *copy, ms_error *err)
{
    memcpy(copy, c->cfg.sides[s], sizeof *copy);
    copy->replications = (int)c->reps;
    ms_buf b;
    ms_buf_init(&b);
    ms_run_format_summary(&b, copy->name, c->summary[s]);
    ms_status st = put(c, s, "summary.csv", &b, err);
    char *resolved = NULL;
    size_t len = 0;
    if (st == MS_OK && (st = ms_scenario_write_text(copy, &resolved, &len)) != MS_OK)
        ms_error_set(err, st, "scenario.resolved.cfg", 0, "", "out of memory");
    if (st == MS_OK)
        st = ms_atomic_set_put(c->set[s], "scenario.resolved.cfg", resolved, len, err);
    if (st == MS_OK) {
        ms_run_format_manifest(&b, copy, resolved, len, c->fingerprint[s]);
        ms_manifest_str(&b, "side", c->cfg.names[s]);
        ms_manifest_end(&b, c->cfg.command);
        st = put(c, s, "manifest.csv", &b, err);
    }
    free(resolved);
    return st;
}

ms_status cmp_files_tail(ms_compare *c, ms_error *err)
{
    ms_scenario *copy = malloc(sizeof *copy);
    if (!copy)
        return ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    ms_status st = MS_OK;
    for (int s = 0; s < c->k && st == MS_OK; s++)
        st = side_tail(c, s, copy, err);
    free(copy);
    return st;
}

FILE *ms_compare_open(ms_compare *c, const char *name, ms_error *err)
{
    if (!c->top) {
        ms_error_set(err, MS_EINVAL, name, 0, "", "a comparison without out_dir writes no files");
        return NULL;
    }
    return ms_atomic_set_open(c->top, name, err);
}

ms_status ms_compare_commit(ms_compare *c, ms_error *err)
{
    ms_status st = MS_OK;
    for (int s = 0; s < c->k && st == MS_OK; s++) {
        st = ms_atomic_set_commit(c->set[s], err);
        c->set[s] = NULL;
    }
    if (st == MS_OK && c->top) {
        st = ms_atomic_set_commit(c->top, err);
        c->top = NULL;
    }
    return st;
}
