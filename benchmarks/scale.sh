#!/usr/bin/env bash
# benchmarks/scale.sh: how warta grows.  For each factor F (default 1 10 50)
# it writes F times the corpus with scale_corpus (recombined sentences, new
# ids), builds warta's index, reads its size, and runs the query set top-10;
# FTS5 and Xapian run at the factors where they finish in reasonable time
# (--fts5-max, --xapian-max).  Each finished step is recorded under the work
# directory and skipped when the script is run again, so a long run can be
# stopped and resumed.  Writes benchmarks/results/scale-<date>.md and PNG
# plots (gnuplot) of build time, index size and query latency.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: benchmarks/scale.sh [--factors \"1 10 50\"] [--corpus FILE] [--queries FILE]
                           [--fts5-max F] [--xapian-max F] [--memory MB] [--build-dir DIR]
                           [--no-build] [--work DIR] [--out FILE] [--keep] [--fresh] [--no-plots]"
factors="1 10 50" corpus= queries= fts5_max=10 xapian_max=1 memory=
build_dir=${WARTA_BUILD:-$bench_root/build-bench-release} nobuild=0 work= out= keep=0 fresh=0 plots=1
while [ $# -gt 0 ]; do
  case $1 in
    --factors) factors=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --queries) queries=$2; shift 2 ;;
    --fts5-max) fts5_max=$2; shift 2 ;;
    --xapian-max) xapian_max=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) nobuild=1; shift ;;
    --work) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --fresh) fresh=1; shift ;;
    --no-plots) plots=0; shift ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
bench_build "$build_dir" "$nobuild"
corpus=${corpus:-$(bench_default_corpus)}
work=${work:-$bench_root/benchmarks/results/tmp/scale}
[ "$fresh" = 1 ] && rm -rf "$work"
mkdir -p "$work/done"
mapfile -t jsonl < <(bench_as_jsonl "$work/corpus.jsonl" "$corpus")
if [ -z "$queries" ]; then
  queries=$work/queries.txt
  [ -f "$queries" ] || "$GEN_QUERIES" -n 2000 --seed 42 -o "$queries" "${jsonl[@]}" || die "gen_queries failed"
fi
nq=$(grep -c . "$queries")
base_n=$(for f in "${jsonl[@]}"; do zcat -f "$f"; done | grep -c .)

# step NAME: true when the step is already recorded (resume).
done_step() { [ -f "$work/done/$1" ]; }

for f in $factors; do
  case $f in ''|*[!0-9]*|0) die "factors are whole numbers >= 1 ('$f')" ;; esac
  data=$work/scaled-$f.jsonl
  need=0
  done_step "warta-$f" || need=1
  [ "$f" -le "$fts5_max" ] && [ -n "$PEER_FTS5" ] && ! done_step "fts5-$f" && need=1
  [ "$f" -le "$xapian_max" ] && [ -n "$PEER_XAPIAN" ] && ! done_step "xapian-$f" && need=1
  [ $need = 1 ] || { note "${f}x: done before, skipped"; continue; }
  if [ ! -f "$data" ]; then
    note "${f}x: writing $((f * base_n)) articles"
    "$SCALE_CORPUS" --factor "$f" --seed 42 -o "$data.part" "${jsonl[@]}" || die "scale_corpus failed"
    mv "$data.part" "$data"
  fi
  if ! done_step "warta-$f"; then
    note "${f}x: warta"
    dir=$work/warta-$f
    rm -rf "$dir"
    "$WARTA" bench --index -i "$dir" ${memory:+--memory "$memory"} --json "$data" > "$work/warta-$f.build.json" ||
      die "warta bench --index failed at ${f}x"
    "$WARTA" bench -i "$dir" --queries "$queries" --warmup "$nq" --json > "$work/warta-$f.query.json" ||
      die "warta bench failed at ${f}x"
    core=$(warta_core_bytes "$dir" "$work/warta-$f.stats.json")
    b=$work/warta-$f.build.json q=$work/warta-$f.query.json
    printf 'warta\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$f" "$(jget articles "$b")" "$(jget seconds "$b")" \
      "$(jget index_bytes "$b")" "$core" "$(jget mean_us "$q")" "$(jget p50_us "$q")" \
      "$(jget p99_us "$q")" "$(jget peak_rss_mb "$b")" > "$work/done/warta-$f"
    [ "$keep" = 1 ] || rm -rf "$dir"
  fi
  for e in fts5 xapian; do
    exe=$PEER_FTS5 max=$fts5_max db=$work/fts5-$f.db
    [ $e = xapian ] && exe=$PEER_XAPIAN max=$xapian_max db=$work/xapian-$f.db
    [ -n "$exe" ] && [ "$f" -le "$max" ] || continue
    done_step "$e-$f" && continue
    note "${f}x: $e"
    o=$work/$e-$f.out
    "$exe" --db "$db" --queries "$queries" --warmup "$nq" "$data" > "$o" || die "peer_$e failed at ${f}x"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$e" "$f" "$(kv docs "$o")" "$(kv build_seconds "$o")" \
      "$(kv index_bytes "$o")" "$(kv index_bytes "$o")" "$(kv mean_us "$o")" "$(kv p50_us "$o")" \
      "$(kv p99_us "$o")" > "$work/done/$e-$f"
    [ "$keep" = 1 ] || rm -rf "$db" "$db.ids"
  done
  [ "$keep" = 1 ] || rm -f "$data"
done

# engine factor articles build_s total_bytes index_bytes mean p50 p99 [rss_mb]
all=$work/scale.tsv
cat "$work"/done/* 2>/dev/null |
  awk -F'\t' '{ o = ($1 == "warta") ? 1 : ($1 == "fts5") ? 2 : 3; print o "\t" $0 }' |
  sort -t$'\t' -k1,1n -k3,3n | cut -f2- > "$all" || true
table=$work/table.md
{
  echo "| engine | factor | articles | build s | articles/s | index MB | total MB | mean µs | p50 µs | p99 µs | peak RSS MB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '{ aps = ($4 > 0) ? $3 / $4 : 0;
    printf "| %s | %sx | %s | %.2f | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %s |\n",
      $1, $2, $3, $4, aps, $6 / 1e6, $5 / 1e6, $7, $8, $9, ($10 == "") ? "-" : $10 }' "$all"
} > "$table"
echo
cat "$table"

out=${out:-$bench_root/benchmarks/results/scale-$(date -u +%Y-%m-%d).md}
res=$(dirname "$out")
mkdir -p "$res"
if [ "$plots" = 1 ] && command -v gnuplot >/dev/null; then
  for e in warta fts5 xapian; do awk -F'\t' -v e=$e '$1 == e' "$all" > "$work/plot-$e.tsv"; done
  plot() {  # file title ylabel column
    local cmd="set terminal pngcairo size 800,500; set output '$res/$1';
      set title '$2'; set xlabel 'articles'; set ylabel '$3'; set key top left; set grid;
      set logscale xy; set datafile separator '\t'; plot "
    local sep=
    for e in warta fts5 xapian; do
      [ -s "$work/plot-$e.tsv" ] || continue
      cmd+="$sep'$work/plot-$e.tsv' using 3:$4 with linespoints title '$e'"
      sep=", "
    done
    gnuplot -e "$cmd" || note "gnuplot failed for $1"
  }
  plot scale-build.png "Index build time" "seconds" 4
  plot scale-size.png "Index size without stored text" "bytes" 6
  plot scale-p50.png "Query latency p50 (top-10, one thread)" "microseconds" 8
  plot scale-p99.png "Query latency p99 (top-10, one thread)" "microseconds" 9
fi

{
  echo "# Scaling: warta at ${factors// /×, }× the corpus"
  echo
  echo "Corpus: $(basename "$corpus") ($base_n articles) recombined by scale_corpus (seed 42);"
  echo "queries: $nq keyword queries, top-10, one thread, after one untimed pass. Index MB: without stored text"
  echo "(warta: \`warta stats\`; FTS5 contentless; Xapian compacted). Total MB: warta with its document store."
  echo "Peak RSS: warta's resident memory while indexing (getrusage)${memory:+, with --memory $memory}."
  echo
  machine_info
  echo
  cat "$table"
  echo
  echo "Plots: scale-build.png, scale-size.png, scale-p50.png, scale-p99.png."
  echo
  echo "Command: \`benchmarks/scale.sh --factors \"$factors\" --fts5-max $fts5_max --xapian-max $xapian_max\`"
} > "$out"
note "wrote $out"
