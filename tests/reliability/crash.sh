#!/usr/bin/env bash
# crash.sh: crash safety of `warta index`, `delete` and `optimize` under SIGKILL
# (docs/GUARANTEES.md "Durability").  Usage: bash crash.sh WARTA FAULTSHIM
#
# A reference run builds an index in 12 `warta index` runs of 150 generated
# articles each (later runs replace some earlier ids; the 11th run makes the
# writer merge 8 segments), a `warta delete` of 5 ids and an optimize,
# recording after each step what a user sees (lib.sh fingerprint).  Then
# each chosen step is replayed from a copy of the index before it and
# killed with SIGKILL:
#   - just before its Nth file operation (fsync, rename, unlink, ftruncate,
#     write), through the LD_PRELOAD shim faultshim.so: at most 3 points per
#     class (evenly spread) and 2 write points, in steps 1 (creation), 11
#     (a merge), the delete and the optimize; with WARTA_REL_LONG=1, every
#     step at every fsync, rename, unlink and ftruncate point and at 30 write
#     points (a step makes hundreds of writes);
#   - after a random delay (seeded), a few times per step.
# After each kill: `warta check` passes (or there is no index yet, when the
# first run died before its first commit), the fingerprint equals the state
# before or after the step (never anything else), re-running the step gives
# exactly the uninterrupted result, and no temporary or unreferenced file is
# left in the directory.
source "$(dirname "$0")/lib.sh"
[ -n "$SHIM" ] || fail "usage: crash.sh WARTA FAULTSHIM"

LONG=${WARTA_REL_LONG:-0}
# every warta below runs under the shim; no real fsync (a kill loses nothing
# the kernel already holds)
export WARTA_FAULT_NOSYNC=1
NBATCH=12
PER=150
MAXW=$([ "$LONG" = 1 ] && echo 30 || echo 2)   # write points per step
MAXP=$([ "$LONG" = 1 ] && echo 100000 || echo 3)   # other points per class and step
RANDOM_KILLS=$([ "$LONG" = 1 ] && echo 12 || echo 1)
RANDOM=7

for k in $(seq 1 $NBATCH); do
    if [ "$k" = 1 ]; then
        gen_corpus "$WORK/b$k.jsonl" "$k" $PER 1
    else
        gen_corpus "$WORK/b$k.jsonl" "$k" $PER $((k * 1000)) 7
    fi
done

# steps: the batches, then a delete and an optimize when those commands exist
KIND=(none)
for k in $(seq 1 $NBATCH); do
    KIND+=(index)
done
HAVE_OPTIMIZE=0
if "$WARTA" delete --help >/dev/null 2>&1; then
    KIND+=(delete)
fi
DELETE_IDS="art-1 art-50 art-2003 art-11100 art-12149"
if "$WARTA" optimize --help >/dev/null 2>&1; then
    HAVE_OPTIMIZE=1
    KIND+=(optimize)
fi
NSTEP=$((${#KIND[@]} - 1))

# step_cmd K INDEX: the command line of step K on INDEX.
step_cmd() {
    local k=$1 ix=$2
    case ${KIND[$k]} in
        index) echo index -q -i "$ix" --jobs 2 "$WORK/b$k.jsonl" ;;
        delete) echo delete -q -i "$ix" $DELETE_IDS ;;
        optimize) echo optimize -i "$ix" ;;
    esac
}

# run_step K INDEX [PREFIX...]: runs step K on INDEX (through PREFIX, e.g.
# timeout); returns warta's exit status.
run_step() {
    local k=$1 ix=$2
    shift 2
    # shellcheck disable=SC2046
    LD_PRELOAD=$SHIM "$@" "$WARTA" $(step_cmd "$k" "$ix") >/dev/null 2>>"$WORK/stderr"
}

# state INDEX: NONE when there is no index, else its fingerprint.
state() {
    local ix=$1 rc=0
    "$WARTA" stats -i "$ix" --json >/dev/null 2>&1 || rc=$?
    if [ "$rc" = 6 ]; then
        echo NONE
        return
    fi
    fingerprint "$ix"
}

# ---- reference run -------------------------------------------------------
REF=$WORK/ref
echo NONE > "$WORK/fp0"
mkdir -p "$WORK/snap0"
for k in $(seq 1 $NSTEP); do
    rc=0
    WARTA_FAULT_COUNTS=$WORK/counts$k run_step "$k" "$REF" || rc=$?
    [ "$rc" = 0 ] || fail "reference step $k exited $rc: $(tail -3 "$WORK/stderr")"
    "$WARTA" check -i "$REF" >/dev/null || fail "reference step $k: check fails"
    state "$REF" > "$WORK/fp$k"
    cp -a "$REF" "$WORK/snap$k"
    note "step $k: $(cat "$WORK/counts$k"), $(jq -r '"\(.articles) articles, \(.segments) segments"' < <("$WARTA" stats -i "$REF" --json))"
done
if [ "$HAVE_OPTIMIZE" = 1 ]; then
    cmp -s "$WORK/fp$((NSTEP - 1))" "$WORK/fp$NSTEP" || fail "optimize changed what searches return"
else
    note "warta optimize is not there yet: optimize steps skipped"
fi
note "reference: $("$WARTA" stats -i "$REF" --json | jq -r '.generation') commits"

# ---- kills ---------------------------------------------------------------
nkills=0
# check_after_kill K INDEX WHAT: the checks after step K died.
check_after_kill() {
    local k=$1 ix=$2 what=$3 rc=0
    "$WARTA" check -i "$ix" > "$WORK/check.out" 2>&1 || rc=$?
    if [ "$rc" != 0 ]; then
        if ! { [ "$rc" = 6 ] && [ "$(cat "$WORK/fp$((k - 1))")" = NONE ]; }; then
            fail "step $k killed $what: warta check exits $rc: $(cat "$WORK/check.out")"
        fi
    fi
    state "$ix" > "$WORK/fp.now"
    if ! cmp -s "$WORK/fp.now" "$WORK/fp$((k - 1))" && ! cmp -s "$WORK/fp.now" "$WORK/fp$k"; then
        diff "$WORK/fp$k" "$WORK/fp.now" | head -5 >&2 || true
        fail "step $k killed $what: the index shows neither the commit before nor after"
    fi
    rc=0
    run_step "$k" "$ix" || rc=$?
    # a delete that was committed before the kill finds nothing to delete
    if ! { [ "$rc" = 0 ] || { [ "$rc" = 6 ] && [ "${KIND[$k]}" = delete ] && cmp -s "$WORK/fp.now" "$WORK/fp$k"; }; }; then
        fail "step $k killed $what: the re-run exits $rc: $(tail -1 "$WORK/stderr")"
    fi
    "$WARTA" check -i "$ix" >/dev/null || fail "step $k killed $what: check fails after the re-run"
    state "$ix" > "$WORK/fp.now"
    cmp -s "$WORK/fp.now" "$WORK/fp$k" ||
        fail "step $k killed $what: the re-run differs from the uninterrupted run"
    no_garbage "$ix"
    nkills=$((nkills + 1))
}

restore() {
    local k=$1 ix=$2
    rm -rf "$ix"
    if [ "$k" -gt 1 ]; then
        cp -a "$WORK/snap$((k - 1))" "$ix"
    fi
}

STEPS="1 11"
[ "$NSTEP" -gt $NBATCH ] && STEPS="$STEPS $(seq $((NBATCH + 1)) $NSTEP | tr '\n' ' ')"
[ "$LONG" = 1 ] && STEPS=$(seq 1 $NSTEP)
T=$WORK/t
for k in $STEPS; do
    classes="s r u w"
    [ "$LONG" = 1 ] && classes="s r u c w"
    for cls in $classes; do
        total=$(tr ' ' '\n' < "$WORK/counts$k" | sed -n "s/^$cls=//p")
        [ "$total" -gt 0 ] || continue
        points=$(seq 1 "$total")
        max=$MAXP
        [ "$cls" = w ] && max=$MAXW
        if [ "$total" -gt "$max" ]; then
            points=$(awk -v t="$total" -v m="$max" 'BEGIN { for (i = 0; i < m; i++) print 1 + int(i * (t - 1) / (m - 1)) }' | sort -un)
        fi
        for n in $points; do
            restore "$k" "$T"
            rc=0
            WARTA_FAULT_KILL=$cls:$n run_step "$k" "$T" || rc=$?
            [ "$rc" = 137 ] || fail "step $k with a kill at $cls:$n exited $rc instead of dying"
            check_after_kill "$k" "$T" "before $cls:$n"
        done
    done
    for _ in $(seq 1 $RANDOM_KILLS); do
        restore "$k" "$T"
        delay=$(printf '0.%03d' $((RANDOM % 80 + 1)))
        rc=0
        run_step "$k" "$T" timeout -s KILL "$delay" || rc=$?
        check_after_kill "$k" "$T" "after ${delay}s"
    done
done
note "$nkills kills, every one recovered"
echo "ok"
