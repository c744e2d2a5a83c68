#!/usr/bin/env bash
# enospc.sh: a full disk during a commit (docs/GUARANTEES.md "Full disk").
# Usage: bash enospc.sh WARTA FAULTSHIM
#
# Part 1 (needs root and tmpfs; skipped with a note otherwise): the index
# lives on a 2 MiB tmpfs filled up to leave little room;
# `warta index` of 300 more articles (0, 16 and 256 KiB free).
# Part 2 (always): the LD_PRELOAD shim makes every write fail with ENOSPC
# after a budget of bytes (0 to past the whole run), during an add, during
# an add that triggers a merge, and during an optimize.
# Each time: `warta index` exits 0, or 4 with one line on stderr that says
# the disk is full; `warta check` passes; what searches see is exactly the
# commit before (or, when the failure came after the new commit, during a
# merge, the commit after); and once there is room again the same command
# succeeds and leaves no temporary files.
source "$(dirname "$0")/lib.sh"
[ -n "$SHIM" ] || fail "usage: enospc.sh WARTA FAULTSHIM"

for k in $(seq 1 12); do
    gen_corpus "$WORK/b$k.jsonl" "$k" 150 $((k * 1000)) 7
done
gen_corpus "$WORK/big.jsonl" 99 300 50000 7

# expect_full_or_ok WHAT RC ERRFILE
expect_full_or_ok() {
    local what=$1 rc=$2 err=$3
    case $rc in
        0) ;;
        4) [ "$(wc -l < "$err")" = 1 ] || fail "$what: exit 4 without exactly one line: $(cat "$err")"
           grep -qi "no space\|disk is full\|full" "$err" || fail "$what: the message does not say the disk is full: $(cat "$err")" ;;
        *) fail "$what: exit $rc (expected 0 or 4): $(cat "$err")" ;;
    esac
}

# ---- part 1: tmpfs ------------------------------------------------------
MNT=$WORK/mnt
mkdir -p "$MNT"
if mount -t tmpfs -o size=2m tmpfs "$MNT" 2>/dev/null; then
    trap 'umount "$MNT" 2>/dev/null || true; rm -rf "$WORK"' EXIT
    for free_kb in 0 16 256; do
        rm -rf "${MNT:?}"/*
        "$WARTA" index -q -i "$MNT/ix" "$WORK/b1.jsonl" || fail "tmpfs: the first index does not fit"
        before=$(fingerprint "$MNT/ix")
        avail=$(df -k --output=avail "$MNT" | tail -1 | tr -d ' ')
        fill=$((avail - free_kb))
        [ "$fill" -gt 0 ] && dd if=/dev/zero of="$MNT/filler" bs=1k count="$fill" status=none 2>/dev/null || true
        rc=0
        "$WARTA" index -q -i "$MNT/ix" "$WORK/big.jsonl" 2> "$WORK/err" || rc=$?
        expect_full_or_ok "tmpfs with ${free_kb} KiB free" "$rc" "$WORK/err"
        "$WARTA" check -i "$MNT/ix" > /dev/null 2> "$WORK/cerr" ||
            fail "tmpfs with ${free_kb} KiB free: check fails: $(cat "$WORK/cerr")"
        if [ "$rc" = 4 ]; then
            [ "$(fingerprint "$MNT/ix")" = "$before" ] ||
                fail "tmpfs with ${free_kb} KiB free: the previous commit changed"
        fi
        rm -f "$MNT/filler"
        "$WARTA" index -q -i "$MNT/ix" "$WORK/big.jsonl" 2> "$WORK/err" ||
            fail "tmpfs: with room again, indexing fails: $(cat "$WORK/err")"
        no_garbage "$MNT/ix"
        note "tmpfs, ${free_kb} KiB free: exit $rc"
    done
    umount "$MNT"
else
    note "SKIP part 1: cannot mount a tmpfs (not root?); the shim part still runs"
fi

# ---- part 2: injected ENOSPC ---------------------------------------------
export WARTA_FAULT_NOSYNC=1
REF=$WORK/ref
for k in $(seq 1 12); do
    LD_PRELOAD=$SHIM "$WARTA" index -q -i "$REF" "$WORK/b$k.jsonl"
    cp -a "$REF" "$WORK/snap$k"
    fingerprint "$REF" > "$WORK/fp$k"
done
have_optimize=0
"$WARTA" optimize --help > /dev/null 2>&1 && have_optimize=1

# try STEP_NAME BEFORE_SNAP AFTER_FP CMD...: the command under each budget
try() {
    local name=$1 snap=$2 after=$3
    shift 3
    for budget in 0 1 20000 100000 1000000; do
        rm -rf "$WORK/t"
        cp -a "$snap" "$WORK/t"
        local rc=0
        WARTA_FAULT_ENOSPC=$budget LD_PRELOAD=$SHIM "$@" "$WORK/t" > /dev/null 2> "$WORK/err" || rc=$?
        expect_full_or_ok "$name, ENOSPC after $budget bytes" "$rc" "$WORK/err"
        "$WARTA" check -i "$WORK/t" > /dev/null 2> "$WORK/cerr" ||
            fail "$name, ENOSPC after $budget bytes: check fails: $(cat "$WORK/cerr")"
        fingerprint "$WORK/t" > "$WORK/fp.now"
        if [ "$rc" = 4 ]; then
            cmp -s "$WORK/fp.now" "$(dirname "$snap")/fp${snap##*snap}" || cmp -s "$WORK/fp.now" "$after" ||
                fail "$name, ENOSPC after $budget bytes: neither the commit before nor after"
        else
            cmp -s "$WORK/fp.now" "$after" || fail "$name, ENOSPC after $budget bytes: exit 0 but not the full result"
        fi
        rc=0
        LD_PRELOAD=$SHIM "$@" "$WORK/t" > /dev/null 2> "$WORK/err" || rc=$?
        [ "$rc" = 0 ] || fail "$name: with room again, exit $rc: $(cat "$WORK/err")"
        cmp -s <(fingerprint "$WORK/t") "$after" || fail "$name, ENOSPC after $budget bytes: the re-run differs"
        no_garbage "$WORK/t"
        ntry=$((ntry + 1))
    done
}
ntry=0
idx() { # idx FILE INDEX
    "$WARTA" index -q -i "$2" "$1"
}
opt() { # opt INDEX
    "$WARTA" optimize -i "$1"
}
try "add" "$WORK/snap1" "$WORK/fp2" idx "$WORK/b2.jsonl"
try "add with a merge" "$WORK/snap10" "$WORK/fp11" idx "$WORK/b11.jsonl"
if [ "$have_optimize" = 1 ]; then
    try "optimize" "$WORK/snap12" "$WORK/fp12" opt
fi
note "injected ENOSPC: $ntry runs, each exit 0 or 4, previous commit intact"
echo ok
