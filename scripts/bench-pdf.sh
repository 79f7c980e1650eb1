#!/usr/bin/env bash
# Benchmark of issue 4: our PDF engine (printpdf, in rapportino-cli) against wkhtmltopdf (Debian
# package, what Odoo uses) and WeasyPrint (PyPI), rendering the same content from the equivalent
# HTML page our own code writes. All engines run in this one script, one after another.
#
#   scripts/bench-pdf.sh DEMO_DB [MONTH] [SAMPLE]
#
# DEMO_DB: a demo database with the 5,000 clients (rapportino-cli demo --clients 5000 …); it is
# copied first, the original is not touched. MONTH: YYYY-MM (default 2026-10). SAMPLE: how many of
# the month's HTML statements the two other engines render (default 200; their per-file median
# is multiplied by the number of statements — rendering all 5,000 takes them hours).
# Needs: a release build (cargo build --release -p rapportino-cli), wkhtmltopdf
# (apt-get install wkhtmltopdf) and WeasyPrint in a virtualenv at $WEASY_VENV (default
# /work/bench/weasy: python3 -m venv … && …/bin/pip install weasyprint).
set -euo pipefail

DB_SRC=${1:?usage: scripts/bench-pdf.sh DEMO_DB [MONTH] [SAMPLE]}
MONTH=${2:-2026-10}
SAMPLE=${3:-200}
CLI=${CLI:-${CARGO_TARGET_DIR:-target}/release/rapportino-cli}
WEASY_VENV=${WEASY_VENV:-/work/bench/weasy}
WORK=${WORK:-$(mktemp -d /tmp/bench-pdf.XXXXXX)}
mkdir -p "$WORK"
RUNS=${RUNS:-20}

command -v wkhtmltopdf >/dev/null || { echo "wkhtmltopdf missing: apt-get install wkhtmltopdf" >&2; exit 1; }
[ -x "$WEASY_VENV/bin/python" ] || { echo "WeasyPrint venv missing at $WEASY_VENV" >&2; exit 1; }
[ -x "$CLI" ] || { echo "build first: cargo build --release -p rapportino-cli ($CLI)" >&2; exit 1; }

DB="$WORK/bench.db"
cp "$DB_SRC" "$DB"
cli() { "$CLI" --db "$DB" "$@"; }
echo "work folder: $WORK"
echo "engines: $(wkhtmltopdf --version) · WeasyPrint $("$WEASY_VENV/bin/python" -c 'import weasyprint; print(weasyprint.__version__)')"

# --- one report ------------------------------------------------------------------------------
# The last finished on-site intervention with materials, signed with a drawn signature.
IID=$(sqlite3 "$DB" "SELECT i.id FROM interventions i WHERE i.finished_at IS NOT NULL AND i.mode = 'on_site'
  AND EXISTS (SELECT 1 FROM materials m WHERE m.intervention_id = i.id) ORDER BY i.finished_at DESC LIMIT 1" 2>/dev/null || true)
if [ -z "$IID" ]; then
  IID=$(cli --json intervention list --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
fi
NUMBER=$(cli --json report create "$IID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])')
python3 - "$WORK/sig.json" <<'PY'
import json, math, sys
pts = [{"x": 20 + i * 6, "y": 75 + math.sin(i / 3) * 45, "pressure": 0.3 + (i % 5) / 10, "t": i * 10} for i in range(60)]
json.dump({"signer_name": "", "width": 400, "height": 150, "strokes": [{"points": pts}]}, open(sys.argv[1], "w"))
PY
cli report sign "$NUMBER" --customer-name "Anna Bellè" --customer-signature "$WORK/sig.json" \
  --technician-signature "$WORK/sig.json" >/dev/null
echo
echo "== one report: $NUMBER =="
cli bench pdf --report "$NUMBER" --runs 200 --pdf "$WORK/report.pdf" --html "$WORK/report.html"
# The whole command, process start to file on disk, as a user or script runs it.
python3 - "$CLI" "$DB" "$NUMBER" "$WORK" "$RUNS" <<'PY'
import statistics, subprocess, sys, time
cli, db, number, work, runs = sys.argv[1:6]
ms = []
for i in range(int(runs) + 1):
    t = time.perf_counter()
    subprocess.run([cli, "--db", db, "report", "pdf", number, "-o", f"{work}/report-cli.pdf"], check=True, capture_output=True)
    if i: ms.append((time.perf_counter() - t) * 1000)
print(f"rapportino-cli report pdf (process): median {statistics.median(ms):.1f} ms over {len(ms)} runs")
PY
python3 - "$WORK" "$RUNS" <<'PY'
import statistics, subprocess, sys, time
work, runs = sys.argv[1], int(sys.argv[2])
ms = []
for i in range(runs + 1):
    t = time.perf_counter()
    subprocess.run(["wkhtmltopdf", "--quiet", "--enable-local-file-access", f"{work}/report.html", f"{work}/report-wk.pdf"], check=True, capture_output=True)
    if i: ms.append((time.perf_counter() - t) * 1000)
print(f"wkhtmltopdf (process): median {statistics.median(ms):.1f} ms over {len(ms)} runs")
PY
"$WEASY_VENV/bin/python" - "$WORK" "$RUNS" <<'PY'
import statistics, subprocess, sys, time
import weasyprint
work, runs = sys.argv[1], int(sys.argv[2])
html = open(f"{work}/report.html", encoding="utf-8").read()
ms = []
for i in range(runs + 1):
    t = time.perf_counter()
    weasyprint.HTML(string=html).write_pdf(f"{work}/report-weasy.pdf")
    if i: ms.append((time.perf_counter() - t) * 1000)
print(f"WeasyPrint (in process, warm): median {statistics.median(ms):.1f} ms over {len(ms)} runs")
ms = []
for i in range(min(runs, 10) + 1):
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "weasyprint", f"{work}/report.html", f"{work}/report-weasy-cli.pdf"], check=True, capture_output=True)
    if i: ms.append((time.perf_counter() - t) * 1000)
print(f"WeasyPrint (process): median {statistics.median(ms):.1f} ms over {len(ms)} runs")
PY
for f in report report-wk report-weasy; do
  printf '%-14s %s pages, %s bytes\n' "$f" "$(pdfinfo "$WORK/$f.pdf" | awk '/^Pages:/{print $2}')" "$(stat -c %s "$WORK/$f.pdf")"
done

# --- the month's statements ------------------------------------------------------------------
echo
echo "== statements of $MONTH for every client =="
cli statements --month "$MONTH" --dir "$WORK/statements-warmup" --limit 50 --include-empty >/dev/null 2>&1
cli --json statements --month "$MONTH" --dir "$WORK/statements" --include-empty 2>/dev/null >"$WORK/ours.json"
cli --json statements --month "$MONTH" --dir "$WORK/statements-1" --include-empty --jobs 1 2>/dev/null >"$WORK/ours1.json"
cli --json statements --month "$MONTH" --dir "$WORK/html" --include-empty --html 2>/dev/null >"$WORK/html.json"
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
s = json.load(open(f"{work}/ours.json"))
print(f"rapportino (printpdf, 2 threads): {s['written']} PDFs in {s['elapsed_ms'] / 1000:.1f} s = "
      f"{s['elapsed_ms'] / s['written']:.2f} ms per statement, {s['bytes'] / 1e6:.1f} MB")
s = json.load(open(f"{work}/ours1.json"))
print(f"rapportino (printpdf, 1 thread):  {s['written']} PDFs in {s['elapsed_ms'] / 1000:.1f} s = "
      f"{s['elapsed_ms'] / s['written']:.2f} ms per statement")
h = json.load(open(f"{work}/html.json"))
print(f"(HTML twins for the other engines: {h['written']} pages in {h['elapsed_ms'] / 1000:.1f} s)")
PY
python3 - "$WORK" "$SAMPLE" <<'PY'
import os, statistics, subprocess, sys, time
work, sample = sys.argv[1], int(sys.argv[2])
files = sorted(os.listdir(f"{work}/html"))
step = max(1, len(files) // sample)
picked = files[::step][:sample]
open(f"{work}/sample.txt", "w").write("\n".join(picked))
os.makedirs(f"{work}/wk", exist_ok=True)
ms = []
for name in picked:
    t = time.perf_counter()
    subprocess.run(["wkhtmltopdf", "--quiet", f"{work}/html/{name}", f"{work}/wk/{name}.pdf"], check=True, capture_output=True)
    ms.append((time.perf_counter() - t) * 1000)
m = statistics.median(ms)
print(f"wkhtmltopdf (process per file): {len(ms)} of {len(files)} statements, median {m:.1f} ms per statement -> {m * len(files) / 1000:.0f} s for all")
PY
"$WEASY_VENV/bin/python" - "$WORK" <<'PY'
import os, statistics, sys, time
import weasyprint
work = sys.argv[1]
picked = open(f"{work}/sample.txt").read().split("\n")
total = len(os.listdir(f"{work}/html"))
os.makedirs(f"{work}/weasy", exist_ok=True)
ms = []
for name in picked:
    html = open(f"{work}/html/{name}", encoding="utf-8").read()
    t = time.perf_counter()
    weasyprint.HTML(string=html).write_pdf(f"{work}/weasy/{name}.pdf")
    ms.append((time.perf_counter() - t) * 1000)
m = statistics.median(ms)
print(f"WeasyPrint (one warm process): {len(ms)} of {total} statements, median {m:.1f} ms per statement -> {m * total / 1000:.0f} s for all")
PY
