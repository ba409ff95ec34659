"""cli.py - argument parsing, error reporting and atomic file writing for
plot.py and report.py: bad input is one line on stderr and exit 2, a file
that cannot be written exit 1 with its path, never a traceback for either."""
import argparse
import os
import signal
import sys
import tempfile

from .common import InputError


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2), as marketsim's own."""

    def error(self, message):
        sys.stderr.write("%s: error: %s (see --help)\n" % (self.prog, message))
        sys.exit(2)


def run(prog, argv, fn):
    """Calls fn(prog, argv) and maps failures onto exit statuses."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        return fn(prog, argv)
    except InputError as e:
        sys.stderr.write("%s: error: %s\n" % (prog, e))
        return 2
    except OSError as e:
        where = e.filename or ""
        sys.stderr.write("%s: %s%s\n" % (prog, where + ": " if where else "", e.strerror or e))
        return 1
    except KeyboardInterrupt:
        return 130


def write_atomic(path, write):
    """Calls write(tmp_path) and renames the result onto path, so a path
    never holds a half-written file."""
    d = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=d)
    os.close(fd)
    try:
        write(tmp)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp made it 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def plot_main(prog, argv):
    p = Parser(prog=prog, description="Draw every figure that fits a marketsim output "
               "directory (docs/plots.md).")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("-o", dest="out", metavar="PLOTDIR", help="where figures go (DIR/plots)")
    p.add_argument("--format", choices=("png", "svg", "pdf"), default="png")
    p.add_argument("--tables", action="store_true", help="also write PLOTDIR/tables/*.csv")
    p.add_argument("--only", metavar="GLOBS", help="only figures whose names match, e.g. "
                   "'cloud_shares,sweep_final_*'")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the paths")
    a = p.parse_args(argv)
    from . import common, figures
    import matplotlib.pyplot as plt

    loaded = figures.load(a.dir)  # every CSV read and checked before any output
    out = a.out or os.path.join(a.dir, "plots")
    os.makedirs(out, exist_ok=True)
    common.setup_style()
    meta = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}
    for f in figures.figures(loaded, figures.wanted(a.only)):
        path = os.path.join(out, "%s.%s" % (f.name, a.format))
        write_atomic(path, lambda t: f.fig.savefig(t, format=a.format,
                                                   metadata=meta[a.format]))
        plt.close(f.fig)
        if not a.quiet:
            print(path, flush=True)
    if a.tables:
        td = os.path.join(out, "tables")
        os.makedirs(td, exist_ok=True)
        for name, t in figures.tables(loaded).items():
            path = os.path.join(td, name + ".csv")
            write_atomic(path, lambda tmp: t.to_csv(tmp, index=False, float_format="%.10g",
                                                    lineterminator="\n"))
            if not a.quiet:
                print(path, flush=True)
    return 0
