"""run.py - the figures and tables of a `marketsim run` directory.

Shares by month are means over replications of each replication's share,
with the Student-t 95% interval of that mean (the interval summary.csv
uses). Vendor shares come from products.csv: a vendor's spend over all
spend of that replication and month (a vendor with no row has 0).
"""
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .common import (Figure, Provenance, colour, finish, mean_band, metric_info, ordered,
                     read_csv)

MARKET = ["replication", "month", "cloud", "share_spend"]
PRODUCTS = ["replication", "month", "vendor", "spend"]
SEGMENTS = ["replication", "month", "segment", "buyers", "adopted", "deferred"]
EVENTS = ["replication", "time", "event", "subject"]
SUMMARY = ["metric", "subject", "mean", "ci95_low", "ci95_high", "n"]
BAND = "band: 95% CI of the mean over replications"


def is_run(d):
    return os.path.isfile(os.path.join(d, "market.csv"))


class Run:
    """The CSVs of one run directory, read once and checked."""

    def __init__(self, d):
        self.dir = d
        self.prov = Provenance(d)
        p = lambda f: os.path.join(d, f)  # noqa: E731
        self.market = read_csv(p("market.csv"), MARKET, ["replication", "month", "share_spend"],
                               only=True)
        self.products = read_csv(p("products.csv"), PRODUCTS, ["replication", "month", "spend"],
                                 optional=True, only=True)
        self.segments = read_csv(p("segments.csv"), SEGMENTS,
                                 ["replication", "month", "buyers", "adopted", "deferred"],
                                 optional=True, only=True)
        self.events = read_csv(p("events.csv"), EVENTS, ["replication", "time"], optional=True)
        self.summary = read_csv(p("summary.csv"), SUMMARY,
                                ["mean", "ci95_low", "ci95_high", "n"], optional=True)
        self.reps = int(self.market["replication"].nunique())
        if self.prov.replications == "?":
            self.prov.replications = str(self.reps)
        self.horizon = int(self.market["month"].max()) if len(self.market) else 0

    # ---- tidy tables (also what the gnuplot scripts and report use) ----
    def cloud_shares(self):
        return mean_band(self.market, ["month", "cloud"], "share_spend")

    def vendor_shares(self):
        if self.products is None or self.products.empty:
            return None
        p = self.products.groupby(["replication", "month", "vendor"], sort=False)["spend"].sum()
        wide = p.unstack("vendor", fill_value=0.0)
        vendors = ordered(self.products["vendor"])
        wide = wide.reindex(columns=vendors, fill_value=0.0)
        tot = wide.sum(axis=1)
        share = wide.div(tot.where(tot > 0), axis=0).fillna(0.0)
        long = share.stack().rename("share_spend").reset_index()
        long.columns = ["replication", "month", "vendor", "share_spend"]
        return mean_band(long, ["month", "vendor"], "share_spend")

    def segment_rates(self):
        if self.segments is None or self.segments.empty:
            return None
        s = self.segments
        buyers = s["buyers"].where(s["buyers"] > 0)
        out = []
        for measure, col in (("adopted", "adopted"), ("deferring", "deferred")):
            t = s[["replication", "month", "segment"]].copy()
            t["value"] = (s[col] / buyers).fillna(0.0)
            g = mean_band(t, ["month", "segment"], "value")
            g.insert(2, "measure", measure)
            out.append(g)
        return pd.concat(out, ignore_index=True)

    def event_times(self):
        """One row per (event, subject) of the dispute and regime switches:
        in how many replications it happened and when (median, 10%, 90%)."""
        if not hasattr(self, "_event_times"):
            self._event_times = self._compute_event_times()
        return self._event_times

    def _compute_event_times(self):
        e = self.events
        if e is None or e.empty:
            return None
        e = e[e["event"].astype(str).str.startswith("dispute_") | (e["event"] == "regime_change")]
        if e.empty:
            return None
        g = e.groupby(["event", "subject"], sort=False)
        t = g["time"].agg(median="median", q10=lambda x: x.quantile(0.1),
                          q90=lambda x: x.quantile(0.9)).reset_index()
        t["replications"] = g["replication"].nunique().to_numpy()
        t["share"] = t["replications"] / max(self.reps, 1)
        return t.sort_values("median", kind="stable").reset_index(drop=True)

    def tables(self):
        """name -> DataFrame of the tidy per-month tables."""
        out = {}
        ren = {"mean": "mean", "lo": "ci95_low", "hi": "ci95_high"}
        for name, t in (("cloud_share_by_month", self.cloud_shares()),
                        ("vendor_share_by_month", self.vendor_shares()),
                        ("segments_by_month", self.segment_rates()),
                        ("event_times", self.event_times())):
            if t is not None:
                t = t.drop(columns=["std"], errors="ignore").rename(columns=ren)
                if "n" in t.columns:  # n last, as in summary.csv
                    t = t[[c for c in t.columns if c != "n"] + ["n"]]
                out[name] = t
        return out


def _label(ev, subject):
    if ev == "regime_change":
        return "regime %s" % subject
    return ev.replace("dispute_", "").replace("_", " ")


def mark_events(ax, times, xmax):
    """Dashed vertical lines at each dispute and regime event's median time,
    labelled, with the share of replications when not all had it (the
    spread of the times is the `events` figure's). The labels sit in
    headroom above the data, which the caller leaves."""
    if times is None:
        return
    gap = 0.028 * max(xmax, 1)
    last = -1e9
    for _, r in times.iterrows():
        x = float(r["median"])
        if x > xmax:
            continue
        c = "#D55E00" if r["event"] != "regime_change" else "#555555"
        ax.axvline(x, color=c, lw=0.8, ls="--", alpha=0.8, zorder=1)
        text = _label(r["event"], r["subject"])
        if r["share"] < 0.999:
            text += " (%.0f%%)" % (100 * r["share"])
        tx = max(x, last + gap)
        last = tx
        ax.text(tx, 0.98, text, transform=ax.get_xaxis_transform(), rotation=90, fontsize=6.5,
                color=c, ha="left", va="top", zorder=5,
                bbox=dict(facecolor="white", alpha=0.6, lw=0, pad=0.5))


def headroom(ax, t, times, scale=100.0):
    """y from 0 to above the highest band, with room for event labels."""
    top = np.nanmax(np.fmax(t["hi"].to_numpy(dtype=float), t["mean"].to_numpy(dtype=float)))
    top = top * scale if np.isfinite(top) and top > 0 else 1.0
    ax.set_ylim(0, top * (1.45 if times is not None and len(times) else 1.05))


def _bands(ax, t, key, scale=100.0):
    for name in ordered(t[key]):
        s = t[t[key] == name].sort_values("month")
        c = colour(name)
        ax.plot(s["month"], s["mean"] * scale, color=c, lw=1.6, label=name, zorder=3)
        if s["lo"].notna().any():
            ax.fill_between(s["month"], s["lo"] * scale, s["hi"] * scale, color=c, alpha=0.2,
                            lw=0, zorder=2)


def _share_figure(run, t, key, what, name):
    fig, ax = plt.subplots()
    _bands(ax, t, key)
    mark_events(ax, run.event_times(), run.horizon)
    ax.set_xlim(0, max(run.horizon, 1))
    headroom(ax, t, run.event_times())
    ax.set_xlabel("month since start")
    ax.set_ylabel("% of AI spend")
    ax.set_title(run.prov.title(what))
    ax.legend(title=key, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return Figure(name, what + " by month, mean with 95% band, events marked",
                  finish(fig, run.prov, BAND))


def fig_clouds(run):
    return _share_figure(run, run.cloud_shares(), "cloud", "share of AI spend by cloud",
                         "cloud_shares")


def fig_vendors(run):
    t = run.vendor_shares()
    if t is None:
        return None
    return _share_figure(run, t, "vendor", "share of AI spend by vendor", "vendor_shares")


def fig_segments(run):
    t = run.segment_rates()
    if t is None:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), sharex=True)
    for ax, measure, lab in ((axes[0], "adopted", "holding a commitment"),
                             (axes[1], "deferring", "currently deferring a decision")):
        _bands(ax, t[t["measure"] == measure].rename(columns={}), "segment")
        mark_events(ax, run.event_times(), run.horizon)
        ax.set_xlim(0, max(run.horizon, 1))
        headroom(ax, t[t["measure"] == measure], run.event_times())
        ax.set_xlabel("month since start")
        ax.set_ylabel("% of the segment's buyers")
        ax.set_title(lab)
    axes[1].legend(title="segment", loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    fig.suptitle(run.prov.title("adoption and deferral by segment"), fontsize=10)
    return Figure("segments", "adoption and deferral by segment by month, 95% bands",
                  finish(fig, run.prov, BAND))


def fig_outcomes(run):
    s = run.summary
    if s is None:
        return None
    o = s[s["metric"] == "outcome_probability"]
    if o.empty:
        return None
    fig, ax = plt.subplots(figsize=(7, 3.8))
    x = np.arange(len(o))
    m = o["mean"].to_numpy() * 100
    lo = np.clip(o["ci95_low"].to_numpy() * 100, 0, 100)
    hi = np.clip(o["ci95_high"].to_numpy() * 100, 0, 100)
    err = np.vstack([m - lo, hi - m])
    err = np.where(np.isnan(err), 0, err)
    ax.bar(x, m, color=[colour(v) for v in o["subject"]], edgecolor="black", lw=0.5)
    ax.errorbar(x, m, yerr=err, fmt="none", ecolor="black", capsize=3, lw=0.8)
    for xi, v in zip(x, m):
        ax.text(xi, v + 1.5, "%.0f%%" % v, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, o["subject"])
    ax.set_ylim(0, 110)
    ax.set_ylabel("% of replications")
    ax.set_xlabel("how the dispute ended (by the horizon)")
    ax.set_title(run.prov.title("dispute outcomes"))
    return Figure("outcomes", "frequency of each dispute outcome with its 95% interval",
                  finish(fig, run.prov, "bars: share of replications, whiskers: 95% CI"))


def fig_events(run):
    e = run.events
    if e is None or e.empty:
        return None
    keys = ordered(zip(e["event"], e["subject"]))
    if len(keys) > 40:  # keep the timeline legible: the most frequent 40
        cnt = e.groupby(["event", "subject"], sort=False).size().sort_values(ascending=False)
        keys = [k for k in keys if k in set(cnt.index[:40])]
    med = {k: e[(e["event"] == k[0]) & (e["subject"] == k[1])]["time"].median() for k in keys}
    keys.sort(key=lambda k: med[k])
    pos = {k: i for i, k in enumerate(keys)}
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.28 * len(keys)))
    rng = np.random.default_rng(0)  # jitter only, fixed so figures are reproducible
    sel = e[[k in pos for k in zip(e["event"], e["subject"])]]
    y = np.array([pos[k] for k in zip(sel["event"], sel["subject"])], dtype=float)
    y += rng.uniform(-0.2, 0.2, len(y))
    cols = ["#D55E00" if str(v).startswith("dispute_") else
            ("#555555" if v == "regime_change" else "#0072B2") for v in sel["event"]]
    ax.scatter(sel["time"], y, s=8, c=cols, alpha=min(1.0, 0.1 + 20.0 / max(run.reps, 1)),
               lw=0)
    ax.scatter([med[k] for k in keys], range(len(keys)), marker="|", s=200, c="black")
    ax.set_yticks(range(len(keys)), ["%s  %s" % k for k in keys])
    ax.set_ylim(len(keys) - 0.5, -0.5)
    ax.set_xlim(0, max(run.horizon, 1))
    ax.set_xlabel("month since start (dots: replications, bar: median)")
    ax.set_title(run.prov.title("event timeline"))
    return Figure("events", "when each event happened in each replication",
                  finish(fig, run.prov))


def figures(run):
    """Every run figure, drawn one at a time (generator: callers close them)."""
    for f in (fig_clouds, fig_vendors, fig_segments, fig_outcomes, fig_events):
        fig = f(run)
        if fig is not None:
            yield fig


def summary_table(run):
    """summary.csv rows with display units, for the report."""
    s = run.summary
    if s is None:
        return None
    rows = []
    for _, r in s.iterrows():
        label, k, unit = metric_info(r["metric"])
        rows.append((label, r["subject"], r["mean"] * k, r["ci95_low"] * k, r["ci95_high"] * k,
                     unit, r["n"]))
    return pd.DataFrame(rows, columns=["metric", "subject", "mean", "ci95_low", "ci95_high",
                                       "unit", "n"])
