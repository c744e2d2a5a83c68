#!/usr/bin/env bash
# benchmarks/compare.sh: warta side by side with SQLite FTS5 and Xapian on one
# corpus and one query set.  Each run rebuilds every index (warta with
# --jobs 2 and --jobs 1, FTS5 contentless with unicode61, Xapian with the
# Indonesian stemmer and positions, compacted) and runs the queries top-k as
# ranked OR, one thread; the engines take turns in a rotating order so that
# machine noise hits them alike.  Prints one table of medians and warta's
# ratios, and writes it with the machine description to
# benchmarks/results/compare-<date>.md.  See benchmarks/README.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: benchmarks/compare.sh [--corpus PATH]... [--queries FILE] [--runs N] [-k N]
                             [--build-dir DIR] [--no-build] [--work DIR] [--out FILE]
                             [--count N] [--warmup N] [--no-xapian] [--no-fts5] [--report-only]"
corpora=() queries= given_queries= runs=3 k=10 build_dir=${WARTA_BUILD:-$bench_root/build-bench-release}
nobuild=0 work= out= count=2000 use_xapian=1 use_fts5=1 warmup=all report_only=0
while [ $# -gt 0 ]; do
  case $1 in
    --corpus) corpora+=("$2"); shift 2 ;;
    --queries) queries=$2; given_queries=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -k) k=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) nobuild=1; shift ;;
    --work) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --no-xapian) use_xapian=0; shift ;;
    --no-fts5) use_fts5=0; shift ;;
    --report-only) report_only=1; shift ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
case $runs in ''|*[!0-9]*|0) die "--runs wants a whole number >= 1" ;; esac

bench_build "$build_dir" "$nobuild"
[ ${#corpora[@]} -gt 0 ] || corpora=("$(bench_default_corpus)")
work=${work:-$bench_root/benchmarks/results/tmp/compare}
mkdir -p "$work"
[ "$use_fts5" = 1 ] && [ -z "$PEER_FTS5" ] && { note "peer_fts5 not built (libsqlite3-dev missing): FTS5 left out"; use_fts5=0; }
[ "$use_xapian" = 1 ] && [ -z "$PEER_XAPIAN" ] && { note "peer_xapian not built (libxapian-dev or a C++ compiler missing): Xapian left out"; use_xapian=0; }

mapfile -t jsonl < <(bench_as_jsonl "$work/corpus.jsonl" "${corpora[@]}")
if [ -z "$queries" ]; then
  queries=$work/queries.txt
  "$GEN_QUERIES" -n "$count" --seed 42 -o "$queries" "${jsonl[@]}" || die "gen_queries failed"
fi
[ -f "$queries" ] || die "$queries: no such query file"
nq=$(grep -c . "$queries" || true)
# Untimed queries before timing: by default one whole pass, so that every
# engine is measured in its steady state (warta's mmap pages mapped, the
# peers' caches filled).
[ "$warmup" = all ] && warmup=$nq
narticles=$(for f in "${jsonl[@]}"; do zcat -f "$f"; done | grep -c . || true)

results=$work/results.tsv   # run engine metric value
[ "$report_only" = 1 ] || : > "$results"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$results"; }

run_warta() {  # run jobs
  local r=$1 jobs=$2 dir=$work/warta-j$2 f=$work/warta-j$2.json
  rm -rf "$dir"
  "$WARTA" bench --index -i "$dir" --jobs "$jobs" --json "${jsonl[@]}" > "$f" ||
    die "warta bench --index failed (see above)"
  record "$r" "warta-j$jobs" build_s "$(jget seconds "$f")"
  record "$r" "warta-j$jobs" rss_mb "$(jget peak_rss_mb "$f")"
  if [ "$jobs" = 2 ]; then
    record "$r" warta total_bytes "$(jget index_bytes "$f")"
    record "$r" warta index_bytes "$(warta_core_bytes "$dir" "$work/stats.json")"
    local q=$work/warta-query.json
    "$WARTA" bench -i "$dir" --queries "$queries" -k "$k" --warmup "$warmup" --json > "$q" ||
      die "warta bench --queries failed (see above)"
    for m in mean_us p50_us p99_us qps; do record "$r" warta "$m" "$(jget $m "$q")"; done
  fi
}

run_peer() {  # run engine
  local r=$1 e=$2 f=$work/$2.out
  case $e in
    fts5) "$PEER_FTS5" --db "$work/fts5.db" -k "$k" --warmup "$warmup" --queries "$queries" "${jsonl[@]}" > "$f" ||
            die "peer_fts5 failed" ;;
    xapian) "$PEER_XAPIAN" --db "$work/xapian.db" -k "$k" --warmup "$warmup" --queries "$queries" "${jsonl[@]}" > "$f" ||
            die "peer_xapian failed" ;;
  esac
  record "$r" "$e" build_s "$(kv build_seconds "$f")"
  record "$r" "$e" index_bytes "$(kv index_bytes "$f")"
  [ "$e" = fts5 ] && record "$r" "$e" used_bytes "$(kv used_bytes "$f")"
  for m in mean_us p50_us p99_us qps; do record "$r" "$e" "$m" "$(kv $m "$f")"; done
}

engines=(warta2 warta1)
[ "$use_fts5" = 1 ] && engines+=(fts5)
[ "$use_xapian" = 1 ] && engines+=(xapian)
ne=${#engines[@]}
note "corpus: ${corpora[*]}; $nq queries; $runs runs of: ${engines[*]}"
[ "$report_only" = 1 ] && runs=0 && note "reporting the runs recorded in $results"
for ((r = 1; r <= runs; r++)); do
  if [ -x "$NOISE_PROBE" ]; then
    "$NOISE_PROBE" > "$work/noise.out"
    for m in mean_us p50_us p99_us; do record "$r" noise "$m" "$(kv $m "$work/noise.out")"; done
  fi
  for ((i = 0; i < ne; i++)); do
    e=${engines[$(((i + r - 1) % ne))]}
    note "run $r/$runs: $e"
    case $e in
      warta2) run_warta "$r" 2 ;;
      warta1) run_warta "$r" 1 ;;
      *) run_peer "$r" "$e" ;;
    esac
  done
done

med() { awk -F'\t' -v e="$1" -v m="$2" '$2 == e && $3 == m && $4 != "" { print $4 }' "$results" | median; }
best() { awk -F'\t' -v e="$1" -v m="$2" '$2 == e && $3 == m && $4 != "" { print $4 }' "$results" | sort -g | head -1; }
runs=$(awk -F'\t' '{ print $1 }' "$results" | sort -u | grep -c . || true)

# The table, in Markdown.
w_b2=$(med warta-j2 build_s) w_b1=$(med warta-j1 build_s) w_ix=$(med warta index_bytes)
w_tot=$(med warta total_bytes) w_rss=$(med warta-j2 rss_mb)
w_mean=$(med warta mean_us) w_p50=$(med warta p50_us) w_p99=$(med warta p99_us)
f_b=$(med fts5 build_s) f_ix=$(med fts5 index_bytes) f_mean=$(med fts5 mean_us)
f_p50=$(med fts5 p50_us) f_p99=$(med fts5 p99_us)
x_b=$(med xapian build_s) x_ix=$(med xapian index_bytes) x_mean=$(med xapian mean_us)
x_p50=$(med xapian p50_us) x_p99=$(med xapian p99_us)
n_mean=$(med noise mean_us) n_p50=$(med noise p50_us) n_p99=$(med noise p99_us)

table=$work/table.md
{
  echo "| engine | build s | index MB | mean µs | p50 µs | p99 µs |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| warta --jobs 2 | $(fmt "$w_b2" 2) | $(mb "$w_ix") | $(fmt "$w_mean" 1) | $(fmt "$w_p50" 1) | $(fmt "$w_p99" 1) |"
  echo "| warta --jobs 1 | $(fmt "$w_b1" 2) | | | | |"
  [ "$use_fts5" = 1 ] &&
    echo "| SQLite FTS5 (unicode61, contentless) | $(fmt "$f_b" 2) | $(mb "$f_ix") | $(fmt "$f_mean" 1) | $(fmt "$f_p50" 1) | $(fmt "$f_p99" 1) |"
  [ "$use_xapian" = 1 ] &&
    echo "| Xapian (Indonesian stemmer, positions, compacted) | $(fmt "$x_b" 2) | $(mb "$x_ix") | $(fmt "$x_mean" 1) | $(fmt "$x_p50" 1) | $(fmt "$x_p99" 1) |"
  if [ -n "$n_p50" ]; then
    echo "| noise probe (fixed CPU work, no engine) | | | $(fmt "$n_mean" 1) | $(fmt "$n_p50" 1) | $(fmt "$n_p99" 1) |"
  fi
  [ "$use_fts5" = 1 ] &&
    echo "| warta / FTS5 | $(ratio "$w_b2" "$f_b") (jobs 1: $(ratio "$w_b1" "$f_b")) | $(ratio "$w_ix" "$f_ix") | $(ratio "$w_mean" "$f_mean") | $(ratio "$w_p50" "$f_p50") | $(ratio "$w_p99" "$f_p99") |"
  [ "$use_xapian" = 1 ] &&
    echo "| warta / Xapian | $(ratio "$w_b2" "$x_b") (jobs 1: $(ratio "$w_b1" "$x_b")) | $(ratio "$w_ix" "$x_ix") | $(ratio "$w_mean" "$x_mean") | $(ratio "$w_p50" "$x_p50") | $(ratio "$w_p99" "$x_p99") |"
  if [ -n "$n_p50" ]; then
    echo
    echo "The noise probe times identical pieces of pure CPU work: when its p99 is far above its p50,"
    echo "other jobs were competing for the cores and every engine's p99 (and mean) carries that delay."
  fi
  echo
  echo "Best of $runs runs (noise only ever adds time, so the minimum is the least disturbed figure):"
  echo
  echo "| engine | build s | mean µs | p50 µs | p99 µs |"
  echo "|---|---:|---:|---:|---:|"
  echo "| warta --jobs 2 | $(fmt "$(best warta-j2 build_s)" 2) | $(fmt "$(best warta mean_us)" 1) | $(fmt "$(best warta p50_us)" 1) | $(fmt "$(best warta p99_us)" 1) |"
  echo "| warta --jobs 1 | $(fmt "$(best warta-j1 build_s)" 2) | | | |"
  if [ "$use_fts5" = 1 ]; then
    echo "| SQLite FTS5 | $(fmt "$(best fts5 build_s)" 2) | $(fmt "$(best fts5 mean_us)" 1) | $(fmt "$(best fts5 p50_us)" 1) | $(fmt "$(best fts5 p99_us)" 1) |"
  fi
  if [ "$use_xapian" = 1 ]; then
    echo "| Xapian | $(fmt "$(best xapian build_s)" 2) | $(fmt "$(best xapian mean_us)" 1) | $(fmt "$(best xapian p50_us)" 1) | $(fmt "$(best xapian p99_us)" 1) |"
  fi
  echo
  echo "warta's whole index with the compressed document store: $(mb "$w_tot") MB; peak RSS while indexing (--jobs 2): $(fmt "$w_rss" 0) MB."
  [ "$use_fts5" = 1 ] &&
    echo "FTS5's database file after \`optimize\`: $(mb "$f_ix") MB, of which pages in use: $(mb "$(med fts5 used_bytes)") MB (the rest is free pages a VACUUM would return)."
  true
} > "$table"

# The targets of the index and search issues, checked on the unrounded medians.
check() {  # label value limit unit-divisor decimals
  awk -v l="$1" -v v="$2" -v m="$3" -v d="${4:-1}" -v p="${5:-1}" 'BEGIN {
    if (v == "" || m == "") { printf "- %s: n/a\n", l; exit }
    s = (v + 0 <= m + 0) ? "met" : "MISSED";
    printf "- %s: %s (%.*f, limit %.*f)\n", l, s, p, v / d, p, m / d }'
}
scaled() { awk -v a="$1" -v f="$2" 'BEGIN { if (a != "") printf "%.6f", a * f }'; }
targets=$work/targets.md
{
  if [ "$use_fts5" = 1 ]; then
    check "build --jobs 2 no slower than FTS5 (s)" "$w_b2" "$f_b" 1 2
    check "build --jobs 1 at most 1.6x FTS5 (s)" "$w_b1" "$(scaled "$f_b" 1.6)" 1 2
    check "index at most half of FTS5's (MB)" "$w_ix" "$(scaled "$f_ix" 0.5)" 1e6 2
  fi
  if [ "$use_xapian" = 1 ]; then
    check "index at most a quarter of Xapian's (MB)" "$w_ix" "$(scaled "$x_ix" 0.25)" 1e6 2
    check "mean latency at most a tenth of Xapian's (µs)" "$w_mean" "$(scaled "$x_mean" 0.1)" 1 1
    check "p99 latency at most a tenth of Xapian's (µs)" "$w_p99" "$(scaled "$x_p99" 0.1)" 1 1
  fi
  true
} > "$targets"

cmdline="benchmarks/compare.sh --runs $runs -k $k --warmup $warmup --corpus ${corpora[*]}${given_queries:+ --queries $given_queries}"
echo
cat "$table"
echo
echo "Targets:"
cat "$targets"

if [ -z "$out" ]; then
  mkdir -p "$bench_root/benchmarks/results"
  out=$bench_root/benchmarks/results/compare-$(date -u +%Y-%m-%d).md
fi
{
  echo "# warta vs SQLite FTS5 vs Xapian"
  echo
  echo "Corpus: $(printf '%s ' "${corpora[@]}" | sed "s|$bench_root/||g")($narticles articles); queries: $nq ($(basename "$queries")), top-$k ranked OR, one thread, after $warmup untimed queries."
  echo "Medians of $runs runs, engines interleaved. Index MB: warta without stored text (\`warta stats\`), FTS5 contentless, Xapian compacted."
  echo
  machine_info
  echo
  cat "$table"
  echo
  echo "Targets:"
  echo
  cat "$targets"
  echo
  echo "Command: \`$cmdline\`"
  echo
  echo "Every run (engine, metric, value):"
  echo
  echo '```'
  cat "$results"
  echo '```'
} > "$out"
note "wrote $out"
