#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
scripts/build.sh --tests

cd build
# Two at a time: unit, API (real server on loopback), CLI (the real binary) and GIS client
# (GDAL's OAPIF driver) tests.
ctest --output-on-failure --parallel 2 --timeout 600
