# `warta index` on the readers' test inputs: one line per problem, a summary,
# exit 1 because some inputs were skipped; --quiet keeps only the problems;
# --verbose adds one line per file.  (The writer's own line is left out.)
report() { sed -e "s|$SRC/||g" -e 's/in [0-9.]* s;/in S s;/' | grep -v -e ' live in ' -e 'CPU seconds'; }
"$WARTA" index -i idx "$SRC/tests/data/txt" "$SRC/tests/data/md" 2>&1 >/dev/null | report
echo "exit ${PIPESTATUS[0]}"
"$WARTA" index -i idx --quiet "$SRC/tests/data/jsonl/articles.jsonl" 2>&1 | report
echo "exit ${PIPESTATUS[0]}"
"$WARTA" index -i idx --verbose "$SRC/tests/data/jsonl/small.jsonl.gz" "$SRC/tests/data/txt/scraped.txt" 2>&1 | report
echo "exit ${PIPESTATUS[0]}"
"$WARTA" index -i idx -- "$SRC/tests/data/does-not-exist.txt" 2>&1 | report
echo "exit ${PIPESTATUS[0]}"
