/* month0.c - what can be sold at month 0, and whether the configured
 * month-0 shares can all hold at once.
 *
 * At month 0 a buyer of segment s holds one offer (product j on cloud c).
 * The offer must be sold on c (the product's cloud list), launched
 * (launch_month <= 0), not blocked by the initial regime, and c must meet
 * the segment's SLA and residency floors. The month-0 spend then forms a
 * table x[s][c][v] whose margins the scenario fixes: segments by their
 * expected spend, clouds by clouds.<id>.initial_share, vendors by
 * vendors.<id>.initial_share. Because a segment reaches a vendor only
 * through a cloud, the table exists iff two bipartite tables do: segment x
 * cloud and cloud x vendor (x = y[s][c] * z[c][v] / a_c). By Gale's
 * theorem each exists iff no set of nodes on one side needs more than its
 * neighbours on the other side can give. The model (sim/model/initial.c)
 * fits both tables; this file finds the smallest set that breaks the
 * condition and says what is reachable.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario_internal.h"

#define MONTH0_TOL 1e-9

const ms_rule *ms_scenario_rule_for(const ms_scenario *sc, int regime, int product, int cloud)
{
    if (regime < 0 || regime >= sc->n_regimes)
        return NULL;
    const ms_regime *rg = &sc->regimes[regime];
    const ms_product *p = &sc->products[product];
    for (int k = 0; k < rg->n_rules; k++) {
        const ms_rule *r = &rg->rules[k];
        if ((r->vendor == MS_ANY || r->vendor == p->vendor) &&
            (r->klass == MS_ANY || r->klass == (int)p->klass) &&
            (r->product == MS_ANY || r->product == product) &&
            (r->cloud == MS_ANY || r->cloud == cloud))
            return r;
    }
    return NULL;
}

/* The regime in force at month 0, as the model puts it (world.c): the
 * last schedule entry at month <= 0, else sim.initial_regime. */
static int regime_at0(const ms_scenario *sc)
{
    int r = sc->initial_regime;
    for (int i = 0; i < sc->n_schedule; i++)
        if (sc->schedule[i].month <= 0.0)
            r = sc->schedule[i].regime;
    return r;
}

int ms_scenario_month0_offer(const ms_scenario *sc, int product, int cloud)
{
    const ms_product *p = &sc->products[product];
    if (!((p->clouds >> cloud) & 1u) || p->launch_month > 0)
        return 0;
    const ms_rule *r = ms_scenario_rule_for(sc, regime_at0(sc), product, cloud);
    return !r || r->state != MS_OFFER_BLOCKED;
}

void ms_scenario_month0(const ms_scenario *sc, ms_month0 *out)
{
    memset(out, 0, sizeof *out);
    uint32_t selling = 0;
    for (int p = 0; p < sc->n_products; p++)
        for (int c = 0; c < sc->n_clouds; c++)
            if (ms_scenario_month0_offer(sc, p, c)) {
                out->vendor_clouds[sc->products[p].vendor] |= 1u << c;
                selling |= 1u << c;
            }
    double total = 0.0;
    for (int s = 0; s < sc->n_segments; s++) {
        const ms_segment *g = &sc->segments[s];
        for (int c = 0; c < sc->n_clouds; c++) {
            const ms_cloud *cl = &sc->clouds[c];
            if (((selling >> c) & 1u) && cl->sla >= g->min_sla && cl->residency >= g->min_residency)
                out->segment_clouds[s] |= 1u << c;
        }
        /* E[lognormal] = median * exp(sigma^2 / 2) */
        out->segment_spend[s] =
            g->share * g->spend_median * exp(0.5 * g->spend_sigma * g->spend_sigma);
        total += out->segment_spend[s];
    }
    for (int s = 0; s < sc->n_segments; s++)
        out->segment_spend[s] = total > 0.0 ? out->segment_spend[s] / total : 0.0;
}

/* A bipartite side: n nodes with margins w, each reaching the other side's
 * nodes in adj[i] (a bitmask); the other side's margins are v. */
typedef struct {
    int n, m;
    const double *w, *v;
    const uint32_t *adj;
} side;

static double mass(const double *w, int n, uint32_t set)
{
    double t = 0.0;
    for (int i = 0; i < n; i++)
        if ((set >> i) & 1u)
            t += w[i];
    return t;
}

/* Smallest set (fewest members, then lowest mask) of one side needing more
 * than its neighbours offer; 0 if none. *reach gets the neighbours' mass. */
static uint32_t worst_set(const side *sd, uint32_t *nbr, double *reach)
{
    uint32_t best = 0;
    int best_n = 99;
    for (uint32_t set = 1; set < (1u << sd->n); set++) {
        int k = __builtin_popcount(set);
        if (k >= best_n)
            continue;
        uint32_t nb = 0;
        for (int i = 0; i < sd->n; i++)
            if ((set >> i) & 1u)
                nb |= sd->adj[i];
        double need = mass(sd->w, sd->n, set), have = mass(sd->v, sd->m, nb);
        if (need > have + MONTH0_TOL) {
            best = set;
            best_n = k;
            *nbr = nb;
            *reach = have;
        }
    }
    return best;
}

/* Transposes an adjacency: for each of m nodes, the n nodes reaching it. */
static void transpose(const uint32_t *adj, int n, int m, uint32_t *out)
{
    for (int j = 0; j < m; j++) {
        out[j] = 0;
        for (int i = 0; i < n; i++)
            if ((adj[i] >> j) & 1u)
                out[j] |= 1u << i;
    }
}

typedef const char *(*name_fn)(const ms_scenario *sc, int i);
static const char *cloud_name(const ms_scenario *sc, int i)
{
    return sc->clouds[i].id;
}
static const char *vendor_name(const ms_scenario *sc, int i)
{
    return sc->vendors[i].id;
}
static const char *segment_name(const ms_scenario *sc, int i)
{
    return sc->segments[i].id;
}

static void names(const ms_scenario *sc, name_fn fn, uint32_t set, int n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (!((set >> i) & 1u))
            continue;
        int w = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", fn(sc, i));
        if (w < 0 || (size_t)w >= cap - used)
            return;
        used += (size_t)w;
    }
    if (!used)
        snprintf(buf, cap, "none");
}

static int first(uint32_t set)
{
    return __builtin_ctz(set);
}

/* One side of one table: sets of `a` nodes against their `b` neighbours. */
typedef struct {
    side sd;
    name_fn a_name, b_name;
    const char *a_group;         /* "clouds", "vendors", "buyers.segments" */
    const char *a_key;           /* key under an entity: "initial_share", "share" */
    const char *verb;            /* how a reaches b: "they sell products of", ... */
    const char *a_what, *b_what; /* "clouds", "vendors", "segments" */
} check_case;

static ms_status report(const ms_scenario *sc, const check_case *cc, ms_error *err)
{
    uint32_t nbr = 0;
    double reach = 0.0;
    uint32_t set = worst_set(&cc->sd, &nbr, &reach);
    if (!set)
        return MS_OK;
    char a[200], b[200], key[128];
    names(sc, cc->a_name, set, cc->sd.n, a, sizeof a);
    names(sc, cc->b_name, nbr, cc->sd.m, b, sizeof b);
    snprintf(key, sizeof key, "%s.%s.%s", cc->a_group, cc->a_name(sc, first(set)), cc->a_key);
    double need = mass(cc->sd.w, cc->sd.n, set);
    if (!nbr)
        return ms_error_set(err, MS_ECONFIG, "", 0, key,
                            "month 0 cannot hold the configured shares: %s %s: %.4g, but at "
                            "month 0 %s no %s: none of it is reachable (expected shares the "
                            "month-0 offers can carry: add offers, or move share)",
                            cc->a_what, a, need, cc->verb, cc->b_what);
    return ms_error_set(err, MS_ECONFIG, "", 0, key,
                        "month 0 cannot hold the configured shares: %s %s: %.4g, but at month 0 "
                        "%s only %s %s (%.4g together): at most %.4g is reachable (expected "
                        "shares the month-0 offers can carry: add offers, or move share)",
                        cc->a_what, a, need, cc->verb, cc->b_what, b, reach, reach);
}

/* Everything the check reads, zero-padded so that equal inputs are equal
 * bytes. */
typedef struct {
    int nc, nv, ns;
    ms_month0 m0;
    double cs[MS_MAX_CLOUDS], vs[MS_MAX_VENDORS];
} month0_inputs;

/* The last inputs that held, per thread. A sweep checks every point, and
 * most points' overrides leave month 0 alone: the answer is a function of
 * these bytes only, so a byte-equal input gets it again without the
 * subset searches. Failures are not kept (their message names entities). */
static _Thread_local month0_inputs held;
static _Thread_local int have_held;

ms_status ms_scenario_check_month0(const ms_scenario *sc, ms_error *err)
{
    month0_inputs in;
    memset(&in, 0, sizeof in);
    in.nc = sc->n_clouds, in.nv = sc->n_vendors, in.ns = sc->n_segments;
    ms_scenario_month0(sc, &in.m0);
    double *cs = in.cs, *vs = in.vs;
    const ms_month0 *m0 = &in.m0;
    uint32_t cloud_vendors[MS_MAX_CLOUDS], cloud_segments[MS_MAX_CLOUDS];
    for (int c = 0; c < sc->n_clouds; c++)
        cs[c] = sc->clouds[c].initial_share;
    for (int v = 0; v < sc->n_vendors; v++)
        vs[v] = sc->vendors[v].initial_share;
    if (have_held && memcmp(&in, &held, sizeof in) == 0)
        return MS_OK;
    transpose(m0->vendor_clouds, sc->n_vendors, sc->n_clouds, cloud_vendors);
    transpose(m0->segment_clouds, sc->n_segments, sc->n_clouds, cloud_segments);
    const check_case cases[] = {
        {{sc->n_clouds, sc->n_vendors, cs, vs, cloud_vendors},
         cloud_name,
         vendor_name,
         "clouds",
         "initial_share",
         "they sell products of",
         "clouds",
         "vendors"},
        {{sc->n_vendors, sc->n_clouds, vs, cs, m0->vendor_clouds},
         vendor_name,
         cloud_name,
         "vendors",
         "initial_share",
         "they are sold on",
         "vendors",
         "clouds"},
        {{sc->n_clouds, sc->n_segments, cs, m0->segment_spend, cloud_segments},
         cloud_name,
         segment_name,
         "clouds",
         "initial_share",
         "they meet the SLA and residency floors of",
         "clouds",
         "segments (by expected spend)"},
        {{sc->n_segments, sc->n_clouds, m0->segment_spend, cs, m0->segment_clouds},
         segment_name,
         cloud_name,
         "buyers.segments",
         "min_sla",
         "their SLA and residency floors admit",
         "segments (by expected spend)",
         "clouds"},
    };
    /* the side with the smaller violating set reads best; clouds first */
    int best = -1, best_n = 99;
    for (int i = 0; i < 4; i++) {
        uint32_t nbr;
        double reach;
        uint32_t set = worst_set(&cases[i].sd, &nbr, &reach);
        if (set && __builtin_popcount(set) < best_n) {
            best = i;
            best_n = __builtin_popcount(set);
        }
    }
    if (best >= 0)
        return report(sc, &cases[best], err);
    memcpy(&held, &in, sizeof held); /* padding included */
    have_held = 1;
    return MS_OK;
}
