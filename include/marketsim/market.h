/* market.h - the market model: buyers, offers, regimes and the dispute on
 * the engine, one replication at a time.
 *
 * The model reads an immutable ms_scenario, draws only from streams keyed by
 * (scenario seed, replication, purpose, entity), and fills an
 * ms_market_result with plain numeric rows. It knows nothing of files,
 * flags or threads: the experiment layer runs replications in parallel and
 * the io layer turns results into CSV (names come from the scenario by
 * index). Results of one replication are a pure function of (scenario,
 * replication).
 */
#ifndef MARKETSIM_MARKET_H
#define MARKETSIM_MARKET_H

#include <stddef.h>
#include <stdint.h>

#include "marketsim/error.h"
#include "marketsim/scenario.h"

/* market.csv: one row per month x cloud (month 0 = initial state). */
typedef struct {
    int month, cloud;
    double buyers;       /* adopted buyers whose primary cloud this is */
    double spend;        /* committed annual spend landing on this cloud, $M */
    double share_spend;  /* spend / all spend that month (0 before adoption) */
    double share_buyers; /* buyers / all adopted buyers that month */
} ms_market_row;

/* products.csv: one row per month x product x cloud with activity. */
typedef struct {
    int month, product, cloud;
    double contracts; /* commitments holding this offer */
    double spend;
} ms_product_row;

/* segments.csv: one row per month x segment. */
typedef struct {
    int month, segment;
    double buyers, adopted, deferred, multicloud;
} ms_segment_row;

/* events.csv: dispute, launch, regime, price and outage events. Text is
 * built by the model from scenario ids when the event happens (rare). */
typedef struct {
    double time;
    char event[32];   /* e.g. "regime_change", "dispute_threat", "launch" */
    char subject[48]; /* e.g. a regime, product or cloud id */
    char detail[96];
} ms_event_row;

/* summary metrics of one replication (names and exact definitions in
 * docs/outputs.md, "summary.csv"). A
 * metric absent from a replication (e.g. resolution_months when the
 * dispute never resolved) is simply not listed. */
typedef struct {
    char metric[32];
    char subject[MS_ID_LEN];
    double value;
} ms_metric;

/* One procurement decision for --trace (decisions.csv). */
#define MS_TRACE_MAX_OFFERS 64
typedef struct {
    double time;
    int64_t buyer;
    int segment;
    int n_offers;
    struct {
        int product, cloud;
        double utility;     /* systematic utility U_ijc without eps */
        double switching;   /* switching-cost term (subtracted) */
        double uncertainty; /* legal-uncertainty term (subtracted) */
    } offers[MS_TRACE_MAX_OFFERS];
    double defer_utility;
    int chosen_product, chosen_cloud; /* -1, -1 when deferred */
    int held_product, held_cloud;     /* the primary offer held when renewing; -1, -1
                                         for a new procurement */
    int forced;                       /* 1: a forced migration's decision (a terminating rule) */
} ms_decision_record;

typedef void (*ms_trace_fn)(void *ctx, const ms_decision_record *rec);

typedef struct {
    ms_trace_fn trace; /* NULL = no trace; called in simulation order */
    void *trace_ctx;
} ms_market_options;

typedef struct {
    ms_market_row *market;
    size_t n_market;
    ms_product_row *products;
    size_t n_products;
    ms_segment_row *segments;
    size_t n_segments;
    ms_event_row *events;
    size_t n_events;
    ms_metric *metrics;
    size_t n_metrics;
    uint64_t events_processed; /* engine events */
    uint64_t decisions;        /* procurement decisions taken */
    uint64_t fingerprint;      /* the engine's event-trace hash */
} ms_market_result;

/* Simulates replication `replication` of scenario sc (seed sc->seed) and
 * fills *res (zero it first; free with ms_market_result_fini). opt may be
 * NULL. Returns MS_OK, or MS_ENOMEM / MS_ESTATE with err filled; on failure
 * *res holds nothing that needs freeing beyond ms_market_result_fini. */
ms_status ms_market_simulate(const ms_scenario *sc, uint32_t replication,
                             const ms_market_options *opt, ms_market_result *res, ms_error *err);
/* Frees what ms_market_simulate put in res; safe on a zeroed result. */
void ms_market_result_fini(ms_market_result *res);

/* The probability of each ending of sc's dispute within the horizon under
 * the stochastic state machine (dispute.outcome is ignored), computed from
 * the branch probabilities and timings (sim/model/dispute_odds.c):
 * p[MS_OUTCOME_AMENDED .. MS_OUTCOME_DISMISSED] reached by the horizon,
 * p[MS_OUTCOME_NONE] not resolved by it (disabled, never triggered or still
 * open), p[MS_OUTCOME_STOCHASTIC] = 0. Returns 1 when exact (numerical
 * quadrature, error below 1e-9); 0 when the timings are point masses
 * (timing_sigma or a median of 0), where ties make it inexact: p is then
 * all 0 and the caller estimates from replications; -1 when out of memory. */
int ms_market_outcome_odds(const ms_scenario *sc, double p[MS_OUTCOME_COUNT]);

#endif
