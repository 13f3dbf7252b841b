#!/usr/bin/env bash
# `npm run stafett -- <command>`: the CLI (import members, export members, connectors) against a
# running platform (--url / STAFETT_URL, --api-key / STAFETT_API_KEY). Builds dist/ first (swc, a
# second or two) and passes the CLI's exit code on.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source tools/node/ensure-node.sh >/dev/null
out="$(node tools/build/build.mjs 2>&1)" || { echo "$out" >&2; exit 3; }
exec node --enable-source-maps dist/apps/stafett/src/main.js "$@"
