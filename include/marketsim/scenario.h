/* scenario.h - the validated, immutable description of one market world.
 *
 * ms_scenario is a plain value: fixed-size arrays, indices instead of
 * pointers, ids copied out of libconfig. It can be copied with memcpy and
 * shared read-only between threads. The loader (sim/scenario/) builds it
 * from a libconfig file plus --set overrides, validating every key against
 * one schema table; the model reads it and never sees libconfig.
 *
 * Units: time in months (month 0 = simulation start), money in $M a year,
 * probabilities in [0,1], utilities dimensionless.
 */
#ifndef MARKETSIM_SCENARIO_H
#define MARKETSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "marketsim/error.h"

#define MS_ID_LEN 32
#define MS_MAX_CLOUDS 16 /* offers are bitmasks over clouds */
#define MS_MAX_VENDORS 16
#define MS_MAX_PRODUCTS 64
#define MS_MAX_SEGMENTS 16
#define MS_MAX_REGIMES 16
#define MS_MAX_RULES 32 /* per regime */
#define MS_MAX_SCHEDULE 32
#define MS_MAX_EVENTS 128
/* sim.replications's cap: the one replication limit (run.h, the commands' -r) */
#define MS_MAX_REPLICATIONS 1000000
#define MS_PACKAGING_DIMS 5 /* governance, integration, persistence, observability, compliance */
#define MS_ANY (-1)         /* wildcard in rules; "no regime" in switches */

typedef enum {
    MS_CLASS_STATELESS_API = 0,
    MS_CLASS_STATEFUL_AGENT,
    MS_CLASS_FIRST_PARTY_APP,
    MS_CLASS_COUNT
} ms_product_class;

/* What a regime says of an offer (a product on a cloud). */
typedef enum {
    MS_OFFER_ALLOWED = 0,
    MS_OFFER_CONTESTED, /* sold, but carries the dispute's legal uncertainty */
    MS_OFFER_BLOCKED,   /* cannot be bought */
    MS_OFFER_ROUTED,    /* hosted on the cloud, model calls served from route_cloud */
    MS_OFFER_STATE_COUNT
} ms_offer_state;

typedef enum {
    MS_OUTCOME_STOCHASTIC = 0, /* drawn through the state machine */
    MS_OUTCOME_AMENDED,
    MS_OUTCOME_SETTLED,
    MS_OUTCOME_INJUNCTION,
    MS_OUTCOME_PLAINTIFF_WINS,
    MS_OUTCOME_DISMISSED,
    MS_OUTCOME_NONE, /* the threat is never resolved within the horizon */
    MS_OUTCOME_COUNT
} ms_outcome;

typedef enum {
    MS_EXO_PRICE_CHANGE = 0,     /* product (or all of a cloud's offers): price *= value */
    MS_EXO_MODEL_RELEASE,        /* product quality += value (clamped to [0,1]) */
    MS_EXO_PARTNERSHIP,          /* product becomes offered on cloud */
    MS_EXO_OUTAGE,               /* cloud reliability penalty `value` for `duration` months */
    MS_EXO_CAPACITY_SHOCK,       /* cloud capacity *= value for `duration` months */
    MS_EXO_CLARIFYING_STATEMENT, /* legal uncertainty *= value from then on */
    MS_EXO_LAUNCH,               /* product launches now (overrides launch_month) */
    MS_EXO_COUNT
} ms_exo_type;

/* Dispute events an exogenous event can follow (events.[].after), as
 * events.csv names them (dispute_threat ...). NONE (0, or MS_ANY from an
 * empty `after`) is an event at a fixed month, so a zeroed event is one. */
typedef enum {
    MS_DEV_NONE = 0,
    MS_DEV_THREAT,
    MS_DEV_NEGOTIATION,
    MS_DEV_FILED,
    MS_DEV_PI_MOTION,
    MS_DEV_PI_DENIED,
    MS_DEV_INJUNCTION,
    MS_DEV_TRIAL,
    MS_DEV_AMENDED,
    MS_DEV_SETTLED,
    MS_DEV_PLAINTIFF_WINS,
    MS_DEV_DISMISSED,
    MS_DEV_COUNT
} ms_dispute_event;

typedef struct {
    char id[MS_ID_LEN];
    double initial_share; /* share of AI spend at month 0; clouds sum to 1 */
    double price_index;   /* multiplies every offer's price on this cloud */
    double capacity;      /* max new commitments a month; 0 = unlimited */
    double sla;           /* availability, e.g. 0.999 */
    double residency;     /* data-residency coverage in [0,1] */
} ms_cloud;

typedef struct {
    char id[MS_ID_LEN];
    double initial_share; /* share of AI spend at month 0; vendors sum to 1 */
} ms_vendor;

typedef struct {
    char id[MS_ID_LEN];
    int vendor; /* index into vendors */
    ms_product_class klass;
    double quality;                      /* [0,1] */
    double packaging[MS_PACKAGING_DIMS]; /* [0,1] each */
    double price;     /* price per unit of workload (index, 1 = market average) */
    int launch_month; /* offered from this month on */
    uint32_t clouds;  /* bitmask of clouds it is offered on */
} ms_product;

/* One rule of a regime. A field equal to MS_ANY matches anything. Rules are
 * tried in file order; the first match decides; no match means ALLOWED. */
typedef struct {
    int vendor, klass, product, cloud;
    ms_offer_state state;
    int route_cloud;      /* ROUTED: where model calls are served (index) */
    double route_share;   /* ROUTED: share of spend that goes to route_cloud */
    double route_penalty; /* ROUTED: utility penalty (latency, price) */
    int terminate;        /* BLOCKED: contracts holding the offer end when the regime comes in */
} ms_rule;

typedef struct {
    char id[MS_ID_LEN];
    int n_rules;
    ms_rule rules[MS_MAX_RULES];
} ms_regime;

typedef struct {
    double month;
    int regime; /* index into regimes */
} ms_schedule_entry;

typedef struct {
    int enabled;
    ms_outcome outcome;
    double trigger_month; /* LATENT -> THREAT */
    int product;          /* the contested product (index) */
    int cloud;            /* the contested cloud (index) */
    /* branch probabilities */
    double p_amend;          /* NEGOTIATION -> AMENDED, else FILED */
    double p_pi_motion;      /* FILED: a preliminary-injunction motion is made */
    double p_pi_grant;       /* the motion is granted */
    double p_settle;         /* FILED -> SETTLED */
    double p_trial;          /* FILED -> TRIAL; DISMISSED takes 1 - settle - trial */
    double p_plaintiff_wins; /* at trial */
    /* lognormal timings: medians in months, one log-sd for all */
    double negotiation_months; /* THREAT/NEGOTIATION -> AMENDED or FILED */
    double pi_months;
    double settle_months;
    double trial_months;
    double dismiss_months;
    double timing_sigma;
    /* legal uncertainty on contested offers, per state */
    double sigma_threat, sigma_negotiation, sigma_filed, sigma_injunction;
    /* regime each terminal outcome switches to (MS_ANY = no switch) */
    int regime_amended, regime_settled, regime_injunction, regime_plaintiff_wins, regime_dismissed;
} ms_dispute;

typedef struct {
    char id[MS_ID_LEN];
    double share;                /* share of buyers; segments sum to 1 */
    int regulated;               /* 0/1 */
    double risk_aversion;        /* lambda_s */
    double beta_packaging;       /* bG_s */
    double eval_months;          /* median evaluation time */
    double authorization_months; /* extra delay (public sector), 0 otherwise */
    double spend_median;         /* annual AI spend, $M (lognormal) */
    double spend_sigma;
    int multihoming_cap;  /* m_s: max offers a buyer splits over */
    double defer_utility; /* u0_s */
    double min_sla;       /* offers on clouds below this are infeasible */
    double min_residency;
    double growth; /* budget growth per year (0.5 = +50 %/yr); 0 = fixed */
} ms_segment;

typedef struct {
    double beta_quality;                   /* bQ */
    double beta_price;                     /* bP */
    double beta_momentum;                  /* bM */
    double nest_scale;                     /* mu in (0,1] */
    double kappa;                          /* defer utility lost per month deferred */
    double switching_cost[MS_CLASS_COUNT]; /* utility, by product class */
    double secondary_switch_factor;        /* share of it a secondary offer pays on a new cloud */
    double vendor_incumbency;              /* utility bonus for the primary vendor at renewal */
    double diversification;                /* multi-homing bonus per unit of sigma_bar */
    double bass_p, bass_q;                 /* per year */
    double defer_review_months;
    double eval_sigma; /* log-sd of evaluation times */
    double regulated_eval_multiplier;
    double term_months;      /* planned commitment term T_i */
    double migration_months; /* a terminating rule ends contracts this long after the switch */
    double migration_cost;   /* utility a forced mover pays for leaving its home cloud */
} ms_decision;

typedef struct {
    double month;
    ms_exo_type type;
    int product, vendor, cloud; /* MS_ANY where not relevant */
    double value;
    double duration; /* months; 0 = permanent */
    int after;       /* ms_dispute_event it follows by `month`; <= 0: a fixed month */
} ms_exo_event;

typedef struct {
    char name[64]; /* scenario name (defaults to the file's base name) */
    uint64_t seed;
    int horizon_months;
    int replications;

    int n_clouds, n_vendors, n_products, n_segments, n_regimes, n_schedule, n_events;
    ms_cloud clouds[MS_MAX_CLOUDS];
    ms_vendor vendors[MS_MAX_VENDORS];
    ms_product products[MS_MAX_PRODUCTS];
    ms_segment segments[MS_MAX_SEGMENTS];
    ms_regime regimes[MS_MAX_REGIMES];
    ms_schedule_entry schedule[MS_MAX_SCHEDULE]; /* sorted by month */
    ms_exo_event events[MS_MAX_EVENTS];          /* sorted by month */
    int initial_regime;                          /* regime in force at month 0 */

    int64_t buyer_count;
    double initial_adoption;

    ms_decision decision;
    ms_dispute dispute;
} ms_scenario;

/* Loads and validates a scenario file, applying `nsets` overrides of the
 * form "KEY=VALUE" (libconfig paths, typed as in the file) before
 * validation. On success *out owns a new scenario (free with
 * ms_scenario_destroy) and MS_OK is returned. On failure *out is NULL,
 * every problem found is in errs (FILE:LINE: KEY: message) and MS_ECONFIG
 * (or MS_EIO, MS_ENOMEM) is returned. No global state. */
ms_status ms_scenario_load(const char *path, const char *const *sets, int nsets, ms_scenario **out,
                           ms_errors *errs);
/* The same from a string; `name` stands for the file in messages, and
 * @include paths resolve relative to `include_dir` (NULL = cwd), then
 * along the search path (ms_scenario_library_dir). */
ms_status ms_scenario_load_string(const char *text, const char *name, const char *include_dir,
                                  const char *const *sets, int nsets, ms_scenario **out,
                                  ms_errors *errs);
void ms_scenario_destroy(ms_scenario *sc);

/* `@include "NAME"` with a relative NAME reads the first of: the including
 * file's directory/NAME; DIR/NAME for each DIR of this colon-separated
 * environment variable (empty entries ignored; `marketsim -I DIR` puts DIR
 * in front); ms_scenario_library_dir()/NAME. */
#define MS_SCENARIO_PATH_ENV "MARKETSIM_PATH"

/* The scenario library that came with the running program, written into
 * buf: BINDIR/../share/marketsim/scenarios for an installed program, the
 * source tree's scenarios/ for one run from its build tree. Returns buf,
 * or NULL when the program's own path is unknown (no /proc). */
const char *ms_scenario_library_dir(char *buf, size_t cap);

/* Offset of the first byte of s[0..n) that is not part of well-formed
 * UTF-8 (RFC 3629: no overlong forms, surrogates or code points above
 * U+10FFFF), or n when all of it is. */
size_t ms_scenario_utf8_check(const char *s, size_t n);
/* 1 if the NUL-terminated s is well-formed UTF-8. */
int ms_scenario_utf8_valid(const char *s);
/* Why `name` cannot be a scenario name (a static message), or NULL when it
 * can: the name becomes the output directory out/<name>/, so ".", ".."
 * and anything with '/' are refused. */
const char *ms_scenario_name_problem(const char *name);
/* A scenario file loaded and validated once, to be evaluated under many
 * sets of overrides (sweep points, calibration steps). Immutable once
 * loaded: any number of threads may derive from it at once. */
typedef struct ms_scenario_base ms_scenario_base;

/* Reads `path` once and loads it with the base overrides `sets` (copied),
 * exactly as ms_scenario_load. On success *out owns the base (free with
 * ms_scenario_base_destroy); on failure *out is NULL and errs holds
 * ms_scenario_load's errors and status. */
ms_status ms_scenario_base_load(const char *path, const char *const *sets, int nsets,
                                ms_scenario_base **out, ms_errors *errs);
/* The base scenario itself (owned by the base). */
const ms_scenario *ms_scenario_base_get(const ms_scenario_base *b);
/* Fills *out (caller-allocated) with the scenario that
 * ms_scenario_load(path, base sets + sets) gives, byte for byte, and
 * returns MS_OK; or returns its status with its errors in errs (the same
 * messages, file:line and key; *out then holds nothing usable). Scalar
 * overrides of existing keys patch a copy of the base with --set's type
 * and range checks; anything else (errors, list elements, strings) falls
 * back to a full load of the text read once. Thread-safe. */
ms_status ms_scenario_base_derive(const ms_scenario_base *b, const char *const *sets, int nsets,
                                  ms_scenario *out, ms_errors *errs);
/* NULL is a no-op. */
void ms_scenario_base_destroy(ms_scenario_base *b);

/* Writes the complete scenario as libconfig text (every key, defaults
 * included, seed included); loading it yields an identical scenario. */
ms_status ms_scenario_write(const ms_scenario *sc, FILE *out);
/* The same text in memory: *text (malloc'ed, NUL-terminated, the caller
 * frees it) and its length. MS_ENOMEM (*text NULL) on failure. */
ms_status ms_scenario_write_text(const ms_scenario *sc, char **text, size_t *len);

/* Prints every scenario key (path, type, default, range, units, meaning)
 * from the schema table: plain text, or the Markdown of
 * docs/scenario-reference.md when `markdown` is nonzero. MS_EIO on a write
 * error. */
ms_status ms_scenario_schema_print(FILE *out, int markdown);

/* A scalar key of the schema, as --set names it. */
typedef struct {
    int is_float;       /* 1 for a float key (integers, names, lists are not) */
    int is_int;         /* 1 for an integer key (32- or 64-bit) */
    double min, max;    /* a number key's range, inclusive (the seed: -2^63 to 2^64 - 1) */
    char type[32];      /* the schema's type text, for messages */
    char expected[400]; /* type and range as --set's messages give them:
                         * "64-bit integer, 1 to 100000000" */
} ms_scenario_keyinfo;

/* Looks up a concrete key path ("clouds.aws.price_index", "events[0].value")
 * in the schema. Returns MS_OK, or MS_EUSAGE with err->msg saying why
 * (unknown key, with a did-you-mean; not a single value). Entity ids are
 * not checked here: loading with the key set does that. */
ms_status ms_scenario_key_info(const char *key, ms_scenario_keyinfo *info, ms_error *err);

/* The value of float key `key` in sc (as the scenario file would write
 * it). MS_OK, MS_EINVAL when sc has no such value, MS_ENOMEM. */
ms_status ms_scenario_key_double(const ms_scenario *sc, const char *key, double *out);

/* The first rule of `regime` matching (product, cloud), or NULL (no rule:
 * allowed; regime < 0: no regime in force). */
const ms_rule *ms_scenario_rule_for(const ms_scenario *sc, int regime, int product, int cloud);

/* Whether product is buyable on cloud at month 0: on its cloud list,
 * launched (launch_month <= 0) and not blocked by the initial regime. */
int ms_scenario_month0_offer(const ms_scenario *sc, int product, int cloud);

/* The month-0 support: for each vendor, the clouds selling one of its
 * products at month 0; for each segment, the clouds meeting its SLA and
 * residency floors that sell something at month 0 (bitmasks); and each
 * segment's share of expected month-0 spend (share * E[spend], summing
 * to 1). */
typedef struct {
    uint32_t vendor_clouds[MS_MAX_VENDORS];
    uint32_t segment_clouds[MS_MAX_SEGMENTS];
    double segment_spend[MS_MAX_SEGMENTS];
} ms_month0;
void ms_scenario_month0(const ms_scenario *sc, ms_month0 *out);

/* MS_OK when month 0 can hold the configured cloud and vendor shares at
 * once (and the segments can reach the clouds carrying them); else
 * MS_ECONFIG with err naming the key, the clouds, vendors or segments that
 * cannot be matched and the share that is reachable. The loader runs it on
 * every scenario; callers that change a built scenario should run it too. */
ms_status ms_scenario_check_month0(const ms_scenario *sc, ms_error *err);

/* Index of an entity by id, or -1. */
int ms_scenario_cloud(const ms_scenario *sc, const char *id);
int ms_scenario_vendor(const ms_scenario *sc, const char *id);
int ms_scenario_product(const ms_scenario *sc, const char *id);
int ms_scenario_segment(const ms_scenario *sc, const char *id);
int ms_scenario_regime(const ms_scenario *sc, const char *id);

/* Names for enums as they appear in config files and CSVs. */
const char *ms_product_class_name(ms_product_class c);
const char *ms_offer_state_name(ms_offer_state s);
const char *ms_outcome_name(ms_outcome o);
const char *ms_exo_type_name(ms_exo_type t);
const char *ms_dispute_event_name(ms_dispute_event e);

#endif
