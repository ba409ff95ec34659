/* compare_files.c - each side's complete run files in out_dir/<side>/:
 * market.csv, products.csv, segments.csv, events.csv, summary.csv,
 * scenario.resolved.cfg and manifest.csv, as `marketsim run` writes them
 * for that side's scenario, seed and replications (only the manifest's
 * command and side rows differ).
 *
 * Every file of every side, and the caller's files in out_dir itself, are
 * temporaries of atomic sets until ms_compare_commit: a failure or an
 * interrupt leaves out_dir as it was.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "compare_internal.h"
#include "marketsim_version.h"

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

ms_status cmp_files_emit(ms_compare *c, int side, cmp_result *r, ms_error *err)
{
    for (int f = 0; f < MS_RESULTS_COUNT; f++) {
        if (!c->files[side][f])
            continue;
        if (ms_buf_write(&r->files[f], c->files[side][f]) != MS_OK)
            return ms_error_set(err, MS_EIO, c->cfg.names[side], 0, "", "cannot write %s",
                                ms_results_file_name((ms_results_file)f));
        ms_buf_fini(&r->files[f]); /* written: free it before the replication completes */
    }
    ms_exp_rep_result rr; /* reuse run's metric table feeding */
    memset(&rr, 0, sizeof rr);
    rr.metrics = r->metrics;
    rr.n_metrics = r->n_metrics;
    if (ms_exp_rep_add_metrics(&rr, c->summary[side]) != MS_OK)
        return ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    return MS_OK;
}

static ms_status write_summary(FILE *fp, const ms_scenario *sc, const ms_stats_table *t)
{
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w;
    ms_csv_init(&w, &b);
    ms_csv_header(&w, "scenario,metric,subject,mean,sd,ci95_low,ci95_high,n");
    for (size_t i = 0; i < ms_stats_table_count(t); i++) {
        const char *metric, *subject;
        ms_stats_table_key(t, i, &metric, &subject);
        ms_stats_summary s;
        ms_stats_summarize(ms_stats_table_acc(t, i), 0.95, &s);
        ms_csv_str(&w, sc->name);
        ms_csv_str(&w, metric);
        ms_csv_str(&w, subject);
        ms_stats_write_csv(&w, &s);
        ms_csv_end(&w);
    }
    ms_status st = ms_buf_write(&b, fp);
    ms_buf_fini(&b);
    return st;
}

static void kv(ms_csv *w, const char *key, const char *value)
{
    ms_csv_str(w, key);
    ms_csv_str(w, value);
    ms_csv_end(w);
}

/* `marketsim run`'s manifest keys, and the side. */
static ms_status write_manifest(FILE *fp, const ms_compare *c, int side)
{
    const ms_scenario *sc = c->cfg.sides[side];
    char num[32];
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w;
    ms_csv_init(&w, &b);
    ms_csv_header(&w, "key,value");
    kv(&w, "version", MARKETSIM_VERSION);
    kv(&w, "git", MARKETSIM_GIT);
    kv(&w, "scenario", sc->name);
    snprintf(num, sizeof num, "%" PRIu64, sc->seed);
    kv(&w, "seed", num);
    snprintf(num, sizeof num, "%" PRIu32, c->reps);
    kv(&w, "replications", num);
    snprintf(num, sizeof num, "%d", sc->horizon_months);
    kv(&w, "horizon_months", num);
    kv(&w, "generator", "philox4x32-10");
    kv(&w, "resolved_config", "scenario.resolved.cfg");
    kv(&w, "command", c->cfg.command ? c->cfg.command : "");
    kv(&w, "side", c->cfg.names[side]);
    ms_status st = ms_buf_write(&b, fp);
    ms_buf_fini(&b);
    return st;
}

/* The resolved scenario with the replications actually run. */
static ms_status write_resolved(FILE *fp, const ms_compare *c, int side)
{
    ms_scenario *copy = malloc(sizeof *copy);
    if (!copy)
        return MS_ENOMEM;
    memcpy(copy, c->cfg.sides[side], sizeof *copy);
    copy->replications = (int)c->reps;
    ms_status st = ms_scenario_write(copy, fp);
    free(copy);
    return st;
}

ms_status cmp_files_tail(ms_compare *c, ms_error *err)
{
    static const char *const names[] = {"summary.csv", "scenario.resolved.cfg", "manifest.csv"};
    for (int s = 0; s < c->k; s++) {
        for (int i = 0; i < 3; i++) {
            FILE *fp = ms_atomic_set_open(c->set[s], names[i], err);
            if (!fp)
                return MS_EIO;
            ms_status st = i == 0   ? write_summary(fp, c->cfg.sides[s], c->summary[s])
                           : i == 1 ? write_resolved(fp, c, s)
                                    : write_manifest(fp, c, s);
            if (st != MS_OK)
                return ms_error_set(err, st, c->cfg.names[s], 0, "", "cannot write %s", names[i]);
        }
    }
    return MS_OK;
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
