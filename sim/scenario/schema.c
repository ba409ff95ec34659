/* schema.c - the single table of every scenario key.
 *
 * Each row gives a key's path (`<id>` stands for an entity id, `[]` for a
 * list element), its type, default, range, units and a one-line meaning,
 * and where the value lives in ms_scenario. Rows are in tree order: a
 * container comes before its children. Loading, checking, --set, the
 * resolved writer and `marketsim schema` all derive from this table.
 * Defaults and their sources are in docs/model.md; EST marks our own
 * estimates.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

#define BIG 1e12
#define NOOFF MS_SCOPE_NONE, 0
#define ROOT(m) MS_SCOPE_ROOT, offsetof(ms_scenario, m)
#define CLOUD(m) MS_SCOPE_CLOUD, offsetof(ms_cloud, m)
#define VENDOR(m) MS_SCOPE_VENDOR, offsetof(ms_vendor, m)
#define PROD(m) MS_SCOPE_PRODUCT, offsetof(ms_product, m)
#define SEG(m) MS_SCOPE_SEGMENT, offsetof(ms_segment, m)
#define RULE(m) MS_SCOPE_RULE, offsetof(ms_rule, m)
#define SCHED(m) MS_SCOPE_SCHEDULE, offsetof(ms_schedule_entry, m)
#define EVENT(m) MS_SCOPE_EVENT, offsetof(ms_exo_event, m)

/* Row builders: container, float, int, int64, bool, string, enum, ref, refset. */
#define C(p, t, kind, doc)                                                                         \
    {                                                                                              \
        p, t, "", 0, 0, "", doc, NOOFF, 0, kind, 0                                                 \
    }
#define F(p, def, lo, hi, units, doc, at)                                                          \
    {                                                                                              \
        p, MS_SCHEMA_FLOAT, def, lo, hi, units, doc, at, 0, 0, 0                                   \
    }
#define I(p, def, lo, hi, units, doc, at)                                                          \
    {                                                                                              \
        p, MS_SCHEMA_INT, def, lo, hi, units, doc, at, 0, 0, 0                                     \
    }
#define I64(p, def, lo, hi, units, doc, at, fl)                                                    \
    {                                                                                              \
        p, MS_SCHEMA_INT64, def, lo, hi, units, doc, at, 0, 0, fl                                  \
    }
#define B(p, def, doc, at)                                                                         \
    {                                                                                              \
        p, MS_SCHEMA_BOOL, def, 0, 1, "", doc, at, 0, 0, 0                                         \
    }
#define S(p, def, doc, at, sz)                                                                     \
    {                                                                                              \
        p, MS_SCHEMA_STRING, def, 0, 0, "", doc, at, sz, 0, 0                                      \
    }
#define E(p, def, table, fl, doc, at)                                                              \
    {                                                                                              \
        p, MS_SCHEMA_ENUM, def, 0, 0, "", doc, at, 0, table, fl                                    \
    }
#define R(p, def, kind, fl, doc, at)                                                               \
    {                                                                                              \
        p, MS_SCHEMA_REF, def, 0, 0, "", doc, at, 0, kind, fl                                      \
    }

static const ms_schema_key schema[] = {
    C("sim", MS_SCHEMA_GROUP, 0, "Run settings."),
    S("sim.name", "",
      "Scenario name, one path component (it names out/<name>/: not . or .., no /); "
      "empty = the file's base name.",
      ROOT(name), 64),
    I64("sim.seed", "20260301", -9223372036854775808.0, 9223372036854775807.0, "",
        "Master random seed, 64-bit: write large values with an L suffix; a negative value "
        "stands for value + 2^64.",
        ROOT(seed), MS_SCHEMA_U64),
    I("sim.horizon_months", "60", 1, 1200, "months", "Simulated horizon.", ROOT(horizon_months)),
    I("sim.replications", "20", 1, MS_MAX_REPLICATIONS, "", "Independent replications a run does.",
      ROOT(replications)),
    R("sim.initial_regime", "", MS_KIND_REGIME, MS_SCHEMA_NONE,
      "Regime in force at month 0; empty = the month-0 regime_schedule entry if any, else "
      "no regime (everything allowed).",
      ROOT(initial_regime)),

    C("buyers", MS_SCHEMA_GROUP, 0, "The enterprise buyer population."),
    I64("buyers.count", "20000", 1, 100000000, "buyers", "Number of buyer agents.",
        ROOT(buyer_count), 0),
    F("buyers.initial_adoption", "0.4", 0, 1, "",
      "Fraction holding a commitment at month 0 (37% of firms with 250+ staff use AI).",
      ROOT(initial_adoption)),
    C("buyers.segments", MS_SCHEMA_NAMED, MS_KIND_SEGMENT, "Buyer segments keyed by id."),
    F("buyers.segments.<id>.share", NULL, 0, 1, "", "Share of buyers; segments sum to 1.",
      SEG(share)),
    B("buyers.segments.<id>.regulated", "false", "Regulated segment (finance, health, public).",
      SEG(regulated)),
    F("buyers.segments.<id>.risk_aversion", "1", 0, 100, "",
      "lambda_s: weight of legal uncertainty (regulated 2-3x unregulated, EST).",
      SEG(risk_aversion)),
    F("buyers.segments.<id>.beta_packaging", "1", 0, 100, "",
      "bG_s: weight of packaging (above quality for regulated segments, EST).",
      SEG(beta_packaging)),
    F("buyers.segments.<id>.eval_months", "9", 0.01, 240, "months",
      "Median evaluation time (9 months unregulated, EST).", SEG(eval_months)),
    F("buyers.segments.<id>.authorization_months", "0", 0, 240, "months",
      "Extra authorization delay (public sector ~18 months).", SEG(authorization_months)),
    F("buyers.segments.<id>.spend_median", "1", 1e-6, 1e6, "$M/yr",
      "Median annual AI spend (lognormal).", SEG(spend_median)),
    F("buyers.segments.<id>.spend_sigma", "1", 0, 5, "", "Log-sd of annual spend.",
      SEG(spend_sigma)),
    I("buyers.segments.<id>.multihoming_cap", "2", 1, MS_MAX_CLOUDS, "offers",
      "m_s: most offers a buyer splits its workload over.", SEG(multihoming_cap)),
    F("buyers.segments.<id>.defer_utility", "0", -100, 100, "", "u0_s: base utility of deferring.",
      SEG(defer_utility)),
    F("buyers.segments.<id>.min_sla", "0", 0, 1, "",
      "Offers on clouds with a lower SLA are infeasible.", SEG(min_sla)),
    F("buyers.segments.<id>.min_residency", "0", 0, 1, "",
      "Offers on clouds with lower residency coverage are infeasible.", SEG(min_residency)),
    F("buyers.segments.<id>.growth", "0", -0.9, 10, "1/yr",
      "Budget growth per year: a committed buyer's budget grows by this fraction a year and "
      "each year's increase is placed by a new decision on its anniversary (enterprise GenAI "
      "spend $1.7B 2023 -> $11.5B 2024 -> $37B 2025, Menlo); 0 = fixed budgets (EST).",
      SEG(growth)),

    C("clouds", MS_SCHEMA_NAMED, MS_KIND_CLOUD, "Clouds keyed by id (at most 16)."),
    F("clouds.<id>.initial_share", NULL, 0, 1, "", "Share of AI spend at month 0; clouds sum to 1.",
      CLOUD(initial_share)),
    F("clouds.<id>.price_index", "1", 0.01, 100, "",
      "Multiplies the price of every offer on this cloud.", CLOUD(price_index)),
    F("clouds.<id>.capacity", "0", 0, BIG, "commitments/month",
      "Most new commitments a month; 0 = unlimited.", CLOUD(capacity)),
    F("clouds.<id>.sla", "0.999", 0, 1, "", "Availability.", CLOUD(sla)),
    F("clouds.<id>.residency", "1", 0, 1, "", "Data-residency coverage.", CLOUD(residency)),

    C("vendors", MS_SCHEMA_NAMED, MS_KIND_VENDOR, "Model vendors keyed by id."),
    F("vendors.<id>.initial_share", NULL, 0, 1, "",
      "Share of AI spend at month 0; vendors sum to 1.", VENDOR(initial_share)),

    C("products", MS_SCHEMA_NAMED, MS_KIND_PRODUCT, "Products keyed by id."),
    R("products.<id>.vendor", NULL, MS_KIND_VENDOR, 0, "The vendor's id.", PROD(vendor)),
    E("products.<id>.class", NULL, MS_CHOICE_CLASS, 0,
      "stateless_api, stateful_agent or first_party_app.", PROD(klass)),
    F("products.<id>.quality", "0.5", 0, 1, "", "Model quality Q_j.", PROD(quality)),
    C("products.<id>.packaging", MS_SCHEMA_GROUP, 0, "Packaging scores G_j, each in [0,1]."),
    F("products.<id>.packaging.governance", "0.5", 0, 1, "", "Governance score.",
      PROD(packaging[0])),
    F("products.<id>.packaging.integration", "0.5", 0, 1, "", "Integration score.",
      PROD(packaging[1])),
    F("products.<id>.packaging.persistence", "0.5", 0, 1, "", "Persistence (state) score.",
      PROD(packaging[2])),
    F("products.<id>.packaging.observability", "0.5", 0, 1, "", "Observability score.",
      PROD(packaging[3])),
    F("products.<id>.packaging.compliance", "0.5", 0, 1, "", "Compliance score.",
      PROD(packaging[4])),
    F("products.<id>.price", "1", 0.01, 100, "index",
      "Price per unit of workload (1 = market average).", PROD(price)),
    I("products.<id>.launch_month", "0", 0, 1200, "month", "Offered from this month on.",
      PROD(launch_month)),
    {"products.<id>.clouds", MS_SCHEMA_REFSET, NULL, 0, 0, "",
     "Cloud ids it is offered on, e.g. [\"aws\", \"azure\"].", PROD(clouds), 0, MS_KIND_CLOUD, 0},

    C("regimes", MS_SCHEMA_NAMED, MS_KIND_REGIME, "Contract regimes keyed by id."),
    C("regimes.<id>.rules", MS_SCHEMA_LIST, 0,
      "Rules tried in order; the first match decides; no match = allowed."),
    R("regimes.<id>.rules.[].vendor", "*", MS_KIND_VENDOR, MS_SCHEMA_WILD,
      "Vendor id the rule matches; \"*\" = any.", RULE(vendor)),
    E("regimes.<id>.rules.[].class", "*", MS_CHOICE_CLASS, MS_SCHEMA_WILD,
      "Product class the rule matches; \"*\" = any.", RULE(klass)),
    R("regimes.<id>.rules.[].product", "*", MS_KIND_PRODUCT, MS_SCHEMA_WILD,
      "Product id the rule matches; \"*\" = any.", RULE(product)),
    R("regimes.<id>.rules.[].cloud", "*", MS_KIND_CLOUD, MS_SCHEMA_WILD,
      "Cloud id the rule matches; \"*\" = any.", RULE(cloud)),
    E("regimes.<id>.rules.[].state", NULL, MS_CHOICE_STATE, 0,
      "allowed, contested, blocked or routed.", RULE(state)),
    R("regimes.<id>.rules.[].route_cloud", "", MS_KIND_CLOUD, MS_SCHEMA_NONE,
      "routed: the cloud serving the model calls (required for routed).", RULE(route_cloud)),
    F("regimes.<id>.rules.[].route_share", "0.5", 0, 1, "",
      "routed: share of spend going to route_cloud (EST).", RULE(route_share)),
    F("regimes.<id>.rules.[].route_penalty", "0.1", 0, 100, "",
      "routed: utility penalty for latency and price (EST).", RULE(route_penalty)),
    B("regimes.<id>.rules.[].terminate", "false",
      "blocked only: when the regime comes into force (scheduled or by a dispute outcome), "
      "every commitment holding a matching offer ends decision.migration_months later (forced "
      "migration); false = contracts run to term.",
      RULE(terminate)),

    C("regime_schedule", MS_SCHEMA_LIST, 0, "Regime switches at given months."),
    F("regime_schedule.[].month", NULL, 0, 1200, "month", "When the regime takes effect.",
      SCHED(month)),
    R("regime_schedule.[].regime", NULL, MS_KIND_REGIME, 0, "The regime's id.", SCHED(regime)),

    C("dispute", MS_SCHEMA_GROUP, 0, "The exclusivity dispute and its state machine."),
    B("dispute.enabled", "false", "Whether the dispute happens at all.", ROOT(dispute.enabled)),
    E("dispute.outcome", "stochastic", MS_CHOICE_OUTCOME, 0,
      "stochastic, or a forced amended/settled/injunction/plaintiff_wins/dismissed/none.",
      ROOT(dispute.outcome)),
    F("dispute.trigger_month", "0", 0, 1200, "month", "LATENT -> THREAT.",
      ROOT(dispute.trigger_month)),
    R("dispute.product", "", MS_KIND_PRODUCT, MS_SCHEMA_NONE,
      "The contested product (required when enabled).", ROOT(dispute.product)),
    R("dispute.cloud", "", MS_KIND_CLOUD, MS_SCHEMA_NONE,
      "The contested cloud (required when enabled).", ROOT(dispute.cloud)),
    F("dispute.p_amend", "0.7", 0, 1, "", "NEGOTIATION -> AMENDED, else FILED (EST).",
      ROOT(dispute.p_amend)),
    F("dispute.p_pi_motion", "0.5", 0, 1, "", "FILED: a preliminary-injunction motion (EST).",
      ROOT(dispute.p_pi_motion)),
    F("dispute.p_pi_grant", "0.37", 0, 1, "", "The motion is granted (63% denied).",
      ROOT(dispute.p_pi_grant)),
    F("dispute.p_settle", "0.67", 0, 1, "", "FILED -> SETTLED.", ROOT(dispute.p_settle)),
    F("dispute.p_trial", "0.02", 0, 1, "",
      "FILED -> TRIAL; DISMISSED takes 1 - p_settle - p_trial.", ROOT(dispute.p_trial)),
    F("dispute.p_plaintiff_wins", "0.5", 0, 1, "", "At trial (EST).",
      ROOT(dispute.p_plaintiff_wins)),
    F("dispute.negotiation_months", "1.5", 0.01, 240, "months",
      "Median THREAT -> AMENDED or FILED (~6 weeks).", ROOT(dispute.negotiation_months)),
    F("dispute.pi_months", "2", 0.01, 240, "months", "Median time to the PI ruling.",
      ROOT(dispute.pi_months)),
    F("dispute.settle_months", "11", 0.01, 240, "months", "Median time to settlement.",
      ROOT(dispute.settle_months)),
    F("dispute.trial_months", "26", 0.01, 240, "months", "Median filing to trial.",
      ROOT(dispute.trial_months)),
    F("dispute.dismiss_months", "12", 0.01, 240, "months",
      "Median time to dismissal (non-trial exits 10-13 months).", ROOT(dispute.dismiss_months)),
    F("dispute.timing_sigma", "0.5", 0, 5, "", "Log-sd of every timing (EST).",
      ROOT(dispute.timing_sigma)),
    F("dispute.sigma_threat", "0.5", 0, 10, "", "Legal uncertainty in THREAT (EST).",
      ROOT(dispute.sigma_threat)),
    F("dispute.sigma_negotiation", "0.4", 0, 10, "", "Legal uncertainty in NEGOTIATION (EST).",
      ROOT(dispute.sigma_negotiation)),
    F("dispute.sigma_filed", "0.6", 0, 10, "", "Legal uncertainty once FILED (EST).",
      ROOT(dispute.sigma_filed)),
    F("dispute.sigma_injunction", "1", 0, 10, "", "Legal uncertainty under an injunction (EST).",
      ROOT(dispute.sigma_injunction)),
    R("dispute.regime_amended", "", MS_KIND_REGIME, MS_SCHEMA_NONE,
      "Regime on AMENDED; empty = no switch.", ROOT(dispute.regime_amended)),
    R("dispute.regime_settled", "", MS_KIND_REGIME, MS_SCHEMA_NONE,
      "Regime on SETTLED; empty = no switch.", ROOT(dispute.regime_settled)),
    R("dispute.regime_injunction", "", MS_KIND_REGIME, MS_SCHEMA_NONE,
      "Regime while a PI is granted; empty = contested offers blocked.",
      ROOT(dispute.regime_injunction)),
    R("dispute.regime_plaintiff_wins", "", MS_KIND_REGIME, MS_SCHEMA_NONE,
      "Regime when the plaintiff wins at trial; empty = no switch.",
      ROOT(dispute.regime_plaintiff_wins)),
    R("dispute.regime_dismissed", "", MS_KIND_REGIME, MS_SCHEMA_NONE,
      "Regime on DISMISSED; empty = no switch.", ROOT(dispute.regime_dismissed)),

    C("decision", MS_SCHEMA_GROUP, 0, "The buyer's nested-logit decision."),
    F("decision.beta_quality", "4", 0, 100, "", "bQ: weight of quality (EST).",
      ROOT(decision.beta_quality)),
    F("decision.beta_price", "1.5", 0, 100, "", "bP: weight of price (EST).",
      ROOT(decision.beta_price)),
    F("decision.beta_momentum", "0.3", 0, 100, "", "bM: weight of last month's share (EST).",
      ROOT(decision.beta_momentum)),
    F("decision.nest_scale", "0.5", 0.01, 1, "", "mu: nest scale (EST).",
      ROOT(decision.nest_scale)),
    F("decision.kappa", "0.05", 0, 10, "1/month", "Defer utility lost per month deferred (EST).",
      ROOT(decision.kappa)),
    C("decision.switching_cost", MS_SCHEMA_GROUP, 0, "Switching cost by product class."),
    F("decision.switching_cost.stateless_api", "2", 0, 10, "utility",
      "Leaving a stateless API for another cloud (EST, calibrated to <3%/yr cloud switching).",
      ROOT(decision.switching_cost[0])),
    F("decision.switching_cost.stateful_agent", "3", 0, 10, "utility",
      "Leaving a stateful agent workflow for another cloud (EST, calibrated).",
      ROOT(decision.switching_cost[1])),
    F("decision.switching_cost.first_party_app", "2.5", 0, 10, "utility",
      "Leaving a first-party app for another cloud (EST, calibrated).",
      ROOT(decision.switching_cost[2])),
    F("decision.secondary_switch_factor", "1", 0, 1, "",
      "Share of the switching cost a secondary (multi-homing) offer pays on a cloud the buyer "
      "does not use yet; 1 = the full cost, as before; lower it to fit multi-cloud AI spend "
      "(EST).",
      ROOT(decision.secondary_switch_factor)),
    F("decision.vendor_incumbency", "0", 0, 10, "utility",
      "Bonus for the offers of the buyer's current primary vendor when it renews or expands "
      "(upgrades within a provider: 66% of firms, Menlo 2025); 0 = none; raise it to fit "
      "vendor churn of ~11%/yr (EST).",
      ROOT(decision.vendor_incumbency)),
    F("decision.diversification", "4", 0, 100, "",
      "Multi-homing bonus per unit of mean uncertainty (EST).", ROOT(decision.diversification)),
    F("decision.bass_p", "0.03", 0, 10, "1/yr", "Bass innovation coefficient.",
      ROOT(decision.bass_p)),
    F("decision.bass_q", "0.38", 0, 10, "1/yr", "Bass imitation coefficient.",
      ROOT(decision.bass_q)),
    F("decision.defer_review_months", "3", 0.01, 120, "months",
      "A deferred buyer looks again after this long (quarterly, EST).",
      ROOT(decision.defer_review_months)),
    F("decision.eval_sigma", "0.5", 0, 5, "", "Log-sd of evaluation times (EST).",
      ROOT(decision.eval_sigma)),
    F("decision.regulated_eval_multiplier", "1.5", 0.1, 10, "",
      "Evaluation time multiplier for regulated segments (EST).",
      ROOT(decision.regulated_eval_multiplier)),
    F("decision.term_months", "36", 1, 240, "months", "Planned commitment term T_i.",
      ROOT(decision.term_months)),
    F("decision.migration_months", "3", 0, 120, "months",
      "Window between a terminating regime's switch and the end of the contracts it ends "
      "(EST: a quarter to move a workload).",
      ROOT(decision.migration_months)),
    F("decision.migration_cost", "1", 0, 100, "utility",
      "Extra cost, on top of the switching cost, a forced mover pays for an offer off its home "
      "cloud: a rushed move within the window, not a planned one at renewal (EST).",
      ROOT(decision.migration_cost)),

    C("events", MS_SCHEMA_LIST, 0, "Scheduled exogenous events, any order (sorted by month)."),
    F("events.[].month", NULL, 0, 1200, "month",
      "When it happens; with `after`, the delay after that dispute event.", EVENT(month)),
    E("events.[].type", NULL, MS_CHOICE_EXO, 0,
      "price_change, model_release, partnership, outage, capacity_shock, "
      "clarifying_statement or launch.",
      EVENT(type)),
    R("events.[].product", "", MS_KIND_PRODUCT, MS_SCHEMA_NONE,
      "Product concerned; empty = every product (of `vendor`, if given).", EVENT(product)),
    R("events.[].vendor", "", MS_KIND_VENDOR, MS_SCHEMA_NONE,
      "Only this vendor's products; empty = any vendor.", EVENT(vendor)),
    R("events.[].cloud", "", MS_KIND_CLOUD, MS_SCHEMA_NONE, "Cloud concerned; empty = every cloud.",
      EVENT(cloud)),
    F("events.[].value", "1", -1e6, 1e6, "",
      "Price factor, quality jump, outage penalty, capacity or uncertainty factor.", EVENT(value)),
    F("events.[].duration", "0", 0, 1200, "months", "How long it lasts; 0 = permanent.",
      EVENT(duration)),
    E("events.[].after", "", MS_CHOICE_DISPUTE_EVENT, MS_SCHEMA_NONE,
      "A dispute event, as events.csv names it: the event fires `month` months after it, "
      "once, only in replications where the dispute reaches it; needs dispute.enabled. "
      "Empty (or none) = at the fixed `month`.",
      EVENT(after)),
};

static const char *const class_names[] = {"stateless_api", "stateful_agent", "first_party_app",
                                          NULL};
static const char *const state_names[] = {"allowed", "contested", "blocked", "routed", NULL};
static const char *const outcome_names[] = {"stochastic",     "amended",   "settled", "injunction",
                                            "plaintiff_wins", "dismissed", "none",    NULL};
static const char *const exo_names[] = {
    "price_change",   "model_release",        "partnership", "outage",
    "capacity_shock", "clarifying_statement", "launch",      NULL};
/* Indexed by ms_dispute_event; the names dispute.c writes to events.csv. */
static const char *const dispute_event_names[] = {"none",
                                                  "dispute_threat",
                                                  "dispute_negotiation",
                                                  "dispute_filed",
                                                  "dispute_pi_motion",
                                                  "dispute_pi_denied",
                                                  "dispute_injunction",
                                                  "dispute_trial",
                                                  "dispute_amended",
                                                  "dispute_settled",
                                                  "dispute_plaintiff_wins",
                                                  "dispute_dismissed",
                                                  NULL};

const ms_schema_key *ms_schema_keys(int *n)
{
    *n = (int)(sizeof schema / sizeof schema[0]);
    return schema;
}

const ms_schema_key *ms_schema_find(const char *norm_path)
{
    int n;
    const ms_schema_key *k = ms_schema_keys(&n);
    for (int i = 0; i < n; i++)
        if (strcmp(k[i].path, norm_path) == 0)
            return &k[i];
    return NULL;
}

const char *const *ms_schema_choices(int table)
{
    switch (table) {
    case MS_CHOICE_CLASS:
        return class_names;
    case MS_CHOICE_STATE:
        return state_names;
    case MS_CHOICE_OUTCOME:
        return outcome_names;
    case MS_CHOICE_DISPUTE_EVENT:
        return dispute_event_names;
    default:
        return exo_names;
    }
}

int ms_schema_choice_index(int table, const char *name)
{
    const char *const *c = ms_schema_choices(table);
    for (int i = 0; c[i]; i++)
        if (strcmp(c[i], name) == 0)
            return i;
    return -1;
}

/* Levenshtein distance, capped at 64 characters a word. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    int prev[65], cur[65];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, sizeof prev);
    }
    return prev[lb];
}

int ms_schema_suggest_word(const char *const *words, int n, const char *name)
{
    int best = -1, best_d = 99;
    int limit = (int)strlen(name) / 3 + 1;
    if (limit < 2)
        limit = 2;
    for (int i = 0; i < n; i++) {
        int d = edit_distance(words[i], name);
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best_d <= limit ? best : -1;
}

const char *ms_schema_child_name(const ms_schema_key *k, const char *parent)
{
    size_t lp = strlen(parent);
    const char *rest = k->path;
    if (lp) {
        if (strncmp(k->path, parent, lp) != 0 || k->path[lp] != '.')
            return NULL;
        rest = k->path + lp + 1;
    }
    return strchr(rest, '.') ? NULL : rest;
}

int ms_schema_suggest(const char *parent, const char *name, char *buf, size_t cap)
{
    int n;
    const ms_schema_key *k = ms_schema_keys(&n);
    const char *words[128];
    int nw = 0;
    for (int i = 0; i < n && nw < 128; i++) {
        const char *c = ms_schema_child_name(&k[i], parent);
        if (c)
            words[nw++] = c;
    }
    int best = ms_schema_suggest_word(words, nw, name);
    if (best < 0)
        return 0;
    snprintf(buf, cap, "%s", words[best]);
    return 1;
}

void ms_schema_children(const char *parent, char *buf, size_t cap)
{
    int n;
    const ms_schema_key *k = ms_schema_keys(&n);
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used + 1 < cap; i++) {
        const char *c = ms_schema_child_name(&k[i], parent);
        if (!c)
            continue;
        int w = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", c);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
}

void ms_schema_type_text(const ms_schema_key *k, char *buf, size_t cap)
{
    switch (k->type) {
    case MS_SCHEMA_GROUP:
        snprintf(buf, cap, "group");
        break;
    case MS_SCHEMA_NAMED:
        snprintf(buf, cap, "group of %ss by id", ms_kind_name(k->aux));
        break;
    case MS_SCHEMA_LIST:
        snprintf(buf, cap, "list of groups");
        break;
    case MS_SCHEMA_INT:
        snprintf(buf, cap, "integer");
        break;
    case MS_SCHEMA_INT64:
        snprintf(buf, cap, "64-bit integer");
        break;
    case MS_SCHEMA_FLOAT:
        snprintf(buf, cap, "float");
        break;
    case MS_SCHEMA_BOOL:
        snprintf(buf, cap, "bool");
        break;
    case MS_SCHEMA_STRING:
        snprintf(buf, cap, "string");
        break;
    case MS_SCHEMA_ENUM:
        snprintf(buf, cap, "choice");
        break;
    case MS_SCHEMA_REF:
        snprintf(buf, cap, "%s id", ms_kind_name(k->aux));
        break;
    case MS_SCHEMA_REFSET:
        snprintf(buf, cap, "array of %s ids", ms_kind_name(k->aux));
        break;
    }
}

static void join_choices(const char *const *c, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; c[i]; i++) {
        int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", c[i]);
        if (w < 0 || (size_t)w >= cap - used)
            return;
        used += (size_t)w;
    }
}

void ms_schema_format_double(double v, char *buf, size_t cap)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (!strpbrk(buf, ".eEni")) {
        size_t l = strlen(buf);
        if (l + 2 < cap)
            memcpy(buf + l, ".0", 3);
    }
}

void ms_schema_range_text(const ms_schema_key *k, char *buf, size_t cap)
{
    char lo[40], hi[40], tmp[320];
    switch (k->type) {
    case MS_SCHEMA_INT:
    case MS_SCHEMA_INT64:
        if (k->flags & MS_SCHEMA_U64)
            snprintf(buf, cap, "any 64-bit integer");
        else
            snprintf(buf, cap, "%.0f to %.0f", k->min, k->max);
        break;
    case MS_SCHEMA_FLOAT:
        snprintf(lo, sizeof lo, "%g", k->min);
        snprintf(hi, sizeof hi, "%g", k->max);
        snprintf(buf, cap, "%s to %s", lo, hi);
        break;
    case MS_SCHEMA_BOOL:
        snprintf(buf, cap, "true or false");
        break;
    case MS_SCHEMA_ENUM:
        join_choices(ms_schema_choices(k->aux), tmp, sizeof tmp);
        snprintf(buf, cap, "%s%s", tmp, (k->flags & MS_SCHEMA_WILD) ? ", *" : "");
        break;
    case MS_SCHEMA_REF:
        snprintf(buf, cap, "a defined %s id%s%s", ms_kind_name(k->aux),
                 (k->flags & MS_SCHEMA_WILD) ? " or \"*\"" : "",
                 (k->flags & MS_SCHEMA_NONE) ? " or \"\"" : "");
        break;
    case MS_SCHEMA_REFSET:
        snprintf(buf, cap, "defined %s ids", ms_kind_name(k->aux));
        break;
    default:
        buf[0] = '\0';
        break;
    }
}
