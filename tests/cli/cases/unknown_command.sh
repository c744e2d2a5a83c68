# An unknown command or option names itself and exits 2.
"$WARTA" frobnicate; echo "exit $?"
"$WARTA" --frobnicate; echo "exit $?"
"$WARTA" help frobnicate; echo "exit $?"
