#!/bin/sh
# The whole-process benchmark (issue 13) in one command: real desks in pseudo-terminals on
# generated databases, every figure beside its target. Arguments go to the bench, e.g.
#   scripts/bench-desks.sh                      # 100k and 1M cases, 1/16/64 desks, 60 s idle
#   scripts/bench-desks.sh --quick              # 100k, 1/4 desks, 5 s idle (a minute or two)
#   scripts/bench-desks.sh --10m                # also 10M cases (generating it takes minutes)
#   scripts/bench-desks.sh --cases 1000000 --desks 64 --idle 10 --changes 20
# The output is also saved to benches/results/desks-YYYY-MM-DD.txt.
set -eu
cd "$(dirname "$0")/.."

if ! command -v sqlite3 >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "sqlite3 shell missing: installing it (apt-get install -y sqlite3) for the pane-query floors"
        apt-get install -y sqlite3 >/dev/null || echo "could not install sqlite3: the pane-query floors will be SKIPPED"
    else
        echo "sqlite3 shell missing (and cannot install it here): the pane-query floors will be SKIPPED"
    fi
fi

mkdir -p benches/results
out="benches/results/desks-$(date -u +%F).txt"
cargo bench --bench desks -- "$@" | tee "$out"
echo "saved to $out"
