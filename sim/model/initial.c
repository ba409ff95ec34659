/* initial.c - the buyers at month 0.
 *
 * A fraction initial_adoption of buyers already holds a commitment. Where
 * comes from two Sinkhorn (iterative proportional) fits over what can be
 * sold at month 0 (ms_scenario_month0): a segment x cloud table fitted to
 * the segments' expected spend and the clouds' initial shares, and a
 * cloud x vendor table fitted to the clouds' and the vendors' initial
 * shares. An adopting buyer draws its (cloud, vendor) pair from their
 * product, then one of the vendor's products on that cloud uniformly. So
 * month-0 spend shares equal both configured margins within sampling error
 * whenever the offers allow it; the loader refuses scenarios where they
 * cannot (ms_scenario_check_month0), and a hand-built one gets exact cloud
 * shares and the nearest vendor shares.
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

#define FIT_ROUNDS 20000 /* Sinkhorn rounds at most; stops at FIT_TOL */
#define FIT_TOL 1e-13
#define HUGE_PAGE ((size_t)2 << 20)

/* Scales the rows of an nr x nc table (element [r * sr + c * scol]) to the
 * target sums; returns the largest relative change asked of a row. */
static double scale_rows(double *t, int nr, int nc, int sr, int scol, const double *target)
{
    double worst = 0.0;
    for (int r = 0; r < nr; r++) {
        double sum = 0.0;
        for (int c = 0; c < nc; c++)
            sum += t[r * sr + c * scol];
        if (sum <= 0.0)
            continue;
        double f = target[r] / sum;
        worst = fmax(worst, fabs(f - 1.0) * target[r]);
        for (int c = 0; c < nc; c++)
            t[r * sr + c * scol] *= f;
    }
    return worst;
}

/* Sinkhorn / iterative proportional fitting of an nr x nc table (row-major)
 * on the support adj[r] (bitmask of columns) to row and column sums; the
 * rows are matched last, so they are exact even when the columns cannot
 * all be (the loader refuses such scenarios: month0.c). Starts from the
 * independent table, so the fit is the support-constrained table closest
 * to independence (minimum relative entropy). Deterministic. */
static void fit(double *t, int nr, int nc, const uint32_t *adj, const double *rows,
                const double *cols)
{
    for (int r = 0; r < nr; r++)
        for (int c = 0; c < nc; c++)
            t[r * nc + c] = ((adj[r] >> c) & 1u) ? rows[r] * cols[c] + 1e-300 : 0.0;
    for (int it = 0; it < FIT_ROUNDS; it++) {
        double e = scale_rows(t, nc, nr, 1, nc, cols);
        e = fmax(e, scale_rows(t, nr, nc, nc, 1, rows));
        if (e < FIT_TOL)
            break;
    }
}

/* Transposes a support: for each of m columns, the rows reaching it. */
static void transpose(const uint32_t *adj, int n, int m, uint32_t *out)
{
    for (int j = 0; j < m; j++) {
        out[j] = 0;
        for (int i = 0; i < n; i++)
            if ((adj[i] >> j) & 1u)
                out[j] |= 1u << i;
    }
}

/* Whether product p can be bought on cloud c at month 0. */
static int eligible(const mk_market *m, int cloud, int product)
{
    return ms_scenario_month0_offer(m->sc, product, cloud);
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
    return mk_schedule_term(m, id, 0.0, end);
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

/* What build_tables reads, zero-padded so that equal inputs are equal
 * bytes. */
typedef struct {
    int ns, nc, nv;
    ms_month0 m0;
    double cs[MS_MAX_CLOUDS], vs[MS_MAX_VENDORS];
} fit_inputs;

/* Two fits (month0.c says why two suffice): y, segment x cloud, to the
 * segments' expected spend and the clouds' shares; z, cloud x vendor, to
 * the clouds' and the vendors' shares. A buyer of segment s then starts on
 * (c, v) with probability y[s][c] / r_s * z[c][v] / a_c, so the month-0
 * spend matches all three margins whenever the offers allow it. */
static void build_tables(const fit_inputs *in, start_tables *t)
{
    int ns = in->ns, nc = in->nc, nv = in->nv;
    uint32_t cloud_vendors[MS_MAX_CLOUDS];
    transpose(in->m0.vendor_clouds, nv, nc, cloud_vendors);
    double y[MS_MAX_SEGMENTS * MS_MAX_CLOUDS], z[MS_MAX_CLOUDS * MS_MAX_VENDORS];
    fit(y, ns, nc, in->m0.segment_clouds, in->m0.segment_spend, in->cs);
    fit(z, nc, nv, cloud_vendors, in->cs, in->vs);
    for (int s = 0; s < ns; s++) {
        double acc = 0.0, jacc = 0.0;
        for (int c = 0; c < nc; c++) {
            double row = 0.0;
            for (int v = 0; v < nv; v++)
                row += z[c * nv + v];
            for (int v = 0; v < nv; v++) {
                jacc += row > 0.0 ? y[s * nc + c] * z[c * nv + v] / row : 0.0;
                t->joint[s][c * nv + v] = jacc;
            }
            acc += y[s * nc + c];
            t->cloud_cum[s][c] = acc;
        }
        for (int k = 0; jacc > 0.0 && k < nc * nv; k++)
            t->joint[s][k] /= jacc;
        for (int c = 0; acc > 0.0 && c < nc; c++)
            t->cloud_cum[s][c] /= acc;
        t->can_adopt[s] = jacc;
    }
}

/* The last fit, per thread. The tables are a function of the fit's inputs
 * only, and the replications of a sweep's points mostly share them: a
 * byte-equal input reuses the tables instead of fitting again. */
static _Thread_local fit_inputs last_in;
static _Thread_local start_tables last_tables;
static _Thread_local int have_last;

static const start_tables *month0_tables(const ms_scenario *sc)
{
    fit_inputs in;
    memset(&in, 0, sizeof in);
    in.ns = sc->n_segments, in.nc = sc->n_clouds, in.nv = sc->n_vendors;
    ms_scenario_month0(sc, &in.m0);
    for (int c = 0; c < in.nc; c++)
        in.cs[c] = sc->clouds[c].initial_share;
    for (int v = 0; v < in.nv; v++)
        in.vs[v] = sc->vendors[v].initial_share;
    if (!have_last || memcmp(&in, &last_in, sizeof in) != 0) {
        build_tables(&in, &last_tables);
        memcpy(&last_in, &in, sizeof last_in); /* padding included */
        have_last = 1;
    }
    return &last_tables;
}

ms_status mk_buyers_init(mk_market *m)
{
    const ms_scenario *sc = m->sc;
    m->n_buyers = sc->buyer_count;
    m->buyers = buyers_alloc((size_t)(m->n_buyers > 0 ? m->n_buyers : 1));
    if (!m->buyers)
        return MS_ENOMEM;
    const start_tables *t = month0_tables(sc);
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
    return st;
}
