#!/usr/bin/env bash
# Opens the report of the bundled CDNOW sample in headless Chromium, from disk, with every
# network feature off, and fails when an SVG chart of the rendered page draws nothing.
#   tests/cli/check_report_chromium.sh [BUILD_DIR]     (default build/dev; needs BUILD_DIR/tools/cli/crmkit)
# Keeps BUILD_DIR/cli-chromium/{report/,dom.html,report.png}. Skips (exit 0, message) when
# Chromium is not installed (Debian: apt-get install chromium); called from .ci/test.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/dev}
crmkit="$build/tools/cli/crmkit"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP check_report_chromium: chromium is not installed (apt-get install chromium)"
  exit 0
fi
[ -x "$crmkit" ] || { echo "check_report_chromium: build $crmkit first"; exit 1; }
out="$build/cli-chromium"
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
"$crmkit" report examples/data/cdnow_sample.csv --time-column date --out "$out/report" -q >/dev/null
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --user-data-dir="$profile")
url="file://$out/report/report.html"
timeout 120 "$browser" "${flags[@]}" --dump-dom "$url" >"$out/dom.html" 2>"$out/chromium.log"
timeout 120 "$browser" "${flags[@]}" --window-size=900,5000 --screenshot="$out/report.png" "$url" >>"$out/chromium.log" 2>&1
[ -s "$out/report.png" ] || { cat "$out/chromium.log"; echo "FAILED: no screenshot"; exit 1; }
python3 - "$out/dom.html" "$out/report/data" <<'EOF'
import os, re, sys
dom = open(sys.argv[1]).read()
svgs = re.findall(r'<svg[^>]*\bid="chart-([^"]+)"[^>]*>(.*?)</svg>', dom, re.S)
if not svgs:
    sys.exit("FAILED: the rendered page has no SVG chart")
bad = []
for name, body in svgs:
    drawn = 0
    for tag, attrs in re.findall(r'<(rect|circle|polyline)\b([^>]*class="mark"[^>]*)>', body):
        a = dict(re.findall(r'([\w-]+)="([^"]*)"', attrs))
        if tag == "rect" and float(a.get("width", 0)) > 0 and float(a.get("height", 0)) > 0: drawn += 1
        if tag == "circle" and float(a.get("r", 0)) > 0: drawn += 1
        if tag == "polyline" and len(a.get("points", "").split()) >= 2: drawn += 1
    if drawn == 0:
        bad.append(name)
    print(f"  {name}: {drawn} marks")
if bad:
    sys.exit(f"FAILED: SVG charts without drawn content: {', '.join(bad)}")
figures = len(re.findall(r'<figure\b', dom))
files = len([f for f in os.listdir(sys.argv[2]) if f.endswith(".json")])
if figures != files:
    sys.exit(f"FAILED: {figures} figures on the page but {files} chart data files")
print(f"check_report_chromium: {len(svgs)} SVG charts drawn, {figures} figures")
EOF
echo "screenshot: $out/report.png"
