#!/usr/bin/env bash
# `pnpm` for the buildspec harness: the pinned pnpm (package.json `packageManager`) as npx
# caches it, run directly to save npx's ~3 s start-up per call; npx itself when not cached.
# (No global install on a shared machine; CodeBuild's install phase installs it globally.)
set -euo pipefail
spec="$(node -p "require('${CODEBUILD_SRC_DIR:?}/package.json').packageManager")"
version="${spec#pnpm@}"
for pkg in "${HOME}"/.npm/_npx/*/node_modules/pnpm/package.json; do
  [ -f "$pkg" ] || continue
  if [ "$(node -p "require('$pkg').version")" = "$version" ]; then
    exec node "$(dirname "$pkg")/bin/pnpm.cjs" "$@"
  fi
done
exec npx --yes "$spec" "$@"
