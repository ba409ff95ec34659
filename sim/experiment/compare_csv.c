/* compare_csv.c - the comparison's own tables: compare.csv,
 * compare_monthly.csv and the outcome fan's outcomes.csv (columns in
 * docs/outputs.md). Rows follow the key order of ms_compare (side 0's
 * summary.csv order, then keys only other sides have); an undefined value
 * is an empty field.
 */
#include <math.h>
#include <string.h>

#include "compare_internal.h"

static void field(ms_csv *w, double v)
{
    if (isnan(v))
        ms_csv_empty(w);
    else
        ms_csv_num(w, v);
}

static ms_status flush(ms_buf *b, FILE *fp)
{
    ms_status st = ms_buf_write(b, fp);
    ms_buf_fini(b);
    return st;
}

ms_status ms_compare_write_csv(const ms_compare *c, int side, FILE *fp)
{
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w;
    ms_csv_init(&w, &b);
    ms_csv_header(&w, "metric,subject,mean_a,mean_b,diff,diff_sd,ci95_low,ci95_high,"
                      "unpaired_ci95_low,unpaired_ci95_high,variance_reduction,n");
    for (size_t i = 0; i < ms_compare_key_count(c); i++) {
        const char *metric, *subject;
        ms_compare_key(c, i, &metric, &subject);
        ms_pair_summary s;
        ms_pair_summarize(ms_compare_pair(c, i, side), 0.95, &s);
        ms_csv_str(&w, metric);
        ms_csv_str(&w, subject);
        ms_pair_write_csv(&w, &s);
        ms_csv_end(&w);
    }
    return flush(&b, fp);
}

ms_status ms_compare_write_monthly(const ms_compare *c, int side, FILE *fp)
{
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w;
    ms_csv_init(&w, &b);
    ms_csv_header(&w, "month,metric,subject,diff,ci95_low,ci95_high,n");
    for (int m = 0; m < ms_compare_months(c); m++)
        for (size_t j = 0; j < ms_compare_series_count(c); j++) {
            const ms_pair_acc *p = ms_compare_monthly(c, m, j, side);
            if (!p)
                continue; /* the other side has no such subject */
            ms_series_kind kind;
            const char *subject;
            ms_compare_series(c, j, &kind, &subject);
            ms_pair_summary s;
            ms_pair_summarize(p, 0.95, &s);
            ms_csv_int(&w, m);
            ms_csv_str(&w, ms_series_name(kind));
            ms_csv_str(&w, subject);
            field(&w, s.diff);
            field(&w, s.ci_low);
            field(&w, s.ci_high);
            ms_csv_uint(&w, s.n);
            ms_csv_end(&w);
        }
    return flush(&b, fp);
}

/* One outcomes.csv row: value summary v, difference summary d. */
static void fan_row(ms_csv *w, const char *outcome, double prob, const char *metric,
                    const char *subject, const ms_stats_summary *v, const ms_stats_summary *d)
{
    ms_csv_str(w, outcome);
    field(w, prob);
    ms_csv_str(w, metric);
    ms_csv_str(w, subject);
    field(w, v->mean);
    field(w, v->ci_low);
    field(w, v->ci_high);
    field(w, d->mean);
    field(w, d->ci_low);
    field(w, d->ci_high);
    ms_csv_uint(w, v->n);
    ms_csv_end(w);
}

/* The difference side s - side 0 of key i as a plain summary. */
static void diff_of(const ms_compare *c, size_t i, int s, ms_stats_summary *d)
{
    if (s == 0) { /* the reference against itself */
        memset(d, 0, sizeof *d);
        return;
    }
    ms_pair_summary p;
    ms_pair_summarize(ms_compare_pair(c, i, s), 0.95, &p);
    d->n = p.n;
    d->mean = p.diff;
    d->sd = p.diff_sd;
    d->ci_low = p.ci_low;
    d->ci_high = p.ci_high;
}

void ms_compare_fan_weights(const ms_compare *c, const double *prob, double *w, double *covered)
{
    double sum = 0.0;
    for (int s = 0; s < c->k; s++)
        sum += isnan(prob[s]) ? 0.0 : prob[s];
    for (int s = 0; s < c->k; s++)
        w[s] = isnan(prob[s]) || !(sum > 0.0) ? 0.0 : prob[s] / sum;
    *covered = sum;
}

ms_status ms_compare_write_fan(const ms_compare *c, const double *prob, FILE *fp)
{
    double w[MS_COMPARE_MAX_SIDES], wd[MS_COMPARE_MAX_SIDES], covered;
    ms_compare_fan_weights(c, prob, w, &covered);
    for (int s = 0; s < c->k; s++)
        wd[s] = w[s] - (s == 0);
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w_;
    ms_csv_init(&w_, &b);
    ms_csv_header(&w_, "outcome,probability,metric,subject,mean,ci95_low,ci95_high,diff,"
                       "diff_ci95_low,diff_ci95_high,n");
    for (int s = 0; s <= c->k; s++)
        for (size_t i = 0; i < ms_compare_key_count(c); i++) {
            const char *metric, *subject;
            ms_compare_key(c, i, &metric, &subject);
            ms_stats_summary v, d;
            if (s < c->k) {
                ms_stats_summarize(ms_compare_side(c, i, s), 0.95, &v);
                diff_of(c, i, s, &d);
                fan_row(&w_, c->cfg.names[s], prob[s], metric, subject, &v, &d);
                continue;
            }
            if (!(covered > 0.0))
                continue;
            ms_multi_acc_combine(ms_compare_multi(c, i), w, 0.95, &v);
            ms_multi_acc_combine(ms_compare_multi(c, i), wd, 0.95, &d);
            fan_row(&w_, "expected", covered, metric, subject, &v, &d);
        }
    return flush(&b, fp);
}
