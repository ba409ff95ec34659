/* market_internal.h - private state of one market replication (sim/model/).
 *
 * One mk_market holds everything a replication needs: the world (regime in
 * force, offers, prices, qualities, outages), the dispute, the buyers as one
 * packed array (32 bytes each, no per-buyer heap objects), the incremental
 * aggregates, and the per-(segment, offer) decision tables.
 *
 * Invariants:
 * - every buyer has exactly one pending event (trigger, evaluation, review
 *   or expiry), in the engine or in a month bucket (calendar.c), so no
 *   event ever needs cancelling;
 * - seg_state[s][k] counts the buyers of segment s in state k, and the four
 *   states sum to seg_count[s] at all times;
 * - offer spend and contracts are exact integers (spend in micro-$M) added
 *   on commit and subtracted on expiry with the same stored numbers, so they
 *   never drift or go negative;
 * - the decision tables are a pure function of the world state and the
 *   last snapshot; any change to either marks every segment's tables
 *   dirty, and a decision refreshes its own segment's tables before it
 *   reads them (a segment's refresh reads the world, never another
 *   segment's tables, so refreshing lazily gives the same values).
 * Debug builds assert these where they are cheap to check (a count or an
 * offer as it changes, a table as it is read); NDEBUG (Release) compiles
 * the checks out.
 */
#ifndef MARKETSIM_MODEL_MARKET_INTERNAL_H
#define MARKETSIM_MODEL_MARKET_INTERNAL_H

#include <assert.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "marketsim/engine.h"
#include "marketsim/market.h"
#include "marketsim/scenario.h"

#define MK_MAX_HOLD 4 /* offers one buyer can split its spend over */
#define MK_MAX_OFFERS (MS_MAX_PRODUCTS * MS_MAX_CLOUDS)
#define MK_DIRTY_ALL UINT32_MAX /* every segment's tables (MS_MAX_SEGMENTS <= 32) */
#define MK_SPEND_UNIT 1e6       /* integer spend units per $M */
#ifndef MK_SLOTS
#define MK_SLOTS 16 /* calendar buckets a month (calendar.c); a power of two */
#endif

/* The three weights of a (segment, offer) table entry (offers.c). */
enum { MK_W_HOME = 0, MK_W_AWAY, MK_W_SEC, MK_W_KINDS };

/* Stream purposes (ms_stream_id.purpose). */
enum { MK_PURPOSE_BUYER = 1, MK_PURPOSE_DISPUTE = 2 };

enum { MK_IDLE = 0, MK_EVALUATING, MK_DEFERRED, MK_COMMITTED, MK_STATE_COUNT };

/* Engine event types. */
enum {
    MK_EV_TRIGGER = 1, /* candidate procurement trigger (thinned Bass hazard) */
    MK_EV_EVAL_DONE,   /* evaluation over, or a capacity-queue retry */
    MK_EV_EXPIRY,      /* commitment ends: renew or switch */
    MK_EV_REVIEW,      /* a deferred buyer looks again */
    MK_EV_DISPUTE,     /* dispute transition (data = mk_dispute_step) */
    MK_EV_REGIME,      /* scheduled regime change (data = schedule index) */
    MK_EV_EXO,         /* exogenous event starts (data = event index) */
    MK_EV_EXO_END,     /* a temporary exogenous event ends */
    MK_EV_SNAPSHOT,    /* monthly snapshot (data = month) */
    MK_EV_FLUSH,       /* month k's buyer events move into the engine (data = k) */
    MK_EV_EXPAND,      /* a growing budget's anniversary: new spend is placed */
    MK_EV_MIGRATE      /* a terminating regime's window is over (data = regime) */
};

/* World events fire before buyers at equal times, snapshots after both. */
enum { MK_PRIO_WORLD = 0, MK_PRIO_BUYER = 1, MK_PRIO_SNAPSHOT = 2 };

/* Dispute states; the terminal ones follow MK_DS_AMENDED. */
typedef enum {
    MK_DS_LATENT = 0,
    MK_DS_THREAT,
    MK_DS_NEGOTIATION,
    MK_DS_FILED,
    MK_DS_AMENDED,
    MK_DS_SETTLED,
    MK_DS_INJUNCTION,
    MK_DS_PLAINTIFF_WINS,
    MK_DS_DISMISSED
} mk_dispute_state;

/* A buyer, packed. `since` is the month deferral began (DEFERRED), or the
 * month the commitment ends (COMMITTED, growing segments only). */
typedef struct {
    float spend; /* annual AI spend, $M */
    float since;
    uint32_t draws;               /* position in the buyer's own stream */
    uint16_t weight[MK_MAX_HOLD]; /* share of spend per offer, in 1/MK_WEIGHT_ONE */
    uint16_t offer[MK_MAX_HOLD];  /* offer[0] is the primary offer */
    uint8_t state, segment, n_held, home;
} mk_buyer;

/* Weights are 16-bit fixed point so that a buyer fits in 32 bytes (two to
 * a cache line): at a million buyers the array outgrows the cache, and
 * every byte per buyer shows in the cost per buyer-month. */
#define MK_WEIGHT_ONE 65535.0
_Static_assert(sizeof(mk_buyer) == 32, "a buyer should take half a cache line");

/* A buyer event waiting in a month bucket (calendar.c). */
typedef struct {
    double time;
    uint32_t id;
    uint32_t what; /* type << 1 | data bit */
} mk_pending;

typedef struct {
    mk_pending *items;
    size_t n, cap;
} mk_bucket;

typedef struct {
    int product, cloud;
    int offered;       /* the product is sold on this cloud (list or partnership) */
    double price_mult; /* price changes aimed at this offer */
    ms_offer_state state;
    int route_cloud;
    double route_share, route_penalty;
    int disputed;  /* the dispute's offer or contested under the regime */
    double sigma;  /* legal uncertainty now */
    int64_t spend; /* committed spend in MK_SPEND_UNIT */
    int64_t contracts;
} mk_offer;

typedef struct {
    mk_dispute_state state;
    ms_outcome outcome; /* terminal outcome reached (MS_OUTCOME_STOCHASTIC = none yet) */
    double threat_time, resolved_time;
    int triggered;
    /* every draw is taken at the trigger, in a fixed order, so forcing one
     * outcome keeps the timings of the others (common random numbers) */
    double u_amend, u_motion, u_grant, u_branch, u_plaintiff;
    double t_neg, t_pi, t_settle, t_trial, t_dismiss;
    /* the path chosen at filing */
    int motion, grant, branch, plaintiff;
} mk_dispute;

typedef struct mk_market {
    const ms_scenario *sc;
    const ms_market_options *opt;
    ms_market_result *res;
    ms_engine *eng;
    gsl_rng *rng; /* scratch generator, re-seeked per buyer */
    uint32_t rep;
    ms_status fail; /* first allocation failure inside a handler */

    /* world */
    int regime;
    int launched[MS_MAX_PRODUCTS];
    double quality[MS_MAX_PRODUCTS];
    double outage[MS_MAX_CLOUDS];   /* utility penalty now */
    double cap_mult[MS_MAX_CLOUDS]; /* capacity multiplier now (nonzero shocks) */
    int cap_zero[MS_MAX_CLOUDS];    /* capacity shocks to zero in force */
    double uncertainty_mult;        /* clarifying statements */
    int n_off;
    mk_dispute dsp;

    /* decision tables, [segment][k] over the segment's feasible offers
     * (the large arrays are at the end of the struct) */
    uint32_t dirty; /* bit s: segment s's tables are stale */
    int n_feas[MS_MAX_SEGMENTS];
    double vmax[MS_MAX_SEGMENTS];
    double sigma_bar[MS_MAX_SEGMENTS];
    double bonus[MS_MAX_SEGMENTS]; /* exp(diversification * sigma_bar / mu) */
    /* clouds whose offers' weights of each kind are computed, per segment
     * (cleared by a rebuild); bit s of have_bonus: bonus[s] is computed */
    uint32_t have[MK_W_KINDS][MS_MAX_SEGMENTS];
    uint32_t have_bonus;
    double prod_share[MS_MAX_PRODUCTS]; /* spend share at the last snapshot */
    double packaging[MS_MAX_PRODUCTS];  /* mean packaging score (offers.c) */

    /* buyers and aggregates */
    int64_t n_buyers;
    mk_buyer *buyers;
    int64_t seg_count[MS_MAX_SEGMENTS];
    int64_t seg_state[MS_MAX_SEGMENTS][MK_STATE_COUNT];
    int64_t seg_multi[MS_MAX_SEGMENTS];
    int64_t cloud_primary[MS_MAX_CLOUDS];
    int64_t cap_used[MS_MAX_CLOUDS]; /* new commitments in month cap_month */
    int cap_month;
    int64_t seg_decisions[MS_MAX_SEGMENTS], seg_deferrals[MS_MAX_SEGMENTS];
    int64_t cloud_switches, vendor_switches;
    int64_t forced_moves;  /* forced decisions (terminated primary offers) */
    double adopted_months; /* sum over months of adopted buyers */

    /* month buckets of future buyer events */
    mk_bucket *buckets;
    int n_buckets;
    unsigned touch; /* sink of the flush's cache warm-up (calendar.c) */

    /* result growth */
    size_t cap_products, cap_events;

    /* Not zeroed (ms_market_simulate clears the struct only up to here):
     * mk_offers_init clears and fills off[i] for i < n_off, entries
     * k < n_feas[s] are written by mk_tables_refresh (feas, v) and
     * mk_tables_weights (weights) before any read, and nothing reads
     * beyond them. Clearing these 500 KB cost more than a
     * small replication's simulation. */
    mk_offer off[MK_MAX_OFFERS];
    uint16_t feas[MS_MAX_SEGMENTS][MK_MAX_OFFERS];
    double v[MS_MAX_SEGMENTS][MK_MAX_OFFERS]; /* systematic utility, home cloud */
    /* weights, valid where `have` says so (mk_tables_weights) */
    double w_home[MS_MAX_SEGMENTS][MK_MAX_OFFERS]; /* exp((v - vmax)/mu) */
    double w_away[MS_MAX_SEGMENTS][MK_MAX_OFFERS]; /* the same minus switching cost */
    double w_sec[MS_MAX_SEGMENTS][MK_MAX_OFFERS];  /* minus a secondary's share of it */
} mk_market;

/* The state counts of segment s are non-negative and sum to its buyers
 * (the second invariant above): O(MK_STATE_COUNT), debug builds only. */
static inline void mk_assert_counts(const mk_market *m, int s)
{
#ifndef NDEBUG
    int64_t sum = 0;
    for (int k = 0; k < MK_STATE_COUNT; k++) {
        assert(m->seg_state[s][k] >= 0);
        sum += m->seg_state[s][k];
    }
    assert(sum == m->seg_count[s]);
#else
    (void)m;
    (void)s;
#endif
}

/* calendar.c */
ms_status mk_calendar_init(mk_market *m);
void mk_calendar_fini(mk_market *m);
ms_status mk_schedule_buyer(mk_market *m, double time, uint32_t type, uint32_t id, uint64_t data);
ms_status mk_calendar_on_flush(ms_engine *eng, void *model, const ms_event *ev);

/* offers.c */
void mk_offers_init(mk_market *m);
void mk_offers_apply_regime(mk_market *m);
/* Rebuilds segment s's decision tables if they are dirty. */
void mk_tables_refresh(mk_market *m, int s);
/* Computes the weights of kind w (MK_W_*) of segment s's offers on the
 * clouds in the bitmask `clouds` that are not computed yet. */
void mk_tables_fill(mk_market *m, int s, int w, uint32_t clouds);
/* After a refresh: makes those weights readable (cheap when they are). */
static inline void mk_tables_weights(mk_market *m, int s, int w, uint32_t clouds)
{
    if (clouds & ~m->have[w][s])
        mk_tables_fill(m, s, w, clouds);
}
/* bonus[s], computed on first use after a refresh. */
double mk_tables_bonus(mk_market *m, int s);
int mk_offer_index(const mk_market *m, int product, int cloud);

/* dispute.c */
ms_status mk_dispute_start(mk_market *m);
ms_status mk_dispute_on_event(ms_engine *eng, void *model, const ms_event *ev);
double mk_dispute_sigma(const mk_market *m);
int mk_dispute_resolved(const mk_market *m);

/* world.c: regime schedule and exogenous events */
ms_status mk_world_start(mk_market *m);
ms_status mk_world_on_regime(ms_engine *eng, void *model, const ms_event *ev);
ms_status mk_world_on_exo(ms_engine *eng, void *model, const ms_event *ev);
ms_status mk_world_on_exo_end(ms_engine *eng, void *model, const ms_event *ev);
void mk_switch_regime(mk_market *m, int regime, const char *why);
ms_status mk_world_dispute_reached(mk_market *m, ms_dispute_event dev);

/* initial.c: the buyers at month 0 */
ms_status mk_buyers_init(mk_market *m);

/* buyers.c */
ms_status mk_buyers_on_trigger(ms_engine *eng, void *model, const ms_event *ev);
ms_status mk_buyers_on_eval(ms_engine *eng, void *model, const ms_event *ev);
ms_status mk_buyers_on_expiry(ms_engine *eng, void *model, const ms_event *ev);
ms_status mk_buyers_on_review(ms_engine *eng, void *model, const ms_event *ev);
ms_status mk_buyers_on_expand(ms_engine *eng, void *model, const ms_event *ev);
ms_status mk_buyers_on_migrate(ms_engine *eng, void *model, const ms_event *ev);
/* A buyer a forced migration left with nothing: its pending expiry or
 * anniversary becomes its next trigger. Returns 1 when it handled ev. */
int mk_buyers_orphan_event(mk_market *m, uint32_t id, double now, ms_status *st);
/* Seeks the scratch generator to buyer id's stream at its stored position. */
void mk_seek(mk_market *m, uint32_t id);
/* Adds (sign +1) or removes (sign -1) b's commitment from every aggregate. */
void mk_commit(mk_market *m, mk_buyer *b, int sign);

/* growth.c */
ms_status mk_schedule_term(mk_market *m, uint32_t id, double now, double end);
void mk_growth_adopt(mk_market *m, mk_buyer *b, double now);
void mk_growth_renew(mk_market *m, mk_buyer *b, double now);

/* decision.c */
typedef struct {
    int deferred;
    int n;
    uint16_t offer[MK_MAX_HOLD];
    double weight[MK_MAX_HOLD];
} mk_choice;
/* forced: a forced migration's decision (migration_cost off the home
 * cloud, recorded as forced in the trace); it never defers. */
void mk_decide(mk_market *m, uint32_t id, int allow_defer, int forced, mk_choice *out);

/* metrics.c */
ms_status mk_metrics_on_snapshot(ms_engine *eng, void *model, const ms_event *ev);
void mk_event_row(mk_market *m, const char *event, const char *subject, const char *detail);
ms_status mk_metrics_alloc(mk_market *m);

/* summary.c */
ms_status mk_metrics_final(mk_market *m);

#endif
