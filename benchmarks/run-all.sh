#!/usr/bin/env bash
# benchmarks/run-all.sh: the whole benchmark suite in one command (also run by
# `meson test -C BUILD --benchmark`).  Without --corpus it runs on the bundled
# sample corpus in well under a minute and writes only under
# benchmarks/results/tmp/: `warta bench` (1 and 2 threads, index mode),
# compare.sh (one run), eval.sh on the TyDi passages alone (when
# ../shared/eval is present), scale.sh at 1x and 2x, and stem_bench and
# analyze_bench when they are built.  With --corpus FILE
# (e.g. ../shared/corpus/clickid-2019.jsonl.gz) it runs the real thing:
# compare.sh with 3 runs, eval.sh with the news corpus, scale.sh at 1x and
# 10x, writing dated result files to benchmarks/results/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: benchmarks/run-all.sh [--corpus FILE] [--build-dir DIR] [--no-build]"
corpus= build_dir=${WARTA_BUILD:-$bench_root/build-bench-release} nobuild=0
while [ $# -gt 0 ]; do
  case $1 in
    --corpus) corpus=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) nobuild=1; shift ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
bench_build "$build_dir" "$nobuild"
common=(--build-dir "$build_dir" --no-build)
start=$(date +%s)
here=$(dirname "$0")

if [ -z "$corpus" ]; then
  work=$bench_root/benchmarks/results/tmp/run-all
  rm -rf "$work"
  mkdir -p "$work"
  sample=$bench_root/corpus/sample
  queries=$bench_root/benchmarks/queries-sample.txt
  mapfile -t jsonl < <(bench_as_jsonl "$work/sample.jsonl" "$sample")
  if [ ! -f "$queries" ]; then
    queries=$work/queries.txt
    "$GEN_QUERIES" -n 200 --seed 42 -o "$queries" "${jsonl[@]}"
  fi
  echo "== warta bench --index (sample corpus)"
  "$WARTA" bench --index --jobs 2 "$sample"
  "$WARTA" bench --index -i "$work/index" --jobs 2 --json "$sample" > /dev/null
  echo "== warta bench --queries $(basename "$queries"), 1 then 2 threads"
  "$WARTA" bench -i "$work/index" --queries "$queries" --repeat 20
  "$WARTA" bench -i "$work/index" --queries "$queries" --repeat 20 --threads 2 --snippets
  echo "== compare.sh (sample corpus, 1 run)"
  "$here/compare.sh" "${common[@]}" --corpus "$sample" --queries "$queries" --runs 1 \
    --work "$work/compare" --out "$work/compare.md"
  if [ -f "$bench_root/../shared/eval/tydiqa-id/passages.jsonl.gz" ]; then
    echo "== eval.sh (TyDi passages only, no news, no variants)"
    "$here/eval.sh" "${common[@]}" --news none --no-variants --no-xapian \
      --work "$work/eval" --out "$work/eval.md"
  else
    echo "== eval.sh skipped (../shared/eval/tydiqa-id is not here)"
  fi
  echo "== scale.sh (sample corpus, 1x and 2x)"
  "$here/scale.sh" "${common[@]}" --corpus "$sample" --queries "$queries" --factors "1 2" \
    --fts5-max 2 --xapian-max 1 --fresh --no-plots --work "$work/scale" --out "$work/scale.md" > "$work/scale.log"
  tail -n +2 "$work/scale/table.md"
  b=$build_dir/benchmarks
  if [ -x "$b/stem_bench" ]; then
    echo "== stem_bench (gold list; speed on the sample corpus)"
    "$b/stem_bench" --runs 1 "${jsonl[@]}"
  fi
  if [ -x "$b/analyze_bench" ]; then
    echo "== analyze_bench (sample corpus)"
    "$b/analyze_bench" --runs 1 "${jsonl[@]}"
  fi
else
  echo "== compare.sh --corpus $corpus (3 runs)"
  "$here/compare.sh" "${common[@]}" --corpus "$corpus" --runs 3
  echo "== eval.sh (TyDi valid, passages + news)"
  "$here/eval.sh" "${common[@]}"
  echo "== scale.sh (1x, 10x)"
  "$here/scale.sh" "${common[@]}" --corpus "$corpus" --factors "1 10"
  b=$build_dir/benchmarks
  if [ -x "$b/stem_bench" ]; then echo "== stem_bench"; "$b/stem_bench" "$corpus"; fi
  if [ -x "$b/analyze_bench" ]; then echo "== analyze_bench"; "$b/analyze_bench" "$corpus"; fi
fi
echo "== done in $(( $(date +%s) - start )) s"
