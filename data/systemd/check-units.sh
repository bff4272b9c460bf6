#!/bin/sh
# check-units.sh UNIT…: systemd-analyze verify on the unit files, and
# their exposure by systemd-analyze security, each at most 4.9. A "test-"
# before a file's name is dropped; a template is checked as an instance.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu
max=4.9
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v systemd-analyze >/dev/null; then
  echo "1..0 # SKIP needs systemd-analyze (Debian package systemd)"
  exit 0
fi

for file in "$@"; do
  name=$(basename "$file")
  name=${name#test-}
  case $name in
    *@.service) name=${name%@.service}@239.1.2.3.service ;;
  esac
  cp "$file" "$work/$name"
done

status=0
n=0
for unit in "$work"/*.service; do
  name=$(basename "$unit")
  n=$((n + 1))
  if systemd-analyze verify "$unit" > "$work/verify.log" 2>&1; then
    echo "ok $n - systemd-analyze verify $name"
  else
    sed 's/^/# /' "$work/verify.log"
    echo "not ok $n - systemd-analyze verify $name"
    status=1
  fi

  n=$((n + 1))
  systemd-analyze security --offline=yes --no-pager "$unit" > "$work/security.log" 2>&1 || true
  sed 's/^/# /' "$work/security.log"
  level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$work/security.log")
  if [ -n "$level" ] && awk -v l="$level" -v m="$max" 'BEGIN { exit !(l <= m) }'; then
    echo "ok $n - $name exposure $level <= $max"
  else
    echo "not ok $n - $name exposure ${level:-unknown} (at most $max)"
    status=1
  fi
done
echo "1..$n"
exit $status
