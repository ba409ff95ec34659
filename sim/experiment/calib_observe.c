/* calib_observe.c - a replication's value of every calibration target,
 * read from the model's monthly rows and summary metrics.
 *
 * Monthly values are computed the way the output files define them, from
 * the same rows: a cloud's shares from market.csv, a vendor's share of the
 * spend in products.csv, adoption and multi-cloud rates from segments.csv.
 * Rows are found by their month field, not by position, so the model may
 * order or omit rows (products without activity) freely.
 */
#include <math.h>
#include <string.h>

#include "marketsim/calibrate.h"

static double cloud_value(const ms_market_result *res, const ms_calib_target *t)
{
    for (size_t i = 0; i < res->n_market; i++) {
        const ms_market_row *r = &res->market[i];
        if (r->month == t->month && r->cloud == t->index)
            return t->kind == MS_CT_SHARE_SPEND ? r->share_spend : r->share_buyers;
    }
    return NAN;
}

static double total_spend(const ms_market_result *res, int month)
{
    double total = 0.0;
    int seen = 0;
    for (size_t i = 0; i < res->n_market; i++)
        if (res->market[i].month == month) {
            total += res->market[i].spend;
            seen = 1;
        }
    return seen ? total : NAN;
}

static double vendor_share(const ms_scenario *sc, const ms_market_result *res,
                           const ms_calib_target *t)
{
    double mine = 0.0, total = 0.0;
    for (size_t i = 0; i < res->n_products; i++) {
        const ms_product_row *r = &res->products[i];
        if (r->month != t->month)
            continue;
        total += r->spend;
        if (sc->products[r->product].vendor == t->index)
            mine += r->spend;
    }
    return total > 0.0 ? mine / total : 0.0;
}

/* 1 if segment s belongs to the target's segment or group. */
static int in_group(const ms_scenario *sc, int s, int index)
{
    if (index >= 0)
        return s == index;
    if (index == MS_CT_ALL)
        return 1;
    return (sc->segments[s].regulated != 0) == (index == MS_CT_REGULATED);
}

static double segment_rate(const ms_scenario *sc, const ms_market_result *res,
                           const ms_calib_target *t)
{
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < res->n_segments; i++) {
        const ms_segment_row *r = &res->segments[i];
        if (r->month != t->month || !in_group(sc, r->segment, t->index))
            continue;
        if (t->kind == MS_CT_ADOPTION) {
            num += r->adopted;
            den += r->buyers;
        } else {
            num += r->multicloud;
            den += r->adopted;
        }
    }
    return den > 0.0 ? num / den : 0.0;
}

static double summary_value(const ms_market_result *res, const ms_calib_target *t)
{
    for (size_t i = 0; i < res->n_metrics; i++)
        if (strcmp(res->metrics[i].metric, t->metric) == 0 &&
            strcmp(res->metrics[i].subject, t->subject) == 0)
            return res->metrics[i].value;
    return NAN;
}

void ms_calib_observe(const ms_scenario *sc, const ms_market_result *res, const ms_calib_targets *t,
                      double *v)
{
    for (size_t k = 0; k < t->n; k++) {
        const ms_calib_target *x = &t->items[k];
        switch (x->kind) {
        case MS_CT_SHARE_SPEND:
        case MS_CT_SHARE_BUYERS:
            v[k] = cloud_value(res, x);
            break;
        case MS_CT_VENDOR_SHARE:
            v[k] = vendor_share(sc, res, x);
            break;
        case MS_CT_ADOPTION:
        case MS_CT_MULTICLOUD:
            v[k] = segment_rate(sc, res, x);
            break;
        case MS_CT_TOTAL_SPEND:
            v[k] = total_spend(res, x->month);
            break;
        case MS_CT_SUMMARY:
        default:
            v[k] = summary_value(res, x);
            break;
        }
    }
}
