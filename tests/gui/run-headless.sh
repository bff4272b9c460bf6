#!/bin/sh
# run-headless.sh PROGRAM [ARGS…]: runs a GUI test on a private Xvfb.
#
# Under CI (CI set) a missing Xvfb fails the test; elsewhere it is a skip.
#
# SPDX-License-Identifier: GPL-3.0-or-later

if ! command -v xvfb-run >/dev/null 2>&1 || ! command -v Xvfb >/dev/null 2>&1; then
  if [ -n "${CI:-}" ]; then
    echo "Bail out! xvfb-run and Xvfb are needed for the GUI tests under CI"
    exit 1
  fi
  echo "1..0 # SKIP xvfb-run or Xvfb is not installed"
  exit 0
fi

# No accessibility bus: these tests look at widgets, not at AT-SPI.
export GTK_A11Y=none
export NO_AT_BRIDGE=1

# A private session bus, so that nothing reaches the user's session and
# GApplication never tries to autolaunch one.
dbus=
if command -v dbus-run-session >/dev/null 2>&1; then
  dbus="dbus-run-session --"
else
  unset DBUS_SESSION_BUS_ADDRESS
fi

exec $dbus xvfb-run --auto-servernum --server-args="-screen 0 1280x1024x24 -nolisten tcp" "$@"
