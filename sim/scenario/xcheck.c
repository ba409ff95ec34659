/* xcheck.c - checks that span several keys, run on the built scenario.
 *
 * Shares that must sum to 1, at least one of each required entity, branch
 * probabilities that must not exceed 1 together, what an enabled dispute,
 * a routed rule and each event type need. Errors point at the most
 * specific key's file and line. Finally the schedule and events are
 * sorted by month (stably, so equal months keep file order), the
 * initial regime is settled, and month 0 is checked to be able to hold
 * the configured shares (month0.c).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scenario_internal.h"

#define MS_SHARE_TOL 1e-9

static void err_at(ms_loader *ld, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void err_at(ms_loader *ld, const char *key, const char *fmt, ...)
{
    const char *file;
    int line;
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ms_loader_where(ld, key, &file, &line);
    ms_errors_add(ld->errs, file, line, key, "%s", msg);
}

/* Whether the key has a non-empty value (a dangling one is reported already). */
static int present(const ms_loader *ld, const char *key)
{
    ms_found f = ms_loader_find(ld, key);
    if (!f.s)
        return 0;
    const char *v = config_setting_get_string(f.s);
    return !v || v[0] != '\0';
}

static void check_sum(ms_loader *ld, const char *group, const char *what, double sum, int n)
{
    if (n > 0 && fabs(sum - 1.0) > MS_SHARE_TOL)
        err_at(ld, group, "%s sum to %.12g (expected 1 within 1e-9)", what, sum);
}

static void check_entities(ms_loader *ld, const ms_scenario *sc)
{
    double s = 0;
    if (sc->n_clouds == 0)
        err_at(ld, "clouds", "none defined (expected at least one)");
    if (sc->n_vendors == 0)
        err_at(ld, "vendors", "none defined (expected at least one)");
    if (sc->n_products == 0)
        err_at(ld, "products", "none defined (expected at least one)");
    if (sc->n_segments == 0)
        err_at(ld, "buyers.segments", "none defined (expected at least one)");
    for (int i = 0; i < sc->n_clouds; i++)
        s += sc->clouds[i].initial_share;
    check_sum(ld, "clouds", "cloud initial_share values", s, sc->n_clouds);
    s = 0;
    for (int i = 0; i < sc->n_vendors; i++)
        s += sc->vendors[i].initial_share;
    check_sum(ld, "vendors", "vendor initial_share values", s, sc->n_vendors);
    s = 0;
    for (int i = 0; i < sc->n_segments; i++)
        s += sc->segments[i].share;
    check_sum(ld, "buyers.segments", "segment share values", s, sc->n_segments);
}

static void check_dispute(ms_loader *ld, const ms_scenario *sc)
{
    const ms_dispute *d = &sc->dispute;
    double branch = d->p_settle + d->p_trial;
    if (branch > 1.0 + MS_SHARE_TOL)
        err_at(ld, "dispute.p_trial",
               "p_settle + p_trial = %.12g exceeds 1 (expected at most "
               "1; dismissal takes the rest)",
               branch);
    if (!d->enabled)
        return;
    if (d->product == MS_ANY && !present(ld, "dispute.product"))
        err_at(ld, "dispute.product",
               "missing: an enabled dispute needs its contested product "
               "(expected a product id)");
    if (d->cloud == MS_ANY && !present(ld, "dispute.cloud"))
        err_at(ld, "dispute.cloud",
               "missing: an enabled dispute needs its contested cloud "
               "(expected a cloud id)");
}

static void check_rules(ms_loader *ld, const ms_scenario *sc)
{
    for (int r = 0; r < sc->n_regimes; r++) {
        for (int i = 0; i < sc->regimes[r].n_rules; i++) {
            const ms_rule *ru = &sc->regimes[r].rules[i];
            char key[160]; /* built only when needed: sweeps check every point */
            if (ru->terminate && ru->state != MS_OFFER_BLOCKED) {
                snprintf(key, sizeof key, "regimes.%s.rules[%d].terminate", sc->regimes[r].id, i);
                err_at(ld, key,
                       "only a blocked rule can end contracts (expected state = \"blocked\", or "
                       "terminate = false)");
            }
            if (ru->state != MS_OFFER_ROUTED || ru->route_cloud != MS_ANY)
                continue;
            snprintf(key, sizeof key, "regimes.%s.rules[%d].route_cloud", sc->regimes[r].id, i);
            if (present(ld, key))
                continue;
            err_at(ld, key,
                   "missing: a routed rule needs the cloud serving its model calls "
                   "(expected a cloud id)");
        }
    }
}

/* What each event type needs: bit 1 a product or a vendor (all its
 * products), bit 2 a cloud, bit 4 any of product, vendor or cloud. */
static int event_needs(ms_exo_type t)
{
    switch (t) {
    case MS_EXO_PRICE_CHANGE:
        return 4;
    case MS_EXO_MODEL_RELEASE:
    case MS_EXO_LAUNCH:
        return 1;
    case MS_EXO_PARTNERSHIP:
        return 3;
    case MS_EXO_OUTAGE:
    case MS_EXO_CAPACITY_SHOCK:
        return 2;
    default:
        return 0;
    }
}

/* Whether events[i].<member> is given (a dangling one is reported already). */
static int event_has(ms_loader *ld, int i, const char *member)
{
    char key[64];
    snprintf(key, sizeof key, "events[%d].%s", i, member);
    return present(ld, key);
}

static void check_event(ms_loader *ld, const ms_scenario *sc, const ms_exo_event *e, int i)
{
    int need = event_needs(e->type);
    const char *tn = ms_exo_type_name(e->type);
    int who = e->product != MS_ANY || e->vendor != MS_ANY || event_has(ld, i, "product") ||
              event_has(ld, i, "vendor");
    int where = e->cloud != MS_ANY || event_has(ld, i, "cloud");
    char key[64];
    if ((need & 1) && !who) {
        snprintf(key, sizeof key, "events[%d].product", i);
        err_at(ld, key,
               "missing: a %s event needs a product (expected a product id, or a vendor "
               "for all its products)",
               tn);
    }
    if ((need & 2) && !where) {
        snprintf(key, sizeof key, "events[%d].cloud", i);
        err_at(ld, key, "missing: a %s event needs a cloud (expected a cloud id)", tn);
    }
    if ((need & 4) && !who && !where) {
        snprintf(key, sizeof key, "events[%d]", i);
        err_at(ld, key,
               "a %s event needs a product, vendor or cloud (expected product =, "
               "vendor = or cloud =)",
               tn);
    }
    if ((e->type == MS_EXO_PRICE_CHANGE || e->type == MS_EXO_CAPACITY_SHOCK ||
         e->type == MS_EXO_CLARIFYING_STATEMENT) &&
        e->value < 0) {
        snprintf(key, sizeof key, "events[%d].value", i);
        err_at(ld, key, "a %s factor must not be negative: %g (expected >= 0)", tn, e->value);
    }
    if (e->after > MS_DEV_NONE && !sc->dispute.enabled) {
        snprintf(key, sizeof key, "events[%d].after", i);
        err_at(ld, key,
               "follows %s but the dispute is disabled (expected dispute.enabled = true, or "
               "after = \"\")",
               ms_dispute_event_name((ms_dispute_event)e->after));
    }
}

/* A month-0 schedule entry is what the model puts in force at month 0;
 * an explicit sim.initial_regime must agree with it. */
static void check_initial_regime(ms_loader *ld, ms_scenario *sc)
{
    int sched0 = MS_ANY;
    for (int i = 0; i < sc->n_schedule && sc->schedule[i].month <= 0.0; i++)
        sched0 = sc->schedule[i].regime; /* sorted: the last month-0 entry wins */
    if (sched0 == MS_ANY)
        return;
    if (!ms_loader_find(ld, "sim.initial_regime").s) {
        sc->initial_regime = sched0;
    } else if (sc->initial_regime != sched0) {
        err_at(ld, "sim.initial_regime",
               "conflicts with the month-0 regime_schedule entry "
               "\"%s\" (expected the same regime, or only one of them)",
               sc->regimes[sched0].id);
    }
}

/* Month 0 must be able to hold the configured cloud and vendor shares at
 * once (month0.c); checked only on an otherwise valid scenario. */
static void check_month0(ms_loader *ld, const ms_scenario *sc)
{
    ms_error e;
    if (ld->errs->count || ld->errs->dropped || ms_scenario_check_month0(sc, &e) == MS_OK)
        return;
    err_at(ld, e.key, "%s", e.msg);
}

static void sort_lists(ms_scenario *sc)
{
    for (int i = 1; i < sc->n_schedule; i++) {
        ms_schedule_entry t = sc->schedule[i];
        int j = i;
        for (; j > 0 && sc->schedule[j - 1].month > t.month; j--)
            sc->schedule[j] = sc->schedule[j - 1];
        sc->schedule[j] = t;
    }
    for (int i = 1; i < sc->n_events; i++) {
        ms_exo_event t = sc->events[i];
        int j = i;
        for (; j > 0 && sc->events[j - 1].month > t.month; j--)
            sc->events[j] = sc->events[j - 1];
        sc->events[j] = t;
    }
}

void ms_xcheck_scenario(ms_loader *ld, ms_scenario *sc)
{
    check_entities(ld, sc);
    check_dispute(ld, sc);
    check_rules(ld, sc);
    for (int i = 0; i < sc->n_events; i++)
        check_event(ld, sc, &sc->events[i], i);
    sort_lists(sc);
    check_initial_regime(ld, sc);
    check_month0(ld, sc);
}
