#!/usr/bin/env bash
# `npm run bench [-- --size 100000 --runs 3 --only B0,B4]`: benchmarks B0–B4 (see docs/benchmarks.md).
# Needs what the tests need: Kafka (started here when none answers, stopped after) and Postgres.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source tools/node/ensure-node.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
tools/kafka/kafka.sh jars
started=""
if ! tools/kafka/kafka.sh status; then tools/kafka/kafka.sh start; started=1; fi
trap '[ -n "$started" ] && tools/kafka/kafka.sh stop' EXIT
node tools/build/build.mjs
# kafkajs schedules negative timeouts (TimeoutNegativeWarning on Node 24; they run after 1 ms, as kafkajs means): see tools/start.sh.
node --enable-source-maps --disable-warning=TimeoutNegativeWarning dist/apps/bench/src/main.js "$@"
