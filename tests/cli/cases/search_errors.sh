# Malformed queries, bad options and a missing index: one line, exit code.
"$WARTA" index -q -i idx "$SRC/corpus/sample"
for q in '"pasukan korea' '(korea OR rusia' 'korea AND' 'OR' 'korea)' 'title:' '+' ; do
  "$WARTA" search -i idx -- "$q"; echo "exit $?"
done
"$WARTA" search -i idx yang dan di; echo "exit $?"
"$WARTA" search -i idx --since garbage korea; echo "exit $?"
"$WARTA" search -i idx -k -1 korea; echo "exit $?"
"$WARTA" search -i idx --frobnicate korea; echo "exit $?"
"$WARTA" search -i no-such-index korea; echo "exit $?"
printf 'ranking:\n  k1: lots\n' > bad.yaml
"$WARTA" search -i idx --config bad.yaml korea; echo "exit $?"
"$WARTA" search -i idx; echo "exit $?"
