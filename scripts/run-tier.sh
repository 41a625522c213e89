#!/usr/bin/env bash
# Runs one test tier with node's test runner and writes its counts to test-output/<tier>.counts
# (read by scripts/test-all.sh). Tiers: unit, integration, browser, bench.
set -uo pipefail
tier="${1:?tier: unit|integration|browser|bench}"
shift || true
cd "$(dirname "$0")/.."
mkdir -p test-output
case "$tier" in
  unit)        files=$(find packages -path '*/node_modules' -prune -o -path '*/test/unit/*' -name '*.test.ts' -print | sort); conc=2; guard=10m ;;
  integration) files=$(find test/integration -name '*.test.ts' 2>/dev/null | sort); conc=2; guard=15m ;;
  browser)     files=$(find test/browser -name '*.test.ts' 2>/dev/null | sort); conc=1; guard=15m ;;
  bench)       files=$(find bench -name '*.bench.test.ts' 2>/dev/null | sort); conc=1; guard=10m ;;
  *) echo "unknown tier: $tier" >&2; exit 2 ;;
esac
log="test-output/$tier.log"
if [ -z "$files" ]; then
  echo "$tier: no test files"
  echo "0 0 0" > "test-output/$tier.counts"
  exit 0
fi
# A wall-clock guard per tier, so a hang cannot eat the CI run (testing.md §11).
runner=(timeout --kill-after=30s "$guard" node --import tsx --test --test-concurrency="$conc" --test-timeout=300000 --test-reporter=spec)
if [ "$tier" = integration ] || [ "$tier" = browser ]; then
  runner=(timeout --kill-after=30s "$guard" node --import tsx test/support/with-services.ts -- "${runner[@]:3}")
fi
# shellcheck disable=SC2086
"${runner[@]}" "$@" $files 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count() { sed -n "s/^ℹ $1 \([0-9]*\)$/\1/p" "$log" | tail -1; }
pass=$(count pass); fail=$(count fail); cancelled=$(count cancelled); skipped=$(count skipped)
fail=$(( ${fail:-0} + ${cancelled:-0} ))
# A runner that died before printing its summary counts as one failure.
if [ -z "$pass" ]; then pass=0; fail=$(( fail > 0 ? fail : 1 )); fi
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
echo "$pass $fail ${skipped:-0}" > "test-output/$tier.counts"
# The ten slowest tests of the tier, so whatever eats the budget is visible in every run (testing.md §11).
echo "$tier: slowest tests"
sed -n 's/^ *[✔✖] \(.*\) (\([0-9.]*\)ms)$/\2 \1/p' "$log" | sort -rn | head -10 | awk '{ printf "  %8.1f s  ", $1/1000; $1=""; print substr($0, 2) }'
echo "$tier: $pass passed, $fail failed, ${skipped:-0} skipped"
[ "$fail" -eq 0 ]
