"""report.py (module) - one self-contained HTML file from an output
directory: provenance, every figure as inline SVG, the tables with their
intervals and the event timeline.

Self-contained means nothing is fetched when the file is opened: no
scripts, fonts or stylesheets from anywhere (matplotlib draws text as
paths; rasterised scatter points are inline data: images), and no
http:// or https:// string at all (the SVG namespace declarations, which
HTML does not need, are removed). The file is also well-formed XML, so XML
tools can read it.
"""
import html
import io
import os
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import figures as figmod
from .common import Provenance, metric_info, setup_style

CSS = """
body{font-family:sans-serif;max-width:62em;margin:1.5em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:right}
th{background:#f3f3f3}td.t,th.t{text-align:left}
figure{margin:1em 0}figcaption{font-size:.85em;color:#555}
svg{max-width:100%;height:auto}code{font-size:.9em;background:#f6f6f6;padding:0 .2em}
.note{color:#555;font-size:.85em}
"""
MAX_ROWS = 400  # a table longer than this is cut, with a pointer to the CSV


def svg_inline(fig, n):
    """The figure as an <svg> element fit for inline HTML: no prolog, no
    namespace URLs, no metadata, ids prefixed so figures cannot clash."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None,
                                             "Type": None})
    s = buf.getvalue()
    s = s[s.index("<svg"):]
    s = re.sub(r"<metadata>.*?</metadata>", "", s, flags=re.S)
    s = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", s)
    s = s.replace("xlink:href", "href")
    s = re.sub(r'id="([^"]+)"', r'id="f%d-\1"' % n, s)
    s = re.sub(r'(href="#|url\(#)([^")]+)', r"\1f%d-\2" % n, s)
    return s


def _fmt(v):
    if isinstance(v, (float, np.floating)):
        return "" if not np.isfinite(v) else "%.4g" % v
    return str(v)


def table(df, left=1, note=""):
    """An HTML table of a DataFrame; the first `left` columns are text."""
    if df is None or df.empty:
        return ""
    out = ["<table><tr>"]
    for i, c in enumerate(df.columns):
        out.append('<th class="t">%s</th>' % html.escape(str(c)) if i < left else
                   "<th>%s</th>" % html.escape(str(c)))
    out.append("</tr>")
    for row in df.head(MAX_ROWS).itertuples(index=False):
        out.append("<tr>")
        for i, v in enumerate(row):
            out.append('<td class="t">%s</td>' % html.escape(_fmt(v)) if i < left else
                       "<td>%s</td>" % html.escape(_fmt(v)))
        out.append("</tr>")
    out.append("</table>")
    if len(df) > MAX_ROWS:
        note = "first %d of %d rows. %s" % (MAX_ROWS, len(df), note)
    if note:
        out.append('<p class="note">%s</p>' % html.escape(note))
    return "".join(out)


def _ci(df, m="mean", lo="ci95_low", hi="ci95_high"):
    return ["[%s, %s]" % (_fmt(a), _fmt(b)) for a, b in zip(df[lo], df[hi])]


def _tables(kind, data):
    """(heading, html) of the tables of one kind of output."""
    if kind == "run":
        from .run import summary_table
        s = summary_table(data)
        out = []
        if s is not None:
            s = s.assign(ci95=_ci(s))[["metric", "subject", "mean", "ci95", "unit", "n"]]
            out.append(("Summary over replications (mean, 95% CI)", table(s, left=2)))
        t = data.event_times()
        if t is not None:
            t = t.assign(share=(100 * t["share"]).round(1))
            t = t.rename(columns={"median": "median month", "q10": "10% month",
                                  "q90": "90% month", "share": "% of replications"})
            out.append(("Event timeline (dispute and regime switches)", table(
                t[["event", "subject", "median month", "10% month", "90% month",
                   "replications", "% of replications"]], left=2)))
        return out
    if kind == "sweep":
        s = data.s
        f = s[s["metric"] == s["metric"].iloc[0]] if len(s) else s
        return [("Sweep: %s by point (mean, 95%% CI)" % metric_info(f["metric"].iloc[0])[0]
                 if len(f) else "Sweep",
                 table(f.drop(columns=["sd"], errors="ignore"), left=0,
                       note="every metric: sweep_summary.csv"))]
    if kind == "compare":
        out = []
        if data.final is not None:
            out.append(("Paired differences (%s)" % data.what(), table(data.final, left=2)))
        return out
    if kind == "outcomes":
        return [("Outcome fan", table(data.o, left=4))]
    if kind == "sensitivity":
        return [("Sensitivity indices", table(data.s.dropna(axis=1, how="all"), left=4))]
    if kind == "calibration":
        out = []
        if data.params is not None:
            out.append(("Fitted parameters", table(data.params, left=1)))
        if data.fit is not None:
            out.append(("Targets and simulated values", table(data.fit, left=3)))
        return out
    return []


def provenance(d, loaded):
    p = loaded[0][1].prov if loaded else Provenance(d)
    rows = [("scenario", p.scenario), ("outputs", ", ".join(k for k, _ in loaded)),
            ("marketsim version", p.version), ("commit", p.commit), ("seed", p.seed),
            ("replications", p.replications), ("command", p.command),
            ("directory", d)]
    return p, pd.DataFrame(rows, columns=["", "value"])


def build(d, title=None, only=None):
    """The report's HTML text."""
    loaded = figmod.load(d)
    setup_style()
    p, prov = provenance(d, loaded)
    title = title or "marketsim report: %s" % p.scenario
    body = ["<h1>%s</h1>" % html.escape(title), table(prov, left=2)]
    n = 0
    for kind, data in loaded:
        body.append("<h2>%s</h2>" % html.escape(kind.capitalize()))
        for f in figmod.figures([(kind, data)], figmod.wanted(only)):
            n += 1
            body.append("<figure>%s<figcaption>Figure %d. %s</figcaption></figure>"
                        % (svg_inline(f.fig, n), n, html.escape(f.what)))
            plt.close(f.fig)
        for head, t in _tables(kind, data):
            body.append("<h3>%s</h3>%s" % (html.escape(head), t))
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>'
            "<title>%s</title><style>%s</style></head><body>%s"
            '<p class="note">Drawn by analysis/report.py from the CSVs in this directory; '
            "every figure is described in docs/plots.md.</p></body></html>\n"
            % (html.escape(title), CSS, "\n".join(body)))
