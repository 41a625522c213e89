#!/usr/bin/env bash
# `npm test`: every tier in order, then one closing line that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
timing=()
for tier in unit integration browser bench; do
  started=$SECONDS
  bash scripts/run-tier.sh "$tier" || status=1
  timing+=("$tier $((SECONDS - started)) s")
done
echo "tier times: ${timing[*]}"
p=0; f=0; s=0
for tier in unit integration browser bench; do
  read -r a b c < "test-output/$tier.counts" || true
  p=$((p + ${a:-0})); f=$((f + ${b:-0})); s=$((s + ${c:-0}))
done
echo "total: $p passed, $f failed, $s skipped"
[ "$status" -eq 0 ] && [ "$f" -eq 0 ]
