#!/usr/bin/env bash
# benchmarks/test-generators.sh: the meson test "bench-generators".  The query
# generator and the corpus scaler are deterministic for a seed and differ
# across seeds; their output is well formed; trec_eval_lite scores a known
# run exactly; the peers (when built) build, search and write run files.
# Arguments: the build's benchmarks/ directory, the source benchmarks/ dir.
set -euo pipefail
b=$1 src=$2
data=$src/testdata/mini.jsonl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# gen_queries: same seed, same file; another seed, another file.
"$b/gen_queries" -n 200 --seed 7 "$data" > "$tmp/q1"
"$b/gen_queries" -n 200 --seed 7 -o "$tmp/q2" "$data"
"$b/gen_queries" -n 200 --seed 8 "$data" > "$tmp/q3"
cmp -s "$tmp/q1" "$tmp/q2" || fail "gen_queries differs for one seed"
cmp -s "$tmp/q1" "$tmp/q3" && fail "gen_queries ignores the seed"
[ "$(wc -l < "$tmp/q1")" = 200 ] || fail "gen_queries wrote $(wc -l < "$tmp/q1") queries, not 200"
awk 'NF < 2 || NF > 5 { print "bad word count: " $0; bad = 1 } END { exit bad }' "$tmp/q1" ||
  fail "a query has fewer than 2 or more than 5 words"
grep -Ewq 'di|dan|yang|ke|dari' "$tmp/q1" && fail "a stopword reached a query"
# Every query's words come from one headline, in its order.
"$b/gen_queries" -n 1 --seed 1 --min 2 --max 2 --tsv "$data" | grep -Eq $'^q1\t[^ ]+ [^ ]+$' ||
  fail "--tsv / --min / --max"
"$b/gen_queries" -n 5 "$src/testdata/no-such-file.jsonl" 2>/dev/null && fail "a missing corpus is accepted"

# scale_corpus: deterministic, the requested count, new unique ids, valid JSON.
"$b/scale_corpus" -n 37 --seed 3 -o "$tmp/s1.jsonl" "$data"
"$b/scale_corpus" -n 37 --seed 3 -o "$tmp/s2.jsonl.gz" "$data"
"$b/scale_corpus" -n 37 --seed 4 -o "$tmp/s3.jsonl" "$data"
gzip -dc "$tmp/s2.jsonl.gz" | cmp -s - "$tmp/s1.jsonl" || fail "scale_corpus differs for one seed (or gzip output differs)"
cmp -s "$tmp/s1.jsonl" "$tmp/s3.jsonl" && fail "scale_corpus ignores the seed"
[ "$(wc -l < "$tmp/s1.jsonl")" = 37 ] || fail "scale_corpus wrote $(wc -l < "$tmp/s1.jsonl") articles, not 37"
[ "$(cut -d'"' -f4 "$tmp/s1.jsonl" | sort -u | wc -l)" = 37 ] || fail "scaled ids are not unique"
head -1 "$tmp/s1.jsonl" | grep -q '^{"id": "scaled-1", "title": "Harga beras' || fail "article 1 is not based on input article 1"
while IFS= read -r line; do
  printf '%s' "$line" | "$b/json_check" || fail "scaled line is not JSON: $line"
done < "$tmp/s1.jsonl"
"$b/scale_corpus" --factor 2 "$data" | wc -l | grep -qx 24 || fail "--factor 2 of 12 articles is not 24"
# The scaled corpus is a corpus: queries come out of it too.
"$b/gen_queries" -n 10 "$tmp/s1.jsonl" > /dev/null || fail "gen_queries cannot read scale_corpus output"

# trec_eval_lite: a known answer.  q1 found at rank 1, q2 at rank 4, q3 at
# rank 50, q4 not at all, q5 has no judgment (left out).
printf 'q1\td1\t1\nq2\td2\t1\nq3\td3\t1\nq4\td4\t1\n' > "$tmp/qrels"
printf 'q1\ta\nq2\tb\nq3\tc\nq4\td\nq5\te\n' > "$tmp/queries"
{
  echo "q1 Q0 d1 1 9.0 t"
  for r in 1 2 3; do echo "q2 Q0 x$r $r 1.0 t"; done; echo "q2 Q0 d2 4 0.5 t"
  for r in $(seq 1 49); do echo "q3 Q0 y$r $r 1.0 t"; done; echo "q3 Q0 d3 50 0.1 t"
} > "$tmp/run"
"$b/trec_eval_lite" --qrels "$tmp/qrels" --queries "$tmp/queries" "$tmp/run" > "$tmp/eval"
grep -qx 'queries 4' "$tmp/eval" || fail "trec_eval_lite: queries $(cat "$tmp/eval")"
grep -qx 'unjudged 1' "$tmp/eval" || fail "trec_eval_lite: unjudged"
grep -qx 'mrr10 0.312' "$tmp/eval" || fail "trec_eval_lite: mrr10 (want (1 + 1/4) / 4): $(cat "$tmp/eval")"
grep -qx 'recall10 0.500' "$tmp/eval" || fail "trec_eval_lite: recall10"
grep -qx 'recall100 0.750' "$tmp/eval" || fail "trec_eval_lite: recall100"
"$b/trec_eval_lite" --qrels "$tmp/qrels" --json "$tmp/run" | "$b/json_check" --get mrr10 | grep -qx '0.417' ||
  fail "trec_eval_lite --json without --queries"

# json_check: rejects broken JSON, reads fields.
echo '{"a": 1, "b": {"c": "x"}}' | "$b/json_check" --get a --get b.c | tr '\n' ' ' | grep -qx '1 x ' ||
  fail "json_check --get"
echo '{"a": 1,' | "$b/json_check" 2>/dev/null && fail "json_check accepts broken JSON"

# The peers, when built: build, query, run file, evaluation.
printf 'mini-01\tharga beras pasar\nmini-03\tbanjir rumah Bekasi\nmini-11\tkabut asap Riau\n' > "$tmp/tq"
printf 'mini-01\tmini-01\t1\nmini-03\tmini-03\t1\nmini-11\tmini-11\t1\n' > "$tmp/tqrels"
for peer in fts5 xapian; do
  exe=$b/peer_$peer
  [ -x "$exe" ] || { echo "peer_$peer not built: skipped"; continue; }
  "$exe" --db "$tmp/$peer.db" --queries "$tmp/tq" --run "$tmp/$peer.run" --json "$data" > "$tmp/$peer.json"
  "$b/json_check" --get docs "$tmp/$peer.json" | grep -qx 12 || fail "peer_$peer did not index 12 articles"
  "$b/json_check" --get queries "$tmp/$peer.json" | grep -qx 3 || fail "peer_$peer did not run 3 queries"
  "$b/trec_eval_lite" --qrels "$tmp/tqrels" --queries "$tmp/tq" "$tmp/$peer.run" | grep -qx 'mrr10 1.000' ||
    fail "peer_$peer does not rank the obvious answers first: $(cat "$tmp/$peer.run")"
  "$exe" --db "$tmp/$peer.db" --queries "$tmp/tq" -k 1 > "$tmp/$peer.kv"
  grep -qx 'hits 3' "$tmp/$peer.kv" || fail "peer_$peer -k 1 over an existing index"
done
echo "ok"
