"""decision.py - figures of `marketsim compare` (compare.csv,
compare_monthly.csv), of the outcome fan (`compare --outcomes`,
outcomes.csv) and of `marketsim sensitivity` (sensitivity.csv), from the
columns docs/decisions.md documents.

Differences are B - A, taken per replication (paired); shares are drawn in
percentage points.
"""
import os

import matplotlib.pyplot as plt
import numpy as np

from .common import (Figure, InputError, Provenance, colour, diff_unit, finish, grid,
                     metric_info, ordered, read_csv)

COMPARE = ["metric", "subject", "mean_a", "mean_b", "diff", "diff_sd", "ci95_low", "ci95_high",
           "unpaired_ci95_low", "unpaired_ci95_high", "variance_reduction", "n"]
MONTHLY = ["month", "metric", "subject", "diff", "ci95_low", "ci95_high", "n"]
OUTCOMES = ["outcome", "probability", "metric", "subject", "mean", "ci95_low", "ci95_high",
            "diff", "diff_ci95_low", "diff_ci95_high", "n"]
SENS = ["method", "metric", "subject", "key", "noise_share"]
SOBOL = ["S1", "S1_ci95_low", "S1_ci95_high", "ST", "ST_ci95_low", "ST_ci95_high"]
MORRIS = ["mu", "mu_star", "mu_star_ci95_low", "mu_star_ci95_high", "sigma"]


def _err(m, lo, hi):
    """Whisker lengths (2 x n) from a mean and its interval, NaN -> 0."""
    return np.nan_to_num(np.abs(np.vstack([m - lo, hi - m])))


def _side(d, name):
    p = os.path.join(d, name)
    return Provenance(p) if os.path.isdir(p) else None


class Compare:
    def __init__(self, d):
        self.dir = d
        self.prov = Provenance(d)
        a, b = _side(d, "a"), _side(d, "b")
        if a is not None and self.prov.seed == "unknown":
            self.prov = a  # the sides carry the seed, commit and replications
        self.names = (a.scenario if a else "A", b.scenario if b else "B")
        if b is not None and a is not None and a.scenario == b.scenario:
            self.names = ("A", "B")
        self.final = read_csv(os.path.join(d, "compare.csv"), COMPARE, COMPARE[2:],
                              optional=True)
        self.monthly = read_csv(os.path.join(d, "compare_monthly.csv"), MONTHLY,
                                ["month", "diff", "ci95_low", "ci95_high", "n"], optional=True)

    def what(self):
        return "%s minus %s" % (self.names[1], self.names[0])


def _compare_monthly(c):
    m = c.monthly
    for metric in ordered(m["metric"]):
        t = m[m["metric"] == metric]
        label, k, unit = metric_info(metric)
        fig, ax = plt.subplots()
        for subj in ordered(t["subject"]):
            u = t[t["subject"] == subj].sort_values("month")
            col = colour(subj)
            ax.plot(u["month"], u["diff"] * k, color=col, lw=1.5, label=subj)
            ax.fill_between(u["month"], u["ci95_low"] * k, u["ci95_high"] * k, color=col,
                            alpha=0.2, lw=0)
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xlabel("month since start")
        ax.set_ylabel("difference, " + diff_unit(unit))
        ax.set_title(c.prov.title("%s, %s" % (label, c.what())))
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
        yield Figure("compare_%s_by_month" % metric,
                     "paired difference of %s by month with its 95%% band" % label,
                     finish(fig, c.prov, "band: paired 95% CI (same seeds on both sides)"))


def _compare_final(c):
    f = c.final
    metrics = ordered(f["metric"])
    fig, axes = grid(len(metrics), row_height=0.4 + 0.32 * f.groupby("metric").size().max(),
                     max_cols=2)
    for ax, metric in zip(axes, metrics):
        t = f[f["metric"] == metric]
        label, k, unit = metric_info(metric)
        y = np.arange(len(t))
        d = t["diff"].to_numpy() * k
        ax.barh(y, d, color=[colour(s) for s in t["subject"]], height=0.6)
        ax.errorbar(d, y + 0.18, xerr=_err(d, t["unpaired_ci95_low"] * k,
                                           t["unpaired_ci95_high"] * k),
                    fmt="none", ecolor="#999999", capsize=2, lw=0.8)
        ax.errorbar(d, y, xerr=_err(d, t["ci95_low"] * k, t["ci95_high"] * k), fmt="none",
                    ecolor="black", capsize=3, lw=1)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_yticks(y, [str(s) for s in t["subject"]])
        ax.invert_yaxis()
        ax.set_xlabel(diff_unit(unit))
        ax.set_title(label)
    fig.suptitle(c.prov.title("final differences, " + c.what()), fontsize=10)
    return Figure("compare_final", "final differences with paired (black) and unpaired (grey) "
                  "95% intervals", finish(fig, c.prov, "black: paired 95% CI, grey: as if "
                                          "independent"))


class Outcomes:
    def __init__(self, d):
        self.dir = d
        self.prov = Provenance(d)
        self.o = read_csv(os.path.join(d, "outcomes.csv"), OUTCOMES,
                          ["probability", "mean", "ci95_low", "ci95_high", "diff",
                           "diff_ci95_low", "diff_ci95_high", "n"])
        # how the probabilities were found (exact or estimated), when told
        pr = read_csv(os.path.join(d, "outcome_probabilities.csv"), ["outcome", "method"],
                      optional=True)
        self.method = "/".join(ordered(pr["method"].astype(str))) if pr is not None else ""


def _outcome_fan(oc, metric):
    o = oc.o
    t = o[o["metric"] == metric]
    outcomes = ordered(t["outcome"])
    subjects = ordered(t["subject"])
    label, k, unit = metric_info(metric)
    fig, (top, ax) = plt.subplots(2, 1, figsize=(8, 5.6), sharex=True,
                                  gridspec_kw={"height_ratios": [1, 3]})
    prob = t.groupby("outcome", sort=False)["probability"].first().reindex(outcomes)
    x = np.arange(len(outcomes))
    top.bar(x, prob.to_numpy() * 100, color=[colour(v) for v in outcomes], width=0.6)
    for xi, p in zip(x, prob.to_numpy()):
        if np.isfinite(p):
            top.text(xi, p * 100 + 2, "%.0f%%" % (p * 100), ha="center", fontsize=7)
    top.set_ylabel("probability, %")
    top.set_title("expected: the forced outcomes' total probability", fontsize=7, loc="right")
    top.set_ylim(0, 115)
    w = 0.8 / max(len(subjects), 1)
    for i, subj in enumerate(subjects):
        u = t[t["subject"] == subj].set_index("outcome").reindex(outcomes)
        m = u["mean"].to_numpy() * k
        ax.errorbar(x + (i - (len(subjects) - 1) / 2) * w, m,
                    yerr=_err(m, u["ci95_low"].to_numpy() * k, u["ci95_high"].to_numpy() * k),
                    fmt="o", ms=5, capsize=2, color=colour(subj), label=subj)
    ax.set_xticks(x, [str(v) for v in outcomes])
    ax.set_xlabel("dispute outcome (forced; 'expected' = probability-weighted)")
    ax.set_ylabel(unit)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    top.set_title(oc.prov.title("%s under each outcome" % label))
    return Figure("outcomes_" + metric, "%s under each dispute outcome with 95%% intervals, "
                  "and the outcomes' probabilities" % label,
                  finish(fig, oc.prov, "whiskers: 95% CI over replications" +
                         (" · probabilities: " + oc.method if oc.method else "")))


class Sensitivity:
    def __init__(self, d):
        self.dir = d
        self.prov = Provenance(d)
        path = os.path.join(d, "sensitivity.csv")
        s = read_csv(path, SENS, ["noise_share"])
        self.methods = ordered(s["method"])
        for meth in self.methods:
            need = SOBOL if meth == "sobol" else MORRIS if meth == "morris" else None
            if need is None:
                raise InputError("%s: unknown method '%s' (expected sobol or morris)"
                                 % (path, meth))
            s = read_csv(path, SENS + need, ["noise_share"] + need)
        self.s = s


def _sens_figs(se):
    s = se.s
    for meth in se.methods:
        for metric in ordered(s[(s["method"] == meth)]["metric"]):
            t = s[(s["method"] == meth) & (s["metric"] == metric)]
            subjects = ordered(t["subject"])
            label, k, unit = metric_info(metric)
            fig, axes = grid(len(subjects), row_height=2.8)
            for ax, subj in zip(axes, subjects):
                u = t[t["subject"] == subj]
                noise = u["noise_share"].iloc[0]
                if meth == "sobol":
                    _sobol_panel(ax, u)
                else:
                    _morris_panel(ax, u, k)
                ax.set_title("%s (noise %.0f%%)" % (subj, 100 * noise) if np.isfinite(noise)
                             else str(subj), color=colour(subj), fontsize=9)
            if meth == "sobol":
                axes[0].legend(loc="upper right", frameon=False)
                what = "Sobol S1 and ST of %s per key with 95%% intervals" % label
            else:
                for ax in axes:
                    ax.set_xlabel("mu*, " + diff_unit(unit))
                    ax.set_ylabel("sigma, " + diff_unit(unit))
                what = "Morris mu* against sigma of %s per key" % label
            fig.suptitle("%s: %s, %s (%s)" % (se.prov.scenario, meth, label, "noise: share of "
                         "variance that is replication noise"), fontsize=10)
            yield Figure("sensitivity_%s_%s" % (meth, metric), what,
                         finish(fig, se.prov, "whiskers: bootstrap 95% CI"))


def _sobol_panel(ax, u):
    y = np.arange(len(u))
    if u[["S1", "ST"]].isna().all().all():  # a metric that never varied
        ax.text(0.5, 0.5, "undefined: no variance", transform=ax.transAxes, ha="center",
                fontsize=8, color="#555555")
    for off, idx, col in ((-0.18, "S1", "#0072B2"), (0.18, "ST", "#E69F00")):
        v = np.nan_to_num(u[idx].to_numpy(dtype=float))
        ax.barh(y + off, v, height=0.34, color=col, label=idx)
        ax.errorbar(v, y + off, xerr=_err(v, u[idx + "_ci95_low"].to_numpy(),
                                          u[idx + "_ci95_high"].to_numpy()),
                    fmt="none", ecolor="black", capsize=2, lw=0.7)
    ax.set_yticks(y, [str(x) for x in u["key"]], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(min(0, ax.get_xlim()[0]), max(1.0, ax.get_xlim()[1]))
    ax.set_xlabel("index (share of variance)")


def _morris_panel(ax, u, k):
    m = np.nan_to_num(u["mu_star"].to_numpy(dtype=float)) * k
    sg = np.nan_to_num(u["sigma"].to_numpy(dtype=float)) * k
    ax.errorbar(m, sg, xerr=_err(m, u["mu_star_ci95_low"].to_numpy() * k,
                                 u["mu_star_ci95_high"].to_numpy() * k),
                fmt="o", ms=4, color="#0072B2", ecolor="#888888", capsize=2)
    for x, y, key in zip(m, sg, u["key"]):
        ax.annotate(str(key), (x, y), fontsize=6.5, xytext=(3, 3), textcoords="offset points")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)


def figures(data):
    if isinstance(data, Compare):
        if data.monthly is not None:
            yield from _compare_monthly(data)
        if data.final is not None:
            yield _compare_final(data)
    elif isinstance(data, Outcomes):
        for metric in ordered(data.o["metric"]):
            if metric in ("final_share_spend", "vendor_share_spend", "adoption_rate",
                          "deferral_rate", "final_share_buyers"):
                yield _outcome_fan(data, metric)
    elif isinstance(data, Sensitivity):
        yield from _sens_figs(data)
