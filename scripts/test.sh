#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
scripts/build.sh --tests

# Two at a time: unit, API (real server on loopback), CLI (the real binary) and GIS client
# (GDAL's OAPIF driver) tests.
(cd build && ctest --output-on-failure --parallel 2 --timeout 600)

# The interface in Debian's Chromium against the real server, and the message catalogs.
(cd web && npm test)
