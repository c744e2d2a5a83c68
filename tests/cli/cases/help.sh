# `warta --help` lists the commands and exits 0; no arguments is a usage error.
"$WARTA" --help | head -3
"$WARTA"; echo "exit $?"
