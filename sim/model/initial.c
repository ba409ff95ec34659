/* initial.c - the buyers at month 0.
 *
 * A fraction initial_adoption of buyers already holds a commitment. Two
 * fits by iterative proportional fitting (IPF) decide where:
 * 1. segment x cloud: each segment's cloud mix, over the clouds that meet
 *    its SLA/residency needs and sell something at month 0, fitted to the
 *    segments' expected spend and the clouds' initial shares;
 * 2. per segment, cloud x vendor: over the (cloud, vendor) pairs that can
 *    be sold, fitted to the vendors' initial shares and the segment's
 *    cloud mix (fitted last, so cloud shares are exact when feasible).
 * So month-0 spend shares equal the configured ones within sampling error
 * whenever the offers allow it (cloud shares first when they conflict).
 * End months are uniform over the term, so renewals are spread in time.
 * Every buyer (adopted or not) has a home cloud from its segment's cloud
 * mix: the enterprise's incumbent cloud, which later decisions treat as
 * free of switching cost. Segments get exact proportional counts.
 */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE): a hint, used only if defined */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "marketsim/rng.h"

#include "market_internal.h"

#define IPF_ROUNDS 200
#define HUGE_PAGE ((size_t)2 << 20)

static int eligible(const mk_market *m, int cloud, int product)
{
    const mk_offer *o = &m->off[mk_offer_index(m, product, cloud)];
    return o->offered && m->launched[product] && o->state != MS_OFFER_BLOCKED;
}

static int pair_eligible(const mk_market *m, int cloud, int vendor)
{
    for (int p = 0; p < m->sc->n_products; p++)
        if (m->sc->products[p].vendor == vendor && eligible(m, cloud, p))
            return 1;
    return 0;
}

static void scale_rows(double *j, int nr, int nc, int stride_r, int stride_c, const double *target)
{
    for (int r = 0; r < nr; r++) {
        double sum = 0.0;
        for (int c = 0; c < nc; c++)
            sum += j[r * stride_r + c * stride_c];
        if (sum <= 0.0)
            continue;
        for (int c = 0; c < nc; c++)
            j[r * stride_r + c * stride_c] *= target[r] / sum;
    }
}

static int cloud_ok(const mk_market *m, int s, int c)
{
    const ms_cloud *cl = &m->sc->clouds[c];
    const ms_segment *seg = &m->sc->segments[s];
    return cl->sla >= seg->min_sla && cl->residency >= seg->min_residency;
}

static int sellable(const mk_market *m, int cloud)
{
    for (int p = 0; p < m->sc->n_products; p++)
        if (eligible(m, cloud, p))
            return 1;
    return 0;
}

/* Cloud marginals per segment: a segment x cloud table fitted to the
 * segments' expected spend (rows) and the clouds' initial shares (columns)
 * over the clouds each segment may use, so that buyers start on clouds
 * they can buy on and the aggregate still matches the configured shares. */
static void segment_clouds(const mk_market *m, double *sc_tab /* [s * nc + c] */)
{
    const ms_scenario *sc = m->sc;
    int ns = sc->n_segments, nc = sc->n_clouds;
    double rows[MS_MAX_SEGMENTS], cols[MS_MAX_CLOUDS], total = 0.0;
    for (int s = 0; s < ns; s++) {
        const ms_segment *g = &sc->segments[s];
        rows[s] = g->share * g->spend_median * exp(0.5 * g->spend_sigma * g->spend_sigma);
        total += rows[s];
    }
    for (int s = 0; s < ns; s++)
        rows[s] = total > 0.0 ? rows[s] / total : 0.0;
    for (int c = 0; c < nc; c++)
        cols[c] = sc->clouds[c].initial_share;
    for (int s = 0; s < ns; s++)
        for (int c = 0; c < nc; c++)
            sc_tab[s * nc + c] =
                cloud_ok(m, s, c) && sellable(m, c) ? rows[s] * cols[c] + 1e-12 : 0.0;
    for (int it = 0; it < IPF_ROUNDS; it++) {
        scale_rows(sc_tab, nc, ns, 1, nc, cols);
        scale_rows(sc_tab, ns, nc, nc, 1, rows);
    }
    for (int s = 0; s < ns; s++)
        scale_rows(sc_tab + s * nc, 1, nc, 0, 1, (const double[]){1.0});
}

/* Cumulative joint distribution over (cloud, vendor), row-major, for
 * segment s, fitted to the segment's cloud marginal `cs` (matched last,
 * so exact whenever the offers allow) and the vendors' initial shares.
 * Returns the total before normalisation (0 = nothing can be sold). */
static double initial_joint(const mk_market *m, int s, const double *cs, double *cum)
{
    const ms_scenario *sc = m->sc;
    int nc = sc->n_clouds, nv = sc->n_vendors;
    double vs[MS_MAX_VENDORS];
    for (int v = 0; v < nv; v++)
        vs[v] = sc->vendors[v].initial_share;
    for (int c = 0; c < nc; c++)
        for (int v = 0; v < nv; v++)
            cum[c * nv + v] =
                cloud_ok(m, s, c) && pair_eligible(m, c, v) ? cs[c] * vs[v] + 1e-12 : 0.0;
    for (int it = 0; it < IPF_ROUNDS; it++) {
        scale_rows(cum, nv, nc, 1, nv, vs);
        scale_rows(cum, nc, nv, nv, 1, cs);
    }
    double total = 0.0;
    for (int k = 0; k < nc * nv; k++) {
        total += cum[k];
        cum[k] = total;
    }
    for (int k = 0; total > 0.0 && k < nc * nv; k++)
        cum[k] /= total;
    return total;
}

static int draw_cum(const double *cum, int n, double u)
{
    for (int k = 0; k < n; k++)
        if (u < cum[k])
            return k;
    return n - 1;
}

/* The pair's products, one drawn uniformly. */
static int draw_product(const mk_market *m, int cloud, int vendor, double u)
{
    int list[MS_MAX_PRODUCTS], n = 0;
    for (int p = 0; p < m->sc->n_products; p++)
        if (m->sc->products[p].vendor == vendor && eligible(m, cloud, p))
            list[n++] = p;
    int k = (int)(u * n);
    return list[k < n ? k : n - 1];
}

static ms_status init_adopted(mk_market *m, uint32_t id, const double *joint)
{
    mk_buyer *b = &m->buyers[id];
    int nv = m->sc->n_vendors;
    int pair = draw_cum(joint, m->sc->n_clouds * nv, gsl_rng_uniform(m->rng));
    int cloud = pair / nv, vendor = pair % nv;
    int product = draw_product(m, cloud, vendor, gsl_rng_uniform(m->rng));
    double end = m->sc->decision.term_months * (1.0 - gsl_rng_uniform(m->rng));
    b->n_held = 1;
    b->offer[0] = (uint16_t)mk_offer_index(m, product, cloud);
    b->weight[0] = (uint16_t)MK_WEIGHT_ONE;
    b->home = (uint8_t)cloud;
    b->state = MK_COMMITTED;
    mk_commit(m, b, +1);
    return mk_schedule_buyer(m, end, MK_EV_EXPIRY, id, 0);
}

static ms_status init_idle(mk_market *m, uint32_t id, const double *cloud_cum)
{
    mk_buyer *b = &m->buyers[id];
    const ms_decision *d = &m->sc->decision;
    double rate = (d->bass_p + d->bass_q) / 12.0;
    b->home = (uint8_t)draw_cum(cloud_cum, m->sc->n_clouds, gsl_rng_uniform(m->rng));
    b->state = MK_IDLE;
    if (rate <= 0.0)
        return MS_OK;
    return mk_schedule_buyer(m, gsl_ran_exponential(m->rng, 1.0 / rate), MK_EV_TRIGGER, id, 0);
}

static int segment_of(const ms_scenario *sc, int64_t i, int64_t n)
{
    double x = ((double)i + 0.5) / (double)n, cum = 0.0;
    for (int s = 0; s < sc->n_segments; s++) {
        cum += sc->segments[s].share;
        if (x < cum)
            return s;
    }
    return sc->n_segments - 1;
}

/* The buyer array, zeroed. Large arrays are 2 MB aligned and marked for
 * transparent huge pages where the system offers them: buyer events touch
 * the array at random, and with 4 KB pages a million buyers cost a TLB
 * miss on top of the cache miss per event. */
static mk_buyer *buyers_alloc(size_t n)
{
    size_t bytes = n * sizeof(mk_buyer);
    if (bytes < HUGE_PAGE)
        return calloc(n, sizeof(mk_buyer));
    bytes = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    mk_buyer *b = aligned_alloc(HUGE_PAGE, bytes);
    if (!b)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(b, bytes, MADV_HUGEPAGE);
#endif
    memset(b, 0, bytes);
    return b;
}

/* Per-segment starting tables: cumulative cloud marginal (home clouds)
 * and cumulative (cloud, vendor) joint (initial commitments). */
typedef struct {
    double cloud_cum[MS_MAX_SEGMENTS][MS_MAX_CLOUDS];
    double joint[MS_MAX_SEGMENTS][MS_MAX_CLOUDS * MS_MAX_VENDORS];
    double can_adopt[MS_MAX_SEGMENTS];
} start_tables;

static void build_tables(const mk_market *m, start_tables *t)
{
    const ms_scenario *sc = m->sc;
    double tab[MS_MAX_SEGMENTS * MS_MAX_CLOUDS];
    segment_clouds(m, tab);
    for (int s = 0; s < sc->n_segments; s++) {
        const double *cs = tab + s * sc->n_clouds;
        double acc = 0.0;
        t->can_adopt[s] = initial_joint(m, s, cs, t->joint[s]);
        for (int c = 0; c < sc->n_clouds; c++) {
            acc += cs[c];
            t->cloud_cum[s][c] = acc;
        }
        for (int c = 0; acc > 0.0 && c < sc->n_clouds; c++)
            t->cloud_cum[s][c] /= acc;
    }
}

ms_status mk_buyers_init(mk_market *m)
{
    const ms_scenario *sc = m->sc;
    start_tables *t = malloc(sizeof *t);
    m->n_buyers = sc->buyer_count;
    m->buyers = buyers_alloc((size_t)(m->n_buyers > 0 ? m->n_buyers : 1));
    if (!m->buyers || !t) {
        free(t);
        return MS_ENOMEM;
    }
    build_tables(m, t);
    ms_status st = MS_OK;
    for (int64_t i = 0; i < m->n_buyers && st == MS_OK; i++) {
        uint32_t id = (uint32_t)i;
        mk_buyer *b = &m->buyers[i];
        int s = segment_of(sc, i, m->n_buyers);
        const ms_segment *seg = &sc->segments[s];
        b->segment = (uint8_t)s;
        mk_seek(m, id);
        b->spend = (float)gsl_ran_lognormal(m->rng, log(seg->spend_median), seg->spend_sigma);
        int adopt = gsl_rng_uniform(m->rng) < sc->initial_adoption && t->can_adopt[s] > 0.0;
        st = adopt ? init_adopted(m, id, t->joint[s]) : init_idle(m, id, t->cloud_cum[s]);
        b->draws = (uint32_t)ms_rng_position(m->rng);
        m->seg_count[s]++;
        m->seg_state[s][b->state]++;
    }
    free(t);
    return st;
}
