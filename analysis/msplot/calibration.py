"""calibration.py - figures of a `marketsim calibrate` directory, from the
columns docs/calibration.md documents:

- fit.csv: each target with its 95% error bar (value +/- 1.96 se) against
  the simulated mean and its 95% interval; targets in the objective are
  filled, held-out targets hollow, the holdout boundary marked;
- calibration.csv: the objective at every evaluation (log scale) with the
  best so far, and each fitted key's value by evaluation;
- parameters.csv: each fitted value with +/- 1.96 se inside its bounds.
"""
import os

import matplotlib.pyplot as plt
import numpy as np

from .common import (Figure, InputError, Provenance, colour, finish, grid, metric_info,
                     ordered, read_csv)

FIT = ["month", "metric", "subject", "target", "se", "simulated", "ci95_low", "ci95_high", "z",
       "set"]
EVALS = ["eval", "objective"]
PARAMS = ["key", "value", "se", "lo", "hi", "at_bound"]


class Calibration:
    def __init__(self, d):
        self.dir = d
        self.prov = Provenance(d)
        p = lambda f: os.path.join(d, f)  # noqa: E731
        self.fit = read_csv(p("fit.csv"), FIT, FIT[:1] + FIT[3:9], optional=True)
        self.evals = read_csv(p("calibration.csv"), EVALS, EVALS, optional=True)
        self.params = read_csv(p("parameters.csv"), PARAMS, ["value", "se", "lo", "hi"],
                               optional=True)
        if self.evals is not None:
            cols = list(self.evals.columns)
            self.keys = cols[cols.index("eval") + 1:cols.index("objective")]
            if not self.keys:
                raise InputError("%s: no fitted-key columns between 'eval' and 'objective'"
                                 % p("calibration.csv"))
            self.evals = read_csv(p("calibration.csv"), EVALS, EVALS + self.keys)


def _fit_panel(ax, t, k):
    for subj in ordered(t["subject"]):
        u = t[t["subject"] == subj].sort_values("month")
        col = colour(subj)
        ax.plot(u["month"], u["simulated"] * k, color=col, lw=1, ls=":")
        ax.fill_between(u["month"], u["ci95_low"] * k, u["ci95_high"] * k, color=col,
                        alpha=0.18, lw=0, step=None)
        for st, face in (("fit", col), ("holdout", "white")):
            v = u[u["set"] == st]
            if v.empty:
                continue
            ax.errorbar(v["month"], v["target"] * k, yerr=1.96 * v["se"] * k, fmt="o", ms=5,
                        mfc=face, mec=col, ecolor=col, capsize=2, lw=0.9,
                        label=subj if st == "fit" or (u["set"] == "fit").sum() == 0 else None)


def _fig_fit(c):
    f = c.fit
    monthly = f[f["month"].notna()]
    overall = f[f["month"].isna()]
    metrics = ordered(monthly["metric"])
    n = len(metrics) + (1 if len(overall) else 0)
    fig, axes = grid(n, row_height=3.0, max_cols=2)
    hold = f[f["set"] == "holdout"]["month"].dropna()
    for ax, metric in zip(axes, metrics):
        label, k, unit = metric_info(metric)
        _fit_panel(ax, monthly[monthly["metric"] == metric], k)
        if len(hold):
            ax.axvline(hold.min() - 0.5, color="#555555", ls="--", lw=0.8)
            ax.text(hold.min() - 0.5, 0.98, " holdout ", transform=ax.get_xaxis_transform(),
                    fontsize=7, va="top", color="#555555")
        ax.set_title(label)
        ax.set_xlabel("month")
        ax.set_ylabel(unit)
        ax.legend(fontsize=7, frameon=False)
    if len(overall):
        ax = axes[-1]
        y = np.arange(len(overall))
        labels, tv, se, sim, lo, hi = [], [], [], [], [], []
        for _, r in overall.iterrows():
            _, k, unit = metric_info(r["metric"])
            labels.append("%s %s (%s)" % (r["metric"], r["subject"], unit))
            tv.append(r["target"] * k); se.append(r["se"] * k); sim.append(r["simulated"] * k)
            lo.append(r["ci95_low"] * k); hi.append(r["ci95_high"] * k)
        sim = np.array(sim)
        ax.errorbar(sim, y + 0.15, xerr=np.abs(np.vstack([sim - lo, np.array(hi) - sim])),
                    fmt="s", ms=4, color="#0072B2", capsize=2, label="simulated")
        mfc = ["black" if s == "fit" else "white" for s in overall["set"]]
        for i in range(len(y)):
            ax.errorbar(tv[i], y[i] - 0.15, xerr=1.96 * se[i], fmt="o", ms=5, mfc=mfc[i],
                        mec="black", ecolor="black", capsize=2,
                        label="target" if i == 0 else None)
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_ylim(len(y) - 0.5, -0.5)
        ax.set_title("targets over the whole run")
        ax.legend(fontsize=7, frameon=False)
    fig.suptitle(c.prov.title("targets against the simulated band"), fontsize=10)
    return Figure("calibration_fit", "targets (95% error bars; filled: fitted, hollow: held "
                  "out) against the simulated mean and 95% band",
                  finish(fig, c.prov, "target bars: +/-1.96 se; band: 95% CI over "
                         "replications"))


def _fig_objective(c):
    e = c.evals
    fig, axes = grid(1 + len(c.keys), row_height=2.6, max_cols=2)
    ax = axes[0]
    obj = e["objective"].to_numpy(dtype=float)
    phase = e["phase"] if "phase" in e.columns else np.array(["search"] * len(e))
    search = (phase == "search").to_numpy() if hasattr(phase, "to_numpy") else phase == "search"
    ax.plot(e["eval"][search], obj[search], "o", ms=2.5, color="#999999", label="search")
    if (~search).any():
        ax.plot(e["eval"][~search], obj[~search], "x", ms=4, color="#0072B2",
                label="standard-error steps")
    ax.plot(e["eval"], np.fmin.accumulate(np.where(search, obj, np.inf)), color="#D55E00",
            lw=1.5, label="best so far")
    if (obj > 0).all():
        ax.set_yscale("log")
    ax.set_xlabel("evaluation")
    ax.set_ylabel("objective (sum of squared z)")
    ax.legend(frameon=False)
    best = int(np.nanargmin(np.where(search, obj, np.inf)))
    for ax, key in zip(axes[1:], c.keys):
        ax.plot(e["eval"], e[key], color="#0072B2", lw=1)
        ax.axhline(e[key].iloc[best], color="#D55E00", lw=0.8, ls="--")
        ax.set_xlabel("evaluation")
        ax.set_ylabel(key)
    fig.suptitle(c.prov.title("objective and fitted keys by evaluation"), fontsize=10)
    return Figure("calibration_objective", "the objective by evaluation with the best so far, "
                  "and each fitted key's path", finish(fig, c.prov, "dashed: value at the best "
                                                        "evaluation"))


def _fig_params(c):
    p = c.params
    fig, ax = plt.subplots(figsize=(8, 1.4 + 0.45 * len(p)))
    y = np.arange(len(p))
    span = (p["hi"] - p["lo"]).to_numpy()
    pos = (p["value"] - p["lo"]).to_numpy() / span
    err = 1.96 * p["se"].to_numpy() / span
    ax.errorbar(pos, y, xerr=np.nan_to_num(err), fmt="o", color="#0072B2", capsize=3)
    ident = p["identified"] if "identified" in p.columns else [1] * len(p)
    weak = p["weak"] if "weak" in p.columns else [0] * len(p)  # older files lack it
    for i, (r, idf, wk) in enumerate(zip(p.itertuples(), ident, weak)):
        flags = []
        if _true(r.at_bound):
            flags.append("at bound")
        if not _true(idf):
            flags.append("not identified")
        elif _true(wk):
            flags.append("weak")
        se = "+/- %.2g" % (1.96 * r.se) if np.isfinite(r.se) else "(no se)"
        ax.annotate("%.4g %s%s" % (r.value, se, "  " + ", ".join(flags).upper() if flags else ""),
                    (pos[i], y[i]), xytext=(0, 7), textcoords="offset points", ha="center",
                    fontsize=7, color="#D55E00" if flags else "black")
    ax.set_yticks(y, ["%s [%g, %g]" % (r.key, r.lo, r.hi) for r in p.itertuples()])
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(len(p) - 0.4, -0.6)
    ax.set_xlabel("position within the key's bounds (0 = lo, 1 = hi); whiskers: +/-1.96 se")
    ax.set_title(c.prov.title("fitted parameters"))
    return Figure("calibration_parameters", "each fitted value with its 95% interval inside "
                  "its bounds", finish(fig, c.prov))


def _true(v):
    return str(v).strip().lower() not in ("0", "false", "", "no", "nan")


def figures(c):
    if c.fit is not None and len(c.fit):
        yield _fig_fit(c)
    if c.evals is not None and len(c.evals):
        yield _fig_objective(c)
    if c.params is not None and len(c.params):
        yield _fig_params(c)
