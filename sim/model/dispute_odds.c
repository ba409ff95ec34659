/* dispute_odds.c - the probability of each ending of the dispute within
 * the horizon, computed from the state machine of dispute.c rather than
 * estimated from replications.
 *
 * The stochastic dispute (dispute.c) decides at T0 + N (N the negotiation
 * time): AMENDED with p_amend, else FILED. After filing, with remaining time
 * R = H - T0 - N, a granted motion (probability g = p_pi_motion p_pi_grant)
 * ends the case at P if P <= X_b (X_b the time of the main branch b, drawn
 * with probability q_b); otherwise branch b ends it at X_b. An ending
 * counts when it happens by the horizon. All timings are independent
 * lognormals (median m, log-sd sigma), so, with F the CDF and Q = 1 - F:
 *
 *   P(amended)     = p_amend F_N(H - T0)
 *   J_b(R)         = P(P <= R, P <= X_b) = int_{x<=R} f_P(x) Q_b(x) dx
 *   K_b(R)         = P(X_b <= R, X_b < P) = 1 - Q_P(R) Q_b(R) - J_b(R)
 *   injunction | R = g sum_b q_b J_b(R)
 *   branch b | R   = (1 - g) F_b(R) + g K_b(R)
 *
 * and each filed ending is (1 - p_amend) E_N[ending | R]. The two
 * integrals run in standard-normal coordinates (x = m e^{sigma z}, weight
 * phi(z)), where every integrand is smooth, with fixed Gauss-Legendre
 * rules on z in [-Z, Z] (GSL's glfixed: no adaptive error paths, no global
 * error handler, the same bits on every run). Z = 9 drops mass below 1e-18;
 * tests/unit/test_compare.c checks the result against the closed form of
 * an unbounded horizon and against the model's own replications.
 *
 * Exact needs continuous timings: with timing_sigma = 0 or a median of 0
 * the times are point masses, ties and endings exactly at the horizon
 * carry probability, and the caller estimates from replications instead.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>

#include "marketsim/market.h"

#define Z_MAX 9.0
#define NODES 256

enum { B_SETTLE = 0, B_TRIAL, B_DISMISS, B_COUNT };

typedef struct {
    double sigma;
    double m_neg, m_pi, m_branch[B_COUNT];
    double q[B_COUNT]; /* branch probabilities */
    double g;          /* a granted preliminary-injunction motion */
    const gsl_integration_glfixed_table *rule;
} odds_ctx;

/* P(X <= x) for a lognormal time of median m; Q is its complement (kept
 * separate so small tails keep their digits). */
static double cdf(const odds_ctx *c, double m, double x)
{
    return x > 0.0 ? gsl_cdf_ugaussian_P(log(x / m) / c->sigma) : 0.0;
}

static double ccdf(const odds_ctx *c, double m, double x)
{
    return x > 0.0 ? gsl_cdf_ugaussian_Q(log(x / m) / c->sigma) : 1.0;
}

/* The standard-normal coordinate of time x, clamped to the rule's range. */
static double z_of(const odds_ctx *c, double m, double x)
{
    if (!(x > 0.0))
        return -Z_MAX;
    double z = log(x / m) / c->sigma;
    return z < -Z_MAX ? -Z_MAX : z > Z_MAX ? Z_MAX : z;
}

/* int_{-Z}^{b} phi(z) h(z) dz by the fixed rule. */
typedef double (*z_fn)(const odds_ctx *c, double x, const void *arg);

static double integrate(const odds_ctx *c, double m, double b, z_fn h, const void *arg)
{
    if (!(b > -Z_MAX))
        return 0.0;
    double sum = 0.0;
    for (size_t i = 0; i < c->rule->n; i++) {
        double z, w;
        gsl_integration_glfixed_point(-Z_MAX, b, i, &z, &w, c->rule);
        double phi = exp(-0.5 * z * z) / sqrt(2.0 * M_PI);
        sum += w * phi * h(c, m * exp(c->sigma * z), arg);
    }
    return sum;
}

/* Q_b(x): the main branch has not ended by the time the ruling comes. */
static double branch_later(const odds_ctx *c, double x, const void *arg)
{
    return ccdf(c, c->m_branch[*(const int *)arg], x);
}

/* The filed endings given R months left after filing: out[0] injunction,
 * out[1 + b] branch b. */
static void after_filing(const odds_ctx *c, double r, double out[1 + B_COUNT])
{
    out[0] = 0.0;
    for (int b = 0; b < B_COUNT; b++) {
        double j = integrate(c, c->m_pi, z_of(c, c->m_pi, r), branch_later, &b);
        double fb = cdf(c, c->m_branch[b], r);
        double k = 1.0 - ccdf(c, c->m_pi, r) * ccdf(c, c->m_branch[b], r) - j;
        out[0] += c->g * c->q[b] * j;
        out[1 + b] = c->q[b] * ((1.0 - c->g) * fb + c->g * k);
    }
}

/* Continuous timings: every median and the log-sd positive. */
static int continuous(const ms_dispute *d)
{
    return d->timing_sigma > 0.0 && d->negotiation_months > 0.0 && d->pi_months > 0.0 &&
           d->settle_months > 0.0 && d->trial_months > 0.0 && d->dismiss_months > 0.0;
}

static void fill(odds_ctx *c, const ms_dispute *d)
{
    c->sigma = d->timing_sigma;
    c->m_neg = d->negotiation_months;
    c->m_pi = d->pi_months;
    c->m_branch[B_SETTLE] = d->settle_months;
    c->m_branch[B_TRIAL] = d->trial_months;
    c->m_branch[B_DISMISS] = d->dismiss_months;
    c->q[B_SETTLE] = d->p_settle;
    c->q[B_TRIAL] = d->p_trial;
    c->q[B_DISMISS] = fmax(0.0, 1.0 - d->p_settle - d->p_trial);
    c->g = d->p_pi_motion * d->p_pi_grant;
}

/* The endings of a case triggered with r0 months left. The filed ones
 * integrate after_filing over the negotiation time n (R = r0 - n), all
 * four in one pass of the rule. */
static void endings(const odds_ctx *c, const ms_dispute *d, double r0, double p[MS_OUTCOME_COUNT])
{
    double filed[1 + B_COUNT] = {0}, out[1 + B_COUNT];
    double b = z_of(c, c->m_neg, r0);
    for (size_t i = 0; b > -Z_MAX && i < c->rule->n; i++) {
        double z, w;
        gsl_integration_glfixed_point(-Z_MAX, b, i, &z, &w, c->rule);
        double r = r0 - c->m_neg * exp(c->sigma * z);
        if (!(r > 0.0))
            continue;
        after_filing(c, r, out);
        double wphi = w * exp(-0.5 * z * z) / sqrt(2.0 * M_PI);
        for (int k = 0; k < 1 + B_COUNT; k++)
            filed[k] += wphi * out[k];
    }
    for (int k = 0; k < 1 + B_COUNT; k++)
        filed[k] *= 1.0 - d->p_amend;
    p[MS_OUTCOME_AMENDED] = d->p_amend * cdf(c, c->m_neg, r0);
    p[MS_OUTCOME_INJUNCTION] = filed[0];
    p[MS_OUTCOME_SETTLED] = filed[1 + B_SETTLE];
    p[MS_OUTCOME_PLAINTIFF_WINS] = d->p_plaintiff_wins * filed[1 + B_TRIAL];
    p[MS_OUTCOME_DISMISSED] =
        (1.0 - d->p_plaintiff_wins) * filed[1 + B_TRIAL] + filed[1 + B_DISMISS];
}

int ms_market_outcome_odds(const ms_scenario *sc, double p[MS_OUTCOME_COUNT])
{
    const ms_dispute *d = &sc->dispute;
    memset(p, 0, MS_OUTCOME_COUNT * sizeof *p);
    double t0 = d->trigger_month > 0.0 ? d->trigger_month : 0.0;
    if (!d->enabled || t0 > sc->horizon_months) {
        p[MS_OUTCOME_NONE] = 1.0; /* never triggered: nothing is random */
        return 1;
    }
    if (!continuous(d))
        return 0;
    odds_ctx c;
    fill(&c, d);
    gsl_integration_glfixed_table *rule = gsl_integration_glfixed_table_alloc(NODES);
    if (!rule)
        return -1;
    c.rule = rule;
    endings(&c, d, (double)sc->horizon_months - t0, p);
    gsl_integration_glfixed_table_free(rule);
    double resolved = 0.0;
    for (int k = MS_OUTCOME_AMENDED; k <= MS_OUTCOME_DISMISSED; k++)
        resolved += p[k];
    p[MS_OUTCOME_NONE] = resolved < 1.0 ? 1.0 - resolved : 0.0;
    return 1;
}
