# benchmarks/lib.sh: shell helpers shared by compare.sh, eval.sh, scale.sh and
# run-all.sh (sourced, not run): finding and building the programs, the
# default corpus, turning any corpus into JSON Lines for the peers, reading
# "key value" and JSON reports, medians, and the machine description.

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
note() { echo "$(basename "$0"): $*" >&2; }

# bench_build DIR NOBUILD: sets WARTA, GEN_QUERIES, SCALE_CORPUS, TREC_EVAL,
# JSON_CHECK, WALK_TO_JSONL, NOISE_PROBE, PEER_FTS5, PEER_XAPIAN (empty when not built).
# Sets up DIR (release) when missing and builds warta and the benchmark
# programs (only those, so that a broken test elsewhere does not stop a
# benchmark) unless NOBUILD is 1.
bench_build() {
  local dir=$1 nobuild=${2:-0}
  if [ "$nobuild" != 1 ]; then
    if [ ! -f "$dir/build.ninja" ]; then
      meson setup "$dir" "$bench_root" --buildtype=release >/dev/null || die "meson setup $dir failed"
    fi
    local targets
    ninja -C "$dir" build.ninja >/dev/null || die "meson could not regenerate $dir"
    targets=$(ninja -C "$dir" -t targets all | awk -F: '$1 ~ /^(cli\/warta|benchmarks\/[a-z_0-9]+)$/ { print $1 }')
    # shellcheck disable=SC2086
    ninja -C "$dir" -j2 $targets >/dev/null || die "ninja -C $dir failed (run it to see why)"
  fi
  local b=$dir/benchmarks
  WARTA=$dir/cli/warta
  GEN_QUERIES=$b/gen_queries
  SCALE_CORPUS=$b/scale_corpus
  TREC_EVAL=$b/trec_eval_lite
  JSON_CHECK=$b/json_check
  WALK_TO_JSONL=$b/walk_to_jsonl
  NOISE_PROBE=$b/noise_probe
  PEER_FTS5=; [ -x "$b/peer_fts5" ] && PEER_FTS5=$b/peer_fts5
  PEER_XAPIAN=; [ -x "$b/peer_xapian" ] && PEER_XAPIAN=$b/peer_xapian
  [ -x "$WARTA" ] || die "$WARTA is missing (build warta first: ninja -C $dir)"
  [ -x "$GEN_QUERIES" ] || die "$GEN_QUERIES is missing (configure with -Dbenchmarks=enabled)"
  return 0
}

# The shared news corpus when it is there, else the bundled sample.
bench_default_corpus() {
  local shared=$bench_root/../shared/corpus/clickid-2019.jsonl.gz
  if [ -f "$shared" ]; then
    (cd "$(dirname "$shared")" && echo "$(pwd)/$(basename "$shared")")
  else
    echo "$bench_root/corpus/sample"
  fi
}

# bench_as_jsonl OUT PATH...: prints the JSON Lines files that hold the
# corpus: the paths themselves when they all are .jsonl/.ndjson (optionally
# .gz) files, else OUT, written with walk_to_jsonl (warta's own readers, so
# every engine indexes the same titles and bodies).
bench_as_jsonl() {
  local out=$1; shift
  local all=1 p
  for p in "$@"; do
    case $p in
      *.jsonl|*.jsonl.gz|*.ndjson|*.ndjson.gz) [ -f "$p" ] || all=0 ;;
      *) all=0 ;;
    esac
  done
  if [ $all = 1 ]; then
    printf '%s\n' "$@"
    return 0
  fi
  [ -x "$WALK_TO_JSONL" ] || die "$WALK_TO_JSONL is missing: it converts $* to JSON Lines for the peers"
  "$WALK_TO_JSONL" -o "$out" "$@" >&2 || die "walk_to_jsonl $* failed"
  echo "$out"
}

# kv KEY FILE: the value of a "key value" line.
kv() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }

# jget KEY FILE: a field of a JSON object (dotted keys descend).
jget() { "$JSON_CHECK" --get "$1" "$2" 2>/dev/null || true; }

# median: the median of the numbers on stdin (mean of the two middle ones
# for an even count); empty when there are none.
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2];
                   else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B with 2 decimals, "-" when either is missing or B is 0.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-";
                                   else if (a / b < 0.1) printf "%.3f\n", a / b;
                                   else printf "%.2f\n", a / b }'
}

# fmt N DECIMALS: a number rounded, "-" when missing.
fmt() { awk -v a="$1" -v d="${2:-1}" 'BEGIN { if (a == "") print "-"; else printf "%.*f\n", d, a }'; }

# mb BYTES: megabytes (10^6) with one decimal.
mb() { awk -v a="$1" 'BEGIN { if (a == "") print "-"; else if (a < 1e7) printf "%.2f\n", a / 1e6; else printf "%.1f\n", a / 1e6 }'; }

# warta_core_bytes INDEX SCRATCH.json: the bytes of warta's index without
# its stored text (dictionary, postings, positions, lengths), from `warta
# stats --json`; empty when stats cannot say.
warta_core_bytes() {
  local s=$2 v total store
  "$WARTA" stats -i "$1" --json > "$s" 2>/dev/null || return 0
  v=$(jget bytes.index_without_text "$s")
  if [ -z "$v" ]; then
    total=$(jget bytes.total "$s"); store=$(jget bytes.store "$s")
    if [ -n "$total" ] && [ -n "$store" ]; then v=$((total - store)); fi
  fi
  echo "$v"
}

# The machine, for result files.
machine_info() {
  local cpu
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo 2>/dev/null)"
  echo "- system: $(uname -sr); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (other jobs on the machine inflate latencies, p99 most)"
  echo "- warta: $("$WARTA" --version 2>/dev/null | head -1) (commit $(git -C "$bench_root" rev-parse --short HEAD 2>/dev/null || echo unknown))"
}
