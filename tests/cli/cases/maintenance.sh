# warta delete, optimize, check and stats on the sample corpus: results, usage errors, exit codes.
"$WARTA" index -q -i idx "$SRC/corpus/sample"
"$WARTA" delete -i idx kn-2024-0101 no-such-id; echo "exit $?"
"$WARTA" search -i idx --json -k 1 --no-snippets zelensky | grep -c kn-2024-0101
"$WARTA" optimize -i idx; echo "exit $?"
"$WARTA" check -i idx; echo "exit $?"
"$WARTA" stats -i idx --json | sed -E 's/.*"articles": ([0-9]+), "deleted": ([0-9]+), "segments": ([0-9]+).*/articles \1 deleted \2 segments \3/'
"$WARTA" delete -i idx; echo "exit $?"
"$WARTA" optimize -i idx extra; echo "exit $?"
"$WARTA" check --bogus; echo "exit $?"
"$WARTA" check -i no-such-index; echo "exit $?"
"$WARTA" delete --version
