/* calib_write.c - the files `calibrate` leaves in DIR, written as one
 * atomic set (all of them or none; manifest.csv renamed last).
 *
 * Nothing here depends on the thread count or the clock: the manifest
 * names the inputs (scenario, targets, keys, seed, replications, limits)
 * and the outcome, never the command line or a time, so the same
 * calibration writes the same bytes.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/atomic.h"
#include "marketsim/calibrate.h"
#include "marketsim/csv.h"
#include "marketsim/manifest.h"

static void num_or_empty(ms_csv *w, double v)
{
    if (isfinite(v))
        ms_csv_num(w, v);
    else
        ms_csv_empty(w);
}

static void calibration_csv(const ms_calib_config *cfg, const ms_calib_result *r, ms_buf *b)
{
    ms_csv w;
    ms_csv_init(&w, b);
    ms_buf_puts(b, "eval");
    for (int j = 0; j < cfg->n_params; j++)
        ms_buf_printf(b, ",%s", cfg->params[j].key);
    ms_buf_puts(b, ",objective,phase\n");
    size_t width = (size_t)cfg->n_params + 1;
    for (size_t e = 0; e < r->n_trace; e++) {
        ms_csv_uint(&w, e + 1);
        for (size_t j = 0; j < width; j++)
            ms_csv_exact(&w, r->trace[e * width + j]);
        ms_csv_str(&w, e < r->search_evals ? "search" : "jacobian");
        ms_csv_end(&w);
    }
}

static void parameters_csv(const ms_calib_config *cfg, const ms_calib_result *r, ms_buf *b)
{
    ms_csv w;
    ms_csv_init(&w, b);
    ms_csv_header(&w, "key,value,se,lo,hi,at_bound,identified,vif,weak");
    for (int j = 0; j < cfg->n_params; j++) {
        ms_csv_str(&w, cfg->params[j].key);
        ms_csv_exact(&w, r->value[j]);
        num_or_empty(&w, r->se[j]);
        ms_csv_num(&w, cfg->params[j].lo);
        ms_csv_num(&w, cfg->params[j].hi);
        ms_csv_int(&w, r->at_bound[j]);
        ms_csv_int(&w, r->identified[j]);
        num_or_empty(&w, r->vif[j]);
        ms_csv_int(&w, r->weak[j]);
        ms_csv_end(&w);
    }
}

static void fit_csv(const ms_calib_targets *t, const ms_calib_result *r, ms_buf *b)
{
    ms_csv w;
    ms_csv_init(&w, b);
    ms_csv_header(&w, "month,metric,subject,target,se,simulated,ci95_low,ci95_high,z,set");
    for (size_t k = 0; k < t->n; k++) {
        const ms_calib_target *x = &t->items[k];
        if (x->month >= 0)
            ms_csv_int(&w, x->month);
        else
            ms_csv_empty(&w);
        ms_csv_str(&w, x->metric);
        ms_csv_str(&w, x->subject);
        ms_csv_num(&w, x->value);
        ms_csv_num(&w, x->se);
        ms_csv_num(&w, r->mean[k]);
        num_or_empty(&w, r->ci_low[k]);
        num_or_empty(&w, r->ci_high[k]);
        ms_csv_num(&w, (r->mean[k] - x->value) / x->se);
        ms_csv_str(&w, x->holdout ? "holdout" : "fit");
        ms_csv_end(&w);
    }
}

/* manifest.h's shared keys for calibrated.cfg (`config`, the scenario at
 * the optimum), then the calibration's own. */
static void manifest_csv(const ms_calib_config *cfg, const ms_calib_result *r,
                         const char *targets_path, int holdout_after, const char *name,
                         const ms_buf *config, ms_buf *b)
{
    ms_manifest_head h = {.scenario = name,
                          .config_name = "calibrated.cfg",
                          .config = config->data,
                          .config_len = config->len,
                          .seed = cfg->seed,
                          .replications = cfg->replications};
    ms_manifest_begin(b, &h);
    ms_manifest_str(b, "scenario_file", cfg->scenario_path);
    ms_manifest_str(b, "targets_file", targets_path);
    ms_manifest_str(b, "method", cfg->method == MS_CALIB_LM ? "lm" : "nmsimplex2");
    for (int j = 0; j < cfg->n_params; j++) {
        char lo[40], hi[40], spec[MS_CALIB_KEY_LEN + 90];
        ms_csv_format(lo, sizeof lo, cfg->params[j].lo, MS_CSV_NUM_DIGITS);
        ms_csv_format(hi, sizeof hi, cfg->params[j].hi, MS_CSV_NUM_DIGITS);
        snprintf(spec, sizeof spec, "%s=%s:%s", cfg->params[j].key, lo, hi);
        ms_manifest_str(b, "fit", spec);
    }
    for (int i = 0; i < cfg->n_sets; i++)
        ms_manifest_str(b, "set", cfg->sets[i]);
    char text[24];
    snprintf(text, sizeof text, "%d", holdout_after);
    ms_manifest_str(b, "holdout_after", holdout_after >= 0 ? text : "");
    ms_manifest_u64(b, "max_evals", cfg->max_evals);
    ms_manifest_num(b, "tolerance", cfg->tolerance);
    ms_manifest_u64(b, "evaluations", r->evals);
    ms_manifest_u64(b, "search_evaluations", r->search_evals);
    ms_manifest_str(b, "converged", r->converged ? "1" : "0");
    ms_manifest_num(b, "objective", r->objective);
    ms_manifest_num(b, "holdout_objective", r->holdout_objective);
    ms_manifest_end(b, cfg->command);
}

/* The scenario at the optimum, with the seed and replications used. */
static ms_status calibrated_cfg(const ms_calib_config *cfg, const ms_calib_result *r, ms_buf *b,
                                char *name, size_t cap, ms_error *err)
{
    int n = cfg->n_sets + 2 + cfg->n_params;
    const char **sets = calloc((size_t)n, sizeof *sets);
    char(*texts)[MS_CALIB_KEY_LEN + 40] = calloc((size_t)cfg->n_params + 2, sizeof *texts);
    ms_status st = sets && texts ? MS_OK : MS_ENOMEM;
    for (int i = 0; st == MS_OK && i < cfg->n_sets; i++)
        sets[i] = cfg->sets[i];
    if (st == MS_OK) {
        snprintf(texts[0], sizeof texts[0], "sim.seed=%" PRIu64, cfg->seed);
        snprintf(texts[1], sizeof texts[1], "sim.replications=%" PRIu32, cfg->replications);
        for (int j = 0; j < cfg->n_params; j++)
            ms_calib_set_text(&cfg->params[j], r->value[j], texts[2 + j], sizeof texts[0]);
        for (int j = 0; j < cfg->n_params + 2; j++)
            sets[cfg->n_sets + j] = texts[j];
    }
    ms_scenario *sc = NULL;
    ms_errors errs;
    ms_errors_init(&errs);
    if (st == MS_OK && (st = ms_scenario_load(cfg->scenario_path, sets, n, &sc, &errs)) != MS_OK)
        *err = errs.items[0];
    if (st == MS_OK) {
        snprintf(name, cap, "%s", sc->name);
        char *text = NULL;
        size_t len = 0;
        st = ms_scenario_write_text(sc, &text, &len);
        if (st == MS_OK)
            ms_buf_append(b, text, len);
        free(text);
    }
    if (st == MS_ENOMEM)
        ms_error_set(err, st, "", 0, "calibrated.cfg", "out of memory");
    ms_scenario_destroy(sc);
    free(sets);
    free(texts);
    return st;
}

static ms_status put(ms_atomic_set *set, const char *name, const ms_buf *b, ms_error *err)
{
    if (!ms_buf_ok(b))
        return ms_error_set(err, MS_ENOMEM, "", 0, name, "out of memory");
    return ms_atomic_set_put(set, name, b->data, b->len, err);
}

ms_status ms_calib_write(const char *dir, const ms_calib_config *cfg, const ms_calib_result *res,
                         const char *targets_path, int holdout_after, ms_error *err)
{
    enum { CALIBRATION, PARAMETERS, FIT, CONFIG, MANIFEST, NFILES };
    static const char *const names[NFILES] = {"calibration.csv", "parameters.csv", "fit.csv",
                                              "calibrated.cfg", "manifest.csv"};
    ms_buf b[NFILES];
    for (int i = 0; i < NFILES; i++)
        ms_buf_init(&b[i]);
    char name[64] = "";
    calibration_csv(cfg, res, &b[CALIBRATION]);
    parameters_csv(cfg, res, &b[PARAMETERS]);
    fit_csv(cfg->targets, res, &b[FIT]);
    ms_status st = calibrated_cfg(cfg, res, &b[CONFIG], name, sizeof name, err);
    manifest_csv(cfg, res, targets_path, holdout_after, name, &b[CONFIG], &b[MANIFEST]);
    ms_atomic_set *set = NULL;
    if (st == MS_OK)
        st = ms_atomic_set_create(dir, &set, err);
    for (int i = 0; st == MS_OK && i < NFILES; i++)
        st = put(set, names[i], &b[i], err);
    if (st == MS_OK && cfg->stop && *cfg->stop)
        st = MS_EINTR; /* a signal while writing still cancels */
    if (st == MS_OK) {
        st = ms_atomic_set_commit(set, err);
        set = NULL;
    }
    ms_atomic_set_abort(set);
    for (int i = 0; i < NFILES; i++)
        ms_buf_fini(&b[i]);
    return st;
}

double ms_calib_rmse_pp(const ms_calib_targets *t, const double *mean, int holdout, size_t *n)
{
    double sum = 0.0;
    *n = 0;
    for (size_t k = 0; k < t->n; k++) {
        const ms_calib_target *x = &t->items[k];
        if (x->holdout != holdout || !ms_calib_target_is_share(x))
            continue;
        double d = 100.0 * (mean[k] - x->value);
        sum += d * d;
        (*n)++;
    }
    return *n ? sqrt(sum / (double)*n) : NAN;
}
