#!/usr/bin/env bash
# The README's test command (and .ci/run): installs what the tests need — Debian packages when
# missing (as root), then npm ci — checks formatting-free static rules (type-check, lint) and runs
# every tier with `npm test`, whose last line is "total: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

need=(chromium ffmpeg libxml2-utils postgresql nginx-light wrk python3 make g++
      libdmapsharing-3.0-dev libnet-daap-dmap-perl python3-zeroconf gcc pkg-config iproute2 fonts-dejavu-core faketime)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # chromium with its Recommends (as measured in the spec), everything else without.
    others=(); want_chromium=0
    for p in "${missing[@]}"; do [ "$p" = chromium ] && want_chromium=1 || others+=("$p"); done
    if ((${#others[@]})); then apt-get install -y -qq --no-install-recommends "${others[@]}" >/dev/null; fi
    if ((want_chromium)); then apt-get install -y -qq chromium >/dev/null; fi
  else
    echo "missing Debian packages: ${missing[*]}"
    echo "run: sudo apt-get install -y ${missing[*]}"
    exit 2
  fi
fi

echo "== npm ci"
npm ci --no-audit --no-fund
echo "== build"
npm run build
echo "== type-check, lint and format check"
npx tsc -p .
npx tsc -p packages/web
npx eslint .
npx prettier --check . --log-level warn
echo "== tests"
npm test
