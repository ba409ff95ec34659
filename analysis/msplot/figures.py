"""figures.py - recognises an output directory by its files and yields
every figure that fits it, and the tidy tables behind them.

A directory can be several kinds at once: a sweep directory that
`marketsim sensitivity` has analysed holds sweep_summary.csv and
sensitivity.csv, and gets both kinds of figure.
"""
import fnmatch
import os

import matplotlib.pyplot as plt

from . import calibration, decision, run, sweep
from .common import InputError

KNOWN = ("market.csv", "sweep_summary.csv", "compare.csv", "compare_monthly.csv",
         "outcomes.csv", "sensitivity.csv", "fit.csv", "calibration.csv", "parameters.csv")


def kinds(d):
    """The kinds of output in d, in drawing order; InputError when none."""
    if not os.path.isdir(d):
        raise InputError("%s: no such directory" % d)
    f = lambda n: os.path.isfile(os.path.join(d, n))  # noqa: E731
    out = []
    if f("market.csv"):
        out.append("run")
    if f("sweep_summary.csv"):
        out.append("sweep")
    if f("compare.csv") or f("compare_monthly.csv"):
        out.append("compare")
    if f("outcomes.csv"):
        out.append("outcomes")
    if f("sensitivity.csv"):
        out.append("sensitivity")
    if f("fit.csv") or f("calibration.csv") or f("parameters.csv"):
        out.append("calibration")
    if not out:
        raise InputError("%s: no marketsim outputs here (expected one of %s)"
                         % (d, ", ".join(KNOWN)))
    return out


def load(d):
    """[(kind, loaded data)] for every kind in d; reads and checks all the
    CSVs before anything is drawn, so bad input fails before any output."""
    loaders = {"run": run.Run, "sweep": sweep.Sweep, "compare": decision.Compare,
               "outcomes": decision.Outcomes, "sensitivity": decision.Sensitivity,
               "calibration": calibration.Calibration}
    return [(k, loaders[k](d)) for k in kinds(d)]


def wanted(patterns):
    """A predicate on figure names from --only's comma-separated globs."""
    if not patterns:
        return lambda name: True
    globs = [g.strip() for g in patterns.split(",") if g.strip()]
    return lambda name: any(fnmatch.fnmatchcase(name, g) for g in globs)


def figures(loaded, want=None):
    """Every figure of the loaded outputs whose name `want` accepts."""
    want = want or (lambda name: True)
    mods = {"run": run, "sweep": sweep, "compare": decision, "outcomes": decision,
            "sensitivity": decision, "calibration": calibration}
    for kind, data in loaded:
        # a sweep draws one figure per metric: skip unwanted ones undrawn
        gen = sweep.figures(data, want) if kind == "sweep" else mods[kind].figures(data)
        for f in gen:
            if want(f.name):
                yield f
            else:
                plt.close(f.fig)


def tables(loaded):
    """name -> DataFrame: the tidy tables behind the figures."""
    out = {}
    for _, data in loaded:
        if hasattr(data, "tables"):
            out.update(data.tables())
    return out
