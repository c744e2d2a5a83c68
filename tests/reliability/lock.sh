#!/usr/bin/env bash
# lock.sh: one writer, many readers (docs/GUARANTEES.md "Concurrency").
# Usage: bash lock.sh WARTA RELDRIVER
#   1. While a process holds the writer lock, `warta index` and `warta
#      optimize` exit 5 with one line "... index is locked by PID <that
#      process> ..."; searching still works.
#   2. After that process is killed with SIGKILL, the next writer takes the
#      stale lock over and succeeds.
#   3. While commits, merges and an optimize run, two reader processes of
#      three threads each open the index and search it in a loop, and a
#      shell loop runs `warta search`: every open and search succeeds and
#      sees exactly one committed state (live articles, total hits), known
#      from a sequential reference run.
#   4. A reader that keeps the index open across an optimize and more
#      commits still answers from its commit; the segments it maps stay on
#      disk while it is open and are deleted by the first writer after it
#      closed.
source "$(dirname "$0")/lib.sh"
DRIVER=${2:?usage: lock.sh WARTA RELDRIVER}
SECONDS_READ=${WARTA_REL_READ_SECONDS:-6}
NBATCH=12
for k in $(seq 1 $NBATCH); do
    if [ "$k" = 1 ]; then
        gen_corpus "$WORK/b$k.jsonl" "$k" 150 1
    else
        gen_corpus "$WORK/b$k.jsonl" "$k" 150 $((k * 1000)) 7
    fi
done
IX=$WORK/ix
"$WARTA" index -q -i "$IX" "$WORK/b1.jsonl"

# ---- 1 and 2: the lock --------------------------------------------------
mkfifo "$WORK/hold.in"
"$DRIVER" hold "$IX" < "$WORK/hold.in" > "$WORK/hold.out" &
HOLDER=$!
exec 7> "$WORK/hold.in"
for _ in $(seq 1 100); do
    grep -q locked "$WORK/hold.out" 2>/dev/null && break
    sleep 0.05
done
grep -q locked "$WORK/hold.out" || fail "the lock holder did not start"
for cmd in "index -q -i $IX $WORK/b2.jsonl" "optimize -i $IX"; do
    if [ "${cmd%% *}" = optimize ] && ! "$WARTA" optimize --help >/dev/null 2>&1; then
        continue
    fi
    rc=0
    # shellcheck disable=SC2086
    "$WARTA" $cmd > "$WORK/out" 2> "$WORK/err" || rc=$?
    [ "$rc" = 5 ] || fail "warta ${cmd%% *} on a locked index exits $rc, not 5: $(cat "$WORK/err")"
    [ "$(wc -l < "$WORK/err")" = 1 ] || fail "warta ${cmd%% *} on a locked index: not one line: $(cat "$WORK/err")"
    grep -q "index is locked by PID $HOLDER" "$WORK/err" ||
        fail "warta ${cmd%% *} does not name the holder (PID $HOLDER): $(cat "$WORK/err")"
done
"$WARTA" search -i "$IX" -k 3 pemerintah > /dev/null || fail "searching a locked index fails"
kill -9 "$HOLDER"
wait "$HOLDER" 2>/dev/null || true
exec 7>&-
rc=0
"$WARTA" index -q -i "$IX" "$WORK/b1.jsonl" 2> "$WORK/err" || rc=$?
[ "$rc" = 0 ] || fail "the stale lock of a killed writer is not recovered (exit $rc): $(cat "$WORK/err")"
"$WARTA" check -i "$IX" > /dev/null || fail "check fails after the stale lock"
note "lock: exit 5 naming PID $HOLDER; stale lock recovered"

# ---- 3: readers during commits and merges -------------------------------
Q="pemerintah banjir"
steps() {
    local ix=$1 k
    for k in $(seq 2 $NBATCH); do
        "$WARTA" index -q -i "$ix" "$WORK/b$k.jsonl"
        "$3" "$ix" "$k"
    done
    if "$WARTA" optimize --help >/dev/null 2>&1; then
        "$WARTA" optimize -i "$ix" > /dev/null
        "$3" "$ix" opt
    fi
}
record() {
    "$DRIVER" state "$1" "$Q" >> "$WORK/states"
}
nothing() {
    :
}
REF=$WORK/ref
cp -a "$IX" "$REF"
"$DRIVER" state "$REF" "$Q" > "$WORK/states"
steps "$REF" x record
sort -u -o "$WORK/states" "$WORK/states"
note "$(wc -l < "$WORK/states") distinct committed states"

"$DRIVER" readers "$IX" "$WORK/states" "$SECONDS_READ" 3 "$Q" > "$WORK/r1.out" 2> "$WORK/r1.err" &
R1=$!
"$DRIVER" readers "$IX" "$WORK/states" "$SECONDS_READ" 3 "$Q" > "$WORK/r2.out" 2> "$WORK/r2.err" &
R2=$!
(
    end=$((SECONDS + SECONDS_READ))
    n=0
    while [ $SECONDS -lt $end ]; do
        out=$("$WARTA" search -i "$IX" --json -k 1 -- "$Q" 2>&1) ||
            { echo "warta search failed during commits: $out"; exit 1; }
        n=$((n + 1))
    done
    echo "$n CLI searches"
) > "$WORK/cli.out" 2>&1 &
R3=$!
# one round of all the steps, then (the state must stay a committed one:
# re-adding an early batch would bring back old versions of replaced
# articles) the last batch again and an optimize, until the readers stop
steps "$IX" x nothing
writes=1
end=$((SECONDS + SECONDS_READ))
while [ $SECONDS -lt "$end" ]; do
    "$WARTA" index -q -i "$IX" "$WORK/b$NBATCH.jsonl"
    if "$WARTA" optimize --help >/dev/null 2>&1; then
        "$WARTA" optimize -i "$IX" > /dev/null
    fi
    writes=$((writes + 1))
done
rc=0
wait $R1 || rc=1
wait $R2 || rc=1
wait $R3 || rc=1
[ "$rc" = 0 ] || fail "readers: $(cat "$WORK/r1.err" "$WORK/r2.err" "$WORK/cli.out")"
"$WARTA" check -i "$IX" > /dev/null || fail "check fails after the concurrent run"
note "readers: $(cat "$WORK/r1.out"); $(cat "$WORK/r2.out"); $(cat "$WORK/cli.out"); 1 round of 11 commits + optimize, then $((writes - 1)) re-adds + optimizes"

# ---- 4: a long-lived reader ----------------------------------------------
P=$WORK/pinned
"$WARTA" index -q -i "$P" "$WORK/b1.jsonl"
"$WARTA" index -q -i "$P" "$WORK/b2.jsonl"
old_segs=$(cd "$P" && ls ./*.seg | tr '\n' ' ')
mkfifo "$WORK/pin.in"
"$DRIVER" pin "$P" "$Q" < "$WORK/pin.in" > "$WORK/pin.out" 2> "$WORK/pin.err" &
PIN=$!
exec 8> "$WORK/pin.in"
for _ in $(seq 1 100); do
    [ -s "$WORK/pin.out" ] && break
    sleep 0.05
done
first=$(head -1 "$WORK/pin.out")
[ -n "$first" ] || fail "the pinned reader did not start: $(cat "$WORK/pin.err")"
if "$WARTA" optimize --help > /dev/null 2>&1; then
    "$WARTA" optimize -i "$P" > /dev/null
fi
"$WARTA" index -q -i "$P" "$WORK/b3.jsonl"
for f in $old_segs; do
    [ -f "$P/$f" ] || fail "segment $f was deleted while a reader had it open"
done
echo go >&8
exec 8>&-
wait $PIN || fail "the pinned reader failed: $(cat "$WORK/pin.err")"
second=$(sed -n 2p "$WORK/pin.out")
[ "$first" = "$second" ] || fail "a reader's answer changed under it: '$first' then '$second'"
now=$("$DRIVER" state "$P" "$Q")
[ "$now" != "$first" ] || fail "the new commits did not change the state (test is void)"
"$WARTA" index -q -i "$P" "$WORK/b4.jsonl"
live=$("$WARTA" stats -i "$P" --json | jq -r .segments)
nseg=$(cd "$P" && ls ./*.seg | wc -l)
[ "$nseg" = "$live" ] || fail "old segments not deleted once the reader closed: $(ls "$P")"
note "a reader kept its commit ($first) across an optimize and a commit; its segments were kept, then deleted"
echo ok
