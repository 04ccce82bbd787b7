#!/usr/bin/env bash
# Start-up and end-to-end wall times of the built command against `node -e 0` in the same run
# (README, "Setting up"): the median of 5 runs each, then three warm `sweep --preset fig9` runs
# with the compile and compute times their manifests record. Run from the repository root
# after `npm ci`. Not a test: wall times depend on the machine and on what else runs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
median() {
  local times=()
  for _ in 1 2 3 4 5; do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    times+=("$(echo "$e - $s" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}
base=$(median node -e 0)
echo "node -e 0            $base s"
for cmd in "--help" "--version" "point --delta 3.1 --T-bar 1 --dT 0.9"; do
  # shellcheck disable=SC2086
  t=$(median node bin/qbsweep.js $cmd)
  echo "qbsweep $cmd  $t s  ($(echo "scale=1; $t / $base" | bc)x)"
done
node bin/qbsweep.js sweep --preset fig9 --out "$out/warm" --quiet >/dev/null 2>&1 # the kernels into the cache
for i in 1 2 3; do
  s=$(date +%s.%N); node bin/qbsweep.js sweep --preset fig9 --out "$out/$i" --quiet >/dev/null 2>&1; e=$(date +%s.%N)
  wall=$(echo "$e - $s" | bc)
  node -e 'const m = require(process.argv[1]); const t = m.timings; console.log(`sweep --preset fig9: wall ${(+process.argv[2]).toFixed(2)} s, compile ${t.compile_s ?? 0} s, compute ${t.compute_s} s, wall - compute ${(process.argv[2] - t.compute_s).toFixed(2)} s (${m.backend.backend})`)' "$out/$i/fig9.json" "$wall"
done
uptime
