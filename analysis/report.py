#!/usr/bin/env python3
"""report.py - one self-contained HTML report of a marketsim output directory.

    python3 analysis/report.py DIR [-o report.html] [--title TEXT] [--only GLOBS]

The report holds the provenance (version, commit, seed, replications,
command), the summary tables with their 95% intervals, the event timeline
and every figure plot.py draws for DIR, as inline SVG. Nothing is fetched
when it is opened (no scripts, fonts or links), so it can be mailed as is.
-o defaults to DIR/report.html; `-o -` writes to stdout.

Needs Debian's python3-matplotlib, python3-pandas and python3-scipy (see
plot.py). Exit status: 0 done, 1 the file could not be written, 2 bad
arguments or input (one line on stderr), 130 interrupted.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from msplot import env  # noqa: E402

PROG = "report.py"


def report_main(prog, argv):
    from msplot import cli, report
    p = cli.Parser(prog=prog, description="Write a self-contained HTML report of a marketsim "
                   "output directory (docs/plots.md).")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("-o", dest="out", metavar="FILE", help="the HTML file (DIR/report.html)")
    p.add_argument("--title", help="the report's title")
    p.add_argument("--only", metavar="GLOBS", help="only figures whose names match (plot.py)")
    a = p.parse_args(argv)
    text = report.build(a.dir, a.title, a.only)
    if a.out == "-":
        sys.stdout.write(text)
        return 0
    out = a.out or os.path.join(a.dir, "report.html")

    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
    cli.write_atomic(out, write)
    print(out)
    return 0


def main(argv):
    env.require(PROG)
    from msplot import cli
    return cli.run(PROG, argv, report_main)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
