#!/usr/bin/env bash
# benchmarks/test-bench-json.sh: the meson test "bench-json".  `warta bench`
# in index mode and in query mode (1 and 2 threads, snippets, run file) prints
# one JSON object with the documented fields, and the CLI conventions hold
# (--help, --version, usage errors exit 2, a missing index exits 6).
# Arguments: the warta executable, the build's benchmarks/ dir, the source dir.
set -euo pipefail
warta=$1 b=$2 src=$3
data=$src/testdata/mini.jsonl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# A directory name that needs escaping in JSON.
ix=$tmp/'in"dex'

"$warta" bench --index -i "$ix" --jobs 2 --json "$data" > "$tmp/build.json" || fail "bench --index failed"
"$b/json_check" "$tmp/build.json" || fail "bench --index --json is not JSON: $(cat "$tmp/build.json")"
for key in index articles skipped warnings text_bytes input_bytes seconds articles_per_s mb_per_s \
           peak_rss_mb index_bytes jobs no_stem keep_stopwords; do
  "$b/json_check" --get "$key" "$tmp/build.json" > /dev/null || fail "bench --index --json lacks $key"
done
[ "$("$b/json_check" --get articles "$tmp/build.json")" = 12 ] || fail "bench --index did not index 12 articles"
[ "$("$b/json_check" --get index "$tmp/build.json")" = "$ix" ] || fail "index path not escaped right"
"$warta" bench --index -i "$ix" "$data" > /dev/null 2>&1 && fail "bench --index into a non-empty directory"

printf 'harga beras\nbanjir Bekasi rumah\nmini-11\tkabut asap Riau\nkopi\n' > "$tmp/q"
"$warta" bench -i "$ix" --queries "$tmp/q" --warmup 2 --repeat 3 --json > "$tmp/q.json" || fail "bench --queries failed"
"$b/json_check" "$tmp/q.json" || fail "bench --json is not JSON: $(cat "$tmp/q.json")"
for key in index queries passes threads k hits rejected mean_us p50_us p90_us p99_us max_us qps wall_seconds; do
  "$b/json_check" --get "$key" "$tmp/q.json" > /dev/null || fail "bench --json lacks $key"
done
[ "$("$b/json_check" --get queries "$tmp/q.json")" = 12 ] || fail "4 queries x 3 passes is not 12"
[ "$("$b/json_check" --get hits "$tmp/q.json")" -gt 0 ] || fail "no hits"

"$warta" bench -i "$ix" --queries "$tmp/q" --threads 2 --snippets -k 3 --json > "$tmp/t.json" ||
  fail "bench --threads 2 --snippets failed"
"$b/json_check" --get snippet_p99_us "$tmp/t.json" > /dev/null || fail "--snippets figures missing"
[ "$("$b/json_check" --get threads "$tmp/t.json")" = 2 ] || fail "threads not reported"

"$warta" bench -i "$ix" --queries "$tmp/q" --run "$tmp/run" > "$tmp/human" || fail "bench --run failed"
grep -q '^query latency (us): mean' "$tmp/human" || fail "human output: $(cat "$tmp/human")"
grep -q '^mini-11 Q0 mini-11 1 ' "$tmp/run" || fail "the run file lacks mini-11 first: $(cat "$tmp/run")"

"$warta" bench -i "$ix" --queries "$tmp/q" --slowest 2 --json > "$tmp/s.json" || fail "--slowest failed"
"$b/json_check" --get slowest "$tmp/s.json" | grep -q '^\[{"query":' || fail "--slowest list: $(cat "$tmp/s.json")"

"$warta" bench --help | grep -q 'usage: warta bench' || fail "--help"
"$warta" bench --version | grep -q '^warta ' || fail "--version"
set +e
"$warta" bench --no-such-option > /dev/null 2>&1; [ $? = 2 ] || fail "unknown option is not exit 2"
"$warta" bench -i "$ix" > /dev/null 2>&1; [ $? = 2 ] || fail "no --queries is not exit 2"
"$warta" bench --index > /dev/null 2>&1; [ $? = 2 ] || fail "--index without paths is not exit 2"
"$warta" bench -i "$tmp/none" --queries "$tmp/q" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 6 ] || fail "a missing index gives exit $rc, not 6: $(cat "$tmp/err")"
[ "$(wc -l < "$tmp/err")" = 1 ] || fail "the error is not one line: $(cat "$tmp/err")"
"$warta" bench -i "$ix" --queries "$tmp/no-such-file" > /dev/null 2>&1; [ $? = 6 ] || fail "a missing query file is not exit 6"
set -e
echo ok
