#!/usr/bin/env bash
# Fuzzes every parser of outside input (tests/fuzz/<name>_fuzz.cpp) with libFuzzer, one target
# after the other, SECONDS each (default 60). Safe to run again.
#   scripts/fuzz.sh [--no-build] [SECONDS] [NAME...]     e.g. scripts/fuzz.sh 300 json wkt
#
# Installs clang and libFuzzer when missing, builds the targets with the address and undefined
# behaviour sanitizers into build-fuzz/ (--no-build runs them as last built), and runs each on
# its working corpus (build-fuzz/runs/<name>/corpus: the seeds of tests/fuzz/corpus/<name>/,
# the saved findings of tests/fuzz/regressions/<name>/ and what earlier runs added). An input
# that crashes, leaks, times out or runs out of memory is copied to
# tests/fuzz/regressions/<name>/, where the test suite replays it (fuzz_replay) from then on;
# the script then exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
if [ "${1:-}" = "--no-build" ]; then
  build=0
  shift
fi
seconds=${1:-60}
[ $# -gt 0 ] && shift
case "$seconds" in
  ''|*[!0-9]*) echo "fuzz: SECONDS must be a number, not '$seconds'" >&2; exit 2 ;;
esac

if [ $build -eq 1 ]; then
  scripts/install-deps.sh --fuzz
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DIMPETUS_BUILD_FUZZERS=ON -DIMPETUS_BUILD_TESTS=OFF >/dev/null
  cmake --build build-fuzz --target impetus_fuzzers --parallel "${IMPETUS_JOBS:-2}"
fi

# The longest input worth trying per target: a little more than the largest real input of
# that kind needs to show its structure (http_head: past the server's 16 KiB header limit).
max_len_for() {
  case "$1" in
    wkt) echo 1024 ;;
    query) echo 2048 ;;
    json|pbf) echo 4096 ;;
    geojson|csv|brownfield|cnig) echo 8192 ;;
    http_head) echo 20000 ;;
    photo) echo 32768 ;;
    *) echo 4096 ;;
  esac
}

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for f in tests/fuzz/*_fuzz.cpp; do
    n=$(basename "$f" _fuzz.cpp)
    names+=("$n")
  done
fi

found=0
summary=()
for name in "${names[@]}"; do
  program=build-fuzz/tests/fuzz/${name}_fuzz
  [ -x "$program" ] || { echo "fuzz: no target $name ($program)" >&2; exit 2; }
  work=build-fuzz/runs/$name
  mkdir -p "$work/corpus"
  rm -rf "$work/artifacts"
  mkdir -p "$work/artifacts"
  cp -n tests/fuzz/corpus/"$name"/* "$work/corpus/"
  if [ "$name" = pbf ]; then
    # Real extracts stay in ../shared/data: their first blocks seed the PBF checks.
    for f in ../shared/data/osm/*.osm.pbf; do
      [ -f "$f" ] || continue
      head -c "$(max_len_for pbf)" "$f" >"$work/corpus/$(basename "$f" .osm.pbf)-head"
    done
  fi
  if [ -d tests/fuzz/regressions/"$name" ]; then
    cp -n tests/fuzz/regressions/"$name"/* "$work/corpus/" 2>/dev/null || true
  fi
  echo "== $name: ${seconds}s, max_len $(max_len_for "$name")"
  set +e
  "$program" "$work/corpus" -max_total_time="$seconds" -max_len="$(max_len_for "$name")" \
    -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" >"$work/log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  size=$(find "$work/corpus" -type f | wc -l)
  kept=()
  for a in "$work"/artifacts/crash-* "$work"/artifacts/leak-* "$work"/artifacts/timeout-* \
    "$work"/artifacts/oom-*; do
    [ -e "$a" ] || continue
    mkdir -p tests/fuzz/regressions/"$name"
    cp "$a" tests/fuzz/regressions/"$name"/
    kept+=("tests/fuzz/regressions/$name/$(basename "$a")")
  done
  if [ $rc -ne 0 ] || [ ${#kept[@]} -gt 0 ]; then
    found=1
    summary+=("$(printf '%-11s FOUND  exit %s, %s executions, corpus %s: %s (log %s)' \
      "$name" "$rc" "${execs:-?}" "$size" "${kept[*]:-no input kept}" "$work/log")")
  else
    summary+=("$(printf '%-11s ok     %s executions, corpus %s' "$name" "${execs:-?}" "$size")")
  fi
done

echo
echo "Fuzzing summary (${seconds}s per target):"
printf '  %s\n' "${summary[@]}"
if [ $found -ne 0 ]; then
  echo "Findings are kept in tests/fuzz/regressions/; the log says where each one fails." >&2
  exit 1
fi
