#!/bin/sh
# Checks tests/data/stem-gold.tsv and stem-gold-pairs.tsv against the hunspell-id root list.
# Every root of an affixed word (and of a root-unchanged word) must be an entry of id_ID.dic;
# names and loans may be absent (they stay as themselves). Every pair's words must be gold
# entries with the pair's roots, and the two roots must differ. Usage:
#   tests/data/stem-gold-check.sh [/usr/share/hunspell/id_ID.dic]
# Prints one line per problem and exits 1 if there is any; no output and exit 0 otherwise.
set -eu
dir=$(dirname "$0")
dic=${1:-/usr/share/hunspell/id_ID.dic}
[ -r "$dic" ] || { echo "stem-gold-check: $dic: not readable (install hunspell-id)" >&2; exit 2; }
LC_ALL=C awk -F '\t' '
	FNR == 1 && FILENAME == DIC { next }
	FILENAME == DIC { sub(/\/.*/, ""); root[$0] = 1; next }
	FILENAME == GOLD {
		if ($0 ~ /^#/ || $0 == "") next
		if (NF != 3) { print GOLD ":" FNR ": expected 3 tab-separated fields"; bad = 1; next }
		if ($1 in gold) { print GOLD ":" FNR ": duplicate word " $1; bad = 1 }
		gold[$1] = $2
		c = $3
		if (c == "name" || c == "loan" || c == "name-trap") {
			if ($2 != tolower($1)) { print GOLD ":" FNR ": " c " " $1 " must map to itself"; bad = 1 }
			next
		}
		if (!($2 in root)) { print GOLD ":" FNR ": root " $2 " of " $1 " is not in " DIC; bad = 1 }
		if (c == "root-unchanged" && $1 != $2) { print GOLD ":" FNR ": root-unchanged " $1 " maps to " $2; bad = 1 }
		next
	}
	{
		if ($0 ~ /^#/ || $0 == "") next
		if (NF != 4) { print FILENAME ":" FNR ": expected 4 tab-separated fields"; bad = 1; next }
		if (gold[$1] != $2 || gold[$3] != $4) { print FILENAME ":" FNR ": words not in the gold list with these roots"; bad = 1 }
		if ($2 == $4) { print FILENAME ":" FNR ": the two roots are equal"; bad = 1 }
	}
	END { exit bad }
' DIC="$dic" GOLD="$dir/stem-gold.tsv" "$dic" "$dir/stem-gold.tsv" "$dir/stem-gold-pairs.tsv"
