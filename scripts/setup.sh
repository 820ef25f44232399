#!/usr/bin/env bash
# Everything Freezer needs on a fresh Debian machine, idempotent and quick the second time:
#   - Debian packages: Chromium (+ driver) for the webview and end-to-end tests, the native build
#     dependencies of code-server, and the archive tools the format tests and benchmarks compare against;
#   - an offline VS Code (code-server on a private Node 24) outside the clone, for the extension tests;
#     the same Node 24 runs npm and the project's scripts when the system Node is older than 22.15;
#   - the project's npm dependencies (npm ci), which also builds dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${VSCODE_E2E_TOOLS:-/opt/vscode-e2e-tools}"

need=()
for p in openssl tar gzip bzip2 zstd coreutils ca-certificates; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
  echo "[setup] apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Chromium, code-server's native deps, Node 24 and code-server itself (see the script for details).
timeout 1500 bash scripts/install-vscode-e2e-tools.sh "$TOOLS"

# Freezer needs Node ≥ 22.15 (zlib zstd): with an older system Node, npm runs on the private Node 24.
. "$TOOLS/env.sh"
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number);console.log(a>22||(a===22&&b>=15)?1:0)' 2>/dev/null || echo 0)
[ "$node_ok" = 1 ] || export PATH="$(dirname "$NODE24"):$PATH"

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1   # never let a package download a browser of its own
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ -n "${CI:-}" ]; then
  timeout 900 npm ci --no-audit --no-fund --loglevel=error
fi
echo "[setup] ready"
