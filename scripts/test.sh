#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
scripts/build.sh --tests

# Two at a time: unit, API (real server on loopback), CLI (the real binary) and GIS client
# (GDAL's OAPIF driver) tests.
(cd build && ctest --output-on-failure --parallel 2 --timeout 600)

# The interface in Debian's Chromium against the real server, the message catalogs, and the
# OpenAPI document linted by Redocly CLI (redocly.yaml).
(cd web && npm test)

# The unit and API tests again, built with AddressSanitizer and UndefinedBehaviorSanitizer: a
# memory error, a leak or undefined behaviour fails the test that meets it. Optimised lightly
# with little debug information, which keeps the build and its links short.
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DIMPETUS_SANITIZE=ON -DIMPETUS_BUILD_TESTS=ON >/dev/null
cmake --build build-sanitize --parallel "${IMPETUS_JOBS:-2}" --target tests_unit tests_api
(cd build-sanitize && \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure --parallel 2 --timeout 900 -L 'unit|api')
