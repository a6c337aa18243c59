#!/usr/bin/env bash
# OSM discovery against the osmium pipeline that only finds the same objects.
#
#   bench/discovery/run.sh            build, measure, append the results to docs/benchmarks.md
#   REPEAT=5 bench/discovery/run.sh   more runs of each (the median is reported)
#   NO_DOC=1 bench/discovery/run.sh   print only
#
# Builds (once) the large file: ../shared/tools/tile-osm lays 8 x 8 copies of the Liechtenstein
# extract side by side (about 160 MB, 20.4M nodes, 2.18M ways) into bench/out/ (gitignored).
# Then measures with GNU time, interleaved, REPEAT times each:
#   1. osmium fileinfo -e FILE: the cost of reading and decoding the file once;
#   2. the osmium pipeline: osmium tags-filter with the first-stage expressions of every rule
#      (discover_bench --osmium-expressions), then osmium export of the result to GeoJSON;
#   3. discover_bench: the full discovery (rules, context, scores) writing GeoJSON.
# The goal: 3 takes no longer than 2, with a peak RSS under 1 GB.
#
# Needs osmium-tool, GNU time (Debian package `time`), cmake, ninja, python3.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${IMPETUS_SHARED:-$root/../shared}
out=$root/bench/out
build=${BUILD_DIR:-$root/build-bench-discovery}
repeat=${REPEAT:-3}
input=$shared/data/osm/liechtenstein-2024-03-04.osm.pbf
big=$out/liechtenstein-8x8.osm.pbf

command -v osmium >/dev/null || { echo "run.sh: needs osmium (apt-get install osmium-tool)" >&2; exit 2; }
if [[ ! -x /usr/bin/time ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get install -y -qq time >/dev/null
  else
    echo "run.sh: needs GNU time (apt-get install time)" >&2
    exit 2
  fi
fi

mkdir -p "$out"
if [[ ! -s $big ]]; then
  "$shared/tools/tile-osm" "$input" 8 8 "$big"
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIMPETUS_BUILD_BENCH=ON \
  -DIMPETUS_BUILD_TESTS=OFF >/dev/null
ninja -C "$build" discover_bench >/dev/null
bench=$build/bench/discovery/discover_bench

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bench" --osmium-expressions >"$work/expressions.txt"
cat >"$work/pipeline.sh" <<EOF
set -e
osmium tags-filter -O "$big" -e "$work/expressions.txt" -o "$work/filtered.osm.pbf"
osmium export -O "$work/filtered.osm.pbf" -o "$work/osmium.geojson"
EOF

# measure NAME COMMAND...: one run under GNU time; appends "name wall cpu rss_kb" to results
measure() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" >"$work/$name.out" 2>"$work/stderr.txt" || {
    echo "run.sh: $name failed:" >&2
    cat "$work/stderr.txt" >&2
    exit 1
  }
  read -r wall user sys rss <"$work/time.txt"
  echo "$name $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') $rss" >>"$work/results.txt"
  echo "  $name: ${wall} s wall, $user + $sys s CPU, $((rss / 1024)) MB peak RSS" >&2
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "measuring ($repeat runs each, interleaved)..." >&2
for ((i = 1; i <= repeat; i++)); do
  measure "fileinfo" osmium fileinfo -e "$big"
  measure "pipeline" bash "$work/pipeline.sh"
  measure "discovery" "$bench" "$big" "$work/discovery.geojson" "$root/config/discovery-weights.json"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
"$bench" "$big" "$work/discovery.geojson" 2>"$work/phases.txt" >/dev/null

candidates=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['features']))" "$work/discovery.geojson")
osmium_features=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['features']))" "$work/osmium.geojson")

# medians per tool
table=$(python3 - "$work/results.txt" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, cpu, rss = line.split()
    rows.setdefault(name, []).append((float(wall), float(cpu), int(rss)))
labels = {
    "fileinfo": "`osmium fileinfo -e` (read the file once)",
    "pipeline": "osmium pipeline (`tags-filter` + `export`)",
    "discovery": "Impetus discovery (rules, context, scores, GeoJSON)",
}
print("| Run | Wall (s) | CPU user+sys (s) | Peak RSS (MB) | Runs (wall s) |")
print("|---|---:|---:|---:|---|")
for name in ("fileinfo", "pipeline", "discovery"):
    r = rows[name]
    wall = statistics.median(x[0] for x in r)
    cpu = statistics.median(x[1] for x in r)
    rss = max(x[2] for x in r) / 1024
    runs = ", ".join(f"{x[0]:.2f}" for x in r)
    print(f"| {labels[name]} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {runs} |")
d = statistics.median(x[0] for x in rows["discovery"])
p = statistics.median(x[0] for x in rows["pipeline"])
dc = statistics.median(x[1] for x in rows["discovery"])
pc = statistics.median(x[1] for x in rows["pipeline"])
rss = max(x[2] for x in rows["discovery"]) / 1024
print()
print(f"Discovery / pipeline: {d / p:.2f} in wall time, {dc / pc:.2f} in CPU time; "
      f"discovery peak RSS {rss:.0f} MB. Goal (no slower than the pipeline, under 1 GB): "
      f"{'met' if d <= p and rss < 1024 else 'missed'}.")
EOF
)

libosmium=$(grep -m1 LIBOSMIUM_VERSION_STRING /usr/include/osmium/version.hpp | cut -d'"' -f2)
osmium_tool=$(osmium --version | head -1 | awk '{ print $3 }')
phases=$(awk '$1 == "phase" { printf "%s%s %.1f s", sep, $2, $3; sep = ", " }' "$work/phases.txt")
# "Number of nodes: 20389888" in the output of the measured `osmium fileinfo -e`
count() { awk -v what="$1" '$1 == "Number" && $3 == what":" { print $4 }' "$work/fileinfo.out"; }
cpu_model=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
mem_gb=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
section=$(cat <<EOF
## OSM discovery vs osmium pipeline

Run on $(date -u +%Y-%m-%d) with \`bench/discovery/run.sh\` (REPEAT=$repeat, runs interleaved,
medians). Machine: $(nproc) cores ($cpu_model), $mem_gb GB RAM, $(uname -sr); load average
before / after: $load_before / $load_after. Build: Release, GCC $(gcc -dumpfullversion),
libosmium $libosmium, osmium-tool $osmium_tool.

Input: \`bench/out/liechtenstein-8x8.osm.pbf\`, 8 x 8 copies of the Liechtenstein extract of
2024-03-04 laid side by side by \`../shared/tools/tile-osm\`: $(du -m "$big" | cut -f1) MB,
$(count nodes) nodes, $(count ways) ways, $(count relations) relations. Data (c) OpenStreetMap contributors, ODbL.

Commands:

\`\`\`
osmium fileinfo -e FILE
osmium tags-filter -O FILE -e expressions.txt -o filtered.osm.pbf   # discover_bench --osmium-expressions
osmium export -O filtered.osm.pbf -o osmium.geojson
discover_bench FILE discovery.geojson config/discovery-weights.json
\`\`\`

$table

The pipeline only finds the objects (its expressions are the rules' first stages, a superset
for the two-stage rules) and writes $osmium_features features, tagged objects it pulled in
included; the discovery also assembles the green areas, computes the context and both scores
of its $candidates candidates and writes them with their explanation. Phases of the discovery
(one more run): $phases.

The machine was shared with other work (see the load average above), so wall times vary from
run to run; the interleaved runs keep the comparison fair, and the CPU times are the steadier
measure.

Where the time goes: \`osmium tags-filter\` reads the file up to three times (relations, then
ways and their nodes, then the copy), each a full decompression. The discovery decompresses
the file once in pass 2 and, in pass 1, only the last blocks that hold the relations (the PBF
block headers are walked without decompressing); its own work (node location index, rules,
assembling candidate and green multipolygons) runs on the calling thread while libosmium's
pool decodes, and the context (R-tree queries, green-area unions within 300 m) runs on one
thread per core afterwards. Peak memory is the node location index (FlexMem: a sorted vector while
ids look sparse, then a dense array of 8 bytes per node id, about 160 MB here, briefly both
while it switches) plus the green areas kept for the context.
EOF
)

echo
echo "$section"
if [[ -z ${NO_DOC:-} ]]; then
  doc=$root/docs/benchmarks.md
  mkdir -p "$root/docs"
  # Replace this section if an earlier run wrote it; leave every other section alone.
  python3 - "$doc" "$section" <<'EOF'
import os, sys
path, section = sys.argv[1], sys.argv[2].rstrip("\n") + "\n"
heading = "## OSM discovery vs osmium pipeline"
text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
lines = text.splitlines(keepends=True)
out, skip = [], False
for line in lines:
    if line.startswith("## "):
        skip = line.strip() == heading
    if not skip:
        out.append(line)
text = "".join(out).rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
EOF
  echo "run.sh: wrote the section to $doc" >&2
fi
