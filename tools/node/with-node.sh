#!/usr/bin/env bash
# Runs a command with Node 24 first on PATH (installing it where the machine's node is older).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ensure-node.sh"
exec "$@"
