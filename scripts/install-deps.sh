#!/usr/bin/env bash
# Installs the Debian 12 packages Impetus needs, only those missing (safe to run again).
#   scripts/install-deps.sh          build and run the server
#   scripts/install-deps.sh --test   also what the test suite needs
#   scripts/install-deps.sh --bench  also what the benchmarks need
#   scripts/install-deps.sh --fuzz   also clang with libFuzzer and the sanitizer runtimes
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev nlohmann-json3-dev libsqlite3-dev libicu-dev libproj-dev proj-data
  libcli11-dev libfmt-dev libspdlog-dev
  libosmium2-dev libprotozero-dev zlib1g-dev liblz4-dev libexpat1-dev
  libargon2-dev libssl-dev libcurl4-openssl-dev libvips-dev
  liblemon-dev coinor-libcbc-dev
  nodejs
)
for arg in "$@"; do
  case "$arg" in
    --test) packages+=(libgtest-dev libgmock-dev gdal-bin python3 curl sqlite3 chromium fonts-dejavu-core osmium-tool python3-aiosmtpd) ;;
    --bench) packages+=(wrk nginx-light python3 curl osmium-tool time coinor-cbc) ;;
    --fuzz) packages+=(clang-14 libfuzzer-14-dev libclang-rt-14-dev) ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm comes with some nodejs builds and separately with others.
if ! command -v npm >/dev/null && dpkg-query -W -f='${Status}' nodejs 2>/dev/null | grep -q "ok installed"; then
  missing+=(npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exec "$(dirname "$0")/check-node.sh"
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
if ! command -v npm >/dev/null; then
  $sudo apt-get install -y -qq --no-install-recommends npm
fi
exec "$(dirname "$0")/check-node.sh"
