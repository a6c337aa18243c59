#!/usr/bin/env bash
# What durability costs: the same write load over HTTP (POST .../spaces, each request one new
# space, one transaction with its audit entry) against `impetus serve` with SQLite's
# synchronous=FULL (the default: every commit flushed to the disk before it is acknowledged)
# and with synchronous=NORMAL (IMPETUS_SYNCHRONOUS=normal: flushed at checkpoints only), in
# the same run, alternating. Prints writes per second and latency percentiles per run.
#
#   bench/durability/run.sh                     # build-bench/ (Release), 2 rounds of 15 s
#   IMPETUS=build/src/impetus bench/durability/run.sh   # an existing binary, no build
#
# Environment (all optional): IMPETUS (the binary; default: built Release in $BUILD), BUILD
# (build-bench), WORK (database files, default $BUILD/bench-durability: keep it on the disk
# whose cost is measured, not on tmpfs), DURATION (15s), CONNS ("1 8": the wrk connections of
# each run), ROUNDS (2).
#
# Installs wrk with apt-get only when it is missing, listens on 127.0.0.1 only, and stops the
# server it started when it exits.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench}
WORK=${WORK:-$BUILD/bench-durability}
DURATION=${DURATION:-15s}
CONNS=${CONNS:-1 8}
ROUNDS=${ROUNDS:-2}

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

TMP=$(mktemp -d /tmp/impetus-durability.XXXXXX)
SERVER_PID=""
stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
cleanup() {
    local rc=$?
    stop_server
    rm -rf "$TMP"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if ((${#missing[@]})); then
    log "installing ${missing[*]} (apt-get)"
    [[ $(id -u) -eq 0 ]] || die "need root to install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ -z "${IMPETUS:-}" ]]; then
    if [[ ! -f "$BUILD/build.ninja" ]]; then
        log "configuring $BUILD (Release)"
        cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DIMPETUS_BUILD_TESTS=OFF >"$TMP/cmake.log" || { cat "$TMP/cmake.log" >&2; die "cmake failed"; }
    fi
    log "building impetus"
    ninja -C "$BUILD" impetus >"$TMP/ninja.log" || { tail -30 "$TMP/ninja.log" >&2; die "build failed"; }
    IMPETUS=$BUILD/src/impetus
fi
# A copy: the binary under test does not change while the runs go on.
cp "$IMPETUS" "$TMP/impetus"
BIN=$TMP/impetus

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$WORK"
fs_type=$(df --output=fstype "$WORK" | tail -1 | tr -d ' ')
[[ "$fs_type" == tmpfs ]] && log "warning: $WORK is on tmpfs, where a flush costs nothing"

# ---------------------------------------------------------------------------------------------
# A template database: a workspace, an administrator and a personal API token that writes.

start_server() { # $1 database, $2 IMPETUS_SYNCHRONOUS value
    : >"$TMP/serve.out"
    IMPETUS_SYNCHRONOUS=$2 "$BIN" serve --db "$1" --listen 127.0.0.1:0 --log-level warn \
        >"$TMP/serve.out" 2>"$TMP/serve.err" &
    SERVER_PID=$!
    PORT=""
    for _ in $(seq 300); do
        PORT=$(sed -n 's/^Impetus listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/serve.out")
        [[ -n "$PORT" ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/serve.err" >&2; die "impetus serve exited"; }
        sleep 0.1
    done
    die "impetus serve did not say its port"
}

TEMPLATE=$WORK/template.db
rm -f "$TEMPLATE" "$TEMPLATE-wal" "$TEMPLATE-shm"
"$BIN" workspace create bench --name Bench --db "$TEMPLATE" >/dev/null
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$password" |
    "$BIN" user create bench@example.org --admin --password-stdin --db "$TEMPLATE" >/dev/null
start_server "$TEMPLATE" full
login=$(curl -sS --fail -c "$TMP/cookies" -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench@example.org\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$PORT/api/v1/auth/login")
csrf=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrf_token"])' "$login")
token=$(curl -sS --fail -b "$TMP/cookies" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -d '{"name":"bench","scopes":["read","write"]}' "http://127.0.0.1:$PORT/api/v1/me/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
stop_server

# Each request a new space, named by a per-thread counter.
cat >"$TMP/post.lua" <<'EOF'
counter = 0
thread_id = 0
threads = {}
function setup(thread)
    thread:set("thread_id", #threads)
    table.insert(threads, thread)
end
function init(args)
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
end
function request()
    counter = counter + 1
    local body = string.format(
        '{"name":"bench %d-%d","kind":"building","notes":"durability benchmark",' ..
        '"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}',
        thread_id, counter, 3.0 + (counter % 1000) * 0.0002, 50.6 + thread_id * 0.01)
    return wrk.format(nil, "/api/v1/workspaces/bench/spaces", nil, body)
end
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT %d %d %d %d %.0f %.0f %.0f %.0f\n", summary.requests,
        summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
EOF

# ---------------------------------------------------------------------------------------------
# The runs: for each round and each connection count, FULL then NORMAL on fresh copies.

# The disk's own price of a flush: 500 writes of 4 KiB, each waiting for the disk (O_DSYNC).
dsync_s=$(cd "$WORK" && dd if=/dev/zero of=dsync.probe bs=4k count=500 oflag=dsync 2>&1 |
    sed -n 's/.* copied, \([0-9.]*\) s,.*/\1/p')
rm -f "$WORK/dsync.probe"
dsync=$(awk -v s="$dsync_s" 'BEGIN { printf "%.2f ms per 4 KiB write with O_DSYNC (dd, 500 writes)", s * 2 }')
log "disk: $dsync"

ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
rows=()
for round in $(seq "$ROUNDS"); do
    for conns in $CONNS; do
        for mode in full normal; do
            DB=$WORK/run.db
            rm -f "$DB" "$DB-wal" "$DB-shm"
            cp "$TEMPLATE" "$DB"
            start_server "$DB" "$mode"
            threads=$((conns < 2 ? 1 : 2))
            log "round $round, $conns connection(s), synchronous=$mode"
            BENCH_TOKEN=$token wrk -t"$threads" -c"$conns" -d"$DURATION" -s "$TMP/post.lua" \
                "http://127.0.0.1:$PORT" >"$TMP/wrk.out"
            stop_server
            read -r requests duration_us status_errors socket_errors p50 p90 p99 max < <(
                sed -n 's/^RESULT //p' "$TMP/wrk.out")
            stored=$(sqlite3 "$DB" "SELECT count(*) FROM space")
            writes=$((requests - status_errors))
            per_s=$(awk -v n="$writes" -v us="$duration_us" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
            rows+=("| $round | $conns | $mode | $per_s | $(ms "$p50") | $(ms "$p90") | $(ms "$p99") | $(ms "$max") | $writes | $stored | $((status_errors + socket_errors)) |")
        done
    done
done

echo
echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "- Machine: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); Linux $(uname -r); load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- Database folder: $WORK ($fs_type on $(df --output=source "$WORK" | tail -1)); disk: $dsync"
echo "- Load: wrk, ${DURATION} per run, each request POST /api/v1/workspaces/bench/spaces (one space and its audit entry), a personal API token"
echo
echo "| round | connections | synchronous | writes/s | p50 ms | p90 ms | p99 ms | max ms | acknowledged | in the file | errors |"
echo "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
