#!/usr/bin/env bash
# `npm test`: every tier, in order of cost — lint (type-aware, module boundaries), type check,
# unit specs, then the integration tiers on the real Postgres and a real Kafka broker (started by
# the jest global setup when none answers, and stopped again), then the fault suite (tests/faults:
# brokers and Postgres killed or restarted, processes crashed at fault points). Stops at the first
# failing tier.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source tools/node/ensure-node.sh
[ -d node_modules ] || npm ci --no-audit --no-fund

step() { printf '\n== %s\n' "$1"; }
step "lint";             npm run --silent lint
step "typecheck";        npm run --silent typecheck
step "unit";             npm run --silent test:unit
step "integration";      npm run --silent test:integration
step "faults";           npm run --silent test:faults
