# `warta index` usage: no PATH and unknown options are usage errors (exit 2),
# bad option values too; --help prints the usage on stdout.
"$WARTA" index; echo "exit $?"
"$WARTA" index --frobnicate x; echo "exit $?"
"$WARTA" index --jobs many x; echo "exit $?"
"$WARTA" index --quiet --verbose x; echo "exit $?"
"$WARTA" index --help | head -1; echo "exit $?"
"$WARTA" index --version; echo "exit $?"
