#!/usr/bin/env bash
# Configures and builds Impetus into build/ (incremental: safe to run again).
#   scripts/build.sh            the server only
#   scripts/build.sh --tests    the server and the test suite
set -euo pipefail
cd "$(dirname "$0")/.."

tests=OFF
[ "${1:-}" = "--tests" ] && tests=ON
build_type=${IMPETUS_BUILD_TYPE:-RelWithDebInfo}

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DIMPETUS_BUILD_TESTS="$tests" >/dev/null
# Two jobs: the machines this runs on have two cores and the test targets are large.
cmake --build build --parallel "${IMPETUS_JOBS:-2}"

# The web interface: dependencies pinned by web/package-lock.json, installed again only when
# the lock file changed.
(
  cd web
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  npm run --silent build
)
