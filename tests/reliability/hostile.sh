#!/usr/bin/env bash
# hostile.sh: hostile queries and damaged index files through the command
# line (docs/GUARANTEES.md "Bad input").  Usage: bash hostile.sh WARTA RELDRIVER
#
# Queries: 100 KB, 10,000 terms, only stopwords, only operators, deep
# nesting, thousands of prefixes and phrases, invalid UTF-8 (argv), NUL bytes
# and random bytes (through the API, reldriver query).  Each must give exit 0
# or exit 2 with exactly one line on stderr, within 10 s, and (release
# build) within 1 GiB of address space.
# Files: one byte flipped in the middle of each index file, and each file
# truncated to half: `warta check` and `warta search` (a word and a prefix
# query) exit 3 with one line naming the file (search may instead answer
# exactly as before).
source "$(dirname "$0")/lib.sh"
DRIVER=${2:?usage: hostile.sh WARTA RELDRIVER}
IX=$WORK/ix
gen_corpus "$WORK/a.jsonl" 1 400 1
"$WARTA" index -q -i "$IX" "$WORK/a.jsonl"

limit() {
    # ASan reserves terabytes of address space: no ulimit -v there
    if [ -z "${REL_SANITIZE:-}" ]; then
        ulimit -v 1048576
    fi
    timeout 10 "$@"
}

rep() { # rep N WORD...: the words repeated N times, space-separated
    local n=$1
    shift
    awk -v n="$n" -v w="$*" 'BEGIN { for (i = 0; i < n; i++) printf("%s%s", i ? " " : "", w) }'
}

cases=()
cases+=("$(rep 11000 banjir)")                                  # 77 KB, 11,000 terms
cases+=("$(head -c 102400 < /dev/zero | tr '\0' 'a')")          # one 100 KB word
cases+=("$(rep 10000 ab)")                                      # 10,000 terms under the byte cap
cases+=("$(awk 'BEGIN { for (i = 0; i < 10000; i++) printf("k%d ", i) }')")
cases+=("yang dan di ke dari untuk pada adalah itu ini")        # only stopwords
cases+=("AND OR NOT" "( ) ( )" "+ - + -" '" "' "* ** ***" "title: title:" "-banjir" "NOT banjir"
        "banjir AND" "OR banjir OR" "((((banjir" "banjir))))" "+-+-banjir" '"banjir' "title:title:banjir"
        "-" "--" "'" "\\" "a*" "b* c* d* e* f* g* h*" "title:p*" '"p* b*"')
cases+=("$(rep 5000 '(')banjir$(rep 5000 ')')")                 # deep nesting
cases+=("$(rep 2000 '"banjir jakarta"')")                       # 2000 phrases
cases+=("\"$(rep 3000 pemerintah)\"")                           # a 3000-word phrase
cases+=("$(rep 3000 'p*')")                                     # 3000 prefixes
cases+=("$(rep 1000 'banjir AND')" "$(rep 1000 'NOT banjir')")
cases+=("$(printf '\xff\xfe\xc3\x28 banjir \xed\xa0\x80 \xf4\x90\x80\x80')") # invalid UTF-8
cases+=("$(printf '\xe2\x80\x8b\xef\xbb\xbf\xcc\x81\xcc\x81')")  # zero-width and combining only
cases+=("$(printf 'ｂａｎｊｉｒ ＪＡＫＡＲＴＡ İstanbul ß')")   # full-width and special case folds

n=0
for q in "${cases[@]}"; do
    rc=0
    (limit "$WARTA" search -i "$IX" -k 5 -- "$q") > "$WORK/out" 2> "$WORK/err" || rc=$?
    case $rc in
        0) ;;
        2) [ "$(wc -l < "$WORK/err")" = 1 ] ||
               fail "query '${q:0:40}': exit 2 without exactly one line: $(head -c 300 "$WORK/err")" ;;
        *) fail "query '${q:0:40}...' (${#q} bytes): exit $rc: $(head -c 300 "$WORK/err")" ;;
    esac
    n=$((n + 1))
done
note "$n command-line queries: exit 0 or 2 with one line"

# through the API: NUL bytes, random bytes
printf 'banjir\0jakarta' > "$WORK/q.nul"
printf '\0\0\0' > "$WORK/q.nuls"
printf '"banjir\0jakarta"' > "$WORK/q.nulphrase"
printf 'title:\0' > "$WORK/q.nultitle"
: > "$WORK/q.empty"
head -c 70000 < /dev/zero > "$WORK/q.zeros"
for i in $(seq 1 20); do
    awk -v s="$i" 'BEGIN { srand(s); n = 1 + int(rand() * 3000); for (i = 0; i < n; i++) printf("%c", int(rand() * 256)) }' > "$WORK/q.rand$i"
done
for f in "$WORK"/q.*; do
    rc=0
    (limit "$DRIVER" query "$IX" "$f") > "$WORK/out" 2>&1 || rc=$?
    [ "$rc" = 0 ] || fail "API query $(basename "$f"): $(head -c 300 "$WORK/out") (exit $rc)"
done
note "$(ls "$WORK"/q.* | wc -l) API queries with NUL and random bytes: success or WARTA_ESYNTAX"

# damaged files through the command line
declare -A REF
for q in banjir 'pem*'; do
    REF[$q]=$("$WARTA" search -i "$IX" --json -k 50 -- "$q" | jq -c 'del(.took_ms)')
done
for f in $(cd "$IX" && ls); do
    [ "$f" = lock ] && continue
    size=$(stat -c %s "$IX/$f")
    for how in flip cut; do
        cp "$IX/$f" "$WORK/saved"
        if [ "$how" = flip ]; then
            off=$((size / 2))
            byte=$(od -An -tu1 -j "$off" -N1 "$IX/$f" | tr -d ' ')
            printf "$(printf '\\%03o' $((byte ^ 16)))" |
                dd of="$IX/$f" bs=1 seek="$off" conv=notrunc status=none
        else
            truncate -s $((size / 2)) "$IX/$f"
        fi
        rc=0
        "$WARTA" check -i "$IX" > "$WORK/out" 2> "$WORK/err" || rc=$?
        [ "$rc" = 3 ] || fail "check with $f ($how): exit $rc, not 3: $(cat "$WORK/err")"
        [ "$(wc -l < "$WORK/err")" = 1 ] && grep -q "$f" "$WORK/err" ||
            fail "check with $f ($how): not one line naming the file: $(cat "$WORK/err")"
        for q in banjir 'pem*'; do
            rc=0
            "$WARTA" search -i "$IX" --json -k 50 -- "$q" > "$WORK/out" 2> "$WORK/err" || rc=$?
            if [ "$rc" = 0 ]; then
                [ "$(jq -c 'del(.took_ms)' < "$WORK/out")" = "${REF[$q]}" ] ||
                    fail "search '$q' with $f ($how): a different answer, no error"
            else
                [ "$rc" = 3 ] || fail "search '$q' with $f ($how): exit $rc, not 3: $(cat "$WORK/err")"
                [ "$(wc -l < "$WORK/err")" = 1 ] && grep -q "$f" "$WORK/err" ||
                    fail "search '$q' with $f ($how): not one line naming the file: $(cat "$WORK/err")"
            fi
        done
        cp "$WORK/saved" "$IX/$f"
    done
done
"$WARTA" check -i "$IX" > /dev/null || fail "the index is not restored"
note "damaged files: check and search exit 3 naming the file"
echo ok
