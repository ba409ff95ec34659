"""sweep.py - the figures of a `marketsim sweep` directory, one per metric,
from sweep_summary.csv (a point's mean over replications and its 95%
interval):

- one varied key: the mean against the key with its 95% band, a line per
  subject (a key with words, such as a regime, gets points with whiskers);
- two keys: a heat map of the mean per subject (when the design is not a
  grid, lhs, sobol or a design file: a scatter coloured by the mean, or
  beyond 400 points the mean over the points in each of 30 x 30 cells);
- more keys: small multiples, the mean against each key in turn, with the
  mean over the other keys' values in bins of that key.
"""
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .common import (Figure, InputError, Provenance, colour, finish, grid, metric_info,
                     ordered, read_csv)

COLUMNS = ["point", "metric", "subject", "mean", "ci95_low", "ci95_high", "n"]


class Sweep:
    def __init__(self, d):
        self.dir = d
        self.prov = Provenance(d)
        path = os.path.join(d, "sweep_summary.csv")
        s = read_csv(path, COLUMNS, ["point", "mean", "ci95_low", "ci95_high", "n"])
        cols = list(s.columns)
        i, j = cols.index("point"), cols.index("metric")
        self.keys = cols[i + 1:j]
        if not self.keys:
            raise InputError("%s: no varied-key columns between 'point' and 'metric'" % path)
        self.numeric = {}
        for k in self.keys:
            v = pd.to_numeric(s[k], errors="coerce")
            self.numeric[k] = bool(v.notna().all())
            if self.numeric[k]:
                s[k] = v
        self.s = s
        self.points = int(s["point"].nunique())
        if self.prov.replications == "?":
            self.prov.replications = str(int(s["n"].max())) if len(s) else "?"

    def title(self, label, against):
        return "%s: %s against %s\n(%s replications a point)" % (
            self.prov.scenario, label, against, self.prov.replications)


def _one_key(ax, t, key, numeric, k):
    subjects = ordered(t["subject"])
    if numeric:
        for subj in subjects:
            u = t[t["subject"] == subj].sort_values(key, kind="stable")
            c = colour(subj)
            ax.plot(u[key], u["mean"] * k, color=c, lw=1.5, label=subj,
                    marker="o" if len(u) <= 30 else None, ms=3)
            if u["ci95_low"].notna().any():
                ax.fill_between(u[key], u["ci95_low"] * k, u["ci95_high"] * k, color=c,
                                alpha=0.2, lw=0)
        return
    cats = ordered(t[key])
    width = 0.7 / max(len(subjects), 1)
    for i, subj in enumerate(subjects):
        u = t[t["subject"] == subj].set_index(key).reindex(cats)
        x = np.arange(len(cats)) + (i - (len(subjects) - 1) / 2) * width
        m = u["mean"].to_numpy() * k
        err = np.abs(np.vstack([m - u["ci95_low"].to_numpy() * k,
                                u["ci95_high"].to_numpy() * k - m]))
        ax.errorbar(x, m, yerr=np.nan_to_num(err), fmt="o", ms=4, capsize=2,
                    color=colour(subj), label=subj)
    ax.set_xticks(np.arange(len(cats)), [str(c) for c in cats])


def _heat(ax, fig, u, kx, ky, k, unit):
    # a grid design has every (x, y) pair once; anything else (lhs, sobol)
    # would make a mostly empty nx x ny table (10^8 cells at 10^4 points)
    grid_design = u[kx].nunique() * u[ky].nunique() == len(u)
    piv = u.pivot_table(index=ky, columns=kx, values="mean") if grid_design else None
    if piv is not None and not piv.isna().any().any():
        x, y = piv.columns.to_numpy(dtype=float), piv.index.to_numpy(dtype=float)
        im = ax.pcolormesh(_edges(x), _edges(y), piv.to_numpy() * k, cmap="viridis",
                           shading="flat")
    elif len(u) <= 400:
        im = ax.scatter(u[kx], u[ky], c=u["mean"] * k, cmap="viridis", s=12, lw=0)
    else:  # many scattered points: the mean in 30 x 30 cells (empty cells blank)
        x, y = u[kx].to_numpy(dtype=float), u[ky].to_numpy(dtype=float)
        cnt, ex, ey = np.histogram2d(x, y, bins=30)
        tot, _, _ = np.histogram2d(x, y, bins=(ex, ey), weights=u["mean"].to_numpy() * k)
        with np.errstate(invalid="ignore", divide="ignore"):
            cell = np.where(cnt > 0, tot / cnt, np.nan)
        im = ax.pcolormesh(ex, ey, cell.T, cmap="viridis", shading="flat")
    fig.colorbar(im, ax=ax, label=unit)
    ax.set_xlabel(kx)
    ax.set_ylabel(ky)
    ax.grid(False)


def _edges(v):
    """Cell edges around sorted centres v (half-way between neighbours)."""
    if len(v) == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[2 * v[0] - mid[0]], mid, [2 * v[-1] - mid[-1]]])


def _binned(ax, u, key, k, c):
    x = u[key].to_numpy(dtype=float)
    uniq = np.unique(x)
    if len(uniq) <= 20:
        centres = uniq
        idx = np.searchsorted(uniq, x)
    else:
        edges = np.quantile(x, np.linspace(0, 1, 11))
        idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, 9)
        centres = np.array([x[idx == b].mean() if (idx == b).any() else np.nan
                            for b in range(10)])
    means = np.array([u["mean"].to_numpy()[idx == b].mean() if (idx == b).any() else np.nan
                      for b in range(len(centres))])
    ax.plot(centres, means * k, color=c, lw=1.8)


def figures(sw, want=lambda name: True):
    s = sw.s
    for metric in ordered(s["metric"]):
        if not want("sweep_" + metric):
            continue
        t = s[s["metric"] == metric]
        label, k, unit = metric_info(metric)
        subjects = ordered(t["subject"])
        if len(sw.keys) == 1:
            key = sw.keys[0]
            fig, ax = plt.subplots()
            _one_key(ax, t, key, sw.numeric[key], k)
            ax.set_xlabel(key)
            ax.set_ylabel(unit)
            ax.set_title(sw.title(label, key))
            ax.legend(title="subject", loc="center left", bbox_to_anchor=(1.0, 0.5),
                      frameon=False)
            what = "%s against %s with 95%% bands" % (label, key)
        elif len(sw.keys) == 2 and all(sw.numeric[x] for x in sw.keys):
            kx, ky = sw.keys
            fig, axes = grid(len(subjects), fixed=True)
            for ax, subj in zip(axes, subjects):
                _heat(ax, fig, t[t["subject"] == subj], kx, ky, k, unit)
                ax.set_title(str(subj), color=colour(subj))
            fig.suptitle(sw.title(label, "%s and %s" % (kx, ky)), fontsize=10)
            what = "%s over %s and %s, a heat map per subject" % (label, kx, ky)
        else:
            keys = [x for x in sw.keys if sw.numeric[x]] or sw.keys
            fig, axes = grid(len(keys), fixed=True)
            many = len(t) > 4000
            for ax, key in zip(axes, keys):
                for subj in subjects:
                    u = t[t["subject"] == subj]
                    ax.scatter(u[key], u["mean"] * k, s=2 if many else 6, alpha=0.35,
                               color=colour(subj), lw=0, rasterized=many,
                               label=subj if key == keys[0] else None)
                    if sw.numeric[key]:
                        _binned(ax, u, key, k, colour(subj))
                ax.set_xlabel(key)
                ax.set_ylabel(unit)
            fig.legend(title="subject", loc="upper right", frameon=False, markerscale=3)
            fig.suptitle(sw.title(label, "each varied key"), fontsize=10)
            what = "%s against each varied key (points: design points; line: bin means)" % label
        yield Figure("sweep_" + metric, what,
                     finish(fig, sw.prov, "%d points · band/whiskers: 95%% CI over "
                            "replications" % sw.points))
