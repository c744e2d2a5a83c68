# warta search on the sample corpus: the example query ranks the Kursk
# articles first; JSON; exclusion after --; paging; filters; errors.
"$WARTA" index -q -i idx "$SRC/corpus/sample"; echo "index exit $?"
mask() { sed -E -e "s|$SRC/||g" -e 's/\([0-9.]+ ms\)/(T ms)/' -e 's/"took_ms": ?[0-9.e+-]+/"took_ms": T/'; }
"$WARTA" search -i idx --colour never "pasukan Korea Utara Kursk" | mask
"$WARTA" search -i idx --json -k 2 --no-snippets "pasukan Korea Utara Kursk" | mask
"$WARTA" search -i idx --colour never -k 3 --no-snippets -- korea -utara | mask
"$WARTA" search -i idx --colour never -k 2 --offset 2 --no-snippets "pasukan Korea Utara Kursk" | mask
"$WARTA" search -i idx --colour never --no-snippets --since 2024-10-29 --until 2024-10-31 korea | mask
"$WARTA" search -i idx --colour never --no-snippets --source "Warta Timur" kursk | mask
"$WARTA" search -i idx --colour never --no-snippets '"korea utara" +title:kursk' | mask
"$WARTA" search -i idx --colour never --no-snippets --sort date -k 3 banjir | mask
"$WARTA" search -i idx --json --explain -k 1 --no-snippets kursk | mask
