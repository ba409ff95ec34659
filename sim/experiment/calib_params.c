/* calib_params.c - the free parameters of a calibration: --fit KEY=lo:hi
 * checked against the schema and the scenario, the mapping of an
 * unbounded search space onto the bounds, and the objective.
 *
 * The mapping x = lo + (hi - lo) / (1 + exp(-u)) lets an unconstrained
 * minimiser (GSL's simplex) search u over the real line while every value
 * it proposes lies in [lo, hi] (clamped, so rounding at |u| > 36 cannot
 * step outside either). Since lo..hi is inside the schema's range, no
 * evaluation can build an invalid scenario.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/calibrate.h"
#include "marketsim/csv.h"

static ms_status fit_error(ms_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A usage error naming the flag: `--fit: 'ARG': what is wrong`. */
static ms_status fit_error(ms_error *err, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ms_error_set(err, MS_EUSAGE, "", 0, "--fit", "%s", msg);
}

static int parse_bound(const char *s, size_t n, double *out)
{
    char buf[64], *end;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    *out = strtod(buf, &end);
    return *end || errno == ERANGE || !isfinite(*out) ? -1 : 0;
}

/* Splits KEY=lo:hi into p->key, p->lo, p->hi. */
static ms_status split_arg(const char *arg, ms_calib_param *p, ms_error *err)
{
    const char *eq = strchr(arg, '='), *colon = eq ? strchr(eq + 1, ':') : NULL;
    if (!eq || eq == arg || !colon)
        return fit_error(err, "'%s' is not KEY=lo:hi", arg);
    if ((size_t)(eq - arg) >= sizeof p->key)
        return fit_error(err, "'%s': the key is too long", arg);
    memcpy(p->key, arg, (size_t)(eq - arg));
    p->key[eq - arg] = '\0';
    if (parse_bound(eq + 1, (size_t)(colon - eq - 1), &p->lo) != 0 ||
        parse_bound(colon + 1, strlen(colon + 1), &p->hi) != 0)
        return fit_error(err, "'%s': the bounds are not two numbers lo:hi", arg);
    if (!(p->lo < p->hi))
        return fit_error(err, "'%s': lo must be less than hi", arg);
    return MS_OK;
}

/* Loads the scenario with the key at x; the first config error if any. */
static ms_status load_at(const ms_calib_param *p, double x, const char *path,
                         const char *const *sets, int nsets, ms_scenario **sc, char *why,
                         size_t cap)
{
    const char **all = malloc(((size_t)nsets + 1) * sizeof *all);
    char text[MS_CALIB_KEY_LEN + 40];
    if (!all)
        return MS_ENOMEM;
    for (int i = 0; i < nsets; i++)
        all[i] = sets[i];
    ms_calib_set_text(p, x, text, sizeof text);
    all[nsets] = text;
    ms_errors errs;
    ms_errors_init(&errs);
    ms_status st = ms_scenario_load(path, all, nsets + 1, sc, &errs);
    free(all);
    if (st != MS_OK && errs.count > 0) {
        const ms_error *e = &errs.items[0];
        snprintf(why, cap, "%s%s%s", e->key[0] ? e->key : "", e->key[0] ? ": " : "", e->msg);
    } else if (st != MS_OK) {
        snprintf(why, cap, "%s", ms_strerror(st));
    }
    return st;
}

/* The scenario's own value when strictly inside (lo, hi), else the
 * midpoint. */
static ms_status start_value(ms_calib_param *p, const char *path, const char *const *sets,
                             int nsets, ms_error *err)
{
    ms_scenario *sc = NULL;
    ms_errors errs;
    ms_errors_init(&errs);
    ms_status st = ms_scenario_load(path, sets, nsets, &sc, &errs);
    if (st != MS_OK)
        return errs.count ? (*err = errs.items[0], st)
                          : ms_error_set(err, st, path, 0, "", "cannot load");
    double v;
    st = ms_scenario_key_double(sc, p->key, &v);
    ms_scenario_destroy(sc);
    if (st == MS_ENOMEM)
        return ms_error_set(err, st, "", 0, "--fit", "out of memory");
    p->start = st == MS_OK && v > p->lo && v < p->hi ? v : 0.5 * (p->lo + p->hi);
    return MS_OK;
}

ms_status ms_calib_param_parse(const char *arg, const char *scenario_path, const char *const *sets,
                               int nsets, ms_calib_param *p, ms_error *err)
{
    memset(p, 0, sizeof *p);
    ms_status st = split_arg(arg, p, err);
    if (st != MS_OK)
        return st;
    ms_scenario_keyinfo info;
    ms_error kerr;
    if (ms_scenario_key_info(p->key, &info, &kerr) != MS_OK)
        return fit_error(err, "'%s': %s", arg, kerr.msg);
    if (!info.is_float)
        return fit_error(err, "'%s': not a float key (it is %s; calibrate fits real numbers)", arg,
                         info.type);
    p->schema_lo = info.min;
    p->schema_hi = info.max;
    if (p->lo < info.min || p->hi > info.max) {
        char range[96];
        snprintf(range, sizeof range, "[%.17g, %.17g]", info.min, info.max);
        return fit_error(err, "'%s': the bounds leave the key's range %s", arg, range);
    }
    ms_scenario *sc = NULL;
    char why[400];
    double at[2] = {p->lo, p->hi};
    for (int i = 0; i < 2; i++) {
        st = load_at(p, at[i], scenario_path, sets, nsets, &sc, why, sizeof why);
        ms_scenario_destroy(sc);
        if (st == MS_ENOMEM)
            return ms_error_set(err, st, "", 0, "--fit", "out of memory");
        if (st != MS_OK)
            return fit_error(err, "'%s': the scenario does not load with it: %s", arg, why);
    }
    return start_value(p, scenario_path, sets, nsets, err);
}

double ms_calib_to_value(const ms_calib_param *p, double u)
{
    double x = p->lo + (p->hi - p->lo) / (1.0 + exp(-u));
    return x < p->lo ? p->lo : x > p->hi ? p->hi : x;
}

double ms_calib_to_free(const ms_calib_param *p, double x)
{
    double f = (x - p->lo) / (p->hi - p->lo);
    if (f <= 0.0)
        f = 1e-12;
    if (f >= 1.0)
        f = 1.0 - 1e-12;
    return log(f / (1.0 - f));
}

double ms_calib_objective(const ms_calib_targets *t, const double *mean)
{
    double sum = 0.0;
    for (size_t i = 0; i < t->n; i++) {
        if (t->items[i].holdout)
            continue;
        double z = (mean[i] - t->items[i].value) / t->items[i].se;
        sum += z * z;
    }
    return sum;
}

void ms_calib_set_text(const ms_calib_param *p, double x, char *buf, size_t cap)
{
    char num[40];
    ms_csv_format(num, sizeof num, x, MS_CSV_EXACT_DIGITS);
    /* a float key must read back as a float: 3 -> 3.0 */
    if (!strpbrk(num, ".eEn"))
        strcat(num, ".0");
    snprintf(buf, cap, "%s=%s", p->key, num);
}
