#!/bin/bash
# e2e-host.sh: the desktop of test LAN host 1, inside its own network
# namespace and D-Bus session: Xvfb, the application, then the test.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$CHORUS_E2E_BUILD
out=$CHORUS_E2E_OUT

# A free display number; the socket is a file, usable from this namespace.
display=90
while [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]]; do
  display=$((display + 1))
done
Xvfb ":$display" -screen 0 1024x900x24 -nolisten tcp >"$out/xvfb.log" 2>&1 </dev/null &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [[ -e /tmp/.X11-unix/X$display ]] && break
  sleep 0.05
done
export DISPLAY=:$display

# The application as built, in English, with settings in a throwaway
# key file: a window size that suits the screenshots, and probes often
# enough for the chart to fill in a few seconds.
config=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$config"' EXIT
mkdir -p "$config/glib-2.0/settings"
cat >"$config/glib-2.0/settings/keyfile" <<'KEYFILE'
[io/github/chorusapp/Chorus]
window-width=940
window-height=880
probe-interval='0.1'
probe-wait='0.5'
ping-interval='0.2'
ping-wait='0.5'
KEYFILE
export XDG_CONFIG_HOME=$config
export GSETTINGS_BACKEND=keyfile
export GSETTINGS_SCHEMA_DIR=$build/data
export LANGUAGE=C LC_ALL=C.UTF-8
export GTK_A11Y=atspi
unset NO_AT_BRIDGE

/usr/bin/python3 "$here/test-e2e.py" "$build/src/gui/chorus" >&3 3>&-
