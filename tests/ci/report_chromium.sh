#!/usr/bin/env bash
# report_chromium.sh MARKETSIM - .ci/run's stage 6: a small run's report.html
# (analysis/report.py) rendered by headless Chromium to a PNG that is not
# blank. Needs chromium (the stage installs it) and Debian's python3 with
# python3-matplotlib, python3-pandas, python3-scipy (the test command's
# packages). As root Chromium needs --no-sandbox.
set -euo pipefail
M=${1:?usage: report_chromium.sh MARKETSIM}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/report_chromium.XXXXXX)
trap 'rm -rf "$T"' EXIT
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
"$M" run "$SRC/scenarios/frontier_dispute.cfg" --set buyers.count=300 -r 3 -q -o "$T/run"
$PY "$SRC/analysis/report.py" "$T/run" -o "$T/report.html" >/dev/null
$PY "$SRC/tests/analysis/check_outputs.py" "$T/report.html"
sandbox=()
[ "$(id -u)" -eq 0 ] && sandbox=(--no-sandbox)
# no network is needed: the report is self-contained (checked above)
timeout 120 chromium --headless "${sandbox[@]}" --disable-gpu --hide-scrollbars \
    --window-size=1000,2400 --screenshot="$T/report.png" "file://$T/report.html" >/dev/null 2>&1
$PY "$SRC/tests/analysis/check_outputs.py" "$T/report.png"
# the figures rendered, not only the (grey) tables: coloured pixels present
$PY - "$T/report.png" <<'PYEOF'
import sys
import numpy as np
from PIL import Image
a = np.asarray(Image.open(sys.argv[1]).convert("RGB"), dtype=float) / 255
coloured = ((a.max(axis=2) - a.min(axis=2)) > 0.25).mean()
print("report.png: %.1f%% coloured pixels" % (100 * coloured))
sys.exit(0 if coloured > 0.005 else 1)
PYEOF
echo "report.html rendered by $(chromium --version 2>/dev/null | head -n1): not blank"
