"""common.py - what every figure shares: reading and checking the CSVs,
provenance from manifest.csv, the colour of each cloud, vendor, segment and
outcome, units, titles and the caption line, 95% intervals.

Bad input raises InputError with one line naming the file (and the column
or line); the scripts print it and exit 2. Nothing here prints.
"""
import csv
import os
import re
import zlib

import matplotlib

matplotlib.use("Agg")  # no display needed, same output everywhere
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.special import stdtrit  # noqa: E402  (scipy.stats costs 0.3 s to import)


class InputError(Exception):
    """A directory or file the scripts cannot draw from (exit 2)."""


# ---- colours: Okabe & Ito's colour-blind-safe palette, one colour per id ----
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#999999",
}
_O = OKABE_ITO
# The same id has the same colour in every figure (Google's cloud and
# vendor share one; so do Azure and Microsoft). Ids a user's own scenario
# adds get a colour from Paul Tol's muted palette, chosen by a hash of the
# id, so they too keep it from figure to figure.
COLOURS = {
    # clouds
    "aws": _O["orange"], "azure": _O["blue"], "gcp": _O["green"], "other": _O["grey"],
    # vendors
    "openai": _O["black"], "anthropic": _O["vermillion"], "google": _O["green"],
    "open": _O["purple"], "microsoft": _O["sky"],
    # segments and segment groups
    "finance": _O["blue"], "health": _O["green"], "public": _O["purple"],
    "unregulated": _O["orange"], "regulated": _O["vermillion"], "all": _O["black"],
    # dispute outcomes
    "amended": _O["green"], "settled": _O["sky"], "injunction": _O["vermillion"],
    "plaintiff_wins": _O["purple"], "dismissed": _O["orange"], "unresolved": _O["grey"],
    "none": _O["black"], "expected": _O["blue"], "stochastic": _O["blue"],
}
TOL_MUTED = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
             "#CC6677", "#882255", "#AA4499")


def colour(name):
    """The fixed colour of an entity or outcome id."""
    name = str(name)
    if name in COLOURS:
        return COLOURS[name]
    return TOL_MUTED[zlib.crc32(name.encode()) % len(TOL_MUTED)]


# ---- metrics: label, factor to the plotted unit, unit ----
METRICS = {
    "final_share_spend": ("final share of AI spend", 100, "% of AI spend"),
    "share_spend": ("share of AI spend", 100, "% of AI spend"),
    "final_share_buyers": ("final share of adopted buyers", 100, "% of buyers"),
    "vendor_share_spend": ("vendor share of AI spend", 100, "% of AI spend"),
    "adoption_rate": ("adoption", 100, "% of buyers"),
    "deferral_rate": ("deferral rate", 100, "% of procurement decisions"),
    "multicloud_rate": ("multi-cloud rate", 100, "% of adopted buyers"),
    "cloud_switch_rate": ("cloud switches", 100, "% of adopted buyers a year"),
    "vendor_switch_rate": ("vendor switches", 100, "% of adopted buyers a year"),
    "outcome_probability": ("dispute outcome", 100, "% of replications"),
    "resolution_months": ("time to resolution", 1, "months"),
    "total_spend": ("total AI spend", 1, "$M a year"),
}


def metric_info(metric):
    """(label, factor, unit) of a metric; unknown metrics are plotted as is."""
    return METRICS.get(metric, (metric, 1, "value"))


def diff_unit(unit):
    """The unit of a difference of a metric: percentage points for shares."""
    return unit.replace("% of", "pp of", 1) if unit.startswith("% of") else unit


# ---- reading ----
def read_csv(path, columns, numeric=(), optional=False, only=False):
    """Read a tidy CSV with pandas and check that it has `columns` and that
    the `numeric` ones hold numbers (empty = NaN). Returns None for an
    absent file when optional. With only=True just `columns` are parsed
    (a 1,000-replication products.csv reads in half the time)."""
    if not os.path.isfile(path):
        if optional:
            return None
        raise InputError("%s: no such file" % path)
    try:
        head = pd.read_csv(path, nrows=0)
        missing = [c for c in columns if c not in head.columns]
        if missing:
            raise InputError("%s: missing column '%s' (expected at least %s)"
                             % (path, missing[0], ",".join(columns)))
        df = pd.read_csv(path, keep_default_na=False, na_values=[""], low_memory=False,
                         usecols=list(columns) if only else None)
    except pd.errors.EmptyDataError:
        raise InputError("%s: empty file (expected a header row: %s)" % (path, ",".join(columns)))
    except (pd.errors.ParserError, UnicodeDecodeError) as e:
        raise InputError("%s: not a CSV file this script can read: %s" % (path, str(e).strip()))
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError("%s: missing column '%s' (expected at least %s)"
                         % (path, missing[0], ",".join(columns)))
    for c in numeric:
        if c not in df.columns or pd.api.types.is_numeric_dtype(df[c]):
            continue
        num = pd.to_numeric(df[c], errors="coerce")
        bad = num.isna() & df[c].notna() & (df[c].astype(str).str.lower() != "nan")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError("%s:%d: column '%s': '%s' is not a number"
                             % (path, row + 2, c, df[c].iloc[row]))
        df[c] = num
    return df


def read_manifest(d):
    """manifest.csv as a dict (empty when absent)."""
    out = {}
    path = os.path.join(d, "manifest.csv")
    if not os.path.isfile(path):
        return out
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) >= 2 and row[0] != "key":
                out[row[0]] = row[1]
    return out


_CFG_KEY = r"^\s*%s\s*=\s*\"?([^\";]*)\"?\s*;"


def _from_resolved(d, key):
    path = os.path.join(d, "scenario.resolved.cfg")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        m = re.search(_CFG_KEY % re.escape(key), f.read(), re.M)
    return m.group(1).rstrip("L") if m else None


def _from_sides(d):
    """The scenario name of a compare directory's sides (a/, b/ or one
    directory per outcome), which hold the run files."""
    try:
        subs = sorted(e.path for e in os.scandir(d) if e.is_dir())
    except OSError:
        return None
    for sub in subs:
        name = _from_resolved(sub, "name")
        if name:
            return name
    return None


class Provenance:
    """Version, commit, seed, scenario, replications and command of an
    output directory, from the keys every manifest.csv shares
    (docs/outputs.md), falling back to scenario.resolved.cfg (or a compare
    directory's sides) for what a manifest leaves out."""

    def __init__(self, d):
        m = read_manifest(d)
        self.manifest = m
        self.version = m.get("version") or "unknown"
        self.commit = m.get("git") or "unknown"
        self.seed = m.get("seed") or _from_resolved(d, "seed") or "unknown"
        self.scenario = (m.get("scenario") or _from_resolved(d, "name") or _from_sides(d)
                         or os.path.basename(os.path.normpath(d)))
        self.replications = m.get("replications") or _from_resolved(d, "replications") or "?"
        self.command = m.get("command", "")

    def caption(self, extra=""):
        s = "seed %s · commit %s · marketsim %s" % (self.seed, self.commit, self.version)
        return s + (" · " + extra if extra else "")

    def title(self, what, reps=None):
        r = self.replications if reps is None else reps
        return "%s: %s (%s replications)" % (self.scenario, what, r)


# ---- statistics ----
def t975(n):
    """Student-t 0.975 quantile for n observations (NaN when n < 2), as the
    simulator's summary.csv uses."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(n >= 2, stdtrit(np.maximum(n - 1, 1), 0.975), np.nan)


def mean_band(df, by, value):
    """Mean of `value` over replications for each `by` group, with the
    Student-t 95% interval of the mean: columns mean, lo, hi, n."""
    g = df.groupby(by, sort=False)[value].agg(["mean", "std", "count"]).reset_index()
    half = t975(g["count"]) * g["std"] / np.sqrt(g["count"])
    g["lo"] = g["mean"] - half
    g["hi"] = g["mean"] + half
    return g.rename(columns={"count": "n"})


# ---- figures ----
def setup_style():
    plt.rcParams.update({
        "figure.figsize": (8, 4.6), "figure.dpi": 100, "savefig.dpi": 100,
        "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8,
        "axes.grid": True, "grid.color": "#dddddd", "grid.linewidth": 0.6,
        "axes.spines.top": False, "axes.spines.right": False,
        "svg.hashsalt": "marketsim", "svg.fonttype": "path",
    })


def finish(fig, prov, extra=""):
    """Lay out the figure and put the provenance caption at its foot."""
    fig.text(0.01, 0.008, prov.caption(extra), fontsize=6.5, color="#555555",
             ha="left", va="bottom")
    h = fig.get_size_inches()[1]
    if getattr(fig, "ms_grid", False):
        # fixed margins: tight_layout measures every tick label and costs
        # more than the drawing itself on multi-panel figures
        fig.subplots_adjust(left=0.09, right=0.9, top=1 - 0.75 / h, bottom=0.65 / h,
                            wspace=0.9, hspace=0.6)
    else:
        fig.tight_layout(rect=(0, 0.035, 1, 1))
    return fig


class Figure:
    """A drawn figure: file stem, one-line description, matplotlib figure."""

    def __init__(self, name, what, fig):
        self.name, self.what, self.fig = name, what, fig


def grid(n, width=8.0, row_height=2.6, max_cols=3, sharex=False, fixed=False):
    """A figure with n panels in rows of up to max_cols; extra axes hidden.
    fixed: laid out with fixed margins (panels with short, numeric tick
    labels only), far quicker than tight_layout."""
    cols = min(max_cols, max(n, 1))
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(width, 0.9 + row_height * rows),
                             squeeze=False, sharex=sharex)
    fig.ms_grid = fixed  # see finish()
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def ordered(values):
    """Unique values in order of first appearance (the simulator's order)."""
    return list(dict.fromkeys(values))
