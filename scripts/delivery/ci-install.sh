#!/usr/bin/env bash
# buildspec.yml install phase: the pinned pnpm (package.json `packageManager`), then the
# workspace's dependencies from the lockfile. Node 20 itself comes from the buildspec's
# runtime-versions. SKIP_CHECKS=1 skips the dependency install too: it is meant for a checkout
# that is already installed and tested (the delivery test harness, a laptop).
set -euo pipefail
cd "${CODEBUILD_SRC_DIR:-$(dirname "$0")/../..}"

pinned="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if [ "$(pnpm --version 2>/dev/null || true)" != "$pinned" ]; then
  echo "installing pnpm@$pinned"
  npm install --global "pnpm@$pinned"
fi
echo "node $(node --version), pnpm $(pnpm --version)"

if [ "${SKIP_CHECKS:-0}" = "1" ]; then
  echo "SKIP_CHECKS=1: skipping pnpm install (dependencies must already be installed)"
  exit 0
fi
# onnxruntime-node's postinstall would download CUDA binaries; the CPU ones ship in the package.
ONNXRUNTIME_NODE_INSTALL=skip pnpm install --frozen-lockfile
