#!/usr/bin/env bash
# Installs the Debian packages of lab/debian-packages.txt that are missing (package@release ones
# unpacked into .tools).
# As root: non-interactively, without letting package scripts start the stock
# daemons on public ports. Otherwise: prints the exact command and exits 3.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

# package@release: downloaded from that release on this machine's own Debian mirror, with apt's
# signature checks but a private package list, and unpacked into .tools; needs no root.
unpack_from_release() {
  local pkg="${1%@*}" release="${1#*@}"
  local apt="$root/.tools/apt-$release" into="$root/.tools/debian-$release"
  local mirror
  mirror="$(apt-get indextargets --format '$(REPO_URI)' 'Identifier: Packages' \
    "Codename: $(. /etc/os-release && echo "$VERSION_CODENAME")" | head -n 1)"
  [ -n "$mirror" ] || { echo "lab: no Debian mirror configured for apt; cannot fetch $pkg from $release" >&2; exit 3; }
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc/apt.conf.d" \
    "$apt/etc/preferences.d" "$apt/etc/sources.list.d" "$into"
  # An empty dpkg status: the candidate is the release's own version, whatever is installed here.
  : > "$apt/status"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $release main" > "$apt/etc/sources.list"
  local opts=(-o "Dir::Etc=$apt/etc" -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
    -o "Dir::State::status=$apt/status" -o APT::Sandbox::User="$(id -un)")
  echo "lab: fetching $pkg from Debian $release into ${into#"$root"/}" >&2
  apt-get "${opts[@]}" update -qq >&2
  rm -f "$apt"/*.deb
  (cd "$apt" && apt-get "${opts[@]}" download -qq "$pkg" >&2)
  dpkg-deb -x "$apt/$pkg"_*.deb "$into"
}

missing=()
while read -r pkg probe; do
  case "$pkg" in
    '' | '#'*) continue ;;
    *@*) [ -e "$root/$probe" ] || unpack_from_release "$pkg" ;;
    *) [ -e "$probe" ] || missing+=("$pkg") ;;
  esac
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
