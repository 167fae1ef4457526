#!/usr/bin/env bash
# Sets everything up (Node, the lab's Debian servers, npm packages, the build) and runs the whole test suite.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
npx vitest run
