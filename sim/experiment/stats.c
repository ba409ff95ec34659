/* stats.c - replication statistics: Welford accumulators, Student-t
 * intervals and a (metric, subject) table in first-appearance order.
 *
 * The table keeps entries in a dense array (the row order of summary.csv)
 * and an open-addressing index of entry numbers, kept at most half full,
 * so lookups stay O(1) and clear() is a memset. Memory is per key, never
 * per replication: a sweep of any size keeps one table per open point.
 */
#include "marketsim/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "marketsim/hash.h"

#define KEY_LEN 64

void ms_stats_acc_init(ms_stats_acc *a)
{
    a->n = 0;
    a->mean = 0.0;
    a->m2 = 0.0;
}

void ms_stats_acc_add(ms_stats_acc *a, double x)
{
    a->n++;
    double d = x - a->mean;
    a->mean += d / (double)a->n;
    a->m2 += d * (x - a->mean);
}

void ms_stats_summarize(const ms_stats_acc *a, double level, ms_stats_summary *s)
{
    s->n = a->n;
    s->mean = a->n ? a->mean : NAN;
    s->sd = s->ci_low = s->ci_high = NAN;
    if (a->n < 2)
        return;
    double var = a->m2 / (double)(a->n - 1);
    s->sd = sqrt(var > 0.0 ? var : 0.0);
    double t = gsl_cdf_tdist_Pinv(1.0 - (1.0 - level) / 2.0, (double)(a->n - 1));
    double half = t * s->sd / sqrt((double)a->n);
    s->ci_low = s->mean - half;
    s->ci_high = s->mean + half;
}

/* The sd comes back out of the half-width (sd = hw sqrt(n) / t(n-1)), and
 * n' = (t sd / target)^2 with t ~ 2 (large n) plus 10%: scaling hw
 * directly would keep t(1) = 12.7 of a 2-replication round and overshoot
 * ~40x. At least double, at most max; one replication has no interval
 * (infinite half-width), so it goes to 2 first. */
uint32_t ms_stats_next_reps(uint32_t reps, double worst, double target, uint32_t max)
{
    double want = 2.0;
    if (reps >= 2 && worst < HUGE_VAL) {
        double sd = worst * sqrt((double)reps) / gsl_cdf_tdist_Pinv(0.975, (double)(reps - 1));
        want = (2.0 * sd / target) * (2.0 * sd / target) * 1.1;
    }
    double next = want > 2.0 * reps ? want : 2.0 * reps;
    if (!(next < max))
        return max;
    return (uint32_t)ceil(next);
}

static void field(ms_csv *w, double v)
{
    if (isnan(v))
        ms_csv_empty(w);
    else
        ms_csv_num(w, v);
}

void ms_stats_write_csv(ms_csv *w, const ms_stats_summary *s)
{
    field(w, s->mean);
    field(w, s->sd);
    field(w, s->ci_low);
    field(w, s->ci_high);
    ms_csv_uint(w, s->n);
}

typedef struct {
    char metric[KEY_LEN];
    char subject[KEY_LEN];
    ms_stats_acc acc;
} entry;

struct ms_stats_table {
    entry *items;
    size_t n, cap;
    long *index; /* entry number or -1; size index_cap (a power of two) */
    size_t index_cap;
};

static uint64_t hash_key(const char *metric, const char *subject)
{
    uint64_t h = ms_hash_fnv1a(metric, strlen(metric));
    h = ms_hash_fnv1a_add(h, "\xff", 1); /* a separator no key byte can be */
    return ms_hash_fnv1a_add(h, subject, strlen(subject));
}

static void copy_key(char *dst, const char *src)
{
    size_t n = strlen(src);
    if (n >= KEY_LEN)
        n = KEY_LEN - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

ms_stats_table *ms_stats_table_create(void)
{
    return calloc(1, sizeof(ms_stats_table));
}

void ms_stats_table_destroy(ms_stats_table *t)
{
    if (!t)
        return;
    free(t->items);
    free(t->index);
    free(t);
}

/* Slot of the key in the index: where it is, or the empty slot where it
 * would go. The index must have a free slot. */
static size_t probe(const ms_stats_table *t, const char *metric, const char *subject)
{
    size_t mask = t->index_cap - 1;
    size_t i = (size_t)hash_key(metric, subject) & mask;
    while (t->index[i] >= 0) {
        const entry *e = &t->items[t->index[i]];
        if (strcmp(e->metric, metric) == 0 && strcmp(e->subject, subject) == 0)
            break;
        i = (i + 1) & mask;
    }
    return i;
}

static int rebuild_index(ms_stats_table *t, size_t cap)
{
    long *idx = malloc(cap * sizeof *idx);
    if (!idx)
        return -1;
    free(t->index);
    t->index = idx;
    t->index_cap = cap;
    for (size_t i = 0; i < cap; i++)
        idx[i] = -1;
    for (size_t k = 0; k < t->n; k++)
        idx[probe(t, t->items[k].metric, t->items[k].subject)] = (long)k;
    return 0;
}

/* Makes room for one more entry, keeping the index at most half full. */
static int grow(ms_stats_table *t)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 32;
        entry *p = realloc(t->items, cap * sizeof *p);
        if (!p)
            return -1;
        t->items = p;
        t->cap = cap;
    }
    if (2 * (t->n + 1) > t->index_cap)
        return rebuild_index(t, t->index_cap ? 2 * t->index_cap : 64);
    return 0;
}

ms_status ms_stats_table_add(ms_stats_table *t, const char *metric, const char *subject,
                             double value)
{
    char m[KEY_LEN], s[KEY_LEN];
    copy_key(m, metric);
    copy_key(s, subject ? subject : "");
    long at = ms_stats_table_find(t, m, s);
    if (at < 0) {
        if (grow(t) != 0)
            return MS_ENOMEM;
        entry *e = &t->items[t->n];
        memcpy(e->metric, m, KEY_LEN);
        memcpy(e->subject, s, KEY_LEN);
        ms_stats_acc_init(&e->acc);
        t->index[probe(t, m, s)] = (long)t->n;
        at = (long)t->n++;
    }
    ms_stats_acc_add(&t->items[at].acc, value);
    return MS_OK;
}

long ms_stats_table_find(const ms_stats_table *t, const char *metric, const char *subject)
{
    char m[KEY_LEN], s[KEY_LEN];
    if (t->index_cap == 0)
        return -1;
    copy_key(m, metric);
    copy_key(s, subject ? subject : "");
    return t->index[probe(t, m, s)];
}

size_t ms_stats_table_count(const ms_stats_table *t)
{
    return t->n;
}

void ms_stats_table_key(const ms_stats_table *t, size_t i, const char **metric,
                        const char **subject)
{
    *metric = t->items[i].metric;
    *subject = t->items[i].subject;
}

const ms_stats_acc *ms_stats_table_acc(const ms_stats_table *t, size_t i)
{
    return &t->items[i].acc;
}

void ms_stats_table_clear(ms_stats_table *t)
{
    t->n = 0;
    for (size_t i = 0; i < t->index_cap; i++)
        t->index[i] = -1;
}
