#!/usr/bin/env bash
# Installs the Debian packages of lab/debian-packages.txt that are missing.
# As root: non-interactively, without letting package scripts start the stock
# daemons on public ports. Otherwise: prints the exact command and exits 3.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
missing=()
while read -r pkg probe; do
  case "$pkg" in ''|'#'*) continue ;; esac
  [ -e "$probe" ] || missing+=("$pkg")
done < "$here/debian-packages.txt"
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "lab: missing Debian packages; as root run: apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 3
fi
echo "lab: installing Debian packages: ${missing[*]}" >&2
created_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  # exit 101 forbids package scripts to start services (25, 53, 143, 993 would be taken).
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
trap '[ -z "$created_policy" ] || rm -f /usr/sbin/policy-rc.d' EXIT
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold "${missing[@]}" >&2
