#!/usr/bin/env bash
# Runs one test tier with node's test runner and writes its counts to test-output/<tier>.counts
# (read by scripts/test-all.sh). Tiers: unit, integration, browser, bench.
#
# The browser tier runs in two groups (testing.md §3.7: at most two playbacks at once): the
# streaming-core matrix, whose files each keep two players busy, one file at a time; then every
# other browser file, two at a time (each plays one stream at a time or drives pages only).
set -uo pipefail
tier="${1:?tier: unit|integration|browser|bench}"
shift || true
cd "$(dirname "$0")/.."
mkdir -p test-output

list() { find "$@" -name '*.test.ts' 2>/dev/null | sort; }
case "$tier" in
  unit)        groups=("2 10m $(find packages -path '*/node_modules' -prune -o -path '*/test/unit/*' -name '*.test.ts' -print | sort)") ;;
  integration) groups=("2 15m $(list test/integration)") ;;
  browser)     groups=("1 8m $(list test/browser -name 'streaming-core-*')"
                       "2 12m $(list test/browser ! -name 'streaming-core-*')") ;;
  bench)       groups=("1 10m $(find bench -name '*.bench.test.ts' 2>/dev/null | sort)") ;;
  *) echo "unknown tier: $tier" >&2; exit 2 ;;
esac

log="test-output/$tier.log"
: > "$log"
count() { sed -n "s/^ℹ $1 \([0-9]*\)$/\1/p" "$2" | tail -1; }
pass=0; fail=0; skipped=0; ran=0
for group in "${groups[@]}"; do
  read -r conc guard files <<< "$(echo $group)"
  [ -z "${files:-}" ] && continue
  ran=1
  part="$(mktemp)"
  # A wall-clock guard per group, so a hang cannot eat the CI run (testing.md §11).
  runner=(timeout --kill-after=30s "$guard" node --import tsx --test --test-concurrency="$conc" --test-timeout=300000 --test-reporter=spec)
  if [ "$tier" = integration ] || [ "$tier" = browser ]; then
    runner=(timeout --kill-after=30s "$guard" node --import tsx test/support/with-services.ts -- "${runner[@]:3}")
  fi
  # shellcheck disable=SC2086
  "${runner[@]}" "$@" $files 2>&1 | tee "$part"
  rc=${PIPESTATUS[0]}
  cat "$part" >> "$log"
  p=$(count pass "$part"); f=$(count fail "$part"); c=$(count cancelled "$part"); s=$(count skipped "$part")
  f=$(( ${f:-0} + ${c:-0} ))
  # A runner that died before printing its summary counts as one failure.
  if [ -z "$p" ]; then p=0; f=$(( f > 0 ? f : 1 )); fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  pass=$(( pass + p )); fail=$(( fail + f )); skipped=$(( skipped + ${s:-0} ))
  rm -f "$part"
done
if [ "$ran" -eq 0 ]; then
  echo "$tier: no test files"
  echo "0 0 0" > "test-output/$tier.counts"
  exit 0
fi
echo "$pass $fail $skipped" > "test-output/$tier.counts"
# The ten slowest tests of the tier, so whatever eats the budget is visible in every run (testing.md §11).
echo "$tier: slowest tests"
sed -n 's/^ *[✔✖] \(.*\) (\([0-9.]*\)ms)$/\2 \1/p' "$log" | sort -rn | head -10 | awk '{ printf "  %8.1f s  ", $1/1000; $1=""; print substr($0, 2) }'
echo "$tier: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
