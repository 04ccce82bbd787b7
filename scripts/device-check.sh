#!/usr/bin/env bash
# On a machine with a real GPU: install, run the benchmark at 1024x1024 on the hardware adapter,
# and print the adapter and points/s (with the float64 CPU backend measured in the same run).
#   scripts/device-check.sh            # from the repository root
# Needs Node >= 20 and npm; Dawn (the webgpu package) reaches NVIDIA/AMD/Intel GPUs through
# Vulkan, so the Vulkan loader (libvulkan.so.1) and the vendor's ICD must be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v node >/dev/null || { echo "device-check: node (>= 20) is not installed" >&2; exit 1; }
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || { echo "device-check: node $(node -v) is too old (need >= 20)" >&2; exit 1; }
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  echo "device-check: warning: no libvulkan.so.1 in the loader cache; Dawn needs the Vulkan loader for a hardware adapter" >&2
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true

[ -d node_modules ] || npm ci --no-audit --no-fund

echo "== adapter"
node bin/qbsweep.js point --backend webgpu --adapter "${QBSWEEP_ADAPTER:-hardware}" --json >/dev/null
echo "== bench: fig9 at 1024x1024 x 4 panels, tau = 20000"
out="${OUT:-.}/device-check.json"
node bin/qbsweep.js bench --preset fig9 --grid 1024x1024 --rk4-grid 32x32 --adapter "${QBSWEEP_ADAPTER:-hardware}" --json | tee "$out"
node -e '
  const rows = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const r of rows) console.log(`${r.backend.padEnd(7)} ${r.integrator.padEnd(5)} ${String(r.points).padStart(9)} points ${String(r.points_per_s).padStart(12)} points/s  x${r.ratio_to_cpu} cpu  ${r.adapter ?? "float64 CPU"}`);
' "$out"
echo "== bench: charging curves, fig9 at 256x256 x 4 panels, 1,001 times 0..50 in each point's thread"
out_t="${OUT:-.}/device-check-times.json"
node bin/qbsweep.js bench --preset fig9 --grid 256x256 --cpu-grid 8x8 --times 0:50:1001 --adapter "${QBSWEEP_ADAPTER:-hardware}" --json | tee "$out_t"
echo "== the same curves against float64 at every time (compare exits 1 above tolerance)"
node bin/qbsweep.js compare --preset fig9 --grid 32x32 --times 0:50:1001 --adapter "${QBSWEEP_ADAPTER:-hardware}" | tail -9
