#!/usr/bin/env bash
# Sets everything up and runs the demo: mailops against the local lab of real servers.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
node scripts/demo.ts
