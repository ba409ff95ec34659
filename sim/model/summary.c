/* summary.c - the per-replication metrics (docs/model.md; each defined
 * exactly in docs/outputs.md, "summary.csv"), computed once at
 * the end from the aggregates and the last month's market rows.
 *
 * Names and subjects are the canonical ones scripts rely on:
 * final_share_spend / final_share_buyers (clouds), vendor_share_spend
 * (vendors), total_spend (all: committed $M a year, last month),
 * adoption_rate / deferral_rate (segments, regulated,
 * unregulated, all), multicloud_rate, cloud_switch_rate and
 * vendor_switch_rate (all), forced_migration_rate (all: forced decisions
 * per adopted buyer at the end; only when a rule terminates contracts),
 * outcome_probability (terminal outcomes,
 * unresolved, none) and resolution_months (dispute, when resolved).
 * Deferral rates count decisions that had a defer option (new
 * procurements and reviews); renewals never defer and are not counted.
 * A group subject (regulated, unregulated, all) that is also a segment id
 * is reported once, as the segment.
 */
#include <stdlib.h>
#include <string.h>

#include "market_internal.h"

/* snprintf(dst, cap, "%s", src) without the format machinery (a sweep
 * adds ~40 metrics per point): truncated to cap - 1 bytes, terminated. */
static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    n = n < cap ? n : cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static ms_status add(mk_market *m, size_t *cap, const char *metric, const char *subject,
                     double value)
{
    ms_market_result *res = m->res;
    if (res->n_metrics == *cap) {
        size_t n = *cap ? 2 * *cap : 64;
        ms_metric *grown = realloc(res->metrics, n * sizeof *grown);
        if (!grown)
            return MS_ENOMEM;
        res->metrics = grown;
        *cap = n;
    }
    ms_metric *x = &res->metrics[res->n_metrics++];
    memset(x, 0, sizeof *x); /* no stray bytes: results compare bytewise */
    copy_text(x->metric, sizeof x->metric, metric);
    copy_text(x->subject, sizeof x->subject, subject);
    x->value = value;
    return MS_OK;
}

/* Sums over the segments selected by `which` (-1 all, 0 unregulated,
 * 1 regulated, 2+s segment s). */
typedef struct {
    double buyers, adopted, decisions, deferrals;
} group;

static group group_of(const mk_market *m, int which)
{
    group g = {0, 0, 0, 0};
    for (int s = 0; s < m->sc->n_segments; s++) {
        int reg = m->sc->segments[s].regulated != 0;
        if (which >= 2 ? which - 2 != s : which >= 0 && which != reg)
            continue;
        g.buyers += (double)m->seg_count[s];
        g.adopted += (double)m->seg_state[s][MK_COMMITTED];
        g.decisions += (double)m->seg_decisions[s];
        g.deferrals += (double)m->seg_deferrals[s];
    }
    return g;
}

static ms_status segment_metrics(mk_market *m, size_t *cap)
{
    ms_status st = MS_OK;
    int ns = m->sc->n_segments;
    /* each segment, then regulated, unregulated, all (the documented order) */
    for (int i = 0; i < ns + 3 && st == MS_OK; i++) {
        int which = i < ns ? i + 2 : ns + 1 - i;
        const char *name = which == -1  ? "all"
                           : which == 0 ? "unregulated"
                           : which == 1 ? "regulated"
                                        : m->sc->segments[which - 2].id;
        if (which < 2 && ms_scenario_segment(m->sc, name) >= 0)
            continue; /* a segment of that name already reported it */
        group g = group_of(m, which);
        if (g.buyers > 0.0)
            st = add(m, cap, "adoption_rate", name, g.adopted / g.buyers);
        if (st == MS_OK && g.decisions > 0.0)
            st = add(m, cap, "deferral_rate", name, g.deferrals / g.decisions);
    }
    return st;
}

static ms_status share_metrics(mk_market *m, size_t *cap)
{
    const ms_scenario *sc = m->sc;
    ms_status st = MS_OK;
    const ms_market_row *last = &m->res->market[m->res->n_market - (size_t)sc->n_clouds];
    for (int c = 0; c < sc->n_clouds && st == MS_OK; c++)
        st = add(m, cap, "final_share_spend", sc->clouds[c].id, last[c].share_spend);
    for (int c = 0; c < sc->n_clouds && st == MS_OK; c++)
        st = add(m, cap, "final_share_buyers", sc->clouds[c].id, last[c].share_buyers);
    double vendor[MS_MAX_VENDORS] = {0}, total = 0.0;
    for (int i = 0; i < m->n_off; i++) {
        double s = (double)m->off[i].spend / MK_SPEND_UNIT;
        vendor[sc->products[m->off[i].product].vendor] += s;
        total += s;
    }
    for (int v = 0; v < sc->n_vendors && st == MS_OK; v++)
        st = add(m, cap, "vendor_share_spend", sc->vendors[v].id,
                 total > 0.0 ? vendor[v] / total : 0.0);
    if (st == MS_OK)
        st = add(m, cap, "total_spend", "all", total);
    return st;
}

/* Whether any regime has a terminating rule: only then is there a
 * forced_migration_rate (other scenarios' summaries stay as they were). */
static int terminating(const ms_scenario *sc)
{
    for (int r = 0; r < sc->n_regimes; r++)
        for (int i = 0; i < sc->regimes[r].n_rules; i++)
            if (sc->regimes[r].rules[i].terminate)
                return 1;
    return 0;
}

static ms_status churn_metrics(mk_market *m, size_t *cap)
{
    group all = group_of(m, -1);
    double multi = 0.0, years = m->adopted_months / 12.0;
    for (int s = 0; s < m->sc->n_segments; s++)
        multi += (double)m->seg_multi[s];
    ms_status st = add(m, cap, "multicloud_rate", "all", all.adopted > 0 ? multi / all.adopted : 0);
    if (st == MS_OK && years > 0.0)
        st = add(m, cap, "cloud_switch_rate", "all", (double)m->cloud_switches / years);
    if (st == MS_OK && years > 0.0)
        st = add(m, cap, "vendor_switch_rate", "all", (double)m->vendor_switches / years);
    if (st == MS_OK && terminating(m->sc))
        st = add(m, cap, "forced_migration_rate", "all",
                 all.adopted > 0 ? (double)m->forced_moves / all.adopted : 0.0);
    return st;
}

/* One of these is 1 per replication. A forced "none" and a dispute that is
 * disabled or never triggered count as `none`; a triggered dispute still
 * open at the horizon counts as `unresolved`. */
static ms_status outcome_metrics(mk_market *m, size_t *cap)
{
    static const char *const names[] = {"amended",   "settled",    "injunction", "plaintiff_wins",
                                        "dismissed", "unresolved", "none"};
    static const ms_outcome codes[] = {MS_OUTCOME_AMENDED, MS_OUTCOME_SETTLED,
                                       MS_OUTCOME_INJUNCTION, MS_OUTCOME_PLAINTIFF_WINS,
                                       MS_OUTCOME_DISMISSED};
    const mk_dispute *ds = &m->dsp;
    int resolved = mk_dispute_resolved(m);
    int none = !m->sc->dispute.enabled || !ds->triggered ||
               (!resolved && m->sc->dispute.outcome == MS_OUTCOME_NONE);
    ms_status st = MS_OK;
    for (int k = 0; k < 7 && st == MS_OK; k++) {
        int hit = k < 5 ? resolved && ds->outcome == codes[k] : k == 5 ? !resolved && !none : none;
        st = add(m, cap, "outcome_probability", names[k], hit ? 1.0 : 0.0);
    }
    if (st == MS_OK && resolved)
        st = add(m, cap, "resolution_months", "dispute", ds->resolved_time - ds->threat_time);
    return st;
}

ms_status mk_metrics_final(mk_market *m)
{
    size_t cap = 0;
    ms_status st = share_metrics(m, &cap);
    if (st == MS_OK)
        st = segment_metrics(m, &cap);
    if (st == MS_OK)
        st = churn_metrics(m, &cap);
    if (st == MS_OK)
        st = outcome_metrics(m, &cap);
    return st;
}
