/* market.c - one replication of the market model on the engine.
 *
 * ms_market_simulate builds the world (offers, regime, schedule, exogenous
 * events, dispute), the buyers at month 0 and the first snapshot, then runs
 * the engine to the horizon and computes the metrics. Everything a
 * replication touches lives in one mk_market that is freed before return:
 * results are a pure function of (scenario, replication), and replications
 * can run on any number of threads at once.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/rng.h"

#include "market_internal.h"

/* Timings that are zero would reschedule a buyer at the same instant
 * forever; the loader's ranges exclude them, hand-built scenarios may not. */
static const char *check_decision(const ms_decision *d)
{
    if (!(d->nest_scale > 0.0))
        return "decision.nest_scale must be > 0";
    if (!(d->term_months > 0.0))
        return "decision.term_months must be > 0";
    if (!(d->defer_review_months > 0.0))
        return "decision.defer_review_months must be > 0";
    if (d->bass_p < 0.0 || d->bass_q < 0.0)
        return "decision.bass_p and bass_q must be >= 0";
    return NULL;
}

static const char *check_segments(const ms_scenario *sc)
{
    for (int s = 0; s < sc->n_segments; s++)
        if (!(sc->segments[s].spend_median > 0.0) || !(sc->segments[s].eval_months > 0.0))
            return "segment spend_median and eval_months must be > 0";
    return NULL;
}

static ms_status check(const ms_scenario *sc, ms_error *err)
{
    const char *why = NULL;
    if (sc->n_clouds < 1 || sc->n_clouds > MS_MAX_CLOUDS)
        why = "needs 1 to 16 clouds";
    else if (sc->n_segments < 1 || sc->n_segments > MS_MAX_SEGMENTS)
        why = "needs 1 to 16 segments";
    else if (sc->n_products < 0 || sc->n_products > MS_MAX_PRODUCTS)
        why = "too many products";
    else if (sc->buyer_count < 0 || sc->buyer_count > (int64_t)UINT32_MAX)
        why = "buyers.count out of range";
    else if (sc->n_vendors < 1 || sc->n_vendors > MS_MAX_VENDORS)
        why = "needs 1 to 16 vendors";
    else if (sc->horizon_months < 0)
        why = "sim.horizon_months must be >= 0";
    else if ((why = check_decision(&sc->decision)) == NULL)
        why = check_segments(sc);
    if (why)
        return ms_error_set(err, MS_EINVAL, "", 0, "", "market: %s", why);
    return MS_OK;
}

static ms_status register_handlers(ms_engine *eng)
{
    static const struct {
        uint32_t type;
        ms_handler_fn fn;
    } table[] = {
        {MK_EV_TRIGGER, mk_buyers_on_trigger},
        {MK_EV_EVAL_DONE, mk_buyers_on_eval},
        {MK_EV_EXPIRY, mk_buyers_on_expiry},
        {MK_EV_REVIEW, mk_buyers_on_review},
        {MK_EV_DISPUTE, mk_dispute_on_event},
        {MK_EV_REGIME, mk_world_on_regime},
        {MK_EV_EXO, mk_world_on_exo},
        {MK_EV_EXO_END, mk_world_on_exo_end},
        {MK_EV_SNAPSHOT, mk_metrics_on_snapshot},
        {MK_EV_FLUSH, mk_calendar_on_flush},
        {MK_EV_EXPAND, mk_buyers_on_expand},
        {MK_EV_MIGRATE, mk_buyers_on_migrate},
    };
    ms_status st = MS_OK;
    for (size_t i = 0; i < sizeof table / sizeof table[0] && st == MS_OK; i++)
        st = ms_engine_on(eng, table[i].type, table[i].fn);
    return st;
}

static ms_status setup(mk_market *m)
{
    ms_stream_id sid = {m->sc->seed, m->rep, MK_PURPOSE_BUYER, 0};
    m->rng = ms_rng_create(sid, 0);
    /* the month buckets keep the heap to about a month of events */
    size_t cap = (size_t)m->sc->buyer_count / 16 + 1024;
    m->eng = ms_engine_create(m, cap);
    if (!m->rng || !m->eng)
        return MS_ENOMEM;
    ms_status st = register_handlers(m->eng);
    if (st == MS_OK)
        st = mk_metrics_alloc(m);
    if (st == MS_OK)
        st = mk_calendar_init(m);
    if (st != MS_OK)
        return st;
    mk_offers_init(m);
    st = mk_world_start(m);
    if (st == MS_OK)
        st = mk_dispute_start(m);
    if (st == MS_OK)
        st = mk_buyers_init(m);
    if (st == MS_OK)
        st = ms_engine_schedule_at(m->eng, 0.0, MK_EV_SNAPSHOT, MK_PRIO_SNAPSHOT, 0, 0, NULL);
    return st;
}

static void teardown(mk_market *m)
{
    mk_calendar_fini(m);
    ms_engine_destroy(m->eng);
    if (m->rng)
        gsl_rng_free(m->rng);
    free(m->buyers);
    free(m);
}

ms_status ms_market_simulate(const ms_scenario *sc, uint32_t replication,
                             const ms_market_options *opt, ms_market_result *res, ms_error *err)
{
    ms_status st = check(sc, err);
    if (st != MS_OK)
        return st;
    mk_market *m = malloc(sizeof *m);
    if (!m)
        return ms_error_set(err, MS_ENOMEM, "", 0, "", "market: out of memory");
    memset(m, 0, offsetof(mk_market, off)); /* see market_internal.h */
    m->sc = sc;
    m->rep = replication;
    m->opt = opt;
    m->res = res;
    st = setup(m);
    if (st == MS_OK)
        st = ms_engine_run(m->eng, (double)sc->horizon_months);
    if (st == MS_OK && m->fail != MS_OK)
        st = m->fail;
    if (st == MS_OK)
        st = mk_metrics_final(m);
    if (st == MS_OK)
        res->events_processed = ms_engine_events(m->eng);
    if (st == MS_OK)
        res->fingerprint = ms_engine_fingerprint(m->eng);
    teardown(m);
    if (st != MS_OK)
        return ms_error_set(err, st, "", 0, "", "market: replication %u: %s", replication,
                            ms_strerror(st));
    return MS_OK;
}

void ms_market_result_fini(ms_market_result *res)
{
    if (!res)
        return;
    free(res->market);
    free(res->products);
    free(res->segments);
    free(res->events);
    free(res->metrics);
    memset(res, 0, sizeof *res);
}
