/* compare_report.c - `marketsim compare`'s own files and stdout table.
 *
 * The outcome fan's probabilities are exact when the model can give them
 * (ms_market_outcome_odds: continuous timings), else estimated from the
 * stochastic side's outcome frequencies with a Student-t interval, and
 * outcome_probabilities.csv and the table say which. Forcing `none` means
 * "not resolved within the horizon", so its probability is that of the
 * stochastic dispute still open (or never triggered) at the horizon.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "compare_cli.h"
#include "marketsim/manifest.h"
#include "marketsim/market.h"

/* ---- probabilities -------------------------------------------------------- */

/* The stochastic side's frequency of outcome o; `none` also counts
 * `unresolved` (see the file comment). */
static double observed(const ms_compare *c, int side, ms_outcome o, uint64_t *n)
{
    const char *names[2] = {ms_outcome_name(o), o == MS_OUTCOME_NONE ? "unresolved" : NULL};
    double p = 0.0;
    *n = 0;
    for (int k = 0; k < 2 && names[k]; k++) {
        long i = ms_compare_find(c, "outcome_probability", names[k]);
        if (i < 0)
            continue;
        const ms_stats_acc *acc = ms_compare_side(c, (size_t)i, side);
        p += acc->mean;
        *n = acc->n;
    }
    return p;
}

static ms_status probabilities(const cmp_sides *s, const ms_compare *c, cmp_report *r,
                               ms_error *err)
{
    memset(r, 0, sizeof *r);
    int ok = ms_market_outcome_odds(ms_scenario_base_get(s->base), r->p);
    if (ok < 0)
        return ms_error_set(err, MS_ENOMEM, "", 0, "", "out of memory");
    r->exact = ok;
    for (int o = MS_OUTCOME_AMENDED; o <= MS_OUTCOME_NONE; o++) {
        if (r->exact) {
            r->lo[o] = r->hi[o] = r->p[o];
            continue;
        }
        /* an indicator's sample variance is n p (1 - p) / (n - 1) */
        double p = observed(c, s->n - 1, (ms_outcome)o, &r->n);
        double half = NAN;
        if (r->n >= 2)
            half = gsl_cdf_tdist_Pinv(0.975, (double)(r->n - 1)) *
                   sqrt(p * (1.0 - p) / (double)(r->n - 1));
        r->p[o] = p;
        r->lo[o] = p - half;
        r->hi[o] = p + half;
    }
    for (int i = 0; i < s->n; i++) {
        ms_outcome o = s->sc[i]->dispute.outcome;
        r->side[i] = o == MS_OUTCOME_STOCHASTIC ? NAN : r->p[o];
    }
    return MS_OK;
}

/* ---- files ---------------------------------------------------------------- */

static void field(ms_csv *w, double v)
{
    if (isnan(v))
        ms_csv_empty(w);
    else
        ms_csv_num(w, v);
}

static ms_status write_probabilities(const cmp_report *r, FILE *fp)
{
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w;
    ms_csv_init(&w, &b);
    ms_csv_header(&w, "outcome,probability,ci95_low,ci95_high,method,n");
    for (int o = MS_OUTCOME_AMENDED; o <= MS_OUTCOME_NONE; o++) {
        ms_csv_str(&w, ms_outcome_name((ms_outcome)o));
        field(&w, r->p[o]);
        field(&w, r->lo[o]);
        field(&w, r->hi[o]);
        ms_csv_str(&w, r->exact ? "exact" : "estimated");
        if (r->exact)
            ms_csv_empty(&w);
        else
            ms_csv_uint(&w, r->n);
        ms_csv_end(&w);
    }
    ms_status st = ms_buf_write(&b, fp);
    ms_buf_fini(&b);
    return st;
}

/* manifest.h's shared keys without the scenario rows (two or more
 * scenarios: `sides` names them), then mode and sides. */
static ms_status write_manifest(const cmp_args *a, const cmp_sides *s, const ms_compare *c,
                                const char *command, FILE *fp)
{
    ms_buf b, sides;
    ms_buf_init(&b);
    ms_buf_init(&sides);
    for (int i = 0; i < s->n; i++)
        ms_buf_printf(&sides, "%s%s", i ? "," : "", s->names[i]);
    ms_manifest_head h = {.seed = s->sc[0]->seed, .replications = ms_compare_replications(c)};
    ms_manifest_begin(&b, &h);
    ms_manifest_str(&b, "mode", a->fan ? "outcomes" : a->nsets_b ? "set-b" : "files");
    ms_manifest_str(&b, "sides", ms_buf_ok(&sides) ? ms_buf_cstr(&sides) : "");
    ms_manifest_end(&b, command);
    ms_status st = ms_buf_write(&b, fp);
    ms_buf_fini(&b);
    ms_buf_fini(&sides);
    return st;
}

/* A write error names the directory, the file and the reason. */
static ms_status cannot(const cmp_args *a, const char *name, ms_status st, ms_error *err)
{
    return ms_error_set(err, st, a->c.out_dir, 0, "", "cannot write %s: %s", name,
                        st == MS_EIO ? strerror(errno ? errno : EIO) : ms_strerror(st));
}

ms_status cmp_report_files(const cmp_args *a, const cmp_sides *s, ms_compare *c,
                           const char *command, cmp_report *rep, ms_error *err)
{
    ms_status st;
    FILE *f1, *f2, *fm;
    memset(rep, 0, sizeof *rep);
    if (a->fan) {
        if ((st = probabilities(s, c, rep, err)) != MS_OK)
            return st;
        if (!(f1 = ms_compare_open(c, "outcomes.csv", err)) ||
            !(f2 = ms_compare_open(c, "outcome_probabilities.csv", err)))
            return MS_EIO;
        if ((st = ms_compare_write_fan(c, rep->side, f1)) != MS_OK)
            return cannot(a, "outcomes.csv", st, err);
        if ((st = write_probabilities(rep, f2)) != MS_OK)
            return cannot(a, "outcome_probabilities.csv", st, err);
    } else {
        if (!(f1 = ms_compare_open(c, "compare.csv", err)) ||
            !(f2 = ms_compare_open(c, "compare_monthly.csv", err)))
            return MS_EIO;
        if ((st = ms_compare_write_csv(c, 1, f1)) != MS_OK)
            return cannot(a, "compare.csv", st, err);
        if ((st = ms_compare_write_monthly(c, 1, f2)) != MS_OK)
            return cannot(a, "compare_monthly.csv", st, err);
    }
    /* opened last, so renamed last: its presence marks a complete set */
    if (!(fm = ms_compare_open(c, "manifest.csv", err)))
        return MS_EIO;
    if ((st = write_manifest(a, s, c, command, fm)) != MS_OK)
        return cannot(a, "manifest.csv", st, err);
    return MS_OK;
}

/* ---- stdout --------------------------------------------------------------- */

static void print_differences(const ms_compare *c)
{
    size_t shown = 0, total = ms_compare_key_count(c);
    for (size_t i = 0; i < total; i++) {
        const char *metric, *subject;
        ms_compare_key(c, i, &metric, &subject);
        ms_pair_summary p;
        ms_pair_summarize(ms_compare_pair(c, i, 1), 0.95, &p);
        if (!(p.n >= 2 && (p.ci_low > 0.0 || p.ci_high < 0.0)))
            continue;
        if (!shown++)
            printf("\ndifferences b - a whose paired 95%% interval excludes 0:\n"
                   "  %-20s %-14s %9s %9s %10s  %-23s %7s\n",
                   "metric", "subject", "mean_a", "mean_b", "diff", "95% CI", "VR");
        printf("  %-20s %-14s %9.4f %9.4f %+10.5f  [%+.5f, %+.5f] ", metric, subject, p.mean_a,
               p.mean_b, p.diff, p.ci_low, p.ci_high);
        if (isnan(p.variance_reduction))
            printf("%7s\n", "-");
        else
            printf("%7.1f\n", p.variance_reduction);
    }
    if (!shown)
        printf("\nno difference b - a has a paired 95%% interval that excludes 0\n");
    printf("(%zu of %zu metrics; every one in compare.csv, monthly in compare_monthly.csv)\n",
           shown, total);
}

static void print_fan_metric(const ms_compare *c, const cmp_sides *s, const double *w,
                             double covered, const char *metric, const char *title)
{
    int header = 0;
    for (size_t i = 0; i < ms_compare_key_count(c); i++) {
        const char *m, *subject;
        ms_compare_key(c, i, &m, &subject);
        if (strcmp(m, metric) != 0)
            continue;
        if (!header++)
            printf("%s\n", title);
        printf("  %-16s", subject);
        for (int k = 0; k < s->n; k++)
            printf(" %14.4f", ms_compare_side(c, i, k)->mean);
        if (covered > 0.0) {
            ms_stats_summary e;
            ms_multi_acc_combine(ms_compare_multi(c, i), w, 0.95, &e);
            printf(" %14.4f", e.mean);
        }
        printf("\n");
    }
}

static void print_fan(const ms_compare *c, const cmp_sides *s, const cmp_report *r)
{
    double w[MS_COMPARE_MAX_SIDES], covered;
    ms_compare_fan_weights(c, r->side, w, &covered);
    printf("\noutcome probabilities %s\n",
           r->exact ? "(exact: from the dispute's branch probabilities and timings)"
                    : "(estimated from the stochastic side's replications, 95% CI)");
    printf("  %-16s", "");
    for (int k = 0; k < s->n; k++)
        printf(" %14s", s->names[k]);
    if (covered > 0.0)
        printf(" %14s", "expected");
    printf("\n  %-16s", "probability");
    for (int k = 0; k < s->n; k++)
        if (isnan(r->side[k]))
            printf(" %14s", "-");
        else
            printf(" %14.4f", r->side[k]);
    if (covered > 0.0)
        printf(" %14.4f", covered);
    printf("\n");
    print_fan_metric(c, s, w, covered, "final_share_spend", "final share of AI spend by cloud");
    print_fan_metric(c, s, w, covered, "vendor_share_spend", "final share of AI spend by vendor");
    printf("(expected: the outcomes' means weighted by their probabilities; intervals and\n"
           "differences from %s in outcomes.csv)\n",
           s->names[0]);
}

void cmp_report_print(const cmp_args *a, const cmp_sides *s, const ms_compare *c,
                      const cmp_report *rep)
{
    uint32_t reps = ms_compare_replications(c);
    printf("%s: %d sides, %" PRIu32 " replication%s each, seed %" PRIu64 " -> %s/\n", CMD, s->n,
           reps, reps == 1 ? "" : "s", s->sc[0]->seed, a->c.out_dir);
    if (a->c.halfwidth > 0)
        printf("target-ci %s:%s: paired half-width %.6g %s %.6g\n", a->c.target_metric,
               a->c.target_subject, ms_compare_worst_halfwidth(c),
               ms_compare_worst_halfwidth(c) <= a->c.halfwidth ? "<=" : ">", a->c.halfwidth);
    if (a->fan)
        print_fan(c, s, rep);
    else
        print_differences(c);
}
