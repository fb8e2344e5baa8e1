#!/usr/bin/env bash
# A project-local Apache Kafka broker (single-node KRaft, broker + controller) for development and tests.
#
#   bash broker/kafka.sh provision   fetch the broker's jars from Maven Central into .cache/kafka/libs
#   bash broker/kafka.sh start       provision if needed, format storage once, start, wait until it answers
#   bash broker/kafka.sh stop        SIGTERM, wait, then SIGKILL
#   bash broker/kafka.sh status      exit 0 when running, 3 when not
#   bash broker/kafka.sh reset       stop and delete the broker's data (topics, offsets)
#   bash broker/kafka.sh acquire PID  start if needed and lease the broker to process PID (tests, pipelines)
#   bash broker/kafka.sh release PID  end PID's lease; the last lease to go stops a broker that `acquire` started
#
# Settings (environment): KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (default 9093),
# KAFKA_START_TIMEOUT and KAFKA_STOP_TIMEOUT in seconds (60, 30), KAFKA_HEAP (512m).
# Data and logs live in KAFKA_STATE_DIR (default .kafka/; the broker's own log: .kafka/logs/server.log);
# a second, independent broker needs its own KAFKA_STATE_DIR and ports.
set -euo pipefail

readonly BROKER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly PROJECT_DIR="$(dirname "$BROKER_DIR")"
readonly LIBS_DIR="$PROJECT_DIR/.cache/kafka/libs"
readonly STATE_DIR="${KAFKA_STATE_DIR:-$PROJECT_DIR/.kafka}"
readonly DATA_DIR="$STATE_DIR/data"
readonly LOGS_DIR="$STATE_DIR/logs"
readonly PID_FILE="$STATE_DIR/kafka.pid"
readonly LEASES_DIR="$STATE_DIR/leases"
readonly PROPERTIES_FILE="$STATE_DIR/server.properties"
readonly HOST=127.0.0.1
readonly PORT="${KAFKA_PORT:-9092}"
readonly CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
readonly START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
readonly STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
readonly HEAP="${KAFKA_HEAP:-512m}"
# The libs folder is complete only when this stamp holds the hash of the pom it was resolved from.
readonly LIBS_STAMP="$LIBS_DIR/.resolved-from-pom.sha256"
readonly FORMATTED_PORT_FILE=.formatted-for-controller-port
# KafkaRaftServer logs this once the broker is unfenced and serves requests.
readonly READY_LINE='Kafka Server started'

die() { echo "kafka.sh: $*" >&2; exit 1; }
say() { echo "kafka.sh: $*"; }

require_java() {
  command -v java >/dev/null 2>&1 || die "java not found: install a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless)"
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')"
  [[ -n "$major" && "$major" -ge 17 ]] || die "Kafka 4 needs Java 17 or newer, found java ${major:-unknown}: install openjdk-17-jre-headless"
}

require_maven() {
  command -v mvn >/dev/null 2>&1 || die "mvn not found: install Maven 3.8+ (e.g. apt-get install maven) to fetch the Kafka jars"
}

pom_hash() { sha256sum "$BROKER_DIR/pom.xml" | cut -d' ' -f1; }

libs_are_current() { [[ -f "$LIBS_STAMP" && "$(cat "$LIBS_STAMP")" == "$(pom_hash)" ]]; }

provision() {
  if libs_are_current; then
    say "jars already provisioned in ${LIBS_DIR#"$PROJECT_DIR"/}"
    return 0
  fi
  require_maven
  require_java
  # Resolve into a scratch folder and swap it in, so an interrupted download never leaves a half-filled libs folder.
  local scratch="$LIBS_DIR.partial"
  rm -rf "$scratch"
  mkdir -p "$scratch"
  local output status=0
  output="$(mvn -q -B -f "$BROKER_DIR/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$scratch" 2>&1)" || status=$?
  # Maven's console library emits colour resets even in batch mode; keep only real messages (errors, warnings).
  output="$(printf '%s' "$output" | sed 's/\x1b\[[0-9;]*m//g' | sed '/^[[:space:]]*$/d')"
  [[ -z "$output" ]] || printf '%s\n' "$output" >&2
  ((status == 0)) || { rm -rf "$scratch"; die "maven could not resolve the Kafka jars (errors above); check that Maven Central is reachable"; }
  pom_hash > "$scratch/$(basename "$LIBS_STAMP")"
  rm -rf "$LIBS_DIR"
  mv "$scratch" "$LIBS_DIR"
  say "provisioned $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars in ${LIBS_DIR#"$PROJECT_DIR"/}"
}

# The pid in the pid file, if that process is still this project's broker (guards against pid reuse).
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "kafka.Kafka $PROPERTIES_FILE" || return 1
  echo "$pid"
}

port_answers() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

require_free_port() {
  local port="$1" setting="$2"
  [[ "$port" =~ ^[0-9]+$ ]] || die "$setting must be a port number, got '$port'"
  if port_answers "$port"; then
    die "port $port on $HOST is in use by another process: set $setting to a free port"
  fi
}

write_properties() {
  local text
  text="$(cat "$BROKER_DIR/server.properties.template")"
  text="${text//@PORT@/$PORT}"
  text="${text//@CONTROLLER_PORT@/$CONTROLLER_PORT}"
  text="${text//@LOG_DIRS@/$DATA_DIR}"
  printf '%s\n' "$text" > "$PROPERTIES_FILE"
}

java_command() {
  JAVA_COMMAND=(java -Xms"$HEAP" -Xmx"$HEAP" -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$BROKER_DIR/log4j2.yaml" -Dkafka.logs.dir="$LOGS_DIR"
    -cp "$LIBS_DIR/*" "$@")
}

run_java() { java_command "$@"; "${JAVA_COMMAND[@]}"; }

# KRaft refuses to start on unformatted storage; formatting is a one-off per data folder.
format_storage_once() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  local cluster_id
  cluster_id="$(run_java kafka.tools.StorageTool random-uuid 2>>"$LOGS_DIR/format.log" | tail -n 1)"
  [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid failed: see ${LOGS_DIR#"$PROJECT_DIR"/}/format.log"
  run_java kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$PROPERTIES_FILE" \
    >>"$LOGS_DIR/format.log" 2>&1 \
    || die "formatting ${DATA_DIR#"$PROJECT_DIR"/} failed: see ${LOGS_DIR#"$PROJECT_DIR"/}/format.log"
  # --standalone writes the controller's address into the quorum's voter set, so it must not change later.
  echo "$CONTROLLER_PORT" > "$DATA_DIR/$FORMATTED_PORT_FILE"
}

require_controller_port_matches_storage() {
  local marker="$DATA_DIR/$FORMATTED_PORT_FILE"
  [[ -f "$marker" ]] || return 0
  local formatted
  formatted="$(cat "$marker")"
  [[ "$formatted" == "$CONTROLLER_PORT" ]] \
    || die "${DATA_DIR#"$PROJECT_DIR"/} was formatted with KAFKA_CONTROLLER_PORT=$formatted: use that, or run 'bash broker/kafka.sh reset' first (deletes topics)"
}

log_tail() {
  local log
  for log in "$LOGS_DIR/server.log" "$LOGS_DIR/kafka.out"; do
    [[ -s "$log" ]] && tail -n 20 "$log" >&2
  done
  return 0
}

wait_until_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log_tail
      rm -f "$PID_FILE"
      die "the broker exited during startup (log tail above, full log in ${LOGS_DIR#"$PROJECT_DIR"/})"
    fi
    if port_answers "$PORT" && grep -qF "$READY_LINE" "$LOGS_DIR/server.log" 2>/dev/null; then
      return 0
    fi
    sleep 0.25
  done
  log_tail
  stop_broker >/dev/null
  die "the broker did not answer on $HOST:$PORT within ${START_TIMEOUT}s (log tail above); raise KAFKA_START_TIMEOUT if the machine is slow"
}

running_port() { sed -n 's/^advertised\.listeners=PLAINTEXT:\/\/[^:]*:\([0-9]*\)$/\1/p' "$PROPERTIES_FILE"; }

start_broker() {
  local pid
  if pid="$(running_pid)"; then
    local port
    port="$(running_port)"
    [[ "$port" == "$PORT" ]] \
      || die "this project's broker already runs on $HOST:$port, not KAFKA_PORT=$PORT: use that port, or run 'bash broker/kafka.sh stop' first"
    say "already running (pid $pid) on $HOST:$PORT"
    return 0
  fi
  require_java
  provision >/dev/null
  require_free_port "$PORT" KAFKA_PORT
  require_free_port "$CONTROLLER_PORT" KAFKA_CONTROLLER_PORT
  [[ "$PORT" != "$CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ, both are $PORT"
  mkdir -p "$DATA_DIR" "$LOGS_DIR"
  require_controller_port_matches_storage
  write_properties
  format_storage_once
  # Only this start's lines count when looking for the ready line.
  rm -f "$LOGS_DIR/server.log" "$LOGS_DIR"/server.log.*
  local began=$SECONDS
  # setsid: the broker outlives this script and ignores Ctrl-C meant for whoever called it; stop it with `stop`.
  # 9>&-: the broker must not inherit (and so keep holding) the lock.
  java_command kafka.Kafka "$PROPERTIES_FILE"
  setsid "${JAVA_COMMAND[@]}" >"$LOGS_DIR/kafka.out" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" > "$PID_FILE"
  wait_until_ready "$pid"
  say "started (pid $pid) on $HOST:$PORT in $((SECONDS - began))s"
}

stop_broker() {
  if [[ -d "$LEASES_DIR" ]]; then
    drop_dead_leases
    local holders
    holders="$(ls "$LEASES_DIR")"
    [[ -z "$holders" ]] || say "stopping although still leased by pid(s) $(echo $holders)"
    rm -rf "$LEASES_DIR"
  fi
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    say "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    say "killed (pid $pid) after ${STOP_TIMEOUT}s without a clean shutdown"
  else
    say "stopped (pid $pid)"
  fi
  rm -f "$PID_FILE"
}

# Leases: a broker started through `acquire` (by test runs and pipelines, via io/kafka/local-broker.ts)
# runs while any process holding a lease is alive, so one test run finishing cannot pull the broker from
# under another that is still using it. A broker started with `start` has no leases and runs until `stop`.
manual_start() {
  rm -rf "$LEASES_DIR"
  start_broker
}

drop_dead_leases() {
  local lease
  for lease in "$LEASES_DIR"/*; do
    [[ -e "$lease" ]] || continue
    kill -0 "$(basename "$lease")" 2>/dev/null || rm -f "$lease"
  done
}

lease_count() { find "$LEASES_DIR" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

require_holder_pid() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null || die "$2 needs the pid of a live process, got '${1:-}'"
}

acquire() {
  local holder="${1:-}"
  require_holder_pid "$holder" acquire
  if running_pid >/dev/null && [[ ! -d "$LEASES_DIR" ]]; then
    start_broker  # started by hand: say so, take no lease, never stop it on release
    return 0
  fi
  start_broker
  mkdir -p "$LEASES_DIR"
  drop_dead_leases
  touch "$LEASES_DIR/$holder"
}

release() {
  local holder="${1:-}"
  [[ "$holder" =~ ^[0-9]+$ ]] || die "release needs a pid, got '$holder'"
  if [[ ! -d "$LEASES_DIR" ]]; then
    say "no leases: a broker started with 'start' runs until 'stop'"
    return 0
  fi
  rm -f "$LEASES_DIR/$holder"
  drop_dead_leases
  local remaining
  remaining="$(lease_count)"
  if ((remaining > 0)); then
    say "still leased by $remaining other process(es)"
  else
    stop_broker
  fi
}

status() {
  local pid
  if pid="$(running_pid)"; then
    local leases=""
    [[ -d "$LEASES_DIR" ]] && { drop_dead_leases; leases=", leased by $(lease_count) process(es)"; }
    say "running (pid $pid) on $HOST:$(running_port)$leases"
  else
    say "not running"
    exit 3
  fi
}

reset() {
  stop_broker
  rm -rf "$DATA_DIR"
  say "deleted ${DATA_DIR#"$PROJECT_DIR"/}"
}

# Two callers starting or stopping at once (parallel test runs) must not both launch a broker.
# The first start may spend minutes resolving jars, hence the long wait.
with_lock() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/kafka.lock"
  flock -w 600 9 || die "another kafka.sh held ${STATE_DIR#"$PROJECT_DIR"/}/kafka.lock for 10 minutes"
  "$@"
}

case "${1:-}" in
  provision) provision ;;
  start) with_lock manual_start ;;
  stop) with_lock stop_broker ;;
  acquire) with_lock acquire "${2:-}" ;;
  release) with_lock release "${2:-}" ;;
  status) status ;;
  reset) with_lock reset ;;
  *) echo "usage: bash broker/kafka.sh provision|start|stop|status|reset|acquire PID|release PID" >&2; exit 2 ;;
esac
