#!/usr/bin/env bash
# Prepares this checkout on a fresh Debian machine: Node >= 22 (Node 24 from the
# npm registry when the system one is older), the lab's Debian servers, npm
# dependencies and the compiled CLI. Idempotent: a second run only checks.
# Source it (". scripts/setup.sh") to keep its PATH in the calling shell.
set -euo pipefail
MAILOPS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$MAILOPS_ROOT"

# Running the TypeScript lab and scripts directly needs type stripping: Node >= 22.18; mailauth needs 22.19.
node_ok() { node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)' 2>/dev/null; }

local_node="$MAILOPS_ROOT/.tools/node/node_modules/node/bin"
if [ -x "$local_node/node" ]; then export PATH="$local_node:$PATH"; fi
if ! node_ok; then
  echo "setup: Node $(node --version 2>/dev/null || echo none) is older than 22.19; installing node@24 from the npm registry into .tools/node" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$MAILOPS_ROOT/.tools/node" node@24 >&2
  export PATH="$local_node:$PATH"
fi
node_ok || { echo "setup: Node >= 22.19 is still not on PATH" >&2; exit 3; }

bash lab/install-packages.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
npm run -s build >&2
