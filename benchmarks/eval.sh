#!/usr/bin/env bash
# benchmarks/eval.sh: ranking quality on TyDi QA (Indonesian).  Indexes the
# passages together with a news corpus (so the judged passage must be found
# among news articles too) with warta (default analysis, stemming off,
# stopwords kept), SQLite FTS5 and Xapian, runs the questions top-100 as
# ranked OR, and prints MRR@10, Recall@10 and Recall@100 per engine (from
# trec_eval_lite) plus the mean top-10 latency on the same questions.
# Writes the table to benchmarks/results/eval-<split>-<date>.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: benchmarks/eval.sh [--split valid|train] [--eval-dir DIR] [--news FILE|none]
                          [--build-dir DIR] [--no-build] [--work DIR] [--out FILE]
                          [--no-xapian] [--no-fts5] [--no-variants]"
split=valid eval_dir=$bench_root/../shared/eval/tydiqa-id news=
build_dir=${WARTA_BUILD:-$bench_root/build-bench-release} nobuild=0 work= out=
use_xapian=1 use_fts5=1 variants=1
while [ $# -gt 0 ]; do
  case $1 in
    --split) split=$2; shift 2 ;;
    --eval-dir) eval_dir=$2; shift 2 ;;
    --news) news=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) nobuild=1; shift ;;
    --work) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-xapian) use_xapian=0; shift ;;
    --no-fts5) use_fts5=0; shift ;;
    --no-variants) variants=0; shift ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
case $split in valid|train) ;; *) die "--split is valid or train" ;; esac
passages=$eval_dir/passages.jsonl.gz
queries=$eval_dir/queries.$split.tsv
qrels=$eval_dir/qrels.train-valid.tsv
for f in "$passages" "$queries" "$qrels"; do
  [ -f "$f" ] || die "$f is missing (the TyDi set lives in ../shared/eval/tydiqa-id; see --eval-dir)"
done
if [ -z "$news" ]; then
  news=$bench_root/../shared/corpus/clickid-2019.jsonl.gz
  [ -f "$news" ] || die "$news is missing (give --news FILE, or --news none for passages only)"
fi
corpus=("$passages") label=$(basename "$passages")
if [ "$news" != none ]; then corpus+=("$news"); label+=" + $(basename "$news")"; fi

bench_build "$build_dir" "$nobuild"
work=${work:-$bench_root/benchmarks/results/tmp/eval-$split}
mkdir -p "$work"
[ "$use_fts5" = 1 ] && [ -z "$PEER_FTS5" ] && { note "peer_fts5 not built: FTS5 left out"; use_fts5=0; }
[ "$use_xapian" = 1 ] && [ -z "$PEER_XAPIAN" ] && { note "peer_xapian not built: Xapian left out"; use_xapian=0; }
nq=$(grep -c . "$queries")
ndocs=$(for f in "${corpus[@]}"; do zcat -f "$f"; done | grep -c .)
note "$ndocs documents, $nq $split questions"

rows=$work/rows.md
: > "$rows"
: > "$work/figures.tsv"
# score NAME RUN MEAN_US: one table row from a run file.
score() {
  local e=$work/$1.eval
  "$TREC_EVAL" --qrels "$qrels" --queries "$queries" "$2" > "$e" || die "trec_eval_lite failed on $2"
  echo "| $1 | $(kv mrr10 "$e") | $(kv recall10 "$e") | $(kv recall100 "$e") | $(fmt "$3" 1) |" >> "$rows"
  printf '%s\t%s\t%s\t%s\n' "$1" "$(kv mrr10 "$e")" "$(kv recall100 "$e")" "$3" >> "$work/figures.tsv"
  note "$1: MRR@10 $(kv mrr10 "$e"), R@10 $(kv recall10 "$e"), R@100 $(kv recall100 "$e"), mean top-10 $(fmt "$3" 1) µs"
}

run_warta() {  # name [analysis flags...]
  local name=$1; shift
  local dir=$work/$name
  rm -rf "$dir"
  note "indexing with $name"
  "$WARTA" bench --index -i "$dir" "$@" --json "${corpus[@]}" > "$work/$name.build.json" ||
    die "warta bench --index $* failed"
  "$WARTA" bench -i "$dir" --queries "$queries" -k 100 --warmup 0 --run "$work/$name.run" --json \
    > "$work/$name.k100.json" || die "warta bench --run failed"
  "$WARTA" bench -i "$dir" --queries "$queries" -k 10 --warmup "$nq" --json > "$work/$name.k10.json" ||
    die "warta bench failed"
  score "$name" "$work/$name.run" "$(jget mean_us "$work/$name.k10.json")"
}

run_peer() {  # engine
  local exe=$PEER_FTS5 name="SQLite FTS5 (unicode61)"
  [ "$1" = xapian ] && exe=$PEER_XAPIAN name="Xapian (Indonesian stemmer)"
  note "indexing with $1"
  "$exe" --db "$work/$1.db" --queries "$queries" -k 100 --warmup 0 --run "$work/$1.run" \
    "${corpus[@]}" > "$work/$1.k100.out" || die "peer_$1 failed"
  "$exe" --db "$work/$1.db" --queries "$queries" -k 10 --warmup "$nq" > "$work/$1.k10.out" || die "peer_$1 failed"
  score "$name" "$work/$1.run" "$(kv mean_us "$work/$1.k10.out")"
}

run_warta "warta"
if [ "$variants" = 1 ]; then
  run_warta "warta --no-stem" --no-stem
  run_warta "warta --keep-stopwords" --keep-stopwords
fi
[ "$use_fts5" = 1 ] && run_peer fts5
[ "$use_xapian" = 1 ] && run_peer xapian

table=$work/table.md
{
  echo "| engine | MRR@10 | Recall@10 | Recall@100 | mean µs (top-10) |"
  echo "|---|---:|---:|---:|---:|"
  cat "$rows"
} > "$table"
# The search issue's targets: MRR@10 >= 0.75, Recall@100 >= 0.95, mean
# latency on the questions at most a tenth of Xapian's.
fig() { awk -F'\t' -v e="$1" -v c="$2" '$1 == e { print $c; exit }' "$work/figures.tsv"; }
targets=$work/targets.md
{
  awk -v v="$(fig warta 2)" 'BEGIN { printf "- MRR@10 at least 0.75: %s (%s)\n", (v >= 0.75) ? "met" : "MISSED", v }'
  awk -v v="$(fig warta 3)" 'BEGIN { printf "- Recall@100 at least 0.95: %s (%s)\n", (v >= 0.95) ? "met" : "MISSED", v }'
  xm=$(fig "Xapian (Indonesian stemmer)" 4)
  if [ -n "$xm" ]; then
    awk -v v="$(fig warta 4)" -v x="$xm" 'BEGIN { printf "- mean latency at most a tenth of Xapian'"'"'s: %s (%.1f µs, limit %.1f µs)\n",
      (v <= x / 10) ? "met" : "MISSED", v, x / 10 }'
  fi
} > "$targets"
echo
cat "$table"
echo
echo "Targets:"
cat "$targets"

if [ -z "$out" ]; then
  mkdir -p "$bench_root/benchmarks/results"
  out=$bench_root/benchmarks/results/eval-$split-$(date -u +%Y-%m-%d).md
fi
{
  echo "# Ranking quality: TyDi QA Indonesian, $split split"
  echo
  echo "$nq questions (queries.$split.tsv), one judged passage each (qrels.train-valid.tsv);"
  echo "index: $ndocs documents ($label); top-100 ranked OR."
  echo "Latency: mean over the same questions, top-10, one thread, after one untimed pass over them."
  echo
  machine_info
  echo
  cat "$table"
  echo
  echo "Targets:"
  echo
  cat "$targets"
  echo
  echo "Command: \`benchmarks/eval.sh --split $split${news:+ --news $news}\`" | sed "s|$bench_root/||g"
} > "$out"
note "wrote $out"
