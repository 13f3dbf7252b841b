#!/usr/bin/env bash
# `npm start`: the whole platform in one process on this machine (DESIGN §2 Configuration).
# - puts Node 24 first on PATH where the machine's node is older (tools/node);
# - builds apps/ and libs/ to dist/ (swc, a second or two);
# - starts a local Kafka broker (tools/kafka) when KAFKA_BROKERS is unset and none answers on
#   127.0.0.1:${KAFKA_PORT:-9092}, and stops it again on exit; a broker that already ran is left alone;
# - runs the all-in-one app; Ctrl-C (or SIGTERM) shuts everything down, leaving no process behind.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source tools/node/ensure-node.sh

[ -d node_modules ] || { echo "stafett: installing dependencies (npm ci)" >&2; npm ci --no-audit --no-fund; }
node tools/build/build.mjs

started_kafka=""
app_pid=""
cleanup() {
  trap - INT TERM EXIT
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill -TERM "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  if [ -n "$started_kafka" ]; then tools/kafka/kafka.sh stop || true; fi
}
trap cleanup INT TERM EXIT

if [ -z "${KAFKA_BROKERS:-}" ]; then
  export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"
  if ! tools/kafka/kafka.sh status; then
    tools/kafka/kafka.sh start
    started_kafka=1
  fi
fi

# --max-semi-space-size=16: the V8 flags of every Stafett process (libs/config/src/node-flags.ts).
# kafkajs (2.2.4, unmaintained) schedules setTimeout with a negative delay when its request queue is
# not throttled; Node >= 24 warns (TimeoutNegativeWarning) and runs it after 1 ms, which is what
# kafkajs means. We cannot patch kafkajs in node_modules, so that one warning is silenced here.
node --enable-source-maps --disable-warning=TimeoutNegativeWarning --max-semi-space-size=16 dist/apps/stafett/src/main.js "$@" &
app_pid=$!
wait "$app_pid"
