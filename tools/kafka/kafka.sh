#!/usr/bin/env bash
# A real single-node Apache Kafka 4.x (KRaft) for development and tests, without Docker.
#
#   tools/kafka/kafka.sh jars     resolve the broker jars from Maven Central into tools/kafka/lib
#   tools/kafka/kafka.sh start    start a broker on 127.0.0.1:$KAFKA_PORT (reuses one that runs)
#   tools/kafka/kafka.sh stop     stop the broker this script started
#   tools/kafka/kafka.sh status   exit 0 when a broker answers on the port
#   tools/kafka/kafka.sh reset    stop and delete the local data
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP_OPTS (-Xms256m -Xmx512m),
# KAFKA_START_TIMEOUT seconds (90), KAFKA_HOME_DIR (tools/kafka; data in data/, logs in run/),
# KAFKA_EXTRA_PROPERTIES (lines appended to the broker's server.properties, e.g. "group.max.size=1").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="${KAFKA_HOME_DIR:-$here}"
port="${KAFKA_PORT:-9092}"
cport="${KAFKA_CONTROLLER_PORT:-9093}"
lib="$here/lib"
data="$home/data/$port"
run="$home/run"
pidfile="$run/kafka-$port.pid"
logfile="$run/kafka-$port.log"
heap="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
timeout="${KAFKA_START_TIMEOUT:-90}"

say() { echo "kafka: $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

our_pid() {
  [ -f "$pidfile" ] || return 1
  local pid; pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

jars() {
  if [ -f "$lib/.complete" ] && [ "$lib/.complete" -nt "$here/pom.xml" ]; then return 0; fi
  command -v mvn >/dev/null || { say "Maven (mvn) is needed to fetch the broker jars"; exit 1; }
  command -v java >/dev/null || { say "Java 17+ is needed to run the broker"; exit 1; }
  say "resolving Apache Kafka jars from Maven Central into $lib"
  rm -rf "$lib"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib" -DincludeScope=runtime
  touch "$lib/.complete"
}

start() {
  mkdir -p "$run"
  # One start at a time per port: two test runs must not format or open the same data directory.
  exec 9>"$run/kafka-$port.lock"
  flock -w "$timeout" 9 || { say "another start holds $run/kafka-$port.lock"; exit 1; }
  if port_open "$port"; then
    if our_pid >/dev/null; then say "already running (pid $(cat "$pidfile")) on 127.0.0.1:$port"
    else say "a broker already listens on 127.0.0.1:$port; reusing it"; fi
    return 0
  fi
  jars
  mkdir -p "$data" "$run"
  local props="$run/server-$port.properties"
  sed -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$cport#g" -e "s#@DATA_DIR@#$data#g" \
    "$here/server.properties.template" > "$props"
  if [ -n "${KAFKA_EXTRA_PROPERTIES:-}" ]; then printf '%s\n' "$KAFKA_EXTRA_PROPERTIES" >> "$props"; fi
  if [ ! -f "$data/meta.properties" ]; then
    local id; id=$(java -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    say "formatting storage in $data (cluster $id)"
    java -cp "$lib/*" -Dlog4j2.configurationFile="$here/log4j2.properties" kafka.tools.StorageTool \
      format --standalone -t "$id" -c "$props" --ignore-formatted >>"$logfile" 2>&1
  fi
  local logstart; logstart=$(( $(stat -c %s "$logfile" 2>/dev/null || echo 0) + 1 ))
  say "starting broker on 127.0.0.1:$port (log: $logfile)"
  # setsid: the broker gets its own session, so a Ctrl-C meant for a parent script does not
  # kill it half-way; `stop` ends it.
  setsid java $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" \
    -cp "$lib/*" kafka.Kafka "$props" >>"$logfile" 2>&1 < /dev/null 9>&- &
  echo $! > "$pidfile"
  local waited=0
  # Only this start's log lines count (a restart appends to the same log).
  # (grep -c reads to the end: with pipefail, grep -q would SIGPIPE tail on a long log.)
  until [ "$(tail -c +"$logstart" "$logfile" 2>/dev/null | grep -c "Kafka Server started")" -gt 0 ] && port_open "$port"; do
    if ! our_pid >/dev/null; then say "broker exited during start; last lines of $logfile:"; tail -n 30 "$logfile" >&2; exit 1; fi
    if [ "$waited" -ge "$timeout" ]; then say "not ready after ${timeout}s; see $logfile"; stop; exit 1; fi
    sleep 1; waited=$((waited + 1))
  done
  say "ready on 127.0.0.1:$port after ${waited}s (pid $(cat "$pidfile"))"
}

stop() {
  local pid
  if ! pid=$(our_pid); then rm -f "$pidfile"; say "not running (nothing started by this script)"; return 0; fi
  say "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge 60 ]; then say "still running after 30s; killing"; kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.5; waited=$((waited + 1))
  done
  rm -f "$pidfile"
  say "stopped"
}

case "${1:-}" in
  jars) jars ;;
  start) start ;;
  stop) stop ;;
  status) port_open "$port" ;;
  reset) stop; rm -rf "$data"; say "data removed" ;;
  *) echo "usage: $0 jars|start|stop|status|reset" >&2; exit 2 ;;
esac
