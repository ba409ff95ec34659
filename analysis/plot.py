#!/usr/bin/env python3
"""plot.py - draws every figure that fits a marketsim output directory.

    python3 analysis/plot.py DIR [-o PLOTDIR] [--format png|svg|pdf] [--tables]
                            [--only GLOBS] [-q]

DIR is recognised by its files: a run (market.csv ...), a sweep
(sweep_summary.csv), a comparison (compare.csv, compare_monthly.csv), an
outcome fan (outcomes.csv), a sensitivity analysis (sensitivity.csv) or a
calibration (fit.csv, calibration.csv, parameters.csv); a directory that is
several kinds gets every kind's figures. Figures go to PLOTDIR (default
DIR/plots), one file each, and their paths are printed on stdout, one a
line. --only draws only the figures whose names match comma-separated
globs (e.g. 'cloud_shares,sweep_final_*'). --tables also writes the tidy tables behind them (per-month means
with 95% intervals, event times ...) to PLOTDIR/tables/ as CSV: the
gnuplot scripts and spreadsheets can read those.

Needs Debian's python3-matplotlib, python3-pandas and python3-scipy; under
another python3 without them it re-runs itself with /usr/bin/python3, or
says which package to install. Exit status: 0 done, 1 a file could not be
written, 2 bad arguments or input (one line on stderr), 130 interrupted.
Every figure is described in docs/plots.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from msplot import env  # noqa: E402

PROG = "plot.py"


def main(argv):
    env.require(PROG)
    from msplot import cli
    return cli.run(PROG, argv, cli.plot_main)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
