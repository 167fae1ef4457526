#!/usr/bin/env bash
# Prepares this checkout on a fresh Debian machine: Node >= 22 (Node 24 from the
# npm registry when the system one is older), the lab's Debian servers, npm
# dependencies and the compiled CLI. Idempotent: a second run only checks.
# Source it (". scripts/setup.sh") to keep its PATH in the calling shell.
set -euo pipefail
MAILOPS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$MAILOPS_ROOT"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

local_node="$MAILOPS_ROOT/.tools/node/node_modules/node/bin"
if [ -x "$local_node/node" ]; then export PATH="$local_node:$PATH"; fi
if [ "$(node_major)" -lt 22 ]; then
  echo "setup: system Node $(node --version 2>/dev/null || echo none) is older than 22; installing node@24 from the npm registry into .tools/node" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$MAILOPS_ROOT/.tools/node" node@24 >&2
  export PATH="$local_node:$PATH"
fi
[ "$(node_major)" -ge 22 ] || { echo "setup: Node >= 22 is still not on PATH" >&2; exit 3; }

missing=()
while read -r pkg probe; do
  case "$pkg" in ''|'#'*) continue ;; esac
  [ -e "$probe" ] || missing+=("$pkg")
done < lab/debian-packages.txt
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages; as root run: apt-get install -y ${missing[*]}" >&2
    exit 3
  fi
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  # Package scripts would start stock daemons on public ports (25, 53, 143, 993):
  # policy-rc.d exit 101 forbids that; the lab starts its own instances.
  created_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  [ -z "$created_policy" ] || rm -f /usr/sbin/policy-rc.d
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
npm run -s build >&2
