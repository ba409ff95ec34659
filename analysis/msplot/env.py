"""env.py - makes sure the plotting scripts run under a Python that has
Debian's python3-matplotlib, python3-pandas and python3-scipy.

Standard library only: it runs before any third-party import. On machines
where the first `python3` on PATH is a separate interpreter (pyenv, a
virtualenv) without those packages, the script is re-executed once with
Debian's /usr/bin/python3 if that one has them; otherwise it prints one
line naming the Debian package to install and exits 2.
"""
import importlib.util
import os
import sys

# module -> the Debian package that provides it
NEEDED = (("numpy", "python3-numpy"), ("pandas", "python3-pandas"),
          ("matplotlib", "python3-matplotlib"), ("scipy", "python3-scipy"))
DEBIAN_PYTHON = "/usr/bin/python3"
_GUARD = "MSPLOT_REEXEC"


def _missing():
    return [(m, p) for m, p in NEEDED if importlib.util.find_spec(m) is None]


def require(prog):
    """Return when every module is importable; else re-exec or exit 2."""
    missing = _missing()
    if not missing:
        return
    here = os.path.realpath(sys.executable or "")
    if (os.environ.get(_GUARD) != "1" and os.path.exists(DEBIAN_PYTHON)
            and here != os.path.realpath(DEBIAN_PYTHON)):
        os.environ[_GUARD] = "1"
        try:
            os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON] + sys.argv)
        except OSError:
            pass  # fall through to the message
    pkgs = " ".join(p for _, p in missing)
    sys.stderr.write("%s: error: Python module %s is missing for %s: install Debian's %s "
                     "(apt-get install %s) and run with %s\n"
                     % (prog, missing[0][0], sys.executable or "python3", missing[0][1], pkgs,
                        DEBIAN_PYTHON))
    sys.exit(2)
