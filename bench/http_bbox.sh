#!/usr/bin/env bash
# HTTP benchmark: one OGC API - Features items page (a bbox holding about 500 spaces, out of
# 100,000) served by Impetus, against nginx serving the very same bytes as a static file, in
# the same run, under wrk (2 threads, 64 connections, 20 s, loopback only).
#
#   bench/http_bbox.sh                  # everything: build, data, load, run, docs/benchmarks.md
#   ROUNDS=1 DURATION=5s bench/http_bbox.sh     # a quick look (still writes the doc; see OUT_MD)
#
# Three targets, each run ROUNDS times, alternating:
#   impetus-cached    the same URL every time: after the first request it is answered from
#                     the response cache (App's ResponseCache, valid while the data generation
#                     does not change).
#   impetus-uncached  every request a different URL (a wrk Lua script appends 6 digits to the
#                     bbox's first longitude, a shift under 10 cm, so each page holds the same
#                     features): each one misses the cache (the key is the full target), runs
#                     the SQLite query and renders the page.
#   nginx             the cached page's exact body as a static file (sendfile on).
#
# Environment (all optional): BUILD (build dir, default build-bench), WORK (data and logs,
# default $BUILD/bench-http), COUNT (spaces, 100000), TARGET (features in the bbox, 500),
# DURATION (20s), WARMUP (5s), CONNS (64), WRK_THREADS (2), ROUNDS (2), OUT_MD
# (docs/benchmarks.md; empty: do not write it), FRESH=1 (generate and import again), IMPORTER
# (the impetus program that loads the data; default: this build's).
#
# The loaded database is kept in $WORK and reused while make_spaces.py, COUNT and TARGET are
# the same: loading 100,000 spaces takes about a minute.
#
# It installs wrk and nginx-light with apt-get only when they are missing, never touches the
# system nginx configuration (its nginx runs from a generated config in a temporary folder),
# listens on 127.0.0.1 only, and stops everything it started when it exits.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench}
WORK=${WORK:-$BUILD/bench-http}
COUNT=${COUNT:-100000}
TARGET=${TARGET:-500}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
CONNS=${CONNS:-64}
WRK_THREADS=${WRK_THREADS:-2}
ROUNDS=${ROUNDS:-2}
OUT_MD=${OUT_MD-$ROOT/docs/benchmarks.md}
FRESH=${FRESH:-0}
LIMIT=1000 # the page size asked for: above numberMatched, so the page holds every match

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

TMP=$(mktemp -d /tmp/impetus-bench.XXXXXX)
SERVER_PID=""
NGINX_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ -n "$NGINX_PID" ]] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -QUIT "$NGINX_PID" 2>/dev/null || true # graceful: the master stops its workers
        for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$NGINX_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
    exit $rc
}
trap cleanup EXIT
trap 'log "failed at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Tools

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v cmake >/dev/null || missing+=(cmake)
command -v ninja >/dev/null || missing+=(ninja-build)
if ((${#missing[@]})); then
    log "installing ${missing[*]} (apt-get)"
    [[ $(id -u) -eq 0 ]] || die "need root to install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# ---------------------------------------------------------------------------------------------
# Build (Release, no tests): ninja does nothing when it is up to date.

if [[ ! -f "$BUILD/build.ninja" ]]; then
    log "configuring $BUILD (Release)"
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIMPETUS_BUILD_TESTS=OFF \
        >"$TMP/cmake.log" || { cat "$TMP/cmake.log" >&2; die "cmake failed"; }
fi
grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$BUILD/CMakeCache.txt" ||
    die "$BUILD is not a Release build"
log "building impetus"
ninja -C "$BUILD" impetus >"$TMP/ninja.log" || { tail -30 "$TMP/ninja.log" >&2; die "build failed"; }
IMPETUS=$BUILD/src/impetus
# The program that loads the data (workspace create, import): this build's unless IMPORTER names
# another (to compare the serving of two builds on the same data).
IMPORTER=${IMPORTER:-$IMPETUS}

# ---------------------------------------------------------------------------------------------
# Data: generated and imported through the CLI, reused while the generator and COUNT are the same

mkdir -p "$WORK"
DATA=$WORK/spaces.geojson
DB=$WORK/bench.db
BBOX_FILE=$WORK/bbox.txt
IMPORT_LOG=$WORK/import.txt
STAMP=$WORK/stamp.txt
stamp="count=$COUNT target=$TARGET generator=$(sha256sum "$ROOT/bench/make_spaces.py" | cut -c1-16)"
if [[ "$FRESH" == 1 || ! -f "$STAMP" || "$(cat "$STAMP")" != "$stamp" || ! -f "$DB" ]]; then
    rm -f "$STAMP" "$DB" "$DB-wal" "$DB-shm" "$IMPORT_LOG"
    log "generating $COUNT spaces"
    python3 "$ROOT/bench/make_spaces.py" --count "$COUNT" --out "$DATA" \
        --bbox-target "$TARGET" --bbox-out "$BBOX_FILE"
    "$IMPORTER" workspace create bench --name Bench --db "$DB" >/dev/null
    log "importing with $IMPORTER import (this takes a while)"
    t0=$(date +%s.%N)
    "$IMPORTER" import "$DATA" --workspace bench --db "$DB" >"$WORK/import.out"
    t1=$(date +%s.%N)
    {
        echo "seconds=$(python3 -c "print(round($t1 - $t0, 1))")"
        echo "report=$(head -1 "$WORK/import.out")"
        echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
        echo "importer=$IMPORTER"
        echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    } >"$IMPORT_LOG"
    echo "$stamp" >"$STAMP"
else
    log "reusing $DB (FRESH=1 to import again)"
fi
BBOX=$(cat "$BBOX_FILE")
import_seconds=$(sed -n 's/^seconds=//p' "$IMPORT_LOG")
import_report=$(sed -n 's/^report=//p' "$IMPORT_LOG")
import_load=$(sed -n 's/^load=//p' "$IMPORT_LOG")
importer=$(sed -n 's/^importer=//p' "$IMPORT_LOG")
importer_note=""
[[ -n "$importer" && "$importer" != "$IMPETUS" ]] && importer_note=" (loaded with $importer)"
db_bytes=0
for f in "$DB" "$DB-wal"; do [[ -f "$f" ]] && db_bytes=$((db_bytes + $(stat -c %s "$f"))); done

# ---------------------------------------------------------------------------------------------
# Impetus

: >"$TMP/serve.out"
"$IMPETUS" serve --db "$DB" --listen 127.0.0.1:0 --log-level warn >>"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVER_PID=$!
port=""
for _ in $(seq 300); do
    port=$(sed -n 's/^Impetus listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/serve.out")
    [[ -n "$port" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/serve.err" >&2; die "impetus serve exited"; }
    sleep 0.1
done
[[ -n "$port" ]] || die "impetus serve did not say its port"
BASE=http://127.0.0.1:$port
PATH_Q="/ogc/collections/spaces/items?bbox=$BBOX&limit=$LIMIT"
URL=$BASE$PATH_Q
rss_start_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
log "impetus pid $SERVER_PID on $BASE"

mkdir -p "$TMP/www"
curl -sS --fail -o "$TMP/www/items.json" -D "$TMP/impetus.headers" "$URL"
read -r matched returned < <(python3 - "$TMP/www/items.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(d["numberMatched"], d["numberReturned"])
EOF
)
body_bytes=$(stat -c %s "$TMP/www/items.json")
log "bbox $BBOX: numberMatched $matched, numberReturned $returned, $body_bytes bytes"
((returned == matched)) || die "the page does not hold every match ($returned of $matched)"
((matched >= TARGET * 8 / 10 && matched <= TARGET * 12 / 10)) ||
    die "numberMatched $matched is not about $TARGET"
cp "$TMP/www/items.json" "$WORK/items.json" # the exact body, kept for inspection

# ---------------------------------------------------------------------------------------------
# nginx, from a generated config (never the system's), serving that body

nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chmod 755 "$TMP" "$TMP/www"
chmod 644 "$TMP/www/items.json"
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000000;
    client_body_temp_path $TMP/nginx/client_body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    types { }
    default_type application/geo+json;
    server {
        listen 127.0.0.1:$nginx_port;
        root $TMP/www;
        location = /items.json { }
    }
}
EOF
"$NGINX" -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -g 'daemon off;' \
    2>"$TMP/nginx/stderr" &
NGINX_PID=$!
NGINX_URL=http://127.0.0.1:$nginx_port/items.json
for _ in $(seq 100); do
    curl -sf -o /dev/null "$NGINX_URL" && break
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$TMP/nginx/stderr" "$TMP/nginx/error.log" >&2; die "nginx exited"; }
    sleep 0.1
done
curl -sS --fail -o "$TMP/nginx.body" -D "$TMP/nginx.headers" "$NGINX_URL"
cmp -s "$TMP/nginx.body" "$TMP/www/items.json" || die "nginx does not serve the same bytes"
grep -qi '^content-type: application/geo+json' "$TMP/nginx.headers" || die "nginx content type"
log "nginx pid $NGINX_PID on $NGINX_URL ($(nginx -v 2>&1 | sed 's/.*: //'))"

# ---------------------------------------------------------------------------------------------
# wrk

IFS=, read -r bx0 by0 bx1 by1 <<<"$BBOX"
cat >"$TMP/uncached.lua" <<EOF
-- Every request a new URL: 6 digits appended to the bbox's first longitude (under 10 cm), so
-- each misses the response cache while selecting the same spaces. Threads use disjoint numbers.
local counter = 0
local nthreads = $WRK_THREADS
local id = 0
local next_id = 0
function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
end
function request()
    counter = counter + 1
    local n = counter * nthreads + id
    local path = string.format("/ogc/collections/spaces/items?bbox=%s%06d,%s,%s,%s&limit=$LIMIT",
        "$bx0", n % 1000000, "$by0", "$bx1", "$by1")
    return wrk.format("GET", path)
end
EOF

# One wrk run; prints "req_s mb_s p50_ms p90_ms p99_ms max_ms errors" on stdout.
run_wrk() {
    local name=$1 url=$2 duration=$3 script=${4:-}
    local out=$TMP/wrk-$name-$RANDOM.txt
    local args=(-t"$WRK_THREADS" -c"$CONNS" -d"$duration" --latency --timeout 10s)
    [[ -n "$script" ]] && args+=(-s "$script")
    /usr/bin/time -f "%U %S" -o "$out.cpu" wrk "${args[@]}" "$url" >"$out" 2>&1 ||
        { cat "$out" >&2; die "wrk failed"; }
    cat "$out" >>"$WORK/wrk.log"
    python3 - "$out" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    x = float(m.group(1))
    return x * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]
def mb(v):
    m = re.match(r"([\d.]+)(B|KB|MB|GB)$", v)
    return float(m.group(1)) * {"B": 1e-6, "KB": 1 / 1024, "MB": 1.0, "GB": 1024.0}[m.group(2)]
req = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
tr = mb(re.search(r"Transfer/sec:\s+(\S+)", text).group(1))
pct = {p: ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", text, re.M)}
mx = ms(re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", text, re.M).group(1))
errors = 0
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
if m:
    errors += sum(int(g) for g in m.groups())
m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if m:
    errors += int(m.group(1))
user, system = open(sys.argv[1] + ".cpu").read().split()[-2:]
print(f"{req:.0f} {tr:.0f} {pct['50']:.2f} {pct['90']:.2f} {pct['99']:.2f} {mx:.2f} {errors} "
      f"{float(user) + float(system):.1f}")
EOF
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
nginx_cpu_ticks() { # master and workers
    local t=0 p
    for p in $NGINX_PID $(pgrep -P "$NGINX_PID"); do t=$((t + $(cpu_ticks "$p"))); done
    echo $t
}
HZ=$(getconf CLK_TCK)

: >"$WORK/wrk.log"
log "warm-up ($WARMUP each)"
run_wrk warm-impetus "$URL" "$WARMUP" >/dev/null
run_wrk warm-uncached "$BASE/" "$WARMUP" "$TMP/uncached.lua" >/dev/null
run_wrk warm-nginx "$NGINX_URL" "$WARMUP" >/dev/null

declare -a rows=()
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$ROUNDS"); do
    for target in impetus-cached nginx impetus-uncached; do
        case $target in
        impetus-cached) c0=$(cpu_ticks "$SERVER_PID"); r=$(run_wrk "$target" "$URL" "$DURATION"); c1=$(cpu_ticks "$SERVER_PID") ;;
        nginx) c0=$(nginx_cpu_ticks); r=$(run_wrk "$target" "$NGINX_URL" "$DURATION"); c1=$(nginx_cpu_ticks) ;;
        impetus-uncached) c0=$(cpu_ticks "$SERVER_PID"); r=$(run_wrk "$target" "$BASE/" "$DURATION" "$TMP/uncached.lua"); c1=$(cpu_ticks "$SERVER_PID") ;;
        esac
        cpu_s=$(python3 -c "print(round(($c1 - $c0) / $HZ, 1))")
        log "round $round $target: $r cpu ${cpu_s}s"
        rows+=("$target $round $r $cpu_s")
    done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
hwm_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
rss_end_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
server_threads=$(awk '/^Threads/ {print $2}' "/proc/$SERVER_PID/status")
nginx_workers=$(pgrep -c -P "$NGINX_PID" || true)
log "impetus VmHWM ${hwm_kb} kB"

# ---------------------------------------------------------------------------------------------
# Report

cpu_model=$(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)
mem_total=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || commit="$commit (with uncommitted changes in src/)"
section=$TMP/section.md
{
    python3 - "$DURATION" "$CONNS" "$WRK_THREADS" "${rows[@]}" <<'EOF'
import sys
duration, conns, threads = sys.argv[1:4]
rows = [r.split() for r in sys.argv[4:]]
seconds = float(duration.rstrip("s"))
print("| target | round | requests/s | MB/s | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU s | wrk CPU s |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for t, rnd, req, mb, p50, p90, p99, mx, err, wcpu, cpu in rows:
    print(f"| {t} | {rnd} | {int(req):,} | {int(mb):,} | {p50} | {p90} | {p99} | {mx} | {err} | {cpu} | {wcpu} |")
print()
def agg(name):
    rs = [r for r in rows if r[0] == name]
    n = sum(float(r[2]) for r in rs) * seconds # requests
    return (sum(float(r[2]) for r in rs) / len(rs), max(float(r[6]) for r in rs),
            sum(float(r[10]) for r in rs) / n * 1e6, sum(float(r[9]) for r in rs) / n * 1e6)
ng = agg("nginx")
print("| target | mean requests/s | vs nginx | worst p99 ms | goal (>= 50 % of nginx, p99 < 10 ms) | server CPU per request | wrk CPU per request |")
print("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
for name in ("impetus-cached", "impetus-uncached", "nginx"):
    req, p99, cpu, wcpu = agg(name)
    ratio = req / ng[0]
    ok = "n/a" if name == "nginx" else ("met" if ratio >= 0.5 and p99 < 10 else
         "missed (" + ", ".join(x for x, bad in (("throughput", ratio < 0.5), ("p99", p99 >= 10)) if bad) + ")")
    print(f"| {name} | {req:,.0f} | {ratio:.0%} | {p99:.2f} | {ok} | {cpu:,.0f} us | {wcpu:,.0f} us |")
EOF
} >"$TMP/tables.md"

cat >"$section" <<EOF
## HTTP: OGC API items bbox page vs nginx static file

\`GET /ogc/collections/spaces/items?bbox=$BBOX&limit=$LIMIT\` with $(python3 -c "print(f'{$COUNT:,}')") spaces
loaded, against nginx serving the same response body as a static file, in the same run.

- Reproduce: \`bench/http_bbox.sh\` (from the repository root; \`ROUNDS=$ROUNDS DURATION=$DURATION CONNS=$CONNS WRK_THREADS=$WRK_THREADS\` are the defaults used here)
- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $commit; Release build ($(c++ --version | head -1))
- Machine: $(nproc) CPUs ($cpu_model), $mem_total; $(uname -sr); load average before / after the runs: $load_before / $load_after
- Client: wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), \`wrk -t$WRK_THREADS -c$CONNS -d$DURATION --latency\`, $WARMUP warm-up per target, rounds alternate cached / nginx / uncached; wrk, the server and nginx share the same $(nproc) CPUs
- nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') (Debian), generated config: worker_processes auto ($nginx_workers workers), sendfile on, tcp_nopush on, access_log off, keepalive_requests unlimited, \`application/geo+json\`
- Impetus: \`impetus serve --db bench.db --listen 127.0.0.1:0 --log-level warn\`, default threads ($server_threads threads in the process), 64 MiB response cache
- Data: \`bench/make_spaces.py --count $COUNT\` (fixed seed; about 70 % points, 30 % polygons of 10-100 m over 30 x 30 km around Lille), loaded with \`impetus workspace create bench\` and \`impetus import\`: $import_report; import took ${import_seconds} s$importer_note (load average $import_load); database $((db_bytes / 1048576)) MiB
- The page: numberMatched $matched, numberReturned $returned, $(python3 -c "print(f'{$body_bytes:,}')") bytes
- **impetus-cached**: the same URL every time, answered from the response cache. **impetus-uncached**: every request a different URL (6 digits appended to the bbox's first longitude, under 10 cm: the same $matched spaces), so every one misses the cache: SQLite query, rendering, cache insertion. **nginx**: the static file.

$(cat "$TMP/tables.md")

Peak memory of the Impetus server (VmHWM from /proc/PID/status after all runs): $((hwm_kb / 1024)) MiB (RSS $((rss_start_kb / 1024)) MiB after start, $((rss_end_kb / 1024)) MiB at the end).
EOF

if [[ -n "$OUT_MD" ]]; then
    python3 - "$OUT_MD" "$section" <<'EOF'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2], encoding="utf-8").read().rstrip() + "\n"
title = "## HTTP: OGC API items bbox page vs nginx static file"
doc = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmarks\n"
start = doc.find(title)
if start < 0:
    doc = doc.rstrip() + "\n\n" + section
else:
    m = re.compile(r"^## ", re.M).search(doc, start + len(title))
    end = m.start() if m else len(doc)
    # Keep hand-written notes that follow the generated part (below a marker).
    marker = "<!-- notes -->"
    old = doc[start:end]
    notes = old[old.find(marker):] if marker in old else ""
    doc = doc[:start] + section + ("\n" + notes.rstrip() + "\n" if notes else "") + ("\n" + doc[end:] if m else "")
open(path, "w", encoding="utf-8").write(doc)
EOF
    log "wrote $OUT_MD"
fi
cat "$section"
