#!/usr/bin/env bash
# Refreshes the screenshots the README shows (docs/screenshots/*.png). The browser tests take
# them into build/screenshots on every run, and leave docs/ alone; this script builds the
# interface, runs the tests that take them, and copies each documented one over its old self.
#   scripts/screenshots.sh      (or: npm --prefix web run screenshots)
# Needs the server built (scripts/build.sh) and Chromium (scripts/install-deps.sh --test).
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/screenshots
rm -rf "$out"
(cd web && npm run --silent build && IMPETUS_SCREENSHOTS="$PWD/../$out" node --test --test-concurrency=1 tests/ui.test.js tests/discovery.test.js)

missing=0
for doc in docs/screenshots/*.png; do
  shot="$out/$(basename "$doc")"
  if [ -f "$shot" ]; then
    cp "$shot" "$doc"
    echo "updated $doc"
  else
    echo "screenshots: no $shot (was its test skipped?)" >&2
    missing=1
  fi
done
exit "$missing"
