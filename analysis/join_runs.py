#!/usr/bin/env python3
"""join_runs.py - joins the output directories of many `marketsim run`s
(e.g. a shell `for` loop over `--set KEY=VALUE`) into one tidy table.

    python3 analysis/join_runs.py [--keys K1,K2] [--file summary.csv] [-o OUT.csv] DIR...

For every DIR it reads manifest.csv (the seed and the command line) and
scenario.resolved.cfg (every key's resolved value), then copies the rows of
DIR/FILE (default summary.csv; market.csv, segments.csv ... work too) with
these columns in front:

    run,seed,<one column per key>,<FILE's own columns>

`run` is the directory's name. The keys are those given with --keys, or else
every key any run overrode with `--set` (in first-seen order); their values
come from scenario.resolved.cfg, so includes and defaults are resolved the
way marketsim resolved them (a run that did not override a key still gets
its value). Numbers are written as their shortest round-trip text, as
`marketsim sweep` writes lo:hi:n values; strings unquoted.

Standard library only (no pandas needed). Exit status 2 on a bad argument,
a directory without manifest.csv, or files whose headers disagree.
"""
import argparse
import csv
import os
import re
import shlex
import signal
import sys


# ---- a small reader for the libconfig subset scenario.resolved.cfg uses ----

_TOKEN = re.compile(r"""
    (?P<ws>\s+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<num>[-+]?(?:0[xX][0-9a-fA-F]+L{0,2}|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?L{0,2}))
  | (?P<name>[A-Za-z*][-A-Za-z0-9_*]*)
  | (?P<punct>[=:;,{}()\[\]])
""", re.VERBOSE | re.DOTALL)


def _tokens(text):
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError("cannot read the config at offset %d: %r" % (pos, text[pos:pos + 20]))
        pos = m.end()
        if m.lastgroup != "ws":
            yield m.lastgroup, m.group()


class _Parser:
    def __init__(self, text):
        self.toks = list(_tokens(text))
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, want=None):
        kind, val = self.peek()
        if kind is None or (want is not None and val != want):
            raise ValueError("config: expected %r, got %r" % (want, val))
        self.i += 1
        return kind, val

    def settings(self, end):
        out = {}
        while self.peek()[1] != end:
            kind, name = self.take()
            if kind != "name":
                raise ValueError("config: expected a setting name, got %r" % name)
            self.take("=") if self.peek()[1] == "=" else self.take(":")
            out[name] = self.value()
            if self.peek()[1] in (";", ","):
                self.take()
        return out

    def value(self):
        kind, val = self.take()
        if val == "{":
            group = self.settings("}")
            self.take("}")
            return group
        if val in ("(", "["):
            close = ")" if val == "(" else "]"
            items = []
            while self.peek()[1] != close:
                items.append(self.value())
                if self.peek()[1] == ",":
                    self.take(",")
            self.take(close)
            return items
        if kind == "str":
            parts = [val]
            while self.peek()[0] == "str":  # adjacent strings concatenate
                parts.append(self.take()[1])
            return "".join(bytes(p[1:-1], "utf-8").decode("unicode_escape") for p in parts)
        if kind == "num":
            text = val.rstrip("L")
            if re.fullmatch(r"[-+]?0[xX][0-9a-fA-F]+", text):
                return int(text, 16)
            if re.fullmatch(r"[-+]?\d+", text):
                return int(text)
            return float(text)
        if kind == "name" and val.lower() in ("true", "false"):
            return val.lower() == "true"
        raise ValueError("config: unexpected %r" % val)


def read_config(path):
    with open(path, encoding="utf-8") as f:
        p = _Parser(f.read())
    return p.settings(None)


def lookup(cfg, key):
    """The value at a dotted libconfig path (list elements by index), or None."""
    node = cfg
    for part in key.split("."):
        part = part.strip("[]")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def value_text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        text = repr(v)  # shortest round-trip
        return text[:-2] if text.endswith(".0") else text
    if isinstance(v, (list, dict)):
        return repr(v)
    return str(v)


# ---- one run directory ------------------------------------------------------

def read_manifest(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != ["key", "value"]:
        raise ValueError("%s: not a marketsim manifest (header key,value)" % path)
    return {r[0]: r[1] for r in rows[1:] if len(r) >= 2}


def set_overrides(command):
    """KEY=VALUE of every --set in a manifest's command line, in order."""
    try:
        argv = shlex.split(command)
    except ValueError:
        argv = command.split()
    out = []
    for i, a in enumerate(argv):
        if a == "--set" and i + 1 < len(argv):
            kv = argv[i + 1]
        elif a.startswith("--set="):
            kv = a[len("--set="):]
        else:
            continue
        if "=" in kv:
            out.append(tuple(kv.split("=", 1)))
    return out


def load_run(d):
    man_path = os.path.join(d, "manifest.csv")
    if not os.path.isfile(man_path):
        raise ValueError("%s: no manifest.csv (not a finished marketsim run)" % d)
    man = read_manifest(man_path)
    cfg_path = os.path.join(d, man.get("resolved_config") or "scenario.resolved.cfg")
    cfg = read_config(cfg_path) if os.path.isfile(cfg_path) else None
    return man, cfg, set_overrides(man.get("command", ""))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", metavar="DIR", help="output directories of marketsim run")
    ap.add_argument("--keys", help="comma-separated scenario keys to add as columns "
                    "(default: every key overridden with --set)")
    ap.add_argument("--file", default="summary.csv", help="the file to join (default summary.csv)")
    ap.add_argument("-o", "--output", help="write here instead of stdout")
    a = ap.parse_args(argv)

    try:
        runs = [(d, *load_run(d)) for d in a.dirs]
    except (OSError, ValueError) as e:
        print("join_runs.py: %s" % e, file=sys.stderr)
        return 2
    if a.keys:
        keys = [k for k in a.keys.split(",") if k]
    else:
        keys = []
        for _, _, _, sets in runs:
            keys += [k for k, _ in sets if k not in keys]

    out = open(a.output, "w", newline="", encoding="utf-8") if a.output else sys.stdout
    w = csv.writer(out, lineterminator="\n")
    header = None
    for d, man, cfg, sets in runs:
        given = dict(sets)
        values = []
        for k in keys:
            v = lookup(cfg, k) if cfg is not None else None
            values.append(value_text(v) if v is not None else given.get(k, ""))
        path = os.path.join(d, a.file)
        try:
            with open(path, newline="", encoding="utf-8") as f:
                rows = csv.reader(f)
                head = next(rows, None)
                if head is None:
                    raise ValueError("%s: empty file" % path)
                if header is None:
                    header = head
                    w.writerow(["run", "seed"] + keys + head)
                elif head != header:
                    raise ValueError("%s: columns differ from the first run's" % path)
                name = os.path.basename(os.path.normpath(d))
                for r in rows:
                    w.writerow([name, man.get("seed", "")] + values + r)
        except (OSError, ValueError) as e:
            print("join_runs.py: %s" % e, file=sys.stderr)
            return 2
    if a.output:
        out.close()
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    sys.exit(main())
