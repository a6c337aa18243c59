#!/usr/bin/env bash
# The allocation engine on generated calls (bench/matching/match_bench.cpp, fixed seed).
#
#   bench/matching/run.sh            build, measure, print the table for docs/benchmarks.md
#   SECONDS_LIMIT=60 MONTHS_REQUESTS=3000 bench/matching/run.sh   the twelve-month case's time
#                                    limit and number of applications (the defaults)
#
# 1. One-period call: 10,000 applications x 2,000 spaces, about 50 compatible spaces each,
#    capacities 1-3: min-cost flow (optimal), then the greedy baseline (score lost vs optimal).
#    Goal: the flow, model included, under 2 s.
# 2. Twelve months of 30 days: 3,000 applications x 1,000 spaces, flexible starts on a monthly
#    grid, durations 1-6 months, about 10 compatible spaces each: CBC through the library with
#    the time limit, then the `cbc` command on the same model exported as MPS, same limit.
# Each under GNU time (wall, peak RSS). Needs GNU time (`time`) and `cbc` (coinor-cbc).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench-matching}
limit=${SECONDS_LIMIT:-60}
months_requests=${MONTHS_REQUESTS:-3000}

command -v cbc >/dev/null || { echo "run.sh: needs cbc (apt-get install coinor-cbc)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "run.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIMPETUS_BUILD_BENCH=ON \
  -DIMPETUS_BUILD_TESTS=OFF >/dev/null
ninja -C "$build" -j2 match_bench >/dev/null
bench=$build/bench/matching/match_bench

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run NAME COMMAND...: GNU time around it; prints "wall rss_mb" and keeps stdout in $work/NAME
run() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
    echo "run.sh: $name failed" >&2
    cat "$work/$name.err" >&2
    exit 1
  }
  echo "  $name: $(cat "$work/$name.time") (wall s, peak KB)" >&2
}
field() { python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])" "$1" "$2"; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run pairs_fixed "$bench" pairs
run pairs_months "$bench" pairs --months --requests "$months_requests"
run flow "$bench" flow
run greedy "$bench" greedy
run mip "$bench" mip --seconds "$limit" --requests "$months_requests"
run mps "$bench" mps "$work/months.mps" --requests "$months_requests"
run cbc cbc "$work/months.mps" -sec "$limit" -threads 0 -solve -quit
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

flow_obj=$(field "$work/flow.out" objective)
greedy_obj=$(field "$work/greedy.out" objective)
lost=$(python3 -c "print(f'{100 * ($flow_obj - $greedy_obj) / $flow_obj:.2f}')")
# cbc minimises the negated units (plus the tie perturbation, under one unit)
mkdir -p "$root/bench/out"
cp "$work/cbc.out" "$root/bench/out/matching-cbc.log"
cbc_obj=$( (grep -m1 -E "^Objective value:" "$work/cbc.out" || true) | awk '{printf "%.6f", -$3 / 1e6}')
cbc_status=$( (grep -m1 -E "^Result - " "$work/cbc.out" || true) | sed 's/^Result - //')
cbc_gap=$( (grep -m1 -E "^Gap:" "$work/cbc.out" || true) | awk '{print $2}')

wall() { cut -d' ' -f1 "$work/$1.time"; }
rss() { awk '{printf "%d", $2 / 1024}' "$work/$1.time"; }

cat <<TABLE
- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git -C "$root" rev-parse --short HEAD); Release build ($(c++ --version | head -1))
- Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); load average before / after: $load_before / $load_after
- One-period call: 10,000 applications x 2,000 spaces, $(field "$work/pairs_fixed.out" compatible_pairs) compatible pairs; twelve months: $months_requests x 1,000, $(field "$work/pairs_months.out" compatible_pairs) compatible pairs; CBC time limit ${limit} s; cbc $(cbc -quit 2>/dev/null | grep -m1 Version | awk '{print $2}')

| case | solver | objective | optimal | gap | assigned | solve s (in program) | wall s | peak RSS MB |
| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |
| one period | min-cost flow | $flow_obj | $(field "$work/flow.out" optimal) | 0 | $(field "$work/flow.out" assignments) | $(field "$work/flow.out" seconds) | $(wall flow) | $(rss flow) |
| one period | greedy | $greedy_obj (-$lost %) | false | | $(field "$work/greedy.out" assignments) | $(field "$work/greedy.out" seconds) | $(wall greedy) | $(rss greedy) |
| twelve months | CBC in the library | $(field "$work/mip.out" objective) | $(field "$work/mip.out" optimal) | $(field "$work/mip.out" gap) | $(field "$work/mip.out" assignments) | $(field "$work/mip.out" seconds) | $(wall mip) | $(rss mip) |
| twelve months | \`cbc\` command, same MPS | $cbc_obj | $cbc_status | $cbc_gap | | | $(wall cbc) | $(rss cbc) |
TABLE
