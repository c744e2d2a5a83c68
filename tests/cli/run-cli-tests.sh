#!/usr/bin/env bash
# run-cli-tests.sh WARTA SRCDIR [--update]
#
# Runs every tests/cli/cases/NAME.sh with bash in a fresh temporary directory,
# with $WARTA (the binary), $SRC (the source root) and LC_ALL=C set, and
# compares its stdout, stderr and exit code with NAME.out, NAME.err and
# NAME.code.  Volatile text (timings) is the case's business: a case pipes
# through sed when it must.  --update rewrites the expected files instead.
set -u
warta=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
casedir=$(cd "$2" && pwd)/cases
src=$(cd "$2/../.." && pwd)
update=${3:-}
export LC_ALL=C WARTA="$warta" SRC="$src"
unset WARTA_INDEX WARTA_CONFIG

pass=0 fail=0
for case in "$casedir"/*.sh; do
  name=$(basename "$case" .sh)
  tmp=$(mktemp -d)
  (cd "$tmp" && bash "$case" >"$tmp/.out" 2>"$tmp/.err" </dev/null; echo $? >"$tmp/.code")
  if [ "$update" = --update ]; then
    cp "$tmp/.out" "$casedir/$name.out"
    cp "$tmp/.err" "$casedir/$name.err"
    cp "$tmp/.code" "$casedir/$name.code"
    echo "updated $name"
    rm -rf "$tmp"
    continue
  fi
  ok=1
  for part in out err code; do
    if ! diff -u "$casedir/$name.$part" "$tmp/.$part" >"$tmp/.diff" 2>&1; then
      ok=0
      echo "FAIL $name ($part differs)"
      sed 's/^/    /' "$tmp/.diff" | head -40
    fi
  done
  if [ $ok = 1 ]; then
    echo "ok   $name"
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
  fi
  rm -rf "$tmp"
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
