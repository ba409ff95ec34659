/* sweep_design.c - grid, Latin hypercube, Sobol, Saltelli, Morris and
 * file designs (see design.h). Latin hypercube draws come from the stream
 * (seed, 0, DESIGN, key index), so a design is a pure function of its
 * arguments; Saltelli and Morris points on the unit cube come from
 * sensitivity.c and are only scaled here. Each spec is typed by its key's
 * schema type (design_value.c): reals for a float key, whole numbers for
 * an integer key, words only in lists. */
#include "marketsim/design.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>

#include "design_internal.h"
#include "marketsim/rng.h"
#include "marketsim/sensitivity.h"

#define DESIGN_PURPOSE UINT32_C(0x4447534e) /* "DSGN" */
#define MAX_POINTS ((size_t)10000000)

/* One parsed SPEC. */
typedef struct {
    char key[MS_DESIGN_KEY_LEN];
    ms_design_key type;
    int is_list;
    double lo, hi;
    long n;       /* lo:hi:n count, or 0 for lo:hi */
    char **items; /* list values */
    size_t n_items;
} spec;

/* A refusal of the user's --vary text: `--vary: error: KEY=SPEC: why`. */
static ms_status spec_error(ms_error *err, const char *arg, const char *why)
{
    return ms_error_set(err, MS_EUSAGE, "--vary", 0, arg, "%s", why);
}

static char *dup_str(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void spec_fini(spec *s)
{
    for (size_t i = 0; i < s->n_items; i++)
        free(s->items[i]);
    free(s->items);
}

/* a,b,c: each value typed by the key (ms_design_value). */
static ms_status split_list(spec *s, const char *text, const char *arg, ms_error *err)
{
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == ',';
    s->items = calloc(n, sizeof *s->items);
    if (!s->items)
        return MS_ENOMEM;
    const char *start = text;
    for (size_t i = 0; i < n; i++) {
        const char *end = strchr(start, ',');
        size_t len = end ? (size_t)(end - start) : strlen(start);
        if (len == 0)
            return spec_error(err, arg, "empty value in list");
        char *item = dup_str(start, len), why[MS_DESIGN_WHY_LEN];
        if (!item)
            return MS_ENOMEM;
        s->items[s->n_items] = ms_design_value(&s->type, item, why);
        free(item);
        if (!s->items[s->n_items++])
            return why[0] ? spec_error(err, arg, why) : MS_ENOMEM;
        start = end ? end + 1 : start + len;
    }
    s->is_list = 1;
    return MS_OK;
}

/* The count n of lo:hi:n, written as digits. */
static int parse_count(const char *c, long *n)
{
    char *end;
    errno = 0;
    long v = strtol(c, &end, 10);
    if (end == c || *end || errno || v < 1 || v > 1000000)
        return -1;
    *n = v;
    return 0;
}

/* lo:hi or lo:hi:n of a number key, the bounds typed and range-checked by
 * the key. */
static ms_status parse_range(spec *s, char *text, const char *arg, ms_error *err)
{
    char *a = text, *b = strchr(a, ':');
    *b++ = '\0';
    char *c = strchr(b, ':');
    if (c)
        *c++ = '\0';
    char why[MS_DESIGN_WHY_LEN];
    if (ms_design_number(&s->type, a, &s->lo, why) || ms_design_number(&s->type, b, &s->hi, why))
        return spec_error(err, arg, why);
    if (c && parse_count(c, &s->n))
        return spec_error(err, arg,
                          "the count n in lo:hi:n must be a whole number from 1 to 1000000");
    if (s->hi < s->lo)
        return spec_error(err, arg, "lo must not exceed hi");
    return MS_OK;
}

/* KEY=SPEC: the key looked up in the schema, then a list, or a range for
 * a number key (a word key's spec is always a list: ids may hold ':'). */
static ms_status parse_spec(const char *arg, spec *s, ms_error *err)
{
    memset(s, 0, sizeof *s);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return spec_error(err, arg, "expected KEY=SPEC (a,b,c or lo:hi:n or lo:hi)");
    if ((size_t)(eq - arg) >= MS_DESIGN_KEY_LEN)
        return spec_error(err, arg, "key too long");
    memcpy(s->key, arg, (size_t)(eq - arg));
    char why[MS_DESIGN_WHY_LEN];
    if (ms_design_key_lookup(s->key, &s->type, why) != MS_OK)
        return spec_error(err, arg, why);
    const char *text = eq + 1;
    if (!strchr(text, ':') || s->type.type == MS_DESIGN_KEY_OTHER)
        return split_list(s, text, arg, err);
    char buf[256];
    if (strlen(text) >= sizeof buf)
        return spec_error(err, arg, "spec too long");
    strcpy(buf, text);
    return parse_range(s, buf, arg, err);
}

static int is_int(const spec *s)
{
    return s->type.type == MS_DESIGN_KEY_INT;
}

/* The values a grid takes along one key. */
static ms_status grid_values(spec *s, const char *arg, ms_error *err)
{
    if (s->is_list)
        return MS_OK;
    if (s->n == 0)
        return spec_error(err, arg,
                          "a grid needs a list a,b,c or lo:hi:n (lo:hi is for lhs and sobol)");
    s->items = calloc((size_t)s->n, sizeof *s->items);
    if (!s->items)
        return MS_ENOMEM;
    for (long i = 0; i < s->n; i++) {
        double v = s->n == 1 ? s->lo : s->lo + (s->hi - s->lo) * (double)i / (double)(s->n - 1);
        if (is_int(s))
            v = floor(v + 0.5);
        if (!(s->items[s->n_items++] = ms_design_format(v, s->type.type)))
            return MS_ENOMEM;
    }
    return MS_OK;
}

static ms_status alloc_cells(ms_design *d, size_t points)
{
    if (d->n_keys < 1 || d->n_keys > MS_DESIGN_MAX_KEYS || points > MAX_POINTS)
        return MS_ENOMEM;
    d->n_points = points;
    d->cells = calloc(points * (size_t)d->n_keys, sizeof *d->cells);
    return d->cells ? MS_OK : MS_ENOMEM;
}

static ms_status build_grid(ms_design *d, spec *specs, const char *const *vary, ms_error *err)
{
    size_t points = 1;
    for (int k = 0; k < d->n_keys; k++) {
        ms_status st = grid_values(&specs[k], vary[k], err);
        if (st != MS_OK)
            return st;
        if (points > MAX_POINTS / specs[k].n_items)
            return ms_error_set(err, MS_EUSAGE, "--vary", 0, vary[k],
                                "the grid has more than %zu points", MAX_POINTS);
        points *= specs[k].n_items;
    }
    if (alloc_cells(d, points) != MS_OK)
        return MS_ENOMEM;
    for (size_t p = 0; p < points; p++) {
        size_t rest = p;
        for (int k = d->n_keys - 1; k >= 0; k--) { /* first key slowest */
            const spec *s = &specs[k];
            const char *v = s->items[rest % s->n_items];
            rest /= s->n_items;
            if (!(d->cells[p * (size_t)d->n_keys + (size_t)k] = dup_str(v, strlen(v))))
                return MS_ENOMEM;
        }
    }
    return MS_OK;
}

/* Maps u in [0,1) onto a spec's range: an integer key's lo..hi in equal
 * strata of whole numbers. */
static double scale(const spec *s, double u)
{
    if (!is_int(s))
        return s->lo + (s->hi - s->lo) * u;
    double v = floor(s->lo + (s->hi - s->lo + 1) * u);
    return v > s->hi ? s->hi : v;
}

static ms_status fill_unit(ms_design *d, const spec *specs, size_t p, const double *u)
{
    for (int k = 0; k < d->n_keys; k++) {
        char *v = ms_design_format(scale(&specs[k], u[k]), specs[k].type.type);
        if (!v)
            return MS_ENOMEM;
        d->cells[p * (size_t)d->n_keys + (size_t)k] = v;
    }
    return MS_OK;
}

static ms_status build_lhs(ms_design *d, const spec *specs, size_t n, uint64_t seed)
{
    size_t *perm = malloc(n * (size_t)d->n_keys * sizeof *perm);
    gsl_rng *r = ms_rng_create((ms_stream_id){seed, 0, DESIGN_PURPOSE, 0}, 0);
    ms_status st = perm && r ? alloc_cells(d, n) : MS_ENOMEM;
    for (int k = 0; st == MS_OK && k < d->n_keys; k++) {
        ms_rng_seek(r, (ms_stream_id){seed, 0, DESIGN_PURPOSE, (uint32_t)k}, 0);
        size_t *pk = perm + (size_t)k * n;
        for (size_t i = 0; i < n; i++)
            pk[i] = i;
        gsl_ran_shuffle(r, pk, n, sizeof *pk);
    }
    double u[MS_DESIGN_MAX_KEYS];
    for (size_t p = 0; st == MS_OK && p < n; p++) {
        for (int k = 0; k < d->n_keys; k++) {
            /* jitter inside the stratum: a second stream per key */
            ms_rng_seek(r, (ms_stream_id){seed, 1, DESIGN_PURPOSE, (uint32_t)k}, p);
            u[k] = ((double)perm[(size_t)k * n + p] + gsl_rng_uniform(r)) / (double)n;
        }
        st = fill_unit(d, specs, p, u);
    }
    free(perm);
    gsl_rng_free(r);
    return st;
}

static ms_status build_sobol(ms_design *d, const spec *specs, size_t n)
{
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)d->n_keys);
    ms_status st = q ? alloc_cells(d, n) : MS_ENOMEM;
    double u[MS_DESIGN_MAX_KEYS];
    for (size_t p = 0; st == MS_OK && p < n; p++) {
        gsl_qrng_get(q, u);
        st = fill_unit(d, specs, p, u);
    }
    gsl_qrng_free(q);
    return st;
}

/* Morris levels are a grid: lo + (hi - lo) u, rounded for an integer
 * key (the floored strata of scale() would not keep the levels). */
static double grid_scale(const spec *s, double u)
{
    double v = s->lo + (s->hi - s->lo) * u;
    return is_int(s) ? floor(v + 0.5) : v;
}

/* The unit-cube points of a sensitivity design, scaled onto the specs. */
static ms_status build_sa(ms_design *d, const spec *specs, size_t samples, int levels,
                          uint64_t seed)
{
    int k = d->n_keys, morris = d->kind == MS_DESIGN_MORRIS;
    size_t points =
        morris ? ms_sens_morris_points(samples, k) : ms_sens_saltelli_points(samples, k);
    if (points > MAX_POINTS || alloc_cells(d, points) != MS_OK)
        return MS_ENOMEM;
    double *u = malloc(points * (size_t)k * sizeof *u);
    ms_status st = !u       ? MS_ENOMEM
                   : morris ? ms_sens_morris_design(samples, k, levels, seed, u)
                            : ms_sens_saltelli_design(samples, k, u);
    for (size_t p = 0; st == MS_OK && p < points; p++) {
        const double *up = u + p * (size_t)k;
        if (!morris) {
            st = fill_unit(d, specs, p, up);
            continue;
        }
        for (int j = 0; st == MS_OK && j < k; j++) {
            char *v = ms_design_format(grid_scale(&specs[j], up[j]), specs[j].type.type);
            d->cells[p * (size_t)k + (size_t)j] = v;
            st = v ? MS_OK : MS_ENOMEM;
        }
    }
    free(u);
    d->samples = samples;
    d->levels = morris ? levels : 0;
    for (int j = 0; j < k; j++) {
        d->lo[j] = specs[j].lo;
        d->hi[j] = specs[j].hi;
    }
    return st;
}

/* saltelli and morris: the sizes they need, checked before any key is
 * looked up. */
static ms_status check_sa(ms_design_kind kind, int n, size_t samples, int levels, ms_error *err)
{
    const char *name = ms_design_kind_name(kind);
    if (kind == MS_DESIGN_SALTELLI && n > MS_SENS_SOBOL_MAX_KEYS)
        return ms_error_set(err, MS_EUSAGE, NULL, 0, "--vary",
                            "saltelli takes at most %d keys (GSL's Sobol sequence has 40 "
                            "dimensions, two per key), got %d",
                            MS_SENS_SOBOL_MAX_KEYS, n);
    if (kind == MS_DESIGN_MORRIS && (levels < 2 || levels > MS_SENS_MAX_LEVELS || levels % 2 != 0))
        return ms_error_set(err, MS_EUSAGE, NULL, 0, "--levels",
                            "morris needs an even level count from 2 to %d, got %d",
                            MS_SENS_MAX_LEVELS, levels);
    size_t per = (size_t)n + (kind == MS_DESIGN_SALTELLI ? 2 : 1);
    if (samples > MAX_POINTS / per)
        return ms_error_set(err, MS_EUSAGE, NULL, 0, "-n",
                            "%s with %d keys has more than %zu points: -n at most %zu", name, n,
                            MAX_POINTS, MAX_POINTS / per);
    return MS_OK;
}

static ms_status check_specs(ms_design_kind kind, spec *specs, int n, const char *const *vary,
                             ms_error *err)
{
    const char *name = ms_design_kind_name(kind);
    int sa = kind == MS_DESIGN_SALTELLI || kind == MS_DESIGN_MORRIS;
    for (int k = 0; k < n; k++) {
        const spec *s = &specs[k];
        for (int j = 0; j < k; j++)
            if (strcmp(specs[j].key, s->key) == 0)
                return ms_error_set(err, MS_EUSAGE, "--vary", 0, vary[k], "key varied twice");
        if (kind != MS_DESIGN_GRID && s->type.type == MS_DESIGN_KEY_OTHER)
            return ms_error_set(err, MS_EUSAGE, "--vary", 0, vary[k],
                                "%s samples number keys from a range lo:hi, and %s is a %s "
                                "(vary it with a list a,b,c in a grid)",
                                name, s->key, s->type.info.type);
        if (kind != MS_DESIGN_GRID && (s->is_list || s->n != 0))
            return ms_error_set(err, MS_EUSAGE, "--vary", 0, vary[k], "%s needs a range lo:hi",
                                name);
        if (sa && !(s->lo < s->hi))
            return ms_error_set(err, MS_EUSAGE, "--vary", 0, vary[k], "%s needs lo < hi", name);
    }
    return MS_OK;
}

ms_status ms_design_build(ms_design_kind kind, const char *const *vary, int n, size_t samples,
                          uint64_t seed, ms_design *d, ms_error *err)
{
    return ms_design_build_levels(kind, vary, n, samples, 0, seed, d, err);
}

ms_status ms_design_build_levels(ms_design_kind kind, const char *const *vary, int n,
                                 size_t samples, int levels, uint64_t seed, ms_design *d,
                                 ms_error *err)
{
    memset(d, 0, sizeof *d);
    d->kind = kind;
    int sa = kind == MS_DESIGN_SALTELLI || kind == MS_DESIGN_MORRIS;
    if (levels == 0)
        levels = MS_SENS_MORRIS_DEFAULT_LEVELS;
    if (n < 1 || n > MS_DESIGN_MAX_KEYS)
        return ms_error_set(err, MS_EUSAGE, NULL, 0, "--vary", "give 1 to %d --vary options",
                            MS_DESIGN_MAX_KEYS);
    if (kind != MS_DESIGN_GRID && (samples < 1 || samples > MAX_POINTS))
        return ms_error_set(err, MS_EUSAGE, NULL, 0, "-n", "%s needs -n SAMPLES from 1 to %zu",
                            ms_design_kind_name(kind), MAX_POINTS);
    ms_status st = sa ? check_sa(kind, n, samples, levels, err) : MS_OK;
    spec specs[MS_DESIGN_MAX_KEYS];
    int parsed = 0;
    for (; st == MS_OK && parsed < n; parsed++)
        st = parse_spec(vary[parsed], &specs[parsed], err);
    if (st == MS_OK)
        st = check_specs(kind, specs, n, vary, err);
    d->n_keys = n;
    for (int k = 0; st == MS_OK && k < n; k++)
        memcpy(d->keys[k], specs[k].key, sizeof d->keys[k]);
    if (st == MS_OK && kind == MS_DESIGN_GRID)
        st = build_grid(d, specs, vary, err);
    else if (st == MS_OK && kind == MS_DESIGN_LHS)
        st = build_lhs(d, specs, samples, seed);
    else if (st == MS_OK && kind == MS_DESIGN_SOBOL)
        st = build_sobol(d, specs, samples);
    else if (st == MS_OK && sa)
        st = build_sa(d, specs, samples, levels, seed);
    for (int k = 0; k < parsed; k++)
        spec_fini(&specs[k]);
    if (st != MS_OK)
        ms_design_fini(d);
    if (st == MS_ENOMEM)
        ms_error_set(err, st, NULL, 0, "--vary", "out of memory building the design");
    return st;
}

/* Bounds read best as 1000 rather than 1e+03 when they are whole. */
static int whole(double v)
{
    return v == floor(v) && fabs(v) < 1e15;
}

void ms_design_manifest(const ms_design *d, ms_buf *b)
{
    if (d->kind != MS_DESIGN_SALTELLI && d->kind != MS_DESIGN_MORRIS)
        return;
    ms_buf_printf(b, "design_samples,%zu\n", d->samples);
    if (d->kind == MS_DESIGN_MORRIS)
        ms_buf_printf(b, "design_levels,%d\n", d->levels);
    ms_buf_puts(b, "design_bounds,");
    for (int k = 0; k < d->n_keys; k++) {
        char *lo =
            ms_design_format(d->lo[k], whole(d->lo[k]) ? MS_DESIGN_KEY_INT : MS_DESIGN_KEY_FLOAT);
        char *hi =
            ms_design_format(d->hi[k], whole(d->hi[k]) ? MS_DESIGN_KEY_INT : MS_DESIGN_KEY_FLOAT);
        if (lo && hi)
            ms_buf_printf(b, "%s%s:%s", k ? ";" : "", lo, hi);
        else
            b->failed = 1;
        free(lo);
        free(hi);
    }
    ms_buf_puts(b, "\n");
}

const char *ms_design_cell(const ms_design *d, size_t p, int k)
{
    return d->cells[p * (size_t)d->n_keys + (size_t)k];
}

void ms_design_fini(ms_design *d)
{
    if (d->cells)
        for (size_t i = 0; i < d->n_points * (size_t)d->n_keys; i++)
            free(d->cells[i]);
    free(d->cells);
    d->cells = NULL;
    d->n_points = 0;
}

const char *ms_design_kind_name(ms_design_kind kind)
{
    static const char *const names[] = {"grid", "lhs", "sobol", "file", "saltelli", "morris"};
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}
