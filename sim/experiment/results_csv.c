/* results_csv.c - market results as CSV rows (see results_csv.h).
 *
 * Every row starts with the scenario name and the replication, so files of
 * several runs concatenate into one tidy table. Entity ids come from the
 * scenario by index; an index out of range (a model bug) prints as `?`
 * rather than crashing, and the invariant tests catch it.
 */
#include "results_csv.h"

#include <string.h>

static const struct {
    const char *name, *columns;
} files[MS_RESULTS_COUNT] = {
    {"market.csv", "scenario,replication,month,cloud,buyers,spend,share_spend,share_buyers"},
    {"products.csv", "scenario,replication,month,vendor,product,cloud,contracts,spend"},
    {"segments.csv", "scenario,replication,month,segment,buyers,adopted,deferred,multicloud"},
    {"events.csv", "scenario,replication,time,event,subject,detail"},
    {"decisions.csv",
     "scenario,replication,time,buyer,segment,defer_utility,offers,choice,held,forced"},
};

const char *ms_results_file_name(ms_results_file f)
{
    return (unsigned)f < MS_RESULTS_COUNT ? files[f].name : "";
}

const char *ms_results_columns(ms_results_file f)
{
    return (unsigned)f < MS_RESULTS_COUNT ? files[f].columns : "";
}

static const char *cloud_id(const ms_scenario *sc, int i)
{
    return i >= 0 && i < sc->n_clouds ? sc->clouds[i].id : "?";
}

static const char *product_id(const ms_scenario *sc, int i)
{
    return i >= 0 && i < sc->n_products ? sc->products[i].id : "?";
}

static const char *vendor_of(const ms_scenario *sc, int product)
{
    if (product < 0 || product >= sc->n_products)
        return "?";
    int v = sc->products[product].vendor;
    return v >= 0 && v < sc->n_vendors ? sc->vendors[v].id : "?";
}

static const char *segment_id(const ms_scenario *sc, int i)
{
    return i >= 0 && i < sc->n_segments ? sc->segments[i].id : "?";
}

static void row_start(ms_csv *w, const ms_scenario *sc, uint32_t rep)
{
    ms_csv_str(w, sc->name);
    ms_csv_uint(w, rep);
}

static void format_market(ms_csv *w, const ms_scenario *sc, uint32_t rep,
                          const ms_market_result *res)
{
    for (size_t i = 0; i < res->n_market; i++) {
        const ms_market_row *r = &res->market[i];
        row_start(w, sc, rep);
        ms_csv_int(w, r->month);
        ms_csv_str(w, cloud_id(sc, r->cloud));
        ms_csv_num(w, r->buyers);
        ms_csv_num(w, r->spend);
        ms_csv_num(w, r->share_spend);
        ms_csv_num(w, r->share_buyers);
        ms_csv_end(w);
    }
}

static void format_products(ms_csv *w, const ms_scenario *sc, uint32_t rep,
                            const ms_market_result *res)
{
    for (size_t i = 0; i < res->n_products; i++) {
        const ms_product_row *r = &res->products[i];
        row_start(w, sc, rep);
        ms_csv_int(w, r->month);
        ms_csv_str(w, vendor_of(sc, r->product));
        ms_csv_str(w, product_id(sc, r->product));
        ms_csv_str(w, cloud_id(sc, r->cloud));
        ms_csv_num(w, r->contracts);
        ms_csv_num(w, r->spend);
        ms_csv_end(w);
    }
}

static void format_segments(ms_csv *w, const ms_scenario *sc, uint32_t rep,
                            const ms_market_result *res)
{
    for (size_t i = 0; i < res->n_segments; i++) {
        const ms_segment_row *r = &res->segments[i];
        row_start(w, sc, rep);
        ms_csv_int(w, r->month);
        ms_csv_str(w, segment_id(sc, r->segment));
        ms_csv_num(w, r->buyers);
        ms_csv_num(w, r->adopted);
        ms_csv_num(w, r->deferred);
        ms_csv_num(w, r->multicloud);
        ms_csv_end(w);
    }
}

/* Copies a fixed-size char array that may lack its NUL (model-filled). */
static const char *bounded(char *dst, const char *src, size_t n)
{
    memcpy(dst, src, n);
    dst[n] = '\0';
    return dst;
}

static void format_events(ms_csv *w, const ms_scenario *sc, uint32_t rep,
                          const ms_market_result *res)
{
    char tmp[128];
    for (size_t i = 0; i < res->n_events; i++) {
        const ms_event_row *r = &res->events[i];
        row_start(w, sc, rep);
        ms_csv_num(w, r->time);
        ms_csv_str(w, bounded(tmp, r->event, sizeof r->event));
        ms_csv_str(w, bounded(tmp, r->subject, sizeof r->subject));
        ms_csv_str(w, bounded(tmp, r->detail, sizeof r->detail));
        ms_csv_end(w);
    }
}

void ms_results_format(const ms_scenario *sc, uint32_t rep, const ms_market_result *res,
                       ms_buf bufs[MS_RESULTS_COUNT])
{
    ms_csv w;
    ms_csv_init(&w, &bufs[MS_RESULTS_MARKET]);
    format_market(&w, sc, rep, res);
    ms_csv_init(&w, &bufs[MS_RESULTS_PRODUCTS]);
    format_products(&w, sc, rep, res);
    ms_csv_init(&w, &bufs[MS_RESULTS_SEGMENTS]);
    format_segments(&w, sc, rep, res);
    ms_csv_init(&w, &bufs[MS_RESULTS_EVENTS]);
    format_events(&w, sc, rep, res);
}

/* Appends `v` in short form (4 significant digits, '.' decimals). */
static void short_num(ms_buf *b, double v)
{
    char tmp[64];
    size_t n = ms_csv_format(tmp, sizeof tmp, v == 0.0 ? 0.0 : v, 4);
    ms_buf_append(b, tmp, n);
}

static void offers_text(ms_buf *b, const ms_scenario *sc, const ms_decision_record *rec)
{
    int n = rec->n_offers < MS_TRACE_MAX_OFFERS ? rec->n_offers : MS_TRACE_MAX_OFFERS;
    for (int i = 0; i < n; i++) {
        if (i > 0)
            ms_buf_append(b, ";", 1);
        ms_buf_puts(b, product_id(sc, rec->offers[i].product));
        ms_buf_append(b, "@", 1);
        ms_buf_puts(b, cloud_id(sc, rec->offers[i].cloud));
        ms_buf_append(b, ":", 1);
        short_num(b, rec->offers[i].utility);
        /* the terms as they enter U: subtracted, so printed negated */
        ms_buf_append(b, "(", 1);
        short_num(b, -rec->offers[i].switching);
        ms_buf_append(b, "s,", 2);
        short_num(b, -rec->offers[i].uncertainty);
        ms_buf_append(b, "u)", 2);
    }
}

/* A `product@cloud` field. */
static void offer_cell(ms_csv *w, ms_buf *text, const ms_scenario *sc, int product, int cloud)
{
    ms_buf_clear(text);
    ms_buf_puts(text, product_id(sc, product));
    ms_buf_append(text, "@", 1);
    ms_buf_puts(text, cloud_id(sc, cloud));
    ms_csv_str(w, ms_buf_cstr(text));
}

void ms_results_format_decision(ms_buf *b, const ms_scenario *sc, uint32_t rep,
                                const ms_decision_record *rec)
{
    ms_buf text;
    ms_buf_init(&text);
    offers_text(&text, sc, rec);
    ms_csv w;
    ms_csv_init(&w, b);
    row_start(&w, sc, rep);
    ms_csv_num(&w, rec->time);
    ms_csv_int(&w, rec->buyer);
    ms_csv_str(&w, segment_id(sc, rec->segment));
    ms_csv_num(&w, rec->defer_utility);
    if (!ms_buf_ok(&text))
        b->failed = 1;
    ms_csv_str(&w, ms_buf_cstr(&text));
    if (rec->chosen_product < 0)
        ms_csv_str(&w, "defer");
    else
        offer_cell(&w, &text, sc, rec->chosen_product, rec->chosen_cloud);
    if (rec->held_product < 0)
        ms_csv_str(&w, "");
    else
        offer_cell(&w, &text, sc, rec->held_product, rec->held_cloud);
    ms_csv_int(&w, rec->forced);
    ms_csv_end(&w);
    ms_buf_fini(&text);
}
