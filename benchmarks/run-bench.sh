#!/usr/bin/env bash
# What users get on ./run, measured from outside the service processes.
#
#   benchmarks/run-bench.sh [FIXTURE_DIR]        (from anywhere; default ../shared/fixtures/microsoft-lerr-2014-h1-tricky)
#   CLEAN_COPY=1 benchmarks/run-bench.sh          (the same on a fresh copy of HEAD, see below)
#
# 1. starts ./run in the background on a fresh DATA_DIR (deleted first) and waits until both sides answer HTTP;
# 2. sends the fixture with the acceptance client (fixture-check --threads 8 --load-only) and records its rate,
#    then times the projection lag: from the end of the load until GET /api/statistics/{period}.csv equals the
#    fixture's expected.csv (polled every 20 ms by a probe started before the load ends);
# 3. StatisticsLoad (open loop, latency from each request's due time) on the JSON, then on the CSV, then on the list
#    of demands (GET /api/demands with filters, rotating over a set of queries);
# 4. POST /api/replays, timed until GET /api/replays/latest says FINISHED (polled every 20 ms): events/s =
#    total / seconds; then StatisticsLoad on the JSON and on the list of demands again ("after a replay");
# 5. stops ./run with SIGTERM and waits for it, then the data folder's size, per file and per command;
# 6. a summary with the machine. Everything printed is also written to benchmarks/target/bench-<date>.log.
#
# ./run builds first when a source is newer than its last build (that time is in the start-up figure). In a working
# tree where others edit and build, that build may fail on their unfinished work or rewrite jars under their running
# JVMs: CLEAN_COPY=1 exports REV (HEAD) with git archive into a temporary folder and runs that copy's ./run there
# (a fresh clone's first start: it always builds), removed afterwards. RUN_ROOT=DIR runs DIR's ./run instead
# (another checkout of the project); the harness's own files are always taken from this one.
#
# Settings (environment): COMMAND_PORT (38081), QUERY_PORT (38082), MONGO_PORT (38017),
# DATA_DIR (benchmarks/target/bench-data), SHARED (../shared: fixtures and tools),
# RATE (800 requests/s), CONNECTIONS (16), DURATION (20 s), WARMUP (5 s), THREADS (8, fixture-check's),
# LIMIT (0 = every command; N = only the fixture's first N commands: then expected.csv cannot be compared, and the
# lag is timed until the JSON's position reaches the log's head, read after the load), FIXTURE_CHECK (the client),
# LOAD_JAVA_OPTS (the load generator's JVM flags), WRK=1 (also run wrk, if installed, on the JSON after step 3),
# MULTIPLY (1; N = the fixture's commands N times over, each copy's demandIds suffixed -xK, so N times the demands;
# like LIMIT, the lag is then timed to the log's head), LIST_RATE (50 requests/s on the list of demands).
#
# Every request carries a token (security.md): LEDGER_TOKEN if set, else the admin token the fresh DATA_DIR's first
# start writes to DATA_DIR/admin.token (a ./run without security writes none, and requests then carry none).
#
# The load generator and probes are dependency-free Java files (benchmarks/src/main/java/ledger/benchmarks/
# StatisticsLoad.java and BenchProbe.java), compiled here with javac into a temporary folder; they run in JVMs of
# their own beside the three of ./run, on the same cores: the numbers include the clients' cost.
#
# wrk fallback, if installed (apt-get install wrk; Debian's wrk is closed-loop, so its latencies are measured from
# each send and hide stalls, coordinated omission; wrk2's -R makes it open-loop):
#   wrk -t2 -c16 -d20s --latency http://127.0.0.1:38082/api/statistics/2014-H1
#   wrk -t2 -c16 -d20s -R800 --latency http://127.0.0.1:38082/api/statistics/2014-H1     # wrk2
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

SHARED="${SHARED:-$ROOT/../shared}"
FIXTURE="${1:-$SHARED/fixtures/microsoft-lerr-2014-h1-tricky}"
export COMMAND_PORT="${COMMAND_PORT:-38081}"
export QUERY_PORT="${QUERY_PORT:-38082}"
export MONGO_PORT="${MONGO_PORT:-38017}"
DATA_DIR="$(realpath -m "${DATA_DIR:-benchmarks/target/bench-data}")"
export DATA_DIR
CLEAN_COPY="${CLEAN_COPY:-0}"
REV="${REV:-HEAD}"
RATE="${RATE:-800}"
CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
THREADS="${THREADS:-8}"
LIMIT="${LIMIT:-0}"
MULTIPLY="${MULTIPLY:-1}"
LIST_RATE="${LIST_RATE:-50}"
FIXTURE_CHECK="${FIXTURE_CHECK:-$SHARED/tools/fixture-check}"
LOAD_JAVA_OPTS="${LOAD_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx512m}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
CMD="http://127.0.0.1:$COMMAND_PORT"
QRY="http://127.0.0.1:$QUERY_PORT"

die() { echo "run-bench: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; } # from_ms to_ms
kv() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<"$1" | tail -n 1; }                 # line key

[ -d "$FIXTURE" ] || die "no fixture folder $FIXTURE"
FIXTURE="$(cd "$FIXTURE" && pwd)"
[ -f "$FIXTURE/expected.csv" ] || die "no expected.csv in $FIXTURE"
[ -x "$FIXTURE_CHECK" ] || die "the acceptance client $FIXTURE_CHECK is missing or not executable"
command -v "$JAVAC" >/dev/null || die "javac (a JDK 17 or newer) is required"
case "$DATA_DIR" in
  / | "$ROOT" | "$HOME" | "$(realpath -m "$ROOT/..")" | "$ROOT/benchmarks" | "$ROOT/benchmarks/target") die "DATA_DIR=$DATA_DIR would delete too much" ;;
esac
for port in "$COMMAND_PORT" "$QUERY_PORT" "$MONGO_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is taken; set COMMAND_PORT, QUERY_PORT, MONGO_PORT"; fi
done

mkdir -p benchmarks/target
STAMP="$(date +%Y%m%d-%H%M%S)"
LOG="benchmarks/target/bench-$STAMP.log"
RUN_OUT="$ROOT/benchmarks/target/bench-$STAMP.run.out"
exec > >(tee -a "$LOG") 2>&1

TOOLS="$(mktemp -d "${TMPDIR:-/tmp}/ledger-bench.XXXXXX")"
run_pid=""
probe_pid=""
COPY=""
cleanup() {
  [ -n "$probe_pid" ] && kill "$probe_pid" 2>/dev/null || true
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    echo "run-bench: stopping ./run (pid $run_pid)"
    kill -TERM "$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
  fi
  rm -rf "$TOOLS"
  [ -z "$COPY" ] || rm -rf "$COPY"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "run-bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

echo "== run-bench $STAMP: fixture $FIXTURE"
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
OTHER_JAVA="$(pgrep -c -x java || true)"
echo "   load average at start: $LOAD_AT_START; java processes already running (not this run's): $OTHER_JAVA"
"$JAVAC" -nowarn -d "$TOOLS" benchmarks/src/main/java/ledger/benchmarks/StatisticsLoad.java \
  benchmarks/src/main/java/ledger/benchmarks/BenchProbe.java
probe() { "$JAVA" $LOAD_JAVA_OPTS -cp "$TOOLS" ledger.benchmarks.BenchProbe "$@"; }
load() { "$JAVA" $LOAD_JAVA_OPTS -cp "$TOOLS" ledger.benchmarks.StatisticsLoad "$@"; }

# CPU seconds used by each of ./run's three JVMs, from /proc (utime + stime)
TICKS="$(getconf CLK_TCK)"
declare -A PIDS=()
cpu_of() { awk -v t="$TICKS" '{ sub(/^.*\) /, ""); printf "%.1f", ($12 + $13) / t }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# the whole machine's busy CPU seconds (every process: ./run's JVMs, the clients, and anything else running)
machine_busy() { awk -v t="$TICKS" '/^cpu / { printf "%.1f", ($2 + $3 + $4 + $7 + $8 + $9) / t }' /proc/stat; }
cpu_snapshot() { local out=""; for n in mongo command query; do out+="$(cpu_of "${PIDS[$n]:-0}") "; done; echo "$out$(machine_busy) $(now_ms)"; }
cpu_report() { # label before after
  local -a a=($2) b=($3)
  awk -v l="$1" -v m0="${a[0]}" -v m1="${b[0]}" -v c0="${a[1]}" -v c1="${b[1]}" -v q0="${a[2]}" -v q1="${b[2]}" \
      -v b0="${a[3]}" -v b1="${b[3]}" -v t0="${a[4]}" -v t1="${b[4]}" -v n="$(nproc)" 'BEGIN {
    wall = (t1 - t0) / 1000; m = m1 - m0; c = c1 - c0; q = q1 - q0; busy = b1 - b0
    printf "  CPU seconds during %s (%.1f s, %d cores: %.1f available): embedded mongo %.1f, command side %.1f, query side %.1f;", l, wall, n, wall * n, m, c, q
    printf " the machine was busy %.1f (%.0f %%), of which %.1f outside ./run (the clients, and anything else running)\n", busy, (wall > 0 ? 100 * busy / (wall * n) : 0), busy - m - c - q
  }'
}
rss_report() {
  local line=""
  for n in mongo command query; do
    line+="$n $(awk '/^VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/${PIDS[$n]:-0}/status" 2>/dev/null || echo '?'), "
  done
  echo "  resident memory: ${line%, }"
}

# --- the fixture ------------------------------------------------------------------------------------------------------
PERIOD="$(python3 -c 'import gzip,json,sys; print(json.loads(gzip.open(sys.argv[1],"rt").readline())["demandId"][:7])' \
  "$FIXTURE/commands.jsonl.gz")"
SEND="$FIXTURE"
COMMANDS="$(gzip -dc "$FIXTURE/commands.jsonl.gz" | grep -c .)"
if [ "$LIMIT" -gt 0 ] && [ "$LIMIT" -lt "$COMMANDS" ]; then
  SEND="$TOOLS/fixture"
  mkdir -p "$SEND"
  gzip -dc "$FIXTURE/commands.jsonl.gz" | awk -v n="$LIMIT" 'NF && ++c <= n' | gzip >"$SEND/commands.jsonl.gz"
  cp "$FIXTURE/expected.csv" "$SEND/"
  COMMANDS="$LIMIT"
  echo "   LIMIT: only the first $LIMIT commands; the lag is timed to the log's head, not to expected.csv"
fi
if [ "$MULTIPLY" -gt 1 ]; then
  mkdir -p "$TOOLS/multiplied"
  python3 - "$SEND/commands.jsonl.gz" "$MULTIPLY" "$TOOLS/multiplied/commands.jsonl.gz" <<'PY'
import gzip, json, sys
src, n, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = [l for l in gzip.open(src, "rt") if l.strip()]
with gzip.open(dst, "wt") as out:
    for k in range(n):
        for l in lines:
            c = json.loads(l)
            c["demandId"] = c["demandId"] + "-x" + str(k)
            out.write(json.dumps(c) + "\n")
PY
  cp "$FIXTURE/expected.csv" "$TOOLS/multiplied/"
  SEND="$TOOLS/multiplied"
  COMMANDS=$(( COMMANDS * MULTIPLY ))
  echo "   MULTIPLY: the commands $MULTIPLY times over; the lag is timed to the log's head, not to expected.csv"
fi
echo "   period $PERIOD, $COMMANDS commands"

RUN_ROOT="${RUN_ROOT:-$ROOT}"
RUN_ROOT="$(cd "$RUN_ROOT" && pwd)"
[ -x "$RUN_ROOT/run" ] || die "no ./run in $RUN_ROOT"
COMMIT="$(git -C "$RUN_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ -n "$(git -C "$RUN_ROOT" status --porcelain -- . ':!benchmarks' 2>/dev/null)" ]; then COMMIT+=" (with uncommitted changes outside benchmarks/)"; fi
if [ "$CLEAN_COPY" = 1 ]; then
  COPY="$(mktemp -d "${TMPDIR:-/tmp}/ledger-bench-copy.XXXXXX")"
  git archive "$REV" | tar -x -C "$COPY"
  RUN_ROOT="$COPY"
  COMMIT="$(git rev-parse --short "$REV") (clean copy of $REV in $COPY, built there by its ./run)"
fi
echo "   ./run of $RUN_ROOT, commit $COMMIT"

# --- (a) start ./run --------------------------------------------------------------------------------------------------
echo
echo "== (a) ./run on a fresh DATA_DIR=$DATA_DIR, ports command $COMMAND_PORT, query $QUERY_PORT, mongo $MONGO_PORT"
rm -rf "$DATA_DIR"
t_start="$(now_ms)"
"$RUN_ROOT/run" >"$RUN_OUT" 2>&1 &
run_pid=$!
t_jvms=""
until grep -q "run: the ledger is up" "$RUN_OUT" 2>/dev/null; do
  kill -0 "$run_pid" 2>/dev/null || { cat "$RUN_OUT"; run_pid=""; die "./run exited while starting"; }
  if [ -z "$t_jvms" ] && pgrep -P "$run_pid" -f -- ' -jar ' >/dev/null; then t_jvms="$(now_ms)"; fi
  [ $(( $(now_ms) - t_start )) -lt 900000 ] || die "./run was not up within 900 s"
  sleep 0.2
done
built=no; grep -q "run: building" "$RUN_OUT" && built=yes
if [ -z "${LEDGER_TOKEN:-}" ] && [ -f "$DATA_DIR/admin.token" ]; then
  LEDGER_TOKEN="$(cat "$DATA_DIR/admin.token")"
  export LEDGER_TOKEN
  echo "   requests carry the admin token of $DATA_DIR/admin.token"
fi
up_line="$(probe up 120 "$CMD/api/demands" "$QRY/api/statistics/$PERIOD")" || { echo "$up_line"; die "a side does not answer"; }
echo "$up_line"
t_up="$(now_ms)"
for pid in $(pgrep -P "$run_pid" || true); do
  case "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" in
    *embedded-mongo*) PIDS[mongo]=$pid ;;
    *command-side*) PIDS[command]=$pid ;;
    *query-side*) PIDS[query]=$pid ;;
  esac
done
START_S="$(secs "$t_start" "$t_up")"
BUILD_S="$(secs "$t_start" "${t_jvms:-$t_start}")"
JVM_S="$(secs "${t_jvms:-$t_start}" "$t_up")"
echo "   up and answering after ${START_S} s: ./run built first: $built (${BUILD_S} s until its first JVM started), then ${JVM_S} s to both sides answering"
echo "   JVMs: mongo ${PIDS[mongo]:-?}, command ${PIDS[command]:-?}, query ${PIDS[query]:-?}"
rss_report

# --- (b) ingest and projection lag ------------------------------------------------------------------------------------
echo
echo "== (b) fixture-check --threads $THREADS --load-only"
MARK="$TOOLS/load-ended"
if [ "$SEND" = "$FIXTURE" ]; then
  "$JAVA" $LOAD_JAVA_OPTS -cp "$TOOLS" ledger.benchmarks.BenchProbe \
    await-csv "$QRY/api/statistics/$PERIOD.csv" "$FIXTURE/expected.csv" "@$MARK" 600 20 >"$TOOLS/lag.out" 2>&1 &
  probe_pid=$!
fi
cpu0="$(cpu_snapshot)"
times >"$TOOLS/times0"
t_load="$(now_ms)"
set +e
FC_OUT="$("$FIXTURE_CHECK" "$SEND" --commands "$CMD" --queries "$QRY" --threads "$THREADS" --load-only 2>&1)"
fc_status=$?
set -e
t_loaded="$(now_ms)"
times >"$TOOLS/times1"
if [ "$fc_status" -ne 0 ]; then echo fail >"$MARK"; else echo "$t_loaded" >"$MARK"; fi
echo "$FC_OUT" | tail -n 6
cpu1="$(cpu_snapshot)"
[ "$fc_status" -eq 0 ] || die "fixture-check failed ($fc_status)"
INGEST_RATE="$(sed -n 's/.*commands in [0-9.]*s (\([0-9]*\)\/s).*/\1/p' <<<"$FC_OUT")"
INGEST_S="$(sed -n 's/.*commands in \([0-9.]*\)s (.*/\1/p' <<<"$FC_OUT")"
echo "   ingest: $COMMANDS commands in ${INGEST_S} s = ${INGEST_RATE} commands/s (fixture-check's clock; the client's whole run took $(secs "$t_load" "$t_loaded") s)"
cpu_report "the ingest" "$cpu0" "$cpu1"
children_cpu() { awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } printf "%.1f", t }' "$1"; }
echo "  of which the acceptance client (fixture-check) used $(awk -v a="$(children_cpu "$TOOLS/times0")" -v b="$(children_cpu "$TOOLS/times1")" 'BEGIN { printf "%.1f", b - a }') CPU seconds"
if [ -n "$probe_pid" ]; then
  wait "$probe_pid" && lag_ok=1 || lag_ok=0
  probe_pid=""
  cat "$TOOLS/lag.out"
  [ "$lag_ok" = 1 ] || die "the figures never equalled $FIXTURE/expected.csv"
  LAG_MS="$(kv " $(tail -n 1 "$TOOLS/lag.out")" ms)"
  echo "   projection lag: ${LAG_MS} ms from the end of the load to GET /api/statistics/$PERIOD.csv equal to expected.csv"
  if [ "$(kv " $(tail -n 1 "$TOOLS/lag.out")" polls)" = 1 ]; then
    echo "   (exact at the first poll: the figures had caught up by then, and the lag is at most that)"
    LAG_MS="<= $LAG_MS"
  fi
else
  head_line="$(probe head "$QRY" "$PERIOD")" || die "could not read the log's head: $head_line"
  lag_line="$(probe await-position "$QRY/api/statistics/$PERIOD" "$(kv " $head_line" position)" "$t_loaded" 600 20)" \
    || die "the projection did not reach the head: $lag_line"
  LAG_MS="$(kv " $lag_line" ms)"
  echo "   $head_line; $lag_line"
  echo "   projection lag: ${LAG_MS} ms from the end of the load to the JSON's position at the log's head (includes reading the head)"
fi
rss_report

# --- (c) statistics under open-loop load -------------------------------------------------------------------------------
echo
echo "== (c) StatisticsLoad: $RATE req/s, $CONNECTIONS connections, ${WARMUP} s warm-up + ${DURATION} s, JSON then CSV"
cpu0="$(cpu_snapshot)"
JSON_OUT="$(load "$QRY/api/statistics/$PERIOD" "$RATE" "$CONNECTIONS" "$DURATION" "$WARMUP")" || true
echo "$JSON_OUT"
cpu1="$(cpu_snapshot)"
cpu_report "the JSON load" "$cpu0" "$cpu1"
CSV_OUT="$(load "$QRY/api/statistics/$PERIOD.csv" "$RATE" "$CONNECTIONS" "$DURATION" "$WARMUP")" || true
echo "$CSV_OUT"
cpu2="$(cpu_snapshot)"
cpu_report "the CSV load" "$cpu1" "$cpu2"
JSON_R="$(grep '^RESULT' <<<"$JSON_OUT" | tail -n 1)"
# the list of demands: a page of 100 with the filters a legal team uses, rotating
LIST_URLS="$QRY/api/demands?period=$PERIOD&jurisdiction=US,$QRY/api/demands?outcome=pending&receivedBefore=${PERIOD:0:4}-06-01T00:00:00Z"
LIST_URLS+=",$QRY/api/demands?period=$PERIOD&outcome=rejected&limit=1000,$QRY/api/demands?jurisdiction=DE&legalProcess=SUBPOENA"
LIST_URLS+=",$QRY/api/demands?outcome=content&after=${PERIOD}-5,$QRY/api/demands?jurisdiction=TR&outcome=noDataFound"
list_load() { load "$LIST_URLS" "$LIST_RATE" 4 "$DURATION" "$WARMUP"; }
echo "-- the list of demands: $LIST_RATE req/s on 4 connections over 6 filtered queries"
LIST_OUT="$(list_load)" || true
echo "$LIST_OUT"
LIST_R="$(grep '^RESULT' <<<"$LIST_OUT" || true)"
CSV_R="$(grep '^RESULT' <<<"$CSV_OUT" | tail -n 1)"
if [ "${WRK:-0}" = 1 ] && command -v wrk >/dev/null; then
  echo "-- wrk (closed loop: latency from each send), for comparison"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$QRY/api/statistics/$PERIOD" || true
fi

# --- (d) replay --------------------------------------------------------------------------------------------------------
echo
echo "== (d) POST /api/replays, timed until /api/replays/latest says FINISHED (polled every 20 ms)"
cpu0="$(cpu_snapshot)"
REPLAY_OUT="$(probe replay "$QRY" 600 20)" || { echo "$REPLAY_OUT"; die "the replay did not finish"; }
cpu1="$(cpu_snapshot)"
echo "$REPLAY_OUT"
REPLAY_R="$(grep '^REPLAY' <<<"$REPLAY_OUT" | tail -n 1)"
EVENTS="$(kv " $REPLAY_R" total)"
if [ "$EVENTS" != "$COMMANDS" ]; then
  echo "   WARNING: the log holds $EVENTS events after $COMMANDS commands sent to a fresh DATA_DIR; if the fixture's commands"
  echo "   store one event each, something else wrote to this service (another client on port $COMMAND_PORT?)"
fi
cpu_report "the replay" "$cpu0" "$cpu1"
if [ "$SEND" = "$FIXTURE" ]; then
  after="$(probe await-csv "$QRY/api/statistics/$PERIOD.csv" "$FIXTURE/expected.csv" "$(now_ms)" 30 20)" \
    && echo "   figures after the replay: still equal to expected.csv" \
    || { echo "$after"; echo "   WARNING: the figures after the replay differ from expected.csv"; }
fi
echo "-- after a replay: StatisticsLoad on the JSON again"
AFTER_OUT="$(load "$QRY/api/statistics/$PERIOD" "$RATE" "$CONNECTIONS" "$DURATION" "$WARMUP")" || true
echo "$AFTER_OUT"
AFTER_R="$(grep '^RESULT' <<<"$AFTER_OUT" | tail -n 1)"
echo "-- after a replay: the list of demands again"
LIST_AFTER_OUT="$(list_load)" || true
echo "$LIST_AFTER_OUT"
LIST_AFTER_R="$(grep '^RESULT' <<<"$LIST_AFTER_OUT" || true)"
rss_report

# --- (e) stop and measure the data --------------------------------------------------------------------------------------
echo
echo "== (e) stopping ./run (SIGTERM to pid $run_pid)"
children="$(pgrep -P "$run_pid" | tr '\n' ' ' || true)"
t_stop="$(now_ms)"
kill -TERM "$run_pid"
wait "$run_pid" || true
run_pid=""
STOP_S="$(secs "$t_stop" "$(now_ms)")"
tail -n 3 "$RUN_OUT" | sed 's/^/   /'
for pid in $children; do
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "   WARNING: JVM $pid of ./run still runs 10 s after ./run exited; SIGTERM to it"
    kill -TERM "$pid" 2>/dev/null || true
  fi
done
echo "   stopped in ${STOP_S} s"
DATA_BYTES="$(du -sb "$DATA_DIR" | cut -f1)"
STORE_BYTES="$(find "$DATA_DIR" -type f -not -path '*/logs/*' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
echo "   du -sb $DATA_DIR: $DATA_BYTES bytes; per file:"
find "$DATA_DIR" -type f -printf '%s\t%P\n' | sort -nr | awk -F'\t' '{ printf "   %14d  %s\n", $1, $2 }'
echo "   $(awk -v b="$DATA_BYTES" -v n="$COMMANDS" 'BEGIN { printf "%.0f", b / n }') bytes per command (whole folder);" \
  "$(awk -v b="$STORE_BYTES" -v n="$COMMANDS" 'BEGIN { printf "%.0f", b / n }') bytes per command without logs/"

# --- (f) summary ---------------------------------------------------------------------------------------------------------
ms() { [ -n "$1" ] && printf '%s' "$1" || printf '?'; }
summary_load() { # label RESULT-line
  printf '%-26s  %s req/s offered, %s achieved; p50 %s ms, p90 %s, p99 %s, p99.9 %s, max %s; errors %s\n' "$1" \
    "$(kv " $2" offered)" "$(kv " $2" achieved)" "$(kv " $2" p50)" "$(kv " $2" p90)" "$(kv " $2" p99)" \
    "$(kv " $2" p999)" "$(kv " $2" max)" "$(kv " $2" errors)"
}
cat <<EOF

================================================================ summary
date           $(date -u +%Y-%m-%dT%H:%M:%SZ)
machine        $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -srm)
java           $("$JAVA" -version 2>&1 | head -n 2 | tr '\n' ' ')
commit         $COMMIT
fixture        $(basename "$FIXTURE"), $COMMANDS commands, period $PERIOD
start          ${START_S} s to both sides answering (./run built first: $built, ${BUILD_S} s; then ${JVM_S} s from the JVMs' start)
ingest         ${INGEST_RATE} commands/s (fixture-check --threads $THREADS --load-only, ${INGEST_S} s)
projection lag $(ms "$LAG_MS") ms (end of load to figures equal to expected)
$(summary_load "statistics JSON" "$JSON_R")
$(summary_load "statistics CSV" "$CSV_R")
$(while read -r r; do [ -n "$r" ] && summary_load "list $(kv " $r" url | sed 's/.*demands//')" "$r"; done <<<"$LIST_R")
replay         $(kv " $REPLAY_R" seconds) s request to FINISHED = $(kv " $REPLAY_R" events_per_s) events/s ($(kv " $REPLAY_R" total) events; server's startedAt to finishedAt $(kv " $REPLAY_R" server_started_to_finished_s) s)
$(summary_load "statistics JSON, replayed" "$AFTER_R")
$(while read -r r; do [ -n "$r" ] && summary_load "list, replayed $(kv " $r" url | sed 's/.*demands//')" "$r"; done <<<"$LIST_AFTER_R")
stop           ${STOP_S} s (SIGTERM to ./run)
machine load   load average $LOAD_AT_START at start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $OTHER_JAVA other java processes at start
data           $DATA_BYTES bytes in $DATA_DIR = $(awk -v b="$DATA_BYTES" -v n="$COMMANDS" 'BEGIN { printf "%.0f", b / n }') bytes/command ($STORE_BYTES without logs/ = $(awk -v b="$STORE_BYTES" -v n="$COMMANDS" 'BEGIN { printf "%.0f", b / n }') bytes/command)
load settings  $RATE req/s on $CONNECTIONS connections, ${WARMUP} s warm-up + ${DURATION} s, open loop, latency from due time
log            $LOG (./run's output: $RUN_OUT)
EOF
