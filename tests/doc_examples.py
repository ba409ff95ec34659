#!/usr/bin/env python3
"""doc_examples.py - the documentation's examples, run as shown.

Every line that starts with "$ " inside a ``` fence of README.md and
docs/*.md is a command a reader could type; the lines after it, up to the
next "$ " line or the end of the fence, are what it prints (stdout and
stderr together). A command continues on the next line when its line ends
with a backslash. This script copies the repository's tracked files into a
scratch directory (one per Markdown file, so a file's commands may use what
its earlier commands wrote, as a reader following it would), runs its
commands there in order in one bash (so $?, $! and variables carry over;
marketsim from BUILD_DIR first on PATH, LC_ALL=C) and compares what each
prints with its block.

In an expected block, a line that is exactly "..." stands for any number
of lines (indented or not), and "[...]" inside a line for any text on
that line: use them for what honestly varies (timings, the git commit). A fence preceded by the
line "<!-- doc-test: skip -->" is not run (say in the text why).

    tests/doc_examples.py BUILD_DIR            check; exit 1 listing differences
    tests/doc_examples.py BUILD_DIR --update   rewrite the blocks with what
                                                the commands print now
    tests/doc_examples.py BUILD_DIR [--update] FILE.md...   only these files

Regenerate blocks with --update, never by hand. Files without "$ " lines
are fine (nothing to run).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SKIP = "<!-- doc-test: skip -->"
TIMEOUT = 1800 # seconds for one file's commands


def incomplete(cmd):
    """Whether bash would wait for more lines (an open loop, quote, ...)."""
    p = subprocess.run(["bash", "-n", "-c", cmd], capture_output=True)
    return p.returncode != 0 and b"unexpected end of file" in p.stderr


def examples(lines):
    """Yields (line, command, expected_start, expected_end) for every
    command of every runnable fence. A command goes on while its line ends
    with a backslash or bash finds it unfinished (a multi-line loop)."""
    i, n = 0, len(lines)
    while i < n:
        if not lines[i].startswith("```"):
            i += 1
            continue
        skip = i > 0 and lines[i - 1].strip() == SKIP
        j = i + 1
        while j < n and not lines[j].startswith("```"):
            j += 1
        k = i + 1
        while not skip and k < j:
            if not lines[k].startswith("$ "):
                k += 1
                continue
            start = k
            cmd = [lines[k][2:]]
            while k + 1 < j and (cmd[-1].endswith("\\") or incomplete("\n".join(cmd))):
                k += 1
                cmd.append(lines[k])
            out_start = k = k + 1
            while k < j and not lines[k].startswith("$ "):
                k += 1
            yield start, "\n".join(cmd), out_start, k
        i = j + 1


def pattern(expected):
    parts = []
    for line in expected:
        if line.strip() == "...":
            parts.append("(?:[^\n]*\n)*?")
        else:
            parts.append(".*".join(re.escape(p) for p in line.split("[...]")) + "\n")
    return re.compile("".join(parts), re.S)


def normalise(text):
    lines = [l.rstrip() for l in text.replace("\r", "").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def scratch_copy():
    d = tempfile.mkdtemp(prefix="doc_examples.")
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], check=True,
                           capture_output=True).stdout.decode().split("\0")
    for f in files:
        if not f or not os.path.exists(os.path.join(ROOT, f)):
            continue
        dst = os.path.join(d, f)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, f), dst)
    return d


def run_file(md, env, update):
    path = os.path.join(ROOT, md)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    todo = list(examples(lines))
    if not todo:
        return 0, 0
    work = scratch_copy()
    # one shell for the whole file, as a reader's terminal: $?, $! and
    # variables carry from one command to the next; a marker line between
    # commands splits the output (and puts $? back before the next)
    mark = "@@doc-example-%d@@" % os.getpid()
    script = ["exec 2>&1"]
    for n, (_, cmd, _, _) in enumerate(todo):
        script.append("__doc_status=$?; printf '\\n%s %d\\n'; (exit $__doc_status)" % (mark, n))
        script.append(cmd)
    script.append("printf '\\n%s end\\n'" % mark)
    try:
        p = subprocess.run(["bash", "-c", "\n".join(script)], cwd=work, env=env,
                           timeout=TIMEOUT, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        out = p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace") + "\n(timed out)\n"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    chunks = re.split(r"\n%s (?:\d+|end)\n" % re.escape(mark), "\n" + out)
    failures, edits = 0, []
    for n, (start, cmd, out_start, out_end) in enumerate(todo):
        expected = [l.rstrip() for l in lines[out_start:out_end]]
        while expected and not expected[-1]:
            expected.pop()
        got = normalise(chunks[n + 1]) if n + 1 < len(chunks) else ["(no output: the shell stopped)"]
        text = "".join(l + "\n" for l in got)
        if pattern(expected).fullmatch(text):
            continue
        if update:
            edits.append((out_start, out_end, got))
            continue
        failures += 1
        print("%s:%d: $ %s" % (md, start + 1, cmd.splitlines()[0]))
        for l in expected:
            print("  - " + l)
        for l in got:
            print("  + " + l)
    if edits:
        for out_start, out_end, got in reversed(edits):
            tail = []
            e = out_end
            while e > out_start and not lines[e - 1].strip():
                tail.append("")
                e -= 1
            lines[out_start:out_end] = got + tail
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        print("%s: %d block(s) rewritten" % (md, len(edits)))
    return len(todo), failures


def main(argv):
    args = [a for a in argv if a != "--update"]
    update = len(args) != len(argv)
    if not args:
        print(__doc__.split("\n\n")[-2], file=sys.stderr)
        return 2
    build = os.path.abspath(args[0])
    ms = os.path.join(build, "marketsim")
    if not os.access(ms, os.X_OK):
        print("doc_examples: no marketsim in %s (build first)" % build, file=sys.stderr)
        return 2
    mds = args[1:] or ["README.md"] + sorted(
        os.path.join("docs", f) for f in os.listdir(os.path.join(ROOT, "docs"))
        if f.endswith(".md"))
    env = dict(os.environ, LC_ALL="C", PATH=build + os.pathsep + os.environ.get("PATH", ""),
               MARKETSIM=ms)
    total = failed = 0
    for md in mds:
        n, f = run_file(md, env, update)
        total += n
        failed += f
    print("doc_examples: %d command(s), %d differ" % (total, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
