/* dispute.c - the dispute state machine.
 *
 * LATENT -> THREAT (trigger_month) -> NEGOTIATION (half-way through the
 * negotiation time) -> AMENDED or FILED (at the end of it). FILED -> a
 * preliminary-injunction ruling (if a motion is made) and one main branch:
 * SETTLED, TRIAL (judgment: PLAINTIFF_WINS, or DISMISSED when the defendant
 * wins) or DISMISSED. A granted injunction that comes before the main
 * branch is terminal within the model: the disputed offers are blocked for
 * the rest of the horizon and the case's uncertainty stays at
 * sigma_injunction.
 *
 * Every draw is taken once, at the trigger, in a fixed order from the
 * dispute's own stream {seed, replication, DISPUTE, 0}: buyers' streams are
 * untouched, and forcing an outcome (dispute.outcome) changes only the
 * branches, never the timings (common random numbers across forcings).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "marketsim/rng.h"

#include "market_internal.h"

enum { STEP_THREAT = 0, STEP_NEGOTIATION, STEP_DECIDE, STEP_PI, STEP_MAIN };
enum { BRANCH_SETTLE = 0, BRANCH_TRIAL, BRANCH_DISMISS };

static double timing(gsl_rng *r, double median, double sigma)
{
    double z = gsl_ran_gaussian(r, 1.0); /* always drawn: fixed draw order */
    return (median > 0.0) ? median * exp(sigma * z) : 0.0;
}

static ms_status at(mk_market *m, double time, int step)
{
    return ms_engine_schedule_at(m->eng, time, MK_EV_DISPUTE, MK_PRIO_WORLD, 0, (uint64_t)step,
                                 NULL);
}

static void draw_path(mk_dispute *ds, const ms_dispute *d, gsl_rng *r)
{
    ds->u_amend = gsl_rng_uniform(r);
    ds->u_motion = gsl_rng_uniform(r);
    ds->u_grant = gsl_rng_uniform(r);
    ds->u_branch = gsl_rng_uniform(r);
    ds->u_plaintiff = gsl_rng_uniform(r);
    ds->t_neg = timing(r, d->negotiation_months, d->timing_sigma);
    ds->t_pi = timing(r, d->pi_months, d->timing_sigma);
    ds->t_settle = timing(r, d->settle_months, d->timing_sigma);
    ds->t_trial = timing(r, d->trial_months, d->timing_sigma);
    ds->t_dismiss = timing(r, d->dismiss_months, d->timing_sigma);
}

ms_status mk_dispute_start(mk_market *m)
{
    const ms_dispute *d = &m->sc->dispute;
    m->dsp.state = MK_DS_LATENT;
    m->dsp.outcome = MS_OUTCOME_STOCHASTIC;
    if (!d->enabled || d->trigger_month > m->sc->horizon_months)
        return MS_OK;
    ms_stream_id sid = {m->sc->seed, m->rep, MK_PURPOSE_DISPUTE, 0};
    gsl_rng *r = ms_rng_create(sid, 0);
    if (!r)
        return MS_ENOMEM;
    draw_path(&m->dsp, d, r);
    gsl_rng_free(r);
    return at(m, d->trigger_month > 0.0 ? d->trigger_month : 0.0, STEP_THREAT);
}

double mk_dispute_sigma(const mk_market *m)
{
    const ms_dispute *d = &m->sc->dispute;
    double s;
    switch (m->dsp.state) {
    case MK_DS_THREAT:
        s = d->sigma_threat;
        break;
    case MK_DS_NEGOTIATION:
        s = d->sigma_negotiation;
        break;
    case MK_DS_FILED:
        s = d->sigma_filed;
        break;
    case MK_DS_INJUNCTION:
        s = d->sigma_injunction;
        break;
    default:
        s = 0.0;
        break;
    }
    return s * m->uncertainty_mult;
}

int mk_dispute_resolved(const mk_market *m)
{
    return m->dsp.state >= MK_DS_AMENDED;
}

/* Writes the dispute event's row and schedules the events that follow it
 * (events.[].after); a scheduling failure is kept in m->fail. */
static void row(mk_market *m, const char *event, const char *detail)
{
    const ms_dispute *d = &m->sc->dispute;
    const char *subject = (d->product >= 0) ? m->sc->products[d->product].id : "dispute";
    mk_event_row(m, event, subject, detail);
    for (int k = MS_DEV_THREAT; k < MS_DEV_COUNT; k++) {
        if (strcmp(event, ms_dispute_event_name((ms_dispute_event)k)) != 0)
            continue;
        ms_status st = mk_world_dispute_reached(m, (ms_dispute_event)k);
        if (st != MS_OK && m->fail == MS_OK)
            m->fail = st;
    }
}

static void enter(mk_market *m, mk_dispute_state st, const char *event, const char *detail)
{
    m->dsp.state = st;
    row(m, event, detail);
    mk_offers_apply_regime(m);
}

static void resolve(mk_market *m, mk_dispute_state st, ms_outcome oc, int regime, const char *event,
                    const char *detail)
{
    m->dsp.outcome = oc;
    m->dsp.resolved_time = ms_engine_now(m->eng);
    enter(m, st, event, detail);
    if (regime != MS_ANY)
        mk_switch_regime(m, regime, event);
}

/* Fixes the path after filing from the draws and the forced outcome. */
static void choose_path(mk_market *m)
{
    const ms_dispute *d = &m->sc->dispute;
    mk_dispute *ds = &m->dsp;
    ds->motion = ds->u_motion < d->p_pi_motion;
    ds->grant = ds->motion && ds->u_grant < d->p_pi_grant;
    ds->branch = ds->u_branch < d->p_settle                ? BRANCH_SETTLE
                 : ds->u_branch < d->p_settle + d->p_trial ? BRANCH_TRIAL
                                                           : BRANCH_DISMISS;
    ds->plaintiff = ds->u_plaintiff < d->p_plaintiff_wins;
    switch (d->outcome) {
    case MS_OUTCOME_INJUNCTION:
        ds->motion = ds->grant = 1;
        break;
    case MS_OUTCOME_SETTLED:
        ds->branch = BRANCH_SETTLE;
        ds->grant = 0;
        break;
    case MS_OUTCOME_PLAINTIFF_WINS:
        ds->branch = BRANCH_TRIAL;
        ds->plaintiff = 1;
        ds->grant = 0;
        break;
    case MS_OUTCOME_DISMISSED:
        ds->branch = BRANCH_DISMISS;
        ds->grant = 0;
        break;
    default:
        break;
    }
}

static double main_time(const mk_dispute *ds)
{
    return ds->branch == BRANCH_SETTLE  ? ds->t_settle
           : ds->branch == BRANCH_TRIAL ? ds->t_trial
                                        : ds->t_dismiss;
}

static ms_status file_suit(mk_market *m, double now)
{
    mk_dispute *ds = &m->dsp;
    choose_path(m);
    enter(m, MK_DS_FILED, "dispute_filed", "");
    double t_main = main_time(ds);
    int forced_pi = m->sc->dispute.outcome == MS_OUTCOME_INJUNCTION;
    if (ds->motion)
        row(m, "dispute_pi_motion", "");
    if (ds->motion && (forced_pi || ds->t_pi <= t_main)) {
        ms_status st = at(m, now + ds->t_pi, STEP_PI);
        if (st != MS_OK || (ds->grant && (forced_pi || ds->t_pi <= t_main)))
            return st; /* the injunction will end the case first */
    }
    return at(m, now + t_main, STEP_MAIN);
}

static ms_status decide(mk_market *m, double now)
{
    const ms_dispute *d = &m->sc->dispute;
    int amend = d->outcome == MS_OUTCOME_AMENDED ||
                (d->outcome == MS_OUTCOME_STOCHASTIC && m->dsp.u_amend < d->p_amend);
    if (amend) {
        resolve(m, MK_DS_AMENDED, MS_OUTCOME_AMENDED, d->regime_amended, "dispute_amended", "");
        return MS_OK;
    }
    return file_suit(m, now);
}

static void judgment(mk_market *m)
{
    const ms_dispute *d = &m->sc->dispute;
    mk_dispute *ds = &m->dsp;
    if (ds->branch == BRANCH_SETTLE) {
        resolve(m, MK_DS_SETTLED, MS_OUTCOME_SETTLED, d->regime_settled, "dispute_settled", "");
        return;
    }
    if (ds->branch == BRANCH_TRIAL) {
        row(m, "dispute_trial", "judgment");
        if (ds->plaintiff) {
            resolve(m, MK_DS_PLAINTIFF_WINS, MS_OUTCOME_PLAINTIFF_WINS, d->regime_plaintiff_wins,
                    "dispute_plaintiff_wins", "judgment for plaintiff");
            return;
        }
        resolve(m, MK_DS_DISMISSED, MS_OUTCOME_DISMISSED, d->regime_dismissed, "dispute_dismissed",
                "judgment for defendant");
        return;
    }
    resolve(m, MK_DS_DISMISSED, MS_OUTCOME_DISMISSED, d->regime_dismissed, "dispute_dismissed", "");
}

ms_status mk_dispute_on_event(ms_engine *eng, void *model, const ms_event *ev)
{
    mk_market *m = model;
    const ms_dispute *d = &m->sc->dispute;
    double now = ms_engine_now(eng);
    if (mk_dispute_resolved(m))
        return MS_OK; /* a branch overtaken by an earlier terminal event */
    switch ((int)ev->data) {
    case STEP_THREAT:
        m->dsp.triggered = 1;
        m->dsp.threat_time = now;
        enter(m, MK_DS_THREAT, "dispute_threat", "");
        return at(m, now + 0.5 * m->dsp.t_neg, STEP_NEGOTIATION);
    case STEP_NEGOTIATION:
        enter(m, MK_DS_NEGOTIATION, "dispute_negotiation", "");
        if (d->outcome == MS_OUTCOME_NONE)
            return MS_OK; /* forced: never resolved */
        return at(m, now + 0.5 * m->dsp.t_neg, STEP_DECIDE);
    case STEP_DECIDE:
        return decide(m, now);
    case STEP_PI:
        if (m->dsp.grant) {
            resolve(m, MK_DS_INJUNCTION, MS_OUTCOME_INJUNCTION, d->regime_injunction,
                    "dispute_injunction", "preliminary injunction granted");
            return MS_OK;
        }
        row(m, "dispute_pi_denied", "");
        return MS_OK;
    case STEP_MAIN:
        judgment(m);
        return MS_OK;
    default:
        return MS_ESTATE;
    }
}
